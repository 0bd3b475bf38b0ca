#include "cli/serveoptions.h"

#include "core/policyschema.h"

namespace wsi
{

QString serveUsageText()
{
    // The policy's flags come from its schema (core/policyschema.cpp); the rest belong to this front end.
    return QStringLiteral("usage: wsinspector serve [options]\n"
                          "  --listen HOST:PORT                 address to bind (default 127.0.0.1:9001; port 0 "
                          "picks a free one)\n")
        + PolicyFlags::usage()
        + QStringLiteral("  --tls                              serve wss with a fresh self-signed certificate\n"
                         "  --cert FILE --key FILE             serve wss with this certificate and key (PEM)\n"
                         "  --json                             one JSON object per line on stdout\n"
                         "  --no-frames                        do not print frame and message lines\n"
                         "  --no-record                        do not keep per-frame and per-message records "
                         "(implies --no-frames)\n"
                         "  --payload-budget BYTES             payload bytes recorded per connection (default "
                         "1048576)\n"
                         "Policy values: BYTES may end in KiB, MiB or GiB (k, m, g); see README for the JSON "
                         "profile keys.\n"
                         "Exit codes: 0 after SIGINT/SIGTERM, 64 for bad flags, 1 when the server cannot "
                         "start.\n");
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
    PolicyFlags policyFlags(o.policy);
    QString error;
    Args args(words);

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
        const QString name = flag.startsWith(QLatin1String("--")) ? flag.mid(2) : QString();

        if (flag == QLatin1String("--help") || flag == QLatin1String("-h")) {
            result.help = true;
            return result;
        } else if (const PolicyFlags::Kind kind = policyFlags.kind(name); kind != PolicyFlags::Kind::NotPolicy) {
            if (kind == PolicyFlags::Kind::NoValue) {
                if (noValue())
                    policyFlags.apply(name, std::nullopt, &error);
            } else if (const auto v = value()) {
                policyFlags.apply(name, *v, &error);
            }
        } else if (flag == QLatin1String("--listen")) {
            if (const auto v = value(); v && !parseListen(*v, o.address, o.port))
                error
                    = QStringLiteral("--listen wants HOST:PORT such as 127.0.0.1:9001 or [::1]:0, not \"%1\"").arg(*v);
        } else if (flag == QLatin1String("--payload-budget")) {
            if (const auto v = value()) {
                const auto n = number(*v, 0, qint64(1) << 40);
                if (!n)
                    error = QStringLiteral("--payload-budget must be a number of bytes, not \"%1\"").arg(*v);
                else
                    o.payloadBudget = *n;
            }
        } else if (flag == QLatin1String("--tls")) {
            o.tls = noValue();
        } else if (flag == QLatin1String("--cert")) {
            if (const auto v = value())
                o.certFile = *v;
        } else if (flag == QLatin1String("--key")) {
            if (const auto v = value())
                o.keyFile = *v;
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

    if (error.isEmpty())
        policyFlags.finish(&error);
    if (error.isEmpty() && o.certFile.isEmpty() != o.keyFile.isEmpty())
        error = QStringLiteral("--cert and --key go together");
    if (!error.isEmpty()) {
        result.error = error;
        return result;
    }
    if (!o.certFile.isEmpty())
        o.tls = true;
    if (!o.record)
        o.frames = false;
    result.options = o;
    return result;
}

} // namespace wsi
