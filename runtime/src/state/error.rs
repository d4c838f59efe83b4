//! Errors of the state layer. None of them is a contract outcome: a contract
//! that fails still produces a receipt; these mean the operation itself could
//! not run (and nothing was committed).

/// Lower-case hex of an address/hash, for messages.
pub fn hex32(b: &[u8; 32]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[derive(Debug, thiserror::Error)]
pub enum StateError {
    #[error("state database: {0}")]
    Db(String),
    #[error("corrupt state entry {key}: {what}")]
    Corrupt { key: String, what: String },
    #[error("sender {sender} cannot pay: needs {needed} (value plus gas limit × gas price), has {balance}")]
    InsufficientFunds {
        sender: String,
        needed: u128,
        balance: u128,
    },
    #[error("no contract at address {0}")]
    NoContract(String),
    #[error("address {0} already holds a contract")]
    AddressTaken(String),
    #[error("contract rejected: {0}")]
    Rejected(String),
    #[error("stored program {hash} cannot be decoded: {reason}")]
    BadProgram { hash: String, reason: String },
    #[error(
        "state diff does not apply: entry {key} expected old value {expected}, state has {actual}"
    )]
    DiffMismatch {
        key: String,
        expected: String,
        actual: String,
    },
    #[error("state diff bytes are malformed: {0}")]
    BadDiff(String),
}

impl StateError {
    pub(crate) fn db(e: impl std::fmt::Display) -> Self {
        StateError::Db(e.to_string())
    }
}
