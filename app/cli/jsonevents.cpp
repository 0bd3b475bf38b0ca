#include "cli/jsonevents.h"

namespace wsi
{

EventSerializer serveEvents(qint64 conn)
{
    return EventSerializer(EventOptions { EventDialect::Serve, PreviewPayload, conn });
}

EventSerializer probeEvents()
{
    return EventSerializer(EventOptions { EventDialect::Probe, TextOrHexPayload, -1 });
}

bool probePrintsMessage(const MessageRecord& m)
{
    return m.compressed || m.frameCount > 1;
}

} // namespace wsi
