// Proves the peer harness against third-party WebSocket code only: Python websockets, node ws,
// Qt WebSockets and Chromium talk to each other through tests/peers and tests/support.
#include "support/browserharness.h"
#include "support/fakeservers.h"
#include "support/peerprocess.h"
#include "support/testpaths.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketCorsAuthenticator>
#include <QWebSocketHandshakeOptions>
#include <QWebSocketServer>
#include <memory>

using wsi::test::BrowserHarness;
using wsi::test::PeerLaunch;
using wsi::test::PeerProcess;

using wsi::test::QtEchoServer;

namespace
{

constexpr int timeoutMs = 15000;

QString eventString(const QJsonObject& event, const char* field)
{
    return event.value(QLatin1String(field)).toString();
}

QByteArray pageReporting(const QString& webSocketUrl, const QString& protocolsJson)
{
    // The page reports exactly once: on open, or when the connection closes without opening.
    return QStringLiteral(R"(<!doctype html><meta charset="utf-8"><title>peer harness</title><script>
let reported = false, sawError = false;
function report(result) {
  if (reported) return;
  reported = true;
  fetch('/result', {method: 'POST', body: JSON.stringify(result)});
}
const ws = new WebSocket('%1', %2);
ws.onopen = () => { report({opened: true, protocol: ws.protocol, extensions: ws.extensions}); ws.close(1000); };
ws.onerror = () => { sawError = true; };
ws.onclose = (e) => report({opened: false, code: e.code, wasClean: e.wasClean, sawError});
</script>)")
        .arg(webSocketUrl, protocolsJson)
        .toUtf8();
}

} // namespace

class tst_PeerHarness : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void peerServerEchoesQtClient_data();
    void peerServerEchoesQtClient();
    void peerServerChoosesSubprotocol_data();
    void peerServerChoosesSubprotocol();
    void peerServerChecksOrigin_data();
    void peerServerChecksOrigin();
    void peerServerNegotiatesDeflate_data();
    void peerServerNegotiatesDeflate();
    void peersEchoCompressedMessages_data();
    void peersEchoCompressedMessages();
    void peerClientReportsRefusedHandshake_data();
    void peerClientReportsRefusedHandshake();
    void qtServerEchoesPeerClient_data();
    void qtServerEchoesPeerClient();
    void qtServerServesConcurrentPeerClients_data();
    void qtServerServesConcurrentPeerClients();
    void chromiumGetsServerPreferredSubprotocol();
    void chromiumSeesOriginRejected();
    void testPathsLocateSourcesAndBinary();
};

void tst_PeerHarness::peerServerEchoesQtClient_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<bool>("binary");
    QTest::addColumn<QByteArray>("payload");

    const QByteArray threeHundredBytes(300, '\x5a');
    for (const QString& peer : { QStringLiteral("python"), QStringLiteral("node") }) {
        const QByteArray prefix = peer.toUtf8() + ": ";
        QTest::newRow(prefix + "text") << peer << false << QByteArray("Hello");
        QTest::newRow(prefix + "non-ASCII text") << peer << false << QByteArray("gr\xc3\xbc\xc3\x9f \xe2\x82\xac");
        QTest::newRow(prefix + "empty text") << peer << false << QByteArray();
        QTest::newRow(prefix + "binary with zero and 0xff bytes") << peer << true << QByteArray::fromHex("00ff10807f");
        QTest::newRow(prefix + "binary needing a 16-bit length") << peer << true << threeHundredBytes;
    }
}

