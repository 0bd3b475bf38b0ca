#pragma once
// The builder's token helper for JSON Web Tokens: a pasted token is decoded (header, claims, a countdown to its
// exp) and its signature checked against a secret or public key; or a new token is built from a claims table and
// signed. The token and where it travels (query parameter, Authorization: Bearer, a cookie, a Sec-WebSocket-Protocol
// item) are the request's own: every change reaches the builder at once through tokenEdited().
//
// Decoding, verifying and signing are core/jwt's; this dialog only brings the clock and shows their results.

#include "core/handshakespec.h"

#include <QDialog>
#include <functional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QStackedWidget;
class QTableWidget;
class QTabWidget;
class QTimer;

namespace wsi
{

class JwtEditor : public QDialog
{
    Q_OBJECT
public:
    explicit JwtEditor(QWidget* parent = nullptr);

    // Shows the spec's token and placement.
    void setSpec(const HandshakeSpec& spec);
    // Writes the token, its placement and the placement's name into `spec` (rows are the caller's to sync).
    void applyTo(HandshakeSpec& spec) const;

    // The clock for the countdown, the check and a new token's iat and exp: seconds since 1970 UTC. The system
    // clock unless replaced (tests pin it).
    void setClock(std::function<qint64()> nowSeconds);

Q_SIGNALS:
    // The token, its placement or the placement's name changed.
    void tokenEdited();

private:
    void buildDecodeTab(QWidget* page);
    void buildSignTab(QWidget* page);
    void tokenTextChanged();
    void decode();
    void updateExpiry();
    void verify();
    void sign();
    void algorithmChanged();
    void signingKeyChanged();
    void placementChanged();
    void loadFileInto(QPlainTextEdit* edit, const QString& title);
    QJsonObject claimsFromTable(QString* problem) const;
    QByteArray currentToken() const;
    static void showResult(QLabel* label, bool good, const QString& text);

    std::function<qint64()> m_now;
    QTimer* m_countdown;
    std::optional<qint64> m_expiresAt; // the decoded token's exp
    bool m_updating = false;

    QPlainTextEdit* m_tokenEdit;
    QComboBox* m_placementCombo;
    QLineEdit* m_placementNameEdit;
    QLabel* m_placementNameLabel;
    QTabWidget* m_tabs;
    // Decode and check
    QLabel* m_decodeStatus;
    QPlainTextEdit* m_headerView;
    QPlainTextEdit* m_claimsView;
    QLabel* m_expiryLabel;
    QPlainTextEdit* m_checkKeyEdit;
    QLineEdit* m_checkIssuerEdit;
    QLineEdit* m_checkAudienceEdit;
    QLabel* m_verificationLabel;
    // Build and sign
    QTableWidget* m_claimsTable;
    QCheckBox* m_issuedNowCheck;
    QCheckBox* m_expiresCheck;
    QSpinBox* m_expiresMinutesSpin;
    QComboBox* m_algorithmCombo;
    QStackedWidget* m_signingKeyStack;
    QLineEdit* m_signingSecretEdit;
    QPlainTextEdit* m_signingKeyEdit;
    QPushButton* m_signButton;
    QLabel* m_signStatus;

    // Each placement's name as last typed, so switching placements back and forth keeps them.
    QByteArray m_queryName = "token", m_cookieName = "session", m_protocolPrefix = "token.";
};

} // namespace wsi
