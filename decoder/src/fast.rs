//! Fast path for the instructions compilers emit most (mov, lea, ALU, test,
//! push/pop, call/ret/jmp/jcc, shifts, movzx/movsx, cmov/setcc, imul, the
//! SSE forms of the 0F map, multi-byte nops, endbr64, ...).
//!
//! Why a second decoder: the general one ([`crate::map1`], [`crate::cursor`])
//! handles every prefix combination, truncation and error through a cursor
//! struct in memory and one handler function per opcode group. Most real
//! instructions need none of that: a few prefixes (66, F2/F3 as SSE column,
//! ignored ES/CS/SS/DS), one REX, no truncation possible, no errors.
//!
//! Structure (chosen by measurement, see docs/DECODER.md): a short dispatcher
//! finds the opcode (after at most one REX, or after the legacy prefixes in
//! the out-of-line [`prefixed`]) and calls one small handler per operand
//! form through a table of 5 × 256 function pointers (one-byte map, then the
//! 0F map per SSE column); the operation comes from [`OPS`]. Each handler is
//! a separate function, so it keeps its few values in registers and writes
//! every `Insn` field once; one big function with a `match` over all forms
//! spilled and reloaded its shared state on every instruction.
//!
//! Speed in a linear sweep is bounded by the dependency of each
//! instruction's start on the previous one's length, so whatever decides a
//! length (REX or not, 0F or not, mod, SIB, RIP) is a *branch*, which the
//! CPU predicts and runs ahead of, not a select or a table lookup, which it
//! would have to wait for. Values that do not feed the length (registers,
//! displacement values, fix-ups) are computed without branches where that
//! measured faster; register numbers and SIB fields come from tables
//! ([`MODRM`], [`SIB`]) indexed by the byte and the REX bits.
//!
//! Handlers read from a 16-byte array that starts right after the opcode
//! (`r`), cut from a window of [`WINDOW`] bytes: every read is in bounds by
//! construction (offsets are masked to at most 7, and no accepted form reads
//! more than 10 bytes after its opcode), so there are no bounds checks or
//! clamps. Inputs shorter than the window are copied into a zero-padded one
//! first ([`decode_short`]), and the result is only accepted when the
//! instruction ends within the real bytes (reads past the instruction end
//! never influence a result: displacements and immediates are read wide and
//! then narrowed).
//!
//! Anything this path does not recognise — LOCK, FS/GS, 67, REP on string
//! instructions, VEX/EVEX, 0F38/0F3A, MMX, invalid or unsupported encodings,
//! rare group members — returns `false` and the general decoder runs from the
//! start, so the fast path only has to be right about what it accepts.
//! `tests/fast_path.rs` and the iced-x86 differential tests (and the `decode`
//! fuzz target) check that `decode` equals `decode_general` field for field.

use crate::sse_table::{self, F};
use crate::{prefix, Insn, MemRef, Op, Operand, Seg, NO_REG, RIP_BASE};

/// Bytes the direct path needs from the caller: the opcode ends at most 9
/// bytes in (prefixes, REX, 0F, opcode) and handlers see 16 bytes after it.
pub(crate) const WINDOW: usize = 32;

/// A handler: `r` = the bytes after the opcode, the output, `rex` = the REX
/// byte or 0, `x` = bit 0: a 66 prefix was seen, bits 1..=2: SSE column (0
/// none, 1 66, 2 F3, 3 F2), bits 24..=31: the "v" operand size; `op` = the
/// operation from [`OPS`] (for handlers that serve several operations);
/// `opc` = the (last) opcode byte, for the few handlers that need it (a
/// separate argument, so that `x` is a constant on the common paths).
///
/// It writes `op`, `osize`, `ops`, `mem` and `imm` and returns [`SLOW`] (hand
/// the instruction to the general decoder; `out` then holds garbage) or
/// the bytes it used from `r` (low byte) | [`RIP`] / [`REL`]. The caller writes
/// the rest (length, prefix bits) and adds the instruction's end
/// address where [`RIP`] / [`REL`] ask for it: the handlers need neither the
/// address nor the opcode's position, which keeps their few values in
/// registers.
type H = fn(&[u8; 16], &mut Insn, u32, u32, Op, u8) -> u32;

/// Handler result: not a fast-path instruction (the sign bit, so the caller
/// tests it without a mask; a decoded result has the bytes used after the
/// opcode in its low byte, so that the length is one add whose low byte is
/// stored, again without a mask).
const SLOW: u32 = 0x8000_0000;
/// `mem.disp` is relative to the instruction's end (RIP-relative operand).
const RIP: u32 = 0x100;
/// `imm` is relative to the instruction's end (branch target).
const REL: u32 = 0x200;

/// Prefix classes for the fast path: 1 = 66, 2 = F3, 3 = F2 (the SSE column
/// numbers), 4 = ES/CS/SS/DS override (no effect in 64-bit mode), 5 = any
/// other legacy prefix (left to the general decoder), 0 = not a prefix.
/// A `const` (not a `static`) so that code inlined into other crates
/// addresses it directly rather than through the GOT.
const PREFIX: [u8; 256] = {
    let mut t = [0u8; 256];
    t[0x66] = 1;
    t[0xF3] = 2;
    t[0xF2] = 3;
    t[0x26] = 4;
    t[0x2E] = 4;
    t[0x36] = 4;
    t[0x3E] = 4;
    t[0x64] = 5;
    t[0x65] = 5;
    t[0x67] = 5;
    t[0xF0] = 5;
    t
};

/// First-byte classes for an instruction without REX: 0 = an opcode of the
/// one-byte map, 1 = 0F, 2 = a legacy prefix. One table lookup and one
/// branch send the rare cases out of the common path.
const FIRST: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        if PREFIX[b] != 0 {
            t[b] = 2;
        }
        b += 1;
    }
    t[0x0F] = 1;
    t
};

/// Decode the instruction at the start of `w` (located at `ip`) into `out`
/// if it is one of the common forms and return its length; 0 means "use the
/// general decoder" (and `out` holds unspecified contents).
#[inline(always)]
pub(crate) fn decode(w: &[u8; WINDOW], ip: u64, out: &mut Insn) -> usize {
    let b = w[0];
    // At most one REX right before the opcode (a second REX, or a prefix
    // after it, is an opcode the table sends to the general decoder). Tested
    // first, on the byte itself: it decides where the opcode is.
    if b & 0xF0 == 0x40 {
        // "v" operand size 8 with REX.W, else 4, in bits 24..=31.
        let osz = 0x0400_0000 + ((b as u32 & 8) << 23);
        return dispatch::<true>(w, ip, out, 1, b as u32, osz);
    }
    if FIRST[b as usize] != 0 {
        return if b == 0x0F {
            dispatch_0f(w, ip, out, 0, 0, 4 << 24)
        } else {
            prefixed(w, ip, out)
        };
    }
    dispatch::<false>(w, ip, out, 0, 0, 4 << 24)
}

