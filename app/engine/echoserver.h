#pragma once
// The local echo server: Qt Network sockets, our own codec, a ServerPolicy that can change while
// it runs (new connections use the new one), and a transcript per connection.

#include "core/frame.h"
#include "core/decisionpipeline.h"
#include "core/transcript.h"
#include "engine/tlsidentity.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QTcpServer;

namespace wsi {

class ServerConnection;

class EchoServer : public QObject {
    Q_OBJECT
public:
    explicit EchoServer(QObject* parent = nullptr);
    ~EchoServer() override;

    // Port 0 picks a free port. With a TLS identity the server speaks wss.
    bool listen(const QHostAddress& address, quint16 port, QString* error = nullptr);
    void enableTls(const TlsIdentity& identity); // before listen()
    void disableTls();                            // before listen(): the next listen() serves plain ws://
    void close();                                 // stops listening and closes every connection with 1001
    bool isListening() const;
    bool isTls() const;
    QHostAddress address() const;
    quint16 port() const;
    QUrl url() const;                             // ws://127.0.0.1:PORT/ or wss://…
    const std::optional<TlsIdentity>& tlsIdentity() const;

    void setPolicy(const ServerPolicy& policy);   // applies to connections accepted from now on
    const ServerPolicy& policy() const;

    // Connections still open, and the most recent closed ones (kept for inspection, bounded).
    QList<ServerConnection*> connections() const;
    void setClosedConnectionsKept(int count);     // default 50; older closed connections are deleted
    int closedConnectionsKept() const;
    // Payload bytes each connection's transcript keeps (frame and message records are kept regardless).
    // Copying payloads is most of what recording costs, and 100 busy connections would otherwise hold
    // 100 budgets of memory.
    void setPayloadBudgetPerConnection(qint64 bytes); // default 1 MiB
    // How long a connection may stay over policy().maxQueuedBytes (its client not reading) before it is dropped.
    void setStallTimeoutMs(int ms);                // default 10 s
    // Whether new connections keep a FrameRecord per frame and a MessageRecord per message (default on).
    // Handshake, close and notes are always recorded.
    void setRecording(bool on);
    bool isRecording() const;

Q_SIGNALS:
    void connectionAccepted(wsi::ServerConnection* connection);  // TCP (and TLS) up, handshake pending
    void handshakeDecided(wsi::ServerConnection* connection);     // decision made and response written
    void connectionClosed(wsi::ServerConnection* connection);
    void policyChanged();
    void listeningChanged(bool listening);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

class ServerConnection : public QObject {
    Q_OBJECT
public:
    enum class Phase { Handshake, Open, Closing, Closed };
    int id() const;                       // 1, 2, 3… per server
    QString peer() const;                 // "127.0.0.1:53412"
    qint64 acceptedAtUs() const;
    Phase phase() const;
    const Transcript& transcript() const; // raw request/response, decision trace, frames, close
    const Decision* decision() const;     // null until the handshake was decided
    qint64 bytesIn() const;
    qint64 bytesOut() const;
    const ServerPolicy& policy() const;   // the policy in force when it was accepted

    // For a user steering the connection by hand. False when the connection is not open.
    bool sendMessage(Opcode opcode, QByteArrayView payload);
    bool sendPing(QByteArrayView payload = {});
    // Starts the closing handshake; the TCP connection ends when the client answers (or after a timeout).
    bool closeConnection(quint16 code = 1000, QByteArrayView reason = {});
    void abort();                         // drop the TCP connection now
    // For a reader of transcript() that only goes forward (the headless server's output): frames and
    // messages before these indices are no longer needed (see Transcript::releaseBefore()).
    void releaseRecordsBefore(qint32 frame, qint32 message);

Q_SIGNALS:
    void phaseChanged(wsi::ServerConnection::Phase phase);
    void handshakeDecided();              // decision made and response written

protected:
    explicit ServerConnection(QObject* parent) : QObject(parent) { }
};

// The phase as every view and printout names it: "handshake", "open", "closing", "closed".
QString phaseName(ServerConnection::Phase phase);

} // namespace wsi
