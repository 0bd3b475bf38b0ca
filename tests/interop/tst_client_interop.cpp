// ClientSession (and probe) against WebSocket servers this project did not write: Python
// websockets and node ws (tests/peers), including permessage-deflate with and without context
// takeover, subprotocol choice and origin rejection.
#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "engine/tlsidentity.h"
#include "support/peerprocess.h"
#include "support/testpaths.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <optional>

using namespace wsi;
using wsi::test::PeerLaunch;
using wsi::test::PeerProcess;

namespace
{

constexpr int kTimeoutMs = 15000;

PeerLaunch launchPeer(const QString& kind, const QStringList& arguments)
{
    const QStringList all
        = QStringList { QStringLiteral("server"), QStringLiteral("--port"), QStringLiteral("0") } + arguments;
    return PeerProcess::peer(kind, all);
}

bool waitOpen(ClientSession& session)
{
    (void)QTest::qWaitFor(
        [&] {
            return session.phase() == ClientSession::Phase::Open || session.phase() == ClientSession::Phase::Closed;
        },
        kTimeoutMs);
    return session.phase() == ClientSession::Phase::Open;
}

bool waitClosed(ClientSession& session)
{
    return QTest::qWaitFor([&] { return session.phase() == ClientSession::Phase::Closed; }, kTimeoutMs);
}

// One row per third-party server library.
void addPeerRows()
{
    QTest::addColumn<QString>("peer");
    QTest::newRow("python websockets") << QStringLiteral("python");
    QTest::newRow("node ws") << QStringLiteral("node");
}

} // namespace

class tst_ClientInterop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void echoesTextAndBinary_data();
    void echoesTextAndBinary();
    void serverChoosesSubprotocol_data();
    void serverChoosesSubprotocol();
    void deflate_data();
    void deflate();
    void originRejectedWith403_data();
    void originRejectedWith403();
    void probeAgainstPeer_data();
    void probeAgainstPeer();
    void probeEchoesWhatThePeerSends_data();
    void probeEchoesWhatThePeerSends();
    void ourServerEchoes_data();
    void ourServerEchoes();
    void ourServerRefusals_data();
    void ourServerRefusals();
    void deliberateViolationsAreRefused_data();
    void deliberateViolationsAreRefused();
    void ourServerOverTls_data();
    void ourServerOverTls();
    void probeAgainstOurTlsServer_data();
    void probeAgainstOurTlsServer();
};

namespace
{

// Our own echo server, in this process, with the given policy (and TLS when an identity is given).
std::unique_ptr<EchoServer> startOurServer(const ServerPolicy& policy, const std::optional<TlsIdentity>& identity = {})
{
    auto server = std::make_unique<EchoServer>();
    server->setPolicy(policy);
    if (identity)
        server->enableTls(*identity);
    QString error;
    if (!server->listen(QHostAddress::LocalHost, 0, &error)) {
        qWarning("echo server did not listen: %s", qPrintable(error));
        return nullptr;
    }
    return server;
}

const TlsIdentity& sharedIdentity()
{
    // Key generation is the slow part of TLS tests: one identity serves them all.
    static const std::optional<TlsIdentity> identity = generateSelfSignedIdentity();
    Q_ASSERT(identity);
    return *identity;
}

} // namespace

void tst_ClientInterop::ourServerEchoes_data()
{
    QTest::addColumn<bool>("deflate");
    QTest::addColumn<bool>("noContextTakeover");
    QTest::addColumn<QList<QByteArray>>("offered");
    QTest::addColumn<QByteArray>("expectedProtocol");
    QTest::newRow("plain") << false << false << QList<QByteArray> {} << QByteArray();
    QTest::newRow("subprotocol by server preference")
        << false << false << QList<QByteArray> { "v1.chat", "v2.chat" } << QByteArray("v2.chat");
    QTest::newRow("permessage-deflate, context takeover") << true << false << QList<QByteArray> {} << QByteArray();
    QTest::newRow("permessage-deflate, no context takeover") << true << true << QList<QByteArray> {} << QByteArray();
}

