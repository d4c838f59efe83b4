//! u128 / i128 arithmetic through compiler-builtins (__udivti3, __umodti3,
//! __divti3, __modti3, __muloti4 and the float conversions), checked /
//! wrapping / saturating operations, bit counts, integer square roots,
//! Euclidean division, parsing and decimal/hex formatting.
#![cfg_attr(not(echovm_native), no_std)]
#![cfg_attr(not(echovm_native), no_main)]

#[path = "evm.rs"]
mod evm;

use core::fmt::Write;
use core::hint::black_box;

static mut OUT: evm::Buf<4096> = evm::Buf::new();

fn mulmod(a: u128, b: u128, m: u128) -> u128 {
    // double-and-add so nothing overflows u128
    let (mut a, mut b, mut r) = (a % m, b, 0u128);
    while b > 0 {
        if b & 1 == 1 {
            r = (r + a) % m;
        }
        a = (a << 1) % m;
        b >>= 1;
    }
    r
}

fn is_prime(n: u128) -> bool {
    if n < 2 {
        return false;
    }
    for p in [2u128, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if n % p == 0 {
            return n == p;
        }
    }
    let (mut d, mut s) = (n - 1, 0);
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    'witness: for a in [2u128, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        let mut x = 1u128;
        let (mut base, mut e) = (a, d);
        while e > 0 {
            if e & 1 == 1 {
                x = mulmod(x, base, n);
            }
            base = mulmod(base, base, n);
            e >>= 1;
        }
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mulmod(x, x, n);
            if x == n - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

fn run() {
    // SAFETY: single-threaded program; the only reference to OUT.
    let out = unsafe { &mut *core::ptr::addr_of_mut!(OUT) };
    let a: u128 = black_box(0xfedc_ba98_7654_3210_0123_4567_89ab_cdef);
    let b: u128 = black_box(0x0000_0000_0000_0001_ffff_ffff_ffff_fffd);
    let _ = writeln!(out, "a={} b={}", a, b);
    let _ = writeln!(out, "a/b={} a%b={} a*b={:#x}", a / b, a % b, a.wrapping_mul(b));
    let _ = writeln!(out, "checked_mul={:?} overflowing_add={:?}", a.checked_mul(b), a.overflowing_add(a));
    let _ = writeln!(out, "sat_sub={} sat_add={}", b.saturating_sub(a), a.saturating_add(a));
    let _ = writeln!(out, "lz={} tz={} ones={} rotl={:x} swap={:x}", b.leading_zeros(), a.trailing_zeros(), a.count_ones(), a.rotate_left(77), a.swap_bytes());
    let _ = writeln!(out, "isqrt(a)={} ilog10(a)={} pow={}", a.isqrt(), a.ilog10(), black_box(3u128).pow(80));
    let sa = a as i128;
    let sb = -(b as i128) / 7;
    let _ = writeln!(out, "sa={} sb={} sa/sb={} sa%sb={}", sa, sb, sa / sb, sa % sb);
    let _ = writeln!(out, "div_euclid={} rem_euclid={}", sa.div_euclid(sb), sa.rem_euclid(sb));
    let _ = writeln!(out, "checked_mul_i={:?} {:?}", sa.checked_mul(sb), (sb / 1000).checked_mul(sb / 1000));
    let _ = writeln!(out, "min/-1={:?} abs_diff={}", i128::MIN.checked_div(black_box(-1)), sa.abs_diff(sb));
    let f = a as f64;
    let g = sb as f32;
    let _ = writeln!(out, "to_f64={:e} bits={:x} to_f32={:e}", f, f.to_bits(), g);
    let _ = writeln!(out, "from_f64={} {} sat={}", black_box(1.2345e30f64) as u128, black_box(-9.87e25f64) as i128, black_box(1e40f64) as u128);
    let primes: [u128; 4] = [(1u128 << 61) - 1, (1u128 << 89) - 1, (1u128 << 89) + 1, 170141183460469231731687303715884105727];
    for p in primes {
        let _ = writeln!(out, "prime({})={}", p, is_prime(p));
    }
    let mut inp = [0u8; 128];
    let n = evm::input_read(&mut inp, 0);
    let text = core::str::from_utf8(&inp[..n]).unwrap_or("");
    for tok in text.split(',') {
        match u128::from_str_radix(tok.trim(), 16) {
            Ok(v) => {
                let _ = writeln!(out, "hex {} = {} (/10^9 = {}, %10^9 = {})", tok.trim(), v, v / 1_000_000_000, v % 1_000_000_000);
            }
            Err(e) => {
                let _ = writeln!(out, "hex {} error {}", tok.trim(), e);
            }
        }
    }
    evm::finish(out.as_bytes())
}

evm_entry!(run);
