#pragma once
// The server policy as a form, made from the policy schema (core/policyschema.h): one group box per schema group,
// one row per field, the control chosen by the field's type, the label, tooltip (help + RFC section) and range
// taken from the table. A value typed into the form passes the same check as a JSON profile or a `serve` flag,
// and a refused value shows that check's sentence.

#include "core/policyschema.h"

#include <QHash>
#include <QWidget>

class QLabel;

namespace wsi
{

class PolicyForm : public QWidget
{
    Q_OBJECT
public:
    explicit PolicyForm(QWidget* parent = nullptr);

    // Shows `policy`; emits nothing.
    void setPolicy(const ServerPolicy& policy);
    // The policy the form holds: the last one set, with every accepted edit applied.
    const ServerPolicy& policy() const { return m_policy; }

    // The control of a field (its objectName is the field's key), for tests and accessibility.
    QWidget* editor(const QString& key) const { return m_editors.value(key); }
    // Applies text as a person would type it into the field's control; returns the refusal shown (empty when
    // the value was taken).
    QString enterText(const QString& key, const QString& text);
    // The refusal currently shown, empty when none.
    QString problem() const;

Q_SIGNALS:
    void policyEdited(); // the user changed a value and the form's policy() now holds it

private:
    QWidget* makeEditor(const PolicyField& field);
    void showField(const PolicyField& field); // puts the policy's value into the field's control
    void commit(const PolicyField& field, const QJsonValue& value);
    void commitText(const PolicyField& field, const QString& text);
    void refuse(const PolicyField& field, const QString& problem);
    void updateEnabled();

    ServerPolicy m_policy;
    QHash<QString, QWidget*> m_editors; // key → control
    QHash<QString, QWidget*> m_labels; // key → its label (when the row has one)
    QHash<QString, QLabel*> m_problems; // group → the line that shows a refused value
    QString m_problemKey; // the field whose value was refused
    bool m_showing = false; // setPolicy() is filling the controls
};

} // namespace wsi
