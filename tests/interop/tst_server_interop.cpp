// Our echo server against clients we did not write: Python websockets, node ws and headless Chromium.
// Each test asserts what the client saw (negotiated strings, echoed bytes, HTTP status, close codes) and
// what the server recorded.

#include "engine/echoserver.h"
#include "support/browserharness.h"
#include "support/peerprocess.h"

#include <QJsonDocument>
#include <QTest>

using namespace wsi;
using wsi::test::BrowserHarness;
using wsi::test::PeerLaunch;
using wsi::test::PeerProcess;

namespace
{
constexpr int kWaitMs = 20000;

QString field(const QJsonObject& event, const char* name)
{
    return event.value(QLatin1String(name)).toString();
}

void addPeerRows()
{
    QTest::addColumn<QString>("peer");
    QTest::newRow("python websockets") << QStringLiteral("python");
    QTest::newRow("node ws") << QStringLiteral("node");
}

QByteArray browserPage(const QString& okUrl, const QString& refusedUrl)
{
    // Two connections in turn: one the server accepts (reporting what was negotiated and the echo), one whose
    // origin it refuses. The page posts both outcomes at once.
    return QStringLiteral(R"(<!doctype html><meta charset="utf-8"><title>server interop</title><script>
function attempt(url, protocols) {
  return new Promise((resolve) => {
    let opened = false, sawError = false;
    const ws = new WebSocket(url, protocols);
    ws.onopen = () => { opened = true; ws.send('hello from the browser'); };
    ws.onmessage = (e) => {
      resolve({opened, protocol: ws.protocol, extensions: ws.extensions, echo: e.data});
      ws.close(1000, 'bye');
    };
    ws.onerror = () => { sawError = true; };
    ws.onclose = (e) => resolve({opened, code: e.code, sawError});
  });
}
(async () => {
  const accepted = await attempt('%1', ['json', 'msgpack']);
  const refused = await attempt('%2', ['json', 'msgpack']);
  fetch('/result', {method: 'POST', body: JSON.stringify({accepted, refused})});
})();
</script>)")
        .arg(okUrl, refusedUrl)
        .toUtf8();
}
} // namespace

