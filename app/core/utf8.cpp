#include "core/utf8.h"

#include <cstring>

namespace wsi
{

namespace
{

constexpr quint64 highBitsOfEveryByte = 0x8080808080808080ull;

// Length of the run of ASCII bytes starting at data[0], checked eight bytes at a time.
qsizetype asciiPrefix(const char* data, qsizetype size)
{
    qsizetype i = 0;
    for (; i + 16 <= size; i += 16) {
        quint64 a, b;
        std::memcpy(&a, data + i, 8);
        std::memcpy(&b, data + i + 8, 8);
        if (((a | b) & highBitsOfEveryByte) != 0)
            break;
    }
    while (i < size && quint8(data[i]) < 0x80)
        ++i;
    return i;
}

// Length of the complete, valid multi-byte sequence at p[0], or 0 when it is invalid or cut off
// by the end of the chunk (the byte-by-byte path then finds the exact error or keeps the state).
int completeSequenceLength(const quint8* p, qsizetype available)
{
    const quint8 lead = p[0];
    const auto isContinuation = [](quint8 byte) { return (byte & 0xC0) == 0x80; };
    if (lead >= 0xC2 && lead <= 0xDF)
        return available >= 2 && isContinuation(p[1]) ? 2 : 0;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (available < 3)
            return 0;
        const quint8 low = lead == 0xE0 ? 0xA0 : 0x80;
        const quint8 high = lead == 0xED ? 0x9F : 0xBF;
        return p[1] >= low && p[1] <= high && isContinuation(p[2]) ? 3 : 0;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (available < 4)
            return 0;
        const quint8 low = lead == 0xF0 ? 0x90 : 0x80;
        const quint8 high = lead == 0xF4 ? 0x8F : 0xBF;
        return p[1] >= low && p[1] <= high && isContinuation(p[2]) && isContinuation(p[3]) ? 4 : 0;
    }
    return 0;
}

} // namespace

bool Utf8Validator::feed(QByteArrayView bytes)
{
    if (!m_valid)
        return false;
    const char* data = bytes.data();
    const qsizetype size = bytes.size();
    qsizetype i = 0;
    while (i < size) {
        if (m_pendingContinuations == 0) {
            const quint8 byte = quint8(data[i]);
            if (byte < 0x80) {
                i += asciiPrefix(data + i, size - i);
                continue;
            }
            if (const int length = completeSequenceLength(reinterpret_cast<const quint8*>(data + i), size - i)) {
                i += length;
                continue;
            }
            if (!startSequence(byte))
                break;
        } else if (!continueSequence(quint8(data[i]))) {
            break;
        }
        ++i;
    }
    if (!m_valid)
        m_errorOffset = m_position + i;
    m_position += i;
    return m_valid;
}

bool Utf8Validator::startSequence(quint8 lead)
{
    m_nextLow = 0x80;
    m_nextHigh = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        m_pendingContinuations = 1;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        m_pendingContinuations = 2;
        if (lead == 0xE0)
            m_nextLow = 0xA0; // below would be an overlong 3-byte form
        else if (lead == 0xED)
            m_nextHigh = 0x9F; // above would encode a UTF-16 surrogate
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        m_pendingContinuations = 3;
        if (lead == 0xF0)
            m_nextLow = 0x90; // below would be an overlong 4-byte form
        else if (lead == 0xF4)
            m_nextHigh = 0x8F; // above would exceed U+10FFFF
    } else {
        m_valid = false; // stray continuation, C0/C1 overlong leads, or F5..FF
    }
    return m_valid;
}

bool Utf8Validator::continueSequence(quint8 byte)
{
    if (byte < m_nextLow || byte > m_nextHigh) {
        m_valid = false;
        return false;
    }
    m_nextLow = 0x80;
    m_nextHigh = 0xBF;
    --m_pendingContinuations;
    return true;
}

void Utf8Validator::reset()
{
    *this = Utf8Validator();
}

bool isValidUtf8(QByteArrayView bytes)
{
    Utf8Validator validator;
    return validator.feed(bytes) && validator.isComplete();
}

} // namespace wsi
