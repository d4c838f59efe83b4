//! Chain and call context: `balance` (0x20), `transfer` (0x21), `block_hash`
//! (0x24), `block_author` (0x25), `block_height` (0x27), `block_timestamp`
//! (0x28), `call_value` (0x29), `caller` (0x2A), `origin` (0x2B),
//! `self_address` (0x2C), `is_deploy` (0x2E). None of them has a metered
//! length: each costs its vector's base.

use super::args::MINUS_ONE;
use super::{AbiResult, Flow, Stop, Vector};
use crate::fault::Fault;
use crate::interp::Vm;

pub(super) fn context(vm: &mut Vm, v: Vector) -> AbiResult {
    match v {
        Vector::Balance => {
            let (addr_ptr, out) = (vm.arg(0), vm.arg(1));
            vm.check_in(addr_ptr, 32)?;
            vm.check_out(out, 16)?;
            vm.charge_vector(v, 0)?;
            let addr = vm.read32(addr_ptr)?;
            let balance = vm.host.balance(&addr);
            vm.write_guest(out, &balance.to_le_bytes())?;
        }
        Vector::Transfer => {
            let (to_ptr, amount_ptr) = (vm.arg(0), vm.arg(1));
            vm.check_in(to_ptr, 32)?;
            vm.check_in(amount_ptr, 16)?;
            vm.charge_vector(v, 0)?;
            let to = vm.read32(to_ptr)?;
            let amount = vm.read_amount(amount_ptr)?;
            let from = vm.ctx.self_address;
            let ok = vm.host.transfer(&from, &to, amount);
            vm.ret(if ok { 0 } else { MINUS_ONE });
        }
        Vector::BlockHash => {
            let (height, out) = (vm.arg(0), vm.arg(1));
            vm.check_out(out, 32)?;
            vm.charge_vector(v, 0)?;
            match vm.host.block_hash(height) {
                Some(h) => {
                    vm.write_guest(out, &h)?;
                    vm.ret(0);
                }
                None => vm.ret(MINUS_ONE),
            }
        }
        Vector::BlockAuthor => {
            let out = vm.arg(0);
            vm.check_out(out, 32)?;
            vm.charge_vector(v, 0)?;
            let author = vm.host.block().author;
            vm.write_guest(out, &author)?;
        }
        Vector::BlockHeight => {
            vm.charge_vector(v, 0)?;
            vm.ret(vm.host.block().height);
        }
        Vector::BlockTimestamp => {
            vm.charge_vector(v, 0)?;
            vm.ret(vm.host.block().timestamp_ms);
        }
        Vector::CallValue => {
            let out = vm.arg(0);
            vm.check_out(out, 16)?;
            vm.charge_vector(v, 0)?;
            let value = vm.ctx.value;
            vm.write_guest(out, &value.to_le_bytes())?;
        }
        Vector::Caller | Vector::Origin | Vector::SelfAddress => {
            let out = vm.arg(0);
            vm.check_out(out, 32)?;
            vm.charge_vector(v, 0)?;
            let addr = match v {
                Vector::Caller => vm.ctx.caller,
                Vector::Origin => vm.ctx.origin,
                _ => vm.ctx.self_address,
            };
            vm.write_guest(out, &addr)?;
        }
        Vector::IsDeploy => {
            vm.charge_vector(v, 0)?;
            vm.ret(vm.ctx.is_deploy as u64);
        }
        _ => return Err(Stop::Fault(Fault::BadVector(v as u8))),
    }
    Ok(Flow::Continue)
}
