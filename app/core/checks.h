#pragma once
// The checks each side of the opening handshake performs, as findings a learner can read.
// Every check yields exactly one Finding with a stable dotted id (Pass when fine), so a view can
// list them all and a test can look each one up.

#include "core/http.h"

#include <QList>
#include <QString>

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
// response.accept, response.protocol, browser.protocol-required, response.extensions.
QList<Finding> checkResponse(const HttpRequest& request, const HttpResponse& response);

// "pass", "info", "warn", "fail".
QString severityName(Severity severity);

} // namespace wsi
