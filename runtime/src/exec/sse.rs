//! SSE..SSE4.2 instruction semantics.
use super::Step;
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::Insn;

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let _ = (cpu, mem);
    Err(Fault::NotImplemented(insn.op.name()))
}
