#include "engine/clock.h"
#include "engine/randomness.h"
#include "engine/serverconnection_p.h"

#include <QDateTime>
#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QThreadPool>
#include <QTimeZone>
#include <memory>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace wsi
{

namespace
{
// Qt keeps at most this much unread input per socket: beyond it the kernel's window fills and TCP tells the
// client to wait, which is how a paused connection pushes back.
constexpr qint64 kReadBufferBytes = 1024 * 1024;

QString peerText(const QTcpSocket* socket)
{
    const QHostAddress address = socket->peerAddress();
    bool isV4 = false;
    address.toIPv4Address(&isV4);
    const QString host
        = isV4 ? QHostAddress(address.toIPv4Address()).toString() : QStringLiteral("[%1]").arg(address.toString());
    return QStringLiteral("%1:%2").arg(host).arg(socket->peerPort());
}
} // namespace

// ---- the public interface ----

int ServerConnection::id() const
{
    return d->m_id;
}
QString ServerConnection::peer() const
{
    return d->m_peer;
}
qint64 ServerConnection::acceptedAtUs() const
{
    return d->m_acceptedAtUs;
}
ServerConnection::Phase ServerConnection::phase() const
{
    return d->m_phase;
}
const Transcript& ServerConnection::transcript() const
{
    return d->m_transcript;
}
const Decision* ServerConnection::decision() const
{
    return d->m_decision ? &*d->m_decision : nullptr;
}
qint64 ServerConnection::bytesIn() const
{
    return d->m_bytesIn;
}
qint64 ServerConnection::bytesOut() const
{
    return d->m_bytesOut;
}
const ServerPolicy& ServerConnection::policy() const
{
    return d->m_settings.policy;
}
bool ServerConnection::sendMessage(Opcode opcode, QByteArrayView payload)
{
    return d->sendMessageNow(opcode, payload);
}
bool ServerConnection::sendPing(QByteArrayView payload)
{
    return d->sendPingNow(payload);
}
bool ServerConnection::closeConnection(quint16 code, QByteArrayView reason)
{
    return d->startClose(code, reason);
}
void ServerConnection::abort()
{
    d->abortNow(QStringLiteral("Connection dropped by the user."));
}
void ServerConnection::releaseRecordsBefore(qint32 frame, qint32 message)
{
    if (d->m_endpoint && d->m_endpoint->openMessageFirstFrame() >= 0)
        frame = qMin(frame, d->m_endpoint->openMessageFirstFrame());
    d->m_transcript.releaseBefore(frame, message);
}

// ---- the implementation ----

ServerConnection::ServerConnection(int id, QTcpSocket* socket, ConnectionSettings settings, QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this, id, socket, std::move(settings)))
{
}

ServerConnection::~ServerConnection()
{
    // The socket's destructor (it is our child) may emit disconnected(); this object is half gone by then.
    d->m_socket->disconnect(this);
}

ServerConnection::Private::Private(ServerConnection* owner, int id, QTcpSocket* socket, ConnectionSettings settings)
    : q(owner)
    , m_id(id)
    , m_peer(peerText(socket))
    , m_acceptedAtUs(monotonicMicros())
    , m_transcript(settings.payloadBudget)
    , m_settings(std::move(settings))
    , m_socket(socket)
{
    m_socket->setParent(q);
    m_socket->setReadBufferSize(kReadBufferBytes);
    // Echoes are small writes answering small reads; Nagle's algorithm would hold each one back for an ACK.
    m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_deadline.setSingleShot(true);
    m_stallTimer.setSingleShot(true);
}

