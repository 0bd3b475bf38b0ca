#pragma once
// Every connection attempt the window made and every record it imported, kept and listed: a new Connect
// adds a session instead of wiping the last one. Each row's state column is core's sessionState() of that
// session; the live one (the newest client session still connected) is marked.

#include "core/decisionpipeline.h"
#include "core/sessionstate.h"
#include "core/transcript.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QPointer>
#include <memory>

namespace wsi
{

class ClientSession;

struct HistoryEntry {
    int number = 0; // 1, 2, ... in the order the sessions were made
    QDateTime started;
    QString target; // the URL, or the imported file's name
    QPointer<ClientSession> session; // a connection made here (owned by the history)
    std::shared_ptr<const Transcript> imported; // or a record read from a file
    bool isImported() const { return imported != nullptr; }
    const Transcript* transcript() const;
    SessionState state() const;
};

class SessionHistory : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Number, Started, Target, State, ColumnCount };
    // Past this many, the oldest finished sessions are forgotten (their records can hold many frames).
    static constexpr int kMaxEntries = 50;

    explicit SessionHistory(QObject* parent = nullptr);
    ~SessionHistory() override;

    // Takes ownership of the session; returns its row.
    int addSession(ClientSession* session, const QString& url);
    int addImported(std::shared_ptr<const Transcript> transcript, const QString& name);
    const HistoryEntry& entry(int row) const { return m_entries.at(row); }
    int rowOf(const ClientSession* session) const;
    int size() const { return int(m_entries.size()); }
    // The newest client session while it is connecting, open or closing; -1 when there is none.
    int liveRow() const;
    void clearFinished(); // forgets every session that is over

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void sessionChanged(ClientSession* session);
    void trim();

    QList<HistoryEntry> m_entries;
    int m_next = 1;
};

} // namespace wsi