void tst_PeerHarness::peerServerEchoesQtClient()
{
    QFETCH(QString, peer);
    QFETCH(bool, binary);
    QFETCH(QByteArray, payload);

    const PeerLaunch launch
        = PeerProcess::peer(peer, { QStringLiteral("server"), QStringLiteral("--port"), QStringLiteral("0") });
    WSI_REQUIRE_PEER(launch);

    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    QSignalSpy texts(&client, &QWebSocket::textMessageReceived);
    QSignalSpy binaries(&client, &QWebSocket::binaryMessageReceived);
    client.open(launch.peer->url(QStringLiteral("/echo")));
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, timeoutMs);

    if (binary) {
        client.sendBinaryMessage(payload);
        QTRY_COMPARE_WITH_TIMEOUT(binaries.size(), 1, timeoutMs);
        QCOMPARE(binaries.first().first().toByteArray(), payload);
    } else {
        client.sendTextMessage(QString::fromUtf8(payload));
        QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 1, timeoutMs);
        QCOMPARE(texts.first().first().toString(), QString::fromUtf8(payload));
    }
    QCOMPARE(texts.size() + binaries.size(), 1);

    const auto connection = launch.peer->waitForEvent(QStringLiteral("connection"));
    QVERIFY2(connection, qPrintable(launch.peer->diagnostics()));
    QCOMPARE(eventString(*connection, "path"), QStringLiteral("/echo"));
}

void tst_PeerHarness::peerServerChoosesSubprotocol_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QString>("serverProtocols");
    QTest::addColumn<QStringList>("offered");
    QTest::addColumn<QString>("expected");

    for (const QString& peer : { QStringLiteral("python"), QStringLiteral("node") }) {
        const QByteArray prefix = peer.toUtf8() + ": ";
        QTest::newRow(prefix + "server preference wins over client order")
            << peer << QStringLiteral("msgpack,json")
            << QStringList { QStringLiteral("json"), QStringLiteral("msgpack") } << QStringLiteral("msgpack");
        QTest::newRow(prefix + "only common protocol chosen")
            << peer << QStringLiteral("json,msgpack")
            << QStringList { QStringLiteral("chat"), QStringLiteral("msgpack") } << QStringLiteral("msgpack");
        QTest::newRow(prefix + "no common protocol selects none")
            << peer << QStringLiteral("json") << QStringList { QStringLiteral("chat") } << QString();
    }
}

void tst_PeerHarness::peerServerChoosesSubprotocol()
{
    QFETCH(QString, peer);
    QFETCH(QString, serverProtocols);
    QFETCH(QStringList, offered);
    QFETCH(QString, expected);

    const PeerLaunch launch = PeerProcess::peer(peer,
        { QStringLiteral("server"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--protocols"),
            serverProtocols });
    WSI_REQUIRE_PEER(launch);

    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    QWebSocketHandshakeOptions options;
    options.setSubprotocols(offered);
    client.open(launch.peer->url(), options);
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, timeoutMs);
    QCOMPARE(client.subprotocol(), expected);

    const auto connection = launch.peer->waitForEvent(QStringLiteral("connection"));
    QVERIFY2(connection, qPrintable(launch.peer->diagnostics()));
    // The peer logs null, not "", when it selected nothing: no Sec-WebSocket-Protocol was sent.
    QCOMPARE(connection->value(QStringLiteral("protocol")).isNull(), expected.isEmpty());
    QCOMPARE(eventString(*connection, "protocol"), expected);
}

void tst_PeerHarness::peerServerChecksOrigin_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QString>("origin");
    QTest::addColumn<bool>("accepted");

    for (const QString& peer : { QStringLiteral("python"), QStringLiteral("node") }) {
        const QByteArray prefix = peer.toUtf8() + ": ";
        QTest::newRow(prefix + "allowed origin connects") << peer << QStringLiteral("https://app.example") << true;
        QTest::newRow(prefix + "foreign origin gets 403") << peer << QStringLiteral("https://evil.example") << false;
    }
}

