#include "ui/window/mainwindow.h"

#include "core/checks.h"
#include "core/transcriptjson.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/exchange/copyasmenu.h"
#include "ui/exchange/exchangeview.h"
#include "ui/frames/composer.h"
#include "ui/frames/framesfiltermodel.h"
#include "ui/frames/framesmodel.h"
#include "ui/frames/framespanel.h"
#include "ui/help/helpmenu.h"
#include "ui/widgets/formscrollarea.h"
#include "ui/widgets/wheelguard.h"
#include "ui/window/about.h"
#include "ui/window/sessioncompare.h"
#include "ui/window/sessionhistory.h"
#include "ui/window/statusfields.h"
#include "ui/window/windowlayout.h"
#include "ui/window/windowsettings.h"
#include "ui_mainwindow.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

#if __has_include("ui/server/serverpanel.h")
#include "ui/server/serverpanel.h"
#include "ui/widgets/palette.h"
#define WSI_HAVE_SERVER_PANEL 1
#endif

namespace wsi
{

namespace
{
const QString kDefaultProfile = QStringLiteral(":/profiles/chat.json");

bool sameServer(const QUrl& a, const QUrl& b)
{
    return a.isValid() && b.isValid() && a.host().compare(b.host(), Qt::CaseInsensitive) == 0
        && a.port(a.scheme() == QLatin1String("wss") ? 443 : 80)
        == b.port(b.scheme() == QLatin1String("wss") ? 443 : 80);
}
} // namespace

MainWindow::MainWindow(EchoServer* server, QWidget* parent)
    : QMainWindow(parent)
    , m_ui(std::make_unique<Ui::MainWindow>())
    , m_server(server)
    , m_builder(new HandshakeBuilder)
    , m_exchange(new ExchangeView)
    , m_frames(new FramesPanel)
    , m_centerTabs(new QTabWidget)
    , m_builderDock(new QDockWidget(tr("Handshake builder"), this))
    , m_phaseLabel(new QLabel(this))
    , m_history(new SessionHistory(this))
{
    m_ui->setupUi(this);
    WheelGuard::install();
    delete m_ui->centralPlaceholder;
    // The handshake and the frames after it each need the whole center; tabs keep both one key away.
    m_centerTabs->setObjectName(QStringLiteral("centerTabs"));
    m_centerTabs->setDocumentMode(true);
    m_centerTabs->addTab(m_exchange, tr("&Handshake"));
    // The frames side scrolls up and down as a whole when the window is short; the centre asks for the width it needs.
    auto* framesScroll = new FormScrollArea;
    framesScroll->setObjectName(QStringLiteral("framesScroll"));
    framesScroll->setWidget(m_frames);
    m_framesTab = framesScroll;
    m_centerTabs->addTab(m_framesTab, tr("&Frames"));
    setCentralWidget(m_centerTabs);
    m_frames->setServer(server);

    m_builderDock->setObjectName(QStringLiteral("builderDock"));
    // The form scrolls as a whole in a short dock; the dock is never narrower than the form's rows.
    auto* builderScroll = new FormScrollArea(m_builderDock);
    builderScroll->setObjectName(QStringLiteral("builderScroll"));
    builderScroll->setWidget(m_builder);
    m_builderDock->setWidget(builderScroll);
    m_builderDock->setFeatures(
        QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    addDockWidget(Qt::LeftDockWidgetArea, m_builderDock);
    createServerDock();
    createHistoryDock();
    m_layout = new WindowLayout(this, m_builderDock, m_serverDock);
    m_layout->captureSplitterDefaults();
    m_builderDock->toggleViewAction()->setText(tr("Handshake &builder"));
    m_ui->menuView->addAction(m_builderDock->toggleViewAction());
    m_historyDock->toggleViewAction()->setText(tr("Sessio&ns"));
    m_ui->menuView->addAction(m_historyDock->toggleViewAction());
    if (m_serverDock) {
        m_serverDock->toggleViewAction()->setText(tr("Local &server"));
        m_ui->menuView->addAction(m_serverDock->toggleViewAction());
    }

    m_status = new StatusFields(statusBar(), m_phaseLabel);
    connect(m_frames, &FramesPanel::statsChanged, this, [this](const QString& text) {
        const Transcript* transcript = m_frames->transcript();
        if (text.isEmpty() || !transcript) {
            m_status->clearStats();
            return;
        }
        m_status->setStats(m_frames->stats().fields(*transcript),
            SessionStats::shownText(m_frames->filterModel()->rowCount(), m_frames->model()->rowCount()));
    });
    connect(m_frames, &FramesPanel::statusMessage, this, &MainWindow::showStatus);
    m_ui->actionShowHandshake->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    m_ui->actionShowFrames->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    m_ui->menuView->addAction(m_ui->actionShowHandshake);
    m_ui->menuView->addAction(m_ui->actionShowFrames);
    m_ui->menuView->addSeparator();
    m_ui->menuView->addAction(m_ui->actionResetLayout);
    connect(m_ui->actionResetLayout, &QAction::triggered, this, &MainWindow::resetLayout);
    connect(m_ui->actionShowHandshake, &QAction::triggered, this, &MainWindow::showHandshakeTab);
    connect(m_ui->actionShowFrames, &QAction::triggered, this, &MainWindow::showFramesTab);
    connect(m_ui->actionExportTranscript, &QAction::triggered, m_frames, &FramesPanel::chooseExportJson);
    connect(m_ui->actionExportCsv, &QAction::triggered, m_frames, &FramesPanel::chooseExportCsv);
    connect(m_ui->actionImportTranscript, &QAction::triggered, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Import a record"),
            QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation),
            tr("JSON Lines (*.jsonl *.json);;All files (*)"));
        if (!path.isEmpty())
            importTranscript(path);
    });
    // A record imported from the frames panel's own tools joins the history too.
    connect(m_frames, &FramesPanel::transcriptImported, this,
        [this](std::shared_ptr<const Transcript> transcript, const QString& name) {
            m_shownRow = m_history->addImported(std::move(transcript), name);
            m_historyView->selectRow(m_shownRow);
            m_historyView->scrollTo(m_history->index(m_shownRow, 0));
        });
    connect(m_ui->actionClearFrames, &QAction::triggered, m_frames, &FramesPanel::clearShown);
    addAction(m_frames->findAction()); // Ctrl+F from anywhere in the window
    const HandshakeSource built = [this] {
        return std::optional(HandshakeToCopy { m_builder->specToSend(), m_builder->preview() });
    };
    m_exchange->setCopySource(built, [this](const QString& text) { showStatus(text); });
    m_ui->menuConnection->addMenu(createCopyAsMenu(
        built, [this](const QString& text) { showStatus(text); }, this));
    buildPresetMenu();
    m_builder->setProfiles(builtInProfiles());

    // Ctrl+Return connects only from the builder (the composer uses it to send): pressed anywhere else it
    // must not replace an open session. The menu item still works from everywhere.
    m_ui->actionConnect->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_builderDock->addAction(m_ui->actionConnect);
    connect(m_ui->actionConnect, &QAction::triggered, this, &MainWindow::connectNow);
    connect(m_ui->actionDisconnect, &QAction::triggered, this, &MainWindow::disconnectNow);
    connect(m_ui->actionClear, &QAction::triggered, this, &MainWindow::clearExchange);
    connect(m_ui->actionOpenProfile, &QAction::triggered, this, &MainWindow::chooseProfileToOpen);
    connect(m_ui->actionSaveProfile, &QAction::triggered, this, &MainWindow::chooseProfileToSave);
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionAbout, &QAction::triggered, this, [this] { showAboutBox(this); });
    installHelpMenu(this, m_ui->menuHelp);
    connect(m_builder, &HandshakeBuilder::connectRequested, this, &MainWindow::connectNow);
    connect(m_builder, &HandshakeBuilder::disconnectRequested, this, &MainWindow::disconnectNow);
    connect(m_builder, &HandshakeBuilder::profileChosen, this, &MainWindow::openProfile);
    connect(m_builder, &HandshakeBuilder::statusMessage, this, [this](const QString& text) { showStatus(text); });
    if (m_server)
        connect(m_server, &EchoServer::handshakeDecided, this, [this] { refreshServerView(); });

    openProfile(kDefaultProfile);
    updateActions();
    showStatus(m_server && m_server->isListening()
            ? tr("Local echo server listening at %1. Press Connect (Ctrl+Return) to send the handshake.")
                  .arg(m_server->url().toString())
            : tr("Ready. Enter a ws:// or wss:// URL and press Connect (Ctrl+Return)."));
}

