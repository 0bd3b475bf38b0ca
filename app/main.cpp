// wsinspector: with no arguments (or GUI options) the inspector window; `serve` and `probe` run headless.
#include "cli/commands.h"

#include <cstdio>
#include <cstring>

#ifdef WSI_HAVE_UI
#include "ui/gui.h"
#endif

int main(int argc, char** argv)
{
    const char* command = argc > 1 ? argv[1] : "";
    if (std::strcmp(command, "serve") == 0)
        return wsi::runServe(argc, argv);
    if (std::strcmp(command, "probe") == 0)
        return wsi::runProbe(argc, argv);
    if (std::strcmp(command, "--version") == 0) {
        std::printf("wsinspector %s\n", WSI_VERSION);
        return 0;
    }
    if (std::strcmp(command, "--help") == 0 || std::strcmp(command, "-h") == 0) {
        std::printf("%s", wsi::usageText());
        return 0;
    }
#ifdef WSI_HAVE_UI
    return wsi::runGui(argc, argv);
#else
    std::fprintf(stderr, "%s", wsi::usageText());
    return 64;
#endif
}
