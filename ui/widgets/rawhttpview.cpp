#include "ui/widgets/rawhttpview.h"

#include "ui/widgets/headerdocs.h"

#include <QContextMenuEvent>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QMenu>
#include <QSyntaxHighlighter>
#include <QTextBlock>
#include <QToolTip>
#include <memory>

namespace wsi
{

namespace
{
// Block states: which part of the message a line belongs to.
enum BlockState { StartLine = 0, HeadLine = 1, Body = 2 };

// A line that holds nothing but its line ending ends the head.
bool isHeadEnd(const QString& text)
{
    return text.isEmpty() || text == QLatin1String("\\r\\n") || text == QLatin1String("\\n")
        || text == QLatin1String("\\r");
}

// Length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there are not one.
int utf8SequenceLength(const QByteArray& bytes, qsizetype i)
{
    const auto lead = static_cast<unsigned char>(bytes.at(i));
    int length = 0;
    if (lead >= 0xC2 && lead <= 0xDF)
        length = 2;
    else if (lead >= 0xE0 && lead <= 0xEF)
        length = 3;
    else if (lead >= 0xF0 && lead <= 0xF4)
        length = 4;
    if (length == 0 || i + length > bytes.size())
        return 0;
    for (int k = 1; k < length; ++k) {
        if ((static_cast<unsigned char>(bytes.at(i + k)) & 0xC0) != 0x80)
            return 0;
    }
    // Overlong forms and surrogates decode to U+FFFD: treat them as raw bytes too.
    const QString decoded = QString::fromUtf8(bytes.mid(i, length));
    return decoded.contains(QChar::ReplacementCharacter) ? 0 : length;
}

int hexValue(QChar c)
{
    if (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
        return c.unicode() - '0';
    if (c >= QLatin1Char('a') && c <= QLatin1Char('f'))
        return c.unicode() - 'a' + 10;
    if (c >= QLatin1Char('A') && c <= QLatin1Char('F'))
        return c.unicode() - 'A' + 10;
    return -1;
}
} // namespace

class RawHttpHighlighter : public QSyntaxHighlighter
{
public:
    using QSyntaxHighlighter::QSyntaxHighlighter;
    QByteArray highlighted;
    bool highlightStartLine = false;

protected:
    void highlightBlock(const QString& text) override
    {
        const int previous = previousBlockState();
        const int state = previous < 0 ? StartLine : previous == Body ? Body : HeadLine;
        // A line's state tells the next line where it is: the blank line that ends the head is
        // already marked Body, so everything after it is body text.
        setCurrentBlockState(state == Body || isHeadEnd(text) ? Body : HeadLine);

        if (state == Body) {
            markEscapes(text);
            return;
        }

        QTextCharFormat lit;
        lit.setBackground(QColor(0xff, 0xe0, 0x82));
        if (state == StartLine) {
            QTextCharFormat start;
            start.setFontWeight(QFont::Bold);
            setFormat(0, int(text.size()), start);
            if (highlightStartLine)
                setFormat(0, int(text.size()), lit);
            markEscapes(text);
            return;
        }
        const int colon = int(text.indexOf(QLatin1Char(':')));
        if (colon <= 0) {
            markEscapes(text);
            return;
        }
        QTextCharFormat name;
        name.setForeground(QColor(0x0b, 0x57, 0xd0));
        name.setFontWeight(QFont::Bold);
        const bool isLit
            = !highlighted.isEmpty() && text.left(colon).toLatin1().compare(highlighted, Qt::CaseInsensitive) == 0;
        if (isLit) {
            setFormat(colon, int(text.size()) - colon, lit);
            name.setBackground(lit.background());
        }
        setFormat(0, colon, name);
        markEscapes(text);
    }

private:
    // Escapes (\r, \n, \t, \\, \xNN) in grey: visible, but quieter than the text they sit in.
    void markEscapes(const QString& text)
    {
        for (int i = 0; i + 1 < text.size(); ++i) {
            if (text.at(i) != QLatin1Char('\\'))
                continue;
            const QChar next = text.at(i + 1);
            const int length = next == QLatin1Char('x') ? 4 : 2;
            if (i + length > text.size())
                break;
            QTextCharFormat f = format(i);
            f.setForeground(QColor(0x90, 0x90, 0x90));
            f.setFontWeight(QFont::Normal);
            setFormat(i, length, f);
            i += length - 1;
        }
    }
};

RawHttpView::RawHttpView(QWidget* parent)
    : QPlainTextEdit(parent)
    , m_highlighter(new RawHttpHighlighter(document()))
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setWordWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setTextInteractionFlags(Qt::TextSelectableByMouse);
}

QString RawHttpView::visibleText(const QByteArray& raw)
{
    QString out;
    out.reserve(raw.size() + raw.size() / 8);
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw.at(i));
        if (c == '\r') {
            out += QLatin1String("\\r");
        } else if (c == '\n') {
            out += QLatin1String("\\n\n");
        } else if (c == '\t') {
            out += QLatin1String("\\t");
        } else if (c == '\\') {
            out += QLatin1String("\\\\");
        } else if (c < 0x20 || c == 0x7F) {
            out += QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
        } else if (c < 0x80) {
            out += QLatin1Char(char(c));
        } else if (const int length = utf8SequenceLength(raw, i); length > 0) {
            out += QString::fromUtf8(raw.mid(i, length));
            i += length - 1;
        } else {
            out += QStringLiteral("\\x%1").arg(c, 2, 16, QLatin1Char('0'));
        }
    }
    // The final line break belongs to the last line; without this the view shows an empty extra line.
    if (out.endsWith(QLatin1Char('\n')))
        out.chop(1);
    return out;
}

