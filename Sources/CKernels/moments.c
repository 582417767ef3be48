// The moments a weighted rigid fit needs of each frame, straight from its stored floats: the 3×3
// cross-covariance H = Σ wᵢ qᵢ p'ᵢᵀ (p' the centred reference), the weighted centroid Σ wᵢ qᵢ and
// Σ wᵢ ‖qᵢ‖². A product with a [3N, 12] matrix gives the same numbers, but two thirds of that
// matrix are zeros (each coordinate of q meets only its own row of H), and the frames must first be
// widened to Double in a buffer; here every coordinate costs five multiply-adds and no copy.
#include "ckernels.h"

// Per coordinate k = 3i + a: wpx/wpy/wpz[k] = wᵢ·p'ᵢ(x/y/z), w[k] = wᵢ (the same for a = 0, 1, 2).
static void moments_scalar(const float *q, size_t from, size_t to, const double *wpx, const double *wpy, const double *wpz,
                           const double *w, double h[9], double c[3], double *norm) {
    for (size_t k = from; k < to; k++) {
        const double v = (double)q[k];
        const size_t a = k % 3;
        h[3 * a] += v * wpx[k];
        h[3 * a + 1] += v * wpy[k];
        h[3 * a + 2] += v * wpz[k];
        c[a] += v * w[k];
        *norm += v * v * w[k];
    }
}

#if defined(__x86_64__)
#include <immintrin.h>

// Twelve coordinates (four points) a step: three vectors of four, whose lanes hold coordinates
// a = (4j + l) mod 3 — sorted out once at the end, not per step.
__attribute__((target("avx2,fma")))
static size_t moments_avx2(const float *q, size_t count, const double *wpx, const double *wpy, const double *wpz, const double *w,
                           double h[9], double c[3], double *norm) {
    __m256d hx[3], hy[3], hz[3], cs[3], ns[3];
    for (int j = 0; j < 3; j++) hx[j] = hy[j] = hz[j] = cs[j] = ns[j] = _mm256_setzero_pd();
    size_t k = 0;
    for (; k + 12 <= count; k += 12) {
        for (int j = 0; j < 3; j++) {
            const size_t o = k + 4 * (size_t)j;
            const __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(q + o));
            const __m256d weight = _mm256_loadu_pd(w + o);
            hx[j] = _mm256_fmadd_pd(v, _mm256_loadu_pd(wpx + o), hx[j]);
            hy[j] = _mm256_fmadd_pd(v, _mm256_loadu_pd(wpy + o), hy[j]);
            hz[j] = _mm256_fmadd_pd(v, _mm256_loadu_pd(wpz + o), hz[j]);
            const __m256d wv = _mm256_mul_pd(v, weight);
            cs[j] = _mm256_add_pd(cs[j], wv);
            ns[j] = _mm256_fmadd_pd(wv, v, ns[j]);
        }
    }
    double lanes[5][4];
    for (int j = 0; j < 3; j++) {
        _mm256_storeu_pd(lanes[0], hx[j]); _mm256_storeu_pd(lanes[1], hy[j]); _mm256_storeu_pd(lanes[2], hz[j]);
        _mm256_storeu_pd(lanes[3], cs[j]); _mm256_storeu_pd(lanes[4], ns[j]);
        for (int l = 0; l < 4; l++) {
            const int a = (4 * j + l) % 3;
            h[3 * a] += lanes[0][l]; h[3 * a + 1] += lanes[1][l]; h[3 * a + 2] += lanes[2][l];
            c[a] += lanes[3][l];
            *norm += lanes[4][l];
        }
    }
    return k;
}
#endif

void fp_rigid_moments_f32(const float *frames, size_t frameCount, size_t coordinates, const double *wpx, const double *wpy,
                          const double *wpz, const double *w, double *moments, double *norms) {
#if defined(__x86_64__)
    const int avx2 = fp_kernels_avx2();
#endif
    for (size_t f = 0; f < frameCount; f++) {
        const float *q = frames + f * coordinates;
        double h[9] = {0}, c[3] = {0}, norm = 0;
        size_t done = 0;
#if defined(__x86_64__)
        if (avx2) done = moments_avx2(q, coordinates, wpx, wpy, wpz, w, h, c, &norm);
#endif
        // The tail (and every coordinate without AVX2) one at a time; 12-coordinate blocks keep k ≡ a (mod 3).
        moments_scalar(q, done, coordinates, wpx, wpy, wpz, w, h, c, &norm);
        double *m = moments + f * 12;
        for (int i = 0; i < 9; i++) m[i] = h[i];
        for (int a = 0; a < 3; a++) m[9 + a] = c[a];
        norms[f] = norm;
    }
}
