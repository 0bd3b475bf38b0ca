#pragma once
// The key/accept arithmetic of the opening handshake (RFC 6455 §4.1, §4.2.2) and the
// comma-separated token lists its header fields use (RFC 9110 §5.6.1).

#include "core/headerlist.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QString>

namespace wsi
{

inline constexpr QByteArrayView kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// Base64 of the caller's random bytes; the caller supplies 16 (core has no randomness).
QByteArray makeKey(QByteArrayView sixteenBytes);
// 22 base64 characters followed by "==", i.e. base64 that decodes to exactly 16 bytes (§4.2.1).
bool isValidKey(QByteArrayView key);
// base64(SHA-1(key + GUID)), with the key taken exactly as sent, never decoded (§4.2.2).
QByteArray computeAccept(QByteArrayView key);

// The intermediate values of computeAccept(), for showing the calculation step by step.
struct AcceptSteps {
    QByteArray key, concatenated, sha1Hex, accept;
};
AcceptSteps explainAccept(QByteArrayView key);

struct TokenList {
    QList<QByteArray> tokens;
    QString error;
    qsizetype errorOffset = -1;
    bool ok() const { return errorOffset < 0; }
};
// 1#token with optional whitespace; empty elements (", ,") are skipped as RFC 9110 §5.6.1 requires.
// An entirely empty value is an error, because the grammar needs at least one token.
TokenList parseTokenList(QByteArrayView value);

// True when any `name` field lists `token` (ASCII case-insensitive). Elements are split on commas
// and trimmed without requiring the whole list to be valid tokens, so "Upgrade: websocket, HTTP/2.0"
// still names websocket.
bool headerHasToken(const HeaderList& headers, QByteArrayView name, QByteArrayView token);

} // namespace wsi
