#pragma once
// The record of one connection, written by the engine and read by every view and export.
// Built for volume: frames are 40-byte records in a chunked list, a message that is exactly its frame
// is rebuilt from it instead of stored, and payload bytes live in one append-only store, so millions
// of frames cost little more than their payloads.

#include "core/checks.h"
#include "core/chunkedlist.h"
#include "core/decisionpipeline.h"
#include "core/frame.h"
#include "core/protocol.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <iterator>
#include <limits>
#include <utility>

namespace wsi
{

enum class Direction : quint8 { In, Out }; // relative to the endpoint that records

// Append-only payload storage in fixed chunks; offsets stay valid forever. A byte budget bounds it:
// once full, further payloads are counted but not kept (the frame records say how much was kept).
// A payload equal to the one stored just before it (an echo of what just arrived) is stored once while the
// budget has room for it: both records then point at the same bytes.
class PayloadStore
{
public:
    explicit PayloadStore(qint64 budgetBytes = qint64(1) << 30)
        : m_budget(budgetBytes)
    {
    }
    // Not copyable: m_tail writes into the last chunk in place, which a shared copy would see change.
    // A moved-from store is empty (with its budget) and can be used again.
    PayloadStore(const PayloadStore&) = delete;
    PayloadStore& operator=(const PayloadStore&) = delete;
    PayloadStore(PayloadStore&& other) noexcept
        : m_budget(other.m_budget)
    {
        *this = std::move(other);
    }
    PayloadStore& operator=(PayloadStore&& other) noexcept
    {
        m_chunks = std::move(other.m_chunks);
        m_tail = std::exchange(other.m_tail, nullptr);
        m_tailRoom = std::exchange(other.m_tailRoom, 0);
        m_size = std::exchange(other.m_size, 0);
        m_budget = other.m_budget;
        m_dropped = std::exchange(other.m_dropped, 0);
        m_lastOffset = std::exchange(other.m_lastOffset, -1);
        m_lastLength = std::exchange(other.m_lastLength, 0);
        other.m_chunks.clear();
        return *this;
    }
    // Returns the offset of the stored bytes; `kept` receives how many were stored (may be fewer: the
    // budget, or `maxKept` for this payload, ran out; the rest is counted as dropped).
    qint64 append(QByteArrayView bytes, qint64* kept = nullptr, qint64 maxKept = std::numeric_limits<qint64>::max());
    QByteArray read(qint64 offset, qint64 length) const;
    qint64 size() const { return m_size; }
    qint64 budget() const { return m_budget; }
    qint64 droppedBytes() const { return m_dropped; }
    void clear();
    // See Transcript::prefetchForAppend().
    void prefetchTail() const
    {
        if (m_tail)
            __builtin_prefetch(m_tail, 1);
    }

private:
    static constexpr qint64 kChunk = qint64(1) << 20;
    // The last chunk is written through m_tail (m_tailRoom bytes left in it), without going through the list.
    char* m_tail = nullptr;
    qint64 m_tailRoom = 0;
    qint64 m_size = 0;
    qint64 m_budget;
    qint64 m_dropped = 0;
    qint64 m_lastOffset = -1, m_lastLength = 0; // the last payload, when it was stored whole in one chunk
    QList<QByteArray> m_chunks; // each kChunk bytes long; bytes past size() are not written yet
};

// 40 bytes: a transcript holds millions of these. The flags and small fields are bit-fields.
struct FrameRecord {
    qint64 timeUs = 0; // monotonic, from the engine's clock
    qint64 payloadOffset = 0; // unmasked payload as it crossed the wire (compressed when RSV1)
    quint64 payloadLength = 0; // length declared in the header
    // Bytes of the payload held in the store: fewer when the store's budget ran out, and never more than
    // 4 GiB - 1 (a record keeps at most that much of one frame; frames are capped at 64 MiB by default).
    quint32 payloadKept = 0;
    MaskKey maskKey {};
    quint8 opcode : 4 = 0;
    Direction dir : 1 = Direction::In;
    bool fin : 1 = true;
    bool rsv1 : 1 = false;
    bool rsv2 : 1 = false;
    bool rsv3 : 1 = false;
    bool masked : 1 = false;
    LengthEncoding lengthEncoding : 3 = LengthEncoding::Short7; // 3 bits: its underlying type is a signed int
    quint8 headerSize : 4 = 2; // 2 to 14
    qint32 message = -1; // index into messages(), -1 for control frames and unfinished messages

    static constexpr qint64 kMaxPayloadKept = 0xffffffff;

