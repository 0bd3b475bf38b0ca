#include "ui/builder/headerrowsmodel.h"

#include "ui/widgets/headerdocs.h"
#include "ui/widgets/palette.h"

#include <QBrush>
#include <QColor>
#include <QFont>

namespace wsi
{

HeaderRowsModel::HeaderRowsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

bool HeaderRowsModel::isHelperOwned(QByteArrayView name)
{
    static const QList<QByteArrayView> names { "Host", "Sec-WebSocket-Key", "Sec-WebSocket-Version",
        "Sec-WebSocket-Protocol", "Sec-WebSocket-Extensions", "Origin", "Cookie", "Authorization" };
    for (QByteArrayView n : names) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

void HeaderRowsModel::setRows(const QList<HeaderRow>& rows)
{
    if (rows == m_rows)
        return;
    if (rows.size() == m_rows.size()) {
        // Same shape: update in place so the view keeps its selection and the editor stays open.
        m_rows = rows;
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, Count - 1));
        return;
    }
    beginResetModel();
    m_rows = rows;
    endResetModel();
}

int HeaderRowsModel::addRow(int at, const HeaderRow& row)
{
    if (at < 0 || at > m_rows.size())
        at = int(m_rows.size());
    beginInsertRows({}, at, at);
    m_rows.insert(at, row);
    endInsertRows();
    Q_EMIT rowsEdited();
    return at;
}

bool HeaderRowsModel::removeRowAt(int row)
{
    return removeRows(row, 1);
}

bool HeaderRowsModel::duplicateRow(int row)
{
    if (row < 0 || row >= m_rows.size())
        return false;
    addRow(row + 1, m_rows.at(row));
    return true;
}

bool HeaderRowsModel::moveRow(int from, int to)
{
    if (from < 0 || from >= m_rows.size() || to < 0 || to >= m_rows.size() || from == to)
        return false;
    // moveRows() takes the destination as "insert before", which is one past `to` when moving down.
    return moveRows({}, from, 1, {}, to > from ? to + 1 : to);
}

int HeaderRowsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int HeaderRowsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : Count;
}

QVariant HeaderRowsModel::data(const QModelIndex& index, int role) const
{
    if (!hasIndex(index.row(), index.column(), index.parent()))
        return {};
    const HeaderRow& row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        if (index.column() == NameColumn)
            return QString::fromUtf8(row.name);
        if (index.column() == ValueColumn) {
            if (role == Qt::DisplayRole && row.value.isEmpty()
                && row.name.compare("Sec-WebSocket-Key", Qt::CaseInsensitive) == 0)
                return tr("(generated when sending)");
            return QString::fromUtf8(row.value);
        }
        return {};
    case Qt::CheckStateRole:
        return index.column() == EnabledColumn ? QVariant(row.enabled ? Qt::Checked : Qt::Unchecked) : QVariant();
    case Qt::ToolTipRole: {
        const QString problem = rowProblem(row);
        if (!problem.isEmpty())
            return problem;
        if (index.column() == EnabledColumn)
            return row.enabled ? tr("Sent. Untick to leave this header out.") : tr("Not sent. Tick to send it.");
        QString tip = HeaderDocs::builtIn().tooltip(row.name);
        if (isHelperOwned(row.name))
            tip += tr("<p>Written by the helper fields above; editing it here updates them.</p>");
        return tip.isEmpty() ? QVariant() : QVariant(tip);
    }
    case Qt::ForegroundRole:
        if (!row.enabled)
            return QBrush(palette::muted);
        if (!rowProblem(row).isEmpty())
            return QBrush(palette::error);
        if (index.column() == ValueColumn && row.value.isEmpty())
            return QBrush(palette::muted);
        return {};
    case Qt::FontRole:
        if (!row.enabled) {
            QFont font;
            font.setStrikeOut(true);
            return font;
        }
        return {};
    case NameRole:
        return row.name;
    case ValueRole:
        return row.value;
    case ProblemRole:
        return rowProblem(row);
    case HelperOwnedRole:
        return isHelperOwned(row.name);
    case SortRole:
        return index.row();
    default:
        return {};
    }
}

bool HeaderRowsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!hasIndex(index.row(), index.column(), index.parent()))
        return false;
    HeaderRow& row = m_rows[index.row()];
    if (role == Qt::CheckStateRole && index.column() == EnabledColumn) {
        const bool enabled = value.toInt() == Qt::Checked;
        if (enabled == row.enabled)
            return true;
        row.enabled = enabled;
    } else if (role == Qt::EditRole && index.column() == NameColumn) {
        const QByteArray name = value.toString().toUtf8();
        if (name == row.name)
            return true;
        row.name = name;
    } else if (role == Qt::EditRole && index.column() == ValueColumn) {
        const QByteArray text = value.toString().toUtf8();
        if (text == row.value)
            return true;
        row.value = text;
    } else {
        return false;
    }
    Q_EMIT dataChanged(this->index(index.row(), 0), this->index(index.row(), Count - 1));
    Q_EMIT rowsEdited();
    return true;
}

Qt::ItemFlags HeaderRowsModel::flags(const QModelIndex& index) const
{
    if (!hasIndex(index.row(), index.column(), index.parent()))
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
    if (index.column() == EnabledColumn)
        f |= Qt::ItemIsUserCheckable;
    else
        f |= Qt::ItemIsEditable;
    return f;
}

QVariant HeaderRowsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= Count)
        return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case EnabledColumn:
            return tr("On");
        case NameColumn:
            return tr("Name");
        case ValueColumn:
            return tr("Value");
        default:
            return {};
        }
    }
    if (role == Qt::ToolTipRole && section == EnabledColumn)
        return tr("Only ticked rows are sent, in this order.");
    return {};
}

bool HeaderRowsModel::removeRows(int row, int count, const QModelIndex& parent)
{
    if (parent.isValid() || row < 0 || count <= 0 || row + count > m_rows.size())
        return false;
    beginRemoveRows({}, row, row + count - 1);
    m_rows.remove(row, count);
    endRemoveRows();
    Q_EMIT rowsEdited();
    return true;
}

bool HeaderRowsModel::moveRows(const QModelIndex& sourceParent, int sourceRow, int count,
    const QModelIndex& destinationParent, int destinationChild)
{
    if (sourceParent.isValid() || destinationParent.isValid() || count <= 0 || sourceRow < 0
        || sourceRow + count > m_rows.size() || destinationChild < 0 || destinationChild > m_rows.size()
        || (destinationChild >= sourceRow && destinationChild <= sourceRow + count))
        return false;
    if (!beginMoveRows({}, sourceRow, sourceRow + count - 1, {}, destinationChild))
        return false;
    const QList<HeaderRow> moving = m_rows.mid(sourceRow, count);
    m_rows.remove(sourceRow, count);
    const int insertAt = destinationChild > sourceRow ? destinationChild - count : destinationChild;
    for (int i = 0; i < count; ++i)
        m_rows.insert(insertAt + i, moving.at(i));
    endMoveRows();
    Q_EMIT rowsEdited();
    return true;
}

} // namespace wsi
