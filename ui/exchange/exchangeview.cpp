#include "ui/exchange/exchangeview.h"

#include "core/extensions.h"
#include "core/handshake.h"
#include "ui/exchange/findingsmodel.h"
#include "ui/help/citationlinks.h"
#include "ui/widgets/palette.h"
#include "ui/widgets/rawhttpview.h"
#include "ui_exchangeview.h"

#include <QDataStream>
#include <QHeaderView>
#include <QMenu>
#include <QSortFilterProxyModel>
#include <QTextDocument>
#include <QToolTip>

namespace wsi
{

namespace
{
QString esc(const QByteArray& bytes)
{
    return QString::fromUtf8(bytes).toHtmlEscaped();
}
QString mono(const QString& html)
{
    return QStringLiteral("<code>%1</code>").arg(html);
}
QString colored(const QColor& color, const QString& html)
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>").arg(color.name(), html);
}
const QColor& kGood = palette::ok;
const QColor& kBad = palette::error;
const QColor& kMuted = palette::muted;

// Groups of four hex digits keep a 40-digit SHA-1 readable and let it wrap in a narrow pane.
QString groupedHex(const QByteArray& hex)
{
    QStringList groups;
    for (qsizetype i = 0; i < hex.size(); i += 4)
        groups.append(QString::fromLatin1(hex.mid(i, 4)));
    return groups.join(QLatin1Char(' '));
}

QString extensionsText(const QByteArray& value)
{
    return value.isEmpty() ? QString() : esc(value);
}

QString plainText(const QString& html)
{
    QTextDocument doc;
    doc.setHtml(html);
    return doc.toPlainText();
}

QString quoted(const QString& text)
{
    return mono(QStringLiteral("\"%1\"").arg(text.toHtmlEscaped()));
}

// One event as a page's handler sees it: "close 1008 “origin not allowed” (wasClean: true)".
QString browserEventHtml(const BrowserEvent& event, const BrowserView& view)
{
    const QString name = browserEventTypeName(event.type);
    switch (event.type) {
    case BrowserEvent::Type::Open:
        return colored(kGood, QStringLiteral("<b>%1</b>").arg(name))
            + QObject::tr(" (protocol %1, extensions %2)").arg(quoted(view.protocol), quoted(view.extensions));
    case BrowserEvent::Type::Error:
        return colored(kBad, QStringLiteral("<b>%1</b>").arg(name));
    case BrowserEvent::Type::Close:
        break;
    }
    const bool normal = event.wasClean && (event.code == 1000 || event.code == 1005);
    QString html = QStringLiteral("<b>%1 %2</b>").arg(name).arg(event.code);
    if (!event.reason.isEmpty())
        html += QStringLiteral(" “%1”").arg(event.reason.toHtmlEscaped());
    html += QObject::tr(" (wasClean: %1)").arg(event.wasClean ? QStringLiteral("true") : QStringLiteral("false"));
    return normal ? html : colored(kBad, html);
}
} // namespace

