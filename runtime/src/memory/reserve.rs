//! The stack's reserve: the part of the stack region that has no bytes
//! behind it yet.
//!
//! Why: a call's stack is 1 MiB by default, and zeroing that much on every
//! call was nearly all of an empty call's cost (93 % of 7 µs, in `memset`),
//! while most calls touch a few KiB at its top. So the loader backs only
//! the top of the stack ([`Memory::map_stack`]); below it, down to the
//! stack's real base, lies the reserve. To the guest the whole stack is
//! there from the start: reading the reserve gives zeros (the general
//! path's `read_bytes`), checking it passes for reads and writes, executing
//! it faults as executing the stack does, and it counts in
//! [`Memory::mapped_bytes`] (memory limits see the stack's full size).
//! The first write that reaches into it backs it ([`Memory::back`]), at
//! least doubling the backed part so a deepening stack costs a logarithmic
//! number of copies. Nothing in the fast paths changes: their windows only
//! ever cover backed bytes, and a miss falls to the general path, which
//! backs the range before writing (`write_scan`, `write_bytes`).

use super::{Memory, Perm, Region, RegionKind, MIN_ADDR, PAGE};

/// Addresses `lo..hi` of the stack not backed yet (empty when `lo == hi`).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct Reserve {
    lo: u64,
    hi: u64,
}

impl Reserve {
    #[inline]
    pub(super) fn contains(self, addr: u64) -> bool {
        addr >= self.lo && addr < self.hi
    }

    /// Whether `start..end` and the reserve share an address.
    #[inline]
    pub(super) fn overlaps(self, start: u64, end: u64) -> bool {
        start < self.hi && self.lo < end
    }

    pub(super) fn len(self) -> u64 {
        self.hi - self.lo
    }

    /// The first address above the reserve: where the stack's bytes begin.
    pub(super) fn end(self) -> u64 {
        self.hi
    }
}

impl Memory {
    /// Map the stack `start..start + len` (read-write), backing only its
    /// top `backed` bytes (rounded up to pages, at most `len`); the rest is
    /// the reserve (see the module documentation). Fails as [`Memory::map`]
    /// does, for the whole range.
    pub fn map_stack(&mut self, start: u64, len: u64, backed: u64) -> Result<(), String> {
        let backed = backed.max(1).div_ceil(PAGE).saturating_mul(PAGE).min(len);
        let end = start
            .checked_add(len)
            .ok_or("region wraps the address space")?;
        if start < MIN_ADDR {
            return Err(format!("region at {start:#x} is below {MIN_ADDR:#x}"));
        }
        if self.overlaps_any(start, end) {
            return Err(format!("region {start:#x}..{end:#x} overlaps another"));
        }
        if self.reserve.len() > 0 {
            return Err("a stack is already mapped".into());
        }
        self.map(Region {
            start: end - backed,
            perm: Perm::RW,
            kind: RegionKind::Stack,
            data: vec![0u8; backed as usize],
        })?;
        self.reserve = Reserve {
            lo: start,
            hi: end - backed,
        };
        Ok(())
    }

    /// Back the part of `addr..addr + len` that lies in the reserve: the
    /// stack region grows down to cover it, to at least twice its size, in
    /// whole pages. Called before every general-path write, so the test is
    /// inline and the growth out of line.
    #[inline]
    pub(super) fn back(&mut self, addr: u64, len: u64) {
        if self.reserve.overlaps(addr, addr.saturating_add(len)) {
            self.grow_stack(addr);
        }
    }

    /// [`Memory::back`]'s growth: down to `addr`'s page, at least doubling.
    #[cold]
    #[inline(never)]
    fn grow_stack(&mut self, addr: u64) {
        let hi = self.reserve.hi;
        let stack = |r: &Region| r.start == hi && r.kind == RegionKind::Stack;
        let Some(i) = self.regions.iter().position(stack) else {
            return;
        };
        let old = &self.regions[i];
        let top = old.end();
        let backed = top - old.start;
        let want = (addr.max(self.reserve.lo) / PAGE * PAGE)
            .min(top.saturating_sub(backed.saturating_mul(2)))
            .max(self.reserve.lo);
        let mut data = vec![0u8; (top - want) as usize];
        let at = (old.start - want) as usize;
        data[at..].copy_from_slice(&old.data);
        // The buffer moves: the cached windows and frame must go.
        let r = self.region_mut(i);
        r.start = want;
        r.data = data;
        self.reserve.hi = want;
        self.last.set(0);
    }
}

