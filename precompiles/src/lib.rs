//! Crypto and math precompiles reached through the interrupt ABI (SPEC §3,
//! vectors 0x80–0x95).
//!
//! This crate is the *semantics* of those interrupts: pure, deterministic
//! functions over byte slices. It never touches guest memory — the runtime
//! checks and copies the arguments in, calls a function here, and copies the
//! result out — and it never prices anything: [`work`] gives the measures a
//! versioned gas schedule turns into gas. No function panics on any input,
//! reads the clock, uses randomness or depends on the host's floating point,
//! so every validator computes the same bytes.
//!
//! # Byte order
//!
//! * Hashes, secp256k1 signatures (`r ‖ s`) and public keys are
//!   **big-endian**, exactly as in Ethereum, so signatures and keys produced by
//!   Ethereum tooling are used unchanged.
//! * u256 operands and results, and `modexp` numbers, are **little-endian**
//!   (byte 0 least significant), the layout a contract's `u64` limbs have in
//!   memory on x86-64. Only the byte order differs from EIP-198.
//!
//! # Functions
//!
//! | vector | function | semantics |
//! | --- | --- | --- |
//! | 0x80 | [`keccak256`] | Keccak-256 with the original Keccak padding (Ethereum's, not FIPS 202 SHA3-256) |
//! | 0x81 | [`sha256`] | SHA-256 (FIPS 180-4) |
//! | 0x82 | [`secp256k1_recover`] | public key `x ‖ y` (64 bytes, no `0x04`), or `None` → the interrupt returns −1 |
//! | 0x83 | [`secp256k1_verify`] | 1 valid, 0 invalid, −1 malformed |
//! | 0x90 | [`u256_mulmod`] | `a·b mod m` with a 512-bit intermediate; 0 when `m = 0` |
//! | 0x91 | [`u256_addmod`] | `a+b mod m` with a 257-bit intermediate; 0 when `m = 0` |
//! | 0x92 | [`u256_powmod`] | `base^exp mod m`; 0 when `m = 0`; `x^0 = 1 mod m` (also `0^0`) |
//! | 0x93 | [`u256_divmod`] | `(a / b, a mod b)`, `None` when `b = 0` → the interrupt returns −1 |
//! | 0x94 | [`u256_mul_wide`] | 512-bit product, 64 bytes little-endian |
//! | 0x95 | [`modexp()`] | `base^exp mod m`, output exactly `mod_len` bytes; zeros when `m = 0` |
//!
//! # secp256k1 rules
//!
//! * `r` and `s` must both lie in `1..n` (n the group order). Otherwise
//!   recovery fails and verification reports *malformed* (−1).
//! * **Recover** accepts `recid` 0, 1, 2 and 3 (bit 0: parity of the nonce
//!   point's y; bit 1: its x exceeded n, which occurs with probability ~2⁻¹²⁷).
//!   Ethereum's `v = 27/28` is rejected; subtract 27 first. High `s` is
//!   accepted, as the SPEC requires and as Ethereum's `ecrecover` does.
//! * **Verify** requires low `s` (`s ≤ n/2`); a high-`s` signature is
//!   *invalid* (0), as in go-ethereum's `VerifySignature` and libsecp256k1,
//!   which keeps signatures non-malleable. Public keys may be 33-byte
//!   compressed, 65-byte uncompressed (`0x04` prefix) or 64-byte `x ‖ y`; any
//!   other length, a wrong prefix or a point off the curve is malformed (−1).
//! * The 32-byte hash is used as given (it is reduced modulo n as ECDSA
//!   specifies); no hashing happens inside.
//!
//! # Gas
//!
//! Prices live in the versioned schedules; this crate only measures work:
//! [`modexp_work`] is EIP-2565's `multiplication_complexity ×
//! iteration_count` with the exponent read little-endian (EIP-2565 gas is
//! `max(200, work / 3)`), [`u256_powmod_work`] is the exponent's bit length,
//! and [`work::keccak256_blocks`] / [`work::sha256_blocks`] count hash
//! blocks. All saturate at `u64::MAX` rather than wrap. Odd and even moduli
//! cost about the same per work unit (even moduli are split by the Chinese
//! remainder theorem), so one price per unit is fair for both.
//!
//! # Interrupt table
//!
//! [`Precompile`] lists the precompiles with their [`vector`](Precompile::vector)
//! and ABI [`name`](Precompile::name), so the runtime's dispatch, the
//! validator's whitelist and the schedules' price keys come from one place.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod hash;
pub mod modexp;
pub mod precompile;
pub mod secp256k1;
pub mod u256;
pub mod work;

pub use hash::{keccak256, sha256};
pub use modexp::modexp;
pub use precompile::{Precompile, UnknownPrecompile};
pub use secp256k1::{
    secp256k1_recover, secp256k1_verify, VERIFY_INVALID, VERIFY_MALFORMED, VERIFY_VALID,
};
pub use u256::{u256_addmod, u256_divmod, u256_mul_wide, u256_mulmod, u256_powmod};
pub use work::{modexp_work, modexp_work_for, u256_powmod_work};
