//! Decode-once code cache: basic blocks of decoded instructions with their
//! gas costs, keyed by start address.
//!
//! Code is never writable (the loader refuses W+X and maps code read-only), so
//! a decoded block stays valid for the whole call — and for every later call
//! of the same program under the same schedule. Each block carries its total
//! cost so the interpreter can charge gas once per block.

use crate::exec::fast::{
    call_push_run, copy_shift_op, dead_flags, duos, frame_runs, fuse, index_load, lead, live_after,
    live_in, live_out, load_store, load_then, mov_mov, mov_then, op_store, pop_ret_run, pop_run,
    push_run, switch_live_out, trace_header, translate_flags_dead_plain, translate_plain,
    translate_side, translate_within_plain, Plain, Run, Uop, ALL_FLAGS,
};
use crate::exec::fast::{Exit, Place, Threaded};
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{decode, DecodeError, Insn, Op, Operand};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Most instructions in one block; bounds decode work for straight-line code.
pub const MAX_BLOCK: usize = 128;

/// Most instructions in a side exit's trace (`CodeCache::add_trace`): the
/// short blocks worth copying into every superblock that leaves to them.
pub const MAX_TRACE: usize = 8;

/// A multiplicative hasher for `u64` keys: block addresses are already well
/// spread, and the map is only ever looked up (never iterated), so iteration
/// order cannot leak into results.
#[derive(Default, Clone, Copy)]
pub struct AddrHasher(u64);

