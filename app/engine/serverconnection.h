#pragma once
// The echo server's side of one TCP (or TLS) connection: reads the request head, answers with decide(),
// then echoes through an Endpoint. Internal to the engine; views use the ServerConnection interface.

#include "core/endpoint.h"
#include "engine/descriptorstream.h"
#include "engine/echoserver.h"

#include <QTimer>
#include <memory>

class QTcpSocket;

namespace wsi
{

struct ConnectionSettings {
    ServerPolicy policy;
    qint64 payloadBudget = qint64(1) << 20;
    int stallTimeoutMs = 10'000;
    int closeTimeoutMs = 5'000; // after our close frame, how long the client has to answer it
    bool recording = true;
};

class ServerConnectionImpl final : public ServerConnection, public EndpointSink
{
    Q_OBJECT
public:
    ServerConnectionImpl(int id, QTcpSocket* socket, ConnectionSettings settings, QObject* parent);
    ~ServerConnectionImpl() override;

    // Starts reading; call once the owner has connected to the signals.
    void start();
    // Server shutdown: close with 1001 when open, drop the TCP connection otherwise.
    void goingAway();

    int m_id;
    QString m_peer;
    qint64 m_acceptedAtUs;
    Phase m_phase = Phase::Handshake;
    Transcript m_transcript;
    std::optional<Decision> m_decision;
    qint64 m_bytesIn = 0, m_bytesOut = 0;
    ConnectionSettings m_settings;
    std::unique_ptr<Endpoint> m_endpoint;

    bool sendMessageNow(Opcode opcode, QByteArrayView payload);
    bool sendPingNow(QByteArrayView payload);
    bool startClose(quint16 code, QByteArrayView reason);
    void abortNow(const QString& why);

private:
    void readIncoming();
    void readFromStream();
    void takeOverDescriptor();
    void streamEnded(); // the peer closed or the descriptor failed
    qint64 queuedBytes() const;
    void handleHeadBytes(const QByteArray& bytes);
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

    QTcpSocket* m_socket;
    // Once a plain connection has upgraded it runs on its descriptor (see DescriptorStream); m_socket is then
    // closed and unused. Null for TLS and during the handshake.
    std::unique_ptr<DescriptorStream> m_stream;
    QByteArray m_head;
    QByteArray m_readBuffer;
    QTimer m_deadline; // handshake timeout, then the close timeout
    QTimer m_stallTimer; // running while the client is not reading what we queued
    bool m_paused = false;
    bool m_tcpClosing = false;
};

} // namespace wsi
