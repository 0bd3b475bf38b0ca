// The Sec-WebSocket-Extensions grammar (RFC 6455 §9.1): parameters, quoted values, repeated
// header fields, garbage with the offset it is reported at, and serialisation.

#include "core/extensions.h"

#include <QRandomGenerator>
#include <QTest>

using namespace wsi;

namespace
{

// A compact independent description of a parsed list: "name(param=value,flag)|name2" with
// quoted values marked as param="value".
QByteArray describe(const QList<Extension>& extensions)
{
    QList<QByteArray> parts;
    for (const Extension& extension : extensions) {
        QList<QByteArray> params;
        for (const ExtensionParam& param : extension.params) {
            QByteArray text = param.name;
            if (param.value)
                text += '=' + (param.quoted ? '"' + *param.value + '"' : *param.value);
            params.append(text);
        }
        parts.append(extension.name + (params.isEmpty() ? QByteArray() : '(' + params.join(',') + ')'));
    }
    return parts.join('|');
}

} // namespace

class TestExtensions : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data();
    void parse();
    void garbage_data();
    void garbage();
    void repeatedHeaderFields();
    void paramLookup();
    void serialize();
    void arbitraryBytesNeverCrash();
};

void TestExtensions::parse_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QByteArray>("expected");

    QTest::newRow("bare extension") << QByteArray("permessage-deflate") << QByteArray("permessage-deflate");
    QTest::newRow("browser offer") << QByteArray("permessage-deflate; client_max_window_bits")
                                   << QByteArray("permessage-deflate(client_max_window_bits)");
    QTest::newRow("value and flag") << QByteArray(
        "permessage-deflate; server_max_window_bits=10; server_no_context_takeover")
                                    << QByteArray(
                                           "permessage-deflate(server_max_window_bits=10,server_no_context_takeover)");
    QTest::newRow("quoted value is unquoted") << QByteArray("permessage-deflate; server_max_window_bits=\"10\"")
                                              << QByteArray("permessage-deflate(server_max_window_bits=\"10\")");
    QTest::newRow("escaped character in quoted value") << QByteArray("x; a=\"1\\0\"") << QByteArray("x(a=\"10\")");
    QTest::newRow("whitespace around separators")
        << QByteArray(" foo ;\tbar = 1 ; baz , qux ") << QByteArray("foo(bar=1,baz)|qux");
    QTest::newRow("no whitespace at all") << QByteArray("foo;bar=1,qux") << QByteArray("foo(bar=1)|qux");
    QTest::newRow("two offers of the same extension")
        << QByteArray("permessage-deflate; client_max_window_bits=10, permessage-deflate")
        << QByteArray("permessage-deflate(client_max_window_bits=10)|permessage-deflate");
    QTest::newRow("empty list elements are skipped") << QByteArray(", foo,, bar ,") << QByteArray("foo|bar");
}

void TestExtensions::parse()
{
    QFETCH(QByteArray, value);
    QFETCH(QByteArray, expected);

    const ExtensionList list = parseExtensions(value);
    QVERIFY2(list.ok(), qPrintable(list.error));
    QCOMPARE(describe(list.extensions), expected);
}

void TestExtensions::garbage_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qsizetype>("errorOffset");

    QTest::newRow("empty value") << QByteArray("") << qsizetype(0);
    QTest::newRow("only separators") << QByteArray(" , ") << qsizetype(0);
    QTest::newRow("starts with a parameter") << QByteArray("; foo") << qsizetype(0);
    QTest::newRow("semicolon without parameter") << QByteArray("foo;") << qsizetype(4);
    QTest::newRow("equals without value") << QByteArray("foo; a=") << qsizetype(7);
    QTest::newRow("unterminated quoted value") << QByteArray("foo; a=\"10") << qsizetype(7);
    QTest::newRow("quoted value that is not a token") << QByteArray("foo; a=\"1 0\"") << qsizetype(7);
    QTest::newRow("empty quoted value") << QByteArray("foo; a=\"\"") << qsizetype(7);
    QTest::newRow("space inside a name") << QByteArray("foo bar") << qsizetype(4);
    QTest::newRow("slash in a parameter value") << QByteArray("foo; a=b/c") << qsizetype(8);
    QTest::newRow("NUL byte") << QByteArray("foo\0", 4) << qsizetype(3);
    QTest::newRow("two values") << QByteArray("foo; a=1=2") << qsizetype(8);
}

