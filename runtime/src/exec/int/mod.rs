//! Integer (general-purpose) instruction semantics, bit-exact with x86-64.
//!
//! [`execute`] dispatches on [`Op`] to one small module per instruction family.
//! Every handler is a separate `#[inline(never)]` function with the same
//! result type: the dispatcher then needs no stack frame of its own (one
//! register save), instead of paying the prologue of a function that inlines
//! all of them on every instruction. ALU ops, Jcc, SETcc and CMOVcc are
//! instantiated per operation / condition code so each runs straight-line code.
//! Measured with callgrind on a register-only loop (add/xor/sub/jnz): about
//! 60 host instructions per guest instruction in `execute`.
//! Operand conventions are the decoder's (see `echovm_decoder::Insn`): Intel
//! order, destination first; implicit operands (string instructions, one-operand
//! `mul`/`div`, `cbw`..`cqo`) are not listed and their size is `Insn::osize`.
//! Flags use the lazy representation of [`crate::flags`]. Where Intel leaves a
//! flag or result undefined the rule chosen is documented in `docs/SEMANTICS.md`.

use super::Step;
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

pub(crate) mod alu;
mod bits;
mod bmi;
mod control;
pub mod cpuid;
mod misc;
mod moves;
pub(crate) mod muldiv;
pub(crate) mod shift;
mod stack;
mod string;

