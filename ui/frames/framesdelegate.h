#pragma once
// Paints the cells of the frames list. The stock delegate lays out every cell's text as a
// paragraph (wrapping, eliding, style sub-rectangles) and asks the model for a dozen roles; under a
// firehose the list repaints all visible rows many times a second, and that layout was the largest
// part of each event-loop stall. This one asks for the four roles the list uses and draws one line.

#include <QStyledItemDelegate>

namespace wsi
{

class FramesDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter* painter, const QStyleOptionViewItem& option, const QModelIndex& index) const override;
};

} // namespace wsi