impl Hasher for AddrHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ b as u64).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (v ^ (v >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Block {
    /// Index of the first instruction in [`CodeCache::insns`].
    pub first: u32,
    pub count: u32,
    /// Sum of the instruction costs.
    pub cost: u64,
    /// The gas left needed to precharge the block: its cost, or more when a
    /// side exit's trace (`exec::fast::Uop::TRACE`) costs more than the
    /// exit refunds. Precharging only blocks the meter can pay for along
    /// every path keeps out-of-gas at the instruction per-instruction
    /// charging stops at; a block that needs more runs on the careful path.
    pub need: u64,
}

/// Decoded blocks of one program under one schedule.
pub struct CodeCache {
    pub insns: Vec<Insn>,
    /// Translated form of each instruction, parallel to `insns`. Only
    /// `decode_block` grows it (the front cache's pointers depend on that).
    pub(crate) uops: Vec<Uop>,
    /// Gas cost of each instruction, parallel to `insns`.
    pub costs: Vec<u64>,
    blocks: Vec<Block>,
    map: HashMap<u64, u32, BuildHasherDefault<AddrHasher>>,
    /// Direct-mapped front cache of `map` holding the blocks themselves and
    /// pointers to their first uops, so the interpreter's per-block lookup is
    /// one probe and one compare, and entering the block needs no index
    /// arithmetic or bounds check.
    recent: Box<[Recent; RECENT]>,
    /// The block of each front-cache entry, by the same slot.
    recent_blocks: Box<[Block; RECENT]>,
    /// `uops.as_ptr()` when the front cache's pointers were last made:
    /// growing `uops` may move it, and then every pointer is remade.
    uops_at: *const Uop,
}

/// A front-cache entry: the block starting at `addr`, with what entering
/// it needs (40 bytes: the rest of the block is in
/// `CodeCache::recent_blocks`, for declines and the careful path). An
/// empty entry has a null `entry` and an address that does not map to its
/// own slot ([`empty_entry`]), so no probe can ever match it.
#[derive(Clone, Copy)]
pub struct Recent {
    addr: u64,
    /// [`Block::need`].
    pub need: u64,
    /// [`Block::cost`].
    pub cost: u64,
    /// `uops.as_ptr() + block.first`: the block's first uop, with the whole
    /// vector's provenance (the threaded handlers step through the block).
    /// Valid while the cache is not mutated; `CodeCache::lookup_slow`, the
    /// only place that grows `uops`, remakes all of them when it moves.
    pub entry: *const Uop,
    /// The first uop's handler, `(*entry).run`, copied here so that the
    /// block loop's indirect call waits on one load, not two in a row.
    pub run: Threaded,
}

const EMPTY: Recent = Recent {
    addr: u64::MAX,
    need: 0,
    cost: 0,
    entry: std::ptr::null(),
    run: never_entered,
};

/// The handler of the empty front-cache entries, which no probe matches,
/// so nothing enters them.
fn never_entered(_: &mut crate::cpu::Cpu, _: &mut Memory, p: *const Uop) -> Exit {
    Exit::Decline(p)
}

/// The empty entry of slot `i`: [`EMPTY`], whose address is `u64::MAX`,
/// except in the slot `u64::MAX` itself maps to, where it is `u64::MAX - 1`
/// (which maps to another slot). Why: a probe compares only the address, and
/// a contract may jump anywhere — `jmp` to `0xffff_ffff_ffff_ffff` found the
/// empty entry of its slot and entered a null block (found in session 9; a
/// segmentation fault of the VM before then).
fn empty_entry(i: usize) -> Recent {
    let addr = if slot(u64::MAX) == i {
        u64::MAX - 1
    } else {
        u64::MAX
    };
    Recent { addr, ..EMPTY }
}

impl Default for CodeCache {
    fn default() -> Self {
        CodeCache {
            insns: Vec::new(),
            uops: Vec::new(),
            costs: Vec::new(),
            blocks: Vec::new(),
            map: HashMap::default(),
            recent: empty_front_cache(),
            recent_blocks: front_cache(),
            uops_at: std::ptr::null(),
        }
    }
}

const RECENT: usize = 1024;

/// An empty front cache, built on the heap: `Box::new([EMPTY; RECENT])`
/// would first build its 40 KiB on the stack of whatever creates a cache —
/// the nested-call path, once per call depth.
fn front_cache<T: Copy + Default>() -> Box<[T; RECENT]> {
    let v: Box<[T]> = vec![T::default(); RECENT].into_boxed_slice();
    // `v` has exactly RECENT entries, so the conversion cannot fail; the
    // fallback only keeps this free of a panic path.
    v.try_into().unwrap_or_else(|_| front_cache_on_stack())
}

/// A front cache of empty entries, each its slot's ([`empty_entry`]).
fn empty_front_cache() -> Box<[Recent; RECENT]> {
    let mut c: Box<[Recent; RECENT]> = front_cache();
    for (i, r) in c.iter_mut().enumerate() {
        *r = empty_entry(i);
    }
    c
}

/// The never-taken fallback of [`front_cache`], out of line so that its
/// stack temporary is not part of any caller's frame.
#[cold]
#[inline(never)]
fn front_cache_on_stack<T: Copy + Default>() -> Box<[T; RECENT]> {
    Box::new([T::default(); RECENT])
}

impl Default for Recent {
    fn default() -> Self {
        EMPTY
    }
}

#[inline(always)]
fn slot(addr: u64) -> usize {
    ((addr ^ (addr >> 10)) as usize) & (RECENT - 1)
}

/// `Push` or `Pop` for a `push r64` / `pop r64` other than of `rsp` (the
/// forms a run may hold), else `None`.
fn stack_op(insn: &Insn) -> Option<Op> {
    let Operand::Gpr { reg, size: 8 } = insn.ops[0] else {
        return None;
    };
    let plain = insn.osize != 2 && reg & 15 != 4;
    (plain && matches!(insn.op, Op::Push | Op::Pop)).then_some(insn.op)
}

/// True if the instruction ends a basic block.
pub fn ends_block(op: Op) -> bool {
    op.condition()
        .is_some_and(|_| (op as u16) < Op::Seto as u16)
        || matches!(
            op,
            Op::Jmp
                | Op::Call
                | Op::Ret
                | Op::Loop
                | Op::Loope
                | Op::Loopne
                | Op::Jrcxz
                | Op::Jecxz
                | Op::Int
                | Op::Int3
                | Op::Int1
                | Op::Ud2
        )
}

impl CodeCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of cached blocks.
    pub fn len(&self) -> usize {
        self.blocks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The block starting at `addr` if it was used recently (one probe of the
    /// direct-mapped front cache; the interpreter's per-block fast path).
    #[inline(always)]
    pub fn lookup(&self, addr: u64) -> Option<Block> {
        self.probe(addr).map(|r| self.block_of(r))
    }

    /// The block of a front-cache entry.
    #[inline]
    pub fn block_of(&self, r: &Recent) -> Block {
        self.recent_blocks[slot(r.addr)]
    }

    /// The front-cache entry of the block starting at `addr`, if it was used
    /// recently: the block and its first uop (see [`Recent::entry`]).
    #[inline(always)]
    pub fn probe(&self, addr: u64) -> Option<&Recent> {
        let r = &self.recent[slot(addr)];
        (r.addr == addr).then_some(r)
    }

    /// The block starting at `addr`, decoding it on first use. Fails only when
    /// the very first instruction cannot be fetched or decoded.
    #[inline]
    pub fn block(
        &mut self,
        mem: &Memory,
        addr: u64,
        cost: &dyn Fn(&Insn) -> u64,
    ) -> Result<Block, Fault> {
        match self.lookup(addr) {
            Some(b) => Ok(b),
            None => self.lookup_slow(mem, addr, cost),
        }
    }

    #[cold]
    fn lookup_slow(
        &mut self,
        mem: &Memory,
        addr: u64,
        cost: &dyn Fn(&Insn) -> u64,
    ) -> Result<Block, Fault> {
        let i = match self.map.get(&addr) {
            Some(&i) => i,
            None => {
                self.decode_block(mem, addr, cost)?;
                self.blocks.len() as u32 - 1
            }
        };
        let block = self.blocks[i as usize];
        let base = self.uops.as_ptr();
        if base != self.uops_at {
            // `uops` moved while growing: remake every entry's pointer.
            for (r, b) in self.recent.iter_mut().zip(self.recent_blocks.iter()) {
                if !r.entry.is_null() {
                    r.entry = base.wrapping_add(b.first as usize);
                }
            }
            self.uops_at = base;
        }
        // A decoded block has at least one uop, all inside `uops`; were it
        // not so, the block stays out of the front cache and the careful
        // path reports it (`interp::run_threaded`).
        let Some(first) = self.uops.get(block.first as usize) else {
            return Ok(block);
        };
        self.recent[slot(addr)] = Recent {
            addr,
            need: block.need,
            cost: block.cost,
            entry: base.wrapping_add(block.first as usize),
            run: first.run,
        };
        self.recent_blocks[slot(addr)] = block;
        Ok(block)
    }

    #[cold]
    fn decode_block(
        &mut self,
        mem: &Memory,
        addr: u64,
        cost: &dyn Fn(&Insn) -> u64,
    ) -> Result<Block, Fault> {
        let first = self.insns.len() as u32;
        let mut pc = addr;
        let mut total = 0u64;
        let mut count = 0u32;
        // What the duo pass needs to know of each uop, parallel to the block's.
        let mut plain: Vec<Plain> = Vec::new();
        loop {
            // Up to 32 bytes (15 is the longest instruction): the decoder's fast
            // path reads a 32-byte window directly and copies anything shorter.
            let bytes = match mem.fetch(pc, 32) {
                Ok(b) => b,
                Err(f) if count == 0 => return Err(f),
                Err(_) => break,
            };
            match decode(bytes, pc) {
                Ok(insn) => {
                    let c = cost(&insn);
                    let next = pc.wrapping_add(insn.len as u64);
                    self.insns.push(insn);
                    let (u, p) = translate_within_plain(&insn, next);
                    self.uops.push(u);
                    plain.push(p);
                    self.costs.push(c);
                    total = total.saturating_add(c);
                    count += 1;
                    pc = next;
                    // A REP string instruction also ends its block: its iterations are
                    // charged as they run, so nothing after it may be precharged before
                    // them (out-of-gas must stop at the same instruction as per-instruction
                    // charging would).
                    let rep = crate::classify::is_rep_string(&insn);
                    if count as usize >= MAX_BLOCK {
                        break;
                    }
                    // A direct jmp/call has one successor: the block goes on at its
                    // target (a superblock), so the transfer costs no block lookup.
                    // The threaded mid-block form ignores the handler's next RIP and
                    // runs the next uop, which is the target's instruction.
                    if matches!(insn.op, Op::Jmp | Op::Call)
                        && matches!(insn.ops[0], Operand::Imm { .. })
                    {
                        if let Some(u) = self.uops.last_mut() {
                            u.kind |= Uop::LINKED;
                            u.imm = insn.imm;
                        }
                        pc = insn.imm;
                        continue;
                    }
                    // A conditional branch with room after it becomes a side exit:
                    // the block goes on along the path the branch usually takes
                    // (backward: taken, as in a loop; forward: not taken) and
                    // leaves when it goes the other way. Loops thereby run several
                    // iterations per block, and a branch to a dispatch jump costs
                    // no block lookup.
                    if (count as usize) + 1 < MAX_BLOCK {
                        let taken = insn.imm <= pc.wrapping_sub(insn.len as u64);
                        if let Some(side) = translate_side(&insn, next, taken) {
                            if let (Some(u), Some(p)) = (self.uops.last_mut(), plain.last_mut()) {
                                *p = Plain::alone(side.run);
                                *u = side;
                            }
                            pc = if taken { insn.imm } else { next };
                            continue;
                        }
                    }
                    if ends_block(insn.op) || rep {
                        break;
                    }
                }
                Err(e) if count == 0 => {
                    return Err(match e {
                        DecodeError::Truncated { .. } => Fault::Decode(DecodeError::Invalid {
                            reason: "instruction runs past the end of executable memory",
                        }),
                        e => Fault::Decode(e),
                    })
                }
                // The bad instruction starts the next block and faults when reached.
                Err(_) => break,
            }
        }
        // The last uop of a block returns to the interpreter instead of
        // running the next one (`exec::fast::Threaded`).
        if let (Some(insn), Some(u), Some(p)) =
            (self.insns.last(), self.uops.last_mut(), plain.last_mut())
        {
            (*u, *p) = translate_plain(insn, u.next);
        }
        // A side exit refunds the cost of the block's instructions after it.
        let mut after = 0u64;
        let start = first as usize;
        for k in (start..self.uops.len()).rev() {
            if let (Some(u), Some(&c)) = (self.uops.get_mut(k), self.costs.get(k)) {
                if u.is_side() {
                    u.disp = after;
                }
                after = after.saturating_add(c);
            }
        }
        self.passes(mem, start, plain);
        // Side exits to short blocks run them as their traces.
        let mut need = total;
        for k in start..start + count as usize {
            if self.uops.get(k).is_some_and(|u| u.is_side()) {
                if let Some(n) = self.add_trace(mem, k, total, cost) {
                    need = need.max(n);
                }
            }
        }
        let b = Block {
            first,
            count,
            cost: total,
            need,
        };
        self.map.insert(addr, self.blocks.len() as u32);
        self.blocks.push(b);
        Ok(b)
    }

    /// The fusions and specialisations of the uops `start..` (the last of
    /// the cache): one block, or one trace, whose uops are all translated
    /// and whose last uop is in its last-of-block form. `plain` is what
    /// translation installed on each of them.
    fn passes(&mut self, mem: &Memory, start: usize, mut plain: Vec<Plain>) {
        // The flags the block's successors may read (`exec::fast::noflags`).
        let live_end = match (self.insns.last(), self.uops.last()) {
            (Some(last), Some(u)) if self.insns.len() > start => self
                .insns
                .get(start..)
                .zip(self.uops.get(start..))
                .and_then(|(insns, uops)| switch_live_out(mem, insns, uops))
                .unwrap_or_else(|| live_out(mem, last, u.next)),
            _ => ALL_FLAGS,
        };
        // A block ending in `cmp`/`test` + `jcc` runs the pair as one handler
        // (`exec::fast::fused`) installed on the `cmp`/`test`.
        // So does one followed by a side-exit `jcc` inside the block. The
        // pair skips the flags record when no flag is live after the branch.
        let end = self.insns.len();
        for k in start..end.saturating_sub(1) {
            let (place, live) = match self.uops.get(k + 1) {
                _ if k + 2 == end => (Place::End, live_end),
                Some(j) if j.is_side() => {
                    let inside = self
                        .insns
                        .get(start..)
                        .map_or(ALL_FLAGS, |b| live_after(b, k + 1 - start, live_end));
                    let place = if j.successor() == j.imm {
                        Place::SideTaken
                    } else {
                        Place::SideNotTaken
                    };
                    (place, inside | live_in(mem, j.side_target()))
                }
                _ => continue,
            };
            if let (Some(a), Some(j)) = (self.insns.get(k), self.insns.get(k + 1)) {
                if let (Some(f), Some(u)) = (fuse(a, j, place, live != 0), self.uops.get_mut(k)) {
                    if u.is_fast() {
                        u.run = f;
                    }
                }
            }
        }
        // Arithmetic whose flags the block overwrites before reading them
        // skips the flags record (`exec::fast::noflags`).
        let dead = self
            .insns
            .get(start..)
            .map_or(0, |b| dead_flags(b, live_end));
        // Whether the flags of the uop with index `i` of the cache are dead.
        let dead_at = |i: usize| dead & 1u128.checked_shl((i - start) as u32).unwrap_or(0) != 0;
        if let Some(insns) = self.insns.get(start..) {
            for k in 0..insns.len().saturating_sub(1) {
                if !dead_at(start + k) {
                    continue;
                }
                if let (Some(insn), Some(u), Some(p)) =
                    (insns.get(k), self.uops.get_mut(start + k), plain.get_mut(k))
                {
                    if let Some((nf, np)) = translate_flags_dead_plain(insn, u.next) {
                        *u = nf;
                        *p = np;
                    }
                }
            }
        }
        // The `rsp`-relative moves between two changes of `rsp` check their
        // stack frame once (`exec::fast::frame`). Before the pairs below,
        // which must leave these uops alone.
        if let (Some(insns), Some(uops)) =
            (self.insns.get(start..end), self.uops.get_mut(start..end))
        {
            frame_runs(insns, uops, &mut plain);
        }
        // `mov d, s` followed by an operation on `d` alone whose flags are
        // dead, and a stack-to-stack copy through a register, run as one
        // handler (`exec::fast::pair`), installed on the first `mov`; two
        // more uops of the block must follow it.
        // Whether a uop may be taken into a fusion installed on an earlier
        // one (fast, not a side exit, not a checked frame's access).
        let joinable = |u: &Uop| u.is_fast() && !u.is_side() && u.kind & Uop::FRAMED == 0;
        for k in start..end.saturating_sub(2) {
            let (Some(mov), Some(op)) = (self.insns.get(k), self.insns.get(k + 1)) else {
                continue;
            };
            let op_dead = dead_at(k + 1);
            let first_kind = matches!(
                mov.op,
                Op::Mov | Op::Movsxd | Op::Add | Op::Sub | Op::And | Op::Or | Op::Xor
            );
            if !first_kind || !self.uops.get(k + 1).is_some_and(joinable) {
                continue;
            }
            let free = |u: &&mut Uop| u.is_fast() && u.kind & Uop::FRAMED == 0;
            // The instruction after the pair, for a copy-shift-combine
            // triple (`exec::fast::triple`): its uop must be joinable, with
            // a fourth uop of the block after it.
            let third = self
                .insns
                .get(k + 2)
                .filter(|_| k + 3 < end && self.uops.get(k + 2).is_some_and(joinable));
            if let Some(u) = self.uops.get_mut(k).filter(free) {
                let fused = mov_then(mov, op, op_dead, u)
                    .map(|pair| {
                        third
                            .and_then(|t| copy_shift_op(mov, op, t, dead_at(k + 2), u))
                            .unwrap_or(pair)
                    })
                    .or_else(|| load_store(mov, op, u))
                    .or_else(|| load_then(mov, op, op_dead, u))
                    .or_else(|| mov_mov(mov, op, u))
                    .or_else(|| index_load(mov, op, u))
                    .or_else(|| op_store(mov, op, dead_at(k), u));
                if let Some(run) = fused {
                    u.run = run;
                }
            }
        }
        // Runs of `push r64` / `pop r64` (prologues and epilogues) run as one
        // handler each (`exec::fast::control::push_run`), installed on the
        // run's first uop; the uop after the run must be in the block. A
        // run of pushes right after a direct call inside the block (the
        // callee's prologue) joins the call, and a run of pops followed by
        // the `ret` that ends the block (an epilogue) joins the `ret`.
        let fast_at = |uops: &[Uop], i: usize| uops.get(i).is_some_and(|u| u.is_fast());
        let mut k = start;
        while k < end {
            let kind = self.insns.get(k).and_then(stack_op);
            let Some(op) = kind else {
                k += 1;
                continue;
            };
            let mut n = 1;
            while n < 6 && k + n + 1 < end && self.insns.get(k + n).and_then(stack_op) == Some(op) {
                n += 1;
            }
            let fast = (k..k + n).all(|i| fast_at(&self.uops, i));
            let after_call = k > start
                && fast_at(&self.uops, k - 1)
                && self.insns.get(k - 1).is_some_and(|i| i.op == Op::Call);
            let before_ret = k + n + 1 == end
                && fast_at(&self.uops, k + n)
                && self
                    .insns
                    .get(k + n)
                    .is_some_and(|i| i.op == Op::Ret && i.ops[0] == Operand::None);
            let (at, run) = match op {
                Op::Push if after_call => (k - 1, call_push_run(n)),
                Op::Push => (k, push_run(n)),
                _ if before_ret => (k, pop_ret_run(n)),
                _ => (k, pop_run(n)),
            };
            if let (true, Some(run), Some(u)) = (fast && k + n < end, run, self.uops.get_mut(at)) {
                u.run = run;
                // The uop before a call-and-pushes or a pops-and-ret run
                // joins it when it is one of the common set-ups
                // (`exec::fast::duo::lead`).
                let kind = match op {
                    Op::Push if after_call => Some(Run::CallPush),
                    Op::Pop if before_ret => Some(Run::PopRet),
                    _ => None,
                };
                if let (Some(kind), true, Some(uops)) =
                    (kind, at > start, self.uops.get_mut(start..end))
                {
                    lead(uops, &plain, at - 1 - start, kind, n);
                }
            }
            k += n;
        }
        // Two adjacent uops that each run one of the common bodies run as
        // one handler (`exec::fast::duo`); last, so that it takes only what
        // the specific fusions above left.
        if let (Some(insns), Some(uops)) =
            (self.insns.get(start..end), self.uops.get_mut(start..end))
        {
            duos(insns, uops, &plain);
        }
    }

    /// Give the side exit at uop `k` of the block just decoded (whose cost
    /// is `total`) a trace: a copy of the block at the exit's target when
    /// that block is short, has no interrupt or string repetition, and ends
    /// in an indirect control transfer (`ret`, `jmp`/`call` through a
    /// register or memory). Returns the gas the block then needs on the
    /// path through the trace (`Block::need`), or `None` when the exit
    /// keeps leaving through the block loop.
    ///
    /// Why: a side exit ends its block, and the block after it is another
    /// trip through the block loop (a front-cache probe, a gas check and an
    /// indirect call). A recursion's leaf (`fib`'s `n < 2` path: six
    /// instructions ending in `ret`) pays that trip on every call.
    fn add_trace(
        &mut self,
        mem: &Memory,
        k: usize,
        total: u64,
        cost: &dyn Fn(&Insn) -> u64,
    ) -> Option<u64> {
        let side = *self.uops.get(k)?;
        let start = side.side_target();
        let mut insns: Vec<Insn> = Vec::new();
        let mut pc = start;
        loop {
            let insn = decode(mem.fetch(pc, 32).ok()?, pc).ok()?;
            if crate::classify::is_rep_string(&insn)
                || matches!(insn.op, Op::Int | Op::Int1 | Op::Int3 | Op::Ud2)
            {
                return None;
            }
            insns.push(insn);
            pc = pc.wrapping_add(insn.len as u64);
            if ends_block(insn.op) {
                // Only an indirect end saves a trip: the block at the target
                // of a side exit would have gone on through a direct jump or
                // call (a superblock) and along a conditional branch's usual
                // path, and so ends where the trace would.
                let indirect = match insn.op {
                    Op::Ret => true,
                    Op::Jmp | Op::Call => !matches!(insn.ops[0], Operand::Imm { .. }),
                    _ => false,
                };
                if !indirect {
                    return None;
                }
                break;
            }
            if insns.len() >= MAX_TRACE {
                return None;
            }
        }
        let costs: Vec<u64> = insns.iter().map(cost).collect();
        let trace_cost = costs.iter().try_fold(0u64, |a, &c| a.checked_add(c))?;
        // The exit refunds `side.disp`, the cost of the block after it.
        let need = total.checked_sub(side.disp)?.checked_add(trace_cost)?;
        let header = self.uops.len();
        let offset = u8::try_from(header - k).ok()?;
        // The vectors stay parallel: the header takes a place in `insns`
        // (the side exit's instruction; the header never runs, so nothing
        // reads it) and costs nothing.
        let header_insn = *self.insns.get(k)?;
        self.insns.push(header_insn);
        self.costs.push(0);
        self.uops.push(trace_header(
            start,
            insns.len(),
            side.disp.wrapping_sub(trace_cost),
        ));
        let first = self.uops.len();
        let mut plain = Vec::with_capacity(insns.len());
        let mut pc = start;
        for (i, (insn, c)) in insns.iter().zip(costs).enumerate() {
            let next = pc.wrapping_add(insn.len as u64);
            let (u, p) = if i + 1 == insns.len() {
                translate_plain(insn, next)
            } else {
                translate_within_plain(insn, next)
            };
            self.insns.push(*insn);
            self.uops.push(u);
            self.costs.push(c);
            plain.push(p);
            pc = next;
        }
        self.passes(mem, first, plain);
        if let Some(u) = self.uops.get_mut(k) {
            u.size2 = offset;
        }
        Some(need)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No empty entry can match a probe: each one's address maps to
    /// another slot, so the addresses that reach it are never its own.
    #[test]
    fn no_probe_matches_an_empty_entry() {
        let cache = CodeCache::default();
        for (i, r) in cache.recent.iter().enumerate() {
            assert_ne!(slot(r.addr), i, "slot {i}");
            assert!(r.entry.is_null());
        }
        for addr in [u64::MAX, u64::MAX - 1, 0, 1, 1 << 63, 0x40_1000] {
            assert!(cache.probe(addr).is_none(), "{addr:#x}");
        }
    }
}
