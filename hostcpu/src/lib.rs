//! Native execution oracle for differential tests (Linux x86-64 only).
//!
//! [`run`] executes caller-supplied instruction bytes **once, on the host
//! CPU**, starting from a chosen register / RFLAGS / XMM / memory state, and
//! returns the state afterwards. The interpreter's tests run the same bytes in
//! the VM from the same state and compare: the host CPU is the reference for
//! "bit-exact with a real x86-64 CPU".
//!
//! # How one run works
//! * The caller's bytes are placed at the fixed address [`INSN_ADDR`], followed
//!   by a generated epilogue. A generated prologue saves the host's
//!   callee-saved registers and MXCSR, loads XMM0–15, RFLAGS, then all 16 GPRs
//!   from the [`State`], sets MXCSR to the VM's only value `0x1F80`, and jumps
//!   to the bytes. The epilogue stores all 16 GPRs, RFLAGS (`pushfq`) and
//!   XMM0–15 and restores the host state. Between loading and storing, the
//!   harness only uses instructions that leave RFLAGS alone.
//! * `State::mem` is copied to the fixed address [`SCRATCH_BASE`]. Exactly
//!   `mem.len()` rounded up to 4 KiB is accessible (the slack after `mem.len()`
//!   reads as zero); the rest of the [`SCRATCH_MAX`] window faults. After the
//!   run, the first `mem.len()` bytes are copied back into the result.
//! * `gpr[4]` (RSP): if 0, RSP is [`DEFAULT_RSP`] inside a 64 KiB stack at
//!   [`STACK_BASE`] (so `push`/`pop`/`call`-free stack tests work); otherwise
//!   the given value is used as is (point it into the scratch buffer to
//!   compare pushed bytes). The harness never writes to the test stack itself.
//! * Only CF, PF, AF, ZF, SF, OF and DF of `State::rflags` are loaded; bit 1
//!   and IF are set. The returned `rflags` is the raw `pushfq` value (compare
//!   `rflags & (STATUS_FLAGS | DF)` against the VM; unchanged-but-undefined
//!   flags are whatever this CPU produced).
//! * A hardware exception raised by the bytes (divide error, page fault,
//!   `ud2`, `int3`, #GP) comes back as [`NativeError::Signal`]; the process
//!   keeps running and later runs work normally.
//!
//! # Caller obligations
//! The bytes must fall through to their end (no branches out, no `ret`, no
//! `syscall`), must not load MXCSR, and must not leave RSP invalid if they
//! touch the stack. RIP-relative operands resolve against [`INSN_ADDR`].
//! Runs are serialised process-wide (the mappings are at fixed addresses), so
//! tests may call [`run`] from many threads.
//!
//! # Comparing with the VM
//! Map `mem` at `SCRATCH_BASE` (and the stack at `STACK_BASE` when RSP is
//! used) in the VM memory, put the same bytes at `INSN_ADDR`, load the same
//! GPRs (with `gpr[4]` substituted by `DEFAULT_RSP` when 0), RFLAGS
//! `(rflags & (STATUS_FLAGS|DF)) | 0x202`, XMM, MXCSR 0x1F80, execute until RIP
//! reaches `INSN_ADDR + code.len()`, then compare GPRs, masked RFLAGS (mask
//! out flags the manual calls undefined for that instruction only if the VM
//! deliberately differs), XMM and `mem`. A `Signal` here corresponds to a
//! VM fault (SIGFPE = #DE, SIGSEGV/SIGBUS = #PF/#GP, SIGILL = #UD).

#[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
compile_error!("hostcpu runs code natively and supports Linux x86-64 only");

mod arena;
mod asm;
mod layout;
mod signal;

pub use layout::{
    DEFAULT_RSP, INSN_ADDR, MAX_CODE_LEN, SCRATCH_BASE, SCRATCH_MAX, STACK_BASE, STACK_SIZE,
};

use std::sync::Mutex;

/// The six arithmetic status flags (CF, PF, AF, ZF, SF, OF).
pub const STATUS_FLAGS: u64 = 0x8d5;
/// Direction flag.
pub const DF: u64 = 1 << 10;

/// Register, flag and memory image before or after a run.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct State {
    /// RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8..R15 (encoding order).
    pub gpr: [u64; 16],
    pub rflags: u64,
    /// XMM0..XMM15, lane 0 in the low bits.
    pub xmm: [u128; 16],
    /// Scratch buffer, mapped at [`SCRATCH_BASE`] during the run.
    pub mem: Vec<u8>,
}

/// Why a native run did not produce a state.
#[derive(Debug, thiserror::Error)]
pub enum NativeError {
    #[error("instruction bytes are {len} long; at most {max} fit the code page")]
    CodeTooLong { len: usize, max: usize },
    #[error("scratch buffer is {len} bytes; at most {max} are supported")]
    MemTooLarge { len: usize, max: usize },
    #[error("mem_base_reg {reg} holds {value:#x}, outside the scratch buffer [{base:#x}, {base:#x}+{len:#x}]")]
    BaseOutsideScratch {
        reg: u8,
        value: u64,
        base: u64,
        len: usize,
    },
    #[error("mem_base_reg {reg} is not a general register number (0..16)")]
    BadBaseReg { reg: u8 },
    #[error("cannot map oracle memory at {addr:#x}: {source}")]
    Map { addr: u64, source: std::io::Error },
    #[error("cannot install signal handling: {0}")]
    SignalSetup(std::io::Error),
    #[error("native execution raised signal {signo} at rip {rip:#x} (fault address {addr:#x})")]
    Signal { signo: i32, addr: u64, rip: u64 },
}

static ARENA: Mutex<Option<arena::Arena>> = Mutex::new(None);

/// Execute `code` once on the host CPU from `state`; see the crate docs for
/// the exact conventions. `mem_base_reg = Some(r)` declares that `gpr[r]`
/// points into the scratch buffer (absolute address, `SCRATCH_BASE + offset`);
/// it is checked so a forgotten base yields an error instead of a fault.
pub fn run(code: &[u8], state: &State, mem_base_reg: Option<u8>) -> Result<State, NativeError> {
    if code.len() > MAX_CODE_LEN {
        return Err(NativeError::CodeTooLong {
            len: code.len(),
            max: MAX_CODE_LEN,
        });
    }
    if state.mem.len() > SCRATCH_MAX {
        return Err(NativeError::MemTooLarge {
            len: state.mem.len(),
            max: SCRATCH_MAX,
        });
    }
    if let Some(reg) = mem_base_reg {
        let value = *state
            .gpr
            .get(reg as usize)
            .ok_or(NativeError::BadBaseReg { reg })?;
        let end = SCRATCH_BASE + state.mem.len() as u64;
        if !(SCRATCH_BASE..=end).contains(&value) {
            return Err(NativeError::BaseOutsideScratch {
                reg,
                value,
                base: SCRATCH_BASE,
                len: state.mem.len(),
            });
        }
    }
    signal::install().map_err(NativeError::SignalSetup)?;
    signal::ensure_alt_stack().map_err(NativeError::SignalSetup)?;
    let mut guard = ARENA.lock().unwrap_or_else(|e| e.into_inner());
    if guard.is_none() {
        *guard = Some(arena::Arena::new()?);
    }
    guard
        .as_mut()
        .expect("arena initialised above")
        .execute(code, state)
}

/// Convenience: a state whose scratch buffer has `len` zero bytes.
pub fn state_with_mem(len: usize) -> State {
    State {
        mem: vec![0; len],
        ..State::default()
    }
}
