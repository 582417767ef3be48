// Hot loops that Swift compiles for baseline x86-64 (SSE2) only — byte-swapping decode of big-endian
// Maya caches, with an AVX2 body chosen at run time and a portable one — and a non-variadic snprintf.
#include "ckernels.h"
#include <stdio.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2")))
static void decode_be_avx2(const uint8_t *source, float *destination, size_t count) {
    const __m256i shuffle = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12,
                                             3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(source + 4 * i));
        __m256i b = _mm256_loadu_si256((const __m256i *)(source + 4 * i + 32));
        _mm256_storeu_si256((__m256i *)(destination + i), _mm256_shuffle_epi8(a, shuffle));
        _mm256_storeu_si256((__m256i *)(destination + i + 8), _mm256_shuffle_epi8(b, shuffle));
    }
    for (; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, source + 4 * i, 4);
        bits = __builtin_bswap32(bits);
        memcpy(destination + i, &bits, 4);
    }
}

static int cpu_level = -1, level_limit = 2;

int fp_kernels_level(void) {
    if (cpu_level < 0) {
        __builtin_cpu_init();
        // Every AVX2 path may use FMA too (the projections do): require both. The AVX-512 paths use
        // F, and VL/DQ/BW for the 256-bit halves they share with the AVX2 code.
        int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        int avx512 = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                     __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw");
        cpu_level = avx512 ? 2 : (avx2 ? 1 : 0);
    }
    return cpu_level < level_limit ? cpu_level : level_limit;
}

void fp_kernels_limit(int level) { level_limit = level < 0 ? 0 : level; }

int fp_kernels_avx2(void) { return fp_kernels_level() >= 1; }

// Runs of up to four values (a mask scattered over the mesh is runs of three: x, y, z) take one
// 16-byte shuffle each where the source and destination have room for the whole vector.
__attribute__((target("avx2")))
static void runs_be_avx2(const uint8_t *source, int64_t first, int64_t end, const int64_t *starts, const int64_t *lengths,
                         size_t runs, float *destination, size_t capacity) {
    const __m128i shuffle = _mm_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
    size_t written = 0;
    for (size_t r = 0; r < runs; r++) {
        int64_t index = starts[r] - first, length = lengths[r];
        const uint8_t *from = source + 4 * index;
        float *to = destination + written;
        if (length <= 4 && index + 4 <= end - first && written + 4 <= capacity) {
            __m128i v = _mm_loadu_si128((const __m128i *)from);
            _mm_storeu_si128((__m128i *)to, _mm_shuffle_epi8(v, shuffle));
        } else {
            decode_be_avx2(from, to, (size_t)length);
        }
        written += (size_t)length;
    }
}

// The same selection as chunks of sixteen values with a bit per selected one: each chunk is loaded,
// swapped and compressed in registers, then stored whole (16 values, of which the selected ones come
// first) where the destination has room, else only its selected values. A mask of isolated vertices
// (runs of three, one every few vertices) is about one run per chunk, and a run costs more than a
// chunk. The compress writes a register, never memory: Zen 4 runs a compressing store as microcode.
__attribute__((target("avx512f,avx512bw,avx512vl,popcnt")))
static void masked_be_avx512(const uint8_t *source, size_t span, const uint16_t *masks, float *destination, size_t capacity) {
    const __m512i swap = _mm512_set_epi8(60, 61, 62, 63, 56, 57, 58, 59, 52, 53, 54, 55, 48, 49, 50, 51,
                                         44, 45, 46, 47, 40, 41, 42, 43, 36, 37, 38, 39, 32, 33, 34, 35,
                                         28, 29, 30, 31, 24, 25, 26, 27, 20, 21, 22, 23, 16, 17, 18, 19,
                                         12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    size_t chunks = (span + 15) / 16, written = 0;
    for (size_t k = 0; k < chunks; k++) {
        __mmask16 m = masks[k];
        if (!m) continue;
        size_t left = span - 16 * k;
        // The last chunk may hold fewer than sixteen values: only they are loaded (the mask has no others).
        __m512i v = left >= 16 ? _mm512_loadu_si512((const void *)(source + 64 * k))
                               : _mm512_maskz_loadu_epi32((__mmask16)((1u << left) - 1), source + 64 * k);
        // Each group of four bytes reversed: vpshufb reads only the low four bits of an index, within its 128-bit lane.
        __m512i c = _mm512_maskz_compress_epi32(m, _mm512_shuffle_epi8(v, swap));
        size_t n = (size_t)__builtin_popcount(m);
        if (written + 16 <= capacity) {
            _mm512_storeu_si512((void *)(destination + written), c);
        } else {
            _mm512_mask_storeu_epi32(destination + written, (__mmask16)((1u << n) - 1), c);
        }
        written += n;
    }
}
#else
int fp_kernels_level(void) { return 0; }
void fp_kernels_limit(int level) { (void)level; }
int fp_kernels_avx2(void) { return 0; }
#endif

static void decode_be_scalar(const uint8_t *source, float *destination, size_t count) {
    for (size_t i = 0; i < count; i++) {
        uint32_t bits;
        memcpy(&bits, source + 4 * i, 4);
        bits = __builtin_bswap32(bits);
        memcpy(destination + i, &bits, 4);
    }
}

void fp_decode_f32_be(const void *source, float *destination, size_t count) {
#if defined(__x86_64__)
    if (fp_kernels_avx2()) {
        decode_be_avx2((const uint8_t *)source, destination, count);
        return;
    }
#endif
    decode_be_scalar((const uint8_t *)source, destination, count);
}

void fp_decode_f32_be_runs(const void *source, int64_t first, int64_t end, const int64_t *starts, const int64_t *lengths,
                           size_t runs, float *destination, size_t capacity) {
    const uint8_t *bytes = (const uint8_t *)source;
#if defined(__x86_64__)
    if (fp_kernels_avx2()) {
        runs_be_avx2(bytes, first, end, starts, lengths, runs, destination, capacity);
        return;
    }
#else
    (void)end;
    (void)capacity;
#endif
    for (size_t r = 0; r < runs; r++) {
        size_t length = (size_t)lengths[r];
        const uint8_t *from = bytes + 4 * (size_t)(starts[r] - first);
        decode_be_scalar(from, destination, length);
        destination += length;
    }
}

void fp_decode_f32_be_masked(const void *source, size_t span, const uint16_t *masks, float *destination, size_t capacity) {
    const uint8_t *bytes = (const uint8_t *)source;
#if defined(__x86_64__)
    if (fp_kernels_level() >= 2) {
        masked_be_avx512(bytes, span, masks, destination, capacity);
        return;
    }
#else
    (void)capacity;
#endif
    size_t written = 0;
    for (size_t i = 0; i < span; i++) {
        if (!((masks[i / 16] >> (i % 16)) & 1)) continue;
        decode_be_scalar(bytes + 4 * i, destination + written, 1);
        written++;
    }
}

int fp_format_double(char *buffer, size_t size, const char *format, double value) {
    return snprintf(buffer, size, format, value);
}

