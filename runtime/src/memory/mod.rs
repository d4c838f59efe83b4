//! Guest memory: a small, sorted set of mapped regions with page permissions.
//!
//! A contract's address space is a handful of regions (ELF segments, heap,
//! stack, thread block), so a sorted `Vec` with a one-entry lookup cache beats
//! a page table: most accesses hit the cached region. Everything not inside a
//! region is unmapped, including everything below [`MIN_ADDR`].

use crate::fault::{Access, Fault};
use std::cell::Cell;

mod reserve;
use reserve::Reserve;

/// Lowest address that may ever be mapped (page 0 and everything below 64 KiB is not).
pub const MIN_ADDR: u64 = 0x10000;
pub const PAGE: u64 = 4096;

/// Page permissions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Perm(pub u8);

impl Perm {
    pub const NONE: Perm = Perm(0);
    pub const R: Perm = Perm(1);
    pub const W: Perm = Perm(2);
    pub const X: Perm = Perm(4);
    pub const RW: Perm = Perm(3);
    pub const RX: Perm = Perm(5);
    pub fn has(self, p: Perm) -> bool {
        self.0 & p.0 == p.0
    }
    fn allows(self, a: Access) -> bool {
        match a {
            Access::Read => self.has(Perm::R),
            Access::Write => self.has(Perm::W),
            Access::Execute => self.has(Perm::X),
        }
    }
}

/// What a region is for; used in messages and by the heap and stack logic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionKind {
    Segment,
    Heap,
    Stack,
    ThreadBlock,
}

#[derive(Clone, Debug)]
pub struct Region {
    pub start: u64,
    pub perm: Perm,
    pub kind: RegionKind,
    pub data: Vec<u8>,
}

impl Region {
    pub fn end(&self) -> u64 {
        self.start + self.data.len() as u64
    }
}

/// Where one region's bytes are, for the access caches: `[start, start+len)`
/// lives at `ptr`. `lim` is `len - 7`, the number of offsets at which an
/// 8-byte access fits, so "an access of up to 8 bytes at `addr` hits" is one
/// subtraction and one comparison: `addr - start < lim` (wrapping, so an
/// address below `start` is a huge offset and misses). Accesses of fewer
/// bytes in a region's last 7 bytes miss too and take the general path.
/// `lim16` is `len - 15`, the same for 16-byte accesses. The empty window
/// (`lim` = `lim16` = 0) never hits.
#[derive(Clone, Copy, Debug)]
struct Window {
    start: u64,
    lim: u64,
    lim16: u64,
    ptr: *mut u8,
}

impl Window {
    const EMPTY: Window = Window {
        start: 0,
        lim: 0,
        lim16: 0,
        ptr: std::ptr::null_mut(),
    };

    /// Pointer to the byte at `addr` if up to 8 bytes from there lie in this
    /// window.
    #[inline(always)]
    fn at(&self, addr: u64) -> Option<*mut u8> {
        let off = addr.wrapping_sub(self.start);
        if off < self.lim {
            // SAFETY: `off < lim <= len`, so the offset stays inside the
            // region's buffer (see `Caches` for why `ptr` is still valid).
            Some(unsafe { self.ptr.add(off as usize) })
        } else {
            None
        }
    }

    /// Pointer to the `len` (at least 8) bytes at `addr` if they all lie
    /// in this window.
    #[inline(always)]
    fn span(&self, addr: u64, len: u64) -> Option<*mut u8> {
        self.span_tail(addr, len.saturating_sub(8))
    }

    /// [`Window::span`] with `tail` = `len - 8` precomputed.
    ///
    /// `off < lim && lim - off > tail` is `off < lim - tail` when `lim >
    /// tail` and false otherwise: one comparison with a saturated bound
    /// (the two comparisons compiled to two `setcc`, an `and` and a test).
    #[inline(always)]
    fn span_tail(&self, addr: u64, tail: u64) -> Option<*mut u8> {
        let off = addr.wrapping_sub(self.start);
        if off < self.lim.saturating_sub(tail) {
            // SAFETY: `off + tail < lim`, so the `tail + 8` bytes from `off`
            // end at most at `lim + 7`, the region buffer's length.
            Some(unsafe { self.ptr.add(off as usize) })
        } else {
            None
        }
    }

    /// Pointer to the 16 bytes at `addr` if they lie in this window.
    #[inline(always)]
    fn at16(&self, addr: u64) -> Option<*mut u8> {
        let off = addr.wrapping_sub(self.start);
        if off < self.lim16 {
            // SAFETY: `off + 16 <= lim16 + 15 = len`, inside the buffer.
            Some(unsafe { self.ptr.add(off as usize) })
        } else {
            None
        }
    }
}

/// The windows of one kind of access: the stack's ([`STACK`]) and that of
/// the data region used most recently ([`DATA`]). Code typically works on
/// the stack and one data region at a time; keeping the stack in a slot of
/// its own lets each access try first the window it most likely hits: an
/// `rsp`-relative operand or a push/pop the stack's, anything else the data
/// window (`stack` in [`Memory::try_read`] and its siblings). A third,
/// older data slot was measured and dropped: the extra test on every stack
/// access through another register cost more than the refills it saved.
///
/// Why raw pointers: a fast-path hit is then one subtraction, one
/// comparison and the load or store, with no walk through the region `Vec`
/// and no slice bounds checks (`push` went from ~37 host instructions to a
/// dozen). The invariant that keeps them valid: a window is only ever built
/// from a region currently in `Memory::regions` (read windows from readable
/// regions, write windows from readable *and* writable ones), and every
/// method that can move, resize, free or re-permission a region's buffer
/// (`map`, `grow`, `region_mut`) clears the caches first, while `clone`
/// starts the copy with empty caches. Growing `Memory::regions` itself
/// moves the `Region` structs but not the heap buffers their `data` owns,
/// and the pointers come from `Vec::as_ptr`/`as_mut_ptr`, which do not
/// create references to the buffer, so they stay usable alongside the
/// slice accesses of the general path.
///
/// `frame` is the host address of `rsp` after [`Memory::set_frame`]
/// checked a range around it (see `exec::fast::frame`); it lives here so
/// that whatever clears the windows clears it too.
#[derive(Debug)]
struct Caches {
    read: [Cell<Window>; 2],
    write: [Cell<Window>; 2],
    frame: *mut u8,
}

