#include "core/transcriptjson.h"

#include "core/events.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace wsi
{

namespace
{
// Import helpers: each reads one field and records the first problem.
class Reader
{
public:
    Reader(const QJsonObject& o, QString& problem)
        : m_o(o)
        , m_problem(problem)
    {
    }

    qint64 integer(const char* key, qint64 fallback = 0) const
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return fallback;
        if (v.isString()) {
            bool ok = false;
            const qint64 n = v.toString().toLongLong(&ok);
            if (!ok)
                setProblem(key, "an integer");
            return n;
        }
        if (!v.isDouble()) {
            setProblem(key, "a number");
            return fallback;
        }
        return v.toInteger(fallback);
    }
    quint64 unsignedInteger(const char* key) const
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isString()) {
            bool ok = false;
            const quint64 n = v.toString().toULongLong(&ok);
            if (!ok)
                setProblem(key, "an unsigned integer");
            return n;
        }
        const qint64 n = integer(key);
        if (n < 0)
            setProblem(key, "not negative");
        return quint64(qMax<qint64>(0, n));
    }
    bool boolean(const char* key) const { return m_o.value(QLatin1String(key)).toBool(); }
    QString string(const char* key) const { return m_o.value(QLatin1String(key)).toString(); }
    QByteArray bytes(const char* key) const
    {
        const auto decoded = QByteArray::fromBase64Encoding(
            string(key).toLatin1(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
        if (!decoded)
            setProblem(key, "base64");
        return decoded.decoded;
    }
    Direction dir() const
    {
        const QString d = string("dir");
        if (d != QLatin1String("in") && d != QLatin1String("out"))
            setProblem("dir", "\"in\" or \"out\"");
        return d == QLatin1String("out") ? Direction::Out : Direction::In;
    }
    std::optional<quint16> code(const char* key) const
    {
        const QJsonValue v = m_o.value(QLatin1String(key));
        if (v.isNull() || v.isUndefined())
            return std::nullopt;
        const qint64 n = integer(key);
        if (n < 0 || n > 0xFFFF)
            setProblem(key, "a close code from 0 to 65535");
        return quint16(n);
    }

private:
    void setProblem(const char* key, const char* expected) const
    {
        if (m_problem.isEmpty())
            m_problem = QStringLiteral("field \"%1\" must be %2").arg(QLatin1String(key), QLatin1String(expected));
    }
    const QJsonObject& m_o;
    QString& m_problem;
};

Severity severityFrom(const QString& s)
{
    if (s == QLatin1String("fail"))
        return Severity::Error;
    if (s == QLatin1String("warn"))
        return Severity::Warning;
    if (s == QLatin1String("info"))
        return Severity::Info;
    return Severity::Pass;
}

LengthEncoding encodingFrom(qint64 bits)
{
    return bits == 64 ? LengthEncoding::Extended64 : bits == 16 ? LengthEncoding::Extended16 : LengthEncoding::Short7;
}
} // namespace

