#include "cli/commands.h"

namespace wsi {
const char* usageText()
{
    return "usage: wsinspector                      open the inspector window\n"
           "       wsinspector serve [options]      run the echo server headless (serve --help)\n"
           "       wsinspector probe URL [options]  one scripted handshake and exchange (probe --help)\n"
           "       wsinspector --version\n";
}
} // namespace wsi
