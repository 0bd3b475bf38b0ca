// ClientSession against Qt's own WebSocket server and against small scripted servers that answer
// with canned (often wrong) bytes, so every way a server can get the handshake wrong is seen once.
#include "core/closepayload.h"
#include "engine/clientsession.h"
#include "engine/tlsidentity.h"
#include "support/fakeservers.h"

#include <QCryptographicHash>
#include <QFile>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>
#include <functional>

using namespace wsi;
using wsi::test::acceptFor;
using wsi::test::headerValue;
using wsi::test::QtEchoServer;
using wsi::test::ScriptedServer;
using wsi::test::switching;

namespace
{

constexpr int kTimeoutMs = 10000;

// Accepts TLS with `identity`, requires a client certificate signed by (here: equal to) `trusted` (none
// when `trusted` is null), then answers the WebSocket handshake.
class TlsTestServer : public QTcpServer
{
public:
    TlsTestServer(const TlsIdentity& identity, const QSslCertificate& trusted = QSslCertificate())
        : m_identity(identity)
        , m_trusted(trusted)
    {
        listen(QHostAddress::LocalHost, 0);
    }
    QSslCertificate peerCertificate() const { return m_peer; }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto* socket = new QSslSocket(this);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(m_identity.certificate);
        config.setPrivateKey(m_identity.key);
        if (!m_trusted.isNull())
            config.setCaCertificates({ m_trusted });
        config.setPeerVerifyMode(m_trusted.isNull() ? QSslSocket::VerifyNone : QSslSocket::VerifyPeer);
        socket->setSslConfiguration(config);
        QObject::connect(socket, &QSslSocket::sslErrors, socket, [socket](const QList<QSslError>& errors) {
            // Self-signed client certificate without a CA flag: accept exactly that complaint.
            QList<QSslError> ignorable;
            for (const QSslError& e : errors) {
                if (e.error() != QSslError::NoPeerCertificate)
                    ignorable.append(e);
            }
            socket->ignoreSslErrors(ignorable);
        });
        QObject::connect(
            socket, &QSslSocket::encrypted, socket, [this, socket] { m_peer = socket->peerCertificate(); });
        QObject::connect(socket, &QSslSocket::readyRead, socket, [socket] {
            QByteArray seen = socket->property("seen").toByteArray() + socket->readAll();
            socket->setProperty("seen", seen);
            if (seen.contains("\r\n\r\n") && !socket->property("answered").toBool()) {
                socket->setProperty("answered", true);
                socket->write(switching(seen));
            }
        });
        socket->startServerEncryption();
    }

private:
    TlsIdentity m_identity;
    QSslCertificate m_trusted;
    QSslCertificate m_peer;
};

bool runToEnd(ClientSession& session)
{
    QSignalSpy finished(&session, &ClientSession::finished);
    if (session.phase() == ClientSession::Phase::Closed)
        return true;
    return finished.wait(kTimeoutMs) || session.phase() == ClientSession::Phase::Closed;
}

bool waitOpen(ClientSession& session)
{
    return QTest::qWaitFor(
               [&] {
                   return session.phase() == ClientSession::Phase::Open
                       || session.phase() == ClientSession::Phase::Closed;
               },
               kTimeoutMs)
        && session.phase() == ClientSession::Phase::Open;
}

const Finding* findingNamed(const QList<Finding>& findings, const QString& id)
{
    for (const Finding& f : findings) {
        if (f.id == id)
            return &f;
    }
    return nullptr;
}

} // namespace

class tst_ClientSession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void echoesThroughQtServer();
    void recordsFramesBothWays();
    void qtServerChoosesSubprotocol();
    void pingRoundTripTime();
    void scriptedServerFindings_data();
    void scriptedServerFindings();
    void nonUpgradeBodyIsRead_data();
    void nonUpgradeBodyIsRead();
    void invalidUtf8FromServerFailsWith1007();
    void inflatesCompressedMessageFromRfcExample();
    void serverInitiatedCloseIsClean();
    void closeWaitEndsStuckConnection();
    void silentServerTimesOut();
    void refusedConnectionIsConnectFailure();
    void headerInjectionIsRefusedBeforeConnecting();
    void rawModeSendsBytesExactly();
    void responseSplitAcrossWritesIsParsed();
    void garbageResponseIsProtocolViolation();
    void autoPongCanBeSwitchedOff_data();
    void autoPongCanBeSwitchedOff();
    void mutualTlsPresentsClientCertificate();
    void wssToPlainServerSaysItIsNotTls();
    void wsToTlsServerSuggestsWss();
    void tlsAlertAnswerSaysUseWss();
    void unknownHostSaysNoSuchHost();
    void selfSignedCertificateNamesTheProblemAndTheFix();
};

