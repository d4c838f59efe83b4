//! Data movement: mov and its extending forms, lea, xchg, movbe, xlatb,
//! conditional moves and SETcc.

use super::mask;
use super::{get_gpr, loc, read, set_gpr, sext, size_of, src, write};
use crate::cpu::Cpu;
use crate::exec::Step;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{prefix, Insn, Operand, Seg, NO_REG, RIP_BASE};

/// mov / movnti: destination gets the source at the destination's size.
/// The common register/memory/immediate shapes are matched directly; the
/// rest (high-byte registers) go through the generic operand path.
#[inline(never)]
pub(super) fn mov(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    match (insn.ops[0], insn.ops[1]) {
        (Operand::Gpr { reg, size }, Operand::Gpr { reg: s, .. }) => {
            let v = get_gpr(cpu, s, size);
            set_gpr(cpu, reg, size, v);
        }
        (Operand::Gpr { reg, size }, Operand::Imm { .. }) => set_gpr(cpu, reg, size, insn.imm),
        (Operand::Gpr { reg, size }, Operand::Mem { .. }) => {
            let v = mem.read(cpu.effective_address(&insn.mem), size)?;
            set_gpr(cpu, reg, size, v);
        }
        (Operand::Mem { size }, Operand::Gpr { reg, .. }) => {
            mem.write(
                cpu.effective_address(&insn.mem),
                size,
                get_gpr(cpu, reg, size),
            )?;
        }
        _ => {
            let d = loc(cpu, insn, insn.ops[0])?;
            let v = src(cpu, mem, insn, insn.ops[1], d.size())?;
            write(cpu, mem, d, v)?;
        }
    }
    Ok(Step::Next)
}

/// The source of movzx/movsx/movsxd and its size (register or memory).
#[inline(always)]
fn narrow_src(cpu: &Cpu, mem: &Memory, insn: &Insn) -> Result<(u64, u8), Fault> {
    match insn.ops[1] {
        Operand::Gpr { reg, size } => Ok((get_gpr(cpu, reg, size), size)),
        Operand::Mem { size } => Ok((
            mem.read(cpu.effective_address(&insn.mem), size.min(8))?,
            size,
        )),
        op => Ok((cpu.read_op(mem, insn, op)?, size_of(op))),
    }
}

/// movzx: the source (8 or 16 bits) zero-extended into the destination.
#[inline(never)]
pub(super) fn movzx(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let (v, _) = narrow_src(cpu, mem, insn)?;
    match insn.ops[0] {
        Operand::Gpr { reg, size } => set_gpr(cpu, reg, size, v),
        op => {
            let d = loc(cpu, insn, op)?;
            write(cpu, mem, d, v)?;
        }
    }
    Ok(Step::Next)
}

/// movsx / movsxd: the source sign-extended to the destination's size.
#[inline(never)]
pub(super) fn movsx(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let (v, s) = narrow_src(cpu, mem, insn)?;
    match insn.ops[0] {
        Operand::Gpr { reg, size } => set_gpr(cpu, reg, size, sext(v, s)),
        op => {
            let d = loc(cpu, insn, op)?;
            write(cpu, mem, d, sext(v, s) & mask(d.size()))?;
        }
    }
    Ok(Step::Next)
}

/// lea: the effective address without any segment base (an FS/GS override
/// does not apply to lea), truncated to the destination size. No memory access.
#[inline(never)]
pub(super) fn lea(cpu: &mut Cpu, insn: &Insn) -> Result<Step, Fault> {
    let m = &insn.mem;
    let mut a = m.disp as u64;
    if m.base != NO_REG && m.base != RIP_BASE {
        a = a.wrapping_add(cpu.gpr[m.base as usize & 15]);
    }
    if m.index != NO_REG {
        a = a.wrapping_add(cpu.gpr[m.index as usize & 15].wrapping_mul(m.scale as u64));
    }
    if m.addr32 {
        a &= 0xffff_ffff;
    }
    match insn.ops[0] {
        Operand::Gpr { reg, size } => cpu.write_gpr(reg, size, a),
        _ => return Err(Fault::NotImplemented("lea with a non-register destination")),
    }
    Ok(Step::Next)
}

/// xchg: swap (always atomic on real CPUs; trivially so here).
#[inline(never)]
pub(super) fn xchg(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let a = loc(cpu, insn, insn.ops[0])?;
    let b = loc(cpu, insn, insn.ops[1])?;
    let va = read(cpu, mem, a)?;
    let vb = read(cpu, mem, b)?;
    write(cpu, mem, a, vb)?;
    write(cpu, mem, b, va)?;
    Ok(Step::Next)
}

/// Reverse the low `size` bytes of `v`.
#[inline]
pub(super) fn byte_swap(v: u64, size: u8) -> u64 {
    match size {
        2 => (v as u16).swap_bytes() as u64,
        4 => (v as u32).swap_bytes() as u64,
        _ => v.swap_bytes(),
    }
}

/// movbe r, m / movbe m, r: a move with the bytes reversed.
#[inline(never)]
pub(super) fn movbe(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let v = src(cpu, mem, insn, insn.ops[1], size)?;
    write(cpu, mem, d, byte_swap(v, size))?;
    Ok(Step::Next)
}

/// xlatb: al = [rbx + al] (ebx with an address-size prefix), with the
/// segment override if any.
#[inline(never)]
pub(super) fn xlatb(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let mut a = cpu.gpr[3].wrapping_add(cpu.gpr[0] & 0xff);
    if insn.has_prefix(prefix::ADDR32) || insn.mem.addr32 {
        a &= 0xffff_ffff;
    }
    a = match insn.mem.seg {
        Seg::None => a,
        Seg::Fs => a.wrapping_add(cpu.fs_base),
        Seg::Gs => a.wrapping_add(cpu.gs_base),
    };
    let v = mem.read(a, 1)?;
    cpu.write_gpr(0, 1, v);
    Ok(Step::Next)
}

/// cmovcc (condition code `CC`, one instantiation per condition): the source is read (and may fault) whatever the condition; a
/// 32-bit destination is zero-extended even when the condition is false.
#[inline(never)]
pub(super) fn cmov<const CC: u8>(
    cpu: &mut Cpu,
    mem: &mut Memory,
    insn: &Insn,
) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let v = src(cpu, mem, insn, insn.ops[1], size)?;
    if cpu.flags.cond(CC) {
        write(cpu, mem, d, v)?;
    } else if size == 4 {
        let old = read(cpu, mem, d)?;
        write(cpu, mem, d, old)?;
    }
    Ok(Step::Next)
}

/// setcc r/m8 (condition code `CC`).
#[inline(never)]
pub(super) fn setcc<const CC: u8>(
    cpu: &mut Cpu,
    mem: &mut Memory,
    insn: &Insn,
) -> Result<Step, Fault> {
    let v = cpu.flags.cond(CC) as u64;
    match insn.ops[0] {
        Operand::Gpr { reg, .. } => set_gpr(cpu, reg, 1, v),
        op => {
            let d = loc(cpu, insn, op)?;
            write(cpu, mem, d, v)?;
        }
    }
    Ok(Step::Next)
}
