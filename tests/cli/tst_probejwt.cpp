// `probe` signing JWTs against `serve` verifying them, both the real executable: every --token-in place reaches the
// server, which names the sub claim as the connection's user in its --json handshake event; an expired or wrongly
// signed token is refused; the secret never appears in probe's output.
#include "support/jwtkeys.h"
#include "support/testpaths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace
{
constexpr int kWaitMs = 30000;
const QString kSecret = QStringLiteral("probe-and-serve-share-this-secret");

// A `serve --json` process; its events are read once it has been stopped.
class JsonServe
{
public:
    explicit JsonServe(const QStringList& args)
    {
        m_process.start(wsi::test::wsinspectorBinary(),
            QStringList { QStringLiteral("serve"), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                QStringLiteral("--json") }
                + args);
    }
    ~JsonServe()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(kWaitMs);
        }
    }
    QString url()
    {
        const bool listening = QTest::qWaitFor(
            [this] {
                m_output += m_process.readAllStandardOutput();
                return m_output.contains('\n') || m_process.state() == QProcess::NotRunning;
            },
            kWaitMs);
        if (!listening)
            return {};
        const QByteArray first = m_output.left(m_output.indexOf('\n'));
        return QJsonDocument::fromJson(first).object().value(QLatin1String("url")).toString();
    }
    // The handshake events so far (the server writes one per connection as it answers).
    QList<QJsonObject> handshakes()
    {
        m_output += m_process.readAllStandardOutput();
        QList<QJsonObject> out;
        for (const QByteArray& line : m_output.split('\n')) {
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            if (event.value(QLatin1String("event")).toString() == QLatin1String("handshake"))
                out.append(event);
        }
        return out;
    }
    QByteArray errors() { return m_process.readAllStandardError(); }

private:
    QProcess m_process;
    QByteArray m_output;
};

struct ProbeRun {
    int exitCode = -1;
    QByteArray out, err;
};

ProbeRun probe(const QStringList& args)
{
    QProcess process;
    process.start(wsi::test::wsinspectorBinary(), QStringList { QStringLiteral("probe") } + args);
    ProbeRun run;
    if (!process.waitForFinished(kWaitMs))
        return run;
    run.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

// The server's verdict on the latest connection: its user's name, or empty when it had none.
QString lastUser(JsonServe& serve)
{
    QList<QJsonObject> handshakes;
    if (!QTest::qWaitFor([&] { return !(handshakes = serve.handshakes()).isEmpty(); }, kWaitMs))
        return {};
    return handshakes.last().value(QLatin1String("user")).toObject().value(QLatin1String("name")).toString();
}
} // namespace

