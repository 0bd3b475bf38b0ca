#include "core/failuretext.h"

#include <QRegularExpression>

namespace wsi
{

namespace
{

QString endpointName(const FailureFacts& facts)
{
    // An IPv6 address needs brackets before the port, as in a URL.
    const QString host = facts.host.contains(QLatin1Char(':')) ? QStringLiteral("[%1]").arg(facts.host) : facts.host;
    return QStringLiteral("%1:%2").arg(host).arg(facts.port);
}

FailureText text(const QString& what, const QString& hint = {})
{
    return FailureText { hint.isEmpty() ? what + QLatin1Char('.') : QStringLiteral("%1 (%2).").arg(what, hint), hint };
}

// The network library's words without OpenSSL's "error:0A00010B:SSL routines::" prefix, which means nothing
// to a person reading it.
QString plainLibraryText(QString libraryText)
{
    static const QRegularExpression opensslPrefix(QStringLiteral("error:[0-9A-Fa-f]+:[^:]*:[^:]*:"));
    libraryText.remove(opensslPrefix);
    return libraryText.trimmed();
}

QString certificateProblemText(CertificateProblem problem, const QString& libraryText, const QString& host)
{
    switch (problem) {
    case CertificateProblem::SelfSigned:
        return QStringLiteral("it is self-signed");
    case CertificateProblem::UntrustedIssuer:
        return QStringLiteral("it was issued by an authority this system does not trust");
    case CertificateProblem::Expired:
        return QStringLiteral("it has expired");
    case CertificateProblem::NotYetValid:
        return QStringLiteral("it is not valid yet (is this computer's clock right?)");
    case CertificateProblem::WrongName:
        return QStringLiteral("it was issued for another name than %1").arg(host);
    case CertificateProblem::Other:
        break;
    }
    QString plain = plainLibraryText(libraryText);
    if (plain.endsWith(QLatin1Char('.')))
        plain.chop(1);
    return plain.isEmpty() ? QStringLiteral("it failed verification") : plain;
}

FailureText certificateText(const FailureFacts& facts, FailureAudience audience)
{
    QStringList reasons;
    bool trustable = false; // trusting a CA file helps: the certificate is fine apart from who vouches for it
    bool onlyTrust = true;
    for (qsizetype i = 0; i < facts.certificateProblems.size(); ++i) {
        const CertificateProblem problem = facts.certificateProblems.at(i);
        const QString reason = certificateProblemText(problem, facts.certificateTexts.value(i), facts.host);
        if (!reasons.contains(reason))
            reasons.append(reason);
        const bool trust = problem == CertificateProblem::SelfSigned || problem == CertificateProblem::UntrustedIssuer;
        trustable = trustable || trust;
        onlyTrust = onlyTrust && trust;
    }
    const QString what = QStringLiteral("The server's certificate for %1 is not trusted: %2")
                             .arg(facts.host, reasons.join(QStringLiteral("; ")));
    if (audience == FailureAudience::Window)
        return text(what, QStringLiteral("to connect anyway, tick “Skip certificate verification” in the builder"));
    if (trustable && onlyTrust) {
        const QString whose = facts.certificateProblems.contains(CertificateProblem::SelfSigned)
            ? QStringLiteral("that certificate")
            : QStringLiteral("the issuing authority's certificate");
        return text(what,
            QStringLiteral("add --cacert FILE with %1 to trust it, or --insecure to connect without "
                           "verifying")
                .arg(whose));
    }
    return text(what, QStringLiteral("add --insecure to connect without verifying"));
}

FailureText tlsText(const FailureFacts& facts, FailureAudience audience)
{
    if (!facts.certificateProblems.isEmpty())
        return certificateText(facts, audience);
    switch (facts.transport) {
    case TransportError::TlsNotSpoken:
        return text(QStringLiteral("The server at %1 answered with something other than TLS").arg(endpointName(facts)),
            QStringLiteral("is it a plain ws:// server? try ws://"));
    case TransportError::RemoteClosed:
        return text(
            QStringLiteral("The server at %1 closed the connection during the TLS handshake").arg(endpointName(facts)),
            audience == FailureAudience::CommandLine
                ? QStringLiteral("it may not speak TLS on this port (try ws://) or may want a client certificate "
                                 "(--cert FILE --key-file FILE)")
                : QStringLiteral("it may not speak TLS on this port (try ws://) or may want a client certificate"));
    case TransportError::None:
        if (!facts.detail.isEmpty())
            return FailureText { facts.detail, {} };
        break;
    default:
        break;
    }
    const QString library = plainLibraryText(facts.transportText);
    return text(library.isEmpty()
            ? QStringLiteral("The TLS handshake with %1 failed").arg(endpointName(facts))
            : QStringLiteral("The TLS handshake with %1 failed: %2").arg(endpointName(facts), library));
}

FailureText connectText(const FailureFacts& facts)
{
    switch (facts.transport) {
    case TransportError::ConnectionRefused:
        return text(QStringLiteral("Connection refused: nothing listens on %1").arg(endpointName(facts)),
            QStringLiteral("is the server running, and on this port?"));
    case TransportError::HostNotFound:
        return text(QStringLiteral("No such host: %1 could not be resolved").arg(facts.host),
            QStringLiteral("check the spelling of the host name"));
    case TransportError::NetworkUnreachable:
        return text(QStringLiteral("The network cannot reach %1").arg(endpointName(facts)),
            QStringLiteral("check this computer's network connection"));
    default:
        break;
    }
    const QString library = plainLibraryText(facts.transportText);
    return text(library.isEmpty() ? QStringLiteral("Could not connect to %1").arg(endpointName(facts))
                                  : QStringLiteral("Could not connect to %1: %2").arg(endpointName(facts), library));
}

FailureText timeoutText(const FailureFacts& facts)
{
    const ClientTimings& t = facts.timings;
    if (t.requestWritten >= 0)
        return FailureText { facts.detail, {} };
    if (facts.tls && t.connected >= 0 && t.tlsDone < 0)
        return text(QStringLiteral("The TLS handshake with %1 did not finish within %2 ms")
                        .arg(endpointName(facts))
                        .arg(facts.timeoutMs),
            QStringLiteral("the server sent no TLS answer: is it a plain ws:// server? try ws://"));
    return text(QStringLiteral("Could not connect to %1 within %2 ms").arg(endpointName(facts)).arg(facts.timeoutMs),
        QStringLiteral("the host may be down, or a firewall drops the connection"));
}

FailureText violationText(const FailureFacts& facts)
{
    if (!facts.tls && looksLikeTls(facts.received))
        return FailureText { QStringLiteral("The server answered with TLS: use wss://."),
            QStringLiteral("use wss://") };
    if (facts.transport == TransportError::RemoteClosed && facts.received.isEmpty()
        && facts.timings.requestWritten >= 0) {
        const QString what = QStringLiteral("The server closed the connection without answering the handshake");
        return facts.tls
            ? text(what)
            : text(what, QStringLiteral("a TLS server does this to plain HTTP: if it expects TLS, try wss://"));
    }
    return FailureText { facts.detail, {} };
}

} // namespace

QString clientFailureName(ClientFailure failure)
{
    switch (failure) {
    case ClientFailure::None:
        return QStringLiteral("none");
    case ClientFailure::InvalidRequest:
        return QStringLiteral("invalid-request");
    case ClientFailure::Connect:
        return QStringLiteral("connect");
    case ClientFailure::Tls:
        return QStringLiteral("tls");
    case ClientFailure::Timeout:
        return QStringLiteral("timeout");
    case ClientFailure::NotUpgraded:
        return QStringLiteral("not-upgraded");
    case ClientFailure::CheckFailed:
        return QStringLiteral("check-failed");
    case ClientFailure::ProtocolViolation:
        return QStringLiteral("protocol-violation");
    }
    return {};
}

bool looksLikeTls(QByteArrayView bytes)
{
    return bytes.size() >= 2 && (bytes[0] == '\x16' || bytes[0] == '\x15') && bytes[1] == '\x03';
}

FailureText describeFailure(const FailureFacts& facts, FailureAudience audience)
{
    switch (facts.kind) {
    case ClientFailure::None:
        return {};
    case ClientFailure::Connect:
        return connectText(facts);
    case ClientFailure::Tls:
        return tlsText(facts, audience);
    case ClientFailure::Timeout:
        return timeoutText(facts);
    case ClientFailure::ProtocolViolation:
        return violationText(facts);
    case ClientFailure::InvalidRequest:
    case ClientFailure::NotUpgraded:
    case ClientFailure::CheckFailed:
        break;
    }
    return FailureText { facts.detail, {} };
}

} // namespace wsi
