#pragma once
// Incremental RFC 6455 §5 frame decoder. Bytes arrive in chunks of any size (one byte at a time
// works); complete frames come out unmasked. Every rule a single frame can break is checked here,
// with frameHeaderViolation() (core/framerules.h), as early as the bytes allow; rules that span
// frames (fragmentation, UTF-8) belong to MessageAssembler.

#include "core/frame.h"
#include "core/framerules.h"
#include "core/protocol.h"

#include <QByteArrayView>
#include <deque>
#include <optional>

namespace wsi
{

struct DecoderLimits {
    quint64 maxFramePayload = 64ull << 20; // checked against the header, before any payload is buffered
};

class FrameDecoder
{
public:
    // `receiver` is the side reading these frames: a Server expects masked frames, a Client unmasked.
    explicit FrameDecoder(Role receiver, DecoderLimits limits = {});

    // True once permessage-deflate is negotiated: RSV1 then marks the first frame of a compressed message.
    void setRsv1Allowed(bool allowed) { m_rsv1Allowed = allowed; }

    // Consumes the bytes at once; payload bytes are unmasked straight into the frame being built.
    // After a violation further bytes are ignored.
    void feed(QByteArrayView bytes);

    enum class Status { NeedMore, FrameReady, Violation };
    // Pops the next complete frame. Frames completed before a violation are handed out first.
    Status next(Frame& out);

    const ProtocolViolation& violation() const { return m_violation; }
    // The offending frame's header with the fields parsed when the violation was found
    // (headerSize = the header bytes read up to then).
    const FrameHeader& violatingHeader() const { return m_violatingHeader; }
    // Stream offset of the first byte of the offending frame.
    qint64 violationFrameOffset() const { return m_frameStart; }
    // Bytes of the frame being received (or of the offending one) taken from the stream so far.
    qint64 currentFrameBytesRead() const { return m_consumed - m_frameStart; }
    // The frame whose payload is arriving, unmasked as far as it has come (payload.size() bytes of
    // header.payloadLength); nullptr between frames and after a violation. It lets the owner judge a
    // long frame's first bytes before its last one arrives, without a copy and without taking them
    // out of the decoder: the frame still comes out of next() whole.
    const Frame* partialFrame() const { return m_stage == Stage::Payload ? &m_current : nullptr; }
    // Bytes taken from the stream so far (stops growing at a violation).
    qint64 bytesConsumed() const { return m_consumed; }
    // Memory held for the frame being received: grows with the bytes that arrived, not with what
    // the header claims.
    qsizetype pendingPayloadCapacity() const { return m_current.payload.capacity(); }

private:
    enum class Stage { Header, Payload, Failed };

    qsizetype consumeHeader(const char* data, qsizetype size);
    qsizetype consumePayload(const char* data, qsizetype size);
    int fullHeaderSize() const;
    void parseFirstTwoBytes();
    void parseExtendedFields();
    // What frameHeaderViolation() judges the frames against (core/framerules.h).
    FrameContext context() const;
    void startPayload();
    void finishFrame();
    void fail(ProtocolViolation violation);

    static constexpr quint64 kUpfrontReserve = 1 << 20;
    Role m_receiver;
    DecoderLimits m_limits;
    bool m_rsv1Allowed = false;

    Stage m_stage = Stage::Header;
    char m_headerBytes[14] {}; // 2 + 8 (64-bit length) + 4 (masking key) at most
    int m_headerFilled = 0;
    bool m_firstTwoParsed = false;
    Frame m_current;
    qsizetype m_payloadFilled = 0;
    std::deque<Frame> m_ready;

    ProtocolViolation m_violation;
    FrameHeader m_violatingHeader;
    qint64 m_consumed = 0;
    qint64 m_frameStart = 0;
};

} // namespace wsi
