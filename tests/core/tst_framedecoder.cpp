#include "core/framedecoder.h"

#include <QRandomGenerator>
#include <QTest>

using namespace wsi;

Q_DECLARE_METATYPE(wsi::Role)

namespace
{

QByteArray hex(const char* text)
{
    return QByteArray::fromHex(text);
}

// An independent frame writer for the tests: the header laid out by hand from §5.2, with the
// length written in the form asked for (minimal or not) and the payload masked byte by byte.
QByteArray wireFrame(
    quint8 firstByte, quint64 length, int lengthBytes, std::optional<MaskKey> key, const QByteArray& payload)
{
    QByteArray out;
    out.append(char(firstByte));
    const char maskBit = key ? char(0x80) : char(0);
    if (lengthBytes == 0)
        out.append(char(maskBit | char(length)));
    else
        out.append(char(maskBit | (lengthBytes == 2 ? 126 : 127)));
    for (int i = lengthBytes - 1; i >= 0; --i)
        out.append(char((length >> (8 * i)) & 0xff));
    if (key) {
        for (quint8 byte : *key)
            out.append(char(byte));
        for (qsizetype i = 0; i < payload.size(); ++i)
            out.append(char(quint8(payload[i]) ^ (*key)[size_t(i % 4)]));
    } else {
        out.append(payload);
    }
    return out;
}

int minimalLengthBytes(quint64 length)
{
    return length <= 125 ? 0 : length <= 0xffff ? 2 : 8;
}

QByteArray patternPayload(qsizetype size)
{
    QByteArray payload(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        payload[i] = char(i * 7 + 3);
    return payload;
}

struct Decoded {
    QList<Frame> frames;
    bool violated = false;
    ProtocolViolation violation;
};

Decoded drain(FrameDecoder& decoder)
{
    Decoded result;
    Frame frame;
    for (;;) {
        const auto status = decoder.next(frame);
        if (status == FrameDecoder::Status::FrameReady) {
            result.frames.append(frame);
            continue;
        }
        if (status == FrameDecoder::Status::Violation) {
            result.violated = true;
            result.violation = decoder.violation();
        }
        return result;
    }
}

Decoded decodeInChunks(
    Role receiver, const QByteArray& bytes, qsizetype chunk, bool rsv1Allowed = false, DecoderLimits limits = {})
{
    FrameDecoder decoder(receiver, limits);
    decoder.setRsv1Allowed(rsv1Allowed);
    Decoded result;
    for (qsizetype at = 0; at < bytes.size(); at += chunk) {
        decoder.feed(QByteArrayView(bytes).sliced(at, std::min(chunk, bytes.size() - at)));
        const Decoded part = drain(decoder);
        result.frames += part.frames;
        if (part.violated) {
            result.violated = true;
            result.violation = part.violation;
        }
    }
    if (!result.violated) {
        const Decoded rest = drain(decoder);
        result.frames += rest.frames;
        result.violated = rest.violated;
        result.violation = rest.violation;
    }
    return result;
}

const MaskKey rfcKey { 0x37, 0xfa, 0x21, 0x3d };

} // namespace

class TestFrameDecoder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rfcExamples_data()
    {
        QTest::addColumn<Role>("receiver");
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("opcode");
        QTest::addColumn<bool>("fin");
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("headerSize");
        QTest::newRow("unmasked Hello") << Role::Client << hex("810548656c6c6f") << 1 << true << QByteArray("Hello")
                                        << 2;
        QTest::newRow("masked Hello") << Role::Server << hex("818537fa213d7f9f4d5158") << 1 << true
                                      << QByteArray("Hello") << 6;
        QTest::newRow("first fragment Hel")
            << Role::Client << hex("010348656c") << 1 << false << QByteArray("Hel") << 2;
        QTest::newRow("last fragment lo") << Role::Client << hex("80026c6f") << 0 << true << QByteArray("lo") << 2;
        QTest::newRow("unmasked ping Hello")
            << Role::Client << hex("890548656c6c6f") << 9 << true << QByteArray("Hello") << 2;
        QTest::newRow("256-byte binary") << Role::Client << (hex("827e0100") + patternPayload(256)) << 2 << true
                                         << patternPayload(256) << 4;
        QTest::newRow("64 KiB binary") << Role::Client << (hex("827f0000000000010000") + patternPayload(65536)) << 2
                                       << true << patternPayload(65536) << 10;
    }
    void rfcExamples()
    {
        QFETCH(Role, receiver);
        QFETCH(QByteArray, wire);
        QFETCH(int, opcode);
        QFETCH(bool, fin);
        QFETCH(QByteArray, payload);
        QFETCH(int, headerSize);
        for (qsizetype chunk : { wire.size(), qsizetype(1), qsizetype(3) }) {
            const Decoded decoded = decodeInChunks(receiver, wire, chunk);
            QVERIFY(!decoded.violated);
            QCOMPARE(decoded.frames.size(), 1);
            const Frame& frame = decoded.frames.first();
            QCOMPARE(int(frame.header.opcode), opcode);
            QCOMPARE(frame.header.fin, fin);
            QCOMPARE(frame.header.headerSize, headerSize);
            QCOMPARE(frame.rawHeader().toByteArray(), wire.left(headerSize));
            QCOMPARE(frame.payload, payload);
        }
    }