/// [`decode`] for inputs shorter than [`WINDOW`] (the interpreter's cache
/// passes 15-byte windows): the bytes are copied into a zero-padded window,
/// and the result counts only if the instruction ends within them.
#[inline(never)]
#[cold]
pub(crate) fn decode_short(bytes: &[u8], ip: u64, out: &mut Insn) -> usize {
    let n = bytes.len().min(crate::cursor::MAX_LEN);
    let mut w = [0u8; WINDOW];
    w[..n].copy_from_slice(&bytes[..n]);
    let len = decode(&w, ip, out);
    if len <= n {
        len
    } else {
        0
    }
}

/// Instructions with legacy prefixes: 66, F2/F3 (SSE column) and ignored
/// ES/CS/SS/DS overrides, then at most one REX. Out of line: they are rare.
#[inline(never)]
#[cold]
fn prefixed(w: &[u8; WINDOW], ip: u64, out: &mut Insn) -> usize {
    let Some((pos, p66, rep)) = prefixes(w) else {
        return 0;
    };
    let b = w[pos];
    let has_rex = b & 0xF0 == 0x40;
    let rex = if has_rex { b as u32 } else { 0 };
    let at = pos + has_rex as usize;
    // REP/REPNE and ignored F2/F3 on one-byte opcodes: general decoder.
    if rep != 0 && w[at & 7] != 0x0F {
        return 0;
    }
    let col = if rep != 0 { rep } else { p66 };
    let osz = if rex & 8 != 0 {
        8
    } else if p66 != 0 {
        2
    } else {
        4
    };
    // With prefixes an instruction could run past 15 bytes.
    let len = dispatch::<true>(w, ip, out, at, rex, (p66 | col << 1 | osz << 24) as u32);
    if len <= 15 {
        len
    } else {
        0
    }
}

/// Legacy prefixes the fast path accepts: returns the position after them
/// (at most 4), 1 if 66 was seen, and the last F2/F3 as its SSE column (2/3,
/// 0 if none).
#[inline(always)]
fn prefixes(w: &[u8; WINDOW]) -> Option<(usize, usize, usize)> {
    let (mut pos, mut p66, mut rep) = (0, 0, 0);
    loop {
        let k = PREFIX[w[pos & 7] as usize];
        if k == 0 {
            return Some((pos, p66, rep));
        } else if k == 1 {
            p66 = 1;
        } else if k <= 3 {
            rep = k as usize;
        } else if k == 5 {
            return None;
        }
        pos += 1;
        if pos > 4 {
            return None;
        }
    }
}

/// Find the opcode at `at` (one byte, or 0F and one byte) and call its
/// handler; `x` carries the 66 bit and the SSE column (see [`H`]).
///
/// Written for latency, not just instruction count: in a linear sweep each
/// instruction's start depends on the previous one's length, so the chain
/// "first byte → REX → ModRM → displacement size → length" is what limits
/// speed. The 0F test is a (well-predicted) branch rather than a select so
/// that the ModRM byte's address does not wait for the opcode byte.
/// `CHECK_0F`: the byte at `at` may be 0F (false when the caller has ruled
/// that out).
#[inline(always)]
fn dispatch<const CHECK_0F: bool>(
    w: &[u8; WINDOW],
    ip: u64,
    out: &mut Insn,
    at: usize,
    rex: u32,
    x: u32,
) -> usize {
    // `at` is at most 5; the mask lets the compiler see that.
    let at = at & 7;
    let opc = w[at];
    if CHECK_0F && opc == 0x0F {
        return dispatch_0f(w, ip, out, at, rex, x);
    }
    let p = at + 1;
    let r: &[u8; 16] = w[p..p + 16].try_into().unwrap_or(&[0; 16]);
    let ret = TABLE[opc as usize](r, out, rex, x, OPS[opc as usize], opc);
    finish(ip, out, p, x, ret)
}

/// [`dispatch`] for the 0F map (out of line, see there; not `#[cold]`,
/// which made it measurably slower).
#[inline(never)]
fn dispatch_0f(w: &[u8; WINDOW], ip: u64, out: &mut Insn, at: usize, rex: u32, x: u32) -> usize {
    let at = at & 7;
    let o = w[at + 1];
    let p = at + 2;
    let r: &[u8; 16] = w[p..p + 16].try_into().unwrap_or(&[0; 16]);
    let table = 1 + ((x >> 1) & 3) as usize;
    let (h, op) = (TABLE[table * 256 + o as usize], OPS[256 + o as usize]);
    let ret = h(r, out, rex, x, op, o);
    finish(ip, out, p, x, ret)
}

/// After the handler: `p` = the opcode's end. Writes the length, prefix
/// bits, and makes RIP-relative addresses and branch targets
/// absolute.
#[inline(always)]
fn finish(ip: u64, out: &mut Insn, p: usize, x: u32, ret: u32) -> usize {
    if ret & SLOW != 0 {
        return 0;
    }
    let len = (ret as u8).wrapping_add(p as u8);
    out.len = len;
    out.prefixes = (x & 1) as u8 * prefix::OPSIZE;
    if ret & (RIP | REL) != 0 {
        let next = ip.wrapping_add(len as u64);
        if ret & RIP != 0 {
            out.mem.disp = next.wrapping_add(out.mem.disp as u64) as i64;
        } else {
            out.imm = next.wrapping_add(out.imm);
        }
    }
    len as usize
}

// ---- operand helpers (all inlined into the handlers) ----

const NONE: Operand = Operand::None;

const NO_MEM: MemRef = MemRef {
    base: NO_REG,
    index: NO_REG,
    scale: 1,
    seg: Seg::None,
    addr32: false,
    disp: 0,
};

/// "v" operand size (8 with REX.W, else 2 with 66, else 4), computed by
/// the dispatcher (a constant on the common paths) and passed in `x`.
#[inline(always)]
fn osz(rex: u32, x: u32) -> u8 {
    let _ = rex;
    (x >> 24) as u8
}

/// Operand size of stack forms (64-bit default; 66 without REX.W gives 16).
#[inline(always)]
fn osz64(rex: u32, x: u32) -> u8 {
    if osz(rex, x) == 2 {
        2
    } else {
        8
    }
}

/// Index into the size-indexed tables of `Cbw`/`Cwd`: 0 = 32, 1 = 16, 2 = 64 bits.
#[inline(always)]
fn szi(rex: u32, x: u32) -> usize {
    match osz(rex, x) {
        4 => 0,
        2 => 1,
        _ => 2,
    }
}

/// A ModRM byte's register numbers for each REX.R/X/B combination (index
/// `m | (rex & 7) << 8`): ModRM.reg extended by REX.R (low byte) and ModRM.rm
/// extended by REX.B (high byte). One load gives both, instead of two chains
/// of shifts and masks; [`SIB`] uses the same index form, so the REX part of
/// the index is computed once.
const MODRM: [u16; 2048] = {
    let mut t = [0u16; 2048];
    let mut i = 0;
    while i < 2048 {
        let m = (i & 0xFF) as u16;
        let rex = (i >> 8) as u16;
        let reg = ((m >> 3) & 7) | (rex & 4) << 1;
        let rm = (m & 7) | (rex & 1) << 3;
        t[i] = reg | rm << 8;
        i += 1;
    }
    t
};

