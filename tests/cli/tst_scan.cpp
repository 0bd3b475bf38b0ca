// `wsinspector scan` as scripts run it: the real executable against our echo server (cookie authentication, with
// and without an origin allowlist) and node's ws, checking the JSON events, the report and the exit codes exactly.
#include "core/serverpolicy.h"
#include "engine/echoserver.h"
#include "support/peerprocess.h"
#include "support/testpaths.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

namespace
{

constexpr int kProcessTimeoutMs = 60000;

struct ScanResult {
    int exitCode = -1;
    QByteArray out, err;
    QList<QJsonObject> events;

    QList<QJsonObject> named(const QString& name) const
    {
        QList<QJsonObject> list;
        for (const QJsonObject& e : events) {
            if (e.value(QStringLiteral("event")).toString() == name)
                list.append(e);
        }
        return list;
    }
    std::optional<QJsonObject> variation(const QString& name) const
    {
        for (const QJsonObject& e : named(QStringLiteral("variation"))) {
            if (e.value(QStringLiteral("name")).toString() == name)
                return e;
        }
        return std::nullopt;
    }
    QList<QJsonObject> findings(const QString& severity) const
    {
        QList<QJsonObject> list;
        for (const QJsonObject& e : named(QStringLiteral("finding"))) {
            if (e.value(QStringLiteral("severity")).toString() == severity)
                list.append(e);
        }
        return list;
    }
    QString describe() const
    {
        return QStringLiteral("exit %1\nstdout:\n%2\nstderr:\n%3")
            .arg(exitCode)
            .arg(QString::fromUtf8(out), QString::fromUtf8(err));
    }
};

// Runs the executable while this process's event loop keeps serving the in-process server.
ScanResult runScan(const QStringList& arguments)
{
    ScanResult result;
    QProcess process;
    process.start(wsi::test::wsinspectorBinary(), QStringList { QStringLiteral("scan") } + arguments);
    if (!process.waitForStarted(kProcessTimeoutMs))
        return result;
    if (!QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, kProcessTimeoutMs)) {
        process.kill();
        process.waitForFinished();
    }
    result.exitCode = process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    result.out = process.readAllStandardOutput();
    result.err = process.readAllStandardError();
    for (const QByteArray& line : result.out.split('\n')) {
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            result.events.append(doc.object());
    }
    return result;
}

// Our server, authenticating by the cookie session=s3cr3t, optionally checking origins.
std::unique_ptr<wsi::EchoServer> cookieServer(const QList<QByteArray>& allowedOrigins = {})
{
    auto server = std::make_unique<wsi::EchoServer>();
    wsi::ServerPolicy policy;
    policy.token = "s3cr3t";
    policy.allowedOrigins = allowedOrigins;
    server->setPolicy(policy);
    if (!server->listen(QHostAddress::LocalHost, 0))
        return nullptr;
    return server;
}

QString legitOrigin(const QUrl& url)
{
    return QStringLiteral("http://127.0.0.1:%1").arg(url.port());
}

} // namespace

