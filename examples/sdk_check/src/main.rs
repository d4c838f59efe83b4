//! sdk_check — reaches every part of the Rust SDK through a selector so that
//! tests/examples.rs can compare each wrapper's result with an independent
//! oracle (published hash vectors, u128 arithmetic, k256 signatures). It is
//! also a compact tour of the SDK API.
//!
//! Input: selector byte, then fixed-size little-endian fields:
//!   0x01 hashes(data...)            -> keccak256(data) ‖ sha256(data)
//!   0x02 u256(a, b, m: 32 bytes each)
//!        -> mulmod(a,b,m) ‖ addmod(a,b,m) ‖ powmod(a,b,m) ‖ a/b ‖ a%b
//!           ‖ mul_wide(a,b) (64 bytes); reverts "division by zero" if b = 0
//!   0x03 modexp(blen: u8, base, elen: u8, exp, mlen: u8, modulus) -> mlen bytes
//!   0x04 heap(n: u32)               -> sum of i² for i < n via Vec and BTreeMap
//!        (u64) ‖ 1 if a 64-aligned Box is aligned ‖ 1 if Vec growth kept data
//!        ‖ 1 if a growing Vec of 64-aligned elements stayed aligned and intact
//!   0x05 panic(kind: u8)            -> reverts: 0 panic!, 1 index out of
//!        bounds, 2 failed allocation, 3 require!, 4 input too short
//!   0x06 storage(key_len: u8, key, value: u128)
//!        -> before (u8 present ‖ u128) ‖ after set ‖ size (i64)
//!           ‖ removed (u8) ‖ present after remove (u8)
//!   0x07 secp(hash: 32, sig: 64, recid: u8, pubkey: 65 SEC1)
//!        -> recovered x‖y (64, or zeros) ‖ recover_address (32)
//!           ‖ verify (u8: 1 valid, 0 invalid, 2 malformed)
//!   0x08 context() -> caller ‖ origin ‖ self ‖ value (u128) ‖ is_deploy (u8)
//!        ‖ gas_limit (u64) ‖ 1 if 0 < gas_left < gas_limit
//!   0x09 echo(data...) -> data, after `debug!("echo {} bytes")` and an event
//!        with topic keccak256("Echo")
//!   0x0A call(to: 32, gas: u64, value: u128, input...)
//!        -> status (u8: 0 success, 1 reverted, 2 failed) ‖ return data
//!   0x0B block() -> height (u64) ‖ timestamp (u64) ‖ author (32)
//!        ‖ block_hash(0) (u8 known ‖ 32) ‖ block_hash(height + 1000) (u8 ‖ 32)
//!        ‖ balance(self) (u128) ‖ balance(caller) (u128)
//!   0x0C transfer(to: 32, amount: u128) -> u8: 1 sent, 0 insufficient funds
//! Deploy runs the same dispatcher, so a deploy with input 0x08 reports
//! is_deploy = 1 in its return data.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use echovm_sdk::call::{self, CallStatus};
use echovm_sdk::crypto::Verify;
use echovm_sdk::{chain, crypto, debug, entry, event, io, math, require, revert, storage, Reader};

entry!(main);

