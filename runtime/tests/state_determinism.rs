//! Determinism and diff semantics of the state layer with real contracts:
//! byte-identical diffs and roots, diff application, the gas payment model,
//! deploy addresses and `run_program`.
mod abi_support;
use abi_support::*;
use echovm_runtime::host::Status;
use echovm_runtime::state::backend::snapshot;
use echovm_runtime::state::{
    deploy_address, keys, run_address, Chain, ChainConfig, StateDiff, StateError, DEFAULT_CALLER,
    DEFAULT_CALLER_BALANCE,
};

const WRITE: u8 = 0x71;
const TRANSFER: u8 = 0x21;
const EVENT: u8 = 0x38;

fn busy_script() -> Script {
    Script::new()
        .write(0, b"alpha")
        .write(16, &[0x55; 40])
        .write(64, &[0x77; 32])
        .write(96, &9u128.to_le_bytes())
        .int(WRITE, &[s(0), 5, s(16), 40])
        .int(WRITE, &[s(0), 1, s(16), 0])
        .int(TRANSFER, &[s(64), s(96)])
        .int(EVENT, &[s(64), s(16), 7])
        .int(0x11, &[100])
}

/// Deploy the probe, then run `busy_script` twice; returns every receipt's (diff bytes, root).
fn history() -> Vec<(Vec<u8>, [u8; 32])> {
    let mut chain = Chain::in_memory(schedule()).unwrap();
    let d = chain
        .deploy(probe(), &DEFAULT_CALLER, 50, GAS, Vec::new())
        .unwrap();
    let mut out = vec![(d.diff_bytes(), d.state_root)];
    for _ in 0..2 {
        let r = chain
            .call(&d.address, &DEFAULT_CALLER, 0, GAS, busy_script().bytes())
            .unwrap();
        assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
        out.push((r.diff_bytes(), r.state_root));
    }
    out
}

#[test]
fn same_calls_give_byte_identical_diffs_and_roots() {
    let a = history();
    let b = history();
    assert_eq!(a, b);
    // The second run of the script changes less (its slots exist) but still something.
    assert_ne!(a[1].0, a[2].0);
    assert_ne!(a[1].1, a[2].1);
}

#[test]
fn applying_the_diff_to_the_pre_state_gives_the_post_state() {
    let mut chain = Chain::in_memory(schedule()).unwrap();
    let pre_deploy = snapshot(chain.backend()).unwrap();
    let d = chain
        .deploy(probe(), &DEFAULT_CALLER, 50, GAS, Vec::new())
        .unwrap();
    let pre = snapshot(chain.backend()).unwrap();
    let r = chain
        .call(&d.address, &DEFAULT_CALLER, 0, GAS, busy_script().bytes())
        .unwrap();
    let post = snapshot(chain.backend()).unwrap();

    let diff = StateDiff::from_bytes(&r.diff_bytes()).unwrap();
    assert_eq!(diff, r.diff);
    let mut state = pre.clone();
    diff.apply_to_map(&mut state).unwrap();
    assert_eq!(state, post);
    // Entries are strictly sorted and all real changes.
    assert!(diff.entries.windows(2).all(|w| w[0].key < w[1].key));
    assert!(diff.entries.iter().all(|e| e.old != e.new));
    assert_eq!(diff.events.len(), 1);

    // The deploy's diff rebuilds the deployed state from genesis too.
    let mut state = pre_deploy.clone();
    d.diff.apply_to_map(&mut state).unwrap();
    assert_eq!(state, pre);

    // A diff does not apply to a state it was not made from (and changes nothing).
    let mut wrong = pre_deploy;
    let before = wrong.clone();
    let err = diff.apply_to_map(&mut wrong).unwrap_err();
    assert!(matches!(err, StateError::DiffMismatch { .. }), "{err}");
    assert_eq!(wrong, before);
    // Malformed or non-canonical diff bytes are rejected.
    let mut bytes = r.diff_bytes();
    bytes.push(0);
    assert!(StateDiff::from_bytes(&bytes).is_err());
    let mut swapped = diff.clone();
    swapped.entries.swap(0, 1);
    assert!(StateDiff::from_bytes(&swapped.to_bytes()).is_err());
}

