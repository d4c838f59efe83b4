//! 256-bit modular arithmetic and modexp (0x90..0x95), computed by the host.
//! Operands are 32-byte little-endian [`U256`] values.

use crate::sys;
use alloc::vec::Vec;

/// 256-bit unsigned integer, 32 bytes little-endian.
pub type U256 = [u8; 32];

/// `u128` widened to a [`U256`].
pub fn from_u128(v: u128) -> U256 {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&v.to_le_bytes());
    out
}

/// (a·b) mod m; m = 0 gives 0.
pub fn mulmod(a: &U256, b: &U256, m: &U256) -> U256 {
    let mut out = [0u8; 32];
    // SAFETY: three 32-byte reads, one 32-byte write.
    unsafe { sys::u256_mulmod(a.as_ptr(), b.as_ptr(), m.as_ptr(), out.as_mut_ptr()) };
    out
}

/// (a+b) mod m; m = 0 gives 0.
pub fn addmod(a: &U256, b: &U256, m: &U256) -> U256 {
    let mut out = [0u8; 32];
    // SAFETY: three 32-byte reads, one 32-byte write.
    unsafe { sys::u256_addmod(a.as_ptr(), b.as_ptr(), m.as_ptr(), out.as_mut_ptr()) };
    out
}

/// base^exp mod m; m = 0 gives 0.
pub fn powmod(base: &U256, exp: &U256, m: &U256) -> U256 {
    let mut out = [0u8; 32];
    // SAFETY: three 32-byte reads, one 32-byte write.
    unsafe { sys::u256_powmod(base.as_ptr(), exp.as_ptr(), m.as_ptr(), out.as_mut_ptr()) };
    out
}

/// (a / b, a % b), `None` when b = 0.
pub fn divmod(a: &U256, b: &U256) -> Option<(U256, U256)> {
    let (mut q, mut r) = ([0u8; 32], [0u8; 32]);
    // SAFETY: two 32-byte reads, two 32-byte writes.
    let ok =
        unsafe { sys::u256_divmod(a.as_ptr(), b.as_ptr(), q.as_mut_ptr(), r.as_mut_ptr()) } == 0;
    ok.then_some((q, r))
}

/// The full 512-bit product, 64 bytes little-endian.
pub fn mul_wide(a: &U256, b: &U256) -> [u8; 64] {
    let mut out = [0u8; 64];
    // SAFETY: two 32-byte reads, one 64-byte write.
    unsafe { sys::u256_mul_wide(a.as_ptr(), b.as_ptr(), out.as_mut_ptr()) };
    out
}

/// base^exp mod modulus for arbitrary-length little-endian numbers; the
/// result has `modulus.len()` bytes.
pub fn modexp(base: &[u8], exp: &[u8], modulus: &[u8]) -> Vec<u8> {
    let mut out = alloc::vec![0u8; modulus.len()];
    // SAFETY: the host reads the three inputs and writes modulus.len() bytes.
    unsafe {
        sys::modexp(
            base.as_ptr(),
            base.len(),
            exp.as_ptr(),
            exp.len(),
            modulus.as_ptr(),
            modulus.len(),
            out.as_mut_ptr(),
        )
    };
    out
}
