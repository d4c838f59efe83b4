//! Blocks: the producer that executes transactions into a block with
//! receipts and a post-state root, and the validator that replays blocks
//! with byte-identical results and commits each one atomically.
//!
//! * [`format`] — the block file (borsh): header, transactions, receipts, root.
//! * [`staged`] — a backend view that holds one block's writes and commits
//!   them in one store transaction.
//! * [`execute`] — running a block's transactions on a store; [`produce`].
//! * [`replay`] — re-execution with receipt/root verification; [`replay_block`].
//! * [`gen`] — deterministic realistic blocks from the example contracts.
//!
//! Rules (gas payment, failed and invalid transactions, block hashes):
//! docs/REPLAY.md.

pub mod error;
pub mod execute;
pub mod format;
pub mod gen;
pub mod replay;
pub mod staged;

pub use error::BlockError;
pub use execute::{last_height, produce, tx_receipt, BlockParams, Produced};
pub use format::{transactions_hash, Block, Header, Transaction, TxReceipt};
pub use replay::{first_difference, replay_block, Applied, Verify};
pub use staged::{Staged, Store};