void tst_ClientSession::echoesThroughQtServer()
{
    QtEchoServer server;
    ClientSession session;
    QSignalSpy messages(&session, &ClientSession::messageReceived);
    QSignalSpy handshake(&session, &ClientSession::handshakeFinished);
    session.start(HandshakeSpec::withDefaults(server.url(QStringLiteral("/chat"))));
    QVERIFY2(waitOpen(session), qPrintable(session.errorString()));
    QCOMPARE(handshake.count(), 1);
    QCOMPARE(session.failure(), ClientSession::Failure::None);
    QVERIFY(session.response());
    QCOMPARE(session.response()->status, 101);
    QVERIFY(findingNamed(session.findings(), QStringLiteral("response.accept")));
    QCOMPARE(findingNamed(session.findings(), QStringLiteral("response.accept"))->severity, Severity::Pass);
    QVERIFY(session.transcript().handshake().rawRequest.startsWith("GET /chat HTTP/1.1\r\n"));
    QVERIFY(session.transcript().handshake().rawResponse.startsWith("HTTP/1.1 101"));
    QVERIFY(session.timings().connected >= 0);
    QVERIFY(session.timings().requestWritten >= session.timings().connected);
    QVERIFY(session.timings().responseHeadDone >= session.timings().requestWritten);

    QVERIFY(session.sendMessage(Opcode::Text, "Hello"));
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, kTimeoutMs);
    QCOMPARE(messages.at(0).at(0).value<Message>().payload, QByteArray("Hello"));
    QVERIFY(session.sendMessage(Opcode::Binary, QByteArray::fromHex("00ff10"), SendOptions { 3, true }));
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 2, kTimeoutMs);
    QCOMPARE(messages.at(1).at(0).value<Message>().payload, QByteArray::fromHex("00ff10"));
    QCOMPARE(messages.at(1).at(0).value<Message>().opcode, quint8(Opcode::Binary));

    QVERIFY(session.sendClose(1000, "bye"));
    QCOMPARE(session.phase(), ClientSession::Phase::Closing);
    QVERIFY(runToEnd(session));
    const CloseRecord& close = session.transcript().close();
    QCOMPARE(close.initiator, CloseRecord::Initiator::Local);
    QCOMPARE(close.sentCode, std::optional<quint16>(1000));
    QCOMPARE(close.receivedCode, std::optional<quint16>(1000));
    QVERIFY(close.clean);
    QCOMPARE(close.effectiveCode(), quint16(1000));
    QVERIFY(close.closedTimeUs >= close.sentTimeUs);
    QCOMPARE(session.failure(), ClientSession::Failure::None);
    QVERIFY(!session.sendMessage(Opcode::Text, "late"));
}

void tst_ClientSession::recordsFramesBothWays()
{
    QtEchoServer server;
    ClientSession session;
    QSignalSpy messages(&session, &ClientSession::messageReceived);
    session.start(HandshakeSpec::withDefaults(server.url(QStringLiteral("/chat"))));
    QVERIFY(waitOpen(session));
    QVERIFY(session.sendMessage(Opcode::Text, "abcdef", SendOptions { 2, true }));
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, kTimeoutMs);
    const Transcript& t = session.transcript();
    QCOMPARE(t.frames().size(), 3);
    const FrameRecord& first = t.frames().at(0);
    QCOMPARE(first.dir, Direction::Out);
    QVERIFY(first.masked);
    QVERIFY(!first.fin);
    QCOMPARE(first.opcode, quint8(Opcode::Text));
    QCOMPARE(t.framePayload(first), QByteArray("abc"));
    const QByteArray wire = t.frameWireBytes(first);
    QCOMPARE(wire.size(), 2 + 4 + 3);
    QCOMPARE(quint8(wire.at(0)), quint8(0x01));
    QCOMPARE(quint8(wire.at(1)), quint8(0x83));
    QCOMPARE(t.frames().at(1).opcode, quint8(Opcode::Continuation));
    QVERIFY(t.frames().at(1).fin);
    const FrameRecord& echo = t.frames().at(2);
    QCOMPARE(echo.dir, Direction::In);
    QVERIFY(!echo.masked);
    QCOMPARE(t.framePayload(echo), QByteArray("abcdef"));
    QCOMPARE(t.messages().size(), 2);
    QCOMPARE(t.messages().at(0).frameCount, 2);
    QCOMPARE(t.messagePayload(t.messages().at(1)), QByteArray("abcdef"));
    session.abort();
    QCOMPARE(session.phase(), ClientSession::Phase::Closed);
    QVERIFY(!t.close().clean);
    QCOMPARE(t.close().effectiveCode(), quint16(1006));
}

