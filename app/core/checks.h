#pragma once
// The checks each side of the opening handshake performs, as findings a learner can read.
// Every check yields exactly one Finding with a stable dotted id (Pass when fine), so a view can
// list them all and a test can look each one up.

#include "core/http.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace wsi
{

enum class Severity { Pass, Info, Warning, Error };

struct Finding {
    QString id; // e.g. "response.accept"
    Severity severity = Severity::Pass;
    QString message; // one line, e.g. "Sec-WebSocket-Accept is wrong: expected s3pP..., got abc"
    QString rfc; // e.g. "RFC 6455 §4.1"
    QByteArray header; // the header field concerned, empty when the finding is about the start line
};

// What a server verifies (RFC 6455 §4.2.1). Ids: request.method, request.version, request.target,
// request.host, request.upgrade, request.connection, request.key, request.websocket-version,
// request.origin (info only), request.protocol, request.extensions.
QList<Finding> checkRequest(const HttpRequest& request);

// What a client verifies (RFC 6455 §4.1, RFC 7692 §7). A non-101 status yields the single
// Error finding response.status. Otherwise: response.status, response.upgrade, response.connection,
// response.accept, response.protocol, browser.protocol-required, response.extensions, response.cross-site.
// `url` is where the request went; without it the request's Host stands in for the target's origin.
QList<Finding> checkResponse(const HttpRequest& request, const HttpResponse& response, const QUrl& url = {});

// The credentials a request carries that a browser would attach on its own or that a page put in the URL:
// "Cookie", "Authorization", "?token=" (a query parameter named like a token: token, access_token, jwt, auth,
// key, api_key, apikey, id_token). Empty when it carries none.
QStringList requestCredentials(const HttpRequest& request);

// Whether the Origin value names an origin other than the one the request went to (scheme, host or port
// differ; "null" is always other). `url` may be empty: then only what the Host header shows is compared, and a
// difference that depends on the unknown scheme is not counted.
bool isCrossOrigin(QByteArrayView origin, const HttpRequest& request, const QUrl& url = {});
// Whether the Origin value is on another site than the request's Host, as a browser decides which cookies a
// request may carry (SameSite): ports do not count; an IP address or a one-label name (localhost) is a site of its
// own; other names count as one site when their last two labels match (a public suffix list would be exact).
bool isCrossSite(QByteArrayView origin, const HttpRequest& request);
// The same judgement against a URL the request goes to (ws, wss, http or https; only its host counts).
bool isCrossSite(QByteArrayView origin, const QUrl& target);
// The site a host belongs to under that rule: "example.com" for "app.example.com", the host itself for an IP
// address or a one-label name.
QString siteOf(const QString& host);

// Cross-site WebSocket hijacking in two sentences, and where it is described: shared by the client's finding,
// the server's decision and the policy's warnings so that all three say the same.
QString crossSiteHijackingExplanation();
QString crossSiteHijackingReferences(); // "RFC 6455 §10.2; OWASP WebSocket Security Cheat Sheet"

// "pass", "info", "warn", "fail".
QString severityName(Severity severity);

} // namespace wsi
