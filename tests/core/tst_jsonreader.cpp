// The one strict JSON reader: each getter with the key absent, right, of the wrong type and out of range,
// and the refusal of keys nobody asked for.
#include "core/jsonreader.h"

#include <QJsonDocument>
#include <QTest>

using namespace wsi;

namespace
{
QJsonObject parse(const char* json)
{
    return QJsonDocument::fromJson(QByteArray(json)).object();
}
} // namespace

class tst_JsonReader : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boolean()
    {
        JsonReader r(parse(R"({"on":true,"bad":5})"));
        QCOMPARE(r.boolean(u"absent", true), true);
        QCOMPARE(r.boolean(u"on"), true);
        QVERIFY(r.ok());
        QCOMPARE(r.boolean(u"bad", true), true); // the fallback
        QCOMPARE(r.error(), QStringLiteral("\"bad\" must be true or false, not 5"));
    }

    void integer_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<qint64>("value");
        QTest::addColumn<QString>("error");
        QTest::newRow("absent") << QByteArray("{}") << qint64(12) << QString();
        QTest::newRow("in range") << QByteArray(R"({"n":9})") << qint64(9) << QString();
        QTest::newRow("low end") << QByteArray(R"({"n":8})") << qint64(8) << QString();
        QTest::newRow("high end") << QByteArray(R"({"n":15})") << qint64(15) << QString();
        QTest::newRow("above") << QByteArray(R"({"n":16})") << qint64(12)
                               << QStringLiteral("\"n\" must be a whole number from 8 to 15, not 16");
        QTest::newRow("below") << QByteArray(R"({"n":7})") << qint64(12)
                               << QStringLiteral("\"n\" must be a whole number from 8 to 15, not 7");
        QTest::newRow("fraction") << QByteArray(R"({"n":9.5})") << qint64(12)
                                  << QStringLiteral("\"n\" must be a whole number from 8 to 15, not 9.5");
        QTest::newRow("string") << QByteArray(R"({"n":"9"})") << qint64(12)
                                << QStringLiteral("\"n\" must be a whole number from 8 to 15, not \"9\"");
        QTest::newRow("huge") << QByteArray(R"({"n":1e300})") << qint64(12)
                              << QStringLiteral("\"n\" must be a whole number from 8 to 15, not 1e+300");
    }
    void integer()
    {
        QFETCH(QByteArray, json);
        QFETCH(qint64, value);
        QFETCH(QString, error);
        JsonReader r(QJsonDocument::fromJson(json).object());
        QCOMPARE(r.integer(u"n", 8, 15, 12), value);
        QCOMPARE(r.error(), error);
        QCOMPARE(r.ok(), error.isEmpty());
    }

    void optionalAndUnsignedIntegers()
    {
        JsonReader r(parse(R"({"none":null,"code":1000,"big":"18446744073709551615","small":3,"neg":-1})"));
        QVERIFY(!r.optionalInteger(u"none", 0, 65535));
        QVERIFY(!r.optionalInteger(u"absent", 0, 65535));
        QCOMPARE(r.optionalInteger(u"code", 0, 65535), std::optional<qint64>(1000));
        QCOMPARE(r.unsignedInteger(u"big"), std::numeric_limits<quint64>::max());
        QCOMPARE(r.unsignedInteger(u"small"), quint64(3));
        QVERIFY(r.ok());
        r.unsignedInteger(u"neg");
        QCOMPARE(r.error(), QStringLiteral("\"neg\" must be a whole number from 0 to 18446744073709551615, not -1"));
    }

    void string()
    {
        JsonReader r(parse(R"({"s":"x","n":5,"list":["a"]})"));
        QCOMPARE(r.string(u"absent", QStringLiteral("f")), QStringLiteral("f"));
        QCOMPARE(r.string(u"s"), QStringLiteral("x"));
        QVERIFY(r.ok());
        QCOMPARE(r.string(u"n"), QString());
        QCOMPARE(r.error(), QStringLiteral("\"n\" must be a string, not 5"));
        r.string(u"list"); // the first problem wins
        QCOMPARE(r.error(), QStringLiteral("\"n\" must be a string, not 5"));
    }

    void strings_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QStringList>("value");
        QTest::addColumn<QString>("error");
        QTest::newRow("absent") << QByteArray("{}") << QStringList() << QString();
        QTest::newRow("list") << QByteArray(R"({"l":["a","b"]})") << QStringList { "a", "b" } << QString();
        QTest::newRow("a string") << QByteArray(R"({"l":"a"})") << QStringList()
                                  << QStringLiteral("\"l\" must be a list of strings, not \"a\"");
        QTest::newRow("holds a number") << QByteArray(R"({"l":["a",{}]})") << QStringList()
                                        << QStringLiteral("\"l\" must be a list of strings, and holds an object");
    }
    void strings()
    {
        QFETCH(QByteArray, json);
        QFETCH(QStringList, value);
        QFETCH(QString, error);
        JsonReader r(QJsonDocument::fromJson(json).object());
        QCOMPARE(r.strings(u"l"), value);
        QCOMPARE(r.error(), error);
    }

    void choice()
    {
        JsonReader r(parse(R"({"c":"bearer","bad":"header","three":"x"})"));
        const QStringList two { QStringLiteral("query"), QStringLiteral("bearer") };
        QCOMPARE(r.choice(u"absent", two, QStringLiteral("query")), QStringLiteral("query"));
        QCOMPARE(r.choice(u"c", two, {}), QStringLiteral("bearer"));
        QVERIFY(r.ok());
        QCOMPARE(r.choice(u"bad", two, QStringLiteral("query")), QStringLiteral("query"));
        QCOMPARE(r.error(), QStringLiteral("\"bad\" must be query or bearer, not \"header\""));
        JsonReader t(parse(R"({"three":"x"})"));
        t.choice(u"three", { QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c") }, {});
        QCOMPARE(t.error(), QStringLiteral("\"three\" must be one of a, b, c, not \"x\""));
    }

    void nestedObjectNamesTheDottedKey()
    {
        JsonReader r(parse(R"({"deflate":{"enabled":true,"bits":16}})"));
        JsonReader d = r.object(u"deflate");
        QCOMPARE(d.boolean(u"enabled"), true);
        QVERIFY(r.ok());
        d.integer(u"bits", 8, 15, 15);
        QCOMPARE(r.error(), QStringLiteral("\"deflate.bits\" must be a whole number from 8 to 15, not 16"));

        JsonReader absent(parse("{}"));
        QCOMPARE(absent.object(u"deflate").boolean(u"enabled", true), true);
        QVERIFY(absent.ok());

        JsonReader wrong(parse(R"({"deflate":[1]})"));
        wrong.object(u"deflate");
        QCOMPARE(wrong.error(), QStringLiteral("\"deflate\" must be an object, not a list"));
    }

    void listElements()
    {
        JsonReader r(parse(R"({"rows":[{"name":"A"},{"name":7}],"notList":1})"));
        const QJsonArray rows = r.array(u"rows");
        QCOMPARE(r.element(u"rows", rows, 0).string(u"name"), QStringLiteral("A"));
        r.element(u"rows", rows, 1).string(u"name");
        QCOMPARE(r.error(), QStringLiteral("\"rows[1].name\" must be a string, not 7"));
        JsonReader l(parse(R"({"notList":1})"));
        QVERIFY(l.array(u"notList").isEmpty());
        QCOMPARE(l.error(), QStringLiteral("\"notList\" must be a list, not 1"));
    }

    void unknownKeysAreRefused()
    {
        JsonReader r(parse(R"({"url":"x","meta":1,"extra":true})"));
        r.string(u"url");
        r.allow(u"meta");
        r.refuseUnknownKeys(u"a handshake profile setting");
        QCOMPARE(r.error(), QStringLiteral("\"extra\" is not a handshake profile setting"));

        JsonReader n(parse(R"({"deflate":{"enabled":true,"x":1}})"));
        JsonReader d = n.object(u"deflate");
        d.boolean(u"enabled");
        n.refuseUnknownKeys(u"a setting"); // the outer object is fine
        QVERIFY(n.ok());
        d.refuseUnknownKeys(u"a setting");
        QCOMPARE(n.error(), QStringLiteral("\"deflate.x\" is not a setting"));
    }

    void sentencesQuoteControlCharacters()
    {
        QCOMPARE(jsonShown(QJsonValue(QStringLiteral("a\r\nb"))), QStringLiteral("\"a\\r\\nb\""));
        QCOMPARE(jsonShown(QJsonValue()), QStringLiteral("null"));
        QCOMPARE(wholeNumberProblem(QJsonValue(70), 0, 64, u" of bytes"),
            QStringLiteral("must be a whole number of bytes from 0 to 64, not 70"));
    }
};

QTEST_GUILESS_MAIN(tst_JsonReader)
#include "tst_jsonreader.moc"
