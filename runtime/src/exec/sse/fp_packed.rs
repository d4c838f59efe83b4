//! Packed `+ - * /` for the translated handlers: all lanes at once, with
//! one NaN test for the whole result.
//!
//! Why: `fp::*::packed` computes lane by lane, and the compiler keeps it
//! that way (two `mulsd` and a compare for a `mulpd`). On an x86-64 host
//! the host's own packed instruction gives the same lanes: SSE2 arithmetic
//! on non-NaN operands is the correctly rounded IEEE-754 result, lane by
//! lane, exactly as the scalar operations the portable form uses (same
//! rounding, no flush-to-zero: the host runs with Rust's default MXCSR).
//! A NaN in any result lane declines, as the portable form does, and the
//! general path applies x86's NaN rules (`fp`).
//! `host_packed_matches_the_portable_form` checks the two forms against
//! each other.

/// The four operations, by number (a const parameter).
pub(crate) const ADD: u8 = 0;
pub(crate) const SUB: u8 = 1;
pub(crate) const MUL: u8 = 2;
pub(crate) const DIV: u8 = 3;

#[cfg(target_arch = "x86_64")]
mod host {
    use core::arch::x86_64::{
        __m128, __m128d, _mm_add_pd, _mm_add_ps, _mm_cmpunord_pd, _mm_cmpunord_ps, _mm_div_pd,
        _mm_div_ps, _mm_movemask_pd, _mm_movemask_ps, _mm_mul_pd, _mm_mul_ps, _mm_sub_pd,
        _mm_sub_ps,
    };

    /// One width's function, `$name::<OP>(d, s)`: `d OP s` lane by lane in
    /// the host vector type `$v`, `None` if a result lane is a NaN.
    macro_rules! packed {
        ($name:ident, $lanes:literal, $v:ty, $add:ident, $sub:ident, $mul:ident, $div:ident,
         $unord:ident, $mask:ident) => {
            #[doc = concat!("`d OP s` on ", $lanes, " lanes, `None` if a result lane is a NaN.")]
            #[inline(always)]
            pub fn $name<const OP: u8>(d: u128, s: u128) -> Option<u128> {
                // SAFETY: `u128` and the vector type are both 16 plain bytes
                // (lane 0 lowest on this little-endian host), every bit
                // pattern valid for both; SSE2 is part of every x86_64
                // target's baseline features.
                unsafe {
                    let (a, b) = (
                        core::mem::transmute::<u128, $v>(d),
                        core::mem::transmute::<u128, $v>(s),
                    );
                    let r = match OP {
                        super::ADD => $add(a, b),
                        super::SUB => $sub(a, b),
                        super::MUL => $mul(a, b),
                        _ => $div(a, b),
                    };
                    if $mask($unord(r, r)) != 0 {
                        // Rare: the general path's NaN rules decide.
                        std::hint::cold_path();
                        return None;
                    }
                    Some(core::mem::transmute::<$v, u128>(r))
                }
            }
        };
    }

    packed!(
        pd,
        "two f64",
        __m128d,
        _mm_add_pd,
        _mm_sub_pd,
        _mm_mul_pd,
        _mm_div_pd,
        _mm_cmpunord_pd,
        _mm_movemask_pd
    );
    packed!(
        ps,
        "four f32",
        __m128,
        _mm_add_ps,
        _mm_sub_ps,
        _mm_mul_ps,
        _mm_div_ps,
        _mm_cmpunord_ps,
        _mm_movemask_ps
    );
}

/// The same through the portable lane-by-lane form.
mod portable {
    use super::super::fp::{double, single};
    use super::super::lanes::{from_u32s, from_u64s, u32s, u64s};

    fn op<
        T: std::ops::Add<Output = T>
            + std::ops::Sub<Output = T>
            + std::ops::Mul<Output = T>
            + std::ops::Div<Output = T>,
        const OP: u8,
    >(
        x: T,
        y: T,
    ) -> T {
        match OP {
            super::ADD => x + y,
            super::SUB => x - y,
            super::MUL => x * y,
            _ => x / y,
        }
    }

