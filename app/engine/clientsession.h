#pragma once
// The client: sends the handshake the user built (valid or not) over QTcpSocket/QSslSocket, records
// byte for byte what came back, judges it with checkResponse(), and after a 101 speaks frames
// through the shared Endpoint.

#include "core/endpoint.h"
#include "core/failuretext.h"
#include "core/handshakespec.h"
#include "core/sessionstate.h"
#include "core/transcript.h"

#include <QObject>
#include <QSslCertificate>

namespace wsi
{

struct ClientOptions {
    bool insecure = false; // skip TLS certificate verification
    QString caFile; // extra CA certificates (PEM)
    QString certFile, keyFile; // client certificate for mutual TLS
    int connectTimeoutMs = 10'000;
    int handshakeTimeoutMs = 10'000;
    HeadLimits responseLimits;
    qint64 maxBodyBytes = 1 << 20; // of a non-101 answer
    EndpointConfig endpoint = [] {
        EndpointConfig config;
        config.role = Role::Client;
        return config;
    }();
    int pingIntervalMs = 0; // 0 = off
    // Whose words errorString() uses for a fix (a flag of `probe`, or an option in the window).
    FailureAudience audience = FailureAudience::CommandLine;
};

struct TlsInfo {
    QString protocol; // "TLSv1.3"
    QString cipher;
    QList<QSslCertificate> peerChain;
    QStringList verificationErrors;
};

class ClientSession : public QObject
{
    Q_OBJECT
public:
    enum class Phase { Idle, Connecting, Handshaking, Open, Closing, Closed };
    using Failure = ClientFailure; // core/failuretext.h

    explicit ClientSession(QObject* parent = nullptr);
    ~ClientSession() override;

    void start(const HandshakeSpec& spec, const ClientOptions& options = {});
    void abort(); // drop the TCP connection now

    Phase phase() const;
    Failure failure() const;
    QString errorString() const; // a sentence a person understands: failureText().message
    FailureText failureText() const; // describeFailure() of failureFacts(), in options.audience's words
    const FailureFacts& failureFacts() const; // what the engine saw when the attempt failed
    const BuiltRequest& request() const;
    const HandshakeSpec& spec() const; // as start() was given it
    // The request as sent, read back from its bytes (nullopt when they hold no complete HTTP head), and
    // checkRequest()'s findings about it (all severities): both recorded once, when start() builds it.
    const std::optional<HttpRequest>& sentRequest() const;
    const QList<Finding>& requestFindings() const;
    const std::optional<HttpResponse>& response() const;
    const QList<Finding>& findings() const;
    const ClientTimings& timings() const;
    const std::optional<TlsInfo>& tlsInfo() const;
    const Transcript& transcript() const;
    // What happened so far, as the facts core's sessionState() reads; state() is that result, the one
    // every view shows.
    SessionFacts facts() const;
    SessionState state() const { return sessionState(facts()); }
    // The server's decision about this connection, when it is known (the window's own server): kept in the
    // transcript's handshake record so that exports carry it.
    void recordServerDecision(const QList<DecisionStep>& steps, const std::optional<AuthenticatedUser>& user = {});
    QByteArray negotiatedProtocol() const;
    std::optional<DeflateParams> negotiatedDeflate() const;

    // After the 101; false when not open.
    bool sendMessage(Opcode opcode, QByteArrayView payload, const SendOptions& options = {});
    bool sendPing(QByteArrayView payload = {});
    bool sendPong(QByteArrayView payload = {});
    bool sendClose(std::optional<quint16> code = 1000, QByteArrayView reason = {});
    bool sendFrame(quint8 opcode, QByteArrayView payload, const FrameOptions& options);
    bool sendRawBytes(const QByteArray& bytes);
    void setAutoPong(bool on);
    void setPingInterval(int ms);
    std::optional<qint64> lastPingRttUs() const;
    qint64 bytesSent() const; // on the TCP connection, TLS excluded
    qint64 bytesReceived() const;
    // How long to wait for the server to end TCP after the closing handshake (RFC 6455 §7.1.1).
    void setCloseWaitMs(int ms);

Q_SIGNALS:
    void phaseChanged(wsi::ClientSession::Phase phase);
    void handshakeFinished(); // response head (and body) read and checked, 101 or not
    void messageReceived(const wsi::Message& message);
    void controlReceived(const wsi::Frame& frame);
    void finished(); // the connection is over; the transcript is complete
    void pongReceived(qint64 rttUs); // a pong answering one of our pings (-1 when unsolicited)

private:
    struct Private;
    std::unique_ptr<Private> d;
};

// The phase as every view and printout names it: "idle", "connecting", "handshaking", "open", "closing", "closed".
QString phaseName(ClientSession::Phase phase);

} // namespace wsi
