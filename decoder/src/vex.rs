//! VEX (C4/C5), EVEX (62) and XOP (8F) encodings.
//!
//! echovm executes only the BMI1/BMI2 general-purpose instructions among them;
//! every other VEX/EVEX/XOP instruction is decoded to its exact length and a
//! mnemonic ("v" + the legacy SSE mnemonic where one exists) and reported as
//! unsupported.

use crate::cursor::{invalid, Cursor, Rep, R};
use crate::sse_table::{F, SSE_0F, SSE_0F38, SSE_0F3A};
use crate::{Extension, Op, Operand};

/// Fields of a VEX/XOP prefix.
struct Vex {
    map: u8,
    pp: u8,
    l: u8,
    vvvv: u8,
}

/// Prefixes that make a following VEX/EVEX/XOP prefix invalid.
#[inline]
fn check_legacy(c: &Cursor<'_>) -> R<()> {
    if c.has_rex || c.p66 || c.rep != Rep::None {
        return invalid("REX, 66, F2 or F3 before a VEX/EVEX/XOP prefix");
    }
    Ok(())
}

pub(crate) fn vex2(c: &mut Cursor<'_>) -> R<()> {
    check_legacy(c)?;
    let b = c.u8();
    c.rex_r = if b & 0x80 == 0 { 8 } else { 0 };
    c.rex_x = 0;
    c.rex_b = 0;
    c.w = false;
    let v = Vex {
        map: 1,
        pp: b & 3,
        l: (b >> 2) & 1,
        vvvv: (!b >> 3) & 15,
    };
    body(c, v)
}

pub(crate) fn vex3(c: &mut Cursor<'_>) -> R<()> {
    check_legacy(c)?;
    let b1 = c.u8();
    let b2 = c.u8();
    c.rex_r = if b1 & 0x80 == 0 { 8 } else { 0 };
    c.rex_x = if b1 & 0x40 == 0 { 8 } else { 0 };
    c.rex_b = if b1 & 0x20 == 0 { 8 } else { 0 };
    c.w = b2 & 0x80 != 0;
    let map = b1 & 0x1F;
    if !(1..=3).contains(&map) {
        return invalid("VEX map select other than 0F, 0F38, 0F3A");
    }
    let v = Vex {
        map,
        pp: b2 & 3,
        l: (b2 >> 2) & 1,
        vvvv: (!b2 >> 3) & 15,
    };
    body(c, v)
}

/// General register operand size of BMI forms: REX.W-like VEX.W selects 64 bits.
#[inline]
fn bsz(c: &Cursor<'_>) -> u8 {
    if c.w {
        8
    } else {
        4
    }
}

fn body(c: &mut Cursor<'_>, v: Vex) -> R<()> {
    let opc = c.u8();
    if v.map == 2 && matches!(opc, 0xF2 | 0xF3 | 0xF5 | 0xF6 | 0xF7) || v.map == 3 && opc == 0xF0 {
        if let Some(op) = bmi(&v, opc) {
            return bmi_operands(c, &v, op);
        }
    }
    // Unsupported AVX: compute the length, find a name.
    let has_modrm = !(v.map == 1 && opc == 0x77);
    if has_modrm {
        c.read_modrm();
    }
    let (name, imm) = avx_name(
        &v,
        opc,
        c.w,
        has_modrm && c.is_reg_form(),
        (c.modrm >> 3) & 7,
    );
    if name.is_empty() {
        return invalid("undefined VEX opcode");
    }
    if has_modrm {
        c.skip_modrm_mem();
    }
    c.skip(imm);
    c.unsupported(name, Extension::Avx)
}

/// BMI1/BMI2. Returns `None` when the opcode/prefix is not a BMI form.
fn bmi(v: &Vex, opc: u8) -> Option<Op> {
    let op = match (v.map, opc, v.pp) {
        (2, 0xF2, 0) => Op::Andn,
        (2, 0xF3, 0) => Op::Blsr, // refined by modrm.reg below
        (2, 0xF5, 0) => Op::Bzhi,
        (2, 0xF5, 2) => Op::Pext,
        (2, 0xF5, 3) => Op::Pdep,
        (2, 0xF6, 3) => Op::Mulx,
        (2, 0xF7, 0) => Op::Bextr,
        (2, 0xF7, 1) => Op::Shlx,
        (2, 0xF7, 2) => Op::Sarx,
        (2, 0xF7, 3) => Op::Shrx,
        (3, 0xF0, 3) => Op::Rorx,
        _ => return None,
    };
    Some(op)
}

