//! Hostile-input sweep: every entry point on seeded random and adversarial
//! bytes must return (never panic), with results inside the ABI's ranges.

mod common;

use common::Rng;
use echovm_precompiles::work::{keccak256_blocks, sha256_blocks};
use echovm_precompiles::*;

#[test]
fn secp256k1_never_panics() {
    let mut rng = Rng::new(0xbad_5ec9);
    for _ in 0..3000 {
        let hash: [u8; 32] = rng.bytes(32).try_into().expect("32");
        let mut sig = [0u8; 64];
        match rng.below(4) {
            0 => rng.fill(&mut sig),
            1 => sig = [0xFF; 64],
            2 => sig[..32].copy_from_slice(&rng.bytes(32)),
            _ => sig[32..].copy_from_slice(&rng.bytes(32)),
        }
        let recid = match rng.below(3) {
            0 => rng.below(4),
            1 => rng.below(300),
            _ => rng.next_u64(),
        };
        if let Some(xy) = secp256k1_recover(&hash, &sig, recid) {
            assert!(recid <= 3);
            // A recovered key is always a well-formed key for verify.
            assert_ne!(secp256k1_verify(&hash, &sig, &xy), VERIFY_MALFORMED);
        }
        let key_len = [0, 1, 33, 64, 65, 66, 100][rng.below(7) as usize];
        let mut key = rng.bytes(key_len);
        if let Some(first) = key.first_mut() {
            *first = [0x02, 0x03, 0x04, 0x00, 0x06, *first][rng.below(6) as usize];
        }
        let result = secp256k1_verify(&hash, &sig, &key);
        assert!((-1..=1).contains(&result));
    }
}

#[test]
fn u256_and_modexp_never_panic() {
    let mut rng = Rng::new(0xbad_256);
    for _ in 0..5000 {
        let (a, b, m) = (rng.u256(), rng.u256(), rng.u256());
        let _ = u256_mulmod(&a, &b, &m);
        let _ = u256_addmod(&a, &b, &m);
        let _ = u256_powmod(&a, &b, &m);
        let _ = u256_divmod(&a, &b);
        let _ = u256_mul_wide(&a, &b);
        let _ = u256_powmod_work(&b);
        let lens = [rng.below(70), rng.below(12), rng.below(70)];
        let base = rng.bytes(lens[0] as usize);
        let exp = rng.bytes(lens[1] as usize);
        let mut modulus = rng.bytes(lens[2] as usize);
        if rng.below(4) == 0 {
            modulus.iter_mut().for_each(|x| *x = 0);
        }
        assert_eq!(modexp(&base, &exp, &modulus).len(), modulus.len());
        let _ = modexp_work_for(&base, &exp, &modulus);
        let _ = modexp_work(
            rng.next_u64(),
            rng.next_u64(),
            rng.next_u64(),
            &rng.bytes(lens[1] as usize),
        );
        let _ = keccak256_blocks(rng.next_u64());
        let _ = sha256_blocks(rng.next_u64());
        let _ = Precompile::from_vector(rng.next_u64());
    }
}

#[test]
fn hashes_accept_any_length() {
    let mut rng = Rng::new(0xbad_4a54);
    for len in 0..300 {
        let data = rng.bytes(len);
        let _ = keccak256(&data);
        let _ = sha256(&data);
    }
}
