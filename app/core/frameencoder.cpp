#include "core/frameencoder.h"

#include "core/masking.h"

#include <algorithm>

namespace wsi
{

namespace
{

void appendBigEndian(QByteArray& out, quint64 value, int bytes)
{
    for (int i = bytes - 1; i >= 0; --i)
        out.append(char((value >> (8 * i)) & 0xFF));
}

void appendLength(QByteArray& out, bool masked, quint64 length, LengthEncoding encoding)
{
    const char maskBit = masked ? char(0x80) : char(0);
    switch (encoding) {
    case LengthEncoding::Short7:
        out.append(char(maskBit | char(length & 0x7F)));
        break;
    case LengthEncoding::Extended16:
        out.append(char(maskBit | 126));
        appendBigEndian(out, length & 0xFFFF, 2);
        break;
    case LengthEncoding::Extended64:
        out.append(char(maskBit | 127));
        appendBigEndian(out, length, 8);
        break;
    }
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

QByteArray encodeFrame(Role sender, quint8 opcode, QByteArrayView payload, MaskKey key, const FrameOptions& options)
{
    const bool masked = options.masked.value_or(sender == Role::Client);
    const quint64 length = options.declaredLength.value_or(quint64(payload.size()));
    const LengthEncoding encoding = options.lengthEncoding.value_or(minimalLengthEncoding(length));

    QByteArray frame;
    frame.reserve(14 + payload.size());
    const quint8 first = (options.fin ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | (options.rsv2 ? 0x20 : 0)
        | (options.rsv3 ? 0x10 : 0) | (opcode & 0x0F);
    frame.append(char(first));
    appendLength(frame, masked, length, encoding);
    if (masked) {
        for (quint8 byte : key)
            frame.append(char(byte));
    }
    const qsizetype payloadStart = frame.size();
    frame.append(payload);
    if (masked)
        applyMask(frame.data() + payloadStart, payload.size(), key);
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
