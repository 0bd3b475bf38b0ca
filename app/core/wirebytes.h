#pragma once
// Bytes on the wire: one definition that every view and output counts with.
//  - A frame's wire bytes are its header (2 to 14 bytes, the 4-byte mask key included when masked) and its
//    payload as sent: the compressed size when RSV1 says permessage-deflate (RFC 6455 §5.2, RFC 7692 §6).
//  - Handshake bytes (the request head; the response head and, for an answer other than 101, its body) are
//    counted apart and never added into frame totals.
//  - TLS overhead is not counted: these are the bytes the WebSocket endpoint wrote and read, so handshake plus
//    frame bytes each way equal what the TCP connection carried for it when every byte was a handshake or a
//    whole frame.

#include "core/protocol.h"
#include "core/transcript.h"

#include <QtGlobal>
#include <limits>

namespace wsi
{

// The wire size its header declares: header + payload length. A header may lie about a length near 2^64, so
// the sum is unsigned, as the length is, and stops at the largest value instead of wrapping.
inline quint64 frameWireSize(const FrameRecord& frame)
{
    const quint64 header = frame.headerSize;
    return frame.payloadLength > std::numeric_limits<quint64>::max() - header ? std::numeric_limits<quint64>::max()
                                                                              : header + frame.payloadLength;
}

struct WireTotals {
    qint64 handshakeBytesOut = 0, handshakeBytesIn = 0;
    qint64 frameBytesOut = 0, frameBytesIn = 0; // summed frameWireSize()
    qint64 framesOut = 0, framesIn = 0;

    // Handshake and frames together, one way.
    qint64 bytesOut() const { return handshakeBytesOut + frameBytesOut; }
    qint64 bytesIn() const { return handshakeBytesIn + frameBytesIn; }
    bool operator==(const WireTotals&) const = default;
};

// The totals of a transcript recorded by `recorder` (a client sent the request, a server received it). Frames
// count every frame that crossed, also those past the record's caps or released since.
WireTotals wireTotals(const Transcript& transcript, Role recorder);

} // namespace wsi
