#include "core/serverpolicy.h"

#include "core/handshake.h"

#include <QJsonArray>

namespace wsi {

namespace {
    QString text(QByteArrayView bytes) { return QString::fromLatin1(bytes); }

    QString listText(const QList<QByteArray>& items)
    {
        QStringList parts;
        for (const QByteArray& item : items)
            parts.append(text(item));
        return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
    }

    const char* reasonPhrase(int status)
    {
        switch (status) {
        case 101:
            return "Switching Protocols";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 414:
            return "URI Too Long";
        case 426:
            return "Upgrade Required";
        case 431:
            return "Request Header Fields Too Large";
        default:
            return "Error";
        }
    }

    // A refusal is ordinary HTTP: a short plain-text body saying why, and the connection ends after it.
    HttpResponse refusal(int status, const QString& why)
    {
        HttpResponse response;
        response.status = status;
        response.reason = reasonPhrase(status);
        response.body = why.toUtf8() + '\n';
        response.headers.append("Content-Type", "text/plain; charset=utf-8");
        response.headers.append("Content-Length", QByteArray::number(response.body.size()));
        response.headers.append("Connection", "close");
        return response;
    }

    class Trace {
    public:
        explicit Trace(Decision& decision) : m_decision(decision) { }
        void info(QString line, QString rfc = {}) { add(DecisionStep::Outcome::Info, std::move(line), std::move(rfc)); }
        void accepted(QString line, QString rfc = {})
        {
            add(DecisionStep::Outcome::Accepted, std::move(line), std::move(rfc));
        }
        void rejected(QString line, QString rfc = {})
        {
            add(DecisionStep::Outcome::Rejected, std::move(line), std::move(rfc));
        }

    private:
        void add(DecisionStep::Outcome outcome, QString line, QString rfc)
        {
            m_decision.trace.append(DecisionStep { outcome, std::move(line), std::move(rfc) });
        }
        Decision& m_decision;
    };

    // Ends the decision with an HTTP refusal; the last trace step says why and which RFC section allows it.
    Decision& refuse(Decision& decision, int status, const QString& why, const QString& rfc)
    {
        decision.upgrade = false;
        decision.response = refusal(status, why);
        decision.protocol.clear();
        decision.extensions.clear();
        decision.deflate.reset();
        decision.closeAfterUpgrade.reset();
        decision.closeReason.clear();
        decision.trace.append(DecisionStep { DecisionStep::Outcome::Rejected,
            QStringLiteral("%1 → %2 %3").arg(why).arg(status).arg(QLatin1String(reasonPhrase(status))), rfc });
        return decision;
    }

    const Finding* findingFor(const QList<Finding>& findings, QLatin1String id)
    {
        for (const Finding& f : findings) {
            if (f.id == id)
                return &f;
        }
        return nullptr;
    }

    // Comparing every byte whatever the first difference, so response timing does not reveal how much of a
    // guessed token was right.
    bool sameSecret(QByteArrayView a, QByteArrayView b)
    {
        if (a.size() != b.size())
            return false;
        unsigned char diff = 0;
        for (qsizetype i = 0; i < a.size(); ++i)
            diff |= static_cast<unsigned char>(a[i] ^ b[i]);
        return diff == 0;
    }

    struct PresentedToken {
        QString source;
        QByteArray value;
    };

    QList<PresentedToken> presentedTokens(const HttpRequest& request)
    {
        QList<PresentedToken> found;
        const qsizetype q = request.target.indexOf('?');
        if (q >= 0) {
            const QByteArray query = request.target.mid(q + 1);
            for (const QByteArray& pair : query.split('&')) {
                const qsizetype eq = pair.indexOf('=');
                const QByteArray name = eq < 0 ? pair : pair.left(eq);
                if (name == "token") {
                    QByteArray value = eq < 0 ? QByteArray() : pair.mid(eq + 1);
                    value.replace('+', ' ');
                    found.append({ QStringLiteral("?token="), QByteArray::fromPercentEncoding(value) });
                }
            }
        }
        for (const QByteArray& auth : request.headers.values("Authorization")) {
            const QByteArray trimmed = auth.trimmed();
            if (trimmed.size() > 7 && trimmed.first(7).compare("Bearer ", Qt::CaseInsensitive) == 0)
                found.append({ QStringLiteral("Authorization: Bearer"), trimmed.mid(7).trimmed() });
        }
        for (const QByteArray& cookieHeader : request.headers.values("Cookie")) {
            for (const QByteArray& cookie : cookieHeader.split(';')) {
                const QByteArray pair = cookie.trimmed();
                if (pair.startsWith("session="))
                    found.append({ QStringLiteral("Cookie session="), pair.mid(8) });
            }
        }
        return found;
    }

