//! Nested calls to other contracts (0x30..0x32).

use crate::{sys, Address};
use alloc::vec::Vec;

/// How a nested call ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallStatus {
    Success,
    /// The callee reverted; its message is the return data.
    Reverted,
    /// Out of gas, fault, value the caller does not hold, or call depth
    /// exceeded; no return data. (A target without code is a success that
    /// only receives the value.)
    Failed,
}

/// Call contract `to` with `input`, forwarding at most `gas` and sending
/// `value`. Read the callee's return data with [`return_data`].
pub fn call(to: &Address, input: &[u8], gas: u64, value: u128) -> CallStatus {
    let v = value.to_le_bytes();
    // SAFETY: the host reads the address, input and value buffers.
    match unsafe { sys::call(to.as_ptr(), input.as_ptr(), input.len(), gas, v.as_ptr()) } {
        0 => CallStatus::Success,
        1 => CallStatus::Reverted,
        _ => CallStatus::Failed,
    }
}

/// Size of the last nested call's return data.
pub fn return_data_size() -> usize {
    // SAFETY: no pointers.
    unsafe { sys::return_data_size() as usize }
}

/// Copy the last nested call's return data from `offset` into `dst`;
/// returns the bytes copied.
pub fn return_data_read(dst: &mut [u8], offset: usize) -> usize {
    if dst.is_empty() {
        return 0;
    }
    // SAFETY: the host writes at most dst.len() bytes.
    unsafe { sys::return_data_read(dst.as_mut_ptr(), offset, dst.len()) as usize }
}

/// The last nested call's whole return data.
pub fn return_data() -> Vec<u8> {
    let mut v = alloc::vec![0u8; return_data_size()];
    let n = return_data_read(&mut v, 0);
    v.truncate(n);
    v
}
