#include "jwtkeys.h"

#include <memory>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace wsi::test
{

namespace
{

struct PkeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
struct BignumFree {
    void operator()(BIGNUM* number) const { BN_free(number); }
};

using PemWriter = int (*)(BIO*, EVP_PKEY*);

QByteArray pemOf(EVP_PKEY* key, PemWriter write)
{
    const std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get(), key) != 1)
        return {};
    char* data = nullptr;
    const long length = BIO_get_mem_data(bio.get(), &data);
    return QByteArray(data, qsizetype(length));
}

int writePkcs8(BIO* bio, EVP_PKEY* key)
{
    return PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
}
int writeTraditional(BIO* bio, EVP_PKEY* key)
{
    return PEM_write_bio_PrivateKey_traditional(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
}
int writePublic(BIO* bio, EVP_PKEY* key)
{
    return PEM_write_bio_PUBKEY(bio, key);
}

QByteArray bignumParameter(EVP_PKEY* key, const char* name)
{
    BIGNUM* raw = nullptr;
    if (EVP_PKEY_get_bn_param(key, name, &raw) != 1)
        return {};
    const std::unique_ptr<BIGNUM, BignumFree> number(raw);
    QByteArray bytes(BN_num_bytes(number.get()), '\0');
    BN_bn2bin(number.get(), reinterpret_cast<unsigned char*>(bytes.data()));
    return bytes;
}

} // namespace

QByteArray base64UrlForTest(const QByteArray& bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

JwtTestKeyPair makeJwtTestKeyPair(const QString& kind)
{
    EVP_PKEY* raw = nullptr;
    if (kind == QLatin1String("RSA"))
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048));
    else if (kind == QLatin1String("RSA-1024"))
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(1024));
    else if (kind == QLatin1String("P-256"))
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    else if (kind == QLatin1String("P-384"))
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384");
    else if (kind == QLatin1String("P-521"))
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-521");
    else if (kind == QLatin1String("Ed25519"))
        raw = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
    const std::unique_ptr<EVP_PKEY, PkeyFree> key(raw);
    JwtTestKeyPair pair;
    if (!key)
        return pair;
    pair.privatePem = pemOf(key.get(), writePkcs8);
    pair.traditionalPrivatePem = pemOf(key.get(), writeTraditional);
    pair.publicPem = pemOf(key.get(), writePublic);

    if (kind.startsWith(QLatin1String("RSA"))) {
        pair.jwk = QJsonObject { { QStringLiteral("kty"), QStringLiteral("RSA") },
            { QStringLiteral("n"),
                QString::fromLatin1(base64UrlForTest(bignumParameter(key.get(), OSSL_PKEY_PARAM_RSA_N))) },
            { QStringLiteral("e"),
                QString::fromLatin1(base64UrlForTest(bignumParameter(key.get(), OSSL_PKEY_PARAM_RSA_E))) } };
    } else if (kind.startsWith(QLatin1String("P-"))) {
        unsigned char point[1 + 2 * 66];
        size_t length = 0;
        if (EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &length) != 1)
            return {};
        const QByteArray uncompressed(reinterpret_cast<const char*>(point), qsizetype(length)); // 04 || x || y
        const qsizetype half = (uncompressed.size() - 1) / 2;
        pair.jwk = QJsonObject { { QStringLiteral("kty"), QStringLiteral("EC") }, { QStringLiteral("crv"), kind },
            { QStringLiteral("x"), QString::fromLatin1(base64UrlForTest(uncompressed.mid(1, half))) },
            { QStringLiteral("y"), QString::fromLatin1(base64UrlForTest(uncompressed.mid(1 + half))) } };
    } else {
        unsigned char x[32];
        size_t length = sizeof x;
        if (EVP_PKEY_get_raw_public_key(key.get(), x, &length) != 1)
            return {};
        pair.jwk = QJsonObject {
            { QStringLiteral("kty"), QStringLiteral("OKP") }, { QStringLiteral("crv"), QStringLiteral("Ed25519") },
            { QStringLiteral("x"),
                QString::fromLatin1(base64UrlForTest(QByteArray(reinterpret_cast<const char*>(x), qsizetype(length)))) }
        };
    }
    return pair;
}

} // namespace wsi::test
