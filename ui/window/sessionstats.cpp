#include "ui/window/sessionstats.h"

#include <QLocale>

namespace wsi
{

void SessionStats::reset()
{
    *this = SessionStats();
}

void SessionStats::update(const Transcript& t, Role recorder, qint64 nowMs)
{
    const WireTotals totals = wireTotals(t, recorder);
    if (totals.framesIn + totals.framesOut < m_totals.framesIn + m_totals.framesOut)
        reset(); // the record was cleared or replaced
    m_totals = totals;
    const qint64 seen = totals.framesIn + totals.framesOut;
    if (m_lastMs < 0) {
        m_lastMs = nowMs;
        m_lastCount = seen;
    } else if (nowMs - m_lastMs >= 500) {
        m_rate = double(seen - m_lastCount) * 1000.0 / double(nowMs - m_lastMs);
        m_lastMs = nowMs;
        m_lastCount = seen;
    }
}

QString SessionStats::formatBytes(qint64 bytes)
{
    return QLocale::system().formattedDataSize(bytes, 1, QLocale::DataSizeTraditionalFormat);
}

SessionStats::Fields SessionStats::fields(const Transcript& t) const
{
    const QLocale locale = QLocale::system();
    Fields f;
    const QByteArray protocol = t.handshake().protocol;
    f.negotiated = (protocol.isEmpty() ? QObject::tr("no subprotocol") : QString::fromUtf8(protocol))
        + QStringLiteral(" · ")
        + (t.handshake().extensions.isEmpty() ? QObject::tr("no extensions")
                                              : QString::fromUtf8(t.handshake().extensions));
    // Frames and handshake apart, each named: the frame bytes are never a sum that hides the handshake.
    f.sent = QObject::tr("sent %1 frames (%2), handshake %3")
                 .arg(locale.toString(m_totals.framesOut), formatBytes(m_totals.frameBytesOut),
                     formatBytes(m_totals.handshakeBytesOut));
    f.received = QObject::tr("received %1 frames (%2), handshake %3")
                     .arg(locale.toString(m_totals.framesIn), formatBytes(m_totals.frameBytesIn),
                         formatBytes(m_totals.handshakeBytesIn));
    f.rate = QObject::tr("%1 frames/s").arg(locale.toString(qRound64(m_rate)));
    if (t.droppedRecords() > 0)
        f.dropped = QObject::tr("%1 frames not recorded (limit reached)").arg(locale.toString(t.droppedRecords()));
    return f;
}

QString SessionStats::text(const Transcript& t) const
{
    const Fields f = fields(t);
    QStringList parts { f.negotiated, f.sent, f.received, f.rate };
    if (!f.dropped.isEmpty())
        parts << f.dropped;
    return parts.join(QStringLiteral(" · "));
}

QString SessionStats::shownText(qint64 shown, qint64 total)
{
    if (shown == total)
        return {};
    const QLocale locale = QLocale::system();
    return QObject::tr("showing %1 of %2").arg(locale.toString(shown), locale.toString(total));
}

} // namespace wsi
