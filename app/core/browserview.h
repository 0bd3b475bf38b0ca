#pragma once
// What a web page would see: given a handshake and how the connection ended, the events and attributes that
// `new WebSocket(url, protocols)` reports, following the WHATWG WebSockets Standard and the Fetch Standard.
// A page sees far less than this program does: an HTTP refusal is only `error` then `close` 1006, never its
// status or body. The same judgement lists what a page cannot put in its request at all.

#include "core/checks.h"
#include "core/http.h"
#include "core/transcript.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QUrl>
#include <optional>

namespace wsi
{

struct BrowserViewInput {
    HttpRequest request; // the request as sent
    QUrl url; // where it was sent (ws or wss)
    bool keyChosen = false; // the Sec-WebSocket-Key was typed or fixed, not random
    std::optional<HttpResponse> response; // none: no answer (refused, DNS, TLS, timeout)
    QList<Finding> findings; // checkResponse(request, *response, url)
    std::optional<CloseRecord> close; // how the connection ended; none while it is open
};

struct BrowserEvent {
    enum class Type { Open, Error, Close };
    Type type = Type::Open;
    // Close only: the CloseEvent's fields.
    quint16 code = 0;
    QString reason {};
    bool wasClean = false;
    bool operator==(const BrowserEvent&) const = default;
};

// A part of the request a page cannot produce, and why.
struct UnsendableHeader {
    QByteArray name; // the header field, or "request line"
    QByteArray value; // as this request has it (empty when it is missing)
    QString reason {};
};

struct BrowserNote {
    QString text;
    QString reference; // "WHATWG WebSockets Standard, ...", "RFC 6455 §7.1.5"
};

struct BrowserView {
    QString syntaxError; // not empty: the constructor throws a SyntaxError and nothing else happens
    bool opens = false; // `open` fires
    QString protocol; // socket.protocol after open ("" otherwise)
    QString extensions; // socket.extensions after open
    QList<BrowserEvent> events; // in the order the page receives them
    QList<UnsendableHeader> unsendable;
    QList<BrowserNote> explanation;

    QJsonObject toJson() const;
};

BrowserView browserView(const BrowserViewInput& input);

// The parts of `request` a page's `new WebSocket(url, protocols)` cannot send as they are: every header but the
// subprotocol list is chosen by the browser (Host, Origin, Cookie, key, version, extension offer) or cannot be set
// at all (Authorization, any other field).
QList<UnsendableHeader> browserUnsendableHeaders(const HttpRequest& request, const QUrl& url, bool keyChosen);

// The extension offer Chromium and Firefox send: "permessage-deflate; client_max_window_bits".
QByteArray browserExtensionOffer();

// A port the Fetch Standard blocks ("bad port"): a connection there fails before anything is sent.
bool isBadPort(int port);

// Lines for a person: the constructor call, the events, what the page cannot send, why.
QString browserViewText(const BrowserView& view, const BrowserViewInput& input);

QString browserEventTypeName(BrowserEvent::Type type); // "open", "error", "close"

} // namespace wsi
