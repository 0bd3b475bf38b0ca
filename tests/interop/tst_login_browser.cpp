// serve --login with real peers: Werkzeug (Debian python3-werkzeug) writes the password hashes the users file holds,
// and headless Chromium logs in on the server's page, brings the session cookie to its WebSocket handshake, and then
// opens the server's cross-site page from another host name (localhost for 127.0.0.1): another site to the browser.
// What the browser does with the cookie there (SameSite) and what the server does with the page (its origin check)
// is the lesson of cross-site WebSocket hijacking, with a real browser.
#include "core/userdirectory.h"
#include "engine/echoserver.h"
#include "support/browserharness.h"
#include "support/peerprocess.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace wsi;
using wsi::test::BrowserHarness;

namespace
{
const QString kPython = QStringLiteral("/usr/bin/python3");
constexpr int kWaitMs = 60000;

// The answered handshakes whose request carried this Origin.
QList<const ServerConnection*> answeredFrom(const EchoServer& server, const QString& origin)
{
    QList<const ServerConnection*> found;
    for (const ServerConnection* c : server.connections()) {
        const HandshakeRecord& h = c->transcript().handshake();
        if (h.status != 0 && h.rawRequest.startsWith("GET / ")
            && h.rawRequest.contains("\r\nOrigin: " + origin.toUtf8() + "\r\n"))
            found.append(c);
    }
    return found;
}

const ServerConnection* routed(const EchoServer& server, const QString& route)
{
    for (const ServerConnection* c : server.connections()) {
        if (c->transcript().handshake().route == route)
            return c;
    }
    return nullptr;
}

QString traceText(const ServerConnection* c)
{
    QStringList lines;
    for (const DecisionStep& step : c->transcript().handshake().decisionSteps)
        lines.append(step.text);
    return lines.join(QLatin1Char('\n'));
}

bool sentWelcomeNaming(const ServerConnection* c, const QByteArray& user)
{
    for (const MessageRecord& m : c->transcript().messages()) {
        if (c->transcript().messagePayload(m).contains("\"user\":\"" + user + "\""))
            return true;
    }
    return false;
}
} // namespace

