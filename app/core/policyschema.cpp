#include "core/policyschema.h"

#include "core/authentication.h"
#include "core/checks.h"
#include "core/jsonreader.h"
#include "core/loginroutes.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

namespace wsi
{

namespace
{
constexpr qint64 kTiB = qint64(1) << 40;

QList<PolicyField> makeFields()
{
    QList<PolicyField> f;
    // ---- Subprotocols (decision step: subprotocol) ----
    f.append({ .key = "protocols",
        .type = PolicyType::TextList,
        .group = "Subprotocols",
        .label = "Supported",
        .help = "supported subprotocols, in the server's order of preference",
        .rfc = "RFC 6455 §4.2.2",
        .flag = "protocols",
        .flagStyle = FlagStyle::CommaList,
        .valueName = "a,b,c",
        .itemRule = ItemRule::Token,
        .ordered = true,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.protocols; } });
    f.append({ .key = "protocolOrder",
        .type = PolicyType::Choice,
        .group = "Subprotocols",
        .label = "Preference",
        .help = "whose preference order picks the subprotocol",
        .rfc = "RFC 6455 §4.2.2",
        .flag = "protocol-order",
        .valueName = "server|client",
        .choices = { { "server", int(ProtocolOrder::Server), "the server's order" },
            { "client", int(ProtocolOrder::Client), "the client's order" } },
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.protocolOrder; } });
    f.append({ .key = "noProtocolMatch",
        .type = PolicyType::Choice,
        .group = "Subprotocols",
        .label = "No match",
        .help = "nothing in common: go on without a subprotocol (the RFC default) or refuse with 400",
        .rfc = "RFC 6455 §4.2.2",
        .flag = "no-protocol-match",
        .valueName = "proceed|reject",
        .choices = { { "proceed", int(NoProtocolMatch::Proceed), "proceed without one (RFC)" },
            { "reject", int(NoProtocolMatch::Reject), "refuse with 400" } },
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.noProtocolMatch; } });
    // ---- Origin (decision step: origin) ----
    f.append({ .key = "allowedOrigins",
        .type = PolicyType::TextList,
        .group = "Origin",
        .label = "Allowed",
        .help = "allow this exact Origin (repeatable; none listed: any origin)",
        .rfc = "RFC 6455 §10.2",
        .flag = "allow-origin",
        .flagStyle = FlagStyle::Repeat,
        .valueName = "ORIGIN",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.allowedOrigins; } });
    f.append({ .key = "allowMissingOrigin",
        .type = PolicyType::Bool,
        .group = "Origin",
        .label = "No Origin",
        .help = "requests without Origin (not from a browser), when an allowlist is set",
        .rfc = "RFC 6455 §10.2",
        .flag = "missing-origin",
        .valueName = "allow|reject",
        .choices = { { "allow", 1, "allow (not a browser)" }, { "reject", 0, "refuse like a foreign origin" } },
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.allowMissingOrigin; } });
    f.append({ .key = "originFailure",
        .type = PolicyType::Choice,
        .group = "Origin",
        .label = "Refusal",
        .help = "refuse a foreign origin with 403, or accept and close with 1008",
        .rfc = "RFC 6455 §10.2, §7.4.1",
        .flag = "origin-failure",
        .valueName = "http|close",
        .choices = { { "http", int(FailureMode::Http), "403 Forbidden" },
            { "close", int(FailureMode::Close), "upgrade, then close 1008" } },
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.originFailure; } });
    // ---- Authentication (decision step: authentication) ----
    f.append({ .key = "token",
        .type = PolicyType::Text,
        .group = "Authentication",
        .label = "Token",
        .help = "accept TOKEN as the user \"token\" (empty and no users: no authentication)",
        .rfc = "RFC 6455 §4.2.2",
        .flag = "token",
        .valueName = "TOKEN",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.token; } });
    f.append({ .key = "users",
        .type = PolicyType::TextList,
        .group = "Authentication",
        .label = "Users",
        .help = "accept TOKEN as the user NAME (repeatable)",
        .rfc = "RFC 6455 §4.2.2",
        .flag = "user",
        .flagStyle = FlagStyle::Repeat,
        .valueName = "TOKEN=NAME",
        .itemRule = ItemRule::UserToken,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.users; } });
    f.append({ .key = "usersFile",
        .type = PolicyType::Text,
        .group = "Authentication",
        .label = "Users file",
        .help = "read users from FILE (JSON): tokens that name users, login names with a password hash and roles",
        .rfc = "RFC 6455 §4.2.2",
        .flag = "users",
        .valueName = "FILE",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.usersFile; } });
    f.append({ .key = "tokenFrom",
        .type = PolicyType::TextList,
        .group = "Authentication",
        .label = "Read from",
        .help = "where credentials are read, in order: query:NAME, bearer, cookie:NAME, protocol[:PREFIX] "
                "(a subprotocol item, default prefix token.)",
        .rfc = "RFC 6455 §4.2.2, RFC 6750 §2.1",
        .flag = "token-from",
        .flagStyle = FlagStyle::CommaList,
        .valueName = "LIST",
        .itemRule = ItemRule::CredentialSource,
        .ordered = true,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.tokenFrom; } });
    f.append({ .key = "authFailure",
        .type = PolicyType::Choice,
        .group = "Authentication",
        .label = "Refusal",
        .help = "refuse a missing or wrong token with 401, or accept and close with 4001",
        .rfc = "RFC 6455 §4.2.2, §7.4.2",
        .flag = "auth-failure",
        .valueName = "http|close",
        .choices = { { "http", int(FailureMode::Http), "401 Unauthorized" },
            { "close", int(FailureMode::Close), "upgrade, then close 4001" } },
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.authFailure; } });
    f.append({ .key = "authTiming",
        .type = PolicyType::Choice,
        .group = "Authentication",
        .label = "Checked",
        .help = "check the credential in the handshake, or accept the upgrade and expect it as the first message "
                "(the common mistake, to see what it costs)",
        .rfc = "RFC 6455 §4.2.2",
        .flag = "auth",
        .valueName = "handshake|first-message",
        .choices = { { "handshake", int(AuthTiming::Handshake), "in the handshake" },
            { "first-message", int(AuthTiming::FirstMessage), "as the first message" } },
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.authTiming; } });
    f.append({ .key = "authTimeoutMs",
        .type = PolicyType::Integer,
        .group = "Authentication",
        .label = "First message within",
        .help = "with --auth first-message: close 4001 when no credential arrived within MS",
        .rfc = "RFC 6455 §7.4.2",
        .flag = "auth-timeout",
        .valueName = "MS",
        .min = 100,
        .max = 3'600'000,
        .unit = PolicyUnit::Milliseconds,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.authTimeoutMs; } });
    f.append({ .key = "login",
        .type = PolicyType::Bool,
        .group = "Authentication",
        .label = "Login page",
        .help = "also serve a login page at GET / and POST /login, which checks the users file and sets a session "
                "cookie",
        .rfc = "RFC 6265 §4.1",
        .flag = "login",
        .flagStyle = FlagStyle::Switch,
        .negativeFlag = "no-login",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.login; } });
    f.append({ .key = "cookieSameSite",
        .type = PolicyType::Choice,
        .group = "Authentication",
        .label = "Cookie SameSite",
        .help = "the session cookie's SameSite: lax and strict keep it off other sites' requests, none sends it "
                "everywhere (and needs Secure, so TLS)",
        .rfc = "RFC 6265 §4.1",
        .flag = "cookie-samesite",
        .valueName = "lax|strict|none",
        .choices = { { "lax", int(CookieSameSite::Lax), "Lax" }, { "strict", int(CookieSameSite::Strict), "Strict" },
            { "none", int(CookieSameSite::None), "None (cross-site too)" } },
        .enabledBy = "login",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.cookieSameSite; } });
    // ---- JWT (decision step: authentication) ----
    f.append({ .key = "jwt.secret",
        .type = PolicyType::Text,
        .group = "JWT",
        .label = "Secret",
        .help = "accept JWTs signed HS256/384/512 with SECRET",
        .rfc = "RFC 7519 §7.2",
        .flag = "jwt-secret",
        .valueName = "SECRET",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.jwtSecret; } });
    f.append({ .key = "jwt.keyFile",
        .type = PolicyType::Text,
        .group = "JWT",
        .label = "Key file",
        .help = "accept JWTs signed with a key of FILE: a PEM public key or a JWKS, chosen by kid (RS*, PS*, ES*, "
                "EdDSA)",
        .rfc = "RFC 7517 §5",
        .flag = "jwt-key",
        .valueName = "FILE",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.jwtKeyFile; } });
    f.append({ .key = "jwt.issuer",
        .type = PolicyType::Text,
        .group = "JWT",
        .label = "Issuer",
        .help = "require this iss claim (empty: any)",
        .rfc = "RFC 7519 §4.1.1",
        .flag = "jwt-issuer",
        .valueName = "ISS",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.jwtIssuer; } });
    f.append({ .key = "jwt.audience",
        .type = PolicyType::Text,
        .group = "JWT",
        .label = "Audience",
        .help = "require this value in the aud claim (empty: tokens naming an audience are refused)",
        .rfc = "RFC 7519 §4.1.3",
        .flag = "jwt-audience",
        .valueName = "AUD",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.jwtAudience; } });
    f.append({ .key = "jwt.leewaySeconds",
        .type = PolicyType::Integer,
        .group = "JWT",
        .label = "Leeway",
        .help = "seconds of clock difference allowed for exp and nbf",
        .rfc = "RFC 7519 §4.1.4",
        .flag = "jwt-leeway",
        .valueName = "SECONDS",
        .min = 0,
        .max = 86'400,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.jwtLeewaySeconds; } });
    f.append({ .key = "jwt.userClaim",
        .type = PolicyType::Text,
        .group = "JWT",
        .label = "User claim",
        .help = "the claim that names the user",
        .rfc = "RFC 7519 §4.1.2",
        .flag = "jwt-user-claim",
        .valueName = "NAME",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.jwtUserClaim; } });
    f.append({ .key = "welcome",
        .type = PolicyType::Bool,
        .group = "Authentication",
        .label = "Send welcome",
        .help = "send each connection its context as the first text message, {\"user\": NAME, \"protocol\": P}",
        .rfc = "",
        .flag = "welcome",
        .flagStyle = FlagStyle::Switch,
        .negativeFlag = "no-welcome",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.welcome; } });
    f.append({ .key = "closeOnExpiry",
        .type = PolicyType::Bool,
        .group = "Authentication",
        .label = "Close on expiry",
        .help = "close with 4001 \"token expired\" when the user's JWT expires while connected",
        .rfc = "RFC 6455 §7.4.2",
        .flag = "close-on-expiry",
        .flagStyle = FlagStyle::Switch,
        .negativeFlag = "no-close-on-expiry",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.closeOnExpiry; } });
    // ---- permessage-deflate (decision step: extensions) ----
    f.append({ .key = "deflate.enabled",
        .type = PolicyType::Bool,
        .group = "permessage-deflate",
        .label = "Accept permessage-deflate",
        .help = "accept a permessage-deflate offer (--no-deflate: decline every offer)",
        .rfc = "RFC 7692 §7",
        .flag = "deflate",
        .flagStyle = FlagStyle::Switch,
        .negativeFlag = "no-deflate",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.deflate.enabled; } });
    f.append({ .key = "deflate.serverNoContextTakeover",
        .type = PolicyType::Bool,
        .group = "permessage-deflate",
        .label = "server_no_context_takeover",
        .help = "add server_no_context_takeover: the server resets its compressor after each message",
        .rfc = "RFC 7692 §7.1.1.1",
        .flag = "deflate-server-no-context-takeover",
        .flagStyle = FlagStyle::Switch,
        .enabledBy = "deflate.enabled",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.deflate.serverNoContextTakeover; } });
    f.append({ .key = "deflate.clientNoContextTakeover",
        .type = PolicyType::Bool,
        .group = "permessage-deflate",
        .label = "client_no_context_takeover",
        .help = "add client_no_context_takeover: the client must reset its compressor after each message",
        .rfc = "RFC 7692 §7.1.1.2",
        .flag = "deflate-client-no-context-takeover",
        .flagStyle = FlagStyle::Switch,
        .enabledBy = "deflate.enabled",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.deflate.clientNoContextTakeover; } });
    f.append({ .key = "deflate.serverMaxWindowBits",
        .type = PolicyType::Integer,
        .group = "permessage-deflate",
        .label = "Server window bits",
        .help = "largest LZ77 window the server compresses with",
        .rfc = "RFC 7692 §7.1.2.1",
        .flag = "deflate-server-max-window-bits",
        .valueName = "N",
        .min = 8,
        .max = 15,
        .unit = PolicyUnit::Bits,
        .enabledBy = "deflate.enabled",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.deflate.serverMaxWindowBits; } });
    f.append({ .key = "deflate.clientMaxWindowBits",
        .type = PolicyType::Integer,
        .group = "permessage-deflate",
        .label = "Client window bits",
        .help = "below 15: limit the client's window (only offers with client_max_window_bits are accepted)",
        .rfc = "RFC 7692 §7.1.2.2",
        .flag = "deflate-client-max-window-bits",
        .valueName = "N",
        .min = 8,
        .max = 15,
        .unit = PolicyUnit::Bits,
        .enabledBy = "deflate.enabled",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.deflate.clientMaxWindowBits; } });
    f.append({ .key = "compressionLevel",
        .type = PolicyType::Integer,
        .group = "permessage-deflate",
        .label = "Compression level",
        .help = "zlib level the server compresses with (0 stores, 9 compresses most)",
        .rfc = "",
        .flag = "compression-level",
        .valueName = "N",
        .min = 0,
        .max = 9,
        .enabledBy = "deflate.enabled",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.compressionLevel; } });
    // ---- Limits (enforced by the connection, reported as 431, 1009 or a dropped peer) ----
    f.append({ .key = "maxMessageBytes",
        .type = PolicyType::Integer,
        .group = "Limits",
        .label = "Max message",
        .help = "larger messages (inflated size) close with 1009",
        .rfc = "RFC 6455 §7.4.1",
        .flag = "max-message",
        .valueName = "BYTES",
        .min = 1,
        .max = kTiB,
        .unit = PolicyUnit::Bytes,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.maxMessageBytes; } });
    f.append({ .key = "maxFragments",
        .type = PolicyType::Integer,
        .group = "Limits",
        .label = "Max fragments",
        .help = "an extra cap on frames per message, closing with 1009 (0 = none: each fragment after the "
                "first is charged a fixed bookkeeping cost against --max-message instead)",
        .rfc = "RFC 6455 §7.4.1",
        .flag = "max-fragments",
        .valueName = "N",
        .min = 0,
        .max = 1'000'000'000,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.maxFragments; } });
    f.append({ .key = "maxQueuedBytes",
        .type = PolicyType::Integer,
        .group = "Limits",
        .label = "Max queued",
        .help = "unsent bytes per connection before reading pauses; a peer that never reads is dropped",
        .rfc = "",
        .flag = "max-queued",
        .valueName = "BYTES",
        .min = 1024,
        .max = kTiB,
        .unit = PolicyUnit::Bytes,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.maxQueuedBytes; } });
    f.append({ .key = "handshakeTimeoutMs",
        .type = PolicyType::Integer,
        .group = "Limits",
        .label = "Handshake timeout",
        .help = "drop clients that send no complete request in time",
        .rfc = "",
        .flag = "handshake-timeout",
        .valueName = "MS",
        .min = 1,
        .max = 24 * 3600 * 1000,
        .unit = PolicyUnit::Milliseconds,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.handshakeTimeoutMs; } });
    f.append({ .key = "headLimits.maxHeadBytes",
        .type = PolicyType::Integer,
        .group = "Limits",
        .label = "Max request head",
        .help = "a request head larger than this is refused with 431",
        .rfc = "RFC 6585 §5",
        .flag = "max-head-bytes",
        .valueName = "BYTES",
        .min = 64,
        .max = qint64(1) << 24,
        .unit = PolicyUnit::Bytes,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.headLimits.maxHeadBytes; } });
    f.append({ .key = "headLimits.maxHeaderCount",
        .type = PolicyType::Integer,
        .group = "Limits",
        .label = "Max headers",
        .help = "a request with more header lines is refused with 431",
        .rfc = "RFC 6585 §5",
        .flag = "max-headers",
        .valueName = "N",
        .min = 1,
        .max = 10'000,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.headLimits.maxHeaderCount; } });
    f.append({ .key = "headLimits.maxLineBytes",
        .type = PolicyType::Integer,
        .group = "Limits",
        .label = "Max header line",
        .help = "a longer request line is refused with 414, a longer header line with 431",
        .rfc = "RFC 9112 §3",
        .flag = "max-line-bytes",
        .valueName = "BYTES",
        .min = 16,
        .max = qint64(1) << 24,
        .unit = PolicyUnit::Bytes,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.headLimits.maxLineBytes; } });
    // ---- Handshake (decision steps: version, response) ----
    f.append({ .key = "versions",
        .type = PolicyType::IntegerList,
        .group = "Handshake",
        .label = "Versions",
        .help = "Sec-WebSocket-Version values accepted; any other gets 426 naming these",
        .rfc = "RFC 6455 §4.2.2, §4.4",
        .flag = "versions",
        .flagStyle = FlagStyle::CommaList,
        .valueName = "V,V",
        .min = 0,
        .max = 255,
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.versions; } });
    f.append({ .key = "extraResponseHeaders",
        .type = PolicyType::HeaderList,
        .group = "Handshake",
        .label = "Extra 101 headers",
        .help = "add a header to every 101 response (repeatable)",
        .rfc = "RFC 6455 §4.2.2",
        .flag = "header",
        .flagStyle = FlagStyle::Repeat,
        .valueName = "\"Name: value\"",
        .ref = [](ServerPolicy& p) -> PolicyFieldRef { return &p.extraResponseHeaders; } });
    return f;
}