void tst_ClientInterop::ourServerEchoes()
{
    QFETCH(bool, deflate);
    QFETCH(bool, noContextTakeover);
    QFETCH(QList<QByteArray>, offered);
    QFETCH(QByteArray, expectedProtocol);
    ServerPolicy policy;
    policy.protocols = { "v2.chat", "v1.chat" };
    policy.deflate.enabled = deflate;
    policy.deflate.serverNoContextTakeover = noContextTakeover;
    policy.deflate.clientNoContextTakeover = noContextTakeover;
    const auto server = startOurServer(policy);
    QVERIFY(server);
    HandshakeSpec spec = HandshakeSpec::withDefaults(server->url().toString());
    spec.protocols = offered;
    spec.deflate = deflate;
    spec.syncRowsFromHelpers();
    ClientSession session;
    QSignalSpy messages(&session, &ClientSession::messageReceived);
    session.start(spec);
    QVERIFY2(waitOpen(session), qPrintable(session.errorString()));
    for (const Finding& f : session.findings())
        QVERIFY2(f.severity != Severity::Error && f.severity != Severity::Warning, qPrintable(f.message));
    QCOMPARE(session.negotiatedProtocol(), expectedProtocol);
    QCOMPARE(session.negotiatedDeflate().has_value(), deflate);
    if (deflate)
        QCOMPARE(session.negotiatedDeflate()->serverNoContextTakeover, noContextTakeover);

    const QByteArray json = R"({"op":"tick","values":[1,1,2,3,5,8,13],"note":"repeated for the window"})";
    QVERIFY(session.sendMessage(Opcode::Text, json));
    QVERIFY(session.sendMessage(Opcode::Text, json, SendOptions { 3, true }));
    QVERIFY(session.sendMessage(Opcode::Binary, QByteArray(100000, '\x2a')));
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 3, kTimeoutMs);
    QCOMPARE(messages.at(0).at(0).value<Message>().payload, json);
    QCOMPARE(messages.at(1).at(0).value<Message>().payload, json);
    QCOMPARE(messages.at(2).at(0).value<Message>().payload, QByteArray(100000, '\x2a'));
    QCOMPARE(messages.at(0).at(0).value<Message>().compressed, deflate);

    // The server's record of the same connection agrees with ours.
    QTRY_COMPARE_WITH_TIMEOUT(server->connections().size(), 1, kTimeoutMs);
    const ServerConnection* peer = server->connections().first();
    QCOMPARE(peer->transcript().handshake().rawRequest, session.transcript().handshake().rawRequest);
    QCOMPARE(peer->transcript().handshake().rawResponse, session.transcript().handshake().rawResponse);

    QVERIFY(session.sendClose(1000, "bye"));
    QVERIFY(waitClosed(session));
    const CloseRecord& close = session.transcript().close();
    QVERIFY(close.clean);
    QCOMPARE(close.receivedCode, std::optional<quint16>(1000));
    QTRY_COMPARE_WITH_TIMEOUT(peer->phase(), ServerConnection::Phase::Closed, kTimeoutMs);
}

void tst_ClientInterop::ourServerRefusals_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("status");
    QTest::newRow("origin not allowed: 403") << 0 << 403;
    QTest::newRow("missing token: 401") << 1 << 401;
    QTest::newRow("unsupported version: 426") << 2 << 426;
}

void tst_ClientInterop::ourServerRefusals()
{
    QFETCH(int, kind);
    QFETCH(int, status);
    ServerPolicy policy;
    if (kind == 0)
        policy.allowedOrigins = { "https://good.example" };
    if (kind == 1)
        policy.token = "secret";
    const auto server = startOurServer(policy);
    QVERIFY(server);
    HandshakeSpec spec = HandshakeSpec::withDefaults(server->url().toString());
    spec.origin = "https://evil.example";
    if (kind == 2)
        spec.version = "8";
    spec.syncRowsFromHelpers();
    ClientSession session;
    session.start(spec);
    QVERIFY(waitClosed(session));
    QCOMPARE(session.failure(), ClientSession::Failure::NotUpgraded);
    QCOMPARE(session.response()->status, status);
    // Our server explains a refusal in the body; the client must have read it whole.
    QVERIFY(!session.response()->body.isEmpty());
    QVERIFY(session.transcript().handshake().rawResponse.endsWith(session.response()->body));
    if (kind == 2)
        QCOMPARE(session.response()->headers.value("Sec-WebSocket-Version"), QByteArray("13"));
}

