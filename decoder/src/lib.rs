//! x86-64 decoder for echovm: 64-bit mode, user level.
//!
//! [`decode`] turns bytes at an address into an [`Insn`] the interpreter runs
//! directly, or a [`DecodeError`] that says why not. The formatter renders
//! Intel syntax for error messages and `echovm disasm`.

mod insn;
mod op;

pub use insn::*;
pub use op::Op;

/// Decode one instruction from `bytes`, located at guest address `ip`.
///
/// Never panics: any byte string, including an empty or truncated one, yields
/// a value.
pub fn decode(bytes: &[u8], ip: u64) -> Result<Insn, DecodeError> {
    let _ = (bytes, ip);
    Err(DecodeError::Invalid { reason: "decoder not yet implemented" })
}
