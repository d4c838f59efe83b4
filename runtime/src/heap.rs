//! Deterministic guest heap allocator (driven by the heap interrupts 0x11–0x13).
//!
//! The allocator's bookkeeping lives host-side, in ordered maps, so a contract
//! cannot corrupt it by writing outside a block, and every validator makes
//! exactly the same placement decisions (no hash-map order, no host
//! allocator). The guest only ever sees the heap region's bytes.
//!
//! Policy (documented in docs/STATE.md, "Heap"):
//! - every block is a multiple of [`ALIGN`] bytes and starts 16-byte aligned;
//!   a request of 0 bytes gets a minimal 16-byte block (a unique pointer that
//!   can be freed or reallocated, never NULL);
//! - placement is *best fit*: the smallest free block that holds the request,
//!   the lowest address among equals, found in O(log n) through a size index
//!   (a linear first-fit scan would let a contract buy thousands of host
//!   operations per 40-gas `heap_alloc` by fragmenting the heap); freed blocks
//!   coalesce with free neighbours; a free block touching the high-water mark
//!   is extended rather than leaving a gap;
//! - when nothing fits, the high-water mark (`top`) rises; the caller maps and
//!   charges the new pages through the `grow` callback *before* the block is
//!   handed out, and the heap never shrinks, so re-using freed memory is free;
//! - `realloc` shrinks in place, grows in place into a free successor or the
//!   top, and otherwise moves (copying `min(old, new)` bytes) — the caller does
//!   the copy from the [`Realloc::Moved`] answer.

use std::collections::{BTreeMap, BTreeSet};

/// Block alignment and size granularity (SSE-friendly, as `malloc` gives on x86-64).
pub const ALIGN: u64 = 16;

/// Freeing or resizing something that is not a live allocation.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HeapError {
    #[error("{op} of {addr:#x}: not a live heap allocation (never allocated, already freed, or not the start of a block)")]
    NotAllocated { op: &'static str, addr: u64 },
}

/// Result of a resize.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Realloc {
    /// The block stayed where it was (and now has the new size).
    InPlace(u64),
    /// A new block was allocated at `to`; the caller copies `copy` bytes from
    /// `from` to `to`. The old block is already released.
    Moved { from: u64, to: u64, copy: u64 },
    /// No room (heap or memory limit): the old block is untouched.
    Failed,
}

/// Allocator bookkeeping for one call's heap region.
#[derive(Clone, Debug)]
pub struct Heap {
    /// Guest address of the heap region's first byte.
    base: u64,
    /// End of the carved area (relative to `base`): every byte below is in a
    /// live or a free block, every byte above was never handed out.
    top: u64,
    /// Free blocks. Never two adjacent ones (they coalesce).
    free: FreeList,
    /// Live blocks: offset → size (rounded to [`ALIGN`]).
    live: BTreeMap<u64, u64>,
}

impl Default for Heap {
    fn default() -> Self {
        Heap::new(crate::loader::HEAP_BASE)
    }
}

/// Bytes a request really takes: at least one [`ALIGN`] unit, rounded up.
/// `None` when the rounding overflows (the request can never be met).
fn block_size(size: u64) -> Option<u64> {
    Some(size.max(1).checked_add(ALIGN - 1)? & !(ALIGN - 1))
}

/// Free blocks indexed by address (for coalescing) and by (size, address)
/// (for best fit); both change together.
#[derive(Clone, Debug, Default)]
struct FreeList {
    by_addr: BTreeMap<u64, u64>,
    by_size: BTreeSet<(u64, u64)>,
}

impl FreeList {
    fn insert(&mut self, off: u64, len: u64) {
        self.by_addr.insert(off, len);
        self.by_size.insert((len, off));
    }
    fn remove(&mut self, off: u64) -> Option<u64> {
        let len = self.by_addr.remove(&off)?;
        self.by_size.remove(&(len, off));
        Some(len)
    }
    fn len_at(&self, off: u64) -> Option<u64> {
        self.by_addr.get(&off).copied()
    }
    fn smallest_fitting(&self, need: u64) -> Option<(u64, u64)> {
        self.by_size
            .range((need, 0)..)
            .next()
            .map(|&(len, off)| (off, len))
    }
    fn last(&self) -> Option<(u64, u64)> {
        self.by_addr.last_key_value().map(|(&o, &l)| (o, l))
    }
    /// The free block starting closest below `off`.
    fn before(&self, off: u64) -> Option<(u64, u64)> {
        self.by_addr.range(..off).next_back().map(|(&o, &l)| (o, l))
    }
}

