#include "ui/frames/framesfiltermodel.h"

#include "core/frame.h"

namespace wsi
{

FramesFilterModel::FramesFilterModel(QObject* parent)
    : QAbstractTableModel(parent)
{
}

void FramesFilterModel::setSourceModel(FramesModel* source)
{
    if (m_source)
        m_source->disconnect(this);
    m_source = source;
    if (source) {
        connect(source, &QAbstractItemModel::modelReset, this, &FramesFilterModel::rebuild);
        connect(source, &QAbstractItemModel::rowsInserted, this, &FramesFilterModel::sourceRowsInserted);
        connect(source, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& a, const QModelIndex& b) {
            if (m_all)
                Q_EMIT dataChanged(index(a.row(), a.column()), index(b.row(), b.column()));
        });
    }
    rebuild();
}

void FramesFilterModel::setFilter(const FrameFilter& filter)
{
    m_filter = filter;
    m_error.clear();
    m_needle.clear();
    m_regex = QRegularExpression();
    if (!filter.text.isEmpty()) {
        if (filter.regex) {
            m_regex.setPattern(filter.text);
            m_regex.setPatternOptions(
                filter.caseSensitive ? QRegularExpression::NoPatternOption : QRegularExpression::CaseInsensitiveOption);
            if (!m_regex.isValid())
                m_error = tr("The regular expression is not valid: %1 (at character %2).")
                              .arg(m_regex.errorString())
                              .arg(m_regex.patternErrorOffset());
            else
                m_regex.optimize();
        } else {
            m_needle = filter.text.toUtf8();
        }
    }
    rebuild();
}

bool FramesFilterModel::accepts(int sourceRow) const
{
    const FrameRecord* f = m_source ? m_source->frameAt(sourceRow) : nullptr;
    if (!f)
        return false;
    if (m_filter.message >= 0 && f->message != m_filter.message)
        return false;
    if (!(f->dir == Direction::In ? m_filter.incoming : m_filter.outgoing))
        return false;
    if (!(isControlOpcode(f->opcode) ? m_filter.control : m_filter.data))
        return false;
    if (m_filter.onlyViolations && !m_source->violation(m_source->frameIndexAt(sourceRow)))
        return false;
    if (m_filter.text.isEmpty())
        return true;
    if (!m_error.isEmpty())
        return false;
    const Transcript* t = m_source->transcript();
    QByteArray payload;
    if (readRsv1(*t, *f, m_source->recorder()).compressedPayload())
        payload = t->messagePayload(t->messages().at(f->message)); // what the application saw
    else
        payload = t->framePayload(*f);
    if (m_filter.regex)
        return m_regex.match(QString::fromUtf8(payload)).hasMatch();
    if (m_filter.caseSensitive)
        return payload.contains(m_needle);
    // Case-folding only ASCII keeps the common search fast; anything else goes through QString.
    bool ascii = true;
    for (const char c : std::as_const(m_needle)) {
        if (quint8(c) >= 0x80) {
            ascii = false;
            break;
        }
    }
    if (ascii)
        return payload.toLower().contains(m_needle.toLower());
    return QString::fromUtf8(payload).contains(m_filter.text, Qt::CaseInsensitive);
}

void FramesFilterModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    m_all = m_filter.isPassThrough();
    m_passCount = m_source ? m_source->rowCount() : 0;
    if (!m_all && m_source) {
        const int n = m_source->rowCount();
        for (int i = 0; i < n; ++i) {
            if (accepts(i))
                m_rows.append(i);
        }
        m_rows.squeeze();
    }
    endResetModel();
}

void FramesFilterModel::sourceRowsInserted(const QModelIndex& parent, int first, int last)
{
    if (parent.isValid())
        return;
    if (m_all) {
        beginInsertRows({}, m_passCount, m_passCount + (last - first));
        m_passCount += last - first + 1;
        endInsertRows();
        return;
    }
    QVector<int> added;
    for (int i = first; i <= last; ++i) {
        if (accepts(i))
            added.append(i);
    }
    if (added.isEmpty())
        return;
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at + int(added.size()) - 1);
    m_rows += added;
    endInsertRows();
}

int FramesFilterModel::sourceRow(int row) const
{
    if (row < 0 || row >= rowCount())
        return -1;
    return m_all ? row : m_rows.at(row);
}

int FramesFilterModel::rowForSourceRow(int sourceRow) const
{
    if (m_all)
        return sourceRow >= 0 && sourceRow < rowCount() ? sourceRow : -1;
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), sourceRow);
    return it != m_rows.cend() && *it == sourceRow ? int(it - m_rows.cbegin()) : -1;
}

int FramesFilterModel::rowCount(const QModelIndex& parent) const
{
    if (parent.isValid() || !m_source)
        return 0;
    return m_all ? m_passCount : int(m_rows.size());
}

int FramesFilterModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FramesModel::Count;
}

QVariant FramesFilterModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_source)
        return {};
    return m_source->data(m_source->index(sourceRow(index.row()), index.column()), role);
}

QVariant FramesFilterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (m_source)
        return m_source->headerData(section, orientation, role);
    return {};
}

} // namespace wsi