    void maskingKeyIsReported()
    {
        const Decoded decoded = decodeInChunks(Role::Server, hex("818537fa213d7f9f4d5158"), 11);
        QCOMPARE(decoded.frames.size(), 1);
        QVERIFY(decoded.frames.first().header.masked);
        QCOMPARE(decoded.frames.first().header.maskKey, rfcKey);
    }

    void lengthBoundaries_data()
    {
        QTest::addColumn<Role>("receiver");
        QTest::addColumn<quint64>("length");
        QTest::addColumn<int>("encoding");
        QTest::addColumn<int>("headerSize");
        for (Role role : { Role::Client, Role::Server }) {
            const char* side = role == Role::Client ? "unmasked" : "masked";
            const int maskBytes = role == Role::Server ? 4 : 0;
            const std::pair<quint64, int> cases[]
                = { { 0, 0 }, { 125, 0 }, { 126, 1 }, { 127, 1 }, { 65535, 1 }, { 65536, 2 } };
            for (const auto& [length, encoding] : cases) {
                const int header = 2 + (encoding == 0 ? 0 : encoding == 1 ? 2 : 8) + maskBytes;
                QTest::addRow("%s, %llu bytes", side, length) << role << length << encoding << header;
            }
        }
    }
    void lengthBoundaries()
    {
        QFETCH(Role, receiver);
        QFETCH(quint64, length);
        QFETCH(int, encoding);
        QFETCH(int, headerSize);
        const QByteArray payload = patternPayload(qsizetype(length));
        const std::optional<MaskKey> key = receiver == Role::Server ? std::optional(rfcKey) : std::nullopt;
        const QByteArray wire = wireFrame(0x82, length, minimalLengthBytes(length), key, payload);
        for (qsizetype chunk : { wire.size(), qsizetype(1), qsizetype(7), qsizetype(4096) }) {
            const Decoded decoded = decodeInChunks(receiver, wire, std::max<qsizetype>(chunk, 1));
            QVERIFY(!decoded.violated);
            QCOMPARE(decoded.frames.size(), 1);
            const FrameHeader& header = decoded.frames.first().header;
            QCOMPARE(header.payloadLength, length);
            QCOMPARE(int(header.lengthEncoding), encoding);
            QCOMPARE(header.headerSize, headerSize);
            QCOMPARE(decoded.frames.first().payload, payload);
        }
    }

    void manyFramesInOneChunk()
    {
        QByteArray wire;
        for (int i = 0; i < 50; ++i)
            wire += wireFrame(0x82, quint64(i * 3), minimalLengthBytes(quint64(i * 3)), rfcKey, patternPayload(i * 3));
        wire += hex("8900"); // an empty ping at the end
        FrameDecoder decoder(Role::Server);
        decoder.feed(wire);
        QCOMPARE(decoder.bytesConsumed(), qint64(wire.size())); // up to the end of the offending header
        const Decoded decoded = drain(decoder);
        QVERIFY(decoded.violated); // the ping is unmasked: a violation, but only after the 50 frames
        QCOMPARE(decoded.frames.size(), 50);
        for (int i = 0; i < 50; ++i)
            QCOMPARE(decoded.frames[i].payload, patternPayload(i * 3));
        QCOMPARE(decoder.violationFrameOffset(), qint64(wire.size() - 2));
    }