#[cfg(test)]
mod tests {
    //! The reserve against the plain stack it stands for: the same memory
    //! with the whole stack backed by zeros from the start.
    use super::*;
    use crate::fault::{Access, Fault};
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    const BASE: u64 = 0x7000_0000;
    const LEN: u64 = 256 * 1024;
    const TOP: u64 = BASE + LEN;
    const GUARD: u64 = 0x1_0000;

    /// A code page, and the stack at `BASE..TOP` with its guard below;
    /// `backed` = `None` backs all of it.
    fn memory(backed: Option<u64>) -> Result<Memory, String> {
        let mut m = Memory::new();
        m.map(super::super::code_page())?;
        match backed {
            Some(b) => m.map_stack(BASE, LEN, b)?,
            None => m.map(Region {
                start: BASE,
                perm: Perm::RW,
                kind: RegionKind::Stack,
                data: vec![0; LEN as usize],
            })?,
        }
        m.stack_limit = LEN;
        m.stack_guard = (BASE - GUARD, BASE);
        Ok(m)
    }

    #[test]
    fn the_reserve_reads_as_zero_and_is_backed_by_writes() -> TestResult {
        let mut m = memory(Some(8192))?;
        assert_eq!(m.mapped_bytes(), LEN + 4096, "the reserve counts as mapped");
        assert_eq!(m.reserve.end(), TOP - 8192);
        m.write(TOP - 8, 8, 0x1122_3344_5566_7788)?;
        // Deep reads: zeros, also across the edge of the backed part.
        assert_eq!(m.read(BASE, 8)?, 0);
        assert_eq!(m.read_u128(TOP - 8192 - 8)?, 0);
        let mut b = [0xffu8; 32];
        m.read_bytes(TOP - 8192 - 16, &mut b)?;
        assert_eq!(b, [0; 32]);
        // Checking and executing it behave as the stack does.
        m.check(BASE, LEN, Access::Write)?;
        assert!(matches!(
            m.check(BASE + 64, 8, Access::Execute),
            Err(Fault::Protection { addr, .. }) if addr == BASE + 64
        ));
        assert!(matches!(
            m.fetch(BASE + 64, 16),
            Err(Fault::Protection { .. })
        ));
        // A write across the edge backs the reserve down past it, at
        // least doubling the backed part, and keeps what was there.
        m.write_bytes(TOP - 8192 - 4, &[1, 2, 3, 4, 5, 6, 7, 8])?;
        assert_eq!(m.reserve.end(), TOP - 16384);
        assert_eq!(m.mapped_bytes(), LEN + 4096);
        assert_eq!(m.read(TOP - 8, 8)?, 0x1122_3344_5566_7788);
        assert_eq!(m.read(TOP - 8192 - 4, 8)?, 0x0807_0605_0403_0201);
        // A deep write backs down to its page; the fast path then hits.
        m.write(BASE + 0x1008, 4, 0xdead_beef)?;
        assert_eq!(m.reserve.end(), BASE + 0x1000);
        assert_eq!(m.try_write(BASE + 0x100c, 4, 0xfeed, true), Some(()));
        assert_eq!(m.read(BASE + 0x1008, 8)?, 0xfeed_dead_beef);
        m.write(BASE, 1, 7)?;
        assert_eq!(m.reserve.len(), 0);
        assert_eq!(m.read(BASE, 1)?, 7);
        // Below the stack: the guard's overflow, as before.
        assert!(matches!(
            m.read(BASE - 8, 8),
            Err(Fault::StackOverflow { .. })
        ));
        Ok(())
    }

