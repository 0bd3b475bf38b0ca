// decide(): the echo server's answer to an opening handshake, for every branch of the policy, without
// sockets. Requests are written out as wire text so each row reads like what a client would send.

#include "core/decisionpipeline.h"
#include "core/handshake.h"

#include <QJsonArray>
#include <QTest>

using namespace wsi;

Q_DECLARE_METATYPE(wsi::HttpRequest)
Q_DECLARE_METATYPE(wsi::ProtocolOrder)
Q_DECLARE_METATYPE(wsi::NoProtocolMatch)

namespace
{
constexpr QByteArrayView kKey = "dGhlIHNhbXBsZSBub25jZQ==";

// A valid request plus `extra` header lines ("Name: value\r\n"...); `drop` removes base header names.
HttpRequest request(const QByteArray& extra = {}, const QList<QByteArray>& drop = {},
    const QByteArray& startLine = "GET /chat HTTP/1.1")
{
    QByteArray head = startLine + "\r\n";
    const QList<QPair<QByteArray, QByteArray>> base = {
        { "Host", "127.0.0.1:9001" },
        { "Upgrade", "websocket" },
        { "Connection", "Upgrade" },
        { "Sec-WebSocket-Key", kKey.toByteArray() },
        { "Sec-WebSocket-Version", "13" },
    };
    for (const auto& [name, value] : base) {
        if (!drop.contains(name))
            head += name + ": " + value + "\r\n";
    }
    head += extra + "\r\n";
    const HeadParse<HttpRequest> parsed = parseRequestHead(head);
    if (parsed.state != HeadState::Complete)
        qFatal("test request did not parse: %s", qPrintable(parsed.error.message));
    return parsed.value;
}

QString traceText(const Decision& d)
{
    QStringList lines;
    for (const DecisionStep& step : d.trace)
        lines.append(decisionStepText(step));
    return lines.join(QLatin1Char('\n'));
}

bool traceHas(const Decision& d, const QString& needle)
{
    return traceText(d).contains(needle);
}

ServerPolicy jsonMsgpack(ProtocolOrder order = ProtocolOrder::Server)
{
    ServerPolicy p;
    p.protocols = { "msgpack", "json" };
    p.protocolOrder = order;
    return p;
}
} // namespace

