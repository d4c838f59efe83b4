//! A loadable contract image: what the loader maps into guest memory.
//!
//! Both inputs a user can hand to echovm (an ELF file or a contract package)
//! become a [`Program`]; the package format is a borsh encoding of it (see
//! `crate::package`). Keeping one in-memory form means the validator, the
//! loader and the error reporter never care where a contract came from.

use borsh::{BorshDeserialize, BorshSerialize};

/// Segment permissions (ELF `PF_R`/`PF_W`/`PF_X` bits, as `R=4, W=2, X=1`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct SegmentFlags(pub u8);

impl SegmentFlags {
    pub const X: u8 = 1;
    pub const W: u8 = 2;
    pub const R: u8 = 4;
    pub fn readable(self) -> bool {
        self.0 & Self::R != 0
    }
    pub fn writable(self) -> bool {
        self.0 & Self::W != 0
    }
    pub fn executable(self) -> bool {
        self.0 & Self::X != 0
    }
}

impl std::fmt::Display for SegmentFlags {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = |b, ch| if self.0 & b != 0 { ch } else { '-' };
        write!(
            f,
            "{}{}{}",
            c(Self::R, 'r'),
            c(Self::W, 'w'),
            c(Self::X, 'x')
        )
    }
}

/// One loadable segment: `data` is the file image (at most `mem_size` bytes);
/// the loader zero-fills the rest.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Segment {
    pub vaddr: u64,
    pub mem_size: u64,
    pub flags: SegmentFlags,
    pub data: Vec<u8>,
}

/// A function symbol, kept so faults can name the function they happened in.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Symbol {
    pub addr: u64,
    pub size: u64,
    pub name: String,
}

/// Thread-local storage template (ELF `PT_TLS`), placed below the thread block.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TlsTemplate {
    pub init: Vec<u8>,
    pub mem_size: u64,
    pub align: u64,
}

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Program {
    pub entry: u64,
    /// Sorted by `vaddr`, non-overlapping.
    pub segments: Vec<Segment>,
    /// Function symbols sorted by address.
    pub symbols: Vec<Symbol>,
    pub tls: Option<TlsTemplate>,
}

impl Program {
    /// Name of the function containing `addr`, if the program kept symbols.
    pub fn function_at(&self, addr: u64) -> Option<&str> {
        let i = self.symbols.partition_point(|s| s.addr <= addr);
        let s = self.symbols.get(i.checked_sub(1)?)?;
        let end = s.addr.saturating_add(s.size.max(1));
        (addr < end).then_some(s.name.as_str())
    }

    /// Executable segments, for the validator and `disasm`.
    pub fn code_segments(&self) -> impl Iterator<Item = &Segment> {
        self.segments.iter().filter(|s| s.flags.executable())
    }

    /// Total bytes the segments occupy in memory.
    pub fn image_size(&self) -> u64 {
        self.segments
            .iter()
            .map(|s| s.mem_size)
            .fold(0u64, |a, b| a.saturating_add(b))
    }
}