class tst_Scan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!wsi::test::wsinspectorBinary().isEmpty(), "WSI_BINARY is not set (run through ctest)");
    }

    void noOriginCheckWithCookieFailsCswsh()
    {
        const auto server = cookieServer();
        QVERIFY(server);
        const ScanResult r = runScan({ server->url().toString(), "--cookie", "session=s3cr3t", "--json" });
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        const QList<QJsonObject> fails = r.findings(QStringLiteral("fail"));
        QCOMPARE(fails.size(), 1);
        QCOMPARE(fails.first().value(QStringLiteral("id")).toString(), QStringLiteral("cswsh"));
        QVERIFY(fails.first().value(QStringLiteral("rfc")).toString().contains(QStringLiteral("RFC 6455 §10.2")));
        const auto foreign = r.variation(QStringLiteral("origin foreign + credentials"));
        QVERIFY(foreign);
        QCOMPARE(foreign->value(QStringLiteral("status")).toInt(), 101);
        QCOMPARE(foreign->value(QStringLiteral("open")).toBool(), true);
        QVERIFY(foreign->value(QStringLiteral("closeCode")).isNull());
        const QString request = foreign->value(QStringLiteral("request")).toString();
        QVERIFY2(request.contains(QLatin1String("Origin: https://evil.example\r\n")), qPrintable(request));
        QVERIFY(request.contains(QLatin1String("Cookie: session=s3cr3t\r\n")));
        // Without the cookie the server refuses: the credentials are what let the foreign page in.
        QCOMPARE(r.variation(QStringLiteral("origin foreign"))->value(QStringLiteral("status")).toInt(), 401);
        QVERIFY(r.variation(QStringLiteral("version 8")));
        QVERIFY(r.variation(QStringLiteral("header 20 KiB")));
        QVERIFY(r.named(QStringLiteral("variation")).size() <= 40);
        // Every stdout line is one JSON object.
        QCOMPARE(r.events.size(), r.out.trimmed().split('\n').size());
    }

    void allowlistPassesAndWritesTheReport()
    {
        const auto checked = cookieServer();
        QVERIFY(checked);
        // The port is known once the server listens: then it allows its own origin only.
        wsi::ServerPolicy policy = checked->policy();
        policy.allowedOrigins = { legitOrigin(checked->url()).toUtf8() };
        checked->setPolicy(policy);

        QTemporaryDir dir;
        const QString report = dir.filePath(QStringLiteral("scan.md"));
        const ScanResult r
            = runScan({ checked->url().toString(), "--cookie", "session=s3cr3t", "--json", "--report", report });
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.findings(QStringLiteral("fail")).isEmpty());
        QCOMPARE(
            r.variation(QStringLiteral("origin foreign + credentials"))->value(QStringLiteral("status")).toInt(), 403);
        QCOMPARE(
            r.variation(QStringLiteral("origin legitimate + credentials"))->value(QStringLiteral("status")).toInt(),
            101);
        QFile file(report);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray markdown = file.readAll();
        QVERIFY(markdown.startsWith("# WebSocket handshake scan of ws://127.0.0.1:"));
        QVERIFY(markdown.contains("| origin foreign + credentials | 403 | none | none | closed |"));
        QVERIFY(markdown.contains("## Findings"));
    }

    void textOutputHasARowPerVariationAndTheVerdicts()
    {
        const auto server = cookieServer();
        QVERIFY(server);
        const ScanResult r = runScan({ server->url().toString(), "--cookie", "session=s3cr3t" });
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        QVERIFY(r.events.isEmpty());
        const QString out = QString::fromUtf8(r.out);
        QVERIFY2(out.contains(QRegularExpression(
                     QStringLiteral("^origin foreign \\+ credentials +101 +protocol=none extensions=none open$"),
                     QRegularExpression::MultilineOption)),
            qPrintable(out));
        QVERIFY(out.contains(
            QRegularExpression(QStringLiteral("^FAIL cswsh: CSWSH"), QRegularExpression::MultilineOption)));
    }

    void nodeWithoutOriginCheckFails()
    {
        auto launch = wsi::test::PeerProcess::nodePeer({ "server", "--require-cookie", "session=s3cr3t" });
        WSI_REQUIRE_PEER(launch);
        const ScanResult r = runScan({ launch.peer->url().toString(), "--cookie", "session=s3cr3t", "--json" });
        QVERIFY2(r.exitCode == 1, qPrintable(r.describe()));
        QCOMPARE(
            r.findings(QStringLiteral("fail")).first().value(QStringLiteral("id")).toString(), QStringLiteral("cswsh"));
        QCOMPARE(r.variation(QStringLiteral("origin foreign"))->value(QStringLiteral("status")).toInt(), 401);
    }

    void nodeWithOriginCheckPasses()
    {
        // The peer's port is known only once it listens, so the allowed origin names the host the scan is told
        // is legitimate (--origin), as a deployment behind a proxy would.
        const QString origin = QStringLiteral("https://app.example");
        auto launch = wsi::test::PeerProcess::nodePeer(
            { "server", "--require-cookie", "session=s3cr3t", "--allow-origin", origin });
        WSI_REQUIRE_PEER(launch);
        const ScanResult r
            = runScan({ launch.peer->url().toString(), "--origin", origin, "--cookie", "session=s3cr3t", "--json" });
        QVERIFY2(r.exitCode == 0, qPrintable(r.describe()));
        QVERIFY(r.findings(QStringLiteral("fail")).isEmpty());
        QCOMPARE(
            r.variation(QStringLiteral("origin legitimate + credentials"))->value(QStringLiteral("status")).toInt(),
            101);
        QCOMPARE(
            r.variation(QStringLiteral("origin foreign + credentials"))->value(QStringLiteral("status")).toInt(), 403);
        QCOMPARE(r.variation(QStringLiteral("origin look-alike suffix + credentials"))
                     ->value(QStringLiteral("status"))
                     .toInt(),
            403);
    }

    void unknownFlagExits64WithUsage()
    {
        const ScanResult r = runScan({ "ws://127.0.0.1:1/", "--frobnicate" });
        QCOMPARE(r.exitCode, 64);
        QVERIFY(r.err.contains("--frobnicate"));
        QVERIFY(r.err.contains("usage: wsinspector scan URL"));
        QVERIFY(r.out.isEmpty());
        const ScanResult noUrl = runScan({ "--json" });
        QCOMPARE(noUrl.exitCode, 64);
        QVERIFY(noUrl.err.contains("usage: wsinspector scan URL"));
    }

    void helpExitsZero()
    {
        const ScanResult r = runScan({ "--help" });
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("usage: wsinspector scan URL"));
    }

    void unreachablePortExits3()
    {
        quint16 port = 0;
        {
            QTcpServer probe;
            QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
            port = probe.serverPort();
        }
        const ScanResult r = runScan({ QStringLiteral("ws://127.0.0.1:%1/").arg(port), "--json" });
        QVERIFY2(r.exitCode == 3, qPrintable(r.describe()));
        QVERIFY(r.named(QStringLiteral("variation")).isEmpty());
        QVERIFY2(r.err.contains("refused"), r.err.constData());
    }
};

QTEST_MAIN(tst_Scan)
#include "tst_scan.moc"
