//! Minimal echovm bindings shared by the Rust corpus programs.
//!
//! VM build (`no_std`): each call is an `int N` with arguments in rdi, rsi,
//! rdx, rcx and the result in rax (SPEC §3). Native build (`--cfg
//! echovm_native`, with std): the same functions read the input from the file
//! named by argv[1] (or stdin), print return data to stdout and debug text to
//! stderr, exit 0 on success and 1 on revert — like sdk/c/echovm_native.c.

#![allow(dead_code)]

use core::fmt;

/// Fixed-capacity text buffer: `core::fmt` output without an allocator.
pub struct Buf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Buf<N> {
    pub const fn new() -> Self {
        Buf { bytes: [0; N], len: 0 }
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

impl<const N: usize> fmt::Write for Buf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let b = s.as_bytes();
        let end = self.len.checked_add(b.len()).filter(|&e| e <= N).ok_or(fmt::Error)?;
        self.bytes[self.len..end].copy_from_slice(b);
        self.len = end;
        Ok(())
    }
}

#[cfg(not(echovm_native))]
mod imp {
    use core::arch::asm;

    pub fn input_size() -> usize {
        let r: usize;
        // SAFETY: int 0x40 only writes rax.
        unsafe { asm!("int 0x40", out("rax") r, options(nostack)) };
        r
    }

    pub fn input_read(dst: &mut [u8], offset: usize) -> usize {
        let r: usize;
        // SAFETY: the host writes at most dst.len() bytes into dst.
        unsafe {
            asm!("int 0x41", in("rdi") dst.as_mut_ptr(), in("rsi") offset, in("rdx") dst.len(),
                 out("rax") r, options(nostack))
        };
        r
    }

    pub fn debug_print(msg: &[u8]) {
        // SAFETY: the host only reads msg.
        unsafe { asm!("int 0x62", in("rdi") msg.as_ptr(), in("rsi") msg.len(), out("rax") _, options(nostack, readonly)) };
    }

    pub fn set_return(data: &[u8]) {
        // SAFETY: the host only reads data.
        unsafe { asm!("int 0x50", in("rdi") data.as_ptr(), in("rsi") data.len(), out("rax") _, options(nostack, readonly)) };
    }

    pub fn finish(data: &[u8]) -> ! {
        // SAFETY: int 0x61 ends the call.
        unsafe { asm!("int 0x61", in("rdi") data.as_ptr(), in("rsi") data.len(), options(noreturn, nostack)) }
    }

    pub fn revert(msg: &[u8]) -> ! {
        // SAFETY: int 0x60 ends the call.
        unsafe { asm!("int 0x60", in("rdi") msg.as_ptr(), in("rsi") msg.len(), options(noreturn, nostack)) }
    }

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        revert(b"panic")
    }

    /// Referenced from the precompiled `core`'s unwind tables even with
    /// panic=abort; never called because nothing unwinds.
    #[no_mangle]
    pub extern "C" fn rust_eh_personality() {}

    #[macro_export]
    macro_rules! evm_entry {
        ($f:path) => {
            /// ELF entry point, entered as if called with return address 0.
            #[no_mangle]
            pub extern "C" fn _start() {
                $f()
            }
        };
    }
}

#[cfg(echovm_native)]
mod imp {
    extern crate std;
    use std::io::{Read, Write};
    use std::sync::Mutex;
    use std::vec::Vec;

    static INPUT: Mutex<Vec<u8>> = Mutex::new(Vec::new());
    static RETURN: Mutex<Vec<u8>> = Mutex::new(Vec::new());

    pub fn load_input() {
        let args: Vec<std::string::String> = std::env::args().collect();
        let mut data = Vec::new();
        match args.get(1).map(|s| s.as_str()) {
            Some(path) if path != "-" => data = std::fs::read(path).expect("read input file"),
            _ => {
                std::io::stdin().read_to_end(&mut data).expect("read stdin");
            }
        }
        *INPUT.lock().unwrap() = data;
    }

    pub fn input_size() -> usize {
        INPUT.lock().unwrap().len()
    }

    pub fn input_read(dst: &mut [u8], offset: usize) -> usize {
        let input = INPUT.lock().unwrap();
        if offset >= input.len() {
            return 0;
        }
        let n = dst.len().min(input.len() - offset);
        dst[..n].copy_from_slice(&input[offset..offset + n]);
        n
    }

    pub fn debug_print(msg: &[u8]) {
        let mut e = std::io::stderr();
        let _ = e.write_all(b"debug: ");
        let _ = e.write_all(msg);
        let _ = e.write_all(b"\n");
    }

    pub fn set_return(data: &[u8]) {
        *RETURN.lock().unwrap() = data.to_vec();
    }

    pub fn end(status: i32) -> ! {
        let mut o = std::io::stdout();
        let _ = o.write_all(&RETURN.lock().unwrap());
        let _ = o.flush();
        std::process::exit(status)
    }

    pub fn finish(data: &[u8]) -> ! {
        set_return(data);
        end(0)
    }

    pub fn revert(msg: &[u8]) -> ! {
        set_return(msg);
        end(1)
    }

    #[macro_export]
    macro_rules! evm_entry {
        ($f:path) => {
            fn main() {
                evm::load_input();
                $f();
                evm::end(0)
            }
        };
    }
}

pub use imp::*;
