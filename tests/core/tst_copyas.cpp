// "Copy as" snippets: the command lines and the JavaScript a user pastes elsewhere, and the
// caveats that say what each tool cannot send.
#include "core/copyas.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>

using namespace wsi;

namespace
{

const QByteArray kSixteen = QByteArray::fromHex("000102030405060708090a0b0c0d0e0f");

struct Built {
    HandshakeSpec spec;
    BuiltRequest request;
};

Built make(const QString& url, const std::function<void(HandshakeSpec&)>& edit = {})
{
    Built b { HandshakeSpec::withDefaults(url), {} };
    if (edit) {
        edit(b.spec);
        b.spec.syncRowsFromHelpers();
    }
    b.request = buildRequest(b.spec, kSixteen);
    return b;
}

bool anyContains(const QStringList& list, const QString& part)
{
    return std::any_of(list.begin(), list.end(), [&](const QString& s) { return s.contains(part); });
}

} // namespace

class tst_CopyAs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultHandshake();
    void helpersMapToToolFlags();
    void browserCaveatsNameEachHeader();
    void curlCarriesEveryHeader();
    void rawModeIsSaidPlainly();
    void invalidRequestGivesItsError();
    void shellQuoteSurvivesAShell_data();
    void shellQuoteSurvivesAShell();
};

void tst_CopyAs::defaultHandshake()
{
    const Built b = make(QStringLiteral("ws://127.0.0.1:9001/chat?room=1"));
    const CopySnippet websocat = copyAs(CopyFormat::Websocat, b.spec, b.request);
    QCOMPARE(websocat.text, QStringLiteral("websocat 'ws://127.0.0.1:9001/chat?room=1'"));
    QVERIFY2(websocat.caveats.isEmpty(), qPrintable(websocat.caveats.join(QLatin1Char('\n'))));

    const CopySnippet wscat = copyAs(CopyFormat::Wscat, b.spec, b.request);
    QCOMPARE(wscat.text, QStringLiteral("wscat -c 'ws://127.0.0.1:9001/chat?room=1'"));
    QVERIFY(anyContains(wscat.caveats, QStringLiteral("permessage-deflate")));

    const CopySnippet js = copyAs(CopyFormat::JavaScript, b.spec, b.request);
    QVERIFY(js.text.startsWith(QStringLiteral("const ws = new WebSocket(\"ws://127.0.0.1:9001/chat?room=1\");\n")));
    QVERIFY(anyContains(js.caveats, QStringLiteral("extension offer")));
    QCOMPARE(js.title, QStringLiteral("JavaScript (browser)"));

    const QList<CopySnippet> all = copyAsAll(b.spec, b.request);
    QCOMPARE(all.size(), 4);
    QCOMPARE(all.at(2).format, CopyFormat::Curl);
}

void tst_CopyAs::helpersMapToToolFlags()
{
    const Built b = make(QStringLiteral("wss://example.com/feed"), [](HandshakeSpec& s) {
        s.protocols = { "v2.chat", "v1.chat" };
        s.origin = "https://app.example.com";
        s.version = "8";
        s.keyMode = KeyMode::Fixed;
        s.fixedKey = "dGhlIHNhbXBsZSBub25jZQ==";
        s.deflate = true;
        s.rows.append(HeaderRow { "X-Trace", "it's 1" });
    });
    QVERIFY(b.request.ok());
    const CopySnippet websocat = copyAs(CopyFormat::Websocat, b.spec, b.request);
    QVERIFY2(websocat.text.contains(QStringLiteral("--protocol 'v2.chat, v1.chat'")), qPrintable(websocat.text));
    QVERIFY(websocat.text.contains(QStringLiteral("--origin https://app.example.com")));
    QVERIFY(websocat.text.contains(QStringLiteral("--websocket-version 8")));
    QVERIFY(websocat.text.contains(QStringLiteral("-H='X-Trace: it'\\''s 1'")));
    QVERIFY(websocat.text.endsWith(QStringLiteral("wss://example.com/feed")));
    QVERIFY(anyContains(websocat.caveats, QStringLiteral("dGhlIHNhbXBsZSBub25jZQ==")));
    QVERIFY(anyContains(websocat.caveats, QStringLiteral("extensions")));
    QVERIFY(anyContains(websocat.caveats, QStringLiteral("-k")));

    const CopySnippet wscat = copyAs(CopyFormat::Wscat, b.spec, b.request);
    QVERIFY(wscat.text.contains(QStringLiteral("-s v2.chat \\\n  -s v1.chat")));
    QVERIFY(wscat.text.contains(QStringLiteral("-o https://app.example.com")));
    QVERIFY(wscat.text.contains(QStringLiteral("-p 8")));
    QVERIFY(wscat.text.contains(QStringLiteral("-H 'X-Trace: it'\\''s 1'")));
    QVERIFY(!anyContains(wscat.caveats, QStringLiteral("only protocol versions")));
}

