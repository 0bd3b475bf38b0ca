// The window tells what happened on the wire: the real window against the real local server and a scripted
// raw server, through every way a session ends; reconnecting closes the old session properly; every attempt
// stays in the history; a record saved while open says so and an imported record looks as it did live.

#include "core/transcriptjson.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "engine/serverconnection.h"
#include "support/fakeservers.h"
#include "support/windowtests.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/exchange/exchangeview.h"
#include "ui/frames/framedetail.h"
#include "ui/frames/framesmodel.h"
#include "ui/frames/framespanel.h"
#include "ui/server/connectionsmodel.h"
#include "ui/widgets/elidedlabel.h"
#include "ui/window/mainwindow.h"
#include "ui/window/sessioncompare.h"
#include "ui/window/sessionhistory.h"
#include "ui/window/statusfields.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDockWidget>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace wsi;

namespace
{
constexpr int kTimeoutMs = 10'000;

std::unique_ptr<EchoServer> startServer(const ServerPolicy& policy = {})
{
    return test::startLocalServer(policy);
}

void pointAt(MainWindow& window, const QString& url, const QList<QPair<QByteArray, QByteArray>>& extra = {})
{
    HandshakeSpec spec = HandshakeSpec::withDefaults(url);
    for (const auto& [name, value] : extra) {
        if (name == "Origin")
            spec.origin = value;
        else
            spec.rows.append({ name, value });
    }
    spec.syncRowsFromHelpers();
    window.builder()->setSpec(spec);
}

QString phaseText(MainWindow& window)
{
    for (QLabel* label : window.statusBar()->findChildren<QLabel*>()) {
        if (label->text().startsWith(QStringLiteral("Connection: ")))
            return label->text();
    }
    return {};
}

bool isOpen(const MainWindow& window)
{
    return window.session() && window.session()->phase() == ClientSession::Phase::Open;
}

// A server frame: FIN, the opcode, unmasked, a payload under 126 bytes.
QByteArray serverFrame(quint8 opcode, const QByteArray& payload, bool masked = false)
{
    QByteArray frame;
    frame.append(char(0x80 | opcode));
    frame.append(char((masked ? 0x80 : 0) | payload.size()));
    if (masked)
        frame.append(QByteArray(4, '\0')); // a zero key leaves the payload as it is
    return frame + payload;
}
} // namespace

