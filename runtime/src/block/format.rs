//! The block file format (docs/REPLAY.md, "Block format").
//!
//! A block is `MAGIC ‖ FORMAT_VERSION (u16 LE) ‖ borsh(Block)`. Everything a
//! validator needs to re-execute it is inside: the header (block context,
//! gas price, links to the parent block and parent state), the transactions
//! (deploys carry their code), and what the producer claims came out of them
//! (one receipt per transaction and the post-state root) so a replay can
//! check every figure. Borsh gives one canonical byte string per value, so a
//! block's hash and its transactions hash are well defined.

use super::error::BlockError;
use crate::host::{Address, BlockContext, Hash, Status};
use crate::state::Event;
use borsh::{BorshDeserialize, BorshSerialize};
use sha3::{Digest, Keccak256};

/// First bytes of every block file.
pub const MAGIC: [u8; 8] = *b"ECHOVMBK";
/// Version of the encoding after the magic.
pub const FORMAT_VERSION: u16 = 1;

/// What a block fixes before any transaction runs.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Header {
    /// ≥ 1; height 0 is the genesis state.
    pub height: u64,
    pub timestamp_ms: u64,
    pub author: Address,
    /// Selects the gas schedule (`echovm_gas::for_protocol`).
    pub protocol_version: u32,
    /// Balance units charged per unit of gas (docs/STATE.md, "Gas payment").
    pub gas_price: u128,
    /// Hash recorded in the state for block `height − 1`.
    pub parent_hash: Hash,
    /// State root the block starts from.
    pub parent_state_root: Hash,
    /// keccak256 of the borsh encoding of the transaction list.
    pub transactions_hash: Hash,
}

impl Header {
    /// keccak256(borsh(header)): the hash recorded for this height once the
    /// block is applied. It covers the transactions through
    /// `transactions_hash`, not the results (those are re-derived by replay).
    pub fn hash(&self) -> Hash {
        keccak(&crate::canonical::encode(self))
    }

    /// The block context contracts see.
    pub fn context(&self) -> BlockContext {
        BlockContext {
            height: self.height,
            timestamp_ms: self.timestamp_ms,
            author: self.author,
            protocol_version: self.protocol_version,
        }
    }
}

/// One transaction.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub enum Transaction {
    /// Create a contract from `code` (a package, or a static ELF that is
    /// parsed and validated at execution) at `deploy_address(sender, nonce)`.
    Deploy {
        sender: Address,
        code: Vec<u8>,
        value: u128,
        gas_limit: u64,
        input: Vec<u8>,
    },
    /// Call the contract at `target`.
    Call {
        sender: Address,
        target: Address,
        value: u128,
        gas_limit: u64,
        input: Vec<u8>,
    },
}

impl Transaction {
    pub fn sender(&self) -> &Address {
        match self {
            Transaction::Deploy { sender, .. } | Transaction::Call { sender, .. } => sender,
        }
    }
    pub fn gas_limit(&self) -> u64 {
        match self {
            Transaction::Deploy { gas_limit, .. } | Transaction::Call { gas_limit, .. } => {
                *gas_limit
            }
        }
    }
    pub fn kind(&self) -> &'static str {
        match self {
            Transaction::Deploy { .. } => "deploy",
            Transaction::Call { .. } => "call",
        }
    }
}

/// keccak256 of the borsh encoding of a transaction list.
pub fn transactions_hash(txs: &[Transaction]) -> Hash {
    keccak(&crate::canonical::encode(txs))
}

/// The consensus-relevant result of one transaction. Debug output and trap
/// messages are left out on purpose: SPEC §3 gives debug output no
/// consensus effect, and trap wording may improve between releases.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct TxReceipt {
    pub status: Status,
    pub gas_used: u64,
    /// The called contract, or the deployed one's address.
    pub contract: Address,
    pub return_data: Vec<u8>,
    /// Events in emission order (empty unless the call succeeded).
    pub events: Vec<Event>,
    /// keccak256 of the transaction's state diff in canonical borsh bytes.
    pub diff_hash: Hash,
}

/// A produced block: header, transactions, their receipts and the root of
/// the state after the block (after its own hash was recorded).
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Block {
    pub header: Header,
    pub transactions: Vec<Transaction>,
    pub receipts: Vec<TxReceipt>,
    pub post_state_root: Hash,
}

