//! Fuzz target: fuzzer-chosen sequences of supported integer instructions run
//! natively on the host CPU (`hostcpu`) and in the VM (decode +
//! `exec::execute`, and the translated fast handlers, which must agree) from the same registers, flags and scratch memory; all
//! sixteen GPRs, CF/PF/AF/ZF/SF/OF/DF and the scratch memory must agree, and a
//! hardware exception must match a VM fault of the same class.
//!
//! Undefined flags (docs/SEMANTICS.md) are kept out of the comparison by
//! construction: every generated instruction that leaves a status flag
//! undefined is immediately followed by `cmp r64, r64`, which defines all six,
//! so no later instruction (adc, setcc, cmovcc, jcc, …) can read an undefined
//! flag and the final flags are all defined. Undefined *results* are avoided
//! (no 16-bit shld/shrd). Operands stay inside the oracle's mappings: memory
//! operands are `[rbx + disp8]` with rbx fixed in the middle of the scratch
//! buffer (rbx and rsp are never written), string instructions get rsi/rdi/rcx
//! set up in range first, and pushes are paired with pops.
//! Encodings the VM's decoder reports as unsupported end the case unchecked.
//! With ECHOVM_FUZZ_TRACE set, each case prints how it ended (compared,
//! fault class, unsupported), to check the mix when changing the generator.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use echovm_decoder::{decode, DecodeError};
use echovm_runtime::cpu::Cpu;
use echovm_runtime::exec::fast::execute_translated;
use echovm_runtime::exec::{execute, Step};
use echovm_runtime::memory::{Memory, Perm, Region, RegionKind};
use hostcpu::{NativeError, State, DEFAULT_RSP, INSN_ADDR, SCRATCH_BASE, STACK_BASE, STACK_SIZE};
use libfuzzer_sys::fuzz_target;

#[path = "../../runtime/tests/common/fault_class.rs"]
mod fault_class;
#[path = "../../runtime/tests/common/int_enc.rs"]
mod int_enc;
use fault_class::fault_class;
use int_enc::{Enc, Rm};

const STATUS: u64 = 0x8d5;
const DF: u64 = 0x400;
const MEM_LEN: usize = 1024;
const MEM_BASE: u64 = SCRATCH_BASE + 448;
/// Registers generated instructions may read and write (not rbx = memory base, not rsp).
const REGS: [u8; 14] = [0, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
/// 8-bit registers reachable without REX that do not alias rbx: al, cl, dl, ah, ch, dh.
const LEGACY8: [u8; 6] = [0, 1, 2, 4, 5, 6];
/// `lea r15, [r15+1]`: what forward branches skip.
const MARK: [u8; 4] = [0x4d, 0x8d, 0x7f, 0x01];

struct Gen<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    code: Vec<u8>,
}

impl Gen<'_, '_> {
    fn reg(&mut self) -> Result<u8> {
        Ok(*self.u.choose(&REGS)?)
    }
    fn size(&mut self) -> Result<u8> {
        Ok(*self.u.choose(&[1u8, 2, 4, 8])?)
    }
    fn wide(&mut self) -> Result<u8> {
        Ok(*self.u.choose(&[2u8, 4, 8])?)
    }
    fn mem(&mut self) -> Result<Rm> {
        Ok(Rm::Base { base: 3, disp: self.u.arbitrary()? })
    }
    /// A register or memory r/m operand for an instruction of `size`; 8-bit
    /// register forms either force REX (spl..dil, r8b..) or use the legacy set.
    fn rm(&mut self, e: &mut Enc, size: u8) -> Result<(u8, Rm)> {
        let legacy = size == 1 && self.u.ratio(1, 4)?;
        let pick = |g: &mut Self| -> Result<u8> { if legacy { Ok(*g.u.choose(&LEGACY8)?) } else { g.reg() } };
        if size == 1 && !legacy {
            e.force_rex = true;
        }
        let reg = pick(self)?;
        let rm = if self.u.arbitrary()? { Rm::Reg(pick(self)?) } else { self.mem()? };
        Ok((reg, rm))
    }
    /// Apply the operand size to an instruction whose byte form is `op` and
    /// whose wider form is `op + 1` (`wide_op` false: same opcode for all sizes).
    fn sized(&mut self, op: &[u8], size: u8, wide_op: bool) -> Enc {
        let mut o = op.to_vec();
        if size != 1 && wide_op {
            *o.last_mut().expect("opcode") += 1;
        }
        let mut e = Enc::new(&o);
        if size == 2 {
            e.pre.push(0x66);
        }
        e.w = size == 8;
        e
    }
    fn imm(&mut self, e: &mut Enc, n: usize) -> Result<()> {
        for _ in 0..n {
            e.imm.push(self.u.arbitrary()?);
        }
        Ok(())
    }
    fn emit(&mut self, e: &Enc) {
        let ip = INSN_ADDR + self.code.len() as u64;
        self.code.extend(e.bytes(ip));
    }
    /// `cmp r64, r64`: defines all six status flags.
    fn define_flags(&mut self) -> Result<()> {
        let mut e = Enc::new(&[0x39]);
        e.w = true;
        e.modrm = Some((self.reg()?, Rm::Reg(self.reg()?)));
        self.emit(&e);
        Ok(())
    }

