// One event vocabulary: a real session (a client and a server Endpoint back to back) written through the
// transcript's JSON Lines, `serve --json` and `probe --json`. A field two writers both emit must hold the same
// value (except the older fields whose conflicts core/events.h documents, which are checked against their
// unambiguous replacements), and each writer must still emit every field its contract promised.
#include "cli/jsonevents.h"
#include "core/endpoint.h"
#include "core/events.h"
#include "core/transcriptjson.h"
#include "core/wirebytes.h"
#include "support/conversation.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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
    h.rawRequest = "GET /chat HTTP/1.1\r\nHost: x\r\nSec-WebSocket-Protocol: chat\r\n\r\n";
    h.rawResponse = "HTTP/1.1 101 Switching Protocols\r\nSec-WebSocket-Protocol: chat\r\n\r\n";
    h.status = 101;
    h.protocol = "chat";
    h.extensions = "permessage-deflate";
    h.findings = { Finding { QStringLiteral("request.key"), Severity::Pass, QStringLiteral("fine"),
                       QStringLiteral("RFC 6455 §4.1"), "Sec-WebSocket-Key" },
        Finding { QStringLiteral("request.origin"), Severity::Info, QStringLiteral("no \"Origin\" \u2713"),
            QStringLiteral("RFC 6455 §10.2"), "Origin" } };
    DecisionStep chosen { DecisionStep::Outcome::Accepted, QStringLiteral("subprotocol → chat"),
        QStringLiteral("RFC 6455 §4.2.2") };
    chosen.stage = DecisionStage::Subprotocol;
    h.decisionSteps
        = { DecisionStep { DecisionStep::Outcome::Info, QStringLiteral("request GET /chat HTTP/1.1"), {} }, chosen };
}

QJsonObject parse(const QByteArray& line)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(line, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        qFatal("not one JSON object: %s", line.constData());
    return doc.object();
}

// Every event of one transcript as one writer emits it, by kind, in record order.
struct Events {
    QList<QJsonObject> frames, messages, notes;
    QJsonObject handshake, close;
};

Events transcriptWriter(const Transcript& t)
{
    Events e;
    for (const QJsonObject& o : transcriptToJsonEvents(t)) {
        const QString kind = o.value(QStringLiteral("event")).toString();
        if (kind == QLatin1String("frame"))
            e.frames.append(o);
        else if (kind == QLatin1String("message"))
            e.messages.append(o);
        else if (kind == QLatin1String("note"))
            e.notes.append(o);
        else if (kind == QLatin1String("handshake"))
            e.handshake = o;
        else if (kind == QLatin1String("close"))
            e.close = o;
    }
    // The file is in time order; the other writers' are by index: sort to compare.
    const auto byIndex = [](const QJsonObject& a, const QJsonObject& b) {
        return a.value(QStringLiteral("index")).toInteger() < b.value(QStringLiteral("index")).toInteger();
    };
    std::stable_sort(e.messages.begin(), e.messages.end(), byIndex);
    return e;
}

// serve and probe write through the serializers their commands use (cli/jsonevents.h), one record at a time.
Events cliWriter(EventSerializer events, const Transcript& t, bool serve)
{
    Events e;
    QByteArray line;
    for (qsizetype i = 0; i < t.frames().size(); ++i) {
        events.frame(line, t, i);
        e.frames.append(parse(std::exchange(line, {})));
    }
    for (qsizetype i = 0; i < t.messages().size(); ++i) {
        events.message(line, t, i);
        e.messages.append(parse(std::exchange(line, {})));
    }
    for (const NoteRecord& n : t.notes()) {
        events.note(line, n);
        e.notes.append(parse(std::exchange(line, {})));
    }
    if (serve) {
        events.handshake(line, t.handshake(), QStringLiteral("127.0.0.1:40000"));
        e.handshake = parse(std::exchange(line, {}));
        const WireTotals wire = wireTotals(t, Role::Server);
        events.close(line, t.close(), 1234, 5678, &wire);
    } else {
        events.close(line, t.close());
    }
    e.close = parse(line);
    return e;
}

// Older fields whose meaning differs between writers (see core/events.h): not compared directly.
const QHash<QString, QStringList>& knownConflicts()
{
    static const QHash<QString, QStringList> conflicts {
        { QStringLiteral("close"),
            { QStringLiteral("initiator"), QStringLiteral("code"), QStringLiteral("sentReason"),
                QStringLiteral("receivedReason") } },
        { QStringLiteral("handshake"),
            { QStringLiteral("protocol"), QStringLiteral("extensions"), QStringLiteral("findings") } },
    };
    return conflicts;
}

