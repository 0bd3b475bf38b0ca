#include "core/frame.h"

namespace wsi
{

bool isControlOpcode(quint8 opcode)
{
    return opcode <= 0x0F && (opcode & 0x08) != 0;
}

bool isReservedOpcode(quint8 opcode)
{
    return (opcode >= 3 && opcode <= 7) || opcode >= 11;
}

QString opcodeName(quint8 opcode)
{
    switch (opcode) {
    case quint8(Opcode::Continuation):
        return QStringLiteral("continuation");
    case quint8(Opcode::Text):
        return QStringLiteral("text");
    case quint8(Opcode::Binary):
        return QStringLiteral("binary");
    case quint8(Opcode::Close):
        return QStringLiteral("close");
    case quint8(Opcode::Ping):
        return QStringLiteral("ping");
    case quint8(Opcode::Pong):
        return QStringLiteral("pong");
    default:
        return QStringLiteral("reserved-%1").arg(opcode);
    }
}

} // namespace wsi