PolicyFieldRef refOf(const ServerPolicy& policy, const PolicyField& field)
{
    // The table's accessors take a mutable policy; reading through them changes nothing.
    return field.ref(const_cast<ServerPolicy&>(policy));
}

QStringList choiceList(const PolicyField& field)
{
    QStringList words;
    for (const PolicyChoice& c : field.choices)
        words.append(QLatin1String(c.word));
    return words;
}

QString choiceWords(const PolicyField& field)
{
    return wsi::choiceWords(choiceList(field));
}

QString bytesText(qint64 n);

QString rangeSentence(const PolicyField& field)
{
    if (field.unit == PolicyUnit::Bytes)
        return QStringLiteral("must be a number of bytes from %1 to %2 (KiB, MiB, GiB may follow)")
            .arg(bytesText(field.min), bytesText(field.max));
    return wholeNumberRange(field.min, field.max);
}

QString lineProblem(const QString& item)
{
    if (item.isEmpty())
        return QStringLiteral("holds an empty entry");
    if (item.contains(QLatin1Char('\r')) || item.contains(QLatin1Char('\n')) || item.contains(QChar(0)))
        return QStringLiteral("holds %1, which contains a line break or NUL").arg(jsonQuoted(item));
    return {};
}

QString headerProblem(const QJsonValue& item)
{
    const QJsonObject o = item.toObject();
    const QString name = o.value(QLatin1String("name")).toString();
    const QString value = o.value(QLatin1String("value")).toString();
    const auto bad = [&] {
        return QStringLiteral("holds %1, which is not \"Name: value\" with a token name and no line breaks")
            .arg(jsonQuoted(name + QStringLiteral(": ") + value));
    };
    if (!item.isObject() || !o.value(QLatin1String("name")).isString() || !o.value(QLatin1String("value")).isString())
        return QStringLiteral("must hold {\"name\", \"value\"} objects");
    if (!isToken(name.toUtf8()) || value.contains(QLatin1Char('\r')) || value.contains(QLatin1Char('\n'))
        || value.contains(QChar(0)))
        return bad();
    return {};
}