impl Heap {
    pub fn new(base: u64) -> Self {
        Heap {
            base,
            top: 0,
            free: FreeList::default(),
            live: BTreeMap::new(),
        }
    }

    /// High-water mark: bytes of the heap region ever handed out.
    pub fn top(&self) -> u64 {
        self.top
    }

    /// Number of live allocations.
    pub fn live_count(&self) -> usize {
        self.live.len()
    }

    /// Size of the live block starting at guest address `addr`.
    pub fn block_len(&self, addr: u64) -> Option<u64> {
        let off = addr.checked_sub(self.base)?;
        self.live.get(&off).copied()
    }

    /// Allocate `size` bytes. `grow(new_top)` is asked to make the region at
    /// least `new_top` bytes long (charging gas first); it answers `Ok(false)`
    /// when a limit forbids it, and its error (out of gas) is passed through.
    /// Returns the block's guest address, or `None` when it cannot.
    pub fn alloc<E>(
        &mut self,
        size: u64,
        grow: impl FnOnce(u64) -> Result<bool, E>,
    ) -> Result<Option<u64>, E> {
        let Some(need) = block_size(size) else {
            return Ok(None);
        };
        // Best fit: the smallest free block that holds `need`, lowest address first.
        if let Some((off, len)) = self.free.smallest_fitting(need) {
            self.free.remove(off);
            if len > need {
                self.free.insert(off + need, len - need);
            }
            self.live.insert(off, need);
            return Ok(Some(self.base + off));
        }
        // Nothing fits: carve at the top, reusing a free block that ends there.
        let start = match self.free.last() {
            Some((off, len)) if off + len == self.top => off,
            _ => self.top,
        };
        let Some(new_top) = start.checked_add(need) else {
            return Ok(None);
        };
        if !grow(new_top)? {
            return Ok(None);
        }
        self.free.remove(start);
        self.top = new_top;
        self.live.insert(start, need);
        Ok(Some(self.base + start))
    }

    /// Release the block at `addr`.
    pub fn free(&mut self, addr: u64) -> Result<(), HeapError> {
        let off = self.live_offset("heap_free", addr)?;
        let len = self.live.remove(&off).unwrap_or(0);
        self.release(off, len);
        Ok(())
    }

    /// Resize the block at `addr` to `size` bytes; see [`Realloc`].
    /// `grow` is as for [`Heap::alloc`].
    pub fn realloc<E>(
        &mut self,
        addr: u64,
        size: u64,
        grow: impl FnOnce(u64) -> Result<bool, E>,
    ) -> Result<Result<Realloc, HeapError>, E> {
        let off = match self.live_offset("heap_realloc", addr) {
            Ok(o) => o,
            Err(e) => return Ok(Err(e)),
        };
        let old = self.live[&off];
        let Some(need) = block_size(size) else {
            return Ok(Ok(Realloc::Failed));
        };
        if need <= old {
            // Shrink in place; the tail goes back to the free list.
            self.live.insert(off, need);
            self.release(off + need, old - need);
            return Ok(Ok(Realloc::InPlace(addr)));
        }
        let end = off + old;
        let next_free = self.free.len_at(end).unwrap_or(0);
        if old + next_free >= need {
            // Grow into the free successor.
            self.free.remove(end);
            let rest = old + next_free - need;
            if rest > 0 {
                self.free.insert(off + need, rest);
            }
            self.live.insert(off, need);
            return Ok(Ok(Realloc::InPlace(addr)));
        }
        if end + next_free == self.top {
            // The block (plus a free successor) ends at the top: raise the top.
            let Some(new_top) = off.checked_add(need) else {
                return Ok(Ok(Realloc::Failed));
            };
            if !grow(new_top)? {
                return Ok(Ok(Realloc::Failed));
            }
            self.free.remove(end);
            self.top = new_top;
            self.live.insert(off, need);
            return Ok(Ok(Realloc::InPlace(addr)));
        }
        // Move: allocate while the old block is still live (so they never
        // overlap and a failure leaves the old block intact), then release it.
        match self.alloc(size, grow)? {
            None => Ok(Ok(Realloc::Failed)),
            Some(to) => {
                let len = self.live.remove(&off).unwrap_or(0);
                self.release(off, len);
                Ok(Ok(Realloc::Moved {
                    from: addr,
                    to,
                    copy: old.min(need),
                }))
            }
        }
    }

