//! Compare-and-branch fusion: a `cmp` or `test` of a register with a
//! register or an immediate (32- or 64-bit) directly followed by the `jcc`
//! that ends its block runs as one threaded handler.
//!
//! Why: nearly every loop and `if` that gcc emits ends in such a pair. Run
//! separately, the pair costs two dispatches and the branch loads the lazy
//! flags record back from memory; fused, the condition is evaluated right
//! after the record is written, so it folds into a direct comparison of the
//! operands (`a < b`, `a == b`, …), and the record is still exactly what the
//! `cmp`/`test` alone would write, so any later reader sees the same state.
//!
//! The `jcc` keeps its own uop right after the fused one (the block's last):
//! the fused handler reads the branch target and fall-through address from
//! it, and the gas and fault bookkeeping, which count instructions, stay
//! unchanged. The register forms fused here never decline.

use super::{Exit, Threaded, Uop};
use crate::cpu::Cpu;
use crate::exec::int::alu::compute;
use crate::exec::int::get_gpr;
use crate::flags::Flags;
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

const CMP: u16 = Op::Cmp as u16;
const TEST: u16 = Op::Test as u16;

/// Where the fused `jcc` stands in its block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Place {
    /// It ends the block.
    End,
    /// A side exit ([`Uop::SIDE`]) whose block goes on at the branch target.
    SideTaken,
    /// A side exit whose block goes on at the fall-through instruction.
    SideNotTaken,
}

const END: u8 = 0;
const SIDE_TAKEN: u8 = 1;
const SIDE_NOT_TAKEN: u8 = 2;

/// The fused handler for `first` followed by the `jcc` at `place`, when
/// the pair has a fused form. `record`: whether it writes the flags record
/// of `first`; false only when no flag is live after the branch on either
/// path (`noflags::live_out`, `noflags::live_in`), the branch itself being
/// decided from the operands.
pub(crate) fn fuse(first: &Insn, jcc: &Insn, place: Place, record: bool) -> Option<Threaded> {
    match (place, record) {
        (Place::End, true) => fuse_at::<END, true>(first, jcc),
        (Place::SideTaken, true) => fuse_at::<SIDE_TAKEN, true>(first, jcc),
        (Place::SideNotTaken, true) => fuse_at::<SIDE_NOT_TAKEN, true>(first, jcc),
        (Place::End, false) => fuse_at::<END, false>(first, jcc),
        (Place::SideTaken, false) => fuse_at::<SIDE_TAKEN, false>(first, jcc),
        (Place::SideNotTaken, false) => fuse_at::<SIDE_NOT_TAKEN, false>(first, jcc),
    }
}

fn fuse_at<const AT: u8, const REC: bool>(first: &Insn, jcc: &Insn) -> Option<Threaded> {
    let cc = jcc.op.condition()?;
    if jcc.op as u16 - cc as u16 != Op::Jo as u16 {
        return None;
    }
    let Operand::Gpr { size, .. } = first.ops[0] else {
        return None;
    };
    let imm = match first.ops[1] {
        Operand::Gpr { .. } => false,
        Operand::Imm { .. } => true,
        _ => return None,
    };
    macro_rules! by_cc {
        ($op:expr, $imm:expr, $s:expr) => {
            Some(match cc & 15 {
                0 => cmp_jcc::<$op, $imm, $s, 0, AT, REC> as Threaded,
                1 => cmp_jcc::<$op, $imm, $s, 1, AT, REC>,
                2 => cmp_jcc::<$op, $imm, $s, 2, AT, REC>,
                3 => cmp_jcc::<$op, $imm, $s, 3, AT, REC>,
                4 => cmp_jcc::<$op, $imm, $s, 4, AT, REC>,
                5 => cmp_jcc::<$op, $imm, $s, 5, AT, REC>,
                6 => cmp_jcc::<$op, $imm, $s, 6, AT, REC>,
                7 => cmp_jcc::<$op, $imm, $s, 7, AT, REC>,
                8 => cmp_jcc::<$op, $imm, $s, 8, AT, REC>,
                9 => cmp_jcc::<$op, $imm, $s, 9, AT, REC>,
                10 => cmp_jcc::<$op, $imm, $s, 10, AT, REC>,
                11 => cmp_jcc::<$op, $imm, $s, 11, AT, REC>,
                12 => cmp_jcc::<$op, $imm, $s, 12, AT, REC>,
                13 => cmp_jcc::<$op, $imm, $s, 13, AT, REC>,
                14 => cmp_jcc::<$op, $imm, $s, 14, AT, REC>,
                _ => cmp_jcc::<$op, $imm, $s, 15, AT, REC>,
            })
        };
    }
    match (first.op, imm, size) {
        (Op::Cmp, false, 4) => by_cc!(CMP, false, 4),
        (Op::Cmp, false, 8) => by_cc!(CMP, false, 8),
        (Op::Cmp, true, 4) => by_cc!(CMP, true, 4),
        (Op::Cmp, true, 8) => by_cc!(CMP, true, 8),
        (Op::Test, false, 4) => by_cc!(TEST, false, 4),
        (Op::Test, false, 8) => by_cc!(TEST, false, 8),
        (Op::Test, true, 4) => by_cc!(TEST, true, 4),
        (Op::Test, true, 8) => by_cc!(TEST, true, 8),
        _ => None,
    }
}