QStringList jsonStrings(const QJsonArray& array)
{
    QStringList out;
    for (const QJsonValue& v : array)
        out.append(v.toString());
    return out;
}

QString bytesText(qint64 n)
{
    static const struct {
        qint64 size;
        const char* unit;
    } units[] = { { qint64(1) << 40, "TiB" }, { qint64(1) << 30, "GiB" }, { qint64(1) << 20, "MiB" },
        { qint64(1) << 10, "KiB" } };
    for (const auto& u : units) {
        if (n >= u.size && n % u.size == 0)
            return QStringLiteral("%1 %2").arg(n / u.size).arg(QLatin1String(u.unit));
    }
    return QString::number(n);
}

std::optional<qint64> bytesFromText(QString text)
{
    text = text.trimmed();
    static const struct {
        const char* suffix;
        qint64 factor;
    } suffixes[] = { { "tib", qint64(1) << 40 }, { "gib", qint64(1) << 30 }, { "mib", qint64(1) << 20 },
        { "kib", qint64(1) << 10 }, { "t", qint64(1) << 40 }, { "g", qint64(1) << 30 }, { "m", qint64(1) << 20 },
        { "k", qint64(1) << 10 }, { "b", 1 } };
    qint64 factor = 1;
    const QString lower = text.toLower();
    for (const auto& s : suffixes) {
        if (lower.endsWith(QLatin1String(s.suffix))) {
            factor = s.factor;
            text.chop(qsizetype(qstrlen(s.suffix)));
            text = text.trimmed();
            break;
        }
    }
    bool ok = false;
    const qint64 n = text.toLongLong(&ok);
    if (!ok
        || (n != 0
            && (n > std::numeric_limits<qint64>::max() / factor || n < -std::numeric_limits<qint64>::max() / factor)))
        return std::nullopt;
    return n * factor;
}
} // namespace

