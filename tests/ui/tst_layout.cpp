// The real window at the sizes people's screens have (and, in a second run, at QT_SCALE_FACTOR 1.5 and 2):
// every primary control shows whole, inside the window, not covered by a neighbour, and a control of a form
// that scrolls as a whole can be reached by scrolling that form.
#include "core/policyschema.h"
#include "engine/echoserver.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/exchange/exchangeview.h"
#include "ui/frames/composer.h"
#include "ui/frames/framespanel.h"
#include "ui/server/policyform.h"
#include "ui/widgets/rawhttpview.h"
#include "ui/window/mainwindow.h"

#include <QAbstractButton>
#include <QDockWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace wsi;

namespace
{
// A view (text pane, table) needs room for a few lines and a few words to be of use.
constexpr int kUsableViewWidth = 160;
constexpr int kUsableViewHeight = 60;

template <typename T> T* child(QObject* parent, const char* name)
{
    T* widget = parent->findChild<T*>(QLatin1String(name));
    if (!widget)
        qFatal("no widget %s", name);
    return widget;
}

QRect rectIn(const QWidget* widget, const QWidget* top)
{
    return QRect(widget->mapTo(top, QPoint(0, 0)), widget->size());
}

// The scroll area whose content holds `widget`, if any (views that scroll their own text do not count).
QScrollArea* scrollingAncestor(QWidget* widget)
{
    for (QWidget* p = widget->parentWidget(); p; p = p->parentWidget()) {
        if (auto* area = qobject_cast<QScrollArea*>(p); area && area->widget() && area->widget()->isAncestorOf(widget))
            return area;
    }
    return nullptr;
}

// Problems of one control, in words; empty when it is usable as laid out.
QStringList problemsOf(QWidget* widget, const QString& name, QMainWindow& window, bool isView)
{
    QStringList problems;
    if (!widget->isVisibleTo(&window) || !widget->isVisible())
        return { name + QStringLiteral(" is not visible") };
    const QSize size = widget->size();
    const QSize hint = widget->sizeHint();
    const QSize minimum = widget->minimumSizeHint();
    if (isView) {
        if (size.width() < std::max(minimum.width(), kUsableViewWidth)
            || size.height() < std::max(minimum.height(), kUsableViewHeight))
            problems << QStringLiteral("%1 is squeezed to %2x%3 (needs at least %4x%5)")
                            .arg(name)
                            .arg(size.width())
                            .arg(size.height())
                            .arg(std::max(minimum.width(), kUsableViewWidth))
                            .arg(std::max(minimum.height(), kUsableViewHeight));
    } else {
        // A button narrower than its size hint elides or cuts its text ("Co" for Connect).
        const int wanted = qobject_cast<QAbstractButton*>(widget) ? hint.width() : minimum.width();
        if (size.width() < wanted)
            problems << QStringLiteral("%1 is %2 px wide, narrower than the %3 px it needs")
                            .arg(name)
                            .arg(size.width())
                            .arg(wanted);
        if (size.height() < minimum.height())
            problems << QStringLiteral("%1 is %2 px tall, less than its minimum %3")
                            .arg(name)
                            .arg(size.height())
                            .arg(minimum.height());
    }

    // Clip by every ancestor up to the window, or up to the content of a scroll area that scrolls it as a whole.
    QScrollArea* area = scrollingAncestor(widget);
    QWidget* clipTop = area ? area->widget() : &window;
    QRect visible = rectIn(widget, &window);
    const QRect whole = visible;
    for (QWidget* p = widget->parentWidget(); p && p != clipTop; p = p->parentWidget())
        visible &= rectIn(p, &window);
    if (area) {
        visible &= rectIn(area->widget(), &window);
        if (visible != whole)
            problems << QStringLiteral("%1 is cut off inside its scrolling form").arg(name);
        // Reachable: the area shows, has room to be used and can scroll as far as the content reaches.
        problems << problemsOf(area, name + QStringLiteral("'s scroll area"), window, true);
        const QWidget* content = area->widget();
        const QWidget* viewport = area->viewport();
        // A form scrolls up and down as a whole; one that must be scrolled sideways hides half of every row.
        if (content->width() > viewport->width())
            problems << QStringLiteral("%1 lies in a form %2 px wide, wider than the %3 px its area shows")
                            .arg(name)
                            .arg(content->width())
                            .arg(viewport->width());
        if (content->height() > viewport->height() && area->verticalScrollBarPolicy() == Qt::ScrollBarAlwaysOff)
            problems << QStringLiteral("%1 lies in a form taller than its area, which cannot scroll").arg(name);
        if (content->width() < content->minimumSizeHint().width()
            || content->height() < content->minimumSizeHint().height())
            problems << QStringLiteral("%1's form is squeezed below its minimum size").arg(name);
    } else {
        visible &= window.rect();
        if (visible != whole)
            problems << QStringLiteral("%1 is cut off: %2 of %3 px wide, %4 of %5 px tall shown")
                            .arg(name)
                            .arg(visible.width())
                            .arg(whole.width())
                            .arg(visible.height())
                            .arg(whole.height());
    }

    // No sibling of the control or of any of its ancestors lies over it (above a scrolling form, the form's area
    // was checked in its place).
    for (QWidget* a = widget; a && a != clipTop; a = a->parentWidget()) {
        QWidget* parent = a->parentWidget();
        if (!parent)
            break;
        for (QObject* o : parent->children()) {
            auto* sibling = qobject_cast<QWidget*>(o);
            if (!sibling || sibling == a || sibling->isWindow() || !sibling->isVisible())
                continue;
            const QRect overlap = rectIn(sibling, &window) & visible;
            if (!overlap.isEmpty())
                problems << QStringLiteral("%1 is overlapped by %2 (%3) over %4x%5 px")
                                .arg(name, QString::fromLatin1(sibling->metaObject()->className()),
                                    sibling->objectName())
                                .arg(overlap.width())
                                .arg(overlap.height());
        }
    }
    return problems;
}

void settle()
{
    for (int i = 0; i < 6; ++i) {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
        QCoreApplication::processEvents();
    }
}
} // namespace

