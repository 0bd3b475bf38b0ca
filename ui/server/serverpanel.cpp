#include "ui/server/serverpanel.h"

#include "core/policyschema.h"
#include "ui/server/connectionsmodel.h"
#include "ui/server/policyform.h"
#include "ui/server/serverpresets.h"
#include "ui/widgets/decisiontraceview.h"
#include "ui/widgets/palette.h"
#include "ui_serverpanel.h"

#include <QAction>
#include <QClipboard>
#include <QDateTime>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLineEdit>
#include <QMenu>
#include <QScrollBar>

namespace wsi
{

ServerPanel::ServerPanel(EchoServer* server, QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::ServerPanel>())
    , m_server(server)
    , m_model(new ConnectionsModel(this))
{
    m_ui->setupUi(this);

    // The raw request and response read as the exchange shows them: CR, LF and odd bytes escaped.
    m_ui->requestView->setPlaceholderText(tr("(nothing received yet)"));
    m_ui->responseView->setPlaceholderText(tr("(nothing sent yet)"));
    const QFont mono = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    QFont smallMono = mono;
    smallMono.setPointSizeF(mono.pointSizeF() * 0.9);
    m_ui->fingerprintLabel->setFont(smallMono);
    m_ui->fingerprintLabel->hide();
    m_ui->warningLabel->setStyleSheet(QStringLiteral("color: %1;").arg(palette::css(palette::warning)));
    m_ui->warningLabel->hide();
    m_ui->errorLabel->setStyleSheet(QStringLiteral("color: %1;").arg(palette::css(palette::error)));
    m_ui->errorLabel->hide();
    m_ui->policyNotice->setStyleSheet(QStringLiteral("color: %1;").arg(palette::css(palette::warning)));
    m_ui->policyNotice->hide();
    m_ui->undoPolicyButton->hide();
    // Ctrl+Z anywhere in the panel (a text field with focus keeps its own undo for its text).
    auto* undo = new QAction(tr("Undo policy change"), this);
    undo->setShortcut(QKeySequence::Undo);
    undo->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(undo);
    connect(undo, &QAction::triggered, this, &ServerPanel::undoPolicyChange);
    connect(m_ui->undoPolicyButton, &QToolButton::clicked, this, &ServerPanel::undoPolicyChange);
    m_ui->traceView->setPlaceholder(tr("No connection selected."));

    // The table: compact rows and fixed widths (measuring every row on each update would cost more
    // than it shows). The peer column gives way when the dock is narrow, eliding the start of the
    // address so the port that tells connections apart stays readable.
    QTableView* view = m_ui->connectionsView;
    view->setModel(m_model);
    view->verticalHeader()->hide();
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    view->setTextElideMode(Qt::ElideLeft);
    QHeaderView* header = view->horizontalHeader();
    header->setStretchLastSection(false);
    header->setHighlightSections(false);
    const QFontMetrics fm = view->fontMetrics();
    const int pad = 10;
    header->setMinimumSectionSize(fm.horizontalAdvance(QStringLiteral("999")) + pad);
    header->resizeSection(ConnectionsModel::IdColumn, fm.horizontalAdvance(QStringLiteral("999")) + pad);
    header->setSectionResizeMode(ConnectionsModel::PeerColumn, QHeaderView::Stretch);
    header->resizeSection(ConnectionsModel::TimeColumn, fm.horizontalAdvance(QStringLiteral("00:00:00")) + pad);
    header->resizeSection(ConnectionsModel::StatusColumn, fm.horizontalAdvance(QStringLiteral("Status")) + pad);
    header->resizeSection(ConnectionsModel::ProtocolColumn, fm.horizontalAdvance(QStringLiteral("msgpack")) + pad);
    header->resizeSection(ConnectionsModel::UserColumn, fm.horizontalAdvance(QStringLiteral("alice")) + pad);
    header->resizeSection(ConnectionsModel::StateColumn, fm.horizontalAdvance(QStringLiteral("closed 1000")) + pad);
    view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(view, &QWidget::customContextMenuRequested, this, [this, view](const QPoint& at) {
        const QModelIndex index = view->indexAt(at);
        if (!index.isValid())
            return;
        std::unique_ptr<QMenu> menu(connectionMenu(index.row(), this));
        menu->exec(view->viewport()->mapToGlobal(at));
    });

    // Most of the height for the settings, the rest split between the list and the selected
    // connection; the user can drag the handles.
    m_ui->splitter->setStretchFactor(0, 5);
    m_ui->splitter->setStretchFactor(1, 2);
    m_ui->splitter->setStretchFactor(2, 3);
    m_ui->splitter->setSizes({ 500, 200, 300 });

    connect(m_model, &ConnectionsModel::rowsFlushed, this, &ServerPanel::onRowsFlushed);
    connect(m_model, &ConnectionsModel::dataChanged, this,
        [this](const QModelIndex& topLeft, const QModelIndex& bottomRight) {
            const int row = m_model->rowForKey(m_shownKey);
            if (row >= topLeft.row() && row <= bottomRight.row())
                showSelected();
        });
    connect(m_model, &ConnectionsModel::modelReset, this, &ServerPanel::showSelected);
    connect(view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &ServerPanel::showSelected);
    connect(m_ui->clearButton, &QToolButton::clicked, this, &ServerPanel::clearConnections);

    connect(m_ui->startStopButton, &QPushButton::clicked, this, [this] {
        if (m_server && m_server->isListening())
            stopServer();
        else
            startServer();
    });
    connect(m_ui->tlsCheck, &QCheckBox::toggled, this, &ServerPanel::onTlsToggled);
    connect(m_ui->portSpin, &QSpinBox::editingFinished, this, &ServerPanel::onAddressOrPortEdited);
    connect(m_ui->addressCombo->lineEdit(), &QLineEdit::editingFinished, this, &ServerPanel::onAddressOrPortEdited);
    connect(m_ui->addressCombo, &QComboBox::activated, this, &ServerPanel::onAddressOrPortEdited);
    connect(m_ui->addressCombo, &QComboBox::currentTextChanged, this, &ServerPanel::updateAddressWarning);

    if (m_server) {
        loadPolicy(m_server->policy());
        m_acceptedPolicy = m_server->policy();
        const QList<ServerConnection*> accepted = m_server->connections();
        if (!accepted.isEmpty())
            m_acceptedPolicy = accepted.constLast()->policy();
        if (m_server->isListening()) {
            m_boundAddress = m_server->address();
            m_requestedPort = m_server->port();
            m_ui->addressCombo->setCurrentText(m_boundAddress.toString());
            m_ui->portSpin->setValue(m_server->port());
            m_lastUrl = m_server->url();
        }
        {
            const QSignalBlocker block(m_ui->tlsCheck);
            m_ui->tlsCheck->setChecked(m_server->isTls());
        }
        if (m_server->tlsIdentity())
            m_identity = m_server->tlsIdentity();

        connect(m_server, &EchoServer::connectionAccepted, this, &ServerPanel::track);
        connect(m_server, &EchoServer::handshakeDecided, this, &ServerPanel::refresh);
        connect(m_server, &EchoServer::connectionClosed, this, &ServerPanel::refresh);
        connect(m_server, &EchoServer::policyChanged, this, &ServerPanel::onServerPolicyChanged);
        showUserColumnWhenUseful();
        connect(m_server, &EchoServer::listeningChanged, this, &ServerPanel::onListeningChanged);
        const QList<ServerConnection*> existing = m_server->connections();
        for (ServerConnection* connection : existing)
            track(connection);
        m_model->flush();
    } else {
        setEnabled(false);
    }
    wireForm();
    addPresetMenu();
    m_ui->settingsContents->installEventFilter(this);
    updateServerState();
    updateAddressWarning();
}

ServerPanel::~ServerPanel()
{
    // The form's children outlive this object's own part during destruction; stop hearing them.
    m_ui->settingsContents->removeEventFilter(this);
}

QSize ServerPanel::sizeHint() const
{
    const QSize base = QWidget::sizeHint();
    return { std::max(base.width(), 420), base.height() };
}

// ---- policy form -------------------------------------------------------------------------------

void ServerPanel::wireForm()
{
    connect(m_ui->policyForm, &PolicyForm::policyEdited, this, &ServerPanel::applyPolicy);
}

void ServerPanel::loadPolicy(const ServerPolicy& policy)
{
    m_ui->policyForm->setPolicy(policy);
    updateAddressWarning();
}

ServerPolicy ServerPanel::policyFromForm() const
{
    return m_ui->policyForm->policy();
}

void ServerPanel::applyPolicy()
{
    updateAddressWarning();
    if (!m_server)
        return;
    const ServerPolicy policy = policyFromForm();
    if (policy == m_server->policy())
        return;
    m_undo.append(m_server->policy());
    m_server->setPolicy(policy);
    updatePolicyNotice();
    if (const QStringList problems = m_server->policyFileProblems(); !problems.isEmpty())
        showError(tr("%1. The credentials that file would check are refused until it is fixed.")
                      .arg(problems.join(QStringLiteral(". "))));
    Q_EMIT statusMessage(tr("Server policy updated: applies to the next connection."));
}

void ServerPanel::addPresetMenu()
{
    m_presetCombo = new QComboBox(this);
    m_presetCombo->setObjectName(QStringLiteral("presetCombo"));
    // Long preset names must not widen a narrow dock: the popup shows them whole.
    m_presetCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_presetCombo->setMinimumContentsLength(12);
    m_presetCombo->addItem(tr("Apply a preset…"));
    for (const ServerPreset& preset : serverPresets()) {
        m_presetCombo->addItem(preset.name);
        m_presetCombo->setItemData(m_presetCombo->count() - 1, preset.description, Qt::ToolTipRole);
    }
    m_presetCombo->setToolTip(tr("Replace the whole policy with a ready-made one (Undo brings the last one back)."));
    auto* label = new QLabel(tr("Preset"), this);
    label->setBuddy(m_presetCombo);
    const int row = m_ui->serverLayout->rowCount();
    m_ui->serverLayout->addWidget(label, row, 0);
    m_ui->serverLayout->addWidget(m_presetCombo, row, 1, 1, 3);
    connect(m_presetCombo, &QComboBox::activated, this, &ServerPanel::applyPreset);
}

void ServerPanel::applyPreset(int index)
{
    const QList<ServerPreset> presets = serverPresets();
    m_presetCombo->setCurrentIndex(0); // a menu of actions, not a setting: the form shows what was applied
    if (index < 1 || index > presets.size())
        return;
    const ServerPreset& preset = presets.at(index - 1);
    QString error;
    const std::optional<ServerPolicy> policy = presetPolicy(preset, &error);
    if (!policy) {
        showError(error);
        return;
    }
    loadPolicy(*policy);
    applyPolicy();
    Q_EMIT statusMessage(tr("Preset “%1” applied: %2").arg(preset.name, preset.description));
}

void ServerPanel::undoPolicyChange()
{
    if (!m_server || m_undo.isEmpty())
        return;
    const ServerPolicy previous = m_undo.takeLast();
    loadPolicy(previous);
    m_server->setPolicy(previous);
    updatePolicyNotice();
    Q_EMIT statusMessage(tr("Server policy change undone: applies to the next connection."));
}

QStringList ServerPanel::pendingPolicyChanges() const
{
    return m_server ? policyDifferences(m_acceptedPolicy, m_server->policy()) : QStringList();
}

QString ServerPanel::policyNoticeText() const
{
    return m_ui->policyNotice->isVisibleTo(this) ? m_ui->policyNotice->text() : QString();
}

void ServerPanel::updatePolicyNotice()
{
    // The change is named field by field (from the schema's labels), old value → new in the tooltip, so a person
    // sees what the next connection will meet that the last one did not.
    const QStringList keys = pendingPolicyChanges();
    QStringList labels;
    QStringList details;
    for (const QString& key : keys) {
        const PolicyField* field = findPolicyField(key);
        if (!field)
            continue;
        const QString label = QString::fromUtf8(field->label);
        labels << label;
        details << tr("%1: %2 → %3")
                       .arg(label, policyValueText(*field, policyValue(m_acceptedPolicy, *field)),
                           policyValueText(*field, policyValue(m_server->policy(), *field)));
    }
    const bool show = !labels.isEmpty();
    if (show) {
        m_ui->policyNotice->setText(
            tr("Changed: %1 — applies to the next connection.").arg(labels.join(QStringLiteral(", "))));
        m_ui->policyNotice->setToolTip(
            tr("Open connections keep the policy they were accepted with.\n%1").arg(details.join(QLatin1Char('\n'))));
    }
    m_ui->undoPolicyButton->setVisible(!m_undo.isEmpty());
    m_ui->undoPolicyButton->setEnabled(!m_undo.isEmpty());
    if (m_ui->policyNotice->isVisibleTo(this) != show)
        m_ui->policyNotice->setVisible(show);
    fitSettingsHeight();
}

void ServerPanel::onServerPolicyChanged()
{
    updateServerState(); // the login page's link comes and goes with the policy
    // Someone else (a loaded profile, a test) changed the policy: show it rather than overwrite it.
    if (m_server && !(m_server->policy() == policyFromForm()))
        loadPolicy(m_server->policy());
    updatePolicyNotice();
    showUserColumnWhenUseful();
}

void ServerPanel::showUserColumnWhenUseful()
{
    // The User column says something only while the server authenticates; room is short at laptop sizes.
    const bool useful = m_server && m_server->policy().authenticationRequired();
    m_ui->connectionsView->setColumnHidden(ConnectionsModel::UserColumn, !useful);
}

// ---- server lifecycle --------------------------------------------------------------------------

std::optional<QHostAddress> ServerPanel::formAddress(QString* error) const
{
    const QString text = m_ui->addressCombo->currentText().trimmed();
    if (text.isEmpty() || text.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    QHostAddress address;
    if (!address.setAddress(text)) {
        if (error)
            *error = tr("“%1” is not an IP address. Use 127.0.0.1 to accept connections from this machine only.")
                         .arg(text);
        return std::nullopt;
    }
    return address;
}

bool ServerPanel::prepareTls(bool wanted)
{
    if (!wanted) {
        m_server->disableTls();
        return true;
    }
    if (!m_identity) {
        QString error;
        m_identity = generateSelfSignedIdentity(&error);
        if (!m_identity) {
            showError(tr("Could not create a TLS certificate: %1").arg(error.isEmpty() ? tr("unknown error") : error));
            return false;
        }
    }
    m_server->enableTls(*m_identity);
    return true;
}

bool ServerPanel::startServer()
{
    if (!m_server)
        return false;
    if (m_server->isListening())
        return true;
    QString error;
    const std::optional<QHostAddress> address = formAddress(&error);
    if (!address) {
        showError(error);
        return false;
    }
    if (!prepareTls(m_ui->tlsCheck->isChecked())) {
        updateServerState();
        return false;
    }
    const quint16 port = quint16(m_ui->portSpin->value());
    if (!m_server->listen(*address, port, &error)) {
        const QString where = address->protocol() == QAbstractSocket::IPv6Protocol
            ? QStringLiteral("[%1]:%2").arg(address->toString()).arg(port)
            : QStringLiteral("%1:%2").arg(address->toString()).arg(port);
        showError(tr("Could not listen on %1: %2").arg(where, error.isEmpty() ? tr("unknown error") : error));
        updateServerState();
        return false;
    }
    m_boundAddress = *address;
    m_requestedPort = port;
    showError({});
    updateServerState();
    if (!m_restarting) {
        publishUrl();
        Q_EMIT statusMessage(tr("Local server listening on %1").arg(m_server->url().toString()));
    }
    return true;
}

void ServerPanel::stopServer()
{
    if (!m_server || !m_server->isListening())
        return;
    m_server->close();
    updateServerState();
    if (!m_restarting) {
        publishUrl();
        Q_EMIT statusMessage(tr("Local server stopped; its open connections were closed with 1001 (going away)."));
    }
}

bool ServerPanel::restartServer()
{
    if (!m_server)
        return false;
    const bool wasListening = m_server->isListening();
    const quint16 previousPort = m_server->port();
    m_restarting = true;
    stopServer();
    // Keep the URL stable when only TLS changed and the user asked for "any free" port.
    bool ok = false;
    if (wasListening && m_ui->portSpin->value() == 0 && previousPort != 0) {
        const QSignalBlocker block(m_ui->portSpin);
        m_ui->portSpin->setValue(previousPort);
        ok = startServer();
        m_ui->portSpin->setValue(0);
        m_requestedPort = 0;
        if (!ok)
            showError({});
    }
    if (!ok)
        ok = startServer();
    m_restarting = false;
    publishUrl();
    if (ok)
        Q_EMIT statusMessage(tr("Local server restarted on %1").arg(m_server->url().toString()));
    return ok;
}

void ServerPanel::onTlsToggled(bool)
{
    if (m_server && m_server->isListening())
        restartServer();
    else
        updateServerState();
}

void ServerPanel::onAddressOrPortEdited()
{
    updateAddressWarning();
    if (!m_server || !m_server->isListening())
        return;
    const std::optional<QHostAddress> address = formAddress(nullptr);
    const quint16 port = quint16(m_ui->portSpin->value());
    if (address && *address == m_boundAddress && port == m_requestedPort)
        return;
    restartServer();
}

void ServerPanel::onListeningChanged()
{
    updateServerState();
    if (!m_restarting)
        publishUrl();
}

void ServerPanel::publishUrl()
{
    const QUrl url = m_server && m_server->isListening() ? m_server->url() : QUrl();
    if (url == m_lastUrl)
        return;
    m_lastUrl = url;
    Q_EMIT serverUrlChanged(url);
}

void ServerPanel::fitSettingsHeight()
{
    // On a tall screen the form needs less than its share: cap it at what it shows, so the
    // connections and the decision get the rest instead of empty space under the form.
    QWidget* contents = m_ui->settingsContents;
    // Wrapped labels (the fingerprint, errors) are taller when narrow: ask for the height at the
    // width the form really has.
    const int width = m_ui->settingsScroll->viewport()->width();
    const int content
        = contents->hasHeightForWidth() && width > 0 ? contents->heightForWidth(width) : contents->sizeHint().height();
    const int notice = m_ui->policyNotice->isVisibleTo(this) || m_ui->undoPolicyButton->isVisibleTo(this)
        ? std::max(m_ui->policyNotice->heightForWidth(m_ui->settingsScroll->width()),
              m_ui->undoPolicyButton->sizeHint().height())
            + m_ui->settingsPaneLayout->spacing()
        : 0;
    m_ui->settingsPane->setMaximumHeight(content + notice + 2 * m_ui->settingsScroll->frameWidth() + 8);
}

bool ServerPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_ui->settingsContents
        && (event->type() == QEvent::LayoutRequest || event->type() == QEvent::Resize))
        fitSettingsHeight();
    return QWidget::eventFilter(watched, event);
}

