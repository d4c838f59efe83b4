//! Stack instructions: push/pop, pushf/popf, enter/leave. The stack address
//! size is always 64 bits; the operand size (`Insn::osize`) is 8 or 2.

use super::mask;
use super::{loc, write};
use crate::cpu::{reg, Cpu};
use crate::exec::Step;
use crate::fault::{Access, Fault};
use crate::flags::{AF, CF, DF, OF, PF, SF, ZF};
use crate::memory::Memory;
use echovm_decoder::{Insn, Operand};

/// Flags `popf` may change in the VM. IF, IOPL, NT, TF, AC, ID and the
/// reserved bits keep their values (IF = 1, the rest 0): TF would trap, and AC
/// and ID only matter to features the VM does not have.
pub const POPF_MASK: u64 = CF | PF | AF | ZF | SF | DF | OF;

#[inline(always)]
pub(super) fn push(cpu: &mut Cpu, mem: &mut Memory, size: u8, v: u64) -> Result<(), Fault> {
    let sp = cpu.gpr[reg::RSP as usize].wrapping_sub(size as u64);
    mem.write(sp, size, v)?;
    cpu.gpr[reg::RSP as usize] = sp;
    Ok(())
}

#[inline(always)]
pub(super) fn pop(cpu: &mut Cpu, mem: &Memory, size: u8) -> Result<u64, Fault> {
    let sp = cpu.gpr[reg::RSP as usize];
    let v = mem.read(sp, size)?;
    cpu.gpr[reg::RSP as usize] = sp.wrapping_add(size as u64);
    Ok(v)
}

#[inline(always)]
fn osize(insn: &Insn) -> u8 {
    if insn.osize == 2 {
        2
    } else {
        8
    }
}

/// push r/m/imm. The value is read before RSP moves, so `push rsp` pushes the
/// old RSP and `push [rsp+8]` addresses with the old RSP.
#[inline(never)]
pub(super) fn push_op(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let size = osize(insn);
    let v = match insn.ops[0] {
        Operand::Imm { .. } => insn.imm & mask(size),
        op => cpu.read_op(mem, insn, op)? & mask(size),
    };
    push(cpu, mem, size, v)?;
    Ok(Step::Next)
}

/// pop r/m. RSP is incremented before the destination is written, so
/// `pop rsp` loads the popped value and a memory destination based on RSP
/// uses the incremented RSP (as the SDM specifies).
#[inline(never)]
pub(super) fn pop_op(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let size = osize(insn);
    let old_sp = cpu.gpr[reg::RSP as usize];
    let v = pop(cpu, mem, size)?;
    let d = loc(cpu, insn, insn.ops[0])?;
    if let Err(e) = write(cpu, mem, d, v) {
        cpu.gpr[reg::RSP as usize] = old_sp;
        return Err(e);
    }
    Ok(Step::Next)
}

/// pushfq / pushf: the architectural RFLAGS (RF and VM are never set in the VM).
#[inline(never)]
pub(super) fn pushf(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let size = osize(insn);
    let v = cpu.flags.get() & mask(size);
    push(cpu, mem, size, v)?;
    Ok(Step::Next)
}

/// popfq / popf: only [`POPF_MASK`] is taken from the popped value.
#[inline(never)]
pub(super) fn popf(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let size = osize(insn);
    let v = pop(cpu, mem, size)?;
    cpu.flags.update(POPF_MASK, v);
    Ok(Step::Next)
}

/// enter imm16, imm8 (SDM pseudo-code for 64-bit stacks): push rbp; for
/// level > 1 copy `level - 1` outer frame pointers, stepping RBP down by the
/// operand size (the full 64-bit RBP is the address); push the new frame
/// pointer when level > 0; rbp (its low `osize` bytes) = frame; rsp -= imm16.
/// Level is taken mod 32. A fault ends execution, so no partial state is undone.
#[inline(never)]
pub(super) fn enter(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let size = osize(insn);
    let alloc = insn.imm & 0xffff;
    let level = insn.imm2 & 31;
    let rbp = cpu.read_gpr(reg::RBP, size);
    push(cpu, mem, size, rbp)?;
    let frame = cpu.gpr[reg::RSP as usize];
    if level > 0 {
        for _ in 1..level {
            let bp = cpu.gpr[reg::RBP as usize].wrapping_sub(size as u64);
            cpu.gpr[reg::RBP as usize] = bp;
            let v = mem.read(bp, size)?;
            push(cpu, mem, size, v)?;
        }
        push(cpu, mem, size, frame)?;
    }
    let new_sp = cpu.gpr[reg::RSP as usize].wrapping_sub(alloc);
    // The CPU faults if a write at the final stack pointer would fault (SDM:
    // ENTER #PF conditions), which catches frames allocated past the stack.
    mem.check(new_sp, size as u64, Access::Write)?;
    cpu.write_gpr(reg::RBP, size, frame);
    cpu.gpr[reg::RSP as usize] = new_sp;
    Ok(Step::Next)
}

/// leave: rsp = rbp; pop rbp.
#[inline(never)]
pub(super) fn leave(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let size = osize(insn);
    let sp = cpu.gpr[reg::RBP as usize];
    let v = mem.read(sp, size)?;
    cpu.gpr[reg::RSP as usize] = sp.wrapping_add(size as u64);
    cpu.write_gpr(reg::RBP, size, v);
    Ok(Step::Next)
}
