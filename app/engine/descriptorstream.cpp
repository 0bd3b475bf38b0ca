#include "engine/descriptorstream.h"

#include <QSslSocket>
#include <QTcpSocket>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

namespace wsi
{

std::unique_ptr<DescriptorStream> DescriptorStream::takeOver(QTcpSocket* socket)
{
#ifdef Q_OS_UNIX
    if (qobject_cast<QSslSocket*>(socket) || socket->state() != QAbstractSocket::ConnectedState
        || socket->bytesAvailable() > 0)
        return nullptr;
    socket->flush(); // the handshake response, written a moment ago
    if (socket->bytesToWrite() > 0)
        return nullptr;
    // A second descriptor for the same connection: closing Qt's leaves the connection open (it ends when the
    // last descriptor is closed), so the socket object can be shut without sending anything.
    const int fd = ::fcntl(int(socket->socketDescriptor()), F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return nullptr;
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    const QSignalBlocker quiet(socket); // its "disconnected" is not the connection's end
    socket->abort();
    return std::unique_ptr<DescriptorStream>(new DescriptorStream(fd));
#else
    Q_UNUSED(socket);
    return nullptr;
#endif
}

DescriptorStream::DescriptorStream(int fd)
    : m_fd(fd)
    , m_readNotifier(fd, QSocketNotifier::Read)
    , m_writeNotifier(fd, QSocketNotifier::Write)
{
    m_writeNotifier.setEnabled(false);
    connect(&m_readNotifier, &QSocketNotifier::activated, this, &DescriptorStream::readyRead);
    connect(&m_writeNotifier, &QSocketNotifier::activated, this, &DescriptorStream::flushQueue);
}

DescriptorStream::~DescriptorStream()
{
    close();
}

DescriptorStream::ReadResult DescriptorStream::read(char* buffer, qint64 capacity, qint64* got)
{
    *got = 0;
#ifdef Q_OS_UNIX
    while (m_fd >= 0) {
        const ssize_t n = ::recv(m_fd, buffer, size_t(capacity), 0);
        if (n > 0) {
            *got = n;
            return ReadResult::Data;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return ReadResult::Empty;
        if (n < 0)
            m_error = QString::fromLocal8Bit(std::strerror(errno));
        close();
    }
#else
    Q_UNUSED(buffer);
    Q_UNUSED(capacity);
#endif
    return ReadResult::Closed;
}

void DescriptorStream::write(const QByteArray& bytes)
{
#ifdef Q_OS_UNIX
    if (m_fd < 0 || bytes.isEmpty())
        return;
    qint64 sent = 0;
    if (m_queue.isEmpty()) { // nothing ahead of these bytes: straight to the kernel
        while (sent < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.constData() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL);
            if (n > 0) {
                sent += n;
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            } else {
                fail(errno);
                return;
            }
        }
        if (sent == bytes.size())
            return;
        m_queueOffset = sent;
        m_writeNotifier.setEnabled(true);
    }
    m_queue.append(bytes);
    m_queuedBytes += bytes.size() - sent;
#else
    Q_UNUSED(bytes);
#endif
}

void DescriptorStream::flushQueue()
{
#ifdef Q_OS_UNIX
    bool progress = false;
    while (m_fd >= 0 && !m_queue.isEmpty()) {
        const QByteArray& first = m_queue.first();
        const ssize_t n
            = ::send(m_fd, first.constData() + m_queueOffset, size_t(first.size() - m_queueOffset), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        if (n < 0) {
            fail(errno);
            return;
        }
        progress = true;
        m_queueOffset += n;
        m_queuedBytes -= n;
        if (m_queueOffset == first.size()) {
            m_queue.removeFirst();
            m_queueOffset = 0;
        }
    }
    if (m_fd < 0)
        return;
    if (m_queue.isEmpty()) {
        m_writeNotifier.setEnabled(false);
        if (m_finPending) {
            m_finPending = false;
            ::shutdown(m_fd, SHUT_WR);
        }
    }
    if (progress)
        Q_EMIT bytesWritten();
#endif
}

void DescriptorStream::setReadingEnabled(bool on)
{
    if (m_fd >= 0)
        m_readNotifier.setEnabled(on);
}

void DescriptorStream::shutdownWhenFlushed()
{
#ifdef Q_OS_UNIX
    if (m_fd < 0)
        return;
    if (m_queue.isEmpty())
        ::shutdown(m_fd, SHUT_WR);
    else
        m_finPending = true;
#endif
}

void DescriptorStream::close()
{
    if (m_fd < 0)
        return;
    m_readNotifier.setEnabled(false);
    m_writeNotifier.setEnabled(false);
#ifdef Q_OS_UNIX
    ::close(m_fd);
#endif
    m_fd = -1;
    m_queue.clear();
    m_queuedBytes = 0;
}

void DescriptorStream::fail(int error)
{
#ifdef Q_OS_UNIX
    m_error = QString::fromLocal8Bit(std::strerror(error));
#else
    Q_UNUSED(error);
#endif
    close();
    Q_EMIT failed();
}

} // namespace wsi

#include "moc_descriptorstream.cpp"
