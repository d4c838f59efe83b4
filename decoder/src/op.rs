//! The operation of a decoded instruction.
//!
//! Variant names are the Intel mnemonics (as iced-x86 spells them), so the
//! formatter and the differential tests can name them without a second table.
//! Condition-code families (`Jcc`, `SETcc`, `CMOVcc`) are contiguous and in
//! encoding order (o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g), so
//! `op as u16 - Op::Jo as u16` is the condition code.
//!
//! New variants may be appended anywhere, but never renamed: the interpreter,
//! the gas classes and the formatter all match on these names.

macro_rules! ops {
    ($($v:ident => $n:literal,)*) => {
        /// One supported operation. Operand sizes and forms live in [`crate::Insn`].
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        pub enum Op { $($v,)* }

        impl Op {
            /// Every operation, in declaration order.
            pub const ALL: &'static [Op] = &[$(Op::$v,)*];

            /// Lower-case Intel mnemonic.
            pub const fn name(self) -> &'static str {
                match self { $(Op::$v => $n,)* }
            }

            /// Mnemonic of the VEX/EVEX-encoded form ("v" + the legacy mnemonic),
            /// used to name unsupported AVX instructions.
            pub const fn vex_name(self) -> &'static str {
                match self { $(Op::$v => concat!("v", $n),)* }
            }
        }
    };
}

