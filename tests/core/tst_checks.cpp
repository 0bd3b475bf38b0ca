// Every handshake check, once passing and once failing, on requests and responses written out as
// raw bytes; plus the rule that a non-101 answer yields a single finding.

#include "core/checks.h"

#include <QRandomGenerator>
#include <QSet>
#include <QTest>

using namespace wsi;

namespace
{

const QByteArray kRequest = "GET /chat HTTP/1.1\r\n"
                            "Host: server.example.com\r\n"
                            "Upgrade: websocket\r\n"
                            "Connection: Upgrade\r\n"
                            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                            "Origin: http://example.com\r\n"
                            "Sec-WebSocket-Protocol: chat, superchat\r\n"
                            "Sec-WebSocket-Version: 13\r\n"
                            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n"
                            "\r\n";

const QByteArray kResponse = "HTTP/1.1 101 Switching Protocols\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                             "Sec-WebSocket-Protocol: chat\r\n"
                             "Sec-WebSocket-Extensions: permessage-deflate\r\n"
                             "\r\n";

// `base` with one exact piece of text replaced; an empty `to` removes it.
QByteArray edited(const QByteArray& base, const QByteArray& from, const QByteArray& to = {})
{
    if (base.count(from) != 1)
        qFatal("test edit \"%s\" does not match exactly once", from.constData());
    return QByteArray(base).replace(from, to);
}

HttpRequest request(const QByteArray& bytes)
{
    const auto parsed = parseRequestHead(bytes);
    if (parsed.state != HeadState::Complete)
        qFatal("test request does not parse: %s", qPrintable(parsed.error.message));
    return parsed.value;
}

HttpResponse response(const QByteArray& bytes)
{
    const auto parsed = parseResponseHead(bytes);
    if (parsed.state != HeadState::Complete)
        qFatal("test response does not parse: %s", qPrintable(parsed.error.message));
    return parsed.value;
}

const Finding* findingWithId(const QList<Finding>& findings, const QString& id)
{
    const Finding* found = nullptr;
    for (const Finding& finding : findings) {
        if (finding.id == id) {
            if (found)
                return nullptr; // ids must be unique
            found = &finding;
        }
    }
    return found;
}

QStringList ids(const QList<Finding>& findings)
{
    QStringList list;
    for (const Finding& finding : findings)
        list.append(finding.id);
    return list;
}

} // namespace

class TestChecks : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void validRequestPassesEveryCheck();
    void requestCheck_data();
    void requestCheck();
    void versionThatIsNotANumber();
    void validResponsePassesEveryCheck();
    void responseCheck_data();
    void responseCheck();
    void nonSwitchingStatusIsOneFinding_data();
    void nonSwitchingStatusIsOneFinding();
    void severityNames();
    void mutatedHeadsNeverCrash();
    void crossSiteCredentials_data();
    void crossSiteCredentials();
    void refusedCrossSiteRequestIsNotFlagged();
};

void TestChecks::validRequestPassesEveryCheck()
{
    const QList<Finding> findings = checkRequest(request(kRequest));
    QCOMPARE(ids(findings),
        (QStringList { "request.method", "request.version", "request.target", "request.host", "request.upgrade",
            "request.connection", "request.key", "request.websocket-version", "request.origin", "request.protocol",
            "request.extensions" }));
    for (const Finding& finding : findings) {
        const Severity expected = finding.id == QLatin1String("request.origin") ? Severity::Info : Severity::Pass;
        QVERIFY2(finding.severity == expected, qPrintable(finding.id + QLatin1String(": ") + finding.message));
        QVERIFY(finding.rfc.startsWith(QLatin1String("RFC ")));
        QVERIFY(!finding.message.isEmpty());
    }
}

