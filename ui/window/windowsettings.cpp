#include "ui/window/windowsettings.h"

#include "core/policyschema.h"
#include "ui/builder/handshakebuilder.h"
#include "ui/builder/profiles.h"
#include "ui/frames/composer.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSpinBox>

namespace wsi
{

namespace
{
const QString kRecentProfiles = QStringLiteral("builder/recentProfiles");
const QString kServerPolicy = QStringLiteral("server/policy");
constexpr int kMaxRecentProfiles = 10;

bool isType(const QVariant& value, QMetaType::Type type)
{
    return value.metaType().id() == type;
}
} // namespace

std::unique_ptr<QSettings> openSettings(const QString& path)
{
    if (path.isEmpty())
        return std::make_unique<QSettings>();
    return std::make_unique<QSettings>(path, QSettings::IniFormat);
}

SettingsReader::SettingsReader(QSettings& settings)
    : m_settings(settings)
{
    // A file with bytes in it of which not one setting could be read is damaged, not empty.
    if (settings.status() == QSettings::FormatError
        || (settings.allKeys().isEmpty() && QFileInfo(settings.fileName()).size() > 0))
        m_problems << QObject::tr("the settings file %1 (it is not in a format this program reads)")
                          .arg(QDir::toNativeSeparators(settings.fileName()));
}

std::optional<QByteArray> SettingsReader::bytes(const QString& key, const QString& what)
{
    const QVariant value = m_settings.value(key);
    if (!value.isValid())
        return std::nullopt;
    if (!isType(value, QMetaType::QByteArray) || value.toByteArray().isEmpty()) {
        m_problems << what;
        return std::nullopt;
    }
    return value.toByteArray();
}

std::optional<QString> SettingsReader::text(const QString& key, const QString& what)
{
    const QVariant value = m_settings.value(key);
    if (!value.isValid())
        return std::nullopt;
    if (!isType(value, QMetaType::QString)) {
        m_problems << what;
        return std::nullopt;
    }
    return value.toString();
}

std::optional<QStringList> SettingsReader::textList(const QString& key, const QString& what)
{
    const QVariant value = m_settings.value(key);
    if (!value.isValid())
        return std::nullopt;
    // An INI file keeps a one-item list as a plain string.
    if (isType(value, QMetaType::QString))
        return QStringList { value.toString() };
    if (!isType(value, QMetaType::QStringList)) {
        if (isType(value, QMetaType::QVariantList)) {
            QStringList list;
            for (const QVariant& item : value.toList()) {
                if (!isType(item, QMetaType::QString)) {
                    m_problems << what;
                    return std::nullopt;
                }
                list << item.toString();
            }
            return list;
        }
        m_problems << what;
        return std::nullopt;
    }
    return value.toStringList();
}

std::optional<bool> SettingsReader::flag(const QString& key, const QString& what)
{
    const QVariant value = m_settings.value(key);
    if (!value.isValid())
        return std::nullopt;
    if (isType(value, QMetaType::Bool))
        return value.toBool();
    const QString word = value.toString();
    if (isType(value, QMetaType::QString) && (word == QLatin1String("true") || word == QLatin1String("false")))
        return word == QLatin1String("true");
    m_problems << what;
    return std::nullopt;
}

std::optional<int> SettingsReader::number(const QString& key, const QString& what, int min, int max)
{
    const QVariant value = m_settings.value(key);
    if (!value.isValid())
        return std::nullopt;
    bool ok = false;
    const int n = isType(value, QMetaType::Int) ? value.toInt(&ok)
        : isType(value, QMetaType::QString)     ? value.toString().toInt(&ok)
                                                : 0;
    if (!ok || n < min || n > max) {
        m_problems << what;
        return std::nullopt;
    }
    return n;
}

std::optional<QSize> SettingsReader::size(const QString& key, const QString& what)
{
    const QVariant value = m_settings.value(key);
    if (!value.isValid())
        return std::nullopt;
    if (!isType(value, QMetaType::QSize) || !value.toSize().isValid()) {
        m_problems << what;
        return std::nullopt;
    }
    return value.toSize();
}

void SettingsReader::refuse(const QString& what)
{
    m_problems << what;
}

QString SettingsReader::note() const
{
    if (m_problems.isEmpty())
        return {};
    QStringList unique = m_problems;
    unique.removeDuplicates();
    return QObject::tr("Some saved settings could not be read and were ignored (the defaults are used instead): %1.")
        .arg(unique.join(QStringLiteral(", ")));
}

void saveComposerOptions(QSettings& settings, const Composer& composer)
{
    settings.setValue(QStringLiteral("composer/kind"), composer.kindBox()->currentIndex());
    settings.setValue(QStringLiteral("composer/fragments"), composer.fragmentsBox()->value());
    settings.setValue(QStringLiteral("composer/compress"), composer.compressBox()->isChecked());
    settings.setValue(QStringLiteral("composer/answerPings"), composer.autoPongBox()->isChecked());
    settings.setValue(QStringLiteral("composer/pingEverySeconds"), composer.pingEveryBox()->value());
}

void restoreComposerOptions(SettingsReader& reader, Composer& composer)
{
    const QString what = QObject::tr("the composer's options");
    if (auto kind = reader.number(QStringLiteral("composer/kind"), what, 0, composer.kindBox()->count() - 1))
        composer.kindBox()->setCurrentIndex(*kind);
    QSpinBox* fragments = composer.fragmentsBox();
    if (auto n = reader.number(QStringLiteral("composer/fragments"), what, fragments->minimum(), fragments->maximum()))
        fragments->setValue(*n);
    if (auto on = reader.flag(QStringLiteral("composer/compress"), what))
        composer.compressBox()->setChecked(*on);
    if (auto on = reader.flag(QStringLiteral("composer/answerPings"), what))
        composer.autoPongBox()->setChecked(*on);
    QSpinBox* every = composer.pingEveryBox();
    if (auto n = reader.number(QStringLiteral("composer/pingEverySeconds"), what, every->minimum(), every->maximum()))
        every->setValue(*n);
}

void saveRecentProfiles(QSettings& settings, const HandshakeBuilder& builder)
{
    QStringList paths;
    if (const auto* combo = builder.findChild<const QComboBox*>(QStringLiteral("profileCombo"))) {
        for (int i = 0; i < combo->count() && paths.size() < kMaxRecentProfiles; ++i) {
            const QString path = combo->itemData(i).toString();
            if (!path.isEmpty() && !isBuiltInProfile(path))
                paths << path;
        }
    }
    settings.setValue(kRecentProfiles, paths);
}

void restoreRecentProfiles(SettingsReader& reader, HandshakeBuilder& builder)
{
    const std::optional<QStringList> paths = reader.textList(kRecentProfiles, QObject::tr("the recent profiles"));
    if (!paths)
        return;
    QList<ProfileInfo> profiles = builtInProfiles();
    for (const QString& path : paths->mid(0, kMaxRecentProfiles)) {
        // A profile file deleted since is simply no longer offered.
        if (path.isEmpty() || isBuiltInProfile(path) || !QFileInfo::exists(path))
            continue;
        if (const auto loaded = loadProfile(path))
            profiles.append(ProfileInfo { path, loaded->info.name, path });
    }
    builder.setProfiles(profiles);
}

void saveServerPolicy(QSettings& settings, const ServerPolicy& policy)
{
    settings.setValue(
        kServerPolicy, QString::fromUtf8(QJsonDocument(policyToJson(policy)).toJson(QJsonDocument::Compact)));
}

std::optional<ServerPolicy> restoreServerPolicy(SettingsReader& reader)
{
    const QString what = QObject::tr("the last server policies");
    const std::optional<QString> text = reader.text(kServerPolicy, what);
    if (!text)
        return std::nullopt;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text->toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        reader.refuse(what + QObject::tr(" (not valid JSON)"));
        return std::nullopt;
    }
    QString error;
    std::optional<ServerPolicy> policy = policyFromJson(document.object(), &error);
    if (!policy)
        reader.refuse(QStringLiteral("%1 (%2)").arg(what, error));
    return policy;
}

} // namespace wsi
