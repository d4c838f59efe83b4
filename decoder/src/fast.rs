//! Fast path for the instructions compilers emit most (mov, lea, ALU, test,
//! push/pop, call/ret/jmp/jcc, shifts, movzx/movsx, cmov/setcc, imul, the
//! SSE forms of the 0F map, multi-byte nops, endbr64, ...).
//!
//! Why a second decoder: the general one ([`crate::map1`], [`crate::cursor`])
//! handles every prefix combination, truncation and error through a cursor
//! struct in memory and one handler function per opcode group. Most real
//! instructions need none of that: a few prefixes (66, F2/F3 as SSE column,
//! ignored ES/CS/SS/DS), one REX, no truncation possible (the caller has 15
//! bytes), no errors. Here the whole instruction is decoded in one function
//! with its state in registers, from a 15-byte array (clamped indices, no
//! bounds checks), with tables for the opcode, the SSE column and the ModRM
//! byte, and every `Insn` field is written once — no clearing first.
//!
//! Anything this path does not recognise — LOCK, FS/GS, 67, REP on string
//! instructions, VEX/EVEX, 0F38/0F3A, MMX, invalid or unsupported encodings,
//! rare group members — returns `false` and the general decoder runs from the
//! start, so the fast path only has to be right about what it accepts.
//! `tests/fast_path.rs` and the iced-x86 differential tests (and the `decode`
//! fuzz target) check that `decode` equals `decode_general` field for field.

use crate::sse_table::{self, F};
use crate::{prefix, Insn, MemRef, Op, Operand, Seg, NO_REG, RIP_BASE};

/// How an opcode's operands are laid out (one `match` arm each).
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Form {
    /// Not handled here: run the general decoder.
    Slow,
    /// 0F: the next byte indexes [`MAP0F`].
    Esc0F,
    /// `op r/m, reg` (ALU, test, xchg, mov, bt, cmpxchg, xadd).
    RmReg,
    /// `op reg, r/m`, both of the entry's size.
    RegRm,
    /// [`Form::RmReg`] / [`Form::RegRm`] with byte operands (ah..bh possible).
    RmRegB,
    RegRmB,
    /// movzx/movsx: `op reg(v), r/m` with the r/m size from the entry.
    Movx,
    /// `op al/ax/eax/rax, imm`.
    AccImm,
    /// push/pop r64 (50..5F).
    PushPopR,
    /// push imm8 (6A) / imm16/32 (68).
    PushImm8,
    PushImmZ,
    /// imul r, r/m, imm8 (6B) / imm16/32 (69).
    ImulImm8,
    ImulImmZ,
    /// Relative branch with rel8 / rel32.
    Rel8,
    Rel32,
    /// 80/81/83: ALU r/m, imm (operation from ModRM.reg).
    Grp1,
    Lea,
    /// 90..97: nop or xchg r, rax.
    XchgAcc,
    Cbw,
    Cwd,
    Pushf,
    Popf,
    /// No operands, no operand size.
    Plain,
    MovR8Imm,
    MovRImm,
    /// C0/C1/D0..D3 (operation from ModRM.reg).
    Shift,
    RetImm,
    Ret,
    Leave,
    /// C6/C7 /0.
    MovRmImm,
    IntN,
    /// F6/F7.
    Grp3,
    /// FE /0, /1.
    Grp4,
    /// FF /0, /1, /2, /4, /6.
    Grp5,
    Movsxd,
    /// 0F 90..9F.
    Setcc,
    /// 0F BA /4..7.
    BtImm,
    /// 0F A4/A5/AC/AD.
    Shxd,
    /// 0F C8..CF.
    Bswap,
    /// 0F 1F /0.
    NopRm,
    /// F3 0F 1E FA.
    Endbr64,
    /// SSE forms of the 0F map, as in [`crate::sse_table::F`]; `E::sz` is the
    /// memory operand size.
    SseXX,
    SseXXI,
    SseSt,
    SseStM,
    SseLdM,
    SseLoHi,
    SseXG,
    SseGX,
    SseRX,
}

/// One opcode: layout, size code (0 = operand size from REX.W/66, 1 = byte)
/// for the operation's operands, and the operation.
#[derive(Clone, Copy)]
struct E {
    form: Form,
    /// 0: "v" size (2/4/8 from 66/REX.W); 1: byte; for [`Form::Movx`] the
    /// source size (the destination is "v").
    sz: u8,
    op: Op,
}

const fn e(form: Form, sz: u8, op: Op) -> E {
    E { form, sz, op }
}

const SLOW: E = e(Form::Slow, 0, Op::Nop);

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
const BT_OPS: [Op; 4] = [Op::Bt, Op::Bts, Op::Btr, Op::Btc];

