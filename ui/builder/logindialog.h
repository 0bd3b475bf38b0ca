#pragma once
// The builder's login helper: logs in with POST /login (a user name and password, as a login page would), keeps
// the cookies the answer sets in the builder's jar, and shows the jar with, for each cookie, whether the builder's
// handshake carries it and why. The reading of Set-Cookie and the send decision are core/cookiejar's; the request is
// engine/loginclient's; this dialog brings the clock and shows their results.

#include <QDialog>
#include <QUrl>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace wsi
{

class HandshakeBuilder;
class LoginClient;
struct LoginReply;

class LoginDialog : public QDialog
{
    Q_OBJECT
public:
    enum Column {
        NameColumn,
        ValueColumn,
        DomainColumn,
        PathColumn,
        SameSiteColumn,
        SecureColumn,
        HttpOnlyColumn,
        HandshakeColumn,
        ColumnCount
    };

    explicit LoginDialog(HandshakeBuilder* builder);

    // Sends the login request with the fields as they are; loginFinished() follows.
    void logIn();

Q_SIGNALS:
    void loginFinished();

private:
    void builderChanged();
    void showReply(const LoginReply& reply);
    void showOutcome(bool good, const QString& text, const QString& details = {});
    void refreshJar();
    void updateVerificationCheck();

    HandshakeBuilder* m_builder;
    LoginClient* m_client;
    QLineEdit* m_urlEdit;
    QLineEdit* m_userEdit;
    QLineEdit* m_passwordEdit;
    QCheckBox* m_skipVerificationCheck;
    QPushButton* m_loginButton;
    QLabel* m_outcomeLabel;
    QTableWidget* m_table;
    QLabel* m_carryLabel;
    QPushButton* m_clearButton;
    bool m_urlTyped = false; // the person typed a login URL: it no longer follows the builder's URL
    QUrl m_postedTo; // the URL of the request under way: its answer's cookies belong to it
};

} // namespace wsi
