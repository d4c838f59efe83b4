//! Top-level operations on a state: deploy a contract, call one, run a
//! program once (`echovm run`). Each operation is one transaction: it runs on
//! a fresh [`Session`] over the committed state and, if it could run at all,
//! commits its diff in one atomic [`Backend::apply`] and reports a [`Receipt`].
//!
//! Gas payment (docs/STATE.md, "Gas payment"): before running, the sender must
//! hold `value + gas_limit × gas_price`; `gas_limit × gas_price` is taken up
//! front and `(gas_limit − gas_used) × gas_price` refunded afterwards, so the
//! sender pays exactly `gas_used × gas_price` (burned) whatever the outcome.
//! A call that does not succeed keeps only that payment (and, for a deploy,
//! the sender's nonce increment); everything else it did is rolled back.

use super::backend::{Backend, MemBackend};
use super::diff::{Event, StateDiff};
use super::error::{hex32, StateError};
use super::genesis::{default_block, Genesis, DEFAULT_CALLER};
use super::keys;
use super::overlay::Overlay;
use super::redb_backend::RedbBackend;
use super::root::state_root;
use super::session::{Programs, Session};
use crate::host::{Address, BlockContext, CallContext, Hash, Status};
use crate::interp::{Outcome, RunOptions};
use crate::package::Package;
use crate::program::Program;
use echovm_gas::Schedule;
use sha3::{Digest, Keccak256};
use std::path::Path;
use std::rc::Rc;

/// Chain parameters that are not state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ChainConfig {
    /// Units of balance per unit of gas. 0 (the default, used by the CLI's
    /// development state) records gas without charging for it.
    pub gas_price: u128,
}

/// What a top-level call produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// The called (or deployed) contract.
    pub address: Address,
    pub sender: Address,
    pub outcome: Outcome,
    /// Committed changes and the events (empty events unless the call succeeded).
    pub diff: StateDiff,
    /// Root of the state after the commit.
    pub state_root: Hash,
    /// `gas_used × gas_price`, taken from the sender.
    pub fee: u128,
}

impl Receipt {
    pub fn events(&self) -> &[Event] {
        &self.diff.events
    }
    /// Canonical borsh bytes of the diff.
    pub fn diff_bytes(&self) -> Vec<u8> {
        self.diff.to_bytes()
    }
    pub fn succeeded(&self) -> bool {
        self.outcome.status == Status::Success
    }
}

/// Code hash of a program: keccak256 of its borsh encoding, the content hash
/// of its package (`crate::package::code_hash`).
pub fn code_hash(program: &Program) -> Hash {
    crate::package::code_hash(program)
}

/// The code hash and package bytes stored for `program`, after checking it
/// may be deployed under `schedule`: free of validator problems and within the
/// package size limit, so nothing that could never run gets into the state.
fn admit(program: &Program, schedule: &Schedule) -> Result<(Hash, Vec<u8>), StateError> {
    let problems = crate::validate::validate(program, schedule);
    if let Some(first) = problems.first() {
        let more = match problems.len() {
            1 => String::new(),
            n => format!(" (and {} more problems)", n - 1),
        };
        return Err(StateError::Rejected(format!("{first}{more}")));
    }
    let package = Package::new(program.clone());
    let bytes = package.to_bytes();
    let limit = schedule.limits().package_bytes;
    if bytes.len() as u64 > limit {
        return Err(StateError::Rejected(format!(
            "package is {} bytes, over the limit of {limit}",
            bytes.len()
        )));
    }
    Ok((package.content_hash, bytes))
}

/// Address of the contract `sender` deploys with nonce `nonce`:
/// keccak256(sender ‖ nonce as u64 little-endian).
pub fn deploy_address(sender: &Address, nonce: u64) -> Address {
    let mut h = Keccak256::new();
    h.update(sender);
    h.update(nonce.to_le_bytes());
    h.finalize().into()
}

/// Address `echovm run` installs a program at: keccak256("echovm.run" ‖ code hash),
/// so repeated runs of one program on a persistent state share its storage.
pub fn run_address(code: &Hash) -> Address {
    let mut h = Keccak256::new();
    h.update(b"echovm.run");
    h.update(code);
    h.finalize().into()
}

enum Target<'p> {
    Deploy(&'p Program),
    Call(Address),
}

