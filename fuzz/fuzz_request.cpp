// Request heads as a server receives them: the parser must turn any bytes into a value or an
// error with an offset inside the input, never crash, and give the same answer however the bytes
// were split across reads (the server re-parses the growing buffer on each read). The server's
// decision follows: every parsed request gets an answer, every error a refusal.
#include "core/checks.h"
#include "core/decisionpipeline.h"
#include "core/handshake.h"
#include "core/http.h"

#include <cstdint>
#include <cstdlib>

using namespace wsi;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    // Small limits reach every limit branch with short inputs; default ones cover the rest.
    HeadLimits tight;
    tight.maxHeadBytes = 256;
    tight.maxHeaderCount = 6;
    tight.maxLineBytes = 64;
    for (const HeadLimits& limits : { HeadLimits {}, tight }) {
        const HeadParse<HttpRequest> whole = parseRequestHead(bytes, limits);
        if (whole.state == HeadState::Error && (whole.error.offset < 0 || whole.error.offset > bytes.size()))
            std::abort(); // an error must point into the input
        if (whole.state == HeadState::Complete) {
            if (whole.headBytes <= 0 || whole.headBytes > bytes.size())
                std::abort();
            // Every check must cope with whatever the parser accepted.
            const QList<Finding> findings = checkRequest(whole.value);
            if (findings.isEmpty())
                std::abort();
            (void)whole.value.serialize();
            static const ServerPolicy strict = [] {
                ServerPolicy policy;
                policy.protocols = { "chat", "superchat" };
                policy.noProtocolMatch = NoProtocolMatch::Reject;
                policy.allowedOrigins = { "http://example.com" };
                policy.token = "secret";
                policy.deflate.serverMaxWindowBits = 10;
                policy.deflate.clientMaxWindowBits = 9;
                return policy;
            }();
            for (const ServerPolicy& policy : { ServerPolicy {}, strict }) {
                const Decision decision = decide(whole.value, policy);
                if (decision.upgrade != (decision.response.status == 101) || decision.trace.isEmpty())
                    std::abort();
                (void)decision.response.serialize();
            }
        } else if (whole.state == HeadState::Error) {
            const Decision refusal = rejectUnparsable(whole.error);
            if (refusal.upgrade || refusal.response.status < 400)
                std::abort();
        }
        // A prefix never completes earlier than the whole: a complete head is found at the same place.
        if (size > 1) {
            const HeadParse<HttpRequest> prefix = parseRequestHead(bytes.first(bytes.size() / 2), limits);
            if (prefix.state == HeadState::Complete
                && (whole.state != HeadState::Complete || prefix.headBytes != whole.headBytes))
                std::abort();
        }
    }
    return 0;
}
