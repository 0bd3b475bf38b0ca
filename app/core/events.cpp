#include "core/events.h"

#include "core/closepayload.h"
#include "core/utf8.h"
#include "core/wirebytes.h"

#include <QJsonDocument>
#include <QLocale>

namespace wsi
{

namespace
{
// Integers beyond 2^53 do not survive a JSON number read as a double.
constexpr quint64 kMaxExactDouble = quint64(1) << 53;

const char kHexDigits[] = "0123456789abcdef";

const char* dirText(Direction dir)
{
    return dir == Direction::In ? "in" : "out";
}

// opcodeName() without building a QString for the common opcodes (frame lines are the hot path of serve).
void appendTypeName(QByteArray& out, quint8 opcode)
{
    static const char* const names[]
        = { "continuation", "text", "binary", nullptr, nullptr, nullptr, nullptr, nullptr, "close", "ping", "pong" };
    if (opcode < std::size(names) && names[opcode])
        appendJsonString(out, names[opcode]);
    else
        appendJsonString(out, opcodeName(opcode).toLatin1());
}

int lengthBits(LengthEncoding e)
{
    switch (e) {
    case LengthEncoding::Short7:
        return 7;
    case LengthEncoding::Extended16:
        return 16;
    case LengthEncoding::Extended64:
        return 64;
    }
    return 7;
}

// The payload forms a writer asked for, "text" first so that a line reads well.
void payloadForms(JsonObjectWriter& w, unsigned forms, const QByteArray& payload, bool textData)
{
    const bool text = textData && (forms & (TextOrHexPayload | TextPayload)) && isValidUtf8(payload);
    if (text)
        w.utf8("text", payload);
    else if (forms & TextOrHexPayload)
        w.hex("hex", payload);
    if (forms & Base64Payload)
        w.base64("payload", payload);
}
} // namespace

// ---- JSON writer ----

void appendJsonString(QByteArray& out, QByteArrayView utf8)
{
    out.append('"');
    const char* data = utf8.data();
    const qsizetype n = utf8.size();
    qsizetype plain = 0; // start of the run of bytes that need no escape
    for (qsizetype i = 0; i < n; ++i) {
        const char c = data[i];
        if (c != '"' && c != '\\' && quint8(c) >= 0x20)
            continue;
        out.append(data + plain, i - plain);
        plain = i + 1;
        switch (c) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            out.append("\\u00").append(kHexDigits[quint8(c) >> 4]).append(kHexDigits[c & 0xf]);
        }
    }
    out.append(data + plain, n - plain);
    out.append('"');
}

void appendJsonText(QByteArray& out, QByteArrayView bytes)
{
    if (isValidUtf8(bytes))
        appendJsonString(out, bytes);
    else
        appendJsonString(out, QString::fromUtf8(bytes).toUtf8());
}

QByteArray& JsonObjectWriter::key(const char* name)
{
    if (!m_first)
        m_out.append(',');
    m_first = false;
    return m_out.append('"').append(name).append("\":");
}

JsonObjectWriter& JsonObjectWriter::boolean(const char* name, bool value)
{
    key(name).append(value ? "true" : "false");
    return *this;
}

JsonObjectWriter& JsonObjectWriter::integer(const char* name, qint64 value)
{
    key(name).append(QByteArray::number(value));
    return *this;
}

JsonObjectWriter& JsonObjectWriter::unsignedInteger(const char* name, quint64 value)
{
    key(name).append(QByteArray::number(value));
    return *this;
}

JsonObjectWriter& JsonObjectWriter::number(const char* name, double value)
{
    key(name).append(QByteArray::number(value, 'g', QLocale::FloatingPointShortest));
    return *this;
}

JsonObjectWriter& JsonObjectWriter::null(const char* name)
{
    key(name).append("null");
    return *this;
}

JsonObjectWriter& JsonObjectWriter::utf8(const char* name, QByteArrayView utf8)
{
    appendJsonString(key(name), utf8);
    return *this;
}

JsonObjectWriter& JsonObjectWriter::string(const char* name, const QString& text)
{
    appendJsonString(key(name), text.toUtf8());
    return *this;
}

JsonObjectWriter& JsonObjectWriter::text(const char* name, QByteArrayView bytes)
{
    appendJsonText(key(name), bytes);
    return *this;
}

