//! Maps a [`Program`] into a fresh address space and sets up the entry state
//! exactly as SPEC §2 says.
//!
//! Layout (fixed, so every validator builds the same address space):
//!
//! | range | what |
//! | --- | --- |
//! | `0 .. 0x10000` | never mapped (null page and low memory) |
//! | ELF segments | at their link addresses, permissions from the ELF, widened to whole pages where that does not touch a neighbour |
//! | [`HEAP_BASE`] `..` | heap, grows by 4 KiB pages through `heap_alloc` up to the schedule's heap limit |
//! | [`THREAD_BLOCK`] | TLS image (PT_TLS) followed by the 4 KiB thread block; FS base points at the thread block, whose first word points to itself and whose canary at `fs:0x28` is 0 |
//! | `STACK_TOP - stack_limit .. STACK_TOP` | stack, read-write (zero at entry; only its top [`STACK_BACKED`] bytes have host memory behind them until written, see `memory::reserve`) |
//! | 64 KiB below the stack | unmapped guard: an access there is reported as a stack overflow |

use crate::cpu::{reg, Cpu};
use crate::fault::Fault;
use crate::memory::{Memory, Perm, Region, RegionKind, PAGE};
use crate::program::Program;

pub const STACK_TOP: u64 = 0x7ff0_0000_0000;
pub const STACK_GUARD: u64 = 0x1_0000;
pub const THREAD_BLOCK: u64 = 0x7fe0_0000_0000;
pub const THREAD_BLOCK_SIZE: u64 = 4096;
pub const HEAP_BASE: u64 = 0x10_0000_0000;
/// How much of the stack's top is backed by bytes at load; the rest is
/// backed on its first write (`memory::reserve`). Most calls never go
/// deeper, and zeroing the whole 1 MiB stack was most of an empty call.
pub const STACK_BACKED: u64 = 32 * 1024;
/// End of the user address space (47-bit canonical lower half).
const USER_END: u64 = 1 << 47;

/// Sizes the loader needs from the schedule.
#[derive(Clone, Copy, Debug)]
pub struct LoadLimits {
    /// Stack size in bytes (rounded up to pages).
    pub stack: u64,
    /// Upper bound on all mapped guest memory (segments, stack, thread block, heap).
    pub memory: u64,
}

fn round_up(v: u64) -> u64 {
    v.div_ceil(PAGE) * PAGE
}

/// Build the address space and the entry register state.
pub fn load(program: &Program, limits: LoadLimits) -> Result<(Cpu, Memory), Fault> {
    let mut mem = Memory::new();
    let stack = round_up(limits.stack.max(PAGE));
    mem.stack_limit = stack;

    let image = program.image_size();
    if image.saturating_add(stack) > limits.memory {
        return Err(Fault::Limit {
            what: "guest memory",
            value: image.saturating_add(stack),
            limit: limits.memory,
        });
    }

    let mut prev_end = 0u64;
    for (i, seg) in program.segments.iter().enumerate() {
        // A package's program did not come through the ELF parser: refuse
        // what cannot be laid out instead of overflowing (found by fuzzing).
        let seg_end = seg
            .vaddr
            .checked_add(seg.mem_size)
            .filter(|&e| e <= USER_END && seg.data.len() as u64 <= seg.mem_size)
            .ok_or_else(|| {
                Fault::Abi(format!(
                    "segment at {:#x} (+{:#x}) cannot be mapped",
                    seg.vaddr, seg.mem_size
                ))
            })?;
        let next_start = program
            .segments
            .get(i + 1)
            .map(|n| n.vaddr)
            .unwrap_or(u64::MAX);
        let start = (seg.vaddr / PAGE * PAGE).max(prev_end);
        let end = round_up(seg_end).min(next_start / PAGE * PAGE).max(seg_end);
        if start > seg.vaddr {
            return Err(Fault::Abi(format!(
                "segment at {:#x} overlaps the previous one",
                seg.vaddr
            )));
        }
        let mut data = vec![0u8; (end - start) as usize];
        let off = (seg.vaddr - start) as usize;
        data[off..off + seg.data.len()].copy_from_slice(&seg.data);
        let perm = Perm(
            (if seg.flags.readable() || seg.flags.executable() {
                Perm::R.0
            } else {
                0
            }) | (if seg.flags.writable() { Perm::W.0 } else { 0 })
                | (if seg.flags.executable() { Perm::X.0 } else { 0 }),
        );
        mem.map(Region {
            start,
            perm,
            kind: RegionKind::Segment,
            data,
        })
        .map_err(|e| Fault::Abi(format!("cannot map segment at {:#x}: {e}", seg.vaddr)))?;
        prev_end = end;
    }

    // Thread block, with the TLS image (variant II: TLS sits just below the TCB).
    let (tls_size, tls_align) = match &program.tls {
        Some(t) => (t.mem_size, t.align.max(16)),
        None => (0, 16),
    };
    // Checked: a package's TLS template did not come through the ELF parser.
    let tls_aligned = tls_size
        .div_ceil(tls_align)
        .checked_mul(tls_align)
        .filter(|&n| {
            n <= limits.memory
                && !matches!(&program.tls, Some(t) if t.init.len() as u64 > t.mem_size)
        })
        .ok_or_else(|| {
            Fault::Abi(format!(
                "TLS template ({tls_size} bytes, alignment {tls_align}) cannot be mapped"
            ))
        })?;
    let tls_span = round_up(tls_aligned);
    let tb_start = THREAD_BLOCK - tls_span;
    let mut tb = vec![0u8; (tls_span + THREAD_BLOCK_SIZE) as usize];
    if let Some(t) = &program.tls {
        let off = (tls_span - tls_aligned) as usize;
        tb[off..off + t.init.len()].copy_from_slice(&t.init);
    }
    let tcb = tls_span as usize;
    tb[tcb..tcb + 8].copy_from_slice(&THREAD_BLOCK.to_le_bytes());
    mem.map(Region {
        start: tb_start,
        perm: Perm::RW,
        kind: RegionKind::ThreadBlock,
        data: tb,
    })
    .map_err(|e| Fault::Abi(format!("cannot map thread block: {e}")))?;

    // Stack and its guard.
    let stack_base = STACK_TOP - stack;
    mem.stack_guard = (stack_base - STACK_GUARD, stack_base);
    mem.map_stack(stack_base, stack, STACK_BACKED)
        .map_err(|e| Fault::Abi(format!("cannot map stack: {e}")))?;

    // Heap starts empty and grows on demand.
    mem.map(Region {
        start: HEAP_BASE,
        perm: Perm::RW,
        kind: RegionKind::Heap,
        data: Vec::new(),
    })
    .map_err(|e| Fault::Abi(format!("cannot map heap: {e}")))?;

    let used = mem.mapped_bytes();
    if used > limits.memory {
        return Err(Fault::Limit {
            what: "guest memory",
            value: used,
            limit: limits.memory,
        });
    }

    let mut cpu = Cpu {
        rip: program.entry,
        fs_base: THREAD_BLOCK,
        ..Cpu::default()
    };
    // Entered as if called: [rsp] = return address 0 and rsp+8 is 16-byte aligned.
    cpu.gpr[reg::RSP as usize] = STACK_TOP - 8;
    Ok((cpu, mem))
}
