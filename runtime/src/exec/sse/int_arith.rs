//! Packed integer arithmetic: wrapping and saturating add/sub, multiplies,
//! multiply-add, averages, sum of absolute differences, min/max, compares,
//! logic, absolute value, sign, horizontal add/sub.

use super::lanes::*;
use super::operand::{binary, unary};
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

fn all(b: bool) -> u64 {
    if b {
        u64::MAX
    } else {
        0
    }
}
fn sat16(v: i32) -> i16 {
    v.clamp(i16::MIN as i32, i16::MAX as i32) as i16
}

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    use Op::*;
    let op = insn.op;
    if matches!(op, Pabsb | Pabsw | Pabsd) {
        return unary(cpu, mem, insn, |s| match op {
            Pabsb => map(s, i8s, from_i8s, |x| x.unsigned_abs() as i8),
            Pabsw => map(s, i16s, from_i16s, |x| x.unsigned_abs() as i16),
            _ => map(s, i32s, from_i32s, |x| x.unsigned_abs() as i32),
        });
    }
    let Some(f) = lane_op(op) else {
        return Err(Fault::NotImplemented(op.name()));
    };
    binary(cpu, mem, insn, f)
}

/// The lane function `dest = f(dest, src)` of a two-operand packed integer
/// operation (shared with the translated handlers of `exec::fast`).
pub(crate) fn lane_op(op: Op) -> Option<fn(u128, u128) -> u128> {
    visit_lane_op(op, AsPointer)
}

