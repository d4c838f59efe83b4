//! Minimal x86-64 encoder for the integer differential tests: legacy
//! prefixes, REX, VEX3, ModRM/SIB with register, [base+disp8],
//! [base+index*scale+disp8] and RIP-relative operands, and immediates.
//! Independent of the decoder under test, so encodings are produced from the
//! SDM's opcode tables rather than round-tripped.

#![allow(dead_code)]

/// The r/m operand of an encoding.
#[derive(Clone, Copy, Debug)]
pub enum Rm {
    /// A register (mod = 11).
    Reg(u8),
    /// `[base + disp8]` (SIB added when base is rsp/r12).
    Base { base: u8, disp: i8 },
    /// `[base + index*scale + disp8]`.
    Sib {
        base: u8,
        index: u8,
        scale: u8,
        disp: i8,
    },
    /// `[rip + disp32]` resolving to absolute `target`.
    Rip { target: u64 },
}

/// One instruction to encode.
#[derive(Clone, Debug, Default)]
pub struct Enc {
    /// Legacy prefixes (66, 67, F2, F3, F0, 64, 65) in order.
    pub pre: Vec<u8>,
    pub w: bool,
    /// Emit a REX prefix even when no bit needs it (selects spl..dil for 8-bit regs).
    pub force_rex: bool,
    /// VEX: (map 1..3, pp 0..3, vvvv register, L).
    pub vex: Option<(u8, u8, u8)>,
    /// Opcode bytes (for opcode-embedded registers, the low 3 bits are added by `opreg`).
    pub op: Vec<u8>,
    /// Register added to the last opcode byte (50+r, b8+r, 0f c8+r, 90+r).
    pub opreg: Option<u8>,
    /// ModRM: reg field (register or /digit) and the r/m operand.
    pub modrm: Option<(u8, Rm)>,
    pub imm: Vec<u8>,
}

impl Enc {
    pub fn new(op: &[u8]) -> Self {
        Enc {
            op: op.to_vec(),
            ..Default::default()
        }
    }

    /// Encode as the instruction at absolute address `ip`.
    pub fn bytes(&self, ip: u64) -> Vec<u8> {
        let mut out = self.pre.clone();
        let (reg, rm) = match self.modrm {
            Some((r, rm)) => (r, Some(rm)),
            None => (0, None),
        };
        let r_bit = (reg >> 3) & 1;
        let (x_bit, b_bit) = match rm {
            Some(Rm::Reg(r)) => (0, (r >> 3) & 1),
            Some(Rm::Base { base, .. }) => (0, (base >> 3) & 1),
            Some(Rm::Sib { base, index, .. }) => ((index >> 3) & 1, (base >> 3) & 1),
            Some(Rm::Rip { .. }) => (0, 0),
            None => (0, self.opreg.map_or(0, |r| (r >> 3) & 1)),
        };
        if let Some((map, pp, vvvv)) = self.vex {
            out.push(0xc4);
            out.push(((r_bit ^ 1) << 7) | ((x_bit ^ 1) << 6) | ((b_bit ^ 1) << 5) | map);
            out.push(((self.w as u8) << 7) | ((!vvvv & 15) << 3) | pp);
        } else {
            let rex = 0x40 | ((self.w as u8) << 3) | (r_bit << 2) | (x_bit << 1) | b_bit;
            if rex != 0x40 || self.force_rex {
                out.push(rex);
            }
        }
        let mut op = self.op.clone();
        if let Some(r) = self.opreg {
            *op.last_mut().expect("opcode") += r & 7;
        }
        out.extend_from_slice(&op);
        let mut rip_fix = None;
        if let Some(rm) = rm {
            let reg = (reg & 7) << 3;
            match rm {
                Rm::Reg(r) => out.push(0xc0 | reg | (r & 7)),
                Rm::Base { base, disp } => {
                    if base & 7 == 4 {
                        out.push(0x44 | reg);
                        out.push(0x24);
                    } else {
                        out.push(0x40 | reg | (base & 7));
                    }
                    out.push(disp as u8);
                }
                Rm::Sib {
                    base,
                    index,
                    scale,
                    disp,
                } => {
                    out.push(0x44 | reg);
                    let ss = scale.trailing_zeros() as u8;
                    out.push((ss << 6) | ((index & 7) << 3) | (base & 7));
                    out.push(disp as u8);
                }
                Rm::Rip { target } => {
                    out.push(0x05 | reg);
                    rip_fix = Some((out.len(), target));
                    out.extend_from_slice(&[0; 4]);
                }
            }
        }
        out.extend_from_slice(&self.imm);
        if let Some((pos, target)) = rip_fix {
            let next = ip + out.len() as u64;
            let d = target.wrapping_sub(next) as i64 as i32;
            out[pos..pos + 4].copy_from_slice(&d.to_le_bytes());
        }
        out
    }
}
