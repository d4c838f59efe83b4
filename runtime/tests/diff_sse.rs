//! Differential test of every SSE..SSE4.2 instruction form against the host
//! CPU (the `hostcpu` oracle): the same instruction bytes run natively and in
//! the VM (decoder + `exec::execute`) from the same random state, and all XMM
//! registers, general registers, status flags, DF and the scratch memory must
//! match bit for bit; a hardware exception must correspond to a VM fault.
//!
//! Case counts: `DIFF_SSE_CASES` per form (default 400; string compares get
//! 8x), `DIFF_SSE_SEED` to vary the inputs, `DIFF_SSE_ONLY` to run forms whose
//! name contains that text.

#[path = "diff_sse/forms.rs"]
mod forms;
#[path = "diff_sse/gen.rs"]
mod gen;
#[path = "common/rng.rs"]
mod rng;

use echovm_runtime::cpu::Cpu;
use echovm_runtime::exec::execute;
use echovm_runtime::exec::fast::execute_translated;
use echovm_runtime::fault::Fault;
use echovm_runtime::memory::{Memory, Perm, Region, RegionKind};
use forms::{Form, Reg, Rm, FORMS};
use gen::Rng;
use hostcpu::{State, DEFAULT_RSP, DF, INSN_ADDR, SCRATCH_BASE, STATUS_FLAGS};

/// One page: exactly what the oracle maps, so accesses past it fault on both sides.
const MEM_LEN: usize = 4096;
/// RSI holds SCRATCH_BASE + BASE_OFF (or EDGE_OFF); memory operands are [rsi + disp8].
const BASE_REG: u8 = 6;
const BASE_OFF: u64 = 128;
/// Base for cases whose operand straddles or passes the end of the mapped page.
const EDGE_OFF: u64 = MEM_LEN as u64 - 64;
const RSP: u8 = 4;
const RDI: u8 = 7;

/// One generated test: instruction bytes and the starting state.
struct Case {
    code: Vec<u8>,
    state: State,
}

/// A GPR usable as an explicit operand (not RSP, not the memory base).
fn free_gpr(r: &mut Rng) -> u8 {
    loop {
        let g = r.below(16) as u8;
        if g != RSP && g != BASE_REG {
            return g;
        }
    }
}

/// Case number `k` of `form`; its imm8 is `k mod 256`, so every immediate is
/// exercised once the form runs at least 256 cases.
fn make_case(form: &Form, k: u64, r: &mut Rng) -> Case {
    let use_mem = match form.rm {
        Rm::M => true,
        Rm::Xr => false,
        Rm::XM | Rm::GM => r.chance(35),
    };
    let reg = match form.reg {
        Reg::X => r.below(16) as u8,
        Reg::G => free_gpr(r),
        Reg::Ext(e) => e,
    };
    let rm = match form.rm {
        Rm::GM => free_gpr(r),
        _ => r.below(16) as u8,
    };
    let mut code = Vec::with_capacity(16);
    if form.pfx != 0 {
        code.push(form.pfx);
    }
    let rex =
        0x40 | (form.w as u8) << 3 | (reg >> 3 & 1) << 2 | if use_mem { 0 } else { rm >> 3 & 1 };
    if rex != 0x40 || r.chance(10) {
        code.push(rex);
    }
    code.push(0x0f);
    code.extend_from_slice(form.op);
    // Mostly 16-byte aligned operands; some misaligned ones check the alignment
    // rule, and a few run into the unmapped page after the scratch buffer.
    let edge = use_mem && r.chance(5);
    let base = if edge { EDGE_OFF } else { BASE_OFF };
    let off = if edge {
        MEM_LEN as u64 - 1 - r.below(20)
    } else if r.chance(85) {
        r.below(16) * 16
    } else {
        r.below(256 - 16)
    };
    // Some memory operands are RIP-relative: the displacement counts from the
    // end of the instruction, after any imm8.
    let rip_relative = use_mem && !edge && r.chance(10);
    if rip_relative {
        code.push((reg & 7) << 3 | 0b101);
        let end = INSN_ADDR + code.len() as u64 + 4 + form.imm as u64;
        let disp = (SCRATCH_BASE + off).wrapping_sub(end) as i64;
        code.extend_from_slice(&(disp as i32).to_le_bytes());
    } else if use_mem {
        code.push(0x40 | (reg & 7) << 3 | BASE_REG);
        code.push((off as i64 - base as i64) as i8 as u8);
    } else {
        code.push(0xc0 | (reg & 7) << 3 | (rm & 7));
    }
    if form.imm {
        code.push(k as u8);
    }

    let mut st = State::default();
    for g in st.gpr.iter_mut() {
        *g = gen::gpr(r);
    }
    st.gpr[RSP as usize] = 0;
    st.gpr[BASE_REG as usize] = SCRATCH_BASE + base;
    if form.name == "maskmovdqu" {
        st.gpr[RDI as usize] = SCRATCH_BASE + r.below(MEM_LEN as u64 - 16);
    }
    st.rflags = r.next() & STATUS_FLAGS;
    for x in st.xmm.iter_mut() {
        *x = gen::xmm(r);
    }
    // Operands live in the first 256 bytes and near the page end; the rest is random bits.
    st.mem = (0..MEM_LEN / 16)
        .flat_map(|i| {
            if i < 16 || i >= MEM_LEN / 16 - 4 {
                gen::xmm(r)
            } else {
                (r.next() as u128) << 64 | r.next() as u128
            }
            .to_le_bytes()
        })
        .collect();
    Case { code, state: st }
}

