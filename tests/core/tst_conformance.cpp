// The protocol conformance suite: a case table in the spirit of the Autobahn groups (framing,
// ping/pong, reserved bits and opcodes, fragmentation, UTF-8, close, big messages,
// permessage-deflate), each case stating what the RFC requires: an echo, a close with a given code,
// or failing fast at a given point. Every case runs in both directions at the Endpoint level: a
// server-role Endpoint fed masked client frames, and a client-role Endpoint fed unmasked server
// frames. The application on top echoes every message, as the echo server does.
//
// The wire bytes are written by a frame writer of this file and compressed with zlib directly;
// what the Endpoint writes back is read with a reader of this file. Neither uses the code under test.
// A summary table (passed / non-strict / failed per group) is printed at the end.
#include "core/deflatenegotiation.h"
#include "core/endpoint.h"
#include "core/extensions.h"
#include "core/framerules.h"
#include "engine/echoserver.h"

#include <QEventLoop>
#include <QHostAddress>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>
#include <array>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <vector>
#include <zlib.h>

using namespace wsi;

namespace
{

// ---- independent wire writer -------------------------------------------------------------------

struct FrameSpec {
    quint8 opcode = 1;
    QByteArray payload;
    bool fin = true;
    quint8 rsv = 0; // the 3-bit RSV field: 4 = RSV1, 2 = RSV2, 1 = RSV3
    int lengthBytes = -1; // force 0, 2 or 8 extended length bytes; -1 = minimal
    std::optional<quint64> declaredLength;
    bool wrongMasking = false; // masked to a client / unmasked to a server
};

QByteArray writeFrame(const FrameSpec& f, bool masked, quint32 keySeed)
{
    QByteArray out;
    out.append(char((f.fin ? 0x80 : 0) | ((f.rsv & 7) << 4) | (f.opcode & 0x0F)));
    const quint64 length = f.declaredLength.value_or(quint64(f.payload.size()));
    const int lengthBytes = f.lengthBytes >= 0 ? f.lengthBytes : length < 126 ? 0 : length < 65536 ? 2 : 8;
    quint8 second = masked ? 0x80 : 0;
    second |= lengthBytes == 0 ? quint8(length & 0x7F) : lengthBytes == 2 ? 126 : 127;
    out.append(char(second));
    for (int i = lengthBytes - 1; i >= 0; --i)
        out.append(char((length >> (8 * i)) & 0xFF));
    if (!masked)
        return out + f.payload;
    const quint8 key[4] = { quint8(0x37 ^ keySeed), quint8(0xfa + keySeed), 0x21, quint8(0x3d ^ (keySeed >> 8)) };
    out.append(reinterpret_cast<const char*>(key), 4);
    const qsizetype start = out.size();
    out.append(f.payload);
    char* p = out.data() + start;
    for (qsizetype i = 0; i < f.payload.size(); ++i)
        p[i] = char(quint8(p[i]) ^ key[i % 4]);
    return out;
}

// Raw DEFLATE with a sync flush, trailing 00 00 ff ff removed (RFC 7692 §7.2.1), via zlib itself.
class ZDeflater
{
public:
    ZDeflater(int windowBits, bool noContextTakeover)
        : m_reset(noContextTakeover)
    {
        m_ok = deflateInit2(&m_z, 6, Z_DEFLATED, -windowBits, 8, Z_DEFAULT_STRATEGY) == Z_OK;
    }
    ~ZDeflater() { deflateEnd(&m_z); }
    ZDeflater(const ZDeflater&) = delete;
    ZDeflater& operator=(const ZDeflater&) = delete;

    QByteArray compress(const QByteArray& message)
    {
        QByteArray out;
        m_z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.constData()));
        m_z.avail_in = uInt(message.size());
        char buffer[16384];
        do {
            m_z.next_out = reinterpret_cast<Bytef*>(buffer);
            m_z.avail_out = sizeof buffer;
            deflate(&m_z, Z_SYNC_FLUSH);
            out.append(buffer, qsizetype(sizeof buffer - m_z.avail_out));
        } while (m_z.avail_out == 0);
        if (m_reset)
            deflateReset(&m_z);
        out.chop(4);
        return out;
    }
    bool ok() const { return m_ok; }

private:
    z_stream m_z {};
    bool m_reset = false;
    bool m_ok = false;
};

class ZInflater
{
public:
    ZInflater(int windowBits, bool noContextTakeover)
        : m_reset(noContextTakeover)
    {
        inflateInit2(&m_z, -windowBits);
    }
    ~ZInflater() { inflateEnd(&m_z); }
    ZInflater(const ZInflater&) = delete;
    ZInflater& operator=(const ZInflater&) = delete;

    std::optional<QByteArray> inflateMessage(QByteArray compressed)
    {
        compressed.append("\x00\x00\xff\xff", 4);
        QByteArray out;
        m_z.next_in = reinterpret_cast<Bytef*>(compressed.data());
        m_z.avail_in = uInt(compressed.size());
        char buffer[16384];
        do {
            m_z.next_out = reinterpret_cast<Bytef*>(buffer);
            m_z.avail_out = sizeof buffer;
            const int rc = inflate(&m_z, Z_SYNC_FLUSH);
            if (rc != Z_OK && rc != Z_BUF_ERROR && rc != Z_STREAM_END)
                return std::nullopt;
            out.append(buffer, qsizetype(sizeof buffer - m_z.avail_out));
        } while (m_z.avail_in > 0 || m_z.avail_out == 0);
        if (m_reset)
            inflateReset(&m_z);
        return out;
    }

private:
    z_stream m_z {};
    bool m_reset = false;
};

// ---- what the endpoint writes back, read independently ------------------------------------------

struct OutEvent {
    enum Kind { Message, Ping, Pong, Close } kind = Message;
    quint8 opcode = 0;
    QByteArray payload;
    std::optional<quint16> code; // Close: absent for an empty close payload
    bool operator==(const OutEvent& o) const
    {
        return kind == o.kind && opcode == o.opcode && payload == o.payload && code == o.code;
    }
};

QString describe(const OutEvent& e)
{
    switch (e.kind) {
    case OutEvent::Message:
        return QStringLiteral("%1 message of %2 bytes").arg(e.opcode == 1 ? "text" : "binary").arg(e.payload.size());
    case OutEvent::Ping:
        return QStringLiteral("ping(%1 bytes)").arg(e.payload.size());
    case OutEvent::Pong:
        return QStringLiteral("pong(%1 bytes)").arg(e.payload.size());
    case OutEvent::Close:
        return e.code ? QStringLiteral("close %1").arg(*e.code) : QStringLiteral("close (no code)");
    }
    return {};
}

QString describe(const QList<OutEvent>& events)
{
    QStringList parts;
    for (const OutEvent& e : events)
        parts << describe(e);
    return QLatin1Char('[') + parts.join(QStringLiteral(", ")) + QLatin1Char(']');
}