    /// Emit one instruction (or a short fixed group); true if flags must be redefined after it.
    fn one(&mut self) -> Result<bool> {
        let kind: u8 = self.u.int_in_range(0..=21)?;
        match kind {
            0 => {
                // ALU / test / mov / xchg  r/m, r
                let op = *self.u.choose(&[0x00u8, 0x08, 0x10, 0x18, 0x20, 0x28, 0x30, 0x38, 0x84, 0x88, 0x86])?;
                let s = self.size()?;
                let mut e = self.sized(&[op], s, true);
                e.modrm = Some(self.rm(&mut e, s)?);
                self.emit(&e);
                Ok(false)
            }
            1 => {
                // ALU / mov  r, r/m
                let op = *self.u.choose(&[0x02u8, 0x0a, 0x12, 0x1a, 0x22, 0x2a, 0x32, 0x3a, 0x8a])?;
                let s = self.size()?;
                let mut e = self.sized(&[op], s, true);
                e.modrm = Some(self.rm(&mut e, s)?);
                self.emit(&e);
                Ok(false)
            }
            2 => {
                // group 1 with immediate: 80 /n ib, 81 /n iz, 83 /n ib
                let s = self.size()?;
                let digit = self.u.int_in_range(0..=7)?;
                let short = s != 1 && self.u.arbitrary()?;
                let mut e = if s == 1 { self.sized(&[0x80], 1, false) } else { self.sized(&[if short { 0x83 } else { 0x81 }], s, false) };
                let (_, rm) = self.rm(&mut e, s)?;
                e.modrm = Some((digit, rm));
                let n = if s == 1 || short { 1 } else if s == 2 { 2 } else { 4 };
                self.imm(&mut e, n)?;
                self.emit(&e);
                Ok(false)
            }
            3 => {
                // group 3: test imm, not, neg, mul, imul, div, idiv
                let s = self.size()?;
                let digit = *self.u.choose(&[0u8, 2, 3, 4, 5, 6, 7])?;
                let mut e = self.sized(&[0xf6], s, true);
                let (_, rm) = self.rm(&mut e, s)?;
                e.modrm = Some((digit, rm));
                if digit == 0 {
                    let n = match s { 1 => 1, 2 => 2, _ => 4 };
                    self.imm(&mut e, n)?;
                }
                self.emit(&e);
                Ok(digit >= 4)
            }
            4 => {
                // inc / dec
                let s = self.size()?;
                let mut e = self.sized(&[0xfe], s, true);
                let (_, rm) = self.rm(&mut e, s)?;
                e.modrm = Some((self.u.int_in_range(0..=1)?, rm));
                self.emit(&e);
                Ok(false)
            }
            5 => {
                // shifts and rotates: C0/C1 ib, D0/D1 (by 1), D2/D3 (by cl)
                let s = self.size()?;
                let form = *self.u.choose(&[0xc0u8, 0xd0, 0xd2])?;
                let mut e = self.sized(&[form], s, true);
                let (_, rm) = self.rm(&mut e, s)?;
                e.modrm = Some((self.u.int_in_range(0..=7)?, rm));
                if form == 0xc0 {
                    self.imm(&mut e, 1)?;
                }
                self.emit(&e);
                Ok(true)
            }
            6 => {
                // imul r, r/m [, imm]
                let s = self.wide()?;
                let form = *self.u.choose(&[0u8, 0x69, 0x6b])?;
                let mut e = if form == 0 { self.sized(&[0x0f, 0xaf], s, false) } else { self.sized(&[form], s, false) };
                e.modrm = Some(self.rm(&mut e, s)?);
                match form {
                    0x69 => self.imm(&mut e, if s == 2 { 2 } else { 4 })?,
                    0x6b => self.imm(&mut e, 1)?,
                    _ => {}
                }
                self.emit(&e);
                Ok(true)
            }
            7 => {
                // movzx / movsx / movsxd
                let which = self.u.int_in_range(0..=4)?;
                let (op, src): (&[u8], u8) = match which {
                    0 => (&[0x0f, 0xb6], 1),
                    1 => (&[0x0f, 0xb7], 2),
                    2 => (&[0x0f, 0xbe], 1),
                    3 => (&[0x0f, 0xbf], 2),
                    _ => (&[0x63], 4),
                };
                let s = if which == 4 { 8 } else { *self.u.choose(&[2u8, 4, 8])? };
                let mut e = self.sized(op, s, false);
                e.modrm = Some(self.rm(&mut e, src)?);
                if src == 1 && !e.force_rex {
                    // A legacy (no REX) 8-bit source: the wide destination
                    // must be encodable without REX too, and not rbx/rsp.
                    let dest = *self.u.choose(&[0u8, 1, 2, 5, 6, 7])?;
                    if let Some((r, _)) = e.modrm.as_mut() {
                        *r = dest;
                    }
                }
                self.emit(&e);
                Ok(false)
            }
            8 => {
                // setcc r/m8, cmovcc r, r/m
                let cc: u8 = self.u.int_in_range(0..=15)?;
                if self.u.arbitrary()? {
                    let mut e = Enc::new(&[0x0f, 0x90 + cc]);
                    let (_, rm) = self.rm(&mut e, 1)?;
                    e.modrm = Some((0, rm));
                    self.emit(&e);
                } else {
                    let s = self.wide()?;
                    let mut e = self.sized(&[0x0f, 0x40 + cc], s, false);
                    e.modrm = Some(self.rm(&mut e, s)?);
                    self.emit(&e);
                }
                Ok(false)
            }
            9 => {
                // bt/bts/btr/btc: register offset (register operand only) or immediate
                let s = self.wide()?;
                if self.u.arbitrary()? {
                    let op = *self.u.choose(&[0xa3u8, 0xab, 0xb3, 0xbb])?;
                    let mut e = self.sized(&[0x0f, op], s, false);
                    e.modrm = Some((self.reg()?, Rm::Reg(self.reg()?)));
                    self.emit(&e);
                } else {
                    let mut e = self.sized(&[0x0f, 0xba], s, false);
                    let (_, rm) = self.rm(&mut e, s)?;
                    e.modrm = Some((self.u.int_in_range(4..=7)?, rm));
                    self.imm(&mut e, 1)?;
                    self.emit(&e);
                }
                Ok(true)
            }
            10 => {
                // bswap
                let mut e = Enc::new(&[0x0f, 0xc8]);
                e.w = self.u.arbitrary()?;
                e.opreg = Some(self.reg()?);
                self.emit(&e);
                Ok(false)
            }
            11 => {
                // lea r, [rbx + disp8]
                let s = self.wide()?;
                let mut e = self.sized(&[0x8d], s, false);
                e.modrm = Some((self.reg()?, self.mem()?));
                self.emit(&e);
                Ok(false)
            }
            12 => {
                // cmpxchg / xadd  r/m, r
                let s = self.size()?;
                let op = *self.u.choose(&[0xb0u8, 0xc0])?;
                let mut e = self.sized(&[0x0f, op], s, true);
                e.modrm = Some(self.rm(&mut e, s)?);
                self.emit(&e);
                Ok(false)
            }
            13 => {
                // popcnt / tzcnt / lzcnt (F3) and bsf / bsr
                let s = self.wide()?;
                let op = *self.u.choose(&[0xb8u8, 0xbc, 0xbd])?;
                let rep = op == 0xb8 || self.u.arbitrary()?;
                let mut e = self.sized(&[0x0f, op], s, false);
                if rep {
                    e.pre.push(0xf3);
                }
                e.modrm = Some(self.rm(&mut e, s)?);
                self.emit(&e);
                Ok(op != 0xb8)
            }
            14 => {
                // shld / shrd (32/64-bit only: 16-bit counts above 16 are undefined)
                let s = *self.u.choose(&[4u8, 8])?;
                let op = *self.u.choose(&[0xa4u8, 0xa5, 0xac, 0xad])?;
                let mut e = self.sized(&[0x0f, op], s, false);
                e.modrm = Some(self.rm(&mut e, s)?);
                if op & 1 == 0 {
                    self.imm(&mut e, 1)?;
                }
                self.emit(&e);
                Ok(true)
            }
            15 => {
                // cbw/cwde/cdqe, cwd/cdq/cqo, cmc, clc, stc, sahf, lahf, cld, std
                let op = *self.u.choose(&[0x98u8, 0x99, 0xf5, 0xf8, 0xf9, 0x9e, 0x9f, 0xfc, 0xfd])?;
                let s = if matches!(op, 0x98 | 0x99) { self.wide()? } else { 4 };
                let e = self.sized(&[op], s, false);
                self.emit(&e);
                Ok(false)
            }
            16 => {
                // forward jcc / jrcxz / loop over a marker
                let op = match self.u.int_in_range(0..=17)? {
                    16 => 0xe3,
                    17 => 0xe2,
                    cc => 0x70 + cc,
                };
                self.code.extend([op, MARK.len() as u8]);
                self.code.extend(MARK);
                Ok(false)
            }
            17 => {
                // push r / push imm8, then pop r
                let mut e = if self.u.arbitrary()? {
                    let mut e = Enc::new(&[0x50]);
                    e.opreg = Some(self.reg()?);
                    e
                } else {
                    let mut e = Enc::new(&[0x6a]);
                    self.imm(&mut e, 1)?;
                    e
                };
                self.emit(&e);
                e = Enc::new(&[0x58]);
                e.opreg = Some(self.reg()?);
                self.emit(&e);
                Ok(false)
            }
            18 => {
                // [rep] string instruction with rsi/rdi/rcx set up in range
                for (r, disp) in [(7u8, self.u.arbitrary::<i8>()?), (6, self.u.arbitrary::<i8>()?)] {
                    let mut e = Enc::new(&[0x8d]);
                    e.w = true;
                    e.modrm = Some((r, Rm::Base { base: 3, disp }));
                    self.emit(&e);
                }
                let count = u32::from(self.u.int_in_range(0u8..=16)?);
                self.code.push(0xb9);
                self.code.extend(count.to_le_bytes());
                let op = *self.u.choose(&[0xa4u8, 0xaa, 0xac, 0xa6, 0xae])?;
                let s = self.size()?;
                let mut e = self.sized(&[op], s, true);
                match self.u.int_in_range(0..=2)? {
                    0 => {}
                    1 => e.pre.insert(0, 0xf3),
                    _ => e.pre.insert(0, 0xf2),
                }
                self.emit(&e);
                Ok(false)
            }
            19 => {
                // BMI1/BMI2 (VEX): andn, blsr/blsmsk/blsi, bextr, bzhi, pdep, pext, sarx/shlx/shrx, mulx, rorx
                let w = self.u.arbitrary()?;
                let (map, pp, op, digit): (u8, u8, u8, Option<u8>) = *self.u.choose(&[
                    (2u8, 0u8, 0xf2u8, None),
                    (2, 0, 0xf3, Some(1)),
                    (2, 0, 0xf3, Some(2)),
                    (2, 0, 0xf3, Some(3)),
                    (2, 0, 0xf7, None),
                    (2, 0, 0xf5, None),
                    (2, 3, 0xf5, None),
                    (2, 2, 0xf5, None),
                    (2, 2, 0xf7, None),
                    (2, 1, 0xf7, None),
                    (2, 3, 0xf7, None),
                    (2, 3, 0xf6, None),
                    (3, 3, 0xf0, None),
                ])?;
                let vvvv = if map == 3 { 0 } else { self.reg()? };
                let mut e = Enc::new(&[op]);
                e.vex = Some((map, pp, vvvv));
                e.w = w;
                let s = if w { 8 } else { 4 };
                let (reg, rm) = self.rm(&mut e, s)?;
                e.modrm = Some((digit.unwrap_or(reg), rm));
                if map == 3 {
                    self.imm(&mut e, 1)?;
                }
                self.emit(&e);
                Ok(true)
            }
            20 => {
                // xchg rax, r / mov r, imm
                let r = self.reg()?;
                if self.u.arbitrary()? {
                    let s = self.wide()?;
                    let mut e = self.sized(&[0x90], s, false);
                    e.opreg = Some(if r == 0 { 1 } else { r });
                    self.emit(&e);
                } else {
                    let s = self.size()?;
                    let mut e = if s == 1 { Enc::new(&[0xb0]) } else { self.sized(&[0xb8], s, false) };
                    e.force_rex = s == 1;
                    e.opreg = Some(r);
                    self.imm(&mut e, s as usize)?;
                    self.emit(&e);
                }
                Ok(false)
            }
            _ => {
                // adc/sbb/add with flags read from a previous instruction, via memory
                let op = *self.u.choose(&[0x11u8, 0x19, 0x13, 0x1b])?;
                let mut e = self.sized(&[op], 8, false);
                e.modrm = Some((self.reg()?, self.mem()?));
                self.emit(&e);
                Ok(false)
            }
        }
    }
}

