//! `#[global_allocator]` over the VM heap interrupts (0x11..0x13), so the
//! `alloc` crate (`Vec`, `String`, `Box`, `BTreeMap`) works in contracts.
//!
//! The VM heap returns 16-byte aligned blocks. Larger alignments are served by
//! over-allocating and storing the original block pointer in the 8 bytes just
//! below the aligned pointer, so `dealloc` can hand the right pointer back
//! (freeing anything else faults the call).

use crate::sys;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr;

/// Alignment the VM heap guarantees (SPEC §3, heap_alloc).
pub const HEAP_ALIGN: usize = 16;

/// The contract allocator; installed by this crate, nothing to do in a contract.
pub struct VmHeap;

unsafe impl GlobalAlloc for VmHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // heap_alloc(0) need not return a unique block; Layout sizes of 0 are
        // legal for GlobalAlloc callers only through raw use, so round up.
        let size = layout.size().max(1);
        if layout.align() <= HEAP_ALIGN {
            return sys::heap_alloc(size);
        }
        let Some(total) = size.checked_add(layout.align()) else {
            return ptr::null_mut();
        };
        let base = sys::heap_alloc(total);
        if base.is_null() {
            return base;
        }
        // At least 16 bytes of slack below the aligned pointer hold the base.
        let aligned = (base as usize + layout.align()) & !(layout.align() - 1);
        let aligned = aligned as *mut u8;
        (aligned as *mut *mut u8).sub(1).write(base);
        aligned
    }

    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if layout.align() <= HEAP_ALIGN {
            sys::heap_free(p);
        } else {
            sys::heap_free((p as *mut *mut u8).sub(1).read());
        }
    }

    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= HEAP_ALIGN {
            return sys::heap_realloc(p, new_size.max(1));
        }
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        let q = self.alloc(new_layout);
        if !q.is_null() {
            ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
            self.dealloc(p, layout);
        }
        q
    }
}

#[cfg(not(test))]
#[global_allocator]
static ALLOCATOR: VmHeap = VmHeap;
