// Dᵀ(t − n) for blocks of Float frames, accumulated in Double: the blendshape solve's projections.
//
// BLAS has no product of Float rows with a Double matrix, so the frames had to be widened into a
// Double copy and DGEMM then packed both operands again on every call (D, megabytes, once per block
// of frames). Here D is packed once per rig, the frames are widened a few hundred values at a time
// into a buffer that stays in L1, and t − n is formed in Double before it is multiplied, exactly.
#include "ckernels.h"
#include <string.h>

enum {
    TILE_FRAMES = 12,     // frames per register tile
    MAX_PANEL = 8,        // columns of D per packed panel: 4 (an AVX2 register of Doubles) or 8 (AVX-512)
    INNER_CHUNK = 256,    // coordinates widened at a time: 256 × 12 Doubles = 24 KB, in L1
    OUTER_CHUNK = 1024,   // coordinates of D kept in L2 while every frame tile passes: ka × 1024 × 8 bytes
};

// Columns per panel at `level`: one vector register of Doubles.
static size_t panel_width(int level) { return level >= 2 ? 8 : 4; }

size_t fp_projection_packed_count(size_t rows, size_t columns, int level) {
    size_t w = panel_width(level);
    return (columns + w - 1) / w * rows * w;
}

void fp_projection_pack(const double *d, size_t rows, size_t columns, int level, double *packed) {
    size_t w = panel_width(level), panels = (columns + w - 1) / w;
    // D is read once, row after row; each row's panels go to their own streams.
    for (size_t r = 0; r < rows; r++) {
        for (size_t p = 0; p < panels; p++) {
            for (size_t j = 0; j < w; j++) {
                size_t column = p * w + j;
                packed[(p * rows + r) * w + j] = column < columns ? d[r * columns + column] : 0.0;
            }
        }
    }
}

// Widens frames [0, count) × coordinates [c0, c0 + kc) of `values` as t − n into buffer[i][c]
// (INNER_CHUNK Doubles per frame, zeros past `count`). Inlined into each level's caller, whose target
// the compiler vectorises it for.
static inline __attribute__((always_inline)) void widen(const float *values, size_t width, const float *neutral, size_t count,
                                                        size_t c0, size_t kc, double *buffer) {
    for (size_t i = 0; i < TILE_FRAMES; i++) {
        double *to = buffer + i * INNER_CHUNK;
        if (i >= count) {
            memset(to, 0, kc * sizeof(double));
            continue;
        }
        const float *row = values + i * width + c0, *n = neutral + c0;
        for (size_t c = 0; c < kc; c++) to[c] = (double)row[c] - (double)n[c];
    }
}

static void widen_portable(const float *values, size_t width, const float *neutral, size_t count, size_t c0, size_t kc,
                           double *buffer) {
    widen(values, width, neutral, count, c0, kc, buffer);
}

