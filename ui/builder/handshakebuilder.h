#pragma once
// The left side of the window: URL, helper fields, the ordered header table and the raw editor.
// It edits one HandshakeSpec. Helper edits rewrite the rows they own (syncRowsFromHelpers) and
// table edits update the helpers (syncHelpersFromRows), so both always describe the same request.

#include "core/cookiejar.h"
#include "core/handshakespec.h"
#include "ui/builder/profiles.h"

#include <QWidget>
#include <memory>

class QAction;

namespace Ui
{
class HandshakeBuilder;
}

namespace wsi
{

class HeaderRowsModel;
class JwtEditor;
class LoginDialog;

class HandshakeBuilder : public QWidget
{
    Q_OBJECT
public:
    explicit HandshakeBuilder(QWidget* parent = nullptr);
    ~HandshakeBuilder() override;

    void setSpec(const HandshakeSpec& spec);
    // The spec as edited, including raw mode and the raw bytes. Profiles save this one: it holds no jar cookie.
    HandshakeSpec spec() const;
    // What a connection sends: spec() with the jar's cookies that jarDecisions() sends added to its Cookie header.
    HandshakeSpec specToSend() const;
    // What would be sent now (a key is generated in auto mode), jar cookies included.
    BuiltRequest preview() const;

    // The cookies logins left, kept as a browser keeps them (Log in… next to the Cookie field fills it).
    const CookieJar& cookieJar() const { return m_jar; }
    void setCookieJar(const CookieJar& jar);
    // For each cookie of the jar: does the handshake to the builder's URL, from the page its Origin names, carry it,
    // and why (core's cookiesForHandshake, at the system clock's time).
    QList<CookieSendDecision> jarDecisions() const;

    void setProfiles(const QList<ProfileInfo>& profiles);
    // Shows `info` as the current profile (adding it to the list when it is a file of the user's) and its
    // description in full under the list.
    void setCurrentProfile(const ProfileInfo& info);
    // Replaces the builder's handshake with a profile's, keeping the one it replaces for undo (Ctrl+Z).
    // Returns false when nothing changed (the spec was already this one), so there is nothing to undo.
    bool loadProfileSpec(const HandshakeSpec& spec, const ProfileInfo& info);
    // Restores the handshake from before the last profile load; false when there is none.
    bool undoProfileLoad();
    QAction* undoAction() const { return m_undoAction; }

    // wss:// only: connect even when the server's certificate cannot be verified.
    bool skipCertificateVerification() const;

    void setRecentUrls(const QStringList& urls);
    QStringList recentUrls() const;
    // Puts the URL at the top of the recent list (at most ten are kept).
    void rememberUrl(const QString& url);

    // While a connection is being made or is open, Disconnect is available.
    void setConnectionActive(bool active);

    HeaderRowsModel* rowsModel() const { return m_model; }
    // Opens the token's JWT editor (JWT… next to the token field); it stays the builder's child.
    JwtEditor* openJwtEditor();
    // Opens the login helper (Log in… next to the Cookie field); it stays the builder's child.
    LoginDialog* openLoginDialog();
    Ui::HandshakeBuilder* form() const { return m_ui.get(); }

Q_SIGNALS:
    void connectRequested();
    void disconnectRequested();
    void profileChosen(const QString& path);
    void specChanged();
    void cookieJarChanged();
    void statusMessage(const QString& text);

private:
    void readHelpers();
    void writeHelpers();
    void helpersEdited();
    void rowsEdited();
    void urlEdited(const QString& text);
    void setRawMode(bool on);
    void rebuildRaw();
    void selectRow(int row);
    int currentRow() const;
    void updateHelperEnablement();
    void updateTokenPlacementLabels();
    void updateJarHint();
    HandshakeSpec withJarCookies(HandshakeSpec spec) const;
    static QByteArray randomKey();
    bool eventFilter(QObject* watched, QEvent* event) override;

    struct UndoEntry {
        HandshakeSpec spec;
        ProfileInfo profile;
        ProfileInfo replacedBy;
    };

    std::unique_ptr<Ui::HandshakeBuilder> m_ui;
    HeaderRowsModel* m_model;
    HandshakeSpec m_spec;
    bool m_updating = false; // widgets are being written from m_spec: their signals are not edits
    ProfileInfo m_profile; // the profile shown as current
    QList<UndoEntry> m_undo; // builder states replaced by profile loads, newest last
    QAction* m_undoAction;
    JwtEditor* m_jwtEditor = nullptr; // made when first opened
    LoginDialog* m_loginDialog = nullptr; // made when first opened
    CookieJar m_jar;
};

} // namespace wsi
