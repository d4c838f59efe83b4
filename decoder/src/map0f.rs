//! The two-byte opcode map (0F xx) and the escapes to 0F38 / 0F3A.
//!
//! SSE opcodes go through the static tables in [`crate::sse_table`]; the
//! general-purpose opcodes of this map are handled here.

use crate::cursor::{invalid, Cursor, Rep, R};
use crate::sse_table::{F, SSE_0F, SSE_0F38, SSE_0F3A};
use crate::{sse, Extension, Op, Operand};

const BT_OPS: [Op; 4] = [Op::Bt, Op::Bts, Op::Btr, Op::Btc];

/// Decode after the 0F escape byte.
pub(crate) fn decode(c: &mut Cursor<'_>) -> R<()> {
    let opc = c.u8();
    match opc {
        0x38 => return map0f38(c),
        0x3A => return map0f3a(c),
        _ => {}
    }
    let e = SSE_0F[opc as usize][sse::column(c)];
    if e.f != F::Inv {
        return sse::decode(c, e);
    }
    let osz = c.osz();
    match opc {
        0x40..=0x4F => {
            c.read_modrm();
            c.insn.ops[0] = c.gpr(c.reg(), osz);
            c.insn.ops[1] = c.rm_gpr(osz);
            c.done(
                Op::ALL[Op::Cmovo as usize + (opc & 15) as usize],
                osz,
                false,
            )
        }
        0x80..=0x8F => {
            let rel = c.imm_s(4);
            c.insn.imm = c.target(rel);
            c.insn.ops[0] = Operand::Imm { size: 8 };
            c.done(Op::ALL[Op::Jo as usize + (opc & 15) as usize], 8, false)
        }
        0x90..=0x9F => {
            c.read_modrm();
            c.insn.ops[0] = c.rm_gpr(1);
            c.done(Op::ALL[Op::Seto as usize + (opc & 15) as usize], 1, false)
        }
        0xA2 => c.done(Op::Cpuid, 0, false),
        0xA3 | 0xAB | 0xB3 | 0xBB => {
            c.read_modrm();
            c.insn.ops[0] = c.rm_gpr(osz);
            c.insn.ops[1] = c.gpr(c.reg(), osz);
            let op = BT_OPS[((opc >> 3) & 3) as usize];
            c.done(op, osz, op != Op::Bt)
        }
        0xBA => {
            c.read_modrm();
            let r = (c.modrm >> 3) & 7;
            if r < 4 {
                return invalid("0F BA /0..3");
            }
            c.insn.ops[0] = c.rm_gpr(osz);
            c.insn.imm = c.u8() as u64;
            c.insn.ops[1] = Operand::Imm { size: 1 };
            let op = BT_OPS[(r & 3) as usize];
            c.done(op, osz, op != Op::Bt)
        }
        0xA4 | 0xA5 | 0xAC | 0xAD => {
            c.read_modrm();
            c.insn.ops[0] = c.rm_gpr(osz);
            c.insn.ops[1] = c.gpr(c.reg(), osz);
            if opc & 1 == 0 {
                c.insn.imm = c.u8() as u64;
                c.insn.ops[2] = Operand::Imm { size: 1 };
            } else {
                c.insn.ops[2] = Operand::Gpr { reg: 1, size: 1 };
            }
            c.done(if opc < 0xA8 { Op::Shld } else { Op::Shrd }, osz, false)
        }
        0xAF => {
            c.read_modrm();
            c.insn.ops[0] = c.gpr(c.reg(), osz);
            c.insn.ops[1] = c.rm_gpr(osz);
            c.done(Op::Imul, osz, false)
        }
        0xB0 | 0xB1 | 0xC0 | 0xC1 => {
            c.read_modrm();
            let sz = if opc & 1 == 0 { 1 } else { osz };
            c.insn.ops[0] = c.rm_gpr(sz);
            c.insn.ops[1] = c.gpr(c.reg(), sz);
            c.done(if opc < 0xC0 { Op::Cmpxchg } else { Op::Xadd }, sz, true)
        }
        0xB6 | 0xB7 | 0xBE | 0xBF => {
            c.read_modrm();
            let ssz = if opc & 1 == 0 { 1 } else { 2 };
            c.insn.ops[0] = c.gpr(c.reg(), osz);
            c.insn.ops[1] = c.rm_gpr(ssz);
            c.done(if opc < 0xB8 { Op::Movzx } else { Op::Movsx }, osz, false)
        }
        0xB8 => {
            if c.rep != Rep::F3 {
                return invalid("0F B8 without F3 (jmpe) is not valid in 64-bit mode");
            }
            bitcount(c, Op::Popcnt, osz)
        }
        0xBC | 0xBD => {
            c.read_modrm();
            let op = match (c.rep == Rep::F3, opc) {
                (true, 0xBC) => Op::Tzcnt,
                (true, _) => Op::Lzcnt,
                (false, 0xBC) => Op::Bsf,
                (false, _) => Op::Bsr,
            };
            c.insn.ops[0] = c.gpr(c.reg(), osz);
            c.insn.ops[1] = c.rm_gpr(osz);
            c.done(op, osz, false)
        }
        0xC3 => {
            c.read_modrm();
            if c.rep != Rep::None || c.p66 {
                return invalid("movnti with a mandatory prefix");
            }
            let sz = if c.w { 8 } else { 4 };
            c.insn.ops[0] = c.rm_mem_only(sz)?;
            c.insn.ops[1] = Operand::Gpr {
                reg: c.reg(),
                size: sz,
            };
            c.done(Op::Movnti, sz, false)
        }
        0xC7 => grp9(c),
        0xC8..=0xCF => {
            let r = (opc & 7) | c.rex_b;
            if osz == 2 {
                // bswap r16 is architecturally undefined.
                return c.unsupported("bswap", Extension::Other);
            }
            c.insn.ops[0] = Operand::Gpr { reg: r, size: osz };
            c.done(Op::Bswap, osz, false)
        }
        0x0B => c.done(Op::Ud2, 0, false),
        0x18 => {
            c.read_modrm();
            let r = (c.modrm >> 3) & 7;
            if !c.is_reg_form() && r >= 6 {
                c.mem();
                return c.unsupported(
                    if r == 7 { "prefetchit0" } else { "prefetchit1" },
                    Extension::Other,
                );
            }
            if c.is_reg_form() || r >= 4 {
                return reserved_nop(c);
            }
            c.mem();
            c.insn.ops[0] = Operand::Mem { size: 0 };
            let op = [
                Op::Prefetchnta,
                Op::Prefetcht0,
                Op::Prefetcht1,
                Op::Prefetcht2,
            ][r as usize];
            c.done(op, 0, false)
        }
        0x0D => {
            c.read_modrm();
            if c.is_reg_form() {
                return reserved_nop(c);
            }
            c.mem();
            match (c.modrm >> 3) & 7 {
                // /3 is a reserved prefetch that iced (and the CPU) treat as prefetchw.
                1 | 3 => {
                    c.insn.ops[0] = Operand::Mem { size: 0 };
                    c.done(Op::Prefetchw, 0, false)
                }
                2 => c.unsupported("prefetchwt1", Extension::Other),
                _ => c.unsupported("prefetch", Extension::Other),
            }
        }
        0x19..=0x1F => {
            c.read_modrm();
            if opc == 0x1C
                && !c.is_reg_form()
                && (c.modrm >> 3) & 7 == 0
                && c.rep == Rep::None
                && !c.p66
            {
                c.mem();
                return c.unsupported("cldemote", Extension::Other);
            }
            if opc == 0x1F && (c.modrm >> 3) & 7 == 0 {
                // The documented multi-byte NOP: a single r/m operand.
                let osz = c.osz();
                c.insn.ops[0] = if c.is_reg_form() {
                    Operand::Gpr {
                        reg: c.rm(),
                        size: osz,
                    }
                } else {
                    c.mem();
                    Operand::Mem { size: 0 }
                };
                return c.done(Op::Nop, osz, false);
            }
            if opc == 0x1E && c.rep == Rep::F3 {
                match c.modrm {
                    0xFA => return c.done(Op::Endbr64, 0, false),
                    0xFB => return c.unsupported("endbr32", Extension::Other),
                    m if m >> 3 == 0x19 => {
                        return c
                            .unsupported(if c.w { "rdsspq" } else { "rdsspd" }, Extension::Other)
                    }
                    _ => {}
                }
            }
            reserved_nop(c)
        }
        0xAE => grp15(c),
        _ if is_sse_row(opc) => invalid("undefined SSE opcode/prefix combination"),
        _ => other(c, opc),
    }
}

