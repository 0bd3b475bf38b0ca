#include "core/sessionstate.h"

#include "core/checks.h"

namespace wsi
{

namespace
{
QString sideName(Role role)
{
    return role == Role::Client ? QStringLiteral("client") : QStringLiteral("server");
}

QString codeText(std::optional<quint16> code, const QByteArray& reason)
{
    if (!code)
        return QStringLiteral("no status code");
    return reason.isEmpty() ? QString::number(*code)
                            : QStringLiteral("%1 “%2”").arg(*code).arg(QString::fromUtf8(reason));
}
} // namespace

QString sessionStageName(SessionStage stage)
{
    switch (stage) {
    case SessionStage::NotSent:
        return QStringLiteral("not sent");
    case SessionStage::Connecting:
        return QStringLiteral("connecting");
    case SessionStage::SecuringTls:
        return QStringLiteral("TLS");
    case SessionStage::RequestSent:
        return QStringLiteral("request sent");
    case SessionStage::Refused:
        return QStringLiteral("refused");
    case SessionStage::Failed:
        return QStringLiteral("failed");
    case SessionStage::Open:
        return QStringLiteral("open");
    case SessionStage::Closing:
        return QStringLiteral("closing");
    case SessionStage::Closed:
        return QStringLiteral("closed");
    }
    return {};
}

QString closeDescription(const CloseRecord& close, Role recorder, bool connectionEnded)
{
    const Role peer = peerOf(recorder);
    if (close.initiator == CloseRecord::Initiator::None) {
        if (!connectionEnded)
            return QStringLiteral("no close frame yet");
        // RFC 6455 §7.1.5: no close frame at all reads as 1006 to the application.
        return QStringLiteral("the TCP connection ended without a close frame (1006 abnormal closure)");
    }
    const bool local = close.initiator == CloseRecord::Initiator::Local;
    const Role starter = local ? recorder : peer;
    const Role answerer = local ? peer : recorder;
    const std::optional<quint16> firstCode = local ? close.sentCode : close.receivedCode;
    const QByteArray& firstReason = local ? close.sentReason : close.receivedReason;
    const bool answered = local ? close.receivedTimeUs >= 0 : close.sentTimeUs >= 0;
    const std::optional<quint16> replyCode = local ? close.receivedCode : close.sentCode;
    const QByteArray& replyReason = local ? close.receivedReason : close.sentReason;

    QString text = QStringLiteral("closed by the %1: %2").arg(sideName(starter), codeText(firstCode, firstReason));
    if (local && close.failure && !answered) {
        // RFC 6455 §7.1.7: the side that failed the connection reads nothing more, so whatever the peer
        // answered was never read; saying "no answer" would invent an absence.
        text = QStringLiteral("the %1 failed the connection: %2")
                   .arg(sideName(starter), codeText(firstCode, firstReason));
        text += close.failure->unreadBytes > 0
            ? QStringLiteral("; it read nothing more (RFC 6455 §7.1.7): %1 byte(s) from the %2 went unread, "
                             "its answering close among them if it sent one")
                  .arg(close.failure->unreadBytes)
                  .arg(sideName(answerer))
            : QStringLiteral("; it reads nothing more (RFC 6455 §7.1.7), so an answering close from the %1 is "
                             "not recorded")
                  .arg(sideName(answerer));
        return text;
    }
    if (answered) {
        text += QStringLiteral("; the %1 answered %2").arg(sideName(answerer), codeText(replyCode, replyReason));
        if (connectionEnded)
            text += close.clean ? QStringLiteral(" (clean close)") : QStringLiteral(" (TCP ended early)");
    } else if (connectionEnded) {
        // RFC 6455 §7.1.5: the side that received no close frame reports 1006.
        text += QStringLiteral("; no answer from the %1 before the TCP connection ended (the %2 reports 1006)")
                    .arg(sideName(answerer), sideName(starter));
    } else {
        text += QStringLiteral("; waiting for the %1's close").arg(sideName(answerer));
    }
    return text;
}

QString timelineText(const QList<SessionMilestone>& timeline)
{
    QStringList parts;
    for (const SessionMilestone& m : timeline)
        parts.append(
            m.atUs >= 0 ? QStringLiteral("%1 %2 ms").arg(m.name).arg(double(m.atUs) / 1000.0, 0, 'f', 1) : m.name);
    return parts.join(QStringLiteral(" → "));
}

SessionState sessionState(const SessionFacts& f)
{
    SessionState s;
    auto mark = [&](const QString& name, qint64 us) {
        if (us >= 0)
            s.timeline.append({ name, f.startUs >= 0 ? us - f.startUs : -1 });
    };
    mark(QStringLiteral("connected"), f.connectedUs);
    if (f.tls)
        mark(QStringLiteral("TLS established"), f.tlsDoneUs);
    mark(QStringLiteral("request sent"), f.requestSentUs);
    mark(QStringLiteral("response"), f.responseUs);
    // The two close frames in the order they crossed, then the end of the connection.
    const CloseRecord& c = f.close;
    const bool sentFirst = c.sentTimeUs >= 0 && (c.receivedTimeUs < 0 || c.sentTimeUs <= c.receivedTimeUs);
    if (sentFirst) {
        mark(QStringLiteral("close sent"), c.sentTimeUs);
        mark(QStringLiteral("close received"), c.receivedTimeUs);
    } else {
        mark(QStringLiteral("close received"), c.receivedTimeUs);
        mark(QStringLiteral("close sent"), c.sentTimeUs);
    }
    mark(QStringLiteral("TCP closed"), c.closedTimeUs);

    if (!f.started) {
        s.stage = SessionStage::NotSent;
        s.tone = SessionState::Tone::Bad;
        s.headline = f.failure.isEmpty() ? QStringLiteral("not sent") : QStringLiteral("not sent: %1").arg(f.failure);
        return s;
    }
    if (f.status && !f.route.isEmpty()) {
        s.stage = SessionStage::Refused; // over without a WebSocket, as asked
        s.tone = *f.status < 400 ? SessionState::Tone::Neutral : SessionState::Tone::Bad;
        s.headline
            = QStringLiteral("answered %1 with %2 (plain HTTP, no WebSocket asked for)").arg(f.route).arg(*f.status);
        return s;
    }
    if (f.status && (*f.status != 101 || f.upgradeRefusedByChecks)) {
        s.stage = SessionStage::Refused;
        s.tone = SessionState::Tone::Bad;
        s.headline = *f.status != 101 ? QStringLiteral("refused: %1 instead of 101, no WebSocket").arg(*f.status)
                                      : QStringLiteral("refused by the client: the 101 fails its checks");
        return s;
    }
    if (!f.status) {
        if (f.connectionEnded || !f.failure.isEmpty()) {
            s.stage = SessionStage::Failed;
            s.tone = SessionState::Tone::Bad;
            s.headline = f.failure.isEmpty() ? QStringLiteral("failed: the connection ended without an answer")
                                             : QStringLiteral("failed: %1").arg(f.failure);
            // Where it stopped: the first step it never reached.
            const QString stoppedAt = f.connectedUs < 0 ? QStringLiteral("connect")
                : f.tls && f.tlsDoneUs < 0              ? QStringLiteral("TLS")
                : f.requestSentUs < 0                   ? QStringLiteral("request")
                                                        : QStringLiteral("response");
            s.timeline.append({ stoppedAt + QStringLiteral(" ✗"), -1 });
        } else if (f.requestSentUs >= 0) {
            s.stage = SessionStage::RequestSent;
            s.headline = QStringLiteral("request sent, waiting for the answer");
        } else if (f.tls && f.connectedUs >= 0) {
            s.stage = SessionStage::SecuringTls;
            s.headline = QStringLiteral("connected, negotiating TLS");
        } else {
            s.stage = SessionStage::Connecting;
            s.headline = QStringLiteral("connecting");
        }
        return s;
    }
    // Upgraded: open until a close frame crosses or the connection ends.
    if (c.initiator == CloseRecord::Initiator::None && !f.connectionEnded) {
        s.stage = SessionStage::Open;
        s.tone = SessionState::Tone::Good;
        s.headline = f.exportedWhileOpen ? QStringLiteral("open (still open when the record was saved)")
                                         : QStringLiteral("open");
        return s;
    }
    const QString close = closeDescription(c, f.recorder, f.connectionEnded);
    if (!f.connectionEnded) {
        s.stage = SessionStage::Closing;
        s.headline = f.exportedWhileOpen
            ? QStringLiteral("closing, %1 (still open when the record was saved)").arg(close)
            : QStringLiteral("closing, %1").arg(close);
        return s;
    }
    s.stage = SessionStage::Closed;
    // A close both sides agreed on with a normal code reads neutral; anything the application would
    // report as an error (abnormal end, policy, protocol, application codes) reads bad.
    const quint16 code = c.initiator == CloseRecord::Initiator::None ? 1006
        : c.initiator == CloseRecord::Initiator::Local               ? c.sentCode.value_or(1005)
                                                                     : c.receivedCode.value_or(1005);
    const bool normal = c.clean && (code == 1000 || code == 1001 || code == 1005);
    s.tone = normal ? SessionState::Tone::Neutral : SessionState::Tone::Bad;
    s.headline = close;
    if (!s.headline.startsWith(QStringLiteral("closed")))
        s.headline = QStringLiteral("closed: %1").arg(close);
    return s;
}

SessionFacts sessionFactsFromTranscript(const Transcript& t, Role recorder)
{
    const HandshakeRecord& h = t.handshake();
    SessionFacts f;
    f.recorder = recorder;
    f.started = !h.rawRequest.isEmpty();
    f.startUs = h.startTimeUs >= 0 ? h.startTimeUs : h.requestTimeUs;
    f.connectedUs = h.connectedTimeUs;
    f.tls = h.tlsTimeUs >= 0;
    f.tlsDoneUs = h.tlsTimeUs;
    f.requestSentUs = h.requestTimeUs;
    f.responseUs = h.responseTimeUs;
    if (h.status > 0)
        f.status = h.status;
    f.route = h.route;
    for (const Finding& finding : h.findings)
        f.upgradeRefusedByChecks = f.upgradeRefusedByChecks || finding.severity == Severity::Error;
    f.close = t.close();
    // An upgraded record without an end time was saved while its connection was up.
    f.connectionEnded = t.close().closedTimeUs >= 0 || !f.status || *f.status != 101;
    f.exportedWhileOpen = !f.connectionEnded;
    return f;
}

} // namespace wsi
