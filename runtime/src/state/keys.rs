//! The state is one sorted key/value map; this file fixes what the keys are.
//!
//! Every entry's key starts with a one-byte tag naming its kind, so one byte
//! string order (the map's, the diff's, the state root's and the redb table's)
//! is canonical for everything, and a diff entry is self-describing:
//!
//! | tag | key | value |
//! | --- | --- | --- |
//! | `0x01` | `0x01 ‖ address` | balance, u128 little-endian (16 bytes); absent = 0 |
//! | `0x02` | `0x02 ‖ address` | nonce (contracts deployed by the account), u64 little-endian; absent = 0 |
//! | `0x03` | `0x03 ‖ address` | code hash of the contract at the address (32 bytes); absent = no code |
//! | `0x04` | `0x04 ‖ code hash` | the program package: borsh-encoded `Program` |
//! | `0x05` | `0x05 ‖ height (u64 big-endian)` | hash of that block (32 bytes) |
//! | `0x06` | `0x06 ‖ address ‖ storage key` | the contract's storage value (any bytes, possibly empty) |
//!
//! Zero balances and nonces are stored as *absent*, so equal states have
//! equal maps (and equal roots). Heights are big-endian so they sort
//! numerically.

use crate::host::{Address, Hash};

pub const TAG_BALANCE: u8 = 0x01;
pub const TAG_NONCE: u8 = 0x02;
pub const TAG_CODE_HASH: u8 = 0x03;
pub const TAG_CODE: u8 = 0x04;
pub const TAG_BLOCK_HASH: u8 = 0x05;
pub const TAG_STORAGE: u8 = 0x06;

/// A decoded state key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StateKey {
    Balance(Address),
    Nonce(Address),
    CodeHash(Address),
    Code(Hash),
    BlockHash(u64),
    Storage { contract: Address, key: Vec<u8> },
}

fn tagged(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + body.len());
    k.push(tag);
    k.extend_from_slice(body);
    k
}

pub fn balance_key(addr: &Address) -> Vec<u8> {
    tagged(TAG_BALANCE, addr)
}
pub fn nonce_key(addr: &Address) -> Vec<u8> {
    tagged(TAG_NONCE, addr)
}
pub fn code_hash_key(addr: &Address) -> Vec<u8> {
    tagged(TAG_CODE_HASH, addr)
}
pub fn code_key(hash: &Hash) -> Vec<u8> {
    tagged(TAG_CODE, hash)
}
pub fn block_hash_key(height: u64) -> Vec<u8> {
    tagged(TAG_BLOCK_HASH, &height.to_be_bytes())
}
pub fn storage_key(contract: &Address, key: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(STORAGE_PREFIX + key.len());
    k.push(TAG_STORAGE);
    k.extend_from_slice(contract);
    k.extend_from_slice(key);
    k
}

/// Bytes before the contract's own key in a storage key: tag and address.
const STORAGE_PREFIX: usize = 1 + 32;

/// Longest contract key [`with_storage_key`] assembles on the stack (the v1
/// schedule's `storage_key_bytes`); a later schedule may allow longer keys,
/// which take the allocating route.
pub const INLINE_STORAGE_KEY: usize = 256;

/// Call `f` with the bytes of [`storage_key`]`(contract, key)`, built in a
/// stack buffer when `key` is at most [`INLINE_STORAGE_KEY`] bytes. Every
/// storage interrupt looks its key up once or twice; building it on the
/// stack keeps the allocator off that path. Keys of up to 32 bytes (hashes,
/// the common case) use a smaller buffer that is cheaper to clear.
pub fn with_storage_key<R>(contract: &Address, key: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    const SHORT: usize = 32;
    match key.len() {
        0..=SHORT => on_stack::<{ STORAGE_PREFIX + SHORT }, R>(contract, key, f),
        n if n <= INLINE_STORAGE_KEY => {
            on_stack::<{ STORAGE_PREFIX + INLINE_STORAGE_KEY }, R>(contract, key, f)
        }
        _ => f(&storage_key(contract, key)),
    }
}

/// [`with_storage_key`] in an `N`-byte stack buffer (the caller checked that
/// the key fits).
#[inline(always)]
fn on_stack<const N: usize, R>(contract: &Address, key: &[u8], f: impl FnOnce(&[u8]) -> R) -> R {
    let mut buf = [0u8; N];
    let end = STORAGE_PREFIX + key.len();
    buf[0] = TAG_STORAGE;
    buf[1..STORAGE_PREFIX].copy_from_slice(contract);
    buf[STORAGE_PREFIX..end].copy_from_slice(key);
    f(&buf[..end])
}

impl StateKey {
    pub fn encode(&self) -> Vec<u8> {
        match self {
            StateKey::Balance(a) => balance_key(a),
            StateKey::Nonce(a) => nonce_key(a),
            StateKey::CodeHash(a) => code_hash_key(a),
            StateKey::Code(h) => code_key(h),
            StateKey::BlockHash(h) => block_hash_key(*h),
            StateKey::Storage { contract, key } => storage_key(contract, key),
        }
    }

    /// Decode an encoded key; `None` for bytes that no state key encodes to.
    pub fn decode(bytes: &[u8]) -> Option<StateKey> {
        let (&tag, body) = bytes.split_first()?;
        let addr = |b: &[u8]| -> Option<[u8; 32]> { b.try_into().ok() };
        Some(match tag {
            TAG_BALANCE => StateKey::Balance(addr(body)?),
            TAG_NONCE => StateKey::Nonce(addr(body)?),
            TAG_CODE_HASH => StateKey::CodeHash(addr(body)?),
            TAG_CODE => StateKey::Code(addr(body)?),
            TAG_BLOCK_HASH => StateKey::BlockHash(u64::from_be_bytes(body.try_into().ok()?)),
            TAG_STORAGE if body.len() >= 32 => StateKey::Storage {
                contract: addr(&body[..32])?,
                key: body[32..].to_vec(),
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_and_sort_by_kind_then_fields() {
        let keys = [
            StateKey::Balance([1; 32]),
            StateKey::Nonce([1; 32]),
            StateKey::CodeHash([2; 32]),
            StateKey::Code([3; 32]),
            StateKey::BlockHash(5),
            StateKey::BlockHash(256),
            StateKey::Storage {
                contract: [4; 32],
                key: vec![],
            },
            StateKey::Storage {
                contract: [4; 32],
                key: b"a".to_vec(),
            },
            StateKey::Storage {
                contract: [5; 32],
                key: vec![0],
            },
        ];
        for w in keys.windows(2) {
            assert!(w[0].encode() < w[1].encode(), "{:?} !< {:?}", w[0], w[1]);
        }
        for k in &keys {
            assert_eq!(StateKey::decode(&k.encode()).as_ref(), Some(k));
        }
        assert_eq!(StateKey::decode(&[]), None);
        assert_eq!(StateKey::decode(&[0x01, 1, 2]), None);
        assert_eq!(StateKey::decode(&[0x07; 33]), None);
        assert_eq!(StateKey::decode(&[0x06; 20]), None);
    }

    #[test]
    fn stack_built_storage_keys_equal_allocated_ones() {
        let long = vec![0x5a; INLINE_STORAGE_KEY + 1];
        let lengths = [0, 1, 31, 32, 33, INLINE_STORAGE_KEY, INLINE_STORAGE_KEY + 1];
        for key in lengths.map(|n| &long[..n]) {
            let built = with_storage_key(&[3; 32], key, <[u8]>::to_vec);
            assert_eq!(
                built,
                storage_key(&[3; 32], key),
                "key of {} bytes",
                key.len()
            );
        }
    }
}
