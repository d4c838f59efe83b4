//! Golden gas figures: the gas used by each example contract call
//! (examples/calls.toml) under every schedule version is checked in
//! (tests/golden/gas.tsv). Any change in any figure — a repricing, an
//! interpreter change that alters metering, a contract change — fails with a
//! readable diff. Regenerate deliberately with `UPDATE_GOLDEN=1`.

use super::cli::{build_examples, echovm};
use std::path::Path;

#[test]
fn example_call_gas_matches_the_checked_in_figures() {
    let ex = build_examples();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scenarios = root.join("examples/calls.toml");
    let out = echovm(&[
        "schedule",
        "gas",
        "--contracts",
        ex.dir.to_str().unwrap(),
        "--scenarios",
        scenarios.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "schedule gas failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = String::from_utf8(out.stdout).unwrap();
    let golden = root.join("tests/golden/gas.tsv");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&golden, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&golden)
        .expect("tests/golden/gas.tsv (create with UPDATE_GOLDEN=1)");
    if got != want {
        let mut report = String::new();
        for (g, w) in got.lines().zip(want.lines()) {
            if g != w {
                report.push_str(&format!("  checked in: {w}\n  now:        {g}\n"));
            }
        }
        if got.lines().count() != want.lines().count() {
            report.push_str(&format!(
                "  {} lines now, {} checked in\n",
                got.lines().count(),
                want.lines().count()
            ));
        }
        panic!("gas figures changed (columns: status gas per schedule version):\n{report}");
    }
}
