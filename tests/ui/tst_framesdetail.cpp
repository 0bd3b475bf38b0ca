// The frame detail: summary, text, tree (JSON / MessagePack / CBOR), hex and the bit-level header,
// for frames recorded the way the engine records them.
#include "core/closepayload.h"
#include "core/frameencoder.h"
#include "ui/frames/framedetail.h"
#include "ui/frames/frameheaderview.h"
#include "ui/widgets/hexview.h"

#include <QCborMap>
#include <QCborValue>
#include <QTest>
#include <QTreeWidget>

#define MSGPACK_NO_BOOST
#include <msgpack.hpp>
#include <sstream>

using namespace wsi;

namespace
{
qint32 record(Transcript& t, Direction dir, quint8 opcode, const QByteArray& payload, bool asMessage = true,
    bool masked = false, MaskKey key = {})
{
    FrameHeader h;
    h.opcode = opcode;
    h.masked = masked;
    h.maskKey = key;
    h.payloadLength = quint64(payload.size());
    h.lengthEncoding = minimalLengthEncoding(h.payloadLength);
    h.headerSize = 2 + (masked ? 4 : 0)
        + (h.lengthEncoding == LengthEncoding::Extended16        ? 2
                : h.lengthEncoding == LengthEncoding::Extended64 ? 8
                                                                 : 0);
    const qint32 index = t.addFrame(dir, 1000 * (t.frames().size() + 1), h, payload);
    if (asMessage && !isControlOpcode(opcode))
        t.addMessage(dir, 0, opcode, false, payload.size(), payload, index, 1);
    return index;
}

QByteArray msgpackPayload()
{
    std::stringstream buffer;
    msgpack::packer<std::stringstream> pk(&buffer);
    pk.pack_map(1);
    pk.pack(std::string("temperature"));
    pk.pack(21.5);
    const std::string s = buffer.str();
    return QByteArray(s.data(), qsizetype(s.size()));
}
} // namespace

