#pragma once
// Incremental UTF-8 validation (RFC 3629 as required by RFC 6455 §5.6 and §8.1). A text message may
// be split anywhere, even inside a code point, so the validator carries its state across feed() calls
// and reports an error on the first byte that can never become part of a valid sequence.

#include <QByteArrayView>

namespace wsi
{

class Utf8Validator
{
public:
    // Returns false once the bytes seen so far can never become valid; the failure is sticky.
    bool feed(QByteArrayView bytes);
    // True when valid so far and not inside a multi-byte sequence.
    bool isComplete() const { return m_valid && m_pendingContinuations == 0; }
    bool isValid() const { return m_valid; }
    void reset();
    // Offset (from the first byte fed since reset) of the byte that made the input invalid; -1 if valid.
    qsizetype errorOffset() const { return m_errorOffset; }

private:
    bool startSequence(quint8 lead);
    bool continueSequence(quint8 byte);

    bool m_valid = true;
    int m_pendingContinuations = 0;
    // Allowed range of the next continuation byte; narrower than 80..BF right after E0, ED, F0, F4,
    // which is how overlongs, surrogates and code points above U+10FFFF are rejected at once.
    quint8 m_nextLow = 0x80;
    quint8 m_nextHigh = 0xBF;
    qsizetype m_position = 0;
    qsizetype m_errorOffset = -1;
};

// A complete, valid UTF-8 byte sequence.
bool isValidUtf8(QByteArrayView bytes);

} // namespace wsi