// Parses every frame the endpoint wrote: masking as its role requires, control frames short and
// unfragmented, compressed messages inflated with exactly the window and context rules it agreed to.
std::optional<QList<OutEvent>> readOutput(
    const QByteArray& wire, Role writer, const std::optional<DeflateParams>& deflate, QString& error)
{
    QList<OutEvent> events;
    std::unique_ptr<ZInflater> inflater;
    if (deflate)
        inflater = std::make_unique<ZInflater>(deflate->windowBitsFor(writer), deflate->noContextTakeoverFor(writer));
    const auto* p = reinterpret_cast<const quint8*>(wire.constData());
    qsizetype pos = 0;
    QByteArray message;
    quint8 messageOpcode = 0;
    bool open = false, compressed = false;
    while (pos < wire.size()) {
        if (wire.size() - pos < 2)
            return error = QStringLiteral("output ends inside a frame header"), std::nullopt;
        const bool fin = p[pos] & 0x80;
        const quint8 rsv = (p[pos] >> 4) & 7;
        const quint8 opcode = p[pos] & 0x0F;
        const bool masked = p[pos + 1] & 0x80;
        quint64 length = p[pos + 1] & 0x7F;
        pos += 2;
        const int extra = length == 126 ? 2 : length == 127 ? 8 : 0;
        if (extra) {
            if (wire.size() - pos < extra)
                return error = QStringLiteral("output ends inside a length"), std::nullopt;
            length = 0;
            for (int i = 0; i < extra; ++i)
                length = (length << 8) | p[pos + i];
            pos += extra;
        }
        if (masked != (writer == Role::Client))
            return error = QStringLiteral("the endpoint wrote a frame with the wrong masking"), std::nullopt;
        quint8 key[4] = {};
        if (masked) {
            if (wire.size() - pos < 4)
                return error = QStringLiteral("output ends inside a mask key"), std::nullopt;
            std::memcpy(key, p + pos, 4);
            pos += 4;
        }
        if (quint64(wire.size() - pos) < length)
            return error = QStringLiteral("output ends inside a payload"), std::nullopt;
        QByteArray payload(reinterpret_cast<const char*>(p + pos), qsizetype(length));
        pos += qsizetype(length);
        for (qsizetype i = 0; masked && i < payload.size(); ++i)
            payload[i] = char(quint8(payload[i]) ^ key[i % 4]);
        if (opcode & 0x08) {
            if (!fin || length > 125 || rsv)
                return error = QStringLiteral("the endpoint wrote an invalid control frame"), std::nullopt;
            OutEvent e;
            if (opcode == 8) {
                e.kind = OutEvent::Close;
                if (payload.size() >= 2)
                    e.code = quint16((quint8(payload[0]) << 8) | quint8(payload[1]));
                else if (payload.size() == 1)
                    return error = QStringLiteral("the endpoint wrote a 1-byte close payload"), std::nullopt;
            } else if (opcode == 9 || opcode == 10) {
                e.kind = opcode == 9 ? OutEvent::Ping : OutEvent::Pong;
                e.payload = payload;
            } else {
                return error = QStringLiteral("the endpoint wrote reserved opcode %1").arg(opcode), std::nullopt;
            }
            events.append(e);
            continue;
        }
        if (opcode != 0) {
            if (open)
                return error = QStringLiteral("the endpoint interleaved two data messages"), std::nullopt;
            if (opcode != 1 && opcode != 2)
                return error = QStringLiteral("the endpoint wrote reserved opcode %1").arg(opcode), std::nullopt;
            open = true;
            messageOpcode = opcode;
            compressed = rsv & 4;
            message.clear();
            if ((rsv & 3) || (compressed && !deflate))
                return error = QStringLiteral("the endpoint set RSV bits it may not set"), std::nullopt;
        } else if (!open || rsv) {
            return error = QStringLiteral("the endpoint wrote a stray or RSV-marked continuation"), std::nullopt;
        }
        message.append(payload);
        if (!fin)
            continue;
        open = false;
        OutEvent e;
        e.opcode = messageOpcode;
        if (compressed) {
            const std::optional<QByteArray> plain = inflater->inflateMessage(message);
            if (!plain)
                return error = QStringLiteral("the endpoint's compressed message does not inflate with the agreed "
                                              "window and context rules"),
                       std::nullopt;
            e.payload = *plain;
        } else {
            e.payload = message;
        }
        events.append(e);
    }
    if (open)
        return error = QStringLiteral("the endpoint left a message unfinished"), std::nullopt;
    return events;
}

// ---- UTF-8, judged by a decoder written from the RFC 3629 §4 table ------------------------------

// Index of the first byte after which `bytes` can never become valid UTF-8; -1 when it is valid or
// only cut short at the end (`truncated` then says which).
qsizetype utf8FirstInvalid(const QByteArray& bytes, bool* truncated = nullptr)
{
    const auto* b = reinterpret_cast<const quint8*>(bytes.constData());
    qsizetype i = 0;
    if (truncated)
        *truncated = false;
    while (i < bytes.size()) {
        const quint8 lead = b[i];
        int need = 0;
        quint8 lo = 0x80, hi = 0xBF;
        if (lead < 0x80)
            need = 0;
        else if (lead >= 0xC2 && lead <= 0xDF)
            need = 1;
        else if (lead == 0xE0)
            need = 2, lo = 0xA0;
        else if ((lead >= 0xE1 && lead <= 0xEC) || lead == 0xEE || lead == 0xEF)
            need = 2;
        else if (lead == 0xED)
            need = 2, hi = 0x9F;
        else if (lead == 0xF0)
            need = 3, lo = 0x90;
        else if (lead >= 0xF1 && lead <= 0xF3)
            need = 3;
        else if (lead == 0xF4)
            need = 3, hi = 0x8F;
        else
            return i;
        for (int k = 1; k <= need; ++k) {
            if (i + k >= bytes.size()) {
                if (truncated)
                    *truncated = true;
                return -1;
            }
            const quint8 c = b[i + k];
            if (c < (k == 1 ? lo : 0x80) || c > (k == 1 ? hi : 0xBF))
                return i + k;
        }
        i += need + 1;
    }
    return -1;
}

bool utf8Valid(const QByteArray& bytes)
{
    bool truncated = false;
    return utf8FirstInvalid(bytes, &truncated) < 0 && !truncated;
}

// ---- the case table ----------------------------------------------------------------------------

// One thing the test peer sends: a frame, or a whole message compressed (and maybe fragmented).
struct Step {
    FrameSpec frame;
    bool deflateMessage = false;
    int fragments = 1; // deflateMessage: the compressed payload split over this many frames
};

struct Case {
    QString group;
    QString id;
    QString title;
    std::vector<Step> steps;
    // How the bytes reach the endpoint: 0 all at once, -1 one read per step, n > 0 reads of n bytes.
    qsizetype chop = 0;
    QList<OutEvent> expected; // everything the endpoint must write back, in order
    // Fail cases: the close code; the step whose bytes must trigger the failure, and (strict) the
    // byte inside that step after which it should already be known. Later than the strict byte but
    // within the step counts as non-strict, as the Autobahn suite grades it.
    std::optional<quint16> failCode;
    int failStep = -1;
    qsizetype strictPayloadBytes = -1; // payload bytes of the step after which it is strict; -1: the whole step
    bool strictRequired = false; // failing later than strict fails the case (not graded non-strict)
    // Reads ending inside the first step's payload, at these payload offsets (then the rest in one read);
    // when set, instead of `chop`.
    std::vector<qsizetype> payloadCuts;
    std::optional<QByteArray> deflateOffer; // permessage-deflate negotiated from this offer
    AssemblerLimits assembler {};
    DecoderLimits decoder {};
    bool peerClosesAtEnd = true; // clean cases: a close 1000 from the peer ends the case
    // Big cases fill steps and expected only when they run, so the table stays small in memory.
    std::function<void(Case&)> fill;
};

OutEvent echo(quint8 opcode, const QByteArray& payload)
{
    return OutEvent { OutEvent::Message, opcode, payload, {} };
}
OutEvent pong(const QByteArray& payload)
{
    return OutEvent { OutEvent::Pong, 0, payload, {} };
}
OutEvent closeWith(std::optional<quint16> code)
{
    return OutEvent { OutEvent::Close, 0, {}, code };
}

Step frame(quint8 opcode, const QByteArray& payload, bool fin = true, quint8 rsv = 0)
{
    Step s;
    s.frame.opcode = opcode;
    s.frame.payload = payload;
    s.frame.fin = fin;
    s.frame.rsv = rsv;
    return s;
}
Step text(const QByteArray& payload, bool fin = true)
{
    return frame(1, payload, fin);
}
Step binary(const QByteArray& payload, bool fin = true)
{
    return frame(2, payload, fin);
}
Step cont(const QByteArray& payload, bool fin = true)
{
    return frame(0, payload, fin);
}
Step ping(const QByteArray& payload = {})
{
    return frame(9, payload);
}
Step pongFrame(const QByteArray& payload = {})
{
    return frame(10, payload);
}
Step closeFrame(const QByteArray& payload)
{
    return frame(8, payload);
}
Step deflated(quint8 opcode, const QByteArray& message, int fragments = 1)
{
    Step s = frame(opcode, message);
    s.deflateMessage = true;
    s.fragments = fragments;
    return s;
}
QByteArray closePayload(quint16 code, const QByteArray& reason = {})
{
    QByteArray p;
    p.append(char(code >> 8)).append(char(code & 0xFF));
    return p + reason;
}

QByteArray filled(qsizetype size, char c = '*')
{
    return QByteArray(size, c);
}
QByteArray pattern(qsizetype size)
{
    static const QByteArray unit = "BAsd7&jh23";
    QByteArray out;
    out.reserve(size);
    while (out.size() < size)
        out.append(unit.first(std::min(unit.size(), size - out.size())));
    return out;
}
QByteArray binaryPattern(qsizetype size)
{
    QByteArray out(size, Qt::Uninitialized);
    quint32 x = 0x12345678;
    for (qsizetype i = 0; i < size; ++i) {
        x = x * 1103515245u + 12345u;
        out[i] = char(x >> 24);
    }
    return out;
}
// Compressible but not trivial text, like chat traffic: words picked by a fixed generator.
QByteArray wordText(qsizetype size, quint32 seed)
{
    static const char* const words[] = { "hello", "world", "frame", "socket", "deflate", "message", "the", "of",
        "κόσμε", "inspector", "ping", "window", "{\"id\":", "42},", "server", "client" };
    QByteArray out;
    quint32 x = seed * 2654435761u + 1;
    while (out.size() < size) {
        x = x * 1103515245u + 12345u;
        out.append(words[(x >> 16) % 16]).append(' ');
    }
    out.truncate(size);
    // Never end inside a multi-byte character: the text must stay valid UTF-8.
    while (!utf8Valid(out))
        out.chop(1);
    return out;
}

