//! The TXFILE of `echovm produce`: a JSON description of the next block's
//! transactions (docs/REPLAY.md, "Transaction files").
//!
//! ```json
//! {"block": {"height": 2, "timestamp_ms": 1735689601000, "author": "aa…aa",
//!            "protocol_version": 1, "gas_price": "1"},
//!  "transactions": [
//!    {"deploy": {"sender": "11…11", "code": "@counter.elf", "value": "0",
//!                "gas_limit": 10000000, "input": ""}},
//!    {"call": {"sender": "11…11", "target": "…", "input": "010500000000000000"}}]}
//! ```
//!
//! `block` and each of its fields are optional (defaults below); addresses
//! are 32 bytes of hex, amounts decimal strings or numbers, `code` is
//! `@PATH` (an ELF or package file, relative to the TXFILE) or hex bytes.

use crate::error::CliError;
use echovm_runtime::block::{BlockParams, Transaction};
use echovm_runtime::host::Address;
use echovm_runtime::state::DEFAULT_AUTHOR;
use serde::Deserialize;
use std::path::Path;

/// Timestamp of height 1 when the TXFILE gives none; each further height
/// adds one second (docs/STATE.md §7 uses the same instant for its default block).
const BASE_TIMESTAMP_MS: u64 = 1_735_689_600_000;
const DEFAULT_GAS_LIMIT: u64 = 10_000_000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileJson {
    #[serde(default)]
    block: BlockJson,
    transactions: Vec<TxJson>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct BlockJson {
    height: Option<u64>,
    timestamp_ms: Option<u64>,
    author: Option<String>,
    protocol_version: Option<u32>,
    gas_price: Option<Amount>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
enum TxJson {
    Deploy {
        sender: String,
        code: String,
        #[serde(default)]
        value: Option<Amount>,
        #[serde(default)]
        gas_limit: Option<u64>,
        #[serde(default)]
        input: String,
    },
    Call {
        sender: String,
        target: String,
        #[serde(default)]
        value: Option<Amount>,
        #[serde(default)]
        gas_limit: Option<u64>,
        #[serde(default)]
        input: String,
    },
}

/// A u128 as a JSON number (up to u64) or a decimal string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Amount {
    Number(u64),
    Text(String),
}

impl Amount {
    fn value(&self, what: &str) -> Result<u128, CliError> {
        match self {
            Amount::Number(n) => Ok(u128::from(*n)),
            Amount::Text(t) => t
                .parse()
                .map_err(|_| bad(format!("{what}: {t:?} is not a decimal u128"))),
        }
    }
}

fn bad(msg: String) -> CliError {
    CliError::Usage(format!("transaction file: {msg}"))
}

fn bytes(hex_text: &str, what: &str) -> Result<Vec<u8>, CliError> {
    let t = hex_text.strip_prefix("0x").unwrap_or(hex_text);
    hex::decode(t).map_err(|e| bad(format!("{what}: not hex ({e})")))
}

pub fn address(hex_text: &str, what: &str) -> Result<Address, CliError> {
    let b = bytes(hex_text, what)?;
    <[u8; 32]>::try_from(b.as_slice())
        .map_err(|_| bad(format!("{what}: an address is 32 bytes, got {}", b.len())))
}

/// A parsed TXFILE: the block context left open (`height` defaults to the
/// next height of the state) and the transactions.
pub struct TxFile {
    height: Option<u64>,
    timestamp_ms: Option<u64>,
    author: Address,
    protocol_version: u32,
    gas_price: u128,
    pub transactions: Vec<Transaction>,
}

impl TxFile {
    /// Block parameters; `next_height` is the state's next block height.
    pub fn params(&self, next_height: u64) -> BlockParams {
        let height = self.height.unwrap_or(next_height);
        BlockParams {
            height,
            timestamp_ms: self
                .timestamp_ms
                .unwrap_or(BASE_TIMESTAMP_MS + height.saturating_sub(1).saturating_mul(1000)),
            author: self.author,
            protocol_version: self.protocol_version,
            gas_price: self.gas_price,
        }
    }
}

pub fn read(path: &Path) -> Result<TxFile, CliError> {
    let text = std::fs::read_to_string(path).map_err(|source| CliError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let f: FileJson =
        serde_json::from_str(&text).map_err(|e| bad(format!("{}: {e}", path.display())))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    let b = f.block;
    let mut transactions = Vec::with_capacity(f.transactions.len());
    for (i, t) in f.transactions.iter().enumerate() {
        let what = |field: &str| format!("transaction {i}: {field}");
        let value = |v: &Option<Amount>| v.as_ref().map_or(Ok(0), |a| a.value(&what("value")));
        transactions.push(match t {
            TxJson::Deploy {
                sender,
                code,
                value: v,
                gas_limit,
                input,
            } => Transaction::Deploy {
                sender: address(sender, &what("sender"))?,
                code: match code.strip_prefix('@') {
                    Some(file) => {
                        let p = dir.join(file);
                        std::fs::read(&p).map_err(|source| CliError::Read { path: p, source })?
                    }
                    None => bytes(code, &what("code"))?,
                },
                value: value(v)?,
                gas_limit: gas_limit.unwrap_or(DEFAULT_GAS_LIMIT),
                input: bytes(input, &what("input"))?,
            },
            TxJson::Call {
                sender,
                target,
                value: v,
                gas_limit,
                input,
            } => Transaction::Call {
                sender: address(sender, &what("sender"))?,
                target: address(target, &what("target"))?,
                value: value(v)?,
                gas_limit: gas_limit.unwrap_or(DEFAULT_GAS_LIMIT),
                input: bytes(input, &what("input"))?,
            },
        });
    }
    Ok(TxFile {
        height: b.height,
        timestamp_ms: b.timestamp_ms,
        author: match &b.author {
            Some(a) => address(a, "block author")?,
            None => DEFAULT_AUTHOR,
        },
        protocol_version: b
            .protocol_version
            .unwrap_or_else(|| echovm_gas::latest().activation_protocol()),
        gas_price: b
            .gas_price
            .as_ref()
            .map_or(Ok(1), |a| a.value("block gas_price"))?,
        transactions,
    })
}
