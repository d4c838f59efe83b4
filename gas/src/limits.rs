//! Execution limits. Hitting one is a deterministic fault (SPEC §4); the numbers
//! belong to the schedule so that governance can raise them with a new version.

use crate::table::u64_table;

u64_table! {
    /// The `[limits]` table of a schedule. All sizes are in bytes.
    pub struct Limits {
        /// Total guest memory a call may map: ELF segments, stack, heap and thread block.
        guest_memory_bytes,
        /// Size of the stack mapping (multiple of 4 KiB).
        stack_bytes,
        /// Maximum heap size reachable through `heap_alloc`/`heap_realloc` (multiple of 4 KiB).
        heap_bytes,
        /// Maximum nesting of `call` (the outermost call is depth 1).
        call_depth,
        /// Maximum call input length.
        input_bytes,
        /// Maximum return data length (`set_return`, `finish`, `revert`).
        return_bytes,
        /// Maximum data length of one event.
        event_data_bytes,
        /// Maximum number of events one call (including its nested calls) may emit.
        events_per_call,
        /// Maximum total `debug_print` output of one call.
        debug_bytes,
        /// Maximum storage key length.
        storage_key_bytes,
        /// Maximum storage value length.
        storage_value_bytes,
        /// Maximum size of a contract package (borsh encoding).
        package_bytes,
        /// Maximum total size of a package's executable segments.
        code_bytes,
    }
}
