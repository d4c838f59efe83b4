//! Sign with k256, then recover and verify through the precompile functions;
//! plus the documented edge rules (recovery ids, r/s ranges, key encodings).

mod common;

use common::{unhex, Rng};
use echovm_precompiles::{secp256k1_recover, secp256k1_verify};
use k256::ecdsa::SigningKey;
use k256::elliptic_curve::PrimeField;
use k256::{FieldBytes, Scalar};

/// The secp256k1 group order n, big-endian (SEC 2, §2.4.1).
const ORDER: &str = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

struct Signed {
    hash: [u8; 32],
    sig: [u8; 64],
    recid: u64,
    /// SEC1 uncompressed, with the 0x04 prefix.
    uncompressed: Vec<u8>,
    compressed: Vec<u8>,
}

fn sign(rng: &mut Rng) -> Signed {
    let key = loop {
        if let Ok(key) = SigningKey::from_slice(&rng.bytes(32)) {
            break key;
        }
    };
    let hash: [u8; 32] = rng.bytes(32).try_into().expect("32");
    let (sig, recid) = key.sign_prehash_recoverable(&hash).expect("signs");
    let public = key.verifying_key();
    Signed {
        hash,
        sig: sig.to_bytes().into(),
        recid: u64::from(recid.to_byte()),
        uncompressed: public.to_encoded_point(false).as_bytes().to_vec(),
        compressed: public.to_encoded_point(true).as_bytes().to_vec(),
    }
}

fn negate_s(sig: &[u8; 64]) -> [u8; 64] {
    let s_bytes: [u8; 32] = sig[32..].try_into().expect("32");
    let s = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(s_bytes))).expect("s < n");
    let mut out = *sig;
    out[32..].copy_from_slice(&(-s).to_bytes());
    out
}

#[test]
fn sign_then_recover_and_verify() {
    let mut rng = Rng::new(0x0005_ec92_56b1);
    for round in 0..300 {
        let s = sign(&mut rng);
        let xy = secp256k1_recover(&s.hash, &s.sig, s.recid).expect("recovers");
        assert_eq!(xy[..], s.uncompressed[1..], "round {round}");
        // The other parity yields a different key (or none).
        assert_ne!(
            secp256k1_recover(&s.hash, &s.sig, s.recid ^ 1),
            Some(xy),
            "round {round}"
        );

        assert_eq!(
            secp256k1_verify(&s.hash, &s.sig, &s.uncompressed),
            1,
            "round {round}"
        );
        assert_eq!(
            secp256k1_verify(&s.hash, &s.sig, &s.compressed),
            1,
            "round {round}"
        );
        assert_eq!(secp256k1_verify(&s.hash, &s.sig, &xy), 1, "round {round}");

        let mut other_hash = s.hash;
        other_hash[rng.below(32) as usize] ^= 1 << rng.below(8);
        assert_eq!(
            secp256k1_verify(&other_hash, &s.sig, &s.compressed),
            0,
            "round {round}"
        );
        let mut other_sig = s.sig;
        other_sig[63] ^= 1;
        assert_eq!(
            secp256k1_verify(&s.hash, &other_sig, &s.compressed),
            0,
            "round {round}"
        );
    }
}

#[test]
fn k256_signs_low_s_and_the_high_s_twin_recovers_but_does_not_verify() {
    let mut rng = Rng::new(0x4869_6768);
    for round in 0..100 {
        let s = sign(&mut rng);
        let high = negate_s(&s.sig);
        assert_eq!(
            secp256k1_verify(&s.hash, &high, &s.compressed),
            0,
            "round {round}"
        );
        let xy = secp256k1_recover(&s.hash, &high, s.recid ^ 1).expect("high s recovers");
        assert_eq!(xy[..], s.uncompressed[1..], "round {round}");
    }
}

#[test]
fn verify_with_another_signers_key_is_invalid() {
    let mut rng = Rng::new(7);
    let a = sign(&mut rng);
    let b = sign(&mut rng);
    assert_eq!(secp256k1_verify(&a.hash, &a.sig, &b.compressed), 0);
    assert_eq!(secp256k1_verify(&a.hash, &a.sig, &b.uncompressed), 0);
}

#[test]
fn recovery_ids_outside_0_to_3_are_rejected() {
    let mut rng = Rng::new(0x52_6563);
    let s = sign(&mut rng);
    for recid in [4, 27, 28, 255, 256, 1 << 32, u64::MAX] {
        assert_eq!(
            secp256k1_recover(&s.hash, &s.sig, recid),
            None,
            "recid {recid}"
        );
    }
    // Ids 2 and 3 mean "r was reduced mod n": for an honest signature the
    // restored x = r + n almost never names a point with the right key.
    for recid in [2, 3] {
        let got = secp256k1_recover(&s.hash, &s.sig, recid);
        assert_ne!(
            got.map(|xy| xy.to_vec()),
            Some(s.uncompressed[1..].to_vec())
        );
    }
}

#[test]
fn out_of_range_r_or_s_is_malformed() {
    let mut rng = Rng::new(0x7273);
    let s = sign(&mut rng);
    let order = unhex(ORDER);
    let mut order_plus_one = order.clone();
    order_plus_one[31] += 1;
    let bad_values: [Vec<u8>; 4] = [vec![0u8; 32], order.clone(), order_plus_one, vec![0xFF; 32]];
    for bad in &bad_values {
        for half in [0usize, 32] {
            let mut sig = s.sig;
            sig[half..half + 32].copy_from_slice(bad);
            assert_eq!(
                secp256k1_verify(&s.hash, &sig, &s.compressed),
                -1,
                "{half} {bad:02x?}"
            );
            for recid in 0..4 {
                assert_eq!(
                    secp256k1_recover(&s.hash, &sig, recid),
                    None,
                    "{half} {bad:02x?}"
                );
            }
        }
    }
    // n − 1 is in range: no longer malformed, merely a wrong signature.
    let mut n_minus_one = order.clone();
    n_minus_one[31] -= 1;
    let mut sig = s.sig;
    sig[..32].copy_from_slice(&n_minus_one);
    assert_eq!(secp256k1_verify(&s.hash, &sig, &s.compressed), 0);
}

