//! Fast forms of data movement: mov, movzx, movsx/movsxd, lea, cmovcc and
//! setcc on registers and memory.

use super::addr::{
    by_shape, by_shape_scale, ea, ea_scaled, on_stack, shape, ABS, BASE, BASE_INDEX, INDEX, STACK,
    STACK_INDEX,
};
use super::Reg;
use super::{by_cc, by_size, handler, sz, Handler, Uop};
use crate::cpu::Cpu;
use crate::exec::int::{get_gpr, mask, set_gpr, sext};
use crate::memory::Memory;
use echovm_decoder::{Insn, Operand};

pub fn mov(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    Some(match (insn.ops[0], insn.ops[1]) {
        (Operand::Gpr { reg, size }, Operand::Gpr { reg: s, .. }) => {
            (u.r0, u.r1, u.size) = (Reg::of(reg), Reg::of(s), size);
            by_size!(size, mov_rr)
        }
        (Operand::Gpr { reg, size }, Operand::Imm { .. }) => {
            (u.r0, u.size, u.imm) = (Reg::of(reg), size, insn.imm & mask(size));
            by_size!(size, mov_ri)
        }
        (Operand::Gpr { reg, size }, Operand::Mem { .. }) => {
            (u.r0, u.size) = (Reg::of(reg), size);
            let m = shape(insn, u)?;
            match size {
                8 => by_shape_scale!(m, u.scale, mov_rm, 8),
                4 => by_shape_scale!(m, u.scale, mov_rm, 4),
                2 => by_shape_scale!(m, u.scale, mov_rm, 2),
                1 => by_shape_scale!(m, u.scale, mov_rm, 1),
                _ => return None,
            }
        }
        (Operand::Mem { size }, Operand::Gpr { reg, .. }) if size <= 8 => {
            (u.r1, u.size) = (Reg::of(reg), size);
            let m = shape(insn, u)?;
            match size {
                8 => by_shape_scale!(m, u.scale, mov_mr, 8),
                4 => by_shape_scale!(m, u.scale, mov_mr, 4),
                2 => by_shape_scale!(m, u.scale, mov_mr, 2),
                1 => by_shape_scale!(m, u.scale, mov_mr, 1),
                _ => return None,
            }
        }
        (Operand::Mem { size }, Operand::Imm { .. }) if size <= 8 => {
            (u.size, u.imm) = (size, insn.imm & mask(size));
            by_shape!(shape(insn, u)?, mov_mi)
        }
        _ => return None,
    })
}

pub(super) fn mov_rr<const S: u8>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let size = sz::<S>(u);
    let v = get_gpr(c, u.r1, size);
    set_gpr(c, u.r0, size, v);
    Some(u.next)
}

pub(super) fn mov_ri<const S: u8>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    set_gpr(c, u.r0, sz::<S>(u), u.imm);
    Some(u.next)
}

/// `mov r, [m]` of `S` bytes, scale `SC` (log2) when `M` has an index.
pub(super) fn mov_rm<const M: u8, const SC: u8, const S: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let v = m.try_read(ea_scaled::<M, SC>(c, u), S, on_stack(M))?;
    set_gpr(c, u.r0, S, v);
    Some(u.next)
}

/// `mov [m], r` of `S` bytes, scale `SC` (log2) when `M` has an index.
pub(super) fn mov_mr<const M: u8, const SC: u8, const S: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    m.try_write(
        ea_scaled::<M, SC>(c, u),
        S,
        get_gpr(c, u.r1, S),
        on_stack(M),
    )?;
    Some(u.next)
}

pub(super) fn mov_mi<const M: u8>(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    m.try_write(ea::<M>(c, u), u.size, u.imm, on_stack(M))?;
    Some(u.next)
}