pub struct Chain<B: Backend> {
    backend: B,
    schedule: Schedule,
    block: BlockContext,
    config: ChainConfig,
    options: RunOptions,
    /// Programs decoded by earlier operations (same schedule), so repeated
    /// calls of a contract skip package and instruction decoding.
    programs: Programs,
}

impl Chain<MemBackend> {
    /// A fresh in-memory chain with the default genesis and block.
    pub fn in_memory(schedule: Schedule) -> Result<Self, StateError> {
        Chain::new(MemBackend::new(), schedule, &Genesis::default())
    }
}

impl Chain<RedbBackend> {
    /// Open (or create with the default genesis) the persistent state in `dir`.
    pub fn open(dir: &Path, schedule: Schedule) -> Result<Self, StateError> {
        Chain::new(RedbBackend::open(dir)?, schedule, &Genesis::default())
    }
}

impl<B: Backend> Chain<B> {
    /// Wrap a backend; an empty one is first initialised with `genesis` (one commit).
    pub fn new(mut backend: B, schedule: Schedule, genesis: &Genesis) -> Result<Self, StateError> {
        if backend.is_empty()? {
            backend.apply(&genesis.entries())?;
        }
        Ok(Chain {
            backend,
            schedule,
            block: default_block(),
            config: ChainConfig::default(),
            options: RunOptions::default(),
            programs: Programs::default(),
        })
    }

    pub fn backend(&self) -> &B {
        &self.backend
    }
    /// The backend, e.g. to [`super::Buffered::flush`] a block's operations.
    pub fn backend_mut(&mut self) -> &mut B {
        &mut self.backend
    }
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }
    pub fn block(&self) -> &BlockContext {
        &self.block
    }
    /// Calls from now on run in this block.
    pub fn set_block(&mut self, block: BlockContext) {
        self.block = block;
    }
    pub fn config(&self) -> ChainConfig {
        self.config
    }
    pub fn set_config(&mut self, config: ChainConfig) {
        self.config = config;
    }
    /// Diagnostics (e.g. tracing) for every call frame from now on; no effect on results.
    pub fn set_run_options(&mut self, options: RunOptions) {
        self.options = options;
    }

    pub fn state_root(&self) -> Result<Hash, StateError> {
        state_root(&self.backend)
    }

    pub fn balance(&self, addr: &Address) -> Result<u128, StateError> {
        let o = Overlay::new(&self.backend);
        let b = o.balance(addr);
        o.take_error().map_or(Ok(b), Err)
    }

    pub fn storage(&self, contract: &Address, key: &[u8]) -> Result<Option<Vec<u8>>, StateError> {
        self.backend.get(&keys::storage_key(contract, key))
    }

    pub fn code_hash_of(&self, addr: &Address) -> Result<Option<Hash>, StateError> {
        let o = Overlay::new(&self.backend);
        let h = o.code_hash(addr);
        o.take_error().map_or(Ok(h), Err)
    }

    /// Record the hash of a finished block (committed at once), for `block_hash`.
    pub fn record_block_hash(&mut self, height: u64, hash: Hash) -> Result<(), StateError> {
        self.backend
            .apply(&[(keys::block_hash_key(height), Some(hash.to_vec()))])
    }

    /// Store `program` and put it at `address` without running it (committed
    /// at once). A development/genesis operation: `echovm run` uses it to place
    /// the program it runs. Returns the code hash.
    pub fn install(&mut self, address: &Address, program: &Program) -> Result<Hash, StateError> {
        let (hash, package) = admit(program, &self.schedule)?;
        if self.code_hash_of(address)? != Some(hash) {
            self.backend.apply(&[
                (keys::code_key(&hash), Some(package)),
                (keys::code_hash_key(address), Some(hash.to_vec())),
            ])?;
        }
        Ok(hash)
    }

    /// Deploy `program`: store it at `deploy_address(sender, nonce)`, then run
    /// its entry once with `is_deploy() = 1`. A deploy that does not succeed
    /// leaves no contract (the nonce still advances and gas is still paid).
    pub fn deploy(
        &mut self,
        program: &Program,
        sender: &Address,
        value: u128,
        gas: u64,
        input: Vec<u8>,
    ) -> Result<Receipt, StateError> {
        self.execute(Target::Deploy(program), sender, value, gas, input)
    }

    /// Call the contract at `address`.
    pub fn call(
        &mut self,
        address: &Address,
        sender: &Address,
        value: u128,
        gas: u64,
        input: Vec<u8>,
    ) -> Result<Receipt, StateError> {
        self.execute(Target::Call(*address), sender, value, gas, input)
    }

    /// `echovm run`: install `program` at [`run_address`] and call it once
    /// from [`DEFAULT_CALLER`] with no value. The receipt covers the call only.
    pub fn run_program(
        &mut self,
        program: &Program,
        input: Vec<u8>,
        gas: u64,
    ) -> Result<Receipt, StateError> {
        let address = run_address(&code_hash(program));
        self.install(&address, program)?;
        self.call(&address, &DEFAULT_CALLER, 0, gas, input)
    }

    fn execute(
        &mut self,
        target: Target<'_>,
        sender: &Address,
        value: u128,
        gas: u64,
        input: Vec<u8>,
    ) -> Result<Receipt, StateError> {
        let programs = std::mem::take(&mut self.programs);
        let mut s = Session::with_programs(
            Overlay::new(&self.backend),
            &self.schedule,
            self.block.clone(),
            programs,
            self.options,
        );
        let result = transact(
            &mut s,
            &self.schedule,
            self.config.gas_price,
            target,
            sender,
            value,
            gas,
            input,
        )
        .and_then(|(outcome, address)| Ok((outcome, address, s.overlay.diff()?)));
        self.programs = s.into_programs();
        let (outcome, address, diff) = result?;
        self.backend.apply(&diff.changes())?;
        let state_root = self.state_root()?;
        let fee = u128::from(outcome.gas_used).saturating_mul(self.config.gas_price);
        Ok(Receipt {
            address,
            sender: *sender,
            outcome,
            diff,
            state_root,
            fee,
        })
    }
}

