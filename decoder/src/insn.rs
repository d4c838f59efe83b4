//! The compact decoded form the interpreter executes directly.
//!
//! An [`Insn`] is `Copy`, fixed-size and allocation-free. x86 has at most one
//! explicit memory operand per instruction, so its address form lives once in
//! [`Insn::mem`] and operands refer to it with [`Operand::Mem`]. Immediates live
//! in [`Insn::imm`] (already sign- or zero-extended as the instruction defines)
//! and branch targets are absolute (the decoder is given the instruction's
//! address).
//!
//! # Operand conventions (the interpreter relies on these)
//!
//! * Intel order, destination first. Each [`Operand::Gpr`] carries its own size
//!   (`movzx r32, r/m8` is `[Gpr{size:4}, Gpr/Mem{size:1}]`). Without any REX
//!   prefix, byte registers 4..=7 are [`Operand::GprHigh8`] (ah, ch, dh, bh);
//!   with a REX they are spl/bpl/sil/dil (`Gpr{reg:4..=7, size:1}`).
//! * [`Insn::osize`] is always set: the effective operand size (1 for byte
//!   forms; 8 or 2 for push/pop/pushf/popf/leave/enter; 8 for branches, `ret`
//!   and indirect call/jmp; 8 or 4 (0x67) for `loop*`/`jrcxz`; the *source*
//!   size for `crc32`; the GPR size for SSE forms with a GPR (and 8 for
//!   `pcmpestri/pcmpestrm` with REX.W), else 16 for SSE; 0 for forms without an
//!   operand size such as `nop`, fences, `int`, `clc`).
//! * Immediates: `imm` is exact when truncated to the `Imm{size}` of its operand,
//!   which is the size of the destination it combines with (1 for imm8
//!   selectors/counts, 2 for `ret imm16` and `enter`'s first immediate). Above
//!   that it is sign-extended where the instruction sign-extends (ALU imm8/imm32,
//!   `test`, `imul`, `push imm`, `mov r/m64, imm32`) and zero-extended otherwise
//!   (`mov r, imm`, shift counts, SSE imm8, `int`, `ret imm16`); `mov r64, imm64`
//!   is full. `enter iw, ib`: `imm` = iw, `imm2` = ib ([`Operand::Imm2`]).
//! * Shift/rotate by 1 (D0/D1): second operand `Imm{size:1}` with `imm = 1`; by
//!   CL: `Gpr{reg:1, size:1}`.
//! * Relative branches, calls, `loop*`, `jrcxz`: `imm` is the absolute target
//!   (`ip + len + rel`, wrapping), operand `Imm{size:8}`. Indirect call/jmp: the
//!   r/m operand with size 8.
//! * One-operand `mul/imul/div/idiv`: only the r/m operand (rax/rdx implicit).
//!   String instructions, `cbw..cqo`, `pushfq/popfq`, `leave`, `cpuid`, `xlatb`:
//!   no explicit operands (string ops and `xlatb` still carry the segment
//!   override and 0x67 in `mem.seg`/`mem.addr32`; `xlatb` has `mem.base = rbx`).
//! * [`Operand::Mem`] size = bytes accessed: 0 for `lea`, `nop`, prefetch and
//!   `clflush`; 16 for `cmpxchg16b` and full SSE vectors; 8/4/2/1 for scalar and
//!   partial SSE accesses (`movq`/`movsd` 8, `movss`/`movd` 4, `pinsrw` 2,
//!   `pmovzxbw` 8, ...).
//! * `blendvps/blendvpd/pblendvb` list the implicit `Xmm(0)` as third operand;
//!   `pcmpestri` and friends list only their explicit operands.
//! * `movd/movq` with a GPR and `pextr*/pinsr*/pmovmskb/movmskps/cvt*2si`: the
//!   GPR operand has size 4, or 8 with REX.W.
//! * RIP-relative memory: `mem.base == RIP_BASE` and `mem.disp` is the absolute
//!   address (truncated to 32 bits with 0x67). Only FS/GS overrides are kept.
//! * [`prefix`] bits: LOCK; REP on string instructions (F3, and F2 on
//!   movs/stos/lods, which the CPU repeats the same way); REPNE (F2) on
//!   cmps/scas; OPSIZE (66) and ADDR32 (67) informational.

use crate::Op;

/// Register number meaning "no register" in [`MemRef::base`] / [`MemRef::index`].
pub const NO_REG: u8 = 0xFF;
/// [`MemRef::base`] value for RIP-relative addressing. The decoder has already
/// folded RIP into [`MemRef::disp`], which then holds the absolute address.
pub const RIP_BASE: u8 = 0x10;

/// Segment override that matters in 64-bit mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[repr(u8)]
pub enum Seg {
    /// No override (or ES/CS/SS/DS, which are base 0 in 64-bit mode).
    #[default]
    None,
    Fs,
    Gs,
}

/// Address of the memory operand: `seg:[base + index*scale + disp]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemRef {
    /// 0..=15 general register, [`RIP_BASE`], or [`NO_REG`].
    pub base: u8,
    /// 0..=15 general register (never RSP), or [`NO_REG`].
    pub index: u8,
    /// 1, 2, 4 or 8.
    pub scale: u8,
    pub seg: Seg,
    /// Address-size override (0x67): the effective address is truncated to 32 bits.
    pub addr32: bool,
    /// Sign-extended displacement; for RIP-relative forms the absolute address.
    pub disp: i64,
}

