//! token, commit_reveal and multisig through deploy and several calls from
//! several senders; expected values follow docs/EXAMPLES.md, with keccak256
//! from `sha3` and real secp256k1 signatures from `k256`.

use crate::chain::{cat, events, TestChain, DEPLOYER};
use crate::cli::{keccak, Call};
use echovm_runtime::host::{Address, Status};
use k256::ecdsa::SigningKey;

const ALICE: Address = [0xa1; 32];
const BOB: Address = [0xb0; 32];
const CAROL: Address = [0xc4; 32];
const MALLORY: Address = [0x3e; 32];

fn balance_of(t: &mut TestChain, token: &Address, who: &Address) -> u128 {
    let r = t.ok(token, &ALICE, Call::new(0x02).bytes(who).bytes_vec());
    u128::from_le_bytes(r.outcome.return_data.try_into().unwrap())
}

// -------------------------------------------------------------------- token

#[test]
fn token_mints_at_deploy_and_moves_balances() {
    let mut t = TestChain::new();
    let supply = 1_000_000_000_000_000_000u128;
    let d = t.deploy("token", &ALICE, 0, supply.to_le_bytes().to_vec());
    assert_eq!(d.outcome.status, Status::Success, "{:?}", d.outcome);
    let token = d.address;
    let transfer_topic = keccak(b"Transfer");
    assert_eq!(
        events(&d),
        vec![(
            transfer_topic,
            cat(&[&[0; 32], &ALICE, &supply.to_le_bytes()])
        )]
    );
    // Storage layout promised by the docs: "bal:" ‖ owner -> u128 LE.
    let key = cat(&[b"bal:", &ALICE]);
    assert_eq!(
        t.chain.storage(&token, &key).unwrap(),
        Some(supply.to_le_bytes().to_vec())
    );

    let supply_ret = t.ok(&token, &BOB, vec![0x03]).outcome.return_data;
    assert_eq!(supply_ret, supply.to_le_bytes());
    assert_eq!(balance_of(&mut t, &token, &ALICE), supply);
    assert_eq!(balance_of(&mut t, &token, &BOB), 0);

    let r = t.ok(
        &token,
        &ALICE,
        Call::new(0x01).bytes(&BOB).u128(250).bytes_vec(),
    );
    assert_eq!(
        events(&r),
        vec![(transfer_topic, cat(&[&ALICE, &BOB, &250u128.to_le_bytes()]))]
    );
    assert_eq!(balance_of(&mut t, &token, &ALICE), supply - 250);
    assert_eq!(balance_of(&mut t, &token, &BOB), 250);

    t.reverts(
        &token,
        &BOB,
        Call::new(0x01).bytes(&CAROL).u128(251).bytes_vec(),
        "insufficient balance",
    );
    assert_eq!(
        balance_of(&mut t, &token, &BOB),
        250,
        "a reverted transfer changes nothing"
    );
    assert_eq!(balance_of(&mut t, &token, &CAROL), 0);

    t.ok(
        &token,
        &BOB,
        Call::new(0x01).bytes(&BOB).u128(250).bytes_vec(),
    );
    assert_eq!(
        balance_of(&mut t, &token, &BOB),
        250,
        "a self-transfer keeps the balance"
    );
    t.ok(
        &token,
        &BOB,
        Call::new(0x01).bytes(&CAROL).u128(250).bytes_vec(),
    );
    assert_eq!(balance_of(&mut t, &token, &BOB), 0);
    assert_eq!(balance_of(&mut t, &token, &CAROL), 250);
}

// ------------------------------------------------------------ commit_reveal

fn commitment(player: &Address, value: u128, salt: &[u8; 32]) -> [u8; 32] {
    keccak(&cat(&[player, &value.to_le_bytes(), salt]))
}

