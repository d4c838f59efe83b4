//! Fee schedules, the gas meter and execution limits.
//!
//! A [`Schedule`] prices every instruction by [`InstrClass`] (plus a surcharge
//! for a memory operand and a per-iteration cost for string instructions),
//! every interrupt vector by `base + per_byte·len + per_word·⌈len/32⌉`, the
//! remaining non-linear costs in [`Surcharges`], and fixes the [`Limits`].
//! Schedules are TOML files under `schedules/`, compiled into the binary,
//! selected by protocol version, and pinned by hash in `schedules/schedules.lock`
//! so that an activated schedule can never change (SPEC §4).
//!
//! This crate does not depend on the decoder: the mapping from decoded
//! instructions to classes is `echovm_runtime::classify`.

mod class;
mod interrupt;
mod limits;
mod meter;
mod registry;
pub mod report;
mod schedule;
mod surcharge;
mod table;

pub use class::{ClassCosts, InstrClass};
pub use interrupt::{
    vector, vector_by_name, InterruptCost, InterruptCosts, Vector, VECTORS, WORD_BYTES,
};
pub use limits::Limits;
pub use meter::{GasMeter, OutOfGas, RefundTooLarge};
pub use registry::{
    by_version, for_protocol, latest, load, parse_lock, schedules, verify_lock, verify_lock_of,
    Pin, RegistryError, EMBEDDED, LOCK,
};
pub use schedule::{canonical_hash, hex_hash, Schedule, ScheduleDoc, ScheduleError};
pub use surcharge::{Surcharges, HEAP_PAGE_BYTES};
