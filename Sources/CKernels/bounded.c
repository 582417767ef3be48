// The box-constrained quadratic's active-set loop (Linalg's BoundedQuadratic): min ½xᵀHx − qᵀx over
// 0 ≤ x ≤ u, warm-started from the previous call's free set, the free block solved through a Cholesky
// factor kept up to date row by row.
//
// It runs once or twice per animation frame over k×k problems (k ≈ 52), about ten active-set steps a
// frame: a Claire-size solve takes 200,000 of them. In Swift every index into the state arrays was
// bounds-checked and every step rebuilt two index lists through closures; here it runs over raw
// pointers, with no fused multiply-adds (FP_CONTRACT OFF). Every sum keeps the Swift loop's order
// except the back substitution's, which now runs a column at a time (its terms in descending order):
// the last bits of an unrounded solution may differ. On the Claire-size benchmark the Float weights
// written are identical, and the frame stage took 0.51 s (Swift), 0.33 s (this port, the same order)
// and 0.26 s (columns) over its 21,041 frames.
#include "ckernels.h"
#include <math.h>
#include <string.h>

#pragma STDC FP_CONTRACT OFF

enum { FREE = 0, LOWER = 1, UPPER = 2 };

// Swift's min and max, signed zeros included (fmin and fmax may pick either zero).
static inline double swift_min(double x, double y) { return y < x ? y : x; }
static inline double swift_max(double x, double y) { return y >= x ? y : x; }

// solution[0 ..< m] = H_FF⁻¹·rhs[0 ..< m] by forward and back substitution with L (row r at r·n).
static void solve_factor(const double *l, size_t n, size_t m, const double *b, double *y) {
    // Forward, a column at a time: once y[c] is known every later row takes its term, so row r still
    // subtracts its terms in the order c = 0, 1, …, r − 1, but the rows' sums no longer wait on each
    // other's additions (one dependent chain of m²/2 subtractions before).
    for (size_t r = 0; r < m; r++) y[r] = b[r];
    for (size_t c = 0; c < m; c++) {
        double value = y[c] / l[c * n + c];
        y[c] = value;
        for (size_t r = c + 1; r < m; r++) y[r] -= l[r * n + c] * value;
    }
    // Back, a column at a time (Lᵀ's column c is L's row c, contiguous): row r's terms come in the
    // order c = m − 1, …, r + 1, so no row waits on the one below it finishing.
    for (size_t c = m; c-- > 0;) {
        double value = y[c] / l[c * n + c];
        y[c] = value;
        const double *row = l + c * n;
        for (size_t r = 0; r < c; r++) y[r] -= row[r] * value;
    }
}

// Appends variable j as the factor's row m: L·l = H[free, j], d = √(H_jj − ‖l‖²). 0 when j depends on
// the free variables (the pivot vanishes).
static int append_to_factor(const double *h, size_t n, int32_t *free, size_t *m, double *l, size_t j) {
    size_t count = *m, last = count * n;
    double norm = 0.0;
    for (size_t r = 0; r < count; r++) {
        double sum = h[(size_t)free[r] * n + j];
        const double *row = l + r * n;
        for (size_t c = 0; c < r; c++) sum -= row[c] * l[last + c];
        double value = sum / row[r];
        l[last + r] = value;
        norm += value * value;
    }
    double pivot = h[j * n + j] - norm;
    if (!(pivot > 1e-13 * h[j * n + j]) || !isfinite(pivot)) return 0;
    l[last + count] = sqrt(pivot);
    free[count] = (int32_t)j;
    *m = count + 1;
    return 1;
}

// Deletes the factor's row p and restores the triangle with Givens rotations on columns k, k + 1
// (L·Lᵀ is unchanged by them).
static void remove_from_factor(size_t n, int32_t *free, size_t *m, double *l, size_t p) {
    size_t count = *m;
    for (size_t r = p + 1; r < count; r++) {
        for (size_t c = 0; c <= r; c++) l[(r - 1) * n + c] = l[r * n + c];
    }
    for (size_t k = p; k + 1 < count; k++) {
        double a = l[k * n + k], b = l[k * n + k + 1];
        double radius = sqrt(a * a + b * b);
        if (radius > 0) {
            double c = a / radius, s = b / radius;
            for (size_t i = k; i + 1 < count; i++) {
                double u = l[i * n + k], v = l[i * n + k + 1];
                l[i * n + k] = c * u + s * v;
                l[i * n + k + 1] = (-s) * u + c * v;
            }
            l[k * n + k + 1] = 0;
        }
    }
    memmove(free + p, free + p + 1, (count - p - 1) * sizeof(int32_t));
    *m = count - 1;
}

