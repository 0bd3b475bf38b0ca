// permessage-deflate codec (RFC 7692 §7.2). Expected wire bytes come from the RFC's worked examples (§7.2.3) or
// from an independent raw zlib sender/receiver written below, never from the codec under test.

#include "core/deflatecodec.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTest>
#include <optional>
#include <zlib.h>

using namespace wsi;

Q_DECLARE_METATYPE(wsi::DeflateParams)

namespace
{

const QByteArray kTail = QByteArray::fromHex("0000ffff");

QByteArray hex(const char* text)
{
    return QByteArray::fromHex(text);
}

// An independent receiver: raw zlib, given a window of exactly `windowBits` (zlib's inflate accepts 8..15).
// Output is taken one byte per inflate() call, so zlib checks every back-reference against that window (within a
// single call it would also accept references into the call's own output): a payload that reaches farther back
// than the window fails here.
class StrictReferenceInflater
{
public:
    explicit StrictReferenceInflater(int windowBits) { m_ready = inflateInit2(&m_z, -windowBits) == Z_OK; }
    ~StrictReferenceInflater() { inflateEnd(&m_z); }
    StrictReferenceInflater(const StrictReferenceInflater&) = delete;
    StrictReferenceInflater& operator=(const StrictReferenceInflater&) = delete;

    // One message: the payload plus the 00 00 ff ff tail the sender removed.
    std::optional<QByteArray> message(const QByteArray& payload, bool noContextTakeover)
    {
        if (!m_ready)
            return std::nullopt;
        const QByteArray input = payload + kTail;
        m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
        m_z.avail_in = uInt(input.size());
        QByteArray out;
        for (;;) {
            Bytef byte = 0;
            m_z.next_out = &byte;
            m_z.avail_out = 1;
            const int rc = inflate(&m_z, Z_NO_FLUSH);
            if (rc != Z_OK && rc != Z_BUF_ERROR)
                return std::nullopt; // includes Z_STREAM_END: the codec never sets BFINAL
            if (m_z.avail_out == 0)
                out.append(char(byte));
            else if (m_z.avail_in == 0)
                break;
        }
        if (noContextTakeover)
            inflateReset(&m_z);
        return out;
    }

private:
    z_stream m_z {};
    bool m_ready = false;
};

std::optional<QByteArrayList> referenceInflateAll(
    const QByteArrayList& payloads, int windowBits, bool noContextTakeover)
{
    StrictReferenceInflater inflater(windowBits);
    QByteArrayList messages;
    for (const QByteArray& payload : payloads) {
        const std::optional<QByteArray> message = inflater.message(payload, noContextTakeover);
        if (!message)
            return std::nullopt;
        messages.append(*message);
    }
    return messages;
}

// An independent sender: raw zlib with a sync flush per message and the tail dropped (§7.2.1). zlib's deflate
// needs windowBits >= 9. Messages must not be empty (zlib then emits nothing for the flush).
QByteArrayList referenceDeflateAll(
    const QByteArrayList& messages, int windowBits, bool noContextTakeover, int level = 6)
{
    z_stream z {};
    deflateInit2(&z, level, Z_DEFLATED, -windowBits, 8, Z_DEFAULT_STRATEGY);
    QByteArrayList payloads;
    for (const QByteArray& message : messages) {
        QByteArray out(int(deflateBound(&z, uLong(message.size()))) + 64, Qt::Uninitialized);
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
        z.avail_in = uInt(message.size());
        z.next_out = reinterpret_cast<Bytef*>(out.data());
        z.avail_out = uInt(out.size());
        deflate(&z, Z_SYNC_FLUSH);
        out.truncate(out.size() - int(z.avail_out));
        Q_ASSERT(out.endsWith(kTail));
        out.chop(kTail.size());
        payloads.append(out);
        if (noContextTakeover)
            deflateReset(&z);
    }
    deflateEnd(&z);
    return payloads;
}

// `totalBytes` of zeros deflated by raw zlib (level 9: about 1000:1) without ever holding them in memory.
QByteArray zeroBomb(qint64 totalBytes)
{
    z_stream z {};
    deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
    const QByteArray zeros(1 << 20, '\0');
    QByteArray out;
    QByteArray buffer(1 << 16, Qt::Uninitialized);
    for (qint64 left = totalBytes; left > 0;) {
        const qint64 take = std::min<qint64>(left, zeros.size());
        left -= take;
        z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
        z.avail_in = uInt(take);
        const int flush = left == 0 ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        do {
            z.next_out = reinterpret_cast<Bytef*>(buffer.data());
            z.avail_out = uInt(buffer.size());
            deflate(&z, flush);
            out.append(buffer.constData(), buffer.size() - int(z.avail_out));
        } while (z.avail_out == 0);
    }
    deflateEnd(&z);
    out.chop(kTail.size());
    return out;
}

QByteArray randomBytes(QRandomGenerator& random, qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (char& byte : bytes)
        byte = char(random.bounded(256));
    return bytes;
}

QByteArray textMessage(int variant)
{
    QByteArray text;
    for (int line = 0; line < 40; ++line) {
        text += "Line " + QByteArray::number(line * 7 + variant) + ": the quick brown fox jumps over the lazy dog; ";
        text += "pack my box with " + QByteArray::number(variant * 13 + line) + " dozen liquor jugs.\n";
    }
    return text;
}

// Binary data with repeats at many distances (blocks drawn from a small random pool), so LZ77 has work to do.
QByteArray binaryMessage(int variant, qsizetype size, qsizetype blockSize)
{
    QRandomGenerator random { quint32(1000 + variant) };
    QByteArrayList pool;
    for (int i = 0; i < 8; ++i)
        pool.append(randomBytes(random, blockSize));
    QByteArray data;
    data.reserve(size);
    while (data.size() < size)
        data += random.bounded(4) == 0 ? randomBytes(random, 64) : pool.at(random.bounded(int(pool.size())));
    data.truncate(size);
    return data;
}

QByteArray chatEvent(int n)
{
    return "{\"type\":\"chat\",\"room\":\"general\",\"user\":\"user" + QByteArray::number(n % 17)
        + "\",\"text\":\"message number " + QByteArray::number(n * 31)
        + "\",\"ts\":" + QByteArray::number(1732187000000LL + n * 137) + "}";
}

QByteArrayList splitRandomly(const QByteArray& data, QRandomGenerator& random)
{
    QByteArrayList pieces;
    qsizetype offset = 0;
    while (offset < data.size()) {
        const qsizetype size = std::min<qsizetype>(random.bounded(0, 40), data.size() - offset);
        pieces.append(data.mid(offset, size)); // size 0 pieces are fragments too
        offset += size;
    }
    pieces.append(QByteArray());
    return pieces;
}

} // namespace

class TestDeflateCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfcExamplesInflate_data();
    void rfcExamplesInflate();
    void rfcSecondMessage_data();
    void rfcSecondMessage();
    void rfcExamplesCompress_data();
    void rfcExamplesCompress();
    void emptyMessage_data();
    void emptyMessage();
    void roundTrip_data();
    void roundTrip();
    void farRepeatsStayInsideTheWindow_data();
    void farRepeatsStayInsideTheWindow();
    void referenceSenderToInflater_data();
    void referenceSenderToInflater();
    void contextTakeoverAcrossMessages_data();
    void contextTakeoverAcrossMessages();
    void compressInPieces_data();
    void compressInPieces();
    void inflateRandomSplits_data();
    void inflateRandomSplits();
    void deflateBomb_data();
    void deflateBomb();
    void corruptData_data();
    void corruptData();
    void randomBytesNeverCrash_data();
    void randomBytesNeverCrash();
    void invalidParameters_data();
    void invalidParameters();
    void sessionUsesEachSidesParameters_data();
    void sessionUsesEachSidesParameters();
};

void TestDeflateCodec::rfcExamplesInflate_data()
{
    QTest::addColumn<QByteArrayList>("fragments");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("7.2.3.1 Hello in one frame")
        << QByteArrayList { hex("f2 48 cd c9 c9 07 00") } << QByteArray("Hello");
    QTest::newRow("7.2.3.1 Hello in two fragments")
        << QByteArrayList { hex("f2 48 cd"), hex("c9 c9 07 00") } << QByteArray("Hello");
    QTest::newRow("7.2.3.3 block with no compression")
        << QByteArrayList { hex("00 05 00 fa ff 48 65 6c 6c 6f 00") } << QByteArray("Hello");
    QTest::newRow("7.2.3.4 block with BFINAL set")
        << QByteArrayList { hex("f3 48 cd c9 c9 07 00 00") } << QByteArray("Hello");
    QTest::newRow("7.2.3.5 two blocks in one message")
        << QByteArrayList { hex("f2 48 05 00 00 00 ff ff ca c9 c9 07 00") } << QByteArray("Hello");
    QTest::newRow("7.2.3.6 empty message") << QByteArrayList { hex("00") } << QByteArray();
    QTest::newRow("7.2.3.6 empty final fragment after a flushed one")
        << QByteArrayList { hex("f2 48 cd c9 c9 07 00 00 00 ff ff"), hex("00") } << QByteArray("Hello");
}