MainWindow::~MainWindow()
{
    // The session's signals reach into the views; silence it before they go.
    if (m_session)
        m_session->disconnect(this);
}

void MainWindow::createServerDock()
{
    m_serverDock = new QDockWidget(tr("Local server"), this);
    m_serverDock->setObjectName(QStringLiteral("serverDock"));
    m_serverDock->setFeatures(
        QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
#ifdef WSI_HAVE_SERVER_PANEL
    if (m_server) {
        auto* panel = new ServerPanel(m_server, m_serverDock);
        m_serverDock->setWidget(panel);
        connect(panel, &ServerPanel::statusMessage, this, [this](const QString& text) { showStatus(text); });
        connect(panel, &ServerPanel::serverUrlChanged, this, [this](const QUrl& url) {
            // Keep the builder pointed at the local server when it moves (new port, TLS toggled).
            HandshakeSpec spec = m_builder->spec();
            const QUrl current(spec.url);
            if (url.isValid() && sameServer(current, embeddedServerUrl())) {
                retargetSpec(spec, url);
                m_builder->setSpec(spec);
            }
            m_lastServerUrl = url;
        });
        m_lastServerUrl = m_server->url();
        addDockWidget(Qt::RightDockWidgetArea, m_serverDock);
        return;
    }
#endif
    auto* label = new QLabel(m_serverDock);
    label->setWordWrap(true);
    label->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    label->setMargin(8);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setText(m_server && m_server->isListening()
            ? tr("<p><b>Local echo server</b></p><p>Listening at <code>%1</code> (loopback only).</p>"
                 "<p>Subprotocols it selects: %2. permessage-deflate: %3.</p>")
                  .arg(m_server->url().toString().toHtmlEscaped(),
                      QString::fromUtf8(m_server->policy().protocols.join(", ")).toHtmlEscaped(),
                      m_server->policy().deflate.enabled ? tr("on") : tr("off"))
            : tr("<p>No local server is running.</p>"));
    m_serverDock->setWidget(label);
    if (m_server)
        m_lastServerUrl = m_server->url();
    addDockWidget(Qt::RightDockWidgetArea, m_serverDock);
}

QUrl MainWindow::embeddedServerUrl() const
{
    return m_lastServerUrl;
}

void MainWindow::buildPresetMenu()
{
    m_ui->menuPresets->clear();
    m_ui->menuPresets->setToolTipsVisible(true); // each preset's description, in full
    int number = 0;
    for (const ProfileInfo& info : builtInProfiles()) {
        // Numbered so that each preset has a key in the open menu.
        ++number;
        QString title = info.name;
        title.replace(QLatin1Char('&'), QStringLiteral("&&"));
        if (number <= 9)
            title = QStringLiteral("&%1 %2").arg(number).arg(title);
        QAction* action = m_ui->menuPresets->addAction(title);
        action->setToolTip(info.description);
        action->setStatusTip(info.description);
        connect(action, &QAction::triggered, this, [this, path = info.path] { openProfile(path); });
    }
}

bool MainWindow::openProfile(const QString& path)
{
    QString error;
    auto loaded = loadProfile(path, &error);
    if (!loaded) {
        showStatus(error, true);
        return false;
    }
    if (isBuiltInProfile(path) && m_server && m_server->isListening())
        retargetSpec(loaded->spec, m_lastServerUrl.isValid() ? m_lastServerUrl : m_server->url());
    m_profile = loaded->info;
    const bool undoable = m_builder->loadProfileSpec(loaded->spec, m_profile);
    const QString loadedText = isBuiltInProfile(path) ? tr("Preset “%1” loaded").arg(loaded->info.name)
                                                      : tr("Profile “%1” loaded").arg(loaded->info.name);
    showStatus(undoable ? tr("%1 — Ctrl+Z restores your edits.").arg(loadedText) : loadedText + QLatin1Char('.'));
    return true;
}

bool MainWindow::saveProfileAs(const QString& path)
{
    QString error;
    const QString name = QFileInfo(path).completeBaseName();
    if (!saveProfile(path, m_builder->spec(), name, &error)) {
        showStatus(error, true);
        return false;
    }
    m_profile = ProfileInfo { path, name, {} };
    m_builder->setCurrentProfile(m_profile);
    showStatus(tr("Saved the handshake as %1.").arg(QDir::toNativeSeparators(path)));
    return true;
}

void MainWindow::chooseProfileToOpen()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open handshake profile"), dir, tr("Handshake profiles (*.json);;All files (*)"));
    if (!path.isEmpty())
        openProfile(path);
}