/// `cmp`/`test` `r, r` or `r, imm` of `S` bytes, then `jcc` with condition
/// `CC` at place `AT` (`END`, `SIDE_TAKEN`, `SIDE_NOT_TAKEN`).
fn cmp_jcc<
    const OP: u16,
    const IMM: bool,
    const S: u8,
    const CC: u8,
    const AT: u8,
    const REC: bool,
>(
    c: &mut Cpu,
    m: &mut Memory,
    p: *const Uop,
) -> Exit {
    // SAFETY: `p` points at a live uop of a block (see `Threaded`).
    let u = unsafe { &*p };
    // SAFETY: `fuse` is installed only on the uop right before a `jcc` of
    // the same block (`CodeCache::decode_block`), which is therefore inside
    // the allocation `p`'s provenance covers.
    let jp = unsafe { p.add(1) };
    // SAFETY: as above.
    let j = unsafe { &*jp };
    let a = get_gpr(c, u.r0, S);
    let b = if IMM { u.imm } else { get_gpr(c, u.r1, S) };
    // The flags record, exactly as the `cmp`/`test` handler writes it; the
    // branch reads it at once, while the compiler still knows its kind, so
    // `Flags::cond` compares `a` and `b` (or tests the result) directly.
    let taken = if REC {
        compute::<OP>(&mut c.flags, S, a, b);
        c.flags.cond(CC)
    } else {
        // Nothing reads this record after the branch: a local one, which
        // the compiler reduces to the comparison itself.
        let mut f = Flags::default();
        compute::<OP>(&mut f, S, a, b);
        f.cond(CC)
    };
    if AT == END {
        return Exit::Next(if taken { j.imm } else { j.next });
    }
    if taken != (AT == SIDE_TAKEN) {
        // The jcc's uop knows where its side exit goes and what it refunds.
        return super::control::side_exit(c, m, jp);
    }
    // SAFETY: a side-exit jcc is never the last uop of its block, so the uop
    // after it is in the same block too.
    let n = unsafe { p.add(2) };
    // SAFETY: as above, `n` points at a live uop.
    (unsafe { &*n }.run)(c, m, n)
}

#[cfg(test)]
mod tests {
    //! The fused pair against the general path running the two instructions
    //! one after the other (the general path is itself checked against the
    //! host CPU by `tests/diff_int.rs`).
    use super::*;
    type TestResult = Result<(), Box<dyn std::error::Error>>;
    use crate::exec::fast::{translate, translate_within};
    use crate::exec::{execute, Step};
    use echovm_decoder::decode;