    // The header fields, both ways: the one place a FrameHeader and a record are copied field by field.
    FrameHeader header() const;
    void setHeader(const FrameHeader& header);
    // Who sent the frame, given the role of the endpoint that recorded it (sent frames are its own).
    Role sender(Role recorder) const { return dir == Direction::Out ? recorder : peerOf(recorder); }
};
static_assert(sizeof(FrameRecord) == 40);

struct MessageRecord {
    qint64 timeUs = 0; // when the last frame arrived or was sent
    Direction dir = Direction::In;
    quint8 opcode = 1;
    bool compressed = false;
    qint64 wireBytes = 0; // payload bytes on the wire, summed over frames
    qint64 payloadOffset = 0; // the message as the application sees it (inflated)
    qint64 length = 0;
    qint64 payloadKept = 0;
    qint32 firstFrame = -1;
    qint32 frameCount = 0;
};

class Transcript;

// The messages of a transcript, read-only and cheap to copy (it refers to the transcript). A message
// that is exactly one recorded frame keeps no MessageRecord of its own: it is rebuilt from the frame,
// so at(), operator[] and iteration yield MessageRecords by value.
class MessageList
{
public:
    using const_iterator = IndexIterator<MessageList, MessageRecord, MessageRecord>;

    qsizetype size() const;
    bool isEmpty() const { return size() == 0; }
    MessageRecord at(qsizetype i) const;
    MessageRecord operator[](qsizetype i) const { return at(i); }
    MessageRecord first() const { return at(0); }
    MessageRecord constFirst() const { return at(0); }
    MessageRecord front() const { return at(0); }
    MessageRecord last() const { return at(size() - 1); }
    MessageRecord constLast() const { return at(size() - 1); }
    const_iterator begin() const { return { *this, 0 }; }
    const_iterator end() const { return { *this, size() }; }
    const_iterator cbegin() const { return begin(); }
    const_iterator cend() const { return end(); }

private:
    friend class Transcript;
    explicit MessageList(const Transcript* transcript)
        : m_transcript(transcript)
    {
    }
    const Transcript* m_transcript = nullptr;
};

struct HandshakeRecord {
    qint64 requestTimeUs = -1, responseTimeUs = -1;
    // A client's attempt before its request: when it began, when TCP connected, when TLS was up (-1: not
    // recorded, or no TLS). A server's record has none of them.
    qint64 startTimeUs = -1, connectedTimeUs = -1, tlsTimeUs = -1;
    QByteArray rawRequest; // exactly the bytes sent or received
    QByteArray rawResponse; // head and, for a non-101 answer, the body
    int status = 0;
    QByteArray protocol; // selected subprotocol, empty when none
    QByteArray extensions; // the response's Sec-WebSocket-Extensions value
    QList<Finding> findings; // checks of the peer's message
    QList<DecisionStep> decisionSteps; // the server's decision, step by step (a client's record: when known)
    std::optional<AuthenticatedUser> user; // who the server's authentication step found (when known)
    // Not a handshake: a plain HTTP request the server answered itself ("GET /", "POST /login" under serve --login).
    QString route;

    // The response agreed to permessage-deflate: `extensions`, read with the extension grammar, names
    // it (RFC 7692 §5). A value that does not parse negotiates nothing.
    bool deflateNegotiated() const;
};

// The protocol violation for which the recording side failed the connection (RFC 6455 §7.1.7): it sent the
// close frame and read nothing more, so what the peer sent afterwards, its answering close included, is
// counted here but was never read.
struct FailureRecord {
    quint16 closeCode = 1002;
    QString reason;
    QString rfc;
    qint64 timeUs = -1;
    qint32 frame = -1; // the offending frame's record (-1: not recorded)
    qint64 frameBytesRead = 0; // of that frame: a header broken early is refused after its first bytes
    qint64 unreadBytes = 0; // bytes that arrived after the offending frame's last byte read
    bool operator==(const FailureRecord&) const = default;
};

struct CloseRecord {
    enum class Initiator : quint8 { None, Local, Remote };
    Initiator initiator = Initiator::None;
    std::optional<quint16> sentCode, receivedCode;
    QByteArray sentReason, receivedReason;
    qint64 sentTimeUs = -1, receivedTimeUs = -1, closedTimeUs = -1;
    bool clean = false; // both close frames crossed before the TCP connection ended
    std::optional<FailureRecord> failure; // set when this side failed the connection
    quint16 effectiveCode() const; // the code an application would report (1005 none, 1006 abnormal)
};

struct NoteRecord {
    enum class Level : quint8 { Info, Warning, Error };
    qint64 timeUs = 0;
    Level level = Level::Info;
    QString text;
};

// Bounds of one transcript. A peer sending 2-byte empty frames costs ~45 bytes of record each, so
// records are capped by count as payloads are by bytes; past a cap, records are counted, not kept.
struct TranscriptLimits {
    qint64 payloadBytes = qint64(1) << 30;
    qint32 frames = 8'000'000;
    qint32 messages = 8'000'000;
    qint32 notes = 10'000;
};

class Transcript
{
public:
    explicit Transcript(TranscriptLimits limits = {})
        : m_payloads(limits.payloadBytes)
        , m_limits(limits)
    {
    }
    explicit Transcript(qint64 payloadBudget)
        : Transcript(TranscriptLimits { .payloadBytes = payloadBudget })
    {
    }

