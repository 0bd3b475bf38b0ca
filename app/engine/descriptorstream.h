#pragma once
// A plain TCP connection driven on its descriptor, for the echo server once a connection has upgraded.
//
// QTcpSocket costs a busy echo server more than the echo itself: every read asks the kernel how much is
// waiting (ioctl) before reading it into Qt's ring buffer, from which it is copied again, and every write is
// queued, a write notifier switched on, and the bytes handed to the kernel on the next pass of the event loop,
// the notifier switched off again. Here a readable descriptor is read straight into the caller's buffer and a
// write goes to the kernel at once; only what the kernel does not take is queued, with a write notifier until
// it drains. The event loop still drives everything through QSocketNotifier.
//
// Internal to the engine. TLS connections stay on QSslSocket.

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QSocketNotifier>
#include <memory>

class QTcpSocket;

namespace wsi
{

class DescriptorStream final : public QObject
{
    Q_OBJECT
public:
    // Takes the connection from `socket`, which is left closed; null when it cannot (a TLS socket, input or
    // output still in Qt's buffers, a platform without descriptors). The connection itself stays open.
    static std::unique_ptr<DescriptorStream> takeOver(QTcpSocket* socket);
    ~DescriptorStream() override;

    enum class ReadResult { Data, Empty, Closed };
    // Reads what is waiting, up to `capacity` bytes, without blocking. Closed: the peer ended the connection
    // or it failed (errorString() says which); the descriptor is then closed.
    ReadResult read(char* buffer, qint64 capacity, qint64* got);
    // Sends at once what the kernel takes and queues the rest; bytesWritten() reports progress on the queue.
    void write(const QByteArray& bytes);
    qint64 bytesToWrite() const { return m_queuedBytes; }
    // While off, readyRead() is not emitted and the kernel's receive window fills: TCP makes the peer wait.
    void setReadingEnabled(bool on);
    // FIN once the queue is empty (shutdown of the sending side); reading goes on until the peer closes.
    void shutdownWhenFlushed();
    // Drops the connection now; queued bytes are lost.
    void close();
    bool isOpen() const { return m_fd >= 0; }
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void readyRead();
    void bytesWritten();
    void failed(); // a write failed: the connection is gone (errorString() says why)

private:
    explicit DescriptorStream(int fd);
    void flushQueue();
    void fail(int error);

    int m_fd = -1;
    QSocketNotifier m_readNotifier;
    QSocketNotifier m_writeNotifier;
    QList<QByteArray> m_queue; // what the kernel has not taken yet; the first entry from m_queueOffset
    qint64 m_queueOffset = 0;
    qint64 m_queuedBytes = 0;
    bool m_finPending = false;
    QString m_error;
};

} // namespace wsi
