//! Chain and call context (0x20..0x2F): balances, transfers, block data,
//! caller, value, gas.

use crate::{sys, Address, Hash};

/// Balance of `who`.
pub fn balance(who: &Address) -> u128 {
    let mut out = [0u8; 16];
    // SAFETY: the host reads 32 bytes and writes 16.
    unsafe { sys::balance(who.as_ptr(), out.as_mut_ptr()) };
    u128::from_le_bytes(out)
}

/// This contract's balance is smaller than the amount it tried to send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InsufficientFunds;

impl core::fmt::Display for InsufficientFunds {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("insufficient funds")
    }
}

/// Send `amount` of this contract's native balance to `to`.
pub fn transfer(to: &Address, amount: u128) -> Result<(), InsufficientFunds> {
    let a = amount.to_le_bytes();
    // SAFETY: the host reads 32 + 16 bytes.
    match unsafe { sys::transfer(to.as_ptr(), a.as_ptr()) } {
        0 => Ok(()),
        _ => Err(InsufficientFunds),
    }
}

/// Hash of block `height`, `None` when the host does not know it.
pub fn block_hash(height: u64) -> Option<Hash> {
    let mut out = [0u8; 32];
    // SAFETY: the host writes 32 bytes.
    (unsafe { sys::block_hash(height, out.as_mut_ptr()) } == 0).then_some(out)
}

macro_rules! address_getter {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub fn $name() -> Address {
            let mut out = [0u8; 32];
            // SAFETY: the host writes 32 bytes.
            unsafe { sys::$name(out.as_mut_ptr()) };
            out
        }
    };
}

address_getter!(
    /// Author of the current block.
    block_author
);
address_getter!(
    /// The account (or contract) that made this call.
    caller
);
address_getter!(
    /// The account that signed the transaction.
    origin
);
address_getter!(
    /// This contract's own address.
    self_address
);

/// Gas limit of this call.
pub fn gas_limit() -> u64 {
    // SAFETY: no pointers.
    unsafe { sys::gas_limit() }
}

/// Gas left at this point.
pub fn gas_left() -> u64 {
    // SAFETY: no pointers.
    unsafe { sys::gas_left() }
}

/// Current block height.
pub fn block_height() -> u64 {
    // SAFETY: no pointers.
    unsafe { sys::block_height() }
}

/// Current block timestamp, milliseconds.
pub fn block_timestamp() -> u64 {
    // SAFETY: no pointers.
    unsafe { sys::block_timestamp() }
}

/// Native value sent with this call.
pub fn call_value() -> u128 {
    let mut out = [0u8; 16];
    // SAFETY: the host writes 16 bytes.
    unsafe { sys::call_value(out.as_mut_ptr()) };
    u128::from_le_bytes(out)
}

/// True during the deploy call (the constructor run).
pub fn is_deploy() -> bool {
    // SAFETY: no pointers.
    unsafe { sys::is_deploy() == 1 }
}
