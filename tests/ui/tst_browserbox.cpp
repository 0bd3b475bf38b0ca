// The exchange view's browser box: the real window against the local server, through the ways a page's
// `new WebSocket()` ends (open, HTTP refusal, accept then close 1008, a subprotocol the browser insists on, no
// server at all), what a page cannot send, and an imported record that shows what the live session showed.

#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "engine/serverconnection.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/exchange/exchangeview.h"
#include "ui/frames/framesmodel.h"
#include "ui/frames/framespanel.h"
#include "ui/window/mainwindow.h"

#include <QLabel>
#include <QScrollArea>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace wsi;

namespace
{
constexpr int kTimeoutMs = 10'000;

std::unique_ptr<EchoServer> startServer(const ServerPolicy& policy = {})
{
    auto server = std::make_unique<EchoServer>();
    server->setPolicy(policy);
    QString error;
    if (!server->listen(QHostAddress::LocalHost, 0, &error))
        qWarning("listen failed: %s", qPrintable(error));
    return server;
}

struct Request {
    QList<QByteArray> protocols {};
    QByteArray origin {};
    QList<HeaderRow> extra {};
    QByteArray fixedKey {};
};

void pointAt(MainWindow& window, const QString& url, const Request& request = {})
{
    HandshakeSpec spec = HandshakeSpec::withDefaults(url);
    spec.protocols = request.protocols;
    spec.origin = request.origin;
    if (!request.fixedKey.isEmpty()) {
        spec.keyMode = KeyMode::Fixed;
        spec.fixedKey = request.fixedKey;
    }
    spec.syncRowsFromHelpers();
    spec.rows += request.extra;
    window.builder()->setSpec(spec);
}

bool closed(const MainWindow& window)
{
    return window.session() && window.session()->phase() == ClientSession::Phase::Closed;
}

QString boxText(const MainWindow& window)
{
    return window.exchangeView()->browserText();
}

// The box's first line: the events the page receives.
QString eventLine(const MainWindow& window)
{
    return boxText(window).section(QLatin1Char('\n'), 0, 0);
}
} // namespace

