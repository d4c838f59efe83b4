//! SSE4.1 odds: PTEST (flags), MPSADBW (sliding sums of absolute differences),
//! PHMINPOSUW (minimum unsigned word and its index).

use super::lanes::*;
use super::operand::{binary, imm8, read, xmm};
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::flags::{AF, CF, OF, PF, SF, ZF};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<(), Fault> {
    let imm = imm8(insn);
    match insn.op {
        // ZF: dest AND src is zero; CF: (NOT dest) AND src is zero; the other status flags clear.
        Op::Ptest => {
            let d = cpu.xmm[xmm(insn, 0)?];
            let s = read(cpu, mem, insn, 1)?;
            let mut f = cpu.flags.get() & !(ZF | PF | CF | OF | SF | AF);
            if d & s == 0 {
                f |= ZF;
            }
            if !d & s == 0 {
                f |= CF;
            }
            cpu.flags.set(f);
            Ok(())
        }
        // Eight sums of |dest[o1+i+k] - src[o2+k]|, k = 0..4; o1 = imm[2]*4, o2 = imm[1:0]*4.
        Op::Mpsadbw => binary(cpu, mem, insn, |d, s| {
            let (a, b) = (u8s(d), u8s(s));
            let (o1, o2) = (((imm >> 2) & 1) as usize * 4, (imm & 3) as usize * 4);
            from_u16s(core::array::from_fn(|i| {
                (0..4)
                    .map(|k| a[o1 + i + k].abs_diff(b[o2 + k]) as u16)
                    .sum()
            }))
        }),
        // Lowest index wins ties; result word 0 = minimum, bits 16..19 = index, rest zero.
        Op::Phminposuw => binary(cpu, mem, insn, |_, s| {
            let w = u16s(s);
            let (idx, min) =
                w.iter().enumerate().fold(
                    (0usize, w[0]),
                    |(bi, bm), (i, &v)| if v < bm { (i, v) } else { (bi, bm) },
                );
            min as u128 | ((idx as u128) << 16)
        }),
        op => Err(Fault::NotImplemented(op.name())),
    }
}