    #[test]
    fn nothing_else_maps_over_the_reserve() -> TestResult {
        let mut m = memory(Some(4096))?;
        let over = |start: u64| Region {
            start,
            perm: Perm::RW,
            kind: RegionKind::Heap,
            data: vec![0; 4096],
        };
        assert!(m.map(over(BASE + 0x4000)).is_err());
        assert!(
            m.map(over(BASE - 0x800)).is_err(),
            "reaches into the reserve"
        );
        assert!(m.map_stack(0x9000_0000, 8192, 4096).is_err(), "one stack");
        m.map(over(BASE - 0x3000))?;
        let Some(heap) = m.region_index(RegionKind::Heap) else {
            return Err("no heap".into());
        };
        assert!(m.grow(heap, 0x4000).is_err(), "growing into the reserve");
        m.grow(heap, 0x3000)?;
        Ok(())
    }

    /// A copy has its own reserve and bytes.
    #[test]
    fn clones_back_their_own_stack() -> TestResult {
        let mut m = memory(Some(4096))?;
        let c = m.clone();
        m.write(BASE + 16, 8, 5)?;
        assert_eq!(c.read(BASE + 16, 8)?, 0);
        assert_eq!(c.reserve.end(), TOP - 4096);
        Ok(())
    }

    /// Random reads, writes, checks, frames and fetches around the stack's
    /// edges give the same results, faults and final bytes on the reserved
    /// stack as on one backed whole.
    #[test]
    fn a_reserved_stack_behaves_as_a_backed_one() -> TestResult {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for round in 0..20 {
            let backed = [4096, 8192, 32768, LEN][round % 4];
            let mut lazy = memory(Some(backed))?;
            let mut full = memory(None)?;
            for _ in 0..400 {
                let r = next();
                // Near the top, the backed edge, the base, the guard, or anywhere.
                let around =
                    [TOP, TOP - backed, BASE, BASE - 8, BASE + (r >> 40) % LEN][(r % 5) as usize];
                let addr = around.wrapping_add((r >> 8) % 64).wrapping_sub(32);
                let size = [1u8, 2, 4, 8][((r >> 20) % 4) as usize];
                let v = next();
                match (r >> 24) % 9 {
                    0 => assert_eq!(lazy.read(addr, size), full.read(addr, size)),
                    1 => assert_eq!(lazy.write(addr, size, v), full.write(addr, size, v)),
                    2 => assert_eq!(lazy.read_u128(addr), full.read_u128(addr)),
                    3 => assert_eq!(
                        lazy.write_u128(addr, v as u128 * 3),
                        full.write_u128(addr, v as u128 * 3)
                    ),
                    4 => {
                        let data: Vec<u8> = (0..(v % 80) as u8).collect();
                        assert_eq!(lazy.write_bytes(addr, &data), full.write_bytes(addr, &data));
                    }
                    5 => assert_eq!(lazy.read_vec(addr, v % 80), full.read_vec(addr, v % 80)),
                    6 => {
                        let access =
                            [Access::Read, Access::Write, Access::Execute][(v % 3) as usize];
                        assert_eq!(
                            lazy.check(addr, v % 5000, access),
                            full.check(addr, v % 5000, access)
                        );
                    }
                    7 => {
                        // `lo` in -255..=0 and 8..=71 bytes from `addr + lo`.
                        let lo = -(((v >> 8) % 256) as i64);
                        let range = ((v % 64) << 32) | (lo as i32 as u32 as u64);
                        let a = lazy.set_frame_slow(addr, range);
                        assert_eq!(a, full.set_frame_slow(addr, range), "frame at {addr:#x}");
                        if a {
                            // SAFETY: the frame was just set for a range
                            // whose first 8 bytes are at `rsp + lo`.
                            unsafe {
                                lazy.frame_store(lo as u64, 8, v);
                                full.frame_store(lo as u64, 8, v);
                            }
                        }
                    }
                    _ => assert_eq!(
                        lazy.fetch(addr, 4).map(<[u8]>::to_vec),
                        full.fetch(addr, 4).map(<[u8]>::to_vec)
                    ),
                }
            }
            assert_eq!(lazy.mapped_bytes(), full.mapped_bytes());
            assert_eq!(
                lazy.read_vec(BASE, LEN)?,
                full.read_vec(BASE, LEN)?,
                "round {round}"
            );
        }
        Ok(())
    }
}
