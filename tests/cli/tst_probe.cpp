// `wsinspector probe` as a user runs it: the real executable against Qt's WebSocket server and
// scripted servers that get the handshake wrong on purpose. Flags, JSON event names and exit codes
// are the command's interface, so they are checked exactly.
#include "core/transcriptjson.h"
#include "engine/tlsidentity.h"
#include "support/fakeservers.h"
#include "support/testpaths.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSslConfiguration>
#include <QSslServer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>
#include <functional>

using wsi::test::acceptFor;
using wsi::test::headerValue;
using wsi::test::QtEchoServer;
using wsi::test::ScriptedServer;
using wsi::test::switching;

namespace
{

constexpr int kProcessTimeoutMs = 30000;

struct ProbeResult {
    int exitCode = -1;
    QByteArray out, err;
    QList<QJsonObject> events;
    bool finished = false;

    QList<QJsonObject> named(const QString& name) const
    {
        QList<QJsonObject> list;
        for (const QJsonObject& e : events) {
            if (e.value(QStringLiteral("event")).toString() == name)
                list.append(e);
        }
        return list;
    }
    std::optional<QJsonObject> check(const QString& id) const
    {
        for (const QJsonObject& e : named(QStringLiteral("check"))) {
            if (e.value(QStringLiteral("id")).toString() == id)
                return e;
        }
        return std::nullopt;
    }
    QString describe() const
    {
        return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
            .arg(exitCode)
            .arg(QString::fromUtf8(out), QString::fromUtf8(err));
    }
};

// Runs the executable while this process's event loop keeps serving the in-process servers.
ProbeResult runProbe(const QStringList& arguments)
{
    ProbeResult result;
    QProcess process;
    process.start(wsi::test::wsinspectorBinary(), QStringList { QStringLiteral("probe") } + arguments);
    if (!process.waitForStarted(kProcessTimeoutMs))
        return result;
    result.finished = QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, kProcessTimeoutMs);
    if (!result.finished) {
        process.kill();
        process.waitForFinished();
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    for (const QByteArray& line : result.out.split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            result.events.append(doc.object());
    }
    return result;
}

} // namespace

class tst_Probe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void badUsageExits64_data();
    void badUsageExits64();
    void helpExitsZero();
    void echoExchangeAsJson();
    void humanOutputShowsRawExchangeAndChecks();
    void misbehavingServers_data();
    void misbehavingServers();
    void nonUpgradeShowsBody();
    void invalidUtf8FromServerExits2();
    void silentServerExits2();
    void noConnectionExits3_data();
    void noConnectionExits3();
    void refusedConnectionSendsNothing();
    void untrustedCertificateNamesTheFlagsOnce();
    void rawFileIsSentByteForByte();
    void headerFlagsShapeTheRequest();
    void exportWritesAnImportableTranscript();
};

void tst_Probe::initTestCase()
{
    QVERIFY2(!wsi::test::wsinspectorBinary().isEmpty(), "WSI_BINARY is not set (run through ctest)");
}

void tst_Probe::badUsageExits64_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("no URL") << QStringList {} << "URL";
    QTest::newRow("http URL") << QStringList { "http://127.0.0.1/" } << "ws://";
    QTest::newRow("unknown option") << QStringList { "ws://127.0.0.1:1/", "--frobnicate" } << "--frobnicate";
    QTest::newRow("odd hex") << QStringList { "ws://127.0.0.1:1/", "--send-binary", "abc" } << "hex";
    QTest::newRow("close code out of range") << QStringList { "ws://127.0.0.1:1/", "--close", "70000" } << "--close";
    QTest::newRow("missing value") << QStringList { "ws://127.0.0.1:1/", "--send" } << "--send needs a value";
    QTest::newRow("cert without key") << QStringList { "wss://127.0.0.1:1/", "--cert", "/etc/hostname" }
                                      << "--key-file";
    QTest::newRow("header injection") << QStringList { "ws://127.0.0.1:1/", "-H", "X-A: b\r\nInjected: 1" }
                                      << "header injection";
    QTest::newRow("header without colon") << QStringList { "ws://127.0.0.1:1/", "-H", "NoColon" } << "Name: value";
    QTest::newRow("missing raw file") << QStringList { "ws://127.0.0.1:1/", "--raw", "/nonexistent/request.txt" }
                                      << "Cannot read";
    QTest::newRow("two URLs") << QStringList { "ws://127.0.0.1:1/", "ws://127.0.0.1:2/" } << "one URL";
}

