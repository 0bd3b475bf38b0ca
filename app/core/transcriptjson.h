#pragma once
// A Transcript as JSON Lines: one self-describing object per line, each with an "event" field
// ("transcript", "handshake", "frame", "message", "note", "close"), raw bytes as base64, so a
// session can be saved, read by other tools (jq) and loaded back into an equal Transcript. Text payloads
// are also written as "text" (core/events.h), so a person can read and diff them; import takes "text" or
// "payload", so older files (base64 only) and hand-written lines (text only) load alike.
//
// Events appear in the order the engine recorded them (a message right after its last frame),
// which is also the order import replays them in; that is what makes the round trip exact.

#include "core/transcript.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace wsi
{

inline constexpr int kTranscriptJsonVersion = 1;

// The events, one per element, in file order.
QList<QJsonObject> transcriptToJsonEvents(const Transcript& transcript);
// The same as text: each object compact on its own line, newline-terminated.
QByteArray transcriptToJsonLines(const Transcript& transcript);

struct TranscriptImportLimits {
    qint64 maxPayloadBudget = qint64(1) << 30; // a file cannot ask for a bigger store than this
    qsizetype maxLineBytes = qsizetype(256) << 20;
};

// Rebuilds `out` (cleared first) from JSON Lines. Unknown events and fields are skipped, so newer
// files stay readable. On a malformed line returns false with a sentence naming the line.
bool transcriptFromJsonLines(
    QByteArrayView text, Transcript& out, QString* error = nullptr, const TranscriptImportLimits& limits = {});

// Field-by-field equality of two transcripts, payload bytes included; empty when equal, else what differs.
QString transcriptDifference(const Transcript& a, const Transcript& b);

} // namespace wsi
