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
    store(load(base).pow_mod(load(exp), load(m)))
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
