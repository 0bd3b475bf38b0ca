#include "ui/frames/framesmodel.h"

#include "core/frame.h"
#include "core/framerules.h"
#include "core/utf8.h"
#include "core/wirebytes.h"
#include "ui/widgets/palette.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace wsi
{

namespace
{
constexpr int kPreviewBytes = 60;
constexpr int kPreviewChars = 80;
constexpr int kDefaultRefreshMs = 25;

QString arrow(Direction dir)
{
    return dir == Direction::Out ? QStringLiteral("→") : QStringLiteral("←");
}

QString hexPreview(const QByteArray& bytes, quint64 total)
{
    QString out = QString::fromLatin1(bytes.left(24).toHex(' '));
    if (total > 24)
        out += QStringLiteral(" …");
    return out;
}

qint64 originUs(const Transcript& t)
{
    if (t.handshake().requestTimeUs >= 0)
        return t.handshake().requestTimeUs;
    return t.frames().isEmpty() ? 0 : t.frames().constFirst().timeUs;
}
} // namespace

Rsv1Reading readRsv1(const Transcript& t, const FrameRecord& f, Role recorder)
{
    using Kind = Rsv1Reading::Kind;
    if (!f.rsv1)
        return {};
    if (f.message >= 0 && t.messages().at(f.message).compressed)
        return { Kind::Inflated, {} };
    if (!t.handshake().deflateNegotiated())
        return { Kind::NotNegotiated, QObject::tr("RSV1 set, not compressed: permessage-deflate was not negotiated") };
    if (isControlOpcode(f.opcode))
        return { Kind::WrongFrame, QObject::tr("RSV1 set, not compressed: control frames are never compressed") };
    if (f.opcode == quint8(Opcode::Continuation))
        return { Kind::WrongFrame,
            QObject::tr("RSV1 set, not compressed: only the first frame of a message can mark compression") };
    // The frame's message never became a record. Whoever received it says why, if it closed: the recorder
    // for frames it received, the peer for frames it sent.
    const CloseRecord& close = t.close();
    const bool received = f.dir == Direction::In;
    const std::optional<quint16>& code = received ? close.sentCode : close.receivedCode;
    const QByteArray& reason = received ? close.sentReason : close.receivedReason;
    const QString receiver = f.sender(recorder) == Role::Client ? QObject::tr("the server") : QObject::tr("the client");
    if (code && *code != 1000) {
        return { Kind::NotInflated,
            QObject::tr("RSV1 set; not inflated: %1 closed with %2%3")
                .arg(receiver)
                .arg(*code)
                .arg(reason.isEmpty() ? QString() : QStringLiteral(": ") + QString::fromUtf8(reason)) };
    }
    if (close.closedTimeUs >= 0)
        return { Kind::NotInflated,
            QObject::tr("RSV1 set; not inflated: the connection ended before the message was complete") };
    return { Kind::Incomplete, QObject::tr("RSV1 set; no inflated message on record yet") };
}

FramesModel::FramesModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    connect(&m_timer, &QTimer::timeout, this, &FramesModel::refresh);
    setRefreshInterval(kDefaultRefreshMs);
}

void FramesModel::setTranscript(const Transcript* transcript, Role recorder, QObject* owner)
{
    beginResetModel();
    m_transcript = transcript;
    m_recorder = recorder;
    m_owner = owner;
    m_hasOwner = owner != nullptr;
    m_base = 0;
    m_rows = 0;
    endResetModel();
    refresh();
}

bool FramesModel::deflateNegotiated() const
{
    return m_transcript && m_transcript->handshake().deflateNegotiated();
}

std::optional<ProtocolViolation> FramesModel::violation(int frameIndex) const
{
    return m_transcript ? recordedFrameViolation(*m_transcript, frameIndex, m_recorder) : std::nullopt;
}

void FramesModel::clearShown()
{
    refresh();
    beginResetModel();
    m_base += m_rows;
    m_rows = 0;
    endResetModel();
}

void FramesModel::setRefreshInterval(int ms)
{
    m_refreshMs = qMax(0, ms);
    if (m_refreshMs == 0) {
        m_timer.stop();
        return;
    }
    m_timer.start(m_refreshMs);
}

void FramesModel::adaptRefreshInterval(int added)
{
    if (!m_timer.isActive())
        return;
    const int wanted = added >= kFloodRows ? 2 * m_refreshMs : m_refreshMs;
    if (m_timer.interval() != wanted)
        m_timer.setInterval(wanted);
}

