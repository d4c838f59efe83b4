//! core::fmt with floats and integers into a fixed buffer, plus core's
//! float parser (dec2flt): Grisu/Dragon shortest printing, exponent forms,
//! fixed precision, NaN/inf/subnormal/-0, f32 and f64, width/fill/radix.
#![cfg_attr(not(echovm_native), no_std)]
#![cfg_attr(not(echovm_native), no_main)]

#[path = "evm.rs"]
mod evm;

use core::fmt::Write;
use core::hint::black_box;

static mut OUT: evm::Buf<16384> = evm::Buf::new();

fn run() {
    // SAFETY: single-threaded program; the only reference to OUT.
    let out = unsafe { &mut *core::ptr::addr_of_mut!(OUT) };
    let vals: [f64; 14] = [
        0.1, 1.0 / 3.0, -2.5, 1e21, 1.5e-310, 5e-324, f64::MAX, f64::MIN_POSITIVE, -0.0, f64::NAN,
        f64::INFINITY, f64::NEG_INFINITY, 123456789.125, 0.3,
    ];
    for v in vals {
        let v = black_box(v);
        let _ = writeln!(out, "{} | {:e} | {:.3} | {:?} | {:+.0} | {:>12.2e}", v, v, v, v, v, v);
    }
    let fvals: [f32; 6] = [0.1, 1.0 / 3.0, 16777217.0, 1e-45, f32::MAX, -f32::EPSILON];
    for v in fvals {
        let v = black_box(v);
        let _ = writeln!(out, "f32 {} | {:e} | {:.9} | bits={:08x}", v, v, v, v.to_bits());
    }
    // arithmetic results printed shortest-roundtrip
    let a = black_box(0.1f64) + black_box(0.2f64);
    let _ = writeln!(out, "0.1+0.2={} sqrt2={} exp-ish={}", a, sqrt(2.0), series_e());
    // integers with formatting flags
    let n = black_box(-123456789i64);
    let _ = writeln!(out, "{:x} {:#b} {:o} {:>15} {:<8}| {:^9}| {:+}", 0xdead_beefu32, 37u8, 511u16, n, 42, "mid", 7);
    let _ = writeln!(out, "{:?} {:?}", (1u8, -2i16, 'x', "s\"q"), [1.5f32, -0.0]);
    // parse the input as whitespace-separated floats
    let mut buf = [0u8; 512];
    let len = evm::input_read(&mut buf, 0);
    let text = core::str::from_utf8(&buf[..len]).unwrap_or("");
    let mut sum = 0.0f64;
    for tok in text.split_ascii_whitespace() {
        match tok.parse::<f64>() {
            Ok(x) => {
                sum += x;
                let _ = writeln!(out, "parsed {} -> {} ({:016x})", tok, x, x.to_bits());
            }
            Err(_) => {
                let _ = writeln!(out, "parsed {} -> error", tok);
            }
        }
    }
    let _ = writeln!(out, "sum={}", sum);
    evm::debug_print(b"fmt_float done");
    evm::finish(out.as_bytes())
}

/// Newton iteration; plain SSE2 arithmetic, no libm.
fn sqrt(x: f64) -> f64 {
    let mut g = x / 2.0;
    for _ in 0..20 {
        g = 0.5 * (g + x / g);
    }
    g
}

fn series_e() -> f64 {
    let mut term = 1.0f64;
    let mut sum = 1.0f64;
    for i in 1..20 {
        term /= black_box(i as f64);
        sum += term;
    }
    sum
}

evm_entry!(run);