struct Case {
    code: Vec<u8>,
    state: State,
}

impl<'a> Arbitrary<'a> for Case {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        let mut state = State { mem: vec![0; MEM_LEN], ..State::default() };
        for r in REGS {
            state.gpr[r as usize] = u.arbitrary()?;
        }
        state.gpr[3] = MEM_BASE;
        state.gpr[4] = DEFAULT_RSP;
        state.rflags = u.arbitrary::<u64>()? & (STATUS | DF);
        let n = u.int_in_range(1..=24)?;
        let mut g = Gen { u, code: Vec::new() };
        for _ in 0..n {
            if g.u.is_empty() {
                break;
            }
            if g.one()? {
                g.define_flags()?;
            }
        }
        let code = g.code;
        let fill = u.bytes(u.len().min(MEM_LEN))?;
        state.mem[..fill.len()].copy_from_slice(fill);
        Ok(Case { code, state })
    }
}

impl std::fmt::Debug for Case {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hex: String = self.code.iter().map(|b| format!("{b:02x}")).collect();
        write!(f, "code {hex}\ngpr {:x?}\nrflags {:#x}", self.state.gpr, self.state.rflags)
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Done(Box<State>),
    Fault(&'static str),
}

fn native(code: &[u8], st: &State) -> Outcome {
    match hostcpu::run(code, st, Some(3)) {
        Ok(s) => Outcome::Done(Box::new(s)),
        Err(NativeError::Signal { signo, .. }) => Outcome::Fault(match signo {
            8 => "divide",
            11 | 7 => "memory",
            4 => "undefined opcode",
            5 => "breakpoint",
            _ => "other signal",
        }),
        Err(e) => panic!("oracle failed: {e}"),
    }
}

/// Run in the VM on the general path or the translated fast handlers;
/// `None` if an encoding is unsupported by the decoder.
fn vm(code: &[u8], st: &State, translated: bool) -> Option<Outcome> {
    let mut mem = Memory::new();
    let map = |mem: &mut Memory, start, perm, kind, data| {
        mem.map(Region { start, perm, kind, data }).expect("fixed test layout maps");
    };
    let mut scratch = st.mem.clone();
    scratch.resize(MEM_LEN.div_ceil(4096) * 4096, 0);
    map(&mut mem, SCRATCH_BASE, Perm::RW, RegionKind::Heap, scratch);
    map(&mut mem, STACK_BASE, Perm::RW, RegionKind::Stack, vec![0; STACK_SIZE]);
    let mut text = code.to_vec();
    text.resize(code.len().div_ceil(4096).max(1) * 4096, 0xcc);
    map(&mut mem, INSN_ADDR, Perm::RX, RegionKind::Segment, text);
    // Warm the region caches as a running contract has them (stack, then
    // scratch), so the translated memory fast paths run.
    for base in [STACK_BASE, SCRATCH_BASE] {
        let v = mem.read(base, 1).expect("mapped");
        mem.write(base, 1, v).expect("mapped");
    }
    let mut cpu = Cpu { gpr: st.gpr, xmm: st.xmm, rip: INSN_ADDR, ..Cpu::default() };
    cpu.flags.set((st.rflags & (STATUS | DF)) | 0x202);
    let end = INSN_ADDR + code.len() as u64;
    let mut steps = 0;
    while cpu.rip != end {
        steps += 1;
        assert!(steps < 100_000, "VM did not reach the end of the code (rip {:#x})", cpu.rip);
        let bytes = mem.fetch(cpu.rip, 15).expect("code is mapped");
        let insn = match decode(bytes, cpu.rip) {
            Ok(i) => i,
            Err(DecodeError::Unsupported { .. }) => return None,
            Err(e) => panic!("generated encoding does not decode at {:#x}: {e}", cpu.rip),
        };
        let next = cpu.rip + insn.len as u64;
        let result = if translated {
            execute_translated(&mut cpu, &mut mem, &insn, next)
        } else {
            execute(&mut cpu, &mut mem, &insn, next)
        };
        match result {
            Ok(Step::Next) => cpu.rip = next,
            Ok(Step::Jump(t)) => cpu.rip = t,
            Ok(Step::Repeat) => {}
            Ok(Step::Interrupt(v)) => panic!("unexpected interrupt {v}"),
            Err(f) => match fault_class(&f) {
                Some(c) => return Some(Outcome::Fault(c)),
                None => panic!("VM-only fault at {:#x}: {f}", cpu.rip),
            },
        }
    }
    let mut out = vec![0u8; st.mem.len()];
    mem.read_bytes(SCRATCH_BASE, &mut out).expect("scratch is mapped");
    Some(Outcome::Done(Box::new(State { gpr: cpu.gpr, rflags: cpu.flags.get(), xmm: cpu.xmm, mem: out })))
}

fn masked(o: Outcome) -> Outcome {
    match o {
        Outcome::Done(mut s) => {
            s.rflags &= STATUS | DF;
            Outcome::Done(s)
        }
        f => f,
    }
}

fuzz_target!(|case: Case| {
    if case.code.is_empty() {
        return;
    }
    let trace = std::env::var_os("ECHOVM_FUZZ_TRACE").is_some();
    let Some(v) = vm(&case.code, &case.state, false) else {
        if trace {
            eprintln!("unsupported {} bytes", case.code.len());
        }
        return;
    };
    // The translated fast handlers must agree with the general path exactly
    // (all flags, not only the defined ones).
    let t = vm(&case.code, &case.state, true).expect("decoded once already");
    assert!(t == v, "translated engine differs from the general path: {t:?} vs {v:?}");
    let n = native(&case.code, &case.state);
    if trace {
        let kind = match &n { Outcome::Done(_) => "compared", Outcome::Fault(c) => c };
        eprintln!("{kind} {} bytes", case.code.len());
    }
    let (v, n) = (masked(v), masked(n));
    if v != n {
        let show = |o: &Outcome| match o {
            Outcome::Done(s) => format!("gpr {:x?} rflags {:#x}", s.gpr, s.rflags),
            Outcome::Fault(c) => format!("fault {c}"),
        };
        let mem_diff = match (&v, &n) {
            (Outcome::Done(a), Outcome::Done(b)) => {
                a.mem.iter().zip(&b.mem).position(|(x, y)| x != y).map(|i| format!(" first memory difference at scratch+{i}"))
            }
            _ => None,
        };
        panic!(
            "VM and host CPU disagree\n{case:?}\nvm:   {}\nhost: {}{}",
            show(&v),
            show(&n),
            mem_diff.unwrap_or_default()
        );
    }
});