// The table. Expectations name what RFC 6455 / RFC 7692 require; ids follow the Autobahn numbering
// where a case has an Autobahn counterpart.
std::vector<Case> buildCases()
{
    std::vector<Case> cases;
    auto add = [&cases](Case c) { cases.push_back(std::move(c)); };
    auto echoCase = [&](QString group, QString id, QString title, std::vector<Step> steps, QList<OutEvent> expected,
                        qsizetype chop = 0) {
        Case c;
        c.group = std::move(group);
        c.id = std::move(id);
        c.title = std::move(title);
        c.steps = std::move(steps);
        c.expected = std::move(expected);
        c.chop = chop;
        add(std::move(c));
    };
    // Fails with `code` once step `failStep` (default: the last) has arrived.
    auto failCase = [&](QString group, QString id, QString title, std::vector<Step> steps, QList<OutEvent> before,
                        quint16 code, int failStep = -1) {
        Case c;
        c.group = std::move(group);
        c.id = std::move(id);
        c.title = std::move(title);
        c.failStep = failStep >= 0 ? failStep : int(steps.size()) - 1;
        c.steps = std::move(steps);
        c.expected = std::move(before);
        c.expected.append(closeWith(code));
        c.failCode = code;
        add(std::move(c));
    };

    // 1 framing: payload sizes around each length form, whole and chopped.
    const qsizetype sizes[] = { 0, 125, 126, 127, 128, 65535, 65536 };
    int n = 1;
    for (qsizetype size : sizes) {
        echoCase("1", QStringLiteral("1.1.%1").arg(n), QStringLiteral("text, %1 bytes").arg(size),
            { text(filled(size)) }, { echo(1, filled(size)) });
        echoCase("1", QStringLiteral("1.2.%1").arg(n), QStringLiteral("binary, %1 bytes").arg(size),
            { binary(binaryPattern(size)) }, { echo(2, binaryPattern(size)) });
        ++n;
    }
    echoCase(
        "1", "1.1.8", "text, 65536 bytes in 997-byte reads", { text(filled(65536)) }, { echo(1, filled(65536)) }, 997);
    echoCase("1", "1.2.8", "binary, 65536 bytes in 997-byte reads", { binary(binaryPattern(65536)) },
        { echo(2, binaryPattern(65536)) }, 997);
    echoCase("1", "1.3.1", "text, 200 bytes one byte per read", { text(pattern(200)) }, { echo(1, pattern(200)) }, 1);
    echoCase("1", "1.3.2", "three frames in one read", { text("a"), binary("b"), text("c") },
        { echo(1, "a"), echo(2, "b"), echo(1, "c") });
    {
        Step s = text("Hello");
        s.frame.lengthBytes = 2;
        failCase("1", "1.4.1", "length 5 written in the 16-bit form (not minimal)", { s }, {}, 1002);
        Step t = binary(filled(300));
        t.frame.lengthBytes = 8;
        failCase("1", "1.4.2", "length 300 written in the 64-bit form (not minimal)", { t }, {}, 1002);
        Step u = binary({});
        u.frame.lengthBytes = 8;
        u.frame.declaredLength = quint64(1) << 63;
        failCase("1", "1.4.3", "64-bit length with the top bit set (2^63)", { u }, {}, 1002);
        Step w = text("Hello");
        w.frame.wrongMasking = true;
        failCase("1", "1.4.4", "masking the wrong way for the direction (RFC 6455 §5.1)", { w }, {}, 1002);
        Step v = binary({});
        v.frame.declaredLength = 65 << 20;
        failCase("1", "1.4.5", "frame declaring 65 MiB, above the 64 MiB frame limit", { v }, {}, 1009);
    }

    // 2 ping/pong.
    echoCase("2", "2.1", "ping without payload", { ping() }, { pong({}) });
    echoCase("2", "2.2", "ping with text payload", { ping("Hello, world!") }, { pong("Hello, world!") });
    echoCase("2", "2.3", "ping with binary payload", { ping(binaryPattern(8)) }, { pong(binaryPattern(8)) });
    echoCase("2", "2.4", "ping with 125-byte payload", { ping(filled(125, 'x')) }, { pong(filled(125, 'x')) });
    failCase("2", "2.5", "ping with 126-byte payload", { ping(filled(126, 'x')) }, {}, 1002);
    echoCase("2", "2.6", "ping with 125-byte payload one byte per read", { ping(filled(125, 'y')) },
        { pong(filled(125, 'y')) }, 1);
    echoCase("2", "2.7", "unsolicited pong without payload", { pongFrame() }, {});
    echoCase("2", "2.8", "unsolicited pong with payload", { pongFrame("unsolicited") }, {});
    echoCase("2", "2.9", "unsolicited pong, then ping", { pongFrame("x"), ping("y") }, { pong("y") });
    {
        std::vector<Step> pings;
        QList<OutEvent> pongs;
        for (int i = 0; i < 10; ++i) {
            pings.push_back(ping(QByteArray::number(i)));
            pongs.append(pong(QByteArray::number(i)));
        }
        echoCase("2", "2.10", "10 pings", pings, pongs);
        echoCase("2", "2.11", "10 pings, one read each", pings, pongs, -1);
    }

    // 3 reserved bits (no extension negotiated).
    const struct {
        const char* id;
        quint8 opcode;
        quint8 rsv;
    } reserved[] = { { "3.1", 1, 1 }, { "3.2", 1, 2 }, { "3.3", 1, 3 }, { "3.4", 1, 4 }, { "3.5", 2, 5 },
        { "3.6", 9, 6 }, { "3.7", 8, 7 } };
    for (const auto& r : reserved) {
        failCase("3", r.id,
            QStringLiteral("text echoed, then %1 frame with RSV = %2, then ping").arg(opcodeName(r.opcode)).arg(r.rsv),
            { text("Hello"), frame(r.opcode, r.opcode == 8 ? closePayload(1000) : QByteArray("bad"), true, r.rsv),
                ping() },
            { echo(1, "Hello") }, 1002, 1);
    }
    failCase(
        "3", "3.8", "RSV1 on a continuation (no extension)", { text("a", false), frame(0, "b", true, 4) }, {}, 1002);

    // 4 reserved opcodes.
    int k = 1;
    for (quint8 op : { 3, 4, 5, 6, 7 }) {
        failCase("4", QStringLiteral("4.1.%1").arg(k), QStringLiteral("opcode %1, then ping").arg(op),
            { text("Hello"), frame(op, k % 2 ? QByteArray() : QByteArray("reserved")), ping() }, { echo(1, "Hello") },
            1002, 1);
        ++k;
    }
    k = 1;
    for (quint8 op : { 11, 12, 13, 14, 15 }) {
        failCase("4", QStringLiteral("4.2.%1").arg(k), QStringLiteral("opcode %1, then ping").arg(op),
            { text("Hello"), frame(op, k % 2 ? QByteArray() : QByteArray("reserved")), ping() }, { echo(1, "Hello") },
            1002, 1);
        ++k;
    }

    // 5 fragmentation.
    {
        Step p1 = frame(9, "frag", false);
        failCase("5", "5.1", "ping in two fragments", { p1, cont("ment") }, {}, 1002, 0);
        Step q1 = frame(10, "frag", false);
        failCase("5", "5.2", "pong in two fragments", { q1, cont("ment") }, {}, 1002, 0);
        echoCase("5", "5.3", "text in two fragments", { text("frag", false), cont("ment") }, { echo(1, "fragment") });
        echoCase("5", "5.4", "text in two fragments, one read each", { text("frag", false), cont("ment") },
            { echo(1, "fragment") }, -1);
        echoCase("5", "5.5", "text in two fragments, one byte per read", { text("frag", false), cont("ment") },
            { echo(1, "fragment") }, 1);
        echoCase("5", "5.6", "text in two fragments with a ping between",
            { text("frag", false), ping("p"), cont("ment") }, { pong("p"), echo(1, "fragment") });
        echoCase("5", "5.7", "as 5.6, one read each", { text("frag", false), ping("p"), cont("ment") },
            { pong("p"), echo(1, "fragment") }, -1);
        echoCase("5", "5.8", "as 5.6, one byte per read", { text("frag", false), ping("p"), cont("ment") },
            { pong("p"), echo(1, "fragment") }, 1);
        failCase("5", "5.9", "continuation with FIN and nothing to continue, then text",
            { cont("orphan"), text("Hello") }, {}, 1002, 0);
        failCase("5", "5.10", "as 5.9, one read each", { cont("orphan"), text("Hello") }, {}, 1002, 0);
        cases.back().chop = -1;
        failCase("5", "5.11", "as 5.9, one byte per read", { cont("orphan"), text("Hello") }, {}, 1002, 0);
        cases.back().chop = 1;
        failCase("5", "5.12", "continuation without FIN and nothing to continue",
            { cont("orphan", false), text("Hello") }, {}, 1002, 0);
        failCase("5", "5.15", "text in two fragments, then an orphan continuation, then text",
            { text("frag", false), cont("ment"), cont("orphan", false), text("Hello") }, { echo(1, "fragment") }, 1002,
            2);
        failCase("5", "5.16", "three times: continuation, text (no FIN), continuation (FIN)",
            { cont("a", false), text("b", false), cont("c") }, {}, 1002, 0);
        failCase("5", "5.17", "three times: continuation (FIN), text (no FIN), continuation (FIN)",
            { cont("a"), text("b", false), cont("c") }, {}, 1002, 0);
        failCase("5", "5.18", "text in two fragments, both with opcode text", { text("frag", false), text("ment") }, {},
            1002, 1);
        failCase("5", "5.18b", "text fragment interrupted by a binary frame",
            { text("frag", false), binary("x"), cont("ment") }, {}, 1002, 1);
        std::vector<Step> five;
        QList<OutEvent> fiveOut;
        for (int i = 0; i < 5; ++i) {
            five.push_back(i == 0 ? text("f0", false) : cont(QByteArray("f") + char('0' + i), i == 4));
            if (i < 4) {
                five.push_back(ping(QByteArray("p") + char('0' + i)));
                fiveOut.append(pong(QByteArray("p") + char('0' + i)));
            }
        }
        fiveOut.append(echo(1, "f0f1f2f3f4"));
        echoCase("5", "5.19", "text in five fragments with pings between", five, fiveOut);
        echoCase("5", "5.20", "as 5.19, one read each", five, fiveOut, -1);
        echoCase("5", "5.21", "empty fragments", { text({}, false), cont({}, false), cont("x", false), cont({}) },
            { echo(1, "x") });
        Case mid;
        mid.group = "5";
        mid.id = "5.22";
        mid.title = "close in the middle of a fragmented message";
        mid.steps = { text("frag", false), closeFrame(closePayload(1000)) };
        mid.expected = { closeWith(1000) };
        mid.peerClosesAtEnd = false;
        add(mid);
        Case cap;
        cap.group = "5";
        cap.id = "5.23";
        cap.title = "more fragments than the limit (16)";
        cap.assembler.maxFragments = 16;
        for (int i = 0; i < 17; ++i)
            cap.steps.push_back(i == 0 ? text("x", false) : cont("x", i == 16));
        cap.expected = { closeWith(1009) };
        cap.failCode = 1009;
        cap.failStep = 16;
        add(cap);
    }

    // 6 UTF-8.
    echoCase("6", "6.1.1", "empty text", { text({}) }, { echo(1, {}) });
    echoCase("6", "6.1.2", "empty text in three empty fragments", { text({}, false), cont({}, false), cont({}) },
        { echo(1, {}) });
    echoCase("6", "6.1.3", "text in three fragments, only the middle one non-empty",
        { text({}, false), cont("middle", false), cont({}) }, { echo(1, "middle") });
    const QList<QPair<QByteArray, QByteArray>> valid = {
        { "Hello-µ@ßöäüàá-UTF-8!!", "6.2/6.5 mixed" },
        { "κόσμε", "6.5.1 κόσμε" },
        { QByteArray::fromHex("00"), "6.7.1 first 1-byte U+0000" },
        { QByteArray::fromHex("c280"), "6.7.2 first 2-byte U+0080" },
        { QByteArray::fromHex("e0a080"), "6.7.3 first 3-byte U+0800" },
        { QByteArray::fromHex("f0908080"), "6.7.4 first 4-byte U+10000" },
        { QByteArray::fromHex("7f"), "6.8.1 last 1-byte U+007F" },
        { QByteArray::fromHex("dfbf"), "6.8.2 last 2-byte U+07FF" },
        { QByteArray::fromHex("efbfbf"), "6.8.3 last 3-byte U+FFFF" },
        { QByteArray::fromHex("f48fbfbf"), "6.8.4 last 4-byte U+10FFFF" },
        { QByteArray::fromHex("ed9fbf"), "6.9.1 U+D7FF (below surrogates)" },
        { QByteArray::fromHex("ee8080"), "6.9.2 U+E000 (above surrogates)" },
        { QByteArray::fromHex("efbfbd"), "6.9.3 U+FFFD" },
        { QByteArray::fromHex("efbfbe"), "6.22 noncharacter U+FFFE (valid UTF-8)" },
        { QByteArray::fromHex("f09fbfbe"), "6.22 noncharacter U+1FFFE" },
        { QByteArray::fromHex("f48fbfbe"), "6.22 noncharacter U+10FFFE" },
        { QByteArray::fromHex("efbbbf") + "BOM", "6.23 byte order mark" },
    };
    const QList<QPair<QByteArray, QByteArray>> invalid = {
        { "κόσμε-edited" + QByteArray::fromHex("eda080") + "edited", "6.3 valid text with a surrogate inside" },
        { QByteArray::fromHex("80"), "6.12 lone continuation 80" },
        { QByteArray::fromHex("bf"), "6.12 lone continuation BF" },
        { QByteArray::fromHex("80bf80bf"), "6.12 continuations only" },
        { QByteArray::fromHex("c020"), "6.13 lonely start C0 then space" },
        { QByteArray::fromHex("e020"), "6.13 lonely start E0 then space" },
        { QByteArray::fromHex("f020"), "6.13 lonely start F0 then space" },
        { QByteArray::fromHex("f8888080"), "6.13 5-byte lead F8" },
        { QByteArray::fromHex("fc84808080"), "6.13 6-byte lead FC" },
        { QByteArray::fromHex("c2"), "6.14 truncated 2-byte" },
        { QByteArray::fromHex("e0a0"), "6.14 truncated 3-byte" },
        { QByteArray::fromHex("f09080"), "6.14 truncated 4-byte" },
        { "abc" + QByteArray::fromHex("efbf"), "6.14 truncated at the end of a longer text" },
        { QByteArray::fromHex("fe"), "6.16 impossible FE" },
        { QByteArray::fromHex("ff"), "6.16 impossible FF" },
        { QByteArray::fromHex("fefeffff"), "6.16 impossible FE FE FF FF" },
        { QByteArray::fromHex("c0af"), "6.17 overlong '/' 2-byte" },
        { QByteArray::fromHex("e080af"), "6.17 overlong '/' 3-byte" },
        { QByteArray::fromHex("f08080af"), "6.17 overlong '/' 4-byte" },
        { QByteArray::fromHex("c1bf"), "6.18 maximum overlong 2-byte" },
        { QByteArray::fromHex("e09fbf"), "6.18 maximum overlong 3-byte" },
        { QByteArray::fromHex("f08fbfbf"), "6.18 maximum overlong 4-byte" },
        { QByteArray::fromHex("c080"), "6.19 overlong NUL 2-byte" },
        { QByteArray::fromHex("e08080"), "6.19 overlong NUL 3-byte" },
        { QByteArray::fromHex("eda080"), "6.20 surrogate U+D800" },
        { QByteArray::fromHex("edadbf"), "6.20 surrogate U+DB7F" },
        { QByteArray::fromHex("edb080"), "6.20 surrogate U+DC00" },
        { QByteArray::fromHex("edbfbf"), "6.20 surrogate U+DFFF" },
        { QByteArray::fromHex("eda080edb080"), "6.21 surrogate pair U+D800 U+DC00" },
        { QByteArray::fromHex("f4908080"), "6.x above U+10FFFF: U+110000" },
        { QByteArray::fromHex("f5808080"), "6.x above U+10FFFF: F5 lead" },
        { QByteArray::fromHex("f7bfbfbf"), "6.x above U+10FFFF: F7 BF BF BF" },
    };
    n = 1;
    for (const auto& [bytes, name] : valid) {
        echoCase("6", QStringLiteral("6.v.%1").arg(n), QString::fromUtf8(name + ", whole"), { text(bytes) },
            { echo(1, bytes) });
        std::vector<Step> perByte;
        for (qsizetype i = 0; i < bytes.size(); ++i)
            perByte.push_back(
                i == 0 ? text(bytes.first(1), bytes.size() == 1) : cont(bytes.sliced(i, 1), i + 1 == bytes.size()));
        echoCase("6", QStringLiteral("6.v.%1f").arg(n), QString::fromUtf8(name + ", one byte per fragment"), perByte,
            { echo(1, bytes) }, -1);
        ++n;
    }
    n = 1;
    for (const auto& [bytes, name] : invalid) {
        bool truncated = false;
        const qsizetype bad = utf8FirstInvalid(bytes, &truncated);
        Q_ASSERT(bad >= 0 || truncated);
        // Whole: fails when the frame is complete.
        failCase("6", QStringLiteral("6.i.%1").arg(n), QString::fromUtf8(name + ", whole"), { text(bytes) }, {}, 1007);
        // One byte per fragment, one read per fragment: fails at the fragment holding the first
        // impossible byte (fail fast), or at the last one when the text is only cut short.
        std::vector<Step> perByte;
        for (qsizetype i = 0; i < bytes.size(); ++i)
            perByte.push_back(
                i == 0 ? text(bytes.first(1), bytes.size() == 1) : cont(bytes.sliced(i, 1), i + 1 == bytes.size()));
        failCase("6", QStringLiteral("6.i.%1f").arg(n), QString::fromUtf8(name + ", one byte per fragment"), perByte,
            {}, 1007, bad >= 0 ? int(bad) : int(bytes.size()) - 1);
        cases.back().chop = -1;
        ++n;
    }
    {
        // 6.4.x: fail fast while a message or a frame is still arriving.
        const QByteArray head = "κόσμε";
        const QByteArray badBytes = QByteArray::fromHex("f4908080");
        const QByteArray tail = "edited";
        failCase("6", "6.4.1", "invalid text in 3 fragments: valid, invalid, rest; fails after the 2nd",
            { text(head, false), cont(badBytes, false), cont(tail) }, {}, 1007, 1);
        cases.back().chop = -1;
        failCase("6", "6.4.2", "as 6.4.1, the invalid code point split over fragments 2 and 3",
            { text(head + badBytes.first(1), false), cont(badBytes.sliced(1), false), cont(tail) }, {}, 1007, 1);
        cases.back().chop = -1;
        for (Case* c : { &cases[cases.size() - 2], &cases.back() })
            c->strictRequired = true;
        // A single frame read in pieces, run with the default limits: failing at the invalid byte,
        // before the frame is complete, is required (the Autobahn suite grades later as non-strict).
        Case c3;
        c3.group = "6";
        c3.id = "6.4.3";
        c3.title = "invalid code point in the second chop fails fast";
        c3.steps = { text(head + badBytes + tail) };
        c3.payloadCuts = { head.size(), head.size() + badBytes.size() }; // valid | F4 90 80 80 | rest
        c3.failCode = 1007;
        c3.failStep = 0;
        c3.strictPayloadBytes = head.size() + 2; // valid text, then F4 90: 90 can never follow F4
        c3.strictRequired = true;
        c3.expected = { closeWith(1007) };
        add(c3);
        Case c4 = c3;
        c4.id = "6.4.4";
        c4.title = "invalid code point byte by byte fails fast";
        c4.payloadCuts.clear();
        c4.chop = 1;
        add(c4);
        Case c5 = c3;
        c5.id = "6.4.5";
        c5.title = "invalid code point in the second chop of a continuation frame fails fast";
        c5.steps = { text(head, false), cont(head + badBytes + tail) };
        c5.payloadCuts.clear();
        c5.chop = 3;
        c5.failStep = 1;
        add(c5);
        Case c6 = c3;
        c6.id = "6.4.6";
        c6.title = "compressed text inflating to an invalid code point fails before the frame ends";
        c6.deflateOffer = QByteArray("permessage-deflate");
        c6.fill = [head, badBytes](Case& self) {
            // Stored (incompressible) output keeps the invalid bytes early in the compressed frame.
            QByteArray text = head + badBytes;
            QByteArray noise = binaryPattern(64 << 10).toBase64();
            self.steps = { deflated(1, text + noise) };
        };
        c6.payloadCuts = { 1024 };
        c6.strictPayloadBytes = 1024;
        add(c6);
    }

    // 7 close.
    auto closeCase = [&](QString id, QString title, std::vector<Step> steps, QList<OutEvent> expected) {
        Case c;
        c.group = "7";
        c.id = std::move(id);
        c.title = std::move(title);
        c.steps = std::move(steps);
        c.expected = std::move(expected);
        c.peerClosesAtEnd = false;
        add(c);
    };
    closeCase("7.1.1", "text echoed, then close", { text("Hello"), closeFrame(closePayload(1000)) },
        { echo(1, "Hello"), closeWith(1000) });
    closeCase("7.1.2", "close twice", { closeFrame(closePayload(1000)), closeFrame(closePayload(1000)) },
        { closeWith(1000) });
    closeCase(
        "7.1.3", "close, then ping: no pong", { closeFrame(closePayload(1000)), ping("late") }, { closeWith(1000) });
    closeCase("7.1.4", "close, then text: data after close is ignored",
        { closeFrame(closePayload(1000)), text("late") }, { closeWith(1000) });
    closeCase("7.1.5", "text fragment, close, continuation",
        { text("frag", false), closeFrame(closePayload(1000)), cont("ment") }, { closeWith(1000) });
    closeCase("7.1.6", "large text, ping, close",
        { text(pattern(256 << 10)), ping("p"), closeFrame(closePayload(1000)) },
        { echo(1, pattern(256 << 10)), pong("p"), closeWith(1000) });
    closeCase(
        "7.3.1", "close with empty payload: answered without a code", { closeFrame({}) }, { closeWith(std::nullopt) });
    failCase("7", "7.3.2", "close with a 1-byte payload", { closeFrame("\x03") }, {}, 1002);
    closeCase("7.3.3", "close with a code only", { closeFrame(closePayload(1000)) }, { closeWith(1000) });
    closeCase("7.3.4", "close with code and reason", { closeFrame(closePayload(1000, "bye")) }, { closeWith(1000) });
    closeCase("7.3.5", "close with a 123-byte reason (125-byte payload)",
        { closeFrame(closePayload(1000, filled(123, 'r'))) }, { closeWith(1000) });
    failCase("7", "7.3.6", "close with a 124-byte reason (126-byte payload)",
        { closeFrame(closePayload(1000, filled(124, 'r'))) }, {}, 1002);
    failCase("7", "7.5.1", "close reason that is not UTF-8",
        { closeFrame(closePayload(1000, QByteArray::fromHex("cebae1bdb9cf83cebcceb5eda080656469746564"))) }, {}, 1007);
    for (quint16 code :
        { 1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999 }) {
        closeCase(QStringLiteral("7.7.%1").arg(code), QStringLiteral("close with valid code %1 is echoed").arg(code),
            { closeFrame(closePayload(code)) }, { closeWith(code) });
    }
    for (quint16 code : { 0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535 }) {
        failCase("7", QStringLiteral("7.9.%1").arg(code), QStringLiteral("close with invalid code %1").arg(code),
            { closeFrame(closePayload(code)) }, {}, 1002);
    }

    // 9 big messages.
    n = 1;
    for (qsizetype size : { 64 << 10, 256 << 10, 1 << 20, 4 << 20, 8 << 20, 16 << 20 }) {
        for (quint8 op : { 1, 2 }) {
            Case c;
            c.group = "9";
            c.id = QStringLiteral("9.%1.%2").arg(op).arg(n);
            c.title = QStringLiteral("%1, %2 KiB").arg(op == 1 ? "text" : "binary").arg(size >> 10);
            c.chop = 1 << 20;
            c.fill = [size, op](Case& self) {
                const QByteArray whole = op == 1 ? pattern(size) : binaryPattern(size);
                self.steps = { frame(op, whole) };
                self.expected = { echo(op, whole) };
            };
            add(c);
        }
        ++n;
    }
    n = 1;
    for (qsizetype fragment : { 64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20 }) {
        const qsizetype total = 4 << 20;
        for (quint8 op : { 1, 2 }) {
            Case c;
            c.group = "9";
            c.id = QStringLiteral("9.%1.%2").arg(op == 1 ? 3 : 4).arg(n);
            // Default limits: 65,536 fragments of 64 bytes are a legitimate message (see 9.9.1 for a flood).
            c.title = QStringLiteral("%1 MiB in %2-byte fragments echoed%3")
                          .arg(total >> 20)
                          .arg(fragment)
                          .arg(op == 1 ? QString() : QStringLiteral(" (binary)"));
            c.chop = 1 << 20;
            c.fill = [total, fragment, op](Case& self) {
                const QByteArray whole = op == 1 ? pattern(total) : binaryPattern(total);
                for (qsizetype at = 0; at < total; at += fragment)
                    self.steps.push_back(at == 0 ? frame(op, whole.first(fragment), fragment >= total)
                                                 : cont(whole.sliced(at, fragment), at + fragment >= total));
                self.expected = { echo(op, whole) };
            };
            add(c);
        }
        ++n;
    }
    n = 1;
    for (qsizetype chop : { 64, 128, 256, 512, 1024, 2048, 4096 }) {
        Case c;
        c.group = "9";
        c.id = QStringLiteral("9.5.%1").arg(n);
        c.title = QStringLiteral("text, 1 MiB read %1 bytes at a time").arg(chop);
        c.chop = chop;
        c.fill = [](Case& self) {
            self.steps = { text(pattern(1 << 20)) };
            self.expected = { echo(1, pattern(1 << 20)) };
        };
        add(c);
        ++n;
    }
    {
        Case over;
        over.group = "9";
        over.id = "9.9.1";
        over.title = "a flood of empty fragments is charged against a 1 MiB message budget";
        over.assembler.maxMessageBytes = 1 << 20;
        // Each fragment after the first costs kFragmentBookkeepingBytes: the budget is spent by the one
        // that makes the bookkeeping exceed it.
        const int overFragment = int((1 << 20) / kFragmentBookkeepingBytes) + 1;
        over.fill = [overFragment](Case& self) {
            for (int i = 0; i <= overFragment + 10; ++i)
                self.steps.push_back(i == 0 ? text({}, false) : cont({}, false));
        };
        over.expected = { closeWith(1009) };
        over.failCode = 1009;
        over.failStep = overFragment;
        over.chop = 1 << 16;
        add(over);
        Case limit;
        limit.group = "9";
        limit.id = "9.9.2";
        limit.title = "a 2 MiB message against a 1 MiB message limit";
        limit.assembler.maxMessageBytes = 1 << 20;
        limit.fill = [](Case& self) { self.steps = { binary(binaryPattern(2 << 20)) }; };
        limit.expected = { closeWith(1009) };
        limit.failCode = 1009;
        limit.failStep = 0;
        add(limit);
    }

    // 12 permessage-deflate with the default offer, message sizes across fragments;
    // 13 each parameter offer.
    const QList<QPair<QByteArray, QString>> offers = {
        { "permessage-deflate", "12" },
        { "permessage-deflate; client_max_window_bits", "13.1" },
        { "permessage-deflate; client_no_context_takeover", "13.2" },
        { "permessage-deflate; server_no_context_takeover", "13.3" },
        { "permessage-deflate; server_no_context_takeover; client_no_context_takeover", "13.4" },
        { "permessage-deflate; server_max_window_bits=9", "13.5" },
        { "permessage-deflate; server_max_window_bits=15", "13.6" },
        { "permessage-deflate; client_max_window_bits=9", "13.7" },
        { "permessage-deflate; server_max_window_bits=9; client_max_window_bits=9; server_no_context_takeover; "
          "client_no_context_takeover",
            "13.8" },
    };
    for (const auto& [offer, prefix] : offers) {
        const QString group = prefix == QLatin1String("12") ? QStringLiteral("12") : QStringLiteral("13");
        int m = 1;
        for (qsizetype size : { 16, 64, 256, 1024, 4096, 16384, 65536, 131072 }) {
            for (int fragments : { 1, 3 }) {
                Case c;
                c.group = group;
                c.id = QStringLiteral("%1.%2").arg(prefix).arg(m++);
                // Messages repeat, so context takeover (or its absence) is exercised; fewer of the big ones.
                const int count = size >= 65536 ? 4 : 10;
                c.title = QStringLiteral("%1: %2 text messages of %3 bytes%4")
                              .arg(QString::fromLatin1(offer))
                              .arg(count)
                              .arg(size)
                              .arg(fragments > 1 ? QStringLiteral(", 3 fragments each") : QString());
                c.deflateOffer = offer;
                c.fill = [size, fragments, count](Case& self) {
                    for (int i = 0; i < count; ++i) {
                        const QByteArray message = wordText(size, quint32(i % 3));
                        self.steps.push_back(deflated(1, message, fragments));
                        self.expected.append(echo(1, message));
                    }
                };
                add(c);
            }
        }
    }
    {
        const QByteArray offer = "permessage-deflate";
        auto deflateFail = [&](QString id, QString title, std::vector<Step> steps, QList<OutEvent> before, quint16 code,
                               int failStep = -1) {
            failCase("13", std::move(id), std::move(title), std::move(steps), std::move(before), code, failStep);
            cases.back().deflateOffer = offer;
        };
        Case plain;
        plain.group = "13";
        plain.id = "13.9.1";
        plain.title = "uncompressed messages after negotiation (RSV1 clear) are fine";
        plain.deflateOffer = offer;
        plain.steps = { text("plain"), deflated(1, "compressed"), binary("raw") };
        plain.expected = { echo(1, "plain"), echo(1, "compressed"), echo(2, "raw") };
        add(plain);
        Case mixed = plain;
        mixed.id = "13.9.2";
        mixed.title = "compressed binary, fragmented compressed text with a ping inside";
        Step part = deflated(1, wordText(3000, 7), 3);
        mixed.steps = { deflated(2, binaryPattern(5000)), part };
        mixed.expected = { echo(2, binaryPattern(5000)), echo(1, wordText(3000, 7)) };
        add(mixed);
        deflateFail("13.9.3", "RSV1 on a continuation frame", { text("a", false), frame(0, "b", true, 4) }, {}, 1002);
        deflateFail("13.9.4", "RSV1 on a ping", { frame(9, "p", true, 4) }, {}, 1002);
        deflateFail("13.9.5", "RSV1 on a close", { frame(8, closePayload(1000), true, 4) }, {}, 1002);
        deflateFail("13.9.6", "RSV2 while only permessage-deflate is negotiated", { frame(1, "x", true, 2) }, {}, 1002);
        deflateFail("13.9.7", "compressed payload that is not DEFLATE",
            { frame(1, QByteArray::fromHex("ffffffffffff"), true, 4) }, {}, 1007);
        deflateFail("13.9.8", "compressed text that inflates to invalid UTF-8",
            { deflated(1, QByteArray::fromHex("cebae1bdb9cf83cebcceb5eda080")) }, {}, 1007);
        deflateFail("13.9.9", "deflate bomb: 64 MiB of zeros against a 1 MiB limit", { binary({}) }, {}, 1009);
        cases.back().assembler.maxMessageBytes = 1 << 20;
        cases.back().fill = [](Case& self) { self.steps = { deflated(2, QByteArray(64 << 20, '\0')) }; };
    }
    return cases;
}

