#pragma once
// The window's remembered state in QSettings, read with suspicion: a settings file may come from an older version,
// be edited by hand or be damaged. A value of the wrong type, layout bytes Qt refuses or policy JSON the schema
// refuses is skipped and named in problems(); the window then starts with its default for that part.

#include <QSettings>
#include <QSize>
#include <QStringList>
#include <memory>
#include <optional>

class QComboBox;

namespace wsi
{

class Composer;
class HandshakeBuilder;
struct ServerPolicy;

// The settings at `path` (an INI file) or, for an empty path, the application's usual place.
std::unique_ptr<QSettings> openSettings(const QString& path);

class SettingsReader
{
public:
    explicit SettingsReader(QSettings& settings);

    // Each returns nullopt when the key is absent (no problem) or holds something else (a problem named `what`).
    std::optional<QByteArray> bytes(const QString& key, const QString& what);
    std::optional<QString> text(const QString& key, const QString& what);
    std::optional<QStringList> textList(const QString& key, const QString& what);
    std::optional<bool> flag(const QString& key, const QString& what);
    std::optional<int> number(const QString& key, const QString& what, int min, int max);
    std::optional<QSize> size(const QString& key, const QString& what);

    // A value that read well but could not be used (Qt refused the layout bytes).
    void refuse(const QString& what);
    const QStringList& problems() const { return m_problems; }
    // One sentence for the status bar; empty when every setting was usable.
    QString note() const;

private:
    QSettings& m_settings;
    QStringList m_problems;
};

// The composer's options (kind, fragments, compression, pings), remembered between runs.
void saveComposerOptions(QSettings& settings, const Composer& composer);
void restoreComposerOptions(SettingsReader& reader, Composer& composer);

// Profile files the person opened or saved, offered again in the builder's profile list.
void saveRecentProfiles(QSettings& settings, const HandshakeBuilder& builder);
void restoreRecentProfiles(SettingsReader& reader, HandshakeBuilder& builder);

// The local server's policy, as its JSON profile (policyToJson / policyFromJson).
void saveServerPolicy(QSettings& settings, const ServerPolicy& policy);
std::optional<ServerPolicy> restoreServerPolicy(SettingsReader& reader);

} // namespace wsi
