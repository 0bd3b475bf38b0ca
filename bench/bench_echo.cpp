// Echo throughput of `wsinspector serve` against a QWebSocketServer echo server and node ws, in one run.
//
// A closed-loop load generator: N connections, each with exactly one message outstanding; a connection sends
// its next message as soon as the whole echo is back. Each server runs as its own process so its CPU time
// (utime + stime from /proc/PID/stat) is measured apart from the generator's.
//
//   build/bench/bench_echo [--seconds S] [--connections N] [--sizes 20,1024,16384,1048576]
//
// Expects build/wsinspector and build/bench/bench_qtechoserver next to it, and node with tests/peers/node
// installed (skipped with a note when missing). wsinspector runs as users run it: recording transcripts and
// printing frame lines (to a file here), with permessage-deflate off so all three do the same work.

#include "core/framedecoder.h"
#include "core/frameencoder.h"
#include "core/http.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdio>
#include <memory>
#include <unistd.h>

using namespace wsi;

namespace
{

struct ServerProcess {
    QString name;
    std::unique_ptr<QProcess> process;
    quint16 port = 0;
    QString outputFile; // when stdout goes to a file
};

double cpuSeconds(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    const double ticks = fields[11].toDouble() + fields[12].toDouble(); // utime, stime (fields 14, 15)
    return ticks / double(sysconf(_SC_CLK_TCK));
}

// Runs the event loop (sleeping in poll, not spinning: the servers need the CPU) until done() or the timeout.
bool waitFor(const std::function<bool()>& done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer check;
    QObject::connect(&check, &QTimer::timeout, &loop, [&] {
        if (done())
            loop.quit();
    });
    check.start(5);
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    loop.exec();
    return done();
}

// Starts a server that announces "listening PORT" on its first line (stdout or a file).
std::optional<ServerProcess> startServer(const QString& name, const QString& program, const QStringList& args,
    const QString& outputFile = {}, const QString& workingDir = {})
{
    ServerProcess s;
    s.name = name;
    s.process = std::make_unique<QProcess>();
    s.outputFile = outputFile;
    if (!outputFile.isEmpty())
        s.process->setStandardOutputFile(outputFile);
    if (!workingDir.isEmpty())
        s.process->setWorkingDirectory(workingDir);
    s.process->setStandardErrorFile(QProcess::nullDevice());
    s.process->start(program, args);
    if (!s.process->waitForStarted(5000)) {
        std::fprintf(stderr, "%s: cannot start %s\n", qPrintable(name), qPrintable(program));
        return std::nullopt;
    }
    QByteArray first;
    const bool ok = waitFor(
        [&] {
            if (outputFile.isEmpty()) {
                if (s.process->canReadLine())
                    first = s.process->readLine();
            } else {
                QFile f(outputFile);
                if (f.open(QIODevice::ReadOnly))
                    first = f.readLine();
            }
            return first.endsWith('\n') || s.process->state() == QProcess::NotRunning;
        },
        10000);
    // "listening PORT" (peers, Qt server) or "listening ws://127.0.0.1:PORT/" (wsinspector)
    const QByteArray last = first.trimmed().split(':').last().split(' ').last().replace("/", "");
    s.port = quint16(last.toUShort());
    if (!ok || s.port == 0) {
        std::fprintf(stderr, "%s: no listening line (got \"%s\")\n", qPrintable(name), first.trimmed().constData());
        return std::nullopt;
    }
    return s;
}

// One client connection of the closed loop.
class Client
{
public:
    Client(quint16 port, int size)
        : m_decoder(Role::Client, DecoderLimits { quint64(64) << 20 })
    {
        const quint32 r = QRandomGenerator::global()->generate();
        const MaskKey key { quint8(r), quint8(r >> 8), quint8(r >> 16), quint8(r >> 24) };
        QByteArray payload(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i)
            payload[i] = char('a' + i % 26);
        m_payload = payload;
        // One encoded frame, sent again and again: the generator's own cost per message stays small.
        m_frame = encodeFrame(Role::Client, quint8(Opcode::Binary), payload, key);
        m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        QObject::connect(&m_socket, &QIODevice::readyRead, [this] { read(); });
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        m_socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }
    bool open() const { return m_open; }
    bool failed() const { return m_failed; }
    qint64 completed() const { return m_completed; }
    void start()
    {
        m_running = true;
        send();
    }
    void stop() { m_running = false; }
    bool idle() const { return !m_outstanding; }
    bool verified() const { return m_verified; }

private:
    void send()
    {
        m_outstanding = true;
        m_socket.write(m_frame);
    }
    void read()
    {
        if (!m_open) {
            m_head += m_socket.readAll();
            const HeadParse<HttpResponse> head = parseResponseHead(m_head);
            if (head.state == HeadState::Error || (head.state == HeadState::Complete && head.value.status != 101))
                m_failed = true;
            if (head.state == HeadState::Complete && head.value.status == 101)
                m_open = true;
            return;
        }
        // Echoes go through the core decoder: servers may fragment big messages (QWebSocket sends 1 MiB as
        // several frames), so a message is complete at its FIN frame, not after a fixed byte count.
        while (m_socket.bytesAvailable() > 0) {
            const qint64 n = m_socket.read(m_readBuffer.data(), m_readBuffer.size());
            if (n <= 0)
                break;
            m_decoder.feed(QByteArrayView(m_readBuffer.constData(), n));
            Frame frame;
            for (;;) {
                const FrameDecoder::Status status = m_decoder.next(frame);
                if (status == FrameDecoder::Status::Violation)
                    m_failed = true;
                if (status != FrameDecoder::Status::FrameReady)
                    break;
                if (!m_verified) { // the first echo is compared byte for byte
                    m_firstEcho += frame.payload;
                    if (frame.header.fin) {
                        m_failed = m_failed || m_firstEcho != m_payload;
                        m_verified = true;
                    }
                }
                if (!frame.header.fin)
                    continue;
                ++m_completed;
                m_outstanding = false;
                if (m_running)
                    send();
            }
        }
    }

