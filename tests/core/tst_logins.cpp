// Users files, password hashes, and serve --login's routes and sessions, in core.
#include "core/decisionpipeline.h"
#include "core/loginroutes.h"
#include "core/policyschema.h"
#include "core/userdirectory.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace wsi;

namespace
{
PasswordHashSettings cheapPbkdf2()
{
    PasswordHashSettings settings;
    settings.iterations = 1000;
    return settings;
}

HttpRequest request(const QByteArray& method, const QByteArray& target, const QList<Header>& headers = {})
{
    HttpRequest r;
    r.method = method;
    r.target = target;
    r.headers.append("Host", "127.0.0.1:9001");
    for (const Header& h : headers)
        r.headers.append(h.name, h.value);
    return r;
}

HttpRequest handshake(const QList<Header>& headers)
{
    QList<Header> all { { "Upgrade", "websocket" }, { "Connection", "Upgrade" },
        { "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==" }, { "Sec-WebSocket-Version", "13" } };
    all.append(headers);
    return request("GET", "/", all);
}

std::shared_ptr<const UserDirectory> aliceDirectory()
{
    const QByteArray json = R"({"logins": {"alice": {"password": ")" + hashPassword("wonderland", "NaCl", cheapPbkdf2())
        + R"(", "roles": ["admin"]}}, "tokens": {"t-alice": "alice", "t-bob": {"name": "bob", "roles": []}}})";
    UserDirectoryResult result = parseUserDirectory(json);
    return result.directory;
}

ServerPolicy loginPolicy()
{
    ServerPolicy policy;
    policy.login = true;
    policy.usersFile = "users.json";
    return policy;
}

DecisionInputs inputsWith(std::shared_ptr<const LoginSessions> sessions = {}, bool tls = false)
{
    DecisionInputs inputs;
    inputs.nowSeconds = 1796306400; // 2026-12-03 14:00:00 UTC
    inputs.users = aliceDirectory();
    inputs.sessions = std::move(sessions);
    inputs.tls = tls;
    return inputs;
}

QString traceText(const Decision& d)
{
    QStringList lines;
    for (const DecisionStep& s : d.trace)
        lines.append(s.text);
    return lines.join(QLatin1Char('\n'));
}

HttpRequest loginPost(const QByteArray& body, const QByteArray& type = "application/json")
{
    return request(
        "POST", "/login", { { "Content-Type", type }, { "Content-Length", QByteArray::number(body.size()) } });
}
} // namespace

