//! Two- and one-operand arithmetic/logic, and the atomic read-modify-write
//! family (`cmpxchg*`, `xadd`). The LOCK prefix changes nothing: the VM is
//! single-threaded, so every instruction is already atomic.

use super::mask;
use super::{get_gpr, loc, read, set_gpr, src, write, Loc};
use crate::cpu::Cpu;
use crate::exec::Step;
use crate::fault::Fault;
use crate::flags::{Flags, ZF};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

/// add, or, adc, sbb, and, sub, xor, cmp, test. `OP` is the `Op` as u16: one
/// instantiation per operation, so the hot dispatch has a single indirect
/// branch (the caller's match) instead of two.
#[inline(never)]
pub(super) fn binary<const OP: u16>(
    cpu: &mut Cpu,
    mem: &mut Memory,
    insn: &Insn,
) -> Result<Step, Fault> {
    // Fast path for the most common shape, register op register/immediate:
    // no operand-location resolution or memory dispatch.
    if let Operand::Gpr { reg, size } = insn.ops[0] {
        let b = match insn.ops[1] {
            Operand::Gpr { reg: s, .. } => get_gpr(cpu, s, size),
            Operand::Imm { .. } => insn.imm & mask(size),
            _ => return binary_general::<OP>(cpu, mem, insn),
        };
        let a = get_gpr(cpu, reg, size);
        let res = compute::<OP>(&mut cpu.flags, size, a, b);
        if !(is(OP, Op::Cmp) || is(OP, Op::Test)) {
            set_gpr(cpu, reg, size, res);
        }
        return Ok(Step::Next);
    }
    binary_general::<OP>(cpu, mem, insn)
}

#[inline(always)]
const fn is(op: u16, o: Op) -> bool {
    op == o as u16
}

/// Any operand shapes (memory destination or source, high-byte registers).
#[inline(never)]
fn binary_general<const OP: u16>(
    cpu: &mut Cpu,
    mem: &mut Memory,
    insn: &Insn,
) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let a = read(cpu, mem, d)?;
    let b = src(cpu, mem, insn, insn.ops[1], size)?;
    let res = compute::<OP>(&mut cpu.flags, size, a, b);
    if !(is(OP, Op::Cmp) || is(OP, Op::Test)) {
        write(cpu, mem, d, res)?;
    }
    Ok(Step::Next)
}

/// The result of `OP` on `a`, `b` (masked to `size`), recording its flags.
#[inline(always)]
pub(crate) fn compute<const OP: u16>(f: &mut Flags, size: u8, a: u64, b: u64) -> u64 {
    let m = mask(size);
    if is(OP, Op::Add) {
        let r = a.wrapping_add(b) & m;
        f.set_add(size, a, b, false, r);
        r
    } else if is(OP, Op::Adc) {
        let c = f.cf();
        let r = a.wrapping_add(b).wrapping_add(c as u64) & m;
        f.set_add(size, a, b, c, r);
        r
    } else if is(OP, Op::Sub) || is(OP, Op::Cmp) {
        let r = a.wrapping_sub(b) & m;
        f.set_sub(size, a, b, false, r);
        r
    } else if is(OP, Op::Sbb) {
        let c = f.cf();
        let r = a.wrapping_sub(b).wrapping_sub(c as u64) & m;
        f.set_sub(size, a, b, c, r);
        r
    } else if is(OP, Op::And) || is(OP, Op::Test) {
        let r = a & b;
        f.set_logic(size, r);
        r
    } else if is(OP, Op::Or) {
        let r = a | b;
        f.set_logic(size, r);
        r
    } else {
        let r = a ^ b;
        f.set_logic(size, r);
        r
    }
}

/// inc, dec, neg, not.
#[inline(never)]
pub(super) fn unary(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let a = read(cpu, mem, d)?;
    let res = unary_apply(insn.op, &mut cpu.flags, size, a);
    write(cpu, mem, d, res).map(|_| Step::Next)
}

