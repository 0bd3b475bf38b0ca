// Bytes on the wire, counted once (core/wirebytes.h) and checked against the sockets: the window's client
// against the real local server, with and without permessage-deflate, messages whose lengths take each length
// form. Handshake plus frame bytes must equal what each side's TCP connection carried, each way, and the
// numbers the window shows (the status fields, the frame detail) must be those same totals.

#include "core/wirebytes.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "engine/serverconnection.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/frames/framedetail.h"
#include "ui/frames/framesmodel.h"
#include "ui/frames/framespanel.h"
#include "ui/widgets/elidedlabel.h"
#include "ui/window/mainwindow.h"
#include "ui/window/sessionstats.h"

#include <QStandardPaths>
#include <QStatusBar>
#include <QTest>

using namespace wsi;

namespace
{
constexpr int kTimeoutMs = 10'000;

QString fieldText(MainWindow& window, const char* name)
{
    const auto* field = window.statusBar()->findChild<ElidedLabel*>(QLatin1String(name));
    return field ? field->text() : QStringLiteral("(no field %1)").arg(QLatin1String(name));
}
} // namespace

class TestWireBytes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("wsinspector-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_wirebytes"));
    }

    void countsMatchTheSockets_data()
    {
        QTest::addColumn<bool>("deflate");
        QTest::newRow("plain") << false;
        QTest::newRow("permessage-deflate") << true;
    }

    void countsMatchTheSockets()
    {
        QFETCH(bool, deflate);
        EchoServer server;
        QString error;
        QVERIFY2(server.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        MainWindow window(&server);
        window.show();
        HandshakeSpec spec = HandshakeSpec::withDefaults(server.url().toString());
        spec.deflate = deflate;
        spec.syncRowsFromHelpers();
        window.builder()->setSpec(spec);
        window.connectNow();
        QTRY_VERIFY_WITH_TIMEOUT(
            window.session() && window.session()->phase() == ClientSession::Phase::Open, kTimeoutMs);
        ClientSession* session = window.session();
        QCOMPARE(session->transcript().handshake().deflateNegotiated(), deflate);

        // 7-bit, 16-bit and 64-bit lengths (random bytes stay large when compressed), and a ping.
        QByteArray large(70'000, Qt::Uninitialized);
        for (qsizetype i = 0; i < large.size(); ++i)
            large[i] = char((i * 7919 + (i >> 3) * 31) & 0xff);
        QVERIFY(session->sendMessage(Opcode::Text, "hello"));
        QVERIFY(session->sendMessage(Opcode::Binary, large.left(300)));
        QVERIFY(session->sendMessage(Opcode::Binary, large));
        QVERIFY(session->sendPing("hi"));
        QTRY_COMPARE_WITH_TIMEOUT(session->transcript().frames().size(), qsizetype(8), kTimeoutMs);
        window.disconnectNow();
        QTRY_VERIFY_WITH_TIMEOUT(session->phase() == ClientSession::Phase::Closed, kTimeoutMs);
        QCOMPARE(server.connections().size(), qsizetype(1));
        const ServerConnection* connection = server.connections().constFirst();
        QTRY_VERIFY_WITH_TIMEOUT(connection->phase() == ServerConnection::Phase::Closed, kTimeoutMs);

        // The client's record against its socket.
        const Transcript& t = session->transcript();
        const WireTotals client = wireTotals(t, Role::Client);
        QCOMPARE(client.framesOut, qint64(5)); // three messages, a ping, a close
        QCOMPARE(client.framesIn, qint64(5));
        QCOMPARE(client.handshakeBytesOut, qint64(t.handshake().rawRequest.size()));
        QCOMPARE(client.handshakeBytesIn, qint64(t.handshake().rawResponse.size()));
        QVERIFY(client.handshakeBytesOut > 0 && client.frameBytesOut > 0);
        QCOMPARE(client.bytesOut(), session->bytesSent());
        QCOMPARE(client.bytesIn(), session->bytesReceived());
        if (deflate) // the payload counts as sent: compressed "hello" is not 5 bytes
            QVERIFY(t.frames().at(0).rsv1 && t.frames().at(0).payloadLength != 5);

        // The server's record against its socket: the same frames, the other way round.
        const WireTotals server_ = wireTotals(connection->transcript(), Role::Server);
        QCOMPARE(server_.bytesIn(), connection->bytesIn());
        QCOMPARE(server_.bytesOut(), connection->bytesOut());
        QCOMPARE(server_.frameBytesIn, client.frameBytesOut);
        QCOMPARE(server_.frameBytesOut, client.frameBytesIn);
        QCOMPARE(server_.handshakeBytesIn, client.handshakeBytesOut);

        // What the window shows is the same totals, labelled.
        FramesPanel* panel = window.framesPanel();
        QTRY_COMPARE_WITH_TIMEOUT(panel->stats().totals(), client, kTimeoutMs);
        const QString sent = QStringLiteral("sent 5 frames (%1), handshake %2")
                                 .arg(SessionStats::formatBytes(client.frameBytesOut),
                                     SessionStats::formatBytes(client.handshakeBytesOut));
        const QString received = QStringLiteral("received 5 frames (%1), handshake %2")
                                     .arg(SessionStats::formatBytes(client.frameBytesIn),
                                         SessionStats::formatBytes(client.handshakeBytesIn));
        QTRY_COMPARE_WITH_TIMEOUT(fieldText(window, "statusSent"), sent, kTimeoutMs);
        QCOMPARE(fieldText(window, "statusReceived"), received);
        QVERIFY2(panel->statsText().contains(sent), qPrintable(panel->statsText()));

        // Each frame's detail states the wire size the totals add up; summed, they are the totals.
        QTRY_COMPARE_WITH_TIMEOUT(panel->model()->rowCount(), 10, kTimeoutMs);
        qint64 shownOut = 0, shownIn = 0;
        for (int i = 0; i < int(t.frames().size()); ++i) {
            const FrameRecord& f = t.frames().at(i);
            QVERIFY(panel->selectFrame(i));
            QCOMPARE(panel->detail()->frameIndex(), i);
            const QString expected = QStringLiteral("%1 bytes on the wire (header %2 bytes + payload %3 ")
                                         .arg(frameWireSize(f))
                                         .arg(f.headerSize)
                                         .arg(f.payloadLength);
            const QString summary = panel->detail()->summaryText();
            QVERIFY2(summary.contains(expected), qPrintable(summary + QStringLiteral("\nexpected: ") + expected));
            (f.dir == Direction::Out ? shownOut : shownIn) += qint64(frameWireSize(f));
        }
        QCOMPARE(shownOut, client.frameBytesOut);
        QCOMPARE(shownIn, client.frameBytesIn);
    }
};

QTEST_MAIN(TestWireBytes)
#include "tst_wirebytes.moc"