#[test]
fn public_key_encodings_outside_the_three_forms_are_malformed() {
    let mut rng = Rng::new(0x6b6579);
    let s = sign(&mut rng);
    let xy = &s.uncompressed[1..];
    // Wrong prefixes for the length.
    let mut c = s.compressed.clone();
    c[0] = 0x04;
    assert_eq!(secp256k1_verify(&s.hash, &s.sig, &c), -1);
    let mut u = s.uncompressed.clone();
    u[0] = 0x02;
    assert_eq!(secp256k1_verify(&s.hash, &s.sig, &u), -1);
    // SEC1 "hybrid" encodings (0x06/0x07) are not among the accepted forms.
    for hybrid in [0x06, 0x07] {
        u[0] = hybrid;
        assert_eq!(secp256k1_verify(&s.hash, &s.sig, &u), -1);
    }
    // Every other length.
    for len in [0usize, 1, 32, 63, 66, 96, 128] {
        let key: Vec<u8> = s.uncompressed.iter().copied().cycle().take(len).collect();
        assert_eq!(secp256k1_verify(&s.hash, &s.sig, &key), -1, "len {len}");
    }
    // A point off the curve: y + 1.
    let mut off = xy.to_vec();
    off[63] ^= 1;
    assert_eq!(secp256k1_verify(&s.hash, &s.sig, &off), -1);
    // x ≥ p, and the identity-like all-zero key.
    assert_eq!(secp256k1_verify(&s.hash, &s.sig, &[0xFF; 64]), -1);
    assert_eq!(secp256k1_verify(&s.hash, &s.sig, &[0u8; 64]), -1);
    let mut compressed_zero = [0u8; 33];
    compressed_zero[0] = 0x02;
    assert_eq!(secp256k1_verify(&s.hash, &s.sig, &compressed_zero), -1);
}

#[test]
fn recovery_of_an_x_with_no_curve_point_fails() {
    // x = 5 is not the x of any secp256k1 point (5³ + 7 = 132 is a
    // non-residue mod p), so no recovery id can succeed with r = 5.
    let mut sig = [0u8; 64];
    sig[31] = 5;
    sig[63] = 1;
    let hash = [0x11u8; 32];
    for recid in 0..4 {
        assert_eq!(secp256k1_recover(&hash, &sig, recid), None, "recid {recid}");
    }
}

#[test]
fn recovery_ids_2_and_3_restore_an_x_coordinate_above_the_order() {
    use k256::elliptic_curve::point::{AffineCoordinates, DecompressPoint};
    use k256::elliptic_curve::sec1::ToEncodedPoint;
    use k256::elliptic_curve::subtle::Choice;
    use k256::{AffinePoint, ProjectivePoint};

    // Build the rare case by hand: a nonce point R whose x lies in [n, p), so
    // the signature's r = x − n. Pick s and z, then the key that makes
    // (r, s) valid is Q = r⁻¹·(s·R − z·G); recovery with id 2 + parity(R.y)
    // must return it, and the plain ids must not.
    let order = unhex(ORDER);
    let mut x = order.clone();
    let point = loop {
        x[31] = x[31].wrapping_add(1); // stays below p: p − n ≈ 2^128
        let candidate = AffinePoint::decompress(
            &FieldBytes::from(<[u8; 32]>::try_from(x.as_slice()).expect("32")),
            Choice::from(0),
        );
        if let Some(point) = Option::<AffinePoint>::from(candidate) {
            break point;
        }
    };
    let r_big = num_bigint::BigUint::from_bytes_be(&x) - num_bigint::BigUint::from_bytes_be(&order);
    let mut r_bytes = [0u8; 32];
    let r_be = r_big.to_bytes_be();
    r_bytes[32 - r_be.len()..].copy_from_slice(&r_be);
    let r = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(r_bytes))).expect("r < n");
    let s = Scalar::from(0x1234_5678_9abc_def1u64);
    let hash = [0x42u8; 32];
    let z = Option::<Scalar>::from(Scalar::from_repr(FieldBytes::from(hash))).expect("z < n");
    let r_inv = Option::<Scalar>::from(r.invert()).expect("r ≠ 0");
    let q = (ProjectivePoint::from(point) * s - ProjectivePoint::GENERATOR * z) * r_inv;
    let q_bytes = q.to_affine().to_encoded_point(false);

    let mut sig = [0u8; 64];
    sig[..32].copy_from_slice(&r_bytes);
    sig[32..].copy_from_slice(&s.to_bytes());
    let parity = u64::from(bool::from(point.y_is_odd()));
    let recovered = secp256k1_recover(&hash, &sig, 2 + parity).expect("x-reduced id recovers");
    assert_eq!(recovered[..], q_bytes.as_bytes()[1..]);
    assert_ne!(secp256k1_recover(&hash, &sig, parity), Some(recovered));
    // s is low, so the same key verifies the signature.
    assert_eq!(secp256k1_verify(&hash, &sig, &recovered), 1);
}
