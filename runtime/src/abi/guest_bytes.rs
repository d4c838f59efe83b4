//! Short guest byte strings copied onto the host stack.
//!
//! Storage keys and values are read from guest memory on every storage
//! interrupt; most are a few dozen bytes, so copying them into a fixed array
//! the handler owns keeps the allocator off that path. Longer ones (a
//! schedule may allow values up to `storage_value_bytes`) go to a `Vec`.

use super::Stop;
use crate::interp::Vm;

/// Longest byte string a [`Scratch`] holds without allocating (the v1
/// schedule's `storage_key_bytes`).
pub(super) const INLINE: usize = 256;

/// Room for one guest byte string: inline up to [`INLINE`] bytes, else on the
/// heap. Lives in the handler's frame and is filled in place (returning the
/// bytes by value would copy the whole array again).
pub(super) struct Scratch {
    inline: [u8; INLINE],
    heap: Vec<u8>,
}

impl Scratch {
    #[inline(always)]
    pub(super) fn new() -> Self {
        Scratch {
            inline: [0; INLINE],
            heap: Vec::new(),
        }
    }
}

impl Vm<'_> {
    /// Read `[ptr, ptr+len)` of guest memory into `s` and return it. Faults
    /// exactly like [`Vm::check_in`] on the same range (the copy checks read
    /// permission before taking any byte), so a handler may use it in place
    /// of `check_in` followed by a read.
    pub(super) fn read_guest_in<'s>(
        &self,
        ptr: u64,
        len: u64,
        s: &'s mut Scratch,
    ) -> Result<&'s [u8], Stop> {
        match usize::try_from(len) {
            Ok(n) if n <= INLINE => {
                let bytes = &mut s.inline[..n];
                self.mem.read_bytes(ptr, bytes)?;
                Ok(bytes)
            }
            _ => {
                s.heap = self.read_guest(ptr, len)?;
                Ok(&s.heap)
            }
        }
    }
}
