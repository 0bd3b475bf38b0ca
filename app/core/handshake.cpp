#include "core/handshake.h"

#include "core/http.h"

#include <QCryptographicHash>

namespace wsi
{

namespace
{

bool isBase64Char(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
}

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

QByteArray concatenateWithGuid(QByteArrayView key)
{
    return key.toByteArray() + kWebSocketGuid.toByteArray();
}

} // namespace

QByteArray makeKey(QByteArrayView sixteenBytes)
{
    return sixteenBytes.toByteArray().toBase64();
}

bool isValidKey(QByteArrayView key)
{
    if (key.size() != 24 || !key.endsWith("=="))
        return false;
    for (qsizetype i = 0; i < 22; ++i) {
        if (!isBase64Char(key[i]))
            return false;
    }
    return true;
}

QByteArray computeAccept(QByteArrayView key)
{
    return QCryptographicHash::hash(concatenateWithGuid(key), QCryptographicHash::Sha1).toBase64();
}

AcceptSteps explainAccept(QByteArrayView key)
{
    AcceptSteps steps;
    steps.key = key.toByteArray();
    steps.concatenated = concatenateWithGuid(key);
    const QByteArray digest = QCryptographicHash::hash(steps.concatenated, QCryptographicHash::Sha1);
    steps.sha1Hex = digest.toHex();
    steps.accept = digest.toBase64();
    return steps;
}

TokenList parseTokenList(QByteArrayView value)
{
    TokenList list;
    qsizetype pos = 0;
    const qsizetype size = value.size();
    while (pos < size) {
        while (pos < size && (isOws(value[pos]) || value[pos] == ','))
            ++pos;
        if (pos == size)
            break;
        const qsizetype start = pos;
        while (pos < size && isTokenChar(value[pos]))
            ++pos;
        if (pos == start) {
            list.error = QStringLiteral("'%1' cannot start a token").arg(QLatin1Char(value[pos]));
            list.errorOffset = pos;
            return list;
        }
        list.tokens.append(value.sliced(start, pos - start).toByteArray());
        while (pos < size && isOws(value[pos]))
            ++pos;
        if (pos < size && value[pos] != ',') {
            list.error = QStringLiteral("expected ',' between tokens");
            list.errorOffset = pos;
            return list;
        }
    }
    if (list.tokens.isEmpty()) {
        list.error = QStringLiteral("no token in the list");
        list.errorOffset = 0;
    }
    return list;
}

bool headerHasToken(const HeaderList& headers, QByteArrayView name, QByteArrayView token)
{
    for (const QByteArray& value : headers.values(name)) {
        for (const QByteArray& element : value.split(',')) {
            if (element.trimmed().compare(token, Qt::CaseInsensitive) == 0)
                return true;
        }
    }
    return false;
}

} // namespace wsi