#[test]
fn commit_reveal_round_picks_the_highest_earliest_reveal() {
    let mut t = TestChain::new();
    let bad = t.deploy("commit_reveal", &DEPLOYER, 0, 0u32.to_le_bytes().to_vec());
    assert_eq!(bad.outcome.status, Status::Reverted);
    assert_eq!(
        bad.outcome.return_data,
        b"reveals_needed must be 1..=10000, got 0"
    );
    assert_eq!(
        t.chain.code_hash_of(&bad.address).unwrap(),
        None,
        "a failed deploy creates no contract"
    );

    let d = t.deploy("commit_reveal", &DEPLOYER, 0, 3u32.to_le_bytes().to_vec());
    assert_eq!(d.outcome.status, Status::Success, "{:?}", d.outcome);
    let game = d.address;
    let (committed, revealed, winner) =
        (keccak(b"Committed"), keccak(b"Revealed"), keccak(b"Winner"));
    let players = [
        (ALICE, 50u128, [1u8; 32]),
        (BOB, 80, [2; 32]),
        (CAROL, 80, [3; 32]),
    ];

    for (p, v, s) in &players {
        let c = commitment(p, *v, s);
        let r = t.ok(&game, p, Call::new(0x01).bytes(&c).bytes_vec());
        assert_eq!(events(&r), vec![(committed, cat(&[p, &c]))]);
    }
    t.reverts(
        &game,
        &ALICE,
        Call::new(0x01).bytes(&[9; 32]).bytes_vec(),
        "already committed",
    );
    // A copycat commits Bob's hash; the player binding makes Bob's opening useless to him.
    let bobs = commitment(&BOB, 80, &[2; 32]);
    t.ok(&game, &MALLORY, Call::new(0x01).bytes(&bobs).bytes_vec());
    t.reverts(
        &game,
        &DEPLOYER,
        Call::new(0x03).bytes_vec(),
        "no winner yet",
    );

    t.reverts(
        &game,
        &DEPLOYER,
        Call::new(0x02).u128(1).bytes(&[0; 32]).bytes_vec(),
        "no commitment",
    );
    t.reverts(
        &game,
        &ALICE,
        Call::new(0x02).u128(51).bytes(&[1; 32]).bytes_vec(),
        "reveal does not match commitment",
    );
    for (i, (p, v, s)) in players.iter().enumerate() {
        let r = t.ok(&game, p, Call::new(0x02).u128(*v).bytes(s).bytes_vec());
        let mut want = vec![(revealed, cat(&[p, &v.to_le_bytes()]))];
        if i == 2 {
            want.push((winner, cat(&[&BOB, &80u128.to_le_bytes()])));
        }
        assert_eq!(events(&r), want, "reveal {i}");
        if i == 0 {
            t.reverts(
                &game,
                p,
                Call::new(0x02).u128(*v).bytes(s).bytes_vec(),
                "already revealed",
            );
            t.reverts(
                &game,
                &MALLORY,
                Call::new(0x02).u128(80).bytes(&[2; 32]).bytes_vec(),
                "reveal does not match commitment",
            );
        }
    }

    let w = t.ok(&game, &DEPLOYER, vec![0x03]).outcome.return_data;
    assert_eq!(
        w,
        cat(&[&BOB, &80u128.to_le_bytes()]),
        "80 ties, the earlier reveal (Bob) wins"
    );
    let status = t.ok(&game, &DEPLOYER, vec![0x04]).outcome.return_data;
    assert_eq!(
        status,
        cat(&[
            &4u32.to_le_bytes(),
            &3u32.to_le_bytes(),
            &3u32.to_le_bytes(),
            &[1]
        ])
    );
    t.reverts(
        &game,
        &[0x55; 32],
        Call::new(0x01).bytes(&[7; 32]).bytes_vec(),
        "round is over",
    );
}

// ----------------------------------------------------------------- multisig

struct Owner {
    key: SigningKey,
    address: Address,
}

fn owner(seed: &str) -> Owner {
    let key = SigningKey::from_bytes(&keccak(seed.as_bytes()).into()).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let address = keccak(&point.as_bytes()[1..]);
    Owner { key, address }
}

