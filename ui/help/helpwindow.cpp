#include "ui/help/helpwindow.h"

#include "ui/help/guidelinks.h"
#include "ui/widgets/palette.h"

#include <QAction>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPalette>
#include <QPointer>
#include <QRegularExpression>
#include <QScreen>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextDocument>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace wsi
{

namespace
{
// Lines much longer than this many characters are hard to read; on a wide window the text keeps this width, centred.
constexpr int kMaxLineCharacters = 110;
// Beyond this many occurrences the highlighting only slows the view down; stepping still finds them all.
constexpr int kMaxHighlights = 2000;

class GuideBrowser : public QTextBrowser
{
public:
    using QTextBrowser::QTextBrowser;

protected:
    void resizeEvent(QResizeEvent* event) override
    {
        const int maxWidth = fontMetrics().averageCharWidth() * kMaxLineCharacters;
        const int spare = qMax(0, width() - verticalScrollBar()->sizeHint().width() - maxWidth);
        setViewportMargins(spare / 2, 0, spare - spare / 2, 0);
        QTextBrowser::resizeEvent(event);
    }
};

// Enter in the search field finds the next occurrence, Shift+Enter the previous one.
class SearchField : public QLineEdit
{
public:
    SearchField(HelpWindow* window)
        : m_window(window)
    {
    }

protected:
    void keyPressEvent(QKeyEvent* event) override
    {
        if (event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter) {
            if (event->modifiers() & Qt::ShiftModifier)
                m_window->findPrevious();
            else
                m_window->findNext();
            return;
        }
        if (event->key() == Qt::Key_Escape && !text().isEmpty()) {
            clear();
            return;
        }
        QLineEdit::keyPressEvent(event);
    }

private:
    HelpWindow* m_window;
};

constexpr int kAnchorRole = Qt::UserRole;
constexpr int kPositionRole = Qt::UserRole + 1;

const char* const kHelpWindowName = "helpWindow";
} // namespace

HelpWindow::HelpWindow(QWidget* parent)
    : QWidget(parent, Qt::Window)
    , m_browser(new GuideBrowser)
    , m_contents(new QTreeWidget)
    , m_search(new SearchField(this))
    , m_matchLabel(new QLabel)
    , m_back(new QAction(tr("Back"), this))
    , m_forward(new QAction(tr("Forward"), this))
    , m_splitter(new QSplitter(Qt::Horizontal))
{
    setObjectName(QLatin1String(kHelpWindowName));
    setWindowTitle(tr("WebSocket Inspector — User guide"));

    m_back->setObjectName(QStringLiteral("helpBack"));
    m_back->setIcon(style()->standardIcon(QStyle::SP_ArrowBack));
    m_back->setShortcut(QKeySequence::Back);
    m_back->setToolTip(
        tr("Back to the previous place (%1)").arg(m_back->shortcut().toString(QKeySequence::NativeText)));
    m_back->setEnabled(false);
    m_forward->setObjectName(QStringLiteral("helpForward"));
    m_forward->setIcon(style()->standardIcon(QStyle::SP_ArrowForward));
    m_forward->setShortcut(QKeySequence::Forward);
    m_forward->setToolTip(tr("Forward again (%1)").arg(m_forward->shortcut().toString(QKeySequence::NativeText)));
    m_forward->setEnabled(false);

    auto* findAction = new QAction(tr("Find in the guide"), this);
    findAction->setShortcut(QKeySequence::Find);
    connect(findAction, &QAction::triggered, this, [this] {
        m_search->setFocus(Qt::ShortcutFocusReason);
        m_search->selectAll();
    });
    auto* nextAction = new QAction(tr("Next"), this);
    nextAction->setObjectName(QStringLiteral("helpFindNext"));
    nextAction->setShortcut(QKeySequence::FindNext);
    nextAction->setToolTip(
        tr("Next occurrence (Enter, %1)").arg(nextAction->shortcut().toString(QKeySequence::NativeText)));
    connect(nextAction, &QAction::triggered, this, &HelpWindow::findNext);
    auto* previousAction = new QAction(tr("Previous"), this);
    previousAction->setObjectName(QStringLiteral("helpFindPrevious"));
    previousAction->setShortcut(QKeySequence::FindPrevious);
    previousAction->setToolTip(
        tr("Previous occurrence (Shift+Enter, %1)").arg(previousAction->shortcut().toString(QKeySequence::NativeText)));
    connect(previousAction, &QAction::triggered, this, &HelpWindow::findPrevious);
    addAction(findAction);

    auto* bar = new QToolBar;
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addAction(m_back);
    bar->addAction(m_forward);
    auto* spacer = new QWidget;
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    bar->addWidget(spacer);
    m_search->setObjectName(QStringLiteral("helpSearch"));
    m_search->setPlaceholderText(
        tr("Find in the guide (%1)").arg(findAction->shortcut().toString(QKeySequence::NativeText)));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(m_search->fontMetrics().averageCharWidth() * 28);
    m_search->setMaximumWidth(m_search->fontMetrics().averageCharWidth() * 48);
    bar->addWidget(m_search);
    m_matchLabel->setObjectName(QStringLiteral("helpMatches"));
    m_matchLabel->setMinimumWidth(m_matchLabel->fontMetrics().horizontalAdvance(QStringLiteral("999 of 999")) + 12);
    m_matchLabel->setAlignment(Qt::AlignCenter);
    bar->addWidget(m_matchLabel);
    bar->addAction(previousAction);
    bar->addAction(nextAction);

    m_contents->setObjectName(QStringLiteral("helpContents"));
    m_contents->setHeaderHidden(true);
    m_contents->setColumnCount(1);
    m_contents->setUniformRowHeights(true);
    m_contents->header()->setStretchLastSection(true);
    m_contents->setTextElideMode(Qt::ElideRight);
    m_browser->setObjectName(QStringLiteral("helpBrowser"));
    m_browser->setOpenExternalLinks(true);
    m_browser->setFrameShape(QFrame::NoFrame);
    // The margins that centre the text on a wide window look like the page, not like a frame around it.
    QPalette page = m_browser->palette();
    page.setColor(QPalette::Window, page.color(QPalette::Base));
    m_browser->setPalette(page);
    m_browser->setAutoFillBackground(true);

    m_splitter->addWidget(m_contents);
    m_splitter->addWidget(m_browser);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setChildrenCollapsible(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(bar);
    layout->addWidget(m_splitter, 1);

    connect(m_back, &QAction::triggered, m_browser, &QTextBrowser::backward);
    connect(m_forward, &QAction::triggered, m_browser, &QTextBrowser::forward);
    connect(m_browser, &QTextBrowser::backwardAvailable, m_back, &QAction::setEnabled);
    connect(m_browser, &QTextBrowser::forwardAvailable, m_forward, &QAction::setEnabled);
    // Queued: the browser scrolls to the anchor after announcing the new source, and the section opened is the
    // one to mark even when it sits too near the end to scroll to the top.
    connect(m_browser, &QTextBrowser::sourceChanged, this, &HelpWindow::markOpenedSection, Qt::QueuedConnection);
    connect(m_browser->verticalScrollBar(), &QScrollBar::valueChanged, this, &HelpWindow::syncContents);
    connect(m_contents, &QTreeWidget::itemClicked, this, &HelpWindow::contentsClicked);
    connect(m_contents, &QTreeWidget::itemActivated, this, &HelpWindow::contentsClicked);
    connect(m_search, &QLineEdit::textChanged, this, &HelpWindow::searchChanged);

    // A comfortable reading size that still fits a small screen.
    QSize size(1000, 720);
    if (const QScreen* screen = QGuiApplication::primaryScreen())
        size = size.boundedTo(screen->availableSize() * 0.9);
    resize(size);

    loadGuide();
}

void HelpWindow::showEvent(QShowEvent* event)
{
    // The contents get about a quarter of the width the window first opens with, and room for their titles.
    if (!m_contentsSized) {
        m_contentsSized = true;
        const int wanted = qMax(fontMetrics().averageCharWidth() * 40, width() / 4);
        m_splitter->setSizes({ wanted, qMax(1, width() - wanted) });
    }
    QWidget::showEvent(event);
}

HelpWindow* HelpWindow::forWindow(QWidget* from)
{
    QWidget* top = from ? from->window() : nullptr;
    if (auto* self = qobject_cast<HelpWindow*>(top))
        return self;
    if (top) {
        if (auto* existing = top->findChild<HelpWindow*>(QLatin1String(kHelpWindowName), Qt::FindDirectChildrenOnly))
            return existing;
        return new HelpWindow(top);
    }
    // Without a window to belong to, one guide serves the whole program.
    static QPointer<HelpWindow> orphan;
    if (!orphan)
        orphan = new HelpWindow;
    return orphan;
}

void HelpWindow::loadGuide()
{
    m_browser->setSource(guideUrl());
    m_anchors.clear();
    const QTextDocument* doc = m_browser->document();
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        for (auto it = block.begin(); !it.atEnd(); ++it) {
            for (const QString& name : it.fragment().charFormat().anchorNames())
                m_anchors.insert(name);
        }
    }
    if (m_anchors.isEmpty()) {
        m_browser->setHtml(
            tr("<h2>The user guide is missing</h2><p>This build of WebSocket Inspector was made "
               "without its guide (resources/guide/guide.html). The checks and decision steps still "
               "name the RFC sections they rest on; the RFCs are at "
               "<a href=\"https://www.rfc-editor.org/rfc/rfc6455\">rfc-editor.org/rfc/rfc6455</a> and "
               "<a href=\"https://www.rfc-editor.org/rfc/rfc7692\">rfc-editor.org/rfc/rfc7692</a>.</p>"));
    }
    buildContents();
}

void HelpWindow::buildContents()
{
    m_contents->clear();
    m_headingPositions.clear();
    // h1 is the guide's title; h2 are chapters, h3 their sections, h4 the sections' parts.
    constexpr int kTop = 2;
    constexpr int kDeepest = 4;
    QTreeWidgetItem* parents[kDeepest + 1] = {};
    const QTextDocument* doc = m_browser->document();
    for (QTextBlock block = doc->begin(); block.isValid(); block = block.next()) {
        const int level = block.blockFormat().headingLevel();
        if (level < kTop || level > kDeepest)
            continue;
        QString anchor;
        for (auto it = block.begin(); !it.atEnd() && anchor.isEmpty(); ++it) {
            const QStringList names = it.fragment().charFormat().anchorNames();
            if (!names.isEmpty())
                anchor = names.front();
        }
        QTreeWidgetItem* parent = nullptr;
        for (int up = level - 1; up >= kTop && !parent; --up)
            parent = parents[up];
        auto* item = parent ? new QTreeWidgetItem(parent) : new QTreeWidgetItem(m_contents);
        parents[level] = item;
        for (int deeper = level + 1; deeper <= kDeepest; ++deeper)
            parents[deeper] = nullptr;
        const QString title = block.text().simplified();
        // Under "RFC 6455 — …" its sections read "§4.2.1 — …": the narrow contents keep room for what differs.
        QString shown = title;
        static const QRegularExpression rfcPrefix(QStringLiteral("^RFC \\d+ "));
        const QRegularExpressionMatch prefix = rfcPrefix.match(title);
        if (prefix.hasMatch() && parent && parent->text(0).startsWith(prefix.captured(0)))
            shown = title.mid(prefix.capturedLength());
        item->setText(0, shown);
        item->setToolTip(0, title);
        item->setData(0, kAnchorRole, anchor);
        item->setData(0, kPositionRole, block.position());
        m_headingPositions.append({ block.position(), item });
    }
    // The chapters show their sections from the start; the RFC's sections wait until their RFC is opened.
    m_contents->expandToDepth(0);
}

QStringList HelpWindow::contentsTitles() const
{
    QStringList titles;
    for (const auto& [position, item] : m_headingPositions)
        titles.append(item->text(0));
    return titles;
}

void HelpWindow::contentsClicked(QTreeWidgetItem* item)
{
    if (!item)
        return;
    const QString anchor = item->data(0, kAnchorRole).toString();
    if (!anchor.isEmpty()) {
        openAnchor(anchor);
        return;
    }
    // A heading without an anchor can still be shown, though not returned to with Back.
    QTextCursor cursor(m_browser->document());
    cursor.setPosition(item->data(0, kPositionRole).toInt());
    m_browser->setTextCursor(cursor);
    m_browser->verticalScrollBar()->setValue(
        int(m_browser->cursorRect().top()) + m_browser->verticalScrollBar()->value());
}

bool HelpWindow::openAnchor(const QString& anchor)
{
    QString target = anchor;
    while (!target.isEmpty() && !m_anchors.contains(target))
        target = parentGuideAnchor(target);
    if (target.isEmpty())
        return false;
    const QUrl url = guideUrl(target);
    if (m_browser->source() == url)
        m_browser->scrollToAnchor(target);
    else
        m_browser->setSource(url);
    return true;
}

bool HelpWindow::openCitation(const QString& citation)
{
    const QString anchor = guideAnchorForCitation(citation);
    return !anchor.isEmpty() && openAnchor(anchor);
}

QString HelpWindow::currentAnchor() const
{
    return m_browser->source().fragment();
}

// Marks the heading of the section in view (or last opened) in the contents, without navigating.
void HelpWindow::syncContents()
{
    if (m_headingPositions.isEmpty())
        return;
    const int top = m_browser->cursorForPosition(QPoint(0, 0)).position();
    QTreeWidgetItem* current = m_headingPositions.front().second;
    for (const auto& [position, item] : m_headingPositions) {
        if (position > top)
            break;
        current = item;
    }
    const QSignalBlocker blocker(m_contents);
    m_contents->setCurrentItem(current);
    m_contents->scrollToItem(current);
}

void HelpWindow::markOpenedSection()
{
    const QString anchor = currentAnchor();
    for (const auto& [position, item] : m_headingPositions) {
        if (!anchor.isEmpty() && item->data(0, kAnchorRole).toString() == anchor) {
            const QSignalBlocker blocker(m_contents);
            m_contents->setCurrentItem(item);
            m_contents->scrollToItem(item);
            return;
        }
    }
    syncContents();
}

void HelpWindow::searchChanged()
{
    m_matches.clear();
    m_currentMatch = -1;
    const QString text = m_search->text();
    if (!text.isEmpty()) {
        const QTextDocument* doc = m_browser->document();
        for (QTextCursor found = doc->find(text); !found.isNull(); found = doc->find(text, found))
            m_matches.append(found);
    }
    QList<QTextEdit::ExtraSelection> highlights;
    QTextCharFormat format;
    format.setBackground(QColor(0xff, 0xe5, 0x7f));
    format.setForeground(Qt::black);
    for (const QTextCursor& match : m_matches) {
        if (highlights.size() >= kMaxHighlights)
            break;
        highlights.append({ match, format });
    }
    m_browser->setExtraSelections(highlights);
    if (!m_matches.isEmpty()) {
        // Start with the first occurrence from the place being read, not from the top of the guide.
        const int top = m_browser->cursorForPosition(QPoint(0, 0)).position();
        m_currentMatch = 0;
        for (int i = 0; i < m_matches.size(); ++i) {
            if (m_matches[i].selectionStart() >= top) {
                m_currentMatch = i;
                break;
            }
        }
        showMatch();
    }
    updateMatchLabel();
}

bool HelpWindow::findNext()
{
    return step(+1);
}

bool HelpWindow::findPrevious()
{
    return step(-1);
}

bool HelpWindow::step(int direction)
{
    if (m_matches.isEmpty()) {
        updateMatchLabel();
        return false;
    }
    const int n = int(m_matches.size());
    m_currentMatch = m_currentMatch < 0 ? 0 : (m_currentMatch + direction + n) % n;
    showMatch();
    updateMatchLabel();
    return true;
}

void HelpWindow::showMatch()
{
    m_browser->setTextCursor(m_matches.at(m_currentMatch));
    m_browser->ensureCursorVisible();
}

void HelpWindow::updateMatchLabel()
{
    if (m_search->text().isEmpty()) {
        m_matchLabel->clear();
        return;
    }
    if (m_matches.isEmpty()) {
        m_matchLabel->setText(
            QStringLiteral("<span style=\"color:%1\">%2</span>").arg(palette::css(palette::error), tr("not found")));
        return;
    }
    m_matchLabel->setText(tr("%1 of %2").arg(m_currentMatch + 1).arg(m_matches.size()));
}

HelpWindow* showGuide(QWidget* from, const QString& citation)
{
    HelpWindow* help = HelpWindow::forWindow(from);
    if (!citation.isEmpty())
        help->openCitation(citation);
    help->show();
    help->raise();
    help->activateWindow();
    return help;
}

} // namespace wsi
