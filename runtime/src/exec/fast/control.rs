//! Fast forms of control transfer and the stack: jcc, jmp, call, ret
//! (without an immediate), push/pop of 64-bit registers and immediates,
//! leave, and the instructions that do nothing.

use super::addr::{by_shape_scale, ea_scaled, on_stack, shape};
use super::Reg;
use super::{by_cc, Exit, Handler, Threaded, Uop};
use crate::cpu::{reg::RBP, reg::RSP, Cpu};
use crate::memory::Memory;
use echovm_decoder::{Insn, Operand};

const SP: usize = RSP as usize;
const BP: usize = RBP as usize;

pub fn nop(_: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    Some(u.next)
}

/// jcc rel: the target is absolute in `u.imm`.
pub fn jcc(cc: u8) -> Handler {
    by_cc!(cc, jcc_rel)
}

fn jcc_rel<const CC: u8>(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    Some(if c.flags.cond(CC) { u.imm } else { u.next })
}

/// The threaded entry of `int n` (see `Exit::Interrupt`).
pub fn interrupt(_: &mut Cpu, _: &mut Memory, p: *const Uop) -> Exit {
    Exit::Interrupt(p)
}

/// The threaded entry of a `jcc` inside its block (`Uop::SIDE`) whose block
/// goes on along the taken path when `taken`, else the fall-through path.
pub fn side_jcc(cc: u8, taken: bool) -> Threaded {
    macro_rules! by_cc_taken {
        ($($n:literal)*) => {
            match (cc & 15, taken) {
                $(($n, true) => side::<$n, true>,
                  ($n, false) => side::<$n, false>,)*
                (_, true) => side::<15, true>,
                (_, false) => side::<15, false>,
            }
        };
    }
    by_cc_taken!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14)
}

/// A side-exit branch: runs the next uop of the block when the condition
/// says the branch goes the block's way (`TAKEN` = the block follows the
/// target), else leaves the block.
fn side<const CC: u8, const TAKEN: bool>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit {
    if c.flags.cond(CC) != TAKEN {
        return side_exit(c, m, p);
    }
    // SAFETY: `side_jcc` entries are installed only on uops that are not the
    // last of their block (`CodeCache::decode_block` re-translates the last
    // one), so `p + 1` is the next uop of the same block, inside the
    // allocation `p`'s provenance covers (see `Threaded`).
    let n = unsafe { p.add(1) };
    // SAFETY: as above, `n` points at a live uop.
    (unsafe { &*n }.run)(c, m, n)
}

/// The side exit at `p` leaves its block: into its trace if it has one
/// (`Uop::TRACE`), which it charges (the meter was charged the block's
/// main path: it gets the exit's refund less the trace's cost, which the
/// block's `need` guarantees it can pay), else back to the block loop.
#[inline(always)]
pub(super) fn side_exit(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit {
    // SAFETY: `p` is a live side-exit uop of a block (see `Threaded`).
    let off = unsafe { &*p }.trace_offset();
    if off == 0 {
        return Exit::Leave(p);
    }
    // SAFETY: the cache sets a side exit's trace offset only when its trace
    // header is that many uops after it in the same `uops` vector, followed
    // by the trace's uops, the last in its last-of-block form
    // (`CodeCache::add_trace`), all inside the allocation `p`'s provenance
    // covers.
    let h = unsafe { p.add(off) };
    // SAFETY: as above.
    c.meter = c.meter.wrapping_add(unsafe { &*h }.disp);
    // SAFETY: as above: the trace's first uop.
    let t = unsafe { h.add(1) };
    // SAFETY: as above, `t` points at a live uop.
    (unsafe { &*t }.run)(c, m, t)
}

/// Where a jmp or call goes.
enum Target {
    /// Absolute target in `u.imm`.
    Direct,
    /// A 64-bit register, `u.r0`.
    Reg,
    /// A 64-bit memory operand of this shape and log2 scale (jump
    /// tables index by 8: the scale is a constant of the handler).
    Mem(u8, u8),
}

fn target(insn: &Insn, u: &mut Uop) -> Option<Target> {
    Some(match insn.ops[0] {
        Operand::Imm { .. } | Operand::None => {
            u.imm = insn.imm;
            Target::Direct
        }
        Operand::Gpr { reg, size: 8 } => {
            u.r0 = Reg::of(reg);
            Target::Reg
        }
        Operand::Mem { size: 8 } => {
            let m = shape(insn, u)?;
            Target::Mem(m, u.scale)
        }
        _ => return None,
    })
}

pub fn jmp(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    Some(match target(insn, u)? {
        Target::Direct => super::handler(jmp_rel),
        Target::Reg => super::handler(jmp_r),
        Target::Mem(m, sc) => by_shape_scale!(m, sc, jmp_m),
    })
}

pub(super) fn jmp_rel(_: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    Some(u.imm)
}

pub(super) fn jmp_r(c: &mut Cpu, _: &mut Memory, u: &Uop) -> Option<u64> {
    Some(c.gpr[u.r0 as usize & 15])
}

pub(super) fn jmp_m<const M: u8, const SC: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    m.try_read(ea_scaled::<M, SC>(c, u), 8, on_stack(M))
}