void tst_ClientInterop::deliberateViolationsAreRefused_data()
{
    QTest::addColumn<QString>("peer"); // "ours", "python", "node"
    QTest::addColumn<int>("violation");
    QTest::addColumn<int>("expectedCode");
    const QList<QPair<const char*, int>> violations { { "RSV2 set", 1002 }, { "reserved opcode 3", 1002 },
        { "unmasked frame", 1002 }, { "invalid UTF-8 text", 1007 }, { "126-byte ping", 1002 } };
    for (const QString& peer : { QStringLiteral("ours"), QStringLiteral("python"), QStringLiteral("node") }) {
        for (int i = 0; i < violations.size(); ++i)
            QTest::newRow(qPrintable(peer + QStringLiteral(": ") + QLatin1String(violations.at(i).first)))
                << peer << i << violations.at(i).second;
    }
}

void tst_ClientInterop::deliberateViolationsAreRefused()
{
    QFETCH(QString, peer);
    QFETCH(int, violation);
    QFETCH(int, expectedCode);
    std::unique_ptr<EchoServer> ours;
    PeerLaunch launch;
    QString url;
    if (peer == QLatin1String("ours")) {
        ours = startOurServer(ServerPolicy {});
        QVERIFY(ours);
        url = ours->url().toString();
    } else {
        launch = launchPeer(peer, {});
        WSI_REQUIRE_PEER(launch);
        url = launch.peer->url().toString();
    }
    ClientSession session;
    session.start(HandshakeSpec::withDefaults(url));
    QVERIFY2(waitOpen(session), qPrintable(session.errorString()));
    FrameOptions options;
    switch (violation) {
    case 0:
        options.rsv2 = true;
        QVERIFY(session.sendFrame(1, "x", options));
        break;
    case 1:
        QVERIFY(session.sendFrame(3, "x", options));
        break;
    case 2:
        options.masked = false;
        QVERIFY(session.sendFrame(1, "x", options));
        break;
    case 3:
        QVERIFY(session.sendFrame(1, QByteArray::fromHex("61ff62"), options));
        break;
    default:
        QVERIFY(session.sendFrame(9, QByteArray(126, 'p'), options));
        break;
    }
    QVERIFY(waitClosed(session));
    const CloseRecord& close = session.transcript().close();
    QCOMPARE(close.receivedCode, std::optional<quint16>(quint16(expectedCode)));
    QCOMPARE(close.initiator, CloseRecord::Initiator::Remote);
    // The frame went out exactly as asked: the record shows the broken field.
    const FrameRecord& sent = session.transcript().frames().first();
    QCOMPARE(sent.dir, Direction::Out);
    QCOMPARE(sent.rsv2, violation == 0);
    QCOMPARE(sent.masked, violation != 2);
}

void tst_ClientInterop::ourServerOverTls_data()
{
    QTest::addColumn<int>("trust"); // 0 none, 1 --insecure, 2 CA file
    QTest::addColumn<bool>("opens");
    QTest::newRow("verification on, unknown CA: refused") << 0 << false;
    QTest::newRow("insecure") << 1 << true;
    QTest::newRow("the server's certificate as CA file") << 2 << true;
}

