#pragma once
// Key pairs for the JWT tests, made fresh by OpenSSL at test time so that no private key sits in the tree.

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace wsi::test
{

struct JwtTestKeyPair {
    QByteArray privatePem; // PKCS#8 "PRIVATE KEY"
    QByteArray traditionalPrivatePem; // "RSA PRIVATE KEY" / "EC PRIVATE KEY"; PKCS#8 for Ed25519, which has no other
    QByteArray publicPem; // SubjectPublicKeyInfo "PUBLIC KEY"
    QJsonObject jwk; // the public key as a JWK, without "kid" or "alg"
};

// kind: "RSA" (2048 bits; "RSA-1024" for a key too small), "P-256", "P-384", "P-521" or "Ed25519".
// Empty members when OpenSSL could not make the key.
JwtTestKeyPair makeJwtTestKeyPair(const QString& kind);

// base64url without padding, as JWS writes every binary value.
QByteArray base64UrlForTest(const QByteArray& bytes);

} // namespace wsi::test
