//! u256 operations (ruint underneath) against num-bigint on many thousands of
//! seeded random operands, plus the documented edge cases.

mod common;

use common::Rng;
use echovm_precompiles::{
    modexp, u256_addmod, u256_divmod, u256_mul_wide, u256_mulmod, u256_powmod, u256_powmod_work,
};
use num_bigint::BigUint;
use num_traits::{One, Zero};

const CASES: usize = 20_000;

fn big(le: &[u8]) -> BigUint {
    BigUint::from_bytes_le(le)
}

fn le<const N: usize>(value: &BigUint) -> [u8; N] {
    let bytes = value.to_bytes_le();
    assert!(bytes.len() <= N, "reference result fits in {N} bytes");
    let mut out = [0u8; N];
    out[..bytes.len()].copy_from_slice(&bytes);
    out
}

/// Square-and-multiply with plain multiplication and `%`: deliberately not
/// `BigUint::modpow` (Montgomery for odd moduli) nor ruint's loop.
fn reference_powmod(base: &BigUint, exp: &BigUint, m: &BigUint) -> BigUint {
    if m.is_zero() {
        return BigUint::zero();
    }
    let mut result = BigUint::one() % m;
    let mut square = base % m;
    for bit in 0..exp.bits() {
        if exp.bit(bit) {
            result = (&result * &square) % m;
        }
        square = (&square * &square) % m;
    }
    result
}

#[test]
fn mulmod_addmod_match_num_bigint() {
    let mut rng = Rng::new(0x6d75_6c6d_6f64);
    for i in 0..CASES {
        let (a, b, m) = (rng.u256(), rng.u256(), rng.u256());
        let (ba, bb, bm) = (big(&a), big(&b), big(&m));
        let (want_mul, want_add) = if bm.is_zero() {
            (BigUint::zero(), BigUint::zero())
        } else {
            ((&ba * &bb) % &bm, (&ba + &bb) % &bm)
        };
        assert_eq!(
            u256_mulmod(&a, &b, &m),
            le::<32>(&want_mul),
            "case {i}: {a:02x?} {b:02x?} {m:02x?}"
        );
        assert_eq!(
            u256_addmod(&a, &b, &m),
            le::<32>(&want_add),
            "case {i}: {a:02x?} {b:02x?} {m:02x?}"
        );
    }
}

#[test]
fn mulmod_by_all_ones_modulus_matches_num_bigint() {
    // ruint takes a dedicated path for m = 2^256 − 1; hit it on purpose.
    let mut rng = Rng::new(0xff);
    let m = [0xFFu8; 32];
    for i in 0..CASES / 4 {
        let (a, b) = (rng.u256(), rng.u256());
        let want = (big(&a) * big(&b)) % big(&m);
        assert_eq!(u256_mulmod(&a, &b, &m), le::<32>(&want), "case {i}");
        let want = (big(&a) + big(&b)) % big(&m);
        assert_eq!(u256_addmod(&a, &b, &m), le::<32>(&want), "case {i}");
    }
}

#[test]
fn powmod_matches_reference_and_modexp() {
    let mut rng = Rng::new(0x706f_776d_6f64);
    for i in 0..CASES / 4 {
        let (base, exp, m) = (rng.u256(), rng.u256(), rng.u256());
        let want = le::<32>(&reference_powmod(&big(&base), &big(&exp), &big(&m)));
        assert_eq!(
            u256_powmod(&base, &exp, &m),
            want,
            "case {i}: {base:02x?} {exp:02x?} {m:02x?}"
        );
        // modexp (num-bigint) is an independent implementation of the same
        // function for 32-byte operands.
        assert_eq!(modexp(&base, &exp, &m), want.to_vec(), "case {i}");
    }
}

#[test]
fn divmod_and_mul_wide_match_num_bigint() {
    let mut rng = Rng::new(0x6469_766d_6f64);
    for i in 0..CASES {
        let (a, b) = (rng.u256(), rng.u256());
        let (ba, bb) = (big(&a), big(&b));
        match u256_divmod(&a, &b) {
            None => assert!(bb.is_zero(), "case {i}: None only for b = 0"),
            Some((q, r)) => {
                assert_eq!(q, le::<32>(&(&ba / &bb)), "case {i}");
                assert_eq!(r, le::<32>(&(&ba % &bb)), "case {i}");
            }
        }
        assert_eq!(u256_mul_wide(&a, &b), le::<64>(&(&ba * &bb)), "case {i}");
    }
}

