#include "core/framerules.h"

namespace wsi
{

namespace
{

ProtocolViolation violation(quint16 code, QString reason, const char* rfc)
{
    return ProtocolViolation { code, std::move(reason), QString::fromUtf8(rfc) };
}

std::optional<ProtocolViolation> firstTwoBytesViolation(const FrameHeader& header, const FrameContext& context)
{
    const QString name = opcodeName(header.opcode);
    const bool control = isControlOpcode(header.opcode);
    if (isReservedOpcode(header.opcode))
        return violation(
            1002, QStringLiteral("Opcode %1 is reserved (RFC 6455 §5.2).").arg(header.opcode), "RFC 6455 §5.2");
    if (header.rsv2 || header.rsv3)
        return violation(1002,
            QStringLiteral("%1 is set but no negotiated extension defines it (RFC 6455 §5.2).")
                .arg(header.rsv2 ? QStringLiteral("RSV2") : QStringLiteral("RSV3")),
            "RFC 6455 §5.2");
    if (header.rsv1 && !context.deflateNegotiated)
        return violation(1002,
            QStringLiteral("RSV1 is set but no extension that defines it was negotiated (RFC 6455 §5.2)."),
            "RFC 6455 §5.2");
    if (header.rsv1 && control)
        return violation(1002,
            QStringLiteral("RSV1 is set on a %1 frame; control frames are never compressed (RFC 7692 §6).").arg(name),
            "RFC 7692 §6");
    if (header.rsv1 && header.opcode == quint8(Opcode::Continuation))
        return violation(1002,
            QStringLiteral("RSV1 is set on a continuation frame; only the first frame of a message marks "
                           "compression (RFC 7692 §6)."),
            "RFC 7692 §6");
    if (context.sender == Role::Client && !header.masked)
        return violation(
            1002, QStringLiteral("A frame from the client is not masked (RFC 6455 §5.1)."), "RFC 6455 §5.1");
    if (context.sender == Role::Server && header.masked)
        return violation(1002, QStringLiteral("A frame from the server is masked (RFC 6455 §5.1)."), "RFC 6455 §5.1");
    if (control && !header.fin)
        return violation(1002,
            QStringLiteral("A %1 frame has FIN clear; control frames must not be fragmented (RFC 6455 §5.5).")
                .arg(name),
            "RFC 6455 §5.5");
    // The 7-bit field holds at most 125; a record may carry a larger length in the short form only
    // when it was written by hand, and the rule is the same.
    if (control && (header.lengthEncoding != LengthEncoding::Short7 || header.payloadLength > 125))
        return violation(1002,
            QStringLiteral("A %1 frame uses an extended length; control frame payloads are at most 125 bytes "
                           "(RFC 6455 §5.5).")
                .arg(name),
            "RFC 6455 §5.5");
    return std::nullopt;
}

std::optional<ProtocolViolation> lengthViolation(const FrameHeader& header, const FrameContext& context)
{
    const quint64 length = header.payloadLength;
    if (header.lengthEncoding == LengthEncoding::Extended16 && length < 126)
        return violation(1002,
            QStringLiteral("The payload length %1 is written in the 16-bit form; lengths below 126 must use "
                           "the 7-bit field (RFC 6455 §5.2).")
                .arg(length),
            "RFC 6455 §5.2");
    if (header.lengthEncoding == LengthEncoding::Extended64 && (length >> 63) != 0)
        return violation(1002,
            QStringLiteral("The 64-bit payload length has its most significant bit set (RFC 6455 §5.2)."),
            "RFC 6455 §5.2");
    if (header.lengthEncoding == LengthEncoding::Extended64 && length < 65536)
        return violation(1002,
            QStringLiteral("The payload length %1 is written in the 64-bit form; lengths below 65536 must use "
                           "a shorter form (RFC 6455 §5.2).")
                .arg(length),
            "RFC 6455 §5.2");
    if (context.maxFramePayload && length > *context.maxFramePayload)
        return violation(1009,
            QStringLiteral("The frame declares a %1-byte payload, above this endpoint's limit of %2 bytes "
                           "(RFC 6455 §7.4.1, 1009).")
                .arg(length)
                .arg(*context.maxFramePayload),
            "RFC 6455 §7.4.1");
    return std::nullopt;
}

} // namespace

std::optional<ProtocolViolation> frameHeaderViolation(
    const FrameHeader& header, const FrameContext& context, HeaderPart known)
{
    if (auto found = firstTwoBytesViolation(header, context))
        return found;
    if (known == HeaderPart::FirstTwoBytes)
        return std::nullopt;
    return lengthViolation(header, context);
}

} // namespace wsi
