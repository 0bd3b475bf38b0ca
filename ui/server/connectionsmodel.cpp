#include "ui/server/connectionsmodel.h"

#include "core/events.h"
#include "core/sessionstate.h"
#include "engine/clock.h"
#include "ui/widgets/palette.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QPalette>
#include <QTimeZone>
#include <algorithm>

namespace wsi
{

namespace
{
// Rows arrive in key order, so a binary search finds them; anything out of order falls back
// to a scan rather than giving a wrong answer.
int findKey(const QList<ConnectionInfo>& rows, quint64 key)
{
    const auto it = std::lower_bound(
        rows.cbegin(), rows.cend(), key, [](const ConnectionInfo& info, quint64 k) { return info.key < k; });
    if (it != rows.cend() && it->key == key)
        return int(it - rows.cbegin());
    for (int i = 0; i < rows.size(); ++i) {
        if (rows.at(i).key == key)
            return i;
    }
    return -1;
}
} // namespace

ConnectionInfo ConnectionInfo::fromConnection(const ServerConnection& connection)
{
    ConnectionInfo info;
    info.id = connection.id();
    info.peer = connection.peer();
    info.acceptedAtUs = connection.acceptedAtUs();
    info.phase = connection.phase();
    info.bytesIn = connection.bytesIn();
    info.bytesOut = connection.bytesOut();
    const Transcript& transcript = connection.transcript();
    const HandshakeRecord& handshake = transcript.handshake();
    info.status = handshake.status;
    info.protocol = handshake.protocol;
    info.extensions = handshake.extensions;
    info.rawRequest = handshake.rawRequest;
    info.rawResponse = handshake.rawResponse;
    info.trace = handshake.decisionSteps;
    info.handshakeRecord = handshake;
    info.closeRecord = transcript.close();
    info.wire = wireTotals(transcript, Role::Server);
    if (const Decision* decision = connection.decision(); decision && info.status == 0)
        info.status = decision->response.status;
    // A connection flooding violations must not make every snapshot expensive: the first few say it.
    constexpr int kMaxProblems = 20;
    for (const NoteRecord& note : transcript.notes()) {
        if (note.level == NoteRecord::Level::Info)
            continue;
        if (info.problems.size() == kMaxProblems)
            break;
        info.problems.append(note);
    }
    // Only an upgraded connection has a WebSocket close code; a refused handshake just ends.
    if (info.phase == ServerConnection::Phase::Closed && info.status == 101) {
        const CloseRecord& close = transcript.close();
        if (close.sentCode || close.receivedCode || close.closedTimeUs >= 0) {
            // The code that ended it is the starter's (a server closing with 1002 after a masked-frame violation
            // reads 1002 even when it dropped TCP before the client's reply arrived); the headline tells the rest.
            info.closeCode = closeInitiatorCode(close);
            info.closeReason = closeInitiatorReason(close);
            SessionFacts facts = sessionFactsFromTranscript(transcript, Role::Server);
            facts.connectionEnded = true;
            info.closeHeadline = sessionState(facts).headline;
        }
    }
    return info;
}

QByteArray ConnectionInfo::recordJson() const
{
    const EventSerializer events(EventOptions { EventDialect::Serve, NoPayload, id });
    QByteArray out;
    events.handshake(out, handshakeRecord, peer);
    out.append('\n');
    if (phase == ServerConnection::Phase::Closed) {
        events.close(out, closeRecord, bytesIn, bytesOut, &wire);
        out.append('\n');
    }
    return out;
}

ConnectionsModel::ConnectionsModel(QObject* parent)
    : QAbstractTableModel(parent)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(25);
    connect(&m_flushTimer, &QTimer::timeout, this, &ConnectionsModel::flush);
    // The engine's clock counts from an arbitrary start; pin it to the wall clock once.
    m_clockOffsetUs = QDateTime::currentMSecsSinceEpoch() * 1000 - monotonicMicros();
}

int ConnectionsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ConnectionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : Count;
}

QString ConnectionsModel::statusText(int status)
{
    switch (status) {
    case 0:
        return tr("no answer yet");
    case 101:
        return tr("101 Switching Protocols");
    case 400:
        return tr("400 Bad Request");
    case 401:
        return tr("401 Unauthorized");
    case 403:
        return tr("403 Forbidden");
    case 404:
        return tr("404 Not Found");
    case 408:
        return tr("408 Request Timeout");
    case 426:
        return tr("426 Upgrade Required");
    case 431:
        return tr("431 Request Header Fields Too Large");
    default:
        return QString::number(status);
    }
}

QString ConnectionsModel::stateText(const ConnectionInfo& info) const
{
    if (info.phase == ServerConnection::Phase::Closed && info.closeCode)
        return tr("closed %1").arg(*info.closeCode);
    return phaseName(info.phase);
}

QString ConnectionsModel::timeText(const ConnectionInfo& info) const
{
    const qint64 wallMs = (m_clockOffsetUs + info.acceptedAtUs) / 1000;
    return QDateTime::fromMSecsSinceEpoch(wallMs).toString(QStringLiteral("HH:mm:ss"));
}

QVariant ConnectionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ConnectionInfo& info = m_rows.at(index.row());
    const auto column = Column(index.column());

    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case IdColumn:
            return info.id;
        case PeerColumn:
            return info.peer;
        case TimeColumn:
            return timeText(info);
        case StatusColumn:
            return info.status ? QString::number(info.status) : QStringLiteral("…");
        case ProtocolColumn:
            return info.protocol.isEmpty() ? QStringLiteral("—") : QString::fromUtf8(info.protocol);
        case UserColumn:
            return info.handshakeRecord.user ? info.handshakeRecord.user->name : QStringLiteral("—");
        case StateColumn:
            return stateText(info);
        case Count:
            break;
        }
        break;
    case Qt::ToolTipRole:
        switch (column) {
        case StatusColumn:
            return statusText(info.status);
        case ProtocolColumn:
            return info.protocol.isEmpty() ? tr("No subprotocol selected") : QString::fromUtf8(info.protocol);
        case UserColumn:
            return info.handshakeRecord.user ? info.userText() : tr("No user: no credential was asked for or accepted");
        case StateColumn:
            return info.closeHeadline.isEmpty() ? stateText(info) : info.closeHeadline;
        case TimeColumn:
            return QDateTime::fromMSecsSinceEpoch((m_clockOffsetUs + info.acceptedAtUs) / 1000)
                .toString(Qt::ISODateWithMs);
        default:
            return data(index, Qt::DisplayRole);
        }
        break;
    case Qt::ForegroundRole:
        // Refusals stand out; colours stay readable on light and dark palettes.
        if (column == StatusColumn && info.status >= 400)
            return QBrush(palette::error);
        if (column == StatusColumn && info.status == 101)
            return QBrush(palette::ok);
        break;
    case Qt::TextAlignmentRole:
        if (column == IdColumn || column == StatusColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case KeyRole:
        return QVariant::fromValue(info.key);
    case StatusRole:
        return info.status;
    case SortRole:
        switch (column) {
        case IdColumn:
            return info.id;
        case TimeColumn:
            return info.acceptedAtUs;
        case StatusColumn:
            return info.status;
        case StateColumn:
            return int(info.phase);
        default:
            return data(index, Qt::DisplayRole);
        }
    default:
        break;
    }
    return {};
}