/// [`MODRM`]'s entry for `m` under `rex`.
#[inline(always)]
fn modrm_regs(m: u8, rex: u32) -> u16 {
    MODRM[m as usize | (rex as usize & 7) << 8]
}

/// ModRM.reg extended by REX.R.
#[inline(always)]
fn reg(m: u8, rex: u32) -> u8 {
    modrm_regs(m, rex) as u8
}

/// ModRM.rm (or an opcode's low three bits) extended by REX.B.
#[inline(always)]
fn low(m: u8, rex: u32) -> u8 {
    (modrm_regs(m, rex) >> 8) as u8
}

/// A general register operand; `hi8` (a byte operand without REX) makes
/// registers 4..=7 ah..bh. Callers pass a constant `false` for forms that
/// are never byte-sized, so that the test disappears.
#[inline(always)]
fn gpr(reg: u8, size: u8, hi8: bool) -> Operand {
    if hi8 && reg >= 4 {
        Operand::GprHigh8 { reg: reg - 4 }
    } else {
        Operand::Gpr { reg, size }
    }
}

#[inline(always)]
fn u16at(r: &[u8; 16], i: usize) -> u16 {
    let i = i & 7;
    u16::from_le_bytes([r[i], r[i + 1]])
}

/// Four bytes at `i` (at most 7 for every accepted form; masked so that the
/// compiler sees the read in bounds).
#[inline(always)]
fn u32at(r: &[u8; 16], i: usize) -> u32 {
    let i = i & 7;
    u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]])
}

#[inline(always)]
fn i8at(r: &[u8; 16], i: usize) -> u64 {
    r[i & 7] as i8 as i64 as u64
}

/// Sign-extended immediate of 2 or 4 bytes ("z" size: imm16 with 66, else
/// imm32) at `i`, and its length.
#[inline(always)]
fn imm_z_s(r: &[u8; 16], i: usize, sz: u8) -> (u64, usize) {
    let raw = u32at(r, i);
    if sz == 2 {
        (raw as u16 as i16 as i64 as u64, 2)
    } else {
        (raw as i32 as i64 as u64, 4)
    }
}

/// Four bytes at the constant offset `I` (at most 12).
#[inline(always)]
fn u32c<const I: usize>(r: &[u8; 16]) -> u32 {
    u32::from_le_bytes([r[I], r[I + 1], r[I + 2], r[I + 3]])
}

/// A SIB byte decoded for each REX.R/X/B combination (index `sib |
/// (rex & 7) << 8`, as for [`MODRM`]; REX.R does not matter here): base
/// register (bits 0..8, before the "no base" case of mod 0), index register
/// or [`NO_REG`] (bits 8..16), scale (bits 16..24). One load instead of a
/// dozen shifts, masks and a select per SIB operand.
const SIB: [u32; 2048] = {
    let mut t = [0u32; 2048];
    let mut i = 0;
    while i < 2048 {
        let sib = (i & 0xFF) as u32;
        let rex = (i >> 8) as u32;
        let base = (sib & 7) | (rex & 1) << 3;
        let idx = ((sib >> 3) & 7) | (rex & 2) << 2;
        let idx = if idx != 4 { idx } else { NO_REG as u32 };
        t[i] = base | idx << 8 | (1 << (sib >> 6)) << 16;
        i += 1;
    }
    t
};

/// The memory operand of ModRM `m` (at `r[0]`, `mod != 3`): SIB and
/// displacement into `mem`. Returns the bytes used from `r` (ModRM, SIB,
/// displacement) and whether the operand is RIP-relative.
///
/// The operand's length is decided by branches (mod, SIB, RIP), not by a
/// table or selects: in a linear sweep the next instruction's start waits
/// for this length, and a predicted branch lets the CPU go on before the
/// ModRM byte has even been loaded.
#[inline(always)]
fn mem_operand(r: &[u8; 16], m: u8, rex: u32, mem: &mut MemRef) -> (usize, bool) {
    mem.seg = Seg::None;
    mem.addr32 = false;
    // Looked up once, before the branches (the handler's `reg` reuses the load).
    let regs = modrm_regs(m, rex);
    if m & 7 != 4 {
        mem.index = NO_REG;
        mem.scale = 1;
        let base = (regs >> 8) as u8;
        if m < 0x40 {
            if m & 7 == 5 {
                mem.base = RIP_BASE;
                mem.disp = u32c::<1>(r) as i32 as i64;
                (5, true)
            } else {
                mem.base = base;
                mem.disp = 0;
                (1, false)
            }
        } else if m < 0x80 {
            mem.base = base;
            mem.disp = r[1] as i8 as i64;
            (2, false)
        } else {
            mem.base = base;
            mem.disp = u32c::<1>(r) as i32 as i64;
            (5, false)
        }
    } else {
        let sib = r[1];
        let t = SIB[sib as usize | (rex as usize & 7) << 8];
        mem.index = (t >> 8) as u8;
        mem.scale = (t >> 16) as u8;
        let base = t as u8;
        if m < 0x40 {
            if sib & 7 == 5 {
                // Base 5 with mod 0: no base, disp32.
                mem.base = NO_REG;
                mem.disp = u32c::<2>(r) as i32 as i64;
                (6, false)
            } else {
                mem.base = base;
                mem.disp = 0;
                (2, false)
            }
        } else if m < 0x80 {
            mem.base = base;
            mem.disp = r[2] as i8 as i64;
            (3, false)
        } else {
            mem.base = base;
            mem.disp = u32c::<2>(r) as i32 as i64;
            (6, false)
        }
    }
}

/// The r/m operand of ModRM `m` for a general-register form (`hi8`: see
/// [`gpr`]); writes `mem` in both cases (the address, or "no memory
/// operand"). Returns the operand, the bytes used from `r` and RIP-relative.
#[inline(always)]
fn rm(
    r: &[u8; 16],
    m: u8,
    rex: u32,
    size: u8,
    hi8: bool,
    mem: &mut MemRef,
) -> (Operand, usize, bool) {
    let regs = modrm_regs(m, rex);
    if m >= 0xC0 {
        *mem = NO_MEM;
        (gpr((regs >> 8) as u8, size, hi8), 1, false)
    } else {
        let (n, rip) = mem_operand(r, m, rex, mem);
        (Operand::Mem { size }, n, rip)
    }
}

/// [`rm`] for an XMM form (memory of `size` bytes).
#[inline(always)]
fn rm_xmm(r: &[u8; 16], m: u8, rex: u32, size: u8, mem: &mut MemRef) -> (Operand, usize, bool) {
    let regs = modrm_regs(m, rex);
    if m >= 0xC0 {
        *mem = NO_MEM;
        (Operand::Xmm((regs >> 8) as u8), 1, false)
    } else {
        let (n, rip) = mem_operand(r, m, rex, mem);
        (Operand::Mem { size }, n, rip)
    }
}

