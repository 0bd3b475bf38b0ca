#include "ui/builder/jwteditor.h"

#include "core/http.h"
#include "core/jwt.h"
#include "ui/widgets/palette.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QToolButton>
#include <QVBoxLayout>
#include <cmath>

namespace wsi
{

namespace
{
constexpr int kCountdownIntervalMs = 1000;
constexpr int kDefaultExpiresMinutes = 60;

QPlainTextEdit* monospaceEdit(const QString& placeholder, bool readOnly)
{
    auto* edit = new QPlainTextEdit;
    edit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    edit->setPlaceholderText(placeholder);
    edit->setReadOnly(readOnly);
    edit->setTabChangesFocus(true);
    return edit;
}

QString prettyJson(const QJsonObject& object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Indented)).trimmed();
}

// A key typed or pasted for checking: PEM and JWK text are public keys; anything else is the shared secret.
bool looksLikePublicKeys(const QString& text)
{
    const QString trimmed = text.trimmed();
    return trimmed.startsWith(QLatin1String("-----BEGIN")) || trimmed.startsWith(QLatin1Char('{'));
}

// A secret pasted into a text box usually brings the line break after it; the secret is the line.
QByteArray secretFrom(const QString& text)
{
    QString secret = text;
    while (secret.endsWith(QLatin1Char('\n')) || secret.endsWith(QLatin1Char('\r')))
        secret.chop(1);
    return secret.toUtf8();
}

bool isHmac(JwtAlgorithm algorithm)
{
    return algorithm == JwtAlgorithm::HS256 || algorithm == JwtAlgorithm::HS384 || algorithm == JwtAlgorithm::HS512;
}
} // namespace

