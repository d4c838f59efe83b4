//! Floating-point core on raw bit patterns, bit-exact with SSE under the fixed
//! default MXCSR (round to nearest even, no FTZ/DAZ, all exceptions masked).
//!
//! Why this is host-independent: every NaN case is decided here in integer code
//! (x86 propagation rules, the "real indefinite" default NaN, quieting), so no
//! NaN ever reaches a host operation. What remains — `+ - * /` and `sqrt` on
//! non-NaN operands, comparisons, and `as` casts between float widths and from integers — Rust defines as the
//! correctly rounded IEEE-754 round-to-nearest-even result on every target it
//! supports; no fused or contracted operations are ever emitted implicitly. When
//! such an operation produces a NaN from non-NaN operands it was an invalid
//! operation (inf-inf, 0*inf, 0/0, inf/inf), and we substitute x86's default
//! NaN instead of whatever sign the host chose. Rounding to an integral value
//! (ROUNDPS, CVT*2SI) is pure integer code. Float-to-integer conversion
//! never uses a saturating `as` on an out-of-range value: the range check comes
//! first and out-of-range or NaN inputs give the x86 "integer indefinite".

macro_rules! float_ops {
    ($m:ident, $f:ty, $b:ty, $frac:expr) => {
        /// Operations on one precision's raw bit patterns.
        pub mod $m {
            pub const SIGN: $b = 1 << (<$b>::BITS - 1);
            const EXP: $b = !SIGN & !FRAC;
            const FRAC: $b = (1 << $frac) - 1;
            /// Quiet bit: the most significant fraction bit.
            pub const QUIET: $b = 1 << ($frac - 1);
            /// x86 "real indefinite" QNaN, the result of every invalid operation.
            pub const INDEFINITE: $b = SIGN | EXP | QUIET;

            #[inline]
            pub fn is_nan(x: $b) -> bool {
                x & !SIGN > EXP
            }
            #[inline]
            pub fn is_zero(x: $b) -> bool {
                x & !SIGN == 0
            }
            #[inline]
            fn f(x: $b) -> $f {
                <$f>::from_bits(x)
            }
            /// Host result of an operation on non-NaN inputs; a NaN here can only
            /// be an invalid operation, which x86 answers with the indefinite.
            #[inline]
            fn finish(r: $f) -> $b {
                let r = r.to_bits();
                if is_nan(r) {
                    INDEFINITE
                } else {
                    r
                }
            }
            /// SDM table 4-7 for SSE: the first source if it is a NaN, else the
            /// second, quieted either way (payload and sign kept).
            #[inline]
            pub fn propagate(a: $b, b: $b) -> $b {
                if is_nan(a) {
                    a | QUIET
                } else {
                    b | QUIET
                }
            }
            /// `+ - * /`: the host result unless it is a NaN. A NaN result
            /// comes from a NaN operand (IEEE 754 propagates them) or from an
            /// invalid operation, so only then are the operands looked at, and
            /// the NaN itself is always x86's, never the host's. Checking the
            /// result first keeps the common case to one test.
            ///
            /// The test is the host's own `r != r` (`is_nan` on the float):
            /// IEEE 754 makes it exact everywhere, and it is one compare.
            #[inline]
            fn binop(a: $b, b: $b, op: fn($f, $f) -> $f) -> $b {
                let r = op(f(a), f(b));
                if !r.is_nan() {
                    r.to_bits()
                } else if is_nan(a) || is_nan(b) {
                    propagate(a, b)
                } else {
                    INDEFINITE
                }
            }
            /// The host results of a packed `op` (`+ - * /`) when none
            /// of them is a NaN (the common case: then no operand was
            /// one either), found with one test for all lanes; `None`
            /// otherwise, and the caller goes lane by lane through the
            /// NaN rules ([`add`] and its kin).
            #[inline(always)]
            pub fn packed<const N: usize>(
                x: [$b; N],
                y: [$b; N],
                op: fn($f, $f) -> $f,
            ) -> Option<[$b; N]> {
                let mut r = [0.0; N];
                let mut nan = false;
                for i in 0..N {
                    r[i] = op(f(x[i]), f(y[i]));
                    nan |= r[i].is_nan();
                }
                if nan {
                    None
                } else {
                    Some(r.map(<$f>::to_bits))
                }
            }
            pub fn add(a: $b, b: $b) -> $b {
                binop(a, b, |x, y| x + y)
            }
            pub fn sub(a: $b, b: $b) -> $b {
                binop(a, b, |x, y| x - y)
            }
            pub fn mul(a: $b, b: $b) -> $b {
                binop(a, b, |x, y| x * y)
            }
            pub fn div(a: $b, b: $b) -> $b {
                binop(a, b, |x, y| x / y)
            }
            /// Square root: NaN quieted, negative non-zero (incl. -inf) invalid, -0 stays -0.
            pub fn sqrt(a: $b) -> $b {
                if is_nan(a) {
                    a | QUIET
                } else if a & SIGN != 0 && !is_zero(a) {
                    INDEFINITE
                } else {
                    finish(f(a).sqrt())
                }
            }
            /// MINPS rule: `a < b ? a : b`, so a NaN in either or two zeros give `b` unchanged.
            pub fn min(a: $b, b: $b) -> $b {
                if !is_nan(a) && !is_nan(b) && f(a) < f(b) {
                    a
                } else {
                    b
                }
            }
            /// MAXPS rule: `a > b ? a : b`.
            pub fn max(a: $b, b: $b) -> $b {
                if !is_nan(a) && !is_nan(b) && f(a) > f(b) {
                    a
                } else {
                    b
                }
            }
            /// CMPPS predicate `pred & 7`: EQ, LT, LE, UNORD, NEQ, NLT, NLE, ORD.
            pub fn compare(a: $b, b: $b, pred: u8) -> bool {
                let unordered = is_nan(a) || is_nan(b);
                let (x, y) = (f(a), f(b));
                match pred & 7 {
                    0 => !unordered && x == y,
                    1 => !unordered && x < y,
                    2 => !unordered && x <= y,
                    3 => unordered,
                    4 => unordered || x != y,
                    5 => unordered || x >= y,
                    6 => unordered || x > y,
                    _ => !unordered,
                }
            }
            /// (U)COMIS ordering: None = unordered, else `a` vs `b`.
            pub fn order(a: $b, b: $b) -> Option<core::cmp::Ordering> {
                if is_nan(a) || is_nan(b) {
                    None
                } else {
                    f(a).partial_cmp(&f(b))
                }
            }
            /// ROUNDPS: imm8 bit 2 selects MXCSR.RC (always nearest here),
            /// else bits 1:0 = nearest-even, down, up, toward zero. Bit 3
            /// only suppresses the precision exception, which is masked anyway.
            pub fn round(a: $b, imm: u8) -> $b {
                if is_nan(a) {
                    return a | QUIET;
                }
                let mode = if imm & 4 != 0 { 0 } else { imm & 3 };
                integral(a, mode)
            }
            /// Round a non-NaN value to an integral value in pure integer
            /// arithmetic (mode 0 nearest-even, 1 down, 2 up, 3 toward zero), so
            /// no libm routine or host rounding mode is involved. The sign is
            /// always kept (e.g. ceil(-0.5) = -0).
            fn integral(a: $b, mode: u8) -> $b {
                const BIAS: i32 = (EXP >> $frac) as i32 >> 1;
                let e = ((a & EXP) >> $frac) as i32 - BIAS;
                if e >= $frac {
                    return a; // already integral, or infinite
                }
                let neg = a & SIGN != 0;
                if e < 0 {
                    // |a| < 1: the result is 0 or 1 in magnitude.
                    if is_zero(a) {
                        return a;
                    }
                    let one = (BIAS as $b) << $frac;
                    let away = match mode {
                        0 => e == -1 && a & FRAC != 0, // above one half; exactly 0.5 goes to even 0
                        1 => neg,
                        2 => !neg,
                        _ => false,
                    };
                    return (a & SIGN) | if away { one } else { 0 };
                }
                let fbits = ($frac - e) as u32;
                let mask: $b = (1 << fbits) - 1;
                let frac = a & mask;
                if frac == 0 {
                    return a;
                }
                let trunc = a & !mask;
                let half: $b = 1 << (fbits - 1);
                let away = match mode {
                    0 => frac > half || (frac == half && (trunc >> fbits) & 1 == 1),
                    1 => neg,
                    2 => !neg,
                    _ => false,
                };
                // A carry out of the fraction correctly bumps the exponent.
                if away {
                    trunc + (1 << fbits)
                } else {
                    trunc
                }
            }
            /// Convert to a signed integer of `bits` (32 or 64) bits, truncating or
            /// rounding to nearest even; NaN and out-of-range give the integer
            /// indefinite (only the sign bit set).
            pub fn to_int(a: $b, bits: u32, truncate: bool) -> u64 {
                let indefinite = 1u64 << (bits - 1);
                if is_nan(a) {
                    return indefinite;
                }
                let r = f(integral(a, if truncate { 3 } else { 0 }));
                // Both bounds are powers of two, exact in either precision.
                let limit = (indefinite as $f);
                if r >= -limit && r < limit {
                    // In range and integral: the cast is exact, no saturation involved.
                    (r as i64 as u64) & (u64::MAX >> (64 - bits))
                } else {
                    indefinite
                }
            }
            /// Signed integer to float, rounding to nearest even (Rust's defined `as`).
            pub fn from_i64(v: i64) -> $b {
                (v as $f).to_bits()
            }
            pub fn from_i32(v: i32) -> $b {
                (v as $f).to_bits()
            }
        }
    };
}

