#include "ui/builder/profiles.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <algorithm>

namespace wsi
{

namespace
{
const QString kPresetDir = QStringLiteral(":/profiles");
}

QList<ProfileInfo> builtInProfiles()
{
    QList<ProfileInfo> out;
    const QStringList files = QDir(kPresetDir).entryList({ QStringLiteral("*.json") }, QDir::Files);
    for (const QString& file : files) {
        if (auto loaded = loadProfile(kPresetDir + QLatin1Char('/') + file))
            out.append(loaded->info);
    }
    std::sort(out.begin(), out.end(),
        [](const ProfileInfo& a, const ProfileInfo& b) { return a.name.localeAwareCompare(b.name) < 0; });
    return out;
}

bool isBuiltInProfile(const QString& path)
{
    return path.startsWith(kPresetDir + QLatin1Char('/'));
}

ProfileInfo findBuiltInProfile(const QString& nameOrPath)
{
    for (const ProfileInfo& info : builtInProfiles()) {
        if (info.path == nameOrPath || QFileInfo(info.path).completeBaseName() == nameOrPath
            || info.name.compare(nameOrPath, Qt::CaseInsensitive) == 0)
            return info;
    }
    return {};
}

std::optional<LoadedProfile> loadProfile(const QString& path, QString* error)
{
    auto fail = [error](const QString& message) -> std::optional<LoadedProfile> {
        if (error)
            *error = message;
        return std::nullopt;
    };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(QObject::tr("Cannot open the profile %1: %2.").arg(path, file.errorString()));
    // Profiles are small; anything larger than this is not one and is not worth parsing.
    if (file.size() > 1024 * 1024)
        return fail(QObject::tr("%1 is larger than 1 MiB, which is too large for a handshake profile.").arg(path));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(QObject::tr("%1 is not valid JSON: %2 at byte %3.")
                        .arg(path, parseError.errorString())
                        .arg(parseError.offset));
    if (!doc.isObject())
        return fail(QObject::tr("%1 does not hold a JSON object, so it is not a handshake profile.").arg(path));
    QString specError;
    auto spec = HandshakeSpec::fromJson(doc.object(), &specError);
    if (!spec)
        return fail(QObject::tr("%1 is not a handshake profile: %2").arg(path, specError));
    LoadedProfile loaded { *spec,
        ProfileInfo { path, doc.object().value(QStringLiteral("name")).toString(),
            doc.object().value(QStringLiteral("description")).toString() } };
    if (loaded.info.name.isEmpty())
        loaded.info.name = QFileInfo(path).completeBaseName();
    return loaded;
}

bool saveProfile(const QString& path, const HandshakeSpec& spec, const QString& name, QString* error)
{
    QJsonObject json = spec.toJson();
    json.insert(QStringLiteral("name"), name.isEmpty() ? QFileInfo(path).completeBaseName() : name);
    // QSaveFile: a failed write leaves the previous profile intact instead of half a file.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QObject::tr("Cannot write %1: %2.").arg(path, file.errorString());
        return false;
    }
    file.write(QJsonDocument(json).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        if (error)
            *error = QObject::tr("Cannot save %1: %2.").arg(path, file.errorString());
        return false;
    }
    return true;
}

void retargetSpec(HandshakeSpec& spec, const QUrl& server)
{
    if (!server.isValid() || server.host().isEmpty())
        return;
    QUrl url(spec.url);
    url.setScheme(server.scheme());
    url.setHost(server.host());
    url.setPort(server.port());
    if (url.path().isEmpty())
        url.setPath(QStringLiteral("/"));
    spec.url = url.toString();
    spec.syncRowsFromHelpers();
}

} // namespace wsi
