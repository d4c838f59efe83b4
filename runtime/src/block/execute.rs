//! Running a block's transactions on a store: shared by the producer
//! ([`produce`]) and the validator ([`super::replay`]).
//!
//! Every block runs on a fresh `state::Chain` over a [`Staged`] view of the
//! store, in the block's context and under the schedule its protocol version
//! selects; the block lands in the store with one atomic commit at the end,
//! after its hash has been recorded for its height. Until then nothing is
//! written, so an error (or a killed process) leaves the store at the
//! previous block boundary.

use super::error::BlockError;
use super::format::{hex, keccak, transactions_hash, Block, Header, Transaction, TxReceipt};
use super::staged::{Staged, Store};
use crate::host::{Address, Hash};
use crate::package::{is_package, Package};
use crate::program::Program;
use crate::state::{keys, Backend, Chain, ChainConfig, Genesis, Receipt, StateError};
use echovm_gas::Schedule;

/// The producer's choice of block context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockParams {
    pub height: u64,
    pub timestamp_ms: u64,
    pub author: Address,
    pub protocol_version: u32,
    pub gas_price: u128,
}

/// A produced block and the transactions left out of it.
#[derive(Debug)]
pub struct Produced {
    pub block: Block,
    /// (index in the submitted list, why it cannot be included).
    pub dropped: Vec<(usize, String)>,
}

/// Why one transaction cannot be part of a block at all (as opposed to a
/// transaction that runs and fails, which is included and pays for its gas).
pub(crate) enum TxError {
    Invalid(String),
    Fatal(StateError),
}

/// A chain positioned at the start of a block, writing into a staged view.
pub(crate) struct OpenBlock<B: Backend> {
    pub chain: Chain<Staged<B>>,
    pub height: u64,
}

pub(crate) fn schedule_for(height: u64, protocol: u32) -> Result<&'static Schedule, BlockError> {
    echovm_gas::for_protocol(protocol).ok_or(BlockError::UnknownProtocol { height, protocol })
}

impl<B: Backend> OpenBlock<B> {
    /// A chain over a staged view of `store` (an empty store first gets the
    /// default genesis, committed together with the block).
    pub fn open(store: &Store<B>, params: &BlockParams) -> Result<Self, BlockError> {
        let height = params.height;
        if height == 0 {
            return Err(BlockError::GenesisHeight { height });
        }
        let schedule = schedule_for(height, params.protocol_version)?;
        let state = |source| BlockError::State { height, source };
        let mut chain = Chain::new(
            Staged::new(store.clone()),
            schedule.clone(),
            &Genesis::default(),
        )
        .map_err(state)?;
        chain.set_block(crate::host::BlockContext {
            height,
            timestamp_ms: params.timestamp_ms,
            author: params.author,
            protocol_version: params.protocol_version,
        });
        chain.set_config(ChainConfig {
            gas_price: params.gas_price,
        });
        Ok(OpenBlock { chain, height })
    }

    fn state(&self, source: StateError) -> BlockError {
        BlockError::State {
            height: self.height,
            source,
        }
    }

    /// The hash recorded for `height`, if any.
    pub fn recorded_hash(&self, height: u64) -> Result<Option<Hash>, BlockError> {
        let v = self
            .chain
            .backend()
            .get(&keys::block_hash_key(height))
            .map_err(|e| self.state(e))?;
        Ok(v.and_then(|v| <[u8; 32]>::try_from(v.as_slice()).ok()))
    }

    pub fn state_root(&self) -> Result<Hash, BlockError> {
        self.chain.state_root().map_err(|e| self.state(e))
    }

    /// The parent's recorded hash; an error when the parent was never applied.
    pub fn parent_hash(&self) -> Result<Hash, BlockError> {
        self.recorded_hash(self.height - 1)?
            .ok_or_else(|| BlockError::ParentHash {
                height: self.height,
                parent: self.height - 1,
                expected: "a recorded block".into(),
                got: "none (the parent block was not applied to this state)".into(),
            })
    }

    /// Run one transaction; its effects stay staged.
    pub fn run(&mut self, tx: &Transaction) -> Result<TxReceipt, TxError> {
        let receipt = match tx {
            Transaction::Deploy {
                sender,
                code,
                value,
                gas_limit,
                input,
            } => {
                let program = decode_code(code, self.chain.schedule()).map_err(TxError::Invalid)?;
                self.chain
                    .deploy(&program, sender, *value, *gas_limit, input.clone())
            }
            Transaction::Call {
                sender,
                target,
                value,
                gas_limit,
                input,
            } => self
                .chain
                .call(target, sender, *value, *gas_limit, input.clone()),
        };
        receipt.map(|r| tx_receipt(&r)).map_err(classify)
    }

