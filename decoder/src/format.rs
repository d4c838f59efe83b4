//! Intel-syntax formatter for error messages and `echovm disasm`.
//!
//! Output follows the objdump/iced "intel" conventions: destination first,
//! `qword ptr` size keywords, hexadecimal numbers with `0x`, branch targets as
//! absolute addresses. RIP-relative operands are shown as `[rip+rel]` when the
//! instruction address is known (the decoder has folded RIP into an absolute
//! address, which is shown as a trailing comment), else as the absolute address.

use core::fmt::{self, Write};

use crate::{prefix, DecodeError, Insn, Op, Operand, Seg, NO_REG, RIP_BASE};

const R64: [&str; 16] = [
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
    "r14", "r15",
];
const R32: [&str; 16] = [
    "eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d",
    "r13d", "r14d", "r15d",
];
const R16: [&str; 16] = [
    "ax", "cx", "dx", "bx", "sp", "bp", "si", "di", "r8w", "r9w", "r10w", "r11w", "r12w", "r13w",
    "r14w", "r15w",
];
const R8: [&str; 16] = [
    "al", "cl", "dl", "bl", "spl", "bpl", "sil", "dil", "r8b", "r9b", "r10b", "r11b", "r12b",
    "r13b", "r14b", "r15b",
];
const XMM: [&str; 16] = [
    "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
    "xmm11", "xmm12", "xmm13", "xmm14", "xmm15",
];

/// Name of general register `reg` (0..=15) accessed with `size` bytes.
pub fn gpr_name(reg: u8, size: u8) -> &'static str {
    let r = (reg & 15) as usize;
    match size {
        1 => R8[r],
        2 => R16[r],
        4 => R32[r],
        _ => R64[r],
    }
}

fn ptr_name(size: u8) -> &'static str {
    match size {
        1 => "byte ptr ",
        2 => "word ptr ",
        4 => "dword ptr ",
        8 => "qword ptr ",
        10 => "tbyte ptr ",
        16 => "xmmword ptr ",
        _ => "",
    }
}

/// Writes `insn` located at `ip` (when known) in Intel syntax.
pub fn write_insn(out: &mut impl Write, insn: &Insn, ip: Option<u64>) -> fmt::Result {
    if insn.has_prefix(prefix::LOCK) {
        out.write_str("lock ")?;
    }
    let compares = matches!(
        insn.op,
        Op::Cmpsb
            | Op::Cmpsw
            | Op::CmpsdString
            | Op::Cmpsq
            | Op::Scasb
            | Op::Scasw
            | Op::Scasd
            | Op::Scasq
    );
    if insn.has_prefix(prefix::REP) {
        out.write_str(if compares { "repe " } else { "rep " })?;
    }
    if insn.has_prefix(prefix::REPNE) {
        out.write_str("repne ")?;
    }
    out.write_str(insn.op.name())?;
    let mut first = true;
    for op in insn.ops.iter().take_while(|o| !matches!(o, Operand::None)) {
        out.write_str(if first { " " } else { ", " })?;
        first = false;
        write_operand(out, insn, op, ip)?;
    }
    let rip_mem =
        insn.ops.iter().any(|o| matches!(o, Operand::Mem { .. })) && insn.mem.base == RIP_BASE;
    if rip_mem && ip.is_some() {
        write!(out, " ; {:#x}", insn.mem.disp as u64)?;
    }
    Ok(())
}

