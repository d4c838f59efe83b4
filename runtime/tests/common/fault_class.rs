//! The class of a VM fault that a CPU exception corresponds to, shared by the
//! integer differential test and the `differential` fuzz target: both compare
//! the VM's fault with the signal the host CPU raised for the same code.

use echovm_runtime::fault::Fault;

/// `Some(class)` for faults the host CPU also raises (divide error, memory
/// fault, `ud2`, breakpoints); `None` for VM-only faults, which the
/// generated code must never cause.
pub fn fault_class(f: &Fault) -> Option<&'static str> {
    match f {
        Fault::DivideError => Some("divide"),
        Fault::Unmapped { .. }
        | Fault::Protection { .. }
        | Fault::Misaligned { .. }
        | Fault::StackOverflow { .. } => Some("memory"),
        Fault::Ud2 => Some("undefined opcode"),
        Fault::Int3 | Fault::Int1 => Some("breakpoint"),
        _ => None,
    }
}
