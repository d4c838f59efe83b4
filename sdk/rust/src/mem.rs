//! The C memory symbols that rustc/LLVM emit calls to (`memcpy`, `memmove`,
//! `memset`, `memcmp`, `bcmp`) for a contract that links no libc.
//!
//! Each one is a single host interrupt (0x14/0x15/0x16), charged per byte and
//! run at host speed, instead of a byte loop charged per instruction. Using
//! the interrupt rather than a loop also rules out the classic trap of the
//! optimiser recognising the loop as `memcpy` and turning the body into a call
//! to itself. Zero lengths return early: a (dangling, 0) pair need not be
//! mapped guest memory, and the VM faults on unmapped pointers.

use crate::sys;

#[no_mangle]
pub unsafe extern "C" fn memcpy(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if n != 0 {
        sys::memmove(dst, src, n);
    }
    dst
}

#[no_mangle]
pub unsafe extern "C" fn memmove(dst: *mut u8, src: *const u8, n: usize) -> *mut u8 {
    if n != 0 {
        sys::memmove(dst, src, n);
    }
    dst
}

#[no_mangle]
pub unsafe extern "C" fn memset(dst: *mut u8, c: i32, n: usize) -> *mut u8 {
    if n != 0 {
        sys::memset(dst, c as u8, n);
    }
    dst
}

#[no_mangle]
pub unsafe extern "C" fn memcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    if n == 0 {
        return 0;
    }
    sys::memcmp(a, b, n).signum() as i32
}

/// LLVM lowers `==` on byte slices to `bcmp` (only zero / non-zero matters).
#[no_mangle]
pub unsafe extern "C" fn bcmp(a: *const u8, b: *const u8, n: usize) -> i32 {
    memcmp(a, b, n)
}
