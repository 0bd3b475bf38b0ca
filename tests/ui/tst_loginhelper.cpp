// The builder's Log in… helper against the real local server with --login and a users file: a wrong password is
// refused in words and stores nothing; a right one fills the jar with the session cookie, which the next handshake
// carries (the server names alice), and which stays home when the builder's Origin is another site's page (the
// server then refuses with 401).

#include "core/userdirectory.h"
#include "engine/echoserver.h"
#include "support/windowtests.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/builder/logindialog.h"
#include "ui/window/mainwindow.h"

#include <QCheckBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace wsi;
using wsi::test::child;

namespace
{
constexpr int kTimeoutMs = 10'000;

QString cellText(QTableWidget* table, int row, int column)
{
    const QTableWidgetItem* item = table->item(row, column);
    return item ? item->text() : QString();
}

// The server's connection number `index` (in the order accepted; logins count too) once it has been decided.
const ServerConnection* decided(const EchoServer& server, qsizetype index)
{
    const QList<ServerConnection*> connections = server.connections();
    return index < connections.size() && connections.at(index)->decision() ? connections.at(index) : nullptr;
}
} // namespace

class TestLoginHelper : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString m_usersFile;

    ServerPolicy loginPolicy() const
    {
        ServerPolicy policy;
        policy.usersFile = m_usersFile.toUtf8();
        policy.login = true;
        return policy;
    }

    // Types into the dialog's fields and presses Log in, waiting for the answer.
    static void logIn(LoginDialog* dialog, const QString& user, const QString& password)
    {
        QSignalSpy finished(dialog, &LoginDialog::loginFinished);
        QLineEdit* userEdit = child<QLineEdit>(dialog, "loginUserEdit");
        QLineEdit* passwordEdit = child<QLineEdit>(dialog, "loginPasswordEdit");
        userEdit->clear();
        QTest::keyClicks(userEdit, user);
        passwordEdit->clear();
        QTest::keyClicks(passwordEdit, password);
        QTest::mouseClick(child<QPushButton>(dialog, "loginButton"), Qt::LeftButton);
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kTimeoutMs);
    }

