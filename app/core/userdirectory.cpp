#include "core/userdirectory.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace wsi
{

namespace
{
// Costs beyond these would let a users file stall the server on every login (or exhaust its memory for scrypt).
constexpr int kMaxPbkdf2Iterations = 10'000'000;
constexpr quint64 kMaxScryptMemoryBytes = quint64(1) << 30;
constexpr int kMaxDerivedBytes = 512;

// A stored hash taken apart: "METHOD$SALT$HEX", METHOD "pbkdf2:DIGEST:ITERATIONS" or "scrypt:N:R:P".
struct ParsedHash {
    QByteArray method;
    QByteArray salt;
    QByteArray expected;
    const EVP_MD* digest = nullptr; // pbkdf2
    qint64 iterations = 0;
    quint64 n = 0, r = 0, p = 0; // scrypt
    QString description;
    QString problem;
};

ParsedHash parseHash(QByteArrayView stored)
{
    ParsedHash h;
    const QList<QByteArray> parts = stored.toByteArray().split('$');
    if (parts.size() != 3) {
        h.problem = QStringLiteral("a password hash has the form METHOD$SALT$HEX");
        return h;
    }
    h.method = parts[0];
    h.salt = parts[1];
    h.expected = QByteArray::fromHex(parts[2]);
    if (parts[2].isEmpty() || h.expected.toHex() != parts[2].toLower() || h.expected.size() > kMaxDerivedBytes) {
        h.problem = QStringLiteral("the hash after the second $ is not hexadecimal");
        return h;
    }
    const QList<QByteArray> words = h.method.split(':');
    if (words[0] == "pbkdf2") {
        if (words.size() != 3) {
            h.problem = QStringLiteral("pbkdf2 needs a digest and an iteration count: pbkdf2:sha256:600000");
            return h;
        }
        h.digest = EVP_get_digestbyname(words[1].constData());
        if (!h.digest || (words[1] != "sha1" && words[1] != "sha256" && words[1] != "sha512")) {
            h.problem = QStringLiteral("pbkdf2 digest \"%1\" is not one of sha1, sha256, sha512")
                            .arg(QString::fromUtf8(words[1]));
            return h;
        }
        bool ok = false;
        h.iterations = words[2].toLongLong(&ok);
        if (!ok || h.iterations < 1 || h.iterations > kMaxPbkdf2Iterations) {
            h.problem = QStringLiteral("pbkdf2 iteration count must be 1 to %1").arg(kMaxPbkdf2Iterations);
            return h;
        }
        h.description = QStringLiteral("pbkdf2:%1, %2 iterations").arg(QString::fromUtf8(words[1])).arg(h.iterations);
        return h;
    }
    if (words[0] == "scrypt") {
        bool okN = false, okR = false, okP = false;
        if (words.size() == 4) {
            h.n = words[1].toULongLong(&okN);
            h.r = words[2].toULongLong(&okR);
            h.p = words[3].toULongLong(&okP);
        }
        if (!okN || !okR || !okP || h.n < 2 || (h.n & (h.n - 1)) != 0 || h.r < 1 || h.p < 1 || h.r > 64 || h.p > 64) {
            h.problem = QStringLiteral("scrypt needs N (a power of two), r and p: scrypt:32768:8:1");
            return h;
        }
        if (quint64(128) * h.n * h.r > kMaxScryptMemoryBytes) {
            h.problem
                = QStringLiteral("scrypt N×r asks for more than %1 MiB of memory").arg(kMaxScryptMemoryBytes >> 20);
            return h;
        }
        h.description = QStringLiteral("scrypt N=%1 r=%2 p=%3").arg(h.n).arg(h.r).arg(h.p);
        return h;
    }
    h.problem = QStringLiteral("unknown hash method \"%1\" (pbkdf2:DIGEST:ITERATIONS or scrypt:N:R:P)")
                    .arg(QString::fromUtf8(words[0]));
    return h;
}

QByteArray derive(const ParsedHash& h, QByteArrayView password, qsizetype length)
{
    QByteArray out(length, Qt::Uninitialized);
    auto* dst = reinterpret_cast<unsigned char*>(out.data());
    const auto* salt = reinterpret_cast<const unsigned char*>(h.salt.constData());
    if (h.digest) {
        if (PKCS5_PBKDF2_HMAC(password.data(), int(password.size()), salt, int(h.salt.size()), int(h.iterations),
                h.digest, int(length), dst)
            != 1)
            return {};
        return out;
    }
    const quint64 maxMemory = quint64(128) * h.n * h.r * 2 + (quint64(1) << 20);
    if (EVP_PBE_scrypt(password.data(), size_t(password.size()), salt, size_t(h.salt.size()), h.n, h.r, h.p, maxMemory,
            dst, size_t(length))
        != 1)
        return {};
    return out;
}

QStringList stringList(const QJsonValue& value)
{
    QStringList out;
    for (const QJsonValue& v : value.toArray())
        out.append(v.toString());
    return out;
}

bool isStringArray(const QJsonValue& value)
{
    if (value.isUndefined())
        return true;
    if (!value.isArray())
        return false;
    const QJsonArray array = value.toArray();
    return std::all_of(array.begin(), array.end(), [](const QJsonValue& v) { return v.isString(); });
}
} // namespace

PasswordCheck checkPassword(QByteArrayView password, QByteArrayView storedHash)
{
    PasswordCheck check;
    const ParsedHash h = parseHash(storedHash);
    check.method = h.description;
    if (!h.problem.isEmpty()) {
        check.problem = h.problem;
        return check;
    }
    const QByteArray derived = derive(h, password, h.expected.size());
    if (derived.isEmpty()) {
        check.problem = QStringLiteral("OpenSSL could not derive the %1 hash").arg(h.description);
        return check;
    }
    check.matches = CRYPTO_memcmp(derived.constData(), h.expected.constData(), size_t(derived.size())) == 0;
    return check;
}

QByteArray hashPassword(QByteArrayView password, QByteArrayView salt, const PasswordHashSettings& settings)
{
    const QByteArray method = settings.scheme == PasswordScheme::Scrypt
        ? QByteArray("scrypt:%1:%2:%3")
              .replace("%1", QByteArray::number(settings.scryptN))
              .replace("%2", QByteArray::number(settings.scryptR))
              .replace("%3", QByteArray::number(settings.scryptP))
        : "pbkdf2:sha256:" + QByteArray::number(settings.iterations);
    // Werkzeug's lengths: 32 bytes for PBKDF2-SHA-256, 64 for scrypt.
    const qsizetype length = settings.scheme == PasswordScheme::Scrypt ? 64 : 32;
    ParsedHash h = parseHash(method + '$' + salt.toByteArray() + '$' + QByteArray(length * 2, '0'));
    if (!h.problem.isEmpty())
        return {};
    const QByteArray derived = derive(h, password, length);
    if (derived.isEmpty())
        return {};
    return method + '$' + salt.toByteArray() + '$' + derived.toHex();
}

UserDirectoryResult parseUserDirectory(const QByteArray& json)
{
    UserDirectoryResult result;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject()) {
        result.error = parseError.error != QJsonParseError::NoError
            ? QStringLiteral("not JSON: %1 at byte %2").arg(parseError.errorString()).arg(parseError.offset)
            : QStringLiteral("the file is not a JSON object with \"tokens\" and \"logins\"");
        return result;
    }
    const QJsonObject root = document.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (it.key() != QLatin1String("tokens") && it.key() != QLatin1String("logins")) {
            result.error = QStringLiteral("unknown key \"%1\" (the file has \"tokens\" and \"logins\")").arg(it.key());
            return result;
        }
        if (!it.value().isObject()) {
            result.error = QStringLiteral("%1: an object is needed").arg(it.key());
            return result;
        }
    }
    auto directory = std::make_shared<UserDirectory>();
    const QJsonObject logins = root.value(QStringLiteral("logins")).toObject();
    for (auto it = logins.begin(); it != logins.end(); ++it) {
        const QString where = QStringLiteral("logins.%1").arg(it.key());
        const QJsonObject entry = it.value().toObject();
        if (!it.value().isObject() || !entry.value(QStringLiteral("password")).isString()) {
            result.error = QStringLiteral("%1: an object with a \"password\" hash is needed").arg(where);
            return result;
        }
        if (!isStringArray(entry.value(QStringLiteral("roles")))) {
            result.error = QStringLiteral("%1.roles: a list of strings is needed").arg(where);
            return result;
        }
        const QByteArray hash = entry.value(QStringLiteral("password")).toString().toUtf8();
        if (const ParsedHash parsed = parseHash(hash); !parsed.problem.isEmpty()) {
            result.error = QStringLiteral("%1.password: %2").arg(where, parsed.problem);
            return result;
        }
        directory->logins.insert(
            it.key(), LoginAccount { it.key(), hash, stringList(entry.value(QStringLiteral("roles"))) });
    }
    const QJsonObject tokens = root.value(QStringLiteral("tokens")).toObject();
    for (auto it = tokens.begin(); it != tokens.end(); ++it) {
        // The token itself is never named in an error: the key's position stands for it.
        const QString where = QStringLiteral("tokens entry %1").arg(std::distance(tokens.begin(), it) + 1);
        DirectoryUser user;
        if (it.value().isString()) {
            user.name = it.value().toString();
        } else if (it.value().isObject() && it.value().toObject().value(QStringLiteral("name")).isString()
            && isStringArray(it.value().toObject().value(QStringLiteral("roles")))) {
            user.name = it.value().toObject().value(QStringLiteral("name")).toString();
            user.roles = stringList(it.value().toObject().value(QStringLiteral("roles")));
        } else {
            result.error = QStringLiteral("%1: a user name, or {\"name\": …, \"roles\": […]}, is needed").arg(where);
            return result;
        }
        if (it.key().isEmpty() || user.name.isEmpty()) {
            result.error = QStringLiteral("%1: the token and the user name must not be empty").arg(where);
            return result;
        }
        if (!it.value().toObject().contains(QStringLiteral("roles")))
            user.roles = directory->logins.value(user.name).roles;
        directory->tokens.insert(it.key().toUtf8(), user);
    }
    result.directory = std::move(directory);
    return result;
}

} // namespace wsi
