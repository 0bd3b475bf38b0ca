// `wsinspector probe`: one scripted handshake and exchange, printed as text or JSON Lines.
#include "cli/commands.h"
#include "cli/jsonevents.h"
#include "cli/output.h"
#include "cli/probeargs.h"
#include "core/closepayload.h"
#include "core/transcriptjson.h"
#include "core/utf8.h"
#include "core/wirebytes.h"
#include "engine/clientsession.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QSaveFile>
#include <QTimer>
#include <cstdio>

namespace wsi
{

namespace
{

constexpr int kPrintIntervalMs = 25;
constexpr qsizetype kHumanPayloadChars = 200;

// One line of the head or body, readable: control bytes (and bytes of invalid UTF-8) as \xNN.
QByteArray printable(QByteArrayView line)
{
    const bool utf8 = isValidUtf8(line);
    QByteArray out;
    out.reserve(line.size());
    for (char c : line) {
        const auto u = quint8(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f || (u >= 0x80 && !utf8))
            out += "\\x" + QByteArray::number(u, 16).rightJustified(2, '0');
        else
            out += c;
    }
    return out;
}

// Raw bytes as lines with a prefix; CRLF ends a line, a bare LF shows as \n so it stays visible.
void printRaw(LineWriter& out, const char* prefix, QByteArrayView raw)
{
    qsizetype pos = 0;
    while (pos < raw.size()) {
        qsizetype end = raw.indexOf("\r\n", pos);
        if (end < 0)
            end = raw.size();
        QByteArray line = printable(raw.sliced(pos, end - pos));
        line.replace("\\x0a", "\\n");
        out.line(QByteArray(prefix) + line);
        pos = end + 2;
    }
}

QJsonValue nullable(const QByteArray& bytes)
{
    return bytes.isNull() ? QJsonValue() : QJsonValue(QString::fromUtf8(bytes));
}

QString resultName(Severity s)
{
    return severityName(s);
}

QByteArray clip(const QByteArray& text, qsizetype max)
{
    if (text.size() <= max)
        return text;
    return text.left(max) + "… (" + QByteArray::number(text.size() - max) + " more bytes)";
}

class ProbeRun : public QObject
{
public:
    ProbeRun(const ProbeArgs& args, LineWriter& out)
        : m_args(args)
        , m_out(out)
    {
        m_printTimer.setInterval(kPrintIntervalMs);
        connect(&m_printTimer, &QTimer::timeout, this, [this] { printNewRecords(); });
        m_stepTimer.setSingleShot(true);
        connect(&m_stepTimer, &QTimer::timeout, this, [this] { nextStep(); });
        connect(&m_session, &ClientSession::phaseChanged, this, [this](ClientSession::Phase phase) {
            if (phase == ClientSession::Phase::Handshaking)
                printRequest();
        });
        connect(&m_session, &ClientSession::handshakeFinished, this, [this] { onHandshake(); });
        connect(&m_session, &ClientSession::messageReceived, this, [this](const Message& message) {
            // With --echo every message that is not the answer a step waits for goes back, also one
            // that arrives before the echoing phase starts (e.g. right behind the 101).
            if (m_waitingFor == Waiting::Message || !m_args.echo)
                answerArrived(false);
            else
                echoBack(message);
        });
        connect(&m_session, &ClientSession::pongReceived, this, [this] { answerArrived(true); });
        connect(&m_session, &ClientSession::finished, this, [this] { onFinished(); });
    }

    void start(const HandshakeSpec& spec) { m_session.start(spec, probeClientOptions(m_args)); }
    int exitCode() const { return m_exitCode; }

private:
    void printRequest()
    {
        const BuiltRequest& request = m_session.request();
        if (m_args.json) {
            QJsonObject o { { QStringLiteral("event"), QStringLiteral("request") },
                { QStringLiteral("raw"), QString::fromUtf8(request.bytes) },
                { QStringLiteral("url"), request.url.toString() }, { QStringLiteral("bytes"), request.bytes.size() } };
            if (!isValidUtf8(request.bytes))
                o.insert(QStringLiteral("base64"), QString::fromLatin1(request.bytes.toBase64()));
            if (const auto& tls = m_session.tlsInfo())
                o.insert(QStringLiteral("tls"), tlsJson(*tls));
            m_out.json(o);
            return;
        }
        m_out.line("* Connected to " + request.host.toUtf8() + ':' + QByteArray::number(request.port));
        if (const auto& tls = m_session.tlsInfo()) {
            m_out.line("* TLS " + tls->protocol.toUtf8() + ", " + tls->cipher.toUtf8()
                + (tls->peerChain.isEmpty()
                        ? QByteArray()
                        : ", server certificate " + tls->peerChain.first().subjectDisplayName().toUtf8()));
            for (const QString& e : tls->verificationErrors)
                m_out.line("* TLS verification: " + e.toUtf8() + (m_args.insecure ? " (ignored: --insecure)" : ""));
        }
        printRaw(m_out, "> ", request.bytes);
    }