/// movzx (`SIGNED` false) and movsx/movsxd (`SIGNED` true) into a register.
fn widen(insn: &Insn, u: &mut Uop, signed: bool) -> Option<Handler> {
    let Operand::Gpr { reg, size } = insn.ops[0] else {
        return None;
    };
    (u.r0, u.size) = (Reg::of(reg), size);
    Some(match insn.ops[1] {
        Operand::Gpr { reg: s, size: ss } => {
            (u.r1, u.size2) = (Reg::of(s), ss);
            // The common widenings get constant sizes; the rest read them from the uop.
            match (signed, size, ss) {
                (false, 4, 1) => super::handler(ext_rc::<false, 4, 1>),
                (false, 4, 2) => super::handler(ext_rc::<false, 4, 2>),
                (true, 4, 1) => super::handler(ext_rc::<true, 4, 1>),
                (true, 8, 1) => super::handler(ext_rc::<true, 8, 1>),
                (true, 8, 4) => super::handler(ext_rc::<true, 8, 4>),
                (true, _, _) => super::handler(ext_r::<true>),
                (false, _, _) => super::handler(ext_r::<false>),
            }
        }
        Operand::Mem { size: ss } if ss <= 8 => {
            u.size2 = ss;
            let m = shape(insn, u)?;
            // Constant sizes for the common widenings (byte and word loads,
            // movsxd of an int array), run-time sizes (0, 0) for the rest.
            match (signed, size, ss) {
                (false, 4, 1) => by_shape!(m, ext_mc, false, 4, 1),
                (false, 4, 2) => by_shape!(m, ext_mc, false, 4, 2),
                (true, 4, 1) => by_shape!(m, ext_mc, true, 4, 1),
                (true, 8, 1) => by_shape!(m, ext_mc, true, 8, 1),
                (true, 8, 4) => by_shape!(m, ext_mc, true, 8, 4),
                (true, _, _) => by_shape!(m, ext_mc, true, 0, 0),
                (false, _, _) => by_shape!(m, ext_mc, false, 0, 0),
            }
        }
        _ => return None,
    })
}

pub fn movzx(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    widen(insn, u, false)
}

pub fn movsx(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    widen(insn, u, true)
}

#[inline(always)]
fn ext_finish<const SIGNED: bool>(c: &mut Cpu, u: &Uop, v: u64) -> Option<u64> {
    let v = if SIGNED { sext(v, u.size2) } else { v };
    set_gpr(c, u.r0, u.size, v);
    Some(u.next)
}

/// Register widening with constant destination size `S` and source size `S2`.
pub(super) fn ext_rc<const SIGNED: bool, const S: u8, const S2: u8>(
    c: &mut Cpu,
    _: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let v = get_gpr(c, u.r1, S2);
    let v = if SIGNED { sext(v, S2) } else { v };
    set_gpr(c, u.r0, S, v);
    Some(u.next)
}

fn ext_r<const SIGNED: bool>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let v = get_gpr(c, u.r1, u.size2);
    ext_finish::<SIGNED>(c, u, v)
}

/// Memory widening with destination size `S` and source size `S2` (0 = the
/// uop's).
fn ext_mc<const M: u8, const SIGNED: bool, const S: u8, const S2: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let s2 = if S2 == 0 { u.size2 } else { S2 };
    let v = m.try_read(ea::<M>(c, u), s2, on_stack(M))?;
    let v = if SIGNED { sext(v, s2) } else { v };
    set_gpr(c, u.r0, sz::<S>(u), v);
    Some(u.next)
}

/// lea r, [m]: the address without any segment base, truncated to the
/// destination size. lea is the most frequent address arithmetic in compiled
/// code (`lea (%rcx,%rcx,4)` for `* 5`, array indexing), so its instances
/// are specialised by size and, with an index, by scale too.
pub fn lea(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    let Operand::Gpr { reg, size } = insn.ops[0] else {
        return None;
    };
    (u.r0, u.size) = (Reg::of(reg), size);
    let m = shape(insn, u)?;
    macro_rules! by_scale {
        ($m:expr) => {
            match (u.scale, size) {
                (0, 8) => handler(lea_m::<{ $m }, 0, 8>),
                (1, 8) => handler(lea_m::<{ $m }, 1, 8>),
                (2, 8) => handler(lea_m::<{ $m }, 2, 8>),
                (_, 8) => handler(lea_m::<{ $m }, 3, 8>),
                (0, 4) => handler(lea_m::<{ $m }, 0, 4>),
                (1, 4) => handler(lea_m::<{ $m }, 1, 4>),
                (2, 4) => handler(lea_m::<{ $m }, 2, 4>),
                (_, 4) => handler(lea_m::<{ $m }, 3, 4>),
                _ => handler(lea_m::<{ $m }, 4, 0>),
            }
        };
    }
    Some(match m {
        ABS => by_size!(size, lea_m, ABS, 0),
        BASE => by_size!(size, lea_m, BASE, 0),
        STACK => by_size!(size, lea_m, STACK, 0),
        // `lea` touches no memory: a stack array element is a base-index sum.
        BASE_INDEX | STACK_INDEX => by_scale!(BASE_INDEX),
        _ => by_scale!(INDEX),
    })
}

/// `lea` of shape `M`, scale `SC` (log2; 4 = the uop's), size `S` (0 = the uop's).
pub(super) fn lea_m<const M: u8, const SC: u8, const S: u8>(
    c: &mut Cpu,
    _: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let a = if SC < 4 {
        ea_scaled::<M, SC>(c, u)
    } else {
        ea::<M>(c, u)
    };
    set_gpr(c, u.r0, sz::<S>(u), a);
    Some(u.next)
}

