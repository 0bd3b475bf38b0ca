// One definition of bytes on the wire: a frame is its header (mask key included) and its payload as sent
// (compressed when RSV1); the handshake is counted apart, by direction, from the role that recorded it.

#include "core/deflatecodec.h"
#include "core/framedecoder.h"
#include "core/frameencoder.h"
#include "core/wirebytes.h"

#include <QTest>

using namespace wsi;

namespace
{
constexpr MaskKey kKey { 0x12, 0x34, 0x56, 0x78 };

// Decodes `wire` as `receiver` would and records every frame, as the endpoint does.
void recordAll(Transcript& t, Direction dir, Role receiver, const QByteArray& wire, bool rsv1Allowed = false)
{
    FrameDecoder decoder(receiver);
    decoder.setRsv1Allowed(rsv1Allowed);
    decoder.feed(wire);
    Frame frame;
    while (decoder.next(frame) == FrameDecoder::Status::FrameReady)
        t.addFrame(dir, 0, frame.header, frame.payload);
}
} // namespace

class TestWireBytes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void frameSizeIsHeaderPlusPayload_data()
    {
        QTest::addColumn<int>("payloadSize");
        QTest::addColumn<bool>("masked");
        QTest::addColumn<int>("headerSize");
        QTest::newRow("7-bit, unmasked") << 11 << false << 2;
        QTest::newRow("7-bit, masked") << 11 << true << 6;
        QTest::newRow("7-bit, largest") << 125 << false << 2;
        QTest::newRow("16-bit, unmasked") << 126 << false << 4;
        QTest::newRow("16-bit, masked") << 65535 << true << 8;
        QTest::newRow("64-bit, unmasked") << 65536 << false << 10;
        QTest::newRow("64-bit, masked") << 70000 << true << 14;
        QTest::newRow("empty, masked") << 0 << true << 6;
    }

    void frameSizeIsHeaderPlusPayload()
    {
        QFETCH(int, payloadSize);
        QFETCH(bool, masked);
        QFETCH(int, headerSize);
        const QByteArray payload(payloadSize, 'x');
        const Role sender = masked ? Role::Client : Role::Server;
        const QByteArray wire = encodeFrame(sender, quint8(Opcode::Binary), payload, kKey);

        Transcript t;
        recordAll(t, Direction::In, peerOf(sender), wire);
        QCOMPARE(t.frames().size(), qsizetype(1));
        const FrameRecord& f = t.frames().at(0);
        QCOMPARE(int(f.headerSize), headerSize);
        QCOMPARE(frameWireSize(f), quint64(wire.size()));
        QCOMPARE(frameWireSize(f), quint64(headerSize + payloadSize));
        // The bytes the transcript rebuilds for the frame are as many as it counts.
        QCOMPARE(quint64(t.frameWireBytes(f).size()), frameWireSize(f));
    }

    // RSV1: the payload counts as it crossed (compressed), not as the application reads it.
    void compressedFrameCountsItsCompressedPayload()
    {
        const QByteArray message = QByteArray("hello hello hello hello hello hello hello ").repeated(20);
        MessageDeflater deflater(15, false);
        const QByteArray compressed = deflater.compress(message);
        QVERIFY(!compressed.isEmpty() && compressed.size() < message.size());
        FrameOptions options;
        options.rsv1 = true;
        const QByteArray wire = encodeFrame(Role::Client, quint8(Opcode::Text), compressed, kKey, options);

        Transcript t;
        recordAll(t, Direction::In, Role::Server, wire, true);
        QCOMPARE(t.frames().size(), qsizetype(1));
        const FrameRecord& f = t.frames().at(0);
        QVERIFY(f.rsv1);
        QCOMPARE(frameWireSize(f), quint64(wire.size()));
        QCOMPARE(frameWireSize(f), quint64(6 + compressed.size()));
        QCOMPARE(wireTotals(t, Role::Server).frameBytesIn, qint64(wire.size()));
    }

    // The totals: handshake apart and by role, frames each way summed with frameWireSize().
    void totalsSeparateHandshakeAndFrames()
    {
        Transcript t;
        t.handshake().rawRequest = QByteArray(285, 'q');
        t.handshake().rawResponse = QByteArray(129, 'r');
        const QByteArray sent = encodeFrame(Role::Client, quint8(Opcode::Text), "hello", kKey)
            + encodeFrame(Role::Client, quint8(Opcode::Binary), QByteArray(300, 'b'), kKey);
        const QByteArray received = encodeFrame(Role::Server, quint8(Opcode::Text), "hello", {});
        recordAll(t, Direction::Out, Role::Server, sent);
        recordAll(t, Direction::In, Role::Client, received);

        const WireTotals client = wireTotals(t, Role::Client);
        QCOMPARE(client.handshakeBytesOut, qint64(285));
        QCOMPARE(client.handshakeBytesIn, qint64(129));
        QCOMPARE(client.framesOut, qint64(2));
        QCOMPARE(client.framesIn, qint64(1));
        QCOMPARE(client.frameBytesOut, qint64(sent.size())); // 11 + 308
        QCOMPARE(client.frameBytesOut, qint64(11 + 308));
        QCOMPARE(client.frameBytesIn, qint64(received.size()));
        QCOMPARE(client.bytesOut(), qint64(285 + sent.size()));
        QCOMPARE(client.bytesIn(), qint64(129 + received.size()));

        // A server's record: it received the request and sent the response.
        const WireTotals server = wireTotals(t, Role::Server);
        QCOMPARE(server.handshakeBytesIn, qint64(285));
        QCOMPARE(server.handshakeBytesOut, qint64(129));
        QCOMPARE(server.frameBytesOut, client.frameBytesOut);

        t.clear();
        QCOMPARE(wireTotals(t, Role::Client), WireTotals {});
    }

    // Frames past the record's cap, and frames released from memory, still crossed the wire.
    void framesNotKeptStillCount()
    {
        Transcript t(TranscriptLimits { .frames = 1 });
        const QByteArray wire = encodeFrame(Role::Server, quint8(Opcode::Text), "abc", {}).repeated(3);
        recordAll(t, Direction::In, Role::Client, wire);
        QCOMPARE(t.frames().size(), qsizetype(1));
        QCOMPARE(t.droppedRecords(), qint64(2));
        const WireTotals totals = wireTotals(t, Role::Client);
        QCOMPARE(totals.framesIn, qint64(3));
        QCOMPARE(totals.frameBytesIn, qint64(wire.size()));
    }

    // A header that declares a length near 2^64 cannot overflow the totals.
    void lyingLengthSaturates()
    {
        Transcript t;
        FrameHeader h;
        h.payloadLength = std::numeric_limits<quint64>::max() - 1;
        h.lengthEncoding = LengthEncoding::Extended64;
        h.headerSize = 10;
        t.addFrame(Direction::In, 0, h, {});
        t.addFrame(Direction::In, 0, h, {});
        QCOMPARE(wireTotals(t, Role::Client).frameBytesIn, std::numeric_limits<qint64>::max());
    }
};

QTEST_APPLESS_MAIN(TestWireBytes)
#include "tst_wirebytes.moc"
