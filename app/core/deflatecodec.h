#pragma once
// permessage-deflate (RFC 7692 §7.2): the streaming compressor and decompressor that both ends of a connection use
// once the extension is negotiated. Negotiation itself (parsing offers, accepting or declining) lives elsewhere;
// these classes only take its outcome.

#include "core/protocol.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QtGlobal>
#include <memory>

namespace wsi
{

// Compresses whole messages (or a message piece by piece) for one direction of a connection.
// Each message ends with a sync flush whose trailing 00 00 ff ff is removed (§7.2.1). With context takeover the
// LZ77 window carries over to the next message; with no_context_takeover every message starts afresh.
class MessageDeflater
{
public:
    // windowBits: the negotiated *_max_window_bits of this sender, 8..15. level: zlib level 0..9.
    MessageDeflater(int windowBits, bool noContextTakeover, int level = 6);
    ~MessageDeflater();
    MessageDeflater(MessageDeflater&&) noexcept;
    MessageDeflater& operator=(MessageDeflater&&) noexcept;

    // The payload of a compressed message sent in one frame.
    QByteArray compress(QByteArrayView message);
    // For a message sent as several frames: feed the pieces in order, the last one with final = true. Each piece is
    // sync-flushed, so every returned payload inflates to exactly its own piece; only the final one has its
    // 00 00 ff ff tail removed. The concatenated outputs equal one compressed message.
    QByteArray compressPart(QByteArrayView piece, bool final);

    // False when the parameters were invalid or zlib failed; compress() then returns an empty payload.
    bool ok() const;
    QString errorString() const;

    int windowBits() const { return m_windowBits; }
    bool noContextTakeover() const { return m_noContextTakeover; }

private:
    bool fail(const QString& reason);
    bool deflateInto(QByteArray& out, int flush);

    struct Stream;
    std::unique_ptr<Stream> m_stream;
    int m_windowBits = 15;
    bool m_noContextTakeover = false;
    QString m_error;
};

// Inflates the messages of one direction, fed fragment by fragment so that the size cap (and the caller's UTF-8
// check) can fail fast.
class MessageInflater
{
public:
    // windowBits: the negotiated *_max_window_bits of the sender, 8..15. maxMessageBytes caps the inflated size of
    // one message across all its fragments (negative values count as 0).
    MessageInflater(int windowBits, bool noContextTakeover, qint64 maxMessageBytes);
    ~MessageInflater();
    MessageInflater(MessageInflater&&) noexcept;
    MessageInflater& operator=(MessageInflater&&) noexcept;

    // Appends the inflated bytes of `compressed` to `out`. On the message's final fragment the 00 00 ff ff tail is
    // appended before inflating (§7.2.2) and, without context takeover, the window is reset afterwards.
    // Returns false on corrupt data (close code 1007) or when the inflated message would exceed maxMessageBytes
    // (close code 1009); inflation stops at the cap, so nothing beyond it is ever produced or allocated.
    // After a failure every further call returns false: the connection is to be closed.
    bool inflate(QByteArrayView compressed, bool finalFragment, QByteArray& out);

    // 0 while no error has happened; otherwise 1007, 1009, or 1011 when the inflater could not be set up.
    quint16 errorCloseCode() const { return m_closeCode; }
    QString errorString() const { return m_error; }
    // Inflated bytes of the current message; after its final fragment, the size of the whole message.
    qint64 messageBytesSoFar() const { return m_messageBytes; }
    qint64 maxMessageBytes() const { return m_maxMessageBytes; }
    int windowBits() const { return m_windowBits; }
    bool noContextTakeover() const { return m_noContextTakeover; }

private:
    bool feed(QByteArrayView input, qsizetype outLimit, QByteArray& out);
    bool inflatePending(qsizetype outLimit, QByteArray& out);
    static void appendWithin(QByteArray& out, const char* data, qsizetype size, qsizetype outLimit);
    bool restartKeepingWindow();
    bool fail(quint16 closeCode, const QString& reason);

    struct Stream;
    std::unique_ptr<Stream> m_stream;
    int m_windowBits = 15;
    bool m_noContextTakeover = false;
    qint64 m_maxMessageBytes = 0;
    qint64 m_messageBytes = 0;
    bool m_messageComplete = false;
    // True while nothing has been read since a final (BFINAL) block ended zlib's stream: a block boundary too.
    bool m_atStreamStart = false;
    quint16 m_closeCode = 0;
    QString m_error;
};

// Both directions of one endpoint, configured from the negotiated parameters: `self` compresses with its own
// window/context parameters and inflates with the peer's.
class DeflateSession
{
public:
    DeflateSession(Role self, const DeflateParams& params, qint64 maxMessageBytes, int level = 6);

    MessageDeflater& deflater() { return m_deflater; }
    MessageInflater& inflater() { return m_inflater; }
    Role role() const { return m_self; }
    const DeflateParams& params() const { return m_params; }

private:
    Role m_self;
    DeflateParams m_params;
    MessageDeflater m_deflater;
    MessageInflater m_inflater;
};

} // namespace wsi
