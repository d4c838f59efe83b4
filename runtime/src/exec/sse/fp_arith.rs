//! Floating-point arithmetic: add/sub/mul/div/sqrt/min/max (packed and scalar),
//! bitwise logic, addsub, horizontal add/sub, dot products and rounding. All
//! lane math goes through the bit-exact core in `fp`.

use super::fp::{double, single};
use super::fp_packed;
use super::lanes::{
    from_u32s, from_u64s, u32s, u64s, with_lo32, with_lo64, zip, AsPointer, LaneVisit,
};
use super::operand::{binary, imm8, read, unary, xmm};
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

type S = fn(u32, u32) -> u32;
type D = fn(u64, u64) -> u64;

/// Packed single: lane-wise `f(dest, src)`.
#[inline(always)]
fn ps(d: u128, s: u128, f: S) -> u128 {
    zip(d, s, u32s, from_u32s, f)
}
/// Scalar single: lane 0 computed, lanes 1..3 of the destination kept.
#[inline(always)]
fn ss(d: u128, s: u128, f: S) -> u128 {
    with_lo32(d, f(d as u32, s as u32))
}
#[inline(always)]
fn pd(d: u128, s: u128, f: D) -> u128 {
    zip(d, s, u64s, from_u64s, f)
}
#[inline(always)]
fn sd(d: u128, s: u128, f: D) -> u128 {
    with_lo64(d, f(d as u64, s as u64))
}

/// The lane function `dest = f(dest, src)` of the two-operand arithmetic and
/// logic operations (shared with the translated handlers of `exec::fast`).
pub(crate) fn lane_op(op: Op) -> Option<fn(u128, u128) -> u128> {
    visit_lane_op(op, AsPointer)
}

/// A packed `+ - * /`: exact lane by lane for the general path, and for the
/// translated handlers the one-NaN-test form (`fp_packed`), which declines
/// when a lane is a NaN.
macro_rules! packed {
    ($v:expr, $prec:ident, $lanes:ident, $exact:ident, $op:ident) => {
        $v.visit_fast(
            |d, s| $lanes(d, s, $prec::$exact),
            #[inline(always)]
            |d, s| fp_packed::$lanes::<{ fp_packed::$op }>(d, s),
        )
    };
}

/// [`lane_op`] handed to a [`LaneVisit`]or as its own type.
pub(crate) fn visit_lane_op<V: LaneVisit>(op: Op, v: V) -> Option<V::Out> {
    use Op::*;
    Some(match op {
        Addps => packed!(v, single, ps, add, ADD),
        Subps => packed!(v, single, ps, sub, SUB),
        Mulps => packed!(v, single, ps, mul, MUL),
        Divps => packed!(v, single, ps, div, DIV),
        Minps => v.visit(|d, s| ps(d, s, single::min)),
        Maxps => v.visit(|d, s| ps(d, s, single::max)),
        Addss => v.visit(|d, s| ss(d, s, single::add)),
        Subss => v.visit(|d, s| ss(d, s, single::sub)),
        Mulss => v.visit(|d, s| ss(d, s, single::mul)),
        Divss => v.visit(|d, s| ss(d, s, single::div)),
        Minss => v.visit(|d, s| ss(d, s, single::min)),
        Maxss => v.visit(|d, s| ss(d, s, single::max)),
        Addpd => packed!(v, double, pd, add, ADD),
        Subpd => packed!(v, double, pd, sub, SUB),
        Mulpd => packed!(v, double, pd, mul, MUL),
        Divpd => packed!(v, double, pd, div, DIV),
        Minpd => v.visit(|d, s| pd(d, s, double::min)),
        Maxpd => v.visit(|d, s| pd(d, s, double::max)),
        Addsd => v.visit(|d, s| sd(d, s, double::add)),
        Subsd => v.visit(|d, s| sd(d, s, double::sub)),
        Mulsd => v.visit(|d, s| sd(d, s, double::mul)),
        Divsd => v.visit(|d, s| sd(d, s, double::div)),
        Minsd => v.visit(|d, s| sd(d, s, double::min)),
        Maxsd => v.visit(|d, s| sd(d, s, double::max)),
        Sqrtss => v.visit(|d, s| with_lo32(d, single::sqrt(s as u32))),
        Sqrtsd => v.visit(|d, s| with_lo64(d, double::sqrt(s as u64))),
        Andps | Andpd => v.visit(|d, s| d & s),
        Andnps | Andnpd => v.visit(|d, s| !d & s),
        Orps | Orpd => v.visit(|d, s| d | s),
        Xorps | Xorpd => v.visit(|d, s| d ^ s),
        _ => return None,
    })
}

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    use Op::*;
    if let Some(f) = lane_op(insn.op) {
        return binary(cpu, mem, insn, f);
    }
    let imm = imm8(insn);
    match insn.op {
        Sqrtps => unary(cpu, mem, insn, |s| {
            let mut l = u32s(s);
            l.iter_mut().for_each(|x| *x = single::sqrt(*x));
            from_u32s(l)
        }),
        Sqrtpd => unary(cpu, mem, insn, |s| {
            let mut l = u64s(s);
            l.iter_mut().for_each(|x| *x = double::sqrt(*x));
            from_u64s(l)
        }),
        Addsubps => binary(cpu, mem, insn, |d, s| {
            let (a, b) = (u32s(d), u32s(s));
            from_u32s([
                single::sub(a[0], b[0]),
                single::add(a[1], b[1]),
                single::sub(a[2], b[2]),
                single::add(a[3], b[3]),
            ])
        }),
        Addsubpd => binary(cpu, mem, insn, |d, s| {
            let (a, b) = (u64s(d), u64s(s));
            from_u64s([double::sub(a[0], b[0]), double::add(a[1], b[1])])
        }),
        Haddps => ps_horizontal(cpu, mem, insn, single::add),
        Hsubps => ps_horizontal(cpu, mem, insn, single::sub),
        Haddpd => pd_horizontal(cpu, mem, insn, double::add),
        Hsubpd => pd_horizontal(cpu, mem, insn, double::sub),
        Roundps => unary(cpu, mem, insn, |s| {
            let mut l = u32s(s);
            l.iter_mut().for_each(|x| *x = single::round(*x, imm));
            from_u32s(l)
        }),
        Roundpd => unary(cpu, mem, insn, |s| {
            let mut l = u64s(s);
            l.iter_mut().for_each(|x| *x = double::round(*x, imm));
            from_u64s(l)
        }),
        Roundss => binary(cpu, mem, insn, |d, s| {
            with_lo32(d, single::round(s as u32, imm))
        }),
        Roundsd => binary(cpu, mem, insn, |d, s| {
            with_lo64(d, double::round(s as u64, imm))
        }),
        Dpps => binary(cpu, mem, insn, |d, s| dpps(d, s, imm)),
        Dppd => binary(cpu, mem, insn, |d, s| dppd(d, s, imm)),
        op => Err(Fault::NotImplemented(op.name())),
    }
}

