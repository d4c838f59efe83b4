//! The chain state: balances, nonces, contract code, storage and block
//! hashes in one canonical sorted key/value map ([`keys`]), stored by a
//! [`backend::Backend`] (in memory or redb), changed through a journaled
//! [`overlay::Overlay`] that a [`session::Session`] exposes to contracts as
//! their [`crate::host::Host`]. Every top-level call ([`chain::Chain`]) yields a
//! [`diff::StateDiff`] and a state root ([`root`]). Design and encodings:
//! docs/STATE.md.

pub mod backend;
pub mod buffered;
pub mod chain;
pub mod diff;
pub mod error;
pub mod genesis;
pub mod keys;
pub mod overlay;
pub mod redb_backend;
pub mod root;
pub mod session;

pub use backend::{Backend, MemBackend};
pub use buffered::Buffered;
pub use chain::{code_hash, deploy_address, run_address, Chain, ChainConfig, Receipt};
pub use diff::{DiffEntry, Event, StateDiff};
pub use error::StateError;
pub use genesis::{default_block, Genesis, DEFAULT_AUTHOR, DEFAULT_CALLER, DEFAULT_CALLER_BALANCE};
pub use keys::StateKey;
pub use redb_backend::RedbBackend;
