/*
 * bench.h — the portability layer of the peer benchmarks (docs/BENCHMARKS.md).
 *
 * Every benchmark source defines
 *
 *     static uint64_t kernel(uint32_t n);   // n = size parameter, result = checksum
 *     BENCH_ENTRY(name)
 *
 * and this header turns that into the entry point of one of three builds, so
 * the *same* kernel source is measured everywhere and the checksums can be
 * compared:
 *
 *   (default)      echovm contract (sdk/c/build.sh): `_start` reads n as a u32
 *                  little-endian from the call input and finishes with the
 *                  8-byte little-endian checksum.
 *   BENCH_NATIVE   x86-64 object: `uint64_t bench_NAME(uint32_t n)`, linked
 *                  into the runner (in-process timing) and into native_main.c
 *                  (the standalone driver used under qemu).
 *   BENCH_WASM     wasm32 module: export `run(i32) -> i64`.
 *
 * Storage goes through bench_storage_read/write: interrupts 0x70/0x71 in the
 * VM, imported host functions `env.storage_read/storage_write` in wasm, and
 * extern functions supplied by whoever links the native object.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stddef.h>
#include <stdint.h>

#if defined(BENCH_WASM)

#define BENCH_IMPORT(sym) __attribute__((import_module("env"), import_name(#sym)))
BENCH_IMPORT(storage_read) int64_t bench_storage_read(const void *key, size_t key_len, void *dst, size_t cap);
BENCH_IMPORT(storage_write) void bench_storage_write(const void *key, size_t key_len, const void *val,
                                                     size_t val_len);
#define BENCH_ENTRY(name) \
    __attribute__((export_name("run"))) uint64_t run(uint32_t n) { return kernel(n); }

#elif defined(BENCH_NATIVE)

/* Value length (min(len, cap) bytes copied), or -1 when absent — the same
 * contract as the VM's storage_read interrupt. */
int64_t bench_storage_read(const void *key, size_t key_len, void *dst, size_t cap);
void bench_storage_write(const void *key, size_t key_len, const void *val, size_t val_len);
#define BENCH_ENTRY(name) \
    uint64_t bench_##name(uint32_t n) { return kernel(n); }

#else /* echovm contract */

#include "echovm.h"
static inline int64_t bench_storage_read(const void *key, size_t key_len, void *dst, size_t cap) {
    return evm_storage_read(key, key_len, dst, cap);
}
static inline void bench_storage_write(const void *key, size_t key_len, const void *val, size_t val_len) {
    evm_storage_write(key, key_len, val, val_len);
}
#define BENCH_ENTRY(name)                     \
    ECHOVM_ENTRY {                            \
        uint32_t n = 0;                       \
        evm_input_read(&n, 0, sizeof n);      \
        uint64_t r = kernel(n);               \
        evm_finish(&r, sizeof r);             \
    }

#endif

/* Deterministic pseudo-random numbers for test data (xorshift64). */
static inline uint64_t bench_xorshift(uint64_t *s) {
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *s = x;
}

#endif /* BENCH_H */
