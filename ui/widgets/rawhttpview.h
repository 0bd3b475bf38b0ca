#pragma once
// A raw HTTP message (request or response, head and body) shown exactly: monospace, CR and LF written
// as \r \n so a bare LF stands out, other control and invalid bytes as \xNN, header names highlighted,
// a tooltip explaining each header, and one header that can be lit up (the one a selected check is about).

#include <QPlainTextEdit>
#include <functional>

class QMenu;

namespace wsi
{

class RawHttpHighlighter;

class RawHttpView : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit RawHttpView(QWidget* parent = nullptr);

    void setMessage(const QByteArray& raw);
    const QByteArray& message() const { return m_raw; }
    void clearMessage();

    // Lights every line of that header (empty name: the start line); false when it is not there.
    bool highlightHeader(const QByteArray& name);
    void clearHighlight();
    QByteArray highlightedHeader() const;
    bool isStartLineHighlighted() const;

    // Entries the owner adds to the context menu (after the standard ones), e.g. "Copy as…".
    void setContextMenuExtension(std::function<void(QMenu*)> extend);
    // The context menu as it opens (the caller owns it).
    QMenu* createContextMenu();

    // The header named on a line of the view (block number), empty for the start line and body.
    QByteArray headerAtLine(int line) const;

    // Bytes → the text the view shows: CR as \r, LF as \n plus a line break, TAB as \t, a backslash as
    // \\, other control bytes and bytes that are not UTF-8 as \xNN. Nothing that crossed the wire hides.
    static QString visibleText(const QByteArray& raw);
    // The reverse, for the raw request editor. A line break right after \n is only its visual break;
    // a line break typed without an escape is CR LF; a backslash that starts no escape is kept.
    static QByteArray bytesFromVisibleText(const QString& text);

protected:
    bool viewportEvent(QEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;

private:
    QByteArray m_raw;
    RawHttpHighlighter* m_highlighter;
    std::function<void(QMenu*)> m_extendMenu;
};

} // namespace wsi
