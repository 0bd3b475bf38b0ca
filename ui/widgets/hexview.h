#pragma once
// Offset + hex + ASCII, painted directly: a 16 MiB payload is one QByteArray and a few visible lines,
// never a document of formatted text. A marked field (from the header view) and the mouse selection
// are highlighted in both the hex and the ASCII column.

#include <QAbstractScrollArea>
#include <QByteArray>

namespace wsi
{

class HexView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    explicit HexView(QWidget* parent = nullptr);

    void setData(const QByteArray& bytes);
    const QByteArray& data() const { return m_data; }
    static constexpr int kBytesPerLine = 16;

    // Highlights [start, start+length) and scrolls it into view; length 0 clears the mark.
    void markField(qint64 start, qint64 length);
    qint64 markStart() const { return m_markStart; }
    qint64 markLength() const { return m_markLength; }

    void setSelection(qint64 start, qint64 length);
    qint64 selectionStart() const { return m_selStart; }
    qint64 selectionLength() const { return m_selLength; }
    QByteArray selectedBytes() const { return m_data.mid(m_selStart, m_selLength); }

    // The byte under a point of the viewport, or -1.
    qint64 byteAt(const QPoint& viewportPos) const;
    // The text a person would see for a range of lines (for tests and copy): "00000000  48 65 …  He…".
    QString lineText(qint64 line) const;
    qint64 lineCount() const { return (m_data.size() + kBytesPerLine - 1) / kBytesPerLine; }
    int firstVisibleLine() const;

    QSize sizeHint() const override;

Q_SIGNALS:
    void byteHovered(qint64 offset); // -1 when the mouse left the bytes
    void selectionChanged(qint64 start, qint64 length);

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void updateScrollBars();
    int lineHeight() const;
    int charWidth() const;
    int hexX(int column) const;
    int asciiX(int column) const;

    QByteArray m_data;
    qint64 m_markStart = 0, m_markLength = 0;
    qint64 m_selStart = 0, m_selLength = 0;
    qint64 m_anchor = -1;
    qint64 m_hover = -1;
};

} // namespace wsi