void ServerConnection::Private::start()
{
    QObject::connect(m_socket, &QIODevice::readyRead, q, [this] { readIncoming(); });
    QObject::connect(m_socket, &QIODevice::bytesWritten, q, [this] { checkQueue(); });
    QObject::connect(m_socket, &QAbstractSocket::disconnected, q, [this] { socketClosed(); });
    QObject::connect(m_socket, &QAbstractSocket::errorOccurred, q, [this](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError)
            note(NoteRecord::Level::Warning, QStringLiteral("Socket error: %1").arg(m_socket->errorString()));
        if (m_socket->state() == QAbstractSocket::UnconnectedState)
            socketClosed();
    });
    QObject::connect(&m_deadline, &QTimer::timeout, q, [this] { handshakeTimedOut(); });
    QObject::connect(&m_stallTimer, &QTimer::timeout, q, [this] {
        if (!m_paused)
            return;
        abortNow(QStringLiteral("Dropped: the client read none of %1 queued bytes for %2 ms (limit %3 bytes).")
                     .arg(queuedBytes())
                     .arg(m_settings.stallTimeoutMs)
                     .arg(m_settings.policy.maxQueuedBytes));
    });
    note(NoteRecord::Level::Info, QStringLiteral("Connection %1 accepted from %2.").arg(m_id).arg(m_peer));
    m_deadline.start(m_settings.policy.handshakeTimeoutMs);
    readIncoming(); // a TLS socket may hold bytes already
}

void ServerConnection::Private::note(NoteRecord::Level level, const QString& text)
{
    m_transcript.addNote(monotonicMicros(), level, text);
}

void ServerConnection::Private::setPhase(Phase phase)
{
    if (m_phase == phase)
        return;
    m_phase = phase;
    Q_EMIT q->phaseChanged(phase);
}

void ServerConnection::Private::readIncoming()
{
    if (m_stream) {
        readFromStream();
        return;
    }
    // One buffer for the connection's life: reading into a fresh array each time costs an allocation (and for
    // big reads fresh zeroed pages from the kernel) per read.
    if (m_readBuffer.size() != kReadBufferBytes)
        m_readBuffer.resize(kReadBufferBytes);
    if (m_settings.recording)
        m_transcript.prefetchForAppend();
    while (!m_paused && m_phase != Phase::Closed && m_socket->bytesAvailable() > 0) {
        const qint64 n = m_socket->read(m_readBuffer.data(), m_readBuffer.size());
        if (n <= 0)
            break;
        const QByteArrayView chunk(m_readBuffer.constData(), n);
        m_bytesIn += n;
        if (m_phase == Phase::Handshake && !m_decision)
            handleHeadBytes(chunk.toByteArray());
        else if (m_endpoint)
            m_endpoint->receive(chunk);
        // else: after a refusal the rest of the input is not read
    }
    if (m_endpoint && m_phase == Phase::Open && !m_paused)
        takeOverDescriptor();
}

void ServerConnection::Private::takeOverDescriptor()
{
    m_stream = DescriptorStream::takeOver(m_socket);
    if (!m_stream)
        return; // TLS, or bytes still in Qt's buffers: the connection stays on the socket
    m_socket->disconnect(q);
    // The hot path: the lambdas hold Private's `this`, so a read reaches readFromStream() without going
    // through ServerConnection::d.
    QObject::connect(m_stream.get(), &DescriptorStream::readyRead, q, [this] { readFromStream(); });
    QObject::connect(m_stream.get(), &DescriptorStream::bytesWritten, q, [this] { checkQueue(); });
    // Reported from the event loop: a failed write happens inside the Endpoint's call to writeToWire().
    QObject::connect(
        m_stream.get(), &DescriptorStream::failed, q, [this] { streamEnded(); }, Qt::QueuedConnection);
}

void ServerConnection::Private::streamEnded()
{
    if (m_phase == Phase::Closed)
        return; // a failed write that a read reported first
    if (!m_stream->errorString().isEmpty())
        note(NoteRecord::Level::Warning, QStringLiteral("Socket error: %1").arg(m_stream->errorString()));
    socketClosed();
}

