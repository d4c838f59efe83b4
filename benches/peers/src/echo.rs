//! The echovm build: an ELF contract parsed once, then called through
//! `run_call` (fresh address space per call, code cache reused) against an
//! in-memory [`Host`].

use crate::clock::CpuInstant as Instant;
use crate::store::KvStore;
use crate::BenchError;
use echovm_gas::Schedule;
use echovm_runtime::cache::CodeCache;
use echovm_runtime::host::{Address, BlockContext, CallContext, Hash, Host, NestedResult, Status};
use echovm_runtime::program::Program;
use echovm_runtime::{run_call, CallParams};
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// Gas limit of every benchmark call: far above what any kernel uses, so the
/// meter is active (charged per block as always) but never stops a run.
pub const GAS_LIMIT: u64 = 1 << 60;

/// A single-contract world: storage per address, no balances, no other
/// contracts (nested calls fail), events counted but not kept.
#[derive(Default)]
pub struct BenchHost {
    block: BlockContext,
    storage: BTreeMap<Address, KvStore>,
    events: u64,
}

impl BenchHost {
    pub fn clear(&mut self) {
        self.storage.clear();
        self.events = 0;
    }
}

impl Host for BenchHost {
    fn block(&self) -> &BlockContext {
        &self.block
    }
    fn block_hash(&self, _height: u64) -> Option<Hash> {
        None
    }
    fn balance(&self, _addr: &Address) -> u128 {
        0
    }
    fn transfer(&mut self, _from: &Address, _to: &Address, amount: u128) -> bool {
        amount == 0
    }
    fn storage_read(&self, contract: &Address, key: &[u8]) -> Option<Vec<u8>> {
        self.storage.get(contract)?.get(key).map(<[u8]>::to_vec)
    }
    fn storage_read_into(&self, contract: &Address, key: &[u8], out: &mut [u8]) -> Option<u64> {
        let len = self.storage.get(contract)?.read_into(key, out);
        u64::try_from(len).ok()
    }
    fn storage_len(&self, contract: &Address, key: &[u8]) -> Option<u64> {
        self.storage.get(contract)?.get(key).map(|v| v.len() as u64)
    }
    fn storage_write(&mut self, contract: &Address, key: &[u8], value: &[u8]) {
        self.storage.entry(*contract).or_default().write(key, value)
    }
    fn storage_remove(&mut self, contract: &Address, key: &[u8]) -> bool {
        self.storage
            .get_mut(contract)
            .is_some_and(|s| s.remove(key))
    }
    fn emit_event(&mut self, _contract: &Address, _topic: &Hash, _data: &[u8]) {
        self.events += 1;
    }
    fn event_count(&self) -> u64 {
        self.events
    }
    fn call(
        &mut self,
        _ctx: &CallContext,
        _to: &Address,
        _input: &[u8],
        _gas: u64,
        _value: u128,
    ) -> NestedResult {
        NestedResult {
            status: Status::Fault,
            gas_used: 0,
            return_data: Vec::new(),
        }
    }
}

/// A parsed contract with its code cache and host.
pub struct EchoBench {
    program: Program,
    schedule: &'static Schedule,
    cache: CodeCache,
    host: BenchHost,
}

/// What one call returned.
pub struct EchoRun {
    pub time: Duration,
    pub gas_used: u64,
    pub return_data: Vec<u8>,
}

impl EchoBench {
    pub fn load(path: &Path) -> Result<Self, BenchError> {
        let bytes =
            std::fs::read(path).map_err(|e| BenchError::Io(path.display().to_string(), e))?;
        let program = echovm_runtime::elf::parse(&bytes)
            .map_err(|e| BenchError::Elf(path.display().to_string(), e.to_string()))?;
        Ok(EchoBench {
            program,
            schedule: echovm_gas::latest(),
            cache: CodeCache::new(),
            host: BenchHost::default(),
        })
    }

    /// One call on empty storage, timed from load to the end of the call.
    pub fn call(&mut self, input: &[u8]) -> Result<EchoRun, BenchError> {
        let t = Instant::now();
        let (gas_used, return_data) = self.call_untimed(input)?;
        Ok(EchoRun {
            time: t.elapsed(),
            gas_used,
            return_data,
        })
    }

    /// One call on empty storage (fresh address space, reused code cache):
    /// gas used and return data, or why it did not succeed.
    pub fn call_untimed(&mut self, input: &[u8]) -> Result<(u64, Vec<u8>), BenchError> {
        self.host.clear();
        let params = CallParams {
            program: &self.program,
            schedule: self.schedule,
            ctx: CallContext::default(),
            input: input.to_vec(),
            gas_limit: GAS_LIMIT,
        };
        let out = run_call(params, &mut self.cache, &mut self.host);
        if out.status != Status::Success {
            let why = out
                .trap
                .map(|t| t.to_string())
                .unwrap_or_else(|| String::from_utf8_lossy(&out.return_data).into());
            return Err(BenchError::Echo(format!("{}: {why}", out.status.as_str())));
        }
        Ok((out.gas_used, out.return_data))
    }
}