impl Block {
    /// The file bytes: magic, format version, borsh.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = MAGIC.to_vec();
        head.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        crate::canonical::encode_after(&head, self)
    }

    /// Decode a block file, checking the magic, version, that nothing
    /// trails the encoding, that every transaction has one receipt and that
    /// the header commits to exactly these transactions.
    pub fn from_bytes(bytes: &[u8]) -> Result<Block, BlockError> {
        let rest = bytes
            .strip_prefix(&MAGIC[..])
            .ok_or_else(|| BlockError::Format("not a block file (bad magic)".into()))?;
        if rest.len() < 2 {
            return Err(BlockError::Format(
                "truncated before the format version".into(),
            ));
        }
        let version = u16::from_le_bytes([rest[0], rest[1]]);
        if version != FORMAT_VERSION {
            return Err(BlockError::Format(format!(
                "format version {version}, this build reads {FORMAT_VERSION}"
            )));
        }
        let block = Block::try_from_slice(&rest[2..])
            .map_err(|e| BlockError::Format(format!("malformed block encoding: {e}")))?;
        if block.receipts.len() != block.transactions.len() {
            return Err(BlockError::Format(format!(
                "block {} has {} transactions but {} receipts",
                block.header.height,
                block.transactions.len(),
                block.receipts.len()
            )));
        }
        let th = transactions_hash(&block.transactions);
        if th != block.header.transactions_hash {
            return Err(BlockError::Format(format!(
                "block {}: header transactions hash {} does not match its transactions ({})",
                block.header.height,
                hex(&block.header.transactions_hash),
                hex(&th)
            )));
        }
        Ok(block)
    }
}

pub(crate) fn keccak(bytes: &[u8]) -> Hash {
    Keccak256::digest(bytes).into()
}

/// Lower-case hex, for messages.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn sample() -> Block {
        let txs = vec![
            Transaction::Deploy {
                sender: [1; 32],
                code: vec![1, 2, 3],
                value: 5,
                gas_limit: 100,
                input: vec![9],
            },
            Transaction::Call {
                sender: [2; 32],
                target: [3; 32],
                value: 0,
                gas_limit: 7,
                input: vec![],
            },
        ];
        let receipt = TxReceipt {
            status: Status::Reverted,
            gas_used: 3,
            contract: [3; 32],
            return_data: b"no".to_vec(),
            events: vec![],
            diff_hash: [4; 32],
        };
        Block {
            header: Header {
                height: 1,
                timestamp_ms: 2,
                author: [5; 32],
                protocol_version: 1,
                gas_price: 1,
                parent_hash: [6; 32],
                parent_state_root: [7; 32],
                transactions_hash: transactions_hash(&txs),
            },
            transactions: txs,
            receipts: vec![receipt.clone(), receipt],
            post_state_root: [8; 32],
        }
    }

    #[test]
    fn round_trip_and_rejections() -> TestResult {
        let b = sample();
        let bytes = b.to_bytes();
        assert_eq!(Block::from_bytes(&bytes)?, b);
        // Every truncation is an error, never a panic.
        for n in 0..bytes.len() {
            assert!(Block::from_bytes(&bytes[..n]).is_err(), "prefix {n}");
        }
        let mut trailing = bytes.clone();
        trailing.push(0);
        assert!(Block::from_bytes(&trailing).is_err());
        // A changed transaction no longer matches the header.
        let mut t = b.clone();
        if let Transaction::Call { input, .. } = &mut t.transactions[1] {
            input.push(1);
        }
        let e = Block::from_bytes(&t.to_bytes()).unwrap_err().to_string();
        assert!(e.contains("transactions hash"), "{e}");
        let mut r = b.clone();
        r.receipts.pop();
        assert!(Block::from_bytes(&r.to_bytes()).is_err());
        Ok(())
    }

    #[test]
    fn random_bytes_never_panic() -> TestResult {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let good = sample().to_bytes();
        for _ in 0..2000 {
            let mut b = good.clone();
            for _ in 0..4 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let i = (x as usize) % b.len();
                b[i] = (x >> 32) as u8;
            }
            let _ = Block::from_bytes(&b);
        }
        Ok(())
    }
}
