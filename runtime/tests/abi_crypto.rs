//! Hash, signature and big-number vectors (0x80–0x95) through a real contract.
//! Expected values: published test vectors (Keccak/SHA-256 standard values,
//! go-ethereum's ecRecover "ValidKey") and Python big-integer arithmetic.
mod abi_support;
use abi_support::*;
use echovm_precompiles as pc;
use echovm_runtime::host::Status;

const KECCAK: u8 = 0x80;
const SHA256: u8 = 0x81;
const RECOVER: u8 = 0x82;
const VERIFY: u8 = 0x83;
const MULMOD: u8 = 0x90;
const ADDMOD: u8 = 0x91;
const POWMOD: u8 = 0x92;
const DIVMOD: u8 = 0x93;
const MULWIDE: u8 = 0x94;
const MODEXP: u8 = 0x95;
const GAS_LEFT: u8 = 0x2F;
const M1: u64 = u64::MAX;

/// Run `script`, expect success, return (words of the first `n` logs, the bytes after).
fn go(script: Script, n: usize) -> (Vec<u64>, Vec<u8>) {
    let (mut chain, probe) = chain_with_probe();
    let r = run(&mut chain, &probe, &script);
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    (
        words(&r.outcome.return_data[..8 * n]),
        r.outcome.return_data[8 * n..].to_vec(),
    )
}

fn u256(v: u64) -> [u8; 32] {
    let mut b = [0; 32];
    b[..8].copy_from_slice(&v.to_le_bytes());
    b
}

