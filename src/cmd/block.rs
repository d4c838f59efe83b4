//! `echovm produce`, `echovm replay`, `echovm genblocks` (docs/REPLAY.md).
//!
//! Exit status: 0 done; 1 a block failed verification (a receipt or root
//! differs, an invalid transaction, a block that does not follow the state);
//! 2 the command could not run (bad arguments, unreadable or malformed
//! files, database errors).

mod txfile;

use crate::contract;
use crate::error::CliError;
use clap::Args;
use echovm_runtime::block::{
    self, gen, last_height, replay_block, Applied, Block, BlockError, Store, Verify,
};
use echovm_runtime::state::redb_backend::DB_FILE;
use echovm_runtime::state::RedbBackend;
use indicatif::{ProgressBar, ProgressStyle};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;
use std::time::Instant;

#[derive(Args)]
pub struct ProduceArgs {
    /// Persistent state directory (created with the default genesis if new).
    #[arg(long)]
    pub state: PathBuf,
    /// JSON transaction file (docs/REPLAY.md, "Transaction files").
    pub txfile: PathBuf,
    /// Where to write the block.
    #[arg(short, long)]
    pub output: PathBuf,
}

#[derive(Args)]
pub struct ReplayArgs {
    /// Block files, applied in the given order. None: just print the state root.
    pub blocks: Vec<PathBuf>,
    /// Persistent state directory (created with the default genesis if new).
    #[arg(long)]
    pub state: PathBuf,
    /// Compare every receipt and post-state root with the block (the default).
    #[arg(long, conflicts_with = "no_verify")]
    pub verify: bool,
    /// Re-execute and commit without comparing results.
    #[arg(long)]
    pub no_verify: bool,
    /// No progress bar.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct GenblocksArgs {
    /// Directory with the example ELFs (examples/build.sh OUT_DIR):
    /// token, counter, multisig, commit_reveal and optionally sdk_check.
    #[arg(long)]
    pub examples: PathBuf,
    /// Output directory: block-NNNNNN.blk files and roots.txt.
    #[arg(short, long)]
    pub output: PathBuf,
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Number of blocks, the setup block included.
    #[arg(long, default_value_t = 6)]
    pub blocks: u64,
    /// Transactions per block after the setup block.
    #[arg(long, default_value_t = 40)]
    pub txs: usize,
    #[arg(long, default_value_t = 1)]
    pub gas_price: u128,
    /// Protocol version of block 1.
    #[arg(long, default_value_t = 1)]
    pub protocol: u32,
    /// Protocol upgrade `HEIGHT:PROTOCOL`: from that block on, that protocol
    /// (and its gas schedule) applies. Repeatable.
    #[arg(long, value_parser = parse_upgrade)]
    pub upgrade: Vec<(u64, u32)>,
}

fn parse_upgrade(s: &str) -> Result<(u64, u32), String> {
    let (h, p) = s
        .split_once(':')
        .ok_or_else(|| format!("{s:?}: expected HEIGHT:PROTOCOL"))?;
    let h = h
        .parse()
        .map_err(|_| format!("{h:?} is not a block height"))?;
    let p = p
        .parse()
        .map_err(|_| format!("{p:?} is not a protocol version"))?;
    Ok((h, p))
}

