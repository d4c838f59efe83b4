//! The interpreter loop: fetch a cached block, charge its gas, execute its
//! instructions, dispatch interrupts, and turn faults into reportable traps.
//!
//! Gas is charged per block, with results identical to charging each
//! instruction before it executes:
//! - if the whole block is affordable, its total is charged up front; a fault
//!   part-way through refunds the instructions that never ran;
//! - otherwise the block runs instruction by instruction, charging each first,
//!   so out-of-gas stops at exactly the same instruction;
//! - `int` ends a block, so `gas_left()` inside an interrupt is exact;
//! - each iteration of a REP string instruction is charged before it runs.

use crate::abi::{self, Flow};
use crate::cache::{Block, CodeCache, Recent};
use crate::cpu::{reg, Cpu};
use crate::exec::fast::{Exit, Threaded, Uop};
use crate::exec::{self, Step};
use crate::fault::Fault;
use crate::host::{CallContext, Host, Status};
use crate::memory::Memory;
use crate::program::Program;
use echovm_decoder::{prefix, Insn};
use echovm_gas::Schedule;
use std::fmt;

/// A fault with the place it happened, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap {
    pub fault: Fault,
    pub rip: u64,
    /// Intel-syntax text of the instruction, when it decoded.
    pub insn: Option<String>,
    pub function: Option<String>,
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at {:#x}", self.fault, self.rip)?;
        if let Some(i) = &self.insn {
            write!(f, " ({i})")?;
        }
        if let Some(func) = &self.function {
            write!(f, " in {func}")?;
        }
        Ok(())
    }
}

/// Everything a finished call produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    pub gas_used: u64,
    pub return_data: Vec<u8>,
    pub trap: Option<Trap>,
    pub debug: Vec<String>,
    /// Where execution stopped: 0 after the final `ret`, the interrupt's return
    /// address after finish/revert, the faulting instruction, or the instruction
    /// that could not be paid for. Not part of consensus results; used by the
    /// metering property tests.
    pub end_rip: u64,
}

/// One call frame's machine: CPU, memory, gas and what the call has produced so far.
pub struct Vm<'a> {
    pub cpu: Cpu,
    pub mem: Memory,
    pub program: &'a Program,
    pub schedule: &'a Schedule,
    pub cache: &'a mut CodeCache,
    pub host: &'a mut dyn Host,
    pub ctx: CallContext,
    pub input: Vec<u8>,
    pub gas_limit: u64,
    pub gas_used: u64,
    pub return_data: Vec<u8>,
    pub debug: Vec<String>,
    /// Total bytes of debug output so far (bounded by the schedule).
    pub debug_bytes: u64,
    /// Return data of the last nested call.
    pub last_return: Vec<u8>,
    pub heap: crate::heap::Heap,
    /// Print each executed block's address and the instruction count to stderr (`echovm run --trace`).
    pub trace: bool,
    /// Reference metering: charge every instruction individually, never a whole
    /// block (see [`RunOptions::per_instruction_gas`]).
    pub per_instruction_gas: bool,
}

impl<'a> Vm<'a> {
    #[inline]
    pub fn gas_left(&self) -> u64 {
        self.gas_limit - self.gas_used
    }

    /// Charge `amount`; on failure all gas is used.
    #[inline]
    pub fn charge(&mut self, amount: u64) -> Result<(), OutOfGas> {
        if amount <= self.gas_left() {
            self.gas_used += amount;
            Ok(())
        } else {
            self.gas_used = self.gas_limit;
            Err(OutOfGas)
        }
    }

    fn trap(&self, fault: Fault, rip: u64, insn: Option<&Insn>) -> Trap {
        Trap {
            fault,
            rip,
            insn: insn.map(crate::interp::insn_text),
            function: self.program.function_at(rip).map(str::to_string),
        }
    }

    fn finish(&mut self, status: Status, trap: Option<Trap>) -> Outcome {
        if status == Status::OutOfGas {
            self.gas_used = self.gas_limit;
        }
        Outcome {
            status,
            gas_used: self.gas_used,
            return_data: if matches!(status, Status::Success | Status::Reverted) {
                std::mem::take(&mut self.return_data)
            } else {
                Vec::new()
            },
            trap,
            debug: std::mem::take(&mut self.debug),
            end_rip: self.cpu.rip,
        }
    }

