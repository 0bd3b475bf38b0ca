#pragma once
// A server's TLS certificate and key: generated at start (self-signed, for loopback use) or loaded.

#include <QSslCertificate>
#include <QSslKey>
#include <optional>

namespace wsi
{

struct TlsIdentity {
    QSslCertificate certificate;
    QSslKey key;
    QString fingerprintSha256() const; // "AB:CD:..." as browsers show it
};

// A fresh key and X.509 certificate (SAN: localhost, 127.0.0.1, ::1), valid for 30 days.
std::optional<TlsIdentity> generateSelfSignedIdentity(QString* error = nullptr);
std::optional<TlsIdentity> loadTlsIdentity(const QString& certFile, const QString& keyFile, QString* error = nullptr);

} // namespace wsi
