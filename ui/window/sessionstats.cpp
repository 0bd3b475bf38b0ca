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

QString SessionStats::text(const Transcript& t) const
{
    const QLocale locale = QLocale::system();
    QStringList parts;
    const QByteArray protocol = t.handshake().protocol;
    parts << (protocol.isEmpty() ? QObject::tr("no subprotocol") : QString::fromUtf8(protocol));
    parts << (t.handshake().extensions.isEmpty() ? QObject::tr("no extensions")
                                                 : QString::fromUtf8(t.handshake().extensions));
    parts << QObject::tr("sent %1 frames, %2").arg(locale.toString(m_framesOut), formatBytes(m_bytesOut));
    parts << QObject::tr("received %1 frames, %2").arg(locale.toString(m_framesIn), formatBytes(m_bytesIn));
    parts << QObject::tr("%1 frames/s").arg(locale.toString(qRound64(m_rate)));
    if (t.droppedRecords() > 0)
        parts << QObject::tr("%1 frames not recorded (limit reached)").arg(locale.toString(t.droppedRecords()));
    return parts.join(QStringLiteral(" · "));
}

} // namespace wsi
