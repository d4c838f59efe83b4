//! The contract package: the on-chain form of a contract.
//!
//! A package is the borsh encoding of [`Package`]: a magic, a format version,
//! the ABI version the contract was validated for, the [`Program`] (segments
//! with permissions, entry, function symbols for error messages, TLS template)
//! and the keccak-256 content hash of the program's canonical encoding. The
//! hash doubles as the code hash under which the state stores the contract.

use crate::program::Program;
use borsh::{BorshDeserialize, BorshSerialize};
use sha3::{Digest, Keccak256};

pub const MAGIC: [u8; 8] = *b"ECHOVMPK";
pub const FORMAT_VERSION: u16 = 1;
pub const ABI_VERSION: u16 = 1;

#[derive(Clone, Debug, PartialEq, Eq, BorshSerialize, BorshDeserialize)]
pub struct Package {
    pub magic: [u8; 8],
    pub format_version: u16,
    pub abi_version: u16,
    pub program: Program,
    pub content_hash: [u8; 32],
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackageError {
    #[error("not an echovm package (bad magic)")]
    Magic,
    #[error(
        "package format version {0} is not supported (this echovm reads version {FORMAT_VERSION})"
    )]
    FormatVersion(u16),
    #[error("package targets ABI version {0}; this echovm implements ABI version {ABI_VERSION}")]
    AbiVersion(u16),
    #[error("malformed package: {0}")]
    Malformed(String),
    #[error("package content hash does not match its program (corrupted or edited)")]
    Hash,
    #[error("package is {size} bytes, over the limit of {limit}")]
    TooLarge { size: u64, limit: u64 },
}

/// keccak-256 of the canonical (borsh) encoding of a program.
pub fn code_hash(program: &Program) -> [u8; 32] {
    let bytes = crate::canonical::encode(program);
    Keccak256::digest(&bytes).into()
}

impl Package {
    pub fn new(program: Program) -> Package {
        let content_hash = code_hash(&program);
        Package {
            magic: MAGIC,
            format_version: FORMAT_VERSION,
            abi_version: ABI_VERSION,
            program,
            content_hash,
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        crate::canonical::encode(self)
    }

    /// Decode and verify a package. `limit` is the schedule's package size limit.
    pub fn from_bytes(bytes: &[u8], limit: u64) -> Result<Package, PackageError> {
        if bytes.len() as u64 > limit {
            return Err(PackageError::TooLarge {
                size: bytes.len() as u64,
                limit,
            });
        }
        if bytes.len() < 8 || bytes[..8] != MAGIC {
            return Err(PackageError::Magic);
        }
        let p: Package =
            borsh::from_slice(bytes).map_err(|e| PackageError::Malformed(e.to_string()))?;
        if p.format_version != FORMAT_VERSION {
            return Err(PackageError::FormatVersion(p.format_version));
        }
        if p.abi_version != ABI_VERSION {
            return Err(PackageError::AbiVersion(p.abi_version));
        }
        if code_hash(&p.program) != p.content_hash {
            return Err(PackageError::Hash);
        }
        Ok(p)
    }
}

/// True if `bytes` look like a package rather than an ELF file.
pub fn is_package(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && bytes[..8] == MAGIC
}
