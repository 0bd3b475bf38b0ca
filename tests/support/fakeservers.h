#pragma once
// Small servers for tests: Qt WebSockets' own echo server (a real peer written by others), and a
// scripted TCP server that answers a handshake with canned bytes (for misbehaving-server cases).
// Accept values here are computed independently of the core's handshake code.

#include <QByteArray>
#include <QStringList>
#include <QTcpServer>
#include <QWebSocketServer>
#include <functional>

class QTcpSocket;

namespace wsi::test
{

// base64(SHA-1(key + GUID)), RFC 6455 §4.2.2, computed here rather than by the code under test.
QByteArray acceptFor(const QByteArray& key);
// The first value of header `name` (case-insensitive) in a raw request or response head.
QByteArray headerValue(const QByteArray& head, const QByteArray& name);
// A minimal valid 101 for `request`, with `extraHeaders` ("Name: value\r\n"…) before the blank line.
QByteArray switching(const QByteArray& request, const QByteArray& extraHeaders = {});

// Qt WebSockets' own server, echoing text as text and binary as binary, on 127.0.0.1:0.
class QtEchoServer
{
public:
    explicit QtEchoServer(const QStringList& subprotocols = {});
    QWebSocketServer& server() { return m_server; }
    QString url(const QString& path = QStringLiteral("/")) const;
    int connectionCount() const { return m_connections; }
    const QStringList& subprotocolsChosen() const { return m_subprotocolsChosen; }

private:
    void acceptPending();
    QWebSocketServer m_server;
    int m_connections = 0;
    QStringList m_subprotocolsChosen;
};

// Answers the first request head of each connection with whatever `answer` returns (nothing when
// it returns empty bytes), then optionally closes. Records everything it received.
class ScriptedServer
{
public:
    using Answer = std::function<QByteArray(const QByteArray& request)>;
    explicit ScriptedServer(Answer answer, bool closeAfterAnswer = false);
    QString url(const QString& path = QStringLiteral("/"), const QString& scheme = QStringLiteral("ws")) const;
    const QByteArray& received() const { return m_received; }
    int disconnects() const { return m_disconnects; }
    QTcpSocket* lastSocket() const { return m_sockets.isEmpty() ? nullptr : m_sockets.last(); }

private:
    void onRead(QTcpSocket* socket);
    QTcpServer m_server;
    Answer m_answer;
    bool m_closeAfter;
    QByteArray m_received;
    QList<QTcpSocket*> m_sockets;
    int m_disconnects = 0;
};

} // namespace wsi::test
