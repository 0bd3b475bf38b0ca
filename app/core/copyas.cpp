#include "core/copyas.h"

#include "core/browserview.h"
#include "core/extensions.h"
#include "core/handshake.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

namespace wsi
{

namespace
{

bool same(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

QString text(QByteArrayView bytes)
{
    return QString::fromUtf8(bytes);
}

QByteArray defaultHost(const BuiltRequest& built)
{
    return hostHeaderFor(built.url);
}

// The request target as a URL, with the scheme the tool wants.
QString urlWithScheme(const BuiltRequest& built, const QString& plain, const QString& secure)
{
    QUrl url = built.url;
    url.setScheme(built.tls ? secure : plain);
    const QByteArray target = built.request.target;
    if (target.startsWith('/')) {
        const qsizetype q = target.indexOf('?');
        url.setPath(
            QString::fromUtf8(QByteArray::fromPercentEncoding(q < 0 ? target : target.left(q))), QUrl::DecodedMode);
        url.setQuery(q < 0 ? QString() : QString::fromUtf8(target.mid(q + 1)));
    }
    return url.toString(QUrl::FullyEncoded);
}

// What the handshake says, sorted into what the dedicated tools set with flags and the rest.
struct Parts {
    QList<Header> all; // enabled headers in order
    QList<Header> custom; // anything but the standard handshake fields
    QByteArray host, upgrade, connection, key, version, origin;
    bool hasHost = false, hasUpgrade = false, hasConnection = false, hasKey = false, hasVersion = false;
    QList<QByteArray> protocols; // as offered, joined across fields
    QByteArray extensions; // combined value, empty when none
    bool hasExtensions = false;
};

Parts split(const BuiltRequest& built)
{
    Parts p;
    p.all = built.request.headers.fields();
    const HeaderList& h = built.request.headers;
    auto take = [&h](QByteArrayView name, QByteArray& value, bool& present) {
        present = h.contains(name);
        value = h.value(name);
    };
    take("Host", p.host, p.hasHost);
    take("Upgrade", p.upgrade, p.hasUpgrade);
    take("Connection", p.connection, p.hasConnection);
    take("Sec-WebSocket-Key", p.key, p.hasKey);
    take("Sec-WebSocket-Version", p.version, p.hasVersion);
    p.origin = h.value("Origin");
    p.protocols = parseTokenList(h.combined("Sec-WebSocket-Protocol")).tokens;
    p.hasExtensions = h.contains("Sec-WebSocket-Extensions");
    p.extensions = h.combined("Sec-WebSocket-Extensions");
    static const char* standard[] = { "Host", "Upgrade", "Connection", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
        "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin" };
    for (const Header& field : p.all) {
        const bool isStandard
            = std::any_of(std::begin(standard), std::end(standard), [&](const char* s) { return same(field.name, s); });
        if (!isStandard)
            p.custom.append(field);
    }
    return p;
}

// Caveats shared by the tools that build the handshake themselves (websocat, wscat).
void toolBuiltCaveats(const QString& tool, const BuiltRequest& built, const Parts& p, const HandshakeSpec& spec,
    QStringList& caveats, bool canSetHost)
{
    if (spec.rawMode)
        caveats.append(QStringLiteral("%1 builds the request itself: the raw text's exact bytes, order and spelling "
                                      "are not reproduced, only its headers.")
                           .arg(tool));
    if (built.request.method != "GET" || built.request.version != "HTTP/1.1")
        caveats.append(QStringLiteral("%1 always sends GET … HTTP/1.1, not \"%2 %3\".")
                           .arg(tool, text(built.request.method), text(built.request.version)));
    if (!canSetHost && p.hasHost && p.host != defaultHost(built))
        caveats.append(QStringLiteral("%1 sends Host: %2 (from the URL), not %3.")
                           .arg(tool, text(defaultHost(built)), text(p.host)));
    if (!p.hasHost)
        caveats.append(QStringLiteral("%1 always sends a Host header.").arg(tool));
    if (!p.hasUpgrade || !same(p.upgrade, "websocket"))
        caveats.append(QStringLiteral("%1 always sends Upgrade: websocket%2.")
                           .arg(tool,
                               p.hasUpgrade ? QStringLiteral(", not %1").arg(text(p.upgrade))
                                            : QStringLiteral(" (this request has none)")));
    if (!p.hasConnection || !same(p.connection, "Upgrade"))
        caveats.append(QStringLiteral("%1 sends its own Connection: Upgrade%2.")
                           .arg(tool,
                               p.hasConnection ? QStringLiteral(", not %1").arg(text(p.connection))
                                               : QStringLiteral(" (this request has none)")));
    if (!p.hasKey)
        caveats.append(QStringLiteral("%1 always sends a Sec-WebSocket-Key (this request has none).").arg(tool));
    else if (spec.rawMode || spec.keyMode == KeyMode::Fixed)
        caveats.append(QStringLiteral("%1 generates its own random Sec-WebSocket-Key; the fixed key %2 cannot be sent.")
                           .arg(tool, text(p.key)));
    for (const Header& field : p.all) {
        const auto count = built.request.headers.count(field.name);
        if (count > 1 && !p.custom.contains(field) && !same(field.name, "Sec-WebSocket-Protocol")
            && !same(field.name, "Sec-WebSocket-Extensions")) {
            caveats.append(QStringLiteral("%1 sends %2 once; this request has it %3 times.")
                               .arg(tool, text(field.name))
                               .arg(count));
            break;
        }
    }
}

QString joinCommand(const QStringList& words)
{
    // Each option that carries a header or a handshake value starts a continued line, so long
    // commands stay readable and still paste as one command.
    static const QStringList breakBefore { QStringLiteral("-H"), QStringLiteral("-s"), QStringLiteral("-o"),
        QStringLiteral("-p"), QStringLiteral("-X"), QStringLiteral("--host"), QStringLiteral("--protocol"),
        QStringLiteral("--origin"), QStringLiteral("--websocket-version") };
    QString out;
    for (qsizetype i = 0; i < words.size(); ++i) {
        const QString& word = words.at(i);
        if (i > 0) {
            const bool wrap = breakBefore.contains(word) || word.startsWith(QLatin1String("-H="));
            out += wrap ? QStringLiteral(" \\\n  ") : QStringLiteral(" ");
        }
        out += word;
    }
    return out;
}

QString headerArgument(const Header& field)
{
    return shellQuote(field.value.isEmpty() ? field.name + ';' : field.name + ": " + field.value);
}

CopySnippet websocat(const HandshakeSpec& spec, const BuiltRequest& built)
{
    CopySnippet s { CopyFormat::Websocat, QStringLiteral("websocat"), {}, {} };
    const Parts p = split(built);
    QStringList words { QStringLiteral("websocat") };
    if (!p.protocols.isEmpty())
        words << QStringLiteral("--protocol") << shellQuote(p.protocols.join(", "));
    if (!p.origin.isNull())
        words << QStringLiteral("--origin") << shellQuote(p.origin);
    if (p.hasVersion && p.version != "13")
        words << QStringLiteral("--websocket-version") << shellQuote(p.version);
    for (const Header& field : p.custom)
        words.append(QStringLiteral("-H=") + headerArgument(field));
    words.append(shellQuote(urlWithScheme(built, QStringLiteral("ws"), QStringLiteral("wss")).toUtf8()));
    s.text = joinCommand(words);
    toolBuiltCaveats(QStringLiteral("websocat"), built, p, spec, s.caveats, false);
    if (!p.hasVersion)
        s.caveats.append(QStringLiteral("websocat always sends Sec-WebSocket-Version (this request has none)."));
    if (p.hasExtensions)
        s.caveats.append(QStringLiteral("websocat does not implement WebSocket extensions, so the offer \"%1\" is left "
                                        "out (sending it by -H would claim a compression websocat cannot decode).")
                             .arg(text(p.extensions)));
    if (built.tls)
        s.caveats.append(QStringLiteral("For a self-signed server certificate add -k (--insecure); websocat has no "
                                        "option for a CA file or a client certificate in PEM."));
    return s;
}

CopySnippet wscat(const HandshakeSpec& spec, const BuiltRequest& built)
{
    CopySnippet s { CopyFormat::Wscat, QStringLiteral("wscat"), {}, {} };
    const Parts p = split(built);
    QStringList words { QStringLiteral("wscat"), QStringLiteral("-c"),
        shellQuote(urlWithScheme(built, QStringLiteral("ws"), QStringLiteral("wss")).toUtf8()) };
    for (const QByteArray& protocol : p.protocols)
        words << QStringLiteral("-s") << shellQuote(protocol);
    if (!p.origin.isNull())
        words << QStringLiteral("-o") << shellQuote(p.origin);
    if (p.hasHost && p.host != defaultHost(built))
        words << QStringLiteral("--host") << shellQuote(p.host);
    if (p.hasVersion && p.version != "13")
        words << QStringLiteral("-p") << shellQuote(p.version);
    for (const Header& field : p.custom)
        words << QStringLiteral("-H") << headerArgument(field);
    s.text = joinCommand(words);
    toolBuiltCaveats(QStringLiteral("wscat"), built, p, spec, s.caveats, true);
    if (p.hasVersion && p.version != "13" && p.version != "8")
        s.caveats.append(
            QStringLiteral("wscat (node ws) accepts only protocol versions 8 and 13, not %1.").arg(text(p.version)));
    if (!p.hasVersion)
        s.caveats.append(QStringLiteral("wscat always sends Sec-WebSocket-Version (this request has none)."));
    if (p.hasExtensions)
        s.caveats.append(QStringLiteral("wscat leaves the extension offer to its ws library, which offers "
                                        "\"permessage-deflate; client_max_window_bits\"; \"%1\" is not sent as typed.")
                             .arg(text(p.extensions)));
    else
        s.caveats.append(QStringLiteral("wscat's ws library offers permessage-deflate by itself; this request offers "
                                        "no extensions."));
    if (built.tls)
        s.caveats.append(QStringLiteral("For a self-signed server certificate add -n (--no-check), or --ca FILE; "
                                        "a client certificate goes in --cert FILE --key FILE."));
    return s;
}

CopySnippet curl(const HandshakeSpec& spec, const BuiltRequest& built)
{
    CopySnippet s { CopyFormat::Curl, QStringLiteral("curl (HTTP request only)"), {}, {} };
    QStringList words { QStringLiteral("curl"), QStringLiteral("-i"), QStringLiteral("-N") };
    words.append(built.request.version == "HTTP/1.0" ? QStringLiteral("--http1.0") : QStringLiteral("--http1.1"));
    if (built.request.method != "GET")
        words << QStringLiteral("-X") << shellQuote(built.request.method);
    const HeaderList& h = built.request.headers;
    // curl adds these two unless told not to; an empty -H "Name:" removes them.
    if (!h.contains("User-Agent"))
        words << QStringLiteral("-H") << shellQuote("User-Agent:");
    if (!h.contains("Accept"))
        words << QStringLiteral("-H") << shellQuote("Accept:");
    for (const Header& field : h.fields())
        words << QStringLiteral("-H") << headerArgument(field);
    words.append(shellQuote(urlWithScheme(built, QStringLiteral("http"), QStringLiteral("https")).toUtf8()));
    s.text = joinCommand(words);
    s.caveats.append(QStringLiteral("curl sends the handshake and prints the response, body included, but does not "
                                    "speak WebSocket after a 101: what follows is shown as raw frame bytes."));
    s.caveats.append(QStringLiteral("curl puts Host first and its own headers in its own order; the bytes differ "
                                    "from this request's even where the headers are the same."));
    if (!h.contains("Host"))
        s.caveats.append(QStringLiteral("curl always sends a Host header (this request has none)."));
    if (spec.rawMode)
        s.caveats.append(QStringLiteral("Raw mode: curl rebuilds the request line and header syntax. To send the bytes "
                                        "exactly, pipe them to the server with nc (or openssl s_client for wss)."));
    if (!built.request.target.startsWith('/'))
        s.caveats.append(QStringLiteral("The request target \"%1\" is not a path; curl sends the URL's path instead.")
                             .arg(text(built.request.target)));
    if (built.tls)
        s.caveats.append(QStringLiteral("For a self-signed server certificate add -k, or --cacert FILE; a client "
                                        "certificate goes in --cert FILE --key FILE."));
    return s;
}

QString jsString(const QString& value)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact)).mid(1).chopped(1);
}

