#include "engine/clientsession.h"

#include "core/checks.h"
#include "core/extensions.h"
#include "core/http.h"
#include "engine/clock.h"
#include "engine/socketfailure.h"

#include <QFile>
#include <QRandomGenerator>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

namespace wsi
{

namespace
{
constexpr int kDefaultCloseWaitMs = 2000;
constexpr int kMaxOutstandingPings = 16;

QString tlsProtocolName(QSsl::SslProtocol protocol)
{
    switch (protocol) {
    case QSsl::TlsV1_2:
        return QStringLiteral("TLSv1.2");
    case QSsl::TlsV1_3:
        return QStringLiteral("TLSv1.3");
    case QSsl::DtlsV1_2:
        return QStringLiteral("DTLSv1.2");
    default:
        return QStringLiteral("unknown");
    }
}

MaskKey randomMaskKey()
{
    const quint32 r = QRandomGenerator::system()->generate();
    return MaskKey { quint8(r), quint8(r >> 8), quint8(r >> 16), quint8(r >> 24) };
}

QByteArray randomKeyBytes()
{
    QByteArray bytes(16, '\0');
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(bytes.data()), 4);
    return bytes;
}

std::optional<QSslKey> loadKey(const QString& path, QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("Cannot read the client key %1: %2.").arg(path, file.errorString());
        return std::nullopt;
    }
    const QByteArray pem = file.readAll();
    for (QSsl::KeyAlgorithm algorithm : { QSsl::Rsa, QSsl::Ec, QSsl::Dsa }) {
        QSslKey key(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            return key;
    }
    *error = QStringLiteral("%1 holds no unencrypted PEM private key (RSA, EC or DSA).").arg(path);
    return std::nullopt;
}

Finding handshakeFailure(const char* id, QString message, QString rfc)
{
    return Finding { QString::fromLatin1(id), Severity::Error, std::move(message), std::move(rfc), {} };
}

} // namespace

struct ClientSession::Private : public EndpointSink {
    explicit Private(ClientSession* owner)
        : q(owner)
    {
    }

    ClientSession* q;
    HandshakeSpec spec;
    ClientOptions options;
    BuiltRequest built;
    std::optional<HttpRequest> sentRequest;
    QList<Finding> requestFindings;
    std::optional<HttpResponse> response;
    QList<Finding> findings;
    ClientTimings timings;
    std::optional<TlsInfo> tls;
    Transcript transcript;
    std::unique_ptr<Endpoint> endpoint;
    QTcpSocket* socket = nullptr; // owned by the session (QObject child)
    QByteArray received; // bytes of the response head and body, until the head is judged
    qint64 headBytes = -1;
    BodyFraming framing;
    Phase phase = Phase::Idle;
    Failure failure = Failure::None;
    FailureFacts facts;
    FailureText error;
    QByteArray protocol;
    std::optional<DeflateParams> deflate;
    qint64 startUs = 0;
    qint64 bytesOut = 0, bytesIn = 0;
    bool finishedEmitted = false;
    bool handshakeOver = false;
    int closeWaitMs = kDefaultCloseWaitMs;
    QTimer connectTimer, handshakeTimer, closeTimer, pingTimer;
    QList<QPair<QByteArray, qint64>> pingsInFlight; // payload, time sent
    std::optional<qint64> lastRtt;
    quint64 pingCounter = 0;

    // Back to a fresh session; the previous socket goes away once control is back in the event loop.
    void reset()
    {
        connectTimer.stop();
        handshakeTimer.stop();
        closeTimer.stop();
        pingTimer.stop();
        if (socket) {
            socket->disconnect(q);
            socket->abort();
            socket->deleteLater();
            socket = nullptr;
        }
        endpoint.reset();
        built = {};
        sentRequest.reset();
        requestFindings.clear();
        response.reset();
        findings.clear();
        timings = {};
        tls.reset();
        transcript.clear();
        received.clear();
        headBytes = -1;
        framing = {};
        phase = Phase::Idle;
        failure = Failure::None;
        facts = {};
        error = {};
        protocol.clear();
        deflate.reset();
        bytesOut = bytesIn = 0;
        finishedEmitted = false;
        handshakeOver = false;
        pingsInFlight.clear();
        lastRtt.reset();
    }