class TestLayout : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("wsinspector-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_layout"));
    }

    void primaryControlsFit_data()
    {
        QTest::addColumn<QSize>("size");
        for (const QSize size : { QSize(1000, 650), QSize(1280, 800), QSize(1366, 768), QSize(1920, 1080),
                 QSize(2560, 1440) })
            QTest::addRow("%dx%d", size.width(), size.height()) << size;
    }

    void primaryControlsFit()
    {
        QFETCH(QSize, size);
        EchoServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        MainWindow window(&server);
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        settle();
        QCOMPARE(window.size(), size);

        QStringList problems;
        auto check = [&](QWidget* widget, const QString& name, bool isView = false) {
            QVERIFY2(widget, qPrintable(name));
            problems << problemsOf(widget, name, window, isView);
        };

        window.showHandshakeTab();
        settle();
        check(child<QWidget>(window.builder(), "urlCombo"), QStringLiteral("URL"));
        check(child<QWidget>(window.builder(), "connectButton"), QStringLiteral("Connect"));
        check(child<QWidget>(window.builder(), "disconnectButton"), QStringLiteral("Disconnect"));
        check(window.exchangeView()->requestView(), QStringLiteral("raw request"), true);
        check(window.exchangeView()->responseView(), QStringLiteral("raw response"), true);
        check(child<QWidget>(window.serverDock(), "startStopButton"), QStringLiteral("server Start/Stop"));
        auto* form = window.serverDock()->findChild<PolicyForm*>();
        QVERIFY(form);
        for (const PolicyField& field : policyFields())
            check(form->editor(QLatin1String(field.key)), QStringLiteral("policy %1").arg(QLatin1String(field.key)));

        window.showFramesTab();
        settle();
        check(window.framesPanel()->table(), QStringLiteral("frames table"), true);
        check(window.framesPanel()->composer(), QStringLiteral("composer"), true);
        check(static_cast<QWidget*>(window.framesPanel()->composer()->sendButton()), QStringLiteral("Send"));

        QVERIFY2(problems.isEmpty(), qPrintable(problems.join(QStringLiteral("\n    "))));
    }
};

QTEST_MAIN(TestLayout)
#include "tst_layout.moc"