const QList<PolicyField>& policyFields()
{
    static const QList<PolicyField> fields = makeFields();
    return fields;
}

const PolicyField* findPolicyField(QStringView key)
{
    for (const PolicyField& f : policyFields()) {
        if (key == QLatin1String(f.key))
            return &f;
    }
    return nullptr;
}

QJsonValue policyValue(const ServerPolicy& policy, const PolicyField& field)
{
    return std::visit(
        [&field](auto* member) -> QJsonValue {
            using T = std::remove_pointer_t<decltype(member)>;
            if constexpr (std::is_same_v<T, bool>) {
                return *member;
            } else if constexpr (std::is_same_v<T, int> || std::is_same_v<T, qint64>) {
                return double(*member);
            } else if constexpr (std::is_same_v<T, QByteArray>) {
                return QString::fromUtf8(*member);
            } else if constexpr (std::is_same_v<T, QList<QByteArray>>) {
                QJsonArray a;
                for (const QByteArray& item : *member)
                    a.append(QString::fromUtf8(item));
                return a;
            } else if constexpr (std::is_same_v<T, QList<int>>) {
                QJsonArray a;
                for (int item : *member)
                    a.append(item);
                return a;
            } else if constexpr (std::is_same_v<T, QList<Header>>) {
                QJsonArray a;
                for (const Header& h : *member)
                    a.append(QJsonObject { { QLatin1String("name"), QString::fromUtf8(h.name) },
                        { QLatin1String("value"), QString::fromUtf8(h.value) } });
                return a;
            } else {
                static_assert(std::is_enum_v<T>);
                for (const PolicyChoice& c : field.choices) {
                    if (c.value == int(*member))
                        return QLatin1String(c.word);
                }
                return QJsonValue();
            }
        },
        refOf(policy, field));
}