    qint64 sinceStart() const { return monotonicMicros() - startUs; }

    void setPhase(Phase next)
    {
        if (phase == next)
            return;
        phase = next;
        Q_EMIT q->phaseChanged(next);
    }

    // `detail` is the engine's own sentence; describeFailure() decides whether the facts say it better.
    void fail(Failure kind, QString detail)
    {
        if (failure != Failure::None)
            return;
        failure = kind;
        facts.kind = kind;
        facts.detail = std::move(detail);
        facts.timings = timings;
        facts.received = received.left(16);
        if (kind == Failure::Timeout)
            facts.timeoutMs = timings.requestWritten < 0 ? options.connectTimeoutMs : options.handshakeTimeoutMs;
        error = describeFailure(facts, options.audience);
        transcript.addNote(monotonicMicros(), NoteRecord::Level::Error, error.message);
    }

    // EndpointSink
    void writeToWire(const QByteArray& bytes) override
    {
        if (!socket || socket->state() != QAbstractSocket::ConnectedState)
            return;
        bytesOut += bytes.size();
        socket->write(bytes);
    }
    void messageReceived(const Message& message) override { Q_EMIT q->messageReceived(message); }
    void controlReceived(const Frame& frame) override
    {
        if (frame.header.opcode == quint8(Opcode::Pong))
            notePong(frame.payload);
        Q_EMIT q->controlReceived(frame);
    }
    void protocolViolation(const ProtocolViolation& violation) override
    {
        fail(Failure::ProtocolViolation,
            QStringLiteral("The server broke the protocol (we closed with %1): %2")
                .arg(violation.closeCode)
                .arg(violation.reason));
        enterClosing();
    }
    void closeHandshakeDone() override
    {
        // RFC 6455 §7.1.1: the server should end TCP first; give it a bounded moment to do so.
        enterClosing();
    }

    void enterClosing()
    {
        if (phase == Phase::Closed)
            return;
        setPhase(Phase::Closing);
        pingTimer.stop();
        if (!closeTimer.isActive())
            closeTimer.start(closeWaitMs);
    }

    void notePong(const QByteArray& payload)
    {
        for (qsizetype i = 0; i < pingsInFlight.size(); ++i) {
            if (pingsInFlight.at(i).first == payload) {
                lastRtt = monotonicMicros() - pingsInFlight.at(i).second;
                pingsInFlight.remove(0, i + 1); // older pings were answered by this one or lost
                Q_EMIT q->pongReceived(*lastRtt);
                return;
            }
        }
        Q_EMIT q->pongReceived(-1);
    }

    void notePingSent(QByteArrayView payload)
    {
        if (pingsInFlight.size() >= kMaxOutstandingPings)
            pingsInFlight.removeFirst();
        pingsInFlight.append({ payload.toByteArray(), monotonicMicros() });
    }

    void connectSocketSignals()
    {
        QObject::connect(socket, &QAbstractSocket::stateChanged, q, [this](QAbstractSocket::SocketState state) {
            if (state == QAbstractSocket::ConnectingState && timings.lookupDone < 0)
                timings.lookupDone = sinceStart();
        });
        QObject::connect(socket, &QAbstractSocket::connected, q, [this] {
            timings.connected = sinceStart();
            transcript.handshake().connectedTimeUs = startUs + timings.connected;
            if (timings.lookupDone < 0)
                timings.lookupDone = timings.connected;
            if (!built.tls) {
                connectTimer.stop();
                sendRequest();
            }
        });
        QObject::connect(socket, &QIODevice::readyRead, q, [this] { onReadyRead(); });
        QObject::connect(socket, &QAbstractSocket::disconnected, q, [this] { onDisconnected(); });
        QObject::connect(socket, &QAbstractSocket::errorOccurred, q,
            [this](QAbstractSocket::SocketError code) { onSocketError(code); });
        if (auto* ssl = qobject_cast<QSslSocket*>(socket)) {
            QObject::connect(ssl, &QSslSocket::encrypted, q, [this, ssl] {
                timings.tlsDone = sinceStart();
                transcript.handshake().tlsTimeUs = startUs + timings.tlsDone;
                connectTimer.stop();
                TlsInfo info = tls.value_or(TlsInfo {});
                info.protocol = tlsProtocolName(ssl->sessionProtocol());
                info.cipher = ssl->sessionCipher().name();
                info.peerChain = ssl->peerCertificateChain();
                tls = info;
                sendRequest();
            });
            QObject::connect(ssl, &QSslSocket::sslErrors, q, [this, ssl](const QList<QSslError>& errors) {
                TlsInfo info = tls.value_or(TlsInfo {});
                for (const QSslError& e : errors) {
                    info.verificationErrors.append(e.errorString());
                    facts.certificateProblems.append(certificateProblem(e.error()));
                    facts.certificateTexts.append(e.errorString());
                }
                info.peerChain = ssl->peerCertificateChain();
                tls = info;
                if (options.insecure) {
                    transcript.addNote(monotonicMicros(), NoteRecord::Level::Warning,
                        QStringLiteral("TLS verification failed and was skipped (insecure): %1")
                            .arg(info.verificationErrors.join(QStringLiteral("; "))));
                    ssl->ignoreSslErrors(errors);
                }
            });
        }
    }

