//! Architectural register state and operand access shared by all execution modules.

use crate::fault::Fault;
use crate::flags::Flags;
use crate::memory::Memory;
use echovm_decoder::{Insn, MemRef, Operand, Seg, NO_REG, RIP_BASE};

/// General register numbers, in encoding order.
pub mod reg {
    pub const RAX: u8 = 0;
    pub const RCX: u8 = 1;
    pub const RDX: u8 = 2;
    pub const RBX: u8 = 3;
    pub const RSP: u8 = 4;
    pub const RBP: u8 = 5;
    pub const RSI: u8 = 6;
    pub const RDI: u8 = 7;
    pub const R8: u8 = 8;
    pub const R9: u8 = 9;
    pub const R10: u8 = 10;
}

/// Default MXCSR; the only value the VM allows.
pub const MXCSR_DEFAULT: u32 = 0x1F80;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cpu {
    pub gpr: [u64; 16],
    pub rip: u64,
    pub flags: Flags,
    /// XMM registers, lane 0 in the low bits.
    pub xmm: [u128; 16],
    pub mxcsr: u32,
    pub fs_base: u64,
    pub gs_base: u64,
    /// The gas left while blocks run threaded (`interp::hot_loop`). Not
    /// architectural: it lives here because the threaded handlers get only
    /// the CPU and memory, and a side exit that runs its trace charges the
    /// trace itself (`exec::fast::control::side_exit`). Outside threaded
    /// runs the interpreter's own figures are the meter.
    pub meter: u64,
}

impl Default for Cpu {
    fn default() -> Self {
        Cpu {
            gpr: [0; 16],
            rip: 0,
            flags: Flags::default(),
            xmm: [0; 16],
            mxcsr: MXCSR_DEFAULT,
            fs_base: 0,
            gs_base: 0,
            meter: 0,
        }
    }
}

/// Mask of the low `size` bytes.
#[inline]
pub const fn mask(size: u8) -> u64 {
    if size >= 8 {
        u64::MAX
    } else {
        (1u64 << (size as u32 * 8)) - 1
    }
}

impl Cpu {
    /// Read general register `r` at `size` bytes (zero-extended).
    #[inline]
    pub fn read_gpr(&self, r: u8, size: u8) -> u64 {
        self.gpr[r as usize & 15] & mask(size)
    }

    /// Write general register `r` at `size` bytes with x86-64 rules: 32-bit writes
    /// zero the upper half, 8- and 16-bit writes merge.
    #[inline]
    pub fn write_gpr(&mut self, r: u8, size: u8, v: u64) {
        let g = &mut self.gpr[r as usize & 15];
        *g = match size {
            8 => v,
            4 => v & 0xffff_ffff,
            _ => (*g & !mask(size)) | (v & mask(size)),
        };
    }

    /// Effective address of a memory operand (segment base included).
    #[inline]
    pub fn effective_address(&self, m: &MemRef) -> u64 {
        let mut a = m.disp as u64;
        if m.base != NO_REG && m.base != RIP_BASE {
            a = a.wrapping_add(self.gpr[m.base as usize & 15]);
        }
        if m.index != NO_REG {
            a = a.wrapping_add(self.gpr[m.index as usize & 15].wrapping_mul(m.scale as u64));
        }
        if m.addr32 {
            a &= 0xffff_ffff;
        }
        match m.seg {
            Seg::None => a,
            Seg::Fs => a.wrapping_add(self.fs_base),
            Seg::Gs => a.wrapping_add(self.gs_base),
        }
    }

    /// Read a non-XMM operand, zero-extended to 64 bits. Immediates are returned
    /// as the decoder stored them, masked to the operand's size.
    #[inline]
    pub fn read_op(&self, mem: &Memory, insn: &Insn, op: Operand) -> Result<u64, Fault> {
        match op {
            Operand::Gpr { reg, size } => Ok(self.read_gpr(reg, size)),
            Operand::GprHigh8 { reg } => Ok((self.gpr[reg as usize & 3] >> 8) & 0xff),
            Operand::Mem { size } => mem.read(self.effective_address(&insn.mem), size.min(8)),
            Operand::Imm { size } => Ok(insn.imm & mask(size)),
            Operand::Imm2 { size } => Ok(insn.imm2 & mask(size)),
            Operand::Xmm(x) => Ok(self.xmm[x as usize & 15] as u64),
            Operand::None => Ok(0),
        }
    }

    /// Write a non-XMM destination operand.
    #[inline]
    pub fn write_op(
        &mut self,
        mem: &mut Memory,
        insn: &Insn,
        op: Operand,
        v: u64,
    ) -> Result<(), Fault> {
        match op {
            Operand::Gpr { reg, size } => {
                self.write_gpr(reg, size, v);
                Ok(())
            }
            Operand::GprHigh8 { reg } => {
                let g = &mut self.gpr[reg as usize & 3];
                *g = (*g & !0xff00) | ((v & 0xff) << 8);
                Ok(())
            }
            Operand::Mem { size } => mem.write(self.effective_address(&insn.mem), size.min(8), v),
            Operand::Xmm(x) => {
                self.xmm[x as usize & 15] = v as u128;
                Ok(())
            }
            Operand::Imm { .. } | Operand::Imm2 { .. } | Operand::None => {
                Err(Fault::NotImplemented("write to a non-writable operand"))
            }
        }
    }
}

/// Size in bytes of an operand (0 for none).
pub fn op_size(op: Operand) -> u8 {
    match op {
        Operand::Gpr { size, .. }
        | Operand::Mem { size }
        | Operand::Imm { size }
        | Operand::Imm2 { size } => size,
        Operand::GprHigh8 { .. } => 1,
        Operand::Xmm(_) => 16,
        Operand::None => 0,
    }
}