QString policyValueProblem(const PolicyField& field, const QJsonValue& value)
{
    switch (field.type) {
    case PolicyType::Bool:
        return boolProblem(value);
    case PolicyType::Choice:
        return choiceProblem(value, choiceList(field));
    case PolicyType::Integer:
        // Byte sizes name their bounds in the units a person reads (1 TiB); the check is the reader's.
        if (field.unit == PolicyUnit::Bytes && !wholeNumberProblem(value, field.min, field.max).isEmpty())
            return QStringLiteral("%1, not %2").arg(rangeSentence(field), jsonShown(value));
        return wholeNumberProblem(value, field.min, field.max);
    case PolicyType::Text:
        if (const QString p = stringProblem(value); !p.isEmpty())
            return p;
        if (value.toString().contains(QLatin1Char('\r')) || value.toString().contains(QLatin1Char('\n'))
            || value.toString().contains(QChar(0)))
            return QStringLiteral("must not contain a line break or NUL");
        return {};
    case PolicyType::TextList:
        if (!value.isArray())
            return QStringLiteral("must be a list of strings, not %1").arg(jsonShown(value));
        for (const QJsonValue& item : value.toArray()) {
            if (!item.isString())
                return QStringLiteral("must be a list of strings, and holds %1").arg(jsonShown(item));
            if (const QString p = lineProblem(item.toString()); !p.isEmpty())
                return p;
            if (field.itemRule == ItemRule::Token && !isToken(item.toString().toUtf8()))
                return QStringLiteral("holds %1, which is not a valid token (RFC 9110 §5.6.2)")
                    .arg(jsonQuoted(item.toString()));
            QString itemProblem;
            if (field.itemRule == ItemRule::UserToken && !parseUserToken(item.toString().toUtf8(), &itemProblem))
                return QStringLiteral("holds an item that %1").arg(itemProblem); // never the token itself
            if (field.itemRule == ItemRule::CredentialSource
                && !parseCredentialSource(item.toString().toUtf8(), &itemProblem))
                return QStringLiteral("holds %1").arg(itemProblem);
        }
        return {};
    case PolicyType::IntegerList:
        if (!value.isArray() || value.toArray().isEmpty())
            return QStringLiteral("must be a list of at least one whole number from %1 to %2, not %3")
                .arg(field.min)
                .arg(field.max)
                .arg(jsonShown(value));
        for (const QJsonValue& item : value.toArray()) {
            if (!isWholeNumber(item) || qint64(item.toDouble()) < field.min || qint64(item.toDouble()) > field.max)
                return QStringLiteral("holds %1; each entry must be a whole number from %2 to %3")
                    .arg(jsonShown(item))
                    .arg(field.min)
                    .arg(field.max);
        }
        return {};
    case PolicyType::HeaderList:
        if (!value.isArray())
            return QStringLiteral("must be a list of {\"name\", \"value\"} objects, not %1").arg(jsonShown(value));
        for (const QJsonValue& item : value.toArray()) {
            if (const QString p = headerProblem(item); !p.isEmpty())
                return p;
        }
        return {};
    }
    return {};
}

