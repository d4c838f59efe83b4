//! Whole-program test corpus: C and Rust programs built both as echovm
//! contracts and as native Linux programs, with the native run's output as the
//! expected VM result (the host toolchain + CPU is the oracle).
//!
//! Use from a root integration test:
//! ```ignore
//! #[path = "programs/mod.rs"]
//! mod programs;
//! for p in programs::corpus() {
//!     // run p.elf_path in the VM with p.input, compare its return data with
//!     // p.native_output, its status with p.native_status (0 success,
//!     // 1 reverted) and its debug lines with p.native_debug.
//! }
//! ```
//! Building needs gcc, rustc and a POSIX shell; it takes tens of seconds, so
//! prefer [`corpus`], which builds once per test process.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// Source language of a corpus program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    C,
    Rust,
}

/// One corpus program, built both ways, with its native result.
#[derive(Clone, Debug)]
pub struct Program {
    pub name: String,
    pub lang: Lang,
    /// Static ELF64 contract for the VM.
    pub elf_path: PathBuf,
    /// The same source compiled for Linux with the native SDK.
    pub native_path: PathBuf,
    /// Call input (empty when the program has no `.input` file).
    pub input: Vec<u8>,
    /// Native stdout: exactly the return data the VM must produce.
    pub native_output: Vec<u8>,
    /// Native exit status: 0 success, 1 reverted.
    pub native_status: i32,
    /// Text of each native `debug_print`, in order.
    pub native_debug: Vec<String>,
    /// `(topic, data)` of each native `emit_event`, in order.
    pub native_events: Vec<(Vec<u8>, Vec<u8>)>,
}

/// Directory holding the corpus sources and build script.
pub fn source_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("programs")
}

/// Build every program into `out_dir` (created if missing), run the native
/// builds, and return the programs. Panics with the build log on failure,
/// since a corpus that does not build is a broken test setup.
pub fn build_all(out_dir: &Path) -> Vec<Program> {
    match try_build_all(out_dir) {
        Ok(p) => p,
        Err(e) => panic!("building the program corpus failed: {e}"),
    }
}

/// Like [`build_all`] but reports failures as an error message.
pub fn try_build_all(out_dir: &Path) -> Result<Vec<Program>, String> {
    let script = source_dir().join("build.sh");
    let out = Command::new("sh")
        .arg(&script)
        .arg(out_dir)
        .output()
        .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{} exited with {}\n--- stdout\n{}\n--- stderr\n{}",
            script.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let manifest_path = out_dir.join("manifest.tsv");
    let manifest = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    manifest.lines().map(parse_line).collect()
}

fn parse_line(line: &str) -> Result<Program, String> {
    let f: Vec<&str> = line.split('\t').collect();
    let [name, lang, elf, native, input, expected, status] = f[..] else {
        return Err(format!("malformed manifest line: {line:?}"));
    };
    let read = |p: &str| std::fs::read(p).map_err(|e| format!("{p}: {e}"));
    let stderr_path = Path::new(expected).with_extension("stderr");
    let stderr = std::fs::read_to_string(&stderr_path)
        .map_err(|e| format!("{}: {e}", stderr_path.display()))?;
    Ok(Program {
        name: name.to_string(),
        lang: match lang {
            "c" => Lang::C,
            "rust" => Lang::Rust,
            other => return Err(format!("unknown language {other:?} in manifest")),
        },
        elf_path: PathBuf::from(elf),
        native_path: PathBuf::from(native),
        input: if input == "-" {
            Vec::new()
        } else {
            read(input)?
        },
        native_output: read(expected)?,
        native_status: status
            .parse()
            .map_err(|e| format!("status {status:?}: {e}"))?,
        native_debug: stderr
            .lines()
            .filter_map(|l| l.strip_prefix("debug: "))
            .map(str::to_string)
            .collect(),
        native_events: stderr
            .lines()
            .filter_map(|l| l.strip_prefix("event: "))
            .map(parse_event)
            .collect::<Result<_, _>>()?,
    })
}

/// `event: <topic hex> <data hex>` as printed by sdk/c/echovm_native.c.
fn parse_event(l: &str) -> Result<(Vec<u8>, Vec<u8>), String> {
    let mut parts = l.splitn(2, ' ');
    let topic = parts.next().unwrap_or("");
    let data = parts.next().unwrap_or("");
    Ok((unhex(topic)?, unhex(data)?))
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    if s.len() % 2 != 0 {
        return Err(format!("odd-length hex {s:?} in native event line"));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| format!("hex {s:?}: {e}")))
        .collect()
}

/// The corpus, built once per process into `echovm-corpus-<test binary>`
/// under `CARGO_TARGET_TMPDIR` (integration tests) or the system temp dir.
/// One directory per test binary, so test binaries run in parallel (e.g. by
/// nextest) never write the same files.
pub fn corpus() -> &'static [Program] {
    static CORPUS: OnceLock<Vec<Program>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let base = option_env!("CARGO_TARGET_TMPDIR")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let exe = std::env::current_exe().ok();
        let stem = exe
            .as_deref()
            .and_then(Path::file_stem)
            .and_then(|s| s.to_str())
            .unwrap_or("tests");
        build_all(&base.join(format!("echovm-corpus-{stem}")))
    })
}