const fn build_map1() -> [E; 256] {
    let mut t = [SLOW; 256];
    let mut i = 0;
    while i < 8 {
        let b = i * 8;
        let op = ALU_OPS[i];
        t[b] = e(Form::RmRegB, 1, op);
        t[b + 1] = e(Form::RmReg, 0, op);
        t[b + 2] = e(Form::RegRmB, 1, op);
        t[b + 3] = e(Form::RegRm, 0, op);
        t[b + 4] = e(Form::AccImm, 1, op);
        t[b + 5] = e(Form::AccImm, 0, op);
        i += 1;
    }
    let mut r = 0;
    while r < 8 {
        t[0x50 + r] = e(Form::PushPopR, 0, Op::Push);
        t[0x58 + r] = e(Form::PushPopR, 0, Op::Pop);
        t[0x90 + r] = e(Form::XchgAcc, 0, Op::Xchg);
        t[0xB0 + r] = e(Form::MovR8Imm, 1, Op::Mov);
        t[0xB8 + r] = e(Form::MovRImm, 0, Op::Mov);
        r += 1;
    }
    let mut c = 0;
    while c < 16 {
        t[0x70 + c] = e(Form::Rel8, 0, Op::ALL[Op::Jo as usize + c]);
        c += 1;
    }
    t[0x0F] = e(Form::Esc0F, 0, Op::Nop);
    t[0x63] = e(Form::Movsxd, 0, Op::Movsxd);
    t[0x68] = e(Form::PushImmZ, 0, Op::Push);
    t[0x6A] = e(Form::PushImm8, 0, Op::Push);
    t[0x69] = e(Form::ImulImmZ, 0, Op::Imul);
    t[0x6B] = e(Form::ImulImm8, 0, Op::Imul);
    t[0x80] = e(Form::Grp1, 1, Op::Add);
    t[0x81] = e(Form::Grp1, 0, Op::Add);
    t[0x83] = e(Form::Grp1, 0, Op::Add);
    t[0x84] = e(Form::RmRegB, 1, Op::Test);
    t[0x85] = e(Form::RmReg, 0, Op::Test);
    t[0x86] = e(Form::RmRegB, 1, Op::Xchg);
    t[0x87] = e(Form::RmReg, 0, Op::Xchg);
    t[0x88] = e(Form::RmRegB, 1, Op::Mov);
    t[0x89] = e(Form::RmReg, 0, Op::Mov);
    t[0x8A] = e(Form::RegRmB, 1, Op::Mov);
    t[0x8B] = e(Form::RegRm, 0, Op::Mov);
    t[0x8D] = e(Form::Lea, 0, Op::Lea);
    t[0x98] = e(Form::Cbw, 0, Op::Cbw);
    t[0x99] = e(Form::Cwd, 0, Op::Cwd);
    t[0x9C] = e(Form::Pushf, 0, Op::Pushfq);
    t[0x9D] = e(Form::Popf, 0, Op::Popfq);
    t[0x9E] = e(Form::Plain, 0, Op::Sahf);
    t[0x9F] = e(Form::Plain, 0, Op::Lahf);
    t[0xA8] = e(Form::AccImm, 1, Op::Test);
    t[0xA9] = e(Form::AccImm, 0, Op::Test);
    t[0xC0] = e(Form::Shift, 1, Op::Rol);
    t[0xC1] = e(Form::Shift, 0, Op::Rol);
    t[0xC2] = e(Form::RetImm, 0, Op::Ret);
    t[0xC3] = e(Form::Ret, 0, Op::Ret);
    t[0xC6] = e(Form::MovRmImm, 1, Op::Mov);
    t[0xC7] = e(Form::MovRmImm, 0, Op::Mov);
    t[0xC9] = e(Form::Leave, 0, Op::Leave);
    t[0xCC] = e(Form::Plain, 0, Op::Int3);
    t[0xCD] = e(Form::IntN, 0, Op::Int);
    t[0xD0] = e(Form::Shift, 1, Op::Rol);
    t[0xD1] = e(Form::Shift, 0, Op::Rol);
    t[0xD2] = e(Form::Shift, 1, Op::Rol);
    t[0xD3] = e(Form::Shift, 0, Op::Rol);
    t[0xE8] = e(Form::Rel32, 0, Op::Call);
    t[0xE9] = e(Form::Rel32, 0, Op::Jmp);
    t[0xEB] = e(Form::Rel8, 0, Op::Jmp);
    t[0xF1] = e(Form::Plain, 0, Op::Int1);
    t[0xF5] = e(Form::Plain, 0, Op::Cmc);
    t[0xF6] = e(Form::Grp3, 1, Op::Test);
    t[0xF7] = e(Form::Grp3, 0, Op::Test);
    t[0xF8] = e(Form::Plain, 0, Op::Clc);
    t[0xF9] = e(Form::Plain, 0, Op::Stc);
    t[0xFC] = e(Form::Plain, 0, Op::Cld);
    t[0xFD] = e(Form::Plain, 0, Op::Std);
    t[0xFE] = e(Form::Grp4, 1, Op::Inc);
    t[0xFF] = e(Form::Grp5, 0, Op::Inc);
    t
}

