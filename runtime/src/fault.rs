//! Faults: every way a contract's execution can end abnormally. Each is
//! deterministic; the interpreter attaches the address, instruction and
//! function when it reports one (see `crate::interp::Trap`).

use echovm_decoder::DecodeError;
use std::fmt;

/// Kind of memory access.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Execute,
}

impl fmt::Display for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Execute => "execute",
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Fault {
    #[error("{access} of unmapped memory at {addr:#x}")]
    Unmapped { addr: u64, access: Access },
    #[error("{access} of {addr:#x} not permitted by the page's protection")]
    Protection { addr: u64, access: Access },
    #[error("stack overflow: access at {addr:#x} hit the stack guard (stack limit {limit} bytes)")]
    StackOverflow { addr: u64, limit: u64 },
    #[error("divide error")]
    DivideError,
    #[error("misaligned 16-byte memory operand at {addr:#x}")]
    Misaligned { addr: u64 },
    #[error("{0}")]
    Decode(DecodeError),
    /// `ldmxcsr` tried to load anything but the default 0x1F80: the VM fixes
    /// rounding, FTZ/DAZ and exception masks so float results stay deterministic.
    #[error("ldmxcsr {value:#x}: MXCSR may only hold its default value 0x1f80")]
    Mxcsr { value: u32 },
    #[error("ud2 executed")]
    Ud2,
    #[error("breakpoint (int3)")]
    Int3,
    #[error("int1 executed")]
    Int1,
    #[error("interrupt vector {0:#x} is not part of ABI v1")]
    BadVector(u8),
    #[error("{what} limit exceeded: {value} > {limit}")]
    Limit {
        what: &'static str,
        value: u64,
        limit: u64,
    },
    #[error("{0}")]
    Abi(String),
    #[error("instruction not implemented by the interpreter: {0}")]
    NotImplemented(&'static str),
}