static void tile_portable(const double *buffer, size_t firstFrame, size_t frames, const double *panel, size_t kc,
                          double sums[TILE_FRAMES][MAX_PANEL]) {
    for (size_t i = firstFrame; i < firstFrame + frames; i++) {
        const double *b = buffer + i * INNER_CHUNK;
        for (size_t c = 0; c < kc; c++) {
            for (size_t j = 0; j < 4; j++) sums[i][j] += b[c] * panel[c * 4 + j];
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static void widen_avx2(const float *values, size_t width, const float *neutral, size_t count, size_t c0, size_t kc,
                       double *buffer) {
    widen(values, width, neutral, count, c0, kc, buffer);
}

// Six frames against two panels: 12 accumulators, and per coordinate two loads of D and six
// broadcasts for twelve FMAs (a single panel against twelve frames needs thirteen loads).
__attribute__((target("avx2,fma")))
static void pair_avx2(const double *buffer, size_t firstFrame, const double *panelA, const double *panelB, size_t kc,
                      double sumsA[TILE_FRAMES][MAX_PANEL], double sumsB[TILE_FRAMES][MAX_PANEL]) {
    const double *b0 = buffer + (firstFrame + 0) * INNER_CHUNK, *b1 = b0 + INNER_CHUNK, *b2 = b1 + INNER_CHUNK;
    const double *b3 = b2 + INNER_CHUNK, *b4 = b3 + INNER_CHUNK, *b5 = b4 + INNER_CHUNK;
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    __m256d c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0;
    for (size_t c = 0; c < kc; c++) {
        __m256d da = _mm256_loadu_pd(panelA + c * 4), db = _mm256_loadu_pd(panelB + c * 4);
        __m256d v = _mm256_broadcast_sd(b0 + c);
        a0 = _mm256_fmadd_pd(v, da, a0); c0 = _mm256_fmadd_pd(v, db, c0);
        v = _mm256_broadcast_sd(b1 + c);
        a1 = _mm256_fmadd_pd(v, da, a1); c1 = _mm256_fmadd_pd(v, db, c1);
        v = _mm256_broadcast_sd(b2 + c);
        a2 = _mm256_fmadd_pd(v, da, a2); c2 = _mm256_fmadd_pd(v, db, c2);
        v = _mm256_broadcast_sd(b3 + c);
        a3 = _mm256_fmadd_pd(v, da, a3); c3 = _mm256_fmadd_pd(v, db, c3);
        v = _mm256_broadcast_sd(b4 + c);
        a4 = _mm256_fmadd_pd(v, da, a4); c4 = _mm256_fmadd_pd(v, db, c4);
        v = _mm256_broadcast_sd(b5 + c);
        a5 = _mm256_fmadd_pd(v, da, a5); c5 = _mm256_fmadd_pd(v, db, c5);
    }
    __m256d as[6] = {a0, a1, a2, a3, a4, a5}, cs[6] = {c0, c1, c2, c3, c4, c5};
    for (size_t i = 0; i < 6; i++) {
        _mm256_storeu_pd(sumsA[firstFrame + i], as[i]);
        _mm256_storeu_pd(sumsB[firstFrame + i], cs[i]);
    }
}

// Twelve frames against one panel (the last, odd one).
__attribute__((target("avx2,fma")))
static void single_avx2(const double *buffer, const double *panel, size_t kc, double sums[TILE_FRAMES][MAX_PANEL]) {
    const double *b = buffer;
    enum { S = INNER_CHUNK };
    __m256d a0 = _mm256_setzero_pd(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    __m256d a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    for (size_t c = 0; c < kc; c++, b++) {
        __m256d d = _mm256_loadu_pd(panel + c * 4);
        a0 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 0 * S), d, a0);
        a1 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 1 * S), d, a1);
        a2 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 2 * S), d, a2);
        a3 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 3 * S), d, a3);
        a4 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 4 * S), d, a4);
        a5 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 5 * S), d, a5);
        a6 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 6 * S), d, a6);
        a7 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 7 * S), d, a7);
        a8 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 8 * S), d, a8);
        a9 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 9 * S), d, a9);
        a10 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 10 * S), d, a10);
        a11 = _mm256_fmadd_pd(_mm256_broadcast_sd(b + 11 * S), d, a11);
    }
    __m256d all[TILE_FRAMES] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11};
    for (size_t i = 0; i < TILE_FRAMES; i++) _mm256_storeu_pd(sums[i], all[i]);
}

// AVX-512: twelve frames against two panels of eight columns, 24 accumulators (of 32 registers);
// per coordinate two loads of D and twelve broadcasts for 24 FMAs of eight Doubles. Each output's
// sum runs over the coordinates in the same order as on the AVX2 path: the same numbers.
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,fma")))
static void pair_avx512(const double *buffer, const double *panelA, const double *panelB, size_t kc,
                        double sumsA[TILE_FRAMES][MAX_PANEL], double sumsB[TILE_FRAMES][MAX_PANEL]) {
    __m512d a[TILE_FRAMES], b[TILE_FRAMES];
#pragma clang loop unroll(full)
    for (int i = 0; i < TILE_FRAMES; i++) { a[i] = _mm512_setzero_pd(); b[i] = _mm512_setzero_pd(); }
    for (size_t c = 0; c < kc; c++) {
        __m512d da = _mm512_loadu_pd(panelA + c * 8), db = _mm512_loadu_pd(panelB + c * 8);
#pragma clang loop unroll(full)
        for (int i = 0; i < TILE_FRAMES; i++) {
            __m512d v = _mm512_set1_pd(buffer[i * INNER_CHUNK + c]);
            a[i] = _mm512_fmadd_pd(v, da, a[i]);
            b[i] = _mm512_fmadd_pd(v, db, b[i]);
        }
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < TILE_FRAMES; i++) { _mm512_storeu_pd(sumsA[i], a[i]); _mm512_storeu_pd(sumsB[i], b[i]); }
}

