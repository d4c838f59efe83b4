//! Fast forms of the ALU group: add/or/adc/sbb/and/sub/xor/cmp/test with
//! register, immediate and memory operands; inc/dec/neg/not, shifts and
//! rotates by an immediate or CL, and two/three-operand imul on registers.
//! The arithmetic and flag rules are the general path's own functions
//! (`int::alu::compute`, `int::alu::unary_apply`, `int::shift::apply`,
//! `int::muldiv::imul_trunc`).

use super::addr::{by_shape, ea, on_stack, shape};
use super::Reg;
use super::{by_size, sz, Handler, Uop};
use crate::cpu::Cpu;
use crate::exec::int::alu::{compute, unary_apply};
use crate::exec::int::muldiv::{imul_trunc, mul_flags};
use crate::exec::int::shift::{apply, count_mask};
use crate::exec::int::{get_gpr, mask, set_gpr};
use crate::flags::Flags;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

/// True unless `OP` only sets flags (cmp, test).
#[inline(always)]
const fn writes(op: u16) -> bool {
    op != Op::Cmp as u16 && op != Op::Test as u16
}

/// Instantiate `$f::<shape, op, size>` for a memory form.
macro_rules! by_shape_size {
    ($m:expr, $size:expr, $f:ident $(, $g:expr)*) => {
        match $size {
            8 => by_shape!($m, $f $(, $g)*, 8),
            4 => by_shape!($m, $f $(, $g)*, 4),
            _ => by_shape!($m, $f $(, $g)*, 0),
        }
    };
}

/// Operand form of a two-operand ALU instruction (operation size, and the
/// addressing shape of a memory operand), with the uop's operand fields filled.
pub(super) enum Form {
    /// `op r, r`.
    Rr(u8),
    /// `op r, imm`.
    Ri(u8),
    /// `op r, [m]`: shape, size.
    Rm(u8, u8),
    /// `op [m], r`: shape, size.
    Mr(u8, u8),
    /// `op [m], imm`: shape, size.
    Mi(u8, u8),
}

/// The form of a two-operand ALU instruction, `None` for those without a
/// fast form (segment overrides, 32-bit addressing, 16-byte operands).
pub(super) fn form(insn: &Insn, u: &mut Uop) -> Option<Form> {
    Some(match (insn.ops[0], insn.ops[1]) {
        (Operand::Gpr { reg, size }, Operand::Gpr { reg: s, .. }) => {
            (u.r0, u.r1, u.size) = (Reg::of(reg), Reg::of(s), size);
            Form::Rr(size)
        }
        (Operand::Gpr { reg, size }, Operand::Imm { .. }) => {
            (u.r0, u.size, u.imm) = (Reg::of(reg), size, insn.imm & mask(size));
            Form::Ri(size)
        }
        (Operand::Gpr { reg, size }, Operand::Mem { .. }) => {
            (u.r0, u.size) = (Reg::of(reg), size);
            Form::Rm(shape(insn, u)?, size)
        }
        (Operand::Mem { size }, Operand::Gpr { reg, .. }) if size <= 8 => {
            (u.r1, u.size) = (Reg::of(reg), size);
            Form::Mr(shape(insn, u)?, size)
        }
        (Operand::Mem { size }, Operand::Imm { .. }) if size <= 8 => {
            (u.size, u.imm) = (size, insn.imm & mask(size));
            Form::Mi(shape(insn, u)?, size)
        }
        _ => return None,
    })
}

/// Pick the handler of a two-operand ALU instruction.
pub fn binary<const OP: u16>(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    Some(match form(insn, u)? {
        Form::Rr(size) => by_size!(size, rr, OP, true),
        Form::Ri(size) => by_size!(size, ri, OP, true),
        Form::Rm(m, size) => by_shape_size!(m, size, rm, OP, true),
        Form::Mr(m, size) => by_shape_size!(m, size, mr, OP, true),
        Form::Mi(m, size) => by_shape_size!(m, size, mi, OP, true),
    })
}