void tst_CopyAs::browserCaveatsNameEachHeader()
{
    const Built b = make(QStringLiteral("ws://localhost:8080/"), [](HandshakeSpec& s) {
        s.protocols = { "graphql-ws" };
        s.origin = "https://other.example";
        s.cookie = "session=abc";
        s.token = "t0ken";
        s.tokenPlacement = TokenPlacement::Bearer;
        s.version = "12";
        s.rows.append(HeaderRow { "X-Api-Key", "k" });
        s.rows.append(HeaderRow { "X-Trace", "1" });
        s.rows.append(HeaderRow { "X-Disabled", "off", false });
    });
    const CopySnippet js = copyAs(CopyFormat::JavaScript, b.spec, b.request);
    QVERIFY(js.text.contains(QStringLiteral("new WebSocket(\"ws://localhost:8080/\", [\"graphql-ws\"])")));
    QVERIFY(anyContains(js.caveats, QStringLiteral("cannot choose its Origin")));
    QVERIFY(anyContains(js.caveats, QStringLiteral("Cookie header cannot be set")));
    QVERIFY(anyContains(js.caveats, QStringLiteral("Authorization")));
    QVERIFY(anyContains(js.caveats, QStringLiteral("not sent: X-Api-Key, X-Trace.")));
    QVERIFY(anyContains(js.caveats, QStringLiteral("Sec-WebSocket-Version: 13, not 12")));
    QVERIFY(!anyContains(js.caveats, QStringLiteral("X-Disabled")));

    const Built twice = make(QStringLiteral("ws://localhost:8080/"), [](HandshakeSpec& s) {
        s.protocols = { "a", "a" };
    });
    QVERIFY(
        anyContains(copyAs(CopyFormat::JavaScript, twice.spec, twice.request).caveats, QStringLiteral("SyntaxError")));
}

void tst_CopyAs::curlCarriesEveryHeader()
{
    const Built b = make(QStringLiteral("wss://example.com:8443/x"), [](HandshakeSpec& s) {
        s.rows.append(HeaderRow { "X-Empty", "" });
    });
    const CopySnippet curl = copyAs(CopyFormat::Curl, b.spec, b.request);
    QVERIFY(curl.text.startsWith(QStringLiteral("curl -i -N --http1.1")));
    QVERIFY(curl.text.contains(QStringLiteral("-H 'Host: example.com:8443'")));
    QVERIFY(curl.text.contains(QStringLiteral("-H 'Upgrade: websocket'")));
    QVERIFY(curl.text.contains(QStringLiteral("-H 'Sec-WebSocket-Key: ") + QString::fromLatin1(b.request.key) + '\''));
    QVERIFY(curl.text.contains(QStringLiteral("-H User-Agent:")));
    QVERIFY(curl.text.contains(QStringLiteral("-H 'X-Empty;'")));
    QVERIFY(curl.text.endsWith(QStringLiteral("https://example.com:8443/x")));
    QVERIFY(anyContains(curl.caveats, QStringLiteral("raw frame bytes")));
    QVERIFY(anyContains(curl.caveats, QStringLiteral("--cacert")));
}

void tst_CopyAs::rawModeIsSaidPlainly()
{
    Built b = make(QStringLiteral("ws://127.0.0.1:9001/"));
    b.spec.rawMode = true;
    b.spec.rawRequest = "POST /raw HTTP/1.0\r\nhost: h\r\nUpgrade: websocket\r\n\r\n";
    b.request = buildRequest(b.spec, kSixteen);
    const CopySnippet curl = copyAs(CopyFormat::Curl, b.spec, b.request);
    QVERIFY(curl.text.contains(QStringLiteral("--http1.0")));
    QVERIFY(curl.text.contains(QStringLiteral("-X POST")));
    QVERIFY(curl.text.contains(QStringLiteral("-H 'host: h'")));
    QVERIFY(curl.text.endsWith(QStringLiteral("http://127.0.0.1:9001/raw")));
    QVERIFY(anyContains(curl.caveats, QStringLiteral("Raw mode")));
    const CopySnippet websocat = copyAs(CopyFormat::Websocat, b.spec, b.request);
    QVERIFY(anyContains(websocat.caveats, QStringLiteral("exact bytes")));
    QVERIFY(anyContains(websocat.caveats, QStringLiteral("not \"POST HTTP/1.0\"")));
    QVERIFY(anyContains(websocat.caveats, QStringLiteral("Connection")));
    QVERIFY(anyContains(websocat.caveats, QStringLiteral("Sec-WebSocket-Key")));
}

void tst_CopyAs::invalidRequestGivesItsError()
{
    const Built b = make(QStringLiteral("http://example.com/"));
    QVERIFY(!b.request.ok());
    const CopySnippet s = copyAs(CopyFormat::Wscat, b.spec, b.request);
    QVERIFY(s.text.isEmpty());
    QCOMPARE(s.caveats, QStringList { b.request.error });
}

void tst_CopyAs::shellQuoteSurvivesAShell_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("plain word") << QByteArray("ws://127.0.0.1:9001/chat");
    QTest::newRow("spaces") << QByteArray("X-Trace: a b");
    QTest::newRow("single quote") << QByteArray("it's");
    QTest::newRow("shell metacharacters") << QByteArray("$(rm -rf /) `x` \"y\" \\ ; & | * ?");
    QTest::newRow("tab and bell") << QByteArray("a\tb\x07");
    QTest::newRow("UTF-8") << QByteArray("gr\xc3\xbc\xc3\x9f");
    QTest::newRow("empty") << QByteArray();
}

void tst_CopyAs::shellQuoteSurvivesAShell()
{
    QFETCH(QByteArray, value);
    const QString bash = QStandardPaths::findExecutable(QStringLiteral("bash"));
    if (bash.isEmpty())
        QSKIP("bash not found");
    QProcess shell;
    shell.start(bash, { QStringLiteral("-c"), QStringLiteral("printf '%s' ") + shellQuote(value) });
    QVERIFY(shell.waitForFinished(10000));
    QCOMPARE(shell.readAllStandardOutput(), value);
}

QTEST_MAIN(tst_CopyAs)
#include "tst_copyas.moc"
