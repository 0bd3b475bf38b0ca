// The message assembler with UTF-8 validation (and, when the first byte says so, inflation).
// Input: one mode byte, then records [flags][length][payload] that become frames of the kind the
// decoder lets through. A reference UTF-8 decoder written from RFC 3629 judges every text message:
// the assembler must deliver exactly the valid ones, and the incremental validator must agree
// with the reference however the bytes are split.
#include "core/deflatecodec.h"
#include "core/messageassembler.h"
#include "core/utf8.h"

#include <cstdint>
#include <cstdlib>
#include <memory>

using namespace wsi;

namespace
{

// Straight from RFC 3629 §4: decode each sequence and reject overlongs, surrogates, > U+10FFFF.
bool referenceUtf8(QByteArrayView bytes)
{
    qsizetype i = 0;
    while (i < bytes.size()) {
        const quint8 lead = quint8(bytes[i]);
        int extra = 0;
        quint32 cp = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if ((lead & 0xE0) == 0xC0) {
            extra = 1;
            cp = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            extra = 2;
            cp = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            extra = 3;
            cp = lead & 0x07;
        } else {
            return false;
        }
        if (i + extra >= bytes.size())
            return false; // truncated at the end
        for (int k = 1; k <= extra; ++k) {
            const quint8 c = quint8(bytes[i + k]);
            if ((c & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (c & 0x3F);
        }
        const quint32 minimum = extra == 1 ? 0x80 : extra == 2 ? 0x800 : 0x10000;
        if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += extra + 1;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    const QByteArrayView all(reinterpret_cast<const char*>(data), qsizetype(size));

    // The validator alone, split at a point the input chooses.
    {
        const qsizetype split = qsizetype(data[1]) % qsizetype(size);
        Utf8Validator validator;
        const bool first = validator.feed(all.first(split));
        const bool second = first && validator.feed(all.sliced(split));
        const bool valid = second && validator.isComplete();
        if (valid != referenceUtf8(all) || valid != isValidUtf8(all))
            std::abort();
    }

    const quint8 mode = data[0];
    const bool deflate = mode & 0x01;
    AssemblerLimits limits;
    limits.maxMessageBytes = 4096;
    limits.maxFragments = 16;
    MessageAssembler assembler(limits);
    std::unique_ptr<MessageInflater> inflater;
    if (deflate) {
        inflater = std::make_unique<MessageInflater>(8 + ((mode >> 1) & 7), (mode & 0x10) != 0, limits.maxMessageBytes);
        assembler.setInflater([&](QByteArrayView in, bool finalFragment, QByteArray& out, ProtocolViolation& error) {
            if (inflater->inflate(in, finalFragment, out))
                return true;
            error.closeCode = inflater->errorCloseCode();
            error.reason = inflater->errorString();
            return false;
        });
    }

    QByteArray plainSoFar; // the uncompressed message being assembled, for the reference
    bool compressedOpen = false;
    qsizetype position = 1;
    while (position + 2 <= all.size()) {
        const quint8 flags = data[position];
        const qsizetype length = std::min<qsizetype>(data[position + 1], all.size() - position - 2);
        position += 2;
        Frame frame;
        frame.header.opcode = flags & 0x0F;
        const bool control = frame.header.opcode & 0x08;
        frame.header.fin = control || (flags & 0x80);
        // RSV1 only where the decoder would let it through: first frame of a data message, deflate on.
        frame.header.rsv1 = deflate && !control && frame.header.opcode != 0 && (flags & 0x40);
        frame.payload = all.sliced(position, control ? std::min<qsizetype>(length, 125) : length).toByteArray();
        frame.header.payloadLength = quint64(frame.payload.size());
        position += length;

        const bool wasOpen = assembler.isMessageOpen();
        if (!control && frame.header.opcode != 0) {
            plainSoFar.clear();
            compressedOpen = frame.header.rsv1;
        }
        if (!control && (frame.header.opcode != 0 || wasOpen))
            plainSoFar.append(frame.payload);

        const MessageAssembler::Result result = assembler.push(frame);
        if (result == MessageAssembler::Result::Violation) {
            const quint16 code = assembler.violation().closeCode;
            if (code != 1002 && code != 1007 && code != 1009)
                std::abort();
            // Uncompressed text that is valid UTF-8 as a whole can not have failed as invalid text.
            if (code == 1007 && !compressedOpen && frame.header.fin && !control && referenceUtf8(plainSoFar))
                std::abort();
            break;
        }
        if (result == MessageAssembler::Result::MessageReady) {
            const Message& message = assembler.message();
            if (message.payload.size() > limits.maxMessageBytes || message.frameCount > limits.maxFragments)
                std::abort();
            if (message.opcode == 1 && !referenceUtf8(message.payload))
                std::abort(); // a text message delivered must be valid UTF-8
            if (!message.compressed && message.payload != plainSoFar)
                std::abort();
        }
    }
    return 0;
}
