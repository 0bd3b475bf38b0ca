#pragma once
// A client and a server Endpoint wired back to back in memory, each recording into its own transcript, with a
// clock that ticks 10 µs per reading and predictable masking keys: a real session for tests that need one
// recorded without sockets.

#include "core/endpoint.h"
#include "core/transcript.h"

#include <utility>

namespace wsi::test
{

class Pipe : public EndpointSink
{
public:
    void writeToWire(const QByteArray& bytes) override { pending += bytes; }
    QByteArray pending;
};

struct Conversation {
    Transcript clientTranscript, serverTranscript;
    Pipe toServer, toClient;
    qint64 clock = 1000;
    quint8 keySeed = 0;
    Endpoint client;
    Endpoint server;

    explicit Conversation(bool deflate, qint64 budget = qint64(1) << 30)
        : clientTranscript(budget)
        , serverTranscript(budget)
        , client(
              config(Role::Client), toServer, clientTranscript, [this] { return clock += 10; },
              [this] { return nextKey(); })
        , server(
              config(Role::Server), toClient, serverTranscript, [this] { return clock += 10; },
              [this] { return nextKey(); })
    {
        if (deflate) {
            client.enableDeflate(DeflateParams {});
            server.enableDeflate(DeflateParams {});
        }
    }

    static EndpointConfig config(Role role)
    {
        EndpointConfig c;
        c.role = role;
        return c;
    }
    MaskKey nextKey()
    {
        ++keySeed;
        return MaskKey { keySeed, quint8(keySeed * 3), 0xa5, quint8(~keySeed) };
    }
    // Delivers what each side wrote to the other until neither has anything left to say.
    void pump()
    {
        while (!toServer.pending.isEmpty() || !toClient.pending.isEmpty()) {
            server.receive(std::exchange(toServer.pending, {}));
            client.receive(std::exchange(toClient.pending, {}));
        }
    }
};

} // namespace wsi::test