impl Default for Caches {
    fn default() -> Self {
        let empty = || [const { Cell::new(Window::EMPTY) }; 2];
        Caches {
            read: empty(),
            write: empty(),
            frame: std::ptr::null_mut(),
        }
    }
}

/// The slot of [`Caches`] holding the stack's window.
const STACK: usize = 0;
/// The slot of [`Caches`] holding the most recently used data region's window.
const DATA: usize = 1;

/// The first hit of `hit` among the windows of `cache`, trying the stack's
/// first when `stack`, second otherwise.
///
/// The second try is marked cold so that the compiler lays the first
/// window's hit out as the straight path into the access: both paths
/// otherwise met at the load, and the first-window hit, which is most
/// accesses, paid a taken jump to get there (measured: 0.1–2.4 % fewer
/// host instructions over the eight benchmark programs, 1–3 % less time).
#[inline(always)]
fn find(
    cache: &[Cell<Window>; 2],
    stack: bool,
    hit: impl Fn(Window) -> Option<*mut u8>,
) -> Option<*mut u8> {
    let w = |slot: usize| cache[slot].get();
    let (first, second) = if stack { (STACK, DATA) } else { (DATA, STACK) };
    match hit(w(first)) {
        Some(p) => Some(p),
        None => {
            std::hint::cold_path();
            hit(w(second))
        }
    }
}

/// The pointer to `addr` from one of the cached windows, when the
/// `len`-byte access (≤ 8, or 16) lies inside it.
#[inline(always)]
fn cached(cache: &[Cell<Window>; 2], addr: u64, len: u64) -> Option<*mut u8> {
    if len <= 8 {
        find(cache, false, |w| w.at(addr))
    } else {
        find(cache, false, |w| w.at16(addr))
    }
}

/// Put `w`, the window of a region of `kind`, in its slot of `cache`.
#[inline]
fn fill(cache: &[Cell<Window>; 2], w: Window, kind: RegionKind) {
    let slot = if kind == RegionKind::Stack {
        STACK
    } else {
        DATA
    };
    cache[slot].set(w);
}

#[derive(Debug, Default)]
pub struct Memory {
    regions: Vec<Region>,
    last: Cell<usize>,
    /// Regions of the last successful reads / writes (separate, because code
    /// typically reads data while it writes the stack).
    caches: Caches,
    /// Stack size limit, for the stack-overflow message.
    pub stack_limit: u64,
    /// Unmapped range below the stack: an access there is reported as a stack overflow.
    pub stack_guard: (u64, u64),
    /// The part of the stack not backed by bytes yet (`Memory::map_stack`).
    reserve: Reserve,
}

impl Clone for Memory {
    /// A copy with its own (empty) caches: the originals point into the
    /// source's buffers.
    fn clone(&self) -> Self {
        Memory {
            regions: self.regions.clone(),
            last: self.last.clone(),
            caches: Caches::default(),
            stack_limit: self.stack_limit,
            stack_guard: self.stack_guard,
            reserve: self.reserve,
        }
    }
}

// SAFETY: the only non-`Send` fields are the cache windows' raw pointers,
// which point into heap buffers owned by this same `Memory` (its regions'
// `data`); moving the `Memory` to another thread moves that ownership along.
// (`Cell` already keeps `Memory` from being `Sync`.)
unsafe impl Send for Memory {}

impl Memory {
    pub fn new() -> Self {
        Self::default()
    }

    /// Map a region. Fails if it overlaps another, lies below [`MIN_ADDR`], or wraps.
    pub fn map(&mut self, region: Region) -> Result<(), String> {
        let end = region
            .start
            .checked_add(region.data.len() as u64)
            .ok_or("region wraps the address space")?;
        if region.start < MIN_ADDR {
            return Err(format!(
                "region at {:#x} is below {MIN_ADDR:#x}",
                region.start
            ));
        }
        if end > (1u64 << 47) {
            return Err(format!(
                "region ending at {end:#x} is above the user address space"
            ));
        }
        if self.overlaps_any(region.start, end) {
            return Err(format!(
                "region {:#x}..{end:#x} overlaps another",
                region.start
            ));
        }
        let pos = self.regions.partition_point(|r| r.start < region.start);
        self.regions.insert(pos, region);
        self.last.set(0);
        self.caches = Caches::default();
        Ok(())
    }