void tst_Probe::badUsageExits64()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    const ProbeResult r = runProbe(arguments);
    QVERIFY(r.finished);
    QCOMPARE(r.exitCode, 64);
    QVERIFY2(QString::fromUtf8(r.err).contains(mentions), qPrintable(r.describe()));
    QVERIFY(r.out.isEmpty());
}

void tst_Probe::helpExitsZero()
{
    const ProbeResult r = runProbe({ QStringLiteral("--help") });
    QCOMPARE(r.exitCode, 0);
    for (const char* flag : { "--protocol", "--extension", "--deflate", "--origin", "--key", "--version", "--raw",
             "--send", "--send-binary", "--ping", "--close", "--wait", "--insecure", "--cacert", "--cert", "--key-file",
             "--export", "--json", "--token", "--token-in", "--jwt-secret", "--jwt-key", "--jwt-alg", "--claim",
             "--jwt-expires" })
        QVERIFY2(r.out.contains(flag), flag);
}

void tst_Probe::echoExchangeAsJson()
{
    QtEchoServer server({ QStringLiteral("chat") });
    const ProbeResult r = runProbe({ server.url(QStringLiteral("/echo")), "--json", "--protocol", "chat", "--send",
        "hello", "--send-binary", "00ff10", "--ping", "hi", "--close", "4000:done" });
    QVERIFY2(r.finished && r.exitCode == 0, qPrintable(r.describe()));

    QStringList order;
    for (const QJsonObject& e : r.events)
        order.append(e.value(QStringLiteral("event")).toString());
    QCOMPARE(order.first(), QStringLiteral("request"));
    QCOMPARE(order.at(1), QStringLiteral("response"));
    QCOMPARE(order.last(), QStringLiteral("summary"));
    QCOMPARE(order.at(order.size() - 2), QStringLiteral("close"));

    const QJsonObject request = r.named(QStringLiteral("request")).first();
    QVERIFY(request.value(QStringLiteral("raw")).toString().startsWith(QStringLiteral("GET /echo HTTP/1.1\r\n")));
    QVERIFY(
        request.value(QStringLiteral("raw")).toString().contains(QStringLiteral("Sec-WebSocket-Protocol: chat\r\n")));
    const QJsonObject response = r.named(QStringLiteral("response")).first();
    QCOMPARE(response.value(QStringLiteral("status")).toInt(), 101);
    QVERIFY(response.value(QStringLiteral("raw")).toString().startsWith(QStringLiteral("HTTP/1.1 101")));
    QCOMPARE(response.value(QStringLiteral("body")).toString(), QString());

    const auto accept = r.check(QStringLiteral("response.accept"));
    QVERIFY(accept);
    QCOMPARE(accept->value(QStringLiteral("result")).toString(), QStringLiteral("pass"));
    QCOMPARE(accept->value(QStringLiteral("rfc")).toString(), QStringLiteral("RFC 6455 §4.1"));
    QVERIFY(!accept->value(QStringLiteral("message")).toString().isEmpty());

    const QList<QJsonObject> frames = r.named(QStringLiteral("frame"));
    // text out/in, binary out/in, ping/pong, close out/in
    QCOMPARE(frames.size(), 8);
    const QJsonObject textOut = frames.at(0);
    QCOMPARE(textOut.value(QStringLiteral("dir")).toString(), QStringLiteral("out"));
    QCOMPARE(textOut.value(QStringLiteral("opcode")).toInt(), 1);
    QCOMPARE(textOut.value(QStringLiteral("masked")).toBool(), true);
    QCOMPARE(textOut.value(QStringLiteral("fin")).toBool(), true);
    QCOMPARE(textOut.value(QStringLiteral("rsv1")).toBool(), false);
    QCOMPARE(textOut.value(QStringLiteral("rsv2")).toBool(), false);
    QCOMPARE(textOut.value(QStringLiteral("rsv3")).toBool(), false);
    QCOMPARE(textOut.value(QStringLiteral("length")).toInt(), 5);
    QCOMPARE(textOut.value(QStringLiteral("text")).toString(), QStringLiteral("hello"));
    QCOMPARE(frames.at(1).value(QStringLiteral("dir")).toString(), QStringLiteral("in"));
    QCOMPARE(frames.at(1).value(QStringLiteral("masked")).toBool(), false);
    QCOMPARE(frames.at(1).value(QStringLiteral("text")).toString(), QStringLiteral("hello"));
    QCOMPARE(frames.at(2).value(QStringLiteral("hex")).toString(), QStringLiteral("00ff10"));
    QCOMPARE(frames.at(3).value(QStringLiteral("hex")).toString(), QStringLiteral("00ff10"));
    QCOMPARE(frames.at(3).value(QStringLiteral("opcode")).toInt(), 2);
    QCOMPARE(frames.at(4).value(QStringLiteral("opcode")).toInt(), 9);
    QCOMPARE(frames.at(5).value(QStringLiteral("opcode")).toInt(), 10);
    QCOMPARE(frames.at(5).value(QStringLiteral("hex")).toString(), QStringLiteral("6869"));
    QCOMPARE(frames.at(6).value(QStringLiteral("opcode")).toInt(), 8);
    QCOMPARE(frames.at(6).value(QStringLiteral("code")).toInt(), 4000);
    QCOMPARE(frames.at(6).value(QStringLiteral("reason")).toString(), QStringLiteral("done"));

    const QJsonObject close = r.named(QStringLiteral("close")).first();
    QCOMPARE(close.value(QStringLiteral("initiator")).toString(), QStringLiteral("local"));
    QCOMPARE(close.value(QStringLiteral("sentCode")).toInt(), 4000);
    QCOMPARE(close.value(QStringLiteral("receivedCode")).toInt(), 4000);
    QCOMPARE(close.value(QStringLiteral("clean")).toBool(), true);
    QCOMPARE(close.value(QStringLiteral("sentReason")).toString(), QStringLiteral("done")); // text in probe
    QCOMPARE(close.value(QStringLiteral("sentReasonText")).toString(), QStringLiteral("done"));
    QCOMPARE(close.value(QStringLiteral("sentReasonBase64")).toString(), QStringLiteral("ZG9uZQ=="));
    QCOMPARE(close.value(QStringLiteral("effectiveCode")).toInt(), 4000);
    QCOMPARE(close.value(QStringLiteral("initiatorCode")).toInt(), 4000);
    QCOMPARE(textOut.value(QStringLiteral("index")).toInt(), 0);
    QVERIFY(textOut.value(QStringLiteral("timeUs")).isDouble());
    QCOMPARE(textOut.value(QStringLiteral("type")).toString(), QStringLiteral("text"));

    const QJsonObject summary = r.named(QStringLiteral("summary")).first();
    QCOMPARE(summary.value(QStringLiteral("status")).toInt(), 101);
    QCOMPARE(summary.value(QStringLiteral("protocol")).toString(), QStringLiteral("chat"));
    QVERIFY(summary.value(QStringLiteral("extensions")).isNull());
    QCOMPARE(summary.value(QStringLiteral("exit")).toInt(), 0);

    // Bytes: the handshake apart from the frames, whose wire lengths add up to the frame bytes; together they are
    // every byte the connection carried (bytesSent / bytesReceived keep that meaning).
    const auto number = [&summary](const char* key) { return summary.value(QLatin1String(key)).toInteger(-1); };
    qint64 framesOut = 0, framesIn = 0;
    for (const QJsonObject& f : frames)
        (f.value(QStringLiteral("dir")).toString() == QLatin1String("out") ? framesOut : framesIn)
            += f.value(QStringLiteral("wireLength")).toInteger();
    QCOMPARE(number("handshakeBytesSent"), request.value(QStringLiteral("bytes")).toInteger());
    QCOMPARE(number("handshakeBytesReceived"), response.value(QStringLiteral("raw")).toString().toUtf8().size());
    QCOMPARE(number("frameBytesSent"), framesOut);
    QCOMPARE(number("frameBytesReceived"), framesIn);
    QCOMPARE(number("handshakeBytesSent") + number("frameBytesSent"), number("bytesSent"));
    QCOMPARE(number("handshakeBytesReceived") + number("frameBytesReceived"), number("bytesReceived"));
}