    QTcpSocket m_socket;
    FrameDecoder m_decoder;
    QByteArray m_head, m_frame, m_payload, m_firstEcho;
    QByteArray m_readBuffer = QByteArray(256 * 1024, Qt::Uninitialized);
    qint64 m_completed = 0;
    bool m_open = false, m_failed = false, m_running = false, m_outstanding = false, m_verified = false;
};

struct Result {
    double messagesPerSecond = 0;
    double cpuPercent = 0;
    double generatorCpuPercent = 0; // near 100 means the generator, not the server, set the pace
    bool ok = false;
};

Result measure(const ServerProcess& server, int size, int connections, double seconds)
{
    Result result;
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < connections; ++i)
        clients.push_back(std::make_unique<Client>(server.port, size));
    const bool up = waitFor(
        [&] {
            for (const auto& c : clients) {
                if (c->failed() || !c->open())
                    return c->failed();
            }
            return true;
        },
        15000);
    for (const auto& c : clients) {
        if (!up || c->failed() || !c->open()) {
            std::fprintf(stderr, "%s: handshakes failed\n", qPrintable(server.name));
            return result;
        }
    }
    // A short warm-up, then the measured interval.
    for (auto& c : clients)
        c->start();
    const double warmup = qMin(0.5, seconds / 4);
    QElapsedTimer timer;
    timer.start();
    waitFor([&] { return timer.elapsed() >= qint64(warmup * 1000); }, 60000);
    qint64 before = 0;
    for (const auto& c : clients)
        before += c->completed();
    const double cpuBefore = cpuSeconds(server.process->processId());
    const double generatorBefore = cpuSeconds(QCoreApplication::applicationPid());
    timer.restart();
    waitFor([&] { return timer.elapsed() >= qint64(seconds * 1000); }, 600000);
    const double elapsed = double(timer.nsecsElapsed()) / 1e9;
    const double cpuAfter = cpuSeconds(server.process->processId());
    const double generatorAfter = cpuSeconds(QCoreApplication::applicationPid());
    qint64 after = 0;
    bool verified = true;
    for (const auto& c : clients) {
        after += c->completed();
        verified = verified && c->verified() && !c->failed();
        c->stop();
    }
    waitFor(
        [&] { // let outstanding echoes drain before the sockets go
            for (const auto& c : clients) {
                if (!c->idle())
                    return false;
            }
            return true;
        },
        10000);
    result.messagesPerSecond = double(after - before) / elapsed;
    result.cpuPercent = 100.0 * (cpuAfter - cpuBefore) / elapsed;
    result.generatorCpuPercent = 100.0 * (generatorAfter - generatorBefore) / elapsed;
    result.ok = verified;
    return result;
}

