#pragma once
// The frames side of the window: which record to show (the client session, a connection of the local
// server, or an imported file), the filter bar, the frames list, the selected frame's detail and the
// composer; plus the session tools (export JSON Lines / CSV, import, clear) and the status line.

#include "core/protocol.h"
#include "core/transcript.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"

#include <QPointer>
#include <QWidget>
#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QAction;
class QLineEdit;
class QMenu;
class QSplitter;
class QTableView;
class QTimer;
class QToolButton;

namespace wsi
{

class ClientSession;
class Composer;
class EchoServer;
class FrameDetail;
class FramesFilterModel;
class FramesModel;
class SessionStats;

class FramesPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FramesPanel(QWidget* parent = nullptr);
    ~FramesPanel() override;

    // The client session of the window (shown by default when set); null when there is none.
    void setClientSession(ClientSession* session);
    // The local server whose connections can be chosen as the source.
    void setServer(EchoServer* server);
    // Shows a server connection (by id) or the client session (id 0).
    bool showServerConnection(int id);
    void showClientSession();
    // Any record, e.g. one built elsewhere (the benchmark's producer). `owner`, when given, owns it.
    void showTranscript(const Transcript* transcript, Role recorder, QObject* owner = nullptr);

    // Session tools. Each returns false with a sentence in `error`.
    bool exportJsonLines(const QString& path, QString* error = nullptr) const;
    bool exportCsv(const QString& path, QString* error = nullptr) const; // the rows the filter shows
    // Reads a record and shows it; transcriptImported hands it on (the window keeps it in its history).
    bool importJsonLines(const QString& path, QString* error = nullptr);
    // A record read earlier (an entry of the window's history), shown read-only.
    void showImported(std::shared_ptr<const Transcript> transcript, const QString& name);
    void clearShown();

    FramesModel* model() const { return m_model; }
    FramesFilterModel* filterModel() const { return m_filter; }
    QTableView* table() const { return m_table; }
    FrameDetail* detail() const { return m_detail; }
    Composer* composer() const { return m_composer; }
    QComboBox* sourceBox() const { return m_source; }
    QLineEdit* searchEdit() const { return m_search; }
    QCheckBox* regexBox() const { return m_regex; }
    QComboBox* directionBox() const { return m_direction; }
    QCheckBox* dataBox() const { return m_data; }
    QCheckBox* controlBox() const { return m_control; }
    QCheckBox* violationsBox() const { return m_violations; }
    QCheckBox* followBox() const { return m_follow; }
    const Transcript* transcript() const;
    QString statsText() const { return m_statsText; }
    // The counts behind statsText(), for the window's status bar fields.
    const SessionStats& stats() const { return *m_stats; }
    // Selects the row of a frame (index into the record) and shows its detail; false when it is filtered out.
    bool selectFrame(int frameIndex);
    // Applies the filter bar now instead of after the typing pause.
    void applyFilter();

    // Ctrl+F: shows the panel (switching the tab that holds it) and puts the cursor in the search box. The action
    // is the panel's; a window that adds it to itself too gets the shortcut everywhere in the window.
    QAction* findAction() const { return m_findAction; }
    void focusSearch();

    // The context menu of a frame row (index into the record): copy its payload as text, hex or Base64, copy it
    // as the transcript's JSON object, follow its message's fragments. The caller owns the menu.
    QMenu* frameMenu(int frameIndex, QWidget* parent = nullptr);
    // Shows only the frames of the message that frame belongs to; false when it belongs to none (a control frame
    // or a message that did not complete). showAllFrames() ends it.
    bool followMessage(int frameIndex);
    void showAllFrames();
    int followedMessage() const { return m_followedMessage; }
    QLabel* messageNote() const { return m_messageNote; }
    // The session tools with a file dialog; the outcome goes to statusMessage.
    void chooseExportJson();
    void chooseExportCsv();
    void chooseImport();
    // Recounts the statistics now instead of at the next tick (the window calls it when a handshake ends, so the
    // status bar never shows the counts of before it).
    void updateStats();

Q_SIGNALS:
    void statsChanged(const QString& text);
    void statusMessage(const QString& text, bool error);
    void transcriptImported(std::shared_ptr<const wsi::Transcript> transcript, const QString& name);

private:
    void setSource(const Transcript* transcript, Role recorder, QObject* owner);
    void refreshSources();
    void sourceChosen(int index);
    void selectionChanged();
    void copyToClipboard(const QString& text, const QString& what);

    FramesModel* m_model;
    FramesFilterModel* m_filter;
    QTableView* m_table;
    FrameDetail* m_detail;
    Composer* m_composer;
    QComboBox* m_source;
    QComboBox* m_direction;
    QCheckBox* m_data;
    QCheckBox* m_control;
    QCheckBox* m_violations;
    QLineEdit* m_search;
    QCheckBox* m_regex;
    QCheckBox* m_follow;
    QLabel* m_filterNote;
    QLabel* m_messageNote;
    QAction* m_findAction;
    int m_followedMessage = -1;
    QTimer* m_filterDelay;
    QTimer* m_statsTimer;
    QSplitter* m_split;
    QPointer<ClientSession> m_session;
    QPointer<EchoServer> m_server;
    std::shared_ptr<const Transcript> m_imported;
    QString m_importedName;
    std::unique_ptr<SessionStats> m_stats;
    QString m_statsText;
    bool m_atBottom = true;
    bool m_scrolling = false;
};

} // namespace wsi