// Every field both objects have holds the same value; returns what differs.
QString sharedFieldsDiffer(const QJsonObject& a, const QJsonObject& b, const QString& where)
{
    const QStringList skip = knownConflicts().value(a.value(QStringLiteral("event")).toString());
    int shared = 0;
    for (auto it = a.begin(); it != a.end(); ++it) {
        if (!b.contains(it.key()) || skip.contains(it.key()))
            continue;
        ++shared;
        if (b.value(it.key()) != it.value())
            return QStringLiteral("%1: field \"%2\" is %3 in one writer and %4 in the other")
                .arg(where, it.key(),
                    QString::fromUtf8(QJsonDocument(QJsonArray { it.value() }).toJson(QJsonDocument::Compact)),
                    QString::fromUtf8(QJsonDocument(QJsonArray { b.value(it.key()) }).toJson(QJsonDocument::Compact)));
    }
    if (shared < 3)
        return QStringLiteral("%1: only %2 fields in common").arg(where).arg(shared);
    return {};
}

enum class Kind { Bool, Number, String, NumberOrNull, StringOrNull, Array };

// What each contract promised before the one vocabulary, with the JSON type of each field. A renamed or retyped
// field fails the test.
struct Contract {
    QHash<QString, Kind> frame, message, handshake, close, note;
};

const Contract& transcriptContract()
{
    static const Contract c {
        { { "event", Kind::String }, { "index", Kind::Number }, { "timeUs", Kind::Number }, { "dir", Kind::String },
            { "fin", Kind::Bool }, { "rsv1", Kind::Bool }, { "rsv2", Kind::Bool }, { "rsv3", Kind::Bool },
            { "opcode", Kind::Number }, { "masked", Kind::Bool }, { "length", Kind::Number },
            { "lengthBits", Kind::Number }, { "headerSize", Kind::Number }, { "message", Kind::Number },
            { "kept", Kind::Number }, { "payload", Kind::String } },
        { { "event", Kind::String }, { "index", Kind::Number }, { "timeUs", Kind::Number }, { "dir", Kind::String },
            { "opcode", Kind::Number }, { "compressed", Kind::Bool }, { "wireBytes", Kind::Number },
            { "length", Kind::Number }, { "kept", Kind::Number }, { "firstFrame", Kind::Number },
            { "frameCount", Kind::Number }, { "payload", Kind::String } },
        { { "event", Kind::String }, { "requestTimeUs", Kind::Number }, { "responseTimeUs", Kind::Number },
            { "rawRequest", Kind::String }, { "rawResponse", Kind::String }, { "status", Kind::Number },
            { "protocol", Kind::String }, { "extensions", Kind::String }, { "findings", Kind::Array },
            { "trace", Kind::Array }, { "steps", Kind::Array } },
        { { "event", Kind::String }, { "initiator", Kind::String }, { "sentCode", Kind::NumberOrNull },
            { "sentReason", Kind::String }, { "receivedCode", Kind::NumberOrNull }, { "receivedReason", Kind::String },
            { "sentTimeUs", Kind::Number }, { "receivedTimeUs", Kind::Number }, { "closedTimeUs", Kind::Number },
            { "clean", Kind::Bool }, { "code", Kind::Number } },
        { { "event", Kind::String }, { "timeUs", Kind::Number }, { "level", Kind::String }, { "text", Kind::String } },
    };
    return c;
}

