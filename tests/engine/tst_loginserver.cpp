// serve --login in the engine: a password check is slow by design, and must not stall the other connections.
#include "core/userdirectory.h"
#include "engine/echoserver.h"

#include <QCoreApplication>
#include <QFile>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThreadPool>
#include <QWebSocket>

using namespace wsi;

namespace
{
constexpr int kWaitMs = 30000;

// A users file whose one login, alice / wonderland, takes `iterations` of PBKDF2 to check: slow on purpose.
QString aliceUsersFile(const QTemporaryDir& dir, int iterations)
{
    PasswordHashSettings slow;
    slow.iterations = iterations;
    const QString path = dir.filePath(QStringLiteral("users.json"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        qFatal("cannot write %s", qPrintable(path));
    file.write(R"({"logins": {"alice": {"password": ")" + hashPassword("wonderland", "salt", slow) + R"("}}})");
    return path;
}
} // namespace

class TestLoginServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A login whose hash takes about a second: while it is checked, another client's echo comes back, and the login
    // is answered after it.
    void echoGoesOnWhileAPasswordIsChecked()
    {
        QTemporaryDir dir;
        const QString usersFile = aliceUsersFile(dir, 3'000'000);

        EchoServer server;
        ServerPolicy policy;
        policy.usersFile = usersFile.toUtf8();
        policy.login = true;
        policy.tokenFrom = { "cookie:session", "query:token" };
        policy.users = { "t-bob=bob" };
        server.setPolicy(policy);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));

        QTcpSocket login;
        login.connectToHost(QHostAddress::LocalHost, server.port());
        const QByteArray body = R"({"user":"alice","password":"wonderland"})";
        login.write("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QByteArray answer;
        connect(&login, &QTcpSocket::readyRead, &login, [&] { answer += login.readAll(); });
        // The login request is in and being checked before the other client starts.
        QTRY_VERIFY_WITH_TIMEOUT(!server.connections().isEmpty(), kWaitMs);

        QWebSocket bob;
        QSignalSpy echoes(&bob, &QWebSocket::textMessageReceived);
        connect(&bob, &QWebSocket::connected, &bob, [&] { bob.sendTextMessage(QStringLiteral("still here")); });
        QUrl url = server.url();
        url.setQuery(QStringLiteral("token=t-bob"));
        bob.open(url);
        QTRY_COMPARE_WITH_TIMEOUT(echoes.size(), 1, kWaitMs);
        QVERIFY2(answer.isEmpty(), "the login was answered before the echo: the hash ran on the event loop");

        QTRY_VERIFY_WITH_TIMEOUT(answer.contains("\r\n\r\n{"), kWaitMs);
        QVERIFY2(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer.constData());
        QCOMPARE(server.loginSessionCount(), 1);
    }

    // A connection that goes away while its password is checked is simply gone: nothing is answered into it.
    void clientLeavingDuringTheCheck()
    {
        QTemporaryDir dir;
        const QString usersFile = aliceUsersFile(dir, 1'000'000);
        EchoServer server;
        ServerPolicy policy;
        policy.usersFile = usersFile.toUtf8();
        policy.login = true;
        server.setPolicy(policy);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        QSignalSpy closed(&server, &EchoServer::connectionClosed);
        {
            QTcpSocket login;
            login.connectToHost(QHostAddress::LocalHost, server.port());
            QVERIFY(login.waitForConnected(kWaitMs));
            const QByteArray body = "user=alice&password=wonderland";
            login.write("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        "Content-Length: "
                + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            QVERIFY(login.waitForBytesWritten(kWaitMs));
            QTRY_VERIFY_WITH_TIMEOUT(!server.connections().isEmpty(), kWaitMs);
            login.abort();
        }
        QTRY_COMPARE_WITH_TIMEOUT(closed.size(), 1, kWaitMs);
        // Let the check finish on its thread and its queued answer arrive: it finds the connection over and is
        // dropped, so no session is opened for a client that is gone and nothing is written.
        QVERIFY(QThreadPool::globalInstance()->waitForDone(kWaitMs));
        QCoreApplication::sendPostedEvents();
        QCOMPARE(server.loginSessionCount(), 0);
        QCOMPARE(server.connections().front()->transcript().handshake().status, 0);
    }
};

QTEST_MAIN(TestLoginServer)
#include "tst_loginserver.moc"
