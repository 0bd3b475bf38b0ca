#pragma once
// Named handshake specs saved as JSON files: the presets compiled into the program (":/profiles/")
// and the files a person saves. A profile file is HandshakeSpec::toJson() plus "name" and
// "description".

#include "core/handshakespec.h"

#include <QList>
#include <QString>
#include <QUrl>

namespace wsi
{

struct ProfileInfo {
    QString path; // ":/profiles/chat.json" or a file path
    QString name; // "Chat with subprotocols"
    QString description;
};

struct LoadedProfile {
    HandshakeSpec spec;
    ProfileInfo info;
};

// The built-in presets, sorted by name.
QList<ProfileInfo> builtInProfiles();
bool isBuiltInProfile(const QString& path);
// Finds a preset by file stem ("chat"), by name (case-insensitive) or by path; empty path when none.
ProfileInfo findBuiltInProfile(const QString& nameOrPath);

std::optional<LoadedProfile> loadProfile(const QString& path, QString* error = nullptr);
bool saveProfile(const QString& path, const HandshakeSpec& spec, const QString& name, QString* error = nullptr);

// Presets are written for the embedded server: point the spec at `server` (scheme, host, port)
// while keeping its path and query, and update the Host row.
void retargetSpec(HandshakeSpec& spec, const QUrl& server);

} // namespace wsi
