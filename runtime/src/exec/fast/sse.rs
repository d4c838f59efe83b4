//! Fast forms of the most common SSE instructions: whole-register moves
//! (movdqa/movdqu/movaps/movups/movapd/movupd), scalar and GPR transfers
//! (movss/movsd/movd/movq) and the two-operand packed integer operations
//! (padd*, psub*, pand, pxor, pcmpeq*, …, whose lane function comes from
//! `sse::int_arith::lane_op`), packed shifts and the SSE floating-point
//! arithmetic/logic operations (`sse::fp_arith::lane_op`). A 16-byte operand of an instruction that
//! requires alignment declines when misaligned, so the general path raises
//! the fault.

use super::addr::{
    by_shape, by_shape_scale, ea, ea_scaled, on_stack, shape, ABS, BASE, BASE_INDEX, INDEX, STACK,
    STACK_INDEX,
};
use super::Reg;
use super::{handler, Handler, Uop};
use crate::cpu::Cpu;
use crate::exec::int::{get_gpr, mask, set_gpr};
use crate::exec::sse::convert;
use crate::exec::sse::fp_arith::visit_lane_op as visit_fp_lane_op;
use crate::exec::sse::int_arith::visit_lane_op;
use crate::exec::sse::int_shift::visit_shift_op;
use crate::exec::sse::lanes::{Exact, Fast, LaneFn, LaneRun, LaneTry, LaneVisit};
use crate::exec::sse::pack::visit_pack_op;
use crate::exec::sse::shuffle::visit_shuffle_op;
use crate::exec::sse::shuffle::{imm_shuffle as imm_shuffle_lanes, ImmShuffle};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

/// 16-byte moves. `None` for other operand shapes.
pub fn full_move(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    let aligned = !matches!(insn.op, Op::Movups | Op::Movupd | Op::Movdqu | Op::Lddqu);
    Some(match (insn.ops[0], insn.ops[1]) {
        (Operand::Xmm(d), Operand::Xmm(s)) => {
            (u.r0, u.r1) = (Reg::of(d), Reg::of(s));
            super::handler(xx_copy)
        }
        (Operand::Xmm(d), Operand::Mem { size: 16 }) => {
            u.r0 = Reg::of(d);
            let m = shape(insn, u)?;
            if aligned {
                by_shape_scale!(m, u.scale, load16, true)
            } else {
                by_shape_scale!(m, u.scale, load16, false)
            }
        }
        (Operand::Mem { size: 16 }, Operand::Xmm(s)) => {
            u.r1 = Reg::of(s);
            let m = shape(insn, u)?;
            if aligned {
                by_shape_scale!(m, u.scale, store16, true)
            } else {
                by_shape_scale!(m, u.scale, store16, false)
            }
        }
        _ => return None,
    })
}

pub(super) fn xx_copy(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    c.xmm[u.r0 as usize & 15] = c.xmm[u.r1 as usize & 15];
    Some(u.next)
}

/// A 16-byte load; scale `SC` (log2) when `M` has an index (vector loops
/// index arrays of doubles: the address is then one host `lea`).
pub(super) fn load16<const M: u8, const SC: u8, const ALIGNED: bool>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let a = ea_scaled::<M, SC>(c, u);
    if ALIGNED && a & 15 != 0 {
        return None;
    }
    c.xmm[u.r0 as usize & 15] = m.try_read16(a, on_stack(M))?;
    Some(u.next)
}

/// A 16-byte store (see [`load16`]).
pub(super) fn store16<const M: u8, const SC: u8, const ALIGNED: bool>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let a = ea_scaled::<M, SC>(c, u);
    if ALIGNED && a & 15 != 0 {
        return None;
    }
    m.try_write16(a, &c.xmm[u.r1 as usize & 15], on_stack(M))?;
    Some(u.next)
}

