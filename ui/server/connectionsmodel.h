#pragma once
// The local server's connections as a flat table. Rows are snapshots (plain values), not live
// ServerConnection pointers: the server deletes old closed connections on its own schedule, and a
// view must never follow a dangling pointer. New rows are queued and inserted in batches so a burst
// of connections costs one insert per timer tick instead of one per connection.

#include "core/decisionpipeline.h"
#include "core/wirebytes.h"
#include "engine/echoserver.h"

#include <QAbstractTableModel>
#include <QByteArray>
#include <QList>
#include <QString>
#include <QTimer>

namespace wsi
{

struct ConnectionInfo {
    quint64 key = 0; // unique per model, increasing in arrival order (assigned by the feeder)
    int id = 0; // the server's connection number
    QString peer; // "127.0.0.1:53412"
    qint64 acceptedAtUs = 0; // monotonic clock of the engine
    ServerConnection::Phase phase = ServerConnection::Phase::Handshake;
    int status = 0; // HTTP status of the answer, 0 while undecided
    QByteArray protocol; // selected subprotocol
    QByteArray extensions; // the response's Sec-WebSocket-Extensions value
    // Once closed: the code and reason of the side that started the closing handshake (1006 when no close frame
    // crossed), and core's sentence for the whole close exchange as the server recorded it.
    std::optional<quint16> closeCode;
    QByteArray closeReason;
    QString closeHeadline;
    QByteArray rawRequest; // the bytes the server received
    QByteArray rawResponse; // the bytes it answered with
    QList<DecisionStep> trace; // why it answered that way
    QList<NoteRecord> problems; // the transcript's warnings and errors (timeouts, violations), bounded
    qint64 bytesIn = 0, bytesOut = 0;
    WireTotals wire; // handshake and frame bytes each way, as core counts them
    // Who the server's authentication step found, in words: "alice (jwt from Authorization: Bearer, roles admin,
    // expires 16:40:00 UTC)"; empty when nobody.
    QString userText() const;
    // The records themselves, for copying the connection as JSON (their byte arrays are shared, not copied).
    HandshakeRecord handshakeRecord;
    CloseRecord closeRecord;

    // Reads everything a view needs from a live connection.
    static ConnectionInfo fromConnection(const ServerConnection& connection);
    // The connection as `serve --json` prints it: its handshake event and, once closed, its close event, one JSON
    // object a line, written by the one event serializer.
    QByteArray recordJson() const;
};

class ConnectionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { IdColumn, PeerColumn, TimeColumn, StatusColumn, ProtocolColumn, UserColumn, StateColumn, Count };
    enum Role {
        KeyRole = Qt::UserRole, // ConnectionInfo::key
        SortRole, // a value that sorts the column naturally (numbers as numbers)
        StatusRole, // the HTTP status as an int
    };

    explicit ConnectionsModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Adds a row (queued until the next flush) or updates the row with the same key.
    void upsert(const ConnectionInfo& info);
    // Inserts every queued row now (the timer does this on its own).
    void flush();
    void clear();

    // Oldest rows are dropped beyond this many (keeps memory bounded on long runs).
    void setMaxRows(int rows);
    int maxRows() const { return m_maxRows; }
    void setFlushInterval(int ms) { m_flushTimer.setInterval(ms); }

    // Wall-clock time of the monotonic clock's zero, in microseconds since the epoch: turns
    // acceptedAtUs into the time of day the user sees.
    void setClockOffsetUs(qint64 offsetUs) { m_clockOffsetUs = offsetUs; }

    const ConnectionInfo* info(int row) const;
    int rowForKey(quint64 key) const; // -1 when not (yet) a row
    int pendingCount() const { return int(m_pending.size()); }

    static QString statusText(int status);

Q_SIGNALS:
    void rowsFlushed(int first, int last);

private:
    QString stateText(const ConnectionInfo& info) const;
    QString timeText(const ConnectionInfo& info) const;

    QList<ConnectionInfo> m_rows; // sorted by key
    QList<ConnectionInfo> m_pending; // sorted by key, all keys above the last row's
    QTimer m_flushTimer;
    int m_maxRows = 1000;
    qint64 m_clockOffsetUs = 0;
};

} // namespace wsi