void ServerConnection::Private::readFromStream()
{
    if (m_settings.recording)
        m_transcript.prefetchForAppend(); // while the kernel copies, the record's lines arrive (see there)
    while (!m_paused && m_phase != Phase::Closed) {
        qint64 n = 0;
        switch (m_stream->read(m_readBuffer.data(), m_readBuffer.size(), &n)) {
        case DescriptorStream::ReadResult::Empty:
            return;
        case DescriptorStream::ReadResult::Closed:
            streamEnded();
            return;
        case DescriptorStream::ReadResult::Data:
            m_bytesIn += n;
            m_endpoint->receive(QByteArrayView(m_readBuffer.constData(), n));
            if (n < m_readBuffer.size())
                return; // most likely all there was; the notifier fires again if not
            break;
        }
    }
}

qint64 ServerConnection::Private::queuedBytes() const
{
    return m_stream ? m_stream->bytesToWrite() : m_socket->bytesToWrite();
}

void ServerConnection::Private::handleHeadBytes(const QByteArray& bytes)
{
    if (m_head.isEmpty())
        m_transcript.handshake().requestTimeUs = monotonicMicros();
    if (m_loginInFlight)
        return; // bytes after a login request are dropped unkept: its answer ends the connection
    m_head.append(bytes);
    const HeadParse<HttpRequest> parsed = parseRequestHead(m_head, m_settings.policy.headLimits);
    switch (parsed.state) {
    case HeadState::Incomplete:
        return;
    case HeadState::Error:
        answer(rejectUnparsable(parsed.error), m_head, {});
        return;
    case HeadState::Complete:
        if (const LoginRoute route = loginRouteOf(parsed.value, m_settings.policy); route != LoginRoute::None) {
            answerLoginRoute(route, parsed.value, parsed.headBytes);
            return;
        }
        answer(decide(parsed.value, m_settings.policy, decisionInputs()), m_head.left(parsed.headBytes),
            m_head.mid(parsed.headBytes));
        return;
    }
}

DecisionInputs ServerConnection::Private::decisionInputs() const
{
    return DecisionInputs { QDateTime::currentSecsSinceEpoch(), m_settings.jwtKeys, m_settings.users,
        m_settings.sessions, qobject_cast<const QSslSocket*>(m_socket) != nullptr };
}

bool ServerConnection::Private::answerLoginRoute(LoginRoute route, const HttpRequest& request, qsizetype headBytes)
{
    QByteArray body;
    if (route == LoginRoute::Login) {
        LoginBodyLength length = loginBodyLength(request);
        if (length.refusal) {
            answer(std::move(*length.refusal), m_head.left(headBytes), {});
            return true;
        }
        if (m_head.size() - headBytes < length.bytes)
            return false; // the rest of the body is on its way; the handshake deadline still runs
        body = m_head.mid(headBytes, length.bytes);
    }
    const QByteArray head = m_head.left(headBytes);
    const auto finish = [this, head, bodySize = body.size()](Decision decision) {
        if (decision.openedSession && m_settings.sessions)
            m_settings.sessions->add(decision.openedSessionId, *decision.openedSession);
        answer(std::move(decision), head, {});
        if (bodySize > 0) // the password is in it
            note(NoteRecord::Level::Info,
                QStringLiteral("The request's body (%1 bytes) is not recorded: it carries a password.").arg(bodySize));
    };
    if (route != LoginRoute::Login) {
        finish(wsi::answerLoginRoute(route, request, body, m_settings.policy, decisionInputs(), {}));
        return true;
    }
    // A password hash costs a quarter of a second by design; on the event loop it would stall every other
    // connection for that long. Core's answer is pure, so it runs on a pool thread and comes back queued.
    m_deadline.stop();
    m_loginInFlight = true;
    QPointer<ServerConnection> owner(q);
    QThreadPool::globalInstance()->start([owner, route, request, body, policy = m_settings.policy,
                                             inputs = decisionInputs(), id = randomToken(), finish]() mutable {
        Decision decision = wsi::answerLoginRoute(route, request, body, policy, inputs, id);
        QMetaObject::invokeMethod(
            owner.data(),
            [owner, finish, decision = std::move(decision)]() mutable {
                if (owner && owner->d->m_phase == Phase::Handshake)
                    finish(std::move(decision));
            },
            Qt::QueuedConnection);
    });
    return true;
}

