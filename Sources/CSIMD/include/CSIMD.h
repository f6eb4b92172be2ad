// Byte-class masks for the CSV scanner: one bit per byte of a 64-byte window.
//
// Swift has SIMD compares but no way to turn a vector mask into an integer bit mask (x86's
// pmovmskb); this static inline function gives it one instruction per 16 bytes and mask. Swift
// imports it and LLVM inlines it into the caller's loop.
#ifndef LUMBUNG_CSIMD_H
#define LUMBUNG_CSIMD_H

#include <stdint.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Bit masks of a 64-byte window.
typedef struct {
    /// Bytes equal to the delimiter, newline or quote.
    uint64_t structural;
    uint64_t newlines;
    uint64_t quotes;
} lumbung_csv_masks;

/// The masks of the bytes at `p[0..<64]`.
static inline lumbung_csv_masks lumbung_csv_masks64(const uint8_t *p, uint8_t delimiter, uint8_t newline, uint8_t quote) {
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter);
    const __m128i n = _mm_set1_epi8((char)newline);
    const __m128i q = _mm_set1_epi8((char)quote);
    uint64_t s = 0, nl = 0, qu = 0;
    for (int i = 0; i < 4; i++) {
        const __m128i x = _mm_loadu_si128((const __m128i *)(p + 16 * i));
        const __m128i mn = _mm_cmpeq_epi8(x, n);
        const __m128i mq = _mm_cmpeq_epi8(x, q);
        const __m128i all = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, d), mn), mq);
        s |= (uint64_t)(uint32_t)_mm_movemask_epi8(all) << (16 * i);
        nl |= (uint64_t)(uint32_t)_mm_movemask_epi8(mn) << (16 * i);
        qu |= (uint64_t)(uint32_t)_mm_movemask_epi8(mq) << (16 * i);
    }
    lumbung_csv_masks m = {s, nl, qu};
    return m;
#else
    uint64_t s = 0, nl = 0, qu = 0;
    for (int i = 0; i < 64; i++) {
        const uint8_t b = p[i];
        const uint64_t bit = (uint64_t)1 << i;
        if (b == newline) { nl |= bit; s |= bit; }
        else if (b == quote) { qu |= bit; s |= bit; }
        else if (b == delimiter) { s |= bit; }
    }
    lumbung_csv_masks m = {s, nl, qu};
    return m;
#endif
}

#endif
