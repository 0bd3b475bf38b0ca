#pragma once
// The center of the window: what was sent and what came back, side by side, with the core's
// verdicts, the Sec-WebSocket-Accept arithmetic, a negotiation summary and — when the local server
// answered — the server's own reasons. It only presents values the engine and core produced.

#include "core/browserview.h"
#include "core/checks.h"
#include "core/decisionpipeline.h"
#include "core/failuretext.h"
#include "core/http.h"
#include "core/sessionstate.h"
#include "core/transcript.h"
#include "ui/exchange/copyasmenu.h"

#include <QWidget>
#include <memory>
#include <optional>

namespace Ui
{
class ExchangeView;
}

namespace wsi
{

class FindingsModel;
class RawHttpView;

// One handshake as the view needs it.
struct Exchange {
    QByteArray rawRequest; // exactly the bytes sent
    std::optional<HttpRequest> request; // parsed (absent when raw bytes were not valid HTTP)
    QByteArray key; // the Sec-WebSocket-Key sent, empty when none
    QByteArray rawResponse; // head and, for a non-101 answer, its body; empty until received
    std::optional<HttpResponse> response;
    QList<Finding> findings; // request and response checks, as the core made them
    QString error; // why the exchange failed, in words; empty when it did not
    bool finished = false; // no more response bytes will come
    std::optional<SessionState> state; // where the connection got to, as core judged it
    // How far the connection got; absent when unknown. requestWritten < 0: rawRequest was built, not sent.
    std::optional<ClientTimings> timings;
    bool tls = false; // wss://: the attempt has a TLS step
    // What a page's `new WebSocket(url, protocols)` would report for the same exchange, and what it was told from;
    // absent while that is not known yet (no answer so far) or cannot be told (the bytes sent are not HTTP).
    std::optional<BrowserViewInput> browserInput;
    std::optional<BrowserView> browser;
    bool requestSent() const { return !timings || timings->requestWritten >= 0; }
};

// Sets e.browserInput and e.browser from e's request and response, the URL it went to and how the connection
// ended: the one place where a session made here and an imported record get their browser view.
// `responseFindings`: checkResponse() of e's response for `url`.
void addBrowserView(
    Exchange& e, const QUrl& url, bool keyChosen, const QList<Finding>& responseFindings, const CloseRecord& close);

// The exchange a record holds, read back from its bytes: what an imported session shows, looking as it
// did live. Our own request's problems are listed only when there are some (see below).
Exchange exchangeFromRecord(const Transcript& record);
// The findings a view lists for a request we sent: its problems only, since passing checks of a request
// we built would bury the verdicts about the server's answer.
QList<Finding> requestProblems(const QList<Finding>& requestFindings);

// The embedded server's side of the same handshake.
struct ServerView {
    QList<DecisionStep> steps; // the decision as the server's transcript recorded it
    QString placeholder; // shown instead while there are no steps ("not decided yet")
};

class ExchangeView : public QWidget
{
    Q_OBJECT
public:
    explicit ExchangeView(QWidget* parent = nullptr);
    ~ExchangeView() override;

    void setExchange(const Exchange& exchange);
    const Exchange& exchange() const { return m_exchange; }
    void setServerView(const std::optional<ServerView>& view);
    void clear();

    // What the view shows, for tests and for copying: the summary as plain text, the trace lines.
    QString summaryText() const;
    QStringList traceLines() const;
    QString acceptText() const;
    // The browser view box as plain text: the events, then what a page cannot send and why, then the notes.
    QString browserText() const;

    RawHttpView* requestView() const;
    RawHttpView* responseView() const;
    FindingsModel* findingsModel() const { return m_findings; }
    Ui::ExchangeView* form() const { return m_ui.get(); }

    // Where the request pane's "Copy as…" gets the handshake, and where it reports what it copied.
    void setCopySource(HandshakeSource source, CopyReport report);

    void saveState(QByteArray* state) const;
    void restoreState(const QByteArray& state);

private:
    void updateSummary();
    void updateAccept();
    void updateBrowser();
    void findingSelected();

    std::unique_ptr<Ui::ExchangeView> m_ui;
    FindingsModel* m_findings;
    Exchange m_exchange;
    std::optional<ServerView> m_serverView;
    HandshakeSource m_copySource;
    CopyReport m_copyReport;
};

} // namespace wsi
