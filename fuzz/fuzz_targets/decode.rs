//! Fuzz target: echovm's decoder must never panic, must agree with iced-x86
//! (validity, length, and for supported instructions mnemonic and operands;
//! see decoder/tests/common/mod.rs), and `disasm_line` must always advance.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;

#[path = "../../decoder/tests/common/mod.rs"]
mod common;

#[derive(Arbitrary, Debug)]
struct Input {
    ip: u64,
    bytes: Vec<u8>,
}

fuzz_target!(|input: Input| {
    let bytes = &input.bytes[..input.bytes.len().min(32)];
    if let Err(m) = common::compare(bytes, input.ip) {
        if !common::documented(&m.class) {
            panic!("mismatch with iced-x86: {}: {}", m.class, m.detail);
        }
    }
    let (n, line) = echovm_decoder::disasm_line(bytes, input.ip);
    assert!(n >= 1 && !line.is_empty());
});
