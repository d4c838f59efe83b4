//! Pairs of instructions run as one threaded handler.
//!
//! Copy-then-operate: `mov d, s` directly followed by an operation on
//! `d` alone — `add/sub/and/or/xor d, x|imm`, a shift or rotate of `d` by an
//! immediate, or `not d` — runs as one threaded handler computing
//! `d = s OP x` (32- or 64-bit).
//!
//! Why: x86 has no three-operand ALU forms, so compilers copy a register
//! before operating on it whenever the original is still needed: hash
//! rounds (SHA-2's `mov eax, r11d; rol eax, 26`) are full of such pairs.
//! Fused, the pair costs one dispatch and no write-then-read of `d`.
//!
//! Only pairs whose operation's flags are dead are fused (`not` writes
//! none), so the handler writes no flags record. It is installed on the
//! `mov`'s uop and continues with the uop after the operation's, which
//! keeps its own uop (the block's instruction count and gas bookkeeping
//! stay unchanged) but is never run. The register forms fused here never
//! decline.

use super::addr::{self, ea, on_stack};
use super::{Exit, Reg, Threaded, Uop};
use crate::cpu::reg::RSP;
use crate::cpu::Cpu;
use crate::exec::int::shift::count_mask;
use crate::exec::int::{get_gpr, mask, set_gpr};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand, Seg, NO_REG, RIP_BASE};

// The operations' numbers as the handlers' `OP` parameters (shared with
// `triple`).
pub(super) const ADD: u16 = Op::Add as u16;
pub(super) const SUB: u16 = Op::Sub as u16;
pub(super) const AND: u16 = Op::And as u16;
pub(super) const OR: u16 = Op::Or as u16;
pub(super) const XOR: u16 = Op::Xor as u16;
pub(super) const SHL: u16 = Op::Shl as u16;
pub(super) const SHR: u16 = Op::Shr as u16;
pub(super) const SAR: u16 = Op::Sar as u16;
pub(super) const ROL: u16 = Op::Rol as u16;
pub(super) const ROR: u16 = Op::Ror as u16;
const NOT: u16 = Op::Not as u16;

/// `$pick!(OP)` for the operation `$op` among add/sub/and/or/xor (and
/// imul when `$imul`); `return None` from the caller for any other.
macro_rules! by_alu {
    ($op:expr, $pick:ident, $imul:expr) => {
        match $op {
            Op::Add => $pick!(ADD),
            Op::Sub => $pick!(SUB),
            Op::And => $pick!(AND),
            Op::Or => $pick!(OR),
            Op::Xor => $pick!(XOR),
            Op::Imul if $imul => $pick!(IMUL),
            _ => return None,
        }
    };
}

/// The fused handler for `mov` followed by `op` when the pair has a fused
/// form, with the operand fields of `u` (the `mov`'s uop) set for it:
/// `r0` = d, `r1` = s, `base` = the second source register, `imm` = the
/// immediate or shift count. `flags_dead`: no flag `op` may write is read
/// before being overwritten (`noflags::dead_flags`); `not` writes none.
pub(crate) fn mov_then(mov: &Insn, op: &Insn, flags_dead: bool, u: &mut Uop) -> Option<Threaded> {
    if mov.op != Op::Mov || !(flags_dead || op.op == Op::Not) {
        return None;
    }
    let (Operand::Gpr { reg: d, size }, Operand::Gpr { reg: s, size: s2 }) =
        (mov.ops[0], mov.ops[1])
    else {
        return None;
    };
    if size != s2 || (size != 4 && size != 8) {
        return None;
    }
    let Operand::Gpr {
        reg: d2,
        size: size2,
    } = op.ops[0]
    else {
        return None;
    };
    // `mov d32, s32` then a 64-bit operation on `d` (compilers' `mov eax,
    // ebx; add rax, r14`): the operation sees `s` zero-extended.
    let widen = size == 4 && size2 == 8;
    if d2 != d || (size2 != size && !widen) {
        return None;
    }
    let size = size2;
    let (imm, base) = match op.ops[1] {
        Operand::Imm { .. } => (true, u.base),
        // After a same-size copy, `d` holds what `s` holds.
        Operand::Gpr { reg: x, size: xs } if xs == size && !(widen && x == d) => {
            (false, Reg::of(if x == d { s } else { x }))
        }
        Operand::None if op.op == Op::Not => (false, u.base),
        _ => return None,
    };
    let shift = matches!(
        op.op,
        Op::Shl | Op::Sal | Op::Shr | Op::Sar | Op::Rol | Op::Ror
    );
    if shift && !imm {
        return None;
    }
    let value = if shift {
        op.imm & count_mask(size)
    } else {
        op.imm & mask(size)
    };
    macro_rules! pick {
        ($op:expr) => {
            match (size, imm, widen) {
                (8, true, false) => pair::<{ $op }, 8, true, false> as Threaded,
                (8, false, false) => pair::<{ $op }, 8, false, false>,
                (8, true, true) => pair::<{ $op }, 8, true, true>,
                (8, false, true) => pair::<{ $op }, 8, false, true>,
                (_, true, _) => pair::<{ $op }, 4, true, false>,
                (_, false, _) => pair::<{ $op }, 4, false, false>,
            }
        };
    }
    let run = match op.op {
        Op::Add => pick!(ADD),
        Op::Sub => pick!(SUB),
        Op::And => pick!(AND),
        Op::Or => pick!(OR),
        Op::Xor => pick!(XOR),
        Op::Shl | Op::Sal => pick!(SHL),
        Op::Shr => pick!(SHR),
        Op::Sar => pick!(SAR),
        Op::Rol => pick!(ROL),
        Op::Ror => pick!(ROR),
        Op::Not => pick!(NOT),
        _ => return None,
    };
    (u.base, u.imm) = (base, value);
    Some(run)
}

/// `a OP b` at `S` bytes, for the operations a pair fuses (`b` is a shift
/// count masked to the size at translation, and unused by `not`); bits
/// above `S` bytes are the caller's to drop.
#[inline(always)]
pub(super) fn apply<const OP: u16, const S: u8>(a: u64, b: u64) -> u64 {
    let cnt = b as u32;
    match OP {
        ADD => a.wrapping_add(b),
        SUB => a.wrapping_sub(b),
        AND => a & b,
        OR => a | b,
        XOR => a ^ b,
        SHL => a << cnt,
        SHR => a >> cnt,
        SAR if S == 8 => ((a as i64) >> cnt) as u64,
        SAR => ((a as u32 as i32) >> cnt) as u32 as u64,
        ROL if S == 8 => a.rotate_left(cnt),
        ROL => (a as u32).rotate_left(cnt) as u64,
        ROR if S == 8 => a.rotate_right(cnt),
        ROR => (a as u32).rotate_right(cnt) as u64,
        _ => !a,
    }
}

