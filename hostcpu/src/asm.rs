//! Hand-assembled prologue, epilogue and recovery stub.
//!
//! The harness cannot spare a register to address its context once all 16
//! GPRs hold test values, so every context access is RIP-relative: the
//! context page sits directly below the code pages at a fixed address.
//! Only `mov`, `lea`, `movdqu`, `push`/`pop` of memory and `jmp` are used
//! between loading the test state and storing it back, none of which
//! changes RFLAGS.

use crate::layout::{ctx, CTX_ADDR};

/// Byte emitter that knows the absolute address of its next byte.
pub(crate) struct Emitter {
    pub bytes: Vec<u8>,
    origin: u64,
}

impl Emitter {
    pub fn new(origin: u64) -> Self {
        Emitter {
            bytes: Vec::with_capacity(1024),
            origin,
        }
    }

    fn here(&self) -> u64 {
        self.origin + self.bytes.len() as u64
    }

    pub fn raw(&mut self, b: &[u8]) {
        self.bytes.extend_from_slice(b);
    }

    /// Emit `prefix_bytes` then a ModRM with mod=00 rm=101 (RIP-relative)
    /// and `reg_field`, addressing context offset `off`.
    fn rip_rel(&mut self, prefix_bytes: &[u8], reg_field: u8, off: u32) {
        self.raw(prefix_bytes);
        self.bytes.push(((reg_field & 7) << 3) | 0b101);
        let target = CTX_ADDR + off as u64;
        let next = self.here() + 4;
        let disp = target.wrapping_sub(next) as i64;
        let disp = i32::try_from(disp).expect("context page within rel32 reach of code");
        self.raw(&disp.to_le_bytes());
    }

    /// `mov [rip+off], r64`
    pub fn store_gpr(&mut self, r: u8, off: u32) {
        let rex = 0x48 | ((r >> 3) << 2);
        self.rip_rel(&[rex, 0x89], r, off);
    }

    /// `mov r64, [rip+off]`
    pub fn load_gpr(&mut self, r: u8, off: u32) {
        let rex = 0x48 | ((r >> 3) << 2);
        self.rip_rel(&[rex, 0x8b], r, off);
    }

    /// `movdqu xmmN, [rip+off]`
    pub fn load_xmm(&mut self, x: u8, off: u32) {
        if x >= 8 {
            self.rip_rel(&[0xf3, 0x44, 0x0f, 0x6f], x, off);
        } else {
            self.rip_rel(&[0xf3, 0x0f, 0x6f], x, off);
        }
    }

    /// `movdqu [rip+off], xmmN`
    pub fn store_xmm(&mut self, x: u8, off: u32) {
        if x >= 8 {
            self.rip_rel(&[0xf3, 0x44, 0x0f, 0x7f], x, off);
        } else {
            self.rip_rel(&[0xf3, 0x0f, 0x7f], x, off);
        }
    }

    /// `lea rsp, [rip+off]`
    pub fn lea_rsp(&mut self, off: u32) {
        self.rip_rel(&[0x48, 0x8d], 4, off);
    }

    /// `push qword [rip+off]`
    pub fn push_mem(&mut self, off: u32) {
        self.rip_rel(&[0xff], 6, off);
    }

    /// `pop qword [rip+off]`
    pub fn pop_mem(&mut self, off: u32) {
        self.rip_rel(&[0x8f], 0, off);
    }

    /// `stmxcsr [rip+off]`
    pub fn stmxcsr(&mut self, off: u32) {
        self.rip_rel(&[0x0f, 0xae], 3, off);
    }

    /// `ldmxcsr [rip+off]`
    pub fn ldmxcsr(&mut self, off: u32) {
        self.rip_rel(&[0x0f, 0xae], 2, off);
    }

    /// `jmp rel32` to an absolute address.
    pub fn jmp(&mut self, target: u64) {
        let next = self.here() + 5;
        let disp = i32::try_from(target.wrapping_sub(next) as i64).expect("jump within rel32");
        self.bytes.push(0xe9);
        self.raw(&disp.to_le_bytes());
    }

    /// Restore the host stack and callee-saved state and return to Rust.
    /// Shared by the normal epilogue and the signal recovery path.
    pub fn host_return(&mut self) {
        self.load_gpr(4, ctx::HOST_RSP);
        // RFLAGS = 0x202: the bytes may have set DF (the SysV ABI requires
        // DF = 0 on return) or AC (Rust's unaligned accesses would then
        // raise SIGBUS). The push/pop uses the slot below the saved registers.
        self.raw(&[0x68, 0x02, 0x02, 0x00, 0x00]); // push 0x202
        self.raw(&[0x9d]); // popfq
        self.ldmxcsr(ctx::HOST_MXCSR);
        self.raw(&[0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5d, 0x5b]); // pop r15..r12, rbp, rbx
        self.raw(&[0xc3]);
    }
}

/// Page 1: recovery stub at offset 0, entry prologue at the returned offset.
/// The prologue ends with a jump to the instruction page.
pub(crate) fn prologue_page(code_addr: u64, insn_addr: u64) -> (Vec<u8>, usize) {
    let mut e = Emitter::new(code_addr);
    e.host_return(); // recovery stub: the signal handler points RIP here
    while e.bytes.len() & 63 != 0 {
        e.raw(&[0xcc]);
    }
    let entry = e.bytes.len();
    e.raw(&[0x53, 0x55, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57]); // push rbx, rbp, r12..r15
    e.store_gpr(4, ctx::HOST_RSP);
    e.stmxcsr(ctx::HOST_MXCSR);
    e.ldmxcsr(ctx::TEST_MXCSR);
    for x in 0..16 {
        e.load_xmm(x, ctx::IN_XMM + 16 * x as u32);
    }
    // RFLAGS via the private stack so the test stack's memory stays untouched.
    e.lea_rsp(ctx::PRIVATE_STACK_TOP);
    e.push_mem(ctx::IN_RFLAGS);
    e.raw(&[0x9d]); // popfq
    for r in 0..16u8 {
        e.load_gpr(r, ctx::IN_GPR + 8 * r as u32); // includes RSP; plain movs keep RFLAGS
    }
    e.jmp(insn_addr);
    (e.bytes, entry)
}

/// Page 2: the caller's bytes followed by the epilogue.
pub(crate) fn instruction_page(insn_addr: u64, code: &[u8]) -> Vec<u8> {
    let mut e = Emitter::new(insn_addr);
    e.raw(code);
    for r in 0..16u8 {
        e.store_gpr(r, ctx::OUT_GPR + 8 * r as u32);
    }
    e.lea_rsp(ctx::PRIVATE_STACK_TOP);
    e.raw(&[0x9c]); // pushfq
    e.pop_mem(ctx::OUT_RFLAGS);
    for x in 0..16 {
        e.store_xmm(x, ctx::OUT_XMM + 16 * x as u32);
    }
    e.host_return();
    e.bytes
}