    static QJsonObject tlsJson(const TlsInfo& tls)
    {
        QJsonArray chain;
        for (const QSslCertificate& c : tls.peerChain)
            chain.append(c.subjectDisplayName());
        return QJsonObject { { QStringLiteral("protocol"), tls.protocol }, { QStringLiteral("cipher"), tls.cipher },
            { QStringLiteral("peerChain"), chain },
            { QStringLiteral("verificationErrors"), QJsonArray::fromStringList(tls.verificationErrors) } };
    }

    void onHandshake()
    {
        const HandshakeRecord& h = m_session.transcript().handshake();
        const auto& response = m_session.response();
        if (m_args.json) {
            if (!h.rawResponse.isEmpty() || response) {
                QJsonObject o { { QStringLiteral("event"), QStringLiteral("response") },
                    { QStringLiteral("raw"), QString::fromUtf8(h.rawResponse) },
                    { QStringLiteral("status"), response ? response->status : 0 },
                    { QStringLiteral("body"), response ? QString::fromUtf8(response->body) : QString() } };
                if (response) {
                    o.insert(QStringLiteral("reason"), QString::fromUtf8(response->reason));
                    QJsonArray headers;
                    for (const Header& field : response->headers.fields())
                        headers.append(QJsonArray { QString::fromUtf8(field.name), QString::fromUtf8(field.value) });
                    o.insert(QStringLiteral("headers"), headers);
                }
                if (!isValidUtf8(h.rawResponse))
                    o.insert(QStringLiteral("base64"), QString::fromLatin1(h.rawResponse.toBase64()));
                m_out.json(o);
            }
            for (const Finding& f : m_session.findings()) {
                m_out.json(QJsonObject { { QStringLiteral("event"), QStringLiteral("check") },
                    { QStringLiteral("id"), f.id }, { QStringLiteral("result"), resultName(f.severity) },
                    { QStringLiteral("message"), f.message }, { QStringLiteral("rfc"), f.rfc },
                    { QStringLiteral("header"), QString::fromLatin1(f.header) } });
            }
        } else {
            if (!h.rawResponse.isEmpty())
                printRaw(m_out, "< ", h.rawResponse);
            for (const Finding& f : m_session.findings()) {
                m_out.line(humanResult(f.severity) + ' ' + f.id.toUtf8() + ": " + f.message.toUtf8()
                    + (f.rfc.isEmpty() ? QByteArray() : " [" + f.rfc.toUtf8() + ']'));
            }
        }
        if (m_session.phase() == ClientSession::Phase::Open) {
            m_opened = true;
            m_printTimer.start();
            m_step = -1;
            // From the event loop: bytes that came with the 101 are decoded first, so a server that
            // breaks the protocol at once is seen before anything is sent.
            QTimer::singleShot(0, this, [this] { nextStep(); });
        }
    }

    // The script: each step, then wait for its answer (bounded), then the next; finally close.
    void nextStep()
    {
        m_stepTimer.stop();
        m_waitingFor = Waiting::Nothing;
        if (m_session.phase() != ClientSession::Phase::Open)
            return;
        ++m_step;
        if (m_step == m_args.steps.size() && m_args.echo) {
            // After the script: echo what the peer sends until it closes or stays quiet for --wait ms.
            m_waitingFor = Waiting::Echo;
            m_stepTimer.start(m_args.waitMs);
            return;
        }
        if (m_step == 0 && m_args.steps.isEmpty() && m_args.waitGiven && m_args.waitMs > 0) {
            // Nothing to send: listen for what the server offers on its own for --wait ms.
            m_waitingFor = Waiting::Quiet;
            m_stepTimer.start(m_args.waitMs);
            return;
        }
        if (m_step >= m_args.steps.size()) {
            m_session.sendClose(m_args.closeCode, m_args.closeReason);
            return;
        }
        const ProbeStep& step = m_args.steps.at(m_step);
        const SendOptions options { m_args.fragments, true };
        switch (step.kind) {
        case ProbeStep::Kind::Text:
            m_session.sendMessage(Opcode::Text, step.payload, options);
            m_waitingFor = Waiting::Message;
            break;
        case ProbeStep::Kind::Binary:
            m_session.sendMessage(Opcode::Binary, step.payload, options);
            m_waitingFor = Waiting::Message;
            break;
        case ProbeStep::Kind::Ping:
            m_session.sendPing(step.payload);
            m_waitingFor = Waiting::Pong;
            break;
        }
        m_stepTimer.start(m_args.waitMs);
    }

