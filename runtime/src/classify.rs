//! Gas class of every decoded operation, and the gas of one instruction.
//!
//! The mapping is an exhaustive `match` without a wildcard on purpose: adding
//! an [`Op`] to the decoder does not compile until someone decides what it
//! costs. The classes and their prices live in `echovm-gas` (docs/GAS.md has
//! the table); this file only sorts operations into them.

use echovm_decoder::{prefix, Insn, Op, Operand};
use echovm_gas::{InstrClass, Schedule};

/// Class of an instruction (determined by its operation alone).
#[inline]
pub fn class_of(insn: &Insn) -> InstrClass {
    class_of_op(insn.op)
}

/// A string instruction with a REP/REPE/REPNE prefix: its iterations are
/// charged one by one as they run, so nothing after it may be precharged
/// with it (it ends its block, joins no trace and has no fast handler).
#[inline(always)]
pub fn is_rep_string(insn: &Insn) -> bool {
    insn.has_prefix(prefix::REP | prefix::REPNE) && insn.op.is_string()
}

/// Gas charged before `insn` executes: its class cost, plus the memory-operand
/// surcharge when it accesses an explicit memory operand, plus — for a string
/// instruction without REP — its single iteration (REP iterations are charged
/// one by one by the interpreter as they run). Saturating, and at least 1
/// because every class costs at least 1 (enforced when a schedule is parsed).
#[inline]
pub fn insn_cost(schedule: &Schedule, insn: &Insn) -> u64 {
    let class = class_of(insn);
    let mut cost = schedule.class_cost(class);
    if has_memory_access(insn) {
        cost = cost.saturating_add(schedule.surcharges().memory_operand);
    }
    if class == InstrClass::String && !insn.has_prefix(prefix::REP | prefix::REPNE) {
        cost = cost.saturating_add(schedule.surcharges().string_iteration);
    }
    cost
}

/// True when an explicit operand reads or writes memory (`lea`, `nop m`,
/// prefetches and other address-only forms have size 0 and do not count).
#[inline]
pub fn has_memory_access(insn: &Insn) -> bool {
    insn.ops
        .iter()
        .any(|o| matches!(o, Operand::Mem { size } if *size > 0))
}

