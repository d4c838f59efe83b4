//! modexp on random arbitrary-length little-endian inputs against a plain
//! square-and-multiply reference, and the `modexp_work` formula's corner
//! cases.

mod common;

use common::Rng;
use echovm_precompiles::work::{keccak256_blocks, modexp_exp_head, sha256_blocks};
use echovm_precompiles::{modexp, modexp_work};
use num_bigint::BigUint;
use num_traits::{One, Zero};

fn reference(base: &[u8], exp: &[u8], modulus: &[u8]) -> Vec<u8> {
    let m = BigUint::from_bytes_le(modulus);
    let mut out = vec![0u8; modulus.len()];
    if m.is_zero() {
        return out;
    }
    let e = BigUint::from_bytes_le(exp);
    let mut result = BigUint::one() % &m;
    let mut square = BigUint::from_bytes_le(base) % &m;
    for bit in 0..e.bits() {
        if e.bit(bit) {
            result = (&result * &square) % &m;
        }
        square = (&square * &square) % &m;
    }
    let bytes = result.to_bytes_le();
    out[..bytes.len()].copy_from_slice(&bytes);
    out
}

/// Random length biased towards short and word-boundary sizes, then bytes
/// that sometimes have zero high bytes or are all zero.
fn operand(rng: &mut Rng, max_len: u64) -> Vec<u8> {
    let len = match rng.below(4) {
        0 => rng.below(4),
        1 => [8, 16, 31, 32, 33, 64][rng.below(6) as usize],
        _ => rng.below(max_len + 1),
    } as usize;
    let mut v = rng.bytes(len);
    match rng.below(6) {
        0 => v.iter_mut().for_each(|b| *b = 0),
        1 if len > 1 => {
            let keep = rng.below(len as u64) as usize;
            v[keep..].iter_mut().for_each(|b| *b = 0);
        }
        2 => v.iter_mut().for_each(|b| *b = 0xFF),
        _ => {}
    }
    v
}

#[test]
fn modexp_matches_reference_on_random_inputs() {
    let mut rng = Rng::new(0x6d6f_6465_7870);
    for i in 0..4000 {
        let base = operand(&mut rng, 80);
        // Keep exponents shorter so the reference stays quick.
        let exp = operand(&mut rng, 24);
        let modulus = operand(&mut rng, 80);
        assert_eq!(
            modexp(&base, &exp, &modulus),
            reference(&base, &exp, &modulus),
            "case {i}: base {base:02x?} exp {exp:02x?} mod {modulus:02x?}"
        );
    }
}

#[test]
fn modexp_matches_reference_for_long_odd_and_even_moduli() {
    // num-bigint uses Montgomery for odd moduli and plain reduction for even
    // ones; check both on 256-byte (2048-bit) operands.
    let mut rng = Rng::new(0x4c4f_4e47);
    for i in 0..20 {
        let base = rng.bytes(256);
        let exp = rng.bytes(4);
        let mut modulus = rng.bytes(256);
        modulus[0] = if i % 2 == 0 {
            modulus[0] | 1
        } else {
            modulus[0] & !1
        };
        assert_eq!(
            modexp(&base, &exp, &modulus),
            reference(&base, &exp, &modulus),
            "case {i}"
        );
    }
}

/// `2^k · q` as little-endian bytes, `q` given little-endian.
fn shifted(q: &[u8], k: u64) -> Vec<u8> {
    (BigUint::from_bytes_le(q) << k).to_bytes_le()
}

