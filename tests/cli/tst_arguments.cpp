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
                QStringLiteral("1001:bye") },
            &error);
        QVERIFY2(args, qPrintable(error));
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
};

QTEST_APPLESS_MAIN(TstArguments)
#include "tst_arguments.moc"
