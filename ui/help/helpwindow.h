#pragma once
// The user guide in a window of its own: the contents (the guide's headings) on the left, the text on the right,
// back and forward through the places visited, and a search that highlights every occurrence and steps through
// them. Checks and decision steps open it at the explanation of the RFC section they cite (ui/help/guidelinks.h).

#include <QList>
#include <QSet>
#include <QStringList>
#include <QTextCursor>
#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QSplitter;
class QTextBrowser;
class QTreeWidget;
class QTreeWidgetItem;

namespace wsi
{

class HelpWindow : public QWidget
{
    Q_OBJECT
public:
    explicit HelpWindow(QWidget* parent = nullptr);

    // The help window that belongs to `from`'s top-level window, created (hidden) the first time it is asked for.
    static HelpWindow* forWindow(QWidget* from);

    // Shows the guide at `anchor`. When the guide has no such anchor it shows the enclosing section instead
    // (rfc7692-7.1.2.2 → rfc7692-7.1.2 → rfc7692-7 → rfc7692); false when none of them exists.
    bool openAnchor(const QString& anchor);
    // Shows the explanation of the first RFC section `citation` names ("RFC 6455 §4.2.2, §4.4" → §4.2.2).
    bool openCitation(const QString& citation);

    bool guideLoaded() const { return !m_anchors.isEmpty(); }
    bool hasAnchor(const QString& anchor) const { return m_anchors.contains(anchor); }
    QSet<QString> anchors() const { return m_anchors; }
    // The anchor the guide was last opened at (by a link, the contents, back or forward); empty at the start.
    QString currentAnchor() const;

    // The contents: one row per heading, in the guide's order, sections under their chapter. Under an RFC's
    // chapter its sections drop the repeated "RFC 6455 " and read "§4.2.1 — …" (the tooltip has the full title).
    QStringList contentsTitles() const;

    QTextBrowser* browser() const { return m_browser; }
    QTreeWidget* contents() const { return m_contents; }
    QLineEdit* searchField() const { return m_search; }

    // Selects the next (previous) occurrence of the search text after (before) the current one, wrapping around.
    // False when the text does not occur.
    bool findNext();
    bool findPrevious();
    int matchCount() const { return int(m_matches.size()); }
    // The selected occurrence, 0-based; -1 when there is none.
    int currentMatch() const { return m_currentMatch; }

protected:
    void showEvent(QShowEvent* event) override;

private:
    void loadGuide();
    void buildContents();
    void syncContents();
    void markOpenedSection();
    void contentsClicked(QTreeWidgetItem* item);
    void searchChanged();
    bool step(int direction);
    void showMatch();
    void updateMatchLabel();

    QTextBrowser* m_browser;
    QTreeWidget* m_contents;
    QLineEdit* m_search;
    QLabel* m_matchLabel;
    QAction* m_back;
    QAction* m_forward;
    QSplitter* m_splitter;
    bool m_contentsSized = false;
    QSet<QString> m_anchors;
    QList<QPair<int, QTreeWidgetItem*>> m_headingPositions; // block position → contents row, in document order
    QList<QTextCursor> m_matches;
    int m_currentMatch = -1;
};

// Opens the help window of `from`'s window, at the explanation of the first section `citation` names when it
// names one, and brings it to the front.
HelpWindow* showGuide(QWidget* from, const QString& citation = {});

} // namespace wsi
