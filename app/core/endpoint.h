#pragma once
// One end of an open WebSocket connection, without the socket: bytes in, bytes out, and a record
// of everything. The server connection and the client session both drive one of these, so the
// framing, deflate, ping/pong and closing rules exist exactly once.

#include "core/closepayload.h"
#include "core/deflatecodec.h"
#include "core/framedecoder.h"
#include "core/frameencoder.h"
#include "core/messageassembler.h"
#include "core/protocol.h"
#include "core/transcript.h"

#include <functional>
#include <memory>

namespace wsi
{

struct EndpointConfig {
    Role role = Role::Server;
    DecoderLimits decoder;
    AssemblerLimits assembler;
    bool autoPong = true; // answer every ping with a pong carrying the same payload (§5.5.2)
    bool recordFrames = true; // keep a FrameRecord per frame (payloads subject to the store's budget)
    bool recordMessages = true; // keep a MessageRecord per message
};

struct SendOptions {
    int fragments = 1; // split the (compressed) payload into this many frames
    bool compress = true; // only takes effect when permessage-deflate was negotiated
};

// What the endpoint tells its owner. Only writeToWire is required.
class EndpointSink
{
public:
    virtual ~EndpointSink() = default;
    virtual void writeToWire(const QByteArray& bytes) = 0;
    virtual void messageReceived(const Message& message) { Q_UNUSED(message); }
    virtual void controlReceived(const Frame& frame) { Q_UNUSED(frame); }
    // The peer broke the protocol; a close frame with violation.closeCode has been queued.
    virtual void protocolViolation(const ProtocolViolation& violation) { Q_UNUSED(violation); }
    // The closing handshake finished (both close frames crossed): the TCP connection may end.
    virtual void closeHandshakeDone() { }
};

class Endpoint
{
public:
    enum class State { Open, CloseSent, CloseReceived, Closed };

    Endpoint(EndpointConfig config, EndpointSink& sink, Transcript& transcript, std::function<qint64()> clockUs,
        std::function<MaskKey()> maskKeys);
    ~Endpoint();

    // Enables permessage-deflate with the negotiated parameters (call once, right after the handshake).
    void enableDeflate(const DeflateParams& params, int level = 6);
    bool deflateEnabled() const { return m_deflate != nullptr; }
    void setAutoPong(bool on) { m_config.autoPong = on; }
    const EndpointConfig& config() const { return m_config; }

    // Bytes that arrived from the peer, in any chunking.
    void receive(QByteArrayView bytes);

    // Sending. Each returns false (and sends nothing) when the state forbids it, e.g. after our close.
    bool sendMessage(Opcode opcode, QByteArrayView payload, const SendOptions& options = {});
    bool sendPing(QByteArrayView payload = {});
    bool sendPong(QByteArrayView payload = {});
    bool sendClose(std::optional<quint16> code = 1000, QByteArrayView reason = {});
    // One frame exactly as described, valid or not: for testing peers. Bypasses every rule but "closed".
    bool sendFrame(quint8 opcode, QByteArrayView payload, const FrameOptions& options);
    // Bytes written as they are (e.g. a frame typed in hex). Recorded as a note, not as a frame.
    void sendRawBytes(const QByteArray& bytes);

    // The connection ended (TCP closed or failed); records an abnormal close when no handshake finished.
    void transportClosed();

    State state() const { return m_state; }
    const std::optional<ProtocolViolation>& violation() const { return m_violation; }
    // The frame record that started the message being received, -1 when none: the message's record
    // will point to it, so Transcript::releaseBefore() must keep it.
    qint32 openMessageFirstFrame() const { return m_openMessageFirstFrame; }

private:
    void handleFrame(const Frame& frame);
    void judgePartialFrame();
    void handleClose(const Frame& frame);
    void recordReceivedClose(const ClosePayload& close);
    // `frame` is the offending frame's record (-1 when none), read up to `frameBytesRead` bytes.
    void failConnection(const ProtocolViolation& violation, qint32 frame, qint64 frameBytesRead);
    // Returns the time the frame was sent (the one recorded for it).
    qint64 writeFrame(quint8 opcode, QByteArrayView payload, const FrameOptions& options);
    qint64 now() const { return m_clockUs(); }

    EndpointConfig m_config;
    EndpointSink& m_sink;
    Transcript& m_transcript;
    std::function<qint64()> m_clockUs;
    std::function<MaskKey()> m_maskKeys;
    FrameDecoder m_decoder;
    MessageAssembler m_assembler;
    std::unique_ptr<DeflateSession> m_deflate;
    State m_state = State::Open;
    std::optional<ProtocolViolation> m_violation;
    qint32 m_openMessageFirstFrame = -1; // frame record that started the message being assembled
    // Bytes given to receive() and bytes of the frames handled so far: the difference at a violation is what
    // arrived behind the offending frame and is never read.
    qint64 m_bytesReceived = 0;
    qint64 m_bytesHandled = 0;
};

} // namespace wsi
