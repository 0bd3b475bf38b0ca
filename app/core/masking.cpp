#include "core/masking.h"

#include <bit>
#include <cstring>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

namespace wsi
{

namespace
{

// Eight key bytes in payload order starting at `offset`; because the key repeats every four
// bytes, the same word masks every 8-byte block that starts at a multiple of 8 from offset.
quint64 keyPattern(MaskKey key, quint64 offset)
{
    quint32 word;
    std::memcpy(&word, key.data(), sizeof word);
    const int shift = int(offset % 4) * 8;
    // Bring key[offset % 4] into the first byte in memory order.
    if constexpr (std::endian::native == std::endian::little)
        word = std::rotr(word, shift);
    else
        word = std::rotl(word, shift);
    return (quint64(word) << 32) | word;
}

#if defined(__x86_64__)
// 32 bytes per instruction where the CPU has AVX2 (checked at run time: the build targets
// baseline x86-64, whose SSE2 path below is the fallback).
__attribute__((target("avx2"))) qsizetype copyWithMaskAvx2(char* dst, const char* src, qsizetype size, quint64 pattern)
{
    const __m256i wide = _mm256_set1_epi64x(qint64(pattern));
    qsizetype i = 0;
    for (; i + 128 <= size; i += 128) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 32));
        const __m256i c = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 64));
        const __m256i d = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i + 96));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(a, wide));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 32), _mm256_xor_si256(b, wide));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 64), _mm256_xor_si256(c, wide));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i + 96), _mm256_xor_si256(d, wide));
    }
    for (; i + 32 <= size; i += 32) {
        const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_xor_si256(a, wide));
    }
    return i;
}

qsizetype copyWithMaskSse2(char* dst, const char* src, qsizetype size, quint64 pattern)
{
    const __m128i wide = _mm_set1_epi64x(qint64(pattern));
    qsizetype i = 0;
    // Four independent 16-byte lanes per step keep the load/store units busy.
    for (; i + 64 <= size; i += 64) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 16));
        const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 32));
        const __m128i d = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 48));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(a, wide));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 16), _mm_xor_si128(b, wide));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 32), _mm_xor_si128(c, wide));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i + 48), _mm_xor_si128(d, wide));
    }
    for (; i + 16 <= size; i += 16) {
        const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm_xor_si128(a, wide));
    }
    return i;
}
#endif

} // namespace

void copyWithMask(char* dst, const char* src, qsizetype size, MaskKey key, quint64 offset)
{
    const quint64 pattern = keyPattern(key, offset);
    qsizetype i = 0;
#if defined(__x86_64__)
    if (size >= 32 && __builtin_cpu_supports("avx2"))
        i = copyWithMaskAvx2(dst, src, size, pattern);
    i += copyWithMaskSse2(dst + i, src + i, size - i, pattern);
#endif
    for (; i + 8 <= size; i += 8) {
        quint64 word;
        std::memcpy(&word, src + i, sizeof word);
        word ^= pattern;
        std::memcpy(dst + i, &word, sizeof word);
    }
    // Every block above was a multiple of 8 bytes, so the tail starts at phase 0 of the pattern.
    quint8 patternBytes[8];
    std::memcpy(patternBytes, &pattern, sizeof pattern);
    for (; i < size; ++i)
        dst[i] = char(src[i] ^ patternBytes[i & 7]);
}

void applyMask(char* data, qsizetype size, MaskKey key, quint64 offset)
{
    copyWithMask(data, data, size, key, offset);
}

} // namespace wsi