    void echoBack(const Message& message)
    {
        m_session.sendMessage(Opcode(message.opcode), message.payload, SendOptions { m_args.fragments, true });
        if (m_waitingFor == Waiting::Echo)
            m_stepTimer.start(m_args.waitMs); // --wait counts from the last message
    }

    void answerArrived(bool pong)
    {
        if ((pong && m_waitingFor == Waiting::Pong) || (!pong && m_waitingFor == Waiting::Message)) {
            m_waitingFor = Waiting::Nothing;
            // Continue from the event loop, so the answer is recorded before the next send.
            QTimer::singleShot(0, this, [this] { nextStep(); });
        }
    }

    void printNewRecords()
    {
        const Transcript& t = m_session.transcript();
        while (m_framesPrinted < t.frames().size()) {
            const FrameRecord& f = t.frames().at(m_framesPrinted);
            printFrame(t, m_framesPrinted);
            ++m_framesPrinted;
            if (f.fin && !isControlOpcode(f.opcode) && f.message >= 0 && f.message < t.messages().size())
                printMessage(t, f.message);
        }
        while (m_notesPrinted < t.notes().size()) {
            const NoteRecord& n = t.notes().at(m_notesPrinted++);
            if (m_args.json) {
                QByteArray line;
                m_events.note(line, n);
                m_out.line(line);
            } else {
                m_out.line("* " + noteLevelName(n.level).toUtf8() + ": " + n.text.toUtf8());
            }
            if (n.level == NoteRecord::Level::Error)
                m_lastErrorNote = n.text;
        }
    }

    void printFrame(const Transcript& t, qsizetype index)
    {
        if (m_args.json) {
            QByteArray line;
            m_events.frame(line, t, index);
            m_out.line(line);
            return;
        }
        const FrameRecord& f = t.frames().at(index);
        const QByteArray payload = t.framePayload(f);
        const int dir = f.dir == Direction::In ? 0 : 1;
        if (!isControlOpcode(f.opcode) && f.opcode != quint8(Opcode::Continuation)) {
            m_messageOpcode[dir] = f.opcode;
            m_messageCompressed[dir] = f.rsv1;
        }
        const bool textData = (f.opcode == quint8(Opcode::Text)
                                  || (f.opcode == quint8(Opcode::Continuation) && m_messageOpcode[dir] == 1))
            && !m_messageCompressed[dir];
        const bool asText = textData && isValidUtf8(payload);
        const bool close = f.opcode == quint8(Opcode::Close);
        QByteArray line = dir == 0 ? "<< " : ">> ";
        line += opcodeName(f.opcode).toUtf8().leftJustified(12, ' ') + ' ';
        line += f.fin ? "fin " : "    ";
        line += "rsv=" + QByteArray::number(int(f.rsv1)) + QByteArray::number(int(f.rsv2))
            + QByteArray::number(int(f.rsv3));
        line += " len=" + QByteArray::number(f.payloadLength);
        if (f.masked)
            line += " mask=" + QByteArray(reinterpret_cast<const char*>(f.maskKey.data()), 4).toHex();
        if (close) {
            const ClosePayload cp = parseClosePayload(payload);
            line += cp.code ? " code=" + QByteArray::number(*cp.code) + " (" + closeCodeName(*cp.code).toUtf8() + ')'
                            : QByteArray(" (no code)");
            if (!cp.reason.isEmpty())
                line += " reason=\"" + printable(cp.reason) + '"';
        } else if (asText) {
            line += " \"" + clip(printable(payload), kHumanPayloadChars) + '"';
        } else if (!payload.isEmpty()) {
            line += " hex=" + clip(payload.toHex(), kHumanPayloadChars);
        }
        m_out.line(line);
    }

