//! Gas of the example contracts' standard calls under each schedule: what a
//! governance proposal needs to see (`echovm schedule gas`, `schedule diff
//! --contracts`), and what tests/gas_golden.rs pins.

use crate::chain::AnyChain;
use crate::error::CliError;
use echovm_gas::Schedule;
use echovm_runtime::state::DEFAULT_CALLER;
use serde::Deserialize;
use std::path::Path;

/// Gas limit of every scenario transaction: far above what any example needs.
const GAS: u64 = 1_000_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    scenario: Vec<Scenario>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    name: String,
    contract: String,
    deploy: String,
    calls: Vec<Call>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Call {
    name: String,
    input: String,
}

/// One measured transaction: (scenario, call name, status, gas used).
pub struct Measured {
    pub scenario: String,
    pub call: String,
    pub status: &'static str,
    pub gas: u64,
}

fn hexarg(s: &str, what: &str) -> Result<Vec<u8>, CliError> {
    hex::decode(s.trim_start_matches("0x"))
        .map_err(|e| CliError::Usage(format!("{what}: bad hex: {e}")))
}

/// Run every scenario of `scenarios` (contracts found in `contracts`) under `schedule`.
pub fn measure(
    scenarios: &Path,
    contracts: &Path,
    schedule: &Schedule,
) -> Result<Vec<Measured>, CliError> {
    let text = std::fs::read_to_string(scenarios).map_err(|source| CliError::Read {
        path: scenarios.to_path_buf(),
        source,
    })?;
    let file: File = toml::from_str(&text)
        .map_err(|e| CliError::Usage(format!("{}: {e}", scenarios.display())))?;
    let mut out = Vec::new();
    for s in &file.scenario {
        let program = crate::contract::load(&contracts.join(&s.contract), schedule)?;
        let mut chain = AnyChain::open(None, schedule, false)?;
        let r = chain.deploy(
            &program,
            &DEFAULT_CALLER,
            0,
            GAS,
            hexarg(&s.deploy, &s.name)?,
        )?;
        out.push(Measured {
            scenario: s.name.clone(),
            call: "deploy".into(),
            status: r.outcome.status.as_str(),
            gas: r.outcome.gas_used,
        });
        let address = r.address;
        for c in &s.calls {
            let r = chain.call(
                &address,
                &DEFAULT_CALLER,
                0,
                GAS,
                hexarg(&c.input, &c.name)?,
            )?;
            out.push(Measured {
                scenario: s.name.clone(),
                call: c.name.clone(),
                status: r.outcome.status.as_str(),
                gas: r.outcome.gas_used,
            });
        }
    }
    Ok(out)
}

/// Tab-separated table: scenario, call, then `status gas` per schedule version.
pub fn table(scenarios: &Path, contracts: &Path, versions: &[u32]) -> Result<String, CliError> {
    let mut columns = Vec::new();
    for &v in versions {
        let s = echovm_gas::by_version(v).ok_or(CliError::Schedule(v))?;
        columns.push(measure(scenarios, contracts, s)?);
    }
    let mut text = String::from("scenario\tcall");
    for v in versions {
        text.push_str(&format!("\tv{v}"));
    }
    text.push('\n');
    for (i, m) in columns[0].iter().enumerate() {
        text.push_str(&format!("{}\t{}", m.scenario, m.call));
        for col in &columns {
            text.push_str(&format!("\t{} {}", col[i].status, col[i].gas));
        }
        text.push('\n');
    }
    Ok(text)
}

/// The gas change of every call between two versions, for `schedule diff --contracts`.
pub fn delta(scenarios: &Path, contracts: &Path, from: u32, to: u32) -> Result<String, CliError> {
    let a = measure(
        scenarios,
        contracts,
        echovm_gas::by_version(from).ok_or(CliError::Schedule(from))?,
    )?;
    let b = measure(
        scenarios,
        contracts,
        echovm_gas::by_version(to).ok_or(CliError::Schedule(to))?,
    )?;
    let mut text = format!("gas of the example calls, v{from} -> v{to}:\n");
    for (x, y) in a.iter().zip(&b) {
        let change = y.gas as i128 - x.gas as i128;
        let pct = if x.gas == 0 {
            0.0
        } else {
            change as f64 * 100.0 / x.gas as f64
        };
        text.push_str(&format!(
            "  {:<16} {:<24} {:>10} -> {:>10}  {:+} ({:+.1}%){}\n",
            x.scenario,
            x.call,
            x.gas,
            y.gas,
            change,
            pct,
            if x.status != y.status {
                format!("  status {} -> {}", x.status, y.status)
            } else {
                String::new()
            }
        ));
    }
    Ok(text)
}