void ServerPanel::showError(const QString& text)
{
    m_ui->errorLabel->setText(text);
    m_ui->errorLabel->setVisible(!text.isEmpty());
    fitSettingsHeight();
    if (!text.isEmpty())
        Q_EMIT statusMessage(text);
}

void ServerPanel::updateServerState()
{
    const bool listening = m_server && m_server->isListening();
    m_ui->startStopButton->setText(listening ? tr("Stop") : tr("Start"));
    if (listening) {
        QString text = tr("Listening on %1").arg(m_server->url().toString().toHtmlEscaped());
        if (m_server->policy().login) {
            // The login page is for a browser: a link opens it there.
            QUrl page = m_server->url();
            page.setScheme(m_server->isTls() ? QStringLiteral("https") : QStringLiteral("http"));
            text += tr(" · login page: <a href=\"%1\">%1</a>").arg(page.toString().toHtmlEscaped());
        }
        m_ui->urlLabel->setText(text);
    } else {
        m_ui->urlLabel->setText(tr("Stopped"));
    }
    const bool tls = listening && m_server->isTls() && m_server->tlsIdentity();
    if (tls) {
        m_ui->fingerprintLabel->setText(
            tr("Self-signed certificate, SHA-256 fingerprint:\n%1").arg(m_server->tlsIdentity()->fingerprintSha256()));
    }
    m_ui->fingerprintLabel->setVisible(tls);
    updateAddressWarning();
    fitSettingsHeight();
}

