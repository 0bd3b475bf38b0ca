#pragma once
// Handshake authentication: where a credential may be read from a request, and who it makes the connection's
// user. The decision pipeline's authentication step (core/decisionpipeline.cpp) runs these; the user it finds is
// recorded with the handshake and shown by every view and output from that record.

#include "core/http.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
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
// A credential as the trace may mention it: its length only ("a 43-byte credential").
QString credentialShown(QByteArrayView value);

// The user a credential made of the connection.
struct AuthenticatedUser {
    QString name;
    QString source; // how it was found: "token from ?token=", "jwt from Authorization: Bearer"
    QStringList roles;
    QJsonObject claims; // a JWT's claims
    std::optional<qint64> expires; // seconds since the epoch (a JWT's exp)
    bool operator==(const AuthenticatedUser&) const = default;
};

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

} // namespace wsi
