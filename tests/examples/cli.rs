//! Helpers for tests/examples.rs: build the examples once per test process,
//! invoke the `echovm` binary, decode its `--json` output, and encode call
//! inputs the way docs/EXAMPLES.md describes (selector byte, then fixed-size
//! little-endian fields).

#![allow(dead_code)]

use serde_json::Value;
use sha3::{Digest, Keccak256};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The built example contracts.
pub struct Examples {
    pub dir: PathBuf,
    pub names: Vec<String>,
}

impl Examples {
    pub fn elf(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.elf"))
    }
}

/// Fixed directory the example sources are copied to before building.
///
/// Cargo mixes the absolute path of path dependencies into symbol hashes, so a
/// Rust contract's code — and the gas its calls use — depends on where it was
/// built (docs/EXAMPLES.md). Building from one fixed path makes the packages,
/// code hashes and the golden gas figures (tests/golden/gas.tsv) the same in
/// every checkout.
pub const STAGE: &str = "/tmp/echovm-examples-src";

fn stage_sources() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stage = PathBuf::from(STAGE);
    let _ = std::fs::remove_dir_all(&stage);
    std::fs::create_dir_all(&stage).unwrap();
    for dir in ["examples", "sdk"] {
        let st = Command::new("cp")
            .arg("-r")
            .arg(root.join(dir))
            .arg(&stage)
            .status()
            .expect("cp");
        assert!(st.success(), "copying {dir} to {STAGE}");
    }
    // Never reuse build products of another checkout.
    let _ = std::fs::remove_dir_all(stage.join("examples/target"));
    stage
}

/// Build every example with examples/build.sh, once per test process.
pub fn build_examples() -> &'static Examples {
    static BUILT: OnceLock<Examples> = OnceLock::new();
    BUILT.get_or_init(|| {
        let root = stage_sources();
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("examples");
        let out = Command::new("sh")
            .arg(root.join("examples/build.sh"))
            .arg(&dir)
            .output()
            .expect("run examples/build.sh");
        assert!(
            out.status.success(),
            "examples/build.sh failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let names = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                Path::new(l)
                    .file_stem()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        Examples { dir, names }
    })
}

/// Run the echovm binary.
pub fn echovm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_echovm"))
        .args(args)
        .output()
        .expect("spawn echovm")
}

/// One call's `--json` result and exit status.
pub struct Outcome {
    pub exit: i32,
    pub json: Value,
}

impl Outcome {
    /// Parse the JSON line an `echovm run/deploy/call --json` printed; panics
    /// with stderr when the command itself failed (exit 2).
    pub fn from_output(out: &Output) -> Outcome {
        let exit = out.status.code().expect("echovm exited by signal");
        assert_ne!(
            exit,
            2,
            "echovm could not run: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let line = text
            .lines()
            .rev()
            .find(|l| l.starts_with('{'))
            .unwrap_or_else(|| panic!("no JSON in {text}"));
        Outcome {
            exit,
            json: serde_json::from_str(line).unwrap(),
        }
    }

    pub fn status(&self) -> &str {
        self.json["status"].as_str().unwrap()
    }

    /// Return data (or revert message) bytes.
    pub fn ret(&self) -> Vec<u8> {
        hex::decode(self.json["return"].as_str().unwrap()).unwrap()
    }

    /// (topic, data) of every event, in order.
    pub fn events(&self) -> Vec<([u8; 32], Vec<u8>)> {
        self.json["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let t: [u8; 32] = hex::decode(e["topic"].as_str().unwrap())
                    .unwrap()
                    .try_into()
                    .unwrap();
                (t, hex::decode(e["data"].as_str().unwrap()).unwrap())
            })
            .collect()
    }
}

/// `echovm run CONTRACT --input HEX [--gas N] --json` on a fresh state.
pub fn run(contract: &Path, input_hex: &str, gas: Option<u64>) -> Outcome {
    let c = contract.to_str().unwrap();
    let gas_s = gas.map(|g| g.to_string());
    let mut args = vec!["run", c, "--input", input_hex, "--json"];
    if let Some(g) = &gas_s {
        args.extend(["--gas", g]);
    }
    Outcome::from_output(&echovm(&args))
}

/// keccak256 — the oracle for topics, commitments and signed digests.
pub fn keccak(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// Input builder: selector byte, then fixed-size little-endian fields.
pub struct Call(Vec<u8>);

impl Call {
    pub fn new(selector: u8) -> Call {
        Call(vec![selector])
    }
    /// Input without a selector (deploy inputs).
    pub fn raw() -> Call {
        Call(Vec::new())
    }
    pub fn u8(mut self, v: u8) -> Call {
        self.0.push(v);
        self
    }
    pub fn u32(mut self, v: u32) -> Call {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u64(mut self, v: u64) -> Call {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u128(mut self, v: u128) -> Call {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn bytes(mut self, b: &[u8]) -> Call {
        self.0.extend_from_slice(b);
        self
    }
    pub fn hex(&self) -> String {
        hex::encode(&self.0)
    }
    pub fn bytes_vec(self) -> Vec<u8> {
        self.0
    }
}