    /// Run from the current RIP until the call ends.
    pub fn run(&mut self) -> Outcome {
        let schedule = self.schedule;
        let cost = |i: &Insn| crate::classify::insn_cost(schedule, i);
        let iter_cost = schedule.surcharges().string_iteration;
        // Without diagnostics, blocks already in the front cache that the
        // meter can pay for in full run back to back in `hot_loop`; anything
        // else (a new block, one that must be charged per instruction, a
        // trace) goes once round the careful path below.
        let hot = !self.trace && !self.per_instruction_gas;
        loop {
            if hot {
                let mut gas = Gas {
                    used: self.gas_used,
                    limit: self.gas_limit,
                    iter: iter_cost,
                };
                let exit = hot_loop(&mut self.cpu, &mut self.mem, self.cache, &mut gas);
                self.gas_used = gas.used;
                if let Some((exit, block)) = exit {
                    if let Some(outcome) = self.block_exit(exit, block, true) {
                        return outcome;
                    }
                    continue;
                }
            }
            let rip = self.cpu.rip;
            if rip == 0 {
                return self.finish(Status::Success, None);
            }
            let block: Block = match self.cache.lookup(rip) {
                Some(b) => b,
                None => match self.cache.block(&self.mem, rip, &cost) {
                    Ok(b) => b,
                    Err(f) => return self.finish(Status::Fault, Some(self.trap(f, rip, None))),
                },
            };
            if self.trace {
                eprintln!(
                    "trace: block {rip:#x} ({} instructions, gas left {})",
                    block.count,
                    self.gas_left()
                );
            }
            let precharged = !self.per_instruction_gas && block.need <= self.gas_left();
            if precharged {
                self.gas_used += block.cost;
            }
            let mut gas = Gas {
                used: self.gas_used,
                limit: self.gas_limit,
                iter: iter_cost,
            };
            let exit = run_block(
                &mut self.cpu,
                &mut self.mem,
                self.cache,
                block,
                rip,
                precharged,
                &mut gas,
            );
            self.gas_used = gas.used;
            if let Some(outcome) = self.block_exit(exit, block, precharged) {
                return outcome;
            }
        }
    }

    /// Act on how a block ended: continue (`None`), dispatch an interrupt,
    /// or finish the call. `precharged` says whether the block's whole cost
    /// was charged up front (then a fault refunds what never ran).
    fn block_exit(&mut self, exit: BlockExit, block: Block, precharged: bool) -> Option<Outcome> {
        let first = block.first as usize;
        match exit {
            BlockExit::Done(next) => self.cpu.rip = next,
            BlockExit::Interrupt {
                vector,
                k,
                pc,
                next,
            } => {
                self.cpu.rip = next;
                match abi::dispatch(self, vector) {
                    Ok(Flow::Continue) => {}
                    Ok(Flow::End(status)) => return Some(self.finish(status, None)),
                    Err(abi::Stop::OutOfGas) => return Some(self.finish(Status::OutOfGas, None)),
                    Err(abi::Stop::Fault(f)) => {
                        let insn = self.cache.insns.get(first + k).copied();
                        let t = self.trap(f, pc, insn.as_ref());
                        return Some(self.finish(Status::Fault, Some(t)));
                    }
                }
            }
            BlockExit::OutOfGas { pc } => {
                self.cpu.rip = pc;
                return Some(self.finish(Status::OutOfGas, None));
            }
            BlockExit::Fault { fault, k, pc } => {
                if precharged {
                    self.gas_used -= unused(self.cache, block, k);
                }
                self.cpu.rip = pc;
                let insn = self.cache.insns.get(first + k).copied();
                let t = self.trap(fault, pc, insn.as_ref());
                return Some(self.finish(Status::Fault, Some(t)));
            }
        }
        None
    }
}

