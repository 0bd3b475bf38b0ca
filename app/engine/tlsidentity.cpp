#include "engine/tlsidentity.h"

#include <QCryptographicHash>
#include <QFile>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace wsi {

namespace {
    // OpenSSL objects owned the C++ way, so every early return frees what was made so far.
    struct PkeyFree {
        void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    };
    struct X509Free {
        void operator()(X509* p) const { X509_free(p); }
    };
    struct BioFree {
        void operator()(BIO* p) const { BIO_free(p); }
    };
    struct BnFree {
        void operator()(BIGNUM* p) const { BN_free(p); }
    };
    struct ExtFree {
        void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
    };
    using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
    using Cert = std::unique_ptr<X509, X509Free>;
    using Bio = std::unique_ptr<BIO, BioFree>;
    using Bignum = std::unique_ptr<BIGNUM, BnFree>;
    using Ext = std::unique_ptr<X509_EXTENSION, ExtFree>;

    // The most recent OpenSSL error as text, and the error queue emptied so it cannot leak into later calls.
    QString opensslError()
    {
        const unsigned long code = ERR_get_error();
        ERR_clear_error();
        if (code == 0)
            return QStringLiteral("unknown OpenSSL error");
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        return QString::fromLatin1(buffer);
    }

    bool fail(QString* error, const QString& what)
    {
        if (error)
            *error = what + QStringLiteral(": ") + opensslError();
        return false;
    }

    bool addExtension(X509* cert, int nid, const char* value, QString* error)
    {
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
        const Ext ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
        if (!ext || X509_add_ext(cert, ext.get(), -1) != 1)
            return fail(error, QStringLiteral("Could not add the certificate extension %1").arg(QLatin1String(value)));
        return true;
    }

    QByteArray readBio(BIO* bio)
    {
        char* data = nullptr;
        const long size = BIO_get_mem_data(bio, &data);
        return QByteArray(data, qsizetype(size));
    }

    std::optional<QSslKey> keyFromPem(const QByteArray& pem)
    {
        // The file does not say its algorithm in a way QSslKey reads, so try the ones a server key can be.
        for (const QSsl::KeyAlgorithm algorithm : { QSsl::Ec, QSsl::Rsa, QSsl::Dsa }) {
            QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
            if (!key.isNull())
                return key;
            key = QSslKey(pem, algorithm, QSsl::Der, QSsl::PrivateKey);
            if (!key.isNull())
                return key;
        }
        return std::nullopt;
    }
} // namespace

QString TlsIdentity::fingerprintSha256() const
{
    return QString::fromLatin1(certificate.digest(QCryptographicHash::Sha256).toHex(':').toUpper());
}