/// `d = s OP x` at `S` bytes (`x` the immediate when `IMM`; `s` copied
/// at 32 bits, so zero-extended, when `W`), then on with the uop after the
/// pair.
fn pair<const OP: u16, const S: u8, const IMM: bool, const W: bool>(
    c: &mut Cpu,
    m: &mut Memory,
    p: *const Uop,
) -> Exit {
    // SAFETY: `p` points at a live uop (see `Threaded`).
    let u = unsafe { &*p };
    let a = get_gpr(c, u.r1, if W { 4 } else { S });
    let b = if IMM { u.imm } else { get_gpr(c, u.base, S) };
    set_gpr(c, u.r0, S, apply::<OP, S>(a, b));
    // SAFETY: pair handlers are installed only on a uop whose block has at
    // least two more uops after it (`CodeCache::decode_block`), so `p + 2`
    // is a live uop of the same block.
    let n = unsafe { p.add(2) };
    // SAFETY: as above.
    (unsafe { &*n }.run)(c, m, n)
}

/// The fused handler for two register-to-register `mov`s in a row (32- or
/// 64-bit each), with the second's registers in the spare fields of `u`
/// (the first's uop): `base` = its destination, `index` = its source.
///
/// Why: compilers shuffle values between registers in runs (SHA-2 rounds
/// rotate eight working variables; loops rename induction variables), and
/// a register move is nearly all dispatch.
pub(crate) fn mov_mov(first: &Insn, second: &Insn, u: &mut Uop) -> Option<Threaded> {
    let reg_move = |i: &Insn| match (i.op, i.ops[0], i.ops[1]) {
        (Op::Mov, Operand::Gpr { reg: d, size }, Operand::Gpr { reg: s, size: s2 })
            if size == s2 && (size == 4 || size == 8) =>
        {
            Some((d, s, size))
        }
        _ => None,
    };
    let (d1, _, size1) = reg_move(first)?;
    let (d, s, size2) = reg_move(second)?;
    (u.base, u.index) = (Reg::of(d), Reg::of(s));
    // The second move reading what the first wrote takes the value from
    // the first, not back from the register file (no reload of a slot just
    // stored through an address the host CPU cannot know in advance).
    let chained = s == d1;
    Some(match (size1, size2, chained) {
        (8, 8, false) => two_moves::<8, 8, false>,
        (8, 8, true) => two_moves::<8, 8, true>,
        (8, _, false) => two_moves::<8, 4, false>,
        (8, _, true) => two_moves::<8, 4, true>,
        (_, 8, false) => two_moves::<4, 8, false>,
        (_, 8, true) => two_moves::<4, 8, true>,
        (_, _, false) => two_moves::<4, 4, false>,
        (_, _, true) => two_moves::<4, 4, true>,
    })
}

/// `r0 = r1` at `S1` bytes, then `base = index` at `S2` bytes (which sees
/// the first move's result; `CHAINED`: `index` is `r0`), then on past the
/// pair.
fn two_moves<const S1: u8, const S2: u8, const CHAINED: bool>(
    c: &mut Cpu,
    m: &mut Memory,
    p: *const Uop,
) -> Exit {
    // SAFETY: `p` points at a live uop (see `Threaded`).
    let u = unsafe { &*p };
    let v = get_gpr(c, u.r1, S1);
    set_gpr(c, u.r0, S1, v);
    // After the first move, `r0` holds `v` (a 32-bit move zero-extends).
    let w = if CHAINED {
        v & mask(S2)
    } else {
        get_gpr(c, u.index, S2)
    };
    set_gpr(c, u.base, S2, w);
    // SAFETY: pair handlers are installed only on a uop whose block has at
    // least two more uops after it (`CodeCache::decode_block`).
    let n = unsafe { p.add(2) };
    // SAFETY: as above.
    (unsafe { &*n }.run)(c, m, n)
}

/// The fused handler for `movsxd x, y` directly followed by a load that
/// indexes with `x`: `mov d, [base + x*s + disp]` (32/64-bit) or `movsxd
/// d, [base + x*s + disp]`, with the fields of `u` (the `movsxd`'s uop)
/// set for it: `r0` = x, `r1` = y, `index` = d, and the load's `base`,
/// `scale` and `disp`.
///
/// Why: an `int` index into an array compiles to exactly this pair, and
/// C's `switch` tables and array walks are full of it (interp's dispatch
/// does it twice per bytecode).
pub(crate) fn index_load(ext: &Insn, load: &Insn, u: &mut Uop) -> Option<Threaded> {
    let (Op::Movsxd, Operand::Gpr { reg: x, size: 8 }, Operand::Gpr { reg: y, size: 4 }) =
        (ext.op, ext.ops[0], ext.ops[1])
    else {
        return None;
    };
    let m = &load.mem;
    let base = m.base != NO_REG;
    if m.index != x || m.seg != Seg::None || m.addr32 || m.base == RIP_BASE || m.base == x {
        return None;
    }
    let (Operand::Gpr { reg: d, size }, Operand::Mem { size: ms }) = (load.ops[0], load.ops[1])
    else {
        return None;
    };
    let sc = m.scale.trailing_zeros() as u8 & 3;
    // The element's own size is the usual scale (a table of `LS`-byte
    // entries) and gets the instance with the scale constant; any other
    // scale the instance that reads it from the uop.
    let natural = 1u8 << sc == ms;
    macro_rules! pick {
        ($ls:literal, $sx:literal, $b:literal, $sc:literal) => {
            if natural {
                index_load_op::<$ls, $sx, $b, $sc> as Threaded
            } else {
                index_load_op::<$ls, $sx, $b, ANY_SCALE>
            }
        };
    }
    let run = match (load.op, size, ms, base) {
        (Op::Mov, 8, 8, true) => pick!(8, false, true, 3),
        (Op::Mov, 8, 8, false) => pick!(8, false, false, 3),
        (Op::Mov, 4, 4, true) => pick!(4, false, true, 2),
        (Op::Mov, 4, 4, false) => pick!(4, false, false, 2),
        (Op::Movsxd, 8, 4, true) => pick!(4, true, true, 2),
        (Op::Movsxd, 8, 4, false) => pick!(4, true, false, 2),
        _ => return None,
    };
    (u.r0, u.r1, u.index) = (Reg::of(x), Reg::of(y), Reg::of(d));
    (u.base, u.scale, u.disp) = (Reg::of(m.base & 15), sc, m.disp as u64);
    Some(run)
}

