// "Copy as" snippets: the command lines and the JavaScript a user pastes elsewhere, and the
// caveats that say what each tool cannot send.
#include "core/browserview.h"
#include "core/copyas.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
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
    void pythonScriptCarriesTheHandshake();
    void pythonScriptCompiles_data();
    void pythonScriptCompiles();
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
    QCOMPARE(all.size(), 5);
    QCOMPARE(all.at(4).format, CopyFormat::Python);
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
    QVERIFY(anyContains(js.caveats, QStringLiteral("Cookie: session=abc — A page cannot set Cookie")));
    QVERIFY(anyContains(js.caveats, QStringLiteral("Authorization: Bearer t0ken — A page cannot set Authorization")));
    QVERIFY(anyContains(js.caveats, QStringLiteral("X-Api-Key: k — A page cannot add header fields")));
    QVERIFY(anyContains(js.caveats, QStringLiteral("X-Trace: 1 — A page cannot add header fields")));
    QVERIFY(anyContains(
        js.caveats, QStringLiteral("Sec-WebSocket-Version: 12 — A browser always sends Sec-WebSocket-Version: 13.")));
    // Each caveat is the browser view's judgement of one header, word for word.
    const QList<UnsendableHeader> unsendable = browserUnsendableHeaders(b.request.request, b.request.url, false);
    QCOMPARE(js.caveats.size(), unsendable.size());
    for (const UnsendableHeader& u : unsendable)
        QVERIFY2(anyContains(js.caveats, u.reason), qPrintable(u.reason));
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

void tst_CopyAs::pythonScriptCarriesTheHandshake()
{
    const Built b = make(QStringLiteral("wss://example.com/feed?room=1"), [](HandshakeSpec& s) {
        s.protocols = { "v2.chat", "v1.chat" };
        s.origin = "https://app.example.com";
        s.cookie = "session=abc";
        s.version = "8";
        s.keyMode = KeyMode::Fixed;
        s.fixedKey = "dGhlIHNhbXBsZSBub25jZQ==";
        s.rows.append(HeaderRow { "X-Trace", "it's \"1\"" });
        s.rows.append(HeaderRow { "User-Agent", "probe/1" });
    });
    const CopySnippet py = copyAs(CopyFormat::Python, b.spec, b.request);
    QCOMPARE(py.title, QStringLiteral("Python (websockets)"));
    QVERIFY2(py.text.contains(QStringLiteral("websockets.connect(\n        \"wss://example.com/feed?room=1\",")),
        qPrintable(py.text));
    QVERIFY(py.text.contains(QStringLiteral("subprotocols=[\"v2.chat\", \"v1.chat\"]")));
    QVERIFY(py.text.contains(QStringLiteral("origin=\"https://app.example.com\"")));
    QVERIFY2(py.text.contains(
                 QStringLiteral("extra_headers=[(\"Cookie\", \"session=abc\"), (\"X-Trace\", \"it's \\\"1\\\"\")]")),
        qPrintable(py.text));
    QVERIFY(py.text.contains(QStringLiteral("user_agent_header=\"probe/1\"")));
    QVERIFY(py.text.contains(QStringLiteral("compression=None"))); // this request offers no extension
    QVERIFY(py.text.contains(QStringLiteral("asyncio.run(main())")));
    // What it cannot reproduce for this request.
    QVERIFY(anyContains(py.caveats, QStringLiteral("dGhlIHNhbXBsZSBub25jZQ==")));
    QVERIFY(anyContains(py.caveats, QStringLiteral("Sec-WebSocket-Version: 13, not 8")));
    QVERIFY(anyContains(py.caveats, QStringLiteral("ssl.SSLContext")));

    // The default handshake: nothing it cannot send, and no User-Agent of its own either.
    const Built plain = make(QStringLiteral("ws://127.0.0.1:9001/"));
    const CopySnippet simple = copyAs(CopyFormat::Python, plain.spec, plain.request);
    QVERIFY(simple.text.contains(QStringLiteral("user_agent_header=None")));
    QVERIFY2(simple.caveats.isEmpty(), qPrintable(simple.caveats.join(QLatin1Char('\n'))));

    // A deflate offer other than the library's own is said plainly; the library's own offer is not a caveat.
    const Built deflate = make(QStringLiteral("ws://127.0.0.1:9001/"), [](HandshakeSpec& s) { s.deflate = true; });
    const CopySnippet offered = copyAs(CopyFormat::Python, deflate.spec, deflate.request);
    QVERIFY(!offered.text.contains(QStringLiteral("compression=None")));
    QVERIFY2(offered.caveats.isEmpty(), qPrintable(offered.caveats.join(QLatin1Char('\n'))));
}

void tst_CopyAs::pythonScriptCompiles_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("everything");
    QTest::newRow("default") << QStringLiteral("ws://127.0.0.1:9001/") << false;
    QTest::newRow("every helper, quotes and non-ASCII")
        << QStringLiteral("wss://example.com:8443/p?q=caf%C3%A9&x='1'") << true;
}

void tst_CopyAs::pythonScriptCompiles()
{
    QFETCH(QString, url);
    QFETCH(bool, everything);
    // Debian's python3-websockets is installed for the system interpreter; py_compile needs only Python itself.
    const QString python = QStringLiteral("/usr/bin/python3");
    if (!QFileInfo::exists(python))
        QSKIP("/usr/bin/python3 not found");
    const Built b = make(url, [&](HandshakeSpec& s) {
        if (!everything)
            return;
        s.protocols = { "chat" };
        s.origin = "https://app.example";
        s.token = "t'o\"k\\en";
        s.tokenPlacement = TokenPlacement::Bearer;
        s.deflate = true;
        s.rows.append(HeaderRow { "X-Name", "gr\xc3\xbc\xc3\x9f \\ '\"" });
    });
    QVERIFY2(b.request.ok(), qPrintable(b.request.error));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile script(dir.filePath(QStringLiteral("snippet.py")));
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(copyAs(CopyFormat::Python, b.spec, b.request).text.toUtf8());
    script.close();
    QProcess process;
    process.start(python, { QStringLiteral("-m"), QStringLiteral("py_compile"), script.fileName() });
    QVERIFY(process.waitForFinished(30000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
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
