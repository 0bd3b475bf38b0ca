#include "ui/server/policyform.h"

#include "ui/widgets/formrows.h"
#include "ui/widgets/listeditor.h"
#include "ui/widgets/palette.h"
#include "ui/widgets/wheelguard.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace wsi
{

namespace
{
QString toolTipOf(const PolicyField& field)
{
    QString tip = QString::fromUtf8(field.help);
    if (field.flag)
        tip += QStringLiteral("\n--%1").arg(QLatin1String(field.flag));
    if (field.rfc && *field.rfc)
        tip += QStringLiteral("  ·  ") + QString::fromUtf8(field.rfc);
    return tip;
}

QString unitSuffix(PolicyUnit unit)
{
    switch (unit) {
    case PolicyUnit::Milliseconds:
        return QStringLiteral(" ms");
    case PolicyUnit::Bits:
        return QStringLiteral(" bits");
    case PolicyUnit::Bytes:
    case PolicyUnit::None:
        break;
    }
    return {};
}

QStringList strings(const QJsonArray& array)
{
    QStringList out;
    for (const QJsonValue& v : array)
        out.append(v.toString());
    return out;
}

// Integers that fit a spin box get one; byte sizes and the rest are typed ("64 MiB").
bool spinnable(const PolicyField& field)
{
    return field.type == PolicyType::Integer && field.unit != PolicyUnit::Bytes && field.max <= 1'000'000'000;
}
} // namespace

PolicyForm::PolicyForm(QWidget* parent)
    : QWidget(parent)
{
    WheelGuard::install();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    QHash<QString, QFormLayout*> groups;
    for (const PolicyField& field : policyFields()) {
        const QString group = QString::fromUtf8(field.group);
        QFormLayout* form = groups.value(group);
        if (!form) {
            auto* box = new QGroupBox(group, this);
            box->setObjectName(QStringLiteral("group:") + group);
            form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            form->setRowWrapPolicy(QFormLayout::WrapLongRows);
            auto* problem = new QLabel(box);
            problem->setWordWrap(true);
            problem->setStyleSheet(QStringLiteral("color: %1;").arg(palette::css(palette::error)));
            problem->hide();
            m_problems.insert(group, problem);
            layout->addWidget(box);
            groups.insert(group, form);
        }
        QWidget* editor = makeEditor(field);
        editor->setObjectName(QLatin1String(field.key));
        editor->setToolTip(toolTipOf(field));
        m_editors.insert(QLatin1String(field.key), editor);
        const bool fullRow = field.type == PolicyType::Bool && field.choices.isEmpty();
        const bool listRow = field.type == PolicyType::TextList || field.type == PolicyType::HeaderList;
        if (fullRow) {
            form->addRow(editor);
        } else if (listRow) {
            auto* label = new QLabel(QString::fromUtf8(field.label), this);
            label->setToolTip(toolTipOf(field));
            form->addRow(label);
            form->addRow(editor);
            m_labels.insert(QLatin1String(field.key), label);
        } else {
            auto* label = new QLabel(QString::fromUtf8(field.label), this);
            label->setToolTip(toolTipOf(field));
            label->setBuddy(editor);
            form->addRow(label, editor);
            m_labels.insert(QLatin1String(field.key), label);
        }
    }
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        QFormLayout* form = it.value();
        form->addRow(m_problems.value(it.key()));
        wrapLongRowsExactly(form);
    }
    setPolicy(ServerPolicy {});
}

QWidget* PolicyForm::makeEditor(const PolicyField& field)
{
    switch (field.type) {
    case PolicyType::Bool:
        if (field.choices.isEmpty()) {
            auto* check = new QCheckBox(QString::fromUtf8(field.label), this);
            connect(check, &QCheckBox::toggled, this, [this, &field](bool on) { commit(field, on); });
            return check;
        }
        [[fallthrough]];
    case PolicyType::Choice: {
        auto* combo = new QComboBox(this);
        for (const PolicyChoice& c : field.choices)
            combo->addItem(QString::fromUtf8(c.label), QLatin1String(c.word));
        connect(combo, &QComboBox::currentIndexChanged, this,
            [this, &field, combo](int index) { commitText(field, combo->itemData(index).toString()); });
        return combo;
    }
    case PolicyType::Integer:
        if (spinnable(field)) {
            auto* spin = new QSpinBox(this);
            spin->setRange(int(field.min), int(field.max));
            spin->setSuffix(unitSuffix(field.unit));
            connect(spin, &QSpinBox::valueChanged, this, [this, &field](int v) { commit(field, double(v)); });
            return spin;
        }
        [[fallthrough]];
    case PolicyType::Text:
    case PolicyType::IntegerList: {
        auto* edit = new QLineEdit(this);
        if (field.type == PolicyType::Text) {
            edit->setPlaceholderText(tr("none"));
            connect(
                edit, &QLineEdit::textEdited, this, [this, &field](const QString& text) { commitText(field, text); });
        } else {
            connect(edit, &QLineEdit::editingFinished, this, [this, &field, edit] {
                if (edit->isModified())
                    commitText(field, edit->text());
                edit->setModified(false);
            });
        }
        return edit;
    }
    case PolicyType::TextList:
    case PolicyType::HeaderList: {
        auto* list = new ListEditor(this);
        list->setOrdered(field.ordered);
        list->setSplitAtCommas(field.type != PolicyType::HeaderList); // a header's value may hold commas
        list->setPlaceholderText(field.type == PolicyType::HeaderList ? tr("Name: value")
                : field.itemRule == ItemRule::Token                   ? tr("subprotocol, e.g. json")
                                                                      : tr("origin, e.g. https://app.example"));
        connect(list, &ListEditor::itemsChanged, this, [this, &field](const QStringList& items) {
            QJsonArray array;
            for (const QString& item : items) {
                if (field.type != PolicyType::HeaderList) {
                    array.append(item.trimmed());
                    continue;
                }
                QString problem;
                const std::optional<QJsonValue> header = policyValueFromText(field, item, &problem);
                if (!header)
                    return refuse(field, problem);
                array.append(header->toArray().first());
            }
            commit(field, array);
        });
        return list;
    }
    }
    return new QWidget(this);
}

