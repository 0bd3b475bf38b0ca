#pragma once
// The record of one connection, written by the engine and read by every view and export.
// Built for volume: frames are fixed-size records in a list, payload bytes live in one append-only
// store, so millions of frames cost little more than their payloads.

#include "core/checks.h"
#include "core/frame.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace wsi {

enum class Direction : quint8 { In, Out }; // relative to the endpoint that records

// Append-only payload storage in fixed chunks; offsets stay valid forever. A byte budget bounds it:
// once full, further payloads are counted but not kept (the frame records say how much was kept).
class PayloadStore {
public:
    explicit PayloadStore(qint64 budgetBytes = qint64(1) << 30) : m_budget(budgetBytes) { }
    // Returns the offset of the stored bytes; `kept` receives how many were stored (may be fewer).
    qint64 append(QByteArrayView bytes, qint64* kept = nullptr);
    QByteArray read(qint64 offset, qint64 length) const;
    qint64 size() const { return m_size; }
    qint64 budget() const { return m_budget; }
    qint64 droppedBytes() const { return m_dropped; }
    void clear();

private:
    static constexpr qint64 kChunk = qint64(1) << 20;
    QList<QByteArray> m_chunks;
    qint64 m_size = 0;
    qint64 m_budget;
    qint64 m_dropped = 0;
};

struct FrameRecord {
    qint64 timeUs = 0;          // monotonic, from the engine's clock
    qint64 payloadOffset = 0;   // unmasked payload as it crossed the wire (compressed when RSV1)
    quint64 payloadLength = 0;  // length declared in the header
    qint64 payloadKept = 0;     // bytes of it held in the store (less only when the store's budget ran out)
    MaskKey maskKey {};
    quint8 opcode = 0;
    Direction dir = Direction::In;
    bool fin = true, rsv1 = false, rsv2 = false, rsv3 = false, masked = false;
    LengthEncoding lengthEncoding = LengthEncoding::Short7;
    quint8 headerSize = 2;
    qint32 message = -1;        // index into messages(), -1 for control frames and unfinished messages

    FrameHeader header() const;
};

struct MessageRecord {
    qint64 timeUs = 0;          // when the last frame arrived or was sent
    Direction dir = Direction::In;
    quint8 opcode = 1;
    bool compressed = false;
    qint64 wireBytes = 0;       // payload bytes on the wire, summed over frames
    qint64 payloadOffset = 0;   // the message as the application sees it (inflated)
    qint64 length = 0;
    qint64 payloadKept = 0;
    qint32 firstFrame = -1;
    qint32 frameCount = 0;
};

struct HandshakeRecord {
    qint64 requestTimeUs = -1, responseTimeUs = -1;
    QByteArray rawRequest;      // exactly the bytes sent or received
    QByteArray rawResponse;     // head and, for a non-101 answer, the body
    int status = 0;
    QByteArray protocol;        // selected subprotocol, empty when none
    QByteArray extensions;      // the response's Sec-WebSocket-Extensions value
    QList<Finding> findings;    // checks of the peer's message
    QStringList trace;          // the server's decision, step by step
};

struct CloseRecord {
    enum class Initiator : quint8 { None, Local, Remote };
    Initiator initiator = Initiator::None;
    std::optional<quint16> sentCode, receivedCode;
    QByteArray sentReason, receivedReason;
    qint64 sentTimeUs = -1, receivedTimeUs = -1, closedTimeUs = -1;
    bool clean = false;         // both close frames crossed before the TCP connection ended
    quint16 effectiveCode() const; // the code an application would report (1005 none, 1006 abnormal)
};

struct NoteRecord {
    enum class Level : quint8 { Info, Warning, Error };
    qint64 timeUs = 0;
    Level level = Level::Info;
    QString text;
};

// Bounds of one transcript. A peer sending 2-byte empty frames costs ~70 bytes of record each, so
// records are capped by count as payloads are by bytes; past a cap, records are counted, not kept.
struct TranscriptLimits {
    qint64 payloadBytes = qint64(1) << 30;
    qint32 frames = 8'000'000;
    qint32 messages = 8'000'000;
    qint32 notes = 10'000;
};

class Transcript {
public:
    explicit Transcript(TranscriptLimits limits = {}) : m_limits(limits), m_payloads(limits.payloadBytes) { }
    explicit Transcript(qint64 payloadBudget) : Transcript(TranscriptLimits { .payloadBytes = payloadBudget }) { }

    // Writing (engine side). addFrame/addMessage return the new record's index, or -1 when its
    // cap is reached (then only counted in droppedRecords()).
    qint32 addFrame(Direction dir, qint64 timeUs, const FrameHeader& header, QByteArrayView payload);
    qint32 addMessage(Direction dir, qint64 timeUs, quint8 opcode, bool compressed, qint64 wireBytes,
        QByteArrayView payload, qint32 firstFrame, qint32 frameCount);
    void addNote(qint64 timeUs, NoteRecord::Level level, QString text);
    HandshakeRecord& handshake() { return m_handshake; }
    CloseRecord& close() { return m_close; }
    void clear();

    // Reading (views, exports).
    const QList<FrameRecord>& frames() const { return m_frames; }
    const QList<MessageRecord>& messages() const { return m_messages; }
    const QList<NoteRecord>& notes() const { return m_notes; }
    const HandshakeRecord& handshake() const { return m_handshake; }
    const CloseRecord& close() const { return m_close; }
    QByteArray framePayload(const FrameRecord& frame) const;
    QByteArray messagePayload(const MessageRecord& message) const;
    // The frame's bytes as they were on the wire: header (with its mask key) + masked payload.
    QByteArray frameWireBytes(const FrameRecord& frame) const;
    const PayloadStore& payloads() const { return m_payloads; }
    const TranscriptLimits& limits() const { return m_limits; }
    qint64 droppedRecords() const { return m_droppedRecords; }

private:
    TranscriptLimits m_limits;
    qint64 m_droppedRecords = 0;
    QList<FrameRecord> m_frames;
    QList<MessageRecord> m_messages;
    QList<NoteRecord> m_notes;
    HandshakeRecord m_handshake;
    CloseRecord m_close;
    PayloadStore m_payloads;
};

} // namespace wsi
