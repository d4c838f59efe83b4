//! Storage vectors (0x70–0x73) through a real contract: semantics, limits,
//! faults, metering and how writes appear in the state diff.
mod abi_support;

/// (key, old, new) of a diff entry.
type Change = (Vec<u8>, Option<Vec<u8>>, Option<Vec<u8>>);
use abi_support::*;
use echovm_runtime::host::Status;
use echovm_runtime::state::keys;

const READ: u8 = 0x70;
const WRITE: u8 = 0x71;
const REMOVE: u8 = 0x72;
const SIZE: u8 = 0x73;
const M1: u64 = u64::MAX;

#[test]
fn write_read_size_remove() {
    let (mut chain, probe) = chain_with_probe();
    let r = run(
        &mut chain,
        &probe,
        &Script::new()
            .write(0, b"key")
            .write(16, b"hello world")
            .int(SIZE, &[s(0), 3]) // 0: absent
            .int(READ, &[s(0), 3, s(100), 64]) // 1: absent
            .int(WRITE, &[s(0), 3, s(16), 11]) // 2
            .int(SIZE, &[s(0), 3]) // 3
            .int(READ, &[s(0), 3, s(100), 5]) // 4: copies 5 of 11
            .int(WRITE, &[s(0), 2, s(16), 0]) // 5: key "ke" → empty value (present)
            .int(SIZE, &[s(0), 2]) // 6
            .int(REMOVE, &[s(0), 2]) // 7
            .int(REMOVE, &[s(0), 2]) // 8
            .int(SIZE, &[s(0), 0]) // 9: the empty key is a key too
            .read(100, 8),
    );
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    let w = words(&r.outcome.return_data[..80]);
    assert_eq!(w[0], M1);
    assert_eq!(w[1], M1);
    assert_eq!(w[3], 11);
    assert_eq!(w[4], 11, "read returns the full length");
    assert_eq!(w[6], 0);
    assert_eq!((w[7], w[8]), (1, 0));
    assert_eq!(w[9], M1);
    assert_eq!(
        &r.outcome.return_data[80..],
        b"hello\0\0\0",
        "only min(len, cap) bytes copied"
    );
    // Committed, and visible to the next call.
    assert_eq!(
        chain.storage(&probe, b"key").unwrap(),
        Some(b"hello world".to_vec())
    );
    let w = ok_words(
        &mut chain,
        &probe,
        &Script::new().write(0, b"key").int(SIZE, &[s(0), 3]),
    );
    assert_eq!(w, vec![11]);
}

#[test]
fn diff_shows_storage_keys_with_old_and_new() {
    let (mut chain, probe) = chain_with_probe();
    let first = run(
        &mut chain,
        &probe,
        &Script::new()
            .write(0, b"a")
            .write(8, b"one")
            .int(WRITE, &[s(0), 1, s(8), 3]),
    );
    assert_eq!(first.diff.entries.len(), 1);
    let e = &first.diff.entries[0];
    assert_eq!(e.key, keys::storage_key(&probe, b"a"));
    assert_eq!(e.key[0], 0x06);
    assert_eq!(&e.key[1..33], &probe);
    assert_eq!(
        (e.old.clone(), e.new.clone()),
        (None, Some(b"one".to_vec()))
    );
    let second = run(
        &mut chain,
        &probe,
        &Script::new()
            .write(0, b"ab")
            .write(8, b"two")
            .int(WRITE, &[s(0), 1, s(8), 3]) // a: one → two
            .int(WRITE, &[s(0), 2, s(8), 0]) // ab: new, empty
            .int(WRITE, &[s(0), 0, s(8), 1]) // "": new
            .int(REMOVE, &[s(0), 2]) // ab removed again: no net change
            .int(WRITE, &[s(0), 1, s(8), 3]), // a rewritten with the same value
    );
    let got: Vec<Change> = second
        .diff
        .entries
        .iter()
        .map(|e| (e.key.clone(), e.old.clone(), e.new.clone()))
        .collect();
    assert_eq!(
        got,
        vec![
            (keys::storage_key(&probe, b""), None, Some(b"t".to_vec())),
            (
                keys::storage_key(&probe, b"a"),
                Some(b"one".to_vec()),
                Some(b"two".to_vec())
            ),
        ]
    );
}