JsonObjectWriter& JsonObjectWriter::latin1(const char* name, QByteArrayView bytes)
{
    bool ascii = true;
    for (const char c : bytes)
        ascii = ascii && quint8(c) < 0x80;
    appendJsonString(key(name), ascii ? bytes : QByteArrayView(QString::fromLatin1(bytes).toUtf8()));
    return *this;
}

JsonObjectWriter& JsonObjectWriter::base64(const char* name, QByteArrayView bytes)
{
    key(name).append('"').append(bytes.toByteArray().toBase64()).append('"');
    return *this;
}

JsonObjectWriter& JsonObjectWriter::hex(const char* name, QByteArrayView bytes)
{
    key(name).append('"').append(bytes.toByteArray().toHex()).append('"');
    return *this;
}

JsonObjectWriter& JsonObjectWriter::code(const char* name, const std::optional<quint16>& code)
{
    return code ? integer(name, *code) : null(name);
}

// ---- events ----

QString noteLevelName(NoteRecord::Level level)
{
    switch (level) {
    case NoteRecord::Level::Info:
        return QStringLiteral("info");
    case NoteRecord::Level::Warning:
        return QStringLiteral("warning");
    case NoteRecord::Level::Error:
        return QStringLiteral("error");
    }
    return QStringLiteral("info");
}

QString closeInitiatorName(CloseRecord::Initiator initiator)
{
    switch (initiator) {
    case CloseRecord::Initiator::None:
        return QStringLiteral("none");
    case CloseRecord::Initiator::Local:
        return QStringLiteral("local");
    case CloseRecord::Initiator::Remote:
        return QStringLiteral("remote");
    }
    return QStringLiteral("none");
}

quint16 closeInitiatorCode(const CloseRecord& close)
{
    switch (close.initiator) {
    case CloseRecord::Initiator::Local:
        return close.sentCode.value_or(1005);
    case CloseRecord::Initiator::Remote:
        return close.receivedCode.value_or(1005);
    case CloseRecord::Initiator::None:
        break;
    }
    return 1006;
}

QByteArray closeInitiatorReason(const CloseRecord& close)
{
    return close.initiator == CloseRecord::Initiator::Local ? close.sentReason : close.receivedReason;
}

double closeDurationMs(const CloseRecord& c)
{
    const qint64 first = c.sentTimeUs >= 0 && c.receivedTimeUs >= 0 ? qMin(c.sentTimeUs, c.receivedTimeUs)
                                                                    : qMax(c.sentTimeUs, c.receivedTimeUs);
    return first >= 0 && c.closedTimeUs >= first ? (c.closedTimeUs - first) / 1000.0 : -1;
}

void EventSerializer::begin(JsonObjectWriter& w, const char* event) const
{
    w.utf8("event", event);
    if (m_options.conn >= 0)
        w.integer("conn", m_options.conn);
}

void EventSerializer::frame(QByteArray& out, const Transcript& t, qsizetype index)
{
    const FrameRecord& f = t.frames().at(index);
    const int d = f.dir == Direction::In ? 0 : 1;
    if (!isControlOpcode(f.opcode) && f.opcode != quint8(Opcode::Continuation)) {
        m_messageOpcode[d] = f.opcode;
        m_messageCompressed[d] = f.rsv1;
    }
    JsonObjectWriter w(out);
    begin(w, "frame");
    w.integer("index", index);
    w.integer("timeUs", f.timeUs);
    w.key("dir").append('"').append(dirText(f.dir)).append('"');
    w.boolean("fin", f.fin);
    w.boolean("rsv1", f.rsv1);
    w.boolean("rsv2", f.rsv2);
    w.boolean("rsv3", f.rsv3);
    w.integer("opcode", f.opcode);
    appendTypeName(w.key("type"), f.opcode);
    w.boolean("masked", f.masked);
    if (m_options.dialect == EventDialect::Transcript && f.payloadLength >= kMaxExactDouble)
        w.utf8("length", QByteArray::number(f.payloadLength));
    else
        w.unsignedInteger("length", f.payloadLength);
    w.integer("lengthBits", lengthBits(f.lengthEncoding));
    w.integer("headerSize", f.headerSize);
    w.unsignedInteger("wireLength", frameWireSize(f));
    w.integer("message", f.message);
    w.integer("kept", f.payloadKept);
    if (f.masked) {
        QByteArray& v = w.key("maskKey").append('"');
        for (const quint8 b : f.maskKey)
            v.append(kHexDigits[b >> 4]).append(kHexDigits[b & 0xf]);
        v.append('"');
    }
    const bool close = f.opcode == quint8(Opcode::Close);
    if (close || (m_options.payloads & (Base64Payload | TextOrHexPayload | TextPayload))) {
        const QByteArray payload = t.framePayload(f);
        if (close) {
            const ClosePayload cp = parseClosePayload(payload);
            w.code("code", cp.code);
            w.text("reason", cp.reason);
        }
        const bool textData = (f.opcode == quint8(Opcode::Text)
                                  || (f.opcode == quint8(Opcode::Continuation) && m_messageOpcode[d] == 1))
            && !m_messageCompressed[d];
        payloadForms(w, m_options.payloads, payload, textData);
    }
    w.finish();
}

