//! # echovm-sdk
//!
//! `no_std` SDK for echovm contracts written in Rust: safe wrappers for every
//! interrupt of ABI version 1 (SPEC §3), a global allocator over the VM heap,
//! a panic handler that reverts with the panic message, the C memory symbols
//! the compiler needs, the [`entry!`] macro, and helpers for input decoding,
//! typed storage, events and crypto.
//!
//! A contract is a `#![no_std] #![no_main]` binary:
//!
//! ```ignore
//! #![no_std]
//! #![no_main]
//! extern crate alloc;
//! use echovm_sdk::{chain, codec::Reader, entry, io, storage::Map, Address};
//!
//! const COUNT: Map<Address, u64> = Map::new(b"count:");
//! entry!(main);
//!
//! fn main() -> [u8; 8] {
//!     let me = chain::caller();
//!     let n = COUNT.get_or_default(&me) + 1;
//!     COUNT.set(&me, &n);
//!     n.to_le_bytes()
//! }
//! ```
//!
//! Build it with the command in docs/SDK.md ("Rust SDK"): stock
//! `x86_64-unknown-linux-gnu` target, `panic=abort`, static non-PIE link
//! without crt files or libc.
//!
//! Under `cfg(test)` the crate links `std` and leaves out the allocator,
//! panic handler and memory symbols, so its pure helpers can be unit-tested
//! on the host; the interrupt wrappers only work inside the VM.

#![cfg_attr(not(test), no_std)]

extern crate alloc;

pub mod call;
pub mod chain;
pub mod codec;
pub mod crypto;
pub mod entry;
pub mod event;
pub mod fmt;
pub mod heap;
pub mod io;
pub mod math;
pub mod storage;
pub mod sys;

#[cfg(not(test))]
mod mem;
#[cfg(not(test))]
mod panic;

/// 32-byte account or contract address.
pub type Address = [u8; 32];
/// 32-byte hash: keccak256/sha256 output, event topic, block hash.
pub type Hash = [u8; 32];

pub use codec::{Fixed, Reader};
pub use storage::{Item, Map};