void tst_ClientSession::qtServerChoosesSubprotocol()
{
    QtEchoServer server({ QStringLiteral("v2.chat"), QStringLiteral("v1.chat") });
    HandshakeSpec spec = HandshakeSpec::withDefaults(server.url(QStringLiteral("/chat")));
    spec.protocols = { "v1.chat", "v2.chat" };
    spec.syncRowsFromHelpers();
    ClientSession session;
    session.start(spec);
    QVERIFY(waitOpen(session));
    QVERIFY(!session.negotiatedProtocol().isEmpty());
    QVERIFY(spec.protocols.contains(session.negotiatedProtocol()));
    QCOMPARE(session.transcript().handshake().protocol, session.negotiatedProtocol());
    QCOMPARE(findingNamed(session.findings(), QStringLiteral("response.protocol"))->severity, Severity::Pass);
    session.sendClose(1000);
    QVERIFY(runToEnd(session));
}

void tst_ClientSession::pingRoundTripTime()
{
    QtEchoServer server;
    ClientSession session;
    QSignalSpy pongs(&session, &ClientSession::pongReceived);
    session.start(HandshakeSpec::withDefaults(server.url(QStringLiteral("/chat"))));
    QVERIFY(waitOpen(session));
    QVERIFY(!session.lastPingRttUs());
    QVERIFY(session.sendPing("are you there"));
    QTRY_COMPARE_WITH_TIMEOUT(pongs.count(), 1, kTimeoutMs);
    QVERIFY(pongs.at(0).at(0).toLongLong() >= 0);
    QVERIFY(session.lastPingRttUs());
    QCOMPARE(*session.lastPingRttUs(), pongs.at(0).at(0).toLongLong());
    // The interval pinger: at least two more answered pings.
    session.setPingInterval(20);
    QTRY_VERIFY_WITH_TIMEOUT(pongs.count() >= 3, kTimeoutMs);
    session.setPingInterval(0);
    session.sendClose(1000);
    QVERIFY(runToEnd(session));
}

void tst_ClientSession::scriptedServerFindings_data()
{
    QTest::addColumn<QByteArray>("extraRequestHeaders"); // as HeaderRow "Name: value" lines
    QTest::addColumn<int>("answerKind");
    QTest::addColumn<QString>("findingId");

    // answerKind: 0 wrong accept, 1 missing accept, 2 unrequested subprotocol, 3 unrequested extension,
    // 4 client_max_window_bits not offered, 5 Upgrade header wrong, 6 Connection header missing
    QTest::newRow("wrong Sec-WebSocket-Accept") << QByteArray() << 0 << "response.accept";
    QTest::newRow("missing Sec-WebSocket-Accept") << QByteArray() << 1 << "response.accept";
    QTest::newRow("subprotocol that was not offered")
        << QByteArray("Sec-WebSocket-Protocol: chat") << 2 << "response.protocol";
    QTest::newRow("extension that was not offered") << QByteArray() << 3 << "response.extensions";
    QTest::newRow("client_max_window_bits without the offer")
        << QByteArray("Sec-WebSocket-Extensions: permessage-deflate") << 4 << "response.extensions";
    QTest::newRow("Upgrade is not websocket") << QByteArray() << 5 << "response.upgrade";
    QTest::newRow("Connection header missing") << QByteArray() << 6 << "response.connection";
}

