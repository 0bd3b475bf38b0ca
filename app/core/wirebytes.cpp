#include "core/wirebytes.h"

namespace wsi
{

WireTotals wireTotals(const Transcript& t, Role recorder)
{
    WireTotals totals;
    const qint64 request = t.handshake().rawRequest.size();
    const qint64 response = t.handshake().rawResponse.size();
    totals.handshakeBytesOut = recorder == Role::Client ? request : response;
    totals.handshakeBytesIn = recorder == Role::Client ? response : request;
    const Transcript::FrameTally& out = t.frameTally(Direction::Out);
    const Transcript::FrameTally& in = t.frameTally(Direction::In);
    totals.framesOut = out.frames;
    totals.frameBytesOut = out.wireBytes;
    totals.framesIn = in.frames;
    totals.frameBytesIn = in.wireBytes;
    return totals;
}

} // namespace wsi
