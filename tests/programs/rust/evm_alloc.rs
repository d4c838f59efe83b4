//! Global allocator over the VM heap interrupts (heap_alloc 0x11,
//! heap_realloc 0x12, heap_free 0x13) for corpus programs that use `alloc`.
//! The VM returns 16-byte aligned blocks; larger alignments are refused
//! (null → Rust's allocation-error panic), which no corpus program needs.
//! Natively (`--cfg echovm_native`) std's system allocator is used instead.

#[cfg(not(echovm_native))]
mod imp {
    use core::alloc::{GlobalAlloc, Layout};
    use core::arch::asm;

    pub struct VmHeap;

    const HEAP_ALIGN: usize = 16;

    unsafe impl GlobalAlloc for VmHeap {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if layout.align() > HEAP_ALIGN {
                return core::ptr::null_mut();
            }
            let p: *mut u8;
            asm!("int 0x11", in("rdi") layout.size().max(1), out("rax") p, options(nostack));
            p
        }
        unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
            asm!("int 0x13", in("rdi") ptr, out("rax") _, options(nostack));
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            if layout.align() > HEAP_ALIGN {
                return core::ptr::null_mut();
            }
            let p: *mut u8;
            asm!("int 0x12", in("rdi") ptr, in("rsi") new_size.max(1), out("rax") p, options(nostack));
            p
        }
    }

    #[global_allocator]
    static HEAP: VmHeap = VmHeap;

    /// The precompiled `alloc` is built with panic=unwind, so its landing
    /// pads reference `_Unwind_Resume`. With panic=abort nothing unwinds (the
    /// panic handler reverts), so this is unreachable; reverting keeps it
    /// well-defined anyway.
    #[no_mangle]
    pub extern "C" fn _Unwind_Resume() -> ! {
        // SAFETY: int 0x60 ends the call.
        unsafe { asm!("int 0x60", in("rdi") b"unwind".as_ptr(), in("rsi") 6usize, options(noreturn, nostack)) }
    }
}
