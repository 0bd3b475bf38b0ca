#pragma once
// Why a client connection failed, in one sentence a person understands, and how far the attempt got.
// The engine gathers plain facts (what kind of failure, what the socket and TLS layer said, the first
// bytes the server sent); describeFailure() alone turns them into words, so the window, `probe` and
// `probe --json` say the same thing about the same failure.

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace wsi
{

// How a client connection ended without a usable WebSocket.
// InvalidRequest: the spec could not be turned into a request (nothing was sent). Timeout covers both
// "could not connect in time" (requestWritten < 0) and "the server never answered".
enum class ClientFailure { None, InvalidRequest, Connect, Tls, Timeout, NotUpgraded, CheckFailed, ProtocolViolation };

// "connect", "tls", … — the failure's name in JSON.
QString clientFailureName(ClientFailure failure);

struct ClientTimings { // µs since the attempt started; -1 = did not happen
    qint64 lookupDone = -1, connected = -1, tlsDone = -1, requestWritten = -1, responseHeadDone = -1;
};

// What the transport reported, reduced to what a person can act on.
enum class TransportError {
    None,
    ConnectionRefused, // nothing listens on the port
    HostNotFound, // the name does not resolve
    NetworkUnreachable,
    RemoteClosed, // the server ended TCP
    TlsNotSpoken, // the TLS layer read bytes that are not TLS ("wrong version number")
    TlsHandshakeFailed, // any other TLS handshake failure (an alert, no shared cipher, …)
    Other,
};

// Why a server certificate was not trusted (several can hold at once).
enum class CertificateProblem { SelfSigned, UntrustedIssuer, Expired, NotYetValid, WrongName, Other };

// Which front end shows the text: the fix for an untrusted certificate is named the way that front end names it.
enum class FailureAudience { CommandLine, Window };

struct FailureFacts {
    ClientFailure kind = ClientFailure::None;
    TransportError transport = TransportError::None;
    QString transportText; // the network library's own words, shown only when nothing plainer is known
    QList<CertificateProblem> certificateProblems;
    QStringList certificateTexts; // the library's words for each problem, in the same order
    QByteArray received; // the first bytes the server sent before the failure (a few suffice)
    QString host;
    quint16 port = 0;
    bool tls = false; // wss://
    ClientTimings timings;
    int timeoutMs = 0; // for Timeout: the limit that ran out
    // The engine's own sentence when the failure is about content rather than the connection (an invalid
    // request, a refusal, a failed check, a broken frame, a file that could not be read).
    QString detail;
};

struct FailureText {
    QString message; // the whole sentence: what happened and, when there is one, what to try
    QString hint; // just what to try (also inside message); empty when there is nothing to suggest
};

FailureText describeFailure(const FailureFacts& facts, FailureAudience audience = FailureAudience::CommandLine);

// True when `bytes` start like a TLS record: a handshake (0x16) or an alert (0x15) of TLS 1.x (0x03).
bool looksLikeTls(QByteArrayView bytes);

} // namespace wsi
