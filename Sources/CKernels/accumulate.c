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
