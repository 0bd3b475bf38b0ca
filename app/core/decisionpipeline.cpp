#include "core/decisionpipeline.h"

#include "core/authentication.h"
#include "core/handshake.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimeZone>

namespace wsi
{

namespace
{
QString text(QByteArrayView bytes)
{
    return QString::fromLatin1(bytes);
}

QString listText(const QList<QByteArray>& items)
{
    QStringList parts;
    for (const QByteArray& item : items)
        parts.append(text(item));
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

void addStep(Decision& decision, DecisionStage stage, DecisionStep::Outcome outcome, QString line, QString rfc = {})
{
    DecisionStep step;
    step.outcome = outcome;
    step.text = std::move(line);
    step.rfc = std::move(rfc);
    step.stage = stage;
    decision.trace.append(std::move(step));
}
void info(Decision& d, DecisionStage stage, QString line, QString rfc = {})
{
    addStep(d, stage, DecisionStep::Outcome::Info, std::move(line), std::move(rfc));
}
void accepted(Decision& d, DecisionStage stage, QString line, QString rfc = {})
{
    addStep(d, stage, DecisionStep::Outcome::Accepted, std::move(line), std::move(rfc));
}

// FailureMode::Close: the handshake goes on, and the connection is closed right after the 101. The first such
// failure names the close code.
void failByClosing(Decision& decision, DecisionStage stage, quint16 code, const QByteArray& reason, const QString& why)
{
    addStep(decision, stage, DecisionStep::Outcome::Rejected,
        QStringLiteral("%1 → accepted, then closed with %2 %3 (policy: fail by closing)")
            .arg(why)
            .arg(code)
            .arg(text(reason)),
        QStringLiteral("RFC 6455 §7.4"));
    decision.trace.last().closeCode = code;
    decision.trace.last().closeReason = reason;
    if (!decision.closeAfterUpgrade) {
        decision.closeAfterUpgrade = code;
        decision.closeReason = reason;
    }
}

const Finding* findingFor(const QList<Finding>& findings, QLatin1String id)
{
    for (const Finding& f : findings) {
        if (f.id == id)
            return &f;
    }
    return nullptr;
}

// The user whose token this is: "token" for the policy's token, else the --user entry's name. Every entry is
// compared, so the time taken does not say which one matched.
// Every configured token is compared in full, whichever matches, so timing does not tell which one nearly did.
std::optional<DirectoryUser> userForToken(
    const ServerPolicy& policy, const UserDirectory* directory, QByteArrayView presented)
{
    std::optional<DirectoryUser> user;
    if (!policy.token.isEmpty() && sameSecret(presented, policy.token))
        user = DirectoryUser { QStringLiteral("token"), {} };
    for (const QByteArray& item : policy.users) {
        const auto entry = parseUserToken(item);
        if (entry && sameSecret(presented, entry->token) && !user)
            user = DirectoryUser { entry->name, {} };
    }
    if (directory) {
        for (auto it = directory->tokens.cbegin(); it != directory->tokens.cend(); ++it) {
            if (sameSecret(presented, it.key()) && !user)
                user = it.value();
        }
    }
    return user;
}

QString clockText(qint64 secondsSinceEpoch)
{
    return QDateTime::fromSecsSinceEpoch(secondsSinceEpoch, QTimeZone::utc())
        .toString(QStringLiteral("HH:mm:ss 'UTC'"));
}

QString protocolOrderName(ProtocolOrder order)
{
    return order == ProtocolOrder::Server ? QStringLiteral("server") : QStringLiteral("client");
}

QString versionsText(const QList<int>& versions)
{
    QStringList parts;
    for (int v : versions)
        parts.append(QString::number(v));
    return parts.join(QStringLiteral(", "));
}
} // namespace

QString decisionStageName(DecisionStage stage)
{
    switch (stage) {
    case DecisionStage::Request:
        return QStringLiteral("request");
    case DecisionStage::Version:
        return QStringLiteral("version");
    case DecisionStage::Origin:
        return QStringLiteral("origin");
    case DecisionStage::Authentication:
        return QStringLiteral("authentication");
    case DecisionStage::Subprotocol:
        return QStringLiteral("subprotocol");
    case DecisionStage::Extensions:
        return QStringLiteral("extensions");
    case DecisionStage::Response:
        return QStringLiteral("response");
    }
    return QStringLiteral("request");
}

std::optional<DecisionStage> decisionStageFromName(QStringView name)
{
    for (DecisionStage s :
        { DecisionStage::Request, DecisionStage::Version, DecisionStage::Origin, DecisionStage::Authentication,
            DecisionStage::Subprotocol, DecisionStage::Extensions, DecisionStage::Response }) {
        if (name == decisionStageName(s))
            return s;
    }
    return std::nullopt;
}

// 1. Is this a WebSocket opening handshake at all (RFC 6455 §4.2.1)? The structure is judged before the version:
// a request that is not a WebSocket handshake is a 400 whatever version it names.
bool decideRequestValidity(const HttpRequest& request, const ServerPolicy& policy, Decision& decision)
{
    constexpr DecisionStage stage = DecisionStage::Request;
    // The trace is output and log: a credential in the query is shown by its length only.
    const QByteArray target = policy.authenticationRequired()
        ? targetWithoutCredentials(request.target, credentialSourcesOf(policy))
        : request.target;
    info(decision, stage,
        QStringLiteral("request %1 %2 %3").arg(text(request.method), text(target), text(request.version)));
    for (const char* id : { "request.method", "request.version", "request.target", "request.host", "request.upgrade",
             "request.connection", "request.key" }) {
        const Finding* f = findingFor(decision.findings, QLatin1String(id));
        if (f && f->severity == Severity::Error)
            return refuse(decision, stage, 400, f->message, f->rfc);
    }
    accepted(decision, stage,
        QStringLiteral("GET with Upgrade: websocket, Connection: Upgrade and a valid Sec-WebSocket-Key"),
        QStringLiteral("RFC 6455 §4.2.1"));
    return true;
}

// 2. The protocol version: exactly one Sec-WebSocket-Version, one this server speaks (§4.2.2 item 4, §4.4).
bool decideVersion(const HttpRequest& request, const ServerPolicy& policy, Decision& decision)
{
    constexpr DecisionStage stage = DecisionStage::Version;
    const QList<QByteArray> values = request.headers.values("Sec-WebSocket-Version");
    const QByteArray value = values.size() == 1 ? values.front().trimmed() : QByteArray();
    bool ok = false;
    const int version = value.toInt(&ok);
    // 1*DIGIT in its plain form: "013" or "+13" is not version 13.
    if (ok && QByteArray::number(version) == value && policy.versions.contains(version)) {
        accepted(decision, stage,
            QStringLiteral("Sec-WebSocket-Version: %1, a version this server speaks [%2]")
                .arg(version)
                .arg(versionsText(policy.versions)),
            QStringLiteral("RFC 6455 §4.2.2"));
        return true;
    }
    const QString got = values.isEmpty()
        ? QStringLiteral("missing")
        : QStringLiteral("\"%1\"").arg(text(request.headers.combined("Sec-WebSocket-Version")));
    const QString speaks = policy.versions.size() == 1
        ? QStringLiteral("this server speaks version %1 only").arg(policy.versions.front())
        : QStringLiteral("this server speaks versions %1").arg(versionsText(policy.versions));
    refuse(decision, stage, 426, QStringLiteral("Sec-WebSocket-Version is %1; %2").arg(got, speaks),
        QStringLiteral("RFC 6455 §4.2.2, §4.4"));
    // §4.4: the answer names the versions the server does speak; RFC 9110 §15.5.22: a 426 carries Upgrade.
    decision.response.headers.set("Connection", "Upgrade, close");
    decision.response.headers.append("Upgrade", "websocket");
    decision.response.headers.append("Sec-WebSocket-Version", versionsText(policy.versions).toLatin1());
    return false;
}

// 3. Origin (§10.2): browsers always send it, and CORS does not protect WebSockets, so the allowlist is the
// defence against cross-site WebSocket hijacking.
bool decideOrigin(const HttpRequest& request, const ServerPolicy& policy, Decision& decision)
{
    constexpr DecisionStage stage = DecisionStage::Origin;
    const QString rfc = QStringLiteral("RFC 6455 §10.2");
    const QList<QByteArray> origins = request.headers.values("Origin");
    if (policy.allowedOrigins.isEmpty()) {
        const QString line = origins.isEmpty()
            ? QStringLiteral("no Origin header; any origin is allowed")
            : QStringLiteral("Origin %1: any origin is allowed").arg(text(origins.front()));
        const QStringList credentials = requestCredentials(request);
        if (credentials.isEmpty()) {
            info(decision, stage, line, rfc);
            return true;
        }
        // A browser sends the user's cookies to this server from any site's page: without an allowlist that page
        // talks to the server as the user.
        addStep(decision, stage, DecisionStep::Outcome::Warning,
            QStringLiteral("%1, yet the request carries credentials (%2) and there is no origin allowlist. %3")
                .arg(line, credentials.join(QStringLiteral(", ")), crossSiteHijackingExplanation()),
            crossSiteHijackingReferences());
        return true;
    }
    QString failure;
    if (origins.isEmpty()) {
        if (policy.allowMissingOrigin)
            accepted(
                decision, stage, QStringLiteral("no Origin header (not a browser); missing Origin is allowed"), rfc);
        else
            failure = QStringLiteral("no Origin header, and this server requires one from the allowlist %1")
                          .arg(listText(policy.allowedOrigins));
    } else if (origins.size() > 1) {
        failure = QStringLiteral("Origin appears %1 times; one value is needed to judge it").arg(origins.size());
    } else if (policy.allowedOrigins.contains(origins.front())) {
        accepted(decision, stage,
            QStringLiteral("Origin %1 is in the allowlist %2")
                .arg(text(origins.front()), listText(policy.allowedOrigins)),
            rfc);
    } else {
        failure = QStringLiteral("Origin %1 is not in the allowlist %2")
                      .arg(text(origins.front()), listText(policy.allowedOrigins));
    }
    if (failure.isEmpty())
        return true;
    if (policy.originFailure == FailureMode::Http)
        return refuse(decision, stage, 403, failure, rfc);
    failByClosing(decision, stage, 1008, "Origin not allowed", failure);
    return true;
}

namespace
{
// A credential carried as a subprotocol item: said in the trace, since it explains why the item is not chosen.
void protocolNote(Decision& decision, const PresentedCredential& c)
{
    if (c.source.kind != CredentialSource::Kind::Protocol)
        return;
    info(decision, DecisionStage::Authentication,
        QStringLiteral("the credential came as a Sec-WebSocket-Protocol item: the workaround browsers force, since a "
                       "page cannot set Authorization on a WebSocket; that item is never selected as the "
                       "subprotocol, so the response does not echo it"),
        QStringLiteral("RFC 6455 §4.1"));
}
} // namespace

// 4. Authentication, during the handshake where a refusal is cheapest (OWASP WebSocket cheat sheet). The
// credential found becomes the connection's user; no step, reason or header ever shows the credential itself.
CredentialCheck checkCredential(
    const ServerPolicy& policy, const DecisionInputs& inputs, QByteArrayView credential, const QString& where)
{
    CredentialCheck check;
    if (policy.jwtEnabled() && looksLikeJwt(credential)) {
        if (!inputs.jwtKeys) {
            check.refusal = QStringLiteral("JWT from %1 refused: the server's JWT keys are not loaded").arg(where);
            return check;
        }
        const JwtVerification v = verifyJwt(credential, *inputs.jwtKeys, jwtRulesFor(policy, inputs.nowSeconds));
        if (!v.valid) {
            check.refusal = QStringLiteral("JWT from %1 refused: %2").arg(where, v.reason);
            return check;
        }
        QStringList roles;
        for (const QJsonValue& role : v.claims.value(QStringLiteral("roles")).toArray())
            roles.append(role.toString());
        check.user
            = AuthenticatedUser { v.user, QStringLiteral("jwt from %1").arg(where), roles, v.claims, v.expiresAt };
        check.acceptedText = QStringLiteral("JWT from %1 accepted: %2").arg(where, v.steps.join(QStringLiteral(" · ")));
        check.rfc = QStringLiteral("RFC 7519 §7.2");
        return check;
    }
    if (const std::optional<DirectoryUser> user = userForToken(policy, inputs.users.get(), credential)) {
        check.user = AuthenticatedUser { user->name, QStringLiteral("token from %1").arg(where), user->roles, {}, {} };
        check.acceptedText = QStringLiteral("token accepted from %1 · user %2").arg(where, user->name);
        return check;
    }
    if (const LoginSession* session = inputs.sessions ? inputs.sessions->find(credential) : nullptr) {
        check.user = session->user;
        check.user->source = QStringLiteral("login session from %1").arg(where);
        check.acceptedText
            = QStringLiteral("login session from %1 accepted: POST /login opened it for %2 at %3 on host %4, and the "
                             "cookie was set HttpOnly; %5%6 · user %2")
                  .arg(where, session->user.name, clockText(session->issuedAt), session->host,
                      QString::fromLatin1(sameSiteAttribute(session->sameSite)),
                      session->secure ? QStringLiteral("; Secure") : QString());
        check.rfc = QStringLiteral("RFC 6265 §5.4");
        return check;
    }
    check.refusal = QStringLiteral("token in %1 does not match").arg(where);
    check.unknownToken = true;
    return check;
}

namespace
{
// Origin and Host as "Origin http://localhost:8080, host 127.0.0.1:8080", when the page is on another site.
std::optional<QString> crossSitePage(const HttpRequest& request)
{
    const QList<QByteArray> origins = request.headers.values("Origin");
    if (origins.size() != 1 || !isCrossSite(origins.front(), request))
        return std::nullopt;
    return QStringLiteral("Origin %1, host %2").arg(text(origins.front()), text(request.headers.value("Host")));
}

// A login session's cookie that a page of another site brought: said, since that is what SameSite exists to stop.
void crossSiteCookieNote(Decision& decision, const HttpRequest& request, const PresentedCredential& c)
{
    if (c.source.kind != CredentialSource::Kind::Cookie || !decision.user->source.startsWith(QLatin1String("login")))
        return;
    const std::optional<QString> page = crossSitePage(request);
    if (!page)
        return;
    const LoginSession* session = decision.inputs.sessions->find(c.value);
    const QString attribute = QString::fromLatin1(sameSiteAttribute(session->sameSite));
    const QString why = session->sameSite == CookieSameSite::None
        ? QStringLiteral("the browser attached it because it was set %1").arg(attribute)
        : QStringLiteral("a browser keeps a cookie set %1 off such requests, so this client is no browser honouring "
                         "SameSite, or the cookie was copied")
              .arg(attribute);
    addStep(decision, DecisionStage::Authentication, DecisionStep::Outcome::Warning,
        QStringLiteral("the session cookie came with a page on another site (%1): %2; that page talks as %3 unless the "
                       "origin check stops it")
            .arg(*page, why, decision.user->name),
        QStringLiteral("RFC 6265 §5.4"));
}

// Why no cookie came, when a login page hands them out and the request is from another site's page.
QString missingCookieExplanation(const HttpRequest& request, const ServerPolicy& policy)
{
    const std::optional<QString> page = crossSitePage(request);
    if (!policy.login || !page)
        return {};
    if (policy.cookieSameSite == CookieSameSite::None)
        return QStringLiteral("; the page is on another site (%1): this server's login sets its cookie SameSite=None, "
                              "so a browser that sent none blocks third-party cookies (or nobody logged in)")
            .arg(*page);
    return QStringLiteral("; the page is on another site (%1), and browsers keep a cookie set %2 off the requests "
                          "another site's page makes, a WebSocket handshake among them")
        .arg(*page, QString::fromLatin1(sameSiteAttribute(policy.cookieSameSite)));
}
} // namespace

bool decideAuthentication(const HttpRequest& request, const ServerPolicy& policy, Decision& decision)
{
    constexpr DecisionStage stage = DecisionStage::Authentication;
    if (!policy.authenticationRequired()) {
        info(decision, stage, QStringLiteral("no authentication required"));
        return true;
    }
    if (policy.authTiming == AuthTiming::FirstMessage) {
        // Shown rather than preached: the cost of authenticating after the handshake, said where it is paid.
        info(decision, stage,
            QStringLiteral("authentication after the handshake: the upgrade is accepted without a credential, which "
                           "must come as the first message within %1 ms. Until then a connection and its server-side "
                           "state exist for someone nobody knows, and every such client holds a socket; a refusal can "
                           "only be a close (4001), never a 401 a browser or proxy understands")
                .arg(policy.authTimeoutMs),
            QStringLiteral("RFC 6455 §4.2.2"));
        return true;
    }
    const QList<CredentialSource> sources = credentialSourcesOf(policy);
    const QList<PresentedCredential> credentials = presentedCredentials(request, sources);
    QStringList reasons;
    QStringList wrong;
    for (const PresentedCredential& c : credentials) {
        const CredentialCheck check = checkCredential(policy, decision.inputs, c.value, c.source.label());
        if (check.user) {
            decision.user = check.user;
            accepted(decision, stage, check.acceptedText, check.rfc);
            protocolNote(decision, c);
            crossSiteCookieNote(decision, request, c);
            return true;
        }
        // Plain tokens that do not match are named together: "token in ?token=, Cookie session= does not match".
        if (check.unknownToken)
            wrong.append(c.source.label());
        else
            reasons.append(check.refusal);
    }
    if (!wrong.isEmpty())
        reasons.append(QStringLiteral("token in %1 does not match").arg(wrong.join(QStringLiteral(", "))));
    QStringList places;
    for (const CredentialSource& source : sources)
        places.append(source.label());
    QString why = credentials.isEmpty()
        ? QStringLiteral("token missing: looked in %1").arg(places.join(QStringLiteral(", ")))
        : reasons.join(QStringLiteral("; "));
    if (credentials.isEmpty())
        why += missingCookieExplanation(request, policy);
    if (policy.authFailure == FailureMode::Http) {
        refuse(decision, stage, 401, why, QStringLiteral("RFC 6455 §4.2.2, RFC 9110 §15.5.2"));
        // RFC 9110 §11.6.1: a 401 names the scheme the client should use.
        decision.response.headers.append("WWW-Authenticate", "Bearer realm=\"wsinspector\"");
        return false;
    }
    failByClosing(decision, stage, 4001, "Unauthorized", why);
    return true;
}

CredentialCheck checkFirstMessageCredential(
    const ServerPolicy& policy, const DecisionInputs& inputs, QByteArrayView message)
{
    // The credential as the message itself, or as {"token": "..."}, the two forms applications use.
    QByteArray credential = message.trimmed().toByteArray();
    const QJsonDocument json = QJsonDocument::fromJson(credential);
    if (json.isObject() && json.object().value(QStringLiteral("token")).isString())
        credential = json.object().value(QStringLiteral("token")).toString().toUtf8();
    return checkCredential(policy, inputs, credential, QStringLiteral("the first message"));
}

// 5. Subprotocol (§4.2.2 item 5.4): at most one of the offered values, or none.
bool decideSubprotocol(const HttpRequest& request, const ServerPolicy& policy, Decision& decision)
{
    constexpr DecisionStage stage = DecisionStage::Subprotocol;
    const QString rfc = QStringLiteral("RFC 6455 §4.2.2");
    const QByteArray offeredProtocols = request.headers.combined("Sec-WebSocket-Protocol");
    if (offeredProtocols.isNull()) {
        info(decision, stage, QStringLiteral("client offered no subprotocol; none is selected"), rfc);
        return true;
    }
    TokenList offered = parseTokenList(offeredProtocols);
    if (!offered.ok())
        return refuse(decision, stage, 400,
            QStringLiteral("Sec-WebSocket-Protocol \"%1\" is not a list of tokens: %2")
                .arg(policy.authenticationRequired() ? QStringLiteral("…") : text(offeredProtocols), offered.error),
            QStringLiteral("RFC 6455 §4.1"));
    // An item that carries a credential is not a subprotocol: it is neither chosen nor shown.
    if (policy.authenticationRequired()) {
        const QList<QByteArray> credentialItems = credentialProtocolItems(request, credentialSourcesOf(policy));
        offered.tokens.removeIf([&](const QByteArray& item) { return credentialItems.contains(item); });
    }
    const QList<QByteArray>& preferred
        = policy.protocolOrder == ProtocolOrder::Server ? policy.protocols : offered.tokens;
    const QList<QByteArray>& other = policy.protocolOrder == ProtocolOrder::Server ? offered.tokens : policy.protocols;
    QByteArray chosen;
    for (const QByteArray& p : preferred) {
        if (other.contains(p)) {
            chosen = p;
            break;
        }
    }
    const QString comparison
        = QStringLiteral("client offered %1; server supports %2 in %3-preference order")
              .arg(listText(offered.tokens), listText(policy.protocols), protocolOrderName(policy.protocolOrder));
    if (!chosen.isEmpty()) {
        decision.protocol = chosen;
        accepted(decision, stage, comparison + QStringLiteral(" → ") + text(chosen), rfc);
        return true;
    }
    if (policy.noProtocolMatch == NoProtocolMatch::Reject)
        return refuse(
            decision, stage, 400, comparison + QStringLiteral("; nothing in common and the policy rejects that"), rfc);
    info(decision, stage,
        comparison
            + QStringLiteral(" → none in common; proceeding without Sec-WebSocket-Protocol (the RFC default; "
                             "browsers fail such a connection)"),
        rfc);
    return true;
}

// 6. Extensions: only what was offered may be accepted; a declined offer is simply left out (RFC 7692 §7).
bool decideExtensions(const HttpRequest& request, const ServerPolicy& policy, Decision& decision)
{
    constexpr DecisionStage stage = DecisionStage::Extensions;
    if (!request.headers.contains("Sec-WebSocket-Extensions")) {
        info(decision, stage, QStringLiteral("client offered no extensions"), QStringLiteral("RFC 6455 §9.1"));
        return true;
    }
    const ExtensionList offers = parseExtensions(request.headers);
    if (!offers.ok())
        return refuse(decision, stage, 400,
            QStringLiteral("Sec-WebSocket-Extensions does not follow the grammar: %1 at offset %2")
                .arg(offers.error)
                .arg(offers.errorOffset),
            QStringLiteral("RFC 6455 §9.1"));
    const DeflateAcceptance deflate = acceptDeflate(offers.extensions, policy.deflate);
    for (const DeflateOfferOutcome& outcome : deflate.outcomes) {
        // The sentences cite their own sections; a declined offer is not a refusal of the handshake.
        addStep(decision, stage,
            outcome.verdict == DeflateOfferOutcome::Verdict::Accepted ? DecisionStep::Outcome::Accepted
                                                                      : DecisionStep::Outcome::Info,
            outcome.text);
    }
    if (deflate.accepted) {
        decision.extensions.append(deflate.response);
        decision.deflate = deflate.params;
    }
    return true;
}

// 7. The 101 (§4.2.2 item 5).
bool decideResponse(const HttpRequest& request, const ServerPolicy& policy, Decision& decision)
{
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
    accepted(decision, DecisionStage::Response,
        QStringLiteral("101 Switching Protocols with Sec-WebSocket-Accept %1")
            .arg(text(response.headers.value("Sec-WebSocket-Accept"))),
        QStringLiteral("RFC 6455 §4.2.2"));
    return true;
}

const QList<PipelineStage>& decisionPipeline()
{
    static const QList<PipelineStage> stages {
        { DecisionStage::Request, &decideRequestValidity },
        { DecisionStage::Version, &decideVersion },
        { DecisionStage::Origin, &decideOrigin },
        { DecisionStage::Authentication, &decideAuthentication },
        { DecisionStage::Subprotocol, &decideSubprotocol },
        { DecisionStage::Extensions, &decideExtensions },
        { DecisionStage::Response, &decideResponse },
    };
    return stages;
}

const char* reasonPhrase(int status)
{
    switch (status) {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 426:
        return "Upgrade Required";
    case 431:
        return "Request Header Fields Too Large";
    default:
        return "Error";
    }
}

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

// Ends the decision with an HTTP refusal; the last step says why, which RFC section allows it, and the status.
bool refuse(Decision& decision, DecisionStage stage, int status, const QString& why, const QString& rfc)
{
    decision.upgrade = false;
    decision.response = refusal(status, why);
    decision.protocol.clear();
    decision.extensions.clear();
    decision.deflate.reset();
    decision.closeAfterUpgrade.reset();
    decision.closeReason.clear();
    addStep(decision, stage, DecisionStep::Outcome::Rejected,
        QStringLiteral("%1 → %2 %3").arg(why).arg(status).arg(QLatin1String(reasonPhrase(status))), rfc);
    decision.trace.last().status = status;
    return false;
}

Decision decide(const HttpRequest& request, const ServerPolicy& policy, DecisionInputs inputs)
{
    Decision decision;
    decision.inputs = std::move(inputs);
    decision.findings = checkRequest(request);
    for (const PipelineStage& stage : decisionPipeline()) {
        if (!stage.run(request, policy, decision))
            break;
    }
    return decision;
}

Decision rejectUnparsable(const ParseError& error)
{
    Decision decision;
    const int status = error.httpStatus == 431 || error.httpStatus == 414 ? error.httpStatus : 400;
    QString why = QStringLiteral("The request head could not be parsed: %1").arg(error.message);
    if (error.offset >= 0)
        why += QStringLiteral(" (at byte %1)").arg(error.offset);
    refuse(decision, DecisionStage::Request, status, why, QStringLiteral("RFC 9112 §2.2, RFC 6455 §4.2.1"));
    return decision;
}

QString decisionStepText(const DecisionStep& step)
{
    return step.rfc.isEmpty() ? step.text : QStringLiteral("%1 (%2)").arg(step.text, step.rfc);
}

namespace
{
const char* const kOutcomeNames[] = { "info", "accepted", "rejected", "warning" };
}

QJsonArray decisionTraceLines(const QList<DecisionStep>& steps)
{
    QJsonArray lines;
    for (const DecisionStep& step : steps)
        lines.append(decisionStepText(step));
    return lines;
}

QJsonArray decisionStepsToJson(const QList<DecisionStep>& steps)
{
    QJsonArray out;
    for (const DecisionStep& step : steps) {
        QJsonObject o { { QStringLiteral("stage"), decisionStageName(step.stage) },
            { QStringLiteral("outcome"), QLatin1String(kOutcomeNames[int(step.outcome)]) },
            { QStringLiteral("text"), step.text }, { QStringLiteral("rfc"), step.rfc } };
        if (step.status != 0)
            o.insert(QStringLiteral("status"), step.status);
        if (step.closeCode != 0) {
            o.insert(QStringLiteral("closeCode"), int(step.closeCode));
            o.insert(QStringLiteral("closeReason"), QString::fromUtf8(step.closeReason));
        }
        out.append(o);
    }
    return out;
}

QList<DecisionStep> decisionStepsFromJson(const QJsonArray& steps, const QJsonArray& traceLines)
{
    QList<DecisionStep> out;
    if (steps.isEmpty()) {
        for (const QJsonValue& line : traceLines)
            out.append(DecisionStep { DecisionStep::Outcome::Info, line.toString(), {} });
        return out;
    }
    for (const QJsonValue& v : steps) {
        const QJsonObject o = v.toObject();
        DecisionStep step;
        const QString outcome = o.value(QStringLiteral("outcome")).toString();
        for (int i = 0; i < int(std::size(kOutcomeNames)); ++i) {
            if (outcome == QLatin1String(kOutcomeNames[i]))
                step.outcome = DecisionStep::Outcome(i);
        }
        step.text = o.value(QStringLiteral("text")).toString();
        step.rfc = o.value(QStringLiteral("rfc")).toString();
        step.stage
            = decisionStageFromName(o.value(QStringLiteral("stage")).toString()).value_or(DecisionStage::Request);
        step.status = o.value(QStringLiteral("status")).toInt();
        step.closeCode = quint16(o.value(QStringLiteral("closeCode")).toInt());
        step.closeReason = o.value(QStringLiteral("closeReason")).toString().toUtf8();
        out.append(std::move(step));
    }
    return out;
}

} // namespace wsi
