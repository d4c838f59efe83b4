//! Calibration bench for the precompile prices (docs/GAS.md, "Calibration").
//!
//! Times the real precompile functions of `echovm-precompiles` and prints, for
//! every priced quantity, the measured nanoseconds beside the latest schedule's
//! gas and the implied nanoseconds per gas. A well-balanced schedule shows
//! similar ns/gas on every line; an outlier is under- or over-priced.
//!
//! The gas unit itself is anchored by the interpreter (1 gas ≈ one register
//! `add`), which this crate cannot run. Pass the interpreter's measured figure
//! as `ECHOVM_NS_PER_GAS=<ns>` to also print suggested prices.
//!
//! Run: `cargo bench -p echovm-gas --bench precompile_costs`.
//! Wall-clock timing is fine here: this is an offline tool, never a consensus path.

use std::hint::black_box;
use std::time::Instant;

use echovm_precompiles as pc;

/// Median-of-runs nanoseconds per call of `f`.
fn time_ns(mut f: impl FnMut()) -> f64 {
    // Size a batch to ~20 ms, then take the median of 9 batches.
    let mut iters: u64 = 1;
    loop {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        if t.elapsed().as_millis() >= 20 || iters >= 1 << 30 {
            break;
        }
        iters *= 2;
    }
    let mut runs: Vec<f64> = (0..9)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..iters {
                f();
            }
            t.elapsed().as_nanos() as f64 / iters as f64
        })
        .collect();
    runs.sort_by(|a, b| a.total_cmp(b));
    runs[runs.len() / 2]
}

struct Row {
    item: &'static str,
    ns: f64,
    gas: u64,
}

fn main() {
    let schedule = echovm_gas::latest();
    let cost = |name: &str| {
        *schedule
            .interrupt(echovm_gas::vector_by_name(name).unwrap().number)
            .unwrap()
    };
    let sur = schedule.surcharges();
    let mut rows = Vec::new();

    // Hashes: base from a 1-word input, per word from the slope up to 64 KiB.
    for (name, f) in [
        ("keccak256", pc::keccak256 as fn(&[u8]) -> [u8; 32]),
        ("sha256", pc::sha256),
    ] {
        let small = vec![0x5au8; 32];
        let large = vec![0x5au8; 65536];
        let t_small = time_ns(|| {
            black_box(f(black_box(&small)));
        });
        let t_large = time_ns(|| {
            black_box(f(black_box(&large)));
        });
        let per_word = (t_large - t_small) / (65536.0 / 32.0 - 1.0);
        let c = cost(name);
        rows.push(Row {
            item: leak(format!("{name} base")),
            ns: t_small - per_word,
            gas: c.base,
        });
        rows.push(Row {
            item: leak(format!("{name} per word")),
            ns: per_word,
            gas: c.per_word,
        });
    }

    // secp256k1: r = x(G) is always a valid x coordinate, so recovery does the full work.
    let hash = [0x11u8; 32];
    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&[
        0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0, 0x62, 0x95, 0xce, 0x87, 0x0b,
        0x07, 0x02, 0x9b, 0xfc, 0xdb, 0x2d, 0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8,
        0x17, 0x98,
    ]);
    sig[63] = 7; // small (low) s
    let pubkey = pc::secp256k1_recover(&hash, &sig, 0).expect("x(G) recovers");
    rows.push(Row {
        item: "secp256k1_recover",
        ns: time_ns(|| {
            black_box(pc::secp256k1_recover(black_box(&hash), &sig, 0));
        }),
        gas: cost("secp256k1_recover").base,
    });
    rows.push(Row {
        item: "secp256k1_verify",
        ns: time_ns(|| {
            black_box(pc::secp256k1_verify(black_box(&hash), &sig, &pubkey));
        }),
        gas: cost("secp256k1_verify").base,
    });

    // u256: full-width operands, odd modulus near 2^256.
    let a = [0xf3u8; 32];
    let b = [0x9du8; 32];
    let mut m = [0xffu8; 32];
    m[0] = 0x2f;
    type Op<'a> = (&'static str, Box<dyn Fn() + 'a>);
    let u256_ops: [Op; 4] = [
        (
            "u256_mulmod",
            Box::new(|| {
                black_box(pc::u256_mulmod(black_box(&a), &b, &m));
            }),
        ),
        (
            "u256_addmod",
            Box::new(|| {
                black_box(pc::u256_addmod(black_box(&a), &b, &m));
            }),
        ),
        (
            "u256_divmod",
            Box::new(|| {
                black_box(pc::u256_divmod(black_box(&a), &b));
            }),
        ),
        (
            "u256_mul_wide",
            Box::new(|| {
                black_box(pc::u256_mul_wide(black_box(&a), &b));
            }),
        ),
    ];
    for (name, f) in u256_ops {
        rows.push(Row {
            item: name,
            ns: time_ns(f),
            gas: cost(name).base,
        });
    }

    // powmod: base from a zero exponent, per bit from the slope to a 256-bit one.
    let zero = [0u8; 32];
    let full = [0xffu8; 32];
    let t0 = time_ns(|| {
        black_box(pc::u256_powmod(black_box(&a), &zero, &m));
    });
    let t256 = time_ns(|| {
        black_box(pc::u256_powmod(black_box(&a), &full, &m));
    });
    rows.push(Row {
        item: "u256_powmod base",
        ns: t0,
        gas: cost("u256_powmod").base,
    });
    rows.push(Row {
        item: "u256_powmod per exponent bit",
        ns: (t256 - t0) / 256.0,
        gas: sur.powmod_per_exponent_bit,
    });

    // modexp: 2048-bit numbers, full exponent; price per modexp_work unit.
    let base = vec![0xa7u8; 256];
    let exp = vec![0xffu8; 256];
    let mut modulus = vec![0xffu8; 256];
    modulus[0] = 0x61;
    let work = pc::modexp_work_for(&base, &exp, &modulus);
    let t = time_ns(|| {
        black_box(pc::modexp(black_box(&base), &exp, &modulus));
    });
    rows.push(Row {
        item: "modexp per work unit (2048-bit)",
        ns: t / work as f64,
        gas: sur.modexp_per_work_unit,
    });

    let anchor = std::env::var("ECHOVM_NS_PER_GAS")
        .ok()
        .and_then(|s| s.parse::<f64>().ok());
    println!("schedule v{} ({})", schedule.version(), schedule.hash_hex());
    println!(
        "{:<34}{:>14}{:>10}{:>12}{}",
        "item",
        "measured ns",
        "gas",
        "ns/gas",
        if anchor.is_some() {
            "   suggested gas"
        } else {
            ""
        }
    );
    for r in &rows {
        let implied = if r.gas == 0 {
            f64::NAN
        } else {
            r.ns / r.gas as f64
        };
        print!("{:<34}{:>14.1}{:>10}{:>12.2}", r.item, r.ns, r.gas, implied);
        if let Some(ns_per_gas) = anchor {
            print!("{:>18.0}", (r.ns / ns_per_gas).max(1.0).ceil());
        }
        println!();
    }
    if anchor.is_none() {
        println!("(set ECHOVM_NS_PER_GAS to the interpreter's ns per ALU instruction for suggested prices)");
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}
