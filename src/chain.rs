//! Bridge from CLI commands to the runtime's state layer.

use crate::cmd::run::{EventJson, RunJson};
use crate::error::CliError;
use echovm_gas::Schedule;
use echovm_runtime::cache::CodeCache;
use echovm_runtime::host::{Address, BlockContext, CallContext, Hash, Host, NestedResult, Status};
use echovm_runtime::program::Program;
use echovm_runtime::{run_call_with, CallParams, RunOptions};
use std::collections::BTreeMap;
use std::path::Path;

/// Interim host over plain maps (replaced by the state layer).
#[derive(Default)]
struct MapHost {
    block: BlockContext,
    balances: BTreeMap<Address, u128>,
    storage: BTreeMap<(Address, Vec<u8>), Vec<u8>>,
    events: Vec<(Hash, Vec<u8>)>,
}

impl Host for MapHost {
    fn block(&self) -> &BlockContext {
        &self.block
    }
    fn block_hash(&self, _height: u64) -> Option<Hash> {
        None
    }
    fn balance(&self, addr: &Address) -> u128 {
        self.balances.get(addr).copied().unwrap_or(0)
    }
    fn transfer(&mut self, from: &Address, to: &Address, amount: u128) -> bool {
        let f = self.balance(from);
        if f < amount {
            return false;
        }
        self.balances.insert(*from, f - amount);
        let t = self.balance(to);
        self.balances.insert(*to, t.saturating_add(amount));
        true
    }
    fn storage_read(&self, c: &Address, key: &[u8]) -> Option<Vec<u8>> {
        self.storage.get(&(*c, key.to_vec())).cloned()
    }
    fn storage_write(&mut self, c: &Address, key: &[u8], value: &[u8]) {
        self.storage.insert((*c, key.to_vec()), value.to_vec());
    }
    fn storage_remove(&mut self, c: &Address, key: &[u8]) -> bool {
        self.storage.remove(&(*c, key.to_vec())).is_some()
    }
    fn emit_event(&mut self, _c: &Address, topic: &Hash, data: &[u8]) {
        self.events.push((*topic, data.to_vec()));
    }
    fn call(&mut self, _ctx: &CallContext, _to: &Address, _input: &[u8], _gas: u64, _value: u128) -> NestedResult {
        NestedResult { status: Status::Fault, gas_used: 0, return_data: Vec::new() }
    }
}

pub fn run_program(
    program: &Program,
    schedule: &Schedule,
    input: Vec<u8>,
    gas: u64,
    state: Option<&Path>,
    trace: bool,
) -> Result<RunJson, CliError> {
    if state.is_some() {
        return Err(CliError::Usage("--state is not available yet".into()));
    }
    let mut host = MapHost::default();
    let mut cache = CodeCache::new();
    let ctx = CallContext::default();
    let out = run_call_with(CallParams { program, schedule, ctx, input, gas_limit: gas }, &mut cache, &mut host, RunOptions { trace });
    Ok(RunJson {
        status: out.status.as_str(),
        gas_used: out.gas_used,
        return_hex: hex::encode(&out.return_data),
        error: out.trap.map(|t| t.to_string()),
        debug: out.debug,
        events: host.events.iter().map(|(t, d)| EventJson { topic: hex::encode(t), data: hex::encode(d) }).collect(),
        state_diff: Vec::new(),
    })
}
