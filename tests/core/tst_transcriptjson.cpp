// Transcript export as JSON Lines and import back: the round trip must give an equal transcript,
// and a damaged file must be refused with the line that is wrong.
#include "core/closepayload.h"
#include "core/endpoint.h"
#include "core/transcriptjson.h"
#include "support/conversation.h"

#include <QJsonDocument>
#include <QTest>

using namespace wsi;

namespace
{

using test::Conversation;

void fillHandshake(Transcript& t)
{
    HandshakeRecord& h = t.handshake();
    h.requestTimeUs = 10;
    h.responseTimeUs = 20;
    h.rawRequest = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    h.rawResponse = QByteArray("HTTP/1.1 101 Switching Protocols\r\n\r\n\x00\xff", 39);
    h.status = 101;
    h.protocol = "chat";
    h.extensions = "permessage-deflate";
    h.findings = { Finding { QStringLiteral("response.accept"), Severity::Error, QStringLiteral("wrong \"accept\" ✓"),
                       QStringLiteral("RFC 6455 §4.1"), "Sec-WebSocket-Accept" },
        Finding { QStringLiteral("browser.protocol-required"), Severity::Warning, QStringLiteral("w"), {}, {} } };
    DecisionStep refused { DecisionStep::Outcome::Rejected, QStringLiteral("step two"),
        QStringLiteral("RFC 6455 §10.2") };
    refused.stage = DecisionStage::Origin;
    refused.closeCode = 1008;
    refused.closeReason = "Origin not allowed";
    h.decisionSteps = { DecisionStep { DecisionStep::Outcome::Info, QStringLiteral("step one"), {} }, refused };
}

} // namespace

class tst_TranscriptJson : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripsAConversation_data();
    void roundTripsAConversation();
    void everyLineIsOneSelfDescribingObject();
    void roundTripsWhenTheBudgetRanOut();
    void roundTripsAnEmptyTranscript();
    void hugeDeclaredLengthSurvives();
    void damagedFilesAreRefused_data();
    void damagedFilesAreRefused();
    void unknownEventsAreSkipped();
    void textPayloadsAreReadable();
    void olderBase64TranscriptImports();
    void textOnlyLinesImport();
    void textAndPayloadMustAgree();
    void failureRoundTrips();
};

// A connection failed on a frame refused after its first two bytes: the failure, the cut-short frame and the
// wire totals (which count only the bytes read) come back from the file as they were.
void tst_TranscriptJson::failureRoundTrips()
{
    Transcript t;
    fillHandshake(t);
    t.handshake().extensions.clear();
    struct : EndpointSink {
        void writeToWire(const QByteArray&) override { }
    } sink;
    qint64 clock = 100;
    EndpointConfig config;
    config.role = Role::Server;
    Endpoint server(
        config, sink, t, [&clock] { return ++clock; }, [] { return MaskKey {}; });
    server.receive(QByteArray::fromHex("810548656c6c6f"
                                       "810548656c6c6f")); // a client frame without a mask, twice
    server.transportClosed();
    QVERIFY(t.close().failure);
    const QByteArray file = transcriptToJsonLines(t);
    QVERIFY2(file.contains("\"failure\":{\"code\":1002"), file.constData());
    Transcript back;
    QString error;
    QVERIFY2(transcriptFromJsonLines(file, back, &error), qPrintable(error));
    QCOMPARE(transcriptDifference(t, back), QString());
    QCOMPARE(back.close().failure, t.close().failure);
    QCOMPARE(back.frameTally(Direction::In).wireBytes, t.frameTally(Direction::In).wireBytes);
}

void tst_TranscriptJson::roundTripsAConversation_data()
{
    QTest::addColumn<bool>("deflate");
    QTest::newRow("plain") << false;
    QTest::newRow("permessage-deflate") << true;
}

