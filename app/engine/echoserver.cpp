#include "engine/echoserver.h"

#include "engine/serverconnection_p.h"

#include <QFile>
#include <QSslConfiguration>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpServer>
#include <deque>

namespace wsi
{

struct EchoServer::Private {
    QTcpServer* server = nullptr;
    std::optional<TlsIdentity> identity;
    ServerPolicy policy;
    std::shared_ptr<const JwtKeySet> jwtKeys; // loaded for `policy`; null when its key file could not be used
    QString jwtKeysProblem;
    QList<ServerConnection*> open;
    std::deque<ServerConnection*> closed; // oldest first
    int closedKept = 50;
    qint64 payloadBudget = qint64(1) << 20;
    int stallTimeoutMs = 10'000;
    int nextId = 1;
    bool recording = true;
};

EchoServer::EchoServer(QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>())
{
}

EchoServer::~EchoServer()
{
    // Connections are children and go with us; their sockets must not report into a half-destroyed server.
    for (ServerConnection* c : std::as_const(d->open))
        c->disconnect(this);
}

void EchoServer::enableTls(const TlsIdentity& identity)
{
    d->identity = identity;
}

void EchoServer::disableTls()
{
    d->identity.reset();
}
bool EchoServer::isListening() const
{
    return d->server && d->server->isListening();
}
bool EchoServer::isTls() const
{
    return d->identity.has_value();
}
QHostAddress EchoServer::address() const
{
    return d->server ? d->server->serverAddress() : QHostAddress();
}
quint16 EchoServer::port() const
{
    return d->server ? d->server->serverPort() : 0;
}
const std::optional<TlsIdentity>& EchoServer::tlsIdentity() const
{
    return d->identity;
}
const ServerPolicy& EchoServer::policy() const
{
    return d->policy;
}
int EchoServer::closedConnectionsKept() const
{
    return d->closedKept;
}
void EchoServer::setPayloadBudgetPerConnection(qint64 bytes)
{
    d->payloadBudget = qMax<qint64>(0, bytes);
}
void EchoServer::setStallTimeoutMs(int ms)
{
    d->stallTimeoutMs = qMax(1, ms);
}
void EchoServer::setRecording(bool on)
{
    d->recording = on;
}
bool EchoServer::isRecording() const
{
    return d->recording;
}

QUrl EchoServer::url() const
{
    QUrl url;
    url.setScheme(isTls() ? QStringLiteral("wss") : QStringLiteral("ws"));
    QHostAddress host = address();
    if (host == QHostAddress::Any || host == QHostAddress::AnyIPv4)
        host = QHostAddress::LocalHost; // the URL a local client can use
    else if (host == QHostAddress::AnyIPv6)
        host = QHostAddress::LocalHostIPv6;
    url.setHost(host.toString());
    url.setPort(port());
    url.setPath(QStringLiteral("/"));
    return url;
}

bool EchoServer::listen(const QHostAddress& address, quint16 port, QString* error)
{
    if (isListening()) {
        if (error)
            *error = QStringLiteral("The server is already listening on port %1.").arg(this->port());
        return false;
    }
    delete d->server;
    if (d->identity) {
        auto* ssl = new QSslServer(this);
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setLocalCertificate(d->identity->certificate);
        config.setPrivateKey(d->identity->key);
        config.setPeerVerifyMode(QSslSocket::VerifyNone);
        ssl->setSslConfiguration(config);
        ssl->setHandshakeTimeout(d->policy.handshakeTimeoutMs);
        d->server = ssl;
    } else {
        d->server = new QTcpServer(this);
    }
    // pendingConnectionAvailable, not newConnection: a QSslServer queues a socket only once TLS is up.
    connect(d->server, &QTcpServer::pendingConnectionAvailable, this, [this] {
        while (QTcpSocket* socket = d->server->nextPendingConnection()) {
            ConnectionSettings settings;
            settings.policy = d->policy;
            settings.jwtKeys = d->jwtKeys;
            settings.payloadBudget = d->payloadBudget;
            settings.stallTimeoutMs = d->stallTimeoutMs;
            settings.recording = d->recording;
            auto* connection = new ServerConnection(d->nextId++, socket, std::move(settings), this);
            d->open.append(connection);
            connect(connection, &ServerConnection::handshakeDecided, this,
                [this, connection] { Q_EMIT handshakeDecided(connection); });
            connect(connection, &ServerConnection::phaseChanged, this, [this, connection](ServerConnection::Phase p) {
                if (p != ServerConnection::Phase::Closed)
                    return;
                d->open.removeOne(connection);
                d->closed.push_back(connection);
                Q_EMIT connectionClosed(connection);
                setClosedConnectionsKept(d->closedKept);
            });
            Q_EMIT connectionAccepted(connection);
            connection->d->start();
        }
    });
    if (!d->server->listen(address, port)) {
        if (error)
            *error = QStringLiteral("Cannot listen on %1:%2: %3")
                         .arg(address.toString())
                         .arg(port)
                         .arg(d->server->errorString());
        return false;
    }
    Q_EMIT listeningChanged(true);
    return true;
}

void EchoServer::close()
{
    const bool wasListening = isListening();
    if (d->server)
        d->server->close();
    const QList<ServerConnection*> open = d->open;
    for (ServerConnection* c : open)
        c->d->goingAway();
    if (wasListening)
        Q_EMIT listeningChanged(false);
}

void EchoServer::setPolicy(const ServerPolicy& policy)
{
    if (d->policy == policy)
        return;
    d->policy = policy;
    loadJwtKeys();
    if (auto* ssl = qobject_cast<QSslServer*>(d->server))
        ssl->setHandshakeTimeout(policy.handshakeTimeoutMs);
    Q_EMIT policyChanged();
}

void EchoServer::loadJwtKeys()
{
    QByteArray fileBytes;
    d->jwtKeysProblem.clear();
    if (!d->policy.jwtKeyFile.isEmpty()) {
        QFile file(QString::fromUtf8(d->policy.jwtKeyFile));
        if (!file.open(QIODevice::ReadOnly)) {
            d->jwtKeys.reset();
            d->jwtKeysProblem = QStringLiteral("JWT key file %1 cannot be read: %2")
                                    .arg(QString::fromUtf8(d->policy.jwtKeyFile), file.errorString());
            return;
        }
        fileBytes = file.read(kMaxJwtKeyFileBytes + 1);
        if (fileBytes.size() > kMaxJwtKeyFileBytes) {
            d->jwtKeys.reset();
            d->jwtKeysProblem = QStringLiteral("JWT key file %1 is larger than %2 bytes, too large for a key file")
                                    .arg(QString::fromUtf8(d->policy.jwtKeyFile))
                                    .arg(kMaxJwtKeyFileBytes);
            return;
        }
    }
    JwtKeysResult loaded = jwtKeysFor(d->policy, fileBytes);
    d->jwtKeys = std::move(loaded.keys);
    d->jwtKeysProblem = loaded.error;
}

QString EchoServer::jwtKeysProblem() const
{
    return d->jwtKeysProblem;
}

QList<ServerConnection*> EchoServer::connections() const
{
    QList<ServerConnection*> all;
    all.reserve(qsizetype(d->closed.size()) + d->open.size());
    for (ServerConnection* c : d->closed)
        all.append(c);
    for (ServerConnection* c : std::as_const(d->open))
        all.append(c);
    std::sort(all.begin(), all.end(), [](ServerConnection* a, ServerConnection* b) { return a->id() < b->id(); });
    return all;
}

void EchoServer::setClosedConnectionsKept(int count)
{
    d->closedKept = qMax(0, count);
    while (qsizetype(d->closed.size()) > d->closedKept) {
        // Later, not now: whoever handles connectionClosed() may still be looking at it.
        d->closed.front()->deleteLater();
        d->closed.pop_front();
    }
}

QString phaseName(ServerConnection::Phase phase)
{
    switch (phase) {
    case ServerConnection::Phase::Handshake:
        return QStringLiteral("handshake");
    case ServerConnection::Phase::Open:
        return QStringLiteral("open");
    case ServerConnection::Phase::Closing:
        return QStringLiteral("closing");
    case ServerConnection::Phase::Closed:
        return QStringLiteral("closed");
    }
    return {};
}

} // namespace wsi

// The moc output is compiled here rather than in the shared mocs_compilation unit, so linking the server
// does not pull in the moc code of every other engine class.
#include "moc_echoserver.cpp"
