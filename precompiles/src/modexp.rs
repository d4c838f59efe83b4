//! Arbitrary-length modular exponentiation (vector 0x95), EIP-198's function
//! with the ABI's little-endian byte order.

mod even;

use num_bigint::BigUint;
use num_traits::{One, Zero};

/// `base^exp mod modulus` over arbitrary-length **little-endian** unsigned
/// integers (byte 0 is the least significant).
///
/// The result is always exactly `modulus.len()` bytes, little-endian,
/// zero-padded at the high end, so the runtime can copy it to a buffer the
/// contract sized from `mod_len` alone. Like EIP-198:
/// * a zero modulus (any length, including zero length) gives all zeros;
/// * `modulus = 1` gives zero;
/// * `exp = 0` (including an empty `exp`) gives `1 mod modulus`, also for
///   `base = 0` (`0^0 = 1`);
/// * empty `base`/`exp` slices are the number 0.
///
/// Work is bounded only by the input lengths; callers charge gas first with
/// [`crate::work::modexp_work`].
pub fn modexp(base: &[u8], exp: &[u8], modulus: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; modulus.len()];
    let m = BigUint::from_bytes_le(modulus);
    // m = 0 has no residues (EIP-198 returns zeros); m = 1 has only zero.
    if m.is_zero() || m.is_one() {
        return out;
    }
    let e = BigUint::from_bytes_le(exp);
    let b = BigUint::from_bytes_le(base);
    // x^0 = 1 is decided here, so neither exponentiation path needs to get
    // the empty-exponent case right on its own.
    let result = if e.is_zero() {
        BigUint::one()
    } else {
        match m.trailing_zeros() {
            Some(k) if k > 0 => even::pow_mod_even(&b, &e, &m, k),
            // Odd modulus: num-bigint's Montgomery exponentiation.
            _ => b.modpow(&e, &m),
        }
    };
    let bytes = result.to_bytes_le();
    // result < m, and m fits in modulus.len() bytes, so this never truncates;
    // `zip` keeps the copy panic-free regardless.
    for (slot, byte) in out.iter_mut().zip(bytes.iter()) {
        *slot = *byte;
    }
    out
}
