//! A journaled write overlay over a committed [`Backend`].
//!
//! One top-level call works on one overlay: reads fall through to the backend,
//! writes stay in a sorted map until the call is committed. Every write first
//! records the overlay entry it replaces in a journal, so a nested call (or a
//! failed outermost call) is undone by [`Overlay::rollback`] to a
//! [`Checkpoint`] in time proportional to what it changed. Events are
//! journaled the same way (by length).
//!
//! Backend read errors cannot travel through the infallible `Host` interface;
//! the first one is kept and the operation that owns the overlay reports it
//! instead of committing (see [`Overlay::take_error`]).

use super::backend::Backend;
use super::diff::{DiffEntry, Event, StateDiff};
use super::error::StateError;
use super::keys;
use crate::host::{Address, Hash};
use std::cell::RefCell;
use std::collections::BTreeMap;

/// A point the overlay can be rolled back to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    journal: usize,
    events: usize,
}

/// A key and the overlay entry it had before a write (`None` = no entry,
/// `Some(None)` = removed, `Some(Some(v))` = written `v`).
type Undo = (Vec<u8>, Option<Option<Vec<u8>>>);

pub struct Overlay<'b> {
    base: &'b dyn Backend,
    /// Pending writes: `None` = removed.
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
    /// Undo log: key and the overlay entry it had before (`None` = no entry).
    journal: Vec<Undo>,
    events: Vec<Event>,
    error: RefCell<Option<StateError>>,
}

impl<'b> Overlay<'b> {
    pub fn new(base: &'b dyn Backend) -> Self {
        Overlay {
            base,
            writes: BTreeMap::new(),
            journal: Vec::new(),
            events: Vec::new(),
            error: RefCell::new(None),
        }
    }

    fn record(&self, e: StateError) {
        let mut slot = self.error.borrow_mut();
        if slot.is_none() {
            *slot = Some(e);
        }
    }

