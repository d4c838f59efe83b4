//! Why a block could not be produced or replayed. A contract that fails is
//! not an error (it has a receipt); these mean the block as a whole is
//! unusable, and nothing of it was committed.

use crate::state::StateError;

#[derive(Debug, thiserror::Error)]
pub enum BlockError {
    #[error("block file: {0}")]
    Format(String),
    #[error("block {height}: protocol version {protocol} has no gas schedule")]
    UnknownProtocol { height: u64, protocol: u32 },
    #[error("block {height}: height 0 is the genesis state, blocks start at 1")]
    GenesisHeight { height: u64 },
    #[error("block {height}: parent hash {expected} does not match the state's hash for height {parent} ({got})")]
    ParentHash {
        height: u64,
        parent: u64,
        expected: String,
        got: String,
    },
    #[error("block {height}: parent state root {expected} does not match the state's root {got} (is the state at the block before?)")]
    ParentRoot {
        height: u64,
        expected: String,
        got: String,
    },
    #[error("block {height}: the state already holds a different block at this height (hash {existing}, this block {this})")]
    Conflict {
        height: u64,
        existing: String,
        this: String,
    },
    #[error("block {height}, transaction {index} ({kind}) is invalid: {reason}")]
    InvalidTransaction {
        height: u64,
        index: usize,
        kind: &'static str,
        reason: String,
    },
    #[error("block {height}, transaction {index}: receipt field `{field}` differs: expected {expected}, got {got}")]
    ReceiptMismatch {
        height: u64,
        index: usize,
        field: &'static str,
        expected: String,
        got: String,
    },
    #[error("block {height}: post-state root differs: expected {expected}, got {got}")]
    RootMismatch {
        height: u64,
        expected: String,
        got: String,
    },
    #[error("block {height}: {source}")]
    State {
        height: u64,
        #[source]
        source: StateError,
    },
}
