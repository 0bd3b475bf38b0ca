#pragma once
// The mouse wheel scrolls what the pointer is over. A combo box, spin box or slider takes the wheel only once it
// has focus (a click or Tab); until then the wheel goes on to the panel around it, so scrolling a long form never
// changes a setting the pointer happens to pass over. One filter on the application covers every window.

#include <QObject>

class QWidget;

namespace wsi
{

class WheelGuard : public QObject
{
    Q_OBJECT
public:
    // Installs the guard on the running application once; later calls do nothing.
    static void install();
    // Whether the guard keeps the wheel from `widget` until it has focus.
    static bool guards(const QWidget* widget);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    using QObject::QObject;
};

} // namespace wsi
