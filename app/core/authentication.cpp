#include "core/authentication.h"

#include "core/checks.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace wsi
{

QString CredentialSource::label() const
{
    switch (kind) {
    case Kind::Query:
        return QStringLiteral("?%1=").arg(QString::fromLatin1(name));
    case Kind::Bearer:
        return QStringLiteral("Authorization: Bearer");
    case Kind::Cookie:
        return QStringLiteral("Cookie %1=").arg(QString::fromLatin1(name));
    case Kind::Protocol:
        return QStringLiteral("Sec-WebSocket-Protocol %1*").arg(QString::fromLatin1(name));
    }
    return {};
}

QString CredentialSource::word() const
{
    switch (kind) {
    case Kind::Query:
        return QStringLiteral("query:%1").arg(QString::fromLatin1(name));
    case Kind::Bearer:
        return QStringLiteral("bearer");
    case Kind::Cookie:
        return QStringLiteral("cookie:%1").arg(QString::fromLatin1(name));
    case Kind::Protocol:
        return QStringLiteral("protocol:%1").arg(QString::fromLatin1(name));
    }
    return {};
}

QList<QByteArray> defaultCredentialSourceWords()
{
    return { "query:token", "bearer", "cookie:session" };
}

std::optional<CredentialSource> parseCredentialSource(QByteArrayView word, QString* problem)
{
    const auto fail = [problem](const QString& why) -> std::optional<CredentialSource> {
        if (problem)
            *problem = why;
        return std::nullopt;
    };
    const qsizetype colon = word.indexOf(':');
    const QByteArrayView kind = colon < 0 ? word : word.first(colon);
    const QByteArray name = colon < 0 ? QByteArray() : word.sliced(colon + 1).toByteArray();
    if (kind == "bearer") {
        if (colon >= 0)
            return fail(QStringLiteral("\"bearer\" takes no name"));
        return CredentialSource { CredentialSource::Kind::Bearer, {} };
    }
    if (kind == "protocol") {
        // A subprotocol item is an RFC 9110 token, so its prefix must be made of token characters too.
        const QByteArray prefix = colon < 0 ? QByteArray("token.") : name;
        if (prefix.isEmpty() || !isToken(prefix))
            return fail(QStringLiteral("\"protocol:%1\" needs a prefix of token characters, e.g. protocol:token.")
                            .arg(QString::fromLatin1(prefix)));
        return CredentialSource { CredentialSource::Kind::Protocol, prefix };
    }
    if (kind == "query" || kind == "cookie") {
        if (name.isEmpty() || !isToken(name))
            return fail(QStringLiteral("\"%1\" needs a name, e.g. %1:%2")
                            .arg(QString::fromLatin1(kind), kind == "query" ? u"token" : u"session"));
        return CredentialSource { kind == "query" ? CredentialSource::Kind::Query : CredentialSource::Kind::Cookie,
            name };
    }
    return fail(QStringLiteral("\"%1\" is not a place a credential is read from (query:NAME, bearer, cookie:NAME, "
                               "protocol)")
                    .arg(QString::fromLatin1(word)));
}

namespace
{
QList<QByteArray> offeredProtocolItems(const HttpRequest& request)
{
    QList<QByteArray> items;
    for (const QByteArray& header : request.headers.values("Sec-WebSocket-Protocol")) {
        for (const QByteArray& item : header.split(',')) {
            const QByteArray trimmed = item.trimmed();
            if (!trimmed.isEmpty())
                items.append(trimmed);
        }
    }
    return items;
}
} // namespace

QList<PresentedCredential> presentedCredentials(const HttpRequest& request, const QList<CredentialSource>& sources)
{
    QList<PresentedCredential> found;
    for (const CredentialSource& source : sources) {
        switch (source.kind) {
        case CredentialSource::Kind::Query: {
            const qsizetype q = request.target.indexOf('?');
            if (q < 0)
                break;
            for (const QByteArray& pair : request.target.mid(q + 1).split('&')) {
                const qsizetype eq = pair.indexOf('=');
                if ((eq < 0 ? pair : pair.left(eq)) != source.name)
                    continue;
                QByteArray value = eq < 0 ? QByteArray() : pair.mid(eq + 1);
                value.replace('+', ' '); // form encoding, as a browser's URLSearchParams writes it
                found.append({ source, QByteArray::fromPercentEncoding(value), {} });
            }
            break;
        }
        case CredentialSource::Kind::Bearer:
            for (const QByteArray& auth : request.headers.values("Authorization")) {
                const QByteArray trimmed = auth.trimmed();
                if (trimmed.size() > 7 && trimmed.first(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
                    found.append({ source, trimmed.mid(7).trimmed(), {} });
            }
            break;
        case CredentialSource::Kind::Cookie:
            for (const QByteArray& cookieHeader : request.headers.values("Cookie")) {
                for (const QByteArray& cookie : cookieHeader.split(';')) {
                    const QByteArray pair = cookie.trimmed();
                    if (pair.size() > source.name.size() && pair.startsWith(source.name)
                        && pair.at(source.name.size()) == '=')
                        found.append({ source, pair.mid(source.name.size() + 1), {} });
                }
            }
            break;
        case CredentialSource::Kind::Protocol:
            for (const QByteArray& item : offeredProtocolItems(request)) {
                if (item.size() > source.name.size() && item.startsWith(source.name))
                    found.append({ source, item.mid(source.name.size()), item });
            }
            break;
        }
    }
    return found;
}

QList<QByteArray> credentialProtocolItems(const HttpRequest& request, const QList<CredentialSource>& sources)
{
    QList<QByteArray> items;
    for (const PresentedCredential& c : presentedCredentials(request, sources)) {
        if (!c.protocolItem.isEmpty())
            items.append(c.protocolItem);
    }
    return items;
}

QList<CredentialSource> credentialSourcesOf(const ServerPolicy& policy)
{
    QList<CredentialSource> sources;
    for (const QByteArray& word : policy.tokenFrom) {
        if (const auto source = parseCredentialSource(word))
            sources.append(*source);
    }
    return sources;
}

QByteArray requestLineForLog(const QByteArray& requestLine, const ServerPolicy& policy)
{
    if (!policy.authenticationRequired())
        return requestLine;
    QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() >= 2)
        parts[1] = targetWithoutCredentials(parts[1], credentialSourcesOf(policy));
    return parts.join(' ');
}

QByteArray targetWithoutCredentials(const QByteArray& target, const QList<CredentialSource>& sources)
{
    const qsizetype q = target.indexOf('?');
    if (q < 0)
        return target;
    QList<QByteArray> pairs = target.mid(q + 1).split('&');
    for (QByteArray& pair : pairs) {
        const qsizetype eq = pair.indexOf('=');
        const QByteArray name = eq < 0 ? pair : pair.left(eq);
        for (const CredentialSource& source : sources) {
            if (source.kind == CredentialSource::Kind::Query && source.name == name && eq >= 0)
                pair = name + "=<hidden>";
        }
    }
    return target.left(q + 1) + pairs.join('&');
}

QJsonValue userToJson(const std::optional<AuthenticatedUser>& user)
{
    if (!user)
        return QJsonValue::Null;
    QJsonObject o;
    o.insert(QStringLiteral("name"), user->name);
    o.insert(QStringLiteral("source"), user->source);
    o.insert(QStringLiteral("roles"), QJsonArray::fromStringList(user->roles));
    o.insert(QStringLiteral("claims"), user->claims);
    o.insert(QStringLiteral("expires"), user->expires ? QJsonValue(double(*user->expires)) : QJsonValue::Null);
    return o;
}

std::optional<AuthenticatedUser> userFromJson(const QJsonValue& value)
{
    if (!value.isObject())
        return std::nullopt;
    const QJsonObject o = value.toObject();
    AuthenticatedUser user;
    user.name = o.value(QStringLiteral("name")).toString();
    user.source = o.value(QStringLiteral("source")).toString();
    for (const QJsonValue& role : o.value(QStringLiteral("roles")).toArray())
        user.roles.append(role.toString());
    user.claims = o.value(QStringLiteral("claims")).toObject();
    if (o.value(QStringLiteral("expires")).isDouble())
        user.expires = qint64(o.value(QStringLiteral("expires")).toDouble());
    return user;
}

bool sameSecret(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::optional<UserToken> parseUserToken(QByteArrayView item, QString* problem)
{
    const qsizetype eq = item.lastIndexOf('=');
    if (eq <= 0 || eq + 1 >= item.size()) {
        if (problem)
            *problem = QStringLiteral("is not TOKEN=NAME with both parts given");
        return std::nullopt;
    }
    return UserToken { item.first(eq).toByteArray(), QString::fromUtf8(item.sliced(eq + 1)) };
}

JwtKeysResult jwtKeysFor(const ServerPolicy& policy, const QByteArray& keyFileBytes)
{
    auto keys = std::make_shared<JwtKeySet>();
    keys->setHmacSecret(policy.jwtSecret);
    if (!policy.jwtKeyFile.isEmpty()) {
        if (const QString error = keys->loadPublicKeys(keyFileBytes); !error.isEmpty())
            return { nullptr, QStringLiteral("JWT key file %1: %2").arg(QString::fromUtf8(policy.jwtKeyFile), error) };
    }
    return { std::move(keys), {} };
}

JwtRules jwtRulesFor(const ServerPolicy& policy, qint64 nowSeconds)
{
    JwtRules rules;
    rules.issuer = QString::fromUtf8(policy.jwtIssuer);
    rules.audience = QString::fromUtf8(policy.jwtAudience);
    rules.leewaySeconds = policy.jwtLeewaySeconds;
    rules.userClaim = QString::fromUtf8(policy.jwtUserClaim);
    rules.nowSeconds = nowSeconds;
    return rules;
}

QByteArray welcomeMessage(const std::optional<AuthenticatedUser>& user, const QByteArray& protocol)
{
    QJsonObject o;
    o.insert(QStringLiteral("user"), user ? QJsonValue(user->name) : QJsonValue::Null);
    o.insert(
        QStringLiteral("protocol"), protocol.isEmpty() ? QJsonValue::Null : QJsonValue(QString::fromUtf8(protocol)));
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

std::optional<qint64> secondsUntilExpiry(const std::optional<AuthenticatedUser>& user, qint64 nowSeconds)
{
    if (!user || !user->expires)
        return std::nullopt;
    return qMax<qint64>(0, *user->expires - nowSeconds);
}

bool looksLikeJwt(QByteArrayView credential)
{
    return credential.count('.') == 2;
}

void LoginSessions::add(const QByteArray& id, const LoginSession& session)
{
    m_sessions.insert(id, session);
    m_order.push_back(id);
    while (m_sessions.size() > kMaxLoginSessions && !m_order.empty()) {
        m_sessions.remove(m_order.front());
        m_order.pop_front();
    }
    // Ids removed by logout linger in the order list; keep it from outgrowing the table.
    if (m_order.size() > size_t(2 * kMaxLoginSessions)) {
        std::erase_if(m_order, [this](const QByteArray& kept) { return !m_sessions.contains(kept); });
    }
}

void LoginSessions::remove(const QByteArray& id)
{
    m_sessions.remove(id);
}

const LoginSession* LoginSessions::find(QByteArrayView id) const
{
    const auto it = m_sessions.constFind(id.toByteArray());
    return it == m_sessions.cend() ? nullptr : &*it;
}

QByteArray sameSiteAttribute(CookieSameSite sameSite)
{
    switch (sameSite) {
    case CookieSameSite::Lax:
        return "SameSite=Lax";
    case CookieSameSite::Strict:
        return "SameSite=Strict";
    case CookieSameSite::None:
        return "SameSite=None";
    }
    return {};
}

} // namespace wsi
