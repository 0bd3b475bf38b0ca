// JSON Web Tokens: every algorithm signed and verified with keys made fresh by OpenSSL, every refusal with its own
// reason, key loading from PEM and JWK Sets. Tokens for the refusals are put together byte by byte here, as an
// attacker would, rather than by the code under test.

#include "core/jwt.h"
#include "support/jwtkeys.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <limits>

using namespace wsi;
using wsi::test::base64UrlForTest;
using wsi::test::JwtTestKeyPair;
using wsi::test::makeJwtTestKeyPair;

namespace
{

constexpr qint64 kNow = 1796306400; // 2026-12-03 14:00:00 UTC
const QByteArray kSecret("a shared secret of thirty-two by");

QByteArray jsonBytes(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray rawToken(const QByteArray& header, const QByteArray& payload, const QByteArray& signature = "signature")
{
    return base64UrlForTest(header) + '.' + base64UrlForTest(payload) + '.' + base64UrlForTest(signature);
}

QJsonObject standardClaims()
{
    return QJsonObject { { QStringLiteral("sub"), QStringLiteral("alice") },
        { QStringLiteral("iss"), QStringLiteral("https://issuer.example") },
        { QStringLiteral("aud"), QStringLiteral("wsi") }, { QStringLiteral("exp"), double(kNow + 14 * 60) },
        { QStringLiteral("iat"), double(kNow - 60) } };
}

QJsonObject claimsWith(const QString& key, const QJsonValue& value)
{
    QJsonObject claims = standardClaims();
    if (value.isUndefined())
        claims.remove(key);
    else
        claims.insert(key, value);
    return claims;
}

JwtRules standardRules()
{
    JwtRules rules;
    rules.issuer = QStringLiteral("https://issuer.example");
    rules.audience = QStringLiteral("wsi");
    rules.nowSeconds = kNow;
    return rules;
}

JwtKeySet secretKeys()
{
    JwtKeySet keys;
    keys.setHmacSecret(kSecret);
    return keys;
}

QByteArray hs256(const QJsonObject& claims)
{
    return signJwt(JwtAlgorithm::HS256, claims, kSecret).token;
}

// The token with its payload replaced, header and signature kept.
QByteArray withPayload(const QByteArray& token, const QJsonObject& claims)
{
    QList<QByteArray> parts = token.split('.');
    parts[1] = base64UrlForTest(jsonBytes(claims));
    return parts.join('.');
}

QByteArray withSignature(const QByteArray& token, const QByteArray& signatureText)
{
    QList<QByteArray> parts = token.split('.');
    parts[2] = signatureText;
    return parts.join('.');
}

QByteArray jwks(const QList<QJsonObject>& keys)
{
    QJsonArray list;
    for (const QJsonObject& key : keys)
        list.append(key);
    return jsonBytes(QJsonObject { { QStringLiteral("keys"), list } });
}

QJsonObject withMembers(QJsonObject jwk, const QJsonObject& members)
{
    for (auto it = members.begin(); it != members.end(); ++it)
        jwk.insert(it.key(), it.value());
    return jwk;
}

struct RefusalCase {
    QByteArray name;
    QByteArray token;
    JwtKeySet keys;
    JwtRules rules;
    QString expected; // a part of the reason that only this refusal gives
};

} // namespace

class TestJwt : public QObject
{
    Q_OBJECT

    JwtTestKeyPair m_rsa;
    JwtTestKeyPair m_otherRsa;
    JwtTestKeyPair m_p256;
    JwtTestKeyPair m_otherP256;
    JwtTestKeyPair m_p384;
    JwtTestKeyPair m_p521;
    JwtTestKeyPair m_ed25519;

    const JwtTestKeyPair& pairFor(JwtAlgorithm algorithm) const
    {
        switch (algorithm) {
        case JwtAlgorithm::ES256:
            return m_p256;
        case JwtAlgorithm::ES384:
            return m_p384;
        case JwtAlgorithm::ES512:
            return m_p521;
        case JwtAlgorithm::EdDSA:
            return m_ed25519;
        default:
            return m_rsa;
        }
    }

    static bool isHmac(JwtAlgorithm algorithm)
    {
        return algorithm == JwtAlgorithm::HS256 || algorithm == JwtAlgorithm::HS384 || algorithm == JwtAlgorithm::HS512;
    }

    JwtKeySet publicKeys(const QByteArray& pemOrJwks) const
    {
        JwtKeySet keys;
        const QString error = keys.loadPublicKeys(pemOrJwks);
        if (!error.isEmpty())
            qWarning("keys not loaded: %s", qPrintable(error));
        return keys;
    }

    QByteArray sign(JwtAlgorithm algorithm, const QJsonObject& claims = standardClaims(), const QString& kid = {}) const
    {
        const JwtSignResult signed_
            = signJwt(algorithm, claims, isHmac(algorithm) ? kSecret : pairFor(algorithm).privatePem, kid);
        if (!signed_.ok())
            qWarning("not signed: %s", qPrintable(signed_.error));
        return signed_.token;
    }