    void printMessage(const Transcript& t, qsizetype index)
    {
        const MessageRecord m = t.messages().at(index);
        if (!probePrintsMessage(m))
            return;
        if (m_args.json) {
            QByteArray line;
            m_events.message(line, t, index, m);
            m_out.line(line);
            return;
        }
        const QByteArray payload = t.messagePayload(m);
        const bool asText = m.opcode == quint8(Opcode::Text) && isValidUtf8(payload);
        QByteArray line = m.dir == Direction::In ? "<< message " : ">> message ";
        line += opcodeName(m.opcode).toUtf8() + " len=" + QByteArray::number(m.length);
        if (m.compressed)
            line += " (compressed " + QByteArray::number(m.wireBytes) + " bytes)";
        if (m.frameCount > 1)
            line += " in " + QByteArray::number(m.frameCount) + " frames";
        line += asText ? " \"" + clip(printable(payload), kHumanPayloadChars) + '"'
                       : " hex=" + clip(payload.toHex(), kHumanPayloadChars);
        m_out.line(line);
    }

    void onFinished()
    {
        m_printTimer.stop();
        m_stepTimer.stop();
        printNewRecords();
        m_exitCode = probeExitCode(m_session);
        const Transcript& t = m_session.transcript();
        const CloseRecord& c = t.close();
        if (m_opened) {
            const double ms = closeDurationMs(c);
            const char* initiator = c.initiator == CloseRecord::Initiator::Local ? "local"
                : c.initiator == CloseRecord::Initiator::Remote                  ? "remote"
                                                                                 : "none";
            if (m_args.json) {
                QByteArray line;
                m_events.close(line, c);
                m_out.line(line);
            } else {
                auto code
                    = [](const std::optional<quint16>& v) { return v ? QByteArray::number(*v) : QByteArray("none"); };
                m_out.line(QByteArray("* close: initiated by ") + initiator + ", sent " + code(c.sentCode)
                    + ", received " + code(c.receivedCode) + (c.clean ? ", clean" : ", not clean (1006)")
                    + (ms >= 0 ? ", " + QByteArray::number(ms, 'f', 1) + " ms" : QByteArray()));
            }
        }
        const WireTotals wire = wireTotals(t, Role::Client);
        const auto& response = m_session.response();
        const QByteArray protocol = response ? response->headers.value("Sec-WebSocket-Protocol") : QByteArray();
        const QByteArray extensions = response ? response->headers.combined("Sec-WebSocket-Extensions") : QByteArray();
        if (m_args.json) {
            const ClientTimings& tm = m_session.timings();
            QJsonObject o { { QStringLiteral("event"), QStringLiteral("summary") },
                { QStringLiteral("status"), response ? response->status : 0 },
                { QStringLiteral("protocol"), nullable(protocol) },
                { QStringLiteral("extensions"), nullable(extensions) }, { QStringLiteral("exit"), m_exitCode },
                { QStringLiteral("error"), m_session.errorString() },
                { QStringLiteral("hint"), m_session.failureText().hint },
                { QStringLiteral("failure"), clientFailureName(m_session.failure()) },
                { QStringLiteral("bytesSent"), m_session.bytesSent() },
                { QStringLiteral("bytesReceived"), m_session.bytesReceived() },
                { QStringLiteral("handshakeBytesSent"), wire.handshakeBytesOut },
                { QStringLiteral("handshakeBytesReceived"), wire.handshakeBytesIn },
                { QStringLiteral("frameBytesSent"), wire.frameBytesOut },
                { QStringLiteral("frameBytesReceived"), wire.frameBytesIn },
                { QStringLiteral("timingsUs"),
                    QJsonObject { { QStringLiteral("lookup"), tm.lookupDone },
                        { QStringLiteral("connected"), tm.connected }, { QStringLiteral("tls"), tm.tlsDone },
                        { QStringLiteral("requestWritten"), tm.requestWritten },
                        { QStringLiteral("responseHead"), tm.responseHeadDone } } } };
            if (const auto rtt = m_session.lastPingRttUs())
                o.insert(QStringLiteral("pingRttUs"), *rtt);
            m_out.json(o);
        } else {
            // The session usually recorded its error as a note already: say it once.
            if (!m_session.errorString().isEmpty() && m_session.errorString() != m_lastErrorNote)
                m_out.line("* " + m_session.errorString().toUtf8());
            m_out.line("* summary: status " + (response ? QByteArray::number(response->status) : QByteArray("none"))
                + ", protocol " + (protocol.isNull() ? QByteArray("none") : printable(protocol)) + ", extensions "
                + (extensions.isNull() ? QByteArray("none") : printable(extensions)) + ", exit "
                + QByteArray::number(m_exitCode));
            if (wire.handshakeBytesOut > 0)
                m_out.line("* bytes sent: handshake " + QByteArray::number(wire.handshakeBytesOut) + ", frames "
                    + QByteArray::number(wire.frameBytesOut) + "; received: handshake "
                    + QByteArray::number(wire.handshakeBytesIn) + ", frames " + QByteArray::number(wire.frameBytesIn)
                    + " (TLS not counted)");
        }
        if (!m_args.exportFile.isEmpty()) {
            QSaveFile file(m_args.exportFile);
            if (!file.open(QIODevice::WriteOnly) || file.write(transcriptToJsonLines(t)) < 0 || !file.commit())
                std::fprintf(stderr, "wsinspector probe: could not write %s: %s\n", qPrintable(m_args.exportFile),
                    qPrintable(file.errorString()));
        }
        m_out.flush();
        QCoreApplication::exit(m_exitCode);
    }

