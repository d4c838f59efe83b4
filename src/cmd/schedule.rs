//! `echovm schedule list|show V|diff V1 V2|gas`.

use crate::cmd::gas_scenarios;
use crate::error::CliError;
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ScheduleCmd {
    /// Every embedded schedule: version, activation protocol version, pinned hash.
    List,
    /// Every entry of one schedule.
    Show { version: u32 },
    /// Entries that differ between two schedules, and (with --contracts) the gas change of
    /// every example contract call.
    Diff {
        from: u32,
        to: u32,
        /// Directory with the built example contracts (`examples/build.sh DIR`).
        #[arg(long)]
        contracts: Option<PathBuf>,
        /// Scenario file listing the calls to measure.
        #[arg(long, default_value = "examples/calls.toml")]
        scenarios: PathBuf,
    },
    /// Gas of every scenario call under every schedule version (tab-separated).
    Gas {
        /// Directory with the built example contracts (`examples/build.sh DIR`).
        #[arg(long)]
        contracts: PathBuf,
        #[arg(long, default_value = "examples/calls.toml")]
        scenarios: PathBuf,
    },
}

pub fn run(c: ScheduleCmd) -> Result<ExitCode, CliError> {
    let text = match c {
        ScheduleCmd::List => echovm_gas::report::list(),
        ScheduleCmd::Show { version } => {
            echovm_gas::report::show(version).map_err(|_| CliError::Schedule(version))?
        }
        ScheduleCmd::Diff {
            from,
            to,
            contracts,
            scenarios,
        } => {
            let unknown = |v| CliError::Schedule(v);
            echovm_gas::by_version(from).ok_or_else(|| unknown(from))?;
            echovm_gas::by_version(to).ok_or_else(|| unknown(to))?;
            let mut text =
                echovm_gas::report::diff(from, to).map_err(|e| CliError::Other(e.to_string()))?;
            if let Some(dir) = contracts {
                if !text.ends_with('\n') {
                    text.push('\n');
                }
                text.push_str(&gas_scenarios::delta(&scenarios, &dir, from, to)?);
            }
            text
        }
        ScheduleCmd::Gas {
            contracts,
            scenarios,
        } => {
            let versions: Vec<u32> = echovm_gas::schedules()
                .iter()
                .map(|s| s.version())
                .collect();
            gas_scenarios::table(&scenarios, &contracts, &versions)?
        }
    };
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    crate::exit(0)
}