const Contract& serveContract()
{
    static const Contract c {
        { { "event", Kind::String }, { "conn", Kind::Number }, { "dir", Kind::String }, { "fin", Kind::Bool },
            { "rsv1", Kind::Bool }, { "rsv2", Kind::Bool }, { "rsv3", Kind::Bool }, { "opcode", Kind::Number },
            { "type", Kind::String }, { "masked", Kind::Bool }, { "length", Kind::Number },
            { "timeUs", Kind::Number } },
        { { "event", Kind::String }, { "conn", Kind::Number }, { "dir", Kind::String }, { "type", Kind::String },
            { "length", Kind::Number }, { "compressed", Kind::Bool }, { "frames", Kind::Number } },
        { { "event", Kind::String }, { "conn", Kind::Number }, { "peer", Kind::String }, { "request", Kind::String },
            { "response", Kind::String }, { "status", Kind::Number }, { "protocol", Kind::StringOrNull },
            { "extensions", Kind::StringOrNull }, { "trace", Kind::Array }, { "steps", Kind::Array },
            { "findings", Kind::Array } },
        { { "event", Kind::String }, { "conn", Kind::Number }, { "code", Kind::Number }, { "reason", Kind::String },
            { "initiator", Kind::String }, { "clean", Kind::Bool }, { "bytesIn", Kind::Number },
            { "bytesOut", Kind::Number }, { "handshakeBytesIn", Kind::Number }, { "handshakeBytesOut", Kind::Number },
            { "frameBytesIn", Kind::Number }, { "frameBytesOut", Kind::Number } },
        { { "event", Kind::String }, { "conn", Kind::Number }, { "level", Kind::String }, { "text", Kind::String } },
    };
    return c;
}

const Contract& probeContract()
{
    static const Contract c {
        { { "event", Kind::String }, { "dir", Kind::String }, { "fin", Kind::Bool }, { "rsv1", Kind::Bool },
            { "rsv2", Kind::Bool }, { "rsv3", Kind::Bool }, { "opcode", Kind::Number }, { "type", Kind::String },
            { "masked", Kind::Bool }, { "length", Kind::Number }, { "wireLength", Kind::Number } },
        { { "event", Kind::String }, { "dir", Kind::String }, { "type", Kind::String }, { "length", Kind::Number },
            { "compressed", Kind::Bool }, { "wireBytes", Kind::Number }, { "frames", Kind::Number } },
        {}, // probe prints request, response and check events instead of a handshake event
        { { "event", Kind::String }, { "initiator", Kind::String }, { "sentCode", Kind::NumberOrNull },
            { "sentReason", Kind::String }, { "receivedCode", Kind::NumberOrNull }, { "receivedReason", Kind::String },
            { "clean", Kind::Bool }, { "code", Kind::Number }, { "durationMs", Kind::Number } },
        { { "event", Kind::String }, { "level", Kind::String }, { "text", Kind::String } },
    };
    return c;
}

QString missingFields(const QJsonObject& o, const QHash<QString, Kind>& promised, const QString& where)
{
    for (auto it = promised.begin(); it != promised.end(); ++it) {
        const QJsonValue v = o.value(it.key());
        bool ok = false;
        switch (it.value()) {
        case Kind::Bool:
            ok = v.isBool();
            break;
        case Kind::Number:
            ok = v.isDouble();
            break;
        case Kind::String:
            ok = v.isString();
            break;
        case Kind::NumberOrNull:
            ok = v.isDouble() || v.isNull();
            break;
        case Kind::StringOrNull:
            ok = v.isString() || v.isNull();
            break;
        case Kind::Array:
            ok = v.isArray();
            break;
        }
        if (!ok)
            return QStringLiteral("%1: field \"%2\" missing or of another type").arg(where, it.key());
    }
    return {};
}

QString checkContract(const Events& e, const Contract& c, const QString& writer)
{
    QString problem;
    const auto check = [&](const QJsonObject& o, const QHash<QString, Kind>& promised, const QString& where) {
        if (problem.isEmpty())
            problem = missingFields(o, promised, writer + ' ' + where);
    };
    for (const QJsonObject& f : e.frames) {
        check(f, c.frame, QStringLiteral("frame"));
        if (f.value(QStringLiteral("masked")).toBool() && !f.value(QStringLiteral("maskKey")).isString())
            problem = writer + QStringLiteral(" frame: masked without maskKey");
        if (f.value(QStringLiteral("opcode")).toInt() == 8 && writer == QLatin1String("probe"))
            check(f, { { "code", Kind::NumberOrNull }, { "reason", Kind::String } }, QStringLiteral("close frame"));
        if (writer == QLatin1String("probe")
            && !(f.value(QStringLiteral("text")).isString() || f.value(QStringLiteral("hex")).isString()))
            problem = QStringLiteral("probe frame: neither text nor hex");
    }
    for (const QJsonObject& m : e.messages) {
        check(m, c.message, QStringLiteral("message"));
        if (writer == QLatin1String("serve") && m.value(QStringLiteral("type")).toString() == QLatin1String("text"))
            check(m, { { "preview", Kind::String } }, QStringLiteral("text message"));
        if (writer == QLatin1String("probe")
            && !(m.value(QStringLiteral("text")).isString() || m.value(QStringLiteral("hex")).isString()))
            problem = QStringLiteral("probe message: neither text nor hex");
    }
    for (const QJsonObject& n : e.notes)
        check(n, c.note, QStringLiteral("note"));
    if (!c.handshake.isEmpty())
        check(e.handshake, c.handshake, QStringLiteral("handshake"));
    check(e.close, c.close, QStringLiteral("close"));
    return problem;
}

