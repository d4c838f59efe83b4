//! `echovm run CONTRACT [--input HEX] [--gas N] [--schedule V] [--state DIR] [--json]`.

use crate::contract;
use crate::error::CliError;
use clap::Args;
use serde::Serialize;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options every call-running command takes (`run`, `deploy`, `call`).
#[derive(Args)]
pub struct CallOpts {
    /// Call input as hex (with or without 0x).
    #[arg(long, default_value = "")]
    pub input: String,
    /// Gas limit (any u64).
    #[arg(long, default_value_t = 10_000_000)]
    pub gas: u64,
    /// Schedule version (default: the latest).
    #[arg(long)]
    pub schedule: Option<u32>,
    /// Persistent state directory (default: a fresh in-memory copy of the embedded default state).
    #[arg(long)]
    pub state: Option<PathBuf>,
    /// Print one JSON object (SPEC §6) instead of a human summary.
    #[arg(long)]
    pub json: bool,
    /// Print every executed basic block's address to stderr.
    #[arg(long)]
    pub trace: bool,
}

#[derive(Args)]
pub struct RunArgs {
    /// Contract: a static ELF64 x86-64 executable or an echovm package.
    pub contract: PathBuf,
    /// Read the call input (raw bytes) from this file instead of --input.
    #[arg(long, conflicts_with = "input")]
    pub input_file: Option<PathBuf>,
    #[command(flatten)]
    pub call: CallOpts,
}

/// The `--json` object of SPEC §6.
#[derive(Serialize, Clone)]
pub struct RunJson {
    pub status: &'static str,
    pub gas_used: u64,
    #[serde(rename = "return")]
    pub return_hex: String,
    pub error: Option<String>,
    pub debug: Vec<String>,
    pub events: Vec<EventJson>,
    pub state_diff: Vec<DiffJson>,
}

#[derive(Serialize, Clone)]
pub struct EventJson {
    pub topic: String,
    pub data: String,
}

#[derive(Serialize, Clone)]
pub struct DiffJson {
    pub key: String,
    pub old: Option<String>,
    pub new: Option<String>,
}

pub fn parse_hex(s: &str) -> Result<Vec<u8>, CliError> {
    let s = s.trim();
    let s = s.strip_prefix("0x").unwrap_or(s);
    hex::decode(s).map_err(|e| CliError::Usage(format!("--input is not valid hex: {e}")))
}

pub fn run(args: RunArgs) -> Result<ExitCode, CliError> {
    let opts = &args.call;
    let schedule = contract::schedule(opts.schedule)?;
    let program = contract::load(&args.contract, schedule)?;
    let input = match &args.input_file {
        Some(path) => contract::read(path)?,
        None => parse_hex(&opts.input)?,
    };
    let report = crate::chain::run_program(
        &program,
        schedule,
        input,
        opts.gas,
        opts.state.as_deref(),
        opts.trace,
    )?;
    print_report(&report, opts.json);
    crate::exit(if report.status == "success" { 0 } else { 1 })
}

pub fn print_report(r: &RunJson, json: bool) {
    if json {
        match serde_json::to_string(r) {
            Ok(line) => println!("{line}"),
            Err(e) => eprintln!("error: cannot encode the report as JSON: {e}"),
        }
        return;
    }
    println!("status: {}", r.status);
    println!("gas used: {}", r.gas_used);
    println!(
        "return: {}",
        if r.return_hex.is_empty() {
            "(empty)"
        } else {
            &r.return_hex
        }
    );
    if let Some(e) = &r.error {
        println!("error: {e}");
    }
    for d in &r.debug {
        println!("debug: {d}");
    }
    for e in &r.events {
        println!("event: topic {} data {}", e.topic, e.data);
    }
    for d in &r.state_diff {
        println!(
            "state: {} {} -> {}",
            d.key,
            d.old.as_deref().unwrap_or("(absent)"),
            d.new.as_deref().unwrap_or("(absent)")
        );
    }
}
