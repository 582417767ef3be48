#ifndef FACEPREP_CKERNELS_H
#define FACEPREP_CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Decodes `count` IEEE-754 single-precision numbers stored big-endian at `source` (any alignment)
/// into `destination`: AVX2 byte shuffles when the CPU has them (checked once), else scalar swaps.
void fp_decode_f32_be(const void *source, float *destination, size_t count);

/// Decodes the runs `starts[i] ..< starts[i] + lengths[i]` of 4-byte big-endian floats into
/// `destination`, packed one after another. `source` holds values number `first` (≤ every start)
/// up to `end` (past every run); `capacity` floats may be written at `destination` (≥ the runs' total).
void fp_decode_f32_be_runs(const void *source, int64_t first, int64_t end, const int64_t *starts, const int64_t *lengths,
                           size_t runs, float *destination, size_t capacity);

/// Decodes the values of `span` 4-byte big-endian floats at `source` whose bits are set in `masks`
/// (bit j of `masks[k]` for value 16k + j; ⌈span / 16⌉ of them, no bit past `span`) into
/// `destination`, packed in order; `capacity` floats may be written there (≥ the bits set). With
/// AVX-512, a compress per sixteen values; else one value at a time. Level 2 (`fp_kernels_level`) only
/// is faster than `fp_decode_f32_be_runs` for short runs.
void fp_decode_f32_be_masked(const void *source, size_t span, const uint16_t *masks, float *destination, size_t capacity);

/// Folds the first bytes of `data` (`length` of them) for CRC-32 (zip's): returns how many it took (a
/// multiple of 16, at least 64) and leaves in `remainder` 16 bytes whose CRC, from a zero state, is the
/// raw CRC of those bytes from `state` (the complement of zlib's running value). Returns 0 when
/// `length` < 64 or the CPU has no carry-less multiply; then nothing is folded.
size_t fp_crc32_fold(const uint8_t *data, size_t length, uint32_t state, uint8_t remainder[16]);

/// One solve of min ½xᵀHx − qᵀx over 0 ≤ x ≤ `upper` for H `[n, n]` (row-major, symmetric positive
/// definite), warm-started from the state the previous call left: `x`, `status` (0 free, 1 at 0, 2 at
/// its upper bound), `lastUpper`, the free variables `free[0 ..< *freeCount]` in the order of the rows
/// of `factor` (L with L·Lᵀ = H[free, free], row r at r·n). `rhs`, `solution` (n doubles) and `scratch`
/// (n) are work space. Returns the number of active-set steps (≥ 1); 0 when the step limit was reached;
/// −1 − j when variable j depends on the free ones.
int64_t fp_bounded_quadratic_solve(const double *h, size_t n, const double *q, const double *upper, double *x, uint8_t *status,
                                   double *lastUpper, int32_t *free, size_t *freeCount, double *factor, double *rhs, double *solution,
                                   int32_t *scratch);

/// `snprintf(buffer, size, format, value)` for one double conversion, callable from Swift (which
/// cannot call variadic C functions). Returns what snprintf returns.
int fp_format_double(char *buffer, size_t size, const char *format, double value);

/// Floats `fp_projection_pack` writes for a `[rows, columns]` matrix (columns rounded up to whole
/// panels of 8); one layout for every kernel level.
size_t fp_projection_packed_count(size_t rows, size_t columns);

/// Packs row-major `d` `[rows, columns]` into `packed` (`fp_projection_packed_count` Floats): panels
/// of 8 columns, each `[rows, 8]`, zero-padded past the last column; each value rounded to Float
/// (exact for a rig's deltas; the solve passes Q of D = QR, whose entries are at most 1).
void fp_projection_pack(const double *d, size_t rows, size_t columns, float *packed);

/// Packs rows [first, first + count) of a `[rows, columns]` matrix, given as the row-major `block`
/// `[count, columns]`, into their places in `packed` (the layout of `fp_projection_pack`): a matrix
/// formed a block of rows at a time is packed without ever being held whole.
void fp_projection_pack_rows(const double *block, size_t first, size_t count, size_t rows, size_t columns, float *packed);

/// `out[f, j] = Σ_c (t[f, c] − n[c]) · D[c, j]` for the `frames` rows `t` of `values` (`[frames, width]`
/// Float) and `D` packed by `fp_projection_pack`: t − n and the products in Float, each run of 64
/// coordinates summed in Float with fused multiply-adds from zero and the runs added in Double. `out`
/// is `[frames, columns]`, overwritten. Every `level` (≤ `fp_kernels_level()`) gives the same numbers.
void fp_project_centred(const float *values, size_t frames, size_t width, const float *neutral, const float *packed, size_t columns,
                        int level, double *out);

