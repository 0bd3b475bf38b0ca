// Hostile peers against the echo server (and the client), while a well-behaved client keeps
// talking: every attack must end with the attacker closed or refused as the RFCs and our limits
// say, the good client's checksummed messages must all come back intact and in order, and memory
// must stay bounded. The server runs in this process on 127.0.0.1, port 0; the good client is
// Qt WebSockets (a third-party implementation); attackers write bytes built here by hand.
#include "core/handshake.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QPointer>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <QWebSocket>
#include <memory>
#include <optional>
#include <sys/resource.h>
#include <vector>
#include <zlib.h>

using namespace wsi;

namespace
{

constexpr int kWaitMs = 15000;

// ---- memory, from the kernel's point of view ----------------------------------------------------

qint64 statusKiB(const char* field)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(field) + ':';
    for (const QByteArray& line : file.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').front().toLongLong();
    }
    return -1;
}
// Resets VmHWM to the current RSS (Linux "clear_refs" 5), so a peak measures one attack only.
bool resetPeak()
{
    QFile file(QStringLiteral("/proc/self/clear_refs"));
    return file.open(QIODevice::WriteOnly) && file.write("5") == 1;
}

// ---- bytes of the protocol, written here -------------------------------------------------------

QByteArray request(quint16 port, const QByteArray& extra = {})
{
    return "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
          "Sec-WebSocket-Version: 13\r\n"
        + extra + "\r\n";
}