class TestSessionTruth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { test::isolateSettings("tst_sessiontruth"); }

    // The local server refuses after upgrading (origin 1008, token 4001): the window must not say "open".
    void serverClosesAfterUpgrade_data()
    {
        QTest::addColumn<bool>("originCheck");
        QTest::addColumn<QString>("expected");
        QTest::newRow("origin 1008") << true << QStringLiteral("closed by the server: 1008");
        QTest::newRow("token 4001") << false << QStringLiteral("closed by the server: 4001");
    }

    void serverClosesAfterUpgrade()
    {
        QFETCH(bool, originCheck);
        QFETCH(QString, expected);
        ServerPolicy policy;
        if (originCheck) {
            policy.allowedOrigins = { "https://allowed.example" };
            policy.originFailure = FailureMode::Close;
        } else {
            policy.token = "secret";
            policy.authFailure = FailureMode::Close;
        }
        auto server = startServer(policy);
        MainWindow window(server.get());
        window.show();
        pointAt(window, server->url().toString(), { { "Origin", "https://evil.example" } });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(
            window.session() && window.session()->phase() == ClientSession::Phase::Closed, kTimeoutMs);
        const QString summary = window.exchangeView()->summaryText();
        QVERIFY2(summary.contains(expected), qPrintable(summary));
        QVERIFY2(!summary.contains(QStringLiteral("— open")), qPrintable(summary));
        QCOMPARE(phaseText(window), QStringLiteral("Connection: closed"));
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(expected), kTimeoutMs);
        QVERIFY(!window.statusBar()->currentMessage().startsWith(QStringLiteral("Open")));
        QCOMPARE(window.history()->entry(0).state().stage, SessionStage::Closed);
    }

    // A scripted server: a close frame (1000), a masked frame (the client closes 1002), or a dropped connection.
    void scriptedEndings_data()
    {
        QTest::addColumn<QByteArray>("after101");
        QTest::addColumn<bool>("dropAfter");
        QTest::addColumn<QString>("expected");
        QByteArray code1000;
        code1000.append(char(0x03)).append(char(0xe8));
        QTest::newRow("server close 1000")
            << serverFrame(8, code1000) << true << QStringLiteral("closed by the server: 1000");
        QTest::newRow("masked server frame → 1002")
            << serverFrame(1, "hi", true) << false << QStringLiteral("the client failed the connection: 1002");
        QTest::newRow("TCP reset") << QByteArray() << true
                                   << QStringLiteral("the TCP connection ended without a close frame (1006");
    }

    void scriptedEndings()
    {
        QFETCH(QByteArray, after101);
        QFETCH(bool, dropAfter);
        QFETCH(QString, expected);
        test::ScriptedServer server(
            [after101](const QByteArray& request) { return test::switching(request) + after101; }, dropAfter);
        MainWindow window(nullptr);
        pointAt(window, server.url(QStringLiteral("/x")));
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(
            window.session() && window.session()->phase() == ClientSession::Phase::Closed, kTimeoutMs);
        const QString summary = window.exchangeView()->summaryText();
        QVERIFY2(summary.contains(expected), qPrintable(summary));
        QVERIFY(summary.contains(QStringLiteral("Timeline")));
        QCOMPARE(phaseText(window), QStringLiteral("Connection: closed"));
    }

    void clientCloseAndServerStopped()
    {
        auto server = startServer();
        MainWindow window(server.get());
        pointAt(window, server->url().toString());
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(isOpen(window), kTimeoutMs);
        QVERIFY(window.exchangeView()->summaryText().contains(QStringLiteral("— open")));
        // The status bar counts what happened when the handshake ended, not at its next tick.
        QVERIFY2(!window.statusFields()->sent()->text().contains(QStringLiteral("handshake 0 bytes")),
            qPrintable(window.statusFields()->sent()->text()));
        window.disconnectNow();
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->phase() == ClientSession::Phase::Closed, kTimeoutMs);
        QVERIFY2(window.exchangeView()->summaryText().contains(
                     QStringLiteral("closed by the client: 1000; the server answered 1000 (clean close)")),
            qPrintable(window.exchangeView()->summaryText()));

        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(isOpen(window), kTimeoutMs);
        server->close(); // the local server stops: it closes its connections with 1001
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->phase() == ClientSession::Phase::Closed, kTimeoutMs);
        QVERIFY2(window.exchangeView()->summaryText().contains(QStringLiteral("closed by the server: 1001")),
            qPrintable(window.exchangeView()->summaryText()));
        QCOMPARE(window.history()->size(), 2);
    }

    void reconnectClosesTheOldSessionProperly()
    {
        auto server = startServer();
        MainWindow window(server.get());
        QAbstractItemModelTester tester(window.history());
        pointAt(window, server->url().toString());
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(isOpen(window), kTimeoutMs);
        ClientSession* first = window.session();
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(window.session() != first && isOpen(window), kTimeoutMs);
        QCOMPARE(window.history()->size(), 2);
        // The server's record of the first connection: the client's close 1000 "reconnect", not 1006.
        const ServerConnection* old = server->connections().constFirst();
        QCOMPARE(old->transcript().close().receivedCode, std::optional<quint16>(1000));
        QCOMPARE(old->transcript().close().receivedReason, QByteArray("reconnect"));
        QVERIFY(old->transcript().close().clean);
        // Both stay: the first is closed, the second is the live one.
        QCOMPARE(window.history()->entry(0).state().stage, SessionStage::Closed);
        QCOMPARE(window.history()->liveRow(), 1);
        QVERIFY(window.history()
                    ->data(window.history()->index(1, SessionHistory::Number))
                    .toString()
                    .startsWith(QStringLiteral("●")));
    }

    void ctrlReturnOutsideTheBuilderDoesNotReconnect()
    {
        auto server = startServer();
        MainWindow window(server.get());
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        pointAt(window, server->url().toString());
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(isOpen(window), kTimeoutMs);
        window.showFramesTab();
        QTableView* frames = window.framesPanel()->table();
        frames->setFocus();
        QTRY_VERIFY(frames->hasFocus());
        QTest::keyClick(frames, Qt::Key_Return, Qt::ControlModifier);
        QCOMPARE(window.history()->size(), 1);
        QVERIFY(isOpen(window));

        // From the builder it is Connect.
        auto* combo = window.builder()->findChild<QComboBox*>(QStringLiteral("urlCombo"));
        QVERIFY(combo && combo->lineEdit());
        QLineEdit* url = combo->lineEdit();
        url->setFocus();
        QTRY_VERIFY(url->hasFocus());
        QTest::keyClick(url, Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(window.history()->size(), 2, kTimeoutMs);
    }

    void invalidBuilderLeavesTheOpenSessionAlone()
    {
        auto server = startServer();
        MainWindow window(server.get());
        pointAt(window, server->url().toString());
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(isOpen(window), kTimeoutMs);
        ClientSession* open = window.session();
        pointAt(window, QStringLiteral("http://not a url"));
        window.connectNow();
        QVERIFY(window.statusBar()->currentMessage().startsWith(QStringLiteral("Not sent")));
        QCOMPARE(window.session(), open);
        QVERIFY(isOpen(window));
        QCOMPARE(window.history()->size(), 1);
        QCOMPARE(server->connections().size(), 1);
        QCOMPARE(server->connections().constFirst()->transcript().close().initiator, CloseRecord::Initiator::None);
    }

    void exportWhileOpenThenImport()
    {
        auto server = startServer();
        MainWindow window(server.get());
        pointAt(window, server->url().toString());
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(isOpen(window), kTimeoutMs);
        window.session()->sendMessage(Opcode::Text, "hello");
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->transcript().frames().size(), qsizetype(2), kTimeoutMs);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("open.jsonl"));
        QString error;
        QVERIFY2(window.framesPanel()->exportJsonLines(path, &error), qPrintable(error));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY2(!text.contains("\"event\":\"close\""), "an open session's record invents no close");

        QVERIFY(window.importTranscript(path));
        QCOMPARE(window.history()->size(), 2);
        QCOMPARE(window.shownHistoryRow(), 1);
        QVERIFY(window.history()->entry(1).isImported());
        QVERIFY2(window.exchangeView()->summaryText().contains(QStringLiteral("still open when the record was saved")),
            qPrintable(window.exchangeView()->summaryText()));
        QVERIFY(isOpen(window)); // importing does not touch the live session
    }

    void importLooksAsItDidLive()
    {
        auto server = startServer();
        MainWindow window(server.get());
        pointAt(window, server->url().toString(), { { "X-Trace", "1" } });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(isOpen(window), kTimeoutMs);
        window.session()->sendMessage(Opcode::Text, "one");
        window.session()->sendMessage(Opcode::Binary, QByteArray("\x00\x01", 2));
        QTRY_COMPARE_WITH_TIMEOUT(window.session()->transcript().frames().size(), qsizetype(4), kTimeoutMs);
        window.disconnectNow();
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->phase() == ClientSession::Phase::Closed, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(window.exchangeView()->traceLines().size() > 0, kTimeoutMs);

        const Exchange live = window.exchangeView()->exchange();
        const QString liveSummary = window.exchangeView()->summaryText();
        const QStringList liveTrace = window.exchangeView()->traceLines();
        // The frames list takes new rows in batches: wait for all of them (two messages, two echoes, two closes).
        QTRY_COMPARE_WITH_TIMEOUT(window.framesPanel()->model()->rowCount(), 6, kTimeoutMs);

        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("closed.jsonl"));
        QString error;
        QVERIFY2(window.framesPanel()->exportJsonLines(path, &error), qPrintable(error));
        QVERIFY(window.importTranscript(path));
        const Exchange imported = window.exchangeView()->exchange();
        QCOMPARE(imported.rawRequest, live.rawRequest);
        QCOMPARE(imported.rawResponse, live.rawResponse);
        QVERIFY(imported.response);
        QCOMPARE(imported.response->status, 101);
        QCOMPARE(imported.findings.size(), live.findings.size());
        for (qsizetype i = 0; i < live.findings.size(); ++i)
            QCOMPARE(imported.findings.at(i).id, live.findings.at(i).id);
        QCOMPARE(imported.state->headline, live.state->headline);
        QCOMPARE(window.exchangeView()->traceLines(), liveTrace); // the server's decision came along
        QCOMPARE(window.framesPanel()->model()->rowCount(), 6);
        // The summary differs only in what a record cannot keep: nothing.
        QCOMPARE(window.exchangeView()->summaryText(), liveSummary);

        // Back to the live session by selecting it in the history.
        window.showHistoryRow(0);
        QCOMPARE(window.exchangeView()->exchange().rawRequest, live.rawRequest);
        QVERIFY(!window.exchangeView()->exchange().state->headline.isEmpty());
    }

    void compareTwoSessions()
    {
        ServerPolicy policy;
        policy.allowedOrigins = { "https://good.example" };
        auto server = startServer(policy);
        MainWindow window(server.get());
        pointAt(window, server->url().toString(), { { "Origin", "https://good.example" } });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(isOpen(window), kTimeoutMs);
        pointAt(window, server->url().toString(), { { "Origin", "https://evil.example" } });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(
            window.history()->size() == 2 && window.history()->entry(1).state().stage == SessionStage::Refused,
            kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            !window.history()->entry(1).transcript()->handshake().decisionSteps.isEmpty(), kTimeoutMs);
        window.compareHistoryRows(0, 1);
        auto* compare = window.findChild<SessionCompareWindow*>();
        QVERIFY(compare);
        const QString text = compare->plainText();
        QVERIFY2(text.contains(QStringLiteral("Origin: https://good.example"))
                && text.contains(QStringLiteral("Origin: https://evil.example")),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("HTTP/1.1 403")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Server's decision")), qPrintable(text));
    }

    // The server's own record of a connection it closed for a protocol violation: the code it closed with (not 1006),
    // the offending frame as far as it was read, and the client's answer counted as unread (RFC 6455 §7.1.7), as
    // core's close sentence.
    void serverRecordOfAProtocolViolation()
    {
        auto server = startServer();
        QTcpSocket raw;
        raw.connectToHost(QHostAddress::LocalHost, server->port());
        QVERIFY(raw.waitForConnected(kTimeoutMs));
        raw.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += raw.readAll()).contains("\r\n\r\n"), kTimeoutMs);
        QVERIFY(received.startsWith("HTTP/1.1 101"));
        raw.write(serverFrame(1, "unmasked")); // a client must mask (RFC 6455 §5.1): the server closes with 1002
        QTRY_VERIFY_WITH_TIMEOUT((received += raw.readAll()).contains(char(0x88)), kTimeoutMs);
        QByteArray reply = serverFrame(8, QByteArray("\x03\xea", 2), true); // masked close 1002, zero key
        raw.write(reply);
        QTRY_VERIFY_WITH_TIMEOUT(!server->connections().isEmpty()
                && server->connections().constFirst()->phase() == ServerConnection::Phase::Closed,
            kTimeoutMs);
        const ConnectionInfo info = ConnectionInfo::fromConnection(*server->connections().constFirst());
        QCOMPARE(info.closeCode, std::optional<quint16>(1002));
        QVERIFY2(info.closeHeadline.startsWith(QStringLiteral("closed: the server failed the connection: 1002")),
            qPrintable(info.closeHeadline));

        const Transcript& t = server->connections().constFirst()->transcript();
        QVERIFY(t.close().failure);
        const FailureRecord& failure = *t.close().failure;
        QCOMPARE(failure.closeCode, quint16(1002));
        QVERIFY(failure.reason.contains(QStringLiteral("not masked")));
        QCOMPARE(failure.frameBytesRead, 2); // the mask bit is in the second byte: refused there
        // The unmasked frame's 8 payload bytes were never read, nor the 8-byte masked close when it arrived before
        // the server's FIN made the client's socket close.
        QVERIFY2(
            failure.unreadBytes == 8 || failure.unreadBytes == 16, qPrintable(QString::number(failure.unreadBytes)));
        QVERIFY2(info.closeHeadline.contains(
                     QStringLiteral("%1 byte(s) from the client went unread").arg(failure.unreadBytes)),
            qPrintable(info.closeHeadline));
        QVERIFY(failure.frame >= 0);
        const FrameRecord& offending = t.frames().at(failure.frame);
        QCOMPARE(offending.dir, Direction::In);
        QCOMPARE(int(offending.opcode), 1);
        QCOMPARE(offending.payloadLength, quint64(8)); // as declared
        QCOMPARE(offending.payloadKept, 0u);
        QCOMPARE(recordedFrameViolation(t, failure.frame, Role::Server)->closeCode, quint16(1002));
        // The totals count the two bytes read, not the ten the header declared.
        QCOMPARE(t.frameTally(Direction::In).frames, 1);
        QCOMPARE(t.frameTally(Direction::In).wireBytes, 2);

        // The frames view says how far the frame was read and that the rest went unread.
        FrameDetail detail;
        detail.showFrame(&t, failure.frame, Role::Server);
        QVERIFY2(detail.summaryText().contains(QStringLiteral("refused after its first 2 bytes")),
            qPrintable(detail.summaryText()));
        QVERIFY2(detail.summaryText().contains(
                     QStringLiteral("%1 bytes that arrived afterwards went unread").arg(failure.unreadBytes)),
            qPrintable(detail.summaryText()));
        QCOMPARE(detail.wireBytes(), serverFrame(1, "unmasked").left(2));
    }

    // Not a check: pictures of what these tests drive, for a person to look at (WSI_SCREENSHOT_DIR=dir).
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("WSI_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set WSI_SCREENSHOT_DIR to save screenshots of the session history");
        ServerPolicy policy;
        policy.allowedOrigins = { "https://good.example" };
        auto server = startServer(policy);
        MainWindow window(server.get());
        window.resize(1280, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        pointAt(window, server->url().toString(), { { "Origin", "https://good.example" } });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(isOpen(window), kTimeoutMs);
        pointAt(window, server->url().toString(), { { "Origin", "https://evil.example" } });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(window.history()->size() == 2
                && window.history()->entry(1).state().stage == SessionStage::Refused
                && !window.history()->entry(1).transcript()->handshake().decisionSteps.isEmpty(),
            kTimeoutMs);
        window.historyView()->selectionModel()->select(
            window.history()->index(0, 0), QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QVERIFY(window.grab().save(dir + QStringLiteral("/history.png")));
        window.compareHistoryRows(0, 1);
        auto* compare = window.findChild<SessionCompareWindow*>();
        QVERIFY(compare);
        QVERIFY(QTest::qWaitForWindowExposed(compare));
        QVERIFY(compare->grab().save(dir + QStringLiteral("/compare.png")));
        compare->close();

        QTemporaryDir files;
        const QString path = files.filePath(QStringLiteral("session.jsonl"));
        window.showHistoryRow(0);
        QVERIFY(window.framesPanel()->exportJsonLines(path));
        QVERIFY(window.importTranscript(path));
        QVERIFY(window.grab().save(dir + QStringLiteral("/imported.png")));

        // The server's record of a connection it failed: the offending frame as far as it was read.
        QTcpSocket raw;
        raw.connectToHost(QHostAddress::LocalHost, server->port());
        QVERIFY(raw.waitForConnected(kTimeoutMs));
        raw.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Origin: https://good.example\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(raw.bytesAvailable() > 0, kTimeoutMs);
        raw.write(serverFrame(1, "unmasked"));
        QTRY_VERIFY_WITH_TIMEOUT(server->connections().last()->transcript().close().failure.has_value(), kTimeoutMs);
        QVERIFY(window.framesPanel()->showServerConnection(server->connections().last()->id()));
        QTRY_VERIFY(window.framesPanel()->model()->rowCount() > 0);
        window.showFramesTab();
        window.framesPanel()->selectFrame(0);
        QVERIFY(window.grab().save(dir + QStringLiteral("/server-failed.png")));

        QUrl plain = server->url(); // the local server speaks plain ws://
        plain.setScheme(QStringLiteral("wss"));
        pointAt(window, plain.toString());
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(window.session()->phase() == ClientSession::Phase::Closed, kTimeoutMs);
        QVERIFY(window.grab().save(dir + QStringLiteral("/wss-to-plain.png")));
    }
};

QTEST_MAIN(TestSessionTruth)
#include "tst_sessiontruth.moc"