/// The result of inc/dec/neg/not (`op`; anything else is `not`) of `a` at
/// `size` bytes, recording its flags. Shared with `exec::fast`.
#[inline(always)]
pub(crate) fn unary_apply(op: Op, f: &mut Flags, size: u8, a: u64) -> u64 {
    let m = mask(size);
    match op {
        Op::Inc => {
            let r = a.wrapping_add(1) & m;
            f.set_inc(size, a, r);
            r
        }
        Op::Dec => {
            let r = a.wrapping_sub(1) & m;
            f.set_dec(size, a, r);
            r
        }
        Op::Neg => {
            // neg is `0 - a`: CF = (a != 0), OF = (a == MIN), AF from the low nibble.
            let r = a.wrapping_neg() & m;
            f.set_sub(size, 0, a, false, r);
            r
        }
        _ => !a & m,
    }
}

/// cmpxchg r/m, r: compare the accumulator with the destination (flags as
/// `cmp acc, dest`); equal → dest = src, else acc = dest. A memory destination
/// is always written (real CPUs write back the old value on failure, so a
/// read-only destination faults either way).
#[inline(never)]
pub(super) fn cmpxchg(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let size = d.size();
    let m = mask(size);
    let dv = read(cpu, mem, d)?;
    let sv = src(cpu, mem, insn, insn.ops[1], size)?;
    let acc = cpu.read_gpr(0, size);
    cpu.flags
        .set_sub(size, acc, dv, false, acc.wrapping_sub(dv) & m);
    if acc == dv {
        write(cpu, mem, d, sv)?;
    } else {
        if let Loc::Mem { .. } = d {
            write(cpu, mem, d, dv)?;
        }
        cpu.write_gpr(0, size, dv);
    }
    Ok(Step::Next)
}

/// cmpxchg8b m64 / cmpxchg16b m128: compare edx:eax (rdx:rax) with memory;
/// equal → store ecx:ebx (rcx:rbx), ZF = 1; else load memory into edx:eax
/// (rdx:rax), ZF = 0. Other flags are unchanged. The memory operand is written
/// back on failure too, like cmpxchg.
#[inline(never)]
pub(super) fn cmpxchg_wide(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let addr = cpu.effective_address(&insn.mem);
    if insn.op == Op::Cmpxchg16b {
        if addr & 15 != 0 {
            return Err(Fault::Misaligned { addr });
        }
        let cur = mem.read_u128(addr)?;
        let expect = (cpu.gpr[2] as u128) << 64 | cpu.gpr[0] as u128;
        if cur == expect {
            mem.write_u128(addr, (cpu.gpr[1] as u128) << 64 | cpu.gpr[3] as u128)?;
            cpu.flags.update(ZF, ZF);
        } else {
            mem.write_u128(addr, cur)?;
            cpu.gpr[0] = cur as u64;
            cpu.gpr[2] = (cur >> 64) as u64;
            cpu.flags.update(ZF, 0);
        }
    } else {
        let cur = mem.read(addr, 8)?;
        let expect = (cpu.gpr[2] & 0xffff_ffff) << 32 | (cpu.gpr[0] & 0xffff_ffff);
        if cur == expect {
            mem.write(
                addr,
                8,
                (cpu.gpr[1] & 0xffff_ffff) << 32 | (cpu.gpr[3] & 0xffff_ffff),
            )?;
            cpu.flags.update(ZF, ZF);
        } else {
            mem.write(addr, 8, cur)?;
            cpu.write_gpr(0, 4, cur);
            cpu.write_gpr(2, 4, cur >> 32);
            cpu.flags.update(ZF, 0);
        }
    }
    Ok(Step::Next)
}

/// xadd r/m, r: tmp = dest + src; src = dest; dest = tmp (dest written last,
/// so `xadd eax, eax` leaves the sum).
#[inline(never)]
pub(super) fn xadd(cpu: &mut Cpu, mem: &mut Memory, insn: &Insn) -> Result<Step, Fault> {
    let d = loc(cpu, insn, insn.ops[0])?;
    let s = loc(cpu, insn, insn.ops[1])?;
    let size = d.size();
    let dv = read(cpu, mem, d)?;
    let sv = read(cpu, mem, s)?;
    let r = dv.wrapping_add(sv) & mask(size);
    cpu.flags.set_add(size, dv, sv, false, r);
    write(cpu, mem, s, dv)?;
    write(cpu, mem, d, r)?;
    Ok(Step::Next)
}
