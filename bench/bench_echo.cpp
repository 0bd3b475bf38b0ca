// Echo throughput of `wsinspector serve` against a QWebSocketServer echo server and node ws, in one run.
//
// A closed-loop load generator: N connections, each with exactly one message outstanding; a connection sends
// its next message as soon as the whole echo is back. The generator is one epoll loop on raw sockets, far
// cheaper per message than any of the servers, so the server sets the pace (its "gen CPU%" column says so). Each server
// runs as its own process so its CPU time (utime + stime from /proc/PID/stat) is measured apart from the generator's.
//
//   build/bench/bench_echo [--seconds S] [--connections N] [--sizes 20,1024,16384,1048576]
//
// Besides QWebSocketServer and node ws it runs bench_floorechoserver, a minimal echo on raw epoll: the least a
// WebSocket echo costs on this kernel, the ceiling for any server here.
//
// Expects build/wsinspector and build/bench/bench_qtechoserver next to it, and node with tests/peers/node
// installed (skipped with a note when missing). wsinspector runs as users run it: recording transcripts and
// printing frame lines (to a file here), with permessage-deflate off so all three do the same work; a second
// instance runs with --no-record to show what recording costs.

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
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <arpa/inet.h>
#include <cstdio>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
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

struct CpuTime {
    double user = -1, system = -1;
    double total() const { return user + system; }
};

