#include "core/utf8.h"

#include <QTest>

using namespace wsi;

namespace
{

QByteArray hex(const char* text)
{
    return QByteArray::fromHex(text);
}

} // namespace

class TestUtf8 : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void valid_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("ASCII") << QByteArray("Hello, world");
        QTest::newRow("long ASCII then two-byte") << (QByteArray(40, 'a') + hex("c3a9"));
        QTest::newRow("Greek kosme") << hex("cebae1bdb9cf83cebcceb5");
        QTest::newRow("mixed Latin, German, French")
            << QByteArray("Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!");
        QTest::newRow("Japanese") << hex("e697a5e69cace8aa9e");
        QTest::newRow("emoji (4 bytes)") << hex("f09f9880");
        QTest::newRow("U+0080 smallest two-byte") << hex("c280");
        QTest::newRow("U+0800 smallest three-byte") << hex("e0a080");
        QTest::newRow("U+D7FF last before surrogates") << hex("ed9fbf");
        QTest::newRow("U+E000 first after surrogates") << hex("ee8080");
        QTest::newRow("U+FFFD replacement character") << hex("efbfbd");
        QTest::newRow("U+10000 smallest four-byte") << hex("f0908080");
        QTest::newRow("U+10FFFF largest code point") << hex("f48fbfbf");
        QTest::newRow("NUL bytes") << hex("00410000");
    }
    void valid()
    {
        QFETCH(QByteArray, bytes);
        QVERIFY(isValidUtf8(bytes));
        Utf8Validator validator;
        QVERIFY(validator.feed(bytes));
        QVERIFY(validator.isComplete());
        QCOMPARE(validator.errorOffset(), qsizetype(-1));
    }

    void validSplitAtEveryByte_data() { valid_data(); }
    void validSplitAtEveryByte()
    {
        QFETCH(QByteArray, bytes);
        for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
            Utf8Validator validator;
            QVERIFY(validator.feed(bytes.left(cut)));
            QVERIFY(validator.feed(bytes.mid(cut)));
            QVERIFY2(validator.isComplete(), qPrintable(QStringLiteral("cut at %1").arg(cut)));
        }
    }

    void invalid_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("errorOffset");
        QTest::newRow("stray continuation byte") << hex("80") << 0;
        QTest::newRow("overlong two-byte slash (C0 AF)") << hex("c0af") << 0;
        QTest::newRow("overlong two-byte (C1 BF)") << hex("c1bf") << 0;
        QTest::newRow("overlong three-byte slash") << hex("e080af") << 1;
        QTest::newRow("overlong three-byte U+07FF") << hex("e09fbf") << 1;
        QTest::newRow("overlong four-byte slash") << hex("f08080af") << 1;
        QTest::newRow("overlong four-byte U+FFFF") << hex("f08fbfbf") << 1;
        QTest::newRow("high surrogate U+D800") << hex("eda080") << 1;
        QTest::newRow("low surrogate U+DFFF") << hex("edbfbf") << 1;
        QTest::newRow("U+110000 above the last code point") << hex("f4908080") << 1;
        QTest::newRow("F5 lead byte") << hex("f5808080") << 0;
        QTest::newRow("FE byte") << hex("fe") << 0;
        QTest::newRow("FF byte") << hex("ff") << 0;
        QTest::newRow("lead byte followed by ASCII") << hex("c341") << 1;
        QTest::newRow("three-byte sequence cut by ASCII") << hex("e28241") << 2;
        QTest::newRow("invalid byte after 20 ASCII bytes") << (QByteArray(20, 'a') + hex("ff")) << 20;
        QTest::newRow("kosme then surrogate then text (fails at the surrogate)")
            << hex("cebae1bdb9cf83cebcceb5eda080656469746564") << 12;
    }
    void invalid()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, errorOffset);
        QVERIFY(!isValidUtf8(bytes));
        Utf8Validator validator;
        QVERIFY(!validator.feed(bytes));
        QVERIFY(!validator.isComplete());
        QCOMPARE(validator.errorOffset(), qsizetype(errorOffset));
        // Failure is sticky, even for bytes that would be valid on their own.
        QVERIFY(!validator.feed("abc"));
        validator.reset();
        QVERIFY(validator.feed("abc"));
    }

    // Fail fast: fed one byte at a time, the validator rejects exactly the first impossible byte.
    void failsAtFirstImpossibleByte_data() { invalid_data(); }
    void failsAtFirstImpossibleByte()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, errorOffset);
        Utf8Validator validator;
        for (int i = 0; i < bytes.size(); ++i) {
            const bool accepted = validator.feed(bytes.mid(i, 1));
            QCOMPARE(accepted, i < errorOffset);
            if (!accepted)
                break;
        }
        QCOMPARE(validator.errorOffset(), qsizetype(errorOffset));
    }

    void invalidSplitAtEveryByte_data() { invalid_data(); }
    void invalidSplitAtEveryByte()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, errorOffset);
        for (qsizetype cut = 0; cut <= bytes.size(); ++cut) {
            Utf8Validator validator;
            const bool first = validator.feed(bytes.left(cut));
            QCOMPARE(first, cut <= errorOffset);
            if (first)
                QVERIFY(!validator.feed(bytes.mid(cut)));
            QCOMPARE(validator.errorOffset(), qsizetype(errorOffset));
        }
    }

    void truncated_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("two-byte lead only") << hex("c3");
        QTest::newRow("three-byte sequence missing one") << hex("e282");
        QTest::newRow("four-byte sequence missing one") << hex("f09f98");
        QTest::newRow("text then a lead byte") << (QByteArray("abc") + hex("f0"));
    }
    void truncated()
    {
        QFETCH(QByteArray, bytes);
        Utf8Validator validator;
        QVERIFY(validator.feed(bytes)); // could still become valid
        QVERIFY(!validator.isComplete());
        QVERIFY(!isValidUtf8(bytes));
    }
};

QTEST_GUILESS_MAIN(TestUtf8)
#include "tst_utf8.moc"