class TestBrowserBox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("wsinspector-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_browserbox"));
    }

    void upgradeOpensWithTheProtocol()
    {
        ServerPolicy policy;
        policy.protocols = { "chat" };
        auto server = startServer(policy);
        MainWindow window(server.get());
        QVERIFY(window.exchangeView()->findChild<QWidget*>(QStringLiteral("browserBox")));
        QVERIFY2(eventLine(window).contains(QStringLiteral("once the server answers")), qPrintable(boxText(window)));
        pointAt(window, server->url().toString(), { .protocols = { "chat" } });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(
            window.session() && window.session()->phase() == ClientSession::Phase::Open, kTimeoutMs);
        QVERIFY2(eventLine(window).contains(QStringLiteral("open (protocol \"chat\", extensions \"\") — still open")),
            qPrintable(boxText(window)));
        window.disconnectNow();
        QTRY_VERIFY_WITH_TIMEOUT(closed(window), kTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(eventLine(window).contains(QStringLiteral(
                                      "open (protocol \"chat\", extensions \"\") → close 1000 (wasClean: true)")),
            qPrintable(boxText(window)), kTimeoutMs);
        QVERIFY(!boxText(window).contains(QStringLiteral("\nWhy ")));
    }

    void httpRefusalIsErrorThenClose1006()
    {
        ServerPolicy policy;
        policy.allowedOrigins = { "https://allowed.example" };
        policy.originFailure = FailureMode::Http;
        auto server = startServer(policy);
        MainWindow window(server.get());
        pointAt(window, server->url().toString(), { .origin = "https://evil.example" });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(closed(window), kTimeoutMs);
        QVERIFY(window.session()->response() && window.session()->response()->status == 403);
        const QString text = boxText(window);
        QVERIFY2(eventLine(window).contains(QStringLiteral("error → close 1006 (wasClean: false)")), qPrintable(text));
        QVERIFY2(
            eventLine(window).contains(QStringLiteral("the page never sees the 403 or its body")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("answered 403")) && text.contains(QStringLiteral("A page never sees")),
            qPrintable(text));
        // The Origin the builder typed is one only a page from that site would send.
        QVERIFY2(text.contains(QStringLiteral("Page cannot send")) && text.contains(QStringLiteral("Origin")),
            qPrintable(text));
    }

    void acceptThenClose1008ShowsTheReason()
    {
        ServerPolicy policy;
        policy.allowedOrigins = { "https://allowed.example" };
        policy.originFailure = FailureMode::Close;
        auto server = startServer(policy);
        MainWindow window(server.get());
        pointAt(window, server->url().toString(), { .origin = "https://evil.example" });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(closed(window), kTimeoutMs);
        const QByteArray reason = server->connections().constFirst()->transcript().close().sentReason;
        QVERIFY(!reason.isEmpty());
        QTRY_VERIFY2_WITH_TIMEOUT(
            eventLine(window).contains(
                QStringLiteral("→ close 1008 “%1” (wasClean: true)").arg(QString::fromUtf8(reason))),
            qPrintable(boxText(window)), kTimeoutMs);
        QVERIFY2(eventLine(window).startsWith(QStringLiteral("Browser   open")), qPrintable(boxText(window)));
        QVERIFY(boxText(window).contains(QStringLiteral("The server started the closing handshake")));

        // Saved and read back, the record tells the same story.
        QTRY_VERIFY_WITH_TIMEOUT(window.framesPanel()->model()->rowCount() >= 2, kTimeoutMs);
        const QString live = eventLine(window);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("closed.jsonl"));
        QString error;
        QVERIFY2(window.framesPanel()->exportJsonLines(path, &error), qPrintable(error));
        QVERIFY(window.importTranscript(path));
        QVERIFY(window.exchangeView()->exchange().browser);
        QCOMPARE(eventLine(window), live);
    }

    void offeredProtocolWithoutAnAnswerFailsInBrowsers()
    {
        auto server = startServer(); // supports no subprotocol: answers 101 without one (RFC 6455 allows it)
        MainWindow window(server.get());
        pointAt(window, server->url().toString(), { .protocols = { "chat" } });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(
            window.session() && window.session()->phase() == ClientSession::Phase::Open, kTimeoutMs);
        QVERIFY(window.session()->response()->headers.value("Sec-WebSocket-Protocol").isEmpty());
        const QString text = boxText(window);
        QVERIFY2(eventLine(window).contains(QStringLiteral("error → close 1006 (wasClean: false)")), qPrintable(text));
        QVERIFY2(text.section(QLatin1Char('\n'), 1, 1)
                     .startsWith(QStringLiteral("Why   The page asked for subprotocols (chat) and the response has no "
                                                "Sec-WebSocket-Protocol. more…")),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("fails the connection when protocols were requested")), qPrintable(text));
        QVERIFY(!eventLine(window).contains(QStringLiteral("open")));
    }

    void noServerIsErrorThenClose1006()
    {
        QString url;
        {
            auto server = startServer();
            url = server->url().toString();
        }
        MainWindow window(nullptr);
        pointAt(window, url);
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(closed(window), kTimeoutMs);
        QTRY_VERIFY2_WITH_TIMEOUT(
            eventLine(window).contains(QStringLiteral("error → close 1006")), qPrintable(boxText(window)), kTimeoutMs);
        QVERIFY2(boxText(window).contains(QStringLiteral("No HTTP response arrived")), qPrintable(boxText(window)));
    }

    void headersAPageCannotSend()
    {
        auto server = startServer();
        MainWindow window(server.get());
        const QByteArray key = "dGhlIHNhbXBsZSBub25jZQ==";
        pointAt(window, server->url().toString(),
            { .extra = { { "Authorization", "Bearer abc", true }, { "X-Custom", "1", true } }, .fixedKey = key });
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(
            window.session() && window.session()->phase() == ClientSession::Phase::Open, kTimeoutMs);
        const QString text = boxText(window);
        const QString cannot = text.section(QLatin1Char('\n'), 1, 1);
        QVERIFY2(cannot.startsWith(QStringLiteral("Page cannot send")), qPrintable(text));
        for (const char* name : { "Authorization", "X-Custom", "Sec-WebSocket-Key" })
            QVERIFY2(cannot.contains(QLatin1String(name)), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("A browser cannot send this")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Authorization: Bearer abc — A page cannot set Authorization")),
            qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("X-Custom: 1 — A page cannot add header fields")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("Sec-WebSocket-Key: %1 — A browser picks a new random key")
                                   .arg(QString::fromLatin1(key))),
            qPrintable(text));
        // The notes carry their references.
        QVERIFY2(text.contains(QStringLiteral("(WHATWG WebSockets Standard, feedback from the protocol)")),
            qPrintable(text));

        // The details are one click away and start folded.
        auto* details = window.exchangeView()->findChild<QScrollArea*>(QStringLiteral("browserDetailsScroll"));
        auto* label = window.exchangeView()->findChild<QLabel*>(QStringLiteral("browserLabel"));
        QVERIFY(details && label);
        QVERIFY(details->isHidden());
        Q_EMIT label->linkActivated(QStringLiteral("details"));
        QVERIFY(!details->isHidden());
        QVERIFY(label->text().contains(QStringLiteral("hide details")));
    }
};

QTEST_MAIN(TestBrowserBox)
#include "tst_browserbox.moc"
