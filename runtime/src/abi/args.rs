//! Argument checks shared by the interrupt handlers.
//!
//! Handlers check every pointer/length pair against guest permissions before
//! doing any work (and outputs before any state changes), so a bad pointer
//! faults with nothing changed — the order is part of the observable result,
//! because a fault keeps the gas charged so far.

use super::Stop;
use crate::fault::Access;
use crate::interp::Vm;

impl Vm<'_> {
    /// `[ptr, ptr+len)` must be readable guest memory.
    pub(super) fn check_in(&self, ptr: u64, len: u64) -> Result<(), Stop> {
        Ok(self.mem.check(ptr, len, Access::Read)?)
    }

    /// `[ptr, ptr+len)` must be writable guest memory.
    pub(super) fn check_out(&self, ptr: u64, len: u64) -> Result<(), Stop> {
        Ok(self.mem.check(ptr, len, Access::Write)?)
    }

    /// Read a 32-byte value (address, hash, topic, u256 operand).
    pub(super) fn read32(&self, ptr: u64) -> Result<[u8; 32], Stop> {
        self.read_array::<32>(ptr)
    }

    /// Read a u128 amount (16 bytes, little-endian).
    pub(super) fn read_amount(&self, ptr: u64) -> Result<u128, Stop> {
        Ok(u128::from_le_bytes(self.read_array::<16>(ptr)?))
    }
}

/// The ABI's signed result: `-1` as the u64 that rax holds.
pub(super) const MINUS_ONE: u64 = u64::MAX;