    bool configureTls(QSslSocket* ssl)
    {
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        if (!options.caFile.isEmpty()) {
            const QList<QSslCertificate> cas = QSslCertificate::fromPath(options.caFile, QSsl::Pem);
            if (cas.isEmpty()) {
                fail(Failure::Tls,
                    QStringLiteral("No PEM certificate could be read from the CA file %1.").arg(options.caFile));
                return false;
            }
            config.addCaCertificates(cas);
        }
        if (!options.certFile.isEmpty() || !options.keyFile.isEmpty()) {
            if (options.certFile.isEmpty() || options.keyFile.isEmpty()) {
                fail(Failure::Tls, QStringLiteral("A client certificate needs both the certificate and its key."));
                return false;
            }
            const QList<QSslCertificate> certs = QSslCertificate::fromPath(options.certFile, QSsl::Pem);
            if (certs.isEmpty()) {
                fail(Failure::Tls, QStringLiteral("No PEM certificate could be read from %1.").arg(options.certFile));
                return false;
            }
            QString keyError;
            const auto key = loadKey(options.keyFile, &keyError);
            if (!key) {
                fail(Failure::Tls, keyError);
                return false;
            }
            config.setLocalCertificateChain(certs);
            config.setPrivateKey(*key);
        }
        // Verification stays on even when insecure: its errors are recorded (and then ignored in
        // sslErrors), so the user still sees what is wrong with the certificate.
        ssl->setSslConfiguration(config);
        return true;
    }

    void start()
    {
        startUs = monotonicMicros();
        transcript.handshake().startTimeUs = startUs;
        built = buildRequest(spec, randomKeyBytes());
        facts.host = built.host;
        facts.port = built.port;
        facts.tls = built.tls;
        transcript.handshake().rawRequest = built.bytes;
        // Raw bytes are judged as they are: only a head that parses has headers to check.
        if (const auto parsed = parseRequestHead(built.bytes); parsed.state == HeadState::Complete) {
            sentRequest = parsed.value;
            requestFindings = checkRequest(*sentRequest);
        }
        if (!built.ok()) {
            fail(Failure::InvalidRequest, built.error);
            finish();
            return;
        }
        if (built.tls && !QSslSocket::supportsSsl()) {
            fail(Failure::Tls, QStringLiteral("This build has no TLS support, so wss:// cannot be used."));
            finish();
            return;
        }
        setPhase(Phase::Connecting);
        if (built.tls) {
            auto* ssl = new QSslSocket(q);
            socket = ssl;
            if (!configureTls(ssl)) {
                finish();
                return;
            }
            connectSocketSignals();
            // The URL's host is both the TCP destination and the SNI / verification name.
            ssl->connectToHostEncrypted(built.host, built.port);
        } else {
            socket = new QTcpSocket(q);
            connectSocketSignals();
            socket->connectToHost(built.host, built.port);
        }
        connectTimer.start(options.connectTimeoutMs);
    }

    void sendRequest()
    {
        setPhase(Phase::Handshaking);
        bytesOut += built.bytes.size();
        socket->write(built.bytes);
        timings.requestWritten = sinceStart();
        transcript.handshake().requestTimeUs = monotonicMicros();
        handshakeTimer.start(options.handshakeTimeoutMs);
    }

