#include "ui/window/mainwindow.h"

#include "core/checks.h"
#include "engine/clientsession.h"
#include "engine/echoserver.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/exchange/exchangeview.h"
#include "ui/frames/composer.h"
#include "ui/frames/framesfiltermodel.h"
#include "ui/frames/framesmodel.h"
#include "ui/frames/framespanel.h"
#include "ui/widgets/formscrollarea.h"
#include "ui/widgets/wheelguard.h"
#include "ui/window/statusfields.h"
#include "ui/window/windowlayout.h"
#include "ui/window/windowsettings.h"
#include "ui_mainwindow.h"

#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QLabel>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
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
    m_layout = new WindowLayout(this, m_builderDock, m_serverDock);
    m_layout->captureSplitterDefaults();
    m_builderDock->toggleViewAction()->setText(tr("Handshake &builder"));
    m_ui->menuView->addAction(m_builderDock->toggleViewAction());
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
        showFramesTab();
        m_frames->chooseImport();
    });
    connect(m_ui->actionClearFrames, &QAction::triggered, m_frames, &FramesPanel::clearShown);
    buildPresetMenu();
    m_builder->setProfiles(builtInProfiles());

    connect(m_ui->actionConnect, &QAction::triggered, this, &MainWindow::connectNow);
    connect(m_ui->actionDisconnect, &QAction::triggered, this, &MainWindow::disconnectNow);
    connect(m_ui->actionClear, &QAction::triggered, this, &MainWindow::clearExchange);
    connect(m_ui->actionOpenProfile, &QAction::triggered, this, &MainWindow::chooseProfileToOpen);
    connect(m_ui->actionSaveProfile, &QAction::triggered, this, &MainWindow::chooseProfileToSave);
    connect(m_ui->actionQuit, &QAction::triggered, this, &QWidget::close);
    connect(m_ui->actionAbout, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About WebSocket Inspector"),
            tr("<p><b>WebSocket Inspector %1</b></p><p>Build a WebSocket opening handshake, send it, and see both raw "
               "messages with every check against RFC 6455 and RFC 7692.</p>")
                .arg(QStringLiteral(WSI_VERSION)));
    });
    connect(m_builder, &HandshakeBuilder::connectRequested, this, &MainWindow::connectNow);
    connect(m_builder, &HandshakeBuilder::disconnectRequested, this, &MainWindow::disconnectNow);
    connect(m_builder, &HandshakeBuilder::profileChosen, this, &MainWindow::openProfile);
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
    m_builder->setSpec(loaded->spec);
    m_builder->setCurrentProfile(m_profile);
    showStatus(loaded->info.description.isEmpty()
            ? tr("Loaded profile “%1”.").arg(loaded->info.name)
            : tr("Loaded “%1”: %2").arg(loaded->info.name, loaded->info.description));
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

void MainWindow::resetLayout()
{
    m_layout->applyDefault();
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
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    event->accept();
}

void MainWindow::connectNow()
{
    if (m_session) {
        m_session->disconnect(this);
        m_session->abort();
        m_session->deleteLater();
        m_session = nullptr;
    }
    m_handshakeReported = false;
    const HandshakeSpec spec = m_builder->spec();
    const BuiltRequest preview = m_builder->preview();
    if (!preview.ok()) {
        // Nothing is sent; say why where the person is looking.
        m_exchange->clear();
        showStatus(tr("Not sent: %1").arg(preview.error), true);
        Exchange e;
        e.error = preview.error;
        e.finished = true;
        m_exchange->setExchange(e);
        Q_EMIT exchangeFinished();
        return;
    }
    m_builder->rememberUrl(spec.url);

    ClientOptions options;
    const bool local = m_server && sameServer(preview.url, m_lastServerUrl);
    // The local server's certificate is self-signed for this run; verifying it could only fail.
    options.insecure = local && preview.tls;

    m_session = new ClientSession(this);
    connect(m_session, &ClientSession::phaseChanged, this, [this] {
        updateActions();
        refreshExchange();
    });
    connect(m_session, &ClientSession::handshakeFinished, this, &MainWindow::sessionFinishedHandshake);
    connect(m_session, &ClientSession::finished, this, [this] {
        refreshExchange();
        if (!m_handshakeReported)
            sessionFinishedHandshake();
        updateActions();
    });
    m_exchange->clear();
    m_frames->setClientSession(m_session);
    m_session->start(spec, options);
    refreshExchange();
    updateActions();
    if (m_session && m_session->phase() != ClientSession::Phase::Closed)
        showStatus(tr("Connecting to %1…").arg(preview.url.toString()));
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

void MainWindow::refreshExchange()
{
    if (!m_session)
        return;
    const BuiltRequest& built = m_session->request();
    const HandshakeRecord& record = m_session->transcript().handshake();
    Exchange e;
    e.rawRequest = record.rawRequest.isEmpty() ? built.bytes : record.rawRequest;
    e.request = m_session->sentRequest(); // none when the bytes sent hold no complete head
    e.key = built.key;
    e.rawResponse = record.rawResponse;
    e.response = m_session->response();
    // Our own request's problems are listed only when there are some: passing checks of a request
    // we built would bury the verdicts about the server's answer.
    for (const Finding& f : m_session->requestFindings()) {
        if (f.severity != Severity::Pass && f.severity != Severity::Info)
            e.findings.append(f);
    }
    e.findings += m_session->findings();
    if (m_session->failure() != ClientSession::Failure::None)
        e.error = m_session->errorString();
    e.finished = m_handshakeReported || m_session->phase() == ClientSession::Phase::Closed;
    m_exchange->setExchange(e);
    refreshServerView();
}

void MainWindow::refreshServerView()
{
    const QByteArray sent = m_exchange->exchange().rawRequest;
    if (!m_server || sent.isEmpty() || !sameServer(QUrl(m_builder->spec().url), m_lastServerUrl)) {
        m_exchange->setServerView(std::nullopt);
        return;
    }
    // The key is random per connection, so the raw bytes identify our connection among the server's.
    const QList<ServerConnection*> connections = m_server->connections();
    for (auto it = connections.crbegin(); it != connections.crend(); ++it) {
        const ServerConnection* connection = *it;
        if (connection->transcript().handshake().rawRequest != sent)
            continue;
        ServerView view;
        view.steps = connection->transcript().handshake().decisionSteps;
        if (view.steps.isEmpty())
            break;
        m_exchange->setServerView(view);
        return;
    }
    ServerView pending;
    pending.placeholder = tr("The local server has not decided yet.");
    m_exchange->setServerView(pending);
}

void MainWindow::sessionFinishedHandshake()
{
    m_handshakeReported = true;
    refreshExchange();
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
    m_phaseLabel->setText(m_session ? tr("Connection: %1").arg(phaseName(m_session->phase())) : tr("Not connected"));
}

void MainWindow::showStatus(const QString& text, bool error)
{
    // Errors stay until the next message; a person must have the chance to read them.
    m_status->showMessage(text, error);
}

} // namespace wsi
