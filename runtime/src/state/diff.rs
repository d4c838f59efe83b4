//! State diffs: what one top-level call changed, in canonical form.
//!
//! A diff lists every state entry whose value differs between the pre- and
//! post-state, ascending by encoded key (see [`super::keys`]), each with its
//! old and new value (`None` = absent), plus the events the call emitted in
//! emission order. Its borsh encoding is the consensus artefact: the same call
//! on the same state gives byte-identical diff bytes everywhere. Applying a
//! diff to its pre-state gives the post-state; applying it to anything else is
//! refused (every old value is checked first).

use super::backend::{Backend, Change};
use super::error::{hex32, StateError};
use super::keys::StateKey;
use crate::host::{Address, Hash};
use borsh::{BorshDeserialize, BorshSerialize};
use std::collections::BTreeMap;

/// One changed state entry.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct DiffEntry {
    pub key: Vec<u8>,
    pub old: Option<Vec<u8>>,
    pub new: Option<Vec<u8>>,
}

impl DiffEntry {
    /// The entry's key, decoded.
    pub fn state_key(&self) -> Option<StateKey> {
        StateKey::decode(&self.key)
    }
}

/// One event: emitted by `contract`, with a 32-byte topic and data.
#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Event {
    pub contract: Address,
    pub topic: Hash,
    pub data: Vec<u8>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct StateDiff {
    /// Strictly ascending by `key`.
    pub entries: Vec<DiffEntry>,
    pub events: Vec<Event>,
}

fn show(v: &Option<Vec<u8>>) -> String {
    match v {
        None => "absent".into(),
        Some(b) => format!(
            "0x{}",
            b.iter().map(|x| format!("{x:02x}")).collect::<String>()
        ),
    }
}

fn key_text(k: &[u8]) -> String {
    match StateKey::decode(k) {
        Some(StateKey::Storage { contract, key }) => {
            format!("storage {}:{}", hex32(&contract), show(&Some(key)))
        }
        Some(other) => format!("{other:?}"),
        None => show(&Some(k.to_vec())),
    }
}

impl StateDiff {
    /// Canonical bytes (borsh).
    pub fn to_bytes(&self) -> Vec<u8> {
        crate::canonical::encode(self)
    }

    /// Decode diff bytes, rejecting trailing bytes and non-canonical entry order.
    pub fn from_bytes(bytes: &[u8]) -> Result<StateDiff, StateError> {
        let diff =
            StateDiff::try_from_slice(bytes).map_err(|e| StateError::BadDiff(e.to_string()))?;
        if let Some(w) = diff.entries.windows(2).find(|w| w[0].key >= w[1].key) {
            return Err(StateError::BadDiff(format!(
                "entries out of order at key {}",
                key_text(&w[1].key)
            )));
        }
        Ok(diff)
    }

    /// The changes to commit (for [`Backend::apply`]).
    pub fn changes(&self) -> Vec<Change> {
        self.entries
            .iter()
            .map(|e| (e.key.clone(), e.new.clone()))
            .collect()
    }

    /// Check every old value against `backend`, then apply all changes in one
    /// atomic commit.
    pub fn apply(&self, backend: &mut dyn Backend) -> Result<(), StateError> {
        for e in &self.entries {
            let actual = backend.get(&e.key)?;
            if actual != e.old {
                return Err(StateError::DiffMismatch {
                    key: key_text(&e.key),
                    expected: show(&e.old),
                    actual: show(&actual),
                });
            }
        }
        backend.apply(&self.changes())
    }

    /// [`StateDiff::apply`] on a plain map.
    pub fn apply_to_map(&self, map: &mut BTreeMap<Vec<u8>, Vec<u8>>) -> Result<(), StateError> {
        let mut b = super::backend::MemBackend {
            map: std::mem::take(map),
        };
        let r = self.apply(&mut b);
        *map = b.map;
        r
    }
}