void TestChecks::requestCheck_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("id");
    QTest::addColumn<Severity>("severity");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QByteArray>("header");

    const auto pass = Severity::Pass;
    const auto fail = Severity::Error;
    QTest::newRow("POST method") << edited(kRequest, "GET /chat", "POST /chat") << "request.method" << fail << "POST"
                                 << QByteArray();
    QTest::newRow("HTTP/1.0") << edited(kRequest, "HTTP/1.1", "HTTP/1.0") << "request.version" << fail << "HTTP/1.0"
                              << QByteArray();
    QTest::newRow("HTTP/2.0 is later than 1.1")
        << edited(kRequest, "HTTP/1.1", "HTTP/2.0") << "request.version" << pass << "" << QByteArray();
    QTest::newRow("asterisk target") << edited(kRequest, "GET /chat", "GET *") << "request.target" << fail << "*"
                                     << QByteArray();
    QTest::newRow("absolute ws URI target") << edited(kRequest, "GET /chat", "GET ws://server.example.com/chat")
                                            << "request.target" << pass << "" << QByteArray();
    QTest::newRow("Host missing") << edited(kRequest, "Host: server.example.com\r\n") << "request.host" << fail
                                  << "missing" << QByteArray("Host");
    QTest::newRow("Host twice") << edited(
        kRequest, "Host: server.example.com\r\n", "Host: server.example.com\r\nHost: evil.example\r\n")
                                << "request.host" << fail << "2 times" << QByteArray("Host");
    QTest::newRow("Host empty") << edited(kRequest, "Host: server.example.com", "Host:") << "request.host" << fail
                                << "empty" << QByteArray("Host");
    QTest::newRow("Upgrade missing") << edited(kRequest, "Upgrade: websocket\r\n") << "request.upgrade" << fail
                                     << "missing" << QByteArray("Upgrade");
    QTest::newRow("Upgrade h2c") << edited(kRequest, "Upgrade: websocket", "Upgrade: h2c") << "request.upgrade" << fail
                                 << "h2c" << QByteArray("Upgrade");
    QTest::newRow("Upgrade in capitals") << edited(kRequest, "Upgrade: websocket", "Upgrade: WebSocket")
                                         << "request.upgrade" << pass << "" << QByteArray("Upgrade");
    QTest::newRow("Upgrade among other protocols") << edited(kRequest, "Upgrade: websocket", "Upgrade: h2c, websocket")
                                                   << "request.upgrade" << pass << "" << QByteArray("Upgrade");
    QTest::newRow("Connection keep-alive, Upgrade")
        << edited(kRequest, "Connection: Upgrade", "Connection: keep-alive, Upgrade") << "request.connection" << pass
        << "" << QByteArray("Connection");
    QTest::newRow("Connection keep-alive only")
        << edited(kRequest, "Connection: Upgrade", "Connection: keep-alive") << "request.connection" << fail
        << "keep-alive" << QByteArray("Connection");
    QTest::newRow("Connection missing") << edited(kRequest, "Connection: Upgrade\r\n") << "request.connection" << fail
                                        << "missing" << QByteArray("Connection");
    QTest::newRow("key missing") << edited(kRequest, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n") << "request.key"
                                 << fail << "missing" << QByteArray("Sec-WebSocket-Key");
    QTest::newRow("key repeated") << edited(kRequest, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n",
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        "Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAA==\r\n")
                                  << "request.key" << fail << "2 times" << QByteArray("Sec-WebSocket-Key");
    QTest::newRow("key of 15 bytes") << edited(kRequest, "dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25j")
                                     << "request.key" << fail << "16 bytes" << QByteArray("Sec-WebSocket-Key");
    QTest::newRow("version 8") << edited(kRequest, "Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8")
                               << "request.websocket-version" << fail << "426" << QByteArray("Sec-WebSocket-Version");
    QTest::newRow("version missing") << edited(kRequest, "Sec-WebSocket-Version: 13\r\n") << "request.websocket-version"
                                     << fail << "missing" << QByteArray("Sec-WebSocket-Version");
    QTest::newRow("Origin present") << kRequest << "request.origin" << Severity::Info << "http://example.com"
                                    << QByteArray("Origin");
    QTest::newRow("Origin absent") << edited(kRequest, "Origin: http://example.com\r\n") << "request.origin"
                                   << Severity::Info << "No Origin" << QByteArray("Origin");
    QTest::newRow("subprotocol offered twice")
        << edited(kRequest, "chat, superchat", "chat, chat") << "request.protocol" << fail << "twice"
        << QByteArray("Sec-WebSocket-Protocol");
    QTest::newRow("subprotocol with a space") << edited(kRequest, "chat, superchat", "chat room") << "request.protocol"
                                              << fail << "offset 5" << QByteArray("Sec-WebSocket-Protocol");
    QTest::newRow("no subprotocols") << edited(kRequest, "Sec-WebSocket-Protocol: chat, superchat\r\n")
                                     << "request.protocol" << pass << "No subprotocols"
                                     << QByteArray("Sec-WebSocket-Protocol");
    QTest::newRow("extension grammar broken")
        << edited(kRequest, "permessage-deflate; client_max_window_bits", "permessage-deflate;") << "request.extensions"
        << fail << "grammar" << QByteArray("Sec-WebSocket-Extensions");
    QTest::newRow("no extensions") << edited(
        kRequest, "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n")
                                   << "request.extensions" << pass << "No extensions"
                                   << QByteArray("Sec-WebSocket-Extensions");
}

