//! Fuzz target: arbitrary code bytes, run as a contract, must never panic and
//! must always end within the gas cap; and block-charged gas must be
//! indistinguishable from charging each instruction before it runs:
//! - a run that ends (success/revert/fault) with `g` gas used gives the
//!   identical outcome when re-run with limit exactly `g`, and ends
//!   `out_of_gas` with `g − 1` used when re-run with limit `g − 1`;
//! - a run that ends `out_of_gas` ends `out_of_gas` with exactly the limit used
//!   when re-run with any smaller limit (a prefix of the same instruction trace).
//! - the reference interpreter mode (`per_instruction_gas`: every instruction
//!   on the general path, charged one by one) gives the identical outcome, so
//!   the threaded blocks, superblocks, fusion and flag-free forms agree with
//!   the definition wherever it shows in status, gas, return data or the end
//!   address.
//! Runs that could observe their own limit (`int 0x26` gas_limit, `int 0x2F`
//! gas_left, `int 0x30` call, which forwards min(requested, gas left)) are only
//! checked for not panicking.
#![no_main]

use arbitrary::Arbitrary;
use echovm_runtime::host::{CallContext, Status};
use echovm_runtime::{cache::CodeCache, run_call_with, CallParams, Outcome, RunOptions};
use libfuzzer_sys::fuzz_target;

#[path = "support/mod.rs"]
mod support;

const GAS_CAP: u64 = 100_000;

#[derive(Arbitrary, Debug)]
struct Input {
    /// Initial values of (a subset of) the general registers.
    regs: Vec<(u8, u64)>,
    /// Extra earlier limits to try for out-of-gas runs.
    probes: [u16; 3],
    data: Vec<u8>,
    code: Vec<u8>,
}

fn run(program: &echovm_runtime::program::Program, limit: u64, cache: &mut CodeCache) -> Outcome {
    run_with(program, limit, cache, false)
}

fn run_with(
    program: &echovm_runtime::program::Program,
    limit: u64,
    cache: &mut CodeCache,
    per_instruction_gas: bool,
) -> Outcome {
    let ctx = CallContext { caller: [1; 32], origin: [1; 32], self_address: [2; 32], ..Default::default() };
    let mut host = support::map_host(ctx.self_address);
    let params = CallParams {
        program,
        schedule: echovm_gas::latest(),
        ctx,
        input: b"fuzz input".to_vec(),
        gas_limit: limit,
    };
    run_call_with(params, cache, &mut host, RunOptions { trace: false, per_instruction_gas })
}

/// True if the code may contain an interrupt whose result depends on the gas limit.
fn observes_limit(code: &[u8]) -> bool {
    code.windows(2).any(|w| w[0] == 0xcd && matches!(w[1], 0x26 | 0x2f | 0x30))
}

fuzz_target!(|input: Input| {
    let mut code = Vec::new();
    for &(r, v) in input.regs.iter().take(15) {
        support::mov_imm64(&mut code, support::SETTABLE[r as usize % 15], v);
    }
    code.extend_from_slice(&input.code[..input.code.len().min(4096)]);
    let program = support::program(&code, &input.data);

    let mut cache = CodeCache::new();
    let first = run(&program, GAS_CAP, &mut cache);
    assert!(first.gas_used <= GAS_CAP, "gas used {} over the cap", first.gas_used);
    assert_eq!(first.status == Status::Fault, first.trap.is_some(), "trap iff fault: {first:?}");
    // A warm cache must not change anything.
    let again = run(&program, GAS_CAP, &mut cache);
    assert_eq!(first, again, "warm code cache changed the outcome");
    let reference = run_with(&program, GAS_CAP, &mut CodeCache::new(), true);
    assert_eq!(first, reference, "block mode and the per-instruction reference differ");

    if observes_limit(&code) {
        return;
    }
    let g = first.gas_used;
    if first.status != Status::OutOfGas {
        let exact = run(&program, g, &mut CodeCache::new());
        assert_eq!(first, exact, "re-run with limit = gas used ({g}) differs");
        if g > 0 {
            let short = run(&program, g - 1, &mut cache);
            assert_eq!(short.status, Status::OutOfGas, "limit {} (one below use): {short:?}", g - 1);
            assert_eq!(short.gas_used, g - 1);
        }
    } else {
        for &p in &input.probes {
            let limit = u64::from(p) % GAS_CAP;
            let o = run(&program, limit, &mut cache);
            assert_eq!(o.status, Status::OutOfGas, "limit {limit} below an out-of-gas run's cap: {o:?}");
            assert_eq!(o.gas_used, limit);
        }
    }
});
