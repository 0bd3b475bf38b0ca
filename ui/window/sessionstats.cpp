#include "ui/window/sessionstats.h"

#include <QLocale>

namespace wsi
{

void SessionStats::reset()
{
    *this = SessionStats();
}

void SessionStats::update(const Transcript& t, qint64 nowMs)
{
    const ChunkedList<FrameRecord>& frames = t.frames();
    if (frames.size() < m_seen)
        reset(); // the record was cleared or replaced
    for (qint64 i = m_seen; i < frames.size(); ++i) {
        const FrameRecord& f = frames.at(i);
        if (f.dir == Direction::In) {
            ++m_framesIn;
            m_bytesIn += qint64(f.payloadLength) + f.headerSize;
        } else {
            ++m_framesOut;
            m_bytesOut += qint64(f.payloadLength) + f.headerSize;
        }
    }
    m_seen = frames.size();
    if (m_lastMs < 0) {
        m_lastMs = nowMs;
        m_lastCount = m_seen;
    } else if (nowMs - m_lastMs >= 500) {
        m_rate = double(m_seen - m_lastCount) * 1000.0 / double(nowMs - m_lastMs);
        m_lastMs = nowMs;
        m_lastCount = m_seen;
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
    f.sent = QObject::tr("sent %1 frames, %2").arg(locale.toString(m_framesOut), formatBytes(m_bytesOut));
    f.received = QObject::tr("received %1 frames, %2").arg(locale.toString(m_framesIn), formatBytes(m_bytesIn));
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
