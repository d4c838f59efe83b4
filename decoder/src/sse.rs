//! Generic decoding of table-described SSE instructions (see [`crate::sse_table`]).

use crate::cursor::{invalid, Cursor, Rep, R};
use crate::sse_table::{F, S};
use crate::{Extension, Op, Operand};

/// Column of the SSE tables selected by the mandatory prefix.
#[inline(always)]
pub(crate) fn column(c: &Cursor<'_>) -> usize {
    match c.rep {
        Rep::F3 => 2,
        Rep::F2 => 3,
        Rep::None => c.p66 as usize,
    }
}

/// GPR width of SSE forms with a general register: 8 with REX.W, else 4.
#[inline(always)]
fn gsz(c: &Cursor<'_>) -> u8 {
    if c.w {
        8
    } else {
        4
    }
}

/// Decode the instruction described by `e`; the opcode bytes have been read.
#[inline]
pub(crate) fn decode(c: &mut Cursor<'_>, e: S) -> R<()> {
    if e.f == F::Inv {
        return invalid("undefined SSE opcode/prefix combination");
    }
    c.read_modrm();
    let reg = c.reg();
    let op = e.op;
    match e.f {
        F::Inv => invalid("undefined SSE opcode/prefix combination"),
        F::XX => {
            c.insn.ops[0] = Operand::Xmm(reg);
            c.insn.ops[1] = c.rm_xmm(e.m);
            c.done(op, 16, false)
        }
        F::XXI => {
            c.insn.ops[0] = Operand::Xmm(reg);
            c.insn.ops[1] = c.rm_xmm(e.m);
            c.insn.imm = c.u8() as u64;
            c.insn.ops[2] = Operand::Imm { size: 1 };
            // pcmpestri/pcmpestrm use rax/rdx as 64-bit lengths with REX.W.
            let osz = if c.w && matches!(op, Op::Pcmpestri | Op::Pcmpestrm) {
                8
            } else {
                16
            };
            c.done(op, osz, false)
        }
        F::XX0 => {
            c.insn.ops[0] = Operand::Xmm(reg);
            c.insn.ops[1] = c.rm_xmm(e.m);
            c.insn.ops[2] = Operand::Xmm(0);
            c.done(op, 16, false)
        }
        F::St => {
            c.insn.ops[0] = c.rm_xmm(e.m);
            c.insn.ops[1] = Operand::Xmm(reg);
            c.done(op, 16, false)
        }
        F::StM => {
            c.insn.ops[0] = c.rm_mem_only(e.m)?;
            c.insn.ops[1] = Operand::Xmm(reg);
            c.done(op, 16, false)
        }
        F::LdM => {
            c.insn.ops[0] = Operand::Xmm(reg);
            c.insn.ops[1] = c.rm_mem_only(e.m)?;
            c.done(op, 16, false)
        }
        F::XXr => {
            if !c.is_reg_form() {
                return invalid("memory form of a register-only SSE instruction");
            }
            c.insn.ops[0] = Operand::Xmm(reg);
            c.insn.ops[1] = Operand::Xmm(c.rm());
            if op == Op::Maskmovdqu {
                // Implicit destination [rdi] (ds:rdi, or edi with 0x67).
                c.insn.mem = crate::MemRef {
                    base: 7,
                    seg: c.seg,
                    addr32: c.p67,
                    ..Default::default()
                };
            }
            c.done(op, 16, false)
        }
        F::LoHi => {
            let op = if c.is_reg_form() { e.alt } else { op };
            c.insn.ops[0] = Operand::Xmm(reg);
            c.insn.ops[1] = c.rm_xmm(8);
            c.done(op, 16, false)
        }
        F::XG => {
            let g = gsz(c);
            let op = if op == Op::Movd && g == 8 {
                Op::Movq
            } else {
                op
            };
            c.insn.ops[0] = Operand::Xmm(reg);
            c.insn.ops[1] = c.rm_gpr(g);
            c.done(op, g, false)
        }
        F::GX => {
            let g = gsz(c);
            let op = if op == Op::Movd && g == 8 {
                Op::Movq
            } else {
                op
            };
            c.insn.ops[0] = c.rm_gpr(g);
            c.insn.ops[1] = Operand::Xmm(reg);
            c.done(op, g, false)
        }
        F::RX => {
            let g = gsz(c);
            c.insn.ops[0] = Operand::Gpr { reg, size: g };
            c.insn.ops[1] = c.rm_xmm(e.m);
            c.done(op, g, false)
        }
        F::RXr => {
            if !c.is_reg_form() {
                return invalid("memory form of a register-only SSE instruction");
            }
            let g = gsz(c);
            c.insn.ops[0] = Operand::Gpr { reg, size: g };
            c.insn.ops[1] = Operand::Xmm(c.rm());
            c.done(op, g, false)
        }
        F::RXI => {
            if !c.is_reg_form() {
                return invalid("memory form of a register-only SSE instruction");
            }
            let g = gsz(c);
            c.insn.ops[0] = Operand::Gpr { reg, size: g };
            c.insn.ops[1] = Operand::Xmm(c.rm());
            c.insn.imm = c.u8() as u64;
            c.insn.ops[2] = Operand::Imm { size: 1 };
            c.done(op, g, false)
        }
        F::GXI => {
            let (op, m) = if op == Op::Pextrd && c.w {
                (Op::Pextrq, 8)
            } else {
                (op, e.m)
            };
            let g = if op == Op::Pextrq || c.w { 8 } else { 4 };
            c.insn.ops[0] = if c.is_reg_form() {
                Operand::Gpr {
                    reg: c.rm(),
                    size: g,
                }
            } else {
                c.mem();
                Operand::Mem { size: m }
            };
            c.insn.ops[1] = Operand::Xmm(reg);
            c.insn.imm = c.u8() as u64;
            c.insn.ops[2] = Operand::Imm { size: 1 };
            c.done(op, g, false)
        }
        F::XGI => {
            let (op, m) = if op == Op::Pinsrd && c.w {
                (Op::Pinsrq, 8)
            } else {
                (op, e.m)
            };
            let g = if op == Op::Pinsrq || c.w { 8 } else { 4 };
            c.insn.ops[0] = Operand::Xmm(reg);
            c.insn.ops[1] = if c.is_reg_form() {
                Operand::Gpr {
                    reg: c.rm(),
                    size: g,
                }
            } else {
                c.mem();
                Operand::Mem { size: m }
            };
            c.insn.imm = c.u8() as u64;
            c.insn.ops[2] = Operand::Imm { size: 1 };
            c.done(op, g, false)
        }
        F::ShImm => {
            if !c.is_reg_form() {
                return invalid("memory form of a shift-by-immediate");
            }
            let r = (c.modrm >> 3) & 7;
            let op = match (op, r) {
                (Op::Psrlw, 2) => Op::Psrlw,
                (Op::Psrlw, 4) => Op::Psraw,
                (Op::Psrlw, 6) => Op::Psllw,
                (Op::Psrld, 2) => Op::Psrld,
                (Op::Psrld, 4) => Op::Psrad,
                (Op::Psrld, 6) => Op::Pslld,
                (Op::Psrlq, 2) => Op::Psrlq,
                (Op::Psrlq, 3) => Op::Psrldq,
                (Op::Psrlq, 6) => Op::Psllq,
                (Op::Psrlq, 7) => Op::Pslldq,
                _ => return invalid("undefined shift-by-immediate group member"),
            };
            c.insn.ops[0] = Operand::Xmm(c.rm());
            c.insn.imm = c.u8() as u64;
            c.insn.ops[1] = Operand::Imm { size: 1 };
            c.done(op, 16, false)
        }
        F::Mmx => {
            let mut name = op.name();
            if matches!(op, Op::Psrlw | Op::Psrld | Op::Psrlq) && e.m == 1 {
                // MMX shift-by-immediate groups.
                if !c.is_reg_form() {
                    return invalid("memory form of a shift-by-immediate");
                }
                let r = (c.modrm >> 3) & 7;
                name = match (op, r) {
                    (Op::Psrlw, 2) => "psrlw",
                    (Op::Psrlw, 4) => "psraw",
                    (Op::Psrlw, 6) => "psllw",
                    (Op::Psrld, 2) => "psrld",
                    (Op::Psrld, 4) => "psrad",
                    (Op::Psrld, 6) => "pslld",
                    (Op::Psrlq, 2) => "psrlq",
                    (Op::Psrlq, 6) => "psllq",
                    _ => return invalid("undefined shift-by-immediate group member"),
                };
            } else if matches!(op, Op::Pmovmskb | Op::Pextrw) && !c.is_reg_form() {
                return invalid("memory form of a register-only MMX instruction");
            } else if matches!(op, Op::Movd) && c.w {
                name = "movq";
            }
            c.skip_modrm_mem();
            c.skip(e.m as usize);
            c.unsupported(name, Extension::Mmx)
        }
        F::U => {
            if matches!(e.name, "movq2dq" | "movdq2q" | "maskmovq") && !c.is_reg_form() {
                return invalid("memory form of a register-only instruction");
            }
            if matches!(e.name, "movntq" | "movntss" | "movntsd") && c.is_reg_form() {
                return invalid("register form of a memory-only instruction");
            }
            c.skip_modrm_mem();
            c.skip(e.m as usize);
            c.unsupported(e.name, e.ext)
        }
    }
}