    // Writing (engine side). addFrame/addMessage return the new record's index, or -1 when its
    // cap is reached (then only counted in droppedRecords()).
    qint32 addFrame(Direction dir, qint64 timeUs, const FrameHeader& header, QByteArrayView payload);
    qint32 addMessage(Direction dir, qint64 timeUs, quint8 opcode, bool compressed, qint64 wireBytes,
        QByteArrayView payload, qint32 firstFrame, qint32 frameCount);
    void addNote(qint64 timeUs, NoteRecord::Level level, QString text);
    // A received frame that was refused before its end: its record keeps the header as far as it was parsed, and
    // the wire totals count the `bytesRead` that were read instead of the size its header declared.
    void markFrameCutShort(qint32 frame, qint64 bytesRead);
    // Forgets frame and message records before these indices, whole blocks at a time, for a reader that only
    // goes forward (the headless server's output): a connection that runs for hours then holds the records
    // not read yet instead of all of them. Frames that kept messages are rebuilt from or point to stay.
    // Indices do not change; frames before frames().firstAvailable() and messages before
    // firstMessageAvailable() may not be read again. The record caps count the records kept.
    void releaseBefore(qint32 frame, qint32 message);
    // A hint for a recorder that is about to append: fetches the memory the next records and payload go to, so
    // that a server touching a hundred connections in turn does not wait for each of those cache lines when it
    // records (call it before a system call, which hides the fetch). Changes nothing.
    void prefetchForAppend() const;
    qsizetype firstMessageAvailable() const { return m_messageEntries.firstAvailable(); }
    HandshakeRecord& handshake() { return m_handshake; }
    CloseRecord& close() { return m_close; }
    void clear();

    // Reading (views, exports).
    const ChunkedList<FrameRecord>& frames() const { return m_frames; }
    MessageList messages() const { return MessageList(this); }
    const QList<NoteRecord>& notes() const { return m_notes; }
    const HandshakeRecord& handshake() const { return m_handshake; }
    const CloseRecord& close() const { return m_close; }
    QByteArray framePayload(const FrameRecord& frame) const;
    QByteArray messagePayload(const MessageRecord& message) const;
    // The frame's bytes as they were on the wire: header (with its mask key) + masked payload.
    QByteArray frameWireBytes(const FrameRecord& frame) const;
    const PayloadStore& payloads() const { return m_payloads; }
    // How many messages() keep a MessageRecord of their own; the others are rebuilt from their frame.
    qsizetype storedMessageRecords() const { return m_messageRecords.size(); }
    const TranscriptLimits& limits() const { return m_limits; }
    qint64 droppedRecords() const { return m_droppedRecords; }
    // Every frame added, recorded or past a cap: how many and their wire bytes (core/wirebytes.h has the
    // definition and the totals views show).
    struct FrameTally {
        qint64 frames = 0;
        qint64 wireBytes = 0;
    };
    const FrameTally& frameTally(Direction dir) const { return m_tally[dir == Direction::Out]; }

private:
    friend class MessageList;
    // Whether a message is its frame alone, so that it can be rebuilt from the frame (see messages()).
    bool isFrameAlone(const MessageRecord& message) const;

    // What appending reads and writes comes first, close together: a busy recorder then touches a few cache
    // lines of this object per message, not the whole of it.
    ChunkedList<FrameRecord> m_frames;
    // One entry per message: >= 0 is the index of the frame the message is (see isFrameAlone()), < 0 is
    // ~index into m_messageRecords, which holds every other message (fragmented, compressed, frame not
    // recorded, ...).
    ChunkedList<qint32> m_messageEntries;
    PayloadStore m_payloads;
    TranscriptLimits m_limits;
    qint64 m_droppedRecords = 0;
    FrameTally m_tally[2]; // [0] received, [1] sent
    ChunkedList<MessageRecord> m_messageRecords;
    QList<NoteRecord> m_notes;
    HandshakeRecord m_handshake;
    CloseRecord m_close;
};

// The rule a recorded frame broke. For the frame this side failed the connection for, the recorded violation (the
// size limit, fragmentation, UTF-8 and inflate rules are on record only there); for any other, what its header
// alone breaks (core/framerules.h).
std::optional<ProtocolViolation> recordedFrameViolation(const Transcript& t, qsizetype frameIndex, Role recorder);

} // namespace wsi
