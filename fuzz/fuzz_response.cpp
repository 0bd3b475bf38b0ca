// Response heads and bodies as a client receives them: head parsing, body framing and chunked
// decoding must turn any bytes into a value or a sentence, never a crash or an unbounded body.
#include "core/checks.h"
#include "core/handshake.h"
#include "core/http.h"

#include <cstdint>
#include <cstdlib>

using namespace wsi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    const HeadParse<HttpResponse> head = parseResponseHead(bytes);
    if (head.state == HeadState::Error && (head.error.offset < 0 || head.error.offset > bytes.size()))
        std::abort();
    if (head.state != HeadState::Complete)
        return 0;
    if (head.headBytes <= 0 || head.headBytes > bytes.size())
        std::abort();

    HttpRequest request;
    request.headers.append("Host", "example.com");
    request.headers.append("Upgrade", "websocket");
    request.headers.append("Connection", "Upgrade");
    request.headers.append("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    request.headers.append("Sec-WebSocket-Version", "13");
    request.headers.append("Sec-WebSocket-Protocol", "chat, superchat");
    request.headers.append("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
    if (checkResponse(request, head.value).isEmpty())
        std::abort();

    const BodyFraming framing = bodyFraming(head.value);
    if (framing.kind == BodyFraming::Chunked) {
        constexpr qint64 maxBody = 4096;
        const ChunkedDecode chunked = decodeChunked(bytes.sliced(head.headBytes), maxBody);
        if (chunked.body.size() > maxBody)
            std::abort(); // the cap is the client's protection against an endless body
        if (chunked.state == HeadState::Complete && chunked.consumed > bytes.size() - head.headBytes)
            std::abort();
    }
    return 0;
}