void ServerConnection::Private::answer(Decision decision, const QByteArray& rawRequest, const QByteArray& leftover)
{
    m_deadline.stop();
    m_head.clear();
    m_decision = std::move(decision);
    const Decision& d = *m_decision;

    HandshakeRecord& record = m_transcript.handshake();
    record.rawRequest = rawRequest;
    record.rawResponse = d.response.serialize();
    record.status = d.response.status;
    record.protocol = d.protocol;
    record.extensions = d.response.headers.value("Sec-WebSocket-Extensions");
    record.findings = d.findings;
    record.decisionSteps = d.trace;
    record.user = d.user;
    record.route = d.route;

    m_socket->write(record.rawResponse);
    m_bytesOut += record.rawResponse.size();
    record.responseTimeUs = monotonicMicros();

    if (!d.upgrade) {
        const QString status
            = QStringLiteral("%1 %2").arg(d.response.status).arg(QString::fromLatin1(d.response.reason));
        note(NoteRecord::Level::Info,
            d.route.isEmpty()
                ? QStringLiteral("Refused with %1; the connection ends.").arg(status)
                : QStringLiteral("Answered %1 with %2 (plain HTTP); the connection ends.").arg(d.route, status));
        setPhase(Phase::Closing);
        Q_EMIT q->handshakeDecided();
        finishTcp();
        return;
    }

    EndpointConfig config;
    config.role = Role::Server;
    config.decoder.maxFramePayload = quint64(qMax<qint64>(0, m_settings.policy.maxMessageBytes));
    config.assembler.maxMessageBytes = m_settings.policy.maxMessageBytes;
    config.assembler.maxFragments = m_settings.policy.maxFragments;
    config.recordFrames = m_settings.recording;
    config.recordMessages = m_settings.recording;
    m_endpoint = std::make_unique<Endpoint>(
        config, *this, m_transcript, &monotonicMicros, [] { return MaskKey {}; }); // a server never masks (§5.1)
    if (d.deflate)
        m_endpoint->enableDeflate(*d.deflate, m_settings.policy.compressionLevel);
    setPhase(Phase::Open);
    Q_EMIT q->handshakeDecided();

    if (d.closeAfterUpgrade) {
        startClose(*d.closeAfterUpgrade, d.closeReason);
        if (m_phase == Phase::Closed)
            return;
    }
    if (m_settings.policy.authenticationRequired() && m_settings.policy.authTiming == AuthTiming::FirstMessage) {
        awaitCredentialMessage();
    } else {
        if (m_settings.policy.welcome)
            m_endpoint->sendMessage(Opcode::Text, welcomeMessage(d.user, d.protocol));
        scheduleCloseOnExpiry();
    }
    if (!leftover.isEmpty()) // frames sent right behind the request belong to the connection
        m_endpoint->receive(leftover);
}

void ServerConnection::Private::awaitCredentialMessage()
{
    m_awaitingCredential = true;
    m_authTimer.setSingleShot(true);
    QObject::connect(&m_authTimer, &QTimer::timeout, q, [this] {
        if (!m_awaitingCredential || m_phase != Phase::Open)
            return;
        m_awaitingCredential = false;
        note(NoteRecord::Level::Warning,
            QStringLiteral("No credential arrived as the first message within %1 ms: closing with 4001.")
                .arg(m_settings.policy.authTimeoutMs));
        startClose(4001, "authentication timeout");
    });
    m_authTimer.start(m_settings.policy.authTimeoutMs);
}

// The first message under --auth first-message: a credential, never echoed (it would send the secret back).
void ServerConnection::Private::authenticateByMessage(const Message& message)
{
    m_awaitingCredential = false;
    m_authTimer.stop();
    const CredentialCheck check = checkFirstMessageCredential(m_settings.policy, decisionInputs(), message.payload);
    if (!check.user) {
        note(NoteRecord::Level::Warning,
            QStringLiteral("The first message is not an accepted credential (%1): closing with 4001.")
                .arg(check.refusal));
        startClose(4001, "Unauthorized");
        return;
    }
    m_transcript.handshake().user = check.user;
    note(NoteRecord::Level::Info, QStringLiteral("Authenticated by the first message: %1.").arg(check.acceptedText));
    Q_EMIT q->userChanged();
    if (m_settings.policy.welcome)
        m_endpoint->sendMessage(Opcode::Text, welcomeMessage(check.user, m_decision->protocol));
    scheduleCloseOnExpiry();
}

