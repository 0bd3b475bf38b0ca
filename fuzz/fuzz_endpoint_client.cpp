// A whole Endpoint fed arbitrary bytes from its peer. The first byte picks deflate parameters
// (or none) and how the rest is chopped. Whatever arrives, the endpoint must only ever write valid
// frames back (checked by an independent decoder of the peer's role), stop writing after its close,
// and keep its transcript consistent.
#include "core/endpoint.h"
#include "core/framedecoder.h"

#include <cstdint>
#include <cstdlib>

#ifndef WSI_FUZZ_ROLE
#define WSI_FUZZ_ROLE wsi::Role::Client
#endif

using namespace wsi;

namespace
{

class CheckingSink : public EndpointSink
{
public:
    explicit CheckingSink(Role self, bool deflate)
        : m_peerDecoder(peerOf(self))
    {
        m_peerDecoder.setRsv1Allowed(deflate);
    }

    void writeToWire(const QByteArray& bytes) override
    {
        if (m_closeWritten)
            std::abort(); // nothing after our close frame (§5.5.1)
        m_peerDecoder.feed(bytes);
        Frame frame;
        for (;;) {
            const FrameDecoder::Status status = m_peerDecoder.next(frame);
            if (status == FrameDecoder::Status::Violation)
                std::abort(); // the endpoint wrote an invalid frame
            if (status == FrameDecoder::Status::NeedMore)
                break;
            if (frame.header.opcode == quint8(Opcode::Close))
                m_closeWritten = true;
        }
    }
    void messageReceived(const Message& message) override
    {
        if (message.opcode == 1 && !isValidUtf8(message.payload))
            std::abort();
        ++m_messages;
    }
    void protocolViolation(const ProtocolViolation& violation) override
    {
        const quint16 code = violation.closeCode;
        if (code != 1002 && code != 1007 && code != 1009)
            std::abort();
    }

    int m_messages = 0;

private:
    FrameDecoder m_peerDecoder;
    bool m_closeWritten = false;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const quint8 mode = data[0];
    const bool deflate = mode & 0x01;
    const qsizetype chunk = 1 + ((mode >> 4) * 7);

    EndpointConfig config;
    config.role = WSI_FUZZ_ROLE;
    config.decoder.maxFramePayload = 1 << 16;
    config.assembler.maxMessageBytes = 1 << 16;
    config.assembler.maxFragments = 64;
    CheckingSink sink(config.role, deflate);
    Transcript transcript(1 << 20);
    qint64 clock = 0;
    Endpoint endpoint(
        config, sink, transcript, [&clock] { return ++clock; },
        [] {
            return MaskKey { 1, 2, 3, 4 };
        });
    if (deflate) {
        DeflateParams params;
        params.serverNoContextTakeover = mode & 0x02;
        params.clientNoContextTakeover = mode & 0x04;
        params.serverMaxWindowBits = (mode & 0x08) ? 9 : 15;
        params.clientMaxWindowBits = (mode & 0x08) ? 9 : 15;
        endpoint.enableDeflate(params);
    }

    const QByteArrayView bytes(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    for (qsizetype position = 0; position < bytes.size(); position += chunk) {
        endpoint.receive(bytes.sliced(position, std::min(chunk, bytes.size() - position)));
        // Echo like the server does, so the send path runs against whatever state the input left.
        if (endpoint.state() == Endpoint::State::Open && sink.m_messages > 0 && (position & 1))
            endpoint.sendMessage(Opcode::Binary, bytes.first(std::min<qsizetype>(bytes.size(), 300)), { 2, true });
    }
    int recordedIn = 0;
    for (const MessageRecord& record : transcript.messages())
        recordedIn += record.dir == Direction::In ? 1 : 0;
    if (recordedIn != sink.m_messages)
        std::abort(); // every delivered message is in the record
    endpoint.transportClosed();
    (void)transcript.close().effectiveCode();
    for (const FrameRecord& record : transcript.frames())
        (void)transcript.frameWireBytes(record);
    return 0;
}
