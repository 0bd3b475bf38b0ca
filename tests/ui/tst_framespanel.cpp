// The frames side of the window, end to end: connect to the embedded echo server, send with the
// composer, watch both sides' frames arrive, filter, follow, export and import.
#include "core/events.h"
#include "core/transcriptjson.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "ui/exchange/exchangeview.h"
#include "ui/frames/composer.h"
#include "ui/frames/framedetail.h"
#include "ui/frames/framesmodel.h"
#include "ui/frames/framespanel.h"
#include "ui/widgets/rawhttpview.h"
#include "ui/window/mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace wsi;

namespace
{
constexpr int kTimeoutMs = 5000;

QAction* menuAction(QMenu& menu, const char* name)
{
    auto* action = menu.findChild<QAction*>(QString::fromLatin1(name));
    if (!action)
        qFatal("the frame menu has no %s", name);
    return action;
}
} // namespace

class TestFramesPanel : public QObject
{
    Q_OBJECT

    std::unique_ptr<EchoServer> m_server;
    std::unique_ptr<MainWindow> m_window;

    FramesPanel* panel() const { return m_window->framesPanel(); }

    bool openSession()
    {
        QSignalSpy finished(m_window.get(), &MainWindow::exchangeFinished);
        m_window->connectNow();
        return finished.wait(kTimeoutMs) && m_window->session()
            && m_window->session()->phase() == ClientSession::Phase::Open;
    }