void FramesModel::refresh()
{
    if (m_hasOwner && !m_owner) {
        // The session or connection went away with its record.
        beginResetModel();
        m_transcript = nullptr;
        m_hasOwner = false;
        m_rows = 0;
        m_base = 0;
        endResetModel();
        return;
    }
    if (!m_transcript)
        return;
    const int total = int(m_transcript->frames().size());
    if (total < m_base + m_rows) {
        // The record was cleared or replaced underneath: start over.
        beginResetModel();
        m_base = 0;
        m_rows = total;
        endResetModel();
        Q_EMIT rowsArrived(total);
        return;
    }
    const int added = total - m_base - m_rows;
    adaptRefreshInterval(added);
    if (added <= 0)
        return;
    beginInsertRows({}, m_rows, m_rows + added - 1);
    m_rows += added;
    endInsertRows();
    Q_EMIT rowsArrived(added);
}

const FrameRecord* FramesModel::frameAt(int row) const
{
    if (!m_transcript || row < 0 || row >= m_rows)
        return nullptr;
    if (m_hasOwner && !m_owner)
        return nullptr;
    return &m_transcript->frames().at(m_base + row);
}

int FramesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int FramesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : Count;
}

QString FramesModel::preview(const FrameRecord& frame) const
{
    // A compressed frame's bytes mean nothing to a person; show the message it inflates to.
    QByteArray bytes;
    quint64 total = frame.payloadLength;
    bool textual = frame.opcode == 1
        || (frame.opcode == 0 && frame.message >= 0 && m_transcript->messages().at(frame.message).opcode == 1);
    // RSV1 alone proves nothing: only a message the record holds as inflated is shown inflated; any other RSV1
    // frame says what became of it, followed by its bytes as they are.
    const Rsv1Reading rsv1 = readRsv1(*m_transcript, frame, m_recorder);
    if (rsv1.compressedPayload()) {
        const MessageRecord& m = m_transcript->messages().at(frame.message);
        bytes = m_transcript->payloads().read(m.payloadOffset, qMin<qint64>(m.payloadKept, kPreviewBytes * 4));
        total = quint64(m.length);
    } else {
        bytes = m_transcript->payloads().read(frame.payloadOffset, qMin<qint64>(frame.payloadKept, kPreviewBytes * 4));
    }
    if (!rsv1.text.isEmpty()) {
        // Bytes that may be DEFLATE data are text only when they read as text.
        const QString rest = payloadPreview(frame, bytes, total, textual && isValidUtf8(bytes));
        return rest.isEmpty() ? rsv1.text : QStringLiteral("%1 — %2").arg(rsv1.text, rest);
    }
    return payloadPreview(frame, bytes, total, textual);
}

QString FramesModel::payloadPreview(
    const FrameRecord& frame, const QByteArray& bytes, quint64 total, bool textual) const
{
    if (frame.opcode == 8) {
        if (bytes.size() < 2)
            return bytes.isEmpty() ? QObject::tr("(no code)") : hexPreview(bytes, total);
        const int code = (quint8(bytes.at(0)) << 8) | quint8(bytes.at(1));
        return QStringLiteral("%1 %2").arg(code).arg(QString::fromUtf8(bytes.mid(2)).left(kPreviewChars));
    }
    if (bytes.isEmpty())
        return {};
    if (textual || frame.opcode == 9 || frame.opcode == 10) {
        QString text = QString::fromUtf8(bytes);
        bool printable = true;
        for (const QChar c : std::as_const(text)) {
            if (c.unicode() < 0x20 && c != QLatin1Char('\t')) {
                printable = false;
                break;
            }
        }
        if (printable || textual) {
            text.replace(QLatin1Char('\n'), QStringLiteral("⏎")).replace(QLatin1Char('\r'), QString());
            if (text.size() > kPreviewChars || total > quint64(bytes.size()))
                text = text.left(kPreviewChars) + QStringLiteral("…");
            return text;
        }
    }
    return hexPreview(bytes, total);
}

QString FramesModel::lengthText(const FrameRecord& frame) const
{
    if (readRsv1(*m_transcript, frame, m_recorder).compressedPayload()) {
        const MessageRecord& m = m_transcript->messages().at(frame.message);
        if (m.firstFrame >= 0 && &m_transcript->frames().at(m.firstFrame) == &frame)
            return QStringLiteral("%1 → %2").arg(frame.payloadLength).arg(m.length);
    }
    return QString::number(frame.payloadLength);
}

