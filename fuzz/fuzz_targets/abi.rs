//! Fuzz target: random interrupt sequences. A synthetic contract loads
//! fuzzer-chosen values (small numbers, pointers into its data segment or
//! stack, raw words) into rdi, rsi, rdx, rcx, r8, r9, r10 and executes `int N`
//! (mostly ABI v1 vectors), repeated, then returns. It runs on a fresh
//! in-memory `state::Chain` (installed at an address its data segment holds,
//! so `call` can re-enter it) or, when the validator rejects it (a vector
//! outside the ABI), directly through `run_call` with a map-backed host.
//! Never panics; every call ends with a clean status (a fault carries its
//! trap), stays within its gas, and its state diff round-trips canonically.
#![no_main]

use arbitrary::Arbitrary;
use echovm_runtime::abi::Vector;
use echovm_runtime::host::{CallContext, Status};
use echovm_runtime::loader::STACK_TOP;
use echovm_runtime::state::{Chain, StateDiff, DEFAULT_CALLER};
use echovm_runtime::{cache::CodeCache, run_call, CallParams, Outcome};
use libfuzzer_sys::fuzz_target;

#[path = "support/mod.rs"]
mod support;

/// Where the contract is installed; also stored at the start of its data.
const SELF: [u8; 32] = [0x42; 32];
const GAS: u64 = 1_000_000;
/// Argument registers in ABI order: rdi, rsi, rdx, rcx, r8, r9, r10.
const ARG_REGS: [u8; 7] = [7, 6, 2, 1, 8, 9, 10];

#[derive(Arbitrary, Debug)]
enum Arg {
    Small(u8),
    /// Pointer into the data segment.
    Data(u16),
    /// Pointer into the stack, below the entry RSP.
    Stack(u16),
    Raw(u64),
}

impl Arg {
    fn value(&self) -> u64 {
        match *self {
            Arg::Small(v) => u64::from(v),
            Arg::Data(off) => support::DATA_BASE + u64::from(off) % support::DATA_SIZE,
            Arg::Stack(off) => STACK_TOP - 8 - u64::from(off),
            Arg::Raw(v) => v,
        }
    }
}

#[derive(Arbitrary, Debug)]
struct Interrupt {
    /// Index into the ABI vectors; values past the end are used as raw vectors.
    vector: u8,
    args: [Arg; 7],
}

#[derive(Arbitrary, Debug)]
struct Input {
    steps: Vec<Interrupt>,
    data: Vec<u8>,
    input: Vec<u8>,
    value: u8,
}

fn clean(o: &Outcome, limit: u64) {
    assert_eq!(o.status == Status::Fault, o.trap.is_some(), "trap iff fault: {o:?}");
    assert!(o.gas_used <= limit, "gas used {} over the limit {limit}", o.gas_used);
    if matches!(o.status, Status::OutOfGas | Status::Fault) {
        assert!(o.return_data.is_empty(), "failed call returned data: {o:?}");
    }
}

fuzz_target!(|input: Input| {
    let mut code = Vec::new();
    for step in input.steps.iter().take(32) {
        for (reg, arg) in ARG_REGS.iter().zip(&step.args) {
            support::mov_imm64(&mut code, *reg, arg.value());
        }
        let all = Vector::ALL;
        let vector = match all.get(step.vector as usize) {
            Some(v) => *v as u8,
            None if step.vector >= 0xf0 => step.vector.wrapping_mul(17),
            None => all[step.vector as usize % all.len()] as u8,
        };
        code.extend([0xcd, vector]);
    }
    code.push(0xc3);
    let mut data = SELF.to_vec();
    data.extend_from_slice(&DEFAULT_CALLER);
    data.extend_from_slice(&input.data);
    let program = support::program(&code, &data);
    let schedule = echovm_gas::latest();

    let mut chain = Chain::in_memory(schedule.clone()).expect("in-memory chain");
    if chain.install(&SELF, &program).is_ok() {
        let r = chain
            .call(&SELF, &DEFAULT_CALLER, u128::from(input.value), GAS, input.input.clone())
            .expect("a call on an in-memory state has no storage errors");
        clean(&r.outcome, GAS);
        let bytes = r.diff_bytes();
        let back = StateDiff::from_bytes(&bytes).expect("receipt diff decodes");
        assert_eq!(back, r.diff);
    } else {
        let ctx = CallContext { caller: DEFAULT_CALLER, origin: DEFAULT_CALLER, self_address: SELF, ..Default::default() };
        let mut host = support::map_host(SELF);
        let params = CallParams { program: &program, schedule, ctx, input: input.input, gas_limit: GAS };
        let o = run_call(params, &mut CodeCache::new(), &mut host);
        clean(&o, GAS);
    }
});
