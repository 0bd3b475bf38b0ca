#pragma once
// The frames list as shown: a FramesModel's rows that pass a FrameFilter (direction, data or control,
// payload text or regular expression, only violations).

#include "ui/frames/framesmodel.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QRegularExpression>
#include <QVector>

namespace wsi
{

// Which frames to show. Rebuilding over a million rows reads each record once; new rows are tested
// as they arrive, so a live session never re-filters what it already filtered.
struct FrameFilter {
    bool incoming = true, outgoing = true;
    bool data = true, control = true;
    QString text; // searched in payloads (inflated message when compressed)
    bool regex = false; // `text` is a regular expression, else a literal
    bool caseSensitive = false;
    bool onlyViolations = false;
    qint32 message = -1; // >= 0: only the frames of this message (index into the record's messages)

    bool isPassThrough() const
    {
        return incoming && outgoing && data && control && text.isEmpty() && !onlyViolations && message < 0;
    }
};

class FramesFilterModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit FramesFilterModel(QObject* parent = nullptr);

    void setSourceModel(FramesModel* source);
    FramesModel* sourceModel() const { return m_source; }
    void setFilter(const FrameFilter& filter);
    const FrameFilter& filter() const { return m_filter; }
    // An error in the regular expression (then nothing matches), empty when fine.
    QString filterError() const { return m_error; }

    int sourceRow(int row) const;
    int rowForSourceRow(int sourceRow) const; // -1 when filtered out
    bool accepts(int sourceRow) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    void sourceRowsInserted(const QModelIndex& parent, int first, int last);

    QPointer<FramesModel> m_source;
    FrameFilter m_filter;
    QRegularExpression m_regex;
    QByteArray m_needle; // literal, case-sensitive search works on bytes
    QString m_error;
    bool m_all = true; // pass-through: rows map 1:1, no vector needed
    int m_passCount = 0; // rows shown in pass-through mode
    QVector<int> m_rows;
};

} // namespace wsi
