//! BMI1 (andn, bextr, blsi, blsmsk, blsr) and BMI2 (bzhi, mulx, pdep, pext,
//! rorx, sarx, shlx, shrx). All are VEX-encoded with 32- or 64-bit operands;
//! operands follow Intel order (e.g. `andn dest, vvvv, r/m`,
//! `bextr dest, r/m, vvvv`, `mulx hi, lo, r/m`).

use super::mask;
use super::{loc, src, write};
use crate::cpu::{reg, Cpu};
use crate::exec::Step;
use crate::fault::Fault;
use crate::flags::{szp, AF, CF, PF, SF, ZF};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

/// Set the status flags: those of ZF/SF/PF named in `which` from `res` (the
/// others 0), CF as given, OF = 0, AF = 0. Where the SDM leaves AF, PF or SF
/// undefined these are the values AMD CPUs produce (docs/SEMANTICS.md).
#[inline(always)]
fn flags(cpu: &mut Cpu, size: u8, res: u64, cf: bool, which: u64) {
    let v = (szp(res, size) & which) | if cf { CF } else { 0 };
    cpu.flags.set_status(v);
}

#[inline(never)]
pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let bits = size as u32 * 8;
    let m = mask(size);
    let a = src(cpu, mem, insn, insn.ops[1], size)?;
    let b = src(cpu, mem, insn, insn.ops[2], size)?;
    let r = match insn.op {
        Op::Andn => {
            let r = !a & b & m;
            flags(cpu, size, r, false, ZF | SF | PF);
            r
        }
        Op::Bextr => {
            let start = (b & 0xff) as u32;
            let len = ((b >> 8) & 0xff) as u32;
            let shifted = if start < bits { a >> start } else { 0 };
            let r = if len < bits {
                shifted & ((1u64 << len) - 1)
            } else {
                shifted
            };
            flags(cpu, size, r, false, ZF | PF);
            // AF (undefined) is set, as AMD CPUs do.
            cpu.flags.update(AF, AF);
            r
        }
        Op::Blsi => {
            // blsi dest, r/m: ops[1] is the source.
            let r = a & a.wrapping_neg() & m;
            flags(cpu, size, r, a != 0, ZF | SF | PF);
            r
        }
        Op::Blsmsk => {
            let r = (a ^ a.wrapping_sub(1)) & m;
            flags(cpu, size, r, a == 0, SF | PF);
            r
        }
        Op::Blsr => {
            let r = a & a.wrapping_sub(1) & m;
            flags(cpu, size, r, a == 0, ZF | SF | PF);
            r
        }
        Op::Bzhi => {
            let n = (b & 0xff) as u32;
            let r = if n < bits { a & ((1u64 << n) - 1) } else { a };
            flags(cpu, size, r, n > bits - 1, ZF | SF | PF);
            r
        }
        Op::Mulx => {
            // mulx hi, lo, r/m: rdx * r/m; lo is written first so hi wins when
            // both name the same register. Flags are not affected.
            let lo_dest = loc(cpu, insn, insn.ops[1])?;
            let p = cpu.read_gpr(reg::RDX, size) as u128 * b as u128;
            write(cpu, mem, lo_dest, p as u64 & m)?;
            (p >> bits) as u64 & m
        }
        Op::Pdep => pdep(a, b),
        Op::Pext => pext(a, b),
        Op::Rorx => {
            let c = (b & (bits as u64 - 1)) as u32;
            if c == 0 {
                a
            } else {
                ((a >> c) | (a << (bits - c))) & m
            }
        }
        Op::Sarx => ((super::sext(a, size) as i64) >> (b & (bits as u64 - 1))) as u64 & m,
        Op::Shlx => (a << (b & (bits as u64 - 1))) & m,
        _ => a >> (b & (bits as u64 - 1)),
    };
    write(cpu, mem, d, r)?;
    Ok(Step::Next)
}

/// Scatter the low bits of `src` to the set positions of `msk`.
#[inline]
fn pdep(src: u64, msk: u64) -> u64 {
    let mut out = 0;
    let mut m = msk;
    let mut k = 0;
    while m != 0 {
        let low = m & m.wrapping_neg();
        if (src >> k) & 1 != 0 {
            out |= low;
        }
        k += 1;
        m &= m - 1;
    }
    out
}

/// Gather the bits of `src` at the set positions of `msk` into the low bits.
#[inline]
fn pext(src: u64, msk: u64) -> u64 {
    let mut out = 0;
    let mut m = msk;
    let mut k = 0;
    while m != 0 {
        let low = m & m.wrapping_neg();
        if src & low != 0 {
            out |= 1 << k;
        }
        k += 1;
        m &= m - 1;
    }
    out
}