/// What a precharged block refunds when its instruction `k` (an index into
/// the cache's vectors from the block's first) faults: the cost of the
/// instructions after it on its path (in a side exit's trace, the rest of
/// the trace: entering it charged the whole trace and refunded the rest of
/// the main path).
fn unused(cache: &CodeCache, block: Block, k: usize) -> u64 {
    let first = block.first as usize;
    let end = match span_of(cache, block, first + k) {
        Some(span) => span.first + span.uops.len(),
        None => first + block.count as usize,
    };
    cache
        .costs
        .get(first + k + 1..end)
        .map_or(0, |c| c.iter().sum())
}

/// Run cached, affordable blocks back to back from `cpu.rip`, charging each
/// block's total up front. Returns `None`, with `cpu.rip` set, when the next
/// block needs the careful path (the end address 0, a block not in the
/// front cache, or one the gas left cannot pay for in full); otherwise the
/// first exit other than falling through or branching, with its block.
#[inline(never)]
fn hot_loop(
    cpu: &mut Cpu,
    mem: &mut Memory,
    cache: &CodeCache,
    gas: &mut Gas,
) -> Option<(BlockExit, Block)> {
    let mut rip = cpu.rip;
    // The meter is `cpu.meter` here, the gas left, where a side exit that
    // runs its trace charges it (`exec::fast::control::side_exit`); `gas`
    // is written back on every exit.
    cpu.meter = gas.limit - gas.used;
    // Enter the block at `rip`: its exit, and its front-cache entry. No
    // block starts at address 0 (page 0 is never mapped, so nothing there
    // decodes into the cache), so the end of the call always misses here
    // and `Vm::run` finishes it. The entry is kept by reference: its block
    // is needed only when a uop declines, and one pointer held across the
    // call is cheaper than the block's fields.
    macro_rules! enter {
        ($call:expr) => {{
            let recent = match cache.probe(rip) {
                Some(r) if r.need <= cpu.meter => r,
                _ => {
                    cpu.rip = rip;
                    gas.used = gas.limit - cpu.meter;
                    return None;
                }
            };
            cpu.meter -= recent.cost;
            ($call(recent.run, cpu, mem, recent.entry), recent)
        }};
    }
    loop {
        let (mut exit, mut recent) = enter!(|run: Threaded, c, m, p| run(c, m, p));
        loop {
            // Falling through or branching is the common exit, tested
            // first; the others go out of line, so this stays one compare
            // (a `match` here became a jump table: one more indirect jump
            // per block).
            if let Exit::Next(next) = exit {
                rip = next;
                break;
            }
            // Side exits are frequent (every loop exit, every forward
            // branch against the static guess). The block after one is
            // entered from a call of its own, so the host's branch
            // predictor learns the targets of side exits apart from those
            // of block ends (measured: interp 66.9 -> 64.2 ms, bigint
            // 10.25 -> 9.92 ms, docs/RUNTIME.md).
            if let Exit::Leave(p) = exit {
                let refund;
                (refund, rip) = left_at(p);
                cpu.meter += refund;
                (exit, recent) = enter!(enter_after_side_exit);
                continue;
            }
            match other_exit(cpu, mem, cache, recent, rip, exit, gas) {
                Ok(next) => rip = next,
                Err(e) => return Some(e),
            }
            break;
        }
    }
}