    void onReadyRead()
    {
        const QByteArray bytes = socket->readAll();
        bytesIn += bytes.size();
        if (phase == Phase::Handshaking && !handshakeOver) {
            received.append(bytes);
            readHandshake(false);
        } else if (endpoint && (phase == Phase::Open || phase == Phase::Closing)) {
            endpoint->receive(bytes);
        }
        // Bytes after a failed handshake are not WebSocket data: nothing reads them.
    }

    // Advances the response: head, then (non-101) body. `closed` is true once the server ended TCP.
    void readHandshake(bool closed)
    {
        if (headBytes < 0) {
            const auto head = parseResponseHead(received, options.responseLimits);
            if (head.state == HeadState::Error) {
                transcript.handshake().rawResponse = received;
                fail(Failure::ProtocolViolation,
                    QStringLiteral("The response is not valid HTTP (byte %1): %2")
                        .arg(head.error.offset)
                        .arg(head.error.message));
                findings = { handshakeFailure("response.head", error.message, QStringLiteral("RFC 9112 §2")) };
                transcript.handshake().findings = findings;
                endHandshake();
                dropConnection();
                return;
            }
            if (head.state == HeadState::Incomplete) {
                if (closed) {
                    transcript.handshake().rawResponse = received;
                    facts.transport = TransportError::RemoteClosed;
                    fail(Failure::ProtocolViolation,
                        received.isEmpty()
                            ? QStringLiteral("The server closed the connection without answering the handshake.")
                            : QStringLiteral("The server closed the connection after %1 bytes, before the end of the "
                                             "response head.")
                                  .arg(received.size()));
                    findings = { handshakeFailure("response.head", error.message, QStringLiteral("RFC 6455 §4.1")) };
                    transcript.handshake().findings = findings;
                    endHandshake();
                }
                return;
            }
            headBytes = head.headBytes;
            response = head.value;
            timings.responseHeadDone = sinceStart();
            transcript.handshake().responseTimeUs = monotonicMicros();
            transcript.handshake().status = response->status;
            if (response->status == 101) {
                upgrade();
                return;
            }
            framing = bodyFraming(*response);
            if (!framing.error.isEmpty())
                transcript.addNote(monotonicMicros(), NoteRecord::Level::Warning, framing.error);
        }
        readBody(closed);
    }

    void readBody(bool closed)
    {
        const QByteArrayView body = QByteArrayView(received).sliced(headBytes);
        bool complete = false;
        qsizetype used = body.size();
        switch (framing.kind) {
        case BodyFraming::None:
            complete = true;
            used = 0;
            break;
        case BodyFraming::ContentLength: {
            const qint64 wanted = qMin<qint64>(framing.length, options.maxBodyBytes);
            complete = body.size() >= wanted || closed;
            used = qsizetype(qMin<qint64>(body.size(), wanted));
            response->body = body.first(used).toByteArray();
            if (framing.length > options.maxBodyBytes && body.size() >= wanted)
                transcript.addNote(monotonicMicros(), NoteRecord::Level::Info,
                    QStringLiteral("The body was cut at %1 bytes of %2.").arg(wanted).arg(framing.length));
            break;
        }
        case BodyFraming::Chunked: {
            const ChunkedDecode decoded = decodeChunked(body, options.maxBodyBytes);
            response->body = decoded.body;
            if (decoded.state == HeadState::Complete) {
                complete = true;
                used = decoded.consumed;
            } else if (decoded.state == HeadState::Error) {
                complete = true;
                transcript.addNote(monotonicMicros(), NoteRecord::Level::Warning,
                    QStringLiteral("The chunked body is malformed: %1").arg(decoded.error.message));
            } else {
                complete = closed || body.size() > options.maxBodyBytes + 64 * 1024;
            }
            break;
        }
        case BodyFraming::UntilClose:
            used = qsizetype(qMin<qint64>(body.size(), options.maxBodyBytes));
            response->body = body.first(used).toByteArray();
            complete = closed || body.size() >= options.maxBodyBytes;
            break;
        }
        if (!complete)
            return;
        transcript.handshake().rawResponse = received.left(headBytes + used);
        findings = checkResponse(built.request, *response, built.url);
        transcript.handshake().findings = findings;
        fail(Failure::NotUpgraded,
            QStringLiteral("The server answered %1 %2 instead of switching protocols.")
                .arg(response->status)
                .arg(QString::fromLatin1(response->reason)));
        endHandshake();
        dropConnection();
    }

