//! Checked stack frames: the `rsp`-relative `mov`s of a block between two
//! instructions that may change `rsp` check their memory once, together.
//!
//! Why: compilers keep spilled values and locals at fixed offsets from
//! `rsp`, and code under register pressure (keccak's 25 lanes, hash rounds)
//! loads and stores them constantly. Each such access used to look its
//! window up and test its limits: 14 host instructions for a load, of which
//! 6 were the check. Within a run where `rsp` cannot change, every access
//! lands at a fixed offset from the same `rsp`, so the first one (the
//! checker) tests the whole range `[rsp + lo, rsp + hi)` of the run's
//! offsets once ([`Memory::set_frame`]) and the others go straight through
//! the frame pointer it leaves.
//!
//! Why this is sound: a block runs from its first uop in order (side exits
//! only leave it), so the checker runs before the run's other accesses;
//! nothing between them writes `rsp` ([`writes_rsp`], conservative), and
//! nothing inside a block moves a region's buffer (interrupts end blocks).
//! When the checker declines, the interpreter runs it on the general path
//! and checks the frame again; if the range still does not fit in one
//! writable window, the rest of the block runs on the general path, which
//! faults exactly where the CPU would (`interp::resume`). The checked range
//! may cover accesses behind a side exit that never run: a frame refused
//! for that reason only costs speed, never a wrong fault.

use super::{handler, Exit, Handler, Plain, Reg, Uop};
use crate::cpu::reg::RSP;
use crate::cpu::Cpu;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand, Seg, NO_REG};

/// A `mov` between a 32/64-bit register and `[rsp + disp]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Access {
    reg: u8,
    size: u8,
    disp: i32,
    store: bool,
}

/// The frame access `insn` makes, if it is one of the forms served here.
fn access(insn: &Insn) -> Option<Access> {
    let m = &insn.mem;
    if insn.op != Op::Mov || m.seg != Seg::None || m.addr32 || m.base != RSP || m.index != NO_REG {
        return None;
    }
    let disp = i32::try_from(m.disp).ok()?;
    let (reg, size, mem, store) = match (insn.ops[0], insn.ops[1]) {
        (Operand::Gpr { reg, size }, Operand::Mem { size: mem }) => (reg, size, mem, false),
        (Operand::Mem { size: mem }, Operand::Gpr { reg, size }) => (reg, size, mem, true),
        _ => return None,
    };
    ((size == 4 || size == 8) && mem == size).then_some(Access {
        reg,
        size,
        disp,
        store,
    })
}

/// True when `insn` may write `rsp`: the stack instructions, interrupts,
/// and anything naming `rsp`/`esp`/`sp`/`spl` as a register operand
/// (reading it too: the test is kept simple and errs on the safe side).
pub(crate) fn writes_rsp(insn: &Insn) -> bool {
    use Op::*;
    matches!(
        insn.op,
        Push | Pop | Pushfq | Popfq | Pushf | Popf | Enter | Leave | Call | Ret | Int | Int3 | Int1
    ) || insn
        .ops
        .iter()
        .any(|o| matches!(o, Operand::Gpr { reg, .. } if *reg == RSP))
}

/// Give the frame handlers to the runs of `insns` (the instructions of one
/// block, whose uops are `uops`, in order). Only uops with a fast handler
/// take part; a run needs [`MIN_RUN`] accesses and a range of 8 bytes or
/// more.
/// `plain` (parallel to `uops`) records the handler each access gets.
pub(crate) fn frame_runs(insns: &[Insn], uops: &mut [Uop], plain: &mut [Plain]) {
    let last = insns.len().saturating_sub(1);
    let mut run: Vec<(usize, Access)> = Vec::new();
    for (k, insn) in insns.iter().enumerate() {
        if writes_rsp(insn) {
            install(&run, uops, plain, last);
            run.clear();
        } else if let Some(a) = access(insn) {
            if uops.get(k).is_some_and(|u| u.is_fast()) {
                run.push((k, a));
            }
        }
    }
    install(&run, uops, plain, last);
}

