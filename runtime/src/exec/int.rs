//! Integer instruction semantics.
use super::Step;
use crate::cpu::Cpu;
use crate::fault::Fault;
use crate::memory::Memory;
use echovm_decoder::Insn;

pub(super) fn execute(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn, next_rip: u64) -> Result<Step, Fault> {
    let _ = (cpu, mem, next_rip);
    Err(Fault::NotImplemented(insn.op.name()))
}
