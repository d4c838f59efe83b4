//! Where committed state lives. The state is one map from byte keys (see
//! [`super::keys`]) to byte values; a backend stores it and applies a batch
//! of changes atomically — all of them or none.

use super::error::StateError;
use std::collections::BTreeMap;

/// One change of a batch: set the key to the value, or remove it (`None`).
pub type Change = (Vec<u8>, Option<Vec<u8>>);

/// A committed key/value state.
pub trait Backend {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError>;
    /// Apply every change or none (one atomic commit).
    fn apply(&mut self, changes: &[Change]) -> Result<(), StateError>;
    /// Number of entries.
    fn len(&self) -> Result<u64, StateError>;
    /// Visit every entry in ascending key order (byte-wise).
    fn scan(&self, visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), StateError>;
    fn is_empty(&self) -> Result<bool, StateError> {
        Ok(self.len()? == 0)
    }
}

/// In-memory state (tests and `echovm run` without `--state`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemBackend {
    pub map: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl MemBackend {
    pub fn new() -> Self {
        Self::default()
    }
}

impl Backend for MemBackend {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        Ok(self.map.get(key).cloned())
    }
    fn apply(&mut self, changes: &[Change]) -> Result<(), StateError> {
        for (k, v) in changes {
            match v {
                Some(v) => self.map.insert(k.clone(), v.clone()),
                None => self.map.remove(k),
            };
        }
        Ok(())
    }
    fn len(&self) -> Result<u64, StateError> {
        Ok(self.map.len() as u64)
    }
    fn scan(&self, visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), StateError> {
        for (k, v) in &self.map {
            visit(k, v);
        }
        Ok(())
    }
}

/// Copy a whole state into a map (tests, diff checks).
pub fn snapshot(b: &dyn Backend) -> Result<BTreeMap<Vec<u8>, Vec<u8>>, StateError> {
    let mut map = BTreeMap::new();
    b.scan(&mut |k, v| {
        map.insert(k.to_vec(), v.to_vec());
    })?;
    Ok(map)
}
