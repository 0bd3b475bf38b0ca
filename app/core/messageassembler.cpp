#include "core/messageassembler.h"

#include "core/closepayload.h"

#include <algorithm>
#include <utility>

namespace wsi
{

namespace
{

// Compressed input is handed to the inflater in slices of this size, so the inflated size can be
// checked against the limit long before a deflate bomb (ratio up to ~1000:1) fills memory.
constexpr qsizetype inflateSliceBytes = 16 * 1024;

} // namespace

MessageAssembler::MessageAssembler(AssemblerLimits limits)
    : m_limits(limits)
{
}

MessageAssembler::Result MessageAssembler::push(const Frame& frame)
{
    if (m_failed)
        return Result::Violation;
    if (isReservedOpcode(frame.header.opcode))
        return fail(1002, QStringLiteral("Opcode %1 is reserved (RFC 6455 §5.2).").arg(frame.header.opcode),
            QStringLiteral("RFC 6455 §5.2"));
    if (isControlOpcode(frame.header.opcode))
        return pushControl(frame);
    return pushData(frame);
}

MessageAssembler::Result MessageAssembler::pushControl(const Frame& frame)
{
    m_control = frame;
    if (frame.header.opcode == quint8(Opcode::Close)) {
        const ClosePayload close = parseClosePayload(frame.payload);
        if (close.violation)
            return fail(close.violation->closeCode, close.violation->reason, close.violation->rfc);
    }
    return Result::ControlReady;
}

bool MessageAssembler::acceptDataFrame(const FrameHeader& header)
{
    const bool continuation = header.opcode == quint8(Opcode::Continuation);
    if (continuation && !m_open) {
        fail(1002,
            QStringLiteral("A continuation frame arrived with no fragmented message in progress (RFC 6455 §5.4)."),
            QStringLiteral("RFC 6455 §5.4"));
        return false;
    }
    if (!continuation && m_open) {
        fail(1002,
            QStringLiteral("A new %1 frame arrived before the fragmented message in progress was finished "
                           "(RFC 6455 §5.4).")
                .arg(opcodeName(header.opcode)),
            QStringLiteral("RFC 6455 §5.4"));
        return false;
    }
    if (!continuation) {
        if (header.rsv1 && !m_inflater) {
            fail(1002, QStringLiteral("RSV1 is set but no compression was negotiated (RFC 6455 §5.2)."),
                QStringLiteral("RFC 6455 §5.2"));
            return false;
        }
        m_message = Message { header.opcode, {}, header.rsv1, 0, 0 };
        m_fragmentBookkeeping = 0;
        m_utf8.reset();
        m_open = true;
    }
    return true;
}

MessageAssembler::Result MessageAssembler::pushPartial(const Frame& partial)
{
    if (m_failed)
        return Result::Violation;
    const FrameHeader& header = partial.header;
    const qsizetype available = partial.payload.size();
    if (available == m_partialJudged)
        return Result::Pending;
    if (m_partialJudged == 0) {
        // Whether this frame is text is known from its header and the message in progress; binary and
        // control frames are left whole to push(), which keeps their path free of any per-chunk work.
        const bool text = header.opcode == quint8(Opcode::Text)
            || (header.opcode == quint8(Opcode::Continuation) && m_open && m_message.opcode == quint8(Opcode::Text));
        if (!text)
            return Result::Pending;
        if (!acceptDataFrame(header))
            return Result::Violation;
    }
    const QByteArrayView fresh = QByteArrayView(partial.payload).sliced(m_partialJudged);
    m_partialJudged = available;
    const bool ok = m_message.compressed ? appendInflated(fresh, false) : validateText(fresh);
    return ok ? Result::Pending : Result::Violation;
}

MessageAssembler::Result MessageAssembler::pushData(const Frame& frame)
{
    const FrameHeader& header = frame.header;
    // pushPartial() has already accepted this frame and judged its first bytes when this is not 0.
    const qsizetype judged = std::exchange(m_partialJudged, 0);
    if (judged == 0 && !acceptDataFrame(header))
        return Result::Violation;

    ++m_message.frameCount;
    if (m_limits.maxFragments > 0 && m_message.frameCount > m_limits.maxFragments)
        return fail(1009,
            QStringLiteral("The message has more than %1 fragments, this endpoint's limit (RFC 6455 §7.4.1, 1009).")
                .arg(m_limits.maxFragments),
            QStringLiteral("RFC 6455 §7.4.1"));
    if (m_message.frameCount > 1)
        m_fragmentBookkeeping += kFragmentBookkeepingBytes;
    m_message.wireBytes += frame.payload.size();

    const bool appended = m_message.compressed
        ? appendInflated(QByteArrayView(frame.payload).sliced(judged), header.fin)
        : appendPlain(frame.payload, judged);
    if (!appended)
        return Result::Violation;
    if (!header.fin)
        return Result::Pending;
    if (m_message.opcode == quint8(Opcode::Text) && !m_utf8.isComplete())
        return fail(1007, QStringLiteral("The text message ends inside a UTF-8 sequence (RFC 6455 §8.1)."),
            QStringLiteral("RFC 6455 §8.1"));
    m_open = false;
    return Result::MessageReady;
}

bool MessageAssembler::appendPlain(const QByteArray& payload, qsizetype alreadyValidated)
{
    if (!withinBudget(m_message.payload.size() + payload.size(), QStringLiteral("RFC 6455 §7.4.1")))
        return false;
    // A single-frame message shares the frame's buffer instead of copying it.
    if (m_message.payload.isEmpty())
        m_message.payload = payload;
    else
        m_message.payload.append(payload);
    return validateText(QByteArrayView(payload).sliced(alreadyValidated));
}

bool MessageAssembler::appendInflated(QByteArrayView payload, bool finalFragment)
{
    qsizetype position = 0;
    do {
        const qsizetype slice = std::min(inflateSliceBytes, payload.size() - position);
        const bool lastSlice = position + slice == payload.size();
        const qsizetype before = m_message.payload.size();
        ProtocolViolation error;
        if (!m_inflater(payload.sliced(position, slice), finalFragment && lastSlice, m_message.payload, error)) {
            fail(error.closeCode, error.reason, error.rfc);
            return false;
        }
        if (!withinBudget(m_message.payload.size(), QStringLiteral("RFC 7692 §8.1")))
            return false;
        if (!validateText(QByteArrayView(m_message.payload).sliced(before)))
            return false;
        position += slice;
    } while (position < payload.size());
    return true;
}

bool MessageAssembler::withinBudget(qint64 payloadBytes, const QString& rfc)
{
    if (payloadBytes + m_fragmentBookkeeping <= m_limits.maxMessageBytes)
        return true;
    QString reason = m_message.compressed
        ? QStringLiteral("The message inflates beyond this endpoint's limit of %1 bytes (RFC 7692 §8.1, RFC 6455 "
                         "§7.4.1, 1009).")
        : QStringLiteral("The message exceeds this endpoint's limit of %1 bytes (RFC 6455 §7.4.1, 1009).");
    reason = reason.arg(m_limits.maxMessageBytes);
    if (m_fragmentBookkeeping > 0)
        reason += QStringLiteral(" It counts %1 bytes of payload and %2 fragments, each after the first costing %3 "
                                 "bytes of bookkeeping.")
                      .arg(payloadBytes)
                      .arg(m_message.frameCount)
                      .arg(kFragmentBookkeepingBytes);
    fail(1009, reason, rfc);
    return false;
}

bool MessageAssembler::validateText(QByteArrayView newBytes)
{
    if (m_message.opcode != quint8(Opcode::Text) || m_utf8.feed(newBytes))
        return true;
    fail(1007,
        QStringLiteral("The text message is not valid UTF-8 at byte %1 (RFC 6455 §8.1).").arg(m_utf8.errorOffset()),
        QStringLiteral("RFC 6455 §8.1"));
    return false;
}

MessageAssembler::Result MessageAssembler::fail(quint16 closeCode, const QString& reason, const QString& rfc)
{
    m_violation = ProtocolViolation { closeCode, reason, rfc };
    m_failed = true;
    m_open = false;
    return Result::Violation;
}

} // namespace wsi
