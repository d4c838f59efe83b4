//! Differential test of lazily evaluated flags across instruction chains.
//!
//! `diff_int` runs one instruction at a time from RFLAGS set as a whole, so
//! it never sees a flag record left by one instruction and consumed or
//! partly overwritten by the next — which is exactly where lazy flags can go
//! wrong: a rotate, multiply, `bt` or `clc` keeps SF/ZF/PF/AF of the `add`,
//! `xor` or `shl` before it while replacing CF/OF. This test runs random
//! chains of such instructions (ALU producers, shifts, rotates, multiplies,
//! bit tests, carry-flag instructions, and consumers: adc/sbb, inc/dec,
//! setcc of every condition) on both engines and compares every GPR and all
//! of RFLAGS with a reference run of the general path that materialises
//! RFLAGS after every instruction (so no lazy record outlives its
//! instruction). With ECHOVM_DIFF_ALL_FLAGS=1 on an AMD host the chains are
//! also compared with the host CPU, every flag included (the VM's rules for
//! undefined flags are AMD's, docs/SEMANTICS.md; none of the 16-bit
//! shld/shrd exceptions occur here).
//!
//! ECHOVM_CHAIN_CASES overrides the number of chains (default 20000).

use echovm_decoder::decode;
use echovm_runtime::cpu::Cpu;
use echovm_runtime::exec::fast::execute_translated;
use echovm_runtime::exec::{execute, Step};
use echovm_runtime::memory::{Memory, Perm, Region, RegionKind};
use hostcpu::{State, DEFAULT_RSP, INSN_ADDR, STACK_BASE, STACK_SIZE};

#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

const STATUS: u64 = 0x8d5;

/// Registers the chains use (no RSP/RBP, so the harness's stack stays intact).
const REGS: [u8; 10] = [0, 1, 2, 3, 6, 7, 8, 9, 10, 11];

/// Encode `opcode` (8-bit form `op8` for byte operands) with a register
/// ModRM operand pair and optional immediate bytes.
fn enc(out: &mut Vec<u8>, size: u8, opcode: &[u8], op8: &[u8], reg: u8, rm: u8, imm: &[u8]) {
    if size == 2 {
        out.push(0x66);
    }
    let rex = 0x40 | (u8::from(size == 8) << 3) | ((reg >> 3) << 2) | (rm >> 3);
    // A REX prefix on every byte operation selects sil/dil, never ah..bh.
    if rex != 0x40 || size == 1 {
        out.push(rex);
    }
    out.extend_from_slice(if size == 1 { op8 } else { opcode });
    out.push(0xc0 | (reg & 7) << 3 | (rm & 7));
    out.extend_from_slice(imm);
}

/// Append one random instruction of the chain vocabulary to `out`.
fn instruction(rng: &mut Rng, out: &mut Vec<u8>) {
    let size = rng.pick(&[1u8, 2, 4, 8, 8, 4]);
    let wide = if size == 1 { 4 } else { size };
    let (r, s) = (rng.pick(&REGS), rng.pick(&REGS));
    let count = [if rng.below(4) == 0 {
        rng.next() as u8
    } else {
        rng.below(9) as u8
    }];
    match rng.below(14) {
        // add, or, adc, sbb, and, sub, xor, cmp.
        0 | 1 => {
            let op = 0x01 + 8 * rng.below(8) as u8;
            enc(out, size, &[op], &[op - 1], s, r, &[]);
        }
        2 => enc(out, size, &[0x85], &[0x84], s, r, &[]),
        // inc, dec, neg.
        3 => {
            let (op, ext) = rng.pick(&[(0xff, 0), (0xff, 1), (0xf7, 3)]);
            enc(out, size, &[op], &[op - 1], ext, r, &[]);
        }
        // shl, shr, sar, rol, ror, rcl, rcr by an immediate or by CL.
        4..=6 => {
            let ext = rng.pick(&[4u8, 5, 7, 0, 1, 2, 3, 0, 1]);
            if rng.below(3) == 0 {
                enc(out, size, &[0xd3], &[0xd2], ext, r, &[]);
            } else {
                enc(out, size, &[0xc1], &[0xc0], ext, r, &count);
            }
        }
        // rol/ror by 1 (D1 /0, /1): OF defined.
        7 => enc(out, size, &[0xd1], &[0xd0], rng.below(4) as u8, r, &[]),
        // imul r, r/m; imul r, r/m, imm8; mul/imul r/m (rdx:rax).
        8 => match rng.below(3) {
            0 => enc(out, wide, &[0x0f, 0xaf], &[], r, s, &[]),
            1 => enc(out, wide, &[0x6b], &[], r, s, &[rng.next() as u8]),
            _ => enc(out, size, &[0xf7], &[0xf6], 4 + rng.below(2) as u8, s, &[]),
        },
        // bt r/m, r and bt r/m, imm8.
        9 => {
            if rng.below(2) == 0 {
                enc(out, wide, &[0x0f, 0xa3], &[], s, r, &[]);
            } else {
                enc(out, wide, &[0x0f, 0xba], &[], 4, r, &count);
            }
        }
        // clc, stc, cmc.
        10 => out.push(rng.pick(&[0xf8, 0xf9, 0xf5])),
        // setcc r8b..r11b (every condition).
        11 | 12 => {
            let cc = rng.below(16) as u8;
            out.extend_from_slice(&[0x41, 0x0f, 0x90 + cc, 0xc0 | rng.below(4) as u8]);
        }
        // adc/sbb as consumers of CF.
        _ => {
            let op = rng.pick(&[0x11u8, 0x19]);
            enc(out, size, &[op], &[op - 1], s, r, &[]);
        }
    }
}

