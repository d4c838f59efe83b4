//! Every SSE..SSE4.2 instruction form the VM supports, as encoding recipes:
//! mandatory prefix, opcode bytes after 0F, what the ModRM.reg and ModRM.rm
//! fields hold, imm8 presence and REX.W.

/// What ModRM.reg encodes.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reg {
    /// An XMM register.
    X,
    /// A general register.
    G,
    /// A fixed opcode extension (/digit).
    Ext(u8),
}

/// What ModRM.rm may encode.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rm {
    /// XMM register or memory.
    XM,
    /// XMM register only.
    Xr,
    /// General register or memory.
    GM,
    /// Memory only.
    M,
}

#[derive(Clone, Copy, Debug)]
pub struct Form {
    pub name: &'static str,
    /// Mandatory prefix (0 = none).
    pub pfx: u8,
    /// Opcode bytes after 0F.
    pub op: &'static [u8],
    pub reg: Reg,
    pub rm: Rm,
    pub imm: bool,
    pub w: bool,
}

const fn f(name: &'static str, pfx: u8, op: &'static [u8], reg: Reg, rm: Rm, imm: bool, w: bool) -> Form {
    Form { name, pfx, op, reg, rm, imm, w }
}
/// xmm, xmm/m
const fn xm(name: &'static str, pfx: u8, op: &'static [u8]) -> Form {
    f(name, pfx, op, Reg::X, Rm::XM, false, false)
}
/// xmm, xmm/m, imm8
const fn xmi(name: &'static str, pfx: u8, op: &'static [u8]) -> Form {
    f(name, pfx, op, Reg::X, Rm::XM, true, false)
}
/// memory-only operand with an xmm in reg
const fn xmem(name: &'static str, pfx: u8, op: &'static [u8]) -> Form {
    f(name, pfx, op, Reg::X, Rm::M, false, false)
}
/// shift-by-immediate group: /ext xmm, imm8
const fn grp(name: &'static str, op: &'static [u8], ext: u8) -> Form {
    f(name, 0x66, op, Reg::Ext(ext), Rm::Xr, true, false)
}

const N: u8 = 0;
const P66: u8 = 0x66;
const F3: u8 = 0xf3;
const F2: u8 = 0xf2;
use Reg::*;
use Rm::*;