    void upgrade()
    {
        transcript.handshake().rawResponse = received.left(headBytes);
        const QByteArray rest = received.mid(headBytes);
        received.clear();
        findings = checkResponse(built.request, *response, built.url);
        HandshakeRecord& record = transcript.handshake();
        record.findings = findings;
        protocol = response->headers.value("Sec-WebSocket-Protocol");
        record.protocol = protocol;
        record.extensions = response->headers.combined("Sec-WebSocket-Extensions");
        const auto failed = std::find_if(
            findings.begin(), findings.end(), [](const Finding& f) { return f.severity == Severity::Error; });
        if (failed != findings.end()) {
            // RFC 6455 §4.1: the client must fail the WebSocket connection.
            fail(Failure::CheckFailed, failed->message);
            if (!rest.isEmpty())
                transcript.addNote(monotonicMicros(), NoteRecord::Level::Info,
                    QStringLiteral("%1 bytes after the response head were not read as frames.").arg(rest.size()));
            endHandshake();
            dropConnection();
            return;
        }
        EndpointConfig config = options.endpoint;
        config.role = Role::Client;
        endpoint = std::make_unique<Endpoint>(
            config, *this, transcript, [] { return monotonicMicros(); }, [] { return randomMaskKey(); });
        const QList<Extension> offers = parseExtensions(built.request.headers).extensions;
        for (const Extension& e : parseExtensions(response->headers).extensions) {
            if (e.name == kPermessageDeflate) {
                const DeflateResponseCheck check = validateDeflateResponse(e, offers);
                if (check.ok) {
                    deflate = check.params;
                    endpoint->enableDeflate(check.params);
                }
            }
        }
        handshakeOver = true;
        handshakeTimer.stop();
        setPhase(Phase::Open);
        if (options.pingIntervalMs > 0)
            pingTimer.start(options.pingIntervalMs);
        Q_EMIT q->handshakeFinished();
        if (!rest.isEmpty() && endpoint)
            endpoint->receive(rest);
    }

    // The handshake is over without an open connection.
    void endHandshake()
    {
        handshakeOver = true;
        handshakeTimer.stop();
        Q_EMIT q->handshakeFinished();
    }

    void dropConnection()
    {
        if (socket && socket->state() != QAbstractSocket::UnconnectedState) {
            socket->abort();
        }
        finish();
    }

    void onDisconnected()
    {
        if (phase == Phase::Handshaking && !handshakeOver) {
            readHandshake(true);
            if (phase != Phase::Closed && failure == Failure::None && !endpoint)
                fail(Failure::ProtocolViolation, QStringLiteral("The server closed the connection."));
        }
        finish();
    }

    void onSocketError(QAbstractSocket::SocketError code)
    {
        if (phase == Phase::Connecting) {
            const bool tlsError = code == QAbstractSocket::SslHandshakeFailedError
                || code == QAbstractSocket::SslInternalError || code == QAbstractSocket::SslInvalidUserDataError
                || (built.tls && timings.connected >= 0);
            facts.transport = transportError(code, socket->errorString());
            facts.transportText = socket->errorString();
            if (options.insecure) { // ignored certificate problems did not cause this failure
                facts.certificateProblems.clear();
                facts.certificateTexts.clear();
            }
            fail(tlsError ? Failure::Tls : Failure::Connect, {});
            connectTimer.stop();
            dropConnection();
            return;
        }
        if (code == QAbstractSocket::RemoteHostClosedError)
            return; // handled by disconnected()
        transcript.addNote(monotonicMicros(), NoteRecord::Level::Warning,
            QStringLiteral("Socket error: %1").arg(socket->errorString()));
        if (socket->state() == QAbstractSocket::UnconnectedState)
            onDisconnected();
    }

    void onConnectTimeout()
    {
        fail(Failure::Timeout, {});
        dropConnection();
    }

