//! Multiplication, division and the accumulator sign extensions (cbw..cqo).
//!
//! One-operand mul/imul/div/idiv use the accumulator pair implied by the
//! operand size: al/ax (8-bit), dx:ax, edx:eax, rdx:rax. Division faults
//! with [`Fault::DivideError`] on a zero divisor or a quotient that does not
//! fit, exactly where the CPU raises #DE.

use super::mask;
use super::{loc, read, sext, size_of, src, write};
use crate::cpu::{reg, Cpu};
use crate::exec::Step;
use crate::fault::Fault;
use crate::flags::{AF, CF, OF, PF, SF, ZF};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

/// Flags after a multiplication: CF = OF = `overflow`. SF, ZF, AF and PF,
/// undefined in the SDM, keep their values (what AMD CPUs do; see
/// docs/SEMANTICS.md).
#[inline(always)]
pub(crate) fn mul_flags(cpu: &mut Cpu, overflow: bool) {
    cpu.flags
        .update(CF | OF, if overflow { CF | OF } else { 0 });
}

/// Flags after a division (all undefined in the SDM): CF and OF keep their
/// values, SF = ZF = PF = 0, AF = 1 — what AMD CPUs produce.
#[inline(always)]
pub(crate) fn div_flags(cpu: &mut Cpu) {
    cpu.flags.update(SF | ZF | PF | AF, AF);
}

/// Read the accumulator pair as (high, low) at `size`.
#[inline(always)]
fn acc_pair(cpu: &Cpu, size: u8) -> (u64, u64) {
    if size == 1 {
        (
            (cpu.gpr[reg::RAX as usize] >> 8) & 0xff,
            cpu.gpr[reg::RAX as usize] & 0xff,
        )
    } else {
        (cpu.read_gpr(reg::RDX, size), cpu.read_gpr(reg::RAX, size))
    }
}

#[inline(always)]
fn write_pair(cpu: &mut Cpu, size: u8, hi: u64, lo: u64) {
    if size == 1 {
        cpu.write_gpr(reg::RAX, 2, (hi & 0xff) << 8 | (lo & 0xff));
    } else {
        cpu.write_gpr(reg::RAX, size, lo);
        cpu.write_gpr(reg::RDX, size, hi);
    }
}

/// mul / div / idiv r/m (and one-operand imul via [`imul`]).
#[inline(never)]
pub(super) fn one_operand(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let size = size_of(insn.ops[0]);
    let bits = size as u32 * 8;
    let m = mask(size);
    let s = cpu.read_op(mem, insn, insn.ops[0])? & m;
    let (hi, lo) = acc_pair(cpu, size);
    match insn.op {
        Op::Mul => {
            let p = lo as u128 * s as u128;
            let (l, h) = (p as u64 & m, (p >> bits) as u64 & m);
            write_pair(cpu, size, h, l);
            mul_flags(cpu, h != 0);
        }
        Op::Div => {
            if s == 0 {
                return Err(Fault::DivideError);
            }
            let n = (hi as u128) << bits | lo as u128;
            let q = n / s as u128;
            if q > m as u128 {
                return Err(Fault::DivideError);
            }
            let r = (n % s as u128) as u64;
            write_pair(cpu, size, r, q as u64);
            div_flags(cpu);
        }
        _ => {
            if s == 0 {
                return Err(Fault::DivideError);
            }
            let n = ((hi as u128) << bits | lo as u128) as i128;
            let n = (n << (128 - 2 * bits)) >> (128 - 2 * bits);
            let d = sext(s, size) as i64 as i128;
            // -2^127 / -1 (rdx:rax = 2^127, divisor -1) overflows even i128:
            // a quotient that does not fit, so #DE like every other.
            let (Some(q), Some(r)) = (n.checked_div(d), n.checked_rem(d)) else {
                return Err(Fault::DivideError);
            };
            let lim = 1i128 << (bits - 1);
            if q < -lim || q >= lim {
                return Err(Fault::DivideError);
            }
            write_pair(cpu, size, r as u64 & m, q as u64 & m);
            div_flags(cpu);
        }
    }
    Ok(Step::Next)
}

/// imul in all three forms: `imul r/m` (accumulator pair), `imul r, r/m`,
/// `imul r, r/m, imm`. CF = OF = the signed product does not fit the destination.
#[inline(never)]
pub(super) fn imul(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    if let Operand::None = insn.ops[1] {
        let size = size_of(insn.ops[0]);
        let bits = size as u32 * 8;
        let m = mask(size);
        let s = sext(cpu.read_op(mem, insn, insn.ops[0])?, size) as i64 as i128;
        let a = sext(cpu.read_gpr(reg::RAX, size), size) as i64 as i128;
        let p = a * s;
        let (l, h) = (p as u64 & m, (p >> bits) as u64 & m);
        write_pair(cpu, size, h, l);
        mul_flags(cpu, sext(l, size) as i64 as i128 != p);
        return Ok(Step::Next);
    }
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let (a, b) = if let Operand::None = insn.ops[2] {
        (read(cpu, mem, d)?, src(cpu, mem, insn, insn.ops[1], size)?)
    } else {
        (
            src(cpu, mem, insn, insn.ops[1], size)?,
            src(cpu, mem, insn, insn.ops[2], size)?,
        )
    };
    let (l, overflow) = imul_trunc(size, a, b);
    write(cpu, mem, d, l)?;
    mul_flags(cpu, overflow);
    Ok(Step::Next)
}

/// Two/three-operand imul at `size` bytes: the low `size` bytes of the
/// signed product of `a` and `b` (their low `size` bytes), and whether the
/// full product does not fit them (CF = OF). Shared with the translated
/// handlers, which call it with a constant `size` so it is one multiply.
#[inline(always)]
pub(crate) fn imul_trunc(size: u8, a: u64, b: u64) -> (u64, bool) {
    match size {
        8 => {
            let (p, o) = (a as i64).overflowing_mul(b as i64);
            (p as u64, o)
        }
        4 => {
            let (p, o) = (a as i32).overflowing_mul(b as i32);
            (p as u32 as u64, o)
        }
        2 => {
            let (p, o) = (a as i16).overflowing_mul(b as i16);
            (p as u16 as u64, o)
        }
        _ => {
            let (p, o) = (a as i8).overflowing_mul(b as i8);
            (p as u8 as u64, o)
        }
    }
}

/// cbw, cwde, cdqe (extend the accumulator in place) and cwd, cdq, cqo
/// (fill rdx with the accumulator's sign).
#[inline(never)]
pub(super) fn sign_extend(cpu: &mut Cpu, insn: &Insn) -> Result<Step, Fault> {
    let a = cpu.gpr[reg::RAX as usize];
    match insn.op {
        Op::Cbw => cpu.write_gpr(reg::RAX, 2, sext(a, 1)),
        Op::Cwde => cpu.write_gpr(reg::RAX, 4, sext(a, 2)),
        Op::Cdqe => cpu.write_gpr(reg::RAX, 8, sext(a, 4)),
        Op::Cwd => cpu.write_gpr(reg::RDX, 2, (sext(a, 2) as i64 >> 63) as u64),
        Op::Cdq => cpu.write_gpr(reg::RDX, 4, (sext(a, 4) as i64 >> 63) as u64),
        _ => cpu.write_gpr(reg::RDX, 8, (a as i64 >> 63) as u64),
    }
    Ok(Step::Next)
}
