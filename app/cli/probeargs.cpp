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
        QStringLiteral("--cacert"), QStringLiteral("--cert"), QStringLiteral("--key-file"),
        QStringLiteral("--export") };
    return flags;
}

bool looksLikeUrl(const QString& s)
{
    return s.startsWith(QLatin1String("ws://"), Qt::CaseInsensitive)
        || s.startsWith(QLatin1String("wss://"), Qt::CaseInsensitive);
}

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
    return args;
}

std::optional<HandshakeSpec> probeSpec(const ProbeArgs& args, const QByteArray& rawBytes, QString* error)
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
           "After the upgrade (in the order given; each waits for its answer):\n"
           "  --send TEXT               a text message\n"
           "  --send-binary HEX         a binary message, e.g. 00ff10\n"
           "  --ping [TEXT]             a ping (waits for the pong)\n"
           "  --fragments N             split each message into N frames\n"
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
