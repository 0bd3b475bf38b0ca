// The composer against a real loopback session: every request is checked on the SERVER's record, so
// what counts is what crossed the wire, not what the client meant to send.
#include "core/closepayload.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "ui/frames/composer.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMainWindow>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTest>
#include <QTextCursor>

using namespace wsi;

Q_DECLARE_METATYPE(wsi::ComposeRequest)

namespace
{
constexpr int kTimeoutMs = 5000;

QList<FrameRecord> incoming(const Transcript& t)
{
    QList<FrameRecord> out;
    for (const FrameRecord& f : t.frames()) {
        if (f.dir == Direction::In)
            out.append(f);
    }
    return out;
}
} // namespace

class TestComposer : public QObject
{
    Q_OBJECT

    std::unique_ptr<EchoServer> m_server;
    std::unique_ptr<ClientSession> m_session;
    std::unique_ptr<Composer> m_composer;

    ServerConnection* serverSide() const
    {
        const QList<ServerConnection*> connections = m_server->connections();
        return connections.isEmpty() ? nullptr : connections.last();
    }

    const Transcript& serverRecord() const { return serverSide()->transcript(); }

    void type(const QString& text) { m_composer->payloadEdit()->setPlainText(text); }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<EchoServer>();
        ServerPolicy policy;
        policy.deflate.enabled = true;
        m_server->setPolicy(policy);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
        m_session = std::make_unique<ClientSession>();
        m_composer = std::make_unique<Composer>();
        m_composer->setSession(m_session.get());
        HandshakeSpec spec = HandshakeSpec::withDefaults(m_server->url().toString());
        spec.deflate = true;
        spec.syncRowsFromHelpers();
        m_session->start(spec);
        QTRY_COMPARE_WITH_TIMEOUT(m_session->phase(), ClientSession::Phase::Open, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(serverSide() && serverSide()->phase() == ServerConnection::Phase::Open, kTimeoutMs);
        QVERIFY(m_session->negotiatedDeflate().has_value());
        QVERIFY(m_composer->sendButton()->isEnabled());
        QVERIFY(m_composer->compressBox()->isEnabled());
        // Compression was negotiated, so the composer compresses unless told otherwise.
        QVERIFY(m_composer->compressBox()->isChecked());
    }

    void cleanup()
    {
        m_composer.reset();
        m_session.reset();
        m_server.reset();
    }

    void textInFragments()
    {
        type(QStringLiteral("hello, fragmented world"));
        m_composer->compressBox()->setChecked(false);
        m_composer->fragmentsBox()->setValue(3);
        QVERIFY(m_composer->warningLabel()->text().isEmpty());
        QVERIFY(m_composer->send());
        QTRY_COMPARE_WITH_TIMEOUT(incoming(serverRecord()).size(), 3, kTimeoutMs);
        const QList<FrameRecord> frames = incoming(serverRecord());
        QCOMPARE(frames.at(0).opcode, quint8(1));
        QCOMPARE(frames.at(1).opcode, quint8(0));
        QCOMPARE(frames.at(2).opcode, quint8(0));
        QCOMPARE(frames.at(0).fin, false);
        QCOMPARE(frames.at(1).fin, false);
        QCOMPARE(frames.at(2).fin, true);
        QByteArray joined;
        for (const FrameRecord& f : frames) {
            QVERIFY(f.masked);
            QVERIFY(!f.rsv1);
            joined += serverRecord().framePayload(f);
        }
        QCOMPARE(joined, QByteArray("hello, fragmented world"));
        QCOMPARE(m_composer->history()->count(), 1);
        QVERIFY(m_composer->history()->item(0)->text().contains(QLatin1String("3 fragments")));
    }

    void compressedText()
    {
        const QString text = QString(QStringLiteral("compress me ")).repeated(40);
        type(text);
        m_composer->compressBox()->setChecked(true);
        QVERIFY(m_composer->send());
        // The server's record holds the message it received and the echo it sent back.
        QTRY_VERIFY_WITH_TIMEOUT(!serverRecord().messages().isEmpty(), kTimeoutMs);
        const MessageRecord& m = serverRecord().messages().first();
        QCOMPARE(m.dir, Direction::In);
        QVERIFY(m.compressed);
        QVERIFY(m.wireBytes < m.length);
        QCOMPARE(serverRecord().messagePayload(m), text.toUtf8());
        QVERIFY(incoming(serverRecord()).first().rsv1);
    }

