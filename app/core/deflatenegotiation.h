#pragma once
// permessage-deflate negotiation (RFC 7692 §7): building the client's offer, the server's choice
// among offers, and the client's validation of the answer. Compression itself lives elsewhere.
//
// Parameter names are matched exactly (they are defined in lower case); a quoted value such as
// server_max_window_bits="10" has been unquoted by the extension parser and is judged as 10.

#include "core/extensions.h"
#include "core/protocol.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace wsi
{

inline constexpr QByteArrayView kPermessageDeflate = "permessage-deflate";

struct DeflateOffer {
    bool serverNoContextTakeover = false;
    bool clientNoContextTakeover = false;
    std::optional<int> serverMaxWindowBits;
    // Announce that the client can limit its own window; with clientMaxWindowBits it carries a value.
    bool offerClientMaxWindowBits = true;
    std::optional<int> clientMaxWindowBits;
};
// Default: "permessage-deflate; client_max_window_bits".
Extension makeDeflateOffer(const DeflateOffer& offer = {});

struct DeflateServerConfig {
    bool enabled = true;
    bool serverNoContextTakeover = false;
    bool clientNoContextTakeover = false;
    int serverMaxWindowBits = 15;
    // Below 15 the server needs the client to limit its window, which only an offer carrying
    // client_max_window_bits allows (RFC 7692 §7.1.2.2); other offers are declined.
    int clientMaxWindowBits = 15;
};

// What the server made of one offer in Sec-WebSocket-Extensions.
struct DeflateOfferOutcome {
    enum class Verdict { Ignored, Declined, NotConsidered, Accepted };
    Verdict verdict = Verdict::Ignored;
    qsizetype offer = 0; // index into the offers
    QString text; // one sentence: accepted how, or declined why, citing RFC 7692
    QString rfc; // the section the sentence rests on
};

struct DeflateAcceptance {
    bool accepted = false;
    Extension response;
    DeflateParams params;
    QList<DeflateOfferOutcome> outcomes; // one per offer, in order
    QStringList sentences() const; // the outcomes' texts
};
// Considers the offers in order and accepts the first permessage-deflate offer it can honour.
DeflateAcceptance acceptDeflate(const QList<Extension>& offers, const DeflateServerConfig& config);

struct DeflateResponseCheck {
    bool ok = false;
    DeflateParams params;
    QString error;
};
// What a client verifies about the server's permessage-deflate answer against what it offered.
DeflateResponseCheck validateDeflateResponse(const Extension& response, const QList<Extension>& offers);

} // namespace wsi