QByteArray fromBase64(const QJsonValue& v)
{
    return QByteArray::fromBase64(v.toString().toLatin1());
}

} // namespace

class tst_Events : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writersAgree_data();
    void writersAgree();
    void legacyTranscriptStillReads();
    void stringsEscapeAsRfc8259();
};

void tst_Events::writersAgree_data()
{
    QTest::addColumn<bool>("deflate");
    QTest::addColumn<bool>("serverSide");
    QTest::newRow("plain, server transcript") << false << true;
    QTest::newRow("plain, client transcript") << false << false;
    QTest::newRow("permessage-deflate, server transcript") << true << true;
    QTest::newRow("permessage-deflate, client transcript") << true << false;
}

void tst_Events::writersAgree()
{
    QFETCH(bool, deflate);
    QFETCH(bool, serverSide);
    Conversation c(deflate);
    QVERIFY(c.client.sendMessage(Opcode::Text, "Hello \"caf\u00e9\"\n"));
    c.pump();
    QVERIFY(c.client.sendMessage(Opcode::Binary, QByteArray::fromHex("00ff10ab"), SendOptions { 2, true }));
    QVERIFY(c.client.sendPing("p"));
    c.pump();
    QVERIFY(c.server.sendMessage(Opcode::Text, "fragmented reply", SendOptions { 4, false }));
    c.pump();
    QVERIFY(c.client.sendClose(4000, "done \u2713"));
    c.pump();
    c.client.transportClosed();
    c.server.transportClosed();
    Transcript& t = serverSide ? c.serverTranscript : c.clientTranscript;
    fillHandshake(t);
    t.addNote(c.clock + 1, NoteRecord::Level::Warning, QStringLiteral("a note with \"quotes\"\tand a tab"));
    QVERIFY(t.frames().size() >= 9);
    QVERIFY(t.close().clean);

    const Events file = transcriptWriter(t);
    const Events serve = cliWriter(serveEvents(3), t, true);
    const Events probe = cliWriter(probeEvents(), t, false);

    // Each writer keeps its contract.
    QCOMPARE(checkContract(file, transcriptContract(), QStringLiteral("transcript")), QString());
    QCOMPARE(checkContract(serve, serveContract(), QStringLiteral("serve")), QString());
    QCOMPARE(checkContract(probe, probeContract(), QStringLiteral("probe")), QString());

    // Same event, same value in every field two writers share.
    QCOMPARE(file.frames.size(), t.frames().size());
    QCOMPARE(serve.frames.size(), file.frames.size());
    QCOMPARE(file.messages.size(), t.messages().size());
    QCOMPARE(file.notes.size(), t.notes().size());
    const QList<std::pair<const Events*, const Events*>> pairs { { &file, &serve }, { &file, &probe },
        { &serve, &probe } };
    for (const auto& [a, b] : pairs) {
        for (qsizetype i = 0; i < a->frames.size(); ++i)
            QCOMPARE(sharedFieldsDiffer(a->frames[i], b->frames[i], QStringLiteral("frame %1").arg(i)), QString());
        for (qsizetype i = 0; i < a->messages.size(); ++i)
            QCOMPARE(
                sharedFieldsDiffer(a->messages[i], b->messages[i], QStringLiteral("message %1").arg(i)), QString());
        for (qsizetype i = 0; i < a->notes.size(); ++i)
            QCOMPARE(sharedFieldsDiffer(a->notes[i], b->notes[i], QStringLiteral("note %1").arg(i)), QString());
        QCOMPARE(sharedFieldsDiffer(a->close, b->close, QStringLiteral("close")), QString());
    }
    QCOMPARE(sharedFieldsDiffer(file.handshake, serve.handshake, QStringLiteral("handshake")), QString());

    // The payload forms agree with each other and with the record.
    for (qsizetype i = 0; i < file.frames.size(); ++i) {
        const QByteArray payload = t.framePayload(t.frames().at(i));
        QCOMPARE(fromBase64(file.frames[i].value(QStringLiteral("payload"))), payload);
        const QJsonObject& p = probe.frames[i];
        QCOMPARE(p.contains(QStringLiteral("text"))
                ? p.value(QStringLiteral("text")).toString().toUtf8()
                : QByteArray::fromHex(p.value(QStringLiteral("hex")).toString().toLatin1()),
            payload);
    }
    for (qsizetype i = 0; i < file.messages.size(); ++i) {
        const QByteArray payload = t.messagePayload(t.messages().at(i));
        QCOMPARE(fromBase64(file.messages[i].value(QStringLiteral("payload"))), payload);
        if (serve.messages[i].value(QStringLiteral("type")).toString() == QLatin1String("text"))
            QCOMPARE(
                serve.messages[i].value(QStringLiteral("preview")).toString(), QString::fromUtf8(payload.left(80)));
    }

    // The documented conflicts: each older field keeps its meaning, and the new fields say it unambiguously.
    const CloseRecord& cr = t.close();
    QCOMPARE(fromBase64(file.close.value(QStringLiteral("sentReason"))), cr.sentReason);
    QCOMPARE(probe.close.value(QStringLiteral("sentReason")).toString(), QString::fromUtf8(cr.sentReason));
    QCOMPARE(fromBase64(file.close.value(QStringLiteral("receivedReason"))), cr.receivedReason);
    QCOMPARE(probe.close.value(QStringLiteral("receivedReason")).toString(), QString::fromUtf8(cr.receivedReason));
    QCOMPARE(file.close.value(QStringLiteral("sentReasonText")).toString(), QString::fromUtf8(cr.sentReason));
    QCOMPARE(fromBase64(file.close.value(QStringLiteral("sentReasonBase64"))), cr.sentReason);
    QCOMPARE(file.close.value(QStringLiteral("code")).toInt(), int(cr.effectiveCode()));
    QCOMPARE(probe.close.value(QStringLiteral("code")).toInt(), int(cr.effectiveCode()));
    QCOMPARE(file.close.value(QStringLiteral("effectiveCode")).toInt(), int(cr.effectiveCode()));
    QCOMPARE(serve.close.value(QStringLiteral("code")).toInt(), 4000); // the client started the closing handshake
    QCOMPARE(serve.close.value(QStringLiteral("code")), serve.close.value(QStringLiteral("initiatorCode")));
    QCOMPARE(serve.close.value(QStringLiteral("reason")), serve.close.value(QStringLiteral("initiatorReason")));
    QCOMPARE(serve.close.value(QStringLiteral("reason")).toString(), QStringLiteral("done \u2713"));
    QCOMPARE(file.close.value(QStringLiteral("initiator")).toString(),
        serverSide ? QStringLiteral("remote") : QStringLiteral("local"));
    QCOMPARE(file.close.value(QStringLiteral("initiator")), file.close.value(QStringLiteral("initiatorSide")));
    QCOMPARE(serve.close.value(QStringLiteral("initiator")).toString(),
        serverSide ? QStringLiteral("client") : QStringLiteral("server"));
    QCOMPARE(fromBase64(file.handshake.value(QStringLiteral("protocol"))), QByteArray("chat"));
    QCOMPARE(serve.handshake.value(QStringLiteral("protocol")).toString(), QStringLiteral("chat"));
    QCOMPARE(serve.handshake.value(QStringLiteral("protocol")), file.handshake.value(QStringLiteral("protocolText")));
    QCOMPARE(
        serve.handshake.value(QStringLiteral("extensions")), file.handshake.value(QStringLiteral("extensionsText")));
    // serve lists the findings that are not "pass", each the same object as in the transcript.
    const QJsonArray all = file.handshake.value(QStringLiteral("findings")).toArray();
    const QJsonArray notPass = serve.handshake.value(QStringLiteral("findings")).toArray();
    QCOMPARE(all.size(), 2);
    QCOMPARE(notPass.size(), 1);
    QCOMPARE(notPass.at(0), all.at(1));
    for (const char* key : { "id", "severity", "message" })
        QVERIFY2(notPass.at(0).toObject().value(QLatin1String(key)).isString(), key);
}

