#include "core/transcriptjson.h"

#include "core/events.h"
#include "core/jsonreader.h"
#include "core/wirebytes.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace wsi
{

namespace
{
// Import helpers over the strict reader: a known field of the wrong type is an error naming it; fields nobody
// asks for are skipped (no refuseUnknownKeys()), so files from newer versions stay readable.
constexpr qint64 kAnyMin = std::numeric_limits<qint64>::min();
constexpr qint64 kAnyMax = std::numeric_limits<qint64>::max();

qint64 anyInteger(JsonReader& r, QStringView key, qint64 fallback = 0)
{
    return r.integer(key, kAnyMin, kAnyMax, fallback);
}

QByteArray base64(JsonReader& r, QStringView key)
{
    const QString text = r.string(key);
    const auto decoded = QByteArray::fromBase64Encoding(
        text.toLatin1(), QByteArray::Base64Encoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded)
        r.fail(key, QStringLiteral("must be base64, not %1").arg(jsonQuoted(text.left(40))));
    return decoded.decoded;
}

// The payload of a frame or message: "text" (readable, UTF-8) or "payload" (base64). Files written before "text"
// existed have only "payload"; a person may write only "text". Both present must agree, so that an edit to one of
// them is never silently ignored.
QByteArray payloadOf(JsonReader& r)
{
    if (!r.has(u"text"))
        return base64(r, u"payload");
    const QByteArray text = r.string(u"text").toUtf8();
    if (r.has(u"payload") && base64(r, u"payload") != text && r.ok())
        r.fail(u"text", QStringLiteral("and \"payload\" hold different bytes; edit one of them and remove the other"));
    return text;
}

Direction direction(JsonReader& r)
{
    const QStringList words { QStringLiteral("in"), QStringLiteral("out") };
    const QString d = r.choice(u"dir", words, QString());
    if (d.isEmpty() && !r.has(u"dir"))
        r.fail(u"dir", choiceProblem(QJsonValue(QJsonValue::Undefined), words));
    return d == QLatin1String("out") ? Direction::Out : Direction::In;
}

std::optional<quint16> closeCode(JsonReader& r, QStringView key)
{
    const auto code = r.optionalInteger(key, 0, 0xFFFF);
    return code ? std::optional(quint16(*code)) : std::nullopt;
}

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
    // The one event vocabulary (core/events.h): every payload as base64 for an exact round trip, and text payloads
    // also as text, for a person reading or diffing the file.
    EventSerializer events(EventOptions { EventDialect::Transcript, Base64Payload | TextPayload, -1 });
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
    // A connection still up when its record is written has not closed: writing a close event would invent
    // the 1006 an unfinished record reads as. Nothing is written until a close frame has crossed.
    const CloseRecord& close = t.close();
    const bool stillOpen = t.handshake().status == 101 && close.closedTimeUs < 0;
    if (!stillOpen || close.initiator != CloseRecord::Initiator::None) {
        events.close(out, close);
        out += '\n';
    }
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
        JsonReader r(doc.object());
        const QString event = r.string(u"event");
        if (event == QLatin1String("transcript")) {
            const qint64 version = r.integer(u"version", 0, kAnyMax, kTranscriptJsonVersion);
            if (r.ok() && version > kTranscriptJsonVersion)
                return failAt(QStringLiteral("written by a newer version (format %1)").arg(version));
            if (started)
                return failAt(QStringLiteral("the \"transcript\" header must be the first event, and only one"));
            const qint64 budget = r.integer(u"payloadBudget", 0, kAnyMax, limits.maxPayloadBudget);
            out = Transcript(qBound<qint64>(0, budget, limits.maxPayloadBudget));
        } else if (event == QLatin1String("handshake")) {
            HandshakeRecord& h = out.handshake();
            h.requestTimeUs = anyInteger(r, u"requestTimeUs", -1);
            h.responseTimeUs = anyInteger(r, u"responseTimeUs", -1);
            h.startTimeUs = anyInteger(r, u"startTimeUs", -1);
            h.connectedTimeUs = anyInteger(r, u"connectedTimeUs", -1);
            h.tlsTimeUs = anyInteger(r, u"tlsTimeUs", -1);
            h.rawRequest = base64(r, u"rawRequest");
            h.rawResponse = base64(r, u"rawResponse");
            h.status = int(r.integer(u"status", std::numeric_limits<int>::min(), std::numeric_limits<int>::max(), 0));
            h.protocol = base64(r, u"protocol");
            h.extensions = base64(r, u"extensions");
            h.findings.clear();
            const QJsonArray findings = r.array(u"findings");
            for (qsizetype i = 0; i < findings.size(); ++i) {
                JsonReader f = r.element(u"findings", findings, i);
                h.findings.append(Finding { f.string(u"id"), severityFrom(f.string(u"result")), f.string(u"message"),
                    f.string(u"rfc"), f.string(u"header").toLatin1() });
            }
            h.decisionSteps = decisionStepsFromJson(r.array(u"steps"), r.array(u"trace"));
            r.allow(u"user");
            h.user = userFromJson(doc.object().value(QStringLiteral("user")));
            r.allow(u"route");
            h.route = doc.object().value(QStringLiteral("route")).toString();
        } else if (event == QLatin1String("frame")) {
            FrameHeader header;
            header.fin = r.boolean(u"fin");
            header.rsv1 = r.boolean(u"rsv1");
            header.rsv2 = r.boolean(u"rsv2");
            header.rsv3 = r.boolean(u"rsv3");
            header.opcode = quint8(r.integer(u"opcode", 0, 15, 0));
            header.masked = r.boolean(u"masked");
            if (header.masked) {
                const QByteArray key = QByteArray::fromHex(r.string(u"maskKey").toLatin1());
                if (key.size() != 4)
                    r.fail(u"maskKey", QStringLiteral("must be 8 hex digits"));
                for (int i = 0; i < 4 && i < key.size(); ++i)
                    header.maskKey[size_t(i)] = quint8(key.at(i));
            }
            header.payloadLength = r.unsignedInteger(u"length");
            header.lengthEncoding = encodingFrom(r.integer(u"lengthBits", 7, 64, 7));
            header.headerSize = int(r.integer(u"headerSize", 2, 14, 2));
            const QByteArray payload = payloadOf(r);
            const Direction dir = direction(r);
            const qint64 time = anyInteger(r, u"timeUs");
            if (!r.ok())
                return failAt(r.error());
            out.addFrame(dir, time, header, payload);
        } else if (event == QLatin1String("message")) {
            const quint8 opcode = quint8(r.integer(u"opcode", 0, 15, 0));
            const qint64 first = r.integer(u"firstFrame", -1, kAnyMax, -1);
            if (r.ok() && first >= out.frames().size())
                return failAt(QStringLiteral("firstFrame %1 names a frame not seen yet").arg(first));
            const QByteArray payload = payloadOf(r);
            const Direction dir = direction(r);
            const qint64 time = anyInteger(r, u"timeUs");
            const bool compressed = r.boolean(u"compressed");
            const qint64 wireBytes = r.integer(u"wireBytes", 0, kAnyMax, 0);
            const qint64 frameCount = r.integer(u"frameCount", 0, std::numeric_limits<qint32>::max(), 0);
            if (!r.ok())
                return failAt(r.error());
            out.addMessage(dir, time, opcode, compressed, wireBytes, payload, qint32(first), qint32(frameCount));
        } else if (event == QLatin1String("note")) {
            // A level this version does not know (a newer file) reads as info.
            const QString level = r.string(u"level");
            const qint64 time = anyInteger(r, u"timeUs");
            const QString noteText = r.string(u"text");
            if (!r.ok())
                return failAt(r.error());
            out.addNote(time,
                level == QLatin1String("error")         ? NoteRecord::Level::Error
                    : level == QLatin1String("warning") ? NoteRecord::Level::Warning
                                                        : NoteRecord::Level::Info,
                noteText);
        } else if (event == QLatin1String("close")) {
            CloseRecord& c = out.close();
            const QString initiator = r.string(u"initiator");
            c.initiator = initiator == QLatin1String("local") ? CloseRecord::Initiator::Local
                : initiator == QLatin1String("remote")        ? CloseRecord::Initiator::Remote
                                                              : CloseRecord::Initiator::None;
            c.sentCode = closeCode(r, u"sentCode");
            c.receivedCode = closeCode(r, u"receivedCode");
            c.sentReason = base64(r, u"sentReason");
            c.receivedReason = base64(r, u"receivedReason");
            c.sentTimeUs = anyInteger(r, u"sentTimeUs", -1);
            c.receivedTimeUs = anyInteger(r, u"receivedTimeUs", -1);
            c.closedTimeUs = anyInteger(r, u"closedTimeUs", -1);
            c.clean = r.boolean(u"clean");
            if (r.has(u"failure")) {
                JsonReader f = r.object(u"failure");
                FailureRecord failure;
                failure.closeCode = quint16(f.integer(u"code", 0, 65535, 1002));
                failure.reason = f.string(u"reason");
                failure.rfc = f.string(u"rfc");
                failure.timeUs = anyInteger(f, u"timeUs", -1);
                failure.frame = qint32(f.integer(u"frame", -1, std::numeric_limits<qint32>::max(), -1));
                failure.frameBytesRead = f.integer(u"frameBytesRead", 0, kAnyMax, 0);
                failure.unreadBytes = f.integer(u"unreadBytes", 0, kAnyMax, 0);
                if (failure.frame >= 0 && failure.frame < out.frames().size()) {
                    const FrameRecord& cut = out.frames().at(failure.frame);
                    // A frame refused before its end counts the bytes read, as it did live.
                    if (cut.dir == Direction::In && quint64(failure.frameBytesRead) < frameWireSize(cut))
                        out.markFrameCutShort(failure.frame, failure.frameBytesRead);
                }
                c.failure = failure;
            }
        } else if (event.isEmpty() && r.ok()) {
            return failAt(QStringLiteral("the object has no \"event\" field"));
        }
        if (!r.ok())
            return failAt(r.error());
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
    if (h.requestTimeUs != k.requestTimeUs || h.startTimeUs != k.startTimeUs || h.connectedTimeUs != k.connectedTimeUs
        || h.tlsTimeUs != k.tlsTimeUs || h.responseTimeUs != k.responseTimeUs || h.rawRequest != k.rawRequest
        || h.rawResponse != k.rawResponse || h.status != k.status || h.protocol != k.protocol
        || h.extensions != k.extensions || h.decisionSteps != k.decisionSteps || h.user != k.user
        || h.findings.size() != k.findings.size())
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
        || c.receivedTimeUs != d.receivedTimeUs || c.closedTimeUs != d.closedTimeUs || c.clean != d.clean
        || c.failure != d.failure)
        return QStringLiteral("close differs");
    if (a.payloads().budget() != b.payloads().budget())
        return QStringLiteral("payload budget %1 vs %2").arg(a.payloads().budget()).arg(b.payloads().budget());
    return {};
}

} // namespace wsi
