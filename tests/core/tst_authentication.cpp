// Handshake authentication in core: where credentials are read, who they name, what the trace may show of them,
// and the decision's authentication step with users, subprotocol-borne credentials and JWTs.
#include "core/authentication.h"
#include "core/decisionpipeline.h"
#include "core/http.h"
#include "core/jwt.h"

#include <QJsonArray>
#include <QTest>

using namespace wsi;

namespace
{
DecisionInputs inputsAt(qint64 nowSeconds, std::shared_ptr<const JwtKeySet> keys = {})
{
    DecisionInputs inputs;
    inputs.nowSeconds = nowSeconds;
    inputs.jwtKeys = std::move(keys);
    return inputs;
}

HttpRequest request(const QByteArray& target, const QByteArray& extraLines = {})
{
    const QByteArray head = "GET " + target
        + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + extraLines + "\r\n";
    const HeadParse<HttpRequest> parsed = parseRequestHead(head);
    if (parsed.state != HeadState::Complete)
        qFatal("test request does not parse");
    return parsed.value;
}

QString traceText(const Decision& d)
{
    QStringList lines;
    for (const DecisionStep& step : d.trace)
        lines.append(decisionStepText(step));
    return lines.join(QLatin1Char('\n'));
}
} // namespace

class TestAuthentication : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void credentialSourceWords_data()
    {
        QTest::addColumn<QByteArray>("word");
        QTest::addColumn<QString>("label"); // empty: refused
        QTest::newRow("query") << QByteArray("query:access_token") << QStringLiteral("?access_token=");
        QTest::newRow("bearer") << QByteArray("bearer") << QStringLiteral("Authorization: Bearer");
        QTest::newRow("cookie") << QByteArray("cookie:sid") << QStringLiteral("Cookie sid=");
        QTest::newRow("protocol default prefix")
            << QByteArray("protocol") << QStringLiteral("Sec-WebSocket-Protocol token.*");
        QTest::newRow("protocol prefix") << QByteArray("protocol:auth.")
                                         << QStringLiteral("Sec-WebSocket-Protocol auth.*");
        QTest::newRow("query without name") << QByteArray("query") << QString();
        QTest::newRow("bearer with name") << QByteArray("bearer:x") << QString();
        QTest::newRow("unknown place") << QByteArray("header:X-Token") << QString();
        QTest::newRow("prefix with a space") << QByteArray("protocol:a b") << QString();
    }
    void credentialSourceWords()
    {
        QFETCH(QByteArray, word);
        QFETCH(QString, label);
        QString problem;
        const auto source = parseCredentialSource(word, &problem);
        QCOMPARE(source.has_value(), !label.isEmpty());
        if (source) {
            QCOMPARE(source->label(), label);
            QCOMPARE(parseCredentialSource(source->word().toUtf8())->label(), label); // word() reads back
        } else {
            QVERIFY(!problem.isEmpty());
        }
    }

    void credentialsAreFoundInTheOrderOfTheSources()
    {
        const QList<CredentialSource> sources { *parseCredentialSource("cookie:session"),
            *parseCredentialSource("query:token"), *parseCredentialSource("protocol") };
        const HttpRequest r = request("/?a=1&token=q%20v&token=second",
            "Cookie: other=1; session=c-v\r\nSec-WebSocket-Protocol: json, token.p-v\r\n");
        const QList<PresentedCredential> found = presentedCredentials(r, sources);
        QCOMPARE(found.size(), 4);
        QCOMPARE(found.at(0).value, QByteArray("c-v"));
        QCOMPARE(found.at(1).value, QByteArray("q v"));
        QCOMPARE(found.at(2).value, QByteArray("second"));
        QCOMPARE(found.at(3).value, QByteArray("p-v"));
        QCOMPARE(found.at(3).protocolItem, QByteArray("token.p-v"));
        QCOMPARE(credentialProtocolItems(r, sources), QList<QByteArray> { "token.p-v" });
    }

    void targetsHideCredentials()
    {
        const QList<CredentialSource> sources { *parseCredentialSource("query:token") };
        QCOMPARE(targetWithoutCredentials("/chat?room=1&token=s3cret&x", sources),
            QByteArray("/chat?room=1&token=<hidden>&x"));
        QCOMPARE(targetWithoutCredentials("/chat", sources), QByteArray("/chat"));
        QCOMPARE(targetWithoutCredentials("/?tokens=1", sources), QByteArray("/?tokens=1"));
    }

    void userTokens()
    {
        QCOMPARE(parseUserToken("abc==alice")->token, QByteArray("abc=")); // base64 padding stays with the token
        QCOMPARE(parseUserToken("abc==alice")->name, QStringLiteral("alice"));
        QString problem;
        QVERIFY(!parseUserToken("alice", &problem));
        QVERIFY(!problem.isEmpty());
        QVERIFY(!parseUserToken("=alice"));
        QVERIFY(!parseUserToken("abc="));
    }

    void welcomeAndExpiry()
    {
        QCOMPARE(welcomeMessage(std::nullopt, {}), QByteArray(R"({"protocol":null,"user":null})"));
        AuthenticatedUser alice { QStringLiteral("alice"), QStringLiteral("jwt from ?token="), {}, {}, 1000 };
        QCOMPARE(welcomeMessage(alice, "json"), QByteArray(R"({"protocol":"json","user":"alice"})"));
        QCOMPARE(secondsUntilExpiry(alice, 400), std::optional<qint64>(600));
        QCOMPARE(secondsUntilExpiry(alice, 2000), std::optional<qint64>(0));
        alice.expires.reset();
        QVERIFY(!secondsUntilExpiry(alice, 400));
        QVERIFY(!secondsUntilExpiry(std::nullopt, 400));
    }

    void usersAndSubprotocolCredentials()
    {
        ServerPolicy policy;
        policy.protocols = { "json" };
        policy.token = "t-shared";
        policy.users = { "t-alice=alice" };
        policy.tokenFrom = { "bearer", "protocol" };

        Decision d = decide(request("/", "Sec-WebSocket-Protocol: token.t-alice, json\r\n"), policy);
        QVERIFY(d.upgrade);
        QCOMPARE(d.user->name, QStringLiteral("alice"));
        QCOMPARE(d.user->source, QStringLiteral("token from Sec-WebSocket-Protocol token.*"));
        QCOMPARE(d.protocol, QByteArray("json")); // the credential item is skipped
        QVERIFY2(!traceText(d).contains(QStringLiteral("t-alice")), qPrintable(traceText(d)));
        QVERIFY(!d.response.serialize().contains("t-alice"));

        // With the client's order the credential item comes first, and still is not chosen.
        policy.protocolOrder = ProtocolOrder::Client;
        d = decide(request("/", "Sec-WebSocket-Protocol: token.t-alice, json\r\n"), policy);
        QCOMPARE(d.protocol, QByteArray("json"));

        d = decide(request("/", "Authorization: Bearer t-shared\r\n"), policy);
        QCOMPARE(d.user->name, QStringLiteral("token"));

        // ?token= is not among the places read: the credential there is not found.
        d = decide(request("/?token=t-alice"), policy);
        QVERIFY(!d.upgrade);
        QCOMPARE(d.response.status, 401);
        QVERIFY(!d.user);
        QVERIFY2(traceText(d).contains(QStringLiteral("token missing: looked in Authorization: Bearer, "
                                                      "Sec-WebSocket-Protocol token.*")),
            qPrintable(traceText(d)));
    }

    void jwtWithoutLoadedKeysIsRefusedSayingSo()
    {
        ServerPolicy policy;
        policy.jwtKeyFile = "/keys.json";
        const JwtSignResult token = signJwt(JwtAlgorithm::HS256, QJsonObject { { "sub", "alice" } }, "k");
        Decision d = decide(request("/?token=" + token.token), policy, inputsAt(1000));
        QCOMPARE(d.response.status, 401);
        QVERIFY2(traceText(d).contains(QStringLiteral("JWT keys are not loaded")), qPrintable(traceText(d)));
        QVERIFY(!traceText(d).contains(QString::fromLatin1(token.token)));
    }

    void jwtNamesTheUserWithItsClaims()
    {
        ServerPolicy policy;
        policy.jwtSecret = "k3y";
        const JwtKeysResult keys = jwtKeysFor(policy, {});
        QVERIFY(keys.keys);
        const JwtSignResult token = signJwt(JwtAlgorithm::HS256,
            QJsonObject { { "sub", "alice" }, { "exp", 2000 }, { "roles", QJsonArray { "admin" } } }, "k3y");
        Decision d
            = decide(request("/", "Authorization: Bearer " + token.token + "\r\n"), policy, inputsAt(1000, keys.keys));
        QVERIFY2(d.upgrade, qPrintable(traceText(d)));
        QCOMPARE(d.user->name, QStringLiteral("alice"));
        QCOMPARE(d.user->roles, QStringList { QStringLiteral("admin") });
        QCOMPARE(d.user->expires, std::optional<qint64>(2000));
        QCOMPARE(d.user->source, QStringLiteral("jwt from Authorization: Bearer"));

        // The same token an hour after it expired.
        d = decide(
            request("/", "Authorization: Bearer " + token.token + "\r\n"), policy, inputsAt(2000 + 3600, keys.keys));
        QCOMPARE(d.response.status, 401);
        QVERIFY2(traceText(d).contains(QStringLiteral("JWT from Authorization: Bearer refused: token expired")),
            qPrintable(traceText(d)));
    }
};

QTEST_GUILESS_MAIN(TestAuthentication)
#include "tst_authentication.moc"
