#include "engine/socketfailure.h"

namespace wsi
{

CertificateProblem certificateProblem(QSslError::SslError error)
{
    switch (error) {
    case QSslError::SelfSignedCertificate:
    case QSslError::SelfSignedCertificateInChain:
        return CertificateProblem::SelfSigned;
    case QSslError::UnableToGetIssuerCertificate:
    case QSslError::UnableToGetLocalIssuerCertificate:
    case QSslError::UnableToVerifyFirstCertificate:
    case QSslError::CertificateUntrusted:
    case QSslError::InvalidCaCertificate:
        return CertificateProblem::UntrustedIssuer;
    case QSslError::CertificateExpired:
        return CertificateProblem::Expired;
    case QSslError::CertificateNotYetValid:
        return CertificateProblem::NotYetValid;
    case QSslError::HostNameMismatch:
        return CertificateProblem::WrongName;
    default:
        return CertificateProblem::Other;
    }
}

// The socket's error as a fact a person can act on. OpenSSL reports a peer that does not speak TLS only in
// words ("wrong version number" when it read plain bytes, "unexpected eof" when the peer just closed).
TransportError transportError(QAbstractSocket::SocketError code, const QString& text)
{
    switch (code) {
    case QAbstractSocket::ConnectionRefusedError:
        return TransportError::ConnectionRefused;
    case QAbstractSocket::HostNotFoundError:
        return TransportError::HostNotFound;
    case QAbstractSocket::NetworkError:
        return TransportError::NetworkUnreachable;
    case QAbstractSocket::RemoteHostClosedError:
        return TransportError::RemoteClosed;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
        if (text.contains(QLatin1String("wrong version number"), Qt::CaseInsensitive)
            || text.contains(QLatin1String("packet length too long"), Qt::CaseInsensitive)
            || text.contains(QLatin1String("http request"), Qt::CaseInsensitive))
            return TransportError::TlsNotSpoken;
        if (text.contains(QLatin1String("unexpected eof"), Qt::CaseInsensitive))
            return TransportError::RemoteClosed;
        return TransportError::TlsHandshakeFailed;
    default:
        return TransportError::Other;
    }
}
} // namespace wsi
