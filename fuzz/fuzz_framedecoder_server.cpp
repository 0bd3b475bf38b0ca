// The frame decoder as a server reads client frames (masked). See fuzz_framedecoder_client.cpp.
#define WSI_FUZZ_ROLE wsi::Role::Server
#include "fuzz_framedecoder_client.cpp"
