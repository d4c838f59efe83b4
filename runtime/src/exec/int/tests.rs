//! Unit tests for what the host-CPU differential test (tests/diff_int.rs)
//! cannot exercise natively: the cpuid table, interrupts and traps, REP
//! iteration protocol, segment overrides, popf masking, returns to 0, and
//! faults the VM reports with its own variants. Instructions are built by
//! hand so these tests do not depend on the decoder.

use super::cpuid;
use crate::cpu::Cpu;
use crate::exec::{execute, Step};
use crate::fault::Fault;
use crate::flags::{AF, CF, DF, IF, OF, PF, SF, TF, ZF};
use crate::memory::{Memory, Perm, Region, RegionKind};
use echovm_decoder::{prefix, Insn, MemRef, Op, Operand, Seg, NO_REG};

type TestResult = Result<(), Box<dyn std::error::Error>>;

const DATA: u64 = 0x20000;

fn machine() -> Result<(Cpu, Memory), String> {
    let mut m = Memory::new();
    m.map(Region {
        start: DATA,
        perm: Perm::RW,
        kind: RegionKind::Heap,
        data: vec![0; 0x2000],
    })?;
    m.map(Region {
        start: 0x30000,
        perm: Perm::R,
        kind: RegionKind::Segment,
        data: vec![0; 0x1000],
    })?;
    let mut cpu = Cpu::default();
    cpu.gpr[4] = DATA + 0x1800;
    Ok((cpu, m))
}

fn insn(op: Op, ops: &[Operand], osize: u8) -> Insn {
    let mut o = [Operand::None; 4];
    o[..ops.len()].copy_from_slice(ops);
    Insn {
        op,
        len: 2,
        osize,
        prefixes: 0,
        ops: o,
        mem: MemRef::default(),
        imm: 0,
        imm2: 0,
    }
}

fn mem_at(base: u8, disp: i64) -> MemRef {
    MemRef {
        base,
        index: NO_REG,
        scale: 1,
        seg: Seg::None,
        addr32: false,
        disp,
    }
}

fn run(cpu: &mut Cpu, m: &mut Memory, i: &Insn) -> Result<Step, Fault> {
    execute(cpu, m, i, 0x1000)
}

#[test]
fn cpuid_table() -> TestResult {
    let (mut cpu, mut m) = machine()?;
    cpu.gpr = [u64::MAX; 16];
    cpu.gpr[0] = 0;
    cpu.gpr[1] = 0;
    run(&mut cpu, &mut m, &insn(Op::Cpuid, &[], 4))?;
    let mut vendor = Vec::new();
    for r in [3, 2, 1] {
        vendor.extend_from_slice(&(cpu.gpr[r] as u32).to_le_bytes());
        assert_eq!(cpu.gpr[r] >> 32, 0, "cpuid zero-extends");
    }
    assert_eq!(&vendor, b"EchoVMEchoVM");
    assert_eq!(cpu.gpr[0], 7);

    let [_, _, ecx, edx] = cpuid::leaf(1, 0);
    // Advertised: SSE3 SSSE3 CX16 SSE4.1 SSE4.2 MOVBE POPCNT / CX8 CMOV CLFSH SSE SSE2.
    for bit in [0, 9, 13, 19, 20, 22, 23] {
        assert_ne!(ecx & (1 << bit), 0, "leaf 1 ecx bit {bit}");
    }
    for bit in [8, 15, 19, 25, 26] {
        assert_ne!(edx & (1 << bit), 0, "leaf 1 edx bit {bit}");
    }
    // Not supported: x87 (0), TSC (4), MMX (23), FXSR (24); PCLMUL (1), FMA (12),
    // AES (25), XSAVE (26), OSXSAVE (27), AVX (28), RDRAND (30), F16C (29).
    for bit in [0, 4, 23, 24] {
        assert_eq!(edx & (1 << bit), 0, "leaf 1 edx bit {bit}");
    }
    for bit in [1, 12, 25, 26, 27, 28, 29, 30] {
        assert_eq!(ecx & (1 << bit), 0, "leaf 1 ecx bit {bit}");
    }
    assert_eq!(cpuid::leaf(7, 0), [0, 1 << 3 | 1 << 8, 0, 0]);
    assert_eq!(cpuid::leaf(7, 1), [0; 4]);
    assert_eq!(cpuid::leaf(0xd, 0), [0; 4], "no XSAVE state");
    assert_eq!(cpuid::leaf(0x4000_0000, 0), [0; 4]);
    assert_eq!(cpuid::leaf(0x8000_0001, 0), [0, 0, 1 | 1 << 5, 1 << 29]);
    assert_eq!(cpuid::leaf(0x8000_0005, 0), [0; 4]);
    Ok(())
}

