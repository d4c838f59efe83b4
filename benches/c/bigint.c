/* Schoolbook big-integer multiplication on 32-bit limbs with 64-bit partial
 * products (the inner loop of every bignum library without assembly).
 * n = limbs per operand (at most MAX_LIMBS); checksum = fold of the product. */
#include "bench.h"

#define MAX_LIMBS 8192

static uint32_t a[MAX_LIMBS], b[MAX_LIMBS], r[2 * MAX_LIMBS];

__attribute__((noinline)) static void mul(uint32_t *out, const uint32_t *x, const uint32_t *y, uint32_t n) {
    for (uint32_t i = 0; i < 2 * n; i++) out[i] = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t carry = 0;
        uint64_t xi = x[i];
        for (uint32_t j = 0; j < n; j++) {
            uint64_t t = xi * y[j] + out[i + j] + carry;
            out[i + j] = (uint32_t)t;
            carry = t >> 32;
        }
        out[i + n] = (uint32_t)carry;
    }
}

static uint64_t kernel(uint32_t n) {
    if (n > MAX_LIMBS) n = MAX_LIMBS;
    uint64_t seed = 0x13198a2e03707344ull;
    for (uint32_t i = 0; i < n; i++) {
        a[i] = (uint32_t)bench_xorshift(&seed);
        b[i] = (uint32_t)bench_xorshift(&seed);
    }
    mul(r, a, b, n);
    uint64_t h = 0xcbf29ce484222325ull;
    for (uint32_t i = 0; i < 2 * n; i++) h = (h ^ r[i]) * 0x100000001b3ull;
    return h;
}

BENCH_ENTRY(bigint)
