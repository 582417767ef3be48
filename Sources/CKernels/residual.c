// Per-vertex distances ‖(t − r) − Σₖ wₖ·Dₖ‖ of frames from their blendshape reconstruction: the
// solve's fit, without ever storing the reconstruction.
//
// An SGEMM wrote t − W·D for every coordinate of a block (tens of megabytes, after packing D again
// on every call), and a second pass read it back to subtract r and take each vertex's distance. Here
// D is packed once, vertex-major in blocks of one vector register of vertices (eight with AVX2,
// sixteen with AVX-512; x, y and z apart), so a tile of frames keeps its residual in registers from
// t − r to the distances. A block keeps only the poses that move it: blendshapes are local (an eye
// blink moves the lids), and on the ICT-FaceKit rig 39 % of the (block, pose) pairs are all zero, on
// the synthetic benchmark rig 58 %: multiplications by zero the fit no longer does. Every level runs
// each lane through the same operations: the same numbers.
#include "ckernels.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    MAX_BLOCK = 16,       // vertices per packed block: 8 (AVX2, portable) or 16 (AVX-512)
    CHUNK_VERTICES = 512, // 512 vertices of D (52 poses: 320 KB) stay in L2 while every frame passes
};

static size_t block_width(int level) { return level >= 2 ? 16 : 8; }

size_t fp_residual_block_count(size_t points, int level) {
    size_t w = block_width(level);
    return (points + w - 1) / w;
}

size_t fp_residual_moves(const float *deltas, size_t columns, size_t points, int level, uint8_t *moves) {
    size_t w = block_width(level), blocks = (points + w - 1) / w, entries = 0;
    // Pose k moves block b when any of its deltas there is non-zero (−0 counts as zero: skipping it
    // changes no distance). Each pose's row is read once, in order.
    for (size_t k = 0; k < columns; k++) {
        const float *row = deltas + k * 3 * points;
        for (size_t b = 0; b < blocks; b++) {
            size_t first = 3 * b * w, end = 3 * (b + 1) * w < 3 * points ? 3 * (b + 1) * w : 3 * points;
            unsigned any = 0;
            for (size_t c = first; c < end; c++) any |= row[c] != 0.0f;
            moves[k * blocks + b] = (uint8_t)any;
            entries += any;
        }
    }
    return entries;
}

size_t fp_residual_reference_count(size_t points, int level) {
    size_t w = block_width(level);
    return (points + w - 1) / w * 3 * w;
}

int fp_residual_pack(const float *deltas, size_t columns, size_t points, const float *reference, int level, const uint8_t *moves,
                     float *packed, float *packedReference, uint32_t *poses, size_t *starts) {
    size_t w = block_width(level), blocks = (points + w - 1) / w;
    // starts[b] ..< starts[b + 1]: block b's entries, one per pose that moves it, in pose order.
    for (size_t b = 0; b <= blocks; b++) starts[b] = 0;
    for (size_t k = 0; k < columns; k++) {
        for (size_t b = 0; b < blocks; b++) starts[b + 1] += moves[k * blocks + b];
    }
    for (size_t b = 0; b < blocks; b++) starts[b + 1] += starts[b];
    size_t *filled = malloc((blocks + 1) * sizeof(size_t));   // entries each block has so far
    if (!filled) return 0;
    memcpy(filled, starts, (blocks + 1) * sizeof(size_t));
    // Each pose's row is read in order (its blocks' values land together), not 52 rows apart.
    for (size_t k = 0; k <= columns; k++) {
        const float *source = k < columns ? deltas + k * 3 * points : reference;
        for (size_t b = 0; b < blocks; b++) {
            if (k < columns && !moves[k * blocks + b]) continue;
            float *target = k < columns ? packed + filled[b] * 3 * w : packedReference + b * 3 * w;
            if (k < columns) poses[filled[b]++] = (uint32_t)k;
            for (size_t i = 0; i < w; i++) {
                size_t p = b * w + i;
                for (size_t axis = 0; axis < 3; axis++) target[axis * w + i] = p < points ? source[3 * p + axis] : 0.0f;
            }
        }
    }
    free(filled);
    return 1;
}