    void chooseFailure(Decision& decision, Trace& trace, quint16 code, const QByteArray& reason, const QString& why)
    {
        trace.rejected(QStringLiteral("%1 → accepted, then closed with %2 %3 (policy: fail by closing)")
                           .arg(why)
                           .arg(code)
                           .arg(text(reason)),
            QStringLiteral("RFC 6455 §7.4"));
        if (!decision.closeAfterUpgrade) { // the first failure names the close code
            decision.closeAfterUpgrade = code;
            decision.closeReason = reason;
        }
    }

    QString protocolOrderName(ProtocolOrder order)
    {
        return order == ProtocolOrder::Server ? QStringLiteral("server") : QStringLiteral("client");
    }
    QString failureName(FailureMode mode) { return mode == FailureMode::Http ? QStringLiteral("http") : QStringLiteral("close"); }
} // namespace

Decision decide(const HttpRequest& request, const ServerPolicy& policy)
{
    Decision decision;
    decision.findings = checkRequest(request);
    Trace trace(decision);

    // 1. Is this a WebSocket opening handshake at all (RFC 6455 §4.2.1)?
    trace.info(QStringLiteral("request %1 %2 %3").arg(text(request.method), text(request.target), text(request.version)));
    for (const char* id : { "request.method", "request.version", "request.target", "request.host", "request.upgrade",
             "request.connection" }) {
        const Finding* f = findingFor(decision.findings, QLatin1String(id));
        if (f && f->severity == Severity::Error)
            return refuse(decision, 400, f->message, f->rfc);
    }
    const QList<QByteArray> versions = request.headers.values("Sec-WebSocket-Version");
    if (versions.size() != 1 || versions.front() != "13") {
        const QString got = versions.isEmpty()
            ? QStringLiteral("missing")
            : QStringLiteral("\"%1\"").arg(text(request.headers.combined("Sec-WebSocket-Version")));
        refuse(decision, 426, QStringLiteral("Sec-WebSocket-Version is %1; this server speaks version 13 only").arg(got),
            QStringLiteral("RFC 6455 §4.2.2, §4.4"));
        // §4.4: the answer names the versions the server does speak; RFC 9110 §15.5.22: a 426 carries Upgrade.
        decision.response.headers.set("Connection", "Upgrade, close");
        decision.response.headers.append("Upgrade", "websocket");
        decision.response.headers.append("Sec-WebSocket-Version", "13");
        return decision;
    }
    if (const Finding* f = findingFor(decision.findings, QLatin1String("request.key")); f && f->severity == Severity::Error)
        return refuse(decision, 400, f->message, f->rfc);
    trace.accepted(QStringLiteral("GET with Upgrade: websocket, Connection: Upgrade, a valid Sec-WebSocket-Key and "
                                  "Sec-WebSocket-Version: 13"),
        QStringLiteral("RFC 6455 §4.2.1"));

    // 2. Origin (§10.2): browsers always send it, and CORS does not protect WebSockets, so the allowlist is the
    // defence against cross-site WebSocket hijacking.
    const QList<QByteArray> origins = request.headers.values("Origin");
    if (policy.allowedOrigins.isEmpty()) {
        trace.info(origins.isEmpty() ? QStringLiteral("no Origin header; any origin is allowed")
                                     : QStringLiteral("Origin %1: any origin is allowed").arg(text(origins.front())),
            QStringLiteral("RFC 6455 §10.2"));
    } else {
        QString failure;
        if (origins.isEmpty()) {
            if (policy.allowMissingOrigin)
                trace.accepted(QStringLiteral("no Origin header (not a browser); missing Origin is allowed"),
                    QStringLiteral("RFC 6455 §10.2"));
            else
                failure = QStringLiteral("no Origin header, and this server requires one from the allowlist %1")
                              .arg(listText(policy.allowedOrigins));
        } else if (origins.size() > 1) {
            failure = QStringLiteral("Origin appears %1 times; one value is needed to judge it").arg(origins.size());
        } else if (policy.allowedOrigins.contains(origins.front())) {
            trace.accepted(QStringLiteral("Origin %1 is in the allowlist %2")
                               .arg(text(origins.front()), listText(policy.allowedOrigins)),
                QStringLiteral("RFC 6455 §10.2"));
        } else {
            failure = QStringLiteral("Origin %1 is not in the allowlist %2")
                          .arg(text(origins.front()), listText(policy.allowedOrigins));
        }
        if (!failure.isEmpty()) {
            if (policy.originFailure == FailureMode::Http)
                return refuse(decision, 403, failure, QStringLiteral("RFC 6455 §10.2"));
            chooseFailure(decision, trace, 1008, "Origin not allowed", failure);
        }
    }

    // 3. Authentication, during the handshake where a refusal is cheapest (OWASP WebSocket cheat sheet).
    if (policy.token.isEmpty()) {
        trace.info(QStringLiteral("no authentication required"));
    } else {
        const QList<PresentedToken> tokens = presentedTokens(request);
        QString matched;
        QStringList wrong;
        for (const PresentedToken& t : tokens) {
            if (sameSecret(t.value, policy.token)) {
                matched = t.source;
                break;
            }
            wrong.append(t.source);
        }
        if (!matched.isEmpty()) {
            trace.accepted(QStringLiteral("token accepted from %1").arg(matched));
        } else {
            const QString why = tokens.isEmpty()
                ? QStringLiteral("token missing: looked in ?token=, Authorization: Bearer, Cookie session=")
                : QStringLiteral("token in %1 does not match").arg(wrong.join(QStringLiteral(", ")));
            if (policy.authFailure == FailureMode::Http) {
                refuse(decision, 401, why, QStringLiteral("RFC 6455 §4.2.2, RFC 9110 §15.5.2"));
                // RFC 9110 §11.6.1: a 401 names the scheme the client should use.
                decision.response.headers.append("WWW-Authenticate", "Bearer realm=\"wsinspector\"");
                return decision;
            }
            chooseFailure(decision, trace, 4001, "Unauthorized", why);
        }
    }

    // 4. Subprotocol (§4.2.2 item 5.4): at most one of the offered values, or none.
    const QByteArray offeredProtocols = request.headers.combined("Sec-WebSocket-Protocol");
    if (offeredProtocols.isNull()) {
        trace.info(QStringLiteral("client offered no subprotocol; none is selected"), QStringLiteral("RFC 6455 §4.2.2"));
    } else {
        const TokenList offered = parseTokenList(offeredProtocols);
        if (!offered.ok())
            return refuse(decision, 400,
                QStringLiteral("Sec-WebSocket-Protocol \"%1\" is not a list of tokens: %2")
                    .arg(text(offeredProtocols), offered.error),
                QStringLiteral("RFC 6455 §4.1"));
        QByteArray chosen;
        if (policy.protocolOrder == ProtocolOrder::Server) {
            for (const QByteArray& p : policy.protocols) {
                if (offered.tokens.contains(p)) {
                    chosen = p;
                    break;
                }
            }
        } else {
            for (const QByteArray& p : offered.tokens) {
                if (policy.protocols.contains(p)) {
                    chosen = p;
                    break;
                }
            }
        }
        const QString comparison = QStringLiteral("client offered %1; server supports %2 in %3-preference order")
                                       .arg(listText(offered.tokens), listText(policy.protocols),
                                           protocolOrderName(policy.protocolOrder));
        if (!chosen.isEmpty()) {
            decision.protocol = chosen;
            trace.accepted(comparison + QStringLiteral(" → ") + text(chosen), QStringLiteral("RFC 6455 §4.2.2"));
        } else if (policy.noProtocolMatch == NoProtocolMatch::Reject) {
            return refuse(decision, 400, comparison + QStringLiteral("; nothing in common and the policy rejects that"),
                QStringLiteral("RFC 6455 §4.2.2"));
        } else {
            trace.info(comparison
                    + QStringLiteral(" → none in common; proceeding without Sec-WebSocket-Protocol (the RFC default; "
                                     "browsers fail such a connection)"),
                QStringLiteral("RFC 6455 §4.2.2"));
        }
    }

    // 5. Extensions: only what was offered may be accepted; a declined offer is simply left out (RFC 7692 §7).
    if (!request.headers.contains("Sec-WebSocket-Extensions")) {
        trace.info(QStringLiteral("client offered no extensions"), QStringLiteral("RFC 6455 §9.1"));
    } else {
        const ExtensionList offers = parseExtensions(request.headers);
        if (!offers.ok())
            return refuse(decision, 400,
                QStringLiteral("Sec-WebSocket-Extensions does not follow the grammar: %1 at offset %2")
                    .arg(offers.error)
                    .arg(offers.errorOffset),
                QStringLiteral("RFC 6455 §9.1"));
        const DeflateAcceptance deflate = acceptDeflate(offers.extensions, policy.deflate);
        for (const QString& line : deflate.trace) {
            // The lines cite their own sections; a declined offer is not a refusal of the handshake.
            if (deflate.accepted && line.contains(QLatin1String(" accepted: ")))
                trace.accepted(line);
            else
                trace.info(line);
        }
        if (deflate.accepted) {
            decision.extensions.append(deflate.response);
            decision.deflate = deflate.params;
        }
    }

    // 6. The 101 (§4.2.2 item 5).
    HttpResponse& response = decision.response;
    response.status = 101;
    response.reason = reasonPhrase(101);
    response.headers.append("Upgrade", "websocket");
    response.headers.append("Connection", "Upgrade");
    response.headers.append("Sec-WebSocket-Accept", computeAccept(request.headers.value("Sec-WebSocket-Key")));
    if (!decision.protocol.isEmpty())
        response.headers.append("Sec-WebSocket-Protocol", decision.protocol);
    if (!decision.extensions.isEmpty())
        response.headers.append("Sec-WebSocket-Extensions", serializeExtensions(decision.extensions));
    for (const Header& h : policy.extraResponseHeaders)
        response.headers.append(h.name, h.value);
    decision.upgrade = true;
    trace.accepted(QStringLiteral("101 Switching Protocols with Sec-WebSocket-Accept %1")
                       .arg(text(response.headers.value("Sec-WebSocket-Accept"))),
        QStringLiteral("RFC 6455 §4.2.2"));
    return decision;
}

Decision rejectUnparsable(const ParseError& error)
{
    Decision decision;
    const int status = error.httpStatus == 431 || error.httpStatus == 414 ? error.httpStatus : 400;
    QString why = QStringLiteral("The request head could not be parsed: %1").arg(error.message);
    if (error.offset >= 0)
        why += QStringLiteral(" (at byte %1)").arg(error.offset);
    return refuse(decision, status, why, QStringLiteral("RFC 9112 §2.2, RFC 6455 §4.2.1"));
}

QString decisionStepText(const DecisionStep& step)
{
    return step.rfc.isEmpty() ? step.text : QStringLiteral("%1 (%2)").arg(step.text, step.rfc);
}

// ---- JSON -----------------------------------------------------------------------------------------------------

namespace {
    QJsonArray bytesArray(const QList<QByteArray>& list)
    {
        QJsonArray array;
        for (const QByteArray& item : list)
            array.append(QString::fromUtf8(item));
        return array;
    }