    fn values() -> Vec<u64> {
        let mut v = vec![
            0,
            1,
            2,
            0x7f,
            0x80,
            0xff,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            0x1_0000_0000,
            0x7fff_ffff_ffff_ffff,
            0x8000_0000_0000_0000,
            u64::MAX,
            u64::MAX - 1,
        ];
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..24 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            v.push(x);
            v.push(x & 0xffff_ffff);
            v.push(x & 0x8000_00ff);
        }
        v
    }

    /// Encodings of the fusable forms: (bytes without the immediate, has an imm32).
    fn forms() -> Vec<(Vec<u8>, bool)> {
        let mut f = Vec::new();
        for rex in [None, Some(0x48u8), Some(0x4d)] {
            for (op, imm) in [(0x39u8, false), (0x85, false), (0x81, true), (0xf7, true)] {
                let mut b: Vec<u8> = rex.into_iter().collect();
                // modrm: register-direct, reg = rcx (or /7 for cmp imm, /0 for test imm), rm = rax.
                let modrm = match op {
                    0x81 => 0xf8,
                    0xf7 => 0xc0,
                    _ => 0xc8,
                };
                b.extend([op, modrm]);
                f.push((b, imm));
            }
        }
        f
    }

    #[test]
    fn fused_pairs_match_the_general_path() -> TestResult {
        let vals = values();
        let mut checked = 0;
        for (form, has_imm) in forms() {
            for cc in 0..16u8 {
                for (i, &a) in vals.iter().enumerate() {
                    // Register pairs use the next value; immediate forms
                    // take the low 32 bits of it (sign-extended by the CPU).
                    let b = vals[(i * 7 + 3) % vals.len()];
                    let mut code = form.clone();
                    if has_imm {
                        code.extend((b as u32).to_le_bytes());
                    }
                    let at = 0x40_0000u64;
                    let first = decode(&code, at)?;
                    let next = at + first.len as u64;
                    let jcc_bytes = [0x0f, 0x80 | cc, 0x10, 0, 0, 0];
                    let jcc = decode(&jcc_bytes, next)?;
                    let after = next + jcc.len as u64;
                    // The general path: the pair one instruction at a time.
                    let mut cpu = Cpu::default();
                    cpu.gpr[0] = a;
                    cpu.gpr[1] = b;
                    cpu.gpr[8] = b.rotate_left(13);
                    cpu.gpr[9] = a ^ b;
                    cpu.flags.set(0x8d5);
                    let start = cpu.clone();
                    let mut mem = Memory::new();
                    assert_eq!(execute(&mut cpu, &mut mem, &first, next), Ok(Step::Next));
                    let want = match execute(&mut cpu, &mut mem, &jcc, after) {
                        Ok(Step::Next) => after,
                        Ok(Step::Jump(t)) => t,
                        other => panic!("jcc: {other:?}"),
                    };

                    // At the end of a block: the fused pair returns the target.
                    let fused =
                        fuse(&first, &jcc, Place::End, true).ok_or("the pair has no fused form")?;
                    let (mut c1, mut m1) = (start.clone(), Memory::new());
                    let mut uops = [translate_within(&first, next), translate(&jcc, after)];
                    uops[0].run = fused;
                    let Exit::Next(got) = (uops[0].run)(&mut c1, &mut m1, uops.as_ptr()) else {
                        panic!("a fused register pair declined");
                    };
                    assert_eq!(got, want, "{first} / {jcc} with a={a:#x} b={b:#x}");
                    assert_eq!(c1.flags.get(), cpu.flags.get(), "flags after {first}");
                    assert_eq!(c1.gpr, cpu.gpr);

                    // Without the record (no flag live after the branch): the
                    // same branch, and the flags left as they were.
                    let bare = fuse(&first, &jcc, Place::End, false)
                        .ok_or("the pair has no fused form")?;
                    let (mut c3, mut m3) = (start.clone(), Memory::new());
                    uops[0].run = bare;
                    let Exit::Next(got) = (uops[0].run)(&mut c3, &mut m3, uops.as_ptr()) else {
                        panic!("a fused register pair declined");
                    };
                    assert_eq!(got, want, "{first} / {jcc} without the record");
                    assert_eq!(c3.flags.get(), start.flags.get(), "flags untouched");
                    assert_eq!(c3.gpr, cpu.gpr);

                    // Inside a block, as a side exit that goes on along either
                    // path: the block's way runs the uop after the jcc (here a
                    // `nop` ending the block at `after + 1`), the other leaves
                    // at the jcc's uop.
                    let nop = decode(&[0x90], after)?;
                    for taken in [true, false] {
                        let place = if taken {
                            Place::SideTaken
                        } else {
                            Place::SideNotTaken
                        };
                        let side = crate::exec::fast::translate_side(&jcc, after, taken)
                            .ok_or("a jcc has no side-exit form")?;
                        let mut uops = [
                            translate_within(&first, next),
                            side,
                            translate(&nop, after + 1),
                        ];
                        uops[0].run =
                            fuse(&first, &jcc, place, true).ok_or("the pair has no fused form")?;
                        let (mut c2, mut m2) = (start.clone(), Memory::new());
                        let exit = (uops[0].run)(&mut c2, &mut m2, uops.as_ptr());
                        let goes_on = if taken { uops[1].imm } else { after };
                        match exit {
                            Exit::Next(n) => {
                                assert_eq!(want, goes_on, "{first} / {jcc}: went on");
                                assert_eq!(n, after + 1, "ran the nop");
                            }
                            Exit::Leave(p) => {
                                assert_eq!(p, &uops[1] as *const Uop, "left at the jcc");
                                assert_ne!(want, goes_on, "{first} / {jcc}: left");
                                assert_eq!(uops[1].side_target(), want);
                            }
                            Exit::Decline(_) | Exit::Interrupt(_) => {
                                panic!("a fused register pair declined")
                            }
                        }
                        assert_eq!(c2.flags.get(), cpu.flags.get(), "flags after {first}");
                        assert_eq!(c2.gpr, cpu.gpr);
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 12 * 16 * values().len());
        Ok(())
    }

    #[test]
    fn only_register_forms_before_a_jcc_fuse() -> TestResult {
        let jcc = decode(&[0x74, 0x02], 0x1000)?;
        let cmp_mem = decode(&[0x39, 0x08], 0x1000)?;
        let cmp_r8 = decode(&[0x38, 0xc8], 0x1000)?;
        let cmp_rr = decode(&[0x39, 0xc8], 0x1000)?;
        let jmp = decode(&[0xeb, 0x02], 0x1000)?;
        let sete = decode(&[0x0f, 0x94, 0xc0], 0x1000)?;
        let end = Place::End;
        assert!(fuse(&cmp_mem, &jcc, end, true).is_none());
        assert!(fuse(&cmp_r8, &jcc, end, true).is_none());
        assert!(fuse(&cmp_rr, &jmp, end, true).is_none());
        assert!(fuse(&cmp_rr, &sete, end, true).is_none());
        assert!(fuse(&cmp_rr, &jcc, end, true).is_some());
        assert!(fuse(&cmp_rr, &jcc, Place::SideTaken, true).is_some());
        Ok(())
    }
}
