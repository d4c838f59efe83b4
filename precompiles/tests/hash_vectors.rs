//! Keccak-256 and SHA-256 against published known answers, plus Keccak-256
//! against an independent implementation (tiny-keccak) at every length
//! around the 136-byte rate boundary.
//!
//! Known answers: SHA-256 from FIPS 180-2 / NIST CAVP examples; Keccak-256
//! (original Keccak padding, as Ethereum) from the Keccak team's reference
//! values as reproduced by Ethereum client test suites.

mod common;

use common::{unhex32, Rng};
use echovm_precompiles::{keccak256, sha256};
use tiny_keccak::{Hasher, Keccak};

const MSG_448: &[u8] = b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
const MSG_896: &[u8] = b"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

#[test]
fn sha256_nist_known_answers() {
    let million_a = vec![b'a'; 1_000_000];
    let cases: [(&[u8], &str); 5] = [
        (
            b"",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ),
        (
            b"abc",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ),
        (
            MSG_448,
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
        ),
        (
            MSG_896,
            "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1",
        ),
        (
            &million_a,
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0",
        ),
    ];
    for (msg, want) in cases {
        assert_eq!(sha256(msg), unhex32(want), "sha256 of {} bytes", msg.len());
    }
}

#[test]
fn keccak256_published_known_answers() {
    let million_a = vec![b'a'; 1_000_000];
    let cases: [(&[u8], &str); 5] = [
        (
            b"",
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470",
        ),
        (
            b"abc",
            "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45",
        ),
        (
            MSG_448,
            "45d3b367a6904e6e8d502ee04999a7c27647f91fa845d456525fd352ae3d7371",
        ),
        (
            MSG_896,
            "f519747ed599024f3882238e5ab43960132572b7345fbeb9a90769dafd21ad67",
        ),
        (
            &million_a,
            "fadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96",
        ),
    ];
    for (msg, want) in cases {
        assert_eq!(
            keccak256(msg),
            unhex32(want),
            "keccak256 of {} bytes",
            msg.len()
        );
    }
}

#[test]
fn keccak256_is_ethereum_keccak_not_fips_sha3() {
    // The ERC-20 Transfer event topic: any Solidity toolchain derives it.
    assert_eq!(
        keccak256(b"Transfer(address,address,uint256)"),
        unhex32("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef")
    );
    // FIPS 202 SHA3-256("") differs; make sure we did not pick that variant.
    assert_ne!(
        keccak256(b""),
        unhex32("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a")
    );
}

fn tiny_keccak256(data: &[u8]) -> [u8; 32] {
    let mut hasher = Keccak::v256();
    hasher.update(data);
    let mut out = [0u8; 32];
    hasher.finalize(&mut out);
    out
}

#[test]
fn keccak256_matches_tiny_keccak_across_block_boundaries() {
    let mut rng = Rng::new(0x6b65_6363_616b);
    // Every length up to three rate blocks (3 × 136) and a few long ones.
    let lengths = (0..=3 * 136 + 1).chain([1000, 4096, 65_537]);
    for len in lengths {
        let data = rng.bytes(len);
        assert_eq!(keccak256(&data), tiny_keccak256(&data), "length {len}");
    }
}