    // Only the tests call it on an x86-64 host.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    pub fn pd<const OP: u8>(d: u128, s: u128) -> Option<u128> {
        double::packed(u64s(d), u64s(s), op::<f64, OP>).map(from_u64s)
    }

    // Only the tests call it on an x86-64 host.
    #[cfg_attr(target_arch = "x86_64", allow(dead_code))]
    pub fn ps<const OP: u8>(d: u128, s: u128) -> Option<u128> {
        single::packed(u32s(d), u32s(s), op::<f32, OP>).map(from_u32s)
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) use host::{pd, ps};
#[cfg(not(target_arch = "x86_64"))]
pub(crate) use portable::{pd, ps};

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    /// Both forms on lanes drawn from special values (zeros, infinities,
    /// NaNs, denormals, extremes) and random bit patterns: the same
    /// results, and the same declines.
    #[test]
    fn host_packed_matches_the_portable_form() {
        let specials64: [u64; 10] = [
            0,
            1 << 63,
            0x7ff0_0000_0000_0000,
            0xfff0_0000_0000_0000,
            0x7ff8_0000_0000_0001,
            0x0000_0000_0000_0001,
            0x000f_ffff_ffff_ffff,
            0x7fef_ffff_ffff_ffff,
            0x3ff0_0000_0000_0000,
            0x0010_0000_0000_0000,
        ];
        let specials32: [u32; 8] = [
            0,
            1 << 31,
            0x7f80_0000,
            0xff80_0000,
            0x7fc0_0001,
            1,
            0x007f_ffff,
            0x7f7f_ffff,
        ];
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut lane64 = |r: u64| {
            if r.is_multiple_of(3) {
                specials64[(r >> 8) as usize % specials64.len()]
            } else {
                r.rotate_left(17) & !(0x3ff << 52) | ((r % 0x7ff) << 52)
            }
        };
        let mut declined = 0;
        for _ in 0..20_000 {
            let v = |f: &mut dyn FnMut(u64) -> u64, g: &mut dyn FnMut() -> u64| {
                f(g()) as u128 | (f(g()) as u128) << 64
            };
            let (d, s) = (v(&mut lane64, &mut next), v(&mut lane64, &mut next));
            let r = [
                (pd::<ADD>(d, s), portable::pd::<ADD>(d, s)),
                (pd::<SUB>(d, s), portable::pd::<SUB>(d, s)),
                (pd::<MUL>(d, s), portable::pd::<MUL>(d, s)),
                (pd::<DIV>(d, s), portable::pd::<DIV>(d, s)),
            ];
            for (host, port) in r {
                assert_eq!(host, port, "{d:#034x} {s:#034x}");
                declined += host.is_none() as u32;
            }
            let lane32 = |r: u64| -> u128 {
                (0..4).fold(0u128, |acc, i| {
                    let b = (r >> (i * 16)) as u32;
                    let l = if b.is_multiple_of(3) {
                        specials32[(b >> 4) as usize % specials32.len()]
                    } else {
                        b.rotate_left(7) ^ (b << 23)
                    };
                    acc | (l as u128) << (32 * i)
                })
            };
            let (d, s) = (lane32(next()), lane32(next()));
            for (host, port) in [
                (ps::<ADD>(d, s), portable::ps::<ADD>(d, s)),
                (ps::<SUB>(d, s), portable::ps::<SUB>(d, s)),
                (ps::<MUL>(d, s), portable::ps::<MUL>(d, s)),
                (ps::<DIV>(d, s), portable::ps::<DIV>(d, s)),
            ] {
                assert_eq!(host, port, "{d:#034x} {s:#034x}");
            }
        }
        assert!(declined > 0, "some NaN results must occur");
    }
}
