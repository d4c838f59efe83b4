//! Data movement: full-vector loads/stores, scalar and half-vector moves with
//! their distinct upper-lane rules, GPR transfers, sign-mask extraction,
//! duplicating loads, masked store and the MXCSR load/store.

use super::lanes::{from_u32s, hi, lo, pair, u32s, u64s, u8s, with_lo32, with_lo64};
use super::operand::{is_mem, read, write, xmm};
use crate::cpu::{Cpu, MXCSR_DEFAULT};
use crate::fault::{Access, Fault};
use crate::memory::Memory;
use echovm_decoder::{prefix, Insn, Op, Operand, Seg};

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    use Op::*;
    match insn.op {
        // Whole-register moves; alignment is enforced by `operand` per opcode.
        Movaps | Movups | Movapd | Movupd | Movdqa | Movdqu | Movntps | Movntpd | Movntdq
        | Movntdqa | Lddqu => {
            let v = read(cpu, mem, insn, 1)?;
            write(cpu, mem, insn, 0, v)
        }
        // Register-to-register merges the low lane; a load zeroes the rest; a store writes the lane.
        Movss | Movsd => {
            let v = read(cpu, mem, insn, 1)?;
            match (insn.ops[0], insn.ops[1]) {
                (Operand::Xmm(_), Operand::Xmm(_)) => {
                    let d = xmm(insn, 0)?;
                    cpu.xmm[d] = if insn.op == Movss {
                        with_lo32(cpu.xmm[d], v as u32)
                    } else {
                        with_lo64(cpu.xmm[d], v as u64)
                    };
                    Ok(())
                }
                _ => write(cpu, mem, insn, 0, v),
            }
        }
        Movlps | Movlpd => {
            let v = read(cpu, mem, insn, 1)?;
            if is_mem(insn, 0) {
                write(cpu, mem, insn, 0, lo(v) as u128)
            } else {
                let d = xmm(insn, 0)?;
                cpu.xmm[d] = with_lo64(cpu.xmm[d], lo(v));
                Ok(())
            }
        }
        Movhps | Movhpd => {
            let v = read(cpu, mem, insn, 1)?;
            if is_mem(insn, 0) {
                write(cpu, mem, insn, 0, hi(v) as u128)
            } else {
                let d = xmm(insn, 0)?;
                cpu.xmm[d] = pair(lo(cpu.xmm[d]), lo(v));
                Ok(())
            }
        }
        Movhlps => {
            let (d, s) = (xmm(insn, 0)?, read(cpu, mem, insn, 1)?);
            cpu.xmm[d] = pair(hi(s), hi(cpu.xmm[d]));
            Ok(())
        }
        Movlhps => {
            let (d, s) = (xmm(insn, 0)?, read(cpu, mem, insn, 1)?);
            cpu.xmm[d] = pair(lo(cpu.xmm[d]), lo(s));
            Ok(())
        }
        // Zero-extending transfers between XMM and GPR/memory.
        Movd | Movq => {
            let mut v = read(cpu, mem, insn, 1)?;
            if matches!(insn.ops[1], Operand::Xmm(_)) {
                v &= if insn.op == Movd {
                    0xffff_ffff
                } else {
                    u64::MAX as u128
                };
            }
            write(cpu, mem, insn, 0, v)
        }
        Movmskps => {
            let s = read(cpu, mem, insn, 1)?;
            let m = u32s(s)
                .iter()
                .enumerate()
                .fold(0u128, |m, (i, x)| m | (((x >> 31) as u128) << i));
            write(cpu, mem, insn, 0, m)
        }
        Movmskpd => {
            let s = read(cpu, mem, insn, 1)?;
            let m = u64s(s)
                .iter()
                .enumerate()
                .fold(0u128, |m, (i, x)| m | (((x >> 63) as u128) << i));
            write(cpu, mem, insn, 0, m)
        }
        Pmovmskb => {
            let s = read(cpu, mem, insn, 1)?;
            let m = u8s(s)
                .iter()
                .enumerate()
                .fold(0u128, |m, (i, x)| m | (((x >> 7) as u128) << i));
            write(cpu, mem, insn, 0, m)
        }
        Movddup => {
            let s = lo(read(cpu, mem, insn, 1)?);
            let d = xmm(insn, 0)?;
            cpu.xmm[d] = pair(s, s);
            Ok(())
        }
        Movshdup | Movsldup => {
            let s = u32s(read(cpu, mem, insn, 1)?);
            let k = if insn.op == Movshdup { 1 } else { 0 };
            let d = xmm(insn, 0)?;
            cpu.xmm[d] = from_u32s([s[k], s[k], s[2 + k], s[2 + k]]);
            Ok(())
        }
        Maskmovdqu => maskmovdqu(cpu, mem, insn),
        Ldmxcsr => {
            let v = read(cpu, mem, insn, 0)? as u32;
            if v != MXCSR_DEFAULT {
                return Err(Fault::Mxcsr { value: v });
            }
            cpu.mxcsr = v;
            Ok(())
        }
        Stmxcsr => write(cpu, mem, insn, 0, cpu.mxcsr as u128),
        op => Err(Fault::NotImplemented(op.name())),
    }
}

/// MASKMOVDQU: store the bytes of the first operand whose mask byte (second
/// operand) has its top bit set, to DS:[RDI]. All selected bytes are checked
/// before any is written, so a fault leaves memory unchanged.
fn maskmovdqu(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    let data = u8s(cpu.xmm[xmm(insn, 0)?]);
    let mask = u8s(cpu.xmm[xmm(insn, 1)?]);
    let mut addr = cpu.gpr[crate::cpu::reg::RDI as usize];
    if insn.has_prefix(prefix::ADDR32) || insn.mem.addr32 {
        addr &= 0xffff_ffff;
    }
    addr = match insn.mem.seg {
        Seg::None => addr,
        Seg::Fs => addr.wrapping_add(cpu.fs_base),
        Seg::Gs => addr.wrapping_add(cpu.gs_base),
    };
    for i in (0..16).filter(|&i| mask[i] & 0x80 != 0) {
        mem.check(addr.wrapping_add(i as u64), 1, Access::Write)?;
    }
    for i in (0..16).filter(|&i| mask[i] & 0x80 != 0) {
        mem.write(addr.wrapping_add(i as u64), 1, data[i] as u64)?;
    }
    Ok(())
}