impl Default for MemRef {
    fn default() -> Self {
        MemRef {
            base: NO_REG,
            index: NO_REG,
            scale: 1,
            seg: Seg::None,
            addr32: false,
            disp: 0,
        }
    }
}

/// One operand. Sizes are in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Operand {
    #[default]
    None,
    /// General register 0..=15 (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15)
    /// accessed with `size` 1, 2, 4 or 8. Size 1 with reg 4..=7 is spl/bpl/sil/dil.
    Gpr { reg: u8, size: u8 },
    /// Legacy high byte register: reg 0..=3 is ah, ch, dh, bh (bits 8..16 of that register).
    GprHigh8 { reg: u8 },
    /// XMM register 0..=15.
    Xmm(u8),
    /// The memory operand [`Insn::mem`], accessed with `size` bytes
    /// (0 for `lea`, `nop`, prefetch and other forms that never access memory).
    Mem { size: u8 },
    /// The immediate [`Insn::imm`], already extended to `size` bytes.
    Imm { size: u8 },
    /// The second immediate [`Insn::imm2`] (`enter`'s nesting level, `extrq`).
    Imm2 { size: u8 },
}

/// Prefix bits recorded in [`Insn::prefixes`].
pub mod prefix {
    pub const LOCK: u8 = 1;
    /// F3: REP / REPE (only recorded where it means repeat, not as a mandatory prefix).
    pub const REP: u8 = 2;
    /// F2: REPNE (only recorded where it means repeat).
    pub const REPNE: u8 = 4;
    /// 66 operand-size override was present (informational).
    pub const OPSIZE: u8 = 8;
    /// 67 address-size override was present.
    pub const ADDR32: u8 = 16;
}

/// A decoded, supported instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Insn {
    pub op: Op,
    /// Length in bytes, 1..=15.
    pub len: u8,
    /// Effective operand size in bytes (1, 2, 4 or 8) for forms whose operands are
    /// implicit (string instructions, push/pop, cbw..cqo, ...); for SSE ops the GPR
    /// size where one is involved, else 16.
    pub osize: u8,
    /// [`prefix`] bits.
    pub prefixes: u8,
    /// Explicit operands in Intel order (destination first). Unused slots are `None`.
    pub ops: [Operand; 4],
    pub mem: MemRef,
    /// First immediate (sign-extended to 64 bits where the instruction sign-extends,
    /// zero-extended otherwise), the interrupt vector of `int N`, or the absolute
    /// target of a relative branch/call.
    pub imm: u64,
    /// Second immediate.
    pub imm2: u64,
}

impl Insn {
    /// Number of explicit operands.
    pub fn op_count(&self) -> usize {
        self.ops
            .iter()
            .take_while(|o| !matches!(o, Operand::None))
            .count()
    }
    pub fn has_prefix(&self, p: u8) -> bool {
        self.prefixes & p != 0
    }
}

/// Instruction-set extension an unsupported instruction belongs to, for messages
/// such as "vpaddd is AVX, not supported".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Extension {
    X87,
    Mmx,
    Avx,
    Avx512,
    Xop,
    Amx,
    /// syscall, sysenter, int 0x80, and other ways to reach an OS.
    SystemCall,
    /// Privileged or I/O instructions (hlt, in/out, mov cr, lgdt, ...).
    Privileged,
    /// Non-deterministic instructions (rdtsc, rdtscp, rdrand, rdseed, rdpid, ...).
    NonDeterministic,
    /// Segment register loads, far transfers and other legacy forms.
    Segmentation,
    /// Valid x86 but outside the set echovm implements (e.g. AES-NI, SHA, rcpps).
    Other,
}

impl Extension {
    pub fn describe(self) -> &'static str {
        match self {
            Extension::X87 => "x87",
            Extension::Mmx => "MMX",
            Extension::Avx => "AVX",
            Extension::Avx512 => "AVX-512",
            Extension::Xop => "XOP",
            Extension::Amx => "AMX",
            Extension::SystemCall => "a system call",
            Extension::Privileged => "privileged or I/O",
            Extension::NonDeterministic => "non-deterministic",
            Extension::Segmentation => "a segmentation or far-transfer instruction",
            Extension::Other => "an extension echovm does not implement",
        }
    }
}

/// Why bytes did not decode to a supported instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Fewer bytes than the instruction needs (includes empty input).
    #[error("truncated instruction: needs more than {have} bytes")]
    Truncated { have: u8 },
    /// Not a valid instruction in 64-bit mode.
    #[error("invalid instruction: {reason}")]
    Invalid { reason: &'static str },
    /// A valid x86-64 instruction, `len` bytes long, that echovm does not execute.
    #[error("{mnemonic} is {}, not supported", ext.describe())]
    Unsupported {
        len: u8,
        mnemonic: &'static str,
        ext: Extension,
    },
}

impl DecodeError {
    /// Length of the instruction when it is valid but unsupported.
    pub fn len(&self) -> Option<u8> {
        match self {
            DecodeError::Unsupported { len, .. } => Some(*len),
            _ => None,
        }
    }
}
