// `wsinspector serve`: the echo server without a window. Flags map 1:1 onto ServerPolicy; what happens is
// printed from the connections' transcripts, human-readable or as one JSON object per line.

#include "cli/commands.h"
#include "cli/jsonevents.h"
#include "cli/output.h"
#include "cli/serveoptions.h"
#include "core/authentication.h"
#include "core/closepayload.h"
#include "core/sessionstate.h"
#include "core/wirebytes.h"
#include "engine/echoserver.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QSocketNotifier>
#include <QTimer>
#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace wsi
{

namespace
{

// ---- SIGINT/SIGTERM: the handler only writes a byte; the event loop does the rest ----

int g_signalPipe[2] = { -1, -1 };

void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_signalPipe[1], &byte, 1);
}

bool installSignalHandlers()
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return false;
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return ::sigaction(SIGINT, &action, nullptr) == 0 && ::sigaction(SIGTERM, &action, nullptr) == 0;
}

// ---- output ----

QString initiatorName(const CloseRecord& close)
{
    switch (close.initiator) {
    case CloseRecord::Initiator::Local:
        return QStringLiteral("server");
    case CloseRecord::Initiator::Remote:
        return QStringLiteral("client");
    case CloseRecord::Initiator::None:
        break;
    }
    return QStringLiteral("none");
}

// Prints what the server's connections recorded. Frames, messages and notes are read from the transcripts on
// a timer, so a busy connection costs one batch per tick rather than a write per frame, and a per-tick cap
// keeps printing from ever becoming what limits the echo.
class Reporter : public QObject
{
public:
    Reporter(EchoServer& server, const ServeOptions& options)
        : m_server(server)
        , m_options(options)
    {
        m_timer.setInterval(25);
        connect(&m_timer, &QTimer::timeout, this, &Reporter::tick);
        connect(&server, &EchoServer::connectionAccepted, this,
            [this](ServerConnection* c) { m_cursors.insert(c, Cursor { .events = serveEvents(c->id()) }); });
        connect(&server, &EchoServer::handshakeDecided, this, &Reporter::handshake);
        connect(&server, &EchoServer::connectionClosed, this, &Reporter::closed);
        m_timer.start();
    }

    void listening()
    {
        const QString url = m_server.url().toString();
        if (m_options.json) {
            QJsonObject event { { QStringLiteral("event"), QStringLiteral("listening") },
                { QStringLiteral("url"), url } };
            if (const auto& identity = m_server.tlsIdentity())
                event[QStringLiteral("fingerprint")] = identity->fingerprintSha256();
            m_out.json(event);
        } else {
            m_out.line(QByteArray("listening ") + url.toUtf8());
            if (const auto& identity = m_server.tlsIdentity())
                m_out.line("certificate SHA-256 " + identity->fingerprintSha256().toLatin1());
        }
        m_out.flush(); // scripts wait for this line before connecting
    }

    void info(const QString& text)
    {
        if (m_options.json)
            m_out.json({ { QStringLiteral("event"), QStringLiteral("info") }, { QStringLiteral("text"), text } });
        else
            m_out.line(text.toUtf8());
    }

    void flushAll()
    {
        tick();
        m_out.flush();
    }

private:
    struct Cursor {
        qsizetype frames = 0, messages = 0, notes = 0;
        EventSerializer events; // the connection's JSON events (cli/jsonevents.h)
    };

