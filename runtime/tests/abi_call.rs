//! Nested calls (0x30–0x32) and events (0x38) through real contracts: status
//! codes, return data, rollback, gas forwarding and charging, value, depth.
mod abi_support;
use abi_support::*;
use echovm_gas::Schedule;
use echovm_runtime::host::{Address, Status};
use echovm_runtime::state::{keys, Chain, MemBackend, DEFAULT_CALLER};

const BALANCE: u8 = 0x20;
const CALLER: u8 = 0x2A;
const ORIGIN: u8 = 0x2B;
const SELF: u8 = 0x2C;
const GAS_LIMIT: u8 = 0x26;
const GAS_LEFT: u8 = 0x2F;
const CALL: u8 = 0x30;
const RD_SIZE: u8 = 0x31;
const RD_READ: u8 = 0x32;
const EVENT: u8 = 0x38;
const CALL_VALUE: u8 = 0x29;
const WRITE: u8 = 0x71;
const REVERT: u8 = 0x60;

/// Scratch layout of a calling script.
const TO: u32 = 0; // callee address
const VALUE: u32 = 32; // u128 value
const INNER: u32 = 4096; // callee's script

/// Two probes: A (the caller) and B (the callee).
fn two_probes(sched: Schedule) -> (Chain<MemBackend>, Address, Address) {
    let (mut chain, a) = chain_with_probe_on(sched);
    let r = chain
        .deploy(probe(), &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap();
    assert_eq!(r.outcome.status, Status::Success);
    assert_ne!(r.address, a);
    (chain, a, r.address)
}

/// A script that calls `to` with `inner` as input, `gas` and `value`.
fn calling(to: &Address, inner: &Script, gas: u64, value: u128) -> Script {
    let inner = inner.bytes();
    Script::new()
        .write(TO, to)
        .write(VALUE, &value.to_le_bytes())
        .write(INNER, &inner)
        .int(CALL, &[s(TO), s(INNER), inner.len() as u64, gas, s(VALUE)])
}

#[test]
fn success_returns_data_and_context() {
    let (mut chain, a, b) = two_probes(schedule());
    let inner = Script::new()
        .int(CALLER, &[s(0)])
        .int(ORIGIN, &[s(32)])
        .int(SELF, &[s(64)])
        .read(0, 96);
    let script = calling(&b, &inner, 1_000_000, 0)
        .int(RD_SIZE, &[]) // 1
        .int(RD_READ, &[s(1000), 24, 96]) // 2: the 96 address bytes after 3 words
        .int(RD_READ, &[s(2000), 200, 10]) // 3: past the end
        .int(RD_READ, &[s(2000), u64::MAX, 10]) // 4
        .read(1000, 96);
    let r = run(&mut chain, &a, &script);
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    let w = words(&r.outcome.return_data[..40]);
    assert_eq!(w, vec![0, 24 + 96, 96, 0, 0]);
    let mem = &r.outcome.return_data[40..];
    assert_eq!(&mem[..32], &a, "callee's caller is the calling contract");
    assert_eq!(
        &mem[32..64],
        &DEFAULT_CALLER,
        "origin stays the transaction sender"
    );
    assert_eq!(&mem[64..96], &b);
}

#[test]
fn revert_keeps_return_data_and_drops_callee_changes() {
    let (mut chain, a, b) = two_probes(schedule());
    let inner = Script::new()
        .write(0, b"kv")
        .int(WRITE, &[s(0), 1, s(1), 1])
        .int(EVENT, &[s(0), s(0), 2])
        .int(REVERT, &[s(0), 2]);
    let script = calling(&b, &inner, 1_000_000, 0)
        .write(64, b"mine")
        .int(WRITE, &[s(64), 4, s(64), 4])
        .int(RD_SIZE, &[])
        .int(RD_READ, &[s(100), 0, 2])
        .read(100, 2);
    let r = run(&mut chain, &a, &script);
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    let w = words(&r.outcome.return_data[..32]);
    assert_eq!(w[0], 1, "reverted");
    assert_eq!(w[2], 2);
    assert_eq!(&r.outcome.return_data[32..], b"kv");
    assert_eq!(chain.storage(&b, b"k").unwrap(), None);
    assert_eq!(chain.storage(&a, b"mine").unwrap(), Some(b"mine".to_vec()));
    assert!(r.events().is_empty());
    assert_eq!(r.diff.entries.len(), 1);
}

#[test]
fn callee_fault_and_out_of_gas_are_failed() {
    let (mut chain, a, b) = two_probes(schedule());
    // Fault.
    let inner = Script::new()
        .write(0, b"z")
        .int(WRITE, &[s(0), 1, s(0), 1])
        .int(0x13, &[0]);
    let r = run(
        &mut chain,
        &a,
        &calling(&b, &inner, 1_000_000, 0).int(RD_SIZE, &[]),
    );
    assert_eq!(words(&r.outcome.return_data), vec![2, 0]);
    assert_eq!(chain.storage(&b, b"z").unwrap(), None);
    // Out of gas: the caller pays exactly what it forwarded.
    let spin = Script::new()
        .write(0, b"z")
        .int(WRITE, &[s(0), 1, s(0), 1])
        .int(GAS_LEFT, &[]);
    let measure = |chain: &mut Chain<MemBackend>, gas: u64| {
        let script = Script::new()
            .int(GAS_LEFT, &[])
            .then(calling(&b, &spin, gas, 0))
            .int(GAS_LEFT, &[]);
        let w = ok_words(chain, &a, &script);
        assert_eq!(w[1], 2, "callee ran out of gas");
        w[0] - w[2]
    };
    let (g1, g2) = (measure(&mut chain, 1000), measure(&mut chain, 2000));
    assert_eq!(g2 - g1, 1000);
    assert_eq!(chain.storage(&b, b"z").unwrap(), None);
}

#[test]
fn gas_forwarded_is_min_of_requested_and_left() {
    let (mut chain, a, b) = two_probes(schedule());
    let inner = Script::new().int(GAS_LIMIT, &[]);
    let w = ok_words(
        &mut chain,
        &a,
        &calling(&b, &inner, 123_456, 0)
            .int(RD_READ, &[s(100), 0, 8])
            .read(100, 8),
    );
    assert_eq!(w, vec![0, 8, 123_456]);
    // Requesting everything forwards what is left after the call's own charge.
    let script = Script::new()
        .int(GAS_LEFT, &[])
        .then(calling(&b, &inner, u64::MAX, 0))
        .int(RD_READ, &[s(100), 0, 8])
        .read(100, 8);
    let w = ok_words(&mut chain, &a, &script);
    let (before, forwarded) = (w[0], w[3]);
    let call_cost = vcost(&schedule(), CALL, inner.bytes().len() as u64);
    assert!(
        forwarded < before - call_cost && forwarded > before - call_cost - 2000,
        "{before} {forwarded}"
    );
}

#[test]
fn value_moves_with_the_call_and_short_funds_fail() {
    let (mut chain, a, b) = two_probes(schedule());
    let inner = Script::new().int(CALL_VALUE, &[s(0)]).read(0, 16);
    let script = calling(&b, &inner, 1_000_000, 300)
        .write(5000, &b)
        .int(BALANCE, &[s(5000), s(6000)])
        .read(6000, 16);
    let r = chain
        .call(&a, &DEFAULT_CALLER, 1000, GAS, script.bytes())
        .unwrap();
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    assert_eq!(
        words(&r.outcome.return_data[..8]),
        vec![0],
        "call succeeded"
    );
    assert_eq!(&r.outcome.return_data[16..], &300u128.to_le_bytes());
    assert_eq!(
        (chain.balance(&a).unwrap(), chain.balance(&b).unwrap()),
        (700, 300)
    );
    // 701 > 700: failed, nothing moves, the callee does not run.
    let w = ok_words(
        &mut chain,
        &a,
        &calling(&b, &inner, 1_000_000, 701).int(RD_SIZE, &[]),
    );
    assert_eq!(w, vec![2, 0]);
    assert_eq!(
        (chain.balance(&a).unwrap(), chain.balance(&b).unwrap()),
        (700, 300)
    );
    // A value sent to a reverting callee comes back.
    let w = ok_words(
        &mut chain,
        &a,
        &calling(&b, &Script::new().int(REVERT, &[0, 0]), 1_000_000, 100),
    );
    assert_eq!(w, vec![1]);
    assert_eq!(chain.balance(&b).unwrap(), 300);
}

#[test]
fn call_to_an_account_without_code_transfers() {
    let (mut chain, a, _) = two_probes(schedule());
    let eoa = [0x42u8; 32];
    let script = calling(&eoa, &Script::new(), 1_000_000, 10).int(RD_SIZE, &[]);
    let r = chain
        .call(&a, &DEFAULT_CALLER, 10, GAS, script.bytes())
        .unwrap();
    assert_eq!(words(&r.outcome.return_data), vec![0, 0]);
    assert_eq!(chain.balance(&eoa).unwrap(), 10);
}

#[test]
fn depth_limit_fails_the_call_without_running_it() {
    // call_depth = 2: A (level 1) may call B (level 2); B's own call fails.
    let (mut chain, a, b) = two_probes(schedule_with(|d| d.limits.call_depth = 2));
    let innermost = Script::new()
        .write(0, b"deep")
        .int(WRITE, &[s(0), 4, s(0), 4]);
    let middle = calling(&a, &innermost, 100_000, 0).read(0, 0);
    let script = calling(&b, &middle, 1_000_000, 0)
        .int(RD_READ, &[s(100), 0, 8])
        .read(100, 8);
    let w = ok_words(&mut chain, &a, &script);
    assert_eq!(w, vec![0, 8, 2], "B's call at level 3 failed with status 2");
    assert_eq!(chain.storage(&a, b"deep").unwrap(), None);
    // call_depth = 1: no nested call at all.
    let (mut chain, a, b) = two_probes(schedule_with(|d| d.limits.call_depth = 1));
    let w = ok_words(&mut chain, &a, &calling(&b, &Script::new(), 100_000, 0));
    assert_eq!(w, vec![2]);
}

#[test]
fn recursion_to_the_default_depth_limit() {
    // Level k (the outermost call is level 1) stores key [k] and calls level
    // k + 1 with all its gas; the call that would be level 65 fails, the
    // 64 levels below it succeed and commit.
    let depth = schedule().limits().call_depth;
    let (mut chain, a, _) = two_probes(schedule());
    let levels = depth as u8 + 3;
    let mut script = Script::new();
    for k in (1..=levels).rev() {
        let store = Script::new().write(8, &[k]).int(WRITE, &[s(8), 1, s(8), 1]);
        script = if k == levels {
            store
        } else {
            store.then(calling(&a, &script, u64::MAX, 0))
        };
    }
    let r = chain
        .call(&a, &DEFAULT_CALLER, 0, 1_000_000_000, script.bytes())
        .unwrap();
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    for k in 1..=levels {
        let stored = chain.storage(&a, &[k]).unwrap().is_some();
        assert_eq!(stored, u64::from(k) <= depth, "level {k}");
    }
}

#[test]
fn events_are_recorded_in_order_and_dropped_with_their_call() {
    let (mut chain, a, b) = two_probes(schedule());
    let ok_inner = Script::new()
        .write(0, &[9; 32])
        .write(32, b"from b")
        .int(EVENT, &[s(0), s(32), 6]);
    let bad_inner = ok_inner.clone().int(REVERT, &[0, 0]);
    let script = Script::new()
        .write(8000, &[1; 32])
        .int(EVENT, &[s(8000), s(8000), 3]) // A's first event
        .then(calling(&b, &ok_inner, 1_000_000, 0))
        .then(calling(&b, &bad_inner, 1_000_000, 0))
        .int(EVENT, &[s(8000), s(8000), 0]);
    let r = run(&mut chain, &a, &script);
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    let ev: Vec<(Address, [u8; 32], Vec<u8>)> = r
        .events()
        .iter()
        .map(|e| (e.contract, e.topic, e.data.clone()))
        .collect();
    assert_eq!(
        ev,
        vec![
            (a, [1; 32], vec![1, 1, 1]),
            (b, [9; 32], b"from b".to_vec()),
            (a, [1; 32], vec![])
        ],
    );
    // A failed top-level call keeps no events.
    let r = run(&mut chain, &a, &Script(script.0.clone()).int(0x13, &[0]));
    assert!(r.events().is_empty());
}

#[test]
fn event_limits_fault() {
    let sched = schedule_with(|d| {
        d.limits.events_per_call = 2;
        d.limits.event_data_bytes = 100;
    });
    let (mut chain, a, b) = two_probes(sched);
    let msg = fault_text(
        &mut chain,
        &a,
        &Script::new().int(EVENT, &[s(0), s(0), 101]),
    );
    assert!(
        msg.contains("event data limit exceeded: 101 > 100"),
        "{msg}"
    );
    // Nested calls count toward the same budget.
    let inner = Script::new().int(EVENT, &[s(0), s(0), 1]);
    let script = Script::new()
        .int(EVENT, &[s(0), s(0), 1])
        .then(calling(&b, &inner, 1_000_000, 0));
    let r = run(&mut chain, &a, &script);
    assert_eq!(r.outcome.status, Status::Success);
    assert_eq!(r.events().len(), 2);
    let msg = fault_text(&mut chain, &a, &script.clone().int(EVENT, &[s(0), s(0), 1]));
    assert!(
        msg.contains("events per call limit exceeded: 3 > 2"),
        "{msg}"
    );
    let msg = fault_text(
        &mut chain,
        &a,
        &Script::new().int(EVENT, &[0x1000, s(0), 1]),
    );
    assert!(msg.contains("unmapped"), "{msg}");
}

#[test]
fn call_argument_faults() {
    let (mut chain, a, b) = two_probes(schedule());
    let limit = schedule().limits().input_bytes;
    let cases: Vec<(Script, &str)> = vec![
        (
            Script::new()
                .write(0, &b)
                .int(CALL, &[s(0), s(64), limit + 1, 1000, s(32)]),
            "call input limit exceeded",
        ),
        (
            Script::new().int(CALL, &[0x1000, s(64), 0, 1000, s(32)]),
            "unmapped",
        ),
        (
            Script::new()
                .write(0, &b)
                .int(CALL, &[s(0), s(64), 0, 1000, 0x1000]),
            "unmapped",
        ),
        (
            Script::new()
                .write(0, &b)
                .int(CALL, &[s(0), 0x1000, 5, 1000, s(32)]),
            "unmapped",
        ),
        (Script::new().int(RD_READ, &[0x1000, 0, 1]), "unmapped"),
        (
            Script::new().int(RD_READ, &[probe().entry, 0, 0x10]),
            "write of",
        ),
    ];
    for (script, needle) in cases {
        let msg = fault_text(&mut chain, &a, &script);
        assert!(msg.contains(needle), "{msg} should mention {needle}");
    }
}

#[test]
fn call_metering() {
    let (_, _, b) = two_probes(schedule());
    // Input length is the metered length (the callee's own gas is not part of it).
    let inner = Script::new().read(0, 0);
    let script = calling(&b, &inner, 100_000, 0);
    assert_eq!(metering(CALL, &script, 0), (1, inner.bytes().len() as u64));
    // A non-zero value adds exactly the transfer surcharge.
    let surcharge = schedule().surcharges().call_value_transfer;
    let (mut chain, a, b) = two_probes(schedule());
    let g0 = chain
        .call(
            &a,
            &DEFAULT_CALLER,
            10,
            GAS,
            calling(&b, &inner, 100_000, 0).bytes(),
        )
        .unwrap();
    let g1 = chain
        .call(
            &a,
            &DEFAULT_CALLER,
            10,
            GAS,
            calling(&b, &inner, 100_000, 1).bytes(),
        )
        .unwrap();
    assert_eq!(g1.outcome.gas_used - g0.outcome.gas_used, surcharge);
    // return_data_read: bytes copied. The probe calls itself (its address is
    // the same on the fresh chains `metering` builds).
    let b = a;
    let inner = Script::new().write(0, &[5; 100]).read(0, 100);
    let script = calling(&b, &inner, 100_000, 0).int(RD_READ, &[s(0), 10, 1000]);
    assert_eq!(metering(RD_READ, &script, 0), (1, 90));
    let _ = keys::TAG_STORAGE;
}
