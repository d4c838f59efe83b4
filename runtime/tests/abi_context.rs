//! Chain and call context vectors (0x20–0x2E) through a real contract,
//! including their failure paths.
mod abi_support;
use abi_support::*;
use echovm_runtime::host::{CallContext, Status};
use echovm_runtime::state::overlay::Overlay;
use echovm_runtime::state::session::Session;
use echovm_runtime::state::{
    genesis, keys, DEFAULT_AUTHOR, DEFAULT_CALLER, DEFAULT_CALLER_BALANCE,
};
use echovm_runtime::state::{Chain, MemBackend};

const BALANCE: u8 = 0x20;
const TRANSFER: u8 = 0x21;
const BLOCK_HASH: u8 = 0x24;
const BLOCK_AUTHOR: u8 = 0x25;
const GAS_LIMIT: u8 = 0x26;
const HEIGHT: u8 = 0x27;
const TIMESTAMP: u8 = 0x28;
const CALL_VALUE: u8 = 0x29;
const CALLER: u8 = 0x2A;
const ORIGIN: u8 = 0x2B;
const SELF: u8 = 0x2C;
const IS_DEPLOY: u8 = 0x2E;

const UNMAPPED: u64 = 0x1000;

fn code_addr() -> u64 {
    probe().entry
}

/// First byte after the probe's writable data (page-rounded): unmapped.
fn data_end() -> u64 {
    probe()
        .segments
        .iter()
        .filter(|s| s.flags.writable())
        .map(|s| (s.vaddr + s.mem_size).div_ceil(4096) * 4096)
        .max()
        .unwrap()
}

#[test]
fn addresses_value_and_block_facts() {
    let (mut chain, probe) = chain_with_probe();
    let script = Script::new()
        .int(CALLER, &[s(0)])
        .int(ORIGIN, &[s(32)])
        .int(SELF, &[s(64)])
        .int(BLOCK_AUTHOR, &[s(96)])
        .int(CALL_VALUE, &[s(128)])
        .int(HEIGHT, &[])
        .int(TIMESTAMP, &[])
        .int(IS_DEPLOY, &[])
        .int(GAS_LIMIT, &[])
        .read(0, 144);
    let r = chain
        .call(&probe, &DEFAULT_CALLER, 12345, 777_777, script.bytes())
        .unwrap();
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    let w = words(&r.outcome.return_data[..72]);
    assert_eq!(
        &w[5..9],
        &[
            genesis::DEFAULT_HEIGHT,
            genesis::DEFAULT_TIMESTAMP_MS,
            0,
            777_777
        ]
    );
    let mem = &r.outcome.return_data[72..];
    assert_eq!(&mem[0..32], &DEFAULT_CALLER);
    assert_eq!(
        &mem[32..64],
        &DEFAULT_CALLER,
        "origin of a top-level call is the sender"
    );
    assert_eq!(&mem[64..96], &probe);
    assert_eq!(&mem[96..128], &DEFAULT_AUTHOR);
    assert_eq!(&mem[128..144], &12345u128.to_le_bytes());
}

#[test]
fn is_deploy_is_one_only_during_deploy() {
    let mut chain = echovm_runtime::state::Chain::in_memory(schedule()).unwrap();
    let r = chain
        .deploy(
            probe(),
            &DEFAULT_CALLER,
            0,
            GAS,
            Script::new().int(IS_DEPLOY, &[]).bytes(),
        )
        .unwrap();
    assert_eq!(words(&r.outcome.return_data), vec![1]);
    let w = ok_words(&mut chain, &r.address, &Script::new().int(IS_DEPLOY, &[]));
    assert_eq!(w, vec![0]);
}

#[test]
fn balance_and_transfer() {
    let (mut chain, probe) = chain_with_probe();
    let to = [0x77u8; 32];
    // Fund the contract with 1000 through the call's value.
    let script = Script::new()
        .write(0, &probe)
        .write(32, &to)
        .write(64, &400u128.to_le_bytes())
        .write(80, &601u128.to_le_bytes())
        .int(BALANCE, &[s(0), s(100)]) // 0: own balance = 1000
        .int(TRANSFER, &[s(32), s(64)]) // 1: 400 → ok
        .int(TRANSFER, &[s(32), s(80)]) // 2: 601 > 600 → -1
        .int(BALANCE, &[s(32), s(116)]) // 3
        .read(100, 32);
    let r = chain
        .call(&probe, &DEFAULT_CALLER, 1000, GAS, script.bytes())
        .unwrap();
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    let w = words(&r.outcome.return_data[..32]);
    assert_eq!(w[1], 0);
    assert_eq!(w[2] as i64, -1);
    assert_eq!(&r.outcome.return_data[32..48], &1000u128.to_le_bytes());
    assert_eq!(&r.outcome.return_data[48..64], &400u128.to_le_bytes());
    assert_eq!(chain.balance(&probe).unwrap(), 600);
    assert_eq!(chain.balance(&to).unwrap(), 400);
    assert_eq!(
        chain.balance(&DEFAULT_CALLER).unwrap(),
        DEFAULT_CALLER_BALANCE - 1000
    );
    // The diff lists the three balances, sorted by key (tag 0x01 ‖ address).
    let keys: Vec<Vec<u8>> = r.diff.entries.iter().map(|e| e.key.clone()).collect();
    let mut expected = vec![
        keys::balance_key(&DEFAULT_CALLER),
        keys::balance_key(&to),
        keys::balance_key(&probe),
    ];
    expected.sort();
    assert_eq!(keys, expected);
}

