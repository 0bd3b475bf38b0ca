// The transcript's record storage: the chunked list that holds frames without ever moving them, and
// the messages view that rebuilds a message which is exactly its frame instead of storing it twice.
#include "core/chunkedlist.h"
#include "core/transcript.h"

#include <QTest>
#include <algorithm>
#include <vector>

using namespace wsi;

namespace
{

constexpr qsizetype kSmallBlock = 4;
using SmallList = ChunkedList<qint64, kSmallBlock>;

// Records 0, step, 2*step, ... so a value names its own index.
SmallList listOf(qsizetype count, qint64 step = 1)
{
    SmallList list;
    for (qsizetype i = 0; i < count; ++i)
        list.append(qint64(i) * step);
    return list;
}

FrameHeader textHeader(quint8 opcode, bool fin, bool rsv1, quint64 length)
{
    FrameHeader h;
    h.opcode = opcode;
    h.fin = fin;
    h.rsv1 = rsv1;
    h.payloadLength = length;
    return h;
}

// Every field, so a mismatch names the field that differs.
void compareMessage(const MessageRecord& actual, const MessageRecord& expected)
{
    QCOMPARE(actual.timeUs, expected.timeUs);
    QCOMPARE(actual.dir, expected.dir);
    QCOMPARE(actual.opcode, expected.opcode);
    QCOMPARE(actual.compressed, expected.compressed);
    QCOMPARE(actual.wireBytes, expected.wireBytes);
    QCOMPARE(actual.payloadOffset, expected.payloadOffset);
    QCOMPARE(actual.length, expected.length);
    QCOMPARE(actual.payloadKept, expected.payloadKept);
    QCOMPARE(actual.firstFrame, expected.firstFrame);
    QCOMPARE(actual.frameCount, expected.frameCount);
}

} // namespace

