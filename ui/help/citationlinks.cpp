#include "ui/help/citationlinks.h"

#include "ui/help/guidelinks.h"
#include "ui/help/helpwindow.h"

#include <QAbstractItemView>
#include <QAction>
#include <QEvent>
#include <QMenu>
#include <QMouseEvent>

namespace wsi
{

namespace
{
QString citationAt(const QModelIndex& index, int role)
{
    return index.isValid() ? index.data(role).toString() : QString();
}

// Shows the hand pointer over the link column's cells that cite something.
class LinkPointer : public QObject
{
public:
    LinkPointer(QAbstractItemView* view, int role, int column)
        : QObject(view)
        , m_view(view)
        , m_role(role)
        , m_column(column)
    {
        view->viewport()->setMouseTracking(true);
        view->viewport()->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject*, QEvent* event) override
    {
        if (event->type() == QEvent::MouseMove) {
            const QModelIndex index = m_view->indexAt(static_cast<QMouseEvent*>(event)->position().toPoint());
            const bool overLink = index.column() == m_column && !rfcCitations(citationAt(index, m_role)).isEmpty();
            if (overLink)
                m_view->viewport()->setCursor(Qt::PointingHandCursor);
            else
                m_view->viewport()->unsetCursor();
        } else if (event->type() == QEvent::Leave) {
            m_view->viewport()->unsetCursor();
        }
        return false;
    }

private:
    QAbstractItemView* m_view;
    int m_role;
    int m_column;
};
} // namespace

QList<QAction*> explainActions(const QString& citation, QWidget* from, QObject* parent)
{
    QList<QAction*> actions;
    for (const RfcCitation& section : rfcCitations(citation)) {
        auto* action = new QAction(QObject::tr("Explain (%1)").arg(section.label()), parent);
        QObject::connect(
            action, &QAction::triggered, from, [from, label = section.label()] { showGuide(from, label); });
        actions.append(action);
    }
    return actions;
}

QString explainHint(const QString& citation, const QString& gesture)
{
    const QList<RfcCitation> sections = rfcCitations(citation);
    if (sections.isEmpty())
        return {};
    return QObject::tr("%1 to read %2 explained in the user guide.").arg(gesture, sections.front().label());
}

void linkCitationsToGuide(QAbstractItemView* view, int citationRole, int linkColumn)
{
    QObject::connect(
        view, &QAbstractItemView::clicked, view, [view, citationRole, linkColumn](const QModelIndex& index) {
            if (index.column() != linkColumn)
                return;
            const QString citation = citationAt(index, citationRole);
            if (!rfcCitations(citation).isEmpty())
                showGuide(view, citation);
        });
    QObject::connect(view, &QAbstractItemView::doubleClicked, view, [view, citationRole](const QModelIndex& index) {
        const QString citation = citationAt(index, citationRole);
        if (!rfcCitations(citation).isEmpty())
            showGuide(view, citation);
    });
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    QObject::connect(view, &QWidget::customContextMenuRequested, view, [view, citationRole](const QPoint& pos) {
        const QModelIndex index = view->indexAt(pos);
        QMenu menu(view);
        const QList<QAction*> actions = explainActions(citationAt(index, citationRole), view, &menu);
        if (actions.isEmpty())
            return;
        menu.addActions(actions);
        menu.exec(view->viewport()->mapToGlobal(pos));
    });
    if (linkColumn >= 0)
        new LinkPointer(view, citationRole, linkColumn);
}

} // namespace wsi
