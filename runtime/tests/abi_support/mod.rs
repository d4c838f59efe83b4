//! Shared helpers of the ABI and state tests: builds the scriptable probe
//! contract (`tests/abi_contracts/probe.c`) with the C SDK and drives it.
#![allow(dead_code)]

use echovm_gas::Schedule;
use echovm_runtime::host::{Address, Status};
use echovm_runtime::program::Program;
use echovm_runtime::state::{Chain, MemBackend, Receipt, DEFAULT_CALLER};
use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// Compile a C contract from `tests/abi_contracts/` with `sdk/c/build.sh`.
pub fn build_contract(name: &str) -> Program {
    build_contract_with(name, &[])
}

/// [`build_contract`] with extra compiler flags (e.g. `-DNAME`).
pub fn build_contract_with(name: &str, cflags: &[&str]) -> Program {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let src = root.join("tests/abi_contracts").join(format!("{name}.c"));
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "{name}-{}-{}.elf",
        std::process::id(),
        cflags.len()
    ));
    let status = Command::new("sh")
        .arg(root.join("../sdk/c/build.sh"))
        .arg("-o")
        .arg(&out)
        .arg(&src)
        .arg("--")
        .args(cflags)
        .status()
        .expect("run sdk/c/build.sh");
    assert!(status.success(), "building {} failed", src.display());
    let bytes = std::fs::read(&out).expect("read built contract");
    let _ = std::fs::remove_file(&out);
    echovm_runtime::elf::parse(&bytes).expect("parse built contract")
}

pub fn probe() -> &'static Program {
    static P: OnceLock<Program> = OnceLock::new();
    P.get_or_init(|| build_contract("probe"))
}

pub fn schedule() -> Schedule {
    echovm_gas::by_version(1).expect("schedule v1").clone()
}

/// Argument pointing at the probe's scratch buffer + `off`.
pub const fn s(off: u32) -> u64 {
    (0x5C5C << 48) | off as u64
}

/// Argument = value logged by the `i`-th interrupt of the script + `off`.
pub const fn res(i: u16, off: u32) -> u64 {
    (0x5C5D << 48) | ((i as u64) << 32) | off as u64
}

/// A probe script.
#[derive(Clone, Default)]
pub struct Script(pub Vec<u8>);

impl Script {
    pub fn new() -> Self {
        Script(Vec::new())
    }
    /// `int vec` with up to seven arguments (missing ones are 0).
    pub fn int(mut self, vec: u8, args: &[u64]) -> Self {
        assert!(args.len() <= 7);
        self.0.push(b'I');
        self.0.push(vec);
        for i in 0..7 {
            self.0
                .extend_from_slice(&args.get(i).copied().unwrap_or(0).to_le_bytes());
        }
        self
    }
    /// Put bytes into the scratch buffer.
    pub fn write(mut self, off: u32, bytes: &[u8]) -> Self {
        self.0.push(b'W');
        self.0.extend_from_slice(&off.to_le_bytes());
        self.0
            .extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        self.0.extend_from_slice(bytes);
        self
    }
    /// Log `len` scratch bytes.
    pub fn read(mut self, off: u32, len: u32) -> Self {
        self.0.push(b'R');
        self.0.extend_from_slice(&off.to_le_bytes());
        self.0.extend_from_slice(&len.to_le_bytes());
        self
    }
    /// Log the scratch buffer's address.
    pub fn addr(mut self) -> Self {
        self.0.push(b'A');
        self
    }
    /// This script followed by `more`.
    pub fn then(mut self, more: Script) -> Self {
        self.0.extend(more.0);
        self
    }
    pub fn bytes(&self) -> Vec<u8> {
        self.0.clone()
    }
}

/// Split a return log into u64 words (for scripts that only log words).
pub fn words(data: &[u8]) -> Vec<u64> {
    data.chunks(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("whole words")))
        .collect()
}

pub const GAS: u64 = 10_000_000;

/// A fresh in-memory chain (schedule v1, default genesis) with the probe deployed.
pub fn chain_with_probe() -> (Chain<MemBackend>, Address) {
    chain_with_probe_on(schedule())
}

