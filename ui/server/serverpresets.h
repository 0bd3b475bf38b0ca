#pragma once
// Ready-made server policies for the server panel's Preset menu ("JWT (HS256)", "Login page"), read from
// resources/serverpresets/*.json: a name, a sentence, and a policy in the policy JSON (missing keys take their
// defaults), so each preset is written in the same words as a profile file.

#include "core/serverpolicy.h"

#include <QList>
#include <QString>
#include <optional>

namespace wsi
{

struct ServerPreset {
    QString name;
    QString description;
    QJsonObject policy;
    // The preset uses the bundled demo users file (alice / wonderland), copied out of the program to a file the
    // server can read.
    bool demoUsers = false;
};

QList<ServerPreset> serverPresets();

// The policy a preset stands for; `error` says why it cannot be made (the demo users file could not be written).
std::optional<ServerPolicy> presetPolicy(const ServerPreset& preset, QString* error);

} // namespace wsi