QVariant FramesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const FrameRecord* f = frameAt(index.row());
    if (!f)
        return {};
    const int frameIndex = m_base + index.row();
    const int col = index.column();
    auto deltaUs
        = [&] { return frameIndex > 0 ? f->timeUs - m_transcript->frames().at(frameIndex - 1).timeUs : qint64(0); };
    switch (role) {
    case Qt::DisplayRole:
        switch (col) {
        case Index:
            return frameIndex + 1;
        case Time:
            return QStringLiteral("%1").arg(double(f->timeUs - originUs(*m_transcript)) / 1e6, 0, 'f', 6);
        case Delta:
            return QStringLiteral("%1").arg(double(deltaUs()) / 1000.0, 0, 'f', 3);
        case Dir:
            return arrow(f->dir);
        case Opcode:
            return opcodeName(f->opcode);
        case Fin:
            return f->fin ? QStringLiteral("1") : QStringLiteral("0");
        case Rsv:
            return QStringLiteral("%1%2%3").arg(int(f->rsv1)).arg(int(f->rsv2)).arg(int(f->rsv3));
        case Mask:
            return f->masked ? QStringLiteral("1") : QStringLiteral("0");
        case Length:
            return lengthText(*f);
        case Message:
            return f->message >= 0 ? QVariant(f->message + 1) : QVariant();
        case Preview:
            return preview(*f);
        default:
            return {};
        }
    case Qt::ToolTipRole:
        switch (col) {
        case Time:
            return QObject::tr("%1 µs since the handshake").arg(f->timeUs - originUs(*m_transcript));
        case Delta:
            return QObject::tr("%1 µs after the previous frame").arg(deltaUs());
        case Dir:
            return f->dir == Direction::Out ? QObject::tr("Sent") : QObject::tr("Received");
        case Length:
            return QObject::tr("Payload %1 bytes; %2 bytes on the wire with the %3-byte header")
                .arg(f->payloadLength)
                .arg(frameWireSize(*f))
                .arg(f->headerSize);
        case Message:
            if (f->message >= 0) {
                const MessageRecord& m = m_transcript->messages().at(f->message);
                return QObject::tr("Message %1: %2 frames, %3 bytes%4")
                    .arg(f->message + 1)
                    .arg(m.frameCount)
                    .arg(m.length)
                    .arg(m.compressed ? QObject::tr(", compressed from %1 on the wire").arg(m.wireBytes) : QString());
            }
            return {};
        default: {
            const auto v = violation(frameIndex);
            return v ? QVariant(QObject::tr("%1 The receiver must close with %2.").arg(v->reason).arg(v->closeCode))
                     : QVariant();
        }
        }
    case Qt::TextAlignmentRole:
        if (col == Index || col == Time || col == Delta || col == Length || col == Message)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        if (col == Dir || col == Fin || col == Rsv || col == Mask)
            return int(Qt::AlignCenter);
        return int(Qt::AlignLeft | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        if (col == Dir)
            return QBrush(f->dir == Direction::Out ? palette::info : palette::ok);
        if (col == Opcode && isControlOpcode(f->opcode))
            return QBrush(QColor(0x80, 0x5b, 0x00));
        return {};
    case Qt::BackgroundRole:
        if (violation(frameIndex))
            return QBrush(palette::violationBackground);
        if (f->message >= 0 && (f->message % 2) == 1)
            return QBrush(QColor(0xf3, 0xf6, 0xfb)); // neighbouring messages alternate, so fragments group visibly
        return {};
    case SortRole:
        switch (col) {
        case Index:
            return frameIndex;
        case Time:
        case Delta:
            return data(index, TimeUsRole);
        case Length:
            return qulonglong(f->payloadLength);
        case Message:
            return f->message;
        default:
            return data(index, Qt::DisplayRole);
        }
    case FrameIndexRole:
        return frameIndex;
    case TimeUsRole:
        return col == Delta ? deltaUs() : f->timeUs - originUs(*m_transcript);
    case ViolationRole: {
        const auto v = violation(frameIndex);
        return v ? v->reason : QString();
    }
    default:
        return {};
    }
}

QVariant FramesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= Count)
        return {};
    if (role == Qt::DisplayRole) {
        static const char* const names[Count]
            = { "#", "Time (s)", "Δ ms", "", "Opcode", "FIN", "RSV", "MASK", "Length", "Msg", "Preview" };
        return QObject::tr(names[section]);
    }
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Time:
            return QObject::tr("Seconds since the handshake was sent (µs in the tooltip)");
        case Delta:
            return QObject::tr("Milliseconds since the previous frame");
        case Dir:
            return QObject::tr("→ sent, ← received");
        case Rsv:
            return QObject::tr("RSV1 RSV2 RSV3; RSV1 marks a compressed message");
        case Length:
            return QObject::tr("Payload length on the wire; “a → b” when the message inflates to b bytes");
        case Message:
            return QObject::tr("The message the frame belongs to; control frames belong to none");
        default:
            return {};
        }
    }
    return {};
}

} // namespace wsi
