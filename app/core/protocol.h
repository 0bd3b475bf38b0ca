#pragma once
// Small vocabulary shared by every part of the core: which side of a connection we are, and the
// negotiated permessage-deflate parameters (RFC 7692 §7.1).

namespace wsi
{

// The side whose bytes we are producing or judging. A client masks what it sends and expects
// unmasked frames; a server the other way round (RFC 6455 §5.1).
enum class Role { Client, Server };

inline constexpr Role peerOf(Role role)
{
    return role == Role::Client ? Role::Server : Role::Client;
}

// The outcome of a permessage-deflate negotiation, as both ends apply it.
// "server_*" parameters constrain what the server compresses (and so what the client inflates);
// "client_*" constrain what the client compresses.
struct DeflateParams {
    bool serverNoContextTakeover = false;
    bool clientNoContextTakeover = false;
    int serverMaxWindowBits = 15; // 8..15
    int clientMaxWindowBits = 15; // 8..15

    // Parameters that govern the compressor of `sender`.
    bool noContextTakeoverFor(Role sender) const
    {
        return sender == Role::Server ? serverNoContextTakeover : clientNoContextTakeover;
    }
    int windowBitsFor(Role sender) const { return sender == Role::Server ? serverMaxWindowBits : clientMaxWindowBits; }
    bool operator==(const DeflateParams&) const = default;
};

} // namespace wsi
