#pragma once
// Entry points of the headless front ends. Each parses its own arguments (argv[1] is the command
// name) and owns its QCoreApplication. Exit codes are part of the interface: see README.

namespace wsi
{
int runServe(int argc, char** argv);
int runProbe(int argc, char** argv);
int runScan(int argc, char** argv);
int runHashPassword(int argc, char** argv);
const char* usageText();

// Exit code for bad usage, shared by every command (sysexits EX_USAGE).
inline constexpr int kExitUsage = 64;
} // namespace wsi
