//! Realistic blocks from the example contracts (docs/EXAMPLES.md),
//! deterministic from a seed: for tests, benchmarks and `echovm genblocks`.
//!
//! Block 1 deploys the examples from the genesis account and funds eight
//! users through the multisig wallet (real secp256k1 signatures) and token
//! transfers. Later blocks mix token transfers (many to fresh addresses, so
//! storage grows; some overdraw and revert), counter increments (some with a
//! gas limit too small: out of gas), multisig payments (2-of-3 signatures;
//! some signed by an outsider and reverted), deposits with value,
//! commit/reveal rounds, and compute-heavy `sdk_check` calls (heap
//! collections, hashing). Blocks are produced on an in-memory state that
//! starts from the default genesis, so replaying them on a fresh store
//! reaches the same roots.
//!
//! Randomness is SplitMix64 over the seed (no external RNG whose stream
//! could change between versions); signatures are RFC 6979 deterministic.

use super::error::BlockError;
use super::execute::{produce, BlockParams};
use super::format::{keccak, Block, Transaction};
use super::staged::Store;
use crate::host::{Address, Status};
use crate::package::Package;
use crate::program::Program;
use crate::state::{deploy_address, MemBackend, DEFAULT_CALLER};
use k256::ecdsa::SigningKey;
use std::cell::RefCell;
use std::rc::Rc;

/// The example programs the generator deploys.
pub struct Examples {
    pub token: Program,
    pub counter: Program,
    pub multisig: Program,
    pub commit_reveal: Program,
    /// Used for the compute-heavy calls; without it those become counter calls.
    pub sdk_check: Option<Program>,
}

#[derive(Clone, Debug)]
pub struct GenConfig {
    pub seed: u64,
    /// Number of blocks, the setup block included (≥ 1).
    pub blocks: u64,
    /// Transactions per block after the setup block.
    pub txs_per_block: usize,
    pub gas_price: u128,
    /// Protocol version of block 1.
    pub protocol_version: u32,
    /// Protocol upgrades: from block `height` on, `protocol` (and so its gas
    /// schedule) applies. Ascending by height.
    pub upgrades: Vec<(u64, u32)>,
}

impl GenConfig {
    /// The protocol version block `height` runs under.
    pub fn protocol_at(&self, height: u64) -> u32 {
        self.upgrades
            .iter()
            .filter(|(h, _)| *h <= height)
            .map(|(_, p)| *p)
            .next_back()
            .unwrap_or(self.protocol_version)
    }
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            seed: 1,
            blocks: 6,
            txs_per_block: 40,
            gas_price: 1,
            protocol_version: 1,
            upgrades: Vec::new(),
        }
    }
}

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fixed, well distributed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

const GAS: u64 = 10_000_000;
const HEAVY_GAS: u64 = 60_000_000;
const USERS: usize = 8;
const USER_FUNDS: u128 = 1_000_000_000_000_000_000_000; // 10^21
const WALLET_FUNDS: u128 = 1_000_000_000_000_000_000_000_000_000; // 10^27
const TOKEN_SUPPLY: u128 = 1_000_000_000_000_000;
const BASE_TIME_MS: u64 = 1_735_689_600_000;

struct Owner {
    key: SigningKey,
    address: Address,
}

impl Owner {
    fn new(seed: &[u8]) -> Owner {
        // A keccak output is a valid secret key except with negligible
        // probability; rehash until it is.
        let mut material = keccak(seed);
        let key = loop {
            match SigningKey::from_bytes(&material.into()) {
                Ok(k) => break k,
                Err(_) => material = keccak(&material),
            }
        };
        let point = key.verifying_key().to_encoded_point(false);
        let address = keccak(&point.as_bytes()[1..]);
        Owner { key, address }
    }

