//! Differential whole-program test: every corpus contract (tests/programs)
//! runs in the VM through the `echovm run --json` command line, and its
//! status, return data, debug lines and events must equal those of the same source
//! compiled and run natively on the host (the oracle).

#[path = "programs/mod.rs"]
mod programs;

use std::process::Command;

/// Far above what any corpus program needs (the largest uses ~10^8).
const GAS: &str = "100000000000";

#[test]
fn corpus_contracts_match_native_runs() {
    let mut failures = Vec::new();
    for p in programs::corpus() {
        let out = Command::new(env!("CARGO_BIN_EXE_echovm"))
            .arg("run")
            .arg(&p.elf_path)
            .args(["--input", &hex::encode(&p.input), "--gas", GAS, "--json"])
            .output()
            .expect("run echovm");
        let json: serde_json::Value = match serde_json::from_slice(&out.stdout) {
            Ok(j) => j,
            Err(e) => {
                failures.push(format!(
                    "{}: no JSON ({e}); stderr: {}",
                    p.name,
                    String::from_utf8_lossy(&out.stderr)
                ));
                continue;
            }
        };
        let want_status = if p.native_status == 0 {
            "success"
        } else {
            "reverted"
        };
        if json["status"] != want_status {
            failures.push(format!(
                "{}: status {} (want {want_status}), error {}",
                p.name, json["status"], json["error"]
            ));
            continue;
        }
        let ret = hex::decode(json["return"].as_str().unwrap_or("")).unwrap_or_default();
        if ret != p.native_output {
            let at = ret
                .iter()
                .zip(&p.native_output)
                .position(|(a, b)| a != b)
                .unwrap_or(ret.len().min(p.native_output.len()));
            failures.push(format!(
                "{}: return data differs at byte {at}:\n  vm:     {:?}\n  native: {:?}",
                p.name,
                String::from_utf8_lossy(&ret[at.saturating_sub(40)..(at + 40).min(ret.len())]),
                String::from_utf8_lossy(
                    &p.native_output[at.saturating_sub(40)..(at + 40).min(p.native_output.len())]
                )
            ));
            continue;
        }
        let debug: Vec<String> = json["debug"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        if debug != p.native_debug {
            failures.push(format!(
                "{}: debug {:?} (want {:?})",
                p.name, debug, p.native_debug
            ));
        }
        let events: Vec<(Vec<u8>, Vec<u8>)> = json["events"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|e| {
                        let field =
                            |k: &str| hex::decode(e[k].as_str().unwrap_or("")).unwrap_or_default();
                        (field("topic"), field("data"))
                    })
                    .collect()
            })
            .unwrap_or_default();
        if events != p.native_events {
            failures.push(format!(
                "{}: events {:?} (want {:?})",
                p.name, json["events"], p.native_events
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs differ:\n{}",
        failures.len(),
        programs::corpus().len(),
        failures.join("\n")
    );
}