ops! {
    // ---- integer ALU (two-operand, flag-setting) ----
    Add => "add", Or => "or", Adc => "adc", Sbb => "sbb", And => "and", Sub => "sub", Xor => "xor", Cmp => "cmp",
    Test => "test", Inc => "inc", Dec => "dec", Neg => "neg", Not => "not",
    // ---- moves ----
    Mov => "mov", Movzx => "movzx", Movsx => "movsx", Movsxd => "movsxd", Lea => "lea", Xchg => "xchg",
    Movbe => "movbe", Movnti => "movnti", Xlatb => "xlatb",
    Cmpxchg => "cmpxchg", Cmpxchg8b => "cmpxchg8b", Cmpxchg16b => "cmpxchg16b", Xadd => "xadd",
    // ---- stack ----
    Push => "push", Pop => "pop", Pushfq => "pushfq", Popfq => "popfq", Enter => "enter", Leave => "leave",
    Pushf => "pushf", Popf => "popf",
    // ---- control transfer ----
    Call => "call", Ret => "ret", Jmp => "jmp",
    Jo => "jo", Jno => "jno", Jb => "jb", Jae => "jae", Je => "je", Jne => "jne", Jbe => "jbe", Ja => "ja",
    Js => "js", Jns => "jns", Jp => "jp", Jnp => "jnp", Jl => "jl", Jge => "jge", Jle => "jle", Jg => "jg",
    Loop => "loop", Loope => "loope", Loopne => "loopne", Jrcxz => "jrcxz", Jecxz => "jecxz",
    Seto => "seto", Setno => "setno", Setb => "setb", Setae => "setae", Sete => "sete", Setne => "setne",
    Setbe => "setbe", Seta => "seta", Sets => "sets", Setns => "setns", Setp => "setp", Setnp => "setnp",
    Setl => "setl", Setge => "setge", Setle => "setle", Setg => "setg",
    Cmovo => "cmovo", Cmovno => "cmovno", Cmovb => "cmovb", Cmovae => "cmovae", Cmove => "cmove",
    Cmovne => "cmovne", Cmovbe => "cmovbe", Cmova => "cmova", Cmovs => "cmovs", Cmovns => "cmovns",
    Cmovp => "cmovp", Cmovnp => "cmovnp", Cmovl => "cmovl", Cmovge => "cmovge", Cmovle => "cmovle",
    Cmovg => "cmovg",
    // ---- shifts and rotates ----
    Rol => "rol", Ror => "ror", Rcl => "rcl", Rcr => "rcr", Shl => "shl", Shr => "shr", Sal => "sal", Sar => "sar",
    Shld => "shld", Shrd => "shrd",
    // ---- multiply / divide / sign extension ----
    Mul => "mul", Imul => "imul", Div => "div", Idiv => "idiv",
    Cbw => "cbw", Cwde => "cwde", Cdqe => "cdqe", Cwd => "cwd", Cdq => "cdq", Cqo => "cqo",
    // ---- bit operations ----
    Bt => "bt", Bts => "bts", Btr => "btr", Btc => "btc", Bsf => "bsf", Bsr => "bsr", Bswap => "bswap",
    Popcnt => "popcnt", Lzcnt => "lzcnt", Tzcnt => "tzcnt",
    // BMI1 / BMI2 (VEX-encoded general-purpose)
    Andn => "andn", Bextr => "bextr", Blsi => "blsi", Blsmsk => "blsmsk", Blsr => "blsr",
    Bzhi => "bzhi", Mulx => "mulx", Pdep => "pdep", Pext => "pext", Rorx => "rorx",
    Sarx => "sarx", Shlx => "shlx", Shrx => "shrx",
    // ---- flags ----
    Clc => "clc", Stc => "stc", Cmc => "cmc", Cld => "cld", Std => "std", Sahf => "sahf", Lahf => "lahf",
    // ---- string instructions (REP/REPE/REPNE in Insn::prefixes) ----
    Movsb => "movsb", Movsw => "movsw", MovsdString => "movsd", Movsq => "movsq",
    Stosb => "stosb", Stosw => "stosw", Stosd => "stosd", Stosq => "stosq",
    Lodsb => "lodsb", Lodsw => "lodsw", Lodsd => "lodsd", Lodsq => "lodsq",
    Scasb => "scasb", Scasw => "scasw", Scasd => "scasd", Scasq => "scasq",
    Cmpsb => "cmpsb", Cmpsw => "cmpsw", CmpsdString => "cmpsd", Cmpsq => "cmpsq",
    // ---- misc ----
    Nop => "nop", Endbr64 => "endbr64", Pause => "pause", Ud2 => "ud2", Int => "int", Int3 => "int3",
    Int1 => "int1", Cpuid => "cpuid", Lfence => "lfence", Mfence => "mfence", Sfence => "sfence",
    Prefetchnta => "prefetchnta", Prefetcht0 => "prefetcht0", Prefetcht1 => "prefetcht1",
    Prefetcht2 => "prefetcht2", Prefetchw => "prefetchw", Clflush => "clflush", Crc32 => "crc32",
    // ---- SSE: moves ----
    Movaps => "movaps", Movups => "movups", Movapd => "movapd", Movupd => "movupd",
    Movss => "movss", Movsd => "movsd", Movlps => "movlps", Movhps => "movhps", Movlpd => "movlpd",
    Movhpd => "movhpd", Movhlps => "movhlps", Movlhps => "movlhps", Movmskps => "movmskps",
    Movmskpd => "movmskpd", Movntps => "movntps", Movntpd => "movntpd", Movntdq => "movntdq",
    Movntdqa => "movntdqa", Movdqa => "movdqa", Movdqu => "movdqu", Movd => "movd", Movq => "movq",
    Maskmovdqu => "maskmovdqu", Lddqu => "lddqu", Movddup => "movddup", Movshdup => "movshdup",
    Movsldup => "movsldup", Ldmxcsr => "ldmxcsr", Stmxcsr => "stmxcsr",
    // ---- SSE: floating-point arithmetic ----
    Addps => "addps", Addss => "addss", Addpd => "addpd", Addsd => "addsd",
    Subps => "subps", Subss => "subss", Subpd => "subpd", Subsd => "subsd",
    Mulps => "mulps", Mulss => "mulss", Mulpd => "mulpd", Mulsd => "mulsd",
    Divps => "divps", Divss => "divss", Divpd => "divpd", Divsd => "divsd",
    Sqrtps => "sqrtps", Sqrtss => "sqrtss", Sqrtpd => "sqrtpd", Sqrtsd => "sqrtsd",
    Maxps => "maxps", Maxss => "maxss", Maxpd => "maxpd", Maxsd => "maxsd",
    Minps => "minps", Minss => "minss", Minpd => "minpd", Minsd => "minsd",
    Andps => "andps", Andnps => "andnps", Orps => "orps", Xorps => "xorps",
    Andpd => "andpd", Andnpd => "andnpd", Orpd => "orpd", Xorpd => "xorpd",
    Cmpps => "cmpps", Cmpss => "cmpss", Cmppd => "cmppd", Cmpsd => "cmpsd",
    Comiss => "comiss", Ucomiss => "ucomiss", Comisd => "comisd", Ucomisd => "ucomisd",
    Shufps => "shufps", Shufpd => "shufpd", Unpcklps => "unpcklps", Unpckhps => "unpckhps",
    Unpcklpd => "unpcklpd", Unpckhpd => "unpckhpd",
    Addsubps => "addsubps", Addsubpd => "addsubpd", Haddps => "haddps", Haddpd => "haddpd",
    Hsubps => "hsubps", Hsubpd => "hsubpd",
    Roundps => "roundps", Roundpd => "roundpd", Roundss => "roundss", Roundsd => "roundsd",
    Dpps => "dpps", Dppd => "dppd", Blendps => "blendps", Blendpd => "blendpd",
    Blendvps => "blendvps", Blendvpd => "blendvpd", Insertps => "insertps", Extractps => "extractps",
    // ---- SSE: conversions ----
    Cvtsi2ss => "cvtsi2ss", Cvtsi2sd => "cvtsi2sd", Cvtss2si => "cvtss2si", Cvtsd2si => "cvtsd2si",
    Cvttss2si => "cvttss2si", Cvttsd2si => "cvttsd2si", Cvtss2sd => "cvtss2sd", Cvtsd2ss => "cvtsd2ss",
    Cvtps2pd => "cvtps2pd", Cvtpd2ps => "cvtpd2ps", Cvtdq2ps => "cvtdq2ps", Cvtps2dq => "cvtps2dq",
    Cvttps2dq => "cvttps2dq", Cvtdq2pd => "cvtdq2pd", Cvtpd2dq => "cvtpd2dq", Cvttpd2dq => "cvttpd2dq",
    // ---- SSE: packed integer ----
    Paddb => "paddb", Paddw => "paddw", Paddd => "paddd", Paddq => "paddq",
    Paddsb => "paddsb", Paddsw => "paddsw", Paddusb => "paddusb", Paddusw => "paddusw",
    Psubb => "psubb", Psubw => "psubw", Psubd => "psubd", Psubq => "psubq",
    Psubsb => "psubsb", Psubsw => "psubsw", Psubusb => "psubusb", Psubusw => "psubusw",
    Pmaddwd => "pmaddwd", Pmulhw => "pmulhw", Pmulhuw => "pmulhuw", Pmullw => "pmullw",
    Pmuludq => "pmuludq", Pmuldq => "pmuldq", Pmulld => "pmulld", Pavgb => "pavgb", Pavgw => "pavgw",
    Psadbw => "psadbw", Pmaxsw => "pmaxsw", Pmaxub => "pmaxub", Pminsw => "pminsw", Pminub => "pminub",
    Pmaxsb => "pmaxsb", Pmaxsd => "pmaxsd", Pmaxud => "pmaxud", Pmaxuw => "pmaxuw",
    Pminsb => "pminsb", Pminsd => "pminsd", Pminud => "pminud", Pminuw => "pminuw",
    Pand => "pand", Pandn => "pandn", Por => "por", Pxor => "pxor",
    Pcmpeqb => "pcmpeqb", Pcmpeqw => "pcmpeqw", Pcmpeqd => "pcmpeqd", Pcmpeqq => "pcmpeqq",
    Pcmpgtb => "pcmpgtb", Pcmpgtw => "pcmpgtw", Pcmpgtd => "pcmpgtd", Pcmpgtq => "pcmpgtq",
    Psllw => "psllw", Pslld => "pslld", Psllq => "psllq", Psrlw => "psrlw", Psrld => "psrld",
    Psrlq => "psrlq", Psraw => "psraw", Psrad => "psrad", Pslldq => "pslldq", Psrldq => "psrldq",
    Packsswb => "packsswb", Packssdw => "packssdw", Packuswb => "packuswb", Packusdw => "packusdw",
    Punpcklbw => "punpcklbw", Punpcklwd => "punpcklwd", Punpckldq => "punpckldq",
    Punpcklqdq => "punpcklqdq", Punpckhbw => "punpckhbw", Punpckhwd => "punpckhwd",
    Punpckhdq => "punpckhdq", Punpckhqdq => "punpckhqdq",
    Pshufd => "pshufd", Pshufhw => "pshufhw", Pshuflw => "pshuflw", Pshufb => "pshufb",
    Pextrb => "pextrb", Pextrw => "pextrw", Pextrd => "pextrd", Pextrq => "pextrq",
    Pinsrb => "pinsrb", Pinsrw => "pinsrw", Pinsrd => "pinsrd", Pinsrq => "pinsrq",
    Pmovmskb => "pmovmskb",
    Pabsb => "pabsb", Pabsw => "pabsw", Pabsd => "pabsd", Palignr => "palignr",
    Phaddw => "phaddw", Phaddd => "phaddd", Phaddsw => "phaddsw", Phsubw => "phsubw",
    Phsubd => "phsubd", Phsubsw => "phsubsw", Pmaddubsw => "pmaddubsw", Pmulhrsw => "pmulhrsw",
    Psignb => "psignb", Psignw => "psignw", Psignd => "psignd",
    Pblendvb => "pblendvb", Pblendw => "pblendw", Mpsadbw => "mpsadbw", Phminposuw => "phminposuw",
    Ptest => "ptest",
    Pmovsxbw => "pmovsxbw", Pmovsxbd => "pmovsxbd", Pmovsxbq => "pmovsxbq", Pmovsxwd => "pmovsxwd",
    Pmovsxwq => "pmovsxwq", Pmovsxdq => "pmovsxdq", Pmovzxbw => "pmovzxbw", Pmovzxbd => "pmovzxbd",
    Pmovzxbq => "pmovzxbq", Pmovzxwd => "pmovzxwd", Pmovzxwq => "pmovzxwq", Pmovzxdq => "pmovzxdq",
    Pcmpestri => "pcmpestri", Pcmpestrm => "pcmpestrm", Pcmpistri => "pcmpistri", Pcmpistrm => "pcmpistrm",
}

impl Op {
    /// Condition code (0..16) of a `Jcc`, `SETcc` or `CMOVcc`, else `None`.
    pub fn condition(self) -> Option<u8> {
        let v = self as u16;
        for base in [Op::Jo, Op::Seto, Op::Cmovo] {
            let b = base as u16;
            if v >= b && v < b + 16 {
                return Some((v - b) as u8);
            }
        }
        None
    }

    /// True for the string instructions (movs, stos, lods, scas, cmps at every
    /// size), which are declared contiguously.
    #[inline]
    pub fn is_string(self) -> bool {
        self >= Op::Movsb && self <= Op::Cmpsq
    }

    /// True for operations that work on XMM registers (SSE family), used to
    /// route execution and to pick gas classes.
    pub fn is_sse(self) -> bool {
        self >= Op::Movaps
    }
}
