#include "core/receiververdict.h"

#include "core/endpoint.h"

namespace wsi
{

namespace
{

class DiscardingSink : public EndpointSink
{
public:
    void writeToWire(const QByteArray&) override { }
};

} // namespace

std::optional<ProtocolViolation> receiverVerdict(
    const QList<OutgoingFrame>& frames, Role sender, const std::optional<DeflateParams>& deflate)
{
    EndpointConfig config;
    config.role = peerOf(sender);
    config.autoPong = false;
    config.recordFrames = false;
    config.recordMessages = false;
    DiscardingSink sink;
    Transcript transcript;
    // No clock and no randomness: the verdict does not depend on either.
    Endpoint receiver(
        config, sink, transcript, [] { return qint64(0); }, [] { return MaskKey {}; });
    if (deflate)
        receiver.enableDeflate(*deflate);
    const MaskKey key { 0x37, 0xfa, 0x21, 0x3d }; // RFC 6455 §5.7's example key
    for (const OutgoingFrame& frame : frames) {
        receiver.receive(encodeFrame(sender, frame.opcode, frame.payload, key, frame.options));
        if (receiver.violation())
            return receiver.violation();
        if (receiver.state() == Endpoint::State::Closed)
            break; // a valid close ends what the receiver reads (§5.5.1)
    }
    return std::nullopt;
}

} // namespace wsi
