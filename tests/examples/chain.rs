//! Multi-transaction scenarios on an in-memory chain (the runtime's
//! `state::Chain`, the same engine behind `echovm deploy/call`): several
//! senders, values, deploy-time initialisation and state carried between
//! calls, which single `echovm run` calls cannot show.

use crate::cli::build_examples;
use echovm_runtime::host::{Address, Status};
use echovm_runtime::program::Program;
use echovm_runtime::state::{Chain, MemBackend, Receipt, DEFAULT_CALLER};
use echovm_runtime::{elf, validate};

pub const GAS: u64 = 10_000_000;

/// A chain and helpers that panic with the receipt on unexpected outcomes.
pub struct TestChain {
    pub chain: Chain<MemBackend>,
}

impl TestChain {
    pub fn new() -> TestChain {
        TestChain {
            chain: Chain::in_memory(echovm_gas::latest().clone()).unwrap(),
        }
    }

    /// Load and validate an example ELF.
    pub fn program(name: &str) -> Program {
        let bytes = std::fs::read(build_examples().elf(name)).unwrap();
        let program = elf::parse(&bytes).unwrap();
        let problems = validate::validate(&program, echovm_gas::latest());
        assert!(problems.is_empty(), "{name}: {problems:?}");
        program
    }

    pub fn deploy(&mut self, name: &str, sender: &Address, value: u128, input: Vec<u8>) -> Receipt {
        self.chain
            .deploy(&Self::program(name), sender, value, GAS, input)
            .unwrap()
    }

    pub fn call(&mut self, to: &Address, sender: &Address, value: u128, input: Vec<u8>) -> Receipt {
        self.chain.call(to, sender, value, GAS, input).unwrap()
    }

    /// A call that must succeed; returns its return data.
    pub fn ok(&mut self, to: &Address, sender: &Address, input: Vec<u8>) -> Receipt {
        let r = self.call(to, sender, 0, input);
        assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome);
        r
    }

    /// A call that must revert with exactly `msg`; checks it left no events.
    pub fn reverts(&mut self, to: &Address, sender: &Address, input: Vec<u8>, msg: &str) {
        let r = self.call(to, sender, 0, input);
        assert_eq!(r.outcome.status, Status::Reverted, "{:?}", r.outcome);
        assert_eq!(String::from_utf8_lossy(&r.outcome.return_data), msg);
        assert!(r.events().is_empty());
    }
}

/// The events of a receipt as (topic, data).
pub fn events(r: &Receipt) -> Vec<([u8; 32], Vec<u8>)> {
    r.events()
        .iter()
        .map(|e| (e.topic, e.data.clone()))
        .collect()
}

pub fn cat(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

pub const DEPLOYER: Address = DEFAULT_CALLER;
