#include "cli/commands.h"

#include <cstdio>

namespace wsi {
int runServe(int, char**)
{
    std::fprintf(stderr, "wsinspector serve: not available in this build\n");
    return kExitUsage;
}
} // namespace wsi
