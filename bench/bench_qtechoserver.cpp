// A QWebSocketServer echo server, run as its own process by bench_echo so that its CPU time can be measured
// apart from the load generator's. Prints "listening PORT" once it accepts connections.
//   bench_qtechoserver [PORT]

#include <QCoreApplication>
#include <QWebSocket>
#include <QWebSocketServer>
#include <cstdio>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const quint16 port = argc > 1 ? quint16(QByteArray(argv[1]).toUShort()) : 0;
    QWebSocketServer server(QStringLiteral("bench"), QWebSocketServer::NonSecureMode);
    QObject::connect(&server, &QWebSocketServer::newConnection, &server, [&server] {
        while (QWebSocket* socket = server.nextPendingConnection()) {
            socket->setParent(&server);
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                [socket](const QString& message) { socket->sendTextMessage(message); });
            QObject::connect(socket, &QWebSocket::binaryMessageReceived, socket,
                [socket](const QByteArray& message) { socket->sendBinaryMessage(message); });
            QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
        }
    });
    if (!server.listen(QHostAddress::LocalHost, port)) {
        std::fprintf(stderr, "cannot listen: %s\n", qPrintable(server.errorString()));
        return 1;
    }
    std::printf("listening %u\n", unsigned(server.serverPort()));
    std::fflush(stdout);
    return app.exec();
}
