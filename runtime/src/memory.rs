//! Guest memory: a small, sorted set of mapped regions with page permissions.
//!
//! A contract's address space is a handful of regions (ELF segments, heap,
//! stack, thread block), so a sorted `Vec` with a one-entry lookup cache beats
//! a page table: most accesses hit the cached region. Everything not inside a
//! region is unmapped, including everything below [`MIN_ADDR`].

use crate::fault::{Access, Fault};
use std::cell::Cell;

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

/// The two regions most recently used for one kind of access (most recent
/// first): code typically alternates between the stack and one data region.
#[derive(Clone, Debug, Default)]
struct Recent {
    first: Cell<usize>,
    second: Cell<usize>,
}

impl Recent {
    #[inline]
    fn promote(&self, i: usize) {
        if self.first.get() != i {
            self.second.set(self.first.get());
            self.first.set(i);
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Memory {
    regions: Vec<Region>,
    last: Cell<usize>,
    /// Regions of the last successful reads / writes (separate, because code
    /// typically reads data while it writes the stack).
    last_read: Recent,
    last_write: Recent,
    /// Stack size limit, for the stack-overflow message.
    pub stack_limit: u64,
    /// Unmapped range below the stack: an access there is reported as a stack overflow.
    pub stack_guard: (u64, u64),
}

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
        if self
            .regions
            .iter()
            .any(|r| region.start < r.end() && r.start < end)
        {
            return Err(format!(
                "region {:#x}..{end:#x} overlaps another",
                region.start
            ));
        }
        let pos = self.regions.partition_point(|r| r.start < region.start);
        self.regions.insert(pos, region);
        self.last.set(0);
        self.last_read = Recent::default();
        self.last_write = Recent::default();
        Ok(())
    }

    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// Total bytes mapped.
    pub fn mapped_bytes(&self) -> u64 {
        self.regions.iter().map(|r| r.data.len() as u64).sum()
    }

    /// Index of the region of `kind` (first one).
    pub fn region_index(&self, kind: RegionKind) -> Option<usize> {
        self.regions.iter().position(|r| r.kind == kind)
    }

    pub fn region_mut(&mut self, idx: usize) -> &mut Region {
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

    /// Region index and offset of `[addr, addr+len)` if it lies in one region
    /// whose permissions include `perm`; tries the cached region first, then
    /// scans (contracts have only a handful of regions).
    #[inline(always)]
    fn hit(&self, cache: &Recent, addr: u64, len: u64, perm: u8) -> Option<(usize, usize)> {
        let i = cache.first.get();
        if let Some(r) = self.regions.get(i) {
            let off = addr.wrapping_sub(r.start);
            if off < r.data.len() as u64
                && len <= r.data.len() as u64 - off
                && r.perm.0 & perm == perm
            {
                return Some((i, off as usize));
            }
        }
        self.hit_scan(cache, addr, len, perm)
    }

    #[inline(never)]
    fn hit_scan(&self, cache: &Recent, addr: u64, len: u64, perm: u8) -> Option<(usize, usize)> {
        for (i, r) in self.regions.iter().enumerate() {
            let off = addr.wrapping_sub(r.start);
            if off < r.data.len() as u64
                && len <= r.data.len() as u64 - off
                && r.perm.0 & perm == perm
            {
                cache.promote(i);
                return Some((i, off as usize));
            }
        }
        None
    }

    /// Fast-path read for translated instructions: `size` (1, 2, 4 or 8)
    /// bytes when they lie in one readable region that is one of the two
    /// most recently read, else `None` — the caller then re-runs the
    /// instruction on the general path, which reports the exact fault,
    /// handles an access spanning two regions, and refills the cache.
    /// Keeping the region scan out of here keeps the translated handlers
    /// leaf functions (no calls, no callee-saved registers to spill).
    #[inline(always)]
    pub fn try_read(&self, addr: u64, size: u8) -> Option<u64> {
        let pick = |i: usize| {
            let r = self.regions.get(i)?;
            if r.perm.0 & Perm::R.0 == 0 {
                return None;
            }
            load(r.data.get(addr.wrapping_sub(r.start) as usize..)?, size)
        };
        pick(self.last_read.first.get()).or_else(|| pick(self.last_read.second.get()))
    }

    /// Fast-path write (see [`Memory::try_read`]); `None` leaves memory unchanged.
    #[inline(always)]
    pub fn try_write(&mut self, addr: u64, size: u8, val: u64) -> Option<()> {
        let a = self.last_write.first.get();
        if let Some(d) = slot_in(self.regions.get_mut(a), addr, size, Perm::W.0) {
            return store(d, size, val);
        }
        let b = self.last_write.second.get();
        store(
            slot_in(self.regions.get_mut(b), addr, size, Perm::W.0)?,
            size,
            val,
        )
    }

    /// Fast-path 16-byte read (see [`Memory::try_read`]).
    #[inline(always)]
    pub fn try_read16(&self, addr: u64) -> Option<u128> {
        let pick = |i: usize| {
            let r = self.regions.get(i)?;
            if r.perm.0 & Perm::R.0 == 0 {
                return None;
            }
            let d = r.data.get(addr.wrapping_sub(r.start) as usize..)?;
            d.first_chunk::<16>().map(|c| u128::from_le_bytes(*c))
        };
        pick(self.last_read.first.get()).or_else(|| pick(self.last_read.second.get()))
    }

    /// Fast-path 16-byte write (see [`Memory::try_read`]).
    #[inline(always)]
    pub fn try_write16(&mut self, addr: u64, val: u128) -> Option<()> {
        let bytes = val.to_le_bytes();
        let a = self.last_write.first.get();
        if let Some(d) = slot_in(self.regions.get_mut(a), addr, 16, Perm::W.0) {
            d.copy_from_slice(&bytes);
            return Some(());
        }
        let b = self.last_write.second.get();
        slot_in(self.regions.get_mut(b), addr, 16, Perm::W.0)?.copy_from_slice(&bytes);
        Some(())
    }

    /// Fast-path read-modify-write slot: the `size` bytes at `addr` when one
    /// of the two most recently written regions allows reading and writing
    /// them (read with [`load`], write with [`store`]). Checking once lets an
    /// instruction commit nothing until it knows its write cannot fault.
    #[inline(always)]
    pub fn try_slot(&mut self, addr: u64, size: u8) -> Option<&mut [u8]> {
        let a = self.last_write.first.get();
        let b = self.last_write.second.get();
        let i = if slot_in(self.regions.get_mut(a), addr, size, Perm::RW.0).is_some() {
            a
        } else {
            b
        };
        slot_in(self.regions.get_mut(i), addr, size, Perm::RW.0)
    }

    /// Read `size` (1, 2, 4 or 8) bytes, little-endian, zero-extended.
    #[inline(always)]
    pub fn read(&self, addr: u64, size: u8) -> Result<u64, Fault> {
        if let Some((i, off)) = self.hit(&self.last_read, addr, size as u64, Perm::R.0) {
            // `hit` guarantees `size` bytes at `off`; the chunk look-ups cannot fail.
            let d = &self.regions[i].data[off..];
            let v = match size {
                1 => d.first().map(|&b| b as u64),
                2 => d.first_chunk::<2>().map(|c| u16::from_le_bytes(*c) as u64),
                4 => d.first_chunk::<4>().map(|c| u32::from_le_bytes(*c) as u64),
                _ => d.first_chunk::<8>().map(|c| u64::from_le_bytes(*c)),
            };
            if let Some(v) = v {
                return Ok(v);
            }
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
        if let Some((i, off)) = self.hit(&self.last_write, addr, size as u64, Perm::W.0) {
            let d = &mut self.regions[i].data[off..];
            match size {
                1 => d[0] = val as u8,
                2 => d[..2].copy_from_slice(&(val as u16).to_le_bytes()),
                4 => d[..4].copy_from_slice(&(val as u32).to_le_bytes()),
                _ => d[..8].copy_from_slice(&val.to_le_bytes()),
            }
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
        if let Some((i, off)) = self.hit(&self.last_read, addr, 16, Perm::R.0) {
            if let Some(c) = self.regions[i].data[off..].first_chunk::<16>() {
                return Ok(u128::from_le_bytes(*c));
            }
        }
        let mut b = [0u8; 16];
        self.read_bytes(addr, &mut b)?;
        Ok(u128::from_le_bytes(b))
    }

    #[inline]
    pub fn write_u128(&mut self, addr: u64, val: u128) -> Result<(), Fault> {
        if let Some((i, off)) = self.hit(&self.last_write, addr, 16, Perm::W.0) {
            self.regions[i].data[off..off + 16].copy_from_slice(&val.to_le_bytes());
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
            let i = self.find(a).ok_or(Fault::Unmapped {
                addr: a,
                access: Access::Read,
            })?;
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

    /// Executable bytes starting at `addr` (up to `max`), for the decoder.
    /// Stops at the end of the executable region.
    pub fn fetch(&self, addr: u64, max: usize) -> Result<&[u8], Fault> {
        let Some(i) = self.find(addr) else {
            return Err(Fault::Unmapped {
                addr,
                access: Access::Execute,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn mem() -> Memory {
        let mut m = Memory::new();
        m.map(Region {
            start: 0x10000,
            perm: Perm::RX,
            kind: RegionKind::Segment,
            data: vec![0x90; 4096],
        })
        .unwrap();
        m.map(Region {
            start: 0x11000,
            perm: Perm::RW,
            kind: RegionKind::Segment,
            data: vec![0; 4096],
        })
        .unwrap();
        m
    }

    #[test]
    fn permissions_and_spans() {
        let mut m = mem();
        assert_eq!(m.read(0x10000, 1).unwrap(), 0x90);
        assert!(matches!(
            m.write(0x10000, 1, 0),
            Err(Fault::Protection { .. })
        ));
        assert!(matches!(m.read(0x0, 8), Err(Fault::Unmapped { .. })));
        m.write(0x11000, 8, 0x1122334455667788).unwrap();
        assert_eq!(m.read(0x11000, 4).unwrap(), 0x55667788);
        // A read spanning code and data is fine; a write spanning them faults and changes nothing.
        assert_eq!(m.read(0x10ffe, 4).unwrap(), 0x77889090);
        assert!(m.write(0x10fff, 2, 0xffff).is_err());
        assert_eq!(m.read(0x11000, 1).unwrap(), 0x88);
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
    }
}

/// Little-endian load of `size` (1, 2, 4 or 8) bytes from the start of `d`.
#[inline(always)]
pub fn load(d: &[u8], size: u8) -> Option<u64> {
    match size {
        1 => d.first().map(|&b| b as u64),
        2 => d.first_chunk::<2>().map(|c| u16::from_le_bytes(*c) as u64),
        4 => d.first_chunk::<4>().map(|c| u32::from_le_bytes(*c) as u64),
        _ => d.first_chunk::<8>().map(|c| u64::from_le_bytes(*c)),
    }
}

/// Little-endian store of the low `size` (1, 2, 4 or 8) bytes of `v` at the start of `d`.
#[inline(always)]
pub fn store(d: &mut [u8], size: u8, v: u64) -> Option<()> {
    match size {
        1 => *d.first_mut()? = v as u8,
        2 => *d.first_chunk_mut::<2>()? = (v as u16).to_le_bytes(),
        4 => *d.first_chunk_mut::<4>()? = (v as u32).to_le_bytes(),
        _ => *d.first_chunk_mut::<8>()? = v.to_le_bytes(),
    }
    Some(())
}

/// The `size` bytes at `addr` in region `r` if its permissions include `perm`.
#[inline(always)]
fn slot_in(r: Option<&mut Region>, addr: u64, size: u8, perm: u8) -> Option<&mut [u8]> {
    let r = r?;
    if r.perm.0 & perm != perm {
        return None;
    }
    r.data
        .get_mut(addr.wrapping_sub(r.start) as usize..)?
        .get_mut(..size as usize)
}
