//! Nested calls: `call` (0x30), `return_data_size` (0x31), `return_data_read` (0x32).
//!
//! `call` charges its base, `per_byte·input_len` and, for a non-zero value,
//! `surcharges.call_value_transfer`; then forwards `min(requested, gas_left)`
//! to the callee and charges the caller whatever the callee used. The callee
//! runs in the host (which rolls its changes back unless it succeeds); its
//! return data (success or revert) is kept for `return_data_*` until the next
//! `call`. Results: 0 success, 1 reverted, 2 failed (out of gas, fault, value
//! short, or the depth limit).

use super::{AbiResult, Flow, Stop, Vector};
use crate::fault::Fault;
use crate::host::Status;
use crate::interp::Vm;

pub const CALL_SUCCESS: u64 = 0;
pub const CALL_REVERTED: u64 = 1;
pub const CALL_FAILED: u64 = 2;

pub(super) fn call(vm: &mut Vm, v: Vector) -> AbiResult {
    match v {
        Vector::Call => nested_call(vm)?,
        Vector::ReturnDataSize => {
            vm.charge_vector(v, 0)?;
            vm.ret(vm.last_return.len() as u64);
        }
        Vector::ReturnDataRead => {
            let (dst, offset, len) = (vm.arg(0), vm.arg(1), vm.arg(2));
            vm.check_out(dst, len)?;
            let avail = (vm.last_return.len() as u64).saturating_sub(offset);
            let n = len.min(avail);
            vm.charge_vector(v, n)?;
            if n > 0 {
                // offset < len(last_return) here, so the slice is in bounds.
                let start = offset as usize;
                let chunk = vm.last_return[start..start + n as usize].to_vec();
                vm.write_guest(dst, &chunk)?;
            }
            vm.ret(n);
        }
        _ => return Err(Stop::Fault(Fault::BadVector(v as u8))),
    }
    Ok(Flow::Continue)
}

fn nested_call(vm: &mut Vm) -> Result<(), Stop> {
    let (addr_ptr, input_ptr, input_len, gas, value_ptr) =
        (vm.arg(0), vm.arg(1), vm.arg(2), vm.arg(3), vm.arg(4));
    let limits = vm.schedule.limits();
    let (input_limit, depth_limit) = (limits.input_bytes, limits.call_depth);
    Vm::within("call input", input_len, input_limit)?;
    vm.check_in(addr_ptr, 32)?;
    vm.check_in(input_ptr, input_len)?;
    vm.check_in(value_ptr, 16)?;
    let value = vm.read_amount(value_ptr)?;
    vm.charge_vector(Vector::Call, input_len)?;
    if value != 0 {
        let surcharge = vm.schedule.surcharges().call_value_transfer;
        vm.charge_extra(surcharge)?;
    }
    let to = vm.read32(addr_ptr)?;
    let input = vm.read_guest(input_ptr, input_len)?;
    vm.last_return.clear();
    // The outermost call is nesting level 1 (depth 0); the callee would be
    // level depth + 2.
    if u64::from(vm.ctx.depth) + 2 > depth_limit {
        vm.ret(CALL_FAILED);
        return Ok(());
    }
    let forwarded = gas.min(vm.gas_left());
    let ctx = vm.ctx.clone();
    let result = vm.host.call(&ctx, &to, &input, forwarded, value);
    // The host never reports more than it was given; clamp defensively so a
    // faulty host cannot make the caller's meter wrap.
    vm.charge_extra(result.gas_used.min(forwarded))?;
    let code = match result.status {
        Status::Success => CALL_SUCCESS,
        Status::Reverted => CALL_REVERTED,
        Status::OutOfGas | Status::Fault => CALL_FAILED,
    };
    if matches!(result.status, Status::Success | Status::Reverted) {
        vm.last_return = result.return_data;
    }
    vm.ret(code);
    Ok(())
}