private Q_SLOTS:
    void initTestCase()
    {
        test::isolateSettings("tst_loginhelper");
        QVERIFY(m_dir.isValid());
        PasswordHashSettings fast;
        fast.iterations = 1000; // the test checks the flow, not the hash's cost
        const QByteArray hash = hashPassword("correct horse", "test-salt-1234", fast);
        m_usersFile = m_dir.filePath(QStringLiteral("users.json"));
        QFile file(m_usersFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"logins":{"alice":{"password":")" + hash + R"(","roles":["admin"]}}})");
    }

    void logInCarryTheCookieAndKeepItFromAnotherSite()
    {
        auto server = test::startLocalServer(loginPolicy());
        QVERIFY(server->isListening());
        QVERIFY2(server->policyFileProblems().isEmpty(), qPrintable(server->policyFileProblems().join(u'\n')));
        const QString port = QString::number(server->port());
        MainWindow window(server.get());
        window.resize(1000, 650);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        HandshakeBuilder* builder = window.builder();
        QCOMPARE(QUrl(builder->spec().url).host(), QStringLiteral("127.0.0.1"));
        QCOMPARE(QUrl(builder->spec().url).port(), int(server->port()));

        // Without the jar the server refuses: a login server asks for a credential.
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(decided(*server, 0), kTimeoutMs);
        QCOMPARE(decided(*server, 0)->transcript().handshake().status, 401);

        QToolButton* loginButton = child<QToolButton>(builder, "loginButton");
        QCOMPARE(loginButton->text(), QStringLiteral("Log in…"));
        QTest::mouseClick(loginButton, Qt::LeftButton);
        auto* dialog = builder->findChild<LoginDialog*>();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QLineEdit* urlEdit = child<QLineEdit>(dialog, "loginUrlEdit");
        QCOMPARE(urlEdit->text(), QStringLiteral("http://127.0.0.1:%1/login").arg(port));
        QVERIFY(child<QCheckBox>(dialog, "loginSkipVerificationCheck")->isHidden()); // http: nothing to verify
        QCOMPARE(child<QLineEdit>(dialog, "loginPasswordEdit")->echoMode(), QLineEdit::Password);
        QTableWidget* table = child<QTableWidget>(dialog, "cookieJarTable");
        QLabel* outcome = child<QLabel>(dialog, "loginOutcomeLabel");

        // A wrong password: the 401 in words, and nothing in the jar.
        logIn(dialog, QStringLiteral("alice"), QStringLiteral("wrong"));
        QCOMPARE(outcome->text(), QStringLiteral("Not logged in: 401 Unauthorized: unknown user or wrong password."));
        QCOMPARE(table->rowCount(), 0);
        QVERIFY(builder->cookieJar().isEmpty());
        QVERIFY(!child<QPushButton>(dialog, "clearJarButton")->isEnabled());

        // The right one: the session cookie, as the server set it.
        logIn(dialog, QStringLiteral("alice"), QStringLiteral("correct horse"));
        QCOMPARE(outcome->text(), QStringLiteral("Logged in as alice (roles: admin); the server set 1 cookie."));
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(cellText(table, 0, LoginDialog::NameColumn), QStringLiteral("session"));
        QCOMPARE(cellText(table, 0, LoginDialog::DomainColumn), QStringLiteral("127.0.0.1 (host-only)"));
        QCOMPARE(cellText(table, 0, LoginDialog::PathColumn), QStringLiteral("/"));
        QCOMPARE(cellText(table, 0, LoginDialog::SameSiteColumn), QStringLiteral("Lax"));
        QCOMPARE(cellText(table, 0, LoginDialog::HttpOnlyColumn), QStringLiteral("yes"));
        QCOMPARE(cellText(table, 0, LoginDialog::SecureColumn), QStringLiteral("no"));
        QCOMPARE(
            cellText(table, 0, LoginDialog::HandshakeColumn), QStringLiteral("sent: host 127.0.0.1 and path / match"));
        const QByteArray sessionId = builder->cookieJar().cookies().front().value;
        QVERIFY(sessionId.size() >= 16);
        // The value is a secret: the table shows its start only.
        QCOMPARE(cellText(table, 0, LoginDialog::ValueColumn), QString::fromLatin1(sessionId.left(4)) + QChar(0x2026));
        QCOMPARE(loginButton->text(), QStringLiteral("Log in… (1)"));

        // The handshake carries it: the request's bytes, and the server's user.
        QVERIFY(builder->spec().cookie.isEmpty()); // a profile saved now would not hold the session
        QVERIFY(builder->preview().bytes.contains("\r\nCookie: session=" + sessionId + "\r\n"));
        dialog->close();
        const qsizetype before = server->connections().size();
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(decided(*server, before), kTimeoutMs);
        const ServerConnection* carried = decided(*server, before);
        QCOMPARE(carried->transcript().handshake().status, 101);
        QVERIFY(carried->transcript().handshake().user);
        QCOMPARE(carried->transcript().handshake().user->name, QStringLiteral("alice"));
        // The server saw the cookie: its record of the raw request has it.
        QVERIFY(carried->transcript().handshake().rawRequest.contains("Cookie: session=" + sessionId));

        // A page of another site (localhost for 127.0.0.1): the jar keeps the Lax cookie home, and the server refuses.
        builder->openLoginDialog();
        QLineEdit* origin = child<QLineEdit>(builder, "originEdit");
        origin->clear();
        QTest::keyClicks(origin, QStringLiteral("http://localhost:%1").arg(port));
        QCOMPARE(builder->spec().origin, QStringLiteral("http://localhost:%1").arg(port).toUtf8());
        QCOMPARE(cellText(table, 0, LoginDialog::HandshakeColumn),
            QStringLiteral("not sent: SameSite=Lax, and the page's origin http://localhost:%1 is another site than "
                           "127.0.0.1")
                .arg(port));
        QVERIFY(!builder->preview().bytes.contains("Cookie:"));
        const qsizetype afterAlice = server->connections().size();
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(decided(*server, afterAlice), kTimeoutMs);
        const ServerConnection* crossSite = decided(*server, afterAlice);
        QCOMPARE(crossSite->transcript().handshake().status, 401);
        QVERIFY(!crossSite->transcript().handshake().rawRequest.contains("Cookie:"));

        // Clear empties the jar.
        QTest::mouseClick(child<QPushButton>(dialog, "clearJarButton"), Qt::LeftButton);
        QCOMPARE(table->rowCount(), 0);
        QVERIFY(builder->cookieJar().isEmpty());
        QCOMPARE(loginButton->text(), QStringLiteral("Log in…"));
    }

    // A cookie typed in the builder's Cookie field wins over the jar's of the same name.
    void typedCookieWins()
    {
        HandshakeBuilder builder;
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:9/"));
        spec.cookie = "session=typed";
        spec.syncRowsFromHelpers();
        builder.setSpec(spec);
        CookieJar jar;
        Cookie fromJar;
        fromJar.name = "session";
        fromJar.value = "jar";
        fromJar.domain = QStringLiteral("127.0.0.1");
        Cookie other = fromJar;
        other.name = "theme";
        jar.add(fromJar, 0);
        jar.add(other, 0);
        builder.setCookieJar(jar);
        const QByteArray bytes = builder.preview().bytes;
        QVERIFY2(bytes.contains("\r\nCookie: session=typed; theme=jar\r\n"), bytes.constData());
        QVERIFY(!builder.jarDecisions().front().sent);
        QVERIFY(builder.jarDecisions().back().sent);
        // Raw mode sends the text as typed: the jar adds nothing to it.
        spec.rawMode = true;
        spec.rawRequest = "GET / HTTP/1.1\r\nHost: 127.0.0.1:9\r\n\r\n";
        builder.setSpec(spec);
        QCOMPARE(builder.preview().bytes, spec.rawRequest);
    }

    // Not a check: pictures of the dialog for a person to look at (WSI_SCREENSHOT_DIR=dir).
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("WSI_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set WSI_SCREENSHOT_DIR to save screenshots of the login helper");
        auto server = test::startLocalServer(loginPolicy());
        MainWindow window(server.get());
        window.resize(1000, 650);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        HandshakeBuilder* builder = window.builder();
        LoginDialog* dialog = builder->openLoginDialog();
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        logIn(dialog, QStringLiteral("alice"), QStringLiteral("correct horse"));
        QVERIFY(dialog->grab().save(dir + QStringLiteral("/login-sent.png")));
        // The window after connecting with the jar's cookie: the request sent shows it.
        dialog->close();
        const qsizetype before = server->connections().size();
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(decided(*server, before), kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().contains(QStringLiteral("101")), kTimeoutMs);
        QVERIFY(window.grab().save(dir + QStringLiteral("/login-connected.png")));
        builder->openLoginDialog();
        QLineEdit* origin = child<QLineEdit>(builder, "originEdit");
        origin->clear();
        QTest::keyClicks(origin, QStringLiteral("http://localhost:%1").arg(server->port()));
        QVERIFY(dialog->grab().save(dir + QStringLiteral("/login-cross-site.png")));
        logIn(dialog, QStringLiteral("alice"), QStringLiteral("nope"));
        QVERIFY(dialog->grab().save(dir + QStringLiteral("/login-refused.png")));
        dialog->close();
        // The builder as narrow as its dock gets at 1000x650, with a cookie in the jar.
        HandshakeBuilder narrow;
        narrow.resize(300, 640);
        narrow.setSpec(builder->spec());
        narrow.setCookieJar(builder->cookieJar());
        narrow.show();
        QVERIFY(QTest::qWaitForWindowExposed(&narrow));
        QVERIFY(narrow.grab().save(dir + QStringLiteral("/login-builder.png")));
    }
};

QTEST_MAIN(TestLoginHelper)
#include "tst_loginhelper.moc"