    /// The first backend or decoding error seen, if any.
    pub fn take_error(&self) -> Option<StateError> {
        self.error.borrow_mut().take()
    }

    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        if let Some(v) = self.writes.get(key) {
            return v.clone();
        }
        match self.base.get(key) {
            Ok(v) => v,
            Err(e) => {
                self.record(e);
                None
            }
        }
    }

    pub fn set(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        let prev = self.writes.insert(key.clone(), value);
        self.journal.push((key, prev));
    }

    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            journal: self.journal.len(),
            events: self.events.len(),
        }
    }

    /// Undo every write and event since `cp`.
    pub fn rollback(&mut self, cp: Checkpoint) {
        while self.journal.len() > cp.journal {
            let Some((key, prev)) = self.journal.pop() else {
                break;
            };
            match prev {
                Some(v) => self.writes.insert(key, v),
                None => self.writes.remove(&key),
            };
        }
        self.events.truncate(cp.events);
    }

    pub fn push_event(&mut self, event: Event) {
        self.events.push(event);
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// Entries that differ from the committed state, ascending by key, and the events.
    pub fn diff(&self) -> Result<StateDiff, StateError> {
        let mut entries = Vec::new();
        for (key, new) in &self.writes {
            let old = self.base.get(key)?;
            if &old != new {
                entries.push(DiffEntry {
                    key: key.clone(),
                    old,
                    new: new.clone(),
                });
            }
        }
        Ok(StateDiff {
            entries,
            events: self.events.clone(),
        })
    }

    // ---- typed views over the key/value state (encodings in `keys`) ----

    fn fixed<const N: usize>(&self, key: &[u8], what: &str) -> Option<[u8; N]> {
        let v = self.get(key)?;
        match <[u8; N]>::try_from(v.as_slice()) {
            Ok(a) => Some(a),
            Err(_) => {
                self.record(StateError::Corrupt {
                    key: format!("{key:02x?}"),
                    what: format!("{what} has {} bytes, expected {N}", v.len()),
                });
                None
            }
        }
    }

    pub fn balance(&self, addr: &Address) -> u128 {
        self.fixed::<16>(&keys::balance_key(addr), "balance")
            .map(u128::from_le_bytes)
            .unwrap_or(0)
    }

    /// Zero is stored as absent, so equal states encode equally.
    pub fn set_balance(&mut self, addr: &Address, value: u128) {
        let v = (value != 0).then(|| value.to_le_bytes().to_vec());
        self.set(keys::balance_key(addr), v);
    }

    pub fn nonce(&self, addr: &Address) -> u64 {
        self.fixed::<8>(&keys::nonce_key(addr), "nonce")
            .map(u64::from_le_bytes)
            .unwrap_or(0)
    }

    pub fn set_nonce(&mut self, addr: &Address, value: u64) {
        let v = (value != 0).then(|| value.to_le_bytes().to_vec());
        self.set(keys::nonce_key(addr), v);
    }

    pub fn code_hash(&self, addr: &Address) -> Option<Hash> {
        self.fixed::<32>(&keys::code_hash_key(addr), "code hash")
    }

    pub fn block_hash(&self, height: u64) -> Option<Hash> {
        self.fixed::<32>(&keys::block_hash_key(height), "block hash")
    }

    /// Move `amount` from `from` to `to`; false and no change when short.
    /// Credit saturates at `u128::MAX` (total supply cannot reach it from a
    /// sane genesis, but hostile genesis files must not wrap).
    pub fn transfer(&mut self, from: &Address, to: &Address, amount: u128) -> bool {
        let have = self.balance(from);
        if have < amount {
            return false;
        }
        if amount == 0 || from == to {
            return true;
        }
        self.set_balance(from, have - amount);
        let to_balance = self.balance(to);
        self.set_balance(to, to_balance.saturating_add(amount));
        true
    }

    /// Record a corrupt-state problem found by a caller (e.g. an undecodable program).
    pub fn report(&self, e: StateError) {
        self.record(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::backend::MemBackend;

    fn base() -> MemBackend {
        let mut b = MemBackend::new();
        b.map
            .insert(keys::balance_key(&[1; 32]), 100u128.to_le_bytes().to_vec());
        b.map
            .insert(keys::storage_key(&[9; 32], b"k"), b"old".to_vec());
        b
    }

    #[test]
    fn nested_rollback_restores_exactly() {
        let b = base();
        let mut o = Overlay::new(&b);
        assert!(o.transfer(&[1; 32], &[2; 32], 30));
        let outer = o.checkpoint();
        o.set(keys::storage_key(&[9; 32], b"k"), Some(b"mid".to_vec()));
        o.push_event(Event {
            contract: [9; 32],
            topic: [0; 32],
            data: vec![1],
        });
        let inner = o.checkpoint();
        o.set(keys::storage_key(&[9; 32], b"k"), None);
        o.set(keys::storage_key(&[9; 32], b"new"), Some(vec![]));
        assert!(o.transfer(&[2; 32], &[3; 32], 30));
        assert!(!o.transfer(&[2; 32], &[3; 32], 1), "funds short: no change");
        o.push_event(Event {
            contract: [9; 32],
            topic: [1; 32],
            data: vec![],
        });
        o.rollback(inner);
        assert_eq!(
            o.get(&keys::storage_key(&[9; 32], b"k")),
            Some(b"mid".to_vec())
        );
        assert_eq!(o.get(&keys::storage_key(&[9; 32], b"new")), None);
        assert_eq!((o.balance(&[2; 32]), o.balance(&[3; 32])), (30, 0));
        assert_eq!(o.events().len(), 1);
        o.rollback(outer);
        assert_eq!(
            o.get(&keys::storage_key(&[9; 32], b"k")),
            Some(b"old".to_vec())
        );
        assert_eq!(o.events().len(), 0);
        let d = o.diff().unwrap();
        // Only the transfer of 30 from 1 to 2 is left, sorted by key.
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.entries[0].key, keys::balance_key(&[1; 32]));
        assert_eq!(d.entries[0].new, Some(70u128.to_le_bytes().to_vec()));
        assert_eq!(d.entries[1].old, None);
    }

    #[test]
    fn writes_back_to_the_old_value_are_not_in_the_diff() {
        let b = base();
        let mut o = Overlay::new(&b);
        o.set(keys::storage_key(&[9; 32], b"k"), Some(b"x".to_vec()));
        o.set(keys::storage_key(&[9; 32], b"k"), Some(b"old".to_vec()));
        o.set_balance(&[5; 32], 0);
        assert!(o.diff().unwrap().entries.is_empty());
    }

    #[test]
    fn zero_balance_is_absent_and_corrupt_values_are_reported() {
        let mut b = base();
        b.map.insert(keys::balance_key(&[7; 32]), vec![1, 2, 3]);
        let mut o = Overlay::new(&b);
        assert!(o.transfer(&[1; 32], &[2; 32], 100));
        let d = o.diff().unwrap();
        assert_eq!(d.entries[0].new, None, "balance 0 is stored as absent");
        assert_eq!(o.balance(&[7; 32]), 0);
        let e = o.take_error().expect("corrupt balance reported");
        assert!(e.to_string().contains("balance has 3 bytes"), "{e}");
    }
}
