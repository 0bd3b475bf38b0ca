#include "ui/builder/protocollisteditor.h"

#include <QHBoxLayout>
#include <QLineEdit>
#include <QListWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace wsi
{

namespace
{
QToolButton* makeButton(const QString& text, const QString& tip, QWidget* parent)
{
    auto* button = new QToolButton(parent);
    button->setText(text);
    button->setToolTip(tip);
    button->setAutoRaise(false);
    return button;
}
} // namespace

ProtocolListEditor::ProtocolListEditor(QWidget* parent)
    : QWidget(parent)
    , m_list(new QListWidget(this))
    , m_name(new QLineEdit(this))
    , m_add(makeButton(tr("Add"), tr("Add the typed subprotocol at the end of the list"), this))
    , m_remove(makeButton(tr("Remove"), tr("Remove the selected subprotocol"), this))
    , m_up(makeButton(QStringLiteral("▲"), tr("Prefer the selected subprotocol more (move it up)"), this))
    , m_down(makeButton(QStringLiteral("▼"), tr("Prefer the selected subprotocol less (move it down)"), this))
{
    m_list->setObjectName(QStringLiteral("protocolList"));
    m_name->setObjectName(QStringLiteral("protocolName"));
    m_list->setFlow(QListView::LeftToRight);
    m_list->setWrapping(true);
    m_list->setSpacing(2);
    m_list->setMaximumHeight(m_list->fontMetrics().height() * 2 + 14);
    m_list->setToolTip(tr("Offered in this order, most preferred first (RFC 6455 §4.1). Double-click to rename."));
    m_name->setPlaceholderText(tr("subprotocol, e.g. json"));
    m_name->setClearButtonEnabled(true);

    auto* row = new QHBoxLayout;
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(m_name, 1);
    row->addWidget(m_add);
    row->addWidget(m_remove);
    row->addWidget(m_up);
    row->addWidget(m_down);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(3);
    layout->addWidget(m_list);
    layout->addLayout(row);

    connect(m_add, &QToolButton::clicked, this, &ProtocolListEditor::addTyped);
    connect(m_name, &QLineEdit::returnPressed, this, &ProtocolListEditor::addTyped);
    connect(m_remove, &QToolButton::clicked, this, &ProtocolListEditor::removeSelected);
    connect(m_up, &QToolButton::clicked, this, [this] { moveSelected(-1); });
    connect(m_down, &QToolButton::clicked, this, [this] { moveSelected(1); });
    connect(m_list, &QListWidget::itemSelectionChanged, this, &ProtocolListEditor::updateButtons);
    connect(m_list, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
        if (item->text().trimmed().isEmpty())
            delete item;
        updateButtons();
        Q_EMIT changed();
    });
    updateButtons();
}

void ProtocolListEditor::setProtocols(const QList<QByteArray>& protocols)
{
    if (protocols == this->protocols())
        return;
    const QSignalBlocker blocker(m_list);
    m_list->clear();
    for (const QByteArray& p : protocols) {
        auto* item = new QListWidgetItem(QString::fromUtf8(p), m_list);
        item->setFlags(item->flags() | Qt::ItemIsEditable);
    }
    updateButtons();
}

QList<QByteArray> ProtocolListEditor::protocols() const
{
    QList<QByteArray> out;
    for (int i = 0; i < m_list->count(); ++i)
        out.append(m_list->item(i)->text().trimmed().toUtf8());
    return out;
}

bool ProtocolListEditor::addTyped()
{
    bool added = false;
    const QStringList names = m_name->text().split(QLatin1Char(','), Qt::SkipEmptyParts);
    {
        const QSignalBlocker blocker(m_list);
        for (const QString& name : names) {
            if (name.trimmed().isEmpty())
                continue;
            auto* item = new QListWidgetItem(name.trimmed(), m_list);
            item->setFlags(item->flags() | Qt::ItemIsEditable);
            added = true;
        }
    }
    if (added) {
        m_name->clear();
        updateButtons();
        Q_EMIT changed();
    }
    return added;
}

void ProtocolListEditor::removeSelected()
{
    const int row = m_list->currentRow();
    if (row < 0)
        return;
    {
        const QSignalBlocker blocker(m_list);
        delete m_list->takeItem(row);
    }
    updateButtons();
    Q_EMIT changed();
}

void ProtocolListEditor::moveSelected(int delta)
{
    const int row = m_list->currentRow();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= m_list->count())
        return;
    {
        const QSignalBlocker blocker(m_list);
        QListWidgetItem* item = m_list->takeItem(row);
        m_list->insertItem(to, item);
        m_list->setCurrentRow(to);
    }
    updateButtons();
    Q_EMIT changed();
}

void ProtocolListEditor::updateButtons()
{
    const int row = m_list->currentRow();
    m_remove->setEnabled(row >= 0);
    m_up->setEnabled(row > 0);
    m_down->setEnabled(row >= 0 && row + 1 < m_list->count());
}

} // namespace wsi