void TestDeflateCodec::rfcExamplesInflate()
{
    QFETCH(QByteArrayList, fragments);
    QFETCH(QByteArray, expected);

    MessageInflater inflater(15, false, 1024);
    QByteArray out;
    for (qsizetype i = 0; i < fragments.size(); ++i)
        QVERIFY2(inflater.inflate(fragments.at(i), i == fragments.size() - 1, out), qPrintable(inflater.errorString()));
    QCOMPARE(out, expected);
    QCOMPARE(inflater.messageBytesSoFar(), expected.size());
    QCOMPARE(inflater.errorCloseCode(), quint16(0));
}

void TestDeflateCodec::rfcSecondMessage_data()
{
    QTest::addColumn<bool>("noContextTakeover");
    QTest::addColumn<bool>("accepted");

    QTest::newRow("context takeover: refers to the first Hello") << false << true;
    QTest::newRow("no context takeover: nothing to refer to") << true << false;
}

void TestDeflateCodec::rfcSecondMessage()
{
    QFETCH(bool, noContextTakeover);
    QFETCH(bool, accepted);

    MessageInflater inflater(15, noContextTakeover, 1024);
    QByteArray first;
    QVERIFY(inflater.inflate(hex("f2 48 cd c9 c9 07 00"), true, first));
    QCOMPARE(first, QByteArray("Hello"));
    QByteArray second;
    QCOMPARE(inflater.inflate(hex("f2 00 11 00 00"), true, second), accepted);
    if (accepted) {
        QCOMPARE(second, QByteArray("Hello"));
    } else {
        QCOMPARE(inflater.errorCloseCode(), quint16(1007));
        QVERIFY(!inflater.errorString().isEmpty());
    }
}

void TestDeflateCodec::rfcExamplesCompress_data()
{
    QTest::addColumn<bool>("noContextTakeover");
    QTest::addColumn<QByteArray>("secondPayload");

    QTest::newRow("context takeover (7.2.3.2)") << false << hex("f2 00 11 00 00");
    QTest::newRow("no context takeover") << true << hex("f2 48 cd c9 c9 07 00");
}

void TestDeflateCodec::rfcExamplesCompress()
{
    QFETCH(bool, noContextTakeover);
    QFETCH(QByteArray, secondPayload);

    MessageDeflater deflater(15, noContextTakeover);
    QVERIFY(deflater.ok());
    QCOMPARE(deflater.compress("Hello"), hex("f2 48 cd c9 c9 07 00"));
    QCOMPARE(deflater.compress("Hello"), secondPayload);
    QVERIFY(deflater.ok());
}

void TestDeflateCodec::emptyMessage_data()
{
    QTest::addColumn<QByteArray>("before");
    QTest::addColumn<bool>("noContextTakeover");

    QTest::newRow("first message of a stream") << QByteArray() << false;
    QTest::newRow("after a message, context takeover") << QByteArray("Hello") << false;
    QTest::newRow("after a message, no context takeover") << QByteArray("Hello") << true;
    QTest::newRow("after an empty message") << QByteArray("") << false;
}

