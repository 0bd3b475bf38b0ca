#include "ui/builder/handshakebuilder.h"

#include "core/authentication.h"
#include "core/handshake.h"
#include "ui/builder/headerrowsmodel.h"
#include "ui/builder/jwteditor.h"
#include "ui/builder/logindialog.h"
#include "ui/widgets/formrows.h"
#include "ui/widgets/listeditor.h"
#include "ui/widgets/rawhttpview.h"
#include "ui_handshakebuilder.h"

#include <QAbstractItemView>
#include <QAction>
#include <QCompleter>
#include <QDateTime>
#include <QFontDatabase>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QRandomGenerator>

namespace wsi
{

namespace
{
constexpr int kMaxRecentUrls = 10;
constexpr int kMaxUndoLoads = 20;
// clientBitsCombo item data: -2 not offered, -1 offered without a value, else the value.
constexpr int kClientBitsNotOffered = -2;
constexpr int kClientBitsNoValue = -1;

QByteArray sixteenRandomBytes()
{
    QByteArray bytes(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(bytes.data()), 4);
    return bytes;
}
} // namespace

HandshakeBuilder::HandshakeBuilder(QWidget* parent)
    : QWidget(parent)
    , m_ui(std::make_unique<Ui::HandshakeBuilder>())
    , m_model(new HeaderRowsModel(this))
    , m_undoAction(new QAction(tr("Undo profile load"), this))
{
    m_ui->setupUi(this);
    // Recent URLs are suggested in a popup, never written into what is being typed: an inline completion
    // would turn a typed "ws://host/" into a longer recent URL without anyone noticing.
    m_ui->urlCombo->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_ui->urlCombo->completer()->setCaseSensitivity(Qt::CaseSensitive);
    m_ui->profileDescription->setVisible(false);
    m_ui->skipVerificationCheck->setVisible(false);

    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_undoAction->setEnabled(false);
    addAction(m_undoAction);
    connect(m_undoAction, &QAction::triggered, this, [this] { undoProfileLoad(); });
    wrapLongRowsExactly(m_ui->helpersForm);
    m_ui->protocolsLabel->setBuddy(m_ui->protocolEditor->entry());

    m_ui->clientBitsCombo->addItem(tr("not offered"), kClientBitsNotOffered);
    m_ui->clientBitsCombo->addItem(tr("offered, no value"), kClientBitsNoValue);
    for (int bits = 15; bits >= 8; --bits)
        m_ui->clientBitsCombo->addItem(QString::number(bits), bits);
    // The texts name each placement's parameter, cookie or prefix (updateTokenPlacementLabels).
    for (TokenPlacement placement :
        { TokenPlacement::Query, TokenPlacement::Bearer, TokenPlacement::Cookie, TokenPlacement::Protocol })
        m_ui->tokenPlacementCombo->addItem(QString(), int(placement));
    connect(m_ui->jwtButton, &QToolButton::clicked, this, [this] { openJwtEditor(); });
    connect(m_ui->loginButton, &QToolButton::clicked, this, [this] { openLoginDialog(); });
    // Whether the jar adds a cookie depends on the URL, the Origin and the Cookie field: the hint follows them.
    connect(this, &HandshakeBuilder::specChanged, this, &HandshakeBuilder::updateJarHint);
    m_ui->keyModeCombo->addItem(tr("auto"), int(KeyMode::Auto));
    m_ui->keyModeCombo->addItem(tr("fixed"), int(KeyMode::Fixed));
    m_ui->versionCombo->addItems({ QStringLiteral("13"), QStringLiteral("8"), QStringLiteral("99") });
    m_ui->keyEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_ui->rawEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));

    QTableView* table = m_ui->headerTable;
    table->setModel(m_model);
    table->verticalHeader()->hide();
    table->verticalHeader()->setDefaultSectionSize(table->fontMetrics().height() + 8);
    table->horizontalHeader()->setSectionResizeMode(HeaderRowsModel::EnabledColumn, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setSectionResizeMode(HeaderRowsModel::NameColumn, QHeaderView::ResizeToContents);
    table->horizontalHeader()->setStretchLastSection(true);
    table->setWordWrap(false);
    table->setTextElideMode(Qt::ElideMiddle);

    connect(m_ui->connectButton, &QPushButton::clicked, this, &HandshakeBuilder::connectRequested);
    connect(m_ui->disconnectButton, &QPushButton::clicked, this, &HandshakeBuilder::disconnectRequested);
    connect(m_ui->urlCombo, &QComboBox::currentTextChanged, this, &HandshakeBuilder::urlEdited);
    connect(m_ui->profileCombo, &QComboBox::activated, this, [this](int index) {
        const QString path = m_ui->profileCombo->itemData(index).toString();
        if (!path.isEmpty())
            Q_EMIT profileChosen(path);
    });

    // Every helper widget funnels into one place, so no edit can bypass the row sync.
    auto edited = [this] { helpersEdited(); };
    m_ui->protocolEditor->setPlaceholderText(tr("subprotocol, e.g. json"));
    m_ui->protocolEditor->setSplitAtCommas(true);
    m_ui->protocolEditor->setAllowDuplicates(true); // an inspector may offer one twice, to see the answer
    m_ui->protocolEditor->list()->setToolTip(
        tr("Offered in this order, most preferred first (RFC 6455 §4.1). Double-click to rename."));
    connect(m_ui->protocolEditor, &ListEditor::itemsChanged, this, edited);
    for (QCheckBox* box :
        { m_ui->deflateCheck, m_ui->serverNoContextCheck, m_ui->clientNoContextCheck, m_ui->serverBitsCheck })
        connect(box, &QCheckBox::toggled, this, edited);
    connect(m_ui->serverBitsSpin, &QSpinBox::valueChanged, this, edited);
    for (QComboBox* combo : { m_ui->clientBitsCombo, m_ui->tokenPlacementCombo, m_ui->keyModeCombo })
        connect(combo, &QComboBox::currentIndexChanged, this, edited);
    connect(m_ui->versionCombo, &QComboBox::currentTextChanged, this, edited);
    for (QLineEdit* line : { m_ui->originEdit, m_ui->cookieEdit, m_ui->tokenEdit, m_ui->keyEdit })
        connect(line, &QLineEdit::textEdited, this, edited);
    connect(m_ui->regenerateKeyButton, &QToolButton::clicked, this, [this] {
        m_spec.keyMode = KeyMode::Fixed;
        m_spec.fixedKey = randomKey();
        m_spec.syncRowsFromHelpers();
        writeHelpers();
        m_model->setRows(m_spec.rows);
        Q_EMIT specChanged();
    });

    connect(m_model, &HeaderRowsModel::rowsEdited, this, &HandshakeBuilder::rowsEdited);
    connect(m_ui->addRowButton, &QToolButton::clicked, this, [this] {
        const int row = m_model->addRow(currentRow() < 0 ? -1 : currentRow() + 1);
        selectRow(row);
        m_ui->headerTable->edit(m_model->index(row, HeaderRowsModel::NameColumn));
    });
    connect(m_ui->removeRowButton, &QToolButton::clicked, this, [this] {
        const int row = currentRow();
        if (m_model->removeRowAt(row))
            selectRow(std::min(row, m_model->rowCount() - 1));
    });
    connect(m_ui->duplicateRowButton, &QToolButton::clicked, this, [this] {
        const int row = currentRow();
        if (m_model->duplicateRow(row))
            selectRow(row + 1);
    });
    connect(m_ui->upRowButton, &QToolButton::clicked, this, [this] {
        const int row = currentRow();
        if (m_model->moveRow(row, row - 1))
            selectRow(row - 1);
    });
    connect(m_ui->downRowButton, &QToolButton::clicked, this, [this] {
        const int row = currentRow();
        if (m_model->moveRow(row, row + 1))
            selectRow(row + 1);
    });

    connect(m_ui->rawCheck, &QCheckBox::toggled, this, &HandshakeBuilder::setRawMode);
    connect(m_ui->rebuildRawButton, &QToolButton::clicked, this, &HandshakeBuilder::rebuildRaw);
    connect(m_ui->rawEdit, &QPlainTextEdit::textChanged, this, [this] {
        if (m_updating)
            return;
        m_spec.rawRequest = RawHttpView::bytesFromVisibleText(m_ui->rawEdit->toPlainText());
        Q_EMIT specChanged();
    });

    setConnectionActive(false);
    setSpec(HandshakeSpec::withDefaults(m_spec.url));
    // A line edit keeps Ctrl+Z for its own typing; once it has nothing left to undo, the builder's undo runs.
    // An editable combo box hands the key to its line edit directly, so it is watched as well.
    for (QLineEdit* edit : findChildren<QLineEdit*>())
        edit->installEventFilter(this);
    for (QComboBox* combo : findChildren<QComboBox*>()) {
        if (combo->isEditable())
            combo->installEventFilter(this);
    }
}

