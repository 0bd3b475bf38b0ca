#pragma once
// permessage-deflate cost per small message: microseconds to deflate and to inflate a ~140-byte JSON event, and
// the bytes it takes on the wire, with and without context takeover. A bare zlib loop doing the same work is
// measured in the same run as the yardstick. Printed by build/bench/bench_core (its only includer).

#include "core/deflatecodec.h"

#include <QByteArrayList>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <algorithm>
#include <cstdio>
#include <limits>
#include <optional>
#include <zlib.h>

namespace wsi::bench
{

constexpr int kMessages = 20000;
constexpr int kRuns = 5; // best of, to keep other processes on the machine out of the numbers

QByteArray decimal(QRandomGenerator& random, double low, double high, int decimals)
{
    return QByteArray::number(low + random.generateDouble() * (high - low), 'f', decimals);
}

QByteArray tickerEvent(QRandomGenerator& random, int sequence)
{
    static const QByteArrayList symbols { "BTC-USD", "ETH-USD", "SOL-EUR", "ADA-USDT", "DOGE-GBP" };
    return "{\"type\":\"ticker\",\"symbol\":\"" + symbols.at(random.bounded(int(symbols.size())))
        + "\",\"seq\":" + QByteArray::number(4000000 + sequence) + ",\"bid\":\"" + decimal(random, 100, 70000, 2)
        + "\",\"ask\":\"" + decimal(random, 100, 70000, 2) + "\",\"last\":\"" + decimal(random, 100, 70000, 2)
        + "\",\"volume\":\"" + decimal(random, 0, 5000, 4)
        + "\",\"ts\":" + QByteArray::number(1732187000000LL + sequence * 37 + random.bounded(30)) + "}";
}

QByteArray chatEvent(QRandomGenerator& random, int sequence)
{
    static const QByteArrayList users { "alice_42", "bob", "carol.dev", "dmitri", "eve_ops", "fatima" };
    static const QByteArrayList texts { "see you at five, bring the slides", "the build is green again",
        "who broke the staging database?", "lunch at the usual place?", "merged, thanks for the review!",
        "can someone restart the ticker feed" };
    return "{\"type\":\"chat\",\"room\":\"general\",\"id\":" + QByteArray::number(48000 + sequence) + ",\"user\":\""
        + users.at(random.bounded(int(users.size())))
        + "\",\"reply_to\":" + QByteArray::number(47000 + random.bounded(1000)) + ",\"text\":\""
        + texts.at(random.bounded(int(texts.size())))
        + "\",\"ts\":" + QByteArray::number(1732187000000LL + sequence * 41) + "}";
}

QByteArrayList jsonStream()
{
    QRandomGenerator random(7692);
    QByteArrayList messages;
    for (int i = 0; i < kMessages; ++i)
        messages.append(random.bounded(3) == 0 ? chatEvent(random, i) : tickerEvent(random, i));
    return messages;
}

struct Result {
    double deflateMicros = std::numeric_limits<double>::max();
    double inflateMicros = std::numeric_limits<double>::max();
    double averageCompressed = 0;
};

std::optional<Result> measure(const QByteArrayList& messages, int windowBits, bool noContextTakeover)
{
    Result result;
    for (int run = 0; run < kRuns; ++run) {
        MessageDeflater deflater(windowBits, noContextTakeover);
        QByteArrayList payloads;
        payloads.reserve(messages.size());
        QElapsedTimer timer;
        timer.start();
        for (const QByteArray& message : messages)
            payloads.append(deflater.compress(message));
        result.deflateMicros = std::min(result.deflateMicros, timer.nsecsElapsed() / 1000.0 / messages.size());

        MessageInflater inflater(windowBits, noContextTakeover, 1 << 20);
        QByteArray out;
        timer.restart();
        for (const QByteArray& payload : payloads) {
            out.clear();
            if (!inflater.inflate(payload, true, out)) {
                std::fprintf(stderr, "inflate failed: %s\n", qPrintable(inflater.errorString()));
                return std::nullopt;
            }
        }
        result.inflateMicros = std::min(result.inflateMicros, timer.nsecsElapsed() / 1000.0 / payloads.size());

        qint64 compressedBytes = 0;
        for (const QByteArray& payload : payloads)
            compressedBytes += payload.size();
        result.averageCompressed = double(compressedBytes) / payloads.size();
    }
    return result;
}

// The same work done on bare zlib (15 bits, context takeover, sync flush, tail dropped): what the codec costs
// beyond zlib itself.
Result measureBareZlib(const QByteArrayList& messages)
{
    Result result;
    for (int run = 0; run < kRuns; ++run) {
        z_stream deflater {};
        z_stream inflater {};
        deflateInit2(&deflater, 6, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY);
        inflateInit2(&inflater, -15);
        QByteArrayList payloads;
        payloads.reserve(messages.size());
        QElapsedTimer timer;
        timer.start();
        for (const QByteArray& message : messages) {
            QByteArray payload(message.size() + 64, Qt::Uninitialized);
            deflater.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(message.data()));
            deflater.avail_in = uInt(message.size());
            deflater.next_out = reinterpret_cast<Bytef*>(payload.data());
            deflater.avail_out = uInt(payload.size());
            deflate(&deflater, Z_SYNC_FLUSH);
            payload.truncate(payload.size() - qsizetype(deflater.avail_out) - 4);
            payloads.append(payload);
        }
        result.deflateMicros = std::min(result.deflateMicros, timer.nsecsElapsed() / 1000.0 / messages.size());

        QByteArray out(4096, Qt::Uninitialized);
        timer.restart();
        for (const QByteArray& payload : payloads) {
            const QByteArray input = payload + QByteArray::fromRawData("\x00\x00\xff\xff", 4);
            inflater.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
            inflater.avail_in = uInt(input.size());
            inflater.next_out = reinterpret_cast<Bytef*>(out.data());
            inflater.avail_out = uInt(out.size());
            inflate(&inflater, Z_SYNC_FLUSH);
        }
        result.inflateMicros = std::min(result.inflateMicros, timer.nsecsElapsed() / 1000.0 / payloads.size());
        deflateEnd(&deflater);
        inflateEnd(&inflater);

        qint64 compressedBytes = 0;
        for (const QByteArray& payload : payloads)
            compressedBytes += payload.size();
        result.averageCompressed = double(compressedBytes) / payloads.size();
    }
    return result;
}

