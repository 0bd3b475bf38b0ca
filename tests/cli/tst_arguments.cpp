// The command lines of `serve` and `probe`, parsed in process (the wsi_cli library): what each flag sets, and the
// one-sentence refusals a person sees before the usage text.

#include "cli/probeargs.h"
#include "cli/serveoptions.h"
#include "core/policyschema.h"

#include <QTest>

using namespace wsi;

class TstArguments : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void serveDefaults()
    {
        const ServeParse parsed = parseServeArguments({});
        QVERIFY(parsed.options);
        QCOMPARE(parsed.options->port, quint16(9001));
        QVERIFY(samePolicy(parsed.options->policy, ServerPolicy {}));
        QVERIFY(parsed.options->frames);
        QVERIFY(!parsed.options->json);
    }

    void servePolicyFlags()
    {
        const ServeParse parsed = parseServeArguments({ QStringLiteral("--listen"), QStringLiteral("[::1]:0"),
            QStringLiteral("--protocols"), QStringLiteral("msgpack, json"), QStringLiteral("--allow-origin"),
            QStringLiteral("https://a.example"), QStringLiteral("--allow-origin=https://b.example"),
            QStringLiteral("--no-deflate"), QStringLiteral("--max-message"), QStringLiteral("1 MiB"),
            QStringLiteral("--versions"), QStringLiteral("13,8"), QStringLiteral("--header"),
            QStringLiteral("Set-Cookie: a=b"), QStringLiteral("--json"), QStringLiteral("--no-record") });
        QVERIFY2(parsed.options, qPrintable(parsed.error));
        const ServeOptions& o = *parsed.options;
        QCOMPARE(o.address, QHostAddress(QHostAddress::LocalHostIPv6));
        QCOMPARE(o.port, quint16(0));
        QCOMPARE(o.policy.protocols, QList<QByteArray>({ "msgpack", "json" }));
        QCOMPARE(o.policy.allowedOrigins, QList<QByteArray>({ "https://a.example", "https://b.example" }));
        QVERIFY(!o.policy.deflate.enabled);
        QCOMPARE(o.policy.maxMessageBytes, qint64(1) << 20);
        QCOMPARE(o.policy.versions, QList<int>({ 13, 8 }));
        QCOMPARE(o.policy.extraResponseHeaders, QList<Header>({ Header { "Set-Cookie", "a=b" } }));
        QVERIFY(o.json);
        QVERIFY(!o.record);
        QVERIFY(!o.frames); // --no-record implies --no-frames
    }

    void serveRefusals_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown") << QStringList { "--frobnicate" } << "unknown option --frobnicate";
        QTest::newRow("stray word") << QStringList { "now" } << "unexpected argument \"now\"";
        QTest::newRow("missing value") << QStringList { "--token" } << "--token needs a value";
        QTest::newRow("switch with a value") << QStringList { "--no-deflate=yes" } << "--no-deflate takes no value";
        QTest::newRow("contradiction") << QStringList { "--no-deflate", "--deflate" }
                                       << "--no-deflate and --deflate contradict each other";
        QTest::newRow("cert alone") << QStringList { "--cert", "c.pem" } << "--cert and --key go together";
        QTest::newRow("window bits") << QStringList { "--deflate-server-max-window-bits", "7" }
                                     << "--deflate-server-max-window-bits must be a whole number from 8 to 15, not 7";
        QTest::newRow("versions") << QStringList { "--versions", "13,x" }
                                  << "--versions holds \"x\"; each entry must be a whole number from 0 to 255";
    }

    void serveRefusals()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, error);
        const ServeParse parsed = parseServeArguments(args);
        QVERIFY(!parsed.options);
        QCOMPARE(parsed.error, error);
    }

    void serveHelpListsThePolicyFromItsSchema()
    {
        QVERIFY(parseServeArguments({ QStringLiteral("--help") }).help);
        const QString usage = serveUsageText();
        QVERIFY(usage.contains(PolicyFlags::usage()));
        QVERIFY(usage.contains(QStringLiteral("--listen HOST:PORT")));
    }

    void probeFlags()
    {
        QString error;
        const std::optional<ProbeArgs> args = parseProbeArgs(
            { QStringLiteral("wsinspector"), QStringLiteral("probe"), QStringLiteral("ws://127.0.0.1:1/x"),
                QStringLiteral("--protocol"), QStringLiteral("json"), QStringLiteral("--send"), QStringLiteral("hi"),
                QStringLiteral("--send-binary"), QStringLiteral("00ff"), QStringLiteral("--close"),
                QStringLiteral("1001:bye"), QStringLiteral("--echo") },
            &error);
        QVERIFY2(args, qPrintable(error));
        QVERIFY(args->echo);
        QVERIFY(QString::fromLatin1(probeUsage()).contains(QStringLiteral("--echo")));
        QCOMPARE(args->url, QStringLiteral("ws://127.0.0.1:1/x"));
        QCOMPARE(args->protocols, QList<QByteArray>({ "json" }));
        QCOMPARE(args->steps.size(), 2);
        QCOMPARE(args->steps.at(1).payload, QByteArray("\x00\xff", 2));
        QCOMPARE(args->closeCode, std::optional<quint16>(1001));
        QCOMPARE(args->closeReason, QByteArray("bye"));
    }

    void probeRefusals()
    {
        QString error;
        QVERIFY(!parseProbeArgs(
            { QStringLiteral("wsinspector"), QStringLiteral("probe"), QStringLiteral("ws://127.0.0.1:1/"),
                QStringLiteral("--send-binary"), QStringLiteral("0g") },
            &error));
        QVERIFY2(error.contains(QStringLiteral("--send-binary")), qPrintable(error));
        QVERIFY(!parseProbeArgs({ QStringLiteral("wsinspector"), QStringLiteral("probe") }, &error));
        QVERIFY(!error.isEmpty());
    }

    // The JWT probe signs: iat and exp from the clock it is given and --jwt-expires, the --claim values typed as
    // JSON where they read as JSON, and the token placed where --token-in says.
    void probeSignsAJwtAndPlacesIt()
    {
        QString error;
        const auto args = parseProbeArgs(
            { QStringLiteral("wsinspector"), QStringLiteral("probe"), QStringLiteral("ws://127.0.0.1:1/"),
                QStringLiteral("--jwt-secret=s3cret"), QStringLiteral("--claim"), QStringLiteral("sub=alice"),
                QStringLiteral("--claim"), QStringLiteral("level=3"), QStringLiteral("--claim"),
                QStringLiteral("admin=true"), QStringLiteral("--claim"), QStringLiteral("id=\"42\""),
                QStringLiteral("--claim"), QStringLiteral("note=not json"), QStringLiteral("--jwt-expires"),
                QStringLiteral("600"), QStringLiteral("--token-in"), QStringLiteral("protocol:jwt.") },
            &error);
        QVERIFY2(args, qPrintable(error));
        constexpr qint64 now = 1796306400;
        const auto token = probeToken(*args, {}, now, &error);
        QVERIFY2(token, qPrintable(error));
        JwtKeySet keys;
        keys.setHmacSecret("s3cret");
        JwtRules rules;
        rules.nowSeconds = now;
        const JwtVerification verified = verifyJwt(*token, keys, rules);
        QVERIFY2(verified.valid, qPrintable(verified.reason));
        QCOMPARE(verified.algorithmName, QStringLiteral("HS256"));
        QCOMPARE(verified.user, QStringLiteral("alice"));
        QCOMPARE(verified.claims.value("iat").toInteger(), now);
        QCOMPARE(verified.claims.value("exp").toInteger(), now + 600);
        QCOMPARE(verified.claims.value("level"), QJsonValue(3));
        QCOMPARE(verified.claims.value("admin"), QJsonValue(true));
        QCOMPARE(verified.claims.value("id"), QJsonValue(QStringLiteral("42")));
        QCOMPARE(verified.claims.value("note"), QJsonValue(QStringLiteral("not json")));

        const auto spec = probeSpec(*args, {}, &error, *token);
        QVERIFY2(spec, qPrintable(error));
        const BuiltRequest built = buildRequest(*spec, QByteArray(16, '\0'));
        QCOMPARE(built.request.headers.value("Sec-WebSocket-Protocol"), "jwt." + *token);
        QCOMPARE(built.request.target, QByteArray("/"));
    }
};

QTEST_APPLESS_MAIN(TstArguments)
#include "tst_arguments.moc"
