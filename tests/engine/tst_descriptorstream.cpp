// DescriptorStream: the echo server's way of driving an upgraded plain connection on its descriptor. A real
// loopback connection: the far end is an ordinary QTcpSocket, which must not notice the takeover.

#include "engine/descriptorstream.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <memory>

using namespace wsi;

namespace
{
constexpr int kWaitMs = 10000;

// Bytes whose position can be checked: a queue that reordered or lost a piece would not match.
QByteArray pattern(qsizetype size, int seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char((i * 7 + seed) & 0xff);
    return bytes;
}

struct Pair {
    QTcpServer server;
    QTcpSocket client;
    QTcpSocket* serverSide = nullptr;

    bool connect()
    {
        if (!server.listen(QHostAddress::LocalHost, 0))
            return false;
        client.connectToHost(QHostAddress::LocalHost, server.serverPort());
        if (!server.waitForNewConnection(kWaitMs))
            return false;
        serverSide = server.nextPendingConnection();
        return serverSide && client.waitForConnected(kWaitMs);
    }
};

// Reads from the stream until `size` bytes arrived or it reports the end.
QByteArray readFromStream(DescriptorStream& stream, qsizetype size)
{
    QByteArray got;
    char buffer[65536];
    [[maybe_unused]] const bool done = QTest::qWaitFor(
        [&] {
            qint64 n = 0;
            while (stream.read(buffer, sizeof buffer, &n) == DescriptorStream::ReadResult::Data)
                got.append(buffer, n);
            return got.size() >= size || !stream.isOpen();
        },
        kWaitMs);
    return got;
}
} // namespace

class tst_DescriptorStream : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void takesOverAnOpenConnection()
    {
        Pair p;
        QVERIFY(p.connect());
        std::unique_ptr<DescriptorStream> stream = DescriptorStream::takeOver(p.serverSide);
        QVERIFY(stream);
        QVERIFY(stream->isOpen());
        QCOMPARE(p.serverSide->state(), QAbstractSocket::UnconnectedState); // Qt's side is closed...
        QSignalSpy readable(stream.get(), &DescriptorStream::readyRead);
        p.client.write("ping");
        QTRY_VERIFY_WITH_TIMEOUT(readable.count() > 0, kWaitMs);
        QCOMPARE(readFromStream(*stream, 4), QByteArray("ping"));
        stream->write("pong");
        QCOMPARE(stream->bytesToWrite(), 0); // a small write goes to the kernel at once
        QTRY_COMPARE_WITH_TIMEOUT(p.client.bytesAvailable(), qint64(4), kWaitMs);
        QCOMPARE(p.client.readAll(), QByteArray("pong"));
        QCOMPARE(p.client.state(), QAbstractSocket::ConnectedState); // ...and the connection is not
    }

    void leavesASocketWithBufferedInput()
    {
        Pair p;
        QVERIFY(p.connect());
        p.client.write("early");
        QVERIFY(p.client.waitForBytesWritten(kWaitMs));
        QVERIFY(p.serverSide->waitForReadyRead(kWaitMs));
        QVERIFY(!DescriptorStream::takeOver(p.serverSide)); // those bytes would be lost
        QCOMPARE(p.serverSide->state(), QAbstractSocket::ConnectedState);
        QCOMPARE(p.serverSide->readAll(), QByteArray("early"));
    }

    void queuesWhatTheKernelDoesNotTake()
    {
        Pair p;
        QVERIFY(p.connect());
        p.client.setReadBufferSize(64 * 1024); // the far end stops reading: the kernel's buffers fill
        std::unique_ptr<DescriptorStream> stream = DescriptorStream::takeOver(p.serverSide);
        QVERIFY(stream);
        QSignalSpy written(stream.get(), &DescriptorStream::bytesWritten);
        QByteArray sent;
        for (int i = 0; i < 16; ++i) {
            const QByteArray piece = pattern(1 << 20, i);
            stream->write(piece);
            sent += piece;
        }
        QVERIFY(stream->bytesToWrite() > 0);
        QVERIFY(stream->bytesToWrite() <= sent.size());
        p.client.setReadBufferSize(0); // reading again, as fast as it can

        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                received += p.client.readAll(); // room again: Qt reads on, the queue drains
                return received.size() >= sent.size();
            }(),
            kWaitMs);
        QCOMPARE(received.size(), sent.size());
        QVERIFY(received == sent);
        QCOMPARE(stream->bytesToWrite(), 0);
        QVERIFY(written.count() > 0);
    }

    void finFollowsTheQueue()
    {
        Pair p;
        QVERIFY(p.connect());
        p.client.setReadBufferSize(64 * 1024);
        std::unique_ptr<DescriptorStream> stream = DescriptorStream::takeOver(p.serverSide);
        QVERIFY(stream);
        const QByteArray sent = pattern(8 << 20, 3);
        stream->write(sent);
        QVERIFY(stream->bytesToWrite() > 0);
        stream->shutdownWhenFlushed();
        p.client.setReadBufferSize(0);
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                received += p.client.readAll();
                return p.client.state() == QAbstractSocket::UnconnectedState;
            }(),
            kWaitMs);
        received += p.client.readAll();
        QVERIFY(received == sent); // everything, then the end: nothing cut off by the FIN
        QVERIFY(stream->isOpen()); // only our sending side is shut; the peer's close is read next
        QCOMPARE(readFromStream(*stream, 1), QByteArray());
        QVERIFY(!stream->isOpen());
    }

    void peerCloseEndsTheStream()
    {
        Pair p;
        QVERIFY(p.connect());
        std::unique_ptr<DescriptorStream> stream = DescriptorStream::takeOver(p.serverSide);
        QVERIFY(stream);
        p.client.write("last words");
        p.client.disconnectFromHost();
        QCOMPARE(readFromStream(*stream, 100), QByteArray("last words"));
        QVERIFY(!stream->isOpen());
        QVERIFY(stream->errorString().isEmpty()); // an orderly end, not an error
        stream->write("ignored"); // writing after the end is harmless
        QCOMPARE(stream->bytesToWrite(), 0);
    }

    void pausedReadingResumes()
    {
        Pair p;
        QVERIFY(p.connect());
        std::unique_ptr<DescriptorStream> stream = DescriptorStream::takeOver(p.serverSide);
        QVERIFY(stream);
        stream->setReadingEnabled(false);
        QSignalSpy readable(stream.get(), &DescriptorStream::readyRead);
        p.client.write("held");
        QVERIFY(p.client.waitForBytesWritten(kWaitMs));
        stream->setReadingEnabled(true);
        QTRY_VERIFY_WITH_TIMEOUT(readable.count() > 0, kWaitMs);
        QCOMPARE(readFromStream(*stream, 4), QByteArray("held"));
    }
};

QTEST_GUILESS_MAIN(tst_DescriptorStream)
#include "tst_descriptorstream.moc"