    void binaryFromHex()
    {
        m_composer->compressBox()->setChecked(false); // the wire bytes are compared below
        m_composer->kindBox()->setCurrentIndex(int(ComposeRequest::Kind::Binary));
        type(QStringLiteral("de ad BE EF 00 0x01"));
        QVERIFY(m_composer->send());
        QTRY_COMPARE_WITH_TIMEOUT(incoming(serverRecord()).size(), 1, kTimeoutMs);
        QCOMPARE(incoming(serverRecord()).first().opcode, quint8(2));
        QCOMPARE(
            serverRecord().framePayload(incoming(serverRecord()).first()), QByteArray("\xde\xad\xbe\xef\x00\x01", 6));
        // Bad hex is refused with a sentence and sends nothing.
        type(QStringLiteral("abc"));
        QSignalSpy failed(m_composer.get(), &Composer::failed);
        QVERIFY(!m_composer->send());
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QLatin1String("odd number")));
    }

    void pingAndRtt()
    {
        QSignalSpy pongs(m_session.get(), &ClientSession::pongReceived);
        m_composer->kindBox()->setCurrentIndex(int(ComposeRequest::Kind::Ping));
        type(QStringLiteral("are you there"));
        QVERIFY(m_composer->send());
        QTRY_COMPARE_WITH_TIMEOUT(incoming(serverRecord()).size(), 1, kTimeoutMs);
        QCOMPARE(incoming(serverRecord()).first().opcode, quint8(9));
        QCOMPARE(serverRecord().framePayload(incoming(serverRecord()).first()), QByteArray("are you there"));
        QTRY_VERIFY_WITH_TIMEOUT(pongs.count() >= 1, kTimeoutMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_composer->rttLabel()->text().startsWith(QLatin1String("RTT")), kTimeoutMs);
        // A fragmented ping is not sent outside the advanced area.
        type(QStringLiteral("are you there"));
        m_composer->fragmentsBox()->setValue(2);
        QVERIFY(m_composer->warningLabel()->text().contains(QLatin1String("1002")));
        QVERIFY(!m_composer->send());
    }

    void closeWithCodeAndReason()
    {
        m_composer->kindBox()->setCurrentIndex(int(ComposeRequest::Kind::Close));
        m_composer->closeCodeBox()->setValue(4001);
        m_composer->closeReasonEdit()->setText(QStringLiteral("done here"));
        QVERIFY(m_composer->send());
        QTRY_COMPARE_WITH_TIMEOUT(m_session->phase(), ClientSession::Phase::Closed, kTimeoutMs);
        const QList<FrameRecord> frames = incoming(serverRecord());
        QCOMPARE(frames.size(), 1);
        QCOMPARE(frames.first().opcode, quint8(8));
        QCOMPARE(serverRecord().framePayload(frames.first()), makeClosePayload(4001, "done here"));
        QCOMPARE(serverRecord().close().receivedCode, std::optional<quint16>(4001));
        QVERIFY(!m_composer->sendButton()->isEnabled());
    }

    void deliberateViolations_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("rsv");
        QTest::addColumn<bool>("unmasked");
        QTest::addColumn<bool>("invalidUtf8");
        QTest::addColumn<int>("opcode");
        QTest::addColumn<int>("expectedClose");
        QTest::newRow("rsv2") << 0 << 2 << false << false << -1 << 1002;
        QTest::newRow("rsv3") << 0 << 3 << false << false << -1 << 1002;
        QTest::newRow("unmasked") << 0 << 0 << true << false << -1 << 1002;
        QTest::newRow("invalid utf-8") << 0 << 0 << false << true << -1 << 1007;
        QTest::newRow("reserved opcode") << 1 << 0 << false << false << 5 << 1002;
    }

    void deliberateViolations()
    {
        QFETCH(int, kind);
        QFETCH(int, rsv);
        QFETCH(bool, unmasked);
        QFETCH(bool, invalidUtf8);
        QFETCH(int, opcode);
        QFETCH(int, expectedClose);
        m_composer->kindBox()->setCurrentIndex(kind);
        type(kind == 1 ? QStringLiteral("01 02") : QStringLiteral("oops"));
        m_composer->advancedBox()->setChecked(true);
        if (rsv > 0)
            m_composer->rsvBox(rsv)->setChecked(true);
        m_composer->unmaskedBox()->setChecked(unmasked);
        m_composer->invalidUtf8Box()->setChecked(invalidUtf8);
        m_composer->opcodeBox()->setCurrentIndex(m_composer->opcodeBox()->findData(opcode));
        // The warning says what the peer must do before anything is sent.
        QVERIFY2(m_composer->warningLabel()->text().contains(QString::number(expectedClose)),
            qPrintable(m_composer->warningLabel()->text()));
        QVERIFY(m_composer->send());
        // The frame as it left: the client's record of what it wrote.
        QVERIFY(!m_session->transcript().frames().isEmpty());
        const FrameRecord f = m_session->transcript().frames().first();
        QCOMPARE(f.dir, Direction::Out);
        QCOMPARE(f.rsv2, rsv == 2);
        QCOMPARE(f.rsv3, rsv == 3);
        QCOMPARE(f.masked, !unmasked);
        if (opcode >= 0)
            QCOMPARE(int(f.opcode), opcode);
        if (invalidUtf8)
            QVERIFY(m_session->transcript().framePayload(f).endsWith("\xc3\x28"));
        // And the server did exactly what the warning said: it failed the connection with that code.
        QTRY_VERIFY_WITH_TIMEOUT(serverRecord().close().sentCode.has_value(), kTimeoutMs);
        QCOMPARE(int(*serverRecord().close().sentCode), expectedClose);
    }

    // The warning is our own receiver's verdict on the frames the request describes (no session needed).
    void predictionIsTheReceiversVerdict_data()
    {
        QTest::addColumn<ComposeRequest>("request");
        QTest::addColumn<bool>("deflate");
        QTest::addColumn<int>("closeCode"); // 0: no warning
        ComposeRequest text;
        text.payload = "hello";
        QTest::newRow("valid text") << text << false << 0;
        ComposeRequest fragmented = text;
        fragmented.fragments = 3;
        QTest::newRow("valid text in fragments") << fragmented << false << 0;
        ComposeRequest compressed = fragmented;
        compressed.compress = true;
        QTest::newRow("compressed text in fragments") << compressed << true << 0;
        ComposeRequest unmasked = text;
        unmasked.advanced = true;
        unmasked.unmasked = true;
        QTest::newRow("unmasked") << unmasked << false << 1002;
        ComposeRequest invalid = text;
        invalid.advanced = true;
        invalid.invalidUtf8 = true;
        QTest::newRow("invalid UTF-8 text") << invalid << false << 1007;
        ComposeRequest invalidBinary = invalid;
        invalidBinary.kind = ComposeRequest::Kind::Binary;
        QTest::newRow("the same bytes as binary") << invalidBinary << false << 0;
        ComposeRequest orphan = text;
        orphan.advanced = true;
        orphan.opcode = 0;
        QTest::newRow("orphan continuation") << orphan << false << 1002;
        ComposeRequest rsv1 = text;
        rsv1.advanced = true;
        rsv1.rsv1 = true;
        QTest::newRow("RSV1 without deflate") << rsv1 << false << 1002;
        QTest::newRow("RSV1 on a payload that does not inflate") << rsv1 << true << 1007;
        ComposeRequest ping;
        ping.kind = ComposeRequest::Kind::Ping;
        ping.payload = "ping";
        ping.fragments = 2;
        QTest::newRow("fragmented ping") << ping << false << 1002;
        ComposeRequest close;
        close.kind = ComposeRequest::Kind::Close;
        close.closeCode = 1005;
        QTest::newRow("close 1005") << close << false << 1002;
        close.closeCode = 4001;
        QTest::newRow("close 4001") << close << false << 0;
    }

    void predictionIsTheReceiversVerdict()
    {
        QFETCH(ComposeRequest, request);
        QFETCH(bool, deflate);
        QFETCH(int, closeCode);
        const auto v
            = expectedPeerViolation(request, deflate ? std::optional<DeflateParams>(DeflateParams {}) : std::nullopt);
        if (closeCode == 0) {
            QVERIFY2(!v, v ? qPrintable(v->reason) : "");
            return;
        }
        QVERIFY(v);
        QCOMPARE(int(v->closeCode), closeCode);
    }

    // The composer splits a message exactly as Endpoint::sendMessage does.
    void fragmentsAreSplitAsTheEndpointSplits()
    {
        ComposeRequest r;
        r.payload = "Hello, fragments";
        r.fragments = 5;
        const QList<OutgoingFrame> frames = composedFrames(r, std::nullopt);
        const QList<QByteArrayView> pieces = splitFragments(r.payload, 5);
        QCOMPARE(frames.size(), pieces.size());
        for (qsizetype i = 0; i < frames.size(); ++i) {
            QCOMPARE(frames.at(i).payload, pieces.at(i).toByteArray());
            QCOMPARE(frames.at(i).opcode, quint8(i == 0 ? 1 : 0));
            QCOMPARE(frames.at(i).options.fin, i + 1 == frames.size());
        }
    }

    void ctrlReturnSendsWithoutConnecting()
    {
        QMainWindow window;
        auto* connectAction = new QAction(QStringLiteral("Connect"), &window);
        connectAction->setShortcut(QKeySequence(QStringLiteral("Ctrl+Return")));
        window.addAction(connectAction);
        QSignalSpy connects(connectAction, &QAction::triggered);
        Composer* composer = m_composer.release();
        window.setCentralWidget(composer);
        m_composer.reset(composer);
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window) || QTest::qWaitForWindowExposed(&window));
        composer->compressBox()->setChecked(false); // the wire bytes are compared below
        composer->payloadEdit()->setFocus();
        QTest::keyClicks(composer->payloadEdit(), QStringLiteral("by keyboard"));
        QTest::keyClick(composer->payloadEdit(), Qt::Key_Return, Qt::ControlModifier);
        QTRY_COMPARE_WITH_TIMEOUT(incoming(serverRecord()).size(), 1, kTimeoutMs);
        QCOMPARE(serverRecord().framePayload(incoming(serverRecord()).first()), QByteArray("by keyboard"));
        QCOMPARE(connects.count(), 0);
        QVERIFY(composer->payloadEdit()->toPlainText().isEmpty()); // sent and cleared, no newline typed
        // Outside the composer the window's shortcut still works.
        window.setFocus();
        m_composer.release();
        window.takeCentralWidget();
        m_composer.reset(composer);
    }

    void historyComposesAgain()
    {
        m_composer->compressBox()->setChecked(false); // the wire bytes are compared below
        type(QStringLiteral("first"));
        QVERIFY(m_composer->send());
        m_composer->kindBox()->setCurrentIndex(int(ComposeRequest::Kind::Binary));
        type(QStringLiteral("ff"));
        QVERIFY(m_composer->send());
        QCOMPARE(m_composer->history()->count(), 2);
        Q_EMIT m_composer->history()->itemActivated(m_composer->history()->item(0));
        QCOMPARE(m_composer->kindBox()->currentIndex(), int(ComposeRequest::Kind::Text));
        QCOMPARE(m_composer->payloadEdit()->toPlainText(), QStringLiteral("first"));
        QVERIFY(m_composer->send());
        QTRY_COMPARE_WITH_TIMEOUT(incoming(serverRecord()).size(), 3, kTimeoutMs);
        QCOMPARE(serverRecord().framePayload(incoming(serverRecord()).at(2)), QByteArray("first"));
    }

    // Regression: the text stayed after sending, so the next message was typed onto the end of the last one.
    void textIsClearedAfterSending()
    {
        type(QStringLiteral("first"));
        QVERIFY(m_composer->send());
        QVERIFY(m_composer->payloadEdit()->toPlainText().isEmpty());
        QTest::keyClicks(m_composer->payloadEdit(), QStringLiteral("second"));
        QVERIFY(m_composer->send());
        QTRY_COMPARE_WITH_TIMEOUT(serverRecord().messages().size(), 4, kTimeoutMs); // two in, two echoes out
        QCOMPARE(serverRecord().messagePayload(serverRecord().messages().at(2)), QByteArray("second"));
        QCOMPARE(m_composer->history()->count(), 2);
    }

    void upAndDownRecallSentMessages()
    {
        m_composer->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_composer.get()));
        QPlainTextEdit* edit = m_composer->payloadEdit();
        edit->setFocus();
        type(QStringLiteral("one"));
        QVERIFY(m_composer->send());
        m_composer->kindBox()->setCurrentIndex(int(ComposeRequest::Kind::Binary));
        type(QStringLiteral("0a 0b"));
        QVERIFY(m_composer->send());
        m_composer->kindBox()->setCurrentIndex(int(ComposeRequest::Kind::Text));
        QTest::keyClicks(edit, QStringLiteral("draft"));

        QTest::keyClick(edit, Qt::Key_Up);
        QCOMPARE(edit->toPlainText(), QStringLiteral("0a 0b"));
        QCOMPARE(m_composer->kindBox()->currentIndex(), int(ComposeRequest::Kind::Binary));
        QTest::keyClick(edit, Qt::Key_Up);
        QCOMPARE(edit->toPlainText(), QStringLiteral("one"));
        QCOMPARE(m_composer->kindBox()->currentIndex(), int(ComposeRequest::Kind::Text));
        QTest::keyClick(edit, Qt::Key_Up); // the oldest stays
        QCOMPARE(edit->toPlainText(), QStringLiteral("one"));
        QTest::keyClick(edit, Qt::Key_Down);
        QCOMPARE(edit->toPlainText(), QStringLiteral("0a 0b"));
        QTest::keyClick(edit, Qt::Key_Down); // past the newest: the draft comes back
        QCOMPARE(edit->toPlainText(), QStringLiteral("draft"));

        // Recalled, then sent again: exactly those bytes go out.
        QTest::keyClick(edit, Qt::Key_Up);
        QTest::keyClick(edit, Qt::Key_Up);
        QVERIFY(m_composer->send());
        QTRY_COMPARE_WITH_TIMEOUT(incoming(serverRecord()).size(), 3, kTimeoutMs);
        QCOMPARE(serverRecord().messagePayload(serverRecord().messages().last()), QByteArray("one"));

        // Inside a message of several lines the arrows move the cursor as usual.
        type(QStringLiteral("line 1\nline 2"));
        edit->moveCursor(QTextCursor::End);
        QTest::keyClick(edit, Qt::Key_Up);
        QCOMPARE(edit->toPlainText(), QStringLiteral("line 1\nline 2"));
        QCOMPARE(edit->textCursor().blockNumber(), 0);
    }

    // Regression: "deliberate violations" stayed armed, so every later message broke the protocol too.
    void violationsAreDisarmedAfterOneSend()
    {
        type(QStringLiteral("odd"));
        m_composer->advancedBox()->setChecked(true);
        m_composer->rsvBox(3)->setChecked(true);
        QVERIFY(m_composer->request()->advanced);
        QVERIFY(m_composer->noteLabel()->isHidden());
        QVERIFY(m_composer->send());
        QVERIFY(!m_composer->advancedBox()->isChecked());
        QVERIFY(!m_composer->request()->advanced);
        QVERIFY(!m_composer->noteLabel()->isHidden());
        QCOMPARE(m_composer->noteLabel()->text(), QStringLiteral("Violations sent once; arm again to repeat."));
        // The choices stay, so arming again repeats the same violation.
        QVERIFY(m_composer->rsvBox(3)->isChecked());
        m_composer->advancedBox()->setChecked(true);
        QVERIFY(m_composer->noteLabel()->isHidden());
        QVERIFY(m_composer->request()->rsv3);
    }

    void ordinaryMessageAfterViolationIsOrdinary()
    {
        // An advanced frame that breaks nothing keeps the connection open, so the next send can be checked.
        type(QStringLiteral("advanced but valid"));
        m_composer->compressBox()->setChecked(false);
        m_composer->advancedBox()->setChecked(true);
        m_composer->unmaskedBox()->setChecked(false);
        QVERIFY(m_composer->send());
        type(QStringLiteral("ordinary"));
        m_composer->unmaskedBox()->setChecked(true); // set while disarmed: has no effect
        QVERIFY(m_composer->send());
        QTRY_COMPARE_WITH_TIMEOUT(incoming(serverRecord()).size(), 2, kTimeoutMs);
        QVERIFY(incoming(serverRecord()).at(1).masked);
        QVERIFY(!serverRecord().close().sentCode.has_value());
    }

    // Regression: Compress was off even when permessage-deflate had been negotiated.
    void compressFollowsEachSessionsNegotiation()
    {
        QVERIFY(m_composer->compressBox()->isChecked());
        type(QStringLiteral("squeeze squeeze squeeze squeeze"));
        QVERIFY(m_composer->send());
        QTRY_VERIFY_WITH_TIMEOUT(!incoming(serverRecord()).isEmpty(), kTimeoutMs);
        QVERIFY(incoming(serverRecord()).first().rsv1);
        // The user's choice holds while the session lasts.
        m_composer->compressBox()->setChecked(false);
        QVERIFY(!m_composer->compressBox()->isChecked());

        // A session that negotiated nothing: off and unavailable.
        auto plain = std::make_unique<ClientSession>();
        m_composer->setSession(plain.get());
        plain->start(HandshakeSpec::withDefaults(m_server->url().toString()));
        QTRY_COMPARE_WITH_TIMEOUT(plain->phase(), ClientSession::Phase::Open, kTimeoutMs);
        QVERIFY(!plain->negotiatedDeflate().has_value());
        QVERIFY(!m_composer->compressBox()->isChecked());
        QVERIFY(!m_composer->compressBox()->isEnabled());

        // The next session that negotiates it starts compressed again, although it was unticked before.
        auto deflating = std::make_unique<ClientSession>();
        m_composer->setSession(deflating.get());
        HandshakeSpec spec = HandshakeSpec::withDefaults(m_server->url().toString());
        spec.deflate = true;
        spec.syncRowsFromHelpers();
        deflating->start(spec);
        QTRY_COMPARE_WITH_TIMEOUT(deflating->phase(), ClientSession::Phase::Open, kTimeoutMs);
        QVERIFY(m_composer->compressBox()->isEnabled());
        QVERIFY(m_composer->compressBox()->isChecked());
        m_composer->setSession(m_session.get());
    }

    void autoPongSwitch()
    {
        m_composer->autoPongBox()->setChecked(false);
        // The server pings on request of its owner; with auto-pong off the client does not answer.
        QVERIFY(serverSide()->sendPing("one"));
        QTRY_VERIFY_WITH_TIMEOUT(!m_session->transcript().frames().isEmpty(), kTimeoutMs);
        m_composer->autoPongBox()->setChecked(true);
        QVERIFY(serverSide()->sendPing("two"));
        QTRY_VERIFY_WITH_TIMEOUT(!incoming(serverRecord()).isEmpty(), kTimeoutMs);
        const QList<FrameRecord> answers = incoming(serverRecord());
        QCOMPARE(answers.size(), 1);
        QCOMPARE(answers.first().opcode, quint8(10));
        QCOMPARE(serverRecord().framePayload(answers.first()), QByteArray("two"));
    }

    void pingEveryNSeconds()
    {
        m_composer->pingEveryBox()->setValue(1);
        QTRY_VERIFY_WITH_TIMEOUT(!incoming(serverRecord()).isEmpty(), 3000);
        QCOMPARE(incoming(serverRecord()).first().opcode, quint8(9));
        QTRY_VERIFY_WITH_TIMEOUT(m_composer->rttLabel()->text().startsWith(QLatin1String("RTT")), kTimeoutMs);
        m_composer->pingEveryBox()->setValue(0);
    }
};

QTEST_MAIN(TestComposer)
#include "tst_composer.moc"
