// Dᵀ(t − n) for blocks of Float frames: the blendshape solve's projections, multiplied in Float and
// summed in Double.
//
// A rig's deltas D (or, as the solve passes it, Q of D = QR rounded to Float), its neutral n and the
// frames t are all Float, so only the sums need more: one Float sum over a whole frame (21,591 masked
// coordinates on a Claire-size head) drifts by ~√21,591 ulps, which moved the real ICT-FaceKit rig's
// weights by up to 1e-5. Here each Float sum runs over one chunk of CHUNK coordinates only and is then
// added into a Double total: the drift of a chunk (~√CHUNK ulps of its own terms) averages out over
// the chunks, well under the solve's 1e-6. Float products run at twice the rate of Double ones and D
// packed in Float is half the bytes, and t − n is formed in Float (exact for a face near its neutral,
// Sterbenz) without widening the frames. Measured on the real
// ICT-FaceKit rig (14,062 vertices, 51 poses, products over Q of D = QR, see BlendshapeSystem): runs
// of 256 moved its weights by up to 1.1e-6 from Double products, runs of 64 by 3.5e-7, runs of 32 by
// 1.9e-7 (and slower).
//
// D is packed once per rig in panels of eight columns; a tile of twelve frames has its t − n written
// into a buffer that stays in L1, and every panel passes over it. Every level runs each output through
// the same operations in the same order (Float fused multiply-adds over a chunk from zero, then one
// Double addition per chunk): the same numbers everywhere.
#include "ckernels.h"
#include <math.h>
#include <string.h>

enum {
    TILE_FRAMES = 12,     // frames per tile
    PANEL = 8,            // columns of D per packed panel: one AVX2 register of Floats
    CHUNK = 64,           // coordinates per Float sum (and centred at a time: 12 × 64 Floats = 3 KB, in L1)
    OUTER_CHUNK = 1024,   // coordinates of D kept in L2 while every frame tile passes: ka × 1024 × 4 bytes
};

size_t fp_projection_packed_count(size_t rows, size_t columns) {
    return (columns + PANEL - 1) / PANEL * rows * PANEL;
}

void fp_projection_pack(const double *d, size_t rows, size_t columns, float *packed) {
    fp_projection_pack_rows(d, 0, rows, rows, columns, packed);
}

void fp_projection_pack_rows(const double *block, size_t first, size_t count, size_t rows, size_t columns, float *packed) {
    size_t panels = (columns + PANEL - 1) / PANEL;
    // The block is read once, row after row; each row's panels go to their own streams.
    for (size_t i = 0; i < count; i++) {
        size_t r = first + i;
        for (size_t p = 0; p < panels; p++) {
            for (size_t j = 0; j < PANEL; j++) {
                size_t column = p * PANEL + j;
                packed[(p * rows + r) * PANEL + j] = column < columns ? (float)block[i * columns + column] : 0.0f;
            }
        }
    }
}

// t − n of frames [0, count) × coordinates [c0, c0 + kc) into buffer[i][c] (zeros past `count`). Frame
// i's row starts at values + i·stride; coordinate c of it lies at c, or at coordinates[c] when given
// (the mask's coordinates read out of whole frames, with no gathered copy of them).
static inline __attribute__((always_inline)) void centre(const float *values, size_t stride, const int64_t *coordinates, size_t width,
                                                         const float *neutral, size_t count, size_t c0, size_t kc, float *buffer) {
    for (size_t i = 0; i < TILE_FRAMES; i++) {
        float *to = buffer + i * CHUNK;
        if (i >= count) {
            memset(to, 0, kc * sizeof(float));
            continue;
        }
        const float *n = neutral + c0;
        if (coordinates) {
            const float *row = values + i * stride;
            const int64_t *at = coordinates + c0;
            for (size_t c = 0; c < kc; c++) to[c] = row[at[c]] - n[c];
            // As below, and more so: the next chunk's coordinates spread over about three times as many
            // values of the row (a mask of whole vertices). Its lines, from its first coordinate to its
            // last, are fetched while the panels pass over this chunk; `coordinates` may end before it.
            if (c0 + kc < width) {
                const float *next = row + at[kc];
                for (size_t line = 0; line < 4 * CHUNK; line += 16) __builtin_prefetch(next + line);
            }
        } else {
            const float *row = values + i * stride + c0;
            for (size_t c = 0; c < kc; c++) to[c] = row[c] - n[c];
            // The tile's rows lie a frame apart and each is read 256 bytes at a time, too short a stream
            // for the hardware prefetcher: fetch the next chunk's lines while the panels pass over this one.
            for (size_t line = 0; line < CHUNK; line += 16) __builtin_prefetch(row + CHUNK + line);
        }
    }
}

