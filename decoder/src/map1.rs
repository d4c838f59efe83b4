//! The one-byte opcode map (legacy map 0).
//!
//! [`MAP1`] is a static 256-entry table built at compile time; each entry names
//! the handler for its opcode group and the operation it produces, so decoding
//! an opcode is one table load and one jump, as in iced-x86.

use crate::cursor::{invalid, Cursor, Rep, R};
use crate::{x87, DecodeError, Extension, Op, Operand};

/// Handler of an opcode group.
#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum K {
    Invalid,
    /// 00..3D: ALU in its six forms selected by `opcode & 7`.
    Alu,
    PushR,
    PopR,
    Movsxd,
    PushImm,
    ImulImm,
    Jcc8,
    Grp1,
    TestRm,
    XchgRm,
    MovRm,
    Lea,
    XchgAcc,
    Cbw,
    Cwd,
    Pushf,
    Popf,
    /// No operands, no operand size (clc, sahf, int3, ...).
    Plain,
    MovMoffs,
    Str,
    TestAcc,
    MovR8Imm,
    MovRImm,
    Shift,
    RetImm,
    Ret,
    MovRmImm,
    Enter,
    Leave,
    IntN,
    Xlat,
    Loop,
    Jrcxz,
    CallRel,
    JmpRel32,
    JmpRel8,
    Grp3,
    Grp4,
    Grp5,
    /// Valid but unsupported, fixed length layout: see [`unsupported`].
    Unsup,
    Vex2,
    Vex3,
    Evex,
    Xop,
    X87,
    Map0F,
}

#[derive(Clone, Copy)]
pub(crate) struct E {
    pub k: K,
    pub op: Op,
}