pub fn call(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    Some(match target(insn, u)? {
        Target::Direct => super::handler(call_rel),
        Target::Reg => super::handler(call_r),
        Target::Mem(m, sc) => by_shape_scale!(m, sc, call_m),
    })
}

/// Push the return address and go to `t` (nothing changes if the push faults).
#[inline(always)]
fn call_to(c: &mut Cpu, m: &mut Memory, u: &Uop, t: u64) -> Option<u64> {
    let sp = c.gpr[SP].wrapping_sub(8);
    m.try_write(sp, 8, u.next, true)?;
    c.gpr[SP] = sp;
    Some(t)
}

fn call_rel(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    call_to(c, m, u, u.imm)
}

pub(super) fn call_r(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    let t = c.gpr[u.r0 as usize & 15];
    call_to(c, m, u, t)
}

pub(super) fn call_m<const M: u8, const SC: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    let t = m.try_read(ea_scaled::<M, SC>(c, u), 8, on_stack(M))?;
    call_to(c, m, u, t)
}

/// ret (without an immediate).
pub fn ret(insn: &Insn) -> Option<Handler> {
    match insn.ops[0] {
        Operand::None => Some(super::handler(ret_near)),
        _ => None,
    }
}

pub(super) fn ret_near(c: &mut Cpu, m: &mut Memory, _: &Uop) -> Option<u64> {
    let sp = c.gpr[SP];
    let t = m.try_read(sp, 8, true)?;
    c.gpr[SP] = sp.wrapping_add(8);
    Some(t)
}

/// push r64 / push imm (64-bit operand size only).
pub fn push(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    if insn.osize == 2 {
        return None;
    }
    Some(match insn.ops[0] {
        Operand::Gpr { reg, size: 8 } => {
            u.r0 = Reg::of(reg);
            super::handler(push_r)
        }
        Operand::Imm { .. } => {
            u.imm = insn.imm;
            super::handler(push_i)
        }
        _ => return None,
    })
}

#[inline(always)]
fn push_value(c: &mut Cpu, m: &mut Memory, u: &Uop, v: u64) -> Option<u64> {
    let sp = c.gpr[SP].wrapping_sub(8);
    m.try_write(sp, 8, v, true)?;
    c.gpr[SP] = sp;
    Some(u.next)
}

fn push_r(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    let v = c.gpr[u.r0 as usize & 15];
    push_value(c, m, u, v)
}

fn push_i(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    push_value(c, m, u, u.imm)
}

/// `[f::<1>, …, f::<6>]`: a run handler's instance per run length.
macro_rules! per_length {
    ($f:ident) => {
        [
            $f::<1> as Threaded,
            $f::<2>,
            $f::<3>,
            $f::<4>,
            $f::<5>,
            $f::<6>,
        ]
    };
}

/// The instance for a run of `n`, if `min <= n <= 6`.
fn of_length(n: usize, min: usize, table: [Threaded; 6]) -> Option<Threaded> {
    if n < min {
        return None;
    }
    table.get(n.wrapping_sub(1)).copied()
}

