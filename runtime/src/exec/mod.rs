//! Instruction semantics. [`execute`] runs one decoded instruction against the
//! CPU and memory and tells the interpreter loop where control goes next.
//! Integer instructions live in `int`, SSE in `sse`.

use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::Insn;

pub mod fast;
mod int;
pub(crate) mod sse;

/// Where control goes after an instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Fall through to the next instruction.
    Next,
    /// Transfer to this absolute address (a `ret` to 0 ends the call).
    Jump(u64),
    /// A REP string instruction did one iteration and must run again
    /// (the loop charges one string-iteration of gas per repeat).
    Repeat,
    /// `int N` with an ABI vector: the interpreter dispatches it, then continues
    /// at the next instruction.
    Interrupt(u8),
}

/// Execute one instruction. `next_rip` is the address after it.
#[inline]
pub fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn, next_rip: u64) -> Result<Step, Fault> {
    if insn.op.is_sse() {
        sse::execute(cpu, mem, insn)
    } else {
        int::execute(cpu, mem, insn, next_rip)
    }
}
