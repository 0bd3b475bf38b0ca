#pragma once
// The recorded events as `serve --json` and `probe --json` print them: the one vocabulary of core/events.h, with
// each command's payload forms and older fields. The commands call these, and so do the tests that compare the
// writers.

#include "core/events.h"

namespace wsi
{

// One serializer per server connection: "conn" on every event, a text "preview" on text messages, no payload
// bytes otherwise (frame lines must stay cheap: serve prints up to 20,000 of them a second).
EventSerializer serveEvents(qint64 conn);

// The probe's client session: payloads as "text" (text data that is valid UTF-8) or "hex".
EventSerializer probeEvents();

// The probe prints a message event only when it adds something to its single frame: compressed or fragmented.
bool probePrintsMessage(const MessageRecord& m);

} // namespace wsi
