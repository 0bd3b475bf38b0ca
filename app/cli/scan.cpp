// `wsinspector scan`: sends core's matrix of handshake variations one after another, records what came back, and
// prints core's judgement of it as text, JSON Lines and optionally a Markdown report.
#include "core/scan.h"

#include "cli/commands.h"
#include "cli/output.h"
#include "engine/clientsession.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QPointer>
#include <QSaveFile>
#include <QTimer>
#include <cstdio>

namespace wsi
{

namespace
{

// After a 101, how long the connection must stay up to count as kept open (a policy close comes at once).
constexpr int kOpenWaitMs = 300;

constexpr char kUsage[]
    = "usage: wsinspector scan URL [--origin ORIGIN] [-H \"Name: value\"]... [--cookie C] [--token T]\n"
      "                           [--protocol P]... [--json] [--report FILE.md] [--timeout MS] [--insecure]\n"
      "\n"
      "Sends a matrix of handshake variations to URL, one after another, and reports what the server does with\n"
      "each: Origin absent, the legitimate origin, a foreign one, null and look-alikes (each with and without the\n"
      "credentials given), subprotocols, versions 8/13/14, a malformed key, permessage-deflate offers and a 20 KiB\n"
      "header. Then the verdicts: cswsh fails when another site's page carrying the credentials is upgraded and\n"
      "kept open (cross-site WebSocket hijacking, RFC 6455 §10.2).\n"
      "\n"
      "  --origin ORIGIN      the legitimate origin (default: the URL's own, http(s)://host[:port])\n"
      "  -H, --header \"N: V\"  a header sent with every variation; Cookie and Authorization count as credentials\n"
      "  --cookie C           credentials: sent as the Cookie header (e.g. session=abc)\n"
      "  --token T            credentials: sent as the query parameter ?token=T\n"
      "  --protocol P         a subprotocol to offer (repeatable)\n"
      "  --json               one JSON object per line: a \"variation\" per row, a \"finding\" per verdict\n"
      "  --report FILE.md     also write a Markdown report\n"
      "  --timeout MS         per request (default 5000)\n"
      "  -k, --insecure       wss: do not verify the server's certificate\n"
      "\n"
      "Exit status: 0 no finding fails, 1 a finding fails, 3 the server cannot be reached, 64 bad usage.\n";

struct ScanArgs {
    ScanSubject subject;
    bool json = false;
    bool insecure = false;
    bool help = false;
    int timeoutMs = 5000;
    QString reportFile;
};

std::optional<ScanArgs> parseScanArgs(const QStringList& arguments, QString* error)
{
    static const QStringList valueFlags { QStringLiteral("--origin"), QStringLiteral("-H"), QStringLiteral("--header"),
        QStringLiteral("--cookie"), QStringLiteral("--token"), QStringLiteral("--protocol"), QStringLiteral("--report"),
        QStringLiteral("--timeout") };
    ScanArgs args;
    auto bad = [error](const QString& message) -> std::optional<ScanArgs> {
        *error = message;
        return std::nullopt;
    };
    for (qsizetype i = 2; i < arguments.size(); ++i) {
        QString flag = arguments.at(i);
        std::optional<QString> value;
        if (flag.startsWith(QLatin1String("--")) && flag.contains(QLatin1Char('='))) {
            value = flag.mid(flag.indexOf(QLatin1Char('=')) + 1);
            flag = flag.left(flag.indexOf(QLatin1Char('=')));
        }
        if (valueFlags.contains(flag) && !value) {
            if (i + 1 >= arguments.size())
                return bad(QStringLiteral("%1 needs a value.").arg(flag));
            value = arguments.at(++i);
        }
        const QString v = value.value_or(QString());
        if (flag == QLatin1String("-h") || flag == QLatin1String("--help")) {
            args.help = true;
        } else if (flag == QLatin1String("--origin")) {
            args.subject.origin = v.toUtf8();
        } else if (flag == QLatin1String("-H") || flag == QLatin1String("--header")) {
            const qsizetype colon = v.indexOf(QLatin1Char(':'));
            const HeaderRow row { v.left(colon).trimmed().toUtf8(), v.mid(colon + 1).trimmed().toUtf8(), true };
            if (colon <= 0)
                return bad(QStringLiteral("-H needs \"Name: value\"; got \"%1\".").arg(v));
            if (const QString problem = rowProblem(row); !problem.isEmpty())
                return bad(problem);
            args.subject.headers.append(row);
        } else if (flag == QLatin1String("--cookie")) {
            args.subject.cookie = v.toUtf8();
        } else if (flag == QLatin1String("--token")) {
            args.subject.token = v.toUtf8();
        } else if (flag == QLatin1String("--protocol")) {
            args.subject.protocols.append(v.toUtf8());
        } else if (flag == QLatin1String("--json")) {
            args.json = true;
        } else if (flag == QLatin1String("--report")) {
            args.reportFile = v;
        } else if (flag == QLatin1String("--timeout")) {
            bool ok = false;
            args.timeoutMs = v.toInt(&ok);
            if (!ok || args.timeoutMs < 1 || args.timeoutMs > 3'600'000)
                return bad(QStringLiteral("--timeout needs milliseconds (1 to 3600000); got \"%1\".").arg(v));
        } else if (flag == QLatin1String("-k") || flag == QLatin1String("--insecure")) {
            args.insecure = true;
        } else if (!flag.startsWith(QLatin1Char('-')) && args.subject.url.isEmpty()) {
            args.subject.url = flag;
        } else if (!flag.startsWith(QLatin1Char('-'))) {
            return bad(QStringLiteral("one URL only; \"%1\" is a second one.").arg(flag));
        } else {
            return bad(QStringLiteral("unknown option '%1'.").arg(flag));
        }
    }
    if (args.help)
        return args;
    if (args.subject.url.isEmpty())
        return bad(QStringLiteral("a URL is needed (ws://HOST:PORT/PATH or wss://…)."));
    const QUrl url(args.subject.url, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (!url.isValid() || url.host().isEmpty() || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")))
        return bad(QStringLiteral("\"%1\" is not a ws:// or wss:// URL.").arg(args.subject.url));
    if (!args.subject.origin.isEmpty() && !QUrl(QString::fromUtf8(args.subject.origin)).isValid())
        return bad(QStringLiteral("--origin needs an origin such as https://app.example; got \"%1\".")
                       .arg(QString::fromUtf8(args.subject.origin)));
    return args;
}

QString orNone(const QByteArray& value)
{
    return value.isNull() ? QStringLiteral("none") : QString::fromUtf8(value);
}

QString openText(const ScanRow& row)
{
    if (row.open)
        return QStringLiteral("open");
    if (row.closeCode)
        return QStringLiteral("closed %1").arg(*row.closeCode);
    return QStringLiteral("closed");
}

QString statusText(const ScanRow& row)
{
    return row.status == 0 ? QStringLiteral("-") : QString::number(row.status);
}

QString markdownCell(QString text)
{
    return text.replace(QLatin1Char('|'), QLatin1String("\\|")).replace(QLatin1Char('\n'), QLatin1Char(' '));
}

QByteArray markdownReport(const ScanSubject& subject, const QList<ScanRow>& rows, const QList<Finding>& findings)
{
    QString text = QStringLiteral("# WebSocket handshake scan of %1\n\n").arg(subject.url);
    text += QStringLiteral("| Variation | Status | Protocol | Extensions | Connection |\n|---|---|---|---|---|\n");
    for (const ScanRow& row : rows) {
        text += QStringLiteral("| %1 | %2 | %3 | %4 | %5 |\n")
                    .arg(markdownCell(row.variation.name), statusText(row), markdownCell(orNone(row.protocol)),
                        markdownCell(orNone(row.extensions)), openText(row));
    }
    text += QStringLiteral("\n## Findings\n\n");
    if (findings.isEmpty())
        text += QStringLiteral("None.\n");
    for (const Finding& f : findings) {
        text += QStringLiteral("- **%1** `%2`: %3 (%4)\n")
                    .arg(severityName(f.severity), f.id, f.message.toHtmlEscaped(), f.rfc);
    }
    return text.toUtf8();
}

class ScanRun : public QObject
{
public:
    ScanRun(const ScanArgs& args, LineWriter& out)
        : m_args(args)
        , m_out(out)
        , m_variations(scanVariations(args.subject))
    {
        m_waitTimer.setSingleShot(true);
        connect(&m_waitTimer, &QTimer::timeout, this, [this] { waitOver(); });
        m_guardTimer.setSingleShot(true);
        connect(&m_guardTimer, &QTimer::timeout, this, [this] {
            if (m_session)
                m_session->abort();
        });
    }

    void next()
    {
        if (m_rows.size() == m_variations.size()) {
            finish();
            return;
        }
        m_row = ScanRow {};
        m_row.variation = m_variations.at(m_rows.size());
        m_session = new ClientSession(this);
        connect(m_session, &ClientSession::handshakeFinished, this, [this] { handshakeDone(); });
        connect(m_session, &ClientSession::finished, this, [this] { sessionOver(); });
        ClientOptions options;
        options.insecure = m_args.insecure;
        options.connectTimeoutMs = m_args.timeoutMs;
        options.handshakeTimeoutMs = m_args.timeoutMs;
        m_guardTimer.start(2 * m_args.timeoutMs + kOpenWaitMs + 1000);
        m_session->start(m_row.variation.spec, options);
    }

private:
    void handshakeDone()
    {
        if (const auto& response = m_session->response()) {
            m_row.status = response->status;
            m_row.protocol = response->headers.value("Sec-WebSocket-Protocol");
            m_row.extensions = response->headers.combined("Sec-WebSocket-Extensions");
        }
        if (m_session->phase() == ClientSession::Phase::Open)
            m_waitTimer.start(kOpenWaitMs);
    }

    // Still open after the wait: that is the answer; end the connection politely.
    void waitOver()
    {
        if (!m_session || m_session->phase() != ClientSession::Phase::Open)
            return;
        m_row.open = true;
        m_session->setCloseWaitMs(500);
        m_session->sendClose(1000);
    }

    void sessionOver()
    {
        m_waitTimer.stop();
        m_guardTimer.stop();
        ClientSession* session = m_session;
        m_session = nullptr;
        m_row.request = session->request().bytes;
        const CloseRecord& close = session->transcript().close();
        if (!m_row.open)
            m_row.closeCode = close.receivedCode;
        const auto failure = session->failure();
        if (failure != ClientFailure::None && failure != ClientFailure::NotUpgraded)
            m_row.error = session->errorString();
        const bool unreachable = failure == ClientFailure::Connect || failure == ClientFailure::Tls
            || (failure == ClientFailure::Timeout && session->timings().requestWritten < 0);
        session->deleteLater();
        if (m_rows.isEmpty() && unreachable) {
            // Nothing answers: the rest of the matrix would only repeat that.
            m_out.flush();
            std::fprintf(stderr, "wsinspector scan: %s\n", qPrintable(m_row.error));
            QCoreApplication::exit(3);
            return;
        }
        m_rows.append(m_row);
        printRow(m_rows.constLast());
        QTimer::singleShot(0, this, [this] { next(); });
    }

    void printRow(const ScanRow& row)
    {
        if (m_args.json) {
            QJsonObject o { { QStringLiteral("event"), QStringLiteral("variation") },
                { QStringLiteral("name"), row.variation.name },
                { QStringLiteral("request"), QString::fromUtf8(row.request) }, { QStringLiteral("status"), row.status },
                { QStringLiteral("protocol"),
                    row.protocol.isNull() ? QJsonValue() : QJsonValue(QString::fromUtf8(row.protocol)) },
                { QStringLiteral("extensions"),
                    row.extensions.isNull() ? QJsonValue() : QJsonValue(QString::fromUtf8(row.extensions)) },
                { QStringLiteral("open"), row.open },
                { QStringLiteral("closeCode"), row.closeCode ? QJsonValue(int(*row.closeCode)) : QJsonValue() } };
            if (!row.error.isEmpty())
                o.insert(QStringLiteral("error"), row.error);
            m_out.json(o);
            return;
        }
        QString line = row.variation.name.leftJustified(40) + QLatin1Char(' ') + statusText(row).leftJustified(4)
            + QStringLiteral(" protocol=%1 extensions=%2 %3")
                  .arg(orNone(row.protocol), orNone(row.extensions), openText(row));
        if (!row.error.isEmpty())
            line += QStringLiteral(" (%1)").arg(row.error);
        m_out.line(line.toUtf8());
    }

    void finish()
    {
        const QList<Finding> findings = judgeScan(m_rows, m_args.subject);
        bool failed = false;
        if (!m_args.json && !findings.isEmpty())
            m_out.line("");
        for (const Finding& f : findings) {
            failed = failed || f.severity == Severity::Error;
            if (m_args.json) {
                m_out.json(QJsonObject { { QStringLiteral("event"), QStringLiteral("finding") },
                    { QStringLiteral("id"), f.id }, { QStringLiteral("severity"), severityName(f.severity) },
                    { QStringLiteral("message"), f.message }, { QStringLiteral("rfc"), f.rfc } });
            } else {
                m_out.line(humanResult(f.severity) + ' ' + f.id.toUtf8() + ": " + f.message.toUtf8() + " ["
                    + f.rfc.toUtf8() + ']');
            }
        }
        m_out.flush();
        if (!m_args.reportFile.isEmpty()) {
            QSaveFile file(m_args.reportFile);
            if (!file.open(QIODevice::WriteOnly) || file.write(markdownReport(m_args.subject, m_rows, findings)) < 0
                || !file.commit())
                std::fprintf(stderr, "wsinspector scan: could not write %s: %s\n", qPrintable(m_args.reportFile),
                    qPrintable(file.errorString()));
        }
        QCoreApplication::exit(failed ? 1 : 0);
    }

    ScanArgs m_args;
    LineWriter& m_out;
    QList<ScanVariation> m_variations;
    QList<ScanRow> m_rows;
    ScanRow m_row;
    QPointer<ClientSession> m_session;
    QTimer m_waitTimer, m_guardTimer;
};

} // namespace

int runScan(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QString error;
    const auto args = parseScanArgs(QCoreApplication::arguments(), &error);
    if (!args) {
        std::fprintf(stderr, "wsinspector scan: %s\n%s", qPrintable(error), kUsage);
        return kExitUsage;
    }
    if (args->help) {
        std::printf("%s", kUsage);
        return 0;
    }
    if (!args->reportFile.isEmpty()) {
        const QFileInfo target(args->reportFile);
        if (!QFileInfo(target.absolutePath()).isWritable() || (target.exists() && !target.isWritable())) {
            std::fprintf(stderr, "wsinspector scan: cannot write the report to %s.\n", qPrintable(args->reportFile));
            return kExitUsage;
        }
    }
    for (const ScanVariation& v : scanVariations(args->subject)) {
        const BuiltRequest check = buildRequest(v.spec, QByteArray(16, '\0'));
        if (!check.ok()) {
            std::fprintf(stderr, "wsinspector scan: %s\n", qPrintable(check.error));
            return kExitUsage;
        }
    }
    LineWriter out(stdout);
    ScanRun run(*args, out);
    QTimer::singleShot(0, &run, [&run] { run.next(); });
    const int code = app.exec();
    out.flush();
    return code;
}

} // namespace wsi
