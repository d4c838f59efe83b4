//! `echovm validate` and `echovm pack`.

use crate::contract;
use crate::error::CliError;
use echovm_runtime::package::Package;
use echovm_runtime::validate;
use std::path::Path;
use std::process::ExitCode;

pub fn validate(path: &Path, schedule: Option<u32>) -> Result<ExitCode, CliError> {
    let schedule = contract::schedule(schedule)?;
    let program = contract::parse(path, schedule)?;
    let problems = validate::validate(&program, schedule);
    if problems.is_empty() {
        println!(
            "{}: ok ({} segments, entry {:#x})",
            path.display(),
            program.segments.len(),
            program.entry
        );
        crate::exit(0)
    } else {
        Err(CliError::Rejected {
            path: path.to_path_buf(),
            problems: contract::render(&problems),
        })
    }
}

pub fn pack(elf: &Path, output: &Path, schedule: Option<u32>) -> Result<ExitCode, CliError> {
    let schedule = contract::schedule(schedule)?;
    let program = contract::load(elf, schedule)?;
    let package = Package::new(program);
    let bytes = package.to_bytes();
    let limit = schedule.limits().package_bytes;
    if bytes.len() as u64 > limit {
        return Err(CliError::Rejected {
            path: elf.to_path_buf(),
            problems: format!(
                "  package is {} bytes, over the schedule's limit of {limit}",
                bytes.len()
            ),
        });
    }
    std::fs::write(output, &bytes).map_err(|source| CliError::Write {
        path: output.to_path_buf(),
        source,
    })?;
    println!(
        "{}: {} bytes, code hash {}",
        output.display(),
        bytes.len(),
        hex::encode(package.content_hash)
    );
    crate::exit(0)
}