    void handshake(ServerConnection* c)
    {
        const HandshakeRecord& h = c->transcript().handshake();
        if (m_options.json) {
            QByteArray line;
            serveEvents(c->id()).handshake(line, h, c->peer());
            m_out.line(line);
        } else {
            const QByteArray prefix = '#' + QByteArray::number(c->id()) + ' ';
            // A log line: the credentials a query carries are hidden (the JSON output is the full record).
            const QByteArray requestLine
                = requestLineForLog(h.rawRequest.left(qMax<qsizetype>(0, h.rawRequest.indexOf("\r\n"))), c->policy());
            const QByteArray statusLine = h.rawResponse.left(qMax<qsizetype>(0, h.rawResponse.indexOf("\r\n")));
            QByteArray line
                = prefix + c->peer().toLatin1() + " \"" + requestLine.left(200) + "\" → " + statusLine.mid(9);
            if (!h.protocol.isEmpty())
                line += "  protocol=" + h.protocol;
            if (!h.extensions.isEmpty())
                line += "  extensions=" + h.extensions;
            if (h.user)
                line += "  user=" + h.user->name.toUtf8();
            m_out.line(line);
            for (const DecisionStep& step : h.decisionSteps)
                m_out.line(prefix + "  · " + decisionStepText(step).toUtf8());
        }
    }

    void closed(ServerConnection* c)
    {
        report(c);
        m_cursors.remove(c);
        const CloseRecord& close = c->transcript().close();
        const quint16 code = closeInitiatorCode(close);
        const QByteArray reason = closeInitiatorReason(close);
        if (m_options.json) {
            QByteArray line;
            const WireTotals wire = wireTotals(c->transcript(), Role::Server);
            serveEvents(c->id()).close(line, close, qint64(c->bytesIn()), qint64(c->bytesOut()), &wire);
            m_out.line(line);
        } else if (const int status = c->transcript().handshake().status; status > 0 && status != 101) {
            // Refused over HTTP: no WebSocket existed, so no close code applies; core's headline says what happened.
            m_out.line(QStringLiteral("#%1 ended: %2")
                           .arg(c->id())
                           .arg(sessionState(sessionFactsFromTranscript(c->transcript(), Role::Server)).headline)
                           .toUtf8());
        } else {
            m_out.line(QStringLiteral("#%1 closed %2 %3%4, initiated by %5%6")
                           .arg(c->id())
                           .arg(code)
                           .arg(closeCodeName(code),
                               reason.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(QString::fromUtf8(reason)),
                               initiatorName(close),
                               close.clean ? QStringLiteral(" (clean)") : QStringLiteral(" (no closing handshake)"))
                           .toUtf8());
        }
    }

    void tick()
    {
        m_budget = kLinesPerTick;
        for (auto it = m_cursors.cbegin(); it != m_cursors.cend(); ++it)
            report(it.key());
    }

    // New records of one connection, in time order.
    void report(ServerConnection* c)
    {
        auto found = m_cursors.find(c);
        if (found == m_cursors.end())
            return;
        Cursor& cursor = found.value();
        const Transcript& t = c->transcript();
        const ChunkedList<FrameRecord>& frames = t.frames();
        const MessageList messages = t.messages();
        const QList<NoteRecord>& notes = t.notes();
        const QByteArray conn = QByteArray::number(c->id());
        qsizetype skipped = 0;
        for (;;) {
            const qint64 tf = cursor.frames < frames.size() ? frames[cursor.frames].timeUs : kNever;
            const qint64 tm = cursor.messages < messages.size() ? messages[cursor.messages].timeUs : kNever;
            const qint64 tn = cursor.notes < notes.size() ? notes[cursor.notes].timeUs : kNever;
            if (tf == kNever && tm == kNever && tn == kNever)
                break;
            if (tn <= tf && tn <= tm) {
                note(conn, cursor, notes[cursor.notes++]); // notes are rare and always printed
            } else if (!m_options.frames || m_budget == 0) {
                // Frame and message lines are off, or this tick's lines are spent: skip the rest at once
                // (a busy server skips most records, so this must not cost a step per record).
                if (m_options.frames)
                    skipped += (frames.size() - cursor.frames) + (messages.size() - cursor.messages);
                cursor.frames = frames.size();
                cursor.messages = messages.size();
            } else if (tf <= tm) {
                --m_budget;
                frame(conn, cursor, t, cursor.frames++);
            } else {
                --m_budget;
                message(conn, cursor, t, cursor.messages++);
            }
        }
        if (skipped > 0)
            skippedLine(conn, skipped);
        // Printed (or skipped) records are not read again: a connection echoing for hours holds only what
        // the next tick prints, not every frame since it opened.
        c->releaseRecordsBefore(qint32(cursor.frames), qint32(cursor.messages));
    }

