//! Canonical (borsh) encoding of consensus data: code hashes, block and
//! header hashes, package, block and state-diff files.
//!
//! One function for all of them, so the single assumption they share is
//! stated and checked in one place: encoding into memory cannot fail except
//! for a collection of 2^32 elements or more (borsh writes lengths as u32).
//! Nothing echovm encodes comes near that — a program is bounded by the
//! package size limit, a diff by the storage and event limits of the calls
//! that made it, a block by the transactions it carries — and such a value
//! would not fit in a validator's memory in the first place.

use borsh::BorshSerialize;

/// `prefix ‖ borsh(value)`.
pub fn encode_after<T: BorshSerialize + ?Sized>(prefix: &[u8], value: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(prefix.len() + 256);
    out.extend_from_slice(prefix);
    // See the module documentation for why this cannot fail.
    if let Err(e) = value.serialize(&mut out) {
        panic!("canonical encoding of an in-memory value failed (a collection of 2^32 or more elements): {e}");
    }
    out
}

/// `borsh(value)`.
pub fn encode<T: BorshSerialize + ?Sized>(value: &T) -> Vec<u8> {
    encode_after(&[], value)
}