// A masked client frame; `declared` overrides the length field (the payload is then what follows).
QByteArray clientFrame(quint8 opcode, const QByteArray& payload, bool fin = true, bool rsv1 = false,
    std::optional<quint64> declared = std::nullopt)
{
    QByteArray out;
    out.append(char((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode));
    const quint64 length = declared.value_or(quint64(payload.size()));
    if (length < 126 && !declared) {
        out.append(char(0x80 | length));
    } else if (length < 65536 && !declared) {
        out.append(char(0x80 | 126)).append(char(length >> 8)).append(char(length & 0xFF));
    } else {
        out.append(char(0x80 | 127));
        for (int i = 7; i >= 0; --i)
            out.append(char((length >> (8 * i)) & 0xFF));
    }
    const quint32 key = QRandomGenerator::global()->generate();
    const char k[4] = { char(key), char(key >> 8), char(key >> 16), char(key >> 24) };
    out.append(k, 4);
    const qsizetype start = out.size();
    out.append(payload);
    for (qsizetype i = 0; i < payload.size(); ++i)
        out[start + i] = char(out[start + i] ^ k[i % 4]);
    return out;
}

QByteArray serverFrame(quint8 opcode, const QByteArray& payload)
{
    QByteArray out;
    out.append(char(0x80 | opcode));
    if (payload.size() < 126)
        out.append(char(payload.size()));
    else
        out.append(char(126)).append(char(payload.size() >> 8)).append(char(payload.size() & 0xFF));
    return out + payload;
}

// The code of the first close frame among unmasked server frames after a 101 head; 0 when none.
quint16 firstCloseCode(const QByteArray& received)
{
    const qsizetype headEnd = received.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return 0;
    const auto* p = reinterpret_cast<const quint8*>(received.constData());
    qsizetype pos = headEnd + 4;
    while (received.size() - pos >= 2) {
        const quint8 opcode = p[pos] & 0x0F;
        quint64 length = p[pos + 1] & 0x7F;
        pos += 2;
        if (length == 126) {
            if (received.size() - pos < 2)
                return 0;
            length = (quint64(p[pos]) << 8) | p[pos + 1];
            pos += 2;
        } else if (length == 127) {
            if (received.size() - pos < 8)
                return 0;
            length = 0;
            for (int i = 0; i < 8; ++i)
                length = (length << 8) | p[pos + i];
            pos += 8;
        }
        if (quint64(received.size() - pos) < length)
            return 0;
        if (opcode == 8)
            return length >= 2 ? quint16((p[pos] << 8) | p[pos + 1]) : 1005;
        pos += qsizetype(length);
    }
    return 0;
}

// Raw DEFLATE of `zeros` zero bytes with a sync flush, tail removed (RFC 7692 §7.2.1), produced in
// pieces so the test itself never holds the inflated size.
QByteArray compressedZeros(qint64 zeros)
{
    z_stream z {};
    deflateInit2(&z, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY);
    const QByteArray block(1 << 20, '\0');
    QByteArray out;
    char buffer[65536];
    for (qint64 left = zeros; left > 0;) {
        const qint64 take = std::min<qint64>(left, block.size());
        left -= take;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(block.constData()));
        z.avail_in = uInt(take);
        do {
            z.next_out = reinterpret_cast<Bytef*>(buffer);
            z.avail_out = sizeof buffer;
            deflate(&z, left == 0 ? Z_SYNC_FLUSH : Z_NO_FLUSH);
            out.append(buffer, qsizetype(sizeof buffer - z.avail_out));
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    out.chop(4);
    return out;
}

// ---- the peers ---------------------------------------------------------------------------------

// A TCP peer that writes whatever it is given and keeps everything that comes back.
class RawPeer : public QObject
{
public:
    explicit RawPeer(quint16 port)
    {
        connect(&m_socket, &QIODevice::readyRead, this, [this] { m_received += m_socket.readAll(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
    }
    QTcpSocket& socket() { return m_socket; }
    const QByteArray& received() const { return m_received; }
    bool connected()
    {
        return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, kWaitMs);
    }
    bool closed() const { return m_socket.state() == QAbstractSocket::UnconnectedState; }
    bool waitClosed(int ms = kWaitMs)
    {
        return QTest::qWaitFor([this] { return closed(); }, ms);
    }
    int status() const
    {
        if (!m_received.startsWith("HTTP/1.1 "))
            return 0;
        return m_received.mid(9, 3).toInt();
    }
    // Handshake; true on a 101 whose head has fully arrived.
    bool upgrade(const QByteArray& extra = {})
    {
        if (!connected())
            return false;
        m_socket.write(request(m_socket.peerPort(), extra));
        return QTest::qWaitFor([this] { return m_received.contains("\r\n\r\n") || closed(); }, kWaitMs)
            && status() == 101;
    }
    // Writes `bytes` in pieces as the socket drains, stopping once the server answered or left: a
    // peer that pushes a megabyte at a server that already refused it would only be reset.
    // False when neither happened nor everything could be written within the bound.
    bool trickle(const QByteArray& bytes, qsizetype piece = 16 * 1024)
    {
        qsizetype at = 0;
        const qsizetype before = m_received.size();
        return QTest::qWaitFor(
            [&] {
                if (closed() || m_received.size() > before || at >= bytes.size())
                    return true;
                if (m_socket.bytesToWrite() < piece) {
                    m_socket.write(bytes.mid(at, piece));
                    at += piece;
                }
                return false;
            },
            kWaitMs);
    }

private:
    QTcpSocket m_socket;
    QByteArray m_received;
};

// The well-behaved client: sends checksummed binary messages on a timer and checks every echo
// for order and integrity. [sequence: 8][length: 4][random bytes][MD5 of all before: 16]
class GoodClient : public QObject
{
public:
    explicit GoodClient(const QUrl& url, int intervalMs = 5)
    {
        connect(&m_socket, &QWebSocket::binaryMessageReceived, this, &GoodClient::check);
        connect(&m_socket, &QWebSocket::connected, this, [this] { m_timer.start(); });
        m_timer.setInterval(intervalMs);
        connect(&m_timer, &QTimer::timeout, this, [this] { sendOne(); });
        m_socket.open(url);
    }
    bool waitOpen()
    {
        return QTest::qWaitFor([this] { return m_received >= 3; }, kWaitMs);
    }
    void sendOne()
    {
        QByteArray body(int(QRandomGenerator::global()->bounded(16, 2048)), Qt::Uninitialized);
        QRandomGenerator::global()->fillRange(reinterpret_cast<quint32*>(body.data()), body.size() / 4);
        QByteArray message;
        for (int i = 7; i >= 0; --i)
            message.append(char((m_sent >> (8 * i)) & 0xFF));
        for (int i = 3; i >= 0; --i)
            message.append(char((body.size() >> (8 * i)) & 0xFF));
        message += body;
        message += QCryptographicHash::hash(message, QCryptographicHash::Md5);
        m_socket.sendBinaryMessage(message);
        ++m_sent;
    }
    // Stops sending, waits for the last echo; empty when everything came back intact and in order.
    QString finish()
    {
        m_timer.stop();
        if (!QTest::qWaitFor([this] { return m_received == m_sent || !m_errors.isEmpty(); }, kWaitMs))
            m_errors << QStringLiteral("%1 of %2 echoes arrived").arg(m_received).arg(m_sent);
        if (m_socket.state() != QAbstractSocket::ConnectedState)
            m_errors << QStringLiteral("the good client was disconnected: %1").arg(m_socket.errorString());
        return m_errors.join(QStringLiteral("; "));
    }
    quint64 received() const { return m_received; }
    QWebSocket& socket() { return m_socket; }

private:
    void check(const QByteArray& message)
    {
        if (message.size() < 28) {
            m_errors << QStringLiteral("echo %1 is truncated").arg(m_received);
            return;
        }
        quint64 sequence = 0;
        for (int i = 0; i < 8; ++i)
            sequence = (sequence << 8) | quint8(message[i]);
        const QByteArray digest = QCryptographicHash::hash(message.first(message.size() - 16), QCryptographicHash::Md5);
        if (sequence != m_received)
            m_errors << QStringLiteral("echo %1 arrived where %2 was due").arg(sequence).arg(m_received);
        if (digest != message.last(16))
            m_errors << QStringLiteral("echo %1 is corrupt").arg(sequence);
        ++m_received;
    }

    QWebSocket m_socket;
    QTimer m_timer;
    quint64 m_sent = 0, m_received = 0;
    QStringList m_errors;
};

} // namespace

class TestAbuse : public QObject
{
    Q_OBJECT

    std::unique_ptr<EchoServer> m_server;
    std::unique_ptr<GoodClient> m_good;
    ServerPolicy m_policy;

    quint16 port() const { return m_server->port(); }

    void startServer(const ServerPolicy& policy)
    {
        m_server = std::make_unique<EchoServer>();
        m_server->setPolicy(policy);
        m_server->setStallTimeoutMs(1000);
        m_server->setClosedConnectionsKept(10);
        QString error;
        QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    }

private Q_SLOTS:
    void initTestCase()
    {
        // 500 client and 500 server sockets live at once in this process.
        rlimit limit {};
        if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 4096) {
            limit.rlim_cur = std::min<rlim_t>(4096, limit.rlim_max);
            setrlimit(RLIMIT_NOFILE, &limit);
        }
    }

    void init()
    {
        m_policy = ServerPolicy {};
        m_policy.handshakeTimeoutMs = 1500;
        m_policy.maxMessageBytes = 16 << 20;
        m_policy.maxQueuedBytes = 1 << 20;
        startServer(m_policy);
        m_good = std::make_unique<GoodClient>(m_server->url());
        QVERIFY2(m_good->waitOpen(), "the good client got no echo before the attack");
    }

    void cleanup()
    {
        if (m_good) {
            const QString problems = m_good->finish();
            QVERIFY2(problems.isEmpty(), qPrintable(problems));
            QVERIFY(m_good->received() > 3);
        }
        m_good.reset();
        m_server.reset();
    }

    // First, while the process is small: the peak of this one attack is what is measured.
    void deflateBombClosesWith1009AndMemoryStaysBounded()
    {
        const QByteArray bomb = compressedZeros(qint64(512) << 20);
        qInfo("512 MiB of zeros compress to %lld bytes", qint64(bomb.size()));
        RawPeer attacker(port());
        QVERIFY(attacker.upgrade("Sec-WebSocket-Extensions: permessage-deflate\r\n"));
        QVERIFY2(attacker.received().contains("permessage-deflate"), "the server did not accept permessage-deflate");

        const qint64 rssBefore = statusKiB("VmRSS");
        const bool peakReset = resetPeak();
        const QByteArray frame = clientFrame(2, bomb, true, true);
        attacker.socket().write(frame);
        QVERIFY2(attacker.waitClosed(), "the server did not end the connection");
        QCOMPARE(firstCloseCode(attacker.received()), quint16(1009));
        const qint64 peak = statusKiB("VmHWM");
        const qint64 rssAfter = statusKiB("VmRSS");
        qInfo("deflate bomb: RSS %lld KiB before, %lld KiB after, peak %lld KiB (%s): growth %lld KiB", rssBefore,
            rssAfter, peak, peakReset ? "peak reset before the attack" : "peak since start", peak - rssBefore);
        QVERIFY2(peakReset, "could not reset VmHWM, so the peak cannot be attributed to the attack");
        QVERIFY2(peak - rssBefore < 100 * 1024, "memory grew by 100 MiB or more");
    }

    void randomBytesInsteadOfHandshake_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<bool>("answered"); // false: no line ever ends, so only the handshake timeout ends it
        QByteArray noise(64 * 1024, Qt::Uninitialized);
        QRandomGenerator generator(7);
        generator.fillRange(reinterpret_cast<quint32*>(noise.data()), noise.size() / 4);
        QTest::newRow("64 KiB of random bytes") << noise << true;
        QTest::newRow("random bytes with a blank line") << noise.left(300) + "\r\n\r\n" + noise.mid(300, 300) << true;
        QTest::newRow("a TLS ClientHello on a plain port")
            << QByteArray::fromHex("16030100a5010000a10303") + noise.left(160) << false;
        QTest::newRow("4 KiB of NUL bytes") << QByteArray(4096, '\0') << false;
    }
    void randomBytesInsteadOfHandshake()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(bool, answered);
        RawPeer attacker(port());
        QVERIFY(attacker.connected());
        QVERIFY(attacker.trickle(bytes));
        QVERIFY2(attacker.waitClosed(), "the server kept the connection");
        if (answered) {
            QVERIFY2(attacker.status() == 400 || attacker.status() == 431,
                qPrintable(QStringLiteral("answer: %1").arg(QString::fromLatin1(attacker.received().left(40)))));
        } else {
            QVERIFY(attacker.received().isEmpty() || attacker.status() == 400);
        }
    }

    void oversizedHeads_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::newRow("1 MB request head")
            << "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(1 << 20, 'a') + "\r\n\r\n";
        QByteArray many = "GET / HTTP/1.1\r\nHost: x\r\n";
        for (int i = 0; i < 20000; ++i)
            many += "X-H" + QByteArray::number(i) + ": v\r\n";
        QTest::newRow("20,000 headers") << many + "\r\n";
        QTest::newRow("17 KiB request head, nothing more")
            << "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + QByteArray(17 << 10, 'a') + "\r\n\r\n";
        QTest::newRow("1 MB request target") << "GET /" + QByteArray(1 << 20, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n";
    }
    void oversizedHeads()
    {
        QFETCH(QByteArray, head);
        RawPeer attacker(port());
        QVERIFY(attacker.connected());
        QVERIFY(attacker.trickle(head));
        QVERIFY2(attacker.waitClosed(), "the server kept the connection");
        QVERIFY2(attacker.status() == 431 || attacker.status() == 400 || attacker.status() == 414,
            qPrintable(QStringLiteral("answer: %1").arg(QString::fromLatin1(attacker.received().left(40)))));
    }

    void slowlorisIsTimedOutWhileOthersAreServed()
    {
        std::vector<std::unique_ptr<RawPeer>> held;
        for (int i = 0; i < 200; ++i) {
            held.push_back(std::make_unique<RawPeer>(port()));
            connect(&held.back()->socket(), &QTcpSocket::connected, held.back().get(),
                [s = &held.back()->socket()] { s->write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: webso"); });
        }
        QVERIFY(QTest::qWaitFor(
            [&] {
                return std::all_of(held.begin(), held.end(),
                    [](const auto& p) { return p->socket().state() == QAbstractSocket::ConnectedState; });
            },
            kWaitMs));
        // While all 200 are held: a new client is served.
        GoodClient newcomer(m_server->url());
        QVERIFY2(newcomer.waitOpen(), "a new client was not served while 200 handshakes were held");
        QVERIFY2(newcomer.finish().isEmpty(), "the new client's echoes were not intact");
        // The handshake timeout (1.5 s) frees every one of them.
        QElapsedTimer timer;
        timer.start();
        QVERIFY2(QTest::qWaitFor(
                     [&] { return std::all_of(held.begin(), held.end(), [](const auto& p) { return p->closed(); }); },
                     kWaitMs),
            "half-sent handshakes were still held after 15 s");
        qInfo("200 half-sent handshakes dropped within %lld ms of the newcomer's last echo", timer.elapsed());
        for (const auto& p : held)
            QCOMPARE(p->received(), QByteArray()); // dropped, not answered: nothing arrived to answer
    }

    void frameClaimingHugeLength_data()
    {
        QTest::addColumn<quint64>("length");
        QTest::addColumn<quint16>("code");
        QTest::newRow("2^63 (top bit set)") << (quint64(1) << 63) << quint16(1002);
        QTest::newRow("2^63 - 1") << ((quint64(1) << 63) - 1) << quint16(1009);
        QTest::newRow("2^32") << (quint64(1) << 32) << quint16(1009);
    }
    void frameClaimingHugeLength()
    {
        QFETCH(quint64, length);
        QFETCH(quint16, code);
        RawPeer attacker(port());
        QVERIFY(attacker.upgrade());
        attacker.socket().write(clientFrame(2, QByteArray(1000, 'x'), true, false, length));
        QVERIFY2(attacker.waitClosed(), "the server kept the connection");
        QCOMPARE(firstCloseCode(attacker.received()), code);
    }

    // Fragments are charged against the message budget (16 MiB here), not counted: 100,000 one-byte
    // fragments occupy about 6.5 MB of it and are a message like any other.
    void oneByteFragmentsAreAMessageLikeAnyOther()
    {
        RawPeer attacker(port());
        QVERIFY(attacker.upgrade());
        constexpr int fragments = 100000;
        QByteArray flood = clientFrame(1, "x", false);
        flood.reserve(fragments * 7);
        for (int i = 1; i < fragments; ++i)
            flood += clientFrame(0, "x", i == fragments - 1);
        const qint64 rssBefore = statusKiB("VmRSS");
        const bool peakReset = resetPeak();
        QVERIFY(attacker.trickle(flood, 64 * 1024));
        // The echo: one text frame of 100,000 'x' (header 0x81, 127, 64-bit length).
        const qsizetype headEnd = attacker.received().indexOf("\r\n\r\n") + 4;
        QVERIFY2(QTest::qWaitFor([&] { return attacker.received().size() >= headEnd + 10 + fragments; }, kWaitMs),
            "the message was not echoed");
        const QByteArray echo = attacker.received().mid(headEnd);
        QCOMPARE(echo.left(10), QByteArray::fromHex("817f00000000000186a0"));
        QCOMPARE(echo.mid(10, fragments), QByteArray(fragments, 'x'));
        QVERIFY(!attacker.closed());
        const qint64 growth = statusKiB("VmHWM") - rssBefore;
        qInfo("100,000 one-byte fragments: peak RSS growth %lld KiB", growth);
        QVERIFY2(peakReset, "could not reset VmHWM, so the peak cannot be attributed to the attack");
        QVERIFY2(growth < 64 * 1024, "memory grew by 64 MiB or more");
    }

    // A flood of empty fragments costs only bookkeeping, and that is charged against the same budget:
    // 300,000 of them exceed 16 MiB and the attacker is closed with 1009, memory bounded.
    void emptyFragmentFloodIsBoundedByTheMessageBudget()
    {
        RawPeer attacker(port());
        QVERIFY(attacker.upgrade());
        constexpr int fragments = 300000;
        QByteArray flood = clientFrame(1, {}, false);
        flood.reserve(fragments * 6);
        for (int i = 1; i < fragments; ++i)
            flood += clientFrame(0, {}, false);
        const qint64 rssBefore = statusKiB("VmRSS");
        const bool peakReset = resetPeak();
        QVERIFY(attacker.trickle(flood, 64 * 1024));
        QVERIFY2(attacker.waitClosed(), "the server kept the connection");
        QCOMPARE(firstCloseCode(attacker.received()), quint16(1009));
        const qint64 growth = statusKiB("VmHWM") - rssBefore;
        qInfo("empty fragment flood: peak RSS growth %lld KiB", growth);
        QVERIFY2(peakReset, "could not reset VmHWM, so the peak cannot be attributed to the attack");
        QVERIFY2(growth < 64 * 1024, "memory grew by 64 MiB or more");
    }

    void clientThatNeverReadsIsBoundedThenDropped()
    {
        RawPeer attacker(port());
        QVERIFY(attacker.upgrade());
        QSignalSpy closed(m_server.get(), &EchoServer::connectionClosed);
        // From now on nothing more is taken from the kernel: the server's echoes pile up.
        attacker.socket().setReadBufferSize(1);
        const QByteArray message = clientFrame(2, QByteArray(256 * 1024, 'n'));
        const qint64 rssBefore = statusKiB("VmRSS");
        resetPeak();
        qint64 sent = 0;
        QElapsedTimer timer;
        timer.start();
        // Keep pushing (never more than 1 MiB waiting in our own buffer) until the server drops us.
        const bool dropped = QTest::qWaitFor(
            [&] {
                if (attacker.closed() || closed.count() > 0)
                    return true;
                if (attacker.socket().bytesToWrite() < (1 << 20)) {
                    attacker.socket().write(message);
                    sent += message.size();
                }
                return false;
            },
            30000);
        const qint64 peak = statusKiB("VmHWM");
        qInfo("never-reading client: %lld MiB sent before the drop after %lld ms; peak RSS growth %lld KiB", sent >> 20,
            timer.elapsed(), peak - rssBefore);
        QVERIFY2(dropped, "the server kept a client that reads nothing");
        QVERIFY2(peak - rssBefore < 100 * 1024, "memory grew by 100 MiB or more");
    }

    void fiveHundredConcurrentClientsEchoChecksummedMessages()
    {
        constexpr int kClients = 500;
        constexpr int kMessages = 100;
        QElapsedTimer timer;
        timer.start();
        struct Peer {
            QWebSocket socket;
            int sent = 0, received = 0;
            bool bad = false;
        };
        std::vector<std::unique_ptr<Peer>> peers;
        auto payload = [](int client, int index) {
            QByteArray body = QByteArray::number(client) + ':' + QByteArray::number(index) + ':'
                + QByteArray(16 + (client * 7 + index * 13) % 200, char('a' + index % 26));
            return body + QCryptographicHash::hash(body, QCryptographicHash::Md5);
        };
        for (int c = 0; c < kClients; ++c) {
            peers.push_back(std::make_unique<Peer>());
            Peer* p = peers.back().get();
            connect(&p->socket, &QWebSocket::connected, this,
                [p, c, payload] { p->socket.sendBinaryMessage(payload(c, p->sent++)); });
            connect(&p->socket, &QWebSocket::binaryMessageReceived, this, [p, c, payload](const QByteArray& m) {
                if (m != payload(c, p->received))
                    p->bad = true;
                ++p->received;
                if (p->sent < kMessages)
                    p->socket.sendBinaryMessage(payload(c, p->sent++));
            });
            p->socket.open(m_server->url());
        }
        const bool done = QTest::qWaitFor(
            [&] {
                return std::all_of(
                    peers.begin(), peers.end(), [](const auto& p) { return p->received == kMessages || p->bad; });
            },
            60000);
        int complete = 0, corrupt = 0;
        for (const auto& p : peers) {
            complete += p->received == kMessages ? 1 : 0;
            corrupt += p->bad ? 1 : 0;
        }
        qInfo("%d clients x %d messages: %d complete, %d corrupt, %lld ms", kClients, kMessages, complete, corrupt,
            timer.elapsed());
        QVERIFY2(done, "not every client got all its echoes within 60 s");
        QCOMPARE(corrupt, 0);
        QCOMPARE(complete, kClients);
        for (const auto& p : peers)
            p->socket.abort();
    }

    // ---- the client against hostile servers ----

    void clientAgainstDripFeedingServer()
    {
        QTcpServer hostile;
        QVERIFY(hostile.listen(QHostAddress::LocalHost, 0));
        QTimer drip;
        QPointer<QTcpSocket> victim;
        connect(&hostile, &QTcpServer::newConnection, this, [&] {
            victim = hostile.nextPendingConnection();
            drip.start(20);
        });
        // An answer that never ends: one byte of an endless header every 20 ms.
        QByteArray endless = "HTTP/1.1 101 Switching Protocols\r\nX-Drip: ";
        qsizetype at = 0;
        connect(&drip, &QTimer::timeout, this, [&] {
            if (!victim)
                return;
            victim->write(at < endless.size() ? endless.mid(at, 1) : QByteArray("a"));
            ++at;
        });
        ClientSession session;
        QSignalSpy finished(&session, &ClientSession::finished);
        ClientOptions options;
        options.handshakeTimeoutMs = 1000;
        QElapsedTimer timer;
        timer.start();
        session.start(
            HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:%1/").arg(hostile.serverPort())), options);
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
        qInfo("drip-fed response abandoned after %lld ms: %s", timer.elapsed(), qPrintable(session.errorString()));
        QCOMPARE(session.failure(), ClientSession::Failure::Timeout);
        QVERIFY(!session.errorString().isEmpty());
        drip.stop();
    }

    void clientAgainstGiantHeader()
    {
        QTcpServer hostile;
        QVERIFY(hostile.listen(QHostAddress::LocalHost, 0));
        QByteArray giant = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nX-Giant: "
            + QByteArray(4 << 20, 'g') + "\r\n\r\n";
        connect(&hostile, &QTcpServer::newConnection, this, [&] {
            QTcpSocket* s = hostile.nextPendingConnection();
            connect(s, &QIODevice::readyRead, s, [s, giant] {
                s->readAll();
                s->write(giant);
            });
        });
        ClientSession session;
        QSignalSpy finished(&session, &ClientSession::finished);
        const qint64 rssBefore = statusKiB("VmRSS");
        resetPeak();
        session.start(HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:%1/").arg(hostile.serverPort())));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, kWaitMs);
        const qsizetype kept = session.transcript().handshake().rawResponse.size();
        qInfo("giant header refused: %s; %lld bytes kept; peak RSS growth %lld KiB", qPrintable(session.errorString()),
            qint64(kept), statusKiB("VmHWM") - rssBefore);
        QVERIFY(session.failure() != ClientSession::Failure::None);
        QVERIFY(!session.errorString().isEmpty());
        // The head limit is checked per read, so the record may hold the rest of the read that crossed
        // it, but never the whole 4 MiB answer.
        QVERIFY2(kept < (1 << 20), "the client kept reading past its head limit");
    }

    void clientAgainstFrameFlood()
    {
        QTcpServer hostile;
        QVERIFY(hostile.listen(QHostAddress::LocalHost, 0));
        constexpr int kFrames = 100000;
        QByteArray flood;
        flood.reserve(kFrames * 102 + 4);
        for (int i = 0; i < kFrames; ++i)
            flood += serverFrame(2, QByteArray(100, char(i)));
        flood += serverFrame(8, QByteArray::fromHex("03e8"));
        connect(&hostile, &QTcpServer::newConnection, this, [&] {
            QTcpSocket* s = hostile.nextPendingConnection();
            auto head = std::make_shared<QByteArray>();
            connect(s, &QIODevice::readyRead, s, [s, head, &flood] {
                if (head->endsWith("\r\n\r\n")) {
                    s->readAll(); // the client's frames (its close answer)
                    return;
                }
                *head += s->readAll();
                if (!head->contains("\r\n\r\n"))
                    return;
                const qsizetype k = head->indexOf("Sec-WebSocket-Key: ") + 19;
                const QByteArray key = head->mid(k, head->indexOf("\r\n", k) - k);
                const QByteArray accept
                    = QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1)
                          .toBase64();
                s->write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Accept: "
                    + accept + "\r\n\r\n");
                s->write(flood);
                *head = "\r\n\r\n";
            });
        });
        ClientSession session;
        QSignalSpy finished(&session, &ClientSession::finished);
        int messages = 0;
        connect(&session, &ClientSession::messageReceived, this, [&messages] { ++messages; });
        const qint64 rssBefore = statusKiB("VmRSS");
        resetPeak();
        QElapsedTimer timer;
        timer.start();
        session.start(HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:%1/").arg(hostile.serverPort())));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 60000);
        const qint64 growth = statusKiB("VmHWM") - rssBefore;
        qInfo("frame flood: %d messages in %lld ms, peak RSS growth %lld KiB", messages, timer.elapsed(), growth);
        QCOMPARE(messages, kFrames);
        QCOMPARE(session.transcript().close().receivedCode, std::optional<quint16>(1000));
        QVERIFY2(growth < 100 * 1024, "memory grew by 100 MiB or more");
    }
};

QTEST_GUILESS_MAIN(TestAbuse)
#include "tst_abuse.moc"
