#include "core/jwt.h"

#include "core/jsonreader.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QJsonValue>
#include <cmath>
#include <iterator>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace wsi
{

namespace
{

// ---- OpenSSL ownership ----

template <auto Free> struct OpenSslFree {
    template <typename T> void operator()(T* pointer) const { Free(pointer); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OpenSslFree<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OpenSslFree<EVP_MD_CTX_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree<BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslFree<BN_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, OpenSslFree<ECDSA_SIG_free>>;
using ParamBuildPtr = std::unique_ptr<OSSL_PARAM_BLD, OpenSslFree<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, OpenSslFree<OSSL_PARAM_free>>;

void freeOpenSslMemory(void* memory)
{
    OPENSSL_free(memory);
}
template <typename T> using OpenSslMemoryPtr = std::unique_ptr<T, OpenSslFree<freeOpenSslMemory>>;

// OpenSSL records failures in a queue per thread. Left there, they would be read as the cause of the next
// unrelated failure, for example by the TLS code running later on the same thread.
struct OpenSslErrorsCleared {
    OpenSslErrorsCleared() = default;
    OpenSslErrorsCleared(const OpenSslErrorsCleared&) = delete;
    OpenSslErrorsCleared& operator=(const OpenSslErrorsCleared&) = delete;
    ~OpenSslErrorsCleared() { ERR_clear_error(); }
};

const unsigned char* bytesOf(QByteArrayView bytes)
{
    return reinterpret_cast<const unsigned char*>(bytes.data());
}

// ---- algorithms (RFC 7518 §3.1, RFC 8037 §3.1) ----

enum class Family { None, Hmac, RsaPkcs1, RsaPss, Ecdsa, EdDsa };

struct AlgorithmInfo {
    JwtAlgorithm algorithm;
    QStringView name;
    Family family;
    const EVP_MD* (*digest)(); // null for none and EdDSA
    QStringView curve; // ES*: the JWK / NIST name of the only curve it may use
    int coordinateBytes; // ES*: the length of r and of s in the signature
};

constexpr AlgorithmInfo kAlgorithms[] = {
    { JwtAlgorithm::None, u"none", Family::None, nullptr, {}, 0 },
    { JwtAlgorithm::HS256, u"HS256", Family::Hmac, EVP_sha256, {}, 0 },
    { JwtAlgorithm::HS384, u"HS384", Family::Hmac, EVP_sha384, {}, 0 },
    { JwtAlgorithm::HS512, u"HS512", Family::Hmac, EVP_sha512, {}, 0 },
    { JwtAlgorithm::RS256, u"RS256", Family::RsaPkcs1, EVP_sha256, {}, 0 },
    { JwtAlgorithm::RS384, u"RS384", Family::RsaPkcs1, EVP_sha384, {}, 0 },
    { JwtAlgorithm::RS512, u"RS512", Family::RsaPkcs1, EVP_sha512, {}, 0 },
    { JwtAlgorithm::PS256, u"PS256", Family::RsaPss, EVP_sha256, {}, 0 },
    { JwtAlgorithm::PS384, u"PS384", Family::RsaPss, EVP_sha384, {}, 0 },
    { JwtAlgorithm::PS512, u"PS512", Family::RsaPss, EVP_sha512, {}, 0 },
    { JwtAlgorithm::ES256, u"ES256", Family::Ecdsa, EVP_sha256, u"P-256", 32 },
    { JwtAlgorithm::ES384, u"ES384", Family::Ecdsa, EVP_sha384, u"P-384", 48 },
    { JwtAlgorithm::ES512, u"ES512", Family::Ecdsa, EVP_sha512, u"P-521", 66 },
    { JwtAlgorithm::EdDSA, u"EdDSA", Family::EdDsa, nullptr, {}, 0 },
};

const AlgorithmInfo& algorithmInfo(JwtAlgorithm algorithm)
{
    for (const AlgorithmInfo& info : kAlgorithms) {
        if (info.algorithm == algorithm)
            return info;
    }
    return kAlgorithms[0];
}

// The JWK curve names and OpenSSL's names of the same groups.
struct Curve {
    QStringView jwkName;
    const char* openSslName;
    int coordinateBytes;
};
constexpr Curve kCurves[] = {
    { u"P-256", "prime256v1", 32 },
    { u"P-384", "secp384r1", 48 },
    { u"P-521", "secp521r1", 66 },
};

const Curve* curveNamed(QStringView jwkName)
{
    for (const Curve& curve : kCurves) {
        if (curve.jwkName == jwkName)
            return &curve;
    }
    return nullptr;
}

// ---- words ----

// A value taken from the token, fit for one line: control characters escaped, long text cut short.
QString shown(const QString& text)
{
    constexpr qsizetype kMaxShown = 64;
    return jsonQuoted(text.size() > kMaxShown ? text.left(kMaxShown) + QStringLiteral("…") : text);
}
// The same without the quotes, for the steps ("aud wsi matches").
QString shownBare(const QString& text)
{
    const QString quoted = shown(text);
    return quoted.mid(1, quoted.size() - 2);
}

QString durationWords(qint64 seconds)
{
    seconds = std::abs(seconds);
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    if (seconds < 3600)
        return QStringLiteral("%1 min").arg(seconds / 60);
    if (seconds < 86400) {
        const qint64 minutes = seconds % 3600 / 60;
        return minutes == 0 ? QStringLiteral("%1 h").arg(seconds / 3600)
                            : QStringLiteral("%1 h %2 min").arg(seconds / 3600).arg(minutes);
    }
    const qint64 hours = seconds % 86400 / 3600;
    return hours == 0 ? QStringLiteral("%1 d").arg(seconds / 86400)
                      : QStringLiteral("%1 d %2 h").arg(seconds / 86400).arg(hours);
}

QString dateWords(qint64 secondsSinceEpoch)
{
    return QDateTime::fromSecsSinceEpoch(secondsSinceEpoch, Qt::UTC).toString(u"yyyy-MM-dd HH:mm:ss")
        + QStringLiteral(" UTC");
}

// "in 14 min" or "3 min ago", from now to `when`.
QString relativeWords(qint64 when, qint64 now)
{
    return when > now ? QStringLiteral("in %1").arg(durationWords(when - now))
                      : QStringLiteral("%1 ago").arg(durationWords(now - when));
}

QString leewayWords(qint64 leeway)
{
    return leeway == 0 ? QString() : QStringLiteral(", leeway %1 s").arg(leeway);
}

// Times are kept within years 1 to 9999, so that sums with the leeway cannot overflow and every one can be shown
// as a date.
constexpr qint64 kEarliestSeconds = -62135596800;
constexpr qint64 kLatestSeconds = 253402300799;

// A NumericDate (RFC 7519 §2): any JSON number. Rounded up to a whole second, which for a whole-second clock keeps
// "now >= exp" and "now < nbf" exactly as they are.
std::optional<qint64> numericDate(const QJsonValue& value)
{
    if (!value.isDouble() || !std::isfinite(value.toDouble()))
        return std::nullopt;
    const double seconds = std::ceil(value.toDouble());
    if (seconds <= double(kEarliestSeconds))
        return kEarliestSeconds;
    if (seconds >= double(kLatestSeconds))
        return kLatestSeconds;
    return qint64(seconds);
}

// ---- base64url (RFC 7515 §2: no padding, no line breaks) ----

QByteArray base64Url(QByteArrayView bytes)
{
    return bytes.toByteArray().toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

bool isBase64UrlCharacter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
}

// Why `text` is not canonical base64url, or empty with `out` set.
QString decodeBase64Url(QByteArrayView text, QByteArray& out)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text.at(i);
        if (isBase64UrlCharacter(c))
            continue;
        if (c == '=')
            return QStringLiteral("it ends in '=' padding, which a JWT leaves out");
        const QString what = (c > 0x20 && c < 0x7f)
            ? QStringLiteral("character '%1'").arg(QChar::fromLatin1(c))
            : QStringLiteral("byte 0x%1").arg(uint(uchar(c)), 2, 16, QLatin1Char('0'));
        return QStringLiteral("%1 at offset %2 is not allowed (only A-Z a-z 0-9 - _)").arg(what).arg(i);
    }
    if (text.size() % 4 == 1)
        return QStringLiteral("its %1 characters leave one over, which encodes no byte").arg(text.size());
    out = QByteArray::fromBase64(text.toByteArray(), QByteArray::Base64UrlEncoding);
    // Bits past the last byte must be zero: otherwise several texts would stand for the same bytes.
    if (base64Url(out) != text)
        return QStringLiteral("its last character carries bits that are not zero");
    return {};
}

QString parseJsonObject(const QByteArray& bytes, QStringView what, QJsonObject& out)
{
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError) {
        // A document must be an object or an array here; a lone string or number is JSON all the same.
        QJsonParseError ignored {};
        const QJsonDocument wrapped = QJsonDocument::fromJson('[' + bytes + ']', &ignored);
        if (wrapped.isArray() && wrapped.array().size() == 1)
            return QStringLiteral("the %1 is JSON but not an object").arg(what);
        return QStringLiteral("the %1 is not JSON (%2 at byte %3)").arg(what, error.errorString()).arg(error.offset);
    }
    if (!document.isObject())
        return QStringLiteral("the %1 is JSON but not an object").arg(what);
    out = document.object();
    return {};
}

// ---- keys ----

QString keyNeeded(const AlgorithmInfo& info)
{
    switch (info.family) {
    case Family::RsaPkcs1:
    case Family::RsaPss:
        return QStringLiteral("an RSA key");
    case Family::Ecdsa:
        return QStringLiteral("an EC %1 key").arg(info.curve);
    case Family::EdDsa:
        return QStringLiteral("an Ed25519 key");
    case Family::Hmac:
        return QStringLiteral("a shared secret");
    case Family::None:
        break;
    }
    return QStringLiteral("no key");
}

// Why `key` may not check or make a signature of `info`'s algorithm; empty when it may.
QString keyMisfit(const AlgorithmInfo& info, const JwtPublicKey& key)
{
    bool fits = false;
    switch (info.family) {
    case Family::RsaPkcs1:
    case Family::RsaPss:
        fits = key.type == JwtKeyType::Rsa;
        break;
    case Family::Ecdsa:
        fits = key.type == JwtKeyType::Ec && key.curve == info.curve;
        break;
    case Family::EdDsa:
        fits = key.type == JwtKeyType::Ed25519;
        break;
    case Family::Hmac:
    case Family::None:
        break;
    }
    if (!fits)
        return QStringLiteral("alg %1 needs %2; the key is an %3")
            .arg(info.name, keyNeeded(info), jwtKeyDescription(key));
    if (!key.algorithmName.isEmpty() && key.algorithmName != info.name)
        return QStringLiteral("alg %1 does not fit the %2, which is for %3 only")
            .arg(info.name, jwtKeyDescription(key), key.algorithmName);
    return {};
}

// Fills in the type, curve and size of `key` from its EVP_PKEY; why it is no key for JWS when it is not.
QString describeKey(EVP_PKEY* pkey, JwtPublicKey& key)
{
    key.bits = EVP_PKEY_get_bits(pkey);
    if (EVP_PKEY_is_a(pkey, "RSA")) {
        key.type = JwtKeyType::Rsa;
        if (key.bits < 2048)
            return QStringLiteral("an RSA key of %1 bits is too small: JWS needs at least 2048") // RFC 7518 §3.3
                .arg(key.bits);
        return {};
    }
    if (EVP_PKEY_is_a(pkey, "EC")) {
        key.type = JwtKeyType::Ec;
        char group[64] = {};
        size_t length = 0;
        if (EVP_PKEY_get_utf8_string_param(pkey, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group, &length) != 1)
            return QStringLiteral("an EC key with explicit curve parameters is not supported (P-256, P-384, P-521)");
        for (const Curve& curve : kCurves) {
            if (qstrcmp(group, curve.openSslName) == 0) {
                key.curve = curve.jwkName.toString();
                return {};
            }
        }
        return QStringLiteral("EC curve %1 is not one JWS uses (P-256, P-384, P-521)").arg(QLatin1String(group));
    }
    if (EVP_PKEY_is_a(pkey, "ED25519")) {
        key.type = JwtKeyType::Ed25519;
        return {};
    }
    return QStringLiteral("a %1 key is not one JWS signs with (RSA, EC or Ed25519)")
        .arg(QLatin1String(EVP_PKEY_get0_type_name(pkey)));
}

// OpenSSL's own check of a public key: an RSA modulus and exponent that make sense, an EC point on its curve.
bool passesPublicKeyCheck(EVP_PKEY* pkey)
{
    const PkeyCtxPtr context(EVP_PKEY_CTX_new_from_pkey(nullptr, pkey, nullptr));
    return context && EVP_PKEY_public_check(context.get()) == 1;
}

// Wraps a key read from PEM or a JWK: describes and checks it; why not when it is no usable key.
QString adoptPublicKey(EVP_PKEY* raw, JwtPublicKey& key)
{
    key.key = std::shared_ptr<EVP_PKEY>(raw, EVP_PKEY_free);
    if (const QString problem = describeKey(raw, key); !problem.isEmpty())
        return problem;
    if (!passesPublicKeyCheck(raw))
        return QStringLiteral("OpenSSL finds the %1 invalid").arg(jwtKeyDescription(key));
    return {};
}

QString readPemPublicKeys(const QByteArray& text, QList<JwtPublicKey>& out)
{
    const BioPtr bio(BIO_new_mem_buf(text.constData(), int(text.size())));
    if (!bio)
        return QStringLiteral("out of memory reading the PEM text");
    int blocks = 0;
    for (;;) {
        char* name = nullptr;
        char* header = nullptr;
        unsigned char* data = nullptr;
        long length = 0;
        ERR_clear_error();
        if (PEM_read_bio(bio.get(), &name, &header, &data, &length) != 1)
            break;
        const OpenSslMemoryPtr<char> nameOwner(name);
        const OpenSslMemoryPtr<char> headerOwner(header);
        const OpenSslMemoryPtr<unsigned char> dataOwner(data);
        ++blocks;
        const QByteArray label(name);
        if (label.contains("PRIVATE KEY"))
            return QStringLiteral("PEM block %1 is a private key; give its public key (openssl pkey -pubout)")
                .arg(blocks);
        if (label == "CERTIFICATE")
            return QStringLiteral("PEM block %1 is a certificate; give its public key (openssl x509 -pubkey -noout)")
                .arg(blocks);
        if (label != "PUBLIC KEY")
            return QStringLiteral("PEM block %1 is \"%2\"; only \"PUBLIC KEY\" blocks (SubjectPublicKeyInfo) are read")
                .arg(blocks)
                .arg(shownBare(QString::fromLatin1(label)));
        const unsigned char* cursor = data;
        EVP_PKEY* pkey = d2i_PUBKEY(nullptr, &cursor, length);
        if (!pkey)
            return QStringLiteral("PEM block %1 is not a public key OpenSSL can read").arg(blocks);
        JwtPublicKey key;
        if (const QString problem = adoptPublicKey(pkey, key); !problem.isEmpty())
            return QStringLiteral("PEM block %1: %2").arg(blocks).arg(problem);
        out.append(key);
    }
    // Reading stops at the first text that is not a whole block: after the last block that is the end.
    const unsigned long stop = ERR_peek_last_error();
    if (blocks == 0)
        return QStringLiteral("no PEM block found (-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY-----)");
    if (stop != 0 && ERR_GET_REASON(stop) != PEM_R_NO_START_LINE)
        return QStringLiteral("PEM block %1 is malformed").arg(blocks + 1);
    return {};
}

// The bytes of a JWK member that must be base64url; records the problem when it is missing or not.
QByteArray jwkBytes(JsonReader& reader, QStringView member, qsizetype exactLength = -1)
{
    if (!reader.has(member)) {
        reader.fail(member, QStringLiteral("is missing"));
        return {};
    }
    const QString text = reader.string(member);
    if (!reader.ok())
        return {};
    QByteArray bytes;
    if (const QString problem = decodeBase64Url(text.toLatin1(), bytes); !problem.isEmpty()) {
        reader.fail(member, QStringLiteral("must be base64url: %1").arg(problem));
        return {};
    }
    if (bytes.isEmpty()) {
        reader.fail(member, QStringLiteral("is empty"));
        return {};
    }
    if (exactLength >= 0 && bytes.size() != exactLength) {
        reader.fail(member, QStringLiteral("must be %1 bytes, not %2").arg(exactLength).arg(bytes.size()));
        return {};
    }
    return bytes;
}

EVP_PKEY* publicKeyFromParameters(const char* type, OSSL_PARAM* parameters)
{
    const PkeyCtxPtr context(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* pkey = nullptr;
    if (!context || !parameters || EVP_PKEY_fromdata_init(context.get()) != 1
        || EVP_PKEY_fromdata(context.get(), &pkey, EVP_PKEY_PUBLIC_KEY, parameters) != 1)
        return nullptr;
    return pkey;
}

EVP_PKEY* rsaPublicKey(const QByteArray& modulus, const QByteArray& exponent)
{
    const BignumPtr n(BN_bin2bn(bytesOf(modulus), int(modulus.size()), nullptr));
    const BignumPtr e(BN_bin2bn(bytesOf(exponent), int(exponent.size()), nullptr));
    const ParamBuildPtr build(OSSL_PARAM_BLD_new());
    if (!n || !e || !build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1
        || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
        return nullptr;
    const ParamPtr parameters(OSSL_PARAM_BLD_to_param(build.get()));
    return publicKeyFromParameters("RSA", parameters.get());
}

EVP_PKEY* ecPublicKey(const Curve& curve, const QByteArray& x, const QByteArray& y)
{
    const QByteArray point = QByteArray(1, '\x04') + x + y; // uncompressed (SEC 1 §2.3.3)
    const ParamBuildPtr build(OSSL_PARAM_BLD_new());
    if (!build || OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.openSslName, 0) != 1
        || OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.constData(), point.size()) != 1)
        return nullptr;
    const ParamPtr parameters(OSSL_PARAM_BLD_to_param(build.get()));
    return publicKeyFromParameters("EC", parameters.get());
}

enum class JwkOutcome { Loaded, Skipped, Failed };

// One JWK (RFC 7517 §4, RFC 7518 §6.2-6.3, RFC 8037 §2). Keys meant for encryption ("use": "enc", or an "alg"
// that is no JWS algorithm) are skipped: a key set may publish both kinds.
JwkOutcome readJwk(JsonReader& reader, JwtPublicKey& key)
{
    const QString type = reader.string(u"kty");
    key.keyId = reader.string(u"kid");
    key.algorithmName = reader.string(u"alg");
    const QString use = reader.string(u"use");
    if (!reader.ok())
        return JwkOutcome::Failed;
    if (!use.isEmpty() && use != QLatin1String("sig"))
        return JwkOutcome::Skipped;
    std::optional<JwtAlgorithm> algorithm;
    if (!key.algorithmName.isEmpty()) {
        algorithm = jwtAlgorithmFromName(key.algorithmName);
        if (!algorithm || *algorithm == JwtAlgorithm::None)
            return JwkOutcome::Skipped;
    }

    EVP_PKEY* pkey = nullptr;
    QStringView keyMember = u"x"; // where a key that OpenSSL refuses is reported
    QString invalid;
    if (type == QLatin1String("RSA")) {
        const QByteArray modulus = jwkBytes(reader, u"n");
        const QByteArray exponent = jwkBytes(reader, u"e");
        if (!reader.ok())
            return JwkOutcome::Failed;
        pkey = rsaPublicKey(modulus, exponent);
        keyMember = u"n";
        invalid = QStringLiteral("and \"e\" make no RSA public key OpenSSL accepts");
    } else if (type == QLatin1String("EC")) {
        const QString curveName = reader.string(u"crv");
        const Curve* curve = curveNamed(curveName);
        if (reader.ok() && !curve)
            reader.fail(u"crv",
                choiceProblem(QJsonValue(curveName),
                    { QStringLiteral("P-256"), QStringLiteral("P-384"), QStringLiteral("P-521") }));
        if (!reader.ok())
            return JwkOutcome::Failed;
        const QByteArray x = jwkBytes(reader, u"x", curve->coordinateBytes);
        const QByteArray y = jwkBytes(reader, u"y", curve->coordinateBytes);
        if (!reader.ok())
            return JwkOutcome::Failed;
        pkey = ecPublicKey(*curve, x, y);
        invalid = QStringLiteral("and \"y\" are no point on %1").arg(curve->jwkName);
    } else if (type == QLatin1String("OKP")) {
        const QString curveName = reader.string(u"crv");
        if (reader.ok() && curveName != QLatin1String("Ed25519")) {
            reader.fail(u"crv",
                curveName == QLatin1String("X25519") || curveName == QLatin1String("X448")
                    ? QStringLiteral("is %1, a key agreement curve, not one that signs").arg(shown(curveName))
                    : QStringLiteral("must be Ed25519, not %1").arg(shown(curveName)));
        }
        const QByteArray x = reader.ok() ? jwkBytes(reader, u"x", 32) : QByteArray();
        if (!reader.ok())
            return JwkOutcome::Failed;
        pkey = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytesOf(x), size_t(x.size()));
        invalid = QStringLiteral("is no Ed25519 public key OpenSSL accepts");
    } else if (type == QLatin1String("oct")) {
        reader.fail(u"kty", QStringLiteral("is \"oct\", a shared secret: set it as the HMAC secret instead"));
        return JwkOutcome::Failed;
    } else {
        reader.fail(u"kty",
            type.isEmpty() ? QStringLiteral("is missing")
                           : QStringLiteral("must be RSA, EC or OKP, not %1").arg(shown(type)));
        return JwkOutcome::Failed;
    }
    if (!pkey) {
        reader.fail(keyMember, invalid);
        return JwkOutcome::Failed;
    }
    key.key = std::shared_ptr<EVP_PKEY>(pkey, EVP_PKEY_free);
    if (const QString problem = describeKey(pkey, key); !problem.isEmpty()) {
        reader.fail(keyMember, QStringLiteral("is unusable: %1").arg(problem));
        return JwkOutcome::Failed;
    }
    if (!passesPublicKeyCheck(pkey)) {
        reader.fail(keyMember, invalid);
        return JwkOutcome::Failed;
    }
    if (algorithm) {
        JwtPublicKey unrestricted = key;
        unrestricted.algorithmName.clear();
        if (const QString problem = keyMisfit(algorithmInfo(*algorithm), unrestricted); !problem.isEmpty()) {
            reader.fail(u"alg", QStringLiteral("does not fit the key: %1").arg(problem));
            return JwkOutcome::Failed;
        }
    }
    return JwkOutcome::Loaded;
}