void tst_TranscriptJson::roundTripsAConversation()
{
    QFETCH(bool, deflate);
    Conversation c(deflate);
    fillHandshake(c.clientTranscript);
    QVERIFY(c.client.sendMessage(Opcode::Text, "Hello"));
    c.pump();
    QVERIFY(c.client.sendMessage(Opcode::Binary, QByteArray(300, '\x07'), SendOptions { 3, true }));
    QVERIFY(c.client.sendPing("p"));
    c.pump();
    QVERIFY(c.server.sendMessage(Opcode::Text, "fragmented reply", SendOptions { 4, false }));
    QVERIFY(c.server.sendMessage(Opcode::Text, QByteArray(70000, 'a')));
    c.pump();
    c.client.sendFrame(3, "reserved", FrameOptions {}); // a deliberate violation: the server fails the connection
    c.pump();
    c.client.transportClosed();
    const Transcript& original = c.clientTranscript;
    QVERIFY(original.frames().size() >= 10);
    QVERIFY(original.messages().size() >= 4);
    QVERIFY(!original.notes().isEmpty() || !c.serverTranscript.notes().isEmpty());

    for (const Transcript* t : { &c.clientTranscript, &c.serverTranscript }) {
        const QByteArray jsonl = transcriptToJsonLines(*t);
        Transcript back;
        QString error;
        QVERIFY2(transcriptFromJsonLines(jsonl, back, &error), qPrintable(error));
        QCOMPARE(transcriptDifference(*t, back), QString());
        // And the export of the import is the same text.
        QCOMPARE(transcriptToJsonLines(back), jsonl);
    }
}

void tst_TranscriptJson::everyLineIsOneSelfDescribingObject()
{
    Conversation c(false);
    fillHandshake(c.clientTranscript);
    c.client.sendMessage(Opcode::Text, "Hello");
    c.pump();
    c.client.sendClose(1000, "bye");
    c.pump();
    const QList<QByteArray> lines = transcriptToJsonLines(c.clientTranscript).split('\n');
    QCOMPARE(lines.last(), QByteArray()); // newline-terminated
    QStringList events;
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        const QJsonDocument doc = QJsonDocument::fromJson(lines.at(i));
        QVERIFY2(doc.isObject(), lines.at(i).constData());
        events.append(doc.object().value(QStringLiteral("event")).toString());
    }
    QCOMPARE(events.first(), QStringLiteral("transcript"));
    QCOMPARE(events.at(1), QStringLiteral("handshake"));
    QCOMPARE(events.last(), QStringLiteral("close"));
    QVERIFY(events.contains(QStringLiteral("frame")));
    QVERIFY(events.contains(QStringLiteral("message")));

    const QJsonObject first = QJsonDocument::fromJson(lines.at(2)).object();
    QCOMPARE(first.value(QStringLiteral("event")).toString(), QStringLiteral("frame"));
    QCOMPARE(first.value(QStringLiteral("dir")).toString(), QStringLiteral("out"));
    QCOMPARE(first.value(QStringLiteral("opcode")).toInt(), 1);
    QCOMPARE(first.value(QStringLiteral("masked")).toBool(), true);
    QCOMPARE(first.value(QStringLiteral("maskKey")).toString(), QStringLiteral("0103a5fe"));
    QCOMPARE(first.value(QStringLiteral("payload")).toString(), QStringLiteral("SGVsbG8="));
    QCOMPARE(first.value(QStringLiteral("text")).toString(), QStringLiteral("Hello"));
    const QJsonObject close = QJsonDocument::fromJson(lines.at(lines.size() - 2)).object();
    QCOMPARE(close.value(QStringLiteral("sentCode")).toInt(), 1000);
    QCOMPARE(close.value(QStringLiteral("receivedCode")).toInt(), 1000);
    QCOMPARE(close.value(QStringLiteral("initiator")).toString(), QStringLiteral("local"));
    QCOMPARE(close.value(QStringLiteral("clean")).toBool(), true);
    QCOMPARE(
        QByteArray::fromBase64(close.value(QStringLiteral("sentReason")).toString().toLatin1()), QByteArray("bye"));
}