class TstProbeJwt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY2(!wsi::test::wsinspectorBinary().isEmpty(), "WSI_BINARY is not set"); }

    void everyPlaceReachesTheServer_data()
    {
        QTest::addColumn<QString>("serverReads");
        QTest::addColumn<QString>("tokenIn");
        QTest::addColumn<QByteArray>("requestLine");
        QTest::newRow("query") << "query:access_token"
                               << "query:access_token" << QByteArray("> GET /?access_token=eyJ");
        QTest::newRow("bearer") << "bearer"
                                << "bearer" << QByteArray("> Authorization: Bearer eyJ");
        QTest::newRow("cookie") << "cookie:auth"
                                << "cookie:auth" << QByteArray("> Cookie: auth=eyJ");
        QTest::newRow("protocol") << "protocol"
                                  << "protocol" << QByteArray("> Sec-WebSocket-Protocol: chat, token.eyJ");
    }
    void everyPlaceReachesTheServer()
    {
        QFETCH(QString, serverReads);
        QFETCH(QString, tokenIn);
        QFETCH(QByteArray, requestLine);
        JsonServe serve({ QStringLiteral("--jwt-secret"), kSecret, QStringLiteral("--token-from"), serverReads,
            QStringLiteral("--protocols"), QStringLiteral("chat") });
        const QString url = serve.url();
        QVERIFY2(!url.isEmpty(), serve.errors().constData());
        const ProbeRun run = probe(
            { url, QStringLiteral("--protocol"), QStringLiteral("chat"), QStringLiteral("--jwt-secret"), kSecret,
                QStringLiteral("--claim"), QStringLiteral("sub=alice"), QStringLiteral("--token-in"), tokenIn });
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        QCOMPARE(lastUser(serve), QStringLiteral("alice"));
        QVERIFY2(run.out.contains(requestLine), run.out.constData());
        // The token is shown where the request is (it is the record); the secret nowhere.
        QVERIFY(!run.out.contains(kSecret.toUtf8()));
        QVERIFY(!run.err.contains(kSecret.toUtf8()));
        for (const QByteArray& line : run.out.split('\n')) {
            if (line.contains("eyJ"))
                QVERIFY2(line.startsWith("> "), line.constData());
        }
    }

    void expiredAndWronglySignedTokensAreRefused()
    {
        JsonServe serve({ QStringLiteral("--jwt-secret"), kSecret });
        const QString url = serve.url();
        QVERIFY(!url.isEmpty());
        ProbeRun run = probe({ url, QStringLiteral("--jwt-secret"), kSecret, QStringLiteral("--claim"),
            QStringLiteral("sub=alice"), QStringLiteral("--jwt-expires"), QStringLiteral("-120") });
        QCOMPARE(run.exitCode, 1); // answered 401, not upgraded
        QVERIFY2(run.out.contains("expired"), run.out.constData());
        run = probe({ url, QStringLiteral("--jwt-secret"), QStringLiteral("not the server's secret"),
            QStringLiteral("--claim"), QStringLiteral("sub=alice") });
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.out.contains("signature does not match"), run.out.constData());
        QVERIFY(!run.out.contains("not the server's secret"));
    }

    void privateKeySignsWithTheAlgorithmOfItsCurve()
    {
        const wsi::test::JwtTestKeyPair pair = wsi::test::makeJwtTestKeyPair(QStringLiteral("P-256"));
        QVERIFY(!pair.privatePem.isEmpty());
        QTemporaryDir dir;
        const QString privatePath = dir.filePath(QStringLiteral("private.pem"));
        const QString publicPath = dir.filePath(QStringLiteral("public.pem"));
        for (const auto& [path, pem] :
            { std::pair(privatePath, pair.privatePem), std::pair(publicPath, pair.publicPem) }) {
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(pem);
        }
        JsonServe serve(
            { QStringLiteral("--jwt-key"), publicPath, QStringLiteral("--token-from"), QStringLiteral("bearer") });
        const QString url = serve.url();
        QVERIFY(!url.isEmpty());
        const ProbeRun run = probe({ url, QStringLiteral("--jwt-key"), privatePath, QStringLiteral("--claim"),
            QStringLiteral("sub=carol"), QStringLiteral("--claim"), QStringLiteral("roles=[\"admin\"]"),
            QStringLiteral("--token-in"), QStringLiteral("bearer"), QStringLiteral("--json") });
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        QCOMPARE(lastUser(serve), QStringLiteral("carol"));
        const QJsonObject user = serve.handshakes().last().value(QLatin1String("user")).toObject();
        QCOMPARE(user.value("claims").toObject().value("roles").toArray().first().toString(), QStringLiteral("admin"));
        QVERIFY2(user.value("source").toString().contains(QStringLiteral("Bearer")),
            qPrintable(user.value("source").toString()));
    }

    void typedTokenIsSentAsItIs()
    {
        JsonServe serve({ QStringLiteral("--token"), QStringLiteral("opaque-123"), QStringLiteral("--token-from"),
            QStringLiteral("cookie:session") });
        const QString url = serve.url();
        QVERIFY(!url.isEmpty());
        const ProbeRun run = probe({ url, QStringLiteral("--token"), QStringLiteral("opaque-123"),
            QStringLiteral("--token-in"), QStringLiteral("cookie:session") });
        QVERIFY2(run.exitCode == 0, run.out + run.err);
        QVERIFY(run.out.contains("> Cookie: session=opaque-123"));
        QCOMPARE(lastUser(serve), QStringLiteral("token"));
    }

    void badJwtFlagsExit64_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("claim without key") << QStringList { "--claim", "sub=a" } << "--claim describes a JWT to sign";
        QTest::newRow("unknown alg") << QStringList { "--jwt-secret", "secret-value", "--jwt-alg", "HS999" }
                                     << "--jwt-alg needs";
        QTest::newRow("alg none") << QStringList { "--jwt-secret", "secret-value", "--jwt-alg", "none" }
                                  << "--jwt-alg needs";
        QTest::newRow("key alg with a secret")
            << QStringList { "--jwt-secret", "secret-value", "--jwt-alg", "ES256" } << "signs with a private key";
        QTest::newRow("secret and key") << QStringList { "--jwt-secret", "secret-value", "--jwt-key", "k.pem" }
                                        << "give one of them";
        QTest::newRow("token and secret")
            << QStringList { "--token", "t", "--jwt-secret", "secret-value" } << "give one of them";
        QTest::newRow("bad place") << QStringList { "--token", "t", "--token-in", "header:x" } << "--token-in";
        QTest::newRow("claim without =") << QStringList { "--jwt-secret", "secret-value", "--claim", "sub" }
                                         << "NAME=VALUE";
        QTest::newRow("expires not a number")
            << QStringList { "--jwt-secret", "secret-value", "--jwt-expires", "soon" } << "--jwt-expires needs seconds";
        QTest::newRow("missing key file") << QStringList { "--jwt-key", "/nonexistent/key.pem" } << "Cannot read";
        QTest::newRow("key file not PEM") << QStringList { "--jwt-key", "/etc/hostname" } << "must be PEM text";
    }
    void badJwtFlagsExit64()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        const ProbeRun run = probe(QStringList { QStringLiteral("ws://127.0.0.1:1/") } + args);
        QCOMPARE(run.exitCode, 64);
        QVERIFY2(QString::fromUtf8(run.err).contains(mentions), run.err.constData());
        QVERIFY(!run.err.contains("secret-value"));
        QVERIFY(run.out.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TstProbeJwt)
#include "tst_probejwt.moc"
