//! Static tables for the SSE opcodes of maps 0F, 0F38 and 0F3A.
//!
//! Each opcode has four columns selected by the mandatory prefix (none, 66,
//! F3, F2 — the last F2/F3 wins over 66, as on the CPU). An entry names the
//! operand form, the operation, and the number of bytes a memory operand
//! accesses, so one generic handler ([`crate::sse`]) decodes them all.

use crate::{Extension, Op};

/// Operand form of an SSE entry (names spell the operands: `XXI` = xmm, xmm/m, imm8).
#[allow(clippy::upper_case_acronyms)]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum F {
    /// Not a valid encoding.
    Inv,
    /// `xmm, xmm/m`.
    XX,
    /// `xmm, xmm/m, imm8`.
    XXI,
    /// `xmm/m, xmm` (store form).
    St,
    /// `m, xmm`, register form invalid.
    StM,
    /// `xmm, m`, register form invalid.
    LdM,
    /// `xmm, xmm` register form only.
    XXr,
    /// Register form is `Op` of [`S::alt`]: movhlps/movlps, movlhps/movhps.
    LoHi,
    /// `xmm, r/m32|64` (cvtsi2ss, movd/movq to xmm).
    XG,
    /// `r/m32|64, xmm` (movd/movq from xmm).
    GX,
    /// `r32|64, xmm/m` (cvttss2si, ...).
    RX,
    /// `r32|64, xmm` register form only (movmskps, pmovmskb).
    RXr,
    /// `r32|64, xmm, imm8` register form only (pextrw 0F C5).
    RXI,
    /// `r/m, xmm, imm8` (pextrb/w/d/q, extractps): GPR 4 (or 8 with W for pextrq), memory `m` bytes.
    GXI,
    /// `xmm, r32/m, imm8` (pinsrb/w/d/q).
    XGI,
    /// `xmm, xmm/m, xmm0` (blendv family).
    XX0,
    /// `xmm, imm8` register form only (shift-by-immediate groups 0F 71..73).
    ShImm,
    /// MMX form (unsupported) with `imm` immediate bytes; named by `op`.
    Mmx,
    /// Other unsupported form with ModRM and `imm` immediate bytes, named by `name`.
    U,
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct S {
    pub f: F,
    pub op: Op,
    /// Memory operand size in bytes (or immediate byte count for `Mmx`/`U`).
    pub m: u8,
    /// Register-form operation for [`F::LoHi`].
    pub alt: Op,
    pub name: &'static str,
    pub ext: Extension,
}

const INV: S = S {
    f: F::Inv,
    op: Op::Nop,
    m: 0,
    alt: Op::Nop,
    name: "",
    ext: Extension::Other,
};

const fn s(f: F, op: Op, m: u8) -> S {
    S {
        f,
        op,
        m,
        alt: Op::Nop,
        name: "",
        ext: Extension::Other,
    }
}
const fn xx(op: Op, m: u8) -> S {
    s(F::XX, op, m)
}
const fn xx16(op: Op) -> S {
    s(F::XX, op, 16)
}
const fn xxi(op: Op, m: u8) -> S {
    s(F::XXI, op, m)
}
const fn mmx(op: Op) -> S {
    s(F::Mmx, op, 0)
}
const fn mmxi(op: Op) -> S {
    s(F::Mmx, op, 1)
}
const fn mmxn(name: &'static str, imm: u8) -> S {
    S {
        f: F::U,
        op: Op::Nop,
        m: imm,
        alt: Op::Nop,
        name,
        ext: Extension::Mmx,
    }
}
const fn u(name: &'static str, imm: u8) -> S {
    S {
        f: F::U,
        op: Op::Nop,
        m: imm,
        alt: Op::Nop,
        name,
        ext: Extension::Other,
    }
}
const fn lohi(mem: Op, reg: Op) -> S {
    S {
        f: F::LoHi,
        op: mem,
        m: 8,
        alt: reg,
        name: "",
        ext: Extension::Other,
    }
}

pub(crate) type T = [[S; 4]; 256];

const fn row(t: &mut T, o: usize, np: S, p66: S, f3: S, f2: S) {
    t[o] = [np, p66, f3, f2];
}