#[test]
fn block_hash_known_and_unknown() {
    let (mut chain, probe) = chain_with_probe();
    let w = ok_words(
        &mut chain,
        &probe,
        &Script::new()
            .int(BLOCK_HASH, &[0, s(0)])
            .int(BLOCK_HASH, &[1, s(32)])
            .int(BLOCK_HASH, &[u64::MAX, s(32)]),
    );
    assert_eq!(w[0], 0);
    assert_eq!(w[1] as i64, -1, "the current block's hash is not known yet");
    assert_eq!(w[2] as i64, -1);
    let r = run(
        &mut chain,
        &probe,
        &Script::new().int(BLOCK_HASH, &[0, s(0)]).read(0, 32),
    );
    assert_eq!(&r.outcome.return_data[8..], &genesis::genesis_block_hash());
}

#[test]
fn bad_pointers_fault() {
    let (mut chain, probe) = chain_with_probe();
    let cases: Vec<(Script, &str)> = vec![
        (Script::new().int(CALLER, &[UNMAPPED]), "unmapped"),
        (Script::new().int(ORIGIN, &[code_addr()]), "not permitted"),
        (
            Script::new().int(SELF, &[data_end() - 16]),
            "write of unmapped",
        ),
        (Script::new().int(BLOCK_AUTHOR, &[0]), "unmapped"),
        (
            Script::new().int(CALL_VALUE, &[code_addr()]),
            "not permitted",
        ),
        (
            Script::new().int(BALANCE, &[UNMAPPED, s(0)]),
            "read of unmapped",
        ),
        (Script::new().int(BALANCE, &[s(0), code_addr()]), "write"),
        (
            Script::new().int(TRANSFER, &[s(0), UNMAPPED]),
            "read of unmapped",
        ),
        (Script::new().int(BLOCK_HASH, &[0, code_addr()]), "write"),
        (Script::new().int(BLOCK_HASH, &[5, UNMAPPED]), "unmapped"),
    ];
    for (script, needle) in cases {
        let msg = fault_text(&mut chain, &probe, &script);
        assert!(msg.contains(needle), "{msg} should mention {needle}");
    }
}

#[test]
fn unknown_vector_is_rejected_at_deploy_and_faults_if_run() {
    let bad = build_contract_with("probe", &["-DPROBE_BAD_VECTOR"]);
    let mut chain = Chain::in_memory(schedule()).unwrap();
    let err = chain
        .deploy(&bad, &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap_err();
    assert!(err.to_string().contains("0x99"), "{err}");
    // Run without the validator, straight on a session.
    let sched = schedule();
    let backend = MemBackend::new();
    let mut session = Session::new(Overlay::new(&backend), &sched, genesis::default_block());
    let hash = echovm_runtime::state::code_hash(&bad);
    session.preload(hash, std::rc::Rc::new(bad));
    let ctx = CallContext {
        self_address: [3; 32],
        ..Default::default()
    };
    let out = session
        .run(&hash, ctx, Script::new().int(0x99, &[]).bytes(), GAS)
        .unwrap();
    assert_eq!(out.status, Status::Fault);
    let msg = out.trap.unwrap().to_string();
    assert!(
        msg.contains("0x99") && msg.contains("not part of ABI v1"),
        "{msg}"
    );
}

#[test]
fn context_vectors_cost_their_base() {
    let probe_addr = {
        let (_, a) = chain_with_probe();
        a
    };
    for v in [
        BALANCE,
        TRANSFER,
        BLOCK_HASH,
        BLOCK_AUTHOR,
        CALL_VALUE,
        CALLER,
        ORIGIN,
        SELF,
        HEIGHT,
        TIMESTAMP,
        IS_DEPLOY,
        GAS_LIMIT,
    ] {
        let script = Script::new()
            .write(0, &probe_addr)
            .write(32, &5u128.to_le_bytes())
            .int(v, &[s(0), s(32), s(64)])
            .int(v, &[s(0), s(32), s(64)]);
        assert_eq!(
            metering(v, &script, 100),
            (2, 0),
            "vector {v:#x}: two calls, no metered length"
        );
    }
}
