#include "core/utf8.h"

#include <cstring>

namespace wsi {

namespace {

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
            i += asciiPrefix(data + i, size - i);
            if (i == size)
                break;
            if (!startSequence(quint8(data[i])))
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
