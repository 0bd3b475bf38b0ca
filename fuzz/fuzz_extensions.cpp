// Sec-WebSocket-Extensions values (the header class behind ws CVE-2021-32640): parsing must be
// linear and safe, what parses must survive a serialise/parse round trip unchanged, and the
// permessage-deflate negotiation on both sides must accept only what RFC 7692 allows.
#include "core/deflatenegotiation.h"
#include "core/extensions.h"

#include <cstdint>
#include <cstdlib>

using namespace wsi;

namespace
{

void checkParams(const DeflateParams& params)
{
    if (params.serverMaxWindowBits < 8 || params.serverMaxWindowBits > 15 || params.clientMaxWindowBits < 8
        || params.clientMaxWindowBits > 15)
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    const ExtensionList list = parseExtensions(bytes);
    if (!list.ok()) {
        if (list.errorOffset > bytes.size() || list.error.isEmpty())
            std::abort();
        return 0;
    }
    const ExtensionList again = parseExtensions(serializeExtensions(list.extensions));
    if (!again.ok() || again.extensions != list.extensions)
        std::abort();

    // The server's side: every configuration a policy can express.
    for (int bits : { 15, 9 }) {
        DeflateServerConfig config;
        config.serverMaxWindowBits = bits;
        config.clientMaxWindowBits = bits;
        config.serverNoContextTakeover = bits == 9;
        const DeflateAcceptance acceptance = acceptDeflate(list.extensions, config);
        if (acceptance.outcomes.isEmpty() && !list.extensions.isEmpty())
            std::abort(); // every offer gets a sentence
        if (acceptance.accepted) {
            checkParams(acceptance.params);
            // What the server answers must be what a client that sent these offers accepts.
            const DeflateResponseCheck check = validateDeflateResponse(acceptance.response, list.extensions);
            if (!check.ok || check.params != acceptance.params)
                std::abort();
        }
    }
    // The client's side: the bytes as a server's answer to the default offer and to a rich one.
    DeflateOffer rich;
    rich.serverNoContextTakeover = true;
    rich.clientNoContextTakeover = true;
    rich.serverMaxWindowBits = 10;
    rich.clientMaxWindowBits = 12;
    const QList<Extension> offers { makeDeflateOffer(rich), makeDeflateOffer() };
    for (const Extension& response : list.extensions) {
        const DeflateResponseCheck check = validateDeflateResponse(response, offers);
        if (check.ok)
            checkParams(check.params);
        else if (check.error.isEmpty())
            std::abort();
    }
    return 0;
}