bool setPolicyValue(ServerPolicy& policy, const PolicyField& field, const QJsonValue& value)
{
    if (!policyValueProblem(field, value).isEmpty())
        return false;
    std::visit(
        [&](auto* member) {
            using T = std::remove_pointer_t<decltype(member)>;
            if constexpr (std::is_same_v<T, bool>) {
                *member = value.toBool();
            } else if constexpr (std::is_same_v<T, int> || std::is_same_v<T, qint64>) {
                *member = T(qint64(value.toDouble()));
            } else if constexpr (std::is_same_v<T, QByteArray>) {
                *member = value.toString().toUtf8();
            } else if constexpr (std::is_same_v<T, QList<QByteArray>>) {
                member->clear();
                for (const QJsonValue& item : value.toArray())
                    member->append(item.toString().toUtf8());
            } else if constexpr (std::is_same_v<T, QList<int>>) {
                member->clear();
                for (const QJsonValue& item : value.toArray())
                    member->append(int(item.toDouble()));
            } else if constexpr (std::is_same_v<T, QList<Header>>) {
                member->clear();
                for (const QJsonValue& item : value.toArray())
                    member->append(Header { item.toObject().value(QLatin1String("name")).toString().toUtf8(),
                        item.toObject().value(QLatin1String("value")).toString().toUtf8() });
            } else {
                static_assert(std::is_enum_v<T>);
                for (const PolicyChoice& c : field.choices) {
                    if (value.toString() == QLatin1String(c.word))
                        *member = T(c.value);
                }
            }
        },
        field.ref(policy));
    return true;
}

std::optional<QJsonValue> policyValueFromText(const PolicyField& field, const QString& text, QString* problem)
{
    const auto fail = [&](const QString& why) -> std::optional<QJsonValue> {
        if (problem)
            *problem = why;
        return std::nullopt;
    };
    switch (field.type) {
    case PolicyType::Bool:
        for (const PolicyChoice& c : field.choices) {
            if (text == QLatin1String(c.word))
                return QJsonValue(c.value != 0);
        }
        if (text == QLatin1String("true") || text == QLatin1String("false"))
            return QJsonValue(text == QLatin1String("true"));
        return fail(
            QStringLiteral("must be %1, not %2")
                .arg(field.choices.isEmpty() ? QStringLiteral("true or false") : choiceWords(field), jsonQuoted(text)));
    case PolicyType::Choice:
        return QJsonValue(text); // the check names the words
    case PolicyType::Integer: {
        const std::optional<qint64> n = field.unit == PolicyUnit::Bytes ? bytesFromText(text) : std::optional<qint64>();
        bool ok = n.has_value();
        const qint64 value = n ? *n : text.trimmed().toLongLong(&ok);
        if (!ok)
            return fail(QStringLiteral("%1, not %2").arg(rangeSentence(field), jsonQuoted(text)));
        return QJsonValue(double(value));
    }
    case PolicyType::Text:
        return QJsonValue(text);
    case PolicyType::TextList: {
        if (field.flagStyle == FlagStyle::Repeat)
            return QJsonValue(QJsonArray { text });
        QJsonArray items;
        for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts))
            items.append(part.trimmed());
        return QJsonValue(items);
    }
    case PolicyType::IntegerList: {
        QJsonArray items;
        for (const QString& part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            bool ok = false;
            const qint64 n = part.trimmed().toLongLong(&ok);
            if (!ok)
                return fail(QStringLiteral("holds %1; each entry must be a whole number from %2 to %3")
                                .arg(jsonQuoted(part.trimmed()))
                                .arg(field.min)
                                .arg(field.max));
            items.append(double(n));
        }
        return QJsonValue(items);
    }
    case PolicyType::HeaderList: {
        // One "Name: value" item. Only spaces and tabs around the value are dropped: a CR or LF stays in it, so
        // the check refuses it instead of the value quietly losing a line.
        const qsizetype colon = text.indexOf(QLatin1Char(':'));
        if (colon <= 0)
            return fail(QStringLiteral("holds %1, which is not \"Name: value\" with a token name and no line breaks")
                            .arg(jsonQuoted(text)));
        QString value = text.mid(colon + 1);
        while (value.startsWith(QLatin1Char(' ')) || value.startsWith(QLatin1Char('\t')))
            value.remove(0, 1);
        while (value.endsWith(QLatin1Char(' ')) || value.endsWith(QLatin1Char('\t')))
            value.chop(1);
        return QJsonValue(QJsonArray {
            QJsonObject { { QLatin1String("name"), text.left(colon) }, { QLatin1String("value"), value } } });
    }
    }
    return std::nullopt;
}

