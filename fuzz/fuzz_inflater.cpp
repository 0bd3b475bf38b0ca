// permessage-deflate inflation of hostile input: corrupt streams must fail with 1007, bombs must
// stop at the cap with 1009, and nothing may be produced beyond the cap. The first byte picks the
// window bits, context takeover and the cap; the rest is split into fragments and messages at
// 0xFF-marker boundaries so several messages share (or reset) one window.
#include "core/deflatecodec.h"

#include <cstdint>
#include <cstdlib>

using namespace wsi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 2)
        return 0;
    const int windowBits = 8 + (data[0] & 7);
    const bool noContextTakeover = data[0] & 0x08;
    const qint64 cap = (data[0] & 0x10) ? 64 : 64 * 1024;
    const int fragmentBytes = 1 + data[1] % 64;
    MessageInflater inflater(windowBits, noContextTakeover, cap);

    const QByteArrayView input(reinterpret_cast<const char*>(data + 2), qsizetype(size - 2));
    qsizetype position = 0;
    while (position <= input.size()) {
        // A message runs to the next "\xff\xfe" marker (or the end), so one input holds several messages.
        qsizetype end = input.indexOf(QByteArrayView("\xff\xfe", 2), position);
        if (end < 0)
            end = input.size();
        const QByteArrayView message = input.sliced(position, end - position);
        QByteArray out;
        bool ok = true;
        qsizetype offset = 0;
        do {
            const qsizetype take = std::min<qsizetype>(fragmentBytes, message.size() - offset);
            const bool final = offset + take == message.size();
            ok = inflater.inflate(message.sliced(offset, take), final, out);
            offset += take;
            if (out.size() > cap)
                std::abort(); // never beyond the cap
        } while (ok && offset < message.size());
        if (!ok) {
            const quint16 code = inflater.errorCloseCode();
            if ((code != 1007 && code != 1009) || inflater.errorString().isEmpty())
                std::abort();
            QByteArray more;
            if (inflater.inflate(QByteArrayView("\x00", 1), true, more))
                std::abort(); // failure is sticky
            return 0;
        }
        if (inflater.messageBytesSoFar() != out.size())
            std::abort();
        position = end + 2;
    }
    return 0;
}
