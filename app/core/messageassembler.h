#pragma once
// Turns decoded frames into messages (RFC 6455 §5.4): joins fragments, lets control frames through
// between them, enforces size and fragment limits, inflates compressed messages (RFC 7692) and
// validates text as UTF-8 while it arrives, so an invalid message fails at its first bad byte.

#include "core/frame.h"
#include "core/utf8.h"

#include <QByteArrayView>
#include <functional>

namespace wsi
{

struct Message {
    quint8 opcode = 1;
    QByteArray payload; // inflated when it was compressed
    bool compressed = false;
    qint64 wireBytes = 0; // payload bytes as they came on the wire
    int frameCount = 0;
};

struct AssemblerLimits {
    // Bounds what a message occupies: its payload (inflated size when compressed) plus, for each fragment
    // after the first, kFragmentBookkeepingBytes. A message is never refused for how it was cut, only for
    // what it costs, so a 4 MiB message in 64-byte fragments passes and a flood of empty fragments does not.
    qint64 maxMessageBytes = 64ll << 20;
    // An extra cap on frames per message; 0 (the default) sets none, the byte budget above already
    // bounds fragments by what they cost.
    int maxFragments = 0;
};

// What a fragment costs beyond its payload: the record an endpoint keeps of it (FrameRecord is 40 bytes,
// plus its index entry) and its header, rounded up. Charged against AssemblerLimits::maxMessageBytes for
// every fragment after the first, so an unfragmented message may be as large as the limit.
constexpr qint64 kFragmentBookkeepingBytes = 64;

// Inflates one fragment of a compressed message: append output to `out`; on failure fill `error`
// and return false. `finalFragment` is true for the last piece of the message's input.
using InflateFragment
    = std::function<bool(QByteArrayView in, bool finalFragment, QByteArray& out, ProtocolViolation& error)>;

class MessageAssembler
{
public:
    explicit MessageAssembler(AssemblerLimits limits = {});

    // Set by the owner once permessage-deflate is negotiated (the codec lives elsewhere in the core).
    void setInflater(InflateFragment inflater) { m_inflater = std::move(inflater); }

    enum class Result { Pending, MessageReady, ControlReady, Violation };
    // `frame` has already passed the decoder's checks. A Close frame whose payload breaks §5.5.1
    // yields Violation (control() still holds the frame). After a violation every push is one.
    Result push(const Frame& frame);
    // Judges the first bytes of a data frame still arriving (FrameDecoder::partialFrame()), so a text
    // message fails at its first impossible UTF-8 byte even inside one long frame (RFC 6455 §8.1
    // "fail fast"). Only text is looked at: the new bytes since the last call are validated (inflated
    // first when compressed) and not again when push() gets the complete frame. Returns Pending or
    // Violation.
    Result pushPartial(const Frame& partial);

    const Message& message() const { return m_message; }
    const Frame& control() const { return m_control; }
    const ProtocolViolation& violation() const { return m_violation; }
    bool isMessageOpen() const { return m_open; }

private:
    Result pushControl(const Frame& frame);
    Result pushData(const Frame& frame);
    // The fragmentation rules of §5.4 for a data frame's header; starts a message on its first frame.
    bool acceptDataFrame(const FrameHeader& header);
    bool appendPlain(const QByteArray& payload, qsizetype alreadyValidated);
    bool appendInflated(QByteArrayView payload, bool finalFragment);
    bool validateText(QByteArrayView newBytes);
    // Fails with 1009 when `payloadBytes` of payload plus the fragments' bookkeeping exceed the budget.
    bool withinBudget(qint64 payloadBytes, const QString& rfc);
    Result fail(quint16 closeCode, const QString& reason, const QString& rfc);

    AssemblerLimits m_limits;
    InflateFragment m_inflater;
    bool m_open = false;
    bool m_failed = false;
    Message m_message;
    Utf8Validator m_utf8;
    // Payload bytes of the frame being received that pushPartial() has already judged; 0 when none.
    qsizetype m_partialJudged = 0;
    qint64 m_fragmentBookkeeping = 0; // of the message in progress: kFragmentBookkeepingBytes per extra fragment
    Frame m_control;
    ProtocolViolation m_violation;
};

} // namespace wsi
