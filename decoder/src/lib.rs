//! x86-64 decoder for echovm: 64-bit mode, user level.
//!
//! [`decode`] turns bytes at an address into an [`Insn`] the interpreter runs
//! directly, or a [`DecodeError`] that says why not. The formatter renders
//! Intel syntax for error messages and `echovm disasm`.
//!
//! Structure: `cursor` reads bytes, prefixes and ModRM/SIB operands; the
//! one-byte map (`map1`), the 0F map (`map0f`) and the SSE tables
//! (`sse_table`, decoded generically by `sse`) are static tables with one
//! handler per opcode group; `vex` and `x87` recognise what echovm does not
//! execute so that it can be reported precisely.

mod cursor;
mod fast;
mod format;
mod insn;
mod map0f;
mod map1;
mod op;
mod sse;
mod sse_table;
mod vex;
mod x87;

pub use format::{disasm_line, format_result, gpr_name, write_insn};
pub use insn::*;
pub use op::Op;

use cursor::{Cursor, Rep};

/// Decode one instruction from `bytes`, located at guest address `ip`.
///
/// Only the first 15 bytes are looked at. Never panics: any byte string,
/// including an empty or truncated one, yields a value.
#[inline]
pub fn decode(bytes: &[u8], ip: u64) -> Result<Insn, DecodeError> {
    let mut insn = cursor::EMPTY;
    decode_into(bytes, ip, &mut insn)?;
    Ok(insn)
}

/// [`decode`] into caller-provided storage: the fast path for filling a
/// decoded-instruction cache (no copy of the result). On error `out` holds
/// unspecified contents.
#[inline]
pub fn decode_into(bytes: &[u8], ip: u64, out: &mut Insn) -> Result<(), DecodeError> {
    decode_next(bytes, ip, out).map(|_| ())
}

/// [`decode_into`] that also returns the instruction's length (`out.len`),
/// for callers that walk code instruction by instruction: the length comes
/// back in a register, so the next instruction's address does not wait for
/// `out.len` to be stored and loaded again.
#[inline]
pub fn decode_next(bytes: &[u8], ip: u64, out: &mut Insn) -> Result<usize, DecodeError> {
    // Common instructions take the fast path (straight from the input when
    // it has a full window, else from a padded copy); everything else (and
    // whatever it declines) the general decoder.
    let len = match bytes.first_chunk::<{ fast::WINDOW }>() {
        Some(w) => fast::decode(w, ip, out),
        None => fast::decode_short(bytes, ip, out),
    };
    if len != 0 {
        return Ok(len);
    }
    general(bytes, ip, out)?;
    Ok(out.len as usize)
}

/// The general decoder alone, without the fast path: every instruction the
/// fast path accepts must decode identically here. Public only so that the
/// tests can compare the two (`tests/fast_path.rs`).
#[doc(hidden)]
pub fn decode_general(bytes: &[u8], ip: u64) -> Result<Insn, DecodeError> {
    let mut insn = cursor::EMPTY;
    general(bytes, ip, &mut insn)?;
    Ok(insn)
}

/// The fast path alone: `Some` when it accepts the instruction (then equal to
/// [`decode`]'s result), `None` when the general decoder would run. For tests
/// and profiling (how much of real code the fast path covers).
#[doc(hidden)]
pub fn decode_fast_only(bytes: &[u8], ip: u64) -> Option<Insn> {
    let mut insn = cursor::EMPTY;
    let len = match bytes.first_chunk::<{ fast::WINDOW }>() {
        Some(w) => fast::decode(w, ip, &mut insn),
        None => fast::decode_short(bytes, ip, &mut insn),
    };
    (len != 0).then_some(insn)
}

/// Every prefix combination, truncation, error and rare form.
#[inline(never)]
#[cold]
fn general(bytes: &[u8], ip: u64, out: &mut Insn) -> Result<(), DecodeError> {
    let mut c = Cursor::new(bytes, ip, out);
    let mut b = c.u8();
    // Fast path: at most one REX and no legacy prefix (most instructions).
    if b & 0xF0 == 0x40 {
        rex(&mut c, b);
        b = c.u8();
    }
    if map1::is_legacy_prefix(b) {
        b = prefixes(&mut c, b)?;
    }
    let r = map1::decode(&mut c, b);
    // Any read past the real bytes turns the result into "truncated" (or
    // "too long" when 15 bytes were available), as on the CPU.
    if c.overrun() {
        return Err(c.eof());
    }
    r
}

#[inline(always)]
fn rex(c: &mut Cursor<'_>, b: u8) {
    c.has_rex = true;
    c.w = b & 8 != 0;
    c.rex_r = (b & 4) << 1;
    c.rex_x = (b & 2) << 2;
    c.rex_b = (b & 1) << 3;
}

/// Legacy prefixes in any order and number (up to the 15-byte limit); returns
/// the opcode byte. REX only counts when it immediately precedes the opcode:
/// a legacy prefix after it cancels it, a second REX replaces it.
#[cold]
fn prefixes(c: &mut Cursor<'_>, mut b: u8) -> Result<u8, DecodeError> {
    loop {
        match b {
            0x40..=0x4F => {
                rex(c, b);
            }
            0x26 | 0x2E | 0x36 | 0x3E | 0x64 | 0x65 | 0x66 | 0x67 | 0xF0 | 0xF2 | 0xF3 => {
                match b {
                    0x64 => c.seg = Seg::Fs,
                    0x65 => c.seg = Seg::Gs,
                    0x66 => c.p66 = true,
                    0x67 => c.p67 = true,
                    0xF0 => c.lock = true,
                    0xF2 => c.rep = Rep::F2,
                    0xF3 => c.rep = Rep::F3,
                    _ => {}
                }
                c.has_rex = false;
                c.w = false;
                c.rex_r = 0;
                c.rex_x = 0;
                c.rex_b = 0;
            }
            _ => return Ok(b),
        }
        if c.pos >= cursor::MAX_LEN {
            return Err(c.eof());
        }
        b = c.u8();
    }
}