    fn live_offset(&self, op: &'static str, addr: u64) -> Result<u64, HeapError> {
        addr.checked_sub(self.base)
            .filter(|off| self.live.contains_key(off))
            .ok_or(HeapError::NotAllocated { op, addr })
    }

    /// Put `[off, off+len)` on the free list, merging with free neighbours.
    fn release(&mut self, mut off: u64, mut len: u64) {
        if len == 0 {
            return;
        }
        if let Some(next) = self.free.remove(off + len) {
            len += next;
        }
        if let Some((p, plen)) = self.free.before(off) {
            if p + plen == off {
                self.free.remove(p);
                off = p;
                len += plen;
            }
        }
        self.free.insert(off, len);
    }

    /// Internal consistency, for tests: blocks tile `[0, top)` exactly, free
    /// blocks never touch each other, everything is aligned.
    pub fn check_invariants(&self) -> Result<(), String> {
        let mut all: Vec<(u64, u64, bool)> =
            self.live.iter().map(|(&o, &l)| (o, l, true)).collect();
        all.extend(self.free.by_addr.iter().map(|(&o, &l)| (o, l, false)));
        if self.free.by_size.len() != self.free.by_addr.len()
            || self
                .free
                .by_addr
                .iter()
                .any(|(&o, &l)| !self.free.by_size.contains(&(l, o)))
        {
            return Err("free-list size index out of sync".into());
        }
        all.sort_unstable();
        let mut at = 0;
        let mut prev_free = false;
        for (o, l, is_live) in all {
            if o != at {
                return Err(format!(
                    "gap or overlap at offset {o:#x} (expected {at:#x})"
                ));
            }
            if o % ALIGN != 0 || l % ALIGN != 0 || l == 0 {
                return Err(format!("misaligned or empty block {o:#x}+{l:#x}"));
            }
            if !is_live && prev_free {
                return Err(format!("uncoalesced free block at {o:#x}"));
            }
            prev_free = !is_live;
            at = o + l;
        }
        if at != self.top {
            return Err(format!("blocks end at {at:#x}, top is {:#x}", self.top));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::convert::Infallible;
    type TestResult = Result<(), Box<dyn std::error::Error>>;
    type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

    const BASE: u64 = 0x10_0000_0000;

    /// A heap whose region may grow to `limit` bytes; records growth requests.
    struct Fixture {
        heap: Heap,
        limit: u64,
        mapped: u64,
    }

    impl Fixture {
        fn new(limit: u64) -> Self {
            Fixture {
                heap: Heap::new(BASE),
                limit,
                mapped: 0,
            }
        }
        fn alloc(&mut self, size: u64) -> Fallible<Option<u64>> {
            let (limit, mapped) = (self.limit, &mut self.mapped);
            let r = self.heap.alloc(size, |top| -> Result<bool, Infallible> {
                if top > limit {
                    return Ok(false);
                }
                *mapped = (*mapped).max(top.div_ceil(4096) * 4096);
                Ok(true)
            });
            self.heap.check_invariants()?;
            Ok(r?)
        }
        fn realloc(&mut self, addr: u64, size: u64) -> Fallible<Result<Realloc, HeapError>> {
            let (limit, mapped) = (self.limit, &mut self.mapped);
            let r = self
                .heap
                .realloc(addr, size, |top| -> Result<bool, Infallible> {
                    if top > limit {
                        return Ok(false);
                    }
                    *mapped = (*mapped).max(top.div_ceil(4096) * 4096);
                    Ok(true)
                });
            self.heap.check_invariants()?;
            Ok(r?)
        }
    }

    #[test]
    fn blocks_are_aligned_and_distinct() -> TestResult {
        let mut f = Fixture::new(1 << 20);
        let a = f.alloc(1)?.ok_or("no block")?;
        let b = f.alloc(17)?.ok_or("no block")?;
        let c = f.alloc(0)?.ok_or("no block")?;
        assert_eq!(a, BASE);
        assert_eq!(b, BASE + 16);
        assert_eq!(c, BASE + 48, "size 0 still gets a unique 16-byte block");
        assert_eq!(f.heap.block_len(b), Some(32));
        assert_eq!(f.heap.top(), 64);
        assert_eq!(f.mapped, 4096);
        Ok(())
    }

    #[test]
    fn free_coalesces_and_freed_memory_is_reused() -> TestResult {
        let mut f = Fixture::new(1 << 20);
        let a = f.alloc(32)?.ok_or("no block")?;
        let b = f.alloc(32)?.ok_or("no block")?;
        let c = f.alloc(32)?.ok_or("no block")?;
        let _d = f.alloc(32)?.ok_or("no block")?;
        f.heap.free(a)?;
        f.heap.free(c)?;
        f.heap.check_invariants()?;
        f.heap.free(b)?;
        f.heap.check_invariants()?;
        // a, b, c merged into one 96-byte block: a 96-byte request fits at a.
        assert_eq!(f.alloc(96)?, Some(a));
        assert_eq!(f.heap.top(), 128);
        Ok(())
    }

    #[test]
    fn best_fit_prefers_the_smallest_hole_then_the_lowest_address() -> TestResult {
        let mut f = Fixture::new(1 << 20);
        let big = f.alloc(64)?.ok_or("no block")?;
        let _g1 = f.alloc(16)?.ok_or("no block")?;
        let small = f.alloc(32)?.ok_or("no block")?;
        let _g2 = f.alloc(16)?.ok_or("no block")?;
        let small2 = f.alloc(32)?.ok_or("no block")?;
        let _g3 = f.alloc(16)?.ok_or("no block")?;
        for p in [big, small2, small] {
            f.heap.free(p)?;
        }
        // First fit would take `big`; best fit takes the lower 32-byte hole.
        assert_eq!(f.alloc(20)?, Some(small));
        assert_eq!(f.alloc(32)?, Some(small2));
        assert_eq!(f.alloc(48)?, Some(big));
        assert_eq!(f.alloc(16)?, Some(big + 48));
        Ok(())
    }

    #[test]
    fn double_free_and_foreign_pointers_are_errors() -> TestResult {
        let mut f = Fixture::new(1 << 20);
        let a = f.alloc(10)?.ok_or("no block")?;
        f.heap.free(a)?;
        assert_eq!(
            f.heap.free(a),
            Err(HeapError::NotAllocated {
                op: "heap_free",
                addr: a
            })
        );
        let b = f.alloc(64)?.ok_or("no block")?;
        assert!(f.heap.free(b + 16).is_err(), "interior pointer");
        assert!(f.heap.free(0).is_err());
        assert!(f.heap.free(BASE - 16).is_err());
        assert!(f.realloc(b + 1, 8)?.is_err());
        let msg = f.heap.free(a + 4096).unwrap_err().to_string();
        assert!(
            msg.contains("heap_free") && msg.contains("not a live heap allocation"),
            "{msg}"
        );
        Ok(())
    }

    #[test]
    fn limit_returns_none_and_changes_nothing() -> TestResult {
        let mut f = Fixture::new(8192);
        assert_eq!(f.alloc(8193)?, None);
        assert_eq!(f.heap.top(), 0);
        assert_eq!(f.alloc(u64::MAX)?, None);
        assert_eq!(f.alloc(u64::MAX - 15)?, None);
        let a = f.alloc(8192)?.ok_or("no block")?;
        assert_eq!(f.alloc(1)?, None);
        f.heap.free(a)?;
        assert_eq!(f.alloc(4000)?, Some(a));
        Ok(())
    }

    #[test]
    fn top_free_block_is_extended_not_skipped() -> TestResult {
        let mut f = Fixture::new(1 << 20);
        let a = f.alloc(16)?.ok_or("no block")?;
        let b = f.alloc(16)?.ok_or("no block")?;
        f.heap.free(b)?;
        // 64 bytes do not fit in b's 16, but b touches the top: carve from b.
        assert_eq!(f.alloc(64)?, Some(b));
        assert_eq!(f.heap.top(), 16 + 64);
        let _ = a;
        Ok(())
    }

    #[test]
    fn realloc_in_place_and_moving() -> TestResult {
        let mut f = Fixture::new(1 << 20);
        let a = f.alloc(32)?.ok_or("no block")?;
        // Shrink in place.
        assert_eq!(f.realloc(a, 16)?, Ok(Realloc::InPlace(a)));
        // Grow into the freed tail / the top.
        assert_eq!(f.realloc(a, 100)?, Ok(Realloc::InPlace(a)));
        assert_eq!(f.heap.block_len(a), Some(112));
        let b = f.alloc(16)?.ok_or("no block")?;
        // a is now boxed in by b: growing moves it.
        match f.realloc(a, 200)?? {
            Realloc::Moved { from, to, copy } => {
                assert_eq!((from, copy), (a, 112));
                assert!(to > b);
                assert_eq!(f.heap.block_len(to), Some(208));
                assert_eq!(f.heap.block_len(a), None);
            }
            other => panic!("expected a move, got {other:?}"),
        }
        // The hole left by a is reused first fit.
        assert_eq!(f.alloc(48)?, Some(a));
        Ok(())
    }

    #[test]
    fn realloc_into_free_successor() -> TestResult {
        let mut f = Fixture::new(1 << 20);
        let a = f.alloc(16)?.ok_or("no block")?;
        let b = f.alloc(64)?.ok_or("no block")?;
        let _c = f.alloc(16)?.ok_or("no block")?;
        f.heap.free(b)?;
        assert_eq!(f.realloc(a, 48)?, Ok(Realloc::InPlace(a)));
        // 32 bytes of b remain free right after a.
        assert_eq!(f.alloc(32)?, Some(a + 48));
        Ok(())
    }

    #[test]
    fn failed_realloc_keeps_the_block() -> TestResult {
        let mut f = Fixture::new(4096);
        let a = f.alloc(16)?.ok_or("no block")?;
        let _b = f.alloc(16)?.ok_or("no block")?;
        assert_eq!(f.realloc(a, 5000)?, Ok(Realloc::Failed));
        assert_eq!(f.heap.block_len(a), Some(16));
        assert_eq!(f.realloc(a, u64::MAX)?, Ok(Realloc::Failed));
        Ok(())
    }

    #[test]
    fn growth_callback_errors_pass_through_without_changes() -> TestResult {
        let mut h = Heap::new(BASE);
        let r: Result<Option<u64>, &str> = h.alloc(10, |_| Err("out of gas"));
        assert_eq!(r, Err("out of gas"));
        assert_eq!(h.top(), 0);
        assert_eq!(h.live_count(), 0);
        Ok(())
    }

    #[test]
    fn random_workload_keeps_invariants() -> TestResult {
        // Deterministic LCG-driven mix of alloc/free/realloc.
        let mut f = Fixture::new(1 << 22);
        let mut live: Vec<u64> = Vec::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..3000 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let pick = (x >> 33) as usize;
            match (x >> 60) % 3 {
                0 => {
                    if let Some(p) = f.alloc((x >> 20) % 700)? {
                        assert_eq!(p % ALIGN, 0);
                        live.push(p);
                    }
                }
                1 if !live.is_empty() => {
                    let p = live.swap_remove(pick % live.len());
                    f.heap.free(p)?;
                    f.heap.check_invariants()?;
                }
                _ if !live.is_empty() => {
                    let i = pick % live.len();
                    match f.realloc(live[i], (x >> 24) % 900)?? {
                        Realloc::InPlace(p) => assert_eq!(p, live[i]),
                        Realloc::Moved { to, .. } => live[i] = to,
                        Realloc::Failed => {}
                    }
                }
                _ => {}
            }
        }
        assert_eq!(f.heap.live_count(), live.len());
        Ok(())
    }
}
