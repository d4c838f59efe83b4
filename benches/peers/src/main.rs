//! Peer benchmark runner: the C kernels of `benches/c/` natively (`-O2`,
//! in-process, compiled by `$BENCH_CC`), as echovm contracts, as wasm32 modules under wasmi with fuel
//! metering, and (when installed) natively under qemu-x86_64. Prints a
//! Markdown table; exits 1 if any engine failed or disagreed on a checksum.
//!
//! ```text
//! echovm-peer-bench --artifacts DIR [--only a,b] [--no-qemu] [--quick] [--budget-ms N]
//! echovm-peer-bench --artifacts DIR --profile NAME [--reps N]   (echovm only, for callgrind)
//! ```
//! DIR holds `NAME.elf` (sdk/c/build.sh), `NAME.wasm` and `native_main`.

mod clock;
mod echo;
mod native;
#[cfg(test)]
mod oracle;
mod qemu;
mod report;
mod spec;
mod store;
mod timing;
mod wasm;

use crate::clock::CpuInstant as Instant;
use report::{Cell, Row};
use std::path::{Path, PathBuf};
use std::time::Duration;
use timing::{measure_interleaved, median, Budget};

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
    quick: bool,
}

fn parse_args() -> Result<Args, BenchError> {
    let mut a = Args {
        artifacts: PathBuf::new(),
        only: None,
        qemu: true,
        budget: Duration::from_millis(1500),
        profile: None,
        reps: 3,
        quick: false,
    };
    let mut it = std::env::args().skip(1);
    let usage = |m: &str| {
        BenchError::Usage(format!("{m}\nusage: echovm-peer-bench --artifacts DIR [--only a,b] [--no-qemu] [--quick] [--budget-ms N] [--profile NAME [--reps N]]"))
    };
    while let Some(arg) = it.next() {
        let mut value = |name: &str| {
            it.next()
                .ok_or_else(|| usage(&format!("{name} needs a value")))
        };
        match arg.as_str() {
            "--artifacts" => a.artifacts = PathBuf::from(value("--artifacts")?),
            "--only" => a.only = Some(value("--only")?.split(',').map(str::to_string).collect()),
            "--no-qemu" => a.qemu = false,
            "--quick" => a.quick = true,
            "--budget-ms" => {
                a.budget = Duration::from_millis(
                    value("--budget-ms")?
                        .parse()
                        .map_err(|_| usage("bad --budget-ms"))?,
                )
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
    let bytes: [u8; 8] = ret
        .try_into()
        .map_err(|_| BenchError::BadReturn(ret.len()))?;
    Ok(u64::from_le_bytes(bytes))
}

fn cell(r: &Result<timing::Sample, BenchError>) -> Cell {
    match r {
        Ok(s) => Cell::Time(s.median),
        Err(e) => Cell::Failed(e.to_string()),
    }
}

fn bench_row(b: &spec::Bench, n: u32, dir: &Path, budget: Budget, qemu: Option<&Path>) -> Row {
    let mut gas = None;
    let mut fuel = None;
    let input = spec::vm_input(n);
    // A module that fails to load fails its engine's warm-up run with the
    // load error (taken out once: a failed engine is not run again).
    let (mut vm, mut vm_err) = split(echo::EchoBench::load(&dir.join(format!("{}.elf", b.name))));
    let (mut inst, mut inst_err) = split(
        wasm::WasmModule::load(&dir.join(format!("{}.wasm", b.name))).and_then(|m| m.instantiate()),
    );
    let kernel = native::kernel(b.name);
    // The three engines run round-robin (`timing::measure_interleaved`).
    let mut native_run = || match kernel {
        Some(k) => Ok(native::run(k, n)),
        None => Err(BenchError::Usage(format!("no native kernel {}", b.name))),
    };
    let mut echo_run = || {
        let Some(vm) = vm.as_mut() else {
            return Err(vm_err
                .take()
                .unwrap_or(BenchError::Echo("no module".into())));
        };
        let r = vm.call(&input)?;
        gas = Some(r.gas_used);
        Ok((r.time, checksum_of(&r.return_data)?))
    };
    let mut wasm_run = || {
        let Some(inst) = inst.as_mut() else {
            return Err(inst_err
                .take()
                .unwrap_or(BenchError::Wasm("no module".into())));
        };
        let (t, sum, f) = inst.call(n)?;
        fuel = Some(f);
        Ok((t, sum))
    };
    let mut samples =
        measure_interleaved(budget, &mut [&mut native_run, &mut echo_run, &mut wasm_run])
            .into_iter();
    let mut next = || {
        samples
            .next()
            .unwrap_or_else(|| Err(BenchError::Usage("engine missing".into())))
    };
    let (native, echo, wasm) = (next(), next(), next());
    if let Ok(s) = &native {
        eprintln!("  native: {} runs", s.runs);
    }
    let qemu_res = qemu.map(|q| qemu::run(q, &dir.join("native_main"), b.name, n, 3));

    let mut mismatch = Vec::new();
    if let Ok(reference) = &native {
        let mut check = |engine: &str, sum: Option<u64>| {
            if let Some(s) = sum {
                if s != reference.checksum {
                    mismatch.push(format!(
                        "{engine} {s:#x} != native {:#x}",
                        reference.checksum
                    ));
                }
            }
        };
        check("echovm", echo.as_ref().ok().map(|s| s.checksum));
        check("wasmi", wasm.as_ref().ok().map(|s| s.checksum));
        check(
            "qemu",
            qemu_res.as_ref().and_then(|r| r.as_ref().ok()).map(|r| r.1),
        );
    }
    Row {
        name: b.name,
        size: if n == b.n {
            b.size.to_string()
        } else {
            format!("n={n} (quick)")
        },
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

/// A loaded module, or the error that kept it from loading.
fn split<T>(r: Result<T, BenchError>) -> (Option<T>, Option<BenchError>) {
    match r {
        Ok(v) => (Some(v), None),
        Err(e) => (None, Some(e)),
    }
}

/// Calls per timed batch in the call-overhead measurement (one clock read
/// per batch, so the clock's own cost — a syscall for the thread CPU clock —
/// does not inflate a figure of a few microseconds).
const BATCH: usize = 100;

/// Median over `batches` batches of the mean time of one `call()`.
fn per_call(
    batches: usize,
    mut call: impl FnMut() -> Result<(), BenchError>,
) -> Result<Duration, BenchError> {
    call()?; // warm-up: code cache, lazy compilation
    let mut times = Vec::with_capacity(batches);
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..BATCH {
            call()?;
        }
        times.push(t.elapsed() / BATCH as u32);
    }
    Ok(median(&mut times))
}

/// Per-call overhead of the empty contract: (echovm, wasmi). echovm: load
/// the parsed program into a fresh address space and run `_start` (which
/// returns at once) with a reused code cache; wasmi: a fresh store and
/// instance of the compiled module, then call its `run` export.
fn call_overhead(
    dir: &Path,
    batches: usize,
) -> (Result<Duration, BenchError>, Result<Duration, BenchError>) {
    let echo =
        echo::EchoBench::load(&dir.join(format!("{}.elf", spec::EMPTY))).and_then(|mut vm| {
            per_call(batches, || match vm.call_untimed(&[])? {
                (_, ret) if ret.is_empty() => Ok(()),
                (_, ret) => Err(BenchError::BadReturn(ret.len())),
            })
        });
    let wasm = wasm::WasmModule::load(&dir.join(format!("{}.wasm", spec::EMPTY))).and_then(|m| {
        per_call(batches, || match m.instantiate()?.call_untimed(0)? {
            0 => Ok(()),
            sum => Err(BenchError::Unstable {
                first: 0,
                later: sum,
            }),
        })
    });
    (echo, wasm)
}

/// `/proc/loadavg`'s first three fields: other work on this shared 2-core
/// machine inflates every figure, so the run reports it.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn profile(args: &Args, name: &str) -> Result<(), BenchError> {
    let mut vm = echo::EchoBench::load(&args.artifacts.join(format!("{name}.elf")))?;
    if name == spec::EMPTY {
        for _ in 0..args.reps {
            vm.call_untimed(&[])?;
        }
        println!("{name}: {} calls", args.reps);
        return Ok(());
    }
    let b = spec::BENCHES
        .iter()
        .find(|b| b.name == name)
        .ok_or_else(|| BenchError::Usage(format!("unknown benchmark {name}")))?;
    for _ in 0..args.reps {
        let r = vm.call(&spec::vm_input(b.n))?;
        println!(
            "{name}: {} gas, checksum {:#x}, {}",
            r.gas_used,
            checksum_of(&r.return_data)?,
            report::fmt_time(r.time)
        );
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
    let budget = if args.quick {
        Budget {
            time: Duration::ZERO,
            min_runs: 1,
            max_runs: 1,
        }
    } else {
        Budget {
            time: args.budget,
            min_runs: 3,
            max_runs: 501,
        }
    };
    let qemu_path = if args.qemu { qemu::find() } else { None };
    let load_before = load_average();
    let mut rows = Vec::new();
    for b in spec::BENCHES {
        if args
            .only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|x| x == b.name))
        {
            continue;
        }
        eprintln!("running {} ...", b.name);
        let n = if args.quick { b.quick_n } else { b.n };
        rows.push(bench_row(
            b,
            n,
            &args.artifacts,
            budget,
            qemu_path.as_deref(),
        ));
    }
    println!(
        "compiler of the echovm and native builds: {} (wasm: clang)\n",
        std::env::var("BENCH_CC").unwrap_or_else(|_| env!("BENCH_NATIVE_CC").into())
    );
    println!("{}", report::table(&rows, qemu_path.is_some()));
    println!(
        "load average (1/5/15 min): {load_before} before, {} after the program runs\n",
        load_average()
    );

    let batches = 50;
    let (echo_call, wasm_call) = call_overhead(&args.artifacts, batches);
    let fmt = |r: &Result<Duration, BenchError>| match r {
        Ok(t) => format!("{:.2} µs", t.as_secs_f64() * 1e6),
        Err(e) => format!("FAILED ({e})"),
    };
    println!("| empty call (instantiate + call) | echovm | wasmi (fuel) |");
    println!("|---|---:|---:|");
    println!(
        "| µs per call (median of {batches} batches of {BATCH}) | {} | {} |",
        fmt(&echo_call),
        fmt(&wasm_call)
    );
    println!();

    let sm = report::summarize(&rows);
    let failed = rows.iter().any(|r| {
        !r.mismatch.is_empty()
            || [&r.native, &r.echo, &r.wasm, &r.qemu]
                .iter()
                .any(|c| matches!(c, Cell::Failed(_)))
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
