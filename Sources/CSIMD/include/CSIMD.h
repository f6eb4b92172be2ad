// Byte-class masks for the CSV scanner: one bit per byte of a 64-byte window.
//
// Swift has SIMD compares but no way to turn a vector mask into an integer bit mask (x86's
// pmovmskb); this static inline function gives it one instruction per 16 bytes. Swift imports it
// and LLVM inlines it into the caller's loop.
#ifndef LUMBUNG_CSIMD_H
#define LUMBUNG_CSIMD_H

#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Mask of the bytes at `p[0..<64]` equal to `delimiter`, `newline` or `quote`.
static inline uint64_t lumbung_csv_structural64(const uint8_t *p, uint8_t delimiter, uint8_t newline, uint8_t quote) {
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter);
    const __m128i n = _mm_set1_epi8((char)newline);
    const __m128i q = _mm_set1_epi8((char)quote);
    uint64_t s = 0;
    for (int i = 0; i < 4; i++) {
        const __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * i));
        const __m128i hits = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, d), _mm_cmpeq_epi8(x, n)), _mm_cmpeq_epi8(x, q));
        s |= (uint64_t)(uint32_t)_mm_movemask_epi8(hits) << (16 * i);
    }
    return s;
#else
    uint64_t s = 0;
    for (int i = 0; i < 64; i++) {
        const uint8_t b = p[i];
        if (b == delimiter || b == newline || b == quote) { s |= (uint64_t)1 << i; }
    }
    return s;
#endif
}

#endif
