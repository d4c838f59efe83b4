//! Peer benchmark runner: the C kernels of `benches/c/` natively (gcc -O2,
//! in-process), as echovm contracts, as wasm32 modules under wasmi with fuel
//! metering, and (when installed) natively under qemu-x86_64. Prints a
//! Markdown table; exits 1 if any engine failed or disagreed on a checksum.
//!
//! ```text
//! echovm-peer-bench --artifacts DIR [--only a,b] [--no-qemu] [--budget-ms N]
//! echovm-peer-bench --artifacts DIR --profile NAME [--reps N]   (echovm only, for callgrind)
//! ```
//! DIR holds `NAME.elf` (sdk/c/build.sh), `NAME.wasm` and `native_main`.

mod echo;
mod native;
mod qemu;
mod report;
mod spec;
mod store;
mod timing;
mod wasm;

use report::{Cell, Row};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use timing::{measure, median, Budget};

#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    #[error("cannot read {0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0}: not a loadable contract: {1}")]
    Elf(String, String),
    #[error("echovm call ended {0}")]
    Echo(String),
    #[error("wasmi: {0}")]
    Wasm(String),
    #[error("qemu driver: {0}")]
    Qemu(String),
    #[error("checksum changed between runs: {first:#x} then {later:#x}")]
    Unstable { first: u64, later: u64 },
    #[error("echovm returned {0} bytes, expected an 8-byte checksum")]
    BadReturn(usize),
    #[error("{0}")]
    Usage(String),
}

struct Args {
    artifacts: PathBuf,
    only: Option<Vec<String>>,
    qemu: bool,
    budget: Duration,
    profile: Option<String>,
    reps: u32,
}

fn parse_args() -> Result<Args, BenchError> {
    let mut a = Args { artifacts: PathBuf::new(), only: None, qemu: true, budget: Duration::from_millis(1500), profile: None, reps: 3 };
    let mut it = std::env::args().skip(1);
    let usage = |m: &str| BenchError::Usage(format!("{m}\nusage: echovm-peer-bench --artifacts DIR [--only a,b] [--no-qemu] [--budget-ms N] [--profile NAME [--reps N]]"));
    while let Some(arg) = it.next() {
        let mut value = |name: &str| it.next().ok_or_else(|| usage(&format!("{name} needs a value")));
        match arg.as_str() {
            "--artifacts" => a.artifacts = PathBuf::from(value("--artifacts")?),
            "--only" => a.only = Some(value("--only")?.split(',').map(str::to_string).collect()),
            "--no-qemu" => a.qemu = false,
            "--budget-ms" => {
                a.budget = Duration::from_millis(value("--budget-ms")?.parse().map_err(|_| usage("bad --budget-ms"))?)
            }
            "--profile" => a.profile = Some(value("--profile")?),
            "--reps" => a.reps = value("--reps")?.parse().map_err(|_| usage("bad --reps"))?,
            other => return Err(usage(&format!("unknown argument {other}"))),
        }
    }
    if a.artifacts.as_os_str().is_empty() {
        return Err(usage("--artifacts is required"));
    }
    Ok(a)
}

fn checksum_of(ret: &[u8]) -> Result<u64, BenchError> {
    let bytes: [u8; 8] = ret.try_into().map_err(|_| BenchError::BadReturn(ret.len()))?;
    Ok(u64::from_le_bytes(bytes))
}

fn cell(r: &Result<timing::Sample, BenchError>) -> Cell {
    match r {
        Ok(s) => Cell::Time(s.median),
        Err(e) => Cell::Failed(e.to_string()),
    }
}

fn bench_row(b: &spec::Bench, dir: &Path, budget: Budget, qemu: Option<&Path>) -> Row {
    let native = match native::kernel(b.name) {
        Some(k) => measure(budget, || Ok(native::run(k, b.n))),
        None => Err(BenchError::Usage(format!("no native kernel {}", b.name))),
    };
    let mut gas = None;
    if let Ok(s) = &native {
        eprintln!("  native: {} runs", s.runs);
    }
    let echo = echo::EchoBench::load(&dir.join(format!("{}.elf", b.name))).and_then(|mut vm| {
        let input = spec::vm_input(b.n);
        measure(budget, || {
            let r = vm.call(&input)?;
            gas = Some(r.gas_used);
            Ok((r.time, checksum_of(&r.return_data)?))
        })
    });
    let mut fuel = None;
    let wasm = wasm::WasmModule::load(&dir.join(format!("{}.wasm", b.name)))
        .and_then(|m| m.instantiate())
        .and_then(|mut inst| {
            measure(budget, || {
                let (t, sum, f) = inst.call(b.n)?;
                fuel = Some(f);
                Ok((t, sum))
            })
        });
    let qemu_res = qemu.map(|q| qemu::run(q, &dir.join("native_main"), b.name, b.n, 3));

    let mut mismatch = Vec::new();
    if let Ok(reference) = &native {
        let mut check = |engine: &str, sum: Option<u64>| {
            if let Some(s) = sum {
                if s != reference.checksum {
                    mismatch.push(format!("{engine} {s:#x} != native {:#x}", reference.checksum));
                }
            }
        };
        check("echovm", echo.as_ref().ok().map(|s| s.checksum));
        check("wasmi", wasm.as_ref().ok().map(|s| s.checksum));
        check("qemu", qemu_res.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.1));
    }
    Row {
        name: b.name,
        size: b.size,
        native: cell(&native),
        echo: cell(&echo),
        wasm: cell(&wasm),
        qemu: match qemu_res {
            None => Cell::Skipped,
            Some(Ok((t, _))) => Cell::Time(t),
            Some(Err(e)) => Cell::Failed(e.to_string()),
        },
        gas,
        fuel,
        mismatch,
    }
}

