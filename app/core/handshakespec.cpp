#include "core/handshakespec.h"

#include "core/extensions.h"
#include "core/handshake.h"
#include "core/jsonreader.h"

#include <QJsonArray>

namespace wsi
{

namespace
{
// Rows owned by helper fields, in the order a fresh request lists them.
const QList<QByteArray>& helperRowNames()
{
    static const QList<QByteArray> names { "Host", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
        "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin", "Cookie", "Authorization" };
    return names;
}

// The JSON words of TokenPlacement, in its order.
const QStringList& tokenPlacementWords()
{
    static const QStringList words { QStringLiteral("query"), QStringLiteral("bearer"), QStringLiteral("cookie"),
        QStringLiteral("protocol") };
    return words;
}

bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

// The row a helper reads and writes: the first switched-on row of that name. A switched-off
// row is the user's to keep; it drives nothing.
qsizetype findEnabledRow(const QList<HeaderRow>& rows, QByteArrayView name)
{
    for (qsizetype i = 0; i < rows.size(); ++i) {
        if (rows.at(i).enabled && sameName(rows.at(i).name, name))
            return i;
    }
    return -1;
}

QByteArray bearerToken(QByteArrayView authorization)
{
    const QByteArrayView prefix = "Bearer ";
    if (authorization.size() > prefix.size() && sameName(authorization.first(prefix.size()), prefix))
        return authorization.sliced(prefix.size()).trimmed().toByteArray();
    return {};
}

// The cookie-pairs of a Cookie value ("a=1; b=2", RFC 6265 §4.2.1), trimmed, empty ones dropped.
QList<QByteArray> cookiePairs(QByteArrayView value)
{
    QList<QByteArray> pairs;
    for (const QByteArray& pair : value.toByteArray().split(';')) {
        if (const QByteArray trimmed = pair.trimmed(); !trimmed.isEmpty())
            pairs.append(trimmed);
    }
    return pairs;
}

bool isDeflate(const Extension& e)
{
    return sameName(e.name, "permessage-deflate");
}

DeflateOffer offerFrom(const Extension& e)
{
    DeflateOffer offer;
    offer.serverNoContextTakeover = e.hasParam("server_no_context_takeover");
    offer.clientNoContextTakeover = e.hasParam("client_no_context_takeover");
    // Only a value the helper can hold (8 to 15, RFC 7692 §7.1.2) is the helper's; a row typed with
    // another value keeps it as typed, and the spec (and its JSON) never holds one out of range.
    const auto windowBits = [&e](QByteArrayView param) -> std::optional<int> {
        bool ok = false;
        const int bits = e.paramValue(param).value_or(QByteArray()).toInt(&ok);
        return ok && bits >= 8 && bits <= 15 ? std::optional(bits) : std::nullopt;
    };
    offer.serverMaxWindowBits = windowBits("server_max_window_bits");
    offer.offerClientMaxWindowBits = e.hasParam("client_max_window_bits");
    offer.clientMaxWindowBits = windowBits("client_max_window_bits");
    return offer;
}

bool sameOffer(const DeflateOffer& a, const DeflateOffer& b)
{
    return a.serverNoContextTakeover == b.serverNoContextTakeover
        && a.clientNoContextTakeover == b.clientNoContextTakeover && a.serverMaxWindowBits == b.serverMaxWindowBits
        && a.offerClientMaxWindowBits == b.offerClientMaxWindowBits && a.clientMaxWindowBits == b.clientMaxWindowBits;
}

// The Sec-WebSocket-Extensions value. The row is edited in place: its first permessage-deflate
// offer is replaced only when the helper asks for something different (so a hand-typed
// `server_max_window_bits=09` survives), and every other offer keeps its text and position —
// order is preference (RFC 6455 §9.1), later deflate offers are fallbacks (RFC 7692 §5).
// nullopt: the row does not parse, so it is left exactly as typed.
std::optional<QByteArray> extensionsValue(const HandshakeSpec& spec, QByteArrayView currentRowValue)
{
    const ExtensionList current
        = currentRowValue.trimmed().isEmpty() ? ExtensionList {} : parseExtensions(currentRowValue);
    if (!current.ok())
        return std::nullopt;
    QList<Extension> list;
    bool deflateSeen = false;
    for (const Extension& e : current.extensions) {
        if (isDeflate(e) && !deflateSeen) {
            deflateSeen = true;
            if (spec.deflate)
                list.append(sameOffer(offerFrom(e), spec.deflateOffer) ? e : makeDeflateOffer(spec.deflateOffer));
            continue;
        }
        list.append(e);
    }
    if (spec.deflate && !deflateSeen)
        list.prepend(makeDeflateOffer(spec.deflateOffer));
    return serializeExtensions(list);
}

// The value the helper wants for a row, or nullopt when the helper leaves that row alone.
std::optional<QByteArray> helperValue(const HandshakeSpec& spec, QByteArrayView name, QByteArrayView current)
{
    if (sameName(name, "Host")) {
        const QUrl url(spec.url);
        return url.isValid() && !url.host().isEmpty() ? std::optional(hostHeaderFor(url)) : std::nullopt;
    }
    if (sameName(name, "Sec-WebSocket-Key"))
        return spec.keyMode == KeyMode::Fixed ? spec.fixedKey : QByteArray();
    if (sameName(name, "Sec-WebSocket-Version"))
        return spec.version;
    if (sameName(name, "Sec-WebSocket-Protocol")) {
        QList<QByteArray> items = spec.protocols;
        if (spec.tokenPlacement == TokenPlacement::Protocol && !spec.token.isEmpty())
            items.append(spec.tokenProtocolPrefix + spec.token);
        return items.join(", ");
    }
    if (sameName(name, "Sec-WebSocket-Extensions"))
        return extensionsValue(spec, current);
    if (sameName(name, "Origin"))
        return spec.origin;
    if (sameName(name, "Cookie")) {
        if (spec.tokenPlacement != TokenPlacement::Cookie || spec.token.isEmpty())
            return spec.cookie;
        const QByteArray tokenCookie = spec.tokenCookieName + '=' + spec.token;
        return spec.cookie.trimmed().isEmpty() ? tokenCookie : spec.cookie + "; " + tokenCookie;
    }
    if (sameName(name, "Authorization")) {
        // Only a bearer token is the helper's; any other scheme typed by hand is left alone.
        if (!current.isEmpty() && bearerToken(current).isEmpty())
            return std::nullopt;
        return spec.tokenPlacement == TokenPlacement::Bearer && !spec.token.isEmpty() ? "Bearer " + spec.token
                                                                                      : QByteArray();
    }
    return std::nullopt;
}

// An empty value removes the row, except for the key row, whose empty value means "generate one".
bool keepsEmptyRow(QByteArrayView name)
{
    return sameName(name, "Sec-WebSocket-Key");
}
} // namespace

QByteArray hostHeaderFor(const QUrl& url)
{
    QByteArray host = url.host(QUrl::FullyEncoded).toUtf8();
    if (host.contains(':'))
        host = '[' + host + ']'; // IPv6 literal
    const bool tls = url.scheme() == QLatin1String("wss") || url.scheme() == QLatin1String("https");
    const int port = url.port(-1);
    if (port != -1 && port != (tls ? 443 : 80))
        host += ':' + QByteArray::number(port);
    return host;
}

HandshakeSpec HandshakeSpec::withDefaults(const QString& url)
{
    HandshakeSpec spec;
    spec.url = url;
    spec.rows = { { "Host", {} }, { "Upgrade", "websocket" }, { "Connection", "Upgrade" }, { "Sec-WebSocket-Key", {} },
        { "Sec-WebSocket-Version", "13" } };
    spec.syncRowsFromHelpers();
    return spec;
}

void HandshakeSpec::syncRowsFromHelpers()
{
    const QList<QByteArray>& names = helperRowNames();
    for (qsizetype n = 0; n < names.size(); ++n) {
        const QByteArray& name = names.at(n);
        const qsizetype at = findEnabledRow(rows, name);
        const auto wanted = helperValue(*this, name, at >= 0 ? QByteArrayView(rows.at(at).value) : QByteArrayView());
        if (!wanted)
            continue;
        if (wanted->isEmpty() && !keepsEmptyRow(name)) {
            if (at >= 0)
                rows.removeAt(at);
            continue;
        }
        if (at >= 0) {
            rows[at].value = *wanted;
            continue;
        }
        // Insert after the nearest helper row that precedes this one in the standard order.
        qsizetype insertAt = 0;
        for (qsizetype p = n - 1; p >= 0; --p) {
            const qsizetype prev = findEnabledRow(rows, names.at(p));
            if (prev >= 0) {
                insertAt = prev + 1;
                break;
            }
        }
        if (insertAt == 0 && n > 0)
            insertAt = rows.size(); // none of the earlier helper rows is present: append
        rows.insert(insertAt, HeaderRow { name, *wanted, true });
    }
}

void HandshakeSpec::syncHelpersFromRows()
{
    auto rowValue = [this](QByteArrayView name) -> std::optional<QByteArray> {
        const qsizetype at = findEnabledRow(rows, name);
        return at >= 0 ? std::optional(rows.at(at).value) : std::nullopt;
    };
    // A bearer row typed in the table moves the token there, before the other placements are read back.
    const QByteArray bearer = bearerToken(rowValue("Authorization").value_or(QByteArray()));
    if (!bearer.isEmpty()) {
        token = bearer;
        tokenPlacement = TokenPlacement::Bearer;
    } else if (tokenPlacement == TokenPlacement::Bearer) {
        token.clear();
    }
    const auto key = rowValue("Sec-WebSocket-Key");
    keyMode = key && !key->isEmpty() ? KeyMode::Fixed : KeyMode::Auto;
    if (keyMode == KeyMode::Fixed)
        fixedKey = *key;
    version = rowValue("Sec-WebSocket-Version").value_or(QByteArray());
    protocols = parseTokenList(rowValue("Sec-WebSocket-Protocol").value_or(QByteArray())).tokens;
    if (tokenPlacement == TokenPlacement::Protocol) {
        // The token item is added last, so the last item with the prefix is it; earlier ones were offered.
        token.clear();
        for (qsizetype i = protocols.size() - 1; i >= 0; --i) {
            const QByteArray& item = protocols.at(i);
            if (item.size() > tokenProtocolPrefix.size() && item.startsWith(tokenProtocolPrefix)) {
                token = item.sliced(tokenProtocolPrefix.size());
                protocols.removeAt(i);
                break;
            }
        }
    }
    deflate = false;
    for (const Extension& e : parseExtensions(rowValue("Sec-WebSocket-Extensions").value_or(QByteArray())).extensions) {
        if (isDeflate(e)) {
            deflate = true;
            deflateOffer = offerFrom(e);
            break;
        }
    }
    origin = rowValue("Origin").value_or(QByteArray());
    cookie = rowValue("Cookie").value_or(QByteArray());
    if (tokenPlacement == TokenPlacement::Cookie) {
        // As with subprotocols, the token's cookie is appended last: the last cookie of its name is it.
        token.clear();
        QList<QByteArray> pairs = cookiePairs(cookie);
        const QByteArray tokenPrefix = tokenCookieName + '=';
        for (qsizetype i = pairs.size() - 1; i >= 0; --i) {
            if (pairs.at(i).size() > tokenPrefix.size() && pairs.at(i).startsWith(tokenPrefix)) {
                token = pairs.at(i).sliced(tokenPrefix.size());
                pairs.removeAt(i);
                cookie = pairs.join("; ");
                break;
            }
        }
    }
}

namespace
{
// A character that cannot be in a header name, named the way a person would say it.
QString nameCharacterName(char c)
{
    switch (c) {
    case ' ':
        return QStringLiteral("a space");
    case '\t':
        return QStringLiteral("a tab");
    case ':':
        return QStringLiteral("a colon (the value goes in its own column)");
    case '"':
        return QStringLiteral("a double quote");
    default:
        break;
    }
    const auto u = quint8(c);
    if (u >= 0x80)
        return QStringLiteral("a non-ASCII character");
    if (u < 0x20 || u == 0x7f)
        return QStringLiteral("the control byte 0x%1").arg(u, 2, 16, QLatin1Char('0'));
    return QStringLiteral("\"%1\"").arg(QLatin1Char(c));
}
} // namespace

QString rowProblem(const HeaderRow& row)
{
    if (row.name.isEmpty())
        return QStringLiteral("A header needs a name.");
    for (char c : row.name) {
        if (!isTokenChar(c))
            return QStringLiteral("Header name \"%1\" contains %2; names are tokens: letters, digits and "
                                  "!#$%&'*+-.^_`|~ (RFC 9110 §5.1).")
                .arg(QString::fromUtf8(row.name), nameCharacterName(c));
    }
    for (char c : row.value) {
        if (c == '\r' || c == '\n' || c == '\0')
            return QStringLiteral("The value of %1 contains a %2: it would end the header early (header injection). "
                                  "Use raw mode to send such bytes on purpose.")
                .arg(QString::fromLatin1(row.name),
                    c == '\r'       ? QStringLiteral("carriage return")
                        : c == '\n' ? QStringLiteral("line feed")
                                    : QStringLiteral("NUL byte"));
    }
    return {};
}

BuiltRequest buildRequest(const HandshakeSpec& spec, QByteArrayView sixteenRandomBytes)
{
    BuiltRequest built;
    built.url = QUrl(spec.url, QUrl::StrictMode);
    const QString scheme = built.url.scheme().toLower();
    if (!built.url.isValid() || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss"))) {
        built.error = QStringLiteral("The URL must look like ws://host:port/path or wss://host/path.");
        return built;
    }
    if (built.url.host().isEmpty()) {
        built.error = QStringLiteral("The URL has no host.");
        return built;
    }
    if (built.url.hasFragment()) {
        built.error = QStringLiteral("A WebSocket URL cannot have a #fragment; write # as %23 (RFC 6455 §3).");
        return built;
    }
    built.tls = scheme == QLatin1String("wss");
    built.host = built.url.host();
    built.port = quint16(built.url.port(built.tls ? 443 : 80));

    if (spec.rawMode) {
        built.bytes = spec.rawRequest;
        const auto parsed = parseRequestHead(built.bytes);
        if (parsed.state == HeadState::Complete) {
            built.request = parsed.value;
            built.key = parsed.value.headers.value("Sec-WebSocket-Key");
        }
        return built;
    }

    QByteArray path = built.url.path(QUrl::FullyEncoded).toUtf8();
    if (path.isEmpty())
        path = "/";
    QByteArray query = built.url.query(QUrl::FullyEncoded).toUtf8();
    if (!spec.token.isEmpty() && spec.tokenPlacement == TokenPlacement::Query) {
        // Percent-encoded by hand: QUrlQuery leaves '+' alone, which servers decode as a space.
        query += (query.isEmpty() ? "" : "&") + QUrl::toPercentEncoding(QString::fromUtf8(spec.tokenQueryName)) + '='
            + QUrl::toPercentEncoding(QString::fromUtf8(spec.token));
    }
    if (!query.isEmpty() || built.url.hasQuery())
        path += '?' + query;

    built.request.method = "GET";
    built.request.target = path;
    built.request.version = "HTTP/1.1";
    bool keyFilled = false;
    for (const HeaderRow& row : spec.rows) {
        if (!row.enabled)
            continue;
        if (const QString problem = rowProblem(row); !problem.isEmpty()) {
            built.error = problem;
            return built;
        }
        QByteArray value = row.value;
        if (!keyFilled && sameName(row.name, "Sec-WebSocket-Key")) {
            keyFilled = true;
            if (value.isEmpty() && spec.keyMode == KeyMode::Auto)
                value = makeKey(sixteenRandomBytes);
            built.key = value;
        }
        built.request.headers.append(row.name, value);
    }
    built.bytes = built.request.serialize();
    return built;
}

QJsonObject HandshakeSpec::toJson() const
{
    QJsonArray protocolArray;
    for (const QByteArray& p : protocols)
        protocolArray.append(QString::fromUtf8(p));
    QJsonArray rowArray;
    for (const HeaderRow& row : rows) {
        rowArray.append(QJsonObject { { QStringLiteral("name"), QString::fromUtf8(row.name) },
            { QStringLiteral("value"), QString::fromUtf8(row.value) }, { QStringLiteral("enabled"), row.enabled } });
    }
    QJsonObject deflateJson { { QStringLiteral("enabled"), deflate },
        { QStringLiteral("serverNoContextTakeover"), deflateOffer.serverNoContextTakeover },
        { QStringLiteral("clientNoContextTakeover"), deflateOffer.clientNoContextTakeover },
        { QStringLiteral("offerClientMaxWindowBits"), deflateOffer.offerClientMaxWindowBits } };
    if (deflateOffer.serverMaxWindowBits)
        deflateJson.insert(QStringLiteral("serverMaxWindowBits"), *deflateOffer.serverMaxWindowBits);
    if (deflateOffer.clientMaxWindowBits)
        deflateJson.insert(QStringLiteral("clientMaxWindowBits"), *deflateOffer.clientMaxWindowBits);
    return QJsonObject {
        { QStringLiteral("url"), url },
        { QStringLiteral("protocols"), protocolArray },
        { QStringLiteral("deflate"), deflateJson },
        { QStringLiteral("origin"), QString::fromUtf8(origin) },
        { QStringLiteral("cookie"), QString::fromUtf8(cookie) },
        { QStringLiteral("token"), QString::fromUtf8(token) },
        { QStringLiteral("tokenPlacement"), tokenPlacementWords().at(int(tokenPlacement)) },
        { QStringLiteral("tokenQueryName"), QString::fromUtf8(tokenQueryName) },
        { QStringLiteral("tokenCookieName"), QString::fromUtf8(tokenCookieName) },
        { QStringLiteral("tokenProtocolPrefix"), QString::fromUtf8(tokenProtocolPrefix) },
        { QStringLiteral("keyMode"), keyMode == KeyMode::Fixed ? QStringLiteral("fixed") : QStringLiteral("auto") },
        { QStringLiteral("fixedKey"), QString::fromUtf8(fixedKey) },
        { QStringLiteral("version"), QString::fromUtf8(version) },
        { QStringLiteral("rows"), rowArray },
        { QStringLiteral("rawMode"), rawMode },
        { QStringLiteral("rawRequest"), QString::fromUtf8(rawRequest) },
    };
}

std::optional<HandshakeSpec> HandshakeSpec::fromJson(const QJsonObject& json, QString* error)
{
    const auto fail = [error](const QString& message) -> std::optional<HandshakeSpec> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    if (!json.contains(QStringLiteral("url")))
        return fail(QStringLiteral("A handshake profile needs a \"url\" string."));
    JsonReader r(json);
    auto bytes = [&r](QStringView key, const QByteArray& fallback = {}) {
        return r.has(key) ? r.string(key).toUtf8() : fallback;
    };
    HandshakeSpec spec;
    spec.url = r.string(u"url");
    for (const QString& p : r.strings(u"protocols"))
        spec.protocols.append(p.toUtf8());
    JsonReader d = r.object(u"deflate");
    spec.deflate = d.boolean(u"enabled");
    spec.deflateOffer.serverNoContextTakeover = d.boolean(u"serverNoContextTakeover");
    spec.deflateOffer.clientNoContextTakeover = d.boolean(u"clientNoContextTakeover");
    spec.deflateOffer.offerClientMaxWindowBits = d.boolean(u"offerClientMaxWindowBits", true);
    if (d.has(u"serverMaxWindowBits"))
        spec.deflateOffer.serverMaxWindowBits = int(d.integer(u"serverMaxWindowBits", 8, 15, 15));
    if (d.has(u"clientMaxWindowBits"))
        spec.deflateOffer.clientMaxWindowBits = int(d.integer(u"clientMaxWindowBits", 8, 15, 15));
    d.refuseUnknownKeys(u"a handshake profile setting");
    spec.origin = bytes(u"origin");
    spec.cookie = bytes(u"cookie");
    spec.token = bytes(u"token");
    spec.tokenPlacement = TokenPlacement(
        std::max(qsizetype(0), tokenPlacementWords().indexOf(r.choice(u"tokenPlacement", tokenPlacementWords(), {}))));
    // Each name becomes part of a URL parameter, a cookie or a subprotocol item: a token (RFC 9110 §5.6.2) fits all.
    const auto tokenName = [&r](QStringView key, const QByteArray& fallback) {
        const QByteArray name = r.has(key) ? r.string(key).toUtf8() : fallback;
        if (!isToken(name)) {
            r.fail(key,
                QStringLiteral("must be a name of letters, digits and !#$%&'*+-.^_`|~, not %1")
                    .arg(jsonQuoted(QString::fromUtf8(name))));
            return fallback;
        }
        return name;
    };
    spec.tokenQueryName = tokenName(u"tokenQueryName", spec.tokenQueryName);
    spec.tokenCookieName = tokenName(u"tokenCookieName", spec.tokenCookieName);
    spec.tokenProtocolPrefix = tokenName(u"tokenProtocolPrefix", spec.tokenProtocolPrefix);
    spec.keyMode
        = r.choice(u"keyMode", { QStringLiteral("auto"), QStringLiteral("fixed") }, {}) == QLatin1String("fixed")
        ? KeyMode::Fixed
        : KeyMode::Auto;
    spec.fixedKey = bytes(u"fixedKey");
    spec.version = bytes(u"version", QByteArray("13"));
    spec.rawMode = r.boolean(u"rawMode");
    spec.rawRequest = bytes(u"rawRequest");
    const QJsonArray rowArray = r.array(u"rows");
    for (qsizetype i = 0; i < rowArray.size(); ++i) {
        JsonReader row = r.element(u"rows", rowArray, i);
        spec.rows.append(
            HeaderRow { row.string(u"name").toUtf8(), row.string(u"value").toUtf8(), row.boolean(u"enabled", true) });
        row.refuseUnknownKeys(u"a header row setting");
    }
    // A profile file also carries its name and description, which the profile layer reads.
    r.string(u"name");
    r.string(u"description");
    r.refuseUnknownKeys(u"a handshake profile setting");
    if (!r.ok())
        return fail(r.error());
    if (rowArray.isEmpty()) {
        // A profile may give only helper fields: start from the standard rows.
        HandshakeSpec base = withDefaults(spec.url);
        spec.rows = base.rows;
        spec.syncRowsFromHelpers();
    }
    return spec;
}

bool HandshakeSpec::operator==(const HandshakeSpec& o) const
{
    return url == o.url && protocols == o.protocols && deflate == o.deflate
        && deflateOffer.serverNoContextTakeover == o.deflateOffer.serverNoContextTakeover
        && deflateOffer.clientNoContextTakeover == o.deflateOffer.clientNoContextTakeover
        && deflateOffer.serverMaxWindowBits == o.deflateOffer.serverMaxWindowBits
        && deflateOffer.offerClientMaxWindowBits == o.deflateOffer.offerClientMaxWindowBits
        && deflateOffer.clientMaxWindowBits == o.deflateOffer.clientMaxWindowBits && origin == o.origin
        && cookie == o.cookie && token == o.token && tokenPlacement == o.tokenPlacement
        && tokenQueryName == o.tokenQueryName && tokenCookieName == o.tokenCookieName
        && tokenProtocolPrefix == o.tokenProtocolPrefix && keyMode == o.keyMode && fixedKey == o.fixedKey
        && version == o.version && rows == o.rows && rawMode == o.rawMode && rawRequest == o.rawRequest;
}

} // namespace wsi