#[test]
fn interrupts_and_traps() -> TestResult {
    let (mut cpu, mut m) = machine()?;
    let mut i = insn(Op::Int, &[Operand::Imm { size: 1 }], 4);
    i.imm = 0x81;
    assert_eq!(run(&mut cpu, &mut m, &i), Ok(Step::Interrupt(0x81)));
    assert_eq!(
        run(&mut cpu, &mut m, &insn(Op::Ud2, &[], 4)),
        Err(Fault::Ud2)
    );
    assert_eq!(
        run(&mut cpu, &mut m, &insn(Op::Int3, &[], 4)),
        Err(Fault::Int3)
    );
    assert_eq!(
        run(&mut cpu, &mut m, &insn(Op::Int1, &[], 4)),
        Err(Fault::Int1)
    );
    assert_eq!(
        run(&mut cpu, &mut m, &insn(Op::Pause, &[], 4)),
        Ok(Step::Next)
    );
    Ok(())
}

#[test]
fn every_integer_op_is_implemented() -> TestResult {
    // Each non-SSE op must reach its semantics: executing it on a blank machine
    // may fault (bad operands, divide by zero) but never with NotImplemented
    // naming the op itself.
    for &op in Op::ALL.iter().filter(|o| !o.is_sse()) {
        let (mut cpu, mut m) = machine()?;
        let ops: &[Operand] = match op {
            Op::Lea => &[Operand::Gpr { reg: 0, size: 8 }, Operand::Mem { size: 0 }],
            Op::Bswap
            | Op::Push
            | Op::Pop
            | Op::Not
            | Op::Neg
            | Op::Inc
            | Op::Dec
            | Op::Mul
            | Op::Div
            | Op::Idiv => &[Operand::Gpr { reg: 1, size: 8 }],
            _ => &[
                Operand::Gpr { reg: 0, size: 8 },
                Operand::Gpr { reg: 1, size: 8 },
                Operand::Gpr { reg: 2, size: 8 },
            ],
        };
        let mut i = insn(op, ops, 8);
        i.mem = mem_at(4, 0);
        cpu.gpr[1] = 3;
        if let Err(Fault::NotImplemented(n)) = run(&mut cpu, &mut m, &i) {
            panic!("{} not implemented ({n})", op.name());
        }
    }
    Ok(())
}

#[test]
fn rep_stos_iterates_one_element_per_call() -> TestResult {
    let (mut cpu, mut m) = machine()?;
    let mut i = insn(Op::Stosw, &[], 2);
    i.prefixes = prefix::REP;
    cpu.gpr[0] = 0xabcd;
    cpu.gpr[7] = DATA + 0x100;
    cpu.gpr[1] = 3;
    let mut steps = Vec::new();
    loop {
        let s = run(&mut cpu, &mut m, &i)?;
        steps.push(s);
        if s != Step::Repeat {
            break;
        }
    }
    assert_eq!(steps, [Step::Repeat, Step::Repeat, Step::Next]);
    assert_eq!(cpu.gpr[1], 0);
    assert_eq!(cpu.gpr[7], DATA + 0x106);
    assert_eq!(m.read(DATA + 0x100, 8)?, 0x0000_abcd_abcd_abcd);
    // Zero count: no iteration, no memory access (rdi may even be unmapped).
    cpu.gpr[7] = 0;
    assert_eq!(run(&mut cpu, &mut m, &i), Ok(Step::Next));
    assert_eq!(cpu.gpr[7], 0);
    Ok(())
}

