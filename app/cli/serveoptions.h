#pragma once
// The `serve` command line, parsed into a ServerPolicy and the front end's own settings.

#include "core/serverpolicy.h"

#include <QHostAddress>
#include <QStringList>
#include <optional>

namespace wsi
{

struct ServeOptions {
    QHostAddress address = QHostAddress(QHostAddress::LocalHost);
    quint16 port = 9001;
    ServerPolicy policy;
    bool tls = false;
    QString certFile, keyFile;
    bool json = false;
    bool frames = true; // print frame and message lines
    bool record = true; // keep frame and message records
    qint64 payloadBudget = qint64(1) << 20; // payload bytes kept per connection
};

struct ServeParse {
    std::optional<ServeOptions> options;
    QString error; // one sentence naming the flag, when options is empty and help is false
    bool help = false;
};

// `args` are the words after "serve".
ServeParse parseServeArguments(const QStringList& args);
QString serveUsageText();

} // namespace wsi