class TestFramesDetail : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void textFrame()
    {
        Transcript t;
        record(t, Direction::Out, 1, "plain words", true, true, MaskKey { 1, 2, 3, 4 });
        FrameDetail detail;
        detail.showFrame(&t, 0);
        QCOMPARE(detail.text(), QStringLiteral("plain words"));
        QVERIFY(detail.summaryText().contains(QLatin1String("Frame 1")));
        QVERIFY(detail.summaryText().contains(QLatin1String("sent text")));
        QVERIFY(detail.summaryText().contains(QLatin1String("key 01 02 03 04")));
        QVERIFY(!detail.treeFormat()); // not JSON
        // Wire bytes are the masked frame; the payload is unmasked.
        QCOMPARE(detail.wireBytes(), encodeFrame(Role::Client, 1, "plain words", MaskKey { 1, 2, 3, 4 }));
        QCOMPARE(detail.hexView()->data(), QByteArray("plain words"));
        detail.setHexSource(FrameDetail::HexSource::Wire);
        QCOMPARE(detail.hexView()->data(), detail.wireBytes());
    }

    void jsonTree()
    {
        Transcript t;
        record(t, Direction::In, 1, R"({"event":"trade","price":101.25,"sizes":[1,2]})");
        FrameDetail detail;
        detail.showFrame(&t, 0);
        QCOMPARE(detail.treeFormat(), std::optional<PayloadFormat>(PayloadFormat::Json));
        QCOMPARE(findPayloadNode(detail.treeRoot(), { "price" })->value, QStringLiteral("101.25"));
        QCOMPARE(detail.tree()->topLevelItemCount(), 1);
        QCOMPARE(detail.tree()->topLevelItem(0)->childCount(), 3);
    }

    void messagePackAndCborTrees()
    {
        Transcript t;
        record(t, Direction::In, 2, msgpackPayload());
        QCborMap map;
        map.insert(QStringLiteral("sensor"), QStringLiteral("north"));
        record(t, Direction::In, 2, QCborValue(map).toCbor());
        record(t, Direction::In, 2, QByteArray("\x00\xff\x13\x37 not a format", 17));
        FrameDetail detail;
        detail.showFrame(&t, 0);
        QCOMPARE(detail.treeFormat(), std::optional<PayloadFormat>(PayloadFormat::MessagePack));
        QCOMPARE(findPayloadNode(detail.treeRoot(), { "temperature" })->value, QStringLiteral("21.5"));
        QVERIFY(detail.text().contains(QLatin1String("binary payload"))
            || detail.text().contains(QLatin1String("temperature")));
        detail.showFrame(&t, 1);
        QCOMPARE(detail.treeFormat(), std::optional<PayloadFormat>(PayloadFormat::Cbor));
        QCOMPARE(findPayloadNode(detail.treeRoot(), { "sensor" })->value, QStringLiteral("north"));
        // Plain binary: no tree, the hex shows it, the text says it is binary.
        detail.showFrame(&t, 2);
        QVERIFY(!detail.treeFormat());
        QVERIFY(detail.text().contains(QLatin1String("binary payload of 17 bytes")));
        QCOMPARE(detail.hexView()->data().size(), 17);
        QVERIFY(detail.hexView()->lineText(0).startsWith(QLatin1String("00000000  00 ff 13 37")));
    }

    void compressedMessageShowsBothAndTheRatio()
    {
        Transcript t;
        t.handshake().extensions = "permessage-deflate";
        FrameHeader h;
        h.rsv1 = true;
        h.payloadLength = 10;
        const qint32 index = t.addFrame(Direction::In, 5, h, QByteArray(10, '\x2a'));
        t.addMessage(Direction::In, 5, 1, true, 10, QByteArray(200, 'z'), index, 1);
        FrameDetail detail;
        detail.showFrame(&t, 0, Role::Client);
        QVERIFY2(detail.summaryText().contains(QLatin1String("10 bytes of payload on the wire inflate to 200 bytes")),
            qPrintable(detail.summaryText()));
        // The frame's own size on the wire is the header with the compressed payload, as the totals count it.
        QVERIFY2(
            detail.summaryText().contains(QLatin1String("12 bytes on the wire (header 2 bytes + payload 10 bytes)")),
            qPrintable(detail.summaryText()));
        QVERIFY(detail.summaryText().contains(QLatin1String("5.0%")));
        QVERIFY(detail.summaryText().contains(QStringLiteral("20.00×")));
        QCOMPARE(detail.payload(), QByteArray(10, '\x2a'));
        QCOMPARE(detail.inflated(), QByteArray(200, 'z'));
        QCOMPARE(detail.text(), QString(200, QLatin1Char('z')));
        detail.setHexSource(FrameDetail::HexSource::Inflated);
        QCOMPARE(detail.hexView()->data().size(), 200);
    }

    void rsv1NotInflatedIsSaidInTheSummary()
    {
        Transcript t;
        FrameHeader h;
        h.rsv1 = true;
        h.payloadLength = 5;
        t.addFrame(Direction::In, 5, h, "plain");
        FrameDetail detail;
        detail.showFrame(&t, 0, Role::Client);
        QVERIFY2(detail.summaryText().contains(
                     QLatin1String("RSV1 set, not compressed: permessage-deflate was not negotiated.")),
            qPrintable(detail.summaryText()));
        QVERIFY(!detail.summaryText().contains(QLatin1String("Compressed")));
        QCOMPARE(detail.text(), QStringLiteral("plain"));

        t.handshake().extensions = "permessage-deflate";
        t.close().sentCode = 1007;
        t.close().sentReason = "The compressed message ends in the middle of a DEFLATE block.";
        detail.showFrame(&t, 0, Role::Client);
        QVERIFY2(detail.summaryText().contains(QLatin1String("RSV1 set; not inflated: the client closed with 1007: "
                                                             "The compressed message ends in the middle")),
            qPrintable(detail.summaryText()));
        QVERIFY(!detail.summaryText().contains(QLatin1String("not complete (yet)")));
    }

    void closeFrame()
    {
        Transcript t;
        record(t, Direction::In, 8, makeClosePayload(1001, "server restarting"));
        t.close().initiator = CloseRecord::Initiator::Remote;
        t.close().clean = true;
        t.close().closedTimeUs = 10;
        FrameDetail detail;
        detail.showFrame(&t, 0, Role::Client);
        const QString s = detail.summaryText();
        QVERIFY2(s.contains(QLatin1String("Close 1001")), qPrintable(s));
        QVERIFY(s.contains(closeCodeName(1001)));
        QVERIFY(s.contains(QStringLiteral("reason “server restarting”")));
        QVERIFY(s.contains(QLatin1String("started by the server")));
        QVERIFY(s.contains(QLatin1String("Clean close")));
        t.close().clean = false;
        detail.showFrame(&t, 0, Role::Client);
        QVERIFY(detail.summaryText().contains(QLatin1String("Abnormal close (1006)")));
        QCOMPARE(detail.text(), QStringLiteral("server restarting"));
    }

    void headerClickHighlightsItsBytes()
    {
        Transcript t;
        record(t, Direction::Out, 2, QByteArray(1000, 'q'), true, true, MaskKey { 9, 8, 7, 6 });
        FrameDetail detail;
        detail.resize(900, 600);
        detail.show();
        QVERIFY(QTest::qWaitForWindowExposed(&detail));
        detail.showFrame(&t, 0);
        detail.setCurrentIndex(FrameDetail::HeaderTab);
        FrameHeaderView* header = detail.headerView();
        QTRY_VERIFY(header->isVisible());
        // The masking key sits in bytes 4–7 after a 16-bit extended length.
        int keyBit = -1;
        for (const HeaderField& f : header->fields()) {
            if (f.name == QLatin1String("masking key"))
                keyBit = f.bitStart;
        }
        QCOMPARE(keyBit, 32);
        QTest::mouseClick(header, Qt::LeftButton, {}, header->bitRect(keyBit + 3).center());
        QCOMPARE(detail.headerHexView()->markStart(), 4);
        QCOMPARE(detail.headerHexView()->markLength(), 4);
        QCOMPARE(detail.headerHexView()->data().mid(4, 4), QByteArray("\x09\x08\x07\x06", 4));
        QTest::mouseClick(header, Qt::LeftButton, {}, header->bitRect(5).center()); // opcode
        QCOMPARE(detail.headerHexView()->markStart(), 0);
        QCOMPARE(detail.headerHexView()->markLength(), 1);
    }

    void outOfRangeClears()
    {
        Transcript t;
        FrameDetail detail;
        detail.showFrame(&t, 3);
        QCOMPARE(detail.frameIndex(), -1);
        detail.showFrame(nullptr, 0);
        QVERIFY(detail.summaryText().contains(QLatin1String("Select a frame")));
    }
};

QTEST_MAIN(TestFramesDetail)
#include "tst_framesdetail.moc"