void tst_Events::legacyTranscriptStillReads()
{
    // A file as written before the one vocabulary (only the older fields): it must load, and its export keeps
    // every one of those fields with the same value.
    const QByteArray legacy
        = R"({"droppedBytes":0,"event":"transcript","frames":2,"messages":1,"payloadBudget":1073741824,"version":1})"
          "\n"
          R"({"event":"handshake","extensions":"","findings":[{"header":"","id":"response.accept","message":"ok","result":"pass","rfc":"RFC 6455 §4.1"}],"protocol":"Y2hhdA==","rawRequest":"R0VUIC8gSFRUUC8xLjENCg0K","rawResponse":"SFRUUC8xLjEgMTAxIFN3aXRjaGluZyBQcm90b2NvbHMNCg0K","requestTimeUs":5,"responseTimeUs":6,"status":101,"trace":["one"]})"
          "\n"
          R"({"dir":"out","event":"frame","fin":true,"headerSize":6,"index":0,"kept":2,"length":2,"lengthBits":7,"maskKey":"01020304","masked":true,"message":0,"opcode":1,"payload":"aGk=","rsv1":false,"rsv2":false,"rsv3":false,"timeUs":10})"
          "\n"
          R"({"compressed":false,"dir":"out","event":"message","firstFrame":0,"frameCount":1,"index":0,"kept":2,"length":2,"opcode":1,"payload":"aGk=","timeUs":10,"wireBytes":2})"
          "\n"
          R"({"event":"note","level":"warning","text":"careful","timeUs":11})"
          "\n"
          R"({"dir":"in","event":"frame","fin":true,"headerSize":2,"index":1,"kept":5,"length":5,"lengthBits":7,"masked":false,"message":-1,"opcode":8,"payload":"A+hieWU=","rsv1":false,"rsv2":false,"rsv3":false,"timeUs":20})"
          "\n"
          R"({"clean":true,"closedTimeUs":30,"code":1000,"event":"close","initiator":"remote","receivedCode":1000,"receivedReason":"Ynll","sentCode":1000,"sentReason":"","sentTimeUs":25,"receivedTimeUs":20})"
          "\n";
    Transcript t;
    QString error;
    QVERIFY2(transcriptFromJsonLines(legacy, t, &error), qPrintable(error));
    QCOMPARE(t.frames().size(), 2);
    QCOMPARE(t.close().receivedReason, QByteArray("bye"));
    const QByteArray exported = transcriptToJsonLines(t);
    QList<QJsonObject> before, after;
    for (const QByteArray& line : legacy.split('\n'))
        if (!line.isEmpty())
            before.append(parse(line));
    for (const QByteArray& line : exported.split('\n'))
        if (!line.isEmpty())
            after.append(parse(line));
    QCOMPARE(after.size(), before.size());
    for (qsizetype i = 0; i < before.size(); ++i) {
        for (auto it = before[i].begin(); it != before[i].end(); ++it) {
            if (it.key() == QLatin1String("findings")) { // the objects gained "severity"
                const QJsonObject now = after[i].value(it.key()).toArray().at(0).toObject();
                const QJsonObject then = it.value().toArray().at(0).toObject();
                for (auto field = then.begin(); field != then.end(); ++field)
                    QCOMPARE(now.value(field.key()), field.value());
                continue;
            }
            QVERIFY2(after[i].value(it.key()) == it.value(),
                qPrintable(QStringLiteral("line %1, field %2").arg(i + 1).arg(it.key())));
        }
    }
    // And the new file reads back to the same transcript.
    Transcript back;
    QVERIFY2(transcriptFromJsonLines(exported, back, &error), qPrintable(error));
    QCOMPARE(transcriptDifference(t, back), QString());
}

void tst_Events::stringsEscapeAsRfc8259()
{
    QByteArray all;
    for (int c = 0; c < 0x80; ++c)
        all.append(char(c));
    all += "caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x98\x80";
    QByteArray out = "[";
    appendJsonString(out, all);
    out += ',';
    const QByteArray invalid("a\xff"
                             "b\xc3",
        4);
    appendJsonText(out, invalid);
    out += ']';
    QJsonParseError error;
    const QJsonArray parsed = QJsonDocument::fromJson(out, &error).array();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(parsed.at(0).toString(), QString::fromUtf8(all));
    QCOMPARE(parsed.at(1).toString(), QString::fromUtf8(invalid));
}

QTEST_GUILESS_MAIN(tst_Events)
#include "tst_events.moc"