    /// Record `header`'s hash for its height, and return the post-state root.
    pub fn finish(&mut self, header: &Header) -> Result<Hash, BlockError> {
        self.chain
            .record_block_hash(header.height, header.hash())
            .map_err(|e| self.state(e))?;
        self.state_root()
    }

    /// Write the whole block to the store in one atomic commit.
    pub fn commit(self) -> Result<(), BlockError> {
        let height = self.height;
        self.chain
            .backend()
            .commit()
            .map_err(|source| BlockError::State { height, source })
    }
}

/// A deploy's code: a package (verified against its content hash and size
/// limit) or a static ELF executable. Validation happens at admission.
fn decode_code(code: &[u8], schedule: &Schedule) -> Result<Program, String> {
    if is_package(code) {
        Package::from_bytes(code, schedule.limits().package_bytes)
            .map(|p| p.program)
            .map_err(|e| e.to_string())
    } else {
        crate::elf::parse(code).map_err(|e| e.to_string())
    }
}

/// The state layer's refusals that make a transaction invalid (it cannot
/// pay, or has nothing to run), versus failures of the store itself.
fn classify(e: StateError) -> TxError {
    match e {
        StateError::InsufficientFunds { .. }
        | StateError::NoContract(_)
        | StateError::AddressTaken(_)
        | StateError::Rejected(_) => TxError::Invalid(e.to_string()),
        other => TxError::Fatal(other),
    }
}

/// The consensus part of a state-layer receipt.
pub fn tx_receipt(r: &Receipt) -> TxReceipt {
    TxReceipt {
        status: r.outcome.status,
        gas_used: r.outcome.gas_used,
        contract: r.address,
        return_data: r.outcome.return_data.clone(),
        events: r.diff.events.clone(),
        diff_hash: keccak(&r.diff_bytes()),
    }
}

/// Execute `txs` as block `params.height` on `store` and commit it.
/// Transactions the state layer refuses outright (sender cannot pay,
/// no contract at the target, rejected code, taken address) are left out and
/// listed in [`Produced::dropped`]; everything else is included with its
/// receipt, failed calls too.
pub fn produce<B: Backend>(
    store: &Store<B>,
    params: &BlockParams,
    txs: Vec<Transaction>,
) -> Result<Produced, BlockError> {
    let mut open = OpenBlock::open(store, params)?;
    if let Some(existing) = open.recorded_hash(params.height)? {
        return Err(BlockError::Conflict {
            height: params.height,
            existing: hex(&existing),
            this: "(new block)".into(),
        });
    }
    let parent_hash = open.parent_hash()?;
    let parent_state_root = open.state_root()?;
    let mut included = Vec::with_capacity(txs.len());
    let mut receipts = Vec::with_capacity(txs.len());
    let mut dropped = Vec::new();
    for (i, tx) in txs.into_iter().enumerate() {
        match open.run(&tx) {
            Ok(r) => {
                receipts.push(r);
                included.push(tx);
            }
            Err(TxError::Invalid(reason)) => dropped.push((i, reason)),
            Err(TxError::Fatal(source)) => {
                return Err(BlockError::State {
                    height: params.height,
                    source,
                })
            }
        }
    }
    let header = Header {
        height: params.height,
        timestamp_ms: params.timestamp_ms,
        author: params.author,
        protocol_version: params.protocol_version,
        gas_price: params.gas_price,
        parent_hash,
        parent_state_root,
        transactions_hash: transactions_hash(&included),
    };
    let post_state_root = open.finish(&header)?;
    open.commit()?;
    Ok(Produced {
        block: Block {
            header,
            transactions: included,
            receipts,
            post_state_root,
        },
        dropped,
    })
}

/// Height of the newest recorded block hash in `store` (0 = only genesis,
/// `None` = an empty store). Scans the block-hash keys.
pub fn last_height<B: Backend>(store: &B) -> Result<Option<u64>, StateError> {
    let mut last = None;
    store.scan(&mut |k, _| {
        if let Some(keys::StateKey::BlockHash(h)) = keys::StateKey::decode(k) {
            last = Some(last.map_or(h, |l: u64| l.max(h)));
        }
    })?;
    Ok(last)
}
