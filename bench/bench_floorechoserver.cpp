// The floor of the echo benchmark: the least work a WebSocket echo can do on this kernel. One epoll loop on raw
// non-blocking sockets, one recv and one send per echo, no recording, no event framework, no checks beyond
// what the load generator sends (masked binary frames). bench_echo runs it beside the real servers so their
// figures can be read against what the kernel's loopback TCP alone costs per message: no server built on an
// event framework can be faster than this, so a throughput target above it cannot be met on this machine.
// Prints "listening PORT" once it accepts connections.
//   bench_floorechoserver [PORT]

#include "core/handshake.h"
#include "core/masking.h"

#include <QByteArray>
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <unordered_map>

using namespace wsi;

namespace
{

struct Connection {
    int fd = -1;
    bool open = false, waitingToWrite = false;
    QByteArray in; // bytes not yet consumed: the request head, or a partial frame header
    QByteArray out; // bytes the kernel did not take yet
    // The frame being streamed through: its payload is unmasked and sent on as it arrives.
    quint64 payloadLeft = 0;
    quint64 payloadDone = 0;
    MaskKey key {};
};

void setNonBlocking(int fd)
{
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
}

class FloorServer
{
public:
    bool listen(quint16 port)
    {
        m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        const int one = 1;
        ::setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_port = htons(port);
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(m_listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0
            || ::listen(m_listener, 1024) != 0)
            return false;
        socklen_t length = sizeof address;
        ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &length);
        m_port = ntohs(address.sin_port);
        setNonBlocking(m_listener);
        m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
        watch(m_listener, EPOLLIN, EPOLL_CTL_ADD);
        return true;
    }
    quint16 port() const { return m_port; }

    void run()
    {
        epoll_event events[256];
        for (;;) {
            const int n = ::epoll_wait(m_epoll, events, 256, -1);
            for (int i = 0; i < n; ++i) {
                const int fd = events[i].data.fd;
                if (fd == m_listener) {
                    accept();
                    continue;
                }
                auto it = m_connections.find(fd);
                if (it == m_connections.end())
                    continue;
                Connection& c = it->second;
                if ((events[i].events & EPOLLOUT) && !flush(c))
                    continue;
                if ((events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && c.out.isEmpty())
                    receive(c);
            }
        }
    }

private:
    void watch(int fd, quint32 events, int op)
    {
        epoll_event event {};
        event.events = events;
        event.data.fd = fd;
        ::epoll_ctl(m_epoll, op, fd, &event);
    }
    void accept()
    {
        for (;;) {
            const int fd = ::accept4(m_listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
            if (fd < 0)
                return;
            const int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            m_connections[fd].fd = fd;
            watch(fd, EPOLLIN, EPOLL_CTL_ADD);
        }
    }
    void drop(Connection& c)
    {
        ::close(c.fd);
        m_connections.erase(c.fd);
    }
    // Sends what is queued; false when the connection was dropped.
    bool flush(Connection& c)
    {
        while (!c.out.isEmpty()) {
            const ssize_t n = ::send(c.fd, c.out.constData(), size_t(c.out.size()), MSG_NOSIGNAL);
            if (n < 0 && errno == EAGAIN)
                break;
            if (n <= 0) {
                drop(c);
                return false;
            }
            c.out.remove(0, n);
        }
        // Reading waits while output is queued: that is the backpressure.
        if (c.waitingToWrite != !c.out.isEmpty()) {
            c.waitingToWrite = !c.out.isEmpty();
            watch(c.fd, c.waitingToWrite ? EPOLLOUT : EPOLLIN, EPOLL_CTL_MOD);
        }
        return true;
    }
    void receive(Connection& c)
    {
        const ssize_t n = ::recv(c.fd, m_buffer, sizeof m_buffer, 0);
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            drop(c);
            return;
        }
        if (!c.open) {
            c.in.append(m_buffer, n);
            handshake(c);
        } else {
            echo(c, m_buffer, n);
        }
        if (!c.out.isEmpty())
            flush(c);
    }
    void handshake(Connection& c)
    {
        const qsizetype end = c.in.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        QByteArray key;
        for (const QByteArray& line : c.in.left(end).split('\n')) {
            if (line.toLower().startsWith("sec-websocket-key:"))
                key = line.mid(18).trimmed();
        }
        c.out += "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                 "Sec-WebSocket-Accept: "
            + computeAccept(key) + "\r\n\r\n";
        c.open = true;
        QByteArray rest = c.in.mid(end + 4);
        c.in.clear();
        if (!rest.isEmpty())
            echo(c, rest.data(), rest.size());
    }
    // Streams frames through: each header is answered with the unmasked header, each payload piece is
    // unmasked in place and queued.
    void echo(Connection& c, char* data, qsizetype size)
    {
        while (size > 0) {
            if (c.payloadLeft == 0) {
                const qsizetype take = qMin<qsizetype>(size, 14 - c.in.size());
                c.in.append(data, take);
                const auto* h = reinterpret_cast<const quint8*>(c.in.constData());
                if (c.in.size() < 2)
                    return;
                const int code = h[1] & 0x7f;
                const qsizetype lengthBytes = code == 126 ? 2 : code == 127 ? 8 : 0;
                const qsizetype headerSize = 2 + lengthBytes + 4;
                if (c.in.size() < headerSize) {
                    data += take;
                    size -= take;
                    continue;
                }
                quint64 length = quint64(code);
                if (lengthBytes > 0) {
                    length = 0;
                    for (qsizetype i = 0; i < lengthBytes; ++i)
                        length = (length << 8) | h[2 + i];
                }
                std::memcpy(c.key.data(), h + 2 + lengthBytes, 4);
                char reply[10];
                reply[0] = char(h[0]);
                reply[1] = char(code);
                std::memcpy(reply + 2, h + 2, size_t(lengthBytes));
                c.out.append(reply, 2 + lengthBytes);
                // Bytes of `data` past this header were copied into c.in too; hand them back.
                const qsizetype used = take - (c.in.size() - headerSize);
                data += used;
                size -= used;
                c.in.clear();
                c.payloadLeft = length;
                c.payloadDone = 0;
                if (length == 0)
                    continue;
            }
            const qsizetype piece = qsizetype(qMin<quint64>(c.payloadLeft, quint64(size)));
            applyMask(data, piece, c.key, c.payloadDone);
            c.out.append(data, piece);
            c.payloadDone += quint64(piece);
            c.payloadLeft -= quint64(piece);
            data += piece;
            size -= piece;
        }
    }

    int m_listener = -1, m_epoll = -1;
    quint16 m_port = 0;
    std::unordered_map<int, Connection> m_connections;
    char m_buffer[256 * 1024];
};

} // namespace

int main(int argc, char** argv)
{
    static FloorServer server; // 256 KiB buffer: not on the stack
    const quint16 port = argc > 1 ? quint16(QByteArray(argv[1]).toUShort()) : 0;
    if (!server.listen(port)) {
        std::fprintf(stderr, "cannot listen: %s\n", std::strerror(errno));
        return 1;
    }
    std::printf("listening %u\n", unsigned(server.port()));
    std::fflush(stdout);
    server.run();
    return 0;
}