/// `sig ‖ recid` over keccak256(wallet ‖ to ‖ amount ‖ nonce).
fn sign(o: &Owner, wallet: &Address, to: &Address, amount: u128, nonce: u64) -> Vec<u8> {
    let digest = keccak(&cat(&[
        wallet,
        to,
        &amount.to_le_bytes(),
        &nonce.to_le_bytes(),
    ]));
    let (sig, recid) = o.key.sign_prehash_recoverable(&digest).unwrap();
    cat(&[&sig.to_bytes(), &[recid.to_byte()]])
}

fn execute(to: &Address, amount: u128, nonce: u64, sigs: &[Vec<u8>]) -> Vec<u8> {
    let mut c = Call::new(0x01)
        .bytes(to)
        .u128(amount)
        .u64(nonce)
        .u8(sigs.len() as u8);
    for s in sigs {
        c = c.bytes(s);
    }
    c.bytes_vec()
}

#[test]
fn multisig_pays_with_threshold_signatures_once() {
    let mut t = TestChain::new();
    let owners = [owner("owner 0"), owner("owner 1"), owner("owner 2")];
    let outsider = owner("outsider");
    let mut deploy = vec![2u8, 3];
    for o in &owners {
        deploy.extend_from_slice(&o.address);
    }
    let d = t.deploy("multisig", &DEPLOYER, 1000, deploy.clone());
    assert_eq!(d.outcome.status, Status::Success, "{:?}", d.outcome);
    let w = d.address;
    assert_eq!(t.chain.balance(&w).unwrap(), 1000);
    assert_eq!(t.ok(&w, &BOB, vec![0x03]).outcome.return_data, deploy);
    assert_eq!(
        t.ok(&w, &BOB, vec![0x02]).outcome.return_data,
        0u64.to_le_bytes()
    );

    let pay = execute(
        &CAROL,
        300,
        0,
        &[
            sign(&owners[0], &w, &CAROL, 300, 0),
            sign(&owners[2], &w, &CAROL, 300, 0),
        ],
    );
    let r = t.ok(&w, &MALLORY, pay.clone());
    assert_eq!(
        events(&r),
        vec![(
            keccak(b"Executed"),
            cat(&[&CAROL, &300u128.to_le_bytes(), &0u64.to_le_bytes()])
        )]
    );
    assert_eq!(t.chain.balance(&CAROL).unwrap(), 300);
    assert_eq!(t.chain.balance(&w).unwrap(), 700);
    assert_eq!(
        t.ok(&w, &BOB, vec![0x02]).outcome.return_data,
        1u64.to_le_bytes()
    );

    t.reverts(&w, &MALLORY, pay, "bad nonce: expected 1, got 0");
    let s = |o: &Owner, amount: u128| sign(o, &w, &CAROL, amount, 1);
    t.reverts(
        &w,
        &MALLORY,
        execute(&CAROL, 10, 1, &[s(&owners[1], 10)]),
        "1 signatures, threshold is 2",
    );
    t.reverts(
        &w,
        &MALLORY,
        execute(&CAROL, 10, 1, &[s(&owners[1], 10), s(&outsider, 10)]),
        "signature 1 is not from an owner",
    );
    t.reverts(
        &w,
        &MALLORY,
        execute(&CAROL, 10, 1, &[s(&owners[1], 10), s(&owners[1], 10)]),
        "signature 1 repeats a signer",
    );
    // Signed for 10, submitted for 11: the digest differs, so the signers recover to strangers.
    t.reverts(
        &w,
        &MALLORY,
        execute(&CAROL, 11, 1, &[s(&owners[0], 10), s(&owners[1], 10)]),
        "signature 0 is not from an owner",
    );
    // Signed for another wallet address.
    let other = [0x99; 32];
    let foreign = [
        sign(&owners[0], &other, &CAROL, 10, 1),
        sign(&owners[1], &other, &CAROL, 10, 1),
    ];
    t.reverts(
        &w,
        &MALLORY,
        execute(&CAROL, 10, 1, &foreign),
        "signature 0 is not from an owner",
    );
    t.reverts(
        &w,
        &MALLORY,
        execute(&CAROL, 5000, 1, &[s(&owners[0], 5000), s(&owners[1], 5000)]),
        "insufficient funds: wallet holds 700, payment is 5000",
    );
    assert_eq!(
        t.ok(&w, &BOB, vec![0x02]).outcome.return_data,
        1u64.to_le_bytes(),
        "reverted calls keep the nonce"
    );

    let r = t.call(&w, &DEPLOYER, 5, vec![0x00]);
    assert_eq!(r.outcome.status, Status::Success);
    assert_eq!(
        events(&r),
        vec![(keccak(b"Deposit"), cat(&[&DEPLOYER, &5u128.to_le_bytes()]))]
    );
    let to_bob = |o: &Owner| sign(o, &w, &BOB, 705, 1);
    t.ok(
        &w,
        &MALLORY,
        execute(&BOB, 705, 1, &[to_bob(&owners[2]), to_bob(&owners[1])]),
    );
    assert_eq!(t.chain.balance(&BOB).unwrap(), 705);
    assert_eq!(t.chain.balance(&w).unwrap(), 0);
}