    void onHandshakeTimeout()
    {
        if (phase != Phase::Handshaking || handshakeOver)
            return;
        const QString message = headBytes < 0
            ? QStringLiteral("The server accepted the connection but sent no complete response within %1 ms (%2 bytes "
                             "received).")
                  .arg(options.handshakeTimeoutMs)
                  .arg(received.size())
            : QStringLiteral("The response body did not end within %1 ms.").arg(options.handshakeTimeoutMs);
        if (headBytes < 0) {
            transcript.handshake().rawResponse = received;
            findings = { handshakeFailure("response.timeout", message, QStringLiteral("RFC 6455 §4.1")) };
            transcript.handshake().findings = findings;
            fail(Failure::Timeout, message);
            endHandshake();
            dropConnection();
            return;
        }
        // A body that never ends still gets judged with what arrived.
        transcript.addNote(monotonicMicros(), NoteRecord::Level::Warning, message);
        readHandshake(true);
        dropConnection();
    }

    void onCloseWaitOver()
    {
        if (phase == Phase::Closed)
            return;
        transcript.addNote(monotonicMicros(), NoteRecord::Level::Info,
            QStringLiteral("The server did not end the TCP connection within %1 ms of the close; closing it here.")
                .arg(closeWaitMs));
        if (socket)
            socket->disconnectFromHost();
        if (socket && socket->state() != QAbstractSocket::UnconnectedState)
            socket->abort();
        finish();
    }

    void finish()
    {
        if (finishedEmitted)
            return;
        finishedEmitted = true;
        connectTimer.stop();
        handshakeTimer.stop();
        closeTimer.stop();
        pingTimer.stop();
        if (endpoint) {
            endpoint->transportClosed();
        }
        if (transcript.close().closedTimeUs < 0
            && (endpoint || transcript.close().initiator != CloseRecord::Initiator::None))
            transcript.close().closedTimeUs = monotonicMicros();
        setPhase(Phase::Closed);
        Q_EMIT q->finished();
    }
};

void ClientSession::recordServerDecision(const QList<DecisionStep>& steps, const std::optional<AuthenticatedUser>& user)
{
    d->transcript.handshake().decisionSteps = steps;
    d->transcript.handshake().user = user;
}

SessionFacts ClientSession::facts() const
{
    // The record holds the times and the close; what only the live session knows is added here.
    SessionFacts f = sessionFactsFromTranscript(d->transcript, Role::Client);
    f.tls = d->built.tls;
    f.started = d->phase != Phase::Idle && d->failure != Failure::InvalidRequest;
    f.status.reset();
    if (d->response)
        f.status = d->response->status;
    f.upgradeRefusedByChecks = d->failure == Failure::CheckFailed;
    if (d->failure != Failure::None && !(d->response && d->response->status != 101))
        f.failure = d->error.message;
    f.connectionEnded = d->phase == Phase::Closed;
    f.exportedWhileOpen = false;
    return f;
}

ClientSession::ClientSession(QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
    d->connectTimer.setSingleShot(true);
    d->handshakeTimer.setSingleShot(true);
    d->closeTimer.setSingleShot(true);
    connect(&d->connectTimer, &QTimer::timeout, this, [this] { d->onConnectTimeout(); });
    connect(&d->handshakeTimer, &QTimer::timeout, this, [this] { d->onHandshakeTimeout(); });
    connect(&d->closeTimer, &QTimer::timeout, this, [this] { d->onCloseWaitOver(); });
    connect(&d->pingTimer, &QTimer::timeout, this, [this] {
        const QByteArray payload = "wsi-ping-" + QByteArray::number(++d->pingCounter);
        sendPing(payload);
    });
}

ClientSession::~ClientSession()
{
    if (d->socket) {
        // No signal may reach the half-destroyed session.
        d->socket->disconnect(this);
        d->socket->abort();
    }
}

void ClientSession::start(const HandshakeSpec& spec, const ClientOptions& options)
{
    if (d->phase != Phase::Idle && d->phase != Phase::Closed)
        abort();
    d->reset();
    d->spec = spec;
    d->options = options;
    d->start();
}

void ClientSession::abort()
{
    if (d->phase == Phase::Idle || d->phase == Phase::Closed)
        return;
    d->transcript.addNote(monotonicMicros(), NoteRecord::Level::Info, QStringLiteral("Connection aborted locally."));
    d->dropConnection();
}