fn bmi_operands(c2: &mut Cursor<'_>, v: &Vex, mut op: Op) -> R<()> {
    c2.read_modrm();
    if v.l != 0 {
        return invalid("BMI instruction with VEX.L=1");
    }
    let sz = bsz(c2);
    let reg = Operand::Gpr {
        reg: c2.reg(),
        size: sz,
    };
    let vv = Operand::Gpr {
        reg: v.vvvv,
        size: sz,
    };
    let rm = c2.rm_gpr(sz);
    match op {
        Op::Andn | Op::Pext | Op::Pdep | Op::Mulx => {
            c2.insn.ops[0] = reg;
            c2.insn.ops[1] = vv;
            c2.insn.ops[2] = rm;
        }
        Op::Bzhi | Op::Bextr | Op::Shlx | Op::Sarx | Op::Shrx => {
            c2.insn.ops[0] = reg;
            c2.insn.ops[1] = rm;
            c2.insn.ops[2] = vv;
        }
        Op::Rorx => {
            if v.vvvv != 0 {
                return invalid("rorx with VEX.vvvv != 1111");
            }
            c2.insn.ops[0] = reg;
            c2.insn.ops[1] = rm;
            c2.insn.imm = c2.u8() as u64;
            c2.insn.ops[2] = Operand::Imm { size: 1 };
        }
        _ => {
            op = match (c2.modrm >> 3) & 7 {
                1 => Op::Blsr,
                2 => Op::Blsmsk,
                3 => Op::Blsi,
                _ => return invalid("VEX 0F38 F3 /0 or /4..7"),
            };
            c2.insn.ops[0] = vv;
            c2.insn.ops[1] = rm;
        }
    }
    c2.done(op, sz, false)
}

/// Legacy-named VEX opcode: the SSE table entry for the same map/opcode/prefix.
fn legacy_entry(map: u8, opc: u8, pp: u8) -> Option<crate::sse_table::S> {
    let t = match map {
        1 => &SSE_0F,
        2 => &SSE_0F38,
        3 => &SSE_0F3A,
        _ => return None,
    };
    let e = t[opc as usize][pp as usize];
    match e.f {
        F::Inv | F::Mmx => None,
        F::U if e.ext == Extension::Mmx => None,
        _ => Some(e),
    }
}

/// "v"-names of the unsupported legacy-form instructions in the SSE tables.
fn v_of(name: &str) -> &'static str {
    match name {
        "rsqrtps" => "vrsqrtps",
        "rsqrtss" => "vrsqrtss",
        "rcpps" => "vrcpps",
        "rcpss" => "vrcpss",
        "aesimc" => "vaesimc",
        "aesenc" => "vaesenc",
        "aesenclast" => "vaesenclast",
        "aesdec" => "vaesdec",
        "aesdeclast" => "vaesdeclast",
        "aeskeygenassist" => "vaeskeygenassist",
        "pclmulqdq" => "vpclmulqdq",
        "gf2p8mulb" => "vgf2p8mulb",
        "gf2p8affineqb" => "vgf2p8affineqb",
        "gf2p8affineinvqb" => "vgf2p8affineinvqb",
        _ => "",
    }
}