    void sendText(const QString& text)
    {
        panel()->composer()->kindBox()->setCurrentIndex(0);
        panel()->composer()->payloadEdit()->setPlainText(text);
        QVERIFY(panel()->composer()->send());
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("wsinspector-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_framespanel"));
    }

    void init()
    {
        m_server = std::make_unique<EchoServer>();
        ServerPolicy policy;
        policy.deflate.enabled = true;
        m_server->setPolicy(policy);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
        m_window = std::make_unique<MainWindow>(m_server.get());
        m_window->resize(1600, 1000);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    }

    void cleanup()
    {
        m_window.reset();
        m_server.reset();
    }

    void framesOfBothSidesAppear()
    {
        QVERIFY(m_window->centerTabs()->isAncestorOf(panel())); // the frames panel lives in the centre tabs
        m_window->showFramesTab();
        QVERIFY(m_window->centerTabs()->currentWidget()->isAncestorOf(panel())); // the Frames tab is shown
        QVERIFY(openSession());
        QCOMPARE(panel()->transcript(), &m_window->session()->transcript());
        sendText(QStringLiteral("{\"hello\":1}"));
        sendText(QStringLiteral("second"));
        // Two sent, two echoed back.
        QTRY_COMPARE_WITH_TIMEOUT(panel()->table()->model()->rowCount(), 4, kTimeoutMs);
        QAbstractItemModel* rows = panel()->table()->model();
        QCOMPARE(rows->index(0, FramesModel::Dir).data().toString(), QStringLiteral("→"));
        int echoed = -1, received = 0;
        for (int row = 0; row < 4; ++row) {
            if (rows->index(row, FramesModel::Dir).data().toString() != QStringLiteral("←"))
                continue;
            ++received;
            if (rows->index(row, FramesModel::Preview).data().toString() == QStringLiteral("{\"hello\":1}"))
                echoed = row;
        }
        QCOMPARE(received, 2);
        QVERIFY(echoed > 0);
        // Selecting a row shows its detail.
        panel()->table()->selectRow(echoed);
        QCOMPARE(panel()->detail()->frameIndex(), echoed);
        QCOMPARE(panel()->detail()->treeFormat(), std::optional<PayloadFormat>(PayloadFormat::Json));
        // The status bar counts both ways and names what was negotiated.
        QTRY_VERIFY_WITH_TIMEOUT(panel()->statsText().contains(QLatin1String("sent 2 frames")), kTimeoutMs);
        QVERIFY(panel()->statsText().contains(QLatin1String("received 2 frames")));
        QVERIFY(panel()->statsText().contains(QLatin1String("permessage-deflate")));

        // The server's side of the same connection: what the client sent arrives there as received.
        const int id = m_server->connections().last()->id();
        QVERIFY(panel()->showServerConnection(id));
        QVERIFY(panel()->sourceBox()->currentText().contains(QStringLiteral("#%1").arg(id)));
        QTRY_COMPARE_WITH_TIMEOUT(rows->rowCount(), 4, kTimeoutMs);
        QCOMPARE(rows->index(0, FramesModel::Dir).data().toString(), QStringLiteral("←"));
        for (int row = 0; row < 4; ++row) {
            // Received from the client: masked; echoed by the server: not.
            const bool in = rows->index(row, FramesModel::Dir).data().toString() == QStringLiteral("←");
            QCOMPARE(
                rows->index(row, FramesModel::Mask).data().toString(), in ? QStringLiteral("1") : QStringLiteral("0"));
        }
        QVERIFY(!panel()->composer()->isEnabled()); // the composer speaks for the client only
        panel()->showClientSession();
        QVERIFY(panel()->composer()->isEnabled());
    }

    // At 1600 px with both docks open the centre is about 720 px wide: the whole panel (filter rows, the
    // composer's Send button, the detail beside it) must fit there without sideways scrolling, and the table
    // must leave room for the payload preview. A wider control or column would push them out of sight again.
    void fitsBesideBothDocksWithThePreviewInView()
    {
        m_window->showFramesTab();
        QVERIFY(openSession());
        sendText(QStringLiteral("{\"type\":\"tick\",\"seq\":1}"));
        QTRY_COMPARE_WITH_TIMEOUT(panel()->table()->model()->rowCount(), 2, kTimeoutMs);
        panel()->table()->selectRow(1); // the detail's widest tab content is shown
        QCoreApplication::processEvents(); // the layouts settle
        const int centre = m_window->centerTabs()->width();
        QVERIFY2(centre < 800, qPrintable(QStringLiteral("centre %1 px: both docks are expected open").arg(centre)));
        QVERIFY2(panel()->minimumSizeHint().width() <= centre - 20,
            qPrintable(QStringLiteral("panel needs %1 px, centre has %2")
                           .arg(panel()->minimumSizeHint().width())
                           .arg(centre)));
        QTableView* table = panel()->table();
        const int previewStarts = table->columnViewportPosition(FramesModel::Preview);
        QVERIFY2(previewStarts >= 0 && previewStarts + 100 <= table->viewport()->width(),
            qPrintable(
                QStringLiteral("preview starts at %1 of %2 px").arg(previewStarts).arg(table->viewport()->width())));
    }

    void filterBarFiltersAfterAPause()
    {
        QVERIFY(openSession());
        sendText(QStringLiteral("alpha"));
        sendText(QStringLiteral("beta"));
        panel()->composer()->kindBox()->setCurrentIndex(int(ComposeRequest::Kind::Ping));
        panel()->composer()->payloadEdit()->setPlainText(QStringLiteral("p"));
        QVERIFY(panel()->composer()->send());
        QTRY_COMPARE_WITH_TIMEOUT(panel()->table()->model()->rowCount(), 6, kTimeoutMs);
        QTest::keyClicks(panel()->searchEdit(), QStringLiteral("BET"));
        QCOMPARE(panel()->table()->model()->rowCount(), 6); // not yet: typing is still going on
        QTRY_COMPARE_WITH_TIMEOUT(panel()->table()->model()->rowCount(), 2, 2000);
        panel()->searchEdit()->clear();
        panel()->applyFilter();
        panel()->controlBox()->setChecked(false);
        QCOMPARE(panel()->table()->model()->rowCount(), 4);
        panel()->directionBox()->setCurrentIndex(1); // sent only
        QCOMPARE(panel()->table()->model()->rowCount(), 2);
        panel()->controlBox()->setChecked(true);
        panel()->directionBox()->setCurrentIndex(0);
        panel()->searchEdit()->setText(QStringLiteral("^(alpha|p)$"));
        panel()->regexBox()->setChecked(true);
        QCOMPARE(panel()->table()->model()->rowCount(), 4);
    }

    void followsTheNewestUnlessScrolledUp()
    {
        QVERIFY(openSession());
        ClientSession* session = m_window->session();
        for (int i = 0; i < 300; ++i)
            QVERIFY(session->sendMessage(Opcode::Text, QByteArray("row ") + QByteArray::number(i)));
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 600, kTimeoutMs);
        m_window->showFramesTab();
        QScrollBar* bar = panel()->table()->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 0);
        QTRY_COMPARE(bar->value(), bar->maximum());
        // Scrolled up by the person: new rows do not pull the view down.
        bar->setValue(0);
        for (int i = 0; i < 50; ++i)
            QVERIFY(session->sendMessage(Opcode::Text, "more"));
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 700, kTimeoutMs);
        QCOMPARE(bar->value(), 0);
        // Back at the bottom, following resumes.
        bar->setValue(bar->maximum());
        for (int i = 0; i < 50; ++i)
            QVERIFY(session->sendMessage(Opcode::Text, "again"));
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 800, kTimeoutMs);
        QTRY_COMPARE(bar->value(), bar->maximum());
    }

    void exportImportRoundTrip()
    {
        QVERIFY(openSession());
        sendText(QStringLiteral("keep, \"quoted\"\nline"));
        panel()->composer()->fragmentsBox()->setValue(2);
        sendText(QStringLiteral("two parts"));
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 5, kTimeoutMs);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString jsonl = dir.filePath(QStringLiteral("session.jsonl"));
        QString error;
        QVERIFY2(panel()->exportJsonLines(jsonl, &error), qPrintable(error));
        const Transcript& live = m_window->session()->transcript();
        QVERIFY2(panel()->importJsonLines(jsonl, &error), qPrintable(error));
        QVERIFY(panel()->transcript() != &live);
        QCOMPARE(transcriptDifference(*panel()->transcript(), live), QString());
        QVERIFY(panel()->sourceBox()->currentText().contains(QLatin1String("session.jsonl")));
        QCOMPARE(panel()->model()->rowCount(), 5);
        QVERIFY(!panel()->composer()->isEnabled());

        // CSV: a header and one line per frame the filter shows, fields quoted where needed.
        panel()->directionBox()->setCurrentIndex(1);
        const QString csv = dir.filePath(QStringLiteral("frames.csv"));
        QVERIFY2(panel()->exportCsv(csv, &error), qPrintable(error));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.startsWith("index,time_us,delta_us,direction,opcode"));
        QCOMPARE(text.count("\nsent") + text.count(",sent,"), 3);
        QVERIFY(text.contains("\"keep, \"\"quoted\"\""));
        QVERIFY(!text.contains(",received,"));

        // A file that is not a transcript is refused with a sentence naming it.
        const QString bad = dir.filePath(QStringLiteral("bad.jsonl"));
        QFile badFile(bad);
        QVERIFY(badFile.open(QIODevice::WriteOnly));
        badFile.write("{not json\n");
        badFile.close();
        QVERIFY(!panel()->importJsonLines(bad, &error));
        QVERIFY(error.contains(QLatin1String("bad.jsonl")));
    }

    void clearHidesButKeepsTheRecord()
    {
        QVERIFY(openSession());
        sendText(QStringLiteral("before"));
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 2, kTimeoutMs);
        panel()->clearShown();
        QCOMPARE(panel()->model()->rowCount(), 0);
        sendText(QStringLiteral("after"));
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 2, kTimeoutMs);
        QCOMPARE(m_window->session()->transcript().frames().size(), 4);
    }

    void frameRowMenuCopies()
    {
        QVERIFY(openSession());
        m_window->showFramesTab();
        QVERIFY(panel()->composer()->compressBox()->isChecked()); // deflate was negotiated
        const QString text = QStringLiteral("hello ☃ hello ☃ hello ☃");
        sendText(text);
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 2, kTimeoutMs);
        const Transcript& t = m_window->session()->transcript();
        const QByteArray wire = t.framePayload(t.frames().at(0));
        QVERIFY(t.frames().at(0).rsv1);

        std::unique_ptr<QMenu> menu(panel()->frameMenu(0));
        QClipboard* clipboard = QGuiApplication::clipboard();
        // Text: what the application read (the inflated message); hex and Base64: the payload as it crossed.
        menuAction(*menu, "copyText")->trigger();
        QCOMPARE(clipboard->text(), text);
        menuAction(*menu, "copyHex")->trigger();
        QCOMPARE(clipboard->text(), QString::fromLatin1(wire.toHex(' ')));
        menuAction(*menu, "copyBase64")->trigger();
        QCOMPARE(clipboard->text(), QString::fromLatin1(wire.toBase64()));
        // JSON: the very object the exported transcript holds for that frame.
        menuAction(*menu, "copyJson")->trigger();
        QByteArray frameLine;
        for (const QByteArray& line : transcriptToJsonLines(t).split('\n')) {
            if (line.contains("\"event\":\"frame\"")) {
                frameLine = line;
                break;
            }
        }
        QVERIFY(!frameLine.isEmpty());
        QCOMPARE(clipboard->text().toUtf8(), frameLine);

        // A plain frame's text is its own payload.
        panel()->composer()->compressBox()->setChecked(false);
        sendText(QStringLiteral("plain"));
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 4, kTimeoutMs);
        std::unique_ptr<QMenu> plain(panel()->frameMenu(2));
        menuAction(*plain, "copyText")->trigger();
        QCOMPARE(clipboard->text(), QStringLiteral("plain"));
    }

    void followAMessagesFragments()
    {
        QVERIFY(openSession());
        m_window->showFramesTab();
        sendText(QStringLiteral("before"));
        panel()->composer()->compressBox()->setChecked(false);
        panel()->composer()->fragmentsBox()->setValue(3);
        sendText(QStringLiteral("one two three"));
        panel()->composer()->fragmentsBox()->setValue(1);
        panel()->composer()->kindBox()->setCurrentIndex(int(ComposeRequest::Kind::Ping));
        panel()->composer()->payloadEdit()->setPlainText(QStringLiteral("p"));
        QVERIFY(panel()->composer()->send());
        const Transcript& t = m_window->session()->transcript();
        QTRY_VERIFY_WITH_TIMEOUT(t.messages().size() >= 3 && t.frames().size() >= 8, kTimeoutMs);
        panel()->model()->refresh();
        // Frames 2..4 (indices 1..3) are the fragments of the client's second message.
        const qint32 message = t.frames().at(2).message;
        QVERIFY(message >= 0);
        QCOMPARE(t.frames().at(1).message, message);

        std::unique_ptr<QMenu> menu(panel()->frameMenu(2));
        menuAction(*menu, "followMessage")->trigger();
        QCOMPARE(panel()->followedMessage(), message);
        QAbstractItemModel* rows = panel()->table()->model();
        QCOMPARE(rows->rowCount(), 3);
        for (int row = 0; row < 3; ++row)
            QCOMPARE(rows->index(row, FramesModel::Message).data().toInt(), message + 1);
        QVERIFY(panel()->messageNote()->isVisible());
        QVERIFY(panel()->messageNote()->text().contains(QStringLiteral("message %1").arg(message + 1)));
        QCOMPARE(panel()->detail()->frameIndex(), 2); // the frame asked about stays selected

        std::unique_ptr<QMenu> again(panel()->frameMenu(2));
        menuAction(*again, "showAll")->trigger();
        QCOMPARE(panel()->followedMessage(), -1);
        QCOMPARE(rows->rowCount(), panel()->model()->rowCount());
        QVERIFY(!panel()->messageNote()->isVisible());

        // A ping belongs to no message: nothing to follow.
        int ping = -1;
        for (int i = 0; i < t.frames().size(); ++i) {
            if (t.frames().at(i).opcode == 9)
                ping = i;
        }
        QVERIFY(ping >= 0);
        std::unique_ptr<QMenu> control(panel()->frameMenu(ping));
        QVERIFY(!menuAction(*control, "followMessage")->isEnabled());
    }

    void ctrlFFocusesTheSearchFromAnywhere()
    {
        QVERIFY(QTest::qWaitForWindowActive(m_window.get()));
        m_window->showHandshakeTab();
        QVERIFY(!panel()->isVisible());
        RawHttpView* elsewhere = m_window->exchangeView()->requestView();
        elsewhere->setFocus();
        QTest::keyClick(elsewhere, Qt::Key_F, Qt::ControlModifier);
        QVERIFY(m_window->centerTabs()->currentWidget()->isAncestorOf(panel()));
        QTRY_COMPARE_WITH_TIMEOUT(
            QApplication::focusWidget(), static_cast<QWidget*>(panel()->searchEdit()), kTimeoutMs);
        // And again from inside the frames tab, with text already there: it is selected for typing over.
        panel()->searchEdit()->setText(QStringLiteral("old"));
        panel()->table()->setFocus();
        QTest::keyClick(panel()->table(), Qt::Key_F, Qt::ControlModifier);
        QCOMPARE(QApplication::focusWidget(), static_cast<QWidget*>(panel()->searchEdit()));
        QCOMPARE(panel()->searchEdit()->selectedText(), QStringLiteral("old"));
    }

    void aNewConnectionReplacesTheOld()
    {
        QVERIFY(openSession());
        sendText(QStringLiteral("first session"));
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 2, kTimeoutMs);
        QVERIFY(openSession()); // the old session is deleted; the list must let go of its record
        QCOMPARE(panel()->transcript(), &m_window->session()->transcript());
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 0, kTimeoutMs);
        sendText(QStringLiteral("second session"));
        QTRY_COMPARE_WITH_TIMEOUT(panel()->model()->rowCount(), 2, kTimeoutMs);
    }
};

QTEST_MAIN(TestFramesPanel)
#include "tst_framespanel.moc"
