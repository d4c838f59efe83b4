/* Recursive Fibonacci: call/return and stack traffic. n = argument. */
#include "bench.h"

__attribute__((noinline)) static uint64_t fib(uint32_t n) {
    return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

static uint64_t kernel(uint32_t n) { return fib(n); }

BENCH_ENTRY(fib)