__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,fma")))
static void single_avx512(const double *buffer, const double *panel, size_t kc, double sums[TILE_FRAMES][MAX_PANEL]) {
    __m512d a[TILE_FRAMES];
#pragma clang loop unroll(full)
    for (int i = 0; i < TILE_FRAMES; i++) a[i] = _mm512_setzero_pd();
    for (size_t c = 0; c < kc; c++) {
        __m512d d = _mm512_loadu_pd(panel + c * 8);
#pragma clang loop unroll(full)
        for (int i = 0; i < TILE_FRAMES; i++) a[i] = _mm512_fmadd_pd(_mm512_set1_pd(buffer[i * INNER_CHUNK + c]), d, a[i]);
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < TILE_FRAMES; i++) _mm512_storeu_pd(sums[i], a[i]);
}
#endif

// Adds one panel's tile sums into `out` rows [f0, f0 + count), columns [w·p, w·p + w) below `columns`.
static void add_sums(double *out, size_t f0, size_t count, size_t p, size_t w, size_t columns, double sums[TILE_FRAMES][MAX_PANEL]) {
    for (size_t i = 0; i < count; i++) {
        double *row = out + (f0 + i) * columns + p * w;
        for (size_t j = 0; j < w && p * w + j < columns; j++) row[j] += sums[i][j];
    }
}

void fp_project_centred(const float *values, size_t frames, size_t width, const float *neutral, const double *packed, size_t columns,
                        int level, double *out) {
    size_t w = panel_width(level), panels = (columns + w - 1) / w;
    memset(out, 0, frames * columns * sizeof(double));
    _Alignas(64) double buffer[TILE_FRAMES * INNER_CHUNK];
    for (size_t outer = 0; outer < width; outer += OUTER_CHUNK) {
        size_t outerEnd = outer + OUTER_CHUNK < width ? outer + OUTER_CHUNK : width;
        for (size_t f0 = 0; f0 < frames; f0 += TILE_FRAMES) {
            size_t count = frames - f0 < TILE_FRAMES ? frames - f0 : TILE_FRAMES;
            for (size_t c0 = outer; c0 < outerEnd; c0 += INNER_CHUNK) {
                size_t kc = outerEnd - c0 < INNER_CHUNK ? outerEnd - c0 : INNER_CHUNK;
                double sumsA[TILE_FRAMES][MAX_PANEL], sumsB[TILE_FRAMES][MAX_PANEL];
#if defined(__x86_64__)
                if (level >= 1) {
                    widen_avx2(values + f0 * width, width, neutral, count, c0, kc, buffer);
                    size_t p = 0;
                    for (; p + 2 <= panels; p += 2) {
                        const double *panelA = packed + (p * width + c0) * w, *panelB = packed + ((p + 1) * width + c0) * w;
                        if (level >= 2) {
                            pair_avx512(buffer, panelA, panelB, kc, sumsA, sumsB);
                        } else {
                            pair_avx2(buffer, 0, panelA, panelB, kc, sumsA, sumsB);
                            if (count > 6) pair_avx2(buffer, 6, panelA, panelB, kc, sumsA, sumsB);
                        }
                        add_sums(out, f0, count, p, w, columns, sumsA);
                        add_sums(out, f0, count, p + 1, w, columns, sumsB);
                    }
                    if (p < panels) {
                        if (level >= 2) single_avx512(buffer, packed + (p * width + c0) * w, kc, sumsA);
                        else single_avx2(buffer, packed + (p * width + c0) * w, kc, sumsA);
                        add_sums(out, f0, count, p, w, columns, sumsA);
                    }
                    continue;
                }
#endif
                widen_portable(values + f0 * width, width, neutral, count, c0, kc, buffer);
                for (size_t p = 0; p < panels; p++) {
                    memset(sumsA, 0, sizeof sumsA);
                    tile_portable(buffer, 0, count, packed + (p * width + c0) * w, kc, sumsA);
                    add_sums(out, f0, count, p, w, columns, sumsA);
                }
            }
        }
    }
}
