//! The kernels checked against independent implementations: the runner only
//! proves that the three builds *agree*; these tests prove that what they
//! agree on is right (SHA-256 from the `sha2` crate, Keccak-f[1600] from the
//! `keccak` crate, the product from `num-bigint`, the sort from the standard
//! library). Each rebuilds the kernel's input from the same xorshift seed.

use crate::native;

/// `bench_xorshift` of `benches/c/bench.h`.
fn xorshift(s: &mut u64) -> u64 {
    let mut x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    x
}

fn run(name: &str, n: u32) -> u64 {
    native::run(native::kernel(name).expect("kernel linked"), n).1
}

#[test]
fn fib_is_fibonacci() {
    let (mut a, mut b) = (0u64, 1u64);
    for n in 0..=30u32 {
        assert_eq!(run("fib", n), a, "fib({n})");
        (a, b) = (b, a + b);
    }
}

#[test]
fn sha256_matches_sha2_crate() {
    use sha2::{Digest, Sha256};
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut chunk: Vec<u8> = (0..4096).map(|_| xorshift(&mut seed) as u8).collect();
    for n in [0u32, 1, 3, 17] {
        let mut h = Sha256::new();
        for c in 0..n {
            chunk[0] = c as u8;
            chunk[1] = (c >> 8) as u8;
            h.update(&chunk);
        }
        let d = h.finalize();
        assert_eq!(
            run("sha256", n),
            u64::from_be_bytes(d[..8].try_into().unwrap()),
            "n = {n}"
        );
    }
}

#[test]
fn keccak_matches_keccak_crate() {
    for n in [0u32, 1, 2, 24, 100] {
        let mut seed = 0x243f_6a88_85a3_08d3u64 ^ n as u64;
        let mut a = [0u64; 25];
        for lane in a.iter_mut() {
            *lane = xorshift(&mut seed);
        }
        for _ in 0..n {
            keccak::f1600(&mut a);
        }
        let x = a
            .iter()
            .enumerate()
            .fold(0u64, |x, (i, l)| x ^ l.wrapping_mul(2 * i as u64 + 1));
        assert_eq!(run("keccak", n), x, "n = {n}");
    }
}

#[test]
fn sort_matches_std_sort() {
    for n in [0u32, 1, 16, 17, 1000, 30_000] {
        let mut seed = 0x853c_49e6_748f_ea9bu64;
        let mut v: Vec<u32> = (0..n).map(|_| xorshift(&mut seed) as u32).collect();
        v.sort_unstable();
        let sum = v
            .iter()
            .enumerate()
            .fold(0u64, |s, (i, &x)| s.wrapping_add(x as u64 * (i as u64 + 1)));
        assert_eq!(run("sort", n), sum, "n = {n}");
    }
}

#[test]
fn bigint_matches_num_bigint() {
    use num_bigint::BigUint;
    for n in [1u32, 2, 7, 300] {
        let mut seed = 0x1319_8a2e_0370_7344u64;
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for _ in 0..n {
            a.push(xorshift(&mut seed) as u32);
            b.push(xorshift(&mut seed) as u32);
        }
        let mut limbs = (BigUint::from_slice(&a) * BigUint::from_slice(&b)).to_u32_digits();
        limbs.resize(2 * n as usize, 0);
        let h = limbs.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &l| {
            (h ^ l as u64).wrapping_mul(0x100_0000_01b3)
        });
        assert_eq!(run("bigint", n), h, "n = {n}");
    }
}
