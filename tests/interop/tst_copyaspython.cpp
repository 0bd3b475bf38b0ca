// "Copy as Python" run for real: the script the builder produces, executed by /usr/bin/python3 (Debian's
// python3-websockets 10.4) against our echo server, must send the handshake it claims to and print what the
// server answered.

#include "core/copyas.h"
#include "engine/echoserver.h"
#include "support/peerprocess.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace wsi;

namespace
{
constexpr int kWaitMs = 30000;
const QString kPython = QStringLiteral("/usr/bin/python3");

// Why the script cannot run here, or empty when it can.
QString pythonUnavailable()
{
    if (!QFileInfo::exists(kPython))
        return QStringLiteral("/usr/bin/python3 not found");
    QProcess probe;
    probe.start(kPython, { QStringLiteral("-c"), QStringLiteral("import websockets") });
    if (!probe.waitForFinished(30000) || probe.exitCode() != 0)
        return QStringLiteral("python3-websockets is not installed for /usr/bin/python3");
    return {};
}
} // namespace

class TstCopyAsPython : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scriptSendsTheHandshake_data()
    {
        QTest::addColumn<bool>("deflate");
        QTest::newRow("no extensions") << false;
        QTest::newRow("permessage-deflate") << true;
    }

    void scriptSendsTheHandshake()
    {
        QFETCH(bool, deflate);
        const QString reason = pythonUnavailable();
        if (!reason.isEmpty() && !test::peersRequired())
            QSKIP(qPrintable(reason));
        QVERIFY2(reason.isEmpty(), qPrintable(reason));

        // The server accepts the token, selects the subprotocol and then closes with 1008 because of the origin,
        // so that the script ends by itself and every part of the request shows in what it prints or in the
        // server's record.
        EchoServer server;
        ServerPolicy policy;
        policy.protocols = { "chat" };
        policy.allowedOrigins = { "https://app.example" };
        policy.originFailure = FailureMode::Close;
        policy.token = "s3cr3t";
        server.setPolicy(policy);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));

        HandshakeSpec spec = HandshakeSpec::withDefaults(server.url().toString() + QStringLiteral("chat?room=1"));
        spec.protocols = { "chat" };
        spec.origin = "https://evil.example";
        spec.token = "s3cr3t";
        spec.tokenPlacement = TokenPlacement::Bearer;
        spec.cookie = "session=1";
        spec.deflate = deflate;
        spec.rows.append(HeaderRow { "X-Trace", "it's \"1\"" });
        spec.syncRowsFromHelpers();
        const BuiltRequest built = buildRequest(spec, QByteArray(16, 'k'));
        QVERIFY2(built.ok(), qPrintable(built.error));
        const CopySnippet snippet = copyAs(CopyFormat::Python, spec, built);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile script(dir.filePath(QStringLiteral("snippet.py")));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write(snippet.text.toUtf8());
        script.close();

        QProcess python;
        QSignalSpy finished(&python, &QProcess::finished);
        python.start(kPython, { script.fileName() });
        // The server runs in this thread: wait with the event loop running.
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
        const QString out = QString::fromUtf8(python.readAllStandardOutput());
        const QString err = QString::fromUtf8(python.readAllStandardError());
        QVERIFY2(python.exitStatus() == QProcess::NormalExit && python.exitCode() == 0, qPrintable(out + err));
        const QStringList lines = out.trimmed().split(QLatin1Char('\n'));
        QCOMPARE(lines.size(), 2);
        QTRY_COMPARE_WITH_TIMEOUT(server.connections().size(), 1, kWaitMs);
        const HandshakeRecord& h = server.connections().front()->transcript().handshake();
        const QByteArray accepted
            = parseResponseHead(h.rawResponse).value.headers.value("Sec-WebSocket-Extensions"); // what was sent back
        QCOMPARE(accepted.startsWith("permessage-deflate"), deflate);
        QCOMPARE(lines.at(0),
            QStringLiteral("open chat ") + (deflate ? QString::fromLatin1(accepted) : QStringLiteral("None")));
        QCOMPARE(lines.at(1), QStringLiteral("close 1008 Origin not allowed"));

        const QByteArray request = h.rawRequest;
        for (const QByteArray& line :
            { QByteArray("GET /chat?room=1 HTTP/1.1\r\n"), QByteArray("\r\nOrigin: https://evil.example\r\n"),
                QByteArray("\r\nSec-WebSocket-Protocol: chat\r\n"), QByteArray("\r\nCookie: session=1\r\n"),
                QByteArray("\r\nAuthorization: Bearer s3cr3t\r\n"), QByteArray("\r\nX-Trace: it's \"1\"\r\n") })
            QVERIFY2(request.contains(line), request.constData());
        QVERIFY2(!request.contains("User-Agent"), request.constData()); // this request has none, nor does the script's
        QCOMPARE(request.contains("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"), deflate);
        bool tokenAccepted = false;
        for (const DecisionStep& step : h.decisionSteps)
            tokenAccepted |= step.text.contains(QStringLiteral("token accepted from Authorization: Bearer"));
        QVERIFY(tokenAccepted);
    }
};

QTEST_GUILESS_MAIN(TstCopyAsPython)
#include "tst_copyaspython.moc"
