//! End to end: a token contract written with the C SDK (storage, events,
//! caller, revert, keccak, the libc heap) deployed and called on a state.
mod abi_support;
use abi_support::*;
use echovm_runtime::host::{Address, Status};
use echovm_runtime::state::{keys, Chain, MemBackend, StateDiff, DEFAULT_CALLER};
use std::sync::OnceLock;

fn token() -> &'static echovm_runtime::program::Program {
    static T: OnceLock<echovm_runtime::program::Program> = OnceLock::new();
    T.get_or_init(|| build_contract("token"))
}

fn transfer(to: &Address, amount: u128) -> Vec<u8> {
    [&[b't'][..], to, &amount.to_le_bytes()].concat()
}

fn balance(chain: &mut Chain<MemBackend>, token: &Address, who: &Address) -> u128 {
    let r = chain
        .call(token, &DEFAULT_CALLER, 0, GAS, [&[b'b'][..], who].concat())
        .unwrap();
    assert!(r.succeeded(), "{:?}", r.outcome.trap);
    assert!(r.diff.entries.is_empty(), "a balance query changes nothing");
    u128::from_le_bytes(r.outcome.return_data.try_into().unwrap())
}

fn bal_key(token: &Address, who: &Address) -> Vec<u8> {
    keys::storage_key(token, &[&b"bal"[..], who].concat())
}

#[test]
fn deploy_transfer_events_and_revert() {
    let mut chain = Chain::in_memory(schedule()).unwrap();
    let d = chain
        .deploy(
            token(),
            &DEFAULT_CALLER,
            0,
            GAS,
            1000u128.to_le_bytes().to_vec(),
        )
        .unwrap();
    assert_eq!(d.outcome.status, Status::Success, "{:?}", d.outcome.trap);
    let t = d.address;
    let bob = [0xb0u8; 32];
    assert_eq!(balance(&mut chain, &t, &DEFAULT_CALLER), 1000);

    let r = chain
        .call(&t, &DEFAULT_CALLER, 0, GAS, transfer(&bob, 300))
        .unwrap();
    assert!(r.succeeded(), "{:?}", r.outcome.trap);
    assert_eq!(r.events().len(), 1);
    let e = &r.events()[0];
    assert_eq!(e.contract, t);
    assert_eq!(e.topic, echovm_precompiles::keccak256(b"Transfer"));
    assert_eq!(
        e.data,
        [&DEFAULT_CALLER[..], &bob, &300u128.to_le_bytes()].concat()
    );
    // The diff: two storage entries, sorted by key, with old/new values.
    let mut expected = vec![
        (
            bal_key(&t, &DEFAULT_CALLER),
            Some(1000u128.to_le_bytes().to_vec()),
            Some(700u128.to_le_bytes().to_vec()),
        ),
        (
            bal_key(&t, &bob),
            None,
            Some(300u128.to_le_bytes().to_vec()),
        ),
    ];
    expected.sort();
    let got: Vec<_> = r
        .diff
        .entries
        .iter()
        .map(|e| (e.key.clone(), e.old.clone(), e.new.clone()))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(StateDiff::from_bytes(&r.diff_bytes()).unwrap(), r.diff);

    // Bob sends everything back: his entry is removed (absent, not zero).
    let r = chain
        .call(&t, &bob, 0, GAS, transfer(&DEFAULT_CALLER, 300))
        .unwrap();
    assert!(r.succeeded(), "{:?}", r.outcome.trap);
    assert!(r
        .diff
        .entries
        .iter()
        .any(|e| e.key == bal_key(&t, &bob) && e.new.is_none()));
    assert_eq!(balance(&mut chain, &t, &bob), 0);

    // Overdraft reverts with the message and changes nothing.
    let root = chain.state_root().unwrap();
    let r = chain
        .call(&t, &bob, 0, GAS, transfer(&DEFAULT_CALLER, 1))
        .unwrap();
    assert_eq!(r.outcome.status, Status::Reverted);
    assert_eq!(r.outcome.return_data, b"insufficient");
    assert!(r.diff.entries.is_empty() && r.events().is_empty());
    assert_eq!(chain.state_root().unwrap(), root);
}

#[test]
fn libc_heap_through_realloc() {
    let mut chain = Chain::in_memory(schedule()).unwrap();
    let t = chain
        .deploy(
            token(),
            &DEFAULT_CALLER,
            0,
            GAS,
            5u128.to_le_bytes().to_vec(),
        )
        .unwrap()
        .address;
    for n in [0u64, 1, 5, 1000, 100_000] {
        let r = chain
            .call(
                &t,
                &DEFAULT_CALLER,
                0,
                1_000_000_000,
                [&[b's'][..], &n.to_le_bytes()].concat(),
            )
            .unwrap();
        assert!(r.succeeded(), "n = {n}: {:?}", r.outcome.trap);
        let sum = u64::from_le_bytes(r.outcome.return_data.try_into().unwrap());
        assert_eq!(sum, n * n.saturating_sub(1) / 2, "n = {n}");
    }
    // 100_000 u64s need 800 KB of heap; a 512 KiB heap limit makes realloc fail.
    let sched = schedule_with(|d| d.limits.heap_bytes = 512 * 1024);
    let mut chain = Chain::in_memory(sched).unwrap();
    let t = chain
        .deploy(
            token(),
            &DEFAULT_CALLER,
            0,
            GAS,
            5u128.to_le_bytes().to_vec(),
        )
        .unwrap()
        .address;
    let r = chain
        .call(
            &t,
            &DEFAULT_CALLER,
            0,
            1_000_000_000,
            [&[b's'][..], &100_000u64.to_le_bytes()].concat(),
        )
        .unwrap();
    assert_eq!(r.outcome.status, Status::Reverted);
    assert_eq!(r.outcome.return_data, b"out of heap");
}