JwtEditor::JwtEditor(QWidget* parent)
    : QDialog(parent)
    , m_now([] { return QDateTime::currentSecsSinceEpoch(); })
    , m_countdown(new QTimer(this))
{
    setWindowTitle(tr("Token and JWT"));
    setObjectName(QStringLiteral("jwtEditor"));

    m_tokenEdit = monospaceEdit(tr("Paste a token (a JWT starts with eyJ) to decode it, or build one under “Build "
                                   "and sign”"),
        false);
    m_tokenEdit->setObjectName(QStringLiteral("jwtTokenEdit"));
    m_tokenEdit->setFixedHeight(m_tokenEdit->fontMetrics().lineSpacing() * 4 + 12);
    auto* tokenLabel = new QLabel(tr("&Token sent with the request:"));
    tokenLabel->setBuddy(m_tokenEdit);

    m_placementCombo = new QComboBox;
    m_placementCombo->setObjectName(QStringLiteral("jwtPlacementCombo"));
    m_placementCombo->addItem(tr("URL query parameter"), int(TokenPlacement::Query));
    m_placementCombo->addItem(tr("Authorization: Bearer header"), int(TokenPlacement::Bearer));
    m_placementCombo->addItem(tr("Cookie"), int(TokenPlacement::Cookie));
    m_placementCombo->addItem(tr("Sec-WebSocket-Protocol item"), int(TokenPlacement::Protocol));
    m_placementCombo->setToolTip(tr("Where the token travels. A browser page can set only the URL, cookies and the "
                                    "subprotocols; Authorization (RFC 6750 §2.1) is for other clients."));
    m_placementNameEdit = new QLineEdit;
    m_placementNameEdit->setObjectName(QStringLiteral("jwtPlacementNameEdit"));
    m_placementNameLabel = new QLabel;
    m_placementNameLabel->setBuddy(m_placementNameEdit);
    auto* placementLabel = new QLabel(tr("Sent &as:"));
    placementLabel->setBuddy(m_placementCombo);
    auto* placementRow = new QHBoxLayout;
    placementRow->addWidget(placementLabel);
    placementRow->addWidget(m_placementCombo, 1);
    placementRow->addWidget(m_placementNameLabel);
    placementRow->addWidget(m_placementNameEdit, 1);

    m_tabs = new QTabWidget;
    m_tabs->setObjectName(QStringLiteral("jwtTabs"));
    auto* decodePage = new QWidget;
    auto* signPage = new QWidget;
    buildDecodeTab(decodePage);
    buildSignTab(signPage);
    m_tabs->addTab(decodePage, tr("&Decode and check"));
    m_tabs->addTab(signPage, tr("&Build and sign"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(tokenLabel);
    layout->addWidget(m_tokenEdit);
    layout->addLayout(placementRow);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);

    connect(m_tokenEdit, &QPlainTextEdit::textChanged, this, &JwtEditor::tokenTextChanged);
    connect(m_placementCombo, &QComboBox::currentIndexChanged, this, &JwtEditor::placementChanged);
    connect(m_placementNameEdit, &QLineEdit::textEdited, this, &JwtEditor::placementChanged);
    m_countdown->setInterval(kCountdownIntervalMs);
    connect(m_countdown, &QTimer::timeout, this, [this] {
        if (!isVisible())
            return; // closed: nobody reads the countdown; opening it again redraws everything
        updateExpiry();
        // Whether exp and nbf pass changes with time, so the check is redone with the countdown.
        if (!m_checkKeyEdit->toPlainText().trimmed().isEmpty())
            verify();
    });
    m_countdown->start();

    placementChanged();
    decode();
    algorithmChanged();
    resize(720, 600);
}

void JwtEditor::buildDecodeTab(QWidget* page)
{
    m_decodeStatus = new QLabel;
    m_decodeStatus->setObjectName(QStringLiteral("jwtDecodeStatus"));
    m_decodeStatus->setWordWrap(true);
    m_decodeStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_headerView = monospaceEdit(tr("header"), true);
    m_headerView->setObjectName(QStringLiteral("jwtHeaderView"));
    m_claimsView = monospaceEdit(tr("claims"), true);
    m_claimsView->setObjectName(QStringLiteral("jwtClaimsView"));
    auto* headerBox = new QGroupBox(tr("Header"));
    (new QVBoxLayout(headerBox))->addWidget(m_headerView);
    auto* claimsBox = new QGroupBox(tr("Claims"));
    (new QVBoxLayout(claimsBox))->addWidget(m_claimsView);
    auto* decodedRow = new QHBoxLayout;
    decodedRow->addWidget(headerBox, 2);
    decodedRow->addWidget(claimsBox, 3);

    m_expiryLabel = new QLabel;
    m_expiryLabel->setObjectName(QStringLiteral("jwtExpiryLabel"));
    m_expiryLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* checkBox = new QGroupBox(tr("Check the signature and claims"));
    m_checkKeyEdit
        = monospaceEdit(tr("the shared secret (HS256…), or public keys: PEM “PUBLIC KEY” or a JWK Set"), false);
    m_checkKeyEdit->setObjectName(QStringLiteral("jwtCheckKeyEdit"));
    m_checkKeyEdit->setFixedHeight(m_checkKeyEdit->fontMetrics().lineSpacing() * 3 + 12);
    auto* loadCheckKey = new QToolButton;
    loadCheckKey->setText(tr("Load…"));
    loadCheckKey->setToolTip(tr("Read a public key (PEM) or JWK Set file"));
    connect(loadCheckKey, &QToolButton::clicked, this,
        [this] { loadFileInto(m_checkKeyEdit, tr("Public key or JWK Set to check with")); });
    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(m_checkKeyEdit, 1);
    keyRow->addWidget(loadCheckKey, 0, Qt::AlignTop);
    m_checkIssuerEdit = new QLineEdit;
    m_checkIssuerEdit->setObjectName(QStringLiteral("jwtCheckIssuerEdit"));
    m_checkIssuerEdit->setPlaceholderText(tr("any: iss is not checked"));
    m_checkAudienceEdit = new QLineEdit;
    m_checkAudienceEdit->setObjectName(QStringLiteral("jwtCheckAudienceEdit"));
    m_checkAudienceEdit->setPlaceholderText(tr("none: a token that names an audience is refused"));
    auto* checkForm = new QFormLayout;
    auto* keyLabel = new QLabel(tr("&Key:")); // a row made of a layout gets no buddy of its own
    keyLabel->setBuddy(m_checkKeyEdit);
    checkForm->addRow(keyLabel, keyRow);
    checkForm->addRow(tr("&Issuer:"), m_checkIssuerEdit);
    checkForm->addRow(tr("A&udience:"), m_checkAudienceEdit);
    m_verificationLabel = new QLabel;
    m_verificationLabel->setObjectName(QStringLiteral("jwtVerificationLabel"));
    m_verificationLabel->setWordWrap(true);
    m_verificationLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_verificationLabel->setToolTip(tr("Checked the way the local server checks with the same key, issuer and "
                                       "audience (the user is the sub claim)."));
    auto* checkLayout = new QVBoxLayout(checkBox);
    checkLayout->addLayout(checkForm);
    checkLayout->addWidget(m_verificationLabel);

    auto* layout = new QVBoxLayout(page);
    layout->addWidget(m_decodeStatus);
    layout->addLayout(decodedRow, 1);
    layout->addWidget(m_expiryLabel);
    layout->addWidget(checkBox);

    for (QPlainTextEdit* edit : { m_checkKeyEdit })
        connect(edit, &QPlainTextEdit::textChanged, this, &JwtEditor::verify);
    for (QLineEdit* edit : { m_checkIssuerEdit, m_checkAudienceEdit })
        connect(edit, &QLineEdit::textChanged, this, &JwtEditor::verify);
}

void JwtEditor::buildSignTab(QWidget* page)
{
    m_claimsTable = new QTableWidget(0, 2);
    m_claimsTable->setObjectName(QStringLiteral("jwtClaimsTable"));
    m_claimsTable->setHorizontalHeaderLabels({ tr("Claim"), tr("Value") });
    m_claimsTable->horizontalHeader()->setStretchLastSection(true);
    m_claimsTable->verticalHeader()->hide();
    m_claimsTable->setToolTip(tr("A value is JSON when it reads as a number, true, false, [list], {object} or "
                                 "\"string\"; otherwise the text itself. Rows with an empty value are left out."));
    const QList<std::pair<QString, QString>> presets { { QStringLiteral("sub"), QStringLiteral("alice") },
        { QStringLiteral("iss"), QString() }, { QStringLiteral("aud"), QString() } };
    for (const auto& [name, value] : presets) {
        const int row = m_claimsTable->rowCount();
        m_claimsTable->insertRow(row);
        m_claimsTable->setItem(row, 0, new QTableWidgetItem(name));
        m_claimsTable->setItem(row, 1, new QTableWidgetItem(value));
    }
    m_claimsTable->setColumnWidth(0, 110);
    auto* addClaim = new QToolButton;
    addClaim->setText(tr("Add claim"));
    addClaim->setObjectName(QStringLiteral("jwtAddClaimButton"));
    connect(addClaim, &QToolButton::clicked, this, [this] {
        const int row = m_claimsTable->rowCount();
        m_claimsTable->insertRow(row);
        m_claimsTable->setItem(row, 0, new QTableWidgetItem);
        m_claimsTable->setItem(row, 1, new QTableWidgetItem);
        m_claimsTable->setCurrentCell(row, 0);
        m_claimsTable->editItem(m_claimsTable->item(row, 0));
    });
    auto* removeClaim = new QToolButton;
    removeClaim->setText(tr("Remove"));
    connect(removeClaim, &QToolButton::clicked, this, [this] {
        if (m_claimsTable->currentRow() >= 0)
            m_claimsTable->removeRow(m_claimsTable->currentRow());
    });

    m_issuedNowCheck = new QCheckBox(tr("iat: now"));
    m_issuedNowCheck->setObjectName(QStringLiteral("jwtIssuedNowCheck"));
    m_issuedNowCheck->setChecked(true);
    m_expiresCheck = new QCheckBox(tr("exp: in"));
    m_expiresCheck->setObjectName(QStringLiteral("jwtExpiresCheck"));
    m_expiresCheck->setChecked(true);
    m_expiresMinutesSpin = new QSpinBox;
    m_expiresMinutesSpin->setObjectName(QStringLiteral("jwtExpiresMinutesSpin"));
    m_expiresMinutesSpin->setRange(-525600, 525600); // a year either way; negative makes an expired token
    m_expiresMinutesSpin->setValue(kDefaultExpiresMinutes);
    m_expiresMinutesSpin->setSuffix(tr(" min"));
    m_expiresMinutesSpin->setToolTip(tr("Negative: a token that has already expired, to see it refused"));
    connect(m_expiresCheck, &QCheckBox::toggled, m_expiresMinutesSpin, &QWidget::setEnabled);
    auto* claimButtons = new QHBoxLayout;
    claimButtons->addWidget(addClaim);
    claimButtons->addWidget(removeClaim);
    claimButtons->addStretch(1);
    claimButtons->addWidget(m_issuedNowCheck);
    claimButtons->addSpacing(12);
    claimButtons->addWidget(m_expiresCheck);
    claimButtons->addWidget(m_expiresMinutesSpin);

    m_algorithmCombo = new QComboBox;
    m_algorithmCombo->setObjectName(QStringLiteral("jwtAlgorithmCombo"));
    for (JwtAlgorithm algorithm : { JwtAlgorithm::HS256, JwtAlgorithm::HS384, JwtAlgorithm::HS512, JwtAlgorithm::RS256,
             JwtAlgorithm::RS384, JwtAlgorithm::RS512, JwtAlgorithm::PS256, JwtAlgorithm::PS384, JwtAlgorithm::PS512,
             JwtAlgorithm::ES256, JwtAlgorithm::ES384, JwtAlgorithm::ES512, JwtAlgorithm::EdDSA })
        m_algorithmCombo->addItem(jwtAlgorithmName(algorithm), int(algorithm));
    m_signingSecretEdit = new QLineEdit;
    m_signingSecretEdit->setObjectName(QStringLiteral("jwtSigningSecretEdit"));
    m_signingSecretEdit->setPlaceholderText(tr("the secret the server shares (serve --jwt-secret)"));
    m_signingKeyEdit = monospaceEdit(tr("-----BEGIN PRIVATE KEY----- … (PKCS#8, or RSA / EC PRIVATE KEY; not "
                                        "encrypted)"),
        false);
    m_signingKeyEdit->setObjectName(QStringLiteral("jwtSigningKeyEdit"));
    auto* loadSigningKey = new QToolButton;
    loadSigningKey->setText(tr("Load…"));
    loadSigningKey->setToolTip(tr("Read a private key file (PEM)"));
    connect(loadSigningKey, &QToolButton::clicked, this,
        [this] { loadFileInto(m_signingKeyEdit, tr("Private key to sign with")); });
    auto* keyPage = new QWidget;
    auto* keyPageLayout = new QHBoxLayout(keyPage);
    keyPageLayout->setContentsMargins(0, 0, 0, 0);
    keyPageLayout->addWidget(m_signingKeyEdit, 1);
    keyPageLayout->addWidget(loadSigningKey, 0, Qt::AlignTop);
    auto* secretPage = new QWidget;
    auto* secretPageLayout = new QVBoxLayout(secretPage);
    secretPageLayout->setContentsMargins(0, 0, 0, 0);
    secretPageLayout->addWidget(m_signingSecretEdit);
    secretPageLayout->addStretch(1);
    m_signingKeyStack = new QStackedWidget;
    m_signingKeyStack->addWidget(secretPage);
    m_signingKeyStack->addWidget(keyPage);
    m_signingKeyStack->setFixedHeight(m_signingKeyEdit->fontMetrics().lineSpacing() * 4 + 12);

    auto* signForm = new QFormLayout;
    signForm->addRow(tr("A&lgorithm:"), m_algorithmCombo);
    auto* signingKeyLabel = new QLabel(tr("Si&gn with:"));
    signingKeyLabel->setBuddy(m_signingSecretEdit);
    signForm->addRow(signingKeyLabel, m_signingKeyStack);

    m_signButton = new QPushButton(tr("&Sign"));
    m_signButton->setObjectName(QStringLiteral("jwtSignButton"));
    m_signButton->setToolTip(tr("Sign these claims and send the token with the request"));
    m_signStatus = new QLabel;
    m_signStatus->setObjectName(QStringLiteral("jwtSignStatus"));
    m_signStatus->setWordWrap(true);
    auto* signRow = new QHBoxLayout;
    signRow->addWidget(m_signButton, 0, Qt::AlignTop);
    signRow->addWidget(m_signStatus, 1);

    auto* layout = new QVBoxLayout(page);
    layout->addWidget(m_claimsTable, 1);
    layout->addLayout(claimButtons);
    layout->addLayout(signForm);
    layout->addLayout(signRow);

    connect(m_algorithmCombo, &QComboBox::currentIndexChanged, this, &JwtEditor::algorithmChanged);
    connect(m_signingKeyEdit, &QPlainTextEdit::textChanged, this, &JwtEditor::signingKeyChanged);
    connect(m_signButton, &QPushButton::clicked, this, &JwtEditor::sign);
}

void JwtEditor::setClock(std::function<qint64()> nowSeconds)
{
    m_now = std::move(nowSeconds);
    updateExpiry();
    verify();
}

void JwtEditor::setSpec(const HandshakeSpec& spec)
{
    m_updating = true;
    m_queryName = spec.tokenQueryName;
    m_cookieName = spec.tokenCookieName;
    m_protocolPrefix = spec.tokenProtocolPrefix;
    m_placementCombo->setCurrentIndex(m_placementCombo->findData(int(spec.tokenPlacement)));
    if (currentToken() != spec.token)
        m_tokenEdit->setPlainText(QString::fromUtf8(spec.token));
    placementChanged(); // shows the name; the spec it came from needs no update
    m_updating = false;
    decode();
    verify();
}

void JwtEditor::applyTo(HandshakeSpec& spec) const
{
    spec.token = currentToken();
    spec.tokenPlacement = TokenPlacement(m_placementCombo->currentData().toInt());
    spec.tokenQueryName = m_queryName;
    spec.tokenCookieName = m_cookieName;
    spec.tokenProtocolPrefix = m_protocolPrefix;
}

QByteArray JwtEditor::currentToken() const
{
    // Pasted tokens often bring a line break or spaces around them; inside, the token is sent as typed.
    return m_tokenEdit->toPlainText().trimmed().toUtf8();
}

void JwtEditor::tokenTextChanged()
{
    decode();
    verify();
    if (!m_updating)
        Q_EMIT tokenEdited();
}

void JwtEditor::placementChanged()
{
    const auto placement = TokenPlacement(m_placementCombo->currentData().toInt());
    QByteArray* name = placement == TokenPlacement::Query ? &m_queryName
        : placement == TokenPlacement::Cookie             ? &m_cookieName
        : placement == TokenPlacement::Protocol           ? &m_protocolPrefix
                                                          : nullptr;
    m_placementNameLabel->setVisible(name);
    m_placementNameEdit->setVisible(name);
    m_placementNameLabel->setText(placement == TokenPlacement::Query ? tr("&Parameter:")
            : placement == TokenPlacement::Cookie                    ? tr("&Cookie name:")
                                                                     : tr("&Prefix:"));
    QString problem;
    if (name) {
        const QByteArray typed = m_placementNameEdit->text().toUtf8();
        if (sender() == m_placementNameEdit) {
            // Each name ends up in a URL parameter, a cookie or a subprotocol item: a token fits all three.
            if (isToken(typed))
                *name = typed;
            else
                problem = tr("A name is letters, digits and !#$%&'*+-.^_`|~ (RFC 9110 §5.6.2); “%1” is kept until "
                             "it is one.")
                              .arg(QString::fromUtf8(*name));
        } else if (typed != *name) {
            m_placementNameEdit->setText(QString::fromUtf8(*name));
        }
    }
    m_placementNameEdit->setStyleSheet(
        problem.isEmpty() ? QString() : QStringLiteral("color: %1").arg(palette::css(palette::error)));
    m_placementNameEdit->setToolTip(problem.isEmpty()
            ? (placement == TokenPlacement::Protocol ? tr("The item offered is this prefix followed by the token")
                                                     : QString())
            : problem);
    if (!m_updating && problem.isEmpty())
        Q_EMIT tokenEdited();
}

void JwtEditor::showResult(QLabel* label, bool good, const QString& text)
{
    label->setText(text);
    label->setStyleSheet(QStringLiteral("color: %1").arg(palette::css(good ? palette::ok : palette::error)));
}

void JwtEditor::decode()
{
    const QByteArray token = currentToken();
    m_expiresAt.reset();
    m_decodeStatus->setStyleSheet(QString());
    if (token.isEmpty()) {
        m_decodeStatus->setText(tr("No token: the request is sent without one."));
        m_headerView->clear();
        m_claimsView->clear();
        updateExpiry();
        return;
    }
    const JwtDecodeResult decoded = decodeJwt(token);
    if (!decoded.ok()) {
        // Any token may be sent; only a JWT can be read. Said plainly, not as an error of the request.
        m_decodeStatus->setText(tr("Not a JWT, sent as typed: %1.").arg(decoded.error));
        m_decodeStatus->setStyleSheet(QStringLiteral("color: %1").arg(palette::css(palette::warning)));
        m_headerView->clear();
        m_claimsView->clear();
        updateExpiry();
        return;
    }
    const JwtDecoded& jwt = *decoded.token;
    m_decodeStatus->setText(jwt.keyId.isEmpty()
            ? tr("JWT signed with %1 (%2 bytes). Decoding shows what it claims; only the check below shows it "
                 "is genuine.")
                  .arg(jwt.algorithmName.isEmpty() ? tr("no algorithm") : jwt.algorithmName)
                  .arg(token.size())
            : tr("JWT signed with %1, key id %2 (%3 bytes). Decoding shows what it claims; only the check below "
                 "shows it is genuine.")
                  .arg(jwt.algorithmName, jwt.keyId)
                  .arg(token.size()));
    m_headerView->setPlainText(prettyJson(jwt.header));
    m_claimsView->setPlainText(prettyJson(jwt.claims));
    const QJsonValue exp = jwt.claims.value(QStringLiteral("exp"));
    if (exp.isDouble())
        m_expiresAt = qint64(std::ceil(exp.toDouble()));
    updateExpiry();
}

void JwtEditor::updateExpiry()
{
    if (!m_expiresAt) {
        const bool jwt = !m_headerView->toPlainText().isEmpty();
        m_expiryLabel->setText(jwt ? tr("No exp claim: the token never expires (RFC 7519 §4.1.4).") : QString());
        m_expiryLabel->setStyleSheet(QString());
        return;
    }
    const qint64 now = m_now();
    const QString date
        = QDateTime::fromSecsSinceEpoch(*m_expiresAt, Qt::UTC).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    showResult(
        m_expiryLabel, now < *m_expiresAt, tr("exp %1 UTC: %2").arg(date, jwtExpiryCountdown(*m_expiresAt, now)));
}

void JwtEditor::verify()
{
    const QString keyText = m_checkKeyEdit->toPlainText();
    const QByteArray token = currentToken();
    if (keyText.trimmed().isEmpty() || token.isEmpty() || !decodeJwt(token).ok()) {
        m_verificationLabel->setStyleSheet(QString());
        m_verificationLabel->setText(token.isEmpty() || !decodeJwt(token).ok()
                ? QString()
                : tr("Give the secret or public key to check the signature."));
        return;
    }
    JwtKeySet keys;
    if (looksLikePublicKeys(keyText)) {
        if (const QString problem = keys.loadPublicKeys(keyText.toUtf8()); !problem.isEmpty()) {
            showResult(m_verificationLabel, false, tr("The key cannot be used: %1.").arg(problem));
            return;
        }
    } else {
        keys.setHmacSecret(secretFrom(keyText));
    }
    JwtRules rules;
    rules.issuer = m_checkIssuerEdit->text().trimmed();
    rules.audience = m_checkAudienceEdit->text().trimmed();
    rules.nowSeconds = m_now();
    const JwtVerification result = verifyJwt(token, keys, rules);
    if (result.valid) {
        showResult(m_verificationLabel, true, tr("Valid: %1.").arg(result.steps.join(QStringLiteral("; "))));
        return;
    }
    const QString passed = result.steps.isEmpty()
        ? QString()
        : tr(" Passed before that: %1.").arg(result.steps.join(QStringLiteral("; ")));
    showResult(m_verificationLabel, false, tr("Refused: %1.%2").arg(result.reason, passed));
}

QJsonObject JwtEditor::claimsFromTable(QString* problem) const
{
    QJsonObject claims;
    const qint64 now = m_now();
    if (m_issuedNowCheck->isChecked())
        claims.insert(QStringLiteral("iat"), double(now));
    if (m_expiresCheck->isChecked())
        claims.insert(QStringLiteral("exp"), double(now + qint64(m_expiresMinutesSpin->value()) * 60));
    for (int row = 0; row < m_claimsTable->rowCount(); ++row) {
        const QTableWidgetItem* nameItem = m_claimsTable->item(row, 0);
        const QTableWidgetItem* valueItem = m_claimsTable->item(row, 1);
        const QString name = nameItem ? nameItem->text().trimmed() : QString();
        const QString value = valueItem ? valueItem->text() : QString();
        if (value.isEmpty())
            continue;
        if (name.isEmpty()) {
            *problem = tr("Row %1 has a value but no claim name.").arg(row + 1);
            return {};
        }
        claims.insert(name, jwtClaimValueFromText(value));
    }
    return claims;
}

void JwtEditor::algorithmChanged()
{
    const auto algorithm = JwtAlgorithm(m_algorithmCombo->currentData().toInt());
    m_signingKeyStack->setCurrentIndex(isHmac(algorithm) ? 0 : 1);
}

void JwtEditor::signingKeyChanged()
{
    // A pasted key chooses the algorithm that fits it, unless the chosen one already does (RS and PS share keys).
    const auto fitting = jwtAlgorithmForPrivateKey(m_signingKeyEdit->toPlainText().toUtf8());
    if (!fitting)
        return;
    const QString chosen = m_algorithmCombo->currentText();
    const QString wanted = jwtAlgorithmName(*fitting);
    const bool rsaBoth = wanted.startsWith(QLatin1String("RS"))
        && (chosen.startsWith(QLatin1String("RS")) || chosen.startsWith(QLatin1String("PS")));
    if (!rsaBoth && chosen != wanted)
        m_algorithmCombo->setCurrentIndex(m_algorithmCombo->findData(int(*fitting)));
}

void JwtEditor::sign()
{
    QString problem;
    const QJsonObject claims = claimsFromTable(&problem);
    if (!problem.isEmpty()) {
        showResult(m_signStatus, false, problem);
        return;
    }
    const auto algorithm = JwtAlgorithm(m_algorithmCombo->currentData().toInt());
    const QByteArray key
        = isHmac(algorithm) ? m_signingSecretEdit->text().toUtf8() : m_signingKeyEdit->toPlainText().toUtf8();
    const JwtSignResult result = signJwt(algorithm, claims, key);
    if (!result.ok()) {
        showResult(m_signStatus, false, tr("Not signed: %1.").arg(result.error));
        return;
    }
    m_tokenEdit->setPlainText(QString::fromUtf8(result.token)); // decodes it and hands it to the request
    showResult(m_signStatus, true,
        tr("Signed with %1: the token above is now the request's (%2).")
            .arg(jwtAlgorithmName(algorithm), m_placementCombo->currentText()));
}

void JwtEditor::loadFileInto(QPlainTextEdit* edit, const QString& title)
{
    const QString path
        = QFileDialog::getOpenFileName(this, title, QString(), tr("Keys (*.pem *.key *.json *.jwks);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showResult(edit == m_checkKeyEdit ? m_verificationLabel : m_signStatus, false,
            tr("Cannot read %1: %2.").arg(path, file.errorString()));
        return;
    }
    edit->setPlainText(QString::fromUtf8(file.readAll()));
}

} // namespace wsi
