//! Flag instructions, clflush and crc32.

use super::{size_of, src};
use crate::cpu::{reg, Cpu};
use crate::exec::Step;
use crate::fault::{Access, Fault};
use crate::flags::{AF, CF, FIXED, PF, SF, ZF};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

/// clc, stc, cmc, cld, std, sahf, lahf.
#[inline(never)]
pub(super) fn flag_op(cpu: &mut Cpu, insn: &Insn) -> Result<Step, Fault> {
    let f = &mut cpu.flags;
    match insn.op {
        Op::Clc => f.update(CF, 0),
        Op::Stc => f.update(CF, CF),
        Op::Cmc => {
            let c = f.cf();
            f.update(CF, if c { 0 } else { CF })
        }
        Op::Cld => f.set_df(false),
        Op::Std => f.set_df(true),
        Op::Sahf => {
            let ah = (cpu.gpr[reg::RAX as usize] >> 8) & 0xff;
            f.update(SF | ZF | AF | PF | CF, ah);
        }
        _ => {
            // lahf: AH = SF:ZF:0:AF:0:PF:1:CF.
            let v = f.get() & (SF | ZF | AF | PF | CF) | FIXED;
            let g = &mut cpu.gpr[reg::RAX as usize];
            *g = (*g & !0xff00) | (v << 8);
        }
    }

    Ok(Step::Next)
}

/// clflush m8: no cache to flush, but the address must be mapped, as on hardware.
#[inline(never)]
pub(super) fn clflush(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let a = cpu.effective_address(&insn.mem);
    mem.check(a, 1, Access::Read)?;
    Ok(Step::Next)
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) byte table.
const CRC32C: [u32; 256] = {
    let mut t = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0x82F6_3B78
            } else {
                c >> 1
            };
            k += 1;
        }
        t[i] = c;
        i += 1;
    }
    t
};

/// crc32 r32/r64, r/m8/16/32/64: accumulate CRC-32C over the source bytes,
/// least significant first, without the pre/post inversion (the instruction
/// leaves that to software). The result is zero-extended into the destination.
#[inline(never)]
pub(super) fn crc32(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let Operand::Gpr {
        reg: dreg,
        size: dsize,
    } = insn.ops[0]
    else {
        return Err(Fault::NotImplemented(
            "crc32 with a non-register destination",
        ));
    };
    let ssize = size_of(insn.ops[1]);
    let s = src(cpu, mem, insn, insn.ops[1], ssize)?;
    let mut crc = cpu.gpr[dreg as usize & 15] as u32;
    for i in 0..ssize as u32 {
        let b = (s >> (8 * i)) as u8;
        crc = (crc >> 8) ^ CRC32C[((crc as u8) ^ b) as usize];
    }
    cpu.write_gpr(dreg, dsize, crc as u64);
    Ok(Step::Next)
}
