// Adds a row of stored 4-byte floats to Double sums while checking that every one is finite: what
// validate needs of each frame of a cache (its mean, and that no position is NaN or infinite) in the
// one pass that reads it, without writing the decoded frame anywhere.
#include "ckernels.h"
#include <string.h>

#if defined(__x86_64__)
static int accumulate_avx2(const uint8_t *bytes, size_t count, int bigEndian, double *sums, size_t *reached);
#endif

int fp_accumulate_f32(const void *source, size_t count, int bigEndian, double *sums) {
    const uint8_t *bytes = source;
    uint32_t special = 0;
    size_t i = 0;
#if defined(__x86_64__)
    if (fp_kernels_avx2()) special = (uint32_t)accumulate_avx2(bytes, count, bigEndian, sums, &i);
#endif
    for (; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, bytes + 4 * i, 4);
        if (bigEndian) bits = __builtin_bswap32(bits);
        float value;
        memcpy(&value, &bits, 4);
        special |= (bits & 0x7f800000u) == 0x7f800000u;
        sums[i] += (double)value;
    }
    return special ? 0 : 1;
}

#if defined(__x86_64__)
#include <immintrin.h>

// Eight values a step; returns whether any had all exponent bits set, and leaves the index reached.
__attribute__((target("avx2,fma")))
static int accumulate_avx2(const uint8_t *bytes, size_t count, int bigEndian, double *sums, size_t *reached) {
    const __m256i shuffle = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
                                             3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    const __m256i exponent = _mm256_set1_epi32(0x7f800000);
    __m256i special = _mm256_setzero_si256();
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256i raw = _mm256_loadu_si256((const __m256i *)(bytes + 4 * i));
        if (bigEndian) raw = _mm256_shuffle_epi8(raw, shuffle);
        special = _mm256_or_si256(special, _mm256_cmpeq_epi32(_mm256_and_si256(raw, exponent), exponent));
        __m256 values = _mm256_castsi256_ps(raw);
        __m256d low = _mm256_cvtps_pd(_mm256_castps256_ps128(values)), high = _mm256_cvtps_pd(_mm256_extractf128_ps(values, 1));
        _mm256_storeu_pd(sums + i, _mm256_add_pd(_mm256_loadu_pd(sums + i), low));
        _mm256_storeu_pd(sums + i + 4, _mm256_add_pd(_mm256_loadu_pd(sums + i + 4), high));
    }
    *reached = i;
    return !_mm256_testz_si256(special, special);
}
#endif

// The selected values of a row after its sums, a mask word at a time (the path without AVX-512).
static void select_masked(const uint8_t *bytes, size_t count, int bigEndian, const uint16_t *masks, float *destination) {
    size_t written = 0;
    for (size_t k = 0; 16 * k < count; k++) {
        for (unsigned m = masks[k]; m; m &= m - 1) {
            size_t i = 16 * k + (size_t)__builtin_ctz(m);
            if (i >= count) break;
            uint32_t bits;
            memcpy(&bits, bytes + 4 * i, 4);
            if (bigEndian) bits = __builtin_bswap32(bits);
            memcpy(destination + written++, &bits, 4);
        }
    }
}

#if defined(__x86_64__)
// Sixteen values a step: swapped, checked, widened and added, and the selected ones compressed in a
// register and stored (whole where there is room, else only the selected lanes). The compress
// writes a register, never memory: Zen 4 runs a compressing store as microcode.
__attribute__((target("avx512f,avx512dq,avx512bw,avx512vl,popcnt")))
static int accumulate_sampled_avx512(const uint8_t *bytes, size_t count, int bigEndian, double *sums, const uint16_t *masks,
                                     float *destination, size_t capacity) {
    const __m512i swap = _mm512_set_epi8(60, 61, 62, 63, 56, 57, 58, 59, 52, 53, 54, 55, 48, 49, 50, 51,
                                         44, 45, 46, 47, 40, 41, 42, 43, 36, 37, 38, 39, 32, 33, 34, 35,
                                         28, 29, 30, 31, 24, 25, 26, 27, 20, 21, 22, 23, 16, 17, 18, 19,
                                         12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    const __m512i exponent = _mm512_set1_epi32(0x7f800000);
    __mmask16 special = 0;
    size_t written = 0;
    for (size_t i = 0; i < count; i += 16) {
        size_t left = count - i;
        __mmask16 lanes = left >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << left) - 1);
        __m512i raw = _mm512_maskz_loadu_epi32(lanes, bytes + 4 * i);
        if (bigEndian) raw = _mm512_shuffle_epi8(raw, swap);
        special |= _mm512_mask_cmpeq_epi32_mask(lanes, _mm512_and_si512(raw, exponent), exponent);
        __m512 values = _mm512_castsi512_ps(raw);
        __m512d low = _mm512_cvtps_pd(_mm512_castps512_ps256(values)), high = _mm512_cvtps_pd(_mm512_extractf32x8_ps(values, 1));
        __mmask8 lowLanes = (__mmask8)lanes, highLanes = (__mmask8)(lanes >> 8);
        _mm512_mask_storeu_pd(sums + i, lowLanes, _mm512_add_pd(_mm512_maskz_loadu_pd(lowLanes, sums + i), low));
        _mm512_mask_storeu_pd(sums + i + 8, highLanes, _mm512_add_pd(_mm512_maskz_loadu_pd(highLanes, sums + i + 8), high));
        __mmask16 m = masks[i / 16] & lanes;
        if (!m) continue;
        __m512 c = _mm512_maskz_compress_ps(m, values);
        size_t n = (size_t)__builtin_popcount(m);
        if (written + 16 <= capacity) {
            _mm512_storeu_ps(destination + written, c);
        } else {
            _mm512_mask_storeu_ps(destination + written, (__mmask16)((1u << n) - 1), c);
        }
        written += n;
    }
    return special == 0;
}
#endif

int fp_accumulate_f32_sampled(const void *source, size_t count, int bigEndian, double *sums, const uint16_t *masks,
                              float *destination, size_t capacity) {
#if defined(__x86_64__)
    if (fp_kernels_level() >= 2) return accumulate_sampled_avx512(source, count, bigEndian, sums, masks, destination, capacity);
#else
    (void)capacity;
#endif
    int finite = fp_accumulate_f32(source, count, bigEndian, sums);
    select_masked(source, count, bigEndian, masks, destination);
    return finite;
}