/// The handler for a run of `n` consecutive `push r64` (2 to 6, none of
/// them `push rsp`), installed on the first one's uop by
/// `CodeCache::decode_block`; `None` for other lengths.
///
/// Why: function prologues and epilogues push and pop the callee-saved
/// registers in runs (up to six: rbx, rbp, r12–r15); one window check and
/// one dispatch for the run instead of one each (fib: 6 of its 17
/// instructions per call).
pub(crate) fn push_run(n: usize) -> Option<Threaded> {
    of_length(n, 2, per_length!(push_n))
}

/// The handler for a run of `n` consecutive `pop r64` (2 to 6, none of
/// them `pop rsp`); see [`push_run`].
pub(crate) fn pop_run(n: usize) -> Option<Threaded> {
    of_length(n, 2, per_length!(pop_n))
}

/// The handler for a direct `call` inside its block (the block goes on at
/// the callee) directly followed by a run of `n` (1 to 6) `push r64` that
/// starts the callee, itself followed by another uop of the block;
/// installed on the call's uop.
///
/// Why: this is how nearly every non-leaf function is entered. The return
/// address and the saved registers are one contiguous store, so one window
/// check and one dispatch serve the call and the whole prologue run.
pub(crate) fn call_push_run(n: usize) -> Option<Threaded> {
    of_length(n, 1, per_length!(call_push_n))
}

/// The handler for a run of `n` (1 to 6) `pop r64` directly followed by a
/// plain `ret` that ends the block; installed on the first pop's uop.
///
/// Why: the epilogue of nearly every function that saves registers. The
/// saved registers and the return address are one contiguous load, so one
/// window check and one dispatch serve the pops and the return.
pub(crate) fn pop_ret_run(n: usize) -> Option<Threaded> {
    of_length(n, 1, per_length!(pop_ret))
}

/// Store the registers of the `N` push uops from `p` on, the first one
/// highest, in the `8 * N` bytes at `dst`.
///
/// # Safety
/// Uops `p .. p + N` are `push r64` uops of one block, and `dst` has
/// `8 * N` writable bytes.
#[inline(always)]
unsafe fn push_regs<const N: usize>(c: &Cpu, dst: *mut u8, p: *const Uop) {
    for i in 0..N {
        // SAFETY: by the contract, uop p + i is push i of the run.
        let u = unsafe { &*p.add(i) };
        let v = c.gpr[u.r0 as usize & 15];
        // Push i lands 8 * (i + 1) bytes below the top of the run.
        // SAFETY: by the contract, inside the `8 * N` bytes at `dst`.
        unsafe { (dst.add(8 * (N - 1 - i)) as *mut u64).write_unaligned(v.to_le()) };
    }
}

/// Load the registers of the `N` pop uops from `p` on, in order (a
/// register popped twice ends with the later value), from the `8 * N`
/// bytes at `src`.
///
/// # Safety
/// Uops `p .. p + N` are `pop r64` uops of one block, and `src` has
/// `8 * N` readable bytes.
#[inline(always)]
unsafe fn pop_regs<const N: usize>(c: &mut Cpu, src: *const u8, p: *const Uop) {
    for i in 0..N {
        // SAFETY: by the contract, uop p + i is pop i of the run.
        let u = unsafe { &*p.add(i) };
        // SAFETY: by the contract, inside the `8 * N` bytes at `src`.
        let v = u64::from_le(unsafe { (src.add(8 * i) as *const u64).read_unaligned() });
        c.gpr[u.r0 as usize & 15] = v;
    }
}

/// Go on with the uop at `n`.
///
/// # Safety
/// `n` points at a live uop of the block (see `Threaded`).
#[inline(always)]
unsafe fn go_on(c: &mut Cpu, m: &mut Memory, n: *const Uop) -> Exit {
    // SAFETY: by the contract.
    (unsafe { &*n }.run)(c, m, n)
}

/// `N` pushes: all `8 * N` bytes are checked before anything is written
/// (else the first push declines and the run goes on one by one).
fn push_n<const N: usize>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit {
    let len = 8 * N as u64;
    let sp = c.gpr[SP].wrapping_sub(len);
    let Some(dst) = m.try_write_span(sp, len, true) else {
        return Exit::Decline(p);
    };
    // SAFETY: `push_run` handlers are installed only on the first uop of a
    // run of N pushes followed by another uop of the same block, so uops
    // p .. p + N are in the block's allocation; `try_write_span` vouches
    // for `len` writable bytes at `dst`.
    unsafe { push_regs::<N>(c, dst, p) };
    c.gpr[SP] = sp;
    // SAFETY: as above, uop p + N follows the run in its block.
    unsafe { go_on(c, m, p.add(N)) }
}

