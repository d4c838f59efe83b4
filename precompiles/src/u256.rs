//! Fixed-width 256-bit modular arithmetic (vectors 0x90–0x94).
//!
//! Every operand and result is a 32-byte **little-endian** unsigned integer,
//! the ABI's u256 layout, so a contract can pass four `u64` limbs in memory
//! order. Arithmetic is done by `ruint` on four 64-bit limbs; intermediate
//! values are exact (a 257-bit sum, a 512-bit product), so no result ever
//! depends on wrap-around.

use ruint::Uint;

type U256 = Uint<256, 4>;
type U512 = Uint<512, 8>;

fn load(bytes: &[u8; 32]) -> U256 {
    U256::from_le_bytes(*bytes)
}

fn store(value: U256) -> [u8; 32] {
    value.to_le_bytes::<32>()
}

/// `(a · b) mod m`, computed from the full 512-bit product; 0 when `m = 0`.
pub fn u256_mulmod(a: &[u8; 32], b: &[u8; 32], m: &[u8; 32]) -> [u8; 32] {
    store(load(a).mul_mod(load(b), load(m)))
}

/// `(a + b) mod m`, computed from the full 257-bit sum (operands need not be
/// reduced); 0 when `m = 0`.
pub fn u256_addmod(a: &[u8; 32], b: &[u8; 32], m: &[u8; 32]) -> [u8; 32] {
    store(load(a).add_mod(load(b), load(m)))
}

/// `base^exp mod m` by square-and-multiply; 0 when `m = 0`.
///
/// `x^0 = 1` for every `x`, including `0^0`, so the result for `exp = 0` is
/// `1 mod m` (1, or 0 when `m = 1`). The cost grows with the bit length of
/// `exp`; see [`crate::work::u256_powmod_work`].
pub fn u256_powmod(base: &[u8; 32], exp: &[u8; 32], m: &[u8; 32]) -> [u8; 32] {
    let (base, exp, m) = (load(base), load(exp), load(m));
    if m.bit(0) && m > U256::ONE {
        store(montgomery_powmod(base, exp, m))
    } else {
        // Even moduli (and 0, 1): ruint's square-and-multiply with mul_mod.
        store(base.pow_mod(exp, m))
    }
}

/// `base^exp mod m` for odd `m > 1` in Montgomery form (R = 2^256), which
/// replaces each 512-by-256-bit division of `mul_mod` with a reduction that
/// needs only multiplications — about 4× faster for a full-size exponent.
fn montgomery_powmod(base: U256, exp: U256, m: U256) -> U256 {
    let inv = neg_inverse_mod_2_64(m.as_limbs()[0]);
    // R mod m: 2^256 − m is congruent to 2^256 and fits in 256 bits.
    let one = m.wrapping_neg() % m;
    let r_squared = one.mul_mod(one, m);
    let base = (base % m).mul_redc(r_squared, m, inv);
    let mut acc = one;
    for bit in (0..exp.bit_len()).rev() {
        acc = acc.square_redc(m, inv);
        if exp.bit(bit) {
            acc = acc.mul_redc(base, m, inv);
        }
    }
    // Leave Montgomery form: multiply by plain 1, i.e. divide by R.
    acc.mul_redc(U256::ONE, m, inv)
}

/// `−m⁻¹ mod 2^64` for odd `m0`, by Newton's iteration: `x = m0` is already
/// correct to 3 bits (odd squares are 1 mod 8) and each step doubles the
/// correct bits (3 → 6 → 12 → 24 → 48 → 96).
fn neg_inverse_mod_2_64(m0: u64) -> u64 {
    let mut x = m0;
    for _ in 0..5 {
        x = x.wrapping_mul(2u64.wrapping_sub(m0.wrapping_mul(x)));
    }
    x.wrapping_neg()
}

/// Truncating division: `Some((a / b, a mod b))`, or `None` when `b = 0`
/// (the interrupt then returns −1 and writes nothing).
pub fn u256_divmod(a: &[u8; 32], b: &[u8; 32]) -> Option<([u8; 32], [u8; 32])> {
    let divisor = load(b);
    if divisor.is_zero() {
        return None;
    }
    let (quotient, remainder) = load(a).div_rem(divisor);
    Some((store(quotient), store(remainder)))
}

/// The full 512-bit product `a · b`, 64 bytes little-endian (low half first).
pub fn u256_mul_wide(a: &[u8; 32], b: &[u8; 32]) -> [u8; 64] {
    let product: U512 = load(a).widening_mul(load(b));
    product.to_le_bytes::<64>()
}
