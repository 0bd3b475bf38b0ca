// The frame decoder fed arbitrary bytes. The first input byte chooses how the rest is chopped
// into reads; the frames and the violation must be the same as when everything arrives at once,
// every frame must be consistent with its header, and a violation must carry a close code.
#include "core/framedecoder.h"

#include <cstdint>
#include <cstdlib>
#include <vector>

#ifndef WSI_FUZZ_ROLE
#define WSI_FUZZ_ROLE wsi::Role::Client
#endif

using namespace wsi;

namespace
{

struct Outcome {
    std::vector<Frame> frames;
    bool violated = false;
    quint16 closeCode = 0;
    qint64 consumed = 0;
};

void drain(FrameDecoder& decoder, Outcome& outcome)
{
    Frame frame;
    for (;;) {
        const FrameDecoder::Status status = decoder.next(frame);
        if (status == FrameDecoder::Status::NeedMore)
            return;
        if (status == FrameDecoder::Status::Violation) {
            outcome.violated = true;
            outcome.closeCode = decoder.violation().closeCode;
            return;
        }
        if (frame.header.payloadLength != quint64(frame.payload.size())
            || frame.rawHeader().size() != frame.header.headerSize)
            std::abort();
        outcome.frames.push_back(std::move(frame));
    }
}

Outcome decode(QByteArrayView bytes, int chunk, bool rsv1)
{
    DecoderLimits limits;
    limits.maxFramePayload = 1 << 16; // small, so the limit branch is reachable
    FrameDecoder decoder(WSI_FUZZ_ROLE, limits);
    decoder.setRsv1Allowed(rsv1);
    Outcome outcome;
    for (qsizetype position = 0; position < bytes.size(); position += chunk) {
        decoder.feed(bytes.sliced(position, std::min<qsizetype>(chunk, bytes.size() - position)));
        drain(decoder, outcome);
    }
    drain(decoder, outcome);
    outcome.consumed = decoder.bytesConsumed();
    return outcome;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const bool rsv1 = data[0] & 0x80;
    const int chunk = (data[0] & 0x7F) + 1;
    const QByteArrayView bytes(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    const Outcome whole = decode(bytes, int(bytes.size()) + 1, rsv1);
    const Outcome chopped = decode(bytes, chunk, rsv1);
    if (whole.violated != chopped.violated || whole.closeCode != chopped.closeCode
        || whole.frames.size() != chopped.frames.size() || whole.consumed != chopped.consumed)
        std::abort();
    for (size_t i = 0; i < whole.frames.size(); ++i) {
        if (whole.frames[i].payload != chopped.frames[i].payload
            || whole.frames[i].rawHeader() != chopped.frames[i].rawHeader())
            std::abort();
    }
    if (whole.violated && whole.closeCode != 1002 && whole.closeCode != 1009)
        std::abort();
    if (whole.consumed > bytes.size())
        std::abort();
    return 0;
}