    void partialInputNeedsMore()
    {
        FrameDecoder decoder(Role::Client);
        Frame frame;
        QCOMPARE(decoder.next(frame), FrameDecoder::Status::NeedMore);
        decoder.feed(hex("8105486565"));
        QCOMPARE(decoder.next(frame), FrameDecoder::Status::NeedMore);
        QCOMPARE(decoder.bytesConsumed(), qint64(5));
        decoder.feed(hex("6c6f"));
        QCOMPARE(decoder.next(frame), FrameDecoder::Status::FrameReady);
        QCOMPARE(frame.payload, QByteArray("Heelo"));
        QCOMPARE(decoder.next(frame), FrameDecoder::Status::NeedMore);
    }

    void acceptedEdgeCases_data()
    {
        QTest::addColumn<Role>("receiver");
        QTest::addColumn<bool>("rsv1Allowed");
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("ping with 125-byte payload")
            << Role::Client << false << wireFrame(0x89, 125, 0, std::nullopt, QByteArray(125, 'p'));
        QTest::newRow("close with 125-byte payload")
            << Role::Client << false << wireFrame(0x88, 125, 0, std::nullopt, QByteArray(125, 'c'));
        QTest::newRow("RSV1 on a text frame after deflate was negotiated") << Role::Client << true << hex("c10100");
        QTest::newRow("RSV1 on a first fragment after deflate was negotiated") << Role::Client << true << hex("410100");
        QTest::newRow("unfragmented text with FIN clear (a first fragment)") << Role::Client << false << hex("0100");
        QTest::newRow("masked frame with all-zero key") << Role::Server << false << hex("818000000000");
    }
    void acceptedEdgeCases()
    {
        QFETCH(Role, receiver);
        QFETCH(bool, rsv1Allowed);
        QFETCH(QByteArray, wire);
        const Decoded decoded = decodeInChunks(receiver, wire, 1, rsv1Allowed);
        QVERIFY2(!decoded.violated, qPrintable(decoded.violation.reason));
        QCOMPARE(decoded.frames.size(), 1);
    }

