#include "cli/serveoptions.h"

#include "core/http.h"

namespace wsi
{

const char* serveUsageText()
{
    return "usage: wsinspector serve [options]\n"
           "  --listen HOST:PORT                 address to bind (default 127.0.0.1:9001; port 0 picks a free one)\n"
           "  --protocols a,b,c                  supported subprotocols, in the server's order of preference\n"
           "  --protocol-order server|client     whose preference picks the subprotocol (default server)\n"
           "  --no-protocol-match proceed|reject nothing in common: no subprotocol (default) or HTTP 400\n"
           "  --allow-origin ORIGIN              allow this exact Origin (repeatable; default: any origin)\n"
           "  --missing-origin allow|reject      requests without Origin, when an allowlist is set (default allow)\n"
           "  --origin-failure http|close        refuse with 403 (default), or accept and close with 1008\n"
           "  --token TOKEN                      require TOKEN in ?token=, Authorization: Bearer or Cookie session=\n"
           "  --auth-failure http|close          refuse with 401 (default), or accept and close with 4001\n"
           "  --deflate | --no-deflate           permessage-deflate on (default) or off\n"
           "  --deflate-server-no-context-takeover\n"
           "  --deflate-client-no-context-takeover\n"
           "  --deflate-server-max-window-bits N 8..15\n"
           "  --compression-level N              zlib level 0..9 (default 6)\n"
           "  --max-message BYTES                larger messages close with 1009 (default 67108864)\n"
           "  --max-queued BYTES                 unsent bytes per connection before reading pauses (default 16777216)\n"
           "  --handshake-timeout MS             drop clients that send no complete request in time (default 10000)\n"
           "  --tls                              serve wss with a fresh self-signed certificate\n"
           "  --cert FILE --key FILE             serve wss with this certificate and key (PEM)\n"
           "  --header \"Name: value\"             add a header to every 101 response (repeatable)\n"
           "  --json                             one JSON object per line on stdout\n"
           "  --no-frames                        do not print frame and message lines\n"
           "  --no-record                        do not keep per-frame and per-message records (implies --no-frames)\n"
           "  --payload-budget BYTES             payload bytes recorded per connection (default 1048576)\n"
           "Exit codes: 0 after SIGINT/SIGTERM, 64 for bad flags, 1 when the server cannot start.\n";
}

namespace
{
class Args
{
public:
    explicit Args(const QStringList& args)
        : m_args(args)
    {
    }
    bool atEnd() const { return m_index >= m_args.size(); }
    QString next() { return m_args.at(m_index++); }
    // The value of `flag`: the next word, or the part after '=' in --flag=value.
    std::optional<QString> value(const QString& flag, const std::optional<QString>& inlineValue, QString* error)
    {
        if (inlineValue)
            return inlineValue;
        if (atEnd()) {
            *error = QStringLiteral("%1 needs a value").arg(flag);
            return std::nullopt;
        }
        return next();
    }

private:
    const QStringList& m_args;
    qsizetype m_index = 0;
};

std::optional<qint64> number(const QString& text, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 n = text.toLongLong(&ok);
    if (!ok || n < min || n > max)
        return std::nullopt;
    return n;
}

bool parseListen(const QString& text, QHostAddress& address, quint16& port)
{
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    const auto p = number(text.mid(colon + 1), 0, 65535);
    if (!p)
        return false;
    if (host == QLatin1String("localhost"))
        address = QHostAddress(QHostAddress::LocalHost);
    else if (host == QLatin1String("*"))
        address = QHostAddress(QHostAddress::Any);
    else if (!address.setAddress(host))
        return false;
    port = quint16(*p);
    return true;
}
} // namespace

ServeParse parseServeArguments(const QStringList& words)
{
    ServeParse result;
    ServeOptions o;
    QString error;
    bool deflateOn = false, deflateOff = false;
    Args args(words);

    const auto choose = [&error](const QString& flag, const QString& value, const char* a, const char* b) -> int {
        if (value == QLatin1String(a))
            return 0;
        if (value == QLatin1String(b))
            return 1;
        error = QStringLiteral("%1 must be %2 or %3, not \"%4\"").arg(flag, QLatin1String(a), QLatin1String(b), value);
        return -1;
    };

    while (!args.atEnd() && error.isEmpty()) {
        QString flag = args.next();
        std::optional<QString> inlineValue;
        if (flag.startsWith(QLatin1String("--")) && flag.contains(QLatin1Char('='))) {
            inlineValue = flag.mid(flag.indexOf(QLatin1Char('=')) + 1);
            flag = flag.left(flag.indexOf(QLatin1Char('=')));
        }
        const auto value = [&]() { return args.value(flag, inlineValue, &error); };
        const auto noValue = [&] {
            if (inlineValue)
                error = QStringLiteral("%1 takes no value").arg(flag);
            return !inlineValue;
        };

        if (flag == QLatin1String("--help") || flag == QLatin1String("-h")) {
            result.help = true;
            return result;
        } else if (flag == QLatin1String("--listen")) {
            if (const auto v = value(); v && !parseListen(*v, o.address, o.port))
                error
                    = QStringLiteral("--listen wants HOST:PORT such as 127.0.0.1:9001 or [::1]:0, not \"%1\"").arg(*v);
        } else if (flag == QLatin1String("--protocols")) {
            if (const auto v = value()) {
                o.policy.protocols.clear();
                for (const QString& part : v->split(QLatin1Char(','), Qt::SkipEmptyParts)) {
                    const QByteArray token = part.trimmed().toUtf8();
                    if (!isToken(token)) {
                        error = QStringLiteral("--protocols: \"%1\" is not a valid subprotocol token")
                                    .arg(part.trimmed());
                        break;
                    }
                    o.policy.protocols.append(token);
                }
            }
        } else if (flag == QLatin1String("--protocol-order")) {
            if (const auto v = value()) {
                const int c = choose(flag, *v, "server", "client");
                if (c >= 0)
                    o.policy.protocolOrder = c == 0 ? ProtocolOrder::Server : ProtocolOrder::Client;
            }
        } else if (flag == QLatin1String("--no-protocol-match")) {
            if (const auto v = value()) {
                const int c = choose(flag, *v, "proceed", "reject");
                if (c >= 0)
                    o.policy.noProtocolMatch = c == 0 ? NoProtocolMatch::Proceed : NoProtocolMatch::Reject;
            }
        } else if (flag == QLatin1String("--allow-origin")) {
            if (const auto v = value()) {
                if (v->isEmpty() || v->contains(QLatin1Char('\r')) || v->contains(QLatin1Char('\n')))
                    error = QStringLiteral("--allow-origin needs an origin such as https://example.com");
                else
                    o.policy.allowedOrigins.append(v->toUtf8());
            }
        } else if (flag == QLatin1String("--missing-origin")) {
            if (const auto v = value()) {
                const int c = choose(flag, *v, "allow", "reject");
                if (c >= 0)
                    o.policy.allowMissingOrigin = c == 0;
            }
        } else if (flag == QLatin1String("--origin-failure")) {
            if (const auto v = value()) {
                const int c = choose(flag, *v, "http", "close");
                if (c >= 0)
                    o.policy.originFailure = c == 0 ? FailureMode::Http : FailureMode::Close;
            }
        } else if (flag == QLatin1String("--token")) {
            if (const auto v = value()) {
                if (v->isEmpty())
                    error = QStringLiteral("--token needs a non-empty token");
                o.policy.token = v->toUtf8();
            }
        } else if (flag == QLatin1String("--auth-failure")) {
            if (const auto v = value()) {
                const int c = choose(flag, *v, "http", "close");
                if (c >= 0)
                    o.policy.authFailure = c == 0 ? FailureMode::Http : FailureMode::Close;
            }
        } else if (flag == QLatin1String("--deflate")) {
            deflateOn = noValue();
        } else if (flag == QLatin1String("--no-deflate")) {
            deflateOff = noValue();
        } else if (flag == QLatin1String("--deflate-server-no-context-takeover")) {
            o.policy.deflate.serverNoContextTakeover = noValue();
        } else if (flag == QLatin1String("--deflate-client-no-context-takeover")) {
            o.policy.deflate.clientNoContextTakeover = noValue();
        } else if (flag == QLatin1String("--deflate-server-max-window-bits")) {
            if (const auto v = value()) {
                const auto n = number(*v, 8, 15);
                if (!n)
                    error = QStringLiteral("--deflate-server-max-window-bits must be 8 to 15, not \"%1\"").arg(*v);
                else
                    o.policy.deflate.serverMaxWindowBits = int(*n);
            }
        } else if (flag == QLatin1String("--compression-level")) {
            if (const auto v = value()) {
                const auto n = number(*v, 0, 9);
                if (!n)
                    error = QStringLiteral("--compression-level must be 0 to 9, not \"%1\"").arg(*v);
                else
                    o.policy.compressionLevel = int(*n);
            }
        } else if (flag == QLatin1String("--max-message")) {
            if (const auto v = value()) {
                const auto n = number(*v, 1, qint64(1) << 40);
                if (!n)
                    error
                        = QStringLiteral("--max-message must be a number of bytes from 1 to 2^40, not \"%1\"").arg(*v);
                else
                    o.policy.maxMessageBytes = *n;
            }
        } else if (flag == QLatin1String("--max-queued")) {
            if (const auto v = value()) {
                const auto n = number(*v, 1024, qint64(1) << 40);
                if (!n)
                    error = QStringLiteral("--max-queued must be a number of bytes from 1024 to 2^40, not \"%1\"")
                                .arg(*v);
                else
                    o.policy.maxQueuedBytes = *n;
            }
        } else if (flag == QLatin1String("--payload-budget")) {
            if (const auto v = value()) {
                const auto n = number(*v, 0, qint64(1) << 40);
                if (!n)
                    error = QStringLiteral("--payload-budget must be a number of bytes, not \"%1\"").arg(*v);
                else
                    o.payloadBudget = *n;
            }
        } else if (flag == QLatin1String("--handshake-timeout")) {
            if (const auto v = value()) {
                const auto n = number(*v, 1, 24 * 3600 * 1000);
                if (!n)
                    error = QStringLiteral("--handshake-timeout must be milliseconds from 1 to 86400000, not \"%1\"")
                                .arg(*v);
                else
                    o.policy.handshakeTimeoutMs = int(*n);
            }
        } else if (flag == QLatin1String("--tls")) {
            o.tls = noValue();
        } else if (flag == QLatin1String("--cert")) {
            if (const auto v = value())
                o.certFile = *v;
        } else if (flag == QLatin1String("--key")) {
            if (const auto v = value())
                o.keyFile = *v;
        } else if (flag == QLatin1String("--header")) {
            if (const auto v = value()) {
                const qsizetype colon = v->indexOf(QLatin1Char(':'));
                const QByteArray name = v->left(colon).toUtf8();
                const QByteArray headerValue = v->mid(colon + 1).trimmed().toUtf8();
                if (colon <= 0 || !isToken(name) || headerValue.contains('\r') || headerValue.contains('\n')
                    || headerValue.contains('\0'))
                    error = QStringLiteral("--header wants \"Name: value\" with a token name and no line breaks, not "
                                           "\"%1\"")
                                .arg(*v);
                else
                    o.policy.extraResponseHeaders.append(Header { name, headerValue });
            }
        } else if (flag == QLatin1String("--json")) {
            o.json = noValue();
        } else if (flag == QLatin1String("--no-frames")) {
            o.frames = !noValue();
        } else if (flag == QLatin1String("--no-record")) {
            o.record = !noValue();
        } else {
            error = flag.startsWith(QLatin1Char('-')) ? QStringLiteral("unknown option %1").arg(flag)
                                                      : QStringLiteral("unexpected argument \"%1\"").arg(flag);
        }
    }

    if (error.isEmpty() && deflateOn && deflateOff)
        error = QStringLiteral("--deflate and --no-deflate contradict each other");
    if (error.isEmpty() && o.certFile.isEmpty() != o.keyFile.isEmpty())
        error = QStringLiteral("--cert and --key go together");
    if (!error.isEmpty()) {
        result.error = error;
        return result;
    }
    if (deflateOff)
        o.policy.deflate.enabled = false;
    if (!o.certFile.isEmpty())
        o.tls = true;
    if (!o.record)
        o.frames = false;
    result.options = o;
    return result;
}

} // namespace wsi
