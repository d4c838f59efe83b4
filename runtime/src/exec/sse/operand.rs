//! Operand access for SSE instructions: 128-bit register/memory sources with
//! the legacy-SSE alignment rule, partial (scalar) memory operands, GPRs and
//! destinations.

use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

/// Legacy SSE instructions fault (#GP) on a 16-byte memory operand that is not
/// 16-byte aligned, except the explicitly unaligned loads/stores and the SSE4.2
/// string instructions.
fn requires_alignment(op: Op) -> bool {
    !matches!(
        op,
        Op::Movups
            | Op::Movupd
            | Op::Movdqu
            | Op::Lddqu
            | Op::Pcmpestri
            | Op::Pcmpestrm
            | Op::Pcmpistri
            | Op::Pcmpistrm
    )
}

/// Address of the memory operand, checked for alignment when it is a 16-byte access.
#[inline]
fn address(cpu: &Cpu, insn: &Insn, size: u8) -> Result<u64, Fault> {
    let addr = cpu.effective_address(&insn.mem);
    if size == 16 && addr & 15 != 0 && requires_alignment(insn.op) {
        return Err(Fault::Misaligned { addr });
    }
    Ok(addr)
}

/// Value of operand `i`: an XMM register in full, a memory operand of `size`
/// bytes zero-extended, a GPR zero-extended, or the immediate.
#[inline]
pub fn read(cpu: &Cpu, mem: &Memory, insn: &Insn, i: usize) -> Result<u128, Fault> {
    match insn.ops[i] {
        Operand::Xmm(x) => Ok(cpu.xmm[x as usize & 15]),
        Operand::Mem { size } => {
            let addr = address(cpu, insn, size)?;
            match size {
                16 => mem.read_u128(addr),
                1 | 2 | 4 | 8 => Ok(mem.read(addr, size)? as u128),
                _ => Err(Fault::NotImplemented(
                    "SSE memory operand of unexpected size",
                )),
            }
        }
        Operand::Gpr { reg, size } => Ok(cpu.read_gpr(reg, size) as u128),
        Operand::Imm { .. } => Ok(insn.imm as u8 as u128),
        _ => Err(Fault::NotImplemented("SSE operand form not supported")),
    }
}

/// Register number of operand `i`, which must be an XMM register.
#[inline]
pub fn xmm(insn: &Insn, i: usize) -> Result<usize, Fault> {
    match insn.ops[i] {
        Operand::Xmm(x) => Ok(x as usize & 15),
        _ => Err(Fault::NotImplemented("SSE operand must be an XMM register")),
    }
}

/// True when operand `i` is a memory operand.
#[inline]
pub fn is_mem(insn: &Insn, i: usize) -> bool {
    matches!(insn.ops[i], Operand::Mem { .. })
}

/// The imm8 (decoded zero-extended).
#[inline]
pub fn imm8(insn: &Insn) -> u8 {
    insn.imm as u8
}

/// Store `v` to operand `i`: XMM in full, memory with the operand's size
/// (16-byte stores checked for alignment), GPR with x86 width rules.
#[inline]
pub fn write(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn, i: usize, v: u128) -> Result<(), Fault> {
    match insn.ops[i] {
        Operand::Xmm(x) => {
            cpu.xmm[x as usize & 15] = v;
            Ok(())
        }
        Operand::Mem { size } => {
            let addr = address(cpu, insn, size)?;
            match size {
                16 => mem.write_u128(addr, v),
                1 | 2 | 4 | 8 => mem.write(addr, size, v as u64),
                _ => Err(Fault::NotImplemented(
                    "SSE memory operand of unexpected size",
                )),
            }
        }
        Operand::Gpr { reg, size } => {
            cpu.write_gpr(reg, size, v as u64);
            Ok(())
        }
        _ => Err(Fault::NotImplemented(
            "SSE destination operand form not supported",
        )),
    }
}

/// `dest = f(dest, src)` for the common two-operand register/memory form.
#[inline]
pub fn binary(
    cpu: &mut Cpu,
    mem: &Memory,
    insn: &Insn,
    f: impl FnOnce(u128, u128) -> u128,
) -> Result<(), Fault> {
    let d = xmm(insn, 0)?;
    let s = read(cpu, mem, insn, 1)?;
    cpu.xmm[d] = f(cpu.xmm[d], s);
    Ok(())
}

/// `dest = f(src)` for forms that ignore the old destination.
#[inline]
pub fn unary(
    cpu: &mut Cpu,
    mem: &Memory,
    insn: &Insn,
    f: impl FnOnce(u128) -> u128,
) -> Result<(), Fault> {
    let d = xmm(insn, 0)?;
    let s = read(cpu, mem, insn, 1)?;
    cpu.xmm[d] = f(s);
    Ok(())
}
