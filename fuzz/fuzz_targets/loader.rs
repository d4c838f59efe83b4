//! Fuzz target: arbitrary bytes as an ELF file. `elf::parse` must return a
//! program or an error, never panic; a parsed program must survive
//! `validate::validate` and `loader::load`, its package must round-trip
//! canonically, and a program the validator accepts must load and run
//! (briefly, through `run_call`) without panicking.
#![no_main]

use echovm_runtime::host::CallContext;
use echovm_runtime::loader::{self, LoadLimits};
use echovm_runtime::package::Package;
use echovm_runtime::{cache::CodeCache, elf, run_call, validate, CallParams};
use libfuzzer_sys::fuzz_target;

#[path = "support/mod.rs"]
mod support;

fuzz_target!(|bytes: &[u8]| {
    let Ok(program) = elf::parse(bytes) else { return };
    let schedule = echovm_gas::latest();
    let problems = validate::validate(&program, schedule);
    let limits = schedule.limits();
    let loaded = loader::load(&program, LoadLimits { stack: limits.stack_bytes, memory: limits.guest_memory_bytes });
    if problems.is_empty() {
        assert!(loaded.is_ok(), "validator accepted a program the loader refuses: {:?}", loaded.err());
    }

    let package = Package::new(program.clone());
    let encoded = package.to_bytes();
    let decoded = Package::from_bytes(&encoded, u64::MAX).expect("a package we encoded decodes");
    assert_eq!(decoded, package);
    assert_eq!(decoded.to_bytes(), encoded);

    if problems.is_empty() {
        let mut host = support::map_host([2; 32]);
        let params = CallParams {
            program: &program,
            schedule,
            ctx: CallContext { self_address: [2; 32], ..Default::default() },
            input: Vec::new(),
            gas_limit: 20_000,
        };
        let o = run_call(params, &mut CodeCache::new(), &mut host);
        assert!(o.gas_used <= 20_000);
    }
});
