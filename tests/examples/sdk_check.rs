//! The Rust SDK, wrapper by wrapper, through examples/sdk_check: every
//! expected value comes from an independent oracle — published hash vectors,
//! u128 arithmetic done here, and k256 signatures.

use crate::cli::{build_examples, keccak, run, Call, Outcome};
use k256::ecdsa::SigningKey;

fn check(input: Call) -> Outcome {
    run(&build_examples().elf("sdk_check"), &input.hex(), None)
}

fn ok(input: Call) -> Vec<u8> {
    let r = check(input);
    assert_eq!(r.status(), "success", "{}", r.json);
    r.ret()
}

fn reverted(input: Call) -> Vec<u8> {
    let r = check(input);
    assert_eq!(r.status(), "reverted", "{}", r.json);
    assert_eq!(r.exit, 1);
    r.ret()
}

/// (a·b) mod m without overflow (double-and-add), for m < 2^127.
fn mulmod(a: u128, b: u128, m: u128) -> u128 {
    let (mut a, mut b, mut r) = (a % m, b, 0u128);
    while b > 0 {
        if b & 1 == 1 {
            r = (r + a) % m;
        }
        a = (a << 1) % m;
        b >>= 1;
    }
    r
}

fn powmod(base: u128, mut exp: u128, m: u128) -> u128 {
    let (mut base, mut r) = (base % m, 1 % m);
    while exp > 0 {
        if exp & 1 == 1 {
            r = mulmod(r, base, m);
        }
        base = mulmod(base, base, m);
        exp >>= 1;
    }
    r
}

/// The 256-bit product of two u128, as 32 little-endian bytes (u64 limbs).
fn mul_wide(a: u128, b: u128) -> [u8; 32] {
    let (a, b) = ([a as u64, (a >> 64) as u64], [b as u64, (b >> 64) as u64]);
    let mut limbs = [0u64; 4];
    for i in 0..2 {
        let mut carry = 0u128;
        for j in 0..2 {
            let t = limbs[i + j] as u128 + a[i] as u128 * b[j] as u128 + carry;
            limbs[i + j] = t as u64;
            carry = t >> 64;
        }
        limbs[i + 2] = carry as u64;
    }
    let mut out = [0u8; 32];
    for (i, l) in limbs.iter().enumerate() {
        out[8 * i..8 * i + 8].copy_from_slice(&l.to_le_bytes());
    }
    out
}

fn u256(v: u128) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..16].copy_from_slice(&v.to_le_bytes());
    out
}