    // Reads the optional keys of a profile; a key that is present with the wrong type or range is an error, so a
    // mistyped profile never silently runs with defaults.
    class Reader {
    public:
        Reader(const QJsonObject& json, QString* error) : m_json(json), m_error(error) { }
        bool ok() const { return m_ok; }

        void boolean(const char* key, bool& out)
        {
            const QJsonValue v = m_json.value(QLatin1String(key));
            if (v.isUndefined())
                return;
            if (!v.isBool())
                return fail(QStringLiteral("\"%1\" must be true or false").arg(QLatin1String(key)));
            out = v.toBool();
        }
        template <typename Int> void integer(const char* key, Int& out, qint64 min, qint64 max)
        {
            const QJsonValue v = m_json.value(QLatin1String(key));
            if (v.isUndefined())
                return;
            const double d = v.toDouble(-1e300);
            if (!v.isDouble() || d != double(qint64(d)) || qint64(d) < min || qint64(d) > max)
                return fail(QStringLiteral("\"%1\" must be a whole number from %2 to %3")
                                .arg(QLatin1String(key))
                                .arg(min)
                                .arg(max));
            out = Int(qint64(d));
        }
        void string(const char* key, QByteArray& out)
        {
            const QJsonValue v = m_json.value(QLatin1String(key));
            if (v.isUndefined())
                return;
            if (!v.isString())
                return fail(QStringLiteral("\"%1\" must be a string").arg(QLatin1String(key)));
            out = v.toString().toUtf8();
        }
        template <typename Enum> void choice(const char* key, Enum& out, const char* a, Enum va, const char* b, Enum vb)
        {
            const QJsonValue v = m_json.value(QLatin1String(key));
            if (v.isUndefined())
                return;
            if (v.toString() == QLatin1String(a))
                out = va;
            else if (v.toString() == QLatin1String(b))
                out = vb;
            else
                fail(QStringLiteral("\"%1\" must be \"%2\" or \"%3\"")
                         .arg(QLatin1String(key), QLatin1String(a), QLatin1String(b)));
        }
        void tokens(const char* key, QList<QByteArray>& out, bool mustBeTokens)
        {
            const QJsonValue v = m_json.value(QLatin1String(key));
            if (v.isUndefined())
                return;
            if (!v.isArray())
                return fail(QStringLiteral("\"%1\" must be an array of strings").arg(QLatin1String(key)));
            out.clear();
            for (const QJsonValue& item : v.toArray()) {
                const QByteArray bytes = item.toString().toUtf8();
                if (!item.isString() || bytes.isEmpty() || (mustBeTokens && !isToken(bytes))
                    || bytes.contains('\r') || bytes.contains('\n'))
                    return fail(QStringLiteral("\"%1\" holds an invalid entry %2")
                                    .arg(QLatin1String(key), item.toVariant().toString()));
                out.append(bytes);
            }
        }
        QJsonObject object(const char* key)
        {
            const QJsonValue v = m_json.value(QLatin1String(key));
            if (!v.isUndefined() && !v.isObject())
                fail(QStringLiteral("\"%1\" must be an object").arg(QLatin1String(key)));
            return v.toObject();
        }
        void fail(const QString& message)
        {
            if (m_ok && m_error)
                *m_error = message;
            m_ok = false;
        }

