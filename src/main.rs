//! `echovm`: pack, validate, disassemble and run x86-64 contracts.
//!
//! Exit status (SPEC §6): 0 success; 1 the call ended reverted, out_of_gas or
//! fault; 2 the command itself could not run (bad arguments, unreadable or
//! rejected contract).

mod chain;
mod cmd;
mod contract;
mod error;

use clap::{Parser, Subcommand};
use error::CliError;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "echovm",
    version,
    about = "Deterministic, metered x86-64 contract VM"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one call of a contract (ELF or package) on a fresh in-memory state or a persistent one.
    Run(cmd::run::RunArgs),
    /// Print every instruction of every executable segment: `ADDRESS: HEXBYTES  MNEMONIC OPERANDS`.
    Disasm {
        /// ELF file or package.
        file: PathBuf,
    },
    /// Check an ELF or package; list every problem and exit 2 if there is any.
    Validate {
        file: PathBuf,
        /// Schedule version whose limits apply (default: latest).
        #[arg(long)]
        schedule: Option<u32>,
    },
    /// Validate an ELF and write it as a contract package.
    Pack {
        elf: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
        #[arg(long)]
        schedule: Option<u32>,
    },
    /// Deploy a contract (runs its entry with is_deploy() = 1) and print its address.
    Deploy(cmd::state::DeployArgs),
    /// Call a deployed contract.
    Call(cmd::state::CallArgs),
    /// Fee schedules: list, show one, diff two.
    #[command(subcommand)]
    Schedule(cmd::schedule::ScheduleCmd),
    /// Execute a JSON transaction file on a persistent state and write the block with receipts.
    Produce(cmd::block::ProduceArgs),
    /// Re-execute blocks on a persistent state, one atomic commit per block, verifying receipts and roots.
    Replay(cmd::block::ReplayArgs),
    /// Generate realistic blocks from the example contracts, deterministic from a seed.
    Genblocks(cmd::block::GenblocksArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => cmd::run::run(args),
        Command::Disasm { file } => cmd::disasm::run(&file),
        Command::Validate { file, schedule } => cmd::pack::validate(&file, schedule),
        Command::Pack {
            elf,
            output,
            schedule,
        } => cmd::pack::pack(&elf, &output, schedule),
        Command::Deploy(a) => cmd::state::deploy(a),
        Command::Call(a) => cmd::state::call(a),
        Command::Schedule(c) => cmd::schedule::run(c),
        Command::Produce(a) => cmd::block::produce(a),
        Command::Replay(a) => cmd::block::replay(a),
        Command::Genblocks(a) => cmd::block::genblocks(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("echovm: {e}");
            ExitCode::from(2)
        }
    }
}

/// Exit code of a command that ran.
pub fn exit(code: u8) -> Result<ExitCode, CliError> {
    Ok(ExitCode::from(code))
}