void tst_Probe::humanOutputShowsRawExchangeAndChecks()
{
    QtEchoServer server;
    const ProbeResult r = runProbe({ server.url(QStringLiteral("/echo")), "--send", "hello", "--fragments", "2" });
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    const QString out = QString::fromUtf8(r.out);
    QVERIFY(out.contains(QStringLiteral("> GET /echo HTTP/1.1\n")));
    QVERIFY(out.contains(QStringLiteral("> Sec-WebSocket-Version: 13\n")));
    QVERIFY(out.contains(QStringLiteral("< HTTP/1.1 101 Switching Protocols\n")));
    QVERIFY(out.contains(QStringLiteral("PASS response.accept: ")));
    QVERIFY(out.contains(QStringLiteral("[RFC 6455 §4.1]")));
    QVERIFY(out.contains(QStringLiteral(">> text             rsv=000 len=2")));
    QVERIFY(out.contains(QStringLiteral(">> continuation fin rsv=000 len=3")));
    QVERIFY(out.contains(QStringLiteral("<< text         fin rsv=000 len=5 \"hello\"")));
    QVERIFY(out.contains(QStringLiteral("* close: initiated by local, sent 1000, received 1000, clean")));
    QVERIFY(out.contains(QStringLiteral("* summary: status 101, protocol none, extensions none, exit 0")));
    // Sent frames: "he" and "llo" masked (6 + 2, 6 + 3) and the close (6 + 2); received: "hello" (2 + 5) and the
    // close (2 + 2). The handshake is counted apart.
    QVERIFY2(out.contains(QRegularExpression(QStringLiteral(
                 "\\* bytes sent: handshake [1-9][0-9]*, frames 25; received: handshake [1-9][0-9]*, frames 11 "
                 "\\(TLS not counted\\)\n"))),
        qPrintable(out));
}

