//! modexp against EIP-198 / EIP-2565 published vectors (go-ethereum's
//! precompile test data, tests/data/modexp_eip2565.json), converted from
//! Ethereum's big-endian encoding to the ABI's little-endian one; the same
//! vectors check `modexp_work` against EIP-2565's published gas.

mod common;

use common::{reversed, unhex};
use echovm_precompiles::work::modexp_exp_head;
use echovm_precompiles::{modexp, modexp_work, modexp_work_for};

struct EthCase {
    name: String,
    base_be: Vec<u8>,
    exp_be: Vec<u8>,
    mod_be: Vec<u8>,
    expected_be: Vec<u8>,
    gas: u64,
}

/// Ethereum's modexp input: three 32-byte big-endian lengths, then base,
/// exponent and modulus, with missing input bytes read as zero.
fn eth_cases() -> Vec<EthCase> {
    let text = include_str!("data/modexp_eip2565.json");
    let json: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
    json.as_array()
        .expect("array")
        .iter()
        .map(|case| {
            let input = unhex(case["Input"].as_str().expect("Input"));
            let word = |i: usize| -> usize {
                let w = &input[i * 32..i * 32 + 32];
                assert!(w[..24].iter().all(|&b| b == 0), "length fits in u64");
                u64::from_be_bytes(w[24..].try_into().expect("8")) as usize
            };
            let (base_len, exp_len, mod_len) = (word(0), word(1), word(2));
            let mut data = input[96..].to_vec();
            data.resize(base_len + exp_len + mod_len, 0);
            EthCase {
                name: case["Name"].as_str().expect("Name").to_string(),
                base_be: data[..base_len].to_vec(),
                exp_be: data[base_len..base_len + exp_len].to_vec(),
                mod_be: data[base_len + exp_len..].to_vec(),
                expected_be: unhex(case["Expected"].as_str().expect("Expected")),
                gas: case["Gas"].as_u64().expect("Gas"),
            }
        })
        .collect()
}

#[test]
fn eip198_and_eip2565_outputs() {
    let cases = eth_cases();
    assert_eq!(cases.len(), 8);
    for case in &cases {
        let out = modexp(
            &reversed(&case.base_be),
            &reversed(&case.exp_be),
            &reversed(&case.mod_be),
        );
        assert_eq!(out.len(), case.mod_be.len(), "{}", case.name);
        assert_eq!(reversed(&out), case.expected_be, "{}", case.name);
    }
}

#[test]
fn modexp_work_reproduces_eip2565_gas() {
    // EIP-2565: gas = max(200, multiplication_complexity × iterations / 3).
    for case in eth_cases() {
        let exp_le = reversed(&case.exp_be);
        let work = modexp_work(
            case.base_be.len() as u64,
            exp_le.len() as u64,
            case.mod_be.len() as u64,
            modexp_exp_head(&exp_le),
        );
        assert_eq!((work / 3).max(200), case.gas, "{}", case.name);
        let by_slices = modexp_work_for(&reversed(&case.base_be), &exp_le, &reversed(&case.mod_be));
        assert_eq!(by_slices, work, "{}", case.name);
    }
}

#[test]
fn eip198_example_one_fermat() {
    // EIP-198 example 1: 3^(p−1) mod p = 1 for p = 2^256 − 2^32 − 977, given
    // here little-endian (the JSON case eip_example1 checks the same bytes
    // big-endian).
    let mut p = [0xFFu8; 32];
    p[0] = 0x2F;
    p[1] = 0xFC;
    p[4] = 0xFE;
    let mut p_minus_1 = p;
    p_minus_1[0] = 0x2E;
    let out = modexp(&[3], &p_minus_1, &p);
    let mut one = vec![0u8; 32];
    one[0] = 1;
    assert_eq!(out, one);
}

#[test]
fn edge_cases() {
    // Zero-length everything: the modulus is 0 bytes long, so is the result.
    assert_eq!(modexp(&[], &[], &[]), Vec::<u8>::new());
    // A zero modulus of any length gives that many zero bytes.
    assert_eq!(modexp(&[5], &[3], &[0, 0, 0, 0, 0]), vec![0u8; 5]);
    assert_eq!(modexp(&[], &[], &[0]), vec![0u8; 1]);
    // m = 1: every residue is 0.
    assert_eq!(modexp(&[7], &[0], &[1, 0, 0]), vec![0, 0, 0]);
    // exp = 0 (empty or explicit zeros): 1 mod m, including 0^0.
    assert_eq!(modexp(&[9], &[], &[10]), vec![1]);
    assert_eq!(modexp(&[], &[0, 0], &[10, 0]), vec![1, 0]);
    assert_eq!(modexp(&[0], &[0], &[2]), vec![1]);
    // Base larger than the modulus, empty base (= 0).
    assert_eq!(
        modexp(&[0xFF, 0xFF], &[1], &[10]),
        vec![(0xFFFFu32 % 10) as u8]
    );
    assert_eq!(modexp(&[], &[5], &[7]), vec![0]);
    // High zero bytes in the modulus keep the output length.
    assert_eq!(
        modexp(&[2], &[10], &[0xE9, 0x03, 0, 0, 0, 0]),
        vec![23, 0, 0, 0, 0, 0]
    ); // 2^10 mod 1001
}