// Each part of the request a page cannot produce, as core/browserview.h judges it.
void browserCaveats(const HandshakeSpec& spec, const BuiltRequest& built, QStringList& caveats)
{
    if (spec.rawMode)
        caveats.append(QStringLiteral("A browser builds the request itself: the raw text's exact bytes, order and "
                                      "spelling are not reproduced."));
    const bool keyChosen = spec.rawMode || spec.keyMode == KeyMode::Fixed;
    for (const UnsendableHeader& u : browserUnsendableHeaders(built.request, built.url, keyChosen)) {
        const QString what = u.value.isEmpty() ? text(u.name) : text(u.name) + QStringLiteral(": ") + text(u.value);
        caveats.append(QStringLiteral("%1 — %2").arg(what, u.reason));
    }
}

CopySnippet javascript(const HandshakeSpec& spec, const BuiltRequest& built)
{
    CopySnippet s { CopyFormat::JavaScript, QStringLiteral("JavaScript (browser)"), {}, {} };
    const Parts p = split(built);
    const QString url = urlWithScheme(built, QStringLiteral("ws"), QStringLiteral("wss"));
    QString protocols;
    if (!p.protocols.isEmpty()) {
        QStringList quoted;
        for (const QByteArray& protocol : p.protocols)
            quoted.append(jsString(text(protocol)));
        protocols = QStringLiteral(", [") + quoted.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    s.text
        = QStringLiteral("const ws = new WebSocket(%1%2);\n"
                         "ws.binaryType = \"arraybuffer\";\n"
                         "ws.onopen = () => console.log(\"open\", ws.protocol, ws.extensions);\n"
                         "ws.onmessage = (event) => console.log(\"message\", event.data);\n"
                         "ws.onclose = (event) => console.log(\"close\", event.code, event.reason, event.wasClean);\n"
                         "ws.onerror = () => console.log(\"error (details only in the browser's console)\");\n")
              .arg(jsString(url), protocols);
    browserCaveats(spec, built, s.caveats);
    for (const QByteArray& protocol : p.protocols) {
        if (p.protocols.count(protocol) > 1) {
            s.caveats.append(QStringLiteral("The browser throws a SyntaxError: subprotocol \"%1\" is offered twice.")
                                 .arg(text(protocol)));
            break;
        }
    }
    return s;
}

// A Python string literal: JSON's escapes are all valid in Python source too.
QString pyString(const QByteArray& value)
{
    return jsString(text(value));
}

// Python websockets 10.4 (Debian 12's python3-websockets): the asyncio client, whose connect() takes
// subprotocols, origin, extra_headers and compression.
CopySnippet python(const HandshakeSpec& spec, const BuiltRequest& built)
{
    CopySnippet s { CopyFormat::Python, QStringLiteral("Python (websockets)"), {}, {} };
    const Parts p = split(built);
    const QString url = urlWithScheme(built, QStringLiteral("ws"), QStringLiteral("wss"));
    QStringList arguments { jsString(url) };
    if (!p.protocols.isEmpty()) {
        QStringList quoted;
        for (const QByteArray& protocol : p.protocols)
            quoted.append(pyString(protocol));
        arguments.append(QStringLiteral("subprotocols=[%1]").arg(quoted.join(QStringLiteral(", "))));
    }
    if (!p.origin.isNull())
        arguments.append(QStringLiteral("origin=%1").arg(pyString(p.origin)));
    QStringList headers;
    QByteArray userAgent; // websockets sends its own unless told otherwise (user_agent_header, new in 10.0)
    bool hasUserAgent = false;
    for (const Header& field : p.custom) {
        if (same(field.name, "User-Agent") && !hasUserAgent) {
            userAgent = field.value;
            hasUserAgent = true;
            continue;
        }
        headers.append(QStringLiteral("(%1, %2)").arg(pyString(field.name), pyString(field.value)));
    }
    if (!headers.isEmpty())
        arguments.append(QStringLiteral("extra_headers=[%1]").arg(headers.join(QStringLiteral(", "))));
    arguments.append(
        QStringLiteral("user_agent_header=%1").arg(hasUserAgent ? pyString(userAgent) : QStringLiteral("None")));
    const QList<Extension> offers = parseExtensions(built.request.headers).extensions;
    const bool deflateOffered
        = std::any_of(offers.cbegin(), offers.cend(), [](const Extension& e) { return e.name == kPermessageDeflate; });
    if (!deflateOffered)
        arguments.append(QStringLiteral("compression=None"));
    QString call = QStringLiteral("websockets.connect(\n        ") + arguments.join(QStringLiteral(",\n        "))
        + QStringLiteral(",\n    )");
    s.text = QStringLiteral(
        "import asyncio\n"
        "\n"
        "import websockets\n"
        "\n"
        "\n"
        "async def main():\n"
        "    async with %1 as ws:\n"
        "        print(\"open\", ws.subprotocol, ws.response_headers.get(\"Sec-WebSocket-Extensions\"))\n"
        "        try:\n"
        "            async for message in ws:\n"
        "                print(\"message\", message)\n"
        "        except websockets.ConnectionClosed:\n"
        "            pass  # a close code other than 1000 or 1001\n"
        "        print(\"close\", ws.close_code, ws.close_reason)\n"
        "\n"
        "\n"
        "asyncio.run(main())\n")
                 .arg(call);
    const QString tool = QStringLiteral("Python websockets");
    toolBuiltCaveats(tool, built, p, spec, s.caveats, false);
    if (p.hasVersion && p.version != "13")
        s.caveats.append(
            QStringLiteral("Python websockets always sends Sec-WebSocket-Version: 13, not %1.").arg(text(p.version)));
    if (!p.hasVersion)
        s.caveats.append(
            QStringLiteral("Python websockets always sends Sec-WebSocket-Version: 13 (this request has none)."));
    if (p.hasExtensions && (!deflateOffered || p.extensions != browserExtensionOffer()))
        s.caveats.append(QStringLiteral("Python websockets makes its own extension offer (\"%1\" with compression on, "
                                        "none with compression=None); \"%2\" is not sent as typed.")
                             .arg(text(browserExtensionOffer()), text(p.extensions)));
    if (built.tls)
        s.caveats.append(QStringLiteral("For a self-signed server certificate pass ssl= an ssl.SSLContext that trusts "
                                        "it (load_verify_locations) or skips checks (check_hostname = False, "
                                        "verify_mode = ssl.CERT_NONE)."));
    return s;
}

} // namespace