/// Run the block whose first uop is `p` after a side exit: the indirect
/// jump here is the host branch predictor's own site for the blocks after
/// side exits (the hot loop's call would otherwise serve every block, and
/// the compiler merges two calls of the same shape into one).
#[inline(never)]
fn enter_after_side_exit(run: Threaded, c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit {
    run(c, m, p)
}

/// A block of the hot loop ended other than by falling through, branching
/// or a side exit: an interrupt, or a declined uop (resumed on the general
/// path). `Ok` = continue at this address, with `cpu.meter` the gas left.
#[cold]
#[inline(never)]
fn other_exit(
    cpu: &mut Cpu,
    mem: &mut Memory,
    cache: &CodeCache,
    recent: &Recent,
    rip: u64,
    exit: Exit,
    gas: &mut Gas,
) -> Result<u64, (BlockExit, Block)> {
    match exit {
        Exit::Next(next) => Ok(next),
        Exit::Leave(p) => {
            let (refund, target) = left_at(p);
            cpu.meter += refund;
            Ok(target)
        }
        Exit::Interrupt(p) => {
            gas.used = gas.limit - cpu.meter;
            Err((interrupt_exit(p, recent.entry), cache.block_of(recent)))
        }
        Exit::Decline(p) => {
            let block = cache.block_of(recent);
            gas.used = gas.limit - cpu.meter;
            let r = resume(cpu, mem, cache, block, rip, p, gas);
            cpu.meter = gas.limit - gas.used;
            match r {
                Ok(next) | Err(BlockExit::Done(next)) => Ok(next),
                Err(exit) => Err((exit, block)),
            }
        }
    }
}

/// Run the threaded uops from `p` with `gas` as the meter (`Cpu::meter`
/// while they run: a side exit's trace charges itself there).
#[inline(always)]
fn threaded(cpu: &mut Cpu, mem: &mut Memory, p: *const Uop, gas: &mut Gas) -> Exit {
    cpu.meter = gas.limit - gas.used;
    // SAFETY: the callers pass a live uop of a block of the cache, with
    // the provenance of the whole `uops` vector (see `Threaded`).
    let exit = (unsafe { &*p }.run)(cpu, mem, p);
    gas.used = gas.limit - cpu.meter;
    exit
}

/// Run a precharged block: its uops threaded (`exec::fast`), one call for
/// the whole block unless a uop declines. `Ok` = the address to continue at.
fn run_threaded(
    cpu: &mut Cpu,
    mem: &mut Memory,
    cache: &CodeCache,
    block: Block,
    rip: u64,
    gas: &mut Gas,
) -> Result<u64, BlockExit> {
    let first = block.first as usize;
    let base = cache.uops.as_ptr();
    if cache.uops.get(first).is_none() {
        return Err(out_of_step(rip));
    }
    match threaded(cpu, mem, base.wrapping_add(first), gas) {
        Exit::Next(next) => Ok(next),
        Exit::Leave(p) => Ok(leave(p, gas)),
        Exit::Interrupt(p) => Err(interrupt_exit(p, base.wrapping_add(first))),
        Exit::Decline(p) => resume(cpu, mem, cache, block, rip, p, gas),
    }
}

/// The uops a declined uop belongs to: its block's main path, or one of
/// the block's side-exit traces (`Uop::TRACE`), which the cache places
/// after the main path's uops, each behind its header.
struct Span<'c> {
    /// Index of the span's first uop in the cache's vectors.
    first: usize,
    uops: &'c [Uop],
    /// Address of a trace's first instruction; `None` for the main path,
    /// which starts at the block's address.
    trace_start: Option<u64>,
}

/// The span of `block` that holds the uop with index `g` of the cache's
/// vectors.
fn span_of(cache: &CodeCache, block: Block, g: usize) -> Option<Span<'_>> {
    let first = block.first as usize;
    let main = first + block.count as usize;
    if g < main {
        return Some(Span {
            first,
            uops: cache.uops.get(first..main)?,
            trace_start: None,
        });
    }
    // A trace holds at most `MAX_TRACE` uops after its header.
    let h = (main..=g)
        .rev()
        .take(crate::cache::MAX_TRACE + 1)
        .find(|&i| cache.uops.get(i).is_some_and(|u| u.kind & Uop::TRACE != 0))?;
    let header = cache.uops.get(h)?;
    let len = usize::try_from(header.imm).ok()?;
    Some(Span {
        first: h + 1,
        uops: cache.uops.get(h + 1..h + 1 + len)?,
        trace_start: Some(header.next),
    })
}

/// The block starting with the uop `first` reached `int n` at the uop `p`.
#[inline(always)]
fn interrupt_exit(p: *const Uop, first: *const Uop) -> BlockExit {
    // SAFETY: `p` is the interrupt's uop, inside a block of the cache.
    let u = unsafe { &*p };
    BlockExit::Interrupt {
        vector: u.imm as u8,
        k: (p as usize).wrapping_sub(first as usize) / std::mem::size_of::<Uop>(),
        pc: u.disp,
        next: u.next,
    }
}

