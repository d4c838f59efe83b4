//! Wall-clock cost of each precompile on typical inputs, printed as
//! nanoseconds per call. Not a consensus path: these figures only guide the
//! prices written into versioned gas schedules.
//!
//! Run: `cargo bench -p echovm-precompiles --bench throughput`.

use std::hint::black_box;
use std::time::Instant;

use echovm_precompiles::*;

fn time<R>(name: &str, iterations: u32, mut f: impl FnMut() -> R) {
    for _ in 0..iterations / 10 + 1 {
        black_box(f());
    }
    let start = Instant::now();
    for _ in 0..iterations {
        black_box(f());
    }
    let per_call = start.elapsed().as_nanos() / u128::from(iterations);
    println!("{name:<40} {per_call:>10} ns/call");
}

fn main() {
    let kib = vec![0x5Au8; 1024];
    let mib = vec![0xA5u8; 1 << 20];
    time("keccak256 32 B", 200_000, || {
        keccak256(black_box(&kib[..32]))
    });
    time("keccak256 1 KiB", 50_000, || keccak256(black_box(&kib)));
    time("keccak256 1 MiB", 50, || keccak256(black_box(&mib)));
    time("sha256 32 B", 200_000, || sha256(black_box(&kib[..32])));
    time("sha256 1 KiB", 50_000, || sha256(black_box(&kib)));
    time("sha256 1 MiB", 50, || sha256(black_box(&mib)));

    let key = k256::ecdsa::SigningKey::from_slice(&[7u8; 32]).expect("valid key");
    let hash = keccak256(b"bench");
    let (sig, recid) = key.sign_prehash_recoverable(&hash).expect("signs");
    let sig: [u8; 64] = sig.to_bytes().into();
    let recid = u64::from(recid.to_byte());
    let pubkey = key
        .verifying_key()
        .to_encoded_point(true)
        .as_bytes()
        .to_vec();
    time("secp256k1_recover", 2_000, || {
        secp256k1_recover(black_box(&hash), black_box(&sig), recid)
    });
    time("secp256k1_verify (compressed key)", 2_000, || {
        secp256k1_verify(black_box(&hash), black_box(&sig), black_box(&pubkey))
    });

    let a = [0xC3u8; 32];
    let b = [0x7Eu8; 32];
    let mut m = [0xFFu8; 32];
    m[0] = 0x2F;
    m[1] = 0xFC;
    m[4] = 0xFE;
    time("u256_mulmod", 1_000_000, || {
        u256_mulmod(black_box(&a), black_box(&b), black_box(&m))
    });
    time("u256_addmod", 1_000_000, || {
        u256_addmod(black_box(&a), black_box(&b), black_box(&m))
    });
    time("u256_divmod", 1_000_000, || {
        u256_divmod(black_box(&a), black_box(&b))
    });
    time("u256_mul_wide", 1_000_000, || {
        u256_mul_wide(black_box(&a), black_box(&b))
    });
    time("u256_powmod (256-bit exponent)", 20_000, || {
        u256_powmod(black_box(&a), black_box(&[0xFF; 32]), black_box(&m))
    });

    for bytes in [32usize, 128, 256, 512] {
        let base = vec![0x9Bu8; bytes];
        let exp = vec![0xFFu8; bytes];
        let mut modulus = vec![0xE7u8; bytes];
        modulus[0] |= 1;
        let work = modexp_work_for(&base, &exp, &modulus);
        let iterations = (2_000_000 / work.max(1)).clamp(3, 20_000) as u32;
        time(
            &format!("modexp {bytes} B (work {work})"),
            iterations,
            || modexp(black_box(&base), black_box(&exp), black_box(&modulus)),
        );
        modulus[0] &= !1;
        time(
            &format!("modexp {bytes} B even modulus"),
            iterations,
            || modexp(black_box(&base), black_box(&exp), black_box(&modulus)),
        );
        // Worst split for the CRT path: half the modulus is a power of two.
        modulus[..bytes / 2].fill(0);
        time(
            &format!("modexp {bytes} B modulus 2^{} * odd", bytes * 4),
            iterations,
            || modexp(black_box(&base), black_box(&exp), black_box(&modulus)),
        );
        modulus.fill(0);
        modulus[bytes - 1] = 0x80;
        time(
            &format!("modexp {bytes} B modulus 2^{}", bytes * 8 - 1),
            iterations,
            || modexp(black_box(&base), black_box(&exp), black_box(&modulus)),
        );
    }
}
