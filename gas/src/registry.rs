//! The schedules compiled into the binary, selection by protocol version, and
//! the hash lock that keeps activated schedules from being edited.
//!
//! Adding a schedule: write `schedules/vN.toml`, append it to [`EMBEDDED`], and
//! pin its hash in `schedules/schedules.lock` (the `registry` tests print the
//! exact line). See docs/GAS.md, "How governance adds a version".

use std::sync::OnceLock;

use crate::schedule::{hex_hash, Schedule};

/// `(file name, contents)` of every schedule, in version order.
pub const EMBEDDED: &[(&str, &str)] = &[
    ("v1.toml", include_str!("../../schedules/v1.toml")),
    ("v2.toml", include_str!("../../schedules/v2.toml")),
];

/// The hash lock, `schedules/schedules.lock`.
pub const LOCK: &str = include_str!("../../schedules/schedules.lock");

/// Why the embedded schedules are inconsistent with each other or with the lock.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegistryError {
    #[error("schedules/{file}: {message}")]
    Invalid { file: &'static str, message: String },
    #[error("schedules/{file} declares version {found}, expected {expected} (versions are 1, 2, 3, … in file order)")]
    VersionOrder {
        file: &'static str,
        found: u32,
        expected: u32,
    },
    #[error("schedules/{file}: activation protocol {found} must be greater than the previous schedule's {previous}")]
    ActivationOrder {
        file: &'static str,
        found: u32,
        previous: u32,
    },
    #[error("schedules.lock line {line}: {message}")]
    LockSyntax { line: usize, message: String },
    #[error("schedule v{version} was edited after activation: schedules.lock pins {pinned}, {file} now hashes to {actual}; put the change in a new version instead")]
    Edited {
        version: u32,
        file: &'static str,
        pinned: String,
        actual: String,
    },
    #[error("schedule v{version} ({file}) is not pinned in schedules/schedules.lock; add the line `{version} {file} {actual}`")]
    Unpinned {
        version: u32,
        file: &'static str,
        actual: String,
    },
    #[error("schedule v{version} is pinned as {pinned} in schedules.lock but embedded as {file}")]
    Renamed {
        version: u32,
        pinned: String,
        file: &'static str,
    },
    #[error("schedules.lock pins v{version} ({file}), which is not in the embedded list")]
    Unknown { version: u32, file: String },
}

/// Parses and checks every embedded schedule (without the lock).
pub fn load() -> Result<Vec<Schedule>, RegistryError> {
    let mut out: Vec<Schedule> = Vec::with_capacity(EMBEDDED.len());
    for (i, (file, text)) in EMBEDDED.iter().enumerate() {
        let s = Schedule::parse(text).map_err(|e| RegistryError::Invalid {
            file,
            message: e.to_string(),
        })?;
        let expected = i as u32 + 1;
        if s.version() != expected {
            return Err(RegistryError::VersionOrder {
                file,
                found: s.version(),
                expected,
            });
        }
        if let Some(prev) = out.last() {
            if s.activation_protocol() <= prev.activation_protocol() {
                return Err(RegistryError::ActivationOrder {
                    file,
                    found: s.activation_protocol(),
                    previous: prev.activation_protocol(),
                });
            }
        }
        out.push(s);
    }
    Ok(out)
}

/// Every embedded schedule, in version order.
///
/// # Panics
/// If an embedded file does not parse — a build defect that the crate's tests
/// catch, never a consequence of user input.
pub fn schedules() -> &'static [Schedule] {
    static ALL: OnceLock<Vec<Schedule>> = OnceLock::new();
    ALL.get_or_init(|| load().unwrap_or_else(|e| panic!("embedded fee schedules are broken: {e}")))
}

/// The schedule with version `version`.
pub fn by_version(version: u32) -> Option<&'static Schedule> {
    schedules().iter().find(|s| s.version() == version)
}

/// The schedule in force at protocol version `protocol`: the latest one whose
/// activation protocol is ≤ `protocol` (`None` before the first activation).
pub fn for_protocol(protocol: u32) -> Option<&'static Schedule> {
    schedules()
        .iter()
        .rev()
        .find(|s| s.activation_protocol() <= protocol)
}

/// The newest schedule.
pub fn latest() -> &'static Schedule {
    // `schedules` holds exactly one schedule per `EMBEDDED` file (`load`
    // either parses every file or the process stops there), and `EMBEDDED`
    // is non-empty (checked at compile time), so this index is in range.
    const { assert!(!EMBEDDED.is_empty()) };
    &schedules()[EMBEDDED.len() - 1]
}

/// One pinned line of the lock: `VERSION FILE 0xHASH`.
#[derive(Debug, PartialEq, Eq)]
pub struct Pin {
    pub version: u32,
    pub file: String,
    pub hash: String,
}

/// Parses a lock file: one `VERSION FILE 0xHASH` per line; `#` starts a comment.
pub fn parse_lock(text: &str) -> Result<Vec<Pin>, RegistryError> {
    let mut pins = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let syntax = |message: &str| RegistryError::LockSyntax {
            line: n + 1,
            message: message.to_string(),
        };
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [version, file, hash] = fields[..] else {
            return Err(syntax("expected `VERSION FILE 0xHASH`"));
        };
        let version = version
            .parse::<u32>()
            .map_err(|_| syntax("version is not a number"))?;
        let well_formed = hash.len() == 66
            && hash.starts_with("0x")
            && hash[2..]
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        if !well_formed {
            return Err(syntax(
                "hash must be 0x followed by 64 lower-case hex digits",
            ));
        }
        if pins.iter().any(|p: &Pin| p.version == version) {
            return Err(syntax("version pinned twice"));
        }
        pins.push(Pin {
            version,
            file: file.to_string(),
            hash: hash.to_string(),
        });
    }
    Ok(pins)
}

/// Checks `schedules` (with their file names) against the lock text: every
/// schedule pinned with its current hash, nothing pinned that is not embedded.
pub fn verify_lock_of(
    schedules: &[(&'static str, &Schedule)],
    lock: &str,
) -> Result<(), RegistryError> {
    let pins = parse_lock(lock)?;
    for (file, s) in schedules {
        let actual = hex_hash(&s.hash());
        match pins.iter().find(|p| p.version == s.version()) {
            None => {
                return Err(RegistryError::Unpinned {
                    version: s.version(),
                    file,
                    actual,
                })
            }
            Some(p) if p.file != *file => {
                return Err(RegistryError::Renamed {
                    version: s.version(),
                    pinned: p.file.clone(),
                    file,
                })
            }
            Some(p) if p.hash != actual => {
                return Err(RegistryError::Edited {
                    version: s.version(),
                    file,
                    pinned: p.hash.clone(),
                    actual,
                })
            }
            Some(_) => {}
        }
    }
    if let Some(p) = pins
        .iter()
        .find(|p| !schedules.iter().any(|(_, s)| s.version() == p.version))
    {
        return Err(RegistryError::Unknown {
            version: p.version,
            file: p.file.clone(),
        });
    }
    Ok(())
}

/// Checks the embedded schedules against the embedded lock.
pub fn verify_lock() -> Result<(), RegistryError> {
    let all = load()?;
    let named: Vec<(&'static str, &Schedule)> =
        EMBEDDED.iter().map(|(f, _)| *f).zip(all.iter()).collect();
    verify_lock_of(&named, LOCK)
}
