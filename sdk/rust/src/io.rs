//! Call input, return data, revert and debug output.

use crate::sys;
use alloc::vec::Vec;

/// Size of the call input in bytes.
pub fn input_size() -> usize {
    // SAFETY: no pointers.
    unsafe { sys::input_size() as usize }
}

/// Copy input bytes starting at `offset` into `dst`; returns the number of
/// bytes copied (short at the end of the input, 0 past it).
pub fn input_read(dst: &mut [u8], offset: usize) -> usize {
    if dst.is_empty() {
        return 0;
    }
    // SAFETY: the host writes at most dst.len() bytes into dst.
    unsafe { sys::input_read(dst.as_mut_ptr(), offset, dst.len()) as usize }
}

/// The whole call input.
pub fn input() -> Vec<u8> {
    let n = input_size();
    let mut v = alloc::vec![0u8; n];
    let got = input_read(&mut v, 0);
    v.truncate(got);
    v
}

/// Set the call's return data; the last call wins, and the call goes on.
pub fn set_return(data: &[u8]) {
    // SAFETY: the host only reads data.
    unsafe { sys::set_return(data.as_ptr(), data.len()) }
}

/// Set the return data and end the call successfully.
pub fn finish(data: &[u8]) -> ! {
    // SAFETY: the host only reads data; the interrupt does not return.
    unsafe { sys::finish(data.as_ptr(), data.len()) }
}

/// End the call as reverted (its state changes are dropped); `msg` becomes
/// the return data.
pub fn revert(msg: &[u8]) -> ! {
    // SAFETY: the host only reads msg; the interrupt does not return.
    unsafe { sys::revert(msg.as_ptr(), msg.len()) }
}

/// Debug output: kept in the call result, charged gas, no other effect.
pub fn debug_print(msg: &[u8]) {
    // SAFETY: the host only reads msg.
    unsafe { sys::debug_print(msg.as_ptr(), msg.len()) }
}

/// Revert with a formatted message (up to 256 bytes, no heap use):
/// `revert!("balance {} < {}", have, want)`.
#[macro_export]
macro_rules! revert {
    ($($arg:tt)*) => {{
        let mut b = $crate::fmt::Buf::<256>::new();
        let _ = core::fmt::Write::write_fmt(&mut b, format_args!($($arg)*));
        $crate::io::revert(b.as_bytes())
    }};
}

/// `debug_print` a formatted line (up to 256 bytes, no heap use).
#[macro_export]
macro_rules! debug {
    ($($arg:tt)*) => {{
        let mut b = $crate::fmt::Buf::<256>::new();
        let _ = core::fmt::Write::write_fmt(&mut b, format_args!($($arg)*));
        $crate::io::debug_print(b.as_bytes())
    }};
}

/// Revert with `msg` unless `cond` holds: `require!(amount > 0, "zero amount")`.
#[macro_export]
macro_rules! require {
    ($cond:expr, $($arg:tt)*) => {
        if !$cond {
            $crate::revert!($($arg)*)
        }
    };
}
