//! Narrowing packs with saturation and widening sign/zero extensions.

use super::lanes::*;
use super::operand::binary;
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

/// The lane function `dest = f(dest, src)` of the narrowing packs, handed
/// to a [`LaneVisit`]or (shared with the translated handlers of
/// `exec::fast`). Destination lanes fill the low half of the result, source
/// lanes the high half.
pub(crate) fn visit_pack_op<V: LaneVisit>(op: Op, v: V) -> Option<V::Out> {
    use Op::*;
    Some(match op {
        Packsswb => v.visit(host::packsswb),
        Packuswb => v.visit(host::packuswb),
        Packssdw => v.visit(host::packssdw),
        Packusdw => v.visit(packusdw),
        _ => return None,
    })
}

/// The packs in portable Rust: the definition, and what non-x86 hosts run.
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
mod portable {
    use super::*;

    pub fn packsswb(d: u128, s: u128) -> u128 {
        let sat = |x: i16| x.clamp(i8::MIN as i16, i8::MAX as i16) as u8;
        from_u8s(narrow(i16s(d), i16s(s), sat))
    }
    pub fn packuswb(d: u128, s: u128) -> u128 {
        from_u8s(narrow(i16s(d), i16s(s), |x| x.clamp(0, 255) as u8))
    }
    pub fn packssdw(d: u128, s: u128) -> u128 {
        let sat = |x: i32| x.clamp(i16::MIN as i32, i16::MAX as i32) as u16;
        from_u16s(narrow(i32s(d), i32s(s), sat))
    }
}

/// PACKUSDW (SSE4.1, so not in the x86-64 baseline): portable everywhere.
fn packusdw(d: u128, s: u128) -> u128 {
    from_u16s(narrow(i32s(d), i32s(s), |x| x.clamp(0, 65535) as u16))
}

/// The baseline (SSE2) packs on an x86-64 host: its own instruction, one
/// host instruction instead of some hundred for the portable lane loop,
/// which compilers do not turn back into a pack. Integer saturation has no
/// host-dependent cases; `portable_packs_match_the_host` checks the two
/// forms against each other.
#[cfg(target_arch = "x86_64")]
mod host {
    use core::arch::x86_64::{__m128i, _mm_packs_epi16, _mm_packs_epi32, _mm_packus_epi16};

    /// An XMM value as the host's vector type (both are 16 plain bytes,
    /// lane 0 lowest on this little-endian host).
    #[inline(always)]
    fn v(x: u128) -> __m128i {
        // SAFETY: same size, and every bit pattern is valid for both.
        unsafe { core::mem::transmute::<u128, __m128i>(x) }
    }
    #[inline(always)]
    fn u(x: __m128i) -> u128 {
        // SAFETY: as in `v`.
        unsafe { core::mem::transmute::<__m128i, u128>(x) }
    }
    #[inline(always)]
    pub fn packsswb(d: u128, s: u128) -> u128 {
        // SAFETY: SSE2 is part of every x86_64 target's baseline features.
        u(unsafe { _mm_packs_epi16(v(d), v(s)) })
    }
    #[inline(always)]
    pub fn packuswb(d: u128, s: u128) -> u128 {
        // SAFETY: as in `packsswb`.
        u(unsafe { _mm_packus_epi16(v(d), v(s)) })
    }
    #[inline(always)]
    pub fn packssdw(d: u128, s: u128) -> u128 {
        // SAFETY: as in `packsswb`.
        u(unsafe { _mm_packs_epi32(v(d), v(s)) })
    }
}

#[cfg(not(target_arch = "x86_64"))]
use portable as host;

/// The `N` lanes of `a`, then those of `b`, each narrowed by `f`, as `2N`
/// lanes. Written as two straight loops (no per-lane choice between the
/// halves) so that the compiler turns it into a few vector instructions.
#[inline(always)]
fn narrow<T: Copy, U: Copy + Default, const N: usize, const M: usize>(
    a: [T; N],
    b: [T; N],
    f: impl Fn(T) -> U,
) -> [U; M] {
    const { assert!(M == 2 * N) };
    let mut out = [U::default(); M];
    for i in 0..N {
        out[i] = f(a[i]);
        out[N + i] = f(b[i]);
    }
    out
}

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    use Op::*;
    if let Some(f) = visit_pack_op(insn.op, AsPointer) {
        return binary(cpu, mem, insn, f);
    }
    let op = insn.op;
    binary(cpu, mem, insn, |_, s| match op {
        // Widen the low lanes of the source (a memory source is only as wide as needed).
        Pmovsxbw => from_i16s(core::array::from_fn(|i| i8s(s)[i] as i16)),
        Pmovsxbd => from_i32s(core::array::from_fn(|i| i8s(s)[i] as i32)),
        Pmovsxbq => from_i64s(core::array::from_fn(|i| i8s(s)[i] as i64)),
        Pmovsxwd => from_i32s(core::array::from_fn(|i| i16s(s)[i] as i32)),
        Pmovsxwq => from_i64s(core::array::from_fn(|i| i16s(s)[i] as i64)),
        Pmovsxdq => from_i64s(core::array::from_fn(|i| i32s(s)[i] as i64)),
        Pmovzxbw => from_u16s(core::array::from_fn(|i| u8s(s)[i] as u16)),
        Pmovzxbd => from_u32s(core::array::from_fn(|i| u8s(s)[i] as u32)),
        Pmovzxbq => from_u64s(core::array::from_fn(|i| u8s(s)[i] as u64)),
        Pmovzxwd => from_u32s(core::array::from_fn(|i| u16s(s)[i] as u32)),
        Pmovzxwq => from_u64s(core::array::from_fn(|i| u16s(s)[i] as u64)),
        _ => from_u64s(core::array::from_fn(|i| u32s(s)[i] as u64)),
    })
}

#[cfg(all(test, target_arch = "x86_64"))]
mod tests {
    use super::*;

    #[test]
    fn portable_packs_match_the_host() {
        // Edge lanes (0, ±1, the saturation bounds and one past them, the
        // extremes) in every position, then pseudo-random values.
        let edges: [u16; 12] = [
            0, 1, 0xffff, 0x7f, 0x80, 0xff, 0x100, 0xff80, 0xff7f, 0x7fff, 0x8000, 0x8001,
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let mut values: Vec<u128> = Vec::new();
        for k in 0..edges.len() {
            let lanes: [u16; 8] = core::array::from_fn(|i| edges[(k + i) % edges.len()]);
            values.push(from_u16s(lanes));
            let wide: [u32; 4] = core::array::from_fn(|i| {
                (edges[(k + i) % edges.len()] as u32) << 16
                    | edges[(k + 2 * i) % edges.len()] as u32
            });
            values.push(from_u32s(wide));
        }
        for _ in 0..2000 {
            values.push((next() as u128) << 64 | next() as u128);
        }
        for (i, &d) in values.iter().enumerate() {
            let s = values[(i * 7 + 3) % values.len()];
            assert_eq!(
                portable::packsswb(d, s),
                host::packsswb(d, s),
                "packsswb {d:#x} {s:#x}"
            );
            assert_eq!(
                portable::packuswb(d, s),
                host::packuswb(d, s),
                "packuswb {d:#x} {s:#x}"
            );
            assert_eq!(
                portable::packssdw(d, s),
                host::packssdw(d, s),
                "packssdw {d:#x} {s:#x}"
            );
        }
    }
}
