//! `echovm deploy` and `echovm call` against a persistent (or in-memory) state.

use crate::chain::{to_json, AnyChain};
use crate::cmd::run::{parse_hex, print_report, CallOpts};
use crate::contract;
use crate::error::CliError;
use clap::Args;
use echovm_runtime::state::DEFAULT_CALLER;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct TxArgs {
    #[command(flatten)]
    pub call: CallOpts,
    /// Value transferred with the call (u128).
    #[arg(long, default_value_t = 0)]
    pub value: u128,
    /// Sender address, 32 bytes hex (default: the genesis account 1111…11).
    #[arg(long)]
    pub sender: Option<String>,
}

#[derive(Args)]
pub struct DeployArgs {
    /// Package or ELF.
    pub contract: PathBuf,
    #[command(flatten)]
    pub tx: TxArgs,
}

#[derive(Args)]
pub struct CallArgs {
    /// Contract address, 32 bytes hex.
    pub address: String,
    #[command(flatten)]
    pub tx: TxArgs,
}

pub fn parse_address(s: &str, what: &str) -> Result<[u8; 32], CliError> {
    let b = parse_hex(s).map_err(|_| CliError::Usage(format!("{what} is not hex")))?;
    b.try_into()
        .map_err(|_| CliError::Usage(format!("{what} must be 32 bytes (64 hex digits)")))
}

fn sender(tx: &TxArgs) -> Result<[u8; 32], CliError> {
    match &tx.sender {
        None => Ok(DEFAULT_CALLER),
        Some(s) => parse_address(s, "--sender"),
    }
}

pub fn deploy(a: DeployArgs) -> Result<ExitCode, CliError> {
    let schedule = contract::schedule(a.tx.call.schedule)?;
    let program = contract::load(&a.contract, schedule)?;
    let input = parse_hex(&a.tx.call.input)?;
    let mut chain = AnyChain::open(a.tx.call.state.as_deref(), schedule, a.tx.call.trace)?;
    let r = chain.deploy(&program, &sender(&a.tx)?, a.tx.value, a.tx.call.gas, input)?;
    let ok = r.succeeded();
    if a.tx.call.json {
        let mut v = serde_json::to_value(to_json(&r))
            .map_err(|e| CliError::Other(format!("cannot encode the receipt as JSON: {e}")))?;
        v["address"] = serde_json::Value::String(hex::encode(r.address));
        v["state_root"] = serde_json::Value::String(hex::encode(r.state_root));
        println!("{v}");
    } else {
        println!("address: {}", hex::encode(r.address));
        print_report(&to_json(&r), false);
        println!("state root: {}", hex::encode(r.state_root));
    }
    crate::exit(if ok { 0 } else { 1 })
}

pub fn call(a: CallArgs) -> Result<ExitCode, CliError> {
    let schedule = contract::schedule(a.tx.call.schedule)?;
    let address = parse_address(&a.address, "ADDRESS")?;
    let input = parse_hex(&a.tx.call.input)?;
    let mut chain = AnyChain::open(a.tx.call.state.as_deref(), schedule, a.tx.call.trace)?;
    let r = chain.call(&address, &sender(&a.tx)?, a.tx.value, a.tx.call.gas, input)?;
    let ok = r.succeeded();
    if a.tx.call.json {
        let mut v = serde_json::to_value(to_json(&r))
            .map_err(|e| CliError::Other(format!("cannot encode the receipt as JSON: {e}")))?;
        v["state_root"] = serde_json::Value::String(hex::encode(r.state_root));
        println!("{v}");
    } else {
        print_report(&to_json(&r), false);
        println!("state root: {}", hex::encode(r.state_root));
    }
    crate::exit(if ok { 0 } else { 1 })
}
