//! The embedded default state and block context (docs/STATE.md, "Genesis").
//!
//! `echovm run` and a fresh `--state DIR` start from [`Genesis::default`]: one
//! funded caller account and the hash of block 0, executed in the fixed block
//! context [`default_block`] — nothing depends on the wall clock.

use super::keys;
use crate::host::{Address, BlockContext, Hash};
use sha3::{Digest, Keccak256};

/// The account `echovm run` (and the CLI's deploy/call, unless told otherwise) sends from.
pub const DEFAULT_CALLER: Address = [0x11; 32];
/// Author of the default block.
pub const DEFAULT_AUTHOR: Address = [0xaa; 32];
/// Balance of [`DEFAULT_CALLER`] at genesis: 10^30 units, enough to pay any
/// u64 gas limit at any gas price up to 10^10.
pub const DEFAULT_CALLER_BALANCE: u128 = 1_000_000_000_000_000_000_000_000_000_000;
/// Height of the default block (block 0 is genesis, whose hash is known).
pub const DEFAULT_HEIGHT: u64 = 1;
/// Timestamp of the default block: 2025-01-01T00:00:00Z in milliseconds.
pub const DEFAULT_TIMESTAMP_MS: u64 = 1_735_689_600_000;

/// Hash recorded for block 0: keccak256("echovm genesis").
pub fn genesis_block_hash() -> Hash {
    Keccak256::digest(b"echovm genesis").into()
}

/// The block context calls run in when no block says otherwise.
pub fn default_block() -> BlockContext {
    BlockContext {
        height: DEFAULT_HEIGHT,
        timestamp_ms: DEFAULT_TIMESTAMP_MS,
        author: DEFAULT_AUTHOR,
        protocol_version: 1,
    }
}

/// Initial state: balances and known block hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Genesis {
    pub balances: Vec<(Address, u128)>,
    pub block_hashes: Vec<(u64, Hash)>,
}

impl Default for Genesis {
    fn default() -> Self {
        Genesis {
            balances: vec![(DEFAULT_CALLER, DEFAULT_CALLER_BALANCE)],
            block_hashes: vec![(0, genesis_block_hash())],
        }
    }
}

impl Genesis {
    /// The state entries this genesis writes (zero balances are absent).
    pub fn entries(&self) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
        let mut out: Vec<(Vec<u8>, Option<Vec<u8>>)> = Vec::new();
        for (a, b) in &self.balances {
            if *b != 0 {
                out.push((keys::balance_key(a), Some(b.to_le_bytes().to_vec())));
            }
        }
        for (h, hash) in &self.block_hashes {
            out.push((keys::block_hash_key(*h), Some(hash.to_vec())));
        }
        out
    }
}