/// Whether the opcode's row in the 0F SSE table is used at all (then an
/// all-invalid column means invalid, not "look elsewhere").
fn is_sse_row(opc: u8) -> bool {
    SSE_0F[opc as usize].iter().any(|e| e.f != F::Inv)
}

fn bitcount(c: &mut Cursor<'_>, op: Op, osz: u8) -> R<()> {
    c.read_modrm();
    c.insn.ops[0] = c.gpr(c.reg(), osz);
    c.insn.ops[1] = c.rm_gpr(osz);
    c.done(op, osz, false)
}

/// 0F 18..1F forms that are architecturally NOPs with a ModRM operand.
fn reserved_nop(c: &mut Cursor<'_>) -> R<()> {
    let osz = c.osz();
    c.insn.ops[0] = if c.is_reg_form() {
        Operand::Gpr {
            reg: c.rm(),
            size: osz,
        }
    } else {
        c.mem();
        Operand::Mem { size: 0 }
    };
    c.insn.ops[1] = Operand::Gpr {
        reg: c.reg(),
        size: osz,
    };
    c.done(Op::Nop, osz, false)
}

/// 0F C7: cmpxchg8b/16b, rdrand/rdseed/rdpid, VMX.
fn grp9(c: &mut Cursor<'_>) -> R<()> {
    c.read_modrm();
    let r = (c.modrm >> 3) & 7;
    if c.is_reg_form() {
        return match (r, c.rep) {
            (6, Rep::None) => c.unsupported("rdrand", Extension::NonDeterministic),
            (7, Rep::None) => c.unsupported("rdseed", Extension::NonDeterministic),
            (7, Rep::F3) => c.unsupported("rdpid", Extension::NonDeterministic),
            (6, Rep::F3) => c.unsupported("senduipi", Extension::Privileged),
            _ => invalid("0F C7 register form"),
        };
    }
    if matches!(r, 3 | 4 | 5 | 7) && (c.rep != Rep::None || c.p66) {
        return invalid("0F C7 form with a mandatory prefix");
    }
    match r {
        1 => {
            let (op, sz) = if c.w {
                (Op::Cmpxchg16b, 16)
            } else {
                (Op::Cmpxchg8b, 8)
            };
            c.insn.ops[0] = c.rm_mem_only(sz)?;
            let osz = if c.w { 8 } else { 4 };
            c.done(op, osz, true)
        }
        3 => {
            c.mem();
            c.unsupported(if c.w { "xrstors64" } else { "xrstors" }, Extension::Other)
        }
        4 => {
            c.mem();
            c.unsupported(if c.w { "xsavec64" } else { "xsavec" }, Extension::Other)
        }
        5 => {
            c.mem();
            c.unsupported(if c.w { "xsaves64" } else { "xsaves" }, Extension::Other)
        }
        6 => {
            c.mem();
            let n = match (c.rep, c.p66) {
                (Rep::F3, _) => "vmxon",
                (Rep::None, true) => "vmclear",
                (Rep::None, false) => "vmptrld",
                _ => return invalid("0F C7 /6 with F2"),
            };
            c.unsupported(n, Extension::Privileged)
        }
        7 => {
            c.mem();
            if c.rep != Rep::None {
                return invalid("0F C7 /7 with F2/F3");
            }
            c.unsupported("vmptrst", Extension::Privileged)
        }
        _ => invalid("0F C7 /0 or /2"),
    }
}