/// A side exit left a precharged block at the uop `p`: refund what did not
/// run and return where execution goes on.
#[inline(always)]
fn leave(p: *const Uop, gas: &mut Gas) -> u64 {
    let (refund, target) = left_at(p);
    gas.used = gas.used.saturating_sub(refund);
    target
}

/// What leaving a block at the side-exit uop `p` refunds (the cost of the
/// block's instructions after it), and where execution goes on.
#[inline(always)]
fn left_at(p: *const Uop) -> (u64, u64) {
    // SAFETY: `p` is the side exit's uop (`Exit::Leave`), inside a block of
    // the cache, which is borrowed for as long as its blocks run.
    let u = unsafe { &*p };
    (u.disp, u.side_target())
}

/// Where the instruction of uop `u` sent execution, after the general path
/// ran it: `Ok` = on along the block (`None` from [`general`]), or the
/// block's exit. A direct jmp/call of a superblock goes on to its target;
/// a side-exit branch goes on when it went the block's way, and otherwise
/// ends the block (`BlockExit::Done` at the other path).
#[inline(always)]
fn after_general(u: &Uop, last: bool, r: Option<BlockExit>) -> Result<(), BlockExit> {
    match r {
        None if u.is_side() && !last && u.successor() != u.next => Err(BlockExit::Done(u.next)),
        None => Ok(()),
        Some(BlockExit::Done(t)) if (u.is_linked() || u.is_side()) && !last => {
            if t == u.successor() {
                Ok(())
            } else {
                Err(BlockExit::Done(t))
            }
        }
        Some(exit) => Err(exit),
    }
}

/// The uop at `p` of `block` declined: run its instruction on the general
/// path, then go on threaded with the rest of the block (again, if another
/// uop declines).
#[cold]
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn resume(
    cpu: &mut Cpu,
    mem: &mut Memory,
    cache: &CodeCache,
    block: Block,
    rip: u64,
    mut p: *const Uop,
    gas: &mut Gas,
) -> Result<u64, BlockExit> {
    let first = block.first as usize;
    let base = cache.uops.as_ptr();
    let mut general_only = false;
    loop {
        let g = (p as usize).wrapping_sub(base as usize) / std::mem::size_of::<Uop>();
        let Some(span) = span_of(cache, block, g) else {
            return Err(out_of_step(rip));
        };
        let uops = span.uops;
        let k = g.wrapping_sub(span.first);
        let pc = address_of(uops, k, span.trace_start.unwrap_or(rip));
        let (Some(insn), Some(u)) = (cache.insns.get(g), uops.get(k)) else {
            return Err(out_of_step(pc));
        };
        let last = k + 1 >= uops.len();
        match after_general(u, last, general(cpu, mem, insn, g - first, pc, u.next, gas)) {
            Ok(()) => {}
            // A side exit: the rest of the precharged block did not run.
            Err(BlockExit::Done(t)) if u.is_side() && !last => {
                gas.used = gas.used.saturating_sub(u.disp);
                return Ok(t);
            }
            Err(exit) => return Err(exit),
        }
        if last {
            return Ok(u.next);
        }
        let n = base.wrapping_add(g + 1);
        // A stack frame's checker (`exec::fast::frame`) ran on the general
        // path: set its frame now for the accesses after it, or, if its
        // range does not fit in one window, run the rest of the span on
        // the general path too (they would use the frame unchecked).
        if u.kind & Uop::FRAME_CHECK != 0 && !mem.set_frame_slow(cpu.gpr[reg::RSP as usize], u.imm)
        {
            general_only = true;
        }
        if general_only {
            p = n;
            continue;
        }
        // `n` is uop k + 1 of the span (`last` is false).
        match threaded(cpu, mem, n, gas) {
            Exit::Next(next) => return Ok(next),
            Exit::Leave(q) => return Ok(leave(q, gas)),
            Exit::Interrupt(q) => return Err(interrupt_exit(q, base.wrapping_add(first))),
            Exit::Decline(q) => p = q,
        }
    }
}

