//! The persistent redb backend: same results as the in-memory one, survives
//! reopening, and a crash (SIGKILL mid-commit) leaves the last committed batch.
mod abi_support;
use abi_support::*;
use echovm_runtime::state::backend::snapshot;
use echovm_runtime::state::{Backend, Chain, RedbBackend, DEFAULT_CALLER};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

const WRITE: u8 = 0x71;

fn temp_dir(name: &str) -> PathBuf {
    let d =
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}

#[test]
fn redb_and_memory_states_agree_and_persist() {
    let dir = temp_dir("redb-agree");
    let script = Script::new()
        .write(0, b"counter")
        .write(16, &[1, 2, 3])
        .int(WRITE, &[s(0), 7, s(16), 3]);
    let (root_mem, diff_mem) = {
        let mut chain = Chain::in_memory(schedule()).unwrap();
        let d = chain
            .deploy(probe(), &DEFAULT_CALLER, 5, GAS, Vec::new())
            .unwrap();
        let r = chain
            .call(&d.address, &DEFAULT_CALLER, 0, GAS, script.bytes())
            .unwrap();
        (r.state_root, r.diff_bytes())
    };
    let address = {
        let mut chain = Chain::open(&dir, schedule()).unwrap();
        let d = chain
            .deploy(probe(), &DEFAULT_CALLER, 5, GAS, Vec::new())
            .unwrap();
        let r = chain
            .call(&d.address, &DEFAULT_CALLER, 0, GAS, script.bytes())
            .unwrap();
        assert_eq!(r.state_root, root_mem);
        assert_eq!(r.diff_bytes(), diff_mem);
        d.address
    };
    // Reopened: same root, same storage, the contract still callable.
    let mut chain = Chain::open(&dir, schedule()).unwrap();
    assert_eq!(chain.state_root().unwrap(), root_mem);
    assert_eq!(
        chain.storage(&address, b"counter").unwrap(),
        Some(vec![1, 2, 3])
    );
    assert_eq!(chain.balance(&address).unwrap(), 5);
    let r = chain
        .call(
            &address,
            &DEFAULT_CALLER,
            0,
            GAS,
            Script::new()
                .write(0, b"counter")
                .int(0x73, &[s(0), 7])
                .bytes(),
        )
        .unwrap();
    assert_eq!(words(&r.outcome.return_data), vec![3]);
    let _ = std::fs::remove_dir_all(&dir);
}

const KEYS: u32 = 300;

/// Child side of the crash test: commit batches forever, each setting every
/// key to the batch number, reporting each committed batch on stdout.
#[test]
fn crash_child() {
    let Ok(dir) = std::env::var("ECHOVM_CRASH_DIR") else {
        return;
    };
    let mut db = RedbBackend::open(std::path::Path::new(&dir)).unwrap();
    for batch in 1u64.. {
        let changes: Vec<(Vec<u8>, Option<Vec<u8>>)> = (0..KEYS)
            .map(|k| {
                (
                    k.to_be_bytes().to_vec(),
                    Some([batch.to_le_bytes().to_vec(), vec![0xab; 200]].concat()),
                )
            })
            .collect();
        db.apply(&changes).unwrap();
        println!("committed {batch}");
    }
}

#[test]
fn a_killed_writer_leaves_the_last_committed_batch() {
    let dir = temp_dir("redb-crash");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env("ECHOVM_CRASH_DIR", &dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut last = 0u64;
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    while last < 5 {
        let line = lines.next().expect("child output").unwrap();
        if let Some(n) = line.strip_prefix("committed ") {
            last = n.parse().unwrap();
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let db = RedbBackend::open(&dir).unwrap();
    let state = snapshot(&db).unwrap();
    assert_eq!(state.len() as u32, KEYS);
    let batches: std::collections::BTreeSet<u64> = state
        .values()
        .map(|v| u64::from_le_bytes(v[..8].try_into().unwrap()))
        .collect();
    assert_eq!(batches.len(), 1, "a batch was half applied: {batches:?}");
    let b = *batches.iter().next().unwrap();
    assert!(
        b >= last && b <= last + 1,
        "state holds batch {b}, last reported {last}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