/// 0F map: only opcodes with no SSE meaning without a prefix or with 66
/// (checked by a unit test against the SSE table), so 66 is just the
/// operand-size override here.
const fn build_map0f() -> [E; 256] {
    let mut t = [SLOW; 256];
    let mut c = 0;
    while c < 16 {
        t[0x40 + c] = e(Form::RegRm, 0, Op::ALL[Op::Cmovo as usize + c]);
        t[0x80 + c] = e(Form::Rel32, 0, Op::ALL[Op::Jo as usize + c]);
        t[0x90 + c] = e(Form::Setcc, 1, Op::ALL[Op::Seto as usize + c]);
        c += 1;
    }
    let mut r = 0;
    while r < 8 {
        t[0xC8 + r] = e(Form::Bswap, 0, Op::Bswap);
        r += 1;
    }
    t[0x0B] = e(Form::Plain, 0, Op::Ud2);
    t[0x1F] = e(Form::NopRm, 0, Op::Nop);
    t[0xA2] = e(Form::Plain, 0, Op::Cpuid);
    t[0xA3] = e(Form::RmReg, 0, Op::Bt);
    t[0xAB] = e(Form::RmReg, 0, Op::Bts);
    t[0xB3] = e(Form::RmReg, 0, Op::Btr);
    t[0xBB] = e(Form::RmReg, 0, Op::Btc);
    t[0xBA] = e(Form::BtImm, 0, Op::Bt);
    t[0xA4] = e(Form::Shxd, 0, Op::Shld);
    t[0xA5] = e(Form::Shxd, 0, Op::Shld);
    t[0xAC] = e(Form::Shxd, 0, Op::Shrd);
    t[0xAD] = e(Form::Shxd, 0, Op::Shrd);
    t[0xAF] = e(Form::RegRm, 0, Op::Imul);
    t[0xB0] = e(Form::RmRegB, 1, Op::Cmpxchg);
    t[0xB1] = e(Form::RmReg, 0, Op::Cmpxchg);
    t[0xC0] = e(Form::RmRegB, 1, Op::Xadd);
    t[0xC1] = e(Form::RmReg, 0, Op::Xadd);
    t[0xB6] = e(Form::Movx, 1, Op::Movzx);
    t[0xB7] = e(Form::Movx, 2, Op::Movzx);
    t[0xBE] = e(Form::Movx, 1, Op::Movsx);
    t[0xBF] = e(Form::Movx, 2, Op::Movsx);
    t[0xBC] = e(Form::RegRm, 0, Op::Bsf);
    t[0xBD] = e(Form::RegRm, 0, Op::Bsr);
    t
}

/// SSE entry of the 0F map for one mandatory-prefix column.
#[derive(Clone, Copy)]
struct SseE {
    /// [`Form::Slow`] for SSE forms not handled here; [`Form::Esc0F`] where
    /// the SSE table has no entry (the opcode is then looked up in [`MAP0F`]).
    form: Form,
    m: u8,
    op: Op,
    /// Register-form operation of [`Form::SseLoHi`].
    alt: Op,
}

/// [`crate::sse_table`]'s 0F map, reduced to what the fast path needs.
const fn build_sse() -> [[SseE; 4]; 256] {
    let src = sse_table::build_0f();
    let none = SseE {
        form: Form::Esc0F,
        m: 0,
        op: Op::Nop,
        alt: Op::Nop,
    };
    let mut t = [[none; 4]; 256];
    let mut o = 0;
    while o < 256 {
        let mut col = 0;
        while col < 4 {
            let x = src[o][col];
            let form = match x.f {
                F::Inv => Form::Esc0F,
                F::XX => Form::SseXX,
                F::XXI => Form::SseXXI,
                F::St => Form::SseSt,
                F::StM => Form::SseStM,
                F::LdM => Form::SseLdM,
                F::LoHi => Form::SseLoHi,
                F::XG => Form::SseXG,
                F::GX => Form::SseGX,
                F::RX => Form::SseRX,
                _ => Form::Slow,
            };
            t[o][col] = SseE {
                form,
                m: x.m,
                op: x.op,
                alt: x.alt,
            };
            col += 1;
        }
        o += 1;
    }
    t
}

static MAP1: [E; 256] = build_map1();
static MAP0F: [E; 256] = build_map0f();
static SSE: [[SseE; 4]; 256] = build_sse();

/// Prefix classes for the fast path: 1 = 66, 2 = F3, 3 = F2 (the SSE column
/// numbers), 4 = ES/CS/SS/DS override (no effect in 64-bit mode), 5 = any
/// other legacy prefix (left to the general decoder), 0 = not a prefix.
static PREFIX: [u8; 256] = {
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

/// Opcodes of the 0F map the fast path handles (for the unit test that checks
/// them against the SSE table).
#[cfg(test)]
pub(crate) fn fast_0f_opcodes() -> impl Iterator<Item = u8> {
    (0..=255u8).filter(|&o| MAP0F[o as usize].form != Form::Slow)
}

/// Operand size for "v" forms, indexed by `REX.W << 1 | 66`.
const OSZ: [u8; 4] = [4, 2, 8, 8];
/// Operand size of stack forms (default 64-bit), indexed like [`OSZ`].
const OSZ64: [u8; 4] = [8, 2, 8, 8];

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

/// Byte at `p`. The clamp spares a bounds check; a read past the window
/// leaves `pos` beyond 15 and the instruction is handed to the general
/// decoder.
#[inline(always)]
fn u8at(w: &[u8; 15], p: usize) -> u8 {
    w[p.min(14)]
}

#[inline(always)]
fn u16at(w: &[u8; 15], p: usize) -> u16 {
    let p = p.min(13);
    u16::from_le_bytes([w[p], w[p + 1]])
}

#[inline(always)]
fn u32at(w: &[u8; 15], p: usize) -> u32 {
    let p = p.min(11);
    u32::from_le_bytes([w[p], w[p + 1], w[p + 2], w[p + 3]])
}

#[inline(always)]
fn u64at(w: &[u8; 15], p: usize) -> u64 {
    let p = p.min(7);
    let mut a = [0u8; 8];
    a.copy_from_slice(&w[p..p + 8]);
    u64::from_le_bytes(a)
}

/// Sign-extended immediate of 2 or 4 bytes ("z" size: imm16 with 66, else imm32).
#[inline(always)]
fn imm_z_s(w: &[u8; 15], p: usize, sz: u8) -> (u64, usize) {
    let raw = u32at(w, p);
    if sz == 2 {
        (raw as u16 as i16 as i64 as u64, 2)
    } else {
        (raw as i32 as i64 as u64, 4)
    }
}

/// Per ModRM byte (memory forms): displacement size (0, 1 or 4) in the low
/// bits, [`M_SIB`] when a SIB byte follows, [`M_RIP`] for RIP-relative. A
/// table instead of tests on mod and r/m keeps the common forms branch-free.
static MODRM: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut m = 0;
    while m < 0xC0 {
        let md = m >> 6;
        let r = m & 7;
        t[m] = match (md, r) {
            (0, 4) => M_SIB,
            (0, 5) => M_RIP | 4,
            (0, _) => 0,
            (1, 4) => M_SIB | 1,
            (1, _) => 1,
            (_, 4) => M_SIB | 4,
            _ => 4,
        };
        m += 1;
    }
    t
};
const M_SIB: u8 = 0x10;
const M_RIP: u8 = 0x20;

