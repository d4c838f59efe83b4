//! secp256k1 recovery and verification against published Ethereum vectors:
//! go-ethereum's `ecrecover` precompile data (tests/data/ecRecover.json) and
//! the vectors of go-ethereum's `crypto/signature_test.go`.

mod common;

use common::{unhex, unhex32};
use echovm_precompiles::{keccak256, secp256k1_recover, secp256k1_verify};
use k256::elliptic_curve::PrimeField;
use k256::{FieldBytes, Scalar};

/// go-ethereum `crypto/signature_test.go`: `testmsg`, `testsig` (r ‖ s ‖ v,
/// v = recovery id 1), `testpubkey`, `testpubkeyc`.
const TEST_MSG: &str = "ce0677bb30baa8cf067c88db9811f4333d131bf8bcf12fe7065d211dce971008";
const TEST_SIG: &str = "90f27b8b488db00b00606796d2987f6a5f59ae62ea05effe84fef5b8b0e549984a691139ad57a3f0b906637673aa2f63d1f55cb1a69199d4009eea23ceaddc9301";
const TEST_PUBKEY: &str = "04e32df42865e97135acfb65f3bae71bdc86f4d49150ad6a440b6f15878109880a0a2b2667f7e725ceea70c673093bf67663e0312623c8e091b13cf2c0f11ef652";
const TEST_PUBKEYC: &str = "02e32df42865e97135acfb65f3bae71bdc86f4d49150ad6a440b6f15878109880a";

/// Ethereum address: the last 20 bytes of Keccak-256 of `x ‖ y`.
fn address(xy: &[u8; 64]) -> [u8; 20] {
    keccak256(xy)[12..].try_into().expect("20 bytes")
}

fn sig64(bytes: &[u8]) -> [u8; 64] {
    bytes[..64].try_into().expect("64 bytes")
}

/// `(r, n − s)`: the other member of a signature's malleability pair.
fn flip_s(sig: &[u8; 64]) -> [u8; 64] {
    let s_bytes: [u8; 32] = sig[32..].try_into().expect("32 bytes");
    let s = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(s_bytes))).expect("s < n");
    let mut out = *sig;
    out[32..].copy_from_slice(&(-s).to_bytes());
    out
}

#[test]
fn geth_ecrecover_precompile_vectors() {
    let text = include_str!("data/ecRecover.json");
    let cases: serde_json::Value = serde_json::from_str(text).expect("valid JSON");
    let cases = cases.as_array().expect("array");
    assert_eq!(cases.len(), 5);
    for case in cases {
        let name = case["Name"].as_str().expect("Name");
        // Ethereum input: hash ‖ v (32-byte word) ‖ r ‖ s, zero-padded to 128
        // bytes; anything past 128 bytes is ignored.
        let mut input = unhex(case["Input"].as_str().expect("Input"));
        input.resize(input.len().max(128), 0);
        let hash: [u8; 32] = input[0..32].try_into().expect("32");
        let v_word = &input[32..64];
        let sig = sig64(&input[64..128]);
        let expected = unhex(case["Expected"].as_str().expect("Expected"));

        let v_is_small = v_word[..31].iter().all(|&b| b == 0);
        let v = v_word[31];
        if v_is_small && (v == 27 || v == 28) {
            let got = secp256k1_recover(&hash, &sig, u64::from(v - 27));
            match got {
                Some(xy) => {
                    assert_eq!(expected.len(), 32, "{name}: recovered but Ethereum fails");
                    assert_eq!(&address(&xy)[..], &expected[12..], "{name}");
                }
                None => assert!(expected.is_empty(), "{name}: Ethereum recovers, we did not"),
            }
        } else {
            // Not a valid Ethereum v; Ethereum fails, and so must every
            // recovery id our ABI could be handed from that word.
            assert!(expected.is_empty(), "{name}");
            let low = u64::from_be_bytes(v_word[24..].try_into().expect("8"));
            assert_eq!(secp256k1_recover(&hash, &sig, low), None, "{name}");
        }
    }
}

#[test]
fn geth_valid_key_vector_has_high_s_and_still_recovers() {
    // The ValidKey vector's s exceeds n/2: recovery must accept it (SPEC),
    // while verification refuses it until s is normalised.
    let hash = unhex32("18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c");
    let sig = sig64(&unhex("73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75feeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549"));
    let xy = secp256k1_recover(&hash, &sig, 1).expect("recovers");
    assert_eq!(
        address(&xy)[..],
        unhex("a94f5374fce5edbc8e2a8697c15331677e6ebf0b")[..]
    );
    assert_eq!(
        secp256k1_verify(&hash, &sig, &xy),
        0,
        "high s is invalid for verify"
    );
    let low = flip_s(&sig);
    assert_eq!(secp256k1_verify(&hash, &low, &xy), 1);
    // The low-s twin recovers the same key with the other y parity.
    assert_eq!(secp256k1_recover(&hash, &low, 0), Some(xy));
    assert_ne!(secp256k1_recover(&hash, &low, 1), Some(xy));
}