void ServerConnection::Private::scheduleCloseOnExpiry()
{
    if (!m_settings.policy.closeOnExpiry)
        return;
    // The handshake record holds the user, whether the handshake or the first message named it.
    const std::optional<AuthenticatedUser>& user = m_transcript.handshake().user;
    const std::optional<qint64> seconds = secondsUntilExpiry(user, QDateTime::currentSecsSinceEpoch());
    if (!seconds)
        return;
    // Said at once, so the connection's detail shows what is going to happen and when.
    note(NoteRecord::Level::Warning,
        QStringLiteral("Scheduled: close 4001 \"token expired\" when the user's token expires at %1 UTC (in %2 s).")
            .arg(QDateTime::fromSecsSinceEpoch(*user->expires, QTimeZone::utc())
                     .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")))
            .arg(*seconds));
    m_expiryTimer.setSingleShot(true);
    QObject::connect(&m_expiryTimer, &QTimer::timeout, q, [this] {
        if (m_phase != Phase::Open)
            return;
        note(NoteRecord::Level::Warning, QStringLiteral("The user's token expired: closing with 4001."));
        startClose(4001, "token expired");
    });
    // A timer holds at most ~24 days of milliseconds; a token valid longer is closed then and checked no further.
    m_expiryTimer.start(int(qMin<qint64>(*seconds * 1000, std::numeric_limits<int>::max())));
}

void ServerConnection::Private::handshakeTimedOut()
{
    if (m_phase == Phase::Handshake) {
        abortNow(QStringLiteral("Dropped: no complete request head within %1 ms (handshake timeout); %2 bytes "
                                "received.")
                     .arg(m_settings.policy.handshakeTimeoutMs)
                     .arg(m_head.size()));
    } else if (m_phase == Phase::Closing) {
        abortNow(QStringLiteral("Dropped: the client did not answer the close frame within %1 ms.")
                     .arg(m_settings.closeTimeoutMs));
    }
}

bool ServerConnection::Private::sendMessageNow(Opcode opcode, QByteArrayView payload)
{
    return m_endpoint && m_phase == Phase::Open && m_endpoint->sendMessage(opcode, payload);
}

bool ServerConnection::Private::sendPingNow(QByteArrayView payload)
{
    return m_endpoint && m_phase == Phase::Open && m_endpoint->sendPing(payload);
}

bool ServerConnection::Private::startClose(quint16 code, QByteArrayView reason)
{
    if (!m_endpoint || m_phase != Phase::Open || !m_endpoint->sendClose(code, reason))
        return false;
    setPhase(Phase::Closing);
    m_deadline.start(m_settings.closeTimeoutMs);
    return true;
}

void ServerConnection::Private::goingAway()
{
    if (m_phase == Phase::Open)
        startClose(1001, "Server shutting down");
    else if (m_phase == Phase::Handshake)
        abortNow(QStringLiteral("Dropped during the handshake: the server is shutting down."));
}

void ServerConnection::Private::abortNow(const QString& why)
{
    if (m_phase == Phase::Closed)
        return;
    note(NoteRecord::Level::Warning, why);
    if (m_stream)
        m_stream->close();
    else
        m_socket->abort(); // emits disconnected() when it was connected; socketClosed() copes either way
    socketClosed();
}

void ServerConnection::Private::finishTcp()
{
    if (m_tcpClosing)
        return;
    m_tcpClosing = true;
    if (m_stream) { // the same staged close as below
        if (!m_deadline.isActive())
            m_deadline.start(m_settings.closeTimeoutMs);
        m_stream->shutdownWhenFlushed();
        return;
    }
#ifdef Q_OS_UNIX
    // Closing a socket whose input was not all read makes the kernel send RST, and an RST can destroy
    // our refusal or close frame in the client's buffers before the client reads it (a client still
    // sending when we give up on it always triggers this). So close in stages (RFC 9112 §9.6): once
    // everything is written, shut down only our sending side (FIN), keep reading and discarding until
    // the client closes, and let the deadline drop a client that never does.
    if (!qobject_cast<QSslSocket*>(m_socket) && m_socket->state() == QAbstractSocket::ConnectedState) {
        if (!m_deadline.isActive())
            m_deadline.start(m_settings.closeTimeoutMs);
        auto finSent = std::make_shared<bool>(false);
        auto finWhenFlushed = [this, finSent] {
            if (*finSent || m_socket->bytesToWrite() > 0 || m_socket->state() != QAbstractSocket::ConnectedState)
                return;
            *finSent = true;
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
        };
        QObject::connect(m_socket, &QIODevice::bytesWritten, q, finWhenFlushed);
        finWhenFlushed();
        return;
    }
#endif
    // Pending bytes (our close frame, a refusal's body) are written first, then FIN.
    m_socket->disconnectFromHost();
    if (m_socket->state() == QAbstractSocket::UnconnectedState)
        socketClosed();
    else if (!m_deadline.isActive())
        m_deadline.start(m_settings.closeTimeoutMs);
}

void ServerConnection::Private::socketClosed()
{
    if (m_phase == Phase::Closed)
        return;
    m_deadline.stop();
    m_stallTimer.stop();
    m_expiryTimer.stop();
    m_authTimer.stop();
    if (m_stream)
        m_stream->close();
    if (m_endpoint) {
        m_endpoint->transportClosed();
        if (!m_transcript.close().clean && !m_transcript.close().failure) // a failure says why already
            note(NoteRecord::Level::Warning,
                QStringLiteral("The TCP connection ended without a closing handshake (1006)."));
    } else {
        m_transcript.close().closedTimeUs = monotonicMicros();
    }
    setPhase(Phase::Closed);
}

void ServerConnection::Private::checkQueue()
{
    if (!m_paused || queuedBytes() > m_settings.policy.maxQueuedBytes / 2)
        return;
    m_paused = false;
    m_stallTimer.stop();
    if (m_stream)
        m_stream->setReadingEnabled(true);
    readIncoming(); // input left in Qt's buffer raises no new readyRead
}

// ---- EndpointSink ----

void ServerConnection::Private::writeToWire(const QByteArray& bytes)
{
    if (m_stream) {
        if (!m_stream->isOpen())
            return;
        m_stream->write(bytes); // to the kernel at once; queued only when it does not take it all
    } else {
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            return;
        m_socket->write(bytes); // queued by Qt and sent on the next pass of the event loop
    }
    m_bytesOut += bytes.size();
    if (!m_paused && queuedBytes() > m_settings.policy.maxQueuedBytes) {
        // Stop reading so a client that sends but never reads cannot make us queue without bound.
        m_paused = true;
        if (m_stream)
            m_stream->setReadingEnabled(false);
        m_stallTimer.start(m_settings.stallTimeoutMs);
    }
}

void ServerConnection::Private::messageReceived(const Message& message)
{
    if (m_awaitingCredential) {
        authenticateByMessage(message);
        return;
    }
    // Same opcode back; compressed when permessage-deflate was negotiated.
    m_endpoint->sendMessage(Opcode(message.opcode), message.payload);
}

void ServerConnection::Private::controlReceived(const Frame& frame)
{
    if (frame.header.opcode == quint8(Opcode::Close) && m_phase == Phase::Open)
        setPhase(Phase::Closing);
}

void ServerConnection::Private::protocolViolation(const ProtocolViolation&)
{
    setPhase(Phase::Closing);
    finishTcp();
}

void ServerConnection::Private::closeHandshakeDone()
{
    setPhase(Phase::Closing);
    finishTcp();
}

} // namespace wsi

#include "moc_serverconnection.cpp"