/// The memory operand of a ModRM byte with `mod != 3`: SIB and displacement
/// into `mem`. `pos` is just past the ModRM byte and is advanced. Returns
/// whether it is RIP-relative (fixed up once the length is known).
#[inline(always)]
fn mem_operand(w: &[u8; 15], pos: &mut usize, modrm: u8, rex: u8, mem: &mut MemRef) -> bool {
    let rex_b = (rex & 1) << 3;
    let info = MODRM[modrm as usize];
    let mut p = *pos;
    let mut dsz = (info & 7) as usize;
    let rip = info & M_RIP != 0;
    let mut base = if rip { RIP_BASE } else { (modrm & 7) | rex_b };
    let mut index = NO_REG;
    let mut scale = 1;
    if info & M_SIB != 0 {
        let sib = u8at(w, p);
        p += 1;
        scale = 1 << (sib >> 6);
        let idx = ((sib >> 3) & 7) | ((rex & 2) << 2);
        if idx != 4 {
            index = idx;
        }
        // Base 5 with mod 0: no base, disp32.
        let no_base = sib & 7 == 5 && modrm < 0x40;
        base = if no_base { NO_REG } else { (sib & 7) | rex_b };
        dsz = if no_base { 4 } else { dsz };
    }
    let raw = u32at(w, p);
    let d8 = raw as u8 as i8 as i64;
    let d32 = raw as i32 as i64;
    let disp = if dsz == 1 { d8 } else { d32 };
    let disp = if dsz == 0 { 0 } else { disp };
    *pos = p + dsz;
    *mem = MemRef {
        base,
        index,
        scale,
        seg: Seg::None,
        addr32: false,
        disp,
    };
    rip
}

/// The ModRM r/m operand of a general-register form (`hi8`: see [`gpr`]);
/// writes `mem` in both cases (the address, or "no memory operand").
#[inline(always)]
#[allow(clippy::too_many_arguments)] // inlined; the state lives in registers
fn rm(
    w: &[u8; 15],
    pos: &mut usize,
    modrm: u8,
    rex: u8,
    size: u8,
    hi8: bool,
    mem: &mut MemRef,
    rip: &mut bool,
) -> Operand {
    if modrm >= 0xC0 {
        *mem = NO_MEM;
        gpr((modrm & 7) | ((rex & 1) << 3), size, hi8)
    } else {
        *rip = mem_operand(w, pos, modrm, rex, mem);
        Operand::Mem { size }
    }
}

/// The ModRM r/m operand of an XMM form (memory of `size` bytes).
#[inline(always)]
fn rm_xmm(
    w: &[u8; 15],
    pos: &mut usize,
    modrm: u8,
    rex: u8,
    size: u8,
    mem: &mut MemRef,
    rip: &mut bool,
) -> Operand {
    if modrm >= 0xC0 {
        *mem = NO_MEM;
        Operand::Xmm((modrm & 7) | ((rex & 1) << 3))
    } else {
        *rip = mem_operand(w, pos, modrm, rex, mem);
        Operand::Mem { size }
    }
}

const NO_MEM: MemRef = MemRef {
    base: NO_REG,
    index: NO_REG,
    scale: 1,
    seg: Seg::None,
    addr32: false,
    disp: 0,
};

const NONE: Operand = Operand::None;