void printRow(const char* name, const Result& result, double averageInput)
{
    std::printf("%-32s %12.2f %12.2f %14.1f %8.2f\n", name, result.deflateMicros, result.inflateMicros,
        result.averageCompressed, result.averageCompressed / averageInput);
}

// Prints the table; returns false when the codec could not be set up.
inline bool printDeflateFigures()
{
    const QByteArrayList messages = jsonStream();
    qint64 inputBytes = 0;
    for (const QByteArray& message : messages)
        inputBytes += message.size();
    const double averageInput = double(inputBytes) / messages.size();

    std::printf(
        "permessage-deflate, %d varied JSON chat/ticker events, average %.1f bytes, zlib level 6, best of %d\n\n",
        kMessages, averageInput, kRuns);
    std::printf("%-32s %12s %12s %14s %8s\n", "configuration", "deflate us", "inflate us", "avg payload B", "ratio");
    struct Config {
        const char* name;
        int windowBits;
        bool noContextTakeover;
    };
    const Config configs[] = {
        { "15 bits, context takeover", 15, false },
        { "15 bits, no context takeover", 15, true },
        { "10 bits, context takeover", 10, false },
        { "8 bits (RLE), context takeover", 8, false },
        { "8 bits (RLE), no takeover", 8, true },
    };
    for (const Config& config : configs) {
        const std::optional<Result> result = measure(messages, config.windowBits, config.noContextTakeover);
        if (!result)
            return false;
        printRow(config.name, *result, averageInput);
    }
    printRow("bare zlib, 15 bits, takeover", measureBareZlib(messages), averageInput);
    return true;
}

} // namespace wsi::bench