QString policyValueText(const PolicyField& field, const QJsonValue& value)
{
    switch (field.type) {
    case PolicyType::Bool:
        for (const PolicyChoice& c : field.choices) {
            if ((c.value != 0) == value.toBool())
                return QLatin1String(c.word);
        }
        return value.toBool() ? QStringLiteral("on") : QStringLiteral("off");
    case PolicyType::Choice:
        return value.toString();
    case PolicyType::Integer:
        return field.unit == PolicyUnit::Bytes ? bytesText(qint64(value.toDouble()))
                                               : QString::number(qint64(value.toDouble()));
    case PolicyType::Text:
        return value.toString();
    case PolicyType::TextList:
        return jsonStrings(value.toArray()).join(QStringLiteral(", "));
    case PolicyType::IntegerList: {
        QStringList parts;
        for (const QJsonValue& v : value.toArray())
            parts.append(QString::number(qint64(v.toDouble())));
        return parts.join(QStringLiteral(", "));
    }
    case PolicyType::HeaderList: {
        QStringList lines;
        for (const QJsonValue& v : value.toArray())
            lines.append(v.toObject().value(QLatin1String("name")).toString() + QStringLiteral(": ")
                + v.toObject().value(QLatin1String("value")).toString());
        return lines.join(QLatin1Char('\n'));
    }
    }
    return {};
}

QJsonObject policyToJson(const ServerPolicy& policy)
{
    QJsonObject json;
    for (const PolicyField& field : policyFields()) {
        const QJsonValue value = policyValue(policy, field);
        const QString key = QLatin1String(field.key);
        const qsizetype dot = key.indexOf(QLatin1Char('.'));
        if (dot < 0) {
            json.insert(key, value);
        } else {
            QJsonObject nested = json.value(key.left(dot)).toObject();
            nested.insert(key.mid(dot + 1), value);
            json.insert(key.left(dot), nested);
        }
    }
    return json;
}

std::optional<ServerPolicy> policyFromJson(const QJsonObject& json, QString* error)
{
    const auto fail = [error](const QString& message) -> std::optional<ServerPolicy> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    ServerPolicy policy;
    QSet<QString> known;
    for (const PolicyField& field : policyFields()) {
        const QString key = QLatin1String(field.key);
        const qsizetype dot = key.indexOf(QLatin1Char('.'));
        known.insert(key);
        QJsonValue value;
        if (dot < 0) {
            value = json.value(key);
        } else {
            const QJsonValue parent = json.value(key.left(dot));
            known.insert(key.left(dot));
            if (parent.isUndefined())
                continue;
            if (!parent.isObject())
                return fail(QStringLiteral("\"%1\" %2").arg(key.left(dot), objectProblem(parent)));
            value = parent.toObject().value(key.mid(dot + 1));
        }
        if (value.isUndefined())
            continue;
        if (const QString problem = policyValueProblem(field, value); !problem.isEmpty())
            return fail(QStringLiteral("\"%1\" %2").arg(key, problem));
        setPolicyValue(policy, field, value);
    }
    for (auto it = json.begin(); it != json.end(); ++it) {
        if (!known.contains(it.key()))
            return fail(QStringLiteral("\"%1\" is not a server policy setting").arg(it.key()));
        if (it.value().isObject() && !findPolicyField(it.key())) {
            const QJsonObject nested = it.value().toObject();
            for (auto n = nested.begin(); n != nested.end(); ++n) {
                if (!known.contains(it.key() + QLatin1Char('.') + n.key()))
                    return fail(QStringLiteral("\"%1.%2\" is not a server policy setting").arg(it.key(), n.key()));
            }
        }
    }
    return policy;
}

QStringList policyDifferences(const ServerPolicy& a, const ServerPolicy& b)
{
    QStringList keys;
    for (const PolicyField& field : policyFields()) {
        if (policyValue(a, field) != policyValue(b, field))
            keys.append(QLatin1String(field.key));
    }
    return keys;
}

bool samePolicy(const ServerPolicy& a, const ServerPolicy& b)
{
    for (const PolicyField& field : policyFields()) {
        if (policyValue(a, field) != policyValue(b, field))
            return false;
    }
    return true;
}

// ---- flags ----------------------------------------------------------------------------------------------------

PolicyFlags::PolicyFlags(ServerPolicy& policy, QString prefix)
    : m_policy(policy)
    , m_prefix(std::move(prefix))
{
}

const PolicyField* PolicyFlags::fieldFor(const QString& name, bool* negative) const
{
    if (!name.startsWith(m_prefix))
        return nullptr;
    const QStringView bare = QStringView(name).mid(m_prefix.size());
    for (const PolicyField& field : policyFields()) {
        if (field.flag && bare == QLatin1String(field.flag)) {
            *negative = false;
            return &field;
        }
        if (field.negativeFlag && bare == QLatin1String(field.negativeFlag)) {
            *negative = true;
            return &field;
        }
    }
    return nullptr;
}