class TestLogins : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // RFC 7914 §11's PBKDF2-HMAC-SHA256 and scrypt test vectors, in the users file's layout.
    void publishedVectors()
    {
        const QByteArray pbkdf2
            = "pbkdf2:sha256:1$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
              "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783";
        QVERIFY(checkPassword("passwd", pbkdf2).matches);
        QVERIFY(!checkPassword("passwe", pbkdf2).matches);
        const QByteArray scrypt = "scrypt:1024:8:16$NaCl$fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc8237830e77376634b3731"
                                  "622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640";
        const PasswordCheck check = checkPassword("password", scrypt);
        QVERIFY2(check.matches, qPrintable(check.problem));
        QCOMPARE(check.method, QStringLiteral("scrypt N=1024 r=8 p=16"));
    }

    void hashesRoundTrip()
    {
        const QByteArray pbkdf2 = hashPassword("wonderland", "abcdefgh12345678", cheapPbkdf2());
        QVERIFY(pbkdf2.startsWith("pbkdf2:sha256:1000$abcdefgh12345678$"));
        QCOMPARE(pbkdf2.size(), qsizetype(strlen("pbkdf2:sha256:1000$abcdefgh12345678$")) + 64);
        QVERIFY(checkPassword("wonderland", pbkdf2).matches);
        QVERIFY(!checkPassword("Wonderland", pbkdf2).matches);

        PasswordHashSettings scrypt;
        scrypt.scheme = PasswordScheme::Scrypt;
        scrypt.scryptN = 1024;
        const QByteArray hashed = hashPassword("wonderland", "abcdefgh12345678", scrypt);
        QVERIFY(hashed.startsWith("scrypt:1024:8:1$abcdefgh12345678$"));
        QVERIFY(checkPassword("wonderland", hashed).matches);
        QVERIFY(!checkPassword("", hashed).matches);
    }

    void unusableHashesSayWhy_data()
    {
        QTest::addColumn<QByteArray>("hash");
        QTest::addColumn<QString>("problem");
        QTest::newRow("md5") << QByteArray("md5$salt$00") << QStringLiteral("unknown hash method \"md5\"");
        QTest::newRow("no iterations") << QByteArray("pbkdf2:sha256$salt$00") << QStringLiteral("iteration count");
        QTest::newRow("huge iterations") << QByteArray("pbkdf2:sha256:99999999$salt$00")
                                         << QStringLiteral("1 to 10000000");
        QTest::newRow("digest") << QByteArray("pbkdf2:md5:10$salt$00") << QStringLiteral("not one of sha1");
        QTest::newRow("not hex") << QByteArray("pbkdf2:sha256:10$salt$zz") << QStringLiteral("not hexadecimal");
        QTest::newRow("two parts") << QByteArray("pbkdf2:sha256:10$00") << QStringLiteral("METHOD$SALT$HEX");
        QTest::newRow("scrypt N") << QByteArray("scrypt:1000:8:1$salt$00") << QStringLiteral("power of two");
        QTest::newRow("scrypt memory") << QByteArray("scrypt:1048576:64:1$salt$00") << QStringLiteral("MiB of memory");
    }
    void unusableHashesSayWhy()
    {
        QFETCH(QByteArray, hash);
        QFETCH(QString, problem);
        const PasswordCheck check = checkPassword("x", hash);
        QVERIFY(!check.matches);
        QVERIFY2(check.problem.contains(problem), qPrintable(check.problem));
    }

    void usersFileIsReadOrRefusedWithTheReason()
    {
        const std::shared_ptr<const UserDirectory> directory = aliceDirectory();
        QVERIFY(directory);
        QCOMPARE(directory->logins.value(QStringLiteral("alice")).roles, QStringList { QStringLiteral("admin") });
        // A token's user takes the login's roles unless it names its own.
        QCOMPARE(directory->tokens.value("t-alice").roles, QStringList { QStringLiteral("admin") });
        QCOMPARE(directory->tokens.value("t-bob").name, QStringLiteral("bob"));
        QVERIFY(directory->tokens.value("t-bob").roles.isEmpty());

        const auto errorOf = [](const QByteArray& json) { return parseUserDirectory(json).error; };
        QVERIFY(errorOf("[").startsWith(QStringLiteral("not JSON")));
        QVERIFY(errorOf(R"({"users": {}})").contains(QStringLiteral("unknown key \"users\"")));
        QCOMPARE(errorOf(R"({"logins": {"alice": {"password": "md5$a$00"}}})"),
            QStringLiteral("logins.alice.password: unknown hash method \"md5\" (pbkdf2:DIGEST:ITERATIONS or "
                           "scrypt:N:R:P)"));
        QVERIFY(errorOf(R"({"logins": {"alice": "pw"}})").contains(QStringLiteral("a \"password\" hash is needed")));
        QVERIFY(errorOf(R"({"logins": {"a": {"password": "pbkdf2:sha1:1$s$00", "roles": "x"}}})")
                    .contains(QStringLiteral("roles: a list of strings")));
        // The token is never repeated in an error: its position stands for it.
        const QString tokenError = errorOf(R"({"tokens": {"s3cret-token": 7}})");
        QVERIFY(tokenError.startsWith(QStringLiteral("tokens entry 1")));
        QVERIFY(!tokenError.contains(QStringLiteral("s3cret")));
        QVERIFY(!parseUserDirectory(R"({"tokens": {"s3cret": 7}})").directory);
    }

    void directoryTokensNameUsers()
    {
        ServerPolicy policy;
        policy.usersFile = "users.json";
        const Decision d = decide(handshake({ { "Authorization", "Bearer t-alice" } }), policy, inputsWith());
        QVERIFY(d.upgrade);
        QCOMPARE(d.user->name, QStringLiteral("alice"));
        QCOMPARE(d.user->roles, QStringList { QStringLiteral("admin") });
        QCOMPARE(d.user->source, QStringLiteral("token from Authorization: Bearer"));
        const Decision wrong = decide(handshake({ { "Authorization", "Bearer t-carol" } }), policy, inputsWith());
        QCOMPARE(wrong.response.status, 401);
        QVERIFY(!traceText(wrong).contains(QStringLiteral("t-carol")));
    }

    void routes()
    {
        const ServerPolicy policy = loginPolicy();
        QCOMPARE(loginRouteOf(request("GET", "/"), policy), LoginRoute::Page);
        QCOMPARE(loginRouteOf(request("HEAD", "/index.html"), policy), LoginRoute::Page);
        QCOMPARE(loginRouteOf(request("GET", "/cross-site?target=ws%3A%2F%2Fx"), policy), LoginRoute::CrossSitePage);
        QCOMPARE(loginRouteOf(request("POST", "/login"), policy), LoginRoute::Login);
        QCOMPARE(loginRouteOf(request("GET", "/favicon.ico"), policy), LoginRoute::NotFound);
        // A handshake is never a route, and nothing is routed without --login.
        QCOMPARE(loginRouteOf(handshake({}), policy), LoginRoute::None);
        QCOMPARE(loginRouteOf(request("GET", "/"), ServerPolicy {}), LoginRoute::None);

        const Decision page = answerLoginRoute(LoginRoute::Page, request("GET", "/"), {}, policy, inputsWith(), {});
        QCOMPARE(page.response.status, 200);
        QVERIFY(page.response.body.contains("fetch(\"/login\""));
        QCOMPARE(page.route, QStringLiteral("GET /"));
        const Decision missing
            = answerLoginRoute(LoginRoute::NotFound, request("GET", "/favicon.ico"), {}, policy, inputsWith(), {});
        QCOMPARE(missing.response.status, 404);
        QCOMPARE(missing.route, QStringLiteral("GET /favicon.ico"));
    }

    void bodyLengthIsBounded()
    {
        QCOMPARE(loginBodyLength(loginPost("{}")).bytes, 2);
        QVERIFY(!loginBodyLength(loginPost("{}")).refusal);
        HttpRequest big = request("POST", "/login", { { "Content-Length", "1000000" } });
        QCOMPARE(loginBodyLength(big).refusal->response.status, 413);
        HttpRequest chunked = request("POST", "/login", { { "Transfer-Encoding", "chunked" } });
        QCOMPARE(loginBodyLength(chunked).refusal->response.status, 411);
        HttpRequest twice = request("POST", "/login", { { "Content-Length", "2" }, { "Content-Length", "3" } });
        QCOMPARE(loginBodyLength(twice).refusal->response.status, 400);
    }

    void loginSetsTheSessionCookie_data()
    {
        QTest::addColumn<CookieSameSite>("sameSite");
        QTest::addColumn<bool>("tls");
        QTest::addColumn<QByteArray>("attributes");
        QTest::newRow("lax") << CookieSameSite::Lax << false << QByteArray("; Path=/; HttpOnly; SameSite=Lax");
        QTest::newRow("strict tls") << CookieSameSite::Strict << true
                                    << QByteArray("; Path=/; HttpOnly; SameSite=Strict; Secure");
        QTest::newRow("none tls") << CookieSameSite::None << true
                                  << QByteArray("; Path=/; HttpOnly; SameSite=None; Secure");
        QTest::newRow("none plain") << CookieSameSite::None << false << QByteArray("; Path=/; HttpOnly; SameSite=None");
    }
    void loginSetsTheSessionCookie()
    {
        QFETCH(CookieSameSite, sameSite);
        QFETCH(bool, tls);
        QFETCH(QByteArray, attributes);
        ServerPolicy policy = loginPolicy();
        policy.cookieSameSite = sameSite;
        const QByteArray body = R"({"user": "alice", "password": "wonderland"})";
        const Decision d
            = answerLoginRoute(LoginRoute::Login, loginPost(body), body, policy, inputsWith({}, tls), "ID-123");
        QCOMPARE(d.response.status, 200);
        QCOMPARE(d.response.headers.value("Set-Cookie"), "session=ID-123" + attributes);
        QCOMPARE(QJsonDocument::fromJson(d.response.body).object().value(QStringLiteral("user")).toString(),
            QStringLiteral("alice"));
        QVERIFY(d.openedSession);
        QCOMPARE(d.openedSessionId, QByteArray("ID-123"));
        QCOMPARE(d.openedSession->user.roles, QStringList { QStringLiteral("admin") });
        QCOMPARE(d.openedSession->secure, tls);
        const QString trace = traceText(d);
        QVERIFY(!trace.contains(QStringLiteral("wonderland")));
        QVERIFY(!trace.contains(QStringLiteral("ID-123")));
        QCOMPARE(trace.contains(QStringLiteral("SameSite=None without Secure: browsers refuse")),
            sameSite == CookieSameSite::None && !tls);
    }

    void formLoginAndRefusals()
    {
        const ServerPolicy policy = loginPolicy();
        const QByteArray form = "user=alice&password=wonder%6Cand";
        const Decision ok = answerLoginRoute(
            LoginRoute::Login, loginPost(form, "application/x-www-form-urlencoded"), form, policy, inputsWith(), "X");
        QCOMPARE(ok.response.status, 200);

        const auto refusedBody = [](const Decision& d) { return QString::fromUtf8(d.response.body); };
        const QByteArray wrong = R"({"user": "alice", "password": "nope"})";
        const Decision badPassword
            = answerLoginRoute(LoginRoute::Login, loginPost(wrong), wrong, policy, inputsWith(), "X");
        const QByteArray nobody = R"({"user": "mallory", "password": "nope"})";
        const Decision badUser
            = answerLoginRoute(LoginRoute::Login, loginPost(nobody), nobody, policy, inputsWith(), "X");
        // The same answer for both, so a guesser learns nothing about which names exist; the trace tells them apart.
        QCOMPARE(badPassword.response.status, 401);
        QCOMPARE(refusedBody(badPassword), refusedBody(badUser));
        QVERIFY(!badPassword.openedSession && !badPassword.response.headers.contains("Set-Cookie"));
        QVERIFY(traceText(badPassword).contains(QStringLiteral("wrong password")));
        QVERIFY(traceText(badUser).contains(QStringLiteral("no such login")));

        const Decision noFile
            = answerLoginRoute(LoginRoute::Login, loginPost(wrong), wrong, policy, DecisionInputs {}, "X");
        QCOMPARE(noFile.response.status, 401);
        QVERIFY(traceText(noFile).contains(QStringLiteral("no users file")));

        const Decision xml = answerLoginRoute(
            LoginRoute::Login, loginPost("<x/>", "application/xml"), "<x/>", policy, inputsWith(), "X");
        QCOMPARE(xml.response.status, 415);
        const Decision empty = answerLoginRoute(LoginRoute::Login, loginPost("{}"), "{}", policy, inputsWith(), "X");
        QCOMPARE(empty.response.status, 400);
    }

    void sessionCookieNamesTheUserAndCrossSiteIsSaid()
    {
        auto sessions = std::make_shared<LoginSessions>();
        LoginSession session;
        session.user = AuthenticatedUser { QStringLiteral("alice"), QStringLiteral("login"),
            { QStringLiteral("admin") }, {}, {} };
        session.host = QStringLiteral("127.0.0.1:9001");
        session.issuedAt = 1796306400;
        sessions->add("ID-123", session);
        const ServerPolicy policy = loginPolicy();

        const Decision same
            = decide(handshake({ { "Origin", "http://127.0.0.1:9001" }, { "Cookie", "session=ID-123" } }), policy,
                inputsWith(sessions));
        QVERIFY(same.upgrade);
        QCOMPARE(same.user->name, QStringLiteral("alice"));
        QCOMPARE(same.user->source, QStringLiteral("login session from Cookie session="));
        QVERIFY(traceText(same).contains(
            QStringLiteral("POST /login opened it for alice at 14:00:00 UTC on host 127.0.0.1:9001")));
        QVERIFY(!traceText(same).contains(QStringLiteral("a page on another site")));

        // The port does not make another site; another host name does.
        const Decision otherPort
            = decide(handshake({ { "Origin", "http://127.0.0.1:8080" }, { "Cookie", "session=ID-123" } }), policy,
                inputsWith(sessions));
        QVERIFY(!traceText(otherPort).contains(QStringLiteral("a page on another site")));
        const Decision cross
            = decide(handshake({ { "Origin", "http://localhost:9001" }, { "Cookie", "session=ID-123" } }), policy,
                inputsWith(sessions));
        QVERIFY(cross.upgrade);
        QVERIFY(std::any_of(cross.trace.begin(), cross.trace.end(), [](const DecisionStep& s) {
            return s.outcome == DecisionStep::Outcome::Warning
                && s.text.contains(QStringLiteral("a page on another site"));
        }));
        QVERIFY(traceText(cross).contains(QStringLiteral("no browser honouring SameSite")));

        const Decision withoutCookie
            = decide(handshake({ { "Origin", "http://localhost:9001" } }), policy, inputsWith(sessions));
        QCOMPARE(withoutCookie.response.status, 401);
        QVERIFY(traceText(withoutCookie).contains(QStringLiteral("a cookie set SameSite=Lax off the requests")));

        const Decision unknown = decide(handshake({ { "Cookie", "session=ID-999" } }), policy, inputsWith(sessions));
        QCOMPARE(unknown.response.status, 401);
    }

    void policyWarnsOfALoginThatCannotWork()
    {
        ServerPolicy policy;
        policy.login = true;
        policy.allowedOrigins = { "http://127.0.0.1:9001" };
        QList<PolicyWarning> warnings = policyWarnings(policy);
        QCOMPARE(warnings.size(), 1);
        QVERIFY(warnings.front().text.contains(QStringLiteral("no users file")));
        policy.usersFile = "users.json";
        policy.tokenFrom = { "bearer" };
        warnings = policyWarnings(policy);
        QCOMPARE(warnings.size(), 1);
        QVERIFY(warnings.front().text.contains(QStringLiteral("not read from it")));
        policy.tokenFrom = { "bearer", "cookie:session" };
        QVERIFY(policyWarnings(policy).isEmpty());
    }

    void sessionsAreBounded()
    {
        LoginSessions sessions;
        for (int i = 0; i <= LoginSessions::kMaxLoginSessions; ++i)
            sessions.add(QByteArray::number(i), LoginSession {});
        QCOMPARE(sessions.size(), LoginSessions::kMaxLoginSessions);
        QVERIFY(!sessions.find("0"));
        QVERIFY(sessions.find(QByteArray::number(LoginSessions::kMaxLoginSessions)));
    }
};

QTEST_GUILESS_MAIN(TestLogins)
#include "tst_logins.moc"