class TstServerInterop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<EchoServer>();
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
    }
    void cleanup() { m_server.reset(); }

    void subprotocol_data()
    {
        QTest::addColumn<QString>("peer");
        QTest::addColumn<ProtocolOrder>("order");
        QTest::addColumn<QString>("expected");
        QTest::newRow("python, server order") << QStringLiteral("python") << ProtocolOrder::Server << "msgpack";
        QTest::newRow("python, client order") << QStringLiteral("python") << ProtocolOrder::Client << "json";
        QTest::newRow("node, server order") << QStringLiteral("node") << ProtocolOrder::Server << "msgpack";
        QTest::newRow("node, client order") << QStringLiteral("node") << ProtocolOrder::Client << "json";
    }

    void subprotocol()
    {
        QFETCH(QString, peer);
        QFETCH(ProtocolOrder, order);
        QFETCH(QString, expected);
        ServerPolicy policy;
        policy.protocols = { "msgpack", "json" };
        policy.protocolOrder = order;
        m_server->setPolicy(policy);
        PeerLaunch launch = PeerProcess::peer(peer,
            { QStringLiteral("client"), m_server->url().toString(), QStringLiteral("--protocol"),
                QStringLiteral("json"), QStringLiteral("--protocol"), QStringLiteral("msgpack"),
                QStringLiteral("--send"), QStringLiteral("hi") });
        WSI_REQUIRE_PEER(launch);
        const auto open = launch.peer->waitForEvent(QStringLiteral("open"), kWaitMs);
        QVERIFY2(open, qPrintable(launch.peer->diagnostics()));
        QCOMPARE(field(*open, "protocol"), expected);
        QVERIFY2(launch.peer->waitForExit(kWaitMs), qPrintable(launch.peer->diagnostics()));
        QCOMPARE(launch.peer->exitCode(), 0);
        QCOMPARE(m_server->connections().front()->transcript().handshake().protocol, expected.toLatin1());
    }

    void noCommonSubprotocolRejected_data() { addPeerRows(); }
    void noCommonSubprotocolRejected()
    {
        QFETCH(QString, peer);
        ServerPolicy policy;
        policy.protocols = { "msgpack" };
        policy.noProtocolMatch = NoProtocolMatch::Reject;
        m_server->setPolicy(policy);
        PeerLaunch launch = PeerProcess::peer(peer,
            { QStringLiteral("client"), m_server->url().toString(), QStringLiteral("--protocol"),
                QStringLiteral("chat"), QStringLiteral("--send"), QStringLiteral("hi") });
        WSI_REQUIRE_PEER(launch);
        const auto error = launch.peer->waitForEvent(QStringLiteral("error"), kWaitMs);
        QVERIFY2(error, qPrintable(launch.peer->diagnostics()));
        QCOMPARE(error->value(QLatin1String("status")).toInt(), 400);
    }

    void origin_data()
    {
        QTest::addColumn<QString>("peer");
        QTest::addColumn<QString>("origin");
        QTest::addColumn<int>("status");
        for (const QString& peer : { QStringLiteral("python"), QStringLiteral("node") }) {
            QTest::addRow("%s, allowed", qPrintable(peer)) << peer << QStringLiteral("https://good.example") << 101;
            QTest::addRow("%s, refused", qPrintable(peer)) << peer << QStringLiteral("https://evil.example") << 403;
        }
    }

    void origin()
    {
        QFETCH(QString, peer);
        QFETCH(QString, origin);
        QFETCH(int, status);
        ServerPolicy policy;
        policy.allowedOrigins = { "https://good.example" };
        m_server->setPolicy(policy);
        PeerLaunch launch = PeerProcess::peer(peer,
            { QStringLiteral("client"), m_server->url().toString(), QStringLiteral("--origin"), origin,
                QStringLiteral("--send"), QStringLiteral("hi") });
        WSI_REQUIRE_PEER(launch);
        if (status == 101) {
            QVERIFY2(
                launch.peer->waitForEvent(QStringLiteral("open"), kWaitMs), qPrintable(launch.peer->diagnostics()));
        } else {
            const auto error = launch.peer->waitForEvent(QStringLiteral("error"), kWaitMs);
            QVERIFY2(error, qPrintable(launch.peer->diagnostics()));
            QCOMPARE(error->value(QLatin1String("status")).toInt(), status);
        }
        launch.peer->waitForExit(kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!m_server->connections().isEmpty(), kWaitMs);
        QCOMPARE(m_server->connections().front()->transcript().handshake().status, status);
    }

    void token_data()
    {
        QTest::addColumn<QString>("peer");
        QTest::addColumn<QString>("how");
        QTest::addColumn<int>("status");
        for (const QString& peer : { QStringLiteral("python"), QStringLiteral("node") }) {
            QTest::addRow("%s, bearer", qPrintable(peer)) << peer << QStringLiteral("bearer") << 101;
            QTest::addRow("%s, query", qPrintable(peer)) << peer << QStringLiteral("query") << 101;
            QTest::addRow("%s, cookie", qPrintable(peer)) << peer << QStringLiteral("cookie") << 101;
            QTest::addRow("%s, wrong", qPrintable(peer)) << peer << QStringLiteral("wrong") << 401;
            QTest::addRow("%s, missing", qPrintable(peer)) << peer << QStringLiteral("missing") << 401;
        }
    }

    void token()
    {
        QFETCH(QString, peer);
        QFETCH(QString, how);
        QFETCH(int, status);
        ServerPolicy policy;
        policy.token = "s3cret";
        m_server->setPolicy(policy);
        QString url = m_server->url().toString();
        QStringList extra;
        if (how == QLatin1String("bearer"))
            extra = { QStringLiteral("--header"), QStringLiteral("Authorization: Bearer s3cret") };
        else if (how == QLatin1String("cookie"))
            extra = { QStringLiteral("--header"), QStringLiteral("Cookie: session=s3cret") };
        else if (how == QLatin1String("query"))
            url += QStringLiteral("?token=s3cret");
        else if (how == QLatin1String("wrong"))
            extra = { QStringLiteral("--header"), QStringLiteral("Authorization: Bearer guess") };
        PeerLaunch launch = PeerProcess::peer(
            peer, QStringList { QStringLiteral("client"), url, QStringLiteral("--send"), QStringLiteral("x") } + extra);
        WSI_REQUIRE_PEER(launch);
        if (status == 101) {
            QVERIFY2(
                launch.peer->waitForEvent(QStringLiteral("open"), kWaitMs), qPrintable(launch.peer->diagnostics()));
            QVERIFY2(launch.peer->waitForExit(kWaitMs), qPrintable(launch.peer->diagnostics()));
            QCOMPARE(launch.peer->exitCode(), 0);
        } else {
            const auto error = launch.peer->waitForEvent(QStringLiteral("error"), kWaitMs);
            QVERIFY2(error, qPrintable(launch.peer->diagnostics()));
            QCOMPARE(error->value(QLatin1String("status")).toInt(), 401);
        }
    }

    void deflate_data()
    {
        QTest::addColumn<QString>("peer");
        QTest::addColumn<bool>("clientAsksNoContext");
        QTest::addColumn<bool>("serverImposesNoContext");
        QTest::addColumn<int>("fragment");
        for (const QString& peer : { QStringLiteral("python"), QStringLiteral("node") }) {
            QTest::addRow("%s, context takeover", qPrintable(peer)) << peer << false << false << 0;
            QTest::addRow("%s, client asks no context takeover", qPrintable(peer)) << peer << true << false << 0;
            QTest::addRow("%s, server imposes no context takeover", qPrintable(peer)) << peer << false << true << 0;
            QTest::addRow("%s, compressed and fragmented", qPrintable(peer)) << peer << false << false << 7;
        }
    }

    void deflate()
    {
        QFETCH(QString, peer);
        QFETCH(bool, clientAsksNoContext);
        QFETCH(bool, serverImposesNoContext);
        QFETCH(int, fragment);
        ServerPolicy policy;
        policy.deflate.serverNoContextTakeover = serverImposesNoContext;
        policy.deflate.clientNoContextTakeover = serverImposesNoContext;
        m_server->setPolicy(policy);
        // Repeated text: the second and third messages compress well only when the window carries over.
        const QString text
            = QStringLiteral("{\"kind\":\"update\",\"value\":\"the same words again and again\"} ").repeated(8);
        QStringList args { QStringLiteral("client"), m_server->url().toString(), QStringLiteral("--deflate"),
            QStringLiteral("--send"), text, QStringLiteral("--send"), text, QStringLiteral("--send"), text,
            QStringLiteral("--send-binary"), QStringLiteral("00ff00ff00ff00ff00ff7f80") };
        if (clientAsksNoContext)
            args << QStringLiteral("--no-context-takeover");
        if (fragment > 0)
            args << QStringLiteral("--fragment") << QString::number(fragment);
        PeerLaunch launch = PeerProcess::peer(peer, args);
        WSI_REQUIRE_PEER(launch);
        const auto open = launch.peer->waitForEvent(QStringLiteral("open"), kWaitMs);
        QVERIFY2(open, qPrintable(launch.peer->diagnostics()));
        const QString extensions = field(*open, "extensions");
        QVERIFY2(extensions.startsWith(QStringLiteral("permessage-deflate")), qPrintable(extensions));
        const bool noContext = clientAsksNoContext || serverImposesNoContext;
        QCOMPARE(extensions.contains(QStringLiteral("server_no_context_takeover")), noContext);
        for (int i = 0; i < 3; ++i) {
            const auto echo = launch.peer->waitForEvent(QStringLiteral("message"), kWaitMs);
            QVERIFY2(echo, qPrintable(launch.peer->diagnostics()));
            QCOMPARE(field(*echo, "data"), text);
        }
        const auto binary = launch.peer->waitForEvent(QStringLiteral("message"), kWaitMs);
        QVERIFY(binary);
        QCOMPARE(field(*binary, "data"), QStringLiteral("00ff00ff00ff00ff00ff7f80"));
        QVERIFY2(launch.peer->waitForExit(kWaitMs), qPrintable(launch.peer->diagnostics()));
        QCOMPARE(launch.peer->exitCode(), 0);

        ServerConnection* c = m_server->connections().front();
        QTRY_COMPARE_WITH_TIMEOUT(c->phase(), ServerConnection::Phase::Closed, kWaitMs);
        const Transcript& t = c->transcript();
        QCOMPARE(QString::fromLatin1(t.handshake().extensions), extensions);
        QList<qint64> outWire;
        int fragmentedIn = 0;
        for (const MessageRecord& m : t.messages()) {
            if (m.dir == Direction::Out) {
                QVERIFY(m.compressed);
                outWire.append(m.wireBytes);
            } else if (m.frameCount > 1) {
                ++fragmentedIn;
            }
        }
        QCOMPARE(outWire.size(), 4);
        // With context takeover the repeated message shrinks after the first; without it every copy costs the same.
        if (noContext)
            QCOMPARE(outWire[1], outWire[0]);
        else
            QVERIFY2(outWire[1] < outWire[0], qPrintable(QStringLiteral("%1 vs %2").arg(outWire[1]).arg(outWire[0])));
        if (fragment > 0)
            QVERIFY(fragmentedIn >= 3);
    }

    void fragmentedUncompressed_data() { addPeerRows(); }
    void fragmentedUncompressed()
    {
        QFETCH(QString, peer);
        const QString text = QStringLiteral("fragments of a longer message, split by the client ").repeated(20);
        PeerLaunch launch = PeerProcess::peer(peer,
            { QStringLiteral("client"), m_server->url().toString(), QStringLiteral("--no-deflate"),
                QStringLiteral("--fragment"), QStringLiteral("100"), QStringLiteral("--send"), text,
                QStringLiteral("--send-binary"), QStringLiteral("0001020304050607080910111213141516171819") });
        WSI_REQUIRE_PEER(launch);
        const auto echo = launch.peer->waitForEvent(QStringLiteral("message"), kWaitMs);
        QVERIFY2(echo, qPrintable(launch.peer->diagnostics()));
        QCOMPARE(field(*echo, "data"), text);
        QVERIFY2(launch.peer->waitForExit(kWaitMs), qPrintable(launch.peer->diagnostics()));
        QCOMPARE(launch.peer->exitCode(), 0);
        const Transcript& t = m_server->connections().front()->transcript();
        QVERIFY(t.messages().front().frameCount >= 10);
        QVERIFY(!t.handshake().extensions.contains("permessage-deflate"));
    }

    void closeCodeEchoed_data() { addPeerRows(); }
    void closeCodeEchoed()
    {
        QFETCH(QString, peer);
        PeerLaunch launch = PeerProcess::peer(peer,
            { QStringLiteral("client"), m_server->url().toString(), QStringLiteral("--send"), QStringLiteral("x"),
                QStringLiteral("--close"), QStringLiteral("4000") });
        WSI_REQUIRE_PEER(launch);
        const auto close = launch.peer->waitForEvent(QStringLiteral("close"), kWaitMs);
        QVERIFY2(close, qPrintable(launch.peer->diagnostics()));
        QCOMPARE(close->value(QLatin1String("code")).toInt(), 4000);
        ServerConnection* c = m_server->connections().front();
        QTRY_COMPARE_WITH_TIMEOUT(c->phase(), ServerConnection::Phase::Closed, kWaitMs);
        QCOMPARE(c->transcript().close().receivedCode, std::optional<quint16>(4000));
        QVERIFY(c->transcript().close().clean);
    }

    void fiftyConcurrentClients_data() { addPeerRows(); }
    void fiftyConcurrentClients()
    {
        QFETCH(QString, peer);
        PeerLaunch launch = PeerProcess::peer(peer,
            { QStringLiteral("client"), m_server->url().toString(), QStringLiteral("--count"), QStringLiteral("50"),
                QStringLiteral("--concurrency"), QStringLiteral("50"), QStringLiteral("--send"),
                QStringLiteral("one of fifty"), QStringLiteral("--send-binary"), QStringLiteral("cafe") });
        WSI_REQUIRE_PEER(launch);
        const auto summary = launch.peer->waitForEvent(QStringLiteral("summary"), 60000);
        QVERIFY2(summary, qPrintable(launch.peer->diagnostics()));
        QCOMPARE(summary->value(QLatin1String("connections")).toInt(), 50);
        QVERIFY2(summary->value(QLatin1String("ok")).toBool(), QJsonDocument(*summary).toJson().constData());
        QVERIFY(launch.peer->eventsNamed(QStringLiteral("error")).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(m_server->connections().size(), 50, kWaitMs);
        for (ServerConnection* c : m_server->connections()) {
            QTRY_COMPARE_WITH_TIMEOUT(c->phase(), ServerConnection::Phase::Closed, kWaitMs);
            QCOMPARE(c->transcript().messages().size(), 4); // two in, two echoed
        }
    }

    void chromium()
    {
        const QString reason = BrowserHarness::unavailableReason();
        if (!reason.isEmpty() && !wsi::test::peersRequired())
            QSKIP(qPrintable(reason));
        QVERIFY2(reason.isEmpty(), qPrintable(reason));

        BrowserHarness browser;
        QVERIFY(browser.isListening());
        ServerPolicy allowing;
        allowing.protocols = { "msgpack", "json" };
        allowing.allowedOrigins = { browser.origin().toUtf8() };
        m_server->setPolicy(allowing);

        EchoServer refusing;
        ServerPolicy other = allowing;
        other.allowedOrigins = { "https://somewhere.else" };
        refusing.setPolicy(other);
        QVERIFY(refusing.listen(QHostAddress::LocalHost, 0));

        const auto result = browser.run(browserPage(m_server->url().toString(), refusing.url().toString()));
        QVERIFY2(result, qPrintable(browser.lastError()));
        const QByteArray dump = QJsonDocument(*result).toJson();
        const QJsonObject accepted = result->value(QLatin1String("accepted")).toObject();
        QVERIFY2(accepted.value(QLatin1String("opened")).toBool(), dump.constData());
        QCOMPARE(field(accepted, "protocol"), QStringLiteral("msgpack"));
        const Transcript& t = m_server->connections().front()->transcript();
        QCOMPARE(field(accepted, "extensions"), QString::fromLatin1(t.handshake().extensions));
        QVERIFY(field(accepted, "extensions").startsWith(QStringLiteral("permessage-deflate")));
        QCOMPARE(field(accepted, "echo"), QStringLiteral("hello from the browser"));

        const QJsonObject refused = result->value(QLatin1String("refused")).toObject();
        QVERIFY2(!refused.value(QLatin1String("opened")).toBool(), dump.constData());
        QCOMPARE(refused.value(QLatin1String("code")).toInt(), 1006);
        QVERIFY(refused.value(QLatin1String("sawError")).toBool());
        QTRY_VERIFY_WITH_TIMEOUT(!refusing.connections().isEmpty(), kWaitMs);
        QCOMPARE(refusing.connections().front()->transcript().handshake().status, 403);
        QVERIFY(refusing.connections().front()->transcript().handshake().decisionSteps.last().text.contains(
            QStringLiteral("Origin %1 is not in the allowlist").arg(browser.origin())));
    }

private:
    std::unique_ptr<EchoServer> m_server;
};

QTEST_MAIN(TstServerInterop)
#include "tst_server_interop.moc"
