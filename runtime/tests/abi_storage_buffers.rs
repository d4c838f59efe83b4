//! Storage interrupts around the handler's stack buffers: keys and values
//! at, below and above the 256-byte inline size, reads with every kind of
//! capacity, and slots rewritten in place then rolled back by a reverting
//! re-entrant call.
mod abi_support;
use abi_support::*;
use echovm_runtime::host::{Address, Status};
use echovm_runtime::state::keys;

const READ: u8 = 0x70;
const WRITE: u8 = 0x71;
const SIZE: u8 = 0x73;
const CALL: u8 = 0x30;
const REVERT: u8 = 0x60;

/// Scratch layout.
const KEY: u32 = 0;
const VAL: u32 = 1024;
const TO: u32 = 4096;
const VALUE: u32 = 4160;
const INNER: u32 = 8192;
const DST: u32 = 32768;

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(7) ^ seed).collect()
}

#[test]
fn reads_copy_exactly_min_of_cap_and_length() {
    let (mut chain, probe) = chain_with_probe();
    let caps = [0u64, 10, 255, 256, 257, 2000];
    for (key_len, vlen) in [(0, 0), (1, 1), (256, 255), (32, 256), (256, 257), (3, 1000)] {
        let key = pattern(key_len, 0x5a);
        let value = pattern(vlen, vlen as u8);
        let mut script = Script::new()
            .write(KEY, &key)
            .write(VAL, &value)
            .int(WRITE, &[s(KEY), key_len as u64, s(VAL), vlen as u64])
            .int(SIZE, &[s(KEY), key_len as u64]);
        for (i, &cap) in caps.iter().enumerate() {
            let dst = DST + i as u32 * 4096;
            script = script
                .write(dst, &[0xee; 2048])
                .int(READ, &[s(KEY), key_len as u64, s(dst), cap]);
        }
        for (i, &cap) in caps.iter().enumerate() {
            let n = cap.min(vlen as u64) as u32;
            script = script.read(DST + i as u32 * 4096, n + 4);
        }
        let r = run(&mut chain, &probe, &script);
        assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
        let data = &r.outcome.return_data;
        let w = words(&data[..8 * (2 + caps.len())]);
        assert_eq!(w[1], vlen as u64, "size");
        let mut at = 8 * (2 + caps.len());
        for (i, &cap) in caps.iter().enumerate() {
            assert_eq!(w[2 + i], vlen as u64, "read returns the full length");
            let n = cap.min(vlen as u64) as usize;
            assert_eq!(
                &data[at..at + n],
                &value[..n],
                "key {key_len}, value {vlen}, cap {cap}"
            );
            assert_eq!(
                &data[at + n..at + n + 4],
                &[0xee; 4],
                "nothing past min(cap, len)"
            );
            at += n + 4;
        }
        assert_eq!(chain.storage(&probe, &key).unwrap(), Some(value));
    }
}

/// A script that calls `to` with `inner` as input.
fn calling(to: &Address, inner: &Script) -> Script {
    let inner = inner.bytes();
    Script::new()
        .write(TO, to)
        .write(VALUE, &0u128.to_le_bytes())
        .write(INNER, &inner)
        .int(
            CALL,
            &[s(TO), s(INNER), inner.len() as u64, 1_000_000, s(VALUE)],
        )
}

/// Write `value` under the one-byte key "k".
fn put(value: &[u8]) -> Script {
    Script::new()
        .write(KEY, b"k")
        .write(VAL, value)
        .int(WRITE, &[s(KEY), 1, s(VAL), value.len() as u64])
}

/// Log the length of "k" and then its first 16 bytes.
fn get() -> Script {
    Script::new()
        .write(KEY, b"k")
        .write(DST, &[0; 16])
        .int(READ, &[s(KEY), 1, s(DST), 16])
        .read(DST, 16)
}

#[test]
fn rewritten_slots_roll_back_with_a_reverting_reentrant_call() {
    let (mut chain, me) = chain_with_probe();
    let reverting = put(b"three")
        .then(put(b"four, longer"))
        .then(put(b""))
        .then(Script::new().int(REVERT, &[s(0), 0]));
    let succeeding = put(b"six").then(put(b"seven"));
    let script = put(b"one")
        .then(put(b"two"))
        .then(calling(&me, &reverting)) // result 2: 1 = reverted
        .then(get()) // 3
        .then(put(b"five"))
        .then(calling(&me, &succeeding)) // result 5: 0 = success
        .then(get()); // 6
    let r = run(&mut chain, &me, &script);
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    let d = &r.outcome.return_data;
    let word = |at: usize| u64::from_le_bytes(d[at..at + 8].try_into().unwrap());
    // Logged: 2 writes, call, read + 16 bytes, write, call, read + 16 bytes.
    assert_eq!(word(16), 1, "inner call reverted");
    assert_eq!(word(24), 3, "the caller's last write survives the revert");
    assert_eq!(&d[32..35], b"two");
    assert_eq!(word(56), 0, "inner call succeeded");
    assert_eq!(word(64), 5);
    assert_eq!(&d[72..77], b"seven");
    assert_eq!(chain.storage(&me, b"k").unwrap(), Some(b"seven".to_vec()));
    let k = keys::storage_key(&me, b"k");
    let e: Vec<_> = r.diff.entries.iter().filter(|e| e.key == k).collect();
    assert_eq!(e.len(), 1);
    assert_eq!(
        (e[0].old.clone(), e[0].new.clone()),
        (None, Some(b"seven".to_vec()))
    );
}
