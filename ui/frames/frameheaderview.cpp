#include "ui/frames/frameheaderview.h"

#include <QFontDatabase>
#include <QMouseEvent>
#include <QPainter>

namespace wsi
{

namespace
{
constexpr int kBitsPerRow = 32;
constexpr int kMargin = 12;

bool bitAt(const QByteArray& bytes, int bit)
{
    return (quint8(bytes.at(bit / 8)) >> (7 - bit % 8)) & 1;
}

QColor fieldColor(int index)
{
    static const QColor colors[] = { QColor(0xbb, 0xde, 0xfb), QColor(0xf8, 0xbb, 0xd0), QColor(0xf8, 0xbb, 0xd0),
        QColor(0xf8, 0xbb, 0xd0), QColor(0xc8, 0xe6, 0xc9), QColor(0xff, 0xe0, 0xb2), QColor(0xd1, 0xc4, 0xe9),
        QColor(0xb2, 0xeb, 0xf2), QColor(0xff, 0xf9, 0xc4) };
    return colors[qBound(0, index, int(std::size(colors)) - 1)];
}
} // namespace

QList<HeaderField> headerFields(const QByteArray& wire)
{
    QList<HeaderField> out;
    if (wire.size() < 2)
        return out;
    const quint8 b0 = quint8(wire.at(0)), b1 = quint8(wire.at(1));
    auto flag = [](const char* name, int bit, bool on) {
        return HeaderField { QString::fromLatin1(name), bit, 1, on ? QStringLiteral("1") : QStringLiteral("0") };
    };
    out.append(flag("FIN", 0, b0 & 0x80));
    out.append(flag("RSV1", 1, b0 & 0x40));
    out.append(flag("RSV2", 2, b0 & 0x20));
    out.append(flag("RSV3", 3, b0 & 0x10));
    out.append(HeaderField {
        QStringLiteral("opcode"), 4, 4, QStringLiteral("0x%1 %2").arg(b0 & 0x0f, 0, 16).arg(opcodeName(b0 & 0x0f)) });
    const bool masked = b1 & 0x80;
    out.append(flag("MASK", 8, masked));
    const int len7 = b1 & 0x7f;
    out.append(HeaderField { QStringLiteral("payload length"), 9, 7,
        len7 == 126       ? QStringLiteral("126 → 16-bit")
            : len7 == 127 ? QStringLiteral("127 → 64-bit")
                          : QString::number(len7) });
    int pos = 2;
    const int extBytes = len7 == 126 ? 2 : len7 == 127 ? 8 : 0;
    if (extBytes > 0 && wire.size() >= pos + extBytes) {
        quint64 length = 0;
        for (int i = 0; i < extBytes; ++i)
            length = (length << 8) | quint8(wire.at(pos + i));
        out.append(HeaderField { QStringLiteral("extended length"), pos * 8, extBytes * 8, QString::number(length) });
        pos += extBytes;
    }
    if (masked && wire.size() >= pos + 4) {
        out.append(HeaderField {
            QStringLiteral("masking key"), pos * 8, 32, QString::fromLatin1(wire.mid(pos, 4).toHex(' ')) });
    }
    return out;
}

FrameHeaderView::FrameHeaderView(QWidget* parent)
    : QWidget(parent)
{
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
}

void FrameHeaderView::setWireBytes(const QByteArray& wire)
{
    m_fields = headerFields(wire);
    int bits = 0;
    for (const HeaderField& f : std::as_const(m_fields))
        bits = qMax(bits, f.bitStart + f.bitLength);
    m_header = wire.left(bits / 8);
    m_selected = -1;
    updateGeometry();
    update();
}

int FrameHeaderView::cellWidth() const
{
    return fontMetrics().horizontalAdvance(QStringLiteral("00")) + 8;
}

int FrameHeaderView::cellHeight() const
{
    return fontMetrics().height() + 10;
}

int FrameHeaderView::rowHeight() const
{
    // The bits, then a band of field labels (name on one line, value on the next).
    return cellHeight() + 2 * fontMetrics().height() + 14;
}

QRect FrameHeaderView::bitRect(int bit) const
{
    const int row = bit / kBitsPerRow, column = bit % kBitsPerRow;
    const int top = kMargin + fontMetrics().height() + 4 + row * rowHeight();
    return QRect(kMargin + column * cellWidth(), top, cellWidth(), cellHeight());
}

QSize FrameHeaderView::sizeHint() const
{
    const int rows = qMax(1, (int(m_header.size()) * 8 + kBitsPerRow - 1) / kBitsPerRow);
    return QSize(
        2 * kMargin + kBitsPerRow * cellWidth(), 2 * kMargin + fontMetrics().height() + 4 + rows * rowHeight());
}

QSize FrameHeaderView::minimumSizeHint() const
{
    return sizeHint();
}

int FrameHeaderView::fieldAtBit(int bit) const
{
    for (int i = 0; i < m_fields.size(); ++i) {
        if (bit >= m_fields.at(i).bitStart && bit < m_fields.at(i).bitStart + m_fields.at(i).bitLength)
            return i;
    }
    return -1;
}

void FrameHeaderView::selectField(int index)
{
    if (index < 0 || index >= m_fields.size())
        return;
    m_selected = index;
    update();
    Q_EMIT fieldClicked(index, m_fields.at(index).byteStart(), m_fields.at(index).byteLength());
}

void FrameHeaderView::mousePressEvent(QMouseEvent* event)
{
    const QPoint pos = event->position().toPoint();
    const int totalBits = int(m_header.size()) * 8;
    for (int bit = 0; bit < totalBits; ++bit) {
        QRect r = bitRect(bit);
        r.setHeight(rowHeight()); // the label band below belongs to the field too
        if (r.contains(pos)) {
            selectField(fieldAtBit(bit));
            return;
        }
    }
}

void FrameHeaderView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    const QPalette pal = palette();
    const int totalBits = int(m_header.size()) * 8;
    if (totalBits == 0) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(kMargin, kMargin, -kMargin, -kMargin), Qt::AlignLeft | Qt::AlignTop,
            tr("Select a frame to see its header bit by bit."));
        return;
    }
    const QFontMetrics fm = fontMetrics();
    // Bit numbers above the first row, as in the RFC's diagram.
    p.setPen(pal.color(QPalette::PlaceholderText));
    for (int c = 0; c < kBitsPerRow; ++c) {
        const QRect r = bitRect(c);
        p.drawText(QRect(r.left(), kMargin, r.width(), fm.height()), Qt::AlignCenter, QString::number(c % 10));
    }
    for (int bit = 0; bit < totalBits; ++bit) {
        const int field = fieldAtBit(bit);
        const QRect r = bitRect(bit);
        QColor bg = field >= 0 ? fieldColor(field) : pal.color(QPalette::Base);
        if (field == m_selected && field >= 0)
            bg = bg.darker(125);
        p.fillRect(r, bg);
        p.setPen(pal.color(QPalette::Mid));
        p.drawRect(r.adjusted(0, 0, -1, -1));
        p.setPen(pal.color(QPalette::Text));
        p.drawText(r, Qt::AlignCenter, bitAt(m_header, bit) ? QStringLiteral("1") : QStringLiteral("0"));
    }
    // Thick lines between bytes.
    p.setPen(QPen(pal.color(QPalette::Text), 2));
    for (int byte = 0; byte <= int(m_header.size()); ++byte) {
        const int bit = byte * 8;
        const QRect r = bitRect(bit == totalBits ? bit - 1 : bit);
        const int x = bit == totalBits ? r.right() + 1 : r.left();
        if (bit % kBitsPerRow == 0 && bit == totalBits)
            continue;
        p.drawLine(x, r.top(), x, r.bottom());
    }
    // Labels: one per field and row it spans, centred under its bits.
    for (int i = 0; i < m_fields.size(); ++i) {
        const HeaderField& f = m_fields.at(i);
        int bit = f.bitStart;
        const int end = f.bitStart + f.bitLength;
        bool first = true;
        while (bit < end) {
            const int rowEnd = qMin(end, (bit / kBitsPerRow + 1) * kBitsPerRow);
            const QRect a = bitRect(bit), b = bitRect(rowEnd - 1);
            const QRect band(a.left(), a.bottom() + 4, b.right() - a.left() + 1, 2 * fm.height() + 6);
            p.fillRect(band.adjusted(1, 0, -1, 0), fieldColor(i).lighter(108));
            if (i == m_selected) {
                p.setPen(QPen(pal.color(QPalette::Highlight), 2));
                p.drawRect(band.adjusted(1, 1, -1, -1));
            }
            p.setPen(pal.color(QPalette::Text));
            const QString name = first ? f.name : f.name + QStringLiteral(" (cont.)");
            const bool narrow = band.width() < fm.horizontalAdvance(name) + 4;
            // One-bit flags are too narrow for their names; the letters stand in for them.
            const QString shownName
                = narrow ? (f.name.startsWith(QLatin1String("RSV")) ? f.name.right(1) : f.name.left(1)) : name;
            p.drawText(QRect(band.left(), band.top() + 2, band.width(), fm.height()), Qt::AlignCenter, shownName);
            if (first)
                p.drawText(QRect(band.left(), band.top() + 2 + fm.height(), band.width(), fm.height()), Qt::AlignCenter,
                    fm.elidedText(f.value, Qt::ElideRight, band.width() - 2));
            first = false;
            bit = rowEnd;
        }
    }
}

} // namespace wsi
