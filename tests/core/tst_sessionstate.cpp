// The one judgement of where a connection attempt got to: every close path reads as what happened on the
// wire (a 101 followed by a server's close 1008 is closed, not open), and a record saved while open says so.

#include "core/sessionstate.h"

#include <QTest>

using namespace wsi;

namespace
{
SessionFacts upgraded()
{
    SessionFacts f;
    f.started = true;
    f.startUs = 1000;
    f.connectedUs = 1100;
    f.requestSentUs = 1200;
    f.responseUs = 1500;
    f.status = 101;
    return f;
}

CloseRecord closedBy(CloseRecord::Initiator who, quint16 first, const QByteArray& reason, bool answered, bool clean)
{
    CloseRecord c;
    c.initiator = who;
    const bool local = who == CloseRecord::Initiator::Local;
    (local ? c.sentCode : c.receivedCode) = first;
    (local ? c.sentReason : c.receivedReason) = reason;
    (local ? c.sentTimeUs : c.receivedTimeUs) = 2000;
    if (answered) {
        (local ? c.receivedCode : c.sentCode) = first;
        (local ? c.receivedTimeUs : c.sentTimeUs) = 2100;
    }
    c.closedTimeUs = 2200;
    c.clean = clean;
    return c;
}
} // namespace

class TstSessionState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void closePaths_data()
    {
        QTest::addColumn<int>("initiator");
        QTest::addColumn<int>("code");
        QTest::addColumn<QByteArray>("reason");
        QTest::addColumn<bool>("answered");
        QTest::addColumn<bool>("clean");
        QTest::addColumn<QString>("headline");
        QTest::addColumn<bool>("bad");

        const int remote = int(CloseRecord::Initiator::Remote);
        const int local = int(CloseRecord::Initiator::Local);
        QTest::newRow("server 1000") << remote << 1000 << QByteArray() << true << true
                                     << "closed by the server: 1000; the client answered 1000 (clean close)" << false;
        QTest::newRow("server 1008 origin")
            << remote << 1008 << QByteArray("origin not allowed") << true << true
            << "closed by the server: 1008 “origin not allowed”; the client answered 1008 (clean close)" << true;
        QTest::newRow("server 4001 token") << remote << 4001 << QByteArray("bad token") << true << true
                                           << "closed by the server: 4001 “bad token”; the client answered 4001 "
                                              "(clean close)"
                                           << true;
        QTest::newRow("client 1002 protocol")
            << local << 1002 << QByteArray("masked frame") << true << true
            << "closed by the client: 1002 “masked frame”; the server answered 1002 (clean close)" << true;
        QTest::newRow("client 1000, never answered")
            << local << 1000 << QByteArray() << false << false
            << "closed by the client: 1000; no answer from the server before the TCP connection ended (the client "
               "reports 1006)"
            << true;
    }

    void closePaths()
    {
        QFETCH(int, initiator);
        QFETCH(int, code);
        QFETCH(QByteArray, reason);
        QFETCH(bool, answered);
        QFETCH(bool, clean);
        QFETCH(QString, headline);
        QFETCH(bool, bad);
        SessionFacts f = upgraded();
        f.close = closedBy(CloseRecord::Initiator(initiator), quint16(code), reason, answered, clean);
        f.connectionEnded = true;
        const SessionState s = sessionState(f);
        QCOMPARE(s.stage, SessionStage::Closed);
        QVERIFY(!s.live());
        QCOMPARE(s.headline, headline);
        QCOMPARE(s.tone == SessionState::Tone::Bad, bad);
        QCOMPARE(s.timeline.last().name, QStringLiteral("TCP closed"));
        QCOMPARE(s.timeline.last().atUs, 1200);
    }

    void openUntilAnythingCloses()
    {
        SessionFacts f = upgraded();
        SessionState s = sessionState(f);
        QCOMPARE(s.stage, SessionStage::Open);
        QCOMPARE(s.headline, QStringLiteral("open"));
        QCOMPARE(s.tone, SessionState::Tone::Good);
        QCOMPARE(timelineText(s.timeline), QStringLiteral("connected 0.1 ms → request sent 0.2 ms → response 0.5 ms"));

        // One close frame out, none back yet: closing, not open and not closed.
        f.close.initiator = CloseRecord::Initiator::Local;
        f.close.sentCode = 1000;
        f.close.sentReason = "reconnect";
        f.close.sentTimeUs = 3000;
        s = sessionState(f);
        QCOMPARE(s.stage, SessionStage::Closing);
        QVERIFY(s.live());
        QCOMPARE(s.headline,
            QStringLiteral("closing, closed by the client: 1000 “reconnect”; waiting for the server's close"));
    }

    void tcpEndWithoutCloseIsAbnormal()
    {
        SessionFacts f = upgraded();
        f.connectionEnded = true; // server stopped, reset, ...
        const SessionState s = sessionState(f);
        QCOMPARE(s.stage, SessionStage::Closed);
        QCOMPARE(s.tone, SessionState::Tone::Bad);
        QCOMPARE(s.headline,
            QStringLiteral("closed: the TCP connection ended without a close frame (1006 abnormal closure)"));
    }

    void refusalsAndFailures()
    {
        SessionFacts f = upgraded();
        f.status = 403;
        f.connectionEnded = true;
        QCOMPARE(sessionState(f).stage, SessionStage::Refused);
        QCOMPARE(sessionState(f).headline, QStringLiteral("refused: 403 instead of 101, no WebSocket"));

        f.status = 101;
        f.upgradeRefusedByChecks = true;
        QCOMPARE(sessionState(f).stage, SessionStage::Refused);

        SessionFacts refused;
        refused.started = true;
        refused.startUs = 0;
        refused.failure = QStringLiteral("Connection refused");
        refused.connectionEnded = true;
        const SessionState failed = sessionState(refused);
        QCOMPARE(failed.stage, SessionStage::Failed);
        // Nothing is shown as sent that was not sent; the step where it stopped is marked.
        QCOMPARE(timelineText(failed.timeline), QStringLiteral("connect ✗"));

        SessionFacts notSent;
        notSent.failure = QStringLiteral("header name \"X Y\" contains a space");
        QCOMPARE(sessionState(notSent).stage, SessionStage::NotSent);

        SessionFacts waiting = upgraded();
        waiting.status.reset();
        waiting.responseUs = -1;
        QCOMPARE(sessionState(waiting).stage, SessionStage::RequestSent);
        waiting.requestSentUs = -1;
        waiting.tls = true;
        QCOMPARE(sessionState(waiting).stage, SessionStage::SecuringTls);
    }

    void recordSavedWhileOpenSaysSo()
    {
        Transcript t;
        t.handshake().rawRequest = "GET / HTTP/1.1\r\n\r\n";
        t.handshake().requestTimeUs = 10;
        t.handshake().responseTimeUs = 20;
        t.handshake().status = 101;
        SessionFacts f = sessionFactsFromTranscript(t, Role::Client);
        QVERIFY(f.exportedWhileOpen);
        QCOMPARE(sessionState(f).headline, QStringLiteral("open (still open when the record was saved)"));

        t.close() = closedBy(CloseRecord::Initiator::Remote, 1008, "origin", true, true);
        f = sessionFactsFromTranscript(t, Role::Client);
        QVERIFY(!f.exportedWhileOpen);
        QCOMPARE(sessionState(f).stage, SessionStage::Closed);
    }
};

QTEST_APPLESS_MAIN(TstSessionState)
#include "tst_sessionstate.moc"
