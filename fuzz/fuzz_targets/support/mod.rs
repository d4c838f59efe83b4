//! Helpers shared by the runtime fuzz targets: a map-backed test [`Host`],
//! synthetic [`Program`]s built around fuzzer-chosen code, and a tiny encoder
//! for the register set-up instructions the targets prefix.
//!
//! Each target includes this file with `#[path]`, so every target compiles
//! only what it uses.
#![allow(dead_code)]

use echovm_runtime::host::{Address, BlockContext, CallContext, Hash, Host, NestedResult, Status};
use echovm_runtime::program::{Program, Segment, SegmentFlags};
use std::collections::BTreeMap;

/// Where synthetic programs put their code.
pub const CODE_BASE: u64 = 0x40_0000;
/// A read-write data segment every synthetic program gets, so pointer
/// arguments and memory operands have somewhere valid to land.
pub const DATA_BASE: u64 = 0x60_0000;
pub const DATA_SIZE: u64 = 0x1_0000;

/// General registers in encoding order, minus RSP (the stack must stay usable).
pub const SETTABLE: [u8; 15] = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// `mov r64, imm64` (REX.W B8+r io).
pub fn mov_imm64(out: &mut Vec<u8>, reg: u8, value: u64) {
    out.push(0x48 | (reg >> 3));
    out.push(0xb8 + (reg & 7));
    out.extend_from_slice(&value.to_le_bytes());
}

/// A program with `code` at [`CODE_BASE`] (read+execute, entry = first byte)
/// and `data` at the start of a zero-filled read-write segment at [`DATA_BASE`].
pub fn program(code: &[u8], data: &[u8]) -> Program {
    let data = &data[..data.len().min(DATA_SIZE as usize)];
    Program {
        entry: CODE_BASE,
        segments: vec![
            Segment {
                vaddr: CODE_BASE,
                mem_size: code.len().max(1) as u64,
                flags: SegmentFlags(SegmentFlags::R | SegmentFlags::X),
                data: code.to_vec(),
            },
            Segment {
                vaddr: DATA_BASE,
                mem_size: DATA_SIZE,
                flags: SegmentFlags(SegmentFlags::R | SegmentFlags::W),
                data: data.to_vec(),
            },
        ],
        symbols: Vec::new(),
        tls: None,
    }
}

/// Deterministic host over plain maps. Nested calls fail without running
/// anything (the targets that need real nested calls use `state::Chain`).
#[derive(Default)]
pub struct MapHost {
    pub block: BlockContext,
    pub balances: BTreeMap<Address, u128>,
    pub storage: BTreeMap<(Address, Vec<u8>), Vec<u8>>,
    pub events: Vec<(Address, Hash, Vec<u8>)>,
}

impl Host for MapHost {
    fn block(&self) -> &BlockContext {
        &self.block
    }
    fn block_hash(&self, height: u64) -> Option<Hash> {
        (height < self.block.height).then(|| [height as u8; 32])
    }
    fn balance(&self, addr: &Address) -> u128 {
        self.balances.get(addr).copied().unwrap_or(0)
    }
    fn transfer(&mut self, from: &Address, to: &Address, amount: u128) -> bool {
        let have = self.balance(from);
        if have < amount {
            return false;
        }
        self.balances.insert(*from, have - amount);
        let to_have = self.balance(to);
        self.balances.insert(*to, to_have.saturating_add(amount));
        true
    }
    fn storage_read(&self, contract: &Address, key: &[u8]) -> Option<Vec<u8>> {
        self.storage.get(&(*contract, key.to_vec())).cloned()
    }
    fn storage_write(&mut self, contract: &Address, key: &[u8], value: &[u8]) {
        self.storage.insert((*contract, key.to_vec()), value.to_vec());
    }
    fn storage_remove(&mut self, contract: &Address, key: &[u8]) -> bool {
        self.storage.remove(&(*contract, key.to_vec())).is_some()
    }
    fn emit_event(&mut self, contract: &Address, topic: &Hash, data: &[u8]) {
        self.events.push((*contract, *topic, data.to_vec()));
    }
    fn event_count(&self) -> u64 {
        self.events.len() as u64
    }
    fn call(&mut self, _ctx: &CallContext, _to: &Address, _input: &[u8], _gas: u64, _value: u128) -> NestedResult {
        NestedResult { status: Status::Fault, gas_used: 0, return_data: Vec::new() }
    }
}

/// A host with a block in progress and some funds for the contract.
pub fn map_host(self_address: Address) -> MapHost {
    let mut h = MapHost {
        block: BlockContext { height: 10, timestamp_ms: 1_700_000_000_000, author: [7; 32], protocol_version: 1 },
        ..MapHost::default()
    };
    h.balances.insert(self_address, 1_000_000);
    h
}
