#include "core/deflatecodec.h"

#define ZLIB_CONST // lets zlib take pointers to const input
#include <algorithm>
#include <array>
#include <limits>
#include <zlib.h>

namespace wsi
{

namespace
{

constexpr int kMinWindowBits = 8;
constexpr int kMaxWindowBits = 15;
constexpr int kMaxWindowBytes = 1 << kMaxWindowBits;
// zlib counts bytes in uInt; longer inputs are handed over in slices of this size.
constexpr qsizetype kMaxSlice = qsizetype(1) << 30;
// Inflated output is produced in chunks of this size so the message cap is checked before anything larger exists.
constexpr qsizetype kInflateChunk = 16 * 1024;
// Room beyond deflateBound(): a sync flush adds an empty stored block (up to 3 bits of padding plus 4 bytes).
constexpr qsizetype kFlushSlack = 16;
constexpr qsizetype kMinDeflateRoom = 64;
// The empty stored block a sync flush ends with (§7.2.1); the sender drops it, the receiver puts it back (§7.2.2).
constexpr char kFlushTail[] = { '\x00', '\x00', '\xff', '\xff' };
constexpr QByteArrayView kFlushTailView(kFlushTail, sizeof kFlushTail);
// zlib sets this bit of z_stream::data_type when inflate() stopped between two DEFLATE blocks.
constexpr int kAtBlockBoundary = 128;

constexpr quint16 kCloseInvalidPayload = 1007;
constexpr quint16 kCloseMessageTooBig = 1009;
constexpr quint16 kCloseInternalError = 1011;

bool validWindowBits(int bits)
{
    return bits >= kMinWindowBits && bits <= kMaxWindowBits;
}

QString zlibReason(const z_stream& stream)
{
    return stream.msg ? QString::fromLatin1(stream.msg) : QStringLiteral("unknown zlib error");
}

// How large `out` may become during one inflate() call: its current size plus what is left of the message's
// allowance, saturated so that an effectively unlimited cap does not overflow.
qsizetype outputLimit(const QByteArray& out, qint64 allowance)
{
    const qint64 headroom = std::numeric_limits<qsizetype>::max() - out.size();
    return out.size() + qsizetype(std::min(allowance, headroom));
}

} // namespace

// The z_stream lives behind a pointer: zlib keeps a pointer back to it, so it must never move in memory.
struct MessageDeflater::Stream {
    z_stream z {};
    bool initialised = false;
    ~Stream()
    {
        if (initialised)
            deflateEnd(&z);
    }
};

struct MessageInflater::Stream {
    z_stream z {};
    bool initialised = false;
    ~Stream()
    {
        if (initialised)
            inflateEnd(&z);
    }
};

// ---------------------------------------------------------------------------------------------------------------
// MessageDeflater

MessageDeflater::MessageDeflater(int windowBits, bool noContextTakeover, int level)
    : m_stream(std::make_unique<Stream>())
    , m_windowBits(windowBits)
    , m_noContextTakeover(noContextTakeover)
{
    if (!validWindowBits(windowBits)) {
        fail(QStringLiteral("Window bits must be between 8 and 15 (RFC 7692 §7.1.2), not %1.").arg(windowBits));
        return;
    }
    if (level < 0 || level > 9) {
        fail(QStringLiteral("The compression level must be between 0 and 9, not %1.").arg(level));
        return;
    }
    // zlib's deflate has no 256-byte window: deflateInit2() refuses -8 for raw deflate. A 512-byte window would
    // be allowed to reach farther back than a peer that negotiated 8 bits keeps. (Today's zlib happens to stop at
    // 250 bytes for a 512-byte window because it reserves lookahead, but that is undocumented.) So for 8 bits we use
    // Z_RLE, whose matches are documented to look exactly one byte back ("limit match distances to one"), valid in
    // any window; it still encodes runs and entropy-codes literals. The 512-byte window zlib is given is only the
    // minimum it accepts and is never reached into.
    const bool eightBitWindow = windowBits == kMinWindowBits;
    const int zlibWindowBits = eightBitWindow ? kMinWindowBits + 1 : windowBits;
    const int strategy = eightBitWindow ? Z_RLE : Z_DEFAULT_STRATEGY;
    constexpr int kMemLevel = 8; // zlib's default: a good balance of speed and memory
    if (deflateInit2(&m_stream->z, level, Z_DEFLATED, -zlibWindowBits, kMemLevel, strategy) != Z_OK) {
        fail(QStringLiteral("zlib could not set up a compressor (%1).").arg(zlibReason(m_stream->z)));
        return;
    }
    m_stream->initialised = true;
}

MessageDeflater::~MessageDeflater() = default;
MessageDeflater::MessageDeflater(MessageDeflater&&) noexcept = default;
MessageDeflater& MessageDeflater::operator=(MessageDeflater&&) noexcept = default;

bool MessageDeflater::ok() const
{
    return m_error.isEmpty();
}

QString MessageDeflater::errorString() const
{
    return m_error;
}

bool MessageDeflater::fail(const QString& reason)
{
    m_error = reason;
    return false;
}

QByteArray MessageDeflater::compress(QByteArrayView message)
{
    return compressPart(message, true);
}

QByteArray MessageDeflater::compressPart(QByteArrayView piece, bool final)
{
    QByteArray out;
    if (!ok())
        return out;
    z_stream& z = m_stream->z;
    qsizetype offset = 0;
    do {
        const qsizetype slice = std::min(piece.size() - offset, kMaxSlice);
        z.next_in = reinterpret_cast<const Bytef*>(piece.data() + offset);
        z.avail_in = uInt(slice);
        offset += slice;
        const bool lastSlice = offset == piece.size();
        if (!deflateInto(out, lastSlice ? Z_SYNC_FLUSH : Z_NO_FLUSH))
            return {};
    } while (offset < piece.size());

    if (!final)
        return out;
    if (out.endsWith(kFlushTailView)) {
        out.chop(kFlushTailView.size());
    } else if (out.isEmpty()) {
        // zlib emits nothing for a flush right after a flush (an empty last piece). The payload must still
        // become a complete empty stored block once the receiver appends 00 00 ff ff: its header byte is 00
        // (RFC 7692 §7.2.3.6).
        out.append('\0');
    } else {
        fail(QStringLiteral("zlib did not end the message with a sync flush."));
        return {};
    }
    if (m_noContextTakeover && deflateReset(&z) != Z_OK) {
        fail(QStringLiteral("zlib could not reset the compressor between messages."));
        return {};
    }
    return out;
}

// Runs deflate() over the pending input, appending to `out` until zlib has nothing more to write.
bool MessageDeflater::deflateInto(QByteArray& out, int flush)
{
    z_stream& z = m_stream->z;
    do {
        const qsizetype used = out.size();
        const qsizetype room = std::max(qsizetype(deflateBound(&z, z.avail_in)) + kFlushSlack, kMinDeflateRoom);
        out.resize(used + room);
        z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
        z.avail_out = uInt(room);
        const int rc = deflate(&z, flush);
        out.resize(used + room - qsizetype(z.avail_out));
        // Z_BUF_ERROR only says there was nothing new to write, e.g. a second sync flush in a row.
        if (rc != Z_OK && rc != Z_BUF_ERROR)
            return fail(QStringLiteral("zlib failed while compressing (%1).").arg(zlibReason(z)));
    } while (z.avail_out == 0);
    return true;
}

// ---------------------------------------------------------------------------------------------------------------
// MessageInflater

MessageInflater::MessageInflater(int windowBits, bool noContextTakeover, qint64 maxMessageBytes)
    : m_stream(std::make_unique<Stream>())
    , m_windowBits(windowBits)
    , m_noContextTakeover(noContextTakeover)
    , m_maxMessageBytes(std::max<qint64>(0, maxMessageBytes))
{
    if (!validWindowBits(windowBits)) {
        fail(kCloseInternalError,
            QStringLiteral("Window bits must be between 8 and 15 (RFC 7692 §7.1.2), not %1.").arg(windowBits));
        return;
    }
    // Always inflate with the largest window. Every stream that is valid for a smaller window decodes the same
    // with it, whereas zlib would only notice a reference beyond a smaller window when the reference happens to
    // cross the boundary of one of our output chunks; whether a message is accepted must not depend on chunking.
    if (inflateInit2(&m_stream->z, -kMaxWindowBits) != Z_OK) {
        fail(kCloseInternalError, QStringLiteral("zlib could not set up a decompressor."));
        return;
    }
    m_stream->initialised = true;
}

MessageInflater::~MessageInflater() = default;
MessageInflater::MessageInflater(MessageInflater&&) noexcept = default;
MessageInflater& MessageInflater::operator=(MessageInflater&&) noexcept = default;

bool MessageInflater::fail(quint16 closeCode, const QString& reason)
{
    m_closeCode = closeCode;
    m_error = reason;
    return false;
}

bool MessageInflater::inflate(QByteArrayView compressed, bool finalFragment, QByteArray& out)
{
    if (m_closeCode != 0)
        return false;
    if (m_messageComplete) {
        m_messageBytes = 0;
        m_messageComplete = false;
    }
    const qsizetype outLimit = outputLimit(out, m_maxMessageBytes - m_messageBytes);
    if (!feed(compressed, outLimit, out))
        return false;
    if (!finalFragment)
        return true;
    if (!feed(kFlushTailView, outLimit, out))
        return false;
    const bool atBoundary = (m_stream->z.data_type & kAtBlockBoundary) || m_atStreamStart;
    if (!atBoundary) {
        return fail(kCloseInvalidPayload,
            QStringLiteral("The compressed message ends in the middle of a DEFLATE block, so it cannot be "
                           "decompressed completely."));
    }
    m_messageComplete = true;
    if (m_noContextTakeover && inflateReset(&m_stream->z) != Z_OK)
        return fail(kCloseInternalError, QStringLiteral("zlib could not reset the decompressor between messages."));
    return true;
}

bool MessageInflater::feed(QByteArrayView input, qsizetype outLimit, QByteArray& out)
{
    z_stream& z = m_stream->z;
    qsizetype offset = 0;
    do {
        const qsizetype slice = std::min(input.size() - offset, kMaxSlice);
        z.next_in = reinterpret_cast<const Bytef*>(input.data() + offset);
        z.avail_in = uInt(slice);
        offset += slice;
        if (!inflatePending(outLimit, out))
            return false;
    } while (offset < input.size());
    return true;
}

// Inflates the input zlib holds, one bounded chunk at a time, stopping at the message cap.
bool MessageInflater::inflatePending(qsizetype outLimit, QByteArray& out)
{
    z_stream& z = m_stream->z;
    std::array<char, kInflateChunk> chunk;
    for (;;) {
        const qint64 allowance = m_maxMessageBytes - m_messageBytes;
        // At the cap one byte of room still tells whether the message really goes on.
        const uInt room = uInt(std::clamp<qint64>(allowance, 1, kInflateChunk));
        z.next_out = reinterpret_cast<Bytef*>(chunk.data());
        z.avail_out = room;
        const uInt inputBefore = z.avail_in;
        const int rc = ::inflate(&z, Z_NO_FLUSH);
        if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
            return fail(kCloseInvalidPayload,
                QStringLiteral("The compressed message is not valid DEFLATE data (zlib: %1).").arg(zlibReason(z)));
        }
        if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
            return fail(
                kCloseInternalError, QStringLiteral("zlib failed while decompressing (%1).").arg(zlibReason(z)));
        const qsizetype produced = qsizetype(room - z.avail_out);
        if (produced > allowance) {
            return fail(kCloseMessageTooBig,
                QStringLiteral("The message inflates to more than %1 bytes, the limit for one message.")
                    .arg(m_maxMessageBytes));
        }
        if (produced > 0 || z.avail_in != inputBefore)
            m_atStreamStart = false;
        appendWithin(out, chunk.data(), produced, outLimit);
        m_messageBytes += produced;
        if (rc == Z_STREAM_END) {
            if (!restartKeepingWindow())
                return false;
            if (z.avail_in == 0)
                return true;
            continue;
        }
        // Output room left over means zlib ran out of input.
        if (z.avail_out != 0)
            return true;
    }
}