void TestChecks::requestCheck()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, id);
    QFETCH(Severity, severity);
    QFETCH(QString, message);
    QFETCH(QByteArray, header);

    const QList<Finding> findings = checkRequest(request(bytes));
    const Finding* finding = findingWithId(findings, id);
    QVERIFY2(finding, qPrintable(ids(findings).join(QLatin1Char(' '))));
    QVERIFY2(finding->severity == severity, qPrintable(finding->message));
    QVERIFY2(finding->message.contains(message), qPrintable(finding->message));
    QCOMPARE(finding->header, header);
    QVERIFY(!finding->rfc.isEmpty());
}

void TestChecks::versionThatIsNotANumber()
{
    // Requests edited in a form need not come from the parser, so the check cannot trust the syntax.
    HttpRequest request = ::request(kRequest);
    request.version = "HTTP/a.b";
    const QList<Finding> findings = checkRequest(request);
    const Finding* finding = findingWithId(findings, QStringLiteral("request.version"));
    QVERIFY(finding);
    QCOMPARE(finding->severity, Severity::Error);
}

void TestChecks::validResponsePassesEveryCheck()
{
    const QList<Finding> findings = checkResponse(request(kRequest), response(kResponse));
    QCOMPARE(ids(findings),
        (QStringList { "response.status", "response.upgrade", "response.connection", "response.accept",
            "response.protocol", "browser.protocol-required", "response.extensions", "response.cross-site" }));
    for (const Finding& finding : findings) {
        QVERIFY2(finding.severity == Severity::Pass, qPrintable(finding.id + QLatin1String(": ") + finding.message));
        QVERIFY(finding.rfc.startsWith(QLatin1String("RFC ")));
    }
}