void ServerPanel::updateAddressWarning()
{
    const bool listening = m_server && m_server->isListening();
    const std::optional<QHostAddress> address = listening ? std::optional(m_server->address()) : formAddress(nullptr);
    QString warning;
    if (address && !address->isLoopback()) {
        warning = listening
            ? tr("⚠ Listening on %1, not loopback: other machines on the network can connect.").arg(address->toString())
            : tr("⚠ %1 is not loopback: other machines on the network will be able to connect.")
                  .arg(address->toString());
    }
    // The policy's own warnings (core/policyschema.h) share the label: both say "others can get in".
    QStringList details;
    for (const PolicyWarning& policyWarning : policyWarnings(policyFromForm())) {
        if (!warning.isEmpty())
            warning += QLatin1Char('\n');
        warning += QStringLiteral("⚠ ") + policyWarning.text;
        details.append(policyWarning.explanation + QStringLiteral(" (") + policyWarning.references + QLatin1Char(')'));
    }
    m_ui->warningLabel->setText(warning);
    m_ui->warningLabel->setToolTip(details.join(QLatin1Char('\n')));
    if (m_ui->warningLabel->isVisibleTo(this) != !warning.isEmpty()) {
        m_ui->warningLabel->setVisible(!warning.isEmpty());
        fitSettingsHeight();
    }
}

