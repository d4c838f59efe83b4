//! A journaled write overlay over a committed [`Backend`].
//!
//! One top-level call works on one overlay: reads fall through to the backend,
//! writes stay in a sorted map until the call is committed. The first write
//! of a key after a checkpoint records the overlay entry it replaces in a
//! journal (see [`pending`]), so a nested call (or a failed outermost call)
//! is undone by [`Overlay::rollback`] to a [`Checkpoint`] in time
//! proportional to what it changed. Events are journaled by length.
//!
//! Backend read errors cannot travel through the infallible `Host` interface;
//! the first one is kept and the operation that owns the overlay reports it
//! instead of committing (see [`Overlay::take_error`]).

mod pending;

use super::backend::Backend;
use super::diff::{DiffEntry, Event, StateDiff};
use super::error::StateError;
use super::keys;
use crate::host::{Address, Hash};
use pending::Pending;
use std::cell::RefCell;

/// A point the overlay can be rolled back to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    journal: usize,
    events: usize,
}

pub struct Overlay<'b> {
    base: &'b dyn Backend,
    /// Pending writes and their undo journal.
    writes: Pending,
    events: Vec<Event>,
    error: RefCell<Option<StateError>>,
}

impl<'b> Overlay<'b> {
    pub fn new(base: &'b dyn Backend) -> Self {
        Overlay {
            base,
            writes: Pending::new(),
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

    /// The committed value (a read error is recorded and reads as absent).
    fn base_get(&self, key: &[u8]) -> Option<Vec<u8>> {
        match self.base.get(key) {
            Ok(v) => v,
            Err(e) => {
                self.record(e);
                None
            }
        }
    }

    pub fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        match self.writes.get(key) {
            Some(v) => v.map(<[u8]>::to_vec),
            None => self.base_get(key),
        }
    }

    /// Length of the value under `key`, `None` when absent; copies nothing
    /// when the key has a pending write.
    pub fn value_len(&self, key: &[u8]) -> Option<u64> {
        match self.writes.get(key) {
            Some(v) => v.map(|v| v.len() as u64),
            None => self.base_get(key).map(|v| v.len() as u64),
        }
    }

    /// Copy the first `min(out.len(), len)` bytes of the value under `key`
    /// into `out` and return the value's full length, `None` when absent —
    /// a read without an intermediate copy of the value.
    pub fn read_into(&self, key: &[u8], out: &mut [u8]) -> Option<u64> {
        let copy = |v: &[u8], out: &mut [u8]| {
            let n = v.len().min(out.len());
            out[..n].copy_from_slice(&v[..n]);
            v.len() as u64
        };
        match self.writes.get(key) {
            Some(v) => v.map(|v| copy(v, out)),
            None => self.base_get(key).map(|v| copy(&v, out)),
        }
    }

    pub fn set(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        self.writes.set(key, value);
    }

    /// [`Overlay::set`] for a borrowed key and value: a key rewritten since
    /// the last checkpoint is overwritten in place, reusing its buffer, so a
    /// contract rewriting the same slots allocates nothing.
    pub fn write(&mut self, key: &[u8], value: Option<&[u8]>) {
        self.writes.write(key, value);
    }

    /// Remove the value under `key`; false (and nothing written) when it was
    /// already absent.
    pub fn remove(&mut self, key: &[u8]) -> bool {
        let existed = match self.writes.get(key) {
            Some(v) => v.is_some(),
            None => self.base_get(key).is_some(),
        };
        if existed {
            self.writes.write(key, None);
        }
        existed
    }

    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            journal: self.writes.mark(),
            events: self.events.len(),
        }
    }

    /// Undo every write and event since `cp`.
    pub fn rollback(&mut self, cp: Checkpoint) {
        self.writes.rollback(cp.journal);
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
        for (key, new) in self.writes.iter() {
            let old = self.base.get(key)?;
            if old.as_deref() != new {
                entries.push(DiffEntry {
                    key: key.to_vec(),
                    old,
                    new: new.map(<[u8]>::to_vec),
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
    type TestResult = Result<(), Box<dyn std::error::Error>>;
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
    fn nested_rollback_restores_exactly() -> TestResult {
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
        let d = o.diff()?;
        // Only the transfer of 30 from 1 to 2 is left, sorted by key.
        assert_eq!(d.entries.len(), 2);
        assert_eq!(d.entries[0].key, keys::balance_key(&[1; 32]));
        assert_eq!(d.entries[0].new, Some(70u128.to_le_bytes().to_vec()));
        assert_eq!(d.entries[1].old, None);
        Ok(())
    }

    #[test]
    fn borrowed_reads_agree_with_get() -> TestResult {
        let b = base();
        let mut o = Overlay::new(&b);
        let committed = keys::storage_key(&[9; 32], b"k");
        let written = keys::storage_key(&[9; 32], b"w");
        let removed = keys::storage_key(&[9; 32], b"r");
        let empty = keys::storage_key(&[9; 32], b"e");
        let absent = keys::storage_key(&[9; 32], b"a");
        o.write(&written, Some(b"fresh value"));
        o.write(&removed, Some(b"gone"));
        assert!(o.remove(&removed));
        assert!(!o.remove(&absent), "nothing to remove");
        o.write(&empty, Some(b""));
        for key in [&committed, &written, &removed, &empty, &absent] {
            let value = o.get(key);
            assert_eq!(o.value_len(key), value.as_ref().map(|v| v.len() as u64));
            for cap in [0, 2, 64] {
                let mut out = [0xee; 64];
                let got = o.read_into(key, &mut out[..cap]);
                assert_eq!(got, value.as_ref().map(|v| v.len() as u64));
                let v = value.as_deref().unwrap_or(&[]);
                let n = v.len().min(cap);
                assert_eq!(&out[..n], &v[..n]);
                assert!(
                    out[n..].iter().all(|&x| x == 0xee),
                    "nothing past the value"
                );
            }
        }
        assert_eq!(o.get(&committed), Some(b"old".to_vec()));
        assert_eq!(o.value_len(&empty), Some(0), "empty is present");
        assert_eq!(o.value_len(&removed), None);
        assert_eq!(o.value_len(&absent), None);
        Ok(())
    }

    #[test]
    fn in_place_rewrites_roll_back_to_the_committed_value() -> TestResult {
        let b = base();
        let mut o = Overlay::new(&b);
        let k = keys::storage_key(&[9; 32], b"k");
        let cp = o.checkpoint();
        o.write(&k, Some(b"one"));
        o.write(&k, Some(b"two, longer"));
        let inner = o.checkpoint();
        o.write(&k, Some(b"3"));
        assert!(o.remove(&k));
        o.write(&k, Some(b"four"));
        o.rollback(inner);
        assert_eq!(o.get(&k), Some(b"two, longer".to_vec()));
        o.write(&k, Some(b"five"));
        o.rollback(cp);
        assert_eq!(o.get(&k), Some(b"old".to_vec()));
        assert!(o.diff()?.entries.is_empty());
        // A rollback to the same checkpoint again (the outermost call's is
        // reused) still finds every later write undone.
        o.write(&k, Some(b"six"));
        o.write(&k, Some(b"seven"));
        o.rollback(cp);
        assert_eq!(o.get(&k), Some(b"old".to_vec()));
        Ok(())
    }

    #[test]
    fn writes_back_to_the_old_value_are_not_in_the_diff() -> TestResult {
        let b = base();
        let mut o = Overlay::new(&b);
        o.set(keys::storage_key(&[9; 32], b"k"), Some(b"x".to_vec()));
        o.set(keys::storage_key(&[9; 32], b"k"), Some(b"old".to_vec()));
        o.set_balance(&[5; 32], 0);
        assert!(o.diff()?.entries.is_empty());
        Ok(())
    }

    #[test]
    fn zero_balance_is_absent_and_corrupt_values_are_reported() -> TestResult {
        let mut b = base();
        b.map.insert(keys::balance_key(&[7; 32]), vec![1, 2, 3]);
        let mut o = Overlay::new(&b);
        assert!(o.transfer(&[1; 32], &[2; 32], 100));
        let d = o.diff()?;
        assert_eq!(d.entries[0].new, None, "balance 0 is stored as absent");
        assert_eq!(o.balance(&[7; 32]), 0);
        let e = o.take_error().ok_or("corrupt balance not reported")?;
        assert!(e.to_string().contains("balance has 3 bytes"), "{e}");
        Ok(())
    }
}