std::optional<TlsIdentity> generateSelfSignedIdentity(QString* error)
{
    // EC P-256: fast to generate at every start, and accepted by every TLS client we test against.
    const Pkey key(EVP_EC_gen("P-256"));
    if (!key) {
        fail(error, QStringLiteral("Could not generate an EC P-256 key"));
        return std::nullopt;
    }
    const Cert cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1) { // 2 means X.509 v3
        fail(error, QStringLiteral("Could not create a certificate"));
        return std::nullopt;
    }

    // A random serial: clients remember certificates by issuer + serial, and every start makes a new one.
    unsigned char serialBytes[16];
    if (RAND_bytes(serialBytes, sizeof serialBytes) != 1) {
        fail(error, QStringLiteral("Could not draw a random serial number"));
        return std::nullopt;
    }
    serialBytes[0] &= 0x7F; // a positive INTEGER (RFC 5280 §4.1.2.2)
    const Bignum serial(BN_bin2bn(serialBytes, sizeof serialBytes, nullptr));
    if (!serial || !BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()))) {
        fail(error, QStringLiteral("Could not set the serial number"));
        return std::nullopt;
    }

    // Valid from an hour ago, so a client whose clock is slightly behind still accepts it.
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600)
        || !X509_gmtime_adj(X509_getm_notAfter(cert.get()), long(30) * 24 * 3600)) {
        fail(error, QStringLiteral("Could not set the validity period"));
        return std::nullopt;
    }
    if (X509_set_pubkey(cert.get(), key.get()) != 1) {
        fail(error, QStringLiteral("Could not put the public key into the certificate"));
        return std::nullopt;
    }

    X509_NAME* name = X509_get_subject_name(cert.get());
    const auto addName = [name](const char* field, const char* value) {
        return X509_NAME_add_entry_by_txt(
                   name, field, MBSTRING_ASC, reinterpret_cast<const unsigned char*>(value), -1, -1, 0)
            == 1;
    };
    if (!addName("O", "WebSocket Inspector") || !addName("CN", "localhost")
        || X509_set_issuer_name(cert.get(), name) != 1) {
        fail(error, QStringLiteral("Could not set the certificate's name"));
        return std::nullopt;
    }

    // Clients match the host against the SAN only (RFC 6125), never the CN; both loopback addresses are
    // listed so ws clients may use either.
    if (!addExtension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1", error)
        || !addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE", error)
        || !addExtension(cert.get(), NID_key_usage, "critical,digitalSignature", error)
        || !addExtension(cert.get(), NID_ext_key_usage, "serverAuth", error)
        || !addExtension(cert.get(), NID_subject_key_identifier, "hash", error))
        return std::nullopt;

    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
        fail(error, QStringLiteral("Could not sign the certificate"));
        return std::nullopt;
    }

    const Bio certBio(BIO_new(BIO_s_mem()));
    const Bio keyBio(BIO_new(BIO_s_mem()));
    if (!certBio || !keyBio || PEM_write_bio_X509(certBio.get(), cert.get()) != 1
        || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        fail(error, QStringLiteral("Could not write the certificate and key as PEM"));
        return std::nullopt;
    }

    TlsIdentity identity;
    identity.certificate = QSslCertificate(readBio(certBio.get()), QSsl::Pem);
    const std::optional<QSslKey> sslKey = keyFromPem(readBio(keyBio.get()));
    if (identity.certificate.isNull() || !sslKey) {
        if (error)
            *error = QStringLiteral("Qt could not read the generated certificate or key (is the OpenSSL TLS backend "
                                    "installed?)");
        return std::nullopt;
    }
    identity.key = *sslKey;
    return identity;
}

std::optional<TlsIdentity> loadTlsIdentity(const QString& certFile, const QString& keyFile, QString* error)
{
    const auto setError = [error](const QString& text) {
        if (error)
            *error = text;
    };
    QFile certIn(certFile);
    if (!certIn.open(QIODevice::ReadOnly)) {
        setError(QStringLiteral("Cannot read the certificate file %1: %2").arg(certFile, certIn.errorString()));
        return std::nullopt;
    }
    const QByteArray certBytes = certIn.readAll();
    QList<QSslCertificate> certs = QSslCertificate::fromData(certBytes, QSsl::Pem);
    if (certs.isEmpty())
        certs = QSslCertificate::fromData(certBytes, QSsl::Der);
    if (certs.isEmpty() || certs.front().isNull()) {
        setError(QStringLiteral("%1 holds no certificate in PEM or DER form.").arg(certFile));
        return std::nullopt;
    }

    QFile keyIn(keyFile);
    if (!keyIn.open(QIODevice::ReadOnly)) {
        setError(QStringLiteral("Cannot read the key file %1: %2").arg(keyFile, keyIn.errorString()));
        return std::nullopt;
    }
    const std::optional<QSslKey> key = keyFromPem(keyIn.readAll());
    if (!key) {
        setError(QStringLiteral("%1 holds no unencrypted RSA, EC or DSA private key in PEM or DER form.").arg(keyFile));
        return std::nullopt;
    }
    TlsIdentity identity;
    identity.certificate = certs.front();
    identity.key = *key;
    return identity;
}

} // namespace wsi
