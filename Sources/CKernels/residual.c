// Per-vertex distances ‖(t − r) − Σₖ wₖ·Dₖ‖ of frames from their blendshape reconstruction: the
// solve's fit, without ever storing the reconstruction.
//
// An SGEMM wrote t − W·D for every coordinate of a block (tens of megabytes, after packing D again
// on every call), and a second pass read it back to subtract r and take each vertex's distance. Here
// D is packed once, vertex-major in blocks of eight (x, y and z apart), so a tile of frames × eight
// vertices keeps its residual in registers from t − r to the distances.
#include "ckernels.h"
#include <math.h>
#include <string.h>

enum {
    BLOCK = 8,            // vertices per packed block: one AVX register of each axis
    TILE = 3,             // frames per register tile: 3 axes × 3 frames = 9 accumulators (four spill)
    CHUNK_BLOCKS = 64,    // 512 vertices of D (52 poses: 320 KB) stay in L2 while every frame passes
};

size_t fp_residual_packed_count(size_t points, size_t columns) {
    return (points + BLOCK - 1) / BLOCK * columns * 3 * BLOCK;
}

size_t fp_residual_reference_count(size_t points) {
    return (points + BLOCK - 1) / BLOCK * 3 * BLOCK;
}

void fp_residual_pack(const float *deltas, size_t columns, size_t points, const float *reference, float *packed,
                      float *packedReference) {
    size_t blocks = (points + BLOCK - 1) / BLOCK;
    // Each pose's row is read in order (its blocks' 24 values land together), not 52 rows apart.
    for (size_t k = 0; k <= columns; k++) {
        const float *source = k < columns ? deltas + k * 3 * points : reference;
        for (size_t b = 0; b < blocks; b++) {
            float *target = k < columns ? packed + (b * columns + k) * 3 * BLOCK : packedReference + b * 3 * BLOCK;
            for (size_t i = 0; i < BLOCK; i++) {
                size_t p = b * BLOCK + i;
                for (size_t axis = 0; axis < 3; axis++) target[axis * BLOCK + i] = p < points ? source[3 * p + axis] : 0.0f;
            }
        }
    }
}