/// Legacy prefixes the fast path accepts: returns the position after them,
/// 1 if 66 was seen, and the last F2/F3 as its SSE column (2/3, 0 if none).
#[inline(always)]
fn prefixes(w: &[u8; 15]) -> Option<(usize, usize, usize)> {
    let (mut pos, mut p66, mut rep) = (0, 0, 0);
    loop {
        let k = PREFIX[u8at(w, pos) as usize];
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

/// Decode the instruction at the start of `w` (located at `ip`) into `out`
/// if it is one of the common forms; `false` means "use the general decoder"
/// (and `out` holds unspecified contents).
#[inline(always)]
pub(crate) fn decode(w: &[u8; 15], ip: u64, out: &mut Insn) -> bool {
    // Legacy prefixes 66/F2/F3 and ignored segment overrides, then at most
    // one REX right before the opcode; anything else (LOCK, FS/GS, 67, a REX
    // followed by a prefix, which maps to `Slow` as an opcode) is left to the
    // general decoder.
    if PREFIX[w[0] as usize] == 0 {
        core::<false>(w, ip, out, 0, 0, 0)
    } else {
        prefixed(w, ip, out)
    }
}

/// Instructions with legacy prefixes: a second copy of [`core`], so that the
/// prefix-free copy above is compiled with `pos`, `p66` and `rep` constant.
#[inline(never)]
fn prefixed(w: &[u8; 15], ip: u64, out: &mut Insn) -> bool {
    match prefixes(w) {
        Some((pos, p66, rep)) => core::<true>(w, ip, out, pos, p66 & 1, rep & 3),
        None => false,
    }
}

/// Decode from the REX/opcode at `pos`; `p66` is 1 after a 66 prefix, `rep`
/// the SSE column of the last F2/F3 (2/3) or 0. `PFX` is false for the copy
/// that only sees prefix-free instructions (then at most 13 bytes long).
///
/// Every arm writes `ops`, `mem` and `imm` of `out` exactly once (straight
/// from registers: collecting them in locals for one final store made LLVM
/// shuffle dozens of byte-sized values through the stack); `op`, `len`,
/// `osize`, `prefixes` and `imm2` are written at the end.
#[inline(always)]
fn core<const PFX: bool>(
    w: &[u8; 15],
    ip: u64,
    out: &mut Insn,
    mut pos: usize,
    p66: usize,
    rep: usize,
) -> bool {
    let b = u8at(w, pos);
    let has_rex = b & 0xF0 == 0x40;
    let rex = if has_rex { b } else { 0 };
    pos += has_rex as usize;
    let mut opc = u8at(w, pos);
    pos += 1;
    let mut ent = MAP1[opc as usize];
    let mut col = 0;
    if ent.form == Form::Esc0F {
        opc = u8at(w, pos);
        pos += 1;
        col = if rep != 0 { rep } else { p66 };
        let s = SSE[opc as usize][col & 3];
        if s.form != Form::Esc0F {
            ent = e(s.form, s.m, s.op);
        } else if rep == 0 {
            ent = MAP0F[opc as usize];
        } else if rep == 2 && opc == 0x1E && u8at(w, pos) == 0xFA {
            ent = e(Form::Endbr64, 0, Op::Endbr64);
        } else {
            return false;
        }
    } else if rep != 0 {
        // REP/REPNE and ignored F2/F3 on one-byte opcodes.
        return false;
    }
    let szi = (((rex >> 2) & 2) as usize | p66) & 3;
    // "v" operand size: 8 with REX.W, else 2 with 66, else 4.
    let osz = OSZ[szi];
    let sz = if ent.sz == 0 { osz } else { ent.sz };
    let rex_r = (rex & 4) << 1;
    let rex_b = (rex & 1) << 3;
    let nrex = !has_rex;

    let mut op = ent.op;
    let mut osize = sz;
    let mut rip = false;
    let mem = &mut out.mem;

    match ent.form {
        Form::Slow | Form::Esc0F => return false,
        Form::RmReg => {
            let m = u8at(w, pos);
            pos += 1;
            let a = rm(w, &mut pos, m, rex, sz, false, mem, &mut rip);
            out.ops = [a, gpr(((m >> 3) & 7) | rex_r, sz, false), NONE, NONE];
            out.imm = 0;
        }
        Form::RegRm => {
            let m = u8at(w, pos);
            pos += 1;
            let b = rm(w, &mut pos, m, rex, sz, false, mem, &mut rip);
            out.ops = [gpr(((m >> 3) & 7) | rex_r, sz, false), b, NONE, NONE];
            out.imm = 0;
        }
        Form::RmRegB => {
            let m = u8at(w, pos);
            pos += 1;
            let a = rm(w, &mut pos, m, rex, 1, nrex, mem, &mut rip);
            out.ops = [a, gpr(((m >> 3) & 7) | rex_r, 1, nrex), NONE, NONE];
            out.imm = 0;
        }
        Form::RegRmB => {
            let m = u8at(w, pos);
            pos += 1;
            let b = rm(w, &mut pos, m, rex, 1, nrex, mem, &mut rip);
            out.ops = [gpr(((m >> 3) & 7) | rex_r, 1, nrex), b, NONE, NONE];
            out.imm = 0;
        }
        Form::Movx => {
            let m = u8at(w, pos);
            pos += 1;
            osize = osz;
            let b = rm(w, &mut pos, m, rex, sz, sz == 1 && nrex, mem, &mut rip);
            out.ops = [gpr(((m >> 3) & 7) | rex_r, osz, false), b, NONE, NONE];
            out.imm = 0;
        }
        Form::Movsxd => {
            let m = u8at(w, pos);
            pos += 1;
            let ssz = if osz == 8 { 4 } else { osz };
            let b = rm(w, &mut pos, m, rex, ssz, false, mem, &mut rip);
            out.ops = [gpr(((m >> 3) & 7) | rex_r, osz, false), b, NONE, NONE];
            out.imm = 0;
        }
        Form::Lea => {
            let m = u8at(w, pos);
            if m >= 0xC0 {
                return false;
            }
            pos += 1;
            rip = mem_operand(w, &mut pos, m, rex, mem);
            out.ops = [
                gpr(((m >> 3) & 7) | rex_r, osz, false),
                Operand::Mem { size: 0 },
                NONE,
                NONE,
            ];
            out.imm = 0;
        }
        Form::AccImm => {
            if sz == 1 {
                out.imm = u8at(w, pos) as i8 as i64 as u64;
                pos += 1;
            } else {
                let (v, n) = imm_z_s(w, pos, sz);
                out.imm = v;
                pos += n;
            }
            *mem = NO_MEM;
            out.ops = [
                Operand::Gpr { reg: 0, size: sz },
                Operand::Imm { size: sz },
                NONE,
                NONE,
            ];
        }
        Form::Grp1 => {
            let m = u8at(w, pos);
            pos += 1;
            op = ALU_OPS[((m >> 3) & 7) as usize];
            let a = rm(w, &mut pos, m, rex, sz, sz == 1 && nrex, mem, &mut rip);
            if opc == 0x81 {
                let (v, n) = imm_z_s(w, pos, sz);
                out.imm = v;
                pos += n;
            } else {
                out.imm = u8at(w, pos) as i8 as i64 as u64;
                pos += 1;
            }
            out.ops = [a, Operand::Imm { size: sz }, NONE, NONE];
        }
        Form::PushPopR => {
            let s = OSZ64[szi];
            osize = s;
            *mem = NO_MEM;
            out.ops = [
                Operand::Gpr {
                    reg: (opc & 7) | rex_b,
                    size: s,
                },
                NONE,
                NONE,
                NONE,
            ];
            out.imm = 0;
        }
        Form::PushImm8 | Form::PushImmZ => {
            let s = OSZ64[szi];
            osize = s;
            if ent.form == Form::PushImm8 {
                out.imm = u8at(w, pos) as i8 as i64 as u64;
                pos += 1;
            } else {
                let (v, n) = imm_z_s(w, pos, s);
                out.imm = v;
                pos += n;
            }
            *mem = NO_MEM;
            out.ops = [Operand::Imm { size: s }, NONE, NONE, NONE];
        }
        Form::ImulImm8 | Form::ImulImmZ => {
            let m = u8at(w, pos);
            pos += 1;
            let b = rm(w, &mut pos, m, rex, osz, false, mem, &mut rip);
            if ent.form == Form::ImulImm8 {
                out.imm = u8at(w, pos) as i8 as i64 as u64;
                pos += 1;
            } else {
                let (v, n) = imm_z_s(w, pos, osz);
                out.imm = v;
                pos += n;
            }
            out.ops = [
                gpr(((m >> 3) & 7) | rex_r, osz, false),
                b,
                Operand::Imm { size: osz },
                NONE,
            ];
        }
        Form::Rel8 | Form::Rel32 => {
            // The target is relative to the end of the instruction, which
            // the displacement ends.
            let rel = if ent.form == Form::Rel8 {
                pos += 1;
                u8at(w, pos - 1) as i8 as i64 as u64
            } else {
                pos += 4;
                u32at(w, pos - 4) as i32 as i64 as u64
            };
            out.imm = ip.wrapping_add(pos as u64).wrapping_add(rel);
            osize = 8;
            *mem = NO_MEM;
            out.ops = [Operand::Imm { size: 8 }, NONE, NONE, NONE];
        }
        Form::XchgAcc => {
            let r = (opc & 7) | rex_b;
            out.ops = if r == 0 {
                op = Op::Nop;
                osize = 0;
                [NONE; 4]
            } else {
                [
                    Operand::Gpr { reg: r, size: osz },
                    Operand::Gpr { reg: 0, size: osz },
                    NONE,
                    NONE,
                ]
            };
            *mem = NO_MEM;
            out.imm = 0;
        }
        Form::Cbw | Form::Cwd => {
            op = if ent.form == Form::Cbw {
                [Op::Cwde, Op::Cbw, Op::Cdqe, Op::Cdqe][szi]
            } else {
                [Op::Cdq, Op::Cwd, Op::Cqo, Op::Cqo][szi]
            };
            *mem = NO_MEM;
            out.ops = [NONE; 4];
            out.imm = 0;
        }
        Form::Pushf | Form::Popf => {
            let s = OSZ64[szi];
            osize = s;
            op = match (ent.form == Form::Pushf, s == 8) {
                (true, true) => Op::Pushfq,
                (true, false) => Op::Pushf,
                (false, true) => Op::Popfq,
                (false, false) => Op::Popf,
            };
            *mem = NO_MEM;
            out.ops = [NONE; 4];
            out.imm = 0;
        }
        Form::Plain | Form::Ret | Form::Leave => {
            osize = match ent.form {
                Form::Plain => 0,
                Form::Ret => 8,
                _ => OSZ64[szi],
            };
            *mem = NO_MEM;
            out.ops = [NONE; 4];
            out.imm = 0;
        }
        Form::MovR8Imm => {
            out.imm = u8at(w, pos) as u64;
            pos += 1;
            *mem = NO_MEM;
            out.ops = [
                gpr((opc & 7) | rex_b, 1, nrex),
                Operand::Imm { size: 1 },
                NONE,
                NONE,
            ];
        }
        Form::MovRImm => {
            out.imm = match osz {
                8 => u64at(w, pos),
                2 => u16at(w, pos) as u64,
                _ => u32at(w, pos) as u64,
            };
            pos += osz as usize;
            *mem = NO_MEM;
            out.ops = [
                Operand::Gpr {
                    reg: (opc & 7) | rex_b,
                    size: osz,
                },
                Operand::Imm { size: osz },
                NONE,
                NONE,
            ];
        }
        Form::Shift => {
            let m = u8at(w, pos);
            pos += 1;
            op = SHIFT_OPS[((m >> 3) & 7) as usize];
            let a = rm(w, &mut pos, m, rex, sz, sz == 1 && nrex, mem, &mut rip);
            let b = if opc < 0xD0 {
                out.imm = u8at(w, pos) as u64;
                pos += 1;
                Operand::Imm { size: 1 }
            } else if opc < 0xD2 {
                out.imm = 1;
                Operand::Imm { size: 1 }
            } else {
                out.imm = 0;
                Operand::Gpr { reg: 1, size: 1 }
            };
            out.ops = [a, b, NONE, NONE];
        }
        Form::RetImm => {
            out.imm = u16at(w, pos) as u64;
            pos += 2;
            osize = 8;
            *mem = NO_MEM;
            out.ops = [Operand::Imm { size: 2 }, NONE, NONE, NONE];
        }
        Form::MovRmImm => {
            let m = u8at(w, pos);
            if (m >> 3) & 7 != 0 {
                return false;
            }
            pos += 1;
            let a = rm(w, &mut pos, m, rex, sz, sz == 1 && nrex, mem, &mut rip);
            if sz == 1 {
                out.imm = u8at(w, pos) as u64;
                pos += 1;
            } else if sz == 2 {
                out.imm = u16at(w, pos) as u64;
                pos += 2;
            } else {
                let raw = u32at(w, pos);
                out.imm = if sz == 8 {
                    raw as i32 as i64 as u64
                } else {
                    raw as u64
                };
                pos += 4;
            }
            out.ops = [a, Operand::Imm { size: sz }, NONE, NONE];
        }
        Form::IntN => {
            out.imm = u8at(w, pos) as u64;
            pos += 1;
            osize = 0;
            *mem = NO_MEM;
            out.ops = [Operand::Imm { size: 1 }, NONE, NONE, NONE];
        }
        Form::Grp3 => {
            let m = u8at(w, pos);
            pos += 1;
            let r = (m >> 3) & 7;
            op = GRP3_OPS[r as usize];
            let a = rm(w, &mut pos, m, rex, sz, sz == 1 && nrex, mem, &mut rip);
            let b = if r < 2 {
                if sz == 1 {
                    out.imm = u8at(w, pos) as i8 as i64 as u64;
                    pos += 1;
                } else {
                    let (v, n) = imm_z_s(w, pos, sz);
                    out.imm = v;
                    pos += n;
                }
                Operand::Imm { size: sz }
            } else {
                out.imm = 0;
                NONE
            };
            out.ops = [a, b, NONE, NONE];
        }
        Form::Grp4 => {
            let m = u8at(w, pos);
            let r = (m >> 3) & 7;
            if r > 1 {
                return false;
            }
            pos += 1;
            op = if r == 0 { Op::Inc } else { Op::Dec };
            let a = rm(w, &mut pos, m, rex, 1, nrex, mem, &mut rip);
            out.ops = [a, NONE, NONE, NONE];
            out.imm = 0;
        }
        Form::Grp5 => {
            let m = u8at(w, pos);
            let r = (m >> 3) & 7;
            let s = match r {
                0 | 1 => osz,
                2 | 4 => 8,
                6 => OSZ64[szi],
                _ => return false,
            };
            pos += 1;
            op = [
                Op::Inc,
                Op::Dec,
                Op::Call,
                Op::Nop,
                Op::Jmp,
                Op::Nop,
                Op::Push,
                Op::Nop,
            ][r as usize];
            osize = s;
            let a = rm(w, &mut pos, m, rex, s, false, mem, &mut rip);
            out.ops = [a, NONE, NONE, NONE];
            out.imm = 0;
        }
        Form::Setcc => {
            let m = u8at(w, pos);
            pos += 1;
            let a = rm(w, &mut pos, m, rex, 1, nrex, mem, &mut rip);
            out.ops = [a, NONE, NONE, NONE];
            out.imm = 0;
        }
        Form::BtImm => {
            let m = u8at(w, pos);
            let r = (m >> 3) & 7;
            if r < 4 {
                return false;
            }
            pos += 1;
            op = BT_OPS[(r & 3) as usize];
            let a = rm(w, &mut pos, m, rex, osz, false, mem, &mut rip);
            out.imm = u8at(w, pos) as u64;
            pos += 1;
            out.ops = [a, Operand::Imm { size: 1 }, NONE, NONE];
        }
        Form::Shxd => {
            let m = u8at(w, pos);
            pos += 1;
            let a = rm(w, &mut pos, m, rex, osz, false, mem, &mut rip);
            let c = if opc & 1 == 0 {
                out.imm = u8at(w, pos) as u64;
                pos += 1;
                Operand::Imm { size: 1 }
            } else {
                out.imm = 0;
                Operand::Gpr { reg: 1, size: 1 }
            };
            out.ops = [a, gpr(((m >> 3) & 7) | rex_r, osz, false), c, NONE];
        }
        Form::Bswap => {
            if osz == 2 {
                return false;
            }
            *mem = NO_MEM;
            out.ops = [
                Operand::Gpr {
                    reg: (opc & 7) | rex_b,
                    size: osz,
                },
                NONE,
                NONE,
                NONE,
            ];
            out.imm = 0;
        }
        Form::NopRm => {
            let m = u8at(w, pos);
            if (m >> 3) & 7 != 0 {
                return false;
            }
            pos += 1;
            let a = rm(w, &mut pos, m, rex, 0, false, mem, &mut rip);
            let a = if m < 0xC0 {
                a
            } else {
                Operand::Gpr {
                    reg: (m & 7) | rex_b,
                    size: osz,
                }
            };
            out.ops = [a, NONE, NONE, NONE];
            out.imm = 0;
        }
        Form::Endbr64 => {
            pos += 1;
            osize = 0;
            *mem = NO_MEM;
            out.ops = [NONE; 4];
            out.imm = 0;
        }
        Form::SseXX | Form::SseXXI | Form::SseLoHi => {
            let m = u8at(w, pos);
            pos += 1;
            osize = 16;
            let msize = if ent.form == Form::SseLoHi { 8 } else { ent.sz };
            if ent.form == Form::SseLoHi && m >= 0xC0 {
                op = SSE[opc as usize][col & 3].alt;
            }
            let b = rm_xmm(w, &mut pos, m, rex, msize, mem, &mut rip);
            let c = if ent.form == Form::SseXXI {
                out.imm = u8at(w, pos) as u64;
                pos += 1;
                Operand::Imm { size: 1 }
            } else {
                out.imm = 0;
                NONE
            };
            out.ops = [Operand::Xmm(((m >> 3) & 7) | rex_r), b, c, NONE];
        }
        Form::SseLdM => {
            let m = u8at(w, pos);
            if m >= 0xC0 {
                return false;
            }
            pos += 1;
            osize = 16;
            rip = mem_operand(w, &mut pos, m, rex, mem);
            out.ops = [
                Operand::Xmm(((m >> 3) & 7) | rex_r),
                Operand::Mem { size: ent.sz },
                NONE,
                NONE,
            ];
            out.imm = 0;
        }
        Form::SseSt | Form::SseStM => {
            let m = u8at(w, pos);
            if ent.form == Form::SseStM && m >= 0xC0 {
                return false;
            }
            pos += 1;
            osize = 16;
            let a = rm_xmm(w, &mut pos, m, rex, ent.sz, mem, &mut rip);
            out.ops = [a, Operand::Xmm(((m >> 3) & 7) | rex_r), NONE, NONE];
            out.imm = 0;
        }
        Form::SseXG | Form::SseGX => {
            let m = u8at(w, pos);
            pos += 1;
            let g = if rex & 8 != 0 { 8 } else { 4 };
            if op == Op::Movd && g == 8 {
                op = Op::Movq;
            }
            osize = g;
            let x = Operand::Xmm(((m >> 3) & 7) | rex_r);
            let r = rm(w, &mut pos, m, rex, g, false, mem, &mut rip);
            out.ops = if ent.form == Form::SseXG {
                [x, r, NONE, NONE]
            } else {
                [r, x, NONE, NONE]
            };
            out.imm = 0;
        }
        Form::SseRX => {
            let m = u8at(w, pos);
            pos += 1;
            let g = if rex & 8 != 0 { 8 } else { 4 };
            osize = g;
            let b = rm_xmm(w, &mut pos, m, rex, ent.sz, mem, &mut rip);
            out.ops = [
                Operand::Gpr {
                    reg: ((m >> 3) & 7) | rex_r,
                    size: g,
                },
                b,
                NONE,
                NONE,
            ];
            out.imm = 0;
        }
    }
    // Reads are clamped to the window, so an instruction running past 15
    // bytes (possible only with prefixes) read garbage: let the general
    // decoder report it.
    if PFX && pos > w.len() {
        return false;
    }
    if rip {
        let next = ip.wrapping_add(pos as u64);
        out.mem.disp = next.wrapping_add(out.mem.disp as u64) as i64;
    }
    out.op = op;
    out.len = pos as u8;
    out.osize = osize;
    out.prefixes = p66 as u8 * prefix::OPSIZE;
    out.imm2 = 0;
    true
}

#[cfg(test)]
mod tests {
    use crate::sse_table::{F, SSE_0F};

    /// 66 is only an operand-size override for the 0F opcodes taken here: none
    /// of them has an SSE meaning without a prefix or with 66 (F2/F3 never
    /// reach the fast path).
    #[test]
    fn fast_0f_opcodes_are_not_sse() {
        for opc in super::fast_0f_opcodes() {
            for (col, e) in SSE_0F[opc as usize].iter().enumerate().take(2) {
                assert!(e.f == F::Inv, "0F {opc:02X} column {col} is an SSE form");
            }
        }
    }
}
