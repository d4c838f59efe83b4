//! Panics revert the call with the panic message as return data, so
//! `panic!("insufficient balance")`, `.expect("..")`, a failed `assert!` or an
//! arithmetic overflow in a debug build all surface as a readable revert
//! reason instead of a fault.
//!
//! The message is formatted into a stack buffer (256 bytes, truncated past
//! that) because the panic may come from heap exhaustion.

use crate::fmt::Buf;
use core::fmt::Write;
use core::panic::PanicInfo;

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    let mut b = Buf::<256>::new();
    let _ = write!(b, "{}", info.message());
    crate::io::revert(b.as_bytes())
}

/// Named by the unwind tables of the prebuilt `core`/`alloc` (compiled with
/// panic=unwind) that a non-LTO build links in; never called, because with
/// panic=abort nothing unwinds. LTO builds drop the references, debug builds
/// fail to link without this symbol.
#[no_mangle]
extern "C" fn rust_eh_personality() {}