void tst_ClientInterop::ourServerOverTls()
{
    QFETCH(int, trust);
    QFETCH(bool, opens);
    const auto server = startOurServer(ServerPolicy {}, sharedIdentity());
    QVERIFY(server);
    QVERIFY(server->url().scheme() == QLatin1String("wss"));
    QTemporaryDir dir;
    const QString caFile = dir.filePath(QStringLiteral("ca.pem"));
    QFile file(caFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(sharedIdentity().certificate.toPem());
    file.close();

    ClientOptions options;
    options.insecure = trust == 1;
    if (trust == 2)
        options.caFile = caFile;
    ClientSession session;
    QSignalSpy messages(&session, &ClientSession::messageReceived);
    session.start(HandshakeSpec::withDefaults(server->url().toString()), options);
    if (!opens) {
        QVERIFY(waitClosed(session));
        QCOMPARE(session.failure(), ClientSession::Failure::Tls);
        QVERIFY(session.tlsInfo());
        QVERIFY(!session.tlsInfo()->verificationErrors.isEmpty());
        QVERIFY(session.transcript().handshake().rawResponse.isEmpty());
        return;
    }
    QVERIFY2(waitOpen(session), qPrintable(session.errorString()));
    QVERIFY(session.tlsInfo());
    QVERIFY(session.tlsInfo()->protocol.startsWith(QLatin1String("TLSv1.")));
    QVERIFY(!session.tlsInfo()->cipher.isEmpty());
    QVERIFY(!session.tlsInfo()->peerChain.isEmpty());
    QCOMPARE(session.tlsInfo()->peerChain.first(), sharedIdentity().certificate);
    QCOMPARE(session.tlsInfo()->verificationErrors.isEmpty(), trust == 2);
    QVERIFY(session.timings().tlsDone >= session.timings().connected);
    QVERIFY(session.timings().requestWritten >= session.timings().tlsDone);
    QVERIFY(session.sendMessage(Opcode::Text, "over TLS"));
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, kTimeoutMs);
    QCOMPARE(messages.at(0).at(0).value<Message>().payload, QByteArray("over TLS"));
    session.sendClose(1000);
    QVERIFY(waitClosed(session));
    QVERIFY(session.transcript().close().clean);
}

void tst_ClientInterop::probeAgainstOurTlsServer_data()
{
    QTest::addColumn<QStringList>("trustArguments");
    QTest::addColumn<int>("exitCode");
    QTest::newRow("no trust: no connection") << QStringList {} << 3;
    QTest::newRow("--insecure") << QStringList { "--insecure" } << 0;
    QTest::newRow("--cacert") << QStringList { "--cacert", "CA" } << 0;
}

void tst_ClientInterop::probeAgainstOurTlsServer()
{
    QFETCH(QStringList, trustArguments);
    QFETCH(int, exitCode);
    const auto server = startOurServer(ServerPolicy {}, sharedIdentity());
    QVERIFY(server);
    QTemporaryDir dir;
    const QString caFile = dir.filePath(QStringLiteral("ca.pem"));
    QFile file(caFile);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(sharedIdentity().certificate.toPem());
    file.close();
    trustArguments.replaceInStrings(QStringLiteral("CA"), caFile);

    QProcess probe;
    probe.start(wsi::test::wsinspectorBinary(),
        QStringList { QStringLiteral("probe"), server->url().toString(), QStringLiteral("--json"),
            QStringLiteral("--send"), QStringLiteral("secret hello") }
            + trustArguments);
    QVERIFY(probe.waitForStarted());
    QVERIFY(QTest::qWaitFor([&] { return probe.state() == QProcess::NotRunning; }, kTimeoutMs * 2));
    const QByteArray out = probe.readAllStandardOutput();
    QVERIFY2(probe.exitCode() == exitCode, out.constData());
    bool sawTls = false, echoed = false;
    for (const QByteArray& line : out.split('\n')) {
        const QJsonObject e = QJsonDocument::fromJson(line).object();
        const QString event = e.value(QStringLiteral("event")).toString();
        if (event == QLatin1String("request"))
            sawTls = e.value(QStringLiteral("tls"))
                         .toObject()
                         .value(QStringLiteral("protocol"))
                         .toString()
                         .startsWith(QLatin1String("TLSv1."));
        if (event == QLatin1String("frame") && e.value(QStringLiteral("dir")).toString() == QLatin1String("in"))
            echoed |= e.value(QStringLiteral("text")).toString() == QLatin1String("secret hello");
    }
    QCOMPARE(sawTls, exitCode == 0);
    QCOMPARE(echoed, exitCode == 0);
}