/// The handler of a two-operand ALU instruction whose flags are dead
/// (`exec::fast::noflags`): the same result without the flags record.
pub(super) fn binary_flags_dead<const OP: u16>(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    Some(match form(insn, u)? {
        Form::Rr(size) => by_size!(size, rr, OP, false),
        Form::Ri(size) => by_size!(size, ri, OP, false),
        Form::Rm(m, size) => by_shape_size!(m, size, rm, OP, false),
        Form::Mr(m, size) => by_shape_size!(m, size, mr, OP, false),
        Form::Mi(m, size) => by_shape_size!(m, size, mi, OP, false),
    })
}

/// `a OP b` of `size` bytes, recording the flags only when `FLAGS`; without,
/// the record goes to a local that is never read and the compiler drops it.
#[inline(always)]
fn result<const OP: u16, const FLAGS: bool>(c: &mut Cpu, size: u8, a: u64, b: u64) -> u64 {
    if FLAGS {
        compute::<OP>(&mut c.flags, size, a, b)
    } else {
        compute::<OP>(&mut Flags::default(), size, a, b)
    }
}

/// `op r, r`.
#[inline(always)]
pub(super) fn rr<const OP: u16, const FLAGS: bool, const S: u8>(
    c: &mut Cpu,
    _: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let size = sz::<S>(u);
    let a = get_gpr(c, u.r0, size);
    let b = get_gpr(c, u.r1, size);
    let r = result::<OP, FLAGS>(c, size, a, b);
    if writes(OP) {
        set_gpr(c, u.r0, size, r);
    }
    Some(u.next)
}

/// `op r, imm`.
#[inline(always)]
pub(super) fn ri<const OP: u16, const FLAGS: bool, const S: u8>(
    c: &mut Cpu,
    _: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let size = sz::<S>(u);
    let a = get_gpr(c, u.r0, size);
    let r = result::<OP, FLAGS>(c, size, a, u.imm);
    if writes(OP) {
        set_gpr(c, u.r0, size, r);
    }
    Some(u.next)
}

/// `op r, [m]`.
#[inline(always)]
pub(super) fn rm<const M: u8, const OP: u16, const FLAGS: bool, const S: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let size = sz::<S>(u);
    let b = m.try_read(ea::<M>(c, u), size, on_stack(M))?;
    let a = get_gpr(c, u.r0, size);
    let r = result::<OP, FLAGS>(c, size, a, b);
    if writes(OP) {
        set_gpr(c, u.r0, size, r);
    }
    Some(u.next)
}

/// `op [m], b` for a source value `b`, recording the flags only when
/// `FLAGS`: nothing changes unless the whole access is permitted.
#[inline(always)]
fn to_mem<const M: u8, const OP: u16, const FLAGS: bool, const S: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
    b: u64,
) -> Option<u64> {
    let size = sz::<S>(u);
    let addr = ea::<M>(c, u);
    if writes(OP) {
        let mut slot = m.try_slot(addr, on_stack(M))?;
        let a = slot.load(size);
        let r = result::<OP, FLAGS>(c, size, a, b);
        slot.store(size, r);
    } else {
        let a = m.try_read(addr, size, on_stack(M))?;
        result::<OP, FLAGS>(c, size, a, b);
    }
    Some(u.next)
}

/// `op [m], r`.
#[inline(always)]
pub(super) fn mr<const M: u8, const OP: u16, const FLAGS: bool, const S: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let b = get_gpr(c, u.r1, sz::<S>(u));
    to_mem::<M, OP, FLAGS, S>(c, m, u, b)
}

/// `op [m], imm`.
#[inline(always)]
fn mi<const M: u8, const OP: u16, const FLAGS: bool, const S: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    to_mem::<M, OP, FLAGS, S>(c, m, u, u.imm)
}

/// inc/dec/neg/not on a register.
pub fn unary(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    unary_with::<true>(insn, u)
}

/// inc/dec/neg/not on a register, recording flags only when `FLAGS`.
fn unary_with<const FLAGS: bool>(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    let Operand::Gpr { reg, size } = insn.ops[0] else {
        return None;
    };
    (u.r0, u.size) = (Reg::of(reg), size);
    Some(match insn.op {
        Op::Inc => by_size!(size, un, Op::Inc as u16, FLAGS),
        Op::Dec => by_size!(size, un, Op::Dec as u16, FLAGS),
        Op::Neg => by_size!(size, un, Op::Neg as u16, FLAGS),
        _ => by_size!(size, un, Op::Not as u16, FLAGS),
    })
}

