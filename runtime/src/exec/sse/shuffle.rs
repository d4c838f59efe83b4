//! Lane rearrangement: shuffles, unpacks (interleaves), blends, byte
//! alignment, and element insert/extract between XMM and GPR/memory.

use super::lanes::*;
use super::operand::{binary, imm8, read, write, xmm};
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

/// Interleave the low (`high == false`) or high halves of `d` and `s`, lane by lane.
fn interleave<T: Copy, const N: usize>(
    d: u128,
    s: u128,
    high: bool,
    split: fn(u128) -> [T; N],
    join: fn([T; N]) -> u128,
) -> u128 {
    let (a, b) = (split(d), split(s));
    let base = if high { N / 2 } else { 0 };
    join(core::array::from_fn(|i| {
        if i % 2 == 0 {
            a[base + i / 2]
        } else {
            b[base + i / 2]
        }
    }))
}

/// Take lane `i` from `s` where `pick(i)`, else from `d`.
fn select<T: Copy, const N: usize>(
    d: u128,
    s: u128,
    split: fn(u128) -> [T; N],
    join: fn([T; N]) -> u128,
    pick: impl Fn(usize) -> bool,
) -> u128 {
    let (a, b) = (split(d), split(s));
    join(core::array::from_fn(|i| if pick(i) { b[i] } else { a[i] }))
}

/// The lane function `dest = f(dest, src)` of the rearrangements without an
/// immediate (unpacks and PSHUFB), handed to a [`LaneVisit`]or (shared with
/// the translated handlers of `exec::fast`).
pub(crate) fn visit_shuffle_op<V: LaneVisit>(op: Op, v: V) -> Option<V::Out> {
    use Op::*;
    Some(match op {
        Unpcklps | Punpckldq => v.visit(|d, s| interleave(d, s, false, u32s, from_u32s)),
        Unpckhps | Punpckhdq => v.visit(|d, s| interleave(d, s, true, u32s, from_u32s)),
        Unpcklpd | Punpcklqdq => v.visit(|d, s| interleave(d, s, false, u64s, from_u64s)),
        Unpckhpd | Punpckhqdq => v.visit(|d, s| interleave(d, s, true, u64s, from_u64s)),
        Punpcklbw => v.visit(|d, s| interleave(d, s, false, u8s, from_u8s)),
        Punpckhbw => v.visit(|d, s| interleave(d, s, true, u8s, from_u8s)),
        Punpcklwd => v.visit(|d, s| interleave(d, s, false, u16s, from_u16s)),
        Punpckhwd => v.visit(|d, s| interleave(d, s, true, u16s, from_u16s)),
        Pshufb => v.visit(|d, s| {
            let (a, b) = (u8s(d), u8s(s));
            from_u8s(core::array::from_fn(|i| {
                if b[i] & 0x80 != 0 {
                    0
                } else {
                    a[(b[i] & 15) as usize]
                }
            }))
        }),
        _ => return None,
    })
}

/// The rearrangements chosen by an immediate that have a translated
/// handler (`exec::fast::sse::imm_shuffle`), as its constant parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum ImmShuffle {
    Pshufd,
    Pshuflw,
    Pshufhw,
    Shufps,
    Shufpd,
}

impl ImmShuffle {
    pub(crate) fn of(op: Op) -> Option<ImmShuffle> {
        Some(match op {
            Op::Pshufd => ImmShuffle::Pshufd,
            Op::Pshuflw => ImmShuffle::Pshuflw,
            Op::Pshufhw => ImmShuffle::Pshufhw,
            Op::Shufps => ImmShuffle::Shufps,
            Op::Shufpd => ImmShuffle::Shufpd,
            _ => return None,
        })
    }
}

