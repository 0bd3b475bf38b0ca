#include "core/browserview.h"

#include "core/extensions.h"
#include "core/handshake.h"
#include "core/handshakespec.h"

#include <QJsonArray>
#include <QSet>
#include <algorithm>

namespace wsi
{

namespace
{

const QString kWhatwgConstructor
    = QStringLiteral("WHATWG WebSockets Standard, the WebSocket(url, protocols) constructor");
const QString kWhatwgEstablish = QStringLiteral("WHATWG WebSockets Standard, establish a WebSocket connection");
const QString kWhatwgFeedback = QStringLiteral("WHATWG WebSockets Standard, feedback from the protocol");
const QString kFetchBadPort = QStringLiteral("Fetch Standard, bad port");

bool same(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

QString text(QByteArrayView bytes)
{
    return QString::fromUtf8(bytes);
}

void note(BrowserView& view, QString line, QString reference)
{
    view.explanation.append(BrowserNote { std::move(line), std::move(reference) });
}

// "Fail the WebSocket connection" (RFC 6455 §7.1.7) as a page sees it: error, then close 1006, not clean, no reason.
BrowserView& fail(BrowserView& view, const QString& why, const QString& reference)
{
    view.opens = false;
    view.protocol.clear();
    view.extensions.clear();
    view.events.append(BrowserEvent { BrowserEvent::Type::Error });
    view.events.append(BrowserEvent { BrowserEvent::Type::Close, 1006, {}, false });
    note(view, why, reference);
    note(view,
        QStringLiteral("The browser fails the connection: the page gets error, then close with code 1006, wasClean "
                       "false and an empty reason. The cause appears only in the browser's developer console."),
        kWhatwgFeedback + QStringLiteral("; RFC 6455 §7.1.7, §7.1.5"));
    return view;
}

QString closeInitiatorSentence(const CloseRecord& close)
{
    switch (close.initiator) {
    case CloseRecord::Initiator::Remote:
        return QStringLiteral("The server started the closing handshake");
    case CloseRecord::Initiator::Local:
        return QStringLiteral("The client started the closing handshake (a page does this with ws.close(%1))")
            .arg(close.sentCode ? QString::number(*close.sentCode) : QString());
    case CloseRecord::Initiator::None:
        break;
    }
    return QStringLiteral("Nobody started a closing handshake");
}

// After open: what the CloseEvent carries (RFC 6455 §7.1.5, §7.1.6; WHATWG "When the WebSocket connection is
// closed"). The code is the first close frame received, whoever started; 1006 when none arrived.
void addClose(BrowserView& view, const std::optional<CloseRecord>& close)
{
    const bool ended = close
        && (close->closedTimeUs >= 0 || close->receivedTimeUs >= 0 || close->receivedCode || close->sentCode
            || close->clean);
    if (!ended) {
        note(view, QStringLiteral("The connection is still open: no close event yet."), kWhatwgFeedback);
        return;
    }
    const bool received = close->receivedTimeUs >= 0 || close->receivedCode.has_value();
    BrowserEvent event { BrowserEvent::Type::Close };
    event.wasClean = close->clean;
    if (received) {
        event.code = close->receivedCode.value_or(1005);
        event.reason = QString::fromUtf8(close->receivedReason);
        note(view,
            QStringLiteral("%1; the close frame the page's side received carries %2%3, which the close event shows "
                           "as code and reason; wasClean is %4.")
                .arg(closeInitiatorSentence(*close),
                    close->receivedCode ? QStringLiteral("code %1").arg(*close->receivedCode)
                                        : QStringLiteral("no code (reported as 1005)"),
                    close->receivedReason.isEmpty() ? QString()
                                                    : QStringLiteral(" and reason \"%1\"").arg(event.reason),
                    event.wasClean ? QStringLiteral("true (both close frames crossed before the TCP connection ended)")
                                   : QStringLiteral("false (the TCP connection ended before the closing handshake "
                                                    "completed)")),
            QStringLiteral("RFC 6455 §7.1.5, §7.1.6; ") + kWhatwgFeedback);
    } else {
        event.code = 1006;
        event.wasClean = false;
        note(view,
            QStringLiteral("%1 and no close frame arrived before the TCP connection ended: the close event says 1006, "
                           "wasClean false, empty reason. The standard fires no error event for this, though some "
                           "browsers do.")
                .arg(closeInitiatorSentence(*close)),
            QStringLiteral("RFC 6455 §7.1.5; ") + kWhatwgFeedback);
    }
    view.events.append(event);
}

} // namespace

QByteArray browserExtensionOffer()
{
    return serializeExtensions({ makeDeflateOffer() });
}

bool isBadPort(int port)
{
    static const QSet<int> bad { 1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95,
        101, 102, 103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512,
        513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723,
        2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080 };
    return bad.contains(port);
}

QList<UnsendableHeader> browserUnsendableHeaders(const HttpRequest& request, const QUrl& url, bool keyChosen)
{
    QList<UnsendableHeader> out;
    const HeaderList& h = request.headers;
    auto add = [&out](QByteArray name, QByteArray value, QString reason) {
        out.append(UnsendableHeader { std::move(name), std::move(value), std::move(reason) });
    };
    if (request.method != "GET" || request.version != "HTTP/1.1")
        add("request line", request.method + ' ' + request.version,
            QStringLiteral("A browser always sends GET … HTTP/1.1."));

    const QByteArray host = url.isValid() && !url.host().isEmpty() ? hostHeaderFor(url) : QByteArray();
    if (!h.contains("Host"))
        add("Host", {}, QStringLiteral("A browser always sends Host (from the URL)."));
    else if (!host.isEmpty() && !same(h.value("Host"), host))
        add("Host", h.value("Host"), QStringLiteral("A browser sends Host: %1, taken from the URL.").arg(text(host)));
    if (h.values("Upgrade").size() != 1 || !same(h.value("Upgrade"), "websocket"))
        add("Upgrade", h.combined("Upgrade"), QStringLiteral("A browser always sends Upgrade: websocket."));
    if (!headerHasToken(h, "Connection", "Upgrade"))
        add("Connection", h.combined("Connection"), QStringLiteral("A browser always sends Connection: Upgrade."));

    const QList<QByteArray> keys = h.values("Sec-WebSocket-Key");
    if (keys.isEmpty())
        add("Sec-WebSocket-Key", {}, QStringLiteral("A browser always sends a Sec-WebSocket-Key."));
    else if (keys.size() > 1 || !isValidKey(keys.front()))
        add("Sec-WebSocket-Key", h.combined("Sec-WebSocket-Key"),
            QStringLiteral("A browser sends one key, base64 of 16 random bytes; this one is not."));
    else if (keyChosen)
        add("Sec-WebSocket-Key", keys.front(),
            QStringLiteral("A browser picks a new random key for every connection; a fixed key cannot be sent."));

    const QList<QByteArray> versions = h.values("Sec-WebSocket-Version");
    if (versions.size() != 1 || versions.front() != "13")
        add("Sec-WebSocket-Version", h.combined("Sec-WebSocket-Version"),
            QStringLiteral("A browser always sends Sec-WebSocket-Version: 13."));

    const QByteArray offer = browserExtensionOffer();
    if (!h.contains("Sec-WebSocket-Extensions"))
        add("Sec-WebSocket-Extensions", {},
            QStringLiteral("A browser always makes its own extension offer (Chromium and Firefox send \"%1\"); a "
                           "page cannot leave it out.")
                .arg(text(offer)));
    else if (h.combined("Sec-WebSocket-Extensions") != offer)
        add("Sec-WebSocket-Extensions", h.combined("Sec-WebSocket-Extensions"),
            QStringLiteral("A browser chooses the extension offer itself (Chromium and Firefox send \"%1\"); a page "
                           "cannot change it.")
                .arg(text(offer)));

    if (!h.contains("Origin"))
        add("Origin", {},
            QStringLiteral("A browser always sends Origin: the origin of the page that runs the script."));

    // Every other field once, in the order of the request. Sec-WebSocket-Protocol is the one a page sets (the
    // constructor's protocols argument).
    static const QList<QByteArray> judged { "Host", "Upgrade", "Connection", "Sec-WebSocket-Key",
        "Sec-WebSocket-Version", "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol" };
    // Fields a browser adds to every handshake with values of its own (Chromium: Pragma, Cache-Control,
    // User-Agent, Accept-Encoding, Accept-Language): they change nothing a page sees, so they are not listed.
    static const QList<QByteArray> browserOwned { "User-Agent", "Accept-Encoding", "Accept-Language", "Pragma",
        "Cache-Control", "Sec-Fetch-Mode", "Sec-Fetch-Site", "Sec-Fetch-Dest" };
    QList<QByteArray> seen;
    for (const Header& field : h.fields()) {
        const QByteArray lower = field.name.toLower();
        if (seen.contains(lower))
            continue;
        seen.append(lower);
        if (std::any_of(judged.begin(), judged.end(), [&](const QByteArray& n) { return same(n, field.name); }))
            continue;
        if (same(field.name, "Origin")) {
            add(field.name, h.value(field.name),
                QStringLiteral("A page cannot choose its Origin: the browser sends the origin of the page that runs "
                               "the script, so this value arrives only from a page served from %1.")
                    .arg(text(h.value(field.name))));
        } else if (same(field.name, "Cookie")) {
            add(field.name, h.combined(field.name),
                QStringLiteral("A page cannot set Cookie: the browser sends the cookies it holds for %1 (subject to "
                               "their SameSite attribute). Set them first with a Set-Cookie response or "
                               "document.cookie on that site.")
                    .arg(url.host().isEmpty() ? QStringLiteral("the server") : url.host()));
        } else if (same(field.name, "Authorization")) {
            add(field.name, h.combined(field.name),
                QStringLiteral("A page cannot set Authorization on a WebSocket: the constructor takes only the URL and "
                               "the subprotocols. Put the token in the URL's query or a cookie, or send it in the "
                               "first message."));
        } else if (std::any_of(browserOwned.begin(), browserOwned.end(),
                       [&](const QByteArray& n) { return same(n, field.name); })) {
            continue;
        } else {
            add(field.name, h.combined(field.name),
                QStringLiteral("A page cannot add header fields to a WebSocket handshake: the constructor takes only "
                               "the URL and the subprotocols."));
        }
    }
    return out;
}

namespace
{
BrowserView judge(const BrowserViewInput& in)
{
    BrowserView view;
    view.unsendable = browserUnsendableHeaders(in.request, in.url, in.keyChosen);

    // The constructor: the URL and the protocols are checked before anything is sent.
    const QString scheme = in.url.scheme().toLower();
    if (!in.url.isValid() || in.url.host().isEmpty())
        view.syntaxError = QStringLiteral("The URL \"%1\" cannot be parsed.").arg(in.url.toString());
    else if (scheme != QLatin1String("ws") && scheme != QLatin1String("wss") && scheme != QLatin1String("http")
        && scheme != QLatin1String("https"))
        view.syntaxError = QStringLiteral("The URL's scheme is %1; a WebSocket URL is ws: or wss:.").arg(scheme);
    else if (in.url.hasFragment())
        view.syntaxError
            = QStringLiteral("The URL has a fragment (#%1); a WebSocket URL may not.").arg(in.url.fragment());
    const QByteArray offered = in.request.headers.combined("Sec-WebSocket-Protocol");
    const TokenList protocols = parseTokenList(offered);
    if (view.syntaxError.isEmpty() && !offered.isNull()) {
        if (!protocols.ok())
            view.syntaxError
                = QStringLiteral("The subprotocols \"%1\" are not tokens: %2.").arg(text(offered), protocols.error);
        for (qsizetype i = 0; i < protocols.tokens.size() && view.syntaxError.isEmpty(); ++i) {
            if (protocols.tokens.indexOf(protocols.tokens[i]) != i)
                view.syntaxError = QStringLiteral("Subprotocol \"%1\" is given twice.").arg(text(protocols.tokens[i]));
        }
    }
    if (!view.syntaxError.isEmpty()) {
        note(view,
            QStringLiteral("new WebSocket() throws a SyntaxError: %1 No connection is made and no event fires.")
                .arg(view.syntaxError),
            kWhatwgConstructor);
        return view;
    }
    if (scheme.startsWith(QLatin1String("http")))
        note(view,
            QStringLiteral("Current browsers turn an %1: URL into %2: (older ones throw a SyntaxError).")
                .arg(scheme, scheme == QLatin1String("https") ? QStringLiteral("wss") : QStringLiteral("ws")),
            kWhatwgConstructor);
    const bool secure = scheme == QLatin1String("wss") || scheme == QLatin1String("https");

    const int port = in.url.port(secure ? 443 : 80);
    if (isBadPort(port))
        return fail(view,
            QStringLiteral("Port %1 is on the Fetch Standard's list of blocked ports: the browser refuses to "
                           "connect there at all.")
                .arg(port),
            kFetchBadPort);

    if (!in.response)
        return fail(view,
            QStringLiteral("No HTTP response arrived (connection refused, name not found, TLS failure or timeout)."),
            kWhatwgEstablish);

    const HttpResponse& response = *in.response;
    if (response.status != 101)
        return fail(view,
            QStringLiteral("The server answered %1 %2 instead of 101. A page never sees that status, its headers or "
                           "its body; to tell a page why, accept the connection and close it with a code and "
                           "reason (for example 1008 or 4001).")
                .arg(response.status)
                .arg(text(response.reason)),
            kWhatwgEstablish + QStringLiteral(" (\"its status is not 101\")"));

    const QList<Finding> findings = in.findings.isEmpty() ? checkResponse(in.request, response, in.url) : in.findings;
    for (const Finding& f : findings) {
        if (f.severity == Severity::Error)
            return fail(view, QStringLiteral("The response fails a client check: %1").arg(f.message),
                f.rfc + QStringLiteral("; ") + kWhatwgEstablish);
    }
    // RFC 6455 §4.1 lets a server leave the subprotocol out; the browser's algorithm does not.
    if (!protocols.tokens.isEmpty() && response.headers.value("Sec-WebSocket-Protocol").isEmpty())
        return fail(view,
            QStringLiteral(
                "The page asked for subprotocols (%1) and the response has no Sec-WebSocket-Protocol. "
                "RFC 6455 §4.1 allows that, but the browser's \"establish a WebSocket connection\" fails the "
                "connection when protocols were requested and the response's Sec-WebSocket-Protocol is "
                "missing or empty.")
                .arg(text(protocols.tokens.join(", "))),
            kWhatwgEstablish);
    // The extension offer a page's browser makes is its own (see unsendable): an answer naming anything but
    // permessage-deflate names an extension the browser did not offer.
    const ExtensionList accepted = parseExtensions(response.headers);
    for (const Extension& e : accepted.extensions) {
        if (e.name != kPermessageDeflate)
            return fail(view,
                QStringLiteral("The server put extension %1 in use; a browser offers only permessage-deflate, and an "
                               "extension it did not offer fails the connection.")
                    .arg(text(e.name)),
                QStringLiteral("RFC 6455 §4.1 (item 5 of the client's checks); ") + kWhatwgEstablish);
    }

    view.opens = true;
    view.protocol = text(response.headers.value("Sec-WebSocket-Protocol"));
    view.extensions = text(response.headers.combined("Sec-WebSocket-Extensions"));
    view.events.append(BrowserEvent { BrowserEvent::Type::Open });
    note(view,
        QStringLiteral("The handshake passes the browser's checks: open fires, with socket.protocol \"%1\" and "
                       "socket.extensions \"%2\" (what the server selected).")
            .arg(view.protocol, view.extensions),
        kWhatwgFeedback);
    addClose(view, in.close);
    return view;
}
} // namespace

BrowserView browserView(const BrowserViewInput& in)
{
    BrowserView view = judge(in);
    // Said last: it depends on the page, not on this exchange.
    if (view.syntaxError.isEmpty() && in.url.scheme().compare(QLatin1String("ws"), Qt::CaseInsensitive) == 0)
        note(view, QStringLiteral("From a page served over https, a ws: URL is blocked as mixed content; use wss:."),
            QStringLiteral("W3C Mixed Content"));
    return view;
}

QString browserEventTypeName(BrowserEvent::Type type)
{
    switch (type) {
    case BrowserEvent::Type::Open:
        return QStringLiteral("open");
    case BrowserEvent::Type::Error:
        return QStringLiteral("error");
    case BrowserEvent::Type::Close:
        return QStringLiteral("close");
    }
    return QStringLiteral("open");
}

QJsonObject BrowserView::toJson() const
{
    QJsonArray eventList;
    for (const BrowserEvent& e : events) {
        QJsonObject o { { QStringLiteral("type"), browserEventTypeName(e.type) } };
        if (e.type == BrowserEvent::Type::Close) {
            o.insert(QStringLiteral("code"), int(e.code));
            o.insert(QStringLiteral("reason"), e.reason);
            o.insert(QStringLiteral("wasClean"), e.wasClean);
        }
        eventList.append(o);
    }
    QJsonArray unsendableList;
    for (const UnsendableHeader& u : unsendable)
        unsendableList.append(QJsonObject { { QStringLiteral("header"), QString::fromLatin1(u.name) },
            { QStringLiteral("value"), QString::fromLatin1(u.value) }, { QStringLiteral("reason"), u.reason } });
    QJsonArray notes;
    for (const BrowserNote& n : explanation)
        notes.append(QJsonObject { { QStringLiteral("text"), n.text }, { QStringLiteral("reference"), n.reference } });
    QJsonObject out { { QStringLiteral("opens"), opens }, { QStringLiteral("protocol"), protocol },
        { QStringLiteral("extensions"), extensions }, { QStringLiteral("events"), eventList },
        { QStringLiteral("unsendable"), unsendableList }, { QStringLiteral("explanation"), notes } };
    if (!syntaxError.isEmpty())
        out.insert(QStringLiteral("syntaxError"), syntaxError);
    return out;
}

QString browserViewText(const BrowserView& view, const BrowserViewInput& input)
{
    QStringList lines;
    QString call = QStringLiteral("new WebSocket(\"%1\"").arg(input.url.toString(QUrl::FullyEncoded));
    const QList<QByteArray> protocols = parseTokenList(input.request.headers.combined("Sec-WebSocket-Protocol")).tokens;
    if (!protocols.isEmpty()) {
        QStringList quoted;
        for (const QByteArray& p : protocols)
            quoted.append(QLatin1Char('"') + text(p) + QLatin1Char('"'));
        call += QStringLiteral(", [") + quoted.join(QStringLiteral(", ")) + QLatin1Char(']');
    }
    lines.append(call + QLatin1Char(')'));
    if (!view.syntaxError.isEmpty())
        lines.append(QStringLiteral("  throws SyntaxError: ") + view.syntaxError);
    for (const BrowserEvent& e : view.events) {
        switch (e.type) {
        case BrowserEvent::Type::Open:
            lines.append(
                QStringLiteral("  open    protocol \"%1\", extensions \"%2\"").arg(view.protocol, view.extensions));
            break;
        case BrowserEvent::Type::Error:
            lines.append(QStringLiteral("  error"));
            break;
        case BrowserEvent::Type::Close:
            lines.append(QStringLiteral("  close   code %1, reason \"%2\", wasClean %3")
                             .arg(e.code)
                             .arg(e.reason, e.wasClean ? QStringLiteral("true") : QStringLiteral("false")));
            break;
        }
    }
    if (!view.unsendable.isEmpty()) {
        lines.append(QStringLiteral("A browser cannot send:"));
        for (const UnsendableHeader& u : view.unsendable)
            lines.append(
                QStringLiteral("  %1%2 — %3")
                    .arg(QString::fromLatin1(u.name),
                        u.value.isEmpty() ? QString() : QStringLiteral(": ") + QString::fromLatin1(u.value), u.reason));
    }
    if (!view.explanation.isEmpty()) {
        lines.append(QStringLiteral("Why:"));
        for (const BrowserNote& n : view.explanation)
            lines.append(QStringLiteral("  - %1 (%2)").arg(n.text, n.reference));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace wsi