#[test]
fn repe_cmps_stops_at_first_difference_and_df_walks_down() -> TestResult {
    let (mut cpu, mut m) = machine()?;
    m.write_bytes(DATA + 0x10, b"abcX")?;
    m.write_bytes(DATA + 0x20, b"abcY")?;
    let mut i = insn(Op::Cmpsb, &[], 1);
    i.prefixes = prefix::REP;
    // Walk backwards from the last byte with DF = 1.
    cpu.flags.set(0x202 | DF);
    cpu.gpr[6] = DATA + 0x13;
    cpu.gpr[7] = DATA + 0x23;
    cpu.gpr[1] = 4;
    assert_eq!(
        run(&mut cpu, &mut m, &i),
        Ok(Step::Next),
        "first compare differs: REPE stops"
    );
    assert_eq!(cpu.gpr[1], 3);
    assert_eq!(cpu.gpr[6], DATA + 0x12);
    assert!(cpu.flags.cond(2), "'X' < 'Y' sets CF");
    cpu.flags.set(0x202);
    cpu.gpr[6] = DATA + 0x10;
    cpu.gpr[7] = DATA + 0x20;
    cpu.gpr[1] = 4;
    let mut n = 1;
    while run(&mut cpu, &mut m, &i)? == Step::Repeat {
        n += 1;
    }
    assert_eq!((n, cpu.gpr[1], cpu.flags.zf()), (4, 0, false));
    Ok(())
}

#[test]
fn call_and_ret_transfer_control() -> TestResult {
    let (mut cpu, mut m) = machine()?;
    let sp = cpu.gpr[4];
    let mut c = insn(Op::Call, &[Operand::Imm { size: 8 }], 8);
    c.imm = 0x4444;
    assert_eq!(
        execute(&mut cpu, &mut m, &c, 0x1234),
        Ok(Step::Jump(0x4444))
    );
    assert_eq!(cpu.gpr[4], sp - 8);
    assert_eq!(m.read(sp - 8, 8)?, 0x1234);
    let mut r = insn(Op::Ret, &[Operand::Imm { size: 2 }], 8);
    r.imm = 0x10;
    assert_eq!(run(&mut cpu, &mut m, &r), Ok(Step::Jump(0x1234)));
    assert_eq!(cpu.gpr[4], sp + 0x10);
    // A return address of 0 is just a jump to 0: the interpreter ends the call there.
    m.write(cpu.gpr[4], 8, 0)?;
    assert_eq!(
        run(&mut cpu, &mut m, &insn(Op::Ret, &[], 8)),
        Ok(Step::Jump(0))
    );
    Ok(())
}

#[test]
fn popf_changes_only_user_flags() -> TestResult {
    let (mut cpu, mut m) = machine()?;
    let all = CF | PF | AF | ZF | SF | TF | DF | OF | 1 << 14 | 1 << 18 | 1 << 21 | 3 << 12;
    m.write(cpu.gpr[4], 8, all)?;
    run(&mut cpu, &mut m, &insn(Op::Popfq, &[], 8))?;
    assert_eq!(cpu.flags.get(), CF | PF | AF | ZF | SF | DF | OF | IF | 2);
    m.write(cpu.gpr[4], 8, 0)?;
    run(&mut cpu, &mut m, &insn(Op::Popfq, &[], 8))?;
    assert_eq!(cpu.flags.get(), IF | 2, "IF cannot be cleared");
    Ok(())
}

#[test]
fn segment_overrides_apply_to_memory_but_not_lea() -> TestResult {
    let (mut cpu, mut m) = machine()?;
    cpu.fs_base = DATA + 0x400;
    m.write(DATA + 0x428, 8, 0x5151)?;
    let mut i = insn(
        Op::Mov,
        &[Operand::Gpr { reg: 0, size: 8 }, Operand::Mem { size: 8 }],
        8,
    );
    i.mem = MemRef {
        seg: Seg::Fs,
        ..mem_at(NO_REG, 0x28)
    };
    run(&mut cpu, &mut m, &i)?;
    assert_eq!(cpu.gpr[0], 0x5151);
    i.op = Op::Lea;
    i.ops[1] = Operand::Mem { size: 0 };
    run(&mut cpu, &mut m, &i)?;
    assert_eq!(cpu.gpr[0], 0x28);
    // String source honours the override; the destination (es:rdi) does not.
    let mut s = insn(Op::Movsq, &[], 8);
    s.mem.seg = Seg::Fs;
    cpu.gpr[6] = 0x28;
    cpu.gpr[7] = DATA + 0x600;
    run(&mut cpu, &mut m, &s)?;
    assert_eq!(m.read(DATA + 0x600, 8)?, 0x5151);
    Ok(())
}

