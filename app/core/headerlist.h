#pragma once
// Header fields kept exactly as they crossed the wire: order, duplicates, spelling and bytes.
// An inspector must be able to show what was sent, so nothing here normalises or merges on insert.

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace wsi
{

struct Header {
    QByteArray name;
    QByteArray value;
    bool operator==(const Header&) const = default;
};

class HeaderList
{
public:
    void append(QByteArray name, QByteArray value);

    const QList<Header>& fields() const { return m_fields; }
    qsizetype size() const { return m_fields.size(); }
    bool isEmpty() const { return m_fields.isEmpty(); }

    // Field names compare ASCII case-insensitively (RFC 9110 §5.1).
    bool contains(QByteArrayView name) const;
    int count(QByteArrayView name) const;
    // Every occurrence, in wire order.
    QList<QByteArray> values(QByteArrayView name) const;
    // First occurrence, or a null QByteArray when absent (an empty value is not "absent").
    QByteArray value(QByteArrayView name) const;
    // Occurrences joined with ", ", which RFC 9110 §5.3 makes equivalent for list-valued fields.
    // Null when absent.
    QByteArray combined(QByteArrayView name) const;

    // Replaces the first occurrence in place and drops later ones; appends when absent.
    void set(QByteArray name, QByteArray value);
    void removeAll(QByteArrayView name);

    bool operator==(const HeaderList&) const = default;

private:
    QList<Header> m_fields;
};

bool sameFieldName(QByteArrayView a, QByteArrayView b);

} // namespace wsi