// Grows `out` geometrically, as append() would, but never past the message's limit: a message that stops short
// of the cap must not make us allocate far beyond it either.
void MessageInflater::appendWithin(QByteArray& out, const char* data, qsizetype size, qsizetype outLimit)
{
    const qsizetype needed = out.size() + size;
    if (needed > out.capacity())
        out.reserve(std::max(needed, std::min(2 * out.capacity(), outLimit)));
    out.append(data, size);
}

// A DEFLATE block with BFINAL set ends zlib's stream, yet RFC 7692 §7.2.1 lets further blocks follow it, and the
// LZ77 window still carries over. So start a new stream and hand it the window the old one had.
bool MessageInflater::restartKeepingWindow()
{
    z_stream& z = m_stream->z;
    std::array<Bytef, kMaxWindowBytes> window;
    uInt length = 0;
    const bool restarted = inflateGetDictionary(&z, window.data(), &length) == Z_OK && inflateReset(&z) == Z_OK
        && (length == 0 || inflateSetDictionary(&z, window.data(), length) == Z_OK);
    if (!restarted)
        return fail(kCloseInternalError, QStringLiteral("zlib could not continue after a final DEFLATE block."));
    m_atStreamStart = true;
    return true;
}

// ---------------------------------------------------------------------------------------------------------------
// DeflateSession

DeflateSession::DeflateSession(Role self, const DeflateParams& params, qint64 maxMessageBytes, int level)
    : m_self(self)
    , m_params(params)
    , m_deflater(params.windowBitsFor(self), params.noContextTakeoverFor(self), level)
    , m_inflater(params.windowBitsFor(peerOf(self)), params.noContextTakeoverFor(peerOf(self)), maxMessageBytes)
{
}

} // namespace wsi
