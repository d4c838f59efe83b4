/* echovm_native_crypto.c — see echovm_native_crypto.h. Straightforward,
 * unoptimised reference code: SHA-256 (FIPS 180-4), Keccak-256 (original
 * Keccak padding 0x01, as Ethereum uses), and bit-serial big integers. */
#include "echovm_native_crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- SHA-256 */

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

#define ROR32(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(uint32_t h[8], const uint8_t *p) {
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR32(w[i - 15], 7) ^ ROR32(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR32(w[i - 2], 17) ^ ROR32(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = hh + (ROR32(e, 6) ^ ROR32(e, 11) ^ ROR32(e, 25)) + ((e & f) ^ (~e & g)) + K256[i] + w[i];
        uint32_t t2 = (ROR32(a, 2) ^ ROR32(a, 13) ^ ROR32(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        hh = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

void evmn_sha256(const uint8_t *p, size_t len, uint8_t out[32]) {
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    size_t i = 0;
    for (; i + 64 <= len; i += 64) sha256_block(h, p + i);
    uint8_t tail[128] = {0};
    size_t rest = len - i;
    memcpy(tail, p + i, rest);
    tail[rest] = 0x80;
    size_t tl = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int k = 0; k < 8; k++) tail[tl - 1 - k] = (uint8_t)(bits >> (8 * k));
    for (size_t k = 0; k < tl; k += 64) sha256_block(h, tail + k);
    for (int k = 0; k < 8; k++)
        for (int j = 0; j < 4; j++) out[4 * k + j] = (uint8_t)(h[k] >> (24 - 8 * j));
}

/* ------------------------------------------------------------- Keccak-256 */

static const uint64_t KECCAK_RC[24] = {
    0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
    0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
    0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
    0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
    0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
    0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL};
static const int KECCAK_ROT[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

#define ROL64(x, n) ((n) ? ((x) << (n)) | ((x) >> (64 - (n))) : (x))

static void keccak_f(uint64_t s[25]) {
    for (int round = 0; round < 24; round++) {
        uint64_t c[5], d[5], b[25];
        for (int x = 0; x < 5; x++) c[x] = s[x] ^ s[x + 5] ^ s[x + 10] ^ s[x + 15] ^ s[x + 20];
        for (int x = 0; x < 5; x++) d[x] = c[(x + 4) % 5] ^ ROL64(c[(x + 1) % 5], 1);
        for (int i = 0; i < 25; i++) s[i] ^= d[i % 5];
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++) b[y + 5 * ((2 * x + 3 * y) % 5)] = ROL64(s[x + 5 * y], KECCAK_ROT[x + 5 * y]);
        for (int x = 0; x < 5; x++)
            for (int y = 0; y < 5; y++)
                s[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
        s[0] ^= KECCAK_RC[round];
    }
}

void evmn_keccak256(const uint8_t *p, size_t len, uint8_t out[32]) {
    enum { RATE = 136 };
    uint64_t s[25] = {0};
    uint8_t block[RATE];
    for (;;) {
        size_t n = len < RATE ? len : RATE;
        memset(block, 0, RATE);
        memcpy(block, p, n);
        if (n < RATE) {
            block[n] ^= 0x01;
            block[RATE - 1] ^= 0x80;
        }
        for (int i = 0; i < RATE / 8; i++) {
            uint64_t v = 0;
            for (int j = 0; j < 8; j++) v |= (uint64_t)block[8 * i + j] << (8 * j);
            s[i] ^= v;
        }
        keccak_f(s);
        if (n < RATE) break;
        p += RATE;
        len -= RATE;
    }
    for (int i = 0; i < 32; i++) out[i] = (uint8_t)(s[i / 8] >> (8 * (i % 8)));
}

/* ------------------------------------------------------------- big integers */

/* Little-endian 64-bit limbs. */
typedef struct { size_t n; uint64_t *d; } bn;

static bn bn_new(size_t n) {
    bn x = {n ? n : 1, calloc(n ? n : 1, 8)};
    if (!x.d) { fputs("echovm native: out of memory\n", stderr); exit(2); }
    return x;
}

static bn bn_from(const uint8_t *p, size_t len) {
    bn x = bn_new((len + 7) / 8);
    for (size_t i = 0; i < len; i++) x.d[i / 8] |= (uint64_t)p[i] << (8 * (i % 8));
    return x;
}

static void bn_to(const bn *x, uint8_t *out, size_t len) {
    for (size_t i = 0; i < len; i++) out[i] = i / 8 < x->n ? (uint8_t)(x->d[i / 8] >> (8 * (i % 8))) : 0;
}

static int bn_is_zero(const bn *x) {
    for (size_t i = 0; i < x->n; i++) if (x->d[i]) return 0;
    return 1;
}

static int bn_bit(const bn *x, size_t i) { return (int)(x->d[i / 64] >> (i % 64)) & 1; }

/* Compare r (n limbs, may be longer than m) with m. */
static int bn_cmp(const bn *a, const bn *b) {
    size_t n = a->n > b->n ? a->n : b->n;
    for (size_t i = n; i-- > 0;) {
        uint64_t x = i < a->n ? a->d[i] : 0, y = i < b->n ? b->d[i] : 0;
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

/* a -= b, requires a >= b and a->n >= b->n. */
static void bn_sub(bn *a, const bn *b) {
    unsigned __int128 borrow = 0;
    for (size_t i = 0; i < a->n; i++) {
        unsigned __int128 y = (unsigned __int128)(i < b->n ? b->d[i] : 0) + borrow;
        borrow = a->d[i] < y;
        a->d[i] = (uint64_t)((unsigned __int128)a->d[i] - y);
    }
}

static void bn_shl1(bn *a, int bit) {
    uint64_t carry = (uint64_t)bit;
    for (size_t i = 0; i < a->n; i++) {
        uint64_t next = a->d[i] >> 63;
        a->d[i] = a->d[i] << 1 | carry;
        carry = next;
    }
}

/* x mod m (m != 0) as m->n + 1 limbs, by restoring bit-serial division; if
 * q is non-NULL it receives the quotient (x->n limbs). */
static bn bn_divmod(const bn *x, const bn *m, bn *q) {
    bn r = bn_new(m->n + 1);
    for (size_t i = x->n * 64; i-- > 0;) {
        bn_shl1(&r, bn_bit(x, i));
        int ge = bn_cmp(&r, m) >= 0;
        if (ge) bn_sub(&r, m);
        if (q) q->d[i / 64] |= (uint64_t)ge << (i % 64);
    }
    return r;
}

static bn bn_mul(const bn *a, const bn *b) {
    bn p = bn_new(a->n + b->n);
    for (size_t i = 0; i < a->n; i++) {
        unsigned __int128 carry = 0;
        for (size_t j = 0; j < b->n; j++) {
            unsigned __int128 t = (unsigned __int128)a->d[i] * b->d[j] + p.d[i + j] + carry;
            p.d[i + j] = (uint64_t)t;
            carry = t >> 64;
        }
        p.d[i + b->n] = (uint64_t)carry;
    }
    return p;
}

static bn bn_mulmod(const bn *a, const bn *b, const bn *m) {
    bn p = bn_mul(a, b);
    bn r = bn_divmod(&p, m, NULL);
    free(p.d);
    return r;
}

void evmn_mulmod(const uint8_t *a, const uint8_t *b, const uint8_t *m, uint8_t *out, size_t len) {
    bn A = bn_from(a, len), B = bn_from(b, len), M = bn_from(m, len);
    if (bn_is_zero(&M)) {
        memset(out, 0, len);
    } else {
        bn r = bn_mulmod(&A, &B, &M);
        bn_to(&r, out, len);
        free(r.d);
    }
    free(A.d); free(B.d); free(M.d);
}

void evmn_addmod(const uint8_t *a, const uint8_t *b, const uint8_t *m, uint8_t *out, size_t len) {
    bn A = bn_from(a, len), B = bn_from(b, len), M = bn_from(m, len);
    if (bn_is_zero(&M)) {
        memset(out, 0, len);
    } else {
        bn s = bn_new(A.n + 1);
        unsigned __int128 carry = 0;
        for (size_t i = 0; i < A.n; i++) {
            unsigned __int128 t = (unsigned __int128)A.d[i] + B.d[i] + carry;
            s.d[i] = (uint64_t)t;
            carry = t >> 64;
        }
        s.d[A.n] = (uint64_t)carry;
        bn r = bn_divmod(&s, &M, NULL);
        bn_to(&r, out, len);
        free(r.d); free(s.d);
    }
    free(A.d); free(B.d); free(M.d);
}

void evmn_powmod(const uint8_t *base, size_t base_len, const uint8_t *exp, size_t exp_len, const uint8_t *m,
                 uint8_t *out, size_t mod_len) {
    bn M = bn_from(m, mod_len);
    if (bn_is_zero(&M)) {
        memset(out, 0, mod_len);
        free(M.d);
        return;
    }
    bn B0 = bn_from(base, base_len), E = bn_from(exp, exp_len), one = bn_new(1);
    one.d[0] = 1;
    bn B = bn_divmod(&B0, &M, NULL);
    bn R = bn_divmod(&one, &M, NULL);
    for (size_t i = E.n * 64; i-- > 0;) {
        bn t = bn_mulmod(&R, &R, &M);
        free(R.d);
        R = t;
        if (bn_bit(&E, i)) {
            t = bn_mulmod(&R, &B, &M);
            free(R.d);
            R = t;
        }
    }
    bn_to(&R, out, mod_len);
    free(R.d); free(B.d); free(B0.d); free(E.d); free(one.d); free(M.d);
}

int evmn_divmod(const uint8_t *a, const uint8_t *b, uint8_t *q, uint8_t *r, size_t len) {
    bn A = bn_from(a, len), B = bn_from(b, len);
    int rc = -1;
    if (!bn_is_zero(&B)) {
        bn Q = bn_new(A.n);
        bn R = bn_divmod(&A, &B, &Q);
        bn_to(&Q, q, len);
        bn_to(&R, r, len);
        free(Q.d); free(R.d);
        rc = 0;
    }
    free(A.d); free(B.d);
    return rc;
}

void evmn_mul_wide(const uint8_t *a, const uint8_t *b, uint8_t *out, size_t len) {
    bn A = bn_from(a, len), B = bn_from(b, len);
    bn P = bn_mul(&A, &B);
    bn_to(&P, out, 2 * len);
    free(A.d); free(B.d); free(P.d);
}
