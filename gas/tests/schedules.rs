//! The embedded schedules: parsing, selection by protocol, the hash lock and
//! the rule that every `.toml` file in `schedules/` is registered.

use std::path::Path;

use echovm_gas::{
    by_version, for_protocol, latest, schedules, verify_lock, verify_lock_of, InstrClass,
    RegistryError, Schedule, EMBEDDED, LOCK, VECTORS,
};

#[test]
fn every_embedded_schedule_parses_and_is_consistent() {
    let all = echovm_gas::load().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(all.len(), EMBEDDED.len());
    assert_eq!(schedules().len(), EMBEDDED.len());
    for s in schedules() {
        for &class in InstrClass::ALL {
            assert!(
                s.class_cost(class) >= 1,
                "v{} prices {} at 0",
                s.version(),
                class.key()
            );
        }
        for v in VECTORS {
            assert!(
                s.interrupt(v.number).is_some(),
                "v{} has no cost for {}",
                s.version(),
                v.name
            );
        }
        let priced = (0..=255u8).filter(|&n| s.interrupt(n).is_some()).count();
        assert_eq!(priced, VECTORS.len(), "only ABI vectors are priced");
    }
}

#[test]
fn v1_has_the_documented_genesis_numbers() {
    let v1 = by_version(1).expect("v1");
    assert_eq!(v1.activation_protocol(), 1);
    assert_eq!(v1.class_cost(InstrClass::Alu), 1);
    assert_eq!(v1.class_cost(InstrClass::Div), 20);
    assert_eq!(v1.limits().guest_memory_bytes, 64 << 20);
    assert_eq!(v1.limits().stack_bytes, 1 << 20);
    assert_eq!(v1.limits().call_depth, 64);
    let keccak = v1.interrupt(0x80).expect("keccak256 priced");
    assert_eq!(keccak.cost(64), 30 + 2 * 6);
    assert!(v1.interrupt(0x03).is_none(), "int3 is not an ABI vector");
}

#[test]
fn selection_by_protocol_takes_the_latest_activated() {
    assert!(
        for_protocol(0).is_none(),
        "nothing is active before protocol 1"
    );
    for s in schedules() {
        let p = s.activation_protocol();
        assert_eq!(for_protocol(p).map(Schedule::version), Some(s.version()));
        // The protocol right before the next activation still uses this schedule.
        let next = schedules().iter().find(|n| n.version() == s.version() + 1);
        if let Some(next) = next {
            let last_protocol = next.activation_protocol() - 1;
            assert_eq!(
                for_protocol(last_protocol).map(Schedule::version),
                Some(s.version())
            );
        }
    }
    assert_eq!(
        for_protocol(u32::MAX).map(Schedule::version),
        Some(latest().version())
    );
    assert_eq!(for_protocol(2).map(Schedule::version), Some(2));
    assert_eq!(for_protocol(1).map(Schedule::version), Some(1));
    assert!(by_version(0).is_none());
    assert!(by_version(latest().version() + 1).is_none());
}

#[test]
fn embedded_schedules_match_the_lock() {
    if let Err(e) = verify_lock() {
        panic!("{e}");
    }
}

#[test]
fn lock_rejects_an_edited_schedule() {
    let v1 = by_version(1).unwrap();
    let mut doc = v1.doc().clone();
    doc.interrupts.storage_write.per_byte += 1;
    let edited = Schedule::from_doc(doc).unwrap();
    let err = verify_lock_of(
        &[("v1.toml", &edited)],
        LOCK.lines()
            .filter(|l| l.starts_with("1 "))
            .collect::<Vec<_>>()
            .join("\n")
            .as_str(),
    )
    .unwrap_err();
    assert!(
        matches!(err, RegistryError::Edited { version: 1, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("schedule v1 was edited after activation: "),
        "{err}"
    );
}

#[test]
fn lock_rejects_unpinned_and_unknown_versions() {
    let v1 = by_version(1).unwrap();
    let err = verify_lock_of(&[("v1.toml", v1)], "# nothing pinned\n").unwrap_err();
    assert!(
        matches!(err, RegistryError::Unpinned { version: 1, .. }),
        "{err}"
    );
    assert!(
        err.to_string()
            .contains(&format!("`1 v1.toml {}`", v1.hash_hex())),
        "{err}"
    );

    let pin1 = format!("1 v1.toml {}\n", v1.hash_hex());
    let extra = format!("{pin1}7 v7.toml 0x{}\n", "ab".repeat(32));
    let err = verify_lock_of(&[("v1.toml", v1)], &extra).unwrap_err();
    assert!(
        matches!(err, RegistryError::Unknown { version: 7, .. }),
        "{err}"
    );

    let renamed = pin1.replace("v1.toml", "genesis.toml");
    let err = verify_lock_of(&[("v1.toml", v1)], &renamed).unwrap_err();
    assert!(
        matches!(err, RegistryError::Renamed { version: 1, .. }),
        "{err}"
    );

    assert_eq!(verify_lock_of(&[("v1.toml", v1)], &pin1), Ok(()));
}

#[test]
fn lock_syntax_errors_name_the_line() {
    for (text, line) in [
        ("1 v1.toml\n", 1),
        ("# c\nx v1.toml 0x00\n", 2),
        ("1 v1.toml 0xABCD\n", 1),
        (&*format!("1 a 0x{0}\n1 b 0x{0}\n", "00".repeat(32)), 2),
    ] {
        match echovm_gas::parse_lock(text) {
            Err(RegistryError::LockSyntax { line: l, .. }) => assert_eq!(l, line, "{text:?}"),
            other => panic!("{text:?}: {other:?}"),
        }
    }
}

/// A schedule file dropped into `schedules/` without being embedded (and
/// pinned) would silently never activate; fail instead.
#[test]
fn every_toml_file_in_schedules_dir_is_registered() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schedules");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.expect("directory entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name.ends_with(".toml"))
        .collect();
    files.sort();
    let mut embedded: Vec<String> = EMBEDDED.iter().map(|(f, _)| f.to_string()).collect();
    embedded.sort();
    assert_eq!(
        files, embedded,
        "schedules/*.toml and registry::EMBEDDED differ"
    );
    for name in &files {
        let on_disk = std::fs::read_to_string(dir.join(name)).unwrap();
        let text = EMBEDDED.iter().find(|(f, _)| f == name).unwrap().1;
        assert_eq!(on_disk, text, "{name} is stale in the build");
    }
    let lock = echovm_gas::parse_lock(LOCK).unwrap();
    let mut pinned: Vec<String> = lock.into_iter().map(|p| p.file).collect();
    pinned.sort();
    assert_eq!(
        pinned, files,
        "schedules.lock pins a different set of files"
    );
}
