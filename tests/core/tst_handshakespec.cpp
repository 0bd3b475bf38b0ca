// The handshake builder's value: rows <-> helper fields, request bytes, injection refusal, JSON.
#include "core/handshakespec.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace wsi;

namespace
{
QList<QByteArray> names(const HandshakeSpec& spec)
{
    QList<QByteArray> out;
    for (const HeaderRow& r : spec.rows)
        out.append(r.name);
    return out;
}
const QByteArray kZeroKey = "AAAAAAAAAAAAAAAAAAAAAA=="; // base64 of 16 zero bytes
const QByteArray kZeros(16, '\0');
} // namespace

class TestHandshakeSpec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void defaultsListTheStandardRows()
    {
        const HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:9001/chat"));
        QCOMPARE(names(spec),
            (QList<QByteArray> { "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version" }));
        QCOMPARE(spec.rows.at(0).value, QByteArray("127.0.0.1:9001"));
        QCOMPARE(spec.rows.at(4).value, QByteArray("13"));
    }

    void hostOmitsTheDefaultPort_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QByteArray>("host");
        QTest::newRow("ws on 80") << "ws://example.com/" << QByteArray("example.com");
        QTest::newRow("wss on 443") << "wss://example.com/x" << QByteArray("example.com");
        QTest::newRow("wss on 8443") << "wss://example.com:8443/" << QByteArray("example.com:8443");
        QTest::newRow("IPv6 literal") << "ws://[::1]:9001/" << QByteArray("[::1]:9001");
    }
    void hostOmitsTheDefaultPort()
    {
        QFETCH(QString, url);
        QFETCH(QByteArray, host);
        QCOMPARE(HandshakeSpec::withDefaults(url).rows.at(0).value, host);
    }

    void helperRowsAreInsertedInStandardOrder()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.rows.append(HeaderRow { "X-Trace", "1" });
        spec.origin = "http://127.0.0.1:8000";
        spec.protocols = { "json", "msgpack" };
        spec.deflate = true;
        spec.syncRowsFromHelpers();
        QCOMPARE(names(spec),
            (QList<QByteArray> { "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
                "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin", "X-Trace" }));
        QCOMPARE(spec.rows.at(5).value, QByteArray("json, msgpack"));
        QCOMPARE(spec.rows.at(6).value, QByteArray("permessage-deflate; client_max_window_bits"));
    }

    void clearingAHelperRemovesItsRowButKeepsSwitchesAndOrder()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.protocols = { "chat" };
        spec.syncRowsFromHelpers();
        spec.rows[1].enabled = false; // Upgrade switched off by the user
        spec.protocols.clear();
        spec.syncRowsFromHelpers();
        QVERIFY(!names(spec).contains("Sec-WebSocket-Protocol"));
        QCOMPARE(spec.rows.at(1).name, QByteArray("Upgrade"));
        QVERIFY(!spec.rows.at(1).enabled);
    }

    void tableEditsFlowBackIntoHelpers()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.rows.append(HeaderRow { "Sec-WebSocket-Protocol", "a, b ,c" });
        spec.rows.append(HeaderRow { "Sec-WebSocket-Extensions",
            "permessage-deflate; server_no_context_takeover; "
            "server_max_window_bits=10" });
        spec.rows.append(HeaderRow { "Authorization", "Bearer s3cret" });
        spec.rows.append(HeaderRow { "Cookie", "session=abc" });
        spec.rows[3].value = "dGhlIHNhbXBsZSBub25jZQ==";
        spec.syncHelpersFromRows();
        QCOMPARE(spec.protocols, (QList<QByteArray> { "a", "b", "c" }));
        QVERIFY(spec.deflate);
        QVERIFY(spec.deflateOffer.serverNoContextTakeover);
        QCOMPARE(spec.deflateOffer.serverMaxWindowBits, std::optional<int>(10));
        QVERIFY(!spec.deflateOffer.offerClientMaxWindowBits);
        QCOMPARE(spec.token, QByteArray("s3cret"));
        QCOMPARE(spec.tokenPlacement, TokenPlacement::Bearer);
        QCOMPARE(spec.cookie, QByteArray("session=abc"));
        QCOMPARE(spec.keyMode, KeyMode::Fixed);
        QCOMPARE(spec.fixedKey, QByteArray("dGhlIHNhbXBsZSBub25jZQ=="));
    }

    void handTypedRowsSurviveHelperEdits()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.rows.append(HeaderRow { "Sec-WebSocket-Extensions", "x-custom; level=2" });
        spec.rows.append(HeaderRow { "Authorization", "Basic dTpw" });
        spec.syncHelpersFromRows();
        spec.deflate = true;
        spec.syncRowsFromHelpers();
        const qsizetype ext = names(spec).indexOf("Sec-WebSocket-Extensions");
        QCOMPARE(spec.rows.at(ext).value, QByteArray("permessage-deflate; client_max_window_bits, x-custom; level=2"));
        QCOMPARE(spec.rows.at(names(spec).indexOf("Authorization")).value, QByteArray("Basic dTpw"));
    }

    void buildsExactBytes()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:9001/echo"));
        spec.protocols = { "json" };
        spec.syncRowsFromHelpers();
        const BuiltRequest built = buildRequest(spec, kZeros);
        QVERIFY2(built.ok(), qPrintable(built.error));
        QCOMPARE(built.bytes,
            QByteArray("GET /echo HTTP/1.1\r\nHost: 127.0.0.1:9001\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                       "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\nSec-WebSocket-Version: 13\r\n"
                       "Sec-WebSocket-Protocol: json\r\n\r\n"));
        QCOMPARE(built.key, kZeroKey);
        QCOMPARE(built.host, QStringLiteral("127.0.0.1"));
        QCOMPARE(built.port, quint16(9001));
        QVERIFY(!built.tls);
    }

    void disabledAndDuplicateRows()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.rows[2].enabled = false; // Connection
        spec.rows.append(HeaderRow { "X-Dup", "1" });
        spec.rows.append(HeaderRow { "x-dup", "2" });
        const BuiltRequest built = buildRequest(spec, kZeros);
        QVERIFY(!built.bytes.contains("Connection:"));
        QVERIFY(built.bytes.contains("X-Dup: 1\r\nx-dup: 2\r\n"));
    }

    void tokenGoesIntoTheQueryOrTheAuthorizationHeader()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("wss://h/api?v=2"));
        spec.token = "t0k";
        BuiltRequest built = buildRequest(spec, kZeros);
        QVERIFY(built.bytes.startsWith("GET /api?v=2&token=t0k HTTP/1.1\r\n"));
        QVERIFY(built.tls);
        QCOMPARE(built.port, quint16(443));
        spec.tokenPlacement = TokenPlacement::Bearer;
        spec.syncRowsFromHelpers();
        built = buildRequest(spec, kZeros);
        QVERIFY(built.bytes.startsWith("GET /api?v=2 HTTP/1.1\r\n"));
        QVERIFY(built.bytes.contains("\r\nAuthorization: Bearer t0k\r\n"));
    }

    void queryTokenUsesItsParameterName()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/p"));
        spec.token = "t0k";
        spec.tokenQueryName = "access_token";
        QVERIFY(buildRequest(spec, kZeros).bytes.startsWith("GET /p?access_token=t0k HTTP/1.1\r\n"));
    }

    void cookieTokenFollowsTheCookiesAlreadySent()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/p"));
        spec.cookie = "theme=dark";
        spec.token = "t0k";
        spec.tokenPlacement = TokenPlacement::Cookie;
        spec.syncRowsFromHelpers();
        BuiltRequest built = buildRequest(spec, kZeros);
        QVERIFY(built.bytes.startsWith("GET /p HTTP/1.1\r\n")); // not in the query as well
        QVERIFY(built.bytes.contains("\r\nCookie: theme=dark; session=t0k\r\n"));
        spec.cookie.clear();
        spec.tokenCookieName = "auth";
        spec.syncRowsFromHelpers();
        QVERIFY(buildRequest(spec, kZeros).bytes.contains("\r\nCookie: auth=t0k\r\n"));
        spec.token.clear(); // no token and no other cookie: no Cookie header at all
        spec.syncRowsFromHelpers();
        QVERIFY(!names(spec).contains("Cookie"));
    }

    void protocolTokenIsOfferedAfterTheSubprotocols()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/p"));
        spec.protocols = { "json", "chat" };
        spec.token = "eyJ.x.y";
        spec.tokenPlacement = TokenPlacement::Protocol;
        spec.syncRowsFromHelpers();
        BuiltRequest built = buildRequest(spec, kZeros);
        QVERIFY(built.bytes.startsWith("GET /p HTTP/1.1\r\n"));
        QVERIFY(built.bytes.contains("\r\nSec-WebSocket-Protocol: json, chat, token.eyJ.x.y\r\n"));
        spec.protocols.clear();
        spec.tokenProtocolPrefix = "access_token.";
        spec.syncRowsFromHelpers();
        QVERIFY(buildRequest(spec, kZeros).bytes.contains("\r\nSec-WebSocket-Protocol: access_token.eyJ.x.y\r\n"));
    }

    // The table shows the token inside the Cookie or Sec-WebSocket-Protocol row; reading the table back must give
    // the token and the other cookies or subprotocols apart again, not fold the token into them.
    void cookieAndProtocolTokensReadBackFromTheTable()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.cookie = "session=old; theme=dark";
        spec.protocols = { "token.offered", "json" };
        spec.token = "new";
        spec.tokenPlacement = TokenPlacement::Cookie;
        spec.syncRowsFromHelpers();
        const HandshakeSpec beforeCookieEdit = spec;
        spec.syncHelpersFromRows();
        QCOMPARE(spec.token, QByteArray("new"));
        QCOMPARE(spec.cookie, QByteArray("session=old; theme=dark"));
        QVERIFY(spec == beforeCookieEdit);

        spec.tokenPlacement = TokenPlacement::Protocol;
        spec.syncRowsFromHelpers();
        QCOMPARE(spec.rows.at(names(spec).indexOf("Cookie")).value, QByteArray("session=old; theme=dark"));
        QCOMPARE(spec.rows.at(names(spec).indexOf("Sec-WebSocket-Protocol")).value,
            QByteArray("token.offered, json, token.new"));
        spec.rows[names(spec).indexOf("Sec-WebSocket-Protocol")].value = "token.offered, json, token.edited";
        spec.syncHelpersFromRows();
        QCOMPARE(spec.token, QByteArray("edited"));
        QCOMPARE(spec.protocols, (QList<QByteArray> { "token.offered", "json" }));

        // The token's item removed by hand: no token is left, and the offered subprotocols stay.
        spec.rows[names(spec).indexOf("Sec-WebSocket-Protocol")].value = "json";
        spec.syncHelpersFromRows();
        QVERIFY(spec.token.isEmpty());
        QCOMPARE(spec.protocols, (QList<QByteArray> { "json" }));
    }

    void everyPlacementRoundTripsThroughJson_data()
    {
        QTest::addColumn<int>("placement");
        QTest::newRow("query") << int(TokenPlacement::Query);
        QTest::newRow("bearer") << int(TokenPlacement::Bearer);
        QTest::newRow("cookie") << int(TokenPlacement::Cookie);
        QTest::newRow("protocol") << int(TokenPlacement::Protocol);
    }
    void everyPlacementRoundTripsThroughJson()
    {
        QFETCH(int, placement);
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.protocols = { "json" };
        spec.cookie = "theme=dark";
        spec.token = "abc.def.ghi";
        spec.tokenPlacement = TokenPlacement(placement);
        spec.tokenQueryName = "jwt";
        spec.tokenCookieName = "auth";
        spec.tokenProtocolPrefix = "bearer.";
        spec.syncRowsFromHelpers();
        QString error;
        const auto back = HandshakeSpec::fromJson(spec.toJson(), &error);
        QVERIFY2(back.has_value(), qPrintable(error));
        QVERIFY(*back == spec);
        QCOMPARE(buildRequest(*back, kZeros).bytes, buildRequest(spec, kZeros).bytes);
    }

    // Profiles saved before the names existed have only "token" and "tokenPlacement": they load with the names
    // the server side reads by default.
    void olderProfilesGetTheDefaultNames()
    {
        const QByteArray json = "{\"url\":\"ws://h/\",\"token\":\"t\",\"tokenPlacement\":\"query\"}";
        QString error;
        const auto spec = HandshakeSpec::fromJson(QJsonDocument::fromJson(json).object(), &error);
        QVERIFY2(spec.has_value(), qPrintable(error));
        QCOMPARE(spec->tokenQueryName, QByteArray("token"));
        QCOMPARE(spec->tokenCookieName, QByteArray("session"));
        QCOMPARE(spec->tokenProtocolPrefix, QByteArray("token."));
        QVERIFY(buildRequest(*spec, kZeros).bytes.startsWith("GET /?token=t HTTP/1.1\r\n"));
    }

    void queryTokenIsPercentEncoded()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/p?x=1"));
        spec.token = "a+b&c=d/e==";
        const BuiltRequest built = buildRequest(spec, kZeros);
        QVERIFY(built.bytes.startsWith("GET /p?x=1&token=a%2Bb%26c%3Dd%2Fe%3D%3D HTTP/1.1\r\n"));
    }

    void handTypedExtensionOffersKeepTheirTextAndOrder()
    {
        const QByteArray typed = "x-foo, permessage-deflate; client_max_window_bits=10; server_max_window_bits=09, "
                                 "permessage-deflate";
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.rows.append(HeaderRow { "Sec-WebSocket-Extensions", typed });
        spec.syncHelpersFromRows();
        QVERIFY(spec.deflate);
        spec.syncRowsFromHelpers(); // nothing changed in the helpers: the row stays as typed
        QCOMPARE(spec.rows.last().value, typed);
        spec.deflateOffer.serverNoContextTakeover = true; // a helper edit replaces only the first offer
        spec.syncRowsFromHelpers();
        QCOMPARE(spec.rows.last().value,
            QByteArray("x-foo, permessage-deflate; server_no_context_takeover; server_max_window_bits=9; "
                       "client_max_window_bits=10, permessage-deflate"));
    }

    void unparsableExtensionRowIsLeftAlone()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.rows.append(HeaderRow { "Sec-WebSocket-Extensions", ";;bad,," });
        spec.syncRowsFromHelpers();
        QCOMPARE(spec.rows.last().value, QByteArray(";;bad,,"));
    }

    void switchedOffRowsDriveNoHelper()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.rows.append(HeaderRow { "Origin", "http://a.example", false });
        spec.syncHelpersFromRows();
        QVERIFY(spec.origin.isEmpty());
        spec.syncRowsFromHelpers();
        QCOMPARE(spec.rows.last(), (HeaderRow { "Origin", "http://a.example", false })); // kept, still off
        QVERIFY(!buildRequest(spec, kZeros).bytes.contains("Origin"));
    }

    void fixedKeyIsSentAsTyped()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.keyMode = KeyMode::Fixed;
        spec.fixedKey = "not base64!";
        spec.syncRowsFromHelpers();
        const BuiltRequest built = buildRequest(spec, kZeros);
        QVERIFY(built.bytes.contains("\r\nSec-WebSocket-Key: not base64!\r\n"));
        QCOMPARE(built.key, QByteArray("not base64!"));
    }

    void headerInjectionIsRefused_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QByteArray>("value");
        QTest::newRow("CRLF in value") << QByteArray("X-A") << QByteArray("1\r\nX-Injected: yes");
        QTest::newRow("bare LF in value") << QByteArray("X-A") << QByteArray("1\nX");
        QTest::newRow("NUL in value") << QByteArray("X-A") << QByteArray("a\0b", 3);
        QTest::newRow("space in name") << QByteArray("X A") << QByteArray("1");
        QTest::newRow("colon in name") << QByteArray("X:A") << QByteArray("1");
        QTest::newRow("empty name") << QByteArray() << QByteArray("1");
    }
    void headerInjectionIsRefused()
    {
        QFETCH(QByteArray, name);
        QFETCH(QByteArray, value);
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.rows.append(HeaderRow { name, value });
        const BuiltRequest built = buildRequest(spec, kZeros);
        QVERIFY(!built.ok());
        QVERIFY(built.bytes.isEmpty());
        spec.rows.last().enabled = false; // a switched-off row is not sent, so it is no problem
        QVERIFY(buildRequest(spec, kZeros).ok());
    }

    void badHeaderNameIsQuotedAsTyped_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<QString>("expected");
        const QString rule = QStringLiteral("; names are tokens: letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 §5.1).");
        QTest::newRow("space") << QByteArray("X Y") << QStringLiteral("Header name \"X Y\" contains a space") + rule;
        QTest::newRow("colon") << QByteArray("X:Y")
                               << QStringLiteral("Header name \"X:Y\" contains a colon (the value goes in its own "
                                                 "column)")
                + rule;
        QTest::newRow("non-ASCII") << QByteArray("Größe")
                                   << QStringLiteral("Header name \"Größe\" contains a non-ASCII character") + rule;
        QTest::newRow("bracket") << QByteArray("X[1]") << QStringLiteral("Header name \"X[1]\" contains \"[\"") + rule;
    }
    void badHeaderNameIsQuotedAsTyped()
    {
        QFETCH(QByteArray, name);
        QFETCH(QString, expected);
        QCOMPARE(rowProblem(HeaderRow { name, "v" }), expected);
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://example.test/"));
        spec.rows.append(HeaderRow { name, "v" });
        QCOMPARE(buildRequest(spec, QByteArray(16, 'k')).error, expected);
    }

    void rawModeSendsBytesAsTyped()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:1/"));
        spec.rawMode = true;
        spec.rawRequest = "GET / HTTP/1.1\nHost: x\r\nX-Bad\r\n\r\n";
        const BuiltRequest built = buildRequest(spec, kZeros);
        QVERIFY(built.ok());
        QCOMPARE(built.bytes, spec.rawRequest);
    }

    void badUrlsAreExplained_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("http scheme") << "http://h/";
        QTest::newRow("no scheme") << "localhost:9001";
        QTest::newRow("no host") << "ws:///path";
        QTest::newRow("fragment") << "ws://h/path#part";
    }
    void badUrlsAreExplained()
    {
        QFETCH(QString, url);
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.url = url;
        const BuiltRequest built = buildRequest(spec, kZeros);
        QVERIFY(!built.ok());
        QVERIFY(!built.error.isEmpty());
    }

    void jsonRoundTrip()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("wss://example.com:8443/x"));
        spec.protocols = { "json", "msgpack" };
        spec.deflate = true;
        spec.deflateOffer.serverMaxWindowBits = 10;
        spec.deflateOffer.clientNoContextTakeover = true;
        spec.origin = "https://app.example";
        spec.token = "abc";
        spec.tokenPlacement = TokenPlacement::Bearer;
        spec.syncRowsFromHelpers();
        spec.rows.append(HeaderRow { "X-Off", "v", false });
        const auto back = HandshakeSpec::fromJson(spec.toJson());
        QVERIFY(back.has_value());
        QVERIFY(*back == spec);
    }

    void profileWithoutRowsGetsStandardRows()
    {
        const QJsonObject json { { QStringLiteral("url"), QStringLiteral("ws://h:81/") },
            { QStringLiteral("protocols"), QJsonArray { QStringLiteral("chat") } } };
        const auto spec = HandshakeSpec::fromJson(json);
        QVERIFY(spec.has_value());
        QVERIFY(names(*spec).contains("Sec-WebSocket-Protocol"));
        QCOMPARE(spec->rows.at(0).value, QByteArray("h:81"));
        QString error;
        QVERIFY(!HandshakeSpec::fromJson(QJsonObject {}, &error).has_value());
        QVERIFY(!error.isEmpty());
    }

    // Before the strict reader these all loaded silently with defaults.
    void wrongJsonIsRefusedNamingTheKey_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("protocols not a list")
            << QByteArray("{\"url\":\"ws://h/\",\"protocols\":\"chat\"}")
            << QStringLiteral("\"protocols\" must be a list of strings, not \"chat\"");
        QTest::newRow("protocols holds a number")
            << QByteArray("{\"url\":\"ws://h/\",\"protocols\":[\"a\",5]}")
            << QStringLiteral("\"protocols\" must be a list of strings, and holds 5");
        QTest::newRow("server window bits 16")
            << QByteArray("{\"url\":\"ws://h/\",\"deflate\":{\"enabled\":true,\"serverMaxWindowBits\":16}}")
            << QStringLiteral("\"deflate.serverMaxWindowBits\" must be a whole number from 8 to 15, not 16");
        QTest::newRow("client window bits 7")
            << QByteArray("{\"url\":\"ws://h/\",\"deflate\":{\"clientMaxWindowBits\":7}}")
            << QStringLiteral("\"deflate.clientMaxWindowBits\" must be a whole number from 8 to 15, not 7");
        QTest::newRow("deflate.enabled a string")
            << QByteArray("{\"url\":\"ws://h/\",\"deflate\":{\"enabled\":\"yes\"}}")
            << QStringLiteral("\"deflate.enabled\" must be true or false, not \"yes\"");
        QTest::newRow("unknown key") << QByteArray("{\"url\":\"ws://h/\",\"protocol\":[\"chat\"]}")
                                     << QStringLiteral("\"protocol\" is not a handshake profile setting");
        QTest::newRow("unknown deflate key")
            << QByteArray("{\"url\":\"ws://h/\",\"deflate\":{\"windowBits\":9}}")
            << QStringLiteral("\"deflate.windowBits\" is not a handshake profile setting");
        QTest::newRow("url a number") << QByteArray("{\"url\":5}") << QStringLiteral("\"url\" must be a string, not 5");
        QTest::newRow("tokenPlacement word")
            << QByteArray("{\"url\":\"ws://h/\",\"tokenPlacement\":\"header\"}")
            << QStringLiteral("\"tokenPlacement\" must be one of query, bearer, cookie, protocol, not \"header\"");
        QTest::newRow("cookie name with a space")
            << QByteArray("{\"url\":\"ws://h/\",\"tokenCookieName\":\"my session\"}")
            << QStringLiteral("\"tokenCookieName\" must be a name of letters, digits and !#$%&'*+-.^_`|~, not "
                              "\"my session\"");
        QTest::newRow("empty protocol prefix") << QByteArray("{\"url\":\"ws://h/\",\"tokenProtocolPrefix\":\"\"}")
                                               << QStringLiteral("\"tokenProtocolPrefix\" must be a name of letters, "
                                                                 "digits and !#$%&'*+-.^_`|~, not \"\"");
        QTest::newRow("row enabled a number")
            << QByteArray("{\"url\":\"ws://h/\",\"rows\":[{\"name\":\"A\",\"value\":\"1\",\"enabled\":1}]}")
            << QStringLiteral("\"rows[0].enabled\" must be true or false, not 1");
    }

    void wrongJsonIsRefusedNamingTheKey()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QString error;
        QVERIFY(!HandshakeSpec::fromJson(QJsonDocument::fromJson(json).object(), &error).has_value());
        QCOMPARE(error, expected);
    }

    void profileNameAndDescriptionAreAllowed()
    {
        const QByteArray json = "{\"name\":\"N\",\"description\":\"D\",\"url\":\"ws://h/\",\"protocols\":[\"a\"]}";
        QString error;
        QVERIFY2(
            HandshakeSpec::fromJson(QJsonDocument::fromJson(json).object(), &error).has_value(), qPrintable(error));
    }

    // A hand-typed out-of-range value stays in the row; the helper (and so the JSON) holds none, so what the
    // app saves it can load again.
    void handTypedWindowBitsOutOfRangeStillRoundTrip()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://h/"));
        spec.rows.append(HeaderRow { "Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=20" });
        spec.syncHelpersFromRows();
        QVERIFY(spec.deflate);
        QVERIFY(!spec.deflateOffer.serverMaxWindowBits);
        spec.syncRowsFromHelpers();
        QCOMPARE(spec.rows.last().value, QByteArray("permessage-deflate; server_max_window_bits=20"));
        QString error;
        const auto back = HandshakeSpec::fromJson(spec.toJson(), &error);
        QVERIFY2(back.has_value(), qPrintable(error));
        QVERIFY(*back == spec);
    }
};

QTEST_GUILESS_MAIN(TestHandshakeSpec)
#include "tst_handshakespec.moc"
