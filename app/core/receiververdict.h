#pragma once
// What our own receiver does with frames before they are sent: the frames go, in memory, into an
// Endpoint of the receiving role (FrameDecoder → MessageAssembler → inflater, close payload rules),
// and its verdict is the answer. The composer warns with it; nothing here is a second copy of a rule.

#include "core/frame.h"
#include "core/frameencoder.h"
#include "core/protocol.h"

#include <QList>
#include <optional>

namespace wsi
{

// One frame as a sender would write it: the payload as it goes on the wire (already compressed when
// RSV1 marks it), unmasked; masking follows `options.masked` or the sender's role.
struct OutgoingFrame {
    quint8 opcode = quint8(Opcode::Text);
    QByteArray payload;
    FrameOptions options;
};

// The first violation the receiving endpoint (the peer of `sender`, with default limits) finds in
// `frames`, in order, or nullopt when it takes them all. `deflate`: permessage-deflate was negotiated
// with these parameters (the receiver inflates with a fresh context, as at the start of a connection).
std::optional<ProtocolViolation> receiverVerdict(
    const QList<OutgoingFrame>& frames, Role sender, const std::optional<DeflateParams>& deflate = std::nullopt);

} // namespace wsi
