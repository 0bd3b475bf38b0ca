// The echo server over loopback: with a raw client built from our own codec (so every byte is chosen
// by the test) and with Qt WebSockets' QWebSocket as an independent client.

#include "core/deflatecodec.h"
#include "core/framedecoder.h"
#include "core/frameencoder.h"
#include "core/handshake.h"
#include "core/http.h"
#include "engine/echoserver.h"
#include "engine/tlsidentity.h"

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
#include <limits>

using namespace wsi;

namespace
{
constexpr int kWaitMs = 10000;

MaskKey randomKey()
{
    const quint32 v = QRandomGenerator::global()->generate();
    return { quint8(v), quint8(v >> 8), quint8(v >> 16), quint8(v >> 24) };
}

QByteArray handshakeRequest(quint16 port, const QByteArray& extra = {}, const QByteArray& target = "/")
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: 13\r\n"
        + extra + "\r\n";
}

// A client whose every byte the test chooses: it writes what it is told and decodes what comes back.
class RawClient
{
public:
    explicit RawClient(quint16 port)
        : m_decoder(Role::Client)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        QObject::connect(&m_socket, &QIODevice::readyRead, [this] { read(); });
    }
    QTcpSocket& socket() { return m_socket; }

    // Sends the head (and anything appended to it) and waits for the response head.
    std::optional<HttpResponse> handshake(const QByteArray& bytes)
    {
        m_socket.write(bytes);
        if (!QTest::qWaitFor([this] { return m_response.has_value() || m_failed; }, kWaitMs))
            return std::nullopt;
        return m_response;
    }
    void send(quint8 opcode, QByteArrayView payload, FrameOptions options = {})
    {
        m_socket.write(encodeFrame(Role::Client, opcode, payload, randomKey(), options));
    }
    bool waitForFrames(qsizetype count)
    {
        return QTest::qWaitFor([&] { return m_frames.size() >= count; }, kWaitMs);
    }
    bool waitForDisconnect()
    {
        return QTest::qWaitFor([&] { return m_socket.state() == QAbstractSocket::UnconnectedState; }, kWaitMs);
    }
    const QList<Frame>& frames() const { return m_frames; }
    QByteArray body() const { return m_body; }
    void enableInflate()
    {
        m_decoder.setRsv1Allowed(true);
        m_inflater = std::make_unique<MessageInflater>(15, false, 1 << 30);
    }
    QByteArray inflate(const QByteArray& payload)
    {
        QByteArray out;
        m_inflater->inflate(payload, true, out);
        return out;
    }

private:
    void read()
    {
        m_buffer += m_socket.readAll();
        if (!m_response) {
            const HeadParse<HttpResponse> head = parseResponseHead(m_buffer);
            if (head.state == HeadState::Error)
                m_failed = true;
            if (head.state != HeadState::Complete)
                return;
            m_response = head.value;
            m_buffer.remove(0, head.headBytes);
            if (m_response->status != 101) {
                m_body = m_buffer;
                return;
            }
        }
        if (m_response->status != 101) {
            m_body += m_buffer;
            m_buffer.clear();
            return;
        }
        m_decoder.feed(m_buffer);
        m_buffer.clear();
        Frame frame;
        while (m_decoder.next(frame) == FrameDecoder::Status::FrameReady)
            m_frames.append(frame);
    }

    QTcpSocket m_socket;
    QByteArray m_buffer, m_body;
    std::optional<HttpResponse> m_response;
    bool m_failed = false;
    FrameDecoder m_decoder;
    QList<Frame> m_frames;
    std::unique_ptr<MessageInflater> m_inflater;
};

quint16 closeCode(const Frame& frame)
{
    return frame.payload.size() >= 2 ? quint16((quint8(frame.payload[0]) << 8) | quint8(frame.payload[1])) : 0;
}

FrameOptions rsv1Only()
{
    FrameOptions options;
    options.rsv1 = true;
    return options;
}

bool hasNote(const ServerConnection& c, const QString& text)
{
    for (const NoteRecord& n : c.transcript().notes()) {
        if (n.text.contains(text))
            return true;
    }
    qWarning("no note contains \"%s\"", qPrintable(text));
    return false;
}

ServerConnection* onlyConnection(const EchoServer& server)
{
    const auto all = server.connections();
    return all.size() == 1 ? all.front() : nullptr;
}
} // namespace

class TstEchoServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<EchoServer>();
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        QVERIFY(m_server->port() != 0);
    }
    void cleanup() { m_server.reset(); }

    void urlNamesLoopback()
    {
        QCOMPARE(m_server->url().toString(), QStringLiteral("ws://127.0.0.1:%1/").arg(m_server->port()));
        QVERIFY(!m_server->isTls());
        QString error;
        EchoServer second;
        QVERIFY(second.listen(QHostAddress::LocalHost, m_server->port(), &error) == false);
        QVERIFY2(error.contains(QStringLiteral("Cannot listen")), qPrintable(error));
    }

    void rawEchoAndTranscript()
    {
        QSignalSpy decided(m_server.get(), &EchoServer::handshakeDecided);
        RawClient client(m_server->port());
        const auto response = client.handshake(handshakeRequest(m_server->port()));
        QVERIFY(response);
        QCOMPARE(response->status, 101);
        QCOMPARE(response->headers.value("Sec-WebSocket-Accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QTRY_COMPARE_WITH_TIMEOUT(decided.count(), 1, kWaitMs);

        client.send(1, "Hello");
        client.send(2, QByteArray("\x00\xff\x10", 3));
        client.send(9, "are you there");
        QVERIFY(client.waitForFrames(3));
        QCOMPARE(client.frames()[0].header.opcode, quint8(1));
        QCOMPARE(client.frames()[0].payload, QByteArray("Hello"));
        QVERIFY(!client.frames()[0].header.masked);
        QCOMPARE(client.frames()[1].header.opcode, quint8(2));
        QCOMPARE(client.frames()[1].payload, QByteArray("\x00\xff\x10", 3));
        QCOMPARE(client.frames()[2].header.opcode, quint8(10));
        QCOMPARE(client.frames()[2].payload, QByteArray("are you there"));

        client.send(8, QByteArray("\x0f\xa0", 2) + "bye"); // 4000
        QVERIFY(client.waitForFrames(4));
        QCOMPARE(client.frames()[3].header.opcode, quint8(8));
        QCOMPARE(closeCode(client.frames()[3]), quint16(4000));
        const quint16 localPort = client.socket().localPort();
        QVERIFY(client.waitForDisconnect()); // the server ends TCP after the closing handshake

        ServerConnection* c = onlyConnection(*m_server);
        QVERIFY(c);
        QTRY_COMPARE_WITH_TIMEOUT(c->phase(), ServerConnection::Phase::Closed, kWaitMs);
        const Transcript& t = c->transcript();
        QCOMPARE(t.handshake().status, 101);
        QVERIFY(t.handshake().rawRequest.startsWith("GET / HTTP/1.1\r\n"));
        QVERIFY(t.handshake().rawResponse.startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
        QVERIFY(!t.handshake().decisionSteps.isEmpty());
        QCOMPARE(t.handshake().decisionSteps.last().stage, DecisionStage::Response);
        QVERIFY(!t.handshake().findings.isEmpty());
        QVERIFY(t.handshake().requestTimeUs >= 0 && t.handshake().responseTimeUs >= t.handshake().requestTimeUs);
        QCOMPARE(t.frames().size(), 8); // 4 in, 4 out
        QCOMPARE(t.frames()[0].dir, Direction::In);
        QVERIFY(t.frames()[0].masked);
        QCOMPARE(t.framePayload(t.frames()[0]), QByteArray("Hello"));
        QCOMPARE(t.frames()[1].dir, Direction::Out);
        QCOMPARE(t.messages().size(), 4);
        QCOMPARE(t.close().initiator, CloseRecord::Initiator::Remote);
        QCOMPARE(t.close().receivedCode, std::optional<quint16>(4000));
        QCOMPARE(t.close().sentCode, std::optional<quint16>(4000));
        QVERIFY(t.close().clean);
        QVERIFY(c->bytesIn() > 0 && c->bytesOut() > 0);
        QCOMPARE(c->peer(), QStringLiteral("127.0.0.1:%1").arg(localPort));
    }

    void framesBehindTheHead()
    {
        RawClient client(m_server->port());
        const QByteArray frames
            = encodeFrame(Role::Client, 1, "first", randomKey()) + encodeFrame(Role::Client, 1, "second", randomKey());
        const auto response = client.handshake(handshakeRequest(m_server->port()) + frames);
        QVERIFY(response);
        QCOMPARE(response->status, 101);
        QVERIFY(client.waitForFrames(2));
        QCOMPARE(client.frames()[0].payload, QByteArray("first"));
        QCOMPARE(client.frames()[1].payload, QByteArray("second"));
    }

    void fragmentedAndInterleavedPing()
    {
        RawClient client(m_server->port());
        QVERIFY(client.handshake(handshakeRequest(m_server->port())));
        FrameOptions notLast;
        notLast.fin = false;
        client.send(1, "frag", notLast);
        client.send(9, "p");
        client.send(0, "mented");
        QVERIFY(client.waitForFrames(2));
        QCOMPARE(client.frames()[0].header.opcode, quint8(10));
        QCOMPARE(client.frames()[1].payload, QByteArray("fragmented"));
    }

    void releasingRecordsKeepsTheMessageBeingReceived()
    {
        RawClient client(m_server->port());
        QVERIFY(client.handshake(handshakeRequest(m_server->port())));
        // More echoes than one block of records holds, so that releasing has whole blocks to free.
        const int echoes = 9000;
        QByteArray burst;
        for (int i = 0; i < echoes; ++i)
            burst += encodeFrame(Role::Client, 2, "x", randomKey());
        client.socket().write(burst);
        QVERIFY(client.waitForFrames(echoes));
        ServerConnection* c = onlyConnection(*m_server);
        QVERIFY(c);
        QCOMPARE(c->transcript().frames().size(), 2 * echoes);
        // A fragmented message is half received, and pings (answered with pongs) arrive in its middle until
        // its first frame lies in a block that is full, when everything read so far is released.
        FrameOptions notLast;
        notLast.fin = false;
        client.send(1, "half ", notLast);
        const qint32 firstFragment = 2 * echoes;
        const int pings = 7400;
        QByteArray pingBurst;
        for (int i = 0; i < pings; ++i)
            pingBurst += encodeFrame(Role::Client, 9, "p", randomKey());
        client.socket().write(pingBurst);
        QVERIFY(client.waitForFrames(echoes + pings));
        const Transcript& t = c->transcript();
        QCOMPARE(t.frames().size(), firstFragment + 1 + 2 * pings);
        QVERIFY(t.frames().size() > 2 * 16384);
        c->releaseRecordsBefore(std::numeric_limits<qint32>::max(), std::numeric_limits<qint32>::max());
        QVERIFY(t.frames().firstAvailable() > 0); // blocks were freed ...
        QVERIFY(t.frames().firstAvailable() <= firstFragment); // ... but not the open message's first frame
        QVERIFY(t.firstMessageAvailable() > 0);
        client.send(0, "and half");
        QVERIFY(client.waitForFrames(echoes + pings + 1));
        QCOMPARE(client.frames().last().payload, QByteArray("half and half"));
        const MessageRecord in = t.messages().at(t.messages().size() - 2);
        QCOMPARE(in.firstFrame, firstFragment);
        QCOMPARE(in.frameCount, 2);
        QCOMPARE(t.messagePayload(in), QByteArray("half and half"));
        QCOMPARE(t.frames().at(firstFragment).message, qint32(t.messages().size() - 2));
    }

    void violationsCloseWithTheRightCode_data()
    {
        QTest::addColumn<QByteArray>("frame");
        QTest::addColumn<int>("code");
        FrameOptions unmasked;
        unmasked.masked = false;
        FrameOptions rsv2;
        rsv2.rsv2 = true;
        QTest::newRow("unmasked") << encodeFrame(Role::Client, 1, "x", {}, unmasked) << 1002;
        QTest::newRow("RSV2") << encodeFrame(Role::Client, 1, "x", randomKey(), rsv2) << 1002;
        QTest::newRow("reserved opcode") << encodeFrame(Role::Client, 3, "x", randomKey()) << 1002;
        QTest::newRow("RSV1 without deflate") << encodeFrame(Role::Client, 1, "x", randomKey(), rsv1Only()) << 1002;
        QTest::newRow("invalid UTF-8") << encodeFrame(Role::Client, 1, QByteArray("\xc3\x28", 2), randomKey()) << 1007;
        QTest::newRow("too big") << encodeFrame(Role::Client, 2, QByteArray(2000, 'x'), randomKey()) << 1009;
        QTest::newRow("continuation first") << encodeFrame(Role::Client, 0, "x", randomKey()) << 1002;
    }

    void violationsCloseWithTheRightCode()
    {
        QFETCH(QByteArray, frame);
        QFETCH(int, code);
        ServerPolicy policy;
        policy.maxMessageBytes = 1000;
        m_server->setPolicy(policy);
        RawClient client(m_server->port());
        QVERIFY(client.handshake(handshakeRequest(m_server->port())));
        client.socket().write(frame);
        QVERIFY(client.waitForFrames(1));
        QCOMPARE(client.frames()[0].header.opcode, quint8(8));
        QCOMPARE(int(closeCode(client.frames()[0])), code);
        QVERIFY(client.frames()[0].payload.size() <= 125);
        QVERIFY(client.waitForDisconnect()); // the server does not wait for a reply to a failed connection
        ServerConnection* c = onlyConnection(*m_server);
        QTRY_COMPARE_WITH_TIMEOUT(c->phase(), ServerConnection::Phase::Closed, kWaitMs);
        bool noted = false;
        for (const NoteRecord& n : c->transcript().notes())
            noted = noted || n.text.contains(QStringLiteral("Protocol violation (close %1)").arg(code));
        QVERIFY(noted);
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::newRow("version 8") << handshakeRequest(0, {}).replace("Version: 13", "Version: 8") << 426
                                   << QByteArray("version 13");
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << 400
                                 << QByteArray("could not be parsed");
        QTest::newRow("huge head") << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(20000, 'a') + "\r\n\r\n") << 431
                                   << QByteArray("could not be parsed");
        QTest::newRow("not WebSocket") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << 400
                                       << QByteArray("Upgrade");
    }

    void refusals()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        RawClient client(m_server->port());
        const auto response = client.handshake(request);
        QVERIFY(response);
        QCOMPARE(response->status, status);
        QVERIFY(client.waitForDisconnect());
        QVERIFY2(client.body().contains(body), client.body().constData());
        ServerConnection* c = onlyConnection(*m_server);
        QTRY_COMPARE_WITH_TIMEOUT(c->phase(), ServerConnection::Phase::Closed, kWaitMs);
        QCOMPARE(c->transcript().handshake().status, status);
        QVERIFY(c->decision() && !c->decision()->upgrade);
    }

    void slowClientIsDropped()
    {
        ServerPolicy policy;
        policy.handshakeTimeoutMs = 200;
        m_server->setPolicy(policy);
        RawClient client(m_server->port());
        client.socket().write("GET / HTTP/1.1\r\n"); // and then nothing
        QVERIFY(client.waitForDisconnect());
        ServerConnection* c = onlyConnection(*m_server);
        QCOMPARE(c->phase(), ServerConnection::Phase::Closed);
        QVERIFY(!c->decision());
        QVERIFY(hasNote(*c, QStringLiteral("handshake timeout")));
    }

    void closeAfterUpgradeOnOriginFailure()
    {
        ServerPolicy policy;
        policy.allowedOrigins = { "https://good.example" };
        policy.originFailure = FailureMode::Close;
        m_server->setPolicy(policy);
        RawClient client(m_server->port());
        const auto response = client.handshake(handshakeRequest(m_server->port(), "Origin: https://evil.example\r\n"));
        QVERIFY(response);
        QCOMPARE(response->status, 101);
        QVERIFY(client.waitForFrames(1));
        QCOMPARE(closeCode(client.frames()[0]), quint16(1008));
        client.send(8, QByteArray("\x03\xf0", 2)); // answer 1008
        QVERIFY(client.waitForDisconnect());
        ServerConnection* c = onlyConnection(*m_server);
        QTRY_COMPARE_WITH_TIMEOUT(c->phase(), ServerConnection::Phase::Closed, kWaitMs);
        QCOMPARE(c->transcript().close().initiator, CloseRecord::Initiator::Local);
        QVERIFY(c->transcript().close().clean);
    }

    void deflateEchoIsCompressed()
    {
        RawClient client(m_server->port());
        const auto response = client.handshake(handshakeRequest(
            m_server->port(), "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"));
        QVERIFY(response);
        QCOMPARE(response->headers.value("Sec-WebSocket-Extensions"), QByteArray("permessage-deflate"));
        client.enableInflate();
        MessageDeflater deflater(15, false);
        const QByteArray text = QByteArray("{\"hello\":\"world\"} ").repeated(50);
        FrameOptions compressed;
        compressed.rsv1 = true;
        client.send(1, deflater.compress(text), compressed);
        client.send(1, "plain too"); // uncompressed after negotiation is allowed (RFC 7692 §6)
        QVERIFY(client.waitForFrames(2));
        QVERIFY(client.frames()[0].header.rsv1);
        QVERIFY(client.frames()[0].payload.size() < text.size());
        QCOMPARE(client.inflate(client.frames()[0].payload), text);
        QVERIFY(client.frames()[1].header.rsv1); // the echo is compressed whenever it was negotiated
        QCOMPARE(client.inflate(client.frames()[1].payload), QByteArray("plain too"));
        ServerConnection* c = onlyConnection(*m_server);
        QCOMPARE(c->transcript().handshake().extensions, QByteArray("permessage-deflate"));
        QVERIFY(c->transcript().messages()[0].compressed);
        QCOMPARE(c->transcript().messagePayload(c->transcript().messages()[0]), text);
    }

    void clientThatNeverReadsIsDropped()
    {
        ServerPolicy policy;
        policy.maxQueuedBytes = 64 * 1024;
        m_server->setPolicy(policy);
        m_server->setStallTimeoutMs(300);
        RawClient client(m_server->port());
        QVERIFY(client.handshake(handshakeRequest(m_server->port())));
        client.socket().setReadBufferSize(4096);
        client.socket().disconnect(); // stop reading: the echoes pile up in the kernel, then in the server
        const QByteArray big(1 << 20, 'x');
        for (int i = 0; i < 48; ++i)
            client.send(2, big);
        ServerConnection* c = onlyConnection(*m_server);
        QTRY_COMPARE_WITH_TIMEOUT(c->phase(), ServerConnection::Phase::Closed, 20000);
        QVERIFY(hasNote(*c, QStringLiteral("Dropped: the client read none")));
        // Reading stopped at the bound, so far fewer echoes were made than messages sent.
        QVERIFY(c->transcript().messages().size() < 2 * 48);
    }

    void policyAppliesToNewConnections()
    {
        QSignalSpy changed(m_server.get(), &EchoServer::policyChanged);
        QWebSocket first;
        QSignalSpy firstUp(&first, &QWebSocket::connected);
        first.open(m_server->url());
        QTRY_COMPARE_WITH_TIMEOUT(firstUp.count(), 1, kWaitMs);

        ServerPolicy policy;
        policy.token = "t0k";
        m_server->setPolicy(policy);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(m_server->policy().token, QByteArray("t0k"));

        QWebSocket second;
        QSignalSpy secondError(&second, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
        second.open(m_server->url());
        QTRY_VERIFY_WITH_TIMEOUT(secondError.count() > 0, kWaitMs);

        // The first connection still echoes under the policy it was accepted with.
        QSignalSpy echo(&first, &QWebSocket::textMessageReceived);
        first.sendTextMessage(QStringLiteral("still here"));
        QTRY_COMPARE_WITH_TIMEOUT(echo.count(), 1, kWaitMs);
        const auto all = m_server->connections();
        QCOMPARE(all.size(), 2);
        QVERIFY(all[0]->policy().token.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(all[1]->transcript().handshake().status, 401, kWaitMs);
    }

    void closedConnectionsAreBounded()
    {
        m_server->setClosedConnectionsKept(2);
        for (int i = 0; i < 4; ++i) {
            QWebSocket ws;
            QSignalSpy up(&ws, &QWebSocket::connected);
            QSignalSpy down(&ws, &QWebSocket::disconnected);
            ws.open(m_server->url());
            QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
            ws.close();
            QTRY_COMPARE_WITH_TIMEOUT(down.count(), 1, kWaitMs);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_server->connections().size(), 2, kWaitMs);
        QCOMPARE(m_server->connections()[0]->id(), 3);
        QCOMPARE(m_server->connections()[1]->id(), 4);
    }

    void serverCloseSaysGoingAway()
    {
        QWebSocket ws;
        QSignalSpy up(&ws, &QWebSocket::connected);
        QSignalSpy down(&ws, &QWebSocket::disconnected);
        ws.open(m_server->url());
        QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
        QSignalSpy listening(m_server.get(), &EchoServer::listeningChanged);
        m_server->close();
        QCOMPARE(listening.count(), 1);
        QVERIFY(!m_server->isListening());
        QTRY_COMPARE_WITH_TIMEOUT(down.count(), 1, kWaitMs);
        QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    }

    void qwebsocketSubprotocol_data()
    {
        QTest::addColumn<ProtocolOrder>("order");
        QTest::addColumn<QString>("expected");
        QTest::newRow("server order") << ProtocolOrder::Server << QStringLiteral("msgpack");
        QTest::newRow("client order") << ProtocolOrder::Client << QStringLiteral("json");
    }

    void qwebsocketSubprotocol()
    {
        QFETCH(ProtocolOrder, order);
        QFETCH(QString, expected);
        ServerPolicy policy;
        policy.protocols = { "msgpack", "json" };
        policy.protocolOrder = order;
        m_server->setPolicy(policy);
        QWebSocket ws;
        QSignalSpy up(&ws, &QWebSocket::connected);
        QWebSocketHandshakeOptions options;
        options.setSubprotocols({ QStringLiteral("json"), QStringLiteral("msgpack") });
        ws.open(QNetworkRequest(m_server->url()), options);
        QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
        QCOMPARE(ws.subprotocol(), expected);
        ServerConnection* c = onlyConnection(*m_server);
        QCOMPARE(c->transcript().handshake().protocol, expected.toLatin1());
    }

    void qwebsocketOriginRefused()
    {
        ServerPolicy policy;
        policy.allowedOrigins = { "https://good.example" };
        m_server->setPolicy(policy);
        QWebSocket ws(QStringLiteral("https://evil.example"));
        QSignalSpy up(&ws, &QWebSocket::connected);
        QSignalSpy error(&ws, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
        ws.open(m_server->url());
        QTRY_VERIFY_WITH_TIMEOUT(error.count() > 0, kWaitMs);
        QCOMPARE(up.count(), 0);
        ServerConnection* c = onlyConnection(*m_server);
        QTRY_COMPARE_WITH_TIMEOUT(c->transcript().handshake().status, 403, kWaitMs);
        // The refusal arrives structured: its stage, its status and its sentence.
        const DecisionStep& refusal = c->transcript().handshake().decisionSteps.last();
        QCOMPARE(refusal.stage, DecisionStage::Origin);
        QCOMPARE(refusal.outcome, DecisionStep::Outcome::Rejected);
        QCOMPARE(refusal.status, 403);
        QVERIFY(refusal.text.contains(QStringLiteral("Origin https://evil.example is not in the allowlist")));

        QWebSocket good(QStringLiteral("https://good.example"));
        QSignalSpy goodUp(&good, &QWebSocket::connected);
        good.open(m_server->url());
        QTRY_COMPARE_WITH_TIMEOUT(goodUp.count(), 1, kWaitMs);
    }

    void qwebsocketEchoSizes_data()
    {
        QTest::addColumn<int>("size");
        for (int size : { 0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20 })
            QTest::addRow("%d bytes", size) << size;
    }

    void qwebsocketEchoSizes()
    {
        QFETCH(int, size);
        QWebSocket ws;
        ws.setMaxAllowedIncomingMessageSize(quint64(64) << 20);
        QSignalSpy up(&ws, &QWebSocket::connected);
        ws.open(m_server->url());
        QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
        QByteArray payload(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i)
            payload[i] = char(i * 7 + (i >> 8));
        QSignalSpy binary(&ws, &QWebSocket::binaryMessageReceived);
        QSignalSpy text(&ws, &QWebSocket::textMessageReceived);
        ws.sendBinaryMessage(payload);
        const QString textPayload(qMin(size, 1 << 20), QChar(0xE9));
        ws.sendTextMessage(textPayload);
        QTRY_COMPARE_WITH_TIMEOUT(binary.count(), 1, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(text.count(), 1, 30000);
        QVERIFY(binary.front().front().toByteArray() == payload);
        QVERIFY(text.front().front().toString() == textPayload);
    }

    void tlsEcho()
    {
        const auto identity = generateSelfSignedIdentity();
        QVERIFY(identity);
        EchoServer server;
        server.enableTls(*identity);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QVERIFY(server.isTls());
        QCOMPARE(server.url().scheme(), QStringLiteral("wss"));

        QWebSocket ws;
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setCaCertificates({ identity->certificate });
        ws.setSslConfiguration(config);
        QSignalSpy up(&ws, &QWebSocket::connected);
        QSignalSpy echo(&ws, &QWebSocket::textMessageReceived);
        QSignalSpy sslErrors(&ws, &QWebSocket::sslErrors);
        ws.open(server.url());
        QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
        QCOMPARE(sslErrors.count(), 0);
        ws.sendTextMessage(QStringLiteral("over TLS"));
        QTRY_COMPARE_WITH_TIMEOUT(echo.count(), 1, kWaitMs);
        QCOMPARE(echo.front().front().toString(), QStringLiteral("over TLS"));
    }

private:
    std::unique_ptr<EchoServer> m_server;
};

QTEST_MAIN(TstEchoServer)
#include "tst_echoserver.moc"
