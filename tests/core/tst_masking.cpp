#include "core/masking.h"

#include <QRandomGenerator>
#include <QTest>

using namespace wsi;

namespace
{

// The definition from RFC 6455 §5.3, one byte at a time: the reference the fast paths must match.
QByteArray maskedByDefinition(QByteArray data, MaskKey key, quint64 offset)
{
    for (qsizetype i = 0; i < data.size(); ++i)
        data[i] = char(quint8(data[i]) ^ key[(offset + quint64(i)) % 4]);
    return data;
}

QByteArray randomBytes(qsizetype size, quint32 seed)
{
    QRandomGenerator generator(seed);
    QByteArray bytes(size, Qt::Uninitialized);
    for (char& byte : bytes)
        byte = char(generator.bounded(256));
    return bytes;
}

const MaskKey rfcKey { 0x37, 0xfa, 0x21, 0x3d };

} // namespace

class TestMasking : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void rfcExample()
    {
        QByteArray hello("Hello");
        applyMask(hello.data(), hello.size(), rfcKey);
        QCOMPARE(hello, QByteArray::fromHex("7f9f4d5158"));
        applyMask(hello.data(), hello.size(), rfcKey);
        QCOMPARE(hello, QByteArray("Hello"));
    }

    void matchesDefinition_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("offset");
        for (int size : { 0, 1, 3, 4, 7, 8, 15, 16, 17, 63, 64, 65, 125, 200, 1024, 4099 }) {
            for (int offset : { 0, 1, 2, 3, 5, 1001 })
                QTest::addRow("%d bytes at key phase %d", size, offset) << size << offset;
        }
    }
    void matchesDefinition()
    {
        QFETCH(int, size);
        QFETCH(int, offset);
        const QByteArray original = randomBytes(size, quint32(size * 31 + offset));
        const QByteArray expected = maskedByDefinition(original, rfcKey, quint64(offset));

        QByteArray inPlace = original;
        applyMask(inPlace.data(), inPlace.size(), rfcKey, quint64(offset));
        QCOMPARE(inPlace, expected);

        QByteArray copied(size, Qt::Uninitialized);
        copyWithMask(copied.data(), original.constData(), original.size(), rfcKey, quint64(offset));
        QCOMPARE(copied, expected);
    }

    void unalignedStart()
    {
        const QByteArray original = randomBytes(300, 7);
        for (int start = 1; start < 16; ++start) {
            QByteArray buffer = original;
            applyMask(buffer.data() + start, buffer.size() - start, rfcKey);
            QCOMPARE(buffer.left(start), original.left(start));
            QCOMPARE(buffer.mid(start), maskedByDefinition(original.mid(start), rfcKey, 0));
        }
    }

    void piecewiseEqualsWhole()
    {
        const QByteArray original = randomBytes(1000, 11);
        const QByteArray expected = maskedByDefinition(original, rfcKey, 0);
        for (int piece : { 1, 3, 5, 13, 64, 333 }) {
            QByteArray buffer = original;
            for (qsizetype at = 0; at < buffer.size(); at += piece) {
                const qsizetype size = std::min<qsizetype>(piece, buffer.size() - at);
                applyMask(buffer.data() + at, size, rfcKey, quint64(at));
            }
            QCOMPARE(buffer, expected);
        }
    }
};

QTEST_GUILESS_MAIN(TestMasking)
#include "tst_masking.moc"