void EventSerializer::message(QByteArray& out, const Transcript& t, qsizetype index) const
{
    message(out, t, index, t.messages().at(index));
}

void EventSerializer::message(QByteArray& out, const Transcript& t, qsizetype index, const MessageRecord& m) const
{
    JsonObjectWriter w(out);
    begin(w, "message");
    w.integer("index", index);
    w.integer("timeUs", m.timeUs);
    w.key("dir").append('"').append(dirText(m.dir)).append('"');
    w.integer("opcode", m.opcode);
    appendTypeName(w.key("type"), m.opcode);
    w.boolean("compressed", m.compressed);
    w.integer("wireBytes", m.wireBytes);
    w.integer("length", m.length);
    w.integer("kept", m.payloadKept);
    w.integer("firstFrame", m.firstFrame);
    w.integer("frameCount", m.frameCount);
    w.integer("frames", m.frameCount); // the same count: "frames" in serve and probe, "frameCount" in transcripts
    const bool text = m.opcode == quint8(Opcode::Text);
    if (m_options.payloads & (Base64Payload | TextOrHexPayload | TextPayload))
        payloadForms(w, m_options.payloads, t.messagePayload(m), text);
    if ((m_options.payloads & PreviewPayload) && text) {
        // Decoded and encoded again, so that a preview cut inside a character stays valid UTF-8.
        const QByteArray preview = m.payloadKept > 0
            ? QString::fromUtf8(t.payloads().read(m.payloadOffset, qMin<qint64>(m.payloadKept, kPreviewBytes))).toUtf8()
            : QByteArray();
        w.utf8("preview", preview);
    }
    w.finish();
}

void EventSerializer::handshake(QByteArray& out, const HandshakeRecord& h, const QString& peer) const
{
    JsonObjectWriter w(out);
    begin(w, "handshake");
    if (!peer.isEmpty())
        w.string("peer", peer);
    w.integer("requestTimeUs", h.requestTimeUs);
    w.integer("responseTimeUs", h.responseTimeUs);
    // Only a client's record has them; written when known, so that older readers see nothing new.
    for (const auto& [name, value] : { std::pair { "startTimeUs", h.startTimeUs },
             std::pair { "connectedTimeUs", h.connectedTimeUs }, std::pair { "tlsTimeUs", h.tlsTimeUs } }) {
        if (value >= 0)
            w.integer(name, value);
    }
    w.base64("rawRequest", h.rawRequest);
    w.base64("rawResponse", h.rawResponse);
    w.latin1("request", h.rawRequest);
    w.latin1("response", h.rawResponse);
    w.integer("status", h.status);
    const auto textOrNull = [&w](const char* name, const QByteArray& value) {
        if (value.isEmpty())
            w.null(name);
        else
            w.latin1(name, value);
    };
    textOrNull("protocolText", h.protocol);
    textOrNull("extensionsText", h.extensions);
    switch (m_options.dialect) {
    case EventDialect::Transcript:
        w.base64("protocol", h.protocol);
        w.base64("extensions", h.extensions);
        break;
    case EventDialect::Serve:
        textOrNull("protocol", h.protocol);
        textOrNull("extensions", h.extensions);
        break;
    case EventDialect::Probe: // probe prints the response instead of a handshake event: no older contract
        break;
    }
    QByteArray& findings = w.key("findings").append('[');
    bool first = true;
    for (const Finding& f : h.findings) {
        if (m_options.dialect == EventDialect::Serve && f.severity == Severity::Pass)
            continue;
        if (!first)
            findings.append(',');
        first = false;
        JsonObjectWriter fw(findings);
        fw.string("id", f.id);
        fw.string("result", severityName(f.severity));
        fw.string("severity", severityName(f.severity));
        fw.string("message", f.message);
        fw.string("rfc", f.rfc);
        fw.latin1("header", f.header);
        fw.finish();
    }
    findings.append(']');
    // The decision: "trace" as lines (the original contract), "steps" structured (core/decisionpipeline.h).
    QByteArray& trace = w.key("trace").append('[');
    for (qsizetype i = 0; i < h.decisionSteps.size(); ++i) {
        if (i > 0)
            trace.append(',');
        appendJsonString(trace, decisionStepText(h.decisionSteps.at(i)).toUtf8());
    }
    trace.append(']');
    w.key("steps").append(QJsonDocument(decisionStepsToJson(h.decisionSteps)).toJson(QJsonDocument::Compact));
    if (!h.route.isEmpty())
        appendJsonString(w.key("route"), h.route.toUtf8());
    // serve always says who the connection is (null: nobody); other records only when the decision is known.
    if (m_options.dialect == EventDialect::Serve || h.user) {
        const QJsonValue user = userToJson(h.user);
        w.key("user").append(
            user.isObject() ? QJsonDocument(user.toObject()).toJson(QJsonDocument::Compact) : QByteArray("null"));
    }
    w.finish();
}

