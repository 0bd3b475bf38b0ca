// What a web page's `new WebSocket(url, protocols)` reports for a handshake and its close, and what a page cannot
// send at all. Responses come from the server's own decision pipeline, so each row is an answer the local server
// really gives.
#include "core/browserview.h"
#include "core/decisionpipeline.h"
#include "core/handshakespec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace wsi;

namespace
{

const QByteArray kSixteen = QByteArray::fromHex("00112233445566778899aabbccddeeff");

// A request as a browser would send it (origin, default extension offer) plus the row's edits.
BuiltRequest build(const std::function<void(HandshakeSpec&)>& edit)
{
    HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:9001/chat"));
    spec.origin = "http://127.0.0.1:8000";
    spec.deflate = true;
    if (edit)
        edit(spec);
    spec.syncRowsFromHelpers();
    return buildRequest(spec, kSixteen);
}

// The close record of a connection the server ended after the 101 with `code` and `reason`.
CloseRecord closedByServer(quint16 code, const QByteArray& reason)
{
    CloseRecord c;
    c.initiator = CloseRecord::Initiator::Remote;
    c.receivedCode = code;
    c.receivedReason = reason;
    c.receivedTimeUs = 100;
    c.sentCode = code;
    c.sentTimeUs = 110;
    c.closedTimeUs = 120;
    c.clean = true;
    return c;
}

QStringList eventLines(const BrowserView& view)
{
    QStringList lines;
    for (const BrowserEvent& e : view.events) {
        QString line = browserEventTypeName(e.type);
        if (e.type == BrowserEvent::Type::Close)
            line += QStringLiteral(" %1 \"%2\" %3")
                        .arg(e.code)
                        .arg(e.reason, e.wasClean ? QStringLiteral("clean") : QStringLiteral("unclean"));
        lines.append(line);
    }
    return lines;
}

QStringList unsendableNames(const BrowserView& view)
{
    QStringList names;
    for (const UnsendableHeader& u : view.unsendable)
        names.append(QString::fromLatin1(u.name));
    return names;
}

using Edit = std::function<void(HandshakeSpec&)>;
using ResponseEdit = std::function<void(HttpResponse&)>;

} // namespace

Q_DECLARE_METATYPE(Edit)
Q_DECLARE_METATYPE(ResponseEdit)
Q_DECLARE_METATYPE(std::optional<CloseRecord>)

class tst_BrowserView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void whatThePageSees_data();
    void whatThePageSees();
    void aBrowserLikeRequestHasNothingUnsendable();
    void unsendableHeadersEachSayWhy();
    void constructorErrorsComeFirst();
    void noResponseAndBlockedPortsFail();
    void tcpEndWithoutCloseIs1006();
    void jsonAndTextCarryTheSameResult();
};