/// 0F AE: fences, ldmxcsr/stmxcsr, clflush, fxsave/xsave family, fs/gs base.
fn grp15(c: &mut Cursor<'_>) -> R<()> {
    c.read_modrm();
    let r = (c.modrm >> 3) & 7;
    if c.is_reg_form() {
        return match (c.rep, c.p66, r) {
            (Rep::None, false, 5) => c.done(Op::Lfence, 0, false),
            (Rep::None, false, 6) => c.done(Op::Mfence, 0, false),
            (Rep::None, false, 7) => c.done(Op::Sfence, 0, false),
            (Rep::F3, _, 0) => c.unsupported("rdfsbase", Extension::Other),
            (Rep::F3, _, 1) => c.unsupported("rdgsbase", Extension::Other),
            (Rep::F3, _, 2) => c.unsupported("wrfsbase", Extension::Other),
            (Rep::F3, _, 3) => c.unsupported("wrgsbase", Extension::Other),
            (Rep::F3, _, 5) => {
                c.unsupported(if c.w { "incsspq" } else { "incsspd" }, Extension::Other)
            }
            (Rep::F3, _, 6) => c.unsupported("umonitor", Extension::Other),
            (Rep::F3, false, 4) => c.unsupported("ptwrite", Extension::Other),
            (Rep::F2, _, 6) => c.unsupported("umwait", Extension::Other),
            (Rep::None, true, 6) => c.unsupported("tpause", Extension::Other),
            _ => invalid("0F AE register form"),
        };
    }
    c.mem();
    match (c.rep, c.p66, r) {
        (Rep::None, false, 2) => {
            c.insn.ops[0] = Operand::Mem { size: 4 };
            c.done(Op::Ldmxcsr, 4, false)
        }
        (Rep::None, false, 3) => {
            c.insn.ops[0] = Operand::Mem { size: 4 };
            c.done(Op::Stmxcsr, 4, false)
        }
        (Rep::None, false, 7) => {
            c.insn.ops[0] = Operand::Mem { size: 0 };
            c.done(Op::Clflush, 0, false)
        }
        (Rep::None, true, 7) => c.unsupported("clflushopt", Extension::Other),
        (Rep::None, true, 6) => c.unsupported("clwb", Extension::Other),
        (Rep::None, false, n) => c.unsupported(
            match (n, c.w) {
                (0, false) => "fxsave",
                (0, true) => "fxsave64",
                (1, false) => "fxrstor",
                (1, true) => "fxrstor64",
                (4, false) => "xsave",
                (4, true) => "xsave64",
                (5, false) => "xrstor",
                (5, true) => "xrstor64",
                (_, false) => "xsaveopt",
                (_, true) => "xsaveopt64",
            },
            Extension::Other,
        ),
        (Rep::F3, false, 4) => c.unsupported("ptwrite", Extension::Other),
        (Rep::F3, _, 6) => c.unsupported("clrssbsy", Extension::Other),
        _ => invalid("0F AE memory form with this prefix"),
    }
}

