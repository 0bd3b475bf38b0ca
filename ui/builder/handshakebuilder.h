#pragma once
// The left side of the window: URL, helper fields, the ordered header table and the raw editor.
// It edits one HandshakeSpec. Helper edits rewrite the rows they own (syncRowsFromHelpers) and
// table edits update the helpers (syncHelpersFromRows), so both always describe the same request.

#include "core/handshakespec.h"
#include "ui/builder/profiles.h"

#include <QWidget>
#include <memory>

namespace Ui
{
class HandshakeBuilder;
}

namespace wsi
{

class HeaderRowsModel;

class HandshakeBuilder : public QWidget
{
    Q_OBJECT
public:
    explicit HandshakeBuilder(QWidget* parent = nullptr);
    ~HandshakeBuilder() override;

    void setSpec(const HandshakeSpec& spec);
    // The spec as edited, including raw mode and the raw bytes.
    HandshakeSpec spec() const;
    // What would be sent now (a key is generated in auto mode).
    BuiltRequest preview() const;

    void setProfiles(const QList<ProfileInfo>& profiles);
    // Shows `info` as the current profile (adding it to the list when it is a file of the user's).
    void setCurrentProfile(const ProfileInfo& info);

    void setRecentUrls(const QStringList& urls);
    QStringList recentUrls() const;
    // Puts the URL at the top of the recent list (at most ten are kept).
    void rememberUrl(const QString& url);

    // While a connection is being made or is open, Disconnect is available.
    void setConnectionActive(bool active);

    HeaderRowsModel* rowsModel() const { return m_model; }
    Ui::HandshakeBuilder* form() const { return m_ui.get(); }

Q_SIGNALS:
    void connectRequested();
    void disconnectRequested();
    void profileChosen(const QString& path);
    void specChanged();

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
    static QByteArray randomKey();

    std::unique_ptr<Ui::HandshakeBuilder> m_ui;
    HeaderRowsModel* m_model;
    HandshakeSpec m_spec;
    bool m_updating = false; // widgets are being written from m_spec: their signals are not edits
};

} // namespace wsi
