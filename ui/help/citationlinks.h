#pragma once
// Lets every RFC section a list shows lead to its explanation in the user guide, the same way in every list.

#include <QList>
#include <QString>

class QAbstractItemView;
class QAction;
class QObject;
class QWidget;

namespace wsi
{

// For a view whose rows carry a citation ("RFC 6455 §4.2.2, §4.4", or a sentence that cites sections) in
// `citationRole`: a click on `linkColumn` (-1: none) or a double-click anywhere on the row opens the help window
// at the first section's explanation, and the context menu offers "Explain (RFC 6455 §4.2.2)" for each section.
// Over the link column the pointer becomes a hand, as over any link.
void linkCitationsToGuide(QAbstractItemView* view, int citationRole, int linkColumn = -1);

// One "Explain (RFC 6455 §4.2.2)" action per section `citation` names, each opening the guide for `from`'s window.
QList<QAction*> explainActions(const QString& citation, QWidget* from, QObject* parent);

// "Double-click to read RFC 6455 §4.2.2 explained in the user guide", for tooltips; empty when nothing is cited.
QString explainHint(const QString& citation, const QString& gesture);

} // namespace wsi
