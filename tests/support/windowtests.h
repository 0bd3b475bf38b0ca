#pragma once
// What every test of the real window needs first: settings that never touch a person's own, and the local echo
// server listening on a free loopback port.

#include "core/serverpolicy.h"

#include <QObject>
#include <memory>

namespace wsi
{
class EchoServer;
}

namespace wsi::test
{

// Test-mode paths and an organisation of the tests' own, so QSettings reads and writes nothing of a person's.
void isolateSettings(const char* applicationName);
// Listening on 127.0.0.1:0 with `policy`; a failure to listen is reported as a warning (the test then fails on it).
std::unique_ptr<EchoServer> startLocalServer(const ServerPolicy& policy = {});

// A widget found by its object name from the .ui files, as a person finds it by its label; a test that asks for one
// that does not exist stops there, naming it.
template <typename T> T* child(const QObject* parent, const char* name)
{
    T* widget = parent->findChild<T*>(QLatin1String(name));
    if (!widget)
        qFatal("no widget %s", name);
    return widget;
}
template <typename T> T* child(const QObject& parent, const char* name)
{
    return child<T>(&parent, name);
}

} // namespace wsi::test
