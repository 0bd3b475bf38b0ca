#pragma once
// The inspector window: the handshake builder (left dock), the exchange view (center) and the local
// server's panel (right dock). It owns the client session and turns its record into what the
// views show; it never waits on the network.

#include "ui/builder/profiles.h"

#include <QMainWindow>
#include <QPointer>
#include <QUrl>
#include <memory>

namespace Ui
{
class MainWindow;
}

class QDockWidget;
class QLabel;
class QTabWidget;
class QTableView;

namespace wsi
{

class ClientSession;
class EchoServer;
class ExchangeView;
class FramesPanel;
class HandshakeBuilder;
class SessionHistory;
struct Exchange;
struct HistoryEntry;
class StatusFields;
class WindowLayout;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    // `server` is the embedded echo server (owned elsewhere); null when there is none.
    explicit MainWindow(EchoServer* server, QWidget* parent = nullptr);
    ~MainWindow() override;

    HandshakeBuilder* builder() const { return m_builder; }
    ExchangeView* exchangeView() const { return m_exchange; }
    // The frames list, detail and composer: the second tab of the center.
    FramesPanel* framesPanel() const { return m_frames; }
    QTabWidget* centerTabs() const { return m_centerTabs; }
    void showFramesTab();
    void showHandshakeTab();
    QDockWidget* builderDock() const { return m_builderDock; }
    QDockWidget* serverDock() const { return m_serverDock; }
    // The newest client session (live or over); every attempt stays in history().
    ClientSession* session() const { return m_session; }
    SessionHistory* history() const { return m_history; }
    QTableView* historyView() const { return m_historyView; }
    QDockWidget* historyDock() const { return m_historyDock; }
    // Shows one session of the history whole: its exchange, server decision, frames and state.
    void showHistoryRow(int row);
    int shownHistoryRow() const { return m_shownRow; }
    // The two sessions' requests and responses diffed line by line, in a window of their own.
    void compareHistoryRows(int first, int second);
    // Reads a JSON Lines record into the history and shows it; false with a sentence in the status bar.
    bool importTranscript(const QString& path);

    // A preset (":/profiles/…", pointed at the embedded server) or a file. Errors go to the status bar.
    bool openProfile(const QString& path);
    bool saveProfileAs(const QString& path);
    const ProfileInfo& currentProfile() const { return m_profile; }

    // Window geometry, dock and splitter layout, recent URLs and profiles, the composer's options and, when asked
    // for, the server's policies (QSettings). What cannot be read is skipped with a note in the status bar.
    void restoreSettings();
    void saveSettings() const;
    // An INI file to keep the settings in instead of the usual place (tests); empty for the usual place.
    void setSettingsPath(const QString& path) { m_settingsPath = path; }
    // View › Reset layout: the docks where they start, sized for the window, the splitters as they started.
    void resetLayout();
    WindowLayout* windowLayout() const { return m_layout; }
    StatusFields* statusFields() const { return m_status; }

    // Sends the builder's handshake as a new session. An open session is first closed properly (1000
    // "reconnect", waiting up to kReconnectWaitMs for the server's close); an invalid request is refused
    // before the open session is touched.
    void connectNow();
    static constexpr int kReconnectWaitMs = 1000;
    void disconnectNow();
    void clearExchange();

Q_SIGNALS:
    // The handshake of the current connection is over (answered, refused or failed) and shown.
    void exchangeFinished();

protected:
    void closeEvent(QCloseEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void buildPresetMenu();
    void createServerDock();
    void createHistoryDock();
    void sizeHistoryDock();
    // `preview` is the request as checked when Connect was pressed: a reconnect that waits for the old
    // session's close starts exactly what was asked for, whatever the builder holds by then.
    void startSession(const HandshakeSpec& spec, const BuiltRequest& preview);
    Exchange exchangeFor(const HistoryEntry& entry) const;
    void sessionFinished(ClientSession* session);
    void refreshExchange();
    void refreshServerView();
    void sessionFinishedHandshake();
    void updateActions();
    void showStatus(const QString& text, bool error = false);
    void chooseProfileToOpen();
    void chooseProfileToSave();
    QUrl embeddedServerUrl() const;

    std::unique_ptr<Ui::MainWindow> m_ui;
    QPointer<EchoServer> m_server;
    HandshakeBuilder* m_builder;
    ExchangeView* m_exchange;
    FramesPanel* m_frames;
    QWidget* m_framesTab = nullptr; // the scroll area holding m_frames in the centre tabs
    QTabWidget* m_centerTabs;
    StatusFields* m_status = nullptr;
    WindowLayout* m_layout = nullptr;
    QString m_settingsPath;
    QDockWidget* m_builderDock;
    QDockWidget* m_serverDock = nullptr;
    QLabel* m_phaseLabel;
    ClientSession* m_session = nullptr;
    SessionHistory* m_history;
    QTableView* m_historyView = nullptr;
    QDockWidget* m_historyDock = nullptr;
    int m_shownRow = -1;
    bool m_reconnecting = false; // waiting for the old session's close before the new one starts
    bool m_handshakeReported = false;
    bool m_docksSized = false;
    ProfileInfo m_profile;
    QUrl m_lastServerUrl; // where the embedded server listens now
};

} // namespace wsi
