#pragma once
// Counts of a transcript for the status bar: frames and payload bytes each way and the current rate.
// It reads only the frames added since its last look, so a once-a-second update of a 3-million-frame
// record costs the new frames, not all of them.

#include "core/transcript.h"

#include <QString>

namespace wsi
{

class SessionStats
{
public:
    // Takes in new frames; `nowMs` is a monotonic clock reading used for the rate.
    void update(const Transcript& transcript, qint64 nowMs);
    void reset();

    qint64 framesIn() const { return m_framesIn; }
    qint64 framesOut() const { return m_framesOut; }
    qint64 bytesIn() const { return m_bytesIn; }
    qint64 bytesOut() const { return m_bytesOut; }
    double framesPerSecond() const { return m_rate; }

    // The numbers one by one, for the status bar's fields; a field with nothing to say is empty.
    struct Fields {
        QString negotiated; // "json · permessage-deflate; client_max_window_bits=15"
        QString sent; // "sent 12 frames, 3.4 KB"
        QString received;
        QString rate; // "1,234 frames/s"
        QString dropped; // frames the record had no room for; empty when none
    };
    Fields fields(const Transcript& transcript) const;
    // The fields on one line: "json · permessage-deflate; … · sent 12 frames, 3.4 KB · … · 1,234 frames/s"
    QString text(const Transcript& transcript) const;
    // When a filter hides some frames: "showing 3 of 12"; empty when every frame shows.
    static QString shownText(qint64 shown, qint64 total);
    static QString formatBytes(qint64 bytes);

private:
    qint64 m_seen = 0;
    qint64 m_framesIn = 0, m_framesOut = 0, m_bytesIn = 0, m_bytesOut = 0;
    qint64 m_lastMs = -1;
    qint64 m_lastCount = 0;
    double m_rate = 0;
};

} // namespace wsi