/// The meter ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfGas;

/// Gas figures threaded through the block executor (disjoint from the Vm's
/// other fields so the hot loop borrows nothing else).
struct Gas {
    used: u64,
    limit: u64,
    /// Cost of one REP string iteration.
    iter: u64,
}

/// How a block's execution ended.
enum BlockExit {
    /// Fell off the end or branched: continue at this address.
    Done(u64),
    /// `int vector` at block index `k`; the next instruction is at `next`.
    Interrupt {
        vector: u8,
        k: usize,
        pc: u64,
        next: u64,
    },
    OutOfGas {
        pc: u64,
    },
    Fault {
        fault: Fault,
        k: usize,
        pc: u64,
    },
}

/// Execute one decoded block on the careful path. `precharged`: the block's
/// total was charged up front, so it runs threaded like in the hot loop;
/// otherwise (the gas left cannot pay for the whole block, or reference
/// metering) each instruction is charged just before it runs, on the general
/// path, so out-of-gas stops at exactly the same instruction.
fn run_block(
    cpu: &mut Cpu,
    mem: &mut Memory,
    cache: &CodeCache,
    block: Block,
    start: u64,
    precharged: bool,
    gas: &mut Gas,
) -> BlockExit {
    if precharged {
        return match run_threaded(cpu, mem, cache, block, start, gas) {
            Ok(next) => BlockExit::Done(next),
            Err(exit) => exit,
        };
    }
    let first = block.first as usize;
    let end = first + block.count as usize;
    let (Some(insns), Some(uops)) = (cache.insns.get(first..end), cache.uops.get(first..end))
    else {
        return out_of_step(start);
    };
    let mut pc = start;
    for (k, (insn, u)) in insns.iter().zip(uops).enumerate() {
        let c = cache.costs.get(first + k).copied().unwrap_or(0);
        if c > gas.limit - gas.used {
            gas.used = gas.limit;
            return BlockExit::OutOfGas { pc };
        }
        gas.used += c;
        let last = k + 1 >= uops.len();
        if let Err(exit) = after_general(u, last, general(cpu, mem, insn, k, pc, u.next, gas)) {
            return exit;
        }
        pc = u.successor();
    }
    BlockExit::Done(pc)
}

/// Address of instruction `k` of a block starting at `start`: the
/// successor of the one before it (a direct jmp/call inside a superblock is
/// followed by its target).
fn address_of(uops: &[Uop], k: usize, start: u64) -> u64 {
    match k.checked_sub(1).and_then(|j| uops.get(j)) {
        Some(prev) => prev.successor(),
        None => start,
    }
}

/// The cache's parallel vectors disagree: cannot happen (they grow together
/// in `CodeCache::decode_block`), reported as a fault rather than a panic.
#[cold]
fn out_of_step(pc: u64) -> BlockExit {
    BlockExit::Fault {
        fault: Fault::NotImplemented("code cache out of step"),
        k: 0,
        pc,
    }
}

/// Run instruction `k` of a block (at `pc`, followed by `next`) on the
/// general path: REP string instructions, interrupts, faults and every form
/// without a fast handler. `None` = continue with the next instruction.
#[inline(never)]
fn general(
    cpu: &mut Cpu,
    mem: &mut Memory,
    insn: &Insn,
    k: usize,
    pc: u64,
    next: u64,
    gas: &mut Gas,
) -> Option<BlockExit> {
    let step = if crate::classify::is_rep_string(insn) {
        match run_rep(cpu, mem, insn, next, gas) {
            Ok(s) => s,
            Err(None) => return Some(BlockExit::OutOfGas { pc }),
            Err(Some(fault)) => return Some(BlockExit::Fault { fault, k, pc }),
        }
    } else {
        match exec::execute(cpu, mem, insn, next) {
            Ok(s) => s,
            Err(fault) => return Some(BlockExit::Fault { fault, k, pc }),
        }
    };
    match step {
        Step::Next => None,
        Step::Jump(t) => Some(BlockExit::Done(t)),
        Step::Interrupt(vector) => Some(BlockExit::Interrupt {
            vector,
            k,
            pc,
            next,
        }),
        // Only REP string instructions repeat, and they go through run_rep.
        Step::Repeat => Some(BlockExit::Fault {
            fault: Fault::NotImplemented("repeat without a REP prefix"),
            k,
            pc,
        }),
    }
}

