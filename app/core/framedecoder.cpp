#include "core/framedecoder.h"

#include "core/framerules.h"
#include "core/masking.h"

#include <algorithm>
#include <cstring>

namespace wsi
{

FrameDecoder::FrameDecoder(Role receiver, DecoderLimits limits)
    : m_receiver(receiver)
    , m_limits(limits)
{
}

void FrameDecoder::feed(QByteArrayView bytes)
{
    const char* data = bytes.data();
    const qsizetype size = bytes.size();
    qsizetype position = 0;
    while (position < size && m_stage != Stage::Failed) {
        if (m_stage == Stage::Header)
            position += consumeHeader(data + position, size - position);
        else
            position += consumePayload(data + position, size - position);
    }
}

FrameDecoder::Status FrameDecoder::next(Frame& out)
{
    if (!m_ready.empty()) {
        out = std::move(m_ready.front());
        m_ready.pop_front();
        return Status::FrameReady;
    }
    return m_stage == Stage::Failed ? Status::Violation : Status::NeedMore;
}

// Takes header bytes up to the next point where something can be decided: the first two bytes,
// then the rest of the header whose size they announce.
qsizetype FrameDecoder::consumeHeader(const char* data, qsizetype size)
{
    const int target = m_firstTwoParsed ? fullHeaderSize() : 2;
    const qsizetype take = std::min<qsizetype>(target - m_headerFilled, size);
    std::memcpy(m_headerBytes + m_headerFilled, data, size_t(take));
    m_headerFilled += int(take);
    m_consumed += take;
    if (m_headerFilled < target)
        return take;

    if (!m_firstTwoParsed) {
        parseFirstTwoBytes();
        if (const auto violation = frameHeaderViolation(m_current.header, context(), HeaderPart::FirstTwoBytes)) {
            fail(*violation);
            return take;
        }
    }
    if (m_headerFilled == fullHeaderSize()) {
        parseExtendedFields();
        if (const auto violation = frameHeaderViolation(m_current.header, context(), HeaderPart::Complete)) {
            fail(*violation);
            return take;
        }
        startPayload();
    }
    return take;
}

qsizetype FrameDecoder::consumePayload(const char* data, qsizetype size)
{
    const qsizetype take = std::min<qsizetype>(qsizetype(m_current.header.payloadLength) - m_payloadFilled, size);
    // Grows with the bytes that actually arrived (geometrically, so appends stay amortised O(1)).
    m_current.payload.resize(m_payloadFilled + take);
    char* destination = m_current.payload.data() + m_payloadFilled;
    if (m_current.header.masked)
        copyWithMask(destination, data, take, m_current.header.maskKey, quint64(m_payloadFilled));
    else
        std::memcpy(destination, data, size_t(take));
    m_payloadFilled += take;
    m_consumed += take;
    if (m_payloadFilled == qsizetype(m_current.header.payloadLength))
        finishFrame();
    return take;
}

int FrameDecoder::fullHeaderSize() const
{
    const quint8 length7 = quint8(m_headerBytes[1]) & 0x7F;
    const int extendedLengthSize = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    const int maskSize = (quint8(m_headerBytes[1]) & 0x80) ? 4 : 0;
    return 2 + extendedLengthSize + maskSize;
}

void FrameDecoder::parseFirstTwoBytes()
{
    const quint8 first = quint8(m_headerBytes[0]);
    const quint8 second = quint8(m_headerBytes[1]);
    FrameHeader& header = m_current.header;
    header.fin = first & 0x80;
    header.rsv1 = first & 0x40;
    header.rsv2 = first & 0x20;
    header.rsv3 = first & 0x10;
    header.opcode = first & 0x0F;
    header.masked = second & 0x80;
    const quint8 length7 = second & 0x7F;
    header.lengthEncoding = length7 == 126 ? LengthEncoding::Extended16
        : length7 == 127                   ? LengthEncoding::Extended64
                                           : LengthEncoding::Short7;
    header.payloadLength = length7 < 126 ? length7 : 0;
    header.headerSize = 2;
    m_firstTwoParsed = true;
}

void FrameDecoder::parseExtendedFields()
{
    FrameHeader& header = m_current.header;
    int position = 2;
    const int lengthBytes = header.lengthEncoding == LengthEncoding::Extended16 ? 2
        : header.lengthEncoding == LengthEncoding::Extended64                   ? 8
                                                                                : 0;
    if (lengthBytes > 0) {
        quint64 length = 0;
        for (int i = 0; i < lengthBytes; ++i)
            length = (length << 8) | quint8(m_headerBytes[position + i]);
        header.payloadLength = length;
        position += lengthBytes;
    }
    if (header.masked) {
        for (int i = 0; i < 4; ++i)
            header.maskKey[size_t(i)] = quint8(m_headerBytes[position + i]);
        position += 4;
    }
    header.headerSize = position;
}

FrameContext FrameDecoder::context() const
{
    return FrameContext { peerOf(m_receiver), m_rsv1Allowed, m_limits.maxFramePayload };
}

void FrameDecoder::startPayload()
{
    std::memcpy(m_current.rawHeaderBytes.data(), m_headerBytes, size_t(m_headerFilled));
    // The payload is written exactly once, unmasked on the way in. Memory is reserved for what the
    // header declares only up to kUpfrontReserve: a 10-byte header must not make us allocate the
    // whole limit before a single payload byte has arrived (the Qt CVE-2018-21035 class).
    m_current.payload = QByteArray();
    m_current.payload.reserve(qsizetype(std::min<quint64>(m_current.header.payloadLength, kUpfrontReserve)));
    m_payloadFilled = 0;
    m_stage = Stage::Payload;
    if (m_current.header.payloadLength == 0)
        finishFrame();
}

void FrameDecoder::finishFrame()
{
    m_ready.push_back(std::move(m_current));
    m_current = Frame();
    m_headerFilled = 0;
    m_firstTwoParsed = false;
    m_stage = Stage::Header;
    m_frameStart = m_consumed;
}

void FrameDecoder::fail(ProtocolViolation violation)
{
    m_violation = std::move(violation);
    m_violatingHeader = m_current.header;
    m_stage = Stage::Failed;
}

} // namespace wsi