/// HADDPS/HSUBPS: adjacent pairs of the destination give lanes 0-1, of the
/// source lanes 2-3; the lower element of each pair is the first operand.
fn ps_horizontal(cpu: &mut Cpu, mem: &Memory, insn: &Insn, f: S) -> Result<(), Fault> {
    let d = xmm(insn, 0)?;
    let (a, b) = (u32s(cpu.xmm[d]), u32s(read(cpu, mem, insn, 1)?));
    cpu.xmm[d] = from_u32s([f(a[0], a[1]), f(a[2], a[3]), f(b[0], b[1]), f(b[2], b[3])]);
    Ok(())
}

fn pd_horizontal(cpu: &mut Cpu, mem: &Memory, insn: &Insn, f: D) -> Result<(), Fault> {
    let d = xmm(insn, 0)?;
    let (a, b) = (u64s(cpu.xmm[d]), u64s(read(cpu, mem, insn, 1)?));
    cpu.xmm[d] = from_u64s([f(a[0], a[1]), f(b[0], b[1])]);
    Ok(())
}

/// DPPS: products of the lanes selected by imm8[7:4] (others +0.0), summed as
/// (p0 + p1) + (p2 + p3), written to the lanes selected by imm8[3:0] (others +0.0).
fn dpps(d: u128, s: u128, imm: u8) -> u128 {
    let (a, b) = (u32s(d), u32s(s));
    let mut p = [0u32; 4];
    for i in 0..4 {
        if imm & (0x10 << i) != 0 {
            p[i] = single::mul(a[i], b[i]);
        }
    }
    let sum = single::add(single::add(p[0], p[1]), single::add(p[2], p[3]));
    let mut r = [0u32; 4];
    for (i, x) in r.iter_mut().enumerate() {
        if imm & (1 << i) != 0 {
            *x = sum;
        }
    }
    from_u32s(r)
}

/// DPPD: as DPPS with two lanes, imm8[5:4] and imm8[1:0].
fn dppd(d: u128, s: u128, imm: u8) -> u128 {
    let (a, b) = (u64s(d), u64s(s));
    let mut p = [0u64; 2];
    for i in 0..2 {
        if imm & (0x10 << i) != 0 {
            p[i] = double::mul(a[i], b[i]);
        }
    }
    let sum = double::add(p[0], p[1]);
    let mut r = [0u64; 2];
    for (i, x) in r.iter_mut().enumerate() {
        if imm & (1 << i) != 0 {
            *x = sum;
        }
    }
    from_u64s(r)
}