QString readJwks(const QByteArray& text, QList<JwtPublicKey>& out)
{
    QJsonObject root;
    if (const QString problem = parseJsonObject(text, u"key set", root); !problem.isEmpty())
        return problem;
    JsonReader reader(root);
    qsizetype skipped = 0;
    // One JWK: kept, or counted as skipped when it is not for signatures; false when it is broken.
    const auto take = [&](JsonReader& jwk) {
        JwtPublicKey key;
        const JwkOutcome outcome = reader.ok() ? readJwk(jwk, key) : JwkOutcome::Failed;
        if (outcome == JwkOutcome::Loaded)
            out.append(key);
        else if (outcome == JwkOutcome::Skipped)
            ++skipped;
        return outcome != JwkOutcome::Failed;
    };
    if (root.contains(u"keys")) {
        const QJsonArray list = reader.array(u"keys");
        if (!reader.ok())
            return reader.error();
        for (qsizetype i = 0; i < list.size(); ++i) {
            JsonReader jwk = reader.element(u"keys", list, i);
            if (!take(jwk))
                return reader.error();
        }
    } else if (!take(reader)) {
        return reader.error();
    }
    if (out.isEmpty())
        return skipped > 0 ? QStringLiteral("the key set holds no signature keys, only keys for encryption")
                           : QStringLiteral("the key set holds no keys");
    return {};
}

