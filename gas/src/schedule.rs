//! One fee schedule: the TOML document, its validation, its canonical hash and
//! the O(1) look-up tables the interpreter uses on every instruction.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};
use sha3::{Digest, Keccak256};

use crate::class::{ClassCosts, InstrClass};
use crate::interrupt::{InterruptCost, InterruptCosts};
use crate::limits::Limits;
use crate::surcharge::{Surcharges, HEAP_PAGE_BYTES};

/// A schedule exactly as written in its TOML file (minus comments and layout).
///
/// Its borsh encoding, fields in declaration order, is what the canonical hash
/// covers: reformatting a file keeps the hash, changing any number changes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleDoc {
    /// Schedule version; versions are never reused.
    pub version: u32,
    /// First protocol version that uses this schedule.
    pub activation_protocol: u32,
    pub instructions: ClassCosts,
    pub surcharges: Surcharges,
    pub interrupts: InterruptCosts,
    pub limits: Limits,
}

/// Why a schedule document was rejected.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    #[error("schedule is not valid TOML or misses/misnames a key: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("schedule v{version}: {field} {problem}")]
    Invalid {
        version: u32,
        field: String,
        problem: String,
    },
}

/// A validated schedule with its look-up tables and canonical hash.
///
/// Built only through [`Schedule::parse`] or [`Schedule::from_doc`], so the
/// tables always agree with the document.
#[derive(Clone, Debug)]
pub struct Schedule {
    doc: ScheduleDoc,
    hash: [u8; 32],
    class_costs: [u64; InstrClass::COUNT],
    interrupts: [Option<InterruptCost>; 256],
}

impl PartialEq for Schedule {
    fn eq(&self, other: &Self) -> bool {
        self.doc == other.doc
    }
}
impl Eq for Schedule {}

impl Schedule {
    /// Parses and validates a TOML schedule.
    pub fn parse(text: &str) -> Result<Schedule, ScheduleError> {
        let doc: ScheduleDoc = toml::from_str(text)?;
        Schedule::from_doc(doc)
    }

    /// Validates a document and builds the look-up tables. Tests and tools use
    /// this to derive a variant of an embedded schedule (e.g. tiny limits).
    pub fn from_doc(doc: ScheduleDoc) -> Result<Schedule, ScheduleError> {
        validate(&doc)?;
        let hash = canonical_hash(&doc);
        let class_costs = doc.instructions.to_array();
        let mut interrupts = [None; 256];
        for (vector, cost) in doc.interrupts.entries() {
            interrupts[vector.number as usize] = Some(cost);
        }
        Ok(Schedule {
            doc,
            hash,
            class_costs,
            interrupts,
        })
    }

    /// The document this schedule was built from.
    pub fn doc(&self) -> &ScheduleDoc {
        &self.doc
    }
    pub fn version(&self) -> u32 {
        self.doc.version
    }
    pub fn activation_protocol(&self) -> u32 {
        self.doc.activation_protocol
    }
    /// keccak256 of the borsh encoding of [`ScheduleDoc`].
    pub fn hash(&self) -> [u8; 32] {
        self.hash
    }
    /// The hash as `0x`-prefixed lower-case hex.
    pub fn hash_hex(&self) -> String {
        hex_hash(&self.hash)
    }
    /// Gas of one instruction of `class`, before the memory-operand surcharge.
    #[inline]
    pub fn class_cost(&self, class: InstrClass) -> u64 {
        self.class_costs[class as usize]
    }
    pub fn surcharges(&self) -> &Surcharges {
        &self.doc.surcharges
    }
    pub fn limits(&self) -> &Limits {
        &self.doc.limits
    }
    /// Cost of `int vector`, or `None` when the vector is not part of the ABI
    /// (the interrupt then faults).
    #[inline]
    pub fn interrupt(&self, vector: u8) -> Option<&InterruptCost> {
        self.interrupts[vector as usize].as_ref()
    }
}

/// Canonical hash of a schedule document.
pub fn canonical_hash(doc: &ScheduleDoc) -> [u8; 32] {
    // Encoding into memory fails only for a collection longer than 2^32
    // entries, which no parsed schedule document has; the empty fallback
    // keeps this free of a panic path (and would not match any lock line).
    let bytes = borsh::to_vec(doc).unwrap_or_default();
    Keccak256::digest(&bytes).into()
}