    void frame(const QByteArray& conn, Cursor& cursor, const Transcript& t, qsizetype index)
    {
        // Formatted by hand (no QJsonObject): this is the one line that can occur hundreds of thousands of
        // times a second.
        const FrameRecord& f = t.frames()[index];
        QByteArray line;
        line.reserve(280);
        if (m_options.json) {
            cursor.events.frame(line, t, index);
        } else {
            line.append('#').append(conn).append(f.dir == Direction::In ? " in  " : " out ");
            line.append(opcodeName(f.opcode).toLatin1());
            line.append(f.fin ? " fin" : " more");
            if (f.rsv1 || f.rsv2 || f.rsv3)
                line.append(" rsv=").append(f.rsv1 ? '1' : '0').append(f.rsv2 ? '1' : '0').append(f.rsv3 ? '1' : '0');
            if (f.masked)
                line.append(" masked");
            line.append(" len=").append(QByteArray::number(f.payloadLength));
        }
        m_out.line(line);
    }

    void message(const QByteArray& conn, Cursor& cursor, const Transcript& t, qsizetype index)
    {
        // Formatted by hand like frame(): a busy connection has as many message lines as frame lines.
        // A short preview of text messages helps a person follow the conversation; it is decoded and
        // encoded again so that a preview cut inside a character stays valid UTF-8.
        const MessageRecord m = t.messages()[index];
        QByteArray line;
        line.reserve(320);
        if (m_options.json) {
            cursor.events.message(line, t, index, m);
        } else {
            line.append('#').append(conn).append(m.dir == Direction::In ? " in  " : " out ").append("message ");
            line.append(opcodeName(m.opcode).toLatin1())
                .append(' ')
                .append(QByteArray::number(m.length))
                .append(" bytes");
            if (m.compressed)
                line.append(" (compressed to ").append(QByteArray::number(m.wireBytes)).append(')');
            QByteArray preview;
            if (m.opcode == quint8(Opcode::Text) && m.payloadKept > 0)
                preview
                    = QString::fromUtf8(t.payloads().read(m.payloadOffset, qMin<qint64>(m.payloadKept, kPreviewBytes)))
                          .toUtf8();
            if (!preview.isEmpty())
                line.append(": ").append(preview.replace('\n', ' ').replace('\r', ' '));
        }
        m_out.line(line);
    }

    void note(const QByteArray& conn, const Cursor& cursor, const NoteRecord& n)
    {
        const char* level = n.level == NoteRecord::Level::Error ? "error"
            : n.level == NoteRecord::Level::Warning             ? "warning"
                                                                : "info";
        if (m_options.json) {
            QByteArray line;
            cursor.events.note(line, n);
            m_out.line(line);
        } else
            m_out.line('#' + conn + ' ' + level + ": " + n.text.toUtf8());
    }

    void skippedLine(const QByteArray& conn, qsizetype count)
    {
        if (m_options.json)
            m_out.json({ { QStringLiteral("event"), QStringLiteral("skipped") },
                { QStringLiteral("conn"), conn.toInt() }, { QStringLiteral("records"), double(count) } });
        else
            m_out.line('#' + conn + " … " + QByteArray::number(count) + " frame/message lines not printed");
    }

    static constexpr qint64 kNever = std::numeric_limits<qint64>::max();
    // 500 lines per 25 ms tick: 20 000 lines a second, more than anyone reads. Measured with bench_echo, a
    // higher cap lets formatting take a visible share of a busy server's time and stalls the loop per tick.
    static constexpr int kLinesPerTick = 500;

