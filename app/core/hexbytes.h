#pragma once
// Bytes typed as hex, as the composer's binary payload and `probe --send-binary` take them.

#include <QByteArray>
#include <QString>
#include <optional>

namespace wsi
{

// Parses "48 65 6c", "48656c", "48:65:6c" or "0x48,0x65": hex digits in pairs; whitespace, ',', ':',
// '-' and "0x" prefixes are ignored. nullopt with a sentence in `error` when a character is not a hex
// digit or the digits are odd in number.
std::optional<QByteArray> parseHexBytes(const QString& text, QString* error = nullptr);

} // namespace wsi