    void violations_data()
    {
        QTest::addColumn<Role>("receiver");
        QTest::addColumn<bool>("rsv1Allowed");
        QTest::addColumn<quint64>("limit");
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<int>("closeCode");
        QTest::addColumn<QString>("section");
        const quint64 noLimit = 64ull << 20;
        for (int opcode : { 3, 4, 5, 6, 7, 11, 12, 13, 14, 15 }) {
            QTest::addRow("reserved opcode %d", opcode)
                << Role::Client << false << noLimit << QByteArray(1, char(0x80 | opcode)).append(char(0)) << 1002
                << QStringLiteral("§5.2");
        }
        QTest::newRow("RSV1 set without an extension")
            << Role::Client << false << noLimit << hex("c100") << 1002 << QStringLiteral("§5.2");
        QTest::newRow("RSV2 set") << Role::Client << false << noLimit << hex("a100") << 1002 << QStringLiteral("§5.2");
        QTest::newRow("RSV3 set") << Role::Client << false << noLimit << hex("9100") << 1002 << QStringLiteral("§5.2");
        QTest::newRow("RSV2 set even with deflate")
            << Role::Client << true << noLimit << hex("a100") << 1002 << QStringLiteral("§5.2");
        QTest::newRow("RSV1 on a continuation frame")
            << Role::Client << true << noLimit << hex("c000") << 1002 << QStringLiteral("7692 §6");
        QTest::newRow("RSV1 on a ping") << Role::Client << true << noLimit << hex("c900") << 1002
                                        << QStringLiteral("7692 §6");
        QTest::newRow("RSV1 on a close") << Role::Client << true << noLimit << hex("c800") << 1002
                                         << QStringLiteral("7692 §6");
        QTest::newRow("unmasked frame from a client")
            << Role::Server << false << noLimit << hex("810548656c6c6f") << 1002 << QStringLiteral("§5.1");
        QTest::newRow("masked frame from a server")
            << Role::Client << false << noLimit << hex("818537fa213d7f9f4d5158") << 1002 << QStringLiteral("§5.1");
        QTest::newRow("fragmented ping") << Role::Client << false << noLimit << hex("0900") << 1002
                                         << QStringLiteral("§5.5");
        QTest::newRow("fragmented close")
            << Role::Client << false << noLimit << hex("0800") << 1002 << QStringLiteral("§5.5");
        QTest::newRow("ping with 126-byte payload")
            << Role::Client << false << noLimit << wireFrame(0x89, 126, 2, std::nullopt, QByteArray(126, 'p')) << 1002
            << QStringLiteral("§5.5");
        QTest::newRow("pong with 64-bit length")
            << Role::Client << false << noLimit << hex("8a7f0000000000010000") << 1002 << QStringLiteral("§5.5");
        QTest::newRow("overlong 16-bit length (5)")
            << Role::Client << false << noLimit << hex("827e0005") << 1002 << QStringLiteral("§5.2");
        QTest::newRow("overlong 16-bit length (125)")
            << Role::Client << false << noLimit << hex("827e007d") << 1002 << QStringLiteral("§5.2");
        QTest::newRow("overlong 64-bit length (126)")
            << Role::Client << false << noLimit << hex("827f000000000000007e") << 1002 << QStringLiteral("§5.2");
        QTest::newRow("overlong 64-bit length (65535)")
            << Role::Client << false << noLimit << hex("827f000000000000ffff") << 1002 << QStringLiteral("§5.2");
        QTest::newRow("64-bit length with the top bit set")
            << Role::Client << false << noLimit << hex("827f8000000000000001") << 1002 << QStringLiteral("§5.2");
        QTest::newRow("payload one byte over the limit")
            << Role::Client << false << quint64(1000) << hex("827e03e9") << 1009 << QStringLiteral("§7.4.1");
        QTest::newRow("4 GiB payload with the default limit")
            << Role::Client << false << noLimit << hex("827f0000000100000000") << 1009 << QStringLiteral("§7.4.1");
    }
    void violations()
    {
        QFETCH(Role, receiver);
        QFETCH(bool, rsv1Allowed);
        QFETCH(quint64, limit);
        QFETCH(QByteArray, wire);
        QFETCH(int, closeCode);
        QFETCH(QString, section);
        // A valid frame first: it must still come out, then the violation.
        const QByteArray valid = receiver == Role::Server ? hex("818037fa213d") : hex("8100");
        const QByteArray stream = valid + wire + hex("8100");
        for (qsizetype chunk : { stream.size(), qsizetype(1) }) {
            const Decoded decoded = decodeInChunks(receiver, stream, chunk, rsv1Allowed, DecoderLimits { limit });
            QCOMPARE(decoded.frames.size(), 1);
            QVERIFY(decoded.violated);
            QCOMPARE(int(decoded.violation.closeCode), closeCode);
            QVERIFY2(decoded.violation.reason.contains(section), qPrintable(decoded.violation.reason));
        }
    }

    // The limit is judged from the header: the decoder reports 1009 before a single payload byte arrives.
    void oversizedPayloadRejectedFromHeaderAlone()
    {
        FrameDecoder decoder(Role::Client, DecoderLimits { 1000 });
        decoder.feed(hex("827e03e9"));
        Frame frame;
        QCOMPARE(decoder.next(frame), FrameDecoder::Status::Violation);
        QCOMPARE(int(decoder.violation().closeCode), 1009);
        QCOMPARE(decoder.violatingHeader().payloadLength, quint64(1001));
        QCOMPARE(decoder.violatingHeader().headerSize, 4);
        QCOMPARE(decoder.bytesConsumed(), qint64(4));
    }

    void payloadAtTheLimitIsAccepted()
    {
        const Decoded decoded = decodeInChunks(Role::Client,
            wireFrame(0x82, 1000, 2, std::nullopt, patternPayload(1000)), 64, false, DecoderLimits { 1000 });
        QVERIFY(!decoded.violated);
        QCOMPARE(decoded.frames.size(), 1);
    }