class TstDecide : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validRequestUpgrades()
    {
        const Decision d = decide(request(), ServerPolicy {});
        QVERIFY(d.upgrade);
        QCOMPARE(d.response.status, 101);
        QVERIFY(d.response.serialize().startsWith("HTTP/1.1 101 Switching Protocols\r\n"));
        QCOMPARE(d.response.headers.value("Sec-WebSocket-Accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QCOMPARE(d.response.headers.value("Upgrade"), QByteArray("websocket"));
        QCOMPARE(d.response.headers.value("Connection"), QByteArray("Upgrade"));
        // Nothing offered: neither header appears at all (an empty value is not "none").
        QVERIFY(!d.response.headers.contains("Sec-WebSocket-Protocol"));
        QVERIFY(!d.response.headers.contains("Sec-WebSocket-Extensions"));
        QVERIFY(d.response.body.isEmpty());
        QVERIFY(!d.closeAfterUpgrade);
        QVERIFY(!d.deflate);
        QVERIFY(!d.findings.isEmpty());
        QCOMPARE(d.trace.last().outcome, DecisionStep::Outcome::Accepted);
        QVERIFY(traceHas(d, QStringLiteral("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")));
    }

    void malformedRequests_data()
    {
        QTest::addColumn<HttpRequest>("req");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("why");

        QTest::newRow("POST") << request({}, {}, "POST /chat HTTP/1.1") << 400 << "GET";
        QTest::newRow("HTTP/1.0") << request({}, {}, "GET /chat HTTP/1.0") << 400 << "HTTP/1.1";
        QTest::newRow("no Host") << request({}, { "Host" }) << 400 << "Host";
        QTest::newRow("no Upgrade") << request({}, { "Upgrade" }) << 400 << "Upgrade";
        QTest::newRow("Upgrade: h2c") << request("Upgrade: h2c\r\n", { "Upgrade" }) << 400 << "websocket";
        QTest::newRow("Connection: keep-alive")
            << request("Connection: keep-alive\r\n", { "Connection" }) << 400 << "Upgrade";
        QTest::newRow("no key") << request({}, { "Sec-WebSocket-Key" }) << 400 << "Sec-WebSocket-Key";
        QTest::newRow("short key") << request("Sec-WebSocket-Key: abc\r\n", { "Sec-WebSocket-Key" }) << 400
                                   << "16 bytes";
        QTest::newRow("two keys") << request("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n") << 400 << "2 times";
        QTest::newRow("version 8") << request("Sec-WebSocket-Version: 8\r\n", { "Sec-WebSocket-Version" }) << 426
                                   << "\"8\"";
        QTest::newRow("no version") << request({}, { "Sec-WebSocket-Version" }) << 426 << "missing";
        QTest::newRow("two versions") << request("Sec-WebSocket-Version: 8\r\n") << 426 << "13, 8";
        QTest::newRow("protocol list with a space")
            << request("Sec-WebSocket-Protocol: a b\r\n") << 400 << "not a list of tokens";
        QTest::newRow("extension grammar")
            << request("Sec-WebSocket-Extensions: permessage-deflate;;=\r\n") << 400 << "grammar";
        // Structure is judged before the version: a request that is not a WebSocket handshake is a 400.
        QTest::newRow("no Upgrade and version 8")
            << request("Sec-WebSocket-Version: 8\r\n", { "Upgrade", "Sec-WebSocket-Version" }) << 400 << "Upgrade";
    }

    void malformedRequests()
    {
        QFETCH(HttpRequest, req);
        QFETCH(int, status);
        QFETCH(QString, why);
        ServerPolicy policy;
        policy.extraResponseHeaders = { { "Set-Cookie", "x=1" } };
        const Decision d = decide(req, policy);
        QVERIFY(!d.upgrade);
        QCOMPARE(d.response.status, status);
        const QString body = QString::fromUtf8(d.response.body);
        QVERIFY2(body.contains(why), qPrintable(body));
        QCOMPARE(d.response.headers.value("Content-Type"), QByteArray("text/plain; charset=utf-8"));
        QCOMPARE(d.response.headers.value("Content-Length").toInt(), d.response.body.size());
        QVERIFY(!d.response.headers.contains("Sec-WebSocket-Accept"));
        QVERIFY(!d.response.headers.contains("Set-Cookie")); // extra headers are for the 101 only
        QCOMPARE(d.trace.last().outcome, DecisionStep::Outcome::Rejected);
        QVERIFY2(traceHas(d, QStringLiteral("→ %1").arg(status)), qPrintable(traceText(d)));
        if (status == 426) {
            QCOMPARE(d.response.headers.value("Sec-WebSocket-Version"), QByteArray("13"));
            QVERIFY(d.response.serialize().startsWith("HTTP/1.1 426 Upgrade Required\r\n"));
            QVERIFY(headerHasToken(d.response.headers, "Connection", "Upgrade"));
        } else {
            QCOMPARE(d.response.headers.value("Connection"), QByteArray("close"));
        }
    }

    void unparsableHead_data()
    {
        QTest::addColumn<int>("parserStatus");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("statusLine");
        QTest::newRow("bare LF") << 400 << 400 << QByteArray("HTTP/1.1 400 Bad Request\r\n");
        QTest::newRow("too large") << 431 << 431 << QByteArray("HTTP/1.1 431 Request Header Fields Too Large\r\n");
        QTest::newRow("long target") << 414 << 414 << QByteArray("HTTP/1.1 414 URI Too Long\r\n");
        QTest::newRow("odd status") << 418 << 400 << QByteArray("HTTP/1.1 400 Bad Request\r\n");
    }

    void unparsableHead()
    {
        QFETCH(int, parserStatus);
        QFETCH(int, status);
        QFETCH(QByteArray, statusLine);
        const Decision d = rejectUnparsable(ParseError { 17, QStringLiteral("a bare LF ends a line"), parserStatus });
        QVERIFY(!d.upgrade);
        QCOMPARE(d.response.status, status);
        QVERIFY(d.response.serialize().startsWith(statusLine));
        QVERIFY(d.response.body.contains("a bare LF ends a line (at byte 17)"));
        QCOMPARE(d.trace.size(), 1);
        QCOMPARE(d.trace.front().outcome, DecisionStep::Outcome::Rejected);
    }

    void realParseErrorIsExplained()
    {
        const HeadParse<HttpRequest> parsed = parseRequestHead("GET / HTTP/1.1\nHost: x\n\n");
        QCOMPARE(parsed.state, HeadState::Error);
        const Decision d = rejectUnparsable(parsed.error);
        QCOMPARE(d.response.status, 400);
        QVERIFY(d.response.body.startsWith("The request head could not be parsed: "));
    }

    void origin_data()
    {
        QTest::addColumn<QList<QByteArray>>("allowed");
        QTest::addColumn<bool>("allowMissing");
        QTest::addColumn<QByteArray>("originLines");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("trace");

        const QList<QByteArray> list = { "http://127.0.0.1:8000", "https://app.example" };
        QTest::newRow("any origin") << QList<QByteArray> {} << true << QByteArray("Origin: https://evil.example\r\n")
                                    << 101 << "any origin is allowed";
        QTest::newRow("any, missing") << QList<QByteArray> {} << false << QByteArray() << 101 << "no Origin header";
        QTest::newRow("listed") << list << true << QByteArray("Origin: https://app.example\r\n") << 101
                                << "Origin https://app.example is in the allowlist";
        QTest::newRow("not listed") << list << true << QByteArray("Origin: https://evil.example\r\n") << 403
                                    << "Origin https://evil.example is not in the allowlist [http://127.0.0.1:8000, "
                                       "https://app.example] → 403 Forbidden (RFC 6455 §10.2)";
        QTest::newRow("exact match only")
            << list << true << QByteArray("Origin: https://app.example:443\r\n") << 403 << "not in the allowlist";
        QTest::newRow("missing allowed") << list << true << QByteArray() << 101 << "missing Origin is allowed";
        QTest::newRow("missing rejected") << list << false << QByteArray() << 403 << "requires one";
        QTest::newRow("two origins") << list << true
                                     << QByteArray("Origin: https://app.example\r\nOrigin: https://evil.example\r\n")
                                     << 403 << "appears 2 times";
    }

    void origin()
    {
        QFETCH(QList<QByteArray>, allowed);
        QFETCH(bool, allowMissing);
        QFETCH(QByteArray, originLines);
        QFETCH(int, status);
        QFETCH(QString, trace);
        ServerPolicy policy;
        policy.allowedOrigins = allowed;
        policy.allowMissingOrigin = allowMissing;
        const Decision d = decide(request(originLines), policy);
        QCOMPARE(d.response.status, status);
        QVERIFY2(traceHas(d, trace), qPrintable(traceText(d)));
        QVERIFY(!d.closeAfterUpgrade);

        // The same failure in close mode: upgrade, then close with 1008 (policy violation).
        policy.originFailure = FailureMode::Close;
        const Decision c = decide(request(originLines), policy);
        QCOMPARE(c.response.status, 101);
        if (status == 403) {
            QCOMPARE(c.closeAfterUpgrade, std::optional<quint16>(1008));
            QVERIFY2(traceHas(c, QStringLiteral("closed with 1008")), qPrintable(traceText(c)));
        } else {
            QVERIFY(!c.closeAfterUpgrade);
        }
    }

    void token_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("lines");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("trace");

        QTest::newRow("query") << QByteArray("/chat?token=s3cret") << QByteArray() << 101
                               << "token accepted from ?token=";
        QTest::newRow("query among others")
            << QByteArray("/chat?a=1&token=s3cret&b=2") << QByteArray() << 101 << "token accepted from ?token=";
        QTest::newRow("query percent-encoded")
            << QByteArray("/?token=s3%63ret") << QByteArray() << 101 << "accepted from ?token=";
        QTest::newRow("bearer") << QByteArray("/") << QByteArray("Authorization: Bearer s3cret\r\n") << 101
                                << "token accepted from Authorization: Bearer";
        QTest::newRow("bearer lower case")
            << QByteArray("/") << QByteArray("Authorization: bearer s3cret\r\n") << 101 << "Authorization: Bearer";
        QTest::newRow("cookie") << QByteArray("/") << QByteArray("Cookie: theme=dark; session=s3cret\r\n") << 101
                                << "token accepted from Cookie session=";
        QTest::newRow("missing") << QByteArray("/") << QByteArray() << 401
                                 << "token missing: looked in ?token=, Authorization: Bearer, Cookie session= → 401";
        QTest::newRow("wrong query") << QByteArray("/?token=guess") << QByteArray() << 401
                                     << "token in ?token= does not match → 401";
        QTest::newRow("prefix of the token") << QByteArray("/?token=s3cre") << QByteArray() << 401 << "does not match";
        QTest::newRow("basic auth is not bearer")
            << QByteArray("/") << QByteArray("Authorization: Basic czNjcmV0\r\n") << 401 << "token missing";
        QTest::newRow("wrong cookie, right bearer")
            << QByteArray("/") << QByteArray("Cookie: session=nope\r\nAuthorization: Bearer s3cret\r\n") << 101
            << "accepted from Authorization: Bearer";
        QTest::newRow("other cookie name")
            << QByteArray("/") << QByteArray("Cookie: xsession=s3cret\r\n") << 401 << "token missing";
    }

    void token()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, lines);
        QFETCH(int, status);
        QFETCH(QString, trace);
        ServerPolicy policy;
        policy.token = "s3cret";
        const HttpRequest req = request(lines, {}, "GET " + target + " HTTP/1.1");
        const Decision d = decide(req, policy);
        QCOMPARE(d.response.status, status);
        QVERIFY2(traceHas(d, trace), qPrintable(traceText(d)));
        if (status == 401) {
            QVERIFY(d.response.headers.value("WWW-Authenticate").startsWith("Bearer"));
            policy.authFailure = FailureMode::Close;
            const Decision c = decide(req, policy);
            QCOMPARE(c.response.status, 101);
            QCOMPARE(c.closeAfterUpgrade, std::optional<quint16>(4001));
            QCOMPARE(c.closeReason, QByteArray("Unauthorized"));
        }
    }

    void noTokenConfiguredIgnoresCredentials()
    {
        const Decision d = decide(request("Authorization: Bearer whatever\r\n"), ServerPolicy {});
        QCOMPARE(d.response.status, 101);
        QVERIFY(traceHas(d, QStringLiteral("no authentication required")));
    }

    void subprotocol_data()
    {
        QTest::addColumn<ProtocolOrder>("order");
        QTest::addColumn<NoProtocolMatch>("noMatch");
        QTest::addColumn<QByteArray>("lines");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("selected");
        QTest::addColumn<QString>("trace");

        const auto S = ProtocolOrder::Server;
        const auto C = ProtocolOrder::Client;
        const auto P = NoProtocolMatch::Proceed;
        const auto R = NoProtocolMatch::Reject;
        QTest::newRow("server order") << S << P << QByteArray("Sec-WebSocket-Protocol: json, msgpack\r\n") << 101
                                      << QByteArray("msgpack")
                                      << "client offered [json, msgpack]; server supports [msgpack, json] in "
                                         "server-preference order → msgpack";
        QTest::newRow("client order") << C << P << QByteArray("Sec-WebSocket-Protocol: json, msgpack\r\n") << 101
                                      << QByteArray("json") << "client-preference order → json";
        QTest::newRow("repeated header fields") << S << P
                                                << QByteArray("Sec-WebSocket-Protocol: json\r\n"
                                                              "Sec-WebSocket-Protocol: msgpack\r\n")
                                                << 101 << QByteArray("msgpack") << "[json, msgpack]";
        QTest::newRow("one in common") << S << R << QByteArray("Sec-WebSocket-Protocol: chat, json\r\n") << 101
                                       << QByteArray("json") << "→ json";
        QTest::newRow("none in common, proceed") << S << P << QByteArray("Sec-WebSocket-Protocol: chat\r\n") << 101
                                                 << QByteArray() << "proceeding without Sec-WebSocket-Protocol";
        QTest::newRow("none in common, reject")
            << S << R << QByteArray("Sec-WebSocket-Protocol: chat\r\n") << 400 << QByteArray() << "nothing in common";
        QTest::newRow("case matters") << S << P << QByteArray("Sec-WebSocket-Protocol: JSON\r\n") << 101 << QByteArray()
                                      << "none in common";
        QTest::newRow("nothing offered, reject policy")
            << S << R << QByteArray() << 101 << QByteArray() << "client offered no subprotocol";
    }

    void subprotocol()
    {
        QFETCH(ProtocolOrder, order);
        QFETCH(NoProtocolMatch, noMatch);
        QFETCH(QByteArray, lines);
        QFETCH(int, status);
        QFETCH(QByteArray, selected);
        QFETCH(QString, trace);
        ServerPolicy policy = jsonMsgpack(order);
        policy.noProtocolMatch = noMatch;
        const Decision d = decide(request(lines), policy);
        QCOMPARE(d.response.status, status);
        QCOMPARE(d.protocol, selected);
        QCOMPARE(d.response.headers.value("Sec-WebSocket-Protocol"), selected.isEmpty() ? QByteArray() : selected);
        QCOMPARE(d.response.headers.contains("Sec-WebSocket-Protocol"), !selected.isEmpty());
        QVERIFY2(traceHas(d, trace), qPrintable(traceText(d)));
    }

    void deflate_data()
    {
        QTest::addColumn<QByteArray>("offer");
        QTest::addColumn<bool>("enabled");
        QTest::addColumn<bool>("serverNoContext");
        QTest::addColumn<bool>("clientNoContext");
        QTest::addColumn<int>("serverBits");
        QTest::addColumn<QByteArray>("response");

        QTest::newRow("default offer") << QByteArray("permessage-deflate; client_max_window_bits") << true << false
                                       << false << 15 << QByteArray("permessage-deflate");
        QTest::newRow("disabled") << QByteArray("permessage-deflate; client_max_window_bits") << false << false << false
                                  << 15 << QByteArray();
        QTest::newRow("server no context takeover unasked")
            << QByteArray("permessage-deflate") << true << true << false << 15
            << QByteArray("permessage-deflate; server_no_context_takeover");
        QTest::newRow("client no context takeover unasked")
            << QByteArray("permessage-deflate") << true << false << true << 15
            << QByteArray("permessage-deflate; client_no_context_takeover");
        QTest::newRow("server window limited") << QByteArray("permessage-deflate") << true << false << false << 10
                                               << QByteArray("permessage-deflate; server_max_window_bits=10");
        QTest::newRow("client asks no context takeover")
            << QByteArray("permessage-deflate; server_no_context_takeover") << true << false << false << 15
            << QByteArray("permessage-deflate; server_no_context_takeover");
        QTest::newRow("bad offer declined, next accepted")
            << QByteArray("permessage-deflate; server_max_window_bits=7, permessage-deflate") << true << false << false
            << 15 << QByteArray("permessage-deflate");
        QTest::newRow("unknown extension ignored")
            << QByteArray("x-webkit-deflate-frame") << true << false << false << 15 << QByteArray();
    }

    void deflate()
    {
        QFETCH(QByteArray, offer);
        QFETCH(bool, enabled);
        QFETCH(bool, serverNoContext);
        QFETCH(bool, clientNoContext);
        QFETCH(int, serverBits);
        QFETCH(QByteArray, response);
        ServerPolicy policy;
        policy.deflate.enabled = enabled;
        policy.deflate.serverNoContextTakeover = serverNoContext;
        policy.deflate.clientNoContextTakeover = clientNoContext;
        policy.deflate.serverMaxWindowBits = serverBits;
        const Decision d = decide(request("Sec-WebSocket-Extensions: " + offer + "\r\n"), policy);
        QCOMPARE(d.response.status, 101);
        QCOMPARE(d.response.headers.value("Sec-WebSocket-Extensions"), response);
        QCOMPARE(d.deflate.has_value(), !response.isEmpty());
        QCOMPARE(d.extensions.size(), response.isEmpty() ? 0 : 1);
        // Every offer is explained in the trace, accepted or not.
        QVERIFY2(traceHas(d, QStringLiteral("Offer 1")), qPrintable(traceText(d)));
        if (d.deflate) {
            QCOMPARE(d.deflate->serverNoContextTakeover, serverNoContext || offer.contains("server_no_context"));
            QCOMPARE(d.deflate->clientNoContextTakeover, clientNoContext);
            QCOMPARE(d.deflate->serverMaxWindowBits, serverBits);
            bool acceptedStep = false;
            for (const DecisionStep& s : d.trace)
                acceptedStep
                    = acceptedStep || (s.outcome == DecisionStep::Outcome::Accepted && s.text.contains(u"accepted"));
            QVERIFY(acceptedStep);
        }
    }

    void noExtensionsOffered()
    {
        const Decision d = decide(request(), ServerPolicy {});
        QVERIFY(traceHas(d, QStringLiteral("client offered no extensions")));
    }

    void extraHeadersOnUpgrade()
    {
        ServerPolicy policy;
        policy.extraResponseHeaders = { { "Set-Cookie", "session=abc; HttpOnly" }, { "X-Test", "1" } };
        const Decision d = decide(request(), policy);
        QCOMPARE(d.response.headers.value("Set-Cookie"), QByteArray("session=abc; HttpOnly"));
        QCOMPARE(d.response.headers.value("X-Test"), QByteArray("1"));
    }

    // The order of checks decides which refusal a request with several problems gets.
    void orderOfChecks_data()
    {
        QTest::addColumn<QByteArray>("lines");
        QTest::addColumn<QList<QByteArray>>("drop");
        QTest::addColumn<int>("status");

        QTest::newRow("version before origin") << QByteArray("Origin: https://evil\r\nSec-WebSocket-Version: 8\r\n")
                                               << QList<QByteArray> { "Sec-WebSocket-Version" } << 426;
        QTest::newRow("origin before token") << QByteArray("Origin: https://evil\r\n") << QList<QByteArray> {} << 403;
        QTest::newRow("token before subprotocol")
            << QByteArray("Origin: https://ok\r\nSec-WebSocket-Protocol: chat\r\n") << QList<QByteArray> {} << 401;
        QTest::newRow("subprotocol before extensions")
            << QByteArray("Origin: https://ok\r\nAuthorization: Bearer t\r\nSec-WebSocket-Protocol: chat\r\n"
                          "Sec-WebSocket-Extensions: ;;\r\n")
            << QList<QByteArray> {} << 400;
    }

    void orderOfChecks()
    {
        QFETCH(QByteArray, lines);
        QFETCH(QList<QByteArray>, drop);
        QFETCH(int, status);
        ServerPolicy policy = jsonMsgpack();
        policy.noProtocolMatch = NoProtocolMatch::Reject;
        policy.allowedOrigins = { "https://ok" };
        policy.token = "t";
        const Decision d = decide(request(lines, drop), policy);
        QCOMPARE(d.response.status, status);
        if (status == 400)
            QVERIFY2(traceHas(d, QStringLiteral("nothing in common")), qPrintable(traceText(d)));
    }

    void firstCloseFailureWins()
    {
        ServerPolicy policy;
        policy.allowedOrigins = { "https://ok" };
        policy.originFailure = FailureMode::Close;
        policy.token = "t";
        policy.authFailure = FailureMode::Close;
        const Decision d = decide(request("Origin: https://evil\r\n"), policy);
        QCOMPARE(d.response.status, 101);
        QCOMPARE(d.closeAfterUpgrade, std::optional<quint16>(1008));
        QVERIFY(traceHas(d, QStringLiteral("closed with 4001"))); // both failures are explained

        policy.authFailure = FailureMode::Http;
        QCOMPARE(decide(request("Origin: https://evil\r\n"), policy).response.status, 401);
    }

    void stepText()
    {
        QCOMPARE(decisionStepText({ DecisionStep::Outcome::Info, QStringLiteral("a"), QStringLiteral("RFC 1") }),
            QStringLiteral("a (RFC 1)"));
        QCOMPARE(
            decisionStepText({ DecisionStep::Outcome::Info, QStringLiteral("a"), QString() }), QStringLiteral("a"));
    }

    void jsonRoundTrip()
    {
        QCOMPARE(ServerPolicy::fromJson(ServerPolicy {}.toJson()), std::optional<ServerPolicy>(ServerPolicy {}));
        QCOMPARE(ServerPolicy::fromJson(QJsonObject {}), std::optional<ServerPolicy>(ServerPolicy {}));

        ServerPolicy p = jsonMsgpack(ProtocolOrder::Client);
        p.noProtocolMatch = NoProtocolMatch::Reject;
        p.allowedOrigins = { "http://127.0.0.1:8000" };
        p.allowMissingOrigin = false;
        p.originFailure = FailureMode::Close;
        p.token = "tök";
        p.authFailure = FailureMode::Close;
        p.deflate.enabled = false;
        p.deflate.serverNoContextTakeover = true;
        p.deflate.clientNoContextTakeover = true;
        p.deflate.serverMaxWindowBits = 9;
        p.deflate.clientMaxWindowBits = 10;
        p.compressionLevel = 1;
        p.handshakeTimeoutMs = 1234;
        p.headLimits.maxHeadBytes = 4096;
        p.headLimits.maxHeaderCount = 20;
        p.headLimits.maxLineBytes = 1000;
        p.maxMessageBytes = 1 << 20;
        p.maxFragments = 7;
        p.maxQueuedBytes = 1 << 16;
        p.extraResponseHeaders = { { "Set-Cookie", "a=b" } };
        QVERIFY(!(p == ServerPolicy {}));
        QString error;
        const auto back = ServerPolicy::fromJson(p.toJson(), &error);
        QVERIFY2(back, qPrintable(error));
        QVERIFY(*back == p);
        QCOMPARE(p.toJson().value(QLatin1String("protocolOrder")).toString(), QStringLiteral("client"));
    }

    void jsonErrors_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("order") << QJsonObject { { "protocolOrder", "random" } } << "\"protocolOrder\" must be";
        QTest::newRow("protocols not tokens") << QJsonObject { { "protocols", QJsonArray { "a b" } } }
                                              << "\"protocols\" holds \"a b\", which is not a valid token";
        QTest::newRow("bool") << QJsonObject { { "allowMissingOrigin", 1 } } << "true or false";
        QTest::newRow("window bits") << QJsonObject { { "deflate", QJsonObject { { "serverMaxWindowBits", 16 } } } }
                                     << "\"deflate.serverMaxWindowBits\" must be a whole number from 8 to 15, not 16";
        QTest::newRow("level") << QJsonObject { { "compressionLevel", 2.5 } } << "compressionLevel";
        QTest::newRow("header injection") << QJsonObject {
            { "extraResponseHeaders", QJsonArray { QJsonObject { { "name", "X" }, { "value", "a\r\nEvil: 1" } } } }
        } << "\"extraResponseHeaders\" holds \"X: a\\r\\nEvil: 1\", which is not \"Name: value\"";
        QTest::newRow("header name") << QJsonObject {
            { "extraResponseHeaders", QJsonArray { QJsonObject { { "name", "X Y" }, { "value", "1" } } } }
        } << "holds \"X Y: 1\", which is not \"Name: value\" with a token name";
        QTest::newRow("unknown key") << QJsonObject { { "protocol", QJsonArray { "json" } } }
                                     << "\"protocol\" is not a server policy setting";
        QTest::newRow("unknown nested key") << QJsonObject { { "deflate", QJsonObject { { "enable", true } } } }
                                            << "\"deflate.enable\" is not a server policy setting";
        QTest::newRow("nested not an object")
            << QJsonObject { { "headLimits", 5 } } << "\"headLimits\" must be an object";
        QTest::newRow("versions empty") << QJsonObject { { "versions", QJsonArray {} } }
                                        << "\"versions\" must be a list";
        QTest::newRow("max message 0") << QJsonObject { { "maxMessageBytes", 0 } }
                                       << "\"maxMessageBytes\" must be a number of bytes from 1 to 1 TiB";
    }

    void jsonErrors()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, error);
        QString message;
        QVERIFY(!ServerPolicy::fromJson(json, &message));
        QVERIFY2(message.contains(error), qPrintable(message));
    }
};

QTEST_APPLESS_MAIN(TstDecide)
#include "tst_decide.moc"