class TestLoginBrowser : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_usersFile;

    void skipUnlessChromium()
    {
        const QString reason = BrowserHarness::unavailableReason();
        if (!reason.isEmpty() && !wsi::test::peersRequired())
            QSKIP(qPrintable(reason));
        QVERIFY2(reason.isEmpty(), qPrintable(reason));
    }

    ServerPolicy loginPolicy() const
    {
        ServerPolicy policy;
        policy.usersFile = m_usersFile.toUtf8();
        policy.login = true;
        policy.welcome = true;
        return policy;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        PasswordHashSettings cheap; // a test needs no brute-force resistance, only the same algorithm
        cheap.iterations = 1000;
        const QJsonObject users { { QStringLiteral("logins"),
            QJsonObject { { QStringLiteral("alice"),
                QJsonObject { { QStringLiteral("password"),
                                  QString::fromLatin1(hashPassword("wonderland", "saltsaltsaltsalt", cheap)) },
                    { QStringLiteral("roles"), QJsonArray { QStringLiteral("admin") } } } } } } };
        m_usersFile = m_dir.filePath(QStringLiteral("users.json"));
        QFile file(m_usersFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(users).toJson());
    }

    // Werkzeug's generate_password_hash (PBKDF2) and Werkzeug 3's scrypt layout (made with hashlib here, since Debian
    // 12's Werkzeug 2.2 predates it): the server must accept the right password and refuse another.
    void werkzeugHashesAreChecked()
    {
        QProcess python;
        python.start(kPython,
            { QStringLiteral("-c"),
                QStringLiteral("import hashlib, werkzeug.security as s\n"
                               "print(s.generate_password_hash('wonderland', method='pbkdf2:sha256:2000'))\n"
                               "print(s.generate_password_hash('wonderland', method='pbkdf2:sha512:1500'))\n"
                               "print(s.generate_password_hash('wonderland'))\n"
                               "salt = 'QwErTyUiOpAsDfGh'\n"
                               "h = hashlib.scrypt(b'wonderland', salt=salt.encode(), n=16384, r=8, p=1, "
                               "maxmem=132*16384*8, dklen=64).hex()\n"
                               "print('scrypt:16384:8:1$' + salt + '$' + h)\n") });
        QVERIFY(python.waitForFinished(kWaitMs));
        if (python.exitCode() != 0) {
            const QString reason = QStringLiteral("python3-werkzeug is not installed for /usr/bin/python3: ")
                + QString::fromUtf8(python.readAllStandardError().right(300));
            if (!wsi::test::peersRequired())
                QSKIP(qPrintable(reason));
            QFAIL(qPrintable(reason));
        }
        const QList<QByteArray> hashes = python.readAllStandardOutput().trimmed().split('\n');
        QCOMPARE(hashes.size(), 4);
        QVERIFY(hashes[0].startsWith("pbkdf2:sha256:2000$"));
        QVERIFY(hashes[3].startsWith("scrypt:16384:8:1$"));
        for (const QByteArray& hash : hashes) {
            const PasswordCheck right = checkPassword("wonderland", hash);
            QVERIFY2(right.matches, qPrintable(hash + " " + right.problem));
            const PasswordCheck wrong = checkPassword("wonderlant", hash);
            QVERIFY2(!wrong.matches && wrong.problem.isEmpty(), qPrintable(hash));
        }
        QCOMPARE(checkPassword("wonderland", hashes[1]).method, QStringLiteral("pbkdf2:sha512, 1500 iterations"));
    }

    // The page logs in, the cookie comes back with the page's WebSocket; then the same page under the other host
    // name opens a WebSocket back, and the Lax cookie stays home.
    void laxCookieReachesTheSameSiteHandshakeOnly()
    {
        skipUnlessChromium();
        EchoServer server;
        server.setPolicy(loginPolicy());
        QCOMPARE(server.policyFileProblems(), QStringList());
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const QString sameSite = QStringLiteral("http://127.0.0.1:%1").arg(server.port());
        const QString otherSite = QStringLiteral("http://localhost:%1").arg(server.port());

        BrowserHarness browser;
        const bool done = browser.openUntil(
            QUrl(sameSite + QStringLiteral("/#user=alice&password=wonderland&connect&cross-site")),
            [&] { return !answeredFrom(server, sameSite).isEmpty() && !answeredFrom(server, otherSite).isEmpty(); }, {},
            kWaitMs);
        QVERIFY2(done, qPrintable(browser.lastError()));

        const ServerConnection* login = routed(server, QStringLiteral("POST /login"));
        QVERIFY(login);
        const HandshakeRecord& answer = login->transcript().handshake();
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.rawResponse.contains("Set-Cookie: session="));
        QVERIFY(answer.rawResponse.contains("; Path=/; HttpOnly; SameSite=Lax\r\n"));
        QVERIFY2(!answer.rawRequest.contains("wonderland"), "the password is not recorded");

        const ServerConnection* own = answeredFrom(server, sameSite).front();
        QCOMPARE(own->transcript().handshake().status, 101);
        QVERIFY(own->transcript().handshake().user);
        QCOMPARE(own->transcript().handshake().user->name, QStringLiteral("alice"));
        QCOMPARE(own->transcript().handshake().user->roles, QStringList { QStringLiteral("admin") });
        QVERIFY(own->transcript().handshake().rawRequest.contains("\r\nCookie: session="));
        QVERIFY2(traceText(own).contains(QStringLiteral("login session from Cookie session= accepted")),
            qPrintable(traceText(own)));
        QTRY_VERIFY_WITH_TIMEOUT(sentWelcomeNaming(own, "alice"), kWaitMs);

        const ServerConnection* foreign = answeredFrom(server, otherSite).front();
        QCOMPARE(foreign->transcript().handshake().status, 401);
        QVERIFY(!foreign->transcript().handshake().rawRequest.contains("Cookie:"));
        QVERIFY2(traceText(foreign).contains(QStringLiteral("the page is on another site (Origin %1").arg(otherSite))
                && traceText(foreign).contains(QStringLiteral("a cookie set SameSite=Lax")),
            qPrintable(traceText(foreign)));
    }

    // SameSite=None (so Secure, so TLS), in a profile that allows third-party cookies as desktop browsers do: the
    // other site's page now talks as alice, and only an origin allowlist stops it.
    void sameSiteNoneLetsAnotherSiteInUntilTheOriginCheck()
    {
        skipUnlessChromium();
        QString error;
        const std::optional<TlsIdentity> identity = generateSelfSignedIdentity(&error);
        QVERIFY2(identity, qPrintable(error));
        EchoServer server;
        server.enableTls(*identity);
        ServerPolicy policy = loginPolicy();
        policy.cookieSameSite = CookieSameSite::None;
        server.setPolicy(policy);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        const QString sameSite = QStringLiteral("https://127.0.0.1:%1").arg(server.port());
        const QString otherSite = QStringLiteral("https://localhost:%1").arg(server.port());
        const QUrl start(sameSite + QStringLiteral("/#user=alice&password=wonderland&connect&cross-site"));
        BrowserHarness::Options options;
        options.extraArguments = { QStringLiteral("--ignore-certificate-errors") };
        options.allowThirdPartyCookies = true;

        BrowserHarness browser;
        QVERIFY2(browser.openUntil(
                     start, [&] { return !answeredFrom(server, otherSite).isEmpty(); }, options, kWaitMs),
            qPrintable(browser.lastError()));
        const ServerConnection* login = routed(server, QStringLiteral("POST /login"));
        QVERIFY(login->transcript().handshake().rawResponse.contains("; HttpOnly; SameSite=None; Secure\r\n"));
        const ServerConnection* hijacked = answeredFrom(server, otherSite).front();
        QCOMPARE(hijacked->transcript().handshake().status, 101);
        QCOMPARE(hijacked->transcript().handshake().user->name, QStringLiteral("alice"));
        QVERIFY2(
            traceText(hijacked).contains(QStringLiteral("the browser attached it because it was set SameSite=None")),
            qPrintable(traceText(hijacked)));

        policy.allowedOrigins = { sameSite.toUtf8() };
        server.setPolicy(policy);
        BrowserHarness again;
        QVERIFY2(again.openUntil(
                     start, [&] { return answeredFrom(server, otherSite).size() == 2; }, options, kWaitMs),
            qPrintable(again.lastError()));
        const QList<const ServerConnection*> crossSite = answeredFrom(server, otherSite);
        const ServerConnection* stopped = crossSite.front() == hijacked ? crossSite.back() : crossSite.front();
        QVERIFY(stopped);
        QCOMPARE(stopped->transcript().handshake().status, 403);
        QVERIFY2(stopped->transcript().handshake().rawRequest.contains("\r\nCookie: session="),
            "the cookie came along, and the origin check refused the page anyway");
    }
};

QTEST_MAIN(TestLoginBrowser)
#include "tst_login_browser.moc"
