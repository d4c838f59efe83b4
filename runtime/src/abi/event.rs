//! `emit_event` (0x38): one 32-byte topic and a data blob, recorded by the host
//! for the current contract. Bounded by `limits.event_data_bytes` per event
//! and `limits.events_per_call` per outermost call (nested calls included;
//! events of rolled-back calls no longer count).

use super::{AbiResult, Flow, Vector};
use crate::interp::Vm;

pub(super) fn emit_event(vm: &mut Vm, v: Vector) -> AbiResult {
    let (topic_ptr, data_ptr, data_len) = (vm.arg(0), vm.arg(1), vm.arg(2));
    let limits = vm.schedule.limits();
    let (data_limit, count_limit) = (limits.event_data_bytes, limits.events_per_call);
    Vm::within("event data", data_len, data_limit)?;
    Vm::within(
        "events per call",
        vm.host.event_count().saturating_add(1),
        count_limit,
    )?;
    vm.check_in(topic_ptr, 32)?;
    vm.check_in(data_ptr, data_len)?;
    vm.charge_vector(v, data_len)?;
    let topic = vm.read32(topic_ptr)?;
    let data = vm.read_guest(data_ptr, data_len)?;
    let me = vm.ctx.self_address;
    vm.host.emit_event(&me, &topic, &data);
    Ok(Flow::Continue)
}
