// What ClientSession records about its own request when it starts: the request read back from the
// bytes it sends, and checkRequest()'s findings about it. The window shows these instead of parsing
// and checking the request a second time.
#include "engine/clientsession.h"

#include <QTcpServer>
#include <QTest>

using namespace wsi;

namespace
{
const Finding* findingWithId(const QList<Finding>& findings, const char* id)
{
    for (const Finding& f : findings) {
        if (f.id == QLatin1String(id))
            return &f;
    }
    return nullptr;
}

// A port nobody listens on: what is recorded at start() does not depend on the peer.
QString deadUrl()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    const quint16 port = probe.serverPort();
    probe.close();
    return QStringLiteral("ws://127.0.0.1:%1/chat").arg(port);
}
} // namespace

class TestClientRequest : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void builtRequestIsRecordedWithItsChecks()
    {
        ClientSession session;
        session.start(HandshakeSpec::withDefaults(deadUrl()));
        QVERIFY(session.sentRequest());
        QCOMPARE(session.sentRequest()->method, QByteArray("GET"));
        QCOMPARE(session.sentRequest()->target, QByteArray("/chat"));
        QCOMPARE(session.sentRequest()->headers.value("Sec-WebSocket-Key"), session.request().key);
        const Finding* key = findingWithId(session.requestFindings(), "request.key");
        QVERIFY(key);
        QCOMPARE(key->severity, Severity::Pass);
        session.abort();
    }

    void rawRequestIsJudgedAsSent()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(deadUrl());
        spec.rawMode = true;
        spec.rawRequest = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                          "Sec-WebSocket-Version: 13\r\n\r\n";
        ClientSession session;
        session.start(spec);
        QVERIFY(session.sentRequest());
        const Finding* key = findingWithId(session.requestFindings(), "request.key");
        QVERIFY(key);
        QCOMPARE(key->severity, Severity::Error);
        session.abort();
    }

    void bytesThatAreNoHttpHeadHaveNoRequest()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(deadUrl());
        spec.rawMode = true;
        spec.rawRequest = "HELLO\n\n";
        ClientSession session;
        session.start(spec);
        QVERIFY(!session.sentRequest());
        QVERIFY(session.requestFindings().isEmpty());
        session.abort();
    }

    void aNewStartForgetsThePreviousRequest()
    {
        ClientSession session;
        session.start(HandshakeSpec::withDefaults(deadUrl()));
        QVERIFY(session.sentRequest());
        session.abort();
        HandshakeSpec spec = HandshakeSpec::withDefaults(deadUrl());
        spec.rawMode = true;
        spec.rawRequest = "HELLO\n\n";
        session.start(spec);
        QVERIFY(!session.sentRequest());
        QVERIFY(session.requestFindings().isEmpty());
        session.abort();
    }
};

QTEST_MAIN(TestClientRequest)
#include "tst_clientrequest.moc"
