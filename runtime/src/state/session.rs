//! The [`Host`] a top-level call runs against: the journaled overlay plus the
//! block context, the schedule, and the programs loaded so far.
//!
//! Nested calls run recursively through [`Host::call`]: checkpoint, move the
//! value, run the callee's program with this same session as its host, and
//! roll back to the checkpoint unless the callee succeeded. Programs are
//! decoded once per session and their decoded-code caches are reused by every
//! call of the same program (a re-entrant call of a program that is already
//! running gets a fresh cache, since the running one is in use).

use super::diff::Event;
use super::error::{hex32, StateError};
use super::keys;
use super::overlay::Overlay;
use crate::cache::CodeCache;
use crate::host::{Address, BlockContext, CallContext, Hash, Host, NestedResult, Status};
use crate::interp::{run_call_with, CallParams, Outcome, RunOptions};
use crate::package::Package;
use crate::program::Program;
use echovm_gas::Schedule;
use std::collections::BTreeMap;
use std::rc::Rc;

/// Decoded programs and their decoded-code caches, by code hash. Valid for
/// one schedule; a [`super::Chain`] keeps one across its operations.
#[derive(Default)]
pub struct Programs {
    programs: BTreeMap<Hash, Rc<Program>>,
    caches: BTreeMap<Hash, CodeCache>,
}

pub struct Session<'a> {
    pub overlay: Overlay<'a>,
    schedule: &'a Schedule,
    block: BlockContext,
    options: RunOptions,
    programs: BTreeMap<Hash, Rc<Program>>,
    caches: BTreeMap<Hash, CodeCache>,
}

impl<'a> Session<'a> {
    pub fn new(overlay: Overlay<'a>, schedule: &'a Schedule, block: BlockContext) -> Self {
        Self::with_programs(
            overlay,
            schedule,
            block,
            Programs::default(),
            RunOptions::default(),
        )
    }

    /// A session reusing programs decoded earlier under the same schedule.
    pub fn with_programs(
        overlay: Overlay<'a>,
        schedule: &'a Schedule,
        block: BlockContext,
        programs: Programs,
        options: RunOptions,
    ) -> Self {
        Session {
            overlay,
            schedule,
            block,
            options,
            programs: programs.programs,
            caches: programs.caches,
        }
    }

    /// Hand the decoded programs back for the next session.
    pub fn into_programs(self) -> Programs {
        Programs {
            programs: self.programs,
            caches: self.caches,
        }
    }

    /// Make an already-decoded program available under its hash (saves
    /// decoding the package that a deploy has just stored).
    pub fn preload(&mut self, hash: Hash, program: Rc<Program>) {
        self.programs.insert(hash, program);
    }

    /// The program stored under `hash`.
    pub fn program(&mut self, hash: &Hash) -> Result<Rc<Program>, StateError> {
        if let Some(p) = self.programs.get(hash) {
            return Ok(p.clone());
        }
        let bytes =
            self.overlay
                .get(&keys::code_key(hash))
                .ok_or_else(|| StateError::BadProgram {
                    hash: hex32(hash),
                    reason: "no package stored under this code hash".into(),
                })?;
        // Stored packages were size-checked when deployed; a later schedule's
        // smaller limit must not make existing contracts unloadable.
        let package =
            Package::from_bytes(&bytes, u64::MAX).map_err(|e| StateError::BadProgram {
                hash: hex32(hash),
                reason: e.to_string(),
            })?;
        if package.content_hash != *hash {
            return Err(StateError::BadProgram {
                hash: hex32(hash),
                reason: "stored under another hash".into(),
            });
        }
        let p = Rc::new(package.program);
        self.programs.insert(*hash, p.clone());
        Ok(p)
    }

    /// Run the program stored under `code` as one call frame.
    pub fn run(
        &mut self,
        code: &Hash,
        ctx: CallContext,
        input: Vec<u8>,
        gas: u64,
    ) -> Result<Outcome, StateError> {
        let program = self.program(code)?;
        let mut cache = self.caches.remove(code).unwrap_or_default();
        let (schedule, options) = (self.schedule, self.options);
        let params = CallParams {
            program: &program,
            schedule,
            ctx,
            input,
            gas_limit: gas,
        };
        let out = run_call_with(params, &mut cache, self, options);
        self.caches.insert(*code, cache);
        Ok(out)
    }
}

fn failed() -> NestedResult {
    NestedResult {
        status: Status::Fault,
        gas_used: 0,
        return_data: Vec::new(),
    }
}

impl Host for Session<'_> {
    fn block(&self) -> &BlockContext {
        &self.block
    }

    /// Known for recorded heights below the current block (a block's own hash
    /// is not known while it executes).
    fn block_hash(&self, height: u64) -> Option<Hash> {
        if height >= self.block.height {
            return None;
        }
        self.overlay.block_hash(height)
    }

    fn balance(&self, addr: &Address) -> u128 {
        self.overlay.balance(addr)
    }

    fn transfer(&mut self, from: &Address, to: &Address, amount: u128) -> bool {
        self.overlay.transfer(from, to, amount)
    }

    fn storage_read(&self, contract: &Address, key: &[u8]) -> Option<Vec<u8>> {
        keys::with_storage_key(contract, key, |k| self.overlay.get(k))
    }

    fn storage_read_into(&self, contract: &Address, key: &[u8], out: &mut [u8]) -> Option<u64> {
        keys::with_storage_key(contract, key, |k| self.overlay.read_into(k, out))
    }

    fn storage_len(&self, contract: &Address, key: &[u8]) -> Option<u64> {
        keys::with_storage_key(contract, key, |k| self.overlay.value_len(k))
    }

    fn storage_write(&mut self, contract: &Address, key: &[u8], value: &[u8]) {
        let overlay = &mut self.overlay;
        keys::with_storage_key(contract, key, |k| overlay.write(k, Some(value)))
    }

    fn storage_remove(&mut self, contract: &Address, key: &[u8]) -> bool {
        let overlay = &mut self.overlay;
        keys::with_storage_key(contract, key, |k| overlay.remove(k))
    }

    fn emit_event(&mut self, contract: &Address, topic: &Hash, data: &[u8]) {
        self.overlay.push_event(Event {
            contract: *contract,
            topic: *topic,
            data: data.to_vec(),
        });
    }

    fn event_count(&self) -> u64 {
        self.overlay.events().len() as u64
    }

    fn call(
        &mut self,
        ctx: &CallContext,
        to: &Address,
        input: &[u8],
        gas: u64,
        value: u128,
    ) -> NestedResult {
        let cp = self.overlay.checkpoint();
        if !self.overlay.transfer(&ctx.self_address, to, value) {
            return failed();
        }
        let Some(code) = self.overlay.code_hash(to) else {
            // No code: a plain value transfer.
            return NestedResult {
                status: Status::Success,
                gas_used: 0,
                return_data: Vec::new(),
            };
        };
        let callee = CallContext {
            caller: ctx.self_address,
            origin: ctx.origin,
            self_address: *to,
            value,
            is_deploy: false,
            depth: ctx.depth + 1,
        };
        let out = match self.run(&code, callee, input.to_vec(), gas) {
            Ok(out) => out,
            Err(e) => {
                // Corrupt state: remembered, and the whole operation fails.
                self.overlay.report(e);
                self.overlay.rollback(cp);
                return failed();
            }
        };
        if out.status != Status::Success {
            self.overlay.rollback(cp);
        }
        NestedResult {
            status: out.status,
            gas_used: out.gas_used,
            return_data: out.return_data,
        }
    }
}
