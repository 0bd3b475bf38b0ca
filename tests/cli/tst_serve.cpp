// `wsinspector serve` as scripts use it: the exact first line, the JSON events, exit codes, signals.

#include "core/userdirectory.h"
#include "engine/tlsidentity.h"
#include "support/testpaths.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>
#include <csignal>

namespace
{
constexpr int kWaitMs = 10000;

// One `serve` process and its stdout, line by line.
class Serve
{
public:
    explicit Serve(const QStringList& args)
    {
        m_process.setProgram(wsi::test::wsinspectorBinary());
        m_process.setArguments(QStringList { QStringLiteral("serve") } + args);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, [this] {
            m_pending += m_process.readAllStandardOutput();
            qsizetype nl;
            while ((nl = m_pending.indexOf('\n')) >= 0) {
                m_lines.append(m_pending.left(nl));
                m_pending.remove(0, nl + 1);
            }
        });
        m_process.start();
    }
    ~Serve()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(kWaitMs);
        }
    }
    bool waitForLines(qsizetype n)
    {
        return QTest::qWaitFor([&] { return m_lines.size() >= n; }, kWaitMs);
    }
    const QList<QByteArray>& lines() const { return m_lines; }
    // The listening URL from the first line, in either output mode.
    QUrl url()
    {
        if (!waitForLines(1))
            return {};
        const QByteArray first = m_lines.front();
        if (first.startsWith('{'))
            return QUrl(QJsonDocument::fromJson(first).object().value(QLatin1String("url")).toString());
        return QUrl(QString::fromUtf8(first.mid(first.indexOf(' ') + 1)));
    }
    QList<QJsonObject> events(const QString& name) const
    {
        QList<QJsonObject> out;
        for (const QByteArray& line : m_lines) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            if (o.value(QLatin1String("event")).toString() == name)
                out.append(o);
        }
        return out;
    }
    bool allLinesAreJson() const
    {
        for (const QByteArray& line : m_lines) {
            QJsonParseError error;
            if (!QJsonDocument::fromJson(line, &error).isObject())
                return false;
        }
        return true;
    }
    bool waitForEvent(const QString& name, qsizetype count = 1)
    {
        return QTest::qWaitFor([&] { return events(name).size() >= count; }, kWaitMs);
    }
    void signal(int sig) { ::kill(pid_t(m_process.processId()), sig); }
    bool waitForExit() { return m_process.state() == QProcess::NotRunning || m_process.waitForFinished(kWaitMs); }
    QProcess& process() { return m_process; }

private:
    QProcess m_process;
    QByteArray m_pending;
    QList<QByteArray> m_lines;
};

QStringList base(const QStringList& more = {})
{
    return QStringList { QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") } + more;
}
} // namespace