/// `index_load_op`'s `SC` when the scale is read from the uop.
const ANY_SCALE: u8 = 4;

/// `x = sext(y32)`, then `d = [base + x*s + disp]` of `LS` bytes
/// (sign-extended when `SX`, else zero-extended; `base` only when `B`),
/// then on past the pair. `s` is `1 << SC`, or the uop's scale when `SC`
/// is [`ANY_SCALE`]. Declines, changing nothing, when the load misses the
/// fast path.
fn index_load_op<const LS: u8, const SX: bool, const B: bool, const SC: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    p: *const Uop,
) -> Exit {
    // SAFETY: `p` points at a live uop (see `Threaded`).
    let u = unsafe { &*p };
    let x = c.gpr[u.r1 as usize] as u32 as i32 as i64 as u64;
    let base = if B { c.gpr[u.base as usize] } else { 0 };
    let sc = if SC == ANY_SCALE { u.scale } else { SC };
    let addr = u.disp.wrapping_add(base).wrapping_add(x << (sc & 3));
    let Some(v) = m.try_read(addr, LS, false) else {
        return Exit::Decline(p);
    };
    c.gpr[u.r0 as usize] = x;
    c.gpr[u.index as usize] = if SX { v as u32 as i32 as i64 as u64 } else { v };
    // SAFETY: pair handlers are installed only on a uop whose block has at
    // least two more uops after it (`CodeCache::decode_block`).
    let n = unsafe { p.add(2) };
    // SAFETY: as above.
    (unsafe { &*n }.run)(c, m, n)
}

/// `$f::<$g…, M>`, a pair's threaded entry, for the address shape `$m`
/// of its memory operand (`addr::shape`).
///
/// Why a constant shape: computing the address from run-time tests of which
/// registers it has cost every pair two branches and a jump on the way to
/// its load or store (bigint's three pairs per limb took 27–28 host
/// instructions each), and a stack slot now tries the stack's window first.
macro_rules! with_shape {
    ($m:expr, $f:ident, $($g:tt),*) => {
        addr::each_shape!($m, M => $f::<$($g,)* M> as Threaded)
    };
}

/// The fused handler for `add/sub/and/or/xor d, x|imm` (32/64-bit) whose
/// flags are dead, directly followed by `mov [m], d` of the same size (or
/// the low half of a 64-bit result), `m` not addressed through `d`. The operation's fields are set in `u` (`r0`
/// = d, `r1` = x, `imm`; the handler's `M` is the store's address shape);
/// the store's address comes from the store's own uop, the next one,
/// as its translation set it (`addr::shape`), which no other pass changes.
///
/// Why: computing a value and storing it at once (`c[i] = a + b`; bigint's
/// inner loop stores each limb so) costs one dispatch instead of two. The
/// store is tried first, so when it misses the pair declines with nothing
/// changed.
pub(crate) fn op_store(op: &Insn, store: &Insn, flags_dead: bool, u: &mut Uop) -> Option<Threaded> {
    if !flags_dead || store.op != Op::Mov {
        return None;
    }
    let Operand::Gpr { reg: d, size } = op.ops[0] else {
        return None;
    };
    if size != 4 && size != 8 {
        return None;
    }
    let (imm, x) = match (op.ops[1], op.ops[2]) {
        (Operand::Imm { .. }, Operand::None) => (true, 0),
        (Operand::Gpr { reg: x, size: xs }, Operand::None) if xs == size => (false, x),
        _ => return None,
    };
    let m = &store.mem;
    let (Operand::Mem { size: ms }, Operand::Gpr { reg: s, size: ss }) =
        (store.ops[0], store.ops[1])
    else {
        return None;
    };
    // A 64-bit result may be stored as its low 32 bits (`add rcx, rsi;
    // mov [m], ecx`: a limb of a wide sum).
    if s != d || ms != ss || !(ss == size || (ss == 4 && size == 8)) {
        return None;
    }
    if m.seg != Seg::None || m.addr32 {
        return None;
    }
    if m.base == d || m.index == d {
        return None;
    }
    // The store's own uop holds its address fields (`addr::shape` filled
    // them when it was translated); only the shape is needed here.
    let mut scratch = *u;
    let shape = addr::shape(store, &mut scratch)?;
    macro_rules! pick {
        ($op:expr) => {
            match (size, ss, imm) {
                (8, 8, true) => with_shape!(shape, op_store_op, { $op }, 8, 8, true),
                (8, 8, false) => with_shape!(shape, op_store_op, { $op }, 8, 8, false),
                (8, _, true) => with_shape!(shape, op_store_op, { $op }, 8, 4, true),
                (8, _, false) => with_shape!(shape, op_store_op, { $op }, 8, 4, false),
                (_, _, true) => with_shape!(shape, op_store_op, { $op }, 4, 4, true),
                (_, _, false) => with_shape!(shape, op_store_op, { $op }, 4, 4, false),
            }
        };
    }
    let run = by_alu!(op.op, pick, false);
    (u.r0, u.r1, u.imm) = (Reg::of(d), Reg::of(x), op.imm & mask(size));
    Some(run)
}

