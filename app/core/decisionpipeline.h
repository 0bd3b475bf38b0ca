#pragma once
// The echo server's answer to an opening handshake, as a pipeline of small steps run in order:
//
//   request validity → version → origin → authentication → subprotocol → extensions → response
//
// Each step reads the request and its own part of the policy, appends structured DecisionSteps (outcome, text,
// RFC section, and for a refusal its HTTP status or close code) and either lets the next step run or ends the
// decision. The steps stay structured from here through the engine, the transcript, JSON output and every view;
// decisionStepText() is the one place that turns a step into a line of text.

#include "core/authentication.h"
#include "core/checks.h"
#include "core/serverpolicy.h"

#include <QJsonArray>

namespace wsi
{

enum class DecisionStage { Request, Version, Origin, Authentication, Subprotocol, Extensions, Response };
// "request", "version", "origin", "authentication", "subprotocol", "extensions", "response" (JSON, views).
QString decisionStageName(DecisionStage stage);
std::optional<DecisionStage> decisionStageFromName(QStringView name);

struct DecisionStep {
    // Warning: the step let the handshake go on, but the policy leaves a hole this request shows (an origin
    // allowed from anywhere while the request carries credentials).
    enum class Outcome { Info, Accepted, Rejected, Warning };
    Outcome outcome = Outcome::Info;
    QString
        text; // "client offered [json, msgpack]; server supports [msgpack, json] in server-preference order → msgpack"
    QString rfc; // "RFC 6455 §4.2.2"; may be empty
    DecisionStage stage = DecisionStage::Request;
    int status = 0; // a refusal with an HTTP answer: its status (403, 426, ...)
    quint16 closeCode = 0; // a refusal by upgrading and then closing: the close code (1008, 4001)
    QByteArray closeReason {}; // and the close frame's reason
    bool operator==(const DecisionStep&) const = default;
};

// What a decision needs besides the request and the policy: the time (JWT exp and nbf), what the engine loaded for
// the policy (JWT keys, the users file; null: nothing loaded, so those credentials are refused) and the login
// sessions the server has opened.
struct DecisionInputs {
    qint64 nowSeconds = 0;
    std::shared_ptr<const JwtKeySet> jwtKeys;
    std::shared_ptr<const UserDirectory> users;
    std::shared_ptr<const LoginSessions> sessions;
    bool tls = false; // the request came over TLS (a login's cookie is then Secure)
};

struct Decision {
    DecisionInputs inputs; // what the stages decide with
    HttpResponse response; // what to send, exactly
    bool upgrade = false; // response is a 101
    QByteArray protocol; // selected subprotocol, empty = none
    QList<Extension> extensions; // accepted, as sent in the response
    std::optional<DeflateParams> deflate; // when permessage-deflate was accepted
    std::optional<quint16> closeAfterUpgrade; // FailureMode::Close: upgrade, then close with this code
    QByteArray closeReason;
    std::optional<AuthenticatedUser> user; // who the credential made of the connection (authentication step)
    QList<Finding> findings; // checkRequest() of the request
    QList<DecisionStep> trace;
    // serve --login answers some plain HTTP requests (core/loginroutes.h): "GET /", "POST /login"; empty for a
    // handshake. A successful login also hands the engine the session to keep under its new id.
    QString route;
    std::optional<LoginSession> openedSession;
    QByteArray openedSessionId;
};

// One credential judged against the policy's tokens, users and JWT settings: the user it names, or why not (one
// line that never contains the credential). `where` names the place it was found ("?token=").
struct CredentialCheck {
    std::optional<AuthenticatedUser> user;
    QString acceptedText; // the trace step: "JWT from ?token= accepted: JWT HS256 signature valid · … · user alice"
    QString rfc;
    QString refusal;
    bool unknownToken = false; // a plain token matching no user: refusals name these places together
};
CredentialCheck checkCredential(
    const ServerPolicy& policy, const DecisionInputs& inputs, QByteArrayView credential, const QString& where);
// --auth first-message: the first message after the upgrade read as a credential, either the credential itself
// or {"token": "..."}.
CredentialCheck checkFirstMessageCredential(
    const ServerPolicy& policy, const DecisionInputs& inputs, QByteArrayView message);

// One stage of the pipeline: appends its steps to `decision`; false when it ended the decision (a refusal).
using DecisionStageFunction = bool (*)(const HttpRequest& request, const ServerPolicy& policy, Decision& decision);
struct PipelineStage {
    DecisionStage stage;
    DecisionStageFunction run;
};
// The stages in the order decide() runs them.
const QList<PipelineStage>& decisionPipeline();

bool decideRequestValidity(const HttpRequest& request, const ServerPolicy& policy, Decision& decision);
bool decideVersion(const HttpRequest& request, const ServerPolicy& policy, Decision& decision);
bool decideOrigin(const HttpRequest& request, const ServerPolicy& policy, Decision& decision);
bool decideAuthentication(const HttpRequest& request, const ServerPolicy& policy, Decision& decision);
bool decideSubprotocol(const HttpRequest& request, const ServerPolicy& policy, Decision& decision);
bool decideExtensions(const HttpRequest& request, const ServerPolicy& policy, Decision& decision);
bool decideResponse(const HttpRequest& request, const ServerPolicy& policy, Decision& decision);

// The whole pipeline. The request's target query and headers carry the token; nothing else about the connection
// is needed.
Decision decide(const HttpRequest& request, const ServerPolicy& policy, DecisionInputs inputs = {});
// A request head that could not be parsed: 400 (or 431, 414) with a plain-text body saying why.
Decision rejectUnparsable(const ParseError& error);

// "Bad Request" for 400: the reason phrases of the statuses the server answers with.
const char* reasonPhrase(int status);
// A refusal is ordinary HTTP: a short plain-text body saying why, and the connection ends after it.
HttpResponse refusal(int status, const QString& why);
// Ends `decision` with that refusal and a Rejected step naming the status; returns false (the stage ends it).
bool refuse(Decision& decision, DecisionStage stage, int status, const QString& why, const QString& rfc);

QString decisionStepText(const DecisionStep& step); // "text (rfc)" for one-line output

// JSON: "trace" is the steps as lines of text (the original contract), "steps" the same steps structured:
// {stage, outcome: "info"|"accepted"|"rejected"|"warning", text, rfc, status?, closeCode?, closeReason?}.
QJsonArray decisionTraceLines(const QList<DecisionStep>& steps);
QJsonArray decisionStepsToJson(const QList<DecisionStep>& steps);
// Reads "steps"; a file written before they existed has only "trace", whose lines become Info steps.
QList<DecisionStep> decisionStepsFromJson(const QJsonArray& steps, const QJsonArray& traceLines = {});

} // namespace wsi
