//! Hash precompiles: Keccak-256 (vector 0x80) and SHA-256 (vector 0x81).

use sha2::Sha256;
use sha3::{Digest, Keccak256};

/// Keccak-256 as Ethereum uses it: the original Keccak submission padding
/// (`0x01 … 0x80`), *not* the FIPS 202 SHA3-256 padding (`0x06 … 0x80`).
///
/// Contracts compute storage slots, event topics and Ethereum-style
/// addresses with this function, so it must agree byte for byte with
/// Ethereum tooling; `Keccak256("")` is `c5d24601…5d85a470`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    Keccak256::digest(data).into()
}

/// SHA-256 (FIPS 180-4) of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}
