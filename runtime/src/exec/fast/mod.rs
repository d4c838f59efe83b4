//! Translated instructions: each decoded instruction gets, once, when its
//! block is first decoded, a handler specialised for its exact form
//! (`add r64, r64`, `mov r32, [base+disp]`, `jne rel`, …) plus the operands
//! that handler needs, pre-extracted into a [`Uop`].
//!
//! Why: the general path (`exec::execute`) matches on the operation, then on
//! every operand's shape, masks by a run-time size and returns a 48-byte
//! `Result<Step, Fault>` — about 140 host instructions per guest instruction
//! on the benchmarks. A translated handler does only the work of its form;
//! handlers are threaded ([`handler`]): each jumps straight to the next uop
//! of its block, and a whole block is one call from the block loop.
//!
//! The fast handlers cover the common case only and never report faults.
//! When anything is unusual — an access outside the cached region, spanning
//! two regions, or not permitted — a handler returns `None` **before changing
//! any state**, and the interpreter re-runs that instruction on the general
//! path, which has the complete semantics and the exact fault. Forms without
//! a fast handler use `slow`, which always returns `None`. So the general
//! path stays the single definition of every instruction's semantics and the
//! fast path is an optimisation that the differential tests check against
//! the host CPU (`runtime/tests/diff_int.rs` runs both).

use crate::cpu::Cpu;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};
use std::any::TypeId;

mod addr;
mod alu;
mod control;
mod duo;
mod frame;
mod fused;
mod moves;
mod noflags;
mod pair;
mod sse;
mod triple;
mod wide;

// Every handler in this module is written as a *body*,
// `fn(&mut Cpu, &mut Memory, &Uop) -> Option<u64>`: it runs its instruction
// and returns the address of the next one, or `None` to have the general
// path run it instead. [`handler`] threads a body.

/// How a threaded run of a block's uops ended.
#[derive(Clone, Copy, Debug)]
pub enum Exit {
    /// The block's last uop ran: continue at this address.
    Next(u64),
    /// This uop declined (state unchanged): run it on the general path.
    Decline(*const Uop),
    /// This conditional branch, inside its block ([`Uop::SIDE`]), went the
    /// way the block does not continue: the block ends here, at
    /// [`Uop::side_target`], and the instructions after this one, charged
    /// with the block, did not run (their cost is the uop's `disp`).
    Leave(*const Uop),
    /// This uop is `int n` (always the last of its block): the interrupt
    /// `imm` is raised at `disp` (the instruction's address), and execution
    /// goes on at `next` after it is served.
    Interrupt(*const Uop),
}

/// A threaded entry point: runs the uop at the pointer and, unless it is the
/// last of its block, tail-calls the next one. The pointer must point into a
/// block of [`crate::cache::CodeCache::uops`] (or at a standalone uop
/// translated as the last of its block) and carry provenance for the rest of
/// that block.
pub type Threaded = fn(&mut Cpu, &mut Memory, *const Uop) -> Exit;

/// Both threaded entries of one body (mid-block and last-of-block).
#[derive(Clone, Copy)]
pub struct Handler {
    mid: Threaded,
    last: Threaded,
    /// The body's type, by which the duo pass (`duo`) knows it.
    body: TypeId,
}

/// Thread the body `f` (a function item or a non-capturing closure: a
/// zero-sized type, so naming its type names the function).
///
/// Why: with one indirect call per instruction from a loop, every
/// instruction paid the call, the return, the test of the result and the
/// loop's own bookkeeping (≈ 13 host instructions). Threaded, a body falls
/// through into the next uop's handler with one load and one indirect jump
/// (the call in `mid` is in tail position), and only the block's last uop
/// returns to the interpreter.
pub fn handler<F>(_f: F) -> Handler
where
    F: Fn(&mut Cpu, &mut Memory, &Uop) -> Option<u64> + Copy + 'static,
{
    const { assert!(std::mem::size_of::<F>() == 0) };
    Handler {
        mid: mid::<F>,
        last: last::<F>,
        body: TypeId::of::<F>(),
    }
}

/// The value of a zero-sized function type.
#[inline(always)]
pub(crate) fn conjure<F: Copy>() -> F {
    const { assert!(std::mem::size_of::<F>() == 0) };
    // SAFETY: `F` is zero-sized (asserted at compile time) and, being a
    // function item or non-capturing closure type (the only zero-sized types
    // that implement `Fn` on stable Rust), has exactly one value and no
    // validity invariant; `handler` received a value of it, so it exists.
    unsafe { std::mem::zeroed() }
}