    /// `r ‖ s ‖ recid` over the multisig digest (docs/EXAMPLES.md).
    fn sign(&self, wallet: &Address, to: &Address, amount: u128, nonce: u64) -> Vec<u8> {
        let digest =
            keccak(&[&wallet[..], to, &amount.to_le_bytes(), &nonce.to_le_bytes()].concat());
        // Signing a 32-byte prehash with a valid key does not fail; were it
        // to, the all-zero signature makes the generated call revert, which
        // the block records like any other failed call.
        match self.key.sign_prehash_recoverable(&digest) {
            Ok((sig, recid)) => {
                let mut out = sig.to_bytes().to_vec();
                out.push(recid.to_byte());
                out
            }
            Err(_) => vec![0; 65],
        }
    }
}

/// A commit/reveal round in progress: its remaining steps, in order.
struct Round {
    steps: Vec<Transaction>,
}

struct World {
    rng: Rng,
    seed: u64,
    users: Vec<Address>,
    owners: Vec<Owner>,
    outsider: Owner,
    token: Address,
    counter: Address,
    wallet: Address,
    sdk: Option<Address>,
    commit_reveal: Vec<u8>,
    wallet_nonce: u64,
    /// Deploys per user so far (their next deploy address).
    user_nonces: Vec<u64>,
    fresh: u64,
    round: Option<Round>,
    /// Transactions that must succeed, by index in the current block.
    must_succeed: Vec<usize>,
}

fn call(
    sender: Address,
    target: Address,
    gas_limit: u64,
    value: u128,
    input: Vec<u8>,
) -> Transaction {
    Transaction::Call {
        sender,
        target,
        value,
        gas_limit,
        input,
    }
}

fn token_transfer(to: &Address, amount: u128) -> Vec<u8> {
    [&[1u8][..], to, &amount.to_le_bytes()].concat()
}

impl World {
    /// A multisig payment with two signatures over the next nonce; when not
    /// `honest` the second signer is an outsider, the call reverts and the
    /// nonce stays.
    fn payment(&mut self, to: Address, amount: u128, honest: bool) -> Transaction {
        let nonce = self.wallet_nonce;
        let a = self.rng.below(3) as usize;
        let b = (a + 1 + self.rng.below(2) as usize) % 3;
        let second = if honest {
            &self.owners[b]
        } else {
            &self.outsider
        };
        let sigs = [
            self.owners[a].sign(&self.wallet, &to, amount, nonce),
            second.sign(&self.wallet, &to, amount, nonce),
        ];
        if honest {
            self.wallet_nonce += 1;
        }
        let mut input = [&[1u8][..], &to, &amount.to_le_bytes(), &nonce.to_le_bytes()].concat();
        input.push(sigs.len() as u8);
        for s in &sigs {
            input.extend_from_slice(s);
        }
        let sender = self.users[self.rng.below(USERS as u64) as usize];
        call(sender, self.wallet, GAS, 0, input)
    }

    fn fresh_address(&mut self) -> Address {
        self.fresh += 1;
        keccak(
            &[
                &b"fresh"[..],
                &self.seed.to_le_bytes(),
                &self.fresh.to_le_bytes(),
            ]
            .concat(),
        )
    }

    /// Start a commit/reveal round: a user deploys a game for 3 reveals,
    /// three players commit, then reveal, then anyone reads the winner.
    fn new_round(&mut self) -> Round {
        let host = self.rng.below(USERS as u64) as usize;
        let game = deploy_address(&self.users[host], self.user_nonces[host]);
        self.user_nonces[host] += 1;
        let mut steps = vec![Transaction::Deploy {
            sender: self.users[host],
            code: self.commit_reveal.clone(),
            value: 0,
            gas_limit: GAS,
            input: 3u32.to_le_bytes().to_vec(),
        }];
        let mut reveals = Vec::new();
        for k in 0..3 {
            let p = self.users[(host + 1 + k) % USERS];
            let value = u128::from(self.rng.below(1000));
            let salt: [u8; 32] = keccak(&self.rng.bytes(32));
            let c = keccak(&[&p[..], &value.to_le_bytes(), &salt].concat());
            steps.push(call(p, game, GAS, 0, [&[1u8][..], &c].concat()));
            reveals.push(call(
                p,
                game,
                GAS,
                0,
                [&[2u8][..], &value.to_le_bytes(), &salt].concat(),
            ));
        }
        steps.extend(reveals);
        steps.push(call(self.users[host], game, GAS, 0, vec![3]));
        steps.reverse(); // popped from the end
        Round { steps }
    }

