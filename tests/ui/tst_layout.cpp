// The real window at the sizes people's screens have (and, in a second run, at QT_SCALE_FACTOR 1.5 and 2):
// every primary control shows whole, inside the window, not covered by a neighbour, and a control of a form
// that scrolls as a whole can be reached by scrolling that form.
#include "core/policyschema.h"
#include "engine/echoserver.h"
#include "support/windowtests.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/exchange/exchangeview.h"
#include "ui/frames/composer.h"
#include "ui/frames/framespanel.h"
#include "ui/server/policyform.h"
#include "ui/widgets/elidedlabel.h"
#include "ui/widgets/rawhttpview.h"
#include "ui/window/mainwindow.h"
#include "ui/window/statusfields.h"
#include "ui/window/windowlayout.h"

#include <QAbstractButton>
#include <QAction>
#include <QDockWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

using namespace wsi;
using wsi::test::child;

namespace
{
// A view (text pane, table) needs room for a few lines and a few words to be of use.
constexpr int kUsableViewWidth = 160;
constexpr int kUsableViewHeight = 60;

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
        for (const QSize size :
            { QSize(1000, 650), QSize(1280, 800), QSize(1366, 768), QSize(1920, 1080), QSize(2560, 1440) })
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

        for (const QString& problem : std::as_const(problems))
            qWarning("%s", qPrintable(problem));
        QVERIFY2(problems.isEmpty(), qPrintable(problems.value(0)));
    }

    void columnsFromMinimums_data()
    {
        QTest::addColumn<int>("room");
        QTest::addColumn<bool>("stacked");
        QTest::newRow("room for three columns") << 1600 << false;
        QTest::newRow("just room for the minimums") << 300 + 320 + 600 << false;
        QTest::newRow("one pixel short: stacked") << 300 + 320 + 600 - 1 << true;
    }

    void columnsFromMinimums()
    {
        QFETCH(int, room);
        QFETCH(bool, stacked);
        const ColumnPlan plan = planColumns(room, 300, 320, 600);
        QCOMPARE(plan.stacked, stacked);
        QVERIFY(plan.left >= 300);
        if (stacked) {
            QVERIFY(plan.left >= 320); // the server dock shares the column
            QCOMPARE(plan.right, 0);
        } else {
            QVERIFY(plan.right >= 320);
            QVERIFY2(plan.left + plan.right + 600 <= room, "the centre is left less than its minimum");
        }
    }

    void savedWindowMustFitTheScreen()
    {
        QVERIFY(savedWindowFits(QSize(1600, 1000), QSize(1920, 1050)));
        QVERIFY(!savedWindowFits(QSize(2400, 1300), QSize(1366, 740)));
        QVERIFY(!savedWindowFits(QSize(1300, 900), QSize(1366, 740)));
        QVERIFY(!savedWindowFits(QSize(), QSize(1366, 740)));
    }

    void enlargingGivesTheSpaceBack_data()
    {
        QTest::addColumn<QSize>("wide");
        QTest::addColumn<QSize>("narrow");
        QTest::newRow("1600x1000 to 1000x650 and back") << QSize(1600, 1000) << QSize(1000, 650);
        QTest::newRow("1920x1080 to 1280x800 and back") << QSize(1920, 1080) << QSize(1280, 800);
    }

    void enlargingGivesTheSpaceBack()
    {
        QFETCH(QSize, wide);
        QFETCH(QSize, narrow);
        EchoServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        MainWindow window(&server);
        window.resize(wide);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        settle();
        QDockWidget* builder = window.builderDock();
        QDockWidget* serverDock = window.serverDock();
        const int builderWidth = builder->width();
        const int serverWidth = serverDock->width();
        QCOMPARE(window.dockWidgetArea(serverDock), Qt::RightDockWidgetArea);

        window.resize(narrow);
        settle();
        QCOMPARE(window.size(), narrow);
        // Whatever the narrow window does with the docks, nothing is squeezed below what it needs.
        QVERIFY(builder->width() >= builder->minimumSizeHint().width());
        QVERIFY(serverDock->width() >= serverDock->minimumSizeHint().width());
        QVERIFY(window.centralWidget()->width() >= window.centralWidget()->minimumSizeHint().width());

        window.resize(wide);
        settle();
        QCOMPARE(window.dockWidgetArea(serverDock), Qt::RightDockWidgetArea);
        QVERIFY2(qAbs(builder->width() - builderWidth) <= 2,
            qPrintable(QStringLiteral("builder %1 px, was %2 px").arg(builder->width()).arg(builderWidth)));
        QVERIFY2(qAbs(serverDock->width() - serverWidth) <= 2,
            qPrintable(QStringLiteral("server %1 px, was %2 px").arg(serverDock->width()).arg(serverWidth)));
    }

    void widthChosenByHandIsKept()
    {
        EchoServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        MainWindow window(&server);
        window.resize(1920, 1080);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        settle();
        // As if the separator had been dragged: the window keeps its size, the dock grows.
        window.resizeDocks({ window.builderDock() }, { 520 }, Qt::Horizontal);
        settle();
        const int chosen = window.builderDock()->width();
        QVERIFY(chosen > 480);
        window.resize(1366, 768);
        settle();
        window.resize(1920, 1080);
        settle();
        QVERIFY2(qAbs(window.builderDock()->width() - chosen) <= 2,
            qPrintable(QStringLiteral("%1 px, chosen %2 px").arg(window.builderDock()->width()).arg(chosen)));
    }

    void resetLayoutRestoresTheDefault()
    {
        EchoServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        MainWindow window(&server);
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        settle();
        const int builderWidth = window.builderDock()->width();
        window.serverDock()->setFloating(true);
        window.builderDock()->hide();
        window.addDockWidget(Qt::RightDockWidgetArea, window.builderDock());
        settle();

        auto* reset = window.findChild<QAction*>(QStringLiteral("actionResetLayout"));
        QVERIFY(reset);
        QVERIFY(reset->text().contains(QLatin1Char('&')));
        reset->trigger();
        settle();
        QVERIFY(window.builderDock()->isVisible());
        QVERIFY(window.serverDock()->isVisible());
        QVERIFY(!window.serverDock()->isFloating());
        QCOMPARE(window.dockWidgetArea(window.builderDock()), Qt::LeftDockWidgetArea);
        QCOMPARE(window.dockWidgetArea(window.serverDock()), Qt::RightDockWidgetArea);
        QVERIFY(qAbs(window.builderDock()->width() - builderWidth) <= 2);
    }

    void statusMessageAndFieldsKeepApart()
    {
        EchoServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        MainWindow window(&server);
        window.resize(1000, 650);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        StatusFields* status = window.statusFields();
        SessionStats::Fields fields;
        fields.negotiated
            = QStringLiteral("a.very.long.subprotocol.name · permessage-deflate; client_max_window_bits=15; "
                             "server_no_context_takeover");
        fields.sent = QStringLiteral("sent 1,234,567 frames (1.2 GB), handshake 285 bytes");
        fields.received = QStringLiteral("received 7,654,321 frames (9.8 GB), handshake 129 bytes");
        fields.rate = QStringLiteral("12,345 frames/s");
        status->setStats(fields, QStringLiteral("showing 3 of 12"));
        const QString message
            = QStringLiteral("Refused: the server answered 403 Forbidden in 12.3 ms instead of 101, so "
                             "there is no WebSocket; its reason was that the Origin is not allowed");
        window.statusBar()->showMessage(message);
        settle();

        ElidedLabel* shown = status->message();
        QCOMPARE(shown->text(), message);
        QCOMPARE(window.statusBar()->currentMessage(), message);
        QVERIFY(shown->isElided());
        QCOMPARE(shown->toolTip(), message);
        QVERIFY2(shown->width() >= window.statusBar()->width() / 4 - 1, qPrintable(QString::number(shown->width())));
        const QRect messageRect(shown->mapTo(&window, QPoint()), shown->size());
        for (ElidedLabel* field : { status->negotiated(), status->sent(), status->received(), status->rate() }) {
            QVERIFY(field->isVisible());
            const QRect fieldRect(field->mapTo(&window, QPoint()), field->size());
            QVERIFY2(!messageRect.intersects(fieldRect), qPrintable(field->objectName()));
            QVERIFY(fieldRect.right() <= window.width());
            // A field cut short shows its whole text as its tooltip.
            if (field->isElided())
                QCOMPARE(field->toolTip(), field->text());
        }
        QVERIFY(status->negotiated()->isElided());
        QCOMPARE(status->negotiated()->toolTip(), fields.negotiated);

        // With room, the counts read whole.
        window.resize(1920, 1080);
        settle();
        for (ElidedLabel* field : { status->sent(), status->received(), status->rate() })
            QVERIFY2(!field->isElided(), qPrintable(field->shownText()));
    }
};

QTEST_MAIN(TestLayout)
#include "tst_layout.moc"
