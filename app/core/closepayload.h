#pragma once
// The payload of a Close frame (RFC 6455 §5.5.1): empty, or a 2-byte status code followed by a
// UTF-8 reason. Which codes may appear on the wire is set by §7.4 and the IANA registry.

#include "core/frame.h"

#include <QByteArrayView>
#include <optional>

namespace wsi
{

struct ClosePayload {
    std::optional<quint16> code; // absent for an empty payload (and for a 1-byte one)
    QByteArray reason;
    std::optional<ProtocolViolation> violation; // set when the payload itself breaks the protocol
};

// A 1-byte payload or a code not allowed on the wire → 1002; a reason that is not UTF-8 → 1007.
ClosePayload parseClosePayload(QByteArrayView payload);

// 1000–1003, 1007–1014 and 3000–4999 may be sent; 1005, 1006 and 1015 are for local reporting only.
bool isValidCloseCodeOnWire(quint16 code);
// "Normal Closure", "Going Away", ... for registered codes; the class name otherwise
// ("unassigned", "registered for libraries", "private use", ...).
QString closeCodeName(quint16 code);

// Code in network byte order followed by the reason, taken as given (the caller keeps it within
// 123 bytes, or deliberately does not).
QByteArray makeClosePayload(quint16 code, QByteArrayView reason = {});

} // namespace wsi