fn small(v: u64) -> [u8; 32] {
    let mut out = [0u8; 32];
    out[..8].copy_from_slice(&v.to_le_bytes());
    out
}

const ZERO: [u8; 32] = [0; 32];
const ONES: [u8; 32] = [0xFF; 32];

#[test]
fn modulus_zero_gives_zero() {
    for (a, b) in [(small(5), small(7)), (ONES, ONES), (ZERO, ZERO)] {
        assert_eq!(u256_mulmod(&a, &b, &ZERO), ZERO);
        assert_eq!(u256_addmod(&a, &b, &ZERO), ZERO);
        assert_eq!(u256_powmod(&a, &b, &ZERO), ZERO);
    }
    assert_eq!(
        u256_powmod(&ZERO, &ZERO, &ZERO),
        ZERO,
        "0^0 mod 0 is still 0"
    );
}

#[test]
fn modulus_one_gives_zero() {
    let one = small(1);
    assert_eq!(u256_mulmod(&ONES, &ONES, &one), ZERO);
    assert_eq!(u256_addmod(&ONES, &ONES, &one), ZERO);
    assert_eq!(
        u256_powmod(&small(3), &ZERO, &one),
        ZERO,
        "x^0 = 1, and 1 mod 1 = 0"
    );
}

#[test]
fn exponent_zero_gives_one_mod_m_including_zero_to_the_zero() {
    assert_eq!(u256_powmod(&ZERO, &ZERO, &small(7)), small(1));
    assert_eq!(u256_powmod(&ONES, &ZERO, &ONES), small(1));
    assert_eq!(u256_powmod(&small(0), &small(5), &small(7)), ZERO);
}

#[test]
fn all_ones_operands() {
    // (2^256−1)^2 = 2^512 − 2^257 + 1: low half 1, high half 2^256 − 2.
    let wide = u256_mul_wide(&ONES, &ONES);
    let mut want = [0u8; 64];
    want[0] = 1;
    want[32] = 0xFE;
    want[33..].fill(0xFF);
    assert_eq!(wide, want);
    // (2^256−1) + (2^256−1) needs the 257th bit: mod (2^256−2) it is 2.
    let mut m = ONES;
    m[0] = 0xFE;
    assert_eq!(u256_addmod(&ONES, &ONES, &m), small(2));
    // (2^256−1)^2 mod (2^256−2) = 1 (since 2^256−1 ≡ 1).
    assert_eq!(u256_mulmod(&ONES, &ONES, &m), small(1));
    assert_eq!(u256_powmod(&ONES, &ONES, &m), small(1));
    // Anything mod 2^256−1 with a = 2^256−1 is 0.
    assert_eq!(u256_mulmod(&ONES, &small(12345), &ONES), ZERO);
    assert_eq!(u256_divmod(&ONES, &ONES), Some((small(1), ZERO)));
    assert_eq!(u256_divmod(&ONES, &small(1)), Some((ONES, ZERO)));
}

#[test]
fn divmod_by_zero_is_none() {
    assert_eq!(u256_divmod(&small(1), &ZERO), None);
    assert_eq!(u256_divmod(&ZERO, &ZERO), None);
    assert_eq!(u256_divmod(&ZERO, &small(3)), Some((ZERO, ZERO)));
    assert_eq!(
        u256_divmod(&small(17), &small(5)),
        Some((small(3), small(2)))
    );
}

#[test]
fn little_endian_layout() {
    // 2^64 is limb 1 = 1: byte 8 set.
    let mut two_64 = ZERO;
    two_64[8] = 1;
    let mut two_128 = [0u8; 64];
    two_128[16] = 1;
    assert_eq!(u256_mul_wide(&two_64, &two_64), two_128);
}

#[test]
fn powmod_work_is_the_exponent_bit_length() {
    assert_eq!(u256_powmod_work(&ZERO), 0);
    assert_eq!(u256_powmod_work(&small(1)), 1);
    assert_eq!(u256_powmod_work(&small(0x10001)), 17);
    assert_eq!(u256_powmod_work(&ONES), 256);
    let mut top = ZERO;
    top[31] = 0x80;
    assert_eq!(u256_powmod_work(&top), 256);
    let mut rng = Rng::new(0x776f726b);
    for _ in 0..1000 {
        let e = rng.u256();
        assert_eq!(u256_powmod_work(&e), big(&e).bits());
    }
}