QString shellQuote(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return QStringLiteral("''");
    bool plain = true;
    bool control = false;
    for (char c : bytes) {
        const auto u = quint8(c);
        if (u < 0x20 || u == 0x7f)
            control = true;
        const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || QByteArrayView("-_./:=@,+%").contains(c);
        plain = plain && safe;
    }
    if (plain)
        return QString::fromUtf8(bytes);
    if (control) {
        QString out = QStringLiteral("$'");
        for (char c : bytes) {
            const auto u = quint8(c);
            if (c == '\\' || c == '\'') {
                out += QLatin1Char('\\');
                out += QLatin1Char(c);
            } else if (u < 0x20 || u == 0x7f || u >= 0x80)
                out += QStringLiteral("\\x%1").arg(u, 2, 16, QLatin1Char('0'));
            else
                out += QLatin1Char(c);
        }
        return out + QLatin1Char('\'');
    }
    QString out = QStringLiteral("'");
    out += QString::fromUtf8(bytes).replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return out + QLatin1Char('\'');
}

CopySnippet copyAs(CopyFormat format, const HandshakeSpec& spec, const BuiltRequest& built)
{
    if (!built.ok()) {
        CopySnippet s { format, {}, {}, { built.error } };
        return s;
    }
    switch (format) {
    case CopyFormat::Websocat:
        return websocat(spec, built);
    case CopyFormat::Wscat:
        return wscat(spec, built);
    case CopyFormat::Curl:
        return curl(spec, built);
    case CopyFormat::JavaScript:
        return javascript(spec, built);
    case CopyFormat::Python:
        return python(spec, built);
    }
    return {};
}

QList<CopySnippet> copyAsAll(const HandshakeSpec& spec, const BuiltRequest& built)
{
    return { copyAs(CopyFormat::Websocat, spec, built), copyAs(CopyFormat::Wscat, spec, built),
        copyAs(CopyFormat::Curl, spec, built), copyAs(CopyFormat::JavaScript, spec, built),
        copyAs(CopyFormat::Python, spec, built) };
}

} // namespace wsi
