//! Hashes, signatures and big-number math (0x80–0x95), computed by the
//! `echovm-precompiles` crate. This file only checks the guest pointers,
//! charges gas (vector cost plus the `powmod`/`modexp` work surcharges) and
//! copies bytes in and out.

use super::args::MINUS_ONE;
use super::{AbiResult, Flow, Stop, Vector};
use crate::fault::Fault;
use crate::interp::Vm;
use echovm_precompiles as pc;

pub(super) fn crypto(vm: &mut Vm, v: Vector) -> AbiResult {
    match v {
        Vector::Keccak256 | Vector::Sha256 => {
            let (ptr, len, out) = (vm.arg(0), vm.arg(1), vm.arg(2));
            vm.check_in(ptr, len)?;
            vm.check_out(out, 32)?;
            vm.charge_vector(v, len)?;
            let data = vm.read_guest(ptr, len)?;
            let h = if v == Vector::Keccak256 {
                pc::keccak256(&data)
            } else {
                pc::sha256(&data)
            };
            vm.write_guest(out, &h)?;
        }
        Vector::Secp256k1Recover => {
            let (hash_ptr, sig_ptr, recid, out) = (vm.arg(0), vm.arg(1), vm.arg(2), vm.arg(3));
            vm.check_in(hash_ptr, 32)?;
            vm.check_in(sig_ptr, 64)?;
            vm.check_out(out, 64)?;
            vm.charge_vector(v, 0)?;
            let hash = vm.read32(hash_ptr)?;
            let sig = vm.read_array::<64>(sig_ptr)?;
            match pc::secp256k1_recover(&hash, &sig, recid) {
                Some(key) => {
                    vm.write_guest(out, &key)?;
                    vm.ret(0);
                }
                None => vm.ret(MINUS_ONE),
            }
        }
        Vector::Secp256k1Verify => {
            let (hash_ptr, sig_ptr, key_ptr, key_len) =
                (vm.arg(0), vm.arg(1), vm.arg(2), vm.arg(3));
            vm.check_in(hash_ptr, 32)?;
            vm.check_in(sig_ptr, 64)?;
            vm.check_in(key_ptr, key_len)?;
            vm.charge_vector(v, 0)?;
            let hash = vm.read32(hash_ptr)?;
            let sig = vm.read_array::<64>(sig_ptr)?;
            // Only 33, 64 and 65 byte keys can be valid; do not copy anything longer.
            let r = if matches!(key_len, 33 | 64 | 65) {
                let key = vm.read_guest(key_ptr, key_len)?;
                pc::secp256k1_verify(&hash, &sig, &key)
            } else {
                pc::VERIFY_MALFORMED
            };
            vm.ret(r as u64);
        }
        Vector::U256Mulmod | Vector::U256Addmod | Vector::U256Powmod => {
            let (a_ptr, b_ptr, m_ptr, out) = (vm.arg(0), vm.arg(1), vm.arg(2), vm.arg(3));
            for p in [a_ptr, b_ptr, m_ptr] {
                vm.check_in(p, 32)?;
            }
            vm.check_out(out, 32)?;
            vm.charge_vector(v, 0)?;
            let (a, b, m) = (vm.read32(a_ptr)?, vm.read32(b_ptr)?, vm.read32(m_ptr)?);
            let r = match v {
                Vector::U256Mulmod => pc::u256_mulmod(&a, &b, &m),
                Vector::U256Addmod => pc::u256_addmod(&a, &b, &m),
                _ => {
                    let surcharge = vm.schedule.surcharges().powmod(pc::u256_powmod_work(&b));
                    vm.charge_extra(surcharge)?;
                    pc::u256_powmod(&a, &b, &m)
                }
            };
            vm.write_guest(out, &r)?;
        }
        Vector::U256Divmod => {
            let (a_ptr, b_ptr, q_out, r_out) = (vm.arg(0), vm.arg(1), vm.arg(2), vm.arg(3));
            vm.check_in(a_ptr, 32)?;
            vm.check_in(b_ptr, 32)?;
            vm.check_out(q_out, 32)?;
            vm.check_out(r_out, 32)?;
            vm.charge_vector(v, 0)?;
            let (a, b) = (vm.read32(a_ptr)?, vm.read32(b_ptr)?);
            match pc::u256_divmod(&a, &b) {
                Some((q, r)) => {
                    vm.write_guest(q_out, &q)?;
                    vm.write_guest(r_out, &r)?;
                    vm.ret(0);
                }
                None => vm.ret(MINUS_ONE),
            }
        }
        Vector::U256MulWide => {
            let (a_ptr, b_ptr, out) = (vm.arg(0), vm.arg(1), vm.arg(2));
            vm.check_in(a_ptr, 32)?;
            vm.check_in(b_ptr, 32)?;
            vm.check_out(out, 64)?;
            vm.charge_vector(v, 0)?;
            let (a, b) = (vm.read32(a_ptr)?, vm.read32(b_ptr)?);
            vm.write_guest(out, &pc::u256_mul_wide(&a, &b))?;
        }
        Vector::Modexp => modexp(vm)?,
        _ => return Err(Stop::Fault(Fault::BadVector(v as u8))),
    }
    Ok(Flow::Continue)
}

/// `modexp(base, base_len, exp, exp_len, mod, mod_len, out)`: charged for the
/// three lengths first, then for `modexp_work` (which needs the exponent's
/// leading bytes), then computed.
fn modexp(vm: &mut Vm) -> Result<(), Stop> {
    let (b_ptr, b_len, e_ptr, e_len) = (vm.arg(0), vm.arg(1), vm.arg(2), vm.arg(3));
    let (m_ptr, m_len, out) = (vm.arg(4), vm.arg(5), vm.arg(6));
    vm.check_in(b_ptr, b_len)?;
    vm.check_in(e_ptr, e_len)?;
    vm.check_in(m_ptr, m_len)?;
    vm.check_out(out, m_len)?;
    vm.charge_vector(
        Vector::Modexp,
        b_len.saturating_add(e_len).saturating_add(m_len),
    )?;
    // The exponent's most significant 32 bytes are its last 32 (little-endian).
    let head_len = e_len.min(32);
    let head = vm.read_guest(e_ptr + (e_len - head_len), head_len)?;
    let work = pc::modexp_work(b_len, e_len, m_len, &head);
    let surcharge = vm.schedule.surcharges().modexp(work);
    vm.charge_extra(surcharge)?;
    let base = vm.read_guest(b_ptr, b_len)?;
    let exp = vm.read_guest(e_ptr, e_len)?;
    let modulus = vm.read_guest(m_ptr, m_len)?;
    let r = pc::modexp(&base, &exp, &modulus);
    vm.write_guest(out, &r)?;
    Ok(())
}
