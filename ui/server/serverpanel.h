#pragma once
// The inspector window's right-hand dock: runs the local echo server (start/stop, port, address,
// TLS), edits its negotiation policy live, lists its connections and shows, for the selected one,
// the request the server received, the response it sent and why.

#include "core/serverpolicy.h"
#include "engine/echoserver.h"
#include "engine/tlsidentity.h"

#include <QHash>
#include <QHostAddress>
#include <QPointer>
#include <QUrl>
#include <QWidget>
#include <memory>
#include <optional>

class QComboBox;
class QMenu;

namespace Ui
{
class ServerPanel;
}

namespace wsi
{

class ConnectionsModel;

class ServerPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ServerPanel(EchoServer* server, QWidget* parent = nullptr); // the server is owned elsewhere
    ~ServerPanel() override;

    // A dock starts at its widget's size hint: ask for the width the connections table needs.
    QSize sizeHint() const override;

    EchoServer* server() const { return m_server; }
    ConnectionsModel* connectionsModel() const { return m_model; }

    // The context menu of a row of the connections list: copy the peer's address, copy the connection as JSON.
    // The caller owns the menu.
    QMenu* connectionMenu(int row, QWidget* parent = nullptr);

    // The policy the form shows (every field of the schema), with the user's accepted edits.
    ServerPolicy policyFromForm() const;

    // The fields (schema keys) whose values differ from the policy the server's connections so far were accepted
    // with; empty when the next connection meets the same policy as the last one.
    QStringList pendingPolicyChanges() const;
    // The change marker above the connections: what changed, applying to the next connection.
    QString policyNoticeText() const;
    bool canUndoPolicy() const { return !m_undo.isEmpty(); }

public Q_SLOTS:
    bool startServer(); // with the form's address, port and TLS setting
    void stopServer();
    bool restartServer(); // stop + start; emits serverUrlChanged once
    void clearConnections();
    void undoPolicyChange(); // back to the policy before the last edit in the form

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

Q_SIGNALS:
    void serverUrlChanged(const QUrl& url); // restarted on another port, TLS toggled, stopped (empty URL)
    void statusMessage(const QString& text); // one-line messages for the window's status bar

private:
    void addPresetMenu();
    void applyPreset(int index);
    void wireForm();
    void loadPolicy(const ServerPolicy& policy);
    void applyPolicy();
    void updatePolicyNotice();
    void onServerPolicyChanged();
    void showUserColumnWhenUseful();
    void onListeningChanged();
    void onTlsToggled(bool on);
    void onAddressOrPortEdited();
    void updateServerState();
    void updateAddressWarning();
    void publishUrl();
    void showError(const QString& text);
    void fitSettingsHeight();

    void track(ServerConnection* connection);
    void refresh(ServerConnection* connection);
    void onRowsFlushed(int first, int last);
    void showSelected();

    std::optional<QHostAddress> formAddress(QString* error) const;
    bool prepareTls(bool wanted);

    std::unique_ptr<Ui::ServerPanel> m_ui;
    QPointer<EchoServer> m_server;
    QComboBox* m_presetCombo = nullptr;
    ConnectionsModel* m_model = nullptr;

    ServerPolicy m_acceptedPolicy; // what the newest connection was accepted with (or the server started with)
    QList<ServerPolicy> m_undo; // the policies before each edit, newest last

    std::optional<TlsIdentity> m_identity; // generated once, reused when TLS is toggled again
    QHostAddress m_boundAddress; // what the running server was asked for
    quint16 m_requestedPort = 0;
    QUrl m_lastUrl;
    bool m_restarting = false;

    QHash<const QObject*, quint64> m_keys; // live connections → model key
    quint64 m_nextKey = 1;
    quint64 m_clearedUpTo = 0; // rows the user cleared stay cleared
    quint64 m_shownKey = 0; // the connection in the detail pane
};

} // namespace wsi