class tst_Transcript : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void deflateNegotiatedIsReadWithTheExtensionGrammar_data()
    {
        QTest::addColumn<QByteArray>("extensions");
        QTest::addColumn<bool>("negotiated");
        QTest::newRow("none") << QByteArray() << false;
        QTest::newRow("plain") << QByteArray("permessage-deflate") << true;
        QTest::newRow("with parameters") << QByteArray(
            "permessage-deflate; server_no_context_takeover; client_max_window_bits=10")
                                         << true;
        QTest::newRow("second in a list") << QByteArray("x-other, permessage-deflate") << true;
        QTest::newRow("another name that contains it") << QByteArray("x-permessage-deflate-draft") << false;
        QTest::newRow("only as a parameter value") << QByteArray("x-wrap; inner=permessage-deflate") << false;
        QTest::newRow("does not parse") << QByteArray("permessage-deflate; =") << false;
    }

    void deflateNegotiatedIsReadWithTheExtensionGrammar()
    {
        QFETCH(QByteArray, extensions);
        QFETCH(bool, negotiated);
        HandshakeRecord h;
        h.extensions = extensions;
        QCOMPARE(h.deflateNegotiated(), negotiated);
    }

    void recordSizes() { QCOMPARE(sizeof(FrameRecord), size_t(40)); }

    // The packed fields hold every value a header can carry.
    void frameFieldsKeepTheirValues_data()
    {
        QTest::addColumn<quint8>("opcode");
        QTest::addColumn<bool>("flags"); // fin, rsv1-3 and masked, all the same
        QTest::addColumn<int>("encoding");
        QTest::addColumn<int>("headerSize");
        QTest::addColumn<quint64>("length");
        QTest::newRow("reserved opcode 15, all flags, 64-bit length, 14-byte header")
            << quint8(15) << true << int(LengthEncoding::Extended64) << 14 << quint64(0xffffffffffffffffull);
        QTest::newRow("continuation, no flags, 7-bit length, 2-byte header")
            << quint8(0) << false << int(LengthEncoding::Short7) << 2 << quint64(0);
        QTest::newRow("text, 16-bit length, 8-byte header")
            << quint8(1) << true << int(LengthEncoding::Extended16) << 8 << quint64(126);
    }
    void frameFieldsKeepTheirValues()
    {
        QFETCH(quint8, opcode);
        QFETCH(bool, flags);
        QFETCH(int, encoding);
        QFETCH(int, headerSize);
        QFETCH(quint64, length);
        FrameHeader h;
        h.opcode = opcode;
        h.fin = h.rsv1 = h.rsv2 = h.rsv3 = h.masked = flags;
        h.maskKey = { 0xde, 0xad, 0xbe, 0xef };
        h.lengthEncoding = LengthEncoding(encoding);
        h.headerSize = headerSize;
        h.payloadLength = length;
        Transcript t;
        t.addFrame(Direction::Out, -7, h, "xyz");
        const FrameRecord& f = t.frames().at(0);
        QCOMPARE(f.timeUs, -7);
        QCOMPARE(f.dir, Direction::Out);
        QCOMPARE(f.payloadKept, 3u);
        QCOMPARE(f.message, -1);
        const FrameHeader back = f.header();
        QCOMPARE(back.opcode, opcode);
        QCOMPARE(back.fin, flags);
        QCOMPARE(back.rsv1, flags);
        QCOMPARE(back.rsv2, flags);
        QCOMPARE(back.rsv3, flags);
        QCOMPARE(back.masked, flags);
        QVERIFY(back.maskKey == h.maskKey);
        QCOMPARE(int(back.lengthEncoding), encoding);
        QCOMPARE(back.headerSize, headerSize);
        QCOMPARE(back.payloadLength, length);
    }

    void appendAcrossBlocks_data()
    {
        QTest::addColumn<int>("count");
        QTest::newRow("empty") << 0;
        QTest::newRow("one record") << 1;
        QTest::newRow("one short of a block") << 3;
        QTest::newRow("exactly one block") << 4;
        QTest::newRow("one past a block") << 5;
        QTest::newRow("three blocks and a bit") << 14;
    }
    void appendAcrossBlocks()
    {
        QFETCH(int, count);
        const SmallList list = listOf(count);
        QCOMPARE(list.size(), qsizetype(count));
        QCOMPARE(list.isEmpty(), count == 0);
        // Blocks are allocated as needed, whole.
        const qsizetype blocks = (count + kSmallBlock - 1) / kSmallBlock;
        QCOMPARE(list.allocatedBytes(), blocks * kSmallBlock * qsizetype(sizeof(qint64)));
        for (int i = 0; i < count; ++i) {
            QCOMPARE(list.at(i), qint64(i));
            QCOMPARE(list[i], qint64(i));
        }
        if (count > 0) {
            QCOMPARE(list.first(), 0);
            QCOMPARE(list.constFirst(), 0);
            QCOMPARE(list.last(), qint64(count - 1));
            QCOMPARE(list.constLast(), qint64(count - 1));
        }
    }

    void defaultBlockSize()
    {
        ChunkedList<FrameRecord> frames;
        const qsizetype n = ChunkedList<FrameRecord>::blockSize() + 1;
        for (qsizetype i = 0; i < n; ++i) {
            FrameRecord r;
            r.timeUs = i;
            frames.append(r);
        }
        QCOMPARE(ChunkedList<FrameRecord>::blockSize(), qsizetype(16 * 1024));
        QCOMPARE(frames.allocatedBytes(), 2 * 16 * 1024 * qsizetype(sizeof(FrameRecord)));
        QCOMPARE(frames.at(16 * 1024 - 1).timeUs, 16 * 1024 - 1);
        QCOMPARE(frames.last().timeUs, 16 * 1024);
    }

    void addressesStayValid()
    {
        SmallList list;
        list.append(42);
        const qint64* first = &list.at(0);
        for (int i = 1; i < 100; ++i)
            list.append(i);
        QCOMPARE(&list.at(0), first);
        QCOMPARE(*first, 42);
    }

    void writeThroughIndex()
    {
        SmallList list = listOf(9);
        list[6] = -6;
        QCOMPARE(list.at(6), -6);
        QCOMPARE(list.at(5), 5);
        QCOMPARE(list.at(7), 7);
    }

    void iteration()
    {
        const SmallList list = listOf(11, 3);
        std::vector<qint64> seen;
        for (const qint64 v : list)
            seen.push_back(v);
        QCOMPARE(seen.size(), size_t(11));
        for (size_t i = 0; i < seen.size(); ++i)
            QCOMPARE(seen[i], qint64(i) * 3);
        QCOMPARE(list.end() - list.begin(), 11);
        QCOMPARE(*(list.begin() + 5), 15);
        QCOMPARE(*(list.end() - 1), 30);
        QCOMPARE(list.begin()[9], 27);
        const std::vector<qint64> backwards(
            std::make_reverse_iterator(list.end()), std::make_reverse_iterator(list.begin()));
        QCOMPARE(backwards.front(), 30);
        QCOMPARE(backwards.back(), 0);
        QVERIFY(list.cbegin() < list.cend());
        const SmallList empty;
        QCOMPARE(empty.begin(), empty.end());
    }

    void lowerBound_data()
    {
        QTest::addColumn<qint64>("value");
        QTest::addColumn<int>("expectedIndex");
        // The list holds 0, 10, 20, ..., 130 in blocks of four.
        QTest::newRow("before the first") << qint64(-5) << 0;
        QTest::newRow("the first") << qint64(0) << 0;
        QTest::newRow("between records") << qint64(25) << 3;
        QTest::newRow("last of a block") << qint64(30) << 3;
        QTest::newRow("first of a block") << qint64(40) << 4;
        QTest::newRow("in the last block") << qint64(125) << 13;
        QTest::newRow("the last") << qint64(130) << 13;
        QTest::newRow("past the last") << qint64(131) << 14;
    }
    void lowerBound()
    {
        QFETCH(qint64, value);
        QFETCH(int, expectedIndex);
        const SmallList list = listOf(14, 10);
        const auto it = std::lower_bound(list.begin(), list.end(), value);
        QCOMPARE(it - list.begin(), qsizetype(expectedIndex));
    }

    void clear()
    {
        SmallList list = listOf(10);
        list.clear();
        QCOMPARE(list.size(), 0);
        QVERIFY(list.isEmpty());
        QCOMPARE(list.allocatedBytes(), 0);
        QCOMPARE(list.begin(), list.end());
        list.append(7);
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.at(0), 7);
    }

    void releaseBefore_data()
    {
        QTest::addColumn<qsizetype>("count");
        QTest::addColumn<qsizetype>("index");
        QTest::addColumn<qsizetype>("firstAvailable");
        QTest::newRow("inside the first block: nothing") << qsizetype(10) << qsizetype(3) << qsizetype(0);
        QTest::newRow("at a block boundary") << qsizetype(10) << qsizetype(8) << qsizetype(8);
        QTest::newRow("inside a later block") << qsizetype(10) << qsizetype(7) << qsizetype(4);
        QTest::newRow("past the end: whole blocks only") << qsizetype(10) << qsizetype(99) << qsizetype(8);
        QTest::newRow("all of a full list") << qsizetype(8) << qsizetype(8) << qsizetype(8);
    }

    void releaseBefore()
    {
        QFETCH(qsizetype, count);
        QFETCH(qsizetype, index);
        QFETCH(qsizetype, firstAvailable);
        SmallList list = listOf(count);
        const qsizetype before = list.allocatedBytes();
        list.releaseBefore(index);
        QCOMPARE(list.firstAvailable(), firstAvailable);
        QCOMPARE(list.size(), count); // indices do not change
        QCOMPARE(list.availableCount(), count - firstAvailable);
        QCOMPARE(list.allocatedBytes(), before - firstAvailable * qsizetype(sizeof(qint64)));
        for (qsizetype i = firstAvailable; i < count; ++i)
            QCOMPARE(list.at(i), qint64(i));
        list.releaseBefore(0); // never brings anything back or releases less
        QCOMPARE(list.firstAvailable(), firstAvailable);
        for (int i = 0; i < 5; ++i)
            list.append(count + i); // appending goes on, also right after a fully released list
        QCOMPARE(list.at(count + 4), count + 4);
    }

    void move()
    {
        SmallList from = listOf(6);
        SmallList to = std::move(from);
        QCOMPARE(to.size(), 6);
        QCOMPARE(to.at(5), 5);
        QVERIFY(from.isEmpty()); // a moved-from list is empty, not half there
        from = std::move(to);
        QCOMPARE(from.size(), 6);
        QVERIFY(to.isEmpty());
        to.append(42); // a moved-from list starts a block of its own instead of writing into the other's
        QCOMPARE(to.at(0), 42);
        QCOMPARE(from.at(0), 0);
        QCOMPARE(from.size(), 6);
    }

    // Each row records one message the way the engine would and states, field by field, the
    // MessageRecord that must come back; the transcript stores either kind its own way.
    void messageView_data()
    {
        QTest::addColumn<bool>("alone"); // whether it is stored as its frame alone
        QTest::addColumn<int>("frameCap");
        QTest::addColumn<qint64>("payloadBudget");
        QTest::addColumn<qint64>("messageTimeUs");
        QTest::addColumn<bool>("compressed");
        QTest::addColumn<int>("fragments"); // frames of 3 bytes each, "abc", "def", ...

        QTest::newRow("single uncompressed frame") << true << 100 << qint64(1000) << qint64(500) << false << 1;
        QTest::newRow("fragmented") << false << 100 << qint64(1000) << qint64(520) << false << 3;
        QTest::newRow("compressed") << false << 100 << qint64(1000) << qint64(500) << true << 1;
        QTest::newRow("message time differs from its frame")
            << false << 100 << qint64(1000) << qint64(501) << false << 1;
        QTest::newRow("frame dropped by the frame cap") << false << 1 << qint64(1000) << qint64(500) << false << 1;
        QTest::newRow("payload budget ran out in the frame") << false << 100 << qint64(5) << qint64(500) << false << 1;
    }
    void messageView()
    {
        QFETCH(bool, alone);
        QFETCH(int, frameCap);
        QFETCH(qint64, payloadBudget);
        QFETCH(qint64, messageTimeUs);
        QFETCH(bool, compressed);
        QFETCH(int, fragments);

        Transcript t(TranscriptLimits { .payloadBytes = payloadBudget, .frames = frameCap });
        // A ping first, so the message's frames do not start at index 0 and the ping's 4 bytes come first in
        // the store.
        QCOMPARE(t.addFrame(Direction::In, 400, textHeader(9, true, false, 4), "ping"), 0);
        const QByteArray parts = QByteArray("abcdefghi").left(3 * fragments);
        qint32 firstFrame = -1;
        for (int i = 0; i < fragments; ++i) {
            const FrameHeader h = textHeader(i == 0 ? 1 : 0, i + 1 == fragments, compressed && i == 0, 3);
            const qint32 index = t.addFrame(Direction::Out, 500 + 10 * i, h, parts.mid(3 * i, 3));
            if (i == 0)
                firstFrame = index;
        }
        // A compressed message is what the frames inflate to: different bytes from the frame's.
        const QByteArray payload = compressed ? QByteArray("inflated!") : parts;
        QCOMPARE(
            t.addMessage(Direction::Out, messageTimeUs, 1, compressed, 3 * fragments, payload, firstFrame, fragments),
            0);

        MessageRecord expected;
        expected.timeUs = messageTimeUs;
        expected.dir = Direction::Out;
        expected.opcode = 1;
        expected.compressed = compressed;
        expected.wireBytes = 3 * fragments;
        expected.length = payload.size();
        expected.firstFrame = firstFrame;
        expected.frameCount = fragments;
        const bool frameRecorded = firstFrame >= 0;
        const qint64 frameKept = frameRecorded ? qMin<qint64>(3, payloadBudget - 4) : 0;
        if (!compressed && fragments == 1 && frameRecorded && frameKept == payload.size()) {
            expected.payloadOffset = 4; // shared with the frame, right after the ping
            expected.payloadKept = payload.size();
        } else {
            // Stored after the ping and the frames' bytes, as far as the budget allows.
            const qint64 used = qMin<qint64>(payloadBudget, 4 + (frameRecorded ? 3 * fragments : 0));
            expected.payloadOffset = used;
            expected.payloadKept = qBound<qint64>(0, payloadBudget - used, payload.size());
        }

        QCOMPARE(t.messages().size(), 1);
        QVERIFY(!t.messages().isEmpty());
        compareMessage(t.messages().at(0), expected);
        compareMessage(t.messages()[0], expected);
        compareMessage(t.messages().first(), expected);
        compareMessage(t.messages().last(), expected);
        int iterated = 0;
        for (const MessageRecord& m : t.messages()) {
            compareMessage(m, expected);
            ++iterated;
        }
        QCOMPARE(iterated, 1);
        QCOMPARE(t.messages().end() - t.messages().begin(), 1);
        if (expected.payloadKept == payload.size())
            QCOMPARE(t.messagePayload(t.messages().at(0)), payload);

        // Data frames point at their message; the ping belongs to none.
        QCOMPARE(t.frames().at(0).message, -1);
        for (qsizetype i = 1; i < t.frames().size(); ++i)
            QCOMPARE(t.frames().at(i).message, 0);
        QCOMPARE(t.droppedRecords(), qint64(frameRecorded ? 0 : 1));
        QCOMPARE(t.storedMessageRecords(), alone ? 0 : 1);
    }

    // Both kinds of message interleaved: each index must come back as the message recorded there.
    void mixedMessages()
    {
        Transcript t;
        std::vector<MessageRecord> expected;
        qint64 offset = 0;
        for (int i = 0; i < 40; ++i) {
            const QByteArray payload = QByteArray::number(i).rightJustified(4, '0');
            const bool fragmented = i % 3 == 1;
            const qint32 first = t.addFrame(Direction::In, 100 * i, textHeader(2, !fragmented, false, 4), payload);
            if (fragmented)
                t.addFrame(Direction::In, 100 * i + 1, textHeader(0, true, false, 0), {});
            MessageRecord m;
            m.timeUs = 100 * i + (fragmented ? 1 : 0);
            m.dir = Direction::In;
            m.opcode = 2;
            m.wireBytes = 4;
            m.length = 4;
            m.payloadKept = 4;
            m.firstFrame = first;
            m.frameCount = fragmented ? 2 : 1;
            m.payloadOffset = offset; // a single frame's message shares the frame's bytes
            offset += 4;
            if (fragmented) {
                m.payloadOffset = offset; // stored again, whole
                offset += 4;
            }
            QCOMPARE(t.addMessage(Direction::In, m.timeUs, 2, false, 4, payload, first, m.frameCount), qint32(i));
            expected.push_back(m);
        }
        QCOMPARE(t.storedMessageRecords(), 13); // the fragmented ones: i = 1, 4, ..., 37
        QCOMPARE(t.messages().size(), qsizetype(expected.size()));
        qsizetype index = 0;
        for (const MessageRecord& m : t.messages())
            compareMessage(m, expected[size_t(index++)]);
        for (size_t i = 0; i < expected.size(); ++i)
            compareMessage(t.messages().at(qsizetype(i)), expected[i]);
        // Random access on the view: the messages are in time order.
        const auto messages = t.messages();
        const auto it = std::lower_bound(messages.begin(), messages.end(), qint64(1050),
            [](const MessageRecord& m, qint64 timeUs) { return m.timeUs < timeUs; });
        QCOMPARE(it - messages.begin(), 11);
        QCOMPARE((*it).timeUs, 1100);
    }

    void clearForgetsMessages()
    {
        Transcript t;
        const qint32 frame = t.addFrame(Direction::In, 5, textHeader(1, true, false, 2), "hi");
        t.addMessage(Direction::In, 5, 1, false, 2, "hi", frame, 1);
        t.addMessage(Direction::In, 6, 1, true, 2, "compressed", frame, 1);
        t.clear();
        QVERIFY(t.frames().isEmpty());
        QVERIFY(t.messages().isEmpty());
        QCOMPARE(t.messages().begin(), t.messages().end());
    }

    // The headless server forgets what it printed: frames and messages go, except the frames that kept
    // messages still read, and the caps then count what is kept.
    void releaseKeepsWhatKeptMessagesNeed()
    {
        const qsizetype block = ChunkedList<FrameRecord>::blockSize();
        Transcript t(TranscriptLimits { .frames = qint32(3 * block), .messages = qint32(3 * block) });
        // A fragmented message starts first and ends last; single-frame messages complete in between.
        const qint32 longFirst = t.addFrame(Direction::In, 0, textHeader(1, false, false, 4), "long");
        for (qsizetype i = 1; i < 2 * block + 10; ++i) {
            const qint32 f = t.addFrame(Direction::Out, i, textHeader(2, true, false, 1), "x");
            t.addMessage(Direction::Out, i, 2, false, 1, "x", f, 1);
        }
        t.addFrame(Direction::In, 2 * block + 10, textHeader(0, true, false, 4), "tail");
        const qint32 longMessage = t.addMessage(Direction::In, 2 * block + 10, 1, false, 8, "longtail", longFirst, 2);
        t.addFrame(Direction::Out, 2 * block + 11, textHeader(1, true, false, 1), "y");
        const qint32 last
            = t.addMessage(Direction::Out, 2 * block + 11, 1, false, 1, "y", qint32(t.frames().size() - 1), 1);

        // Everything but the last two messages is read: the long message still needs frame 0.
        t.releaseBefore(qint32(t.frames().size()), longMessage);
        QCOMPARE(t.frames().firstAvailable(), 0);
        QCOMPARE(t.firstMessageAvailable(), 2 * block);
        const MessageRecord m = t.messages().at(longMessage);
        QCOMPARE(m.firstFrame, longFirst);
        QCOMPARE(t.messagePayload(m), QByteArray("longtail"));
        QCOMPARE(t.messages().at(last).firstFrame, qint32(t.frames().size() - 1));

        // Once the long message is read too, its frames may go.
        t.releaseBefore(qint32(t.frames().size()), last);
        QCOMPARE(t.frames().firstAvailable(), 2 * block);
        QCOMPARE(t.firstMessageAvailable(), 2 * block);
        QCOMPARE(t.messagePayload(t.messages().at(last)), QByteArray("y"));
        QCOMPARE(t.frames().at(t.frames().size() - 1).message, last);

        // The caps count the records kept, so recording goes on past 3 blocks in all.
        for (qsizetype i = 0; i < block; ++i) {
            const qint32 f = t.addFrame(Direction::Out, 3 * block + i, textHeader(2, true, false, 1), "z");
            QVERIFY(f >= 0);
            QVERIFY(t.addMessage(Direction::Out, 3 * block + i, 2, false, 1, "z", f, 1) >= 0);
        }
        QVERIFY(t.frames().size() > 3 * block);
        QCOMPARE(t.droppedRecords(), 0);
    }

    void messageCap()
    {
        Transcript t(TranscriptLimits { .messages = 2 });
        for (int i = 0; i < 3; ++i) {
            const qint32 frame = t.addFrame(Direction::In, i, textHeader(1, true, false, 1), "x");
            QCOMPARE(t.addMessage(Direction::In, i, 1, false, 1, "x", frame, 1), i < 2 ? i : -1);
        }
        QCOMPARE(t.messages().size(), 2);
        QCOMPARE(t.frames().at(2).message, -1);
        QCOMPARE(t.droppedRecords(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_Transcript)
#include "tst_transcript.moc"