ClientSession::Phase ClientSession::phase() const
{
    return d->phase;
}
ClientSession::Failure ClientSession::failure() const
{
    return d->failure;
}
QString ClientSession::errorString() const
{
    return d->error.message;
}
FailureText ClientSession::failureText() const
{
    return d->error;
}
const FailureFacts& ClientSession::failureFacts() const
{
    return d->facts;
}
const BuiltRequest& ClientSession::request() const
{
    return d->built;
}
const HandshakeSpec& ClientSession::spec() const
{
    return d->spec;
}
const std::optional<HttpRequest>& ClientSession::sentRequest() const
{
    return d->sentRequest;
}
const QList<Finding>& ClientSession::requestFindings() const
{
    return d->requestFindings;
}
const std::optional<HttpResponse>& ClientSession::response() const
{
    return d->response;
}
const QList<Finding>& ClientSession::findings() const
{
    return d->findings;
}
const ClientTimings& ClientSession::timings() const
{
    return d->timings;
}
const std::optional<TlsInfo>& ClientSession::tlsInfo() const
{
    return d->tls;
}
const Transcript& ClientSession::transcript() const
{
    return d->transcript;
}
QByteArray ClientSession::negotiatedProtocol() const
{
    return d->protocol;
}
std::optional<DeflateParams> ClientSession::negotiatedDeflate() const
{
    return d->deflate;
}
std::optional<qint64> ClientSession::lastPingRttUs() const
{
    return d->lastRtt;
}
qint64 ClientSession::bytesSent() const
{
    return d->bytesOut;
}
qint64 ClientSession::bytesReceived() const
{
    return d->bytesIn;
}
void ClientSession::setCloseWaitMs(int ms)
{
    d->closeWaitMs = qMax(0, ms);
}

bool ClientSession::sendMessage(Opcode opcode, QByteArrayView payload, const SendOptions& options)
{
    return d->phase == Phase::Open && d->endpoint && d->endpoint->sendMessage(opcode, payload, options);
}

bool ClientSession::sendPing(QByteArrayView payload)
{
    if (d->phase != Phase::Open || !d->endpoint || !d->endpoint->sendPing(payload))
        return false;
    d->notePingSent(payload.first(qMin<qsizetype>(payload.size(), 125)));
    return true;
}

bool ClientSession::sendPong(QByteArrayView payload)
{
    return d->phase == Phase::Open && d->endpoint && d->endpoint->sendPong(payload);
}

bool ClientSession::sendClose(std::optional<quint16> code, QByteArrayView reason)
{
    if (!d->endpoint || (d->phase != Phase::Open && d->phase != Phase::Closing))
        return false;
    if (!d->endpoint->sendClose(code, reason))
        return false;
    d->enterClosing();
    return true;
}

bool ClientSession::sendFrame(quint8 opcode, QByteArrayView payload, const FrameOptions& options)
{
    if (!d->endpoint || (d->phase != Phase::Open && d->phase != Phase::Closing))
        return false;
    if (!d->endpoint->sendFrame(opcode, payload, options))
        return false;
    if (opcode == quint8(Opcode::Close))
        d->enterClosing();
    return true;
}

bool ClientSession::sendRawBytes(const QByteArray& bytes)
{
    if (!d->endpoint || d->phase != Phase::Open)
        return false;
    d->endpoint->sendRawBytes(bytes);
    return true;
}

void ClientSession::setAutoPong(bool on)
{
    d->options.endpoint.autoPong = on;
    if (d->endpoint)
        d->endpoint->setAutoPong(on);
}

void ClientSession::setPingInterval(int ms)
{
    d->options.pingIntervalMs = qMax(0, ms);
    if (d->options.pingIntervalMs > 0 && d->phase == Phase::Open)
        d->pingTimer.start(d->options.pingIntervalMs);
    else
        d->pingTimer.stop();
}

QString phaseName(ClientSession::Phase phase)
{
    switch (phase) {
    case ClientSession::Phase::Idle:
        return QStringLiteral("idle");
    case ClientSession::Phase::Connecting:
        return QStringLiteral("connecting");
    case ClientSession::Phase::Handshaking:
        return QStringLiteral("handshaking");
    case ClientSession::Phase::Open:
        return QStringLiteral("open");
    case ClientSession::Phase::Closing:
        return QStringLiteral("closing");
    case ClientSession::Phase::Closed:
        return QStringLiteral("closed");
    }
    return {};
}

} // namespace wsi
