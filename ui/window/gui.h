#pragma once

namespace wsi {
// Opens the inspector window with its embedded echo server; returns the application's exit code.
int runGui(int argc, char** argv);
} // namespace wsi