    fn random_tx(&mut self, index: usize) -> Transaction {
        let user = |w: &mut World| w.users[w.rng.below(USERS as u64) as usize];
        match self.rng.below(100) {
            // Token transfers; a third go to fresh addresses (new storage slots),
            // amounts sometimes exceed the sender's balance (revert).
            0..=29 => {
                let from = user(self);
                let to = if self.rng.below(3) == 0 {
                    self.fresh_address()
                } else {
                    user(self)
                };
                let amount = u128::from(self.rng.below(300_000_000));
                call(from, self.token, GAS, 0, token_transfer(&to, amount))
            }
            30..=31 => call(user(self), self.token, GAS, 0, vec![0x7f]),
            32..=41 => {
                let by = self.rng.below(1000);
                call(
                    user(self),
                    self.counter,
                    GAS,
                    0,
                    [&[1u8][..], &by.to_le_bytes()].concat(),
                )
            }
            // A gas limit far too small: out of gas, the fee is still paid.
            42..=44 => call(
                user(self),
                self.counter,
                300,
                0,
                [&[1u8][..], &7u64.to_le_bytes()].concat(),
            ),
            45..=54 => {
                let honest = self.rng.below(6) != 0;
                let to = user(self);
                let amount = 1_000_000_000_000_000 + u128::from(self.rng.below(1_000_000));
                if honest {
                    self.must_succeed.push(index);
                }
                self.payment(to, amount, honest)
            }
            55..=59 => {
                let value = u128::from(self.rng.below(1_000_000_000));
                call(user(self), self.wallet, GAS, value, vec![0])
            }
            60..=74 => {
                let mut round = match self.round.take() {
                    Some(r) if !r.steps.is_empty() => r,
                    _ => self.new_round(),
                };
                match round.steps.pop() {
                    Some(tx) => {
                        self.round = Some(round);
                        tx
                    }
                    // A new round always has steps; a plain wallet call otherwise.
                    None => call(user(self), self.wallet, GAS, 0, vec![0]),
                }
            }
            75..=89 => match self.sdk {
                Some(sdk) => {
                    let n = 1_000 + self.rng.below(19_000) as u32;
                    call(
                        user(self),
                        sdk,
                        HEAVY_GAS,
                        0,
                        [&[4u8][..], &n.to_le_bytes()].concat(),
                    )
                }
                None => call(user(self), self.counter, GAS, 0, vec![0]),
            },
            90..=94 => match self.sdk {
                Some(sdk) => {
                    let len = self.rng.below(4096) as usize;
                    let mut input = vec![1u8];
                    input.extend(self.rng.bytes(len));
                    call(user(self), sdk, GAS, 0, input)
                }
                None => call(user(self), self.token, GAS, 0, vec![3]),
            },
            _ => {
                let who = user(self);
                call(user(self), self.token, GAS, 0, [&[2u8][..], &who].concat())
            }
        }
    }
}

/// Produce `cfg.blocks` blocks. Fails if a transaction the generator meant
/// to be valid is dropped or a payment meant to succeed does not (a
/// generator bug, or a contract that no longer behaves as documented).
pub fn generate(examples: &Examples, cfg: &GenConfig) -> Result<Vec<Block>, BlockError> {
    let store: Store<MemBackend> = Rc::new(RefCell::new(MemBackend::new()));
    generate_on(&store, examples, cfg)
}

