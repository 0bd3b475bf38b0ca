// The browser view (core/browserview.h) against a real browser: headless Chromium opens WebSockets to our echo
// server under several policies, and what its page saw (events, close code, reason, wasClean, protocol) must be
// what browserView() predicts from the same exchange as the server recorded it.

#include "core/browserview.h"
#include "engine/echoserver.h"
#include "support/browserharness.h"
#include "support/peerprocess.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <memory>

using namespace wsi;
using wsi::test::BrowserHarness;

namespace
{

struct Case {
    QString name;
    ServerPolicy policy;
    QStringList protocols; // what the page asks for
};

// The server recorded the close from its side; the page's side is the mirror image.
CloseRecord asSeenByTheClient(const CloseRecord& server)
{
    CloseRecord c = server;
    c.initiator = server.initiator == CloseRecord::Initiator::Local ? CloseRecord::Initiator::Remote
        : server.initiator == CloseRecord::Initiator::Remote        ? CloseRecord::Initiator::Local
                                                                    : CloseRecord::Initiator::None;
    std::swap(c.sentCode, c.receivedCode);
    std::swap(c.sentReason, c.receivedReason);
    std::swap(c.sentTimeUs, c.receivedTimeUs);
    return c;
}

QByteArray page(const QStringList& urls, const QList<QStringList>& protocols)
{
    QJsonArray attempts;
    for (qsizetype i = 0; i < urls.size(); ++i)
        attempts.append(QJsonObject { { QStringLiteral("url"), urls.at(i) },
            { QStringLiteral("protocols"), QJsonArray::fromStringList(protocols.at(i)) } });
    // Each connection in turn: every event in order; the page closes an open connection with 1000 "bye" unless the
    // server closes first.
    return QStringLiteral(R"(<!doctype html><meta charset="utf-8"><title>browser view</title><script>
function attempt(a) {
  return new Promise((resolve) => {
    const events = [];
    let protocol = '', extensions = '';
    const ws = new WebSocket(a.url, a.protocols);
    ws.onopen = () => {
      events.push({type: 'open'}); protocol = ws.protocol; extensions = ws.extensions;
      setTimeout(() => { if (ws.readyState === 1) ws.close(1000, 'bye'); }, 300);
    };
    ws.onerror = () => events.push({type: 'error'});
    ws.onclose = (e) => {
      events.push({type: 'close', code: e.code, reason: e.reason, wasClean: e.wasClean});
      resolve({events, protocol, extensions});
    };
  });
}
(async () => {
  const results = [];
  for (const a of %1) results.push(await attempt(a));
  fetch('/result', {method: 'POST', body: JSON.stringify({results})});
})();
</script>)")
        .arg(QString::fromUtf8(QJsonDocument(attempts).toJson(QJsonDocument::Compact)))
        .toUtf8();
}

QJsonArray eventsJson(const BrowserView& view)
{
    return view.toJson().value(QStringLiteral("events")).toArray();
}

} // namespace

class TstBrowserViewChromium : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void predictionsMatchChromium()
    {
        const QString reason = BrowserHarness::unavailableReason();
        if (!reason.isEmpty() && !wsi::test::peersRequired())
            QSKIP(qPrintable(reason));
        QVERIFY2(reason.isEmpty(), qPrintable(reason));

        BrowserHarness browser;
        QVERIFY(browser.isListening());
        const QByteArray pageOrigin = browser.origin().toUtf8();

        QList<Case> cases;
        ServerPolicy chat;
        chat.protocols = { "chat" };
        chat.allowedOrigins = { pageOrigin };
        cases.append(
            { QStringLiteral("101 with a subprotocol, closed by the page"), chat, { QStringLiteral("chat") } });
        ServerPolicy refuse;
        refuse.allowedOrigins = { "https://app.example" };
        cases.append({ QStringLiteral("403 for the origin"), refuse, {} });
        ServerPolicy token;
        token.token = "s3cr3t";
        cases.append({ QStringLiteral("401 without a token"), token, {} });
        ServerPolicy closeOrigin = refuse;
        closeOrigin.originFailure = FailureMode::Close;
        cases.append({ QStringLiteral("accepted, then closed with 1008"), closeOrigin, {} });
        ServerPolicy closeToken = token;
        closeToken.authFailure = FailureMode::Close;
        cases.append({ QStringLiteral("accepted, then closed with 4001"), closeToken, {} });
        cases.append({ QStringLiteral("subprotocols offered, none returned"), ServerPolicy {},
            { QStringLiteral("chat"), QStringLiteral("superchat") } });

        std::vector<std::unique_ptr<EchoServer>> servers;
        QStringList urls;
        QList<QStringList> protocols;
        for (const Case& c : cases) {
            servers.push_back(std::make_unique<EchoServer>());
            servers.back()->setPolicy(c.policy);
            QVERIFY(servers.back()->listen(QHostAddress::LocalHost, 0));
            urls.append(servers.back()->url().toString());
            protocols.append(c.protocols);
        }
        const auto result = browser.run(page(urls, protocols));
        QVERIFY2(result, qPrintable(browser.lastError()));
        const QJsonArray seen = result->value(QStringLiteral("results")).toArray();
        QCOMPARE(seen.size(), qsizetype(cases.size()));

        for (size_t i = 0; i < servers.size(); ++i) {
            const QString name = cases.at(qsizetype(i)).name;
            EchoServer& server = *servers.at(i);
            QTRY_VERIFY_WITH_TIMEOUT(!server.connections().isEmpty(), 10000);
            ServerConnection* connection = server.connections().front();
            QTRY_COMPARE_WITH_TIMEOUT(connection->phase(), ServerConnection::Phase::Closed, 10000);
            const Transcript& t = connection->transcript();
            // The exchange as the page's side had it: Chromium's own request, the server's response.
            BrowserViewInput input;
            input.request = parseRequestHead(t.handshake().rawRequest).value;
            input.url = server.url();
            input.response = parseResponseHead(t.handshake().rawResponse).value;
            input.findings = checkResponse(input.request, *input.response, input.url);
            if (t.handshake().status == 101)
                input.close = asSeenByTheClient(t.close());
            const BrowserView predicted = browserView(input);

            const QJsonObject actual = seen.at(qsizetype(i)).toObject();
            const QByteArray dump = name.toUtf8()
                + "\nChromium: " + QJsonDocument(actual).toJson(QJsonDocument::Compact)
                + "\npredicted: " + browserViewText(predicted, input).toUtf8();
            QVERIFY2(actual.value(QStringLiteral("events")).toArray() == eventsJson(predicted), dump.constData());
            QVERIFY2(actual.value(QStringLiteral("protocol")).toString() == predicted.protocol, dump.constData());
            QVERIFY2(actual.value(QStringLiteral("extensions")).toString() == predicted.extensions, dump.constData());
            // What Chromium sent is what a page can send: only its own Origin is listed.
            QVERIFY2(predicted.unsendable.size() == 1, browserViewText(predicted, input).toUtf8().constData());
            QCOMPARE(predicted.unsendable.front().name, QByteArray("Origin"));
        }
    }
};

QTEST_MAIN(TstBrowserViewChromium)
#include "tst_browserview_chromium.moc"
