//! Limits and bombs (issue "Gas"): an infinite loop ends out_of_gas with
//! gas_used equal to the limit, promptly; stack bombs, heap bombs, memset
//! bombs and oversized inputs end in clean faults that name the limit.
//! Contracts are compiled from tests/limits/*.c with the C SDK.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn build(name: &str) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("limits");
        std::fs::create_dir_all(&d).unwrap();
        d
    });
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = dir.join(format!("{name}.elf"));
    let st = Command::new("sh")
        .arg(root.join("sdk/c/build.sh"))
        .arg("-o")
        .arg(&out)
        .arg(root.join(format!("tests/limits/{name}.c")))
        .status()
        .expect("run sdk/c/build.sh");
    assert!(st.success(), "building {name}");
    out
}

fn run(elf: &Path, input: &str, gas: u64) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_echovm"))
        .arg("run")
        .arg(elf)
        .args(["--input", input, "--gas", &gas.to_string(), "--json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn infinite_loop_runs_out_of_exactly_its_gas() {
    let elf = build("loop");
    let started = std::time::Instant::now();
    let r = run(&elf, "", 5_000_000);
    assert_eq!(r["status"], "out_of_gas");
    assert_eq!(r["gas_used"], 5_000_000);
    assert_eq!(r["return"], "");
    assert!(r["error"].is_null());
    // "Promptly": generous bound for a loaded CI machine; a few million
    // instructions take milliseconds.
    assert!(started.elapsed().as_secs() < 30);
    // Every limit gives the same answer: all gas used, nothing else.
    for gas in [0u64, 1, 2, 3, 17, 1000, 123_457] {
        let r = run(&elf, "", gas);
        assert_eq!(r["status"], "out_of_gas", "limit {gas}");
        assert_eq!(r["gas_used"], gas, "limit {gas}");
    }
}

#[test]
fn stack_bomb_faults_naming_the_stack_limit() {
    let elf = build("stack_bomb");
    let r = run(&elf, "", 1 << 40);
    assert_eq!(r["status"], "fault");
    let e = r["error"].as_str().unwrap();
    assert!(
        e.contains("stack overflow") && e.contains("stack limit"),
        "{e}"
    );
    assert!(e.contains("in deep"), "names the function: {e}");
}

#[test]
fn heap_bomb_gets_null_then_faults_when_it_ignores_it() {
    let elf = build("heap_bomb");
    let out = Command::new(env!("CARGO_BIN_EXE_echovm"))
        .arg("run")
        .arg(&elf)
        .args(["--gas", "100000000000", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let blocks = u64::from_le_bytes(
        hex::decode(r["return"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap(),
    );
    let limits = echovm_gas::latest().limits();
    assert!(
        blocks > 0 && blocks < limits.heap_bytes / (1 << 20) + 1,
        "{blocks} MiB blocks"
    );
    let r = run(&elf, "01", 100_000_000_000);
    assert_eq!(r["status"], "fault");
    let e = r["error"].as_str().unwrap();
    assert!(e.contains("unmapped") || e.contains("not permitted"), "{e}");
}

#[test]
fn memset_bomb_faults_cleanly() {
    let elf = build("memset_bomb");
    let r = run(&elf, "", 1 << 60);
    let e = r["error"].as_str().unwrap_or_default().to_string();
    assert!(r["status"] == "fault" || r["status"] == "out_of_gas", "{r}");
    if r["status"] == "fault" {
        assert!(e.contains("memory") || e.contains("not permitted"), "{e}");
    }
}

#[test]
fn oversized_input_faults_naming_the_input_limit() {
    let elf = build("loop");
    let limit = echovm_gas::latest().limits().input_bytes;
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("limits/big.input");
    std::fs::write(&file, vec![0u8; limit as usize + 1]).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_echovm"))
        .arg("run")
        .arg(&elf)
        .arg("--input-file")
        .arg(&file)
        .args(["--gas", "1000000", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["status"], "fault");
    let e = r["error"].as_str().unwrap();
    assert!(e.contains("input limit exceeded"), "{e}");
    assert_eq!(r["gas_used"], 0);
}
