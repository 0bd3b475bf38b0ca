#include "ui/server/serverpresets.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

namespace wsi
{

QList<ServerPreset> serverPresets()
{
    QList<ServerPreset> presets;
    const QDir dir(QStringLiteral(":/serverpresets"));
    // Files named 1-…, 2-… keep the menu's order; demo-users.json, with no "policy", is data.
    for (const QString& name : dir.entryList({ QStringLiteral("*.json") }, QDir::Files, QDir::Name)) {
        QFile file(dir.filePath(name));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
        if (!json.value(QStringLiteral("policy")).isObject())
            continue;
        presets.append(ServerPreset { json.value(QStringLiteral("name")).toString(),
            json.value(QStringLiteral("description")).toString(), json.value(QStringLiteral("policy")).toObject(),
            json.value(QStringLiteral("demoUsers")).toBool() });
    }
    return presets;
}

std::optional<ServerPolicy> presetPolicy(const ServerPreset& preset, QString* error)
{
    std::optional<ServerPolicy> policy = ServerPolicy::fromJson(preset.policy, error);
    if (!policy || !preset.demoUsers)
        return policy;
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation);
    const QString path = QDir(dir).filePath(QStringLiteral("demo-users.json"));
    QFile source(QStringLiteral(":/serverpresets/demo-users.json"));
    QFile target(path);
    if (!QDir().mkpath(dir) || !source.open(QIODevice::ReadOnly) || !target.open(QIODevice::WriteOnly)
        || target.write(source.readAll()) < 0) {
        if (error)
            *error = QStringLiteral("The demo users file cannot be written to %1: %2").arg(path, target.errorString());
        return std::nullopt;
    }
    policy->usersFile = path.toUtf8();
    return policy;
}

} // namespace wsi