void TestExtensions::garbage()
{
    QFETCH(QByteArray, value);
    QFETCH(qsizetype, errorOffset);

    const ExtensionList list = parseExtensions(value);
    QVERIFY(!list.ok());
    QCOMPARE(list.errorOffset, errorOffset);
    QVERIFY(!list.error.isEmpty());
}

void TestExtensions::repeatedHeaderFields()
{
    HeaderList headers;
    headers.append("Sec-WebSocket-Extensions", "foo; a=1");
    headers.append("Host", "example.com");
    headers.append("sec-websocket-extensions", "permessage-deflate");
    const ExtensionList list = parseExtensions(headers);
    QVERIFY(list.ok());
    QCOMPARE(describe(list.extensions), QByteArray("foo(a=1)|permessage-deflate"));

    QVERIFY(parseExtensions(HeaderList {}).ok());
    QVERIFY(parseExtensions(HeaderList {}).extensions.isEmpty());

    HeaderList broken;
    broken.append("Sec-WebSocket-Extensions", "foo");
    broken.append("Sec-WebSocket-Extensions", "bar;");
    // Offsets refer to the joined value "foo, bar;".
    QCOMPARE(parseExtensions(broken).errorOffset, qsizetype(9));
}

void TestExtensions::paramLookup()
{
    const ExtensionList list
        = parseExtensions("permessage-deflate; Server_Max_Window_Bits=\"9\"; client_max_window_bits");
    QVERIFY(list.ok());
    const Extension& deflate = list.extensions.front();
    QVERIFY(deflate.hasParam("server_max_window_bits"));
    QCOMPARE(deflate.paramValue("server_max_window_bits"), std::optional<QByteArray>("9"));
    QVERIFY(deflate.hasParam("client_max_window_bits"));
    QCOMPARE(deflate.paramValue("client_max_window_bits"), std::nullopt);
    QVERIFY(!deflate.hasParam("server_no_context_takeover"));
}

void TestExtensions::serialize()
{
    Extension deflate { "permessage-deflate",
        { { "server_no_context_takeover", std::nullopt, false }, { "server_max_window_bits", "10", true } } };
    Extension other { "x-webkit-deflate-frame", {} };
    QCOMPARE(serializeExtensions({ deflate, other }),
        QByteArray(
            "permessage-deflate; server_no_context_takeover; server_max_window_bits=\"10\", x-webkit-deflate-frame"));
    QCOMPARE(serializeExtensions({}), QByteArray());
    QCOMPARE(
        parseExtensions(serializeExtensions({ deflate, other })).extensions, (QList<Extension> { deflate, other }));
}

void TestExtensions::arbitraryBytesNeverCrash()
{
    QRandomGenerator random(99);
    const QByteArray valid = "permessage-deflate; server_max_window_bits=\"10\"; client_max_window_bits, foo";
    const char alphabetBytes[] = " ;,=\"\\\tab1\x00\xff";
    const QByteArray alphabet(alphabetBytes, sizeof alphabetBytes - 1);
    QList<QByteArray> inputs;
    for (qsizetype length = 0; length <= valid.size(); ++length)
        inputs.append(valid.first(length));
    for (int i = 0; i < 3000; ++i) {
        QByteArray bytes(random.bounded(0, 80), Qt::Uninitialized);
        for (char& c : bytes)
            c = random.bounded(4) == 0 ? char(random.bounded(256)) : alphabet[random.bounded(alphabet.size())];
        inputs.append(bytes);
    }
    for (const QByteArray& bytes : inputs) {
        const ExtensionList list = parseExtensions(bytes);
        QVERIFY(list.ok() || (list.errorOffset >= 0 && list.errorOffset <= bytes.size()));
        if (list.ok()) // whatever parses must survive a round trip through serialisation
            QCOMPARE(parseExtensions(serializeExtensions(list.extensions)).extensions, list.extensions);
    }
}

QTEST_GUILESS_MAIN(TestExtensions)
#include "tst_extensions.moc"
