//! `echovm schedule list|show V|diff V1 V2`.

use crate::error::CliError;
use clap::Subcommand;
use std::process::ExitCode;

#[derive(Subcommand)]
pub enum ScheduleCmd {
    /// Every embedded schedule: version, activation protocol version, pinned hash.
    List,
    /// Every entry of one schedule.
    Show { version: u32 },
    /// Entries that differ between two schedules.
    Diff { from: u32, to: u32 },
}

pub fn run(c: ScheduleCmd) -> Result<ExitCode, CliError> {
    let text = match c {
        ScheduleCmd::List => echovm_gas::report::list(),
        ScheduleCmd::Show { version } => {
            echovm_gas::report::show(version).map_err(|_| CliError::Schedule(version))?
        }
        ScheduleCmd::Diff { from, to } => {
            let unknown = |v| CliError::Schedule(v);
            echovm_gas::by_version(from).ok_or_else(|| unknown(from))?;
            echovm_gas::by_version(to).ok_or_else(|| unknown(to))?;
            echovm_gas::report::diff(from, to).map_err(|e| CliError::Other(e.to_string()))?
        }
    };
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    crate::exit(0)
}