#[test]
fn hashes_match_published_values() {
    let (_, mem) = go(
        Script::new()
            .write(0, b"abc")
            .int(KECCAK, &[s(0), 0, s(100)])
            .int(KECCAK, &[s(0), 3, s(132)])
            .int(SHA256, &[s(0), 0, s(164)])
            .int(SHA256, &[s(0), 3, s(196)])
            .read(100, 128),
        4,
    );
    assert_eq!(
        mem[0..32],
        unhex("c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470")
    );
    assert_eq!(
        mem[32..64],
        unhex("4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45")
    );
    assert_eq!(
        mem[64..96],
        unhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    );
    assert_eq!(
        mem[96..128],
        unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
}

/// go-ethereum ecRecover "ValidKey": hash, v = 28, r, s → address a94f53…bf0b.
const HASH: &str = "18c547e4f7b0f325ad1e56f57e26c745b09a3e503d86e00e5255ff7f715d3d1c";
const R: &str = "73b1693892219d736caba55bdb67216e485557ea6b6af75f37096c9aa6a5a75f";
const S_HIGH: &str = "eeb940b1d03b21e36b0e47e79769f095fe2ab855bd91e3a38756b7d75a9c4549";
/// n − s (Python), the low-s twin of the same signature (recovers with the other parity).
const S_LOW: &str = "1146bf4e2fc4de1c94f1b81868960f68bc842490f1b6bc98387ba6b57599fbf8";

#[test]
fn secp256k1_recover_and_verify() {
    let sig_high = [unhex(R), unhex(S_HIGH)].concat();
    let sig_low = [unhex(R), unhex(S_LOW)].concat();
    let (w, mem) = go(
        Script::new()
            .write(0, &unhex(HASH))
            .write(32, &sig_high)
            .write(96, &sig_low)
            .int(RECOVER, &[s(0), s(32), 1, s(200)]) // 0: ok
            .int(KECCAK, &[s(200), 64, s(300)]) // 1: address = last 20 bytes
            .int(RECOVER, &[s(0), s(32), 4, s(400)]) // 2: bad recid
            .int(VERIFY, &[s(0), s(32), s(200), 64]) // 3: high s → invalid
            .int(VERIFY, &[s(0), s(96), s(200), 64]) // 4: low s → valid
            .int(VERIFY, &[s(0), s(96), s(200), 63]) // 5: malformed key length
            .int(VERIFY, &[s(0), s(96), s(200), 100_000]) // 6: readable but absurd length
            .write(100, &[0; 4])
            .int(VERIFY, &[s(0), s(96), s(201), 64]) // 7: a different (off-curve or other) key
            .read(300, 32),
        8,
    );
    assert_eq!(w[0], 0);
    assert_eq!(w[2], M1);
    assert_eq!((w[3], w[4], w[5], w[6]), (0, 1, M1, M1));
    assert_ne!(w[7], 1);
    assert_eq!(
        mem[12..32],
        unhex("a94f5374fce5edbc8e2a8697c15331677e6ebf0b")
    );
}

#[test]
fn u256_math() {
    let all_ones = [0xffu8; 32];
    let mut top = [0u8; 32];
    top[31] = 0x80; // 2^255
    let (w, mem) = go(
        Script::new()
            .write(0, &top)
            .write(32, &u256(4))
            .write(64, &u256(7))
            .write(96, &all_ones)
            .write(128, &u256(9))
            .write(160, &u256(3))
            .write(192, &u256(200))
            .write(224, &u256(1_000_003))
            .write(256, &u256(0))
            .int(MULMOD, &[s(0), s(32), s(64), s(1000)]) // 2^257 mod 7 = 4
            .int(ADDMOD, &[s(96), s(96), s(128), s(1032)]) // (2^257 − 2) mod 9 = 3
            .int(POWMOD, &[s(160), s(192), s(224), s(1064)]) // 3^200 mod 1000003 = 333986
            .int(DIVMOD, &[s(96), s(64), s(1096), s(1128)]) // (2^256 − 1) / 7
            .int(MULWIDE, &[s(96), s(96), s(1160)]) // (2^256 − 1)^2
            .int(DIVMOD, &[s(96), s(256), s(1300), s(1300)]) // b = 0 → −1
            .int(MULMOD, &[s(0), s(32), s(256), s(1224)]) // m = 0 → 0
            .write(1224, &[0xee; 32])
            .int(POWMOD, &[s(160), s(192), s(256), s(1224)]) // m = 0 → 0
            .read(1000, 256),
        8,
    );
    assert_eq!(w[3], 0);
    assert_eq!(w[5], M1);
    assert_eq!(mem[0..32], u256(4));
    assert_eq!(mem[32..64], u256(3));
    assert_eq!(mem[64..96], u256(333_986));
    let mut q = unhex("2492492492492492492492492492492492492492492492492492492492492492");
    q.reverse();
    assert_eq!(mem[96..128], q[..]);
    assert_eq!(mem[128..160], u256(1));
    assert_eq!(
        mem[160..224],
        unhex("0100000000000000000000000000000000000000000000000000000000000000feffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")[..]
    );
    assert_eq!(mem[224..256], [0u8; 32]);
}

#[test]
fn modexp_little_endian_any_length() {
    let base: Vec<u8> = (1..40).collect();
    let exp: Vec<u8> = (7..20).collect();
    let modulus: Vec<u8> = (50..83).collect();
    let (_, mem) = go(
        Script::new()
            .write(0, &base)
            .write(100, &exp)
            .write(200, &modulus)
            .write(300, &[3])
            .write(301, &[5])
            .write(302, &[7])
            .int(MODEXP, &[s(0), 39, s(100), 13, s(200), 33, s(400)])
            .int(MODEXP, &[s(300), 1, s(301), 1, s(302), 2, s(500)]) // 3^5 mod 7 = 5, two bytes out
            .write(600, &[0xee; 4])
            .int(MODEXP, &[s(300), 1, s(301), 1, s(256), 4, s(600)]) // modulus 0 → zeros
            .int(MODEXP, &[s(300), 0, s(301), 0, s(302), 1, s(604)]) // 0^0 mod 7 = 1
            .read(400, 33)
            .read(500, 2)
            .read(600, 5),
        4,
    );
    assert_eq!(
        mem[..33],
        unhex("abdee2aab6e84df9b8b279a6b6203b4d7b923a959114ccd77102dc68bb3fb3ce18")[..]
    );
    assert_eq!(mem[33..35], [5, 0]);
    assert_eq!(mem[35..40], [0, 0, 0, 0, 1]);
}

#[test]
fn bad_pointers_fault() {
    let (mut chain, probe) = chain_with_probe();
    let code = abi_support::probe().entry;
    let cases: Vec<(Script, &str)> = vec![
        (
            Script::new().int(KECCAK, &[0x1000, 1, s(0)]),
            "read of unmapped",
        ),
        (Script::new().int(KECCAK, &[s(0), 1, code]), "write of"),
        (
            Script::new().int(SHA256, &[s(0), u64::MAX, s(0)]),
            "unmapped",
        ),
        (
            Script::new().int(RECOVER, &[s(0), s(0), 0, code]),
            "write of",
        ),
        (
            Script::new().int(VERIFY, &[s(0), s(0), 0x1000, 64]),
            "read of unmapped",
        ),
        // Even a key length that can never be valid must be readable.
        (
            Script::new().int(VERIFY, &[s(0), s(0), 0x1000, 7]),
            "read of unmapped",
        ),
        (
            Script::new().int(MULMOD, &[s(0), s(0), 0x1000, s(0)]),
            "read of unmapped",
        ),
        (
            Script::new().int(DIVMOD, &[s(0), s(0), s(0), code]),
            "write of",
        ),
        (Script::new().int(MULWIDE, &[s(0), s(0), code]), "write of"),
        (
            Script::new().int(MODEXP, &[s(0), 1, s(0), 1, s(0), 8, code]),
            "write of",
        ),
        (
            Script::new().int(MODEXP, &[s(0), 1, 0x1000, 1, s(0), 8, s(0)]),
            "read of unmapped",
        ),
    ];
    for (script, needle) in cases {
        let msg = fault_text(&mut chain, &probe, &script);
        assert!(msg.contains(needle), "{msg} should mention {needle}");
    }
}

#[test]
fn metered_lengths() {
    let hash_script = |v: u8| {
        Script::new()
            .int(v, &[s(0), 100, s(200)])
            .int(v, &[s(0), 0, s(200)])
    };
    assert_eq!(metering(KECCAK, &hash_script(KECCAK), 0), (2, 100));
    assert_eq!(metering(SHA256, &hash_script(SHA256), 0), (2, 100));
    for v in [RECOVER, VERIFY, MULMOD, ADDMOD, POWMOD, DIVMOD, MULWIDE] {
        let fourth = if v == VERIFY { 64 } else { s(192) };
        let script = Script::new().int(v, &[s(0), s(64), s(128), fourth]);
        assert_eq!(metering(v, &script, 0), (1, 0), "vector {v:#x}");
    }
    let script = Script::new().int(MODEXP, &[s(0), 10, s(100), 3, s(200), 20, s(300)]);
    assert_eq!(metering(MODEXP, &script, 0), (1, 33));
}

/// gas_left() around one interrupt (same vector and code path in both runs).
fn cost_of(script: Script) -> u64 {
    let (w, _) = go(
        Script::new()
            .int(GAS_LEFT, &[])
            .then(script)
            .int(GAS_LEFT, &[]),
        3,
    );
    w[0] - w[2]
}

#[test]
fn powmod_and_modexp_work_surcharges() {
    let sched = schedule();
    let mut e256 = [0u8; 32];
    e256[31] = 0x80;
    let powmod = |exp: [u8; 32]| {
        cost_of(
            Script::new()
                .write(0, &u256(3))
                .write(32, &exp)
                .write(64, &u256(1_000_003))
                .int(POWMOD, &[s(0), s(32), s(64), s(96)]),
        )
    };
    assert_eq!(
        powmod(e256) - powmod(u256(1)),
        sched.surcharges().powmod(256) - sched.surcharges().powmod(1)
    );
    // modexp: same lengths, different exponents → the work surcharges differ.
    let big_exp = vec![0xffu8; 40];
    let mut small_exp = vec![0u8; 40];
    small_exp[0] = 1;
    let modexp = |exp: &[u8]| {
        cost_of(
            Script::new()
                .write(0, &[7; 64])
                .write(100, exp)
                .write(200, &[9; 64])
                .int(MODEXP, &[s(0), 64, s(100), 40, s(200), 64, s(300)]),
        )
    };
    let work = |exp: &[u8]| pc::modexp_work_for(&[7; 64], exp, &[9; 64]);
    assert!(work(&big_exp) > work(&small_exp));
    assert_eq!(
        modexp(&big_exp) - modexp(&small_exp),
        sched.surcharges().modexp(work(&big_exp)) - sched.surcharges().modexp(work(&small_exp))
    );
}