// ---- signatures ----

QByteArray hmac(const AlgorithmInfo& info, QByteArrayView secret, QByteArrayView input)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(info.digest(), secret.data(), int(secret.size()), bytesOf(input), size_t(input.size()), mac, &length))
        return {};
    return QByteArray(reinterpret_cast<const char*>(mac), qsizetype(length));
}

// JWS carries an ECDSA signature as r and s, each padded to the curve's size (RFC 7518 §3.4); OpenSSL speaks DER.
QByteArray ecdsaRawToDer(QByteArrayView raw, int coordinateBytes)
{
    if (raw.size() != 2 * coordinateBytes)
        return {};
    BignumPtr r(BN_bin2bn(bytesOf(raw), coordinateBytes, nullptr));
    BignumPtr s(BN_bin2bn(bytesOf(raw) + coordinateBytes, coordinateBytes, nullptr));
    const EcdsaSigPtr signature(ECDSA_SIG_new());
    if (!r || !s || !signature || ECDSA_SIG_set0(signature.get(), r.get(), s.get()) != 1)
        return {};
    (void)r.release(); // owned by the signature now
    (void)s.release();
    const int length = i2d_ECDSA_SIG(signature.get(), nullptr);
    if (length <= 0)
        return {};
    QByteArray der(length, Qt::Uninitialized);
    auto* cursor = reinterpret_cast<unsigned char*>(der.data());
    if (i2d_ECDSA_SIG(signature.get(), &cursor) != length)
        return {};
    return der;
}