PolicyFlags::Kind PolicyFlags::kind(const QString& name) const
{
    bool negative = false;
    const PolicyField* field = fieldFor(name, &negative);
    if (!field)
        return Kind::NotPolicy;
    return field->flagStyle == FlagStyle::Switch ? Kind::NoValue : Kind::TakesValue;
}

bool PolicyFlags::apply(const QString& name, const std::optional<QString>& text, QString* error)
{
    bool negative = false;
    const PolicyField* field = fieldFor(name, &negative);
    const QString flag = QStringLiteral("--") + name;
    const auto fail = [&](const QString& problem) {
        if (error)
            *error = flag + QLatin1Char(' ') + problem;
        return false;
    };
    if (!field)
        return fail(QStringLiteral("is not a policy flag"));
    if (field->flagStyle == FlagStyle::Switch) {
        if (text)
            return fail(QStringLiteral("takes no value"));
        const QString key = QLatin1String(field->key);
        if (m_switches.contains(key) && m_switches.value(key) == negative && !m_contradiction) {
            m_contradiction = true;
            m_contradictionText = QStringLiteral("%1 and %2 contradict each other").arg(m_switchFlags.value(key), flag);
        }
        m_switches.insert(key, !negative);
        m_switchFlags.insert(key, flag);
        setPolicyValue(m_policy, *field, QJsonValue(!negative));
        return true;
    }
    if (!text)
        return fail(QStringLiteral("needs a value"));
    if (text->isEmpty())
        return fail(QStringLiteral("needs a non-empty value"));
    QString problem;
    std::optional<QJsonValue> value = policyValueFromText(*field, *text, &problem);
    if (!value)
        return fail(problem);
    if (field->flagStyle == FlagStyle::Repeat) {
        const QString key = QLatin1String(field->key);
        QJsonArray list = m_repeated.contains(key) ? policyValue(m_policy, *field).toArray() : QJsonArray();
        for (const QJsonValue& item : value->toArray())
            list.append(item);
        value = list;
        if (!m_repeated.contains(key))
            m_repeated.append(key);
    }
    if (const QString p = policyValueProblem(*field, *value); !p.isEmpty())
        return fail(p);
    setPolicyValue(m_policy, *field, *value);
    return true;
}

bool PolicyFlags::finish(QString* error)
{
    if (m_contradiction && error)
        *error = m_contradictionText;
    return !m_contradiction;
}

QString PolicyFlags::usage(const QString& prefix, int helpColumn)
{
    const ServerPolicy defaults;
    QString out;
    for (const PolicyField& field : policyFields()) {
        if (!field.flag)
            continue;
        QString left = QStringLiteral("  --") + prefix + QLatin1String(field.flag);
        if (field.negativeFlag)
            left += QStringLiteral(" | --") + prefix + QLatin1String(field.negativeFlag);
        if (field.valueName)
            left += QLatin1Char(' ') + QLatin1String(field.valueName);
        QString help = QLatin1String(field.help);
        const QJsonValue value = policyValue(defaults, field);
        const QString shownDefault = policyValueText(field, value);
        const bool meaningful = field.type != PolicyType::Text && field.type != PolicyType::TextList
            && field.type != PolicyType::HeaderList && !(field.type == PolicyType::Bool && !value.toBool());
        if (meaningful && !shownDefault.isEmpty())
            help += QStringLiteral(" (default %1)").arg(shownDefault);
        if (left.size() + 1 > helpColumn)
            out += left + QLatin1Char('\n') + QString(helpColumn, QLatin1Char(' ')) + help + QLatin1Char('\n');
        else
            out += left.leftJustified(helpColumn) + help + QLatin1Char('\n');
    }
    return out;
}

QList<PolicyWarning> policyWarnings(const ServerPolicy& policy)
{
    QList<PolicyWarning> warnings;
    if (policy.authenticationRequired() && policy.allowedOrigins.isEmpty()) {
        // The token may arrive as Cookie session=, which a browser attaches to a page of any site.
        warnings.append(PolicyWarning {
            QStringLiteral("Authentication is on and the origin allowlist is empty: any site's page can connect with "
                           "the user's session cookie (cross-site WebSocket hijacking)."),
            crossSiteHijackingExplanation(), crossSiteHijackingReferences(),
            { QStringLiteral("token"), QStringLiteral("allowedOrigins") } });
    }
    if (policy.login && policy.usersFile.isEmpty()) {
        warnings.append(PolicyWarning {
            QStringLiteral("The login page is on but no users file is set: nobody can log in."),
            QStringLiteral("POST /login checks names and passwords against the \"logins\" of the users file (--users "
                           "FILE); make hashes with wsinspector hash-password."),
            QStringLiteral("RFC 6265 §4.1"), { QStringLiteral("login"), QStringLiteral("usersFile") } });
    }
    if (policy.login && !policy.tokenFrom.contains(QByteArray("cookie:") + kSessionCookieName)) {
        warnings.append(PolicyWarning {
            QStringLiteral("The login page sets the cookie \"session\", but credentials are not read from it."),
            QStringLiteral("Add cookie:session to the places credentials are read from (--token-from), or a login "
                           "changes nothing for the WebSocket handshake."),
            QStringLiteral("RFC 6265 §5.4"), { QStringLiteral("login"), QStringLiteral("tokenFrom") } });
    }
    return warnings;
}

} // namespace wsi