void tst_Probe::misbehavingServers_data()
{
    QTest::addColumn<int>("answerKind");
    QTest::addColumn<QStringList>("extraArguments");
    QTest::addColumn<QString>("failedCheck");

    QTest::newRow("wrong Sec-WebSocket-Accept") << 0 << QStringList {} << "response.accept";
    QTest::newRow("missing Sec-WebSocket-Accept") << 1 << QStringList {} << "response.accept";
    QTest::newRow("unrequested subprotocol") << 2 << QStringList { "--protocol", "chat" } << "response.protocol";
    QTest::newRow("subprotocol when none was offered") << 2 << QStringList {} << "response.protocol";
    QTest::newRow("unrequested extension") << 3 << QStringList {} << "response.extensions";
    QTest::newRow("client_max_window_bits not offered")
        << 4 << QStringList { "--extension", "permessage-deflate" } << "response.extensions";
}

void tst_Probe::misbehavingServers()
{
    QFETCH(int, answerKind);
    QFETCH(QStringList, extraArguments);
    QFETCH(QString, failedCheck);
    ScriptedServer server([answerKind](const QByteArray& request) -> QByteArray {
        switch (answerKind) {
        case 0:
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n";
        case 1:
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
        case 2:
            return switching(request, "Sec-WebSocket-Protocol: superchat\r\n");
        case 3:
            return switching(request, "Sec-WebSocket-Extensions: permessage-deflate\r\n");
        default:
            return switching(request, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n");
        }
    });
    const ProbeResult r = runProbe(QStringList { server.url(), "--json", "--send", "x" } + extraArguments);
    QVERIFY2(r.finished && r.exitCode == 2, qPrintable(r.describe()));
    const auto check = r.check(failedCheck);
    QVERIFY2(check, qPrintable(r.describe()));
    QCOMPARE(check->value(QStringLiteral("result")).toString(), QStringLiteral("fail"));
    // The connection is failed at the handshake: nothing is sent as a frame.
    QVERIFY(r.named(QStringLiteral("frame")).isEmpty());
    QCOMPARE(r.named(QStringLiteral("summary")).first().value(QStringLiteral("exit")).toInt(), 2);
}

void tst_Probe::nonUpgradeShowsBody()
{
    const QByteArray reply = "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 24\r\n\r\n"
                             "Origin not allowed here.";
    ScriptedServer server([reply](const QByteArray&) { return reply; });
    const ProbeResult json = runProbe({ server.url(), "--json", "--origin", "https://evil.example" });
    QVERIFY2(json.exitCode == 1, qPrintable(json.describe()));
    const QJsonObject response = json.named(QStringLiteral("response")).first();
    QCOMPARE(response.value(QStringLiteral("status")).toInt(), 403);
    QCOMPARE(response.value(QStringLiteral("body")).toString(), QStringLiteral("Origin not allowed here."));
    QCOMPARE(response.value(QStringLiteral("raw")).toString().toUtf8(), reply);
    QCOMPARE(json.check(QStringLiteral("response.status"))->value(QStringLiteral("result")).toString(),
        QStringLiteral("fail"));
    QCOMPARE(json.named(QStringLiteral("summary")).first().value(QStringLiteral("status")).toInt(), 403);

    const ProbeResult human = runProbe({ server.url() });
    QCOMPARE(human.exitCode, 1);
    QVERIFY(human.out.contains("< HTTP/1.1 403 Forbidden\n"));
    QVERIFY(human.out.contains("< Origin not allowed here.\n"));
    QVERIFY(human.out.contains("FAIL response.status: "));
}

void tst_Probe::invalidUtf8FromServerExits2()
{
    ScriptedServer server(
        [](const QByteArray& request) { return switching(request) + QByteArray::fromHex("8103 61ff62"); });
    const ProbeResult r = runProbe({ server.url(), "--json", "--send", "hello", "--wait", "3000" });
    QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
    const QList<QJsonObject> frames = r.named(QStringLiteral("frame"));
    QVERIFY(frames.size() >= 2);
    const QJsonObject bad = frames.first();
    QCOMPARE(bad.value(QStringLiteral("dir")).toString(), QStringLiteral("in"));
    QCOMPARE(bad.value(QStringLiteral("hex")).toString(), QStringLiteral("61ff62"));
    const QJsonObject ourClose = frames.last();
    QCOMPARE(ourClose.value(QStringLiteral("dir")).toString(), QStringLiteral("out"));
    QCOMPARE(ourClose.value(QStringLiteral("opcode")).toInt(), 8);
    QCOMPARE(ourClose.value(QStringLiteral("code")).toInt(), 1007);
    QCOMPARE(r.named(QStringLiteral("close")).first().value(QStringLiteral("sentCode")).toInt(), 1007);
    QVERIFY(!r.named(QStringLiteral("note")).isEmpty());
}

void tst_Probe::silentServerExits2()
{
    ScriptedServer server([](const QByteArray&) { return QByteArray(); });
    const ProbeResult r = runProbe({ server.url(), "--json", "--timeout", "300" });
    QVERIFY2(r.exitCode == 2, qPrintable(r.describe()));
    QVERIFY(server.received().startsWith("GET / HTTP/1.1\r\n"));
    const auto check = r.check(QStringLiteral("response.timeout"));
    QVERIFY2(check, qPrintable(r.describe()));
    QCOMPARE(check->value(QStringLiteral("result")).toString(), QStringLiteral("fail"));
    QCOMPARE(r.named(QStringLiteral("summary")).first().value(QStringLiteral("status")).toInt(), 0);
}

void tst_Probe::noConnectionExits3_data()
{
    QTest::addColumn<bool>("tlsToPlainServer");
    QTest::newRow("connection refused") << false;
    QTest::newRow("TLS to a server that does not speak it") << true;
}

void tst_Probe::noConnectionExits3()
{
    QFETCH(bool, tlsToPlainServer);
    QString url;
    std::unique_ptr<ScriptedServer> server;
    if (tlsToPlainServer) {
        server = std::make_unique<ScriptedServer>([](const QByteArray&) { return QByteArray(); }, true);
        url = server->url(QStringLiteral("/"), QStringLiteral("wss"));
    } else {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        url = QStringLiteral("ws://127.0.0.1:%1/").arg(probe.serverPort());
    }
    const ProbeResult r = runProbe({ url, "--json", "--timeout", "5000" });
    QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
    QVERIFY(r.named(QStringLiteral("request")).isEmpty());
    const QJsonObject summary = r.named(QStringLiteral("summary")).first();
    QCOMPARE(summary.value(QStringLiteral("exit")).toInt(), 3);
    const QString error = summary.value(QStringLiteral("error")).toString();
    const QString hint = summary.value(QStringLiteral("hint")).toString();
    QVERIFY(!hint.isEmpty());
    QVERIFY2(error.contains(hint), qPrintable(error));
    QCOMPARE(summary.value(QStringLiteral("failure")).toString(),
        tlsToPlainServer ? QStringLiteral("timeout") : QStringLiteral("connect"));
    QVERIFY2(error.contains(tlsToPlainServer ? QLatin1String("try ws://") : QLatin1String("Connection refused")),
        qPrintable(error));
}

void tst_Probe::refusedConnectionSendsNothing()
{
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    const ProbeResult r = runProbe({ QStringLiteral("ws://127.0.0.1:%1/").arg(port) });
    QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
    // Neither "Connected" nor the request's lines: nothing was sent.
    QVERIFY2(!r.out.contains("Connected") && !r.out.contains("> GET"), qPrintable(r.describe()));
    const QByteArray sentence = "Connection refused: nothing listens on 127.0.0.1:" + QByteArray::number(port);
    QCOMPARE(r.out.count(sentence), 1);
}

void tst_Probe::untrustedCertificateNamesTheFlagsOnce()
{
    const auto identity = wsi::generateSelfSignedIdentity();
    QVERIFY(identity);
    QSslServer server;
    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    config.setLocalCertificate(identity->certificate);
    config.setPrivateKey(identity->key);
    server.setSslConfiguration(config);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    const QString url = QStringLiteral("wss://127.0.0.1:%1/").arg(server.serverPort());

    const ProbeResult text = runProbe({ url });
    QVERIFY2(text.exitCode == 3, qPrintable(text.describe()));
    QVERIFY2(text.out.contains("self-signed"), qPrintable(text.describe()));
    QCOMPARE(text.out.count("--insecure"), 1);
    QCOMPARE(text.out.count("--cacert"), 1);
    QVERIFY(!text.out.contains("SSL routines"));

    const ProbeResult json = runProbe({ url, "--json" });
    QVERIFY2(json.exitCode == 3, qPrintable(json.describe()));
    const QJsonObject summary = json.named(QStringLiteral("summary")).first();
    QCOMPARE(summary.value(QStringLiteral("failure")).toString(), QStringLiteral("tls"));
    QVERIFY(summary.value(QStringLiteral("hint")).toString().contains(QLatin1String("--insecure")));
    // The same sentence in text and JSON.
    QVERIFY(text.out.contains(summary.value(QStringLiteral("error")).toString().toUtf8()));
}

void tst_Probe::rawFileIsSentByteForByte()
{
    ScriptedServer server([](const QByteArray& request) { return switching(request); });
    QTemporaryDir dir;
    const QByteArray raw
        = "GET /typed HTTP/1.1\r\nhost: anything\r\nUPGRADE: websocket\r\nConnection: keep-alive, Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
    QFile file(dir.filePath(QStringLiteral("request.txt")));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(raw);
    file.close();
    const ProbeResult r = runProbe({ server.url(), "--json", "--raw", file.fileName() });
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QCOMPARE(server.received().left(raw.size()), raw);
    QCOMPARE(r.named(QStringLiteral("request")).first().value(QStringLiteral("raw")).toString().toUtf8(), raw);
    QCOMPARE(
        r.check(QStringLiteral("response.accept"))->value(QStringLiteral("result")).toString(), QStringLiteral("pass"));
}

void tst_Probe::headerFlagsShapeTheRequest()
{
    ScriptedServer server([](const QByteArray&) {
        return QByteArray("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n");
    });
    const ProbeResult r = runProbe({ server.url(), "--json", "--version", "8", "--key", "not-a-valid-key", "--origin",
        "https://a.example", "--deflate", "--protocol", "a", "--protocol", "b", "-H", "X-Trace: 1", "-H", "X-Trace: 2",
        "-H", "Connection: keep-alive, Upgrade", "-H", "X-Empty;" });
    QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
    const QByteArray sent = server.received();
    QVERIFY2(sent.contains("\r\nSec-WebSocket-Version: 8\r\n"), sent.constData());
    QVERIFY(sent.contains("\r\nSec-WebSocket-Key: not-a-valid-key\r\n"));
    QVERIFY(sent.contains("\r\nOrigin: https://a.example\r\n"));
    QVERIFY(sent.contains("\r\nSec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
    QVERIFY(sent.contains("\r\nSec-WebSocket-Protocol: a, b\r\n"));
    QVERIFY(sent.contains("\r\nX-Trace: 1\r\nX-Trace: 2\r\n"));
    QVERIFY(sent.contains("\r\nConnection: keep-alive, Upgrade\r\n"));
    QCOMPARE(sent.count("Connection:"), 1);
    QVERIFY(sent.contains("\r\nX-Empty: \r\n"));
    QVERIFY(r.check(QStringLiteral("response.status"))
                ->value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("13")));

    // "Name:" removes a standard header.
    ScriptedServer second([](const QByteArray& request) { return switching(request); });
    const ProbeResult without = runProbe({ second.url(), "-H", "Sec-WebSocket-Version:" });
    QVERIFY(!second.received().contains("Sec-WebSocket-Version"));
    QCOMPARE(without.exitCode, 0);
}

void tst_Probe::exportWritesAnImportableTranscript()
{
    QtEchoServer server;
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("session.jsonl"));
    const ProbeResult r
        = runProbe({ server.url(QStringLiteral("/echo")), "--send", "one", "--send", "two", "--export", path });
    QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    wsi::Transcript transcript;
    QString error;
    QVERIFY2(wsi::transcriptFromJsonLines(file.readAll(), transcript, &error), qPrintable(error));
    QCOMPARE(transcript.handshake().status, 101);
    QVERIFY(transcript.handshake().rawRequest.startsWith("GET /echo HTTP/1.1"));
    QCOMPARE(transcript.frames().size(), 6);
    QCOMPARE(transcript.messages().size(), 4);
    QCOMPARE(transcript.messagePayload(transcript.messages().at(3)), QByteArray("two"));
    QVERIFY(transcript.close().clean);
}

QTEST_MAIN(tst_Probe)
#include "tst_probe.moc"
