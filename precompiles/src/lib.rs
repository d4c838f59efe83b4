//! Crypto and math precompiles reached through the interrupt ABI.
