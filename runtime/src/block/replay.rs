//! The validator: re-execute a produced block on a store and, when asked,
//! check every receipt and the post-state root against the block's claims.
//!
//! A block whose hash the store already records for its height is skipped,
//! so replaying a list of blocks again (for instance after the process was
//! killed) resumes where the store is. The block is committed only after all
//! checks passed; on any error the store keeps the previous block boundary.

use super::error::BlockError;
use super::execute::{BlockParams, OpenBlock, TxError};
use super::format::{hex, Block, TxReceipt};
use super::staged::Store;
use crate::host::Hash;
use crate::state::{Backend, Event};

/// Whether to compare results with the block's receipts and root.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    /// Stop at the first receipt field or root that differs.
    Check,
    /// Trust the block: re-execute and commit without comparing results
    /// (the parent links are still checked: they say where the block goes).
    Trust,
}

/// What replaying one block did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Applied {
    /// The store already held this block.
    Skipped,
    Executed {
        transactions: usize,
        gas_used: u64,
        post_state_root: Hash,
    },
}

/// Re-execute `block` on `store` and commit it atomically.
pub fn replay_block<B: Backend>(
    store: &Store<B>,
    block: &Block,
    verify: Verify,
) -> Result<Applied, BlockError> {
    let h = &block.header;
    let params = BlockParams {
        height: h.height,
        timestamp_ms: h.timestamp_ms,
        author: h.author,
        protocol_version: h.protocol_version,
        gas_price: h.gas_price,
    };
    let mut open = OpenBlock::open(store, &params)?;
    let this = h.hash();
    if let Some(existing) = open.recorded_hash(h.height)? {
        if existing == this {
            return Ok(Applied::Skipped);
        }
        return Err(BlockError::Conflict {
            height: h.height,
            existing: hex(&existing),
            this: hex(&this),
        });
    }
    let parent = open.parent_hash()?;
    if parent != h.parent_hash {
        return Err(BlockError::ParentHash {
            height: h.height,
            parent: h.height - 1,
            expected: hex(&h.parent_hash),
            got: hex(&parent),
        });
    }
    let root = open.state_root()?;
    if root != h.parent_state_root {
        return Err(BlockError::ParentRoot {
            height: h.height,
            expected: hex(&h.parent_state_root),
            got: hex(&root),
        });
    }
    let mut gas_used = 0u64;
    for (index, (tx, claimed)) in block.transactions.iter().zip(&block.receipts).enumerate() {
        let got = match open.run(tx) {
            Ok(r) => r,
            Err(TxError::Invalid(reason)) => {
                return Err(BlockError::InvalidTransaction {
                    height: h.height,
                    index,
                    kind: tx.kind(),
                    reason,
                })
            }
            Err(TxError::Fatal(source)) => {
                return Err(BlockError::State {
                    height: h.height,
                    source,
                })
            }
        };
        if verify == Verify::Check {
            if let Some((field, expected, got)) = first_difference(claimed, &got) {
                return Err(BlockError::ReceiptMismatch {
                    height: h.height,
                    index,
                    field,
                    expected,
                    got,
                });
            }
        }
        gas_used = gas_used.saturating_add(got.gas_used);
    }
    let post = open.finish(h)?;
    if verify == Verify::Check && post != block.post_state_root {
        return Err(BlockError::RootMismatch {
            height: h.height,
            expected: hex(&block.post_state_root),
            got: hex(&post),
        });
    }
    open.commit()?;
    Ok(Applied::Executed {
        transactions: block.transactions.len(),
        gas_used,
        post_state_root: post,
    })
}

/// Long byte strings are shown by their head, length and hash.
fn show_bytes(b: &[u8]) -> String {
    const HEAD: usize = 48;
    if b.len() <= HEAD {
        format!("0x{}", hex(b))
    } else {
        format!(
            "0x{}… ({} bytes, keccak {})",
            hex(&b[..HEAD]),
            b.len(),
            hex(&super::format::keccak(b))
        )
    }
}

fn show_event(e: &Event) -> String {
    format!(
        "{{contract {}, topic {}, data {}}}",
        hex(&e.contract),
        hex(&e.topic),
        show_bytes(&e.data)
    )
}

/// The first receipt field that differs, in a fixed order, as
/// (field, expected, got).
pub fn first_difference(
    expected: &TxReceipt,
    got: &TxReceipt,
) -> Option<(&'static str, String, String)> {
    if expected.status != got.status {
        return Some((
            "status",
            expected.status.as_str().into(),
            got.status.as_str().into(),
        ));
    }
    if expected.gas_used != got.gas_used {
        return Some((
            "gas_used",
            expected.gas_used.to_string(),
            got.gas_used.to_string(),
        ));
    }
    if expected.contract != got.contract {
        return Some(("contract", hex(&expected.contract), hex(&got.contract)));
    }
    if expected.return_data != got.return_data {
        return Some((
            "return_data",
            show_bytes(&expected.return_data),
            show_bytes(&got.return_data),
        ));
    }
    if expected.events != got.events {
        let i = expected
            .events
            .iter()
            .zip(&got.events)
            .position(|(a, b)| a != b)
            .unwrap_or(expected.events.len().min(got.events.len()));
        let show = |ev: &[Event]| match ev.get(i) {
            Some(e) => format!("event {i} = {} (of {})", show_event(e), ev.len()),
            None => format!("{} events", ev.len()),
        };
        return Some(("events", show(&expected.events), show(&got.events)));
    }
    if expected.diff_hash != got.diff_hash {
        return Some(("diff_hash", hex(&expected.diff_hash), hex(&got.diff_hash)));
    }
    None
}
