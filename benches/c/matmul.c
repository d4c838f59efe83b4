/* Dense double-precision matrix multiply C = A*B (i-k-j order, scalar SSE2
 * arithmetic in the x86 builds, f64 ops in wasm). IEEE results are exact
 * across builds because no build reassociates (no -ffast-math). n = matrix
 * order (at most MAX_N); checksum = bits of the weighted sum of C. */
#include "bench.h"

#define MAX_N 256

static double A[MAX_N * MAX_N], B[MAX_N * MAX_N], C[MAX_N * MAX_N];

__attribute__((noinline)) static void matmul(uint32_t n) {
    for (uint32_t i = 0; i < n * n; i++) C[i] = 0.0;
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t k = 0; k < n; k++) {
            double a = A[i * n + k];
            for (uint32_t j = 0; j < n; j++) C[i * n + j] += a * B[k * n + j];
        }
}

static uint64_t kernel(uint32_t n) {
    if (n > MAX_N) n = MAX_N;
    uint64_t seed = 0xa4093822299f31d0ull;
    for (uint32_t i = 0; i < n * n; i++) {
        A[i] = (double)(int32_t)(bench_xorshift(&seed) & 0xffff) / 1024.0 - 32.0;
        B[i] = (double)(int32_t)(bench_xorshift(&seed) & 0xffff) / 4096.0;
    }
    matmul(n);
    double s = 0.0;
    for (uint32_t i = 0; i < n * n; i++) s += C[i] * (double)(i % 7 + 1);
    union { double d; uint64_t u; } bits = {s};
    return bits.u;
}

BENCH_ENTRY(matmul)