    private:
        const QJsonObject& m_json;
        QString* m_error;
        bool m_ok = true;
    };

    bool validHeaderValue(QByteArrayView value)
    {
        // CR, LF and NUL would let a profile inject extra header lines or end the head early.
        for (const char c : value) {
            if (c == '\r' || c == '\n' || c == '\0')
                return false;
        }
        return true;
    }
} // namespace

QJsonObject ServerPolicy::toJson() const
{
    QJsonObject json;
    json[QLatin1String("protocols")] = bytesArray(protocols);
    json[QLatin1String("protocolOrder")] = protocolOrderName(protocolOrder);
    json[QLatin1String("noProtocolMatch")]
        = noProtocolMatch == NoProtocolMatch::Proceed ? QStringLiteral("proceed") : QStringLiteral("reject");
    json[QLatin1String("allowedOrigins")] = bytesArray(allowedOrigins);
    json[QLatin1String("allowMissingOrigin")] = allowMissingOrigin;
    json[QLatin1String("originFailure")] = failureName(originFailure);
    json[QLatin1String("token")] = QString::fromUtf8(token);
    json[QLatin1String("authFailure")] = failureName(authFailure);
    json[QLatin1String("deflate")] = QJsonObject {
        { QLatin1String("enabled"), deflate.enabled },
        { QLatin1String("serverNoContextTakeover"), deflate.serverNoContextTakeover },
        { QLatin1String("clientNoContextTakeover"), deflate.clientNoContextTakeover },
        { QLatin1String("serverMaxWindowBits"), deflate.serverMaxWindowBits },
        { QLatin1String("clientMaxWindowBits"), deflate.clientMaxWindowBits },
    };
    json[QLatin1String("compressionLevel")] = compressionLevel;
    json[QLatin1String("handshakeTimeoutMs")] = handshakeTimeoutMs;
    json[QLatin1String("headLimits")] = QJsonObject {
        { QLatin1String("maxHeadBytes"), double(headLimits.maxHeadBytes) },
        { QLatin1String("maxHeaderCount"), headLimits.maxHeaderCount },
        { QLatin1String("maxLineBytes"), double(headLimits.maxLineBytes) },
    };
    json[QLatin1String("maxMessageBytes")] = double(maxMessageBytes);
    json[QLatin1String("maxFragments")] = maxFragments;
    json[QLatin1String("maxQueuedBytes")] = double(maxQueuedBytes);
    QJsonArray headers;
    for (const Header& h : extraResponseHeaders)
        headers.append(QJsonObject { { QLatin1String("name"), QString::fromUtf8(h.name) },
            { QLatin1String("value"), QString::fromUtf8(h.value) } });
    json[QLatin1String("extraResponseHeaders")] = headers;
    return json;
}

std::optional<ServerPolicy> ServerPolicy::fromJson(const QJsonObject& json, QString* error)
{
    ServerPolicy p;
    Reader r(json, error);
    r.tokens("protocols", p.protocols, true);
    r.choice("protocolOrder", p.protocolOrder, "server", ProtocolOrder::Server, "client", ProtocolOrder::Client);
    r.choice("noProtocolMatch", p.noProtocolMatch, "proceed", NoProtocolMatch::Proceed, "reject",
        NoProtocolMatch::Reject);
    r.tokens("allowedOrigins", p.allowedOrigins, false);
    r.boolean("allowMissingOrigin", p.allowMissingOrigin);
    r.choice("originFailure", p.originFailure, "http", FailureMode::Http, "close", FailureMode::Close);
    r.string("token", p.token);
    r.choice("authFailure", p.authFailure, "http", FailureMode::Http, "close", FailureMode::Close);
    {
        Reader d(r.object("deflate"), error);
        d.boolean("enabled", p.deflate.enabled);
        d.boolean("serverNoContextTakeover", p.deflate.serverNoContextTakeover);
        d.boolean("clientNoContextTakeover", p.deflate.clientNoContextTakeover);
        d.integer("serverMaxWindowBits", p.deflate.serverMaxWindowBits, 8, 15);
        d.integer("clientMaxWindowBits", p.deflate.clientMaxWindowBits, 8, 15);
        if (!d.ok())
            r.fail(error ? QStringLiteral("deflate: ") + *error : QString());
    }
    r.integer("compressionLevel", p.compressionLevel, 0, 9);
    r.integer("handshakeTimeoutMs", p.handshakeTimeoutMs, 1, 24 * 3600 * 1000);
    {
        Reader h(r.object("headLimits"), error);
        h.integer("maxHeadBytes", p.headLimits.maxHeadBytes, 64, qint64(1) << 24);
        h.integer("maxHeaderCount", p.headLimits.maxHeaderCount, 1, 10'000);
        h.integer("maxLineBytes", p.headLimits.maxLineBytes, 16, qint64(1) << 24);
        if (!h.ok())
            r.fail(error ? QStringLiteral("headLimits: ") + *error : QString());
    }
    r.integer("maxMessageBytes", p.maxMessageBytes, 0, qint64(1) << 40);
    r.integer("maxFragments", p.maxFragments, 1, 1'000'000'000);
    r.integer("maxQueuedBytes", p.maxQueuedBytes, 1024, qint64(1) << 40);
    const QJsonValue headers = json.value(QLatin1String("extraResponseHeaders"));
    if (!headers.isUndefined()) {
        if (!headers.isArray())
            r.fail(QStringLiteral("\"extraResponseHeaders\" must be an array of {name, value}"));
        for (const QJsonValue& item : headers.toArray()) {
            const QByteArray name = item.toObject().value(QLatin1String("name")).toString().toUtf8();
            const QByteArray value = item.toObject().value(QLatin1String("value")).toString().toUtf8();
            if (!isToken(name) || !validHeaderValue(value)) {
                r.fail(QStringLiteral("\"extraResponseHeaders\" holds an invalid header \"%1\"")
                           .arg(QString::fromUtf8(name)));
                break;
            }
            p.extraResponseHeaders.append(Header { name, value });
        }
    }
    if (!r.ok())
        return std::nullopt;
    return p;
}

bool ServerPolicy::operator==(const ServerPolicy& o) const
{
    const auto sameDeflate = [](const DeflateServerConfig& a, const DeflateServerConfig& b) {
        return a.enabled == b.enabled && a.serverNoContextTakeover == b.serverNoContextTakeover
            && a.clientNoContextTakeover == b.clientNoContextTakeover && a.serverMaxWindowBits == b.serverMaxWindowBits
            && a.clientMaxWindowBits == b.clientMaxWindowBits;
    };
    const auto sameLimits = [](const HeadLimits& a, const HeadLimits& b) {
        return a.maxHeadBytes == b.maxHeadBytes && a.maxHeaderCount == b.maxHeaderCount
            && a.maxLineBytes == b.maxLineBytes;
    };
    return protocols == o.protocols && protocolOrder == o.protocolOrder && noProtocolMatch == o.noProtocolMatch
        && allowedOrigins == o.allowedOrigins && allowMissingOrigin == o.allowMissingOrigin
        && originFailure == o.originFailure && token == o.token && authFailure == o.authFailure
        && sameDeflate(deflate, o.deflate) && compressionLevel == o.compressionLevel
        && handshakeTimeoutMs == o.handshakeTimeoutMs && sameLimits(headLimits, o.headLimits)
        && maxMessageBytes == o.maxMessageBytes && maxFragments == o.maxFragments
        && maxQueuedBytes == o.maxQueuedBytes && extraResponseHeaders == o.extraResponseHeaders;
}

} // namespace wsi
