//! Deterministic guest heap allocator state (driven by the heap interrupts).

/// Allocator bookkeeping, kept host-side so the guest cannot corrupt it.
#[derive(Clone, Debug, Default)]
pub struct Heap {
    /// Bytes of the heap region in use so far (high-water mark).
    pub top: u64,
}