// ---- the one frame judgement (core/framerules.h) against the table ----------------------------

// Does the frame break a rule a single header can break? Read from the case's own description of the
// frame, not from the code under test: reserved opcode, RSV bits, masking, control frame shape, length
// form, the receiver's frame-size limit.
bool breaksFrameRule(const Step& step, bool deflate, quint64 frameLimit)
{
    if (step.deflateMessage)
        return false; // written as a valid compressed message
    const FrameSpec& f = step.frame;
    const bool control = f.opcode >= 8;
    const quint64 length = f.declaredLength.value_or(quint64(f.payload.size()));
    const int minimalBytes = length < 126 ? 0 : length < 65536 ? 2 : 8;
    const int lengthBytes = f.lengthBytes >= 0 ? f.lengthBytes : minimalBytes;
    return (f.opcode >= 3 && f.opcode <= 7) || f.opcode >= 11 || (f.rsv & 3) != 0
        || ((f.rsv & 4) != 0 && (!deflate || control || f.opcode == 0)) || f.wrongMasking
        || (control && (!f.fin || length > 125)) || lengthBytes != minimalBytes || (length >> 63) != 0
        || length > frameLimit;
}

// The header of the frame at `pos`, read by hand from RFC 6455 §5.2.
FrameHeader readHeader(const QByteArray& wire, qsizetype pos)
{
    const auto* p = reinterpret_cast<const quint8*>(wire.constData()) + pos;
    FrameHeader h;
    h.fin = p[0] & 0x80;
    h.rsv1 = p[0] & 0x40;
    h.rsv2 = p[0] & 0x20;
    h.rsv3 = p[0] & 0x10;
    h.opcode = p[0] & 0x0F;
    h.masked = p[1] & 0x80;
    quint64 length = p[1] & 0x7F;
    int at = 2;
    if (length >= 126) {
        const int bytes = length == 126 ? 2 : 8;
        h.lengthEncoding = bytes == 2 ? LengthEncoding::Extended16 : LengthEncoding::Extended64;
        length = 0;
        for (int i = 0; i < bytes; ++i)
            length = (length << 8) | p[2 + i];
        at += bytes;
    }
    h.payloadLength = length;
    h.headerSize = at + (h.masked ? 4 : 0);
    return h;
}