#[test]
fn limits_and_bad_pointers_fault() {
    let sched = schedule();
    let (kmax, vmax) = (
        sched.limits().storage_key_bytes,
        sched.limits().storage_value_bytes,
    );
    let (mut chain, probe) = chain_with_probe();
    let cases: Vec<(Script, &str)> = vec![
        (
            Script::new().int(WRITE, &[s(0), kmax + 1, s(0), 1]),
            "storage key limit exceeded",
        ),
        (
            Script::new().int(READ, &[s(0), kmax + 1, s(0), 1]),
            "storage key limit",
        ),
        (
            Script::new().int(SIZE, &[s(0), kmax + 1]),
            "storage key limit",
        ),
        (
            Script::new().int(REMOVE, &[s(0), u64::MAX]),
            "storage key limit",
        ),
        (
            Script::new().int(WRITE, &[s(0), 1, s(0), vmax + 1]),
            "storage value limit exceeded",
        ),
        (
            Script::new().int(WRITE, &[0x1000, 1, s(0), 1]),
            "read of unmapped memory at 0x1000",
        ),
        (
            Script::new().int(WRITE, &[s(0), 1, 0x1000, 1]),
            "read of unmapped",
        ),
        (
            Script::new().int(READ, &[s(0), 1, abi_support::probe().entry, 1]),
            "write of",
        ),
        // The whole (dst, cap) pair must be writable even when the key is absent.
        (
            Script::new().int(READ, &[s(0), 1, 0x1000, 8]),
            "write of unmapped",
        ),
    ];
    for (script, needle) in cases {
        let msg = fault_text(&mut chain, &probe, &script);
        assert!(msg.contains(needle), "{msg} should mention {needle}");
    }
    // Exactly at the limits is fine.
    let w = ok_words(
        &mut chain,
        &probe,
        &Script::new()
            .int(WRITE, &[s(0), kmax, s(0), vmax])
            .int(SIZE, &[s(0), kmax]),
    );
    assert_eq!(w[1], vmax);
}

#[test]
fn metered_lengths_follow_the_gas_crate() {
    // read: key_len + stored value length (0 when absent).
    let script = Script::new()
        .write(0, b"k2")
        .write(8, &[7; 40])
        .int(READ, &[s(0), 2, s(100), 0]); // absent: 2
    assert_eq!(metering(READ, &script, 0), (1, 2));
    let script = Script::new()
        .write(0, b"k2")
        .write(8, &[7; 40])
        .int(WRITE, &[s(0), 2, s(8), 40]) // 2 + 40
        .int(READ, &[s(0), 2, s(100), 3]); // 2 + 40 (not the 3 copied)
    assert_eq!(metering(READ, &script, 0), (1, 42));
    assert_eq!(metering(WRITE, &script, 0), (1, 42));
    let script = Script::new()
        .write(0, b"k2")
        .int(SIZE, &[s(0), 2])
        .int(REMOVE, &[s(0), 1]);
    assert_eq!(metering(SIZE, &script, 0), (1, 2));
    assert_eq!(metering(REMOVE, &script, 0), (1, 1));
}

#[test]
fn new_slot_surcharge_only_for_absent_keys() {
    let new_slot = schedule().surcharges().storage_new_slot;
    let (mut chain, probe) = chain_with_probe();
    let write = Script::new()
        .write(0, b"slot")
        .int(WRITE, &[s(0), 4, s(0), 4]);
    let g_new = run(&mut chain, &probe, &write).outcome.gas_used;
    let g_existing = run(&mut chain, &probe, &write).outcome.gas_used;
    assert_eq!(g_new - g_existing, new_slot);
    // Removing makes it new again.
    run(
        &mut chain,
        &probe,
        &Script::new().write(0, b"slot").int(REMOVE, &[s(0), 4]),
    );
    assert_eq!(run(&mut chain, &probe, &write).outcome.gas_used, g_new);
}

#[test]
fn writes_of_a_failed_call_are_dropped() {
    let (mut chain, probe) = chain_with_probe();
    let root = chain.state_root().unwrap();
    let r = run(
        &mut chain,
        &probe,
        &Script::new()
            .write(0, b"x")
            .int(WRITE, &[s(0), 1, s(0), 1])
            .int(0x13, &[0]),
    );
    assert_eq!(r.outcome.status, Status::Fault);
    assert!(r.diff.entries.is_empty(), "gas price 0: nothing changes");
    assert_eq!(chain.storage(&probe, b"x").unwrap(), None);
    assert_eq!(chain.state_root().unwrap(), root);
    let r = run(
        &mut chain,
        &probe,
        &Script::new()
            .write(0, b"x")
            .int(WRITE, &[s(0), 1, s(0), 1])
            .int(0x60, &[s(0), 1]),
    );
    assert_eq!(r.outcome.status, Status::Reverted);
    assert_eq!(r.outcome.return_data, b"x");
    assert_eq!(chain.storage(&probe, b"x").unwrap(), None);
}
