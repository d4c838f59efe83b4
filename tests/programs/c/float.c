/* echovm-cflags: -O2 -fno-math-errno */
/* IEEE-754 double/float behaviour through SSE2 scalar code: NaN payloads and
 * the default NaN, infinities, signed zero, denormals (no FTZ/DAZ), rounding
 * of every conversion gcc emits (cvtsi2sd, cvttsd2si, u64<->double sequences,
 * float<->double), sqrt, min/max, ucomisd parity handling, and a decimal
 * printer built from double arithmetic. Results are printed as raw bits. */
#include "common.h"

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static double from_bits(uint64_t u) { double d; memcpy(&d, &u, 8); return d; }

/* volatile inputs so the arithmetic happens at run time, not in the compiler */
static volatile double v_one = 1.0, v_zero = 0.0, v_three = 3.0, v_tiny = 4.9406564584124654e-324;
static volatile double v_max = 1.7976931348623157e308, v_min_normal = 2.2250738585072014e-308;
static volatile uint64_t v_payload_nan = 0x7ff0000000012345ull; /* signalling NaN with payload */
static volatile float vf_third = 1.0f / 3.0f, vf_big = 3.0e38f;

static void show(const char *k, double d) { out_str(k); out_str("="); out_hex64(dbits(d)); out_str("\n"); }
static void showf(const char *k, float f) { out_str(k); out_str("="); out_hex64(fbits(f)); out_str("\n"); }

/* %.{digits}e-style formatting with double arithmetic only. */
static void out_double(double d, int digits) {
    if (d != d) { out_str("nan"); return; }
    if (d < 0 || (d == 0 && (dbits(d) >> 63))) { out_str("-"); d = -d; }
    if (d > v_max) { out_str("inf"); return; }
    if (d == 0) { out_str("0"); return; }
    int exp10 = 0;
    while (d >= 10.0) { d /= 10.0; exp10++; }
    while (d < 1.0) { d *= 10.0; exp10--; }
    for (int i = 0; i <= digits; i++) {
        int digit = (int)d;
        char c[2] = {(char)('0' + digit), 0};
        out_str(c);
        if (i == 0) out_str(".");
        d = (d - digit) * 10.0;
    }
    out_str("e");
    out_i64(exp10);
}

static int classify(double d) {
    /* exercises ucomisd with NaN (PF) in every comparison form */
    return (d < 1.0) | (d <= 1.0) << 1 | (d > 1.0) << 2 | (d >= 1.0) << 3 | (d == 1.0) << 4 | (d != 1.0) << 5;
}

ECHOVM_ENTRY {
    double qnan = v_zero / v_zero;
    show("0/0", qnan);
    show("inf", v_one / v_zero);
    show("-inf", -v_one / v_zero);
    show("inf-inf", (v_one / v_zero) - (v_one / v_zero));
    double snan = from_bits(v_payload_nan);
    show("snan+1", snan + v_one);
    show("1+snan", v_one + snan);
    show("qnan*snan", qnan * snan);
    show("snan*qnan", snan * qnan);
    show("sqrt(-1)", __builtin_sqrt(-v_one));
    show("sqrt(2)", __builtin_sqrt(v_one + v_one));
    show("1/3", v_one / v_three);
    show("-0", -v_zero);
    show("-0+0", -v_zero + v_zero);
    show("0*-1", v_zero * -v_one);
    show("tiny", v_tiny);
    show("tiny/2", v_tiny / 2.0);
    show("tiny*3/2", v_tiny * 3.0 / 2.0);
    show("minnorm/3", v_min_normal / v_three);
    show("denorm*2^60", (v_min_normal / 1024.0) * 1152921504606846976.0);
    show("max*2", v_max * 2.0);
    show("max+max/2^53", v_max + v_max / 9007199254740992.0);
    out_str("classify nan="); out_u64((uint64_t)classify(qnan));
    out_str(" 0.5="); out_u64((uint64_t)classify(0.5 * v_one));
    out_str(" 1="); out_u64((uint64_t)classify(v_one)); out_str("\n");

    /* min/max (minsd/maxsd return the second operand when either is NaN) */
    double mn = v_one < qnan ? v_one : qnan, mx = qnan > v_one ? qnan : v_one;
    show("min(1,nan)", mn);
    show("max(nan,1)", mx);

    /* conversions */
    volatile double samples[] = {0.5, -0.5, 1.5, -1.5, 2.5, 1e19, -1e19, 9.3e18, 1.8446744073709552e19,
                                 4503599627370497.5, -2147483648.9, 2147483647.9, 1e300};
    for (unsigned i = 0; i < sizeof samples / sizeof samples[0]; i++) {
        double d = samples[i];
        int64_t si = (d > -9.2e18 && d < 9.2e18) ? (int64_t)d : -1;
        uint64_t ui = (d >= 0 && d < 1.8e19) ? (uint64_t)d : 1;
        int32_t s32 = (d > -2.2e9 && d < 2.2e9) ? (int32_t)d : 7;
        float f = (float)d;
        out_str("cvt "); out_hex64(dbits(d)); out_str(" i64="); out_i64(si); out_str(" u64="); out_u64(ui);
        out_str(" i32="); out_i64(s32); out_str(" f32="); out_hex64(fbits(f)); out_str("\n");
    }
    volatile uint64_t uvals[] = {0, 1, 0x7fffffffffffffffull, 0x8000000000000000ull, 0xffffffffffffffffull,
                                 0x20000000000001ull, 0x8000000000000401ull};
    for (unsigned i = 0; i < sizeof uvals / sizeof uvals[0]; i++) {
        out_str("u64->f64 "); out_hex64(dbits((double)uvals[i]));
        out_str(" u64->f32 "); out_hex64(fbits((float)uvals[i]));
        out_str(" i64->f64 "); out_hex64(dbits((double)(int64_t)uvals[i])); out_str("\n");
    }
    showf("f32 1/3", vf_third);
    showf("f32 big*10", vf_big * 10.0f);
    showf("f32 sqrt", __builtin_sqrtf(vf_third));
    showf("f32 nan", (float)qnan);
    showf("f32 denorm", vf_third * 1e-40f);
    show("f32->f64", (double)vf_third);
    show("f32->f64 nan", (double)(float)snan);

    /* fabs / copysign / negate are bit operations (andpd, xorpd, orpd) */
    show("fabs(-3)", __builtin_fabs(-v_three));
    show("copysign", __builtin_copysign(v_three, -v_zero));

    /* accumulate a harmonic series and a product, print in decimal */
    double h = 0, p = 1;
    for (int i = 1; i <= 1000; i++) { h += 1.0 / i; p *= 1.0 + 1.0 / (i * (double)i); }
    out_str("harmonic "); out_double(h, 15); out_str(" "); out_hex64(dbits(h)); out_str("\n");
    out_str("product "); out_double(p, 15); out_str("\n");
    out_str("pi~ "); out_double(4.0 * (4.0 * 0.19739555984988075 - 0.004184076002074726), 16); out_str("\n");
    out_str("print "); out_double(-v_tiny, 5); out_str(" "); out_double(v_max, 5); out_str(" "); out_double(qnan, 3);
    out_str(" "); out_double(v_one / v_zero, 3); out_str("\n");
    out_finish();
}