QByteArray ecdsaDerToRaw(QByteArrayView der, int coordinateBytes)
{
    const unsigned char* cursor = bytesOf(der);
    const EcdsaSigPtr signature(d2i_ECDSA_SIG(nullptr, &cursor, long(der.size())));
    if (!signature)
        return {};
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(signature.get(), &r, &s);
    QByteArray raw(2 * coordinateBytes, '\0');
    auto* out = reinterpret_cast<unsigned char*>(raw.data());
    if (BN_bn2binpad(r, out, coordinateBytes) != coordinateBytes
        || BN_bn2binpad(s, out + coordinateBytes, coordinateBytes) != coordinateBytes)
        return {};
    return raw;
}

// Sets up `context` to sign or verify with `info`'s digest and padding.
bool initialiseDigestContext(const AlgorithmInfo& info, EVP_MD_CTX* context, EVP_PKEY* pkey, bool signing)
{
    EVP_PKEY_CTX* keyContext = nullptr;
    const EVP_MD* digest = info.digest ? info.digest() : nullptr;
    const int initialised = signing ? EVP_DigestSignInit(context, &keyContext, digest, nullptr, pkey)
                                    : EVP_DigestVerifyInit(context, &keyContext, digest, nullptr, pkey);
    if (initialised != 1)
        return false;
    if (info.family == Family::RsaPss) {
        // RFC 7518 §3.5: MGF1 with the same hash, salt as long as the hash.
        return EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, digest) == 1
            && EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, RSA_PSS_SALTLEN_DIGEST) == 1;
    }
    if (info.family == Family::RsaPkcs1)
        return EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PADDING) == 1;
    return true;
}

