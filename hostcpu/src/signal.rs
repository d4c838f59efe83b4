//! Turning hardware exceptions raised by the test bytes into errors.
//!
//! A fault inside the generated code (divide error, page fault, `ud2`,
//! `int3`, general protection) arrives as a signal on the faulting thread.
//! The handler records the signal in the context page and rewrites the saved
//! RIP to the recovery stub, which restores the host stack pointer and
//! callee-saved registers and returns from the `run` call as if nothing
//! happened. Faults elsewhere in the process are passed on to the handler that
//! was installed before (for Rust's stack-overflow detector) or to the default
//! action.

use crate::layout::{ctx, CODE_ADDR, CODE_SIZE, CTX_ADDR};
use std::sync::OnceLock;

const SIGNALS: [libc::c_int; 5] = [
    libc::SIGSEGV,
    libc::SIGBUS,
    libc::SIGFPE,
    libc::SIGILL,
    libc::SIGTRAP,
];

/// Previous dispositions, indexed like [`SIGNALS`].
static PREVIOUS: OnceLock<[libc::sigaction; 5]> = OnceLock::new();

/// Size of the alternate signal stack installed on threads that have none.
const ALT_STACK_SIZE: usize = 64 << 10;

thread_local! {
    static ALT_STACK_READY: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Install the handlers once per process.
pub(crate) fn install() -> std::io::Result<()> {
    let mut err = None;
    PREVIOUS.get_or_init(|| {
        // SAFETY: plain sigaction calls with zero-initialised structs.
        unsafe {
            let mut prev: [libc::sigaction; 5] = std::mem::zeroed();
            for (i, &sig) in SIGNALS.iter().enumerate() {
                let mut act: libc::sigaction = std::mem::zeroed();
                act.sa_sigaction = handler
                    as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void)
                    as usize;
                act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut act.sa_mask);
                if libc::sigaction(sig, &act, &mut prev[i]) != 0 {
                    err = Some(std::io::Error::last_os_error());
                }
            }
            prev
        }
    });
    match err {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// Make sure the calling thread has an alternate signal stack, so a signal
/// can be delivered even when the test bytes left RSP pointing somewhere
/// unusable. Rust's own threads normally have one already.
pub(crate) fn ensure_alt_stack() -> std::io::Result<()> {
    if ALT_STACK_READY.with(|c| c.get()) {
        return Ok(());
    }
    // SAFETY: querying and (if absent) installing a leaked, never-freed stack.
    unsafe {
        let mut cur: libc::stack_t = std::mem::zeroed();
        if libc::sigaltstack(std::ptr::null(), &mut cur) != 0 {
            return Err(std::io::Error::last_os_error());
        }
        if cur.ss_flags & libc::SS_DISABLE != 0 {
            let mem = Box::leak(vec![0u8; ALT_STACK_SIZE].into_boxed_slice());
            let st = libc::stack_t {
                ss_sp: mem.as_mut_ptr().cast(),
                ss_flags: 0,
                ss_size: ALT_STACK_SIZE,
            };
            if libc::sigaltstack(&st, std::ptr::null_mut()) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
    }
    ALT_STACK_READY.with(|c| c.set(true));
    Ok(())
}

extern "C" fn handler(sig: libc::c_int, info: *mut libc::siginfo_t, uctx: *mut libc::c_void) {
    // SAFETY: the kernel passes a valid ucontext_t; the context page is
    // mapped for the life of the process once handlers are installed.
    unsafe {
        let uc = &mut *(uctx as *mut libc::ucontext_t);
        let rip = uc.uc_mcontext.gregs[libc::REG_RIP as usize] as u64;
        if (CODE_ADDR..CODE_ADDR + CODE_SIZE as u64).contains(&rip) {
            let base = CTX_ADDR as *mut u8;
            base.add(ctx::SIG_NO as usize)
                .cast::<u64>()
                .write(sig as u64);
            base.add(ctx::SIG_ADDR as usize)
                .cast::<u64>()
                .write((*info).si_addr() as u64);
            base.add(ctx::SIG_RIP as usize).cast::<u64>().write(rip);
            // Recovery stub sits at the start of the first code page.
            uc.uc_mcontext.gregs[libc::REG_RIP as usize] = CODE_ADDR as i64;
            return;
        }
        chain(sig, info, uctx);
    }
}

/// Hand a foreign fault to whoever handled it before us.
unsafe fn chain(sig: libc::c_int, info: *mut libc::siginfo_t, uctx: *mut libc::c_void) {
    let Some(prev) = PREVIOUS.get() else { return };
    let Some(i) = SIGNALS.iter().position(|&s| s == sig) else {
        return;
    };
    let old = &prev[i];
    if old.sa_sigaction == libc::SIG_DFL || old.sa_sigaction == libc::SIG_IGN {
        // Re-install the old disposition; the faulting instruction re-executes
        // and gets the default action (core dump) as if we never existed.
        libc::sigaction(sig, old, std::ptr::null_mut());
    } else if old.sa_flags & libc::SA_SIGINFO != 0 {
        let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
            std::mem::transmute(old.sa_sigaction);
        f(sig, info, uctx);
    } else {
        let f: extern "C" fn(libc::c_int) = std::mem::transmute(old.sa_sigaction);
        f(sig);
    }
}