void TestChecks::responseCheck_data()
{
    QTest::addColumn<QByteArray>("requestBytes");
    QTest::addColumn<QByteArray>("responseBytes");
    QTest::addColumn<QString>("id");
    QTest::addColumn<Severity>("severity");
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("rfc");

    const auto pass = Severity::Pass;
    const auto fail = Severity::Error;
    const QString section41 = QStringLiteral("RFC 6455 §4.1");
    const QByteArray noOffers = edited(kRequest, "Sec-WebSocket-Protocol: chat, superchat\r\n");
    const QByteArray noProtocol = edited(kResponse, "Sec-WebSocket-Protocol: chat\r\n");
    const QString browserRule
        = QStringLiteral("RFC 6455 §4.1; WHATWG WebSockets Standard, establish a WebSocket connection");

    QTest::newRow("Upgrade missing") << kRequest << edited(kResponse, "Upgrade: websocket\r\n") << "response.upgrade"
                                     << fail << "missing" << section41;
    QTest::newRow("Upgrade h2c") << kRequest << edited(kResponse, "Upgrade: websocket", "Upgrade: h2c")
                                 << "response.upgrade" << fail << "h2c" << section41;
    QTest::newRow("Upgrade with an extra token")
        << kRequest << edited(kResponse, "Upgrade: websocket", "Upgrade: websocket, h2c") << "response.upgrade" << fail
        << "exactly" << section41;
    QTest::newRow("Upgrade in capitals") << kRequest << edited(kResponse, "Upgrade: websocket", "Upgrade: WEBSOCKET")
                                         << "response.upgrade" << pass << "" << section41;
    QTest::newRow("Connection close") << kRequest << edited(kResponse, "Connection: Upgrade", "Connection: close")
                                      << "response.connection" << fail << "close" << section41;
    QTest::newRow("Connection keep-alive, upgrade")
        << kRequest << edited(kResponse, "Connection: Upgrade", "connection: keep-alive, upgrade")
        << "response.connection" << pass << "" << section41;
    QTest::newRow("accept wrong") << kRequest << edited(kResponse, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "abc")
                                  << "response.accept" << fail
                                  << "Sec-WebSocket-Accept is wrong: expected s3pPLMBiTxaQ9kYGzzhZRbK+xOo=, got abc"
                                  << section41;
    // base64(SHA-1("the sample nonce" + GUID)): the key decoded before hashing, a classic mistake.
    QTest::newRow("accept computed from the decoded key")
        << kRequest << edited(kResponse, "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "BXhwxM0SZasKmCD9S4BfpPmCnEw=")
        << "response.accept" << fail << "wrong" << section41;
    QTest::newRow("accept missing") << kRequest
                                    << edited(kResponse, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
                                    << "response.accept" << fail << "missing" << section41;
    QTest::newRow("accept repeated") << kRequest
                                     << edited(kResponse, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n",
                                            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
                                            "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n")
                                     << "response.accept" << fail << "2 times" << QStringLiteral("RFC 6455 §11.3.3");
    QTest::newRow("request had no key") << edited(kRequest, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n")
                                        << kResponse << "response.accept" << fail << "cannot be verified" << section41;
    QTest::newRow("second offered subprotocol selected")
        << kRequest << edited(kResponse, "Protocol: chat", "Protocol: superchat") << "response.protocol" << pass
        << "superchat" << section41;
    QTest::newRow("subprotocol not offered") << kRequest << edited(kResponse, "Protocol: chat", "Protocol: mqtt")
                                             << "response.protocol" << fail << "did not offer" << section41;
    QTest::newRow("subprotocol differs in case") << kRequest << edited(kResponse, "Protocol: chat", "Protocol: CHAT")
                                                 << "response.protocol" << fail << "did not offer" << section41;
    QTest::newRow("subprotocol selected without an offer")
        << noOffers << kResponse << "response.protocol" << fail << "did not offer" << section41;
    QTest::newRow("empty subprotocol is not none")
        << kRequest << edited(kResponse, "Protocol: chat", "Protocol:") << "response.protocol" << fail << "not \"none\""
        << QStringLiteral("RFC 6455 §4.1, §4.2.2");
    QTest::newRow("subprotocol header repeated")
        << kRequest
        << edited(kResponse, "Sec-WebSocket-Protocol: chat\r\n",
               "Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: chat\r\n")
        << "response.protocol" << fail << "only once" << QStringLiteral("RFC 6455 §11.3.4");
    QTest::newRow("two subprotocols selected")
        << kRequest << edited(kResponse, "Protocol: chat", "Protocol: chat, superchat") << "response.protocol" << fail
        << "did not offer" << section41;
    QTest::newRow("no subprotocol selected")
        << kRequest << noProtocol << "response.protocol" << pass << "No subprotocol" << section41;
    QTest::newRow("browsers fail a missing selection")
        << kRequest << noProtocol << "browser.protocol-required" << Severity::Warning
        << "establish a WebSocket connection" << browserRule;
    QTest::newRow("browsers accept no offer and no selection")
        << noOffers << noProtocol << "browser.protocol-required" << pass << "" << browserRule;
    QTest::newRow("browsers accept a selection")
        << kRequest << kResponse << "browser.protocol-required" << pass << "" << browserRule;
    QTest::newRow("extension header repeated")
        << kRequest
        << edited(kResponse, "Sec-WebSocket-Extensions: permessage-deflate\r\n",
               "Sec-WebSocket-Extensions: permessage-deflate\r\nSec-WebSocket-Extensions: x-foo\r\n")
        << "response.extensions" << fail << "only once" << QStringLiteral("RFC 6455 §11.3.2");
    QTest::newRow("extension not offered")
        << kRequest << edited(kResponse, "Extensions: permessage-deflate", "Extensions: x-foo") << "response.extensions"
        << fail << "x-foo" << section41;
    QTest::newRow("extension accepted twice")
        << kRequest
        << edited(kResponse, "Extensions: permessage-deflate", "Extensions: permessage-deflate, permessage-deflate")
        << "response.extensions" << fail << "twice" << section41;
    QTest::newRow("extension grammar broken")
        << kRequest << edited(kResponse, "Extensions: permessage-deflate", "Extensions: ;") << "response.extensions"
        << fail << "grammar" << QStringLiteral("RFC 6455 §9.1");
    QTest::newRow("deflate parameter without value")
        << kRequest
        << edited(kResponse, "Extensions: permessage-deflate", "Extensions: permessage-deflate; client_max_window_bits")
        << "response.extensions" << fail << "client_max_window_bits" << QStringLiteral("RFC 7692 §7");
    QTest::newRow("deflate with negotiated parameters")
        << kRequest
        << edited(kResponse, "Extensions: permessage-deflate",
               "Extensions: permessage-deflate; server_no_context_takeover; client_max_window_bits=10")
        << "response.extensions" << pass << "server_no_context_takeover" << section41;
    QTest::newRow("no extensions in use")
        << kRequest << edited(kResponse, "Sec-WebSocket-Extensions: permessage-deflate\r\n") << "response.extensions"
        << pass << "No extensions" << section41;
}

void TestChecks::responseCheck()
{
    QFETCH(QByteArray, requestBytes);
    QFETCH(QByteArray, responseBytes);
    QFETCH(QString, id);
    QFETCH(Severity, severity);
    QFETCH(QString, message);
    QFETCH(QString, rfc);

    const QList<Finding> findings = checkResponse(request(requestBytes), response(responseBytes));
    const Finding* finding = findingWithId(findings, id);
    QVERIFY2(finding, qPrintable(ids(findings).join(QLatin1Char(' '))));
    QVERIFY2(finding->severity == severity, qPrintable(finding->message));
    QVERIFY2(finding->message.contains(message), qPrintable(finding->message));
    QCOMPARE(finding->rfc, rfc);
}

void TestChecks::nonSwitchingStatusIsOneFinding_data()
{
    QTest::addColumn<QByteArray>("responseBytes");
    QTest::addColumn<QString>("message");

    QTest::newRow("404 Not Found") << QByteArray("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                                   << "404 Not Found: a plain HTTP response";
    QTest::newRow("426 lists the versions spoken")
        << QByteArray("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13, 8\r\n\r\n") << "Version 13, 8";
    QTest::newRow("302 redirect") << QByteArray("HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\n\r\n")
                                  << "redirects to /elsewhere";
    QTest::newRow("200 with handshake headers")
        << QByteArray("HTTP/1.1 200 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n")
        << "200 OK";
}

void TestChecks::nonSwitchingStatusIsOneFinding()
{
    QFETCH(QByteArray, responseBytes);
    QFETCH(QString, message);

    const QList<Finding> findings = checkResponse(request(kRequest), response(responseBytes));
    QCOMPARE(findings.size(), 1);
    QCOMPARE(findings.front().id, QStringLiteral("response.status"));
    QCOMPARE(findings.front().severity, Severity::Error);
    QVERIFY2(findings.front().message.contains(message), qPrintable(findings.front().message));
    QCOMPARE(findings.front().rfc, QStringLiteral("RFC 6455 §4.1"));
}

void TestChecks::severityNames()
{
    QCOMPARE(severityName(Severity::Pass), QStringLiteral("pass"));
    QCOMPARE(severityName(Severity::Info), QStringLiteral("info"));
    QCOMPARE(severityName(Severity::Warning), QStringLiteral("warn"));
    QCOMPARE(severityName(Severity::Error), QStringLiteral("fail"));
}

void TestChecks::mutatedHeadsNeverCrash()
{
    // Random byte edits and truncations of the sample heads; whatever still parses is checked,
    // and every finding must stay well formed.
    QRandomGenerator random(4551);
    const char alphabetBytes[] = " ,;=:\"\tUpgrade13xX-\r\n\x00\xff";
    const QByteArray alphabet(alphabetBytes, sizeof alphabetBytes - 1);
    const auto mutate = [&](QByteArray bytes) {
        for (int edits = random.bounded(1, 6); edits > 0; --edits)
            bytes[random.bounded(bytes.size())] = alphabet[random.bounded(alphabet.size())];
        return random.bounded(4) == 0 ? bytes.first(random.bounded(bytes.size())) : bytes;
    };
    const auto wellFormed = [](const QList<Finding>& findings) {
        QSet<QString> seen;
        for (const Finding& finding : findings) {
            if (finding.id.isEmpty() || finding.message.isEmpty() || !finding.rfc.startsWith(QLatin1String("RFC "))
                || seen.contains(finding.id))
                return false;
            seen.insert(finding.id);
        }
        return !findings.isEmpty();
    };
    int checked = 0;
    for (int round = 0; round < 3000; ++round) {
        const auto parsedRequest = parseRequestHead(mutate(kRequest));
        const auto parsedResponse = parseResponseHead(mutate(kResponse));
        const HttpRequest request = parsedRequest.state == HeadState::Complete ? parsedRequest.value : HttpRequest {};
        QVERIFY(wellFormed(checkRequest(request)));
        if (parsedResponse.state == HeadState::Complete) {
            QVERIFY(wellFormed(checkResponse(request, parsedResponse.value)));
            ++checked;
        }
    }
    QVERIFY(checked > 100); // the mutations must leave enough parseable responses to mean something
}

void TestChecks::crossSiteCredentials_data()
{
    QTest::addColumn<QByteArray>("requestBytes");
    QTest::addColumn<QString>("url"); // where the request went; empty: only its Host header tells
    QTest::addColumn<Severity>("severity");
    QTest::addColumn<QString>("message");

    // kRequest comes from http://example.com and goes to server.example.com: another origin.
    const auto with = [](const QByteArray& extra) {
        return edited(kRequest, "Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\n" + extra);
    };
    const auto sameOrigin = [&](const QByteArray& extra) {
        return edited(with(extra), "Origin: http://example.com", "Origin: http://server.example.com");
    };
    const auto warn = Severity::Warning;
    const auto pass = Severity::Pass;
    QTest::newRow("cookie from another site")
        << with("Cookie: session=4f2a9c\r\n") << QString() << warn << "cross-site WebSocket hijacking";
    QTest::newRow("authorization from another site")
        << with("Authorization: Bearer abc\r\n") << QString() << warn << "(Authorization)";
    QTest::newRow("token in the query from another site")
        << edited(kRequest, "GET /chat ", "GET /chat?room=1&access_token=abc ") << QString() << warn
        << "?access_token=";
    QTest::newRow("jwt in the query, name in capitals")
        << edited(kRequest, "GET /chat ", "GET /chat?JWT=e30 ") << QString() << warn << "allowlist";
    QTest::newRow("opaque origin with a cookie") << edited(with("Cookie: a=b\r\n"), "Origin: http://example.com",
        "Origin: null") << QString() << warn << "Origin null";
    QTest::newRow("another port of the same host")
        << edited(sameOrigin("Cookie: a=b\r\n"), "Host: server.example.com", "Host: server.example.com:8080")
        << QString() << warn << "Cookie";
    QTest::newRow("same host, scheme differs (from the URL)")
        << sameOrigin("Cookie: a=b\r\n") << QStringLiteral("wss://server.example.com/chat") << warn << "Cookie";
    QTest::newRow("same origin with a cookie")
        << sameOrigin("Cookie: a=b\r\n") << QString() << pass << "target's own origin";
    QTest::newRow("same origin (from the URL)")
        << sameOrigin("Cookie: a=b\r\n") << QStringLiteral("ws://server.example.com/chat") << pass
        << "target's own origin";
    QTest::newRow("another site, no credentials") << kRequest << QString() << pass << "no cookie";
    QTest::newRow("a token parameter without a value")
        << edited(kRequest, "GET /chat ", "GET /chat?token= ") << QString() << pass << "no cookie";
    QTest::newRow("no Origin: not a browser")
        << edited(with("Cookie: a=b\r\n"), "Origin: http://example.com\r\n") << QString() << pass << "No Origin";
}

void TestChecks::crossSiteCredentials()
{
    QFETCH(QByteArray, requestBytes);
    QFETCH(QString, url);
    QFETCH(Severity, severity);
    QFETCH(QString, message);

    const QList<Finding> findings = checkResponse(request(requestBytes), response(kResponse), QUrl(url));
    const Finding* finding = findingWithId(findings, QStringLiteral("response.cross-site"));
    QVERIFY2(finding, qPrintable(ids(findings).join(QLatin1Char(' '))));
    QVERIFY2(finding->severity == severity, qPrintable(finding->message));
    QVERIFY2(finding->message.contains(message), qPrintable(finding->message));
    QCOMPARE(finding->rfc, QStringLiteral("RFC 6455 §10.2; OWASP WebSocket Security Cheat Sheet"));
    QCOMPARE(finding->header, QByteArray("Origin"));
}

void TestChecks::refusedCrossSiteRequestIsNotFlagged()
{
    // A server that refused the cross-site request did the right thing: only the status is reported.
    const QByteArray cookie
        = edited(kRequest, "Sec-WebSocket-Version: 13\r\n", "Sec-WebSocket-Version: 13\r\nCookie: session=1\r\n");
    const QList<Finding> findings
        = checkResponse(request(cookie), response("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"));
    QCOMPARE(ids(findings), QStringList { QStringLiteral("response.status") });
}

QTEST_GUILESS_MAIN(TestChecks)
#include "tst_checks.moc"