#[test]
fn modexp_even_moduli_split_by_crt_match_reference() {
    // Powers of two (odd part 1) and 2^k·q, with bases odd and even and
    // exponents both shorter and longer (in bits) than k, so the exponent
    // reduction and the "even base, exp ≥ k gives 0" shortcut are exercised
    // on both sides of their thresholds.
    let mut rng = Rng::new(0x6576_656e);
    for i in 0..3000 {
        let k = match rng.below(3) {
            0 => 1 + rng.below(8),
            1 => 1 + rng.below(70),
            _ => 1 + rng.below(600),
        };
        let q = match rng.below(3) {
            0 => vec![1],
            1 => vec![(rng.next_u64() as u8) | 1],
            _ => {
                let len = 1 + rng.below(40) as usize;
                let mut q = rng.bytes(len);
                q[0] |= 1;
                q
            }
        };
        let modulus = shifted(&q, k);
        let base_len = rng.below(90) as usize;
        let mut base = rng.bytes(base_len);
        if let (Some(low), 1) = (base.first_mut(), rng.below(2)) {
            *low &= !1; // even base
        }
        let exp = match rng.below(4) {
            0 => (k + rng.below(3)).saturating_sub(1).to_le_bytes().to_vec(), // around k
            1 => vec![rng.below(256) as u8],
            _ => {
                let len = 1 + rng.below(30) as usize;
                rng.bytes(len)
            }
        };
        assert_eq!(
            modexp(&base, &exp, &modulus),
            reference(&base, &exp, &modulus),
            "case {i}: k {k} base {base:02x?} exp {exp:02x?} mod {modulus:02x?}"
        );
    }
}

#[test]
fn exp_head_is_the_most_significant_32_bytes() {
    let exp: Vec<u8> = (0u8..40).collect();
    assert_eq!(modexp_exp_head(&exp), &exp[8..]);
    assert_eq!(modexp_exp_head(&exp[..5]), &exp[..5]);
    assert_eq!(modexp_exp_head(&[]), &[] as &[u8]);
}

#[test]
fn modexp_work_formula_corners() {
    // Empty everything: zero words, so no work at all.
    assert_eq!(modexp_work(0, 0, 0, &[]), 0);
    // Exponent 0 or 1: iteration count floors at 1; words = ⌈32/8⌉ = 4.
    assert_eq!(modexp_work(32, 0, 32, &[]), 16);
    assert_eq!(modexp_work(32, 1, 32, &[1]), 16);
    // Exponent 2^255 in 32 bytes: 255 iterations.
    let mut head = [0u8; 32];
    head[31] = 0x80;
    assert_eq!(modexp_work(32, 32, 32, &head), 16 * 255);
    // 40-byte exponent whose top 32 bytes are zero: 8 × (40 − 32) = 64.
    assert_eq!(modexp_work(8, 40, 8, &[0u8; 32]), 64);
    // 40-byte exponent with head = 1: 64 + 0.
    let mut head = [0u8; 32];
    head[0] = 1;
    assert_eq!(modexp_work(8, 40, 8, &head), 64);
    // Only the last 32 bytes of a longer head slice are read.
    let mut long_head = vec![0xFFu8; 8];
    long_head.extend_from_slice(&[0u8; 32]);
    assert_eq!(modexp_work(8, 40, 8, &long_head), 64);
    // Base length counts like modulus length: max of the two.
    assert_eq!(modexp_work(64, 1, 8, &[3]), 64);
    assert_eq!(modexp_work(8, 1, 64, &[3]), 64);
    // Word rounding: 9 bytes are 2 words.
    assert_eq!(modexp_work(9, 1, 1, &[2]), 4);
}

#[test]
fn modexp_work_saturates_instead_of_wrapping() {
    assert_eq!(
        modexp_work(u64::MAX, u64::MAX, u64::MAX, &[0xFF; 32]),
        u64::MAX
    );
    assert_eq!(modexp_work(1 << 40, 1, 1, &[2]), u64::MAX);
    assert_eq!(modexp_work(8, u64::MAX, 8, &[]), u64::MAX);
}

#[test]
fn hash_block_counts_follow_the_padding_rules() {
    assert_eq!(keccak256_blocks(0), 1);
    assert_eq!(keccak256_blocks(135), 1);
    assert_eq!(keccak256_blocks(136), 2);
    assert_eq!(keccak256_blocks(u64::MAX), u64::MAX / 136 + 1);
    assert_eq!(sha256_blocks(0), 1);
    assert_eq!(sha256_blocks(55), 1);
    assert_eq!(sha256_blocks(56), 2);
    assert_eq!(sha256_blocks(119), 2);
    assert_eq!(sha256_blocks(120), 3);
    assert_eq!(sha256_blocks(u64::MAX), u64::MAX.div_ceil(64));
}