/// Why the VM did not produce an end state.
#[derive(Debug)]
enum VmError {
    /// The decoder rejected or mis-sized the bytes, or the test setup failed.
    Setup(String),
    /// The instruction faulted (the expected outcome when the CPU raises an exception).
    Fault(Fault),
    /// The general path and the translated fast handler gave different results.
    Engines(String),
}

impl std::fmt::Display for VmError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            VmError::Setup(s) => write!(f, "setup/decode: {s}"),
            VmError::Fault(e) => write!(f, "fault: {e}"),
            VmError::Engines(s) => write!(f, "VM execution paths disagree: {s}"),
        }
    }
}

impl From<String> for VmError {
    fn from(s: String) -> Self {
        VmError::Setup(s)
    }
}

/// Run the case in the VM on both execution paths — the general
/// `exec::execute` and the translated handlers the interpreter prefers —
/// which must agree; the result is then compared with the host CPU.
fn run_vm(case: &Case) -> Result<State, VmError> {
    let general = run_vm_on(case, false);
    let translated = run_vm_on(case, true);
    let same = match (&general, &translated) {
        (Ok(a), Ok(b)) => a == b,
        (Err(VmError::Fault(a)), Err(VmError::Fault(b))) => a == b,
        (Err(VmError::Setup(_)), Err(VmError::Setup(_))) => true,
        _ => false,
    };
    if !same {
        return Err(VmError::Engines(format!(
            "general {:?} / translated {:?}",
            general.as_ref().map(|s| s.xmm),
            translated.as_ref().map(|s| s.xmm)
        )));
    }
    general
}

/// Run the case in the VM on one execution path.
fn run_vm_on(case: &Case, translated: bool) -> Result<State, VmError> {
    let st = &case.state;
    let insn =
        echovm_decoder::decode(&case.code, INSN_ADDR).map_err(|e| VmError::Setup(e.to_string()))?;
    if insn.len as usize != case.code.len() {
        return Err(VmError::Setup(format!(
            "length {} != {}",
            insn.len,
            case.code.len()
        )));
    }
    let mut mem = Memory::new();
    let mut code_page = case.code.clone();
    code_page.resize(4096, 0);
    mem.map(Region {
        start: INSN_ADDR,
        perm: Perm::RX,
        kind: RegionKind::Segment,
        data: code_page,
    })?;
    let mut scratch = st.mem.clone();
    scratch.resize(4096, 0);
    mem.map(Region {
        start: SCRATCH_BASE,
        perm: Perm::RW,
        kind: RegionKind::Heap,
        data: scratch,
    })?;
    // Warm the region caches the way a running contract has them, so the
    // translated engine's memory fast paths run instead of declining.
    let v = mem.read(SCRATCH_BASE, 1).map_err(VmError::Fault)?;
    mem.write(SCRATCH_BASE, 1, v).map_err(VmError::Fault)?;
    let mut cpu = Cpu::default();
    cpu.gpr = st.gpr;
    if cpu.gpr[RSP as usize] == 0 {
        cpu.gpr[RSP as usize] = DEFAULT_RSP;
    }
    cpu.flags.set((st.rflags & (STATUS_FLAGS | DF)) | 0x202);
    cpu.xmm = st.xmm;
    cpu.rip = INSN_ADDR;
    let next = INSN_ADDR + insn.len as u64;
    if translated {
        execute_translated(&mut cpu, &mut mem, &insn, next).map_err(VmError::Fault)?;
    } else {
        execute(&mut cpu, &mut mem, &insn, next).map_err(VmError::Fault)?;
    }
    let region = mem
        .regions()
        .iter()
        .find(|r| r.start == SCRATCH_BASE)
        .ok_or(VmError::Setup("scratch region vanished".into()))?;
    Ok(State {
        gpr: cpu.gpr,
        rflags: cpu.flags.get(),
        xmm: cpu.xmm,
        mem: region.data[..MEM_LEN].to_vec(),
    })
}