fn main() -> Vec<u8> {
    let input = io::input();
    let mut r = Reader::new(&input);
    let mut out = Vec::new();
    match r.expect::<u8>() {
        0x01 => {
            let data = r.rest();
            out.extend_from_slice(&crypto::keccak256(data));
            out.extend_from_slice(&crypto::sha256(data));
        }
        0x02 => {
            let (a, b, m): ([u8; 32], [u8; 32], [u8; 32]) = (r.expect(), r.expect(), r.expect());
            r.expect_end();
            out.extend_from_slice(&math::mulmod(&a, &b, &m));
            out.extend_from_slice(&math::addmod(&a, &b, &m));
            out.extend_from_slice(&math::powmod(&a, &b, &m));
            let Some((q, rem)) = math::divmod(&a, &b) else {
                revert!("division by zero")
            };
            out.extend_from_slice(&q);
            out.extend_from_slice(&rem);
            out.extend_from_slice(&math::mul_wide(&a, &b));
        }
        0x03 => {
            let blen: u8 = r.expect();
            let base = r.take(blen as usize).unwrap_or_else(|e| revert!("{}", e));
            let elen: u8 = r.expect();
            let exp = r.take(elen as usize).unwrap_or_else(|e| revert!("{}", e));
            let mlen: u8 = r.expect();
            let modulus = r.take(mlen as usize).unwrap_or_else(|e| revert!("{}", e));
            r.expect_end();
            out = math::modexp(base, exp, modulus);
        }
        0x04 => {
            let n: u32 = r.expect();
            r.expect_end();
            let squares: Vec<u64> = (0..n as u64).map(|i| i * i).collect();
            let map: BTreeMap<u64, u64> = squares
                .iter()
                .enumerate()
                .map(|(i, s)| (i as u64, *s))
                .collect();
            let sum: u64 = map.values().sum();
            #[repr(align(64))]
            struct Aligned([u8; 100]);
            let boxed = Box::new(Aligned([7; 100]));
            let aligned = (&*boxed as *const Aligned as usize) & 63 == 0 && boxed.0[99] == 7;
            let mut grown: Vec<u8> = Vec::with_capacity(1);
            for i in 0..5000u32 {
                grown.push(i as u8);
            }
            let kept = grown.iter().enumerate().all(|(i, b)| *b == i as u8);
            // Over-aligned realloc: grow a Vec of 64-aligned elements.
            let mut blocks: Vec<Aligned> = Vec::new();
            for i in 0..40u8 {
                blocks.push(Aligned([i; 100]));
            }
            let realigned = (blocks.as_ptr() as usize) & 63 == 0
                && blocks
                    .iter()
                    .enumerate()
                    .all(|(i, b)| b.0 == [i as u8; 100]);
            drop(blocks);
            out.extend_from_slice(&sum.to_le_bytes());
            out.push(aligned as u8);
            out.push(kept as u8);
            out.push(realigned as u8);
        }
        0x05 => match r.expect::<u8>() {
            0 => panic!("boom {}", 7),
            1 => {
                let v = [1u8, 2, 3];
                let i = input.len() + 7; // 9 for this selector's two bytes
                out.push(v[core::hint::black_box(i)]);
            }
            2 => {
                let v: Vec<u8> = Vec::with_capacity(core::hint::black_box(1usize << 40));
                out.push(v.capacity() as u8);
            }
            3 => require!(input.len() > 100, "need {} more bytes", 101 - input.len()),
            _ => {
                let _: u128 = r.expect();
            }
        },
        0x06 => {
            let klen: u8 = r.expect();
            let key = r.take(klen as usize).unwrap_or_else(|e| revert!("{}", e));
            let value: u128 = r.expect();
            r.expect_end();
            let before = storage::get::<u128>(key);
            storage::set(key, &value);
            let after = storage::get::<u128>(key);
            let size = storage::size(key).map_or(-1, |n| n as i64);
            let removed = storage::remove(key);
            let present = storage::contains(key);
            for v in [before, after] {
                out.push(v.is_some() as u8);
                out.extend_from_slice(&v.unwrap_or(0).to_le_bytes());
            }
            out.extend_from_slice(&size.to_le_bytes());
            out.push(removed as u8);
            out.push(present as u8);
        }
        0x07 => {
            let hash: [u8; 32] = r.expect();
            let sig: [u8; 64] = r.expect();
            let recid: u8 = r.expect();
            let pubkey: [u8; 65] = r.expect();
            r.expect_end();
            out.extend_from_slice(
                &crypto::secp256k1_recover(&hash, &sig, recid).unwrap_or([0; 64]),
            );
            out.extend_from_slice(&crypto::recover_address(&hash, &sig, recid).unwrap_or([0; 32]));
            out.push(match crypto::secp256k1_verify(&hash, &sig, &pubkey) {
                Verify::Valid => 1,
                Verify::Invalid => 0,
                Verify::Malformed => 2,
            });
        }
        0x08 => {
            r.expect_end();
            out.extend_from_slice(&chain::caller());
            out.extend_from_slice(&chain::origin());
            out.extend_from_slice(&chain::self_address());
            out.extend_from_slice(&chain::call_value().to_le_bytes());
            out.push(chain::is_deploy() as u8);
            let limit = chain::gas_limit();
            out.extend_from_slice(&limit.to_le_bytes());
            let left = chain::gas_left();
            out.push((left > 0 && left < limit) as u8);
        }
        0x09 => {
            let data = r.rest();
            debug!("echo {} bytes", data.len());
            event::emit_named("Echo", data);
            out.extend_from_slice(data);
        }
        0x0A => {
            let to: [u8; 32] = r.expect();
            let gas: u64 = r.expect();
            let value: u128 = r.expect();
            let status = call::call(&to, r.rest(), gas, value);
            out.push(match status {
                CallStatus::Success => 0,
                CallStatus::Reverted => 1,
                CallStatus::Failed => 2,
            });
            let size = call::return_data_size();
            out.extend_from_slice(&call::return_data());
            require!(out.len() == 1 + size, "return_data_size {} disagrees", size);
        }
        0x0B => {
            r.expect_end();
            let height = chain::block_height();
            out.extend_from_slice(&height.to_le_bytes());
            out.extend_from_slice(&chain::block_timestamp().to_le_bytes());
            out.extend_from_slice(&chain::block_author());
            for h in [0, height + 1000] {
                let hash = chain::block_hash(h);
                out.push(hash.is_some() as u8);
                out.extend_from_slice(&hash.unwrap_or([0; 32]));
            }
            out.extend_from_slice(&chain::balance(&chain::self_address()).to_le_bytes());
            out.extend_from_slice(&chain::balance(&chain::caller()).to_le_bytes());
        }
        0x0C => {
            let to: [u8; 32] = r.expect();
            let amount: u128 = r.expect();
            r.expect_end();
            out.push(chain::transfer(&to, amount).is_ok() as u8);
        }
        other => revert!("unknown selector 0x{:02x}", other),
    }
    out
}
