//! Costs added on top of an instruction class or an interrupt's base/length cost.

use crate::table::u64_table;

/// Size of the heap page that heap growth is charged in.
pub const HEAP_PAGE_BYTES: u64 = 4096;

u64_table! {
    /// The `[surcharges]` table of a schedule.
    pub struct Surcharges {
        /// Added to an instruction's class cost when it has an explicit memory
        /// operand that is accessed (`Operand::Mem` with a non-zero size).
        memory_operand,
        /// Per executed iteration of a string instruction (one iteration without REP,
        /// RCX iterations with REP/REPE/REPNE, fewer when REPE/REPNE stops early).
        string_iteration,
        /// Per 4 KiB page by which `heap_alloc`/`heap_realloc` grow the heap's high-water mark.
        heap_page,
        /// Added to `storage_write` when the key had no value (state growth).
        storage_new_slot,
        /// Added to `call` when the transferred value is not zero.
        call_value_transfer,
        /// Per bit of the exponent's bit length in `u256_powmod` (one square, at most one multiply).
        powmod_per_exponent_bit,
        /// Per unit of the precompiles crate's `modexp_work` figure (EIP-2565-like complexity).
        modexp_per_work_unit,
    }
}

impl Surcharges {
    /// Gas for growing the heap by `bytes` (rounded up to whole pages).
    /// Saturates instead of overflowing; see [`crate::InterruptCost::cost`].
    pub fn heap_growth(&self, bytes: u64) -> u64 {
        self.heap_page
            .saturating_mul(bytes.div_ceil(HEAP_PAGE_BYTES))
    }

    /// Surcharge of `u256_powmod` for an exponent whose highest set bit is bit
    /// `exponent_bits - 1` (0 for a zero exponent).
    pub fn powmod(&self, exponent_bits: u64) -> u64 {
        self.powmod_per_exponent_bit.saturating_mul(exponent_bits)
    }

    /// Surcharge of `modexp` for `work` units of `modexp_work`.
    pub fn modexp(&self, work: u64) -> u64 {
        self.modexp_per_work_unit.saturating_mul(work)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Surcharges {
        Surcharges {
            memory_operand: 1,
            string_iteration: 1,
            heap_page: 128,
            storage_new_slot: 5000,
            call_value_transfer: 500,
            powmod_per_exponent_bit: 100,
            modexp_per_work_unit: 3,
        }
    }

    #[test]
    fn heap_growth_rounds_up_to_pages() {
        let s = sample();
        assert_eq!(s.heap_growth(0), 0);
        assert_eq!(s.heap_growth(1), 128);
        assert_eq!(s.heap_growth(4096), 128);
        assert_eq!(s.heap_growth(4097), 256);
        assert_eq!(
            s.heap_growth(u64::MAX),
            128 << 52,
            "⌈(2⁶⁴−1)/4096⌉ = 2⁵² pages"
        );
        let dear = Surcharges {
            heap_page: u64::MAX / 2,
            ..sample()
        };
        assert_eq!(dear.heap_growth(8193), u64::MAX, "saturates");
    }

    #[test]
    fn powmod_and_modexp_scale_and_saturate() {
        let s = sample();
        assert_eq!(s.powmod(0), 0);
        assert_eq!(s.powmod(256), 25_600);
        assert_eq!(s.modexp(7), 21);
        assert_eq!(s.modexp(u64::MAX), u64::MAX);
    }
}