#[test]
fn sender_pays_gas_used_times_price_whatever_the_outcome() {
    let mut chain = Chain::in_memory(schedule()).unwrap();
    chain.set_config(ChainConfig { gas_price: 3 });
    let d = chain
        .deploy(probe(), &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap();
    assert_eq!(d.fee, 3 * d.outcome.gas_used as u128);
    let mut expected = DEFAULT_CALLER_BALANCE - d.fee;
    assert_eq!(chain.balance(&DEFAULT_CALLER).unwrap(), expected);

    // Success with value: value and fee leave the sender.
    let ok = chain
        .call(&d.address, &DEFAULT_CALLER, 40, GAS, busy_script().bytes())
        .unwrap();
    assert!(ok.succeeded());
    expected -= 40 + ok.fee;
    assert_eq!(chain.balance(&DEFAULT_CALLER).unwrap(), expected);

    // Revert, fault and out of gas: only the fee; the diff is the sender's balance alone.
    let reverting = busy_script().int(0x60, &[0, 0]);
    let faulting = busy_script().int(0x13, &[0]);
    for (script, gas, status) in [
        (reverting, GAS, Status::Reverted),
        (faulting, GAS, Status::Fault),
        (busy_script(), 3000, Status::OutOfGas),
    ] {
        let root = chain.state_root().unwrap();
        let r = chain
            .call(&d.address, &DEFAULT_CALLER, 40, gas, script.bytes())
            .unwrap();
        assert_eq!(r.outcome.status, status);
        if status == Status::OutOfGas {
            assert_eq!(r.outcome.gas_used, gas);
        }
        assert_eq!(r.fee, 3 * r.outcome.gas_used as u128);
        expected -= r.fee;
        assert_eq!(chain.balance(&DEFAULT_CALLER).unwrap(), expected);
        assert_eq!(r.diff.entries.len(), 1, "{status:?}: only the fee");
        assert_eq!(r.diff.entries[0].key, keys::balance_key(&DEFAULT_CALLER));
        assert!(r.events().is_empty());
        assert_ne!(r.state_root, root);
    }

    // A sender that cannot cover value + gas limit × price is refused; nothing changes.
    let poor = [0x99u8; 32];
    let root = chain.state_root().unwrap();
    let err = chain
        .call(&d.address, &poor, 0, 10, Vec::new())
        .unwrap_err();
    assert!(
        matches!(
            err,
            StateError::InsufficientFunds {
                needed: 30,
                balance: 0,
                ..
            }
        ),
        "{err}"
    );
    assert_eq!(chain.state_root().unwrap(), root);
}

#[test]
fn deploy_addresses_nonces_and_failed_deploys() {
    let mut chain = Chain::in_memory(schedule()).unwrap();
    let d0 = chain
        .deploy(probe(), &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap();
    assert_eq!(d0.address, deploy_address(&DEFAULT_CALLER, 0));
    // A reverted deploy leaves no contract but uses the nonce.
    let bad = chain
        .deploy(
            probe(),
            &DEFAULT_CALLER,
            7,
            GAS,
            Script::new().int(0x60, &[0, 0]).bytes(),
        )
        .unwrap();
    assert_eq!(bad.outcome.status, Status::Reverted);
    assert_eq!(bad.address, deploy_address(&DEFAULT_CALLER, 1));
    assert_eq!(chain.code_hash_of(&bad.address).unwrap(), None);
    assert_eq!(chain.balance(&bad.address).unwrap(), 0, "value returned");
    let keys_changed: Vec<Vec<u8>> = bad.diff.entries.iter().map(|e| e.key.clone()).collect();
    assert_eq!(keys_changed, vec![keys::nonce_key(&DEFAULT_CALLER)]);
    let err = chain
        .call(&bad.address, &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap_err();
    assert!(matches!(err, StateError::NoContract(_)), "{err}");
    let d2 = chain
        .deploy(probe(), &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap();
    assert_eq!(d2.address, deploy_address(&DEFAULT_CALLER, 2));
    // Both contracts share one stored package.
    assert_eq!(
        chain.code_hash_of(&d0.address).unwrap(),
        chain.code_hash_of(&d2.address).unwrap()
    );
    let code_entries = d2
        .diff
        .entries
        .iter()
        .filter(|e| e.key[0] == keys::TAG_CODE)
        .count();
    assert_eq!(code_entries, 0, "the package was already stored");
}

#[test]
fn run_program_installs_once_and_reports_only_the_call() {
    let mut chain = Chain::in_memory(schedule()).unwrap();
    let pure = Script::new().int(0x27, &[]);
    let r = chain.run_program(probe(), pure.bytes(), GAS).unwrap();
    assert!(r.succeeded());
    assert!(
        r.diff.entries.is_empty(),
        "a pure run changes nothing (gas price 0)"
    );
    assert_eq!(
        r.address,
        run_address(&echovm_runtime::state::code_hash(probe()))
    );
    // Storage written by one run is seen by the next run of the same program.
    let w = Script::new().write(0, b"k").int(WRITE, &[s(0), 1, s(0), 1]);
    let r1 = chain.run_program(probe(), w.bytes(), GAS).unwrap();
    assert_eq!(r1.diff.entries.len(), 1);
    let r2 = chain
        .run_program(
            probe(),
            Script::new().write(0, b"k").int(0x73, &[s(0), 1]).bytes(),
            GAS,
        )
        .unwrap();
    assert_eq!(words(&r2.outcome.return_data), vec![1]);
    // Fresh chains give the same result bytes.
    let mut other = Chain::in_memory(schedule()).unwrap();
    let o = other.run_program(probe(), w.bytes(), GAS).unwrap();
    assert_eq!(
        (o.diff_bytes(), o.outcome.gas_used),
        (r1.diff_bytes(), r1.outcome.gas_used)
    );
}

#[test]
fn invalid_programs_never_enter_the_state() {
    let mut chain = Chain::in_memory(schedule()).unwrap();
    let root = chain.state_root().unwrap();
    let mut bad = probe().clone();
    let code = bad
        .segments
        .iter_mut()
        .find(|s| s.flags.executable())
        .unwrap();
    code.flags.0 |= echovm_runtime::program::SegmentFlags::W;
    let err = chain
        .deploy(&bad, &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap_err();
    assert!(
        matches!(&err, StateError::Rejected(m) if m.contains("W+X")),
        "{err}"
    );
    let err = chain.run_program(&bad, Vec::new(), GAS).unwrap_err();
    assert!(matches!(err, StateError::Rejected(_)), "{err}");
    // Limits that admit the code but not the whole package.
    let code: u64 = probe().code_segments().map(|s| s.mem_size).sum();
    let tiny = schedule_with(|d| {
        d.limits.code_bytes = code;
        d.limits.package_bytes = code;
    });
    let mut small = Chain::in_memory(tiny).unwrap();
    let err = small
        .deploy(probe(), &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap_err();
    assert!(
        matches!(&err, StateError::Rejected(m) if m.contains("over the limit")),
        "{err}"
    );
    assert_eq!(chain.state_root().unwrap(), root);
}

#[test]
fn a_corrupt_stored_package_is_an_error_not_a_result() {
    use echovm_runtime::state::{Backend, MemBackend};
    let mut chain = Chain::in_memory(schedule()).unwrap();
    let d = chain
        .deploy(probe(), &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap();
    let hash = chain.code_hash_of(&d.address).unwrap().unwrap();
    // Rebuild the state with the package's last byte flipped.
    let mut state = snapshot(chain.backend()).unwrap();
    let pkg = state.get_mut(&keys::code_key(&hash)).unwrap();
    *pkg.last_mut().unwrap() ^= 1;
    let mut backend = MemBackend::new();
    backend
        .apply(
            &state
                .into_iter()
                .map(|(k, v)| (k, Some(v)))
                .collect::<Vec<_>>(),
        )
        .unwrap();
    let mut broken = Chain::new(backend, schedule(), &Default::default()).unwrap();
    let root = broken.state_root().unwrap();
    let err = broken
        .call(&d.address, &DEFAULT_CALLER, 0, GAS, Vec::new())
        .unwrap_err();
    assert!(matches!(err, StateError::BadProgram { .. }), "{err}");
    assert_eq!(broken.state_root().unwrap(), root, "nothing committed");
}

#[test]
fn a_buffered_block_commits_once_with_the_same_receipts() {
    use echovm_runtime::state::{Buffered, MemBackend};
    let mut plain = Chain::in_memory(schedule()).unwrap();
    let genesis = snapshot(plain.backend()).unwrap();
    let mut block = Chain::new(
        Buffered::new(MemBackend {
            map: genesis.clone(),
        }),
        schedule(),
        &Default::default(),
    )
    .unwrap();
    let mut receipts = Vec::new();
    let d1 = plain
        .deploy(probe(), &DEFAULT_CALLER, 3, GAS, Vec::new())
        .unwrap();
    let d2 = block
        .deploy(probe(), &DEFAULT_CALLER, 3, GAS, Vec::new())
        .unwrap();
    receipts.push((
        d1.diff_bytes(),
        d1.state_root,
        d2.diff_bytes(),
        d2.state_root,
    ));
    for _ in 0..2 {
        let a = plain
            .call(&d1.address, &DEFAULT_CALLER, 0, GAS, busy_script().bytes())
            .unwrap();
        let b = block
            .call(&d2.address, &DEFAULT_CALLER, 0, GAS, busy_script().bytes())
            .unwrap();
        receipts.push((a.diff_bytes(), a.state_root, b.diff_bytes(), b.state_root));
    }
    for (da, ra, db, rb) in &receipts {
        assert_eq!((da, ra), (db, rb));
    }
    // Nothing reached the base state yet; one flush writes the whole block.
    assert_eq!(snapshot(block.backend().base()).unwrap(), genesis);
    block.backend_mut().flush().unwrap();
    assert_eq!(
        snapshot(block.backend().base()).unwrap(),
        snapshot(plain.backend()).unwrap()
    );
}
