/* SHA-256 written in C (FIPS 180-4), hashing fixed messages, the call input
 * and a 1 MB-ish generated stream; also compares with the sha256 interrupt.
 * Exercises 32-bit rotates, byte loads/stores, loop-heavy integer code. */
#include "common.h"

typedef struct { uint32_t h[8]; uint8_t buf[64]; uint64_t len; size_t fill; } sha256_ctx;

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

static inline uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static void block(sha256_ctx *c, const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++)
        w[i] = w[i - 16] + (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3)) + w[i - 7] +
               (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10));
    uint32_t a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
        h = g; g = f; f = e; e = d + t1; d = cc; cc = b; b = a; a = t1 + t2;
    }
    c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d; c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

static void init(sha256_ctx *c) {
    static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    for (int i = 0; i < 8; i++) c->h[i] = iv[i];
    c->len = 0;
    c->fill = 0;
}

static void update(sha256_ctx *c, const uint8_t *p, size_t n) {
    c->len += n;
    while (n) {
        size_t take = 64 - c->fill < n ? 64 - c->fill : n;
        memcpy(c->buf + c->fill, p, take);
        c->fill += take; p += take; n -= take;
        if (c->fill == 64) { block(c, c->buf); c->fill = 0; }
    }
}

static void final(sha256_ctx *c, uint8_t out[32]) {
    uint64_t bits = c->len * 8;
    uint8_t pad = 0x80, zero = 0, len[8];
    update(c, &pad, 1);
    while (c->fill != 56) update(c, &zero, 1);
    for (int i = 0; i < 8; i++) len[i] = (uint8_t)(bits >> (56 - 8 * i));
    update(c, len, 8);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++) out[4 * i + j] = (uint8_t)(c->h[i] >> (24 - 8 * j));
}

static void hash_and_print(const char *label, const uint8_t *p, size_t n) {
    sha256_ctx c;
    uint8_t d[32];
    init(&c);
    update(&c, p, n);
    final(&c, d);
    out_str(label);
    out_str(" ");
    out_hex(d, 32);
    out_str("\n");
}

ECHOVM_ENTRY {
    hash_and_print("empty", (const uint8_t *)"", 0);
    hash_and_print("abc", (const uint8_t *)"abc", 3);
    const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    hash_and_print("two-block", (const uint8_t *)m, strlen(m));
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    hash_and_print("input", in, n);

    /* 100 000 bytes fed in odd-sized chunks from an LCG. */
    sha256_ctx c;
    init(&c);
    uint32_t x = 12345;
    uint8_t chunk[97];
    for (int i = 0; i < 1031; i++) {
        for (size_t j = 0; j < sizeof chunk; j++) { x = x * 1103515245u + 12345u; chunk[j] = (uint8_t)(x >> 16); }
        update(&c, chunk, (size_t)(i % 97) + 1);
    }
    uint8_t d[32];
    final(&c, d);
    out_str("stream ");
    out_hex(d, 32);
    out_str("\n");

    evm_hash32 h;
    evm_sha256(in, n, &h);
    out_str("interrupt-matches=");
    sha256_ctx c2;
    uint8_t d2[32];
    init(&c2);
    update(&c2, in, n);
    final(&c2, d2);
    out_u64(memcmp(d2, h.bytes, 32) == 0);
    out_str("\n");
    out_finish();
}