bool HandshakeBuilder::eventFilter(QObject* watched, QEvent* event)
{
    // Return in the URL box connects with the URL as typed, once, whether or not suggestions are showing
    // (the suggestion popup would otherwise pass the key on twice).
    if (watched == m_ui->urlCombo->lineEdit() && event->type() == QEvent::KeyPress) {
        const int key = static_cast<QKeyEvent*>(event)->key();
        if (key == Qt::Key_Return || key == Qt::Key_Enter) {
            if (QAbstractItemView* popup = m_ui->urlCombo->completer()->popup())
                popup->hide();
            Q_EMIT connectRequested();
            return true;
        }
    }
    if (event->type() == QEvent::ShortcutOverride && static_cast<QKeyEvent*>(event)->matches(QKeySequence::Undo)) {
        auto* edit = qobject_cast<QLineEdit*>(watched);
        if (auto* combo = qobject_cast<QComboBox*>(watched))
            edit = combo->lineEdit();
        if (edit && !edit->isUndoAvailable() && !m_undo.isEmpty()) {
            event->ignore(); // not the line edit's: the shortcut (the builder's undo) gets the key
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

bool HandshakeBuilder::loadProfileSpec(const HandshakeSpec& spec, const ProfileInfo& info)
{
    const bool changed = !(spec == m_spec);
    if (changed) {
        m_undo.append(UndoEntry { m_spec, m_profile, info });
        if (m_undo.size() > kMaxUndoLoads)
            m_undo.removeFirst();
        m_undoAction->setEnabled(true);
        setSpec(spec);
    }
    setCurrentProfile(info);
    return changed;
}

bool HandshakeBuilder::undoProfileLoad()
{
    if (m_undo.isEmpty())
        return false;
    const UndoEntry entry = m_undo.takeLast();
    m_undoAction->setEnabled(!m_undo.isEmpty());
    setSpec(entry.spec);
    setCurrentProfile(entry.profile);
    Q_EMIT statusMessage(tr("Restored the handshake from before “%1” was loaded.").arg(entry.replacedBy.name));
    return true;
}

bool HandshakeBuilder::skipCertificateVerification() const
{
    return !m_ui->skipVerificationCheck->isHidden() && m_ui->skipVerificationCheck->isChecked();
}

HandshakeBuilder::~HandshakeBuilder() = default;

QByteArray HandshakeBuilder::randomKey()
{
    return makeKey(sixteenRandomBytes());
}

void HandshakeBuilder::setSpec(const HandshakeSpec& spec)
{
    m_spec = spec;
    writeHelpers();
    m_model->setRows(m_spec.rows);
    Q_EMIT specChanged();
}

HandshakeSpec HandshakeBuilder::spec() const
{
    return m_spec;
}

BuiltRequest HandshakeBuilder::preview() const
{
    return buildRequest(specToSend(), sixteenRandomBytes());
}

QList<CookieSendDecision> HandshakeBuilder::jarDecisions() const
{
    // Cookies the request already carries by name: the Cookie field's, and a token placed in a cookie.
    QList<QByteArray> typed = cookieNames(m_spec.cookie);
    if (m_spec.tokenPlacement == TokenPlacement::Cookie && !m_spec.token.isEmpty())
        typed.append(m_spec.tokenCookieName);
    return cookiesForHandshake(
        m_jar, QUrl(m_spec.url.trimmed()), m_spec.origin, QDateTime::currentSecsSinceEpoch(), typed);
}

HandshakeSpec HandshakeBuilder::specToSend() const
{
    return m_spec.rawMode ? m_spec : withJarCookies(m_spec); // raw text is sent as typed
}

HandshakeSpec HandshakeBuilder::withJarCookies(HandshakeSpec spec) const
{
    const QByteArray jarCookies = m_jar.isEmpty() ? QByteArray() : cookieHeaderValue(jarDecisions());
    if (jarCookies.isEmpty())
        return spec;
    // The jar's cookies follow the Cookie field's, and a token placed in a cookie follows both (syncRowsFromHelpers
    // appends it last). A name the request already carries is not taken from the jar (jarDecisions): what the person
    // typed wins, and the server never sees two cookies of one name from this builder.
    spec.cookie = spec.cookie.trimmed().isEmpty() ? jarCookies : spec.cookie + "; " + jarCookies;
    spec.syncRowsFromHelpers();
    return spec;
}

void HandshakeBuilder::setCookieJar(const CookieJar& jar)
{
    m_jar = jar;
    updateJarHint();
    Q_EMIT cookieJarChanged();
    Q_EMIT specChanged();
}

void HandshakeBuilder::updateJarHint()
{
    // The header table shows the builder's own rows; the jar's cookies join the Cookie header when sent. Say so
    // where the Cookie field is, so the table is not taken for the whole request.
    QStringList sent;
    for (const CookieSendDecision& d : jarDecisions()) {
        if (d.sent)
            sent.append(QString::fromUtf8(d.cookie.name));
    }
    const bool adds = !sent.isEmpty() && !m_spec.rawMode;
    m_ui->cookieEdit->setPlaceholderText(
        adds ? tr("none; the jar adds %1").arg(sent.join(QStringLiteral(", "))) : tr("none (e.g. session=abc)"));
    m_ui->loginButton->setText(m_jar.isEmpty() ? tr("Log in…") : tr("Log in… (%1)").arg(m_jar.size()));
    m_ui->loginButton->setToolTip(adds
            ? tr("The jar adds %1 to this handshake's Cookie header, after the Cookie field's own cookies")
                  .arg(sent.join(QStringLiteral(", ")))
            : tr("Log in to the server with a user name and password (POST /login) and keep the cookies it sets; the "
                 "handshake carries those a browser would"));
}

LoginDialog* HandshakeBuilder::openLoginDialog()
{
    if (!m_loginDialog)
        m_loginDialog = new LoginDialog(this);
    m_loginDialog->open();
    return m_loginDialog;
}

void HandshakeBuilder::setProfiles(const QList<ProfileInfo>& profiles)
{
    const QSignalBlocker blocker(m_ui->profileCombo);
    m_ui->profileCombo->clear();
    for (const ProfileInfo& info : profiles) {
        m_ui->profileCombo->addItem(info.name, info.path);
        m_ui->profileCombo->setItemData(m_ui->profileCombo->count() - 1, info.description, Qt::ToolTipRole);
    }
}

void HandshakeBuilder::setCurrentProfile(const ProfileInfo& info)
{
    m_profile = info;
    const QSignalBlocker blocker(m_ui->profileCombo);
    int index = m_ui->profileCombo->findData(info.path);
    if (index < 0 && !info.path.isEmpty()) {
        m_ui->profileCombo->addItem(info.name, info.path);
        index = m_ui->profileCombo->count() - 1;
        m_ui->profileCombo->setItemData(
            index, info.description.isEmpty() ? info.path : info.description, Qt::ToolTipRole);
    }
    m_ui->profileCombo->setCurrentIndex(index);
    m_ui->profileDescription->setText(info.description);
    m_ui->profileDescription->setVisible(!info.description.isEmpty());
}

void HandshakeBuilder::setRecentUrls(const QStringList& urls)
{
    const QString current = m_ui->urlCombo->currentText();
    {
        const QSignalBlocker blocker(m_ui->urlCombo);
        m_ui->urlCombo->clear();
        m_ui->urlCombo->addItems(urls.mid(0, kMaxRecentUrls));
        m_ui->urlCombo->setEditText(current);
    }
}

QStringList HandshakeBuilder::recentUrls() const
{
    QStringList urls;
    for (int i = 0; i < m_ui->urlCombo->count(); ++i)
        urls.append(m_ui->urlCombo->itemText(i));
    return urls;
}

void HandshakeBuilder::rememberUrl(const QString& url)
{
    if (url.trimmed().isEmpty())
        return;
    QStringList urls = recentUrls();
    urls.removeAll(url);
    urls.prepend(url);
    setRecentUrls(urls);
}

void HandshakeBuilder::setConnectionActive(bool active)
{
    m_ui->disconnectButton->setEnabled(active);
}

int HandshakeBuilder::currentRow() const
{
    const QModelIndex index = m_ui->headerTable->currentIndex();
    return index.isValid() ? index.row() : -1;
}

void HandshakeBuilder::selectRow(int row)
{
    if (row < 0 || row >= m_model->rowCount())
        return;
    m_ui->headerTable->setCurrentIndex(m_model->index(row, HeaderRowsModel::NameColumn));
    m_ui->headerTable->selectRow(row);
}

void HandshakeBuilder::urlEdited(const QString& text)
{
    if (m_updating)
        return;
    m_spec.url = text.trimmed();
    m_spec.syncRowsFromHelpers();
    m_model->setRows(m_spec.rows);
    updateHelperEnablement();
    Q_EMIT specChanged();
}

void HandshakeBuilder::readHelpers()
{
    m_spec.protocols.clear();
    for (const QString& protocol : m_ui->protocolEditor->items())
        m_spec.protocols.append(protocol.toUtf8());
    m_spec.deflate = m_ui->deflateCheck->isChecked();
    DeflateOffer& offer = m_spec.deflateOffer;
    offer.serverNoContextTakeover = m_ui->serverNoContextCheck->isChecked();
    offer.clientNoContextTakeover = m_ui->clientNoContextCheck->isChecked();
    offer.serverMaxWindowBits
        = m_ui->serverBitsCheck->isChecked() ? std::optional(m_ui->serverBitsSpin->value()) : std::nullopt;
    const int clientBits = m_ui->clientBitsCombo->currentData().toInt();
    offer.offerClientMaxWindowBits = clientBits != kClientBitsNotOffered;
    offer.clientMaxWindowBits = clientBits >= 8 ? std::optional(clientBits) : std::nullopt;
    m_spec.origin = m_ui->originEdit->text().toUtf8();
    m_spec.cookie = m_ui->cookieEdit->text().toUtf8();
    m_spec.token = m_ui->tokenEdit->text().toUtf8();
    m_spec.tokenPlacement = TokenPlacement(m_ui->tokenPlacementCombo->currentData().toInt());
    // A fixed key is the person's: what they typed stays, and an empty field waits for them (its placeholder
    // says how to get a random one) instead of being filled behind their back.
    m_spec.keyMode = KeyMode(m_ui->keyModeCombo->currentData().toInt());
    m_spec.fixedKey = m_ui->keyEdit->text().toUtf8();
    m_spec.version = m_ui->versionCombo->currentText().toUtf8();
}

void HandshakeBuilder::writeHelpers()
{
    m_updating = true;
    if (m_ui->urlCombo->currentText() != m_spec.url)
        m_ui->urlCombo->setEditText(m_spec.url);
    QStringList protocols;
    for (const QByteArray& protocol : std::as_const(m_spec.protocols))
        protocols.append(QString::fromUtf8(protocol));
    m_ui->protocolEditor->setItems(protocols);
    m_ui->deflateCheck->setChecked(m_spec.deflate);
    const DeflateOffer& offer = m_spec.deflateOffer;
    m_ui->serverNoContextCheck->setChecked(offer.serverNoContextTakeover);
    m_ui->clientNoContextCheck->setChecked(offer.clientNoContextTakeover);
    m_ui->serverBitsCheck->setChecked(offer.serverMaxWindowBits.has_value());
    if (offer.serverMaxWindowBits)
        m_ui->serverBitsSpin->setValue(*offer.serverMaxWindowBits);
    const int clientBits = !offer.offerClientMaxWindowBits ? kClientBitsNotOffered
                                                           : offer.clientMaxWindowBits.value_or(kClientBitsNoValue);
    const int clientIndex = m_ui->clientBitsCombo->findData(clientBits);
    m_ui->clientBitsCombo->setCurrentIndex(clientIndex >= 0 ? clientIndex : 1);
    auto setText = [](QLineEdit* edit, const QByteArray& value) {
        if (edit->text().toUtf8() != value)
            edit->setText(QString::fromUtf8(value));
    };
    setText(m_ui->originEdit, m_spec.origin);
    setText(m_ui->cookieEdit, m_spec.cookie);
    setText(m_ui->tokenEdit, m_spec.token);
    setText(m_ui->keyEdit, m_spec.fixedKey);
    updateTokenPlacementLabels();
    m_ui->tokenPlacementCombo->setCurrentIndex(m_ui->tokenPlacementCombo->findData(int(m_spec.tokenPlacement)));
    m_ui->keyModeCombo->setCurrentIndex(m_ui->keyModeCombo->findData(int(m_spec.keyMode)));
    if (m_ui->versionCombo->currentText().toUtf8() != m_spec.version)
        m_ui->versionCombo->setEditText(QString::fromUtf8(m_spec.version));
    m_ui->rawCheck->setChecked(m_spec.rawMode);
    m_ui->headersStack->setCurrentIndex(m_spec.rawMode ? 1 : 0);
    if (RawHttpView::bytesFromVisibleText(m_ui->rawEdit->toPlainText()) != m_spec.rawRequest)
        m_ui->rawEdit->setPlainText(RawHttpView::visibleText(m_spec.rawRequest));
    updateHelperEnablement();
    m_updating = false;
}

void HandshakeBuilder::updateTokenPlacementLabels()
{
    // Worded as the server side words its --token-from places, so both ends read alike.
    const auto label = [this](TokenPlacement placement) {
        switch (placement) {
        case TokenPlacement::Query:
            return CredentialSource { CredentialSource::Kind::Query, m_spec.tokenQueryName }.label();
        case TokenPlacement::Bearer:
            return CredentialSource { CredentialSource::Kind::Bearer, {} }.label();
        case TokenPlacement::Cookie:
            return CredentialSource { CredentialSource::Kind::Cookie, m_spec.tokenCookieName }.label();
        case TokenPlacement::Protocol:
            return CredentialSource { CredentialSource::Kind::Protocol, m_spec.tokenProtocolPrefix }.label();
        }
        return QString();
    };
    for (int i = 0; i < m_ui->tokenPlacementCombo->count(); ++i)
        m_ui->tokenPlacementCombo->setItemText(
            i, label(TokenPlacement(m_ui->tokenPlacementCombo->itemData(i).toInt())));
}

JwtEditor* HandshakeBuilder::openJwtEditor()
{
    if (!m_jwtEditor) {
        m_jwtEditor = new JwtEditor(this);
        connect(m_jwtEditor, &JwtEditor::tokenEdited, this, [this] {
            m_jwtEditor->applyTo(m_spec);
            m_spec.syncRowsFromHelpers();
            writeHelpers();
            m_model->setRows(m_spec.rows);
            Q_EMIT specChanged();
        });
    }
    m_jwtEditor->setSpec(m_spec);
    m_jwtEditor->open();
    return m_jwtEditor;
}

void HandshakeBuilder::updateHelperEnablement()
{
    const bool deflate = m_ui->deflateCheck->isChecked();
    for (QWidget* w : std::initializer_list<QWidget*> { m_ui->serverNoContextCheck, m_ui->clientNoContextCheck,
             m_ui->serverBitsCheck, m_ui->clientBitsLabel, m_ui->clientBitsCombo })
        w->setEnabled(deflate);
    m_ui->serverBitsSpin->setEnabled(deflate && m_ui->serverBitsCheck->isChecked());
    const bool fixedKey = KeyMode(m_ui->keyModeCombo->currentData().toInt()) == KeyMode::Fixed;
    m_ui->keyEdit->setEnabled(fixedKey);
    m_ui->keyEdit->setPlaceholderText(
        fixedKey ? tr("type a key (24 base64 characters), or press New") : tr("a new random key for each connection"));
    m_ui->skipVerificationCheck->setVisible(
        m_spec.url.trimmed().startsWith(QLatin1String("wss://"), Qt::CaseInsensitive));
    // In raw mode the text is sent as typed; the helpers would only mislead.
    m_ui->helpersBox->setEnabled(!m_ui->rawCheck->isChecked());
}

void HandshakeBuilder::helpersEdited()
{
    if (m_updating)
        return;
    readHelpers();
    m_spec.syncRowsFromHelpers();
    m_model->setRows(m_spec.rows);
    updateHelperEnablement();
    Q_EMIT specChanged();
}

void HandshakeBuilder::rowsEdited()
{
    const bool waitingForFixedKey = m_spec.keyMode == KeyMode::Fixed && m_spec.fixedKey.isEmpty();
    m_spec.rows = m_model->rows();
    m_spec.syncHelpersFromRows();
    // An empty key row reads as "generate one", but a fixed key the person has not typed yet stays fixed: an
    // edit elsewhere in the table must not switch the mode under them.
    const bool keyRowEmpty = std::any_of(m_spec.rows.cbegin(), m_spec.rows.cend(), [](const HeaderRow& row) {
        return row.enabled && row.value.isEmpty() && row.name.compare("Sec-WebSocket-Key", Qt::CaseInsensitive) == 0;
    });
    if (waitingForFixedKey && keyRowEmpty)
        m_spec.keyMode = KeyMode::Fixed;
    writeHelpers();
    Q_EMIT specChanged();
}

void HandshakeBuilder::setRawMode(bool on)
{
    if (m_updating)
        return;
    m_spec.rawMode = on;
    if (on && m_spec.rawRequest.isEmpty())
        rebuildRaw();
    m_ui->headersStack->setCurrentIndex(on ? 1 : 0);
    updateHelperEnablement();
    Q_EMIT specChanged();
}

void HandshakeBuilder::rebuildRaw()
{
    HandshakeSpec structured = m_spec;
    structured.rawMode = false;
    structured = withJarCookies(structured);
    const BuiltRequest built = buildRequest(structured, sixteenRandomBytes());
    m_spec.rawRequest = built.ok() ? built.bytes : QByteArray("GET / HTTP/1.1\r\n\r\n");
    m_updating = true;
    m_ui->rawEdit->setPlainText(RawHttpView::visibleText(m_spec.rawRequest));
    m_updating = false;
    Q_EMIT specChanged();
}

} // namespace wsi
