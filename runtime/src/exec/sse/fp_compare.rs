//! Floating-point comparisons: CMPPS/SS/PD/SD masks (imm8[2:0] predicate) and
//! (U)COMISS/SD, which report the ordering in ZF/PF/CF and clear OF/SF/AF.
//! Signalling vs quiet predicates differ only in the (masked) invalid exception.

use super::fp::{double, single};
use super::lanes::{from_u32s, from_u64s, u32s, u64s, with_lo32, with_lo64};
use super::operand::{binary, imm8, read, xmm};
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::flags::{AF, CF, OF, PF, SF, ZF};
use crate::memory::Memory;
use core::cmp::Ordering;
use echovm_decoder::{Insn, Op};

fn mask32(b: bool) -> u32 {
    if b {
        u32::MAX
    } else {
        0
    }
}
fn mask64(b: bool) -> u64 {
    if b {
        u64::MAX
    } else {
        0
    }
}

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    use Op::*;
    let p = imm8(insn);
    match insn.op {
        Cmpps => binary(cpu, mem, insn, |d, s| {
            let (a, b) = (u32s(d), u32s(s));
            from_u32s(core::array::from_fn(|i| {
                mask32(single::compare(a[i], b[i], p))
            }))
        }),
        Cmppd => binary(cpu, mem, insn, |d, s| {
            let (a, b) = (u64s(d), u64s(s));
            from_u64s(core::array::from_fn(|i| {
                mask64(double::compare(a[i], b[i], p))
            }))
        }),
        Cmpss => binary(cpu, mem, insn, |d, s| {
            with_lo32(d, mask32(single::compare(d as u32, s as u32, p)))
        }),
        Cmpsd => binary(cpu, mem, insn, |d, s| {
            with_lo64(d, mask64(double::compare(d as u64, s as u64, p)))
        }),
        Comiss | Ucomiss | Comisd | Ucomisd => {
            let a = cpu.xmm[xmm(insn, 0)?];
            let b = read(cpu, mem, insn, 1)?;
            let ord = if matches!(insn.op, Comiss | Ucomiss) {
                single::order(a as u32, b as u32)
            } else {
                double::order(a as u64, b as u64)
            };
            let set = match ord {
                None => ZF | PF | CF,
                Some(Ordering::Greater) => 0,
                Some(Ordering::Less) => CF,
                Some(Ordering::Equal) => ZF,
            };
            let f = cpu.flags.get() & !(ZF | PF | CF | OF | SF | AF);
            cpu.flags.set(f | set);
            Ok(())
        }
        op => Err(Fault::NotImplemented(op.name())),
    }
}
