#!/usr/bin/python3
"""Echo server and scripted client built on Python websockets 10.4 (legacy asyncio API).

A third-party peer for the interop tests: a server prints one line "listening PORT" when it
accepts connections; everything else is one JSON object per line on stdout, flushed at once,
so a test can follow the peer while it runs. See tests/peers/README.md for the CLI.
"""

import argparse
import asyncio
import json
import sys

import websockets
from websockets.exceptions import ConnectionClosed, InvalidStatusCode
from websockets.extensions.permessage_deflate import (
    ClientPerMessageDeflateFactory,
    ServerPerMessageDeflateFactory,
)


def emit(event, **fields):
    print(json.dumps({"event": event, **fields}), flush=True)


def split_list(values):
    return [item for value in values for item in value.split(",") if item]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__)
    roles = parser.add_subparsers(dest="role", required=True)

    server = roles.add_parser("server")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=0)
    server.add_argument("--protocols", action="append", default=[])
    add_deflate_arguments(server)
    server.add_argument("--allow-origin", action="append", default=[])
    server.add_argument("--max-size", type=int, default=2**20)
    server.add_argument("--expect-echo", type=int, default=0)

    client = roles.add_parser("client")
    client.add_argument("url")
    client.add_argument("--protocol", action="append", default=[])
    client.add_argument("--origin")
    add_deflate_arguments(client)
    client.add_argument("--header", action="append", default=[])
    client.add_argument("--send", action="append", default=[])
    client.add_argument("--send-binary", action="append", default=[])
    client.add_argument("--fragment", type=int, default=0)
    client.add_argument("--count", type=int, default=1)
    client.add_argument("--concurrency", type=int, default=0)
    client.add_argument("--close", type=int, default=1000)
    client.add_argument("--max-size", type=int, default=2**20)
    return parser.parse_args()


def add_deflate_arguments(parser):
    deflate = parser.add_mutually_exclusive_group()
    deflate.add_argument("--deflate", dest="deflate", action="store_true")
    deflate.add_argument("--no-deflate", dest="deflate", action="store_false")
    parser.set_defaults(deflate=False)
    parser.add_argument("--no-context-takeover", action="store_true")


def deflate_options(options, factory):
    # The library's own "deflate" preset keeps context takeover; asking for
    # no context takeover needs an explicitly configured factory instead.
    if not options.deflate:
        return {"compression": None}
    if not options.no_context_takeover:
        return {"compression": "deflate"}
    return {
        "compression": None,
        "extensions": [
            factory(server_no_context_takeover=True, client_no_context_takeover=True)
        ],
    }


async def run_server(options):
    preference = split_list(options.protocols)

    def in_server_preference_order(client_protocols, server_protocols):
        return next((p for p in server_protocols if p in client_protocols), None)

    async def echo(websocket):
        emit(
            "connection",
            path=websocket.path,
            origin=websocket.request_headers.get("Origin"),
            protocol=websocket.subprotocol,
            extensions=websocket.response_headers.get("Sec-WebSocket-Extensions"),
        )
        try:
            async for message in websocket:
                await websocket.send(message)
        except ConnectionClosed:
            pass
        emit("disconnect", code=websocket.close_code, reason=websocket.close_reason)

    async def expect_echo(websocket):
        # The other way round: this server sends, the client must echo each message back.
        emit(
            "connection",
            path=websocket.path,
            origin=websocket.request_headers.get("Origin"),
            protocol=websocket.subprotocol,
            extensions=websocket.response_headers.get("Sec-WebSocket-Extensions"),
        )
        count = options.expect_echo
        received = matched = 0
        try:
            for index in range(count):
                message = echo_probe_message(index)
                await websocket.send(message)
                reply = await websocket.recv()
                received += 1
                matched += reply == message
        except ConnectionClosed:
            pass
        emit("echoed", sent=count, received=received, matched=matched, ok=matched == count)
        await websocket.close(code=1000)
        emit("disconnect", code=websocket.close_code, reason=websocket.close_reason)

    server = await websockets.serve(
        expect_echo if options.expect_echo > 0 else echo,
        options.host,
        options.port,
        subprotocols=preference or None,
        select_subprotocol=in_server_preference_order,
        origins=options.allow_origin or None,
        max_size=options.max_size,
        **deflate_options(options, ServerPerMessageDeflateFactory),
    )
    print(f"listening {server.sockets[0].getsockname()[1]}", flush=True)
    await asyncio.Future()


def echo_probe_message(index):
    # Even: text with non-ASCII characters; odd: binary with every byte value; both growing.
    if index % 2 == 0:
        return f"message {index} κόσμε " + "*" * (index * 100)
    return bytes((index + k) % 256 for k in range(index * 100 + 3))


def fragments(message, size):
    if size <= 0:
        return message
    return [message[i : i + size] for i in range(0, len(message), size)] or [message]


def describe(message):
    if isinstance(message, str):
        return {"type": "text", "data": message, "length": len(message.encode())}
    return {"type": "binary", "data": message.hex(), "length": len(message)}


async def run_one_client(options, messages, verbose):
    headers = []
    for header in options.header:
        name, _, value = header.partition(":")
        headers.append((name.strip(), value.strip()))
    async with websockets.connect(
        options.url,
        subprotocols=split_list(options.protocol) or None,
        origin=options.origin,
        extra_headers=headers,
        max_size=options.max_size,
        **deflate_options(options, ClientPerMessageDeflateFactory),
    ) as websocket:
        if verbose:
            emit(
                "open",
                protocol=websocket.subprotocol,
                extensions=websocket.response_headers.get("Sec-WebSocket-Extensions"),
            )
        echoed = 0
        for message in messages:
            await websocket.send(fragments(message, options.fragment))
            reply = await websocket.recv()
            echoed += reply == message
            if verbose:
                emit("message", **describe(reply))
        await websocket.close(code=options.close)
        if verbose:
            emit("close", code=websocket.close_code, reason=websocket.close_reason)
        return echoed


async def run_clients(options):
    messages = options.send + [bytes.fromhex(h) for h in options.send_binary]
    if options.count == 1 and options.concurrency <= 1:
        try:
            echoed = await run_one_client(options, messages, verbose=True)
        except InvalidStatusCode as error:
            emit("error", status=error.status_code, message=str(error))
            return 1
        except (OSError, websockets.exceptions.WebSocketException) as error:
            emit("error", status=None, message=str(error))
            return 1
        return 0 if echoed == len(messages) else 1

    slots = asyncio.Semaphore(options.concurrency or options.count)

    async def limited():
        async with slots:
            try:
                return await run_one_client(options, messages, verbose=False)
            except (OSError, websockets.exceptions.WebSocketException) as error:
                emit("error", status=getattr(error, "status_code", None), message=str(error))
                return None

    results = await asyncio.gather(*(limited() for _ in range(options.count)))
    connected = [r for r in results if r is not None]
    ok = len(connected) == options.count and all(r == len(messages) for r in connected)
    emit("summary", connections=len(connected), messages=sum(connected), ok=ok)
    return 0 if ok else 1


def main():
    options = parse_arguments()
    if options.role == "server":
        try:
            asyncio.run(run_server(options))
        except KeyboardInterrupt:
            pass
        return 0
    return asyncio.run(run_clients(options))


if __name__ == "__main__":
    sys.exit(main())