    /// Whether `start..end` shares an address with a region or the stack's
    /// reserve.
    fn overlaps_any(&self, start: u64, end: u64) -> bool {
        self.regions
            .iter()
            .any(|r| start < r.end() && r.start < end)
            || self.reserve.overlaps(start, end)
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// Total bytes mapped, the stack's reserve included.
    pub fn mapped_bytes(&self) -> u64 {
        self.regions
            .iter()
            .map(|r| r.data.len() as u64)
            .sum::<u64>()
            + self.reserve.len()
    }

    /// Index of the region of `kind` (first one).
    pub fn region_index(&self, kind: RegionKind) -> Option<usize> {
        self.regions.iter().position(|r| r.kind == kind)
    }

    /// Mutable access to region `idx`; the caller may resize or
    /// re-permission it, so the access caches start over.
    pub fn region_mut(&mut self, idx: usize) -> &mut Region {
        self.caches = Caches::default();
        &mut self.regions[idx]
    }

    /// Grow region `idx` to `new_len` bytes (zero-filled). Caller checks limits and overlap.
    pub fn grow(&mut self, idx: usize, new_len: usize) -> Result<(), String> {
        let start = self.regions[idx].start;
        let new_end = start + new_len as u64;
        if let Some(next) = self.regions.get(idx + 1) {
            if new_end > next.start {
                return Err("region would overlap its neighbour".into());
            }
        }
        if self.reserve.overlaps(self.regions[idx].end(), new_end) {
            return Err("region would overlap the stack".into());
        }
        // Resizing may move the buffer: the cached pointers must go.
        self.caches = Caches::default();
        self.regions[idx].data.resize(new_len, 0);
        Ok(())
    }

    #[inline]
    fn find(&self, addr: u64) -> Option<usize> {
        let i = self.last.get();
        if let Some(r) = self.regions.get(i) {
            if addr >= r.start && addr < r.end() {
                return Some(i);
            }
        }
        let pos = self.regions.partition_point(|r| r.start <= addr);
        if pos == 0 {
            return None;
        }
        let r = &self.regions[pos - 1];
        if addr < r.end() {
            self.last.set(pos - 1);
            Some(pos - 1)
        } else {
            None
        }
    }

    #[cold]
    fn fault(&self, addr: u64, access: Access) -> Fault {
        match self.find(addr) {
            Some(_) => Fault::Protection { addr, access },
            // The reserve is read-write stack: only executing it faults.
            None if self.reserve.contains(addr) => Fault::Protection { addr, access },
            None if addr >= self.stack_guard.0 && addr < self.stack_guard.1 => {
                Fault::StackOverflow {
                    addr,
                    limit: self.stack_limit,
                }
            }
            None => Fault::Unmapped { addr, access },
        }
    }

    /// Slice of `len` bytes at `addr` if the whole range is in one region that allows `access`.
    #[inline]
    fn range(&self, addr: u64, len: usize, access: Access) -> Result<(usize, usize), Fault> {
        let Some(i) = self.find(addr) else {
            return Err(self.fault(addr, access));
        };
        let r = &self.regions[i];
        if !r.perm.allows(access) {
            return Err(self.fault(addr, access));
        }
        let off = (addr - r.start) as usize;
        if off + len <= r.data.len() {
            Ok((i, off))
        } else {
            // Spans into the next region (or unmapped space): report the first bad byte.
            Err(self
                .check_slow(addr, len as u64, access)
                .err()
                .unwrap_or(Fault::Unmapped { addr, access }))
        }
    }

    fn check_slow(&self, addr: u64, len: u64, access: Access) -> Result<(), Fault> {
        let mut a = addr;
        let end = addr.checked_add(len).ok_or(Fault::Unmapped {
            addr: u64::MAX,
            access,
        })?;
        while a < end {
            let Some(i) = self.find(a) else {
                if self.reserve.contains(a) && access != Access::Execute {
                    a = self.reserve.end();
                    continue;
                }
                return Err(self.fault(a, access));
            };
            let r = &self.regions[i];
            if !r.perm.allows(access) {
                return Err(self.fault(a, access));
            }
            a = r.end();
        }
        Ok(())
    }

    /// Check that `[addr, addr+len)` is entirely accessible for `access` (may span regions).
    pub fn check(&self, addr: u64, len: u64, access: Access) -> Result<(), Fault> {
        if len == 0 {
            return Ok(());
        }
        self.check_slow(addr, len, access)
    }

    /// Pointer to the `len` (1, 2, 4, 8 or 16) bytes at `addr` through the
    /// read caches, refilling them from the regions on a miss; `None` when
    /// the range is not inside one readable region: the caller then takes
    /// the slow, checked route.
    #[inline(always)]
    fn read_ptr(&self, addr: u64, len: u64) -> Option<*const u8> {
        match cached(&self.caches.read, addr, len) {
            Some(p) => Some(p),
            None => self.read_scan(addr, len),
        }
        .map(|p| p as *const u8)
    }

    #[inline(never)]
    fn read_scan(&self, addr: u64, len: u64) -> Option<*mut u8> {
        let r = self.region_with(addr, len, Perm::R.0)?;
        // A pointer for reading only: `as_ptr` needs no `&mut`.
        let w = window(r, r.data.as_ptr() as *mut u8);
        fill(&self.caches.read, w, r.kind);
        // SAFETY: `region_with` found `len` bytes at this offset of the buffer
        // (exactly: this also serves the accesses a window's limit misses).
        Some(unsafe { w.ptr.add((addr - r.start) as usize) })
    }

    /// [`Memory::read_ptr`] for writes (the write caches; regions that allow
    /// reading and writing).
    #[inline(always)]
    fn write_ptr(&mut self, addr: u64, len: u64) -> Option<*mut u8> {
        match cached(&self.caches.write, addr, len) {
            Some(p) => Some(p),
            None => self.write_scan(addr, len),
        }
    }

    #[inline(never)]
    fn write_scan(&mut self, addr: u64, len: u64) -> Option<*mut u8> {
        self.back(addr, len);
        let i = self.region_index_with(addr, len, Perm::RW.0)?;
        let ptr = self.regions[i].data.as_mut_ptr();
        let w = window(&self.regions[i], ptr);
        fill(&self.caches.write, w, self.regions[i].kind);
        // SAFETY: as in `read_scan`.
        Some(unsafe { ptr.add((addr - self.regions[i].start) as usize) })
    }

    /// The region holding all of `[addr, addr+len)` whose permissions include `perm`.
    fn region_with(&self, addr: u64, len: u64, perm: u8) -> Option<&Region> {
        Some(&self.regions[self.region_index_with(addr, len, perm)?])
    }

    fn region_index_with(&self, addr: u64, len: u64, perm: u8) -> Option<usize> {
        self.regions.iter().position(|r| {
            let off = addr.wrapping_sub(r.start);
            off < r.data.len() as u64 && len <= r.data.len() as u64 - off && r.perm.0 & perm == perm
        })
    }

    /// Fast-path read for translated instructions: `size` (1, 2, 4 or 8)
    /// bytes when they lie in the stack's or the last read data region's
    /// window (and not in its last 7 bytes; the stack's is tried first when
    /// `stack`, for `rsp`-relative accesses), else `None` — the caller then re-runs
    /// the instruction on the general path, which reports the exact fault,
    /// handles an access spanning two regions, and refills the cache.
    /// Keeping the region scan out of here keeps the translated handlers
    /// leaf functions (no calls, no callee-saved registers to spill).
    #[inline(always)]
    pub fn try_read(&self, addr: u64, size: u8, stack: bool) -> Option<u64> {
        let p = find(&self.caches.read, stack, |w| w.at(addr))?;
        // SAFETY: `Window::at` vouches for 8 bytes at `p` in a live buffer.
        Some(unsafe { load_ptr(p, size) })
    }

    /// Fast-path write (see [`Memory::try_read`]); `None` leaves memory unchanged.
    #[inline(always)]
    pub fn try_write(&mut self, addr: u64, size: u8, val: u64, stack: bool) -> Option<()> {
        let p = find(&self.caches.write, stack, |w| w.at(addr))?;
        // SAFETY: as in `try_read`; write windows come from `as_mut_ptr` of
        // writable regions, and `&mut self` rules out any other access.
        unsafe { store_ptr(p, size, val) };
        Some(())
    }

    /// Fast-path pointer to `len` (8 ≤ `len`, a multiple of 8) readable
    /// bytes at `addr`, all in the stack's or the last read data region's window:
    /// several stack slots at once (runs of `pop`).
    #[inline(always)]
    pub fn try_read_span(&self, addr: u64, len: u64, stack: bool) -> Option<*const u8> {
        let p = find(&self.caches.read, stack, |w| w.span(addr, len))?;
        Some(p as *const u8)
    }

    /// Fast-path pointer to `len` (8 ≤ `len`, a multiple of 8) writable
    /// bytes at `addr` (runs of `push`); `&mut self` keeps anything else
    /// from touching them while the caller writes.
    #[inline(always)]
    pub fn try_write_span(&mut self, addr: u64, len: u64, stack: bool) -> Option<*mut u8> {
        find(&self.caches.write, stack, |w| w.span(addr, len))
    }

    /// Check that the bytes `rsp + lo .. rsp + lo + len` lie in one
    /// writable window, and if so remember the host address of `rsp` as the
    /// frame that [`Memory::frame_load`] and [`Memory::frame_store`] use.
    /// `range` packs `lo` as an `i32` in its low half and `len - 8` in its
    /// high half (`exec::fast::frame` serves ranges of 8 bytes or more).
    /// `false` changes nothing; a window that does not hold the range is
    /// not refilled here, but by [`Memory::set_frame_slow`].
    #[inline(always)]
    pub fn set_frame(&mut self, rsp: u64, range: u64) -> bool {
        let lo = range as u32 as i32 as i64;
        let start = rsp.wrapping_add(lo as u64);
        let tail = range >> 32;
        let Some(p) = find(&self.caches.write, true, |w| w.span_tail(start, tail)) else {
            return false;
        };
        // Kept as an offset from a pointer into the buffer; only
        // `frame_load`/`frame_store` dereference it, inside the range.
        self.caches.frame = p.wrapping_offset(-(lo as isize));
        true
    }

    /// [`Memory::set_frame`], looking the range up in the regions (and
    /// filling the window) when no window holds it: what the interpreter
    /// runs after a checker declined, so a frame that fits is never
    /// refused twice.
    #[inline(never)]
    pub fn set_frame_slow(&mut self, rsp: u64, range: u64) -> bool {
        if self.set_frame(rsp, range) {
            return true;
        }
        let lo = range as u32 as i32 as i64;
        let start = rsp.wrapping_add(lo as u64);
        let len = (range >> 32).saturating_add(8);
        if self.write_scan(start, len).is_none() {
            self.caches.frame = std::ptr::null_mut();
            return false;
        }
        self.set_frame(rsp, range)
    }

    /// Read `size` (4 or 8) bytes at `rsp + disp` through the frame.
    ///
    /// # Safety
    /// [`Memory::set_frame`] returned true for a range holding those bytes,
    /// with the same `rsp`, and no method that clears the access caches ran
    /// since (`exec::fast::frame` establishes this per block).
    #[inline(always)]
    pub unsafe fn frame_load(&self, disp: u64, size: u8) -> u64 {
        debug_assert!(!self.caches.frame.is_null());
        let p = self.caches.frame.wrapping_offset(disp as i64 as isize);
        // SAFETY: by the contract, `p` lies inside the checked range.
        unsafe { load_ptr(p, size) }
    }

    /// Write `size` (4 or 8) bytes at `rsp + disp` through the frame.
    ///
    /// # Safety
    /// As for [`Memory::frame_load`]; the checked range is writable.
    #[inline(always)]
    pub unsafe fn frame_store(&mut self, disp: u64, size: u8, v: u64) {
        debug_assert!(!self.caches.frame.is_null());
        let p = self.caches.frame.wrapping_offset(disp as i64 as isize);
        // SAFETY: by the contract, `p` lies inside the checked, writable range.
        unsafe { store_ptr(p, size, v) }
    }

    /// Fast-path 16-byte read (see [`Memory::try_read`]).
    #[inline(always)]
    pub fn try_read16(&self, addr: u64, stack: bool) -> Option<u128> {
        let p = find(&self.caches.read, stack, |w| w.at16(addr))?;
        // SAFETY: `Window::at16` vouches for 16 bytes at `p`.
        Some(u128::from_le(unsafe {
            (p as *const u128).read_unaligned()
        }))
    }

    /// Fast-path 16-byte write (see [`Memory::try_read`]) of the value at
    /// `val`, which is copied as one 16-byte block: by value, a `u128`
    /// travelled through two general registers and two 8-byte stores.
    #[inline(always)]
    pub fn try_write16(&mut self, addr: u64, val: &u128, stack: bool) -> Option<()> {
        let p = find(&self.caches.write, stack, |w| w.at16(addr))?;
        let bytes = val.to_le_bytes();
        // SAFETY: as in `try_write`, for the 16 bytes `at16` vouches for;
        // `bytes` is a local array, so the two ranges do not overlap.
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), p, 16) };
        Some(())
    }

    /// Fast-path read-modify-write slot: the 8 bytes at `addr` when one of
    /// the stack's or the last written data region's windows holds them
    /// (write windows are readable and writable; see [`Slot`]). Checking
    /// once lets an instruction commit nothing until it knows its write
    /// cannot fault. (Near a region's end an access of fewer bytes misses,
    /// as with [`Memory::try_read`], and takes the general path.)
    #[inline(always)]
    pub fn try_slot(&mut self, addr: u64, stack: bool) -> Option<Slot<'_>> {
        let p = find(&self.caches.write, stack, |w| w.at(addr))?;
        Some(Slot {
            p,
            _mem: std::marker::PhantomData,
        })
    }

    /// Read `size` (1, 2, 4 or 8) bytes, little-endian, zero-extended.
    #[inline(always)]
    pub fn read(&self, addr: u64, size: u8) -> Result<u64, Fault> {
        if let Some(p) = self.read_ptr(addr, width(size)) {
            // SAFETY: `read_ptr` vouches for the `width(size)` bytes at `p`.
            return Ok(unsafe { load_ptr(p, size) });
        }
        self.read_cold(addr, size)
    }

    #[cold]
    #[inline(never)]
    fn read_cold(&self, addr: u64, size: u8) -> Result<u64, Fault> {
        self.check(addr, size as u64, Access::Read)?;
        let mut b = [0u8; 8];
        self.read_bytes(addr, &mut b[..size as usize])?;
        Ok(u64::from_le_bytes(b))
    }

    /// Write the low `size` (1, 2, 4 or 8) bytes of `val`.
    #[inline(always)]
    pub fn write(&mut self, addr: u64, size: u8, val: u64) -> Result<(), Fault> {
        if let Some(p) = self.write_ptr(addr, width(size)) {
            // SAFETY: `write_ptr` vouches for the `width(size)` bytes at `p`.
            unsafe { store_ptr(p, size, val) };
            return Ok(());
        }
        self.write_cold(addr, size, val)
    }

    #[cold]
    #[inline(never)]
    fn write_cold(&mut self, addr: u64, size: u8, val: u64) -> Result<(), Fault> {
        self.check(addr, size as u64, Access::Write)?;
        self.write_bytes(addr, &val.to_le_bytes()[..size as usize])
    }

    #[inline]
    pub fn read_u128(&self, addr: u64) -> Result<u128, Fault> {
        if let Some(p) = self.read_ptr(addr, 16) {
            // SAFETY: `read_ptr` vouches for 16 bytes at `p`.
            return Ok(u128::from_le(unsafe {
                (p as *const u128).read_unaligned()
            }));
        }
        let mut b = [0u8; 16];
        self.read_bytes(addr, &mut b)?;
        Ok(u128::from_le_bytes(b))
    }

    #[inline]
    pub fn write_u128(&mut self, addr: u64, val: u128) -> Result<(), Fault> {
        if let Some(p) = self.write_ptr(addr, 16) {
            // SAFETY: `write_ptr` vouches for 16 writable bytes at `p`.
            unsafe { (p as *mut u128).write_unaligned(val.to_le()) };
            return Ok(());
        }
        self.write_bytes(addr, &val.to_le_bytes())
    }

    /// Read `buf.len()` bytes; the range may span adjacent regions.
    pub fn read_bytes(&self, addr: u64, buf: &mut [u8]) -> Result<(), Fault> {
        if buf.is_empty() {
            return Ok(());
        }
        if let Ok((i, off)) = self.range(addr, buf.len(), Access::Read) {
            buf.copy_from_slice(&self.regions[i].data[off..off + buf.len()]);
            return Ok(());
        }
        self.check(addr, buf.len() as u64, Access::Read)?;
        let mut done = 0usize;
        while done < buf.len() {
            let a = addr + done as u64;
            let Some(i) = self.find(a) else {
                if !self.reserve.contains(a) {
                    return Err(Fault::Unmapped {
                        addr: a,
                        access: Access::Read,
                    });
                }
                // Never written: zeros, up to where the stack's bytes begin.
                let n = (self.reserve.end() - a).min((buf.len() - done) as u64) as usize;
                buf[done..done + n].fill(0);
                done += n;
                continue;
            };
            let r = &self.regions[i];
            let off = (a - r.start) as usize;
            let n = (r.data.len() - off).min(buf.len() - done);
            buf[done..done + n].copy_from_slice(&r.data[off..off + n]);
            done += n;
        }
        Ok(())
    }

    /// Write `data`; the range may span adjacent regions. Checks the whole range
    /// first, so a faulting write changes nothing.
    pub fn write_bytes(&mut self, addr: u64, data: &[u8]) -> Result<(), Fault> {
        if data.is_empty() {
            return Ok(());
        }
        self.back(addr, data.len() as u64);
        if let Ok((i, off)) = self.range(addr, data.len(), Access::Write) {
            self.regions[i].data[off..off + data.len()].copy_from_slice(data);
            return Ok(());
        }
        self.check(addr, data.len() as u64, Access::Write)?;
        let mut done = 0usize;
        while done < data.len() {
            let a = addr + done as u64;
            let i = self.find(a).ok_or(Fault::Unmapped {
                addr: a,
                access: Access::Write,
            })?;
            let r = &mut self.regions[i];
            let off = (a - r.start) as usize;
            let n = (r.data.len() - off).min(data.len() - done);
            r.data[off..off + n].copy_from_slice(&data[done..done + n]);
            done += n;
        }
        Ok(())
    }

    /// Vec of `len` bytes at `addr` (checked read), for interrupt arguments.
    pub fn read_vec(&self, addr: u64, len: u64) -> Result<Vec<u8>, Fault> {
        self.check(addr, len, Access::Read)?;
        let mut v = vec![0u8; len as usize];
        self.read_bytes(addr, &mut v)?;
        Ok(v)
    }

    /// The little-endian 8 bytes at `addr` if they lie in one program
    /// segment that is not writable: bytes every call of the same code sees
    /// unchanged (segments come from the program, and nothing re-permissions
    /// them), so a translation may depend on them as it does on the code —
    /// a jump table's targets (`exec::fast::noflags::switch_live_out`).
    pub fn constant_u64(&self, addr: u64) -> Option<u64> {
        let r = self.region_with(addr, 8, Perm::R.0)?;
        if r.kind != RegionKind::Segment || r.perm.has(Perm::W) {
            return None;
        }
        let off = usize::try_from(addr - r.start).ok()?;
        let bytes: [u8; 8] = r.data.get(off..off.checked_add(8)?)?.try_into().ok()?;
        Some(u64::from_le_bytes(bytes))
    }

    /// Executable bytes starting at `addr` (up to `max`), for the decoder.
    /// Stops at the end of the executable region.
    pub fn fetch(&self, addr: u64, max: usize) -> Result<&[u8], Fault> {
        let Some(i) = self.find(addr) else {
            let access = Access::Execute;
            return Err(if self.reserve.contains(addr) {
                Fault::Protection { addr, access }
            } else {
                Fault::Unmapped { addr, access }
            });
        };
        let r = &self.regions[i];
        if !r.perm.has(Perm::X) {
            return Err(Fault::Protection {
                addr,
                access: Access::Execute,
            });
        }
        let off = (addr - r.start) as usize;
        let end = (off + max).min(r.data.len());
        Ok(&r.data[off..end])
    }

    /// Copy `n` bytes within guest memory with memmove semantics (checked).
    pub fn copy_within(&mut self, dst: u64, src: u64, n: u64) -> Result<(), Fault> {
        let v = self.read_vec(src, n)?;
        self.check(dst, n, Access::Write)?;
        self.write_bytes(dst, &v)
    }
}

