#include "ui/widgets/formscrollarea.h"

#include <QEvent>
#include <QStyle>

namespace wsi
{

FormScrollArea::FormScrollArea(QWidget* parent)
    : QScrollArea(parent)
{
    setWidgetResizable(true);
    setFrameShape(QFrame::NoFrame);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
}

int FormScrollArea::chromeWidth() const
{
    // The vertical bar is counted even while hidden: showing it must not push the form under it.
    return style()->pixelMetric(QStyle::PM_ScrollBarExtent, nullptr, this) + 2 * frameWidth();
}

QSize FormScrollArea::minimumSizeHint() const
{
    const QSize base = QScrollArea::minimumSizeHint();
    if (!widget())
        return base;
    return { std::max(base.width(), widget()->minimumSizeHint().width() + chromeWidth()), base.height() };
}

QSize FormScrollArea::sizeHint() const
{
    const QSize base = QScrollArea::sizeHint();
    if (!widget())
        return base;
    return { std::max(base.width(), widget()->sizeHint().width() + chromeWidth()), base.height() };
}

bool FormScrollArea::eventFilter(QObject* watched, QEvent* event)
{
    // The form grew or shrank (a row appeared, a font changed): the dock around must hear of the new minimum.
    if (watched == widget() && event->type() == QEvent::LayoutRequest)
        updateGeometry();
    return QScrollArea::eventFilter(watched, event);
}

} // namespace wsi