void tst_ClientInterop::echoesTextAndBinary_data()
{
    addPeerRows();
}

void tst_ClientInterop::echoesTextAndBinary()
{
    QFETCH(QString, peer);
    const PeerLaunch launch = launchPeer(peer, {});
    WSI_REQUIRE_PEER(launch);
    ClientSession session;
    QSignalSpy messages(&session, &ClientSession::messageReceived);
    session.start(HandshakeSpec::withDefaults(launch.peer->url().toString()));
    QVERIFY2(waitOpen(session), qPrintable(session.errorString()));
    QCOMPARE(session.failure(), ClientSession::Failure::None);
    for (const Finding& f : session.findings())
        QVERIFY2(f.severity != Severity::Error, qPrintable(f.message));

    const QByteArray text = "gr\xc3\xbc\xc3\x9f \xe2\x82\xac";
    const QByteArray big(70000, 'z'); // a 64-bit length on the wire
    QVERIFY(session.sendMessage(Opcode::Text, text));
    QVERIFY(session.sendMessage(Opcode::Binary, QByteArray::fromHex("00ff1080")));
    QVERIFY(session.sendMessage(Opcode::Text, "in five fragments", SendOptions { 5, true }));
    QVERIFY(session.sendMessage(Opcode::Binary, big));
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 4, kTimeoutMs);
    QCOMPARE(messages.at(0).at(0).value<Message>().payload, text);
    QCOMPARE(messages.at(1).at(0).value<Message>().payload, QByteArray::fromHex("00ff1080"));
    QCOMPARE(messages.at(1).at(0).value<Message>().opcode, quint8(Opcode::Binary));
    QCOMPARE(messages.at(2).at(0).value<Message>().payload, QByteArray("in five fragments"));
    QCOMPARE(messages.at(3).at(0).value<Message>().payload, big);

    QSignalSpy pongs(&session, &ClientSession::pongReceived);
    QVERIFY(session.sendPing("rtt"));
    QTRY_COMPARE_WITH_TIMEOUT(pongs.count(), 1, kTimeoutMs);
    QVERIFY(session.lastPingRttUs().value_or(-1) >= 0);

    QVERIFY(session.sendClose(1000, "done"));
    QVERIFY(waitClosed(session));
    const CloseRecord& close = session.transcript().close();
    QCOMPARE(close.initiator, CloseRecord::Initiator::Local);
    QCOMPARE(close.receivedCode, std::optional<quint16>(1000));
    QVERIFY(close.clean);
    const auto disconnect = launch.peer->waitForEvent(QStringLiteral("disconnect"));
    QVERIFY2(disconnect, qPrintable(launch.peer->diagnostics()));
    QCOMPARE(disconnect->value(QStringLiteral("code")).toInt(), 1000);
    QCOMPARE(disconnect->value(QStringLiteral("reason")).toString(), QStringLiteral("done"));
}

void tst_ClientInterop::serverChoosesSubprotocol_data()
{
    addPeerRows();
}