class TstServe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(!wsi::test::wsinspectorBinary().isEmpty(), "WSI_BINARY is not set"); }

    void badFlags_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown") << QStringList { "--frobnicate" } << "unknown option --frobnicate";
        QTest::newRow("stray word") << QStringList { "now" } << "unexpected argument";
        QTest::newRow("listen without port") << QStringList { "--listen", "127.0.0.1" } << "--listen wants HOST:PORT";
        QTest::newRow("listen port too big") << QStringList { "--listen", "127.0.0.1:70000" } << "--listen";
        QTest::newRow("missing value") << QStringList { "--token" } << "--token needs a value";
        QTest::newRow("order") << QStringList { "--protocol-order", "random" }
                               << "--protocol-order must be server or client";
        QTest::newRow("no match") << QStringList { "--no-protocol-match", "maybe" } << "proceed or reject";
        QTest::newRow("window bits") << QStringList { "--deflate-server-max-window-bits", "16" } << "8 to 15";
        QTest::newRow("both deflate flags") << QStringList { "--deflate", "--no-deflate" } << "contradict";
        QTest::newRow("cert without key") << QStringList { "--cert", "a.pem" } << "--cert and --key go together";
        QTest::newRow("bad protocol token")
            << QStringList { "--protocols", "a b" } << "--protocols holds \"a b\", which is not a valid token";
        QTest::newRow("header injection")
            << QStringList { "--header", "X: a\r\nY: b" } << "--header holds \"X: a\\r\\nY: b\", which is not";
        QTest::newRow("header without colon")
            << QStringList { "--header", "X" } << "--header holds \"X\", which is not \"Name: value\"";
        QTest::newRow("max message") << QStringList { "--max-message", "-5" } << "--max-message";
        QTest::newRow("timeout") << QStringList { "--handshake-timeout", "soon" } << "--handshake-timeout";
        QTest::newRow("user without name") << QStringList { "--user", "s3cret" }
                                           << "--user holds an item that is not "
                                              "TOKEN=NAME";
        QTest::newRow("token-from word") << QStringList { "--token-from", "query:token,header" }
                                         << "\"header\" is not a place a credential";
        QTest::newRow("jwt key file missing") << QStringList { "--jwt-key", "/nonexistent/keys.json" }
                                              << "JWT key file /nonexistent/keys.json cannot be read";
        QTest::newRow("jwt leeway") << QStringList { "--jwt-leeway", "-1" } << "--jwt-leeway";
        QTest::newRow("users file missing") << QStringList { "--users", "/nonexistent/users.json" }
                                            << "Users file /nonexistent/users.json cannot be read";
        QTest::newRow("samesite") << QStringList { "--cookie-samesite", "loose" } << "--cookie-samesite";
    }

    // POST /login, then the cookie it set in a real client's handshake: serve --json shows both, the login as a
    // "route" and the handshake with its user; a users file that cannot be used stops serve with 64.
    void loginOverTheWire()
    {
        QTemporaryDir dir;
        const QString usersFile = dir.filePath(QStringLiteral("users.json"));
        QFile file(usersFile);
        QVERIFY(file.open(QIODevice::WriteOnly));
        wsi::PasswordHashSettings cheap;
        cheap.iterations = 1000;
        file.write(R"({"logins": {"alice": {"password": ")" + wsi::hashPassword("wonderland", "salt", cheap)
            + R"(", "roles": ["admin"]}}})");
        file.close();

        Serve serve(
            base({ QStringLiteral("--json"), QStringLiteral("--users"), usersFile, QStringLiteral("--login") }));
        const QUrl url = serve.url();
        QTcpSocket http;
        http.connectToHost(QHostAddress::LocalHost, quint16(url.port()));
        const QByteArray body = R"({"user":"alice","password":"wonderland"})";
        http.write("POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QByteArray answer;
        QVERIFY(QTest::qWaitFor(
            [&] {
                answer += http.readAll();
                return http.state() == QAbstractSocket::UnconnectedState || answer.contains("\r\n\r\n{");
            },
            kWaitMs));
        QVERIFY2(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer.constData());
        const qsizetype cookieAt = answer.indexOf("Set-Cookie: session=");
        QVERIFY(cookieAt > 0);
        const QByteArray cookie = answer.mid(cookieAt + 12, answer.indexOf(';', cookieAt) - cookieAt - 12);

        QWebSocket client;
        QSignalSpy connected(&client, &QWebSocket::connected);
        QNetworkRequest request(url);
        request.setRawHeader("Cookie", cookie);
        client.open(request);
        QTRY_VERIFY_WITH_TIMEOUT(!connected.isEmpty(), kWaitMs);
        QVERIFY(serve.waitForEvent(QStringLiteral("handshake"), 2));
        const QList<QJsonObject> events = serve.events(QStringLiteral("handshake"));
        QCOMPARE(events.at(0).value(QLatin1String("route")).toString(), QStringLiteral("POST /login"));
        QCOMPARE(events.at(0).value(QLatin1String("status")).toInt(), 200);
        QVERIFY(!events.at(1).contains(QLatin1String("route")));
        const QJsonObject user = events.at(1).value(QLatin1String("user")).toObject();
        QCOMPARE(user.value(QLatin1String("name")).toString(), QStringLiteral("alice"));
        QCOMPARE(user.value(QLatin1String("source")).toString(), QStringLiteral("login session from Cookie session="));
        // The password is never recorded (the body is not kept); the session id appears only in the raw capture of
        // the bytes on the wire, never in the trace.
        for (const QByteArray& line : serve.lines())
            QVERIFY2(!line.contains("wonderland"), line.constData());
        for (const QJsonObject& event : events) {
            const QByteArray trace = QJsonDocument(event.value(QLatin1String("trace")).toArray()).toJson();
            QVERIFY2(!trace.contains(cookie.mid(8)), trace.constData());
        }

        QFile broken(dir.filePath(QStringLiteral("broken.json")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write(R"({"logins": {"bob": {"password": "md5$x$00"}}})");
        broken.close();
        Serve refused(base({ QStringLiteral("--users"), broken.fileName() }));
        QVERIFY(refused.waitForExit());
        QCOMPARE(refused.process().exitCode(), 64);
        QVERIFY(refused.process().readAllStandardError().contains("logins.bob.password: unknown hash method"));
    }

    void hashPassword()
    {
        QProcess hash;
        hash.start(wsi::test::wsinspectorBinary(),
            { QStringLiteral("hash-password"), QStringLiteral("--iterations"), QStringLiteral("1000") });
        hash.write("wonderland\n");
        hash.closeWriteChannel();
        QVERIFY(hash.waitForFinished(kWaitMs));
        QCOMPARE(hash.exitCode(), 0);
        const QByteArray made = hash.readAllStandardOutput().trimmed();
        QVERIFY2(made.startsWith("pbkdf2:sha256:1000$"), made.constData());
        QVERIFY(wsi::checkPassword("wonderland", made).matches);

        QProcess bad;
        bad.start(wsi::test::wsinspectorBinary(), { QStringLiteral("hash-password"), QStringLiteral("--md5") });
        QVERIFY(bad.waitForFinished(kWaitMs));
        QCOMPARE(bad.exitCode(), 64);
        QVERIFY(bad.readAllStandardError().contains("unknown option '--md5'"));
    }

    // --user names the connection's user in the handshake event; no credential asked for gives "user": null.
    void userInTheHandshakeEvent()
    {
        Serve serve(base({ QStringLiteral("--json"), QStringLiteral("--user"), QStringLiteral("t-alice=alice"),
            QStringLiteral("--user"), QStringLiteral("t-bob=bob"), QStringLiteral("--welcome") }));
        const QUrl url = serve.url();
        QWebSocket client;
        QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
        QUrl withToken = url;
        withToken.setQuery(QStringLiteral("token=t-bob"));
        client.open(withToken);
        QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 1, kWaitMs);
        QCOMPARE(texts.at(0).at(0).toString(), QStringLiteral(R"({"protocol":null,"user":"bob"})"));
        QVERIFY(serve.waitForEvent(QStringLiteral("handshake")));
        const QJsonObject handshake = serve.events(QStringLiteral("handshake")).constFirst();
        const QJsonObject user = handshake.value(QLatin1String("user")).toObject();
        QCOMPARE(user.value(QLatin1String("name")).toString(), QStringLiteral("bob"));
        QCOMPARE(user.value(QLatin1String("source")).toString(), QStringLiteral("token from ?token="));
        // The trace shows where the credential was, never the credential.
        const QString trace = QJsonDocument(handshake.value(QLatin1String("trace")).toArray()).toJson();
        QVERIFY2(trace.contains(QStringLiteral("token=<hidden>")), qPrintable(trace));
        QVERIFY2(!trace.contains(QStringLiteral("t-bob")), qPrintable(trace));

        // The text output is a log: the credential in the query is hidden there too, and the user named.
        Serve text(base({ QStringLiteral("--user"), QStringLiteral("t-bob=bob") }));
        QWebSocket bob;
        QSignalSpy bobConnected(&bob, &QWebSocket::connected);
        QUrl bobUrl = text.url();
        bobUrl.setQuery(QStringLiteral("token=t-bob"));
        bob.open(bobUrl);
        QTRY_VERIFY_WITH_TIMEOUT(!bobConnected.isEmpty(), kWaitMs);
        QVERIFY(QTest::qWaitFor(
            [&] {
                return std::any_of(text.lines().cbegin(), text.lines().cend(),
                    [](const QByteArray& line) { return line.contains("user=bob"); });
            },
            kWaitMs));
        // A refused request ends without a WebSocket: no close code is invented for it.
        QWebSocket mallory;
        QSignalSpy malloryEnded(&mallory, &QWebSocket::disconnected);
        QUrl malloryUrl = text.url();
        malloryUrl.setQuery(QStringLiteral("token=t-mallory"));
        mallory.open(malloryUrl);
        QTRY_VERIFY_WITH_TIMEOUT(!malloryEnded.isEmpty(), kWaitMs);
        QVERIFY(QTest::qWaitFor(
            [&] { return text.lines().contains("#2 ended: refused: 401 instead of 101, no WebSocket"); }, kWaitMs));
        for (const QByteArray& line : text.lines()) {
            QVERIFY2(!line.contains("t-bob") && !line.contains("t-mallory"), line.constData());
            QVERIFY2(!line.startsWith("#2 closed"), line.constData());
        }

        Serve open(base({ QStringLiteral("--json") }));
        QWebSocket anyone;
        QSignalSpy connected(&anyone, &QWebSocket::connected);
        anyone.open(open.url());
        QTRY_VERIFY_WITH_TIMEOUT(!connected.isEmpty(), kWaitMs);
        QVERIFY(open.waitForEvent(QStringLiteral("handshake")));
        const QJsonObject unauthenticated = open.events(QStringLiteral("handshake")).constFirst();
        QVERIFY(unauthenticated.contains(QLatin1String("user")));
        QVERIFY(unauthenticated.value(QLatin1String("user")).isNull());
    }

    void badFlags()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        Serve serve(args);
        QVERIFY(serve.waitForExit());
        QCOMPARE(serve.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.process().exitCode(), 64);
        const QString err = QString::fromUtf8(serve.process().readAllStandardError());
        QVERIFY2(err.contains(message), qPrintable(err));
        QVERIFY(serve.lines().isEmpty());
    }

    void help()
    {
        Serve serve({ QStringLiteral("--help") });
        QVERIFY(serve.waitForExit());
        QCOMPARE(serve.process().exitCode(), 0);
        QVERIFY(serve.waitForLines(1));
        QVERIFY(serve.lines().front().startsWith("usage: wsinspector serve"));
    }

    void humanFirstLine()
    {
        Serve serve(base());
        QVERIFY(serve.waitForLines(1));
        const QByteArray first = serve.lines().front();
        QVERIFY2(QRegularExpression(QStringLiteral("^listening ws://127\\.0\\.0\\.1:[1-9][0-9]*/$"))
                     .match(QString::fromUtf8(first))
                     .hasMatch(),
            first.constData());

        QWebSocket ws;
        QSignalSpy up(&ws, &QWebSocket::connected);
        ws.open(serve.url());
        QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
        QSignalSpy echo(&ws, &QWebSocket::textMessageReceived);
        ws.sendTextMessage(QStringLiteral("hello there"));
        QTRY_COMPARE_WITH_TIMEOUT(echo.count(), 1, kWaitMs);
        // The readable log names the connection, the status and the message.
        QVERIFY(QTest::qWaitFor(
            [&] {
                const QByteArray all = serve.lines().join('\n');
                return all.contains("#1 127.0.0.1:") && all.contains("101 Switching Protocols")
                    && all.contains("hello there");
            },
            kWaitMs));
    }

    void jsonSession()
    {
        Serve serve(base({ QStringLiteral("--json"), QStringLiteral("--protocols"), QStringLiteral("msgpack,json") }));
        const QUrl url = serve.url();
        QVERIFY(url.isValid());
        const QJsonObject first = QJsonDocument::fromJson(serve.lines().front()).object();
        QCOMPARE(first.value(QLatin1String("event")).toString(), QStringLiteral("listening"));
        QCOMPARE(first.value(QLatin1String("url")).toString(), QStringLiteral("ws://127.0.0.1:%1/").arg(url.port()));

        QWebSocket ws;
        QSignalSpy up(&ws, &QWebSocket::connected);
        QSignalSpy down(&ws, &QWebSocket::disconnected);
        QWebSocketHandshakeOptions options;
        options.setSubprotocols({ QStringLiteral("json"), QStringLiteral("msgpack") });
        ws.open(QNetworkRequest(url), options);
        QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
        QSignalSpy echo(&ws, &QWebSocket::binaryMessageReceived);
        ws.sendBinaryMessage(QByteArray(300, 'b'));
        QTRY_COMPARE_WITH_TIMEOUT(echo.count(), 1, kWaitMs);

        QVERIFY(serve.waitForEvent(QStringLiteral("handshake")));
        const QJsonObject hs = serve.events(QStringLiteral("handshake")).front();
        QCOMPARE(hs.value(QLatin1String("conn")).toInt(), 1);
        QVERIFY(hs.value(QLatin1String("peer")).toString().startsWith(QStringLiteral("127.0.0.1:")));
        QVERIFY(hs.value(QLatin1String("request")).toString().startsWith(QStringLiteral("GET / HTTP/1.1\r\n")));
        QVERIFY(hs.value(QLatin1String("response")).toString().startsWith(QStringLiteral("HTTP/1.1 101 ")));
        QCOMPARE(hs.value(QLatin1String("status")).toInt(), 101);
        QCOMPARE(hs.value(QLatin1String("protocol")).toString(), QStringLiteral("msgpack"));
        QVERIFY(hs.contains(QLatin1String("extensions")));
        QVERIFY(hs.value(QLatin1String("trace")).isArray());
        bool explained = false;
        for (const QJsonValue& step : hs.value(QLatin1String("trace")).toArray())
            explained = explained || step.toString().contains(QStringLiteral("server-preference order → msgpack"));
        QVERIFY(explained);

        // frames: one in, one out, with every header field the issue names
        QVERIFY(serve.waitForEvent(QStringLiteral("frame"), 2));
        const QList<QJsonObject> frames = serve.events(QStringLiteral("frame"));
        const QJsonObject in = frames[0];
        const QJsonObject out = frames[1];
        QCOMPARE(in.value(QLatin1String("conn")).toInt(), 1);
        QCOMPARE(in.value(QLatin1String("dir")).toString(), QStringLiteral("in"));
        QCOMPARE(in.value(QLatin1String("opcode")).toInt(), 2);
        QCOMPARE(in.value(QLatin1String("masked")).toBool(), true);
        QCOMPARE(in.value(QLatin1String("length")).toInt(), 300);
        QCOMPARE(in.value(QLatin1String("fin")).toBool(), true);
        for (const char* key : { "rsv1", "rsv2", "rsv3" })
            QVERIFY(in.value(QLatin1String(key)).isBool());
        QCOMPARE(out.value(QLatin1String("dir")).toString(), QStringLiteral("out"));
        QCOMPARE(out.value(QLatin1String("masked")).toBool(), false);
        // the one event vocabulary (core/events.h) adds the transcript's and the probe's fields
        QCOMPARE(in.value(QLatin1String("index")).toInt(), 0);
        QCOMPARE(out.value(QLatin1String("index")).toInt(), 1);
        QCOMPARE(in.value(QLatin1String("maskKey")).toString().size(), 8);
        QCOMPARE(in.value(QLatin1String("wireLength")).toInt(), 300 + 8);
        QCOMPARE(in.value(QLatin1String("lengthBits")).toInt(), 16);

        ws.close(QWebSocketProtocol::CloseCodeNormal, QStringLiteral("done here"));
        QTRY_COMPARE_WITH_TIMEOUT(down.count(), 1, kWaitMs);
        QVERIFY(serve.waitForEvent(QStringLiteral("close")));
        const QJsonObject close = serve.events(QStringLiteral("close")).front();
        QCOMPARE(close.value(QLatin1String("conn")).toInt(), 1);
        QCOMPARE(close.value(QLatin1String("code")).toInt(), 1000);
        QCOMPARE(close.value(QLatin1String("reason")).toString(), QStringLiteral("done here"));
        QCOMPARE(close.value(QLatin1String("initiator")).toString(), QStringLiteral("client"));
        QCOMPARE(close.value(QLatin1String("initiatorSide")).toString(), QStringLiteral("remote"));
        QCOMPARE(close.value(QLatin1String("initiatorCode")).toInt(), 1000);
        QCOMPARE(close.value(QLatin1String("receivedReasonText")).toString(), QStringLiteral("done here"));
        // Every TCP byte (bytesIn / bytesOut) is the handshake's or a frame's, counted apart.
        const auto n = [&close](const char* key) { return close.value(QLatin1String(key)).toInteger(-1); };
        QVERIFY(n("handshakeBytesIn") > 0 && n("handshakeBytesOut") > 0);
        QCOMPARE(n("handshakeBytesIn") + n("frameBytesIn"), n("bytesIn"));
        QCOMPARE(n("handshakeBytesOut") + n("frameBytesOut"), n("bytesOut"));
        QCOMPARE(n("frameBytesIn"), 308 + 6 + 2 + 9); // the message, then the masked close 1000 "done here"
        QVERIFY(serve.allLinesAreJson());
    }

    void jsonMessageEvents()
    {
        Serve serve(base({ QStringLiteral("--json") }));
        QWebSocket ws;
        QSignalSpy up(&ws, &QWebSocket::connected);
        ws.open(serve.url());
        QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
        QSignalSpy echo(&ws, &QWebSocket::textMessageReceived);
        // Quotes, a backslash, a tab, a newline, a control character and non-ASCII text: the preview must
        // come back through a JSON parser exactly.
        const QString text = QStringLiteral("say \"hi\" \\ to\tall\n\x01 at caf\u00e9 \u2192 \U0001F600");
        ws.sendTextMessage(text);
        QTRY_COMPARE_WITH_TIMEOUT(echo.count(), 1, kWaitMs);
        QVERIFY(serve.waitForEvent(QStringLiteral("message"), 2));
        const QList<QJsonObject> messages = serve.events(QStringLiteral("message"));
        QCOMPARE(messages[0].value(QLatin1String("dir")).toString(), QStringLiteral("in"));
        QCOMPARE(messages[1].value(QLatin1String("dir")).toString(), QStringLiteral("out"));
        for (const QJsonObject& m : messages) {
            QCOMPARE(m.value(QLatin1String("conn")).toInt(), 1);
            QCOMPARE(m.value(QLatin1String("type")).toString(), QStringLiteral("text"));
            QCOMPARE(m.value(QLatin1String("length")).toInt(), text.toUtf8().size());
            QCOMPARE(m.value(QLatin1String("compressed")).toBool(), false); // QWebSocket offers no permessage-deflate
            QCOMPARE(m.value(QLatin1String("frames")).toInt(), 1);
            QCOMPARE(m.value(QLatin1String("preview")).toString(), text);
        }
        QVERIFY(serve.allLinesAreJson());
    }

    void signalClosesWithGoingAway_data()
    {
        QTest::addColumn<int>("sig");
        QTest::newRow("SIGTERM") << int(SIGTERM);
        QTest::newRow("SIGINT") << int(SIGINT);
    }

    void signalClosesWithGoingAway()
    {
        QFETCH(int, sig);
        Serve serve(base({ QStringLiteral("--json") }));
        QWebSocket ws;
        QSignalSpy up(&ws, &QWebSocket::connected);
        QSignalSpy down(&ws, &QWebSocket::disconnected);
        ws.open(serve.url());
        QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
        QVERIFY(serve.waitForEvent(QStringLiteral("handshake")));
        serve.signal(sig);
        QTRY_COMPARE_WITH_TIMEOUT(down.count(), 1, kWaitMs);
        QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
        QVERIFY(serve.waitForExit());
        QCOMPARE(serve.process().exitStatus(), QProcess::NormalExit);
        QCOMPARE(serve.process().exitCode(), 0);
        QVERIFY(serve.waitForEvent(QStringLiteral("close")));
        const QJsonObject close = serve.events(QStringLiteral("close")).front();
        QCOMPARE(close.value(QLatin1String("code")).toInt(), 1001);
        QCOMPARE(close.value(QLatin1String("initiator")).toString(), QStringLiteral("server"));
        QVERIFY(serve.allLinesAreJson());
    }

    void tokenAndExtraHeader()
    {
        Serve serve(base({ QStringLiteral("--json"), QStringLiteral("--token"), QStringLiteral("s3cret"),
            QStringLiteral("--header"), QStringLiteral("Set-Cookie: seen=1") }));
        const QUrl url = serve.url();
        for (const QByteArray& target : { QByteArray("/"), QByteArray("/?token=s3cret") }) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, quint16(url.port()));
            socket.write("GET " + target
                + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                  "Sec-WebSocket-Version: 13\r\n\r\n");
            QByteArray response;
            QVERIFY(QTest::qWaitFor(
                [&] {
                    response += socket.readAll();
                    return response.contains("\r\n\r\n");
                },
                kWaitMs));
            if (target == "/") {
                QVERIFY2(response.startsWith("HTTP/1.1 401 Unauthorized\r\n"), response.constData());
                QVERIFY(!response.contains("Set-Cookie"));
            } else {
                QVERIFY2(response.startsWith("HTTP/1.1 101 "), response.constData());
                QVERIFY(response.contains("\r\nSet-Cookie: seen=1\r\n"));
            }
        }
        QVERIFY(serve.waitForEvent(QStringLiteral("handshake"), 2));
        QCOMPARE(serve.events(QStringLiteral("handshake"))[0].value(QLatin1String("status")).toInt(), 401);
        QCOMPARE(serve.events(QStringLiteral("handshake"))[1].value(QLatin1String("status")).toInt(), 101);
    }

    void tlsReportsFingerprint()
    {
        Serve serve(base({ QStringLiteral("--json"), QStringLiteral("--tls") }));
        const QUrl url = serve.url();
        QCOMPARE(url.scheme(), QStringLiteral("wss"));
        const QString fingerprint
            = QJsonDocument::fromJson(serve.lines().front()).object().value(QLatin1String("fingerprint")).toString();
        QCOMPARE(fingerprint.size(), 95);

        QWebSocket ws;
        QSignalSpy up(&ws, &QWebSocket::connected);
        QObject::connect(&ws, &QWebSocket::sslErrors, &ws, [&ws](const QList<QSslError>&) {
            ws.ignoreSslErrors(); // self-signed: the test checks the fingerprint itself instead
        });
        ws.open(url);
        QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
        const QSslCertificate peer = ws.sslConfiguration().peerCertificate();
        QCOMPARE(QString::fromLatin1(peer.digest(QCryptographicHash::Sha256).toHex(':').toUpper()), fingerprint);
        QSignalSpy echo(&ws, &QWebSocket::textMessageReceived);
        ws.sendTextMessage(QStringLiteral("secret"));
        QTRY_COMPARE_WITH_TIMEOUT(echo.count(), 1, kWaitMs);
    }

    void certificateFromFiles()
    {
        const auto identity = wsi::generateSelfSignedIdentity();
        QVERIFY(identity);
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("cert.pem"));
        const QString key = dir.filePath(QStringLiteral("key.pem"));
        for (const auto& [path, bytes] :
            { std::pair { cert, identity->certificate.toPem() }, std::pair { key, identity->key.toPem() } }) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(bytes);
        }
        Serve serve(base({ QStringLiteral("--json"), QStringLiteral("--cert"), cert, QStringLiteral("--key"), key }));
        const QUrl url = serve.url();
        QCOMPARE(url.scheme(), QStringLiteral("wss"));
        QCOMPARE(QJsonDocument::fromJson(serve.lines().front()).object().value(QLatin1String("fingerprint")).toString(),
            identity->fingerprintSha256());

        // A client that trusts exactly this certificate connects without any TLS error.
        QWebSocket ws;
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setCaCertificates({ identity->certificate });
        ws.setSslConfiguration(config);
        QSignalSpy up(&ws, &QWebSocket::connected);
        QSignalSpy errors(&ws, &QWebSocket::sslErrors);
        ws.open(url);
        QTRY_COMPARE_WITH_TIMEOUT(up.count(), 1, kWaitMs);
        QCOMPARE(errors.count(), 0);
    }

    void unreadableCertificate()
    {
        Serve serve(base({ QStringLiteral("--cert"), QStringLiteral("/nonexistent/cert.pem"), QStringLiteral("--key"),
            QStringLiteral("/nonexistent/key.pem") }));
        QVERIFY(serve.waitForExit());
        QCOMPARE(serve.process().exitCode(), 1);
        QVERIFY(QString::fromUtf8(serve.process().readAllStandardError())
                    .contains(QStringLiteral("Cannot read the certificate file")));
    }

    void nonLoopbackWarns()
    {
        Serve serve({ QStringLiteral("--listen"), QStringLiteral("0.0.0.0:0") });
        QVERIFY(serve.waitForLines(1));
        serve.signal(SIGTERM);
        QVERIFY(serve.waitForExit());
        QCOMPARE(serve.process().exitCode(), 0);
        const QString err = QString::fromUtf8(serve.process().readAllStandardError());
        QVERIFY2(
            err.contains(QStringLiteral("warning")) && err.contains(QStringLiteral("not a loopback")), qPrintable(err));
    }

    void portInUse()
    {
        Serve first(base());
        const QUrl url = first.url();
        Serve second({ QStringLiteral("--listen"), QStringLiteral("127.0.0.1:%1").arg(url.port()) });
        QVERIFY(second.waitForExit());
        QCOMPARE(second.process().exitCode(), 1);
        QVERIFY(QString::fromUtf8(second.process().readAllStandardError()).contains(QStringLiteral("Cannot listen")));
    }
};

QTEST_MAIN(TstServe)
#include "tst_serve.moc"