    enum class Waiting { Nothing, Message, Pong, Quiet, Echo };

    ProbeArgs m_args;
    LineWriter& m_out;
    EventSerializer m_events = probeEvents(); // --json: frames, messages, notes and close (cli/jsonevents.h)
    ClientSession m_session;
    QTimer m_printTimer, m_stepTimer;
    qsizetype m_framesPrinted = 0, m_notesPrinted = 0;
    QString m_lastErrorNote; // the last error note printed, so the summary does not repeat it
    qsizetype m_step = -1;
    Waiting m_waitingFor = Waiting::Nothing;
    quint8 m_messageOpcode[2] { 1, 1 };
    bool m_messageCompressed[2] { false, false };
    int m_exitCode = 0;
    bool m_opened = false;
};

int usageError(const QString& message)
{
    std::fprintf(stderr, "wsinspector probe: %s\nTry 'wsinspector probe --help'.\n", qPrintable(message));
    return kExitUsage;
}

} // namespace

int runProbe(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QString error;
    const auto args = parseProbeArgs(QCoreApplication::arguments(), &error);
    if (!args)
        return usageError(error);
    if (args->help) {
        std::printf("%s", probeUsage());
        return 0;
    }
    QByteArray raw;
    if (!args->rawFile.isEmpty()) {
        QFile file(args->rawFile);
        if (!file.open(QIODevice::ReadOnly))
            return usageError(QStringLiteral("Cannot read %1: %2.").arg(args->rawFile, file.errorString()));
        raw = file.readAll();
    }
    for (const QString& path : { args->caFile, args->certFile, args->keyFile }) {
        if (!path.isEmpty() && !QFile::exists(path))
            return usageError(QStringLiteral("%1 does not exist.").arg(path));
    }
    if (!args->exportFile.isEmpty()) {
        const QFileInfo target(args->exportFile);
        if (!QFileInfo(target.absolutePath()).isWritable() || (target.exists() && !target.isWritable()))
            return usageError(QStringLiteral("Cannot write the transcript to %1.").arg(args->exportFile));
    }
    QByteArray jwtKeyPem;
    if (!args->jwtKeyFile.isEmpty()) {
        QFile file(args->jwtKeyFile);
        if (!file.open(QIODevice::ReadOnly))
            return usageError(QStringLiteral("Cannot read %1: %2.").arg(args->jwtKeyFile, file.errorString()));
        jwtKeyPem = file.readAll();
    }
    // The CLI owns the clock: a signed token's iat and exp count from the moment probe starts.
    const auto token = probeToken(*args, jwtKeyPem, QDateTime::currentSecsSinceEpoch(), &error);
    if (!token)
        return usageError(error);
    const auto spec = probeSpec(*args, raw, &error, *token);
    if (!spec)
        return usageError(error);
    const BuiltRequest check = buildRequest(*spec, QByteArray(16, '\0'));
    if (!check.ok())
        return usageError(check.error);

    LineWriter out(stdout);
    ProbeRun run(*args, out);
    // Start from the event loop so every signal has a receiver that is already listening.
    QTimer::singleShot(0, &run, [&run, &spec] { run.start(*spec); });
    const int code = app.exec();
    out.flush();
    return code;
}

} // namespace wsi
