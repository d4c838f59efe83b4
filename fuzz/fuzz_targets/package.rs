//! Fuzz target: arbitrary bytes as a contract package. `Package::from_bytes`
//! must never panic; an accepted package must re-encode to exactly the input
//! bytes (borsh is canonical, trailing bytes are rejected), its program must
//! survive `validate::validate` and `loader::load`, and a program the
//! validator accepts must load.
//!
//! Mutated packages almost never carry a matching content hash, so bytes that
//! are not a package are also decoded as a bare borsh `Program` and wrapped
//! with `Package::new` (the hash is then right): that reaches the validator
//! and the loader with arbitrary segment layouts, as a hand-made package would.
#![no_main]

use echovm_runtime::loader::{self, LoadLimits};
use echovm_runtime::package::Package;
use echovm_runtime::program::Program;
use echovm_runtime::validate;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let schedule = echovm_gas::latest();
    let limits = schedule.limits();
    let package = match Package::from_bytes(bytes, limits.package_bytes) {
        Ok(p) => {
            assert_eq!(p.to_bytes(), bytes, "accepted package is not canonical");
            p
        }
        Err(_) => {
            let Ok(program) = borsh::from_slice::<Program>(bytes) else { return };
            assert_eq!(borsh::to_vec(&program).expect("encodes"), bytes, "accepted program is not canonical");
            let p = Package::new(program);
            let again = Package::from_bytes(&p.to_bytes(), u64::MAX).expect("a package we made decodes");
            assert_eq!(again, p);
            p
        }
    };
    // The loader must refuse hostile layouts cleanly whatever the validator
    // says, and must build every program the validator accepts (otherwise a
    // deployed contract would fault at load on every call).
    let valid = validate::validate(&package.program, schedule).is_empty();
    let loaded = loader::load(&package.program, LoadLimits { stack: limits.stack_bytes, memory: limits.guest_memory_bytes });
    if valid {
        assert!(loaded.is_ok(), "validator accepted a program the loader refuses: {:?}", loaded.err());
    }
});