#[test]
fn multisig_rejects_bad_owner_sets() {
    let mut t = TestChain::new();
    let a = owner("a").address;
    for (input, msg) in [
        (
            cat(&[&[3u8, 2], &a, &[1; 32]]),
            "threshold must be 1..=2, got 3",
        ),
        (cat(&[&[0u8, 1], &a]), "threshold must be 1..=1, got 0"),
        (vec![1u8, 0], "owner count must be 1..=16, got 0"),
        (cat(&[&[1u8, 2], &a, &a]), "owner 1 is listed twice"),
        (
            cat(&[&[1u8, 2], &a]),
            "input too short: field at byte 34 needs 32 bytes, 0 left",
        ),
    ] {
        let r = t.deploy("multisig", &DEPLOYER, 0, input);
        assert_eq!(r.outcome.status, Status::Reverted);
        assert_eq!(String::from_utf8_lossy(&r.outcome.return_data), msg);
    }
}

// ---------------------------------------------- sdk_check on a chain

/// Context, block, balance, transfer and nested-call wrappers, which need a
/// deployed contract; expected block values are the default block of
/// docs/STATE.md §7.
#[test]
fn sdk_context_block_transfer_and_nested_calls() {
    let mut t = TestChain::new();
    let d = t.deploy("sdk_check", &DEPLOYER, 7, vec![0x08]);
    assert_eq!(d.outcome.status, Status::Success, "{:?}", d.outcome);
    let me = d.address;
    let ctx = &d.outcome.return_data;
    assert_eq!(ctx[..96], cat(&[&DEPLOYER, &DEPLOYER, &me]));
    assert_eq!(ctx[96..112], 7u128.to_le_bytes(), "call_value");
    assert_eq!(ctx[112], 1, "is_deploy during deploy");

    let b = t.ok(&me, &BOB, vec![0x0B]).outcome.return_data;
    let mut want = cat(&[
        &1u64.to_le_bytes(),
        &1_735_689_600_000u64.to_le_bytes(),
        &[0xaa; 32],
    ]);
    want.push(1);
    want.extend_from_slice(&keccak(b"echovm genesis"));
    want.push(0);
    want.extend_from_slice(&[0; 32]);
    want.extend_from_slice(&7u128.to_le_bytes());
    want.extend_from_slice(&0u128.to_le_bytes());
    assert_eq!(b, want);

    let send = |amount: u128| Call::new(0x0C).bytes(&CAROL).u128(amount).bytes_vec();
    assert_eq!(
        t.ok(&me, &BOB, send(8)).outcome.return_data,
        [0],
        "only 7 held"
    );
    assert_eq!(t.ok(&me, &BOB, send(3)).outcome.return_data, [1]);
    assert_eq!(t.chain.balance(&CAROL).unwrap(), 3);
    assert_eq!(t.chain.balance(&me).unwrap(), 4);

    let counter = t.deploy("counter", &DEPLOYER, 0, Vec::new()).address;
    let nested_with = |input: &[u8], to: &Address, value: u128| {
        Call::new(0x0A)
            .bytes(to)
            .u64(1_000_000)
            .u128(value)
            .bytes(input)
            .bytes_vec()
    };
    let nested = |input: &[u8], to: &Address| nested_with(input, to, 0);
    let r = t.ok(
        &me,
        &BOB,
        nested(&Call::new(0x01).u64(5).bytes_vec(), &counter),
    );
    assert_eq!(r.outcome.return_data, cat(&[&[0], &5u64.to_le_bytes()]));
    assert_eq!(
        events(&r),
        vec![(keccak(b"Incremented"), 5u64.to_le_bytes().to_vec())]
    );
    let r = t.ok(&me, &BOB, nested(&[0x07], &counter));
    assert_eq!(
        r.outcome.return_data,
        cat(&[&[1], b"bad input"]),
        "callee reverted, message is its return data"
    );
    // STATE.md §2: an address without code just receives the value; a value
    // the caller does not hold fails the call without running anything.
    let r = t.ok(&me, &BOB, nested_with(&[], &[0x42; 32], 1));
    assert_eq!(r.outcome.return_data, [0]);
    assert_eq!(t.chain.balance(&[0x42; 32]).unwrap(), 1);
    let r = t.ok(&me, &BOB, nested_with(&[0x01], &counter, 100));
    assert_eq!(
        r.outcome.return_data,
        [2],
        "value short: failed, no return data"
    );
    assert_eq!(t.chain.balance(&me).unwrap(), 3);
    assert_eq!(
        t.ok(&counter, &BOB, Vec::new()).outcome.return_data,
        5u64.to_le_bytes(),
        "nested change kept"
    );
}

