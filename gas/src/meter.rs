//! The gas meter of one call.
//!
//! All arithmetic is checked: a gas limit may be any `u64` (`--gas
//! 18446744073709551615` is legal), and charges come from saturating cost
//! formulas, so neither side may overflow or panic.

/// The call ran out of gas; the meter has been set to `used == limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("out of gas: needed {needed}, {left} left")]
pub struct OutOfGas {
    /// Amount of the charge that failed.
    pub needed: u64,
    /// Gas that was left before it.
    pub left: u64,
}

/// A refund asked for more gas than was used (an accounting bug in the caller).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot refund {amount} gas: only {used} used")]
pub struct RefundTooLarge {
    pub amount: u64,
    pub used: u64,
}

/// Gas limit and gas used of one call. Invariant: `used <= limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GasMeter {
    limit: u64,
    used: u64,
}

impl GasMeter {
    pub fn new(limit: u64) -> GasMeter {
        GasMeter { limit, used: 0 }
    }
    pub fn limit(&self) -> u64 {
        self.limit
    }
    pub fn used(&self) -> u64 {
        self.used
    }
    /// Gas still available (`gas_left()` of the ABI).
    #[inline]
    pub fn left(&self) -> u64 {
        self.limit - self.used
    }

    /// Charges `amount`. When fewer than `amount` are left the meter is
    /// exhausted (`used = limit`, SPEC §4: an out-of-gas call uses its whole
    /// limit) and the charge fails.
    #[inline]
    pub fn charge(&mut self, amount: u64) -> Result<(), OutOfGas> {
        let left = self.left();
        if amount <= left {
            self.used += amount;
            Ok(())
        } else {
            self.used = self.limit;
            Err(OutOfGas {
                needed: amount,
                left,
            })
        }
    }

    /// Returns `amount` of already charged gas. Used when the interpreter
    /// precharged a whole basic block and leaves it early (a fault, or an
    /// interrupt that must observe the exact `gas_left()`), so that every
    /// observable figure equals per-instruction charging.
    pub fn refund_unused(&mut self, amount: u64) -> Result<(), RefundTooLarge> {
        match self.used.checked_sub(amount) {
            Some(used) => {
                self.used = used;
                Ok(())
            }
            None => Err(RefundTooLarge {
                amount,
                used: self.used,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn charges_until_exhausted() -> TestResult {
        let mut m = GasMeter::new(10);
        assert_eq!(m.charge(4), Ok(()));
        assert_eq!(m.left(), 6);
        assert_eq!(m.charge(6), Ok(()));
        assert_eq!(m.left(), 0);
        assert_eq!(m.charge(0), Ok(()));
        assert_eq!(m.charge(1), Err(OutOfGas { needed: 1, left: 0 }));
        assert_eq!(m.used(), 10);
        Ok(())
    }

    #[test]
    fn failed_charge_uses_whole_limit() -> TestResult {
        let mut m = GasMeter::new(100);
        m.charge(30)?;
        assert_eq!(
            m.charge(71),
            Err(OutOfGas {
                needed: 71,
                left: 70
            })
        );
        assert_eq!(m.used(), 100);
        assert_eq!(m.left(), 0);
        Ok(())
    }

    #[test]
    fn u64_extremes_do_not_overflow() -> TestResult {
        let mut m = GasMeter::new(u64::MAX);
        assert_eq!(m.charge(u64::MAX - 1), Ok(()));
        assert_eq!(m.left(), 1);
        assert_eq!(
            m.charge(u64::MAX),
            Err(OutOfGas {
                needed: u64::MAX,
                left: 1
            })
        );
        assert_eq!(m.used(), u64::MAX);
        assert_eq!(m.refund_unused(u64::MAX), Ok(()));
        assert_eq!(m.left(), u64::MAX);
        assert_eq!(m.charge(u64::MAX), Ok(()));
        assert_eq!(m.left(), 0);

        let mut zero = GasMeter::new(0);
        assert_eq!(
            zero.charge(u64::MAX),
            Err(OutOfGas {
                needed: u64::MAX,
                left: 0
            })
        );
        assert_eq!(zero.used(), 0);
        Ok(())
    }

    #[test]
    fn refund_reverses_a_precharge_but_never_below_zero() -> TestResult {
        let mut m = GasMeter::new(50);
        m.charge(20)?;
        m.refund_unused(5)?;
        assert_eq!((m.used(), m.left()), (15, 35));
        assert_eq!(
            m.refund_unused(16),
            Err(RefundTooLarge {
                amount: 16,
                used: 15
            })
        );
        assert_eq!(m.used(), 15, "a rejected refund changes nothing");
        m.refund_unused(15)?;
        assert_eq!(m.used(), 0);
        Ok(())
    }
}