/// `dest = K(dest, src, imm)` for the [`ImmShuffle`] numbered `K` (one
/// body for the general path and the translated handlers).
#[inline(always)]
pub(crate) fn imm_shuffle<const K: u8>(d: u128, s: u128, imm: u8) -> u128 {
    let k = |j: usize| (imm >> (2 * j) & 3) as usize;
    if K == ImmShuffle::Pshufd as u8 {
        let b = u32s(s);
        from_u32s([b[k(0)], b[k(1)], b[k(2)], b[k(3)]])
    } else if K == ImmShuffle::Pshuflw as u8 {
        let b = u16s(s);
        from_u16s([b[k(0)], b[k(1)], b[k(2)], b[k(3)], b[4], b[5], b[6], b[7]])
    } else if K == ImmShuffle::Pshufhw as u8 {
        let b = u16s(s);
        let h = |j: usize| 4 + k(j);
        from_u16s([b[0], b[1], b[2], b[3], b[h(0)], b[h(1)], b[h(2)], b[h(3)]])
    } else if K == ImmShuffle::Shufps as u8 {
        let (a, b) = (u32s(d), u32s(s));
        from_u32s([a[k(0)], a[k(1)], b[k(2)], b[k(3)]])
    } else {
        let (a, b) = (u64s(d), u64s(s));
        from_u64s([a[(imm & 1) as usize], b[(imm >> 1 & 1) as usize]])
    }
}

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    use Op::*;
    if let Some(f) = visit_shuffle_op(insn.op, AsPointer) {
        return binary(cpu, mem, insn, f);
    }
    let imm = imm8(insn);
    let x0 = cpu.xmm[0];
    match insn.op {
        Shufps => binary(cpu, mem, insn, |d, s| {
            imm_shuffle::<{ ImmShuffle::Shufps as u8 }>(d, s, imm)
        }),
        Shufpd => binary(cpu, mem, insn, |d, s| {
            imm_shuffle::<{ ImmShuffle::Shufpd as u8 }>(d, s, imm)
        }),
        Blendps => binary(cpu, mem, insn, |d, s| {
            select(d, s, u32s, from_u32s, |i| imm >> i & 1 != 0)
        }),
        Blendpd => binary(cpu, mem, insn, |d, s| {
            select(d, s, u64s, from_u64s, |i| imm >> i & 1 != 0)
        }),
        Pblendw => binary(cpu, mem, insn, |d, s| {
            select(d, s, u16s, from_u16s, |i| imm >> i & 1 != 0)
        }),
        // Variable blends: the sign bit of each lane of the implicit XMM0 picks the source.
        Blendvps => binary(cpu, mem, insn, |d, s| {
            select(d, s, u32s, from_u32s, |i| u32s(x0)[i] >> 31 != 0)
        }),
        Blendvpd => binary(cpu, mem, insn, |d, s| {
            select(d, s, u64s, from_u64s, |i| u64s(x0)[i] >> 63 != 0)
        }),
        Pblendvb => binary(cpu, mem, insn, |d, s| {
            select(d, s, u8s, from_u8s, |i| u8s(x0)[i] >> 7 != 0)
        }),
        Pshufd => binary(cpu, mem, insn, |d, s| {
            imm_shuffle::<{ ImmShuffle::Pshufd as u8 }>(d, s, imm)
        }),
        Pshuflw => binary(cpu, mem, insn, |d, s| {
            imm_shuffle::<{ ImmShuffle::Pshuflw as u8 }>(d, s, imm)
        }),
        Pshufhw => binary(cpu, mem, insn, |d, s| {
            imm_shuffle::<{ ImmShuffle::Pshufhw as u8 }>(d, s, imm)
        }),
        // Bytes imm.. of the 32-byte concatenation dest:src (dest high), zero past the end.
        Palignr => binary(cpu, mem, insn, |d, s| {
            let (a, b) = (u8s(d), u8s(s));
            from_u8s(core::array::from_fn(|i| {
                let k = i + imm as usize;
                if k < 16 {
                    b[k]
                } else if k < 32 {
                    a[k - 16]
                } else {
                    0
                }
            }))
        }),
        Insertps => {
            let d = xmm(insn, 0)?;
            let s = read(cpu, mem, insn, 1)?;
            // A memory source is the 32-bit value itself; a register source picks lane imm[7:6].
            let v = if super::operand::is_mem(insn, 1) {
                s as u32
            } else {
                u32s(s)[(imm >> 6) as usize]
            };
            let mut l = u32s(cpu.xmm[d]);
            l[(imm >> 4 & 3) as usize] = v;
            for (i, x) in l.iter_mut().enumerate() {
                if imm >> i & 1 != 0 {
                    *x = 0;
                }
            }
            cpu.xmm[d] = from_u32s(l);
            Ok(())
        }
        Extractps | Pextrd => {
            let v = u32s(cpu.xmm[xmm(insn, 1)?])[(imm & 3) as usize];
            write(cpu, mem, insn, 0, v as u128)
        }
        Pextrb => {
            let v = u8s(cpu.xmm[xmm(insn, 1)?])[(imm & 15) as usize];
            write(cpu, mem, insn, 0, v as u128)
        }
        Pextrw => {
            let v = u16s(cpu.xmm[xmm(insn, 1)?])[(imm & 7) as usize];
            write(cpu, mem, insn, 0, v as u128)
        }
        Pextrq => {
            let v = u64s(cpu.xmm[xmm(insn, 1)?])[(imm & 1) as usize];
            write(cpu, mem, insn, 0, v as u128)
        }
        Pinsrb => binary(cpu, mem, insn, |d, s| {
            let mut l = u8s(d);
            l[(imm & 15) as usize] = s as u8;
            from_u8s(l)
        }),
        Pinsrw => binary(cpu, mem, insn, |d, s| {
            let mut l = u16s(d);
            l[(imm & 7) as usize] = s as u16;
            from_u16s(l)
        }),
        Pinsrd => binary(cpu, mem, insn, |d, s| {
            let mut l = u32s(d);
            l[(imm & 3) as usize] = s as u32;
            from_u32s(l)
        }),
        Pinsrq => binary(cpu, mem, insn, |d, s| {
            let mut l = u64s(d);
            l[(imm & 1) as usize] = s as u64;
            from_u64s(l)
        }),
        op => Err(Fault::NotImplemented(op.name())),
    }
}