void tst_BrowserView::whatThePageSees_data()
{
    QTest::addColumn<Edit>("edit");
    QTest::addColumn<ServerPolicy>("policy");
    QTest::addColumn<ResponseEdit>("responseEdit");
    QTest::addColumn<std::optional<CloseRecord>>("close");
    QTest::addColumn<QStringList>("events");
    QTest::addColumn<QString>("protocol");
    QTest::addColumn<QString>("explains"); // a piece of the explanation

    ServerPolicy chat;
    chat.protocols = { "chat" };
    const Edit offersChat = [](HandshakeSpec& s) { s.protocols = { "chat" }; };
    const ResponseEdit asDecided;
    const QStringList failed { QStringLiteral("error"), QStringLiteral("close 1006 \"\" unclean") };
    const CloseRecord normal = closedByServer(1000, "bye");

    QTest::newRow("101 with a subprotocol")
        << offersChat << chat << asDecided << std::optional(normal)
        << QStringList { QStringLiteral("open"), QStringLiteral("close 1000 \"bye\" clean") } << QStringLiteral("chat")
        << QStringLiteral("open fires");

    ServerPolicy allowlist;
    allowlist.allowedOrigins = { "https://app.example" };
    QTest::newRow("403 for the origin") << Edit() << allowlist << asDecided << std::optional<CloseRecord>() << failed
                                        << QString() << QStringLiteral("never sees that status");

    ServerPolicy token;
    token.token = "s3cr3t";
    QTest::newRow("401 without a token") << Edit() << token << asDecided << std::optional<CloseRecord>() << failed
                                         << QString() << QStringLiteral("answered 401");

    QTest::newRow("426 for version 12") << Edit([](HandshakeSpec& s) { s.version = "12"; }) << ServerPolicy {}
                                        << asDecided << std::optional<CloseRecord>() << failed << QString()
                                        << QStringLiteral("answered 426");

    ServerPolicy closeOrigin = allowlist;
    closeOrigin.originFailure = FailureMode::Close;
    QTest::newRow("accepted, then closed with 1008 and a reason")
        << Edit() << closeOrigin << asDecided << std::optional(closedByServer(1008, "Origin not allowed"))
        << QStringList { QStringLiteral("open"), QStringLiteral("close 1008 \"Origin not allowed\" clean") }
        << QString() << QStringLiteral("The server started the closing handshake");

    ServerPolicy closeAuth = token;
    closeAuth.authFailure = FailureMode::Close;
    QTest::newRow("accepted, then closed with 4001")
        << Edit() << closeAuth << asDecided << std::optional(closedByServer(4001, "Unauthorized"))
        << QStringList { QStringLiteral("open"), QStringLiteral("close 4001 \"Unauthorized\" clean") } << QString()
        << QStringLiteral("code 4001");

    QTest::newRow("subprotocols offered, none returned") << Edit([](HandshakeSpec& s) {
        s.protocols = { "chat", "superchat" };
    }) << ServerPolicy {} << asDecided << std::optional(normal)
                                                         << failed << QString()
                                                         << QStringLiteral("RFC 6455 §4.1 allows that");

    QTest::newRow("101 with a bad Accept")
        << offersChat << chat
        << ResponseEdit([](HttpResponse& r) { r.headers.set("Sec-WebSocket-Accept", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="); })
        << std::optional(normal) << failed << QString() << QStringLiteral("Sec-WebSocket-Accept is wrong");

    QTest::newRow("101 without Upgrade") << Edit() << ServerPolicy {}
                                         << ResponseEdit([](HttpResponse& r) { r.headers.removeAll("Upgrade"); })
                                         << std::optional(normal) << failed << QString()
                                         << QStringLiteral("Upgrade header is missing");

    QTest::newRow("an extension the browser did not offer") << Edit([](HandshakeSpec& s) {
        s.deflate = false;
        s.rows.append(HeaderRow { "Sec-WebSocket-Extensions", "x-webkit-deflate-frame" });
    }) << ServerPolicy {} << ResponseEdit([](HttpResponse& r) {
        r.headers.append("Sec-WebSocket-Extensions", "x-webkit-deflate-frame");
    }) << std::optional(normal) << failed << QString() << QStringLiteral("did not offer");

    QTest::newRow("still open") << offersChat << chat << asDecided << std::optional<CloseRecord>()
                                << QStringList { QStringLiteral("open") } << QStringLiteral("chat")
                                << QStringLiteral("still open");
}

void tst_BrowserView::whatThePageSees()
{
    QFETCH(Edit, edit);
    QFETCH(ServerPolicy, policy);
    QFETCH(ResponseEdit, responseEdit);
    QFETCH(std::optional<CloseRecord>, close);
    QFETCH(QStringList, events);
    QFETCH(QString, protocol);
    QFETCH(QString, explains);

    const BuiltRequest built = build(edit);
    QVERIFY2(built.ok(), qPrintable(built.error));
    Decision decision = decide(built.request, policy);
    if (responseEdit)
        responseEdit(decision.response);
    BrowserViewInput input { built.request, built.url, false, decision.response, {}, close };
    input.findings = checkResponse(built.request, decision.response, built.url);

    const BrowserView view = browserView(input);
    const QString text = browserViewText(view, input);
    QCOMPARE(eventLines(view), events);
    QCOMPARE(view.opens, events.value(0) == QLatin1String("open"));
    QCOMPARE(view.protocol, protocol);
    QVERIFY(view.syntaxError.isEmpty());
    bool explained = false;
    for (const BrowserNote& n : view.explanation) {
        explained |= n.text.contains(explains);
        QVERIFY2(!n.reference.isEmpty(), qPrintable(n.text));
    }
    QVERIFY2(explained, qPrintable(text));
    if (!view.opens) {
        // The page never learns the status: no event carries it.
        for (const BrowserEvent& e : view.events)
            QVERIFY(e.reason.isEmpty());
        QVERIFY(view.extensions.isEmpty());
    }
}

void tst_BrowserView::aBrowserLikeRequestHasNothingUnsendable()
{
    // Only the Origin is listed: a page cannot choose it, so it says which page such a request comes from.
    const BuiltRequest built = build([](HandshakeSpec& s) { s.protocols = { "chat" }; });
    const QList<UnsendableHeader> unsendable = browserUnsendableHeaders(built.request, built.url, false);
    QCOMPARE(unsendable.size(), 1);
    QCOMPARE(unsendable.front().name, QByteArray("Origin"));
    QVERIFY(unsendable.front().reason.contains(QStringLiteral("served from http://127.0.0.1:8000")));
}

void tst_BrowserView::unsendableHeadersEachSayWhy()
{
    const BuiltRequest built = build([](HandshakeSpec& s) {
        s.token = "s3cr3t";
        s.tokenPlacement = TokenPlacement::Bearer;
        s.cookie = "session=1";
        s.version = "8";
        s.keyMode = KeyMode::Fixed;
        s.fixedKey = "dGhlIHNhbXBsZSBub25jZQ==";
        s.deflate = false;
        s.rows.append(HeaderRow { "X-Api-Key", "k" });
    });
    QVERIFY2(built.ok(), qPrintable(built.error));
    BrowserViewInput input { built.request, built.url, true, std::nullopt, {}, std::nullopt };
    const BrowserView view = browserView(input);
    const QStringList names = unsendableNames(view);
    for (const char* name : { "Authorization", "Cookie", "Sec-WebSocket-Version", "Sec-WebSocket-Key",
             "Sec-WebSocket-Extensions", "X-Api-Key", "Origin" })
        QVERIFY2(names.contains(QLatin1String(name)), qPrintable(names.join(QStringLiteral(", ")) + " lacks " + name));
    QVERIFY(!names.contains(QStringLiteral("Host")));
    for (const UnsendableHeader& u : view.unsendable) {
        QVERIFY2(!u.reason.isEmpty(), u.name.constData());
        if (u.name == "Authorization") {
            QCOMPARE(u.value, QByteArray("Bearer s3cr3t"));
            QVERIFY(u.reason.contains(QStringLiteral("only the URL and the subprotocols")));
        }
        if (u.name == "Sec-WebSocket-Key")
            QVERIFY(u.reason.contains(QStringLiteral("random")));
        if (u.name == "Origin")
            QVERIFY(u.reason.contains(QStringLiteral("http://127.0.0.1:8000")));
    }
    // The same key typed by hand is unsendable only because it was chosen: a random one is what browsers send.
    input.keyChosen = false;
    QVERIFY(!unsendableNames(browserView(input)).contains(QStringLiteral("Sec-WebSocket-Key")));
}

void tst_BrowserView::constructorErrorsComeFirst()
{
    const BuiltRequest built = build([](HandshakeSpec& s) { s.protocols = { "chat", "chat" }; });
    BrowserViewInput input { built.request, built.url, false, std::nullopt, {}, std::nullopt };
    BrowserView view = browserView(input);
    QVERIFY(view.syntaxError.contains(QStringLiteral("twice")));
    QVERIFY(view.events.isEmpty());

    input = BrowserViewInput { build({}).request, QUrl(QStringLiteral("ftp://example.com/")), false, std::nullopt, {},
        std::nullopt };
    view = browserView(input);
    QVERIFY2(view.syntaxError.contains(QStringLiteral("ws: or wss:")), qPrintable(view.syntaxError));
    QVERIFY(view.events.isEmpty());

    input.url = QUrl(QStringLiteral("ws://example.com/#top"));
    QVERIFY(browserView(input).syntaxError.contains(QStringLiteral("fragment")));
}

void tst_BrowserView::noResponseAndBlockedPortsFail()
{
    const BuiltRequest built = build({});
    BrowserViewInput input { built.request, built.url, false, std::nullopt, {}, std::nullopt };
    QCOMPARE(eventLines(browserView(input)),
        (QStringList { QStringLiteral("error"), QStringLiteral("close 1006 \"\" unclean") }));

    QVERIFY(isBadPort(6667));
    QVERIFY(!isBadPort(9001));
    input.url = QUrl(QStringLiteral("ws://127.0.0.1:6667/"));
    input.response = decide(built.request, ServerPolicy {}).response; // even an answer would not be reached
    const BrowserView view = browserView(input);
    QVERIFY(!view.opens);
    QVERIFY(std::any_of(view.explanation.begin(), view.explanation.end(),
        [](const BrowserNote& n) { return n.reference == QLatin1String("Fetch Standard, bad port"); }));
    QCOMPARE(eventLines(view), (QStringList { QStringLiteral("error"), QStringLiteral("close 1006 \"\" unclean") }));
}

void tst_BrowserView::tcpEndWithoutCloseIs1006()
{
    const BuiltRequest built = build({});
    CloseRecord dropped;
    dropped.closedTimeUs = 50; // the TCP connection ended; no close frame either way
    BrowserViewInput input { built.request, built.url, false, decide(built.request, ServerPolicy {}).response, {},
        dropped };
    const BrowserView view = browserView(input);
    QCOMPARE(eventLines(view), (QStringList { QStringLiteral("open"), QStringLiteral("close 1006 \"\" unclean") }));

    // A close frame without a code is reported as 1005.
    CloseRecord noCode = closedByServer(1000, {});
    noCode.receivedCode.reset();
    input.close = noCode;
    QCOMPARE(eventLines(browserView(input)).last(), QStringLiteral("close 1005 \"\" clean"));
}

void tst_BrowserView::jsonAndTextCarryTheSameResult()
{
    const BuiltRequest built = build([](HandshakeSpec& s) {
        s.protocols = { "chat" };
        s.token = "x";
        s.tokenPlacement = TokenPlacement::Bearer;
    });
    ServerPolicy chat;
    chat.protocols = { "chat" };
    BrowserViewInput input { built.request, built.url, false, decide(built.request, chat).response, {},
        closedByServer(1008, "policy") };
    const BrowserView view = browserView(input);
    const QJsonObject json = view.toJson();
    QCOMPARE(json.value(QStringLiteral("opens")).toBool(), true);
    QCOMPARE(json.value(QStringLiteral("protocol")).toString(), QStringLiteral("chat"));
    QVERIFY(json.value(QStringLiteral("extensions")).toString().startsWith(QLatin1String("permessage-deflate")));
    const QJsonArray events = json.value(QStringLiteral("events")).toArray();
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(1).toObject().value(QStringLiteral("type")).toString(), QStringLiteral("close"));
    QCOMPARE(events.at(1).toObject().value(QStringLiteral("code")).toInt(), 1008);
    QCOMPARE(events.at(1).toObject().value(QStringLiteral("reason")).toString(), QStringLiteral("policy"));
    QCOMPARE(events.at(1).toObject().value(QStringLiteral("wasClean")).toBool(), true);
    const QJsonArray unsendable = json.value(QStringLiteral("unsendable")).toArray();
    QCOMPARE(unsendable.size(), 2);
    QCOMPARE(unsendable.at(0).toObject().value(QStringLiteral("header")).toString(), QStringLiteral("Origin"));
    QCOMPARE(unsendable.at(1).toObject().value(QStringLiteral("header")).toString(), QStringLiteral("Authorization"));
    QCOMPARE(unsendable.at(1).toObject().value(QStringLiteral("value")).toString(), QStringLiteral("Bearer x"));
    QVERIFY(!json.value(QStringLiteral("explanation")).toArray().isEmpty());

    const QString text = browserViewText(view, input);
    QVERIFY2(
        text.startsWith(QStringLiteral("new WebSocket(\"ws://127.0.0.1:9001/chat\", [\"chat\"])\n")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("close   code 1008, reason \"policy\", wasClean true")), qPrintable(text));
    QVERIFY2(
        text.contains(QStringLiteral("A browser cannot send:\n  Origin: http://127.0.0.1:8000 — ")), qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("\n  Authorization: Bearer x — A page cannot set Authorization")),
        qPrintable(text));
}

QTEST_APPLESS_MAIN(tst_BrowserView)
#include "tst_browserview.moc"
