#include "core/framedecoder.h"
#include "core/messageassembler.h"

#include <QRandomGenerator>
#include <QTest>
#include <memory>

using namespace wsi;

namespace
{

QByteArray hex(const char* text)
{
    return QByteArray::fromHex(text);
}

Frame makeFrame(quint8 opcode, const QByteArray& payload, bool fin = true, bool rsv1 = false)
{
    Frame frame;
    frame.header.opcode = opcode;
    frame.header.fin = fin;
    frame.header.rsv1 = rsv1;
    frame.header.payloadLength = quint64(payload.size());
    frame.payload = payload;
    return frame;
}

// A stand-in for the deflate codec: input is (count, byte) pairs, each expanding to `count` copies of
// `byte`; a count of zero is "corrupt". It keeps a half pair across calls, like a streaming inflater,
// and records how it was called.
struct RunLengthInflater {
    std::optional<char> pendingCount;
    QList<bool> finalFlags;
    qsizetype largestOutput = 0;

    bool operator()(QByteArrayView in, bool finalFragment, QByteArray& out, ProtocolViolation& error)
    {
        finalFlags.append(finalFragment);
        for (char byte : in) {
            if (!pendingCount) {
                pendingCount = byte;
                continue;
            }
            const int count = quint8(*pendingCount);
            pendingCount.reset();
            if (count == 0) {
                error = ProtocolViolation { 1007, QStringLiteral("corrupt run") };
                return false;
            }
            out.append(QByteArray(count, byte));
        }
        largestOutput = std::max(largestOutput, out.size());
        return true;
    }
};

struct Fixture {
    std::shared_ptr<RunLengthInflater> inflater = std::make_shared<RunLengthInflater>();
    MessageAssembler assembler;

    explicit Fixture(AssemblerLimits limits = {})
        : assembler(limits)
    {
        assembler.setInflater([state = inflater](QByteArrayView in, bool finalFragment, QByteArray& out,
                                  ProtocolViolation& error) { return (*state)(in, finalFragment, out, error); });
    }
};

using Result = MessageAssembler::Result;

} // namespace

