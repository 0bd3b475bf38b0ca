#include "engine/loginclient.h"

#include "core/handshakespec.h"
#include "engine/socketfailure.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSslSocket>
#include <QTimer>

namespace wsi
{

struct LoginClient::Private {
    LoginClient* q;
    LoginRequest request;
    QTcpSocket* socket = nullptr;
    QTimer timer;
    QByteArray received;
    FailureFacts facts;
    LoginReply reply;
    bool done = true;

    explicit Private(LoginClient* owner)
        : q(owner)
    {
        timer.setSingleShot(true);
    }

    void drop()
    {
        timer.stop();
        if (socket) {
            socket->disconnect(q);
            socket->abort();
            socket->deleteLater();
            socket = nullptr;
        }
    }

    void finish()
    {
        if (done)
            return;
        done = true;
        drop();
        Q_EMIT q->finished(reply);
    }

    void fail(const QString& why)
    {
        reply.status = 0;
        reply.error = why;
        finish();
    }

    void failFromFacts(ClientFailure kind)
    {
        facts.kind = kind;
        fail(describeFailure(facts, FailureAudience::Window).message);
    }

    QByteArray requestBytes() const
    {
        const QByteArray body = QJsonDocument(
            QJsonObject { { QStringLiteral("user"), request.user }, { QStringLiteral("password"), request.password } })
                                    .toJson(QJsonDocument::Compact);
        HttpRequest head;
        head.method = "POST";
        head.target = request.url.path(QUrl::FullyEncoded).toUtf8();
        if (head.target.isEmpty())
            head.target = "/";
        if (request.url.hasQuery())
            head.target += '?' + request.url.query(QUrl::FullyEncoded).toUtf8();
        head.headers.append("Host", hostHeaderFor(request.url));
        head.headers.append("Content-Type", "application/json");
        head.headers.append("Content-Length", QByteArray::number(body.size()));
        head.headers.append("Accept", "application/json");
        head.headers.append("Connection", "close");
        return head.serialize() + body;
    }

    // Reads what arrived; finishes once the whole answer is in (or cannot be).
    void readAnswer(bool closed)
    {
        const auto head = parseResponseHead(received, request.headLimits);
        if (head.state == HeadState::Error) {
            fail(QStringLiteral("The server's answer is not HTTP: %1").arg(head.error.message));
            return;
        }
        if (head.state == HeadState::Incomplete) {
            if (closed)
                fail(received.isEmpty() ? QStringLiteral("The server closed the connection without answering.")
                                        : QStringLiteral("The server closed the connection in the middle of its "
                                                         "answer's head."));
            return;
        }
        const QByteArrayView rest = QByteArrayView(received).sliced(head.headBytes);
        const BodyFraming framing = bodyFraming(head.value);
        const auto tooBig = [this] {
            fail(QStringLiteral("The server's answer has a body longer than %1 bytes; a login answer is small, so "
                                "it was not read.")
                     .arg(request.maxBodyBytes));
        };
        QByteArray body;
        switch (framing.kind) {
        case BodyFraming::None:
            break;
        case BodyFraming::ContentLength:
            if (framing.length > request.maxBodyBytes)
                return tooBig();
            if (rest.size() < framing.length) {
                if (closed)
                    fail(QStringLiteral("The server closed the connection after %1 of the %2 body bytes it announced.")
                             .arg(rest.size())
                             .arg(framing.length));
                return;
            }
            body = rest.first(framing.length).toByteArray();
            break;
        case BodyFraming::Chunked: {
            const ChunkedDecode chunks = decodeChunked(rest, request.maxBodyBytes);
            if (chunks.state == HeadState::Error) {
                fail(QStringLiteral("The server's chunked body cannot be read: %1").arg(chunks.error.message));
                return;
            }
            if (chunks.state == HeadState::Incomplete) {
                if (closed)
                    fail(QStringLiteral("The server closed the connection before its chunked body ended."));
                return;
            }
            body = chunks.body;
            break;
        }
        case BodyFraming::UntilClose:
            if (rest.size() > request.maxBodyBytes)
                return tooBig();
            if (!closed)
                return;
            body = rest.toByteArray();
            break;
        }
        reply.status = head.value.status;
        reply.reason = head.value.reason;
        reply.setCookies = head.value.headers.values("Set-Cookie");
        reply.body = body;
        reply.error.clear();
        finish();
    }