/// Threaded entry of a uop followed by another in the same block.
fn mid<F>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit
where
    F: Fn(&mut Cpu, &mut Memory, &Uop) -> Option<u64> + Copy,
{
    // SAFETY: `p` points at a live uop of a block (see `Threaded`).
    let u = unsafe { &*p };
    if conjure::<F>()(c, m, u).is_none() {
        return Exit::Decline(p);
    }
    // Not the last uop, so not a control transfer: execution continues with
    // the next uop of the block, which directly follows this one.
    // SAFETY: `mid` is only installed on uops that are not the last of their
    // block (`CodeCache::decode_block`), so `p + 1` is the next uop of the
    // same block, inside the allocation `p`'s provenance covers.
    let n = unsafe { p.add(1) };
    // SAFETY: as above, `n` points at a live uop.
    (unsafe { &*n }.run)(c, m, n)
}

/// Threaded entry of the last uop of a block.
fn last<F>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit
where
    F: Fn(&mut Cpu, &mut Memory, &Uop) -> Option<u64> + Copy,
{
    // SAFETY: `p` points at a live uop (see `Threaded`).
    let u = unsafe { &*p };
    match conjure::<F>()(c, m, u) {
        Some(n) => Exit::Next(n),
        None => decline(p),
    }
}

/// `Exit::Decline(p)`, out of line. Why: inline, the compiler merged the
/// two outcomes of a `last` handler into one return built with a
/// conditional move, and every block's last uop paid four host
/// instructions for the merge on its common path.
#[cold]
#[inline(never)]
pub(super) fn decline(p: *const Uop) -> Exit {
    Exit::Decline(p)
}

/// One translated instruction (40 bytes).
#[derive(Clone, Copy)]
pub struct Uop {
    /// Threaded entry: the mid-block or last-of-block form of the handler.
    pub run: Threaded,
    /// Address of the following instruction.
    pub next: u64,
    /// Immediate, already truncated to the operation size, or the absolute
    /// target of a direct branch.
    pub imm: u64,
    /// Displacement of the memory operand (the absolute address for a
    /// RIP-relative one, which the decoder resolves).
    pub disp: u64,
    /// First and second register operands (encoding numbers).
    pub r0: Reg,
    pub r1: Reg,
    /// Operation size in bytes.
    pub size: u8,
    /// Source size of movzx/movsx; for a side exit, the distance to its
    /// trace's header ([`Uop::trace_offset`]).
    pub size2: u8,
    /// Memory operand: base and index registers and log2 of the scale.
    pub base: Reg,
    pub index: Reg,
    pub scale: u8,
    /// [`Uop::FAST`], [`Uop::LINKED`], [`Uop::SIDE`], … bits.
    pub kind: u8,
}

/// A register number, 0–15 (general or XMM), as uops store it.
///
/// Why an enum and not `u8`: the compiler knows its range, so indexing the
/// 16-entry register files with it needs neither a mask nor a bounds check
/// (one host instruction less per register operand, in every handler).
#[repr(u8)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reg {
    #[default]
    R0,
    R1,
    R2,
    R3,
    R4,
    R5,
    R6,
    R7,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
}

impl Reg {
    /// Register `n mod 16` (decoders give 0–15; a "no register" sentinel
    /// becomes a valid number the handler of that shape never reads).
    #[inline(always)]
    pub const fn of(n: u8) -> Reg {
        use Reg::*;
        const ALL: [Reg; 16] = [
            R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10, R11, R12, R13, R14, R15,
        ];
        ALL[(n & 15) as usize]
    }
}

impl From<Reg> for u8 {
    #[inline(always)]
    fn from(r: Reg) -> u8 {
        r as u8
    }
}

impl std::fmt::Debug for Uop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Uop(next {:#x}, fast {})", self.next, self.is_fast())
    }
}