/// The cache window of region `r`, whose buffer starts at `ptr`.
#[inline]
fn window(r: &Region, ptr: *mut u8) -> Window {
    Window {
        start: r.start,
        lim: (r.data.len() as u64).saturating_sub(7),
        lim16: (r.data.len() as u64).saturating_sub(15),
        ptr,
    }
}

/// Up to 8 readable and writable bytes of memory found by
/// [`Memory::try_slot`], for a read-modify-write that commits nothing until
/// it knows its write cannot fault.
///
/// Why not a `&mut [u8]`: an optional slice is a null-or-pointer, and every
/// handler that took one tested the pointer for null after the window
/// check had already decided (two host instructions per read-modify-write).
pub struct Slot<'m> {
    /// Where the 8 bytes are (`Window::at` vouched for them).
    p: *mut u8,
    /// The slot borrows its memory mutably: nothing else touches the bytes.
    _mem: std::marker::PhantomData<&'m mut Memory>,
}

impl Slot<'_> {
    /// Little-endian load of `size` (1, 2, 4 or 8) bytes, zero-extended.
    #[inline(always)]
    pub fn load(&self, size: u8) -> u64 {
        // SAFETY: the slot holds 8 bytes at `p`, and `load_ptr` reads
        // `width(size)` <= 8 of them.
        unsafe { load_ptr(self.p, size) }
    }

    /// Little-endian store of the low `size` (1, 2, 4 or 8) bytes of `v`.
    #[inline(always)]
    pub fn store(&mut self, size: u8, v: u64) {
        // SAFETY: as in `load`; the slot's mutable borrow of its memory
        // keeps the bytes unaliased.
        unsafe { store_ptr(self.p, size, v) }
    }
}