    QList<RefusalCase> refusalCases() const
    {
        QList<RefusalCase> cases;
        const JwtRules rules = standardRules();
        const JwtKeySet secret = secretKeys();
        const QByteArray header = R"({"alg":"HS256","typ":"JWT"})";
        const QByteArray payload = jsonBytes(standardClaims());
        const auto add = [&cases](const char* name, const QByteArray& token, const JwtKeySet& keys, const JwtRules& r,
                             const QString& expected) {
            cases.append({ name, token, keys, r, expected });
        };

        // The token's form.
        JwtRules small = rules;
        small.maxTokenBytes = 100;
        add("over the size cap", hs256(standardClaims()), secret, small, QStringLiteral("over the limit of 100"));
        add("two parts", "eyJhbGciOiJIUzI1NiJ9.e30", secret, rules, QStringLiteral("the token has 2 parts"));
        add("four parts", hs256(standardClaims()) + ".x", secret, rules, QStringLiteral("the token has 4 parts"));
        add("five parts: JWE", "a.b.c.d.e", secret, rules, QStringLiteral("encrypted token (JWE)"));
        add("padding", base64UrlForTest("{\"alg\":\"HS256\"}") + "==." + base64UrlForTest(payload) + ".c2ln", secret,
            rules, QStringLiteral("the header is not valid base64url: it ends in '=' padding"));
        add("bad character", base64UrlForTest(header) + ".ab+c." + "c2ln", secret, rules,
            QStringLiteral("the payload is not valid base64url: character '+' at offset 2 is not allowed"));
        add("leftover character", base64UrlForTest(header) + '.' + base64UrlForTest(payload) + ".abcde", secret, rules,
            QStringLiteral("the signature is not valid base64url: its 5 characters leave one over"));
        add("trailing bits", base64UrlForTest(header) + '.' + base64UrlForTest(payload) + ".c2lnbh", secret, rules,
            QStringLiteral("the signature is not valid base64url: its last character carries bits"));
        add("header not JSON", rawToken("{alg:HS256}", payload), secret, rules,
            QStringLiteral("the header is not JSON ("));
        add("header an array", rawToken("[\"HS256\"]", payload), secret, rules,
            QStringLiteral("the header is JSON but not an object"));
        add("payload not JSON", rawToken(header, "alice"), secret, rules, QStringLiteral("the payload is not JSON ("));
        add("payload a string", rawToken(header, "\"alice\""), secret, rules,
            QStringLiteral("the payload is JSON but not an object"));
        add("alg not a string", rawToken(R"({"alg":256})", payload), secret, rules,
            QStringLiteral("the header's \"alg\" must be a string, not 256"));
        add("kid not a string", rawToken(R"({"alg":"HS256","kid":["k1"]})", payload), secret, rules,
            QStringLiteral("the header's \"kid\" must be a string, not a list"));

        // The algorithm and the key.
        add("alg none", rawToken(R"({"alg":"none"})", payload, {}), secret, rules,
            QStringLiteral("alg none is refused: the token is unsigned"));
        add("no alg", rawToken(R"({"typ":"JWT"})", payload), secret, rules, QStringLiteral("the header names no alg"));
        add("unknown alg", rawToken(R"({"alg":"HS257"})", payload), secret, rules,
            QStringLiteral("alg \"HS257\" is no signing algorithm this server knows"));
        add("lower-case alg", rawToken(R"({"alg":"hs256"})", payload), secret, rules,
            QStringLiteral("alg \"hs256\" is no signing algorithm"));
        add("crit", rawToken(R"({"alg":"HS256","crit":["exp"]})", payload), secret, rules,
            QStringLiteral("marks extensions as critical"));
        // The classic: the verifier's RSA public key, which anyone has, used as an HMAC secret.
        add("HS256 with the public key as secret",
            signJwt(JwtAlgorithm::HS256, standardClaims(), m_rsa.publicPem).token, publicKeys(m_rsa.publicPem), rules,
            QStringLiteral("(the HS256-with-public-key confusion attack)"));
        add("HS256 with no keys at all", hs256(standardClaims()), JwtKeySet(), rules,
            QStringLiteral("alg HS256 needs a shared secret, and none is configured"));
        add("RS256 with a secret only", sign(JwtAlgorithm::RS256), secret, rules,
            QStringLiteral("alg RS256 needs a public key; this server verifies with a shared secret only"));
        add("RS256 with no keys at all", sign(JwtAlgorithm::RS256), JwtKeySet(), rules,
            QStringLiteral("alg RS256 needs a public key, and none is configured"));
        add("ES256 with an RSA key", sign(JwtAlgorithm::ES256), publicKeys(m_rsa.publicPem), rules,
            QStringLiteral("alg ES256 needs an EC P-256 key; the key is an RSA 2048-bit key"));
        add("ES256 with a P-384 key", sign(JwtAlgorithm::ES256), publicKeys(m_p384.publicPem), rules,
            QStringLiteral("alg ES256 needs an EC P-256 key; the key is an EC P-384 key"));
        add("EdDSA with an EC key", sign(JwtAlgorithm::EdDSA), publicKeys(m_p256.publicPem), rules,
            QStringLiteral("alg EdDSA needs an Ed25519 key; the key is an EC P-256 key"));
        add("PS256 with an Ed25519 key", sign(JwtAlgorithm::PS256), publicKeys(m_ed25519.publicPem), rules,
            QStringLiteral("alg PS256 needs an RSA key; the key is an Ed25519 key"));
        add("ES384 with two keys, neither fits", sign(JwtAlgorithm::ES384),
            publicKeys(m_rsa.publicPem + m_p256.publicPem), rules,
            QStringLiteral("alg ES384 needs an EC P-384 key; none of the 2 keys"));
        add("PS256 with a key for RS256 only", sign(JwtAlgorithm::PS256, standardClaims(), QStringLiteral("r1")),
            publicKeys(jwks({ withMembers(m_rsa.jwk, { { "kid", "r1" }, { "alg", "RS256" } }) })), rules,
            QStringLiteral("alg PS256 does not fit the RSA 2048-bit key (kid r1), which is for RS256 only"));
        add("kid naming no key", sign(JwtAlgorithm::ES256, standardClaims(), QStringLiteral("k9")),
            publicKeys(
                jwks({ withMembers(m_p256.jwk, { { "kid", "k1" } }), withMembers(m_rsa.jwk, { { "kid", "k2" } }) })),
            rules, QStringLiteral("kid \"k9\" names no key in the key set (it has k1, k2)"));
        add("tampered payload, HS256", withPayload(hs256(standardClaims()), claimsWith("sub", "admin")), secret, rules,
            QStringLiteral("signature does not match"));
        add("tampered payload, RS256", withPayload(sign(JwtAlgorithm::RS256), claimsWith("sub", "admin")),
            publicKeys(m_rsa.publicPem), rules, QStringLiteral("signature does not match"));
        add("signed by another key, ES256",
            signJwt(JwtAlgorithm::ES256, standardClaims(), m_otherP256.privatePem).token, publicKeys(m_p256.publicPem),
            rules, QStringLiteral("signature does not match"));
        add("signed by another secret", signJwt(JwtAlgorithm::HS256, standardClaims(), "another secret").token, secret,
            rules, QStringLiteral("signature does not match"));
        add("empty signature", withSignature(hs256(standardClaims()), {}), secret, rules,
            QStringLiteral("signature does not match"));
        add("signed by a third key, two tried",
            signJwt(JwtAlgorithm::RS256, standardClaims(), m_otherRsa.privatePem).token,
            publicKeys(
                jwks({ withMembers(m_rsa.jwk, { { "kid", "a" } }), withMembers(m_rsa.jwk, { { "kid", "b" } }) })),
            rules, QStringLiteral("signature does not match any of the 2 keys that fit"));
        add("ES256 signature of the wrong length",
            withSignature(sign(JwtAlgorithm::ES256), base64UrlForTest(QByteArray(70, '\x30'))),
            publicKeys(m_p256.publicPem), rules, QStringLiteral("an ES256 signature is 64 bytes (r then s), not 70"));

        // The claims.
        add("expired", hs256(claimsWith("exp", double(kNow - 180))), secret, rules,
            QStringLiteral("token expired 3 min ago (exp 2026-12-03 13:57:00 UTC)"));
        JwtRules leeway = rules;
        leeway.leewaySeconds = 60;
        add("expired beyond the leeway", hs256(claimsWith("exp", double(kNow - 61))), secret, leeway,
            QStringLiteral("token expired 1 min ago (exp 2026-12-03 13:58:59 UTC, leeway 60 s)"));
        add("expiring this second", hs256(claimsWith("exp", double(kNow))), secret, rules,
            QStringLiteral("token expired just now (exp 2026-12-03 14:00:00 UTC)"));
        add("not valid yet", hs256(claimsWith("nbf", double(kNow + 300))), secret, rules,
            QStringLiteral("token is not valid yet: nbf is in 5 min (2026-12-03 14:05:00 UTC)"));
        add("not valid yet beyond the leeway", hs256(claimsWith("nbf", double(kNow + 61))), secret, leeway,
            QStringLiteral("token is not valid yet: nbf is in 1 min (2026-12-03 14:01:01 UTC, leeway 60 s)"));
        add("exp a string", hs256(claimsWith("exp", "tomorrow")), secret, rules,
            QStringLiteral("claim exp must be a number of seconds since 1970, not \"tomorrow\""));
        add("nbf true", hs256(claimsWith("nbf", true)), secret, rules,
            QStringLiteral("claim nbf must be a number of seconds since 1970, not true"));
        add("iat a numeric string", hs256(claimsWith("iat", "1796306400")), secret, rules,
            QStringLiteral("claim iat must be a number of seconds since 1970, not \"1796306400\""));
        add("wrong iss", hs256(claimsWith("iss", "https://evil.example")), secret, rules,
            QStringLiteral("iss \"https://evil.example\" is not the expected issuer \"https://issuer.example\""));
        add("no iss", hs256(claimsWith("iss", QJsonValue::Undefined)), secret, rules,
            QStringLiteral("the token has no iss; this server expects \"https://issuer.example\""));
        add("iss a number", hs256(claimsWith("iss", 5)), secret, rules,
            QStringLiteral("claim iss must be a string, not 5"));
        add("wrong aud", hs256(claimsWith("aud", "other")), secret, rules,
            QStringLiteral("aud \"other\" does not include \"wsi\""));
        add("aud list without ours", hs256(claimsWith("aud", QJsonArray { "a", "b" })), secret, rules,
            QStringLiteral("aud \"a\", \"b\" does not include \"wsi\""));
        add("no aud", hs256(claimsWith("aud", QJsonValue::Undefined)), secret, rules,
            QStringLiteral("the token has no aud; this server expects \"wsi\""));
        add("aud a number", hs256(claimsWith("aud", 5)), secret, rules,
            QStringLiteral("claim aud must be a string or a list of strings, not 5"));
        add("aud list holding a number", hs256(claimsWith("aud", QJsonArray { "wsi", 5 })), secret, rules,
            QStringLiteral("claim aud must be a string or a list of strings, and it holds 5"));
        JwtRules noAudience = rules;
        noAudience.audience.clear();
        add("aud where none is configured", hs256(standardClaims()), secret, noAudience,
            QStringLiteral("the token is meant for aud \"wsi\", and this server has no audience configured"));
        add("no sub", hs256(claimsWith("sub", QJsonValue::Undefined)), secret, rules,
            QStringLiteral("the token has no sub claim naming the user"));
        add("sub a number", hs256(claimsWith("sub", 42)), secret, rules,
            QStringLiteral("claim sub names the user and must be a string, not 42"));
        add("sub empty", hs256(claimsWith("sub", "")), secret, rules,
            QStringLiteral("claim sub is empty: it names no user"));
        JwtRules email = rules;
        email.userClaim = QStringLiteral("email");
        add("no email as the user claim", hs256(standardClaims()), secret, email,
            QStringLiteral("the token has no email claim naming the user"));
        return cases;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_rsa = makeJwtTestKeyPair(QStringLiteral("RSA"));
        m_otherRsa = makeJwtTestKeyPair(QStringLiteral("RSA"));
        m_p256 = makeJwtTestKeyPair(QStringLiteral("P-256"));
        m_otherP256 = makeJwtTestKeyPair(QStringLiteral("P-256"));
        m_p384 = makeJwtTestKeyPair(QStringLiteral("P-384"));
        m_p521 = makeJwtTestKeyPair(QStringLiteral("P-521"));
        m_ed25519 = makeJwtTestKeyPair(QStringLiteral("Ed25519"));
        for (const JwtTestKeyPair* pair :
            { &m_rsa, &m_otherRsa, &m_p256, &m_otherP256, &m_p384, &m_p521, &m_ed25519 }) {
            QVERIFY(pair->privatePem.startsWith("-----BEGIN PRIVATE KEY-----"));
            QVERIFY(pair->publicPem.startsWith("-----BEGIN PUBLIC KEY-----"));
            QVERIFY(!pair->jwk.isEmpty());
        }
    }