QByteArray transcriptToJsonLines(const Transcript& t)
{
    QByteArray out;
    JsonObjectWriter header(out);
    header.utf8("event", "transcript");
    header.integer("version", kTranscriptJsonVersion);
    header.integer("payloadBudget", t.payloads().budget());
    header.integer("droppedBytes", t.payloads().droppedBytes());
    header.integer("frames", t.frames().size());
    header.integer("messages", t.messages().size());
    header.finish();
    out += '\n';
    // The one event vocabulary (core/events.h), with every payload as base64 for an exact round trip.
    EventSerializer events(EventOptions { EventDialect::Transcript, Base64Payload, -1 });
    events.handshake(out, t.handshake());
    out += '\n';

    // Where each message was recorded: right after its last frame (the engine adds a message in the
    // same step as that frame). Without frames, by time. Kept non-decreasing so indices replay in order.
    const qsizetype frameCount = t.frames().size();
    const qsizetype messageCount = t.messages().size();
    QList<qsizetype> anchor(messageCount, -2);
    for (qsizetype i = 0; i < frameCount; ++i) {
        const qint32 m = t.frames().at(i).message;
        if (m >= 0 && m < messageCount)
            anchor[m] = i;
    }
    qsizetype previous = -1;
    for (qsizetype m = 0; m < messageCount; ++m) {
        if (anchor[m] == -2) {
            const qint64 time = t.messages().at(m).timeUs;
            qsizetype last = -1;
            while (last + 1 < frameCount && t.frames().at(last + 1).timeUs <= time)
                ++last;
            anchor[m] = last;
        }
        anchor[m] = qMax(anchor[m], previous);
        previous = anchor[m];
    }

    qsizetype nextNote = 0;
    auto note = [&] {
        events.note(out, t.notes().at(nextNote++));
        out += '\n';
    };
    auto notesBefore = [&](qint64 time) {
        while (nextNote < t.notes().size() && t.notes().at(nextNote).timeUs < time)
            note();
    };
    qsizetype nextMessage = 0;
    auto message = [&] {
        events.message(out, t, nextMessage++);
        out += '\n';
    };
    auto messagesAt = [&](qsizetype frame) {
        while (nextMessage < messageCount && anchor[nextMessage] == frame) {
            notesBefore(t.messages().at(nextMessage).timeUs);
            message();
        }
    };
    messagesAt(-1);
    for (qsizetype i = 0; i < frameCount; ++i) {
        notesBefore(t.frames().at(i).timeUs);
        events.frame(out, t, i);
        out += '\n';
        messagesAt(i);
    }
    while (nextMessage < messageCount)
        message();
    while (nextNote < t.notes().size())
        note();
    events.close(out, t.close());
    out += '\n';
    return out;
}

QList<QJsonObject> transcriptToJsonEvents(const Transcript& transcript)
{
    QList<QJsonObject> events;
    const QByteArray lines = transcriptToJsonLines(transcript);
    qsizetype pos = 0;
    while (pos < lines.size()) {
        const qsizetype end = lines.indexOf('\n', pos);
        events.append(QJsonDocument::fromJson(lines.sliced(pos, end - pos)).object());
        pos = end + 1;
    }
    return events;
}

