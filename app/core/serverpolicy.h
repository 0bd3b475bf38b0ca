#pragma once
// How the echo server negotiates, as a plain value (JSON for profiles; 1:1 with `serve` flags), and
// the pure function that turns a request into the server's answer plus the reasons for it.

#include "core/checks.h"
#include "core/deflatenegotiation.h"
#include "core/extensions.h"
#include "core/http.h"

#include <QJsonObject>
#include <optional>

namespace wsi {

enum class ProtocolOrder { Server, Client };       // whose preference order picks the subprotocol
enum class NoProtocolMatch { Proceed, Reject };    // nothing in common: no subprotocol (RFC default) or 400
enum class FailureMode { Http, Close };            // refuse with an HTTP status, or upgrade then close

struct ServerPolicy {
    QList<QByteArray> protocols;                   // supported, in server preference order
    ProtocolOrder protocolOrder = ProtocolOrder::Server;
    NoProtocolMatch noProtocolMatch = NoProtocolMatch::Proceed;

    QList<QByteArray> allowedOrigins;              // exact origins; empty = any origin
    bool allowMissingOrigin = true;
    FailureMode originFailure = FailureMode::Http; // 403, or accept and close with 1008

    QByteArray token;                              // empty = no authentication
    FailureMode authFailure = FailureMode::Http;   // 401, or accept and close with 4001

    DeflateServerConfig deflate;                   // enabled by default
    int compressionLevel = 6;

    int handshakeTimeoutMs = 10'000;
    HeadLimits headLimits;
    qint64 maxMessageBytes = qint64(64) << 20;     // → close 1009
    int maxFragments = 10'000;                     // per message → close 1009
    qint64 maxQueuedBytes = qint64(16) << 20;      // unsent bytes per connection before it is dropped
    QList<Header> extraResponseHeaders;            // added to every 101 (e.g. Set-Cookie experiments)

    QJsonObject toJson() const;
    static std::optional<ServerPolicy> fromJson(const QJsonObject& json, QString* error = nullptr);
    bool operator==(const ServerPolicy&) const;
};

struct DecisionStep {
    enum class Outcome { Info, Accepted, Rejected };
    Outcome outcome = Outcome::Info;
    QString text;  // "client offered [json, msgpack]; server prefers [msgpack, json] → msgpack"
    QString rfc;   // "RFC 6455 §4.2.2"; may be empty
};

struct Decision {
    HttpResponse response;                         // what to send, exactly
    bool upgrade = false;                          // response is a 101
    QByteArray protocol;                           // selected subprotocol, empty = none
    QList<Extension> extensions;                   // accepted, as sent in the response
    std::optional<DeflateParams> deflate;          // when permessage-deflate was accepted
    std::optional<quint16> closeAfterUpgrade;      // FailureMode::Close: upgrade, then close with this code
    QByteArray closeReason;
    QList<Finding> findings;                       // checkRequest() of the request
    QList<DecisionStep> trace;
};

// `requestTarget` query and headers carry the token; nothing else about the connection is needed.
Decision decide(const HttpRequest& request, const ServerPolicy& policy);
// A request head that could not be parsed: 400 (or 431) with a plain-text body saying why.
Decision rejectUnparsable(const ParseError& error);

QString decisionStepText(const DecisionStep& step); // "text (rfc)" for one-line output

} // namespace wsi
