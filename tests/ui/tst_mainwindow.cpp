// The real inspector window against a real local server: connect, see the verdicts and the server's
// reasons, keep the header table and the helpers in step, save and load profiles.
#include "core/handshake.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "support/windowtests.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/builder/headerrowsmodel.h"
#include "ui/exchange/exchangeview.h"
#include "ui/exchange/findingsmodel.h"
#include "ui/widgets/listeditor.h"
#include "ui/widgets/rawhttpview.h"
#include "ui/window/mainwindow.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QDockWidget>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace wsi;
using wsi::test::child;

namespace
{
constexpr int kTimeoutMs = 10'000;

int rowOf(const HeaderRowsModel* model, QByteArrayView name)
{
    for (int i = 0; i < model->rowCount(); ++i) {
        if (model->rows().at(i).name.compare(name, Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}
} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<EchoServer> startServer(const ServerPolicy& policy) { return test::startLocalServer(policy); }

    static ServerPolicy samplePolicy()
    {
        ServerPolicy policy;
        policy.protocols = { "json", "msgpack" };
        return policy;
    }

private Q_SLOTS:
    void initTestCase() { test::isolateSettings("tst_mainwindow"); } // never a person's own settings

    void firstRunIsReadyToConnect()
    {
        auto server = startServer(samplePolicy());
        QVERIFY(server->isListening());
        MainWindow window(server.get());
        QVERIFY(window.minimumSize().width() >= 1000 && window.minimumSize().height() >= 650);
        QVERIFY(window.builderDock()->features() & QDockWidget::DockWidgetMovable);
        QVERIFY(window.serverDock());
        QVERIFY(window.serverDock()->features() & QDockWidget::DockWidgetMovable);
        const HandshakeSpec spec = window.builder()->spec();
        // The sample profile points at the embedded server and offers json, msgpack and deflate.
        QCOMPARE(QUrl(spec.url).port(), int(server->port()));
        QCOMPARE(spec.protocols, (QList<QByteArray> { "json", "msgpack" }));
        QVERIFY(spec.deflate);
        QVERIFY(window.statusBar()->currentMessage().contains(QString::number(server->port())));
    }

    void successfulNegotiation()
    {
        auto server = startServer(samplePolicy());
        MainWindow window(server.get());
        window.show();
        QSignalSpy finished(&window, &MainWindow::exchangeFinished);
        window.connectNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);

        ExchangeView* view = window.exchangeView();
        QVERIFY(view->exchange().response);
        QCOMPARE(view->exchange().response->status, 101);
        QVERIFY(view->requestView()->toPlainText().startsWith(QStringLiteral("GET /chat HTTP/1.1\\r\\n")));
        QVERIFY(view->responseView()->toPlainText().contains(QLatin1String("101 Switching Protocols")));
        // Header lines are known by name (for the hover explanation); the status line is not a header.
        QCOMPARE(view->responseView()->headerAtLine(1), QByteArray("Upgrade"));
        QCOMPARE(view->responseView()->headerAtLine(0), QByteArray());
        const QString summary = view->summaryText();
        QVERIFY2(summary.contains(QStringLiteral("offered json, msgpack → json")), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("→ permessage-deflate")), qPrintable(summary));
        QVERIFY2(view->acceptText().contains(QLatin1String("matches")), qPrintable(view->acceptText()));
        QVERIFY(view->acceptText().contains(QString::fromLatin1(kWebSocketGuid.toByteArray())));

        // Every response check is listed, and none failed.
        FindingsModel* findings = view->findingsModel();
        QVERIFY(findings->rowCount() >= 5);
        for (const Finding& f : findings->findings())
            QVERIFY2(f.severity != Severity::Error, qPrintable(f.message));
        // The local server's reasons are shown next to the client's view.
        QTRY_VERIFY_WITH_TIMEOUT(!view->traceLines().isEmpty(), kTimeoutMs);
        QVERIFY2(view->traceLines().join(QLatin1Char('\n')).contains(QLatin1String("json")),
            qPrintable(view->traceLines().join(QLatin1Char('\n'))));
        QVERIFY(window.statusBar()->currentMessage().startsWith(QLatin1String("Open: 101")));

        // Selecting a check lights the header it is about.
        QTableView* checks = child<QTableView>(view, "checksTable");
        for (int row = 0; row < checks->model()->rowCount(); ++row) {
            const QModelIndex index = checks->model()->index(row, 0);
            if (index.data(FindingsModel::HeaderRole).toByteArray() == "Sec-WebSocket-Accept") {
                checks->setCurrentIndex(index);
                break;
            }
        }
        QCOMPARE(view->responseView()->highlightedHeader(), QByteArray("Sec-WebSocket-Accept"));

        window.disconnectNow();
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->phase(), ClientSession::Phase::Closed, kTimeoutMs);
    }

    void originRejectionShowsStatusAndServerTrace()
    {
        ServerPolicy policy = samplePolicy();
        policy.allowedOrigins = { "https://app.example" };
        auto server = startServer(policy);
        MainWindow window(server.get());
        window.show();
        // The builder sends an Origin the allowlist does not hold, typed into the helper field.
        HandshakeBuilder* form = window.builder();
        child<QLineEdit>(form, "originEdit")->clear();
        QTest::keyClicks(child<QLineEdit>(form, "originEdit"), QStringLiteral("https://evil.example"));
        QCOMPARE(window.builder()->spec().origin, QByteArray("https://evil.example"));

        QSignalSpy finished(&window, &MainWindow::exchangeFinished);
        window.connectNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);

        ExchangeView* view = window.exchangeView();
        QVERIFY(view->exchange().response);
        QCOMPARE(view->exchange().response->status, 403);
        QVERIFY(child<QLabel>(view, "responseTitle")->text().contains(QLatin1String("403")));
        QVERIFY(view->responseView()->toPlainText().startsWith(QLatin1String("HTTP/1.1 403")));
        QVERIFY(view->summaryText().contains(QLatin1String("refused")));
        QCOMPARE(
            view->findingsModel()->index(0, FindingsModel::VerdictColumn).data().toString(), QStringLiteral("FAIL"));
        QTRY_VERIFY_WITH_TIMEOUT(
            view->traceLines().join(QLatin1Char('\n')).contains(QLatin1String("not in the allowlist")), kTimeoutMs);
        QVERIFY(view->traceLines().join(QLatin1Char('\n')).contains(QLatin1String("https://evil.example")));
        // The server's reason is in the summary at a glance, too.
        QVERIFY2(view->summaryText().contains(QLatin1String("not in the allowlist")), qPrintable(view->summaryText()));
        QCOMPARE(child<QTabWidget>(view, "detailTabs")->currentWidget(), child<QWidget>(view, "traceTab"));
        QVERIFY2(window.statusBar()->currentMessage().contains(QLatin1String("403")),
            qPrintable(window.statusBar()->currentMessage()));

        // Change the policy, connect again: now the same origin is let in.
        policy.allowedOrigins.append("https://evil.example");
        server->setPolicy(policy);
        window.connectNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
        QCOMPARE(view->exchange().response->status, 101);
        QTRY_VERIFY_WITH_TIMEOUT(
            view->traceLines().join(QLatin1Char('\n')).contains(QLatin1String("is in the allowlist")), kTimeoutMs);
    }

    void builderFollowsTheLocalServerToTls()
    {
        auto server = startServer(samplePolicy());
        MainWindow window(server.get());
        window.show();
        auto* tls = window.serverDock()->findChild<QCheckBox*>(QStringLiteral("tlsCheck"));
        QVERIFY2(tls, "the server dock holds the server panel with its TLS switch");
        tls->setChecked(true);
        // The panel restarts the server as wss; the builder, which pointed at it, follows.
        QTRY_VERIFY_WITH_TIMEOUT(server->isTls() && server->isListening(), kTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(QUrl(window.builder()->spec().url).scheme(), QStringLiteral("wss"), kTimeoutMs);
        QCOMPARE(QUrl(window.builder()->spec().url).port(), int(server->port()));

        // The self-signed certificate of the local server is accepted for it, and only for it.
        QSignalSpy finished(&window, &MainWindow::exchangeFinished);
        window.connectNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QVERIFY2(window.exchangeView()->exchange().response, qPrintable(window.statusBar()->currentMessage()));
        QCOMPARE(window.exchangeView()->exchange().response->status, 101);
    }

    void helpersAndTableStayInSync()
    {
        MainWindow window(nullptr);
        window.show();
        HandshakeBuilder* builder = window.builder();
        HandshakeBuilder* form = builder;
        HeaderRowsModel* rows = builder->rowsModel();
        QAbstractItemModelTester tester(rows, QAbstractItemModelTester::FailureReportingMode::QtTest);

        // Helper → table.
        child<QLineEdit>(form, "cookieEdit")->clear();
        QTest::keyClicks(child<QLineEdit>(form, "cookieEdit"), QStringLiteral("session=1"));
        const int cookie = rowOf(rows, "Cookie");
        QVERIFY(cookie >= 0);
        QCOMPARE(rows->rows().at(cookie).value, QByteArray("session=1"));

        child<QCheckBox>(form, "deflateCheck")->setChecked(false);
        QCOMPARE(rowOf(rows, "Sec-WebSocket-Extensions"), -1);
        child<QCheckBox>(form, "deflateCheck")->setChecked(true);
        QVERIFY(rowOf(rows, "Sec-WebSocket-Extensions") >= 0);
        child<QCheckBox>(form, "serverBitsCheck")->setChecked(true);
        child<QSpinBox>(form, "serverBitsSpin")->setValue(10);
        QVERIFY(rows->rows().at(rowOf(rows, "Sec-WebSocket-Extensions")).value.contains("server_max_window_bits=10"));

        child<QLineEdit>(form, "tokenEdit")->clear();
        QTest::keyClicks(child<QLineEdit>(form, "tokenEdit"), QStringLiteral("abc"));
        child<QComboBox>(form, "tokenPlacementCombo")
            ->setCurrentIndex(child<QComboBox>(form, "tokenPlacementCombo")->findData(int(TokenPlacement::Bearer)));
        QCOMPARE(rows->rows().at(rowOf(rows, "Authorization")).value, QByteArray("Bearer abc"));

        child<ListEditor>(form, "protocolEditor")->entry()->setText(QStringLiteral("mqtt"));
        QVERIFY(child<ListEditor>(form, "protocolEditor")->addEntry());
        QCOMPARE(rows->rows().at(rowOf(rows, "Sec-WebSocket-Protocol")).value, QByteArray("json, msgpack, mqtt"));

        // Table → helper, through the table view's model as an edit in the view would.
        QTableView* table = child<QTableView>(form, "headerTable");
        const int protocolRow = rowOf(rows, "Sec-WebSocket-Protocol");
        QVERIFY(table->model()->setData(
            table->model()->index(protocolRow, HeaderRowsModel::ValueColumn), QStringLiteral("chat.v2, chat.v1")));
        QCOMPARE(child<ListEditor>(form, "protocolEditor")->items(),
            (QStringList { QStringLiteral("chat.v2"), QStringLiteral("chat.v1") }));
        QCOMPARE(child<ListEditor>(form, "protocolEditor")->list()->count(), 2);

        const int originRow = rowOf(rows, "Origin");
        QVERIFY(table->model()->setData(
            table->model()->index(originRow, HeaderRowsModel::ValueColumn), QStringLiteral("https://other.example")));
        QCOMPARE(child<QLineEdit>(form, "originEdit")->text(), QStringLiteral("https://other.example"));

        const int extensionsRow = rowOf(rows, "Sec-WebSocket-Extensions");
        QVERIFY(rows->removeRowAt(extensionsRow));
        QVERIFY(!child<QCheckBox>(form, "deflateCheck")->isChecked());

        const int keyRow = rowOf(rows, "Sec-WebSocket-Key");
        QVERIFY(table->model()->setData(
            table->model()->index(keyRow, HeaderRowsModel::ValueColumn), QStringLiteral("dGhlIHNhbXBsZSBub25jZQ==")));
        QCOMPARE(child<QComboBox>(form, "keyModeCombo")->currentData().toInt(), int(KeyMode::Fixed));
        QCOMPARE(child<QLineEdit>(form, "keyEdit")->text(), QStringLiteral("dGhlIHNhbXBsZSBub25jZQ=="));

        // Buttons of the table: duplicate and reorder reach the request that will be sent.
        const int origin = rowOf(rows, "Origin");
        table->setCurrentIndex(rows->index(origin, HeaderRowsModel::NameColumn));
        QTest::mouseClick(child<QToolButton>(form, "duplicateRowButton"), Qt::LeftButton);
        const BuiltRequest built = builder->preview();
        QVERIFY2(built.ok(), qPrintable(built.error));
        QCOMPARE(built.request.headers.count("Origin"), 2);
        QTest::mouseClick(child<QToolButton>(form, "upRowButton"), Qt::LeftButton);
        QCOMPARE(table->currentIndex().row(), origin);
        QCOMPARE(rows->rows().at(origin + 1).name, QByteArray("Origin"));

        // Switching a row off leaves it out of the request but keeps it in the table.
        const int cookieRow = rowOf(rows, "Cookie");
        QVERIFY(table->model()->setData(
            table->model()->index(cookieRow, HeaderRowsModel::EnabledColumn), Qt::Unchecked, Qt::CheckStateRole));
        QVERIFY(!builder->preview().request.headers.contains("Cookie"));
        QVERIFY(rowOf(rows, "Cookie") >= 0);
    }

    void rawModeSendsBytesExactly()
    {
        auto server = startServer(samplePolicy());
        MainWindow window(server.get());
        window.show();
        HandshakeBuilder* form = window.builder();
        child<QCheckBox>(form, "rawCheck")->setChecked(true);
        QCOMPARE(child<QStackedWidget>(form, "headersStack")->currentWidget(), child<QWidget>(form, "rawPage"));
        QVERIFY(!child<QGroupBox>(form, "helpersBox")->isEnabled());
        const QString text = child<QPlainTextEdit>(form, "rawEdit")->toPlainText();
        QVERIFY2(text.startsWith(QStringLiteral("GET /chat HTTP/1.1\\r\\n\n")), qPrintable(text));
        QCOMPARE(RawHttpView::bytesFromVisibleText(text), window.builder()->spec().rawRequest);

        // Round trip of the visible form: bare LF and CR, control bytes, a backslash, bytes that are not
        // UTF-8, and UTF-8 that is.
        const QByteArray odd = "GET / HTTP/1.1\r\nHost: a\nX: \r\t\\x\x01\x7f\xff\xc3(\r\nY: \xc3\xa9\r\n\r\n";
        const QString visible = RawHttpView::visibleText(odd);
        QCOMPARE(RawHttpView::bytesFromVisibleText(visible), odd);
        QVERIFY2(visible.contains(QStringLiteral("X: \\r\\t\\\\x\\x01\\x7f\\xff\\xc3(")), qPrintable(visible));
        QVERIFY(visible.contains(QStringLiteral("Y: é\\r\\n")));
        QVERIFY(visible.contains(QStringLiteral("Host: a\\n\n")));
        QCOMPARE(RawHttpView::bytesFromVisibleText(QStringLiteral("GET / HTTP/1.1\nHost: a\n\n")),
            QByteArray("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));

        // A request without a key: the server refuses it and the view says so.
        child<QPlainTextEdit>(form, "rawEdit")
            ->setPlainText(
                RawHttpView::visibleText("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: "
                                         "Upgrade\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        QSignalSpy finished(&window, &MainWindow::exchangeFinished);
        window.connectNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QVERIFY(window.exchangeView()->exchange().response);
        QCOMPARE(window.exchangeView()->exchange().response->status, 400);
        QVERIFY(!window.exchangeView()->exchange().rawRequest.contains("Sec-WebSocket-Key"));
        QVERIFY(window.exchangeView()->acceptText().contains(QLatin1String("No Sec-WebSocket-Key")));

        // Bytes that are not HTTP at all are still sent exactly; the server's 400 is shown.
        child<QPlainTextEdit>(form, "rawEdit")->setPlainText(QStringLiteral("HELLO\\n\n\\n\n"));
        QCOMPARE(window.builder()->spec().rawRequest, QByteArray("HELLO\n\n"));
        window.connectNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 2, kTimeoutMs);
        QCOMPARE(window.exchangeView()->exchange().rawRequest, QByteArray("HELLO\n\n"));
        QVERIFY(!window.exchangeView()->exchange().request);
        QVERIFY(window.exchangeView()->exchange().response);
        QCOMPARE(window.exchangeView()->exchange().response->status, 400);
    }

    void profileSaveLoadRoundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        MainWindow window(nullptr);
        HandshakeBuilder* form = window.builder();
        child<QLineEdit>(form, "originEdit")->setText(QStringLiteral("https://saved.example"));
        Q_EMIT child<QLineEdit>(form, "originEdit")->textEdited(child<QLineEdit>(form, "originEdit")->text());
        window.builder()->rowsModel()->addRow(-1, HeaderRow { "X-Saved", "yes", false });
        const HandshakeSpec saved = window.builder()->spec();

        const QString path = dir.filePath(QStringLiteral("round.json"));
        QVERIFY(window.saveProfileAs(path));
        QVERIFY(window.openProfile(QStringLiteral(":/profiles/echo.json")));
        QVERIFY(!(window.builder()->spec() == saved));
        QVERIFY(window.openProfile(path));
        QVERIFY(window.builder()->spec() == saved);
        QCOMPARE(child<QLineEdit>(form, "originEdit")->text(), QStringLiteral("https://saved.example"));
        QCOMPARE(window.currentProfile().path, path);
        QCOMPARE(child<QComboBox>(form, "profileCombo")->currentData().toString(), path);

        // A broken file is an error in words, and the builder keeps what it had.
        const QString broken = dir.filePath(QStringLiteral("broken.json"));
        QFile file(broken);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{ not json");
        file.close();
        QVERIFY(!window.openProfile(broken));
        QVERIFY(window.statusBar()->currentMessage().contains(QLatin1String("not valid JSON")));
        QVERIFY(window.builder()->spec() == saved);
    }

    void invalidUrlIsExplained()
    {
        MainWindow window(nullptr);
        child<QComboBox>(window.builder(), "urlCombo")->setEditText(QStringLiteral("http://example.test/"));
        QSignalSpy finished(&window, &MainWindow::exchangeFinished);
        window.connectNow();
        QCOMPARE(finished.count(), 1);
        QVERIFY(window.statusBar()->currentMessage().contains(QLatin1String("ws://")));
        QVERIFY(window.exchangeView()->summaryText().contains(QLatin1String("ws://")));
    }

    void refusedConnectionIsExplained()
    {
        // A port that was just free: nothing listens there.
        quint16 port = 0;
        {
            auto server = startServer(samplePolicy());
            port = server->port();
            server->close();
        }
        MainWindow window(nullptr);
        child<QComboBox>(window.builder(), "urlCombo")->setEditText(QStringLiteral("ws://127.0.0.1:%1/").arg(port));
        QSignalSpy finished(&window, &MainWindow::exchangeFinished);
        window.connectNow();
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QVERIFY(!window.exchangeView()->exchange().response);
        const QString sentence = QStringLiteral("Connection refused: nothing listens on 127.0.0.1:%1").arg(port);
        QVERIFY2(window.statusBar()->currentMessage().startsWith(sentence),
            qPrintable(window.statusBar()->currentMessage()));
        // Nothing was written, so nothing is called sent; the progress line shows where it stopped.
        const QString summary = window.exchangeView()->summaryText();
        QVERIFY2(summary.contains(QLatin1String("request not sent: ") + sentence), qPrintable(summary));
        QVERIFY2(summary.contains(QStringLiteral("connect ✗")), qPrintable(summary));
        const QString title = child<QLabel>(window.exchangeView(), "requestTitle")->text();
        QVERIFY2(title.contains(QLatin1String("not sent")) && !title.contains(QLatin1String("</b> sent")),
            qPrintable(title));
    }

    void typedUrlIsSentAsTyped()
    {
        // A recent URL that the typed one is a prefix of must not be what goes out.
        auto server = startServer(samplePolicy());
        MainWindow window(server.get());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const QString typed = QStringLiteral("ws://127.0.0.1:%1/").arg(server->port());
        window.builder()->setRecentUrls({ typed + QStringLiteral("chat") });
        QLineEdit* url = child<QComboBox>(window.builder(), "urlCombo")->lineEdit();
        url->clear();
        url->setFocus();
        QTest::keyClicks(url, typed);
        QSignalSpy finished(&window, &MainWindow::exchangeFinished);
        QTest::keyClick(url, Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kTimeoutMs);
        QVERIFY(window.exchangeView()->exchange().request);
        QCOMPARE(window.exchangeView()->exchange().request->target, QByteArray("/"));
        QVERIFY(window.exchangeView()->exchange().requestSent());
        window.disconnectNow();
    }

    void presetLoadSaysHowToUndo()
    {
        MainWindow window(nullptr);
        QTest::keyClicks(child<QLineEdit>(window.builder(), "originEdit"), QStringLiteral("https://mine.example"));
        const HandshakeSpec edited = window.builder()->spec();
        QVERIFY(window.openProfile(QStringLiteral(":/profiles/deflate.json")));
        const QString status = window.statusBar()->currentMessage();
        QVERIFY2(status.contains(QStringLiteral("loaded — Ctrl+Z restores your edits")), qPrintable(status));
        QVERIFY(!(window.builder()->spec() == edited));
        window.builder()->undoAction()->trigger();
        QCOMPARE(window.builder()->spec(), edited);
        QVERIFY(window.statusBar()->currentMessage().startsWith(QLatin1String("Restored")));
        // The presets menu shows each description in full.
        auto* presets = window.findChild<QMenu*>(QStringLiteral("menuPresets"));
        QVERIFY(presets && presets->toolTipsVisible());
        for (QAction* action : presets->actions())
            QVERIFY(!action->toolTip().isEmpty());
    }

    void settingsPersist()
    {
        QSettings().clear();
        QTemporaryDir dir;
        const QString profile = dir.filePath(QStringLiteral("last.json"));
        {
            MainWindow window(nullptr);
            window.resize(1234, 777);
            window.builder()->rememberUrl(QStringLiteral("ws://one.example/"));
            window.builder()->rememberUrl(QStringLiteral("wss://two.example/feed"));
            QVERIFY(window.saveProfileAs(profile));
            window.saveSettings();
        }
        MainWindow window(nullptr);
        window.restoreSettings();
        QCOMPARE(window.builder()->recentUrls(),
            (QStringList { QStringLiteral("wss://two.example/feed"), QStringLiteral("ws://one.example/") }));
        QCOMPARE(window.currentProfile().path, profile);
        QCOMPARE(window.size(), QSize(1234, 777));
    }

    void shortcuts()
    {
        MainWindow window(nullptr);
        auto shortcutOf = [&window](const char* name) {
            auto* action = window.findChild<QAction*>(QLatin1String(name));
            return action ? action->shortcut() : QKeySequence();
        };
        QCOMPARE(shortcutOf("actionConnect"), QKeySequence(QStringLiteral("Ctrl+Return")));
        QCOMPARE(shortcutOf("actionClear"), QKeySequence(QStringLiteral("Ctrl+L")));
        QCOMPARE(shortcutOf("actionSaveProfile"), QKeySequence(QStringLiteral("Ctrl+S")));
        QCOMPARE(shortcutOf("actionOpenProfile"), QKeySequence(QStringLiteral("Ctrl+O")));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
