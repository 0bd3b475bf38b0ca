#pragma once
// A frame's header drawn bit by bit, four bytes to a row as in RFC 6455 §5.2's diagram, each field
// coloured and labelled with its value. Clicking a field says which bytes it occupies, so the hex view
// beside it can highlight them.

#include "core/frame.h"

#include <QList>
#include <QWidget>

namespace wsi
{

struct HeaderField {
    QString name; // "FIN", "RSV1", "opcode", "MASK", "payload length", "extended length", "masking key"
    int bitStart = 0; // from the first bit of the frame
    int bitLength = 0;
    QString value; // "1", "0x1 text", "300", "a1 b2 c3 d4"
    int byteStart() const { return bitStart / 8; }
    int byteLength() const { return (bitStart + bitLength + 7) / 8 - bitStart / 8; }
};

// The fields of the header at the start of `wire` (at least the bytes the header takes).
QList<HeaderField> headerFields(const QByteArray& wire);

class FrameHeaderView : public QWidget
{
    Q_OBJECT
public:
    explicit FrameHeaderView(QWidget* parent = nullptr);

    // The frame's wire bytes (only its header is drawn).
    void setWireBytes(const QByteArray& wire);
    const QList<HeaderField>& fields() const { return m_fields; }
    int selectedField() const { return m_selected; }
    void selectField(int index); // emits fieldClicked
    // Where a field's first bit is drawn (for tests that click it).
    QRect bitRect(int bit) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void fieldClicked(int index, int byteStart, int byteLength);

protected:
    void paintEvent(QPaintEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    int fieldAtBit(int bit) const;
    int cellWidth() const;
    int cellHeight() const;
    int rowHeight() const;

    QByteArray m_header;
    QList<HeaderField> m_fields;
    int m_selected = -1;
};

} // namespace wsi