/// movss/movsd (`W` = 4/8): a load zeroes the upper lanes, a store writes
/// the low lane, register to register merges the low lane. movd/movq with
/// memory behave like the loads and stores.
pub fn scalar_move(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    let merge_rr = matches!(insn.op, Op::Movss | Op::Movsd);
    Some(match (insn.ops[0], insn.ops[1]) {
        (Operand::Xmm(d), Operand::Xmm(s)) => {
            (u.r0, u.r1) = (Reg::of(d), Reg::of(s));
            match (insn.op, merge_rr) {
                (Op::Movss, true) => super::handler(merge::<4>),
                (_, true) => super::handler(merge::<8>),
                (Op::Movq, false) => super::handler(xx_low64),
                _ => return None,
            }
        }
        (Operand::Xmm(d), Operand::Mem { size }) => {
            u.r0 = Reg::of(d);
            let m = shape(insn, u)?;
            match size {
                4 => by_shape!(m, load_low, 4),
                8 => by_shape!(m, load_low, 8),
                _ => return None,
            }
        }
        (Operand::Mem { size }, Operand::Xmm(s)) => {
            u.r1 = Reg::of(s);
            let m = shape(insn, u)?;
            match size {
                4 => by_shape!(m, store_low, 4),
                8 => by_shape!(m, store_low, 8),
                _ => return None,
            }
        }
        (Operand::Xmm(d), Operand::Gpr { reg, size }) if !merge_rr => {
            (u.r0, u.r1, u.size) = (Reg::of(d), Reg::of(reg), size);
            super::handler(xmm_from_gpr)
        }
        (Operand::Gpr { reg, size }, Operand::Xmm(s)) if !merge_rr => {
            (u.r0, u.r1, u.size) = (Reg::of(reg), Reg::of(s), size);
            super::handler(gpr_from_xmm)
        }
        _ => return None,
    })
}

/// `cvtsi2ss` / `cvtsi2sd` from a 32- or 64-bit register (the form
/// compilers emit for `(double)i`). `None` for a memory source.
///
/// Why: without it every such conversion declined to the general path,
/// about 260 host instructions each, 10 % of matmul's (its set-up and
/// checksum loops convert once per element).
pub fn int_to_float(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    let (Operand::Xmm(d), Operand::Gpr { reg, size }) = (insn.ops[0], insn.ops[1]) else {
        return None;
    };
    (u.r0, u.r1) = (Reg::of(d), Reg::of(reg));
    Some(match (insn.op, size) {
        (Op::Cvtsi2ss, 4) => handler(cvt_int::<true, false>),
        (Op::Cvtsi2ss, 8) => handler(cvt_int::<true, true>),
        (Op::Cvtsi2sd, 4) => handler(cvt_int::<false, false>),
        (Op::Cvtsi2sd, 8) => handler(cvt_int::<false, true>),
        _ => return None,
    })
}

fn cvt_int<const SINGLE: bool, const WIDE: bool>(
    c: &mut Cpu,
    _: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let v = c.gpr[u.r1 as usize & 15];
    let d = &mut c.xmm[u.r0 as usize & 15];
    *d = convert::int_to_float(*d, v, SINGLE, WIDE);
    Some(u.next)
}

pub(super) fn merge<const W: u8>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let low = mask(W) as u128;
    let s = c.xmm[u.r1 as usize & 15];
    let d = &mut c.xmm[u.r0 as usize & 15];
    *d = (*d & !low) | (s & low);
    Some(u.next)
}

fn xx_low64(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    c.xmm[u.r0 as usize & 15] = c.xmm[u.r1 as usize & 15] & u64::MAX as u128;
    Some(u.next)
}

fn load_low<const M: u8, const W: u8>(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    c.xmm[u.r0 as usize & 15] = m.try_read(ea::<M>(c, u), W, on_stack(M))? as u128;
    Some(u.next)
}

fn store_low<const M: u8, const W: u8>(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    m.try_write(
        ea::<M>(c, u),
        W,
        c.xmm[u.r1 as usize & 15] as u64,
        on_stack(M),
    )?;
    Some(u.next)
}

pub(super) fn xmm_from_gpr(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    c.xmm[u.r0 as usize & 15] = get_gpr(c, u.r1, u.size) as u128;
    Some(u.next)
}

fn gpr_from_xmm(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let v = c.xmm[u.r1 as usize & 15] as u64 & mask(u.size);
    set_gpr(c, u.r0, u.size, v);
    Some(u.next)
}

