// The cookie jar: what a Set-Cookie header stores or why a browser would refuse it, how the jar replaces and
// expires cookies, and which cookies a WebSocket handshake carries, each with its reason.

#include "core/checks.h"
#include "core/cookiejar.h"

#include <QTest>

using namespace wsi;

namespace
{
constexpr qint64 kNow = 1'750'000'000; // 2025-06-15

Cookie stored(const QByteArray& header, const QString& from = QStringLiteral("http://127.0.0.1:8080/login"))
{
    const SetCookieResult result = parseSetCookie(header, QUrl(from), kNow);
    if (!result.ok())
        qFatal("test cookie \"%s\" was refused: %s", header.constData(), qPrintable(result.refusal));
    return *result.cookie;
}

CookieJar jarOf(std::initializer_list<Cookie> cookies)
{
    CookieJar jar;
    for (const Cookie& c : cookies)
        jar.add(c, kNow);
    return jar;
}

CookieSendDecision decide(
    const Cookie& cookie, const QString& wsUrl, const QByteArray& origin = {}, const QList<QByteArray>& typed = {})
{
    const QList<CookieSendDecision> decisions
        = cookiesForHandshake(jarOf({ cookie }), QUrl(wsUrl), origin, kNow, typed);
    if (decisions.size() != 1)
        qFatal("one cookie, %d decisions", int(decisions.size()));
    return decisions.front();
}
} // namespace

