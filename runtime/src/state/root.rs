//! The state root: keccak256 of the canonical borsh encoding of the whole
//! state, i.e. of the `BTreeMap<Vec<u8>, Vec<u8>>` of all entries (u32 entry
//! count, then each key and value as u32 length + bytes, keys ascending).
//!
//! The encoding is streamed into the hasher entry by entry, so a persistent
//! state is never copied into memory to be hashed. Cost is linear in the state
//! size; a Merkle structure with incremental updates is future work.

use super::backend::Backend;
use super::error::StateError;
use crate::host::Hash;
use sha3::{Digest, Keccak256};

pub fn state_root(backend: &dyn Backend) -> Result<Hash, StateError> {
    let count = backend.len()?;
    let count = u32::try_from(count)
        .map_err(|_| StateError::Db(format!("{count} entries exceed borsh's u32 map length")))?;
    let mut h = Keccak256::new();
    h.update(count.to_le_bytes());
    let mut too_long = false;
    backend.scan(&mut |k, v| {
        for part in [k, v] {
            match u32::try_from(part.len()) {
                Ok(n) => h.update(n.to_le_bytes()),
                Err(_) => too_long = true,
            }
            h.update(part);
        }
    })?;
    if too_long {
        return Err(StateError::Db(
            "a state entry is longer than borsh's u32 length".into(),
        ));
    }
    Ok(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    type TestResult = Result<(), Box<dyn std::error::Error>>;
    use crate::state::backend::MemBackend;

    #[test]
    fn root_is_keccak_of_borsh_of_the_sorted_map() -> TestResult {
        let mut b = MemBackend::new();
        b.map.insert(vec![6, 1, 2], vec![]);
        b.map.insert(vec![1; 33], 7u128.to_le_bytes().to_vec());
        b.map.insert(vec![], vec![9; 300]);
        let expected: [u8; 32] = Keccak256::digest(borsh::to_vec(&b.map)?).into();
        assert_eq!(state_root(&b)?, expected);
        let empty: [u8; 32] = Keccak256::digest(0u32.to_le_bytes()).into();
        assert_eq!(state_root(&MemBackend::new())?, empty);
        b.map.insert(vec![6, 1, 2], vec![0]);
        assert_ne!(state_root(&b)?, expected);
        Ok(())
    }
}
