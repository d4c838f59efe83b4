//! Deterministic random inputs biased toward the values where SSE semantics
//! are subtle: signed zeros, infinities, quiet and signalling NaNs with random
//! payloads, denormals, halfway cases for rounding, integer-conversion
//! boundaries, saturation boundaries and short zero-terminated strings.

pub use crate::rng::Rng;

/// A single-precision bit pattern from a special-value-heavy distribution.
pub fn f32_bits(r: &mut Rng) -> u32 {
    let sign = (r.below(2) as u32) << 31;
    let frac = r.next() as u32 & 0x7f_ffff;
    match r.below(22) {
        // Tiny normals: products and quotients underflow into denormals and round there.
        20 | 21 => sign | ((1 + r.below(24) as u32) << 23) | frac,
        0 => sign,
        1 => sign | 0x7f80_0000,
        2 => sign | 0x7fc0_0000 | (frac & 0x3f_ffff),
        3 => sign | 0x7f80_0000 | (frac & 0x3f_ffff).max(1),
        4 => 0xffc0_0000,
        5 => sign | frac,
        6 => sign | 0x0080_0000 | frac,
        7 => sign | 0x7f7f_ffff,
        // Around 2^31 and 2^63 (conversion limits), a few ulps either side.
        8 => {
            sign | (0x4f00_0000u32)
                .wrapping_add(r.below(5) as u32)
                .wrapping_sub(2)
        }
        9 => {
            sign | (0x5f00_0000u32)
                .wrapping_add(r.below(5) as u32)
                .wrapping_sub(2)
        }
        // Halfway and near-integer values (rounding modes).
        10 | 11 => {
            ((r.below(64) as f32 - 32.0) * 0.5 + if r.chance(30) { 0.25 } else { 0.0 }).to_bits()
        }
        // Same binade, so sums and differences round.
        12..=15 => sign | ((124 + r.below(8) as u32) << 23) | frac,
        _ => sign | ((r.below(254) as u32 + 1) << 23) | frac,
    }
}

/// A double-precision bit pattern from a special-value-heavy distribution.
pub fn f64_bits(r: &mut Rng) -> u64 {
    let sign = r.below(2) << 63;
    let frac = r.next() & 0xf_ffff_ffff_ffff;
    match r.below(22) {
        20 | 21 => sign | ((1 + r.below(60)) << 52) | frac,
        0 => sign,
        1 => sign | 0x7ff0_0000_0000_0000,
        2 => sign | 0x7ff8_0000_0000_0000 | (frac & 0x7_ffff_ffff_ffff),
        3 => sign | 0x7ff0_0000_0000_0000 | (frac & 0x7_ffff_ffff_ffff).max(1),
        4 => 0xfff8_0000_0000_0000,
        5 => sign | frac,
        6 => sign | 0x0010_0000_0000_0000 | frac,
        7 => sign | 0x7fef_ffff_ffff_ffff,
        8 => {
            sign | (0x41e0_0000_0000_0000u64)
                .wrapping_add(r.below(2049))
                .wrapping_sub(1024)
        }
        9 => {
            sign | (0x43e0_0000_0000_0000u64)
                .wrapping_add(r.below(5))
                .wrapping_sub(2)
        }
        10 | 11 => {
            ((r.below(64) as f64 - 32.0) * 0.5 + if r.chance(30) { 0.25 } else { 0.0 }).to_bits()
        }
        // Doubles that are exactly representable or halfway in single precision.
        12 => (f32::from_bits(f32_bits(r)) as f64).to_bits() ^ (r.below(2) << 28),
        13..=15 => sign | ((1020 + r.below(8)) << 52) | frac,
        _ => sign | ((r.below(2046) + 1) << 52) | frac,
    }
}

/// A 128-bit XMM value of a randomly chosen flavour.
pub fn xmm(r: &mut Rng) -> u128 {
    match r.below(7) {
        0 | 1 => {
            let l: [u32; 4] = core::array::from_fn(|_| f32_bits(r));
            l.iter().rev().fold(0u128, |a, &x| (a << 32) | x as u128)
        }
        2 | 3 => (f64_bits(r) as u128) | ((f64_bits(r) as u128) << 64),
        4 => (r.next() as u128) | ((r.next() as u128) << 64),
        // Short strings over a tiny alphabet with zeros: string compares, equal lanes.
        5 => {
            let b: [u8; 16] = core::array::from_fn(|_| match r.below(8) {
                0 => 0,
                k => b'a' + (k as u8 % 4),
            });
            u128::from_le_bytes(b)
        }
        // Integer boundaries in every lane width.
        _ => {
            let b: [u8; 16] =
                core::array::from_fn(|_| [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe][r.below(6) as usize]);
            u128::from_le_bytes(b)
        }
    }
}

/// A general register value: boundaries, small signed numbers or random bits.
pub fn gpr(r: &mut Rng) -> u64 {
    match r.below(6) {
        0 => [
            0,
            1,
            u64::MAX,
            1 << 63,
            (1 << 63) - 1,
            0x8000_0000,
            0x7fff_ffff,
            0xffff_ffff,
        ][r.below(8) as usize],
        1 | 2 => (r.below(41) as i64 - 20) as u64,
        3 => r.next() & 0xffff_ffff,
        _ => r.next(),
    }
}