bool verifySignature(const AlgorithmInfo& info, EVP_PKEY* pkey, QByteArrayView input, QByteArrayView signature)
{
    QByteArray der;
    if (info.family == Family::Ecdsa) {
        der = ecdsaRawToDer(signature, info.coordinateBytes);
        if (der.isEmpty())
            return false;
        signature = der;
    }
    const MdCtxPtr context(EVP_MD_CTX_new());
    if (!context || !initialiseDigestContext(info, context.get(), pkey, false))
        return false;
    return EVP_DigestVerify(
               context.get(), bytesOf(signature), size_t(signature.size()), bytesOf(input), size_t(input.size()))
        == 1;
}

QByteArray makeSignature(const AlgorithmInfo& info, EVP_PKEY* pkey, QByteArrayView input)
{
    const MdCtxPtr context(EVP_MD_CTX_new());
    if (!context || !initialiseDigestContext(info, context.get(), pkey, true))
        return {};
    size_t length = 0;
    if (EVP_DigestSign(context.get(), nullptr, &length, bytesOf(input), size_t(input.size())) != 1)
        return {};
    QByteArray signature(qsizetype(length), Qt::Uninitialized);
    if (EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, bytesOf(input),
            size_t(input.size()))
        != 1)
        return {};
    signature.truncate(qsizetype(length));
    return info.family == Family::Ecdsa ? ecdsaDerToRaw(signature, info.coordinateBytes) : signature;
}

// Never asks for a pass phrase (OpenSSL's default would prompt on the terminal).
int refusePassphrase(char*, int, int, void*)
{
    return -1;
}

PkeyPtr readPrivateKey(const QByteArray& pem, QString& error)
{
    if (!pem.contains("-----BEGIN")) {
        error = QStringLiteral("the private key must be PEM text (-----BEGIN PRIVATE KEY-----)");
        return {};
    }
    if (pem.contains("ENCRYPTED")) {
        error = QStringLiteral("the private key is encrypted; give it without a pass phrase");
        return {};
    }
    const BioPtr bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    PkeyPtr pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, refusePassphrase, nullptr) : nullptr);
    if (!pkey)
        error = QStringLiteral("the PEM text holds no private key OpenSSL can read (PKCS#8 \"PRIVATE KEY\", or "
                               "\"RSA PRIVATE KEY\" / \"EC PRIVATE KEY\")");
    return pkey;
}

} // namespace

QString jwtAlgorithmName(JwtAlgorithm algorithm)
{
    return algorithmInfo(algorithm).name.toString();
}

std::optional<JwtAlgorithm> jwtAlgorithmFromName(QStringView name)
{
    for (const AlgorithmInfo& info : kAlgorithms) {
        if (info.name == name)
            return info.algorithm;
    }
    return std::nullopt;
}

JwtDecodeResult decodeJwt(QByteArrayView token, qsizetype maxTokenBytes)
{
    JwtDecodeResult result;
    if (token.isEmpty()) {
        result.error = QStringLiteral("the token is empty");
        return result;
    }
    if (token.size() > maxTokenBytes) {
        result.error
            = QStringLiteral("the token is %1 bytes, over the limit of %2").arg(token.size()).arg(maxTokenBytes);
        return result;
    }
    const qsizetype parts = token.count('.') + 1;
    if (parts != 3) {
        result.error = parts == 5
            ? QStringLiteral("the token has 5 parts: an encrypted token (JWE), which is not supported; a signed JWT "
                             "has 3 (header.payload.signature)")
            : QStringLiteral("the token has %1 part%2 separated by dots; a signed JWT has 3 (header.payload.signature)")
                  .arg(parts)
                  .arg(parts == 1 ? QString() : QStringLiteral("s"));
        return result;
    }
    const qsizetype firstDot = token.indexOf('.');
    const qsizetype secondDot = token.indexOf('.', firstDot + 1);
    const QByteArrayView texts[]
        = { token.first(firstDot), token.sliced(firstDot + 1, secondDot - firstDot - 1), token.sliced(secondDot + 1) };
    const QStringView names[] = { u"header", u"payload", u"signature" };
    QByteArray bytes[3];
    for (int i = 0; i < 3; ++i) {
        if (const QString problem = decodeBase64Url(texts[i], bytes[i]); !problem.isEmpty()) {
            result.error = QStringLiteral("the %1 is not valid base64url: %2").arg(names[i], problem);
            return result;
        }
    }
    JwtDecoded decoded;
    if (QString problem = parseJsonObject(bytes[0], names[0], decoded.header); !problem.isEmpty()) {
        result.error = std::move(problem);
        return result;
    }
    if (QString problem = parseJsonObject(bytes[1], names[1], decoded.claims); !problem.isEmpty()) {
        result.error = std::move(problem);
        return result;
    }
    for (const QStringView member : { QStringView(u"alg"), QStringView(u"kid") }) {
        const QJsonValue value = decoded.header.value(member);
        if (!value.isUndefined() && !value.isString()) {
            result.error = QStringLiteral("the header's \"%1\" %2").arg(member, stringProblem(value));
            return result;
        }
    }
    decoded.algorithmName = decoded.header.value(u"alg").toString();
    decoded.keyId = decoded.header.value(u"kid").toString();
    decoded.signingInput = token.first(secondDot).toByteArray();
    decoded.signature = bytes[2];
    result.token = std::move(decoded);
    return result;
}

