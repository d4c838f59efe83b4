//! secp256k1 ECDSA precompiles: public-key recovery (vector 0x82) and
//! signature verification (vector 0x83).
//!
//! Both take the 32-byte message hash as given (no hashing is done here) and a
//! 64-byte signature `r ‖ s`, each a 32-byte big-endian integer, exactly as
//! Ethereum encodes them. See the crate documentation for the accepted ranges.

use k256::ecdsa::signature::hazmat::PrehashVerifier;
use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};

/// [`secp256k1_verify`] result: the signature is valid for the key.
pub const VERIFY_VALID: i64 = 1;
/// [`secp256k1_verify`] result: well-formed inputs, but the signature does not
/// verify (wrong key or message, or high `s`).
pub const VERIFY_INVALID: i64 = 0;
/// [`secp256k1_verify`] result: the public key or the signature is not a valid
/// encoding (bad length or prefix, point not on the curve, `r` or `s` outside
/// `1..n`).
pub const VERIFY_MALFORMED: i64 = -1;

/// Recovers the signer's public key from a message hash and an `r ‖ s`
/// signature, returning the uncompressed point as `x ‖ y` (32 bytes each,
/// big-endian, without the SEC1 `0x04` prefix).
///
/// `recid` is the recovery id proper, `0..=3`: bit 0 is the parity of the
/// nonce point's `y`, bit 1 says its `x` was reduced modulo the group order
/// (possible with probability ~2⁻¹²⁷). Ethereum's `v = 27/28` is **not**
/// accepted: callers subtract 27 themselves, so a value has one meaning only.
///
/// High `s` (above n/2) is accepted, as the ABI specifies: recovery is a
/// statement about the key, and Ethereum's `ecrecover` accepts it too.
///
/// Returns `None` when `recid > 3`, when `r` or `s` is zero or not below the
/// group order, when no curve point has the `x` that `r` names, or when the
/// recovered point would be the identity.
pub fn secp256k1_recover(hash: &[u8; 32], sig: &[u8; 64], recid: u64) -> Option<[u8; 64]> {
    let recid = u8::try_from(recid).ok().and_then(RecoveryId::from_byte)?;
    let signature = Signature::from_slice(sig).ok()?;
    // k256 re-verifies the recovered key with its own verifier, which rejects
    // high s. Negating s while flipping the nonce point's y parity gives the
    // same key (s·R = (n−s)·(−R)), so normalise first instead of refusing.
    let (signature, recid) = match signature.normalize_s() {
        Some(low) => (
            low,
            RecoveryId::new(!recid.is_y_odd(), recid.is_x_reduced()),
        ),
        None => (signature, recid),
    };
    let key = VerifyingKey::recover_from_prehash(hash, &signature, recid).ok()?;
    let point = key.to_encoded_point(false);
    let xy = point.as_bytes().get(1..65)?;
    let mut out = [0u8; 64];
    out.copy_from_slice(xy);
    Some(out)
}

/// Verifies an `r ‖ s` signature over a 32-byte message hash.
///
/// `pubkey` may be 33 bytes (SEC1 compressed, prefix `0x02`/`0x03`), 65 bytes
/// (SEC1 uncompressed, prefix `0x04`) or 64 bytes (`x ‖ y`, the form
/// [`secp256k1_recover`] returns). Anything else is malformed.
///
/// Returns [`VERIFY_VALID`] (1), [`VERIFY_INVALID`] (0) or
/// [`VERIFY_MALFORMED`] (−1):
/// * `r` or `s` equal to zero or not below the group order n cannot be a
///   signature at all, so they are *malformed* (−1), like a bad key.
/// * A high `s` (above n/2) is *invalid* (0), as in go-ethereum's
///   `VerifySignature` and libsecp256k1: every ECDSA signature has a twin
///   `(r, n−s)`, and accepting only the low one keeps signatures
///   non-malleable. Ethereum tooling produces low-s; a contract that must
///   accept either form can replace `s` by `n−s` and retry.
pub fn secp256k1_verify(hash: &[u8; 32], sig: &[u8; 64], pubkey: &[u8]) -> i64 {
    let Some(key) = parse_public_key(pubkey) else {
        return VERIFY_MALFORMED;
    };
    let Ok(signature) = Signature::from_slice(sig) else {
        return VERIFY_MALFORMED;
    };
    // k256 also refuses high s; checking here keeps the rule independent of
    // that library's policy.
    if signature.normalize_s().is_some() {
        return VERIFY_INVALID;
    }
    match key.verify_prehash(hash, &signature) {
        Ok(()) => VERIFY_VALID,
        Err(_) => VERIFY_INVALID,
    }
}

/// Parses the three accepted public-key encodings; `None` when the length or
/// prefix is not one of them or the point is not on the curve.
fn parse_public_key(pubkey: &[u8]) -> Option<VerifyingKey> {
    match pubkey {
        [0x02 | 0x03, ..] if pubkey.len() == 33 => VerifyingKey::from_sec1_bytes(pubkey).ok(),
        [0x04, ..] if pubkey.len() == 65 => VerifyingKey::from_sec1_bytes(pubkey).ok(),
        _ if pubkey.len() == 64 => {
            let mut sec1 = [0u8; 65];
            sec1[0] = 0x04;
            sec1[1..].copy_from_slice(pubkey);
            VerifyingKey::from_sec1_bytes(&sec1).ok()
        }
        _ => None,
    }
}