/// The `Op` named by a const parameter (only the ones instantiated here).
#[inline(always)]
const fn op_of(op: u16) -> Op {
    const TABLE: [Op; 10] = [
        Op::Inc,
        Op::Dec,
        Op::Neg,
        Op::Not,
        Op::Shl,
        Op::Shr,
        Op::Sar,
        Op::Rol,
        Op::Ror,
        Op::Sal,
    ];
    let mut i = 0;
    while i < TABLE.len() {
        if TABLE[i] as u16 == op {
            return TABLE[i];
        }
        i += 1;
    }
    Op::Not
}

#[inline(always)]
pub(super) fn un<const OP: u16, const FLAGS: bool, const S: u8>(
    c: &mut Cpu,
    _: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let size = sz::<S>(u);
    let a = get_gpr(c, u.r0, size);
    let r = if FLAGS {
        unary_apply(const { op_of(OP) }, &mut c.flags, size, a)
    } else {
        unary_apply(const { op_of(OP) }, &mut Flags::default(), size, a)
    };
    set_gpr(c, u.r0, size, r);
    Some(u.next)
}

/// shl/sal/shr/sar/rol/ror of a register by an immediate or by CL.
pub fn shift(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    shift_with::<true>(insn, u)
}

/// A shift or rotate of a register, recording flags only when `FLAGS`.
fn shift_with<const FLAGS: bool>(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    let (size, mem) = match insn.ops[0] {
        Operand::Gpr { reg, size } => {
            u.r0 = Reg::of(reg);
            (size, None)
        }
        // Memory destinations keep their flags (no flag-free form).
        Operand::Mem { size } if FLAGS && (size == 4 || size == 8) => (size, Some(shape(insn, u)?)),
        _ => return None,
    };
    u.size = size;
    let by_cl = match insn.ops[1] {
        Operand::Imm { .. } => {
            u.imm = insn.imm & count_mask(size);
            if u.imm == 0 {
                // Changes no flags (only zero-extends a 32-bit register):
                // rare enough for the general path, and the handlers of
                // immediate counts may then take the count as non-zero.
                return None;
            }
            false
        }
        Operand::Gpr { reg: 1, size: 1 } => true,
        _ => return None,
    };
    macro_rules! pick {
        ($op:expr) => {
            match (mem, by_cl) {
                (None, true) => by_size!(size, sh, $op as u16, true, FLAGS),
                (None, false) => by_size!(size, sh, $op as u16, false, FLAGS),
                (Some(m), true) => by_shape_size!(m, size, sh_m, $op as u16, true),
                (Some(m), false) => by_shape_size!(m, size, sh_m, $op as u16, false),
            }
        };
    }
    Some(match insn.op {
        Op::Shl | Op::Sal => pick!(Op::Shl),
        Op::Shr => pick!(Op::Shr),
        Op::Sar => pick!(Op::Sar),
        Op::Rol => pick!(Op::Rol),
        _ => pick!(Op::Ror),
    })
}

#[inline(always)]
pub(super) fn sh<const OP: u16, const CL: bool, const FLAGS: bool, const S: u8>(
    c: &mut Cpu,
    _: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let size = sz::<S>(u);
    // Masking the immediate again (it already is) tells the compiler the
    // count is below the width of a 32/64-bit operand.
    let cnt = if CL { c.gpr[1] } else { u.imm } & count_mask(size);
    let cnt = cnt as u32;
    let v = get_gpr(c, u.r0, size);
    // An immediate count is never 0 here (`shift_with`).
    let r = if CL && cnt == 0 {
        // No flag changes; a 32-bit destination is still zero-extended.
        v
    } else {
        let op = const { op_of(OP) };
        if FLAGS {
            apply(op, &mut c.flags, size, v, cnt)?
        } else {
            apply(op, &mut Flags::default(), size, v, cnt)?
        }
    };
    set_gpr(c, u.r0, size, r);
    Some(u.next)
}