bool transcriptFromJsonLines(QByteArrayView text, Transcript& out, QString* error, const TranscriptImportLimits& limits)
{
    out = Transcript(limits.maxPayloadBudget);
    bool started = false;
    qsizetype lineNumber = 0;
    qsizetype pos = 0;
    auto failAt = [&](const QString& why) {
        if (error)
            *error = QStringLiteral("Line %1 of the transcript: %2.").arg(lineNumber).arg(why);
        return false;
    };
    while (pos < text.size()) {
        qsizetype end = text.indexOf('\n', pos);
        if (end < 0)
            end = text.size();
        const QByteArrayView line = text.sliced(pos, end - pos).trimmed();
        pos = end + 1;
        ++lineNumber;
        if (line.isEmpty())
            continue;
        if (line.size() > limits.maxLineBytes)
            return failAt(QStringLiteral("longer than %1 bytes").arg(limits.maxLineBytes));
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(line.toByteArray(), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return failAt(
                QStringLiteral("not JSON (%1 at offset %2)").arg(parseError.errorString()).arg(parseError.offset));
        if (!doc.isObject())
            return failAt(QStringLiteral("not a JSON object"));
        const QJsonObject o = doc.object();
        QString problem;
        const Reader r(o, problem);
        const QString event = r.string("event");
        if (event == QLatin1String("transcript")) {
            if (r.integer("version", kTranscriptJsonVersion) > kTranscriptJsonVersion)
                return failAt(QStringLiteral("written by a newer version (format %1)").arg(r.integer("version")));
            if (started)
                return failAt(QStringLiteral("the \"transcript\" header must be the first event, and only one"));
            const qint64 budget = r.integer("payloadBudget", limits.maxPayloadBudget);
            out = Transcript(qBound<qint64>(0, budget, limits.maxPayloadBudget));
        } else if (event == QLatin1String("handshake")) {
            HandshakeRecord& h = out.handshake();
            h.requestTimeUs = r.integer("requestTimeUs", -1);
            h.responseTimeUs = r.integer("responseTimeUs", -1);
            h.rawRequest = r.bytes("rawRequest");
            h.rawResponse = r.bytes("rawResponse");
            h.status = int(r.integer("status"));
            h.protocol = r.bytes("protocol");
            h.extensions = r.bytes("extensions");
            h.findings.clear();
            for (const QJsonValue& v : o.value(QStringLiteral("findings")).toArray()) {
                const QJsonObject f = v.toObject();
                h.findings.append(Finding { f.value(QStringLiteral("id")).toString(),
                    severityFrom(f.value(QStringLiteral("result")).toString()),
                    f.value(QStringLiteral("message")).toString(), f.value(QStringLiteral("rfc")).toString(),
                    f.value(QStringLiteral("header")).toString().toLatin1() });
            }
            h.decisionSteps = decisionStepsFromJson(
                o.value(QStringLiteral("steps")).toArray(), o.value(QStringLiteral("trace")).toArray());
        } else if (event == QLatin1String("frame")) {
            FrameHeader header;
            header.fin = r.boolean("fin");
            header.rsv1 = r.boolean("rsv1");
            header.rsv2 = r.boolean("rsv2");
            header.rsv3 = r.boolean("rsv3");
            const qint64 opcode = r.integer("opcode");
            if (opcode < 0 || opcode > 15)
                return failAt(QStringLiteral("opcode %1 is not 0-15").arg(opcode));
            header.opcode = quint8(opcode);
            header.masked = r.boolean("masked");
            if (header.masked) {
                const QByteArray key = QByteArray::fromHex(r.string("maskKey").toLatin1());
                if (key.size() != 4)
                    return failAt(QStringLiteral("maskKey must be 8 hex digits"));
                for (int i = 0; i < 4; ++i)
                    header.maskKey[size_t(i)] = quint8(key.at(i));
            }
            header.payloadLength = r.unsignedInteger("length");
            header.lengthEncoding = encodingFrom(r.integer("lengthBits", 7));
            header.headerSize = int(qBound(qint64(2), r.integer("headerSize", 2), qint64(14)));
            const QByteArray payload = r.bytes("payload");
            if (!problem.isEmpty())
                return failAt(problem);
            out.addFrame(r.dir(), r.integer("timeUs"), header, payload);
        } else if (event == QLatin1String("message")) {
            const qint64 opcode = r.integer("opcode");
            if (opcode < 0 || opcode > 15)
                return failAt(QStringLiteral("opcode %1 is not 0-15").arg(opcode));
            const qint64 first = r.integer("firstFrame", -1);
            if (first >= out.frames().size())
                return failAt(QStringLiteral("firstFrame %1 names a frame not seen yet").arg(first));
            const QByteArray payload = r.bytes("payload");
            const Direction dir = r.dir();
            if (!problem.isEmpty())
                return failAt(problem);
            out.addMessage(dir, r.integer("timeUs"), quint8(opcode), r.boolean("compressed"), r.integer("wireBytes"),
                payload, qint32(first), qint32(r.integer("frameCount")));
        } else if (event == QLatin1String("note")) {
            const QString level = r.string("level");
            out.addNote(r.integer("timeUs"),
                level == QLatin1String("error")         ? NoteRecord::Level::Error
                    : level == QLatin1String("warning") ? NoteRecord::Level::Warning
                                                        : NoteRecord::Level::Info,
                r.string("text"));
        } else if (event == QLatin1String("close")) {
            CloseRecord& c = out.close();
            const QString initiator = r.string("initiator");
            c.initiator = initiator == QLatin1String("local") ? CloseRecord::Initiator::Local
                : initiator == QLatin1String("remote")        ? CloseRecord::Initiator::Remote
                                                              : CloseRecord::Initiator::None;
            c.sentCode = r.code("sentCode");
            c.receivedCode = r.code("receivedCode");
            c.sentReason = r.bytes("sentReason");
            c.receivedReason = r.bytes("receivedReason");
            c.sentTimeUs = r.integer("sentTimeUs", -1);
            c.receivedTimeUs = r.integer("receivedTimeUs", -1);
            c.closedTimeUs = r.integer("closedTimeUs", -1);
            c.clean = r.boolean("clean");
        } else if (event.isEmpty()) {
            return failAt(QStringLiteral("the object has no \"event\" field"));
        }
        if (!problem.isEmpty())
            return failAt(problem);
        started = true;
    }
    return true;
}

QString transcriptDifference(const Transcript& a, const Transcript& b)
{
    if (a.frames().size() != b.frames().size())
        return QStringLiteral("frame count %1 vs %2").arg(a.frames().size()).arg(b.frames().size());
    if (a.messages().size() != b.messages().size())
        return QStringLiteral("message count %1 vs %2").arg(a.messages().size()).arg(b.messages().size());
    if (a.notes().size() != b.notes().size())
        return QStringLiteral("note count %1 vs %2").arg(a.notes().size()).arg(b.notes().size());
    for (qsizetype i = 0; i < a.frames().size(); ++i) {
        const FrameRecord& x = a.frames().at(i);
        const FrameRecord& y = b.frames().at(i);
        const bool same = x.timeUs == y.timeUs && x.payloadLength == y.payloadLength && x.payloadKept == y.payloadKept
            && x.maskKey == y.maskKey && x.opcode == y.opcode && x.dir == y.dir && x.fin == y.fin && x.rsv1 == y.rsv1
            && x.rsv2 == y.rsv2 && x.rsv3 == y.rsv3 && x.masked == y.masked && x.lengthEncoding == y.lengthEncoding
            && x.headerSize == y.headerSize && x.message == y.message && a.framePayload(x) == b.framePayload(y);
        if (!same)
            return QStringLiteral("frame %1 differs").arg(i);
    }
    for (qsizetype i = 0; i < a.messages().size(); ++i) {
        const MessageRecord& x = a.messages().at(i);
        const MessageRecord& y = b.messages().at(i);
        const bool same = x.timeUs == y.timeUs && x.dir == y.dir && x.opcode == y.opcode && x.compressed == y.compressed
            && x.wireBytes == y.wireBytes && x.length == y.length && x.payloadKept == y.payloadKept
            && x.firstFrame == y.firstFrame && x.frameCount == y.frameCount
            && a.messagePayload(x) == b.messagePayload(y);
        if (!same)
            return QStringLiteral("message %1 differs").arg(i);
    }
    for (qsizetype i = 0; i < a.notes().size(); ++i) {
        const NoteRecord& x = a.notes().at(i);
        const NoteRecord& y = b.notes().at(i);
        if (x.timeUs != y.timeUs || x.level != y.level || x.text != y.text)
            return QStringLiteral("note %1 differs").arg(i);
    }
    const HandshakeRecord& h = a.handshake();
    const HandshakeRecord& k = b.handshake();
    if (h.requestTimeUs != k.requestTimeUs || h.responseTimeUs != k.responseTimeUs || h.rawRequest != k.rawRequest
        || h.rawResponse != k.rawResponse || h.status != k.status || h.protocol != k.protocol
        || h.extensions != k.extensions || h.decisionSteps != k.decisionSteps || h.findings.size() != k.findings.size())
        return QStringLiteral("handshake differs");
    for (qsizetype i = 0; i < h.findings.size(); ++i) {
        const Finding& x = h.findings.at(i);
        const Finding& y = k.findings.at(i);
        if (x.id != y.id || x.severity != y.severity || x.message != y.message || x.rfc != y.rfc
            || x.header != y.header)
            return QStringLiteral("finding %1 differs").arg(i);
    }
    const CloseRecord& c = a.close();
    const CloseRecord& d = b.close();
    if (c.initiator != d.initiator || c.sentCode != d.sentCode || c.receivedCode != d.receivedCode
        || c.sentReason != d.sentReason || c.receivedReason != d.receivedReason || c.sentTimeUs != d.sentTimeUs
        || c.receivedTimeUs != d.receivedTimeUs || c.closedTimeUs != d.closedTimeUs || c.clean != d.clean)
        return QStringLiteral("close differs");
    if (a.payloads().budget() != b.payloads().budget())
        return QStringLiteral("payload budget %1 vs %2").arg(a.payloads().budget()).arg(b.payloads().budget());
    return {};
}

} // namespace wsi
