//! The overlay's pending writes and the journal that undoes them.
//!
//! Entries live in a vector in creation order, found through a sorted index
//! (the diff's key order) and, before that, a small direct-mapped table of
//! hints: a cheap hash of the key names one table slot, which holds the
//! position of the entry last found with a key hashing there. A storage
//! interrupt looks its key up two or three times in a row (`storage_read`,
//! then the new-slot test and the write of `storage_write`) and contracts
//! keep coming back to the same slots, so the first lookup of a key costs
//! one hash and one key comparison instead of a B-tree walk over long
//! common-prefix keys, and the repeats one comparison with the entry found
//! last. A hint (and the last entry) is checked against the entry's key on
//! every use, so it can never name a wrong entry; keys made to collide only
//! make lookups fall back to the B-tree (one probe, no chains), and results
//! never depend on the hash.
//!
//! Journal records refer to entries by position. Rollback pops records newest
//! first, so the record that created an entry is popped only after every
//! later entry is gone: the entry is then the last one, and is popped too.

use std::cell::Cell;
use std::collections::BTreeMap;

/// One key with a pending write.
struct Entry {
    key: Vec<u8>,
    /// `None` = removed.
    value: Option<Vec<u8>>,
    /// Position of the journal record that gave the entry this value. While
    /// the entry exists that record is still in the journal (rollback pops
    /// records newest first and restores the older position with the value).
    record: usize,
}

/// How to undo one write: the entry it changed and what the entry held
/// before (value and record position), or `None` when the write created it.
struct Undo {
    entry: usize,
    prev: Option<(Option<Vec<u8>>, usize)>,
}

pub(super) struct Pending {
    index: BTreeMap<Vec<u8>, usize>,
    entries: Vec<Entry>,
    journal: Vec<Undo>,
    /// The longest the journal has been when a mark was taken. A write to an
    /// entry whose record is at or past this position needs no record of its
    /// own: rolling back to any mark ever taken pops that record, which
    /// restores what the key held before it. So repeated writes to a key
    /// between marks overwrite in place (reusing the value's buffer) instead
    /// of growing the journal and allocating once per write. Never lowered,
    /// so the rule holds for every mark ever handed out, stale ones included.
    floor: Cell<usize>,
    /// Hints, [`HINTS`] of them once the first entry exists (see the module
    /// docs); a `Cell` each because lookups take `&self`.
    hints: Vec<Cell<usize>>,
    /// Position of the entry last found or created, tried before the
    /// hints. Why: a storage interrupt looks the same key up two or three
    /// times in a row, and a key comparison is cheaper than hashing the key
    /// (storage benchmark: three lookups per update, 126 host instructions
    /// each before). Checked against the key like a hint.
    last: Cell<usize>,
}

/// Number of hint slots (a power of two): enough for the slots a busy
/// contract keeps touching, small enough to be cheap to create per call.
const HINTS: usize = 1024;

/// Hint slot of `key`: a multiplicative hash of its little-endian words (a
/// short tail is folded in bytewise, so no word straddles the end).
fn hint_slot(key: &[u8]) -> usize {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mix = |h: u64, w: u64| (h.rotate_left(23) ^ w).wrapping_mul(K);
    let mut h = key.len() as u64;
    let mut words = key.chunks_exact(8);
    for w in &mut words {
        let w: [u8; 8] = w.try_into().unwrap_or_default();
        h = mix(h, u64::from_le_bytes(w));
    }
    let tail = words
        .remainder()
        .iter()
        .fold(0u64, |t, &b| (t << 8) | u64::from(b));
    h = mix(h, tail);
    (h >> (64 - HINTS.trailing_zeros())) as usize
}

impl Pending {
    pub(super) fn new() -> Self {
        Pending {
            index: BTreeMap::new(),
            entries: Vec::new(),
            journal: Vec::new(),
            floor: Cell::new(0),
            hints: Vec::new(),
            last: Cell::new(usize::MAX),
        }
    }

    fn find(&self, key: &[u8]) -> Option<usize> {
        let last = self.last.get();
        if self.entries.get(last).is_some_and(|e| e.key == key) {
            return Some(last);
        }
        let hint = self.hints.get(hint_slot(key));
        let i = match hint.map(Cell::get) {
            Some(i) if self.entries.get(i).is_some_and(|e| e.key == key) => i,
            _ => {
                let i = *self.index.get(key)?;
                if let Some(hint) = hint {
                    hint.set(i);
                }
                i
            }
        };
        self.last.set(i);
        Some(i)
    }

    /// The pending write of `key`: `None` when there is none, `Some(None)`
    /// when the key was removed.
    pub(super) fn get(&self, key: &[u8]) -> Option<Option<&[u8]>> {
        self.find(key).map(|i| self.entries[i].value.as_deref())
    }

    /// Set `key` to `value` (`None` = remove).
    pub(super) fn set(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        match self.find(&key) {
            Some(i) => self.replace(i, value),
            None => self.insert(key, value),
        }
    }

    /// [`Pending::set`] for a borrowed key and value; copies the value into
    /// the entry's own buffer when no record is needed.
    pub(super) fn write(&mut self, key: &[u8], value: Option<&[u8]>) {
        match self.find(key) {
            Some(i) if self.entries[i].record >= self.floor.get() => {
                match (&mut self.entries[i].value, value) {
                    (Some(buf), Some(v)) => {
                        buf.clear();
                        buf.extend_from_slice(v);
                    }
                    (old, v) => *old = v.map(<[u8]>::to_vec),
                }
            }
            Some(i) => self.replace(i, value.map(<[u8]>::to_vec)),
            None => self.insert(key.to_vec(), value.map(<[u8]>::to_vec)),
        }
    }

