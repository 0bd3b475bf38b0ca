#pragma once
// serve --login: the plain HTTP requests the echo server answers beside WebSocket handshakes, so that a browser can
// log in the way real applications do and bring the session cookie back in its handshake.
//
//   GET /            a page that logs in (POST /login) and opens a WebSocket to this server
//   GET /cross-site  a page that opens a WebSocket to ?target=, meant to be loaded from another site: what
//                    SameSite and the origin check do about cross-site WebSocket hijacking
//   POST /login      {"user", "password"} as JSON or a form → 200 and Set-Cookie: session=…; 401 otherwise
//
// Each answer is a Decision like a handshake's (no upgrade), so the connection list, the trace and every output
// show it the same way.

#include "core/decisionpipeline.h"

namespace wsi
{

// NotFound: any other plain HTTP request (a browser's /favicon.ico): 404 rather than a handshake refusal.
enum class LoginRoute { None, Page, CrossSitePage, Login, NotFound };

// The route a request takes: None when login is off or the request asks for a WebSocket (those go to decide()).
LoginRoute loginRouteOf(const HttpRequest& request, const ServerPolicy& policy);

// A login form is small; a bigger body is refused unread (413).
constexpr qint64 kMaxLoginBodyBytes = 16 * 1024;
// How many body bytes follow the head (its Content-Length), or the refusal when that cannot be read or is too big.
struct LoginBodyLength {
    qint64 bytes = 0;
    std::optional<Decision> refusal;
};
LoginBodyLength loginBodyLength(const HttpRequest& request);

// The name of the session cookie POST /login sets; the default --token-from reads it (cookie:session).
inline constexpr char kSessionCookieName[] = "session";

// The answer to a routed request. `body` is the request's body (POST /login), `newSessionId` the random id a
// successful login's session gets (the engine makes it; core makes nothing up).
Decision answerLoginRoute(LoginRoute route, const HttpRequest& request, const QByteArray& body,
    const ServerPolicy& policy, const DecisionInputs& inputs, const QByteArray& newSessionId);

} // namespace wsi
