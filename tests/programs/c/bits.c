/* Bit manipulation and less common integer instructions: bsr/bsf (clz/ctz;
 * gcc emits `rep bsf`, which is tzcnt on BMI1 hardware), libgcc popcount,
 * bswap, rol/ror, bt/bts, shld/shrd, adc/sbb through overflow builtins, mul
 * and imul high halves, cqo/idiv, movsx/movzx, 8/16-bit partial registers,
 * setcc/cmov, and lock-prefixed atomics (lock xadd, lock cmpxchg, xchg,
 * mfence) in a single thread. */
#include "common.h"

static volatile uint64_t seeds[] = {0, 1, 0x8000000000000000ull, 0xffffffffffffffffull, 0x0123456789abcdefull,
                                    0x00000000ffff0000ull, 0x5555555555555555ull, 0x7fffffffffffffffull,
                                    0x0000000100000000ull, 0xdeadbeefcafef00dull};

static uint64_t rotl(uint64_t x, unsigned r) { return (x << (r & 63)) | (x >> ((64 - r) & 63)); }
static uint32_t rotr32(uint32_t x, unsigned r) { return (x >> (r & 31)) | (x << ((32 - r) & 31)); }

__attribute__((noinline)) static uint64_t shld(uint64_t hi, uint64_t lo, unsigned s) {
    return s ? (hi << s) | (lo >> (64 - s)) : hi;
}

__attribute__((noinline)) static uint64_t mulhi(uint64_t a, uint64_t b) { return (uint64_t)(((unsigned __int128)a * b) >> 64); }
__attribute__((noinline)) static int64_t imulhi(int64_t a, int64_t b) { return (int64_t)(((__int128)a * b) >> 64); }

__attribute__((noinline)) static uint64_t add_carry_chain(const uint64_t *a, const uint64_t *b, uint64_t *r, int n) {
    unsigned char c = 0;
    for (int i = 0; i < n; i++) {
        uint64_t s1, s2;
        unsigned char c1 = __builtin_add_overflow(a[i], b[i], &s1);
        unsigned char c2 = __builtin_add_overflow(s1, (uint64_t)c, &s2);
        r[i] = s2;
        c = c1 | c2;
    }
    return c;
}

__attribute__((noinline)) static int bit_test(const uint32_t *bits, unsigned i) { return (bits[i >> 5] >> (i & 31)) & 1; }

__attribute__((noinline)) static int64_t sdiv(int64_t a, int64_t b) { return b == 0 || (a == INT64_MIN && b == -1) ? 0 : a / b; }
__attribute__((noinline)) static int32_t sdiv32(int32_t a, int32_t b) { return b == 0 || (a == INT32_MIN && b == -1) ? 0 : a % b; }
__attribute__((noinline)) static uint16_t div16(uint16_t a, uint16_t b) { return b ? (uint16_t)(a / b) : 0; }
__attribute__((noinline)) static uint8_t div8(uint8_t a, uint8_t b) { return b ? (uint8_t)(a % b) : 0; }

__attribute__((noinline)) static uint64_t narrow_ops(uint64_t x) {
    int8_t b = (int8_t)x;
    int16_t w = (int16_t)(x >> 8);
    uint8_t ub = (uint8_t)(x >> 16);
    int64_t r = b * w + (int64_t)(int8_t)(ub + b) - (int16_t)(w >> 3);
    r += (x & 0x80) ? -(int64_t)(int32_t)(x >> 32) : (int64_t)(uint32_t)(x >> 29);
    return (uint64_t)r;
}

ECHOVM_ENTRY {
    uint64_t h = 0;
    for (unsigned i = 0; i < sizeof seeds / sizeof seeds[0]; i++) {
        uint64_t x = seeds[i];
        uint64_t y = seeds[(i + 3) % (sizeof seeds / sizeof seeds[0])];
        out_hex64(x);
        out_str(" clz="); out_i64(x ? __builtin_clzll(x) : -1);
        out_str(" ctz="); out_i64(x ? __builtin_ctzll(x) : -1);
        out_str(" ctz32="); out_i64((uint32_t)x ? __builtin_ctz((uint32_t)x) : -1);
        out_str(" pop="); out_u64((uint64_t)__builtin_popcountll(x));
        out_str(" par="); out_u64((uint64_t)__builtin_parityll(x));
        out_str(" bswap="); out_hex64(__builtin_bswap64(x));
        out_str(" bswap32="); out_hex64(__builtin_bswap32((uint32_t)x));
        out_str(" bswap16="); out_hex64(__builtin_bswap16((uint16_t)x));
        out_str(" rol="); out_hex64(rotl(x, i * 7 + 1));
        out_str(" ror32="); out_hex64(rotr32((uint32_t)x, i * 5));
        out_str(" shld="); out_hex64(shld(x, y, i * 6));
        out_str(" mulhi="); out_hex64(mulhi(x, y));
        out_str(" imulhi="); out_hex64((uint64_t)imulhi((int64_t)x, (int64_t)y));
        out_str(" sdiv="); out_i64(sdiv((int64_t)x, (int64_t)(y >> (i % 4))));
        out_str(" srem32="); out_i64(sdiv32((int32_t)x, (int32_t)y));
        out_str(" div16="); out_u64(div16((uint16_t)x, (uint16_t)(y >> 4)));
        out_str(" rem8="); out_u64(div8((uint8_t)(x >> 8), (uint8_t)y));
        out_str(" narrow="); out_hex64(narrow_ops(x ^ y));
        out_str(" cmp="); out_u64((uint64_t)((int64_t)x < (int64_t)y) | (uint64_t)(x < y) << 1 | (uint64_t)((int32_t)x >= (int32_t)y) << 2);
        out_str("\n");
        h = h * 0x100000001b3ull ^ x;
    }
    uint64_t a[8], b[8], r[8];
    for (int i = 0; i < 8; i++) { a[i] = seeds[i] ^ h; b[i] = ~seeds[9 - i]; }
    uint64_t carry = add_carry_chain(a, b, r, 8);
    out_str("adc "); for (int i = 0; i < 8; i++) out_hex64(r[i]); out_str(" c="); out_u64(carry); out_str("\n");

    static uint32_t bitmap[64];
    for (unsigned i = 0; i < 2048; i += 3) bitmap[i >> 5] |= 1u << (i & 31);
    unsigned set = 0;
    for (unsigned i = 0; i < 2048; i++) set += (unsigned)bit_test(bitmap, i);
    out_kv("bitmap-set", set);

    /* single-threaded atomics: the VM must accept the lock prefix */
    static uint64_t counter;
    static uint32_t word = 5;
    for (int i = 0; i < 10; i++) __atomic_fetch_add(&counter, (uint64_t)i, __ATOMIC_SEQ_CST);
    uint32_t expected = 5;
    int swapped = __atomic_compare_exchange_n(&word, &expected, 9u, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    int swapped2 = __atomic_compare_exchange_n(&word, &expected, 11u, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
    uint32_t old = __atomic_exchange_n(&word, 42u, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    out_str("atomics "); out_u64(counter); out_str(" "); out_u64((uint64_t)swapped); out_str(" "); out_u64((uint64_t)swapped2);
    out_str(" "); out_u64(expected); out_str(" "); out_u64(old); out_str(" "); out_u64(word); out_str("\n");
    out_finish();
}