void tst_TranscriptJson::roundTripsWhenTheBudgetRanOut()
{
    Conversation c(false, 100);
    c.client.sendMessage(Opcode::Binary, QByteArray(60, 'x'));
    c.client.sendMessage(Opcode::Binary, QByteArray(60, 'y'));
    c.pump();
    const Transcript& t = c.clientTranscript;
    QVERIFY(t.payloads().droppedBytes() > 0);
    Transcript back;
    QString error;
    QVERIFY2(transcriptFromJsonLines(transcriptToJsonLines(t), back, &error), qPrintable(error));
    QCOMPARE(back.payloads().budget(), qint64(100));
    QCOMPARE(back.frames().at(1).payloadKept, t.frames().at(1).payloadKept);
    QCOMPARE(back.frames().at(1).payloadLength, quint64(60));
}

void tst_TranscriptJson::roundTripsAnEmptyTranscript()
{
    Transcript empty;
    Transcript back;
    QVERIFY(transcriptFromJsonLines(transcriptToJsonLines(empty), back));
    QCOMPARE(transcriptDifference(empty, back), QString());
}

void tst_TranscriptJson::hugeDeclaredLengthSurvives()
{
    // A deliberately lying frame header (64-bit length far beyond 2^53) must not be rounded.
    Transcript t;
    FrameHeader h;
    h.opcode = 2;
    h.payloadLength = 0x7fffffffffffff01ull;
    h.lengthEncoding = LengthEncoding::Extended64;
    h.headerSize = 10;
    t.addFrame(Direction::Out, 5, h, "abc");
    Transcript back;
    QVERIFY(transcriptFromJsonLines(transcriptToJsonLines(t), back));
    QCOMPARE(back.frames().at(0).payloadLength, 0x7fffffffffffff01ull);
    QCOMPARE(transcriptDifference(t, back), QString());
}

void tst_TranscriptJson::damagedFilesAreRefused_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("mentions");

    const QByteArray header = R"({"event":"transcript","version":1,"payloadBudget":1000})"
                              "\n";
    QTest::newRow("not JSON") << header + "{\"event\":\"frame\"" << QStringLiteral("Line 2");
    QTest::newRow("an array") << header + "[1,2]" << QStringLiteral("not a JSON object");
    QTest::newRow("no event field") << QByteArray("{\"x\":1}") << QStringLiteral("no \"event\"");
    QTest::newRow("payload not base64") << header
            + R"({"event":"frame","dir":"in","opcode":1,"length":1,"payload":"@@@"})"
                                        << QStringLiteral("base64");
    QTest::newRow("opcode out of range") << header + R"({"event":"frame","dir":"in","opcode":99,"payload":""})"
                                         << QStringLiteral("\"opcode\" must be a whole number from 0 to 15, not 99");
    QTest::newRow("bad direction") << header + R"({"event":"frame","dir":"sideways","opcode":1,"payload":""})"
                                   << QStringLiteral("\"dir\"");
    QTest::newRow("mask key too short") << header
            + R"({"event":"frame","dir":"out","opcode":1,"masked":true,"maskKey":"0102","payload":""})"
                                        << QStringLiteral("maskKey");
    QTest::newRow("message before its frame")
        << header + R"({"event":"message","dir":"in","opcode":1,"firstFrame":3,"payload":""})"
        << QStringLiteral("firstFrame 3");
    QTest::newRow("newer format") << QByteArray(R"({"event":"transcript","version":99})") << QStringLiteral("newer");
    QTest::newRow("header twice") << header + header << QStringLiteral("first event");
    QTest::newRow("close code out of range")
        << header + R"({"event":"close","sentCode":70000})" << QStringLiteral("sentCode");
}

void tst_TranscriptJson::damagedFilesAreRefused()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, mentions);
    Transcript out;
    QString error;
    QVERIFY(!transcriptFromJsonLines(text, out, &error));
    QVERIFY2(error.contains(mentions), qPrintable(error));
    QVERIFY(error.startsWith(QStringLiteral("Line ")));
}

