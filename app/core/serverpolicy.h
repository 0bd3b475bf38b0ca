#pragma once
// How the echo server negotiates, as a plain value. Its fields are declared once, in core/policyschema.cpp: JSON,
// equality, the `serve` flags and the server panel's form are all made from that table. The decision that
// applies a policy to a request is core/decisionpipeline.h.

#include "core/deflatenegotiation.h"
#include "core/extensions.h"
#include "core/http.h"

#include <QJsonObject>
#include <optional>

namespace wsi
{

enum class ProtocolOrder { Server, Client }; // whose preference order picks the subprotocol
enum class NoProtocolMatch { Proceed, Reject }; // nothing in common: no subprotocol (RFC default) or 400
enum class FailureMode { Http, Close }; // refuse with an HTTP status, or upgrade then close
// When the credential is checked: in the handshake, or (the common mistake, shown) as the first message after it.
enum class AuthTiming { Handshake, FirstMessage };
// The SameSite attribute of the session cookie POST /login sets (RFC 6265bis §4.1.2.7).
enum class CookieSameSite { Lax, Strict, None };

struct ServerPolicy {
    QList<QByteArray> protocols; // supported, in server preference order
    ProtocolOrder protocolOrder = ProtocolOrder::Server;
    NoProtocolMatch noProtocolMatch = NoProtocolMatch::Proceed;

    QList<QByteArray> allowedOrigins; // exact origins; empty = any origin
    bool allowMissingOrigin = true;
    FailureMode originFailure = FailureMode::Http; // 403, or accept and close with 1008

    QByteArray token; // its user is named "token"; empty (and no users) = no authentication
    QList<QByteArray> users; // "TOKEN=NAME": each token names a user
    // Where credentials are read, in order (core/authentication.h): query:NAME, bearer, cookie:NAME, protocol[:PREFIX]
    QList<QByteArray> tokenFrom { "query:token", "bearer", "cookie:session" };
    FailureMode authFailure = FailureMode::Http; // 401, or accept and close with 4001
    AuthTiming authTiming = AuthTiming::Handshake;
    int authTimeoutMs = 5000; // FirstMessage: how long the credential may take to arrive

    // JSON Web Tokens (core/jwt.h): accepted when signed with the secret (HS*) or a key of the key file.
    QByteArray jwtSecret;
    QByteArray jwtKeyFile; // a PEM public key or a JWKS, read by the engine when the policy is applied
    QByteArray jwtIssuer, jwtAudience; // required "iss" / member of "aud" when set
    int jwtLeewaySeconds = 0;
    QByteArray jwtUserClaim = "sub";

    QByteArray usersFile; // JSON: tokens → users, login names → password hashes and roles (core/userdirectory.h)
    bool login = false; // also answer GET / (a login page) and POST /login (a session cookie) over plain HTTP
    CookieSameSite cookieSameSite = CookieSameSite::Lax;

    bool welcome = false; // first message of every connection: its context, {"user": ..., "protocol": ...}
    bool closeOnExpiry = false; // close 4001 "token expired" when the user's JWT expires during the connection

    bool jwtEnabled() const { return !jwtSecret.isEmpty() || !jwtKeyFile.isEmpty(); }
    // Authentication is asked for: some credential is configured.
    bool authenticationRequired() const
    {
        return !token.isEmpty() || !users.isEmpty() || jwtEnabled() || !usersFile.isEmpty() || login;
    }

    DeflateServerConfig deflate; // enabled by default
    int compressionLevel = 6;

    int handshakeTimeoutMs = 10'000;
    HeadLimits headLimits;
    qint64 maxMessageBytes = qint64(64) << 20; // → close 1009
    // Frames per message → close 1009; 0 = no count cap: fragments are charged against maxMessageBytes
    // (core/messageassembler.h), so a message is refused for what it costs, not for how it was cut.
    int maxFragments = 0;
    qint64 maxQueuedBytes = qint64(16) << 20; // unsent bytes per connection before it is dropped
    QList<Header> extraResponseHeaders; // added to every 101 (e.g. Set-Cookie experiments)
    QList<int> versions { 13 }; // Sec-WebSocket-Version values accepted; others get 426

    // Made from the schema (core/policyschema.h).

    QJsonObject toJson() const;
    static std::optional<ServerPolicy> fromJson(const QJsonObject& json, QString* error = nullptr);
    bool operator==(const ServerPolicy&) const;
};

} // namespace wsi
