//! Byte cursor and per-instruction prefix state shared by every opcode map.
//!
//! The cursor only ever sees the first 15 bytes of its input (the architectural
//! instruction-length limit), so running off the end of that window means either
//! "the caller gave us too few bytes" ([`DecodeError::Truncated`]) or "this
//! instruction would be longer than 15 bytes" ([`DecodeError::Invalid`]),
//! decided by how many bytes the caller actually had — the same rule iced-x86
//! and the CPU use.

use crate::{DecodeError, Extension, Insn, MemRef, Op, Operand, Seg, NO_REG, RIP_BASE};

/// Architectural maximum instruction length.
pub(crate) const MAX_LEN: usize = 15;

/// Last F2/F3 prefix seen (the one that wins as a mandatory prefix).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rep {
    None,
    F2,
    F3,
}

pub(crate) type R<T> = Result<T, DecodeError>;

/// Reads past the window return 0 and only advance the position;
/// [`Cursor::overrun`] reports them once decoding is done, so the hot path has
/// no per-byte error plumbing (iced-x86 does the same).
/// A cleared instruction.
pub(crate) const EMPTY: Insn = Insn {
    op: Op::Nop,
    len: 0,
    osize: 0,
    prefixes: 0,
    ops: [Operand::None; 4],
    mem: MemRef {
        base: NO_REG,
        index: NO_REG,
        scale: 1,
        seg: Seg::None,
        addr32: false,
        disp: 0,
    },
    imm: 0,
    imm2: 0,
};

/// Decoding state for one instruction.
pub(crate) struct Cursor<'o> {
    /// The instruction window: the first `min(len, 15)` input bytes.
    b: &'o [u8],
    /// Bytes of the window that are real input (`min(len, 15)`).
    wlen: usize,
    avail: usize,
    pub pos: usize,
    pub ip: u64,
    pub has_rex: bool,
    pub w: bool,
    /// REX.R / REX.X / REX.B already shifted to 8.
    pub rex_r: u8,
    pub rex_x: u8,
    pub rex_b: u8,
    pub p66: bool,
    pub p67: bool,
    pub lock: bool,
    pub rep: Rep,
    pub seg: Seg,
    pub modrm: u8,
    /// The memory operand is RIP-relative and must be fixed up once the length is known.
    rip_rel: bool,
    /// The caller's output, written field by field and never read back whole
    /// (reading back partially written structs stalls store forwarding).
    pub insn: &'o mut Insn,
}

impl<'o> Cursor<'o> {
    #[inline(always)]
    pub fn new(bytes: &'o [u8], ip: u64, out: &'o mut Insn) -> Self {
        *out = EMPTY;
        let wlen = bytes.len().min(MAX_LEN);
        Cursor {
            b: &bytes[..wlen],
            wlen,
            avail: bytes.len(),
            pos: 0,
            ip,
            has_rex: false,
            w: false,
            rex_r: 0,
            rex_x: 0,
            rex_b: 0,
            p66: false,
            p67: false,
            lock: false,
            rep: Rep::None,
            seg: Seg::None,
            modrm: 0,
            rip_rel: false,
            insn: out,
        }
    }

    /// Error for reading past the 15-byte window.
    #[cold]
    pub fn eof(&self) -> DecodeError {
        if self.avail >= MAX_LEN {
            DecodeError::Invalid {
                reason: "instruction longer than 15 bytes",
            }
        } else {
            DecodeError::Truncated {
                have: self.avail as u8,
            }
        }
    }

    /// True when decoding has read past the real bytes of the window.
    #[inline(always)]
    pub fn overrun(&self) -> bool {
        self.pos > self.wlen
    }

    /// Next byte (0 past the window; see [`Cursor::overrun`]).
    #[inline(always)]
    pub fn u8(&mut self) -> u8 {
        let v = match self.b.get(self.pos) {
            Some(&v) => v,
            None => 0,
        };
        self.pos += 1;
        v
    }

