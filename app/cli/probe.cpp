#include "cli/commands.h"

#include <cstdio>

namespace wsi {
int runProbe(int, char**)
{
    std::fprintf(stderr, "wsinspector probe: not available in this build\n");
    return kExitUsage;
}
} // namespace wsi