float_ops!(single, f32, u32, 23);
float_ops!(double, f64, u64, 52);

/// CVTSS2SD: exact widening; a NaN keeps sign and payload (shifted to the top)
/// and is quieted.
pub fn single_to_double(x: u32) -> u64 {
    if single::is_nan(x) {
        let sign = ((x as u64) >> 31) << 63;
        sign | 0x7ff0_0000_0000_0000 | (((x as u64) & 0x7f_ffff) << 29) | double::QUIET
    } else {
        (f32::from_bits(x) as f64).to_bits()
    }
}

/// CVTSD2SS: rounds to nearest even; a NaN keeps its sign and the top 22
/// payload bits and is quieted.
pub fn double_to_single(x: u64) -> u32 {
    if double::is_nan(x) {
        let sign = ((x >> 63) as u32) << 31;
        sign | 0x7f80_0000 | (((x >> 29) as u32) & 0x7f_ffff) | single::QUIET
    } else {
        (f64::from_bits(x) as f32).to_bits()
    }
}

#[cfg(test)]
mod tests {
    //! Expected values follow the SDM's stated rules (table 4-7, "real indefinite",
    //! "integer indefinite"); the differential test checks them against hardware.
    use super::*;

    const SNAN_A: u32 = 0x7f80_0001;
    const QNAN_B: u32 = 0xffc0_1234;

