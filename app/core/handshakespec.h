#pragma once
// What the user asks the client to send: a URL, an ordered header table whose rows can be switched
// off, and helper fields (subprotocols, deflate, origin, cookie, token, key, version) that own
// particular rows. Helpers and rows are kept in step by the two sync functions, so the GUI's form
// and table, the CLI flags and a saved profile are all the same value.

#include "core/deflatenegotiation.h"
#include "core/http.h"

#include <QJsonObject>
#include <QUrl>
#include <optional>

namespace wsi
{

struct HeaderRow {
    QByteArray name;
    QByteArray value;
    bool enabled = true;
    bool operator==(const HeaderRow&) const = default;
};

// Where the client puts its token. Query: a URL parameter (what a browser can do); Bearer: Authorization
// (RFC 6750 §2.1); Cookie: one cookie, after any the Cookie helper sends; Protocol: one Sec-WebSocket-Protocol item
// PREFIX+token, after the offered subprotocols (the other header a browser lets a page set).
enum class TokenPlacement { Query, Bearer, Cookie, Protocol };
enum class KeyMode { Auto, Fixed };

struct HandshakeSpec {
    QString url = QStringLiteral("ws://127.0.0.1:9001/");
    QList<QByteArray> protocols; // offered in this order
    bool deflate = false;
    DeflateOffer deflateOffer;
    QByteArray origin; // empty: no Origin header
    QByteArray cookie; // empty: no Cookie header
    QByteArray token; // empty: no token
    TokenPlacement tokenPlacement = TokenPlacement::Query;
    // Each placement keeps its own name, so switching between them does not carry a name where it means nothing.
    QByteArray tokenQueryName = "token"; // the URL parameter
    QByteArray tokenCookieName = "session"; // the cookie
    QByteArray tokenProtocolPrefix = "token."; // the subprotocol item is this followed by the token
    KeyMode keyMode = KeyMode::Auto;
    QByteArray fixedKey; // used when keyMode is Fixed, sent as typed
    QByteArray version = "13";
    QList<HeaderRow> rows; // the request's headers, in order
    bool rawMode = false; // send rawRequest byte for byte instead of building
    QByteArray rawRequest;

    // A spec with the standard rows (Host, Upgrade, Connection, key, version) for `url`.
    static HandshakeSpec withDefaults(const QString& url);

    // Rewrites the rows the helpers own (Host, Sec-WebSocket-Key/-Version/-Protocol/-Extensions,
    // Origin, Cookie, Authorization) to match the helpers. Other rows, the order and the on/off
    // switches are kept; a missing row is inserted where it belongs; a row whose helper is empty goes.
    void syncRowsFromHelpers();
    // The reverse, after the user edited the table: the first row of each helper-owned name
    // decides the helper's value (a missing row clears it). A token placed in a cookie or a subprotocol item is
    // the last cookie of its name or the last item with its prefix; the rest stay the Cookie and subprotocol
    // helpers' own.
    void syncHelpersFromRows();

    QJsonObject toJson() const;
    // Strict, like the server policy: a key present with the wrong type or out of range, or a key that is not
    // a spec setting, is an error naming the dotted key ("deflate.serverMaxWindowBits" must be a whole number
    // from 8 to 15, not 16). A profile file's "name" and "description" strings are allowed (profiles read them).
    static std::optional<HandshakeSpec> fromJson(const QJsonObject& json, QString* error = nullptr);
    bool operator==(const HandshakeSpec&) const;
};

// Why a row cannot be sent as structured input (empty string when it can): CR, LF or NUL would
// let a value start a new header or end the head early (header injection), and a name must be a token.
QString rowProblem(const HeaderRow& row);

// The Host header a client derives from a ws, wss, http or https URL (RFC 9110 §7.2: the port only when it is not
// the scheme's default).
QByteArray hostHeaderFor(const QUrl& url);

struct BuiltRequest {
    QByteArray bytes; // exactly what will be written
    HttpRequest request; // the same, parsed (best effort in raw mode)
    QByteArray key; // the Sec-WebSocket-Key actually sent (empty if none)
    QUrl url;
    QString host; // to connect to
    quint16 port = 0;
    bool tls = false;
    QString error; // non-empty: nothing should be sent
    bool ok() const { return error.isEmpty(); }
};

// `sixteenRandomBytes` seeds the key in KeyMode::Auto (the caller owns randomness).
BuiltRequest buildRequest(const HandshakeSpec& spec, QByteArrayView sixteenRandomBytes);

} // namespace wsi