pub(super) fn execute(
    cpu: &mut Cpu,
    mem: &mut Memory,
    insn: &Insn,
    next_rip: u64,
) -> Result<Step, Fault> {
    use Op::*;
    match insn.op {
        Add => alu::binary::<{ Add as u16 }>(cpu, mem, insn),
        Or => alu::binary::<{ Or as u16 }>(cpu, mem, insn),
        Adc => alu::binary::<{ Adc as u16 }>(cpu, mem, insn),
        Sbb => alu::binary::<{ Sbb as u16 }>(cpu, mem, insn),
        And => alu::binary::<{ And as u16 }>(cpu, mem, insn),
        Sub => alu::binary::<{ Sub as u16 }>(cpu, mem, insn),
        Xor => alu::binary::<{ Xor as u16 }>(cpu, mem, insn),
        Cmp => alu::binary::<{ Cmp as u16 }>(cpu, mem, insn),
        Test => alu::binary::<{ Test as u16 }>(cpu, mem, insn),
        Inc | Dec | Neg | Not => alu::unary(cpu, mem, insn),
        Cmpxchg => alu::cmpxchg(cpu, mem, insn),
        Cmpxchg8b | Cmpxchg16b => alu::cmpxchg_wide(cpu, mem, insn),
        Xadd => alu::xadd(cpu, mem, insn),

        Mov | Movnti => moves::mov(cpu, mem, insn),
        Movzx => moves::movzx(cpu, mem, insn),
        Movsx | Movsxd => moves::movsx(cpu, mem, insn),
        Lea => moves::lea(cpu, insn),
        Xchg => moves::xchg(cpu, mem, insn),
        Movbe => moves::movbe(cpu, mem, insn),
        Xlatb => moves::xlatb(cpu, mem, insn),
        Cmovo => moves::cmov::<0>(cpu, mem, insn),
        Cmovno => moves::cmov::<1>(cpu, mem, insn),
        Cmovb => moves::cmov::<2>(cpu, mem, insn),
        Cmovae => moves::cmov::<3>(cpu, mem, insn),
        Cmove => moves::cmov::<4>(cpu, mem, insn),
        Cmovne => moves::cmov::<5>(cpu, mem, insn),
        Cmovbe => moves::cmov::<6>(cpu, mem, insn),
        Cmova => moves::cmov::<7>(cpu, mem, insn),
        Cmovs => moves::cmov::<8>(cpu, mem, insn),
        Cmovns => moves::cmov::<9>(cpu, mem, insn),
        Cmovp => moves::cmov::<10>(cpu, mem, insn),
        Cmovnp => moves::cmov::<11>(cpu, mem, insn),
        Cmovl => moves::cmov::<12>(cpu, mem, insn),
        Cmovge => moves::cmov::<13>(cpu, mem, insn),
        Cmovle => moves::cmov::<14>(cpu, mem, insn),
        Cmovg => moves::cmov::<15>(cpu, mem, insn),
        Seto => moves::setcc::<0>(cpu, mem, insn),
        Setno => moves::setcc::<1>(cpu, mem, insn),
        Setb => moves::setcc::<2>(cpu, mem, insn),
        Setae => moves::setcc::<3>(cpu, mem, insn),
        Sete => moves::setcc::<4>(cpu, mem, insn),
        Setne => moves::setcc::<5>(cpu, mem, insn),
        Setbe => moves::setcc::<6>(cpu, mem, insn),
        Seta => moves::setcc::<7>(cpu, mem, insn),
        Sets => moves::setcc::<8>(cpu, mem, insn),
        Setns => moves::setcc::<9>(cpu, mem, insn),
        Setp => moves::setcc::<10>(cpu, mem, insn),
        Setnp => moves::setcc::<11>(cpu, mem, insn),
        Setl => moves::setcc::<12>(cpu, mem, insn),
        Setge => moves::setcc::<13>(cpu, mem, insn),
        Setle => moves::setcc::<14>(cpu, mem, insn),
        Setg => moves::setcc::<15>(cpu, mem, insn),

        Push => stack::push_op(cpu, mem, insn),
        Pop => stack::pop_op(cpu, mem, insn),
        Pushfq | Pushf => stack::pushf(cpu, mem, insn),
        Popfq | Popf => stack::popf(cpu, mem, insn),
        Enter => stack::enter(cpu, mem, insn),
        Leave => stack::leave(cpu, mem, insn),

        Call => control::call(cpu, mem, insn, next_rip),
        Ret => control::ret(cpu, mem, insn),
        Jmp => control::jmp(cpu, mem, insn),
        Jo => control::jcc::<0>(cpu, insn),
        Jno => control::jcc::<1>(cpu, insn),
        Jb => control::jcc::<2>(cpu, insn),
        Jae => control::jcc::<3>(cpu, insn),
        Je => control::jcc::<4>(cpu, insn),
        Jne => control::jcc::<5>(cpu, insn),
        Jbe => control::jcc::<6>(cpu, insn),
        Ja => control::jcc::<7>(cpu, insn),
        Js => control::jcc::<8>(cpu, insn),
        Jns => control::jcc::<9>(cpu, insn),
        Jp => control::jcc::<10>(cpu, insn),
        Jnp => control::jcc::<11>(cpu, insn),
        Jl => control::jcc::<12>(cpu, insn),
        Jge => control::jcc::<13>(cpu, insn),
        Jle => control::jcc::<14>(cpu, insn),
        Jg => control::jcc::<15>(cpu, insn),
        Loop | Loope | Loopne | Jrcxz | Jecxz => control::loop_family(cpu, insn),

        Rol | Ror | Rcl | Rcr | Shl | Sal | Shr | Sar => shift::shift(cpu, mem, insn),
        Shld | Shrd => shift::double(cpu, mem, insn),

        Mul | Div | Idiv => muldiv::one_operand(cpu, mem, insn),
        Imul => muldiv::imul(cpu, mem, insn),
        Cbw | Cwde | Cdqe | Cwd | Cdq | Cqo => muldiv::sign_extend(cpu, insn),

        Bt | Bts | Btr | Btc => bits::bt(cpu, mem, insn),
        Bsf | Bsr => bits::bit_scan(cpu, mem, insn),
        Popcnt | Lzcnt | Tzcnt => bits::count(cpu, mem, insn),
        Bswap => bits::bswap(cpu, insn),

        Andn | Bextr | Blsi | Blsmsk | Blsr | Bzhi | Mulx | Pdep | Pext | Rorx | Sarx | Shlx
        | Shrx => bmi::execute(cpu, mem, insn),

        Clc | Stc | Cmc | Cld | Std | Sahf | Lahf => misc::flag_op(cpu, insn),

        Movsb | Movsw | MovsdString | Movsq | Stosb | Stosw | Stosd | Stosq | Lodsb | Lodsw
        | Lodsd | Lodsq | Scasb | Scasw | Scasd | Scasq | Cmpsb | Cmpsw | CmpsdString | Cmpsq => {
            string::execute(cpu, mem, insn)
        }

        Nop | Endbr64 | Pause | Lfence | Mfence | Sfence | Prefetchnta | Prefetcht0
        | Prefetcht1 | Prefetcht2 | Prefetchw => Ok(Step::Next),
        Clflush => misc::clflush(cpu, mem, insn),
        Ud2 => Err(Fault::Ud2),
        Int3 => Err(Fault::Int3),
        Int1 => Err(Fault::Int1),
        Int => Ok(Step::Interrupt(insn.imm as u8)),
        Cpuid => cpuid::execute(cpu),
        Crc32 => misc::crc32(cpu, mem, insn),

        op => Err(Fault::NotImplemented(op.name())),
    }
}

/// Mask of the low `size` bytes (`size` 0..=8; larger sizes saturate). A
/// table load instead of `crate::cpu::mask`'s branch: this runs several
/// times per instruction.
#[inline(always)]
pub(crate) fn mask(size: u8) -> u64 {
    const MASKS: [u64; 9] = [
        0,
        0xff,
        0xffff,
        0xff_ffff,
        0xffff_ffff,
        0xff_ffff_ffff,
        0xffff_ffff_ffff,
        0xff_ffff_ffff_ffff,
        u64::MAX,
    ];
    MASKS[size.min(8) as usize]
}

