#pragma once
// The users file of `serve --users FILE`: tokens that name users, and login names with a password hash and roles.
// The engine reads the file; this reads its bytes and checks passwords. Password hashes use the layout Werkzeug
// writes ("pbkdf2:sha256:600000$SALT$HEX", "scrypt:32768:8:1$SALT$HEX"), so files made by Python web applications
// work as they are; the work is done by OpenSSL (PKCS5_PBKDF2_HMAC, EVP_PBE_scrypt).
//
//   {
//     "tokens": { "s3cret": "alice", "b0b": { "name": "bob", "roles": ["reader"] } },
//     "logins": { "alice": { "password": "pbkdf2:sha256:600000$…$…", "roles": ["admin"] } }
//   }
//
// A token's user takes the roles of the login with the same name unless it names its own.

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

namespace wsi
{

struct DirectoryUser {
    QString name;
    QStringList roles;
};

struct LoginAccount {
    QString name;
    QByteArray passwordHash;
    QStringList roles;
};

struct UserDirectory {
    QHash<QByteArray, DirectoryUser> tokens;
    QHash<QString, LoginAccount> logins;
    bool isEmpty() const { return tokens.isEmpty() && logins.isEmpty(); }
};

struct UserDirectoryResult {
    std::shared_ptr<const UserDirectory> directory; // null when the file cannot be used
    QString error; // "logins.alice.password: unknown hash method \"md5\"": where and why
};
// Reads a users file. Every password hash is checked for a known method and sane costs here, so a bad file is
// refused when it is loaded rather than at the first login.
UserDirectoryResult parseUserDirectory(const QByteArray& json);
constexpr qint64 kMaxUsersFileBytes = 1 << 20;

// A password checked against its stored hash. `method` describes the hash as a trace may show it
// ("pbkdf2:sha256, 600000 iterations"); `problem` is set when the hash itself cannot be used.
struct PasswordCheck {
    bool matches = false;
    QString method;
    QString problem;
};
PasswordCheck checkPassword(QByteArrayView password, QByteArrayView storedHash);

// A new hash of `password` for a users file. `salt` is the caller's random text (engine/randomness.h): core makes
// nothing up. scrypt: cost N, block size r, parallelism p.
enum class PasswordScheme { Pbkdf2Sha256, Scrypt };
struct PasswordHashSettings {
    PasswordScheme scheme = PasswordScheme::Pbkdf2Sha256;
    int iterations = 600'000; // PBKDF2, OWASP's figure for HMAC-SHA-256
    int scryptN = 32'768, scryptR = 8, scryptP = 1;
};
QByteArray hashPassword(QByteArrayView password, QByteArrayView salt, const PasswordHashSettings& settings = {});

} // namespace wsi
