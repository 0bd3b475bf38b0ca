// JWTs against a real peer: PyJWT 2.6 (Debian python3-jwt with python3-cryptography, run by /usr/bin/python3 through
// tests/peers/python/jwtpeer.py). PyJWT signs, good and bad tokens alike, and verifyJwt must accept or refuse each
// with the right reason; then PyJWT verifies the tokens signJwt makes. Keys are made fresh by OpenSSL and handed to
// PyJWT as PEM files.

#include "core/jwt.h"
#include "engine/echoserver.h"
#include "support/jwtkeys.h"
#include "support/peerprocess.h"
#include "support/testpaths.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkRequest>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketHandshakeOptions>

using namespace wsi;
using wsi::test::JwtTestKeyPair;

namespace
{

const QString kPython = QStringLiteral("/usr/bin/python3");
const QString kSecret = QStringLiteral("a shared secret of thirty-two by");
constexpr qint64 kNow = 1796306400; // 2026-12-03 14:00:00 UTC: the time verifyJwt is told for PyJWT's tokens
constexpr int kPeerTimeoutMs = 60000;

QString pyjwtUnavailable()
{
    if (!QFileInfo::exists(kPython))
        return QStringLiteral("/usr/bin/python3 not found");
    QProcess probe;
    probe.start(kPython, { QStringLiteral("-c"), QStringLiteral("import jwt, cryptography") });
    if (!probe.waitForFinished(30000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
        return QStringLiteral("python3-jwt and python3-cryptography are not installed for /usr/bin/python3");
    return {};
}

QJsonObject claimsAround(qint64 now)
{
    return QJsonObject { { QStringLiteral("sub"), QStringLiteral("alice") },
        { QStringLiteral("iss"), QStringLiteral("https://issuer.example") },
        { QStringLiteral("aud"), QStringLiteral("wsi") }, { QStringLiteral("iat"), double(now - 60) },
        { QStringLiteral("exp"), double(now + 600) } };
}

JwtRules rulesAt(qint64 now)
{
    JwtRules rules;
    rules.issuer = QStringLiteral("https://issuer.example");
    rules.audience = QStringLiteral("wsi");
    rules.nowSeconds = now;
    return rules;
}

bool isHmac(const QString& alg)
{
    return alg.startsWith(QLatin1String("HS"));
}

} // namespace

class TestJwtPyJwt : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QHash<QString, JwtTestKeyPair> m_pairs; // by kind: "RSA", "P-256", "P-521", "Ed25519"

    static QString kindFor(const QString& alg)
    {
        if (alg == QLatin1String("ES256"))
            return QStringLiteral("P-256");
        if (alg == QLatin1String("ES512"))
            return QStringLiteral("P-521");
        if (alg == QLatin1String("EdDSA"))
            return QStringLiteral("Ed25519");
        return QStringLiteral("RSA");
    }

    QString pemPath(const QString& kind, const char* which) const
    {
        return m_dir.filePath(QStringLiteral("%1-%2.pem").arg(kind, QLatin1String(which)));
    }

    // The key members of an operation: the secret for HS*, else the PEM file of the algorithm's key.
    QJsonObject keyFor(const QString& alg, const char* which) const
    {
        if (isHmac(alg))
            return { { QStringLiteral("secret"), kSecret } };
        return { { QStringLiteral("key"), pemPath(kindFor(alg), which) } };
    }

    JwtKeySet keySetFor(const QString& alg) const
    {
        JwtKeySet keys;
        if (isHmac(alg))
            keys.setHmacSecret(kSecret.toUtf8());
        else
            keys.loadPublicKeys(m_pairs.value(kindFor(alg)).publicPem);
        return keys;
    }

    // Runs the peer on `operations` and returns its results, one per operation; fails the test when it cannot.
    static QJsonArray runPeer(const QJsonArray& operations)
    {
        QProcess python;
        python.start(kPython, { test::peerScript(QStringLiteral("python/jwtpeer.py")) });
        if (!python.waitForStarted(kPeerTimeoutMs))
            return {};
        python.write(QJsonDocument(operations).toJson(QJsonDocument::Compact));
        python.closeWriteChannel();
        if (!python.waitForFinished(kPeerTimeoutMs) || python.exitStatus() != QProcess::NormalExit
            || python.exitCode() != 0) {
            qWarning("jwtpeer.py failed: %s", python.readAllStandardError().constData());
            return {};
        }
        return QJsonDocument::fromJson(python.readAllStandardOutput()).array();
    }

    static QJsonObject runOne(const QJsonObject& operation)
    {
        const QJsonArray results = runPeer({ operation });
        return results.size() == 1 ? results.first().toObject() : QJsonObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        const QString reason = pyjwtUnavailable();
        if (!reason.isEmpty() && !test::peersRequired())
            QSKIP(qPrintable(reason));
        QVERIFY2(reason.isEmpty(), qPrintable(reason));
        QVERIFY(QFileInfo::exists(test::peerScript(QStringLiteral("python/jwtpeer.py"))));
        QVERIFY(m_dir.isValid());
        for (const QString& kind :
            { QStringLiteral("RSA"), QStringLiteral("P-256"), QStringLiteral("P-521"), QStringLiteral("Ed25519") }) {
            const JwtTestKeyPair pair = wsi::test::makeJwtTestKeyPair(kind);
            QVERIFY(!pair.privatePem.isEmpty());
            m_pairs.insert(kind, pair);
            for (const auto& [which, pem] :
                { std::pair<const char*, QByteArray> { "private", pair.privatePem }, { "public", pair.publicPem } }) {
                QFile file(pemPath(kind, which));
                QVERIFY(file.open(QIODevice::WriteOnly));
                QCOMPARE(file.write(pem), pem.size());
            }
        }
    }

    void pyjwtSignsWeVerify_data()
    {
        QTest::addColumn<QString>("alg");
        QTest::addColumn<QJsonObject>("changes"); // claims replaced in the standard set; null removes
        QTest::addColumn<bool>("tamper");
        QTest::addColumn<QString>("expected"); // empty: valid; else a part of the reason

        for (const char* alg : { "HS256", "HS512", "RS256", "PS256", "ES256", "ES512", "EdDSA" })
            QTest::newRow(alg) << QString::fromLatin1(alg) << QJsonObject() << false << QString();
        QTest::newRow("aud list") << "ES256" << QJsonObject { { "aud", QJsonArray { "other", "wsi" } } } << false
                                  << QString();
        QTest::newRow("expired") << "RS256" << QJsonObject { { "exp", double(kNow - 180) } } << false
                                 << "token expired 3 min ago (exp 2026-12-03 13:57:00 UTC)";
        QTest::newRow("nbf in the future") << "ES256" << QJsonObject { { "nbf", double(kNow + 300) } } << false
                                           << "token is not valid yet: nbf is in 5 min";
        QTest::newRow("wrong aud") << "HS256" << QJsonObject { { "aud", "other" } } << false
                                   << "aud \"other\" does not include \"wsi\"";
        QTest::newRow("wrong iss") << "PS256" << QJsonObject { { "iss", "https://evil.example" } } << false
                                   << "iss \"https://evil.example\" is not the expected issuer";
        QTest::newRow("no sub") << "EdDSA" << QJsonObject { { "sub", QJsonValue::Null } } << false
                                << "the token has no sub claim naming the user";
        for (const char* alg : { "HS256", "RS256", "PS256", "ES256", "EdDSA" })
            QTest::newRow(qPrintable(QStringLiteral("tampered %1").arg(QLatin1String(alg))))
                << QString::fromLatin1(alg) << QJsonObject() << true << "signature does not match";
        QTest::newRow("alg none") << "none" << QJsonObject() << false << "alg none is refused: the token is unsigned";
    }

    void pyjwtSignsWeVerify()
    {
        QFETCH(QString, alg);
        QFETCH(QJsonObject, changes);
        QFETCH(bool, tamper);
        QFETCH(QString, expected);

        QJsonObject claims = claimsAround(kNow);
        for (auto it = changes.begin(); it != changes.end(); ++it) {
            if (it.value().isNull())
                claims.remove(it.key());
            else
                claims.insert(it.key(), it.value());
        }
        QJsonObject operation { { "op", "sign" }, { "alg", alg }, { "claims", claims }, { "tamper", tamper } };
        if (alg != QLatin1String("none")) {
            const QJsonObject key = keyFor(alg, "private");
            for (auto it = key.begin(); it != key.end(); ++it)
                operation.insert(it.key(), it.value());
        }
        const QJsonObject signedByPyJwt = runOne(operation);
        const QByteArray token = signedByPyJwt.value("token").toString().toUtf8();
        QVERIFY2(!token.isEmpty(), QJsonDocument(signedByPyJwt).toJson().constData());

        // alg none is tried against every kind of key set: no key makes it acceptable.
        const QList<JwtKeySet> keySets = alg == QLatin1String("none")
            ? QList<JwtKeySet> { keySetFor(QStringLiteral("HS256")), keySetFor(QStringLiteral("RS256")) }
            : QList<JwtKeySet> { keySetFor(alg) };
        for (const JwtKeySet& keys : keySets) {
            const JwtVerification v = verifyJwt(token, keys, rulesAt(kNow));
            if (expected.isEmpty()) {
                QVERIFY2(v.valid, qPrintable(v.reason));
                QCOMPARE(v.user, QStringLiteral("alice"));
                QCOMPARE(v.algorithmName, alg);
                QCOMPARE(v.claims, claims);
                QCOMPARE(v.expiresAt, std::optional<qint64>(kNow + 600));
                QVERIFY2(v.steps.first().startsWith(QStringLiteral("JWT %1 signature valid").arg(alg)),
                    qPrintable(v.steps.join(u" | ")));
            } else {
                QVERIFY(!v.valid);
                QVERIFY2(v.reason.contains(expected), qPrintable(v.reason));
            }
        }
    }

    void pyjwtKidSelectsFromOurJwks()
    {
        QJsonObject jwk = m_pairs.value(QStringLiteral("P-256")).jwk;
        jwk.insert("kid", "k2");
        QJsonObject other = m_pairs.value(QStringLiteral("RSA")).jwk;
        other.insert("kid", "k1");
        JwtKeySet keys;
        QCOMPARE(keys.loadPublicKeys(QJsonDocument(QJsonObject { { "keys", QJsonArray { other, jwk } } }).toJson()),
            QString());
        QJsonObject operation { { "op", "sign" }, { "alg", "ES256" }, { "claims", claimsAround(kNow) },
            { "kid", "k2" } };
        operation.insert("key", pemPath(QStringLiteral("P-256"), "private"));
        const QByteArray token = runOne(operation).value("token").toString().toUtf8();
        QVERIFY(!token.isEmpty());
        const JwtVerification v = verifyJwt(token, keys, rulesAt(kNow));
        QVERIFY2(v.valid, qPrintable(v.reason));
        QCOMPARE(v.steps.first(), QStringLiteral("JWT ES256 signature valid with kid k2"));
        QCOMPARE(v.keyId, QStringLiteral("k2"));
    }

    void weSignPyjwtVerifies_data()
    {
        QTest::addColumn<QString>("alg");
        for (const char* alg : { "HS256", "HS384", "RS256", "RS512", "PS256", "PS512", "ES256", "ES512", "EdDSA" })
            QTest::newRow(alg) << QString::fromLatin1(alg);
    }

    void weSignPyjwtVerifies()
    {
        QFETCH(QString, alg);
        // PyJWT checks exp against its own clock, so these tokens are made around the real time.
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const QJsonObject claims = claimsAround(now);
        const QByteArray key = isHmac(alg) ? kSecret.toUtf8() : m_pairs.value(kindFor(alg)).privatePem;
        const std::optional<JwtAlgorithm> algorithm = jwtAlgorithmFromName(alg);
        QVERIFY(algorithm);
        const JwtSignResult good = signJwt(*algorithm, claims, key, QStringLiteral("k1"));
        QVERIFY2(good.ok(), qPrintable(good.error));
        const JwtSignResult expired = signJwt(*algorithm, claimsAround(now - 3600), key);
        QVERIFY2(expired.ok(), qPrintable(expired.error));
        // Our own check of the same tokens agrees.
        QVERIFY(verifyJwt(good.token, keySetFor(alg), rulesAt(now)).valid);
        QVERIFY(!verifyJwt(expired.token, keySetFor(alg), rulesAt(now)).valid);

        QJsonArray operations;
        QJsonObject verify { { "op", "verify" }, { "alg", alg }, { "audience", "wsi" },
            { "issuer", "https://issuer.example" } };
        const QJsonObject keyMembers = keyFor(alg, "public");
        for (auto it = keyMembers.begin(); it != keyMembers.end(); ++it)
            verify.insert(it.key(), it.value());
        QList<QByteArray> parts = good.token.split('.');
        for (const QByteArray& token : { good.token, expired.token }) {
            verify.insert("token", QString::fromLatin1(token));
            operations.append(verify);
        }
        // A changed payload under the same signature.
        QJsonObject forged = claims;
        forged.insert("sub", "admin");
        parts[1] = QJsonDocument(forged)
                       .toJson(QJsonDocument::Compact)
                       .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        verify.insert("token", QString::fromLatin1(parts.join('.')));
        operations.append(verify);

        const QJsonArray results = runPeer(operations);
        QCOMPARE(results.size(), 3);
        const QJsonObject accepted = results.at(0).toObject();
        QVERIFY2(accepted.value("valid").toBool(), QJsonDocument(accepted).toJson().constData());
        QCOMPARE(accepted.value("claims").toObject(), claims);
        QCOMPARE(
            accepted.value("header").toObject(), (QJsonObject { { "alg", alg }, { "typ", "JWT" }, { "kid", "k1" } }));
        const QJsonObject refusedExpired = results.at(1).toObject();
        QVERIFY2(!refusedExpired.value("valid").toBool(true)
                && refusedExpired.value("error").toString().startsWith(QLatin1String("ExpiredSignatureError")),
            QJsonDocument(refusedExpired).toJson().constData());
        const QJsonObject refusedForged = results.at(2).toObject();
        QVERIFY2(!refusedForged.value("valid").toBool(true)
                && refusedForged.value("error").toString().startsWith(QLatin1String("InvalidSignatureError")),
            QJsonDocument(refusedForged).toJson().constData());
    }

    // The whole way: PyJWT's tokens reach the local server from Qt's QWebSocket over loopback, as Authorization
    // Bearer or as a Sec-WebSocket-Protocol item; the server's decision names the user, or refuses each bad token
    // with its own reason, never repeating the token.
    void serverOverTheWire_data()
    {
        QTest::addColumn<QJsonObject>("signing"); // the jwtpeer.py sign operation
        QTest::addColumn<QString>("placement"); // bearer, protocol or query
        QTest::addColumn<QString>("expected"); // the user, or a part of the refusal
        const qint64 now = QDateTime::currentSecsSinceEpoch();
        const auto sign = [&](const QString& alg, QJsonObject claims, bool tamper = false) {
            QJsonObject op { { QStringLiteral("op"), QStringLiteral("sign") }, { QStringLiteral("alg"), alg },
                { QStringLiteral("claims"), claims } };
            if (alg == QLatin1String("HS256"))
                op.insert(QStringLiteral("secret"), kSecret);
            else if (alg != QLatin1String("none"))
                op.insert(QStringLiteral("key"), QStringLiteral("ES256")); // replaced by the PEM path below
            if (tamper)
                op.insert(QStringLiteral("tamper"), true);
            return op;
        };
        QJsonObject expired = claimsAround(now);
        expired.insert(QStringLiteral("exp"), double(now - 3600));
        QJsonObject otherAudience = claimsAround(now);
        otherAudience.insert(QStringLiteral("aud"), QStringLiteral("another-service"));
        QTest::newRow("HS256 bearer") << sign(QStringLiteral("HS256"), claimsAround(now)) << "bearer"
                                      << "alice";
        QTest::newRow("ES256 bearer") << sign(QStringLiteral("ES256"), claimsAround(now)) << "bearer"
                                      << "alice";
        QTest::newRow("HS256 as subprotocol item") << sign(QStringLiteral("HS256"), claimsAround(now)) << "protocol"
                                                   << "alice";
        QTest::newRow("HS256 in the query") << sign(QStringLiteral("HS256"), claimsAround(now)) << "query"
                                            << "alice";
        QTest::newRow("expired") << sign(QStringLiteral("HS256"), expired) << "query"
                                 << "expired";
        QTest::newRow("other audience") << sign(QStringLiteral("HS256"), otherAudience) << "bearer"
                                        << "aud";
        QTest::newRow("tampered") << sign(QStringLiteral("ES256"), claimsAround(now), true) << "bearer"
                                  << "signature";
        QTest::newRow("alg none") << sign(QStringLiteral("none"), claimsAround(now)) << "bearer"
                                  << "none";
    }

    void serverOverTheWire()
    {
        QFETCH(QJsonObject, signing);
        QFETCH(QString, placement);
        const bool asProtocol = placement == QLatin1String("protocol");
        QFETCH(QString, expected);
        if (signing.contains(QStringLiteral("key")))
            signing.insert(QStringLiteral("key"), pemPath(QStringLiteral("P-256"), "private"));
        const QJsonObject signed_ = runOne(signing);
        const QByteArray token = signed_.value(QStringLiteral("token")).toString().toLatin1();
        QVERIFY2(!token.isEmpty(), qPrintable(QJsonDocument(signed_).toJson()));

        // The public key as a key file, the way --jwt-key reads it.
        const QString keyFile = m_dir.filePath(QStringLiteral("server-key.pem"));
        QFile file(keyFile);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(m_pairs.value(QStringLiteral("P-256")).publicPem);
        file.close();

        ServerPolicy policy;
        policy.protocols = { "json" };
        policy.jwtSecret = kSecret.toUtf8();
        policy.jwtKeyFile = keyFile.toUtf8();
        policy.jwtIssuer = "https://issuer.example";
        policy.jwtAudience = "wsi";
        policy.tokenFrom = { "query:token", "bearer", "protocol" };
        policy.allowedOrigins = { "http://localhost" };
        EchoServer server;
        server.setPolicy(policy);
        QCOMPARE(server.policyFileProblems(), QStringList());
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));