void tst_ClientSession::scriptedServerFindings()
{
    QFETCH(QByteArray, extraRequestHeaders);
    QFETCH(int, answerKind);
    QFETCH(QString, findingId);

    ScriptedServer server([answerKind](const QByteArray& request) -> QByteArray {
        const QByteArray accept = acceptFor(headerValue(request, "Sec-WebSocket-Key"));
        switch (answerKind) {
        case 0:
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: dGhpcyBpcyB3cm9uZyEhIQ==\r\n\r\n";
        case 1:
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n";
        case 2:
            return switching(request, "Sec-WebSocket-Protocol: superchat\r\n");
        case 3:
            return switching(request, "Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n");
        case 4:
            return switching(request, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits=10\r\n");
        case 5:
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
                + accept + "\r\n\r\n";
        default:
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: " + accept
                + "\r\n\r\n";
        }
    });
    HandshakeSpec spec = HandshakeSpec::withDefaults(server.url());
    if (!extraRequestHeaders.isEmpty()) {
        const qsizetype colon = extraRequestHeaders.indexOf(':');
        spec.rows.append(HeaderRow { extraRequestHeaders.left(colon), extraRequestHeaders.mid(colon + 2) });
    }
    ClientSession session;
    QSignalSpy handshake(&session, &ClientSession::handshakeFinished);
    session.start(spec);
    QVERIFY(runToEnd(session));
    QCOMPARE(handshake.count(), 1);
    QCOMPARE(session.failure(), ClientSession::Failure::CheckFailed);
    const Finding* finding = findingNamed(session.findings(), findingId);
    QVERIFY2(finding, qPrintable(findingId));
    QCOMPARE(finding->severity, Severity::Error);
    QVERIFY(!finding->rfc.isEmpty());
    QCOMPARE(session.transcript().handshake().findings.size(), session.findings().size());
    QVERIFY(session.transcript().frames().isEmpty());
    QVERIFY(!session.errorString().isEmpty());
}

void tst_ClientSession::nonUpgradeBodyIsRead_data()
{
    QTest::addColumn<QByteArray>("reply");
    QTest::addColumn<bool>("closeAfter");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("403 with Content-Length") << QByteArray(
        "HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\nContent-Length: 17\r\n\r\norigin not listed")
                                             << false << 403 << QByteArray("origin not listed");
    QTest::newRow("426 chunked") << QByteArray(
        "HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nTransfer-Encoding: chunked\r\n\r\n"
        "5\r\nspeak\r\n3\r\n 13\r\n0\r\n\r\n")
                                 << false << 426 << QByteArray("speak 13");
    QTest::newRow("404 until close") << QByteArray("HTTP/1.1 404 Not Found\r\n\r\nno such path") << true << 404
                                     << QByteArray("no such path");
    QTest::newRow("302 without body") << QByteArray(
        "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n")
                                      << false << 302 << QByteArray();
}

void tst_ClientSession::nonUpgradeBodyIsRead()
{
    QFETCH(QByteArray, reply);
    QFETCH(bool, closeAfter);
    QFETCH(int, status);
    QFETCH(QByteArray, body);

    ScriptedServer server([reply](const QByteArray&) { return reply; }, closeAfter);
    ClientSession session;
    session.start(HandshakeSpec::withDefaults(server.url()));
    QVERIFY(runToEnd(session));
    QCOMPARE(session.failure(), ClientSession::Failure::NotUpgraded);
    QVERIFY(session.response());
    QCOMPARE(session.response()->status, status);
    QCOMPARE(session.response()->body, body);
    QCOMPARE(session.transcript().handshake().rawResponse, reply);
    QCOMPARE(session.transcript().handshake().status, status);
    const Finding* finding = findingNamed(session.findings(), QStringLiteral("response.status"));
    QVERIFY(finding);
    QCOMPARE(finding->severity, Severity::Error);
}

void tst_ClientSession::invalidUtf8FromServerFailsWith1007()
{
    // A valid 101 followed at once by a text frame holding 0xff, which is never UTF-8.
    ScriptedServer server(
        [](const QByteArray& request) { return switching(request) + QByteArray::fromHex("8103 61ff62"); });
    ClientSession session;
    session.setCloseWaitMs(300);
    session.start(HandshakeSpec::withDefaults(server.url()));
    QVERIFY(runToEnd(session));
    QCOMPARE(session.failure(), ClientSession::Failure::ProtocolViolation);
    QCOMPARE(session.response()->status, 101);
    const Transcript& t = session.transcript();
    QCOMPARE(t.close().sentCode, std::optional<quint16>(1007));
    QCOMPARE(t.close().initiator, CloseRecord::Initiator::Local);
    QVERIFY(!t.close().clean);
    // The offending frame is recorded, then our close.
    QVERIFY(t.frames().size() >= 2);
    QCOMPARE(t.frames().at(0).dir, Direction::In);
    QCOMPARE(t.framePayload(t.frames().at(0)), QByteArray::fromHex("61ff62"));
    QCOMPARE(t.frames().last().opcode, quint8(Opcode::Close));
    QCOMPARE(t.frames().last().dir, Direction::Out);
}

void tst_ClientSession::inflatesCompressedMessageFromRfcExample()
{
    // RFC 7692 §7.2.3.1/§7.2.3.2: "Hello" compressed, then again using the shared window.
    ScriptedServer server([](const QByteArray& request) {
        return switching(request, "Sec-WebSocket-Extensions: permessage-deflate\r\n")
            + QByteArray::fromHex("c107f248cdc9c90700") + QByteArray::fromHex("c105f200110000");
    });
    HandshakeSpec spec = HandshakeSpec::withDefaults(server.url());
    spec.deflate = true;
    spec.syncRowsFromHelpers();
    ClientSession session;
    QSignalSpy messages(&session, &ClientSession::messageReceived);
    session.start(spec);
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 2, kTimeoutMs);
    QVERIFY(session.negotiatedDeflate());
    QCOMPARE(messages.at(0).at(0).value<Message>().payload, QByteArray("Hello"));
    QCOMPARE(messages.at(1).at(0).value<Message>().payload, QByteArray("Hello"));
    QVERIFY(messages.at(1).at(0).value<Message>().compressed);
    const Transcript& t = session.transcript();
    QVERIFY(t.frames().at(0).rsv1);
    QCOMPARE(t.frames().at(1).payloadLength, quint64(5));
    QCOMPARE(t.messages().at(1).length, 5);
    QCOMPARE(t.messages().at(1).wireBytes, 5);
    // Our own compressed message reaches the wire with RSV1 set.
    QVERIFY(session.sendMessage(Opcode::Text, "Hello Hello Hello Hello"));
    QVERIFY(t.frames().last().rsv1);
    QVERIFY(t.frames().last().payloadLength < 23);
    session.abort();
}