/// Remaining 0F opcodes: system, segmentation and other unsupported forms.
fn other(c: &mut Cursor<'_>, opc: u8) -> R<()> {
    let (name, ext) = match opc {
        0x00 => {
            c.read_modrm();
            let r = (c.modrm >> 3) & 7;
            let n = match (r, c.rep) {
                (6, Rep::F2) => "lkgs",
                _ => ["sldt", "str", "lldt", "ltr", "verr", "verw", "", ""][r as usize],
            };
            if n.is_empty() {
                return invalid("0F 00 /6../7");
            }
            c.skip_modrm_mem();
            (n, Extension::Privileged)
        }
        0x01 => return grp7(c),
        0x02 | 0x03 => {
            c.read_modrm();
            c.skip_modrm_mem();
            (
                if opc == 2 { "lar" } else { "lsl" },
                Extension::Segmentation,
            )
        }
        0x05 => ("syscall", Extension::SystemCall),
        0x06 => ("clts", Extension::Privileged),
        0x07 => (
            if c.w { "sysretq" } else { "sysret" },
            Extension::SystemCall,
        ),
        0x08 => ("invd", Extension::Privileged),
        0x09 => (
            if c.rep == Rep::F3 {
                "wbnoinvd"
            } else {
                "wbinvd"
            },
            Extension::Privileged,
        ),
        0x0E => ("femms", Extension::Other),
        0x0F => {
            c.read_modrm();
            c.skip_modrm_mem();
            // 3DNow!: the operation is selected by a trailing opcode byte.
            let n = match c.u8() {
                0x0C => "pi2fw",
                0x0D => "pi2fd",
                0x1C => "pf2iw",
                0x1D => "pf2id",
                0x8A => "pfnacc",
                0x8E => "pfpnacc",
                0x90 => "pfcmpge",
                0x94 => "pfmin",
                0x96 => "pfrcp",
                0x97 => "pfrsqrt",
                0x9A => "pfsub",
                0x9E => "pfadd",
                0xA0 => "pfcmpgt",
                0xA4 => "pfmax",
                0xA6 => "pfrcpit1",
                0xA7 => "pfrsqit1",
                0xAA => "pfsubr",
                0xAE => "pfacc",
                0xB0 => "pfcmpeq",
                0xB4 => "pfmul",
                0xB6 => "pfrcpit2",
                0xB7 => "pmulhrw",
                0xBB => "pswapd",
                0xBF => "pavgusb",
                _ => return invalid("undefined 3DNow! opcode"),
            };
            (n, Extension::Other)
        }
        0x20..=0x23 => {
            c.read_modrm();
            let r = (c.modrm >> 3) & 7 | c.rex_r;
            if opc & 1 == 0 && !matches!(r, 0 | 2 | 3 | 4 | 8) {
                return invalid("mov to/from an undefined control register");
            }
            if opc & 1 == 1 && r >= 8 {
                return invalid("mov to/from an undefined debug register");
            }
            ("mov", Extension::Privileged)
        }
        0x30 => ("wrmsr", Extension::Privileged),
        0x31 => ("rdtsc", Extension::NonDeterministic),
        0x32 => ("rdmsr", Extension::Privileged),
        0x33 => ("rdpmc", Extension::NonDeterministic),
        0x34 => ("sysenter", Extension::SystemCall),
        0x35 => (
            if c.w { "sysexitq" } else { "sysexit" },
            Extension::SystemCall,
        ),
        0x37 if c.rep == Rep::None && !c.p66 => (
            if c.w { "getsecq" } else { "getsec" },
            Extension::Privileged,
        ),
        0x77 => {
            if c.rep != Rep::None || c.p66 {
                return invalid("emms with a prefix");
            }
            ("emms", Extension::Mmx)
        }
        0x78 | 0x79 => {
            c.read_modrm();
            match (c.rep, c.p66, opc) {
                (Rep::None, false, _) => {
                    c.skip_modrm_mem();
                    (
                        if opc == 0x78 { "vmread" } else { "vmwrite" },
                        Extension::Privileged,
                    )
                }
                (Rep::None, true, 0x78) if c.is_reg_form() && (c.modrm >> 3) & 7 == 0 => {
                    c.skip(2);
                    ("extrq", Extension::Other)
                }
                (Rep::None, true, 0x79) if c.is_reg_form() => ("extrq", Extension::Other),
                (Rep::F2, _, 0x78) if c.is_reg_form() => {
                    c.skip(2);
                    ("insertq", Extension::Other)
                }
                (Rep::F2, _, 0x79) if c.is_reg_form() => ("insertq", Extension::Other),
                _ => return invalid("0F 78/79 form"),
            }
        }
        0xA0 => ("push", Extension::Segmentation),
        0xA1 => ("pop", Extension::Segmentation),
        0xA6 | 0xA7 => {
            // VIA PadLock (rep xstore, xcrypt*, xsha*): register form only.
            c.read_modrm();
            if !c.is_reg_form() {
                return invalid("PadLock instruction with a memory operand");
            }
            let r = ((c.modrm >> 3) & 7) as usize;
            if (c.rep != Rep::F3 && !(opc == 0xA7 && r == 0)) || (opc == 0xA6 && r == 0) {
                return invalid("PadLock instruction without F3");
            }
            let n = if opc == 0xA6 {
                [
                    "montmul",
                    "xsha1",
                    "xsha256",
                    "xsha512_alt",
                    "xsha512",
                    "ccs_hash",
                    "undoc",
                    "undoc",
                ][r]
            } else {
                [
                    "xstore",
                    "xcryptecb",
                    "xcryptcbc",
                    "xcryptctr",
                    "xcryptcfb",
                    "xcryptofb",
                    "ccs_encrypt",
                    "xstore_alt",
                ][r]
            };
            (n, Extension::Other)
        }
        0xA8 => ("push", Extension::Segmentation),
        0xA9 => ("pop", Extension::Segmentation),
        0xAA => ("rsm", Extension::Privileged),
        0xB2 | 0xB4 | 0xB5 => {
            c.read_modrm();
            if c.is_reg_form() {
                return invalid("lss/lfs/lgs with a register operand");
            }
            c.mem();
            (
                match opc {
                    0xB2 => "lss",
                    0xB4 => "lfs",
                    _ => "lgs",
                },
                Extension::Segmentation,
            )
        }
        0xB9 => {
            c.read_modrm();
            c.skip_modrm_mem();
            ("ud1", Extension::Other)
        }
        0xFF => {
            c.read_modrm();
            c.skip_modrm_mem();
            ("ud0", Extension::Other)
        }
        _ => return invalid("undefined 0F opcode"),
    };
    c.unsupported(name, ext)
}