// ---- running one case --------------------------------------------------------------------------

enum class Verdict { Passed, NonStrict, Failed };

struct Sink : EndpointSink {
    Endpoint* endpoint = nullptr;
    QByteArray wire;
    int violations = 0;
    int closeDone = 0;
    void writeToWire(const QByteArray& bytes) override { wire += bytes; }
    void messageReceived(const Message& message) override
    {
        // The application on top: an echo, as the echo server runs it.
        endpoint->sendMessage(Opcode(message.opcode), message.payload);
    }
    void protocolViolation(const ProtocolViolation&) override { ++violations; }
    void closeHandshakeDone() override { ++closeDone; }
};

struct Wire {
    QByteArray bytes;
    std::vector<qsizetype> stepEnd; // stream offset just after each step
    std::vector<qsizetype> stepHeader; // header bytes of each step's first frame
};

Wire buildWire(const Case& c, Role endpointRole, const std::optional<DeflateParams>& params)
{
    const Role peer = peerOf(endpointRole);
    const bool masked = peer == Role::Client;
    std::unique_ptr<ZDeflater> deflater;
    if (params)
        deflater = std::make_unique<ZDeflater>(params->windowBitsFor(peer), params->noContextTakeoverFor(peer));
    Wire wire;
    quint32 seed = 1;
    auto put = [&](const FrameSpec& f) {
        const QByteArray bytes = writeFrame(f, masked != f.wrongMasking, seed++);
        wire.bytes += bytes;
        return bytes.size() - f.payload.size();
    };
    std::vector<Step> steps = c.steps;
    if (!c.failCode && c.peerClosesAtEnd)
        steps.push_back(closeFrame(closePayload(1000)));
    for (const Step& s : steps) {
        qsizetype header = 0;
        if (s.deflateMessage) {
            const QByteArray compressed = deflater->compress(s.frame.payload);
            const qsizetype per = (compressed.size() + s.fragments - 1) / s.fragments;
            for (int i = 0; i < s.fragments; ++i) {
                FrameSpec f;
                f.opcode = i == 0 ? s.frame.opcode : 0;
                f.rsv = i == 0 ? 4 : 0;
                f.fin = i + 1 == s.fragments;
                f.payload = compressed.mid(i * per, per);
                const qsizetype h = put(f);
                header = i == 0 ? h : header;
            }
        } else {
            header = put(s.frame);
        }
        wire.stepEnd.push_back(wire.bytes.size());
        wire.stepHeader.push_back(header);
    }
    return wire;
}