/// A shift or rotate of a 32/64-bit memory operand: read, shift, write
/// back, through one checked slot (nothing changes unless the whole access
/// is permitted).
#[inline(always)]
fn sh_m<const M: u8, const OP: u16, const CL: bool, const S: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let size = sz::<S>(u);
    let cnt = (if CL { c.gpr[1] } else { u.imm } & count_mask(size)) as u32;
    let mut slot = m.try_slot(ea::<M>(c, u), on_stack(M))?;
    let v = slot.load(size);
    // A zero count changes nothing (the access is still checked above).
    if cnt != 0 {
        let r = apply(const { op_of(OP) }, &mut c.flags, size, v, cnt)?;
        slot.store(size, r);
    }
    Some(u.next)
}

/// `imul r, r/m` and `imul r, r/m, imm` with a register destination.
pub fn imul(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    imul_with::<true>(insn, u)
}

/// Two- and three-operand imul, recording CF/OF only when `FLAGS`.
fn imul_with<const FLAGS: bool>(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    let Operand::Gpr { reg, size } = insn.ops[0] else {
        return None;
    };
    (u.r0, u.size) = (Reg::of(reg), size);
    let three = match insn.ops[2] {
        Operand::None => false,
        Operand::Imm { .. } => {
            u.imm = insn.imm & mask(size);
            true
        }
        _ => return None,
    };
    Some(match insn.ops[1] {
        Operand::Gpr { reg: s, .. } => {
            u.r1 = Reg::of(s);
            if three {
                by_size!(size, imul_r, true, FLAGS)
            } else {
                by_size!(size, imul_r, false, FLAGS)
            }
        }
        Operand::Mem { .. } => {
            let m = shape(insn, u)?;
            if three {
                by_shape!(m, imul_m, true, FLAGS)
            } else {
                by_shape!(m, imul_m, false, FLAGS)
            }
        }
        _ => return None,
    })
}

/// The product of `b` with the destination (or with the immediate, when
/// `IMM`), truncated, with CF = OF = "the result did not fit".
#[inline(always)]
fn imul_finish<const IMM: bool, const FLAGS: bool>(
    c: &mut Cpu,
    u: &Uop,
    size: u8,
    b: u64,
) -> Option<u64> {
    let a = if IMM { u.imm } else { get_gpr(c, u.r0, size) };
    let (l, overflow) = imul_trunc(size, a, b);
    set_gpr(c, u.r0, size, l);
    if FLAGS {
        mul_flags(c, overflow);
    }
    Some(u.next)
}

#[inline(always)]
pub(super) fn imul_r<const IMM: bool, const FLAGS: bool, const S: u8>(
    c: &mut Cpu,
    _: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let size = sz::<S>(u);
    let b = get_gpr(c, u.r1, size);
    imul_finish::<IMM, FLAGS>(c, u, size, b)
}

#[inline(always)]
fn imul_m<const M: u8, const IMM: bool, const FLAGS: bool>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let b = m.try_read(ea::<M>(c, u), u.size, on_stack(M))?;
    imul_finish::<IMM, FLAGS>(c, u, u.size, b)
}

/// The flag-free handler (`exec::fast::noflags`) of inc/dec/neg, a shift or
/// rotate, imul with a register destination, or one-operand mul/imul/div/idiv
/// (`wide`), whose flag writes are all dead: the same result without
/// touching the flags record.
pub(super) fn other_flags_dead(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    match insn.op {
        Op::Inc | Op::Dec | Op::Neg => unary_with::<false>(insn, u),
        Op::Shl | Op::Sal | Op::Shr | Op::Sar | Op::Rol | Op::Ror => shift_with::<false>(insn, u),
        Op::Imul if matches!(insn.ops[1], Operand::None) => {
            super::wide::one_operand::<false>(insn, u)
        }
        Op::Imul => imul_with::<false>(insn, u),
        Op::Mul | Op::Div | Op::Idiv => super::wide::one_operand::<false>(insn, u),
        _ => None,
    }
}
