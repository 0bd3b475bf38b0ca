#pragma once
// One- or two-sentence explanations of handshake header fields with their RFC sections, read from
// resources/headers.json so the texts can be corrected without touching a widget.

#include <QHash>
#include <QString>

namespace wsi
{

struct HeaderDoc {
    QString text;
    QString rfc;
};

class HeaderDocs
{
public:
    // Parses the JSON object { "Name": { "text": ..., "rfc": ... }, ... }; a broken file gives no docs.
    static HeaderDocs fromJson(const QByteArray& json);
    // The texts compiled into the program (":/headers.json"), loaded once.
    static const HeaderDocs& builtIn();

    // Field names compare case-insensitively; null when the header has no explanation.
    const HeaderDoc* find(QByteArrayView name) const;
    // Rich text for a tooltip: name, explanation, RFC section; empty when unknown.
    QString tooltip(QByteArrayView name) const;
    int size() const { return int(m_docs.size()); }

private:
    QHash<QString, HeaderDoc> m_docs; // keyed by lower-case name
};

} // namespace wsi