// Where each read of the case's bytes ends (stream offsets).
std::vector<qsizetype> readEnds(const Case& c, const Wire& wire)
{
    std::vector<qsizetype> ends;
    if (!c.payloadCuts.empty()) {
        for (qsizetype cut : c.payloadCuts)
            ends.push_back(wire.stepHeader[0] + cut);
        ends.push_back(wire.bytes.size());
    } else if (c.chop == 0) {
        ends.push_back(wire.bytes.size());
    } else if (c.chop < 0) {
        ends = wire.stepEnd;
    } else {
        for (qsizetype at = c.chop; at < wire.bytes.size() + c.chop; at += c.chop)
            ends.push_back(std::min(at, wire.bytes.size()));
    }
    return ends;
}

// Stream offset of the byte after which a failing case must have failed to count as strict.
qsizetype strictByte(const Case& c, const Wire& wire)
{
    const size_t step = size_t(c.failStep);
    const qsizetype stepStart = step > 0 ? wire.stepEnd[step - 1] : 0;
    return c.strictPayloadBytes >= 0 ? stepStart + wire.stepHeader[step] + c.strictPayloadBytes : wire.stepEnd[step];
}

struct Outcome {
    Verdict verdict = Verdict::Passed;
    QString detail;
};

// A case whose bytes are computed (large messages, compressed payloads) fills them in on a copy.
Case expanded(const Case& table)
{
    Case filled = table;
    if (table.fill)
        table.fill(filled);
    return filled;
}