fn make_chain(rng: &mut Rng) -> (Vec<u8>, State) {
    let mut st = State::default();
    for g in st.gpr.iter_mut() {
        *g = rng.value();
    }
    st.gpr[4] = DEFAULT_RSP;
    st.gpr[5] = 0;
    st.rflags = rng.next() & STATUS;
    let mut code = Vec::new();
    for _ in 0..2 + rng.below(5) {
        instruction(rng, &mut code);
    }
    (code, st)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    General,
    Translated,
    /// The general path with RFLAGS materialised after every instruction.
    EagerReference,
}

/// Run `code` in the VM from `st`; the final GPRs and RFLAGS.
fn vm(code: &[u8], st: &State, engine: Engine) -> Result<([u64; 16], u64), String> {
    let mut mem = Memory::new();
    mem.map(Region {
        start: STACK_BASE,
        perm: Perm::RW,
        kind: RegionKind::Stack,
        data: vec![0; STACK_SIZE],
    })
    .map_err(|e| e.to_string())?;
    let mut text = code.to_vec();
    text.resize(4096, 0xcc);
    mem.map(Region {
        start: INSN_ADDR,
        perm: Perm::RX,
        kind: RegionKind::Segment,
        data: text,
    })
    .map_err(|e| e.to_string())?;
    let mut cpu = Cpu {
        gpr: st.gpr,
        rip: INSN_ADDR,
        ..Cpu::default()
    };
    cpu.flags.set(st.rflags | 0x202);
    let end = INSN_ADDR + code.len() as u64;
    while cpu.rip != end {
        let bytes = mem.fetch(cpu.rip, 15).map_err(|e| format!("fetch: {e}"))?;
        let insn = decode(bytes, cpu.rip).map_err(|e| format!("decode at {:#x}: {e}", cpu.rip))?;
        let next = cpu.rip + insn.len as u64;
        let step = match engine {
            Engine::Translated => execute_translated(&mut cpu, &mut mem, &insn, next),
            _ => execute(&mut cpu, &mut mem, &insn, next),
        }
        .map_err(|f| format!("fault: {f}"))?;
        if engine == Engine::EagerReference {
            let f = cpu.flags.get();
            cpu.flags.set(f);
        }
        match step {
            Step::Next => cpu.rip = next,
            other => return Err(format!("unexpected step {other:?}")),
        }
    }
    Ok((cpu.gpr, cpu.flags.get() & STATUS))
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn flag_chains_match_eager_reference_and_host() {
    let cases: usize = std::env::var("ECHOVM_CHAIN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000);
    let host = std::env::var("ECHOVM_DIFF_ALL_FLAGS").is_ok()
        && std::fs::read_to_string("/proc/cpuinfo")
            .map(|s| s.contains("AuthenticAMD"))
            .unwrap_or(false);
    let mut rng = Rng(0xf1a9_c4a1);
    let mut failures = Vec::new();
    for _ in 0..cases {
        let (code, st) = make_chain(&mut rng);
        let want = vm(&code, &st, Engine::EagerReference).expect("reference run");
        for engine in [Engine::General, Engine::Translated] {
            let got = vm(&code, &st, engine).expect("VM run");
            if got != want {
                failures.push(format!(
                    "[{}] {engine:?} from flags {:#x}: gpr {:x?} flags {:#x}, eager reference gpr {:x?} flags {:#x}",
                    hex(&code),
                    st.rflags,
                    got.0,
                    got.1,
                    want.0,
                    want.1
                ));
            }
        }
        if host {
            let mut input = st.clone();
            input.gpr[4] = 0;
            let n = hostcpu::run(&code, &input, None).expect("host run");
            let mut ngpr = n.gpr;
            ngpr[4] = DEFAULT_RSP;
            if (ngpr, n.rflags & STATUS) != want {
                failures.push(format!(
                    "[{}] host from flags {:#x}: gpr {:x?} flags {:#x}, VM gpr {:x?} flags {:#x}",
                    hex(&code),
                    st.rflags,
                    ngpr,
                    n.rflags & STATUS,
                    want.0,
                    want.1
                ));
            }
        }
        if failures.len() > 20 {
            break;
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing chains:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