void tst_TranscriptJson::unknownEventsAreSkipped()
{
    const QByteArray text = R"({"event":"transcript","version":1})"
                            "\n\n"
                            R"({"event":"something-new","x":1})"
                            "\n"
                            R"({"event":"note","timeUs":7,"level":"warning","text":"hi","extra":true})";
    Transcript out;
    QString error;
    QVERIFY2(transcriptFromJsonLines(text, out, &error), qPrintable(error));
    QCOMPARE(out.notes().size(), 1);
    QCOMPARE(out.notes().at(0).level, NoteRecord::Level::Warning);
    QCOMPARE(out.notes().at(0).text, QStringLiteral("hi"));
}

void tst_TranscriptJson::textPayloadsAreReadable()
{
    for (const bool deflate : { false, true }) {
        Conversation c(deflate);
        QVERIFY(c.client.sendMessage(Opcode::Text, "caf\xc3\xa9 \"quoted\"\nline"));
        QVERIFY(c.client.sendMessage(Opcode::Binary, QByteArray("\x00\x01bin", 5)));
        QVERIFY(c.client.sendMessage(Opcode::Text, "in three parts", SendOptions { 5, false }));
        c.pump();
        const QByteArray jsonl = transcriptToJsonLines(c.clientTranscript);
        // The text is on the line as it is (JSON-escaped only where JSON must), so grep and diff find it.
        QVERIFY2(jsonl.contains(R"("text":"café \"quoted\"\nline")"), jsonl.constData());
        QList<QJsonObject> frames, messages;
        for (const QByteArray& line : jsonl.split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            const QString event = o.value(QStringLiteral("event")).toString();
            if (event == QLatin1String("frame"))
                frames.append(o);
            else if (event == QLatin1String("message"))
                messages.append(o);
        }
        QCOMPARE(messages.size(), 3);
        QCOMPARE(messages.at(0).value(QStringLiteral("text")).toString(), QStringLiteral("café \"quoted\"\nline"));
        QVERIFY(!messages.at(1).contains(QStringLiteral("text"))); // binary: base64 only
        QCOMPARE(QByteArray::fromBase64(messages.at(1).value(QStringLiteral("payload")).toString().toLatin1()),
            QByteArray("\x00\x01bin", 5));
        QCOMPARE(messages.at(2).value(QStringLiteral("text")).toString(), QStringLiteral("in three parts"));
        for (const QJsonObject& f : frames) {
            // Every frame keeps its exact bytes; a compressed frame's bytes are not text.
            QVERIFY(f.value(QStringLiteral("payload")).isString());
            const bool compressed = f.value(QStringLiteral("rsv1")).toBool();
            const int opcode = f.value(QStringLiteral("opcode")).toInt();
            if (compressed || opcode == 2)
                QVERIFY(!f.contains(QStringLiteral("text")));
            else
                QVERIFY(f.value(QStringLiteral("text")).isString());
        }
        Transcript back;
        QString error;
        QVERIFY2(transcriptFromJsonLines(jsonl, back, &error), qPrintable(error));
        QCOMPARE(transcriptDifference(c.clientTranscript, back), QString());
    }

    // A text frame that is not valid UTF-8 (a deliberately broken peer) stays base64 only.
    Transcript t;
    FrameHeader h;
    h.opcode = 1;
    h.payloadLength = 2;
    t.addFrame(Direction::In, 1, h, "\xc3\x28");
    const QJsonObject frame = QJsonDocument::fromJson(transcriptToJsonLines(t).split('\n').at(2)).object();
    QCOMPARE(frame.value(QStringLiteral("event")).toString(), QStringLiteral("frame"));
    QVERIFY(!frame.contains(QStringLiteral("text")));
    Transcript back;
    QVERIFY(transcriptFromJsonLines(transcriptToJsonLines(t), back));
    QCOMPARE(transcriptDifference(t, back), QString());
}

void tst_TranscriptJson::olderBase64TranscriptImports()
{
    // Saved by the version before text payloads: base64 everywhere, no "text".
    const QByteArray older
        = R"({"droppedBytes":0,"event":"transcript","frames":2,"messages":1,"payloadBudget":1073741824,"version":1})"
          "\n"
          R"({"event":"handshake","extensions":"","findings":[],"protocol":"","rawRequest":"R0VUIC8gSFRUUC8xLjENCg0K","rawResponse":"SFRUUC8xLjEgMTAxIFN3aXRjaGluZyBQcm90b2NvbHMNCg0K","requestTimeUs":5,"responseTimeUs":6,"status":101,"trace":[]})"
          "\n"
          R"({"dir":"out","event":"frame","fin":true,"headerSize":6,"index":0,"kept":5,"length":5,"lengthBits":7,"maskKey":"01020304","masked":true,"message":0,"opcode":1,"payload":"aGVsbG8=","rsv1":false,"rsv2":false,"rsv3":false,"timeUs":10})"
          "\n"
          R"({"compressed":false,"dir":"out","event":"message","firstFrame":0,"frameCount":1,"index":0,"kept":5,"length":5,"opcode":1,"payload":"aGVsbG8=","timeUs":10,"wireBytes":5})"
          "\n"
          R"({"dir":"in","event":"frame","fin":true,"headerSize":2,"index":1,"kept":3,"length":3,"lengthBits":7,"masked":false,"message":-1,"opcode":2,"payload":"AAEC","rsv1":false,"rsv2":false,"rsv3":false,"timeUs":20})"
          "\n"
          R"({"clean":false,"closedTimeUs":30,"code":1006,"event":"close","initiator":"none","receivedCode":null,"receivedReason":"","sentCode":null,"sentReason":"","sentTimeUs":-1,"receivedTimeUs":-1})"
          "\n";
    Transcript t;
    QString error;
    QVERIFY2(transcriptFromJsonLines(older, t, &error), qPrintable(error));
    QCOMPARE(t.frames().size(), 2);
    QCOMPARE(t.framePayload(t.frames().at(0)), QByteArray("hello"));
    QCOMPARE(t.messagePayload(t.messages().at(0)), QByteArray("hello"));
    QCOMPARE(t.framePayload(t.frames().at(1)), QByteArray("\x00\x01\x02", 3));
    // Exported again it gains the readable text, and reads back to the same transcript.
    const QByteArray now = transcriptToJsonLines(t);
    QVERIFY(now.contains(R"("text":"hello")"));
    Transcript back;
    QVERIFY2(transcriptFromJsonLines(now, back, &error), qPrintable(error));
    QCOMPARE(transcriptDifference(t, back), QString());
}

void tst_TranscriptJson::textOnlyLinesImport()
{
    // A line a person wrote or edited, with the text alone.
    const QByteArray text = R"({"event":"transcript","version":1})"
                            "\n"
                            R"({"event":"frame","dir":"out","opcode":1,"length":6,"text":"grüß"})"
                            "\n"
                            R"({"event":"message","dir":"out","opcode":1,"firstFrame":0,"frameCount":1,"text":"grüß"})";
    Transcript t;
    QString error;
    QVERIFY2(transcriptFromJsonLines(text, t, &error), qPrintable(error));
    QCOMPARE(t.framePayload(t.frames().at(0)), QByteArray("gr\xc3\xbc\xc3\x9f"));
    QCOMPARE(t.messagePayload(t.messages().at(0)), QByteArray("gr\xc3\xbc\xc3\x9f"));
}

void tst_TranscriptJson::textAndPayloadMustAgree()
{
    const QByteArray text
        = R"({"event":"transcript","version":1})"
          "\n"
          R"({"event":"frame","dir":"out","opcode":1,"length":5,"text":"howdy","payload":"aGVsbG8="})";
    Transcript t;
    QString error;
    QVERIFY(!transcriptFromJsonLines(text, t, &error));
    QVERIFY2(error.startsWith(QStringLiteral("Line 2")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("different bytes")), qPrintable(error));
}

QTEST_MAIN(tst_TranscriptJson)
#include "tst_transcriptjson.moc"