/// Name and immediate byte count of an unsupported VEX instruction, or "" when
/// the encoding is undefined.
fn avx_name(v: &Vex, opc: u8, w: bool, reg_form: bool, modrm_reg: u8) -> (&'static str, usize) {
    let imm = match v.map {
        3 => 1,
        1 if matches!(opc, 0x70..=0x73 | 0xC2 | 0xC4..=0xC6) => 1,
        _ => 0,
    };
    if let Some(e) = legacy_entry(v.map, opc, v.pp) {
        // Forms whose name depends on VEX.W or on the register form.
        let op = match (e.op, w) {
            (Op::Movd, true) => Op::Movq,
            (Op::Pinsrd, true) => Op::Pinsrq,
            (Op::Pextrd, true) => Op::Pextrq,
            (Op::Pcmpestri, true) => return ("vpcmpestri64", imm),
            (Op::Pcmpestrm, true) => return ("vpcmpestrm64", imm),
            (_, _) if e.f == F::LoHi && reg_form => e.alt,
            (_, _) if e.f == F::ShImm => match (opc, modrm_reg) {
                (0x71, 2) => Op::Psrlw,
                (0x71, 4) => Op::Psraw,
                (0x71, 6) => Op::Psllw,
                (0x72, 2) => Op::Psrld,
                (0x72, 4) => Op::Psrad,
                (0x72, 6) => Op::Pslld,
                (0x73, 2) => Op::Psrlq,
                (0x73, 3) => Op::Psrldq,
                (0x73, 6) => Op::Psllq,
                (0x73, 7) => Op::Pslldq,
                _ => return ("", imm),
            },
            (op, _) => op,
        };
        let n = if e.f == F::U {
            v_of(e.name)
        } else {
            op.vex_name()
        };
        if !n.is_empty() {
            return (n, imm);
        }
    }
    let n = match (v.map, opc, v.pp) {
        (1, 0x77, 0) => {
            if v.l == 0 {
                "vzeroupper"
            } else {
                "vzeroall"
            }
        }
        (1, 0xAE, 0) if !reg_form && modrm_reg == 2 => "vldmxcsr",
        (1, 0xAE, 0) if !reg_form && modrm_reg == 3 => "vstmxcsr",
        (1, 0x41..=0x4B | 0x90..=0x93 | 0x98 | 0x99, _) => "kmov",
        (2, 0x0C, 1) => "vpermilps",
        (2, 0x0D, 1) => "vpermilpd",
        (2, 0x0E, 1) => "vtestps",
        (2, 0x0F, 1) => "vtestpd",
        (2, 0x13, 1) => "vcvtph2ps",
        (2, 0x16, 1) => "vpermps",
        (2, 0x18, 1) => "vbroadcastss",
        (2, 0x19, 1) => "vbroadcastsd",
        (2, 0x1A, 1) => "vbroadcastf128",
        (2, 0x2C | 0x2E, 1) => "vmaskmovps",
        (2, 0x2D | 0x2F, 1) => "vmaskmovpd",
        (2, 0x36, 1) => "vpermd",
        (2, 0x45, 1) => ["vpsrlvd", "vpsrlvq"][w as usize],
        (2, 0x46, 1) => "vpsravd",
        (2, 0x47, 1) => ["vpsllvd", "vpsllvq"][w as usize],
        (2, 0x58, 1) => "vpbroadcastd",
        (2, 0x59, 1) => "vpbroadcastq",
        (2, 0x5A, 1) => "vbroadcasti128",
        (2, 0x78, 1) => "vpbroadcastb",
        (2, 0x79, 1) => "vpbroadcastw",
        (2, 0x8C | 0x8E, 1) => ["vpmaskmovd", "vpmaskmovq"][w as usize],
        (2, 0x90, 1) => ["vpgatherdd", "vpgatherdq"][w as usize],
        (2, 0x91, 1) => ["vpgatherqd", "vpgatherqq"][w as usize],
        (2, 0x92, 1) => ["vgatherdps", "vgatherdpd"][w as usize],
        (2, 0x93, 1) => ["vgatherqps", "vgatherqpd"][w as usize],
        (2, 0x96..=0x9F | 0xA6..=0xAF | 0xB6..=0xBF, 1) => fma_name(opc, w),
        (2, 0xF3, 0) => "blsr",
        (3, 0x30..=0x33, 1) => "kshift",
        (3, 0x00, 1) => "vpermq",
        (3, 0x01, 1) => "vpermpd",
        (3, 0x02, 1) => "vpblendd",
        (3, 0x04, 1) => "vpermilps",
        (3, 0x05, 1) => "vpermilpd",
        (3, 0x06, 1) => "vperm2f128",
        (3, 0x18, 1) => "vinsertf128",
        (3, 0x19, 1) => "vextractf128",
        (3, 0x1D, 1) => "vcvtps2ph",
        (3, 0x38, 1) => "vinserti128",
        (3, 0x39, 1) => "vextracti128",
        (3, 0x46, 1) => "vperm2i128",
        (3, 0x4A, 1) => "vblendvps",
        (3, 0x4B, 1) => "vblendvpd",
        (3, 0x4C, 1) => "vpblendvb",
        _ => "",
    };
    (n, imm)
}

