#include "core/loginroutes.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrlQuery>

namespace wsi
{

namespace
{
QByteArray pathOf(const QByteArray& target)
{
    const qsizetype query = target.indexOf('?');
    return query < 0 ? target : target.left(query);
}

void step(Decision& decision, DecisionStep::Outcome outcome, const QString& text, const QString& rfc = {})
{
    decision.trace.append(DecisionStep { outcome, text, rfc, DecisionStage::Authentication });
}

HttpResponse answer(int status, const QByteArray& contentType, const QByteArray& body)
{
    HttpResponse response;
    response.status = status;
    response.reason = reasonPhrase(status);
    response.body = body;
    response.headers.append("Content-Type", contentType);
    response.headers.append("Content-Length", QByteArray::number(body.size()));
    // A login answer and a page holding a session must not be kept by caches.
    response.headers.append("Cache-Control", "no-store");
    response.headers.append("Connection", "close");
    return response;
}

QByteArray page(const QString& resource)
{
    QFile file(resource);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The user name and password of a login body, JSON ({"user"|"username", "password"}) or a form.
struct LoginForm {
    QString user;
    QByteArray password;
    QString format; // "JSON", "a form"
    QString problem;
};

LoginForm readLoginForm(const HttpRequest& request, const QByteArray& body)
{
    LoginForm form;
    const QByteArray type = request.headers.value("Content-Type").split(';').front().trimmed().toLower();
    if (type == "application/json") {
        form.format = QStringLiteral("JSON");
        const QJsonObject json = QJsonDocument::fromJson(body).object();
        form.user = json.value(QStringLiteral("user")).toString(json.value(QStringLiteral("username")).toString());
        form.password = json.value(QStringLiteral("password")).toString().toUtf8();
    } else if (type == "application/x-www-form-urlencoded") {
        form.format = QStringLiteral("a form");
        // '+' is a space in a form (HTML's urlencoded serializer); QUrlQuery leaves it alone.
        const QUrlQuery query(QString::fromUtf8(QByteArray(body).replace('+', ' ')));
        const auto field = [&query](const QString& name) { return query.queryItemValue(name, QUrl::FullyDecoded); };
        form.user = field(QStringLiteral("user")).isEmpty() ? field(QStringLiteral("username"))
                                                            : field(QStringLiteral("user"));
        form.password = field(QStringLiteral("password")).toUtf8();
    } else {
        form.problem = QStringLiteral("POST /login takes application/json or application/x-www-form-urlencoded, not "
                                      "\"%1\"")
                           .arg(QString::fromLatin1(type));
        return form;
    }
    if (form.user.isEmpty() || form.password.isEmpty())
        form.problem = QStringLiteral("POST /login as %1 needs a user and a password").arg(form.format);
    return form;
}

// What the browser will do with the cookie, in words: why it reaches a WebSocket handshake, and when not.
QString cookieExplanation(const LoginSession& session)
{
    QString text = QStringLiteral("Set-Cookie: %1=<hidden>; Path=/; HttpOnly; %2%3: the browser sends it with every "
                                  "request to %4 (any port), WebSocket handshakes included; HttpOnly keeps it from "
                                  "the page's scripts")
                       .arg(QLatin1String(kSessionCookieName), QString::fromLatin1(sameSiteAttribute(session.sameSite)),
                           session.secure ? QStringLiteral("; Secure") : QString(),
                           session.host.section(QLatin1Char(':'), 0, 0));
    switch (session.sameSite) {
    case CookieSameSite::Lax:
        return text
            + QStringLiteral("; SameSite=Lax keeps it off the requests another site's page makes (it rides "
                             "only on top-level navigations)");
    case CookieSameSite::Strict:
        return text + QStringLiteral("; SameSite=Strict keeps it off every request another site starts");
    case CookieSameSite::None:
        return text + QStringLiteral("; SameSite=None lets every site's page send it");
    }
    return text;
}

void answerLogin(const HttpRequest& request, const QByteArray& body, const ServerPolicy& policy,
    const DecisionInputs& inputs, const QByteArray& newSessionId, Decision& decision)
{
    const QString rfc = QStringLiteral("RFC 6265 §4.1");
    const LoginForm form = readLoginForm(request, body);
    if (!form.problem.isEmpty()) {
        refuse(decision, DecisionStage::Authentication, form.format.isEmpty() ? 415 : 400, form.problem,
            QStringLiteral("RFC 9110 §15.5"));
        return;
    }
    // The answer to the client never says which of the two was wrong: that would tell a guesser which names exist.
    const auto refuseLogin = [&](const QString& why) {
        step(decision, DecisionStep::Outcome::Rejected,
            QStringLiteral("POST /login as %1 for user %2 refused: %3 → 401").arg(form.format, form.user, why),
            QStringLiteral("RFC 9110 §15.5.2"));
        decision.trace.last().status = 401;
        decision.response = answer(401, "application/json",
            QJsonDocument(QJsonObject { { QStringLiteral("error"), QStringLiteral("unknown user or wrong password") } })
                .toJson(QJsonDocument::Compact));
    };
    const UserDirectory* directory = inputs.users.get();
    if (!directory || directory->logins.isEmpty()) {
        refuseLogin(QStringLiteral("no users file with logins is loaded (--users FILE)"));
        return;
    }
    const auto account = directory->logins.constFind(form.user);
    if (account == directory->logins.cend()) {
        refuseLogin(QStringLiteral("no such login in the users file"));
        return;
    }
    const PasswordCheck check = checkPassword(form.password, account->passwordHash);
    if (!check.matches) {
        refuseLogin(check.problem.isEmpty() ? QStringLiteral("wrong password (%1)").arg(check.method) : check.problem);
        return;
    }
    LoginSession session;
    session.user = AuthenticatedUser { account->name, QStringLiteral("login"), account->roles, {}, {} };
    session.host = QString::fromLatin1(request.headers.value("Host"));
    session.sameSite = policy.cookieSameSite;
    session.secure = inputs.tls;
    session.issuedAt = inputs.nowSeconds;

    step(decision, DecisionStep::Outcome::Accepted,
        QStringLiteral("POST /login as %1: password of %2 matches (%3) · roles [%4] · a session is opened")
            .arg(form.format, form.user, check.method, account->roles.join(QStringLiteral(", "))),
        QStringLiteral("RFC 9110 §11"));
    step(decision, DecisionStep::Outcome::Info, cookieExplanation(session), rfc);
    if (session.sameSite == CookieSameSite::None && !session.secure)
        step(decision, DecisionStep::Outcome::Warning,
            QStringLiteral("SameSite=None without Secure: browsers refuse to store such a cookie, so this login "
                           "changes nothing for them; serve over TLS (--tls) to send it Secure"),
            rfc);

    QByteArray cookie = QByteArray(kSessionCookieName) + '=' + newSessionId + "; Path=/; HttpOnly; "
        + sameSiteAttribute(session.sameSite);
    if (session.secure)
        cookie += "; Secure";
    QJsonArray roles;
    for (const QString& role : account->roles)
        roles.append(role);
    decision.response = answer(200, "application/json",
        QJsonDocument(QJsonObject { { QStringLiteral("user"), account->name }, { QStringLiteral("roles"), roles } })
            .toJson(QJsonDocument::Compact));
    decision.response.headers.append("Set-Cookie", cookie);
    decision.openedSession = session;
    decision.openedSessionId = newSessionId;
}
} // namespace

LoginRoute loginRouteOf(const HttpRequest& request, const ServerPolicy& policy)
{
    if (!policy.login || request.headers.contains("Upgrade"))
        return LoginRoute::None;
    const QByteArray path = pathOf(request.target);
    if (request.method == "POST" && path == "/login")
        return LoginRoute::Login;
    const bool get = request.method == "GET" || request.method == "HEAD";
    if (get && (path == "/" || path == "/index.html" || path == "/login"))
        return LoginRoute::Page;
    if (get && path == "/cross-site")
        return LoginRoute::CrossSitePage;
    return LoginRoute::NotFound;
}

LoginBodyLength loginBodyLength(const HttpRequest& request)
{
    LoginBodyLength length;
    const auto refuseWith = [&](int status, const QString& why) {
        Decision decision;
        decision.route = QStringLiteral("POST /login");
        refuse(decision, DecisionStage::Request, status, why, QStringLiteral("RFC 9112 §6.3"));
        length.refusal = std::move(decision);
    };
    if (request.headers.contains("Transfer-Encoding")) {
        refuseWith(411, QStringLiteral("POST /login needs a Content-Length; a chunked body is not read"));
        return length;
    }
    const QList<QByteArray> values = request.headers.values("Content-Length");
    if (values.isEmpty())
        return length;
    bool ok = false;
    const qint64 bytes = values.front().trimmed().toLongLong(&ok);
    if (values.size() != 1 || !ok || bytes < 0) {
        refuseWith(400, QStringLiteral("Content-Length is not one whole number"));
    } else if (bytes > kMaxLoginBodyBytes) {
        refuseWith(413,
            QStringLiteral("a login body of %1 bytes is more than the %2 bytes one needs")
                .arg(bytes)
                .arg(kMaxLoginBodyBytes));
    } else {
        length.bytes = bytes;
    }
    return length;
}

Decision answerLoginRoute(LoginRoute route, const HttpRequest& request, const QByteArray& body,
    const ServerPolicy& policy, const DecisionInputs& inputs, const QByteArray& newSessionId)
{
    Decision decision;
    decision.inputs = inputs;
    decision.findings = {};
    switch (route) {
    case LoginRoute::None:
        break;
    case LoginRoute::Page:
    case LoginRoute::CrossSitePage: {
        const bool crossSite = route == LoginRoute::CrossSitePage;
        decision.route = crossSite ? QStringLiteral("GET /cross-site") : QStringLiteral("GET /");
        step(decision, DecisionStep::Outcome::Info,
            crossSite ? QStringLiteral("GET /cross-site: the page that opens a WebSocket to its ?target= from wherever "
                                       "it is loaded, to see what a page of another site can do")
                      : QStringLiteral("GET /: the login page (serve --login); it logs in with POST /login and then "
                                       "opens a WebSocket to this server"));
        const QByteArray html
            = page(crossSite ? QStringLiteral(":/login/cross-site.html") : QStringLiteral(":/login/page.html"));
        decision.response = answer(200, "text/html; charset=utf-8", request.method == "HEAD" ? QByteArray() : html);
        if (request.method == "HEAD")
            decision.response.headers.set("Content-Length", QByteArray::number(html.size()));
        break;
    }
    case LoginRoute::Login:
        decision.route = QStringLiteral("POST /login");
        answerLogin(request, body, policy, inputs, newSessionId, decision);
        break;
    case LoginRoute::NotFound:
        decision.route = QStringLiteral("%1 %2").arg(
            QString::fromLatin1(request.method), QString::fromLatin1(pathOf(request.target)));
        refuse(decision, DecisionStage::Request, 404,
            QStringLiteral("%1 is neither a WebSocket handshake (no Upgrade header) nor one of the login pages (GET /, "
                           "GET /cross-site, POST /login)")
                .arg(decision.route),
            QStringLiteral("RFC 9110 §15.5"));
        break;
    }
    return decision;
}

} // namespace wsi