/// Open the store in `dir`, creating it atomically: a new database is built
/// in a private scratch directory and renamed into place, because a process
/// killed while redb initialises a fresh file leaves a file redb cannot open
/// again ("invalid data"), which would strand a validator.
fn open_store(dir: &Path) -> Result<Store<RedbBackend>, CliError> {
    let db = |e: echovm_runtime::state::StateError| CliError::Other(e.to_string());
    let file = dir.join(DB_FILE);
    if !file.exists() {
        let scratch = dir.join(format!(".creating-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&scratch);
        drop(RedbBackend::open(&scratch).map_err(db)?);
        std::fs::rename(scratch.join(DB_FILE), &file).map_err(|source| CliError::Write {
            path: file.clone(),
            source,
        })?;
        let _ = std::fs::remove_dir_all(&scratch);
    }
    let b = RedbBackend::open(dir).map_err(db)?;
    Ok(Rc::new(RefCell::new(b)))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|source| CliError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Exit 1 for a block that does not verify or apply, 2 for everything else.
fn block_failure(file: &Path, e: &BlockError) -> ExitCode {
    eprintln!("echovm: replay stopped at {}: {e}", file.display());
    match e {
        BlockError::State { .. } | BlockError::Format(_) => ExitCode::from(2),
        _ => ExitCode::from(1),
    }
}

pub fn produce(a: ProduceArgs) -> Result<ExitCode, CliError> {
    let file = txfile::read(&a.txfile)?;
    let store = open_store(&a.state)?;
    let next = last_height(&*store.borrow())
        .map_err(|e| CliError::Other(e.to_string()))?
        .map_or(1, |h| h + 1);
    let params = file.params(next);
    let produced = match block::produce(&store, &params, file.transactions) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("echovm: cannot produce block {}: {e}", params.height);
            return Ok(ExitCode::from(2));
        }
    };
    for (i, why) in &produced.dropped {
        eprintln!("echovm: transaction {i} left out: {why}");
    }
    let b = &produced.block;
    write(&a.output, &b.to_bytes())?;
    let gas: u64 = b.receipts.iter().map(|r| r.gas_used).sum();
    let failed = b
        .receipts
        .iter()
        .filter(|r| r.status != echovm_runtime::host::Status::Success)
        .count();
    eprintln!(
        "block {}: {} transactions ({} failed, {} left out), {} gas",
        b.header.height,
        b.transactions.len(),
        failed,
        produced.dropped.len(),
        gas
    );
    println!("{}", block::format::hex(&b.post_state_root));
    Ok(ExitCode::SUCCESS)
}

pub fn replay(a: ReplayArgs) -> Result<ExitCode, CliError> {
    let verify = if a.no_verify {
        Verify::Trust
    } else {
        Verify::Check
    };
    // Decode everything first: a malformed file is reported before any block is applied.
    let mut blocks = Vec::with_capacity(a.blocks.len());
    for path in &a.blocks {
        let bytes = contract::read(path)?;
        let b = Block::from_bytes(&bytes)
            .map_err(|e| CliError::Other(format!("{}: {e}", path.display())))?;
        blocks.push((path, b));
    }
    let store = open_store(&a.state)?;
    let total: u64 = blocks
        .iter()
        .map(|(_, b)| b.transactions.len() as u64)
        .sum();
    let bar = if a.quiet || blocks.is_empty() {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(total)
    };
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40} {pos}/{len} txs  {msg}  [{elapsed_precise}, eta {eta}]",
        )
        // The template is a constant; should indicatif ever reject it, the
        // default bar still shows progress.
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let start = Instant::now();
    let (mut txs, mut gas, mut skipped, mut applied) = (0u64, 0u64, 0usize, 0usize);
    for (path, b) in &blocks {
        bar.set_message(format!("block {}", b.header.height));
        match replay_block(&store, b, verify) {
            Ok(Applied::Skipped) => skipped += 1,
            Ok(Applied::Executed {
                transactions,
                gas_used,
                ..
            }) => {
                applied += 1;
                txs += transactions as u64;
                gas += gas_used;
            }
            Err(e) => {
                bar.abandon();
                return Ok(block_failure(path, &e));
            }
        }
        bar.inc(b.transactions.len() as u64);
    }
    bar.finish_and_clear();
    let secs = start.elapsed().as_secs_f64();
    let root = echovm_runtime::state::root::state_root(&*store.borrow())
        .map_err(|e| CliError::Other(e.to_string()))?;
    if !blocks.is_empty() {
        let rate = |n: u64| if secs > 0.0 { n as f64 / secs } else { 0.0 };
        eprintln!(
            "{applied} blocks applied ({skipped} already in the state{}), {txs} transactions, {gas} gas in {secs:.3} s: {:.0} tx/s, {:.0} gas/s",
            if verify == Verify::Check { ", every receipt and root verified" } else { ", not verified" },
            rate(txs),
            rate(gas),
        );
    }
    println!("{}", block::format::hex(&root));
    Ok(ExitCode::SUCCESS)
}

pub fn genblocks(a: GenblocksArgs) -> Result<ExitCode, CliError> {
    let schedule = echovm_gas::for_protocol(a.protocol).ok_or_else(|| {
        CliError::Usage(format!("protocol version {} has no schedule", a.protocol))
    })?;
    let load = |name: &str| contract::load(&a.examples.join(format!("{name}.elf")), schedule);
    let sdk_path = a.examples.join("sdk_check.elf");
    let examples = gen::Examples {
        token: load("token")?,
        counter: load("counter")?,
        multisig: load("multisig")?,
        commit_reveal: load("commit_reveal")?,
        sdk_check: if sdk_path.exists() {
            Some(load("sdk_check")?)
        } else {
            None
        },
    };
    let cfg = gen::GenConfig {
        seed: a.seed,
        blocks: a.blocks,
        txs_per_block: a.txs,
        gas_price: a.gas_price,
        protocol_version: a.protocol,
        upgrades: {
            let mut u = a.upgrade.clone();
            u.sort();
            u
        },
    };
    let blocks = gen::generate(&examples, &cfg).map_err(|e| CliError::Other(e.to_string()))?;
    std::fs::create_dir_all(&a.output).map_err(|source| CliError::Write {
        path: a.output.clone(),
        source,
    })?;
    let mut roots = String::new();
    for b in &blocks {
        let h = b.header.height;
        write(&a.output.join(format!("block-{h:06}.blk")), &b.to_bytes())?;
        roots.push_str(&format!("{h} {}\n", block::format::hex(&b.post_state_root)));
    }
    write(&a.output.join("roots.txt"), roots.as_bytes())?;
    eprintln!("{} blocks written to {}", blocks.len(), a.output.display());
    Ok(ExitCode::SUCCESS)
}
