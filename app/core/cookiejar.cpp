#include "core/cookiejar.h"

#include "core/authentication.h"
#include "core/checks.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QTimeZone>
#include <algorithm>

namespace wsi
{

namespace
{
QString text(QByteArrayView bytes)
{
    return QString::fromUtf8(bytes);
}

bool isSecureScheme(const QString& scheme)
{
    return scheme == QLatin1String("https") || scheme == QLatin1String("wss");
}

bool isWebScheme(const QString& scheme)
{
    return isSecureScheme(scheme) || scheme == QLatin1String("http") || scheme == QLatin1String("ws");
}

// An IPv4 literal (four numbers) or an IPv6 one (QUrl gives it without brackets, so any colon tells).
bool isIpAddress(const QString& host)
{
    if (host.contains(QLatin1Char(':')))
        return true;
    const QStringList parts = host.split(QLatin1Char('.'));
    return parts.size() == 4 && std::all_of(parts.cbegin(), parts.cend(), [](const QString& part) {
        bool ok = false;
        return !part.isEmpty() && part.toUInt(&ok) <= 255 && ok;
    });
}

// RFC 6265 §5.1.3: the host is the domain, or a name ending in "." + domain (never an IP address).
bool domainMatches(const QString& host, const QString& domain)
{
    if (host == domain)
        return true;
    return !isIpAddress(host) && host.endsWith(QLatin1Char('.') + domain);
}

// RFC 6265 §5.1.4: the directory of the URL's path.
QString defaultPath(const QUrl& url)
{
    const QString path = url.path(QUrl::FullyEncoded);
    if (!path.startsWith(QLatin1Char('/')))
        return QStringLiteral("/");
    const qsizetype lastSlash = path.lastIndexOf(QLatin1Char('/'));
    return lastSlash == 0 ? QStringLiteral("/") : path.left(lastSlash);
}

// RFC 6265 §5.1.4: the cookie's path is the request's path or a directory above it.
bool pathMatches(const QString& requestPath, const QString& cookiePath)
{
    if (requestPath == cookiePath)
        return true;
    if (!requestPath.startsWith(cookiePath))
        return false;
    return cookiePath.endsWith(QLatin1Char('/')) || requestPath.at(cookiePath.size()) == QLatin1Char('/');
}

QString requestPathOf(const QUrl& url)
{
    const QString path = url.path(QUrl::FullyEncoded);
    return path.isEmpty() ? QStringLiteral("/") : path;
}

// An HTTP date as servers write Expires: "Wed, 21 Oct 2026 07:28:00 GMT" (RFC 9110 §5.6.7), or the older
// "Wed, 21-Oct-2026 07:28:00 GMT". RFC 6265 §5.1.1 reads more shapes; these are what servers send.
std::optional<qint64> parseCookieDate(const QString& value)
{
    QString date = value.trimmed();
    if (date.endsWith(QLatin1String(" GMT"), Qt::CaseInsensitive) || date.endsWith(QLatin1String(" UTC")))
        date.chop(4);
    const qsizetype comma = date.indexOf(QLatin1Char(','));
    if (comma >= 0)
        date = date.mid(comma + 1).trimmed(); // the weekday adds nothing
    const QLocale c = QLocale::c();
    for (const QString& format : { QStringLiteral("d MMM yyyy hh:mm:ss"), QStringLiteral("d-MMM-yyyy hh:mm:ss"),
             QStringLiteral("d-MMM-yy hh:mm:ss") }) {
        QDateTime parsed = c.toDateTime(date, format);
        if (parsed.isValid()) {
            if (format.contains(QLatin1String("yy")) && !format.contains(QLatin1String("yyyy"))
                && parsed.date().year() < 1970)
                parsed = parsed.addYears(100); // two-digit years 00-69 are 2000-2069 (§5.1.1 step 3)
            return QDateTime(parsed.date(), parsed.time(), QTimeZone::utc()).toSecsSinceEpoch();
        }
    }
    return std::nullopt;
}

QString utcText(qint64 seconds)
{
    return QDateTime::fromSecsSinceEpoch(seconds, QTimeZone::utc()).toString(QStringLiteral("yyyy-MM-dd hh:mm:ss"))
        + QStringLiteral(" UTC");
}

SetCookieResult refused(const QString& why)
{
    SetCookieResult result;
    result.refusal = QStringLiteral("refused: ") + why;
    return result;
}
} // namespace

bool isLoopbackHost(const QString& host)
{
    const QString h = host.toLower();
    if (h == QLatin1String("localhost") || h.endsWith(QLatin1String(".localhost")))
        return true;
    if (h == QLatin1String("::1") || h == QLatin1String("0:0:0:0:0:0:0:1"))
        return true;
    return isIpAddress(h) && h.startsWith(QLatin1String("127."));
}

SetCookieResult parseSetCookie(QByteArrayView header, const QUrl& from, qint64 nowSeconds)
{
    const QString scheme = from.scheme().toLower();
    const QString host = from.host().toLower();
    if (!from.isValid() || !isWebScheme(scheme) || host.isEmpty())
        return refused(QStringLiteral("a cookie comes from an http:// or https:// URL with a host, not \"%1\"")
                           .arg(from.toString()));
    for (char c : header) {
        if ((quint8(c) < 0x20 && c != '\t') || c == 0x7f)
            return refused(QStringLiteral("the header holds a control character"));
    }

    // §5.2 steps 1-5: the name=value pair is everything before the first ';'.
    const QByteArray whole = header.toByteArray();
    const qsizetype semicolon = whole.indexOf(';');
    const QByteArray pair = semicolon < 0 ? whole : whole.left(semicolon);
    const qsizetype eq = pair.indexOf('=');
    if (eq < 0)
        return refused(QStringLiteral("there is no name=value pair before the first ';'"));
    Cookie cookie;
    cookie.name = pair.left(eq).trimmed();
    cookie.value = pair.mid(eq + 1).trimmed();
    if (cookie.name.isEmpty())
        return refused(QStringLiteral("the cookie has no name"));
    // RFC 6265bis §5.6 step 4: name and value together are at most 4096 bytes.
    if (cookie.name.size() + cookie.value.size() > 4096)
        return refused(QStringLiteral("name and value are longer than 4096 bytes together"));

    SetCookieResult result;
    std::optional<qint64> maxAgeExpiry, expiresExpiry;
    QString domainAttribute;
    bool pathGiven = false;
    // §5.2.x: each attribute is read on its own; a later one of the same name overrides an earlier one.
    const QList<QByteArray> attributes = semicolon < 0 ? QList<QByteArray> {} : whole.mid(semicolon + 1).split(';');
    for (const QByteArray& attribute : attributes) {
        const qsizetype aeq = attribute.indexOf('=');
        const QByteArray name = (aeq < 0 ? attribute : attribute.left(aeq)).trimmed().toLower();
        const QByteArray value = aeq < 0 ? QByteArray() : attribute.mid(aeq + 1).trimmed();
        if (name == "expires") { // §5.2.1
            expiresExpiry = parseCookieDate(text(value));
            if (!expiresExpiry)
                result.notes.append(QStringLiteral("Expires \"%1\" is not a date: ignored").arg(text(value)));
        } else if (name == "max-age") { // §5.2.2
            bool ok = false;
            const qint64 seconds = value.toLongLong(&ok);
            if (!ok || value.startsWith('+')) {
                result.notes.append(
                    QStringLiteral("Max-Age \"%1\" is not a number of seconds: ignored").arg(text(value)));
                continue;
            }
            maxAgeExpiry = seconds <= 0 ? qint64(0) : nowSeconds + seconds;
        } else if (name == "domain") { // §5.2.3
            domainAttribute = text(value).toLower();
            if (domainAttribute.startsWith(QLatin1Char('.')))
                domainAttribute.remove(0, 1);
        } else if (name == "path") { // §5.2.4
            pathGiven = value.startsWith('/');
            cookie.path = pathGiven ? text(value) : defaultPath(from);
        } else if (name == "secure") { // §5.2.5
            cookie.secure = true;
        } else if (name == "httponly") { // §5.2.6
            cookie.httpOnly = true;
        } else if (name == "samesite") { // RFC 6265bis §5.6.7
            const QByteArray word = value.toLower();
            cookie.sameSiteGiven = word == "lax" || word == "strict" || word == "none";
            cookie.sameSite = word == "strict" ? CookieSameSite::Strict
                : word == "none"               ? CookieSameSite::None
                                               : CookieSameSite::Lax;
            if (!cookie.sameSiteGiven)
                result.notes.append(
                    QStringLiteral("SameSite \"%1\" is not Lax, Strict or None: Lax by default").arg(text(value)));
        } else if (!name.isEmpty()) {
            result.notes.append(QStringLiteral("attribute %1 is not one a browser reads: ignored").arg(text(name)));
        }
    }
    if (!pathGiven)
        cookie.path = defaultPath(from);
    // §5.3 step 3: Max-Age wins over Expires.
    cookie.expires = maxAgeExpiry ? maxAgeExpiry : expiresExpiry;

    // §5.3 step 6: with a Domain the cookie goes to that domain and its subdomains, if the host is in it.
    if (domainAttribute.isEmpty()) {
        cookie.domain = host;
        cookie.hostOnly = true;
    } else {
        if (!domainMatches(host, domainAttribute))
            return refused(
                QStringLiteral("Domain=%1 does not cover the host %2 it came from").arg(domainAttribute, host));
        if (domainAttribute != host && !domainAttribute.contains(QLatin1Char('.')))
            return refused(
                QStringLiteral("Domain=%1 is a top-level name; browsers refuse a public suffix").arg(domainAttribute));
        cookie.domain = domainAttribute;
        cookie.hostOnly = false;
    }

    const bool secureOrigin = isSecureScheme(scheme) || isLoopbackHost(host);
    // RFC 6265bis §5.6 step 14: only a secure origin may set a Secure cookie.
    if (cookie.secure && !secureOrigin)
        return refused(QStringLiteral("Secure, but %1://%2 is not TLS").arg(scheme, host));
    // RFC 6265bis §5.6 step 15: SameSite=None only together with Secure.
    if (cookie.sameSiteGiven && cookie.sameSite == CookieSameSite::None && !cookie.secure)
        return refused(QStringLiteral("SameSite=None needs Secure"));
    // RFC 6265bis §4.1.3: names that promise how the cookie was set.
    if (cookie.name.startsWith("__Secure-") && !cookie.secure)
        return refused(QStringLiteral("a name starting __Secure- needs Secure"));
    if (cookie.name.startsWith("__Host-") && (!cookie.secure || !cookie.hostOnly || cookie.path != QLatin1String("/")))
        return refused(QStringLiteral("a name starting __Host- needs Secure, Path=/ and no Domain"));
    result.cookie = cookie;
    return result;
}

void CookieJar::add(const Cookie& cookie, qint64 nowSeconds)
{
    const auto same = std::find_if(m_cookies.begin(), m_cookies.end(), [&cookie](const Cookie& stored) {
        return stored.name == cookie.name && stored.domain == cookie.domain && stored.path == cookie.path;
    });
    const bool expired = cookie.expires && *cookie.expires <= nowSeconds;
    if (same != m_cookies.end()) {
        if (expired)
            m_cookies.erase(same);
        else
            *same = cookie;
        return;
    }
    if (expired)
        return;
    m_cookies.append(cookie);
    if (m_cookies.size() > kMaxCookies)
        m_cookies.removeFirst();
}

void CookieJar::removeExpired(qint64 nowSeconds)
{
    m_cookies.removeIf([nowSeconds](const Cookie& c) { return c.expires && *c.expires <= nowSeconds; });
}

QList<CookieSendDecision> cookiesForHandshake(const CookieJar& jar, const QUrl& wsUrl, QByteArrayView pageOrigin,
    qint64 nowSeconds, const QList<QByteArray>& namesAlreadySent)
{
    const QString scheme = wsUrl.scheme().toLower();
    const QString host = wsUrl.host().toLower();
    const QString path = requestPathOf(wsUrl);
    const bool usable = wsUrl.isValid() && isWebScheme(scheme) && !host.isEmpty();
    const bool tls = isSecureScheme(scheme);
    const QByteArray origin = pageOrigin.trimmed().toByteArray();
    // A WebSocket handshake is never a top-level navigation, so Lax keeps a cookie off it just as Strict does.
    const bool crossSite = !origin.isEmpty() && usable && isCrossSite(origin, wsUrl);

    QList<CookieSendDecision> decisions;
    for (const Cookie& cookie : jar.cookies()) {
        CookieSendDecision d { cookie, false, {} };
        const QString attribute = QString::fromLatin1(sameSiteAttribute(cookie.sameSite))
            + (cookie.sameSiteGiven ? QString() : QStringLiteral(" (by default)"));
        if (!usable) {
            d.reason = QStringLiteral("not sent: the handshake URL is not a ws:// or wss:// URL with a host");
        } else if (cookie.expires && *cookie.expires <= nowSeconds) {
            d.reason = QStringLiteral("not sent: expired at %1").arg(utcText(*cookie.expires));
        } else if (cookie.hostOnly && host != cookie.domain) {
            d.reason
                = QStringLiteral("not sent: host-only for %1, and the handshake goes to %2").arg(cookie.domain, host);
        } else if (!cookie.hostOnly && !domainMatches(host, cookie.domain)) {
            d.reason = QStringLiteral("not sent: domain %1 does not cover %2").arg(cookie.domain, host);
        } else if (!pathMatches(path, cookie.path)) {
            d.reason = QStringLiteral("not sent: path %1 does not cover %2").arg(cookie.path, path);
        } else if (cookie.secure && !tls && !isLoopbackHost(host)) {
            d.reason = QStringLiteral("not sent: Secure, and %1:// is not TLS").arg(scheme);
        } else if (crossSite && cookie.sameSite != CookieSameSite::None) {
            d.reason = QStringLiteral("not sent: %1, and the page's origin %2 is another site than %3")
                           .arg(attribute, text(origin), siteOf(host));
        } else if (namesAlreadySent.contains(cookie.name)) {
            d.reason = QStringLiteral("not sent: the request's own Cookie already has %1, and what is typed wins")
                           .arg(text(cookie.name));
        } else {
            d.sent = true;
            d.reason = cookie.hostOnly ? QStringLiteral("sent: host %1 and path %2 match").arg(host, cookie.path)
                                       : QStringLiteral("sent: domain %1 covers %2, and path %3 matches")
                                             .arg(cookie.domain, host, cookie.path);
            if (cookie.secure)
                d.reason += tls
                    ? QStringLiteral("; Secure, over TLS")
                    : QStringLiteral("; Secure, and %1 is loopback, which browsers trust like TLS").arg(host);
            if (crossSite)
                d.reason
                    += QStringLiteral("; SameSite=None lets the page of another site (%1) bring it").arg(text(origin));
        }
        decisions.append(d);
    }
    return decisions;
}

QByteArray cookieHeaderValue(const QList<CookieSendDecision>& decisions)
{
    QList<const Cookie*> sent;
    for (const CookieSendDecision& d : decisions) {
        if (d.sent)
            sent.append(&d.cookie);
    }
    std::stable_sort(
        sent.begin(), sent.end(), [](const Cookie* a, const Cookie* b) { return a->path.size() > b->path.size(); });
    QList<QByteArray> pairs;
    for (const Cookie* c : sent)
        pairs.append(c->name + '=' + c->value);
    return pairs.join("; ");
}

QList<QByteArray> cookieNames(QByteArrayView cookieHeader)
{
    QList<QByteArray> names;
    for (const QByteArray& pair : cookieHeader.toByteArray().split(';')) {
        const QByteArray name = pair.left(pair.indexOf('=')).trimmed(); // empty when there is no '='
        if (!name.isEmpty())
            names.append(name);
    }
    return names;
}

LoginOutcome storeLoginAnswer(CookieJar& jar, const QUrl& from, int status, QByteArrayView reason,
    const QList<QByteArray>& setCookies, QByteArrayView body, qint64 nowSeconds)
{
    LoginOutcome outcome;
    QStringList refusals;
    for (const QByteArray& header : setCookies) {
        const SetCookieResult result = parseSetCookie(header, from, nowSeconds);
        const QByteArray pair = header.indexOf(';') < 0 ? header : header.left(header.indexOf(';'));
        const QString name = text((pair.indexOf('=') < 0 ? pair : pair.left(pair.indexOf('='))).trimmed());
        if (!result.ok()) {
            refusals.append(QStringLiteral("%1 (%2)").arg(name, result.refusal.section(QStringLiteral(": "), 1)));
            outcome.cookieNotes.append(QStringLiteral("%1: %2").arg(name, result.refusal));
            continue;
        }
        jar.add(*result.cookie, nowSeconds);
        ++outcome.stored;
        outcome.cookieNotes.append(QStringLiteral("%1: stored").arg(name));
        for (const QString& note : result.notes)
            outcome.cookieNotes.append(QStringLiteral("%1: %2").arg(name, note));
    }
    const QJsonObject json = QJsonDocument::fromJson(body.toByteArray()).object();
    outcome.loggedIn = status >= 200 && status < 300;
    const QString statusText = QStringLiteral("%1 %2").arg(status).arg(text(reason));
    if (outcome.loggedIn) {
        const QString user = json.value(QStringLiteral("user")).toString();
        QStringList roles;
        for (const QJsonValue& role : json.value(QStringLiteral("roles")).toArray())
            roles.append(role.toString());
        outcome.summary = user.isEmpty() ? QStringLiteral("Logged in (%1)").arg(statusText)
            : roles.isEmpty()
            ? QStringLiteral("Logged in as %1 (no roles)").arg(user)
            : QStringLiteral("Logged in as %1 (roles: %2)").arg(user, roles.join(QStringLiteral(", ")));
    } else {
        QString why = json.value(QStringLiteral("error")).toString();
        if (why.isEmpty() && !body.isEmpty() && json.isEmpty())
            why = text(body.first(std::min<qsizetype>(body.size(), 200))).simplified();
        outcome.summary = why.isEmpty() ? QStringLiteral("Not logged in: %1").arg(statusText)
                                        : QStringLiteral("Not logged in: %1: %2").arg(statusText, why);
    }
    const qsizetype set = setCookies.size();
    if (set == 0)
        outcome.summary += outcome.loggedIn
            ? QStringLiteral("; the server set no cookie, so the handshake has nothing to carry from this login")
            : QString();
    else
        outcome.summary += QStringLiteral("; the server set %1 %2")
                               .arg(set)
                               .arg(set == 1 ? QStringLiteral("cookie") : QStringLiteral("cookies"));
    if (!refusals.isEmpty())
        outcome.summary += QStringLiteral(", but the jar refused %1").arg(refusals.join(QStringLiteral(", ")));
    return outcome;
}

QUrl loginUrlFor(const QUrl& wsUrl)
{
    const QString scheme = wsUrl.scheme().toLower();
    if (!wsUrl.isValid() || wsUrl.host().isEmpty() || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")))
        return {};
    QUrl login;
    login.setScheme(scheme == QLatin1String("wss") ? QStringLiteral("https") : QStringLiteral("http"));
    login.setHost(wsUrl.host());
    login.setPort(wsUrl.port());
    login.setPath(QStringLiteral("/login"));
    return login;
}

QString sameSiteText(const Cookie& cookie)
{
    const QString word = QString::fromLatin1(sameSiteAttribute(cookie.sameSite)).section(QLatin1Char('='), 1);
    return cookie.sameSiteGiven ? word : word + QStringLiteral(" (by default)");
}

} // namespace wsi
