//! String instructions (movs, stos, lods, scas, cmps) at all element sizes.
//!
//! One element per call: with a REP/REPE/REPNE prefix the count register is
//! decremented and [`Step::Repeat`] asks the interpreter to run the
//! instruction again (it charges gas per iteration). A REP with a zero count
//! does nothing. REPE/REPNE only change the termination of scas/cmps; on
//! movs/stos/lods either prefix means plain REP. With an address-size prefix
//! the 32-bit registers esi/edi/ecx are used (and written zero-extended).
//! The source (rsi) honours an FS/GS override; the destination (rdi) never does.

use super::mask;
use crate::cpu::{reg, Cpu};
use crate::exec::Step;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{prefix, Insn, Op, Seg};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Movs,
    Stos,
    Lods,
    Scas,
    Cmps,
}

#[inline(always)]
fn kind_size(op: Op) -> (Kind, u8) {
    use Op::*;
    match op {
        Movsb => (Kind::Movs, 1),
        Movsw => (Kind::Movs, 2),
        MovsdString => (Kind::Movs, 4),
        Movsq => (Kind::Movs, 8),
        Stosb => (Kind::Stos, 1),
        Stosw => (Kind::Stos, 2),
        Stosd => (Kind::Stos, 4),
        Stosq => (Kind::Stos, 8),
        Lodsb => (Kind::Lods, 1),
        Lodsw => (Kind::Lods, 2),
        Lodsd => (Kind::Lods, 4),
        Lodsq => (Kind::Lods, 8),
        Scasb => (Kind::Scas, 1),
        Scasw => (Kind::Scas, 2),
        Scasd => (Kind::Scas, 4),
        Scasq => (Kind::Scas, 8),
        Cmpsb => (Kind::Cmps, 1),
        Cmpsw => (Kind::Cmps, 2),
        CmpsdString => (Kind::Cmps, 4),
        _ => (Kind::Cmps, 8),
    }
}

/// Index/count register access at the instruction's address size.
#[derive(Clone, Copy)]
struct Regs {
    a32: bool,
}

impl Regs {
    #[inline(always)]
    fn get(self, cpu: &Cpu, r: u8) -> u64 {
        if self.a32 {
            cpu.gpr[r as usize] & 0xffff_ffff
        } else {
            cpu.gpr[r as usize]
        }
    }
    #[inline(always)]
    fn set(self, cpu: &mut Cpu, r: u8, v: u64) {
        cpu.write_gpr(r, if self.a32 { 4 } else { 8 }, v);
    }
    #[inline(always)]
    fn advance(self, cpu: &mut Cpu, r: u8, delta: u64) {
        let v = self.get(cpu, r).wrapping_add(delta);
        self.set(cpu, r, v);
    }
}

#[inline(never)]
pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let (kind, size) = kind_size(insn.op);
    let regs = Regs {
        a32: insn.has_prefix(prefix::ADDR32) || insn.mem.addr32,
    };
    let rep = insn.prefixes & (prefix::REP | prefix::REPNE) != 0;
    if rep && regs.get(cpu, reg::RCX) == 0 {
        return Ok(Step::Next);
    }
    let delta = if cpu.flags.df() {
        (size as u64).wrapping_neg()
    } else {
        size as u64
    };
    let seg_base = match insn.mem.seg {
        Seg::None => 0,
        Seg::Fs => cpu.fs_base,
        Seg::Gs => cpu.gs_base,
    };
    let si = regs.get(cpu, reg::RSI).wrapping_add(seg_base);
    let di = regs.get(cpu, reg::RDI);
    match kind {
        Kind::Movs => {
            let v = mem.read(si, size)?;
            mem.write(di, size, v)?;
            regs.advance(cpu, reg::RSI, delta);
            regs.advance(cpu, reg::RDI, delta);
        }
        Kind::Stos => {
            mem.write(di, size, cpu.gpr[reg::RAX as usize])?;
            regs.advance(cpu, reg::RDI, delta);
        }
        Kind::Lods => {
            let v = mem.read(si, size)?;
            cpu.write_gpr(reg::RAX, size, v);
            regs.advance(cpu, reg::RSI, delta);
        }
        Kind::Scas => {
            let b = mem.read(di, size)?;
            let a = cpu.read_gpr(reg::RAX, size);
            cpu.flags
                .set_sub(size, a, b, false, a.wrapping_sub(b) & mask(size));
            regs.advance(cpu, reg::RDI, delta);
        }
        Kind::Cmps => {
            let a = mem.read(si, size)?;
            let b = mem.read(di, size)?;
            cpu.flags
                .set_sub(size, a, b, false, a.wrapping_sub(b) & mask(size));
            regs.advance(cpu, reg::RSI, delta);
            regs.advance(cpu, reg::RDI, delta);
        }
    }
    if !rep {
        return Ok(Step::Next);
    }
    let c = regs.get(cpu, reg::RCX).wrapping_sub(1);
    regs.set(cpu, reg::RCX, c);
    let more = c != 0
        && match kind {
            Kind::Scas | Kind::Cmps => {
                if insn.has_prefix(prefix::REPNE) {
                    !cpu.flags.zf()
                } else {
                    cpu.flags.zf()
                }
            }
            _ => true,
        };
    Ok(if more { Step::Repeat } else { Step::Next })
}