fn write_operand(out: &mut impl Write, insn: &Insn, op: &Operand, ip: Option<u64>) -> fmt::Result {
    match *op {
        Operand::None => Ok(()),
        Operand::Gpr { reg, size } => out.write_str(gpr_name(reg, size)),
        Operand::GprHigh8 { reg } => out.write_str(["ah", "ch", "dh", "bh"][(reg & 3) as usize]),
        Operand::Xmm(r) => out.write_str(XMM[(r & 15) as usize]),
        Operand::Imm { size } => {
            let v = if size >= 8 {
                insn.imm
            } else {
                insn.imm & ((1u64 << (size * 8)) - 1)
            };
            write!(out, "{v:#x}")
        }
        Operand::Imm2 { .. } => write!(out, "{:#x}", insn.imm2),
        Operand::Mem { size } => {
            let m = &insn.mem;
            out.write_str(ptr_name(size))?;
            match m.seg {
                Seg::Fs => out.write_str("fs:")?,
                Seg::Gs => out.write_str("gs:")?,
                Seg::None => {}
            }
            let asz = if m.addr32 { 4 } else { 8 };
            if m.base == RIP_BASE {
                let reg = if m.addr32 { "eip" } else { "rip" };
                return match ip {
                    Some(ip) => {
                        let rel =
                            (m.disp as u64).wrapping_sub(ip.wrapping_add(insn.len as u64)) as i64;
                        let rel = if m.addr32 { rel as i32 as i64 } else { rel };
                        out.write_str("[")?;
                        out.write_str(reg)?;
                        write_disp(out, rel, true)?;
                        out.write_str("]")
                    }
                    None => write!(out, "[{:#x}]", m.disp as u64),
                };
            }
            out.write_str("[")?;
            let mut any = false;
            if m.base != NO_REG {
                out.write_str(gpr_name(m.base, asz))?;
                any = true;
            }
            if m.index != NO_REG {
                if any {
                    out.write_str("+")?;
                }
                out.write_str(gpr_name(m.index, asz))?;
                write!(out, "*{}", m.scale)?;
                any = true;
            }
            if !any {
                let v = if m.addr32 {
                    m.disp as u64 as u32 as u64
                } else {
                    m.disp as u64
                };
                write!(out, "{v:#x}")?;
            } else if m.disp != 0 {
                write_disp(out, m.disp, true)?;
            }
            out.write_str("]")
        }
    }
}

fn write_disp(out: &mut impl Write, d: i64, signed_sep: bool) -> fmt::Result {
    if d < 0 {
        write!(out, "-{:#x}", d.unsigned_abs())
    } else if signed_sep {
        write!(out, "+{d:#x}")
    } else {
        write!(out, "{d:#x}")
    }
}

impl fmt::Display for Insn {
    /// Intel syntax; RIP-relative operands appear as absolute addresses because
    /// the instruction's own address is not part of [`Insn`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_insn(f, self, None)
    }
}

/// Text of a decode result at `ip`: the instruction, the mnemonic of an
/// unsupported instruction followed by why, or `(bad)`.
pub fn format_result(res: &Result<Insn, DecodeError>, ip: u64) -> String {
    let mut s = String::new();
    match res {
        Ok(i) => {
            let _ = write_insn(&mut s, i, Some(ip));
        }
        Err(DecodeError::Unsupported { mnemonic, ext, .. }) => {
            let _ = write!(s, "{mnemonic} ; unsupported: {}", ext.describe());
        }
        Err(DecodeError::Truncated { .. }) => s.push_str("(bad) ; truncated"),
        Err(DecodeError::Invalid { .. }) => s.push_str("(bad)"),
    }
    s
}

/// One `echovm disasm` line for the instruction at the start of `bytes`:
/// `ADDRESS: HEXBYTES  MNEMONIC OPERANDS`. Returns the number of bytes the line
/// covers, always at least 1 (invalid bytes are shown one at a time as `(bad)`).
pub fn disasm_line(bytes: &[u8], ip: u64) -> (usize, String) {
    if bytes.is_empty() {
        return (1, format!("{ip:08x}: (bad) ; no bytes"));
    }
    let res = crate::decode(bytes, ip);
    let len = match &res {
        Ok(i) => i.len as usize,
        Err(DecodeError::Unsupported { len, .. }) => *len as usize,
        Err(_) => 1,
    }
    .clamp(1, bytes.len());
    let mut s = String::with_capacity(80);
    let _ = write!(s, "{ip:08x}: ");
    let mut hexw = 0;
    for b in &bytes[..len] {
        let _ = write!(s, "{b:02x} ");
        hexw += 3;
    }
    while hexw < 30 {
        s.push(' ');
        hexw += 1;
    }
    s.push(' ');
    s.push_str(&format_result(&res, ip));
    (len, s)
}