/// Read general register `reg` at `size` bytes.
#[inline(always)]
pub(crate) fn get_gpr(cpu: &Cpu, reg: impl Into<u8>, size: u8) -> u64 {
    cpu.gpr[reg.into() as usize & 15] & mask(size)
}

/// Write general register `reg` at `size` bytes (32-bit writes zero-extend,
/// 8/16-bit writes merge).
#[inline(always)]
pub(crate) fn set_gpr(cpu: &mut Cpu, reg: impl Into<u8>, size: u8, v: u64) {
    let g = &mut cpu.gpr[reg.into() as usize & 15];
    *g = if size >= 4 {
        v & mask(size)
    } else {
        (*g & !mask(size)) | (v & mask(size))
    };
}

/// A resolved operand location: read-modify-write instructions compute a
/// memory address once and use it for both the load and the store.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Loc {
    Gpr { reg: u8, size: u8 },
    High8 { reg: u8 },
    Mem { addr: u64, size: u8 },
}

impl Loc {
    #[inline(always)]
    pub fn size(self) -> u8 {
        match self {
            Loc::Gpr { size, .. } | Loc::Mem { size, .. } => size,
            Loc::High8 { .. } => 1,
        }
    }
}

/// Resolve a writable operand.
#[inline(always)]
pub(crate) fn loc(cpu: &Cpu, insn: &Insn, op: Operand) -> Result<Loc, Fault> {
    match op {
        Operand::Gpr { reg, size } => Ok(Loc::Gpr { reg, size }),
        Operand::GprHigh8 { reg } => Ok(Loc::High8 { reg }),
        Operand::Mem { size } => Ok(Loc::Mem {
            addr: cpu.effective_address(&insn.mem),
            size: size.min(8),
        }),
        _ => Err(bad_operand(insn)),
    }
}

#[cold]
fn bad_operand(insn: &Insn) -> Fault {
    Fault::NotImplemented(insn.op.name())
}

#[inline(always)]
pub(crate) fn read(cpu: &Cpu, mem: &Memory, l: Loc) -> Result<u64, Fault> {
    match l {
        Loc::Gpr { reg, size } => Ok(get_gpr(cpu, reg, size)),
        Loc::High8 { reg } => Ok((cpu.gpr[reg as usize & 3] >> 8) & 0xff),
        Loc::Mem { addr, size } => mem.read(addr, size),
    }
}

#[inline(always)]
pub(crate) fn write(cpu: &mut Cpu, mem: &mut Memory, l: Loc, v: u64) -> Result<(), Fault> {
    match l {
        Loc::Gpr { reg, size } => {
            set_gpr(cpu, reg, size, v);
            Ok(())
        }
        Loc::High8 { reg } => {
            let g = &mut cpu.gpr[reg as usize & 3];
            *g = (*g & !0xff00) | ((v & 0xff) << 8);
            Ok(())
        }
        Loc::Mem { addr, size } => mem.write(addr, size, v),
    }
}

/// Read a source operand at `size` bytes. Immediates come from `Insn::imm`
/// (already sign-extended by the decoder where the instruction sign-extends)
/// truncated to the operation size, so an `imm32` of a 64-bit `add` keeps its
/// sign extension whatever size the decoder recorded for the operand.
#[inline(always)]
pub(crate) fn src(
    cpu: &Cpu,
    mem: &Memory,
    insn: &Insn,
    op: Operand,
    size: u8,
) -> Result<u64, Fault> {
    match op {
        Operand::Gpr { reg, .. } => Ok(get_gpr(cpu, reg, size)),
        Operand::Imm { .. } => Ok(insn.imm & mask(size)),
        Operand::Imm2 { .. } => Ok(insn.imm2 & mask(size)),
        Operand::Mem { size: msize } => {
            Ok(mem.read(cpu.effective_address(&insn.mem), msize.min(8))? & mask(size))
        }
        _ => Ok(cpu.read_op(mem, insn, op)? & mask(size)),
    }
}

/// Sign-extend the low `size` bytes of `v` to 64 bits.
#[inline(always)]
pub(crate) const fn sext(v: u64, size: u8) -> u64 {
    let sh = 64 - size as u32 * 8;
    (((v << sh) as i64) >> sh) as u64
}

/// The most significant bit of `v` at `size` bytes.
#[inline(always)]
pub(crate) const fn msb(v: u64, size: u8) -> bool {
    (v >> (size as u32 * 8 - 1)) & 1 != 0
}

/// Size of an operand that must be a register or memory operand.
#[inline(always)]
pub(crate) fn size_of(op: Operand) -> u8 {
    crate::cpu::op_size(op)
}

#[cfg(test)]
mod tests;
