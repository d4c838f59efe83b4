//! What a running contract can ask of the chain, as the interpreter sees it.
//!
//! The interpreter and the interrupt handlers talk to the world only through
//! [`Host`]; the state layer (`crate::state`) implements it with a journal so
//! nested calls can be rolled back. Tests can implement it with plain maps.

/// A 32-byte account or contract address.
pub type Address = [u8; 32];
/// A 32-byte hash.
pub type Hash = [u8; 32];

/// Context of the current call frame.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallContext {
    pub caller: Address,
    pub origin: Address,
    pub self_address: Address,
    pub value: u128,
    pub is_deploy: bool,
    /// 0 for the outermost call.
    pub depth: u32,
}

/// Block-level facts visible to contracts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockContext {
    pub height: u64,
    pub timestamp_ms: u64,
    pub author: Address,
    pub protocol_version: u32,
}

/// Status of a finished call.
#[derive(Clone, Copy, Debug, PartialEq, Eq, borsh::BorshSerialize, borsh::BorshDeserialize)]
pub enum Status {
    Success,
    Reverted,
    OutOfGas,
    Fault,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Success => "success",
            Status::Reverted => "reverted",
            Status::OutOfGas => "out_of_gas",
            Status::Fault => "fault",
        }
    }
}

/// Result of a nested call as the caller sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NestedResult {
    pub status: Status,
    pub gas_used: u64,
    pub return_data: Vec<u8>,
}

/// Host functions. Every method is deterministic given the state it was built on.
pub trait Host {
    fn block(&self) -> &BlockContext;
    /// Hash of a past block, `None` when unknown.
    fn block_hash(&self, height: u64) -> Option<Hash>;
    fn balance(&self, addr: &Address) -> u128;
    /// Move `amount` from `from` to `to`; false (and no change) when funds are short.
    fn transfer(&mut self, from: &Address, to: &Address, amount: u128) -> bool;
    fn storage_read(&self, contract: &Address, key: &[u8]) -> Option<Vec<u8>>;
    /// Copy the first `min(out.len(), len)` bytes of the stored value into
    /// `out` and return its full length, `None` when absent. Lets
    /// `storage_read` fill a buffer without the host allocating a copy of
    /// the value first; a host that can borrow its values should override it.
    fn storage_read_into(&self, contract: &Address, key: &[u8], out: &mut [u8]) -> Option<u64> {
        let v = self.storage_read(contract, key)?;
        let n = v.len().min(out.len());
        out[..n].copy_from_slice(&v[..n]);
        Some(v.len() as u64)
    }
    /// Length of the stored value, `None` when absent. Lets `storage_size`
    /// and the new-slot surcharge of `storage_write` avoid copying the value.
    fn storage_len(&self, contract: &Address, key: &[u8]) -> Option<u64> {
        self.storage_read(contract, key).map(|v| v.len() as u64)
    }
    fn storage_write(&mut self, contract: &Address, key: &[u8], value: &[u8]);
    /// True if the key existed.
    fn storage_remove(&mut self, contract: &Address, key: &[u8]) -> bool;
    fn emit_event(&mut self, contract: &Address, topic: &Hash, data: &[u8]);
    /// Events emitted so far by the outermost call and its nested calls that
    /// were not rolled back (bounded by `limits.events_per_call`). The default
    /// suits hosts that do not keep events; a host that does must override it,
    /// or the limit is not enforced.
    fn event_count(&self) -> u64 {
        0
    }
    /// Run a nested call from `ctx.self_address` to `to` with at most `gas`,
    /// moving `value` from the caller to `to` first (a caller short of funds
    /// gets a `Fault` result with 0 gas used). The callee runs at depth
    /// `ctx.depth + 1` (the ABI has checked the depth limit). The host rolls
    /// back the callee's changes, value transfer included, unless it succeeds.
    /// A target without code receives the value and succeeds with no return data.
    fn call(
        &mut self,
        ctx: &CallContext,
        to: &Address,
        input: &[u8],
        gas: u64,
        value: u128,
    ) -> NestedResult;
}
