//! Conversions between integers, single and double precision. Integer results
//! out of range (or from NaN) are the "integer indefinite" (only the sign bit
//! set); float-width changes keep NaN payloads as the SDM specifies.

use super::fp::{double, double_to_single, single, single_to_double};
use super::lanes::{from_u32s, from_u64s, u32s, u64s, with_lo32, with_lo64};
use super::operand::{binary, read, unary, write};
use crate::cpu::{op_size, Cpu};
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

/// CVTSI2SS / CVTSI2SD: the signed integer `v` (its low 32 bits unless
/// `wide`) converted into the low lane of `d` (single or double), the other
/// lanes kept. The rounding is round-to-nearest-even, the only MXCSR mode
/// the VM allows; Rust's `as` conversion rounds the same way on every host.
/// Shared with the translated form (`exec::fast::sse::int_to_float`).
#[inline(always)]
pub(crate) fn int_to_float(d: u128, v: u64, single_dest: bool, wide: bool) -> u128 {
    match (single_dest, wide) {
        (true, true) => with_lo32(d, single::from_i64(v as i64)),
        (true, false) => with_lo32(d, single::from_i32(v as u32 as i32)),
        (false, true) => with_lo64(d, double::from_i64(v as i64)),
        (false, false) => with_lo64(d, double::from_i32(v as u32 as i32)),
    }
}

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    use Op::*;
    match insn.op {
        Cvtsi2ss | Cvtsi2sd => {
            let wide = op_size(insn.ops[1]) == 8;
            let single_dest = insn.op == Cvtsi2ss;
            binary(cpu, mem, insn, |d, s| {
                int_to_float(d, s as u64, single_dest, wide)
            })
        }
        Cvtss2si | Cvttss2si | Cvtsd2si | Cvttsd2si => {
            let bits = op_size(insn.ops[0]) as u32 * 8;
            if bits != 32 && bits != 64 {
                return Err(Fault::NotImplemented(
                    "cvt*2si destination must be a 32- or 64-bit register",
                ));
            }
            let s = read(cpu, mem, insn, 1)?;
            let v = match insn.op {
                Cvtss2si => single::to_int(s as u32, bits, false),
                Cvttss2si => single::to_int(s as u32, bits, true),
                Cvtsd2si => double::to_int(s as u64, bits, false),
                _ => double::to_int(s as u64, bits, true),
            };
            write(cpu, mem, insn, 0, v as u128)
        }
        Cvtss2sd => binary(cpu, mem, insn, |d, s| {
            with_lo64(d, single_to_double(s as u32))
        }),
        Cvtsd2ss => binary(cpu, mem, insn, |d, s| {
            with_lo32(d, double_to_single(s as u64))
        }),
        Cvtps2pd => unary(cpu, mem, insn, |s| {
            let l = u32s(s);
            from_u64s([single_to_double(l[0]), single_to_double(l[1])])
        }),
        Cvtpd2ps => unary(cpu, mem, insn, |s| {
            let l = u64s(s);
            from_u32s([double_to_single(l[0]), double_to_single(l[1]), 0, 0])
        }),
        Cvtdq2ps => unary(cpu, mem, insn, |s| {
            from_u32s(u32s(s).map(|x| single::from_i32(x as i32)))
        }),
        Cvtps2dq => unary(cpu, mem, insn, |s| {
            from_u32s(u32s(s).map(|x| single::to_int(x, 32, false) as u32))
        }),
        Cvttps2dq => unary(cpu, mem, insn, |s| {
            from_u32s(u32s(s).map(|x| single::to_int(x, 32, true) as u32))
        }),
        Cvtdq2pd => unary(cpu, mem, insn, |s| {
            let l = u32s(s);
            from_u64s([double::from_i32(l[0] as i32), double::from_i32(l[1] as i32)])
        }),
        Cvtpd2dq | Cvttpd2dq => {
            let t = insn.op == Cvttpd2dq;
            unary(cpu, mem, insn, |s| {
                let l = u64s(s);
                from_u32s([
                    double::to_int(l[0], 32, t) as u32,
                    double::to_int(l[1], 32, t) as u32,
                    0,
                    0,
                ])
            })
        }
        op => Err(Fault::NotImplemented(op.name())),
    }
}