/// Packed-integer opcode available as MMX (no prefix) and SSE2 (66).
const fn pint(t: &mut T, o: usize, op: Op) {
    row(t, o, mmx(op), xx16(op), INV, INV);
}

/// Packed/scalar float arithmetic: ps, pd, ss, sd.
const fn arith(t: &mut T, o: usize, ps: Op, pd: Op, ss: Op, sd: Op) {
    row(t, o, xx16(ps), xx16(pd), xx(ss, 4), xx(sd, 8));
}

pub(crate) const fn build_0f() -> T {
    let mut t = [[INV; 4]; 256];
    row(
        &mut t,
        0x10,
        xx16(Op::Movups),
        xx16(Op::Movupd),
        xx(Op::Movss, 4),
        xx(Op::Movsd, 8),
    );
    row(
        &mut t,
        0x11,
        s(F::St, Op::Movups, 16),
        s(F::St, Op::Movupd, 16),
        s(F::St, Op::Movss, 4),
        s(F::St, Op::Movsd, 8),
    );
    row(
        &mut t,
        0x12,
        lohi(Op::Movlps, Op::Movhlps),
        s(F::LdM, Op::Movlpd, 8),
        xx16(Op::Movsldup),
        xx(Op::Movddup, 8),
    );
    row(
        &mut t,
        0x13,
        s(F::StM, Op::Movlps, 8),
        s(F::StM, Op::Movlpd, 8),
        INV,
        INV,
    );
    row(
        &mut t,
        0x14,
        xx16(Op::Unpcklps),
        xx16(Op::Unpcklpd),
        INV,
        INV,
    );
    row(
        &mut t,
        0x15,
        xx16(Op::Unpckhps),
        xx16(Op::Unpckhpd),
        INV,
        INV,
    );
    row(
        &mut t,
        0x16,
        lohi(Op::Movhps, Op::Movlhps),
        s(F::LdM, Op::Movhpd, 8),
        xx16(Op::Movshdup),
        INV,
    );
    row(
        &mut t,
        0x17,
        s(F::StM, Op::Movhps, 8),
        s(F::StM, Op::Movhpd, 8),
        INV,
        INV,
    );
    row(&mut t, 0x28, xx16(Op::Movaps), xx16(Op::Movapd), INV, INV);
    row(
        &mut t,
        0x29,
        s(F::St, Op::Movaps, 16),
        s(F::St, Op::Movapd, 16),
        INV,
        INV,
    );
    row(
        &mut t,
        0x2A,
        mmxn("cvtpi2ps", 0),
        mmxn("cvtpi2pd", 0),
        s(F::XG, Op::Cvtsi2ss, 0),
        s(F::XG, Op::Cvtsi2sd, 0),
    );
    row(
        &mut t,
        0x2B,
        s(F::StM, Op::Movntps, 16),
        s(F::StM, Op::Movntpd, 16),
        u("movntss", 0),
        u("movntsd", 0),
    );
    row(
        &mut t,
        0x2C,
        mmxn("cvttps2pi", 0),
        mmxn("cvttpd2pi", 0),
        s(F::RX, Op::Cvttss2si, 4),
        s(F::RX, Op::Cvttsd2si, 8),
    );
    row(
        &mut t,
        0x2D,
        mmxn("cvtps2pi", 0),
        mmxn("cvtpd2pi", 0),
        s(F::RX, Op::Cvtss2si, 4),
        s(F::RX, Op::Cvtsd2si, 8),
    );
    row(
        &mut t,
        0x2E,
        xx(Op::Ucomiss, 4),
        xx(Op::Ucomisd, 8),
        INV,
        INV,
    );
    row(&mut t, 0x2F, xx(Op::Comiss, 4), xx(Op::Comisd, 8), INV, INV);
    row(
        &mut t,
        0x50,
        s(F::RXr, Op::Movmskps, 0),
        s(F::RXr, Op::Movmskpd, 0),
        INV,
        INV,
    );
    row(
        &mut t,
        0x51,
        xx16(Op::Sqrtps),
        xx16(Op::Sqrtpd),
        xx(Op::Sqrtss, 4),
        xx(Op::Sqrtsd, 8),
    );
    row(&mut t, 0x52, u("rsqrtps", 0), INV, u("rsqrtss", 0), INV);
    row(&mut t, 0x53, u("rcpps", 0), INV, u("rcpss", 0), INV);
    row(&mut t, 0x54, xx16(Op::Andps), xx16(Op::Andpd), INV, INV);
    row(&mut t, 0x55, xx16(Op::Andnps), xx16(Op::Andnpd), INV, INV);
    row(&mut t, 0x56, xx16(Op::Orps), xx16(Op::Orpd), INV, INV);
    row(&mut t, 0x57, xx16(Op::Xorps), xx16(Op::Xorpd), INV, INV);
    arith(&mut t, 0x58, Op::Addps, Op::Addpd, Op::Addss, Op::Addsd);
    arith(&mut t, 0x59, Op::Mulps, Op::Mulpd, Op::Mulss, Op::Mulsd);
    row(
        &mut t,
        0x5A,
        xx(Op::Cvtps2pd, 8),
        xx16(Op::Cvtpd2ps),
        xx(Op::Cvtss2sd, 4),
        xx(Op::Cvtsd2ss, 8),
    );
    row(
        &mut t,
        0x5B,
        xx16(Op::Cvtdq2ps),
        xx16(Op::Cvtps2dq),
        xx16(Op::Cvttps2dq),
        INV,
    );
    arith(&mut t, 0x5C, Op::Subps, Op::Subpd, Op::Subss, Op::Subsd);
    arith(&mut t, 0x5D, Op::Minps, Op::Minpd, Op::Minss, Op::Minsd);
    arith(&mut t, 0x5E, Op::Divps, Op::Divpd, Op::Divss, Op::Divsd);
    arith(&mut t, 0x5F, Op::Maxps, Op::Maxpd, Op::Maxss, Op::Maxsd);
    pint(&mut t, 0x60, Op::Punpcklbw);
    pint(&mut t, 0x61, Op::Punpcklwd);
    pint(&mut t, 0x62, Op::Punpckldq);
    pint(&mut t, 0x63, Op::Packsswb);
    pint(&mut t, 0x64, Op::Pcmpgtb);
    pint(&mut t, 0x65, Op::Pcmpgtw);
    pint(&mut t, 0x66, Op::Pcmpgtd);
    pint(&mut t, 0x67, Op::Packuswb);
    pint(&mut t, 0x68, Op::Punpckhbw);
    pint(&mut t, 0x69, Op::Punpckhwd);
    pint(&mut t, 0x6A, Op::Punpckhdq);
    pint(&mut t, 0x6B, Op::Packssdw);
    row(&mut t, 0x6C, INV, xx16(Op::Punpcklqdq), INV, INV);
    row(&mut t, 0x6D, INV, xx16(Op::Punpckhqdq), INV, INV);
    row(&mut t, 0x6E, mmx(Op::Movd), s(F::XG, Op::Movd, 0), INV, INV);
    row(
        &mut t,
        0x6F,
        mmx(Op::Movq),
        xx16(Op::Movdqa),
        xx16(Op::Movdqu),
        INV,
    );
    row(
        &mut t,
        0x70,
        mmxn("pshufw", 1),
        xxi(Op::Pshufd, 16),
        xxi(Op::Pshufhw, 16),
        xxi(Op::Pshuflw, 16),
    );
    row(
        &mut t,
        0x71,
        mmxi(Op::Psrlw),
        s(F::ShImm, Op::Psrlw, 0),
        INV,
        INV,
    );
    row(
        &mut t,
        0x72,
        mmxi(Op::Psrld),
        s(F::ShImm, Op::Psrld, 0),
        INV,
        INV,
    );
    row(
        &mut t,
        0x73,
        mmxi(Op::Psrlq),
        s(F::ShImm, Op::Psrlq, 0),
        INV,
        INV,
    );
    pint(&mut t, 0x74, Op::Pcmpeqb);
    pint(&mut t, 0x75, Op::Pcmpeqw);
    pint(&mut t, 0x76, Op::Pcmpeqd);
    row(&mut t, 0x7C, INV, xx16(Op::Haddpd), INV, xx16(Op::Haddps));
    row(&mut t, 0x7D, INV, xx16(Op::Hsubpd), INV, xx16(Op::Hsubps));
    row(
        &mut t,
        0x7E,
        mmx(Op::Movd),
        s(F::GX, Op::Movd, 0),
        xx(Op::Movq, 8),
        INV,
    );
    row(
        &mut t,
        0x7F,
        mmx(Op::Movq),
        s(F::St, Op::Movdqa, 16),
        s(F::St, Op::Movdqu, 16),
        INV,
    );
    row(
        &mut t,
        0xC2,
        xxi(Op::Cmpps, 16),
        xxi(Op::Cmppd, 16),
        xxi(Op::Cmpss, 4),
        xxi(Op::Cmpsd, 8),
    );
    row(
        &mut t,
        0xC4,
        mmxi(Op::Pinsrw),
        s(F::XGI, Op::Pinsrw, 2),
        INV,
        INV,
    );
    row(
        &mut t,
        0xC5,
        mmxi(Op::Pextrw),
        s(F::RXI, Op::Pextrw, 0),
        INV,
        INV,
    );
    row(
        &mut t,
        0xC6,
        xxi(Op::Shufps, 16),
        xxi(Op::Shufpd, 16),
        INV,
        INV,
    );
    row(
        &mut t,
        0xD0,
        INV,
        xx16(Op::Addsubpd),
        INV,
        xx16(Op::Addsubps),
    );
    pint(&mut t, 0xD1, Op::Psrlw);
    pint(&mut t, 0xD2, Op::Psrld);
    pint(&mut t, 0xD3, Op::Psrlq);
    pint(&mut t, 0xD4, Op::Paddq);
    pint(&mut t, 0xD5, Op::Pmullw);
    row(
        &mut t,
        0xD6,
        INV,
        s(F::St, Op::Movq, 8),
        mmxn("movq2dq", 0),
        mmxn("movdq2q", 0),
    );
    row(
        &mut t,
        0xD7,
        mmx(Op::Pmovmskb),
        s(F::RXr, Op::Pmovmskb, 0),
        INV,
        INV,
    );
    pint(&mut t, 0xD8, Op::Psubusb);
    pint(&mut t, 0xD9, Op::Psubusw);
    pint(&mut t, 0xDA, Op::Pminub);
    pint(&mut t, 0xDB, Op::Pand);
    pint(&mut t, 0xDC, Op::Paddusb);
    pint(&mut t, 0xDD, Op::Paddusw);
    pint(&mut t, 0xDE, Op::Pmaxub);
    pint(&mut t, 0xDF, Op::Pandn);
    pint(&mut t, 0xE0, Op::Pavgb);
    pint(&mut t, 0xE1, Op::Psraw);
    pint(&mut t, 0xE2, Op::Psrad);
    pint(&mut t, 0xE3, Op::Pavgw);
    pint(&mut t, 0xE4, Op::Pmulhuw);
    pint(&mut t, 0xE5, Op::Pmulhw);
    row(
        &mut t,
        0xE6,
        INV,
        xx16(Op::Cvttpd2dq),
        xx(Op::Cvtdq2pd, 8),
        xx16(Op::Cvtpd2dq),
    );
    row(
        &mut t,
        0xE7,
        mmxn("movntq", 0),
        s(F::StM, Op::Movntdq, 16),
        INV,
        INV,
    );
    pint(&mut t, 0xE8, Op::Psubsb);
    pint(&mut t, 0xE9, Op::Psubsw);
    pint(&mut t, 0xEA, Op::Pminsw);
    pint(&mut t, 0xEB, Op::Por);
    pint(&mut t, 0xEC, Op::Paddsb);
    pint(&mut t, 0xED, Op::Paddsw);
    pint(&mut t, 0xEE, Op::Pmaxsw);
    pint(&mut t, 0xEF, Op::Pxor);
    row(&mut t, 0xF0, INV, INV, INV, s(F::LdM, Op::Lddqu, 16));
    pint(&mut t, 0xF1, Op::Psllw);
    pint(&mut t, 0xF2, Op::Pslld);
    pint(&mut t, 0xF3, Op::Psllq);
    pint(&mut t, 0xF4, Op::Pmuludq);
    pint(&mut t, 0xF5, Op::Pmaddwd);
    pint(&mut t, 0xF6, Op::Psadbw);
    row(
        &mut t,
        0xF7,
        mmxn("maskmovq", 0),
        s(F::XXr, Op::Maskmovdqu, 0),
        INV,
        INV,
    );
    pint(&mut t, 0xF8, Op::Psubb);
    pint(&mut t, 0xF9, Op::Psubw);
    pint(&mut t, 0xFA, Op::Psubd);
    pint(&mut t, 0xFB, Op::Psubq);
    pint(&mut t, 0xFC, Op::Paddb);
    pint(&mut t, 0xFD, Op::Paddw);
    pint(&mut t, 0xFE, Op::Paddd);
    t
}

