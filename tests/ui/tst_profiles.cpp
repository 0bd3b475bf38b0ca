// Handshake profiles: the presets that ship, saving and loading files, and errors people can read.
#include "ui/builder/profiles.h"
#include "ui/widgets/headerdocs.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace wsi;

class TestProfiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void presetsShip()
    {
        const QList<ProfileInfo> presets = builtInProfiles();
        QStringList stems;
        for (const ProfileInfo& info : presets) {
            stems.append(QFileInfo(info.path).completeBaseName());
            QVERIFY2(!info.name.isEmpty(), qPrintable(info.path));
            QVERIFY2(!info.description.isEmpty(), qPrintable(info.path));
            QVERIFY(isBuiltInProfile(info.path));
            QString error;
            const auto loaded = loadProfile(info.path, &error);
            QVERIFY2(loaded, qPrintable(error));
            // Every preset produces a request that can be sent.
            const BuiltRequest built = buildRequest(loaded->spec, QByteArray(16, 'k'));
            QVERIFY2(built.ok(), qPrintable(info.path + QLatin1String(": ") + built.error));
            QVERIFY(built.bytes.startsWith("GET "));
        }
        stems.sort();
        QCOMPARE(stems,
            (QStringList { QStringLiteral("chat"), QStringLiteral("crosssite"), QStringLiteral("deflate"),
                QStringLiteral("echo"), QStringLiteral("token") }));
    }

    void presetContents()
    {
        const auto chat = loadProfile(QStringLiteral(":/profiles/chat.json"));
        QVERIFY(chat);
        QCOMPARE(chat->spec.protocols, (QList<QByteArray> { "json", "msgpack" }));
        QVERIFY(chat->spec.deflate);
        const BuiltRequest built = buildRequest(chat->spec, QByteArray(16, 'k'));
        QCOMPARE(built.request.headers.value("Sec-WebSocket-Protocol"), QByteArray("json, msgpack"));
        QVERIFY(built.request.headers.value("Sec-WebSocket-Extensions").startsWith("permessage-deflate"));

        const auto crossSite = loadProfile(QStringLiteral(":/profiles/crosssite.json"));
        QVERIFY(crossSite);
        QCOMPARE(buildRequest(crossSite->spec, QByteArray(16, 'k')).request.headers.value("Origin"),
            QByteArray("https://evil.example"));

        const auto token = loadProfile(QStringLiteral(":/profiles/token.json"));
        QVERIFY(token);
        QVERIFY(buildRequest(token->spec, QByteArray(16, 'k'))
                    .request.headers.value("Authorization")
                    .startsWith("Bearer "));

        const auto deflate = loadProfile(QStringLiteral(":/profiles/deflate.json"));
        QVERIFY(deflate);
        QCOMPARE(deflate->spec.deflateOffer.serverMaxWindowBits, std::optional<int>(10));
        QVERIFY(deflate->spec.deflateOffer.serverNoContextTakeover);
    }

    void headerExplanationsShip()
    {
        const HeaderDocs& docs = HeaderDocs::builtIn();
        QVERIFY(docs.size() >= 11);
        for (const char* name :
            { "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Accept", "Sec-WebSocket-Version",
                "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin", "Cookie", "Authorization" }) {
            const HeaderDoc* doc = docs.find(name);
            QVERIFY2(doc, name);
            QVERIFY2(doc->rfc.startsWith(QLatin1String("RFC ")), name);
            // One or two sentences: long enough to explain, short enough for a tooltip.
            QVERIFY2(doc->text.size() > 40 && doc->text.size() < 320, name);
        }
        QVERIFY(docs.find("sec-websocket-key")); // names compare case-insensitively
        QVERIFY(!docs.find("X-Unknown"));
        QVERIFY(docs.tooltip("Origin").contains(QLatin1String("RFC 6455")));
        QVERIFY(docs.tooltip("X-Unknown").isEmpty());
        // A broken file gives no explanations rather than a crash.
        QCOMPARE(HeaderDocs::fromJson("{ broken").size(), 0);
    }

    void findPresetByStemOrName()
    {
        QCOMPARE(findBuiltInProfile(QStringLiteral("chat")).path, QStringLiteral(":/profiles/chat.json"));
        QCOMPARE(findBuiltInProfile(QStringLiteral("plain ECHO")).path, QStringLiteral(":/profiles/echo.json"));
        QVERIFY(findBuiltInProfile(QStringLiteral("nope")).path.isEmpty());
    }

    void saveLoadRoundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("wss://example.test:8443/live?room=1"));
        spec.protocols = { "v2.chat", "v1.chat" };
        spec.deflate = true;
        spec.deflateOffer.serverMaxWindowBits = 9;
        spec.deflateOffer.clientNoContextTakeover = true;
        spec.origin = "https://app.example";
        spec.token = "t0k";
        spec.tokenPlacement = TokenPlacement::Bearer;
        spec.keyMode = KeyMode::Fixed;
        spec.fixedKey = "dGhlIHNhbXBsZSBub25jZQ==";
        spec.syncRowsFromHelpers();
        spec.rows.append(HeaderRow { "X-Disabled", "off", false });
        spec.rows.append(HeaderRow { "X-Dup", "1", true });
        spec.rows.append(HeaderRow { "X-Dup", "2", true });
        spec.rawRequest = "GET / HTTP/1.1\r\nHost: x\n\r\n";

        const QString path = dir.filePath(QStringLiteral("mine.json"));
        QString error;
        QVERIFY2(saveProfile(path, spec, QStringLiteral("Mine"), &error), qPrintable(error));
        const auto loaded = loadProfile(path, &error);
        QVERIFY2(loaded, qPrintable(error));
        QCOMPARE(loaded->info.name, QStringLiteral("Mine"));
        QVERIFY(loaded->spec == spec);
        QCOMPARE(loaded->spec.rawRequest, spec.rawRequest);
    }

    void errorsAreSentences_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not JSON") << QByteArray("{ nope") << QStringLiteral("not valid JSON");
        QTest::newRow("array") << QByteArray("[1, 2]") << QStringLiteral("does not hold a JSON object");
        QTest::newRow("no url") << QByteArray("{\"protocols\": []}") << QStringLiteral("needs a \"url\"");
    }

    void errorsAreSentences()
    {
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("bad.json"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        file.close();
        QString error;
        QVERIFY(!loadProfile(path, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(error.contains(path));
    }

    void missingFileAndUnwritableTarget()
    {
        QString error;
        QVERIFY(!loadProfile(QStringLiteral("/nonexistent/dir/x.json"), &error));
        QVERIFY2(error.startsWith(QLatin1String("Cannot open the profile")), qPrintable(error));
        error.clear();
        QVERIFY(!saveProfile(QStringLiteral("/nonexistent/dir/x.json"), HandshakeSpec {}, QString(), &error));
        QVERIFY2(!error.isEmpty(), "a failed save must say why");
    }

    void retargetKeepsPathAndQuery()
    {
        HandshakeSpec spec = HandshakeSpec::withDefaults(QStringLiteral("ws://127.0.0.1:9001/chat?x=1"));
        retargetSpec(spec, QUrl(QStringLiteral("wss://127.0.0.1:40123/")));
        QCOMPARE(spec.url, QStringLiteral("wss://127.0.0.1:40123/chat?x=1"));
        QCOMPARE(spec.rows.at(0).name, QByteArray("Host"));
        QCOMPARE(spec.rows.at(0).value, QByteArray("127.0.0.1:40123"));
        retargetSpec(spec, QUrl()); // no server: unchanged
        QCOMPARE(spec.url, QStringLiteral("wss://127.0.0.1:40123/chat?x=1"));
    }
};

QTEST_MAIN(TestProfiles)
#include "tst_profiles.moc"