#[test]
fn vm_specific_faults() -> TestResult {
    let (mut cpu, mut m) = machine()?;
    // cmpxchg16b needs a 16-byte aligned operand.
    let mut i = insn(Op::Cmpxchg16b, &[Operand::Mem { size: 16 }], 8);
    i.mem = mem_at(NO_REG, (DATA + 8) as i64);
    assert_eq!(
        run(&mut cpu, &mut m, &i),
        Err(Fault::Misaligned { addr: DATA + 8 })
    );
    i.mem = mem_at(NO_REG, (DATA + 16) as i64);
    assert_eq!(run(&mut cpu, &mut m, &i), Ok(Step::Next));
    // Division by zero leaves the registers alone.
    cpu.gpr[0] = 7;
    cpu.gpr[1] = 0;
    let d = insn(Op::Div, &[Operand::Gpr { reg: 1, size: 4 }], 4);
    assert_eq!(run(&mut cpu, &mut m, &d), Err(Fault::DivideError));
    assert_eq!(cpu.gpr[0], 7);
    // A cmpxchg whose compare fails still writes its (read-only) destination.
    let mut x = insn(
        Op::Cmpxchg,
        &[Operand::Mem { size: 4 }, Operand::Gpr { reg: 1, size: 4 }],
        4,
    );
    x.mem = mem_at(NO_REG, 0x30000);
    cpu.gpr[0] = 1;
    assert!(matches!(
        run(&mut cpu, &mut m, &x),
        Err(Fault::Protection { .. })
    ));
    // enter probes the final stack pointer.
    let mut e = insn(
        Op::Enter,
        &[Operand::Imm { size: 2 }, Operand::Imm2 { size: 1 }],
        8,
    );
    e.imm = 0xf000;
    assert!(matches!(
        run(&mut cpu, &mut m, &e),
        Err(Fault::Unmapped { .. })
    ));
    Ok(())
}

#[test]
fn loop_with_address_size_prefix_uses_ecx() -> TestResult {
    let (mut cpu, mut m) = machine()?;
    let mut l = insn(Op::Loop, &[Operand::Imm { size: 8 }], 8);
    l.imm = 0x9999;
    l.prefixes = prefix::ADDR32;
    cpu.gpr[1] = 0x1_0000_0001;
    assert_eq!(run(&mut cpu, &mut m, &l), Ok(Step::Next), "ecx reaches 0");
    assert_eq!(cpu.gpr[1], 0);
    l.prefixes = 0;
    cpu.gpr[1] = 0x1_0000_0001;
    assert_eq!(run(&mut cpu, &mut m, &l), Ok(Step::Jump(0x9999)));
    Ok(())
}

#[test]
fn lazy_flags_survive_inc_and_explicit_reads() -> TestResult {
    let (mut cpu, mut m) = machine()?;
    // cmp 1, 2 (borrow) ; inc eax keeps CF ; adc uses it.
    cpu.gpr[0] = 1;
    cpu.gpr[1] = 2;
    let r = |reg| Operand::Gpr { reg, size: 4 };
    run(&mut cpu, &mut m, &insn(Op::Cmp, &[r(0), r(1)], 4))?;
    run(&mut cpu, &mut m, &insn(Op::Inc, &[r(0)], 4))?;
    assert_eq!(cpu.flags.get() & (CF | ZF | OF), CF);
    run(&mut cpu, &mut m, &insn(Op::Adc, &[r(0), r(1)], 4))?;
    assert_eq!(cpu.gpr[0], 5);
    let mut s = insn(Op::Setb, &[Operand::Gpr { reg: 2, size: 1 }], 1);
    run(&mut cpu, &mut m, &s)?;
    assert_eq!(cpu.gpr[2] & 0xff, 0);
    s.op = Op::Setae;
    run(&mut cpu, &mut m, &s)?;
    assert_eq!(cpu.gpr[2] & 0xff, 1);
    Ok(())
}
