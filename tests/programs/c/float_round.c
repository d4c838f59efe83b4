/* echovm-cflags: -O2 -march=x86-64-v2 -fno-math-errno */
/* echovm-variants: O1 O3 v2 (at -O0 and -Os gcc calls libm floor/ceil instead of roundsd) */
/* SSE4.1 rounding: roundsd/roundss with the immediate modes gcc uses for
 * floor, ceil, trunc, rint and nearbyint (round-to-nearest-even), on NaN,
 * inf, -0, huge and halfway cases, printed as raw bits. */
#include "common.h"

static uint64_t dbits(double d) { uint64_t u; memcpy(&u, &d, 8); return u; }
static uint32_t fbits(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }

static volatile double vals[] = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999999999999994, -0.0, 1e300, -1e-300,
                                 4503599627370495.5, -4503599627370497.0, 0.0 / 0.0, 1.0 / 0.0, 2.675};

ECHOVM_ENTRY {
    for (unsigned i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        double d = vals[i];
        float f = (float)d;
        out_hex64(dbits(d));
        out_str(" floor="); out_hex64(dbits(__builtin_floor(d)));
        out_str(" ceil="); out_hex64(dbits(__builtin_ceil(d)));
        out_str(" trunc="); out_hex64(dbits(__builtin_trunc(d)));
        out_str(" rint="); out_hex64(dbits(__builtin_rint(d)));
        out_str(" nearbyint="); out_hex64(dbits(__builtin_nearbyint(d)));
        out_str(" f32floor="); out_hex64(fbits(__builtin_floorf(f)));
        out_str(" f32ceil="); out_hex64(fbits(__builtin_ceilf(f)));
        out_str("\n");
    }
    double acc[4] = {0};
    for (int i = 0; i < 4096; i++) acc[i & 3] += __builtin_floor(i * 0.37) - __builtin_ceil(i * 0.21);
    out_str("acc "); out_hex64(dbits(acc[0] + acc[1] + acc[2] + acc[3])); out_str("\n");
    out_finish();
}
