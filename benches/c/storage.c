/* A storage-heavy contract call: n read-modify-write updates spread over
 * 256 slots (32-byte keys, 32-byte values), like a token contract updating
 * balances. In echovm every access is an interrupt (0x70/0x71) into the
 * host; native and wasm call a host function that does the same map
 * operation. Checksum = fold of every value written. */
#include "bench.h"

#define SLOTS 256u

static uint64_t kernel(uint32_t n) {
    uint8_t key[32], val[32];
    uint64_t acc = 0;
    for (int i = 0; i < 32; i++) key[i] = (uint8_t)(0xA0 + i);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t slot = (i * 2654435761u) % SLOTS;
        for (int b = 0; b < 4; b++) key[b] = (uint8_t)(slot >> (8 * b));
        int64_t len = bench_storage_read(key, sizeof key, val, sizeof val);
        uint64_t v = 0;
        if (len == (int64_t)sizeof val)
            for (int b = 0; b < 8; b++) v |= (uint64_t)val[b] << (8 * b);
        else if (len != -1)
            return 0; /* impossible for a correct host: no build expects this checksum */
        v = v * 31 + i + 1;
        for (int b = 0; b < 32; b++) val[b] = (uint8_t)(v >> (8 * (b & 7)));
        bench_storage_write(key, sizeof key, val, sizeof val);
        acc = (acc ^ v) * 0x100000001b3ull;
    }
    return acc;
}

BENCH_ENTRY(storage)