void tst_ClientInterop::serverChoosesSubprotocol()
{
    QFETCH(QString, peer);
    // The server prefers v2 over v1; we offer v1 first: the server's preference wins.
    const PeerLaunch launch = launchPeer(peer, { QStringLiteral("--protocols"), QStringLiteral("v2.chat,v1.chat") });
    WSI_REQUIRE_PEER(launch);
    HandshakeSpec spec = HandshakeSpec::withDefaults(launch.peer->url().toString());
    spec.protocols = { "v1.chat", "v2.chat", "v3.chat" };
    spec.syncRowsFromHelpers();
    ClientSession session;
    session.start(spec);
    QVERIFY2(waitOpen(session), qPrintable(session.errorString()));
    QCOMPARE(session.negotiatedProtocol(), QByteArray("v2.chat"));
    const auto connection = launch.peer->waitForEvent(QStringLiteral("connection"));
    QVERIFY(connection);
    QCOMPARE(connection->value(QStringLiteral("protocol")).toString(), QStringLiteral("v2.chat"));

    // Offering none of its protocols: the server selects none, which RFC 6455 allows and browsers refuse.
    HandshakeSpec other = HandshakeSpec::withDefaults(launch.peer->url().toString());
    other.protocols = { "v9.chat" };
    other.syncRowsFromHelpers();
    ClientSession second;
    second.start(other);
    QVERIFY2(waitOpen(second), qPrintable(second.errorString()));
    QVERIFY(second.negotiatedProtocol().isEmpty());
    bool warned = false;
    for (const Finding& f : second.findings())
        warned |= f.id == QLatin1String("browser.protocol-required") && f.severity == Severity::Warning;
    QVERIFY(warned);
    session.sendClose(1000);
    second.sendClose(1000);
    QVERIFY(waitClosed(session));
    QVERIFY(waitClosed(second));
}

void tst_ClientInterop::deflate_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<bool>("noContextTakeover");
    QTest::newRow("python websockets, context takeover") << QStringLiteral("python") << false;
    QTest::newRow("python websockets, no context takeover") << QStringLiteral("python") << true;
    QTest::newRow("node ws, context takeover") << QStringLiteral("node") << false;
    QTest::newRow("node ws, no context takeover") << QStringLiteral("node") << true;
}

void tst_ClientInterop::deflate()
{
    QFETCH(QString, peer);
    QFETCH(bool, noContextTakeover);
    QStringList arguments { QStringLiteral("--deflate") };
    if (noContextTakeover)
        arguments.append(QStringLiteral("--no-context-takeover"));
    const PeerLaunch launch = launchPeer(peer, arguments);
    WSI_REQUIRE_PEER(launch);

    HandshakeSpec spec = HandshakeSpec::withDefaults(launch.peer->url().toString());
    spec.deflate = true; // "permessage-deflate; client_max_window_bits"
    spec.syncRowsFromHelpers();
    ClientSession session;
    QSignalSpy messages(&session, &ClientSession::messageReceived);
    session.start(spec);
    QVERIFY2(waitOpen(session), qPrintable(session.errorString()));
    for (const Finding& f : session.findings())
        QVERIFY2(f.severity != Severity::Error, qPrintable(f.message));
    const auto params = session.negotiatedDeflate();
    QVERIFY2(params, session.transcript().handshake().rawResponse.constData());
    QCOMPARE(params->serverNoContextTakeover, noContextTakeover);
    QCOMPARE(params->clientNoContextTakeover, noContextTakeover);

    // The same message three times: with context takeover the repeats shrink to a back-reference.
    const QByteArray json = R"({"type":"update","items":[1,2,3],"note":"the same text again and again"})";
    for (int i = 0; i < 3; ++i)
        QVERIFY(session.sendMessage(Opcode::Text, json));
    QVERIFY(session.sendMessage(Opcode::Text, json.repeated(20), SendOptions { 4, true }));
    QVERIFY(session.sendMessage(Opcode::Binary, QByteArray(5000, '\x01'), SendOptions { 1, false })); // uncompressed
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 5, kTimeoutMs);
    for (int i = 0; i < 3; ++i)
        QCOMPARE(messages.at(i).at(0).value<Message>().payload, json);
    QCOMPARE(messages.at(3).at(0).value<Message>().payload, json.repeated(20));
    QCOMPARE(messages.at(4).at(0).value<Message>().payload, QByteArray(5000, '\x01'));

    const Transcript& t = session.transcript();
    QList<MessageRecord> incoming;
    for (const MessageRecord& m : t.messages()) {
        if (m.dir == Direction::In)
            incoming.append(m);
    }
    QCOMPARE(incoming.size(), 5);
    QVERIFY(incoming.at(0).compressed);
    QVERIFY(incoming.at(0).wireBytes < json.size());
    if (noContextTakeover)
        QCOMPARE(incoming.at(2).wireBytes, incoming.at(0).wireBytes);
    else
        QVERIFY(incoming.at(2).wireBytes < incoming.at(0).wireBytes);
    // Outgoing: the first frame of a compressed message carries RSV1, the uncompressed one does not.
    std::optional<MessageRecord> outgoing;
    for (const MessageRecord& m : t.messages()) {
        if (m.dir == Direction::Out)
            outgoing = m;
    }
    QVERIFY(outgoing);
    const MessageRecord& lastOut = *outgoing;
    QCOMPARE(lastOut.length, 5000);
    QVERIFY(!lastOut.compressed);
    QVERIFY(!t.frames().at(lastOut.firstFrame).rsv1);
    session.sendClose(1000);
    QVERIFY(waitClosed(session));
    QVERIFY(session.transcript().close().clean);
}