void TestDeflateCodec::emptyMessage()
{
    QFETCH(QByteArray, before);
    QFETCH(bool, noContextTakeover);

    MessageDeflater deflater(15, noContextTakeover);
    MessageInflater inflater(15, noContextTakeover, 1024);
    QByteArray out;
    if (!before.isNull()) {
        QVERIFY(inflater.inflate(deflater.compress(before), true, out));
        QCOMPARE(out, before);
    }
    const QByteArray payload = deflater.compress(QByteArray());
    QCOMPARE(payload, hex("00")); // §7.2.3.6: an empty stored block without its LEN/NLEN
    out.clear();
    QVERIFY(inflater.inflate(payload, true, out));
    QCOMPARE(out, QByteArray());
    QCOMPARE(inflater.messageBytesSoFar(), qint64(0));
}

void TestDeflateCodec::roundTrip_data()
{
    QTest::addColumn<QByteArrayList>("messages");
    QTest::addColumn<int>("windowBits");
    QTest::addColumn<bool>("noContextTakeover");

    const QList<std::pair<const char*, QByteArrayList>> kinds = {
        { "text", { textMessage(1), textMessage(2), textMessage(1) } },
        { "binary", { binaryMessage(1, 6000, 700), binaryMessage(2, 6000, 700), binaryMessage(1, 6000, 700) } },
        { "empty", { QByteArray(), QByteArray(), QByteArray() } },
        { "1 MiB", { binaryMessage(3, 1 << 20, 3000) } },
    };
    for (const auto& [kind, messages] : kinds) {
        for (int bits = 8; bits <= 15; ++bits) {
            for (const bool noContextTakeover : { false, true }) {
                QTest::addRow("%s, %d window bits, %s", kind, bits,
                    noContextTakeover ? "no context takeover" : "context takeover")
                    << messages << bits << noContextTakeover;
            }
        }
    }
}

void TestDeflateCodec::roundTrip()
{
    QFETCH(QByteArrayList, messages);
    QFETCH(int, windowBits);
    QFETCH(bool, noContextTakeover);

    MessageDeflater deflater(windowBits, noContextTakeover);
    MessageInflater inflater(windowBits, noContextTakeover, 2 << 20);
    QByteArrayList payloads;
    for (const QByteArray& message : messages) {
        const QByteArray payload = deflater.compress(message);
        QVERIFY2(deflater.ok(), qPrintable(deflater.errorString()));
        QVERIFY(!payload.endsWith(kTail) || message.isEmpty());
        QByteArray out;
        QVERIFY2(inflater.inflate(payload, true, out), qPrintable(inflater.errorString()));
        QCOMPARE(out, message);
        QCOMPARE(inflater.messageBytesSoFar(), message.size());
        payloads.append(payload);
    }
    // A receiver that keeps exactly the negotiated window must understand every payload.
    const std::optional<QByteArrayList> reference = referenceInflateAll(payloads, windowBits, noContextTakeover);
    QVERIFY(reference);
    QCOMPARE(*reference, messages);
}

void TestDeflateCodec::farRepeatsStayInsideTheWindow_data()
{
    QTest::addColumn<int>("windowBits");
    for (int bits = 8; bits <= 14; ++bits)
        QTest::addRow("%d window bits", bits) << bits;
}

void TestDeflateCodec::farRepeatsStayInsideTheWindow()
{
    QFETCH(int, windowBits);

    // A random block a little longer than the window, repeated: matches exist, but only beyond the window.
    QRandomGenerator random { quint32(windowBits) };
    const QByteArray block = randomBytes(random, (qsizetype(1) << windowBits) + 100);
    const QByteArrayList messages { block + block + block };

    // The strict reference receiver must catch a sender that reaches too far: a 32 KiB-window zlib does.
    const QByteArrayList farReaching = referenceDeflateAll(messages, 15, false);
    QVERIFY(!referenceInflateAll(farReaching, windowBits, false));
    QVERIFY(referenceInflateAll(farReaching, 15, false));

    MessageDeflater deflater(windowBits, false);
    const QByteArrayList payloads { deflater.compress(messages.first()) };
    const std::optional<QByteArrayList> reference = referenceInflateAll(payloads, windowBits, false);
    QVERIFY(reference);
    QCOMPARE(*reference, messages);
}

void TestDeflateCodec::referenceSenderToInflater_data()
{
    QTest::addColumn<int>("windowBits");
    QTest::addColumn<bool>("noContextTakeover");
    for (int bits = 9; bits <= 15; ++bits) {
        for (const bool noContextTakeover : { false, true }) {
            QTest::addRow("%d window bits, %s", bits, noContextTakeover ? "no context takeover" : "context takeover")
                << bits << noContextTakeover;
        }
    }
}

