#include "ui/widgets/decisiontraceview.h"

#include "ui/help/citationlinks.h"
#include "ui/widgets/palette.h"

#include <QBrush>
#include <QColor>
#include <QPalette>

namespace wsi
{

DecisionTraceView::DecisionTraceView(QWidget* parent)
    : QListWidget(parent)
{
    // Steps are sentences: wrap them to the dock's width rather than scrolling sideways.
    setWordWrap(true);
    setResizeMode(QListView::Adjust);
    setUniformItemSizes(false);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setTextElideMode(Qt::ElideNone);
    setSpacing(1);
    linkCitationsToGuide(this, CitationRole);
}

QString DecisionTraceView::marker(DecisionStep::Outcome outcome)
{
    switch (outcome) {
    case DecisionStep::Outcome::Accepted:
        return QStringLiteral("✓");
    case DecisionStep::Outcome::Rejected:
        return QStringLiteral("✗");
    case DecisionStep::Outcome::Warning:
        return QStringLiteral("⚠");
    case DecisionStep::Outcome::Info:
        break;
    }
    return QStringLiteral("•");
}

QString DecisionTraceView::stepLine(const DecisionStep& step)
{
    QString line = marker(step.outcome) + QLatin1Char(' ') + step.text;
    // Steps often cite their section inline already; say it once.
    if (!step.rfc.isEmpty() && !step.text.contains(step.rfc))
        line += QStringLiteral(" (") + step.rfc + QLatin1Char(')');
    return line;
}

void DecisionTraceView::setTrace(const QList<DecisionStep>& steps)
{
    clear();
    for (const DecisionStep& step : steps) {
        auto* item = new QListWidgetItem(stepLine(step), this);
        // Some steps (the permessage-deflate verdicts) cite their section inside the sentence only.
        const QString citation = step.rfc.isEmpty() ? step.text : step.rfc;
        QString tip = step.rfc.isEmpty() ? step.text : step.text + QStringLiteral("\n") + step.rfc;
        const QString hint = explainHint(citation, tr("Double-click"));
        if (!hint.isEmpty())
            tip += QStringLiteral("\n\n") + hint;
        item->setToolTip(tip);
        item->setData(OutcomeRole, int(step.outcome));
        item->setData(CitationRole, citation);
        if (step.outcome == DecisionStep::Outcome::Rejected)
            item->setForeground(QBrush(palette::error));
        else if (step.outcome == DecisionStep::Outcome::Accepted)
            item->setForeground(QBrush(palette::ok));
        else if (step.outcome == DecisionStep::Outcome::Warning)
            item->setForeground(QBrush(palette::warning));
    }
    if (steps.isEmpty())
        setPlaceholder(tr("The server recorded no decision for this connection."));
}

void DecisionTraceView::appendNotes(const QList<NoteRecord>& notes)
{
    for (const NoteRecord& note : notes) {
        auto* item = new QListWidgetItem(QStringLiteral("⚠ ") + note.text, this);
        item->setToolTip(note.text);
        item->setData(CitationRole, note.text);
        item->setForeground(QBrush(note.level == NoteRecord::Level::Error ? palette::error : palette::warning));
    }
}

void DecisionTraceView::setPlaceholder(const QString& text)
{
    clear();
    auto* item = new QListWidgetItem(text, this);
    item->setFlags(Qt::NoItemFlags);
    item->setForeground(palette().brush(QPalette::Disabled, QPalette::Text));
}

} // namespace wsi
