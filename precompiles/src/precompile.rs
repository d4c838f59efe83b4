//! The table of precompiles and their interrupt vectors (SPEC §3), shared by
//! the runtime's interrupt dispatch, the validator's vector whitelist and the
//! gas schedules' per-precompile prices.

use thiserror::Error;

/// One precompile of interrupt ABI version 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Precompile {
    /// `int 0x80`: `keccak256(ptr, len, out32)`.
    Keccak256,
    /// `int 0x81`: `sha256(ptr, len, out32)`.
    Sha256,
    /// `int 0x82`: `secp256k1_recover(hash32, sig64, recid, out64)`.
    Secp256k1Recover,
    /// `int 0x83`: `secp256k1_verify(hash32, sig64, pubkey_ptr, pubkey_len)`.
    Secp256k1Verify,
    /// `int 0x90`: `u256_mulmod(a, b, m, out)`.
    U256Mulmod,
    /// `int 0x91`: `u256_addmod(a, b, m, out)`.
    U256Addmod,
    /// `int 0x92`: `u256_powmod(base, exp, m, out)`.
    U256Powmod,
    /// `int 0x93`: `u256_divmod(a, b, q_out, r_out)`.
    U256Divmod,
    /// `int 0x94`: `u256_mul_wide(a, b, out64)`.
    U256MulWide,
    /// `int 0x95`: `modexp(base, base_len, exp, exp_len, mod, mod_len, out)`.
    Modexp,
}

/// An interrupt vector that names no precompile.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Error)]
#[error(
    "interrupt vector {vector:#x} is not a precompile (precompiles are 0x80-0x83 and 0x90-0x95)"
)]
pub struct UnknownPrecompile {
    /// The vector that was looked up.
    pub vector: u64,
}

impl Precompile {
    /// Every precompile, in vector order.
    pub const ALL: [Precompile; 10] = [
        Precompile::Keccak256,
        Precompile::Sha256,
        Precompile::Secp256k1Recover,
        Precompile::Secp256k1Verify,
        Precompile::U256Mulmod,
        Precompile::U256Addmod,
        Precompile::U256Powmod,
        Precompile::U256Divmod,
        Precompile::U256MulWide,
        Precompile::Modexp,
    ];

    /// The `int N` vector that calls this precompile.
    pub const fn vector(self) -> u8 {
        match self {
            Precompile::Keccak256 => 0x80,
            Precompile::Sha256 => 0x81,
            Precompile::Secp256k1Recover => 0x82,
            Precompile::Secp256k1Verify => 0x83,
            Precompile::U256Mulmod => 0x90,
            Precompile::U256Addmod => 0x91,
            Precompile::U256Powmod => 0x92,
            Precompile::U256Divmod => 0x93,
            Precompile::U256MulWide => 0x94,
            Precompile::Modexp => 0x95,
        }
    }

    /// The ABI name (as in SPEC §3), used as the key in schedule files and
    /// in error messages.
    pub const fn name(self) -> &'static str {
        match self {
            Precompile::Keccak256 => "keccak256",
            Precompile::Sha256 => "sha256",
            Precompile::Secp256k1Recover => "secp256k1_recover",
            Precompile::Secp256k1Verify => "secp256k1_verify",
            Precompile::U256Mulmod => "u256_mulmod",
            Precompile::U256Addmod => "u256_addmod",
            Precompile::U256Powmod => "u256_powmod",
            Precompile::U256Divmod => "u256_divmod",
            Precompile::U256MulWide => "u256_mul_wide",
            Precompile::Modexp => "modexp",
        }
    }

    /// The precompile an interrupt vector calls, if any.
    pub fn from_vector(vector: u64) -> Result<Precompile, UnknownPrecompile> {
        Precompile::ALL
            .into_iter()
            .find(|p| u64::from(p.vector()) == vector)
            .ok_or(UnknownPrecompile { vector })
    }

    /// The precompile with this ABI name, if any (for schedule files).
    pub fn from_name(name: &str) -> Option<Precompile> {
        Precompile::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl TryFrom<u64> for Precompile {
    type Error = UnknownPrecompile;

    fn try_from(vector: u64) -> Result<Self, Self::Error> {
        Precompile::from_vector(vector)
    }
}

impl core::fmt::Display for Precompile {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}
