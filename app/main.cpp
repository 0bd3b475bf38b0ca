// wsinspector: with no arguments (or GUI options) the inspector window; `serve`, `probe` and `scan` run headless.
#include "cli/commands.h"

#include <QByteArray>
#include <cstdio>
#include <cstring>

#ifdef WSI_HAVE_UI
#include "ui/window/gui.h"
#endif

int main(int argc, char** argv)
{
    const char* command = argc > 1 ? argv[1] : "";
    const bool headless
        = std::strcmp(command, "serve") == 0 || std::strcmp(command, "probe") == 0 || std::strcmp(command, "scan") == 0;
    // Headless, Qt's own poll loop instead of GLib's: GLib wakes itself through an eventfd every time a socket
    // starts or stops waiting to write, one extra system call per echoed message. (A user's setting wins.)
    if (headless && !qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", QByteArray("1"));
    if (std::strcmp(command, "serve") == 0)
        return wsi::runServe(argc, argv);
    if (std::strcmp(command, "probe") == 0)
        return wsi::runProbe(argc, argv);
    if (std::strcmp(command, "scan") == 0)
        return wsi::runScan(argc, argv);
    if (std::strcmp(command, "hash-password") == 0)
        return wsi::runHashPassword(argc, argv);
    if (std::strcmp(command, "--version") == 0) {
        std::printf("wsinspector %s\n", WSI_VERSION);
        return 0;
    }
    if (std::strcmp(command, "--help") == 0 || std::strcmp(command, "-h") == 0) {
        std::printf("%s", wsi::usageText());
        return 0;
    }
    // A first argument that is neither an option nor a known subcommand is a mistyped command: say so here, before
    // any QApplication exists, rather than open the window (which aborts where there is no display).
    if (argc > 1 && command[0] != '-') {
        std::fprintf(stderr, "wsinspector: unknown command '%s'\n%s", command, wsi::usageText());
        return wsi::kExitUsage;
    }
#ifdef WSI_HAVE_UI
    return wsi::runGui(argc, argv);
#else
    std::fprintf(stderr, "%s", wsi::usageText());
    return 64;
#endif
}
