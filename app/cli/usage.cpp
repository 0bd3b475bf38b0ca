#include "cli/commands.h"

namespace wsi
{
const char* usageText()
{
    return "usage: wsinspector [window options]       open the inspector window (with its local echo server)\n"
           "       wsinspector serve [options]        run the echo server headless (serve --help)\n"
           "       wsinspector probe URL [options]    one scripted handshake and exchange (probe --help)\n"
           "       wsinspector scan URL [options]     handshake variations and their verdicts (scan --help)\n"
           "       wsinspector hash-password          hash a password (stdin) for serve --users (hash-password "
           "--help)\n"
           "       wsinspector --version\n"
           "\n"
           "window options:\n"
           "  --profile NAME|FILE          load a preset (echo, chat, deflate, crosssite, token) or a profile file\n"
           "  --url URL                    start with this URL in the builder\n"
           "  --connect                    send the handshake at start\n"
           "  --screenshot FILE.png        grab the window once the exchange is done, then exit\n"
           "  --size WxH                   window size (at least 1000x650)\n"
           "  --server-FLAG [VALUE]        any policy flag of serve, for the local server (e.g. --server-allow-origin "
           "O,\n"
           "                               --server-no-deflate, --server-versions 13,8)\n"
           "  --server-port P              local server port (0 = any free port)\n"
           "  --frames-demo                after connecting, send sample traffic\n"
           "  --frame-tab TAB              detail tab to show: summary, text, tree, hex, header\n";
}
} // namespace wsi