    EchoServer& m_server;
    const ServeOptions& m_options;
    LineWriter m_out;
    QTimer m_timer;
    QHash<ServerConnection*, Cursor> m_cursors; // open connections: closed ones leave in closed()
    int m_budget = kLinesPerTick;
};

} // namespace

int runServe(int argc, char** argv)
{
    QStringList args;
    for (int i = 2; i < argc; ++i)
        args.append(QString::fromLocal8Bit(argv[i]));
    const ServeParse parsed = parseServeArguments(args);
    if (parsed.help) {
        std::fputs(qPrintable(serveUsageText()), stdout);
        return 0;
    }
    if (!parsed.options) {
        std::fprintf(stderr, "wsinspector serve: %s\n%s", qPrintable(parsed.error), qPrintable(serveUsageText()));
        return kExitUsage;
    }
    const ServeOptions& options = *parsed.options;

    QCoreApplication app(argc, argv);
    EchoServer server;
    server.setPolicy(options.policy);
    if (const QStringList problems = server.policyFileProblems(); !problems.isEmpty()) {
        for (const QString& problem : problems)
            std::fprintf(stderr, "wsinspector serve: %s\n", qPrintable(problem));
        return kExitUsage; // a flag named a file that cannot serve its purpose
    }
    server.setRecording(options.record);
    server.setPayloadBudgetPerConnection(options.payloadBudget);

    if (options.tls) {
        QString error;
        const std::optional<TlsIdentity> identity = options.certFile.isEmpty()
            ? generateSelfSignedIdentity(&error)
            : loadTlsIdentity(options.certFile, options.keyFile, &error);
        if (!identity) {
            std::fprintf(stderr, "wsinspector serve: %s\n", qPrintable(error));
            return 1;
        }
        server.enableTls(*identity);
    }
    if (!options.address.isLoopback())
        std::fprintf(stderr,
            "wsinspector serve: warning: listening on %s, which is not a loopback address: other machines can "
            "connect to this echo server.\n",
            qPrintable(options.address.toString()));

    if (!installSignalHandlers()) {
        std::fprintf(stderr, "wsinspector serve: cannot install signal handlers\n");
        return 1;
    }
    QSocketNotifier signalNotifier(g_signalPipe[0], QSocketNotifier::Read);

    QString error;
    if (!server.listen(options.address, options.port, &error)) {
        std::fprintf(stderr, "wsinspector serve: %s\n", qPrintable(error));
        return 1;
    }
    Reporter reporter(server, options);
    reporter.listening();

    // Shutdown: stop accepting, close every connection with 1001, give clients a moment to answer, then exit 0.
    QTimer shutdownDeadline;
    shutdownDeadline.setSingleShot(true);
    bool shuttingDown = false;
    const auto finish = [&] {
        reporter.flushAll();
        app.exit(0);
    };
    const auto allClosed = [&] {
        for (ServerConnection* c : server.connections()) {
            if (c->phase() != ServerConnection::Phase::Closed)
                return false;
        }
        return true;
    };
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&] {
        char byte;
        [[maybe_unused]] const ssize_t n = ::read(g_signalPipe[0], &byte, 1);
        if (shuttingDown) { // a second signal: do not wait any longer
            finish();
            return;
        }
        shuttingDown = true;
        reporter.info(QStringLiteral("shutting down: closing connections with 1001"));
        server.close();
        if (allClosed())
            finish();
        else
            shutdownDeadline.start(2000);
    });
    QObject::connect(&server, &EchoServer::connectionClosed, &app, [&] {
        if (shuttingDown && allClosed())
            QTimer::singleShot(0, &app, finish); // after the reporter printed this close
    });
    QObject::connect(&shutdownDeadline, &QTimer::timeout, &app, finish);

    return app.exec();
}

} // namespace wsi
