//! Packed shifts. The count is an imm8 or the low 64 bits of an XMM/m128
//! operand; counts past the lane width give zero (logical) or the sign fill
//! (arithmetic). PSLLDQ/PSRLDQ shift the whole register by bytes.

use super::lanes::*;
use super::operand::binary;
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    let Some(f) = shift_op(insn.op) else {
        return Err(Fault::NotImplemented(insn.op.name()));
    };
    binary(cpu, mem, insn, f)
}

/// `dest = f(dest, count)` of a packed shift, the count being the low 64
/// bits of the source (an XMM/m128 operand, or the imm8 zero-extended).
/// Shared with the translated handlers of `exec::fast`.
pub(crate) fn shift_op(op: Op) -> Option<fn(u128, u128) -> u128> {
    visit_shift_op(op, AsPointer)
}

/// [`shift_op`] handed to a [`LaneVisit`]or as its own type.
pub(crate) fn visit_shift_op<V: LaneVisit>(op: Op, v: V) -> Option<V::Out> {
    use Op::*;
    Some(match op {
        Psllw => v.visit(|d, s| {
            let n = s as u64;
            map(d, u16s, from_u16s, |x| if n > 15 { 0 } else { x << n })
        }),
        Pslld => v.visit(|d, s| {
            let n = s as u64;
            map(d, u32s, from_u32s, |x| if n > 31 { 0 } else { x << n })
        }),
        Psllq => v.visit(|d, s| {
            let n = s as u64;
            map(d, u64s, from_u64s, |x| if n > 63 { 0 } else { x << n })
        }),
        Psrlw => v.visit(|d, s| {
            let n = s as u64;
            map(d, u16s, from_u16s, |x| if n > 15 { 0 } else { x >> n })
        }),
        Psrld => v.visit(|d, s| {
            let n = s as u64;
            map(d, u32s, from_u32s, |x| if n > 31 { 0 } else { x >> n })
        }),
        Psrlq => v.visit(|d, s| {
            let n = s as u64;
            map(d, u64s, from_u64s, |x| if n > 63 { 0 } else { x >> n })
        }),
        Psraw => v.visit(|d, s| {
            let n = s as u64;
            map(d, i16s, from_i16s, |x| x >> n.min(15))
        }),
        Psrad => v.visit(|d, s| {
            let n = s as u64;
            map(d, i32s, from_i32s, |x| x >> n.min(31))
        }),
        Pslldq => v.visit(|d, s| {
            let n = s as u64;
            if n > 15 {
                0
            } else {
                d << (n * 8)
            }
        }),
        Psrldq => v.visit(|d, s| {
            let n = s as u64;
            if n > 15 {
                0
            } else {
                d >> (n * 8)
            }
        }),
        _ => return None,
    })
}