QString jwtKeyDescription(const JwtPublicKey& key)
{
    QString text;
    switch (key.type) {
    case JwtKeyType::Rsa:
        text = QStringLiteral("RSA %1-bit key").arg(key.bits);
        break;
    case JwtKeyType::Ec:
        text = QStringLiteral("EC %1 key").arg(key.curve);
        break;
    case JwtKeyType::Ed25519:
        text = QStringLiteral("Ed25519 key");
        break;
    }
    if (!key.keyId.isEmpty())
        text += QStringLiteral(" (kid %1)").arg(shownBare(key.keyId));
    return text;
}

QString JwtKeySet::loadPublicKeys(const QByteArray& pemOrJwks)
{
    const OpenSslErrorsCleared cleared;
    const QByteArray text = pemOrJwks.trimmed();
    QList<JwtPublicKey> keys;
    QString problem;
    if (text.startsWith('{'))
        problem = readJwks(text, keys);
    else if (text.contains("-----BEGIN"))
        problem = readPemPublicKeys(text, keys);
    else
        problem = QStringLiteral("the keys must be PEM (-----BEGIN PUBLIC KEY-----) or a JWK Set JSON document");
    if (!problem.isEmpty())
        return problem;
    m_publicKeys.append(keys);
    return {};
}

void JwtKeySet::setHmacSecret(const QByteArray& secret)
{
    m_hmacSecret = secret;
}