/// cmovcc r, r/m: the source is read whatever the condition (a bad address
/// faults either way), and a 32-bit destination is zero-extended even when
/// the move does not happen.
pub fn cmov(insn: &Insn, u: &mut Uop, cc: u8) -> Option<Handler> {
    let Operand::Gpr { reg, size } = insn.ops[0] else {
        return None;
    };
    (u.r0, u.size) = (Reg::of(reg), size);
    Some(match insn.ops[1] {
        Operand::Gpr { reg: s, .. } => {
            u.r1 = Reg::of(s);
            by_cc!(cc, cmov_r)
        }
        Operand::Mem { .. } => match shape(insn, u)? {
            ABS => by_cc!(cc, cmov_m_abs),
            // A stack operand is a base one (`u.base` is rsp).
            BASE | STACK => by_cc!(cc, cmov_m_base),
            _ => return None,
        },
        _ => return None,
    })
}

#[inline(always)]
fn cmov_finish<const CC: u8>(c: &mut Cpu, u: &Uop, v: u64) -> Option<u64> {
    if c.flags.cond(CC) {
        set_gpr(c, u.r0, u.size, v);
    } else if u.size == 4 {
        let old = get_gpr(c, u.r0, 4);
        set_gpr(c, u.r0, 4, old);
    }
    Some(u.next)
}

#[inline(always)]
fn cmov_r<const CC: u8>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let v = get_gpr(c, u.r1, u.size);
    cmov_finish::<CC>(c, u, v)
}

#[inline(always)]
fn cmov_m_abs<const CC: u8>(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    let v = m.try_read(ea::<{ super::addr::ABS }>(c, u), u.size, false)?;
    cmov_finish::<CC>(c, u, v)
}

#[inline(always)]
fn cmov_m_base<const CC: u8>(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    let v = m.try_read(ea::<{ super::addr::BASE }>(c, u), u.size, false)?;
    cmov_finish::<CC>(c, u, v)
}

/// setcc r8.
pub fn setcc(insn: &Insn, u: &mut Uop, cc: u8) -> Option<Handler> {
    let Operand::Gpr { reg, size: 1 } = insn.ops[0] else {
        return None;
    };
    u.r0 = Reg::of(reg);
    Some(by_cc!(cc, set_r))
}

#[inline(always)]
pub(super) fn set_r<const CC: u8>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let v = c.flags.cond(CC) as u64;
    set_gpr(c, u.r0, 1, v);
    Some(u.next)
}

/// cbw/cwde/cdqe (sign-extend the accumulator in place) and cwd/cdq/cqo
/// (fill rdx with the accumulator's sign); gcc emits `cdqe` for every
/// `int` array index.
pub fn sign_extend(insn: &Insn) -> Option<Handler> {
    use echovm_decoder::Op;
    Some(match insn.op {
        Op::Cbw => super::handler(extend_acc::<1>),
        Op::Cwde => super::handler(extend_acc::<2>),
        Op::Cdqe => super::handler(extend_acc::<4>),
        Op::Cwd => super::handler(sign_fill::<2>),
        Op::Cdq => super::handler(sign_fill::<4>),
        Op::Cqo => super::handler(sign_fill::<8>),
        _ => return None,
    })
}

/// The accumulator's low `FROM` bytes, sign-extended to twice that size.
fn extend_acc<const FROM: u8>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    set_gpr(c, 0, FROM * 2, sext(c.gpr[0], FROM));
    Some(u.next)
}

/// rdx (as `SIZE` bytes) filled with the sign of the `SIZE`-byte accumulator.
fn sign_fill<const SIZE: u8>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let sign = (sext(c.gpr[0], SIZE) as i64 >> 63) as u64;
    set_gpr(c, 2, SIZE, sign);
    Some(u.next)
}

/// `bswap r32/r64` (the 16-bit form, whose result the SDM leaves undefined,
/// stays on the general path). Hashes of big-endian data (SHA-2) run one per
/// message word.
pub fn bswap(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    let Operand::Gpr { reg, size } = insn.ops[0] else {
        return None;
    };
    u.r0 = Reg::of(reg);
    match size {
        8 => Some(super::handler(bswap_r::<8>)),
        4 => Some(super::handler(bswap_r::<4>)),
        _ => None,
    }
}

pub(super) fn bswap_r<const S: u8>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    let v = get_gpr(c, u.r0, S);
    let r = if S == 8 {
        v.swap_bytes()
    } else {
        (v as u32).swap_bytes() as u64
    };
    set_gpr(c, u.r0, S, r);
    Some(u.next)
}
