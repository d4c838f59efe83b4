/* echovm-cflags: -O3 */
/* Loops that gcc -O3 auto-vectorises for plain x86-64 (SSE2): packed integer
 * add/sub/mul at 8/16/32/64 bits (pmullw, pmuludq shuffles), compare+select
 * min/max, psadbw byte sums, packed float/double arithmetic and reductions,
 * int<->float conversions, widening/narrowing (punpck*, pack*), reversals
 * (pshufd), and unaligned heads/tails. */
#include "common.h"

#define N 1024
static uint8_t b8[N + 3], c8[N + 3];
static int16_t s16[N], t16[N];
static int32_t a32[N], d32[N];
static uint32_t u32[N];
static int64_t q64[N];
static float fa[N], fb[N];
static double da[N], db[N];

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ull; }

__attribute__((noinline)) static void fill(uint32_t seed) {
    uint32_t x = seed;
    for (int i = 0; i < N + 3; i++) { x = x * 1664525u + 1013904223u; b8[i] = (uint8_t)(x >> 24); c8[i] = (uint8_t)(x >> 16); }
    for (int i = 0; i < N; i++) {
        x = x * 1664525u + 1013904223u;
        s16[i] = (int16_t)(x >> 8); t16[i] = (int16_t)(x >> 3);
        a32[i] = (int32_t)x; d32[i] = (int32_t)(x * 2654435761u);
        u32[i] = x ^ (x >> 7);
        q64[i] = (int64_t)x * 977 - (int64_t)(x >> 3);
        fa[i] = (float)(int32_t)x / 65536.0f; fb[i] = (float)(x >> 20) * 0.25f - 100.0f;
        da[i] = (double)(int32_t)x * 1e-3; db[i] = (double)(x & 0xffff) + 0.5;
    }
}

__attribute__((noinline)) static uint32_t sum_bytes(const uint8_t *p, int n) {
    uint32_t s = 0;
    for (int i = 0; i < n; i++) s += p[i];
    return s;
}

__attribute__((noinline)) static uint32_t sad(const uint8_t *p, const uint8_t *q, int n) {
    uint32_t s = 0;
    for (int i = 0; i < n; i++) s += (uint32_t)(p[i] > q[i] ? p[i] - q[i] : q[i] - p[i]);
    return s;
}

__attribute__((noinline)) static void saturate_add(uint8_t *dst, const uint8_t *a, const uint8_t *b, int n) {
    for (int i = 0; i < n; i++) { unsigned v = (unsigned)a[i] + b[i]; dst[i] = (uint8_t)(v > 255 ? 255 : v); }
}

__attribute__((noinline)) static void mul16(int16_t *dst, const int16_t *a, const int16_t *b, int n) {
    for (int i = 0; i < n; i++) dst[i] = (int16_t)(a[i] * b[i] + (a[i] >> 2));
}

