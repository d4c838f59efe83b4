//! Bridge from CLI commands to the runtime's state layer (`runtime::state::Chain`):
//! opens the embedded default state (in memory) or a persistent one (`--state DIR`),
//! runs the operation, and renders the receipt as the SPEC §6 JSON object.

use crate::cmd::run::{DiffJson, EventJson, RunJson};
use crate::error::CliError;
use echovm_gas::Schedule;
use echovm_runtime::program::Program;
use echovm_runtime::state::{Backend, Chain, Receipt, StateError};
use echovm_runtime::RunOptions;
use std::path::Path;

/// A chain over either backend, so commands need not be generic.
pub enum AnyChain {
    Memory(Chain<echovm_runtime::state::MemBackend>),
    Redb(Chain<echovm_runtime::state::RedbBackend>),
}

fn state_err(e: StateError) -> CliError {
    CliError::Other(e.to_string())
}

impl AnyChain {
    pub fn open(
        state: Option<&Path>,
        schedule: &Schedule,
        trace: bool,
    ) -> Result<AnyChain, CliError> {
        let mut c = match state {
            None => AnyChain::Memory(Chain::in_memory(schedule.clone()).map_err(state_err)?),
            Some(dir) => AnyChain::Redb(Chain::open(dir, schedule.clone()).map_err(state_err)?),
        };
        c.with(|ch| {
            ch.set_run_options(RunOptions {
                trace,
                ..Default::default()
            })
        });
        Ok(c)
    }

    fn with<R>(&mut self, f: impl FnOnce(&mut dyn ChainOps) -> R) -> R {
        match self {
            AnyChain::Memory(c) => f(c),
            AnyChain::Redb(c) => f(c),
        }
    }

    pub fn run_program(
        &mut self,
        p: &Program,
        input: Vec<u8>,
        gas: u64,
    ) -> Result<Receipt, CliError> {
        self.with(|c| c.run_program(p, input, gas))
            .map_err(state_err)
    }
    pub fn deploy(
        &mut self,
        p: &Program,
        sender: &[u8; 32],
        value: u128,
        gas: u64,
        input: Vec<u8>,
    ) -> Result<Receipt, CliError> {
        self.with(|c| c.deploy(p, sender, value, gas, input))
            .map_err(state_err)
    }
    pub fn call(
        &mut self,
        to: &[u8; 32],
        sender: &[u8; 32],
        value: u128,
        gas: u64,
        input: Vec<u8>,
    ) -> Result<Receipt, CliError> {
        self.with(|c| c.call(to, sender, value, gas, input))
            .map_err(state_err)
    }
}

/// Object-safe view of the `Chain` operations the CLI uses.
trait ChainOps {
    fn set_run_options(&mut self, o: RunOptions);
    fn run_program(&mut self, p: &Program, input: Vec<u8>, gas: u64)
        -> Result<Receipt, StateError>;
    fn deploy(
        &mut self,
        p: &Program,
        s: &[u8; 32],
        v: u128,
        g: u64,
        i: Vec<u8>,
    ) -> Result<Receipt, StateError>;
    fn call(
        &mut self,
        a: &[u8; 32],
        s: &[u8; 32],
        v: u128,
        g: u64,
        i: Vec<u8>,
    ) -> Result<Receipt, StateError>;
}

impl<B: Backend> ChainOps for Chain<B> {
    fn set_run_options(&mut self, o: RunOptions) {
        Chain::set_run_options(self, o)
    }
    fn run_program(
        &mut self,
        p: &Program,
        input: Vec<u8>,
        gas: u64,
    ) -> Result<Receipt, StateError> {
        Chain::run_program(self, p, input, gas)
    }
    fn deploy(
        &mut self,
        p: &Program,
        s: &[u8; 32],
        v: u128,
        g: u64,
        i: Vec<u8>,
    ) -> Result<Receipt, StateError> {
        Chain::deploy(self, p, s, v, g, i)
    }
    fn call(
        &mut self,
        a: &[u8; 32],
        s: &[u8; 32],
        v: u128,
        g: u64,
        i: Vec<u8>,
    ) -> Result<Receipt, StateError> {
        Chain::call(self, a, s, v, g, i)
    }
}

/// SPEC §6 JSON of a receipt.
pub fn to_json(r: &Receipt) -> RunJson {
    let out = &r.outcome;
    RunJson {
        status: out.status.as_str(),
        gas_used: out.gas_used,
        return_hex: hex::encode(&out.return_data),
        error: out.trap.as_ref().map(|t| t.to_string()),
        debug: out.debug.clone(),
        events: r
            .diff
            .events
            .iter()
            .map(|e| EventJson {
                topic: hex::encode(e.topic),
                data: hex::encode(&e.data),
            })
            .collect(),
        state_diff: r
            .diff
            .entries
            .iter()
            .map(|d| DiffJson {
                key: hex::encode(&d.key),
                old: d.old.as_ref().map(hex::encode),
                new: d.new.as_ref().map(hex::encode),
            })
            .collect(),
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
    let mut chain = AnyChain::open(state, schedule, trace)?;
    let receipt = chain.run_program(program, input, gas)?;
    Ok(to_json(&receipt))
}
