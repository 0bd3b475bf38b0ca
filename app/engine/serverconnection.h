#pragma once
// One connection the echo server accepted: its phase, its transcript (raw request and response, the decision,
// frames, messages, close) and a few controls for a user steering it by hand. EchoServer creates these; views
// and the headless server read them. The workings live in ServerConnection::Private (serverconnection_p.h).

#include "core/decisionpipeline.h"
#include "core/frame.h"
#include "core/transcript.h"

#include <QObject>
#include <memory>

class QTcpSocket;

namespace wsi
{

class EchoServer;
struct ConnectionSettings; // engine-internal: serverconnection_p.h

class ServerConnection : public QObject
{
    Q_OBJECT
public:
    enum class Phase { Handshake, Open, Closing, Closed };
    ~ServerConnection() override;

    int id() const; // 1, 2, 3… per server
    QString peer() const; // "127.0.0.1:53412"
    qint64 acceptedAtUs() const;
    Phase phase() const;
    const Transcript& transcript() const; // raw request/response, decision trace, frames, close
    const Decision* decision() const; // null until the handshake was decided
    qint64 bytesIn() const;
    qint64 bytesOut() const;
    const ServerPolicy& policy() const; // the policy in force when it was accepted

    // For a user steering the connection by hand. False when the connection is not open.
    bool sendMessage(Opcode opcode, QByteArrayView payload);
    bool sendPing(QByteArrayView payload = {});
    // Starts the closing handshake; the TCP connection ends when the client answers (or after a timeout).
    bool closeConnection(quint16 code = 1000, QByteArrayView reason = {});
    void abort(); // drop the TCP connection now
    // For a reader of transcript() that only goes forward (the headless server's output): frames and
    // messages before these indices are no longer needed (see Transcript::releaseBefore()).
    void releaseRecordsBefore(qint32 frame, qint32 message);

Q_SIGNALS:
    void phaseChanged(wsi::ServerConnection::Phase phase);
    void handshakeDecided(); // decision made and response written
    void userChanged(); // --auth first-message: the first message named the connection's user

private:
    // Only the server makes connections, starts them and sends them away on shutdown.
    friend class EchoServer;
    ServerConnection(int id, QTcpSocket* socket, ConnectionSettings settings, QObject* parent);

    struct Private;
    std::unique_ptr<Private> d;
};

// The phase as every view and printout names it: "handshake", "open", "closing", "closed".
QString phaseName(ServerConnection::Phase phase);

} // namespace wsi
