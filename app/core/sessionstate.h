#pragma once
// Where one connection attempt got to and how it ended, decided once from what was recorded. The window's
// summary, its status bar, the session history and exports all show this result; none of them decide
// "open" or "closed" on their own (a 101 followed by a close 1008 is closed, not open).

#include "core/protocol.h"
#include "core/transcript.h"

#include <QList>
#include <QString>
#include <optional>

namespace wsi
{

// The facts a state is read from. Times are monotonic µs on one clock; -1 = did not happen.
struct SessionFacts {
    Role recorder = Role::Client;
    bool tls = false;
    bool started = false; // false: nothing was attempted (an invalid request is refused before the network)
    qint64 startUs = -1, connectedUs = -1, tlsDoneUs = -1, requestSentUs = -1, responseUs = -1;
    std::optional<int> status; // the response's status code, when a response head arrived
    QString route; // a plain HTTP request the server answered itself ("GET /"): no WebSocket was asked for
    bool upgradeRefusedByChecks = false; // a 101 the client must fail (bad Accept, unoffered extension, ...)
    QString failure; // why the attempt failed, one sentence; empty when it did not
    bool connectionEnded = false; // the TCP connection is over (or was never made)
    bool exportedWhileOpen = false; // a record saved while its connection was still up
    CloseRecord close;
};

enum class SessionStage : quint8 {
    NotSent, // refused before anything went on the network
    Connecting,
    SecuringTls,
    RequestSent, // waiting for the answer
    Refused, // answered, but not with a WebSocket (non-101, or a 101 the client must fail)
    Failed, // no answer: refused connection, TLS failure, timeout, dropped
    Open,
    Closing, // one close frame crossed, the other has not (yet)
    Closed,
};

struct SessionMilestone {
    QString name; // "connected", "TLS established", "request sent", "response", "close sent", ...
    qint64 atUs = -1; // since SessionFacts::startUs
};

struct SessionState {
    enum class Tone : quint8 { Neutral, Good, Bad };
    SessionStage stage = SessionStage::NotSent;
    Tone tone = Tone::Neutral;
    // "open", "closed by the server: 1008 “origin not allowed” (clean close)": a phrase that completes
    // "Connection: …" and the history's state column.
    QString headline;
    QList<SessionMilestone> timeline; // in the order they happened
    bool live() const
    {
        return stage == SessionStage::Connecting || stage == SessionStage::SecuringTls
            || stage == SessionStage::RequestSent || stage == SessionStage::Open || stage == SessionStage::Closing;
    }
};

SessionState sessionState(const SessionFacts& facts);
// "not sent", "connecting", "TLS", "request sent", "refused", "failed", "open", "closing", "closed".
QString sessionStageName(SessionStage stage);
// The close exchange in words, from either side's record: who sent which code and reason, whether the
// other side answered, and how the TCP connection ended.
QString closeDescription(const CloseRecord& close, Role recorder, bool connectionEnded);
// "connected 0.3 ms → request sent 0.4 ms → response 1.2 ms → closed 15.0 ms".
QString timelineText(const QList<SessionMilestone>& timeline);

// Facts from a record alone (an imported transcript): the handshake's times and status, its findings, the
// close record. A record without a close and without an end time was saved while open.
SessionFacts sessionFactsFromTranscript(const Transcript& transcript, Role recorder);

} // namespace wsi
