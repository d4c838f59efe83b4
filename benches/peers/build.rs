//! Compiles the C kernels with `$BENCH_CC -O2 -DBENCH_NATIVE` (gcc unless set;
//! `benches/run.sh` sets clang by default) into a static library
//! linked into the runner, so native times are measured in-process around the
//! kernel call only (no process start-up in the figure).

use std::env;
use std::path::PathBuf;
use std::process::Command;

/// Kernels linked natively; must match `spec::BENCHES` plus `empty`.
const KERNELS: &[&str] = &[
    "fib", "sha256", "keccak", "sort", "bigint", "interp", "matmul", "storage", "empty",
];

fn run(cmd: &mut Command) {
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(status.success(), "{cmd:?} failed with {status}");
}

fn main() {
    let src = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap()).join("../c");
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    let cc = env::var("BENCH_CC").unwrap_or_else(|_| "gcc".into());
    println!("cargo:rerun-if-changed={}", src.join("bench.h").display());
    println!("cargo:rerun-if-env-changed=BENCH_CC");
    // The report names the compiler of the native column.
    println!("cargo:rustc-env=BENCH_NATIVE_CC={cc}");
    let mut objects = Vec::new();
    for k in KERNELS {
        let c = src.join(format!("{k}.c"));
        let o = out.join(format!("{k}.o"));
        println!("cargo:rerun-if-changed={}", c.display());
        run(Command::new(&cc)
            .args(["-O2", "-DBENCH_NATIVE", "-c", "-o"])
            .arg(&o)
            .arg(&c));
        objects.push(o);
    }
    let lib = out.join("libbenchnative.a");
    let _ = std::fs::remove_file(&lib);
    run(Command::new("ar").arg("crs").arg(&lib).args(&objects));
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=benchnative");
}