void TestDeflateCodec::referenceSenderToInflater()
{
    QFETCH(int, windowBits);
    QFETCH(bool, noContextTakeover);

    const QByteArrayList messages { textMessage(5), binaryMessage(5, 40000, 900), textMessage(5), chatEvent(1),
        chatEvent(2) };
    const QByteArrayList payloads = referenceDeflateAll(messages, windowBits, noContextTakeover);
    MessageInflater inflater(windowBits, noContextTakeover, 1 << 20);
    for (qsizetype i = 0; i < messages.size(); ++i) {
        QByteArray out;
        QVERIFY2(inflater.inflate(payloads.at(i), true, out), qPrintable(inflater.errorString()));
        QCOMPARE(out, messages.at(i));
    }
}

void TestDeflateCodec::contextTakeoverAcrossMessages_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<int>("windowBits");

    QTest::newRow("chat event, 15 bits") << chatEvent(7) << 15;
    QTest::newRow("chat event, 9 bits") << chatEvent(7) << 9;
    QTest::newRow("text, 15 bits") << textMessage(3).left(2000) << 15;
    QTest::newRow("Hello, 12 bits") << QByteArray("Hello") << 12;
}

void TestDeflateCodec::contextTakeoverAcrossMessages()
{
    QFETCH(QByteArray, message);
    QFETCH(int, windowBits);

    MessageDeflater takeover(windowBits, false);
    const QByteArray firstShared = takeover.compress(message);
    const QByteArray secondShared = takeover.compress(message);
    QVERIFY2(secondShared.size() < firstShared.size(),
        qPrintable(QStringLiteral("%1 vs %2 bytes").arg(secondShared.size()).arg(firstShared.size())));

    MessageDeflater fresh(windowBits, true);
    const QByteArray firstAlone = fresh.compress(message);
    const QByteArray secondAlone = fresh.compress(message);
    QCOMPARE(secondAlone, firstAlone);
    QCOMPARE(firstAlone, firstShared);

    const QByteArrayList twice { message, message };
    QCOMPARE(referenceInflateAll({ firstShared, secondShared }, windowBits, false), twice);
    QCOMPARE(referenceInflateAll({ firstAlone, secondAlone }, windowBits, true), twice);
    // Without the first message's window the shared second payload cannot be understood.
    QVERIFY(!referenceInflateAll({ secondShared }, windowBits, true));
}

void TestDeflateCodec::compressInPieces_data()
{
    QTest::addColumn<QByteArrayList>("pieces");
    QTest::addColumn<bool>("noContextTakeover");

    const QByteArray text = textMessage(9);
    for (const bool noContextTakeover : { false, true }) {
        const char* mode = noContextTakeover ? "no context takeover" : "context takeover";
        for (const int count : { 1, 2, 3, 16, 100 }) {
            QByteArrayList pieces;
            const qsizetype size = (text.size() + count - 1) / count;
            for (int i = 0; i < count; ++i)
                pieces.append(text.mid(i * size, size));
            QTest::addRow("%d pieces, %s", count, mode) << pieces << noContextTakeover;
        }
        QTest::addRow("empty last piece, %s", mode)
            << QByteArrayList { text.left(500), QByteArray() } << noContextTakeover;
        QTest::addRow("empty middle piece, %s", mode)
            << QByteArrayList { text.left(500), QByteArray(), text.mid(500) } << noContextTakeover;
        QTest::addRow("only empty pieces, %s", mode)
            << QByteArrayList { QByteArray(), QByteArray() } << noContextTakeover;
    }
}

