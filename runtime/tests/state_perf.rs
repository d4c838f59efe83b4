//! Rough throughput figures of the state layer (ignored by default; run with
//! `cargo test --release -p echovm-runtime --test state_perf -- --ignored --nocapture`).
mod abi_support;
use abi_support::*;
use echovm_runtime::state::{Backend, Chain, MemBackend, RedbBackend, DEFAULT_CALLER};
use std::time::Instant;

const WRITE: u8 = 0x71;

fn storage_call(i: u32) -> Vec<u8> {
    Script::new()
        .write(0, &i.to_le_bytes())
        .int(WRITE, &[s(0), 4, s(0), 4])
        .bytes()
}

#[test]
#[ignore]
fn calls_per_second_and_root_cost() {
    let n = 2000u32;
    let mut chain = Chain::in_memory(schedule()).unwrap();
    let d = chain
        .deploy(probe(), &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap();
    let t = Instant::now();
    for i in 0..n {
        assert!(chain
            .call(&d.address, &DEFAULT_CALLER, 0, GAS, storage_call(i))
            .unwrap()
            .succeeded());
    }
    let per = t.elapsed() / n;
    println!(
        "in-memory: {per:?} per call (one storage write, diff, commit, root over ~{n} entries)"
    );

    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("perf-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut chain = Chain::open(&dir, schedule()).unwrap();
    let d = chain
        .deploy(probe(), &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap();
    let m = 200u32;
    let t = Instant::now();
    for i in 0..m {
        assert!(chain
            .call(&d.address, &DEFAULT_CALLER, 0, GAS, storage_call(i))
            .unwrap()
            .succeeded());
    }
    println!("redb: {:?} per call (durable commit each)", t.elapsed() / m);
    let _ = std::fs::remove_dir_all(&dir);

    let mut b = MemBackend::new();
    let entries: Vec<(Vec<u8>, Option<Vec<u8>>)> = (0..100_000u32)
        .map(|i| {
            (
                [6u8].iter().chain(&i.to_be_bytes()).copied().collect(),
                Some(vec![7; 32]),
            )
        })
        .collect();
    b.apply(&entries).unwrap();
    let t = Instant::now();
    let _ = echovm_runtime::state::root::state_root(&b).unwrap();
    println!("state root over 100k entries: {:?}", t.elapsed());
    let _: Option<RedbBackend> = None;
}
