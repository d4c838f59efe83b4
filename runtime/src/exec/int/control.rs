//! Control transfer: call/ret/jmp, Jcc, loop*/jrcxz/jecxz. Direct targets are
//! absolute in `Insn::imm` (the decoder resolved them); the interpreter moves
//! RIP to whatever [`Step::Jump`] names, and a `ret` to 0 ends the call.

use super::stack::{pop, push};
use crate::cpu::{reg, Cpu};
use crate::exec::Step;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{prefix, Insn, Op, Operand};

/// Target of a jmp/call: the absolute immediate for direct forms, else the
/// register or memory operand (read before RSP changes).
#[inline(always)]
fn target(cpu: &Cpu, mem: &Memory, insn: &Insn) -> Result<u64, Fault> {
    match insn.ops[0] {
        Operand::Imm { .. } | Operand::None => Ok(insn.imm),
        op => cpu.read_op(mem, insn, op),
    }
}

#[inline(never)]
pub(super) fn call(
    cpu: &mut Cpu,
    mem: &mut Memory,
    insn: &Insn,
    next_rip: u64,
) -> Result<Step, Fault> {
    let t = target(cpu, mem, insn)?;
    push(cpu, mem, 8, next_rip)?;
    Ok(Step::Jump(t))
}

/// ret / ret imm16: pop the return address, then release imm16 bytes.
#[inline(never)]
pub(super) fn ret(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let t = pop(cpu, mem, 8)?;
    if let Operand::Imm { .. } = insn.ops[0] {
        cpu.gpr[reg::RSP as usize] = cpu.gpr[reg::RSP as usize].wrapping_add(insn.imm & 0xffff);
    }
    Ok(Step::Jump(t))
}

#[inline(never)]
pub(super) fn jmp(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    Ok(Step::Jump(target(cpu, mem, insn)?))
}

/// Jcc with condition code `CC` (one instantiation per condition, so the
/// condition folds into straight-line code over the lazy flag state).
#[inline(never)]
pub(super) fn jcc<const CC: u8>(cpu: &mut Cpu, insn: &Insn) -> Result<Step, Fault> {
    Ok(if cpu.flags.cond(CC) {
        Step::Jump(insn.imm)
    } else {
        Step::Next
    })
}

/// loop/loope/loopne decrement the count register (rcx, or ecx with an
/// address-size prefix) without touching flags; jrcxz/jecxz only test it.
#[inline(never)]
pub(super) fn loop_family(cpu: &mut Cpu, insn: &Insn) -> Result<Step, Fault> {
    let a32 = insn.has_prefix(prefix::ADDR32);
    let taken = match insn.op {
        Op::Jrcxz => cpu.gpr[reg::RCX as usize] == 0,
        Op::Jecxz => cpu.gpr[reg::RCX as usize] & 0xffff_ffff == 0,
        _ => {
            let c = if a32 {
                let c = (cpu.gpr[reg::RCX as usize] as u32).wrapping_sub(1) as u64;
                cpu.write_gpr(reg::RCX, 4, c);
                c
            } else {
                let c = cpu.gpr[reg::RCX as usize].wrapping_sub(1);
                cpu.gpr[reg::RCX as usize] = c;
                c
            };
            c != 0
                && match insn.op {
                    Op::Loope => cpu.flags.zf(),
                    Op::Loopne => !cpu.flags.zf(),
                    _ => true,
                }
        }
    };
    Ok(if taken {
        Step::Jump(insn.imm)
    } else {
        Step::Next
    })
}