/// Per-call overhead of the empty contract: (echovm, wasmi) medians.
fn call_overhead(dir: &Path, calls: usize) -> (Result<Duration, BenchError>, Result<Duration, BenchError>) {
    let echo = echo::EchoBench::load(&dir.join(format!("{}.elf", spec::EMPTY))).and_then(|mut vm| {
        vm.call(&[])?;
        let mut times = Vec::with_capacity(calls);
        for _ in 0..calls {
            let r = vm.call(&[])?;
            if !r.return_data.is_empty() {
                return Err(BenchError::BadReturn(r.return_data.len()));
            }
            times.push(r.time);
        }
        Ok(median(&mut times))
    });
    let wasm = wasm::WasmModule::load(&dir.join(format!("{}.wasm", spec::EMPTY))).and_then(|m| {
        let mut times = Vec::with_capacity(calls);
        for _ in 0..=calls {
            let t = Instant::now();
            let mut inst = m.instantiate()?;
            let (_, sum, _) = inst.call(0)?;
            times.push(t.elapsed());
            if sum != 0 {
                return Err(BenchError::Unstable { first: 0, later: sum });
            }
        }
        times.remove(0); // warm-up
        Ok(median(&mut times))
    });
    (echo, wasm)
}

fn profile(args: &Args, name: &str) -> Result<(), BenchError> {
    let b = spec::BENCHES.iter().find(|b| b.name == name).ok_or_else(|| BenchError::Usage(format!("unknown benchmark {name}")))?;
    let mut vm = echo::EchoBench::load(&args.artifacts.join(format!("{name}.elf")))?;
    for _ in 0..args.reps {
        let r = vm.call(&spec::vm_input(b.n))?;
        println!("{name}: {} gas, checksum {:#x}, {}", r.gas_used, checksum_of(&r.return_data)?, report::fmt_time(r.time));
    }
    Ok(())
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    if let Some(name) = &args.profile {
        if let Err(e) = profile(&args, name) {
            eprintln!("{e}");
            std::process::exit(1);
        }
        return;
    }
    let budget = Budget { time: args.budget, min_runs: 3, max_runs: 21 };
    let qemu_path = if args.qemu { qemu::find() } else { None };
    let mut rows = Vec::new();
    for b in spec::BENCHES {
        if args.only.as_ref().is_some_and(|o| !o.iter().any(|x| x == b.name)) {
            continue;
        }
        eprintln!("running {} ...", b.name);
        rows.push(bench_row(b, &args.artifacts, budget, qemu_path.as_deref()));
    }
    println!("{}", report::table(&rows, qemu_path.is_some()));

    let (echo_call, wasm_call) = call_overhead(&args.artifacts, 3000);
    let fmt = |r: &Result<Duration, BenchError>| match r {
        Ok(t) => format!("{:.2} µs", t.as_secs_f64() * 1e6),
        Err(e) => format!("FAILED ({e})"),
    };
    println!("| empty call (instantiate + call) | echovm | wasmi (fuel) |");
    println!("|---|---:|---:|");
    println!("| median of 3000 | {} | {} |", fmt(&echo_call), fmt(&wasm_call));
    println!();

    let sm = report::summarize(&rows);
    let failed = rows.iter().any(|r| {
        !r.mismatch.is_empty() || [&r.native, &r.echo, &r.wasm, &r.qemu].iter().any(|c| matches!(c, Cell::Failed(_)))
    }) || echo_call.is_err()
        || wasm_call.is_err();
    let within_10x = rows
        .iter()
        .filter(|r| matches!((r.echo.time(), r.native.time()), (Some(e), Some(n)) if e.as_secs_f64() <= 10.0 * n.as_secs_f64()))
        .count();
    let x = |v: Option<f64>| v.map_or("n/a".into(), |v| format!("{v:.2}x"));
    println!(
        "summary: echovm ran {}/{} programs; geomean {} native, {} wasmi (wasmi {} native); worst {}; ≤10x native: {}/{}; beats wasmi: {}; empty call {} (goal < 20 µs: {}); checksums/engines: {}",
        sm.complete,
        sm.total,
        x(sm.echo_vs_native),
        x(sm.echo_vs_wasm),
        x(sm.wasm_vs_native),
        sm.worst_vs_native.map_or("n/a".into(), |(n, r)| format!("{n} {r:.1}x")),
        within_10x,
        sm.total,
        sm.echo_vs_wasm.map_or("n/a", |r| if r < 1.0 { "yes" } else { "no" }),
        fmt(&echo_call),
        echo_call.as_ref().map_or("n/a", |t| if t.as_secs_f64() < 20e-6 { "yes" } else { "no" }),
        if failed { "FAILURES (see table)" } else { "all agree" },
    );
    if failed {
        std::process::exit(1);
    }
}