impl Uop {
    /// `kind` bit: the instruction has a translated handler (else its
    /// handler always declines).
    pub const FAST: u8 = 1;
    /// `kind` bit: a direct `jmp`/`call` in the middle of its block, whose
    /// target instruction is the next uop (`CodeCache::decode_block` goes on
    /// decoding at the target); `imm` is the target.
    pub const LINKED: u8 = 2;
    /// `kind` bit: a conditional branch in the middle of its block (a side
    /// exit): the block goes on along one of its two paths, and leaves
    /// ([`Exit::Leave`]) when the branch goes the other way. `disp` is the
    /// cost of the block's instructions after it (refunded on leaving).
    pub const SIDE: u8 = 4;
    /// `kind` bit of a [`Uop::SIDE`] branch: the block goes on at the branch
    /// target (`imm`); without it, at the next instruction (`next`).
    pub const TAKEN: u8 = 8;
    /// `kind` bit: an `rsp`-relative `mov` that checks its block's stack
    /// frame and sets it (`exec::fast::frame`); `imm` is the range.
    pub const FRAME_CHECK: u8 = 16;
    /// `kind` bit: an `rsp`-relative `mov` that goes through its block's
    /// checked stack frame (the checker also has it); no other fusion may
    /// take its uop, which must run exactly where it stands.
    pub const FRAMED: u8 = 32;
    /// `kind` bit: the header of a side exit's *trace*, a copy of the short
    /// block at the exit's target translated right after the superblock
    /// (`CodeCache::decode_block`), so that leaving runs it without a trip
    /// through the block loop. The header itself never runs; `next` is the
    /// trace's first address, `imm` its number of uops (they follow the
    /// header), `disp` what entering it changes `Cpu::meter` by (wrapping:
    /// the side exit's refund minus the trace's cost). A side exit with a
    /// trace holds the distance to its header in `size2`
    /// ([`Uop::trace_offset`]).
    pub const TRACE: u8 = 64;

    /// A uop whose handler always declines (the general path runs its
    /// instruction), followed by `next`, every operand field empty: what
    /// translation starts from.
    fn declining(next: u64) -> Uop {
        Uop {
            run: handler(slow).last,
            next,
            imm: 0,
            disp: 0,
            r0: Reg::R0,
            r1: Reg::R0,
            size: 0,
            size2: 0,
            base: Reg::R0,
            index: Reg::R0,
            scale: 0,
            kind: 0,
        }
    }

    /// True when this instruction has a translated handler.
    pub fn is_fast(&self) -> bool {
        self.kind & Self::FAST != 0
    }

    /// True for a direct `jmp`/`call` followed in its block by its target.
    pub fn is_linked(&self) -> bool {
        self.kind & Self::LINKED != 0
    }

    /// True for a conditional branch in the middle of its block.
    pub fn is_side(&self) -> bool {
        self.kind & Self::SIDE != 0
    }

    /// Address of the instruction after this one in its block.
    pub fn successor(&self) -> u64 {
        if self.is_linked() || self.kind & (Self::SIDE | Self::TAKEN) == Self::SIDE | Self::TAKEN {
            self.imm
        } else {
            self.next
        }
    }

    /// For a [`Uop::SIDE`] branch: how many uops after it its trace's header
    /// is ([`Uop::TRACE`]), 0 if it has none.
    #[inline(always)]
    pub fn trace_offset(&self) -> usize {
        self.size2 as usize
    }

    /// Where a [`Uop::SIDE`] branch leaves its block: the path the block
    /// does not follow.
    pub fn side_target(&self) -> u64 {
        if self.kind & Self::TAKEN != 0 {
            self.next
        } else {
            self.imm
        }
    }
}

/// The body of instructions without a fast form: always defers to the
/// general path.
fn slow(_: &mut Cpu, _: &mut Memory, _: &Uop) -> Option<u64> {
    None
}

/// Translate one decoded instruction whose successor is at `next`, as the
/// last uop of its block (a standalone uop: running it never runs another).
pub fn translate(insn: &Insn, next: u64) -> Uop {
    build(insn, next, true).0
}

/// The header of a side exit's trace ([`Uop::TRACE`]): the trace starts at
/// `start`, has `len` uops, and changes the meter by `delta` (wrapping).
/// It never runs; if it did, it would decline.
pub(crate) fn trace_header(start: u64, len: usize, delta: u64) -> Uop {
    Uop {
        imm: len as u64,
        disp: delta,
        kind: Uop::TRACE,
        ..Uop::declining(start)
    }
}

/// [`translate`], with what the duo pass (`duo`) needs to know of the uop.
pub(crate) fn translate_plain(insn: &Insn, next: u64) -> (Uop, Plain) {
    build(insn, next, true)
}

pub(crate) use control::{call_push_run, pop_ret_run, pop_run, push_run};
pub(crate) use duo::{duos, lead, Plain, Run};
pub(crate) use frame::frame_runs;
pub(crate) use fused::{fuse, Place};
pub(crate) use noflags::{
    dead_flags, live_after, live_in, live_out, switch_live_out, ALL as ALL_FLAGS,
};
pub(crate) use pair::{index_load, load_store, load_then, mov_mov, mov_then, op_store};
pub(crate) use triple::copy_shift_op;