#[test]
fn hashes_match_published_vectors() {
    let out = ok(Call::new(0x01).bytes(b"abc"));
    assert_eq!(
        hex::encode(&out[..32]),
        "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"
    );
    assert_eq!(
        hex::encode(&out[32..]),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    let out = ok(Call::new(0x01));
    assert_eq!(
        hex::encode(&out[..32]),
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
    );
    assert_eq!(
        hex::encode(&out[32..]),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn u256_wrappers_pass_operands_in_order() {
    let (a, b, m) = (
        0x7edc_ba98_7654_3210_0123_4567_89ab_cdefu128,
        0x1357_9bdf_2468_ace0u128,
        0x3fff_ffff_ffff_fffb_0000_0000_0000_0043u128,
    );
    let out = ok(Call::new(0x02)
        .bytes(&u256(a))
        .bytes(&u256(b))
        .bytes(&u256(m)));
    assert_eq!(out.len(), 5 * 32 + 64);
    assert_eq!(out[0..32], u256(mulmod(a, b, m)), "mulmod");
    assert_eq!(out[32..64], u256((a + b) % m), "addmod");
    assert_eq!(out[64..96], u256(powmod(a, b, m)), "powmod");
    assert_eq!(out[96..128], u256(a / b), "quotient");
    assert_eq!(out[128..160], u256(a % b), "remainder");
    assert_eq!(out[160..192], mul_wide(a, b), "product, low half");
    assert_eq!(out[192..], [0u8; 32], "product, high half");

    let (a, b) = (u128::MAX, u128::MAX - 12345);
    let out = ok(Call::new(0x02)
        .bytes(&u256(a))
        .bytes(&u256(b))
        .bytes(&u256(0)));
    assert_eq!(out[0..96], [0u8; 96], "m = 0 gives 0");
    assert_eq!(out[160..192], mul_wide(a, b));

    let msg = reverted(
        Call::new(0x02)
            .bytes(&u256(5))
            .bytes(&u256(0))
            .bytes(&u256(7)),
    );
    assert_eq!(msg, b"division by zero");
}

#[test]
fn modexp_result_has_the_modulus_length() {
    let m = 1_000_003u128;
    let out = ok(Call::new(0x03)
        .u8(1)
        .u8(3)
        .u8(1)
        .u8(200)
        .u8(4)
        .bytes(&(m as u32).to_le_bytes()));
    assert_eq!(out, (powmod(3, 200, m) as u32).to_le_bytes());
}

#[test]
fn allocator_serves_vec_btreemap_and_overaligned_boxes() {
    let n = 1000u64;
    let out = ok(Call::new(0x04).u32(n as u32));
    let sum: u64 = (0..n).map(|i| i * i).sum();
    assert_eq!(out[..8], sum.to_le_bytes());
    assert_eq!(
        out[8..],
        [1, 1, 1],
        "64-aligned box, data kept across reallocs, over-aligned realloc"
    );
}

#[test]
fn panics_revert_with_their_message() {
    assert_eq!(reverted(Call::new(0x05).u8(0)), b"boom 7");
    assert_eq!(
        reverted(Call::new(0x05).u8(1)),
        b"index out of bounds: the len is 3 but the index is 9"
    );
    assert_eq!(
        reverted(Call::new(0x05).u8(2)),
        format!("memory allocation of {} bytes failed", 1u64 << 40).as_bytes()
    );
    assert_eq!(reverted(Call::new(0x05).u8(3)), b"need 99 more bytes");
    assert_eq!(
        reverted(Call::new(0x05).u8(4)),
        b"input too short: field at byte 2 needs 16 bytes, 0 left"
    );
    assert_eq!(reverted(Call::new(0x77)), b"unknown selector 0x77");
}

#[test]
fn typed_storage_round_trips() {
    let v = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10u128;
    let out = ok(Call::new(0x06).u8(3).bytes(b"key").u128(v));
    let mut want = vec![0u8];
    want.extend_from_slice(&[0; 16]);
    want.push(1);
    want.extend_from_slice(&v.to_le_bytes());
    want.extend_from_slice(&16i64.to_le_bytes());
    want.extend_from_slice(&[1, 0]);
    assert_eq!(out, want);
}

#[test]
fn secp256k1_wrappers_agree_with_k256() {
    let key = SigningKey::from_bytes(&keccak(b"sdk_check key").into()).unwrap();
    let point = key.verifying_key().to_encoded_point(false);
    let sec1: [u8; 65] = point.as_bytes().try_into().unwrap();
    let digest = keccak(b"message");
    let (sig, recid) = key.sign_prehash_recoverable(&digest).unwrap();
    let sig: [u8; 64] = sig.to_bytes().into();
    let call = |hash: &[u8; 32], pubkey: &[u8; 65]| {
        ok(Call::new(0x07)
            .bytes(hash)
            .bytes(&sig)
            .u8(recid.to_byte())
            .bytes(pubkey))
    };

    let out = call(&digest, &sec1);
    assert_eq!(out[..64], sec1[1..], "recovered x‖y");
    assert_eq!(out[64..96], keccak(&sec1[1..]), "address = keccak256(x‖y)");
    assert_eq!(out[96], 1, "valid");

    let other = keccak(b"other message");
    let out = call(&other, &sec1);
    assert_ne!(out[..64], sec1[1..], "another digest recovers another key");
    assert_eq!(out[96], 0, "invalid");

    let mut bad = sec1;
    bad[0] = 0x05;
    assert_eq!(call(&digest, &bad)[96], 2, "malformed public key");
}

#[test]
fn context_reports_gas_limit_and_no_deploy() {
    let r = run(&build_examples().elf("sdk_check"), "08", Some(1_234_567));
    assert_eq!(r.status(), "success", "{}", r.json);
    let out = r.ret();
    assert_eq!(out.len(), 3 * 32 + 16 + 1 + 8 + 1);
    assert_eq!(out[96..112], [0u8; 16], "run sends no value");
    assert_eq!(out[112], 0, "run is not a deploy");
    assert_eq!(out[113..121], 1_234_567u64.to_le_bytes());
    assert_eq!(out[121], 1, "0 < gas_left < gas_limit");
}

#[test]
fn debug_and_events_reach_the_result() {
    let r = check(Call::new(0x09).bytes(b"hello"));
    assert_eq!(r.status(), "success");
    assert_eq!(r.ret(), b"hello");
    assert_eq!(r.json["debug"], serde_json::json!(["echo 5 bytes"]));
    assert_eq!(r.events(), vec![(keccak(b"Echo"), b"hello".to_vec())]);
}
