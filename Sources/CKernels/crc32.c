// CRC-32 (zip's, reflected polynomial 0xEDB88320) folded with carry-less multiplication.
//
// The message is folded four 16-byte lanes at a time (64 bytes apart), then into one lane: a 16-byte
// remainder F with the same CRC as the whole folded prefix (Intel's "Fast CRC Computation for Generic
// Polynomials Using PCLMULQDQ", 2009; the constants are x^(k) mod P, bit-reflected, for the fold
// distances 512 ± 32 and 128 ± 32 bits). The caller finishes F and the tail with zlib's table code.
#include "ckernels.h"
#include <immintrin.h>

static int pclmul_available = -1;

__attribute__((target("pclmul,sse4.1")))
static size_t fold_pclmul(const uint8_t *data, size_t length, uint32_t state, uint8_t remainder[16]) {
    const __m128i fold4 = _mm_set_epi64x(0x1c6e41596, 0x154442bd4);   // x^(512+32), x^(512-32) mod P
    const __m128i fold1 = _mm_set_epi64x(0x0ccaa009e, 0x1751997d0);   // x^(128+32), x^(128-32) mod P
    __m128i x0 = _mm_loadu_si128((const __m128i *)(data + 0));
    __m128i x1 = _mm_loadu_si128((const __m128i *)(data + 16));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(data + 32));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(data + 48));
    // The running state enters as the message's first four bytes, XORed in.
    x0 = _mm_xor_si128(x0, _mm_cvtsi32_si128((int)state));
    size_t used = 64;
#define FOLD(x, k, next) _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11)), next)
    for (; used + 64 <= length; used += 64) {
        x0 = FOLD(x0, fold4, _mm_loadu_si128((const __m128i *)(data + used + 0)));
        x1 = FOLD(x1, fold4, _mm_loadu_si128((const __m128i *)(data + used + 16)));
        x2 = FOLD(x2, fold4, _mm_loadu_si128((const __m128i *)(data + used + 32)));
        x3 = FOLD(x3, fold4, _mm_loadu_si128((const __m128i *)(data + used + 48)));
    }
    x0 = FOLD(x0, fold1, x1);
    x0 = FOLD(x0, fold1, x2);
    x0 = FOLD(x0, fold1, x3);
    for (; used + 16 <= length; used += 16) x0 = FOLD(x0, fold1, _mm_loadu_si128((const __m128i *)(data + used)));
#undef FOLD
    _mm_storeu_si128((__m128i *)remainder, x0);
    return used;
}

size_t fp_crc32_fold(const uint8_t *data, size_t length, uint32_t state, uint8_t remainder[16]) {
    if (length < 64) return 0;
    if (pclmul_available < 0) {
        __builtin_cpu_init();
        pclmul_available = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.1");
    }
    return pclmul_available ? fold_pclmul(data, length, state, remainder) : 0;
}
