// The whole Endpoint in the server role (masked frames in). See fuzz_endpoint_client.cpp.
#define WSI_FUZZ_ROLE wsi::Role::Server
#include "fuzz_endpoint_client.cpp"
