//! echovm runtime: loads a contract, runs it instruction by instruction against
//! guest memory with exact gas metering, and dispatches its interrupts.

pub mod cpu;
pub mod exec;
pub mod fault;
pub mod flags;
pub mod memory;