QByteArray RawHttpView::bytesFromVisibleText(const QString& text)
{
    QByteArray out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('\n')) {
            out += "\r\n"; // a line break typed without an escape: the usual HTTP line end
            continue;
        }
        if (c != QLatin1Char('\\') || i + 1 >= text.size()) {
            out += QString(c).toUtf8();
            continue;
        }
        const QChar next = text.at(i + 1);
        if (next == QLatin1Char('r')) {
            out += '\r';
            ++i;
        } else if (next == QLatin1Char('n')) {
            out += '\n';
            ++i;
            if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n'))
                ++i; // the visual break that follows an escaped LF is not a byte
        } else if (next == QLatin1Char('t')) {
            out += '\t';
            ++i;
        } else if (next == QLatin1Char('\\')) {
            out += '\\';
            ++i;
        } else if (next == QLatin1Char('x') && i + 3 < text.size() && hexValue(text.at(i + 2)) >= 0
            && hexValue(text.at(i + 3)) >= 0) {
            out += char(hexValue(text.at(i + 2)) * 16 + hexValue(text.at(i + 3)));
            i += 3;
        } else {
            out += '\\'; // not an escape: the backslash is sent as typed
        }
    }
    return out;
}

void RawHttpView::setMessage(const QByteArray& raw)
{
    m_raw = raw;
    setPlainText(visibleText(raw));
}

void RawHttpView::clearMessage()
{
    m_raw.clear();
    clearHighlight();
    clear();
}

bool RawHttpView::highlightHeader(const QByteArray& name)
{
    m_highlighter->highlighted = name;
    m_highlighter->highlightStartLine = name.isEmpty();
    m_highlighter->rehighlight();
    for (QTextBlock block = document()->begin(); block.isValid(); block = block.next()) {
        const bool match = name.isEmpty() ? block.blockNumber() == 0
                                          : headerAtLine(block.blockNumber()).compare(name, Qt::CaseInsensitive) == 0;
        if (match) {
            QTextCursor cursor(block);
            setTextCursor(cursor);
            ensureCursorVisible();
            return !m_raw.isEmpty();
        }
    }
    return false;
}

void RawHttpView::clearHighlight()
{
    m_highlighter->highlighted.clear();
    m_highlighter->highlightStartLine = false;
    m_highlighter->rehighlight();
}

QByteArray RawHttpView::highlightedHeader() const
{
    return m_highlighter->highlighted;
}

bool RawHttpView::isStartLineHighlighted() const
{
    return m_highlighter->highlightStartLine;
}

QByteArray RawHttpView::headerAtLine(int line) const
{
    if (line <= 0)
        return {};
    const QTextBlock block = document()->findBlockByNumber(line);
    if (!block.isValid() || block.userState() == Body)
        return {};
    // A header line keeps HeadLine state; the blank line that ends the head already carries Body.
    const QString text = block.text();
    const int colon = int(text.indexOf(QLatin1Char(':')));
    return colon > 0 ? text.left(colon).toLatin1() : QByteArray();
}

bool RawHttpView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QTextCursor cursor = cursorForPosition(help->pos());
        const QByteArray name = headerAtLine(cursor.blockNumber());
        const QString tip = HeaderDocs::builtIn().tooltip(name);
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), tip, viewport());
        return true;
    }
    return QPlainTextEdit::viewportEvent(event);
}

void RawHttpView::setContextMenuExtension(std::function<void(QMenu*)> extend)
{
    m_extendMenu = std::move(extend);
}

QMenu* RawHttpView::createContextMenu()
{
    QMenu* menu = createStandardContextMenu();
    if (m_extendMenu)
        m_extendMenu(menu);
    return menu;
}

void RawHttpView::contextMenuEvent(QContextMenuEvent* event)
{
    std::unique_ptr<QMenu> menu(createContextMenu());
    menu->exec(event->globalPos());
}

} // namespace wsi