namespace
{

// The stages of verifyJwt(), in the order it runs them. Each returns the refusal, or an empty string when its check
// passed, after appending its steps.

QString checkAlgorithm(const JwtDecoded& decoded, const AlgorithmInfo*& info)
{
    if (!decoded.header.contains(u"alg"))
        return QStringLiteral("the header names no alg: an unsigned token is refused");
    const std::optional<JwtAlgorithm> algorithm = jwtAlgorithmFromName(decoded.algorithmName);
    if (!algorithm)
        return QStringLiteral("alg %1 is no signing algorithm this server knows (HS, RS, PS, ES 256/384/512, EdDSA)")
            .arg(shown(decoded.algorithmName));
    if (*algorithm == JwtAlgorithm::None)
        return QStringLiteral("alg none is refused: the token is unsigned");
    // RFC 7515 §4.1.11: an extension marked critical must be understood, and this verifier knows none.
    if (decoded.header.contains(u"crit"))
        return QStringLiteral("the header marks extensions as critical (crit), and this server knows none");
    info = &algorithmInfo(*algorithm);
    return {};
}

QString checkHmacSignature(
    const JwtDecoded& decoded, const AlgorithmInfo& info, const JwtKeySet& keys, QStringList& steps)
{
    if (!keys.hasHmacSecret()) {
        if (!keys.publicKeys().isEmpty())
            return QStringLiteral("alg %1 needs a shared secret; this server verifies with public keys (the "
                                  "HS256-with-public-key confusion attack)")
                .arg(info.name);
        return QStringLiteral("alg %1 needs a shared secret, and none is configured").arg(info.name);
    }
    const QByteArray expected = hmac(info, keys.hmacSecret(), decoded.signingInput);
    if (expected.isEmpty() || decoded.signature.size() != expected.size()
        || CRYPTO_memcmp(expected.constData(), decoded.signature.constData(), size_t(expected.size())) != 0)
        return QStringLiteral("signature does not match");
    steps.append(QStringLiteral("JWT %1 signature valid with the shared secret").arg(info.name));
    return {};
}

// The keys a token's kid points at; keys without a kid (from PEM) stand in for any kid that names no key.
QList<const JwtPublicKey*> keysNamed(const QList<JwtPublicKey>& keys, const QString& keyId)
{
    QList<const JwtPublicKey*> named;
    for (const JwtPublicKey& key : keys) {
        if (keyId.isEmpty() || key.keyId == keyId)
            named.append(&key);
    }
    if (named.isEmpty()) {
        for (const JwtPublicKey& key : keys) {
            if (key.keyId.isEmpty())
                named.append(&key);
        }
    }
    return named;
}

QString unknownKeyIdReason(const QList<JwtPublicKey>& keys, const QString& keyId)
{
    constexpr qsizetype kMaxListed = 8;
    QStringList known;
    for (const JwtPublicKey& key : keys) {
        if (!key.keyId.isEmpty() && !known.contains(key.keyId))
            known.append(key.keyId);
    }
    QStringList listed;
    for (const QString& id : std::as_const(known).first(qMin(known.size(), kMaxListed)))
        listed.append(shownBare(id));
    return QStringLiteral("kid %1 names no key in the key set (it has %2%3)")
        .arg(shown(keyId), listed.join(QStringLiteral(", ")),
            known.size() > kMaxListed ? QStringLiteral(", …") : QString());
}

QString checkPublicKeySignature(
    const JwtDecoded& decoded, const AlgorithmInfo& info, const JwtKeySet& keys, QStringList& steps)
{
    if (keys.publicKeys().isEmpty()) {
        if (keys.hasHmacSecret())
            return QStringLiteral("alg %1 needs a public key; this server verifies with a shared secret only")
                .arg(info.name);
        return QStringLiteral("alg %1 needs a public key, and none is configured").arg(info.name);
    }
    const QList<const JwtPublicKey*> named = keysNamed(keys.publicKeys(), decoded.keyId);
    if (named.isEmpty())
        return unknownKeyIdReason(keys.publicKeys(), decoded.keyId);
    QList<const JwtPublicKey*> fitting;
    QString misfit;
    for (const JwtPublicKey* key : named) {
        const QString problem = keyMisfit(info, *key);
        if (problem.isEmpty())
            fitting.append(key);
        else if (misfit.isEmpty())
            misfit = problem;
    }
    if (fitting.isEmpty()) {
        if (named.size() == 1)
            return misfit;
        return QStringLiteral("alg %1 needs %2; none of the %3 keys is one that may verify it")
            .arg(info.name, keyNeeded(info))
            .arg(named.size());
    }
    if (info.family == Family::Ecdsa && decoded.signature.size() != 2 * info.coordinateBytes)
        return QStringLiteral("an %1 signature is %2 bytes (r then s), not %3")
            .arg(info.name)
            .arg(2 * info.coordinateBytes)
            .arg(decoded.signature.size());
    for (const JwtPublicKey* key : std::as_const(fitting)) {
        if (verifySignature(info, key->key.get(), decoded.signingInput, decoded.signature)) {
            steps.append(QStringLiteral("JWT %1 signature valid with %2")
                             .arg(info.name,
                                 key->keyId.isEmpty() ? QStringLiteral("the ") + jwtKeyDescription(*key)
                                                      : QStringLiteral("kid ") + shownBare(key->keyId)));
            return {};
        }
    }
    return fitting.size() == 1
        ? QStringLiteral("signature does not match")
        : QStringLiteral("signature does not match any of the %1 keys that fit").arg(fitting.size());
}

// RFC 7519 §4.1.4-4.1.6.
QString checkTimes(const QJsonObject& claims, const JwtRules& rules, JwtVerification& verification)
{
    const qint64 now = qBound(kEarliestSeconds, rules.nowSeconds, kLatestSeconds);
    const qint64 leeway = qBound<qint64>(0, rules.leewaySeconds, kLatestSeconds);
    std::optional<qint64> expires;
    std::optional<qint64> notBefore;
    std::optional<qint64> issuedAt;
    const std::pair<QStringView, std::optional<qint64>*> timeClaims[]
        = { { u"exp", &expires }, { u"nbf", &notBefore }, { u"iat", &issuedAt } };
    for (const auto& [claim, out] : timeClaims) {
        const QJsonValue value = claims.value(claim);
        if (value.isUndefined())
            continue;
        *out = numericDate(value);
        if (!*out)
            return QStringLiteral("claim %1 must be a number of seconds since 1970, not %2")
                .arg(claim, jsonShown(value));
    }
    if (expires) {
        verification.expiresAt = expires;
        if (now >= *expires + leeway)
            return QStringLiteral("token expired %1 (exp %2%3)")
                .arg(now == *expires ? QStringLiteral("just now") : relativeWords(*expires, now), dateWords(*expires),
                    leewayWords(leeway));
        verification.steps.append(now >= *expires ? QStringLiteral("exp passed %1 ago, within the leeway of %2 s")
                                                        .arg(durationWords(now - *expires))
                                                        .arg(leeway)
                                                  : QStringLiteral("exp in %1").arg(durationWords(*expires - now)));
    } else {
        verification.steps.append(QStringLiteral("no exp: the token does not expire"));
    }
    if (notBefore) {
        if (now + leeway < *notBefore)
            return QStringLiteral("token is not valid yet: nbf is %1 (%2%3)")
                .arg(relativeWords(*notBefore, now), dateWords(*notBefore), leewayWords(leeway));
        verification.steps.append(now < *notBefore ? QStringLiteral("nbf in %1, within the leeway of %2 s")
                                                         .arg(durationWords(*notBefore - now))
                                                         .arg(leeway)
                                                   : QStringLiteral("nbf %1").arg(relativeWords(*notBefore, now)));
    }
    if (issuedAt) // a clock ahead of ours says nothing against the token
        verification.steps.append(QStringLiteral("iat %1").arg(relativeWords(*issuedAt, now)));
    return {};
}

// RFC 7519 §4.1.1.
QString checkIssuer(const QJsonObject& claims, const JwtRules& rules, QStringList& steps)
{
    const QJsonValue issuer = claims.value(u"iss");
    if (!issuer.isUndefined() && !issuer.isString())
        return QStringLiteral("claim iss %1").arg(stringProblem(issuer));
    if (rules.issuer.isEmpty())
        return {};
    if (issuer.isUndefined())
        return QStringLiteral("the token has no iss; this server expects %1").arg(shown(rules.issuer));
    if (issuer.toString() != rules.issuer)
        return QStringLiteral("iss %1 is not the expected issuer %2")
            .arg(shown(issuer.toString()), shown(rules.issuer));
    steps.append(QStringLiteral("iss %1 matches").arg(shownBare(rules.issuer)));
    return {};
}

// RFC 7519 §4.1.3: one string or a list of them, and a recipient that does not find itself there must refuse.
QString checkAudience(const QJsonObject& claims, const JwtRules& rules, QStringList& steps)
{
    const QJsonValue value = claims.value(u"aud");
    QStringList audiences;
    if (value.isString()) {
        audiences.append(value.toString());
    } else if (value.isArray()) {
        for (const QJsonValue& entry : value.toArray()) {
            if (!entry.isString())
                return QStringLiteral("claim aud must be a string or a list of strings, and it holds %1")
                    .arg(jsonShown(entry));
            audiences.append(entry.toString());
        }
    } else if (!value.isUndefined()) {
        return QStringLiteral("claim aud must be a string or a list of strings, not %1").arg(jsonShown(value));
    }
    if (rules.audience.isEmpty()) {
        if (value.isUndefined())
            return {};
        return QStringLiteral("the token is meant for aud %1, and this server has no audience configured")
            .arg(audiences.isEmpty() ? QStringLiteral("[]") : shown(audiences.constFirst()));
    }
    if (value.isUndefined())
        return QStringLiteral("the token has no aud; this server expects %1").arg(shown(rules.audience));
    if (!audiences.contains(rules.audience)) {
        constexpr qsizetype kMaxListed = 4;
        QStringList listed;
        for (const QString& audience : std::as_const(audiences).first(qMin(audiences.size(), kMaxListed)))
            listed.append(shown(audience));
        return QStringLiteral("aud %1%2 does not include %3")
            .arg(listed.isEmpty() ? QStringLiteral("[]") : listed.join(QStringLiteral(", ")),
                audiences.size() > kMaxListed ? QStringLiteral(", …") : QString(), shown(rules.audience));
    }
    steps.append(QStringLiteral("aud %1 matches").arg(shownBare(rules.audience)));
    return {};
}

QString checkUser(const QJsonObject& claims, const JwtRules& rules, JwtVerification& verification)
{
    if (rules.userClaim.isEmpty())
        return {};
    const QString claim = shownBare(rules.userClaim);
    const QJsonValue user = claims.value(rules.userClaim);
    if (user.isUndefined())
        return QStringLiteral("the token has no %1 claim naming the user").arg(claim);
    if (!user.isString())
        return QStringLiteral("claim %1 names the user and %2").arg(claim, stringProblem(user));
    if (user.toString().isEmpty())
        return QStringLiteral("claim %1 is empty: it names no user").arg(claim);
    verification.user = user.toString();
    verification.steps.append(QStringLiteral("user %1 (%2)").arg(shownBare(verification.user), claim));
    return {};
}

} // namespace