void PolicyForm::setPolicy(const ServerPolicy& policy)
{
    m_policy = policy;
    m_showing = true;
    for (const PolicyField& field : policyFields())
        showField(field);
    m_showing = false;
    for (QLabel* label : std::as_const(m_problems))
        label->hide();
    m_problemKey.clear();
    updateEnabled();
}

void PolicyForm::showField(const PolicyField& field)
{
    QWidget* editor = m_editors.value(QLatin1String(field.key));
    const QJsonValue value = policyValue(m_policy, field);
    const QSignalBlocker block(editor);
    if (auto* check = qobject_cast<QCheckBox*>(editor)) {
        check->setChecked(value.toBool());
    } else if (auto* combo = qobject_cast<QComboBox*>(editor)) {
        combo->setCurrentIndex(combo->findData(policyValueText(field, value)));
    } else if (auto* spin = qobject_cast<QSpinBox*>(editor)) {
        spin->setValue(value.toInt());
    } else if (auto* edit = qobject_cast<QLineEdit*>(editor)) {
        if (edit->text() != policyValueText(field, value))
            edit->setText(policyValueText(field, value));
    } else if (auto* list = qobject_cast<ListEditor*>(editor)) {
        list->setItems(field.type == PolicyType::HeaderList
                ? policyValueText(field, value).split(QLatin1Char('\n'), Qt::SkipEmptyParts)
                : strings(value.toArray()));
    }
}

void PolicyForm::commitText(const PolicyField& field, const QString& text)
{
    QString problem;
    const std::optional<QJsonValue> value = policyValueFromText(field, text, &problem);
    if (!value)
        return refuse(field, problem);
    commit(field, *value);
}

void PolicyForm::commit(const PolicyField& field, const QJsonValue& value)
{
    if (m_showing)
        return;
    if (const QString problem = policyValueProblem(field, value); !problem.isEmpty())
        return refuse(field, problem);
    if (m_problemKey == QLatin1String(field.key)) {
        m_problems.value(QString::fromUtf8(field.group))->hide();
        m_problemKey.clear();
    }
    const bool changed = policyValue(m_policy, field) != value;
    setPolicyValue(m_policy, field, value);
    if (field.type == PolicyType::Integer && !spinnable(field)) {
        // Shown as the form writes it ("65536" becomes "64 KiB").
        m_showing = true;
        showField(field);
        m_showing = false;
    }
    updateEnabled();
    if (changed)
        Q_EMIT policyEdited();
}

void PolicyForm::refuse(const PolicyField& field, const QString& problem)
{
    QLabel* label = m_problems.value(QString::fromUtf8(field.group));
    label->setText(QStringLiteral("%1: %2").arg(QString::fromUtf8(field.label), problem));
    label->show();
    m_problemKey = QLatin1String(field.key);
    // A list shows what the policy holds; the refused entry is named in the message instead.
    if (qobject_cast<ListEditor*>(m_editors.value(QLatin1String(field.key)))) {
        m_showing = true;
        showField(field);
        m_showing = false;
    }
}

QString PolicyForm::enterText(const QString& key, const QString& text)
{
    const PolicyField* field = findPolicyField(key);
    if (!field)
        return tr("no policy field %1").arg(key);
    QWidget* editor = m_editors.value(key);
    if (auto* edit = qobject_cast<QLineEdit*>(editor))
        edit->setText(text);
    commitText(*field, text);
    return m_problemKey == key ? problem() : QString();
}

QString PolicyForm::problem() const
{
    if (m_problemKey.isEmpty())
        return {};
    return m_problems.value(QString::fromUtf8(findPolicyField(m_problemKey)->group))->text();
}

void PolicyForm::updateEnabled()
{
    for (const PolicyField& field : policyFields()) {
        if (!field.enabledBy)
            continue;
        const PolicyField* by = findPolicyField(QString::fromLatin1(field.enabledBy));
        const bool on = by && policyValue(m_policy, *by).toBool();
        m_editors.value(QLatin1String(field.key))->setEnabled(on);
        if (QWidget* label = m_labels.value(QLatin1String(field.key)))
            label->setEnabled(on);
    }
}

} // namespace wsi