// ---- connections -------------------------------------------------------------------------------

QMenu* ServerPanel::connectionMenu(int row, QWidget* parent)
{
    auto* menu = new QMenu(parent);
    const ConnectionInfo* info = m_model->info(row);
    if (!info) {
        menu->addAction(tr("No connection here"))->setEnabled(false);
        return menu;
    }
    // Copies of the values, not the row: the model may drop the row while the menu is open.
    const QString peer = info->peer;
    const QByteArray json = info->recordJson();
    const int id = info->id;
    menu->addAction(tr("Copy peer address"), this,
            [this, peer] {
                QGuiApplication::clipboard()->setText(peer);
                Q_EMIT statusMessage(tr("Copied the peer address %1.").arg(peer));
            })
        ->setObjectName(QStringLiteral("copyPeer"));
    menu->addAction(tr("Copy connection as JSON"), this,
            [this, json, id] {
                QGuiApplication::clipboard()->setText(QString::fromUtf8(json));
                Q_EMIT statusMessage(tr("Copied connection #%1 as JSON (its handshake and close events).").arg(id));
            })
        ->setObjectName(QStringLiteral("copyJson"));
    return menu;
}

void ServerPanel::track(ServerConnection* connection)
{
    if (!connection || m_keys.contains(connection))
        return;
    // From here on the pending changes are in use: the marker counts changes since this connection.
    m_acceptedPolicy = connection->policy();
    updatePolicyNotice();
    const quint64 key = m_nextKey++;
    m_keys.insert(connection, key);
    // The server deletes old closed connections itself; forget them then (the row stays, as a snapshot).
    connect(connection, &QObject::destroyed, this, [this](QObject* object) { m_keys.remove(object); });
    connect(connection, &ServerConnection::phaseChanged, this, [this, connection] { refresh(connection); });
    connect(connection, &ServerConnection::userChanged, this, [this, connection] { refresh(connection); });
    refresh(connection);
}

