#pragma once
// JSON Web Tokens (RFC 7519) in JWS compact serialization (RFC 7515): decoding, verifying against a key set and
// signing. Algorithms are those of RFC 7518 §3 (HS*, RS*, PS*, ES*) and EdDSA with Ed25519 (RFC 8037); keys come
// from PEM (SubjectPublicKeyInfo) or a JWK / JWK Set (RFC 7517, RFC 7518 §6, RFC 8037 §2). Every cryptographic
// operation is OpenSSL's (EVP); this module only chooses the algorithm, the key and the encodings.
//
// Nothing here reads a clock: the current time is one of the rules. A verification refuses with one line of plain
// words that never repeats the token or the secret, and lists every check it passed as a step.

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <memory>
#include <optional>

struct evp_pkey_st; // OpenSSL's EVP_PKEY, kept out of this header

namespace wsi
{

// Larger tokens are refused before any decoding: a header of a WebSocket handshake rarely holds more.
inline constexpr qsizetype kJwtDefaultMaxBytes = 8192;

enum class JwtAlgorithm {
    None,
    HS256,
    HS384,
    HS512,
    RS256,
    RS384,
    RS512,
    PS256,
    PS384,
    PS512,
    ES256,
    ES384,
    ES512,
    EdDSA
};

// The JWS "alg" names: "none", "HS256", ..., "EdDSA".
QString jwtAlgorithmName(JwtAlgorithm algorithm);
// Exact, case-sensitive (RFC 7515 §4.1.1): "hs256" is no algorithm.
std::optional<JwtAlgorithm> jwtAlgorithmFromName(QStringView name);

// The three parts of a token as they were sent, before any signature or claim is checked.
struct JwtDecoded {
    QJsonObject header;
    QJsonObject claims;
    QString algorithmName; // the header's "alg"; empty when it has none
    QString keyId; // the header's "kid"; empty when it has none
    QByteArray signingInput; // "header.payload" exactly as in the token: what the signature covers
    QByteArray signature; // base64url-decoded
};

struct JwtDecodeResult {
    std::optional<JwtDecoded> token;
    QString error; // one line, plain words; empty when decoded
    bool ok() const { return token.has_value(); }
};

// Three base64url parts without padding, a JSON object header with a string "alg" (or none) and an optional
// string "kid", a JSON object payload. The signature is not checked here.
JwtDecodeResult decodeJwt(QByteArrayView token, qsizetype maxTokenBytes = kJwtDefaultMaxBytes);

enum class JwtKeyType { Rsa, Ec, Ed25519 };

// One public key of a key set.
struct JwtPublicKey {
    JwtKeyType type = JwtKeyType::Rsa;
    QString curve; // EC: "P-256", "P-384" or "P-521"; empty otherwise
    int bits = 0;
    QString keyId; // the JWK's "kid"; empty for PEM keys and JWKs without one
    QString algorithmName; // the JWK's "alg": the only algorithm the key may verify; empty when unrestricted
    std::shared_ptr<evp_pkey_st> key;
};

// "RSA 2048-bit key", "EC P-256 key", "Ed25519 key", followed by " (kid k1)" when it has a kid.
QString jwtKeyDescription(const JwtPublicKey& key);

// What a verifier trusts: a shared HMAC secret for HS*, public keys for the others, or both. Copies share the
// keys.
class JwtKeySet
{
public:
    // Adds the public keys of `pemOrJwks`: one or more PEM "PUBLIC KEY" blocks, or a JWK Set {"keys": [...]} or a
    // single JWK. RSA keys need at least 2048 bits (RFC 7518 §3.3). On error nothing is added and the problem is
    // returned as one line; empty when the keys were added.
    QString loadPublicKeys(const QByteArray& pemOrJwks);
    void setHmacSecret(const QByteArray& secret); // empty: no secret
    bool hasHmacSecret() const { return !m_hmacSecret.isEmpty(); }
    const QByteArray& hmacSecret() const { return m_hmacSecret; }
    const QList<JwtPublicKey>& publicKeys() const { return m_publicKeys; }
    bool isEmpty() const { return m_hmacSecret.isEmpty() && m_publicKeys.isEmpty(); }

private:
    QByteArray m_hmacSecret;
    QList<JwtPublicKey> m_publicKeys;
};

struct JwtRules {
    QString issuer; // required "iss" when not empty
    QString audience; // required among "aud" when not empty; when empty, a token that names an audience is refused
    qint64 leewaySeconds = 0; // allowed clock difference for "exp" and "nbf"
    QString userClaim = QStringLiteral("sub"); // the claim naming the user; empty: no user required
    qint64 nowSeconds = 0; // the current time, seconds since 1970 UTC
    qsizetype maxTokenBytes = kJwtDefaultMaxBytes;
};

struct JwtVerification {
    bool valid = false;
    // One line saying why the token is refused; never contains the token or the secret. Empty when valid.
    QString reason;
    // Each check passed, in order: "JWT ES256 signature valid with kid k1", "exp in 14 min", "aud wsi matches",
    // "user alice (sub)".
    QStringList steps;
    QString user;
    QJsonObject claims; // set once the signature is valid
    std::optional<qint64> expiresAt; // "exp", seconds since 1970 UTC
    QString algorithmName;
    QString keyId; // the header's "kid"
};

// Decodes, picks the key the algorithm and "kid" call for (an HS* token only with the shared secret, RS*/PS* only
// with RSA keys, ES* only with EC keys on the matching curve, EdDSA only with Ed25519), checks the signature, then
// the claims: "exp" and "nbf" against rules.nowSeconds with the leeway, "iss", "aud", and the user claim.
JwtVerification verifyJwt(QByteArrayView token, const JwtKeySet& keys, const JwtRules& rules);

struct JwtSignResult {
    QByteArray token;
    QString error; // one line; empty when signed
    bool ok() const { return error.isEmpty(); }
};

// Header {"alg", "typ": "JWT"} plus "kid" when given. HS* sign with the secret's bytes; the others with a PEM
// private key (PKCS#8 or the traditional RSA/EC form, unencrypted) that must fit the algorithm.
JwtSignResult signJwt(JwtAlgorithm algorithm, const QJsonObject& claims, const QByteArray& secretOrPrivateKeyPem,
    const QString& keyId = {});

// The algorithm a private key signs with when none is chosen: RS256 for RSA, ES256 / ES384 / ES512 by the EC
// curve (RFC 7518 §3.4 ties each to one curve), EdDSA for Ed25519. nullopt with *error (one line) when the PEM
// holds no private key JWS signs with.
std::optional<JwtAlgorithm> jwtAlgorithmForPrivateKey(const QByteArray& privateKeyPem, QString* error = nullptr);

// A claim value as typed in one line (probe --claim, the builder's claims table): JSON when the text reads as a
// number, true, false, a list, an object or a quoted string; otherwise the text itself as a string, so sub=alice
// needs no quotes and "42" in quotes stays the string 42.
QJsonValue jwtClaimValueFromText(const QString& typed);

// How long a token has left, for a countdown that is redrawn each second: "expires in 13 min 20 s", "expires in
// 2 h 5 min", "expired 3 min ago" (RFC 7519 §4.1.4: a token is expired from the second its exp names). The caller
// brings the clock.
QString jwtExpiryCountdown(qint64 expiresAt, qint64 nowSeconds);

} // namespace wsi