/// Execute a REP-prefixed string instruction to completion, charging one
/// string iteration before each iteration runs. `Err(None)` = out of gas.
fn run_rep(
    cpu: &mut Cpu,
    mem: &mut Memory,
    insn: &Insn,
    next: u64,
    gas: &mut Gas,
) -> Result<Step, Option<Fault>> {
    let count_size = if insn.has_prefix(prefix::ADDR32) {
        4
    } else {
        8
    };
    loop {
        if cpu.read_gpr(reg::RCX, count_size) != 0 {
            if gas.iter > gas.limit - gas.used {
                gas.used = gas.limit;
                return Err(None);
            }
            gas.used += gas.iter;
        }
        match exec::execute(cpu, mem, insn, next).map_err(Some)? {
            Step::Repeat => continue,
            other => return Ok(other),
        }
    }
}

/// Parameters of one call.
pub struct CallParams<'a> {
    pub program: &'a Program,
    pub schedule: &'a Schedule,
    pub ctx: CallContext,
    pub input: Vec<u8>,
    pub gas_limit: u64,
}

/// Diagnostics that do not affect results.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunOptions {
    /// Print each executed block to stderr.
    pub trace: bool,
    /// Charge each instruction just before it runs instead of a block at a
    /// time. Results are identical by design (the property tests compare the
    /// two); this mode exists as the reference the fast path is checked against.
    pub per_instruction_gas: bool,
}

/// Load `program` into a fresh address space and run one call to completion.
/// `cache` may be reused across calls of the same program and schedule.
pub fn run_call(p: CallParams<'_>, cache: &mut CodeCache, host: &mut dyn Host) -> Outcome {
    run_call_with(p, cache, host, RunOptions::default())
}

/// [`run_call`] with diagnostics options.
pub fn run_call_with(
    p: CallParams<'_>,
    cache: &mut CodeCache,
    host: &mut dyn Host,
    opts: RunOptions,
) -> Outcome {
    let limits = p.schedule.limits();
    let loaded = crate::loader::load(
        p.program,
        crate::loader::LoadLimits {
            stack: limits.stack_bytes,
            memory: limits.guest_memory_bytes,
        },
    );
    let (cpu, mem) = match loaded {
        Ok(x) => x,
        Err(fault) => {
            return Outcome {
                status: Status::Fault,
                gas_used: 0,
                return_data: Vec::new(),
                trap: Some(Trap {
                    fault,
                    rip: p.program.entry,
                    insn: None,
                    function: None,
                }),
                debug: Vec::new(),
                end_rip: p.program.entry,
            }
        }
    };
    if p.input.len() as u64 > limits.input_bytes {
        return Outcome {
            status: Status::Fault,
            gas_used: 0,
            return_data: Vec::new(),
            trap: Some(Trap {
                fault: Fault::Limit {
                    what: "input",
                    value: p.input.len() as u64,
                    limit: limits.input_bytes,
                },
                rip: p.program.entry,
                insn: None,
                function: None,
            }),
            debug: Vec::new(),
            end_rip: p.program.entry,
        };
    }
    let mut vm = Vm {
        cpu,
        mem,
        program: p.program,
        schedule: p.schedule,
        cache,
        host,
        ctx: p.ctx,
        input: p.input,
        gas_limit: p.gas_limit,
        gas_used: 0,
        return_data: Vec::new(),
        debug: Vec::new(),
        debug_bytes: 0,
        last_return: Vec::new(),
        heap: Default::default(),
        trace: opts.trace,
        per_instruction_gas: opts.per_instruction_gas,
    };
    vm.run()
}

/// Intel-syntax text of an instruction for messages.
pub fn insn_text(i: &Insn) -> String {
    i.to_string()
}