JwtVerification verifyJwt(QByteArrayView token, const JwtKeySet& keys, const JwtRules& rules)
{
    const OpenSslErrorsCleared cleared;
    JwtVerification verification;
    const JwtDecodeResult decodeResult = decodeJwt(token, rules.maxTokenBytes);
    if (!decodeResult.ok()) {
        verification.reason = decodeResult.error;
        return verification;
    }
    const JwtDecoded& decoded = *decodeResult.token;
    verification.algorithmName = decoded.algorithmName;
    verification.keyId = decoded.keyId;

    const AlgorithmInfo* info = nullptr;
    QString reason = checkAlgorithm(decoded, info);
    if (reason.isEmpty()) {
        reason = info->family == Family::Hmac ? checkHmacSignature(decoded, *info, keys, verification.steps)
                                              : checkPublicKeySignature(decoded, *info, keys, verification.steps);
    }
    if (reason.isEmpty()) {
        verification.claims = decoded.claims;
        reason = checkTimes(decoded.claims, rules, verification);
    }
    if (reason.isEmpty())
        reason = checkIssuer(decoded.claims, rules, verification.steps);
    if (reason.isEmpty())
        reason = checkAudience(decoded.claims, rules, verification.steps);
    if (reason.isEmpty())
        reason = checkUser(decoded.claims, rules, verification);
    verification.valid = reason.isEmpty();
    verification.reason = reason;
    return verification;
}

JwtSignResult signJwt(
    JwtAlgorithm algorithm, const QJsonObject& claims, const QByteArray& secretOrPrivateKeyPem, const QString& keyId)
{
    const OpenSslErrorsCleared cleared;
    JwtSignResult result;
    const AlgorithmInfo& info = algorithmInfo(algorithm);
    if (info.family == Family::None) {
        result.error = QStringLiteral("alg none makes an unsigned token; choose a signing algorithm");
        return result;
    }
    QJsonObject header { { QStringLiteral("alg"), info.name.toString() },
        { QStringLiteral("typ"), QStringLiteral("JWT") } };
    if (!keyId.isEmpty())
        header.insert(QStringLiteral("kid"), keyId);
    const QByteArray input = base64Url(QJsonDocument(header).toJson(QJsonDocument::Compact)) + '.'
        + base64Url(QJsonDocument(claims).toJson(QJsonDocument::Compact));

    QByteArray signature;
    if (info.family == Family::Hmac) {
        if (secretOrPrivateKeyPem.isEmpty()) {
            result.error = QStringLiteral("alg %1 needs a shared secret, and it is empty").arg(info.name);
            return result;
        }
        signature = hmac(info, secretOrPrivateKeyPem, input);
    } else {
        QString problem;
        const PkeyPtr pkey = readPrivateKey(secretOrPrivateKeyPem, problem);
        if (!pkey) {
            result.error = problem;
            return result;
        }
        JwtPublicKey described;
        problem = describeKey(pkey.get(), described);
        if (problem.isEmpty())
            problem = keyMisfit(info, described);
        if (!problem.isEmpty()) {
            result.error = QStringLiteral("cannot sign: %1").arg(problem);
            return result;
        }
        signature = makeSignature(info, pkey.get(), input);
    }
    if (signature.isEmpty()) {
        result.error = QStringLiteral("OpenSSL could not make the %1 signature").arg(info.name);
        return result;
    }
    result.token = input + '.' + base64Url(signature);
    return result;
}

std::optional<JwtAlgorithm> jwtAlgorithmForPrivateKey(const QByteArray& privateKeyPem, QString* error)
{
    const OpenSslErrorsCleared cleared;
    QString problem;
    const PkeyPtr pkey = readPrivateKey(privateKeyPem, problem);
    JwtPublicKey described;
    if (pkey)
        problem = describeKey(pkey.get(), described);
    if (!problem.isEmpty()) {
        if (error)
            *error = problem;
        return std::nullopt;
    }
    switch (described.type) {
    case JwtKeyType::Rsa:
        return JwtAlgorithm::RS256;
    case JwtKeyType::Ed25519:
        return JwtAlgorithm::EdDSA;
    case JwtKeyType::Ec:
        break;
    }
    for (const AlgorithmInfo& info : kAlgorithms) {
        if (info.family == Family::Ecdsa && info.curve == described.curve)
            return info.algorithm;
    }
    return JwtAlgorithm::ES256; // describeKey accepts only the three curves above
}

QJsonValue jwtClaimValueFromText(const QString& typed)
{
    // Read as the one element of a list, so a bare number or string is JSON text QJsonDocument accepts.
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson("[" + typed.toUtf8() + "]", &parseError);
    if (parseError.error == QJsonParseError::NoError && document.array().size() == 1) {
        const QJsonValue value = document.array().first();
        if (!value.isNull())
            return value;
    }
    return typed;
}

QString jwtExpiryCountdown(qint64 expiresAt, qint64 nowSeconds)
{
    // Two units at most, the smaller one dropped when it is zero: a countdown that reads at a glance.
    const auto twoUnits = [](qint64 seconds) {
        struct Unit {
            qint64 seconds;
            const char* name;
        };
        constexpr Unit units[] = { { 86400, "d" }, { 3600, "h" }, { 60, "min" }, { 1, "s" } };
        for (size_t i = 0; i + 1 < std::size(units); ++i) {
            if (seconds < units[i].seconds)
                continue;
            const qint64 rest = seconds % units[i].seconds / units[i + 1].seconds;
            const QString major
                = QStringLiteral("%1 %2").arg(seconds / units[i].seconds).arg(QLatin1String(units[i].name));
            return rest == 0 ? major : major + QStringLiteral(" %1 %2").arg(rest).arg(QLatin1String(units[i + 1].name));
        }
        return QStringLiteral("%1 s").arg(seconds);
    };
    if (nowSeconds >= expiresAt)
        return nowSeconds == expiresAt ? QStringLiteral("expired just now")
                                       : QStringLiteral("expired %1 ago").arg(twoUnits(nowSeconds - expiresAt));
    return QStringLiteral("expires in %1").arg(twoUnits(expiresAt - nowSeconds));
}

} // namespace wsi