/// Differences between native and VM end states, empty when they agree.
fn diff(native: &State, vm: &State) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..16 {
        if native.xmm[i] != vm.xmm[i] {
            out.push(format!(
                "xmm{i}: cpu {:#034x} vm {:#034x}",
                native.xmm[i], vm.xmm[i]
            ));
        }
        if native.gpr[i] != vm.gpr[i] {
            out.push(format!(
                "gpr{i}: cpu {:#x} vm {:#x}",
                native.gpr[i], vm.gpr[i]
            ));
        }
    }
    let m = STATUS_FLAGS | DF;
    if native.rflags & m != vm.rflags & m {
        out.push(format!(
            "rflags: cpu {:#x} vm {:#x}",
            native.rflags & m,
            vm.rflags & m
        ));
    }
    if let Some(i) = (0..MEM_LEN).find(|&i| native.mem[i] != vm.mem[i]) {
        out.push(format!(
            "mem[{i}..]: cpu {:02x?} vm {:02x?}",
            &native.mem[i..(i + 16).min(MEM_LEN)],
            &vm.mem[i..(i + 16).min(MEM_LEN)]
        ));
    }
    out
}

fn describe(case: &Case) -> String {
    let bytes: Vec<String> = case.code.iter().map(|b| format!("{b:02x}")).collect();
    let xmm: Vec<String> = case
        .state
        .xmm
        .iter()
        .enumerate()
        .map(|(i, x)| format!("xmm{i}={x:#034x}"))
        .collect();
    format!(
        "bytes [{}] rflags {:#x} gpr {:x?}\n      {}",
        bytes.join(" "),
        case.state.rflags,
        case.state.gpr,
        xmm.join(" ")
    )
}

/// SIGSEGV on Linux x86-64 (the oracle reports raw signal numbers).
fn libc_sigsegv() -> i32 {
    11
}