class TestMessageAssembler : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void singleFrameMessage()
    {
        MessageAssembler assembler;
        QCOMPARE(assembler.push(makeFrame(1, "Hello")), Result::MessageReady);
        QCOMPARE(assembler.message().opcode, quint8(1));
        QCOMPARE(assembler.message().payload, QByteArray("Hello"));
        QCOMPARE(assembler.message().frameCount, 1);
        QCOMPARE(assembler.message().wireBytes, qint64(5));
        QVERIFY(!assembler.message().compressed);
    }

    void fragmentedWithControlFramesBetween()
    {
        MessageAssembler assembler;
        QCOMPARE(assembler.push(makeFrame(2, "ab", false)), Result::Pending);
        QCOMPARE(assembler.push(makeFrame(9, "ping 1")), Result::ControlReady);
        QCOMPARE(assembler.control().payload, QByteArray("ping 1"));
        QCOMPARE(assembler.push(makeFrame(0, "cd", false)), Result::Pending);
        QCOMPARE(assembler.push(makeFrame(10, "pong")), Result::ControlReady);
        QCOMPARE(assembler.control().header.opcode, quint8(10));
        QCOMPARE(assembler.push(makeFrame(9, "")), Result::ControlReady);
        QCOMPARE(assembler.push(makeFrame(0, "ef")), Result::MessageReady);
        QCOMPARE(assembler.message().opcode, quint8(2));
        QCOMPARE(assembler.message().payload, QByteArray("abcdef"));
        QCOMPARE(assembler.message().frameCount, 3);
        QCOMPARE(assembler.message().wireBytes, qint64(6));
        // The next message starts afresh.
        QCOMPARE(assembler.push(makeFrame(1, "x")), Result::MessageReady);
        QCOMPARE(assembler.message().payload, QByteArray("x"));
    }

    void violations_data()
    {
        QTest::addColumn<QList<Frame>>("frames");
        QTest::addColumn<int>("closeCode");
        QTest::addColumn<QString>("section");
        QTest::newRow("continuation without a started message")
            << QList<Frame> { makeFrame(0, "lo") } << 1002 << QStringLiteral("§5.4");
        QTest::newRow("continuation after a finished message")
            << QList<Frame> { makeFrame(1, "Hel"), makeFrame(0, "lo") } << 1002 << QStringLiteral("§5.4");
        QTest::newRow("new text frame while a message is open")
            << QList<Frame> { makeFrame(1, "Hel", false), makeFrame(1, "lo") } << 1002 << QStringLiteral("§5.4");
        QTest::newRow("new binary frame while a message is open")
            << QList<Frame> { makeFrame(2, "Hel", false), makeFrame(2, "lo", false) } << 1002 << QStringLiteral("§5.4");
        QTest::newRow("reserved opcode") << QList<Frame> { makeFrame(5, "") } << 1002 << QStringLiteral("§5.2");
        QTest::newRow("RSV1 without an inflater")
            << QList<Frame> { makeFrame(1, "x", true, true) } << 1002 << QStringLiteral("§5.2");
        QTest::newRow("close with 1-byte payload")
            << QList<Frame> { makeFrame(8, hex("03")) } << 1002 << QStringLiteral("§5.5.1");
        QTest::newRow("close with code 1005")
            << QList<Frame> { makeFrame(8, hex("03ed")) } << 1002 << QStringLiteral("§7.4");
        QTest::newRow("close with code 999")
            << QList<Frame> { makeFrame(8, hex("03e7")) } << 1002 << QStringLiteral("§7.4");
        QTest::newRow("close reason not UTF-8")
            << QList<Frame> { makeFrame(8, hex("03e8ff")) } << 1007 << QStringLiteral("§5.5.1");
        QTest::newRow("invalid UTF-8 text")
            << QList<Frame> { makeFrame(1, hex("48ff")) } << 1007 << QStringLiteral("§8.1");
        QTest::newRow("text ending inside a sequence") << QList<Frame> { makeFrame(1, hex("48e2"), false),
            makeFrame(0, hex("82")) } << 1007 << QStringLiteral("§8.1");
    }
    void violations()
    {
        QFETCH(QList<Frame>, frames);
        QFETCH(int, closeCode);
        QFETCH(QString, section);
        MessageAssembler assembler;
        Result last = Result::Pending;
        for (const Frame& frame : frames)
            last = assembler.push(frame);
        QCOMPARE(last, Result::Violation);
        QCOMPARE(int(assembler.violation().closeCode), closeCode);
        QVERIFY2(assembler.violation().reason.contains(section), qPrintable(assembler.violation().reason));
        // Sticky: the connection is failing, nothing more is assembled.
        QCOMPARE(assembler.push(makeFrame(1, "ok")), Result::Violation);
    }

    void validCloseFrames_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("1000 with reason") << hex("03e8") + QByteArray("bye");
        QTest::newRow("4999 private use") << hex("1387");
    }
    void validCloseFrames()
    {
        QFETCH(QByteArray, payload);
        MessageAssembler assembler;
        QCOMPARE(assembler.push(makeFrame(8, payload)), Result::ControlReady);
        QCOMPARE(assembler.control().payload, payload);
    }

    void binaryMayHoldAnyBytes()
    {
        MessageAssembler assembler;
        QCOMPARE(assembler.push(makeFrame(2, hex("c0afeda080ff"))), Result::MessageReady);
    }

    void fragmentLimit()
    {
        MessageAssembler assembler(AssemblerLimits { 1 << 20, 3 });
        QCOMPARE(assembler.push(makeFrame(2, "a", false)), Result::Pending);
        QCOMPARE(assembler.push(makeFrame(0, "b", false)), Result::Pending);
        QCOMPARE(assembler.push(makeFrame(0, "c", false)), Result::Pending);
        QCOMPARE(assembler.push(makeFrame(0, "d")), Result::Violation);
        QCOMPARE(int(assembler.violation().closeCode), 1009);
    }

    void messageSizeLimit_data()
    {
        QTest::addColumn<int>("firstSize");
        QTest::addColumn<int>("secondSize");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("exactly at the limit") << 6 << 4 << true;
        QTest::newRow("one byte over in the second fragment") << 6 << 5 << false;
        QTest::newRow("empty fragments at the limit") << 10 << 0 << true;
    }
    void messageSizeLimit()
    {
        QFETCH(int, firstSize);
        QFETCH(int, secondSize);
        QFETCH(bool, accepted);
        // Two fragments: the second costs its bookkeeping on top of its payload.
        MessageAssembler assembler(AssemblerLimits { 10 + kFragmentBookkeepingBytes, 0 });
        QCOMPARE(assembler.push(makeFrame(2, QByteArray(firstSize, 'a'), false)), Result::Pending);
        const Result result = assembler.push(makeFrame(0, QByteArray(secondSize, 'b')));
        QCOMPARE(result, accepted ? Result::MessageReady : Result::Violation);
        if (!accepted)
            QCOMPARE(int(assembler.violation().closeCode), 1009);
    }

    // Fragments are charged, not counted: a 4 MiB message in 64-byte fragments passes with the default
    // limits, and a flood of empty fragments is stopped by the same byte budget.
    void fragmentsAreChargedAgainstTheMessageBudget()
    {
        MessageAssembler assembler;
        const QByteArray piece(64, 'x');
        constexpr int fragments = 65536;
        for (int i = 0; i < fragments; ++i) {
            const bool last = i + 1 == fragments;
            const Result result = assembler.push(makeFrame(i == 0 ? 2 : 0, piece, last));
            if (result != (last ? Result::MessageReady : Result::Pending))
                QFAIL(qPrintable(QStringLiteral("fragment %1: %2").arg(i).arg(assembler.violation().reason)));
        }
        QCOMPARE(assembler.message().payload.size(), qsizetype(4 << 20));
        QCOMPARE(assembler.message().frameCount, fragments);

        MessageAssembler flood(AssemblerLimits { 1 << 20, 0 });
        int accepted = 0;
        while (flood.push(makeFrame(accepted == 0 ? 1 : 0, {}, false)) == Result::Pending)
            ++accepted;
        QCOMPARE(accepted, int((1 << 20) / kFragmentBookkeepingBytes) + 1);
        QCOMPARE(int(flood.violation().closeCode), 1009);
        QVERIFY(flood.violation().reason.contains(QStringLiteral("fragments")));
    }

    // Text split into two fragments at every byte: valid text always assembles.
    void utf8SplitAtEveryByte()
    {
        const QByteArray text = hex("cebae1bdb9cf83cebcceb5") + QByteArray(" ") + hex("f09f9880e697a5");
        for (qsizetype cut = 0; cut <= text.size(); ++cut) {
            MessageAssembler assembler;
            QCOMPARE(assembler.push(makeFrame(1, text.left(cut), false)), Result::Pending);
            QCOMPARE(assembler.push(makeFrame(0, text.mid(cut))), Result::MessageReady);
            QCOMPARE(assembler.message().payload, text);
        }
    }

    // Fail fast: invalid text is rejected by the fragment that holds the first impossible byte (offset 12),
    // not at the end of the message.
    void utf8FailsFastAcrossFragments()
    {
        const QByteArray text = hex("cebae1bdb9cf83cebcceb5eda080656469746564");
        for (qsizetype cut = 1; cut < text.size(); ++cut) {
            MessageAssembler assembler;
            const Result first = assembler.push(makeFrame(1, text.left(cut), false));
            QCOMPARE(first, cut > 12 ? Result::Violation : Result::Pending);
            if (first == Result::Pending)
                QCOMPARE(assembler.push(makeFrame(0, text.mid(cut), false)), Result::Violation);
            QCOMPARE(int(assembler.violation().closeCode), 1007);
        }
    }

    // A frame still arriving: its text is judged as far as it has come, and only once.
    void partialTextFrameIsJudgedAsItArrives()
    {
        const QByteArray text = hex("cebae1bdb9cf83cebcceb5") + hex("f4908080") + "edited";
        MessageAssembler assembler;
        Frame partial = makeFrame(1, text.left(11));
        partial.header.payloadLength = quint64(text.size());
        QCOMPARE(assembler.pushPartial(partial), Result::Pending);
        partial.payload = text.left(12); // F4: may still become valid
        QCOMPARE(assembler.pushPartial(partial), Result::Pending);
        partial.payload = text.left(13); // F4 90: above U+10FFFF
        QCOMPARE(assembler.pushPartial(partial), Result::Violation);
        QCOMPARE(int(assembler.violation().closeCode), 1007);
        QVERIFY(assembler.violation().reason.contains(QStringLiteral("byte 12")));

        // Valid text judged in pieces (cut inside a character) assembles whole, continuation included.
        const QByteArray valid = hex("cebae1bdb9cf83cebcceb5");
        MessageAssembler ok;
        Frame first = makeFrame(1, valid.left(3), false);
        first.header.payloadLength = quint64(valid.size());
        QCOMPARE(ok.pushPartial(first), Result::Pending);
        QCOMPARE(ok.push(makeFrame(1, valid, false)), Result::Pending);
        Frame second = makeFrame(0, valid.left(5));
        second.header.payloadLength = quint64(valid.size());
        QCOMPARE(ok.pushPartial(second), Result::Pending);
        QCOMPARE(ok.push(makeFrame(0, valid)), Result::MessageReady);
        QCOMPARE(ok.message().payload, valid + valid);
        QCOMPARE(ok.message().frameCount, 2);

        // Binary is left to the complete frame; a frame breaking §5.4 fails as soon as it is seen.
        MessageAssembler binary;
        QCOMPARE(binary.pushPartial(makeFrame(2, hex("c0ff"))), Result::Pending);
        QCOMPARE(binary.push(makeFrame(2, hex("c0ff"), false)), Result::Pending);
        QCOMPARE(binary.pushPartial(makeFrame(1, "x")), Result::Violation);
        QCOMPARE(int(binary.violation().closeCode), 1002);
    }

    void compressedMessage()
    {
        Fixture fixture;
        // "aaab" + "cc" as runs, over two fragments; the first fragment ends in a half pair.
        QCOMPARE(fixture.assembler.push(makeFrame(1, hex("036101"), false, true)), Result::Pending);
        QCOMPARE(fixture.assembler.push(makeFrame(0, hex("620263"))), Result::MessageReady);
        const Message& message = fixture.assembler.message();
        QVERIFY(message.compressed);
        QCOMPARE(message.payload, QByteArray("aaabcc"));
        QCOMPARE(message.wireBytes, qint64(6));
        QCOMPARE(message.frameCount, 2);
        QCOMPARE(fixture.inflater->finalFlags, (QList<bool> { false, true }));
        // An uncompressed message after negotiation is still fine and bypasses the inflater.
        QCOMPARE(fixture.assembler.push(makeFrame(1, "plain")), Result::MessageReady);
        QVERIFY(!fixture.assembler.message().compressed);
        QCOMPARE(fixture.inflater->finalFlags.size(), 2);
    }

    void compressedTextValidatedAfterInflating()
    {
        Fixture fixture;
        // Inflates to 10 × 'a' then 0xFF: the compressed bytes themselves would pass as UTF-8.
        QCOMPARE(fixture.assembler.push(makeFrame(1, hex("0a6101ff"), true, true)), Result::Violation);
        QCOMPARE(int(fixture.assembler.violation().closeCode), 1007);
        QVERIFY(fixture.assembler.violation().reason.contains(QStringLiteral("byte 10")));
    }

    void inflaterFailureIsReported()
    {
        Fixture fixture;
        QCOMPARE(fixture.assembler.push(makeFrame(2, hex("0061"), true, true)), Result::Violation);
        QCOMPARE(int(fixture.assembler.violation().closeCode), 1007);
        QCOMPARE(fixture.assembler.violation().reason, QStringLiteral("corrupt run"));
    }

    // A deflate bomb: 64 KiB of input that would inflate to ~16 MiB. The limit is enforced while
    // inflating, so the output never grows far past it.
    void inflatedSizeLimitStopsEarly()
    {
        const qint64 limit = 1 << 20;
        Fixture fixture(AssemblerLimits { limit, 100 });
        QByteArray bomb;
        for (int i = 0; i < 32768; ++i)
            bomb += hex("ff7a");
        QCOMPARE(fixture.assembler.push(makeFrame(2, bomb, true, true)), Result::Violation);
        QCOMPARE(int(fixture.assembler.violation().closeCode), 1009);
        QVERIFY2(fixture.inflater->largestOutput < limit + 16 * 1024 * 255,
            qPrintable(QString::number(fixture.inflater->largestOutput)));
        QCOMPARE(fixture.inflater->finalFlags, QList<bool> { false }); // stopped after the first slice
    }

    // Random frames, valid or not, in any order: the assembler always answers and stays consistent.
    void randomFramesNeverCrash()
    {
        QRandomGenerator random(2024);
        for (int round = 0; round < 200; ++round) {
            Fixture fixture(AssemblerLimits { 4096, 8 });
            bool failed = false;
            for (int i = 0; i < 40; ++i) {
                QByteArray payload(random.bounded(200), Qt::Uninitialized);
                for (char& byte : payload)
                    byte = char(random.bounded(256));
                const Frame frame
                    = makeFrame(quint8(random.bounded(16)), payload, random.bounded(2) == 1, random.bounded(3) == 0);
                const Result result = fixture.assembler.push(frame);
                if (failed)
                    QCOMPARE(result, Result::Violation);
                failed = result == Result::Violation;
                if (result == Result::MessageReady)
                    QVERIFY(fixture.assembler.message().payload.size() <= 4096);
            }
        }
    }

    // Random bytes through a decoder into an assembler, in both roles.
    void randomBytesThroughDecoderNeverCrash()
    {
        QRandomGenerator random(99);
        for (int round = 0; round < 300; ++round) {
            FrameDecoder decoder(round % 2 ? Role::Client : Role::Server, DecoderLimits { 2048 });
            decoder.setRsv1Allowed(true);
            Fixture fixture(AssemblerLimits { 8192, 16 });
            QByteArray bytes(random.bounded(3000), Qt::Uninitialized);
            for (char& byte : bytes)
                byte = char(random.bounded(256));
            int frames = 0;
            for (qsizetype at = 0; at < bytes.size();) {
                const qsizetype chunk = std::min<qsizetype>(1 + random.bounded(64), bytes.size() - at);
                decoder.feed(QByteArrayView(bytes).sliced(at, chunk));
                at += chunk;
                Frame frame;
                while (decoder.next(frame) == FrameDecoder::Status::FrameReady) {
                    ++frames;
                    fixture.assembler.push(frame);
                }
            }
            QVERIFY(decoder.bytesConsumed() <= bytes.size());
            QVERIFY(frames <= bytes.size() / 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestMessageAssembler)
#include "tst_messageassembler.moc"
