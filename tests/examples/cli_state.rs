//! The examples through `echovm deploy` / `echovm call` / `echovm run` on a
//! persistent `--state DIR`: every step is a separate process, so these also
//! check that state survives between commands. Expected addresses, keys and
//! values follow docs/STATE.md (deploy address, state key tags) and
//! docs/EXAMPLES.md.

use crate::cli::{build_examples, echovm, keccak, Call, Outcome};
use std::path::PathBuf;

const DEFAULT_CALLER: [u8; 32] = [0x11; 32];
const BOB: [u8; 32] = [0xb0; 32];
const CAROL: [u8; 32] = [0xc4; 32];

/// A fresh state directory for one test.
fn state_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("state-{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

struct Cli {
    state: PathBuf,
}

impl Cli {
    fn tx(&self, cmd: &str, target: &str, input: &[u8], sender: &[u8; 32], value: u128) -> Outcome {
        let (input, sender, value) = (hex::encode(input), hex::encode(sender), value.to_string());
        let state = self.state.to_str().unwrap();
        let args = [
            cmd, target, "--input", &input, "--sender", &sender, "--value", &value, "--state",
            state, "--json",
        ];
        Outcome::from_output(&echovm(&args))
    }

    fn deploy(&self, name: &str, input: &[u8], value: u128) -> ([u8; 32], Outcome) {
        let elf = build_examples().elf(name);
        let r = self.tx(
            "deploy",
            elf.to_str().unwrap(),
            input,
            &DEFAULT_CALLER,
            value,
        );
        assert_eq!(r.status(), "success", "{}", r.json);
        let addr = hex::decode(r.json["address"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        (addr, r)
    }

    fn call(&self, to: &[u8; 32], input: &[u8], sender: &[u8; 32]) -> Outcome {
        self.tx("call", &hex::encode(to), input, sender, 0)
    }
}

/// docs/STATE.md: deploy address = keccak256(sender ‖ nonce as u64 LE).
fn deploy_address(sender: &[u8; 32], nonce: u64) -> [u8; 32] {
    keccak(&[&sender[..], &nonce.to_le_bytes()].concat())
}

/// docs/STATE.md key of a contract's storage entry: 0x06 ‖ contract ‖ key.
fn storage_key(contract: &[u8; 32], key: &[u8]) -> String {
    hex::encode([&[0x06], &contract[..], key].concat())
}

/// The `new` value (hex, or null) the state diff reports for `key`.
fn diff_new(r: &Outcome, key: &str) -> Option<String> {
    let diff = r.json["state_diff"].as_array().unwrap();
    let e = diff
        .iter()
        .find(|e| e["key"] == key)
        .unwrap_or_else(|| panic!("no diff entry {key} in {}", r.json));
    e["new"].as_str().map(str::to_owned)
}

#[test]
fn token_through_deploy_and_call_on_a_state_dir() {
    let cli = Cli {
        state: state_dir("token"),
    };
    let supply = 5_000_000u128;
    let (token, d) = cli.deploy("token", &supply.to_le_bytes(), 0);
    assert_eq!(token, deploy_address(&DEFAULT_CALLER, 0));
    let mint = [&[0u8; 32][..], &DEFAULT_CALLER, &supply.to_le_bytes()].concat();
    assert_eq!(d.events(), vec![(keccak(b"Transfer"), mint)]);
    let caller_key = storage_key(&token, &[&b"bal:"[..], &DEFAULT_CALLER].concat());
    assert_eq!(
        diff_new(&d, &caller_key),
        Some(hex::encode(supply.to_le_bytes()))
    );

    let r = cli.call(
        &token,
        &Call::new(0x01).bytes(&BOB).u128(250).bytes_vec(),
        &DEFAULT_CALLER,
    );
    assert_eq!(r.status(), "success", "{}", r.json);
    assert_eq!(r.exit, 0);
    let bob_key = storage_key(&token, &[&b"bal:"[..], &BOB].concat());
    assert_eq!(
        diff_new(&r, &bob_key),
        Some(hex::encode(250u128.to_le_bytes()))
    );
    assert_eq!(
        diff_new(&r, &caller_key),
        Some(hex::encode((supply - 250).to_le_bytes()))
    );

    let balance = |who: &[u8; 32]| {
        cli.call(&token, &Call::new(0x02).bytes(who).bytes_vec(), &CAROL)
            .ret()
    };
    assert_eq!(balance(&BOB), 250u128.to_le_bytes());
    assert_eq!(balance(&DEFAULT_CALLER), (supply - 250).to_le_bytes());

    let r = cli.call(
        &token,
        &Call::new(0x01).bytes(&CAROL).u128(251).bytes_vec(),
        &BOB,
    );
    assert_eq!((r.status(), r.exit), ("reverted", 1));
    assert_eq!(r.ret(), b"insufficient balance");
    assert_eq!(
        r.json["state_diff"].as_array().unwrap().len(),
        0,
        "a revert commits nothing (gas price 0)"
    );
    assert_eq!(balance(&BOB), 250u128.to_le_bytes());
}

#[test]
fn multisig_pays_once_through_the_cli() {
    use k256::ecdsa::SigningKey;
    let cli = Cli {
        state: state_dir("multisig"),
    };
    let keys: Vec<SigningKey> = (0..2)
        .map(|i| {
            SigningKey::from_bytes(&keccak(format!("cli owner {i}").as_bytes()).into()).unwrap()
        })
        .collect();
    let mut deploy = vec![2u8, 2];
    for k in &keys {
        deploy.extend_from_slice(&keccak(
            &k.verifying_key().to_encoded_point(false).as_bytes()[1..],
        ));
    }
    let (wallet, _) = cli.deploy("multisig", &deploy, 1000);

    let digest = keccak(
        &[
            &wallet[..],
            &CAROL,
            &300u128.to_le_bytes(),
            &0u64.to_le_bytes(),
        ]
        .concat(),
    );
    let mut pay = Call::new(0x01).bytes(&CAROL).u128(300).u64(0).u8(2);
    for k in &keys {
        let (sig, recid) = k.sign_prehash_recoverable(&digest).unwrap();
        pay = pay.bytes(&sig.to_bytes()).u8(recid.to_byte());
    }
    let pay = pay.bytes_vec();
    let r = cli.call(&wallet, &pay, &BOB);
    assert_eq!(r.status(), "success", "{}", r.json);
    let executed = [&CAROL[..], &300u128.to_le_bytes(), &0u64.to_le_bytes()].concat();
    assert_eq!(r.events(), vec![(keccak(b"Executed"), executed)]);
    let carol_balance = hex::encode([&[0x01], &CAROL[..]].concat());
    assert_eq!(
        diff_new(&r, &carol_balance),
        Some(hex::encode(300u128.to_le_bytes()))
    );
    let wallet_balance = hex::encode([&[0x01], &wallet[..]].concat());
    assert_eq!(
        diff_new(&r, &wallet_balance),
        Some(hex::encode(700u128.to_le_bytes()))
    );

    let again = cli.call(&wallet, &pay, &BOB);
    assert_eq!((again.status(), again.exit), ("reverted", 1));
    assert_eq!(again.ret(), b"bad nonce: expected 1, got 0");
}

#[test]
fn commit_reveal_round_across_processes() {
    let cli = Cli {
        state: state_dir("commit_reveal"),
    };
    let (game, _) = cli.deploy("commit_reveal", &1u32.to_le_bytes(), 0);
    let salt = [0x5a; 32];
    let commitment = keccak(&[&BOB[..], &77u128.to_le_bytes(), &salt].concat());
    let r = cli.call(&game, &Call::new(0x01).bytes(&commitment).bytes_vec(), &BOB);
    assert_eq!(r.status(), "success", "{}", r.json);
    let r = cli.call(
        &game,
        &Call::new(0x02).u128(77).bytes(&salt).bytes_vec(),
        &BOB,
    );
    assert_eq!(r.status(), "success", "{}", r.json);
    let record = [&BOB[..], &77u128.to_le_bytes()].concat();
    assert_eq!(
        r.events(),
        vec![
            (keccak(b"Revealed"), record.clone()),
            (keccak(b"Winner"), record.clone())
        ]
    );
    assert_eq!(cli.call(&game, &[0x03], &CAROL).ret(), record);
}

#[test]
fn run_with_a_state_dir_keeps_storage_between_runs() {
    let state = state_dir("counter-run");
    let elf = build_examples().elf("counter");
    let add = Call::new(0x01).u64(5).hex();
    for expected in [5u64, 10] {
        let out = echovm(&[
            "run",
            elf.to_str().unwrap(),
            "--input",
            &add,
            "--state",
            state.to_str().unwrap(),
            "--json",
        ]);
        let r = Outcome::from_output(&out);
        assert_eq!(r.status(), "success", "{}", r.json);
        assert_eq!(r.ret(), expected.to_le_bytes());
    }
}