/// Two-operand packed integer operations, packed shifts and floating-point
/// arithmetic with an XMM destination: one handler instance per operation
/// and operand form, with the operation's lane function inlined
/// (`sse::lanes::LaneVisit`).
pub fn lanes(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    let op = insn.op;
    visit_lane_op(op, Forms { insn, u })
        .or_else(|| visit_shift_op(op, Forms { insn, u }))
        .or_else(|| visit_fp_lane_op(op, Forms { insn, u }))
        .or_else(|| visit_shuffle_op(op, Forms { insn, u }))
        .or_else(|| visit_pack_op(op, Forms { insn, u }))?
}

/// Picks the handler of one lane operation for the instruction's operand form.
struct Forms<'a> {
    insn: &'a Insn,
    u: &'a mut Uop,
}

impl LaneVisit for Forms<'_> {
    type Out = Option<Handler>;

    fn visit<F: LaneFn>(self, _: F) -> Option<Handler> {
        self.pick::<Exact<F>>()
    }

    fn visit_fast<F: LaneFn, T: LaneTry>(self, _: F, _: T) -> Option<Handler> {
        self.pick::<Fast<T>>()
    }
}

impl Forms<'_> {
    /// The handler running `L` for the instruction's operand form.
    fn pick<L: LaneRun>(self) -> Option<Handler> {
        let Forms { insn, u } = self;
        let Operand::Xmm(d) = insn.ops[0] else {
            return None;
        };
        u.r0 = Reg::of(d);
        macro_rules! shapes {
            ($f:ident $(, $w:literal)?) => {
                match shape(insn, u)? {
                    ABS => handler($f::<ABS, $($w,)? L>),
                    BASE => handler($f::<BASE, $($w,)? L>),
                    BASE_INDEX => handler($f::<BASE_INDEX, $($w,)? L>),
                    INDEX => handler($f::<INDEX, $($w,)? L>),
                    STACK => handler($f::<STACK, $($w,)? L>),
                    _ => handler($f::<STACK_INDEX, $($w,)? L>),
                }
            };
        }
        Some(match insn.ops[1] {
            Operand::Xmm(s) => {
                u.r1 = Reg::of(s);
                handler(lanes_xx::<L>)
            }
            Operand::Mem { size: 16 } => shapes!(lanes_xm),
            // Scalar floating-point sources: m32/m64, zero-extended, no alignment rule.
            Operand::Mem { size: 4 } => shapes!(lanes_x_low, 4),
            Operand::Mem { size: 8 } => shapes!(lanes_x_low, 8),
            // Shift counts: the imm8, zero-extended (as the general path reads it).
            Operand::Imm { .. } => {
                u.imm = insn.imm as u8 as u64;
                handler(lanes_xi::<L>)
            }
            _ => return None,
        })
    }
}

fn lanes_xi<L: LaneRun>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let d = u.r0 as usize & 15;
    c.xmm[d] = L::run(c.xmm[d], u.imm as u128)?;
    Some(u.next)
}

pub(super) fn lanes_xx<L: LaneRun>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let d = u.r0 as usize & 15;
    c.xmm[d] = L::run(c.xmm[d], c.xmm[u.r1 as usize & 15])?;
    Some(u.next)
}

/// The aligned 16-byte memory source of shape `M` of a packed operation
/// (legacy SSE encodings #GP on a misaligned one: declined, and the general
/// path reports it).
#[inline(always)]
fn source16<const M: u8>(c: &Cpu, m: &Memory, u: &Uop) -> Option<u128> {
    let a = ea::<M>(c, u);
    if a & 15 != 0 {
        return None;
    }
    m.try_read16(a, on_stack(M))
}

fn lanes_xm<const M: u8, L: LaneRun>(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    let s = source16::<M>(c, m, u)?;
    let d = u.r0 as usize & 15;
    c.xmm[d] = L::run(c.xmm[d], s)?;
    Some(u.next)
}

/// A scalar source of `W` (4 or 8) bytes.
fn lanes_x_low<const M: u8, const W: u8, L: LaneRun>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let s = m.try_read(ea::<M>(c, u), W, on_stack(M))? as u128;
    let d = u.r0 as usize & 15;
    c.xmm[d] = L::run(c.xmm[d], s)?;
    Some(u.next)
}

