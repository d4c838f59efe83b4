//! Hashes and secp256k1 (0x80..0x83), computed by the host.

use crate::{sys, Address, Hash};

/// keccak256 (Ethereum's, not NIST SHA3-256).
pub fn keccak256(data: &[u8]) -> Hash {
    let mut out = [0u8; 32];
    // SAFETY: the host reads data and writes 32 bytes to out.
    unsafe { sys::keccak256(data.as_ptr(), data.len(), out.as_mut_ptr()) };
    out
}

/// keccak256 of several byte strings concatenated, without building the
/// concatenation when it fits in 256 bytes.
pub fn keccak256_concat(parts: &[&[u8]]) -> Hash {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let mut stack = [0u8; 256];
    let mut heap;
    let buf: &mut [u8] = if total <= stack.len() {
        &mut stack[..total]
    } else {
        heap = alloc::vec![0u8; total];
        &mut heap
    };
    let mut at = 0;
    for p in parts {
        buf[at..at + p.len()].copy_from_slice(p);
        at += p.len();
    }
    keccak256(buf)
}

/// SHA-256.
pub fn sha256(data: &[u8]) -> Hash {
    let mut out = [0u8; 32];
    // SAFETY: the host reads data and writes 32 bytes to out.
    unsafe { sys::sha256(data.as_ptr(), data.len(), out.as_mut_ptr()) };
    out
}

/// Recover the uncompressed public key x‖y (64 bytes, big-endian) that
/// signed `hash` with `sig` = r‖s (big-endian) and recovery id `recid`
/// (0..3); `None` when recovery fails.
pub fn secp256k1_recover(hash: &Hash, sig: &[u8; 64], recid: u8) -> Option<[u8; 64]> {
    let mut out = [0u8; 64];
    // SAFETY: the host reads 32 + 64 bytes and writes 64 bytes to out.
    let r = unsafe {
        sys::secp256k1_recover(hash.as_ptr(), sig.as_ptr(), recid as u64, out.as_mut_ptr())
    };
    (r == 0).then_some(out)
}

/// Outcome of [`secp256k1_verify`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verify {
    Valid,
    Invalid,
    /// The public key or signature could not be parsed.
    Malformed,
}

/// Verify `sig` (r‖s) over `hash` against a SEC1 public key (33 or 65 bytes,
/// or 64 bytes x‖y).
pub fn secp256k1_verify(hash: &Hash, sig: &[u8; 64], pubkey: &[u8]) -> Verify {
    // SAFETY: the host only reads the three buffers.
    match unsafe {
        sys::secp256k1_verify(hash.as_ptr(), sig.as_ptr(), pubkey.as_ptr(), pubkey.len())
    } {
        1 => Verify::Valid,
        0 => Verify::Invalid,
        _ => Verify::Malformed,
    }
}

/// The account address of a secp256k1 public key: keccak256(x‖y), all 32
/// bytes (echovm addresses are 32 bytes, not Ethereum's last 20).
pub fn address_of_pubkey(pubkey_xy: &[u8; 64]) -> Address {
    keccak256(pubkey_xy)
}

/// Recover the signer's address: [`secp256k1_recover`] then
/// [`address_of_pubkey`].
pub fn recover_address(hash: &Hash, sig: &[u8; 64], recid: u8) -> Option<Address> {
    secp256k1_recover(hash, sig, recid).map(|pk| address_of_pubkey(&pk))
}
