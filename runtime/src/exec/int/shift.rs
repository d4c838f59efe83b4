//! Shifts and rotates (shl/sal, shr, sar, rol, ror, rcl, rcr, shld, shrd).
//!
//! The count is masked to 5 bits (6 for 64-bit operands). A masked count of 0
//! changes no flag. Flags defined by the SDM are computed exactly; the values
//! chosen for the "undefined" ones (OF for counts > 1, AF, CF when an 8/16-bit
//! shl/shr count exceeds the width, results of 16-bit shld/shrd with counts
//! above 16) are documented in docs/SEMANTICS.md.

use super::mask;
use super::{loc, msb, read, src, write};
use crate::cpu::Cpu;
use crate::exec::Step;
use crate::fault::Fault;
use crate::flags::{szp, Flags, ShiftKind, AF, CF, OF};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

#[inline(always)]
pub(crate) fn count_mask(size: u8) -> u64 {
    if size == 8 {
        63
    } else {
        31
    }
}

/// CF/OF bits.
#[inline(always)]
fn co(cf: bool, of: bool) -> u64 {
    (if cf { CF } else { 0 }) | (if of { OF } else { 0 })
}

#[inline(never)]
pub(super) fn shift(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let cnt = (src(cpu, mem, insn, insn.ops[1], 1)? & count_mask(size)) as u32;
    let v = read(cpu, mem, d)?;
    if cnt == 0 {
        // No flag changes; the destination is still written (a 32-bit register
        // destination is zero-extended), as on hardware.
        write(cpu, mem, d, v)?;
        return Ok(Step::Next);
    }
    let Some(res) = apply(insn.op, &mut cpu.flags, size, v, cnt) else {
        return Err(Fault::NotImplemented(insn.op.name()));
    };
    write(cpu, mem, d, res)?;
    Ok(Step::Next)
}

/// The result of shift/rotate `op` of `v` (at `size` bytes) by the masked,
/// non-zero count `cnt`, recording its flags. `None` for an `op` that is not
/// a one-operand shift or rotate. Shared by the general path above and the
/// translated handlers of `exec::fast`.
#[inline(always)]
pub(crate) fn apply(op: Op, f: &mut Flags, size: u8, v: u64, cnt: u32) -> Option<u64> {
    let bits = size as u32 * 8;
    let m = mask(size);
    let res = match op {
        Op::Shl | Op::Sal => {
            let r = if cnt < bits { (v << cnt) & m } else { 0 };
            // CF = last bit out (none past the width), OF = MSB(r) ^ CF, AF = 1.
            f.set_shift(ShiftKind::Shl, size, v, cnt, r);
            r
        }
        Op::Shr => {
            let r = if cnt < bits { v >> cnt } else { 0 };
            // CF = last bit out; OF = MSB(v) for a count of 1, else (AMD) the
            // top two result bits differ; AF = 1.
            f.set_shift(ShiftKind::Shr, size, v, cnt, r);
            r
        }
        Op::Sar => {
            let sv = super::sext(v, size) as i64;
            let r = (sv >> cnt.min(63)) as u64 & m;
            // CF = last bit out, OF = 0, AF = 1.
            f.set_shift(ShiftKind::Sar, size, v, cnt, r);
            r
        }
        Op::Rol => {
            let rc = cnt % bits;
            // 32/64-bit rotates are the host's (one instruction once the
            // size is a constant); 8/16-bit ones are composed.
            let r = match size {
                8 => v.rotate_left(rc),
                4 => (v as u32).rotate_left(rc) as u64,
                _ if rc == 0 => v,
                _ => ((v << rc) | (v >> (bits - rc))) & m,
            };
            let cf = r & 1 != 0;
            f.update(CF | OF, co(cf, msb(r, size) ^ cf));
            r
        }
        Op::Ror => {
            let rc = cnt % bits;
            let r = match size {
                8 => v.rotate_right(rc),
                4 => (v as u32).rotate_right(rc) as u64,
                _ if rc == 0 => v,
                _ => ((v >> rc) | (v << (bits - rc))) & m,
            };
            let cf = msb(r, size);
            f.update(CF | OF, co(cf, cf ^ ((r >> (bits - 2)) & 1 != 0)));
            r
        }
        Op::Rcl | Op::Rcr => {
            // Rotate through carry: a (bits + 1)-bit rotation of CF:value.
            let rc = if size <= 2 { cnt % (bits + 1) } else { cnt };
            let c = f.cf();
            // 8/16-bit counts that are multiples of width + 1 leave the value
            // and CF alone but still set OF from them (as AMD CPUs do).
            let (r, cf) = if rc == 0 {
                (v, c)
            } else {
                let w = bits + 1;
                let wm = (1u128 << w) - 1;
                let x = (c as u128) << bits | v as u128;
                let y = if op == Op::Rcl {
                    ((x << rc) | (x >> (w - rc))) & wm
                } else {
                    ((x >> rc) | (x << (w - rc))) & wm
                };
                (y as u64 & m, (y >> bits) & 1 != 0)
            };
            let of = if op == Op::Rcl {
                msb(r, size) ^ cf
            } else {
                msb(r, size) ^ ((r >> (bits - 2)) & 1 != 0)
            };
            f.update(CF | OF, co(cf, of));
            r
        }
        _ => return None,
    };
    Some(res)
}

/// shld/shrd dest, src, count: shift `dest` and fill the vacated bits from `src`.
#[inline(never)]
pub(super) fn double(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let bits = size as u32 * 8;
    let m = mask(size);
    let s = src(cpu, mem, insn, insn.ops[1], size)?;
    let cnt = (src(cpu, mem, insn, insn.ops[2], 1)? & count_mask(size)) as u32;
    let v = read(cpu, mem, d)?;
    if cnt == 0 {
        write(cpu, mem, d, v)?;
        return Ok(Step::Next);
    }
    // Shifts see the concatenation dest:src:src (shld) or src:src:dest (shrd),
    // so 16-bit counts above 16 keep pulling bits from `src` — what AMD CPUs do
    // (the SDM leaves that result undefined). 64-bit counts never exceed 63,
    // and then dest:src suffices.
    let (r, cf) = if insn.op == Op::Shld {
        let (x, top) = if size == 8 {
            ((v as u128) << 64 | s as u128, 128)
        } else {
            (
                (v as u128) << (2 * bits) | (s as u128) << bits | s as u128,
                3 * bits,
            )
        };
        // Result: the `bits` bits just below the top `cnt` bits.
        (
            (x >> (top - bits - cnt)) as u64 & m,
            (x >> (top - cnt)) & 1 != 0,
        )
    } else {
        let x = if size == 8 {
            (s as u128) << 64 | v as u128
        } else {
            (s as u128) << (2 * bits) | (s as u128) << bits | v as u128
        };
        ((x >> cnt) as u64 & m, (x >> (cnt - 1)) & 1 != 0)
    };
    // OF is defined for count 1 only (sign change); for larger counts the
    // same expressions AMD uses: shld: MSB(result) ^ CF, shrd: the top two
    // result bits differ. Both equal the sign change when the count is 1.
    // (A 16-bit shld by exactly 16 gives OF = CF on AMD.)
    let of = if insn.op == Op::Shld {
        if cnt == bits {
            cf
        } else {
            msb(r, size) ^ cf
        }
    } else {
        msb(r, size) ^ ((r >> (bits - 2)) & 1 != 0)
    };
    cpu.flags.set_status(szp(r, size) | co(cf, of) | AF);
    write(cpu, mem, d, r)?;
    Ok(Step::Next)
}