int64_t fp_bounded_quadratic_solve(const double *h, size_t n, const double *q, const double *upper, double *x, uint8_t *status,
                                   double *lastUpper, int32_t *free, size_t *freeCount, double *factor, double *rhs, double *solution,
                                   int32_t *scratch) {
    // Feasible start that keeps the previous free set.
    for (size_t i = 0; i < n; i++) {
        switch (status[i]) {
        case LOWER: x[i] = 0; break;
        case UPPER:
            if (upper[i] != lastUpper[i]) {
                status[i] = LOWER;
                x[i] = 0;
            } else {
                x[i] = upper[i];
            }
            break;
        default: x[i] = swift_min(swift_max(x[i], 0), upper[i]);
        }
    }
    memcpy(lastUpper, upper, n * sizeof(double));
    double largestQ = 1.0;
    for (size_t i = 0; i < n; i++) largestQ = swift_max(largestQ, fabs(q[i]));
    double tolerance = 1e-12 * largestQ;
    size_t limit = 10 * n + 20;
    for (size_t step = 1; step <= limit; step++) {
        size_t m = *freeCount;
        // H_FF·y = q_F − H_FU·u_U (variables held at 0 contribute nothing).
        size_t held = 0;
        for (size_t j = 0; j < n; j++) {
            if (status[j] == UPPER) scratch[held++] = (int32_t)j;
        }
        for (size_t r = 0; r < m; r++) {
            size_t i = (size_t)free[r];
            double sum = q[i];
            for (size_t t = 0; t < held; t++) sum -= h[i * n + (size_t)scratch[t]] * upper[scratch[t]];
            rhs[r] = sum;
        }
        solve_factor(factor, n, m, rhs, solution);
        // Walk towards the solution; stop at the first bound in the way.
        double alpha = 1.0;
        ptrdiff_t blocking = -1;
        for (size_t r = 0; r < m; r++) {
            size_t i = (size_t)free[r];
            double target = solution[r];
            if (target < 0 && x[i] - target > 0) {
                double t = x[i] / (x[i] - target);
                if (t < alpha) { alpha = t; blocking = (ptrdiff_t)r; }
            } else if (target > upper[i] && target - x[i] > 0) {
                double t = (upper[i] - x[i]) / (target - x[i]);
                if (t < alpha) { alpha = t; blocking = (ptrdiff_t)r; }
            }
        }
        if (blocking >= 0) {
            int blockedAtUpper = solution[blocking] > upper[free[blocking]];
            for (size_t r = 0; r < m; r++) x[free[r]] += alpha * (solution[r] - x[free[r]]);
            // Hold the blocking variable and any other that reached a bound, last rows first.
            for (size_t r = m; r-- > 0;) {
                size_t i = (size_t)free[r];
                int isBlocking = (ptrdiff_t)r == blocking;
                if (!(isBlocking || x[i] <= 0 || x[i] >= upper[i])) continue;
                int atUpper = isBlocking ? blockedAtUpper : x[i] >= upper[i];
                status[i] = atUpper ? UPPER : LOWER;
                x[i] = atUpper ? upper[i] : 0;
                remove_from_factor(n, free, freeCount, factor, r);
            }
            continue;
        }
        for (size_t r = 0; r < m; r++) x[free[r]] = solution[r];
        // Optimal for this free set: release the held variable whose gradient pulls hardest inward. The
        // gradient (Hx − q)ᵢ over the variables off zero only (free or at an upper bound), in index order.
        size_t support = 0;
        for (size_t j = 0; j < n; j++) {
            if (status[j] != LOWER) scratch[support++] = (int32_t)j;
        }
        ptrdiff_t release = -1;
        double strongest = tolerance;
        // Four held variables' gradients at a time, each summed in index order: four independent chains.
        size_t candidates[4], waiting = 0;
        for (size_t i = 0; i <= n; i++) {
            if (i < n) {
                if (status[i] == FREE || !(upper[i] > 0)) continue;
                candidates[waiting++] = i;
                if (waiting < 4) continue;
            }
            if (waiting == 0) break;
            double g[4];
            for (size_t k = 0; k < 4; k++) g[k] = k < waiting ? -q[candidates[k]] : 0;
            const double *row0 = h + candidates[0] * n, *row1 = h + candidates[waiting > 1 ? 1 : 0] * n;
            const double *row2 = h + candidates[waiting > 2 ? 2 : 0] * n, *row3 = h + candidates[waiting > 3 ? 3 : 0] * n;
            for (size_t t = 0; t < support; t++) {
                size_t j = (size_t)scratch[t];
                double xj = x[j];
                g[0] += row0[j] * xj;
                g[1] += row1[j] * xj;
                g[2] += row2[j] * xj;
                g[3] += row3[j] * xj;
            }
            // In index order, as one at a time: the first of equal pulls wins.
            for (size_t k = 0; k < waiting; k++) {
                double pull = status[candidates[k]] == LOWER ? -g[k] : g[k];
                if (pull > strongest) { strongest = pull; release = (ptrdiff_t)candidates[k]; }
            }
            waiting = 0;
        }
        if (release < 0) return (int64_t)step;
        if (!append_to_factor(h, n, free, freeCount, factor, (size_t)release)) return -1 - (int64_t)release;
        status[release] = FREE;
    }
    return 0;
}
