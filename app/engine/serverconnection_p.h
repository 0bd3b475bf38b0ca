#pragma once
// The echo server's side of one TCP (or TLS) connection: reads the request head, answers with decide(),
// then echoes through an Endpoint. Internal to the engine (EchoServer and serverconnection.cpp); views use
// the public ServerConnection.
//
// The echo data path runs entirely inside Private, so the d-pointer costs it nothing: Private is the
// Endpoint's sink (writeToWire, messageReceived are called on it directly) and the descriptor's and socket's
// readiness signals are connected to lambdas that hold the Private pointer, not the ServerConnection. A read,
// the frames it carries and their echoes never go through `d`. Only the public getters and the phase signals
// (through `q`) take the one extra step.

#include "core/endpoint.h"
#include "core/loginroutes.h"
#include "engine/descriptorstream.h"
#include "engine/serverconnection.h"

#include <QTimer>
#include <memory>

class QTcpSocket;

namespace wsi
{

struct ConnectionSettings {
    ServerPolicy policy;
    std::shared_ptr<const JwtKeySet> jwtKeys; // for the policy's JWT settings (EchoServer loads them)
    std::shared_ptr<const UserDirectory> users; // the policy's users file, loaded
    std::shared_ptr<LoginSessions> sessions; // the server's, shared by its connections: POST /login adds to it
    qint64 payloadBudget = qint64(1) << 20;
    int stallTimeoutMs = 10'000;
    int closeTimeoutMs = 5'000; // after our close frame, how long the client has to answer it
    bool recording = true;
};

struct ServerConnection::Private final : public EndpointSink {
    Private(ServerConnection* owner, int id, QTcpSocket* socket, ConnectionSettings settings);

    // Starts reading; call once the owner has connected to the signals.
    void start();
    // Server shutdown: close with 1001 when open, drop the TCP connection otherwise.
    void goingAway();

    bool sendMessageNow(Opcode opcode, QByteArrayView payload);
    bool sendPingNow(QByteArrayView payload);
    bool startClose(quint16 code, QByteArrayView reason);
    void scheduleCloseOnExpiry();
    void awaitCredentialMessage();
    void authenticateByMessage(const Message& message);
    void abortNow(const QString& why);

    void readIncoming();
    void readFromStream();
    void takeOverDescriptor();
    void streamEnded(); // the peer closed or the descriptor failed
    qint64 queuedBytes() const;
    void handleHeadBytes(const QByteArray& bytes);
    // serve --login: a plain HTTP request answered instead of a handshake; false while its body is still coming.
    bool answerLoginRoute(LoginRoute route, const HttpRequest& request, qsizetype headBytes);
    DecisionInputs decisionInputs() const;
    void answer(Decision decision, const QByteArray& rawRequest, const QByteArray& leftover);
    void setPhase(Phase phase);
    void note(NoteRecord::Level level, const QString& text);
    void handshakeTimedOut();
    void checkQueue();
    void socketClosed();
    void finishTcp(); // the server ends the TCP connection first (RFC 6455 §7.1.1)

    // EndpointSink
    void writeToWire(const QByteArray& bytes) override;
    void messageReceived(const Message& message) override;
    void controlReceived(const Frame& frame) override;
    void protocolViolation(const ProtocolViolation& violation) override;
    void closeHandshakeDone() override;

    ServerConnection* const q;
    const int m_id;
    const QString m_peer;
    const qint64 m_acceptedAtUs;
    Phase m_phase = Phase::Handshake;
    Transcript m_transcript;
    std::optional<Decision> m_decision;
    qint64 m_bytesIn = 0, m_bytesOut = 0;
    ConnectionSettings m_settings;
    std::unique_ptr<Endpoint> m_endpoint; // after m_transcript: the Endpoint records into it until it goes

    QTcpSocket* m_socket; // a child of q
    // Once a plain connection has upgraded it runs on its descriptor (see DescriptorStream); m_socket is then
    // closed and unused. Null for TLS and during the handshake.
    std::unique_ptr<DescriptorStream> m_stream;
    QByteArray m_head;
    QByteArray m_readBuffer;
    QTimer m_deadline; // handshake timeout, then the close timeout
    QTimer m_stallTimer; // running while the client is not reading what we queued
    QTimer m_expiryTimer; // --close-on-expiry: fires when the user's token expires
    QTimer m_authTimer; // --auth first-message: how long the credential may take
    bool m_loginInFlight = false; // a POST /login's password is being checked on a pool thread
    bool m_awaitingCredential = false; // --auth first-message, until the first message arrived
    bool m_paused = false;
    bool m_tcpClosing = false;
};

} // namespace wsi