/// `r = d OP x` at `S` bytes (`x` the immediate when `IMM`; the operation
/// at `p`), then `[m] = r` at `SS` bytes (the store at `p + 1`) and `d =
/// r`, then on past the pair. Declines, changing nothing, when the store
/// misses the fast path.
fn op_store_op<const OP: u16, const S: u8, const SS: u8, const IMM: bool, const M: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    p: *const Uop,
) -> Exit {
    // SAFETY: pair handlers are installed only on a uop whose block has at
    // least two more uops after it (`CodeCache::decode_block`), so `p` and
    // `p + 1` are live uops of the same block.
    let (u, st) = unsafe { (&*p, &*p.add(1)) };
    let a = get_gpr(c, u.r0, S);
    let b = if IMM { u.imm } else { get_gpr(c, u.r1, S) };
    let r = alu::<OP>(a, b) & mask(S);
    if m.try_write(ea::<M>(c, st), SS, r, on_stack(M)).is_none() {
        return Exit::Decline(p);
    }
    set_gpr(c, u.r0, S, r);
    // SAFETY: as above.
    let n = unsafe { p.add(2) };
    // SAFETY: as above.
    (unsafe { &*n }.run)(c, m, n)
}

const IMUL: u16 = Op::Imul as u16;

/// `a OP b` for the two-operand operations the load and store pairs fuse.
#[inline(always)]
fn alu<const OP: u16>(a: u64, b: u64) -> u64 {
    match OP {
        ADD => a.wrapping_add(b),
        SUB => a.wrapping_sub(b),
        AND => a & b,
        OR => a | b,
        XOR => a ^ b,
        _ => a.wrapping_mul(b),
    }
}

/// The fused handler for a load `mov d, [m]` (32- or 64-bit) directly
/// followed by `add/sub/and/or/xor d, x|imm` or `imul d, x` (32- or 64-bit,
/// `x` another register) whose flags are dead, with the fields of `u` (the
/// load's uop) set for it: `r1` = x, `imm` = the immediate, `size2` = which
/// address registers the operand has.
///
/// Why: loading an operand and using it at once is the commonest pair in
/// array code (bigint's `mov esi, [table+rax*4]; imul rsi, r15`); fused, it
/// costs one dispatch, and the loaded value goes straight into the
/// operation. The address is computed from the uop's fields rather than
/// per addressing shape, which keeps this to 40 handler instances.
pub(crate) fn load_then(load: &Insn, op: &Insn, flags_dead: bool, u: &mut Uop) -> Option<Threaded> {
    if load.op != Op::Mov || !flags_dead {
        return None;
    }
    let (Operand::Gpr { reg: d, size: ls }, Operand::Mem { size: ms }) = (load.ops[0], load.ops[1])
    else {
        return None;
    };
    let m = &load.mem;
    if (ls != 4 && ls != 8) || ms != ls || m.seg != Seg::None || m.addr32 {
        return None;
    }
    let Operand::Gpr { reg: d2, size } = op.ops[0] else {
        return None;
    };
    if d2 != d || (size != 4 && size != 8) {
        return None;
    }
    let (imm, x) = match (op.ops[1], op.ops[2]) {
        (Operand::Imm { .. }, Operand::None) => (true, 0),
        (Operand::Gpr { reg: x, size: xs }, Operand::None) if xs == size && x != d => (false, x),
        _ => return None,
    };
    if imm && op.op == Op::Imul {
        return None;
    }
    // The load's uop is `u`, whose address fields its translation filled;
    // only the shape is needed here, and `u` stays as it is if the pair
    // does not form.
    let mut scratch = *u;
    let shape = addr::shape(load, &mut scratch)?;
    macro_rules! pick {
        ($op:expr) => {
            match (size, ls, imm) {
                (8, 8, true) => with_shape!(shape, load_then_op, { $op }, 8, 8, true),
                (8, 8, false) => with_shape!(shape, load_then_op, { $op }, 8, 8, false),
                (8, _, true) => with_shape!(shape, load_then_op, { $op }, 8, 4, true),
                (8, _, false) => with_shape!(shape, load_then_op, { $op }, 8, 4, false),
                (_, 8, true) => with_shape!(shape, load_then_op, { $op }, 4, 8, true),
                (_, 8, false) => with_shape!(shape, load_then_op, { $op }, 4, 8, false),
                (_, _, true) => with_shape!(shape, load_then_op, { $op }, 4, 4, true),
                (_, _, false) => with_shape!(shape, load_then_op, { $op }, 4, 4, false),
            }
        };
    }
    let run = by_alu!(op.op, pick, true);
    (u.r1, u.imm) = (Reg::of(x), op.imm & mask(size));
    Some(run)
}

/// `d = [m] OP x` (`[m]` of `LS` bytes, zero-extended; the operation at `S`
/// bytes; `x` the immediate when `IMM`), then on past the pair. Declines,
/// changing nothing, when the load misses the fast path.
fn load_then_op<const OP: u16, const S: u8, const LS: u8, const IMM: bool, const M: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    p: *const Uop,
) -> Exit {
    // SAFETY: `p` points at a live uop (see `Threaded`).
    let u = unsafe { &*p };
    let Some(a) = m.try_read(ea::<M>(c, u), LS, on_stack(M)) else {
        return Exit::Decline(p);
    };
    let a = a & mask(S);
    let b = if IMM { u.imm } else { get_gpr(c, u.r1, S) };
    set_gpr(c, u.r0, S, alu::<OP>(a, b));
    // SAFETY: pair handlers are installed only on a uop whose block has at
    // least two more uops after it (`CodeCache::decode_block`).
    let n = unsafe { p.add(2) };
    // SAFETY: as above.
    (unsafe { &*n }.run)(c, m, n)
}

/// A stack slot operand `[rsp + disp]` of `size` bytes: its displacement.
fn stack_slot(insn: &Insn, op: Operand, size: u8) -> Option<u64> {
    let m = &insn.mem;
    let plain = m.seg == Seg::None && !m.addr32 && m.base == RSP && m.index == NO_REG;
    (matches!(op, Operand::Mem { size: s } if s == size) && plain).then_some(m.disp as u64)
}

/// The fused handler for a stack-to-stack copy through a register, `mov r,
/// [rsp+a]` directly followed by `mov [rsp+b], r` (32- or 64-bit), with the
/// fields of `u` (the load's uop) set for it: `disp` = a, `imm` = b. Spill
/// code moves values between stack slots this way (clang's keccak: one
/// pair in every dozen instructions).
///
/// Both accesses are checked before anything is written: when either
/// misses the fast path, the pair declines at the load, which then runs on
/// the general path and the store after it on its own.
pub(crate) fn load_store(load: &Insn, store: &Insn, u: &mut Uop) -> Option<Threaded> {
    if load.op != Op::Mov || store.op != Op::Mov {
        return None;
    }
    let Operand::Gpr { reg, size } = load.ops[0] else {
        return None;
    };
    if (size != 4 && size != 8) || reg == RSP || store.ops[1] != load.ops[0] {
        return None;
    }
    let from = stack_slot(load, load.ops[1], size)?;
    let to = stack_slot(store, store.ops[0], size)?;
    (u.disp, u.imm) = (from, to);
    Some(if size == 8 { copy::<8> } else { copy::<4> })
}