    #[test]
    fn nan_propagation_prefers_first_operand() {
        assert_eq!(single::add(SNAN_A, QNAN_B), 0x7fc0_0001);
        assert_eq!(single::add(QNAN_B, SNAN_A), QNAN_B);
        assert_eq!(single::mul(0x3f80_0000, SNAN_A), 0x7fc0_0001);
        assert_eq!(double::sub(0x7ff0_0000_0000_0005, 0), 0x7ff8_0000_0000_0005);
    }

    #[test]
    fn invalid_operations_give_indefinite() {
        let inf = 0x7f80_0000u32;
        assert_eq!(single::sub(inf, inf), 0xffc0_0000);
        assert_eq!(single::mul(0, inf), 0xffc0_0000);
        assert_eq!(single::div(0, 0x8000_0000), 0xffc0_0000);
        assert_eq!(single::sqrt(0xbf80_0000), 0xffc0_0000);
        assert_eq!(single::sqrt(0x8000_0000), 0x8000_0000);
        assert_eq!(
            double::div(0x7ff0_0000_0000_0000, 0xfff0_0000_0000_0000),
            double::INDEFINITE
        );
    }

    #[test]
    fn min_max_return_second_on_nan_or_zeros() {
        assert_eq!(single::min(QNAN_B, 0x3f80_0000), 0x3f80_0000);
        assert_eq!(single::min(0x3f80_0000, SNAN_A), SNAN_A);
        assert_eq!(single::max(0x8000_0000, 0), 0);
        assert_eq!(single::min(0, 0x8000_0000), 0x8000_0000);
    }