QString sizeLabel(int size)
{
    if (size >= (1 << 20))
        return QStringLiteral("%1 MiB").arg(size >> 20);
    if (size >= 1024)
        return QStringLiteral("%1 KiB").arg(size >> 10);
    return QStringLiteral("%1 B").arg(size);
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    double seconds = 3.0;
    int connections = 100;
    QList<int> sizes { 20, 1024, 16 * 1024, 1 << 20 };
    QStringList serveExtra; // --serve-arg X: extra flags for wsinspector serve (e.g. --no-record)
    bool onlyOurs = false; // --only-ours 1: skip the other servers
    const QStringList args = app.arguments();
    for (qsizetype i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--seconds"))
            seconds = args[i + 1].toDouble();
        else if (args[i] == QLatin1String("--connections"))
            connections = args[i + 1].toInt();
        else if (args[i] == QLatin1String("--serve-arg"))
            serveExtra.append(args[i + 1]);
        else if (args[i] == QLatin1String("--only-ours"))
            onlyOurs = args[i + 1] == QLatin1String("1");
        else if (args[i] == QLatin1String("--sizes")) {
            sizes.clear();
            for (const QString& s : args[i + 1].split(QLatin1Char(',')))
                sizes.append(s.toInt());
        }
    }

    const QString benchDir = QCoreApplication::applicationDirPath();
    const QString buildDir = QDir(benchDir).filePath(QStringLiteral(".."));
    // The source tree: $WSI_SOURCE_DIR, or the nearest directory above the executable holding tests/peers.
    QString sourceDir = qEnvironmentVariable("WSI_SOURCE_DIR");
    for (QDir dir(benchDir); sourceDir.isEmpty() && !dir.isRoot(); dir.cdUp()) {
        if (QFileInfo::exists(dir.filePath(QStringLiteral("tests/peers/node/peer.js"))))
            sourceDir = dir.absolutePath();
    }
    QTemporaryDir temp;
    const QString serveLog = temp.filePath(QStringLiteral("serve.log"));

    std::vector<ServerProcess> servers;
    if (auto s
        = startServer(QStringLiteral("wsinspector serve"), QDir(buildDir).filePath(QStringLiteral("wsinspector")),
            QStringList { QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                QStringLiteral("--no-deflate") }
                + serveExtra,
            serveLog))
        servers.push_back(std::move(*s));
    if (onlyOurs) {
    } else if (auto s = startServer(QStringLiteral("QWebSocketServer"),
                   QDir(benchDir).filePath(QStringLiteral("bench_qtechoserver")), {}))
        servers.push_back(std::move(*s));
    const QString nodeDir = sourceDir + QStringLiteral("/tests/peers/node");
    if (onlyOurs) {
    } else if (QFileInfo::exists(nodeDir + QStringLiteral("/node_modules/ws"))) {
        if (auto s = startServer(QStringLiteral("node ws"), QStringLiteral("node"),
                { QStringLiteral("peer.js"), QStringLiteral("server"), QStringLiteral("--port"), QStringLiteral("0"),
                    QStringLiteral("--no-deflate") },
                {}, nodeDir))
            servers.push_back(std::move(*s));
    } else {
        std::fprintf(stderr, "node ws: %s/node_modules/ws missing (npm install there); skipped\n", qPrintable(nodeDir));
    }
    if (servers.empty() || servers.front().name != QLatin1String("wsinspector serve")) {
        std::fprintf(stderr, "wsinspector serve did not start\n");
        return 1;
    }

    std::printf("echo benchmark: %d connections, one message outstanding each, %.1f s per run, binary messages, "
                "permessage-deflate off\n",
        connections, seconds);
    std::printf("%-8s %-18s %12s %10s %12s %8s %s\n", "size", "server", "messages/s", "CPU %", "CPU µs/msg",
        "gen CPU%", "vs ours");
    for (const int size : sizes) {
        // 1 MiB messages: 100 connections move 200 MiB per round; give each run the same time budget.
        std::vector<Result> results;
        for (const ServerProcess& server : servers)
            results.push_back(measure(server, size, connections, seconds));
        for (size_t i = 0; i < servers.size(); ++i) {
            const Result& r = results[i];
            const double cpuPerMessage = r.messagesPerSecond > 0 ? 1e6 * r.cpuPercent / 100.0 / r.messagesPerSecond : 0;
            const QString ratio = i == 0 || r.messagesPerSecond <= 0
                ? QString()
                : QStringLiteral("ours = %1x").arg(results[0].messagesPerSecond / r.messagesPerSecond, 0, 'f', 2);
            std::printf("%-8s %-18s %12.0f %10.0f %12.1f %8.0f %s%s\n", qPrintable(sizeLabel(size)),
                qPrintable(servers[i].name), r.messagesPerSecond, r.cpuPercent, cpuPerMessage, r.generatorCpuPercent,
                qPrintable(ratio),
                r.ok ? "" : "  (echo NOT verified)");
        }
        std::fflush(stdout);
    }
    QFileInfo log(serveLog);
    std::printf("wsinspector printed %lld bytes of frame lines meanwhile\n", log.size());

    for (ServerProcess& s : servers) {
        s.process->terminate();
        if (!s.process->waitForFinished(5000))
            s.process->kill();
    }
    return 0;
}
