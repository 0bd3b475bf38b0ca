#include "core/hexbytes.h"

namespace wsi
{

std::optional<QByteArray> parseHexBytes(const QString& text, QString* error)
{
    QByteArray digits;
    QString cleaned = text;
    cleaned.replace(QLatin1String("0x"), QLatin1String(" "), Qt::CaseInsensitive);
    for (const QChar c : std::as_const(cleaned)) {
        if (c.isSpace() || c == QLatin1Char(',') || c == QLatin1Char(':') || c == QLatin1Char('-'))
            continue;
        const bool hexDigit = (c >= QLatin1Char('0') && c <= QLatin1Char('9'))
            || (c.toLower() >= QLatin1Char('a') && c.toLower() <= QLatin1Char('f'));
        if (!hexDigit) {
            if (error)
                *error = QStringLiteral("“%1” is not a hex digit: type bytes as pairs like 48 65 6c.").arg(c);
            return std::nullopt;
        }
        digits.append(char(c.toLatin1()));
    }
    if (digits.size() % 2 != 0) {
        if (error)
            *error = QStringLiteral("The hex has an odd number of digits: every byte needs two.");
        return std::nullopt;
    }
    return QByteArray::fromHex(digits);
}

} // namespace wsi
