//! Reading a contract from disk: an ELF file or a package, validated.

use crate::error::CliError;
use echovm_gas::Schedule;
use echovm_runtime::package::{is_package, Package};
use echovm_runtime::program::Program;
use echovm_runtime::{elf, validate};
use std::path::Path;

pub fn schedule(version: Option<u32>) -> Result<&'static Schedule, CliError> {
    match version {
        None => Ok(echovm_gas::latest()),
        Some(v) => echovm_gas::by_version(v).ok_or(CliError::Schedule(v)),
    }
}

pub fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// Parse an ELF or package without validating it.
pub fn parse(path: &Path, schedule: &Schedule) -> Result<Program, CliError> {
    let bytes = read(path)?;
    if is_package(&bytes) {
        Package::from_bytes(&bytes, schedule.limits().package_bytes)
            .map(|p| p.program)
            .map_err(|source| CliError::Package {
                path: path.to_path_buf(),
                source,
            })
    } else {
        elf::parse(&bytes).map_err(|source| CliError::Elf {
            path: path.to_path_buf(),
            source,
        })
    }
}

/// Parse and validate; any problem rejects the contract.
pub fn load(path: &Path, schedule: &Schedule) -> Result<Program, CliError> {
    let program = parse(path, schedule)?;
    let problems = validate::validate(&program, schedule);
    if !problems.is_empty() {
        return Err(CliError::Rejected {
            path: path.to_path_buf(),
            problems: render(&problems),
        });
    }
    Ok(program)
}

pub fn render(problems: &[validate::Problem]) -> String {
    problems
        .iter()
        .map(|p| format!("  {p}"))
        .collect::<Vec<_>>()
        .join("\n")
}
