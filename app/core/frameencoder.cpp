#include "core/frameencoder.h"

#include "core/masking.h"

#include <algorithm>

namespace wsi
{

namespace
{

// Writes the length field (with the MASK bit) at `out`; returns how many bytes it took.
int writeLength(char* out, bool masked, quint64 length, LengthEncoding encoding)
{
    const char maskBit = masked ? char(0x80) : char(0);
    int extendedBytes = 0;
    switch (encoding) {
    case LengthEncoding::Short7:
        out[0] = char(maskBit | char(length & 0x7F));
        return 1;
    case LengthEncoding::Extended16:
        out[0] = char(maskBit | 126);
        extendedBytes = 2;
        length &= 0xFFFF;
        break;
    case LengthEncoding::Extended64:
        out[0] = char(maskBit | 127);
        extendedBytes = 8;
        break;
    }
    for (int i = 0; i < extendedBytes; ++i) // network byte order
        out[1 + i] = char((length >> (8 * (extendedBytes - 1 - i))) & 0xFF);
    return 1 + extendedBytes;
}

} // namespace

LengthEncoding minimalLengthEncoding(quint64 length)
{
    if (length <= 125)
        return LengthEncoding::Short7;
    if (length <= 0xFFFF)
        return LengthEncoding::Extended16;
    return LengthEncoding::Extended64;
}

FrameHeader encodedHeader(Role sender, quint8 opcode, quint64 payloadSize, MaskKey key, const FrameOptions& options)
{
    FrameHeader h;
    h.fin = options.fin;
    h.rsv1 = options.rsv1;
    h.rsv2 = options.rsv2;
    h.rsv3 = options.rsv3;
    h.opcode = opcode;
    h.masked = options.masked.value_or(sender == Role::Client);
    h.maskKey = h.masked ? key : MaskKey {};
    h.payloadLength = options.declaredLength.value_or(payloadSize);
    h.lengthEncoding = options.lengthEncoding.value_or(minimalLengthEncoding(h.payloadLength));
    h.headerSize = 2 + (h.lengthEncoding == LengthEncoding::Extended16 ? 2 : 0)
        + (h.lengthEncoding == LengthEncoding::Extended64 ? 8 : 0) + (h.masked ? 4 : 0);
    return h;
}

FrameOptions optionsFor(const FrameHeader& header)
{
    FrameOptions options;
    options.fin = header.fin;
    options.rsv1 = header.rsv1;
    options.rsv2 = header.rsv2;
    options.rsv3 = header.rsv3;
    options.masked = header.masked;
    options.lengthEncoding = header.lengthEncoding;
    options.declaredLength = header.payloadLength;
    return options;
}

QList<QByteArrayView> splitFragments(QByteArrayView payload, int fragments)
{
    const qsizetype count = qBound<qsizetype>(1, qsizetype(fragments), qMax<qsizetype>(1, payload.size()));
    const qsizetype step = payload.size() / count;
    QList<QByteArrayView> pieces;
    pieces.reserve(count);
    for (qsizetype i = 0; i < count; ++i) {
        const qsizetype begin = i * step;
        const qsizetype end = i + 1 == count ? payload.size() : begin + step;
        pieces.append(payload.sliced(begin, end - begin));
    }
    return pieces;
}

QByteArray encodeFrame(Role sender, quint8 opcode, QByteArrayView payload, MaskKey key, const FrameOptions& options)
{
    const bool masked = options.masked.value_or(sender == Role::Client);
    const quint64 length = options.declaredLength.value_or(quint64(payload.size()));
    const LengthEncoding encoding = options.lengthEncoding.value_or(minimalLengthEncoding(length));

    // The header is built on the stack and the frame allocated once at its final size; the payload is
    // copied (and masked) in a single pass. This runs for every frame a busy echo server sends.
    char header[14];
    header[0] = char((options.fin ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | (options.rsv2 ? 0x20 : 0)
        | (options.rsv3 ? 0x10 : 0) | (opcode & 0x0F));
    qsizetype headerSize = 1 + writeLength(header + 1, masked, length, encoding);
    if (masked) {
        std::copy(key.begin(), key.end(), header + headerSize);
        headerSize += 4;
    }
    QByteArray frame(headerSize + payload.size(), Qt::Uninitialized);
    std::copy(header, header + headerSize, frame.data());
    if (masked)
        copyWithMask(frame.data() + headerSize, payload.data(), payload.size(), key, 0);
    else if (!payload.isEmpty())
        std::copy(payload.begin(), payload.end(), frame.data() + headerSize);
    return frame;
}

QList<QByteArray> encodeFragmented(Role sender, quint8 opcode, QByteArrayView payload, int fragments,
    const std::function<MaskKey()>& nextKey, bool rsv1)
{
    const int count = std::max(fragments, 1);
    const qsizetype baseSize = payload.size() / count;
    const qsizetype remainder = payload.size() % count;
    const bool masked = sender == Role::Client;

    QList<QByteArray> frames;
    frames.reserve(count);
    qsizetype position = 0;
    for (int i = 0; i < count; ++i) {
        // The first `remainder` fragments take one extra byte so the sizes differ by at most one.
        const qsizetype size = baseSize + (i < remainder ? 1 : 0);
        FrameOptions options;
        options.fin = i == count - 1;
        options.rsv1 = rsv1 && i == 0;
        const quint8 frameOpcode = i == 0 ? opcode : quint8(Opcode::Continuation);
        const MaskKey key = masked ? nextKey() : MaskKey {};
        frames.append(encodeFrame(sender, frameOpcode, payload.sliced(position, size), key, options));
        position += size;
    }
    return frames;
}

} // namespace wsi
