// The shared protocol endpoint: frames in, messages out, automatic pong and close replies,
// deflate, violations, and what lands in the transcript. Wire bytes are written out by hand.
#include "core/endpoint.h"

#include <QTest>

using namespace wsi;

namespace
{
QByteArray hex(const char* text)
{
    return QByteArray::fromHex(text);
}

struct Recorder : EndpointSink {
    QByteArray wire;
    QList<Message> messages;
    QList<quint8> controls;
    QList<quint16> violations;
    int closeDone = 0;
    void writeToWire(const QByteArray& bytes) override { wire += bytes; }
    void messageReceived(const Message& m) override { messages.append(m); }
    void controlReceived(const Frame& f) override { controls.append(f.header.opcode); }
    void protocolViolation(const ProtocolViolation& v) override { violations.append(v.closeCode); }
    void closeHandshakeDone() override { ++closeDone; }
};

struct Harness {
    explicit Harness(Role role, EndpointConfig config = {})
        : endpoint(
            withRole(config, role), sink, transcript, [this] { return ++clock; },
            [] {
                return MaskKey { 0x37, 0xfa, 0x21, 0x3d };
            })
    {
    }
    static EndpointConfig withRole(EndpointConfig c, Role r)
    {
        c.role = r;
        return c;
    }
    Recorder sink;
    Transcript transcript;
    qint64 clock = 0;
    Endpoint endpoint;
};
} // namespace

