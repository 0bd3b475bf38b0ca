#pragma once
// Random text from OpenSSL's generator, for what must not be guessed: password salts and login session ids. Core
// makes nothing up; it is handed these.

#include <QByteArray>

namespace wsi
{
// `length` random letters and digits (the salt alphabet Werkzeug writes).
QByteArray randomSaltText(int length = 16);
// `bytes` random bytes as base64url without padding: 32 bytes, 256 bits, for a session id.
QByteArray randomToken(int bytes = 32);
} // namespace wsi