/// The fields every handler writes last, and its result: `n` bytes used
/// after the opcode, RIP-relative memory operand or not.
#[inline(always)]
fn done(out: &mut Insn, op: Op, osize: u8, n: usize, rip: bool) -> u32 {
    // Here rather than in the caller: next to `imm` (often also 0) the two
    // stores can merge.
    out.imm2 = 0;
    out.op = op;
    out.osize = osize;
    n as u32 | (rip as u32) << 8
}

/// No operands, no memory, no immediate.
#[inline(always)]
fn no_operands(out: &mut Insn) {
    out.mem = NO_MEM;
    out.ops = [NONE; 4];
    out.imm = 0;
}

// ---- handlers ----

/// Declares handlers with the [`H`] signature (parameter names chosen at the
/// use site; not every handler needs every parameter).
macro_rules! handlers {
    ($(
        $(#[$doc:meta])*
        fn $name:ident $(<$(const $c:ident: $t:ty),*>)?
            ($r:ident, $out:ident, $rex:ident, $x:ident, $op:ident, $opc:ident) $body:block
    )*) => {$(
        $(#[$doc])*
        #[allow(unused_variables)]
        fn $name $(<$(const $c: $t),*>)?
            ($r: &[u8; 16], $out: &mut Insn, $rex: u32, $x: u32, $op: Op, $opc: u8) -> u32
            $body
    )*};
}

/// A relative branch whose displacement `rel` is `n` bytes: `imm` = the
/// target, relative to the end of the instruction, which the displacement
/// ends (the caller adds that address, see [`REL`]).
#[inline(always)]
fn rel(rel: u64, n: u32, out: &mut Insn, op: Op) -> u32 {
    out.imm = rel;
    out.imm2 = 0;
    out.mem = NO_MEM;
    out.ops = [Operand::Imm { size: 8 }, NONE, NONE, NONE];
    out.op = op;
    out.osize = 8;
    REL | n
}

const ALU_OPS: [Op; 8] = [
    Op::Add,
    Op::Or,
    Op::Adc,
    Op::Sbb,
    Op::And,
    Op::Sub,
    Op::Xor,
    Op::Cmp,
];
const SHIFT_OPS: [Op; 8] = [
    Op::Rol,
    Op::Ror,
    Op::Rcl,
    Op::Rcr,
    Op::Shl,
    Op::Shr,
    Op::Sal,
    Op::Sar,
];
const GRP3_OPS: [Op; 8] = [
    Op::Test,
    Op::Test,
    Op::Not,
    Op::Neg,
    Op::Mul,
    Op::Imul,
    Op::Div,
    Op::Idiv,
];
const GRP5_OPS: [Op; 8] = [
    Op::Inc,
    Op::Dec,
    Op::Call,
    Op::Nop,
    Op::Jmp,
    Op::Nop,
    Op::Push,
    Op::Nop,
];
const BT_OPS: [Op; 4] = [Op::Bt, Op::Bts, Op::Btr, Op::Btc];

handlers! {
    /// Anything the fast path does not take.
    fn slow(r, out, rex, x, op, opc) {
        SLOW
    }

    /// `op r/m, reg` (ALU, test, xchg, mov, bt, cmpxchg, xadd).
    fn rm_reg(r, out, rex, x, op, opc) {
        let m = r[0];
        let sz = osz(rex, x);
        let (a, n, rip) = rm(r, m, rex, sz, false, &mut out.mem);
        out.ops = [a, gpr(reg(m, rex), sz, false), NONE, NONE];
        out.imm = 0;
        done(out, op, sz, n, rip)
    }

    /// `op reg, r/m`.
    fn reg_rm(r, out, rex, x, op, opc) {
        let m = r[0];
        let sz = osz(rex, x);
        let (b, n, rip) = rm(r, m, rex, sz, false, &mut out.mem);
        out.ops = [gpr(reg(m, rex), sz, false), b, NONE, NONE];
        out.imm = 0;
        done(out, op, sz, n, rip)
    }

    /// [`rm_reg`] with byte operands (ah..bh without REX).
    fn rm_reg_b(r, out, rex, x, op, opc) {
        let m = r[0];
        let hi8 = rex == 0;
        let (a, n, rip) = rm(r, m, rex, 1, hi8, &mut out.mem);
        out.ops = [a, gpr(reg(m, rex), 1, hi8), NONE, NONE];
        out.imm = 0;
        done(out, op, 1, n, rip)
    }

    /// [`reg_rm`] with byte operands.
    fn reg_rm_b(r, out, rex, x, op, opc) {
        let m = r[0];
        let hi8 = rex == 0;
        let (b, n, rip) = rm(r, m, rex, 1, hi8, &mut out.mem);
        out.ops = [gpr(reg(m, rex), 1, hi8), b, NONE, NONE];
        out.imm = 0;
        done(out, op, 1, n, rip)
    }

    /// movzx/movsx: `reg(v), r/m(SRC)`.
    fn movx<const SRC: u8>(r, out, rex, x, op, opc) {
        let m = r[0];
        let sz = osz(rex, x);
        let (b, n, rip) = rm(r, m, rex, SRC, SRC == 1 && rex == 0, &mut out.mem);
        out.ops = [gpr(reg(m, rex), sz, false), b, NONE, NONE];
        out.imm = 0;
        done(out, op, sz, n, rip)
    }

    /// movsxd: the source is 32-bit only with REX.W.
    fn movsxd(r, out, rex, x, op, opc) {
        let m = r[0];
        let sz = osz(rex, x);
        let ssz = if sz == 8 { 4 } else { sz };
        let (b, n, rip) = rm(r, m, rex, ssz, false, &mut out.mem);
        out.ops = [gpr(reg(m, rex), sz, false), b, NONE, NONE];
        out.imm = 0;
        done(out, Op::Movsxd, sz, n, rip)
    }

    fn lea(r, out, rex, x, op, opc) {
        let m = r[0];
        if m >= 0xC0 {
            return SLOW;
        }
        let sz = osz(rex, x);
        let (n, rip) = mem_operand(r, m, rex, &mut out.mem);
        out.ops = [gpr(reg(m, rex), sz, false), Operand::Mem { size: 0 }, NONE, NONE];
        out.imm = 0;
        done(out, Op::Lea, sz, n, rip)
    }

    /// `op al/ax/eax/rax, imm` (`BYTE`: the al form).
    fn acc_imm<const BYTE: bool>(r, out, rex, x, op, opc) {
        let (sz, n) = if BYTE {
            out.imm = i8at(r, 0);
            (1, 1)
        } else {
            let sz = osz(rex, x);
            let (v, n) = imm_z_s(r, 0, sz);
            out.imm = v;
            (sz, n)
        };
        out.mem = NO_MEM;
        out.ops = [Operand::Gpr { reg: 0, size: sz }, Operand::Imm { size: sz }, NONE, NONE];
        done(out, op, sz, n, false)
    }

    /// 80/81/83: ALU r/m, imm (operation from ModRM.reg); `OPC` the opcode.
    fn grp1<const OPC: u8>(r, out, rex, x, op, opc) {
        let m = r[0];
        let op = ALU_OPS[((m >> 3) & 7) as usize];
        let sz = if OPC == 0x80 { 1 } else { osz(rex, x) };
        let (a, n, rip) = rm(r, m, rex, sz, OPC == 0x80 && rex == 0, &mut out.mem);
        let k = if OPC == 0x81 {
            let (v, k) = imm_z_s(r, n, sz);
            out.imm = v;
            k
        } else {
            out.imm = i8at(r, n);
            1
        };
        out.ops = [a, Operand::Imm { size: sz }, NONE, NONE];
        done(out, op, sz, n + k, rip)
    }

    /// push/pop r64 (50..5F).
    fn push_pop(r, out, rex, x, op, opc) {
        let s = osz64(rex, x);
        out.mem = NO_MEM;
        out.ops = [Operand::Gpr { reg: low(opc, rex), size: s }, NONE, NONE, NONE];
        out.imm = 0;
        done(out, op, s, 0, false)
    }

    /// push imm8 (6A, `Z` false) / imm16/32 (68).
    fn push_imm<const Z: bool>(r, out, rex, x, op, opc) {
        let s = osz64(rex, x);
        let n = if Z {
            let (v, n) = imm_z_s(r, 0, s);
            out.imm = v;
            n
        } else {
            out.imm = i8at(r, 0);
            1
        };
        out.mem = NO_MEM;
        out.ops = [Operand::Imm { size: s }, NONE, NONE, NONE];
        done(out, Op::Push, s, n, false)
    }

    /// imul r, r/m, imm8 (6B, `Z` false) / imm16/32 (69).
    fn imul_imm<const Z: bool>(r, out, rex, x, op, opc) {
        let m = r[0];
        let sz = osz(rex, x);
        let (b, n, rip) = rm(r, m, rex, sz, false, &mut out.mem);
        let k = if Z {
            let (v, k) = imm_z_s(r, n, sz);
            out.imm = v;
            k
        } else {
            out.imm = i8at(r, n);
            1
        };
        out.ops = [gpr(reg(m, rex), sz, false), b, Operand::Imm { size: sz }, NONE];
        done(out, Op::Imul, sz, n + k, rip)
    }

    /// Relative branch or call with rel8.
    fn rel8(r, out, rex, x, op, opc) {
        rel(i8at(r, 0), 1, out, op)
    }

    /// Relative branch or call with rel32.
    fn rel32(r, out, rex, x, op, opc) {
        rel(u32c::<0>(r) as i32 as i64 as u64, 4, out, op)
    }

    /// 90..97: nop or xchg r, rax.
    fn xchg_acc(r, out, rex, x, op, opc) {
        let g = low(opc, rex);
        let sz = osz(rex, x);
        out.mem = NO_MEM;
        out.imm = 0;
        if g == 0 {
            out.ops = [NONE; 4];
            done(out, Op::Nop, 0, 0, false)
        } else {
            out.ops = [
                Operand::Gpr { reg: g, size: sz },
                Operand::Gpr { reg: 0, size: sz },
                NONE,
                NONE,
            ];
            done(out, Op::Xchg, sz, 0, false)
        }
    }

    /// 98: cbw/cwde/cdqe.
    fn cbw(r, out, rex, x, op, opc) {
        no_operands(out);
        let op = [Op::Cwde, Op::Cbw, Op::Cdqe][szi(rex, x)];
        done(out, op, osz(rex, x), 0, false)
    }

    /// 99: cwd/cdq/cqo.
    fn cwd(r, out, rex, x, op, opc) {
        no_operands(out);
        let op = [Op::Cdq, Op::Cwd, Op::Cqo][szi(rex, x)];
        done(out, op, osz(rex, x), 0, false)
    }

    /// 9C/9D: pushf(q)/popf(q) (`PUSH`: 9C).
    fn pushf<const PUSH: bool>(r, out, rex, x, op, opc) {
        let s = osz64(rex, x);
        let op = match (PUSH, s == 8) {
            (true, true) => Op::Pushfq,
            (true, false) => Op::Pushf,
            (false, true) => Op::Popfq,
            (false, false) => Op::Popf,
        };
        no_operands(out);
        done(out, op, s, 0, false)
    }

    /// No operands, no operand size.
    fn plain(r, out, rex, x, op, opc) {
        no_operands(out);
        done(out, op, 0, 0, false)
    }

    fn ret(r, out, rex, x, op, opc) {
        no_operands(out);
        done(out, Op::Ret, 8, 0, false)
    }

    fn leave(r, out, rex, x, op, opc) {
        no_operands(out);
        done(out, Op::Leave, osz64(rex, x), 0, false)
    }

    /// B0..B7: mov r8, imm8.
    fn mov_r8_imm(r, out, rex, x, op, opc) {
        out.imm = r[0] as u64;
        out.mem = NO_MEM;
        out.ops = [gpr(low(opc, rex), 1, rex == 0), Operand::Imm { size: 1 }, NONE, NONE];
        done(out, Op::Mov, 1, 1, false)
    }

    /// B8..BF: mov r, imm16/32/64.
    fn mov_r_imm(r, out, rex, x, op, opc) {
        let sz = osz(rex, x);
        out.imm = match sz {
            8 => u64::from_le_bytes([r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7]]),
            2 => u16at(r, 0) as u64,
            _ => u32at(r, 0) as u64,
        };
        out.mem = NO_MEM;
        out.ops = [
            Operand::Gpr { reg: low(opc, rex), size: sz },
            Operand::Imm { size: sz },
            NONE,
            NONE,
        ];
        done(out, Op::Mov, sz, sz as usize, false)
    }

    /// C0/C1/D0..D3 (operation from ModRM.reg; `OPC` the opcode).
    fn shift<const OPC: u8>(r, out, rex, x, op, opc) {
        let m = r[0];
        let op = SHIFT_OPS[((m >> 3) & 7) as usize];
        let byte = OPC & 1 == 0;
        let sz = if byte { 1 } else { osz(rex, x) };
        let (a, n, rip) = rm(r, m, rex, sz, byte && rex == 0, &mut out.mem);
        let (b, k) = if OPC < 0xD0 {
            out.imm = r[n & 7] as u64;
            (Operand::Imm { size: 1 }, 1)
        } else if OPC < 0xD2 {
            out.imm = 1;
            (Operand::Imm { size: 1 }, 0)
        } else {
            out.imm = 0;
            (Operand::Gpr { reg: 1, size: 1 }, 0)
        };
        out.ops = [a, b, NONE, NONE];
        done(out, op, sz, n + k, rip)
    }

    /// C2: ret imm16.
    fn ret_imm(r, out, rex, x, op, opc) {
        out.imm = u16at(r, 0) as u64;
        out.mem = NO_MEM;
        out.ops = [Operand::Imm { size: 2 }, NONE, NONE, NONE];
        done(out, Op::Ret, 8, 2, false)
    }

    /// C6/C7 /0: mov r/m, imm (`BYTE`: C6).
    fn mov_rm_imm<const BYTE: bool>(r, out, rex, x, op, opc) {
        let m = r[0];
        if (m >> 3) & 7 != 0 {
            return SLOW;
        }
        let sz = if BYTE { 1 } else { osz(rex, x) };
        let (a, n, rip) = rm(r, m, rex, sz, BYTE && rex == 0, &mut out.mem);
        let k = if sz == 1 {
            out.imm = r[n & 7] as u64;
            1
        } else if sz == 2 {
            out.imm = u16at(r, n) as u64;
            2
        } else {
            let raw = u32at(r, n);
            out.imm = if sz == 8 {
                raw as i32 as i64 as u64
            } else {
                raw as u64
            };
            4
        };
        out.ops = [a, Operand::Imm { size: sz }, NONE, NONE];
        done(out, Op::Mov, sz, n + k, rip)
    }

    /// CD: int imm8.
    fn int_n(r, out, rex, x, op, opc) {
        out.imm = r[0] as u64;
        out.mem = NO_MEM;
        out.ops = [Operand::Imm { size: 1 }, NONE, NONE, NONE];
        done(out, Op::Int, 0, 1, false)
    }

    /// F6/F7: test/not/neg/mul/imul/div/idiv (`BYTE`: F6).
    fn grp3<const BYTE: bool>(r, out, rex, x, op, opc) {
        let m = r[0];
        let g = (m >> 3) & 7;
        let sz = if BYTE { 1 } else { osz(rex, x) };
        let (a, n, rip) = rm(r, m, rex, sz, BYTE && rex == 0, &mut out.mem);
        let (b, k) = if g < 2 {
            if BYTE {
                out.imm = i8at(r, n);
                (Operand::Imm { size: sz }, 1)
            } else {
                let (v, k) = imm_z_s(r, n, sz);
                out.imm = v;
                (Operand::Imm { size: sz }, k)
            }
        } else {
            out.imm = 0;
            (NONE, 0)
        };
        out.ops = [a, b, NONE, NONE];
        done(out, GRP3_OPS[g as usize], sz, n + k, rip)
    }

    /// FE /0, /1: inc/dec r/m8.
    fn grp4(r, out, rex, x, op, opc) {
        let m = r[0];
        let g = (m >> 3) & 7;
        if g > 1 {
            return SLOW;
        }
        let op = if g == 0 { Op::Inc } else { Op::Dec };
        let (a, n, rip) = rm(r, m, rex, 1, rex == 0, &mut out.mem);
        out.ops = [a, NONE, NONE, NONE];
        out.imm = 0;
        done(out, op, 1, n, rip)
    }

    /// FF /0, /1, /2, /4, /6: inc/dec/call/jmp/push r/m.
    fn grp5(r, out, rex, x, op, opc) {
        let m = r[0];
        let g = (m >> 3) & 7;
        let s = match g {
            0 | 1 => osz(rex, x),
            2 | 4 => 8,
            6 => osz64(rex, x),
            _ => return SLOW,
        };
        let (a, n, rip) = rm(r, m, rex, s, false, &mut out.mem);
        out.ops = [a, NONE, NONE, NONE];
        out.imm = 0;
        done(out, GRP5_OPS[g as usize], s, n, rip)
    }

    /// 0F 90..9F: setcc r/m8.
    fn setcc(r, out, rex, x, op, opc) {
        let m = r[0];
        let (a, n, rip) = rm(r, m, rex, 1, rex == 0, &mut out.mem);
        out.ops = [a, NONE, NONE, NONE];
        out.imm = 0;
        done(out, op, 1, n, rip)
    }

    /// 0F BA /4..7: bt/bts/btr/btc r/m, imm8.
    fn bt_imm(r, out, rex, x, op, opc) {
        let m = r[0];
        let g = (m >> 3) & 7;
        if g < 4 {
            return SLOW;
        }
        let sz = osz(rex, x);
        let (a, n, rip) = rm(r, m, rex, sz, false, &mut out.mem);
        out.imm = r[n & 7] as u64;
        out.ops = [a, Operand::Imm { size: 1 }, NONE, NONE];
        done(out, BT_OPS[(g & 3) as usize], sz, n + 1, rip)
    }

    /// 0F A4/A5/AC/AD: shld/shrd r/m, reg, imm8/cl (`CL`: by cl).
    fn shxd<const CL: bool>(r, out, rex, x, op, opc) {
        let m = r[0];
        let sz = osz(rex, x);
        let (a, n, rip) = rm(r, m, rex, sz, false, &mut out.mem);
        let (c, k) = if CL {
            out.imm = 0;
            (Operand::Gpr { reg: 1, size: 1 }, 0)
        } else {
            out.imm = r[n & 7] as u64;
            (Operand::Imm { size: 1 }, 1)
        };
        out.ops = [a, gpr(reg(m, rex), sz, false), c, NONE];
        done(out, op, sz, n + k, rip)
    }

    /// 0F C8..CF: bswap r32/r64 (r16 is undefined: general decoder).
    fn bswap(r, out, rex, x, op, opc) {
        let sz = osz(rex, x);
        if sz == 2 {
            return SLOW;
        }
        out.mem = NO_MEM;
        out.ops = [Operand::Gpr { reg: low(opc, rex), size: sz }, NONE, NONE, NONE];
        out.imm = 0;
        done(out, Op::Bswap, sz, 0, false)
    }

    /// 0F 1F /0: nop r/m.
    fn nop_rm(r, out, rex, x, op, opc) {
        let m = r[0];
        if (m >> 3) & 7 != 0 {
            return SLOW;
        }
        let sz = osz(rex, x);
        let (a, n, rip) = rm(r, m, rex, 0, false, &mut out.mem);
        let a = if m < 0xC0 {
            a
        } else {
            Operand::Gpr { reg: low(m, rex), size: sz }
        };
        out.ops = [a, NONE, NONE, NONE];
        out.imm = 0;
        done(out, Op::Nop, sz, n, rip)
    }

    /// F3 0F 1E FA.
    fn endbr64(r, out, rex, x, op, opc) {
        if r[0] != 0xFA {
            return SLOW;
        }
        no_operands(out);
        done(out, Op::Endbr64, 0, 1, false)
    }
}

// ---- SSE forms of the 0F map ----

/// [`crate::sse_table`]'s 0F map reduced to what the fast path needs,
/// indexed by column and opcode (the handler is chosen by the form).
#[derive(Clone, Copy)]
struct SseI {
    op: Op,
    /// Register-form operation of `LoHi`.
    alt: Op,
    /// Memory operand size.
    m: u8,
}

const SSE: [[SseI; 256]; 4] = {
    let src = sse_table::build_0f();
    let mut t = [[SseI {
        op: Op::Nop,
        alt: Op::Nop,
        m: 0,
    }; 256]; 4];
    let mut o = 0;
    while o < 256 {
        let mut col = 0;
        while col < 4 {
            let s = src[o][col];
            t[col][o] = SseI {
                op: s.op,
                alt: s.alt,
                m: s.m,
            };
            col += 1;
        }
        o += 1;
    }
    t
};

/// The SSE entry of the handler's opcode and column.
#[inline(always)]
fn sse_entry(x: u32, opc: u8) -> SseI {
    SSE[((x >> 1) & 3) as usize][opc as usize]
}

/// Kinds of [`sse_xx`].
const XX: u8 = 0;
const XXI: u8 = 1;
const LOHI: u8 = 2;

handlers! {
    /// `xmm, xmm/m` (`XX`), with imm8 (`XXI`), or movlps/movhps-style loads
    /// whose register form is another operation (`LOHI`).
    fn sse_xx<const K: u8>(r, out, rex, x, op, opc) {
        let e = sse_entry(x, opc);
        let m = r[0];
        let (op, msize) = if K == LOHI {
            (if m >= 0xC0 { e.alt } else { e.op }, 8)
        } else {
            (e.op, e.m)
        };
        let (b, n, rip) = rm_xmm(r, m, rex, msize, &mut out.mem);
        let (c, k) = if K == XXI {
            out.imm = r[n & 7] as u64;
            (Operand::Imm { size: 1 }, 1)
        } else {
            out.imm = 0;
            (NONE, 0)
        };
        out.ops = [Operand::Xmm(reg(m, rex)), b, c, NONE];
        done(out, op, 16, n + k, rip)
    }

    /// `xmm, m` (register form invalid).
    fn sse_ldm(r, out, rex, x, op, opc) {
        let e = sse_entry(x, opc);
        let m = r[0];
        if m >= 0xC0 {
            return SLOW;
        }
        let (n, rip) = mem_operand(r, m, rex, &mut out.mem);
        out.ops = [Operand::Xmm(reg(m, rex)), Operand::Mem { size: e.m }, NONE, NONE];
        out.imm = 0;
        done(out, e.op, 16, n, rip)
    }

    /// `xmm/m, xmm` (`MEM_ONLY`: register form invalid).
    fn sse_st<const MEM_ONLY: bool>(r, out, rex, x, op, opc) {
        let e = sse_entry(x, opc);
        let m = r[0];
        if MEM_ONLY && m >= 0xC0 {
            return SLOW;
        }
        let (a, n, rip) = rm_xmm(r, m, rex, e.m, &mut out.mem);
        out.ops = [a, Operand::Xmm(reg(m, rex)), NONE, NONE];
        out.imm = 0;
        done(out, e.op, 16, n, rip)
    }

    /// `xmm, r/m32/64` (`TO_XMM`) or `r/m32/64, xmm` (movd/movq, cvtsi2sd, ...).
    fn sse_gpr<const TO_XMM: bool>(r, out, rex, x, op, opc) {
        let e = sse_entry(x, opc);
        let m = r[0];
        let g = if rex & 8 != 0 { 8 } else { 4 };
        let op = if e.op == Op::Movd && g == 8 { Op::Movq } else { e.op };
        let v = Operand::Xmm(reg(m, rex));
        let (a, n, rip) = rm(r, m, rex, g, false, &mut out.mem);
        out.ops = if TO_XMM { [v, a, NONE, NONE] } else { [a, v, NONE, NONE] };
        out.imm = 0;
        done(out, op, g, n, rip)
    }

    /// `r32/64, xmm/m` (cvttsd2si, movmskps, ...).
    fn sse_rx(r, out, rex, x, op, opc) {
        let e = sse_entry(x, opc);
        let m = r[0];
        let g = if rex & 8 != 0 { 8 } else { 4 };
        let (b, n, rip) = rm_xmm(r, m, rex, e.m, &mut out.mem);
        out.ops = [Operand::Gpr { reg: reg(m, rex), size: g }, b, NONE, NONE];
        out.imm = 0;
        done(out, e.op, g, n, rip)
    }
}

// ---- dispatch tables ----

const fn build_map1() -> [H; 256] {
    let mut t: [H; 256] = [slow; 256];
    let mut r = 0;
    while r < 8 {
        // 00..3F: r/m8,r8; r/m,r; r8,r/m8; r,r/m; al,imm8; rax,imm.
        t[r * 8] = rm_reg_b;
        t[r * 8 + 1] = rm_reg;
        t[r * 8 + 2] = reg_rm_b;
        t[r * 8 + 3] = reg_rm;
        t[r * 8 + 4] = acc_imm::<true>;
        t[r * 8 + 5] = acc_imm::<false>;
        t[0x50 + r] = push_pop;
        t[0x58 + r] = push_pop;
        t[0x90 + r] = xchg_acc;
        t[0xB0 + r] = mov_r8_imm;
        t[0xB8 + r] = mov_r_imm;
        r += 1;
    }
    let mut c = 0;
    while c < 16 {
        t[0x70 + c] = rel8;
        c += 1;
    }
    t[0x63] = movsxd;
    t[0x68] = push_imm::<true>;
    t[0x6A] = push_imm::<false>;
    t[0x69] = imul_imm::<true>;
    t[0x6B] = imul_imm::<false>;
    t[0x80] = grp1::<0x80>;
    t[0x81] = grp1::<0x81>;
    t[0x83] = grp1::<0x83>;
    t[0x84] = rm_reg_b;
    t[0x85] = rm_reg;
    t[0x86] = rm_reg_b;
    t[0x87] = rm_reg;
    t[0x88] = rm_reg_b;
    t[0x89] = rm_reg;
    t[0x8A] = reg_rm_b;
    t[0x8B] = reg_rm;
    t[0x8D] = lea;
    t[0x98] = cbw;
    t[0x99] = cwd;
    t[0x9C] = pushf::<true>;
    t[0x9D] = pushf::<false>;
    t[0x9E] = plain;
    t[0x9F] = plain;
    t[0xA8] = acc_imm::<true>;
    t[0xA9] = acc_imm::<false>;
    t[0xC0] = shift::<0xC0>;
    t[0xC1] = shift::<0xC1>;
    t[0xC2] = ret_imm;
    t[0xC3] = ret;
    t[0xC6] = mov_rm_imm::<true>;
    t[0xC7] = mov_rm_imm::<false>;
    t[0xC9] = leave;
    t[0xCC] = plain;
    t[0xCD] = int_n;
    t[0xD0] = shift::<0xD0>;
    t[0xD1] = shift::<0xD1>;
    t[0xD2] = shift::<0xD2>;
    t[0xD3] = shift::<0xD3>;
    t[0xE8] = rel32;
    t[0xE9] = rel32;
    t[0xEB] = rel8;
    t[0xF1] = plain;
    t[0xF5] = plain;
    t[0xF6] = grp3::<true>;
    t[0xF7] = grp3::<false>;
    t[0xF8] = plain;
    t[0xF9] = plain;
    t[0xFC] = plain;
    t[0xFD] = plain;
    t[0xFE] = grp4;
    t[0xFF] = grp5;
    t
}

/// 0F map: only opcodes with no SSE meaning without a prefix or with 66
/// (checked by a unit test against the SSE table), so 66 is just the
/// operand-size override here. `None`: not handled.
const fn build_map0f() -> [Option<H>; 256] {
    /// `Some`, with the handler coerced to a function pointer.
    const fn s(h: H) -> Option<H> {
        Some(h)
    }
    let mut t: [Option<H>; 256] = [None; 256];
    let mut c = 0;
    while c < 16 {
        t[0x40 + c] = s(reg_rm);
        t[0x80 + c] = s(rel32);
        t[0x90 + c] = s(setcc);
        c += 1;
    }
    let mut r = 0;
    while r < 8 {
        t[0xC8 + r] = s(bswap);
        r += 1;
    }
    t[0x0B] = s(plain);
    t[0x1F] = s(nop_rm);
    t[0xA2] = s(plain);
    t[0xA3] = s(rm_reg);
    t[0xAB] = s(rm_reg);
    t[0xB3] = s(rm_reg);
    t[0xBB] = s(rm_reg);
    t[0xBA] = s(bt_imm);
    t[0xA4] = s(shxd::<false>);
    t[0xA5] = s(shxd::<true>);
    t[0xAC] = s(shxd::<false>);
    t[0xAD] = s(shxd::<true>);
    t[0xAF] = s(reg_rm);
    t[0xB0] = s(rm_reg_b);
    t[0xB1] = s(rm_reg);
    t[0xC0] = s(rm_reg_b);
    t[0xC1] = s(rm_reg);
    t[0xB6] = s(movx::<1>);
    t[0xB7] = s(movx::<2>);
    t[0xBE] = s(movx::<1>);
    t[0xBF] = s(movx::<2>);
    t[0xBC] = s(reg_rm);
    t[0xBD] = s(reg_rm);
    t
}

/// The operation of each opcode whose handler serves several operations
/// (one-byte map at 0..256, 0F map at 256..512). Handlers are per operand
/// form, not per operation, so that the dispatch has few distinct targets
/// for the branch predictor.
const OPS: [Op; 512] = {
    let mut t = [Op::Nop; 512];
    let mut i = 0;
    while i < 8 {
        let mut k = 0;
        while k < 6 {
            t[i * 8 + k] = ALU_OPS[i];
            k += 1;
        }
        t[0x50 + i] = Op::Push;
        t[0x58 + i] = Op::Pop;
        i += 1;
    }
    let mut c = 0;
    while c < 16 {
        t[0x70 + c] = Op::ALL[Op::Jo as usize + c];
        t[0x140 + c] = Op::ALL[Op::Cmovo as usize + c];
        t[0x180 + c] = Op::ALL[Op::Jo as usize + c];
        t[0x190 + c] = Op::ALL[Op::Seto as usize + c];
        c += 1;
    }
    t[0x84] = Op::Test;
    t[0x85] = Op::Test;
    t[0x86] = Op::Xchg;
    t[0x87] = Op::Xchg;
    t[0x88] = Op::Mov;
    t[0x89] = Op::Mov;
    t[0x8A] = Op::Mov;
    t[0x8B] = Op::Mov;
    t[0x9E] = Op::Sahf;
    t[0x9F] = Op::Lahf;
    t[0xA8] = Op::Test;
    t[0xA9] = Op::Test;
    t[0xCC] = Op::Int3;
    t[0xE8] = Op::Call;
    t[0xE9] = Op::Jmp;
    t[0xEB] = Op::Jmp;
    t[0xF1] = Op::Int1;
    t[0xF5] = Op::Cmc;
    t[0xF8] = Op::Clc;
    t[0xF9] = Op::Stc;
    t[0xFC] = Op::Cld;
    t[0xFD] = Op::Std;
    t[0x10B] = Op::Ud2;
    t[0x1A2] = Op::Cpuid;
    t[0x1A3] = Op::Bt;
    t[0x1AB] = Op::Bts;
    t[0x1B3] = Op::Btr;
    t[0x1BB] = Op::Btc;
    t[0x1A4] = Op::Shld;
    t[0x1A5] = Op::Shld;
    t[0x1AC] = Op::Shrd;
    t[0x1AD] = Op::Shrd;
    t[0x1AF] = Op::Imul;
    t[0x1B0] = Op::Cmpxchg;
    t[0x1B1] = Op::Cmpxchg;
    t[0x1C0] = Op::Xadd;
    t[0x1C1] = Op::Xadd;
    t[0x1B6] = Op::Movzx;
    t[0x1B7] = Op::Movzx;
    t[0x1BE] = Op::Movsx;
    t[0x1BF] = Op::Movsx;
    t[0x1BC] = Op::Bsf;
    t[0x1BD] = Op::Bsr;
    t
};

/// All handlers: the one-byte map, then the 0F map for each SSE column
/// (none, 66, F3, F2). An SSE entry of the column wins; without one, the
/// general-purpose 0F opcode (columns none and 66, where 66 is the operand
/// size) or, for F3 0F 1E, endbr64.
const TABLE: [H; 5 * 256] = {
    let mut t: [H; 5 * 256] = [slow; 5 * 256];
    let m1 = build_map1();
    let m0f = build_map0f();
    let src = sse_table::build_0f();
    let mut o = 0;
    while o < 256 {
        t[o] = m1[o];
        let mut col = 0;
        while col < 4 {
            let h: H = match src[o][col].f {
                F::Inv => match m0f[o] {
                    Some(h) if col < 2 => h,
                    _ if col == 2 && o == 0x1E => endbr64,
                    _ => slow,
                },
                F::XX => sse_xx::<XX>,
                F::XXI => sse_xx::<XXI>,
                F::LoHi => sse_xx::<LOHI>,
                F::St => sse_st::<false>,
                F::StM => sse_st::<true>,
                F::LdM => sse_ldm,
                F::XG => sse_gpr::<true>,
                F::GX => sse_gpr::<false>,
                F::RX => sse_rx,
                _ => slow,
            };
            t[256 * (1 + col) + o] = h;
            col += 1;
        }
        o += 1;
    }
    t
};

/// Opcodes of the 0F map the fast path handles as general-purpose ones (for
/// the unit test that checks them against the SSE table).
#[cfg(test)]
pub(crate) fn fast_0f_opcodes() -> impl Iterator<Item = u8> {
    let t = build_map0f();
    (0..=255u8).filter(move |&o| t[o as usize].is_some())
}

#[cfg(test)]
mod tests {
    use crate::sse_table::{F, SSE_0F};

    /// 66 is only an operand-size override for the 0F opcodes taken here: none
    /// of them has an SSE meaning without a prefix or with 66 (F2/F3 never
    /// reach them).
    #[test]
    fn fast_0f_opcodes_are_not_sse() {
        let mut n = 0;
        for opc in super::fast_0f_opcodes() {
            n += 1;
            for (col, e) in SSE_0F[opc as usize].iter().enumerate().take(2) {
                assert!(e.f == F::Inv, "0F {opc:02X} column {col} is an SSE form");
            }
        }
        assert_eq!(n, 16 * 3 + 8 + 23, "every handled 0F opcode is listed");
    }
}
