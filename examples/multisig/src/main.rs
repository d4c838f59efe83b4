//! multisig — an m-of-n wallet on the echovm Rust SDK.
//!
//! Owners are secp256k1 keys, identified by their echovm address
//! `keccak256(x ‖ y)` (all 32 bytes, SPEC §3 public key encoding). A payment
//! leaves the wallet only with signatures from at least `threshold` distinct
//! owners over
//!
//! ```text
//! keccak256(self_address ‖ to ‖ amount (u128 LE) ‖ nonce (u64 LE))
//! ```
//!
//! The wallet's own address in the message stops a signature for one wallet
//! from being replayed against another wallet with the same owners; the
//! nonce, which must equal the stored one and then advances, stops replays
//! against this wallet.
//!
//! Input (docs/EXAMPLES.md), fixed-size little-endian fields:
//!   deploy: threshold: u8 ‖ count: u8 ‖ count × owner address (32 bytes)
//!   0x00 deposit()                      (accepts the call's value)
//!   0x01 execute(to: 32, amount: u128, nonce: u64, k: u8,
//!                k × (sig r‖s: 64 big-endian, recid: u8))
//!   0x02 nonce() -> u64
//!   0x03 owners() -> threshold: u8 ‖ count: u8 ‖ count × 32 bytes
//! Events (topic keccak256(name)): Deposit(from ‖ amount),
//! Executed(to ‖ amount ‖ nonce).

#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use echovm_sdk::{chain, crypto, entry, event, require, revert, Address, Item, Map, Reader};

/// Upper bound on owners: bounds the deploy input and signature checks.
const MAX_OWNERS: u8 = 16;

const THRESHOLD: Item<u8> = Item::new(b"threshold");
const COUNT: Item<u8> = Item::new(b"count");
const NONCE: Item<u64> = Item::new(b"nonce");
/// index -> owner address (for `owners()`).
const OWNER_AT: Map<u8, Address> = Map::new(b"owner:");
/// address -> true for owners (for signature checks).
const IS_OWNER: Map<Address, bool> = Map::new(b"is_owner:");

entry!(main);

fn main() -> Vec<u8> {
    let input = echovm_sdk::io::input();
    let mut r = Reader::new(&input);
    if chain::is_deploy() {
        deploy(&mut r);
        return Vec::new();
    }
    let Some(threshold) = THRESHOLD.get() else {
        revert!("not deployed")
    };
    match r.expect::<u8>() {
        0x00 => {
            r.expect_end();
            let mut data = [0u8; 48];
            data[..32].copy_from_slice(&chain::caller());
            data[32..].copy_from_slice(&chain::call_value().to_le_bytes());
            event::emit_named("Deposit", &data);
            Vec::new()
        }
        0x01 => {
            execute(&mut r, threshold);
            Vec::new()
        }
        0x02 => {
            r.expect_end();
            NONCE.get_or_default().to_le_bytes().to_vec()
        }
        0x03 => {
            r.expect_end();
            let count = COUNT.get_or_default();
            let mut out = Vec::with_capacity(2 + 32 * count as usize);
            out.push(threshold);
            out.push(count);
            for i in 0..count {
                out.extend_from_slice(&OWNER_AT.get(&i).unwrap_or_default());
            }
            out
        }
        other => revert!("unknown selector 0x{:02x}", other),
    }
}

fn deploy(r: &mut Reader) {
    let threshold: u8 = r.expect();
    let count: u8 = r.expect();
    require!(
        (1..=MAX_OWNERS).contains(&count),
        "owner count must be 1..={}, got {}",
        MAX_OWNERS,
        count
    );
    require!(
        (1..=count).contains(&threshold),
        "threshold must be 1..={}, got {}",
        count,
        threshold
    );
    for i in 0..count {
        let owner: Address = r.expect();
        require!(!IS_OWNER.contains(&owner), "owner {} is listed twice", i);
        IS_OWNER.set(&owner, &true);
        OWNER_AT.set(&i, &owner);
    }
    r.expect_end();
    THRESHOLD.set(&threshold);
    COUNT.set(&count);
    NONCE.set(&0);
}

fn execute(r: &mut Reader, threshold: u8) {
    let to: Address = r.expect();
    let amount: u128 = r.expect();
    let nonce: u64 = r.expect();
    let k: u8 = r.expect();
    let expected = NONCE.get_or_default();
    require!(
        nonce == expected,
        "bad nonce: expected {}, got {}",
        expected,
        nonce
    );

    let digest = crypto::keccak256_concat(&[
        &chain::self_address(),
        &to,
        &amount.to_le_bytes(),
        &nonce.to_le_bytes(),
    ]);
    let mut signers: Vec<Address> = Vec::with_capacity(k as usize);
    for i in 0..k {
        let sig: [u8; 64] = r.expect();
        let recid: u8 = r.expect();
        let Some(signer) = crypto::recover_address(&digest, &sig, recid) else {
            revert!("signature {} does not recover", i)
        };
        require!(
            IS_OWNER.get_or_default(&signer),
            "signature {} is not from an owner",
            i
        );
        require!(
            !signers.contains(&signer),
            "signature {} repeats a signer",
            i
        );
        signers.push(signer);
    }
    r.expect_end();
    require!(
        signers.len() >= threshold as usize,
        "{} signatures, threshold is {}",
        signers.len(),
        threshold
    );

    NONCE.set(&(nonce + 1));
    if chain::transfer(&to, amount).is_err() {
        revert!(
            "insufficient funds: wallet holds {}, payment is {}",
            chain::balance(&chain::self_address()),
            amount
        );
    }
    let mut data = [0u8; 56];
    data[..32].copy_from_slice(&to);
    data[32..48].copy_from_slice(&amount.to_le_bytes());
    data[48..].copy_from_slice(&nonce.to_le_bytes());
    event::emit_named("Executed", &data);
}
