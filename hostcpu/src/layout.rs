//! Fixed addresses of the oracle's mappings.
//!
//! Everything lives at fixed, documented addresses so that the VM side of a
//! differential test can map exactly the same ranges: a memory operand, an
//! `RSP` value or a RIP-relative displacement then means the same thing on
//! both sides.

/// Base of the scratch buffer ([`crate::State::mem`] is copied here).
pub const SCRATCH_BASE: u64 = 0x7e00_0000_0000;
/// Largest scratch buffer accepted by [`crate::run`].
pub const SCRATCH_MAX: usize = 1 << 20;
/// Start of the default stack, directly after the largest scratch buffer.
pub const STACK_BASE: u64 = SCRATCH_BASE + SCRATCH_MAX as u64;
/// Size of the default stack.
pub const STACK_SIZE: usize = 64 << 10;
/// `RSP` used while the instructions run when the caller passes `gpr[4] == 0`.
/// 16-byte aligned, with 256 bytes of readable/writable space above it.
pub const DEFAULT_RSP: u64 = STACK_BASE + STACK_SIZE as u64 - 256;

/// Context page shared between the Rust side and the generated code
/// (input/output register images, saved host `RSP`, signal report).
pub const CTX_ADDR: u64 = 0x7e00_0020_0000;
/// First code page: recovery stub and entry prologue.
pub const CODE_ADDR: u64 = CTX_ADDR + PAGE as u64;
/// Address at which the caller's instruction bytes are placed (start of the
/// second code page). RIP-relative operands resolve relative to this.
pub const INSN_ADDR: u64 = CODE_ADDR + PAGE as u64;
/// Size of all code pages together (prologue page + instruction page).
pub const CODE_SIZE: usize = 2 * PAGE;
/// Room for the caller's bytes: the instruction page minus the epilogue.
pub const MAX_CODE_LEN: usize = PAGE - 512;

pub(crate) const PAGE: usize = 4096;

/// Offsets inside the context page.
pub(crate) mod ctx {
    pub const IN_GPR: u32 = 0x000;
    pub const IN_RFLAGS: u32 = 0x080;
    pub const HOST_RSP: u32 = 0x088;
    pub const HOST_MXCSR: u32 = 0x090;
    pub const TEST_MXCSR: u32 = 0x094;
    pub const OUT_RFLAGS: u32 = 0x098;
    pub const SIG_NO: u32 = 0x0a0;
    pub const SIG_ADDR: u32 = 0x0a8;
    pub const SIG_RIP: u32 = 0x0b0;
    pub const IN_XMM: u32 = 0x100;
    pub const OUT_GPR: u32 = 0x200;
    pub const OUT_XMM: u32 = 0x280;
    /// Top of a small private stack used only for `pushfq`/`popfq` so the
    /// caller's stack memory is never touched by the harness.
    pub const PRIVATE_STACK_TOP: u32 = 0x1000;
}
