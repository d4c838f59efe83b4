//! Events (0x38): a 32-byte topic plus data, recorded in the call result.

use crate::{crypto, sys, Hash};

/// Emit an event.
pub fn emit(topic: &Hash, data: &[u8]) {
    // SAFETY: the host only reads topic (32 bytes) and data.
    unsafe { sys::emit_event(topic.as_ptr(), data.as_ptr(), data.len()) }
}

/// The conventional topic for an event name: keccak256 of its UTF-8 bytes
/// (`topic("Transfer")`), which off-chain indexers can recompute.
pub fn topic(name: &str) -> Hash {
    crypto::keccak256(name.as_bytes())
}

/// Emit under the topic `keccak256(name)`.
pub fn emit_named(name: &str, data: &[u8]) {
    emit(&topic(name), data)
}
