#pragma once
// The local echo server: Qt Network sockets, our own codec, a ServerPolicy that can change while
// it runs (new connections use the new one), and a transcript per connection.

#include "core/decisionpipeline.h"
#include "engine/serverconnection.h"
#include "engine/tlsidentity.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QTcpServer;

namespace wsi
{

class EchoServer : public QObject
{
    Q_OBJECT
public:
    explicit EchoServer(QObject* parent = nullptr);
    ~EchoServer() override;

    // Port 0 picks a free port. With a TLS identity the server speaks wss.
    bool listen(const QHostAddress& address, quint16 port, QString* error = nullptr);
    void enableTls(const TlsIdentity& identity); // before listen()
    void disableTls(); // before listen(): the next listen() serves plain ws://
    void close(); // stops listening and closes every connection with 1001
    bool isListening() const;
    bool isTls() const;
    QHostAddress address() const;
    quint16 port() const;
    QUrl url() const; // ws://127.0.0.1:PORT/ or wss://…
    const std::optional<TlsIdentity>& tlsIdentity() const;

    void setPolicy(const ServerPolicy& policy); // applies to connections accepted from now on
    const ServerPolicy& policy() const;
    // Why the files the policy names cannot be used: its JWT key file (unreadable, too large, no usable key) and its
    // users file (unreadable, too large, malformed); empty when they can. While one cannot, the credentials it
    // would check are refused, saying so.
    QStringList policyFileProblems() const;
    static constexpr qint64 kMaxJwtKeyFileBytes = 1 << 20;
    // The sessions POST /login has opened (serve --login), shared by every connection.
    int loginSessionCount() const;

    // Connections still open, and the most recent closed ones (kept for inspection, bounded).
    QList<ServerConnection*> connections() const;
    void setClosedConnectionsKept(int count); // default 50; older closed connections are deleted
    int closedConnectionsKept() const;
    // Payload bytes each connection's transcript keeps (frame and message records are kept regardless).
    // Copying payloads is most of what recording costs, and 100 busy connections would otherwise hold
    // 100 budgets of memory.
    void setPayloadBudgetPerConnection(qint64 bytes); // default 1 MiB
    // How long a connection may stay over policy().maxQueuedBytes (its client not reading) before it is dropped.
    void setStallTimeoutMs(int ms); // default 10 s
    // Whether new connections keep a FrameRecord per frame and a MessageRecord per message (default on).
    // Handshake, close and notes are always recorded.
    void setRecording(bool on);
    bool isRecording() const;

Q_SIGNALS:
    void connectionAccepted(wsi::ServerConnection* connection); // TCP (and TLS) up, handshake pending
    void handshakeDecided(wsi::ServerConnection* connection); // decision made and response written
    void connectionClosed(wsi::ServerConnection* connection);
    void policyChanged();
    void listeningChanged(bool listening);

private:
    void loadPolicyFiles();
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace wsi