/// `r = [rsp+disp]; [rsp+imm] = r` at `S` bytes, then on past the pair.
fn copy<const S: u8>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit {
    // SAFETY: `p` points at a live uop (see `Threaded`).
    let u = unsafe { &*p };
    let sp = c.gpr[RSP as usize];
    let Some(v) = m.try_read(sp.wrapping_add(u.disp), S, true) else {
        return Exit::Decline(p);
    };
    if m.try_write(sp.wrapping_add(u.imm), S, v, true).is_none() {
        return Exit::Decline(p);
    }
    set_gpr(c, u.r0, S, v);
    // SAFETY: as in `pair`: two more uops of the block follow `p`.
    let n = unsafe { p.add(2) };
    // SAFETY: as above.
    (unsafe { &*n }.run)(c, m, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::exec::fast::{translate_within, xorshift};
    use echovm_decoder::decode;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn insn(bytes: &[u8]) -> Result<Insn, Box<dyn std::error::Error>> {
        Ok(decode(bytes, 0x1000)?)
    }

    /// A read-write heap region at 0x7000_0000 holding `data`, with the
    /// windows warmed as in a running contract.
    fn heap(data: Vec<u8>) -> Result<Memory, Box<dyn std::error::Error>> {
        use crate::memory::{Perm, Region, RegionKind};
        let mut m = Memory::new();
        m.map(Region {
            start: 0x7000_0000,
            perm: Perm::RW,
            kind: RegionKind::Heap,
            data,
        })?;
        m.read(0x7000_0000, 8)?;
        m.write(0x7000_0000, 8, m.read(0x7000_0000, 8)?)?;
        Ok(m)
    }

    /// Two instructions at 0x1000, each with a REX.W prefix when its flag
    /// says so: the code, both decoded, the offset of the second, and the
    /// address after them.
    fn two_insns(
        w1: bool,
        first: &[u8],
        w2: bool,
        second: &[u8],
    ) -> Result<(Vec<u8>, Insn, Insn, usize, u64), Box<dyn std::error::Error>> {
        let rex = |w: bool| if w { &[0x48u8][..] } else { &[] };
        let mut code = rex(w1).to_vec();
        code.extend(first);
        let split = code.len();
        code.extend(rex(w2));
        code.extend(second);
        let a = decode(&code[..split], 0x1000)?;
        let b = decode(&code[split..], 0x1000 + split as u64)?;
        let end = 0x1000 + code.len() as u64;
        Ok((code, a, b, split, end))
    }

    /// The uops of a fused pair: `u` (the first instruction's uop) running
    /// `run`, the second instruction's own uop (ending at `end`), and a
    /// `nop` after them that ends the block.
    fn pair_uops(
        mut u: Uop,
        run: Threaded,
        second: &Insn,
        end: u64,
    ) -> Result<[Uop; 3], Box<dyn std::error::Error>> {
        u.run = run;
        let nop = decode(&[0x90], end)?;
        Ok([
            u,
            translate_within(second, end),
            crate::exec::fast::translate(&nop, end + 1),
        ])
    }

    /// Run the instructions (each with the address after it) one after the
    /// other on the general path: the reference for a fused pair.
    fn run_reference(c: &mut Cpu, m: &mut Memory, insns: [(&Insn, u64); 2]) -> TestResult {
        use crate::exec::{execute, Step};
        for (insn, next) in insns {
            if !matches!(execute(c, m, insn, next)?, Step::Next) {
                return Err("reference did not step".into());
            }
        }
        Ok(())
    }

    #[test]
    fn only_copy_then_operate_on_the_copy_fuses() -> TestResult {
        let mov = insn(&[0x44, 0x89, 0xd8])?; // mov eax, r11d
        let rol = insn(&[0xc1, 0xc0, 0x1a])?; // rol eax, 26
        let and_other = insn(&[0x21, 0xcb])?; // and ebx, ecx
        let and_self = insn(&[0x21, 0xc0])?; // and eax, eax
        let and64 = insn(&[0x48, 0x21, 0xc8])?; // and rax, rcx
        let rol_cl = insn(&[0xd3, 0xc0])?; // rol eax, cl
        let mut u = translate_within(&mov, 0x1003);
        // Live flags keep the pair apart, except for `not`, which writes none.
        let not = insn(&[0xf7, 0xd0])?; // not eax
        assert!(mov_then(&mov, &rol, false, &mut u).is_none());
        assert!(mov_then(&mov, &not, false, &mut u).is_some());
        assert!(mov_then(&mov, &rol, true, &mut u).is_some());
        assert_eq!(u.imm, 26);
        assert!(mov_then(&mov, &and_other, true, &mut u).is_none());
        // A 64-bit operation after the 32-bit copy fuses (it sees the copy
        // zero-extended), unless it reads the copy as its source too.
        assert!(mov_then(&mov, &and64, true, &mut u).is_some());
        let and64_self = insn(&[0x48, 0x21, 0xc0])?; // and rax, rax
        assert!(mov_then(&mov, &and64_self, true, &mut u).is_none());
        assert!(mov_then(&mov, &rol_cl, true, &mut u).is_none());
        // `and eax, eax` after the copy reads r11d twice.
        assert!(mov_then(&mov, &and_self, true, &mut u).is_some());
        assert_eq!(u.base, Reg::R11);
        Ok(())
    }

    /// Every fused form against the general path running the two
    /// instructions one after the other, from random registers.
    #[test]
    fn pairs_compute_what_the_two_instructions_do() -> TestResult {
        let mut rnd = xorshift(0x2545_f491_4f6c_dd1d_u64);
        // (opcode bytes after the optional REX.W, whether a ModRM reg field
        // names the source) for: add/sub/and/or/xor r, r; the 0x83 group
        // with imm8; shifts and rotates by imm8; not.
        let mut forms: Vec<Vec<u8>> = Vec::new();
        for op in [0x01, 0x29, 0x21, 0x09, 0x31] {
            forms.push(vec![op, 0xc0 | 1 << 3]); // op eax, ecx
            forms.push(vec![op, 0xc0]); // op eax, eax
        }
        for digit in [0u8, 1, 4, 5, 6] {
            forms.push(vec![0x83, 0xc0 | digit << 3, 0x85]);
        }
        for digit in [4u8, 5, 7, 0, 1] {
            for cnt in [1u8, 7, 31, 33, 63] {
                forms.push(vec![0xc1, 0xc0 | digit << 3, cnt]);
            }
        }
        forms.push(vec![0xf7, 0xd0]);
        let mut fused = 0;
        // (mov 64-bit, operation 64-bit): both 32, both 64, and a 32-bit
        // copy then a 64-bit operation, which sees the copy zero-extended.
        for (wide_mov, wide_op) in [(false, false), (true, true), (false, true)] {
            for form in &forms {
                // mov eax, edx (or rax, rdx), then the operation on eax/rax.
                let (code, mov, op, split, end) =
                    two_insns(wide_mov, &[0x89, 0xd0], wide_op, form)?;
                let mut u = translate_within(&mov, 0x1000 + split as u64);
                let fused_run = mov_then(&mov, &op, true, &mut u);
                // `op rax, rax` after `mov eax, edx` reads the zero-extended
                // copy twice: not a fused form.
                if wide_mov != wide_op && form.len() == 2 && form[1] == 0xc0 && form[0] != 0xf7 {
                    assert!(fused_run.is_none(), "{code:02x?}");
                    continue;
                }
                let Some(run) = fused_run else {
                    return Err(format!("{code:02x?} did not fuse").into());
                };
                fused += 1;
                let uops = pair_uops(u, run, &op, end)?;
                for _ in 0..50 {
                    let mut c = Cpu::default();
                    for g in c.gpr.iter_mut() {
                        *g = rnd();
                    }
                    let mut reference = c.clone();
                    let mut m = Memory::new();
                    let mut rm = Memory::new();
                    run_reference(
                        &mut reference,
                        &mut rm,
                        [(&mov, 0x1000 + split as u64), (&op, end)],
                    )?;
                    let exit = (uops[0].run)(&mut c, &mut m, uops.as_ptr());
                    if !matches!(exit, Exit::Next(n) if n == end + 1) {
                        return Err(format!("{code:02x?}: pair did not run to the end").into());
                    }
                    assert_eq!(c.gpr, reference.gpr, "{code:02x?}");
                }
            }
        }
        assert_eq!(fused, 3 * forms.len() - 5);
        Ok(())
    }

    #[test]
    fn stack_copies_match_the_two_moves_and_decline_whole() -> TestResult {
        use crate::memory::{Perm, Region, RegionKind};
        // mov rax, [rsp+0x10]; mov [rsp+0x28], rax (and the 32-bit forms).
        let cases: [(&[u8], &[u8], u8); 2] = [
            (
                &[0x48, 0x8b, 0x44, 0x24, 0x10],
                &[0x48, 0x89, 0x44, 0x24, 0x28],
                8,
            ),
            (&[0x8b, 0x44, 0x24, 0x10], &[0x89, 0x44, 0x24, 0x28], 4),
        ];
        let not_a_copy = insn(&[0x48, 0x89, 0x4c, 0x24, 0x28])?; // mov [rsp+0x28], rcx
        for (load_bytes, store_bytes, size) in cases {
            let load = insn(load_bytes)?;
            let store = decode(store_bytes, 0x1000 + load_bytes.len() as u64)?;
            let end = 0x1000 + (load_bytes.len() + store_bytes.len()) as u64;
            let mut u = translate_within(&load, 0x1000 + load_bytes.len() as u64);
            assert!(load_store(&load, &not_a_copy, &mut u).is_none());
            let Some(run) = load_store(&load, &store, &mut u) else {
                return Err("no fused copy".into());
            };
            let uops = pair_uops(u, run, &store, end)?;
            let stack = |sp_ok: bool| -> Result<(Cpu, Memory), Box<dyn std::error::Error>> {
                let mut m = Memory::new();
                let mut data = vec![0u8; 0x100];
                data[0x10..0x18].copy_from_slice(&0x8877_6655_4433_2211u64.to_le_bytes());
                m.map(Region {
                    start: 0x7000_0000,
                    perm: Perm::RW,
                    kind: RegionKind::Stack,
                    data,
                })?;
                let mut c = Cpu::default();
                c.gpr[0] = u64::MAX;
                // With rsp near the end, the store lands past the region.
                c.gpr[RSP as usize] = if sp_ok { 0x7000_0000 } else { 0x7000_00e0 };
                // Warm the windows as a running contract would.
                m.read(0x7000_0000, 8)?;
                m.write(0x7000_0000, 8, 0)?;
                Ok((c, m))
            };
            let (mut c, mut m) = stack(true)?;
            let exit = (uops[0].run)(&mut c, &mut m, uops.as_ptr());
            assert!(matches!(exit, Exit::Next(n) if n == end + 1));
            let want = 0x8877_6655_4433_2211u64 & mask(size);
            assert_eq!(c.gpr[0], want);
            assert_eq!(m.read(0x7000_0028, 8)?, want);
            // The load hits but the store would miss: nothing is written
            // and the pair declines at the load.
            let (mut c, mut m) = stack(false)?;
            let exit = (uops[0].run)(&mut c, &mut m, uops.as_ptr());
            assert!(matches!(exit, Exit::Decline(q) if q == uops.as_ptr()));
            assert_eq!(c.gpr[0], u64::MAX);
        }
        Ok(())
    }

    /// Every load-then-operate form against the general path running the
    /// two instructions, from random registers and memory; and a load that
    /// misses declines with nothing changed.
    #[test]
    fn loads_then_operations_match_the_two_instructions() -> TestResult {
        let mut rnd = xorshift(0x9e37_79b9_7f4a_7c15_u64);
        // Loads into eax/rax: [rbx+rcx*4+0x10], [rbx+8], [rcx*8+0x70000000],
        // [0x70000020], [rsp+8], [rsp+rcx*4+0x10] (every address shape).
        let loads: [&[u8]; 6] = [
            &[0x8b, 0x44, 0x8b, 0x10],
            &[0x8b, 0x43, 0x08],
            &[0x8b, 0x04, 0xcd, 0x00, 0x00, 0x00, 0x70],
            &[0x8b, 0x04, 0x25, 0x20, 0x00, 0x00, 0x70],
            &[0x8b, 0x44, 0x24, 0x08],
            &[0x8b, 0x44, 0x8c, 0x10],
        ];
        // add/sub/and/or/xor eax, edx; imul eax, edx; add eax, 0x7f;
        // xor eax, -0x7b.
        let ops: [&[u8]; 8] = [
            &[0x01, 0xd0],
            &[0x29, 0xd0],
            &[0x21, 0xd0],
            &[0x09, 0xd0],
            &[0x31, 0xd0],
            &[0x0f, 0xaf, 0xc2],
            &[0x83, 0xc0, 0x7f],
            &[0x83, 0xf0, 0x85],
        ];
        let mut fused = 0;
        for load_bytes in loads {
            for op_bytes in ops {
                for (wl, wo) in [(false, false), (false, true), (true, false), (true, true)] {
                    let (code, load, op, split, end) = two_insns(wl, load_bytes, wo, op_bytes)?;
                    let mut u = translate_within(&load, 0x1000 + split as u64);
                    assert!(load_then(&load, &op, false, &mut u).is_none(), "live flags");
                    let Some(run) = load_then(&load, &op, true, &mut u) else {
                        return Err(format!("{code:02x?} did not fuse").into());
                    };
                    fused += 1;
                    let uops = pair_uops(u, run, &op, end)?;
                    for _ in 0..20 {
                        let data: Vec<u8> = (0..0x100).map(|_| rnd() as u8).collect();
                        let mut c = Cpu::default();
                        for g in c.gpr.iter_mut() {
                            *g = rnd();
                        }
                        c.gpr[3] = 0x7000_0000;
                        c.gpr[4] = 0x7000_0000;
                        c.gpr[1] = rnd() % 8;
                        let mut reference = c.clone();
                        let mut rm = heap(data.clone())?;
                        run_reference(
                            &mut reference,
                            &mut rm,
                            [(&load, 0x1000 + split as u64), (&op, end)],
                        )?;
                        let mut m = heap(data)?;
                        let exit = (uops[0].run)(&mut c, &mut m, uops.as_ptr());
                        if !matches!(exit, Exit::Next(n) if n == end + 1) {
                            return Err(format!("{code:02x?}: pair did not run").into());
                        }
                        assert_eq!(c.gpr, reference.gpr, "{code:02x?}");
                        // Unmapped: declines at the load, nothing written.
                        let mut c2 = c.clone();
                        c2.gpr[3] = 0x6000_0000;
                        c2.gpr[4] = 0x6000_0000;
                        let before = c2.gpr;
                        let exit = (uops[0].run)(&mut c2, &mut m, uops.as_ptr());
                        if load_bytes.len() < 7 {
                            assert!(matches!(exit, Exit::Decline(q) if q == uops.as_ptr()));
                            assert_eq!(c2.gpr, before);
                        }
                    }
                }
            }
        }
        assert_eq!(fused, 6 * 8 * 4);
        Ok(())
    }

    /// Two register moves in a row against the general path running them,
    /// at every size pair, with the second reading the first's
    /// destination, its source, or neither.
    #[test]
    fn two_moves_match_the_two_instructions() -> TestResult {
        // mov eax, ecx; then mov edx, eax (chained) / mov ecx, eax (swap
        // back) / mov edx, ebx (independent).
        let seconds: [&[u8]; 3] = [&[0x89, 0xc2], &[0x89, 0xc1], &[0x89, 0xda]];
        let mut fused = 0;
        for second in seconds {
            for (w1, w2) in [(false, false), (false, true), (true, false), (true, true)] {
                let (code, first, next, split, end) = two_insns(w1, &[0x89, 0xc8], w2, second)?;
                let mut u = translate_within(&first, 0x1000 + split as u64);
                let Some(run) = mov_mov(&first, &next, &mut u) else {
                    return Err(format!("{code:02x?} did not fuse").into());
                };
                fused += 1;
                let uops = pair_uops(u, run, &next, end)?;
                let mut c = Cpu::default();
                for (i, g) in c.gpr.iter_mut().enumerate() {
                    *g = 0x8000_0001_0000_0003u64.wrapping_mul(i as u64 + 7);
                }
                let mut reference = c.clone();
                let mut rm = Memory::new();
                run_reference(
                    &mut reference,
                    &mut rm,
                    [(&first, 0x1000 + split as u64), (&next, end)],
                )?;
                let mut m = Memory::new();
                let exit = (uops[0].run)(&mut c, &mut m, uops.as_ptr());
                assert!(matches!(exit, Exit::Next(n) if n == end + 1));
                assert_eq!(c.gpr, reference.gpr, "{code:02x?}");
            }
        }
        assert_eq!(fused, 12);
        Ok(())
    }

    /// `movsxd` then a load indexed by its result, against the general
    /// path running the two instructions, with indices of both signs; and a
    /// load that misses declines with nothing changed.
    #[test]
    fn index_then_load_matches_the_two_instructions() -> TestResult {
        let ext = insn(&[0x48, 0x63, 0xd1])?; // movsxd rdx, ecx
                                              // mov edx, [rdx*4+0x70000000]; mov rax, [rbx+rdx*8+8];
                                              // movsxd rax, [rbx+rdx*4]; mov rax, [rbx+rdx*4+8] (a
                                              // scale other than the element size); and a load not
                                              // indexed by rdx.
        let loads: [&[u8]; 4] = [
            &[0x8b, 0x14, 0x95, 0x00, 0x00, 0x00, 0x70],
            &[0x48, 0x8b, 0x44, 0xd3, 0x08],
            &[0x48, 0x63, 0x04, 0x93],
            &[0x48, 0x8b, 0x44, 0x93, 0x08],
        ];
        let unrelated = decode(&[0x48, 0x8b, 0x44, 0xcb, 0x08], 0x1003)?; // mov rax, [rbx+rcx*8+8]
        let mut u = translate_within(&ext, 0x1003);
        assert!(index_load(&ext, &unrelated, &mut u).is_none());
        let memory = || heap((0..0x100u32).map(|i| (i * 37 + 11) as u8).collect());
        for (k, load_bytes) in loads.iter().enumerate() {
            let load = decode(load_bytes, 0x1003)?;
            let end = 0x1003 + load_bytes.len() as u64;
            let mut u = translate_within(&ext, 0x1003);
            let Some(run) = index_load(&ext, &load, &mut u) else {
                return Err(format!("{load_bytes:02x?} did not fuse").into());
            };
            let uops = pair_uops(u, run, &load, end)?;
            // Negative indices only where a base keeps the address inside.
            let indices: &[i32] = if k == 0 { &[0, 3, 7] } else { &[-4, -1, 0, 5] };
            for &i in indices {
                let mut c = Cpu::default();
                for (n, g) in c.gpr.iter_mut().enumerate() {
                    *g = 0x0123_4567_89ab_cdefu64.rotate_left(n as u32 * 5);
                }
                c.gpr[1] = 0xdead_beef_0000_0000 | i as u32 as u64; // rcx: junk above ecx
                c.gpr[3] = 0x7000_0040; // rbx
                let mut reference = c.clone();
                let mut rm = memory()?;
                run_reference(&mut reference, &mut rm, [(&ext, 0x1003), (&load, end)])?;
                let mut m = memory()?;
                let exit = (uops[0].run)(&mut c, &mut m, uops.as_ptr());
                assert!(
                    matches!(exit, Exit::Next(n) if n == end + 1),
                    "{load_bytes:02x?}"
                );
                assert_eq!(c.gpr, reference.gpr, "{load_bytes:02x?} index {i}");
            }
            // Far outside the region: declines at the movsxd, nothing written.
            let mut c = Cpu::default();
            c.gpr[1] = 0x4000_0000;
            c.gpr[3] = 0x7000_0040;
            let before = c.gpr;
            let mut m = memory()?;
            let exit = (uops[0].run)(&mut c, &mut m, uops.as_ptr());
            assert!(matches!(exit, Exit::Decline(q) if q == uops.as_ptr()));
            assert_eq!(c.gpr, before);
        }
        Ok(())
    }

    /// Every operate-then-store form against the general path running the
    /// two instructions, with the store through each addressing form; and
    /// a store that misses declines with nothing changed.
    #[test]
    fn operations_then_stores_match_the_two_instructions() -> TestResult {
        // add/sub/and/or/xor eax, edx; add eax, 0x7f; xor eax, -0x7b.
        let ops: [&[u8]; 7] = [
            &[0x01, 0xd0],
            &[0x29, 0xd0],
            &[0x21, 0xd0],
            &[0x09, 0xd0],
            &[0x31, 0xd0],
            &[0x83, 0xc0, 0x7f],
            &[0x83, 0xf0, 0x85],
        ];
        // Stores of eax/rax: [rbx+rcx*4+0x10], [rbx+8], [rcx*8+0x70000000],
        // [0x70000020], [rsp+8], [rsp+rcx*4+0x10] (every address shape).
        let stores: [&[u8]; 6] = [
            &[0x89, 0x44, 0x8b, 0x10],
            &[0x89, 0x43, 0x08],
            &[0x89, 0x04, 0xcd, 0x00, 0x00, 0x00, 0x70],
            &[0x89, 0x04, 0x25, 0x20, 0x00, 0x00, 0x70],
            &[0x89, 0x44, 0x24, 0x08],
            &[0x89, 0x44, 0x8c, 0x10],
        ];
        let memory = || heap(vec![0x5a; 0x100]);
        let mut fused = 0;
        for op_bytes in ops {
            for store_bytes in stores {
                // (operation 64-bit, store 64-bit); a 32-bit store of a
                // 64-bit result stores its low half.
                for (wo, ws) in [(false, false), (true, true), (true, false)] {
                    let (code, op, store, split, end) = two_insns(wo, op_bytes, ws, store_bytes)?;
                    let mut u = translate_within(&op, 0x1000 + split as u64);
                    assert!(op_store(&op, &store, false, &mut u).is_none(), "live flags");
                    let Some(run) = op_store(&op, &store, true, &mut u) else {
                        return Err(format!("{code:02x?} did not fuse").into());
                    };
                    fused += 1;
                    let uops = pair_uops(u, run, &store, end)?;
                    for i in 0..8u64 {
                        let mut c = Cpu::default();
                        for (n, g) in c.gpr.iter_mut().enumerate() {
                            *g = 0x8765_4321_0fed_cba9u64.rotate_left(n as u32 * 7 + i as u32);
                        }
                        c.gpr[3] = 0x7000_0000;
                        c.gpr[4] = 0x7000_0000;
                        c.gpr[1] = i;
                        let mut reference = c.clone();
                        let mut rm = memory()?;
                        run_reference(
                            &mut reference,
                            &mut rm,
                            [(&op, 0x1000 + split as u64), (&store, end)],
                        )?;
                        let mut m = memory()?;
                        let exit = (uops[0].run)(&mut c, &mut m, uops.as_ptr());
                        assert!(matches!(exit, Exit::Next(n) if n == end + 1), "{code:02x?}");
                        assert_eq!(c.gpr, reference.gpr, "{code:02x?}");
                        for a in (0x7000_0000..0x7000_0100).step_by(8) {
                            assert_eq!(m.read(a, 8)?, rm.read(a, 8)?, "{code:02x?} at {a:#x}");
                        }
                        // Outside the region: declines, nothing written
                        // (an absolute address cannot be moved out).
                        if store_bytes.get(2) == Some(&0x25) {
                            continue;
                        }
                        let mut c2 = reference.clone();
                        c2.gpr[1] = 0x1000_0000;
                        c2.gpr[3] = 0x6000_0000;
                        c2.gpr[4] = 0x6000_0000;
                        let before = c2.gpr;
                        let exit = (uops[0].run)(&mut c2, &mut m, uops.as_ptr());
                        assert!(matches!(exit, Exit::Decline(q) if q == uops.as_ptr()));
                        assert_eq!(c2.gpr, before);
                    }
                }
            }
        }
        assert_eq!(fused, 7 * 6 * 3);
        // A store addressed through the result is not fused.
        let op = insn(&[0x48, 0x01, 0xd3])?; // add rbx, rdx
        let store = decode(&[0x48, 0x89, 0x1b], 0x1003)?; // mov [rbx], rbx
        let mut u = translate_within(&op, 0x1003);
        assert!(op_store(&op, &store, true, &mut u).is_none());
        Ok(())
    }
}
