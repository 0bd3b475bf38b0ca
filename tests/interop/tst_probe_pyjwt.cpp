// Tokens `wsinspector probe` signs, verified by a real peer: PyJWT 2.6 (Debian python3-jwt with python3-cryptography,
// run by /usr/bin/python3 through tests/peers/python/jwtpeer.py). Each token is taken from probe's --json request
// event, exactly as it went on the wire, with the algorithm probe chose for the key it was given.

#include "support/fakeservers.h"
#include "support/jwtkeys.h"
#include "support/peerprocess.h"
#include "support/testpaths.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using wsi::test::QtEchoServer;

namespace
{
const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kSecret = QStringLiteral("a shared secret of thirty-two by");
constexpr int kTimeoutMs = 60000;

QString pyjwtUnavailable()
{
    if (!QFileInfo::exists(kPython))
        return QStringLiteral("/usr/bin/python3 not found");
    QProcess check;
    check.start(kPython, { QStringLiteral("-c"), QStringLiteral("import jwt, cryptography") });
    if (!check.waitForFinished(30000) || check.exitStatus() != QProcess::NormalExit || check.exitCode() != 0)
        return QStringLiteral("python3-jwt and python3-cryptography are not installed for /usr/bin/python3");
    return {};
}

// Runs probe while this process's event loop serves the in-process echo server; returns its --json events.
QList<QJsonObject> probeEvents(const QStringList& arguments, QByteArray* errors)
{
    QProcess process;
    process.start(
        wsi::test::wsinspectorBinary(), QStringList { QStringLiteral("probe"), QStringLiteral("--json") } + arguments);
    if (!process.waitForStarted(kTimeoutMs)
        || !QTest::qWaitFor([&] { return process.state() == QProcess::NotRunning; }, kTimeoutMs))
        return {};
    *errors = process.readAllStandardError();
    QList<QJsonObject> events;
    for (const QByteArray& line : process.readAllStandardOutput().split('\n')) {
        const QJsonDocument document = QJsonDocument::fromJson(line);
        if (document.isObject())
            events.append(document.object());
    }
    return events;
}

// The bearer token of the request probe sent, read from the raw bytes of its request event.
QByteArray bearerTokenSent(const QList<QJsonObject>& events)
{
    for (const QJsonObject& event : events) {
        if (event.value(QLatin1String("event")).toString() != QLatin1String("request"))
            continue;
        for (const QByteArray& line : event.value(QLatin1String("raw")).toString().toUtf8().split('\n')) {
            if (line.startsWith("Authorization: Bearer "))
                return line.mid(qstrlen("Authorization: Bearer ")).trimmed();
        }
    }
    return {};
}

QJsonObject runPeer(const QJsonObject& operation)
{
    QProcess python;
    python.start(kPython, { wsi::test::peerScript(QStringLiteral("python/jwtpeer.py")) });
    if (!python.waitForStarted(kTimeoutMs))
        return {};
    python.write(QJsonDocument(QJsonArray { operation }).toJson(QJsonDocument::Compact));
    python.closeWriteChannel();
    if (!python.waitForFinished(kTimeoutMs) || python.exitCode() != 0) {
        qWarning("jwtpeer.py failed: %s", python.readAllStandardError().constData());
        return {};
    }
    const QJsonArray results = QJsonDocument::fromJson(python.readAllStandardOutput()).array();
    return results.size() == 1 ? results.first().toObject() : QJsonObject();
}
} // namespace

class TestProbePyJwt : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(!wsi::test::wsinspectorBinary().isEmpty(), "WSI_BINARY is not set (run through ctest)");
        const QString reason = pyjwtUnavailable();
        if (!reason.isEmpty() && !wsi::test::peersRequired())
            QSKIP(qPrintable(reason));
        QVERIFY2(reason.isEmpty(), qPrintable(reason));
        QVERIFY(m_dir.isValid());
    }

    void pyjwtVerifiesWhatProbeSigned_data()
    {
        QTest::addColumn<QString>("keyKind"); // empty: the shared secret
        QTest::addColumn<QString>("expectedAlg");
        QTest::newRow("HS256 with a secret") << QString() << "HS256";
        QTest::newRow("ES256 from a P-256 key") << "P-256"
                                                << "ES256";
        QTest::newRow("ES512 from a P-521 key") << "P-521"
                                                << "ES512";
        QTest::newRow("RS256 from an RSA key") << "RSA"
                                               << "RS256";
        QTest::newRow("EdDSA from an Ed25519 key") << "Ed25519"
                                                   << "EdDSA";
    }
    void pyjwtVerifiesWhatProbeSigned()
    {
        QFETCH(QString, keyKind);
        QFETCH(QString, expectedAlg);
        QJsonObject verify { { "op", "verify" }, { "alg", expectedAlg }, { "audience", "wsi" } };
        QStringList signing;
        if (keyKind.isEmpty()) {
            signing = { QStringLiteral("--jwt-secret"), kSecret };
            verify.insert("secret", kSecret);
        } else {
            const wsi::test::JwtTestKeyPair pair = wsi::test::makeJwtTestKeyPair(keyKind);
            QVERIFY(!pair.privatePem.isEmpty());
            const QString privatePath = m_dir.filePath(keyKind + QStringLiteral("-private.pem"));
            const QString publicPath = m_dir.filePath(keyKind + QStringLiteral("-public.pem"));
            for (const auto& [path, pem] :
                { std::pair(privatePath, pair.privatePem), std::pair(publicPath, pair.publicPem) }) {
                QFile file(path);
                QVERIFY(file.open(QIODevice::WriteOnly));
                QCOMPARE(file.write(pem), pem.size());
            }
            signing = { QStringLiteral("--jwt-key"), privatePath };
            verify.insert("key", publicPath);
        }

        QtEchoServer server;
        QByteArray errors;
        const QList<QJsonObject> events = probeEvents(QStringList { server.url() } + signing
                + QStringList { QStringLiteral("--claim"), QStringLiteral("sub=alice"), QStringLiteral("--claim"),
                    QStringLiteral("aud=wsi"), QStringLiteral("--claim"), QStringLiteral("scope=[\"read\",\"write\"]"),
                    QStringLiteral("--token-in"), QStringLiteral("bearer") },
            &errors);
        const QByteArray token = bearerTokenSent(events);
        QVERIFY2(!token.isEmpty(), errors.constData());

        verify.insert("token", QString::fromLatin1(token));
        const QJsonObject result = runPeer(verify);
        QVERIFY2(result.value("valid").toBool(), QJsonDocument(result).toJson().constData());
        QCOMPARE(result.value("header").toObject().value("alg").toString(), expectedAlg);
        QCOMPARE(result.value("header").toObject().value("typ").toString(), QStringLiteral("JWT"));
        const QJsonObject claims = result.value("claims").toObject();
        QCOMPARE(claims.value("sub").toString(), QStringLiteral("alice"));
        QCOMPARE(claims.value("scope").toArray(), (QJsonArray { "read", "write" }));
        // --jwt-expires defaults to an hour: PyJWT checked exp against its own clock and found it in the future.
        QCOMPARE(claims.value("exp").toInteger() - claims.value("iat").toInteger(), qint64(3600));
    }
};

QTEST_GUILESS_MAIN(TestProbePyJwt)
#include "tst_probe_pyjwt.moc"
