// The user guide and its help window: the guide loads with its contents, search finds and steps through a term,
// back and forward retrace the places visited, a check's or a decision step's RFC section opens its explanation,
// Help › Keyboard shortcuts lists the window's own actions, and every RFC section the core cites is explained.
#include "core/checks.h"
#include "core/closepayload.h"
#include "core/decisionpipeline.h"
#include "core/deflatenegotiation.h"
#include "core/framerules.h"
#include "core/policyschema.h"
#include "support/testpaths.h"
#include "ui/exchange/exchangeview.h"
#include "ui/exchange/findingsmodel.h"
#include "ui/help/citationlinks.h"
#include "ui/help/guidelinks.h"
#include "ui/help/helpmenu.h"
#include "ui/help/helpwindow.h"
#include "ui/widgets/decisiontraceview.h"
#include "ui/window/mainwindow.h"

#include <QAction>
#include <QDialog>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QRegularExpression>
#include <QSet>
#include <QTableView>
#include <QTableWidget>
#include <QTest>
#include <QTextBrowser>
#include <QTreeWidget>

using namespace wsi;

namespace
{
constexpr int kTimeoutMs = 5'000;

HttpRequest handshakeRequest()
{
    HttpRequest r;
    r.target = "/chat";
    r.headers.append("Host", "127.0.0.1:9001");
    r.headers.append("Upgrade", "websocket");
    r.headers.append("Connection", "Upgrade");
    r.headers.append("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
    r.headers.append("Sec-WebSocket-Version", "13");
    return r;
}

// The guide's HTML as stored in the resources, read independently of the help window.
QString guideHtml()
{
    QFile file(QStringLiteral(":/guide/guide.html"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(file.readAll());
}

// 1'000'000: the quote inside a number literal separates digits; it does not start a character literal.
bool isDigitSeparator(const QString& source, qsizetype quote)
{
    qsizetype start = quote;
    while (start > 0) {
        const QChar p = source[start - 1];
        if (!(p.isLetterOrNumber() || p == QLatin1Char('\'')))
            break;
        --start;
    }
    return start < quote && source[start].isDigit();
}

// The string literals of a C++ source file, with adjacent literals joined as the compiler joins them ("a" "b" is
// "ab"), comments and character literals skipped. Escapes stay as written; citations contain none.
QStringList stringLiterals(const QString& source)
{
    QStringList literals;
    bool joinNext = false;
    const qsizetype n = source.size();
    for (qsizetype i = 0; i < n;) {
        const QChar c = source[i];
        if (source.mid(i, 2) == QLatin1String("//")) {
            const qsizetype end = source.indexOf(QLatin1Char('\n'), i);
            i = end < 0 ? n : end;
            continue;
        }
        if (source.mid(i, 2) == QLatin1String("/*")) {
            const qsizetype end = source.indexOf(QLatin1String("*/"), i + 2);
            i = end < 0 ? n : end + 2;
            continue;
        }
        if (c == QLatin1Char('\'') && isDigitSeparator(source, i)) {
            ++i;
            continue;
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"')) {
            qsizetype j = i + 1;
            QString text;
            while (j < n && source[j] != c) {
                if (source[j] == QLatin1Char('\\') && j + 1 < n) {
                    text += source.mid(j, 2);
                    j += 2;
                } else {
                    text += source[j++];
                }
            }
            if (c == QLatin1Char('"')) {
                if (joinNext)
                    literals.last() += text;
                else
                    literals.append(text);
                joinNext = true;
            } else {
                joinNext = false;
            }
            i = j + 1;
            continue;
        }
        if (!c.isSpace())
            joinNext = false;
        ++i;
    }
    return literals;
}

void addCitations(QSet<QString>& anchors, const QString& citation)
{
    for (const RfcCitation& section : rfcCitations(citation))
        anchors.insert(guideAnchor(section));
}
} // namespace

class TestHelpWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void guideLoads()
    {
        HelpWindow help;
        QVERIFY(help.guideLoaded());
        QVERIFY(help.browser()->document()->toPlainText().contains(QStringLiteral("Sec-WebSocket-Accept")));
        QVERIFY(help.windowTitle().contains(QStringLiteral("User guide")));
        // The RFC's own example of the accept computation is in the guide.
        const QString text = help.browser()->document()->toPlainText();
        QVERIFY(text.contains(QStringLiteral("dGhlIHNhbXBsZSBub25jZQ==")));
        QVERIFY(text.contains(QStringLiteral("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")));
    }

    void contentsAreTheGuidesHeadings()
    {
        HelpWindow help;
        const QStringList titles = help.contentsTitles();
        // Counted from the HTML itself, not from the document the window built.
        const QString html = guideHtml();
        QVERIFY(!html.isEmpty());
        static const QRegularExpression heading(QStringLiteral("<h[234][ >]"));
        QCOMPARE(titles.size(), int(html.count(heading)));
        QVERIFY(titles.contains(QStringLiteral("The window")));
        QVERIFY(titles.contains(QStringLiteral("Handshake builder")));
        QVERIFY(titles.contains(QStringLiteral("Local server panel")));
        QVERIFY(titles.contains(QStringLiteral("Walkthroughs")));
        QVERIFY(titles.contains(QStringLiteral("RFC 6455 — The WebSocket Protocol")));
        QVERIFY(titles.contains(QStringLiteral("§4.2.1 — Reading the client's opening handshake")));
        // Sections sit under their chapter.
        const QList<QTreeWidgetItem*> walkthroughs
            = help.contents()->findItems(QStringLiteral("Walkthroughs"), Qt::MatchExactly);
        QCOMPARE(walkthroughs.size(), 1);
        QVERIFY(walkthroughs.front()->childCount() >= 9);
        // Each RFC's sections sit under that RFC, inside the reference chapter.
        const QList<QTreeWidgetItem*> section = help.contents()->findItems(
            QStringLiteral("§10.2 — Origin considerations"), Qt::MatchExactly | Qt::MatchRecursive);
        QCOMPARE(section.size(), 1);
        QCOMPARE(section.front()->toolTip(0), QStringLiteral("RFC 6455 §10.2 — Origin considerations"));
        QVERIFY(section.front()->parent() && section.front()->parent()->parent());
        QCOMPARE(section.front()->parent()->parent()->text(0), QStringLiteral("The RFC sections explained"));
        // Every heading can be returned to: each has an anchor.
        QTreeWidgetItemIterator it(help.contents());
        for (; *it; ++it)
            QVERIFY2(!(*it)->data(0, Qt::UserRole).toString().isEmpty(), qPrintable((*it)->text(0)));
    }

    void contentsNavigateAndBackAndForwardReturn()
    {
        HelpWindow help;
        help.resize(1000, 650);
        help.show();
        QVERIFY(QTest::qWaitForWindowExposed(&help));
        const auto click = [&](const QString& title) {
            const QList<QTreeWidgetItem*> items
                = help.contents()->findItems(title, Qt::MatchExactly | Qt::MatchRecursive);
            QCOMPARE(items.size(), 1);
            help.contents()->scrollToItem(items.front());
            const QRect rect = help.contents()->visualItemRect(items.front());
            QTest::mouseClick(help.contents()->viewport(), Qt::LeftButton, {}, rect.center());
        };
        click(QStringLiteral("Walkthroughs"));
        QCOMPARE(help.currentAnchor(), QStringLiteral("walkthroughs"));
        click(QStringLiteral("Tokens: 401 or close 4001"));
        QCOMPARE(help.currentAnchor(), QStringLiteral("walk-token"));
        // The section opened is the one marked in the contents.
        QTRY_COMPARE(help.contents()->currentItem()->text(0), QStringLiteral("Tokens: 401 or close 4001"));

        auto* back = help.findChild<QAction*>(QStringLiteral("helpBack"));
        auto* forward = help.findChild<QAction*>(QStringLiteral("helpForward"));
        QVERIFY(back && forward);
        QVERIFY(back->isEnabled());
        back->trigger();
        QCOMPARE(help.currentAnchor(), QStringLiteral("walkthroughs"));
        QVERIFY(forward->isEnabled());
        forward->trigger();
        QCOMPARE(help.currentAnchor(), QStringLiteral("walk-token"));
    }

    void searchFindsAndStepsThroughATerm()
    {
        HelpWindow help;
        QTest::keyClicks(help.searchField(), QStringLiteral("hijacking"));
        QVERIFY(help.matchCount() >= 2);
        QCOMPARE(help.currentMatch(), 0);
        QCOMPARE(help.browser()->textCursor().selectedText().toLower(), QStringLiteral("hijacking"));
        QCOMPARE(help.browser()->extraSelections().size(), help.matchCount());
        const int first = help.browser()->textCursor().selectionStart();

        // Enter finds the next occurrence, further down; Shift+Enter goes back.
        QTest::keyClick(help.searchField(), Qt::Key_Return);
        QCOMPARE(help.currentMatch(), 1);
        QVERIFY(help.browser()->textCursor().selectionStart() > first);
        QTest::keyClick(help.searchField(), Qt::Key_Return, Qt::ShiftModifier);
        QCOMPARE(help.currentMatch(), 0);
        QCOMPARE(help.browser()->textCursor().selectionStart(), first);
        // Previous from the first wraps to the last.
        QVERIFY(help.findPrevious());
        QCOMPARE(help.currentMatch(), help.matchCount() - 1);
        auto* label = help.findChild<QLabel*>(QStringLiteral("helpMatches"));
        QVERIFY(label);
        QCOMPARE(label->text(), QStringLiteral("%1 of %1").arg(help.matchCount()));

        help.searchField()->setText(QStringLiteral("no such words in the guide"));
        QCOMPARE(help.matchCount(), 0);
        QVERIFY(!help.findNext());
        QVERIFY(label->text().contains(QStringLiteral("not found")));
        QVERIFY(help.browser()->extraSelections().isEmpty());
    }

    void citationsMapToAnchors()
    {
        QCOMPARE(guideAnchorForCitation(u"RFC 6455 §4.2.1"), QStringLiteral("rfc6455-4.2.1"));
        QCOMPARE(guideAnchorForCitation(u"RFC 6455 §4.2.2, §4.4"), QStringLiteral("rfc6455-4.2.2"));
        QCOMPARE(guideAnchorForCitation(u"A frame from the client is not masked (RFC 6455 §5.1)."),
            QStringLiteral("rfc6455-5.1"));
        QCOMPARE(guideAnchorForCitation(u"no citation here"), QString());
        // A bare section number cannot be placed in an RFC.
        QCOMPARE(guideAnchorForCitation(u"added by this server's configuration (§7.1.1.1)"), QString());

        const QList<RfcCitation> two = rfcCitations(u"RFC 9112 §2.2, RFC 6455 §4.2.1");
        QCOMPARE(two.size(), 2);
        QCOMPARE(two[0].label(), QStringLiteral("RFC 9112 §2.2"));
        QCOMPARE(two[1].label(), QStringLiteral("RFC 6455 §4.2.1"));
        const QList<RfcCitation> sameRfc = rfcCitations(u"RFC 6455 §10.2, §7.4.1");
        QCOMPARE(sameRfc.size(), 2);
        QCOMPARE(guideAnchor(sameRfc[1]), QStringLiteral("rfc6455-7.4.1"));
        QCOMPARE(rfcCitations(u"(RFC 7692 §8.1, RFC 6455 §7.4.1, 1009)").size(), 2);

        QCOMPARE(parentGuideAnchor(QStringLiteral("rfc7692-7.1.2.2")), QStringLiteral("rfc7692-7.1.2"));
        QCOMPARE(parentGuideAnchor(QStringLiteral("rfc7692-7")), QStringLiteral("rfc7692"));
        QCOMPARE(parentGuideAnchor(QStringLiteral("rfc7692")), QString());
        QCOMPARE(guideUrl(QStringLiteral("rfc6455-3")).fragment(), QStringLiteral("rfc6455-3"));
    }

    void openCitationShowsTheSectionOrItsParent()
    {
        HelpWindow help;
        QVERIFY(help.openCitation(QStringLiteral("RFC 6455 §10.2")));
        QCOMPARE(help.currentAnchor(), QStringLiteral("rfc6455-10.2"));
        // A section the guide does not have opens the nearest enclosing one.
        QVERIFY(help.openCitation(QStringLiteral("RFC 7692 §7.1.2.2.9")));
        QCOMPARE(help.currentAnchor(), QStringLiteral("rfc7692-7.1.2.2"));
        QVERIFY(!help.openCitation(QStringLiteral("RFC 1149 §2")));
        QCOMPARE(help.currentAnchor(), QStringLiteral("rfc7692-7.1.2.2"));
        QVERIFY(!help.openCitation(QStringLiteral("nothing cited")));
    }

    void checksRfcColumnOpensTheGuide()
    {
        ExchangeView view;
        view.resize(1000, 650);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        HttpRequest request = handshakeRequest();
        request.headers.set("Sec-WebSocket-Version", "8");
        Exchange exchange;
        exchange.rawRequest = request.serialize();
        exchange.request = request;
        exchange.findings = checkRequest(request);
        view.setExchange(exchange);

        auto* table = view.findChild<QTableView*>(QStringLiteral("checksTable"));
        QVERIFY(table);
        int row = -1;
        for (int r = 0; r < table->model()->rowCount(); ++r) {
            if (table->model()->index(r, FindingsModel::VerdictColumn).data(FindingsModel::IdRole)
                == QStringLiteral("request.websocket-version"))
                row = r;
        }
        QVERIFY(row >= 0);
        const QModelIndex rfcCell = table->model()->index(row, FindingsModel::RfcColumn);
        QCOMPARE(rfcCell.data().toString(), QStringLiteral("RFC 6455 §4.2.2, §4.4"));
        QVERIFY(rfcCell.data(Qt::FontRole).value<QFont>().underline());
        QVERIFY(rfcCell.data(Qt::ToolTipRole).toString().contains(QStringLiteral("RFC 6455 §4.2.2")));

        // A click on the message selects the row and opens nothing.
        const QModelIndex messageCell = table->model()->index(row, FindingsModel::MessageColumn);
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(messageCell).center());
        QVERIFY(!view.findChild<HelpWindow*>());

        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(rfcCell).center());
        auto* help = view.findChild<HelpWindow*>();
        QVERIFY(help);
        QTRY_VERIFY(help->isVisible());
        QCOMPARE(help->currentAnchor(), QStringLiteral("rfc6455-4.2.2"));
        QCOMPARE(HelpWindow::forWindow(&view), help);

        // A double-click anywhere on a row opens its section too.
        int originRow = -1;
        for (int r = 0; r < table->model()->rowCount(); ++r) {
            if (table->model()->index(r, 0).data(FindingsModel::IdRole) == QStringLiteral("request.origin"))
                originRow = r;
        }
        QVERIFY(originRow >= 0);
        const QPoint originPoint
            = table->visualRect(table->model()->index(originRow, FindingsModel::MessageColumn)).center();
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, originPoint);
        QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, originPoint);
        QCOMPARE(help->currentAnchor(), QStringLiteral("rfc6455-4.2.1"));
    }

    void decisionStepOpensTheGuide()
    {
        HttpRequest request = handshakeRequest();
        request.headers.append("Origin", "https://evil.example");
        request.headers.append("Sec-WebSocket-Extensions", "permessage-deflate");
        ServerPolicy policy;
        const Decision accepted = decide(request, policy);
        policy.allowedOrigins = { "http://127.0.0.1" };
        const Decision refused = decide(request, policy);

        DecisionTraceView view;
        view.resize(600, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setTrace(refused.trace);
        QListWidgetItem* rejected = nullptr;
        for (int i = 0; i < view.count(); ++i) {
            if (view.item(i)->text().startsWith(QStringLiteral("✗")))
                rejected = view.item(i);
        }
        QVERIFY(rejected);
        QVERIFY(rejected->toolTip().contains(QStringLiteral("RFC 6455 §10.2")));
        const QPoint rejectedPoint = view.visualItemRect(rejected).center();
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, rejectedPoint);
        QVERIFY(!view.findChild<HelpWindow*>()); // one click only selects
        QTest::mouseDClick(view.viewport(), Qt::LeftButton, {}, rejectedPoint);
        auto* help = view.findChild<HelpWindow*>();
        QVERIFY(help);
        QTRY_VERIFY(help->isVisible());
        QCOMPARE(help->currentAnchor(), QStringLiteral("rfc6455-10.2"));

        // The permessage-deflate verdict names its section in its sentence only.
        view.setTrace(accepted.trace);
        QListWidgetItem* deflate = nullptr;
        for (int i = 0; i < view.count(); ++i) {
            if (view.item(i)->text().contains(QStringLiteral("permessage-deflate")))
                deflate = view.item(i);
        }
        QVERIFY(deflate);
        const QPoint deflatePoint = view.visualItemRect(deflate).center();
        QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, deflatePoint);
        QTest::mouseDClick(view.viewport(), Qt::LeftButton, {}, deflatePoint);
        QCOMPARE(help->currentAnchor(), QStringLiteral("rfc7692-7.1"));
    }

    void explainActionsNameEverySection()
    {
        QWidget from;
        QObject owner;
        const QList<QAction*> actions = explainActions(QStringLiteral("RFC 6455 §4.2.2, §4.4"), &from, &owner);
        QCOMPARE(actions.size(), 2);
        QCOMPARE(actions[0]->text(), QStringLiteral("Explain (RFC 6455 §4.2.2)"));
        QCOMPARE(actions[1]->text(), QStringLiteral("Explain (RFC 6455 §4.4)"));
        actions[1]->trigger();
        auto* help = from.findChild<HelpWindow*>();
        QVERIFY(help);
        QCOMPARE(help->currentAnchor(), QStringLiteral("rfc6455-4.4"));
        QVERIFY(explainActions(QStringLiteral("no section"), &from, &owner).isEmpty());
        QCOMPARE(explainHint(QString(), QStringLiteral("Click")), QString());
    }

    void helpMenuOpensTheGuideAndListsShortcuts()
    {
        MainWindow window(nullptr);
        auto* guide = window.findChild<QAction*>(QStringLiteral("actionUserGuide"));
        auto* shortcuts = window.findChild<QAction*>(QStringLiteral("actionKeyboardShortcuts"));
        auto* about = window.findChild<QAction*>(QStringLiteral("actionAbout"));
        QVERIFY(guide && shortcuts && about);
        QCOMPARE(guide->shortcut(), QKeySequence(QKeySequence::HelpContents));
        auto* helpMenu = window.findChild<QMenu*>(QStringLiteral("menuHelp"));
        QVERIFY(helpMenu);
        QVERIFY(helpMenu->actions().contains(guide));
        QVERIFY(helpMenu->actions().contains(shortcuts));
        QVERIFY(helpMenu->actions().contains(about));
        QVERIFY(helpMenu->actions().indexOf(guide) < helpMenu->actions().indexOf(about));

        guide->trigger();
        auto* help = window.findChild<HelpWindow*>();
        QVERIFY(help);
        QTRY_VERIFY(help->isVisible());
        guide->trigger();
        QCOMPARE(window.findChildren<HelpWindow*>().size(), 1);

        // Every action of the window that has a shortcut is listed, with its keys and its menu.
        const QList<ShortcutEntry> entries = windowShortcuts(&window);
        QSet<const QAction*> listed;
        for (const ShortcutEntry& e : entries)
            listed.insert(e.action);
        QCOMPARE(listed.size(), entries.size());
        int withShortcut = 0;
        const QList<QAction*> actions = window.findChildren<QAction*>();
        const QList<QAction*> helpActions = help->findChildren<QAction*>();
        for (const QAction* action : actions) {
            if (action->shortcuts().isEmpty())
                continue;
            // The help window's own Back, Forward and Find work there, not in the main window.
            if (helpActions.contains(action)) {
                QVERIFY2(!listed.contains(action), qPrintable(action->text()));
                continue;
            }
            ++withShortcut;
            QVERIFY2(listed.contains(action), qPrintable(action->text()));
        }
        QCOMPARE(entries.size(), withShortcut);
        auto* connect = window.findChild<QAction*>(QStringLiteral("actionConnect"));
        QVERIFY(connect && !connect->shortcut().isEmpty());
        const auto connectEntry
            = std::find_if(entries.begin(), entries.end(), [&](const ShortcutEntry& e) { return e.action == connect; });
        QVERIFY(connectEntry != entries.end());
        QCOMPARE(connectEntry->command, QStringLiteral("Connect"));
        QCOMPARE(connectEntry->keys, connect->shortcut().toString(QKeySequence::NativeText));
        QCOMPARE(connectEntry->menu, QStringLiteral("Connection"));
        const auto guideEntry
            = std::find_if(entries.begin(), entries.end(), [&](const ShortcutEntry& e) { return e.action == guide; });
        QVERIFY(guideEntry != entries.end());
        QCOMPARE(guideEntry->command, QStringLiteral("User guide"));

        shortcuts->trigger();
        auto* dialog = window.findChild<QDialog*>(QStringLiteral("shortcutsDialog"));
        QVERIFY(dialog);
        auto* table = dialog->findChild<QTableWidget*>(QStringLiteral("shortcutsTable"));
        QVERIFY(table);
        QCOMPARE(table->rowCount(), int(entries.size()));
        QVERIFY(!table->findItems(QStringLiteral("Connect"), Qt::MatchExactly).isEmpty());
        QVERIFY(!table->findItems(connect->shortcut().toString(QKeySequence::NativeText), Qt::MatchExactly).isEmpty());
    }

    // A citation without an explanation fails here: the sections come from the core itself, by running its tables
    // and judgements, and from every string literal of its sources (which catches a citation on a path the
    // run below does not reach).
    void everySectionTheCoreCitesIsExplained()
    {
        HelpWindow help;
        QVERIFY(help.guideLoaded());

        QSet<QString> fromRuns;
        // The policy schema's table.
        for (const PolicyField& field : policyFields()) {
            if (field.rfc)
                addCitations(fromRuns, QString::fromUtf8(field.rfc));
        }
        // The decision pipeline and the checks, over requests that pass and fail each stage.
        QList<HttpRequest> requests;
        requests.append(handshakeRequest());
        const auto variant = [&](auto change) {
            HttpRequest r = handshakeRequest();
            change(r);
            requests.append(r);
        };
        variant([](HttpRequest& r) { r.method = "POST"; });
        variant([](HttpRequest& r) { r.version = "HTTP/1.0"; });
        variant([](HttpRequest& r) { r.target = "chat"; });
        variant([](HttpRequest& r) { r.headers.removeAll("Host"); });
        variant([](HttpRequest& r) { r.headers.append("Host", "other"); });
        variant([](HttpRequest& r) { r.headers.append("Sec-WebSocket-Key", "AQIDBAUGBwgJCgsMDQ4PEA=="); });
        variant([](HttpRequest& r) { r.headers.set("Sec-WebSocket-Key", "short"); });
        variant([](HttpRequest& r) { r.headers.set("Sec-WebSocket-Version", "8"); });
        variant([](HttpRequest& r) { r.headers.append("Origin", "https://evil.example"); });
        variant([](HttpRequest& r) { r.headers.append("Sec-WebSocket-Protocol", "json, json"); });
        variant([](HttpRequest& r) { r.headers.append("Sec-WebSocket-Protocol", "a b"); });
        variant([](HttpRequest& r) { r.headers.append("Sec-WebSocket-Protocol", "chat"); });
        variant([](HttpRequest& r) { r.headers.append("Sec-WebSocket-Extensions", "x-foo, permessage-deflate"); });
        variant([](HttpRequest& r) {
            r.headers.append("Sec-WebSocket-Extensions",
                "permessage-deflate; server_max_window_bits=16, permessage-deflate, permessage-deflate");
        });
        variant([](HttpRequest& r) { r.headers.append("Sec-WebSocket-Extensions", ";;"); });
        variant([](HttpRequest& r) { r.target = "/?token=wrong"; });
        QList<ServerPolicy> policies(1);
        ServerPolicy strict;
        strict.protocols = { "json" };
        strict.noProtocolMatch = NoProtocolMatch::Reject;
        strict.allowedOrigins = { "http://127.0.0.1" };
        strict.token = "s3cr3t";
        strict.deflate.clientMaxWindowBits = 10;
        policies.append(strict);
        strict.originFailure = FailureMode::Close;
        strict.authFailure = FailureMode::Close;
        strict.deflate.enabled = false;
        policies.append(strict);
        for (const ServerPolicy& policy : policies) {
            for (const HttpRequest& request : requests) {
                const Decision decision = decide(request, policy);
                for (const DecisionStep& step : decision.trace) {
                    addCitations(fromRuns, step.rfc);
                    if (step.rfc.isEmpty())
                        addCitations(fromRuns, step.text);
                }
                for (const Finding& f : decision.findings)
                    addCitations(fromRuns, f.rfc);
                // The client's view of the server's answer, and of a few answers the server would never give.
                QList<HttpResponse> responses { decision.response };
                HttpResponse broken = decision.response;
                broken.headers.append("Sec-WebSocket-Accept", "x");
                broken.headers.append("Sec-WebSocket-Protocol", "");
                broken.headers.append("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits=9");
                broken.headers.append("Sec-WebSocket-Extensions", "x-other");
                responses.append(broken);
                for (const HttpResponse& response : responses) {
                    for (const Finding& f : checkResponse(request, response))
                        addCitations(fromRuns, f.rfc);
                }
            }
        }
        QVERIFY(!rejectUnparsableTrace().isEmpty());
        for (const DecisionStep& step : rejectUnparsableTrace())
            addCitations(fromRuns, step.rfc);
        // The frame rules, over every opcode and flag combination for both senders.
        for (Role sender : { Role::Client, Role::Server }) {
            for (int opcode = 0; opcode < 16; ++opcode) {
                for (int flags = 0; flags < 32; ++flags) {
                    FrameHeader header;
                    header.opcode = quint8(opcode);
                    header.fin = flags & 1;
                    header.rsv1 = flags & 2;
                    header.rsv2 = flags & 4;
                    header.masked = flags & 8;
                    header.payloadLength = (flags & 16) ? 126 : 5;
                    header.lengthEncoding = (flags & 16) ? LengthEncoding::Extended64 : LengthEncoding::Short7;
                    for (bool deflate : { false, true }) {
                        const auto violation = frameHeaderViolation(header, { sender, deflate, 100 });
                        if (violation)
                            addCitations(fromRuns, violation->rfc);
                    }
                }
            }
        }
        // Close payloads.
        for (const QByteArray& payload :
            { QByteArray("\x03"), makeClosePayload(1005), makeClosePayload(1000, "\xff") }) {
            const ClosePayload close = parseClosePayload(payload);
            if (close.violation)
                addCitations(fromRuns, close.violation->rfc);
        }
        // permessage-deflate offers the server accepts, declines or passes over.
        DeflateServerConfig config;
        config.clientMaxWindowBits = 10;
        const ExtensionList offers
            = parseExtensions(QByteArrayView("x-foo, permessage-deflate; client_max_window_bits=12, "
                                             "permessage-deflate; bogus, permessage-deflate"));
        for (const DeflateServerConfig& c : { config, DeflateServerConfig {}, DeflateServerConfig { false } }) {
            for (const DeflateOfferOutcome& outcome : acceptDeflate(offers.extensions, c).outcomes)
                addCitations(fromRuns, outcome.rfc);
        }
        QVERIFY2(fromRuns.size() >= 20, "the core's tables and judgements were not reached");

        // Every citation in the core's sources, as the user reads them in sentences and RFC columns.
        QSet<QString> fromSources;
        const QDir core(test::sourceDir() + QStringLiteral("/app/core"));
        const QStringList files = core.entryList({ QStringLiteral("*.cpp"), QStringLiteral("*.h") }, QDir::Files);
        QVERIFY2(!files.isEmpty(), qPrintable(core.path()));
        for (const QString& name : files) {
            QFile file(core.filePath(name));
            QVERIFY(file.open(QIODevice::ReadOnly));
            for (const QString& literal : stringLiterals(QString::fromUtf8(file.readAll())))
                addCitations(fromSources, literal);
        }
        // The source scan sees at least what the core produced when run.
        for (const QString& anchor : std::as_const(fromRuns))
            QVERIFY2(fromSources.contains(anchor), qPrintable(anchor));

        QStringList missing;
        for (const QString& anchor : fromSources + fromRuns) {
            if (!help.hasAnchor(anchor))
                missing.append(anchor);
        }
        missing.sort();
        QVERIFY2(missing.isEmpty(),
            qPrintable(QStringLiteral("cited but not explained in resources/guide/guide.html: ")
                + missing.join(QStringLiteral(", "))));
    }

    // By hand: WSI_SCREENSHOT_DIR=/tmp ctest -R ui/helpwindow saves the help window at two sizes.
    void screenshots()
    {
        const QString dir = qEnvironmentVariable("WSI_SCREENSHOT_DIR");
        if (dir.isEmpty())
            QSKIP("set WSI_SCREENSHOT_DIR to save screenshots of the help window");
        for (const QSize size : { QSize(1000, 650), QSize(1920, 1080) }) {
            HelpWindow help;
            help.resize(size);
            help.show();
            QVERIFY(QTest::qWaitForWindowExposed(&help));
            help.openCitation(QStringLiteral("RFC 7692 §7.1.2.2"));
            help.searchField()->setText(QStringLiteral("window"));
            QCoreApplication::processEvents();
            const QString path = QStringLiteral("%1/help-%2x%3.png").arg(dir).arg(size.width()).arg(size.height());
            QVERIFY(help.grab().save(path));
        }
        HelpWindow start;
        start.resize(1000, 650);
        start.show();
        QVERIFY(QTest::qWaitForWindowExposed(&start));
        QVERIFY(start.grab().save(dir + QStringLiteral("/help-start.png")));
        MainWindow window(nullptr);
        showShortcuts(&window);
        auto* dialog = window.findChild<QDialog*>(QStringLiteral("shortcutsDialog"));
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        QVERIFY(dialog->grab().save(dir + QStringLiteral("/shortcuts.png")));
    }

private:
    static QList<DecisionStep> rejectUnparsableTrace()
    {
        ParseError error;
        error.message = QStringLiteral("bare LF");
        return rejectUnparsable(error).trace;
    }
};

QTEST_MAIN(TestHelpWindow)
#include "tst_helpwindow.moc"
