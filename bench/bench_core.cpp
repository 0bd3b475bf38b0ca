// Throughput of the frame hot path: unmasking, full frame decoding and UTF-8 validation, each next
// to a reference measured in the same run (memcpy, a byte-at-a-time loop, QStringDecoder), then the
// permessage-deflate cost per small JSON message next to a bare zlib loop.
// Run by hand: build/bench/bench_core. Numbers are the best batch of several, to damp the noise
// of a shared machine.

#include "core/framedecoder.h"
#include "core/frameencoder.h"
#include "core/masking.h"
#include "core/messageassembler.h"
#include "core/utf8.h"
#include "deflatefigures.h"

#include <QElapsedTimer>
#include <QStringDecoder>
#include <cstdio>
#include <cstring>
#include <functional>

using namespace wsi;

namespace
{

constexpr qint64 targetNanosPerMeasurement = 300'000'000;
constexpr qint64 minimumBatchNanos = 20'000'000;

// Makes the compiler assume `p` is read and memory changed, so measured work cannot be dropped.
void escape(const void* p)
{
    asm volatile("" : : "g"(p) : "memory");
}

// Bytes per second of `run`, which processes `bytesPerRun` bytes each call.
double measure(qint64 bytesPerRun, const std::function<void()>& run)
{
    qint64 reps = 1;
    QElapsedTimer timer;
    for (;;) { // grow the batch until it is long enough to time reliably
        timer.start();
        for (qint64 i = 0; i < reps; ++i)
            run();
        if (timer.nsecsElapsed() >= minimumBatchNanos)
            break;
        reps *= 2;
    }
    qint64 bestNanos = timer.nsecsElapsed();
    qint64 spent = bestNanos;
    while (spent < targetNanosPerMeasurement) {
        timer.start();
        for (qint64 i = 0; i < reps; ++i)
            run();
        const qint64 nanos = timer.nsecsElapsed();
        bestNanos = std::min(bestNanos, nanos);
        spent += nanos;
    }
    return double(bytesPerRun) * double(reps) / (double(bestNanos) * 1e-9);
}

double gbPerSecond(double bytesPerSecond)
{
    return bytesPerSecond / 1e9;
}

void printRow(const char* what, const char* size, double rate, const char* reference, double referenceRate)
{
    std::printf("%-28s %8s %9.2f GB/s   %-22s %9.2f GB/s   %6.2fx\n", what, size, gbPerSecond(rate), reference,
        gbPerSecond(referenceRate), rate / referenceRate);
}

void printHeader(const char* title)
{
    std::printf("\n%s\n%-28s %8s %14s   %-22s %14s   %7s\n", title, "measurement", "size", "throughput", "reference",
        "throughput", "ratio");
}

// The classic loop the fast paths replace, kept byte at a time on purpose (vectorisation off) so the
// comparison is with the loop as it is commonly written and run.
__attribute__((optimize("no-tree-vectorize"))) void naiveMask(char* data, qsizetype size, MaskKey key)
{
    for (qsizetype i = 0; i < size; ++i)
        data[i] = char(data[i] ^ key[size_t(i % 4)]);
}

QByteArray textOfSize(qsizetype size, bool multilingual)
{
    // ASCII like JSON traffic, or a mix of 1- to 4-byte sequences.
    const QByteArray unit = multilingual
        ? QByteArray("{\"greek\":\"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\",\"ja\":\"\xe6\x97\xa5\xe6\x9c\xac\","
                     "\"emoji\":\"\xf0\x9f\x98\x80\"}")
        : QByteArray("{\"id\":12345,\"name\":\"websocket inspector\",\"ok\":true}");
    QByteArray text;
    text.reserve(size + unit.size());
    while (text.size() + unit.size() <= size)
        text += unit;
    text += QByteArray(size - text.size(), ' ');
    return text;
}

const MaskKey key { 0x37, 0xfa, 0x21, 0x3d };

void measureUnmasking()
{
    printHeader("Unmasking (in place) vs memcpy and the byte-at-a-time i % 4 loop");
    const std::pair<qsizetype, const char*> sizes[]
        = { { 125, "125 B" }, { 1024, "1 KiB" }, { 16 * 1024, "16 KiB" }, { 1024 * 1024, "1 MiB" } };
    for (const auto& [size, label] : sizes) {
        QByteArray data = textOfSize(size, false);
        QByteArray copy(size, Qt::Uninitialized);
        const double mask = measure(size, [&] {
            applyMask(data.data(), size, key);
            escape(data.constData());
        });
        const double memcpyRate = measure(size, [&] {
            std::memcpy(copy.data(), data.constData(), size_t(size));
            escape(copy.constData());
        });
        const double naive = measure(size, [&] {
            naiveMask(data.data(), size, key);
            escape(data.constData());
        });
        printRow("applyMask", label, mask, "memcpy", memcpyRate);
        printRow("applyMask", label, mask, "naive i % 4 loop", naive);
    }
}

// One 1 MiB masked text frame fed in 64 KiB reads, decoded and assembled (unmask + UTF-8 check).
void measureFullDecode()
{
    printHeader("Full decode of 1 MiB masked text frames (header + unmask + UTF-8), 64 KiB reads");
    const qsizetype size = 1024 * 1024;
    QByteArray copy(size, Qt::Uninitialized);
    for (bool multilingual : { false, true }) {
        const QByteArray text = textOfSize(size, multilingual);
        const QByteArray wire = encodeFrame(Role::Client, quint8(Opcode::Text), text, key);
        FrameDecoder decoder(Role::Server);
        MessageAssembler assembler;
        qint64 failures = 0;
        const double decodeRate = measure(size, [&] {
            for (qsizetype at = 0; at < wire.size(); at += 65536)
                decoder.feed(QByteArrayView(wire).sliced(at, std::min<qsizetype>(65536, wire.size() - at)));
            Frame frame;
            if (decoder.next(frame) != FrameDecoder::Status::FrameReady
                || assembler.push(frame) != MessageAssembler::Result::MessageReady)
                ++failures;
            escape(assembler.message().payload.constData());
        });
        const double memcpyRate = measure(size, [&] {
            std::memcpy(copy.data(), wire.constData(), size_t(size));
            escape(copy.constData());
        });
        printRow(multilingual ? "decode, multilingual text" : "decode, ASCII/JSON text", "1 MiB", decodeRate, "memcpy",
            memcpyRate);
        if (failures != 0)
            std::printf("  !! %lld frames failed to decode\n", failures);
    }
}

void measureUtf8()
{
    printHeader("UTF-8 validation vs QStringDecoder (UTF-8 to QString) on the same bytes");
    const qsizetype size = 1024 * 1024;
    for (bool multilingual : { false, true }) {
        const QByteArray text = textOfSize(size, multilingual);
        qint64 invalid = 0;
        const double validate = measure(size, [&] {
            invalid += isValidUtf8(text) ? 0 : 1;
            escape(&invalid);
        });
        const double decoder = measure(size, [&] {
            QStringDecoder toUtf16(QStringDecoder::Utf8);
            const QString decoded = toUtf16(text);
            invalid += toUtf16.hasError() ? 1 : 0;
            escape(decoded.constData());
        });
        printRow(multilingual ? "isValidUtf8, multilingual" : "isValidUtf8, ASCII/JSON", "1 MiB", validate,
            "QStringDecoder", decoder);
        if (invalid != 0)
            std::printf("  !! %lld validations failed\n", invalid);
    }
}

// permessage-deflate figures (compress and inflate throughput, ratio) belong here, next to the
// frame figures, once the codec is part of the core.
void measureDeflate()
{
    printHeader("permessage-deflate");
    bench::printDeflateFigures();
}

} // namespace

int main()
{
    measureUnmasking();
    measureFullDecode();
    measureUtf8();
    measureDeflate();
    return 0;
}
