#pragma once
// The server's decision for one connection, step by step: each step marked ✓ (accepted),
// ✗ (rejected) or • (information), with the RFC section it rests on. Double-clicking a step (or its context
// menu's "Explain") opens the user guide at that section.

#include "core/decisionpipeline.h"
#include "core/transcript.h"

#include <QListWidget>

namespace wsi
{

class DecisionTraceView : public QListWidget
{
    Q_OBJECT
public:
    // Item data: Qt::UserRole holds int(DecisionStep::Outcome); CitationRole the RFC citation of the step (its rfc,
    // or its sentence when that names the section itself).
    enum Role { OutcomeRole = Qt::UserRole, CitationRole };

    explicit DecisionTraceView(QWidget* parent = nullptr);

    void setTrace(const QList<DecisionStep>& steps);
    // Warnings and errors recorded after (or instead of) the decision, marked ⚠.
    void appendNotes(const QList<NoteRecord>& notes);
    // Shown greyed out instead of steps (nothing selected, handshake still pending…).
    void setPlaceholder(const QString& text);

    // "✓ text (RFC 6455 §4.2.2)": what a step reads as in the list.
    static QString stepLine(const DecisionStep& step);
    static QString marker(DecisionStep::Outcome outcome);
};

} // namespace wsi