/// Translate an instruction whose flags are dead (see [`dead_flags`]) and
/// that is followed by another uop of its block: its flag-free form, if it
/// has one, and what the duo pass (`duo`) needs to know of it.
pub(crate) fn translate_flags_dead_plain(insn: &Insn, next: u64) -> Option<(Uop, Plain)> {
    let (mut u, _) = build(insn, next, false);
    if !u.is_fast() {
        return None;
    }
    let h = noflags::pick(insn, &mut u)?;
    u.run = h.mid;
    Some((u, Plain::of(h)))
}

/// Translate a conditional branch (`jcc rel`) as a side exit inside its
/// block ([`Uop::SIDE`]): the block goes on at its target when `taken`,
/// else at `next`. `None` for other instructions. The caller fills `disp`.
pub(crate) fn translate_side(insn: &Insn, next: u64, taken: bool) -> Option<Uop> {
    let cc = insn.op.condition()?;
    if insn.op as u16 - cc as u16 != Op::Jo as u16 {
        return None;
    }
    let (mut u, _) = build(insn, next, false);
    u.imm = insn.imm;
    u.kind = Uop::FAST | Uop::SIDE | if taken { Uop::TAKEN } else { 0 };
    // No trace until the cache gives it one (`Uop::trace_offset`).
    u.size2 = 0;
    u.run = control::side_jcc(cc, taken);
    Some(u)
}

/// Translate an instruction that is followed, in the same block of
/// [`crate::cache::CodeCache::uops`], by the uop of the instruction at `next`.
#[cfg(test)]
pub(crate) fn translate_within(insn: &Insn, next: u64) -> Uop {
    build(insn, next, false).0
}

/// Translate an instruction followed by another uop of its block (as
/// `translate_within` does), with what the duo pass (`duo`) needs to know
/// of the uop.
pub(crate) fn translate_within_plain(insn: &Insn, next: u64) -> (Uop, Plain) {
    build(insn, next, false)
}

fn build(insn: &Insn, next: u64, is_last: bool) -> (Uop, Plain) {
    let mut u = Uop::declining(next);
    // REP string instructions are charged per iteration by the interpreter.
    let picked = if crate::classify::is_rep_string(insn) {
        None
    } else {
        pick(insn, &mut u)
    };
    if picked.is_some() {
        u.kind |= Uop::FAST;
    }
    let h = picked.unwrap_or_else(|| handler(slow));
    u.run = if is_last { h.last } else { h.mid };
    (
        u,
        if is_last {
            Plain::of_last(h)
        } else {
            Plain::of(h)
        },
    )
}

fn pick(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    use Op::*;
    Some(match insn.op {
        Add => alu::binary::<{ Add as u16 }>(insn, u)?,
        Or => alu::binary::<{ Or as u16 }>(insn, u)?,
        Adc => alu::binary::<{ Adc as u16 }>(insn, u)?,
        Sbb => alu::binary::<{ Sbb as u16 }>(insn, u)?,
        And => alu::binary::<{ And as u16 }>(insn, u)?,
        Sub => alu::binary::<{ Sub as u16 }>(insn, u)?,
        Xor => alu::binary::<{ Xor as u16 }>(insn, u)?,
        Cmp => alu::binary::<{ Cmp as u16 }>(insn, u)?,
        Test => alu::binary::<{ Test as u16 }>(insn, u)?,
        Inc | Dec | Neg | Not => alu::unary(insn, u)?,
        Shl | Sal | Shr | Sar | Rol | Ror => alu::shift(insn, u)?,
        Imul if matches!(insn.ops[1], Operand::None) => wide::one_operand::<true>(insn, u)?,
        Imul => alu::imul(insn, u)?,
        Mul | Div | Idiv => wide::one_operand::<true>(insn, u)?,

        Mov => moves::mov(insn, u)?,
        Movzx => moves::movzx(insn, u)?,
        Movsx | Movsxd => moves::movsx(insn, u)?,
        Lea => moves::lea(insn, u)?,
        Bswap => moves::bswap(insn, u)?,
        Cbw | Cwde | Cdqe | Cwd | Cdq | Cqo => moves::sign_extend(insn)?,

        Jmp => control::jmp(insn, u)?,
        Call => control::call(insn, u)?,
        Ret => control::ret(insn)?,
        Int => {
            // Interrupts end their block; serving one is the interpreter's
            // job, so the handler only says which it is and where.
            u.imm = insn.imm as u8 as u64;
            u.disp = u.next.wrapping_sub(insn.len as u64);
            Handler {
                mid: control::interrupt,
                last: control::interrupt,
                body: TypeId::of::<Exit>(),
            }
        }
        Push => control::push(insn, u)?,
        Pop => control::pop(insn, u)?,
        Leave => control::leave(insn)?,
        Movaps | Movups | Movapd | Movupd | Movdqa | Movdqu | Lddqu => sse::full_move(insn, u)?,
        Movss | Movsd | Movd | Movq => sse::scalar_move(insn, u)?,
        Cvtsi2ss | Cvtsi2sd => sse::int_to_float(insn, u)?,
        Nop | Endbr64 | Pause | Lfence | Mfence | Sfence | Prefetchnta | Prefetcht0
        | Prefetcht1 | Prefetcht2 | Prefetchw => handler(control::nop),

        Pshufd | Pshuflw | Pshufhw | Shufps | Shufpd => sse::imm_shuffle(insn, u)?,
        op if op.is_sse() => sse::lanes(insn, u)?,
        op => {
            let cc = op.condition()?;
            let family = op as u16 - cc as u16;
            if family == Jo as u16 {
                u.imm = insn.imm;
                control::jcc(cc)
            } else if family == Cmovo as u16 {
                moves::cmov(insn, u, cc)?
            } else {
                moves::setcc(insn, u, cc)?
            }
        }
    })
}

