//! RFLAGS. Owned by the integer execution module, which may keep the
//! arithmetic flags lazily; everything else goes through [`Flags::get`] and
//! [`Flags::set`], which always see the architectural value.

pub const CF: u64 = 1 << 0;
pub const PF: u64 = 1 << 2;
pub const AF: u64 = 1 << 4;
pub const ZF: u64 = 1 << 6;
pub const SF: u64 = 1 << 7;
pub const TF: u64 = 1 << 8;
pub const IF: u64 = 1 << 9;
pub const DF: u64 = 1 << 10;
pub const OF: u64 = 1 << 11;
/// The six arithmetic status flags.
pub const STATUS: u64 = CF | PF | AF | ZF | SF | OF;
/// Bit 1 always reads as 1.
pub const FIXED: u64 = 1 << 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flags {
    bits: u64,
}

impl Default for Flags {
    fn default() -> Self {
        Flags { bits: 0x202 }
    }
}

impl Flags {
    /// Architectural RFLAGS value.
    #[inline]
    pub fn get(&self) -> u64 {
        self.bits
    }
    /// Replace RFLAGS (bit 1 forced to 1).
    #[inline]
    pub fn set(&mut self, v: u64) {
        self.bits = v | FIXED;
    }
}