void tst_ClientSession::serverInitiatedCloseIsClean()
{
    ScriptedServer server([](const QByteArray& request) {
        return switching(request) + QByteArray::fromHex("8806") + makeClosePayload(4000, "done");
    });
    ClientSession session;
    session.setCloseWaitMs(5000);
    session.start(HandshakeSpec::withDefaults(server.url()));
    // Our close answer reaches the server; it then ends TCP, as RFC 6455 §7.1.1 wants.
    QTRY_VERIFY_WITH_TIMEOUT(server.received().size() > session.request().bytes.size(), kTimeoutMs);
    QCOMPARE(session.phase(), ClientSession::Phase::Closing);
    server.lastSocket()->disconnectFromHost();
    QVERIFY(runToEnd(session));
    const CloseRecord& close = session.transcript().close();
    QCOMPARE(close.initiator, CloseRecord::Initiator::Remote);
    QCOMPARE(close.receivedCode, std::optional<quint16>(4000));
    QCOMPARE(close.receivedReason, QByteArray("done"));
    QCOMPARE(close.sentCode, std::optional<quint16>(4000));
    QVERIFY(close.clean);
    QCOMPARE(close.effectiveCode(), quint16(4000));
    QCOMPARE(session.failure(), ClientSession::Failure::None);
}