// Frames [first, first + frames) of the tile against one panel: sums[i][j] = Σ_c b[i][c]·D[c][j],
// one fused multiply-add after another from zero, as the vector lanes do.
static void tile_portable(const float *buffer, size_t first, size_t frames, const float *panel, size_t kc, double sums[TILE_FRAMES][PANEL]) {
    for (size_t i = first; i < first + frames; i++) {
        const float *b = buffer + i * CHUNK;
        for (size_t j = 0; j < PANEL; j++) {
            float sum = 0.0f;
            for (size_t c = 0; c < kc; c++) sum = fmaf(b[c], panel[c * PANEL + j], sum);
            sums[i][j] = (double)sum;
        }
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2,fma")))
static void centre_avx2(const float *values, size_t stride, const int64_t *coordinates, size_t width, const float *neutral, size_t count, size_t c0,
                        size_t kc, float *buffer) {
    centre(values, stride, coordinates, width, neutral, count, c0, kc, buffer);
}

__attribute__((target("avx2,fma")))
static inline void store_sums(__m256 sum, double row[PANEL]) {
    _mm256_storeu_pd(row, _mm256_cvtps_pd(_mm256_castps256_ps128(sum)));
    _mm256_storeu_pd(row + 4, _mm256_cvtps_pd(_mm256_extractf128_ps(sum, 1)));
}

// out[i][0 ..< 8] += the eight Floats of `sum`, each widened to Double: add_sums' additions, in its order.
__attribute__((target("avx2,fma")))
static inline void add_widened(__m256 sum, double *row) {
    _mm256_storeu_pd(row, _mm256_add_pd(_mm256_loadu_pd(row), _mm256_cvtps_pd(_mm256_castps256_ps128(sum))));
    _mm256_storeu_pd(row + 4, _mm256_add_pd(_mm256_loadu_pd(row + 4), _mm256_cvtps_pd(_mm256_extractf128_ps(sum, 1))));
}

// Six frames against two whole panels: 12 accumulators, and per coordinate two loads of D and six
// broadcasts for twelve FMAs. The chunk's sums are added straight into `out` (rows `columns` apart,
// 16 columns from panel A's first), for the first `rows` (≤ 6) of the six frames only: the same Double
// additions as `add_sums`, without the round trip through a table of sums.
__attribute__((target("avx2,fma")))
static void pair_avx2(const float *buffer, size_t first, const float *panelA, const float *panelB, size_t kc,
                      double *out, size_t columns, size_t rows) {
    const float *b0 = buffer + (first + 0) * CHUNK, *b1 = b0 + CHUNK, *b2 = b1 + CHUNK;
    const float *b3 = b2 + CHUNK, *b4 = b3 + CHUNK, *b5 = b4 + CHUNK;
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    __m256 c0 = a0, c1 = a0, c2 = a0, c3 = a0, c4 = a0, c5 = a0;
    for (size_t c = 0; c < kc; c++) {
        __m256 da = _mm256_loadu_ps(panelA + c * PANEL), db = _mm256_loadu_ps(panelB + c * PANEL);
        __m256 v = _mm256_broadcast_ss(b0 + c);
        a0 = _mm256_fmadd_ps(v, da, a0); c0 = _mm256_fmadd_ps(v, db, c0);
        v = _mm256_broadcast_ss(b1 + c);
        a1 = _mm256_fmadd_ps(v, da, a1); c1 = _mm256_fmadd_ps(v, db, c1);
        v = _mm256_broadcast_ss(b2 + c);
        a2 = _mm256_fmadd_ps(v, da, a2); c2 = _mm256_fmadd_ps(v, db, c2);
        v = _mm256_broadcast_ss(b3 + c);
        a3 = _mm256_fmadd_ps(v, da, a3); c3 = _mm256_fmadd_ps(v, db, c3);
        v = _mm256_broadcast_ss(b4 + c);
        a4 = _mm256_fmadd_ps(v, da, a4); c4 = _mm256_fmadd_ps(v, db, c4);
        v = _mm256_broadcast_ss(b5 + c);
        a5 = _mm256_fmadd_ps(v, da, a5); c5 = _mm256_fmadd_ps(v, db, c5);
    }
    __m256 as[6] = {a0, a1, a2, a3, a4, a5}, cs[6] = {c0, c1, c2, c3, c4, c5};
    for (size_t i = 0; i < rows; i++) {
        add_widened(as[i], out + i * columns);
        add_widened(cs[i], out + i * columns + PANEL);
    }
}

// Twelve frames against one panel (the last, odd one).
__attribute__((target("avx2,fma")))
static void single_avx2(const float *buffer, const float *panel, size_t kc, double sums[TILE_FRAMES][PANEL]) {
    const float *b = buffer;
    enum { S = CHUNK };
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
    __m256 a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
    for (size_t c = 0; c < kc; c++, b++) {
        __m256 d = _mm256_loadu_ps(panel + c * PANEL);
        a0 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 0 * S), d, a0);
        a1 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 1 * S), d, a1);
        a2 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 2 * S), d, a2);
        a3 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 3 * S), d, a3);
        a4 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 4 * S), d, a4);
        a5 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 5 * S), d, a5);
        a6 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 6 * S), d, a6);
        a7 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 7 * S), d, a7);
        a8 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 8 * S), d, a8);
        a9 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 9 * S), d, a9);
        a10 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 10 * S), d, a10);
        a11 = _mm256_fmadd_ps(_mm256_broadcast_ss(b + 11 * S), d, a11);
    }
    __m256 all[TILE_FRAMES] = {a0, a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11};
    for (size_t i = 0; i < TILE_FRAMES; i++) store_sums(all[i], sums[i]);
}
#endif