void tst_ClientInterop::originRejectedWith403_data()
{
    addPeerRows();
}

void tst_ClientInterop::originRejectedWith403()
{
    QFETCH(QString, peer);
    const PeerLaunch launch
        = launchPeer(peer, { QStringLiteral("--allow-origin"), QStringLiteral("https://good.example") });
    WSI_REQUIRE_PEER(launch);
    HandshakeSpec spec = HandshakeSpec::withDefaults(launch.peer->url().toString());
    spec.origin = "https://evil.example";
    spec.syncRowsFromHelpers();
    ClientSession session;
    session.start(spec);
    QVERIFY(waitClosed(session));
    QCOMPARE(session.failure(), ClientSession::Failure::NotUpgraded);
    QVERIFY(session.response());
    QCOMPARE(session.response()->status, 403);
    // Whatever body the library sends is kept, byte for byte, after the head.
    const QByteArray raw = session.transcript().handshake().rawResponse;
    QVERIFY(raw.startsWith("HTTP/1.1 403"));
    QVERIFY(raw.endsWith(session.response()->body));

    HandshakeSpec good = spec;
    good.origin = "https://good.example";
    good.syncRowsFromHelpers();
    ClientSession allowed;
    allowed.start(good);
    QVERIFY2(waitOpen(allowed), qPrintable(allowed.errorString()));
    allowed.sendClose(1000);
    QVERIFY(waitClosed(allowed));
}

void tst_ClientInterop::probeAgainstPeer_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QStringList>("serverArguments");
    QTest::addColumn<QStringList>("probeArguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("extensions");

    for (const QString& peer : { QStringLiteral("python"), QStringLiteral("node") }) {
        const QByteArray prefix = peer.toUtf8() + ": ";
        QTest::newRow(prefix + "echo with deflate")
            << peer << QStringList { "--deflate" } << QStringList { "--deflate", "--send", "hello", "--send", "hello" }
            << 0 << "permessage-deflate";
        QTest::newRow(prefix + "origin refused")
            << peer << QStringList { "--allow-origin", "https://good.example" }
            << QStringList { "--origin", "https://evil.example" } << 1 << QString();
    }
}