void tst_ClientSession::closeWaitEndsStuckConnection()
{
    // The server answers our close but never ends TCP: the client must end it after the bounded wait.
    ScriptedServer server([](const QByteArray& request) { return switching(request); });
    ClientSession session;
    session.setCloseWaitMs(200);
    session.start(HandshakeSpec::withDefaults(server.url()));
    QVERIFY(waitOpen(session));
    QTRY_VERIFY_WITH_TIMEOUT(server.lastSocket(), kTimeoutMs);
    QVERIFY(session.sendClose(1001, "going"));
    QTRY_VERIFY_WITH_TIMEOUT(server.received().size() > session.request().bytes.size(), kTimeoutMs);
    server.lastSocket()->write(QByteArray::fromHex("8802") + QByteArray::fromHex("03e9"));
    QVERIFY(runToEnd(session));
    QTRY_COMPARE_WITH_TIMEOUT(server.disconnects(), 1, kTimeoutMs);
    const CloseRecord& close = session.transcript().close();
    QCOMPARE(close.initiator, CloseRecord::Initiator::Local);
    QCOMPARE(close.receivedCode, std::optional<quint16>(1001));
    QVERIFY(close.clean);
    QVERIFY(close.closedTimeUs - close.sentTimeUs >= 150'000);
}

void tst_ClientSession::silentServerTimesOut()
{
    ScriptedServer server([](const QByteArray&) { return QByteArray(); });
    ClientSession session;
    ClientOptions options;
    options.handshakeTimeoutMs = 300;
    session.start(HandshakeSpec::withDefaults(server.url()), options);
    QVERIFY(runToEnd(session));
    QCOMPARE(session.failure(), ClientSession::Failure::Timeout);
    QVERIFY(session.timings().requestWritten >= 0);
    const Finding* finding = findingNamed(session.findings(), QStringLiteral("response.timeout"));
    QVERIFY(finding);
    QCOMPARE(finding->severity, Severity::Error);
    QVERIFY(!session.response());
    QVERIFY(server.received().startsWith("GET / HTTP/1.1\r\n"));
}

void tst_ClientSession::refusedConnectionIsConnectFailure()
{
    // A port that was just free: listen, note it, close.
    quint16 port = 0;
    {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    ClientSession session;
    session.start(HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:%1/").arg(port)));
    QVERIFY(runToEnd(session));
    QCOMPARE(session.failure(), ClientSession::Failure::Connect);
    QCOMPARE(session.failureFacts().transport, TransportError::ConnectionRefused);
    QVERIFY2(session.errorString().startsWith(
                 QStringLiteral("Connection refused: nothing listens on 127.0.0.1:%1").arg(port)),
        qPrintable(session.errorString()));
    QVERIFY(session.timings().requestWritten < 0);
    QVERIFY(session.transcript().handshake().requestTimeUs < 0);
}

void tst_ClientSession::headerInjectionIsRefusedBeforeConnecting()
{
    ScriptedServer server([](const QByteArray& request) { return switching(request); });
    HandshakeSpec spec = HandshakeSpec::withDefaults(server.url());
    spec.rows.append(HeaderRow { "X-Test", "a\r\nInjected: yes" });
    ClientSession session;
    QSignalSpy finished(&session, &ClientSession::finished);
    session.start(spec);
    QCOMPARE(finished.count(), 1);
    QCOMPARE(session.failure(), ClientSession::Failure::InvalidRequest);
    QVERIFY(session.errorString().contains(QStringLiteral("header injection")));
    QTest::qWait(0);
    QVERIFY(server.received().isEmpty());
}

void tst_ClientSession::rawModeSendsBytesExactly()
{
    ScriptedServer server([](const QByteArray& request) { return switching(request); });
    HandshakeSpec spec = HandshakeSpec::withDefaults(server.url());
    spec.rawMode = true;
    // Lower-case names, a duplicate header and odd spacing: sent as typed.
    spec.rawRequest
        = "GET /raw HTTP/1.1\r\nhost: x\r\nupgrade: WebSocket\r\nconnection:   upgrade\r\n"
          "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\nX-Dup: 1\r\nX-Dup: 2\r\n\r\n";
    ClientSession session;
    session.start(spec);
    QVERIFY(waitOpen(session));
    QCOMPARE(server.received(), spec.rawRequest);
    QCOMPARE(session.transcript().handshake().rawRequest, spec.rawRequest);
    QCOMPARE(session.failure(), ClientSession::Failure::None);
    QCOMPARE(findingNamed(session.findings(), QStringLiteral("response.accept"))->severity, Severity::Pass);
    session.abort();
}

void tst_ClientSession::responseSplitAcrossWritesIsParsed()
{
    ScriptedServer server([](const QByteArray&) { return QByteArray(); });
    ClientSession session;
    session.start(HandshakeSpec::withDefaults(server.url()));
    QTRY_VERIFY_WITH_TIMEOUT(server.lastSocket() && server.received().contains("\r\n\r\n"), kTimeoutMs);
    const QByteArray reply = switching(server.received()) + QByteArray::fromHex("810548656c6c6f");
    QSignalSpy messages(&session, &ClientSession::messageReceived);
    // One byte per write, each flushed: the head parser and the frame decoder see every split.
    for (char c : reply) {
        server.lastSocket()->write(&c, 1);
        server.lastSocket()->flush();
        QTest::qWait(0);
    }
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, kTimeoutMs);
    QCOMPARE(messages.at(0).at(0).value<Message>().payload, QByteArray("Hello"));
    QCOMPARE(session.transcript().handshake().rawResponse, switching(server.received()));
    session.abort();
}

void tst_ClientSession::garbageResponseIsProtocolViolation()
{
    ScriptedServer server([](const QByteArray&) { return QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n"); });
    ClientSession session;
    session.start(HandshakeSpec::withDefaults(server.url()));
    QVERIFY(runToEnd(session));
    QCOMPARE(session.failure(), ClientSession::Failure::ProtocolViolation);
    const Finding* finding = findingNamed(session.findings(), QStringLiteral("response.head"));
    QVERIFY(finding);
    QCOMPARE(finding->severity, Severity::Error);
    QCOMPARE(session.transcript().handshake().rawResponse, QByteArray("SSH-2.0-OpenSSH_9.2\r\n\r\n"));
}

void tst_ClientSession::autoPongCanBeSwitchedOff_data()
{
    QTest::addColumn<bool>("autoPong");
    QTest::newRow("on (default)") << true;
    QTest::newRow("off") << false;
}

void tst_ClientSession::autoPongCanBeSwitchedOff()
{
    QFETCH(bool, autoPong);
    // A ping "hi" arrives with the 101; then a text frame, so the test knows the ping was handled.
    ScriptedServer server([](const QByteArray& request) {
        return switching(request) + QByteArray::fromHex("89026869") + QByteArray::fromHex("810164");
    });
    ClientSession session;
    ClientOptions options;
    options.endpoint.autoPong = autoPong;
    QSignalSpy messages(&session, &ClientSession::messageReceived);
    QSignalSpy controls(&session, &ClientSession::controlReceived);
    session.start(HandshakeSpec::withDefaults(server.url()), options);
    QTRY_COMPARE_WITH_TIMEOUT(messages.count(), 1, kTimeoutMs);
    QCOMPARE(controls.count(), 1);
    qsizetype pongs = 0;
    for (const FrameRecord& f : session.transcript().frames())
        pongs += f.dir == Direction::Out && f.opcode == quint8(Opcode::Pong);
    QCOMPARE(pongs, autoPong ? 1 : 0);
    // By hand it can still answer.
    QVERIFY(session.sendPong("hi"));
    QCOMPARE(session.transcript().frames().last().opcode, quint8(Opcode::Pong));
    session.abort();
}

void tst_ClientSession::mutualTlsPresentsClientCertificate()
{
    // A TLS server that requires a client certificate and trusts exactly the one we generate.
    const auto serverIdentity = generateSelfSignedIdentity();
    const auto clientIdentity = generateSelfSignedIdentity();
    QVERIFY(serverIdentity && clientIdentity);
    QTemporaryDir dir;
    const QString certFile = dir.filePath(QStringLiteral("client.pem"));
    const QString keyFile = dir.filePath(QStringLiteral("client.key"));
    {
        QFile cert(certFile);
        QVERIFY(cert.open(QIODevice::WriteOnly));
        cert.write(clientIdentity->certificate.toPem());
        QFile key(keyFile);
        QVERIFY(key.open(QIODevice::WriteOnly));
        key.write(clientIdentity->key.toPem());
    }
    TlsTestServer server(*serverIdentity, clientIdentity->certificate);
    QVERIFY(server.isListening());

    ClientOptions options;
    options.insecure = true; // the server's own certificate is self-signed; this test is about ours
    options.certFile = certFile;
    options.keyFile = keyFile;
    ClientSession session;
    session.start(HandshakeSpec::withDefaults(QStringLiteral("wss://127.0.0.1:%1/").arg(server.serverPort())), options);
    QVERIFY2(waitOpen(session), qPrintable(session.errorString()));
    QCOMPARE(server.peerCertificate(), clientIdentity->certificate);
    session.abort();

    // Without the client certificate the server refuses the TLS handshake: no connection.
    ClientOptions without;
    without.insecure = true;
    ClientSession refused;
    refused.start(HandshakeSpec::withDefaults(QStringLiteral("wss://127.0.0.1:%1/").arg(server.serverPort())), without);
    QVERIFY(runToEnd(refused));
    QVERIFY2(refused.failure() == ClientSession::Failure::Tls
            || refused.failure() == ClientSession::Failure::ProtocolViolation,
        qPrintable(refused.errorString()));
    QVERIFY(!refused.response());

    // A key file that is not a key is a sentence, not a crash.
    ClientOptions broken = options;
    broken.keyFile = certFile;
    ClientSession bad;
    bad.start(HandshakeSpec::withDefaults(QStringLiteral("wss://127.0.0.1:%1/").arg(server.serverPort())), broken);
    QVERIFY(runToEnd(bad));
    QCOMPARE(bad.failure(), ClientSession::Failure::Tls);
    QVERIFY(bad.errorString().contains(QStringLiteral("private key")));
}

void tst_ClientSession::wssToPlainServerSaysItIsNotTls()
{
    // A plain HTTP server: whatever arrives (a TLS ClientHello), it answers 400 in plain text and closes.
    QTcpServer plain;
    QVERIFY(plain.listen(QHostAddress::LocalHost, 0));
    connect(&plain, &QTcpServer::newConnection, &plain, [&plain] {
        QTcpSocket* socket = plain.nextPendingConnection();
        connect(socket, &QTcpSocket::readyRead, socket, [socket] {
            socket->readAll();
            socket->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            socket->disconnectFromHost();
        });
    });
    ClientSession session;
    session.start(HandshakeSpec::withDefaults(QStringLiteral("wss://127.0.0.1:%1/").arg(plain.serverPort())));
    QVERIFY(runToEnd(session));
    QCOMPARE(session.failure(), ClientSession::Failure::Tls);
    QCOMPARE(session.failureFacts().transport, TransportError::TlsNotSpoken);
    QCOMPARE(session.errorString(),
        QStringLiteral("The server at 127.0.0.1:%1 answered with something other than TLS (is it a plain ws:// server? "
                       "try ws://).")
            .arg(plain.serverPort()));
    QCOMPARE(session.failureText().hint, QStringLiteral("is it a plain ws:// server? try ws://"));
    QVERIFY(session.timings().requestWritten < 0);
}

void tst_ClientSession::wsToTlsServerSuggestsWss()
{
    const auto identity = generateSelfSignedIdentity();
    QVERIFY(identity);
    TlsTestServer server(*identity);
    QVERIFY(server.isListening());
    ClientSession session;
    session.start(HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:%1/").arg(server.serverPort())));
    QVERIFY(runToEnd(session));
    QCOMPARE(session.failure(), ClientSession::Failure::ProtocolViolation);
    QVERIFY(!session.response());
    // OpenSSL closes without a word when plain HTTP arrives; a server that sends an alert is the next test.
    QVERIFY2(session.errorString().contains(QLatin1String("try wss://")), qPrintable(session.errorString()));
    const Finding* finding = findingNamed(session.findings(), QStringLiteral("response.head"));
    QVERIFY(finding);
    QCOMPARE(finding->message, session.errorString());
}

void tst_ClientSession::tlsAlertAnswerSaysUseWss()
{
    // A TLS record (alert: protocol version) where an HTTP response should be.
    ScriptedServer server([](const QByteArray&) { return QByteArray::fromHex("15030300020246"); }, true);
    ClientSession session;
    session.start(HandshakeSpec::withDefaults(server.url()));
    QVERIFY(runToEnd(session));
    QCOMPARE(session.failure(), ClientSession::Failure::ProtocolViolation);
    QCOMPARE(session.errorString(), QStringLiteral("The server answered with TLS: use wss://."));
    QCOMPARE(session.transcript().handshake().rawResponse, QByteArray::fromHex("15030300020246"));
}

void tst_ClientSession::unknownHostSaysNoSuchHost()
{
    ClientSession session;
    session.start(HandshakeSpec::withDefaults(QStringLiteral("ws://nonexistent.invalid/")));
    QVERIFY(runToEnd(session));
    QCOMPARE(session.failure(), ClientSession::Failure::Connect);
    QCOMPARE(session.failureFacts().transport, TransportError::HostNotFound);
    QVERIFY2(session.errorString().startsWith(QLatin1String("No such host: nonexistent.invalid")),
        qPrintable(session.errorString()));
    QVERIFY(session.timings().connected < 0);
    QVERIFY(session.timings().requestWritten < 0);
}

void tst_ClientSession::selfSignedCertificateNamesTheProblemAndTheFix()
{
    const auto identity = generateSelfSignedIdentity();
    QVERIFY(identity);
    TlsTestServer server(*identity);
    QVERIFY(server.isListening());
    const HandshakeSpec spec
        = HandshakeSpec::withDefaults(QStringLiteral("wss://127.0.0.1:%1/").arg(server.serverPort()));

    ClientSession session;
    session.start(spec);
    QVERIFY(runToEnd(session));
    QCOMPARE(session.failure(), ClientSession::Failure::Tls);
    QVERIFY(session.failureFacts().certificateProblems.contains(CertificateProblem::SelfSigned));
    const QString text = session.errorString();
    QVERIFY2(text.startsWith(QLatin1String("The server's certificate for 127.0.0.1 is not trusted: it is self-signed")),
        qPrintable(text));
    QCOMPARE(text.count(QLatin1String("--insecure")), 1);
    QCOMPARE(text.count(QLatin1String("--cacert")), 1);
    QVERIFY(!text.contains(QLatin1String("SSL routines")));
    QVERIFY(session.timings().requestWritten < 0);

    // The window names its own option instead of the command line's flags.
    ClientOptions window;
    window.audience = FailureAudience::Window;
    ClientSession windowSession;
    windowSession.start(spec, window);
    QVERIFY(runToEnd(windowSession));
    QVERIFY2(windowSession.errorString().contains(QLatin1String("Skip certificate verification")),
        qPrintable(windowSession.errorString()));
    QVERIFY(!windowSession.errorString().contains(QLatin1String("--insecure")));

    // With verification skipped the same server opens.
    ClientOptions insecure;
    insecure.insecure = true;
    ClientSession open;
    open.start(spec, insecure);
    QVERIFY2(waitOpen(open), qPrintable(open.errorString()));
    QVERIFY(open.errorString().isEmpty());
    open.abort();
}

QTEST_MAIN(tst_ClientSession)
#include "tst_clientsession.moc"
