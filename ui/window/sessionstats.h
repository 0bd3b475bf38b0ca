#pragma once
// Counts of a transcript for the status bar: frames, their wire bytes and the handshake's bytes each way
// (core/wirebytes.h defines them) and the current rate. The transcript keeps the sums as it records, so a
// once-a-second update of a 3-million-frame record costs nothing per frame.

#include "core/wirebytes.h"

#include <QString>

namespace wsi
{

class SessionStats
{
public:
    // Takes in the totals of `transcript`, recorded by `recorder`; `nowMs` is a monotonic clock reading used
    // for the rate.
    void update(const Transcript& transcript, Role recorder, qint64 nowMs);
    void reset();

    const WireTotals& totals() const { return m_totals; }
    double framesPerSecond() const { return m_rate; }

    // The numbers one by one, for the status bar's fields; a field with nothing to say is empty.
    struct Fields {
        QString negotiated; // "json · permessage-deflate; client_max_window_bits=15"
        QString sent; // "sent 12 frames (3.4 KB), handshake 285 bytes"
        QString received;
        QString rate; // "1,234 frames/s"
        QString dropped; // frames the record had no room for; empty when none
    };
    Fields fields(const Transcript& transcript) const;
    // The fields on one line: "json · permessage-deflate; … · sent 12 frames (3.4 KB), handshake 285 bytes · …
    // · 1,234 frames/s"
    QString text(const Transcript& transcript) const;
    // When a filter hides some frames: "showing 3 of 12"; empty when every frame shows.
    static QString shownText(qint64 shown, qint64 total);
    static QString formatBytes(qint64 bytes);

private:
    WireTotals m_totals;
    qint64 m_lastMs = -1;
    qint64 m_lastCount = 0;
    double m_rate = 0;
};

} // namespace wsi