/// SSSE3 opcode: MMX without prefix, SSE with 66.
const fn ssse3(t: &mut T, o: usize, op: Op) {
    row(t, o, mmx(op), xx16(op), INV, INV);
}
const fn p66(t: &mut T, o: usize, e: S) {
    row(t, o, INV, e, INV, INV);
}

const fn build_0f38() -> T {
    let mut t = [[INV; 4]; 256];
    ssse3(&mut t, 0x00, Op::Pshufb);
    ssse3(&mut t, 0x01, Op::Phaddw);
    ssse3(&mut t, 0x02, Op::Phaddd);
    ssse3(&mut t, 0x03, Op::Phaddsw);
    ssse3(&mut t, 0x04, Op::Pmaddubsw);
    ssse3(&mut t, 0x05, Op::Phsubw);
    ssse3(&mut t, 0x06, Op::Phsubd);
    ssse3(&mut t, 0x07, Op::Phsubsw);
    ssse3(&mut t, 0x08, Op::Psignb);
    ssse3(&mut t, 0x09, Op::Psignw);
    ssse3(&mut t, 0x0A, Op::Psignd);
    ssse3(&mut t, 0x0B, Op::Pmulhrsw);
    p66(&mut t, 0x10, s(F::XX0, Op::Pblendvb, 16));
    p66(&mut t, 0x14, s(F::XX0, Op::Blendvps, 16));
    p66(&mut t, 0x15, s(F::XX0, Op::Blendvpd, 16));
    p66(&mut t, 0x17, xx16(Op::Ptest));
    ssse3(&mut t, 0x1C, Op::Pabsb);
    ssse3(&mut t, 0x1D, Op::Pabsw);
    ssse3(&mut t, 0x1E, Op::Pabsd);
    p66(&mut t, 0x20, xx(Op::Pmovsxbw, 8));
    p66(&mut t, 0x21, xx(Op::Pmovsxbd, 4));
    p66(&mut t, 0x22, xx(Op::Pmovsxbq, 2));
    p66(&mut t, 0x23, xx(Op::Pmovsxwd, 8));
    p66(&mut t, 0x24, xx(Op::Pmovsxwq, 4));
    p66(&mut t, 0x25, xx(Op::Pmovsxdq, 8));
    p66(&mut t, 0x28, xx16(Op::Pmuldq));
    p66(&mut t, 0x29, xx16(Op::Pcmpeqq));
    p66(&mut t, 0x2A, s(F::LdM, Op::Movntdqa, 16));
    p66(&mut t, 0x2B, xx16(Op::Packusdw));
    p66(&mut t, 0x30, xx(Op::Pmovzxbw, 8));
    p66(&mut t, 0x31, xx(Op::Pmovzxbd, 4));
    p66(&mut t, 0x32, xx(Op::Pmovzxbq, 2));
    p66(&mut t, 0x33, xx(Op::Pmovzxwd, 8));
    p66(&mut t, 0x34, xx(Op::Pmovzxwq, 4));
    p66(&mut t, 0x35, xx(Op::Pmovzxdq, 8));
    p66(&mut t, 0x37, xx16(Op::Pcmpgtq));
    p66(&mut t, 0x38, xx16(Op::Pminsb));
    p66(&mut t, 0x39, xx16(Op::Pminsd));
    p66(&mut t, 0x3A, xx16(Op::Pminuw));
    p66(&mut t, 0x3B, xx16(Op::Pminud));
    p66(&mut t, 0x3C, xx16(Op::Pmaxsb));
    p66(&mut t, 0x3D, xx16(Op::Pmaxsd));
    p66(&mut t, 0x3E, xx16(Op::Pmaxuw));
    p66(&mut t, 0x3F, xx16(Op::Pmaxud));
    p66(&mut t, 0x40, xx16(Op::Pmulld));
    p66(&mut t, 0x41, xx16(Op::Phminposuw));
    p66(&mut t, 0xCF, u("gf2p8mulb", 0));
    p66(&mut t, 0xDB, u("aesimc", 0));
    p66(&mut t, 0xDC, u("aesenc", 0));
    p66(&mut t, 0xDD, u("aesenclast", 0));
    p66(&mut t, 0xDE, u("aesdec", 0));
    p66(&mut t, 0xDF, u("aesdeclast", 0));
    row(&mut t, 0xC8, u("sha1nexte", 0), INV, INV, INV);
    row(&mut t, 0xC9, u("sha1msg1", 0), INV, INV, INV);
    row(&mut t, 0xCA, u("sha1msg2", 0), INV, INV, INV);
    row(&mut t, 0xCB, u("sha256rnds2", 0), INV, INV, INV);
    row(&mut t, 0xCC, u("sha256msg1", 0), INV, INV, INV);
    row(&mut t, 0xCD, u("sha256msg2", 0), INV, INV, INV);
    t
}