void EventSerializer::close(
    QByteArray& out, const CloseRecord& c, qint64 bytesIn, qint64 bytesOut, const WireTotals* wire) const
{
    JsonObjectWriter w(out);
    begin(w, "close");
    const QString side = closeInitiatorName(c.initiator);
    if (m_options.dialect == EventDialect::Serve) {
        // serve's connections are the server side of their transcripts.
        w.string("initiator",
            c.initiator == CloseRecord::Initiator::Local        ? QStringLiteral("server")
                : c.initiator == CloseRecord::Initiator::Remote ? QStringLiteral("client")
                                                                : QStringLiteral("none"));
    } else {
        w.string("initiator", side);
    }
    w.string("initiatorSide", side);
    w.integer("initiatorCode", closeInitiatorCode(c));
    w.text("initiatorReason", closeInitiatorReason(c));
    w.code("sentCode", c.sentCode);
    w.code("receivedCode", c.receivedCode);
    w.text("sentReasonText", c.sentReason);
    w.text("receivedReasonText", c.receivedReason);
    w.base64("sentReasonBase64", c.sentReason);
    w.base64("receivedReasonBase64", c.receivedReason);
    w.integer("sentTimeUs", c.sentTimeUs);
    w.integer("receivedTimeUs", c.receivedTimeUs);
    w.integer("closedTimeUs", c.closedTimeUs);
    w.boolean("clean", c.clean);
    if (c.failure) {
        const FailureRecord& f = *c.failure;
        JsonObjectWriter failure(w.key("failure"));
        failure.integer("code", f.closeCode);
        failure.string("reason", f.reason);
        failure.string("rfc", f.rfc);
        failure.integer("timeUs", f.timeUs);
        failure.integer("frame", f.frame);
        failure.integer("frameBytesRead", f.frameBytesRead);
        failure.integer("unreadBytes", f.unreadBytes);
        failure.finish();
    }
    w.integer("effectiveCode", c.effectiveCode());
    if (const double ms = closeDurationMs(c); ms >= 0)
        w.number("durationMs", ms);
    switch (m_options.dialect) {
    case EventDialect::Transcript:
        w.integer("code", c.effectiveCode());
        w.base64("sentReason", c.sentReason);
        w.base64("receivedReason", c.receivedReason);
        break;
    case EventDialect::Probe:
        w.integer("code", c.effectiveCode());
        w.text("sentReason", c.sentReason);
        w.text("receivedReason", c.receivedReason);
        break;
    case EventDialect::Serve:
        w.integer("code", closeInitiatorCode(c));
        w.text("reason", closeInitiatorReason(c));
        break;
    }
    if (bytesIn >= 0)
        w.integer("bytesIn", bytesIn);
    if (bytesOut >= 0)
        w.integer("bytesOut", bytesOut);
    if (wire) {
        w.integer("handshakeBytesIn", wire->handshakeBytesIn);
        w.integer("handshakeBytesOut", wire->handshakeBytesOut);
        w.integer("frameBytesIn", wire->frameBytesIn);
        w.integer("frameBytesOut", wire->frameBytesOut);
    }
    w.finish();
}

void EventSerializer::note(QByteArray& out, const NoteRecord& n) const
{
    JsonObjectWriter w(out);
    begin(w, "note");
    w.integer("timeUs", n.timeUs);
    w.string("level", noteLevelName(n.level));
    w.string("text", n.text);
    w.finish();
}

} // namespace wsi
