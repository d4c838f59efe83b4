//! echovm runtime: loads a contract, runs it instruction by instruction against
//! guest memory with exact gas metering, and dispatches its interrupts.
//!
//! Flow of a call: [`program::Program`] (from [`elf`] or a package) →
//! [`loader`] (address space) → [`cache`] (decode-once blocks) →
//! [`interp`] (run loop, gas per block) ↔ [`exec`] (instruction semantics) ↔
//! [`abi`] (interrupts, through [`host::Host`]) → state diff.

pub mod abi;
pub mod block;
pub mod cache;
pub mod canonical;
pub mod classify;
pub mod cpu;
pub mod elf;
pub mod exec;
pub mod fault;
pub mod flags;
pub mod heap;
pub mod host;
pub mod interp;
pub mod loader;
pub mod memory;
pub mod package;
pub mod program;
pub mod state;
pub mod validate;

pub use interp::{run_call, run_call_with, CallParams, Outcome, RunOptions, Trap, Vm};