// Frame `row`'s residual over block `b` into axis-major x[8], y[8], z[8] (portable path and tails).
static void block_portable(const float *row, size_t points, size_t b, const float *packed, const float *reference,
                           const float *weights, size_t columns, float *distances) {
    float residual[3][BLOCK];
    for (size_t axis = 0; axis < 3; axis++) {
        for (size_t i = 0; i < BLOCK; i++) {
            size_t p = b * BLOCK + i;
            residual[axis][i] = p < points ? row[3 * p + axis] - reference[(b * 3 + axis) * BLOCK + i] : 0.0f;
        }
    }
    for (size_t k = 0; k < columns; k++) {
        const float *d = packed + (b * columns + k) * 3 * BLOCK;
        for (size_t axis = 0; axis < 3; axis++) {
            for (size_t i = 0; i < BLOCK; i++) residual[axis][i] = fmaf(-weights[k], d[axis * BLOCK + i], residual[axis][i]);
        }
    }
    for (size_t i = 0; i < BLOCK && b * BLOCK + i < points; i++) {
        float x = residual[0][i], y = residual[1][i], z = residual[2][i];
        distances[b * BLOCK + i] = sqrtf(fmaf(x, x, fmaf(y, y, z * z)));   // as the vector path rounds
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

// TILE frames (rows `width` apart) over full block `b`.
__attribute__((target("avx2,fma")))
static void tile_avx2(const float *rows, size_t width, size_t b, const float *packed, const float *reference, const float *weights,
                      size_t columns, float *distances, size_t points) {
    __m256 rx = _mm256_loadu_ps(reference + b * 3 * BLOCK), ry = _mm256_loadu_ps(reference + b * 3 * BLOCK + BLOCK),
           rz = _mm256_loadu_ps(reference + b * 3 * BLOCK + 2 * BLOCK);
    __m256 x0, y0, z0, x1, y1, z1, x2, y2, z2;
    deinterleave(rows + 3 * BLOCK * b, &x0, &y0, &z0);
    deinterleave(rows + width + 3 * BLOCK * b, &x1, &y1, &z1);
    deinterleave(rows + 2 * width + 3 * BLOCK * b, &x2, &y2, &z2);
    x0 = _mm256_sub_ps(x0, rx); y0 = _mm256_sub_ps(y0, ry); z0 = _mm256_sub_ps(z0, rz);
    x1 = _mm256_sub_ps(x1, rx); y1 = _mm256_sub_ps(y1, ry); z1 = _mm256_sub_ps(z1, rz);
    x2 = _mm256_sub_ps(x2, rx); y2 = _mm256_sub_ps(y2, ry); z2 = _mm256_sub_ps(z2, rz);
    const float *d = packed + b * columns * 3 * BLOCK;
    const float *w0 = weights, *w1 = weights + columns, *w2 = weights + 2 * columns;
    for (size_t k = 0; k < columns; k++, d += 3 * BLOCK) {
        __m256 dx = _mm256_loadu_ps(d), dy = _mm256_loadu_ps(d + BLOCK), dz = _mm256_loadu_ps(d + 2 * BLOCK);
        __m256 w = _mm256_broadcast_ss(w0 + k);
        x0 = _mm256_fnmadd_ps(w, dx, x0); y0 = _mm256_fnmadd_ps(w, dy, y0); z0 = _mm256_fnmadd_ps(w, dz, z0);
        w = _mm256_broadcast_ss(w1 + k);
        x1 = _mm256_fnmadd_ps(w, dx, x1); y1 = _mm256_fnmadd_ps(w, dy, y1); z1 = _mm256_fnmadd_ps(w, dz, z1);
        w = _mm256_broadcast_ss(w2 + k);
        x2 = _mm256_fnmadd_ps(w, dx, x2); y2 = _mm256_fnmadd_ps(w, dy, y2); z2 = _mm256_fnmadd_ps(w, dz, z2);
    }
    float *out = distances + b * BLOCK;
    _mm256_storeu_ps(out, _mm256_sqrt_ps(_mm256_fmadd_ps(x0, x0, _mm256_fmadd_ps(y0, y0, _mm256_mul_ps(z0, z0)))));
    _mm256_storeu_ps(out + points, _mm256_sqrt_ps(_mm256_fmadd_ps(x1, x1, _mm256_fmadd_ps(y1, y1, _mm256_mul_ps(z1, z1)))));
    _mm256_storeu_ps(out + 2 * points, _mm256_sqrt_ps(_mm256_fmadd_ps(x2, x2, _mm256_fmadd_ps(y2, y2, _mm256_mul_ps(z2, z2)))));
}

// One frame over block `b`, whose 24 interleaved values are at `source`: eight distances to `out`.
__attribute__((target("avx2,fma")))
static void row_avx2(const float *source, size_t b, const float *packed, const float *reference, const float *weights, size_t columns,
                     float *out) {
    __m256 x, y, z;
    deinterleave(source, &x, &y, &z);
    x = _mm256_sub_ps(x, _mm256_loadu_ps(reference + b * 3 * BLOCK));
    y = _mm256_sub_ps(y, _mm256_loadu_ps(reference + b * 3 * BLOCK + BLOCK));
    z = _mm256_sub_ps(z, _mm256_loadu_ps(reference + b * 3 * BLOCK + 2 * BLOCK));
    const float *d = packed + b * columns * 3 * BLOCK;
    for (size_t k = 0; k < columns; k++, d += 3 * BLOCK) {
        __m256 w = _mm256_broadcast_ss(weights + k);
        x = _mm256_fnmadd_ps(w, _mm256_loadu_ps(d), x);
        y = _mm256_fnmadd_ps(w, _mm256_loadu_ps(d + BLOCK), y);
        z = _mm256_fnmadd_ps(w, _mm256_loadu_ps(d + 2 * BLOCK), z);
    }
    _mm256_storeu_ps(out, _mm256_sqrt_ps(_mm256_fmadd_ps(x, x, _mm256_fmadd_ps(y, y, _mm256_mul_ps(z, z)))));
}
#endif

void fp_residual_distances(const float *values, size_t rows, size_t points, const float *packed, const float *reference,
                           const float *weights, size_t columns, float *distances) {
    size_t width = 3 * points, full = points / BLOCK, blocks = (points + BLOCK - 1) / BLOCK;
    int vector = fp_kernels_avx2();
    for (size_t first = 0; first < blocks; first += CHUNK_BLOCKS) {
        size_t end = first + CHUNK_BLOCKS < blocks ? first + CHUNK_BLOCKS : blocks;
        size_t fullEnd = end < full ? end : full;
        size_t f = 0;
#if defined(__x86_64__)
        if (vector) {
            for (; f + TILE <= rows; f += TILE) {
                for (size_t b = first; b < fullEnd; b++) {
                    tile_avx2(values + f * width, width, b, packed, reference, weights + f * columns, columns, distances + f * points, points);
                }
            }
            for (; f < rows; f++) {
                for (size_t b = first; b < fullEnd; b++) {
                    row_avx2(values + f * width + 3 * BLOCK * b, b, packed, reference, weights + f * columns, columns,
                             distances + f * points + b * BLOCK);
                }
            }
            // The last, partial block of each frame: its values copied into a zero-padded block.
            for (size_t b = fullEnd; b < end; b++) {
                size_t used = points - b * BLOCK;
                for (size_t r = 0; r < rows; r++) {
                    float source[3 * BLOCK] = {0}, scratch[BLOCK];
                    memcpy(source, values + r * width + 3 * BLOCK * b, 3 * used * sizeof(float));
                    row_avx2(source, b, packed, reference, weights + r * columns, columns, scratch);
                    memcpy(distances + r * points + b * BLOCK, scratch, used * sizeof(float));
                }
            }
            continue;
        }
#endif
        (void)vector; (void)fullEnd; (void)f;   // the portable path takes every block one frame at a time
        for (size_t r = 0; r < rows; r++) {
            for (size_t b = first; b < end; b++) {
                block_portable(values + r * width, points, b, packed, reference, weights + r * columns, columns, distances + r * points);
            }
        }
    }
}
