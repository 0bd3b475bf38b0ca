#include "core/masking.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace wsi {

namespace {

    // Eight key bytes in payload order starting at `offset`; because the key repeats every four
    // bytes, the same word masks every 8-byte block that starts at a multiple of 8 from offset.
    quint64 keyPattern(MaskKey key, quint64 offset)
    {
        quint8 bytes[8];
        for (quint64 i = 0; i < 8; ++i)
            bytes[i] = key[(offset + i) % 4];
        quint64 pattern;
        std::memcpy(&pattern, bytes, sizeof pattern);
        return pattern;
    }

#if defined(__SSE2__)
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
#if defined(__SSE2__)
    i = copyWithMaskSse2(dst, src, size, pattern);
#endif
    for (; i + 8 <= size; i += 8) {
        quint64 word;
        std::memcpy(&word, src + i, sizeof word);
        word ^= pattern;
        std::memcpy(dst + i, &word, sizeof word);
    }
    for (; i < size; ++i)
        dst[i] = char(src[i] ^ key[(offset + quint64(i)) % 4]);
}

void applyMask(char* data, qsizetype size, MaskKey key, quint64 offset)
{
    copyWithMask(data, data, size, key, offset);
}

} // namespace wsi
