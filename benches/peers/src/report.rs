//! The printed table (Markdown, pasted into docs/BENCHMARKS.md as is).

use crate::timing::geomean;
use std::fmt::Write;
use std::time::Duration;

/// One engine's figure for one program: a time, or why there is none.
pub enum Cell {
    Time(Duration),
    Failed(String),
    Skipped,
}

impl Cell {
    pub fn time(&self) -> Option<Duration> {
        match self {
            Cell::Time(t) => Some(*t),
            _ => None,
        }
    }
}

/// One program's row.
pub struct Row {
    pub name: &'static str,
    pub size: String,
    pub native: Cell,
    pub echo: Cell,
    pub wasm: Cell,
    pub qemu: Cell,
    /// Gas used by the echovm call, fuel used by the wasmi call.
    pub gas: Option<u64>,
    pub fuel: Option<u64>,
    /// Checksum problems (empty = every engine that ran agreed with native).
    pub mismatch: Vec<String>,
}

pub fn fmt_time(t: Duration) -> String {
    let us = t.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.1} µs")
    } else if us < 1e6 {
        format!("{:.2} ms", us / 1e3)
    } else {
        format!("{:.2} s", us / 1e6)
    }
}

fn fmt_cell(c: &Cell) -> String {
    match c {
        Cell::Time(t) => fmt_time(*t),
        Cell::Failed(why) => format!("FAILED ({why})"),
        Cell::Skipped => "–".into(),
    }
}

fn ratio(a: &Cell, b: &Cell) -> Option<f64> {
    Some(a.time()?.as_secs_f64() / b.time()?.as_secs_f64())
}

fn fmt_ratio(r: Option<f64>) -> String {
    r.map_or("–".into(), |r| format!("{r:.2}x"))
}

/// Geometric means and goal verdicts over the rows.
pub struct Summary {
    pub echo_vs_native: Option<f64>,
    pub echo_vs_wasm: Option<f64>,
    pub wasm_vs_native: Option<f64>,
    pub worst_vs_native: Option<(&'static str, f64)>,
    pub complete: usize,
    pub total: usize,
}

pub fn summarize(rows: &[Row]) -> Summary {
    let full: Vec<&Row> = rows
        .iter()
        .filter(|r| r.echo.time().is_some() && r.native.time().is_some())
        .collect();
    let en: Vec<f64> = full
        .iter()
        .filter_map(|r| ratio(&r.echo, &r.native))
        .collect();
    let ew: Vec<f64> = rows
        .iter()
        .filter_map(|r| ratio(&r.echo, &r.wasm))
        .collect();
    let wn: Vec<f64> = rows
        .iter()
        .filter_map(|r| ratio(&r.wasm, &r.native))
        .collect();
    let worst = full
        .iter()
        .filter_map(|r| Some((r.name, ratio(&r.echo, &r.native)?)))
        .max_by(|a, b| a.1.total_cmp(&b.1));
    Summary {
        echo_vs_native: geomean(&en),
        echo_vs_wasm: geomean(&ew),
        wasm_vs_native: geomean(&wn),
        worst_vs_native: worst,
        complete: full.len(),
        total: rows.len(),
    }
}

/// The program table with its geometric-mean line.
pub fn table(rows: &[Row], with_qemu: bool) -> String {
    let mut s = String::new();
    let q = if with_qemu { " qemu-x86_64 |" } else { "" };
    let qs = if with_qemu { "---:|" } else { "" };
    let _ = writeln!(
        s,
        "| program | size | native |{q} echovm | wasmi (fuel) | echovm/native | echovm/wasmi | wasmi/native | echovm gas | wasmi fuel | checksums |"
    );
    let _ = writeln!(
        s,
        "|---|---|---:|{qs}---:|---:|---:|---:|---:|---:|---:|---|"
    );
    for r in rows {
        let qcell = if with_qemu {
            format!(" {} |", fmt_cell(&r.qemu))
        } else {
            String::new()
        };
        let check = if r.mismatch.is_empty() {
            "agree".to_string()
        } else {
            format!("MISMATCH: {}", r.mismatch.join("; "))
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} |{qcell} {} | {} | {} | {} | {} | {} | {} | {check} |",
            r.name,
            r.size,
            fmt_cell(&r.native),
            fmt_cell(&r.echo),
            fmt_cell(&r.wasm),
            fmt_ratio(ratio(&r.echo, &r.native)),
            fmt_ratio(ratio(&r.echo, &r.wasm)),
            fmt_ratio(ratio(&r.wasm, &r.native)),
            r.gas.map_or("–".into(), |g| g.to_string()),
            r.fuel.map_or("–".into(), |g| g.to_string()),
        );
    }
    let sm = summarize(rows);
    let qg = if with_qemu { " |" } else { "" };
    let _ = writeln!(
        s,
        "| **geomean** | | |{qg} | | **{}** | **{}** | **{}** | | | |",
        fmt_ratio(sm.echo_vs_native),
        fmt_ratio(sm.echo_vs_wasm),
        fmt_ratio(sm.wasm_vs_native)
    );
    s
}