void TestDeflateCodec::compressInPieces()
{
    QFETCH(QByteArrayList, pieces);
    QFETCH(bool, noContextTakeover);

    const QByteArray whole = pieces.join();
    const QByteArray next = chatEvent(3);
    MessageDeflater deflater(15, noContextTakeover);
    MessageInflater inflater(15, noContextTakeover, 1 << 20);
    QByteArray out;
    QByteArray concatenated;
    for (qsizetype i = 0; i < pieces.size(); ++i) {
        const bool final = i == pieces.size() - 1;
        const QByteArray payload = deflater.compressPart(pieces.at(i), final);
        QVERIFY(deflater.ok());
        concatenated += payload;
        const qsizetype before = out.size();
        QVERIFY2(inflater.inflate(payload, final, out), qPrintable(inflater.errorString()));
        // Each piece is flushed, so its frame inflates to exactly that piece.
        QCOMPARE(out.mid(before), pieces.at(i));
    }
    QCOMPARE(out, whole);
    QCOMPARE(inflater.messageBytesSoFar(), whole.size());

    // The stream goes on: a following one-frame message still inflates, here and in the reference receiver.
    const QByteArray nextPayload = deflater.compress(next);
    QByteArray nextOut;
    QVERIFY(inflater.inflate(nextPayload, true, nextOut));
    QCOMPARE(nextOut, next);
    const QByteArrayList expected { whole, next };
    QCOMPARE(referenceInflateAll({ concatenated, nextPayload }, 15, noContextTakeover), expected);
}

void TestDeflateCodec::inflateRandomSplits_data()
{
    QTest::addColumn<quint32>("seed");
    QTest::addColumn<int>("windowBits");
    QTest::addColumn<bool>("noContextTakeover");

    for (quint32 seed = 1; seed <= 4; ++seed) {
        QTest::addRow("seed %u, 15 bits, context takeover", seed) << seed << 15 << false;
        QTest::addRow("seed %u, 15 bits, no context takeover", seed) << seed << 15 << true;
        QTest::addRow("seed %u, 8 bits, context takeover", seed) << seed << 8 << false;
    }
}

void TestDeflateCodec::inflateRandomSplits()
{
    QFETCH(quint32, seed);
    QFETCH(int, windowBits);
    QFETCH(bool, noContextTakeover);

    const QByteArrayList messages { chatEvent(1), textMessage(4), QByteArray(), binaryMessage(4, 5000, 300),
        chatEvent(2), QByteArray("Hello") };
    MessageDeflater deflater(windowBits, noContextTakeover);
    MessageInflater inflater(windowBits, noContextTakeover, 1 << 20);
    QRandomGenerator random(seed);
    for (const QByteArray& message : messages) {
        const QByteArrayList fragments = splitRandomly(deflater.compress(message), random);
        QByteArray out;
        for (qsizetype i = 0; i < fragments.size(); ++i) {
            QVERIFY2(
                inflater.inflate(fragments.at(i), i == fragments.size() - 1, out), qPrintable(inflater.errorString()));
            QCOMPARE(inflater.messageBytesSoFar(), out.size());
        }
        QCOMPARE(out, message);
    }
}

void TestDeflateCodec::deflateBomb_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<qint64>("cap");
    QTest::addColumn<qsizetype>("fragmentSize");
    QTest::addColumn<bool>("accepted");

    constexpr qint64 kMiB = 1 << 20;
    const QByteArray bomb64 = zeroBomb(64 * kMiB);
    QTest::newRow("64 MiB of zeros, 1 MiB cap, one frame") << bomb64 << kMiB << bomb64.size() << false;
    QTest::newRow("64 MiB of zeros, 1 MiB cap, 4 KiB fragments") << bomb64 << kMiB << qsizetype(4096) << false;
    QTest::newRow("64 MiB of zeros, 1000000 byte cap") << bomb64 << qint64(1000000) << bomb64.size() << false;
    QTest::newRow("64 MiB of zeros, 1 byte cap") << bomb64 << qint64(1) << bomb64.size() << false;
    const QByteArray bomb512 = zeroBomb(512 * kMiB);
    QTest::newRow("512 MiB of zeros, 1 MiB cap") << bomb512 << kMiB << bomb512.size() << false;
    const QByteArray exact = zeroBomb(kMiB);
    QTest::newRow("exactly at the cap") << exact << kMiB << exact.size() << true;
    const QByteArray oneOver = zeroBomb(kMiB + 1);
    QTest::newRow("one byte over the cap") << oneOver << kMiB << oneOver.size() << false;
}

