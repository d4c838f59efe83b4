//! Human-readable output for `echovm schedule list|show|diff`.
//!
//! Everything is listed in schedule order (the order of the TOML tables and of
//! their keys, interrupts by ascending vector), so output is deterministic and
//! diffs of two versions line up.

use std::fmt::Write;

use crate::interrupt::WORD_BYTES;
use crate::registry::{by_version, schedules};
use crate::schedule::Schedule;

/// The requested schedule version does not exist.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("no schedule v{version}; known versions: {known}")]
pub struct UnknownVersion {
    pub version: u32,
    pub known: String,
}

fn find(version: u32) -> Result<&'static Schedule, UnknownVersion> {
    by_version(version).ok_or_else(|| UnknownVersion {
        version,
        known: schedules()
            .iter()
            .map(|s| s.version().to_string())
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Every number of a schedule as `(dotted key, value)`, in schedule order.
pub fn entries(s: &Schedule) -> Vec<(String, u64)> {
    let d = s.doc();
    let mut out = vec![
        ("version".to_string(), u64::from(d.version)),
        (
            "activation_protocol".to_string(),
            u64::from(d.activation_protocol),
        ),
    ];
    out.extend(
        d.instructions
            .entries()
            .into_iter()
            .map(|(k, v)| (format!("instructions.{k}"), v)),
    );
    out.extend(
        d.surcharges
            .entries()
            .into_iter()
            .map(|(k, v)| (format!("surcharges.{k}"), v)),
    );
    for (vector, c) in d.interrupts.entries() {
        for (field, v) in [
            ("base", c.base),
            ("per_byte", c.per_byte),
            ("per_word", c.per_word),
        ] {
            out.push((format!("interrupts.{}.{field}", vector.name), v));
        }
    }
    out.extend(
        d.limits
            .entries()
            .into_iter()
            .map(|(k, v)| (format!("limits.{k}"), v)),
    );
    out
}

/// `echovm schedule list`: one line per schedule.
pub fn list() -> String {
    let mut out = format!("{:<9}{:<14}{}\n", "version", "activation", "hash");
    for s in schedules() {
        let version = format!("v{}", s.version());
        let activation = format!("protocol {}", s.activation_protocol());
        let _ = writeln!(out, "{version:<9}{activation:<14}{}", s.hash_hex());
    }
    out
}

/// `echovm schedule show V`: the whole schedule, grouped and annotated.
pub fn show(version: u32) -> Result<String, UnknownVersion> {
    let s = find(version)?;
    let d = s.doc();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "schedule v{} (activates at protocol {})",
        d.version, d.activation_protocol
    );
    let _ = writeln!(out, "hash {}", s.hash_hex());
    let _ = writeln!(out, "\n[instructions]  gas per instruction of each class");
    for (k, v) in d.instructions.entries() {
        let _ = writeln!(out, "  {k:<26}{v:>10}");
    }
    let _ = writeln!(out, "\n[surcharges]");
    for (k, v) in d.surcharges.entries() {
        let _ = writeln!(out, "  {k:<26}{v:>10}");
    }
    let _ = writeln!(
        out,
        "\n[interrupts]  cost = base + per_byte*len + per_word*ceil(len/{WORD_BYTES})\n  {:<6}{:<20}{:>8}{:>10}{:>10}  len",
        "int", "name", "base", "per_byte", "per_word"
    );
    for (vector, c) in d.interrupts.entries() {
        let _ = writeln!(
            out,
            "  {:<6}{:<20}{:>8}{:>10}{:>10}  {}",
            format!("{:#04x}", vector.number),
            vector.name,
            c.base,
            c.per_byte,
            c.per_word,
            vector.metered
        );
    }
    let _ = writeln!(out, "\n[limits]");
    for (k, v) in d.limits.entries() {
        let _ = writeln!(out, "  {k:<26}{v:>10}{}", human_size(k, v));
    }
    Ok(out)
}

/// `echovm schedule diff A B`: every entry whose value differs, in schedule
/// order, as `key: old -> new (+delta)`.
pub fn diff(from: u32, to: u32) -> Result<String, UnknownVersion> {
    let (a, b) = (find(from)?, find(to)?);
    Ok(diff_schedules(a, b))
}

/// Diff of two schedules (also usable for ones not embedded).
pub fn diff_schedules(a: &Schedule, b: &Schedule) -> String {
    let mut out = format!("v{} -> v{}\n", a.version(), b.version());
    let mut changed = 0usize;
    // Both schedules have exactly the same keys in the same order (one struct).
    for ((key, old), (_, new)) in entries(a).into_iter().zip(entries(b)) {
        if old != new {
            changed += 1;
            let delta = if new > old {
                format!("+{}", new - old)
            } else {
                format!("-{}", old - new)
            };
            let _ = writeln!(out, "  {key}: {old} -> {new} ({delta})");
        }
    }
    let _ = writeln!(out, "{changed} entries changed");
    out
}

/// " (64 MiB)"-style suffix for byte limits that are whole KiB/MiB.
#[allow(clippy::manual_is_multiple_of)] // minimum Rust 1.80
fn human_size(key: &str, v: u64) -> String {
    if !key.ends_with("_bytes") {
        return String::new();
    }
    const MIB: u64 = 1 << 20;
    const KIB: u64 = 1 << 10;
    if v >= MIB && v % MIB == 0 {
        format!("  ({} MiB)", v / MIB)
    } else if v >= KIB && v % KIB == 0 {
        format!("  ({} KiB)", v / KIB)
    } else {
        String::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn diff_lists_changed_entries_in_schedule_order() -> TestResult {
        let v1 = by_version(1).ok_or("no schedule v1")?;
        let mut doc = v1.doc().clone();
        doc.version = 9;
        doc.limits.call_depth = 32;
        doc.instructions.div = 25;
        doc.interrupts.keccak256.per_word = 4;
        let edited = Schedule::from_doc(doc)?;
        assert_eq!(
            diff_schedules(v1, &edited),
            "v1 -> v9\n\
             \x20 version: 1 -> 9 (+8)\n\
             \x20 instructions.div: 20 -> 25 (+5)\n\
             \x20 interrupts.keccak256.per_word: 6 -> 4 (-2)\n\
             \x20 limits.call_depth: 64 -> 32 (-32)\n\
             4 entries changed\n"
        );
        assert_eq!(diff(1, 1)?, "v1 -> v1\n0 entries changed\n");
        Ok(())
    }

    #[test]
    fn diff_of_embedded_versions_mentions_the_repricing() -> TestResult {
        let text = diff(1, 2)?;
        assert!(
            text.starts_with(
                "v1 -> v2\n  version: 1 -> 2 (+1)\n  activation_protocol: 1 -> 2 (+1)\n"
            ),
            "{text}"
        );
        assert!(text.contains("interrupts.storage_write."), "{text}");
        Ok(())
    }

    /// The v1 -> v2 repricing exactly as docs/GAS.md and v2.toml describe it.
    #[test]
    fn diff_v1_v2_is_the_documented_governance_change() -> TestResult {
        assert_eq!(
            diff(1, 2)?,
            "v1 -> v2\n\
             \x20 version: 1 -> 2 (+1)\n\
             \x20 activation_protocol: 1 -> 2 (+1)\n\
             \x20 surcharges.storage_new_slot: 2000 -> 5000 (+3000)\n\
             \x20 interrupts.storage_write.per_byte: 5 -> 10 (+5)\n\
             \x20 interrupts.keccak256.per_word: 6 -> 12 (+6)\n\
             \x20 interrupts.secp256k1_recover.base: 3000 -> 6000 (+3000)\n\
             6 entries changed\n"
        );
        Ok(())
    }

    #[test]
    fn unknown_versions_are_errors() -> TestResult {
        let err = show(99).unwrap_err();
        assert_eq!(err.version, 99);
        assert!(
            err.to_string()
                .starts_with("no schedule v99; known versions: 1, 2"),
            "{err}"
        );
        assert!(diff(1, 0).is_err());
        Ok(())
    }

    #[test]
    fn list_and_show_name_every_schedule_and_entry() -> TestResult {
        let text = list();
        assert!(
            text.starts_with("version  activation    hash\nv1       protocol 1    0x"),
            "{text}"
        );
        for s in schedules() {
            assert!(text.contains(&s.hash_hex()), "{text}");
        }
        let v1 = by_version(1).ok_or("no schedule v1")?;
        let shown = show(1)?;
        assert!(shown.starts_with(&format!(
            "schedule v1 (activates at protocol 1)\nhash {}\n",
            v1.hash_hex()
        )));
        assert!(shown.contains("  0x71  storage_write"), "{shown}");
        assert!(
            shown.contains("  guest_memory_bytes          67108864  (64 MiB)"),
            "{shown}"
        );
        // Every entry after version/activation (shown in the header) appears in the dump.
        for (key, _) in entries(v1).into_iter().skip(2) {
            let leaf = key.rsplit('.').next().ok_or("empty key")?;
            assert!(shown.contains(leaf), "{key} missing from show");
        }
        Ok(())
    }
}