/// 0F 01: descriptor tables and a large set of mod=3 system instructions.
fn grp7(c: &mut Cursor<'_>) -> R<()> {
    c.read_modrm();
    let r = (c.modrm >> 3) & 7;
    if !c.is_reg_form() {
        c.mem();
        let n = match (r, c.rep) {
            (0, _) => "sgdt",
            (1, _) => "sidt",
            (2, _) => "lgdt",
            (3, _) => "lidt",
            (4, _) => "smsw",
            (5, Rep::F3) => "rstorssp",
            (6, _) => "lmsw",
            (7, _) => "invlpg",
            _ => return invalid("0F 01 /5 memory form"),
        };
        return c.unsupported(n, Extension::Privileged);
    }
    let (n, ext) = match (c.modrm, c.rep, c.p66) {
        (0xC1, Rep::None, false) => ("vmcall", Extension::Privileged),
        (0xC2, Rep::None, false) => ("vmlaunch", Extension::Privileged),
        (0xC3, Rep::None, false) => ("vmresume", Extension::Privileged),
        (0xC4, Rep::None, false) => ("vmxoff", Extension::Privileged),
        (0xC8, Rep::None, false) => ("monitor", Extension::Privileged),
        (0xC9, Rep::None, false) => ("mwait", Extension::Privileged),
        (0xCA, Rep::None, false) => ("clac", Extension::Privileged),
        (0xCB, Rep::None, false) => ("stac", Extension::Privileged),
        (0xCF, Rep::None, false) => ("encls", Extension::Privileged),
        (0xD0, Rep::None, false) => ("xgetbv", Extension::Other),
        (0xD1, Rep::None, false) => ("xsetbv", Extension::Privileged),
        (0xD4, Rep::None, false) => ("vmfunc", Extension::Privileged),
        (0xD5, Rep::None, false) => ("xend", Extension::Other),
        (0xD6, Rep::None, false) => ("xtest", Extension::Other),
        (0xD7, Rep::None, false) => ("enclu", Extension::Other),
        (0xE8, Rep::F3, _) => ("setssbsy", Extension::Privileged),
        (0xEA, Rep::F3, _) => ("saveprevssp", Extension::Other),
        (0xEE, Rep::None, false) => ("rdpkru", Extension::Other),
        (0xEF, Rep::None, false) => ("wrpkru", Extension::Other),
        (0xF8, Rep::None, false) => ("swapgs", Extension::Segmentation),
        (0xF9, _, _) => ("rdtscp", Extension::NonDeterministic),
        (0xFA, Rep::None, false) => ("monitorx", Extension::Privileged),
        (0xFB, Rep::None, false) => ("mwaitx", Extension::Privileged),
        (0xFC, _, _) => ("clzero", Extension::Other),
        (0xFD, Rep::None, false) => ("rdpru", Extension::NonDeterministic),
        (0xD8, _, _) => ("vmrun", Extension::Privileged),
        (0xD9, Rep::F2 | Rep::F3, _) => ("vmgexit", Extension::Privileged),
        (0xD9, _, _) => ("vmmcall", Extension::Privileged),
        (0xDA, _, _) => ("vmload", Extension::Privileged),
        (0xDB, _, _) => ("vmsave", Extension::Privileged),
        (0xDC, _, _) => ("stgi", Extension::Privileged),
        (0xDD, _, _) => ("clgi", Extension::Privileged),
        (0xDE, _, _) => ("skinit", Extension::Privileged),
        (0xDF, _, _) => ("invlpga", Extension::Privileged),
        (0xF8, _, _) => ("swapgs", Extension::Segmentation),
        (0xE8, Rep::None, false) => ("serialize", Extension::Other),
        (0xE8, Rep::F2, _) => ("xsusldtrk", Extension::Other),
        (0xE9, Rep::F2, _) => ("xresldtrk", Extension::Other),
        (0xEC, Rep::F3, _) => ("uiret", Extension::Privileged),
        (0xED, Rep::F3, _) => ("testui", Extension::Privileged),
        (0xEE, Rep::F3, _) => ("clui", Extension::Privileged),
        (0xEF, Rep::F3, _) => ("stui", Extension::Privileged),
        (0xFA, Rep::F3, _) => ("mcommit", Extension::Privileged),
        (0xFD, Rep::F3, _) => ("rmpquery", Extension::Privileged),
        (0xFE, Rep::None, false) => ("invlpgb", Extension::Privileged),
        (0xFF, Rep::None, false) => ("tlbsync", Extension::Privileged),
        (0xFE, Rep::F3, _) => ("rmpadjust", Extension::Privileged),
        (0xFE, Rep::F2, _) => ("rmpupdate", Extension::Privileged),
        (0xFF, Rep::F3, _) => ("psmash", Extension::Privileged),
        (0xFF, Rep::F2, _) => ("pvalidate", Extension::Privileged),
        (0xC6, Rep::F2, _) => ("rdmsrlist", Extension::Privileged),
        (0xC6, Rep::F3, _) => ("wrmsrlist", Extension::Privileged),
        (0xC5, Rep::None, false) => ("pconfig", Extension::Privileged),
        (0xC0, Rep::None, false) => ("enclv", Extension::Privileged),
        (0xC6, Rep::None, false) => ("wrmsrns", Extension::Privileged),
        (0xC7, Rep::None, false) => ("pbndkb", Extension::Other),
        (0xCA, Rep::F3, _) => ("eretu", Extension::Privileged),
        (0xCA, Rep::F2, _) => ("erets", Extension::Privileged),
        (0xCC, Rep::None, true) => ("tdcall", Extension::Privileged),
        (0xCD, Rep::None, true) => ("seamret", Extension::Privileged),
        (0xCE, Rep::None, true) => ("seamops", Extension::Privileged),
        (0xCF, Rep::None, true) => ("seamcall", Extension::Privileged),
        (m, _, _) if (m >> 3) & 7 == 4 => ("smsw", Extension::Privileged),
        (m, _, _) if (m >> 3) & 7 == 6 => ("lmsw", Extension::Privileged),
        _ => return invalid("undefined 0F 01 register form"),
    };
    c.unsupported(n, ext)
}

