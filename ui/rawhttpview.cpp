#include "ui/rawhttpview.h"

#include "ui/headerdocs.h"

#include <QFontDatabase>
#include <QHelpEvent>
#include <QSyntaxHighlighter>
#include <QTextBlock>
#include <QToolTip>

namespace wsi {

namespace {
    constexpr QChar kCr(0x240D); // ␍
    constexpr QChar kLf(0x240A); // ␊

    // Block states: which part of the message a line belongs to.
    enum BlockState { StartLine = 0, HeadLine = 1, Body = 2 };

    bool isHeadEnd(const QString& text)
    {
        QString stripped = text;
        stripped.remove(kCr).remove(kLf);
        return stripped.isEmpty();
    }
} // namespace

class RawHttpHighlighter : public QSyntaxHighlighter {
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

        QTextCharFormat marker;
        marker.setForeground(QColor(0xa0, 0xa0, 0xa0));
        for (int i = 0; i < text.size(); ++i) {
            if (text.at(i) == kCr || text.at(i) == kLf)
                setFormat(i, 1, marker);
        }
        if (state == Body)
            return;

        QTextCharFormat lit;
        lit.setBackground(QColor(0xff, 0xe0, 0x82));
        if (state == StartLine) {
            QTextCharFormat start;
            start.setFontWeight(QFont::Bold);
            setFormat(0, int(text.size()), start);
            if (highlightStartLine)
                setFormat(0, int(text.size()), lit);
            return;
        }
        const int colon = int(text.indexOf(QLatin1Char(':')));
        if (colon <= 0)
            return;
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
    }
};

RawHttpView::RawHttpView(QWidget* parent)
    : QPlainTextEdit(parent)
    , m_highlighter(new RawHttpHighlighter(document()))
{
    setReadOnly(true);
    setLineWrapMode(QPlainTextEdit::WidgetWidth);
    setWordWrapMode(QTextOption::WrapAnywhere);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
}

QString RawHttpView::visibleText(const QByteArray& raw)
{
    const QString text = QString::fromUtf8(raw);
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (QChar c : text) {
        if (c == QLatin1Char('\r')) {
            out += kCr;
        } else if (c == QLatin1Char('\n')) {
            out += kLf;
            out += QLatin1Char('\n');
        } else {
            out += c;
        }
    }
    // The final line break belongs to the last line; without this the view shows an empty extra line.
    if (out.endsWith(QLatin1Char('\n')))
        out.chop(1);
    return out;
}

QByteArray RawHttpView::bytesFromVisibleText(const QString& text)
{
    QString out;
    out.reserve(text.size());
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == kCr) {
            out += QLatin1Char('\r');
        } else if (c == kLf) {
            out += QLatin1Char('\n');
            if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('\n'))
                ++i;
        } else if (c == QLatin1Char('\n')) {
            out += QLatin1String("\r\n");
        } else {
            out += c;
        }
    }
    return out.toUtf8();
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

} // namespace wsi
