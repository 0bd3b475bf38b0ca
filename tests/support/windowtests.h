#pragma once
// What every test of the real window needs first: settings that never touch a person's own, and the local echo
// server listening on a free loopback port.

#include "core/serverpolicy.h"

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

} // namespace wsi::test
