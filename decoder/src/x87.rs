//! x87 escape opcodes D8..DF: never executed by echovm, but decoded to a
//! length and a mnemonic so validators can say exactly what they rejected.

use crate::cursor::{invalid, Cursor, R};
use crate::Extension;

/// Memory forms, indexed by `[opcode - D8][modrm.reg]`; "" = invalid.
const MEM: [[&str; 8]; 8] = [
    [
        "fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr",
    ],
    [
        "fld", "", "fst", "fstp", "fldenv", "fldcw", "fnstenv", "fnstcw",
    ],
    [
        "fiadd", "fimul", "ficom", "ficomp", "fisub", "fisubr", "fidiv", "fidivr",
    ],
    ["fild", "fisttp", "fist", "fistp", "", "fld", "", "fstp"],
    [
        "fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr",
    ],
    [
        "fld", "fisttp", "fst", "fstp", "frstor", "", "fnsave", "fnstsw",
    ],
    [
        "fiadd", "fimul", "ficom", "ficomp", "fisub", "fisubr", "fidiv", "fidivr",
    ],
    [
        "fild", "fisttp", "fist", "fistp", "fbld", "fild", "fbstp", "fistp",
    ],
];

/// Register forms whose name depends only on `modrm.reg`; "" = look at the full byte.
const REG: [[&str; 8]; 8] = [
    [
        "fadd", "fmul", "fcom", "fcomp", "fsub", "fsubr", "fdiv", "fdivr",
    ],
    ["fld", "fxch", "", "fstpnce", "", "", "", ""],
    ["fcmovb", "fcmove", "fcmovbe", "fcmovu", "", "", "", ""],
    [
        "fcmovnb", "fcmovne", "fcmovnbe", "fcmovnu", "", "fucomi", "fcomi", "",
    ],
    [
        "fadd", "fmul", "fcom", "fcomp", "fsubr", "fsub", "fdivr", "fdiv",
    ],
    ["ffree", "fxch", "fst", "fstp", "fucom", "fucomp", "", ""],
    [
        "faddp", "fmulp", "fcomp", "", "fsubrp", "fsubp", "fdivrp", "fdivp",
    ],
    [
        "ffreep", "fxch", "fstp", "fstp", "", "fucomip", "fcomip", "",
    ],
];

fn special(opc: u8, modrm: u8) -> &'static str {
    match (opc, modrm) {
        (0xD9, 0xD0) => "fnop",
        (0xD9, 0xE0) => "fchs",
        (0xD9, 0xE1) => "fabs",
        (0xD9, 0xE4) => "ftst",
        (0xD9, 0xE5) => "fxam",
        (0xD9, 0xE8) => "fld1",
        (0xD9, 0xE9) => "fldl2t",
        (0xD9, 0xEA) => "fldl2e",
        (0xD9, 0xEB) => "fldpi",
        (0xD9, 0xEC) => "fldlg2",
        (0xD9, 0xED) => "fldln2",
        (0xD9, 0xEE) => "fldz",
        (0xD9, 0xF0) => "f2xm1",
        (0xD9, 0xF1) => "fyl2x",
        (0xD9, 0xF2) => "fptan",
        (0xD9, 0xF3) => "fpatan",
        (0xD9, 0xF4) => "fxtract",
        (0xD9, 0xF5) => "fprem1",
        (0xD9, 0xF6) => "fdecstp",
        (0xD9, 0xF7) => "fincstp",
        (0xD9, 0xF8) => "fprem",
        (0xD9, 0xF9) => "fyl2xp1",
        (0xD9, 0xFA) => "fsqrt",
        (0xD9, 0xFB) => "fsincos",
        (0xD9, 0xFC) => "frndint",
        (0xD9, 0xFD) => "fscale",
        (0xD9, 0xFE) => "fsin",
        (0xD9, 0xFF) => "fcos",
        (0xDA, 0xE9) => "fucompp",
        (0xDB, 0xE0) => "fneni",
        (0xDB, 0xE1) => "fndisi",
        (0xDB, 0xE2) => "fnclex",
        (0xDB, 0xE3) => "fninit",
        (0xDB, 0xE4) => "fnsetpm",
        (0xDE, 0xD9) => "fcompp",
        (0xDF, 0xE0) => "fnstsw",
        _ => "",
    }
}

pub(crate) fn decode(c: &mut Cursor<'_>, opc: u8) -> R<()> {
    c.read_modrm();
    let i = (opc - 0xD8) as usize;
    let r = ((c.modrm >> 3) & 7) as usize;
    let name = if c.is_reg_form() {
        match REG[i][r] {
            "" => special(opc, c.modrm),
            n => n,
        }
    } else {
        c.mem();
        MEM[i][r]
    };
    if name.is_empty() {
        return invalid("undefined x87 encoding");
    }
    c.unsupported(name, Extension::X87)
}
