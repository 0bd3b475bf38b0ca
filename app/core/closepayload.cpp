#include "core/closepayload.h"

#include "core/utf8.h"

namespace wsi
{

ClosePayload parseClosePayload(QByteArrayView payload)
{
    ClosePayload result;
    if (payload.size() > 125) {
        result.violation = ProtocolViolation { 1002,
            QStringLiteral("The close payload is %1 bytes; control frame payloads are at most 125 bytes "
                           "(RFC 6455 §5.5).")
                .arg(payload.size()),
            QStringLiteral("RFC 6455 §5.5") };
        return result;
    }
    if (payload.isEmpty())
        return result;
    if (payload.size() == 1) {
        result.violation = ProtocolViolation { 1002,
            QStringLiteral("The close payload is a single byte; it must be empty or start with a 2-byte "
                           "status code (RFC 6455 §5.5.1)."),
            QStringLiteral("RFC 6455 §5.5.1") };
        return result;
    }
    const quint16 code = quint16((quint8(payload[0]) << 8) | quint8(payload[1]));
    result.code = code;
    result.reason = payload.sliced(2).toByteArray();
    if (!isValidCloseCodeOnWire(code)) {
        result.violation = ProtocolViolation { 1002,
            QStringLiteral("Close code %1 (%2) may not be sent on the wire (RFC 6455 §7.4).")
                .arg(code)
                .arg(closeCodeName(code)),
            QStringLiteral("RFC 6455 §7.4") };
    } else if (!isValidUtf8(result.reason)) {
        result.violation
            = ProtocolViolation { 1007, QStringLiteral("The close reason is not valid UTF-8 (RFC 6455 §5.5.1)."),
                  QStringLiteral("RFC 6455 §5.5.1") };
    }
    return result;
}

bool isValidCloseCodeOnWire(quint16 code)
{
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

QString closeCodeName(quint16 code)
{
    switch (code) {
    case 1000:
        return QStringLiteral("Normal Closure");
    case 1001:
        return QStringLiteral("Going Away");
    case 1002:
        return QStringLiteral("Protocol Error");
    case 1003:
        return QStringLiteral("Unsupported Data");
    case 1004:
        return QStringLiteral("Reserved");
    case 1005:
        return QStringLiteral("No Status Received");
    case 1006:
        return QStringLiteral("Abnormal Closure");
    case 1007:
        return QStringLiteral("Invalid Frame Payload Data");
    case 1008:
        return QStringLiteral("Policy Violation");
    case 1009:
        return QStringLiteral("Message Too Big");
    case 1010:
        return QStringLiteral("Mandatory Extension");
    case 1011:
        return QStringLiteral("Internal Error");
    case 1012:
        return QStringLiteral("Service Restart");
    case 1013:
        return QStringLiteral("Try Again Later");
    case 1014:
        return QStringLiteral("Bad Gateway");
    case 1015:
        return QStringLiteral("TLS Handshake");
    default:
        break;
    }
    if (code < 1000)
        return QStringLiteral("unused");
    if (code < 3000)
        return QStringLiteral("unassigned");
    if (code < 4000)
        return QStringLiteral("registered for libraries");
    if (code < 5000)
        return QStringLiteral("private use");
    return QStringLiteral("out of range");
}

QByteArray makeClosePayload(quint16 code, QByteArrayView reason)
{
    QByteArray payload;
    payload.reserve(2 + reason.size());
    payload.append(char(code >> 8));
    payload.append(char(code & 0xFF));
    payload.append(reason);
    return payload;
}

} // namespace wsi
