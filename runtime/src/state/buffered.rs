//! A backend that collects commits in memory and writes them to the backend
//! below in one atomic batch on [`Buffered::flush`].
//!
//! A [`super::Chain`] commits every operation on its own; wrapping its backend
//! in `Buffered` turns a whole block of operations into one commit of the
//! underlying (e.g. redb) state — a crash mid-block leaves the state before the
//! block — while every operation still sees the ones before it, and receipts
//! still carry exact per-operation roots.

use super::backend::{Backend, Change};
use super::error::StateError;
use std::collections::BTreeMap;

pub struct Buffered<B: Backend> {
    base: B,
    /// Uncommitted changes: `None` = removed.
    pending: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl<B: Backend> Buffered<B> {
    pub fn new(base: B) -> Self {
        Buffered {
            base,
            pending: BTreeMap::new(),
        }
    }

    /// Write everything collected so far to the base backend in one commit.
    pub fn flush(&mut self) -> Result<(), StateError> {
        let changes: Vec<Change> = std::mem::take(&mut self.pending).into_iter().collect();
        if let Err(e) = self.base.apply(&changes) {
            // Keep the batch so the caller can retry or discard it.
            self.pending = changes.into_iter().collect();
            return Err(e);
        }
        Ok(())
    }

    /// Drop everything collected since the last flush.
    pub fn discard(&mut self) {
        self.pending.clear();
    }

    /// True when nothing awaits a flush.
    pub fn is_flushed(&self) -> bool {
        self.pending.is_empty()
    }

    pub fn base(&self) -> &B {
        &self.base
    }

    pub fn into_base(self) -> B {
        self.base
    }
}

impl<B: Backend> Backend for Buffered<B> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        match self.pending.get(key) {
            Some(v) => Ok(v.clone()),
            None => self.base.get(key),
        }
    }

    fn apply(&mut self, changes: &[Change]) -> Result<(), StateError> {
        for (k, v) in changes {
            self.pending.insert(k.clone(), v.clone());
        }
        Ok(())
    }

    fn len(&self) -> Result<u64, StateError> {
        let mut n = 0u64;
        self.scan(&mut |_, _| n += 1)?;
        Ok(n)
    }

    /// The base's entries merged with the pending ones, in key order.
    fn scan(&self, visit: &mut dyn FnMut(&[u8], &[u8])) -> Result<(), StateError> {
        let mut pending = self.pending.iter().peekable();
        self.base.scan(&mut |k, v| {
            // Pending keys before this base key are insertions.
            while let Some((pk, pv)) = pending.next_if(|(pk, _)| pk.as_slice() < k) {
                if let Some(pv) = pv {
                    visit(pk, pv);
                }
            }
            match pending.next_if(|(pk, _)| pk.as_slice() == k) {
                Some((_, Some(pv))) => visit(k, pv),
                Some((_, None)) => {}
                None => visit(k, v),
            }
        })?;
        for (pk, pv) in pending {
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

    #[test]
    fn merged_view_and_single_flush() -> TestResult {
        let mut base = MemBackend::new();
        for k in [1u8, 3, 5, 7] {
            base.map.insert(vec![k], vec![k]);
        }
        let mut b = Buffered::new(base.clone());
        b.apply(&[
            (vec![0], Some(vec![0])),
            (vec![3], None),
            (vec![5], Some(vec![55])),
            (vec![9], Some(vec![9])),
        ])?;
        b.apply(&[(vec![4], Some(vec![4])), (vec![9], None)])?;
        let view = snapshot(&b)?;
        let expected: BTreeMap<Vec<u8>, Vec<u8>> = [(0, 0), (1, 1), (4, 4), (5, 55), (7, 7)]
            .iter()
            .map(|&(k, v)| (vec![k], vec![v]))
            .collect();
        assert_eq!(view, expected);
        assert_eq!(b.len()?, 5);
        assert_eq!(b.get(&[3])?, None);
        assert_eq!(b.get(&[7])?, Some(vec![7]));
        assert_eq!(
            snapshot(b.base())?,
            base.map,
            "nothing written before flush"
        );
        assert_eq!(
            crate::state::root::state_root(&b)?,
            crate::state::root::state_root(&MemBackend {
                map: expected.clone()
            })?
        );
        b.flush()?;
        assert!(b.is_flushed());
        assert_eq!(snapshot(b.base())?, expected);
        Ok(())
    }
}
