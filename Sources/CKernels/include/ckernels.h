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

/// `snprintf(buffer, size, format, value)` for one double conversion, callable from Swift (which
/// cannot call variadic C functions). Returns what snprintf returns.
int fp_format_double(char *buffer, size_t size, const char *format, double value);

/// Whether the AVX2 paths are used on this CPU.
int fp_kernels_avx2(void);

#endif
