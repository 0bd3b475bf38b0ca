#include "core/checks.h"

#include "core/deflatenegotiation.h"
#include "core/extensions.h"
#include "core/handshake.h"

#include <algorithm>
#include <optional>

namespace wsi
{

namespace
{

QString requestSection()
{
    return QStringLiteral("RFC 6455 §4.2.1");
}

QString responseSection()
{
    return QStringLiteral("RFC 6455 §4.1");
}

QString browserHandshakeReference()
{
    return QStringLiteral("RFC 6455 §4.1; WHATWG WebSockets Standard, establish a WebSocket connection");
}

QString text(QByteArrayView bytes)
{
    return QString::fromLatin1(bytes);
}

Finding finding(const char* id, Severity severity, QString message, QString rfc, QByteArray header = {})
{
    return Finding { QString::fromLatin1(id), severity, std::move(message), std::move(rfc), std::move(header) };
}

Finding pass(const char* id, QString message, QString rfc, QByteArray header = {})
{
    return finding(id, Severity::Pass, std::move(message), std::move(rfc), std::move(header));
}

Finding fail(const char* id, QString message, QString rfc, QByteArray header = {})
{
    return finding(id, Severity::Error, std::move(message), std::move(rfc), std::move(header));
}

bool isAtLeastHttp11(QByteArrayView version)
{
    const auto isDigit = [](char c) { return c >= '0' && c <= '9'; };
    if (version.size() != 8 || !version.startsWith("HTTP/") || !isDigit(version[5]) || version[6] != '.'
        || !isDigit(version[7]))
        return false;
    const int major = version[5] - '0';
    const int minor = version[7] - '0';
    return major > 1 || (major == 1 && minor >= 1);
}

Finding checkMethod(const HttpRequest& request)
{
    if (request.method == "GET")
        return pass("request.method", QStringLiteral("The method is GET."), requestSection());
    return fail("request.method",
        QStringLiteral("The method must be GET, got %1; a server answers 400 or 405.").arg(text(request.method)),
        requestSection());
}

Finding checkVersion(const HttpRequest& request)
{
    if (isAtLeastHttp11(request.version))
        return pass(
            "request.version", QStringLiteral("%1 is HTTP/1.1 or later.").arg(text(request.version)), requestSection());
    return fail("request.version",
        QStringLiteral("The handshake needs HTTP/1.1 or later, got %1.").arg(text(request.version)), requestSection());
}

Finding checkTarget(const HttpRequest& request)
{
    // §3/§4.1: the resource name is an origin-form path (or an absolute ws/wss URI, §4.2.1 item 1).
    const QByteArray& target = request.target;
    if (target.startsWith('/') || target.startsWith("ws://") || target.startsWith("wss://"))
        return pass("request.target", QStringLiteral("The resource name %1 is well formed.").arg(text(target)),
            QStringLiteral("RFC 6455 §3"));
    return fail("request.target",
        QStringLiteral("The request target %1 is neither a path starting with / nor a ws:// or wss:// URI.")
            .arg(text(target)),
        QStringLiteral("RFC 6455 §3"));
}

Finding checkHost(const HttpRequest& request)
{
    const int count = request.headers.count("Host");
    if (count == 0)
        return fail("request.host", QStringLiteral("The Host header is missing; a server answers 400."),
            requestSection(), "Host");
    if (count > 1)
        return fail("request.host", QStringLiteral("Host appears %1 times; it must appear exactly once.").arg(count),
            QStringLiteral("RFC 9112 §3.2"), "Host");
    if (request.headers.value("Host").isEmpty())
        return fail("request.host", QStringLiteral("The Host header is empty."), requestSection(), "Host");
    return pass("request.host", QStringLiteral("Host is %1.").arg(text(request.headers.value("Host"))),
        requestSection(), "Host");
}

// A server accepts "websocket" among other Upgrade tokens (§4.2.1 item 3); a client requires the
// value to be exactly "websocket" in any letter case (§4.1).
bool upgradesToWebSocket(const HeaderList& headers, bool exact)
{
    if (!exact)
        return headerHasToken(headers, "Upgrade", "websocket");
    const QList<QByteArray> values = headers.values("Upgrade");
    return values.size() == 1 && values.front().compare("websocket", Qt::CaseInsensitive) == 0;
}

Finding checkUpgradeToken(const char* id, const HeaderList& headers, const QString& section, bool exact)
{
    if (upgradesToWebSocket(headers, exact))
        return pass(id, QStringLiteral("Upgrade names websocket."), section, "Upgrade");
    if (!headers.contains("Upgrade"))
        return fail(id, QStringLiteral("The Upgrade header is missing; it must be \"websocket\"."), section, "Upgrade");
    return fail(id,
        (exact ? QStringLiteral("Upgrade is \"%1\"; it must be exactly websocket (any letter case).")
               : QStringLiteral("Upgrade is \"%1\"; it must contain websocket (any letter case)."))
            .arg(text(headers.combined("Upgrade"))),
        section, "Upgrade");
}

Finding checkConnectionToken(const char* id, const HeaderList& headers, const QString& section)
{
    if (headerHasToken(headers, "Connection", "Upgrade"))
        return pass(id, QStringLiteral("Connection lists the Upgrade token."), section, "Connection");
    if (!headers.contains("Connection"))
        return fail(id, QStringLiteral("The Connection header is missing; it must list the token Upgrade."), section,
            "Connection");
    return fail(id,
        QStringLiteral("Connection is \"%1\"; it must list the token Upgrade (e.g. \"keep-alive, Upgrade\").")
            .arg(text(headers.combined("Connection"))),
        section, "Connection");
}

Finding checkKey(const HttpRequest& request)
{
    const QList<QByteArray> keys = request.headers.values("Sec-WebSocket-Key");
    if (keys.isEmpty())
        return fail(
            "request.key", QStringLiteral("Sec-WebSocket-Key is missing."), requestSection(), "Sec-WebSocket-Key");
    if (keys.size() > 1)
        return fail("request.key",
            QStringLiteral("Sec-WebSocket-Key appears %1 times; it must appear once.").arg(keys.size()),
            QStringLiteral("RFC 6455 §11.3.1"), "Sec-WebSocket-Key");
    if (!isValidKey(keys.front()))
        return fail("request.key",
            QStringLiteral("Sec-WebSocket-Key \"%1\" is not base64 of 16 bytes (24 characters ending in ==).")
                .arg(text(keys.front())),
            requestSection(), "Sec-WebSocket-Key");
    return pass("request.key", QStringLiteral("Sec-WebSocket-Key is base64 of 16 bytes."), requestSection(),
        "Sec-WebSocket-Key");
}

Finding checkWebSocketVersion(const HttpRequest& request)
{
    const QList<QByteArray> versions = request.headers.values("Sec-WebSocket-Version");
    if (versions.size() == 1 && versions.front() == "13")
        return pass("request.websocket-version", QStringLiteral("Sec-WebSocket-Version is 13."), requestSection(),
            "Sec-WebSocket-Version");
    const QString got = versions.isEmpty()
        ? QStringLiteral("missing")
        : QStringLiteral("\"%1\"").arg(text(request.headers.combined("Sec-WebSocket-Version")));
    return fail("request.websocket-version",
        QStringLiteral("Sec-WebSocket-Version is %1; it must be 13. A server answers 426 Upgrade Required with "
                       "Sec-WebSocket-Version: 13.")
            .arg(got),
        QStringLiteral("RFC 6455 §4.2.2, §4.4"), "Sec-WebSocket-Version");
}

Finding describeOrigin(const HttpRequest& request)
{
    const QByteArray origin = request.headers.value("Origin");
    if (origin.isNull())
        return finding("request.origin", Severity::Info,
            QStringLiteral("No Origin header: the client is not a browser page, or hides where it comes from."),
            QStringLiteral("RFC 6455 §4.2.1, §10.2"), "Origin");
    return finding("request.origin", Severity::Info,
        QStringLiteral("Origin is %1; CORS does not protect WebSockets, so a server should compare it with an "
                       "allowlist and answer 403 otherwise.")
            .arg(text(origin)),
        QStringLiteral("RFC 6455 §10.2"), "Origin");
}

Finding checkOfferedProtocols(const HttpRequest& request)
{
    const QByteArray offered = request.headers.combined("Sec-WebSocket-Protocol");
    if (offered.isNull())
        return pass(
            "request.protocol", QStringLiteral("No subprotocols offered."), requestSection(), "Sec-WebSocket-Protocol");
    const TokenList list = parseTokenList(offered);
    if (!list.ok())
        return fail("request.protocol",
            QStringLiteral("Sec-WebSocket-Protocol \"%1\" is not a list of tokens: %2 at offset %3.")
                .arg(text(offered), list.error)
                .arg(list.errorOffset),
            QStringLiteral("RFC 6455 §4.1"), "Sec-WebSocket-Protocol");
    for (qsizetype i = 0; i < list.tokens.size(); ++i) {
        if (list.tokens.indexOf(list.tokens[i]) != i)
            return fail("request.protocol",
                QStringLiteral("Subprotocol %1 is offered twice; offered values must be unique.")
                    .arg(text(list.tokens[i])),
                QStringLiteral("RFC 6455 §4.1"), "Sec-WebSocket-Protocol");
    }
    return pass("request.protocol", QStringLiteral("Subprotocols offered: %1.").arg(text(list.tokens.join(", "))),
        QStringLiteral("RFC 6455 §4.1"), "Sec-WebSocket-Protocol");
}

Finding checkOfferedExtensions(const HttpRequest& request)
{
    if (!request.headers.contains("Sec-WebSocket-Extensions"))
        return pass("request.extensions", QStringLiteral("No extensions offered."), requestSection(),
            "Sec-WebSocket-Extensions");
    const ExtensionList list = parseExtensions(request.headers);
    if (!list.ok())
        return fail("request.extensions",
            QStringLiteral("Sec-WebSocket-Extensions does not follow the grammar: %1 at offset %2.")
                .arg(list.error)
                .arg(list.errorOffset),
            QStringLiteral("RFC 6455 §9.1"), "Sec-WebSocket-Extensions");
    return pass("request.extensions",
        QStringLiteral("Extensions offered: %1.").arg(text(serializeExtensions(list.extensions))),
        QStringLiteral("RFC 6455 §9.1"), "Sec-WebSocket-Extensions");
}

Finding checkStatus(const HttpResponse& response)
{
    if (response.status == 101)
        return pass("response.status", QStringLiteral("101 Switching Protocols."), responseSection());
    QString message = QStringLiteral("The server answered %1 %2: a plain HTTP response, not a switch to WebSocket, "
                                     "so the connection fails; its headers and body tell why.")
                          .arg(response.status)
                          .arg(text(response.reason));
    const QByteArray versions = response.headers.combined("Sec-WebSocket-Version");
    if (!versions.isNull())
        message += QStringLiteral(" It speaks Sec-WebSocket-Version %1 (§4.4).").arg(text(versions));
    const QByteArray location = response.headers.value("Location");
    if (!location.isNull())
        message += QStringLiteral(" It redirects to %1.").arg(text(location));
    return fail("response.status", message, responseSection());
}

Finding checkAccept(const HttpRequest& request, const HttpResponse& response)
{
    const QList<QByteArray> accepts = response.headers.values("Sec-WebSocket-Accept");
    if (accepts.isEmpty())
        return fail("response.accept", QStringLiteral("Sec-WebSocket-Accept is missing."), responseSection(),
            "Sec-WebSocket-Accept");
    if (accepts.size() > 1)
        return fail("response.accept",
            QStringLiteral("Sec-WebSocket-Accept appears %1 times; it must appear once.").arg(accepts.size()),
            QStringLiteral("RFC 6455 §11.3.3"), "Sec-WebSocket-Accept");
    const QByteArray key = request.headers.value("Sec-WebSocket-Key");
    if (key.isNull())
        return fail("response.accept",
            QStringLiteral("The request sent no Sec-WebSocket-Key, so Sec-WebSocket-Accept cannot be verified."),
            responseSection(), "Sec-WebSocket-Accept");
    const QByteArray expected = computeAccept(key);
    if (accepts.front() != expected)
        return fail("response.accept",
            QStringLiteral("Sec-WebSocket-Accept is wrong: expected %1, got %2.")
                .arg(text(expected), text(accepts.front())),
            responseSection(), "Sec-WebSocket-Accept");
    return pass("response.accept",
        QStringLiteral("Sec-WebSocket-Accept %1 matches base64(SHA-1(key + GUID)).").arg(text(expected)),
        responseSection(), "Sec-WebSocket-Accept");
}

Finding checkSelectedProtocol(const HttpRequest& request, const HttpResponse& response)
{
    const QList<QByteArray> selected = response.headers.values("Sec-WebSocket-Protocol");
    const TokenList offered = parseTokenList(request.headers.combined("Sec-WebSocket-Protocol"));
    if (selected.isEmpty())
        return pass("response.protocol", QStringLiteral("No subprotocol selected."), responseSection(),
            "Sec-WebSocket-Protocol");
    if (selected.size() > 1)
        return fail("response.protocol",
            QStringLiteral("Sec-WebSocket-Protocol appears %1 times in the response; it may appear only once.")
                .arg(selected.size()),
            QStringLiteral("RFC 6455 §11.3.4"), "Sec-WebSocket-Protocol");
    const QByteArray& value = selected.front();
    if (value.isEmpty())
        return fail("response.protocol",
            QStringLiteral("Sec-WebSocket-Protocol is empty; an empty value is not \"none\": a server that selects "
                           "no subprotocol must leave the header out."),
            QStringLiteral("RFC 6455 §4.1, §4.2.2"), "Sec-WebSocket-Protocol");
    if (!offered.tokens.contains(value))
        return fail("response.protocol",
            QStringLiteral("The server selected subprotocol \"%1\", which the client did not offer%2.")
                .arg(text(value),
                    offered.tokens.isEmpty() ? QString()
                                             : QStringLiteral(" (offered: %1)").arg(text(offered.tokens.join(", ")))),
            responseSection(), "Sec-WebSocket-Protocol");
    return pass("response.protocol", QStringLiteral("Subprotocol %1 selected from the offer.").arg(text(value)),
        responseSection(), "Sec-WebSocket-Protocol");
}

Finding checkBrowserProtocolRule(const HttpRequest& request, const HttpResponse& response)
{
    const bool offered = request.headers.contains("Sec-WebSocket-Protocol");
    if (!offered || response.headers.contains("Sec-WebSocket-Protocol"))
        return pass("browser.protocol-required", QStringLiteral("Browsers accept this subprotocol outcome too."),
            browserHandshakeReference(), "Sec-WebSocket-Protocol");
    return finding("browser.protocol-required", Severity::Warning,
        QStringLiteral("Subprotocols were offered and none was selected. RFC 6455 allows that (the connection "
                       "proceeds without one), but browsers fail such a connection: the WHATWG WebSockets Standard's "
                       "\"establish a WebSocket connection\" fails it when protocols were requested and the response "
                       "has no Sec-WebSocket-Protocol."),
        browserHandshakeReference(), "Sec-WebSocket-Protocol");
}

// Judges the extensions the server put in use against the client's offers.
Finding checkAcceptedExtensions(const HttpRequest& request, const HttpResponse& response)
{
    const int fields = response.headers.count("Sec-WebSocket-Extensions");
    if (fields == 0)
        return pass("response.extensions", QStringLiteral("No extensions in use."), responseSection(),
            "Sec-WebSocket-Extensions");
    if (fields > 1)
        return fail("response.extensions",
            QStringLiteral("Sec-WebSocket-Extensions appears %1 times in the response; it may appear only once.")
                .arg(fields),
            QStringLiteral("RFC 6455 §11.3.2"), "Sec-WebSocket-Extensions");
    const ExtensionList accepted = parseExtensions(response.headers);
    if (!accepted.ok())
        return fail("response.extensions",
            QStringLiteral("Sec-WebSocket-Extensions does not follow the grammar: %1 at offset %2.")
                .arg(accepted.error)
                .arg(accepted.errorOffset),
            QStringLiteral("RFC 6455 §9.1"), "Sec-WebSocket-Extensions");
    const QList<Extension> offers = parseExtensions(request.headers).extensions;
    QList<QByteArray> seen;
    for (const Extension& extension : accepted.extensions) {
        const bool wasOffered = std::any_of(
            offers.begin(), offers.end(), [&](const Extension& offer) { return offer.name == extension.name; });
        if (!wasOffered)
            return fail("response.extensions",
                QStringLiteral("The server put extension %1 in use, which the client did not offer.")
                    .arg(text(extension.name)),
                responseSection(), "Sec-WebSocket-Extensions");
        if (seen.contains(extension.name))
            return fail("response.extensions",
                QStringLiteral("Extension %1 is accepted twice.").arg(text(extension.name)), responseSection(),
                "Sec-WebSocket-Extensions");
        seen.append(extension.name);
        if (extension.name == kPermessageDeflate) {
            const DeflateResponseCheck deflate = validateDeflateResponse(extension, offers);
            if (!deflate.ok)
                return fail("response.extensions",
                    QStringLiteral("permessage-deflate response is not acceptable: %1.").arg(deflate.error),
                    QStringLiteral("RFC 7692 §7"), "Sec-WebSocket-Extensions");
        }
    }
    return pass("response.extensions",
        QStringLiteral("Extensions in use: %1.").arg(text(serializeExtensions(accepted.extensions))), responseSection(),
        "Sec-WebSocket-Extensions");
}

// Only a request that carries credentials, from a page of another origin, and that the server upgraded is the
// hijacking case; each other combination says which part is missing.
Finding checkCrossSite(const HttpRequest& request, const QUrl& url)
{
    const char* id = "response.cross-site";
    const QByteArray origin = request.headers.value("Origin");
    const QStringList credentials = requestCredentials(request);
    if (origin.isNull())
        return pass(id,
            QStringLiteral("No Origin header: not a browser page's request, so no cross-site page is involved."),
            crossSiteHijackingReferences(), "Origin");
    if (!isCrossOrigin(origin, request, url))
        return pass(id, QStringLiteral("Origin %1 is the target's own origin.").arg(text(origin)),
            crossSiteHijackingReferences(), "Origin");
    if (credentials.isEmpty())
        return pass(id,
            QStringLiteral("Origin %1 is another site, but the request carries no cookie, Authorization or token, "
                           "so that page gains nothing a stranger would not get.")
                .arg(text(origin)),
            crossSiteHijackingReferences(), "Origin");
    return finding(id, Severity::Warning,
        QStringLiteral("The server upgraded a request from another site (Origin %1) that carries credentials (%2). %3")
            .arg(text(origin), credentials.join(QStringLiteral(", ")), crossSiteHijackingExplanation()),
        crossSiteHijackingReferences(), "Origin");
}

struct OriginParts {
    QString scheme, host;
    int port = -1;
};

int defaultPort(const QString& scheme)
{
    if (scheme == QLatin1String("https") || scheme == QLatin1String("wss"))
        return 443;
    if (scheme == QLatin1String("http") || scheme == QLatin1String("ws"))
        return 80;
    return -1;
}

// ws and wss URLs belong to the same origins as http and https ones (the WHATWG URL standard's origin).
QString webScheme(const QString& scheme)
{
    if (scheme == QLatin1String("ws"))
        return QStringLiteral("http");
    if (scheme == QLatin1String("wss"))
        return QStringLiteral("https");
    return scheme;
}

std::optional<OriginParts> originOf(const QUrl& url)
{
    if (!url.isValid() || url.host().isEmpty())
        return std::nullopt;
    const QString scheme = webScheme(url.scheme().toLower());
    return OriginParts { scheme, url.host().toLower(), url.port(defaultPort(scheme)) };
}

} // namespace

QStringList requestCredentials(const HttpRequest& request)
{
    QStringList found;
    const QByteArray cookie = request.headers.combined("Cookie");
    if (!cookie.trimmed().isEmpty())
        found.append(QStringLiteral("Cookie"));
    if (request.headers.contains("Authorization"))
        found.append(QStringLiteral("Authorization"));
    const qsizetype q = request.target.indexOf('?');
    if (q >= 0) {
        static const QByteArrayView tokenNames[]
            = { "token", "access_token", "jwt", "auth", "key", "api_key", "apikey", "id_token" };
        for (const QByteArray& pair : request.target.mid(q + 1).split('&')) {
            const qsizetype eq = pair.indexOf('=');
            if (eq <= 0 || eq + 1 == pair.size())
                continue; // a name without a value carries no secret
            const QByteArray name = QByteArray::fromPercentEncoding(pair.left(eq)).toLower();
            if (std::find(std::begin(tokenNames), std::end(tokenNames), QByteArrayView(name)) != std::end(tokenNames)) {
                found.append(QStringLiteral("?%1=").arg(text(name)));
                break;
            }
        }
    }
    return found;
}

bool isCrossOrigin(QByteArrayView origin, const HttpRequest& request, const QUrl& url)
{
    const std::optional<OriginParts> from = originOf(QUrl(QString::fromLatin1(origin.trimmed()), QUrl::StrictMode));
    if (!from)
        return true; // "null" (an opaque origin) or something that is not an origin at all
    if (url.isValid() && !url.host().isEmpty()) {
        const std::optional<OriginParts> to = originOf(url);
        return !to || to->scheme != from->scheme || to->host != from->host || to->port != from->port;
    }
    // Only the request: an absolute target names everything, a Host header names host and perhaps port.
    const QByteArray& target = request.target;
    if (target.startsWith("ws://") || target.startsWith("wss://"))
        return isCrossOrigin(origin, request, QUrl(QString::fromLatin1(target)));
    const std::optional<OriginParts> host
        = originOf(QUrl(QStringLiteral("//") + QString::fromLatin1(request.headers.value("Host"))));
    if (!host || host->host != from->host)
        return true;
    if (host->port >= 0)
        return host->port != from->port;
    // No port in Host: the default port of ws (80) or wss (443), whichever was used.
    return from->port != 80 && from->port != 443;
}

QString siteOf(const QString& host)
{
    const bool ipAddress = host.contains(QLatin1Char(':'))
        || std::all_of(host.begin(), host.end(), [](QChar c) { return c.isDigit() || c == QLatin1Char('.'); });
    if (ipAddress || !host.contains(QLatin1Char('.')))
        return host;
    const QStringList labels = host.split(QLatin1Char('.'));
    return labels.mid(labels.size() - 2).join(QLatin1Char('.'));
}

bool isCrossSite(QByteArrayView origin, const QUrl& target)
{
    const std::optional<OriginParts> from = originOf(QUrl(QString::fromLatin1(origin.trimmed()), QUrl::StrictMode));
    const std::optional<OriginParts> to = originOf(target);
    if (!from || !to)
        return true;
    return from->host != to->host && siteOf(from->host) != siteOf(to->host);
}

bool isCrossSite(QByteArrayView origin, const HttpRequest& request)
{
    return isCrossSite(origin, QUrl(QStringLiteral("//") + QString::fromLatin1(request.headers.value("Host"))));
}

QString crossSiteHijackingExplanation()
{
    return QStringLiteral(
        "In cross-site WebSocket hijacking a browser attaches the user's cookies to a WebSocket handshake started by "
        "any site's page, and CORS does not apply, so another site can open this connection as the user and read "
        "the replies. Fix it on the server: check Origin against an allowlist, and do not rely on cookies alone.");
}

QString crossSiteHijackingReferences()
{
    return QStringLiteral("RFC 6455 §10.2; OWASP WebSocket Security Cheat Sheet");
}

QList<Finding> checkRequest(const HttpRequest& request)
{
    return {
        checkMethod(request),
        checkVersion(request),
        checkTarget(request),
        checkHost(request),
        checkUpgradeToken("request.upgrade", request.headers, requestSection(), false),
        checkConnectionToken("request.connection", request.headers, requestSection()),
        checkKey(request),
        checkWebSocketVersion(request),
        describeOrigin(request),
        checkOfferedProtocols(request),
        checkOfferedExtensions(request),
    };
}

QList<Finding> checkResponse(const HttpRequest& request, const HttpResponse& response, const QUrl& url)
{
    if (response.status != 101)
        return { checkStatus(response) };
    return {
        checkStatus(response),
        checkUpgradeToken("response.upgrade", response.headers, responseSection(), true),
        checkConnectionToken("response.connection", response.headers, responseSection()),
        checkAccept(request, response),
        checkSelectedProtocol(request, response),
        checkBrowserProtocolRule(request, response),
        checkAcceptedExtensions(request, response),
        checkCrossSite(request, url),
    };
}

QString severityName(Severity severity)
{
    switch (severity) {
    case Severity::Pass:
        return QStringLiteral("pass");
    case Severity::Info:
        return QStringLiteral("info");
    case Severity::Warning:
        return QStringLiteral("warn");
    case Severity::Error:
        return QStringLiteral("fail");
    }
    return {};
}

} // namespace wsi