ExchangeView::ExchangeView(QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::ExchangeView>())
    , m_findings(new FindingsModel(this))
{
    m_ui->setupUi(this);
    m_ui->requestView->setPlaceholderText(tr("Nothing sent yet. Press Connect (Ctrl+Return) to send the handshake "
                                             "built on the left."));
    m_ui->responseView->setPlaceholderText(tr("The server's answer appears here: status line, headers and, for an "
                                              "answer other than 101, its body."));
    m_ui->requestView->setObjectName(QStringLiteral("requestView"));
    m_ui->responseView->setObjectName(QStringLiteral("responseView"));
    m_ui->requestView->setContextMenuExtension([this](QMenu* menu) {
        if (!m_copySource)
            return;
        menu->addSeparator();
        QMenu* copyAs = menu->addMenu(tr("Copy &as…"));
        copyAs->setObjectName(QStringLiteral("copyAsMenu"));
        fillCopyAsMenu(copyAs, m_copySource, m_copyReport);
    });

    // Failures first, then warnings: the most important verdict is at the top without scrolling.
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(m_findings);
    proxy->setSortRole(FindingsModel::SortRole);
    QTableView* table = m_ui->checksTable;
    table->setModel(proxy);
    table->setSortingEnabled(false);
    proxy->sort(FindingsModel::VerdictColumn);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setSectionResizeMode(FindingsModel::VerdictColumn, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(FindingsModel::MessageColumn, QHeaderView::Stretch);
    table->horizontalHeader()->setSectionResizeMode(FindingsModel::RfcColumn, QHeaderView::ResizeToContents);
    // Few rows, each a sentence: wrapping them costs nothing and saves a tooltip hunt.
    table->setWordWrap(true);
    table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    connect(table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ExchangeView::findingSelected);
    // Each check's RFC section opens its explanation in the user guide.
    linkCitationsToGuide(table, FindingsModel::RfcRole, FindingsModel::RfcColumn);

    m_ui->browserBox->setObjectName(QStringLiteral("browserBox"));
    // Each header a page cannot send names its reason where the pointer is; "details" opens them all with the notes.
    connect(m_ui->browserLabel, &QLabel::linkHovered, this, [this](const QString& link) {
        if (!m_exchange.browser || link.isEmpty()) {
            QToolTip::hideText();
            return;
        }
        const QList<UnsendableHeader>& unsendable = m_exchange.browser->unsendable;
        const int index = link.startsWith(QLatin1String("header:")) ? link.mid(7).toInt() : -1;
        const QString tip = index >= 0 && index < unsendable.size()
            ? unsendable.at(index).reason
            : tr("Every header a page cannot send, and why the page sees these events, with references.");
        QToolTip::showText(QCursor::pos(), tip, m_ui->browserLabel);
    });
    connect(m_ui->browserLabel, &QLabel::linkActivated, this, [this](const QString&) {
        m_ui->browserDetailsScroll->setVisible(m_ui->browserDetailsScroll->isHidden());
        updateBrowser();
    });

    m_ui->mainSplitter->setStretchFactor(0, 3);
    m_ui->mainSplitter->setStretchFactor(1, 2);
    m_ui->lowerSplitter->setStretchFactor(0, 1);
    m_ui->lowerSplitter->setStretchFactor(1, 1);
    clear();
}

ExchangeView::~ExchangeView() = default;

void ExchangeView::setCopySource(HandshakeSource source, CopyReport report)
{
    m_copySource = std::move(source);
    m_copyReport = std::move(report);
}

RawHttpView* ExchangeView::requestView() const
{
    return m_ui->requestView;
}

RawHttpView* ExchangeView::responseView() const
{
    return m_ui->responseView;
}

void ExchangeView::clear()
{
    m_exchange = {};
    m_serverView.reset();
    m_ui->requestView->clearMessage();
    m_ui->responseView->clearMessage();
    m_findings->clear();
    m_ui->traceList->clear();
    m_ui->requestTitle->setText(tr("<b>Request</b> sent"));
    m_ui->responseTitle->setText(tr("<b>Response</b> received"));
    updateSummary();
    updateAccept();
    updateBrowser();
}

void ExchangeView::setExchange(const Exchange& exchange)
{
    const bool newRequest = exchange.rawRequest != m_exchange.rawRequest;
    m_exchange = exchange;
    if (newRequest || m_ui->requestView->message() != exchange.rawRequest)
        m_ui->requestView->setMessage(exchange.rawRequest);
    if (m_ui->responseView->message() != exchange.rawResponse)
        m_ui->responseView->setMessage(exchange.rawResponse);
    if (exchange.requestSent())
        m_ui->requestTitle->setText(tr("<b>Request</b> sent — %n byte(s)", nullptr, int(exchange.rawRequest.size())));
    else if (exchange.finished)
        m_ui->requestTitle->setText(colored(kBad,
            tr("<b>Request</b> not sent — %n byte(s) built, never written", nullptr, int(exchange.rawRequest.size()))));
    else
        m_ui->requestTitle->setText(
            tr("<b>Request</b> — not sent yet (%n byte(s) built)", nullptr, int(exchange.rawRequest.size())));
    if (exchange.response) {
        const QColor color = exchange.response->status == 101 ? kGood : kBad;
        m_ui->responseTitle->setText(tr("<b>Response</b> received — %1")
                                         .arg(colored(color,
                                             QStringLiteral("<b>%1 %2</b>")
                                                 .arg(exchange.response->status)
                                                 .arg(esc(exchange.response->reason)))));
    } else {
        m_ui->responseTitle->setText(
            exchange.finished ? tr("<b>Response</b> — none") : tr("<b>Response</b> — waiting…"));
    }
    m_findings->setFindings(exchange.findings);
    m_ui->checksTable->resizeColumnToContents(FindingsModel::RfcColumn);
    updateSummary();
    updateAccept();
    updateBrowser();
}

void ExchangeView::setServerView(const std::optional<ServerView>& view)
{
    m_serverView = view;
    updateSummary();
    if (!view) {
        m_ui->traceList->setPlaceholder(tr("The server's reasons are shown when the local server answers. "
                                           "For other servers only their response is known."));
        return;
    }
    if (view->steps.isEmpty())
        m_ui->traceList->setPlaceholder(view->placeholder);
    else
        m_ui->traceList->setTrace(view->steps);
    const bool refused = m_exchange.response && m_exchange.response->status != 101;
    if (refused)
        m_ui->detailTabs->setCurrentWidget(m_ui->traceTab);
}

QStringList ExchangeView::traceLines() const
{
    QStringList lines;
    for (int i = 0; i < m_ui->traceList->count(); ++i)
        lines.append(m_ui->traceList->item(i)->text());
    return lines;
}

QList<Finding> requestProblems(const QList<Finding>& requestFindings)
{
    QList<Finding> problems;
    for (const Finding& f : requestFindings) {
        if (f.severity != Severity::Pass && f.severity != Severity::Info)
            problems.append(f);
    }
    return problems;
}

void addBrowserView(
    Exchange& e, const QUrl& url, bool keyChosen, const QList<Finding>& responseFindings, const CloseRecord& close)
{
    e.browserInput.reset();
    e.browser.reset();
    // Until an answer or the end of the attempt the page is still waiting: no event has fired yet.
    if (!e.request || (!e.response && !e.finished))
        return;
    BrowserViewInput input { *e.request, url, keyChosen, e.response, responseFindings, std::nullopt };
    if (e.response && e.response->status == 101)
        input.close = close;
    e.browser = browserView(input);
    e.browserInput = std::move(input);
}

Exchange exchangeFromRecord(const Transcript& transcript)
{
    const HandshakeRecord& record = transcript.handshake();
    Exchange e;
    e.rawRequest = record.rawRequest;
    const HeadParse<HttpRequest> request = parseRequestHead(record.rawRequest);
    if (request.state == HeadState::Complete) {
        e.request = request.value;
        e.key = request.value.headers.value("Sec-WebSocket-Key");
        e.findings = requestProblems(checkRequest(request.value));
    }
    e.rawResponse = record.rawResponse;
    const HeadParse<HttpResponse> response = parseResponseHead(record.rawResponse);
    if (response.state == HeadState::Complete) {
        e.response = response.value;
        e.response->body = record.rawResponse.mid(response.headBytes);
    }
    e.findings += record.findings;
    e.finished = true;
    if (e.request) {
        // A record keeps the request, not the URL: its Host and target give it back; a TLS step means wss.
        const QUrl url(
            QStringLiteral("%1://%2%3")
                .arg(record.tlsTimeUs >= 0 ? QStringLiteral("wss") : QStringLiteral("ws"),
                    QString::fromUtf8(e.request->headers.value("Host")), QString::fromUtf8(e.request->target)));
        addBrowserView(e, url, false, record.findings, transcript.close());
    }
    return e;
}

QString ExchangeView::summaryText() const
{
    QTextDocument doc;
    doc.setHtml(m_ui->summaryLabel->text());
    return doc.toPlainText();
}

QString ExchangeView::browserText() const
{
    // One line per row: a row's label and value, which the table shows side by side, stay together.
    QString rows = m_ui->browserLabel->text();
    rows.replace(QLatin1String("</td><td>"), QLatin1String(" "));
    QString text = plainText(rows).trimmed() + QLatin1Char('\n') + plainText(m_ui->browserDetails->text()).trimmed();
    return text.replace(QChar::Nbsp, QLatin1Char(' '));
}

QString ExchangeView::acceptText() const
{
    QTextDocument doc;
    doc.setHtml(m_ui->acceptLabel->text());
    return doc.toPlainText();
}

void ExchangeView::updateSummary()
{
    const Exchange& e = m_exchange;
    if (e.rawRequest.isEmpty() && !e.error.isEmpty()) {
        m_ui->summaryLabel->setText(colored(kBad, tr("<b>Nothing was sent.</b> %1").arg(e.error.toHtmlEscaped())));
        return;
    }
    if (e.rawRequest.isEmpty()) {
        m_ui->summaryLabel->setText(tr("<b>No handshake yet.</b> Build a request on the left and press "
                                       "<b>Connect</b> (Ctrl+Return): the request, the server's answer and every "
                                       "check appear here."));
        return;
    }
    QString status;
    if (e.response) {
        const bool upgraded = e.response->status == 101;
        bool failed = false;
        for (const Finding& f : e.findings)
            failed = failed || f.severity == Severity::Error;
        QString verdict;
        if (e.state) // what happened after the answer too: a 101 later closed with 1008 is not "open"
            verdict = e.state->tone == SessionState::Tone::Good ? colored(kGood, e.state->headline.toHtmlEscaped())
                : e.state->tone == SessionState::Tone::Bad      ? colored(kBad, e.state->headline.toHtmlEscaped())
                                                                : e.state->headline.toHtmlEscaped();
        else if (!upgraded)
            verdict = colored(kBad, tr("refused: no WebSocket"));
        else if (failed)
            verdict = colored(kBad, tr("upgraded, but the client must fail it (see checks)"));
        else
            verdict = colored(kGood, tr("open"));
        status = QStringLiteral("<b>%1 %2</b> — %3").arg(e.response->status).arg(esc(e.response->reason), verdict);
    } else if (!e.error.isEmpty()) {
        status = colored(
            kBad, (e.requestSent() ? tr("no response: %1") : tr("request not sent: %1")).arg(e.error.toHtmlEscaped()));
    } else if (!e.requestSent()) {
        status = tr("connecting…");
    } else {
        status = tr("waiting for the response…");
    }
    // A refusal already says so in the status; an upgrade the client must still fail needs the reason.
    if (!e.error.isEmpty() && e.response && e.response->status == 101)
        status += QStringLiteral("<br/>") + colored(kBad, e.error.toHtmlEscaped());

    const HeaderList empty;
    const HeaderList& req = e.request ? e.request->headers : empty;
    const HeaderList& resp = e.response ? e.response->headers : empty;
    const bool answered = e.response.has_value() && e.response->status == 101;

    const QByteArray offeredProtocols = req.combined("Sec-WebSocket-Protocol");
    const QByteArray selectedProtocol = resp.combined("Sec-WebSocket-Protocol");
    QString protocol
        = offeredProtocols.isNull() ? tr("none offered") : tr("offered %1").arg(mono(esc(offeredProtocols)));
    if (answered) {
        protocol += QStringLiteral(" → ")
            + (selectedProtocol.isNull() ? colored(offeredProtocols.isNull() ? kMuted : kBad, tr("none selected"))
                                         : QStringLiteral("<b>%1</b>").arg(mono(esc(selectedProtocol))));
    }

    const QByteArray offeredExtensions = req.combined("Sec-WebSocket-Extensions");
    const QByteArray acceptedExtensions = resp.combined("Sec-WebSocket-Extensions");
    QString extensions = offeredExtensions.isNull() ? tr("none offered")
                                                    : tr("offered %1").arg(mono(extensionsText(offeredExtensions)));
    if (answered) {
        extensions += QStringLiteral(" → ")
            + (acceptedExtensions.isNull() ? colored(kMuted, tr("none accepted"))
                                           : QStringLiteral("<b>%1</b>").arg(mono(extensionsText(acceptedExtensions))));
    }

    auto row = [](const QString& label, const QString& value) {
        return QStringLiteral("<tr><td><b>%1</b>&nbsp;&nbsp;</td><td>%2</td></tr>").arg(label, value);
    };
    QString rows = row(tr("Status"), status);
    // How far the attempt got and how it ended, with times: core's timeline of the session.
    if (e.state && !e.state->timeline.isEmpty())
        rows += row(tr("Timeline"), timelineText(e.state->timeline).toHtmlEscaped());
    rows += row(tr("Subprotocol"), protocol) + row(tr("Extensions"), extensions);
    // When the local server refused, its own reason is the answer to "why": show it at a glance.
    if (m_serverView) {
        for (const DecisionStep& step : m_serverView->steps) {
            if (step.outcome == DecisionStep::Outcome::Rejected) {
                rows += row(tr("Server"), colored(kBad, QStringLiteral("✗ ") + decisionStepText(step).toHtmlEscaped()));
                break;
            }
        }
    }
    m_ui->summaryLabel->setText(QStringLiteral("<table cellspacing=\"2\">%1</table>").arg(rows));
}

void ExchangeView::updateAccept()
{
    const Exchange& e = m_exchange;
    if (e.rawRequest.isEmpty()) {
        m_ui->acceptLabel->setText(tr("<p>The server proves it read the handshake by hashing the client's "
                                      "Sec-WebSocket-Key with a fixed GUID (RFC 6455 §4.2.2). The steps appear here "
                                      "after Connect.</p>"));
        return;
    }
    if (e.key.isEmpty()) {
        m_ui->acceptLabel->setText(tr("<p>No Sec-WebSocket-Key was sent, so there is no Accept value to compute. "
                                      "A server must refuse such a request with 400 (RFC 6455 §4.2.1).</p>"));
        return;
    }
    const AcceptSteps steps = explainAccept(e.key);
    // One step per paragraph, value under its label: the pane is narrow and the values are long.
    QString html;
    auto step = [&html](const QString& label, const QString& value) {
        html += QStringLiteral("<p style=\"margin-top:0; margin-bottom:6px\">%1<br/>&nbsp;&nbsp;%2</p>")
                    .arg(label, value);
    };
    step(tr("<b>1.</b> the key, exactly as sent (never decoded)"), mono(esc(steps.key)));
    step(tr("<b>2.</b> append the fixed GUID"),
        mono(esc(steps.key)) + QStringLiteral("<br/>&nbsp;&nbsp;")
            + mono(colored(kMuted, QStringLiteral("+ ") + esc(kWebSocketGuid.toByteArray()))));
    step(tr("<b>3.</b> SHA-1 of those %1 bytes").arg(steps.concatenated.size()), mono(groupedHex(steps.sha1Hex)));
    step(tr("<b>4.</b> base64 of the 20-byte digest = the expected Sec-WebSocket-Accept"),
        QStringLiteral("<b>%1</b>").arg(mono(esc(steps.accept))));
    if (e.response) {
        const QList<QByteArray> sent = e.response->headers.values("Sec-WebSocket-Accept");
        if (sent.isEmpty()) {
            step(tr("The server sent"),
                colored(e.response->status == 101 ? kBad : kMuted,
                    e.response->status == 101 ? tr("no Sec-WebSocket-Accept ✗")
                                              : tr("no Sec-WebSocket-Accept (it did not upgrade)")));
        } else {
            const bool match = sent.size() == 1 && sent.first() == steps.accept;
            step(tr("The server sent"),
                mono(esc(sent.join(", "))) + QStringLiteral("&nbsp; ")
                    + (match ? colored(kGood, tr("✓ matches")) : colored(kBad, tr("✗ does not match"))));
        }
    }
    m_ui->acceptLabel->setText(html);
}

void ExchangeView::updateBrowser()
{
    auto row = [](const QString& label, const QString& value) {
        return QStringLiteral("<tr><td><b>%1</b>&nbsp;&nbsp;</td><td>%2</td></tr>").arg(label, value);
    };
    const Exchange& e = m_exchange;
    if (!e.browser || !e.browserInput) {
        const QString why = e.rawRequest.isEmpty() || e.request
            ? tr("what a web page's <code>new WebSocket()</code> would report for this exchange appears once the "
                 "server answers.")
            : tr("the request sent is not valid HTTP, which a browser never sends.");
        m_ui->browserLabel->setText(
            QStringLiteral("<table cellspacing=\"2\">%1</table>").arg(row(tr("Browser"), colored(kMuted, why))));
        m_ui->browserDetails->clear();
        m_ui->browserDetailsScroll->hide();
        return;
    }
    const BrowserView& view = *e.browser;
    const bool expanded = !m_ui->browserDetailsScroll->isHidden();
    const QString detailsLink = QStringLiteral("&nbsp;&nbsp;<a href=\"details\">%1</a>")
                                    .arg(expanded ? tr("hide details ▴") : tr("details ▾"));

    QString events;
    if (!view.syntaxError.isEmpty()) {
        events
            = colored(kBad, tr("<b>new WebSocket() throws SyntaxError</b>: %1").arg(view.syntaxError.toHtmlEscaped()));
    } else {
        QStringList parts;
        for (const BrowserEvent& event : view.events)
            parts.append(browserEventHtml(event, view));
        events = parts.join(QStringLiteral(" → "));
        if (view.opens && view.events.size() == 1)
            events += tr(" — still open");
    }
    const bool refused = e.response && e.response->status != 101;
    if (refused && !view.opens)
        events
            += colored(kMuted, tr(" — the page never sees the %1 or its body").arg(e.response->status).toHtmlEscaped());
    QString rows = row(tr("Browser"), events + detailsLink);
    // Why any other failure happened: the first sentence of the core's deciding reason; the rest is in the details.
    if (!view.opens && !refused && view.syntaxError.isEmpty() && !view.explanation.isEmpty()) {
        const QString reason = view.explanation.front().text;
        const qsizetype end = reason.indexOf(QLatin1String(". "));
        rows += row(tr("Why"),
            end < 0 ? reason.toHtmlEscaped()
                    : reason.left(end + 1).toHtmlEscaped()
                    + QStringLiteral(" <a href=\"details\">%1</a>").arg(tr("more…")));
    }
    if (!view.unsendable.isEmpty()) {
        QStringList names;
        for (qsizetype i = 0; i < view.unsendable.size(); ++i)
            names.append(QStringLiteral("<a href=\"header:%1\" style=\"color:%2\">%3</a>")
                             .arg(i)
                             .arg(palette::css(palette::warning), esc(view.unsendable.at(i).name)));
        rows += row(tr("Page cannot send"), names.join(QStringLiteral(", ")));
    }
    m_ui->browserLabel->setText(QStringLiteral("<table cellspacing=\"2\">%1</table>").arg(rows));

    QString details = QStringLiteral("<p style=\"margin:0\"><code>%1</code></p>")
                          .arg(browserViewText(view, *e.browserInput).section(QLatin1Char('\n'), 0, 0).toHtmlEscaped());
    if (!view.unsendable.isEmpty()) {
        details += tr("<p style=\"margin-top:6px; margin-bottom:0\"><b>A browser cannot send this</b></p>");
        QString items;
        for (const UnsendableHeader& u : view.unsendable)
            items += QStringLiteral("<li><b>%1</b>%2 — %3</li>")
                         .arg(esc(u.name),
                             u.value.isEmpty() ? colored(kMuted, tr(" (missing)"))
                                               : QStringLiteral(": ") + mono(esc(u.value)),
                             u.reason.toHtmlEscaped());
        details += QStringLiteral("<ul style=\"margin-top:0; margin-bottom:0\">%1</ul>").arg(items);
    }
    if (!view.explanation.isEmpty()) {
        details += tr("<p style=\"margin-top:6px; margin-bottom:0\"><b>Why</b></p>");
        QString items;
        for (const BrowserNote& n : view.explanation)
            items += QStringLiteral("<li>%1 %2</li>")
                         .arg(n.text.toHtmlEscaped(),
                             colored(kMuted, QStringLiteral("(%1)").arg(n.reference.toHtmlEscaped())));
        details += QStringLiteral("<ul style=\"margin-top:0; margin-bottom:0\">%1</ul>").arg(items);
    }
    m_ui->browserDetails->setText(details);
}

void ExchangeView::findingSelected()
{
    const QModelIndex index = m_ui->checksTable->currentIndex();
    if (!index.isValid()) {
        m_ui->requestView->clearHighlight();
        m_ui->responseView->clearHighlight();
        return;
    }
    const QByteArray header = index.data(FindingsModel::HeaderRole).toByteArray();
    const bool onRequest = index.data(FindingsModel::SideRole).toString() == QLatin1String("request");
    RawHttpView* target = onRequest ? m_ui->requestView : m_ui->responseView;
    RawHttpView* other = onRequest ? m_ui->responseView : m_ui->requestView;
    other->clearHighlight();
    // A response check about a header the server left out is best shown on the request's header.
    if (!target->highlightHeader(header) && !onRequest && !header.isEmpty())
        m_ui->requestView->highlightHeader(header);
}

void ExchangeView::saveState(QByteArray* state) const
{
    QDataStream out(state, QIODevice::WriteOnly);
    out << m_ui->mainSplitter->saveState() << m_ui->messagesSplitter->saveState() << m_ui->lowerSplitter->saveState();
}

void ExchangeView::restoreState(const QByteArray& state)
{
    QDataStream in(state);
    QByteArray main, messages, lower;
    in >> main >> messages >> lower;
    if (in.status() != QDataStream::Ok)
        return;
    m_ui->mainSplitter->restoreState(main);
    m_ui->messagesSplitter->restoreState(messages);
    m_ui->lowerSplitter->restoreState(lower);
}

} // namespace wsi
