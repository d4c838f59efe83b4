//! Work measures for the variable-cost precompiles.
//!
//! These are pure functions of the argument *sizes* (and, for exponentiation,
//! the exponent's leading bits) that a gas schedule multiplies or divides by
//! its own constants. No price lives here: schedules are versioned, the work a
//! function does is not. Every function saturates instead of overflowing, so a
//! hostile length pair prices as "unaffordable" rather than wrapping to cheap.

/// The exponent bytes that [`modexp_work`] reads: its most significant
/// `min(len, 32)` bytes, still in little-endian order (the *end* of the
/// slice, since the ABI is little-endian).
pub fn modexp_exp_head(exp: &[u8]) -> &[u8] {
    &exp[exp.len().saturating_sub(32)..]
}

/// EIP-2565's `multiplication_complexity × iteration_count`, with the
/// exponent given little-endian.
///
/// * `multiplication_complexity = ⌈max(base_len, mod_len) / 8⌉²`: the cost of
///   one modular multiplication with 64-bit words (schoolbook).
/// * `iteration_count` approximates the number of squarings: for
///   `exp_len ≤ 32` it is `bitlen(exp) − 1`; for longer exponents it is
///   `8·(exp_len − 32) + bitlen(head) − 1`, where `head` is the exponent's
///   most significant 32 bytes (a zero head adds nothing); at least 1.
///
/// `exp_head` must hold the exponent's most significant bytes in
/// little-endian order ([`modexp_exp_head`] cuts them out); only its last 32
/// bytes are read, so passing the whole exponent is also correct.
///
/// EIP-2565 gas is `max(200, work / 3)`; the schedule chooses its own floor
/// and divisor. Unlike EIP-198/2565 inputs, the ABI passes real slices, so
/// `exp_len` here is the actual exponent length the runtime reads.
pub fn modexp_work(base_len: u64, exp_len: u64, mod_len: u64, exp_head: &[u8]) -> u64 {
    let words = base_len.max(mod_len).div_ceil(8);
    let complexity = words.saturating_mul(words);
    let head_bits = bit_len_le(modexp_exp_head(exp_head));
    let head_term = head_bits.saturating_sub(1);
    let iterations = if exp_len <= 32 {
        head_term
    } else {
        (exp_len - 32).saturating_mul(8).saturating_add(head_term)
    };
    complexity.saturating_mul(iterations.max(1))
}

/// [`modexp_work`] for the actual argument slices.
pub fn modexp_work_for(base: &[u8], exp: &[u8], modulus: &[u8]) -> u64 {
    modexp_work(
        len_u64(base),
        len_u64(exp),
        len_u64(modulus),
        modexp_exp_head(exp),
    )
}

/// The number of square-and-multiply rounds [`crate::u256_powmod`] performs:
/// the bit length of the little-endian `exp` (0 for `exp = 0`, at most 256).
pub fn u256_powmod_work(exp: &[u8; 32]) -> u64 {
    bit_len_le(exp)
}

/// Keccak-f\[1600\] permutations needed to absorb `len` bytes: one per
/// 136-byte rate block, counting the padding block (`len / 136 + 1`).
pub fn keccak256_blocks(len: u64) -> u64 {
    len / 136 + 1
}

/// SHA-256 compressions needed for `len` bytes: the message plus at least 9
/// bytes of padding and length, in 64-byte blocks (`⌈(len + 9) / 64⌉`).
pub fn sha256_blocks(len: u64) -> u64 {
    len.saturating_add(9).div_ceil(64)
}

/// Bit length of a little-endian unsigned integer (0 for zero or empty).
fn bit_len_le(bytes: &[u8]) -> u64 {
    match bytes.iter().rposition(|&b| b != 0) {
        Some(top) => len_u64(&bytes[..top]) * 8 + u64::from(8 - bytes[top].leading_zeros()),
        None => 0,
    }
}

fn len_u64(bytes: &[u8]) -> u64 {
    // usize is at most 64 bits on every supported host.
    bytes.len() as u64
}