/// `0x`-prefixed lower-case hex of a 32-byte hash.
pub fn hex_hash(hash: &[u8; 32]) -> String {
    let mut s = String::with_capacity(66);
    s.push_str("0x");
    for b in hash {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Consistency rules a schedule must satisfy beyond having every key.
// `%` instead of `is_multiple_of`: the workspace's minimum Rust is 1.80.
#[allow(clippy::manual_is_multiple_of)]
fn validate(doc: &ScheduleDoc) -> Result<(), ScheduleError> {
    let invalid = |field: String, problem: &str| ScheduleError::Invalid {
        version: doc.version,
        field,
        problem: problem.to_string(),
    };
    if doc.version == 0 {
        return Err(invalid("version".into(), "must be at least 1"));
    }
    if doc.activation_protocol == 0 {
        return Err(invalid("activation_protocol".into(), "must be at least 1"));
    }
    // SPEC §4: every supported instruction costs at least 1.
    for (key, cost) in doc.instructions.entries() {
        if cost == 0 {
            return Err(invalid(
                format!("instructions.{key}"),
                "must be at least 1 (every instruction costs gas)",
            ));
        }
    }
    let limits = &doc.limits;
    for (key, value) in limits.entries() {
        if value == 0 {
            return Err(invalid(format!("limits.{key}"), "must not be 0"));
        }
    }
    for (key, value) in [
        ("stack_bytes", limits.stack_bytes),
        ("heap_bytes", limits.heap_bytes),
    ] {
        if value % HEAP_PAGE_BYTES != 0 {
            return Err(invalid(
                format!("limits.{key}"),
                "must be a multiple of 4096",
            ));
        }
    }
    if limits.stack_bytes.saturating_add(limits.heap_bytes) > limits.guest_memory_bytes {
        return Err(invalid(
            "limits.guest_memory_bytes".into(),
            "must hold at least stack_bytes + heap_bytes",
        ));
    }
    if limits.code_bytes > limits.package_bytes {
        return Err(invalid(
            "limits.code_bytes".into(),
            "must not exceed package_bytes",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn v1_text() -> &'static str {
        crate::registry::EMBEDDED[0].1
    }

    #[test]
    fn hash_ignores_layout_and_comments_but_not_numbers() -> TestResult {
        let original = Schedule::parse(v1_text())?;
        let reformatted: String = v1_text()
            .lines()
            .filter(|l| !l.trim_start().starts_with('#'))
            .map(|l| -> Result<String, &str> {
                let code = l.split(" #").next().ok_or("split yields a first piece")?;
                Ok(format!("{}\n", code.replace(" = ", "=")))
            })
            .collect::<Result<_, _>>()?;
        let same = Schedule::parse(&reformatted)?;
        assert_eq!(same.hash(), original.hash());

        let changed = v1_text().replacen("div = 20", "div = 21", 1);
        assert_ne!(changed, v1_text(), "test edit applied");
        assert_ne!(Schedule::parse(&changed)?.hash(), original.hash());
        Ok(())
    }

    #[test]
    fn hash_is_keccak_of_borsh() -> TestResult {
        let s = Schedule::parse(v1_text())?;
        let bytes = borsh::to_vec(s.doc())?;
        // version (u32) and activation (u32) lead the encoding, then the class table.
        assert_eq!(&bytes[..8], &[1, 0, 0, 0, 1, 0, 0, 0]);
        assert_eq!(
            bytes.len(),
            8 + 8 * (InstrClass::COUNT + 7 + 3 * crate::VECTORS.len() + 13)
        );
        assert_eq!(s.hash(), <[u8; 32]>::from(Keccak256::digest(&bytes)));
        assert_eq!(s.hash_hex().len(), 66);
        Ok(())
    }

    #[test]
    fn unknown_and_missing_keys_are_rejected() -> TestResult {
        let typo = v1_text().replacen("memory_operand =", "memory_operandd =", 1);
        let err = Schedule::parse(&typo).unwrap_err().to_string();
        assert!(err.contains("memory_operandd"), "{err}");

        let missing = v1_text().replacen("cpuid = 20", "", 1);
        let err = Schedule::parse(&missing).unwrap_err().to_string();
        assert!(err.contains("cpuid"), "{err}");

        let extra = format!("{}\n[bonus]\nx = 1\n", v1_text());
        assert!(Schedule::parse(&extra).is_err());

        let negative = v1_text().replacen("div = 20", "div = -20", 1);
        assert!(Schedule::parse(&negative).is_err());
        Ok(())
    }

    #[test]
    fn inconsistent_numbers_are_rejected() -> TestResult {
        let base = Schedule::parse(v1_text())?.doc().clone();
        let check = |edit: &dyn Fn(&mut ScheduleDoc), needle: &str| {
            let mut doc = base.clone();
            edit(&mut doc);
            let err = Schedule::from_doc(doc).unwrap_err().to_string();
            assert!(err.contains(needle), "{err} should mention {needle}");
        };
        check(&|d| d.instructions.nop = 0, "instructions.nop");
        check(&|d| d.version = 0, "version");
        check(&|d| d.activation_protocol = 0, "activation_protocol");
        check(&|d| d.limits.call_depth = 0, "limits.call_depth");
        check(&|d| d.limits.stack_bytes = 4097, "limits.stack_bytes");
        check(
            &|d| d.limits.heap_bytes = d.limits.guest_memory_bytes,
            "limits.guest_memory_bytes",
        );
        check(
            &|d| d.limits.code_bytes = d.limits.package_bytes + 1,
            "limits.code_bytes",
        );
        Ok(())
    }

    #[test]
    fn hostile_text_is_an_error_not_a_panic() -> TestResult {
        for text in [
            "",
            "version = 1",
            "\u{0}",
            "[instructions\n",
            "version = 99999999999999999999",
        ] {
            assert!(Schedule::parse(text).is_err(), "{text:?}");
        }
        Ok(())
    }

    #[test]
    fn interrupt_table_matches_the_document() -> TestResult {
        let s = Schedule::parse(v1_text())?;
        for (vector, cost) in s.doc().interrupts.entries() {
            assert_eq!(s.interrupt(vector.number), Some(&cost), "{}", vector.name);
        }
        for class in InstrClass::ALL {
            let by_key = s
                .doc()
                .instructions
                .entries()
                .into_iter()
                .find(|(k, _)| *k == class.key())
                .ok_or("class missing from the instruction table")?
                .1;
            assert_eq!(s.class_cost(*class), by_key, "{}", class.key());
            assert_eq!(InstrClass::from_key(class.key()), Some(*class));
        }
        Ok(())
    }
}