// Frame `row`'s distances over block `b` of width `w` (the portable path).
static void block_portable(const float *row, size_t points, size_t b, size_t w, const float *packed, const float *reference,
                           const uint32_t *poses, const size_t *starts, const float *weights, float *distances) {
    float residual[3][MAX_BLOCK];
    for (size_t axis = 0; axis < 3; axis++) {
        for (size_t i = 0; i < w; i++) {
            size_t p = b * w + i;
            residual[axis][i] = p < points ? row[3 * p + axis] - reference[(b * 3 + axis) * w + i] : 0.0f;
        }
    }
    for (size_t j = starts[b]; j < starts[b + 1]; j++) {
        const float *d = packed + j * 3 * w;
        float weight = weights[poses[j]];
        for (size_t axis = 0; axis < 3; axis++) {
            for (size_t i = 0; i < w; i++) residual[axis][i] = fmaf(-weight, d[axis * w + i], residual[axis][i]);
        }
    }
    for (size_t i = 0; i < w && b * w + i < points; i++) {
        float x = residual[0][i], y = residual[1][i], z = residual[2][i];
        distances[b * w + i] = sqrtf(fmaf(x, x, fmaf(y, y, z * z)));   // as the vector paths round
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// Splits 24 interleaved floats (x0 y0 z0 x1 … z7) into x, y and z of eight vertices: each axis takes
// disjoint lanes of the three loads, so two blends gather it and one permute orders it.
__attribute__((target("avx2,fma")))
static inline void deinterleave(const float *source, __m256 *x, __m256 *y, __m256 *z) {
    __m256 v0 = _mm256_loadu_ps(source), v1 = _mm256_loadu_ps(source + 8), v2 = _mm256_loadu_ps(source + 16);
    __m256 xs = _mm256_blend_ps(_mm256_blend_ps(v0, v1, 0x92), v2, 0x24);
    __m256 ys = _mm256_blend_ps(_mm256_blend_ps(v0, v1, 0x24), v2, 0x49);
    __m256 zs = _mm256_blend_ps(_mm256_blend_ps(v0, v1, 0x49), v2, 0x92);
    *x = _mm256_permutevar8x32_ps(xs, _mm256_setr_epi32(0, 3, 6, 1, 4, 7, 2, 5));
    *y = _mm256_permutevar8x32_ps(ys, _mm256_setr_epi32(1, 4, 7, 2, 5, 0, 3, 6));
    *z = _mm256_permutevar8x32_ps(zs, _mm256_setr_epi32(2, 5, 0, 3, 6, 1, 4, 7));
}

// The tiles: `frames` (≤ the tile's height) frames over block `b`, frame f's 3·width values at
// `sources[f]`, its weights at `weights + f·columns`, its distances to `outs[f]`. A tile's unused
// frames read the last frame's weights (never past the block's rows) and are not stored.

// AVX2: eight vertices per register, three frames a tile: 9 accumulators (four frames spill).
enum { TILE_AVX2 = 3 };

__attribute__((target("avx2,fma")))
static void tile_avx2(const float *const *sources, size_t frames, size_t b, const float *packed, const float *reference,
                      const uint32_t *poses, const size_t *starts, const float *weights, size_t columns, float *const *outs) {
    __m256 rx = _mm256_loadu_ps(reference + b * 24), ry = _mm256_loadu_ps(reference + b * 24 + 8),
           rz = _mm256_loadu_ps(reference + b * 24 + 16);
    __m256 x[TILE_AVX2], y[TILE_AVX2], z[TILE_AVX2];
    const float *w[TILE_AVX2];
#pragma clang loop unroll(full)
    for (size_t f = 0; f < TILE_AVX2; f++) {
        w[f] = weights + (f < frames ? f : frames - 1) * columns;
        if (f < frames) {
            deinterleave(sources[f], &x[f], &y[f], &z[f]);
            x[f] = _mm256_sub_ps(x[f], rx); y[f] = _mm256_sub_ps(y[f], ry); z[f] = _mm256_sub_ps(z[f], rz);
        } else {
            x[f] = y[f] = z[f] = _mm256_setzero_ps();
        }
    }
    const float *d = packed + starts[b] * 24;
    for (size_t j = starts[b]; j < starts[b + 1]; j++, d += 24) {
        size_t k = poses[j];
        __m256 dx = _mm256_loadu_ps(d), dy = _mm256_loadu_ps(d + 8), dz = _mm256_loadu_ps(d + 16);
#pragma clang loop unroll(full)
        for (size_t f = 0; f < TILE_AVX2; f++) {
            __m256 wk = _mm256_broadcast_ss(w[f] + k);
            x[f] = _mm256_fnmadd_ps(wk, dx, x[f]); y[f] = _mm256_fnmadd_ps(wk, dy, y[f]); z[f] = _mm256_fnmadd_ps(wk, dz, z[f]);
        }
    }
#pragma clang loop unroll(full)
    for (size_t f = 0; f < TILE_AVX2; f++) {
        if (f < frames) {
            _mm256_storeu_ps(outs[f], _mm256_sqrt_ps(_mm256_fmadd_ps(x[f], x[f], _mm256_fmadd_ps(y[f], y[f], _mm256_mul_ps(z[f], z[f])))));
        }
    }
}

// AVX-512: sixteen vertices per register (two 8-vertex deinterleaves joined), six frames a tile:
// 18 accumulators, and per pose three loads of D and six broadcasts for 18 FMAs of sixteen floats.
__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")))
static inline void deinterleave16(const float *source, __m512 *x, __m512 *y, __m512 *z) {
    __m256 x0, y0, z0, x1, y1, z1;
    deinterleave(source, &x0, &y0, &z0);
    deinterleave(source + 24, &x1, &y1, &z1);
    *x = _mm512_insertf32x8(_mm512_castps256_ps512(x0), x1, 1);
    *y = _mm512_insertf32x8(_mm512_castps256_ps512(y0), y1, 1);
    *z = _mm512_insertf32x8(_mm512_castps256_ps512(z0), z1, 1);
}

enum { TILE512 = 6 };

__attribute__((target("avx512f,avx512dq,avx512vl,avx512bw,avx2,fma")))
static void tile_avx512(const float *const *sources, size_t frames, size_t b, const float *packed, const float *reference,
                        const uint32_t *poses, const size_t *starts, const float *weights, size_t columns, float *const *outs) {
    __m512 rx = _mm512_loadu_ps(reference + b * 48), ry = _mm512_loadu_ps(reference + b * 48 + 16),
           rz = _mm512_loadu_ps(reference + b * 48 + 32);
    __m512 x[TILE512], y[TILE512], z[TILE512];
    const float *w[TILE512];
#pragma clang loop unroll(full)
    for (size_t f = 0; f < TILE512; f++) {
        w[f] = weights + (f < frames ? f : frames - 1) * columns;
        if (f < frames) {
            deinterleave16(sources[f], &x[f], &y[f], &z[f]);
            x[f] = _mm512_sub_ps(x[f], rx); y[f] = _mm512_sub_ps(y[f], ry); z[f] = _mm512_sub_ps(z[f], rz);
        } else {
            x[f] = y[f] = z[f] = _mm512_setzero_ps();
        }
    }
    const float *d = packed + starts[b] * 48;
    for (size_t j = starts[b]; j < starts[b + 1]; j++, d += 48) {
        size_t k = poses[j];
        __m512 dx = _mm512_loadu_ps(d), dy = _mm512_loadu_ps(d + 16), dz = _mm512_loadu_ps(d + 32);
#pragma clang loop unroll(full)
        for (size_t f = 0; f < TILE512; f++) {
            __m512 wk = _mm512_set1_ps(w[f][k]);
            x[f] = _mm512_fnmadd_ps(wk, dx, x[f]); y[f] = _mm512_fnmadd_ps(wk, dy, y[f]); z[f] = _mm512_fnmadd_ps(wk, dz, z[f]);
        }
    }
#pragma clang loop unroll(full)
    for (size_t f = 0; f < TILE512; f++) {
        if (f < frames) {
            _mm512_storeu_ps(outs[f], _mm512_sqrt_ps(_mm512_fmadd_ps(x[f], x[f], _mm512_fmadd_ps(y[f], y[f], _mm512_mul_ps(z[f], z[f])))));
        }
    }
}

typedef void (*residual_tile)(const float *const *sources, size_t frames, size_t b, const float *packed, const float *reference,
                              const uint32_t *poses, const size_t *starts, const float *weights, size_t columns, float *const *outs);

// Blocks [first, end) of every frame through `tile` (`height` frames of `w`-vertex blocks a call);
// the last, partial block of a frame goes through a zero-padded copy of its values.
static void vector_chunk(residual_tile tile, size_t height, size_t w, const float *values, size_t rows, size_t points,
                         const float *packed, const float *reference, const uint32_t *poses, const size_t *starts,
                         const float *weights, size_t columns, size_t first, size_t end, float *distances) {
    size_t width = 3 * points, full = points / w;
    for (size_t f = 0; f < rows; f += height) {
        size_t frames = rows - f < height ? rows - f : height;
        for (size_t b = first; b < end; b++) {
            const float *sources[TILE512];
            float *outs[TILE512];
            float padded[TILE512][3 * MAX_BLOCK], scratch[TILE512][MAX_BLOCK];
            size_t used = b < full ? w : points - b * w;
            for (size_t i = 0; i < frames; i++) {
                const float *source = values + (f + i) * width + 3 * w * b;
                if (used < w) {
                    memset(padded[i], 0, sizeof padded[i]);
                    memcpy(padded[i], source, 3 * used * sizeof(float));
                    source = padded[i];
                }
                sources[i] = source;
                outs[i] = used < w ? scratch[i] : distances + (f + i) * points + b * w;
            }
            tile(sources, frames, b, packed, reference, poses, starts, weights + f * columns, columns, outs);
            if (used < w) {
                for (size_t i = 0; i < frames; i++) memcpy(distances + (f + i) * points + b * w, scratch[i], used * sizeof(float));
            }
        }
    }
}
#endif

void fp_residual_distances(const float *values, size_t rows, size_t points, const float *packed, const float *reference,
                           const uint32_t *poses, const size_t *starts, const float *weights, size_t columns, int level,
                           float *distances) {
    size_t w = block_width(level), blocks = (points + w - 1) / w, chunkBlocks = CHUNK_VERTICES / w;
    for (size_t first = 0; first < blocks; first += chunkBlocks) {
        size_t end = first + chunkBlocks < blocks ? first + chunkBlocks : blocks;
#if defined(__x86_64__)
        if (level >= 1) {
            vector_chunk(level >= 2 ? tile_avx512 : tile_avx2, level >= 2 ? TILE512 : TILE_AVX2, w, values, rows, points, packed, reference,
                         poses, starts, weights, columns, first, end, distances);
            continue;
        }
#endif
        // The portable path takes every block one frame at a time.
        for (size_t r = 0; r < rows; r++) {
            for (size_t b = first; b < end; b++) {
                block_portable(values + r * 3 * points, points, b, w, packed, reference, poses, starts, weights + r * columns,
                               distances + r * points);
            }
        }
    }
}
