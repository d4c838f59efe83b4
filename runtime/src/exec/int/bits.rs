//! Bit instructions: bt/bts/btr/btc, bsf/bsr, popcnt/lzcnt/tzcnt, bswap.

use super::{loc, read, sext, src, write, Loc};
use crate::cpu::Cpu;
use crate::exec::Step;
use crate::fault::Fault;
use crate::flags::{parity, CF, OF, PF, ZF};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

/// bt/bts/btr/btc base, offset. With a register base or an immediate offset
/// the offset is taken modulo the operand width. With a memory base and a
/// register offset the offset is a *signed* bit index relative to the operand
/// address: the accessed unit is `addr + (offset >> log2(width)) * size`.
/// CF = the selected bit; the other status flags keep their values.
#[inline(never)]
pub(super) fn bt(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let base = loc(cpu, insn, insn.ops[0])?;
    let size = base.size();
    let bits = size as u64 * 8;
    let off = src(cpu, mem, insn, insn.ops[1], size)?;
    let (l, bit) = match (base, insn.ops[1]) {
        (Loc::Mem { addr, size }, Operand::Gpr { .. }) => {
            let soff = sext(off, size) as i64;
            let unit = soff >> bits.trailing_zeros();
            (
                Loc::Mem {
                    addr: addr.wrapping_add((unit as u64).wrapping_mul(size as u64)),
                    size,
                },
                (soff as u64) & (bits - 1),
            )
        }
        _ => (base, off & (bits - 1)),
    };
    let v = read(cpu, mem, l)?;
    let old = (v >> bit) & 1;
    let nv = match insn.op {
        Op::Bts => v | 1 << bit,
        Op::Btr => v & !(1 << bit),
        Op::Btc => v ^ 1 << bit,
        _ => v,
    };
    if insn.op != Op::Bt {
        write(cpu, mem, l, nv)?;
    }
    cpu.flags.update(CF, old);
    Ok(Step::Next)
}

/// bsf/bsr: index of the lowest/highest set bit; ZF = (source == 0). With a
/// zero source the destination is left unchanged (as AMD documents and Intel
/// CPUs do). The undefined flags follow AMD: CF = OF = SF = AF = 0 and PF is
/// the parity of the index (of 0 for a zero source).
#[inline(never)]
pub(super) fn bit_scan(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let s = src(cpu, mem, insn, insn.ops[1], size)?;
    if s == 0 {
        cpu.flags.set_status(ZF | PF);
        return Ok(Step::Next);
    }
    let r = if insn.op == Op::Bsf {
        s.trailing_zeros()
    } else {
        63 - s.leading_zeros()
    } as u64;
    cpu.flags.set_status(if parity(r) { PF } else { 0 });
    write(cpu, mem, d, r)?;
    Ok(Step::Next)
}

/// popcnt (ZF = source zero, other status flags 0), lzcnt and tzcnt
/// (CF = source zero, ZF = result zero; of the undefined flags OF keeps its
/// value and SF, AF, PF are cleared, as on AMD CPUs).
#[inline(never)]
pub(super) fn count(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let bits = size as u32 * 8;
    let s = src(cpu, mem, insn, insn.ops[1], size)?;
    let (r, flags) = match insn.op {
        Op::Popcnt => {
            let r = s.count_ones() as u64;
            (r, if s == 0 { ZF } else { 0 })
        }
        Op::Lzcnt => {
            let r = (s.leading_zeros() - (64 - bits)) as u64;
            (
                r,
                (if s == 0 { CF } else { 0 }) | (if r == 0 { ZF } else { 0 }),
            )
        }
        _ => {
            let r = if s == 0 {
                bits as u64
            } else {
                s.trailing_zeros() as u64
            };
            (
                r,
                (if s == 0 { CF } else { 0 }) | (if r == 0 { ZF } else { 0 }),
            )
        }
    };
    let keep = if insn.op == Op::Popcnt {
        0
    } else {
        cpu.flags.get() & OF
    };
    cpu.flags.set_status(flags | keep);
    write(cpu, mem, d, r)?;
    Ok(Step::Next)
}

/// bswap r32/r64. With a 16-bit operand (undefined in the SDM) the register
/// becomes 0 in its low 16 bits, as Intel and AMD CPUs do.
#[inline(never)]
pub(super) fn bswap(cpu: &mut Cpu, insn: &Insn) -> Result<Step, Fault> {
    let Operand::Gpr { reg, size } = insn.ops[0] else {
        return Err(Fault::NotImplemented("bswap of a non-register"));
    };
    let v = cpu.read_gpr(reg, size);
    let r = match size {
        8 => v.swap_bytes(),
        4 => (v as u32).swap_bytes() as u64,
        _ => 0,
    };
    cpu.write_gpr(reg, size, r);
    Ok(Step::Next)
}