    // Violations visible in the first two bytes are reported without waiting for the rest.
    void failsFastOnFirstTwoBytes()
    {
        FrameDecoder decoder(Role::Client);
        decoder.feed(hex("a3"));
        Frame frame;
        QCOMPARE(decoder.next(frame), FrameDecoder::Status::NeedMore);
        decoder.feed(hex("7f"));
        QCOMPARE(decoder.next(frame), FrameDecoder::Status::Violation);
        QCOMPARE(int(decoder.violatingHeader().opcode), 3);
        QVERIFY(decoder.violatingHeader().rsv2);
        QCOMPARE(decoder.violatingHeader().headerSize, 2);
        decoder.feed(hex("8100"));
        QCOMPARE(decoder.next(frame), FrameDecoder::Status::Violation); // sticky; later bytes ignored
        QCOMPARE(decoder.bytesConsumed(), qint64(2));
    }

    // Random chunkings of a valid stream decode to the same frames as the whole stream.
    void randomChunkingsAgree_data()
    {
        QTest::addColumn<Role>("receiver");
        QTest::newRow("client reading") << Role::Client;
        QTest::newRow("server reading") << Role::Server;
    }
    void randomChunkingsAgree()
    {
        QFETCH(Role, receiver);
        QRandomGenerator random(receiver == Role::Client ? 1 : 2);
        QByteArray stream;
        QList<QByteArray> payloads;
        for (int i = 0; i < 200; ++i) {
            const quint64 length = random.bounded(4) == 0 ? random.bounded(70000) : random.bounded(300);
            const QByteArray payload = patternPayload(qsizetype(length));
            std::optional<MaskKey> key;
            if (receiver == Role::Server)
                key = MaskKey { quint8(random.bounded(256)), quint8(random.bounded(256)), quint8(random.bounded(256)),
                    quint8(random.bounded(256)) };
            stream += wireFrame(0x82, length, minimalLengthBytes(length), key, payload);
            payloads.append(payload);
        }
        FrameDecoder decoder(receiver);
        QList<Frame> frames;
        for (qsizetype at = 0; at < stream.size();) {
            const qsizetype chunk = std::min<qsizetype>(1 + random.bounded(3000), stream.size() - at);
            decoder.feed(QByteArrayView(stream).sliced(at, chunk));
            at += chunk;
            const Decoded part = drain(decoder);
            QVERIFY(!part.violated);
            frames += part.frames;
        }
        QCOMPARE(frames.size(), payloads.size());
        for (int i = 0; i < frames.size(); ++i)
            QCOMPARE(frames[i].payload, payloads[i]);
        QCOMPARE(decoder.bytesConsumed(), qint64(stream.size()));
    }

    // Random bytes in random chunks: the decoder always returns, never reads past what it was given,
    // hands out frames consistent with their headers, and decides the same as with the whole input.
    void randomBytesNeverCrash_data() { randomChunkingsAgree_data(); }
    void randomBytesNeverCrash()
    {
        QFETCH(Role, receiver);
        QRandomGenerator random(receiver == Role::Client ? 77 : 78);
        for (int round = 0; round < 300; ++round) {
            QByteArray bytes(1 + random.bounded(2000), Qt::Uninitialized);
            for (char& byte : bytes)
                byte = char(random.bounded(256));
            const bool rsv1Allowed = random.bounded(2) == 1;
            const DecoderLimits limits { 4096 };
            const Decoded whole = decodeInChunks(receiver, bytes, bytes.size(), rsv1Allowed, limits);
            const Decoded chunked = decodeInChunks(receiver, bytes, 1 + random.bounded(40), rsv1Allowed, limits);
            QCOMPARE(chunked.frames.size(), whole.frames.size());
            QCOMPARE(chunked.violated, whole.violated);
            for (int i = 0; i < whole.frames.size(); ++i) {
                QCOMPARE(chunked.frames[i].payload, whole.frames[i].payload);
                QCOMPARE(quint64(whole.frames[i].payload.size()), whole.frames[i].header.payloadLength);
            }
            if (whole.violated)
                QCOMPARE(chunked.violation.closeCode, whole.violation.closeCode);
        }
    }
};

QTEST_GUILESS_MAIN(TestFrameDecoder)
#include "tst_framedecoder.moc"
