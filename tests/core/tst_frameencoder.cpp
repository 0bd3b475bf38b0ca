#include "core/framedecoder.h"
#include "core/frameencoder.h"

#include <QTest>

using namespace wsi;

Q_DECLARE_METATYPE(wsi::Role)
Q_DECLARE_METATYPE(wsi::FrameOptions)

namespace
{

QByteArray hex(const char* text)
{
    return QByteArray::fromHex(text);
}

const MaskKey rfcKey { 0x37, 0xfa, 0x21, 0x3d };

} // namespace

class TestFrameEncoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // encodedHeader() is the header encodeFrame() writes, and optionsFor() writes it again.
    void headerAndOptionsRoundTrip_data()
    {
        QTest::addColumn<int>("sender");
        QTest::addColumn<int>("opcode");
        QTest::addColumn<int>("size");
        QTest::addColumn<bool>("rsv");
        QTest::addColumn<int>("forcedEncoding"); // -1: minimal
        QTest::newRow("client text") << int(Role::Client) << 1 << 5 << false << -1;
        QTest::newRow("server binary 300") << int(Role::Server) << 2 << 300 << true << -1;
        QTest::newRow("client 70000") << int(Role::Client) << 2 << 70000 << false << -1;
        QTest::newRow("server 5 in 64 bits") << int(Role::Server) << 1 << 5 << false << int(LengthEncoding::Extended64);
        QTest::newRow("client ping, fin clear")
            << int(Role::Client) << 9 << 3 << true << int(LengthEncoding::Extended16);
    }

    void headerAndOptionsRoundTrip()
    {
        QFETCH(int, sender);
        QFETCH(int, opcode);
        QFETCH(int, size);
        QFETCH(bool, rsv);
        QFETCH(int, forcedEncoding);
        FrameOptions options;
        options.fin = opcode != 9;
        options.rsv1 = options.rsv3 = rsv;
        if (forcedEncoding >= 0)
            options.lengthEncoding = LengthEncoding(forcedEncoding);
        const QByteArray payload(size, 'p');
        const QByteArray wire = encodeFrame(Role(sender), quint8(opcode), payload, rfcKey, options);
        const FrameHeader h = encodedHeader(Role(sender), quint8(opcode), quint64(size), rfcKey, options);
        QCOMPARE(h.headerSize, int(wire.size() - size));
        QCOMPARE(h.opcode, quint8(opcode));
        QCOMPARE(h.fin, options.fin);
        QCOMPARE(h.rsv1, rsv);
        QCOMPARE(h.rsv2, false);
        QCOMPARE(h.masked, Role(sender) == Role::Client);
        QCOMPARE(h.payloadLength, quint64(size));
        // Written again from the header alone (masking as recorded, whatever the role), the bytes are the same.
        QCOMPARE(encodeFrame(peerOf(Role(sender)), h.opcode, payload, h.maskKey, optionsFor(h)), wire);
    }

    void rfcExamples()
    {
        QCOMPARE(encodeFrame(Role::Server, 1, "Hello", {}), hex("810548656c6c6f"));
        QCOMPARE(encodeFrame(Role::Client, 1, "Hello", rfcKey), hex("818537fa213d7f9f4d5158"));
        QCOMPARE(encodeFrame(Role::Server, 9, "Hello", {}), hex("890548656c6c6f"));
        QCOMPARE(encodeFrame(Role::Server, 2, QByteArray(256, 'x'), {}).left(4), hex("827e0100"));
        QCOMPARE(encodeFrame(Role::Server, 2, QByteArray(65536, 'x'), {}).left(10), hex("827f0000000000010000"));

        const QList<QByteArray> fragments = encodeFragmented(Role::Server, 1, "Hello", 2, {});
        QCOMPARE(fragments, (QList<QByteArray> { hex("010348656c"), hex("80026c6f") }));
    }

    void lengthBoundaries_data()
    {
        QTest::addColumn<int>("length");
        QTest::addColumn<QByteArray>("serverHeader");
        QTest::newRow("0 bytes") << 0 << hex("8200");
        QTest::newRow("125 bytes") << 125 << hex("827d");
        QTest::newRow("126 bytes") << 126 << hex("827e007e");
        QTest::newRow("127 bytes") << 127 << hex("827e007f");
        QTest::newRow("65535 bytes") << 65535 << hex("827effff");
        QTest::newRow("65536 bytes") << 65536 << hex("827f0000000000010000");
    }
    void lengthBoundaries()
    {
        QFETCH(int, length);
        QFETCH(QByteArray, serverHeader);
        const QByteArray payload(length, 'z');
        const QByteArray unmasked = encodeFrame(Role::Server, 2, payload, {});
        QCOMPARE(unmasked, serverHeader + payload);

        // A client sets the mask bit and inserts the key after the length.
        QByteArray clientHeader = serverHeader;
        clientHeader[1] = char(quint8(clientHeader[1]) | 0x80);
        const MaskKey key { 1, 2, 3, 4 };
        const QByteArray masked = encodeFrame(Role::Client, 2, payload, key);
        QCOMPARE(masked.left(clientHeader.size()), clientHeader);
        QCOMPARE(masked.mid(clientHeader.size(), 4), hex("01020304"));
        QCOMPARE(masked.size(), clientHeader.size() + 4 + length);
        for (int i = 0; i < length; i += 997)
            QCOMPARE(quint8(masked[clientHeader.size() + 4 + i]), quint8('z' ^ key[size_t(i % 4)]));
    }

    void deliberatelyInvalidOptions_data()
    {
        QTest::addColumn<Role>("sender");
        QTest::addColumn<int>("opcode");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<FrameOptions>("options");
        QTest::addColumn<QByteArray>("wire");
        FrameOptions rsv;
        rsv.rsv1 = rsv.rsv2 = rsv.rsv3 = true;
        QTest::newRow("all RSV bits") << Role::Server << 1 << QByteArray("a") << rsv << hex("f10161");
        QTest::newRow("reserved opcode 3") << Role::Server << 3 << QByteArray() << FrameOptions {} << hex("8300");
        QTest::newRow("opcode above 15 keeps its low bits")
            << Role::Server << 0x1b << QByteArray() << FrameOptions {} << hex("8b00");
        FrameOptions notFinal;
        notFinal.fin = false;
        QTest::newRow("fragmented ping") << Role::Server << 9 << QByteArray() << notFinal << hex("0900");
        FrameOptions unmasked;
        unmasked.masked = false;
        QTest::newRow("unmasked client frame") << Role::Client << 1 << QByteArray("Hi") << unmasked << hex("81024869");
        FrameOptions masked;
        masked.masked = true;
        QTest::newRow("masked server frame") << Role::Server << 1 << QByteArray("Hi") << masked
                                             << hex("8182"
                                                    "37fa213d"
                                                    "7f93");
        FrameOptions long16;
        long16.lengthEncoding = LengthEncoding::Extended16;
        QTest::newRow("overlong 16-bit length")
            << Role::Server << 1 << QByteArray("Hi") << long16 << hex("817e00024869");
        FrameOptions long64;
        long64.lengthEncoding = LengthEncoding::Extended64;
        QTest::newRow("overlong 64-bit length")
            << Role::Server << 2 << QByteArray("Hi") << long64 << hex("827f00000000000000024869");
        FrameOptions lie;
        lie.declaredLength = 10;
        QTest::newRow("declared length larger than the payload")
            << Role::Server << 2 << QByteArray("Hi") << lie << hex("820a4869");
        FrameOptions topBit;
        topBit.declaredLength = 0x8000000000000000ull;
        QTest::newRow("64-bit length with the top bit set")
            << Role::Server << 2 << QByteArray() << topBit << hex("827f8000000000000000");
        FrameOptions truncated;
        truncated.declaredLength = 300;
        truncated.lengthEncoding = LengthEncoding::Short7;
        QTest::newRow("length too large for a forced 7-bit field is truncated")
            << Role::Server << 2 << QByteArray() << truncated << hex("822c");
        FrameOptions bigControl;
        QTest::newRow("ping with 126-byte payload")
            << Role::Server << 9 << QByteArray(126, 'p') << bigControl << (hex("897e007e") + QByteArray(126, 'p'));
    }
    void deliberatelyInvalidOptions()
    {
        QFETCH(Role, sender);
        QFETCH(int, opcode);
        QFETCH(QByteArray, payload);
        QFETCH(FrameOptions, options);
        QFETCH(QByteArray, wire);
        QCOMPARE(encodeFrame(sender, quint8(opcode), payload, rfcKey, options), wire);
    }

    void fragmentation_data()
    {
        QTest::addColumn<Role>("sender");
        QTest::addColumn<int>("fragments");
        QTest::addColumn<bool>("rsv1");
        QTest::addColumn<QList<QByteArray>>("wire");
        QTest::newRow("three server fragments")
            << Role::Server << 3 << false << QList<QByteArray> { hex("01024865"), hex("00026c6c"), hex("80016f") };
        QTest::newRow("compressed: RSV1 only on the first")
            << Role::Server << 2 << true << QList<QByteArray> { hex("410348656c"), hex("80026c6f") };
        QTest::newRow("more fragments than bytes gives empty continuations")
            << Role::Server << 7 << false
            << QList<QByteArray> { hex("010148"), hex("000165"), hex("00016c"), hex("00016c"), hex("00016f"),
                   hex("0000"), hex("8000") };
        QTest::newRow("zero fragments means one frame")
            << Role::Server << 0 << false << QList<QByteArray> { hex("810548656c6c6f") };
        QTest::newRow("client fragments use one key each") << Role::Client << 2 << false
                                                           << QList<QByteArray> { hex("0183"
                                                                                      "01000000"
                                                                                      "49656c"),
                                                                  hex("8082"
                                                                      "00020000"
                                                                      "6c6d") };
    }
    void fragmentation()
    {
        QFETCH(Role, sender);
        QFETCH(int, fragments);
        QFETCH(bool, rsv1);
        QFETCH(QList<QByteArray>, wire);
        quint8 keysHandedOut = 0;
        const auto nextKey = [&keysHandedOut] {
            ++keysHandedOut;
            // Key n masks only byte position n-1, so each frame shows which key it used.
            MaskKey key {};
            key[size_t(keysHandedOut - 1) % 4] = keysHandedOut;
            return key;
        };
        QCOMPARE(encodeFragmented(sender, 1, "Hello", fragments, nextKey, rsv1), wire);
        QCOMPARE(int(keysHandedOut), sender == Role::Client ? int(wire.size()) : 0);
    }

    // The encoder's default output is accepted by the decoder of the other side.
    void defaultOutputDecodes()
    {
        for (Role sender : { Role::Client, Role::Server }) {
            FrameDecoder decoder(peerOf(sender));
            const QByteArray payload(70000, 'q');
            decoder.feed(encodeFrame(sender, 2, payload, rfcKey));
            Frame frame;
            QCOMPARE(decoder.next(frame), FrameDecoder::Status::FrameReady);
            QCOMPARE(frame.payload, payload);
        }
    }

    void minimalEncoding()
    {
        QCOMPARE(minimalLengthEncoding(125), LengthEncoding::Short7);
        QCOMPARE(minimalLengthEncoding(126), LengthEncoding::Extended16);
        QCOMPARE(minimalLengthEncoding(65535), LengthEncoding::Extended16);
        QCOMPARE(minimalLengthEncoding(65536), LengthEncoding::Extended64);
    }
};

QTEST_GUILESS_MAIN(TestFrameEncoder)
#include "tst_frameencoder.moc"
