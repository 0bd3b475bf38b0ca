#pragma once
// One event vocabulary: the JSON object for each recorded event (frame, message, handshake, close, note), written
// by the transcript's JSON Lines, `probe --json` and `serve --json` alike. A field means the same thing and has
// the same type in every writer that emits it; the object is the union of what each writer promised before.
//
// Fields (optional ones in brackets):
//   frame      event, [conn], index, timeUs, dir, fin, rsv1, rsv2, rsv3, opcode, type, masked, length,
//              lengthBits, headerSize, wireLength, message, kept, [maskKey] (masked frames),
//              [code, reason] (close frames), payload forms: [payload] (Base64) | [text | hex] (TextOrHex) |
//              [text] (Text)
//   message    event, [conn], index, timeUs, dir, opcode, type, compressed, wireBytes, length, kept,
//              firstFrame, frameCount, frames, payload forms: [payload] | [text | hex] | [text] | [preview] (text
//              only)
// "text" always means the same: the kept payload bytes, which are text data (a text message, or a frame of one
// that is not compressed) and valid UTF-8, as a JSON string. Transcripts write it next to "payload" (base64, every
// kept byte, as before) so that a person can read and diff them; a binary or invalid UTF-8 payload has only
// "payload" there, and only "hex" in probe.
//   handshake  event, [conn], [peer], requestTimeUs, responseTimeUs, rawRequest, rawResponse, request,
//              response, status, protocolText, extensionsText, findings, trace, steps,
//              [protocol, extensions]
//   close      event, [conn], initiator, initiatorSide, initiatorCode, initiatorReason, sentCode,
//              receivedCode, sentReasonText, receivedReasonText, sentReasonBase64, receivedReasonBase64,
//              sentTimeUs, receivedTimeUs, closedTimeUs, clean, [failure], code, effectiveCode, [durationMs],
//              [sentReason, receivedReason], [reason], [bytesIn, bytesOut],
//              [handshakeBytesIn, handshakeBytesOut, frameBytesIn, frameBytesOut]
//   note       event, [conn], timeUs, level, text
//   close.failure (when this side failed the connection for a protocol violation, RFC 6455 §7.1.7): code, reason,
//              rfc, timeUs, frame (the offending frame's index, -1 none), frameBytesRead (of that frame),
//              unreadBytes (arrived afterwards and never read, the peer's answering close among them)
//
// Conflicts between the writers' older contracts, kept as they were (scripts read them) and resolved by new
// fields whose names say exactly what they hold — read those in new code:
//   close.sentReason / close.receivedReason: base64 in transcripts, UTF-8 text in probe, absent from serve.
//       → sentReasonText / receivedReasonText (text) and sentReasonBase64 / receivedReasonBase64 (exact bytes).
//   close.code: the effective code (RFC 6455 §7.1.5: the code received, 1005 none, 1006 not clean) in
//       transcripts and probe, but the code the initiating side sent (1005 none, 1006 no initiator) in serve.
//       → effectiveCode and initiatorCode; serve's close.reason (the initiator's reason) → initiatorReason.
//   close.initiator: "local" / "remote" / "none" in transcripts and probe, "server" / "client" / "none" in
//       serve (its connections are the server side). → initiatorSide: "local" / "remote" / "none" everywhere.
//   handshake.protocol / handshake.extensions: base64 in transcripts, text or null in serve.
//       → protocolText / extensionsText (text, null when empty).
//   handshake.findings: every finding in transcripts, only those that are not "pass" in serve. The objects are
//       the same everywhere (id, result, severity, message, rfc, header; result and severity are equal).
//   frame.length beyond 2^53 (only a deliberately lying header): a decimal string in transcripts, whose reader
//       must get it back exactly; an exact JSON number in serve and probe, as before.
// Which of these older fields a writer emits is its EventDialect; everything else is identical across writers.