/// The range `[lo, hi)` of a run's offsets from `rsp`, packed for
/// [`Memory::set_frame`]: `lo` in the low half, `hi - lo - 8` in the high
/// half; `None` for a range of less than 8 bytes.
fn range(run: &[(usize, Access)]) -> Option<u64> {
    let lo = run.iter().map(|(_, a)| a.disp as i64).min()?;
    let hi = run
        .iter()
        .map(|(_, a)| a.disp as i64 + a.size as i64)
        .max()?;
    let tail = u64::try_from(hi - lo - 8).ok()?;
    Some((lo as i32 as u32 as u64) | tail << 32)
}

/// The fewest accesses a run needs: the checker costs about as much as
/// one unchecked access saves, so a run of two gained nothing (measured).
const MIN_RUN: usize = 3;

fn install(run: &[(usize, Access)], uops: &mut [Uop], plain: &mut [Plain], last: usize) {
    if run.len() < MIN_RUN {
        return;
    }
    let Some(range) = range(run) else {
        return;
    };
    for (i, &(k, a)) in run.iter().enumerate() {
        let Some(u) = uops.get_mut(k) else {
            return;
        };
        let check = i == 0;
        let h = pick(a, check);
        u.r0 = Reg::of(a.reg);
        u.disp = a.disp as i64 as u64;
        u.imm = range;
        u.run = if k == last { h.last } else { h.mid };
        if let Some(p) = plain.get_mut(k) {
            *p = Plain::of(h);
        }
        u.kind |= Uop::FRAMED | if check { Uop::FRAME_CHECK } else { 0 };
    }
    // A copy between two slots through a register (spill code), after the
    // checker and with a uop after it in the block, runs as one handler on
    // the load's uop: one dispatch for the two moves. The store keeps its
    // uop, which the copy skips.
    for pair in run.windows(2).skip(1) {
        let [(k, a), (k2, b)] = [pair[0], pair[1]];
        let adjacent = k2 == k + 1 && k2 < last && !a.store && b.store;
        if adjacent && a.reg == b.reg && a.size == b.size {
            if let Some(u) = uops.get_mut(k) {
                u.imm = b.disp as i64 as u64;
                u.run = if a.size == 8 { copy::<8> } else { copy::<4> };
            }
        }
    }
}

fn pick(a: Access, check: bool) -> Handler {
    match (a.store, a.size == 8, check) {
        (false, true, true) => handler(load::<8, true>),
        (false, true, false) => handler(load::<8, false>),
        (false, false, true) => handler(load::<4, true>),
        (false, false, false) => handler(load::<4, false>),
        (true, true, true) => handler(store::<8, true>),
        (true, true, false) => handler(store::<8, false>),
        (true, false, true) => handler(store::<4, true>),
        (true, false, false) => handler(store::<4, false>),
    }
}

/// For the run's checker (`CHECK`): check the run's range (`u.imm`) from
/// `rsp` and set the frame; `None` (nothing changed) when it does not fit.
#[inline(always)]
fn checked<const CHECK: bool>(c: &Cpu, m: &mut Memory, u: &Uop) -> Option<()> {
    (!CHECK || m.set_frame(c.gpr[RSP as usize], u.imm)).then_some(())
}

/// `mov r, [rsp + disp]` (a 32-bit load zero-extends, as the CPU does).
pub(super) fn load<const S: u8, const CHECK: bool>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    checked::<CHECK>(c, m, u)?;
    // SAFETY: this uop is the checker, which just set the frame, or a later
    // access of its run, which the checker (or `interp::resume` for it) set
    // the frame for, with `rsp` unchanged since (see the module docs); the
    // range covers this access.
    let v = unsafe { m.frame_load(u.disp, S) };
    c.gpr[u.r0 as usize] = v;
    Some(u.next)
}

/// `mov [rsp + disp], r`.
pub(super) fn store<const S: u8, const CHECK: bool>(
    c: &mut Cpu,
    m: &mut Memory,
    u: &Uop,
) -> Option<u64> {
    checked::<CHECK>(c, m, u)?;
    let v = c.gpr[u.r0 as usize];
    // SAFETY: as in `load`; the checked range is writable.
    unsafe { m.frame_store(u.disp, S, v) };
    Some(u.next)
}