const fn e(k: K, op: Op) -> E {
    E { k, op }
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

const fn build() -> [E; 256] {
    let mut t = [e(K::Invalid, Op::Nop); 256];
    let mut i = 0;
    while i < 8 {
        let base = i * 8;
        let mut j = 0;
        while j < 6 {
            t[base + j] = e(K::Alu, ALU_OPS[i]);
            j += 1;
        }
        i += 1;
    }
    let mut r = 0;
    while r < 8 {
        t[0x50 + r] = e(K::PushR, Op::Push);
        t[0x58 + r] = e(K::PopR, Op::Pop);
        t[0x90 + r] = e(K::XchgAcc, Op::Xchg);
        t[0xB0 + r] = e(K::MovR8Imm, Op::Mov);
        t[0xB8 + r] = e(K::MovRImm, Op::Mov);
        t[0xD8 + r] = e(K::X87, Op::Nop);
        r += 1;
    }
    let mut c = 0;
    while c < 16 {
        t[0x70 + c] = e(K::Jcc8, Op::ALL[Op::Jo as usize + c]);
        c += 1;
    }
    t[0x0F] = e(K::Map0F, Op::Nop);
    t[0x63] = e(K::Movsxd, Op::Movsxd);
    t[0x68] = e(K::PushImm, Op::Push);
    t[0x6A] = e(K::PushImm, Op::Push);
    t[0x69] = e(K::ImulImm, Op::Imul);
    t[0x6B] = e(K::ImulImm, Op::Imul);
    let mut u = 0x6C;
    while u <= 0x6F {
        t[u] = e(K::Unsup, Op::Nop);
        u += 1;
    }
    t[0x80] = e(K::Grp1, Op::Add);
    t[0x81] = e(K::Grp1, Op::Add);
    t[0x83] = e(K::Grp1, Op::Add);
    t[0x84] = e(K::TestRm, Op::Test);
    t[0x85] = e(K::TestRm, Op::Test);
    t[0x86] = e(K::XchgRm, Op::Xchg);
    t[0x87] = e(K::XchgRm, Op::Xchg);
    t[0x88] = e(K::MovRm, Op::Mov);
    t[0x89] = e(K::MovRm, Op::Mov);
    t[0x8A] = e(K::MovRm, Op::Mov);
    t[0x8B] = e(K::MovRm, Op::Mov);
    t[0x8C] = e(K::Unsup, Op::Nop);
    t[0x8D] = e(K::Lea, Op::Lea);
    t[0x8E] = e(K::Unsup, Op::Nop);
    t[0x8F] = e(K::Xop, Op::Pop);
    t[0x98] = e(K::Cbw, Op::Cbw);
    t[0x99] = e(K::Cwd, Op::Cwd);
    t[0x9B] = e(K::Unsup, Op::Nop);
    t[0x9C] = e(K::Pushf, Op::Pushfq);
    t[0x9D] = e(K::Popf, Op::Popfq);
    t[0x9E] = e(K::Plain, Op::Sahf);
    t[0x9F] = e(K::Plain, Op::Lahf);
    t[0xA0] = e(K::MovMoffs, Op::Mov);
    t[0xA1] = e(K::MovMoffs, Op::Mov);
    t[0xA2] = e(K::MovMoffs, Op::Mov);
    t[0xA3] = e(K::MovMoffs, Op::Mov);
    t[0xA4] = e(K::Str, Op::Movsb);
    t[0xA5] = e(K::Str, Op::Movsb);
    t[0xA6] = e(K::Str, Op::Cmpsb);
    t[0xA7] = e(K::Str, Op::Cmpsb);
    t[0xA8] = e(K::TestAcc, Op::Test);
    t[0xA9] = e(K::TestAcc, Op::Test);
    t[0xAA] = e(K::Str, Op::Stosb);
    t[0xAB] = e(K::Str, Op::Stosb);
    t[0xAC] = e(K::Str, Op::Lodsb);
    t[0xAD] = e(K::Str, Op::Lodsb);
    t[0xAE] = e(K::Str, Op::Scasb);
    t[0xAF] = e(K::Str, Op::Scasb);
    t[0xC0] = e(K::Shift, Op::Rol);
    t[0xC1] = e(K::Shift, Op::Rol);
    t[0xC2] = e(K::RetImm, Op::Ret);
    t[0xC3] = e(K::Ret, Op::Ret);
    t[0xC4] = e(K::Vex3, Op::Nop);
    t[0xC5] = e(K::Vex2, Op::Nop);
    t[0xC6] = e(K::MovRmImm, Op::Mov);
    t[0xC7] = e(K::MovRmImm, Op::Mov);
    t[0xC8] = e(K::Enter, Op::Enter);
    t[0xC9] = e(K::Leave, Op::Leave);
    t[0xCA] = e(K::Unsup, Op::Nop);
    t[0xCB] = e(K::Unsup, Op::Nop);
    t[0xCC] = e(K::Plain, Op::Int3);
    t[0xCD] = e(K::IntN, Op::Int);
    t[0xCF] = e(K::Unsup, Op::Nop);
    t[0xD0] = e(K::Shift, Op::Rol);
    t[0xD1] = e(K::Shift, Op::Rol);
    t[0xD2] = e(K::Shift, Op::Rol);
    t[0xD3] = e(K::Shift, Op::Rol);
    t[0xD7] = e(K::Xlat, Op::Xlatb);
    t[0xE0] = e(K::Loop, Op::Loopne);
    t[0xE1] = e(K::Loop, Op::Loope);
    t[0xE2] = e(K::Loop, Op::Loop);
    t[0xE3] = e(K::Jrcxz, Op::Jrcxz);
    let mut io = 0xE4;
    while io <= 0xE7 {
        t[io] = e(K::Unsup, Op::Nop);
        t[io + 8] = e(K::Unsup, Op::Nop);
        io += 1;
    }
    t[0xE8] = e(K::CallRel, Op::Call);
    t[0xE9] = e(K::JmpRel32, Op::Jmp);
    t[0xEB] = e(K::JmpRel8, Op::Jmp);
    t[0xF1] = e(K::Plain, Op::Int1);
    t[0xF4] = e(K::Unsup, Op::Nop);
    t[0xF5] = e(K::Plain, Op::Cmc);
    t[0xF6] = e(K::Grp3, Op::Test);
    t[0xF7] = e(K::Grp3, Op::Test);
    t[0xF8] = e(K::Plain, Op::Clc);
    t[0xF9] = e(K::Plain, Op::Stc);
    t[0xFA] = e(K::Unsup, Op::Nop);
    t[0xFB] = e(K::Unsup, Op::Nop);
    t[0xFC] = e(K::Plain, Op::Cld);
    t[0xFD] = e(K::Plain, Op::Std);
    t[0xFE] = e(K::Grp4, Op::Inc);
    t[0xFF] = e(K::Grp5, Op::Inc);
    t[0x62] = e(K::Evex, Op::Nop);
    t
}

pub(crate) static MAP1: [E; 256] = build();

/// Prefix bytes: legacy prefixes and REX (a REX seen after the fast path's
/// single REX means a REX sequence, handled by the general prefix loop).
static LEGACY_PREFIX: [bool; 256] = {
    let mut t = [false; 256];
    let mut r = 0x40;
    while r < 0x50 {
        t[r] = true;
        r += 1;
    }
    let p = [
        0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3,
    ];
    let mut i = 0;
    while i < p.len() {
        t[p[i]] = true;
        i += 1;
    }
    t
};

#[inline(always)]
pub(crate) fn is_legacy_prefix(b: u8) -> bool {
    LEGACY_PREFIX[b as usize]
}

/// Decode the instruction whose one-byte-map opcode `opc` has just been read.
#[inline(always)]
pub(crate) fn decode(c: &mut Cursor<'_>, opc: u8) -> R<()> {
    let ent = MAP1[opc as usize];
    handle(c, opc, ent)
}

#[inline(always)]
fn byte_or_v(c: &Cursor<'_>, opc: u8) -> u8 {
    if opc & 1 == 0 {
        1
    } else {
        c.osz()
    }
}

/// Handler of each [`K`], in declaration order: one small function per opcode
/// group so that each only saves the registers it uses (as in iced-x86).
static HANDLERS: [Handler; 47] = [
    h_invalid,
    h_alu,
    h_pushr_popr,
    h_pushr_popr,
    h_movsxd,
    h_pushimm,
    h_imulimm,
    h_jcc8_jmprel8,
    h_grp1,
    h_testrm,
    h_xchgrm,
    h_movrm,
    h_lea,
    h_xchgacc,
    h_cbw,
    h_cwd,
    h_pushf_popf,
    h_pushf_popf,
    h_plain,
    h_movmoffs,
    h_str,
    h_testacc,
    h_movr8imm,
    h_movrimm,
    h_shift,
    h_retimm,
    h_ret,
    h_movrmimm,
    h_enter,
    h_leave,
    h_intn,
    h_xlat,
    h_loop_jrcxz,
    h_loop_jrcxz,
    h_callrel_jmprel32,
    h_callrel_jmprel32,
    h_jcc8_jmprel8,
    h_grp3,
    h_grp4,
    h_grp5,
    h_unsup,
    h_vex2,
    h_vex3,
    h_evex,
    h_xop,
    h_x87,
    h_map0f,
];

type Handler = fn(&mut Cursor<'_>, u8, E) -> R<()>;

#[inline(always)]
fn handle(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    HANDLERS[ent.k as usize](c, opc, ent)
}

#[allow(unused_variables)]
fn h_alu(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let form = opc & 7;
    let sz = byte_or_v(c, opc);
    match form {
        0 | 1 => {
            c.read_modrm();
            let dst = c.rm_gpr(sz);
            c.insn.ops[0] = dst;
            c.insn.ops[1] = c.gpr(c.reg(), sz);
            let lockable = ent.op != Op::Cmp;
            c.done(ent.op, sz, lockable)
        }
        2 | 3 => {
            c.read_modrm();
            c.insn.ops[0] = c.gpr(c.reg(), sz);
            c.insn.ops[1] = c.rm_gpr(sz);
            c.done(ent.op, sz, false)
        }
        _ => {
            let n = if sz == 1 { 1 } else { Cursor::immsz(sz) };
            c.insn.imm = c.imm_s(n);
            c.insn.ops[0] = Operand::Gpr { reg: 0, size: sz };
            c.insn.ops[1] = Operand::Imm { size: sz };
            c.done(ent.op, sz, false)
        }
    }
}

#[allow(unused_variables)]
fn h_pushr_popr(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let sz = c.osz64();
    c.insn.ops[0] = Operand::Gpr {
        reg: (opc & 7) | c.rex_b,
        size: sz,
    };
    c.done(ent.op, sz, false)
}

#[allow(unused_variables)]
fn h_movsxd(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let sz = c.osz();
    c.insn.ops[0] = c.gpr(c.reg(), sz);
    // Without REX.W the source is as wide as the destination (iced: movsxd r32, r/m32).
    let ssz = if sz == 8 { 4 } else { sz };
    c.insn.ops[1] = c.rm_gpr(ssz);
    c.done(Op::Movsxd, sz, false)
}

#[allow(unused_variables)]
fn h_pushimm(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let sz = c.osz64();
    let n = if opc == 0x6A { 1 } else { Cursor::immsz(sz) };
    c.insn.imm = c.imm_s(n);
    c.insn.ops[0] = Operand::Imm { size: sz };
    c.done(Op::Push, sz, false)
}

#[allow(unused_variables)]
fn h_imulimm(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let sz = c.osz();
    c.insn.ops[0] = c.gpr(c.reg(), sz);
    c.insn.ops[1] = c.rm_gpr(sz);
    let n = if opc == 0x6B { 1 } else { Cursor::immsz(sz) };
    c.insn.imm = c.imm_s(n);
    c.insn.ops[2] = Operand::Imm { size: sz };
    c.done(Op::Imul, sz, false)
}

#[allow(unused_variables)]
fn h_jcc8_jmprel8(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let rel = c.imm_s(1);
    c.insn.imm = c.target(rel);
    c.insn.ops[0] = Operand::Imm { size: 8 };
    c.done(ent.op, 8, false)
}

#[allow(unused_variables)]
fn h_loop_jrcxz(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let rel = c.imm_s(1);
    c.insn.imm = c.target(rel);
    c.insn.ops[0] = Operand::Imm { size: 8 };
    let op = if ent.k == K::Jrcxz && c.p67 {
        Op::Jecxz
    } else {
        ent.op
    };
    // The counter is ecx with 0x67, else rcx.
    let sz = if c.p67 { 4 } else { 8 };
    c.done(op, sz, false)
}

#[allow(unused_variables)]
fn h_callrel_jmprel32(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let rel = c.imm_s(4);
    c.insn.imm = c.target(rel);
    c.insn.ops[0] = Operand::Imm { size: 8 };
    c.done(ent.op, 8, false)
}

#[allow(unused_variables)]
fn h_grp1(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let sz = byte_or_v(c, opc);
    let op = ALU_OPS[((c.modrm >> 3) & 7) as usize];
    c.insn.ops[0] = c.rm_gpr(sz);
    let n = if opc != 0x81 { 1 } else { Cursor::immsz(sz) };
    c.insn.imm = c.imm_s(n);
    c.insn.ops[1] = Operand::Imm { size: sz };
    c.done(op, sz, op != Op::Cmp)
}

#[allow(unused_variables)]
fn h_testrm(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let sz = byte_or_v(c, opc);
    c.insn.ops[0] = c.rm_gpr(sz);
    c.insn.ops[1] = c.gpr(c.reg(), sz);
    c.done(Op::Test, sz, false)
}

#[allow(unused_variables)]
fn h_xchgrm(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let sz = byte_or_v(c, opc);
    c.insn.ops[0] = c.rm_gpr(sz);
    c.insn.ops[1] = c.gpr(c.reg(), sz);
    c.done(Op::Xchg, sz, true)
}

#[allow(unused_variables)]
fn h_movrm(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let sz = byte_or_v(c, opc);
    if opc & 2 == 0 {
        c.insn.ops[0] = c.rm_gpr(sz);
        c.insn.ops[1] = c.gpr(c.reg(), sz);
    } else {
        c.insn.ops[0] = c.gpr(c.reg(), sz);
        c.insn.ops[1] = c.rm_gpr(sz);
    }
    c.done(Op::Mov, sz, false)
}

#[allow(unused_variables)]
fn h_lea(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let sz = c.osz();
    c.insn.ops[0] = c.gpr(c.reg(), sz);
    c.insn.ops[1] = c.rm_mem_only(0)?;
    c.done(Op::Lea, sz, false)
}

#[allow(unused_variables)]
fn h_xop(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    // 8F: XOP when the would-be ModRM has map_select >= 8, else pop r/m.
    if let Some(b) = c.peek() {
        if b & 0x1F >= 8 {
            return crate::vex::xop(c);
        }
    }
    c.read_modrm();
    if (c.modrm >> 3) & 7 != 0 {
        return invalid("8F /1..7 is not pop");
    }
    let sz = c.osz64();
    c.insn.ops[0] = c.rm_gpr(sz);
    c.done(Op::Pop, sz, false)
}

#[allow(unused_variables)]
fn h_xchgacc(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    // F3 90 is pause whatever REX.B says (iced-x86 agrees); plain 90 is nop
    // unless REX.B turns it into xchg r8, rax.
    if opc == 0x90 && c.rep == Rep::F3 {
        return c.done(Op::Pause, 0, false);
    }
    let r = (opc & 7) | c.rex_b;
    if r == 0 {
        return c.done(Op::Nop, 0, false);
    }
    let sz = c.osz();
    c.insn.ops[0] = Operand::Gpr { reg: r, size: sz };
    c.insn.ops[1] = Operand::Gpr { reg: 0, size: sz };
    c.done(Op::Xchg, sz, false)
}

#[allow(unused_variables)]
fn h_cbw(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let sz = c.osz();
    let op = match sz {
        2 => Op::Cbw,
        4 => Op::Cwde,
        _ => Op::Cdqe,
    };
    c.done(op, sz, false)
}

#[allow(unused_variables)]
fn h_cwd(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let sz = c.osz();
    let op = match sz {
        2 => Op::Cwd,
        4 => Op::Cdq,
        _ => Op::Cqo,
    };
    c.done(op, sz, false)
}

#[allow(unused_variables)]
fn h_pushf_popf(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let sz = c.osz64();
    let op = match (ent.k, sz) {
        (K::Pushf, 8) => Op::Pushfq,
        (K::Pushf, _) => Op::Pushf,
        (_, 8) => Op::Popfq,
        _ => Op::Popf,
    };
    c.done(op, sz, false)
}

#[allow(unused_variables)]
fn h_plain(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.done(ent.op, 0, false)
}

#[allow(unused_variables)]
fn h_movmoffs(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let sz = byte_or_v(c, opc);
    let addr = if c.p67 { c.u32() as u64 } else { c.u64() };
    c.insn.mem = crate::MemRef {
        seg: c.seg,
        addr32: c.p67,
        disp: addr as i64,
        ..Default::default()
    };
    let acc = Operand::Gpr { reg: 0, size: sz };
    let m = Operand::Mem { size: sz };
    if opc < 0xA2 {
        c.insn.ops[0] = acc;
        c.insn.ops[1] = m;
    } else {
        c.insn.ops[0] = m;
        c.insn.ops[1] = acc;
    }
    c.done(Op::Mov, sz, false)
}

#[allow(unused_variables)]
fn h_str(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let sz = byte_or_v(c, opc);
    let idx = match sz {
        1 => 0,
        2 => 1,
        4 => 2,
        _ => 3,
    };
    let op = match ent.op {
        Op::Movsb => [Op::Movsb, Op::Movsw, Op::MovsdString, Op::Movsq][idx],
        Op::Cmpsb => [Op::Cmpsb, Op::Cmpsw, Op::CmpsdString, Op::Cmpsq][idx],
        Op::Stosb => [Op::Stosb, Op::Stosw, Op::Stosd, Op::Stosq][idx],
        Op::Lodsb => [Op::Lodsb, Op::Lodsw, Op::Lodsd, Op::Lodsq][idx],
        _ => [Op::Scasb, Op::Scasw, Op::Scasd, Op::Scasq][idx],
    };
    let compares = matches!(ent.op, Op::Cmpsb | Op::Scasb);
    // The last F2/F3 wins. On cmps/scas F2 means REPNE; on the others
    // the CPU treats F2 like F3 (repeat while rcx != 0).
    c.insn.prefixes |= match (c.rep, compares) {
        (Rep::None, _) => 0,
        (Rep::F3, _) | (Rep::F2, false) => crate::prefix::REP,
        (Rep::F2, true) => crate::prefix::REPNE,
    };
    // Segment override only affects the source (rsi) operand; record it.
    c.insn.mem.seg = c.seg;
    c.insn.mem.addr32 = c.p67;
    c.done(op, sz, false)
}

#[allow(unused_variables)]
fn h_testacc(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let sz = byte_or_v(c, opc);
    let n = if sz == 1 { 1 } else { Cursor::immsz(sz) };
    c.insn.imm = c.imm_s(n);
    c.insn.ops[0] = Operand::Gpr { reg: 0, size: sz };
    c.insn.ops[1] = Operand::Imm { size: sz };
    c.done(Op::Test, sz, false)
}

#[allow(unused_variables)]
fn h_movr8imm(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.insn.imm = c.u8() as u64;
    c.insn.ops[0] = c.gpr((opc & 7) | c.rex_b, 1);
    c.insn.ops[1] = Operand::Imm { size: 1 };
    c.done(Op::Mov, 1, false)
}

#[allow(unused_variables)]
fn h_movrimm(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let sz = c.osz();
    c.insn.imm = match sz {
        8 => c.u64(),
        2 => c.u16() as u64,
        _ => c.u32() as u64,
    };
    c.insn.ops[0] = Operand::Gpr {
        reg: (opc & 7) | c.rex_b,
        size: sz,
    };
    c.insn.ops[1] = Operand::Imm { size: sz };
    c.done(Op::Mov, sz, false)
}

#[allow(unused_variables)]
fn h_shift(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let sz = byte_or_v(c, opc);
    let op = SHIFT_OPS[((c.modrm >> 3) & 7) as usize];
    c.insn.ops[0] = c.rm_gpr(sz);
    match opc {
        0xC0 | 0xC1 => {
            c.insn.imm = c.u8() as u64;
            c.insn.ops[1] = Operand::Imm { size: 1 };
        }
        0xD0 | 0xD1 => {
            c.insn.imm = 1;
            c.insn.ops[1] = Operand::Imm { size: 1 };
        }
        _ => c.insn.ops[1] = Operand::Gpr { reg: 1, size: 1 },
    }
    c.done(op, sz, false)
}

#[allow(unused_variables)]
fn h_retimm(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.insn.imm = c.u16() as u64;
    c.insn.ops[0] = Operand::Imm { size: 2 };
    c.done(Op::Ret, 8, false)
}

#[allow(unused_variables)]
fn h_ret(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.done(Op::Ret, 8, false)
}

#[allow(unused_variables)]
fn h_movrmimm(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let sz = byte_or_v(c, opc);
    if (c.modrm >> 3) & 7 != 0 {
        if c.modrm == 0xF8 {
            // xabort imm8 / xbegin rel (RTM).
            if opc == 0xC6 {
                c.skip(1);
                return c.unsupported("xabort", Extension::Other);
            }
            c.skip(if c.p66 && !c.w { 2 } else { 4 });
            return c.unsupported("xbegin", Extension::Other);
        }
        return invalid("C6/C7 /1..7");
    }
    c.insn.ops[0] = c.rm_gpr(sz);
    c.insn.imm = if sz == 8 {
        c.imm_s(4)
    } else {
        c.imm_z(if sz == 1 { 1 } else { Cursor::immsz(sz) })
    };
    c.insn.ops[1] = Operand::Imm { size: sz };
    c.done(Op::Mov, sz, false)
}

#[allow(unused_variables)]
fn h_enter(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.insn.imm = c.u16() as u64;
    c.insn.imm2 = c.u8() as u64;
    c.insn.ops[0] = Operand::Imm { size: 2 };
    c.insn.ops[1] = Operand::Imm2 { size: 1 };
    let sz = c.osz64();
    c.done(Op::Enter, sz, false)
}

#[allow(unused_variables)]
fn h_leave(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    let sz = c.osz64();
    c.done(Op::Leave, sz, false)
}

#[allow(unused_variables)]
fn h_intn(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.insn.imm = c.u8() as u64;
    c.insn.ops[0] = Operand::Imm { size: 1 };
    c.done(Op::Int, 0, false)
}

#[allow(unused_variables)]
fn h_xlat(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.insn.mem = crate::MemRef {
        base: 3,
        seg: c.seg,
        addr32: c.p67,
        ..Default::default()
    };
    c.done(Op::Xlatb, 1, false)
}

#[allow(unused_variables)]
fn h_grp3(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let sz = byte_or_v(c, opc);
    let r = (c.modrm >> 3) & 7;
    c.insn.ops[0] = c.rm_gpr(sz);
    let op = match r {
        0 | 1 => {
            let n = if sz == 1 { 1 } else { Cursor::immsz(sz) };
            c.insn.imm = c.imm_s(n);
            c.insn.ops[1] = Operand::Imm { size: sz };
            Op::Test
        }
        2 => Op::Not,
        3 => Op::Neg,
        4 => Op::Mul,
        5 => Op::Imul,
        6 => Op::Div,
        _ => Op::Idiv,
    };
    c.done(op, sz, matches!(op, Op::Not | Op::Neg))
}

#[allow(unused_variables)]
fn h_grp4(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    let op = match (c.modrm >> 3) & 7 {
        0 => Op::Inc,
        1 => Op::Dec,
        _ => return invalid("FE /2..7"),
    };
    c.insn.ops[0] = c.rm_gpr(1);
    c.done(op, 1, true)
}

#[allow(unused_variables)]
fn h_grp5(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    c.read_modrm();
    match (c.modrm >> 3) & 7 {
        r @ (0 | 1) => {
            let sz = c.osz();
            c.insn.ops[0] = c.rm_gpr(sz);
            c.done(if r == 0 { Op::Inc } else { Op::Dec }, sz, true)
        }
        r @ (2 | 4) => {
            // Near indirect call/jmp: 64-bit operand regardless of 66/REX.W (Intel).
            c.insn.ops[0] = c.rm_gpr(8);
            c.done(if r == 2 { Op::Call } else { Op::Jmp }, 8, false)
        }
        r @ (3 | 5) => {
            if c.is_reg_form() {
                return invalid("far call/jmp with a register operand");
            }
            c.mem();
            c.unsupported(if r == 3 { "call" } else { "jmp" }, Extension::Segmentation)
        }
        6 => {
            let sz = c.osz64();
            c.insn.ops[0] = c.rm_gpr(sz);
            c.done(Op::Push, sz, false)
        }
        _ => invalid("FF /7"),
    }
}

#[allow(unused_variables)]
fn h_unsup(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    unsupported(c, opc)
}

#[allow(unused_variables)]
fn h_vex2(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    crate::vex::vex2(c)
}

#[allow(unused_variables)]
fn h_vex3(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    crate::vex::vex3(c)
}

#[allow(unused_variables)]
fn h_evex(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    crate::vex::evex(c)
}

#[allow(unused_variables)]
fn h_x87(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    x87::decode(c, opc)
}

#[allow(unused_variables)]
fn h_map0f(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    crate::map0f::decode(c)
}

#[allow(unused_variables)]
fn h_invalid(c: &mut Cursor<'_>, opc: u8, ent: E) -> R<()> {
    invalid("opcode is not valid in 64-bit mode")
}

/// One-byte-map opcodes that are valid x86-64 but outside echovm.
fn unsupported(c: &mut Cursor<'_>, opc: u8) -> R<()> {
    let (name, ext): (&'static str, Extension) = match opc {
        0x6C => ("insb", Extension::Privileged),
        0x6D => (
            if c.p66 && !c.w { "insw" } else { "insd" },
            Extension::Privileged,
        ),
        0x6E => ("outsb", Extension::Privileged),
        0x6F => (
            if c.p66 && !c.w { "outsw" } else { "outsd" },
            Extension::Privileged,
        ),
        0x8C | 0x8E => {
            c.read_modrm();
            if opc == 0x8E && (c.modrm >> 3) & 7 == 1 {
                return invalid("mov cs, r/m");
            }
            if (c.modrm >> 3) & 7 >= 6 {
                return invalid("mov with a segment register number above 5");
            }
            c.skip_modrm_mem();
            ("mov", Extension::Segmentation)
        }
        0x9B => ("wait", Extension::X87),
        0xCA => {
            c.skip(2);
            ("retf", Extension::Segmentation)
        }
        0xCB => ("retf", Extension::Segmentation),
        0xCF => (
            if c.w {
                "iretq"
            } else if c.p66 {
                "iret"
            } else {
                "iretd"
            },
            Extension::Segmentation,
        ),
        0xE4..=0xE7 => {
            c.skip(1);
            (if opc < 0xE6 { "in" } else { "out" }, Extension::Privileged)
        }
        0xEC..=0xEF => (if opc < 0xEE { "in" } else { "out" }, Extension::Privileged),
        0xF4 => ("hlt", Extension::Privileged),
        0xFA => ("cli", Extension::Privileged),
        0xFB => ("sti", Extension::Privileged),
        _ => {
            return Err(DecodeError::Invalid {
                reason: "opcode is not valid in 64-bit mode",
            })
        }
    };
    c.unsupported(name, ext)
}
