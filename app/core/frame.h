#pragma once
// The vocabulary of RFC 6455 §5 frames: opcodes, the decoded header and the reason a frame was
// rejected. Decoder, encoder and assembler all speak in these types.

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QtGlobal>
#include <array>

namespace wsi
{

enum class Opcode : quint8 { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 };

// Control frames are the ones whose opcode has its high bit set (RFC 6455 §5.5), reserved or not.
bool isControlOpcode(quint8 opcode);
// 3–7 and 11–15 are reserved for future use (§5.2); anything above 15 cannot appear on the wire.
bool isReservedOpcode(quint8 opcode);
// "continuation", "text", "binary", "close", "ping", "pong" or "reserved-N".
QString opcodeName(quint8 opcode);

// How the payload length was written: in the 7-bit field, or as a 16- or 64-bit extension (§5.2).
enum class LengthEncoding { Short7, Extended16, Extended64 };

using MaskKey = std::array<quint8, 4>;

struct FrameHeader {
    bool fin = true, rsv1 = false, rsv2 = false, rsv3 = false;
    quint8 opcode = 1;
    bool masked = false;
    MaskKey maskKey {};
    quint64 payloadLength = 0;
    LengthEncoding lengthEncoding = LengthEncoding::Short7;
    int headerSize = 2; // bytes on the wire before the payload
};

struct Frame {
    FrameHeader header;
    std::array<char, 14> rawHeaderBytes {}; // the first header.headerSize bytes are the header as received
    QByteArray payload; // unmasked

    // The header bytes exactly as received. Kept in the frame itself: a heap copy per frame costs a busy
    // connection an allocation per message.
    QByteArrayView rawHeader() const { return { rawHeaderBytes.data(), header.headerSize }; }
};

// Why the connection must fail: the close code to send and one sentence, citing the RFC section
// (the sentence goes into the close frame as it is). `rfc` names that section on its own
// ("RFC 6455 §5.2") for views that show or link it separately; empty when not given.
struct ProtocolViolation {
    quint16 closeCode = 1002;
    QString reason;
    QString rfc {};
};

} // namespace wsi