// ------------------------------------------------------------ hostile input

/// Random inputs (valid selectors with random lengths and bytes, and pure
/// noise) against every deployed example: each call must end `success` or
/// `reverted` with a message (or run out of gas) — never a fault, which
/// would mean the SDK or a contract read outside its input or hit an
/// unsupported path.
#[test]
fn random_inputs_never_fault() {
    let mut t = TestChain::new();
    let mut owners = vec![1u8, 1];
    owners.extend_from_slice(&owner("fuzz").address);
    let targets = [
        (t.deploy("counter", &DEPLOYER, 0, Vec::new()).address, 2u8),
        (
            t.deploy("token", &DEPLOYER, 0, 1000u128.to_le_bytes().to_vec())
                .address,
            4,
        ),
        (
            t.deploy("commit_reveal", &DEPLOYER, 0, 2u32.to_le_bytes().to_vec())
                .address,
            5,
        ),
        (t.deploy("multisig", &DEPLOYER, 10, owners).address, 4),
        (t.deploy("sdk_check", &DEPLOYER, 0, vec![0x09]).address, 13),
    ];
    // xorshift64*: deterministic, no dependency.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state.wrapping_mul(0x2545_f491_4f6c_dd1d)
    };
    let mut statuses = [0usize; 2];
    for round in 0..400 {
        let (addr, selectors) = targets[round % targets.len()];
        let len = (next() % 200) as usize;
        let mut input: Vec<u8> = (0..len).map(|_| next() as u8).collect();
        if !input.is_empty() && round % 4 != 0 {
            input[0] = (next() % selectors as u64) as u8;
        }
        let r = t.call(&addr, &[0x77; 32], 0, input.clone());
        match r.outcome.status {
            Status::Success => statuses[0] += 1,
            Status::Reverted => {
                statuses[1] += 1;
                assert!(
                    !r.outcome.return_data.is_empty(),
                    "revert without message for {}",
                    hex::encode(&input)
                );
            }
            // Legitimate for hostile input (e.g. sdk_check's heap selector with a large n).
            Status::OutOfGas => {}
            other => panic!(
                "{other:?} for input {} to {}: {:?}",
                hex::encode(&input),
                hex::encode(addr),
                r.outcome
            ),
        }
    }
    assert!(statuses[0] > 0 && statuses[1] > 0, "{statuses:?}");
}
