#pragma once
// The rules a single frame header can break (RFC 6455 §5.1, §5.2, §5.5, §7.4.1; RFC 7692 §6), judged
// in one place: the decoder fails a connection with them, the frames list marks recorded frames with
// them. Rules that span frames (fragmentation, UTF-8, inflation, close payloads) belong to
// MessageAssembler; see also receiverVerdict() in core/receiververdict.h.

#include "core/frame.h"
#include "core/protocol.h"

#include <optional>

namespace wsi
{

// Where the frame travels.
struct FrameContext {
    Role sender = Role::Client; // who sent the frame: a client must mask, a server must not
    bool deflateNegotiated = false; // permessage-deflate agreed: RSV1 may mark a data message's first frame
    std::optional<quint64> maxFramePayload; // the receiver's frame-size limit; none: not judged
};

// How much of the header has been read. After the first two bytes the opcode, the flags, MASK and the
// 7-bit length are known (a 126/127 length only as its encoding); Complete adds the extended length.
enum class HeaderPart { FirstTwoBytes, Complete };

// The first rule `header` breaks and what the receiving peer must do about it (close code, sentence,
// RFC section); nullopt when the known part of the header is valid.
std::optional<ProtocolViolation> frameHeaderViolation(
    const FrameHeader& header, const FrameContext& context, HeaderPart known = HeaderPart::Complete);

} // namespace wsi
