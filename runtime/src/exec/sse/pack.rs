//! Narrowing packs with saturation and widening sign/zero extensions.

use super::lanes::*;
use super::operand::binary;
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

/// The lane function `dest = f(dest, src)` of the narrowing packs, handed
/// to a [`LaneVisit`]or (shared with the translated handlers of
/// `exec::fast`). Destination lanes fill the low half of the result, source
/// lanes the high half.
pub(crate) fn visit_pack_op<V: LaneVisit>(op: Op, v: V) -> Option<V::Out> {
    use Op::*;
    Some(match op {
        Packsswb => v.visit(|d, s| {
            let (a, b) = (i16s(d), i16s(s));
            from_i8s(core::array::from_fn(|i| {
                let v = if i < 8 { a[i] } else { b[i - 8] };
                v.clamp(i8::MIN as i16, i8::MAX as i16) as i8
            }))
        }),
        Packuswb => v.visit(|d, s| {
            let (a, b) = (i16s(d), i16s(s));
            from_u8s(core::array::from_fn(|i| {
                let v = if i < 8 { a[i] } else { b[i - 8] };
                v.clamp(0, 255) as u8
            }))
        }),
        Packssdw => v.visit(|d, s| {
            let (a, b) = (i32s(d), i32s(s));
            from_i16s(core::array::from_fn(|i| {
                let v = if i < 4 { a[i] } else { b[i - 4] };
                v.clamp(i16::MIN as i32, i16::MAX as i32) as i16
            }))
        }),
        Packusdw => v.visit(|d, s| {
            let (a, b) = (i32s(d), i32s(s));
            from_u16s(core::array::from_fn(|i| {
                let v = if i < 4 { a[i] } else { b[i - 4] };
                v.clamp(0, 65535) as u16
            }))
        }),
        _ => return None,
    })
}

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    use Op::*;
    if let Some(f) = visit_pack_op(insn.op, AsPointer) {
        return binary(cpu, mem, insn, f);
    }
    let op = insn.op;
    binary(cpu, mem, insn, |_, s| match op {
        // Widen the low lanes of the source (a memory source is only as wide as needed).
        Pmovsxbw => from_i16s(core::array::from_fn(|i| i8s(s)[i] as i16)),
        Pmovsxbd => from_i32s(core::array::from_fn(|i| i8s(s)[i] as i32)),
        Pmovsxbq => from_i64s(core::array::from_fn(|i| i8s(s)[i] as i64)),
        Pmovsxwd => from_i32s(core::array::from_fn(|i| i16s(s)[i] as i32)),
        Pmovsxwq => from_i64s(core::array::from_fn(|i| i16s(s)[i] as i64)),
        Pmovsxdq => from_i64s(core::array::from_fn(|i| i32s(s)[i] as i64)),
        Pmovzxbw => from_u16s(core::array::from_fn(|i| u8s(s)[i] as u16)),
        Pmovzxbd => from_u32s(core::array::from_fn(|i| u8s(s)[i] as u32)),
        Pmovzxbq => from_u64s(core::array::from_fn(|i| u8s(s)[i] as u64)),
        Pmovzxwd => from_u32s(core::array::from_fn(|i| u16s(s)[i] as u32)),
        Pmovzxwq => from_u64s(core::array::from_fn(|i| u16s(s)[i] as u64)),
        _ => from_u64s(core::array::from_fn(|i| u32s(s)[i] as u64)),
    })
}