/// [`lane_op`] handed to a [`LaneVisit`]or as its own type.
pub(crate) fn visit_lane_op<V: LaneVisit>(op: Op, v: V) -> Option<V::Out> {
    use Op::*;
    Some(match op {
        Paddb => v.visit(|d, s| zip(d, s, u8s, from_u8s, u8::wrapping_add)),
        Paddw => v.visit(|d, s| zip(d, s, u16s, from_u16s, u16::wrapping_add)),
        Paddd => v.visit(|d, s| zip(d, s, u32s, from_u32s, u32::wrapping_add)),
        Paddq => v.visit(|d, s| zip(d, s, u64s, from_u64s, u64::wrapping_add)),
        Psubb => v.visit(|d, s| zip(d, s, u8s, from_u8s, u8::wrapping_sub)),
        Psubw => v.visit(|d, s| zip(d, s, u16s, from_u16s, u16::wrapping_sub)),
        Psubd => v.visit(|d, s| zip(d, s, u32s, from_u32s, u32::wrapping_sub)),
        Psubq => v.visit(|d, s| zip(d, s, u64s, from_u64s, u64::wrapping_sub)),
        Paddsb => v.visit(|d, s| zip(d, s, i8s, from_i8s, i8::saturating_add)),
        Paddsw => v.visit(|d, s| zip(d, s, i16s, from_i16s, i16::saturating_add)),
        Paddusb => v.visit(|d, s| zip(d, s, u8s, from_u8s, u8::saturating_add)),
        Paddusw => v.visit(|d, s| zip(d, s, u16s, from_u16s, u16::saturating_add)),
        Psubsb => v.visit(|d, s| zip(d, s, i8s, from_i8s, i8::saturating_sub)),
        Psubsw => v.visit(|d, s| zip(d, s, i16s, from_i16s, i16::saturating_sub)),
        Psubusb => v.visit(|d, s| zip(d, s, u8s, from_u8s, u8::saturating_sub)),
        Psubusw => v.visit(|d, s| zip(d, s, u16s, from_u16s, u16::saturating_sub)),
        Pmullw => v.visit(|d, s| zip(d, s, u16s, from_u16s, u16::wrapping_mul)),
        Pmulld => v.visit(|d, s| zip(d, s, u32s, from_u32s, u32::wrapping_mul)),
        Pmulhw => v.visit(|d, s| {
            zip(d, s, i16s, from_i16s, |a, b| {
                ((a as i32 * b as i32) >> 16) as i16
            })
        }),
        Pmulhuw => v.visit(|d, s| {
            zip(d, s, u16s, from_u16s, |a, b| {
                ((a as u32 * b as u32) >> 16) as u16
            })
        }),
        Pmulhrsw => v.visit(|d, s| {
            zip(d, s, i16s, from_i16s, |a, b| {
                ((((a as i32 * b as i32) >> 14) + 1) >> 1) as i16
            })
        }),
        // Even dword lanes, widened to 64-bit products.
        Pmuludq => v.visit(|d, s| {
            let (a, b) = (u64s(d), u64s(s));
            from_u64s([
                (a[0] as u32 as u64) * (b[0] as u32 as u64),
                (a[1] as u32 as u64) * (b[1] as u32 as u64),
            ])
        }),
        Pmuldq => v.visit(|d, s| {
            let (a, b) = (u64s(d), u64s(s));
            let m = |x: u64, y: u64| {
                (x as u32 as i32 as i64).wrapping_mul(y as u32 as i32 as i64) as u64
            };
            from_u64s([m(a[0], b[0]), m(a[1], b[1])])
        }),
        // Signed words multiplied, adjacent products summed (wraps only for 4 x -32768).
        Pmaddwd => v.visit(|d, s| {
            let (a, b) = (i16s(d), i16s(s));
            from_i32s(core::array::from_fn(|i| {
                (a[2 * i] as i32 * b[2 * i] as i32)
                    .wrapping_add(a[2 * i + 1] as i32 * b[2 * i + 1] as i32)
            }))
        }),
        // Unsigned bytes of the destination times signed bytes of the source, pairs summed with saturation.
        Pmaddubsw => v.visit(|d, s| {
            let (a, b) = (u8s(d), i8s(s));
            from_i16s(core::array::from_fn(|i| {
                sat16(a[2 * i] as i32 * b[2 * i] as i32 + a[2 * i + 1] as i32 * b[2 * i + 1] as i32)
            }))
        }),
        Pavgb => v.visit(|d, s| {
            zip(d, s, u8s, from_u8s, |a, b| {
                ((a as u16 + b as u16 + 1) >> 1) as u8
            })
        }),
        Pavgw => v.visit(|d, s| {
            zip(d, s, u16s, from_u16s, |a, b| {
                ((a as u32 + b as u32 + 1) >> 1) as u16
            })
        }),
        Psadbw => v.visit(|d, s| {
            let (a, b) = (u8s(d), u8s(s));
            let sum = |h: usize| {
                (0..8)
                    .map(|i| a[h * 8 + i].abs_diff(b[h * 8 + i]) as u64)
                    .sum::<u64>()
            };
            from_u64s([sum(0), sum(1)])
        }),
        Pmaxsb => v.visit(|d, s| zip(d, s, i8s, from_i8s, i8::max)),
        Pmaxsw => v.visit(|d, s| zip(d, s, i16s, from_i16s, i16::max)),
        Pmaxsd => v.visit(|d, s| zip(d, s, i32s, from_i32s, i32::max)),
        Pmaxub => v.visit(|d, s| zip(d, s, u8s, from_u8s, u8::max)),
        Pmaxuw => v.visit(|d, s| zip(d, s, u16s, from_u16s, u16::max)),
        Pmaxud => v.visit(|d, s| zip(d, s, u32s, from_u32s, u32::max)),
        Pminsb => v.visit(|d, s| zip(d, s, i8s, from_i8s, i8::min)),
        Pminsw => v.visit(|d, s| zip(d, s, i16s, from_i16s, i16::min)),
        Pminsd => v.visit(|d, s| zip(d, s, i32s, from_i32s, i32::min)),
        Pminub => v.visit(|d, s| zip(d, s, u8s, from_u8s, u8::min)),
        Pminuw => v.visit(|d, s| zip(d, s, u16s, from_u16s, u16::min)),
        Pminud => v.visit(|d, s| zip(d, s, u32s, from_u32s, u32::min)),
        Pand => v.visit(|d, s| d & s),
        Pandn => v.visit(|d, s| !d & s),
        Por => v.visit(|d, s| d | s),
        Pxor => v.visit(|d, s| d ^ s),
        Pcmpeqb => v.visit(|d, s| zip(d, s, u8s, from_u8s, |a, b| all(a == b) as u8)),
        Pcmpeqw => v.visit(|d, s| zip(d, s, u16s, from_u16s, |a, b| all(a == b) as u16)),
        Pcmpeqd => v.visit(|d, s| zip(d, s, u32s, from_u32s, |a, b| all(a == b) as u32)),
        Pcmpeqq => v.visit(|d, s| zip(d, s, u64s, from_u64s, |a, b| all(a == b))),
        Pcmpgtb => v.visit(|d, s| zip(d, s, i8s, from_i8s, |a, b| all(a > b) as i8)),
        Pcmpgtw => v.visit(|d, s| zip(d, s, i16s, from_i16s, |a, b| all(a > b) as i16)),
        Pcmpgtd => v.visit(|d, s| zip(d, s, i32s, from_i32s, |a, b| all(a > b) as i32)),
        Pcmpgtq => v.visit(|d, s| zip(d, s, i64s, from_i64s, |a, b| all(a > b) as i64)),
        // dest = dest negated / zeroed / kept by the sign of the source lane.
        Psignb => v.visit(|d, s| {
            zip(d, s, i8s, from_i8s, |a, b| {
                if b < 0 {
                    a.wrapping_neg()
                } else if b == 0 {
                    0
                } else {
                    a
                }
            })
        }),
        Psignw => v.visit(|d, s| {
            zip(d, s, i16s, from_i16s, |a, b| {
                if b < 0 {
                    a.wrapping_neg()
                } else if b == 0 {
                    0
                } else {
                    a
                }
            })
        }),
        Psignd => v.visit(|d, s| {
            zip(d, s, i32s, from_i32s, |a, b| {
                if b < 0 {
                    a.wrapping_neg()
                } else if b == 0 {
                    0
                } else {
                    a
                }
            })
        }),
        // Horizontal: adjacent pairs of the destination fill the low half, of the source the high half.
        Phaddw => v.visit(|d, s| horizontal16(d, s, |a, b| a.wrapping_add(b))),
        Phaddsw => v.visit(|d, s| horizontal16(d, s, i16::saturating_add)),
        Phsubw => v.visit(|d, s| horizontal16(d, s, |a, b| a.wrapping_sub(b))),
        Phsubsw => v.visit(|d, s| horizontal16(d, s, i16::saturating_sub)),
        Phaddd => v.visit(|d, s| horizontal32(d, s, i32::wrapping_add)),
        Phsubd => v.visit(|d, s| horizontal32(d, s, i32::wrapping_sub)),
        _ => return None,
    })
}

fn horizontal16(d: u128, s: u128, f: fn(i16, i16) -> i16) -> u128 {
    let (a, b) = (i16s(d), i16s(s));
    from_i16s(core::array::from_fn(|i| {
        if i < 4 {
            f(a[2 * i], a[2 * i + 1])
        } else {
            f(b[2 * i - 8], b[2 * i - 7])
        }
    }))
}

fn horizontal32(d: u128, s: u128, f: fn(i32, i32) -> i32) -> u128 {
    let (a, b) = (i32s(d), i32s(s));
    from_i32s([f(a[0], a[1]), f(a[2], a[3]), f(b[0], b[1]), f(b[2], b[3])])
}