    #[test]
    fn integer_conversion_bounds() {
        // 2^31 is out of range, -2^31 is not; 2147483647.5 rounds to even = 2^31.
        assert_eq!(single::to_int(0x4f00_0000, 32, true), 0x8000_0000);
        assert_eq!(single::to_int(0xcf00_0000, 32, true), 0x8000_0000);
        assert_eq!(
            double::to_int(0x41df_ffff_ffe0_0000, 32, false),
            0x8000_0000
        ); // 2147483647.5 -> 2^31
        assert_eq!(double::to_int(0x41df_ffff_ffe0_0000, 32, true), 0x7fff_ffff);
        assert_eq!(double::to_int(0xc1e0_0000_0000_0000, 32, true), 0x8000_0000);
        assert_eq!(double::to_int(0x3ff8_0000_0000_0000, 64, false), 2); // 1.5 -> 2
        assert_eq!(double::to_int(0x4004_0000_0000_0000, 64, false), 2); // 2.5 -> 2
        assert_eq!(double::to_int(0xbff8_0000_0000_0000, 64, true), u64::MAX); // -1.5 -> -1
        assert_eq!(double::to_int(double::INDEFINITE, 64, true), 1 << 63);
    }

    /// The integer rounding agrees with std's exact rounding functions on a sweep
    /// of values around every binade boundary that matters (test-only reference).
    #[test]
    fn integer_rounding_matches_std() {
        let mut xs: Vec<f64> = vec![
            0.5,
            1.5,
            2.5,
            -0.5,
            -2.5,
            0.49999999999999994,
            -0.0,
            0.0,
            4503599627370495.5,
        ];
        for e in -3..60 {
            let p = 2f64.powi(e);
            for d in [-0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75] {
                xs.push(p + d);
                xs.push(-(p + d));
                xs.push(p * (1.0 + d / 8.0));
            }
        }
        for &x in &xs {
            let b = x.to_bits();
            assert_eq!(
                double::round(b, 0),
                x.round_ties_even().to_bits(),
                "nearest {x}"
            );
            assert_eq!(double::round(b, 1), x.floor().to_bits(), "floor {x}");
            assert_eq!(double::round(b, 2), x.ceil().to_bits(), "ceil {x}");
            assert_eq!(double::round(b, 3), x.trunc().to_bits(), "trunc {x}");
            let y = x as f32;
            let b = y.to_bits();
            assert_eq!(
                single::round(b, 4),
                y.round_ties_even().to_bits(),
                "nearest {y}"
            );
            assert_eq!(single::round(b, 9), y.floor().to_bits(), "floor {y}");
            assert_eq!(single::round(b, 10), y.ceil().to_bits(), "ceil {y}");
            assert_eq!(single::round(b, 11), y.trunc().to_bits(), "trunc {y}");
        }
    }

    #[test]
    fn width_conversions_keep_nan_payload() {
        assert_eq!(single_to_double(0xff80_0001), 0xfff8_0000_2000_0000);
        assert_eq!(double_to_single(0x7ff0_0000_2000_0000), 0x7fc0_0001);
        assert_eq!(double_to_single(0x7ff0_0000_1fff_ffff), 0x7fc0_0000);
    }
}
