#pragma once
// Builds frames for the wire (RFC 6455 §5.2). The defaults produce valid frames only; FrameOptions
// can also produce deliberately invalid ones, because testing peers is part of the job.

#include "core/frame.h"
#include "core/protocol.h"

#include <QByteArrayView>
#include <QList>
#include <functional>
#include <optional>

namespace wsi
{

struct FrameOptions {
    bool fin = true, rsv1 = false, rsv2 = false, rsv3 = false;
    std::optional<bool> masked; // default: masked iff the sender is a Client (§5.1)
    // Force a length form, minimal or not. A declared length that does not fit the forced form is
    // truncated to the field's width (the 7-bit field then may read as 126/127).
    std::optional<LengthEncoding> lengthEncoding;
    std::optional<quint64> declaredLength; // write this length instead of the payload's real size
};

// The smallest length form that can carry `length` (§5.2).
LengthEncoding minimalLengthEncoding(quint64 length);

// The header encodeFrame() writes for these arguments (the payload only gives its size).
FrameHeader encodedHeader(
    Role sender, quint8 opcode, quint64 payloadSize, MaskKey key, const FrameOptions& options = {});
// The options that make encodeFrame() write `header` again: flags, masking, length form and declared length.
FrameOptions optionsFor(const FrameHeader& header);

// `opcode` is written as its low four bits; `key` is used only when the frame is masked.
QByteArray encodeFrame(
    Role sender, quint8 opcode, QByteArrayView payload, MaskKey key, const FrameOptions& options = {});

// How one message's payload is split into `fragments` frames, the same for every sender (Endpoint's
// messages, the composer's frames): at least one piece, and no more pieces than bytes (an empty payload
// is one empty frame); each piece is size / count bytes, the last one also takes the remainder.
// The pieces are views into `payload` and together are all of it, in order.
QList<QByteArrayView> splitFragments(QByteArrayView payload, int fragments);

// One message as `fragments` frames (at least one) of nearly equal size: the first frame carries
// the opcode (and RSV1 when compressed), the rest are continuations, the last has FIN. `nextKey`
// is called once per frame when the sender masks: the caller owns the randomness.
QList<QByteArray> encodeFragmented(Role sender, quint8 opcode, QByteArrayView payload, int fragments,
    const std::function<MaskKey()>& nextKey, bool rsv1 = false);

} // namespace wsi
