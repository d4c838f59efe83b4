/* FNV-1a (32/64), CRC-32 (table built at run time), Adler-32 and MurmurHash3
 * finaliser over the input and generated data: 32/64-bit multiplies,
 * table lookups, shifts, byte loads. */
#include "common.h"

static uint32_t crc_table[256];

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32(const uint8_t *p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++) c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

static uint32_t fnv1a32(const uint8_t *p, size_t n) {
    uint32_t h = 0x811c9dc5u;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 0x01000193u; }
    return h;
}

static uint64_t fnv1a64(const uint8_t *p, size_t n) {
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) { h ^= p[i]; h *= 0x100000001b3ull; }
    return h;
}

static uint32_t adler32(const uint8_t *p, size_t n) {
    uint32_t a = 1, b = 0;
    for (size_t i = 0; i < n; i++) { a = (a + p[i]) % 65521; b = (b + a) % 65521; }
    return b << 16 | a;
}

static uint64_t fmix64(uint64_t k) {
    k ^= k >> 33; k *= 0xff51afd7ed558ccdull; k ^= k >> 33; k *= 0xc4ceb9fe1a85ec53ull; k ^= k >> 33;
    return k;
}

static void line(const char *label, const uint8_t *p, size_t n) {
    out_str(label);
    out_str(" crc32=");
    out_hex64(crc32(p, n));
    out_str(" fnv32=");
    out_hex64(fnv1a32(p, n));
    out_str(" fnv64=");
    out_hex64(fnv1a64(p, n));
    out_str(" adler=");
    out_hex64(adler32(p, n));
    out_str("\n");
}

static uint8_t data[65536];

ECHOVM_ENTRY {
    crc_init();
    line("empty", (const uint8_t *)"", 0);
    line("check", (const uint8_t *)"123456789", 9);
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    line("input", in, n);
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (size_t i = 0; i < sizeof data; i++) { s = fmix64(s + i); data[i] = (uint8_t)s; }
    line("gen64k", data, sizeof data);
    uint64_t acc = 0;
    for (int i = 0; i < 1000; i++) acc = fmix64(acc ^ (uint64_t)i);
    out_str("fmix ");
    out_hex64(acc);
    out_str("\n");
    evm_print("fnv_crc done");
    out_finish();
}