/// How many bytes [`load_ptr`] and [`store_ptr`] touch for `size`.
#[inline(always)]
const fn width(size: u8) -> u64 {
    match size {
        1 | 2 | 4 => size as u64,
        _ => 8,
    }
}

/// Little-endian load of `size` (1, 2, 4 or 8) bytes at `p`.
///
/// # Safety
/// `p` must be valid for reading [`width`]`(size)` bytes (any alignment).
#[inline(always)]
unsafe fn load_ptr(p: *const u8, size: u8) -> u64 {
    // SAFETY: the caller guarantees `width(size)` readable bytes; reads are unaligned.
    unsafe {
        match size {
            1 => p.read() as u64,
            2 => u16::from_le((p as *const u16).read_unaligned()) as u64,
            4 => u32::from_le((p as *const u32).read_unaligned()) as u64,
            _ => u64::from_le((p as *const u64).read_unaligned()),
        }
    }
}

/// Little-endian store of the low `size` (1, 2, 4 or 8) bytes of `v` at `p`.
///
/// # Safety
/// `p` must be valid for writing [`width`]`(size)` bytes (any alignment)
/// and not aliased.
#[inline(always)]
unsafe fn store_ptr(p: *mut u8, size: u8, v: u64) {
    // SAFETY: the caller guarantees `width(size)` writable, unaliased bytes.
    unsafe {
        match size {
            1 => p.write(v as u8),
            2 => (p as *mut u16).write_unaligned((v as u16).to_le()),
            4 => (p as *mut u32).write_unaligned((v as u32).to_le()),
            _ => (p as *mut u64).write_unaligned(v.to_le()),
        }
    }
}