        QWebSocket client(QStringLiteral("http://localhost"));
        QUrl url = server.url();
        if (placement == QLatin1String("query"))
            url.setQuery(QStringLiteral("token=") + QString::fromLatin1(token));
        QNetworkRequest request(url);
        QWebSocketHandshakeOptions options;
        if (asProtocol)
            options.setSubprotocols({ QStringLiteral("json"), QStringLiteral("token.") + QString::fromLatin1(token) });
        else if (placement == QLatin1String("bearer"))
            request.setRawHeader("Authorization", "Bearer " + token);
        QSignalSpy connected(&client, &QWebSocket::connected);
        QSignalSpy disconnected(&client, &QWebSocket::disconnected);
        client.open(request, options);
        QTRY_VERIFY_WITH_TIMEOUT(!connected.isEmpty() || !disconnected.isEmpty(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!server.connections().isEmpty()
                && !server.connections().constFirst()->transcript().handshake().decisionSteps.isEmpty(),
            10000);
        const HandshakeRecord& h = server.connections().constFirst()->transcript().handshake();
        QStringList trace;
        for (const DecisionStep& step : h.decisionSteps)
            trace.append(decisionStepText(step));
        const QString traceText = trace.join(QLatin1Char('\n'));
        QVERIFY2(!traceText.contains(QString::fromLatin1(token)), qPrintable(traceText)); // never the token
        if (expected == QLatin1String("alice")) {
            QVERIFY2(!connected.isEmpty(), qPrintable(traceText));
            QVERIFY2(h.user.has_value(), qPrintable(traceText));
            QCOMPARE(h.user->name, QStringLiteral("alice"));
            QCOMPARE(h.user->claims.value(QStringLiteral("aud")).toString(), QStringLiteral("wsi"));
            QVERIFY(h.user->expires.has_value());
            QVERIFY2(h.user->source.startsWith(QStringLiteral("jwt from ")), qPrintable(h.user->source));
            // The credential item is never chosen as the subprotocol: the response does not echo the secret.
            QCOMPARE(client.subprotocol(), asProtocol ? QStringLiteral("json") : QString());
            QVERIFY(!h.rawResponse.contains(token));
        } else {
            QVERIFY(!h.user.has_value());
            QCOMPARE(h.status, 401);
            QVERIFY2(traceText.contains(expected), qPrintable(traceText));
            QVERIFY2(!h.rawResponse.contains(token), h.rawResponse.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestJwtPyJwt)
#include "tst_jwt_pyjwt.moc"
