//! The schedules price precompiles under the names and vectors the
//! precompiles crate (and so the runtime's dispatch) uses.

use echovm_precompiles::Precompile;

#[test]
fn every_precompile_is_priced_under_its_own_name_and_vector() {
    for p in Precompile::ALL {
        let v = echovm_gas::vector_by_name(p.name())
            .unwrap_or_else(|| panic!("precompile {} has no schedule entry", p.name()));
        assert_eq!(v.number, p.vector(), "{}", p.name());
        for s in echovm_gas::schedules() {
            assert!(
                s.interrupt(p.vector()).is_some(),
                "v{} does not price {}",
                s.version(),
                p.name()
            );
        }
    }
}
