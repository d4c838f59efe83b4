//! Memory operand shapes. Each fast handler with a memory operand has one
//! instance per shape, so computing the effective address is straight-line
//! code with no tests for absent base or index registers.

use super::Reg;
use super::Uop;
use crate::cpu::reg::RSP;
use crate::cpu::Cpu;
use echovm_decoder::{Insn, Seg, NO_REG, RIP_BASE};

/// `[disp]`, including RIP-relative operands (the decoder makes them absolute).
pub const ABS: u8 = 0;
/// `[base + disp]`.
pub const BASE: u8 = 1;
/// `[base + index*scale + disp]`.
pub const BASE_INDEX: u8 = 2;
/// `[index*scale + disp]`.
pub const INDEX: u8 = 3;
/// `[rsp + disp]`: a stack slot. Its own shape because it is the most
/// common operand of compiled code: the base is a constant register, and
/// the access tries the stack's cache window first (`Memory::try_read`).
pub const STACK: u8 = 4;
/// `[rsp + index*scale + disp]`: an element of an array on the stack.
pub const STACK_INDEX: u8 = 5;

/// Whether an access of shape `m` tries the stack's cache window first.
#[inline(always)]
pub const fn on_stack(m: u8) -> bool {
    m == STACK || m == STACK_INDEX
}

/// Fill the memory-operand fields of `u` and return its shape; `None` for a
/// segment override or 32-bit addressing (left to the general path).
pub fn shape(insn: &Insn, u: &mut Uop) -> Option<u8> {
    let m = &insn.mem;
    if m.seg != Seg::None || m.addr32 {
        return None;
    }
    u.disp = m.disp as u64;
    u.base = Reg::of(m.base & 15);
    u.index = Reg::of(m.index & 15);
    u.scale = m.scale.trailing_zeros() as u8 & 3;
    let base = m.base != NO_REG && m.base != RIP_BASE;
    let index = m.index != NO_REG;
    Some(match (base, index) {
        (false, false) => ABS,
        (true, false) if m.base == RSP => STACK,
        (true, false) => BASE,
        (true, true) if m.base == RSP => STACK_INDEX,
        (true, true) => BASE_INDEX,
        (false, true) => INDEX,
    })
}

/// Effective address of the memory operand of shape `M`.
#[inline(always)]
pub fn ea<const M: u8>(c: &Cpu, u: &Uop) -> u64 {
    let base = || c.gpr[u.base as usize & 15];
    let index = || c.gpr[u.index as usize & 15] << (u.scale & 3);
    match M {
        ABS => u.disp,
        STACK => u.disp.wrapping_add(c.gpr[RSP as usize]),
        BASE => u.disp.wrapping_add(base()),
        BASE_INDEX | STACK_INDEX => u.disp.wrapping_add(base()).wrapping_add(index()),
        _ => u.disp.wrapping_add(index()),
    }
}

/// Effective address of the memory operand of shape `M` whose scale is the
/// constant `1 << SC` (the uop's `scale` is `SC`).
#[inline(always)]
pub fn ea_scaled<const M: u8, const SC: u8>(c: &Cpu, u: &Uop) -> u64 {
    let base = || c.gpr[u.base as usize & 15];
    let index = || c.gpr[u.index as usize & 15] << (SC & 3);
    match M {
        ABS => u.disp,
        STACK => u.disp.wrapping_add(c.gpr[RSP as usize]),
        BASE => u.disp.wrapping_add(base()),
        BASE_INDEX | STACK_INDEX => u.disp.wrapping_add(base()).wrapping_add(index()),
        _ => u.disp.wrapping_add(index()),
    }
}

/// `$body` for the shape `$m`, with `$M` a constant naming it: one arm per
/// shape, so whatever `$body` instantiates with `$M` exists for each.
macro_rules! each_shape {
    ($m:expr, $M:ident => $body:expr) => {
        $crate::exec::fast::addr::each_shape!(
            @arms $m, $M, $body; ABS BASE BASE_INDEX INDEX STACK; STACK_INDEX
        )
    };
    (@arms $m:expr, $M:ident, $body:expr; $($s:ident)*; $last:ident) => {{
        use $crate::exec::fast::addr::{ABS, BASE, BASE_INDEX, INDEX, STACK, STACK_INDEX};
        match $m {
            $($s => {
                const $M: u8 = $s;
                $body
            })*
            _ => {
                const $M: u8 = $last;
                $body
            }
        }
    }};
}
pub(crate) use each_shape;

/// Select the instance of a generic handler `f::<M, extra…>` for shape `m`.
macro_rules! by_shape {
    ($m:expr, $f:ident $(, $g:expr)*) => {
        $crate::exec::fast::addr::each_shape!($m, M => $crate::exec::fast::handler($f::<M $(, { $g })*>))
    };
}
pub(crate) use by_shape;

/// Select the instance `f::<M, SC, extra…>` for shape `m` and, for the
/// shapes with an index, the scale `sc` (log2) as a constant too; `SC` is 0
/// for the shapes without an index.
///
/// Why: an array access `mov eax, [table + rcx*4]` is among the most common
/// instructions; with the scale constant its address is one `lea`.
macro_rules! by_shape_scale {
    ($m:expr, $sc:expr, $f:ident $(, $g:expr)*) => {{
        use $crate::exec::fast::addr::{ABS, BASE, BASE_INDEX, INDEX, STACK, STACK_INDEX};
        use $crate::exec::fast::handler;
        match ($m, $sc) {
            (ABS, _) => handler($f::<ABS, 0 $(, { $g })*>),
            (BASE, _) => handler($f::<BASE, 0 $(, { $g })*>),
            (STACK, _) => handler($f::<STACK, 0 $(, { $g })*>),
            (BASE_INDEX, 0) => handler($f::<BASE_INDEX, 0 $(, { $g })*>),
            (BASE_INDEX, 1) => handler($f::<BASE_INDEX, 1 $(, { $g })*>),
            (BASE_INDEX, 2) => handler($f::<BASE_INDEX, 2 $(, { $g })*>),
            (BASE_INDEX, _) => handler($f::<BASE_INDEX, 3 $(, { $g })*>),
            (STACK_INDEX, 0) => handler($f::<STACK_INDEX, 0 $(, { $g })*>),
            (STACK_INDEX, 1) => handler($f::<STACK_INDEX, 1 $(, { $g })*>),
            (STACK_INDEX, 2) => handler($f::<STACK_INDEX, 2 $(, { $g })*>),
            (STACK_INDEX, _) => handler($f::<STACK_INDEX, 3 $(, { $g })*>),
            (_, 0) => handler($f::<INDEX, 0 $(, { $g })*>),
            (_, 1) => handler($f::<INDEX, 1 $(, { $g })*>),
            (_, 2) => handler($f::<INDEX, 2 $(, { $g })*>),
            (_, _) => handler($f::<INDEX, 3 $(, { $g })*>),
        }
    }};
}
pub(crate) use by_shape_scale;
