#pragma once
// HTTP/1.1 message heads (RFC 9112) as the opening handshake uses them: parsed incrementally from
// raw bytes with explicit limits, and serialised back byte for byte.
//
// Parsing policy (strict, because the job is to show what is wrong with a peer):
// - Lines end in CRLF. A bare LF is an error (RFC 9112 §2.2 lets recipients accept it; we report
//   it instead), as is a CR not followed by LF.
// - Whitespace between a field name and its colon is rejected (RFC 9112 §5.1 requires 400).
// - obs-fold (a line starting with SP/HTAB) is rejected with 400 (RFC 9112 §5.2).
// - Field values lose leading/trailing SP/HTAB; NUL, CR and other control bytes except HTAB are
//   errors (RFC 9110 §5.5). Bytes 0x80-0xFF (obs-text) are kept.
// - Limits are checked on every call, complete or not, so an oversized head fails early:
//   431 for too many bytes, too many fields or an overlong field line; 414 for an overlong
//   request line.

#include "core/headerlist.h"

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace wsi
{

struct HttpRequest {
    QByteArray method = "GET";
    QByteArray target = "/";
    QByteArray version = "HTTP/1.1";
    HeaderList headers;
    // Request line, fields, blank line.
    QByteArray serialize() const;
};

struct HttpResponse {
    QByteArray version = "HTTP/1.1";
    int status = 0;
    QByteArray reason;
    HeaderList headers;
    QByteArray body;
    // Status line, fields, blank line, then the body exactly as stored (no framing added).
    QByteArray serialize() const;
    QByteArray serializeHead() const;
};

struct HeadLimits {
    qint64 maxHeadBytes = 16 * 1024;
    int maxHeaderCount = 100;
    qint64 maxLineBytes = 8 * 1024;
};

enum class HeadState { Incomplete, Complete, Error };

struct ParseError {
    qsizetype offset = -1;
    QString message;
    int httpStatus = 400; // 400 malformed, 431 too large, 414 request target too long
};

template <typename T> struct HeadParse {
    HeadState state = HeadState::Incomplete;
    T value;
    ParseError error;
    qsizetype headBytes = 0; // bytes up to and including the blank line
};

HeadParse<HttpRequest> parseRequestHead(QByteArrayView bytes, const HeadLimits& limits = {});
HeadParse<HttpResponse> parseResponseHead(QByteArrayView bytes, const HeadLimits& limits = {});

// How the body of a response is delimited (RFC 9112 §6.3).
struct BodyFraming {
    enum Kind { None, ContentLength, Chunked, UntilClose } kind = None;
    qint64 length = 0; // for ContentLength
    // Set when the framing headers are contradictory or malformed; the kind is then the safest
    // way to keep reading (UntilClose), and the message says what was wrong.
    QString error;
};
BodyFraming bodyFraming(const HttpResponse& response);

// Decodes a chunked body (RFC 9112 §7.1) from the first byte after the head. Call again with
// all bytes received so far: Incomplete until the last chunk and trailer section have arrived.
// `consumed` counts the bytes that form the complete chunked body (valid when Complete).
struct ChunkedDecode {
    HeadState state = HeadState::Incomplete;
    QByteArray body;
    qsizetype consumed = 0;
    ParseError error;
};
ChunkedDecode decodeChunked(QByteArrayView bytes, qint64 maxBody);

// RFC 9110 §5.6.2 tchar.
bool isTokenChar(char c);
bool isToken(QByteArrayView text);

} // namespace wsi
