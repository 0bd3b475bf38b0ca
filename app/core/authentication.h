#pragma once
// Handshake authentication: where a credential may be read from a request, and who it makes the connection's
// user. The decision pipeline's authentication step (core/decisionpipeline.cpp) runs these; the user it finds is
// recorded with the handshake and shown by every view and output from that record.

#include "core/http.h"
#include "core/jwt.h"
#include "core/serverpolicy.h"
#include "core/userdirectory.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <deque>
#include <optional>

namespace wsi
{

// One place a credential may travel in an opening handshake.
struct CredentialSource {
    enum class Kind { Query, Bearer, Cookie, Protocol };
    Kind kind = Kind::Query;
    // Query: the parameter name; Cookie: the cookie name; Protocol: the prefix of the subprotocol item that
    // carries the credential ("token." in "Sec-WebSocket-Protocol: json, token.abc"). Bearer: empty.
    QByteArray name;

    // As a person reads it: "?token=", "Authorization: Bearer", "Cookie session=", "Sec-WebSocket-Protocol token.*".
    QString label() const;
    // As written in --token-from: "query:token", "bearer", "cookie:session", "protocol:token.".
    QString word() const;
    bool operator==(const CredentialSource&) const = default;
};

// The default --token-from list: ?token=, Authorization: Bearer, Cookie session=.
QList<QByteArray> defaultCredentialSourceWords();
// Reads one word of --token-from ("query:NAME", "bearer", "cookie:NAME", "protocol" or "protocol:PREFIX");
// `problem` says why a word cannot be read.
std::optional<CredentialSource> parseCredentialSource(QByteArrayView word, QString* problem = nullptr);

struct PresentedCredential {
    CredentialSource source;
    QByteArray value; // the credential itself: never shown, never logged
    QByteArray protocolItem; // Protocol: the whole offered item, which the subprotocol choice must skip
};
// Every credential the request carries in the given places, in the order of `sources`.
QList<PresentedCredential> presentedCredentials(const HttpRequest& request, const QList<CredentialSource>& sources);
// The offered subprotocol items that carry a credential (Protocol sources): never selected, never echoed.
QList<QByteArray> credentialProtocolItems(const HttpRequest& request, const QList<CredentialSource>& sources);
// The places the policy reads credentials from (its --token-from words, read).
QList<CredentialSource> credentialSourcesOf(const ServerPolicy& policy);
// A request line ("GET /?token=s3cret HTTP/1.1") as a log line may show it: when the policy authenticates, the query
// values that carry credentials are hidden.
QByteArray requestLineForLog(const QByteArray& requestLine, const ServerPolicy& policy);

// The request target with the value of each query parameter that carries a credential replaced by "<hidden>": what a
// trace or log line may show.
QByteArray targetWithoutCredentials(const QByteArray& target, const QList<CredentialSource>& sources);

// The user a credential made of the connection.
struct AuthenticatedUser {
    QString name;
    QString source; // how it was found: "token from ?token=", "jwt from Authorization: Bearer"
    QStringList roles;
    QJsonObject claims; // a JWT's claims
    std::optional<qint64> expires; // seconds since the epoch (a JWT's exp)
    bool operator==(const AuthenticatedUser&) const = default;
};

// A session POST /login opened (serve --login): the user, and what the cookie that carries its id was set with, so
// the handshake that brings it back can say why it arrived.
struct LoginSession {
    AuthenticatedUser user;
    QString host; // the Host the login came to: the cookie's host
    CookieSameSite sameSite = CookieSameSite::Lax;
    bool secure = false; // set with Secure (the server speaks TLS)
    qint64 issuedAt = 0; // seconds since the epoch
};

// The server's open login sessions by id, oldest dropped first beyond kMaxLoginSessions: a client that logs in
// in a loop cannot grow the server without bound.
class LoginSessions
{
public:
    static constexpr int kMaxLoginSessions = 10'000;
    void add(const QByteArray& id, const LoginSession& session);
    void remove(const QByteArray& id);
    const LoginSession* find(QByteArrayView id) const;
    int size() const { return int(m_sessions.size()); }

private:
    QHash<QByteArray, LoginSession> m_sessions;
    std::deque<QByteArray> m_order; // ids, oldest first; may hold ids already removed
};

// "SameSite=Lax": as the Set-Cookie attribute writes it.
QByteArray sameSiteAttribute(CookieSameSite sameSite);

// JSON (the handshake event's "user"): null, or {name, source, roles, claims, expires (number or null)}.
QJsonValue userToJson(const std::optional<AuthenticatedUser>& user);
std::optional<AuthenticatedUser> userFromJson(const QJsonValue& value);

// Comparing every byte whatever the first difference, so response timing does not reveal how much of a guessed
// credential was right.
bool sameSecret(QByteArrayView a, QByteArrayView b);

// A --user item "TOKEN=NAME": the token and the user's name, or why the item cannot be read.
struct UserToken {
    QByteArray token;
    QString name;
};
std::optional<UserToken> parseUserToken(QByteArrayView item, QString* problem = nullptr);

// The keys the policy's JWT settings name: its shared secret, and the public keys in the key file's bytes (the
// engine reads the file). `error` says why the file's keys cannot be used; the keys are null then.
struct JwtKeysResult {
    std::shared_ptr<const JwtKeySet> keys;
    QString error;
};
JwtKeysResult jwtKeysFor(const ServerPolicy& policy, const QByteArray& keyFileBytes);

// The rules a JWT is verified against, from the policy, at `nowSeconds`.
JwtRules jwtRulesFor(const ServerPolicy& policy, qint64 nowSeconds);

// The first text message of a connection under --welcome: the context the handshake gave it,
// {"user":"alice","protocol":"json"} (null for no user or no subprotocol), so the client sees who it is.
QByteArray welcomeMessage(const std::optional<AuthenticatedUser>& user, const QByteArray& protocol);

// Under --close-on-expiry: how many seconds after `nowSeconds` the connection is to close because the user's token
// expires (0 when it already has), or nothing when no expiry applies.
std::optional<qint64> secondsUntilExpiry(const std::optional<AuthenticatedUser>& user, qint64 nowSeconds);

// A credential shaped like a JWS compact token: three base64url parts joined by dots.
bool looksLikeJwt(QByteArrayView credential);

} // namespace wsi