/// A xorshift generator of test values from `seed` (the handler modules'
/// unit tests).
#[cfg(test)]
pub(crate) fn xorshift(mut x: u64) -> impl FnMut() -> u64 {
    move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    }
}

/// Operation size of a handler instance: `S` when it was specialised for a
/// size (4 or 8, the common ones: constant masks, no size branches), else
/// the run-time size in the uop.
#[inline(always)]
fn sz<const S: u8>(u: &Uop) -> u8 {
    if S == 0 {
        u.size
    } else {
        S
    }
}

/// Instantiate `$f::<extra…, S>` for the size `$size` (4, 8, or any other
/// at run time, `S` = 0).
macro_rules! by_size {
    ($size:expr, $f:ident $(, $g:expr)*) => {
        match $size {
            8 => $crate::exec::fast::handler($f::<$({ $g },)* 8>),
            4 => $crate::exec::fast::handler($f::<$({ $g },)* 4>),
            _ => $crate::exec::fast::handler($f::<$({ $g },)* 0>),
        }
    };
}
pub(crate) use by_size;

/// Select the instance of a generic handler for a run-time condition code.
macro_rules! by_cc {
    ($cc:expr, $f:ident) => {
        match $cc & 15 {
            0 => $crate::exec::fast::handler($f::<0>),
            1 => $crate::exec::fast::handler($f::<1>),
            2 => $crate::exec::fast::handler($f::<2>),
            3 => $crate::exec::fast::handler($f::<3>),
            4 => $crate::exec::fast::handler($f::<4>),
            5 => $crate::exec::fast::handler($f::<5>),
            6 => $crate::exec::fast::handler($f::<6>),
            7 => $crate::exec::fast::handler($f::<7>),
            8 => $crate::exec::fast::handler($f::<8>),
            9 => $crate::exec::fast::handler($f::<9>),
            10 => $crate::exec::fast::handler($f::<10>),
            11 => $crate::exec::fast::handler($f::<11>),
            12 => $crate::exec::fast::handler($f::<12>),
            13 => $crate::exec::fast::handler($f::<13>),
            14 => $crate::exec::fast::handler($f::<14>),
            _ => $crate::exec::fast::handler($f::<15>),
        }
    };
}
pub(crate) use by_cc;

/// Run one instruction the way the interpreter does: its translated handler,
/// or the general path when there is none or the handler declines. For the
/// differential tests, which check the fast handlers against the host CPU.
pub fn execute_translated(
    cpu: &mut Cpu,
    mem: &mut Memory,
    insn: &Insn,
    next_rip: u64,
) -> Result<super::Step, crate::fault::Fault> {
    let u = translate(insn, next_rip);
    match (u.run)(cpu, mem, &u) {
        Exit::Next(n) if n == next_rip => Ok(super::Step::Next),
        Exit::Next(n) => Ok(super::Step::Jump(n)),
        Exit::Decline(_) => super::execute(cpu, mem, insn, next_rip),
        // Only `translate_side` makes uops that leave, and this is `translate`.
        Exit::Leave(_) => super::execute(cpu, mem, insn, next_rip),
        Exit::Interrupt(_) => super::execute(cpu, mem, insn, next_rip),
    }
}
