//! Single-call (`echovm run`) checks of counter, token, commit_reveal and
//! multisig: input validation, revert messages, events.

use crate::cli::{build_examples, keccak, run, Call};

// ------------------------------------------------------------------ counter

#[test]
fn counter_adds_and_emits_incremented() {
    let ex = build_examples();
    let r = run(&ex.elf("counter"), &Call::new(0x01).u64(5).hex(), None);
    assert_eq!(r.status(), "success", "{}", r.json);
    assert_eq!(r.exit, 0);
    assert_eq!(r.ret(), 5u64.to_le_bytes());
    assert_eq!(
        r.events(),
        vec![(keccak(b"Incremented"), 5u64.to_le_bytes().to_vec())]
    );

    let r = run(&ex.elf("counter"), "", None);
    assert_eq!(r.status(), "success");
    assert_eq!(r.ret(), 0u64.to_le_bytes(), "a fresh counter reads 0");
    assert!(r.events().is_empty());
}

#[test]
fn counter_rejects_bad_input() {
    let ex = build_examples();
    for input in ["02", "0105", "01050000000000000000"] {
        let r = run(&ex.elf("counter"), input, None);
        assert_eq!(r.status(), "reverted", "input {input}");
        assert_eq!(r.exit, 1);
        assert_eq!(r.ret(), b"bad input");
    }
}

#[test]
fn out_of_gas_uses_the_whole_limit() {
    let ex = build_examples();
    let r = run(&ex.elf("counter"), &Call::new(0x01).u64(1).hex(), Some(50));
    assert_eq!(r.status(), "out_of_gas", "{}", r.json);
    assert_eq!(r.json["gas_used"], 50);
    assert_eq!(r.exit, 1);
}

// -------------------------------------------------------------------- token

#[test]
fn token_balance_of_an_unknown_owner_is_zero() {
    let ex = build_examples();
    let r = run(
        &ex.elf("token"),
        &Call::new(0x02).bytes(&[0x42; 32]).hex(),
        None,
    );
    assert_eq!(r.status(), "success", "{}", r.json);
    assert_eq!(r.ret(), [0u8; 16]);
    let r = run(&ex.elf("token"), "03", None);
    assert_eq!(r.ret(), [0u8; 16], "no supply before deploy");
}

#[test]
fn token_transfer_without_funds_reverts_with_message() {
    let ex = build_examples();
    let r = run(
        &ex.elf("token"),
        &Call::new(0x01).bytes(&[0x22; 32]).u128(1).hex(),
        None,
    );
    assert_eq!(r.status(), "reverted");
    assert_eq!(r.ret(), b"insufficient balance");
    assert!(r.events().is_empty(), "a reverted call emits nothing");
}

#[test]
fn token_zero_transfer_emits_transfer_event() {
    let ex = build_examples();
    let to = [0x22; 32];
    let r = run(
        &ex.elf("token"),
        &Call::new(0x01).bytes(&to).u128(0).hex(),
        None,
    );
    assert_eq!(r.status(), "success", "{}", r.json);
    let events = r.events();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].0, keccak(b"Transfer"));
    let data = &events[0].1;
    assert_eq!(data.len(), 80);
    assert_eq!(&data[32..64], &to);
    assert_eq!(&data[64..], &[0u8; 16]);
}

#[test]
fn token_rejects_malformed_calls() {
    let ex = build_examples();
    let cases: [(String, &[u8]); 4] = [
        (
            String::new(),
            b"bad input: empty (expected a selector byte)",
        ),
        ("09".into(), b"bad input: unknown selector"),
        (
            Call::new(0x02).bytes(&[1; 31]).hex(),
            b"bad input: wrong length for this method",
        ),
        (
            Call::new(0x01).bytes(&[1; 32]).u128(5).u8(0).hex(),
            b"bad input: wrong length for this method",
        ),
    ];
    for (input, msg) in cases {
        let r = run(&ex.elf("token"), &input, None);
        assert_eq!(r.status(), "reverted", "input {input}");
        assert_eq!(r.ret(), msg, "input {input}");
    }
}

// ------------------------------------------------------ commit_reveal, multisig

#[test]
fn rust_contracts_refuse_calls_before_deploy() {
    let ex = build_examples();
    for (name, input) in [("commit_reveal", "0100"), ("multisig", "02")] {
        let r = run(&ex.elf(name), input, None);
        assert_eq!(r.status(), "reverted", "{name}: {}", r.json);
        assert_eq!(r.ret(), b"not deployed", "{name}");
    }
}

// ------------------------------------------------- native differential check

/// The C examples built natively (`sdk/c/build.sh --native`: the host's gcc
/// and CPU are the oracle) and in the VM must agree on return data, status
/// and events, for inputs that do not depend on chain context (the native
/// world has a zero caller, the VM's `run` a funded one).
#[test]
fn c_examples_match_their_native_builds() {
    let ex = build_examples();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let cases: [(&str, Vec<String>); 2] = [
        (
            "counter",
            vec![
                String::new(),
                "00".into(),
                Call::new(0x01).u64(5).hex(),
                Call::new(0x01).u64(u64::MAX).hex(),
                "0105".into(),
                "ff".into(),
            ],
        ),
        (
            "token",
            vec![
                Call::new(0x02).bytes(&[0x42; 32]).hex(),
                "03".into(),
                String::new(),
                "09".into(),
                Call::new(0x02).bytes(&[1; 31]).hex(),
                Call::new(0x01).bytes(&[0x22; 32]).u128(1).hex(),
            ],
        ),
    ];
    for (name, inputs) in cases {
        let native = ex.dir.join(format!("{name}.native"));
        let out = std::process::Command::new("sh")
            .arg(root.join("sdk/c/build.sh"))
            .args(["--native", "-o"])
            .arg(&native)
            .arg(root.join(format!("examples/{name}/{name}.c")))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        for input in inputs {
            let bytes = hex::decode(&input).unwrap();
            let mut child = std::process::Command::new(&native)
                .stdin(std::process::Stdio::piped())
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            use std::io::Write;
            child.stdin.take().unwrap().write_all(&bytes).unwrap();
            let n = child.wait_with_output().unwrap();
            let native_events: Vec<String> = String::from_utf8_lossy(&n.stderr)
                .lines()
                .filter_map(|l| l.strip_prefix("event: ").map(str::to_owned))
                .collect();

            let vm = run(&ex.elf(name), &input, None);
            assert_eq!(vm.ret(), n.stdout, "{name} {input}: return data");
            assert_eq!(Some(vm.exit), n.status.code(), "{name} {input}: status");
            let vm_events: Vec<String> = vm
                .events()
                .iter()
                .map(|(t, d)| format!("{} {}", hex::encode(t), hex::encode(d)))
                .collect();
            assert_eq!(vm_events, native_events, "{name} {input}: events");
        }
    }
}