// Adds one panel's chunk sums into `out` rows [f0, f0 + count), columns [8p, 8p + 8) below `columns`.
static void add_sums(double *out, size_t f0, size_t count, size_t p, size_t columns, double sums[TILE_FRAMES][PANEL]) {
    for (size_t i = 0; i < count; i++) {
        double *row = out + (f0 + i) * columns + p * PANEL;
        for (size_t j = 0; j < PANEL && p * PANEL + j < columns; j++) row[j] += sums[i][j];
    }
}

void fp_project_centred(const float *values, size_t frames, size_t width, const float *neutral, const float *packed, size_t columns,
                        int level, double *out) {
    fp_project_centred_selected(values, frames, width, NULL, width, neutral, packed, columns, level, out);
}

void fp_project_centred_selected(const float *values, size_t frames, size_t stride, const int64_t *coordinates, size_t width,
                                 const float *neutral, const float *packed, size_t columns, int level, double *out) {
    size_t panels = (columns + PANEL - 1) / PANEL;
    memset(out, 0, frames * columns * sizeof(double));
    _Alignas(64) float buffer[TILE_FRAMES * CHUNK];
    for (size_t outer = 0; outer < width; outer += OUTER_CHUNK) {
        size_t outerEnd = outer + OUTER_CHUNK < width ? outer + OUTER_CHUNK : width;
        for (size_t f0 = 0; f0 < frames; f0 += TILE_FRAMES) {
            size_t count = frames - f0 < TILE_FRAMES ? frames - f0 : TILE_FRAMES;
            for (size_t c0 = outer; c0 < outerEnd; c0 += CHUNK) {
                size_t kc = outerEnd - c0 < CHUNK ? outerEnd - c0 : CHUNK;
                double sumsA[TILE_FRAMES][PANEL];
#if defined(__x86_64__)
                if (level >= 1) {
                    centre_avx2(values + f0 * stride, stride, coordinates, width, neutral, count, c0, kc, buffer);
                    size_t p = 0;
                    // Pairs of whole panels (all 16 columns below `columns`) add into `out` themselves.
                    for (; p + 2 <= panels && (p + 2) * PANEL <= columns; p += 2) {
                        const float *panelA = packed + (p * width + c0) * PANEL, *panelB = packed + ((p + 1) * width + c0) * PANEL;
                        double *rows = out + f0 * columns + p * PANEL;
                        pair_avx2(buffer, 0, panelA, panelB, kc, rows, columns, count < 6 ? count : 6);
                        if (count > 6) pair_avx2(buffer, 6, panelA, panelB, kc, rows + 6 * columns, columns, count - 6);
                    }
                    // The panels left (an odd last one, or a pair with a partial panel): one at a time, through
                    // the table of sums, which stops at `columns`.
                    for (; p < panels; p++) {
                        single_avx2(buffer, packed + (p * width + c0) * PANEL, kc, sumsA);
                        add_sums(out, f0, count, p, columns, sumsA);
                    }
                    continue;
                }
#endif
                centre(values + f0 * stride, stride, coordinates, width, neutral, count, c0, kc, buffer);
                for (size_t p = 0; p < panels; p++) {
                    tile_portable(buffer, 0, count, packed + (p * width + c0) * PANEL, kc, sumsA);
                    add_sums(out, f0, count, p, columns, sumsA);
                }
            }
        }
    }
}