#[test]
fn geth_crypto_ecrecover_vector() {
    let hash = unhex32(TEST_MSG);
    let full = unhex(TEST_SIG);
    assert_eq!(full[64], 1, "go-ethereum's v here is the raw recovery id");
    let xy = secp256k1_recover(&hash, &sig64(&full), u64::from(full[64])).expect("recovers");
    assert_eq!(xy[..], unhex(TEST_PUBKEY)[1..]);
    assert_ne!(secp256k1_recover(&hash, &sig64(&full), 0), Some(xy));
}

#[test]
fn geth_crypto_verify_signature_vectors() {
    let hash = unhex32(TEST_MSG);
    let sig = sig64(&unhex(TEST_SIG));
    let pubkey = unhex(TEST_PUBKEY);
    let pubkeyc = unhex(TEST_PUBKEYC);
    assert_eq!(
        secp256k1_verify(&hash, &sig, &pubkey),
        1,
        "uncompressed key"
    );
    assert_eq!(secp256k1_verify(&hash, &sig, &pubkeyc), 1, "compressed key");
    assert_eq!(secp256k1_verify(&hash, &sig, &pubkey[1..]), 1, "x ‖ y key");

    assert_eq!(secp256k1_verify(&hash, &sig, &[]), -1, "no key");
    assert_eq!(secp256k1_verify(&hash, &sig, &[1, 2, 3]), -1, "3-byte key");
    assert_eq!(
        secp256k1_verify(&[0u8; 32], &sig, &pubkey),
        0,
        "other message"
    );
    let mut wrong_key = pubkey.clone();
    wrong_key[10] = wrong_key[10].wrapping_add(1);
    // Changing x almost surely leaves the curve: a malformed key, not a wrong one.
    assert_eq!(
        secp256k1_verify(&hash, &sig, &wrong_key),
        -1,
        "key off the curve"
    );
    let mut extended = pubkey.clone();
    extended.extend_from_slice(&[1, 2, 3]);
    assert_eq!(
        secp256k1_verify(&hash, &sig, &extended),
        -1,
        "key with extra bytes"
    );
}

#[test]
fn geth_crypto_malleable_signature_is_invalid_for_verify() {
    // go-ethereum TestVerifySignatureMalleable: s > n/2 must not verify.
    let sig = sig64(&unhex("638a54215d80a6713c8d523a6adc4e6e73652d859103a36b700851cb0e61b66b8ebfc1a610c57d732ec6e0a8f06a9a7a28df5051ece514702ff9cdff0b11f454"));
    let key = unhex("03ca634cae0d49acb401d8a4c6b6fe8c55b70d115bf400769cc1400f3258cd3138");
    let msg = unhex32("d301ce462d3e639518f482c7f03821fec1e602018630ce621e1e7851c12343a6");
    assert_eq!(secp256k1_verify(&msg, &sig, &key), 0);
    // Its low-s twin is a proper signature by the same key …
    assert_eq!(secp256k1_verify(&msg, &flip_s(&sig), &key), 1);
    // … and recovery, which accepts high s, finds that key for one parity.
    let recovered: Vec<[u8; 64]> = (0..2)
        .filter_map(|id| secp256k1_recover(&msg, &sig, id))
        .collect();
    let compressed_matches = |xy: &[u8; 64]| {
        let parity = if xy[63] & 1 == 1 { 0x03 } else { 0x02 };
        key[0] == parity && key[1..] == xy[..32]
    };
    assert_eq!(
        recovered.iter().filter(|xy| compressed_matches(xy)).count(),
        1
    );
}

#[test]
fn private_key_one_gives_the_generator_and_its_known_address() {
    // Private key 1 → public key G → address 0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf,
    // a value every Ethereum key tool reproduces.
    let key = k256::ecdsa::SigningKey::from_slice(&{
        let mut d = [0u8; 32];
        d[31] = 1;
        d
    })
    .expect("valid key");
    let hash = keccak256(b"echovm");
    let (sig, recid) = key.sign_prehash_recoverable(&hash).expect("signs");
    let sig: [u8; 64] = sig.to_bytes().into();
    let xy = secp256k1_recover(&hash, &sig, u64::from(recid.to_byte())).expect("recovers");
    assert_eq!(
        xy[..32],
        unhex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")[..],
        "x of the secp256k1 generator (SEC 2)"
    );
    assert_eq!(
        address(&xy)[..],
        unhex("7e5f4552091a69125d5dfcb7b8c2659029395bdf")[..]
    );
}
