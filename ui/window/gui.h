#pragma once

#include <QString>

namespace wsi
{
// "wsinspector: <message>" on stderr, for the window's command-line errors.
void printGuiError(const QString& message);

// Opens the inspector window with its embedded echo server; returns the application's exit code.
int runGui(int argc, char** argv);
} // namespace wsi
