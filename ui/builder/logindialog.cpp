#include "ui/builder/logindialog.h"

#include "core/cookiejar.h"
#include "engine/loginclient.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/widgets/palette.h"

#include <QCheckBox>
#include <QDateTime>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace wsi
{

namespace
{
// A cookie's value is a secret (a session id is as good as the password): the table shows enough to tell two apart.
QString maskedValue(const QByteArray& value)
{
    constexpr int kShown = 4;
    return value.size() <= kShown ? QString::fromUtf8(value) : QString::fromUtf8(value.left(kShown)) + QChar(0x2026);
}

QTableWidgetItem* cell(const QString& text, const QString& toolTip = {})
{
    auto* item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    item->setToolTip(toolTip.isEmpty() ? text : toolTip);
    return item;
}

bool isHttps(const QString& url)
{
    return url.trimmed().startsWith(QLatin1String("https://"), Qt::CaseInsensitive);
}
} // namespace

LoginDialog::LoginDialog(HandshakeBuilder* builder)
    : QDialog(builder)
    , m_builder(builder)
    , m_client(new LoginClient(this))
{
    setWindowTitle(tr("Log in and keep the cookies"));
    setObjectName(QStringLiteral("loginDialog"));

    auto* intro = new QLabel(tr("Logs in the way a web page does (POST with a user name and password) and keeps the "
                                "cookies the server sets, as a browser would. The builder's handshake then carries "
                                "the cookies a browser would send with it."));
    intro->setWordWrap(true);

    m_urlEdit = new QLineEdit;
    m_urlEdit->setObjectName(QStringLiteral("loginUrlEdit"));
    m_urlEdit->setPlaceholderText(tr("http://host:port/login"));
    m_userEdit = new QLineEdit;
    m_userEdit->setObjectName(QStringLiteral("loginUserEdit"));
    m_passwordEdit = new QLineEdit;
    m_passwordEdit->setObjectName(QStringLiteral("loginPasswordEdit"));
    m_passwordEdit->setEchoMode(QLineEdit::Password);
    m_skipVerificationCheck = new QCheckBox(tr("Skip certificate verification"));
    m_skipVerificationCheck->setObjectName(QStringLiteral("loginSkipVerificationCheck"));
    m_skipVerificationCheck->setToolTip(tr("https:// only: log in even when the server's certificate cannot be "
                                           "verified (the local server's is self-signed)"));
    m_loginButton = new QPushButton(tr("&Log in"));
    m_loginButton->setObjectName(QStringLiteral("loginButton"));
    m_loginButton->setDefault(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Login &URL:"), m_urlEdit);
    form->addRow(tr("U&ser:"), m_userEdit);
    auto* passwordRow = new QHBoxLayout;
    passwordRow->addWidget(m_passwordEdit, 1);
    passwordRow->addWidget(m_loginButton);
    auto* passwordLabel = new QLabel(tr("&Password:"));
    passwordLabel->setBuddy(m_passwordEdit); // a row that is a layout gets no buddy of its own
    form->addRow(passwordLabel, passwordRow);
    form->addRow(QString(), m_skipVerificationCheck);

    m_outcomeLabel = new QLabel(tr("Not logged in yet."));
    m_outcomeLabel->setObjectName(QStringLiteral("loginOutcomeLabel"));
    m_outcomeLabel->setWordWrap(true);
    m_outcomeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* jarLabel = new QLabel(tr("Cookie jar"));
    QFont bold = jarLabel->font();
    bold.setBold(true);
    jarLabel->setFont(bold);
    m_table = new QTableWidget(0, ColumnCount);
    m_table->setObjectName(QStringLiteral("cookieJarTable"));
    m_table->setHorizontalHeaderLabels({ tr("Name"), tr("Value"), tr("Domain"), tr("Path"), tr("SameSite"),
        tr("Secure"), tr("HttpOnly"), tr("With this handshake") });
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(true);
    QHeaderView* header = m_table->horizontalHeader();
    for (int column = 0; column < HandshakeColumn; ++column)
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(HandshakeColumn, QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);

    m_carryLabel = new QLabel;
    m_carryLabel->setObjectName(QStringLiteral("jarCarryLabel"));
    m_carryLabel->setWordWrap(true);
    m_clearButton = new QPushButton(tr("&Clear"));
    m_clearButton->setObjectName(QStringLiteral("clearJarButton"));
    m_clearButton->setToolTip(tr("Forget every cookie of the jar"));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    buttons->addButton(m_clearButton, QDialogButtonBox::ResetRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_outcomeLabel);
    layout->addSpacing(6);
    layout->addWidget(jarLabel);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_carryLabel);
    layout->addWidget(buttons);

    connect(m_loginButton, &QPushButton::clicked, this, &LoginDialog::logIn);
    connect(m_urlEdit, &QLineEdit::textEdited, this, [this] {
        m_urlTyped = !m_urlEdit->text().trimmed().isEmpty();
        updateVerificationCheck();
    });
    connect(m_client, &LoginClient::finished, this, &LoginDialog::showReply);
    connect(m_clearButton, &QPushButton::clicked, this, [this] {
        m_builder->setCookieJar({});
        showOutcome(true, tr("The jar is empty."));
    });
    connect(m_builder, &HandshakeBuilder::specChanged, this, &LoginDialog::builderChanged);
    connect(m_builder, &HandshakeBuilder::cookieJarChanged, this, &LoginDialog::refreshJar);

    m_skipVerificationCheck->setChecked(m_builder->skipCertificateVerification());
    builderChanged();
    resize(900, 520);
}

void LoginDialog::builderChanged()
{
    if (!m_urlTyped) {
        const QUrl login = loginUrlFor(QUrl(m_builder->spec().url.trimmed()));
        m_urlEdit->setText(login.isValid() ? login.toString() : QString());
    }
    updateVerificationCheck();
    refreshJar();
}

void LoginDialog::updateVerificationCheck()
{
    m_skipVerificationCheck->setVisible(isHttps(m_urlEdit->text()));
}

void LoginDialog::logIn()
{
    LoginRequest request;
    request.url = QUrl(m_urlEdit->text().trimmed(), QUrl::StrictMode);
    request.user = m_userEdit->text();
    request.password = m_passwordEdit->text();
    request.insecure = !m_skipVerificationCheck->isHidden() && m_skipVerificationCheck->isChecked();
    if (request.user.isEmpty() || request.password.isEmpty()) {
        showOutcome(false, tr("Type a user name and a password first."));
        Q_EMIT loginFinished();
        return;
    }
    m_postedTo = request.url;
    m_loginButton->setEnabled(false);
    showOutcome(true, tr("Logging in to %1…").arg(request.url.toString()));
    m_outcomeLabel->setStyleSheet(QString());
    m_client->post(request);
}

void LoginDialog::showReply(const LoginReply& reply)
{
    m_loginButton->setEnabled(true);
    if (!reply.answered()) {
        showOutcome(false, tr("Not logged in: %1").arg(reply.error));
        Q_EMIT loginFinished();
        return;
    }
    CookieJar jar = m_builder->cookieJar();
    const LoginOutcome outcome = storeLoginAnswer(
        jar, m_postedTo, reply.status, reply.reason, reply.setCookies, reply.body, QDateTime::currentSecsSinceEpoch());
    QStringList details = outcome.cookieNotes;
    if (!reply.certificateProblems.isEmpty())
        details.append(
            tr("Certificate problems skipped: %1").arg(reply.certificateProblems.join(QStringLiteral("; "))));
    if (outcome.stored > 0)
        m_builder->setCookieJar(jar);
    showOutcome(outcome.loggedIn, outcome.summary + QLatin1Char('.'), details.join(QLatin1Char('\n')));
    Q_EMIT loginFinished();
}

void LoginDialog::showOutcome(bool good, const QString& text, const QString& details)
{
    m_outcomeLabel->setText(text);
    m_outcomeLabel->setToolTip(details);
    m_outcomeLabel->setStyleSheet(QStringLiteral("color: %1").arg(palette::css(good ? palette::ok : palette::error)));
}

void LoginDialog::refreshJar()
{
    const QList<CookieSendDecision> decisions = m_builder->jarDecisions();
    m_table->setRowCount(int(decisions.size()));
    int sent = 0;
    for (int row = 0; row < decisions.size(); ++row) {
        const CookieSendDecision& d = decisions.at(row);
        const Cookie& c = d.cookie;
        sent += d.sent ? 1 : 0;
        const QString expiry = c.expires
            ? tr("expires %1").arg(QDateTime::fromSecsSinceEpoch(*c.expires).toString(Qt::ISODate))
            : tr("kept until the jar is cleared (no expiry)");
        m_table->setItem(row, NameColumn, cell(QString::fromUtf8(c.name), expiry));
        m_table->setItem(
            row, ValueColumn, cell(maskedValue(c.value), tr("%1 bytes; hidden like a password").arg(c.value.size())));
        m_table->setItem(row, DomainColumn,
            cell(c.hostOnly ? tr("%1 (host-only)").arg(c.domain) : tr("%1 and subdomains").arg(c.domain)));
        m_table->setItem(row, PathColumn, cell(c.path));
        m_table->setItem(row, SameSiteColumn, cell(sameSiteText(c)));
        m_table->setItem(row, SecureColumn, cell(c.secure ? tr("yes") : tr("no")));
        m_table->setItem(row, HttpOnlyColumn, cell(c.httpOnly ? tr("yes") : tr("no")));
        auto* reason = cell(d.reason);
        reason->setForeground(d.sent ? palette::ok : palette::error);
        m_table->setItem(row, HandshakeColumn, reason);
    }
    m_clearButton->setEnabled(!decisions.isEmpty());
    const QString url = m_builder->spec().url.trimmed();
    if (decisions.isEmpty())
        m_carryLabel->setText(tr("The jar is empty: log in to fill it."));
    else if (m_builder->spec().rawMode)
        m_carryLabel->setText(tr("Raw mode is on: the request is sent as typed, and the jar adds nothing to it."));
    else if (sent == 0)
        m_carryLabel->setText(tr("The handshake to %1 carries none of the jar's cookies.").arg(url));
    else
        m_carryLabel->setText(
            tr("The handshake to %1 carries %n of the jar's cookies in its Cookie header, after the builder's own "
               "Cookie field; a name typed there wins.",
                nullptr, sent)
                .arg(url));
}

} // namespace wsi
