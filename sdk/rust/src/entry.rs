//! The contract entry point and what a contract's main function may return.
//!
//! The VM enters the ELF entry as if it were called with return address 0
//! (SPEC §2), so an ordinary `extern "C" fn _start()` that returns ends the
//! call successfully; [`entry!`](crate::entry!) writes that function.

use alloc::vec::Vec;
use core::fmt::Display;

/// What the function named in [`entry!`](crate::entry!) may return.
pub trait Outcome {
    /// Turn the value into the call's result: set return data, or revert.
    fn conclude(self);
}

/// Keep whatever `set_return` set (empty by default).
impl Outcome for () {
    fn conclude(self) {}
}

/// Return these bytes.
impl Outcome for Vec<u8> {
    fn conclude(self) {
        crate::io::set_return(&self);
    }
}

/// Return these bytes.
impl<const N: usize> Outcome for [u8; N] {
    fn conclude(self) {
        crate::io::set_return(&self);
    }
}

/// `Ok` concludes its value; `Err` reverts with the error's `Display` text.
impl<T: Outcome, E: Display> Outcome for Result<T, E> {
    fn conclude(self) {
        match self {
            Ok(v) => v.conclude(),
            Err(e) => crate::revert!("{}", e),
        }
    }
}

/// Define the contract entry point `_start` calling `$main`, whose return
/// type implements [`Outcome`]:
///
/// ```ignore
/// #![no_std]
/// #![no_main]
/// use echovm_sdk::{entry, io};
/// entry!(main);
/// fn main() -> Vec<u8> { io::input() } // echo
/// ```
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        /// ELF entry point: entered as if called with return address 0, so
        /// returning ends the call successfully.
        #[no_mangle]
        pub extern "C" fn _start() {
            $crate::entry::Outcome::conclude($main());
        }
    };
}
