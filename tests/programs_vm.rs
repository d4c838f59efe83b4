//! Whole programs, VM vs native: every corpus program (C compiled by gcc at
//! several optimisation levels, Rust `no_std` compiled by rustc) must produce
//! in echovm exactly the return data, status and debug output its native
//! build produced on the host CPU.

#[path = "programs/mod.rs"]
mod programs;

use std::process::Command;

#[derive(serde::Deserialize, Debug)]
struct RunJson {
    status: String,
    gas_used: u64,
    #[serde(rename = "return")]
    return_hex: String,
    error: Option<String>,
    debug: Vec<String>,
}

fn run_vm(elf: &std::path::Path, input: &[u8]) -> RunJson {
    let out = Command::new(env!("CARGO_BIN_EXE_echovm"))
        .arg("run")
        .arg(elf)
        .arg("--input")
        .arg(hex::encode(input))
        .arg("--gas")
        .arg("10000000000")
        .arg("--json")
        .output()
        .expect("run echovm");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{}: echovm exited {:?}\nstdout: {stdout}\nstderr: {}",
        elf.display(),
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("bad JSON ({e}): {stdout}"))
}

#[test]
fn every_corpus_program_matches_its_native_build() {
    let mut failures = Vec::new();
    for p in programs::corpus() {
        let r = run_vm(&p.elf_path, &p.input);
        let want_status = if p.native_status == 0 { "success" } else { "reverted" };
        let got = hex::decode(&r.return_hex).unwrap();
        if r.status != want_status || got != p.native_output || r.debug != p.native_debug {
            failures.push(format!(
                "{}: status {} (want {want_status}), error {:?}\n  return {}\n  native {}\n  debug {:?}\n  native debug {:?}",
                p.name,
                r.status,
                r.error,
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&p.native_output),
                r.debug,
                p.native_debug
            ));
        }
        assert!(r.gas_used > 0, "{}: no gas charged", p.name);
    }
    assert!(failures.is_empty(), "{} of {} programs differ:\n{}", failures.len(), programs::corpus().len(), failures.join("\n"));
}
