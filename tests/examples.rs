//! End-to-end tests of the example contracts (examples/, docs/EXAMPLES.md):
//! build them with `examples/build.sh` (the documented commands), check that
//! `echovm validate` accepts and `echovm pack` packs each one, then drive them
//! through the `echovm` binary and compare return data, events and statuses
//! with values derived from each contract's specification — keccak256 topics
//! and commitments from the `sha3` crate, secp256k1 signatures from `k256`.

#[path = "examples/chain.rs"]
mod chain;
#[path = "examples/cli.rs"]
mod cli;
#[path = "examples/cli_state.rs"]
mod cli_state;
#[path = "examples/contracts.rs"]
mod contracts;
#[path = "examples/gas_golden.rs"]
mod gas_golden;
#[path = "examples/scenarios.rs"]
mod scenarios;
#[path = "examples/sdk_check.rs"]
mod sdk_check;

use cli::{build_examples, echovm, run, Call};

const ELF_MAGIC: &[u8] = b"\x7fELF";
const PT_INTERP: u32 = 3;
const PT_DYNAMIC: u32 = 2;

fn u16_at(b: &[u8], o: usize) -> u16 {
    u16::from_le_bytes(b[o..o + 2].try_into().unwrap())
}
fn u32_at(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes(b[o..o + 4].try_into().unwrap())
}
fn u64_at(b: &[u8], o: usize) -> u64 {
    u64::from_le_bytes(b[o..o + 8].try_into().unwrap())
}

#[test]
fn every_example_is_a_static_elf_that_validates_and_packs() {
    let ex = build_examples();
    assert!(ex.names.len() >= 4, "examples built: {:?}", ex.names);
    for name in &ex.names {
        let elf = ex.elf(name);
        let b = std::fs::read(&elf).unwrap();
        assert_eq!(&b[..4], ELF_MAGIC, "{name}");
        assert_eq!(u16_at(&b, 16), 2, "{name}: ET_EXEC");
        let (phoff, phentsize, phnum) = (
            u64_at(&b, 32) as usize,
            u16_at(&b, 54) as usize,
            u16_at(&b, 56) as usize,
        );
        for i in 0..phnum {
            let ty = u32_at(&b, phoff + i * phentsize);
            assert!(
                ty != PT_INTERP && ty != PT_DYNAMIC,
                "{name}: program header type {ty}"
            );
        }

        let v = echovm(&["validate", elf.to_str().unwrap()]);
        assert_eq!(
            v.status.code(),
            Some(0),
            "{name}: validate: {}",
            String::from_utf8_lossy(&v.stderr)
        );
        assert!(
            String::from_utf8_lossy(&v.stdout).contains(": ok"),
            "{name}"
        );

        let pkg = ex.dir.join(format!("{name}.pkg"));
        let p = echovm(&["pack", elf.to_str().unwrap(), "-o", pkg.to_str().unwrap()]);
        assert_eq!(
            p.status.code(),
            Some(0),
            "{name}: pack: {}",
            String::from_utf8_lossy(&p.stderr)
        );
        assert!(std::fs::metadata(&pkg).unwrap().len() > 0);
        let v = echovm(&["validate", pkg.to_str().unwrap()]);
        assert_eq!(
            v.status.code(),
            Some(0),
            "{name}: validate package: {}",
            String::from_utf8_lossy(&v.stderr)
        );
    }
}

#[test]
fn a_package_runs_like_its_elf() {
    let ex = build_examples();
    let pkg = ex.dir.join("counter.run.pkg");
    let elf = ex.elf("counter");
    let p = echovm(&["pack", elf.to_str().unwrap(), "-o", pkg.to_str().unwrap()]);
    assert_eq!(p.status.code(), Some(0));
    let input = Call::new(0x01).u64(41).hex();
    let a = run(&elf, &input, None);
    let b = run(&pkg, &input, None);
    assert_eq!(a.json, b.json);
    assert_eq!(a.ret(), 41u64.to_le_bytes());
}

/// The SDK crate is outside the workspace (it is built for contracts with
/// panic=abort), so `cargo test --workspace` would not run its host unit
/// tests (codec, fmt, storage keys); run them from here.
#[test]
fn rust_sdk_unit_tests_pass() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("sdk-unit");
    let out = std::process::Command::new(option_env!("CARGO").unwrap_or("cargo"))
        .args(["test", "--quiet", "--manifest-path"])
        .arg(root.join("sdk/rust/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .output()
        .expect("run cargo test for sdk/rust");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let passed: usize = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert!(passed >= 5, "only {passed} SDK unit tests ran:\n{stdout}");
}
