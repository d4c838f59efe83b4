//! The probe contract runs and its script interpreter works (a prerequisite of the other abi_* tests).
mod abi_support;
use abi_support::*;

#[test]
fn probe_runs_a_script() {
    let (mut chain, probe) = chain_with_probe();
    let w = ok_words(
        &mut chain,
        &probe,
        &Script::new().int(0x40, &[]).int(0x27, &[]).addr(),
    );
    assert_eq!(
        w[0],
        2 * 58 + 1,
        "input_size = script length (two 58-byte int commands, one 1-byte addr)"
    );
    assert_eq!(w[1], 1, "block_height of the default block");
    assert!(w[2] > 0x400000);
}