const fn build_0f3a() -> T {
    let mut t = [[INV; 4]; 256];
    p66(&mut t, 0x08, xxi(Op::Roundps, 16));
    p66(&mut t, 0x09, xxi(Op::Roundpd, 16));
    p66(&mut t, 0x0A, xxi(Op::Roundss, 4));
    p66(&mut t, 0x0B, xxi(Op::Roundsd, 8));
    p66(&mut t, 0x0C, xxi(Op::Blendps, 16));
    p66(&mut t, 0x0D, xxi(Op::Blendpd, 16));
    p66(&mut t, 0x0E, xxi(Op::Pblendw, 16));
    row(
        &mut t,
        0x0F,
        mmxi(Op::Palignr),
        xxi(Op::Palignr, 16),
        INV,
        INV,
    );
    p66(&mut t, 0x14, s(F::GXI, Op::Pextrb, 1));
    p66(&mut t, 0x15, s(F::GXI, Op::Pextrw, 2));
    p66(&mut t, 0x16, s(F::GXI, Op::Pextrd, 4));
    p66(&mut t, 0x17, s(F::GXI, Op::Extractps, 4));
    p66(&mut t, 0x20, s(F::XGI, Op::Pinsrb, 1));
    p66(&mut t, 0x21, xxi(Op::Insertps, 4));
    p66(&mut t, 0x22, s(F::XGI, Op::Pinsrd, 4));
    p66(&mut t, 0x40, xxi(Op::Dpps, 16));
    p66(&mut t, 0x41, xxi(Op::Dppd, 16));
    p66(&mut t, 0x42, xxi(Op::Mpsadbw, 16));
    p66(&mut t, 0x44, u("pclmulqdq", 1));
    p66(&mut t, 0x60, xxi(Op::Pcmpestrm, 16));
    p66(&mut t, 0x61, xxi(Op::Pcmpestri, 16));
    p66(&mut t, 0x62, xxi(Op::Pcmpistrm, 16));
    p66(&mut t, 0x63, xxi(Op::Pcmpistri, 16));
    p66(&mut t, 0xCE, u("gf2p8affineqb", 1));
    p66(&mut t, 0xCF, u("gf2p8affineinvqb", 1));
    p66(&mut t, 0xDF, u("aeskeygenassist", 1));
    row(&mut t, 0xCC, u("sha1rnds4", 1), INV, INV, INV);
    t
}

pub(crate) static SSE_0F: T = build_0f();
pub(crate) static SSE_0F38: T = build_0f38();
pub(crate) static SSE_0F3A: T = build_0f3a();