    #[inline(always)]
    pub fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    #[inline(always)]
    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let p = self.pos;
        self.pos += N;
        let mut a = [0u8; N];
        if let Some(s) = self.b.get(p..p + N) {
            a.copy_from_slice(s);
        }
        a
    }

    #[inline(always)]
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.bytes::<2>())
    }

    #[inline(always)]
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes(self.bytes::<4>())
    }

    #[inline(always)]
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.bytes::<8>())
    }

    /// Skip `n` bytes (immediates of unsupported instructions).
    #[inline]
    pub fn skip(&mut self, n: usize) {
        self.pos += n;
    }

    /// Sign-extended immediate of `n` (1, 2 or 4) bytes.
    #[inline(always)]
    pub fn imm_s(&mut self, n: u8) -> u64 {
        match n {
            1 => self.u8() as i8 as i64 as u64,
            2 => self.u16() as i16 as i64 as u64,
            _ => self.u32() as i32 as i64 as u64,
        }
    }

    /// Zero-extended immediate of `n` (1, 2 or 4) bytes.
    #[inline(always)]
    pub fn imm_z(&mut self, n: u8) -> u64 {
        match n {
            1 => self.u8() as u64,
            2 => self.u16() as u64,
            _ => self.u32() as u64,
        }
    }

    /// Operand size selected by REX.W / 66 for "v"-sized (16/32/64) forms.
    #[inline(always)]
    pub fn osz(&self) -> u8 {
        if self.w {
            8
        } else if self.p66 {
            2
        } else {
            4
        }
    }

    /// Operand size of stack operations and other forms that default to 64 bits.
    #[inline(always)]
    pub fn osz64(&self) -> u8 {
        if self.p66 && !self.w {
            2
        } else {
            8
        }
    }

    /// Immediate size for a "v"-sized operand: imm16 with 66, else imm32.
    #[inline(always)]
    pub fn immsz(osz: u8) -> u8 {
        if osz == 2 {
            2
        } else {
            4
        }
    }

    #[inline(always)]
    pub fn read_modrm(&mut self) -> u8 {
        let m = self.u8();
        self.modrm = m;
        m
    }

    #[inline(always)]
    pub fn is_reg_form(&self) -> bool {
        self.modrm >= 0xC0
    }

    /// ModRM.reg extended by REX.R.
    #[inline(always)]
    pub fn reg(&self) -> u8 {
        ((self.modrm >> 3) & 7) | self.rex_r
    }

    /// ModRM.rm extended by REX.B (register form).
    #[inline(always)]
    pub fn rm(&self) -> u8 {
        (self.modrm & 7) | self.rex_b
    }

    /// A general register operand, honouring the legacy high-byte encoding.
    #[inline(always)]
    pub fn gpr(&self, reg: u8, size: u8) -> Operand {
        if size == 1 && !self.has_rex && (4..8).contains(&reg) {
            Operand::GprHigh8 { reg: reg - 4 }
        } else {
            Operand::Gpr { reg, size }
        }
    }

    /// Decode the memory form of the current ModRM (SIB, displacement) into
    /// [`Insn::mem`]. Must only be called when `mod != 3`.
    #[inline(always)]
    pub fn mem(&mut self) {
        // Written to keep data-dependent branches to the SIB test: base,
        // index and displacement size are selected with conditional moves, and
        // the displacement is read as 4 bytes and then narrowed.
        let md = self.modrm >> 6;
        let rm = self.modrm & 7;
        let mut dsz: usize = if md == 1 {
            1
        } else if md == 2 {
            4
        } else {
            0
        };
        let mut index = NO_REG;
        let mut scale = 1;
        let base;
        if rm == 4 {
            let sib = self.u8();
            scale = 1 << (sib >> 6);
            let idx = ((sib >> 3) & 7) | self.rex_x;
            index = if idx != 4 { idx } else { NO_REG };
            let no_base = sib & 7 == 5 && md == 0;
            base = if no_base {
                NO_REG
            } else {
                (sib & 7) | self.rex_b
            };
            dsz = if no_base { 4 } else { dsz };
        } else {
            let rip = rm == 5 && md == 0;
            base = if rip { RIP_BASE } else { rm | self.rex_b };
            dsz = if rip { 4 } else { dsz };
            self.rip_rel = rip;
        }
        let raw = self.peek_u32();
        let disp = if dsz == 1 {
            raw as u8 as i8 as i64
        } else if dsz == 4 {
            raw as i32 as i64
        } else {
            0
        };
        self.pos += dsz;
        self.insn.mem = MemRef {
            base,
            index,
            scale,
            seg: self.seg,
            addr32: self.p67,
            disp,
        };
    }

    /// The next 4 bytes without consuming them (zero-filled past the window).
    #[inline(always)]
    fn peek_u32(&self) -> u32 {
        match self.b.get(self.pos..self.pos + 4) {
            Some(s) => u32::from_le_bytes([s[0], s[1], s[2], s[3]]),
            None => {
                let mut a = [0u8; 4];
                for (k, v) in a.iter_mut().enumerate() {
                    *v = self.b.get(self.pos + k).copied().unwrap_or(0);
                }
                u32::from_le_bytes(a)
            }
        }
    }

    /// r/m operand of a general-register form: register or memory of `size` bytes.
    #[inline(always)]
    pub fn rm_gpr(&mut self, size: u8) -> Operand {
        if self.is_reg_form() {
            self.gpr(self.rm(), size)
        } else {
            self.mem();
            Operand::Mem { size }
        }
    }

    /// r/m operand of an XMM form: register or memory of `msize` bytes.
    #[inline(always)]
    pub fn rm_xmm(&mut self, msize: u8) -> Operand {
        if self.is_reg_form() {
            Operand::Xmm(self.rm())
        } else {
            self.mem();
            Operand::Mem { size: msize }
        }
    }

    /// Memory-only r/m operand; the register form is invalid.
    #[inline(always)]
    pub fn rm_mem_only(&mut self, size: u8) -> R<Operand> {
        if self.is_reg_form() {
            return Err(DecodeError::Invalid {
                reason: "register form of a memory-only instruction",
            });
        }
        self.mem();
        Ok(Operand::Mem { size })
    }

    /// Skip the memory operand bytes of the current ModRM (for unsupported forms).
    #[inline]
    pub fn skip_modrm_mem(&mut self) {
        if !self.is_reg_form() {
            self.mem();
        }
    }

    /// Complete a supported instruction: length, RIP fix-up, LOCK legality and the
    /// informational prefix bits.
    #[inline(always)]
    pub fn done(&mut self, op: Op, osize: u8, lockable: bool) -> R<()> {
        let len = self.pos as u8;
        // LOCK and RIP-relative operands are the uncommon cases: one test.
        if self.lock | self.rip_rel {
            self.done_slow(lockable, len)?;
        }
        self.insn.prefixes |=
            (self.p66 as u8 * crate::prefix::OPSIZE) | (self.p67 as u8 * crate::prefix::ADDR32);
        self.insn.op = op;
        self.insn.len = len;
        self.insn.osize = osize;
        Ok(())
    }

    /// LOCK legality and the RIP-relative fix-up for [`Cursor::done`].
    #[inline(never)]
    fn done_slow(&mut self, lockable: bool, len: u8) -> R<()> {
        if self.lock {
            if !lockable || self.is_reg_form() {
                return Err(DecodeError::Invalid {
                    reason: "LOCK prefix on an instruction that cannot be locked",
                });
            }
            self.insn.prefixes |= crate::prefix::LOCK;
        }
        if self.rip_rel {
            let next = self.ip.wrapping_add(len as u64);
            let mut a = next.wrapping_add(self.insn.mem.disp as u64);
            if self.p67 {
                a = a as u32 as u64;
            }
            self.insn.mem.disp = a as i64;
        }
        Ok(())
    }

    /// Complete an instruction that is valid but not supported.
    #[inline]
    pub fn unsupported(&self, mnemonic: &'static str, ext: Extension) -> R<()> {
        if self.lock {
            return Err(DecodeError::Invalid {
                reason: "LOCK prefix on an instruction that cannot be locked",
            });
        }
        Err(DecodeError::Unsupported {
            len: self.pos as u8,
            mnemonic,
            ext,
        })
    }

    /// Absolute target of a relative branch whose displacement has just been read.
    #[inline(always)]
    pub fn target(&self, rel: u64) -> u64 {
        self.ip.wrapping_add(self.pos as u64).wrapping_add(rel)
    }
}

#[cold]
pub(crate) fn invalid<T>(reason: &'static str) -> R<T> {
    Err(DecodeError::Invalid { reason })
}