void TestDeflateCodec::deflateBomb()
{
    QFETCH(QByteArray, payload);
    QFETCH(qint64, cap);
    QFETCH(qsizetype, fragmentSize);
    QFETCH(bool, accepted);

    MessageInflater inflater(15, false, cap);
    QByteArray out;
    QElapsedTimer timer;
    timer.start();
    bool ok = true;
    for (qsizetype offset = 0; ok && offset < payload.size(); offset += fragmentSize) {
        const bool final = offset + fragmentSize >= payload.size();
        ok = inflater.inflate(
            QByteArrayView(payload).sliced(offset, std::min(fragmentSize, payload.size() - offset)), final, out);
        QVERIFY(out.size() <= cap);
        QVERIFY(out.capacity() <= cap); // never allocated beyond the cap
    }
    QCOMPARE(ok, accepted);
    QVERIFY(inflater.messageBytesSoFar() <= cap);
    if (accepted) {
        QCOMPARE(out, QByteArray(cap, '\0'));
    } else {
        QCOMPARE(inflater.errorCloseCode(), quint16(1009));
        QVERIFY(inflater.errorString().contains(QString::number(cap)));
        QVERIFY2(timer.elapsed() < 2000, "a bomb must be stopped at the cap, not inflated");
    }
}

void TestDeflateCodec::corruptData_data()
{
    QTest::addColumn<QByteArrayList>("fragments");

    QTest::newRow("reserved block type 11") << QByteArrayList { hex("06 00 00") };
    QTest::newRow("stored block with mismatched LEN/NLEN") << QByteArrayList { hex("00 05 00 00 00 48 65 6c 6c 6f") };
    QTest::newRow("back-reference before the first byte") << QByteArrayList { hex("f2 00 11 00 00") };
    QTest::newRow("dynamic block with too many distance codes") << QByteArrayList { hex("fd ff ff") };
    QTest::newRow("message cut off inside a block") << QByteArrayList { hex("f2 48 cd") };
    QTest::newRow("empty payload: an incomplete stored block") << QByteArrayList { QByteArray() };
    QTest::newRow("garbage after a valid fragment")
        << QByteArrayList { hex("f2 48 cd c9 c9 07 00 00 00 ff ff"), hex("ff ff ff ff") };
    QTest::newRow("stored block longer than the message") << QByteArrayList { hex("00 ff 00 00 ff 48 65") };
}

void TestDeflateCodec::corruptData()
{
    QFETCH(QByteArrayList, fragments);

    MessageInflater inflater(15, false, 1 << 20);
    QByteArray out;
    bool ok = true;
    for (qsizetype i = 0; ok && i < fragments.size(); ++i)
        ok = inflater.inflate(fragments.at(i), i == fragments.size() - 1, out);
    QVERIFY(!ok);
    QCOMPARE(inflater.errorCloseCode(), quint16(1007));
    QVERIFY(inflater.errorString().endsWith(QLatin1Char('.')));
    // The stream is broken for good: later messages are refused too.
    QByteArray later;
    QVERIFY(!inflater.inflate(hex("f2 48 cd c9 c9 07 00"), true, later));
    QVERIFY(later.isEmpty());
}

void TestDeflateCodec::randomBytesNeverCrash_data()
{
    QTest::addColumn<quint32>("seed");
    for (quint32 seed = 1; seed <= 4; ++seed)
        QTest::addRow("seed %u", seed) << seed;
}

void TestDeflateCodec::randomBytesNeverCrash()
{
    QFETCH(quint32, seed);

    constexpr qint64 kCap = 4096;
    QRandomGenerator random(seed);
    int failures = 0;
    for (int round = 0; round < 400; ++round) {
        MessageInflater inflater(random.bounded(8, 16), random.bounded(2) == 1, kCap);
        // Sometimes start from a valid message so the garbage lands in a live stream.
        QByteArray out;
        if (random.bounded(2) == 1)
            QVERIFY(inflater.inflate(hex("f2 48 cd c9 c9 07 00"), true, out));
        const QByteArrayList fragments = splitRandomly(randomBytes(random, random.bounded(0, 600)), random);
        bool ok = true;
        for (qsizetype i = 0; ok && i < fragments.size(); ++i) {
            ok = inflater.inflate(fragments.at(i), i == fragments.size() - 1, out);
            QVERIFY(inflater.messageBytesSoFar() <= kCap);
        }
        if (!ok) {
            ++failures;
            QVERIFY(inflater.errorCloseCode() == 1007 || inflater.errorCloseCode() == 1009);
            QVERIFY(!inflater.errorString().isEmpty());
        }
    }
    // Random bytes are almost never valid DEFLATE: most rounds must have been refused, not silently accepted.
    QVERIFY2(failures > 380, qPrintable(QStringLiteral("%1 of 400 rounds refused").arg(failures)));
}