Outcome runCase(const Case& table, Role role)
{
    const Case c = expanded(table);
    std::optional<DeflateParams> params;
    if (c.deflateOffer) {
        const ExtensionList offers = parseExtensions(*c.deflateOffer);
        const DeflateAcceptance acceptance = acceptDeflate(offers.extensions, DeflateServerConfig {});
        if (!acceptance.accepted)
            return { Verdict::Failed,
                QStringLiteral("the offer was declined: %1").arg(acceptance.sentences().join(' ')) };
        params = acceptance.params;
    }
    EndpointConfig config;
    config.role = role;
    config.assembler = c.assembler;
    config.decoder = c.decoder;
    config.recordFrames = true;
    Sink sink;
    Transcript transcript;
    qint64 clock = 0;
    quint8 keyByte = 0;
    Endpoint endpoint(
        config, sink, transcript, [&clock] { return ++clock; },
        [&keyByte] {
            ++keyByte;
            return MaskKey { keyByte, quint8(keyByte * 3), 0x5a, 0xa5 };
        });
    sink.endpoint = &endpoint;
    if (params)
        endpoint.enableDeflate(*params);

    const Wire wire = buildWire(c, role, params);
    // Feed in the case's chunks; remember after which chunk the failure became known.
    const std::vector<qsizetype> chunkEnds = readEnds(c, wire);
    qsizetype fed = 0;
    qsizetype failedAfter = -1; // stream offset at the end of the chunk that revealed the failure
    qsizetype failedChunkStart = -1;
    for (qsizetype end : chunkEnds) {
        if (end <= fed)
            continue;
        endpoint.receive(QByteArrayView(wire.bytes).sliced(fed, end - fed));
        if (failedAfter < 0 && endpoint.violation()) {
            failedAfter = end;
            failedChunkStart = fed;
        }
        fed = end;
    }

    QString error;
    const std::optional<QList<OutEvent>> events = readOutput(sink.wire, role, params, error);
    if (!events)
        return { Verdict::Failed, error };
    QList<OutEvent> expected = c.expected;
    if (!c.failCode && c.peerClosesAtEnd)
        expected.append(closeWith(1000)); // the answer to the peer's closing 1000
    if (*events != expected) {
        return { Verdict::Failed,
            QStringLiteral("expected %1, the endpoint wrote %2").arg(describe(expected), describe(*events)) };
    }
    if (!c.failCode) {
        if (endpoint.violation())
            return { Verdict::Failed, QStringLiteral("unexpected violation: %1").arg(endpoint.violation()->reason) };
        if (endpoint.state() != Endpoint::State::Closed || sink.closeDone != 1)
            return { Verdict::Failed, QStringLiteral("the closing handshake did not complete") };
        return {};
    }
    if (!endpoint.violation() || endpoint.violation()->closeCode != *c.failCode || sink.violations != 1)
        return { Verdict::Failed, QStringLiteral("expected exactly one violation with close %1").arg(*c.failCode) };
    if (endpoint.violation()->reason.isEmpty())
        return { Verdict::Failed, QStringLiteral("the violation has no reason") };

    // When did the failure become known? Not before the offending step's bytes began to arrive;
    // strictly, in the read that brought the deciding byte (by default the step's last byte);
    // non-strict, later but no later than the read that completed the step.
    const size_t step = size_t(c.failStep);
    const qsizetype stepStart = step > 0 ? wire.stepEnd[step - 1] : 0;
    const qsizetype stepEnd = wire.stepEnd[step];
    const qsizetype strict = strictByte(c, wire);
    if (failedAfter <= stepStart)
        return { Verdict::Failed,
            QStringLiteral("failed by byte %1, before the offending step began at byte %2")
                .arg(failedAfter)
                .arg(stepStart) };
    if (failedChunkStart < strict)
        return {};
    if (failedChunkStart < stepEnd)
        return { c.strictRequired ? Verdict::Failed : Verdict::NonStrict,
            QStringLiteral("failed after byte %1, when the frame was complete; strict is by byte %2")
                .arg(failedAfter)
                .arg(strict) };
    return { Verdict::Failed,
        QStringLiteral("failed after byte %1; expected by byte %2").arg(failedAfter).arg(stepEnd) };
}

const char* roleName(Role role)
{
    return role == Role::Server ? "server" : "client";
}

// The loopback run covers the cases the real server can be configured for: its default limits
// (64 MiB messages and frames, no fragment count cap), and at most a few MiB on the wire.
bool suitsLoopback(const Case& c)
{
    const AssemblerLimits assembler;
    const DecoderLimits decoder;
    if (c.assembler.maxMessageBytes != assembler.maxMessageBytes || c.assembler.maxFragments != assembler.maxFragments
        || c.decoder.maxFramePayload != decoder.maxFramePayload)
        return false;
    static const QStringList bigOnes { QStringLiteral("9.3.1"), QStringLiteral("9.3.2"), QStringLiteral("9.3.3"),
        QStringLiteral("9.4.1"), QStringLiteral("9.4.2") };
    return c.group != QLatin1String("9") || c.id.startsWith(QLatin1String("9.1.")) || bigOnes.contains(c.id);
}

// Runs the event loop until `done` holds, re-checking whenever the socket reports progress.
bool waitOn(QTcpSocket& socket, const std::function<bool()>& done, int timeoutMs)
{
    if (done())
        return true;
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    auto check = [&] {
        if (done())
            loop.quit();
    };
    QObject::connect(&socket, &QIODevice::readyRead, &loop, check);
    QObject::connect(&socket, &QAbstractSocket::stateChanged, &loop, check);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    timer.start(timeoutMs);
    loop.exec();
    return done();
}