/// Class of an operation.
pub const fn class_of_op(op: Op) -> InstrClass {
    use InstrClass as C;
    match op {
        // ---- integer ALU ----
        Op::Add
        | Op::Or
        | Op::Adc
        | Op::Sbb
        | Op::And
        | Op::Sub
        | Op::Xor
        | Op::Cmp
        | Op::Test
        | Op::Inc
        | Op::Dec
        | Op::Neg
        | Op::Not => C::Alu,
        // ---- moves ----
        Op::Mov
        | Op::Movzx
        | Op::Movsx
        | Op::Movsxd
        | Op::Lea
        | Op::Xchg
        | Op::Movbe
        | Op::Movnti
        | Op::Xlatb => C::Mov,
        Op::Cmpxchg | Op::Cmpxchg8b | Op::Cmpxchg16b | Op::Xadd => C::Alu,
        // ---- stack ----
        Op::Push
        | Op::Pop
        | Op::Pushfq
        | Op::Popfq
        | Op::Enter
        | Op::Leave
        | Op::Pushf
        | Op::Popf => C::Stack,
        // ---- control transfer ----
        Op::Call | Op::Ret => C::Call,
        Op::Jmp
        | Op::Jo
        | Op::Jno
        | Op::Jb
        | Op::Jae
        | Op::Je
        | Op::Jne
        | Op::Jbe
        | Op::Ja
        | Op::Js
        | Op::Jns
        | Op::Jp
        | Op::Jnp
        | Op::Jl
        | Op::Jge
        | Op::Jle
        | Op::Jg
        | Op::Loop
        | Op::Loope
        | Op::Loopne
        | Op::Jrcxz
        | Op::Jecxz => C::Branch,
        Op::Seto
        | Op::Setno
        | Op::Setb
        | Op::Setae
        | Op::Sete
        | Op::Setne
        | Op::Setbe
        | Op::Seta
        | Op::Sets
        | Op::Setns
        | Op::Setp
        | Op::Setnp
        | Op::Setl
        | Op::Setge
        | Op::Setle
        | Op::Setg => C::Alu,
        Op::Cmovo
        | Op::Cmovno
        | Op::Cmovb
        | Op::Cmovae
        | Op::Cmove
        | Op::Cmovne
        | Op::Cmovbe
        | Op::Cmova
        | Op::Cmovs
        | Op::Cmovns
        | Op::Cmovp
        | Op::Cmovnp
        | Op::Cmovl
        | Op::Cmovge
        | Op::Cmovle
        | Op::Cmovg => C::Mov,
        // ---- shifts and rotates ----
        Op::Rol
        | Op::Ror
        | Op::Rcl
        | Op::Rcr
        | Op::Shl
        | Op::Shr
        | Op::Sal
        | Op::Sar
        | Op::Shld
        | Op::Shrd => C::Alu,
        // ---- multiply / divide / sign extension ----
        Op::Mul | Op::Imul => C::Mul,
        Op::Div | Op::Idiv => C::Div,
        Op::Cbw | Op::Cwde | Op::Cdqe | Op::Cwd | Op::Cdq | Op::Cqo => C::Mov,
        // ---- bit operations ----
        Op::Bt | Op::Bts | Op::Btr | Op::Btc | Op::Bswap => C::Alu,
        Op::Bsf | Op::Bsr | Op::Popcnt | Op::Lzcnt | Op::Tzcnt => C::Bit,
        Op::Andn
        | Op::Bextr
        | Op::Blsi
        | Op::Blsmsk
        | Op::Blsr
        | Op::Bzhi
        | Op::Rorx
        | Op::Sarx
        | Op::Shlx
        | Op::Shrx => C::Bit,
        // mulx is a multiply; pdep/pext walk up to 64 mask bits.
        Op::Mulx | Op::Pdep | Op::Pext => C::Mul,
        // ---- flags ----
        Op::Clc | Op::Stc | Op::Cmc | Op::Cld | Op::Std | Op::Sahf | Op::Lahf => C::Alu,
        // ---- string instructions ----
        Op::Movsb
        | Op::Movsw
        | Op::MovsdString
        | Op::Movsq
        | Op::Stosb
        | Op::Stosw
        | Op::Stosd
        | Op::Stosq
        | Op::Lodsb
        | Op::Lodsw
        | Op::Lodsd
        | Op::Lodsq
        | Op::Scasb
        | Op::Scasw
        | Op::Scasd
        | Op::Scasq
        | Op::Cmpsb
        | Op::Cmpsw
        | Op::CmpsdString
        | Op::Cmpsq => C::String,
        // ---- misc ----
        Op::Nop
        | Op::Endbr64
        | Op::Pause
        | Op::Lfence
        | Op::Mfence
        | Op::Sfence
        | Op::Prefetchnta
        | Op::Prefetcht0
        | Op::Prefetcht1
        | Op::Prefetcht2
        | Op::Prefetchw
        | Op::Clflush => C::Nop,
        Op::Ud2 | Op::Ldmxcsr | Op::Stmxcsr => C::Misc,
        Op::Int | Op::Int3 | Op::Int1 => C::Interrupt,
        Op::Cpuid => C::Cpuid,
        // crc32 folds up to 8 bytes through a polynomial division.
        Op::Crc32 => C::Mul,
        // ---- SSE: moves ----
        Op::Movaps
        | Op::Movups
        | Op::Movapd
        | Op::Movupd
        | Op::Movss
        | Op::Movsd
        | Op::Movlps
        | Op::Movhps
        | Op::Movlpd
        | Op::Movhpd
        | Op::Movhlps
        | Op::Movlhps
        | Op::Movmskps
        | Op::Movmskpd
        | Op::Movntps
        | Op::Movntpd
        | Op::Movntdq
        | Op::Movntdqa
        | Op::Movdqa
        | Op::Movdqu
        | Op::Movd
        | Op::Movq
        | Op::Maskmovdqu
        | Op::Lddqu
        | Op::Movddup
        | Op::Movshdup
        | Op::Movsldup => C::SseMove,
        // ---- SSE: floating point ----
        Op::Addps
        | Op::Addss
        | Op::Addpd
        | Op::Addsd
        | Op::Subps
        | Op::Subss
        | Op::Subpd
        | Op::Subsd
        | Op::Mulps
        | Op::Mulss
        | Op::Mulpd
        | Op::Mulsd
        | Op::Maxps
        | Op::Maxss
        | Op::Maxpd
        | Op::Maxsd
        | Op::Minps
        | Op::Minss
        | Op::Minpd
        | Op::Minsd
        | Op::Cmpps
        | Op::Cmpss
        | Op::Cmppd
        | Op::Cmpsd
        | Op::Comiss
        | Op::Ucomiss
        | Op::Comisd
        | Op::Ucomisd
        | Op::Addsubps
        | Op::Addsubpd
        | Op::Haddps
        | Op::Haddpd
        | Op::Hsubps
        | Op::Hsubpd
        | Op::Roundps
        | Op::Roundpd
        | Op::Roundss
        | Op::Roundsd
        | Op::Dpps
        | Op::Dppd => C::SseFloat,
        Op::Divps
        | Op::Divss
        | Op::Divpd
        | Op::Divsd
        | Op::Sqrtps
        | Op::Sqrtss
        | Op::Sqrtpd
        | Op::Sqrtsd => C::SseDivSqrt,
        // Bitwise logic on float registers is integer work.
        Op::Andps
        | Op::Andnps
        | Op::Orps
        | Op::Xorps
        | Op::Andpd
        | Op::Andnpd
        | Op::Orpd
        | Op::Xorpd => C::SseInt,
        Op::Shufps
        | Op::Shufpd
        | Op::Unpcklps
        | Op::Unpckhps
        | Op::Unpcklpd
        | Op::Unpckhpd
        | Op::Blendps
        | Op::Blendpd
        | Op::Blendvps
        | Op::Blendvpd
        | Op::Insertps
        | Op::Extractps => C::SseMove,
        // ---- SSE: conversions ----
        Op::Cvtsi2ss
        | Op::Cvtsi2sd
        | Op::Cvtss2si
        | Op::Cvtsd2si
        | Op::Cvttss2si
        | Op::Cvttsd2si
        | Op::Cvtss2sd
        | Op::Cvtsd2ss
        | Op::Cvtps2pd
        | Op::Cvtpd2ps
        | Op::Cvtdq2ps
        | Op::Cvtps2dq
        | Op::Cvttps2dq
        | Op::Cvtdq2pd
        | Op::Cvtpd2dq
        | Op::Cvttpd2dq => C::SseConvert,
        // ---- SSE: packed integer arithmetic, compares, logic, shifts, packs ----
        Op::Paddb
        | Op::Paddw
        | Op::Paddd
        | Op::Paddq
        | Op::Paddsb
        | Op::Paddsw
        | Op::Paddusb
        | Op::Paddusw
        | Op::Psubb
        | Op::Psubw
        | Op::Psubd
        | Op::Psubq
        | Op::Psubsb
        | Op::Psubsw
        | Op::Psubusb
        | Op::Psubusw
        | Op::Pmaddwd
        | Op::Pmulhw
        | Op::Pmulhuw
        | Op::Pmullw
        | Op::Pmuludq
        | Op::Pmuldq
        | Op::Pmulld
        | Op::Pavgb
        | Op::Pavgw
        | Op::Psadbw
        | Op::Pmaxsw
        | Op::Pmaxub
        | Op::Pminsw
        | Op::Pminub
        | Op::Pmaxsb
        | Op::Pmaxsd
        | Op::Pmaxud
        | Op::Pmaxuw
        | Op::Pminsb
        | Op::Pminsd
        | Op::Pminud
        | Op::Pminuw
        | Op::Pand
        | Op::Pandn
        | Op::Por
        | Op::Pxor
        | Op::Pcmpeqb
        | Op::Pcmpeqw
        | Op::Pcmpeqd
        | Op::Pcmpeqq
        | Op::Pcmpgtb
        | Op::Pcmpgtw
        | Op::Pcmpgtd
        | Op::Pcmpgtq
        | Op::Psllw
        | Op::Pslld
        | Op::Psllq
        | Op::Psrlw
        | Op::Psrld
        | Op::Psrlq
        | Op::Psraw
        | Op::Psrad
        | Op::Packsswb
        | Op::Packssdw
        | Op::Packuswb
        | Op::Packusdw
        | Op::Pabsb
        | Op::Pabsw
        | Op::Pabsd
        | Op::Phaddw
        | Op::Phaddd
        | Op::Phaddsw
        | Op::Phsubw
        | Op::Phsubd
        | Op::Phsubsw
        | Op::Pmaddubsw
        | Op::Pmulhrsw
        | Op::Psignb
        | Op::Psignw
        | Op::Psignd
        | Op::Mpsadbw
        | Op::Phminposuw
        | Op::Ptest => C::SseInt,
        // ---- SSE: packed integer data movement ----
        Op::Pslldq
        | Op::Psrldq
        | Op::Punpcklbw
        | Op::Punpcklwd
        | Op::Punpckldq
        | Op::Punpcklqdq
        | Op::Punpckhbw
        | Op::Punpckhwd
        | Op::Punpckhdq
        | Op::Punpckhqdq
        | Op::Pshufd
        | Op::Pshufhw
        | Op::Pshuflw
        | Op::Pshufb
        | Op::Pextrb
        | Op::Pextrw
        | Op::Pextrd
        | Op::Pextrq
        | Op::Pinsrb
        | Op::Pinsrw
        | Op::Pinsrd
        | Op::Pinsrq
        | Op::Pmovmskb
        | Op::Palignr
        | Op::Pblendvb
        | Op::Pblendw
        | Op::Pmovsxbw
        | Op::Pmovsxbd
        | Op::Pmovsxbq
        | Op::Pmovsxwd
        | Op::Pmovsxwq
        | Op::Pmovsxdq
        | Op::Pmovzxbw
        | Op::Pmovzxbd
        | Op::Pmovzxbq
        | Op::Pmovzxwd
        | Op::Pmovzxwq
        | Op::Pmovzxdq => C::SseMove,
        // ---- SSE4.2 string compares ----
        Op::Pcmpestri | Op::Pcmpestrm | Op::Pcmpistri | Op::Pcmpistrm => C::SseString,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    type TestResult = Result<(), Box<dyn std::error::Error>>;
    use echovm_decoder::MemRef;

    fn insn(op: Op, ops: [Operand; 4], prefixes: u8) -> Insn {
        Insn {
            op,
            len: 1,
            osize: 8,
            prefixes,
            ops,
            mem: MemRef::default(),
            imm: 0,
            imm2: 0,
        }
    }

    #[test]
    fn every_op_costs_at_least_one_in_every_schedule() -> TestResult {
        for s in echovm_gas::schedules() {
            for &op in Op::ALL {
                let plain = insn(op, [Operand::None; 4], 0);
                assert!(
                    insn_cost(s, &plain) >= 1,
                    "{} costs 0 in v{}",
                    op.name(),
                    s.version()
                );
            }
        }
        Ok(())
    }

    #[test]
    fn every_class_has_members_and_sse_ops_stay_in_sse_classes() -> TestResult {
        for &class in InstrClass::ALL {
            assert!(
                Op::ALL.iter().any(|&op| class_of_op(op) == class),
                "class {} has no operation",
                class.key()
            );
        }
        let sse_classes = [
            InstrClass::SseMove,
            InstrClass::SseInt,
            InstrClass::SseFloat,
            InstrClass::SseDivSqrt,
            InstrClass::SseConvert,
            InstrClass::SseString,
        ];
        for &op in Op::ALL {
            let class = class_of_op(op);
            if op.is_sse() && !matches!(op, Op::Ldmxcsr | Op::Stmxcsr) {
                assert!(
                    sse_classes.contains(&class),
                    "{} is SSE but in {}",
                    op.name(),
                    class.key()
                );
            } else if !op.is_sse() {
                assert!(
                    !sse_classes.contains(&class),
                    "{} is not SSE but in {}",
                    op.name(),
                    class.key()
                );
            }
        }
        Ok(())
    }

    #[test]
    fn condition_families_share_a_class() -> TestResult {
        for (base, class) in [
            (Op::Jo, InstrClass::Branch),
            (Op::Seto, InstrClass::Alu),
            (Op::Cmovo, InstrClass::Mov),
        ] {
            let family: Vec<Op> = Op::ALL
                .iter()
                .copied()
                .filter(|&op| (op as u16).wrapping_sub(base as u16) < 16)
                .collect();
            assert_eq!(family.len(), 16, "{} family", base.name());
            for op in family {
                assert_eq!(class_of_op(op), class, "{}", op.name());
            }
        }
        Ok(())
    }

    #[test]
    fn memory_operand_and_single_string_iteration_are_surcharged() -> TestResult {
        let s = echovm_gas::by_version(1).ok_or("no schedule v1")?;
        let mem = s.surcharges().memory_operand;
        let iter = s.surcharges().string_iteration;
        let alu = s.class_cost(InstrClass::Alu);
        let reg = [
            Operand::Gpr { reg: 0, size: 8 },
            Operand::Gpr { reg: 1, size: 8 },
            Operand::None,
            Operand::None,
        ];
        let load = [
            Operand::Gpr { reg: 0, size: 8 },
            Operand::Mem { size: 8 },
            Operand::None,
            Operand::None,
        ];
        let lea = [
            Operand::Gpr { reg: 0, size: 8 },
            Operand::Mem { size: 0 },
            Operand::None,
            Operand::None,
        ];
        assert_eq!(insn_cost(s, &insn(Op::Add, reg, 0)), alu);
        assert_eq!(insn_cost(s, &insn(Op::Add, load, 0)), alu + mem);
        assert_eq!(
            insn_cost(s, &insn(Op::Lea, lea, 0)),
            s.class_cost(InstrClass::Mov),
            "lea does not access memory"
        );

        let string = s.class_cost(InstrClass::String);
        let none = [Operand::None; 4];
        assert_eq!(insn_cost(s, &insn(Op::Movsb, none, 0)), string + iter);
        assert_eq!(insn_cost(s, &insn(Op::Movsb, none, prefix::REP)), string);
        assert_eq!(insn_cost(s, &insn(Op::Scasb, none, prefix::REPNE)), string);
        Ok(())
    }
}
