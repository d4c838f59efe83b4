//! Fuzz target: arbitrary bytes as a borsh state diff. `StateDiff::from_bytes`
//! must never panic; an accepted diff must re-encode to exactly the input
//! bytes, list its entries strictly ascending by key, and apply to a map
//! holding its old values (and be refused by one that does not).
#![no_main]

use echovm_runtime::state::StateDiff;
use libfuzzer_sys::fuzz_target;
use std::collections::BTreeMap;

fuzz_target!(|bytes: &[u8]| {
    let Ok(diff) = StateDiff::from_bytes(bytes) else { return };
    assert_eq!(diff.to_bytes(), bytes, "accepted diff is not canonical");
    assert!(diff.entries.windows(2).all(|w| w[0].key < w[1].key));
    let _ = diff.changes();
    // The diff's own pre-state accepts it and ends in its post-state.
    let mut map: BTreeMap<Vec<u8>, Vec<u8>> =
        diff.entries.iter().filter_map(|e| e.old.clone().map(|v| (e.key.clone(), v))).collect();
    diff.apply_to_map(&mut map).expect("a diff applies to its own pre-state");
    for e in &diff.entries {
        assert_eq!(map.get(&e.key), e.new.as_ref());
    }
    // A pre-state that differs in one old value is refused, and left unchanged.
    if let Some(first) = diff.entries.first() {
        let mut wrong: BTreeMap<Vec<u8>, Vec<u8>> =
            diff.entries.iter().filter_map(|e| e.old.clone().map(|v| (e.key.clone(), v))).collect();
        match &first.old {
            Some(_) => wrong.remove(&first.key),
            None => wrong.insert(first.key.clone(), b"not the old value".to_vec()),
        };
        let before = wrong.clone();
        assert!(diff.apply_to_map(&mut wrong).is_err(), "diff applied over a wrong old value");
        assert_eq!(wrong, before, "a refused diff changed the state");
    }
});
