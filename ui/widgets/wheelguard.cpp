#include "ui/widgets/wheelguard.h"

#include <QAbstractSlider>
#include <QAbstractSpinBox>
#include <QApplication>
#include <QComboBox>
#include <QPointer>
#include <QScrollBar>
#include <QWheelEvent>

namespace wsi
{

void WheelGuard::install()
{
    static QPointer<WheelGuard> installed;
    if (installed || !qApp)
        return;
    installed = new WheelGuard(qApp);
    qApp->installEventFilter(installed);
}

bool WheelGuard::guards(const QWidget* widget)
{
    // A scroll bar is how a panel scrolls; it always takes the wheel.
    if (!widget || qobject_cast<const QScrollBar*>(widget))
        return false;
    return qobject_cast<const QComboBox*>(widget) || qobject_cast<const QAbstractSpinBox*>(widget)
        || qobject_cast<const QAbstractSlider*>(widget);
}

bool WheelGuard::eventFilter(QObject* watched, QEvent* event)
{
    if (event->type() == QEvent::Polish) {
        // Qt's default for these controls takes focus from the wheel itself, which would defeat the guard.
        auto* widget = qobject_cast<QWidget*>(watched);
        if (guards(widget) && (widget->focusPolicy() & Qt::WheelFocus) == Qt::WheelFocus)
            widget->setFocusPolicy(Qt::StrongFocus);
        return false;
    }
    if (event->type() != QEvent::Wheel)
        return false;
    auto* widget = qobject_cast<QWidget*>(watched);
    if (!guards(widget) || widget->hasFocus())
        return false;
    // Hand the wheel to the nearest ancestor that uses it (a scroll area's viewport), as if the control were not there.
    auto* wheel = static_cast<QWheelEvent*>(event);
    for (QWidget* parent = widget->parentWidget(); parent; parent = parent->parentWidget()) {
        QWheelEvent forwarded(parent->mapFromGlobal(wheel->globalPosition()), wheel->globalPosition(),
            wheel->pixelDelta(), wheel->angleDelta(), wheel->buttons(), wheel->modifiers(), wheel->phase(),
            wheel->inverted(), wheel->source());
        forwarded.accept();
        QCoreApplication::sendEvent(parent, &forwarded);
        if (forwarded.isAccepted() || parent->isWindow())
            break;
    }
    event->accept();
    return true;
}

} // namespace wsi
