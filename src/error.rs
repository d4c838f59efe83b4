//! Errors that stop a command before (or instead of) running a call: exit 2.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Elf {
        path: PathBuf,
        source: echovm_runtime::elf::ElfError,
    },
    #[error("{path}: {source}")]
    Package {
        path: PathBuf,
        source: echovm_runtime::package::PackageError,
    },
    #[error("{path} is rejected:\n{problems}")]
    Rejected { path: PathBuf, problems: String },
    #[error("unknown schedule version {0}")]
    Schedule(u32),
    #[error("{0}")]
    Usage(String),
    #[error("{0}")]
    Other(String),
}
