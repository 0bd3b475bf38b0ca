// Each stage of the server's decision pipeline alone: given a request and a policy, what it appends, whether it
// lets the next stage run, and how a refusal is described (status or close code, stage, RFC section).

#include "core/decisionpipeline.h"
#include "core/handshakespec.h"
#include "core/http.h"
#include "core/policyschema.h"
#include "support/testpaths.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace wsi;

namespace
{
// A valid opening handshake (the RFC 6455 §1.3 example key) with `extra` header lines appended.
HttpRequest request(const QByteArray& extra = {}, const QByteArray& target = "/chat")
{
    const QByteArray head = "GET " + target
        + " HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        + extra + "\r\n";
    const HeadParse<HttpRequest> parsed = parseRequestHead(head);
    if (parsed.state != HeadState::Complete)
        qFatal("test request did not parse");
    return parsed.value;
}

HttpRequest withVersion(const QByteArray& version, const QByteArray& extra = {})
{
    return request("Sec-WebSocket-Version: " + version + "\r\n" + extra);
}

// Runs one stage on a fresh decision whose findings come from the request, as decide() prepares them.
std::pair<bool, Decision> run(DecisionStageFunction stage, const HttpRequest& req, const ServerPolicy& policy)
{
    Decision d;
    d.findings = checkRequest(req);
    const bool goOn = stage(req, policy, d);
    return { goOn, d };
}
} // namespace

class TstDecisionPipeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stagesRunInTheDocumentedOrder()
    {
        QList<DecisionStage> order;
        for (const PipelineStage& s : decisionPipeline())
            order.append(s.stage);
        QCOMPARE(order,
            QList<DecisionStage>(
                { DecisionStage::Request, DecisionStage::Version, DecisionStage::Origin, DecisionStage::Authentication,
                    DecisionStage::Subprotocol, DecisionStage::Extensions, DecisionStage::Response }));
        for (const DecisionStage stage : order)
            QCOMPARE(decisionStageFromName(decisionStageName(stage)), std::optional<DecisionStage>(stage));
    }

    void requestValidity()
    {
        auto [goOn, d] = run(&decideRequestValidity, withVersion("13"), ServerPolicy {});
        QVERIFY(goOn);
        QCOMPARE(d.trace.last().outcome, DecisionStep::Outcome::Accepted);
        QCOMPARE(d.trace.last().stage, DecisionStage::Request);

        HttpRequest noUpgrade = withVersion("13");
        noUpgrade.headers.removeAll("Upgrade");
        std::tie(goOn, d) = run(&decideRequestValidity, noUpgrade, ServerPolicy {});
        QVERIFY(!goOn);
        QCOMPARE(d.trace.last().outcome, DecisionStep::Outcome::Rejected);
        QCOMPARE(d.trace.last().status, 400);
        QCOMPARE(d.response.status, 400);
        QVERIFY(!d.trace.last().rfc.isEmpty());
    }

    void version_data()
    {
        QTest::addColumn<QByteArray>("sent");
        QTest::addColumn<QList<int>>("versions");
        QTest::addColumn<bool>("accepted");
        QTest::addColumn<QByteArray>("advertised"); // Sec-WebSocket-Version of the 426
        QTest::newRow("13 by default") << QByteArray("13") << QList<int> { 13 } << true << QByteArray();
        QTest::newRow("8 by default") << QByteArray("8") << QList<int> { 13 } << false << QByteArray("13");
        QTest::newRow("8 when 13 and 8 are spoken") << QByteArray("8") << QList<int> { 13, 8 } << true << QByteArray();
        QTest::newRow("13 when only 8 is spoken") << QByteArray("13") << QList<int> { 8 } << false << QByteArray("8");
        QTest::newRow("leading zero") << QByteArray("013") << QList<int> { 13 } << false << QByteArray("13");
        QTest::newRow("not a number") << QByteArray("thirteen") << QList<int> { 13 } << false << QByteArray("13");
        QTest::newRow("two values") << QByteArray("13, 8") << QList<int> { 13, 8 } << false << QByteArray("13, 8");
    }

    void version()
    {
        QFETCH(QByteArray, sent);
        QFETCH(QList<int>, versions);
        QFETCH(bool, accepted);
        QFETCH(QByteArray, advertised);
        ServerPolicy policy;
        policy.versions = versions;
        const auto [goOn, d] = run(&decideVersion, withVersion(sent), policy);
        QCOMPARE(goOn, accepted);
        QCOMPARE(d.trace.size(), 1);
        QCOMPARE(d.trace.front().stage, DecisionStage::Version);
        if (accepted) {
            QCOMPARE(d.trace.front().outcome, DecisionStep::Outcome::Accepted);
            return;
        }
        QCOMPARE(d.trace.front().outcome, DecisionStep::Outcome::Rejected);
        QCOMPARE(d.trace.front().status, 426);
        QCOMPARE(d.response.status, 426);
        QCOMPARE(d.response.headers.value("Sec-WebSocket-Version"), advertised);
        QVERIFY(d.response.headers.contains("Upgrade"));
    }

    void origin_data()
    {
        QTest::addColumn<QByteArray>("originLine");
        QTest::addColumn<bool>("allowMissing");
        QTest::addColumn<int>("failure"); // FailureMode
        QTest::addColumn<int>("status"); // 0 = let through
        QTest::addColumn<int>("closeCode");
        QTest::newRow("listed") << QByteArray("Origin: https://app.example\r\n") << true << int(FailureMode::Http) << 0
                                << 0;
        QTest::newRow("foreign, http") << QByteArray("Origin: https://evil.example\r\n") << true
                                       << int(FailureMode::Http) << 403 << 0;
        QTest::newRow("foreign, close") << QByteArray("Origin: https://evil.example\r\n") << true
                                        << int(FailureMode::Close) << 0 << 1008;
        QTest::newRow("missing, allowed") << QByteArray() << true << int(FailureMode::Http) << 0 << 0;
        QTest::newRow("missing, refused") << QByteArray() << false << int(FailureMode::Http) << 403 << 0;
        QTest::newRow("twice") << QByteArray("Origin: https://app.example\r\nOrigin: https://app.example\r\n") << true
                               << int(FailureMode::Http) << 403 << 0;
    }

    void origin()
    {
        QFETCH(QByteArray, originLine);
        QFETCH(bool, allowMissing);
        QFETCH(int, failure);
        QFETCH(int, status);
        QFETCH(int, closeCode);
        ServerPolicy policy;
        policy.allowedOrigins = { "https://app.example" };
        policy.allowMissingOrigin = allowMissing;
        policy.originFailure = FailureMode(failure);
        const auto [goOn, d] = run(&decideOrigin, withVersion("13", originLine), policy);
        QCOMPARE(goOn, status == 0);
        const DecisionStep& step = d.trace.last();
        QCOMPARE(step.stage, DecisionStage::Origin);
        QCOMPARE(step.status, status);
        QCOMPARE(int(step.closeCode), closeCode);
        QCOMPARE(step.rfc.contains(QStringLiteral("RFC 6455")), true);
        const bool refused = status != 0 || closeCode != 0;
        QCOMPARE(step.outcome, refused ? DecisionStep::Outcome::Rejected : DecisionStep::Outcome::Accepted);
        QCOMPARE(d.closeAfterUpgrade.has_value(), closeCode != 0);
        if (closeCode)
            QCOMPARE(d.closeReason, QByteArray("Origin not allowed"));
    }

    void anyOriginWithoutAnAllowlist()
    {
        const auto [goOn, d]
            = run(&decideOrigin, withVersion("13", "Origin: https://evil.example\r\n"), ServerPolicy {});
        QVERIFY(goOn);
        QCOMPARE(d.trace.last().outcome, DecisionStep::Outcome::Info);
    }

    void anyOriginWithCredentialsWarns_data()
    {
        QTest::addColumn<QByteArray>("extra");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QString>("credential"); // empty: no warning expected
        const QByteArray evil = "Origin: https://evil.example\r\n";
        QTest::newRow("session cookie") << evil + "Cookie: session=4f2a9c\r\n" << QByteArray("/") << "Cookie";
        QTest::newRow("authorization") << evil + "Authorization: Bearer s3cr3t\r\n"
                                       << QByteArray("/") << "Authorization";
        QTest::newRow("token in the query") << evil << QByteArray("/?token=s3cr3t") << "?token=";
        QTest::newRow("cookie without an Origin header")
            << QByteArray("Cookie: session=1\r\n") << QByteArray("/") << "Cookie";
        QTest::newRow("no credentials") << evil << QByteArray("/?room=1") << QString();
    }

    void anyOriginWithCredentialsWarns()
    {
        QFETCH(QByteArray, extra);
        QFETCH(QByteArray, target);
        QFETCH(QString, credential);
        const HttpRequest req = request("Sec-WebSocket-Version: 13\r\n" + extra, target);
        const auto [goOn, d] = run(&decideOrigin, req, ServerPolicy {});
        QVERIFY(goOn); // a warning, not a refusal: the policy says any origin is allowed
        const DecisionStep& step = d.trace.last();
        QCOMPARE(step.stage, DecisionStage::Origin);
        QVERIFY2(step.text.contains(QStringLiteral("any origin is allowed")), qPrintable(step.text));
        if (credential.isEmpty()) {
            QCOMPARE(step.outcome, DecisionStep::Outcome::Info);
            return;
        }
        QCOMPARE(step.outcome, DecisionStep::Outcome::Warning);
        QVERIFY2(step.text.contains(credential), qPrintable(step.text));
        QVERIFY2(step.text.contains(QStringLiteral("cross-site WebSocket hijacking")), qPrintable(step.text));
        QCOMPARE(step.rfc, QStringLiteral("RFC 6455 §10.2; OWASP WebSocket Security Cheat Sheet"));
        QCOMPARE(step.status, 0);

        // The whole decision still upgrades, and the warning survives the JSON of transcripts and serve --json.
        const Decision whole = decide(req, ServerPolicy {});
        QVERIFY(whole.upgrade);
        const QJsonArray json = decisionStepsToJson(whole.trace);
        QCOMPARE(decisionStepsFromJson(json), whole.trace);
        bool warned = false;
        for (const QJsonValue& v : json)
            warned |= v.toObject().value(QStringLiteral("outcome")).toString() == QLatin1String("warning");
        QVERIFY(warned);

        // With an allowlist that names the origin, the same request is simply accepted.
        ServerPolicy allowlist;
        allowlist.allowedOrigins = { "https://evil.example" };
        allowlist.allowMissingOrigin = true;
        const auto [goOn2, checked] = run(&decideOrigin, req, allowlist);
        QVERIFY(goOn2);
        QCOMPARE(checked.trace.last().outcome, DecisionStep::Outcome::Accepted);
    }

    void policyWarnsWhenAuthenticationHasNoAllowlist()
    {
        ServerPolicy policy;
        QVERIFY(policyWarnings(policy).isEmpty());
        policy.token = "s3cr3t";
        const QList<PolicyWarning> warnings = policyWarnings(policy);
        QCOMPARE(warnings.size(), 1);
        QVERIFY2(warnings.front().text.contains(QStringLiteral("origin allowlist is empty")),
            qPrintable(warnings.front().text));
        QVERIFY(warnings.front().text.contains(QStringLiteral("cross-site WebSocket hijacking")));
        QCOMPARE(warnings.front().explanation, crossSiteHijackingExplanation());
        QVERIFY(warnings.front().explanation.contains(QStringLiteral("allowlist")));
        QCOMPARE(warnings.front().references, QStringLiteral("RFC 6455 §10.2; OWASP WebSocket Security Cheat Sheet"));
        QCOMPARE(warnings.front().keys, (QStringList { QStringLiteral("token"), QStringLiteral("allowedOrigins") }));
        for (const QString& key : warnings.front().keys)
            QVERIFY2(findPolicyField(key), qPrintable(key)); // the keys name real fields
        policy.allowedOrigins = { "https://app.example" };
        QVERIFY(policyWarnings(policy).isEmpty());
    }

    void crossSitePresetShowsBothOutcomes()
    {
        // The "Cross-site origin test" preset against the server it is meant for: as the window starts it (no
        // allowlist) the handshake succeeds and both sides warn; with an allowlist it is refused with 403.
        QFile file(test::sourceDir() + QStringLiteral("/resources/profiles/crosssite.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        QString error;
        const auto spec = HandshakeSpec::fromJson(QJsonDocument::fromJson(file.readAll()).object(), &error);
        QVERIFY2(spec, qPrintable(error));
        const BuiltRequest built = buildRequest(*spec, QByteArray(16, 'k'));
        QVERIFY2(built.ok(), qPrintable(built.error));

        ServerPolicy policy;
        policy.protocols = { "json", "msgpack" };
        const Decision open = decide(built.request, policy);
        QVERIFY(open.upgrade);
        bool serverWarned = false;
        for (const DecisionStep& step : open.trace)
            serverWarned |= step.stage == DecisionStage::Origin && step.outcome == DecisionStep::Outcome::Warning;
        QVERIFY(serverWarned);
        bool clientWarned = false;
        for (const Finding& f : checkResponse(built.request, open.response, built.url))
            clientWarned |= f.id == QLatin1String("response.cross-site") && f.severity == Severity::Warning;
        QVERIFY(clientWarned);

        policy.allowedOrigins = { "https://app.example" };
        const Decision refused = decide(built.request, policy);
        QVERIFY(!refused.upgrade);
        QCOMPARE(refused.response.status, 403);
    }

    void authentication_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("lines");
        QTest::addColumn<int>("failure");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("closeCode");
        QTest::newRow("query") << QByteArray("/chat?token=t0k") << QByteArray() << int(FailureMode::Http) << 0 << 0;
        QTest::newRow("bearer") << QByteArray("/chat") << QByteArray("Authorization: Bearer t0k\r\n")
                                << int(FailureMode::Http) << 0 << 0;
        QTest::newRow("cookie") << QByteArray("/chat") << QByteArray("Cookie: a=1; session=t0k\r\n")
                                << int(FailureMode::Http) << 0 << 0;
        QTest::newRow("missing") << QByteArray("/chat") << QByteArray() << int(FailureMode::Http) << 401 << 0;
        QTest::newRow("wrong, close") << QByteArray("/chat?token=nope") << QByteArray() << int(FailureMode::Close) << 0
                                      << 4001;
    }

    void authentication()
    {
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, lines);
        QFETCH(int, failure);
        QFETCH(int, status);
        QFETCH(int, closeCode);
        ServerPolicy policy;
        policy.token = "t0k";
        policy.authFailure = FailureMode(failure);
        const auto [goOn, d]
            = run(&decideAuthentication, request("Sec-WebSocket-Version: 13\r\n" + lines, target), policy);
        QCOMPARE(goOn, status == 0);
        const DecisionStep& step = d.trace.last();
        QCOMPARE(step.stage, DecisionStage::Authentication);
        QCOMPARE(step.status, status);
        QCOMPARE(int(step.closeCode), closeCode);
        if (status == 401)
            QVERIFY(d.response.headers.value("WWW-Authenticate").startsWith("Bearer"));
        if (status == 0 && closeCode == 0)
            QCOMPARE(step.outcome, DecisionStep::Outcome::Accepted);
    }

    void subprotocol_data()
    {
        QTest::addColumn<QByteArray>("offer");
        QTest::addColumn<int>("order");
        QTest::addColumn<int>("noMatch");
        QTest::addColumn<QByteArray>("chosen");
        QTest::addColumn<int>("status");
        QTest::newRow("server order") << QByteArray("json, msgpack") << int(ProtocolOrder::Server)
                                      << int(NoProtocolMatch::Proceed) << QByteArray("msgpack") << 0;
        QTest::newRow("client order") << QByteArray("json, msgpack") << int(ProtocolOrder::Client)
                                      << int(NoProtocolMatch::Proceed) << QByteArray("json") << 0;
        QTest::newRow("none in common, proceed")
            << QByteArray("xml") << int(ProtocolOrder::Server) << int(NoProtocolMatch::Proceed) << QByteArray() << 0;
        QTest::newRow("none in common, reject")
            << QByteArray("xml") << int(ProtocolOrder::Server) << int(NoProtocolMatch::Reject) << QByteArray() << 400;
        QTest::newRow("not tokens") << QByteArray("a b") << int(ProtocolOrder::Server) << int(NoProtocolMatch::Proceed)
                                    << QByteArray() << 400;
    }

    void subprotocol()
    {
        QFETCH(QByteArray, offer);
        QFETCH(int, order);
        QFETCH(int, noMatch);
        QFETCH(QByteArray, chosen);
        QFETCH(int, status);
        ServerPolicy policy;
        policy.protocols = { "msgpack", "json" };
        policy.protocolOrder = ProtocolOrder(order);
        policy.noProtocolMatch = NoProtocolMatch(noMatch);
        const auto [goOn, d]
            = run(&decideSubprotocol, withVersion("13", "Sec-WebSocket-Protocol: " + offer + "\r\n"), policy);
        QCOMPARE(goOn, status == 0);
        QCOMPARE(d.protocol, chosen);
        QCOMPARE(d.trace.last().stage, DecisionStage::Subprotocol);
        QCOMPARE(d.trace.last().status, status);
    }

    void extensions()
    {
        const HttpRequest offered
            = withVersion("13", "Sec-WebSocket-Extensions: x-unknown, permessage-deflate; client_max_window_bits\r\n");
        auto [goOn, d] = run(&decideExtensions, offered, ServerPolicy {});
        QVERIFY(goOn);
        QCOMPARE(d.trace.size(), 2); // one step per offer
        QCOMPARE(d.trace.at(0).outcome, DecisionStep::Outcome::Info);
        QCOMPARE(d.trace.at(1).outcome, DecisionStep::Outcome::Accepted);
        QCOMPARE(d.trace.at(1).stage, DecisionStage::Extensions);
        QVERIFY(d.deflate.has_value());
        QCOMPARE(d.extensions.size(), 1);

        ServerPolicy off;
        off.deflate.enabled = false;
        std::tie(goOn, d) = run(&decideExtensions, offered, off);
        QVERIFY(goOn); // declining an extension is not a refusal
        QVERIFY(!d.deflate.has_value());
        for (const DecisionStep& step : d.trace)
            QCOMPARE(step.outcome, DecisionStep::Outcome::Info);

        std::tie(goOn, d) = run(&decideExtensions, withVersion("13", "Sec-WebSocket-Extensions: a;;\r\n"), off);
        QVERIFY(!goOn);
        QCOMPARE(d.trace.last().status, 400);
    }

    void response()
    {
        ServerPolicy policy;
        policy.extraResponseHeaders = { { "Set-Cookie", "a=b" } };
        Decision d;
        d.protocol = "json";
        QVERIFY(decideResponse(withVersion("13"), policy, d));
        QVERIFY(d.upgrade);
        QCOMPARE(d.response.status, 101);
        // RFC 6455 §1.3's worked example.
        QCOMPARE(d.response.headers.value("Sec-WebSocket-Accept"), QByteArray("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QCOMPARE(d.response.headers.value("Sec-WebSocket-Protocol"), QByteArray("json"));
        QCOMPARE(d.response.headers.value("Set-Cookie"), QByteArray("a=b"));
        QCOMPARE(d.trace.last().stage, DecisionStage::Response);
    }

    void decideStopsAtTheFirstRefusal()
    {
        ServerPolicy policy;
        policy.allowedOrigins = { "https://app.example" };
        policy.protocols = { "json" };
        const Decision d
            = decide(withVersion("13", "Origin: https://evil.example\r\nSec-WebSocket-Protocol: json\r\n"), policy);
        QVERIFY(!d.upgrade);
        QCOMPARE(d.trace.last().stage, DecisionStage::Origin);
        for (const DecisionStep& step : d.trace)
            QVERIFY(step.stage != DecisionStage::Subprotocol && step.stage != DecisionStage::Response);
    }

    void stepsSurviveJson()
    {
        ServerPolicy policy;
        policy.allowedOrigins = { "https://app.example" };
        policy.originFailure = FailureMode::Close;
        const Decision d = decide(withVersion("13", "Origin: https://evil.example\r\n"), policy);
        const QJsonArray json = decisionStepsToJson(d.trace);
        QCOMPARE(decisionStepsFromJson(json), d.trace);
        const QJsonArray lines = decisionTraceLines(d.trace);
        QCOMPARE(lines.size(), d.trace.size());
        QCOMPARE(lines.at(0).toString(), decisionStepText(d.trace.at(0)));
        // A file written before the steps existed has only the lines: they come back as information.
        const QList<DecisionStep> old = decisionStepsFromJson({}, lines);
        QCOMPARE(old.size(), d.trace.size());
        QCOMPARE(old.at(0).outcome, DecisionStep::Outcome::Info);
    }
};

QTEST_APPLESS_MAIN(TstDecisionPipeline)
#include "tst_decisionpipeline.moc"