__attribute__((noinline)) static int64_t dot16(const int16_t *a, const int16_t *b, int n) {
    int32_t s = 0;
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

__attribute__((noinline)) static void mul32(int32_t *dst, const int32_t *a, const int32_t *b, int n) {
    for (int i = 0; i < n; i++) dst[i] = a[i] * b[i] - (a[i] >> 3);
}

__attribute__((noinline)) static void minmax32(int32_t *mn, int32_t *mx, const int32_t *a, const int32_t *b, int n) {
    for (int i = 0; i < n; i++) { mn[i] = a[i] < b[i] ? a[i] : b[i]; mx[i] = a[i] > b[i] ? a[i] : b[i]; }
}

__attribute__((noinline)) static uint32_t umax_reduce(const uint32_t *a, int n) {
    uint32_t m = 0;
    for (int i = 0; i < n; i++) m = a[i] > m ? a[i] : m;
    return m;
}

__attribute__((noinline)) static int64_t sum64(const int64_t *a, int n) {
    int64_t s = 0;
    for (int i = 0; i < n; i++) s += a[i] ^ (a[i] << 3);
    return s;
}

__attribute__((noinline)) static void saxpy(float *y, const float *x, float a, int n) {
    for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

__attribute__((noinline)) static void daxpy(double *y, const double *x, double a, int n) {
    for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i] / 3.0;
}

__attribute__((noinline)) static void to_float(float *dst, const int32_t *src, int n) {
    for (int i = 0; i < n; i++) dst[i] = (float)src[i] * 0.5f;
}

__attribute__((noinline)) static void to_int(int32_t *dst, const float *src, int n) {
    for (int i = 0; i < n; i++) dst[i] = (int32_t)src[i];
}

__attribute__((noinline)) static void widen(int32_t *dst, const int16_t *src, int n) {
    for (int i = 0; i < n; i++) dst[i] = src[i] * 3;
}

__attribute__((noinline)) static void narrow(uint8_t *dst, const int32_t *src, int n) {
    for (int i = 0; i < n; i++) dst[i] = (uint8_t)(src[i] >> 5);
}

__attribute__((noinline)) static void reverse32(int32_t *dst, const int32_t *src, int n) {
    for (int i = 0; i < n; i++) dst[i] = src[n - 1 - i];
}

__attribute__((noinline)) static void shifts(uint32_t *a, int n) {
    for (int i = 0; i < n; i++) a[i] = (a[i] << 5) ^ (a[i] >> 11) ^ (uint32_t)((int32_t)a[i] >> 9);
}

ECHOVM_ENTRY {
    size_t inlen;
    uint8_t *in = evm_input_read_all(&inlen);
    uint32_t seed = 7;
    for (size_t i = 0; i < inlen; i++) seed = seed * 31 + in[i];
    fill(seed);
    uint64_t h = 0xcbf29ce484222325ull;
    /* odd offsets/lengths exercise the scalar head/tail paths */
    h = mix(h, sum_bytes(b8, N)); h = mix(h, sum_bytes(b8 + 1, N - 5));
    h = mix(h, sad(b8, c8 + 3, N));
    out_str("bytes "); out_hex64(h); out_str("\n");
    saturate_add(c8, b8 + 1, c8 + 2, N - 1);
    for (int i = 0; i < N; i++) h = mix(h, c8[i]);
    out_str("satadd "); out_hex64(h); out_str("\n");
    mul16(t16, s16, t16, N);
    h = mix(h, (uint64_t)dot16(s16, t16, N));
    for (int i = 0; i < N; i++) h = mix(h, (uint16_t)t16[i]);
    out_str("i16 "); out_hex64(h); out_str("\n");
    mul32(d32, a32, d32, N);
    int32_t mn[N], mx[N];
    minmax32(mn, mx, a32, d32, N);
    for (int i = 0; i < N; i++) h = mix(h, (uint32_t)mn[i] ^ ((uint64_t)(uint32_t)mx[i] << 32));
    h = mix(h, umax_reduce(u32, N));
    h = mix(h, (uint64_t)sum64(q64, N));
    out_str("i32/i64 "); out_hex64(h); out_str("\n");
    saxpy(fb, fa, 1.5f, N);
    daxpy(db, da, -0.25, N);
    to_float(fa, a32, N);
    to_int(d32, fb, N);
    for (int i = 0; i < N; i++) {
        uint32_t u; memcpy(&u, &fa[i], 4);
        uint64_t v; memcpy(&v, &db[i], 8);
        h = mix(mix(mix(h, u), v), (uint32_t)d32[i]);
    }
    out_str("fp "); out_hex64(h); out_str("\n");
    widen(a32, s16, N);
    narrow(b8, a32, N);
    reverse32(d32, a32, N);
    shifts(u32, N);
    for (int i = 0; i < N; i++) h = mix(mix(mix(h, b8[i]), (uint32_t)d32[i]), u32[i]);
    out_str("shuffle "); out_hex64(h); out_str("\n");
    out_finish();
}
