//! Interrupt (host function) costs, keyed by the ABI v1 vectors of SPEC §3.
//!
//! Every vector is priced as `base + per_byte·len + per_word·⌈len/32⌉`, where
//! `len` is the vector's *metered length* ([`Vector::metered`]): the number of
//! bytes the host function reads, writes or hashes. Costs that do not follow a
//! length (heap pages, new storage slots, value transfers, exponent bits,
//! modexp work) are the schedule's `[surcharges]`.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

/// Size of the "word" that `per_word` prices (a keccak/sha256 input word, and
/// the unit bulk copies are charged in).
pub const WORD_BYTES: u64 = 32;

/// Cost of one interrupt vector.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Default,
    Serialize,
    Deserialize,
    BorshSerialize,
    BorshDeserialize,
)]
#[serde(deny_unknown_fields)]
pub struct InterruptCost {
    /// Charged on every call of the vector.
    pub base: u64,
    /// Charged per byte of the metered length.
    pub per_byte: u64,
    /// Charged per started 32-byte word of the metered length.
    pub per_word: u64,
}

impl InterruptCost {
    /// Gas for one call with metered length `len`. Saturates at `u64::MAX`
    /// instead of overflowing: a guest can pass any length, and a saturated
    /// figure simply runs the call out of gas.
    pub fn cost(&self, len: u64) -> u64 {
        let words = len.div_ceil(WORD_BYTES);
        self.base
            .saturating_add(self.per_byte.saturating_mul(len))
            .saturating_add(self.per_word.saturating_mul(words))
    }
}

/// One vector of the interrupt ABI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Vector {
    /// `N` of `int N`.
    pub number: u8,
    /// Function name, also the key in the schedule's `[interrupts]` table.
    pub name: &'static str,
    /// What the metered length `len` of [`InterruptCost::cost`] is for this vector.
    pub metered: &'static str,
}

macro_rules! vectors {
    ($($name:ident = $num:literal : $metered:literal,)*) => {
        /// Every vector of interrupt ABI v1, in ascending order.
        pub const VECTORS: &[Vector] = &[$(Vector { number: $num, name: stringify!($name), metered: $metered },)*];

        /// The `[interrupts]` table of a schedule: one required entry per ABI vector.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
        #[serde(deny_unknown_fields)]
        pub struct InterruptCosts { $(#[doc = $metered] pub $name: InterruptCost,)* }

        impl InterruptCosts {
            /// `(vector, cost)` pairs in ascending vector order.
            pub fn entries(&self) -> Vec<(&'static Vector, InterruptCost)> {
                let costs = [$(self.$name,)*];
                VECTORS.iter().zip(costs).collect()
            }
        }
    };
}

vectors! {
    heap_alloc = 0x11 : "none (heap growth is charged per 4 KiB page by `heap_page`)",
    heap_realloc = 0x12 : "the requested new size (heap growth is also charged by `heap_page`)",
    heap_free = 0x13 : "none",
    memmove = 0x14 : "n",
    memcmp = 0x15 : "n (the whole length, even when a difference is found earlier)",
    memset = 0x16 : "n",
    balance = 0x20 : "none",
    transfer = 0x21 : "none",
    block_hash = 0x24 : "none",
    block_author = 0x25 : "none",
    gas_limit = 0x26 : "none",
    block_height = 0x27 : "none",
    block_timestamp = 0x28 : "none",
    call_value = 0x29 : "none",
    caller = 0x2A : "none",
    origin = 0x2B : "none",
    self_address = 0x2C : "none",
    is_deploy = 0x2E : "none",
    gas_left = 0x2F : "none",
    call = 0x30 : "input_len (plus `call_value_transfer` when the value is not zero)",
    return_data_size = 0x31 : "none",
    return_data_read = 0x32 : "bytes copied",
    emit_event = 0x38 : "data_len (the one 32-byte topic is part of `base`)",
    input_size = 0x40 : "none",
    input_read = 0x41 : "bytes copied",
    set_return = 0x50 : "len",
    revert = 0x60 : "len",
    finish = 0x61 : "len",
    debug_print = 0x62 : "len",
    storage_read = 0x70 : "key_len + the stored value's length (0 when absent)",
    storage_write = 0x71 : "key_len + val_len (plus `storage_new_slot` when the key was absent)",
    storage_remove = 0x72 : "key_len",
    storage_size = 0x73 : "key_len",
    keccak256 = 0x80 : "len",
    sha256 = 0x81 : "len",
    secp256k1_recover = 0x82 : "none",
    secp256k1_verify = 0x83 : "none",
    u256_mulmod = 0x90 : "none",
    u256_addmod = 0x91 : "none",
    u256_powmod = 0x92 : "none (plus `powmod_per_exponent_bit` per bit of the exponent's bit length)",
    u256_divmod = 0x93 : "none",
    u256_mul_wide = 0x94 : "none",
    modexp = 0x95 : "base_len + exp_len + mod_len (plus `modexp_per_work_unit` per unit of `modexp_work`)",
}

/// The ABI vector numbered `number`, if there is one.
pub fn vector(number: u8) -> Option<&'static Vector> {
    VECTORS.iter().find(|v| v.number == number)
}

/// The ABI vector named `name`, if there is one.
pub fn vector_by_name(name: &str) -> Option<&'static Vector> {
    VECTORS.iter().find(|v| v.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_are_ascending_and_unique() {
        for w in VECTORS.windows(2) {
            assert!(
                w[0].number < w[1].number,
                "{} and {} out of order",
                w[0].name,
                w[1].name
            );
        }
        assert_eq!(vector(0x71).map(|v| v.name), Some("storage_write"));
        assert_eq!(vector_by_name("modexp").map(|v| v.number), Some(0x95));
        assert!(vector(0x80 - 1).is_none());
        assert!(vector(3).is_none());
    }

    #[test]
    fn cost_counts_started_words_and_saturates() {
        let c = InterruptCost {
            base: 30,
            per_byte: 2,
            per_word: 6,
        };
        assert_eq!(c.cost(0), 30);
        assert_eq!(c.cost(1), 30 + 2 + 6);
        assert_eq!(c.cost(32), 30 + 64 + 6);
        assert_eq!(c.cost(33), 30 + 66 + 12);
        assert_eq!(c.cost(u64::MAX), u64::MAX);
        let words_only = InterruptCost {
            base: 0,
            per_byte: 0,
            per_word: 1,
        };
        // ⌈u64::MAX / 32⌉ does not overflow.
        assert_eq!(words_only.cost(u64::MAX), u64::MAX / 32 + 1);
    }
}
