//! Heap interrupts: `heap_alloc` (0x11), `heap_realloc` (0x12), `heap_free` (0x13).
//!
//! Placement is [`crate::heap::Heap`]'s job; this file maps the heap region's
//! new pages, charging `surcharges.heap_page` per 4 KiB page of new high-water
//! mark *before* the region grows, within `limits.heap_bytes` and the guest
//! memory limit. A request that cannot be met returns 0 (SPEC §3) and leaves
//! memory and the allocator unchanged.

use super::{AbiResult, Flow, Stop, Vector};
use crate::fault::Fault;
use crate::heap::Realloc;
use crate::interp::Vm;
use crate::memory::{RegionKind, PAGE};

pub(super) fn heap(vm: &mut Vm, v: Vector) -> AbiResult {
    match v {
        Vector::HeapAlloc => {
            let size = vm.arg(0);
            vm.charge_vector(v, 0)?;
            let mut heap = std::mem::take(&mut vm.heap);
            let r = heap.alloc(size, |top| grow_region(vm, top));
            vm.heap = heap;
            vm.ret(r?.unwrap_or(0));
        }
        Vector::HeapRealloc => {
            let (ptr, size) = (vm.arg(0), vm.arg(1));
            vm.charge_vector(v, size)?;
            if ptr == 0 {
                // realloc(NULL, n) is malloc(n), as in C.
                let mut heap = std::mem::take(&mut vm.heap);
                let r = heap.alloc(size, |top| grow_region(vm, top));
                vm.heap = heap;
                vm.ret(r?.unwrap_or(0));
                return Ok(Flow::Continue);
            }
            let mut heap = std::mem::take(&mut vm.heap);
            let r = heap.realloc(ptr, size, |top| grow_region(vm, top));
            vm.heap = heap;
            let result = match r?.map_err(|e| Stop::Fault(Fault::Abi(e.to_string())))? {
                Realloc::InPlace(p) => p,
                Realloc::Moved { from, to, copy } => {
                    // Both blocks lie inside the mapped heap region (read-write).
                    vm.mem.copy_within(to, from, copy)?;
                    to
                }
                Realloc::Failed => 0,
            };
            vm.ret(result);
        }
        Vector::HeapFree => {
            let ptr = vm.arg(0);
            vm.charge_vector(v, 0)?;
            vm.heap
                .free(ptr)
                .map_err(|e| Stop::Fault(Fault::Abi(e.to_string())))?;
        }
        _ => return Err(Stop::Fault(Fault::BadVector(v as u8))),
    }
    Ok(Flow::Continue)
}

/// Make the heap region at least `top` bytes long: `Ok(false)` when a limit
/// forbids it, out of gas when the page surcharge cannot be paid.
fn grow_region(vm: &mut Vm, top: u64) -> Result<bool, Stop> {
    let Some(idx) = vm.mem.region_index(RegionKind::Heap) else {
        return Err(Stop::Fault(Fault::Abi(
            "heap_alloc: the heap region is not mapped".into(),
        )));
    };
    let region = &vm.mem.regions()[idx];
    let (start, len) = (region.start, region.data.len() as u64);
    let Some(target) = top.checked_next_multiple_of(PAGE) else {
        return Ok(false);
    };
    if target <= len {
        return Ok(true);
    }
    let limits = vm.schedule.limits();
    let extra = target - len;
    if target > limits.heap_bytes
        || vm.mem.mapped_bytes().saturating_add(extra) > limits.guest_memory_bytes
    {
        return Ok(false);
    }
    if let Some(next) = vm.mem.regions().get(idx + 1) {
        if start.saturating_add(target) > next.start {
            return Ok(false);
        }
    }
    let gas = vm.schedule.surcharges().heap_growth(extra);
    vm.charge_extra(gas)?;
    vm.mem
        .grow(idx, target as usize)
        .map_err(|e| Stop::Fault(Fault::Abi(format!("heap growth to {target} bytes: {e}"))))?;
    Ok(true)
}