CpuTime cpuTime(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = stat.readAll();
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return {};
    const double tick = double(sysconf(_SC_CLK_TCK));
    return { fields[11].toDouble() / tick, fields[12].toDouble() / tick }; // utime, stime (fields 14, 15)
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

// The load generator: every connection in one epoll loop on raw non-blocking sockets, so that the generator
// costs about two system calls per message and the server under test, not the generator, sets the pace.
class LoadGenerator
{
public:
    LoadGenerator(quint16 port, int size, int connections)
    {
        QByteArray payload(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i)
            payload[i] = char('a' + i % 26);
        m_payload = payload;
        const quint32 r = QRandomGenerator::global()->generate();
        const MaskKey key { quint8(r), quint8(r >> 8), quint8(r >> 16), quint8(r >> 24) };
        // One encoded frame, sent again and again: the generator's own cost per message stays small.
        m_frame = encodeFrame(Role::Client, quint8(Opcode::Binary), payload, key);
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        m_connections.resize(size_t(connections));
        for (size_t i = 0; i < m_connections.size(); ++i) {
            Connection& c = m_connections[i];
            c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            const int one = 1;
            ::setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            // Blocking connect and handshake write: set-up is not measured.
            if (::connect(c.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
                m_failed = true;
                continue;
            }
            const QByteArray request(
                "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            if (::send(c.fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) != request.size())
                m_failed = true;
            ::fcntl(c.fd, F_SETFL, ::fcntl(c.fd, F_GETFL) | O_NONBLOCK);
            epoll_event event {};
            event.events = EPOLLIN;
            event.data.u64 = i;
            ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, c.fd, &event);
        }
    }
    ~LoadGenerator()
    {
        for (const Connection& c : m_connections)
            ::close(c.fd);
        ::close(m_epoll);
    }

    // Waits for every 101; false when one failed or the timeout passed.
    bool handshake(int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        while (!m_failed && m_open < qsizetype(m_connections.size()) && clock.elapsed() < timeoutMs)
            poll(50);
        return !m_failed && m_open == qsizetype(m_connections.size());
    }
    // Closed loop for `ms`: each connection sends its next message once the whole echo is back.
    void run(qint64 ms)
    {
        for (Connection& c : m_connections) {
            if (!c.outstanding)
                send(c);
        }
        QElapsedTimer clock;
        clock.start();
        while (!m_failed && clock.elapsed() < ms)
            poll(10);
    }
    // Stops sending and takes in the echoes still on their way.
    void drain(int timeoutMs)
    {
        m_running = false;
        QElapsedTimer clock;
        clock.start();
        auto outstanding = [this] {
            return std::any_of(
                m_connections.begin(), m_connections.end(), [](const Connection& c) { return c.outstanding; });
        };
        while (!m_failed && outstanding() && clock.elapsed() < timeoutMs)
            poll(10);
    }
    qint64 completed() const { return m_completed; }
    bool failed() const { return m_failed; }
    bool verified() const
    {
        return std::all_of(m_connections.begin(), m_connections.end(), [](const Connection& c) { return c.verified; });
    }

private:
    struct Connection {
        int fd = -1;
        bool open = false, outstanding = false, verified = false, watchingWrite = false;
        QByteArray head; // the response head, until complete
        qint64 sendOffset = 0; // into m_frame, while a big frame is partly written
        // Echo parsing: servers may fragment big messages (QWebSocket sends 1 MiB as several frames), so a
        // message ends with its FIN frame. Payloads are skipped, not copied, except the first echo's.
        quint8 header[14] {};
        int headerHave = 0;
        quint64 payloadLeft = 0;
        bool frameFin = false, inPayload = false;
        QByteArray firstEcho;
    };

    void poll(int timeoutMs)
    {
        epoll_event events[128];
        const int n = ::epoll_wait(m_epoll, events, 128, timeoutMs);
        for (int i = 0; i < n; ++i) {
            Connection& c = m_connections[events[i].data.u64];
            if (events[i].events & EPOLLOUT)
                flush(c);
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
                receive(c);
        }
    }
    void send(Connection& c)
    {
        c.outstanding = true;
        c.sendOffset = 0;
        flush(c);
    }
    void flush(Connection& c)
    {
        while (c.sendOffset < m_frame.size()) {
            const ssize_t n
                = ::send(c.fd, m_frame.constData() + c.sendOffset, size_t(m_frame.size() - c.sendOffset), MSG_NOSIGNAL);
            if (n < 0 && errno == EAGAIN)
                break;
            if (n <= 0) {
                m_failed = true;
                return;
            }
            c.sendOffset += n;
        }
        watchWritable(c, c.sendOffset < m_frame.size());
    }
    void watchWritable(Connection& c, bool on)
    {
        epoll_event event {};
        event.events = EPOLLIN | (on ? EPOLLOUT : 0u);
        event.data.u64 = quint64(&c - m_connections.data());
        if (on || c.watchingWrite)
            ::epoll_ctl(m_epoll, EPOLL_CTL_MOD, c.fd, &event);
        c.watchingWrite = on;
    }
    void receive(Connection& c)
    {
        for (;;) {
            const ssize_t n = ::recv(c.fd, m_readBuffer.data(), size_t(m_readBuffer.size()), 0);
            if (n < 0 && errno == EAGAIN)
                return;
            if (n <= 0) {
                m_failed = true; // the server closed or reset a connection mid-run
                return;
            }
            if (!c.open)
                takeHead(c, QByteArrayView(m_readBuffer.constData(), n));
            else
                takeEcho(c, reinterpret_cast<const quint8*>(m_readBuffer.constData()), n);
            if (n < m_readBuffer.size())
                return; // the socket is drained; epoll says when more arrives
        }
    }
    void takeHead(Connection& c, QByteArrayView bytes)
    {
        c.head += bytes;
        const HeadParse<HttpResponse> head = parseResponseHead(c.head);
        if (head.state == HeadState::Error || (head.state == HeadState::Complete && head.value.status != 101))
            m_failed = true;
        if (head.state == HeadState::Complete && head.value.status == 101) {
            c.open = true;
            ++m_open;
            if (c.head.size() > head.headBytes)
                m_failed = true; // nothing was sent yet, so nothing may follow the head
        }
    }
    void takeEcho(Connection& c, const quint8* data, qint64 size)
    {
        while (size > 0) {
            if (!c.inPayload) {
                c.header[c.headerHave++] = *data++;
                --size;
                if (c.headerHave < 2)
                    continue;
                const int lengthCode = c.header[1] & 0x7f;
                const int need = 2 + (lengthCode == 126 ? 2 : lengthCode == 127 ? 8 : 0);
                if (c.headerHave < need)
                    continue;
                quint64 length = lengthCode;
                if (lengthCode >= 126) {
                    length = 0;
                    for (int i = 2; i < need; ++i)
                        length = (length << 8) | c.header[i];
                }
                if (c.header[1] & 0x80) {
                    m_failed = true; // a server never masks (RFC 6455 §5.1)
                    return;
                }
                c.frameFin = c.header[0] & 0x80;
                c.payloadLeft = length;
                c.headerHave = 0;
                c.inPayload = true;
            }
            const qint64 take = qint64(qMin<quint64>(c.payloadLeft, quint64(size)));
            if (!c.verified)
                c.firstEcho.append(reinterpret_cast<const char*>(data), take);
            data += take;
            size -= take;
            c.payloadLeft -= quint64(take);
            if (c.payloadLeft > 0)
                return;
            c.inPayload = false;
            if (!c.frameFin)
                continue;
            if (!c.verified) { // the first echo is compared byte for byte
                m_failed = m_failed || c.firstEcho != m_payload;
                c.verified = true;
                c.firstEcho = {};
            }
            ++m_completed;
            c.outstanding = false;
            if (m_running)
                send(c);
        }
    }

    int m_epoll = -1;
    std::vector<Connection> m_connections;
    QByteArray m_frame, m_payload;
    QByteArray m_readBuffer = QByteArray(256 * 1024, Qt::Uninitialized);
    qsizetype m_open = 0;
    qint64 m_completed = 0;
    bool m_failed = false, m_running = true;
};

struct Result {
    double messagesPerSecond = 0;
    double cpuPercent = 0;
    double kernelPercent = 0; // the part of cpuPercent spent in the kernel (system calls, TCP)
    double generatorCpuPercent = 0; // near 100 means the generator, not the server, set the pace
    bool ok = false;
};

Result measure(const ServerProcess& server, int size, int connections, double seconds)
{
    Result result;
    LoadGenerator generator(server.port, size, connections);
    if (!generator.handshake(15000)) {
        std::fprintf(stderr, "%s: handshakes failed\n", qPrintable(server.name));
        return result;
    }
    // A short warm-up, then the measured interval.
    generator.run(qint64(qMin(0.5, seconds / 4) * 1000));
    const qint64 before = generator.completed();
    const CpuTime cpuBefore = cpuTime(server.process->processId());
    const CpuTime generatorBefore = cpuTime(QCoreApplication::applicationPid());
    QElapsedTimer timer;
    timer.start();
    generator.run(qint64(seconds * 1000));
    const double elapsed = double(timer.nsecsElapsed()) / 1e9;
    const CpuTime cpuAfter = cpuTime(server.process->processId());
    const CpuTime generatorAfter = cpuTime(QCoreApplication::applicationPid());
    const qint64 after = generator.completed();
    generator.drain(10000); // let outstanding echoes arrive before the sockets go
    result.messagesPerSecond = double(after - before) / elapsed;
    result.cpuPercent = 100.0 * (cpuAfter.total() - cpuBefore.total()) / elapsed;
    result.kernelPercent = 100.0 * (cpuAfter.system - cpuBefore.system) / elapsed;
    result.generatorCpuPercent = 100.0 * (generatorAfter.total() - generatorBefore.total()) / elapsed;
    result.ok = generator.verified() && !generator.failed();
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
    // WSI_BENCH_WRAP="valgrind --tool=callgrind" runs our server under a profiler (instruction counts per
    // message do not depend on what else the machine is doing).
    QStringList serveCommand = qEnvironmentVariable("WSI_BENCH_WRAP").split(QLatin1Char(' '), Qt::SkipEmptyParts);
    serveCommand << QDir(buildDir).filePath(QStringLiteral("wsinspector")) << QStringLiteral("serve")
                 << QStringLiteral("--listen") << QStringLiteral("127.0.0.1:0") << QStringLiteral("--no-deflate")
                 << serveExtra;
    const QString serveProgram = serveCommand.takeFirst();
    if (auto s = startServer(QStringLiteral("wsinspector serve"), serveProgram, serveCommand, serveLog))
        servers.push_back(std::move(*s));
    // The same server with per-frame recording switched off: what recording costs, in every run.
    if (auto s = startServer(QStringLiteral("  ... --no-record"), serveProgram,
            serveCommand + QStringList { QStringLiteral("--no-record") },
            temp.filePath(QStringLiteral("norecord.log"))))
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
    if (onlyOurs) {
    } else if (auto s = startServer(QStringLiteral("floor (raw epoll)"),
                   QDir(benchDir).filePath(QStringLiteral("bench_floorechoserver")), {}))
        servers.push_back(std::move(*s));
    if (servers.empty() || servers.front().name != QLatin1String("wsinspector serve")) {
        std::fprintf(stderr, "wsinspector serve did not start\n");
        return 1;
    }

    std::printf("echo benchmark: %d connections, one message outstanding each, %.1f s per run, binary messages, "
                "permessage-deflate off\n",
        connections, seconds);
    std::printf("%-8s %-18s %12s %7s %12s %15s %8s %s\n", "size", "server", "messages/s", "CPU %", "CPU µs/msg",
        "kernel µs/msg", "gen CPU%", "vs ours");
    for (const int size : sizes) {
        // 1 MiB messages: 100 connections move 200 MiB per round; give each run the same time budget.
        std::vector<Result> results;
        for (const ServerProcess& server : servers)
            results.push_back(measure(server, size, connections, seconds));
        for (size_t i = 0; i < servers.size(); ++i) {
            const Result& r = results[i];
            const double perMessage = r.messagesPerSecond > 0 ? 1e6 / 100.0 / r.messagesPerSecond : 0;
            const QString ratio = i == 0 || r.messagesPerSecond <= 0
                ? QString()
                : QStringLiteral("ours = %1x").arg(results[0].messagesPerSecond / r.messagesPerSecond, 0, 'f', 2);
            std::printf("%-8s %-18s %12.0f %7.0f %12.1f %15.1f %8.0f %s%s\n", qPrintable(sizeLabel(size)),
                qPrintable(servers[i].name), r.messagesPerSecond, r.cpuPercent, r.cpuPercent * perMessage,
                r.kernelPercent * perMessage, r.generatorCpuPercent, qPrintable(ratio),
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
