#pragma once
// A browser's cookie jar, small enough to read: what a Set-Cookie header stores (RFC 6265 §5.2, §5.3, with the
// SameSite and Secure rules of its revision that browsers follow), and which stored cookies a WebSocket handshake
// carries (§5.4), each with its reason in words. The builder's Log in… helper fills a jar from a real POST /login
// and lets the handshake carry what a browser would.
//
// Choices where browsers and the RFC part ways, made the browsers' way:
// - SameSite absent (or a value that is not Lax, Strict or None) counts as Lax ("Lax by default").
// - A loopback host (localhost, *.localhost, 127.0.0.0/8, ::1) counts as a secure origin: a Secure cookie may be
//   set from http://127.0.0.1 and is sent to ws://127.0.0.1, as Chromium and Firefox do for local development.
// - SameSite=None needs Secure, or the cookie is refused.
// - A Domain attribute with one label (Domain=com) is refused unless it is the host itself: a public suffix list
//   would be exact, this rule keeps the obvious cases.
// No clock here: every function that needs the time takes nowSeconds (seconds since the epoch).

#include "core/serverpolicy.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QUrl>
#include <optional>

namespace wsi
{

struct Cookie {
    QByteArray name;
    QByteArray value;
    QString domain; // lower case, no leading dot
    bool hostOnly = true; // no Domain attribute: only this exact host gets it
    QString path = QStringLiteral("/");
    bool secure = false;
    bool httpOnly = false;
    CookieSameSite sameSite = CookieSameSite::Lax;
    bool sameSiteGiven = false; // false: no (usable) SameSite attribute, Lax by default
    std::optional<qint64> expires; // seconds since the epoch; none: kept until the jar is cleared
    bool operator==(const Cookie&) const = default;
};

// A Set-Cookie header value read against the URL it came from: the cookie, or why a browser would not store it.
struct SetCookieResult {
    std::optional<Cookie> cookie;
    QString refusal; // "refused: SameSite=None needs Secure"
    QStringList notes; // attributes ignored, with why ("Expires \"tomorrow\" is not a date: ignored")
    bool ok() const { return cookie.has_value(); }
};
SetCookieResult parseSetCookie(QByteArrayView header, const QUrl& from, qint64 nowSeconds);

// Whether browsers treat the host as a secure origin even without TLS (localhost, *.localhost, 127.x, ::1).
bool isLoopbackHost(const QString& host);

// The cookies stored, oldest first. Bounded: beyond kMaxCookies the oldest goes.
class CookieJar
{
public:
    static constexpr int kMaxCookies = 300;
    // Stores the cookie, replacing the one with the same name, domain and path (which keeps its place, as its
    // creation time carries over, RFC 6265 §5.3 step 11). An already expired cookie only removes its match: that is
    // how a server deletes one.
    void add(const Cookie& cookie, qint64 nowSeconds);
    void removeExpired(qint64 nowSeconds);
    void clear() { m_cookies.clear(); }
    const QList<Cookie>& cookies() const { return m_cookies; }
    bool isEmpty() const { return m_cookies.isEmpty(); }
    qsizetype size() const { return m_cookies.size(); }
    bool operator==(const CookieJar&) const = default;

private:
    QList<Cookie> m_cookies;
};

// One stored cookie and whether a handshake to wsUrl carries it, in words: "sent: host 127.0.0.1 and path /
// match", "not sent: Secure, and ws://example.com is not TLS".
struct CookieSendDecision {
    Cookie cookie;
    bool sent = false;
    QString reason;
};

// The decision for every cookie of the jar, in the jar's order. `pageOrigin` is the Origin the handshake carries
// (empty: no page, as for a program, so nothing is cross-site). `namesAlreadySent` are the cookie names the request
// carries without the jar (the builder's Cookie field and a token placed in a cookie): a jar cookie of such a name
// stays home, so what was typed wins.
QList<CookieSendDecision> cookiesForHandshake(const CookieJar& jar, const QUrl& wsUrl, QByteArrayView pageOrigin,
    qint64 nowSeconds, const QList<QByteArray>& namesAlreadySent = {});

// The sent cookies as a Cookie header value ("a=1; b=2"), longer paths first and otherwise oldest first (§5.4 step 2).
QByteArray cookieHeaderValue(const QList<CookieSendDecision>& decisions);

// The names in a Cookie header value ("a=1; b=2" → a, b).
QList<QByteArray> cookieNames(QByteArrayView cookieHeader);

// What an answer to a login request did: its Set-Cookie headers go into the jar (from any status, as a browser keeps
// them) and the outcome is said in words: "Logged in as alice (roles: admin); the server set 1 cookie", or "Not
// logged in: 401 Unauthorized: unknown user or wrong password". The body's JSON "user", "roles" and "error" are read
// when present (serve --login answers so).
struct LoginOutcome {
    bool loggedIn = false; // a 2xx answer
    QString summary;
    QStringList cookieNotes; // per Set-Cookie header: stored, or refused and why; notes on ignored attributes
    int stored = 0;
};
LoginOutcome storeLoginAnswer(CookieJar& jar, const QUrl& from, int status, QByteArrayView reason,
    const QList<QByteArray>& setCookies, QByteArrayView body, qint64 nowSeconds);

// The login URL a WebSocket URL suggests: ws→http, wss→https, the same host and port, path /login (where serve
// --login answers). Invalid when the URL is not a ws:// or wss:// URL with a host.
QUrl loginUrlFor(const QUrl& wsUrl);

// "Lax", "Lax (by default)", "Strict", "None": the SameSite column of the jar's table.
QString sameSiteText(const Cookie& cookie);

} // namespace wsi
