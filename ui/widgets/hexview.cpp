#include "ui/widgets/hexview.h"

#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>

namespace wsi
{

namespace
{
constexpr int kMargin = 6;
constexpr int kOffsetChars = 8;

char printable(char c)
{
    return (c >= 0x20 && c < 0x7f) ? c : '.';
}
} // namespace

HexView::HexView(QWidget* parent)
    : QAbstractScrollArea(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    verticalScrollBar()->setSingleStep(1);
}

int HexView::lineHeight() const
{
    return fontMetrics().height();
}

int HexView::charWidth() const
{
    return qMax(1, fontMetrics().horizontalAdvance(QLatin1Char('0')));
}

// Columns: "00000000  " then 16 × "xx " with an extra space after 8, then "  " and 16 ASCII characters.
int HexView::hexX(int column) const
{
    return kMargin + charWidth() * (kOffsetChars + 2 + column * 3 + (column >= 8 ? 1 : 0));
}

int HexView::asciiX(int column) const
{
    return kMargin + charWidth() * (kOffsetChars + 2 + kBytesPerLine * 3 + 1 + 2 + column);
}

QSize HexView::sizeHint() const
{
    return QSize(asciiX(kBytesPerLine) + kMargin + verticalScrollBar()->sizeHint().width() + 2 * frameWidth(),
        lineHeight() * 12);
}

void HexView::setData(const QByteArray& bytes)
{
    m_data = bytes;
    m_markStart = m_markLength = 0;
    m_selStart = m_selLength = 0;
    m_hover = -1;
    updateScrollBars();
    verticalScrollBar()->setValue(0);
    viewport()->update();
}

void HexView::markField(qint64 start, qint64 length)
{
    start = qBound<qint64>(0, start, m_data.size());
    length = qBound<qint64>(0, length, m_data.size() - start);
    m_markStart = start;
    m_markLength = length;
    if (length > 0) {
        const int line = int(start / kBytesPerLine);
        const int visible = qMax(1, viewport()->height() / lineHeight());
        if (line < firstVisibleLine() || line >= firstVisibleLine() + visible)
            verticalScrollBar()->setValue(line);
    }
    viewport()->update();
}

void HexView::setSelection(qint64 start, qint64 length)
{
    start = qBound<qint64>(0, start, m_data.size());
    length = qBound<qint64>(0, length, m_data.size() - start);
    if (start == m_selStart && length == m_selLength)
        return;
    m_selStart = start;
    m_selLength = length;
    viewport()->update();
    Q_EMIT selectionChanged(start, length);
}

int HexView::firstVisibleLine() const
{
    return verticalScrollBar()->value();
}

void HexView::updateScrollBars()
{
    const int visible = qMax(1, viewport()->height() / lineHeight());
    verticalScrollBar()->setRange(0, int(qMax<qint64>(0, lineCount() - visible)));
    verticalScrollBar()->setPageStep(visible);
    const int contentWidth = asciiX(kBytesPerLine) + kMargin;
    horizontalScrollBar()->setRange(0, qMax(0, contentWidth - viewport()->width()));
    horizontalScrollBar()->setPageStep(viewport()->width());
}

void HexView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

qint64 HexView::byteAt(const QPoint& pos) const
{
    const int x = pos.x() + horizontalScrollBar()->value();
    const qint64 line = firstVisibleLine() + pos.y() / lineHeight();
    int column = -1;
    const int cw = charWidth();
    for (int c = 0; c < kBytesPerLine && column < 0; ++c) {
        if ((x >= hexX(c) && x < hexX(c) + 3 * cw) || (x >= asciiX(c) && x < asciiX(c) + cw))
            column = c;
    }
    if (column < 0 || pos.y() < 0)
        return -1;
    const qint64 offset = line * kBytesPerLine + column;
    return offset < m_data.size() ? offset : -1;
}

QString HexView::lineText(qint64 line) const
{
    const qint64 start = line * kBytesPerLine;
    if (start < 0 || start >= m_data.size())
        return {};
    QString out = QStringLiteral("%1  ").arg(start, kOffsetChars, 16, QLatin1Char('0'));
    QString ascii;
    for (int c = 0; c < kBytesPerLine; ++c) {
        if (start + c < m_data.size()) {
            const char b = m_data.at(start + c);
            out += QStringLiteral("%1 ").arg(quint8(b), 2, 16, QLatin1Char('0'));
            ascii += QLatin1Char(printable(b));
        } else {
            out += QStringLiteral("   ");
        }
        if (c == 7)
            out += QLatin1Char(' ');
    }
    return out + QStringLiteral(" ") + ascii;
}

void HexView::paintEvent(QPaintEvent*)
{
    QPainter p(viewport());
    const QPalette pal = palette();
    p.fillRect(viewport()->rect(), pal.base());
    p.translate(-horizontalScrollBar()->value(), 0);
    const int lh = lineHeight();
    const int cw = charWidth();
    const int ascent = fontMetrics().ascent();
    const int first = firstVisibleLine();
    const int visible = viewport()->height() / lh + 2;
    const QColor markColor(0xff, 0xe0, 0x82);
    const QColor hoverColor(0xe3, 0xf2, 0xfd);
    const QColor offsetColor = pal.color(QPalette::PlaceholderText);
    const QColor dimColor(0x90, 0x90, 0x90);
    for (int i = 0; i < visible; ++i) {
        const qint64 line = first + i;
        const qint64 start = line * kBytesPerLine;
        if (start >= m_data.size())
            break;
        const int y = i * lh;
        p.setPen(offsetColor);
        p.drawText(kMargin, y + ascent, QStringLiteral("%1").arg(start, kOffsetChars, 16, QLatin1Char('0')));
        for (int c = 0; c < kBytesPerLine && start + c < m_data.size(); ++c) {
            const qint64 offset = start + c;
            const char b = m_data.at(offset);
            QColor bg;
            if (offset >= m_selStart && offset < m_selStart + m_selLength)
                bg = pal.color(QPalette::Highlight);
            else if (offset >= m_markStart && offset < m_markStart + m_markLength)
                bg = markColor;
            else if (offset == m_hover)
                bg = hoverColor;
            const bool selected = offset >= m_selStart && offset < m_selStart + m_selLength;
            if (bg.isValid()) {
                p.fillRect(QRect(hexX(c) - cw / 2, y, 3 * cw, lh), bg);
                p.fillRect(QRect(asciiX(c), y, cw, lh), bg);
            }
            p.setPen(selected ? pal.color(QPalette::HighlightedText) : pal.color(QPalette::Text));
            p.drawText(hexX(c), y + ascent, QStringLiteral("%1").arg(quint8(b), 2, 16, QLatin1Char('0')));
            const char shown = printable(b);
            if (!selected)
                p.setPen(shown == '.' && b != '.' ? dimColor : pal.color(QPalette::Text));
            p.drawText(asciiX(c), y + ascent, QString(QLatin1Char(shown)));
        }
    }
    if (m_data.isEmpty()) {
        p.setPen(offsetColor);
        p.drawText(kMargin, ascent + kMargin, tr("(no bytes)"));
    }
}

void HexView::mousePressEvent(QMouseEvent* event)
{
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    const qint64 at = byteAt(event->position().toPoint());
    m_anchor = at;
    setSelection(at < 0 ? 0 : at, at < 0 ? 0 : 1);
}

void HexView::mouseMoveEvent(QMouseEvent* event)
{
    const qint64 at = byteAt(event->position().toPoint());
    if (at != m_hover) {
        m_hover = at;
        viewport()->update();
        Q_EMIT byteHovered(at);
    }
    if ((event->buttons() & Qt::LeftButton) && m_anchor >= 0 && at >= 0)
        setSelection(qMin(m_anchor, at), qAbs(at - m_anchor) + 1);
}

void HexView::mouseReleaseEvent(QMouseEvent* event)
{
    m_anchor = -1;
    QAbstractScrollArea::mouseReleaseEvent(event);
}

void HexView::leaveEvent(QEvent* event)
{
    if (m_hover >= 0) {
        m_hover = -1;
        viewport()->update();
        Q_EMIT byteHovered(-1);
    }
    QAbstractScrollArea::leaveEvent(event);
}

void HexView::keyPressEvent(QKeyEvent* event)
{
    if (event->matches(QKeySequence::Copy) && m_selLength > 0) {
        QApplication::clipboard()->setText(QString::fromLatin1(selectedBytes().toHex(' ')));
        return;
    }
    if (event->matches(QKeySequence::SelectAll)) {
        setSelection(0, m_data.size());
        return;
    }
    QAbstractScrollArea::keyPressEvent(event);
}

} // namespace wsi