QString ConnectionInfo::userText() const
{
    const std::optional<AuthenticatedUser>& user = handshakeRecord.user;
    if (!user)
        return {};
    QStringList details { user->source };
    if (!user->roles.isEmpty())
        details.append(QObject::tr("roles %1").arg(user->roles.join(QStringLiteral(", "))));
    if (user->expires)
        details.append(QObject::tr("expires %1")
                           .arg(QDateTime::fromSecsSinceEpoch(*user->expires, QTimeZone::utc())
                                    .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss 'UTC'"))));
    return QStringLiteral("%1 (%2)").arg(user->name, details.join(QStringLiteral(", ")));
}

QVariant ConnectionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= Count)
        return {};
    if (role == Qt::DisplayRole) {
        switch (Column(section)) {
        case IdColumn:
            return tr("#");
        case PeerColumn:
            return tr("Peer");
        case TimeColumn:
            return tr("Time");
        case StatusColumn:
            return tr("Status");
        case ProtocolColumn:
            return tr("Protocol");
        case UserColumn:
            return tr("User");
        case StateColumn:
            return tr("State");
        case Count:
            break;
        }
    } else if (role == Qt::ToolTipRole) {
        switch (Column(section)) {
        case IdColumn:
            return tr("The server's connection number");
        case TimeColumn:
            return tr("When the TCP connection was accepted");
        case StatusColumn:
            return tr("The HTTP status the server answered with");
        case ProtocolColumn:
            return tr("The subprotocol the server selected");
        case UserColumn:
            return tr("The user the server's authentication found (token, --user or JWT)");
        case StateColumn:
            return tr("Where the connection is now, with its close code once closed");
        default:
            break;
        }
    }
    return {};
}

void ConnectionsModel::upsert(const ConnectionInfo& info)
{
    const int row = findKey(m_rows, info.key);
    if (row >= 0) {
        m_rows[row] = info;
        Q_EMIT dataChanged(index(row, 0), index(row, Count - 1));
        return;
    }
    const int pending = findKey(m_pending, info.key);
    if (pending >= 0) {
        m_pending[pending] = info;
        return;
    }
    if (!m_rows.isEmpty() && info.key < m_rows.constLast().key) {
        // Out of order (never expected from the panel): place it directly so the order holds.
        const auto it = std::lower_bound(
            m_rows.cbegin(), m_rows.cend(), info.key, [](const ConnectionInfo& r, quint64 k) { return r.key < k; });
        const int at = int(it - m_rows.cbegin());
        beginInsertRows({}, at, at);
        m_rows.insert(at, info);
        endInsertRows();
        return;
    }
    const auto it = std::lower_bound(
        m_pending.cbegin(), m_pending.cend(), info.key, [](const ConnectionInfo& r, quint64 k) { return r.key < k; });
    m_pending.insert(int(it - m_pending.cbegin()), info);
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void ConnectionsModel::flush()
{
    m_flushTimer.stop();
    if (m_pending.isEmpty())
        return;
    // Only the newest maxRows can ever be shown: don't insert what would be dropped at once.
    if (m_pending.size() > m_maxRows)
        m_pending.remove(0, m_pending.size() - m_maxRows);
    const int overflow = int(m_rows.size() + m_pending.size()) - m_maxRows;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_rows.remove(0, overflow);
        endRemoveRows();
    }
    const int first = int(m_rows.size());
    const int last = first + int(m_pending.size()) - 1;
    beginInsertRows({}, first, last);
    m_rows.append(m_pending);
    m_pending.clear();
    endInsertRows();
    Q_EMIT rowsFlushed(first, last);
}

void ConnectionsModel::clear()
{
    m_flushTimer.stop();
    m_pending.clear();
    if (m_rows.isEmpty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

void ConnectionsModel::setMaxRows(int rows)
{
    m_maxRows = std::max(1, rows);
    const int overflow = int(m_rows.size()) - m_maxRows;
    if (overflow > 0) {
        beginRemoveRows({}, 0, overflow - 1);
        m_rows.remove(0, overflow);
        endRemoveRows();
    }
}

const ConnectionInfo* ConnectionsModel::info(int row) const
{
    if (row < 0 || row >= m_rows.size())
        return nullptr;
    return &m_rows.at(row);
}

int ConnectionsModel::rowForKey(quint64 key) const
{
    return findKey(m_rows, key);
}

} // namespace wsi