/// The oracle must implement everything the VM does; otherwise a missing
/// extension would show up as a confusing SIGILL mismatch.
fn require_host_features() {
    let ok = is_x86_feature_detected!("sse3")
        && is_x86_feature_detected!("ssse3")
        && is_x86_feature_detected!("sse4.1")
        && is_x86_feature_detected!("sse4.2");
    assert!(
        ok,
        "the host CPU lacks SSE3/SSSE3/SSE4.1/SSE4.2, so it cannot serve as the SSE oracle"
    );
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn sse_forms_match_host_cpu() {
    require_host_features();
    let cases = env_u64("DIFF_SSE_CASES", 400);
    let seed = env_u64("DIFF_SSE_SEED", 0x5ee_d1ff);
    let only = std::env::var("DIFF_SSE_ONLY").ok();
    let (mut total, mut faults, mut forms_run) = (0u64, 0u64, 0u64);
    let mut failures: Vec<String> = Vec::new();
    for (fi, form) in FORMS.iter().enumerate() {
        if only.as_deref().is_some_and(|o| !form.name.contains(o)) {
            continue;
        }
        forms_run += 1;
        let mut r = Rng::new(seed ^ (fi as u64).wrapping_mul(0x1234_5678_9abc_def1));
        let n = if form.name.starts_with("pcmp") && form.name.contains("str") {
            cases * 8
        } else {
            cases
        };
        let mut bad = 0;
        for k in 0..n {
            let case = make_case(form, k, &mut r);
            let native = hostcpu::run(&case.code, &case.state, Some(BASE_REG));
            let vm = run_vm(&case);
            total += 1;
            let problem = match (&native, &vm) {
                (Ok(a), Ok(b)) => {
                    let d = diff(a, b);
                    (!d.is_empty()).then(|| d.join("; "))
                }
                // #GP (misalignment) reports fault address 0, #PF the faulting address.
                (Err(hostcpu::NativeError::Signal { signo, addr, .. }), Err(VmError::Fault(f))) => {
                    faults += 1;
                    let gp = *signo == libc_sigsegv() && *addr == 0;
                    match f {
                        Fault::Misaligned { .. } if gp => None,
                        Fault::Unmapped { .. } | Fault::Protection { .. } if !gp => None,
                        _ => Some(format!("cpu signal {signo} at {addr:#x}, vm fault {f}")),
                    }
                }
                (Err(e @ hostcpu::NativeError::Signal { .. }), Ok(_)) => {
                    Some(format!("cpu raised {e}, vm did not fault"))
                }
                (Err(hostcpu::NativeError::Signal { .. }), Err(e @ VmError::Setup(_))) => {
                    Some(format!("vm {e}"))
                }
                (Err(e), _) => panic!("oracle failed on {}: {e}", form.name),
                (Ok(_), Err(e)) => Some(format!("vm {e}, cpu ran fine")),
            };
            if let Some(p) = problem {
                bad += 1;
                if bad <= 3 {
                    failures.push(format!("{}: {p}\n      {}", form.name, describe(&case)));
                }
            }
        }
        if bad > 3 {
            failures.push(format!("{}: {} more mismatches", form.name, bad - 3));
        }
    }
    println!("diff_sse: {forms_run} forms, {total} cases ({faults} faulted identically), {} failure lines", failures.len());
    assert!(
        failures.is_empty(),
        "{} mismatching case reports:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// SPEC 2: MXCSR may only hold its default value. The oracle cannot load MXCSR,
/// so this is checked in the VM alone: the default loads, anything else faults.
#[test]
fn ldmxcsr_accepts_only_the_default() {
    for (value, ok) in [
        (0x1f80u32, true),
        (0x9f80, false),
        (0x1f81, false),
        (0x3f80, false),
        (0, false),
    ] {
        let mut st = hostcpu::state_with_mem(MEM_LEN);
        st.mem[..4].copy_from_slice(&value.to_le_bytes());
        st.gpr[BASE_REG as usize] = SCRATCH_BASE + BASE_OFF;
        // ldmxcsr [rsi - 128]
        let case = Case {
            code: vec![0x0f, 0xae, 0x56, 0x80],
            state: st,
        };
        match run_vm(&case) {
            Ok(_) => assert!(ok, "ldmxcsr {value:#x} was accepted"),
            Err(VmError::Fault(f @ Fault::Mxcsr { .. })) => {
                assert!(!ok, "ldmxcsr {value:#x} faulted");
                assert!(
                    f.to_string()
                        .contains("MXCSR may only hold its default value"),
                    "{f}"
                );
            }
            Err(e) => panic!("ldmxcsr {value:#x}: {e}"),
        }
    }
}

/// Every SSE operation the decoder can produce is exercised by at least one
/// form above (`ldmxcsr` by the VM-only test), so none escapes the oracle.
#[test]
fn forms_cover_every_sse_op() {
    let mut seen = std::collections::BTreeSet::new();
    let mut r = Rng::new(1);
    for form in FORMS {
        for k in 0..64 {
            let case = make_case(form, k, &mut r);
            match echovm_decoder::decode(&case.code, INSN_ADDR) {
                Ok(insn) => {
                    seen.insert(insn.op);
                }
                Err(e) => panic!("{}: {e}", form.name),
            }
        }
    }
    let missing: Vec<&str> = echovm_decoder::Op::ALL
        .iter()
        .filter(|op| op.is_sse() && **op != echovm_decoder::Op::Ldmxcsr && !seen.contains(op))
        .map(|op| op.name())
        .collect();
    assert!(
        missing.is_empty(),
        "SSE ops without a differential form: {missing:?}"
    );
}

/// Random prefix/REX/opcode/ModRM combinations in the 0F, 0F38 and 0F3A maps:
/// each one the decoder accepts as an SSE operation must run identically
/// natively and in the VM. Memory operands are always `[rsi + disp8]` inside
/// the scratch page (often misaligned), so every address is safe on the host.
/// This reaches redundant and conflicting prefixes and ignored REX bits that
/// the recipe table does not spell out.
#[test]
fn random_encodings_match_host_cpu() {
    require_host_features();
    let mut r = Rng::new(env_u64("DIFF_SSE_SEED", 0x5ee_d1ff) ^ 0xabcdef);
    let attempts = env_u64("DIFF_SSE_CASES", 400) * 1000;
    let (mut ran, mut with_mem, mut failures) = (0u64, 0u64, Vec::new());
    for _ in 0..attempts {
        let mut code = Vec::with_capacity(15);
        for _ in 0..r.below(4) {
            code.push([0x66, 0xf2, 0xf3, 0x66, 0x2e, 0x3e][r.below(6) as usize]);
        }
        let memory_form = r.chance(50);
        if r.chance(60) {
            // REX.B would turn the [rsi] base into [r14]: keep it clear for memory forms.
            let rex = 0x40 | r.below(16) as u8;
            code.push(if memory_form { rex & !1 } else { rex });
        }
        code.push(0x0f);
        match r.below(3) {
            0 => code.push(r.next() as u8),
            1 => code.extend_from_slice(&[0x38, r.next() as u8]),
            _ => code.extend_from_slice(&[0x3a, r.next() as u8]),
        }
        let reg = (r.next() as u8 & 7) << 3;
        if !memory_form {
            code.push(0xc0 | reg | (r.next() as u8 & 7));
        } else {
            code.extend_from_slice(&[0x40 | reg | BASE_REG, r.next() as u8]);
        }
        code.push(r.next() as u8);
        let Ok(insn) = echovm_decoder::decode(&code, INSN_ADDR) else {
            continue;
        };
        // maskmovdqu writes through RDI and ldmxcsr would change the oracle's MXCSR.
        if !insn.op.is_sse()
            || matches!(
                insn.op,
                echovm_decoder::Op::Maskmovdqu | echovm_decoder::Op::Ldmxcsr
            )
        {
            continue;
        }
        code.truncate(insn.len as usize);
        let mut st = hostcpu::state_with_mem(MEM_LEN);
        for g in st.gpr.iter_mut() {
            *g = gen::gpr(&mut r);
        }
        st.gpr[RSP as usize] = 0;
        st.gpr[BASE_REG as usize] = SCRATCH_BASE + BASE_OFF;
        st.rflags = r.next() & STATUS_FLAGS;
        for x in st.xmm.iter_mut() {
            *x = gen::xmm(&mut r);
        }
        for chunk in st.mem[..256].chunks_mut(16) {
            chunk.copy_from_slice(&gen::xmm(&mut r).to_le_bytes());
        }
        let case = Case { code, state: st };
        ran += 1;
        with_mem += insn
            .ops
            .iter()
            .any(|o| matches!(o, echovm_decoder::Operand::Mem { .. })) as u64;
        let native = hostcpu::run(&case.code, &case.state, Some(BASE_REG));
        let problem = match (&native, run_vm(&case)) {
            (Ok(a), Ok(b)) => {
                let d = diff(a, &b);
                (!d.is_empty()).then(|| d.join("; "))
            }
            (Err(hostcpu::NativeError::Signal { .. }), Err(VmError::Fault(_))) => None,
            (n, v) => Some(format!("cpu {:?} vm {:?}", n.as_ref().err(), v.err())),
        };
        if let Some(p) = problem {
            if failures.len() < 10 {
                failures.push(format!(
                    "{}: {p}\n      {}",
                    insn.op.name(),
                    describe(&case)
                ));
            }
        }
    }
    println!("random encodings: {ran} SSE instructions ({with_mem} with memory) run of {attempts} byte strings");
    assert!(
        ran > attempts / 20,
        "too few random encodings decoded as SSE: {ran}"
    );
    assert!(failures.is_empty(), "mismatches:\n{}", failures.join("\n"));
}
