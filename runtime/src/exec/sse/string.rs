//! SSE4.2 packed string compares: PCMPESTRI/PCMPESTRM (explicit lengths in
//! RAX/RDX, 64-bit with REX.W) and PCMPISTRI/PCMPISTRM (implicit lengths: up to
//! the first zero element). imm8 selects the element format (bits 1:0), the
//! aggregation (3:2: equal any, ranges, equal each, equal ordered), the
//! polarity (5:4) and the output form (6: most-significant index / expanded mask).

use super::lanes::*;
use super::operand::{imm8, read, xmm};
use crate::cpu::{reg, Cpu};
use crate::fault::Fault;
use crate::flags::{AF, CF, OF, PF, SF, ZF};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

/// Elements of `v` as i32 under the format bits of imm8.
fn elements(v: u128, words: bool, signed: bool) -> [i32; 16] {
    let mut e = [0i32; 16];
    if words {
        for (i, w) in u16s(v).iter().enumerate() {
            e[i] = if signed { *w as i16 as i32 } else { *w as i32 };
        }
    } else {
        for (i, b) in u8s(v).iter().enumerate() {
            e[i] = if signed { *b as i8 as i32 } else { *b as i32 };
        }
    }
    e
}

/// Explicit length: absolute value of the register, saturated to the element count.
fn explicit_len(v: u64, wide: bool, ub: usize) -> usize {
    let abs = if wide {
        (v as i64).unsigned_abs()
    } else {
        (v as u32 as i32).unsigned_abs() as u64
    };
    abs.min(ub as u64) as usize
}

/// Implicit length: index of the first zero element.
fn implicit_len(e: &[i32; 16], ub: usize) -> usize {
    e[..ub].iter().position(|&x| x == 0).unwrap_or(ub)
}

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    let imm = imm8(insn);
    let a_val = cpu.xmm[xmm(insn, 0)?];
    let b_val = read(cpu, mem, insn, 1)?;
    let (words, signed) = (imm & 1 != 0, imm & 2 != 0);
    let ub = if words { 8 } else { 16 };
    let (a, b) = (
        elements(a_val, words, signed),
        elements(b_val, words, signed),
    );
    let explicit = matches!(insn.op, Op::Pcmpestri | Op::Pcmpestrm);
    let (la, lb) = if explicit {
        let wide = insn.osize == 8;
        (
            explicit_len(cpu.gpr[reg::RAX as usize], wide, ub),
            explicit_len(cpu.gpr[reg::RDX as usize], wide, ub),
        )
    } else {
        (implicit_len(&a, ub), implicit_len(&b, ub))
    };

    let agg = (imm >> 2) & 3;
    let full = (1u32 << ub) - 1;
    let valid_b = (1u32 << lb) - 1;
    // rows[j] bit i = BoolRes[j][i]: element j of the first operand against
    // element i of the second, with the SDM's overrides where either element
    // lies past its string's end.
    let mut rows = [0u32; 16];
    for (j, row) in rows.iter_mut().enumerate().take(ub) {
        *row = if j < la {
            let mut bits = 0u32;
            for (i, &bi) in b[..lb].iter().enumerate() {
                let hit = match agg {
                    1 if j % 2 == 0 => bi >= a[j],
                    1 => bi <= a[j],
                    _ => a[j] == bi,
                };
                bits |= (hit as u32) << i;
            }
            bits
        } else {
            (if agg == 3 { valid_b } else { 0 }) | (if agg >= 2 { full & !valid_b } else { 0 })
        };
    }
    let res1 = match agg {
        // Equal any: element i matches any element of the set.
        0 => rows[..ub].iter().fold(0, |acc, r| acc | r),
        // Ranges: element i lies in any [even, odd] pair.
        1 => rows[..ub].chunks(2).fold(0, |acc, p| acc | (p[0] & p[1])),
        // Equal each: the diagonal.
        2 => (0..ub).fold(0, |acc, i| acc | (rows[i] & (1 << i))),
        // Equal ordered: the needle matches starting at i (running off the end counts as a match).
        _ => (0..ub).fold(full, |acc, k| {
            acc & ((rows[k] >> k) | (full & !(full >> k)))
        }),
    };
    let res2 = match (imm >> 4) & 3 {
        1 => !res1 & full,
        3 => res1 ^ ((1u32 << lb) - 1),
        _ => res1,
    };

    match insn.op {
        Op::Pcmpestri | Op::Pcmpistri => {
            let idx = if res2 == 0 {
                ub as u32
            } else if imm & 0x40 != 0 {
                31 - res2.leading_zeros()
            } else {
                res2.trailing_zeros()
            };
            cpu.write_gpr(reg::RCX, 4, idx as u64);
        }
        _ => {
            cpu.xmm[0] = if imm & 0x40 == 0 {
                res2 as u128
            } else if words {
                from_u16s(core::array::from_fn(|i| {
                    if res2 >> i & 1 != 0 {
                        u16::MAX
                    } else {
                        0
                    }
                }))
            } else {
                from_u8s(core::array::from_fn(|i| {
                    if res2 >> i & 1 != 0 {
                        u8::MAX
                    } else {
                        0
                    }
                }))
            };
        }
    }
    let mut f = cpu.flags.get() & !(ZF | PF | CF | OF | SF | AF);
    if res2 != 0 {
        f |= CF;
    }
    if lb < ub {
        f |= ZF;
    }
    if la < ub {
        f |= SF;
    }
    if res2 & 1 != 0 {
        f |= OF;
    }
    cpu.flags.set(f);
    Ok(())
}