    void start()
    {
        const QString scheme = request.url.scheme().toLower();
        const bool tls = scheme == QLatin1String("https");
        if (!request.url.isValid() || (scheme != QLatin1String("http") && !tls) || request.url.host().isEmpty()) {
            fail(QStringLiteral("The login URL must look like http://host:port/login or https://host/login."));
            return;
        }
        facts.host = request.url.host();
        facts.port = quint16(request.url.port(tls ? 443 : 80));
        facts.tls = tls;
        facts.timeoutMs = request.timeoutMs;
        if (tls && !QSslSocket::supportsSsl()) {
            fail(QStringLiteral("This build has no TLS support, so https:// cannot be used."));
            return;
        }
        socket = tls ? new QSslSocket(q) : new QTcpSocket(q);
        QObject::connect(socket, &QIODevice::readyRead, q, [this] {
            received += socket->readAll();
            // Whatever the body's framing, more than a head and a bounded body is never needed.
            if (received.size() > request.headLimits.maxHeadBytes + request.maxBodyBytes + 64) {
                fail(QStringLiteral("The server sent more than %1 bytes; a login answer is small, so the rest was "
                                    "not read.")
                         .arg(request.headLimits.maxHeadBytes + request.maxBodyBytes));
                return;
            }
            readAnswer(false);
        });
        QObject::connect(socket, &QAbstractSocket::disconnected, q, [this] { readAnswer(true); });
        QObject::connect(socket, &QAbstractSocket::errorOccurred, q, [this, tls](QAbstractSocket::SocketError code) {
            if (code == QAbstractSocket::RemoteHostClosedError && facts.timings.requestWritten >= 0) {
                readAnswer(true);
                return;
            }
            facts.transport = transportError(code, socket->errorString());
            facts.transportText = socket->errorString();
            const bool beforeTls = tls && facts.timings.tlsDone < 0;
            failFromFacts(beforeTls && facts.timings.connected >= 0 ? ClientFailure::Tls : ClientFailure::Connect);
        });
        const auto send = [this] {
            facts.timings.requestWritten = 0;
            socket->write(requestBytes());
        };
        if (auto* ssl = qobject_cast<QSslSocket*>(socket)) {
            QObject::connect(ssl, &QAbstractSocket::connected, q, [this] { facts.timings.connected = 0; });
            QObject::connect(ssl, &QSslSocket::encrypted, q, [this, send] {
                facts.timings.tlsDone = 0;
                send();
            });
            QObject::connect(ssl, &QSslSocket::sslErrors, q, [this, ssl](const QList<QSslError>& errors) {
                for (const QSslError& e : errors) {
                    facts.certificateProblems.append(certificateProblem(e.error()));
                    facts.certificateTexts.append(e.errorString());
                    reply.certificateProblems.append(e.errorString());
                }
                if (request.insecure)
                    ssl->ignoreSslErrors(errors);
            });
            ssl->connectToHostEncrypted(facts.host, facts.port);
        } else {
            QObject::connect(socket, &QAbstractSocket::connected, q, [this, send] {
                facts.timings.connected = 0;
                send();
            });
            socket->connectToHost(facts.host, facts.port);
        }
        QObject::connect(&timer, &QTimer::timeout, q, [this] {
            if (facts.timings.requestWritten >= 0)
                fail(QStringLiteral("The server did not answer the login within %1 ms.").arg(request.timeoutMs));
            else
                failFromFacts(ClientFailure::Timeout);
        });
        timer.start(request.timeoutMs);
    }
};

LoginClient::LoginClient(QObject* parent)
    : QObject(parent)
    , d(std::make_unique<Private>(this))
{
}

LoginClient::~LoginClient()
{
    d->done = true;
    d->drop();
}

void LoginClient::post(const LoginRequest& request)
{
    d->done = true;
    d->drop();
    d->timer.disconnect(this);
    d->request = request;
    d->received.clear();
    d->facts = FailureFacts {};
    d->reply = LoginReply {};
    d->done = false;
    d->start();
}

bool LoginClient::isRunning() const
{
    return !d->done;
}

} // namespace wsi