// The same case against the real EchoServer over TCP: a raw client writes the case's bytes after a
// handshake (offering the case's permessage-deflate parameters) and reads everything the server
// sends until it ends the connection.
Outcome runLoopback(const Case& table, quint16 port)
{
    const Case c = expanded(table);
    std::optional<DeflateParams> params;
    if (c.deflateOffer) {
        const DeflateAcceptance acceptance = acceptDeflate(parseExtensions(*c.deflateOffer).extensions, {});
        params = acceptance.params;
    }
    QTcpSocket socket;
    QByteArray received;
    QObject::connect(&socket, &QIODevice::readyRead, [&] { received += socket.readAll(); });
    socket.connectToHost(QHostAddress::LocalHost, port);
    QByteArray request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                         "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
    if (c.deflateOffer)
        request += "Sec-WebSocket-Extensions: " + *c.deflateOffer + "\r\n";
    socket.write(request + "\r\n");
    if (!waitOn(
            socket, [&] { return received.contains("\r\n\r\n"); }, 10000))
        return { Verdict::Failed, QStringLiteral("no handshake response") };
    const qsizetype headEnd = received.indexOf("\r\n\r\n") + 4;
    const QByteArray head = received.left(headEnd);
    if (!head.startsWith("HTTP/1.1 101 "))
        return { Verdict::Failed, QStringLiteral("not upgraded: %1").arg(QString::fromLatin1(head.left(40))) };
    if (c.deflateOffer && !head.contains("permessage-deflate"))
        return { Verdict::Failed, QStringLiteral("permessage-deflate was not accepted") };

    const Wire wire = buildWire(c, Role::Server, params);
    QByteArray bytes = wire.bytes;
    if (c.strictRequired && c.strictPayloadBytes >= 0) {
        // Written only up to the end of the read holding the deciding byte: the server must close
        // without waiting for the rest of the frame.
        const qsizetype strict = strictByte(c, wire);
        for (qsizetype end : readEnds(c, wire)) {
            if (end >= strict) {
                bytes.truncate(end);
                break;
            }
        }
    }
    socket.write(bytes);
    if (!waitOn(
            socket, [&] { return socket.state() == QAbstractSocket::UnconnectedState; }, 20000))
        return { Verdict::Failed, QStringLiteral("the server did not end the connection") };

    QString error;
    const std::optional<QList<OutEvent>> events = readOutput(received.mid(headEnd), Role::Server, params, error);
    if (!events)
        return { Verdict::Failed, error };
    QList<OutEvent> expected = c.expected;
    if (!c.failCode && c.peerClosesAtEnd)
        expected.append(closeWith(1000));
    if (*events != expected)
        return { Verdict::Failed,
            QStringLiteral("expected %1, the server wrote %2").arg(describe(expected), describe(*events)) };
    return {};
}

} // namespace

class TestConformance : public QObject
{
    Q_OBJECT

    std::vector<Case> m_cases;
    // group -> [server, client] -> [passed, non-strict, failed]
    std::map<int, std::array<std::array<int, 3>, 2>> m_summary;
    std::map<int, std::array<int, 3>> m_loopback; // group -> [passed, non-strict, failed] against EchoServer
    std::unique_ptr<EchoServer> m_server;
    QStringList m_nonStrict;

private Q_SLOTS:
    void initTestCase() { m_cases = buildCases(); }

    void referenceUtf8AgreesWithRfcExamples()
    {
        // The suite's own UTF-8 judge, checked against the RFC 3629 examples before it judges anything.
        QVERIFY(utf8Valid(QByteArray::fromHex("ed959ceab5adec96b4"))); // 한국어
        QVERIFY(utf8Valid(QByteArray::fromHex("e697a5e69cace8aa9e"))); // 日本語
        QVERIFY(utf8Valid(QByteArray::fromHex("efbbbff0a38e b4").replace(' ', "")));
        QVERIFY(!utf8Valid(QByteArray::fromHex("eda080")));
        QCOMPARE(utf8FirstInvalid(QByteArray::fromHex("41f4908080")), 2);
        bool truncated = false;
        QCOMPARE(utf8FirstInvalid(QByteArray::fromHex("41e0a0"), &truncated), -1);
        QVERIFY(truncated);
    }

    void writerMatchesRfcExamples()
    {
        FrameSpec hello;
        hello.payload = "Hello";
        QCOMPARE(writeFrame(hello, false, 0), QByteArray::fromHex("810548656c6c6f"));
        ZDeflater deflater(15, false);
        QCOMPARE(deflater.compress("Hello"), QByteArray::fromHex("f248cdc9c90700")); // RFC 7692 §7.2.3.1
        QCOMPARE(deflater.compress("Hello"), QByteArray::fromHex("f200110000")); // §7.2.3.2, context kept
    }

    void conformance_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<int>("role");
        for (Role role : { Role::Server, Role::Client }) {
            for (size_t i = 0; i < m_cases.size(); ++i) {
                const Case& c = m_cases[i];
                QTest::addRow("%s %s %s", roleName(role), qPrintable(c.id), qPrintable(c.title)) << int(i) << int(role);
            }
        }
    }

    void conformance()
    {
        QFETCH(int, index);
        QFETCH(int, role);
        const Case& c = m_cases[size_t(index)];
        const Outcome outcome = runCase(c, Role(role));
        m_summary[c.group.toInt()][size_t(role == int(Role::Server) ? 0 : 1)][size_t(outcome.verdict)]++;
        if (outcome.verdict == Verdict::NonStrict)
            m_nonStrict << QStringLiteral("%1 %2 %3: %4").arg(roleName(Role(role)), c.id, c.title, outcome.detail);
        QVERIFY2(outcome.verdict != Verdict::Failed, qPrintable(outcome.detail));
    }

    // Every frame-level failure of the table gets the same close code from frameHeaderViolation(),
    // judged from the receiver's side; every other first frame of a step up to the failure is valid.
    // Cases whose bytes are computed when they run (big and bomb cases) are left out: none of them
    // fails at the frame level.
    void frameRules_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<int>("role");
        for (Role role : { Role::Server, Role::Client }) {
            for (size_t i = 0; i < m_cases.size(); ++i) {
                const Case& c = m_cases[i];
                if (!c.fill)
                    QTest::addRow("%s %s %s", roleName(role), qPrintable(c.id), qPrintable(c.title))
                        << int(i) << int(role);
            }
        }
    }

    void frameRules()
    {
        QFETCH(int, index);
        QFETCH(int, role);
        const Case& c = m_cases[size_t(index)];
        std::optional<DeflateParams> params;
        if (c.deflateOffer)
            params = acceptDeflate(parseExtensions(*c.deflateOffer).extensions, DeflateServerConfig {}).params;
        const Wire wire = buildWire(c, Role(role), params);
        const FrameContext context { peerOf(Role(role)), params.has_value(), c.decoder.maxFramePayload };
        const size_t last = c.failCode ? size_t(c.failStep) : c.steps.size() - 1;
        for (size_t step = 0; step <= last && step < c.steps.size(); ++step) {
            const qsizetype start = step > 0 ? wire.stepEnd[step - 1] : 0;
            const auto v = frameHeaderViolation(readHeader(wire.bytes, start), context);
            const bool expected = c.failCode && step == last
                && breaksFrameRule(c.steps[step], params.has_value(), c.decoder.maxFramePayload);
            if (!expected) {
                QVERIFY2(!v, qPrintable(QStringLiteral("step %1: %2").arg(step).arg(v ? v->reason : QString())));
                continue;
            }
            QVERIFY2(v, qPrintable(QStringLiteral("step %1 breaks a frame rule; no violation found").arg(step)));
            QCOMPARE(v->closeCode, *c.failCode);
            QVERIFY(!v->rfc.isEmpty());
        }
    }

    void loopback_data()
    {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < m_cases.size(); ++i) {
            if (suitsLoopback(m_cases[i]))
                QTest::addRow("%s %s", qPrintable(m_cases[i].id), qPrintable(m_cases[i].title)) << int(i);
        }
    }

    void loopback()
    {
        QFETCH(int, index);
        if (!m_server) {
            m_server = std::make_unique<EchoServer>();
            m_server->setClosedConnectionsKept(4);
            QString error;
            QVERIFY2(m_server->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        }
        const Case& c = m_cases[size_t(index)];
        const Outcome outcome = runLoopback(c, m_server->port());
        m_loopback[c.group.toInt()][size_t(outcome.verdict)]++;
        QVERIFY2(outcome.verdict != Verdict::Failed, qPrintable(outcome.detail));
    }

    void cleanupTestCase()
    {
        m_server.reset();
        std::printf("\nConformance summary (server role: masked frames in; client role: unmasked frames in)\n");
        std::printf(
            "%-6s | %-30s | %-30s\n", "group", "server  passed/non-strict/failed", "client  passed/non-strict/failed");
        std::array<std::array<int, 3>, 2> total {};
        for (const auto& [group, counts] : m_summary) {
            std::printf("%-6d | %8d %10d %8d   | %8d %10d %8d\n", group, counts[0][0], counts[0][1], counts[0][2],
                counts[1][0], counts[1][1], counts[1][2]);
            for (size_t r = 0; r < 2; ++r)
                for (size_t v = 0; v < 3; ++v)
                    total[r][v] += counts[r][v];
        }
        std::printf("%-6s | %8d %10d %8d   | %8d %10d %8d\n", "total", total[0][0], total[0][1], total[0][2],
            total[1][0], total[1][1], total[1][2]);
        std::printf("\nLoopback subset against the real EchoServer over TCP\n%-6s | %8s %10s %8s\n", "group", "passed",
            "non-strict", "failed");
        for (const auto& [group, counts] : m_loopback)
            std::printf("%-6d | %8d %10d %8d\n", group, counts[0], counts[1], counts[2]);
        for (const QString& line : std::as_const(m_nonStrict))
            std::printf("non-strict: %s\n", qPrintable(line));
        std::fflush(stdout);
    }
};

QTEST_GUILESS_MAIN(TestConformance)
#include "tst_conformance.moc"
