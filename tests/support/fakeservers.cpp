#include "support/fakeservers.h"

#include <QCryptographicHash>
#include <QTcpSocket>
#include <QWebSocket>

namespace wsi::test
{

QByteArray acceptFor(const QByteArray& key)
{
    return QCryptographicHash::hash(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11", QCryptographicHash::Sha1).toBase64();
}

QByteArray headerValue(const QByteArray& head, const QByteArray& name)
{
    for (const QByteArray& line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

QByteArray switching(const QByteArray& request, const QByteArray& extraHeaders)
{
    return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "
        + acceptFor(headerValue(request, "Sec-WebSocket-Key")) + "\r\n" + extraHeaders + "\r\n";
}

QtEchoServer::QtEchoServer(const QStringList& subprotocols)
    : m_server(QStringLiteral("qt-echo"), QWebSocketServer::NonSecureMode)
{
    m_server.setSupportedSubprotocols(subprotocols);
    QObject::connect(&m_server, &QWebSocketServer::newConnection, &m_server, [this] { acceptPending(); });
    m_server.listen(QHostAddress::LocalHost, 0);
}

QString QtEchoServer::url(const QString& path) const
{
    return QStringLiteral("ws://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(path);
}

void QtEchoServer::acceptPending()
{
    while (QWebSocket* socket = m_server.nextPendingConnection()) {
        ++m_connections;
        m_subprotocolsChosen.append(socket->subprotocol());
        socket->setParent(&m_server);
        QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
            [socket](const QString& message) { socket->sendTextMessage(message); });
        QObject::connect(socket, &QWebSocket::binaryMessageReceived, socket,
            [socket](const QByteArray& message) { socket->sendBinaryMessage(message); });
        QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    }
}

ScriptedServer::ScriptedServer(Answer answer, bool closeAfterAnswer)
    : m_answer(std::move(answer))
    , m_closeAfter(closeAfterAnswer)
{
    QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
        while (QTcpSocket* socket = m_server.nextPendingConnection()) {
            socket->setParent(&m_server);
            m_sockets.append(socket);
            QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] { onRead(socket); });
            QObject::connect(socket, &QTcpSocket::disconnected, socket, [this] { ++m_disconnects; });
        }
    });
    m_server.listen(QHostAddress::LocalHost, 0);
}

QString ScriptedServer::url(const QString& path, const QString& scheme) const
{
    return QStringLiteral("%1://127.0.0.1:%2%3").arg(scheme).arg(m_server.serverPort()).arg(path);
}

void ScriptedServer::onRead(QTcpSocket* socket)
{
    const QByteArray bytes = socket->readAll();
    m_received += bytes;
    // Each connection is answered once, after its own request head.
    const QByteArray seen = socket->property("seen").toByteArray() + bytes;
    socket->setProperty("seen", seen);
    if (socket->property("answered").toBool() || !seen.contains("\r\n\r\n"))
        return;
    socket->setProperty("answered", true);
    const QByteArray reply = m_answer(seen);
    if (!reply.isEmpty())
        socket->write(reply);
    if (m_closeAfter)
        socket->disconnectFromHost();
}

} // namespace wsi::test
