// The frames model and its filter over a Transcript written the way the engine writes it: frames
// appended, messages recorded when they complete, rows arriving in batches on the model's timer.
#include "core/frame.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "ui/frames/framesfiltermodel.h"
#include "ui/frames/framesmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace wsi;

namespace
{
qint32 addFrame(Transcript& t, Direction dir, quint8 opcode, QByteArrayView payload, bool fin = true,
    bool masked = false, bool rsv1 = false, bool rsv2 = false, qint64 timeUs = -1)
{
    FrameHeader h;
    h.opcode = opcode;
    h.fin = fin;
    h.masked = masked;
    h.rsv1 = rsv1;
    h.rsv2 = rsv2;
    h.payloadLength = quint64(payload.size());
    h.lengthEncoding = payload.size() < 126 ? LengthEncoding::Short7 : LengthEncoding::Extended16;
    h.headerSize = 2 + (masked ? 4 : 0) + (payload.size() < 126 ? 0 : 2);
    const qint64 time = timeUs >= 0 ? timeUs : qint64(t.frames().size()) * 1000;
    return t.addFrame(dir, time, h, payload);
}

// A client's view: it sends masked frames and receives unmasked ones.
void addMessage(Transcript& t, Direction dir, quint8 opcode, const QByteArray& payload)
{
    const qint32 first = addFrame(t, dir, opcode, payload, true, dir == Direction::Out);
    t.addMessage(dir, t.frames().at(first).timeUs, opcode, false, payload.size(), payload, first, 1);
}

QString cell(const QAbstractItemModel& model, int row, int column, int role = Qt::DisplayRole)
{
    return model.data(model.index(row, column), role).toString();
}
} // namespace

class TestFramesModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rowsArriveInOneBatchPerTick()
    {
        Transcript t;
        FramesModel model;
        model.setRefreshInterval(0); // driven by hand here
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTranscript(&t);
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        for (int i = 0; i < 500; ++i)
            addMessage(t, i % 2 ? Direction::In : Direction::Out, 1, QByteArray("hello ") + QByteArray::number(i));
        QCOMPARE(model.rowCount(), 0); // nothing until the model looks
        model.refresh();
        QCOMPARE(model.rowCount(), 500);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 499);
        model.refresh();
        QCOMPARE(inserted.count(), 1); // nothing new, no signal
    }

    void timerPicksUpNewFrames()
    {
        Transcript t;
        FramesModel model;
        model.setRefreshInterval(20);
        model.setTranscript(&t);
        addMessage(t, Direction::Out, 1, "a");
        addMessage(t, Direction::In, 1, "b");
        QTRY_COMPARE_WITH_TIMEOUT(model.rowCount(), 2, 2000);
    }

    void floodSlowsPollingUntilItCalms()
    {
        Transcript t;
        FramesModel model;
        model.setRefreshInterval(20);
        model.setTranscript(&t);
        QCOMPARE(model.currentRefreshInterval(), 20);
        for (int i = 0; i < FramesModel::kFloodRows - 1; ++i)
            addFrame(t, Direction::In, 1, "x");
        model.refresh();
        QCOMPARE(model.currentRefreshInterval(), 20); // a big batch, not yet a flood
        for (int i = 0; i < FramesModel::kFloodRows; ++i)
            addFrame(t, Direction::In, 1, "x");
        model.refresh();
        QCOMPARE(model.rowCount(), 2 * FramesModel::kFloodRows - 1);
        QCOMPARE(model.currentRefreshInterval(), 40);
        addFrame(t, Direction::In, 1, "calm");
        model.refresh();
        QCOMPARE(model.currentRefreshInterval(), 20);
        model.setRefreshInterval(0);
        QCOMPARE(model.currentRefreshInterval(), 0);
        for (int i = 0; i < FramesModel::kFloodRows; ++i)
            addFrame(t, Direction::In, 1, "x");
        model.refresh();
        QCOMPARE(model.currentRefreshInterval(), 0); // polling by hand stays by hand
        QCOMPARE(model.rowCount(), 3 * FramesModel::kFloodRows);
    }

    void columnsShowTheFrame()
    {
        Transcript t;
        t.handshake().requestTimeUs = 0;
        addMessage(t, Direction::Out, 1, "{\"hello\":\"world\"}");
        addFrame(t, Direction::In, 9, "ping!", true, false, false, false, 3500);
        // A message in three fragments, the last recorded with its message.
        const qint32 first = addFrame(t, Direction::In, 1, "abc", false, false, false, false, 5000);
        addFrame(t, Direction::In, 0, "def", false, false, false, false, 5100);
        addFrame(t, Direction::In, 0, "ghi", true, false, false, false, 5250);
        t.addMessage(Direction::In, 5250, 1, false, 9, "abcdefghi", first, 3);
        FramesModel model;
        model.setRefreshInterval(0);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTranscript(&t, Role::Client);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.columnCount(), int(FramesModel::Count));
        QCOMPARE(cell(model, 0, FramesModel::Index), QStringLiteral("1"));
        QCOMPARE(cell(model, 0, FramesModel::Dir), QStringLiteral("→"));
        QCOMPARE(cell(model, 1, FramesModel::Dir), QStringLiteral("←"));
        QCOMPARE(cell(model, 0, FramesModel::Opcode), QStringLiteral("text"));
        QCOMPARE(cell(model, 1, FramesModel::Opcode), QStringLiteral("ping"));
        QCOMPARE(cell(model, 0, FramesModel::Mask), QStringLiteral("1"));
        QCOMPARE(cell(model, 1, FramesModel::Mask), QStringLiteral("0"));
        QCOMPARE(cell(model, 2, FramesModel::Fin), QStringLiteral("0"));
        QCOMPARE(cell(model, 4, FramesModel::Fin), QStringLiteral("1"));
        QCOMPARE(cell(model, 0, FramesModel::Preview), QStringLiteral("{\"hello\":\"world\"}"));
        QCOMPARE(cell(model, 1, FramesModel::Preview), QStringLiteral("ping!"));
        QCOMPARE(cell(model, 0, FramesModel::Length), QStringLiteral("17"));
        // Time since the handshake, Δ since the previous frame, µs in a role.
        QCOMPARE(cell(model, 1, FramesModel::Time), QStringLiteral("0.003500"));
        QCOMPARE(cell(model, 1, FramesModel::Delta), QStringLiteral("3.500"));
        QCOMPARE(model.data(model.index(4, FramesModel::Delta), FramesModel::TimeUsRole).toLongLong(), 150);
        QVERIFY(cell(model, 4, FramesModel::Delta, Qt::ToolTipRole).contains(QStringLiteral("150 µs")));
        // Fragments of one message share its number; the ping belongs to none.
        QCOMPARE(cell(model, 0, FramesModel::Message), QStringLiteral("1"));
        QCOMPARE(cell(model, 1, FramesModel::Message), QString());
        for (int row = 2; row <= 4; ++row)
            QCOMPARE(cell(model, row, FramesModel::Message), QStringLiteral("2"));
        QVERIFY(cell(model, 2, FramesModel::Message, Qt::ToolTipRole).contains(QLatin1String("3 frames")));
        QCOMPARE(model.data(model.index(3, 0), FramesModel::FrameIndexRole).toInt(), 3);
        QVERIFY(model.headerData(FramesModel::Opcode, Qt::Horizontal).toString().contains(QLatin1String("Opcode")));
    }

    void compressedFramesShowBothLengths()
    {
        Transcript t;
        t.handshake().extensions = "permessage-deflate";
        const QByteArray inflated(1000, 'x');
        const qint32 first = addFrame(t, Direction::In, 1, QByteArray(12, '\x01'), true, false, true);
        t.addMessage(Direction::In, 0, 1, true, 12, inflated, first, 1);
        FramesModel model;
        model.setRefreshInterval(0);
        model.setTranscript(&t);
        QCOMPARE(cell(model, 0, FramesModel::Length), QStringLiteral("12 → 1000"));
        QCOMPARE(cell(model, 0, FramesModel::Rsv), QStringLiteral("100"));
        QVERIFY(cell(model, 0, FramesModel::Preview).startsWith(QLatin1String("xxxxxxxx")));
        QCOMPARE(cell(model, 0, FramesModel::Preview, FramesModel::ViolationRole), QString());
    }

    // Regression: any RSV1 frame without a message was previewed "(compressed)", even when nothing was negotiated
    // or the receiver could not inflate it. The preview now says what the record shows.
    void rsv1WithoutNegotiationIsNotCalledCompressed()
    {
        Transcript t; // no extensions in the handshake
        addFrame(t, Direction::In, 1, "hello", true, false, true);
        FramesModel model;
        model.setRefreshInterval(0);
        model.setTranscript(&t);
        const QString preview = cell(model, 0, FramesModel::Preview);
        QVERIFY2(preview.startsWith(QLatin1String("RSV1 set, not compressed: permessage-deflate was not negotiated")),
            qPrintable(preview));
        QVERIFY2(preview.endsWith(QLatin1String("hello")), qPrintable(preview)); // the bytes as they are
        QVERIFY(!preview.contains(QLatin1String("(compressed)")));
        QCOMPARE(readRsv1(t, t.frames().at(0), Role::Client).kind, Rsv1Reading::Kind::NotNegotiated);
    }

    void rsv1ThatDidNotInflateSaysWhy()
    {
        Transcript t;
        t.handshake().extensions = "permessage-deflate";
        addFrame(t, Direction::In, 1, QByteArray("\xff\xfe\x00", 3), true, false, true);
        FramesModel model;
        model.setRefreshInterval(0);
        model.setTranscript(&t);
        // Still open, no message yet.
        QCOMPARE(readRsv1(t, t.frames().at(0), Role::Client).kind, Rsv1Reading::Kind::Incomplete);
        QVERIFY(cell(model, 0, FramesModel::Preview).startsWith(QLatin1String("RSV1 set; no inflated message")));
        // The recorder (the client) failed the connection over it.
        t.close().sentCode = 1007;
        t.close().sentReason = "The compressed message is not valid DEFLATE data.";
        const QString preview = cell(model, 0, FramesModel::Preview);
        QVERIFY2(preview.startsWith(QLatin1String(
                     "RSV1 set; not inflated: the client closed with 1007: The compressed message is not valid")),
            qPrintable(preview));
        QVERIFY2(preview.endsWith(QLatin1String("ff fe 00")), qPrintable(preview)); // not text: hex
        QCOMPARE(readRsv1(t, t.frames().at(0), Role::Client).kind, Rsv1Reading::Kind::NotInflated);
        // Recorded by a server instead, the same received frame was the server's to inflate.
        QVERIFY(readRsv1(t, t.frames().at(0), Role::Server).text.contains(QLatin1String("the server closed")));
    }

    // The same through a real connection: both ends' records, written by the engine.
    void rsv1ReadingFromRealRecords()
    {
        EchoServer server;
        ServerPolicy policy;
        policy.deflate.enabled = true;
        server.setPolicy(policy);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        for (const bool deflate : { false, true }) {
            ClientSession session;
            HandshakeSpec spec = HandshakeSpec::withDefaults(server.url().toString());
            spec.deflate = deflate;
            spec.syncRowsFromHelpers();
            session.start(spec);
            QTRY_COMPARE_WITH_TIMEOUT(session.phase(), ClientSession::Phase::Open, 5000);
            QCOMPARE(session.negotiatedDeflate().has_value(), deflate);
            FrameOptions options;
            options.rsv1 = true; // on bytes that are not DEFLATE data
            QVERIFY(session.sendFrame(1, "plain words", options));
            QTRY_COMPARE_WITH_TIMEOUT(session.phase(), ClientSession::Phase::Closed, 5000);

            FramesModel sent;
            sent.setRefreshInterval(0);
            sent.setTranscript(&session.transcript(), Role::Client);
            const QString preview = cell(sent, 0, FramesModel::Preview);
            if (!deflate) {
                QVERIFY2(preview.startsWith(QStringLiteral("RSV1 set, not compressed: permessage-deflate was not "
                                                           "negotiated — plain words")),
                    qPrintable(preview));
                continue;
            }
            QVERIFY2(preview.startsWith(QLatin1String("RSV1 set; not inflated: the server closed with 1007: ")),
                qPrintable(preview));
            // The server's own record of the frame it could not inflate.
            ServerConnection* connection = server.connections().last();
            FramesModel received;
            received.setRefreshInterval(0);
            received.setTranscript(&connection->transcript(), Role::Server);
            const QString there = cell(received, 0, FramesModel::Preview);
            QVERIFY2(there.startsWith(QLatin1String("RSV1 set; not inflated: the server closed with 1007: ")),
                qPrintable(there));
            QVERIFY(!there.contains(QLatin1String("(compressed)")));
        }
    }

    void rsv1OnControlFrameIsNotCompression()
    {
        Transcript t;
        t.handshake().extensions = "permessage-deflate";
        addFrame(t, Direction::In, 9, "ping", true, false, true);
        const Rsv1Reading r = readRsv1(t, t.frames().at(0), Role::Client);
        QCOMPARE(r.kind, Rsv1Reading::Kind::WrongFrame);
        QVERIFY(r.text.contains(QLatin1String("control frames are never compressed")));
    }

    void violationsAreNamed_data()
    {
        QTest::addColumn<int>("opcode");
        QTest::addColumn<bool>("fin");
        QTest::addColumn<bool>("masked");
        QTest::addColumn<bool>("rsv2");
        QTest::addColumn<int>("length");
        QTest::addColumn<QString>("expected");
        QTest::newRow("valid") << 1 << true << false << false << 5 << QString();
        QTest::newRow("reserved opcode") << 3 << true << false << false << 5 << QStringLiteral("Opcode 3 is reserved");
        QTest::newRow("rsv2") << 1 << true << false << true << 5 << QStringLiteral("RSV2");
        QTest::newRow("masked from server")
            << 1 << true << true << false << 5 << QStringLiteral("from the server is masked");
        QTest::newRow("fragmented ping") << 9 << false << false << false << 5
                                         << QStringLiteral("must not be fragmented");
        QTest::newRow("long ping") << 9 << true << false << false << 200 << QStringLiteral("at most 125");
    }

    void violationsAreNamed()
    {
        QFETCH(int, opcode);
        QFETCH(bool, fin);
        QFETCH(bool, masked);
        QFETCH(bool, rsv2);
        QFETCH(int, length);
        QFETCH(QString, expected);
        Transcript t;
        addFrame(t, Direction::In, quint8(opcode), QByteArray(length, 'p'), fin, masked, false, rsv2);
        FramesModel model;
        model.setRefreshInterval(0);
        model.setTranscript(&t, Role::Client);
        const QString v = cell(model, 0, FramesModel::Preview, FramesModel::ViolationRole);
        if (expected.isEmpty())
            QVERIFY2(v.isEmpty(), qPrintable(v));
        else
            QVERIFY2(v.contains(expected), qPrintable(v));
    }

    void filterByEachKind()
    {
        Transcript t;
        addMessage(t, Direction::Out, 1, "subscribe ticker"); // 0
        addMessage(t, Direction::In, 1, "{\"price\": 101.5}"); // 1
        addFrame(t, Direction::In, 9, "keepalive"); // 2 ping
        addFrame(t, Direction::Out, 10, "keepalive", true, true); // 3 pong
        addMessage(t, Direction::In, 2, QByteArray("\x00\x01PRICE", 7)); // 4 binary
        addFrame(t, Direction::In, 1, "bad", true, false, false, true); // 5 RSV2: violation
        addMessage(t, Direction::In, 1, "Price ALERT"); // 6
        FramesModel model;
        model.setRefreshInterval(0);
        model.setTranscript(&t);
        FramesFilterModel filter;
        QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        filter.setSourceModel(&model);
        QCOMPARE(filter.rowCount(), 7);

        auto rows = [&] {
            QList<int> out;
            for (int i = 0; i < filter.rowCount(); ++i)
                out.append(filter.sourceRow(i));
            return out;
        };
        FrameFilter f;
        f.outgoing = false;
        filter.setFilter(f);
        QCOMPARE(rows(), QList<int>({ 1, 2, 4, 5, 6 }));
        f = {};
        f.incoming = false;
        filter.setFilter(f);
        QCOMPARE(rows(), QList<int>({ 0, 3 }));
        f = {};
        f.control = false; // hide a ping/pong flood
        filter.setFilter(f);
        QCOMPARE(rows(), QList<int>({ 0, 1, 4, 5, 6 }));
        f = {};
        f.data = false;
        filter.setFilter(f);
        QCOMPARE(rows(), QList<int>({ 2, 3 }));
        f = {};
        f.text = QStringLiteral("price");
        filter.setFilter(f);
        QCOMPARE(rows(), QList<int>({ 1, 4, 6 })); // case-insensitive, binary payloads too
        f.caseSensitive = true;
        filter.setFilter(f);
        QCOMPARE(rows(), QList<int>({ 1 }));
        f = {};
        f.text = QStringLiteral("[0-9]+\\.[0-9]");
        filter.setFilter(f);
        QCOMPARE(rows(), QList<int>()); // a literal unless regex mode: no payload has those characters
        f.regex = true;
        filter.setFilter(f);
        QCOMPARE(rows(), QList<int>({ 1 }));
        f.text = QStringLiteral("(unclosed");
        filter.setFilter(f);
        QCOMPARE(filter.rowCount(), 0);
        QVERIFY(filter.filterError().contains(QLatin1String("not valid")));
        f = {};
        f.onlyViolations = true;
        filter.setFilter(f);
        QCOMPARE(rows(), QList<int>({ 5 }));
        QCOMPARE(filter.rowForSourceRow(5), 0);
        QCOMPARE(filter.rowForSourceRow(4), -1);
        f = {};
        filter.setFilter(f);
        QCOMPARE(rows(), QList<int>({ 0, 1, 2, 3, 4, 5, 6 }));
        QCOMPARE(cell(filter, 2, FramesModel::Opcode), QStringLiteral("ping"));
    }

    void filterExtendsAsRowsArrive()
    {
        Transcript t;
        FramesModel model;
        model.setRefreshInterval(0);
        model.setTranscript(&t);
        FramesFilterModel filter;
        QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        filter.setSourceModel(&model);
        FrameFilter f;
        f.control = false;
        f.text = QStringLiteral("keep");
        filter.setFilter(f);
        QSignalSpy reset(&filter, &QAbstractItemModel::modelReset);
        QSignalSpy inserted(&filter, &QAbstractItemModel::rowsInserted);
        for (int batch = 0; batch < 3; ++batch) {
            addMessage(t, Direction::In, 1, "keep me");
            addFrame(t, Direction::In, 9, "keep ping");
            addMessage(t, Direction::In, 1, "drop me");
            addMessage(t, Direction::Out, 1, "keep too");
            model.refresh();
        }
        QCOMPARE(reset.count(), 0); // never re-filtered from scratch
        QCOMPARE(inserted.count(), 3);
        QCOMPARE(filter.rowCount(), 6);
        for (int i = 0; i < filter.rowCount(); ++i)
            QVERIFY(cell(filter, i, FramesModel::Preview).startsWith(QLatin1String("keep")));
        // Pass-through also follows arrivals.
        filter.setFilter({});
        addMessage(t, Direction::In, 1, "late");
        model.refresh();
        QCOMPARE(filter.rowCount(), int(t.frames().size()));
    }

    void filterAMillionRows()
    {
        // Correctness at scale; the time it takes is the benchmark's business.
        Transcript t;
        const int n = 1'000'000;
        for (int i = 0; i < n; ++i) {
            if (i % 1000 == 999)
                addFrame(t, Direction::In, 1, "needle in the stack");
            else
                addFrame(t, i % 2 ? Direction::In : Direction::Out, i % 10 == 0 ? 9 : 1, "hay", true, i % 2 == 0);
        }
        FramesModel model;
        model.setRefreshInterval(0);
        model.setTranscript(&t);
        FramesFilterModel filter;
        filter.setSourceModel(&model);
        QCOMPARE(filter.rowCount(), n);
        FrameFilter f;
        f.text = QStringLiteral("NEEDLE");
        filter.setFilter(f);
        QCOMPARE(filter.rowCount(), n / 1000);
        QCOMPARE(filter.sourceRow(0), 999);
        f = {};
        f.control = false;
        filter.setFilter(f);
        QCOMPARE(filter.rowCount(), n - n / 10);
    }

    void clearShownHidesWhatCameBefore()
    {
        Transcript t;
        FramesModel model;
        model.setRefreshInterval(0);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTranscript(&t);
        addMessage(t, Direction::In, 1, "old");
        model.refresh();
        model.clearShown();
        QCOMPARE(model.rowCount(), 0);
        addMessage(t, Direction::In, 1, "new");
        model.refresh();
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(cell(model, 0, FramesModel::Preview), QStringLiteral("new"));
        QCOMPARE(cell(model, 0, FramesModel::Index), QStringLiteral("2")); // still the record's numbering
        // The record cleared underneath: the model starts over instead of reading past the end.
        t.clear();
        model.refresh();
        QCOMPARE(model.rowCount(), 0);
    }

    void letsGoWhenTheOwnerGoes()
    {
        auto* owner = new QObject;
        Transcript t;
        addMessage(t, Direction::In, 1, "x");
        FramesModel model;
        model.setRefreshInterval(0);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setTranscript(&t, Role::Client, owner);
        QCOMPARE(model.rowCount(), 1);
        delete owner;
        QVERIFY(!model.data(model.index(0, 0)).isValid());
        model.refresh();
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(!model.transcript());
    }
};

QTEST_MAIN(TestFramesModel)
#include "tst_framesmodel.moc"