/// [`generate`] on a given store (which must be fresh: genesis only or empty).
pub fn generate_on<B: crate::state::Backend>(
    store: &Store<B>,
    examples: &Examples,
    cfg: &GenConfig,
) -> Result<Vec<Block>, BlockError> {
    let pkg = |p: &Program| Package::new(p.clone()).to_bytes();
    let admin = DEFAULT_CALLER;
    let seed = cfg.seed;
    let users: Vec<Address> = (0..USERS as u64)
        .map(|i| keccak(&[&b"user"[..], &seed.to_le_bytes(), &i.to_le_bytes()].concat()))
        .collect();
    let owners: Vec<Owner> = (0..3u64)
        .map(|i| Owner::new(&[&b"owner"[..], &seed.to_le_bytes(), &i.to_le_bytes()].concat()))
        .collect();
    let mut w = World {
        rng: Rng(seed),
        seed,
        users,
        outsider: Owner::new(&[&b"outsider"[..], &seed.to_le_bytes()].concat()),
        owners,
        token: deploy_address(&admin, 0),
        counter: deploy_address(&admin, 1),
        wallet: deploy_address(&admin, 2),
        sdk: examples
            .sdk_check
            .as_ref()
            .map(|_| deploy_address(&admin, 4)),
        commit_reveal: pkg(&examples.commit_reveal),
        wallet_nonce: 0,
        user_nonces: vec![0; USERS],
        fresh: 0,
        round: None,
        must_succeed: Vec::new(),
    };

    // Setup block: deploys, then funding.
    let mut setup = Vec::new();
    let deploy = |code: Vec<u8>, value: u128, input: Vec<u8>| Transaction::Deploy {
        sender: admin,
        code,
        value,
        gas_limit: GAS,
        input,
    };
    setup.push(deploy(
        pkg(&examples.token),
        0,
        TOKEN_SUPPLY.to_le_bytes().to_vec(),
    ));
    setup.push(deploy(pkg(&examples.counter), 0, vec![]));
    let mut owner_set = vec![2u8, 3];
    for o in &w.owners {
        owner_set.extend_from_slice(&o.address);
    }
    setup.push(deploy(pkg(&examples.multisig), WALLET_FUNDS, owner_set));
    setup.push(deploy(
        w.commit_reveal.clone(),
        0,
        1u32.to_le_bytes().to_vec(),
    ));
    if let Some(sdk) = &examples.sdk_check {
        setup.push(deploy(pkg(sdk), 0, vec![0x08]));
    }
    // The first payment's sender is the admin: users have no funds yet.
    for i in 0..USERS {
        let to = w.users[i];
        let mut tx = w.payment(to, USER_FUNDS, true);
        if let Transaction::Call { sender, .. } = &mut tx {
            *sender = admin;
        }
        setup.push(tx);
        setup.push(call(
            admin,
            w.token,
            GAS,
            0,
            token_transfer(&to, 1_000_000_000),
        ));
    }
    w.must_succeed = (0..setup.len()).collect();

    let mut blocks = Vec::with_capacity(cfg.blocks as usize);
    let mut txs = setup;
    for height in 1..=cfg.blocks {
        let params = BlockParams {
            height,
            timestamp_ms: BASE_TIME_MS + height * 2_000 + w.rng.below(500),
            author: keccak(&[&b"author"[..], &w.rng.below(4).to_le_bytes()].concat()),
            protocol_version: cfg.protocol_at(height),
            gas_price: cfg.gas_price,
        };
        let produced = produce(store, &params, std::mem::take(&mut txs))?;
        if let Some((index, reason)) = produced.dropped.first() {
            return Err(BlockError::InvalidTransaction {
                height,
                index: *index,
                kind: "generated",
                reason: reason.clone(),
            });
        }
        for &i in &w.must_succeed {
            let r = &produced.block.receipts[i];
            if r.status != Status::Success {
                return Err(BlockError::InvalidTransaction {
                    height,
                    index: i,
                    kind: "generated",
                    reason: format!(
                        "meant to succeed, ended {}: {}",
                        r.status.as_str(),
                        String::from_utf8_lossy(&r.return_data)
                    ),
                });
            }
        }
        blocks.push(produced.block);
        w.must_succeed.clear();
        txs = (0..cfg.txs_per_block).map(|i| w.random_tx(i)).collect();
    }
    Ok(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // First outputs of SplitMix64 seeded with 0 (the published reference
        // implementation, splitmix64.c by Sebastiano Vigna).
        let mut r = Rng(0);
        assert_eq!(r.next(), 0xe220_a839_7b1d_cdaf);
        assert_eq!(r.next(), 0x6e78_9e6a_a1b9_65f4);
    }
}
