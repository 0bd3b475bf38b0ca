#include "core/transcript.h"

#include "core/extensions.h"
#include "core/frameencoder.h"
#include "core/framerules.h"
#include "core/wirebytes.h"

#include <cstring>
#include <limits>

namespace wsi
{

qint64 PayloadStore::append(QByteArrayView bytes, qint64* kept, qint64 maxKept)
{
    const qint64 room = qMin(maxKept, qMax<qint64>(0, m_budget - m_size));
    // Compared only when the bytes would otherwise be copied, so that sharing replaces a copy and never adds
    // work: once the budget is spent, a stream of equal large payloads is not compared again and again.
    if (!bytes.isEmpty() && bytes.size() == m_lastLength && bytes.size() <= room
        && std::memcmp(m_chunks.at(m_lastOffset / kChunk).constData() + m_lastOffset % kChunk, bytes.data(),
               size_t(bytes.size()))
            == 0) {
        if (kept)
            *kept = bytes.size();
        return m_lastOffset;
    }
    const qint64 offset = m_size;
    const qint64 toKeep = qMin<qint64>(room, bytes.size());
    m_dropped += bytes.size() - toKeep;
    const bool inOneChunk = toKeep == bytes.size() && (toKeep <= m_tailRoom || (m_tailRoom == 0 && toKeep <= kChunk));
    qint64 written = 0;
    while (written < toKeep) {
        if (m_tailRoom == 0) {
            m_chunks.append(QByteArray(kChunk, Qt::Uninitialized));
            m_tail = m_chunks.last().data();
            m_tailRoom = kChunk;
        }
        const qint64 n = qMin(toKeep - written, m_tailRoom);
        std::memcpy(m_tail, bytes.data() + written, size_t(n));
        m_tail += n;
        m_tailRoom -= n;
        written += n;
    }
    m_size += toKeep;
    m_lastOffset = inOneChunk ? offset : -1;
    m_lastLength = inOneChunk && toKeep > 0 ? toKeep : 0;
    if (kept)
        *kept = toKeep;
    return offset;
}

QByteArray PayloadStore::read(qint64 offset, qint64 length) const
{
    QByteArray out;
    if (offset < 0 || length <= 0 || offset >= m_size)
        return out;
    length = qMin(length, m_size - offset);
    out.reserve(length);
    while (length > 0) {
        const QByteArray& chunk = m_chunks.at(offset / kChunk);
        const qint64 within = offset % kChunk;
        const qint64 n = qMin(length, kChunk - within);
        out.append(chunk.constData() + within, n);
        offset += n;
        length -= n;
    }
    return out;
}

void PayloadStore::clear()
{
    m_chunks.clear();
    m_tail = nullptr;
    m_tailRoom = 0;
    m_size = 0;
    m_dropped = 0;
    m_lastOffset = -1;
    m_lastLength = 0;
}

FrameHeader FrameRecord::header() const
{
    FrameHeader h;
    h.fin = fin;
    h.rsv1 = rsv1;
    h.rsv2 = rsv2;
    h.rsv3 = rsv3;
    h.opcode = opcode;
    h.masked = masked;
    h.maskKey = maskKey;
    h.payloadLength = payloadLength;
    h.lengthEncoding = lengthEncoding;
    h.headerSize = headerSize;
    return h;
}

bool HandshakeRecord::deflateNegotiated() const
{
    if (extensions.isEmpty())
        return false;
    const ExtensionList list = parseExtensions(extensions);
    if (!list.ok())
        return false;
    for (const Extension& extension : list.extensions) {
        if (extension.name.compare("permessage-deflate", Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

void FrameRecord::setHeader(const FrameHeader& h)
{
    fin = h.fin;
    rsv1 = h.rsv1;
    rsv2 = h.rsv2;
    rsv3 = h.rsv3;
    opcode = h.opcode & 0x0f; // 4 bits on the wire (RFC 6455 §5.2)
    masked = h.masked;
    maskKey = h.maskKey;
    payloadLength = h.payloadLength;
    lengthEncoding = h.lengthEncoding;
    headerSize = quint8(h.headerSize);
}

quint16 CloseRecord::effectiveCode() const
{
    if (!clean)
        return 1006; // closed without a close handshake (RFC 6455 §7.1.5)
    // The code of the first close frame received, whoever started; 1005 when it had none (§7.1.5).
    return receivedCode.value_or(1005);
}

qsizetype MessageList::size() const
{
    return m_transcript->m_messageEntries.size();
}

MessageRecord MessageList::at(qsizetype i) const
{
    const qint32 entry = m_transcript->m_messageEntries.at(i);
    if (entry < 0)
        return m_transcript->m_messageRecords.at(~entry);
    const FrameRecord& f = m_transcript->m_frames.at(entry);
    MessageRecord m;
    m.timeUs = f.timeUs;
    m.dir = f.dir;
    m.opcode = f.opcode;
    m.compressed = false;
    m.wireBytes = qint64(f.payloadLength);
    m.payloadOffset = f.payloadOffset;
    m.length = f.payloadKept;
    m.payloadKept = f.payloadKept;
    m.firstFrame = entry;
    m.frameCount = 1;
    return m;
}

namespace
{
// Whether a list may take another record: its cap counts the records kept, and indices are 32-bit.
template <typename List> bool hasRoom(const List& list, qint32 cap)
{
    return list.availableCount() < cap && list.size() < std::numeric_limits<qint32>::max();
}
} // namespace

void Transcript::markFrameCutShort(qint32 frame, qint64 bytesRead)
{
    if (frame < 0 || frame >= m_frames.size())
        return;
    const FrameRecord& r = m_frames.at(frame);
    FrameTally& tally = m_tally[r.dir == Direction::Out];
    const quint64 declared = frameWireSize(r);
    // addFrame() counted the declared size, saturated at the largest total.
    tally.wireBytes -= qint64(qMin<quint64>(declared, quint64(tally.wireBytes)));
    tally.wireBytes += qMax<qint64>(0, bytesRead);
}

qint32 Transcript::addFrame(Direction dir, qint64 timeUs, const FrameHeader& header, QByteArrayView payload)
{
    FrameRecord r;
    r.timeUs = timeUs;
    r.dir = dir;
    r.setHeader(header);
    FrameTally& tally = m_tally[dir == Direction::Out];
    ++tally.frames;
    // Saturates: only a header that lies about a length near 2^64 gets there.
    const quint64 wire = frameWireSize(r);
    const quint64 room = quint64(std::numeric_limits<qint64>::max() - tally.wireBytes);
    tally.wireBytes += qint64(qMin(wire, room));
    if (!hasRoom(m_frames, m_limits.frames)) {
        ++m_droppedRecords;
        return -1;
    }
    qint64 kept = 0;
    r.payloadOffset = m_payloads.append(payload, &kept, FrameRecord::kMaxPayloadKept);
    r.payloadKept = quint32(kept);
    m_frames.append(r);
    return qint32(m_frames.size() - 1);
}

bool Transcript::isFrameAlone(const MessageRecord& m) const
{
    if (m.compressed || m.frameCount != 1 || m.firstFrame < m_frames.firstAvailable() || m.firstFrame < 0
        || m.firstFrame >= m_frames.size())
        return false;
    const FrameRecord& f = m_frames.at(m.firstFrame);
    return f.timeUs == m.timeUs && f.dir == m.dir && f.opcode == m.opcode && qint64(f.payloadLength) == m.wireBytes
        && f.payloadOffset == m.payloadOffset && f.payloadKept == m.length && m.payloadKept == m.length;
}

qint32 Transcript::addMessage(Direction dir, qint64 timeUs, quint8 opcode, bool compressed, qint64 wireBytes,
    QByteArrayView payload, qint32 firstFrame, qint32 frameCount)
{
    if (!hasRoom(m_messageEntries, m_limits.messages)) {
        ++m_droppedRecords;
        return -1;
    }
    MessageRecord m;
    m.timeUs = timeUs;
    m.dir = dir;
    m.opcode = opcode;
    m.compressed = compressed;
    m.wireBytes = wireBytes;
    m.length = payload.size();
    m.firstFrame = firstFrame;
    m.frameCount = frameCount;
    // An uncompressed single-frame message is the frame's payload: store it once.
    if (!compressed && frameCount == 1 && firstFrame >= m_frames.firstAvailable() && firstFrame >= 0
        && firstFrame < m_frames.size() && m_frames.at(firstFrame).payloadKept == payload.size()) {
        m.payloadOffset = m_frames.at(firstFrame).payloadOffset;
        m.payloadKept = payload.size();
    } else {
        m.payloadOffset = m_payloads.append(payload, &m.payloadKept);
    }
    const qint32 index = qint32(m_messageEntries.size());
    if (isFrameAlone(m)) {
        m_messageEntries.append(firstFrame);
    } else {
        m_messageEntries.append(~qint32(m_messageRecords.size()));
        m_messageRecords.append(m);
    }
    // The message's data frames are the ones from its first frame on; control frames may sit
    // between them (§5.4) and belong to no message.
    if (firstFrame >= 0) {
        for (qint32 i = qMax(firstFrame, qint32(m_frames.firstAvailable())); i < m_frames.size(); ++i) {
            if (!isControlOpcode(m_frames.at(i).opcode) && m_frames.at(i).dir == dir)
                m_frames[i].message = index;
        }
    }
    return index;
}

void Transcript::releaseBefore(qint32 frame, qint32 message)
{
    message = qBound<qint32>(qint32(m_messageEntries.firstAvailable()), message, qint32(m_messageEntries.size()));
    // Messages from `message` on stay readable: keep the frames they start at (a message rebuilt from its
    // frame reads it), and the side records they point to.
    qsizetype firstSideRecord = m_messageRecords.size();
    for (qsizetype i = message; i < m_messageEntries.size(); ++i) {
        const qint32 entry = m_messageEntries.at(i);
        const qint32 first = entry >= 0 ? entry : m_messageRecords.at(~entry).firstFrame;
        if (first >= 0)
            frame = qMin(frame, first);
        if (entry < 0)
            firstSideRecord = qMin<qsizetype>(firstSideRecord, ~entry);
    }
    m_frames.releaseBefore(frame);
    m_messageEntries.releaseBefore(message);
    m_messageRecords.releaseBefore(firstSideRecord);
}

void Transcript::prefetchForAppend() const
{
    m_frames.prefetchTail();
    m_messageEntries.prefetchTail();
    m_payloads.prefetchTail();
}

void Transcript::addNote(qint64 timeUs, NoteRecord::Level level, QString text)
{
    if (m_notes.size() >= m_limits.notes) {
        ++m_droppedRecords;
        return;
    }
    m_notes.append(NoteRecord { timeUs, level, std::move(text) });
}

void Transcript::clear()
{
    m_frames.clear();
    m_messageEntries.clear();
    m_messageRecords.clear();
    m_notes.clear();
    m_handshake = {};
    m_close = {};
    m_payloads.clear();
    m_droppedRecords = 0;
    m_tally[0] = m_tally[1] = {};
}

QByteArray Transcript::framePayload(const FrameRecord& frame) const
{
    return m_payloads.read(frame.payloadOffset, frame.payloadKept);
}

QByteArray Transcript::messagePayload(const MessageRecord& message) const
{
    return m_payloads.read(message.payloadOffset, message.payloadKept);
}

QByteArray Transcript::frameWireBytes(const FrameRecord& frame) const
{
    // The role only picks the default masking, which the options' masking overrides.
    return encodeFrame(Role::Client, frame.opcode, framePayload(frame), frame.maskKey, optionsFor(frame.header()));
}

std::optional<ProtocolViolation> recordedFrameViolation(const Transcript& t, qsizetype frameIndex, Role recorder)
{
    if (const std::optional<FailureRecord>& failure = t.close().failure; failure && failure->frame == frameIndex)
        return ProtocolViolation { failure->closeCode, failure->reason, failure->rfc };
    if (frameIndex < t.frames().firstAvailable() || frameIndex >= t.frames().size())
        return std::nullopt;
    const FrameRecord& f = t.frames().at(frameIndex);
    // The receiver's size limit is not on record.
    return frameHeaderViolation(f.header(), FrameContext { f.sender(recorder), t.handshake().deflateNegotiated(), {} });
}

} // namespace wsi