void TestDeflateCodec::invalidParameters_data()
{
    QTest::addColumn<int>("windowBits");
    QTest::addColumn<int>("level");
    QTest::addColumn<bool>("inflaterUsable");

    QTest::newRow("window bits 7") << 7 << 6 << false;
    QTest::newRow("window bits 16") << 16 << 6 << false;
    QTest::newRow("window bits 0") << 0 << 6 << false;
    QTest::newRow("level -1") << 15 << -1 << true;
    QTest::newRow("level 10") << 15 << 10 << true;
}

void TestDeflateCodec::invalidParameters()
{
    QFETCH(int, windowBits);
    QFETCH(int, level);
    QFETCH(bool, inflaterUsable);

    MessageDeflater deflater(windowBits, false, level);
    QVERIFY(!deflater.ok());
    QVERIFY(!deflater.errorString().isEmpty());
    QVERIFY(deflater.compress("Hello").isEmpty());

    MessageInflater inflater(windowBits, false, 1024);
    QByteArray out;
    QCOMPARE(inflater.inflate(hex("f2 48 cd c9 c9 07 00"), true, out), inflaterUsable);
    if (!inflaterUsable) {
        QCOMPARE(inflater.errorCloseCode(), quint16(1011));
        QVERIFY(inflater.errorString().contains(QString::number(windowBits)));
    }
}

void TestDeflateCodec::sessionUsesEachSidesParameters_data()
{
    QTest::addColumn<DeflateParams>("params");

    QTest::newRow("defaults") << DeflateParams {};
    QTest::newRow("client no context takeover, client 8 bits") << DeflateParams { .serverNoContextTakeover = false,
        .clientNoContextTakeover = true,
        .serverMaxWindowBits = 15,
        .clientMaxWindowBits = 8 };
    QTest::newRow("server no context takeover, server 9 bits") << DeflateParams { .serverNoContextTakeover = true,
        .clientNoContextTakeover = false,
        .serverMaxWindowBits = 9,
        .clientMaxWindowBits = 12 };
}

void TestDeflateCodec::sessionUsesEachSidesParameters()
{
    QFETCH(DeflateParams, params);

    DeflateSession client(Role::Client, params, 1 << 20);
    DeflateSession server(Role::Server, params, 1 << 20);
    QCOMPARE(client.deflater().windowBits(), params.clientMaxWindowBits);
    QCOMPARE(client.deflater().noContextTakeover(), params.clientNoContextTakeover);
    QCOMPARE(client.inflater().windowBits(), params.serverMaxWindowBits);
    QCOMPARE(client.inflater().noContextTakeover(), params.serverNoContextTakeover);
    QCOMPARE(server.deflater().windowBits(), params.serverMaxWindowBits);
    QCOMPARE(server.inflater().windowBits(), params.clientMaxWindowBits);

    const QByteArray message = chatEvent(11);
    for (const Role sender : { Role::Client, Role::Server }) {
        DeflateSession& from = sender == Role::Client ? client : server;
        DeflateSession& to = sender == Role::Client ? server : client;
        const QByteArrayList payloads { from.deflater().compress(message), from.deflater().compress(message) };
        const bool noContextTakeover = params.noContextTakeoverFor(sender);
        // Repeats shrink exactly when the sender keeps its window.
        QCOMPARE(payloads.at(1) == payloads.at(0), noContextTakeover);
        for (const QByteArray& payload : payloads) {
            QByteArray out;
            QVERIFY(to.inflater().inflate(payload, true, out));
            QCOMPARE(out, message);
        }
        const QByteArrayList expected { message, message };
        QCOMPARE(referenceInflateAll(payloads, params.windowBitsFor(sender), noContextTakeover), expected);
    }
}

QTEST_GUILESS_MAIN(TestDeflateCodec)
#include "tst_deflatecodec.moc"
