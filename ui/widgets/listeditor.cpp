#include "ui/widgets/listeditor.h"

#include <QGridLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QShortcut>
#include <QToolButton>
#include <QVBoxLayout>

namespace wsi
{

ListEditor::ListEditor(QWidget* parent)
    : QWidget(parent)
    , m_entry(new QLineEdit(this))
    , m_list(new QListWidget(this))
    , m_add(new QToolButton(this))
    , m_remove(new QToolButton(this))
    , m_up(new QToolButton(this))
    , m_down(new QToolButton(this))
{
    m_add->setText(tr("Add"));
    m_add->setToolTip(tr("Add the typed text at the end of the list (Enter)"));
    m_remove->setText(tr("Remove"));
    m_remove->setToolTip(tr("Remove the selected entry (Delete)"));
    m_up->setArrowType(Qt::UpArrow);
    m_up->setToolTip(tr("Move the selected entry up (earlier = preferred)"));
    m_down->setArrowType(Qt::DownArrow);
    m_down->setToolTip(tr("Move the selected entry down"));
    m_remove->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_entry->setClearButtonEnabled(true);

    // Four rows are enough to see a typical list and keep a dock compact; it scrolls beyond.
    m_list->setMaximumHeight(m_list->fontMetrics().height() * 4 + 12);
    m_list->setMinimumHeight(m_list->fontMetrics().height() * 2 + 12);
    m_list->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);

    auto* grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(4);
    grid->addWidget(m_entry, 0, 0);
    grid->addWidget(m_add, 0, 1);
    grid->addWidget(m_list, 1, 0, 3, 1);
    auto* buttons = new QVBoxLayout;
    buttons->setSpacing(2);
    buttons->addWidget(m_up);
    buttons->addWidget(m_down);
    buttons->addWidget(m_remove);
    buttons->addStretch();
    grid->addLayout(buttons, 1, 1, 3, 1);
    // Tab in reading order: the entry and its Add button, then the list and the buttons beside it, top to bottom.
    setTabOrder(m_entry, m_add);
    setTabOrder(m_add, m_list);
    setTabOrder(m_list, m_up);
    setTabOrder(m_up, m_down);
    setTabOrder(m_down, m_remove);

    connect(m_add, &QToolButton::clicked, this, &ListEditor::addEntry);
    connect(m_entry, &QLineEdit::returnPressed, this, &ListEditor::addEntry);
    connect(m_remove, &QToolButton::clicked, this, &ListEditor::removeSelected);
    connect(m_up, &QToolButton::clicked, this, [this] { moveSelected(-1); });
    connect(m_down, &QToolButton::clicked, this, [this] { moveSelected(+1); });
    connect(m_list, &QListWidget::currentRowChanged, this, &ListEditor::updateButtons);
    auto* removeKey = new QShortcut(QKeySequence::Delete, m_list, nullptr, nullptr, Qt::WidgetShortcut);
    connect(removeKey, &QShortcut::activated, this, &ListEditor::removeSelected);
    connect(m_entry, &QLineEdit::textChanged, this, &ListEditor::updateButtons);
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (m_updating)
            return;
        // An entry edited to nothing is a removal, not an empty protocol or origin.
        if (item->text().trimmed().isEmpty()) {
            m_updating = true;
            delete m_list->takeItem(m_list->row(item));
            m_updating = false;
        }
        emitChanged();
    });
    updateButtons();
}

QStringList ListEditor::items() const
{
    QStringList out;
    out.reserve(m_list->count());
    for (int i = 0; i < m_list->count(); ++i)
        out.append(m_list->item(i)->text().trimmed());
    return out;
}

void ListEditor::setItems(const QStringList& items)
{
    if (items == this->items())
        return; // keeps the selection when a change comes back round
    m_updating = true;
    m_list->clear();
    for (const QString& text : items) {
        auto* item = new QListWidgetItem(text, m_list);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
    m_updating = false;
    updateButtons();
}

void ListEditor::setPlaceholderText(const QString& text)
{
    m_entry->setPlaceholderText(text);
}

void ListEditor::setOrdered(bool ordered)
{
    m_ordered = ordered;
    m_up->setVisible(ordered);
    m_down->setVisible(ordered);
}

bool ListEditor::addEntry()
{
    const QStringList typed
        = m_splitAtCommas ? m_entry->text().split(QLatin1Char(',')) : QStringList { m_entry->text() };
    QListWidgetItem* last = nullptr;
    bool added = false;
    m_updating = true;
    for (const QString& part : typed) {
        const QString text = part.trimmed();
        if (text.isEmpty())
            continue;
        if (!m_allowDuplicates) {
            if (const QList<QListWidgetItem*> existing = m_list->findItems(text, Qt::MatchExactly);
                !existing.isEmpty()) {
                last = existing.constFirst();
                continue;
            }
        }
        last = new QListWidgetItem(text, m_list);
        last->setFlags(last->flags() | Qt::ItemIsEditable);
        added = true;
    }
    if (last)
        m_list->setCurrentItem(last);
    m_updating = false;
    if (last)
        m_entry->clear();
    if (added)
        emitChanged();
    else
        updateButtons();
    return added;
}

void ListEditor::removeSelected()
{
    const int row = m_list->currentRow();
    if (row < 0)
        return;
    m_updating = true;
    delete m_list->takeItem(row);
    m_updating = false;
    emitChanged();
}

void ListEditor::moveSelected(int delta)
{
    const int row = m_list->currentRow();
    const int target = row + delta;
    if (row < 0 || target < 0 || target >= m_list->count())
        return;
    m_updating = true;
    QListWidgetItem* item = m_list->takeItem(row);
    m_list->insertItem(target, item);
    m_list->setCurrentRow(target);
    m_updating = false;
    emitChanged();
}

void ListEditor::updateButtons()
{
    const int row = m_list->currentRow();
    m_add->setEnabled(!m_entry->text().trimmed().isEmpty());
    m_remove->setEnabled(row >= 0);
    m_up->setEnabled(row > 0);
    m_down->setEnabled(row >= 0 && row + 1 < m_list->count());
}

void ListEditor::emitChanged()
{
    updateButtons();
    Q_EMIT itemsChanged(items());
}

} // namespace wsi
