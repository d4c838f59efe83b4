//! Contract storage: `storage_read` (0x70), `storage_write` (0x71),
//! `storage_remove` (0x72), `storage_size` (0x73).
//!
//! Keys and values are byte strings bounded by `limits.storage_key_bytes` and
//! `limits.storage_value_bytes` (a longer one is a limit fault). An empty value
//! is a stored value, distinct from an absent key. Metered lengths follow the
//! gas crate: `key_len + stored value length` for a read (so the value is
//! looked up before charging), `key_len + val_len` for a write (plus
//! `surcharges.storage_new_slot` when the key had no value), `key_len` for
//! remove and size.

use super::args::MINUS_ONE;
use super::guest_bytes::{Scratch, INLINE};
use super::{AbiResult, Flow, Stop, Vector};
use crate::fault::Fault;
use crate::interp::Vm;

pub(super) fn storage(vm: &mut Vm, v: Vector) -> AbiResult {
    let (key_ptr, key_len) = (vm.arg(0), vm.arg(1));
    let key_limit = vm.schedule.limits().storage_key_bytes;
    Vm::within("storage key", key_len, key_limit)?;
    let mut key_buf = Scratch::new();
    let key = vm.read_guest_in(key_ptr, key_len, &mut key_buf)?;
    let me = vm.ctx.self_address;
    match v {
        Vector::StorageRead => {
            let (dst, cap) = (vm.arg(2), vm.arg(3));
            vm.check_out(dst, cap)?;
            // The value goes through a stack window: one lookup, no copy of
            // the value on the heap unless it is longer than the window and
            // the guest asked for more than the window holds.
            let mut window = [0u8; INLINE];
            let seen = cap.min(INLINE as u64) as usize;
            let found = vm.host.storage_read_into(&me, key, &mut window[..seen]);
            let vlen = found.unwrap_or(0);
            vm.charge_vector(v, key_len + vlen)?;
            match found {
                Some(vlen) => {
                    let n = cap.min(vlen) as usize;
                    if n <= seen {
                        vm.write_guest(dst, &window[..n])?;
                    } else {
                        let mut val = vec![0u8; n];
                        vm.host.storage_read_into(&me, key, &mut val);
                        vm.write_guest(dst, &val)?;
                    }
                    vm.ret(vlen);
                }
                None => vm.ret(MINUS_ONE),
            }
        }
        Vector::StorageWrite => {
            let (val_ptr, val_len) = (vm.arg(2), vm.arg(3));
            let value_limit = vm.schedule.limits().storage_value_bytes;
            Vm::within("storage value", val_len, value_limit)?;
            // Copied before charging (in place of a permission check: same
            // faults, and reading has no other effect).
            let mut val_buf = Scratch::new();
            let value = vm.read_guest_in(val_ptr, val_len, &mut val_buf)?;
            let is_new = vm.host.storage_len(&me, key).is_none();
            vm.charge_vector(v, key_len + val_len)?;
            if is_new {
                let surcharge = vm.schedule.surcharges().storage_new_slot;
                vm.charge_extra(surcharge)?;
            }
            vm.host.storage_write(&me, key, value);
        }
        Vector::StorageRemove => {
            vm.charge_vector(v, key_len)?;
            let existed = vm.host.storage_remove(&me, key);
            vm.ret(existed as u64);
        }
        Vector::StorageSize => {
            vm.charge_vector(v, key_len)?;
            vm.ret(vm.host.storage_len(&me, key).unwrap_or(MINUS_ONE));
        }
        _ => return Err(Stop::Fault(Fault::BadVector(v as u8))),
    }
    Ok(Flow::Continue)
}