/// `r = [rsp + disp]; [rsp + imm] = r` at `S` bytes through the frame,
/// then on past the pair.
fn copy<const S: u8>(c: &mut Cpu, m: &mut Memory, p: *const Uop) -> Exit {
    // SAFETY: `p` points at a live uop (see `Threaded`).
    let u = unsafe { &*p };
    // SAFETY: both moves are accesses of a run after its checker (`install`),
    // so the frame covers them (see `load`).
    let v = unsafe { m.frame_load(u.disp, S) };
    c.gpr[u.r0 as usize] = v;
    // SAFETY: as above; the checked range is writable.
    unsafe { m.frame_store(u.imm, S, v) };
    // SAFETY: `install` puts `copy` only where the store's uop is followed
    // by another uop of the block.
    let n = unsafe { p.add(2) };
    // SAFETY: as above, `n` points at a live uop.
    (unsafe { &*n }.run)(c, m, n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use echovm_decoder::decode;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    #[test]
    fn only_plain_rsp_moves_are_frame_accesses() -> TestResult {
        let load = decode(&[0x48, 0x8b, 0x44, 0x24, 0xf0], 0x1000)?; // mov rax, [rsp-0x10]
        assert_eq!(
            access(&load),
            Some(Access {
                reg: 0,
                size: 8,
                disp: -0x10,
                store: false
            })
        );
        let store = decode(&[0x89, 0x5c, 0x24, 0x08], 0x1000)?; // mov [rsp+8], ebx
        assert_eq!(
            access(&store).map(|a| (a.size, a.store, a.disp)),
            Some((4, true, 8))
        );
        // Byte moves, an index, another base, and fs: are not served.
        for bytes in [
            &[0x8a, 0x44, 0x24, 0x08][..],             // mov al, [rsp+8]
            &[0x48, 0x8b, 0x04, 0xcc][..],             // mov rax, [rsp+rcx*8]
            &[0x48, 0x8b, 0x45, 0x08][..],             // mov rax, [rbp+8]
            &[0x64, 0x48, 0x8b, 0x44, 0x24, 0x08][..], // mov rax, fs:[rsp+8]
        ] {
            assert_eq!(access(&decode(bytes, 0x1000)?), None, "{bytes:x?}");
        }
        Ok(())
    }

    #[test]
    fn stack_instructions_and_rsp_operands_end_a_run() -> TestResult {
        for bytes in [
            &[0x50][..],                         // push rax
            &[0x5b][..],                         // pop rbx
            &[0x48, 0x83, 0xc4, 0x08][..],       // add rsp, 8
            &[0x48, 0x89, 0xe5][..],             // mov rbp, rsp (named, so counted)
            &[0x48, 0x87, 0xe0][..],             // xchg rax, rsp
            &[0x48, 0x8d, 0x64, 0x24, 0x08][..], // lea rsp, [rsp+8]
            &[0xc9][..],                         // leave
            &[0xc3][..],                         // ret
            &[0xcd, 0x80][..],                   // int 0x80
        ] {
            assert!(writes_rsp(&decode(bytes, 0x1000)?), "{bytes:x?}");
        }
        for bytes in [
            &[0x48, 0x8b, 0x44, 0x24, 0xf0][..], // mov rax, [rsp-0x10]
            &[0x48, 0x01, 0xd8][..],             // add rax, rbx
            &[0x0f, 0xa2][..],                   // cpuid
        ] {
            assert!(!writes_rsp(&decode(bytes, 0x1000)?), "{bytes:x?}");
        }
        Ok(())
    }

    #[test]
    fn a_run_checks_the_span_of_all_its_offsets() {
        let a = |disp, size| Access {
            reg: 0,
            size,
            disp,
            store: false,
        };
        let r = range(&[(0, a(8, 8)), (1, a(-0x44, 4)), (2, a(0x20, 8))]);
        assert_eq!(r, Some((-0x44i32 as u32 as u64) | (0x28 + 0x44 - 8) << 32));
        // Two 4-byte slots less than 8 bytes apart: not served.
        assert_eq!(range(&[(0, a(0, 4)), (1, a(2, 4))]), None);
    }
}