#include "core/transcript.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace wsi
{

struct WireTotals;

// ---- a small JSON writer (RFC 8259) appending to a QByteArray ----

// A JSON string literal of valid UTF-8 text: quotes, backslashes and control characters escaped.
void appendJsonString(QByteArray& out, QByteArrayView utf8);
// The same for any bytes: invalid UTF-8 is replaced as QString::fromUtf8() replaces it.
void appendJsonText(QByteArray& out, QByteArrayView bytes);

// Appends one object: `{` on construction, fields in call order, `}` on finish(). Keys are plain ASCII literals.
class JsonObjectWriter
{
public:
    explicit JsonObjectWriter(QByteArray& out)
        : m_out(out)
    {
        m_out.append('{');
    }
    // Starts a field and returns the buffer for its value (already JSON).
    QByteArray& key(const char* name);
    JsonObjectWriter& boolean(const char* name, bool value);
    JsonObjectWriter& integer(const char* name, qint64 value);
    JsonObjectWriter& unsignedInteger(const char* name, quint64 value);
    JsonObjectWriter& number(const char* name, double value);
    JsonObjectWriter& null(const char* name);
    JsonObjectWriter& utf8(const char* name, QByteArrayView utf8); // valid UTF-8
    JsonObjectWriter& string(const char* name, const QString& text);
    JsonObjectWriter& text(const char* name, QByteArrayView bytes); // any bytes, as text (see appendJsonText)
    JsonObjectWriter& latin1(const char* name, QByteArrayView bytes); // each byte one character
    JsonObjectWriter& base64(const char* name, QByteArrayView bytes);
    JsonObjectWriter& hex(const char* name, QByteArrayView bytes);
    JsonObjectWriter& code(const char* name, const std::optional<quint16>& code); // number or null
    void finish() { m_out.append('}'); }

private:
    QByteArray& m_out;
    bool m_first = true;
};

// ---- events ----

// Whose older contract decides the fields listed as conflicts above.
enum class EventDialect { Transcript, Probe, Serve };

// How payload bytes travel; a writer picks any combination.
enum PayloadForm : unsigned {
    NoPayload = 0,
    Base64Payload = 1, // "payload": every kept byte, base64 (transcripts: exact round trip)
    TextOrHexPayload = 2, // "text" when the payload is text data and valid UTF-8, else "hex" (probe)
    PreviewPayload = 4, // messages only: "preview", the first 80 kept bytes of a text message as text (serve)
    TextPayload = 8, // "text" when the payload is text data and valid UTF-8, else nothing (transcripts: readable)
};

struct EventOptions {
    EventDialect dialect = EventDialect::Transcript;
    unsigned payloads = Base64Payload;
    qint64 conn = -1; // >= 0: every event starts with "conn" (serve)
};

inline constexpr qsizetype kPreviewBytes = 80;

// Writes the events of one connection's transcript. Frames must be given in order (it follows which message a
// continuation frame belongs to, for the "text" form).
class EventSerializer
{
public:
    explicit EventSerializer(EventOptions options = {})
        : m_options(options)
    {
    }
    const EventOptions& options() const { return m_options; }

    void frame(QByteArray& out, const Transcript& t, qsizetype index);
    void message(QByteArray& out, const Transcript& t, qsizetype index) const;
    void message(QByteArray& out, const Transcript& t, qsizetype index, const MessageRecord& m) const;
    // `peer` (serve) is added when not empty. Any field added to the handshake event goes here.
    void handshake(QByteArray& out, const HandshakeRecord& h, const QString& peer = {}) const;
    // bytesIn / bytesOut (serve: every byte the TCP connection carried, TLS excluded) are added when >= 0; the
    // handshake and frame bytes each way (core/wirebytes.h) when `wire` is given.
    void close(QByteArray& out, const CloseRecord& c, qint64 bytesIn = -1, qint64 bytesOut = -1,
        const WireTotals* wire = nullptr) const;
    void note(QByteArray& out, const NoteRecord& n) const;

private:
    void begin(JsonObjectWriter& w, const char* event) const;
    EventOptions m_options;
    quint8 m_messageOpcode[2] { 1, 1 }; // per direction (In, Out): the data message being sent
    bool m_messageCompressed[2] { false, false };
};

QString noteLevelName(NoteRecord::Level level);
QString closeInitiatorName(CloseRecord::Initiator initiator); // "local", "remote", "none"
// The code the side that started the closing handshake sent: 1005 for a close frame without one, 1006 when no
// close frame was seen at all (RFC 6455 §7.1.5).
quint16 closeInitiatorCode(const CloseRecord& close);
QByteArray closeInitiatorReason(const CloseRecord& close);
// From the first close frame to the end of the connection, in ms; -1 when unknown.
double closeDurationMs(const CloseRecord& close);

} // namespace wsi
