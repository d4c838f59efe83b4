/* 128-bit integer arithmetic. gcc inlines add/sub/mul/shift (adc, sbb, mul,
 * shld, shrd) and calls libgcc for division and conversions: __udivti3,
 * __umodti3, __divti3, __modti3, __muloti4 (checked signed multiply),
 * __floatuntidf / __floattidf / __fixdfti / __fixunsdfti. */
#include "common.h"

typedef unsigned __int128 u128;
typedef __int128 i128;

static void out_u128(u128 v) {
    char b[40];
    int n = 0;
    do { b[n++] = (char)('0' + (int)(v % 10)); v /= 10; } while (v);
    while (n) { char c[2] = {b[--n], 0}; out_str(c); }
}
static void out_i128(i128 v) {
    if (v < 0) { out_str("-"); out_u128((u128)0 - (u128)v); } else out_u128((u128)v);
}

/* volatile sinks keep gcc from folding everything at compile time */
static volatile uint64_t seed_lo = 0x0123456789abcdefull, seed_hi = 0xfedcba9876543210ull;

static u128 isqrt128(u128 n) {
    if (n < 2) return n;
    u128 x = n, y = (x + 1) / 2;
    while (y < x) { x = y; y = (x + n / x) / 2; }
    return x;
}

static u128 gcd128(u128 a, u128 b) {
    while (b) { u128 t = a % b; a = b; b = t; }
    return a;
}

static u128 powmod128(u128 b, u128 e, uint64_t m) {
    u128 r = 1 % m;
    b %= m;
    while (e) { if (e & 1) r = r * b % m; b = b * b % m; e >>= 1; }
    return r;
}

ECHOVM_ENTRY {
    u128 a = (u128)seed_hi << 64 | seed_lo;
    u128 b = ((u128)seed_lo << 64 | seed_hi) >> 37;
    out_str("a="); out_u128(a); out_str("\nb="); out_u128(b); out_str("\n");
    out_str("a/b="); out_u128(a / b); out_str(" a%b="); out_u128(a % b); out_str("\n");
    out_str("a*b="); out_u128(a * b); out_str(" a+b="); out_u128(a + b); out_str(" a-b="); out_u128(a - b); out_str("\n");
    out_str("a>>71="); out_u128(a >> 71); out_str(" a<<13="); out_u128(a << 13); out_str("\n");
    i128 sa = (i128)a, sb = -(i128)b / 3;
    out_str("sa/sb="); out_i128(sa / sb); out_str(" sa%sb="); out_i128(sa % sb); out_str("\n");
    out_str("-7/2="); out_i128((i128)-7 / (i128)(2 + seed_lo % 1)); out_str(" -7%2="); out_i128((i128)-7 % (i128)(2 + seed_lo % 1)); out_str("\n");
    out_str("sa>>90="); out_i128(sa >> 90); out_str("\n");

    i128 prod;
    int ov1 = __builtin_mul_overflow(sa, sb, &prod);
    int ov2 = __builtin_mul_overflow((i128)(seed_lo >> 1), (i128)-(i128)(seed_hi >> 2), &prod);
    out_str("mulov "); out_u64((uint64_t)ov1); out_str(" "); out_u64((uint64_t)ov2); out_str(" "); out_i128(prod); out_str("\n");

    out_str("isqrt(a)="); out_u128(isqrt128(a)); out_str("\n");
    out_str("gcd="); out_u128(gcd128(a, b * 6)); out_str("\n");
    out_str("powmod="); out_u128(powmod128(a, b, 1000000007ull)); out_str("\n");

    /* factorials up to 34! fit in u128 */
    u128 f = 1;
    for (unsigned i = 1; i <= 34; i++) f *= i;
    out_str("34!="); out_u128(f); out_str("\n");
    u128 umax = ~(u128)0;
    out_str("umax="); out_u128(umax); out_str(" umax/3="); out_u128(umax / 3); out_str("\n");
    i128 smin = (i128)((u128)1 << 127);
    out_str("smin="); out_i128(smin); out_str(" smin/7="); out_i128(smin / 7); out_str(" smin%7="); out_i128(smin % 7); out_str("\n");

    double d1 = (double)a, d2 = (double)sb, d3 = (double)(umax >> 3);
    uint64_t bits;
    memcpy(&bits, &d1, 8); out_str("u128->f64 "); out_hex64(bits);
    memcpy(&bits, &d2, 8); out_str(" i128->f64 "); out_hex64(bits);
    memcpy(&bits, &d3, 8); out_str(" "); out_hex64(bits); out_str("\n");
    volatile double big = 1.2345e30, neg = -9.87654321e25;
    out_str("f64->u128 "); out_u128((u128)big); out_str(" f64->i128 "); out_i128((i128)neg); out_str("\n");

    /* input interpreted as little-endian u128s, summed and divided */
    size_t n;
    uint8_t *in = evm_input_read_all(&n);
    u128 acc = 0, x = 0;
    for (size_t i = 0; i + 16 <= n; i += 16) { memcpy(&x, in + i, 16); acc += x / (i / 16 + 3); }
    out_str("input-acc="); out_u128(acc); out_str("\n");
    out_finish();
}
