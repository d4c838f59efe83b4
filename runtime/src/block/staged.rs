//! A backend that holds one block's writes in memory on top of the committed
//! store and commits them all at once.
//!
//! `state::Chain` commits every transaction with its own `Backend::apply`. A
//! block must instead land whole or not at all (a validator killed mid-block
//! must not leave a state no block boundary had), so the chain runs on a
//! [`Staged`] view: reads see the committed store overlaid with the writes of
//! the block so far, writes go to a sorted in-memory map, and
//! [`Staged::commit`] hands the whole map to the store as **one**
//! `Backend::apply` (for redb: one write transaction).
//!
//! The store is shared (`Rc<RefCell<_>>`) because `Chain` owns its backend
//! and only lends it out by `&`; the caller keeps another handle to the same
//! store and builds a fresh `Staged` (and chain) per block.

use crate::state::backend::{Backend, Change};
use crate::state::StateError;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A committed store shared between a replayer and the per-block views.
pub type Store<B> = Rc<RefCell<B>>;

pub struct Staged<B: Backend> {
    store: Store<B>,
    /// Writes of this block by key. Sorted, so merged scans stay in
    /// canonical key order.
    pending: RefCell<BTreeMap<Vec<u8>, Option<Vec<u8>>>>,
    /// Entry count of the view minus the store's, kept up to date by
    /// `apply`, so `len` (needed for every state root) costs no lookups.
    delta: Cell<i64>,
    /// The store's entry count; the store only changes through `commit`.
    store_len: Cell<Option<u64>>,
}

impl<B: Backend> Staged<B> {
    pub fn new(store: Store<B>) -> Self {
        Staged {
            store,
            pending: RefCell::new(BTreeMap::new()),
            delta: Cell::new(0),
            store_len: Cell::new(None),
        }
    }

    /// Write every pending change to the store in one atomic apply; the view
    /// is empty afterwards. Nothing is written if the store refuses.
    pub fn commit(&self) -> Result<(), StateError> {
        let changes: Vec<Change> = std::mem::take(&mut *self.pending.borrow_mut())
            .into_iter()
            .collect();
        self.store_len.set(None);
        self.delta.set(0);
        if changes.is_empty() {
            return Ok(());
        }
        self.store.borrow_mut().apply(&changes)
    }

    /// Drop every pending change.
    pub fn discard(&mut self) {
        self.pending.get_mut().clear();
        self.delta.set(0);
    }

    /// Number of pending keys.
    pub fn pending_len(&self) -> usize {
        self.pending.borrow().len()
    }
}

impl<B: Backend> Backend for Staged<B> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        if let Some(p) = self.pending.borrow().get(key) {
            return Ok(p.clone());
        }
        self.store.borrow().get(key)
    }

    fn apply(&mut self, changes: &[Change]) -> Result<(), StateError> {
        for (k, v) in changes {
            let present_before = match self.pending.get_mut().get(k) {
                Some(old) => old.is_some(),
                None => self.store.borrow().get(k)?.is_some(),
            };
            self.pending.get_mut().insert(k.clone(), v.clone());
            self.delta
                .set(self.delta.get() + i64::from(v.is_some()) - i64::from(present_before));
        }
        Ok(())
    }

    fn len(&self) -> Result<u64, StateError> {
        let base = match self.store_len.get() {
            Some(n) => n,
            None => {
                let n = self.store.borrow().len()?;
                self.store_len.set(Some(n));
                n
            }
        };
        base.checked_add_signed(self.delta.get()).ok_or_else(|| {
            StateError::Db(format!(
                "staged entry count out of range: {base} {:+}",
                self.delta.get()
            ))
        })
    }

    /// Merge of the store's ascending scan and the pending map: pending
    /// entries win, removed keys are skipped, order stays byte-wise ascending.
    fn scan(&self, visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), StateError> {
        let pending = self.pending.borrow();
        let mut ahead = pending.iter().peekable();
        self.store.borrow().scan(&mut |k, v| {
            while let Some((pk, pv)) = ahead.peek() {
                if pk.as_slice() >= k {
                    break;
                }
                if let Some(pv) = pv {
                    visit(pk, pv);
                }
                ahead.next();
            }
            match ahead.peek() {
                Some((pk, pv)) if pk.as_slice() == k => {
                    if let Some(pv) = pv {
                        visit(pk, pv);
                    }
                    ahead.next();
                }
                _ => visit(k, v),
            }
        })?;
        for (pk, pv) in ahead {
            if let Some(pv) = pv {
                visit(pk, pv);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    type TestResult = Result<(), Box<dyn std::error::Error>>;
    use crate::state::backend::{snapshot, MemBackend};
    use crate::state::root::state_root;

    #[test]
    fn view_matches_applying_directly_and_commits_once() -> TestResult {
        let mut base = MemBackend::new();
        for k in [1u8, 3, 5, 7, 9] {
            base.map.insert(vec![k], vec![k; 2]);
        }
        let store = Rc::new(RefCell::new(base.clone()));
        let mut staged = Staged::new(store.clone());
        let batches: Vec<Vec<Change>> = vec![
            vec![
                (vec![0], Some(vec![0])),
                (vec![3], None),
                (vec![4], Some(vec![])),
            ],
            vec![(vec![9], Some(vec![1, 2, 3])), (vec![10], Some(vec![10]))],
            vec![(vec![4], None), (vec![5], None), (vec![11], None)],
            vec![(vec![12], Some(vec![12])), (vec![13], Some(vec![]))],
        ];
        let mut direct = base.clone();
        for b in &batches {
            staged.apply(b)?;
            direct.apply(b)?;
            assert_eq!(snapshot(&staged)?, direct.map);
            assert_eq!(staged.len()?, direct.map.len() as u64);
            assert_eq!(state_root(&staged)?, state_root(&direct)?);
            assert_eq!(staged.get(&[3])?, direct.get(&[3])?);
            // Nothing reaches the store before commit.
            assert_eq!(store.borrow().map, base.map);
        }
        staged.commit()?;
        assert_eq!(store.borrow().map, direct.map);
        assert_eq!(staged.pending_len(), 0);

        assert_eq!(staged.len()?, direct.map.len() as u64);

        // Writes that cancel out within the view, then a discard.
        staged.apply(&[(vec![1], None)])?;
        staged.apply(&[(vec![1], Some(vec![5])), (vec![2], Some(vec![]))])?;
        staged.apply(&[(vec![2], None)])?;
        assert_eq!(staged.len()?, direct.map.len() as u64);
        staged.discard();
        assert_eq!(store.borrow().map, direct.map);
        assert_eq!(staged.len()?, direct.map.len() as u64);
        assert_eq!(snapshot(&staged)?, direct.map);
        Ok(())
    }
}