/// `N` pops, in order.
fn pop_n<const N: usize>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit {
    let len = 8 * N as u64;
    let sp = c.gpr[SP];
    let Some(src) = m.try_read_span(sp, len, true) else {
        return Exit::Decline(p);
    };
    // SAFETY: as in `push_n`, for pops; `try_read_span` vouches for `len`
    // readable bytes at `src`.
    unsafe { pop_regs::<N>(c, src, p) };
    c.gpr[SP] = sp.wrapping_add(len);
    // SAFETY: as in `push_n`.
    unsafe { go_on(c, m, p.add(N)) }
}

/// A direct call (uop `p`) and the `N` pushes after it: all `8 * (N + 1)`
/// bytes are checked before anything is written (else the call declines,
/// and the general path runs it alone).
pub(super) fn call_push_n<const N: usize>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit {
    let len = 8 * (N as u64 + 1);
    let sp = c.gpr[SP].wrapping_sub(len);
    let Some(dst) = m.try_write_span(sp, len, true) else {
        return Exit::Decline(p);
    };
    // SAFETY: `call_push_run` handlers are installed only on a call's uop
    // followed by a run of N pushes and then another uop of the same block,
    // so uops p .. p + N + 1 are in the block's allocation.
    let call = unsafe { &*p };
    // The return address lands highest, just below the starting rsp.
    // SAFETY: `try_write_span` vouches for `len` writable bytes at `dst`.
    unsafe { (dst.add(8 * N) as *mut u64).write_unaligned(call.next.to_le()) };
    // SAFETY: as above: the pushes are uops p + 1 .. p + N + 1, and their
    // slots are the `8 * N` bytes below the return address.
    unsafe { push_regs::<N>(c, dst, p.add(1)) };
    c.gpr[SP] = sp;
    // SAFETY: as above, uop p + N + 1 follows the run in its block.
    unsafe { go_on(c, m, p.add(N + 1)) }
}

/// `N` pops in order and the `ret` after them, which ends the block: all
/// `8 * (N + 1)` bytes are checked before anything changes (else the first
/// pop declines and the rest runs uop by uop).
pub(super) fn pop_ret<const N: usize>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit {
    let len = 8 * (N as u64 + 1);
    let sp = c.gpr[SP];
    let Some(src) = m.try_read_span(sp, len, true) else {
        return Exit::Decline(p);
    };
    // SAFETY: `pop_ret_run` handlers are installed only on the first of N
    // pops followed by the block's last uop, a `ret`, so uops p .. p + N
    // are in the block's allocation; `try_read_span` vouches for `len`
    // readable bytes at `src`.
    unsafe { pop_regs::<N>(c, src, p) };
    // SAFETY: as above; the return address is the last slot.
    let target = u64::from_le(unsafe { (src.add(8 * N) as *const u64).read_unaligned() });
    c.gpr[SP] = sp.wrapping_add(len);
    Exit::Next(target)
}

/// pop r64.
pub fn pop(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    if insn.osize == 2 {
        return None;
    }
    match insn.ops[0] {
        Operand::Gpr { reg, size: 8 } => {
            u.r0 = Reg::of(reg);
            Some(super::handler(pop_r))
        }
        _ => None,
    }
}

/// RSP moves first, so `pop rsp` ends with the popped value.
fn pop_r(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    let sp = c.gpr[SP];
    let v = m.try_read(sp, 8, true)?;
    c.gpr[SP] = sp.wrapping_add(8);
    c.gpr[u.r0 as usize & 15] = v;
    Some(u.next)
}

/// leave (64-bit operand size): rsp = rbp, then pop rbp.
pub fn leave(insn: &Insn) -> Option<Handler> {
    (insn.osize != 2).then_some(super::handler(leave64))
}

fn leave64(c: &mut Cpu, m: &mut Memory, u: &Uop) -> Option<u64> {
    let bp = c.gpr[BP];
    let v = m.try_read(bp, 8, true)?;
    c.gpr[SP] = bp.wrapping_add(8);
    c.gpr[BP] = v;
    Some(u.next)
}
