//! The fixed-address mappings and one native execution.
//!
//! All mappings are process-global (fixed addresses), so executions are
//! serialised by a mutex in `lib.rs`; this module assumes exclusive access.

use crate::asm;
use crate::layout::*;
use crate::{NativeError, State};

/// The mapped regions plus a cache of the instruction page contents, so
/// repeated runs of the same bytes skip re-writing code.
pub(crate) struct Arena {
    entry: u64,
    last_code: Option<Vec<u8>>,
}

/// Map `len` bytes at exactly `addr`, failing if anything is already there.
fn map_fixed(addr: u64, len: usize, prot: libc::c_int) -> Result<(), NativeError> {
    // SAFETY: MAP_FIXED_NOREPLACE never clobbers an existing mapping.
    let p = unsafe {
        libc::mmap(
            addr as *mut libc::c_void,
            len,
            prot,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED_NOREPLACE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED {
        return Err(NativeError::Map {
            addr,
            source: std::io::Error::last_os_error(),
        });
    }
    if p as u64 != addr {
        // Kernels before 4.17 treat the flag as a hint.
        // SAFETY: unmapping what we just mapped.
        unsafe { libc::munmap(p, len) };
        return Err(NativeError::Map {
            addr,
            source: std::io::Error::from_raw_os_error(libc::EEXIST),
        });
    }
    Ok(())
}

fn protect(addr: u64, len: usize, prot: libc::c_int) -> Result<(), NativeError> {
    if len == 0 {
        return Ok(());
    }
    // SAFETY: the range is inside one of our own fixed mappings.
    if unsafe { libc::mprotect(addr as *mut libc::c_void, len, prot) } != 0 {
        return Err(NativeError::Map {
            addr,
            source: std::io::Error::last_os_error(),
        });
    }
    Ok(())
}

fn ctx_ptr(off: u32) -> *mut u8 {
    (CTX_ADDR + off as u64) as *mut u8
}

impl Arena {
    pub fn new() -> Result<Self, NativeError> {
        map_fixed(SCRATCH_BASE, SCRATCH_MAX, libc::PROT_NONE)?;
        map_fixed(STACK_BASE, STACK_SIZE, libc::PROT_READ | libc::PROT_WRITE)?;
        map_fixed(CTX_ADDR, PAGE, libc::PROT_READ | libc::PROT_WRITE)?;
        map_fixed(CODE_ADDR, CODE_SIZE, libc::PROT_READ | libc::PROT_WRITE)?;
        let (page, entry_off) = asm::prologue_page(CODE_ADDR, INSN_ADDR);
        assert!(page.len() <= PAGE, "prologue fits its page");
        // SAFETY: CODE_ADDR is our RW mapping of CODE_SIZE bytes.
        unsafe { std::ptr::copy_nonoverlapping(page.as_ptr(), CODE_ADDR as *mut u8, page.len()) };
        protect(CODE_ADDR, CODE_SIZE, libc::PROT_READ | libc::PROT_EXEC)?;
        Ok(Arena {
            entry: CODE_ADDR + entry_off as u64,
            last_code: None,
        })
    }

    fn install_code(&mut self, code: &[u8]) -> Result<(), NativeError> {
        if self.last_code.as_deref() == Some(code) {
            return Ok(());
        }
        let page = asm::instruction_page(INSN_ADDR, code);
        assert!(
            page.len() <= PAGE,
            "MAX_CODE_LEN leaves room for the epilogue"
        );
        protect(INSN_ADDR, PAGE, libc::PROT_READ | libc::PROT_WRITE)?;
        // SAFETY: INSN_ADDR is a writable page of our code mapping; the rest
        // is filled with int3 so a stray jump traps instead of sliding.
        unsafe {
            std::ptr::write_bytes(INSN_ADDR as *mut u8, 0xcc, PAGE);
            std::ptr::copy_nonoverlapping(page.as_ptr(), INSN_ADDR as *mut u8, page.len());
        }
        protect(INSN_ADDR, PAGE, libc::PROT_READ | libc::PROT_EXEC)?;
        self.last_code = Some(code.to_vec());
        Ok(())
    }

    /// Make exactly the page-rounded scratch length accessible, copy the
    /// caller's bytes in and zero the slack after them.
    fn install_mem(&mut self, mem: &[u8]) -> Result<usize, NativeError> {
        let rounded = mem.len().div_ceil(PAGE) * PAGE;
        protect(SCRATCH_BASE, SCRATCH_MAX, libc::PROT_NONE)?;
        protect(SCRATCH_BASE, rounded, libc::PROT_READ | libc::PROT_WRITE)?;
        // SAFETY: [SCRATCH_BASE, +rounded) was just made writable.
        unsafe {
            std::ptr::copy_nonoverlapping(mem.as_ptr(), SCRATCH_BASE as *mut u8, mem.len());
            std::ptr::write_bytes(
                (SCRATCH_BASE as *mut u8).add(mem.len()),
                0,
                rounded - mem.len(),
            );
        }
        Ok(rounded)
    }

    pub fn execute(&mut self, code: &[u8], input: &State) -> Result<State, NativeError> {
        self.install_code(code)?;
        self.install_mem(&input.mem)?;
        let mut gpr = input.gpr;
        if gpr[4] == 0 {
            gpr[4] = DEFAULT_RSP;
        }
        // Only the status flags and DF are under the caller's control: TF
        // would trap, AC would turn unaligned accesses into SIGBUS, and IF /
        // IOPL cannot be changed from ring 3 anyway.
        let rflags = (input.rflags & (crate::STATUS_FLAGS | crate::DF)) | 0x202;
        // SAFETY: the context page is ours and the mutex gives exclusive use.
        unsafe {
            for (i, v) in gpr.iter().enumerate() {
                ctx_ptr(ctx::IN_GPR + 8 * i as u32)
                    .cast::<u64>()
                    .write_unaligned(*v);
            }
            for (i, v) in input.xmm.iter().enumerate() {
                ctx_ptr(ctx::IN_XMM + 16 * i as u32)
                    .cast::<u128>()
                    .write_unaligned(*v);
            }
            ctx_ptr(ctx::IN_RFLAGS).cast::<u64>().write(rflags);
            ctx_ptr(ctx::TEST_MXCSR).cast::<u32>().write(0x1f80);
            ctx_ptr(ctx::SIG_NO).cast::<u64>().write(0);
            let entry: extern "sysv64" fn() = std::mem::transmute(self.entry as usize);
            entry();
            let signo = ctx_ptr(ctx::SIG_NO).cast::<u64>().read_volatile();
            if signo != 0 {
                let addr = ctx_ptr(ctx::SIG_ADDR).cast::<u64>().read_volatile();
                let rip = ctx_ptr(ctx::SIG_RIP).cast::<u64>().read_volatile();
                return Err(NativeError::Signal {
                    signo: signo as i32,
                    addr,
                    rip,
                });
            }
            let mut out = State {
                gpr: [0; 16],
                rflags: 0,
                xmm: [0; 16],
                mem: input.mem.clone(),
            };
            for (i, v) in out.gpr.iter_mut().enumerate() {
                *v = ctx_ptr(ctx::OUT_GPR + 8 * i as u32)
                    .cast::<u64>()
                    .read_volatile();
            }
            for (i, v) in out.xmm.iter_mut().enumerate() {
                *v = ctx_ptr(ctx::OUT_XMM + 16 * i as u32)
                    .cast::<u128>()
                    .read_unaligned();
            }
            out.rflags = ctx_ptr(ctx::OUT_RFLAGS).cast::<u64>().read_volatile();
            std::ptr::copy_nonoverlapping(
                SCRATCH_BASE as *const u8,
                out.mem.as_mut_ptr(),
                out.mem.len(),
            );
            Ok(out)
        }
    }
}