void tst_PeerHarness::peerServerChecksOrigin()
{
    QFETCH(QString, peer);
    QFETCH(QString, origin);
    QFETCH(bool, accepted);

    const PeerLaunch launch = PeerProcess::peer(peer,
        { QStringLiteral("server"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--allow-origin"),
            QStringLiteral("https://app.example") });
    WSI_REQUIRE_PEER(launch);

    QWebSocket client(origin);
    QSignalSpy connected(&client, &QWebSocket::connected);
    QSignalSpy errors(&client, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error));
    client.open(launch.peer->url());
    QTRY_VERIFY_WITH_TIMEOUT(connected.size() + errors.size() > 0, timeoutMs);

    QCOMPARE(connected.size(), accepted ? 1 : 0);
    if (accepted) {
        const auto connection = launch.peer->waitForEvent(QStringLiteral("connection"));
        QVERIFY2(connection, qPrintable(launch.peer->diagnostics()));
        QCOMPARE(eventString(*connection, "origin"), origin);
    } else {
        QVERIFY2(client.errorString().contains(QLatin1String("403")), qPrintable(client.errorString()));
        QVERIFY(launch.peer->eventsNamed(QStringLiteral("connection")).isEmpty());
    }
}

void tst_PeerHarness::peerServerNegotiatesDeflate_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QStringList>("serverOptions");
    QTest::addColumn<QString>("expectedExtensions");

    // Qt WebSockets cannot offer permessage-deflate itself, so the client sends the offer as
    // a raw header and only the negotiation is checked: no message crosses the connection.
    const QStringList noTakeover { QStringLiteral("--deflate"), QStringLiteral("--no-context-takeover") };
    QTest::newRow("node: deflate off answers no extension")
        << QStringLiteral("node") << QStringList { QStringLiteral("--no-deflate") } << QString();
    // ws answers a value-less client_max_window_bits offer by leaving the parameter out.
    QTest::newRow("node: deflate accepted") << QStringLiteral("node") << QStringList { QStringLiteral("--deflate") }
                                            << QStringLiteral("permessage-deflate");
    QTest::newRow("node: no context takeover added unasked")
        << QStringLiteral("node") << noTakeover
        << QStringLiteral("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    QTest::newRow("python: no context takeover added unasked")
        << QStringLiteral("python") << noTakeover
        << QStringLiteral("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
}

void tst_PeerHarness::peerServerNegotiatesDeflate()
{
    QFETCH(QString, peer);
    QFETCH(QStringList, serverOptions);
    QFETCH(QString, expectedExtensions);

    const PeerLaunch launch = PeerProcess::peer(
        peer, QStringList { QStringLiteral("server"), QStringLiteral("--port"), QStringLiteral("0") } + serverOptions);
    WSI_REQUIRE_PEER(launch);

    QWebSocket client;
    QSignalSpy connected(&client, &QWebSocket::connected);
    QNetworkRequest request(launch.peer->url());
    request.setRawHeader("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
    client.open(request);
    QTRY_COMPARE_WITH_TIMEOUT(connected.size(), 1, timeoutMs);

    const auto connection = launch.peer->waitForEvent(QStringLiteral("connection"));
    QVERIFY2(connection, qPrintable(launch.peer->diagnostics()));
    QCOMPARE(eventString(*connection, "extensions"), expectedExtensions);
}

void tst_PeerHarness::peersEchoCompressedMessages_data()
{
    QTest::addColumn<QString>("serverPeer");
    QTest::addColumn<QString>("clientPeer");
    QTest::addColumn<QStringList>("deflateOptions");
    QTest::addColumn<QString>("expectedExtensions");

    const QStringList takeover { QStringLiteral("--deflate") };
    const QStringList noTakeover { QStringLiteral("--deflate"), QStringLiteral("--no-context-takeover") };
    const QString noTakeoverResponse
        = QStringLiteral("permessage-deflate; server_no_context_takeover; client_no_context_takeover");
    // websockets' default server configuration limits both windows to 12 bits to save memory.
    QTest::newRow("node client, python server, context takeover")
        << QStringLiteral("python") << QStringLiteral("node") << takeover
        << QStringLiteral("permessage-deflate; server_max_window_bits=12; client_max_window_bits=12");
    QTest::newRow("node client, python server, no context takeover")
        << QStringLiteral("python") << QStringLiteral("node") << noTakeover << noTakeoverResponse;
    QTest::newRow("python client, node server, context takeover")
        << QStringLiteral("node") << QStringLiteral("python") << takeover << QStringLiteral("permessage-deflate");
    QTest::newRow("python client, node server, no context takeover")
        << QStringLiteral("node") << QStringLiteral("python") << noTakeover << noTakeoverResponse;
}

void tst_PeerHarness::peersEchoCompressedMessages()
{
    QFETCH(QString, serverPeer);
    QFETCH(QString, clientPeer);
    QFETCH(QStringList, deflateOptions);
    QFETCH(QString, expectedExtensions);

    const PeerLaunch server = PeerProcess::peer(serverPeer,
        QStringList { QStringLiteral("server"), QStringLiteral("--port"), QStringLiteral("0") } + deflateOptions);
    WSI_REQUIRE_PEER(server);
    // The same text twice: with context takeover the second copy compresses to a back-reference.
    const PeerLaunch client = PeerProcess::peer(clientPeer,
        QStringList { QStringLiteral("client"), server.peer->url().toString(), QStringLiteral("--send"),
            QStringLiteral("Hello"), QStringLiteral("--send"), QStringLiteral("Hello"), QStringLiteral("--send-binary"),
            QStringLiteral("000102030405060708090a0b0c0d0e0f"), QStringLiteral("--fragment"), QStringLiteral("3") }
            + deflateOptions);
    WSI_REQUIRE_PEER(client);

    QVERIFY2(client.peer->waitForExit(), qPrintable(client.peer->diagnostics()));
    QVERIFY2(client.peer->exitCode() == 0, qPrintable(client.peer->diagnostics()));
    const auto open = client.peer->waitForEvent(QStringLiteral("open"));
    QVERIFY2(open, qPrintable(client.peer->diagnostics()));
    QCOMPARE(eventString(*open, "extensions"), expectedExtensions);

    const QList<QJsonObject> messages = client.peer->eventsNamed(QStringLiteral("message"));
    QCOMPARE(messages.size(), 3);
    QCOMPARE(eventString(messages.at(1), "data"), QStringLiteral("Hello"));
    QCOMPARE(eventString(messages.at(2), "type"), QStringLiteral("binary"));
    QCOMPARE(eventString(messages.at(2), "data"), QStringLiteral("000102030405060708090a0b0c0d0e0f"));

    const auto serverSide = server.peer->waitForEvent(QStringLiteral("connection"));
    QVERIFY2(serverSide, qPrintable(server.peer->diagnostics()));
    QCOMPARE(eventString(*serverSide, "extensions"), expectedExtensions);
}

void tst_PeerHarness::peerClientReportsRefusedHandshake_data()
{
    QTest::addColumn<QString>("serverPeer");
    QTest::addColumn<QString>("clientPeer");
    QTest::newRow("python client refused by node server") << QStringLiteral("node") << QStringLiteral("python");
    QTest::newRow("node client refused by python server") << QStringLiteral("python") << QStringLiteral("node");
}

void tst_PeerHarness::peerClientReportsRefusedHandshake()
{
    QFETCH(QString, serverPeer);
    QFETCH(QString, clientPeer);

    const PeerLaunch server = PeerProcess::peer(serverPeer,
        { QStringLiteral("server"), QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--allow-origin"),
            QStringLiteral("https://app.example") });
    WSI_REQUIRE_PEER(server);
    const PeerLaunch client = PeerProcess::peer(clientPeer,
        { QStringLiteral("client"), server.peer->url().toString(), QStringLiteral("--origin"),
            QStringLiteral("https://evil.example"), QStringLiteral("--send"), QStringLiteral("Hello") });
    WSI_REQUIRE_PEER(client);

    QVERIFY2(client.peer->waitForExit(), qPrintable(client.peer->diagnostics()));
    QCOMPARE(client.peer->exitCode(), 1);
    const auto error = client.peer->waitForEvent(QStringLiteral("error"));
    QVERIFY2(error, qPrintable(client.peer->diagnostics()));
    QCOMPARE(error->value(QStringLiteral("status")).toInt(), 403);
    QVERIFY(client.peer->eventsNamed(QStringLiteral("open")).isEmpty());
    QVERIFY(server.peer->eventsNamed(QStringLiteral("connection")).isEmpty());
}

void tst_PeerHarness::qtServerEchoesPeerClient_data()
{
    QTest::addColumn<QString>("peer");
    QTest::newRow("python client") << QStringLiteral("python");
    QTest::newRow("node client") << QStringLiteral("node");
}

void tst_PeerHarness::qtServerEchoesPeerClient()
{
    QFETCH(QString, peer);

    QtEchoServer echo({ QStringLiteral("json") });
    QVERIFY(echo.server().isListening());
    const PeerLaunch launch = PeerProcess::peer(peer,
        { QStringLiteral("client"), echo.url(), QStringLiteral("--protocol"), QStringLiteral("chat"),
            QStringLiteral("--protocol"), QStringLiteral("json"), QStringLiteral("--send"), QStringLiteral("Hello"),
            QStringLiteral("--send-binary"), QStringLiteral("00ff7f80"), QStringLiteral("--close"),
            QStringLiteral("4001") });
    WSI_REQUIRE_PEER(launch);

    QVERIFY2(launch.peer->waitForExit(), qPrintable(launch.peer->diagnostics()));
    QVERIFY2(launch.peer->exitCode() == 0, qPrintable(launch.peer->diagnostics()));

    const auto open = launch.peer->waitForEvent(QStringLiteral("open"));
    QVERIFY2(open, qPrintable(launch.peer->diagnostics()));
    QCOMPARE(eventString(*open, "protocol"), QStringLiteral("json"));
    QVERIFY(open->value(QStringLiteral("extensions")).isNull());

    const QList<QJsonObject> messages = launch.peer->eventsNamed(QStringLiteral("message"));
    QCOMPARE(messages.size(), 2);
    QCOMPARE(eventString(messages.at(0), "type"), QStringLiteral("text"));
    QCOMPARE(eventString(messages.at(0), "data"), QStringLiteral("Hello"));
    QCOMPARE(eventString(messages.at(1), "type"), QStringLiteral("binary"));
    QCOMPARE(eventString(messages.at(1), "data"), QStringLiteral("00ff7f80"));
    QCOMPARE(messages.at(1).value(QStringLiteral("length")).toInt(), 4);

    const auto close = launch.peer->waitForEvent(QStringLiteral("close"));
    QVERIFY2(close, qPrintable(launch.peer->diagnostics()));
    QCOMPARE(close->value(QStringLiteral("code")).toInt(), 4001);
    QCOMPARE(echo.connectionCount(), 1);
    QCOMPARE(echo.subprotocolsChosen(), QStringList { QStringLiteral("json") });
}

void tst_PeerHarness::qtServerServesConcurrentPeerClients_data()
{
    QTest::addColumn<QString>("peer");
    QTest::newRow("50 concurrent node clients") << QStringLiteral("node");
    QTest::newRow("50 concurrent python clients") << QStringLiteral("python");
}

void tst_PeerHarness::qtServerServesConcurrentPeerClients()
{
    QFETCH(QString, peer);
    constexpr int clients = 50;

    QtEchoServer echo;
    QVERIFY(echo.server().isListening());
    const PeerLaunch launch = PeerProcess::peer(peer,
        { QStringLiteral("client"), echo.url(), QStringLiteral("--count"), QString::number(clients),
            QStringLiteral("--concurrency"), QString::number(clients), QStringLiteral("--send"), QStringLiteral("ping"),
            QStringLiteral("--send-binary"), QStringLiteral("0102") });
    WSI_REQUIRE_PEER(launch);

    const auto summary = launch.peer->waitForEvent(QStringLiteral("summary"), 60000);
    QVERIFY2(summary, qPrintable(launch.peer->diagnostics()));
    QCOMPARE(summary->value(QStringLiteral("connections")).toInt(), clients);
    QCOMPARE(summary->value(QStringLiteral("messages")).toInt(), 2 * clients);
    QVERIFY(summary->value(QStringLiteral("ok")).toBool());
    QCOMPARE(echo.connectionCount(), clients);
    QVERIFY2(launch.peer->waitForExit(), qPrintable(launch.peer->diagnostics()));
    QCOMPARE(launch.peer->exitCode(), 0);
}

void tst_PeerHarness::chromiumGetsServerPreferredSubprotocol()
{
    const QString reason = BrowserHarness::unavailableReason();
    if (!reason.isEmpty() && !wsi::test::peersRequired())
        QSKIP(qPrintable(reason));
    QVERIFY2(reason.isEmpty(), qPrintable(reason));

    QtEchoServer echo({ QStringLiteral("json"), QStringLiteral("msgpack") });
    QVERIFY(echo.server().isListening());
    QStringList originsSeen;
    QObject::connect(&echo.server(), &QWebSocketServer::originAuthenticationRequired, &echo.server(),
        [&](QWebSocketCorsAuthenticator* authenticator) { originsSeen.append(authenticator->origin()); });

    BrowserHarness browser;
    QVERIFY(browser.isListening());
    const auto result = browser.run(pageReporting(echo.url(), QStringLiteral("['json', 'msgpack']")));
    QVERIFY2(result, qPrintable(browser.lastError()));
    QVERIFY2(result->value(QStringLiteral("opened")).toBool(), QJsonDocument(*result).toJson().constData());
    QCOMPARE(result->value(QStringLiteral("protocol")).toString(), QStringLiteral("json"));
    QCOMPARE(echo.subprotocolsChosen(), QStringList { QStringLiteral("json") });
    QCOMPARE(originsSeen, QStringList { browser.origin() });
}

void tst_PeerHarness::chromiumSeesOriginRejected()
{
    const QString reason = BrowserHarness::unavailableReason();
    if (!reason.isEmpty() && !wsi::test::peersRequired())
        QSKIP(qPrintable(reason));
    QVERIFY2(reason.isEmpty(), qPrintable(reason));

    QtEchoServer echo;
    QVERIFY(echo.server().isListening());
    BrowserHarness browser;
    QVERIFY(browser.isListening());
    QStringList originsRejected;
    QObject::connect(&echo.server(), &QWebSocketServer::originAuthenticationRequired, &echo.server(),
        [&](QWebSocketCorsAuthenticator* authenticator) {
            const bool allowed = authenticator->origin() != browser.origin();
            authenticator->setAllowed(allowed);
            if (!allowed)
                originsRejected.append(authenticator->origin());
        });

    const auto result = browser.run(pageReporting(echo.url(), QStringLiteral("[]")));
    QVERIFY2(result, qPrintable(browser.lastError()));
    QVERIFY2(!result->value(QStringLiteral("opened")).toBool(), QJsonDocument(*result).toJson().constData());
    QCOMPARE(result->value(QStringLiteral("code")).toInt(), 1006);
    QVERIFY(result->value(QStringLiteral("sawError")).toBool());
    QCOMPARE(originsRejected, QStringList { browser.origin() });
    QCOMPARE(echo.connectionCount(), 0);
}

void tst_PeerHarness::testPathsLocateSourcesAndBinary()
{
    QVERIFY(QFileInfo(wsi::test::sourceDir() + QStringLiteral("/tests/peers/README.md")).isFile());
    QVERIFY(QFileInfo(wsi::test::peerScript(QStringLiteral("python/peer.py"))).isFile());
    QVERIFY(QFileInfo(wsi::test::peerScript(QStringLiteral("node/peer.js"))).isFile());
    if (qEnvironmentVariableIsEmpty("WSI_BINARY"))
        QSKIP("WSI_BINARY is set by ctest; run through ctest to check it");
    QCOMPARE(QFileInfo(wsi::test::wsinspectorBinary()).fileName(), QStringLiteral("wsinspector"));
}

QTEST_GUILESS_MAIN(tst_PeerHarness)
#include "tst_peerharness.moc"