    void algorithmNames()
    {
        const QStringList names { "none", "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384",
            "PS512", "ES256", "ES384", "ES512", "EdDSA" };
        for (const QString& name : names) {
            const std::optional<JwtAlgorithm> algorithm = jwtAlgorithmFromName(name);
            QVERIFY2(algorithm, qPrintable(name));
            QCOMPARE(jwtAlgorithmName(*algorithm), name);
        }
        QVERIFY(!jwtAlgorithmFromName(u"hs256"));
        QVERIFY(!jwtAlgorithmFromName(u"None"));
        QVERIFY(!jwtAlgorithmFromName(u"ES256K"));
        QVERIFY(!jwtAlgorithmFromName(u""));
    }

    void roundTrip_data()
    {
        QTest::addColumn<int>("algorithm");
        for (int i = int(JwtAlgorithm::HS256); i <= int(JwtAlgorithm::EdDSA); ++i)
            QTest::newRow(qPrintable(jwtAlgorithmName(JwtAlgorithm(i)))) << i;
    }

    void roundTrip()
    {
        QFETCH(int, algorithm);
        const auto alg = JwtAlgorithm(algorithm);
        const QString name = jwtAlgorithmName(alg);
        const QByteArray token = sign(alg, standardClaims(), QStringLiteral("k1"));
        QVERIFY(!token.isEmpty());

        const JwtDecodeResult decoded = decodeJwt(token);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error));
        QCOMPARE(decoded.token->header, (QJsonObject { { "alg", name }, { "typ", "JWT" }, { "kid", "k1" } }));
        QCOMPARE(decoded.token->claims, standardClaims());
        QCOMPARE(decoded.token->signingInput, token.left(token.lastIndexOf('.')));

