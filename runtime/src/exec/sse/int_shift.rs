//! Packed shifts. The count is an imm8 or the low 64 bits of an XMM/m128
//! operand; counts past the lane width give zero (logical) or the sign fill
//! (arithmetic). PSLLDQ/PSRLDQ shift the whole register by bytes.

use super::lanes::*;
use super::operand::binary;
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    use Op::*;
    let op = insn.op;
    binary(cpu, mem, insn, |d, s| {
        let n = s as u64;
        match op {
            Psllw => map(d, u16s, from_u16s, |x| if n > 15 { 0 } else { x << n }),
            Pslld => map(d, u32s, from_u32s, |x| if n > 31 { 0 } else { x << n }),
            Psllq => map(d, u64s, from_u64s, |x| if n > 63 { 0 } else { x << n }),
            Psrlw => map(d, u16s, from_u16s, |x| if n > 15 { 0 } else { x >> n }),
            Psrld => map(d, u32s, from_u32s, |x| if n > 31 { 0 } else { x >> n }),
            Psrlq => map(d, u64s, from_u64s, |x| if n > 63 { 0 } else { x >> n }),
            Psraw => map(d, i16s, from_i16s, |x| x >> n.min(15)),
            Psrad => map(d, i32s, from_i32s, |x| x >> n.min(31)),
            Pslldq => {
                if n > 15 {
                    0
                } else {
                    d << (n * 8)
                }
            }
            _ => {
                if n > 15 {
                    0
                } else {
                    d >> (n * 8)
                }
            }
        }
    })
}