class TestCookieJar : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theLoginCookieOfTheLocalServer()
    {
        const Cookie c = stored("session=abcdef0123; Path=/; HttpOnly; SameSite=Lax");
        QCOMPARE(c.name, QByteArray("session"));
        QCOMPARE(c.value, QByteArray("abcdef0123"));
        QCOMPARE(c.domain, QStringLiteral("127.0.0.1"));
        QVERIFY(c.hostOnly);
        QCOMPARE(c.path, QStringLiteral("/"));
        QVERIFY(c.httpOnly);
        QVERIFY(!c.secure);
        QCOMPARE(c.sameSite, CookieSameSite::Lax);
        QVERIFY(c.sameSiteGiven);
        QVERIFY(!c.expires);
        QCOMPARE(sameSiteText(c), QStringLiteral("Lax"));
    }

    void nameValueAndWhitespace_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("trimmed") << QByteArray("  id = 42 ;Path=/") << QByteArray("id") << QByteArray("42");
        QTest::newRow("empty value") << QByteArray("id=") << QByteArray("id") << QByteArray();
        QTest::newRow("'=' in the value") << QByteArray("t=a=b==") << QByteArray("t") << QByteArray("a=b==");
        QTest::newRow("attribute names in any case")
            << QByteArray("id=1; PATH=/; hTTpOnLy") << QByteArray("id") << QByteArray("1");
    }
    void nameValueAndWhitespace()
    {
        QFETCH(QByteArray, header);
        const Cookie c = stored(header);
        QTEST(c.name, "name");
        QTEST(c.value, "value");
    }

    void refusals_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("reason");
        const QString local = QStringLiteral("http://127.0.0.1:8080/login");
        QTest::newRow("no '='") << QByteArray("session") << local << QStringLiteral("no name=value pair");
        QTest::newRow("empty name") << QByteArray("=x") << local << QStringLiteral("has no name");
        QTest::newRow("SameSite=None without Secure")
            << QByteArray("s=1; SameSite=None") << QStringLiteral("https://app.example.com/")
            << QStringLiteral("refused: SameSite=None needs Secure");
        QTest::newRow("Secure from plain http")
            << QByteArray("s=1; Secure") << QStringLiteral("http://app.example.com/")
            << QStringLiteral("refused: Secure, but http://app.example.com is not TLS");
        QTest::newRow("Domain of another host")
            << QByteArray("s=1; Domain=other.org") << QStringLiteral("https://app.example.com/")
            << QStringLiteral("Domain=other.org does not cover the host app.example.com");
        QTest::newRow("Domain below the host")
            << QByteArray("s=1; Domain=deep.app.example.com") << QStringLiteral("https://app.example.com/")
            << QStringLiteral("does not cover");
        QTest::newRow("Domain on an IP address")
            << QByteArray("s=1; Domain=0.0.1") << local << QStringLiteral("does not cover the host 127.0.0.1");
        QTest::newRow("Domain=com") << QByteArray("s=1; Domain=com") << QStringLiteral("https://example.com/")
                                    << QStringLiteral("top-level name");
        QTest::newRow("__Secure- without Secure") << QByteArray("__Secure-s=1") << QStringLiteral("https://a.example/")
                                                  << QStringLiteral("__Secure- needs Secure");
        QTest::newRow("__Host- with a Domain")
            << QByteArray("__Host-s=1; Secure; Path=/; Domain=a.example") << QStringLiteral("https://a.example/")
            << QStringLiteral("__Host- needs Secure, Path=/ and no Domain");
        QTest::newRow("control character") << QByteArray("s=a\x01z") << local << QStringLiteral("control character");
        QTest::newRow("too long") << QByteArray("s=" + QByteArray(4096, 'x')) << local
                                  << QStringLiteral("longer than 4096 bytes");
        QTest::newRow("not a web URL") << QByteArray("s=1") << QStringLiteral("file:///tmp/x")
                                       << QStringLiteral("http:// or https:// URL");
    }
    void refusals()
    {
        QFETCH(QByteArray, header);
        QFETCH(QString, from);
        QFETCH(QString, reason);
        const SetCookieResult result = parseSetCookie(header, QUrl(from), kNow);
        QVERIFY(!result.ok());
        QVERIFY2(result.refusal.startsWith(QStringLiteral("refused: ")), qPrintable(result.refusal));
        QVERIFY2(result.refusal.contains(reason), qPrintable(result.refusal));
    }

    // Browsers treat loopback as a secure origin: a Secure cookie may come from http://127.0.0.1.
    void secureFromLoopbackIsStored()
    {
        for (const char* from :
            { "http://127.0.0.1:9/", "http://localhost:9/", "http://[::1]:9/", "http://a.localhost/" }) {
            const SetCookieResult result
                = parseSetCookie("s=1; Secure; SameSite=None", QUrl(QLatin1String(from)), kNow);
            QVERIFY2(result.ok(), qPrintable(QLatin1String(from) + QLatin1Char(' ') + result.refusal));
            QVERIFY(result.cookie->secure);
            QCOMPARE(result.cookie->sameSite, CookieSameSite::None);
        }
        QVERIFY(!isLoopbackHost(QStringLiteral("10.0.0.1")));
        QVERIFY(!isLoopbackHost(QStringLiteral("localhost.example.com")));
    }

    void sameSiteValues_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("sameSite");
        QTest::addColumn<bool>("given");
        QTest::addColumn<QString>("shown");
        QTest::newRow("absent: Lax by default")
            << QByteArray("s=1") << int(CookieSameSite::Lax) << false << QStringLiteral("Lax (by default)");
        QTest::newRow("Strict") << QByteArray("s=1; SameSite=Strict") << int(CookieSameSite::Strict) << true
                                << QStringLiteral("Strict");
        QTest::newRow("lower case") << QByteArray("s=1; samesite=lax") << int(CookieSameSite::Lax) << true
                                    << QStringLiteral("Lax");
        QTest::newRow("None with Secure")
            << QByteArray("s=1; SameSite=None; Secure") << int(CookieSameSite::None) << true << QStringLiteral("None");
        QTest::newRow("unknown value: Lax by default")
            << QByteArray("s=1; SameSite=Sometimes") << int(CookieSameSite::Lax) << false
            << QStringLiteral("Lax (by default)");
        QTest::newRow("the last one counts") << QByteArray("s=1; SameSite=Lax; SameSite=Strict")
                                             << int(CookieSameSite::Strict) << true << QStringLiteral("Strict");
    }
    void sameSiteValues()
    {
        QFETCH(QByteArray, header);
        const Cookie c = stored(header, QStringLiteral("https://127.0.0.1/"));
        QTEST(int(c.sameSite), "sameSite");
        QTEST(c.sameSiteGiven, "given");
        QTEST(sameSiteText(c), "shown");
    }

    // RFC 6265 §5.1.4: without a usable Path, the directory of the URL's path.
    void defaultPath_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("path");
        QTest::newRow("root") << QByteArray("s=1") << QStringLiteral("http://h/") << QStringLiteral("/");
        QTest::newRow("no path at all") << QByteArray("s=1") << QStringLiteral("http://h") << QStringLiteral("/");
        QTest::newRow("one segment") << QByteArray("s=1") << QStringLiteral("http://h/login") << QStringLiteral("/");
        QTest::newRow("two segments") << QByteArray("s=1") << QStringLiteral("http://h/app/login")
                                      << QStringLiteral("/app");
        QTest::newRow("directory") << QByteArray("s=1") << QStringLiteral("http://h/app/") << QStringLiteral("/app");
        QTest::newRow("query does not count")
            << QByteArray("s=1") << QStringLiteral("http://h/app/login?next=/x/y") << QStringLiteral("/app");
        QTest::newRow("relative Path is ignored")
            << QByteArray("s=1; Path=app") << QStringLiteral("http://h/a/b") << QStringLiteral("/a");
        QTest::newRow("Path given") << QByteArray("s=1; Path=/chat") << QStringLiteral("http://h/a/b")
                                    << QStringLiteral("/chat");
    }
    void defaultPath()
    {
        QFETCH(QByteArray, header);
        QFETCH(QString, from);
        QTEST(stored(header, from).path, "path");
    }

    void domainAttribute()
    {
        const Cookie c = stored("s=1; Domain=.Example.COM", QStringLiteral("http://app.example.com/"));
        QCOMPARE(c.domain, QStringLiteral("example.com"));
        QVERIFY(!c.hostOnly);
        const Cookie same = stored("s=1; Domain=app.example.com", QStringLiteral("http://app.example.com/"));
        QVERIFY(!same.hostOnly);
        const Cookie local = stored("s=1; Domain=localhost", QStringLiteral("http://localhost/"));
        QCOMPARE(local.domain, QStringLiteral("localhost"));
    }

    void expiry()
    {
        QCOMPARE(stored("s=1; Max-Age=60").expires, std::optional<qint64>(kNow + 60));
        QCOMPARE(stored("s=1; Expires=Wed, 21 Oct 2026 07:28:00 GMT").expires, std::optional<qint64>(1792567680));
        QCOMPARE(stored("s=1; expires=Wed, 21-Oct-2026 07:28:00 GMT").expires, std::optional<qint64>(1792567680));
        // Max-Age wins over Expires, whatever the order.
        QCOMPARE(
            stored("s=1; Max-Age=10; Expires=Wed, 21 Oct 2026 07:28:00 GMT").expires, std::optional<qint64>(kNow + 10));
        QVERIFY(*stored("s=1; Max-Age=0").expires <= kNow);
        QVERIFY(*stored("s=1; Max-Age=-5").expires <= kNow);
        const SetCookieResult bad = parseSetCookie("s=1; Expires=tomorrow; Max-Age=soon", QUrl("http://h/"), kNow);
        QVERIFY(bad.ok());
        QVERIFY(!bad.cookie->expires);
        QCOMPARE(bad.notes.size(), 2);
        QVERIFY2(bad.notes.at(0).contains(QStringLiteral("\"tomorrow\" is not a date")), qPrintable(bad.notes.at(0)));
    }

    void jarReplacesByNameDomainAndPath()
    {
        CookieJar jar;
        jar.add(stored("a=1"), kNow);
        jar.add(stored("b=1"), kNow);
        jar.add(stored("a=2; HttpOnly"), kNow); // same name, domain, path: replaced in its place
        QCOMPARE(jar.size(), 2);
        QCOMPARE(jar.cookies().at(0).value, QByteArray("2"));
        QVERIFY(jar.cookies().at(0).httpOnly);
        jar.add(stored("a=3; Path=/app"), kNow); // another path: another cookie
        jar.add(stored("a=4", QStringLiteral("http://localhost/")), kNow); // another host: another cookie
        QCOMPARE(jar.size(), 4);
        jar.add(stored("a=gone; Max-Age=0"), kNow); // how a server deletes one
        QCOMPARE(jar.size(), 3);
        QCOMPARE(jar.cookies().at(0).name, QByteArray("b"));
        jar.add(stored("never=1; Max-Age=0"), kNow); // already expired and nothing to replace: not stored
        QCOMPARE(jar.size(), 3);
        jar.clear();
        QVERIFY(jar.isEmpty());
    }

    void jarDropsExpiredAndStaysBounded()
    {
        CookieJar jar;
        jar.add(stored("short=1; Max-Age=10"), kNow);
        jar.add(stored("long=1; Max-Age=1000"), kNow);
        jar.add(stored("session=1"), kNow);
        jar.removeExpired(kNow + 10);
        QCOMPARE(jar.size(), 2);
        QCOMPARE(jar.cookies().at(0).name, QByteArray("long"));
        for (int i = 0; i < CookieJar::kMaxCookies + 5; ++i)
            jar.add(stored("c" + QByteArray::number(i) + "=1"), kNow);
        QCOMPARE(jar.size(), qsizetype(CookieJar::kMaxCookies));
        QCOMPARE(jar.cookies().back().name, QByteArray("c") + QByteArray::number(CookieJar::kMaxCookies + 4));
    }

    void handshakeDecisions_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("wsUrl");
        QTest::addColumn<QByteArray>("origin");
        QTest::addColumn<bool>("sent");
        QTest::addColumn<QString>("reason");
        const QString login = QStringLiteral("http://127.0.0.1:8080/login");
        const QByteArray lax = "session=x; Path=/; HttpOnly; SameSite=Lax";
        QTest::newRow("host and path match") << lax << login << QStringLiteral("ws://127.0.0.1:8080/") << QByteArray()
                                             << true << QStringLiteral("sent: host 127.0.0.1 and path / match");
        QTest::newRow("another port is the same host")
            << lax << login << QStringLiteral("ws://127.0.0.1:9001/chat") << QByteArray() << true
            << QStringLiteral("sent: host 127.0.0.1 and path / match");
        QTest::newRow("same-site page") << lax << login << QStringLiteral("ws://127.0.0.1:8080/")
                                        << QByteArray("http://127.0.0.1:8080") << true << QStringLiteral("sent:");
        QTest::newRow("host-only, other host")
            << lax << login << QStringLiteral("ws://localhost:8080/") << QByteArray() << false
            << QStringLiteral("not sent: host-only for 127.0.0.1, and the handshake goes to localhost");
        QTest::newRow("SameSite=Lax, page on another site")
            << lax << login << QStringLiteral("ws://127.0.0.1:8080/") << QByteArray("http://localhost:8080") << false
            << QStringLiteral("not sent: SameSite=Lax, and the page's origin http://localhost:8080 is another site "
                              "than 127.0.0.1");
        QTest::newRow("Lax by default, page on another site")
            << QByteArray("session=x") << login << QStringLiteral("ws://127.0.0.1:8080/")
            << QByteArray("https://evil.example") << false
            << QStringLiteral("not sent: SameSite=Lax (by default), and the page's origin https://evil.example");
        QTest::newRow("SameSite=Strict, page on another site")
            << QByteArray("s=1; SameSite=Strict") << QStringLiteral("https://app.example.com/")
            << QStringLiteral("wss://app.example.com/") << QByteArray("https://evil.example") << false
            << QStringLiteral("not sent: SameSite=Strict, and the page's origin https://evil.example is another site "
                              "than example.com");
        QTest::newRow("same site, other subdomain")
            << QByteArray("s=1; Domain=example.com") << QStringLiteral("https://app.example.com/")
            << QStringLiteral("wss://ws.example.com/") << QByteArray("https://www.example.com") << true
            << QStringLiteral("sent: domain example.com covers ws.example.com, and path / matches");
        QTest::newRow("SameSite=None goes cross-site")
            << QByteArray("s=1; SameSite=None; Secure") << QStringLiteral("https://app.example.com/")
            << QStringLiteral("wss://app.example.com/") << QByteArray("https://evil.example") << true
            << QStringLiteral("sent: host app.example.com and path / match; Secure, over TLS; SameSite=None lets the "
                              "page of another site (https://evil.example) bring it");
        QTest::newRow("path does not cover")
            << QByteArray("s=1; Path=/app") << login << QStringLiteral("ws://127.0.0.1:8080/") << QByteArray() << false
            << QStringLiteral("not sent: path /app does not cover /");
        QTest::newRow("path is a prefix but not a directory")
            << QByteArray("s=1; Path=/app") << login << QStringLiteral("ws://127.0.0.1:8080/application")
            << QByteArray() << false << QStringLiteral("not sent: path /app does not cover /application");
        QTest::newRow("path covers a deeper one")
            << QByteArray("s=1; Path=/app") << login << QStringLiteral("ws://127.0.0.1:8080/app/chat") << QByteArray()
            << true << QStringLiteral("sent: host 127.0.0.1 and path /app match");
        QTest::newRow("Secure over ws://") << QByteArray("s=1; Secure") << QStringLiteral("https://app.example.com/")
                                           << QStringLiteral("ws://app.example.com/") << QByteArray() << false
                                           << QStringLiteral("not sent: Secure, and ws:// is not TLS");
        QTest::newRow("Secure over wss://")
            << QByteArray("s=1; Secure") << QStringLiteral("https://app.example.com/")
            << QStringLiteral("wss://app.example.com/") << QByteArray() << true << QStringLiteral("; Secure, over TLS");
        QTest::newRow("Secure over ws:// to loopback")
            << QByteArray("s=1; Secure") << QStringLiteral("https://127.0.0.1:8443/")
            << QStringLiteral("ws://127.0.0.1:8080/") << QByteArray() << true
            << QStringLiteral("Secure, and 127.0.0.1 is loopback, which browsers trust like TLS");
        QTest::newRow("domain does not cover")
            << QByteArray("s=1; Domain=example.com") << QStringLiteral("https://app.example.com/")
            << QStringLiteral("wss://example.org/") << QByteArray() << false
            << QStringLiteral("not sent: domain example.com does not cover example.org");
        QTest::newRow("not a WebSocket URL") << lax << login << QStringLiteral("127.0.0.1:8080") << QByteArray()
                                             << false << QStringLiteral("not sent: the handshake URL is not");
    }
    void handshakeDecisions()
    {
        QFETCH(QByteArray, header);
        QFETCH(QString, from);
        QFETCH(QString, wsUrl);
        QFETCH(QByteArray, origin);
        QFETCH(bool, sent);
        QFETCH(QString, reason);
        const CookieSendDecision d = decide(stored(header, from), wsUrl, origin);
        QCOMPARE(d.sent, sent);
        QVERIFY2(d.reason.contains(reason), qPrintable(d.reason));
    }

    // The rule is the one the server's decision uses for the same Origin and host.
    void siteRuleIsShared()
    {
        HttpRequest request;
        request.headers.append("Host", "127.0.0.1:8080");
        QVERIFY(isCrossSite("http://localhost:8080", request));
        QVERIFY(isCrossSite("http://localhost:8080", QUrl(QStringLiteral("ws://127.0.0.1:8080/"))));
        QVERIFY(!isCrossSite("https://www.example.com", QUrl(QStringLiteral("wss://ws.example.com/"))));
        QCOMPARE(siteOf(QStringLiteral("a.b.example.com")), QStringLiteral("example.com"));
        QCOMPARE(siteOf(QStringLiteral("127.0.0.1")), QStringLiteral("127.0.0.1"));
    }

    void expiredIsNotSent()
    {
        const Cookie c = stored("s=1; Max-Age=60");
        const QList<CookieSendDecision> later
            = cookiesForHandshake(jarOf({ c }), QUrl(QStringLiteral("ws://127.0.0.1/")), {}, kNow + 61);
        QVERIFY(!later.front().sent);
        QCOMPARE(later.front().reason, QStringLiteral("not sent: expired at 2025-06-15 15:07:40 UTC"));
    }

    void whatIsTypedWins()
    {
        const CookieSendDecision d = decide(
            stored("session=jar"), QStringLiteral("ws://127.0.0.1/"), {}, cookieNames("theme=dark; session=typed"));
        QVERIFY(!d.sent);
        QCOMPARE(
            d.reason, QStringLiteral("not sent: the request's own Cookie already has session, and what is typed wins"));
        QCOMPARE(cookieNames(" a=1;b=2 ; junk ; =3"), (QList<QByteArray> { "a", "b" }));
    }

    // RFC 6265 §5.4 step 2: longer paths first, then the older cookie first; cookies not sent are left out.
    void headerOrder()
    {
        const CookieJar jar = jarOf({ stored("a=1"), stored("b=2; Path=/app"), stored("c=3"),
            stored("d=4; Path=/other"), stored("e=5; Path=/app/chat") });
        const QList<CookieSendDecision> decisions
            = cookiesForHandshake(jar, QUrl(QStringLiteral("ws://127.0.0.1:8080/app/chat")), {}, kNow);
        QCOMPARE(decisions.size(), 5);
        QCOMPARE(cookieHeaderValue(decisions), QByteArray("e=5; b=2; a=1; c=3"));
        QCOMPARE(cookieHeaderValue({}), QByteArray());
    }

    void loginUrlFromTheHandshakeUrl()
    {
        QCOMPARE(loginUrlFor(QUrl(QStringLiteral("ws://127.0.0.1:9001/chat?x=1"))),
            QUrl(QStringLiteral("http://127.0.0.1:9001/login")));
        QCOMPARE(loginUrlFor(QUrl(QStringLiteral("wss://app.example.com/"))),
            QUrl(QStringLiteral("https://app.example.com/login")));
        QCOMPARE(
            loginUrlFor(QUrl(QStringLiteral("wss://[::1]:8443/"))), QUrl(QStringLiteral("https://[::1]:8443/login")));
        QVERIFY(!loginUrlFor(QUrl(QStringLiteral("http://h/"))).isValid());
        QVERIFY(!loginUrlFor(QUrl(QStringLiteral("not a url"))).isValid());
    }

    void loginAnswers()
    {
        const QUrl login(QStringLiteral("http://127.0.0.1:8080/login"));
        CookieJar jar;
        const LoginOutcome ok
            = storeLoginAnswer(jar, login, 200, "OK", { "session=0123456789abcdef; Path=/; HttpOnly; SameSite=Lax" },
                R"({"user":"alice","roles":["admin"]})", kNow);
        QVERIFY(ok.loggedIn);
        QCOMPARE(ok.summary, QStringLiteral("Logged in as alice (roles: admin); the server set 1 cookie"));
        QCOMPARE(ok.stored, 1);
        QCOMPARE(jar.size(), 1);

        const LoginOutcome wrong = storeLoginAnswer(
            jar, login, 401, "Unauthorized", {}, R"({"error":"unknown user or wrong password"})", kNow);
        QVERIFY(!wrong.loggedIn);
        QCOMPARE(wrong.summary, QStringLiteral("Not logged in: 401 Unauthorized: unknown user or wrong password"));
        QCOMPARE(jar.size(), 1); // nothing added, nothing taken

        const LoginOutcome refused = storeLoginAnswer(
            jar, login, 200, "OK", { "other=1; SameSite=None", "x" }, R"({"user":"bob","roles":[]})", kNow);
        QCOMPARE(refused.summary,
            QStringLiteral("Logged in as bob (no roles); the server set 2 cookies, but the jar refused other "
                           "(SameSite=None needs Secure), x (there is no name=value pair before the first ';')"));
        QCOMPARE(refused.stored, 0);

        const LoginOutcome noCookie = storeLoginAnswer(jar, login, 204, "No Content", {}, {}, kNow);
        QCOMPARE(noCookie.summary,
            QStringLiteral("Logged in (204 No Content); the server set no cookie, so the handshake has nothing to "
                           "carry from this login"));
        const LoginOutcome html = storeLoginAnswer(jar, login, 404, "Not Found", {}, "<h1>no\n such page</h1>", kNow);
        QCOMPARE(html.summary, QStringLiteral("Not logged in: 404 Not Found: <h1>no such page</h1>"));
    }
};

QTEST_APPLESS_MAIN(TestCookieJar)
#include "tst_cookiejar.moc"