pub fn chain_with_probe_on(schedule: Schedule) -> (Chain<MemBackend>, Address) {
    let mut chain = Chain::in_memory(schedule).expect("chain");
    let r = chain
        .deploy(probe(), &DEFAULT_CALLER, 0, GAS, Script::new().bytes())
        .expect("deploy");
    assert_eq!(
        r.outcome.status,
        Status::Success,
        "deploy: {:?}",
        r.outcome.trap
    );
    (chain, r.address)
}

/// Call the probe with a script from the default caller.
pub fn run(chain: &mut Chain<MemBackend>, probe: &Address, script: &Script) -> Receipt {
    chain
        .call(probe, &DEFAULT_CALLER, 0, GAS, script.bytes())
        .expect("call")
}

/// Run a script that must succeed; returns its logged words.
pub fn ok_words(chain: &mut Chain<MemBackend>, probe: &Address, script: &Script) -> Vec<u64> {
    let r = run(chain, probe, script);
    assert_eq!(
        r.outcome.status,
        Status::Success,
        "trap: {:?}",
        r.outcome.trap
    );
    words(&r.outcome.return_data)
}

/// Run a script that must fault; returns the fault message.
pub fn fault_text(chain: &mut Chain<MemBackend>, probe: &Address, script: &Script) -> String {
    let r = run(chain, probe, script);
    assert_eq!(
        r.outcome.status,
        Status::Fault,
        "expected a fault, got {:?} {:?}",
        r.outcome.status,
        r.outcome.return_data
    );
    r.outcome.trap.expect("fault has a trap").to_string()
}

/// A schedule v1 variant with edited limits/surcharges.
pub fn schedule_with(edit: impl FnOnce(&mut echovm_gas::ScheduleDoc)) -> Schedule {
    let mut doc = schedule().doc().clone();
    edit(&mut doc);
    Schedule::from_doc(doc).expect("edited schedule is valid")
}

/// Gas cost of vector `v` for metered length `len` under `s`.
pub fn vcost(s: &Schedule, v: u8, len: u64) -> u64 {
    s.interrupt(v).expect("ABI vector").cost(len)
}

/// Schedule v1 with vector `v`'s cost replaced by `cost`.
pub fn schedule_with_vector_cost(v: u8, cost: echovm_gas::InterruptCost) -> Schedule {
    let name = echovm_gas::vector(v).expect("ABI vector").name;
    let doc = schedule().doc().clone();
    let mut json = serde_json::to_value(&doc).expect("schedule to json");
    json["interrupts"][name] = serde_json::to_value(cost).expect("cost to json");
    Schedule::from_doc(serde_json::from_value(json).expect("json to schedule"))
        .expect("valid schedule")
}

/// How script `script` uses vector `v`, measured exactly: it is run under
/// schedule v1 and under variants that change only `v`'s price, so gas
/// differences isolate `v`. Returns (number of charged calls, total metered
/// length). `setup` prepares a fresh chain (after the probe is deployed).
pub fn metering(v: u8, script: &Script, value: u128) -> (u64, u64) {
    let base_cost = *schedule().interrupt(v).expect("ABI vector");
    let gas_on = |cost: echovm_gas::InterruptCost| {
        let (mut chain, probe) = chain_with_probe_on(schedule_with_vector_cost(v, cost));
        let r = chain
            .call(&probe, &DEFAULT_CALLER, value, GAS, script.bytes())
            .expect("call");
        assert_eq!(
            r.outcome.status,
            Status::Success,
            "vector {v:#x}: {:?}",
            r.outcome.trap
        );
        r.outcome.gas_used
    };
    let g0 = gas_on(base_cost);
    let calls = gas_on(echovm_gas::InterruptCost {
        base: base_cost.base + 1000,
        ..base_cost
    }) - g0;
    let len = gas_on(echovm_gas::InterruptCost {
        per_byte: base_cost.per_byte + 1,
        ..base_cost
    }) - g0;
    assert_eq!(calls % 1000, 0);
    (calls / 1000, len)
}

/// Bytes from lower-case hex (test vectors).
pub fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len() & 1 == 0, "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
        .collect()
}