/// `pshufd`/`pshuflw`/`pshufhw`/`shufps`/`shufpd` with their immediate (in
/// the uop), from a register or an aligned 16-byte memory operand.
pub fn imm_shuffle(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    let kind = ImmShuffle::of(insn.op)?;
    let Operand::Xmm(d) = insn.ops[0] else {
        return None;
    };
    u.r0 = Reg::of(d);
    u.imm = insn.imm as u8 as u64;
    macro_rules! by_kind {
        ($f:ident $(, $m:expr)?) => {
            match kind {
                ImmShuffle::Pshufd => by_kind!(@ $f, Pshufd $(, $m)?),
                ImmShuffle::Pshuflw => by_kind!(@ $f, Pshuflw $(, $m)?),
                ImmShuffle::Pshufhw => by_kind!(@ $f, Pshufhw $(, $m)?),
                ImmShuffle::Shufps => by_kind!(@ $f, Shufps $(, $m)?),
                ImmShuffle::Shufpd => by_kind!(@ $f, Shufpd $(, $m)?),
            }
        };
        (@ $f:ident, $k:ident) => {
            handler($f::<{ ImmShuffle::$k as u8 }>)
        };
        (@ $f:ident, $k:ident, $m:expr) => {
            by_shape!($m, $f, ImmShuffle::$k as u8)
        };
    }
    Some(match insn.ops[1] {
        Operand::Xmm(s) => {
            u.r1 = Reg::of(s);
            by_kind!(shuffle_xx)
        }
        Operand::Mem { size: 16 } => {
            let m = shape(insn, u)?;
            by_kind!(shuffle_xm, m)
        }
        _ => return None,
    })
}

fn shuffle_xx<const K: u8>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let d = u.r0 as usize & 15;
    c.xmm[d] = imm_shuffle_lanes::<K>(c.xmm[d], c.xmm[u.r1 as usize & 15], u.imm as u8);
    Some(u.next)
}

fn shuffle_xm<const M: u8, const K: u8>(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    let s = source16::<M>(c, m, u)?;
    let d = u.r0 as usize & 15;
    c.xmm[d] = imm_shuffle_lanes::<K>(c.xmm[d], s, u.imm as u8);
    Some(u.next)
}

/// The duo (`duo`) of two packed floating-point `+ - * /` of two registers
/// (`mulpd x, y; addpd z, x`: what a vectorised multiply-add compiles to),
/// `None` for any other pair. Their handlers are instantiated per lane
/// closure, which has no name a list could hold, so the pair is found by
/// visiting both operations' tables (`fp_arith::visit_lane_op`). The
/// caller checks that both uops still run the handlers translation gave
/// them, which for these forms are `lanes_xx` of the operations' fast lane
/// functions (`lanes`).
pub(super) fn lane_duo(a: &Insn, b: &Insn) -> Option<super::Threaded> {
    let register = |i: &Insn| matches!((i.ops[0], i.ops[1]), (Operand::Xmm(_), Operand::Xmm(_)));
    if !register(a) || !register(b) {
        return None;
    }
    visit_fp_lane_op(a.op, FirstLane { second: b.op }).flatten()
}

/// Visits the first operation of a [`lane_duo`].
struct FirstLane {
    second: Op,
}

impl LaneVisit for FirstLane {
    type Out = Option<super::Threaded>;

    fn visit<F: LaneFn>(self, _: F) -> Self::Out {
        None
    }

    fn visit_fast<F: LaneFn, T: LaneTry>(self, _: F, _: T) -> Self::Out {
        visit_fp_lane_op(self.second, SecondLane::<T>(std::marker::PhantomData)).flatten()
    }
}

/// Visits the second operation of a [`lane_duo`] whose first runs `T`.
struct SecondLane<T>(std::marker::PhantomData<T>);

impl<T1: LaneTry> LaneVisit for SecondLane<T1> {
    type Out = Option<super::Threaded>;

    fn visit<F: LaneFn>(self, _: F) -> Self::Out {
        None
    }

    fn visit_fast<F: LaneFn, T: LaneTry>(self, _: F, _: T) -> Self::Out {
        Some(super::duo::instance(
            lanes_xx::<Fast<T1>>,
            lanes_xx::<Fast<T>>,
        ))
    }
}
