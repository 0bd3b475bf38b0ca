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
    std::shared_ptr<const UserDirectory> users; // loaded for `policy`; null without a usable users file
    std::shared_ptr<LoginSessions> sessions = std::make_shared<LoginSessions>();
    QStringList fileProblems;
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
            settings.users = d->users;
            settings.sessions = d->sessions;
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
    loadPolicyFiles();
    if (auto* ssl = qobject_cast<QSslServer*>(d->server))
        ssl->setHandshakeTimeout(policy.handshakeTimeoutMs);
    Q_EMIT policyChanged();
}

namespace
{
// A file the policy names, read whole up to `maxBytes`; `problem` says why it could not be.
QByteArray readPolicyFile(const QByteArray& path, const QString& what, qint64 maxBytes, QString* problem)
{
    QFile file(QString::fromUtf8(path));
    if (!file.open(QIODevice::ReadOnly)) {
        *problem = QStringLiteral("%1 %2 cannot be read: %3").arg(what, QString::fromUtf8(path), file.errorString());
        return {};
    }
    QByteArray bytes = file.read(maxBytes + 1);
    if (bytes.size() > maxBytes) {
        *problem = QStringLiteral("%1 %2 is larger than %3 bytes, too large for such a file")
                       .arg(what, QString::fromUtf8(path))
                       .arg(maxBytes);
        return {};
    }
    return bytes;
}
} // namespace

void EchoServer::loadPolicyFiles()
{
    d->fileProblems.clear();
    QString problem;
    const QByteArray keyBytes = d->policy.jwtKeyFile.isEmpty()
        ? QByteArray()
        : readPolicyFile(d->policy.jwtKeyFile, QStringLiteral("JWT key file"), kMaxJwtKeyFileBytes, &problem);
    if (!problem.isEmpty()) {
        d->jwtKeys.reset();
        d->fileProblems.append(problem);
    } else {
        JwtKeysResult loaded = jwtKeysFor(d->policy, keyBytes);
        d->jwtKeys = std::move(loaded.keys);
        if (!loaded.error.isEmpty())
            d->fileProblems.append(loaded.error);
    }

    d->users.reset();
    if (d->policy.usersFile.isEmpty())
        return;
    problem.clear();
    const QByteArray usersBytes
        = readPolicyFile(d->policy.usersFile, QStringLiteral("Users file"), kMaxUsersFileBytes, &problem);
    if (!problem.isEmpty()) {
        d->fileProblems.append(problem);
        return;
    }
    UserDirectoryResult loaded = parseUserDirectory(usersBytes);
    if (!loaded.error.isEmpty())
        d->fileProblems.append(
            QStringLiteral("Users file %1: %2").arg(QString::fromUtf8(d->policy.usersFile), loaded.error));
    d->users = std::move(loaded.directory);
}

QStringList EchoServer::policyFileProblems() const
{
    return d->fileProblems;
}

int EchoServer::loginSessionCount() const
{
    return d->sessions->size();
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
