//! Fast forms of the one-operand multiply and divide group — `mul`, `imul`,
//! `div`, `idiv` with a 32- or 64-bit register or memory operand — which
//! work on the accumulator pair edx:eax / rdx:rax.
//!
//! Why they have fast forms: compilers turn a division by a constant into
//! a multiply-high (`mul r64` by a magic number), so loops with `% 5` or
//! `/ 10` run one of these per iteration (clang's keccak: one in every
//! twenty instructions). The arithmetic and flag rules are those of the
//! general path (`int::muldiv`).
//!
//! A division that raises #DE (zero divisor, or a quotient that does not fit
//! the destination) is declined with `None` before anything is written, so
//! the general path re-runs it and reports the fault where it occurred. The
//! 8- and 16-bit forms (ah:al, dx:ax) are left to the general path.

use super::addr::{by_shape, ea, on_stack, shape};
use super::{handler, Handler, Reg, Uop};
use crate::cpu::Cpu;
use crate::exec::int::muldiv::{div_flags, mul_flags};
use crate::exec::int::{get_gpr, set_gpr};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

/// The accumulator (rax / eax) and its pair register (rdx / edx).
const ACC: u8 = 0;
const PAIR: u8 = 2;

/// Pick the handler of `mul`/`imul`/`div`/`idiv r/m` (one operand),
/// recording flags only when `FLAGS`; `None` for the 8/16-bit forms and
/// the memory operands without a fast shape.
pub(super) fn one_operand<const FLAGS: bool>(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    if !matches!(insn.ops[1], Operand::None) {
        return None;
    }
    match insn.op {
        Op::Mul => with_op::<{ Wide::Mul as u8 }, FLAGS>(insn, u),
        Op::Imul => with_op::<{ Wide::Imul as u8 }, FLAGS>(insn, u),
        Op::Div => with_op::<{ Wide::Div as u8 }, FLAGS>(insn, u),
        Op::Idiv => with_op::<{ Wide::Idiv as u8 }, FLAGS>(insn, u),
        _ => None,
    }
}

/// The four operations, as a handler's constant parameter.
#[derive(Clone, Copy)]
#[repr(u8)]
enum Wide {
    Mul,
    Imul,
    Div,
    Idiv,
}

fn with_op<const OP: u8, const FLAGS: bool>(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    Some(match insn.ops[0] {
        Operand::Gpr { reg, size } => {
            (u.r1, u.size) = (Reg::of(reg), size);
            match size {
                8 => handler(wide_r::<OP, 8, FLAGS>),
                4 => handler(wide_r::<OP, 4, FLAGS>),
                _ => return None,
            }
        }
        Operand::Mem { size } => {
            u.size = size;
            let m = shape(insn, u)?;
            match size {
                8 => by_shape!(m, wide_m, OP, 8, FLAGS),
                4 => by_shape!(m, wide_m, OP, 4, FLAGS),
                _ => return None,
            }
        }
        _ => return None,
    })
}

#[inline(always)]
pub(super) fn wide_r<const OP: u8, const S: u8, const FLAGS: bool>(
    c: &mut Cpu,
    _: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let s = get_gpr(c, u.r1, S);
    apply::<OP, S, FLAGS>(c, s)?;
    Some(u.next)
}

#[inline(always)]
fn wide_m<const M: u8, const OP: u8, const S: u8, const FLAGS: bool>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let s = m.try_read(ea::<M>(c, u), S, on_stack(M))?;
    apply::<OP, S, FLAGS>(c, s)?;
    Some(u.next)
}

/// `OP` at `S` bytes with source `s` (its low `S` bytes); `None`, with
/// nothing written, for a division that raises #DE.
#[inline(always)]
fn apply<const OP: u8, const S: u8, const FLAGS: bool>(c: &mut Cpu, s: u64) -> Option<()> {
    let (hi, lo) = (get_gpr(c, PAIR, S), get_gpr(c, ACC, S));
    let bits = S as u32 * 8;
    let (q_or_lo, r_or_hi) = if OP == Wide::Mul as u8 || OP == Wide::Imul as u8 {
        let (l, h, overflow) = if OP == Wide::Mul as u8 {
            let p = lo as u128 * s as u128;
            (p as u64, (p >> bits) as u64, (p >> bits) != 0)
        } else {
            let p = sext::<S>(lo) as i128 * sext::<S>(s) as i128;
            let fits = p == sext::<S>(p as u64) as i128;
            (p as u64, (p >> bits) as u64, !fits)
        };
        if FLAGS {
            mul_flags(c, overflow);
        }
        (l, h)
    } else if OP == Wide::Div as u8 {
        // The quotient fits `S` bytes exactly when the high half is below
        // the divisor (which also rules out a zero divisor).
        if hi >= s {
            return None;
        }
        // A 64-bit dividend (always so at 4 bytes) divides in 64 bits.
        let (q, r) = if S == 4 || hi == 0 {
            let n = hi << (bits & 63) | lo;
            (n / s, n % s)
        } else {
            let n = (hi as u128) << bits | lo as u128;
            ((n / s as u128) as u64, (n % s as u128) as u64)
        };
        if FLAGS {
            div_flags(c);
        }
        (q, r)
    } else {
        let d = sext::<S>(s);
        // The dividend, when it fits 64 bits (always so at 4 bytes; at 8
        // when rdx is rax's sign): then the division is a 64-bit one.
        let small = if S == 4 {
            Some(((hi << 32) | lo) as i64)
        } else if hi == ((lo as i64) >> 63) as u64 {
            Some(lo as i64)
        } else {
            None
        };
        let (q, r) = match small {
            // `checked_div` declines a zero divisor and i64::MIN / -1.
            Some(n) => (n.checked_div(d)? as i128, n.checked_rem(d)? as i128),
            // `checked_*` decline a zero divisor and -2^127 / -1, whose
            // quotient i128 cannot hold (x86 raises #DE for both).
            None => {
                let (n, d) = (((hi as u128) << 64 | lo as u128) as i128, d as i128);
                (n.checked_div(d)?, n.checked_rem(d)?)
            }
        };
        let lim = 1i128 << (bits - 1);
        if q < -lim || q >= lim {
            return None;
        }
        if FLAGS {
            div_flags(c);
        }
        (q as u64, r as u64)
    };
    set_gpr(c, ACC, S, q_or_lo);
    set_gpr(c, PAIR, S, r_or_hi);
    Some(())
}

/// The low `S` bytes of `v`, sign-extended.
#[inline(always)]
fn sext<const S: u8>(v: u64) -> i64 {
    if S == 8 {
        v as i64
    } else {
        v as i32 as i64
    }
}