/// A page of `nop`s at 0x10000, readable and executable: the code region
/// of the unit tests' memories.
#[cfg(test)]
fn code_page() -> Region {
    Region {
        start: 0x10000,
        perm: Perm::RX,
        kind: RegionKind::Segment,
        data: vec![0x90; 4096],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn mem() -> Result<Memory, Box<dyn std::error::Error>> {
        let mut m = Memory::new();
        m.map(code_page())?;
        m.map(Region {
            start: 0x11000,
            perm: Perm::RW,
            kind: RegionKind::Segment,
            data: vec![0; 4096],
        })?;
        Ok(m)
    }

    #[test]
    fn permissions_and_spans() -> TestResult {
        let mut m = mem()?;
        assert_eq!(m.read(0x10000, 1)?, 0x90);
        assert!(matches!(
            m.write(0x10000, 1, 0),
            Err(Fault::Protection { .. })
        ));
        assert!(matches!(m.read(0x0, 8), Err(Fault::Unmapped { .. })));
        m.write(0x11000, 8, 0x1122334455667788)?;
        assert_eq!(m.read(0x11000, 4)?, 0x55667788);
        // A read spanning code and data is fine; a write spanning them faults and changes nothing.
        assert_eq!(m.read(0x10ffe, 4)?, 0x77889090);
        assert!(m.write(0x10fff, 2, 0xffff).is_err());
        assert_eq!(m.read(0x11000, 1)?, 0x88);
        assert!(matches!(
            m.read(0x11ffc, 8),
            Err(Fault::Unmapped { addr: 0x12000, .. })
        ));
        assert!(m
            .map(Region {
                start: 0x100,
                perm: Perm::R,
                kind: RegionKind::Segment,
                data: vec![0; 1]
            })
            .is_err());
        assert!(m
            .map(Region {
                start: 0x10800,
                perm: Perm::R,
                kind: RegionKind::Segment,
                data: vec![0; 1]
            })
            .is_err());
        Ok(())
    }

    /// A read/write region of `len` bytes at `start`.
    fn rw(start: u64, len: usize) -> Region {
        Region {
            start,
            perm: Perm::RW,
            kind: RegionKind::Heap,
            data: vec![0; len],
        }
    }

    #[test]
    fn fast_paths_hit_only_inside_cached_regions() -> TestResult {
        let mut m = mem()?;
        // Cold caches: the fast paths decline, the general path fills them.
        assert_eq!(m.try_read(0x11000, 8, false), None);
        assert_eq!(m.try_write(0x11000, 8, 1, false), None);
        m.write(0x11000, 8, 0x1122_3344_5566_7788)?;
        // Reads and writes have separate caches; the read one holds one
        // data region at a time (and the stack's, in a slot of its own).
        assert_eq!(m.try_read(0x11000, 8, false), None);
        assert_eq!(m.read(0x10000, 1)?, 0x90);
        assert_eq!(m.try_read(0x10000, 4, false), Some(0x9090_9090));
        assert_eq!(m.read(0x11000, 8)?, 0x1122_3344_5566_7788);
        assert_eq!(m.try_read(0x10000, 4, false), None);
        assert_eq!(m.try_read(0x11000, 8, false), Some(0x1122_3344_5566_7788));
        assert_eq!(m.try_read(0x11001, 2, false), Some(0x6677));
        // The code region is read-only: never a write hit there.
        assert_eq!(m.try_write(0x10000, 1, 0, false), None);
        assert!(m.try_slot(0x10000, false).is_none());
        // Last 8 bytes hit; anything reaching past the end, or starting
        // below the region (a wrapped offset), declines.
        assert_eq!(m.try_write(0x11ff8, 8, u64::MAX, false), Some(()));
        assert_eq!(m.try_read(0x11ff8, 8, false), Some(u64::MAX));
        assert_eq!(m.try_read(0x11ff9, 8, false), None);
        assert_eq!(m.try_write(0x11ffc, 4, 0, false), None);
        assert_eq!(m.read(0x11fff, 1)?, 0xff);
        m.write(0x11ffc, 4, 0x0102_0304)?;
        assert_eq!(m.read(0x11ffc, 4)?, 0x0102_0304);
        assert_eq!(m.try_read(0x11ffc, 4, false), None);
        assert_eq!(m.try_read(0x10fff, 2, false), None);
        assert_eq!(m.read(0x10fff, 2)?, 0x8890);
        assert_eq!(m.try_read(0x11000u64.wrapping_sub(1 << 40), 1, false), None);
        assert_eq!(m.try_read(u64::MAX - 3, 8, false), None);
        // 16-byte forms: the last 16 bytes hit, one further declines.
        assert_eq!(m.try_write16(0x11ff0, &(5u128 << 64 | 7), false), Some(()));
        assert_eq!(m.try_read16(0x11ff0, false), Some(5u128 << 64 | 7));
        assert_eq!(m.try_read16(0x11ff1, false), None);
        assert_eq!(m.try_write16(0x11ff1, &0, false), None);
        assert_eq!(m.read_u128(0x11ff0)?, 5u128 << 64 | 7);
        // A read spanning the two regions declines and the general path joins them.
        assert_eq!(m.try_read(0x10ffc, 8, false), None);
        assert_eq!(m.read(0x10ffc, 8)?, 0x5566_7788_9090_9090);
        let mut s = m.try_slot(0x11000, false).ok_or("no fast slot")?;
        assert_eq!(s.load(4), 0x5566_7788);
        s.store(4, 0xdead_beef);
        assert_eq!(m.read(0x11000, 8)?, 0x1122_3344_dead_beef);
        Ok(())
    }

    #[test]
    fn stack_window_stays_beside_the_data_window() -> TestResult {
        let mut m = mem()?;
        m.map(Region {
            start: 0x7000_0000,
            perm: Perm::RW,
            kind: RegionKind::Stack,
            data: vec![0; 4096],
        })?;
        m.write(0x7000_0ff8, 8, 0x5151)?;
        m.write(0x11000, 8, 0x2222)?;
        m.read(0x7000_0ff8, 8)?;
        m.read(0x11000, 8)?;
        // Another data region replaces the data window, never the stack's.
        m.read(0x10000, 8)?;
        for stack in [false, true] {
            assert_eq!(m.try_read(0x7000_0ff8, 8, stack), Some(0x5151));
            assert_eq!(m.try_read(0x10000, 1, stack), Some(0x90));
            assert_eq!(m.try_read(0x11000, 8, stack), None);
            assert_eq!(m.try_write(0x7000_0ff0, 8, 7, stack), Some(()));
            assert_eq!(m.try_write(0x11008, 8, 9, stack), Some(()));
        }
        assert_eq!(m.read(0x7000_0ff0, 8)?, 7);
        assert_eq!(m.read(0x11008, 8)?, 9);
        Ok(())
    }

    #[test]
    fn spans_lie_wholly_in_one_window() -> TestResult {
        let mut m = Memory::new();
        m.map(rw(0x20000, 64))?;
        // Warm the write and the read window.
        m.write(0x20000, 8, 1)?;
        m.read(0x20000, 8)?;
        // The whole region, and runs ending at its last byte, fit.
        assert!(m.try_write_span(0x20000, 64, false).is_some());
        assert!(m.try_write_span(0x20030, 16, false).is_some());
        assert!(m.try_read_span(0x20028, 24, false).is_some());
        // One byte past the end, or starting below the region, does not.
        assert!(m.try_write_span(0x20000, 72, false).is_none());
        assert!(m.try_write_span(0x20038, 16, false).is_none());
        assert!(m.try_read_span(0x20031, 16, false).is_none());
        assert!(m.try_read_span(0x1fff8, 16, false).is_none());
        // Every span against the definition, for regions of 8 to 80 bytes
        // (shorter than some spans, so the saturated bound is exercised).
        for size in (8..=80).step_by(8) {
            let mut m = Memory::new();
            m.map(rw(0x20000, size))?;
            m.read(0x20000, 1)?;
            for off in -16i64..96 {
                let addr = (0x20000 + off) as u64;
                for len in (8..=96u64).step_by(8) {
                    let inside = off >= 0 && off as u64 + len <= size as u64;
                    let got = m.try_read_span(addr, len, false);
                    assert_eq!(got.is_some(), inside, "region {size}, +{off}, {len} bytes");
                }
            }
        }
        Ok(())
    }

    #[test]
    fn caches_follow_heap_growth() -> TestResult {
        const GROWN: usize = if cfg!(miri) { 1 << 16 } else { 64 << 20 };
        let mut m = Memory::new();
        m.map(rw(0x20000, 4096))?;
        // The heap and the stack: both stay cached, each in its own slot.
        m.map(Region {
            kind: RegionKind::Stack,
            ..rw(0x7000_0000, 4096)
        })?;
        m.write(0x20ff8, 8, 0xabcd)?;
        m.write(0x7000_0000, 8, 1)?;
        assert_eq!(m.try_write(0x20ff0, 8, 0x1234, false), Some(()));
        let idx = m
            .regions()
            .iter()
            .position(|r| r.start == 0x20000)
            .ok_or("region")?;
        let before = m.regions()[idx].data.as_ptr();
        // The buffer cannot stay where it was (64 MiB: glibc maps a new one;
        // under Miri, which cannot afford that, every reallocation moves).
        m.grow(idx, GROWN)?;
        assert_ne!(
            before,
            m.regions()[idx].data.as_ptr(),
            "buffer did not move"
        );
        // A stale window would decline the new bytes and write the old buffer.
        m.write(0x20000 + GROWN as u64 - 8, 8, 0x5555)?;
        assert_eq!(m.read(0x20000 + GROWN as u64 - 8, 8)?, 0x5555);
        assert_eq!(
            m.try_read(0x20000 + GROWN as u64 - 8, 8, false),
            Some(0x5555)
        );
        assert_eq!(m.try_write(0x20ff0, 8, 0x4321, false), Some(()));
        assert_eq!(m.try_read(0x20ff8, 8, false), Some(0xabcd));
        let live = &m.regions()[idx].data;
        assert_eq!(live[0xff0..0xff8], 0x4321u64.to_le_bytes());
        assert_eq!(live[GROWN - 8..], 0x5555u64.to_le_bytes());
        Ok(())
    }

    #[test]
    fn caches_follow_region_changes_and_clones() -> TestResult {
        let mut m = Memory::new();
        m.map(rw(0x20000, 4096))?;
        m.write(0x20000, 8, 7)?;
        assert_eq!(m.read(0x20000, 8)?, 7);
        assert_eq!(m.try_read(0x20000, 8, false), Some(7));
        // A replaced buffer (the old one is still alive when the new one is
        // allocated, so their addresses differ).
        m.region_mut(0).data = vec![3; 8192];
        assert_eq!(m.try_write(0x20000, 8, 9, false), None);
        m.write(0x21ff8, 8, 9)?;
        assert_eq!(m.try_read(0x20000, 1, false), None);
        assert_eq!(m.read(0x20000, 1)?, 3);
        assert_eq!(m.try_read(0x20000, 1, false), Some(3));
        assert_eq!(m.regions()[0].data[0x1ff8..], 9u64.to_le_bytes());
        // Taking write permission away stops the write fast path at once.
        m.region_mut(0).perm = Perm::R;
        assert_eq!(m.try_write(0x21ff8, 8, 0, false), None);
        assert!(m.try_slot(0x21ff8, false).is_none());
        assert!(matches!(
            m.write(0x21ff8, 8, 0),
            Err(Fault::Protection { .. })
        ));
        m.region_mut(0).perm = Perm::RW;
        // Mapping another region keeps every access correct.
        m.write(0x20010, 8, 11)?;
        m.map(rw(0x10000, 4096))?;
        assert_eq!(m.read(0x20010, 8)?, 11);
        m.write(0x10008, 8, 12)?;
        assert_eq!(m.read(0x10008, 8)?, 12);
        assert_eq!(m.try_read(0x10008, 8, false), Some(12));
        // One data window: the region read last replaced the other.
        assert_eq!(m.try_read(0x20010, 8, false), None);
        assert_eq!(m.read(0x20010, 8)?, 11);
        assert_eq!(m.try_read(0x20010, 8, false), Some(11));
        // A clone has its own caches: its writes never reach the original.
        let mut c = m.clone();
        assert_eq!(c.try_write(0x20010, 8, 99, false), None);
        c.write(0x20010, 8, 99)?;
        assert_eq!(c.try_write(0x20010, 8, 98, false), Some(()));
        assert_eq!(m.read(0x20010, 8)?, 11);
        assert_eq!(m.try_read(0x20010, 8, false), Some(11));
        assert_eq!(m.regions()[1].data[0x10..0x18], 11u64.to_le_bytes());
        assert_eq!(c.read(0x20010, 8)?, 98);
        Ok(())
    }
}
