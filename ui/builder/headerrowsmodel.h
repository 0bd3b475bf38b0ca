#pragma once
// The builder's header table: HandshakeSpec::rows as an editable, reorderable table with an on/off
// checkbox per row. The model only holds rows; keeping them in step with the helper fields is the
// builder's job (HandshakeSpec's sync functions), triggered by rowsEdited().

#include "core/handshakespec.h"

#include <QAbstractTableModel>

namespace wsi
{

class HeaderRowsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { EnabledColumn, NameColumn, ValueColumn, Count };
    enum Role {
        NameRole = Qt::UserRole, // QByteArray name, exactly
        ValueRole, // QByteArray value, exactly
        ProblemRole, // QString: why the row cannot be sent, empty when fine
        HelperOwnedRole, // bool: a helper field writes this row
        SortRole,
    };

    explicit HeaderRowsModel(QObject* parent = nullptr);

    // Replaces every row without announcing an edit (the builder calls this after a helper changed).
    void setRows(const QList<HeaderRow>& rows);
    const QList<HeaderRow>& rows() const { return m_rows; }

    // Edits a person makes; each emits rowsEdited() once.
    int addRow(int at = -1, const HeaderRow& row = { "X-Header", "value", true });
    bool removeRowAt(int row);
    bool duplicateRow(int row);
    bool moveRow(int from, int to);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool removeRows(int row, int count, const QModelIndex& parent = {}) override;
    bool moveRows(const QModelIndex& sourceParent, int sourceRow, int count, const QModelIndex& destinationParent,
        int destinationChild) override;

    static bool isHelperOwned(QByteArrayView name);

Q_SIGNALS:
    // A person changed the table (not emitted by setRows()).
    void rowsEdited();

private:
    QList<HeaderRow> m_rows;
};

} // namespace wsi