pub const FORMS: &[Form] = &[
    // ---- moves ----
    xm("movups", N, &[0x10]), xm("movups store", N, &[0x11]),
    xm("movupd", P66, &[0x10]), xm("movupd store", P66, &[0x11]),
    xm("movss", F3, &[0x10]), xm("movss store", F3, &[0x11]),
    xm("movsd", F2, &[0x10]), xm("movsd store", F2, &[0x11]),
    xm("movlps/movhlps", N, &[0x12]), xmem("movlps store", N, &[0x13]),
    xmem("movlpd", P66, &[0x12]), xmem("movlpd store", P66, &[0x13]),
    xm("movhps/movlhps", N, &[0x16]), xmem("movhps store", N, &[0x17]),
    xmem("movhpd", P66, &[0x16]), xmem("movhpd store", P66, &[0x17]),
    xm("movsldup", F3, &[0x12]), xm("movddup", F2, &[0x12]), xm("movshdup", F3, &[0x16]),
    xm("movaps", N, &[0x28]), xm("movaps store", N, &[0x29]),
    xm("movapd", P66, &[0x28]), xm("movapd store", P66, &[0x29]),
    xmem("movntps", N, &[0x2b]), xmem("movntpd", P66, &[0x2b]),
    xm("movdqa", P66, &[0x6f]), xm("movdqa store", P66, &[0x7f]),
    xm("movdqu", F3, &[0x6f]), xm("movdqu store", F3, &[0x7f]),
    xmem("movntdq", P66, &[0xe7]), xmem("lddqu", F2, &[0xf0]), xmem("movntdqa", P66, &[0x38, 0x2a]),
    f("movd xmm, r/m32", P66, &[0x6e], X, GM, false, false),
    f("movq xmm, r/m64", P66, &[0x6e], X, GM, false, true),
    f("movd r/m32, xmm", P66, &[0x7e], X, GM, false, false),
    f("movq r/m64, xmm", P66, &[0x7e], X, GM, false, true),
    xm("movq xmm, xmm/m64", F3, &[0x7e]), xm("movq xmm/m64, xmm", P66, &[0xd6]),
    f("movmskps", N, &[0x50], G, Xr, false, false), f("movmskps r64", N, &[0x50], G, Xr, false, true),
    f("movmskpd", P66, &[0x50], G, Xr, false, false), f("movmskpd r64", P66, &[0x50], G, Xr, false, true),
    f("pmovmskb", P66, &[0xd7], G, Xr, false, false), f("pmovmskb r64", P66, &[0xd7], G, Xr, false, true),
    f("maskmovdqu", P66, &[0xf7], X, Xr, false, false),
    f("stmxcsr", N, &[0xae], Ext(3), M, false, false),
    // ---- float arithmetic ----
    xm("addps", N, &[0x58]), xm("addpd", P66, &[0x58]), xm("addss", F3, &[0x58]), xm("addsd", F2, &[0x58]),
    xm("mulps", N, &[0x59]), xm("mulpd", P66, &[0x59]), xm("mulss", F3, &[0x59]), xm("mulsd", F2, &[0x59]),
    xm("subps", N, &[0x5c]), xm("subpd", P66, &[0x5c]), xm("subss", F3, &[0x5c]), xm("subsd", F2, &[0x5c]),
    xm("minps", N, &[0x5d]), xm("minpd", P66, &[0x5d]), xm("minss", F3, &[0x5d]), xm("minsd", F2, &[0x5d]),
    xm("divps", N, &[0x5e]), xm("divpd", P66, &[0x5e]), xm("divss", F3, &[0x5e]), xm("divsd", F2, &[0x5e]),
    xm("maxps", N, &[0x5f]), xm("maxpd", P66, &[0x5f]), xm("maxss", F3, &[0x5f]), xm("maxsd", F2, &[0x5f]),
    xm("sqrtps", N, &[0x51]), xm("sqrtpd", P66, &[0x51]), xm("sqrtss", F3, &[0x51]), xm("sqrtsd", F2, &[0x51]),
    xm("andps", N, &[0x54]), xm("andpd", P66, &[0x54]), xm("andnps", N, &[0x55]), xm("andnpd", P66, &[0x55]),
    xm("orps", N, &[0x56]), xm("orpd", P66, &[0x56]), xm("xorps", N, &[0x57]), xm("xorpd", P66, &[0x57]),
    xm("addsubpd", P66, &[0xd0]), xm("addsubps", F2, &[0xd0]),
    xm("haddpd", P66, &[0x7c]), xm("haddps", F2, &[0x7c]), xm("hsubpd", P66, &[0x7d]), xm("hsubps", F2, &[0x7d]),
    xmi("roundps", P66, &[0x3a, 0x08]), xmi("roundpd", P66, &[0x3a, 0x09]),
    xmi("roundss", P66, &[0x3a, 0x0a]), xmi("roundsd", P66, &[0x3a, 0x0b]),
    xmi("dpps", P66, &[0x3a, 0x40]), xmi("dppd", P66, &[0x3a, 0x41]),
    xmi("blendps", P66, &[0x3a, 0x0c]), xmi("blendpd", P66, &[0x3a, 0x0d]),
    xm("blendvps", P66, &[0x38, 0x14]), xm("blendvpd", P66, &[0x38, 0x15]),
    xmi("insertps", P66, &[0x3a, 0x21]),
    f("extractps", P66, &[0x3a, 0x17], X, GM, true, false), f("extractps rex.w", P66, &[0x3a, 0x17], X, GM, true, true),
    // ---- compares ----
    xmi("cmpps", N, &[0xc2]), xmi("cmppd", P66, &[0xc2]), xmi("cmpss", F3, &[0xc2]), xmi("cmpsd", F2, &[0xc2]),
    xm("ucomiss", N, &[0x2e]), xm("comiss", N, &[0x2f]), xm("ucomisd", P66, &[0x2e]), xm("comisd", P66, &[0x2f]),
    // ---- shuffles / unpacks ----
    xmi("shufps", N, &[0xc6]), xmi("shufpd", P66, &[0xc6]),
    xm("unpcklps", N, &[0x14]), xm("unpckhps", N, &[0x15]), xm("unpcklpd", P66, &[0x14]), xm("unpckhpd", P66, &[0x15]),
    // ---- conversions ----
    f("cvtsi2ss r/m32", F3, &[0x2a], X, GM, false, false), f("cvtsi2ss r/m64", F3, &[0x2a], X, GM, false, true),
    f("cvtsi2sd r/m32", F2, &[0x2a], X, GM, false, false), f("cvtsi2sd r/m64", F2, &[0x2a], X, GM, false, true),
    f("cvttss2si r32", F3, &[0x2c], G, XM, false, false), f("cvttss2si r64", F3, &[0x2c], G, XM, false, true),
    f("cvttsd2si r32", F2, &[0x2c], G, XM, false, false), f("cvttsd2si r64", F2, &[0x2c], G, XM, false, true),
    f("cvtss2si r32", F3, &[0x2d], G, XM, false, false), f("cvtss2si r64", F3, &[0x2d], G, XM, false, true),
    f("cvtsd2si r32", F2, &[0x2d], G, XM, false, false), f("cvtsd2si r64", F2, &[0x2d], G, XM, false, true),
    xm("cvtps2pd", N, &[0x5a]), xm("cvtpd2ps", P66, &[0x5a]), xm("cvtss2sd", F3, &[0x5a]), xm("cvtsd2ss", F2, &[0x5a]),
    xm("cvtdq2ps", N, &[0x5b]), xm("cvtps2dq", P66, &[0x5b]), xm("cvttps2dq", F3, &[0x5b]),
    xm("cvttpd2dq", P66, &[0xe6]), xm("cvtdq2pd", F3, &[0xe6]), xm("cvtpd2dq", F2, &[0xe6]),
    // ---- packed integer (SSE2) ----
    xm("punpcklbw", P66, &[0x60]), xm("punpcklwd", P66, &[0x61]), xm("punpckldq", P66, &[0x62]),
    xm("packsswb", P66, &[0x63]), xm("pcmpgtb", P66, &[0x64]), xm("pcmpgtw", P66, &[0x65]),
    xm("pcmpgtd", P66, &[0x66]), xm("packuswb", P66, &[0x67]), xm("punpckhbw", P66, &[0x68]),
    xm("punpckhwd", P66, &[0x69]), xm("punpckhdq", P66, &[0x6a]), xm("packssdw", P66, &[0x6b]),
    xm("punpcklqdq", P66, &[0x6c]), xm("punpckhqdq", P66, &[0x6d]),
    xmi("pshufd", P66, &[0x70]), xmi("pshufhw", F3, &[0x70]), xmi("pshuflw", F2, &[0x70]),
    grp("psrlw imm", &[0x71], 2), grp("psraw imm", &[0x71], 4), grp("psllw imm", &[0x71], 6),
    grp("psrld imm", &[0x72], 2), grp("psrad imm", &[0x72], 4), grp("pslld imm", &[0x72], 6),
    grp("psrlq imm", &[0x73], 2), grp("psrldq", &[0x73], 3), grp("psllq imm", &[0x73], 6), grp("pslldq", &[0x73], 7),
    xm("pcmpeqb", P66, &[0x74]), xm("pcmpeqw", P66, &[0x75]), xm("pcmpeqd", P66, &[0x76]),
    f("pinsrw", P66, &[0xc4], X, GM, true, false), f("pextrw", P66, &[0xc5], G, Xr, true, false),
    f("pextrw r64", P66, &[0xc5], G, Xr, true, true),
    xm("psrlw", P66, &[0xd1]), xm("psrld", P66, &[0xd2]), xm("psrlq", P66, &[0xd3]), xm("paddq", P66, &[0xd4]),
    xm("pmullw", P66, &[0xd5]), xm("psubusb", P66, &[0xd8]), xm("psubusw", P66, &[0xd9]),
    xm("pminub", P66, &[0xda]), xm("pand", P66, &[0xdb]), xm("paddusb", P66, &[0xdc]), xm("paddusw", P66, &[0xdd]),
    xm("pmaxub", P66, &[0xde]), xm("pandn", P66, &[0xdf]), xm("pavgb", P66, &[0xe0]), xm("psraw", P66, &[0xe1]),
    xm("psrad", P66, &[0xe2]), xm("pavgw", P66, &[0xe3]), xm("pmulhuw", P66, &[0xe4]), xm("pmulhw", P66, &[0xe5]),
    xm("psubsb", P66, &[0xe8]), xm("psubsw", P66, &[0xe9]), xm("pminsw", P66, &[0xea]), xm("por", P66, &[0xeb]),
    xm("paddsb", P66, &[0xec]), xm("paddsw", P66, &[0xed]), xm("pmaxsw", P66, &[0xee]), xm("pxor", P66, &[0xef]),
    xm("psllw", P66, &[0xf1]), xm("pslld", P66, &[0xf2]), xm("psllq", P66, &[0xf3]), xm("pmuludq", P66, &[0xf4]),
    xm("pmaddwd", P66, &[0xf5]), xm("psadbw", P66, &[0xf6]), xm("psubb", P66, &[0xf8]), xm("psubw", P66, &[0xf9]),
    xm("psubd", P66, &[0xfa]), xm("psubq", P66, &[0xfb]), xm("paddb", P66, &[0xfc]), xm("paddw", P66, &[0xfd]),
    xm("paddd", P66, &[0xfe]),
    // ---- SSSE3 ----
    xm("pshufb", P66, &[0x38, 0x00]), xm("phaddw", P66, &[0x38, 0x01]), xm("phaddd", P66, &[0x38, 0x02]),
    xm("phaddsw", P66, &[0x38, 0x03]), xm("pmaddubsw", P66, &[0x38, 0x04]), xm("phsubw", P66, &[0x38, 0x05]),
    xm("phsubd", P66, &[0x38, 0x06]), xm("phsubsw", P66, &[0x38, 0x07]), xm("psignb", P66, &[0x38, 0x08]),
    xm("psignw", P66, &[0x38, 0x09]), xm("psignd", P66, &[0x38, 0x0a]), xm("pmulhrsw", P66, &[0x38, 0x0b]),
    xm("pabsb", P66, &[0x38, 0x1c]), xm("pabsw", P66, &[0x38, 0x1d]), xm("pabsd", P66, &[0x38, 0x1e]),
    xmi("palignr", P66, &[0x3a, 0x0f]),
    // ---- SSE4.1 ----
    xm("pblendvb", P66, &[0x38, 0x10]), xm("ptest", P66, &[0x38, 0x17]),
    xm("pmovsxbw", P66, &[0x38, 0x20]), xm("pmovsxbd", P66, &[0x38, 0x21]), xm("pmovsxbq", P66, &[0x38, 0x22]),
    xm("pmovsxwd", P66, &[0x38, 0x23]), xm("pmovsxwq", P66, &[0x38, 0x24]), xm("pmovsxdq", P66, &[0x38, 0x25]),
    xm("pmuldq", P66, &[0x38, 0x28]), xm("pcmpeqq", P66, &[0x38, 0x29]), xm("packusdw", P66, &[0x38, 0x2b]),
    xm("pmovzxbw", P66, &[0x38, 0x30]), xm("pmovzxbd", P66, &[0x38, 0x31]), xm("pmovzxbq", P66, &[0x38, 0x32]),
    xm("pmovzxwd", P66, &[0x38, 0x33]), xm("pmovzxwq", P66, &[0x38, 0x34]), xm("pmovzxdq", P66, &[0x38, 0x35]),
    xm("pcmpgtq", P66, &[0x38, 0x37]), xm("pminsb", P66, &[0x38, 0x38]), xm("pminsd", P66, &[0x38, 0x39]),
    xm("pminuw", P66, &[0x38, 0x3a]), xm("pminud", P66, &[0x38, 0x3b]), xm("pmaxsb", P66, &[0x38, 0x3c]),
    xm("pmaxsd", P66, &[0x38, 0x3d]), xm("pmaxuw", P66, &[0x38, 0x3e]), xm("pmaxud", P66, &[0x38, 0x3f]),
    xm("pmulld", P66, &[0x38, 0x40]), xm("phminposuw", P66, &[0x38, 0x41]),
    xmi("pblendw", P66, &[0x3a, 0x0e]), xmi("mpsadbw", P66, &[0x3a, 0x42]),
    f("pextrb", P66, &[0x3a, 0x14], X, GM, true, false), f("pextrb rex.w", P66, &[0x3a, 0x14], X, GM, true, true),
    f("pextrw r/m16 rex.w", P66, &[0x3a, 0x15], X, GM, true, true), f("pextrw r/m16", P66, &[0x3a, 0x15], X, GM, true, false),
    f("pextrd", P66, &[0x3a, 0x16], X, GM, true, false), f("pextrq", P66, &[0x3a, 0x16], X, GM, true, true),
    f("pinsrb", P66, &[0x3a, 0x20], X, GM, true, false), f("pinsrd", P66, &[0x3a, 0x22], X, GM, true, false),
    f("pinsrq", P66, &[0x3a, 0x22], X, GM, true, true),
    // ---- SSE4.2 ----
    f("pcmpestrm", P66, &[0x3a, 0x60], X, XM, true, false), f("pcmpestrm rex.w", P66, &[0x3a, 0x60], X, XM, true, true),
    f("pcmpestri", P66, &[0x3a, 0x61], X, XM, true, false), f("pcmpestri rex.w", P66, &[0x3a, 0x61], X, XM, true, true),
    xmi("pcmpistrm", P66, &[0x3a, 0x62]), xmi("pcmpistri", P66, &[0x3a, 0x63]),
];