class TestEndpoint : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void serverReceivesMaskedHello()
    {
        Harness h(Role::Server);
        h.endpoint.receive(hex("818537fa213d7f9f4d5158")); // RFC 6455 §5.7
        QCOMPARE(h.sink.messages.size(), 1);
        QCOMPARE(h.sink.messages.at(0).payload, QByteArray("Hello"));
        QCOMPARE(h.transcript.frames().size(), 1);
        const FrameRecord& f = h.transcript.frames().at(0);
        QVERIFY(f.masked);
        QCOMPARE(f.maskKey, (MaskKey { 0x37, 0xfa, 0x21, 0x3d }));
        QCOMPARE(h.transcript.framePayload(f), QByteArray("Hello"));
        QCOMPARE(h.transcript.frameWireBytes(f), hex("818537fa213d7f9f4d5158"));
        QCOMPARE(h.transcript.messages().size(), 1);
        QCOMPARE(h.transcript.messages().at(0).firstFrame, 0);
    }

    void fragmentedMessageWithPingInBetween()
    {
        Harness h(Role::Client);
        h.endpoint.receive(hex("010348656c")); // "Hel", not final
        h.endpoint.receive(hex("890548656c6c6f")); // ping "Hello" between fragments
        h.endpoint.receive(hex("80026c6f")); // "lo", final
        QCOMPARE(h.sink.messages.size(), 1);
        QCOMPARE(h.sink.messages.at(0).payload, QByteArray("Hello"));
        QCOMPARE(h.sink.controls, (QList<quint8> { 9 }));
        // The client answers the ping with a masked pong carrying the same payload.
        QCOMPARE(h.sink.wire, hex("8a8537fa213d7f9f4d5158"));
        QCOMPARE(h.transcript.messages().at(0).frameCount, 2);
        QCOMPARE(h.transcript.frames().at(0).message, 0);
        // Frames in wire order: "Hel", the ping, our pong, "lo".
        QCOMPARE(h.transcript.frames().size(), 4);
        QCOMPARE(h.transcript.frames().at(1).message, -1); // the ping belongs to no message
        QCOMPARE(h.transcript.frames().at(2).dir, Direction::Out);
        QCOMPARE(h.transcript.frames().at(2).opcode, quint8(Opcode::Pong));
        QCOMPARE(h.transcript.frames().at(3).message, 0);
    }

    void autoPongCanBeSwitchedOff()
    {
        EndpointConfig config;
        config.autoPong = false;
        Harness h(Role::Server, config);
        h.endpoint.receive(hex("8980"
                               "00000000")); // masked empty ping, key 0
        QCOMPARE(h.sink.controls.size(), 1);
        QVERIFY(h.sink.wire.isEmpty());
    }

    void closeIsAnsweredWithTheSameCode()
    {
        Harness h(Role::Server);
        h.endpoint.receive(hex("8882"
                               "00000000"
                               "03e9")); // masked close 1001, key 0
        QCOMPARE(h.sink.wire, hex("880203e9"));
        QCOMPARE(h.endpoint.state(), Endpoint::State::Closed);
        QCOMPARE(h.sink.closeDone, 1);
        const CloseRecord& c = h.transcript.close();
        QCOMPARE(c.initiator, CloseRecord::Initiator::Remote);
        QCOMPARE(c.receivedCode, std::optional<quint16>(1001));
        QVERIFY(c.clean);
        QCOMPARE(c.effectiveCode(), quint16(1001));
        QVERIFY(!h.endpoint.sendMessage(Opcode::Text, "late"));
    }

    void locallyInitiatedClose()
    {
        Harness h(Role::Server);
        QVERIFY(h.endpoint.sendClose(1000, "bye"));
        QCOMPARE(h.sink.wire, hex("880503e8627965"));
        QVERIFY(!h.endpoint.sendMessage(Opcode::Text, "after close")); // §5.5.1
        h.endpoint.receive(hex("8882"
                               "00000000"
                               "03e8"));
        QCOMPARE(h.endpoint.state(), Endpoint::State::Closed);
        QCOMPARE(h.transcript.close().initiator, CloseRecord::Initiator::Local);
        QVERIFY(h.transcript.close().clean);
    }

    void emptyCloseReplyMeansNoStatus()
    {
        Harness h(Role::Client);
        QVERIFY(h.endpoint.sendClose(1000));
        h.endpoint.receive(hex("8800")); // the server answers with an empty close
        QVERIFY(h.transcript.close().clean);
        QCOMPARE(h.transcript.close().effectiveCode(), quint16(1005)); // RFC 6455 §7.1.5
    }

    void invalidPeerCloseIsRecorded()
    {
        Harness h(Role::Server);
        h.endpoint.receive(hex("8882"
                               "00000000"
                               "03ed")); // close with code 1005, which must not be sent
        QCOMPARE(h.sink.violations, (QList<quint16> { 1002 }));
        QCOMPARE(h.transcript.close().receivedCode, std::optional<quint16>(1005));
        QCOMPARE(h.transcript.close().initiator, CloseRecord::Initiator::Remote);
    }

    void longCloseReasonIsCutOnACharacterBoundary()
    {
        Harness h(Role::Server);
        const QByteArray reason = QStringLiteral("é").repeated(100).toUtf8(); // 200 bytes
        QVERIFY(h.endpoint.sendClose(1000, reason));
        QCOMPARE(quint8(h.sink.wire.at(1)), quint8(2 + 122)); // 61 whole characters fit in 123 bytes
        const QByteArray sent = h.sink.wire.mid(4);
        QCOMPARE(sent, QStringLiteral("é").repeated(61).toUtf8());
        QCOMPARE(h.transcript.close().sentReason, sent);
    }

    void controlOpcodesAreNotMessages()
    {
        Harness h(Role::Server);
        QVERIFY(!h.endpoint.sendMessage(Opcode::Ping, "x", SendOptions { 3, true }));
        QVERIFY(h.sink.wire.isEmpty());
    }

    void compressedFragmentedMessageRoundTrips()
    {
        Harness server(Role::Server);
        Harness client(Role::Client);
        server.endpoint.enableDeflate(DeflateParams {});
        client.endpoint.enableDeflate(DeflateParams {});
        const QByteArray text = QByteArray("Hello, Hello, Hello, fragmented and compressed. ").repeated(20);
        for (int round = 0; round < 2; ++round) // the second one reuses the window (context takeover)
            QVERIFY(server.endpoint.sendMessage(Opcode::Text, text, SendOptions { 4, true }));
        client.endpoint.receive(server.sink.wire);
        QCOMPARE(client.sink.messages.size(), 2);
        QCOMPARE(client.sink.messages.at(1).payload, text);
        const ChunkedList<FrameRecord>& frames = client.transcript.frames();
        QCOMPARE(frames.size(), 8);
        for (int i = 0; i < 8; ++i) {
            QCOMPARE(frames.at(i).rsv1, i % 4 == 0); // RSV1 on each message's first frame only (RFC 7692 §6)
            QCOMPARE(frames.at(i).message, i / 4);
        }
        QVERIFY(client.transcript.messages().at(1).wireBytes < client.transcript.messages().at(0).wireBytes);
    }

    void hugeDeclaredLengthIsNotAllocatedUpFront()
    {
        FrameDecoder decoder(Role::Client);
        decoder.feed(hex("827f0000000003ffffff")); // binary frame declaring 64 MiB - 1 bytes, none sent
        Frame frame;
        QCOMPARE(decoder.next(frame), FrameDecoder::Status::NeedMore);
        QVERIFY(decoder.pendingPayloadCapacity() <= (1 << 20));
        decoder.feed(QByteArray(3 << 20, 'x'));
        QCOMPARE(decoder.next(frame), FrameDecoder::Status::NeedMore);
        QVERIFY(decoder.pendingPayloadCapacity() >= (3 << 20));
        QVERIFY(decoder.pendingPayloadCapacity() < (16 << 20));
    }

    void transportLossIsAbnormal()
    {
        Harness h(Role::Client);
        h.endpoint.transportClosed();
        QVERIFY(!h.transcript.close().clean);
        QCOMPARE(h.transcript.close().effectiveCode(), quint16(1006));
    }

    void violationsCloseWithTheirCode_data()
    {
        QTest::addColumn<int>("role");
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("bytesRead"); // of the offending frame: a header is refused where it breaks a rule
        QTest::newRow("unmasked frame to a server") << int(Role::Server) << hex("810548656c6c6f") << 1002 << 2;
        QTest::newRow("masked frame to a client") << int(Role::Client)
                                                  << hex("8185"
                                                         "00000000"
                                                         "48656c6c6f")
                                                  << 1002 << 2;
        QTest::newRow("RSV1 without deflate") << int(Role::Client) << hex("c10548656c6c6f") << 1002 << 2;
        QTest::newRow("reserved opcode 3") << int(Role::Client) << hex("8300") << 1002 << 2;
        QTest::newRow("oversized frame") << int(Role::Client) << hex("827f7fffffffffffffff") << 1009 << 10;
        QTest::newRow("invalid UTF-8 text") << int(Role::Client) << hex("8102c328") << 1007 << 4;
        QTest::newRow("orphan continuation") << int(Role::Client) << hex("800161") << 1002 << 3;
        QTest::newRow("one-byte close payload") << int(Role::Client) << hex("880103") << 1002 << 3;
    }
    void violationsCloseWithTheirCode()
    {
        QFETCH(int, role);
        QFETCH(QByteArray, bytes);
        QFETCH(int, code);
        QFETCH(int, bytesRead);
        Harness h { Role(role) };
        const QByteArray nextFrame = hex("810548656c6c6f");
        h.endpoint.receive(bytes + nextFrame); // a frame behind the offending one in the same read
        QCOMPARE(h.sink.violations, (QList<quint16> { quint16(code) }));
        QVERIFY(h.endpoint.violation().has_value());
        // The close frame we send carries the code in its first two payload bytes.
        QVERIFY(h.sink.wire.size() >= 4);
        QCOMPARE(quint8(h.sink.wire.at(0)), quint8(0x88));
        const int at = Role(role) == Role::Client ? 6 : 2; // a client's close is masked
        const QByteArray codeBytes = h.sink.wire.mid(at, 2);
        quint16 sent = 0;
        if (Role(role) == Role::Client) {
            sent = quint16(((quint8(codeBytes[0]) ^ 0x37) << 8) | (quint8(codeBytes[1]) ^ 0xfa));
        } else {
            sent = quint16((quint8(codeBytes[0]) << 8) | quint8(codeBytes[1]));
        }
        QCOMPARE(sent, quint16(code));
        QVERIFY(!h.transcript.notes().isEmpty());
        h.endpoint.receive(nextFrame); // nothing more is read after a failure
        QVERIFY(h.sink.messages.isEmpty());

        // The record keeps the offending frame as far as it was read, the violation, and what went unread.
        const Transcript& t = h.transcript;
        QVERIFY(t.close().failure);
        const FailureRecord& failure = *t.close().failure;
        QCOMPARE(int(failure.closeCode), code);
        QCOMPARE(failure.frame, 0);
        QCOMPARE(failure.frameBytesRead, qint64(bytesRead));
        QCOMPARE(failure.unreadBytes, bytes.size() - bytesRead + 2 * nextFrame.size());
        QCOMPARE(t.frames().at(0).dir, Direction::In);
        QCOMPARE(t.frameTally(Direction::In).wireBytes, qint64(bytesRead));
        QCOMPARE(int(recordedFrameViolation(t, 0, Role(role))->closeCode), code);
        QCOMPARE(t.frameWireBytes(t.frames().at(0)).left(bytesRead), bytes.left(bytesRead));
    }

    // Invalid UTF-8 inside one text frame read byte by byte: the 1007 comes with the first impossible
    // byte, long before the frame's last one, and the record says how much of the frame was read.
    void invalidUtf8FailsBeforeTheFrameEnds()
    {
        Harness h(Role::Client);
        const QByteArray payload = QByteArray("κόσμε") + hex("f4908080") + QByteArray(100, 'x');
        const QByteArray frame = QByteArray(1, char(0x81)) + char(payload.size()) + payload;
        const qsizetype deciding = 2 + QByteArray("κόσμε").size() + 1; // the 90 after F4: above U+10FFFF
        qsizetype fedWhenFailed = -1;
        for (qsizetype i = 0; i < frame.size(); ++i) {
            h.endpoint.receive(frame.sliced(i, 1));
            if (fedWhenFailed < 0 && h.endpoint.violation())
                fedWhenFailed = i + 1;
        }
        QCOMPARE(fedWhenFailed, deciding + 1);
        QVERIFY(fedWhenFailed < frame.size());
        QCOMPARE(h.sink.violations, (QList<quint16> { 1007 }));
        QVERIFY(h.sink.messages.isEmpty());
        const FailureRecord& failure = *h.transcript.close().failure;
        QCOMPARE(failure.frameBytesRead, qint64(deciding + 1));
        QCOMPARE(failure.unreadBytes, qint64(frame.size() - deciding - 1));
        QCOMPARE(failure.frame, 0);
        const FrameRecord& record = h.transcript.frames().at(0);
        QCOMPARE(record.payloadLength, quint64(payload.size())); // as declared
        QCOMPARE(h.transcript.framePayload(record), payload.first(deciding + 1 - 2));
        QCOMPARE(h.transcript.frameTally(Direction::In).wireBytes, qint64(deciding + 1));
    }

    // The same judgement over a chunk that holds the invalid bytes and more: the frame is refused
    // after the bytes actually read, and a valid text frame cut inside its characters still arrives whole.
    void textFrameJudgedAcrossChunks()
    {
        Harness bad(Role::Server);
        const QByteArray head = "κόσμε";
        QByteArray payload = head + hex("f4908080") + "edited";
        const MaskKey key { 0x37, 0xfa, 0x21, 0x3d };
        QByteArray frame = QByteArray(1, char(0x81)) + char(0x80 | payload.size()) + QByteArray(4, '\0');
        for (int i = 0; i < 4; ++i)
            frame[2 + i] = char(key[size_t(i)]);
        for (qsizetype i = 0; i < payload.size(); ++i)
            frame.append(char(quint8(payload[i]) ^ key[size_t(i % 4)]));
        const qsizetype firstChop = 6 + head.size();
        bad.endpoint.receive(frame.first(firstChop));
        QVERIFY(!bad.endpoint.violation());
        bad.endpoint.receive(frame.sliced(firstChop, 4)); // F4 90 80 80
        QVERIFY(bad.endpoint.violation());
        QCOMPARE(bad.endpoint.violation()->closeCode, quint16(1007));
        QCOMPARE(bad.transcript.close().failure->frameBytesRead, qint64(firstChop + 4));
        QCOMPARE(bad.transcript.close().failure->unreadBytes, qint64(0));

        Harness good(Role::Client);
        const QByteArray text = head + "… ok";
        const QByteArray whole = QByteArray(1, char(0x81)) + char(text.size()) + text;
        for (qsizetype i = 0; i < whole.size(); i += 3)
            good.endpoint.receive(whole.sliced(i, std::min<qsizetype>(3, whole.size() - i)));
        QVERIFY(!good.endpoint.violation());
        QCOMPARE(good.sink.messages.size(), 1);
        QCOMPARE(good.sink.messages.at(0).payload, text);
    }

    void deflateFollowsTheRfcExamples()
    {
        Harness h(Role::Client);
        h.endpoint.enableDeflate(DeflateParams {});
        h.endpoint.receive(hex("c107f248cdc9c90700")); // RFC 7692 §7.2.3.1
        h.endpoint.receive(hex("c105f200110000")); // §7.2.3.2: context takeover
        QCOMPARE(h.sink.messages.size(), 2);
        QCOMPARE(h.sink.messages.at(0).payload, QByteArray("Hello"));
        QCOMPARE(h.sink.messages.at(1).payload, QByteArray("Hello"));
        QVERIFY(h.sink.messages.at(1).compressed);
        QCOMPARE(h.transcript.messages().at(1).wireBytes, 5);
    }

    void sendsCompressedMessages()
    {
        Harness h(Role::Server);
        h.endpoint.enableDeflate(DeflateParams {});
        QVERIFY(h.endpoint.sendMessage(Opcode::Text, "Hello"));
        QVERIFY(h.endpoint.sendMessage(Opcode::Text, "Hello"));
        QCOMPARE(h.sink.wire,
            hex("c107f248cdc9c90700"
                "c105f200110000"));
        QVERIFY(h.endpoint.sendMessage(Opcode::Text, "Hello", SendOptions { 1, false }));
        QVERIFY(h.sink.wire.endsWith(hex("810548656c6c6f"))); // uncompressed: RSV1 clear
    }

    // A sent message carries its last frame's time, as a received one does; a single plain frame's
    // message is then the frame itself and keeps no record of its own.
    void sentMessageTakesItsLastFrameTime()
    {
        Harness h(Role::Server);
        QVERIFY(h.endpoint.sendMessage(Opcode::Text, "Hello"));
        QVERIFY(h.endpoint.sendMessage(Opcode::Binary, "abcdef", SendOptions { 2, false }));
        const Transcript& t = h.transcript;
        QCOMPARE(t.frames().size(), 3);
        QCOMPARE(t.messages().size(), 2);
        QCOMPARE(t.messages().at(0).timeUs, t.frames().at(0).timeUs);
        QCOMPARE(t.messages().at(1).timeUs, t.frames().at(2).timeUs);
        QVERIFY(t.frames().at(2).timeUs > t.frames().at(1).timeUs); // the clock ticks per reading
        QCOMPARE(t.storedMessageRecords(), 1); // only the fragmented one
        QCOMPARE(t.messagePayload(t.messages().at(0)), QByteArray("Hello"));
        QCOMPARE(t.messagePayload(t.messages().at(1)), QByteArray("abcdef"));
    }

    void sendsFragments()
    {
        Harness h(Role::Server);
        QVERIFY(h.endpoint.sendMessage(Opcode::Text, "Hello", SendOptions { 3, true }));
        QCOMPARE(h.sink.wire, hex("01014800016580036c6c6f"));
        QCOMPARE(h.transcript.frames().size(), 3);
        QCOMPARE(h.transcript.messages().at(0).frameCount, 3);
        QCOMPARE(h.transcript.frames().at(2).message, 0);
    }

    void fragmentSplitterMatchesSentFrames_data()
    {
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("fragments");
        QTest::addColumn<QList<int>>("sizes");
        QTest::newRow("5 in 3") << 5 << 3 << QList<int> { 1, 1, 3 };
        QTest::newRow("5 in 2") << 5 << 2 << QList<int> { 2, 3 };
        QTest::newRow("10 in 4") << 10 << 4 << QList<int> { 2, 2, 2, 4 };
        QTest::newRow("one fragment") << 7 << 1 << QList<int> { 7 };
        QTest::newRow("zero means one") << 7 << 0 << QList<int> { 7 };
        QTest::newRow("more fragments than bytes") << 3 << 8 << QList<int> { 1, 1, 1 };
        QTest::newRow("empty payload") << 0 << 4 << QList<int> { 0 };
        QTest::newRow("1000 in 7") << 1000 << 7 << QList<int> { 142, 142, 142, 142, 142, 142, 148 };
    }

    void fragmentSplitterMatchesSentFrames()
    {
        QFETCH(int, size);
        QFETCH(int, fragments);
        QFETCH(QList<int>, sizes);
        QByteArray payload(size, Qt::Uninitialized);
        for (int i = 0; i < size; ++i)
            payload[i] = char('a' + i % 26);
        const QList<QByteArrayView> pieces = splitFragments(payload, fragments);
        QList<int> got;
        QByteArray joined;
        for (const QByteArrayView piece : pieces) {
            got.append(int(piece.size()));
            joined += piece.toByteArray();
        }
        QCOMPARE(got, sizes);
        QCOMPARE(joined, payload); // all of it, in order
        // Endpoint::sendMessage puts exactly those pieces on the wire.
        Harness h(Role::Server);
        QVERIFY(h.endpoint.sendMessage(Opcode::Binary, payload, SendOptions { fragments, false }));
        QCOMPARE(h.transcript.frames().size(), qsizetype(sizes.size()));
        QByteArray wire;
        for (int i = 0; i < sizes.size(); ++i) {
            const FrameRecord& f = h.transcript.frames().at(i);
            QCOMPARE(int(f.payloadLength), sizes.at(i));
            QCOMPARE(f.fin, i + 1 == sizes.size());
            wire += h.transcript.framePayload(f);
        }
        QCOMPARE(wire, payload);
    }

    void deliberateInvalidFrame()
    {
        Harness h(Role::Server);
        FrameOptions options;
        options.rsv2 = true;
        QVERIFY(h.endpoint.sendFrame(0x3, "x", options));
        QCOMPARE(h.sink.wire, hex("a30178"));
        QVERIFY(h.transcript.frames().at(0).rsv2);
        QCOMPARE(h.transcript.frames().at(0).opcode, quint8(3));
    }

    void recordingCanBeSwitchedOff()
    {
        EndpointConfig config;
        config.recordFrames = false;
        config.recordMessages = false;
        Harness h(Role::Server, config);
        h.endpoint.receive(hex("818537fa213d7f9f4d5158"));
        QCOMPARE(h.sink.messages.size(), 1);
        QVERIFY(h.transcript.frames().isEmpty());
        QVERIFY(h.transcript.messages().isEmpty());
    }

    void payloadStoreRespectsItsBudget()
    {
        PayloadStore store(10);
        qint64 kept = -1;
        QCOMPARE(store.append("12345678", &kept), 0);
        QCOMPARE(kept, 8);
        const qint64 at = store.append("abcdef", &kept);
        QCOMPARE(at, 8);
        QCOMPARE(kept, 2);
        QCOMPARE(store.droppedBytes(), 4);
        QCOMPARE(store.read(6, 10), QByteArray("78ab"));
    }

    void recordCountsAreCapped()
    {
        TranscriptLimits limits;
        limits.frames = 3;
        limits.messages = 2;
        Transcript transcript(limits);
        for (int i = 0; i < 5; ++i) {
            const qint32 index = transcript.addFrame(Direction::In, i, FrameHeader {}, "x");
            QCOMPARE(index, i < 3 ? i : -1);
            transcript.addMessage(Direction::In, i, 1, false, 1, "x", index, 1);
        }
        QCOMPARE(transcript.frames().size(), 3);
        QCOMPARE(transcript.messages().size(), 2);
        QCOMPARE(transcript.droppedRecords(), 2 + 3);
    }

    void payloadStoreKeepsAnEchoOnce()
    {
        PayloadStore store;
        qint64 kept = -1;
        const qint64 in = store.append("hello", &kept);
        const qint64 out = store.append("hello", &kept); // the echo of what just arrived
        QCOMPARE(out, in);
        QCOMPARE(kept, 5);
        QCOMPARE(store.size(), 5);
        QCOMPARE(store.append("world"), 5); // same length, other bytes: stored
        QCOMPARE(store.append("hello"), 10); // equal to an older payload only: stored again
        QCOMPARE(store.read(0, 15), QByteArray("helloworldhello"));
        QCOMPARE(store.append("hello", &kept, 3), 15); // a frame that may keep fewer bytes gets its own copy
        QCOMPARE(kept, 3);
    }

    void payloadStoreDoesNotShareACutPayload()
    {
        PayloadStore store(3);
        qint64 kept = -1;
        store.append("hello", &kept);
        QCOMPARE(kept, 3);
        store.append("hello", &kept); // the first copy was cut by the budget: nothing whole to share
        QCOMPARE(kept, 0);
        QCOMPARE(store.droppedBytes(), 2 + 5);
    }

    void payloadStoreComparesOnlyWhatItWouldCopy()
    {
        PayloadStore store(10);
        qint64 kept = -1;
        QCOMPARE(store.append("hello", &kept), 0);
        QCOMPARE(store.append("hello", &kept), 0); // room for it: shared instead of copied
        QCOMPARE(kept, 5);
        QCOMPARE(store.append("world", &kept), 5); // fills the budget
        QCOMPARE(kept, 5);
        store.append("world", &kept); // no room left: dropped like any payload, not compared
        QCOMPARE(kept, 0);
        QCOMPARE(store.droppedBytes(), 5);
    }

    void movedPayloadStoresStayApart()
    {
        PayloadStore from;
        from.append("hello");
        PayloadStore to = std::move(from);
        QCOMPARE(to.size(), 5);
        QCOMPARE(from.size(), 0); // a moved-from store is empty...
        QCOMPARE(from.append("CCCCC"), 0); // ...and writes into chunks of its own
        QCOMPARE(from.read(0, 5), QByteArray("CCCCC"));
        QCOMPARE(to.read(0, 5), QByteArray("hello"));
        QCOMPARE(to.append("hello"), 0); // still the echo of its own last payload
        from = std::move(to);
        QCOMPARE(from.read(0, 5), QByteArray("hello"));
        QCOMPARE(to.append("world"), 0);
        QCOMPARE(from.read(0, 5), QByteArray("hello"));
    }

    void echoedFramesShareTheirPayload()
    {
        Harness h(Role::Server);
        h.endpoint.receive(hex("818537fa213d7f9f4d5158")); // masked "Hello"
        QVERIFY(h.endpoint.sendMessage(Opcode::Text, "Hello"));
        QCOMPARE(h.transcript.frames().size(), 2);
        QCOMPARE(h.transcript.frames().at(1).payloadOffset, h.transcript.frames().at(0).payloadOffset);
        QCOMPARE(h.transcript.framePayload(h.transcript.frames().at(1)), QByteArray("Hello"));
        QCOMPARE(h.transcript.payloads().size(), 5);
    }

    void payloadStoreSpansChunks()
    {
        PayloadStore store;
        const QByteArray big((1 << 20) + 100, 'x');
        store.append("head");
        const qint64 at = store.append(big);
        QCOMPARE(store.read(at, big.size()), big);
        QCOMPARE(store.read(0, 6), QByteArray("headxx"));
    }
};

QTEST_GUILESS_MAIN(TestEndpoint)
#include "tst_endpoint.moc"