/// `fp_project_centred` over `width` coordinates of frames `stride` values apart: frame f's coordinate
/// c is `values[f·stride + coordinates[c]]` (or `values[f·stride + c]` when `coordinates` is NULL).
/// The same numbers as `fp_project_centred` of those coordinates gathered first.
void fp_project_centred_selected(const float *values, size_t frames, size_t stride, const int64_t *coordinates, size_t width,
                                 const float *neutral, const float *packed, size_t columns, int level, double *out);

/// Blocks of 8 vertices (16 at level 2) the residual kernels split `points` vertices into, and the
/// floats of the packed reference.
size_t fp_residual_block_count(size_t points, int level);
size_t fp_residual_reference_count(size_t points, int level);

/// Marks in `moves[k · blocks + b]` whether pose k of D (`deltas`, `[columns, points, 3]`) moves any
/// vertex of block b (a non-zero delta); returns how many (block, pose) pairs do: the packed entries,
/// each `3 × block width` floats.
size_t fp_residual_moves(const float *deltas, size_t columns, size_t points, int level, uint8_t *moves);

/// Packs D and a reference r (`[points, 3]`) vertex-major in blocks with the axes apart, zero-padded
/// to whole blocks, each block keeping only the poses that move it: block b's entries are
/// `starts[b] ..< starts[b + 1]` (`starts` has blocks + 1 elements), entry j holds pose `poses[j]`.
/// Returns 0 when it could not allocate its scratch (nothing usable written), else 1.
int fp_residual_pack(const float *deltas, size_t columns, size_t points, const float *reference, int level, const uint8_t *moves,
                     float *packed, float *packedReference, uint32_t *poses, size_t *starts);

/// `distances[f, p] = ‖(t[f, p] − r[p]) − Σₖ w[f, k]·D[k, p]‖` for the `rows` frames `t` of `values`
/// (`[rows, points, 3]`) and weights `w` (`[rows, columns]`), in Float with fused multiply-adds over
/// the poses that move each block; `distances` is `[rows, points]`. `packed`, `reference`, `poses`
/// and `starts` come from `fp_residual_pack` at the same `level` (≤ `fp_kernels_level()`).
void fp_residual_distances(const float *values, size_t rows, size_t points, const float *packed, const float *reference,
                           const uint32_t *poses, const size_t *starts, const float *weights, size_t columns, int level,
                           float *distances);

/// Adds `count` 4-byte IEEE floats at `source` (big-endian when `bigEndian` ≠ 0, else little-endian)
/// to `sums[0 ..< count]` in Double; returns 1 when every value is finite, 0 otherwise (the sums
/// are then not to be used).
int fp_accumulate_f32(const void *source, size_t count, int bigEndian, double *sums);

/// `fp_accumulate_f32`, and in the same pass the values that `masks` select (bit j of `masks[k]` for
/// value 16k + j; ⌈count / 16⌉ masks) decoded to `destination`, packed in order; nothing is written
/// past `destination[capacity − 1]` (capacity ≥ the selected count). One read of the row where
/// validate had two (the sums, then the sampled vertices): AVX-512 when `fp_kernels_level()` is 2, else
/// `fp_accumulate_f32` and a copy of the selected values, the same numbers.
int fp_accumulate_f32_sampled(const void *source, size_t count, int bigEndian, double *sums, const uint16_t *masks,
                              float *destination, size_t capacity);

/// The moments of a weighted rigid fit of each of `frameCount` frames of `coordinates` = 3N floats
/// (`[F, N, 3]`): `moments[f·12 ..< f·12 + 12]` = H = Σ wᵢ qᵢ p'ᵢᵀ row-major, then Σ wᵢ qᵢ, and
/// `norms[f]` = Σ wᵢ ‖qᵢ‖², all in Double. Per coordinate k = 3i + a: `wpx`/`wpy`/`wpz`[k] = wᵢ·p'ᵢ
/// (x, y, z of the centred reference point) and `w`[k] = wᵢ.
void fp_rigid_moments_f32(const float *frames, size_t frameCount, size_t coordinates, const double *wpx, const double *wpy,
                          const double *wpz, const double *w, double *moments, double *norms);

/// Whether the AVX2 (and FMA) paths are used on this CPU.
int fp_kernels_avx2(void);

/// The widest kernels in use: 0 portable, 1 AVX2 + FMA, 2 AVX-512 (F, DQ, VL, BW), the CPU's best
/// unless `fp_kernels_limit` capped it. The packed kernels take the level they packed for.
int fp_kernels_level(void);

/// Caps `fp_kernels_level` (tests run every path the CPU has).
void fp_kernels_limit(int level);

#endif