void MainWindow::chooseProfileToSave()
{
    QString dir = isBuiltInProfile(m_profile.path) || m_profile.path.isEmpty()
        ? QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) + QStringLiteral("/handshake.json")
        : m_profile.path;
    QString path = QFileDialog::getSaveFileName(
        this, tr("Save handshake profile"), dir, tr("Handshake profiles (*.json);;All files (*)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".json");
    saveProfileAs(path);
}

namespace
{
const QString kStartWithLastPolicies = QStringLiteral("server/startWithLastPolicies");
} // namespace

void MainWindow::restoreSettings()
{
    const std::unique_ptr<QSettings> settings = openSettings(m_settingsPath);
    SettingsReader reader(*settings);

    // A layout saved on a larger screen would come back squeezed: such a window starts with the default layout.
    const QSize available = screen() ? screen()->availableGeometry().size() : QSize();
    const std::optional<QSize> savedSize = reader.size(QStringLiteral("window/size"), tr("the window size"));
    const bool fits = !savedSize || !available.isValid() || savedWindowFits(*savedSize, available);
    QString layoutNote;
    if (fits) {
        const QString geometryName = tr("the window geometry");
        if (const auto geometry = reader.bytes(QStringLiteral("window/geometry"), geometryName);
            geometry && !restoreGeometry(*geometry))
            reader.refuse(geometryName);
        const QString stateName = tr("the dock layout");
        if (const auto state = reader.bytes(QStringLiteral("window/state"), stateName)) {
            // A saved dock layout is the person's choice: keep it instead of the default split.
            m_docksSized = restoreState(*state);
            if (!m_docksSized)
                reader.refuse(stateName);
        }
        const QString widthsName = tr("the dock widths");
        if (const auto widths = reader.bytes(QStringLiteral("window/dockWidths"), widthsName);
            widths && !m_layout->restoreDockWidths(*widths))
            reader.refuse(widthsName);
        m_layout->restoreSplitters(reader);
    } else {
        resize(size().boundedTo(available).expandedTo(minimumSize()));
        layoutNote = tr("The saved window layout was made for a larger screen (%1×%2); starting with the default "
                        "layout.")
                         .arg(savedSize->width())
                         .arg(savedSize->height());
    }

    const QString current = m_builder->spec().url;
    if (const auto recent = reader.textList(QStringLiteral("builder/recentUrls"), tr("the recent URLs")))
        m_builder->setRecentUrls(*recent);
    restoreRecentProfiles(reader, *m_builder);
    const QString last = reader.text(QStringLiteral("builder/lastProfile"), tr("the last profile")).value_or(QString());
    // A profile that has gone (file deleted) is not an error worth a message at start-up.
    if (!last.isEmpty() && last != m_profile.path && (isBuiltInProfile(last) || QFileInfo::exists(last)))
        openProfile(last);
    if (m_builder->spec().url != current && isBuiltInProfile(m_profile.path))
        m_builder->rememberUrl(current);
    restoreComposerOptions(reader, *m_frames->composer());

    const bool lastPolicies = reader.flag(kStartWithLastPolicies, tr("the server policy choice")).value_or(false);
    m_ui->actionStartWithLastPolicies->setChecked(lastPolicies);
    if (lastPolicies && m_server) {
        if (const std::optional<ServerPolicy> policy = restoreServerPolicy(reader))
            m_server->setPolicy(*policy);
    }

    const QString note = reader.note();
    if (!note.isEmpty() || !layoutNote.isEmpty())
        showStatus(QStringList { layoutNote, note }.join(QLatin1Char(' ')).trimmed(), !note.isEmpty());
}

void MainWindow::saveSettings() const
{
    const std::unique_ptr<QSettings> settings = openSettings(m_settingsPath);
    settings->setValue(QStringLiteral("window/size"), size());
    settings->setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings->setValue(QStringLiteral("window/state"), saveState());
    settings->setValue(QStringLiteral("window/dockWidths"), m_layout->saveDockWidths());
    m_layout->saveSplitters(*settings);
    // The embedded server's port changes every run; remembering it would only fill the list with dead URLs.
    QStringList recent;
    for (const QString& url : m_builder->recentUrls()) {
        if (!sameServer(QUrl(url), m_lastServerUrl))
            recent.append(url);
    }
    settings->setValue(QStringLiteral("builder/recentUrls"), recent);
    settings->setValue(QStringLiteral("builder/lastProfile"), m_profile.path);
    saveRecentProfiles(*settings, *m_builder);
    saveComposerOptions(*settings, *m_frames->composer());
    const bool lastPolicies = m_ui->actionStartWithLastPolicies->isChecked();
    settings->setValue(kStartWithLastPolicies, lastPolicies);
    if (lastPolicies && m_server)
        saveServerPolicy(*settings, m_server->policy());
}

void MainWindow::sizeHistoryDock()
{
    // Three rows and the header: enough to see the last attempts and pick one, without taking the exchange's room.
    const int rows = m_historyView->verticalHeader()->defaultSectionSize() * 3
        + m_historyView->horizontalHeader()->sizeHint().height() + 2 * m_historyView->frameWidth()
        + m_historyDock->fontMetrics().height() + 16; // the dock's title bar and margins
    resizeDocks({ m_historyDock }, { rows }, Qt::Vertical);
}

void MainWindow::resetLayout()
{
    m_layout->applyDefault();
    sizeHistoryDock();
    m_layout->resetSplitters();
    m_docksSized = true;
    showStatus(m_layout->isStacked()
            ? tr("Layout reset: the builder on the left with the local server under it (the window is too narrow "
                 "for three columns).")
            : tr("Layout reset: the builder on the left, the local server on the right."));
}

void MainWindow::showEvent(QShowEvent* event)
{
    QMainWindow::showEvent(event);
    if (m_docksSized)
        return;
    m_docksSized = true;
    // Without a saved layout, share the width by what each area needs (a narrow window stacks the docks).
    m_layout->applyDefault();
    sizeHistoryDock();
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    event->accept();
}

void MainWindow::createHistoryDock()
{
    m_historyDock = new QDockWidget(tr("Sessions"), this);
    m_historyDock->setObjectName(QStringLiteral("historyDock"));
    m_historyDock->setFeatures(
        QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
    auto* box = new QWidget(m_historyDock);
    // The list with its buttons beside it: the window's height is the scarcer room.
    auto* layout = new QHBoxLayout(box);
    layout->setContentsMargins(4, 2, 4, 2);
    m_historyView = new QTableView(box);
    m_historyView->setObjectName(QStringLiteral("historyView"));
    m_historyView->setModel(m_history);
    m_historyView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_historyView->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_historyView->verticalHeader()->hide();
    m_historyView->setShowGrid(false);
    m_historyView->setWordWrap(false);
    m_historyView->horizontalHeader()->setSectionResizeMode(SessionHistory::Number, QHeaderView::ResizeToContents);
    m_historyView->horizontalHeader()->setSectionResizeMode(SessionHistory::Started, QHeaderView::ResizeToContents);
    m_historyView->horizontalHeader()->setSectionResizeMode(SessionHistory::Target, QHeaderView::Interactive);
    m_historyView->horizontalHeader()->setStretchLastSection(true);
    m_historyView->setColumnWidth(SessionHistory::Target, 220);
    layout->addWidget(m_historyView);
    m_historyView->verticalHeader()->setDefaultSectionSize(m_historyView->fontMetrics().height() + 6);
    auto* buttons = new QVBoxLayout;
    auto* compare = new QPushButton(tr("Co&mpare"), box);
    compare->setObjectName(QStringLiteral("compareButton"));
    compare->setToolTip(tr("Select two sessions: their requests and responses side by side, differences marked"));
    compare->setEnabled(false);
    auto* forget = new QPushButton(tr("Forget finished"), box);
    forget->setObjectName(QStringLiteral("forgetButton"));
    buttons->addWidget(compare);
    buttons->addWidget(forget);
    buttons->addStretch();
    forget->setToolTip(tr("Forget every session that is over (the live one stays)"));
    layout->addLayout(buttons);
    m_historyDock->setWidget(box);
    addDockWidget(Qt::BottomDockWidgetArea, m_historyDock);

    connect(m_historyView->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this, compare] {
        const QModelIndexList rows = m_historyView->selectionModel()->selectedRows();
        compare->setEnabled(rows.size() == 2);
        if (rows.size() == 1 && rows.first().row() != m_shownRow)
            showHistoryRow(rows.first().row());
    });
    connect(compare, &QPushButton::clicked, this, [this] {
        const QModelIndexList rows = m_historyView->selectionModel()->selectedRows();
        if (rows.size() == 2)
            compareHistoryRows(qMin(rows.at(0).row(), rows.at(1).row()), qMax(rows.at(0).row(), rows.at(1).row()));
    });
    connect(forget, &QPushButton::clicked, this, [this] {
        m_history->clearFinished();
        m_shownRow = m_session ? m_history->rowOf(m_session) : -1;
        if (m_shownRow >= 0)
            m_historyView->selectRow(m_shownRow);
        else
            clearExchange();
    });
}

void MainWindow::connectNow()
{
    const HandshakeSpec spec = m_builder->specToSend();
    const BuiltRequest preview = m_builder->preview();
    if (!preview.ok()) {
        // Nothing is sent and the open session, if any, is left as it is; say why where the person is looking.
        showStatus(tr("Not sent: %1").arg(preview.error), true);
        if (!m_session || !m_session->state().live()) {
            Exchange e;
            e.error = preview.error;
            e.finished = true;
            m_exchange->setExchange(e);
        }
        Q_EMIT exchangeFinished();
        return;
    }
    if (m_reconnecting)
        return; // the next session starts as soon as the old one has closed
    ClientSession* old = m_session;
    if (old && old->phase() == ClientSession::Phase::Open) {
        // Close it the way a person would (RFC 6455 §7.1.2) and start the new one when the server has answered
        // or after a bounded wait: the server's record then shows 1000 "reconnect", not an abnormal 1006.
        m_reconnecting = true;
        showStatus(tr("Closing session #%1 (1000 “reconnect”) before connecting again…")
                       .arg(m_history->entry(m_history->rowOf(old)).number));
        auto start = [this, old, spec, preview] {
            if (!m_reconnecting)
                return;
            m_reconnecting = false;
            if (old && old->phase() != ClientSession::Phase::Closed)
                old->abort();
            startSession(spec, preview);
        };
        connect(old, &ClientSession::finished, this, start, Qt::SingleShotConnection);
        QTimer::singleShot(kReconnectWaitMs, this, start);
        old->sendClose(1000, "reconnect");
        updateActions();
        return;
    }
    if (old && old->phase() != ClientSession::Phase::Closed)
        old->abort(); // still connecting or handshaking: nothing to close politely yet
    startSession(spec, preview);
}

void MainWindow::startSession(const HandshakeSpec& spec, const BuiltRequest& preview)
{
    m_handshakeReported = false;
    m_builder->rememberUrl(spec.url);

    ClientOptions options;
    const bool local = m_server && sameServer(preview.url, m_lastServerUrl);
    // The local server's certificate is self-signed for this run; verifying it could only fail.
    options.insecure = (local && preview.tls) || m_builder->skipCertificateVerification();
    options.audience = FailureAudience::Window;

    auto* session = new ClientSession(this);
    m_session = session;
    m_shownRow = m_history->addSession(session, preview.url.toString());
    connect(session, &ClientSession::phaseChanged, this, [this, session] {
        updateActions();
        if (session == m_session)
            refreshExchange();
    });
    connect(session, &ClientSession::handshakeFinished, this, [this, session] {
        if (session == m_session)
            sessionFinishedHandshake();
    });
    connect(session, &ClientSession::finished, this, [this, session] { sessionFinished(session); });
    m_frames->setClientSession(session);
    {
        const QSignalBlocker blocker(m_historyView->selectionModel());
        m_historyView->selectRow(m_shownRow);
    }
    m_historyView->scrollTo(m_history->index(m_shownRow, 0));
    session->start(spec, options);
    refreshExchange();
    updateActions();
    if (session->phase() != ClientSession::Phase::Closed)
        showStatus(tr("Connecting to %1…").arg(preview.url.toString()));
}

void MainWindow::sessionFinished(ClientSession* session)
{
    if (session != m_session) {
        updateActions();
        return;
    }
    refreshExchange();
    m_frames->updateStats();
    if (!m_handshakeReported)
        sessionFinishedHandshake();
    else if (const SessionState state = session->state(); state.stage == SessionStage::Closed)
        showStatus(tr("Session #%1 %2.").arg(m_history->entry(m_history->rowOf(session)).number).arg(state.headline),
            state.tone == SessionState::Tone::Bad);
    updateActions();
}

void MainWindow::showHistoryRow(int row)
{
    if (row < 0 || row >= m_history->size())
        return;
    m_shownRow = row;
    const HistoryEntry& entry = m_history->entry(row);
    if (entry.session)
        m_frames->setClientSession(entry.session);
    else if (entry.imported)
        m_frames->showImported(entry.imported, entry.target);
    {
        const QSignalBlocker blocker(m_historyView->selectionModel());
        if (m_historyView->selectionModel()->selectedRows().size() <= 1)
            m_historyView->selectRow(row);
    }
    refreshExchange();
}

bool MainWindow::importTranscript(const QString& path)
{
    // The frames panel reads and shows it; its transcriptImported signal adds it to the history.
    QString error;
    if (!m_frames->importJsonLines(path, &error)) {
        showStatus(error, true);
        return false;
    }
    refreshExchange();
    showStatus(tr("Imported %1: %2.").arg(QFileInfo(path).fileName(), m_history->entry(m_shownRow).state().headline));
    return true;
}

void MainWindow::compareHistoryRows(int first, int second)
{
    if (first < 0 || second < 0 || first >= m_history->size() || second >= m_history->size())
        return;
    auto* window = new SessionCompareWindow(this);
    window->setAttribute(Qt::WA_DeleteOnClose);
    const HistoryEntry& a = m_history->entry(first);
    const HistoryEntry& b = m_history->entry(second);
    auto steps = [](const HistoryEntry& e) {
        const Transcript* record = e.transcript();
        return record ? record->handshake().decisionSteps : QList<DecisionStep> {};
    };
    window->compare({ tr("#%1 %2").arg(a.number).arg(a.target), exchangeFor(a), steps(a) },
        { tr("#%1 %2").arg(b.number).arg(b.target), exchangeFor(b), steps(b) });
    window->show();
}

void MainWindow::showFramesTab()
{
    m_centerTabs->setCurrentWidget(m_framesTab);
}

void MainWindow::showHandshakeTab()
{
    m_centerTabs->setCurrentWidget(m_exchange);
}

void MainWindow::disconnectNow()
{
    if (!m_session)
        return;
    if (m_session->phase() == ClientSession::Phase::Open) {
        m_session->sendClose(1000);
        showStatus(tr("Closing: sent a close frame (1000)."));
    } else if (m_session->phase() != ClientSession::Phase::Closed) {
        m_reconnecting = false;
        m_session->abort();
        showStatus(tr("Dropped the connection before the handshake finished."));
    }
    updateActions();
}

void MainWindow::clearExchange()
{
    m_exchange->clear();
    showStatus(tr("Cleared."));
}

Exchange MainWindow::exchangeFor(const HistoryEntry& entry) const
{
    if (!entry.session) {
        Exchange e = entry.imported ? exchangeFromRecord(*entry.imported) : Exchange {};
        e.state = entry.state();
        return e;
    }
    const ClientSession* session = entry.session;
    const BuiltRequest& built = session->request();
    const HandshakeRecord& record = session->transcript().handshake();
    Exchange e;
    e.rawRequest = record.rawRequest.isEmpty() ? built.bytes : record.rawRequest;
    e.request = session->sentRequest(); // none when the bytes sent hold no complete head
    e.key = built.key;
    e.rawResponse = record.rawResponse;
    e.response = session->response();
    e.findings = requestProblems(session->requestFindings()) + session->findings();
    if (session->failure() != ClientSession::Failure::None)
        e.error = session->errorString();
    e.finished = session->phase() == ClientSession::Phase::Closed || session->phase() == ClientSession::Phase::Open
        || session->phase() == ClientSession::Phase::Closing;
    e.timings = session->timings();
    e.tls = built.tls;
    e.state = session->state();
    // A typed key (or a raw request) is one a page's browser would never pick.
    const bool keyChosen = session->spec().rawMode || session->spec().keyMode == KeyMode::Fixed;
    addBrowserView(e, built.url, keyChosen, session->findings(), session->transcript().close());
    return e;
}

void MainWindow::refreshExchange()
{
    if (m_shownRow < 0 || m_shownRow >= m_history->size())
        return;
    const HistoryEntry& entry = m_history->entry(m_shownRow);
    m_exchange->setExchange(exchangeFor(entry));
    refreshServerView();
    updateActions();
}

void MainWindow::refreshServerView()
{
    if (m_shownRow < 0 || m_shownRow >= m_history->size()) {
        m_exchange->setServerView(std::nullopt);
        return;
    }
    const HistoryEntry& entry = m_history->entry(m_shownRow);
    // A record that carries the server's decision (saved from a session with the local server) shows it.
    if (const Transcript* record = entry.transcript(); record && !record->handshake().decisionSteps.isEmpty()) {
        m_exchange->setServerView(ServerView { record->handshake().decisionSteps, {} });
        return;
    }
    // A request that never went out has no decision to show (the server may have judged other bytes, such as a
    // TLS hello, but that is not this request).
    const QByteArray sent = m_exchange->exchange().requestSent() ? m_exchange->exchange().rawRequest : QByteArray();
    if (!m_server || !entry.session || sent.isEmpty() || !sameServer(QUrl(entry.target), m_lastServerUrl)) {
        m_exchange->setServerView(std::nullopt);
        return;
    }
    // The key is random per connection, so the raw bytes identify our connection among the server's.
    const QList<ServerConnection*> connections = m_server->connections();
    for (auto it = connections.crbegin(); it != connections.crend(); ++it) {
        const ServerConnection* connection = *it;
        if (connection->transcript().handshake().rawRequest != sent)
            continue;
        const QList<DecisionStep>& steps = connection->transcript().handshake().decisionSteps;
        if (steps.isEmpty())
            break;
        // Kept with the client's record: it outlives the server's connection and goes into exports.
        entry.session->recordServerDecision(steps, connection->transcript().handshake().user);
        m_exchange->setServerView(ServerView { steps, {} });
        return;
    }
    ServerView pending;
    pending.placeholder = entry.session->phase() == ClientSession::Phase::Closed
        ? tr("The local server kept no decision for this connection.")
        : tr("The local server has not decided yet.");
    m_exchange->setServerView(pending);
}

void MainWindow::sessionFinishedHandshake()
{
    m_handshakeReported = true;
    refreshExchange();
    m_frames->updateStats();
    if (!m_session)
        return;
    const auto& response = m_session->response();
    const qint64 us = m_session->timings().responseHeadDone;
    const QString took = us >= 0 ? tr(" in %1 ms").arg(double(us) / 1000.0, 0, 'f', 1) : QString();
    if (response && response->status == 101 && m_session->failure() == ClientSession::Failure::None) {
        QStringList parts;
        const QByteArray protocol = m_session->negotiatedProtocol();
        parts.append(protocol.isEmpty() ? tr("no subprotocol") : tr("subprotocol %1").arg(QString::fromUtf8(protocol)));
        parts.append(m_session->negotiatedDeflate() ? tr("permessage-deflate on") : tr("no compression"));
        showStatus(tr("Open: 101 Switching Protocols%1 — %2.").arg(took, parts.join(QStringLiteral(", "))));
    } else if (response && response->status != 101) {
        showStatus(tr("Refused: the server answered %1 %2%3 instead of 101, so there is no WebSocket.")
                       .arg(response->status)
                       .arg(QString::fromUtf8(response->reason), took),
            true);
    } else {
        showStatus(m_session->errorString().isEmpty() ? tr("The handshake failed.") : m_session->errorString(), true);
    }
    Q_EMIT exchangeFinished();
}

void MainWindow::updateActions()
{
    const bool active = m_session && m_session->phase() != ClientSession::Phase::Closed
        && m_session->phase() != ClientSession::Phase::Idle;
    m_ui->actionDisconnect->setEnabled(active);
    m_builder->setConnectionActive(active);
    if (!m_session) {
        m_phaseLabel->setText(tr("Not connected"));
        m_phaseLabel->setToolTip({});
        return;
    }
    // The same judgement the exchange summary and the history show.
    const SessionState state = m_session->state();
    m_phaseLabel->setText(tr("Connection: %1").arg(sessionStageName(state.stage)));
    if (m_status)
        m_status->fitFields(); // the phase's text may have grown
    m_phaseLabel->setToolTip(state.timeline.isEmpty()
            ? state.headline
            : QStringLiteral("%1\n%2").arg(state.headline, timelineText(state.timeline)));
}

void MainWindow::showStatus(const QString& text, bool error)
{
    // Errors stay until the next message; a person must have the chance to read them.
    m_status->showMessage(text, error);
}

} // namespace wsi