/// Run one transaction on a session: fee, nonce, code, value, the call
/// itself, rollback and refund. Returns the outcome and the contract address.
#[allow(clippy::too_many_arguments)]
fn transact(
    s: &mut Session<'_>,
    schedule: &Schedule,
    price: u128,
    target: Target<'_>,
    sender: &Address,
    value: u128,
    gas: u64,
    input: Vec<u8>,
) -> Result<(Outcome, Address), StateError> {
    let max_fee = u128::from(gas).saturating_mul(price);

    let balance = s.overlay.balance(sender);
    let needed = max_fee.saturating_add(value);
    if balance < needed || needed == u128::MAX {
        return Err(StateError::InsufficientFunds {
            sender: hex32(sender),
            needed,
            balance,
        });
    }
    s.overlay.set_balance(sender, balance - max_fee);

    let (address, code, is_deploy, cp) = match target {
        Target::Call(address) => {
            let code = s
                .overlay
                .code_hash(&address)
                .ok_or_else(|| StateError::NoContract(hex32(&address)))?;
            (address, code, false, s.overlay.checkpoint())
        }
        Target::Deploy(program) => {
            let nonce = s.overlay.nonce(sender);
            let address = deploy_address(sender, nonce);
            s.overlay.set_nonce(sender, nonce.saturating_add(1));
            if s.overlay.code_hash(&address).is_some() {
                return Err(StateError::AddressTaken(hex32(&address)));
            }
            let cp = s.overlay.checkpoint();
            let (hash, package) = admit(program, schedule)?;
            if s.overlay.get(&keys::code_key(&hash)).is_none() {
                s.overlay.set(keys::code_key(&hash), Some(package));
            }
            s.overlay
                .set(keys::code_hash_key(&address), Some(hash.to_vec()));
            s.preload(hash, Rc::new(program.clone()));
            (address, hash, true, cp)
        }
    };

    // Checked above: the sender still holds at least `value`.
    let moved = s.overlay.transfer(sender, &address, value);
    debug_assert!(moved);
    let ctx = CallContext {
        caller: *sender,
        origin: *sender,
        self_address: address,
        value,
        is_deploy,
        depth: 0,
    };
    let outcome = s.run(&code, ctx, input, gas)?;
    if outcome.status != Status::Success {
        s.overlay.rollback(cp);
    }
    let refund = u128::from(gas - outcome.gas_used.min(gas)).saturating_mul(price);
    let now = s.overlay.balance(sender);
    s.overlay.set_balance(sender, now.saturating_add(refund));
    if let Some(e) = s.overlay.take_error() {
        return Err(e);
    }
    Ok((outcome, address))
}
