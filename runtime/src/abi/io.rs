//! Call input/output, gas queries and guest memory helpers.

use super::{AbiResult, Flow, Stop, Vector};
use crate::host::Status;
use crate::interp::Vm;
use std::cmp::Ordering;

pub(super) fn call_io(vm: &mut Vm, v: Vector) -> AbiResult {
    let limits = vm.schedule.limits().clone();
    match v {
        Vector::GasLimit => {
            vm.charge_vector(v, 0)?;
            vm.ret(vm.gas_limit);
        }
        Vector::GasLeft => {
            vm.charge_vector(v, 0)?;
            vm.ret(vm.gas_left());
        }
        Vector::InputSize => {
            vm.charge_vector(v, 0)?;
            vm.ret(vm.input.len() as u64);
        }
        Vector::InputRead => {
            let (dst, offset, len) = (vm.arg(0), vm.arg(1), vm.arg(2));
            // SPEC §3: the whole (dst, len) output pair must be writable, not
            // just the bytes that happen to be copied.
            vm.mem.check(dst, len, crate::fault::Access::Write)?;
            let avail = (vm.input.len() as u64).saturating_sub(offset);
            let n = len.min(avail);
            vm.charge_vector(v, n)?;
            if n > 0 {
                let start = offset as usize;
                let chunk = vm.input[start..start + n as usize].to_vec();
                vm.write_guest(dst, &chunk)?;
            }
            vm.ret(n);
        }
        Vector::SetReturn | Vector::Revert | Vector::Finish => {
            let (ptr, len) = (vm.arg(0), vm.arg(1));
            Vm::within("return data", len, limits.return_bytes)?;
            vm.charge_vector(v, len)?;
            vm.return_data = vm.read_guest(ptr, len)?;
            return Ok(match v {
                Vector::Revert => Flow::End(Status::Reverted),
                Vector::Finish => Flow::End(Status::Success),
                _ => Flow::Continue,
            });
        }
        Vector::DebugPrint => {
            let (ptr, len) = (vm.arg(0), vm.arg(1));
            Vm::within(
                "debug output",
                vm.debug_bytes.saturating_add(len),
                limits.debug_bytes,
            )?;
            vm.charge_vector(v, len)?;
            let bytes = vm.read_guest(ptr, len)?;
            vm.debug_bytes += len;
            vm.debug.push(String::from_utf8_lossy(&bytes).into_owned());
        }
        _ => return Err(Stop::Fault(crate::fault::Fault::BadVector(v as u8))),
    }
    Ok(Flow::Continue)
}

pub(super) fn memory(vm: &mut Vm, v: Vector) -> AbiResult {
    let (a, b, n) = (vm.arg(0), vm.arg(1), vm.arg(2));
    vm.charge_vector(v, n)?;
    match v {
        Vector::Memmove => {
            vm.mem.copy_within(a, b, n)?;
            vm.ret(a);
        }
        Vector::Memcmp => {
            let x = vm.read_guest(a, n)?;
            let y = vm.read_guest(b, n)?;
            let r: i64 = match x.iter().zip(&y).find(|(p, q)| p != q) {
                None => 0,
                Some((p, q)) => match p.cmp(q) {
                    Ordering::Less => -1,
                    _ => 1,
                },
            };
            vm.ret(r as u64);
        }
        Vector::Memset => {
            vm.mem.check(a, n, crate::fault::Access::Write)?;
            let fill = vec![b as u8; n as usize];
            vm.mem.write_bytes(a, &fill)?;
            vm.ret(a);
        }
        _ => return Err(Stop::Fault(crate::fault::Fault::BadVector(v as u8))),
    }
    Ok(Flow::Continue)
}