    fn replace(&mut self, i: usize, value: Option<Vec<u8>>) {
        let at = self.journal.len();
        let e = &mut self.entries[i];
        if e.record >= self.floor.get() {
            e.value = value;
            return;
        }
        let prev_value = std::mem::replace(&mut e.value, value);
        let prev_record = std::mem::replace(&mut e.record, at);
        self.journal.push(Undo {
            entry: i,
            prev: Some((prev_value, prev_record)),
        });
    }

    fn insert(&mut self, key: Vec<u8>, value: Option<Vec<u8>>) {
        let i = self.entries.len();
        let record = self.journal.len();
        self.index.insert(key.clone(), i);
        self.entries.push(Entry { key, value, record });
        self.journal.push(Undo {
            entry: i,
            prev: None,
        });
        if self.hints.is_empty() {
            self.hints = (0..HINTS).map(|_| Cell::new(usize::MAX)).collect();
        }
        self.hints[hint_slot(&self.entries[i].key)].set(i);
        self.last.set(i);
    }

    /// The current journal position, to roll back to later.
    pub(super) fn mark(&self) -> usize {
        let at = self.journal.len();
        self.floor.set(self.floor.get().max(at));
        at
    }

    /// Undo every write made since the journal was at position `to`.
    pub(super) fn rollback(&mut self, to: usize) {
        while self.journal.len() > to {
            let Some(undo) = self.journal.pop() else {
                break;
            };
            match undo.prev {
                Some((value, record)) => {
                    let e = &mut self.entries[undo.entry];
                    e.value = value;
                    e.record = record;
                }
                None => {
                    debug_assert_eq!(undo.entry + 1, self.entries.len());
                    if let Some(e) = self.entries.pop() {
                        self.index.remove(&e.key);
                    }
                }
            }
        }
    }

    /// Every pending write in ascending key order (`None` = removed).
    pub(super) fn iter(&self) -> impl Iterator<Item = (&[u8], Option<&[u8]>)> {
        self.index
            .iter()
            .map(|(k, &i)| (k.as_slice(), self.entries[i].value.as_deref()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type View = Vec<(Vec<u8>, Option<Vec<u8>>)>;

    fn view(p: &Pending) -> View {
        p.iter()
            .map(|(k, v)| (k.to_vec(), v.map(<[u8]>::to_vec)))
            .collect()
    }

    /// A plain model of the same contract: a map snapshot per mark.
    #[test]
    fn rollback_restores_exactly_what_each_mark_saw() {
        let mut rng = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move |n: u64| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            rng % n
        };
        for _round in 0..200 {
            let mut p = Pending::new();
            // Stack of (mark, view at the mark).
            let mut marks: Vec<(usize, View)> = Vec::new();
            for _step in 0..60 {
                match next(10) {
                    0 | 1 => marks.push((p.mark(), view(&p))),
                    2 => {
                        if let Some((m, seen)) = marks.pop() {
                            p.rollback(m);
                            assert_eq!(view(&p), seen);
                            // The same mark may be rolled back to again (the
                            // outermost call's checkpoint is).
                            if next(2) == 0 {
                                marks.push((m, seen));
                            }
                        }
                    }
                    3 => {
                        let key = vec![next(6) as u8];
                        p.set(key, next(3).checked_sub(1).map(|v| vec![v as u8; 2]));
                    }
                    _ => {
                        let key = [next(6) as u8];
                        let value = [next(250) as u8; 3];
                        let value = (next(5) != 0).then_some(&value[..next(4) as usize]);
                        p.write(&key, value);
                        assert_eq!(p.get(&key), Some(value));
                    }
                }
                for (k, v) in view(&p) {
                    assert_eq!(p.get(&k), Some(v.as_deref()), "lookup agrees with the walk");
                }
            }
            while let Some((m, seen)) = marks.pop() {
                p.rollback(m);
                assert_eq!(view(&p), seen);
            }
        }
    }

    #[test]
    fn rewrites_between_marks_keep_one_record() {
        let mut p = Pending::new();
        let m = p.mark();
        for i in 0..100u8 {
            p.write(b"k", Some(&[i; 32]));
        }
        assert_eq!(p.journal.len(), 1, "one record for the first write only");
        let inner = p.mark();
        p.write(b"k", Some(b"x"));
        p.write(b"k", None);
        assert_eq!(p.journal.len(), 2, "a new mark needs one more record");
        p.rollback(inner);
        assert_eq!(p.get(b"k"), Some(Some(&[99u8; 32][..])));
        p.rollback(m);
        assert_eq!(p.get(b"k"), None);
        assert!(p.entries.is_empty() && p.index.is_empty());
    }

    #[test]
    fn keys_sort_bytewise_and_absent_differs_from_removed() {
        let mut p = Pending::new();
        p.write(b"b", Some(b""));
        p.set(b"a".to_vec(), Some(b"1".to_vec()));
        p.write(b"c", None);
        assert_eq!(
            view(&p),
            vec![
                (b"a".to_vec(), Some(b"1".to_vec())),
                (b"b".to_vec(), Some(vec![])),
                (b"c".to_vec(), None),
            ]
        );
        assert_eq!(p.get(b"c"), Some(None));
        assert_eq!(p.get(b"d"), None);
    }
}
