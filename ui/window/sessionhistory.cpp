#include "ui/window/sessionhistory.h"

#include "engine/clientsession.h"
#include "ui/widgets/palette.h"

#include <QFont>

namespace wsi
{

const Transcript* HistoryEntry::transcript() const
{
    if (imported)
        return imported.get();
    return session ? &session->transcript() : nullptr;
}

SessionState HistoryEntry::state() const
{
    if (imported)
        return sessionState(sessionFactsFromTranscript(*imported, Role::Client));
    return session ? session->state() : SessionState {};
}

SessionHistory::SessionHistory(QObject* parent)
    : QAbstractTableModel(parent)
{
}

SessionHistory::~SessionHistory()
{
    // The sessions' signals reach into this model; silence them before it goes.
    for (const HistoryEntry& e : std::as_const(m_entries)) {
        if (e.session)
            e.session->disconnect(this);
    }
}

int SessionHistory::addSession(ClientSession* session, const QString& url)
{
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    session->setParent(this);
    HistoryEntry e;
    e.number = m_next++;
    e.started = QDateTime::currentDateTime();
    e.target = url;
    e.session = session;
    m_entries.append(e);
    endInsertRows();
    connect(session, &ClientSession::phaseChanged, this, [this, session] { sessionChanged(session); });
    connect(session, &ClientSession::handshakeFinished, this, [this, session] { sessionChanged(session); });
    connect(session, &ClientSession::finished, this, [this, session] { sessionChanged(session); });
    trim();
    return rowOf(session);
}

int SessionHistory::addImported(std::shared_ptr<const Transcript> transcript, const QString& name)
{
    const int row = int(m_entries.size());
    beginInsertRows({}, row, row);
    HistoryEntry e;
    e.number = m_next++;
    e.started = QDateTime::currentDateTime();
    e.target = name;
    e.imported = std::move(transcript);
    m_entries.append(e);
    endInsertRows();
    trim();
    return int(m_entries.size()) - 1;
}

int SessionHistory::rowOf(const ClientSession* session) const
{
    for (int i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).session == session)
            return i;
    }
    return -1;
}

int SessionHistory::liveRow() const
{
    for (int i = int(m_entries.size()) - 1; i >= 0; --i) {
        const HistoryEntry& e = m_entries.at(i);
        if (e.session)
            return e.state().live() ? i : -1;
    }
    return -1;
}

void SessionHistory::clearFinished()
{
    for (int i = int(m_entries.size()) - 1; i >= 0; --i) {
        if (m_entries.at(i).state().live())
            continue;
        beginRemoveRows({}, i, i);
        HistoryEntry e = m_entries.takeAt(i);
        endRemoveRows();
        if (e.session)
            e.session->deleteLater();
    }
}

void SessionHistory::trim()
{
    while (m_entries.size() > kMaxEntries) {
        int oldest = -1;
        for (int i = 0; i < m_entries.size() && oldest < 0; ++i) {
            if (!m_entries.at(i).state().live())
                oldest = i;
        }
        if (oldest < 0)
            return;
        beginRemoveRows({}, oldest, oldest);
        HistoryEntry e = m_entries.takeAt(oldest);
        endRemoveRows();
        if (e.session)
            e.session->deleteLater();
    }
}

void SessionHistory::sessionChanged(ClientSession* session)
{
    // The live mark may move from the row before: repaint every row's state.
    Q_UNUSED(session);
    if (!m_entries.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_entries.size()) - 1, ColumnCount - 1));
}

int SessionHistory::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int SessionHistory::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionHistory::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_entries.size())
        return {};
    const HistoryEntry& e = m_entries.at(index.row());
    const bool live = index.row() == liveRow();
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Number:
            return live ? QStringLiteral("● %1").arg(e.number) : QString::number(e.number);
        case Started:
            return e.started.toString(QStringLiteral("HH:mm:ss"));
        case Target:
            return e.isImported() ? tr("imported: %1").arg(e.target) : e.target;
        case State:
            return e.state().headline;
        }
        break;
    case Qt::ToolTipRole: {
        const SessionState s = e.state();
        QString tip = QStringLiteral("<b>%1</b><br/>%2").arg(e.target.toHtmlEscaped(), s.headline.toHtmlEscaped());
        if (!s.timeline.isEmpty())
            tip += QStringLiteral("<br/>") + timelineText(s.timeline).toHtmlEscaped();
        if (live)
            tip += QStringLiteral("<br/><i>%1</i>").arg(tr("the live session: the composer sends on it"));
        return tip;
    }
    case Qt::FontRole:
        if (live) {
            QFont bold;
            bold.setBold(true);
            return bold;
        }
        break;
    case Qt::ForegroundRole:
        if (index.column() == State) {
            switch (e.state().tone) {
            case SessionState::Tone::Good:
                return palette::ok;
            case SessionState::Tone::Bad:
                return palette::error;
            case SessionState::Tone::Neutral:
                break;
            }
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant SessionHistory::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Number:
        return tr("#");
    case Started:
        return tr("Started");
    case Target:
        return tr("URL");
    case State:
        return tr("State");
    }
    return {};
}

} // namespace wsi
