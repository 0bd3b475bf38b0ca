#include "cli/probeargs.h"

#include "core/extensions.h"
#include "core/hexbytes.h"

#include <QStringList>

namespace wsi
{

namespace
{
// Flags that take a value: "--flag VALUE" or "--flag=VALUE".
const QStringList& valueFlags()
{
    static const QStringList flags { QStringLiteral("-H"), QStringLiteral("--header"), QStringLiteral("--protocol"),
        QStringLiteral("--extension"), QStringLiteral("--origin"), QStringLiteral("--key"), QStringLiteral("--version"),
        QStringLiteral("--raw"), QStringLiteral("--send"), QStringLiteral("--send-binary"), QStringLiteral("--close"),
        QStringLiteral("--wait"), QStringLiteral("--timeout"), QStringLiteral("--fragments"),
        QStringLiteral("--cacert"), QStringLiteral("--cert"), QStringLiteral("--key-file"), QStringLiteral("--export"),
        QStringLiteral("--token"), QStringLiteral("--token-in"), QStringLiteral("--jwt-secret"),
        QStringLiteral("--jwt-key"), QStringLiteral("--jwt-alg"), QStringLiteral("--claim"),
        QStringLiteral("--jwt-expires") };
    return flags;
}

bool looksLikeUrl(const QString& s)
{
    return s.startsWith(QLatin1String("ws://"), Qt::CaseInsensitive)
        || s.startsWith(QLatin1String("wss://"), Qt::CaseInsensitive);
}

// Ten years either way: far enough to make a token that expired long ago or lasts, near enough to stay a date.
constexpr qint64 kMaxJwtExpiresSeconds = 10LL * 366 * 24 * 3600;

std::optional<int> parseCount(const QString& text, int min, int max)
{
    bool ok = false;
    const int n = text.toInt(&ok);
    if (!ok || n < min || n > max)
        return std::nullopt;
    return n;
}
} // namespace

std::optional<ProbeArgs> parseProbeArgs(const QStringList& arguments, QString* error)
{
    ProbeArgs args;
    auto bad = [error](const QString& message) -> std::optional<ProbeArgs> {
        *error = message;
        return std::nullopt;
    };
    bool closeGiven = false;
    QStringList jwtOnlyFlags; // given flags that mean something only when a JWT is signed
    for (qsizetype i = 2; i < arguments.size(); ++i) {
        QString flag = arguments.at(i);
        std::optional<QString> value;
        if (flag.startsWith(QLatin1String("--")) && flag.contains(QLatin1Char('='))) {
            value = flag.mid(flag.indexOf(QLatin1Char('=')) + 1);
            flag = flag.left(flag.indexOf(QLatin1Char('=')));
        }
        if (valueFlags().contains(flag) && !value) {
            if (i + 1 >= arguments.size())
                return bad(QStringLiteral("%1 needs a value.").arg(flag));
            value = arguments.at(++i);
        }
        const QString v = value.value_or(QString());

        if (flag == QLatin1String("-h") || flag == QLatin1String("--help")) {
            args.help = true;
        } else if (flag == QLatin1String("-H") || flag == QLatin1String("--header")) {
            args.headers.append(v.toUtf8());
        } else if (flag == QLatin1String("--protocol")) {
            args.protocols.append(v.toUtf8());
        } else if (flag == QLatin1String("--extension")) {
            args.extensions.append(v.toUtf8());
        } else if (flag == QLatin1String("--deflate")) {
            args.deflate = true;
        } else if (flag == QLatin1String("--origin")) {
            args.origin = v.toUtf8();
        } else if (flag == QLatin1String("--key")) {
            args.key = v.toUtf8();
        } else if (flag == QLatin1String("--version")) {
            args.version = v.toUtf8();
        } else if (flag == QLatin1String("--raw")) {
            args.rawFile = v;
        } else if (flag == QLatin1String("--send")) {
            args.steps.append(ProbeStep { ProbeStep::Kind::Text, v.toUtf8() });
        } else if (flag == QLatin1String("--send-binary")) {
            const auto bytes = parseHexBytes(v);
            if (!bytes)
                return bad(
                    QStringLiteral("--send-binary needs hex digits in pairs, e.g. 48656c6c6f; got \"%1\".").arg(v));
            args.steps.append(ProbeStep { ProbeStep::Kind::Binary, *bytes });
        } else if (flag == QLatin1String("--ping")) {
            // The text is optional: the next argument is it unless it is a flag or the URL.
            QByteArray text;
            if (value) {
                text = v.toUtf8();
            } else if (i + 1 < arguments.size() && !arguments.at(i + 1).startsWith(QLatin1Char('-'))
                && !(args.url.isEmpty() && looksLikeUrl(arguments.at(i + 1)))) {
                text = arguments.at(++i).toUtf8();
            }
            if (text.size() > 125)
                return bad(QStringLiteral("--ping text is %1 bytes; a ping carries at most 125 (RFC 6455 §5.5).")
                               .arg(text.size()));
            args.steps.append(ProbeStep { ProbeStep::Kind::Ping, text });
        } else if (flag == QLatin1String("--close")) {
            closeGiven = true;
            const qsizetype colon = v.indexOf(QLatin1Char(':'));
            const QString code = colon < 0 ? v : v.left(colon);
            const auto n = parseCount(code, 0, 65535);
            if (!n)
                return bad(QStringLiteral("--close needs CODE or CODE:REASON with a code from 0 to 65535; got \"%1\".")
                               .arg(v));
            args.closeCode = quint16(*n);
            args.closeReason = colon < 0 ? QByteArray() : v.mid(colon + 1).toUtf8();
        } else if (flag == QLatin1String("--wait")) {
            const auto n = parseCount(v, 0, 3'600'000);
            if (!n)
                return bad(QStringLiteral("--wait needs milliseconds (0 to 3600000); got \"%1\".").arg(v));
            args.waitMs = *n;
            args.waitGiven = true;
        } else if (flag == QLatin1String("--timeout")) {
            const auto n = parseCount(v, 1, 3'600'000);
            if (!n)
                return bad(QStringLiteral("--timeout needs milliseconds (1 to 3600000); got \"%1\".").arg(v));
            args.timeoutMs = *n;
        } else if (flag == QLatin1String("--fragments")) {
            const auto n = parseCount(v, 1, 10000);
            if (!n)
                return bad(QStringLiteral("--fragments needs a count from 1 to 10000; got \"%1\".").arg(v));
            args.fragments = *n;
        } else if (flag == QLatin1String("--echo")) {
            args.echo = true;
        } else if (flag == QLatin1String("--insecure") || flag == QLatin1String("-k")) {
            args.insecure = true;
        } else if (flag == QLatin1String("--cacert")) {
            args.caFile = v;
        } else if (flag == QLatin1String("--cert")) {
            args.certFile = v;
        } else if (flag == QLatin1String("--key-file")) {
            args.keyFile = v;
        } else if (flag == QLatin1String("--export")) {
            args.exportFile = v;
        } else if (flag == QLatin1String("--json")) {
            args.json = true;
        } else if (flag == QLatin1String("--token")) {
            if (v.isEmpty())
                return bad(QStringLiteral("--token needs a token; got an empty one."));
            args.token = v.toUtf8();
        } else if (flag == QLatin1String("--token-in")) {
            QString problem;
            const auto source = parseCredentialSource(v.toUtf8(), &problem);
            if (!source)
                return bad(QStringLiteral("--token-in: %1.").arg(problem));
            args.tokenIn = *source;
        } else if (flag == QLatin1String("--jwt-secret")) {
            if (v.isEmpty())
                return bad(QStringLiteral("--jwt-secret needs a secret; got an empty one."));
            args.jwtSecret = v.toUtf8();
        } else if (flag == QLatin1String("--jwt-key")) {
            args.jwtKeyFile = v;
        } else if (flag == QLatin1String("--jwt-alg")) {
            jwtOnlyFlags.append(flag);
            args.jwtAlgorithm = jwtAlgorithmFromName(v);
            if (!args.jwtAlgorithm || *args.jwtAlgorithm == JwtAlgorithm::None)
                return bad(QStringLiteral("--jwt-alg needs a signing algorithm: HS256, HS384, HS512, RS256, RS384, "
                                          "RS512, PS256, PS384, PS512, ES256, ES384, ES512 or EdDSA; got \"%1\".")
                               .arg(v));
        } else if (flag == QLatin1String("--claim")) {
            jwtOnlyFlags.append(flag);
            const qsizetype equals = v.indexOf(QLatin1Char('='));
            if (equals <= 0)
                return bad(QStringLiteral("--claim needs NAME=VALUE, e.g. --claim sub=alice; got \"%1\".").arg(v));
            args.jwtClaims.insert(v.left(equals), jwtClaimValueFromText(v.mid(equals + 1)));
        } else if (flag == QLatin1String("--jwt-expires")) {
            jwtOnlyFlags.append(flag);
            bool ok = false;
            const qint64 seconds = v.toLongLong(&ok);
            if (!ok || seconds < -kMaxJwtExpiresSeconds || seconds > kMaxJwtExpiresSeconds)
                return bad(QStringLiteral("--jwt-expires needs seconds from now (negative for a token that has "
                                          "already expired), at most ten years either way; got \"%1\".")
                               .arg(v));
            args.jwtExpiresSeconds = seconds;
        } else if (flag.startsWith(QLatin1Char('-')) && flag.size() > 1) {
            return bad(QStringLiteral("Unknown option %1.").arg(flag));
        } else if (args.url.isEmpty()) {
            args.url = flag;
        } else {
            return bad(QStringLiteral("Only one URL may be given; \"%1\" is a second one.").arg(flag));
        }
    }
    Q_UNUSED(closeGiven);
    if (args.help)
        return args;
    if (args.url.isEmpty())
        return bad(QStringLiteral("A URL is needed, e.g. wsinspector probe ws://127.0.0.1:9001/."));
    if (!looksLikeUrl(args.url))
        return bad(QStringLiteral("The URL must start with ws:// or wss://; got \"%1\".").arg(args.url));
    if (args.certFile.isEmpty() != args.keyFile.isEmpty())
        return bad(QStringLiteral("--cert and --key-file go together: a client certificate needs its key."));
    if (!args.jwtSecret.isEmpty() && !args.jwtKeyFile.isEmpty())
        return bad(QStringLiteral("--jwt-secret and --jwt-key are two ways to sign: give one of them."));
    if (!args.rawFile.isEmpty() && (args.token || args.signsJwt()))
        return bad(QStringLiteral("--raw sends the file's bytes as they are: write the token into the file instead."));
    if (args.token && args.signsJwt())
        return bad(QStringLiteral("--token sends a token as typed; --jwt-secret and --jwt-key sign a new one: give "
                                  "one of them."));
    if (!args.signsJwt() && !jwtOnlyFlags.isEmpty())
        return bad(QStringLiteral("%1 describes a JWT to sign: give --jwt-secret SECRET or --jwt-key FILE.pem as well.")
                       .arg(jwtOnlyFlags.first()));
    if (args.jwtAlgorithm) {
        const bool hmac = jwtAlgorithmName(*args.jwtAlgorithm).startsWith(QLatin1String("HS"));
        if (hmac && !args.jwtKeyFile.isEmpty())
            return bad(QStringLiteral("--jwt-alg %1 signs with a shared secret: give --jwt-secret, or an RS, PS, ES or "
                                      "EdDSA algorithm for --jwt-key.")
                           .arg(jwtAlgorithmName(*args.jwtAlgorithm)));
        if (!hmac && !args.jwtSecret.isEmpty())
            return bad(QStringLiteral("--jwt-alg %1 signs with a private key: give --jwt-key FILE.pem, or an HS "
                                      "algorithm for --jwt-secret.")
                           .arg(jwtAlgorithmName(*args.jwtAlgorithm)));
    }
    return args;
}

std::optional<QByteArray> probeToken(
    const ProbeArgs& args, const QByteArray& jwtKeyPem, qint64 nowSeconds, QString* error)
{
    if (!args.signsJwt())
        return args.token.value_or(QByteArray());
    const bool withSecret = !args.jwtSecret.isEmpty();
    std::optional<JwtAlgorithm> algorithm = args.jwtAlgorithm;
    if (!algorithm && withSecret)
        algorithm = JwtAlgorithm::HS256;
    QString problem;
    if (!algorithm)
        algorithm = jwtAlgorithmForPrivateKey(jwtKeyPem, &problem);
    if (!algorithm) {
        *error = QStringLiteral("Cannot sign with %1: %2.").arg(args.jwtKeyFile, problem);
        return std::nullopt;
    }
    QJsonObject claims { { QStringLiteral("iat"), double(nowSeconds) },
        { QStringLiteral("exp"), double(nowSeconds + args.jwtExpiresSeconds) } };
    for (auto it = args.jwtClaims.begin(); it != args.jwtClaims.end(); ++it)
        claims.insert(it.key(), it.value());
    const JwtSignResult signedToken = signJwt(*algorithm, claims, withSecret ? args.jwtSecret : jwtKeyPem);
    if (!signedToken.ok()) {
        *error = withSecret ? QStringLiteral("Cannot sign the JWT: %1.").arg(signedToken.error)
                            : QStringLiteral("Cannot sign with %1: %2.").arg(args.jwtKeyFile, signedToken.error);
        return std::nullopt;
    }
    return signedToken.token;
}

std::optional<HandshakeSpec> probeSpec(
    const ProbeArgs& args, const QByteArray& rawBytes, QString* error, const QByteArray& token)
{
    HandshakeSpec spec = HandshakeSpec::withDefaults(args.url);
    if (!args.rawFile.isEmpty()) {
        spec.rawMode = true;
        spec.rawRequest = rawBytes;
        return spec;
    }
    spec.protocols = args.protocols;
    spec.deflate = args.deflate;
    spec.origin = args.origin.value_or(QByteArray());
    if (args.key) {
        spec.keyMode = KeyMode::Fixed;
        spec.fixedKey = *args.key;
    }
    if (args.version)
        spec.version = *args.version;
    spec.token = token;
    switch (args.tokenIn.kind) {
    case CredentialSource::Kind::Query:
        spec.tokenPlacement = TokenPlacement::Query;
        spec.tokenQueryName = args.tokenIn.name;
        break;
    case CredentialSource::Kind::Bearer:
        spec.tokenPlacement = TokenPlacement::Bearer;
        break;
    case CredentialSource::Kind::Cookie:
        spec.tokenPlacement = TokenPlacement::Cookie;
        spec.tokenCookieName = args.tokenIn.name;
        break;
    case CredentialSource::Kind::Protocol:
        spec.tokenPlacement = TokenPlacement::Protocol;
        spec.tokenProtocolPrefix = args.tokenIn.name;
        break;
    }
    spec.syncRowsFromHelpers();
    if (args.key && args.key->isEmpty()) {
        // --key "" means: send no key at all (a deliberately broken request).
        spec.rows.removeIf([](const HeaderRow& row) { return sameFieldName(row.name, "Sec-WebSocket-Key"); });
    }
    if (args.version && args.version->isEmpty())
        spec.rows.removeIf([](const HeaderRow& row) { return sameFieldName(row.name, "Sec-WebSocket-Version"); });

    if (!args.extensions.isEmpty()) {
        // Offers typed by hand are sent as typed, after the --deflate offer.
        QList<QByteArray> parts;
        if (args.deflate)
            parts.append(serializeExtensions({ makeDeflateOffer(spec.deflateOffer) }));
        parts += args.extensions;
        const QByteArray value = parts.join(", ");
        auto row = std::find_if(spec.rows.begin(), spec.rows.end(),
            [](const HeaderRow& r) { return sameFieldName(r.name, "Sec-WebSocket-Extensions"); });
        if (row != spec.rows.end())
            row->value = value;
        else
            spec.rows.append(HeaderRow { "Sec-WebSocket-Extensions", value });
    }

    // -H "Name: value" replaces the first header of that name (the first time the name is used) and
    // appends otherwise; "Name:" removes it; "Name;" sends it with an empty value (as curl does).
    QList<QByteArray> replaced;
    for (const QByteArray& typed : args.headers) {
        const qsizetype colon = typed.indexOf(':');
        const bool emptyForm = colon < 0 && typed.endsWith(';');
        if (colon <= 0 && !emptyForm) {
            *error = QStringLiteral("-H needs \"Name: value\"; got \"%1\".").arg(QString::fromUtf8(typed));
            return std::nullopt;
        }
        const QByteArray name = emptyForm ? typed.chopped(1).trimmed() : typed.left(colon).trimmed();
        const QByteArray value = emptyForm ? QByteArray() : typed.mid(colon + 1).trimmed();
        const HeaderRow row { name, value, true };
        if (const QString problem = rowProblem(row); !problem.isEmpty()) {
            *error = problem;
            return std::nullopt;
        }
        const bool firstUse = !replaced.contains(name.toLower());
        replaced.append(name.toLower());
        if (!emptyForm && value.isEmpty()) {
            spec.rows.removeIf([&name](const HeaderRow& r) { return sameFieldName(r.name, name); });
            continue;
        }
        auto existing = std::find_if(
            spec.rows.begin(), spec.rows.end(), [&name](const HeaderRow& r) { return sameFieldName(r.name, name); });
        if (firstUse && existing != spec.rows.end())
            *existing = row;
        else
            spec.rows.append(row);
    }
    if (!spec.token.isEmpty()
        && (spec.tokenPlacement == TokenPlacement::Cookie || spec.tokenPlacement == TokenPlacement::Protocol)) {
        // -H may have replaced the row that carried the token; the token then follows what -H sent, as it follows
        // the helpers' cookies and subprotocols.
        const bool cookie = spec.tokenPlacement == TokenPlacement::Cookie;
        const QByteArray name = cookie ? "Cookie" : "Sec-WebSocket-Protocol";
        const QByteArray item
            = cookie ? spec.tokenCookieName + '=' + spec.token : spec.tokenProtocolPrefix + spec.token;
        auto carrier = std::find_if(spec.rows.begin(), spec.rows.end(),
            [&name](const HeaderRow& r) { return r.enabled && sameFieldName(r.name, name); });
        if (carrier == spec.rows.end())
            spec.rows.append(HeaderRow { name, item });
        else if (!carrier->value.contains(item))
            carrier->value
                += (carrier->value.trimmed().isEmpty() ? QByteArray() : QByteArray(cookie ? "; " : ", ")) + item;
    }
    return spec;
}

ClientOptions probeClientOptions(const ProbeArgs& args)
{
    ClientOptions options;
    options.insecure = args.insecure;
    options.caFile = args.caFile;
    options.certFile = args.certFile;
    options.keyFile = args.keyFile;
    options.connectTimeoutMs = args.timeoutMs;
    options.handshakeTimeoutMs = args.timeoutMs;
    return options;
}

int probeExitCode(const ClientSession& session)
{
    switch (session.failure()) {
    case ClientSession::Failure::None:
        return 0;
    case ClientSession::Failure::InvalidRequest:
        return 64;
    case ClientSession::Failure::Connect:
    case ClientSession::Failure::Tls:
        return 3;
    case ClientSession::Failure::Timeout:
        // Before the request went out there was no connection; after it, the server failed to answer.
        return session.timings().requestWritten < 0 ? 3 : 2;
    case ClientSession::Failure::NotUpgraded:
        return 1;
    case ClientSession::Failure::CheckFailed:
    case ClientSession::Failure::ProtocolViolation:
        return 2;
    }
    return 2;
}

const char* probeUsage()
{
    return "usage: wsinspector probe URL [options]\n"
           "Sends one WebSocket handshake (valid or not), shows exactly what came back, judged against\n"
           "RFC 6455 / RFC 7692, then exchanges the given messages and closes.\n"
           "\n"
           "Handshake:\n"
           "  -H \"Name: value\"          add a header (replaces a standard one of that name the first time);\n"
           "                           \"Name:\" removes it, \"Name;\" sends it empty\n"
           "  --protocol P              offer a subprotocol (repeatable, in order)\n"
           "  --extension OFFER         offer an extension as typed (repeatable)\n"
           "  --deflate                 offer \"permessage-deflate; client_max_window_bits\"\n"
           "  --origin O                send Origin: O\n"
           "  --key K                   send this Sec-WebSocket-Key as typed (\"\" sends none)\n"
           "  --version V               send this Sec-WebSocket-Version (\"\" sends none)\n"
           "  --raw FILE                send FILE's bytes as the request, byte for byte\n"
           "Token (where the server reads it; see serve --token-from):\n"
           "  --token TOKEN             send this token as typed\n"
           "  --token-in PLACE          where it goes: query:NAME (default query:token), bearer\n"
           "                            (Authorization: Bearer), cookie:NAME, or protocol[:PREFIX]: a\n"
           "                            Sec-WebSocket-Protocol item PREFIX+token after any --protocol\n"
           "                            (default prefix token.)\n"
           "  --jwt-secret SECRET       sign a JWT with this shared secret (HS256 unless --jwt-alg says)\n"
           "  --jwt-key FILE.pem        sign a JWT with this private key (PEM, not encrypted); the algorithm\n"
           "                            follows the key unless --jwt-alg says: RS256 for RSA, ES256 / ES384 /\n"
           "                            ES512 for EC P-256 / P-384 / P-521, EdDSA for Ed25519\n"
           "  --jwt-alg ALG             HS256 HS384 HS512 RS256 RS384 RS512 PS256 PS384 PS512 ES256 ES384\n"
           "                            ES512 EdDSA\n"
           "  --claim NAME=VALUE        a claim (repeatable); VALUE is JSON when it reads as a number, true,\n"
           "                            false, [list], {object} or \"string\", else the text itself\n"
           "  --jwt-expires SECONDS     exp = now + SECONDS, iat = now (default 3600; negative: already\n"
           "                            expired); --claim exp=... or iat=... replaces them\n"
           "                            The token appears only in the request lines; the secret never does.\n"
           "After the upgrade (in the order given; each waits for its answer):\n"
           "  --send TEXT               a text message\n"
           "  --send-binary HEX         a binary message, e.g. 00ff10\n"
           "  --ping [TEXT]             a ping (waits for the pong)\n"
           "  --fragments N             split each message into N frames\n"
           "  --echo                    then send every message received back with its opcode, until the\n"
           "                            peer closes or nothing arrives for --wait ms\n"
           "  --close CODE[:REASON]     close with this code (default 1000)\n"
           "  --wait MS                 how long to wait for each answer (default 2000); without messages,\n"
           "                            how long to listen before closing (default: close at once)\n"
           "Connection:\n"
           "  --timeout MS              connect and handshake timeout (default 10000)\n"
           "  --insecure, -k            do not verify the server's TLS certificate\n"
           "  --cacert FILE             trust the CA certificates in FILE (PEM)\n"
           "  --cert FILE --key-file FILE   client certificate and key (PEM) for mutual TLS\n"
           "Output:\n"
           "  --json                    one JSON object per line: request, response, check, frame, message,\n"
           "                            note, close, summary\n"
           "  --export FILE.jsonl       save the whole transcript as JSON Lines\n"
           "\n"
           "Exit codes: 0 upgraded and every check passed; 1 the server answered without upgrading;\n"
           "2 a check failed or the server broke the protocol (or never answered); 3 no connection\n"
           "(refused, DNS, TLS); 64 bad usage.\n";
}

} // namespace wsi
