//! commit_reveal — a sealed-bid style game on the echovm Rust SDK.
//!
//! Players first commit to a secret value, then reveal it; once the
//! configured number of reveals has arrived, the highest revealed value wins
//! (ties go to the earlier reveal). Committing a hash first stops later
//! players from choosing their value after seeing the others'.
//!
//! The commitment binds the player: `keccak256(player ‖ value ‖ salt)` with
//! `player` the 32-byte caller address and `value` a u128 little-endian.
//! Without the player in the hash, a copycat could commit someone else's
//! hash and, once that player revealed, reveal the same value with the
//! published salt.
//!
//! Input (docs/EXAMPLES.md): deploy input = `reveals_needed: u32`; calls start
//! with a selector byte, fields fixed-size little-endian:
//!   0x01 commit(hash: [u8; 32])
//!   0x02 reveal(value: u128, salt: [u8; 32])
//!   0x03 winner() -> player ‖ value (48 bytes)
//!   0x04 status() -> commits: u32 ‖ reveals: u32 ‖ needed: u32 ‖ decided: u8
//! Events (topic = keccak256(name)): Committed(player ‖ hash),
//! Revealed(player ‖ value), Winner(player ‖ value).

#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use echovm_sdk::{chain, crypto, entry, event, require, revert, Address, Hash, Item, Map, Reader};

/// Reveals that end a round: set once at deploy.
const NEEDED: Item<u32> = Item::new(b"needed");
/// Commitments made so far.
const COMMITS: Item<u32> = Item::new(b"commits");
/// Reveals accepted so far.
const REVEALS: Item<u32> = Item::new(b"reveals");
/// Best reveal so far: player and value (present after the first reveal).
const LEADER: Item<Address> = Item::new(b"leader");
const BEST: Item<u128> = Item::new(b"best");
/// Set when the round is over.
const DECIDED: Item<bool> = Item::new(b"decided");
/// player -> commitment hash.
const COMMITMENT: Map<Address, Hash> = Map::new(b"c:");
/// player -> true once revealed (a player reveals at most once).
const REVEALED: Map<Address, bool> = Map::new(b"r:");

/// Largest accepted `reveals_needed`: keeps a round finite.
const MAX_NEEDED: u32 = 10_000;

entry!(main);

fn main() -> Vec<u8> {
    let input = echovm_sdk::io::input();
    let mut r = Reader::new(&input);
    if chain::is_deploy() {
        let needed: u32 = r.expect();
        r.expect_end();
        require!(
            (1..=MAX_NEEDED).contains(&needed),
            "reveals_needed must be 1..={}, got {}",
            MAX_NEEDED,
            needed
        );
        NEEDED.set(&needed);
        return Vec::new();
    }
    let Some(needed) = NEEDED.get() else {
        revert!("not deployed")
    };
    let selector: u8 = r.expect();
    match selector {
        0x01 => {
            let hash: Hash = r.expect();
            r.expect_end();
            commit(&hash);
            Vec::new()
        }
        0x02 => {
            let value: u128 = r.expect();
            let salt: [u8; 32] = r.expect();
            r.expect_end();
            reveal(value, &salt, needed);
            Vec::new()
        }
        0x03 => {
            r.expect_end();
            require!(DECIDED.get_or_default(), "no winner yet");
            winner_record(&LEADER.get().unwrap_or_default(), BEST.get_or_default())
        }
        0x04 => {
            r.expect_end();
            let mut out = Vec::with_capacity(13);
            out.extend_from_slice(&COMMITS.get_or_default().to_le_bytes());
            out.extend_from_slice(&REVEALS.get_or_default().to_le_bytes());
            out.extend_from_slice(&needed.to_le_bytes());
            out.push(DECIDED.get_or_default() as u8);
            out
        }
        other => revert!("unknown selector 0x{:02x}", other),
    }
}

fn commit(hash: &Hash) {
    require!(!DECIDED.get_or_default(), "round is over");
    let player = chain::caller();
    require!(!COMMITMENT.contains(&player), "already committed");
    COMMITMENT.set(&player, hash);
    COMMITS.set(&(COMMITS.get_or_default() + 1));
    let mut data = [0u8; 64];
    data[..32].copy_from_slice(&player);
    data[32..].copy_from_slice(hash);
    event::emit_named("Committed", &data);
}

fn reveal(value: u128, salt: &[u8; 32], needed: u32) {
    require!(!DECIDED.get_or_default(), "round is over");
    let player = chain::caller();
    let Some(commitment) = COMMITMENT.get(&player) else {
        revert!("no commitment")
    };
    require!(!REVEALED.get_or_default(&player), "already revealed");
    let computed = crypto::keccak256_concat(&[&player, &value.to_le_bytes(), salt]);
    require!(computed == commitment, "reveal does not match commitment");
    REVEALED.set(&player, &true);
    let reveals = REVEALS.get_or_default() + 1;
    REVEALS.set(&reveals);
    event::emit_named("Revealed", &winner_record(&player, value));

    // Strictly greater: on a tie the earlier reveal keeps the lead.
    if LEADER.get().is_none() || value > BEST.get_or_default() {
        LEADER.set(&player);
        BEST.set(&value);
    }
    if reveals >= needed {
        DECIDED.set(&true);
        let leader = LEADER.get().unwrap_or_default();
        event::emit_named("Winner", &winner_record(&leader, BEST.get_or_default()));
    }
}

/// player ‖ value (u128 LE): 48 bytes.
fn winner_record(player: &Address, value: u128) -> Vec<u8> {
    let mut out = Vec::with_capacity(48);
    out.extend_from_slice(player);
    out.extend_from_slice(&value.to_le_bytes());
    out
}