void tst_ClientInterop::probeAgainstPeer()
{
    QFETCH(QString, peer);
    QFETCH(QStringList, serverArguments);
    QFETCH(QStringList, probeArguments);
    QFETCH(int, exitCode);
    QFETCH(QString, extensions);
    const PeerLaunch launch = launchPeer(peer, serverArguments);
    WSI_REQUIRE_PEER(launch);
    QProcess probe;
    probe.start(wsi::test::wsinspectorBinary(),
        QStringList { QStringLiteral("probe"), launch.peer->url().toString(), QStringLiteral("--json") }
            + probeArguments);
    QVERIFY(probe.waitForStarted());
    QVERIFY(QTest::qWaitFor([&] { return probe.state() == QProcess::NotRunning; }, kTimeoutMs * 2));
    const QByteArray out = probe.readAllStandardOutput();
    QVERIFY2(probe.exitCode() == exitCode, out.constData());
    QJsonObject summary;
    int echoed = 0;
    for (const QByteArray& line : out.split('\n')) {
        const QJsonObject e = QJsonDocument::fromJson(line).object();
        if (e.value(QStringLiteral("event")).toString() == QLatin1String("summary"))
            summary = e;
        if (e.value(QStringLiteral("event")).toString() == QLatin1String("message")
            && e.value(QStringLiteral("dir")).toString() == QLatin1String("in"))
            echoed += e.value(QStringLiteral("text")).toString() == QLatin1String("hello");
    }
    QCOMPARE(summary.value(QStringLiteral("exit")).toInt(), exitCode);
    if (!extensions.isEmpty()) {
        QVERIFY(summary.value(QStringLiteral("extensions")).toString().startsWith(extensions));
        QCOMPARE(echoed, 2); // compressed echoes are shown inflated as message events
    } else {
        QCOMPARE(summary.value(QStringLiteral("status")).toInt(), 403);
    }
}

void tst_ClientInterop::probeEchoesWhatThePeerSends_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QStringList>("deflate");
    for (const QString& peer : { QStringLiteral("python"), QStringLiteral("node") }) {
        QTest::addRow("%s", qPrintable(peer)) << peer << QStringList {};
        QTest::addRow("%s with deflate", qPrintable(peer)) << peer << QStringList { QStringLiteral("--deflate") };
    }
}

// The peer sends text and binary messages one at a time and checks that each comes back the same;
// probe --echo answers them and ends when the peer closes.
void tst_ClientInterop::probeEchoesWhatThePeerSends()
{
    QFETCH(QString, peer);
    QFETCH(QStringList, deflate);
    constexpr int count = 6;
    const PeerLaunch launch
        = launchPeer(peer, QStringList { QStringLiteral("--expect-echo"), QString::number(count) } + deflate);
    WSI_REQUIRE_PEER(launch);
    QProcess probe;
    probe.start(wsi::test::wsinspectorBinary(),
        QStringList { QStringLiteral("probe"), launch.peer->url().toString(), QStringLiteral("--json"),
            QStringLiteral("--echo"), QStringLiteral("--wait"), QStringLiteral("5000") }
            + deflate);
    QVERIFY(probe.waitForStarted());
    const std::optional<QJsonObject> echoed = launch.peer->waitForEvent(QStringLiteral("echoed"));
    QVERIFY2(echoed, qPrintable(launch.peer->diagnostics()));
    QCOMPARE(echoed->value(QStringLiteral("received")).toInt(), count);
    QCOMPARE(echoed->value(QStringLiteral("matched")).toInt(), count);
    QVERIFY(echoed->value(QStringLiteral("ok")).toBool());
    QVERIFY(QTest::qWaitFor([&] { return probe.state() == QProcess::NotRunning; }, kTimeoutMs));
    const QByteArray out = probe.readAllStandardOutput();
    QVERIFY2(probe.exitCode() == 0, out.constData());
    // Messages sent, told apart by the message index their frames carry.
    QSet<int> sent;
    QJsonObject close;
    for (const QByteArray& line : out.split('\n')) {
        const QJsonObject e = QJsonDocument::fromJson(line).object();
        const QString event = e.value(QStringLiteral("event")).toString();
        if (event == QLatin1String("frame") && e.value(QStringLiteral("dir")).toString() == QLatin1String("out")
            && e.value(QStringLiteral("message")).toInt(-1) >= 0)
            sent.insert(e.value(QStringLiteral("message")).toInt());
        if (event == QLatin1String("close"))
            close = e;
    }
    QCOMPARE(sent.size(), count);
    // It ended because the peer closed once satisfied, not because --wait ran out.
    QCOMPARE(close.value(QStringLiteral("initiator")).toString(), QStringLiteral("remote"));
}

QTEST_MAIN(tst_ClientInterop)
#include "tst_client_interop.moc"
