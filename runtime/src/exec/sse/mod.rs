//! SSE..SSE4.2 instruction semantics, bit-exact with x86-64 hardware under the
//! fixed default MXCSR (see `docs/SSE.md`).
//!
//! [`execute`] routes each operation to the module for its domain; the shared
//! operand plumbing (XMM/memory/GPR sources, alignment rules) lives in `operand`.

use super::Step;
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op};

pub(crate) mod convert;
mod fp;
pub(crate) mod fp_arith;
mod fp_compare;
pub(crate) mod fp_packed;
pub(crate) mod int_arith;
pub(crate) mod int_shift;
pub(crate) mod lanes;
mod moves;
mod operand;
pub(crate) mod pack;
pub(crate) mod shuffle;
mod sse4;
mod string;

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    use Op::*;
    match insn.op {
        Movaps | Movups | Movapd | Movupd | Movss | Movsd | Movlps | Movhps | Movlpd | Movhpd
        | Movhlps | Movlhps | Movmskps | Movmskpd | Movntps | Movntpd | Movntdq | Movntdqa
        | Movdqa | Movdqu | Movd | Movq | Maskmovdqu | Lddqu | Movddup | Movshdup | Movsldup
        | Ldmxcsr | Stmxcsr | Pmovmskb => moves::execute(cpu, mem, insn)?,
        Addps | Addss | Addpd | Addsd | Subps | Subss | Subpd | Subsd | Mulps | Mulss | Mulpd
        | Mulsd | Divps | Divss | Divpd | Divsd | Sqrtps | Sqrtss | Sqrtpd | Sqrtsd | Maxps
        | Maxss | Maxpd | Maxsd | Minps | Minss | Minpd | Minsd | Andps | Andnps | Orps | Xorps
        | Andpd | Andnpd | Orpd | Xorpd | Addsubps | Addsubpd | Haddps | Haddpd | Hsubps
        | Hsubpd | Roundps | Roundpd | Roundss | Roundsd | Dpps | Dppd => {
            fp_arith::execute(cpu, mem, insn)?
        }
        Cmpps | Cmpss | Cmppd | Cmpsd | Comiss | Ucomiss | Comisd | Ucomisd => {
            fp_compare::execute(cpu, mem, insn)?
        }
        Cvtsi2ss | Cvtsi2sd | Cvtss2si | Cvtsd2si | Cvttss2si | Cvttsd2si | Cvtss2sd | Cvtsd2ss
        | Cvtps2pd | Cvtpd2ps | Cvtdq2ps | Cvtps2dq | Cvttps2dq | Cvtdq2pd | Cvtpd2dq
        | Cvttpd2dq => convert::execute(cpu, mem, insn)?,
        Psllw | Pslld | Psllq | Psrlw | Psrld | Psrlq | Psraw | Psrad | Pslldq | Psrldq => {
            int_shift::execute(cpu, mem, insn)?
        }
        Shufps | Shufpd | Unpcklps | Unpckhps | Unpcklpd | Unpckhpd | Blendps | Blendpd
        | Blendvps | Blendvpd | Insertps | Extractps | Punpcklbw | Punpcklwd | Punpckldq
        | Punpcklqdq | Punpckhbw | Punpckhwd | Punpckhdq | Punpckhqdq | Pshufd | Pshufhw
        | Pshuflw | Pshufb | Pextrb | Pextrw | Pextrd | Pextrq | Pinsrb | Pinsrw | Pinsrd
        | Pinsrq | Palignr | Pblendvb | Pblendw => shuffle::execute(cpu, mem, insn)?,
        Packsswb | Packssdw | Packuswb | Packusdw | Pmovsxbw | Pmovsxbd | Pmovsxbq | Pmovsxwd
        | Pmovsxwq | Pmovsxdq | Pmovzxbw | Pmovzxbd | Pmovzxbq | Pmovzxwd | Pmovzxwq | Pmovzxdq => {
            pack::execute(cpu, mem, insn)?
        }
        Ptest | Mpsadbw | Phminposuw => sse4::execute(cpu, mem, insn)?,
        Pcmpestri | Pcmpestrm | Pcmpistri | Pcmpistrm => string::execute(cpu, mem, insn)?,
        op if op.is_sse() => int_arith::execute(cpu, mem, insn)?,
        op => return Err(Fault::NotImplemented(op.name())),
    }
    Ok(Step::Next)
}