void ServerPanel::refresh(ServerConnection* connection)
{
    if (!connection)
        return;
    if (!m_keys.contains(connection))
        track(connection); // accepted before this panel existed, or a signal order we did not expect
    const quint64 key = m_keys.value(connection);
    if (key <= m_clearedUpTo)
        return;
    ConnectionInfo info = ConnectionInfo::fromConnection(*connection);
    info.key = key;
    m_model->upsert(info);
}

void ServerPanel::clearConnections()
{
    m_clearedUpTo = m_nextKey - 1;
    m_shownKey = 0;
    m_model->clear();
    showSelected();
}

void ServerPanel::onRowsFlushed(int first, int last)
{
    Q_UNUSED(first);
    // Follow the newest connection unless the user is looking at an older one.
    QTableView* view = m_ui->connectionsView;
    const QModelIndex current = view->selectionModel()->currentIndex();
    const bool following = !current.isValid() || current.row() >= first - 1;
    if (following) {
        view->selectionModel()->setCurrentIndex(
            m_model->index(last, 0), QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        view->scrollToBottom();
    }
}

void ServerPanel::showSelected()
{
    const QModelIndex current = m_ui->connectionsView->selectionModel()->currentIndex();
    const ConnectionInfo* info = current.isValid() ? m_model->info(current.row()) : nullptr;
    if (!info) {
        m_shownKey = 0;
        m_ui->detailLabel->setText(tr("Select a connection to see how the server answered it."));
        m_ui->traceView->setPlaceholder(tr("No connection selected."));
        m_ui->requestView->clearMessage();
        m_ui->responseView->clearMessage();
        return;
    }
    m_shownKey = info->key;
    QString summary = tr("#%1 from %2").arg(info->id).arg(info->peer);
    summary += QStringLiteral(" · ")
        + (info->status ? ConnectionsModel::statusText(info->status) : tr("waiting for the request"));
    if (!info->protocol.isEmpty())
        summary += QStringLiteral(" · ") + tr("protocol %1").arg(QString::fromUtf8(info->protocol));
    if (!info->extensions.isEmpty())
        summary += QStringLiteral(" · ") + QString::fromUtf8(info->extensions);
    if (info->handshakeRecord.user)
        summary += QStringLiteral(" · ") + tr("user %1").arg(info->userText());
    if (!info->closeHeadline.isEmpty())
        summary += QStringLiteral(" · ") + info->closeHeadline;
    if (info->handshakeRecord.user && !info->handshakeRecord.user->claims.isEmpty())
        summary += QStringLiteral(" · ")
            + tr("claims %1")
                  .arg(QString::fromUtf8(
                      QJsonDocument(info->handshakeRecord.user->claims).toJson(QJsonDocument::Compact)));
    m_ui->detailLabel->setText(summary);

    if (info->status == 0 && info->trace.isEmpty()) {
        m_ui->traceView->setPlaceholder(info->phase == ServerConnection::Phase::Closed
                ? tr("The connection ended before a complete request arrived.")
                : tr("The server is still waiting for the complete request."));
    } else {
        m_ui->traceView->setTrace(info->trace);
    }
    m_ui->traceView->appendNotes(info->problems);

    if (m_ui->requestView->message() != info->rawRequest)
        m_ui->requestView->setMessage(info->rawRequest);
    if (m_ui->responseView->message() != info->rawResponse)
        m_ui->responseView->setMessage(info->rawResponse);
}

} // namespace wsi
