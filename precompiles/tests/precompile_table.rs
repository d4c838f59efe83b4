//! The `Precompile` table against SPEC §3 (interrupt ABI version 1).

use echovm_precompiles::{Precompile, UnknownPrecompile};

/// (vector, name) exactly as SPEC.md §3 lists them.
const SPEC_TABLE: [(u8, &str); 10] = [
    (0x80, "keccak256"),
    (0x81, "sha256"),
    (0x82, "secp256k1_recover"),
    (0x83, "secp256k1_verify"),
    (0x90, "u256_mulmod"),
    (0x91, "u256_addmod"),
    (0x92, "u256_powmod"),
    (0x93, "u256_divmod"),
    (0x94, "u256_mul_wide"),
    (0x95, "modexp"),
];

#[test]
fn vectors_and_names_match_the_spec() {
    assert_eq!(Precompile::ALL.len(), SPEC_TABLE.len());
    for (p, (vector, name)) in Precompile::ALL.into_iter().zip(SPEC_TABLE) {
        assert_eq!(p.vector(), vector, "{p:?}");
        assert_eq!(p.name(), name, "{p:?}");
        assert_eq!(p.to_string(), name);
        assert_eq!(Precompile::from_vector(u64::from(vector)), Ok(p));
        assert_eq!(Precompile::try_from(u64::from(vector)), Ok(p));
        assert_eq!(Precompile::from_name(name), Some(p));
    }
}

#[test]
fn every_other_vector_is_unknown() {
    let known: Vec<u64> = SPEC_TABLE.iter().map(|(v, _)| u64::from(*v)).collect();
    for vector in (0u64..0x200).chain([0x180, 0x10080, u64::MAX]) {
        if known.contains(&vector) {
            continue;
        }
        assert_eq!(
            Precompile::from_vector(vector),
            Err(UnknownPrecompile { vector })
        );
    }
    assert_eq!(Precompile::from_name("ecrecover"), None);
}

#[test]
fn unknown_vector_error_names_the_vector() {
    let err = Precompile::from_vector(0x84).expect_err("0x84 is unused");
    assert!(err.to_string().contains("0x84"), "{err}");
}