/// 0F 38 xx.
fn map0f38(c: &mut Cursor<'_>) -> R<()> {
    let opc = c.u8();
    let col = sse::column(c);
    let e = SSE_0F38[opc as usize][col];
    if e.f != F::Inv {
        return sse::decode(c, e);
    }
    match opc {
        0xF0 | 0xF1 => {
            c.read_modrm();
            if c.rep == Rep::F2 {
                // crc32 r32/64, r/m8|16|32|64
                let dsz = if c.w { 8 } else { 4 };
                let ssz = if opc == 0xF0 { 1 } else { c.osz() };
                c.insn.ops[0] = Operand::Gpr {
                    reg: c.reg(),
                    size: dsz,
                };
                c.insn.ops[1] = c.rm_gpr(ssz);
                return c.done(Op::Crc32, ssz, false);
            }
            if c.rep == Rep::F3 {
                return invalid("0F 38 F0/F1 with F3");
            }
            let osz = c.osz();
            if opc == 0xF0 {
                c.insn.ops[0] = Operand::Gpr {
                    reg: c.reg(),
                    size: osz,
                };
                c.insn.ops[1] = c.rm_mem_only(osz)?;
            } else {
                c.insn.ops[0] = c.rm_mem_only(osz)?;
                c.insn.ops[1] = Operand::Gpr {
                    reg: c.reg(),
                    size: osz,
                };
            }
            c.done(Op::Movbe, osz, false)
        }
        0xF6 => {
            c.read_modrm();
            let n = match (c.rep, c.p66) {
                (Rep::None, true) => "adcx",
                (Rep::F3, _) => "adox",
                (Rep::None, false) if !c.is_reg_form() => {
                    if c.w {
                        "wrssq"
                    } else {
                        "wrssd"
                    }
                }
                _ => return invalid("0F 38 F6 form"),
            };
            c.skip_modrm_mem();
            c.unsupported(n, Extension::Other)
        }
        0xF5 if c.p66 && c.rep == Rep::None => {
            c.read_modrm();
            if c.is_reg_form() {
                return invalid("wruss register form");
            }
            c.mem();
            c.unsupported(if c.w { "wrussq" } else { "wrussd" }, Extension::Other)
        }
        0xD8 | 0xDC..=0xDF | 0xFA | 0xFB if c.rep == Rep::F3 => {
            // Key Locker.
            c.read_modrm();
            let r = ((c.modrm >> 3) & 7) as usize;
            let n = match (opc, c.is_reg_form()) {
                (0xDC, true) => "loadiwkey",
                (0xFA, true) => "encodekey128",
                (0xFB, true) => "encodekey256",
                (0xD8, false) if r < 4 => [
                    "aesencwide128kl",
                    "aesdecwide128kl",
                    "aesencwide256kl",
                    "aesdecwide256kl",
                ][r],
                (0xDC, false) => "aesenc128kl",
                (0xDD, false) => "aesdec128kl",
                (0xDE, false) => "aesenc256kl",
                (0xDF, false) => "aesdec256kl",
                _ => return invalid("undefined Key Locker form"),
            };
            c.skip_modrm_mem();
            c.unsupported(n, Extension::Other)
        }
        0xFC => {
            c.read_modrm();
            if c.is_reg_form() {
                return invalid("RAO-INT instruction with a register operand");
            }
            c.mem();
            let n = match (c.rep, c.p66) {
                (Rep::None, false) => "aadd",
                (Rep::None, true) => "aand",
                (Rep::F2, _) => "aor",
                (Rep::F3, _) => "axor",
            };
            c.unsupported(n, Extension::Other)
        }
        0xF8 => {
            c.read_modrm();
            if c.is_reg_form() {
                return invalid("0F 38 F8 register form");
            }
            c.mem();
            let n = match (c.rep, c.p66) {
                (Rep::None, true) => "movdir64b",
                (Rep::F2, _) => "enqcmd",
                (Rep::F3, _) => "enqcmds",
                _ => return invalid("0F 38 F8 without prefix"),
            };
            c.unsupported(n, Extension::Other)
        }
        0xF9 if c.rep == Rep::None && !c.p66 => {
            c.read_modrm();
            if c.is_reg_form() {
                return invalid("movdiri register form");
            }
            c.mem();
            c.unsupported("movdiri", Extension::Other)
        }
        0x80..=0x82 if c.p66 && c.rep == Rep::None => {
            c.read_modrm();
            if c.is_reg_form() {
                return invalid("invept/invvpid/invpcid register form");
            }
            c.mem();
            c.unsupported(
                ["invept", "invvpid", "invpcid"][(opc - 0x80) as usize],
                Extension::Privileged,
            )
        }
        _ => invalid("undefined 0F 38 opcode"),
    }
}

/// 0F 3A xx.
fn map0f3a(c: &mut Cursor<'_>) -> R<()> {
    let opc = c.u8();
    let e = SSE_0F3A[opc as usize][sse::column(c)];
    if e.f != F::Inv {
        return sse::decode(c, e);
    }
    invalid("undefined 0F 3A opcode")
}
