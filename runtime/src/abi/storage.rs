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
use super::{AbiResult, Flow, Stop, Vector};
use crate::fault::Fault;
use crate::interp::Vm;

pub(super) fn storage(vm: &mut Vm, v: Vector) -> AbiResult {
    let (key_ptr, key_len) = (vm.arg(0), vm.arg(1));
    let key_limit = vm.schedule.limits().storage_key_bytes;
    Vm::within("storage key", key_len, key_limit)?;
    vm.check_in(key_ptr, key_len)?;
    let key = vm.read_guest(key_ptr, key_len)?;
    let me = vm.ctx.self_address;
    match v {
        Vector::StorageRead => {
            let (dst, cap) = (vm.arg(2), vm.arg(3));
            vm.check_out(dst, cap)?;
            let value = vm.host.storage_read(&me, &key);
            let vlen = value.as_ref().map_or(0, |x| x.len() as u64);
            vm.charge_vector(v, key_len + vlen)?;
            match value {
                Some(val) => {
                    let n = (cap.min(vlen)) as usize;
                    vm.write_guest(dst, &val[..n])?;
                    vm.ret(vlen);
                }
                None => vm.ret(MINUS_ONE),
            }
        }
        Vector::StorageWrite => {
            let (val_ptr, val_len) = (vm.arg(2), vm.arg(3));
            let value_limit = vm.schedule.limits().storage_value_bytes;
            Vm::within("storage value", val_len, value_limit)?;
            vm.check_in(val_ptr, val_len)?;
            let is_new = vm.host.storage_len(&me, &key).is_none();
            vm.charge_vector(v, key_len + val_len)?;
            if is_new {
                let surcharge = vm.schedule.surcharges().storage_new_slot;
                vm.charge_extra(surcharge)?;
            }
            let value = vm.read_guest(val_ptr, val_len)?;
            vm.host.storage_write(&me, &key, &value);
        }
        Vector::StorageRemove => {
            vm.charge_vector(v, key_len)?;
            let existed = vm.host.storage_remove(&me, &key);
            vm.ret(existed as u64);
        }
        Vector::StorageSize => {
            vm.charge_vector(v, key_len)?;
            vm.ret(vm.host.storage_len(&me, &key).unwrap_or(MINUS_ONE));
        }
        _ => return Err(Stop::Fault(Fault::BadVector(v as u8))),
    }
    Ok(Flow::Continue)
}