/// FMA3 mnemonics (VEX.66.0F38 96..9F, A6..AF, B6..BF), `[W0, W1]`.
fn fma_name(opc: u8, w: bool) -> &'static str {
    let n: [&'static str; 2] = match opc {
        0x96 => ["vfmaddsub132ps", "vfmaddsub132pd"],
        0x97 => ["vfmsubadd132ps", "vfmsubadd132pd"],
        0x98 => ["vfmadd132ps", "vfmadd132pd"],
        0x99 => ["vfmadd132ss", "vfmadd132sd"],
        0x9A => ["vfmsub132ps", "vfmsub132pd"],
        0x9B => ["vfmsub132ss", "vfmsub132sd"],
        0x9C => ["vfnmadd132ps", "vfnmadd132pd"],
        0x9D => ["vfnmadd132ss", "vfnmadd132sd"],
        0x9E => ["vfnmsub132ps", "vfnmsub132pd"],
        0x9F => ["vfnmsub132ss", "vfnmsub132sd"],
        0xA6 => ["vfmaddsub213ps", "vfmaddsub213pd"],
        0xA7 => ["vfmsubadd213ps", "vfmsubadd213pd"],
        0xA8 => ["vfmadd213ps", "vfmadd213pd"],
        0xA9 => ["vfmadd213ss", "vfmadd213sd"],
        0xAA => ["vfmsub213ps", "vfmsub213pd"],
        0xAB => ["vfmsub213ss", "vfmsub213sd"],
        0xAC => ["vfnmadd213ps", "vfnmadd213pd"],
        0xAD => ["vfnmadd213ss", "vfnmadd213sd"],
        0xAE => ["vfnmsub213ps", "vfnmsub213pd"],
        0xAF => ["vfnmsub213ss", "vfnmsub213sd"],
        0xB6 => ["vfmaddsub231ps", "vfmaddsub231pd"],
        0xB7 => ["vfmsubadd231ps", "vfmsubadd231pd"],
        0xB8 => ["vfmadd231ps", "vfmadd231pd"],
        0xB9 => ["vfmadd231ss", "vfmadd231sd"],
        0xBA => ["vfmsub231ps", "vfmsub231pd"],
        0xBB => ["vfmsub231ss", "vfmsub231sd"],
        0xBC => ["vfnmadd231ps", "vfnmadd231pd"],
        0xBD => ["vfnmadd231ss", "vfnmadd231sd"],
        0xBE => ["vfnmsub231ps", "vfnmsub231pd"],
        0xBF => ["vfnmsub231ss", "vfnmsub231sd"],
        _ => return "",
    };
    n[w as usize]
}

/// EVEX (AVX-512): `62 P0 P1 P2 opcode modrm ...`.
pub(crate) fn evex(c: &mut Cursor<'_>) -> R<()> {
    check_legacy(c)?;
    let p0 = c.u8();
    let p1 = c.u8();
    let _p2 = c.u8();
    if p0 & 8 != 0 {
        return invalid("EVEX.P0 bit 3 must be 0");
    }
    if p1 & 4 == 0 {
        return invalid("EVEX.P1 bit 2 must be 1");
    }
    let map = p0 & 7;
    if !matches!(map, 1 | 2 | 3 | 5 | 6) {
        return invalid("EVEX map select");
    }
    let opc = c.u8();
    c.rex_b = 0;
    c.rex_x = 0;
    c.read_modrm();
    c.skip_modrm_mem();
    let imm = match map {
        3 => 1,
        1 if matches!(opc, 0x70..=0x73 | 0xC2 | 0xC4..=0xC6) => 1,
        _ => 0,
    };
    c.skip(imm);
    let name = legacy_entry(map, opc, p1 & 3)
        .map(|e| {
            if e.f == F::U {
                v_of(e.name)
            } else {
                e.op.vex_name()
            }
        })
        .filter(|n| !n.is_empty())
        .unwrap_or("evex");
    c.unsupported(name, Extension::Avx512)
}

/// XOP (AMD): `8F RXBmmmmm WvvvvLpp opcode modrm ...`; caller checked mmmmm >= 8.
pub(crate) fn xop(c: &mut Cursor<'_>) -> R<()> {
    check_legacy(c)?;
    let b1 = c.u8();
    let _b2 = c.u8();
    let map = b1 & 0x1F;
    if map > 10 {
        return invalid("XOP map select");
    }
    let _opc = c.u8();
    c.rex_b = 0;
    c.rex_x = 0;
    c.read_modrm();
    c.skip_modrm_mem();
    c.skip(match map {
        8 => 1,
        10 => 4,
        _ => 0,
    });
    c.unsupported("xop", Extension::Xop)
}