        // With a PEM key (or the secret), and with the key as a JWK Set naming it k1.
        QList<JwtKeySet> keySets;
        if (isHmac(alg)) {
            keySets.append(secretKeys());
        } else {
            keySets.append(publicKeys(pairFor(alg).publicPem));
            keySets.append(publicKeys(jwks({ withMembers(pairFor(alg).jwk, { { "kid", "k1" }, { "alg", name } }) })));
        }
        for (const JwtKeySet& keys : keySets) {
            const JwtVerification v = verifyJwt(token, keys, standardRules());
            QVERIFY2(v.valid, qPrintable(v.reason));
            QVERIFY(v.reason.isEmpty());
            QCOMPARE(v.user, QStringLiteral("alice"));
            QCOMPARE(v.claims, standardClaims());
            QCOMPARE(v.expiresAt, std::optional<qint64>(kNow + 14 * 60));
            QCOMPARE(v.algorithmName, name);
            QCOMPARE(v.keyId, QStringLiteral("k1"));
            QVERIFY2(v.steps.value(0).startsWith(QStringLiteral("JWT %1 signature valid with ").arg(name)),
                qPrintable(v.steps.join(u" | ")));
            QVERIFY(v.steps.contains(QStringLiteral("exp in 14 min")));
            QVERIFY(v.steps.contains(QStringLiteral("iat 1 min ago")));
            QVERIFY(v.steps.contains(QStringLiteral("iss https://issuer.example matches")));
            QVERIFY(v.steps.contains(QStringLiteral("aud wsi matches")));
            QCOMPARE(v.steps.last(), QStringLiteral("user alice (sub)"));
        }
    }

    void signatureForms_data()
    {
        QTest::addColumn<int>("algorithm");
        QTest::addColumn<int>("length");
        QTest::newRow("HS256") << int(JwtAlgorithm::HS256) << 32;
        QTest::newRow("HS512") << int(JwtAlgorithm::HS512) << 64;
        QTest::newRow("RS256") << int(JwtAlgorithm::RS256) << 256;
        QTest::newRow("PS384") << int(JwtAlgorithm::PS384) << 256;
        QTest::newRow("ES256: r and s of 32 bytes") << int(JwtAlgorithm::ES256) << 64;
        QTest::newRow("ES384: r and s of 48 bytes") << int(JwtAlgorithm::ES384) << 96;
        QTest::newRow("ES512: r and s of 66 bytes") << int(JwtAlgorithm::ES512) << 132;
        QTest::newRow("EdDSA") << int(JwtAlgorithm::EdDSA) << 64;
    }

    void signatureForms()
    {
        QFETCH(int, algorithm);
        QFETCH(int, length);
        // ECDSA signatures leave OpenSSL as DER of varying length; JWS wants r||s of a fixed length every time.
        for (int i = 0; i < 8; ++i) {
            const JwtDecodeResult decoded = decodeJwt(sign(JwtAlgorithm(algorithm)));
            QVERIFY(decoded.ok());
            QCOMPARE(decoded.token->signature.size(), length);
        }
    }

    void traditionalPrivateKeys_data()
    {
        QTest::addColumn<int>("algorithm");
        QTest::newRow("RS256, RSA PRIVATE KEY") << int(JwtAlgorithm::RS256);
        QTest::newRow("ES256, EC PRIVATE KEY") << int(JwtAlgorithm::ES256);
    }

    void traditionalPrivateKeys()
    {
        QFETCH(int, algorithm);
        const JwtTestKeyPair& pair = pairFor(JwtAlgorithm(algorithm));
        QVERIFY(pair.traditionalPrivatePem.contains(" PRIVATE KEY-----"));
        QVERIFY(!pair.traditionalPrivatePem.startsWith("-----BEGIN PRIVATE KEY"));
        const JwtSignResult signed_ = signJwt(JwtAlgorithm(algorithm), standardClaims(), pair.traditionalPrivatePem);
        QVERIFY2(signed_.ok(), qPrintable(signed_.error));
        const JwtVerification v = verifyJwt(signed_.token, publicKeys(pair.publicPem), standardRules());
        QVERIFY2(v.valid, qPrintable(v.reason));
    }

    void refusals_data()
    {
        QTest::addColumn<int>("index");
        const QList<RefusalCase> cases = refusalCases();
        for (qsizetype i = 0; i < cases.size(); ++i)
            QTest::newRow(cases.at(i).name.constData()) << int(i);
    }

    void refusals()
    {
        QFETCH(int, index);
        const RefusalCase c = refusalCases().at(index);
        QVERIFY(!c.token.isEmpty());
        const JwtVerification v = verifyJwt(c.token, c.keys, c.rules);
        QVERIFY(!v.valid);
        QVERIFY(v.user.isEmpty());
        QVERIFY2(v.reason.contains(c.expected), qPrintable(v.reason));
        QVERIFY(!v.reason.contains(u'\n'));
        QVERIFY(!v.reason.contains(QString::fromLatin1(c.token)));
        QVERIFY(!v.reason.contains(QString::fromLatin1(kSecret)));
        for (const QByteArray& part : c.token.split('.')) {
            if (part.size() >= 12)
                QVERIFY2(!v.reason.contains(QString::fromLatin1(part)), qPrintable(v.reason));
        }
    }

    // Each kind of refusal says something no other kind says.
    void refusalReasonsAreDistinct()
    {
        QHash<QString, QString> kindOfReason;
        for (const RefusalCase& c : refusalCases()) {
            const QString reason = verifyJwt(c.token, c.keys, c.rules).reason;
            QVERIFY(!reason.isEmpty());
            const QString seen = kindOfReason.value(reason, c.expected);
            QVERIFY2(seen == c.expected,
                qPrintable(QStringLiteral("%1: \"%2\" is also the reason for \"%3\"")
                               .arg(QString::fromLatin1(c.name), reason, seen)));
            kindOfReason.insert(reason, c.expected);
        }
        QVERIFY(kindOfReason.size() >= 45);
    }

    void confusionAttackWithBothKinds()
    {
        // With a secret configured as well, HS256 is checked against that secret only, never against the public key.
        JwtKeySet keys = publicKeys(m_rsa.publicPem);
        keys.setHmacSecret(kSecret);
        const QByteArray forged = signJwt(JwtAlgorithm::HS256, standardClaims(), m_rsa.publicPem).token;
        QCOMPARE(verifyJwt(forged, keys, standardRules()).reason, QStringLiteral("signature does not match"));
        QVERIFY(verifyJwt(hs256(standardClaims()), keys, standardRules()).valid);
        QVERIFY(verifyJwt(sign(JwtAlgorithm::RS256), keys, standardRules()).valid);
    }

    void jwksKidSelection()
    {
        const JwtKeySet keys = publicKeys(
            jwks({ withMembers(m_rsa.jwk, { { "kid", "a" } }), withMembers(m_otherRsa.jwk, { { "kid", "b" } }),
                withMembers(m_p256.jwk, { { "kid", "c" }, { "use", "sig" } }),
                withMembers(m_p384.jwk, { { "kid", "d" }, { "use", "enc" } }) }));
        QCOMPARE(keys.publicKeys().size(), 3); // the encryption key is left out
        const QByteArray byB
            = signJwt(JwtAlgorithm::RS256, standardClaims(), m_otherRsa.privatePem, QStringLiteral("b")).token;
        JwtVerification v = verifyJwt(byB, keys, standardRules());
        QVERIFY2(v.valid, qPrintable(v.reason));
        QCOMPARE(v.steps.first(), QStringLiteral("JWT RS256 signature valid with kid b"));
        QCOMPARE(v.keyId, QStringLiteral("b"));

        // The kid decides: key b's signature claiming to be a's is checked against a only.
        const QByteArray claimsA
            = signJwt(JwtAlgorithm::RS256, standardClaims(), m_otherRsa.privatePem, QStringLiteral("a")).token;
        QCOMPARE(verifyJwt(claimsA, keys, standardRules()).reason, QStringLiteral("signature does not match"));

        // Without a kid every key that fits is tried.
        v = verifyJwt(
            signJwt(JwtAlgorithm::RS256, standardClaims(), m_otherRsa.privatePem).token, keys, standardRules());
        QVERIFY2(v.valid, qPrintable(v.reason));
        QCOMPARE(v.steps.first(), QStringLiteral("JWT RS256 signature valid with kid b"));
        v = verifyJwt(sign(JwtAlgorithm::ES256), keys, standardRules());
        QVERIFY2(v.valid, qPrintable(v.reason));
        QCOMPARE(v.steps.first(), QStringLiteral("JWT ES256 signature valid with kid c"));
    }

    void pemKeysServeAnyKid()
    {
        // PEM keys have no kid: a token naming one is checked against them all the same.
        const JwtKeySet keys = publicKeys(m_p256.publicPem + "\n" + m_ed25519.publicPem);
        QCOMPARE(keys.publicKeys().size(), 2);
        QCOMPARE(jwtKeyDescription(keys.publicKeys().at(0)), QStringLiteral("EC P-256 key"));
        QCOMPARE(jwtKeyDescription(keys.publicKeys().at(1)), QStringLiteral("Ed25519 key"));
        const JwtVerification v
            = verifyJwt(sign(JwtAlgorithm::EdDSA, standardClaims(), QStringLiteral("any")), keys, standardRules());
        QVERIFY2(v.valid, qPrintable(v.reason));
        QCOMPARE(v.steps.first(), QStringLiteral("JWT EdDSA signature valid with the Ed25519 key"));
    }

    void leeway()
    {
        JwtRules rules = standardRules();
        rules.leewaySeconds = 60;
        JwtVerification v = verifyJwt(hs256(claimsWith("exp", double(kNow - 30))), secretKeys(), rules);
        QVERIFY2(v.valid, qPrintable(v.reason));
        QVERIFY(v.steps.contains(QStringLiteral("exp passed 30 s ago, within the leeway of 60 s")));
        QCOMPARE(v.expiresAt, std::optional<qint64>(kNow - 30));

        QJsonObject claims = claimsWith("nbf", double(kNow + 45));
        v = verifyJwt(hs256(claims), secretKeys(), rules);
        QVERIFY2(v.valid, qPrintable(v.reason));
        QVERIFY(v.steps.contains(QStringLiteral("nbf in 45 s, within the leeway of 60 s")));

        rules.leewaySeconds = 0;
        QVERIFY(!verifyJwt(hs256(claims), secretKeys(), rules).valid);
        v = verifyJwt(hs256(claimsWith("nbf", double(kNow))), secretKeys(), rules);
        QVERIFY2(v.valid, qPrintable(v.reason));
        QVERIFY(v.steps.contains(QStringLiteral("nbf 0 s ago")));
        // exp is the first moment the token is no longer valid; half a second before it still counts.
        QVERIFY(verifyJwt(hs256(claimsWith("exp", double(kNow + 1))), secretKeys(), rules).valid);
        QVERIFY(verifyJwt(hs256(claimsWith("exp", double(kNow) + 0.5)), secretKeys(), rules).valid);
        QVERIFY(!verifyJwt(hs256(claimsWith("exp", double(kNow) - 0.5)), secretKeys(), rules).valid);
    }

    void timesAtTheEdges()
    {
        // iat from a clock ahead of ours is no reason to refuse.
        JwtVerification v
            = verifyJwt(hs256(claimsWith("iat", double(kNow + 86400 * 3))), secretKeys(), standardRules());
        QVERIFY2(v.valid, qPrintable(v.reason));
        QVERIFY(v.steps.contains(QStringLiteral("iat in 3 d")));
        // No exp: valid, and said so.
        v = verifyJwt(hs256(claimsWith("exp", QJsonValue::Undefined)), secretKeys(), standardRules());
        QVERIFY2(v.valid, qPrintable(v.reason));
        QVERIFY(!v.expiresAt);
        QVERIFY(v.steps.contains(QStringLiteral("no exp: the token does not expire")));
        // Far beyond any date: kept within year 9999, no overflow.
        v = verifyJwt(hs256(claimsWith("exp", 1e300)), secretKeys(), standardRules());
        QVERIFY2(v.valid, qPrintable(v.reason));
        QCOMPARE(v.expiresAt, std::optional<qint64>(253402300799));
        v = verifyJwt(hs256(claimsWith("exp", -1e300)), secretKeys(), standardRules());
        QVERIFY(v.reason.startsWith(QStringLiteral("token expired ")));
        QVERIFY(v.reason.endsWith(QStringLiteral("(exp 0001-01-01 00:00:00 UTC)")));
        JwtRules rules = standardRules();
        rules.leewaySeconds = std::numeric_limits<qint64>::max();
        rules.nowSeconds = std::numeric_limits<qint64>::max();
        QVERIFY(verifyJwt(hs256(standardClaims()), secretKeys(), rules).valid);
    }

    void audienceList()
    {
        const JwtVerification v
            = verifyJwt(hs256(claimsWith("aud", QJsonArray { "other", "wsi" })), secretKeys(), standardRules());
        QVERIFY2(v.valid, qPrintable(v.reason));
        QVERIFY(v.steps.contains(QStringLiteral("aud wsi matches")));
    }

    void rulesThatAskForLess()
    {
        JwtRules rules;
        rules.nowSeconds = kNow;
        rules.userClaim.clear();
        const QJsonObject claims { { "exp", double(kNow + 7200 + 300) } };
        const JwtVerification v = verifyJwt(hs256(claims), secretKeys(), rules);
        QVERIFY2(v.valid, qPrintable(v.reason));
        QVERIFY(v.user.isEmpty());
        QCOMPARE(v.steps, (QStringList { "JWT HS256 signature valid with the shared secret", "exp in 2 h 5 min" }));
    }

    void keySetCopiesShareKeys()
    {
        JwtKeySet copy;
        {
            const JwtKeySet original = publicKeys(m_p256.publicPem);
            copy = original;
        }
        QVERIFY(verifyJwt(sign(JwtAlgorithm::ES256), copy, standardRules()).valid);
        QVERIFY(copy.publicKeys().first().key.use_count() >= 1);
    }

    void keyLoadingRefusals_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expected");
        const QJsonObject ec = m_p256.jwk;
        QTest::newRow("neither PEM nor JSON")
            << QByteArray("ssh-ed25519 AAAA") << "must be PEM (-----BEGIN PUBLIC KEY-----) or a JWK Set";
        QTest::newRow("a private key") << m_p256.privatePem << "PEM block 1 is a private key; give its public key";
        QTest::newRow("a certificate") << QByteArray("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                                       << "PEM block 1 is a certificate";
        QTest::newRow("another PEM label")
            << QByteArray("-----BEGIN RSA PUBLIC KEY-----\nAAAA\n-----END RSA PUBLIC KEY-----\n")
            << "PEM block 1 is \"RSA PUBLIC KEY\"; only \"PUBLIC KEY\" blocks";
        QTest::newRow("a PEM block that is no key")
            << QByteArray("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
            << "PEM block 1 is not a public key OpenSSL can read";
        QTest::newRow("no PEM block") << QByteArray("-----BEGIN PUBLIC KEY-----\nno end") << "no PEM block found";
        QTest::newRow("RSA of 1024 bits")
            << makeJwtTestKeyPair(QStringLiteral("RSA-1024")).publicPem << "an RSA key of 1024 bits is too small";
        QTest::newRow("RSA of 1024 bits as a JWK") << jsonBytes(makeJwtTestKeyPair(QStringLiteral("RSA-1024")).jwk)
                                                   << "\"n\" is unusable: an RSA key of 1024 bits is too small";
        QTest::newRow("JSON that is not JSON") << QByteArray("{\"keys\": [") << "the key set is not JSON (";
        QTest::newRow("keys not a list") << QByteArray(R"({"keys": 5})") << "\"keys\" must be a list, not 5";
        QTest::newRow("a key that is no object")
            << QByteArray(R"({"keys": [5]})") << "\"keys[0]\" must be an object, not 5";
        QTest::newRow("no keys") << QByteArray(R"({"keys": []})") << "the key set holds no keys";
        QTest::newRow("only encryption keys")
            << jwks({ withMembers(ec, { { "use", "enc" } }), withMembers(ec, { { "alg", "ECDH-ES" } }) })
            << "the key set holds no signature keys, only keys for encryption";
        QTest::newRow("kty oct") << QByteArray(R"({"kty": "oct", "k": "c2VjcmV0"})")
                                 << "\"kty\" is \"oct\", a shared secret";
        QTest::newRow("no kty") << QByteArray(R"({"keys": [{"n": "AQAB"}]})") << "\"keys[0].kty\" is missing";
        QTest::newRow("kty DSA") << QByteArray(R"({"kty": "DSA"})") << "\"kty\" must be RSA, EC or OKP, not \"DSA\"";
        QTest::newRow("no n") << QByteArray(R"({"kty": "RSA", "e": "AQAB"})") << "\"n\" is missing";
        QTest::newRow("n padded") << jsonBytes(
            withMembers(m_rsa.jwk, { { "n", m_rsa.jwk.value("n").toString() + "==" } }))
                                  << "\"n\" must be base64url: it ends in '=' padding";
        QTest::newRow("crv P-192") << jsonBytes(withMembers(ec, { { "crv", "P-192" } }))
                                   << "\"crv\" must be one of P-256, P-384, P-521, not \"P-192\"";
        QTest::newRow("x too short") << jsonBytes(withMembers(ec, { { "x", "AAAA" } }))
                                     << "\"x\" must be 32 bytes, not 3";
        QTest::newRow("a point off the curve")
            << jsonBytes(withMembers(ec, { { "y", QString::fromLatin1(base64UrlForTest(QByteArray(32, '\x01'))) } }))
            << "\"x\" and \"y\" are no point on P-256";
        QTest::newRow("X25519") << QByteArray(R"({"kty": "OKP", "crv": "X25519", "x": "AAAA"})")
                                << "\"crv\" is \"X25519\", a key agreement curve";
        QTest::newRow("alg that does not fit") << jsonBytes(withMembers(ec, { { "kid", "e1" }, { "alg", "RS256" } }))
                                               << "\"alg\" does not fit the key: alg RS256 needs an RSA key";
        QTest::newRow("the second key bad")
            << jwks({ ec, withMembers(ec, { { "crv", "P-384" } }) }) << "\"keys[1].x\" must be 48 bytes, not 32";
    }

    void keyLoadingRefusals()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expected);
        JwtKeySet keys;
        const QString error = keys.loadPublicKeys(text);
        QVERIFY2(error.contains(expected), qPrintable(error));
        QVERIFY(!error.contains(u'\n'));
        QVERIFY(keys.publicKeys().isEmpty()); // nothing half-loaded
    }

    void signRefusals_data()
    {
        QTest::addColumn<int>("algorithm");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QString>("expected");
        QTest::newRow("none") << int(JwtAlgorithm::None) << kSecret << "alg none makes an unsigned token";
        QTest::newRow("HS256, empty secret")
            << int(JwtAlgorithm::HS256) << QByteArray() << "alg HS256 needs a shared secret, and it is empty";
        QTest::newRow("RS256 with an EC key") << int(JwtAlgorithm::RS256) << m_p256.privatePem
                                              << "cannot sign: alg RS256 needs an RSA key; the key is an EC P-256 key";
        QTest::newRow("ES256 with a P-384 key")
            << int(JwtAlgorithm::ES256) << m_p384.privatePem
            << "cannot sign: alg ES256 needs an EC P-256 key; the key is an EC P-384 key";
        QTest::newRow("ES512 with a P-256 key") << int(JwtAlgorithm::ES512) << m_p256.traditionalPrivatePem
                                                << "alg ES512 needs an EC P-521 key; the key is an EC P-256 key";
        QTest::newRow("EdDSA with an RSA key") << int(JwtAlgorithm::EdDSA) << m_rsa.privatePem
                                               << "alg EdDSA needs an Ed25519 key; the key is an RSA 2048-bit key";
        QTest::newRow("PS256 with RSA of 1024 bits")
            << int(JwtAlgorithm::PS256) << makeJwtTestKeyPair(QStringLiteral("RSA-1024")).privatePem
            << "an RSA key of 1024 bits is too small";
        QTest::newRow("a public key") << int(JwtAlgorithm::RS256) << m_rsa.publicPem
                                      << "the PEM text holds no private key OpenSSL can read";
        QTest::newRow("not PEM") << int(JwtAlgorithm::ES256) << kSecret << "the private key must be PEM text";
        QTest::newRow("encrypted")
            << int(JwtAlgorithm::ES256)
            << QByteArray("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")
            << "the private key is encrypted";
    }

    void signRefusals()
    {
        QFETCH(int, algorithm);
        QFETCH(QByteArray, key);
        QFETCH(QString, expected);
        const JwtSignResult result = signJwt(JwtAlgorithm(algorithm), standardClaims(), key);
        QVERIFY(!result.ok());
        QVERIFY(result.token.isEmpty());
        QVERIFY2(result.error.contains(expected), qPrintable(result.error));
    }

    void algorithmForEachPrivateKey()
    {
        QCOMPARE(jwtAlgorithmForPrivateKey(m_rsa.privatePem), std::optional(JwtAlgorithm::RS256));
        QCOMPARE(jwtAlgorithmForPrivateKey(m_p256.traditionalPrivatePem), std::optional(JwtAlgorithm::ES256));
        QCOMPARE(jwtAlgorithmForPrivateKey(m_p384.privatePem), std::optional(JwtAlgorithm::ES384));
        QCOMPARE(jwtAlgorithmForPrivateKey(m_p521.privatePem), std::optional(JwtAlgorithm::ES512));
        QCOMPARE(jwtAlgorithmForPrivateKey(m_ed25519.privatePem), std::optional(JwtAlgorithm::EdDSA));
        QString error;
        QVERIFY(!jwtAlgorithmForPrivateKey(m_rsa.publicPem, &error));
        QVERIFY2(error.contains("holds no private key"), qPrintable(error));
        QVERIFY(!jwtAlgorithmForPrivateKey(makeJwtTestKeyPair(QStringLiteral("RSA-1024")).privatePem, &error));
        QVERIFY2(error.contains("1024 bits is too small"), qPrintable(error));
    }

    void expiryCountdown_data()
    {
        QTest::addColumn<qint64>("secondsLeft");
        QTest::addColumn<QString>("expected");
        QTest::newRow("13 min 20 s") << qint64(800) << "expires in 13 min 20 s";
        QTest::newRow("whole minutes") << qint64(600) << "expires in 10 min";
        QTest::newRow("seconds") << qint64(45) << "expires in 45 s";
        QTest::newRow("hours") << qint64(2 * 3600 + 5 * 60 + 9) << "expires in 2 h 5 min";
        QTest::newRow("days") << qint64(3 * 86400 + 4 * 3600) << "expires in 3 d 4 h";
        QTest::newRow("the second it names") << qint64(0) << "expired just now";
        QTest::newRow("3 min ago") << qint64(-180) << "expired 3 min ago";
        QTest::newRow("1 s ago") << qint64(-1) << "expired 1 s ago";
    }
    void expiryCountdown()
    {
        QFETCH(qint64, secondsLeft);
        QFETCH(QString, expected);
        constexpr qint64 now = 1796306400;
        QCOMPARE(jwtExpiryCountdown(now + secondsLeft, now), expected);
    }
};

QTEST_GUILESS_MAIN(TestJwt)
#include "tst_jwt.moc"
