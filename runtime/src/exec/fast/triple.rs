//! Copy, shift, combine: `mov d, s; SH d, imm; OP d, e` run as one
//! threaded handler computing `d = (s SH imm) OP e`.
//!
//! Why: the Σ and σ functions of SHA-2 (and the mixing steps of most hash
//! functions) are chains of exactly this: `mov esi, r11d; rol esi, 21;
//! xor esi, eax`. The `mov`+shift pair is already one handler
//! (`exec::fast::pair`), but the `xor` between two pairs could join
//! neither neighbour, so it cost a dispatch of its own (1.4 M of SHA-256's
//! dispatches, each one instruction). Fused, the chain costs one dispatch
//! per three instructions.
//!
//! The conditions are the pair's (a same-size `mov d, s` of 32 or 64 bits,
//! a shift or rotate of `d` by an immediate whose flags are dead), plus a
//! third instruction `OP d, e` (add/and/or/xor, register source, same
//! size) whose flags are dead too, and a fourth uop in the block to go on
//! with. The handler is installed on the `mov`'s uop; the other two keep
//! their own uops (for a resume that starts at one of them) but are not
//! run. Register forms only, so it never declines.

use super::pair::{apply, ADD, AND, OR, ROL, ROR, SAR, SHL, SHR, XOR};
use super::{Exit, Reg, Threaded, Uop};
use crate::cpu::Cpu;
use crate::exec::int::{get_gpr, mask, set_gpr};
use crate::memory::Memory;
use echovm_decoder::{Insn, Op, Operand};

/// The fused handler for a `mov d, s; SH d, imm` pair that `pair::mov_then`
/// has accepted (and whose fields it set in `u`: `r0` = d, `r1` = s, `imm`
/// = the masked count), followed by `op` = `OP d, e` whose flags are dead
/// (`op_dead`); `e` goes in `u.base`. `None` when the three do not have
/// this shape.
pub(crate) fn copy_shift_op(
    mov: &Insn,
    sh: &Insn,
    op: &Insn,
    op_dead: bool,
    u: &mut Uop,
) -> Option<Threaded> {
    let (Operand::Gpr { reg: d, size }, Operand::Imm { .. }) = (sh.ops[0], sh.ops[1]) else {
        return None;
    };
    let (Operand::Gpr { reg: d2, size: s2 }, Operand::Gpr { reg: e, size: s3 }) =
        (op.ops[0], op.ops[1])
    else {
        return None;
    };
    if !op_dead || d2 != d || s2 != size || s3 != size || (size != 4 && size != 8) {
        return None;
    }
    // The pair's `mov` must copy at the same size (the pair also fuses a
    // 32-bit copy widened by a 64-bit operation, which this does not).
    match mov.ops[0] {
        Operand::Gpr { reg, size: ms } if reg == d && ms == size && Reg::of(d) == u.r0 => {}
        _ => return None,
    }
    macro_rules! by_op {
        ($sh:expr) => {
            match (op.op, size) {
                (Op::Add, 8) => run::<{ $sh }, ADD, 8> as Threaded,
                (Op::And, 8) => run::<{ $sh }, AND, 8>,
                (Op::Or, 8) => run::<{ $sh }, OR, 8>,
                (Op::Xor, 8) => run::<{ $sh }, XOR, 8>,
                (Op::Add, _) => run::<{ $sh }, ADD, 4>,
                (Op::And, _) => run::<{ $sh }, AND, 4>,
                (Op::Or, _) => run::<{ $sh }, OR, 4>,
                (Op::Xor, _) => run::<{ $sh }, XOR, 4>,
                _ => return None,
            }
        };
    }
    let f = match sh.op {
        Op::Shl | Op::Sal => by_op!(SHL),
        Op::Shr => by_op!(SHR),
        Op::Sar => by_op!(SAR),
        Op::Rol => by_op!(ROL),
        Op::Ror => by_op!(ROR),
        _ => return None,
    };
    u.base = Reg::of(e);
    Some(f)
}

/// `d = s SH imm`, then `d = d OP e`, at `S` bytes; then on with the uop
/// after the three.
fn run<const SH: u16, const OP: u16, const S: u8>(
    c: &mut Cpu,
    m: &mut Memory,
    p: *const Uop,
) -> Exit {
    // SAFETY: `p` points at a live uop (see `Threaded`).
    let u = unsafe { &*p };
    let shifted = apply::<SH, S>(get_gpr(c, u.r1, S), u.imm) & mask(S);
    set_gpr(c, u.r0, S, shifted);
    // Read after the write: `e` may be `d` itself.
    let e = get_gpr(c, u.base, S);
    set_gpr(c, u.r0, S, apply::<OP, S>(shifted, e));
    // SAFETY: installed only on a uop with three more uops of its block
    // after it (`CodeCache::decode_block`), so `p + 3` is one of them.
    let n = unsafe { p.add(3) };
    // SAFETY: as above.
    (unsafe { &*n }.run)(c, m, n)
}

#[cfg(test)]
mod tests {
    //! The fused three against the general path running them one by one
    //! (itself checked against the host CPU by `tests/diff_int.rs`).
    use super::*;
    use crate::exec::fast::{mov_then, translate_within};
    use crate::exec::{execute, Step};
    use echovm_decoder::decode;
    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// Every shift and combining operation at both sizes, with `e` another
    /// register, `d` itself and `s`, against the three instructions.
    #[test]
    fn copy_shift_op_matches_the_three_instructions() -> TestResult {
        // mov d, s: (rex, opcode, modrm) with d = esi/rsi, s = ecx/rcx.
        let movs: [(&[u8], u8); 2] = [(&[0x89, 0xce], 4), (&[0x48, 0x89, 0xce], 8)];
        // SH esi, 13 (/n of C1): shl 4, shr 5, sar 7, rol 0, ror 1.
        let shifts = [4u8, 5, 7, 0, 1];
        // OP esi, e (r/m = esi, reg = e): add 01, and 21, or 09, xor 31;
        // e = eax (0), esi (6), ecx (1).
        let ops = [0x01u8, 0x21, 0x09, 0x31];
        let mut x = 0x1234_5678_9abc_def1u64;
        let mut checked = 0;
        for (mov_bytes, size) in movs {
            let rex: &[u8] = if size == 8 { &[0x48] } else { &[] };
            for n in shifts {
                for opc in ops {
                    for e in [0u8, 6, 1] {
                        let at = 0x40_1000u64;
                        let mov = decode(mov_bytes, at)?;
                        let sh_at = at + mov.len as u64;
                        let sh_bytes = [rex, &[0xc1, 0xc0 | (n << 3) | 6, 13]].concat();
                        let sh = decode(&sh_bytes, sh_at)?;
                        let op_bytes = [rex, &[opc, 0xc0 | (e << 3) | 6]].concat();
                        let op_at = sh_at + sh.len as u64;
                        let op = decode(&op_bytes, op_at)?;
                        let end = op_at + op.len as u64;
                        let mut u = translate_within(&mov, sh_at);
                        mov_then(&mov, &sh, true, &mut u).ok_or("the pair did not fuse")?;
                        let run =
                            copy_shift_op(&mov, &sh, &op, true, &mut u).ok_or("did not fuse")?;
                        assert!(copy_shift_op(&mov, &sh, &op, false, &mut u.clone()).is_none());
                        // The three uops and a fourth that ends the run.
                        let mut uops = [
                            u,
                            translate_within(&sh, op_at),
                            translate_within(&op, end),
                            crate::exec::fast::translate(&decode(&[0x90], end)?, end + 1),
                        ];
                        uops[0].run = run;
                        for _ in 0..50 {
                            let mut c = Cpu::default();
                            for g in c.gpr.iter_mut() {
                                x ^= x << 13;
                                x ^= x >> 7;
                                x ^= x << 17;
                                *g = x;
                            }
                            let mut reference = c.clone();
                            let mut m = Memory::new();
                            for (i, next) in [(&mov, sh_at), (&sh, op_at), (&op, end)] {
                                assert!(matches!(
                                    execute(&mut reference, &mut m, i, next)?,
                                    Step::Next
                                ));
                            }
                            let exit = (uops[0].run)(&mut c, &mut m, uops.as_ptr());
                            assert!(matches!(exit, Exit::Next(a) if a == end + 1), "{op}");
                            assert_eq!(c.gpr, reference.gpr, "{mov}; {sh}; {op}");
                            checked += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(checked, 2 * 5 * 4 * 3 * 50);
        Ok(())
    }

    /// A 32-bit copy widened by a 64-bit shift, and a combining operation
    /// of another size or on another register, stay apart.
    #[test]
    fn only_same_size_chains_on_the_copy_fuse() -> TestResult {
        let mov32 = decode(&[0x89, 0xce], 0x1000)?; // mov esi, ecx
        let shl64 = decode(&[0x48, 0xc1, 0xe6, 0x0d], 0x1002)?; // shl rsi, 13
        let xor64 = decode(&[0x48, 0x31, 0xc6], 0x1006)?; // xor rsi, rax
        let mut u = translate_within(&mov32, 0x1002);
        mov_then(&mov32, &shl64, true, &mut u).ok_or("the widening pair fuses")?;
        assert!(copy_shift_op(&mov32, &shl64, &xor64, true, &mut u).is_none());
        let shl32 = decode(&[0xc1, 0xe6, 0x0d], 0x1002)?; // shl esi, 13
        let mut u = translate_within(&mov32, 0x1002);
        mov_then(&mov32, &shl32, true, &mut u).ok_or("the pair fuses")?;
        let xor_other = decode(&[0x31, 0xc3], 0x1005)?; // xor ebx, eax
        assert!(copy_shift_op(&mov32, &shl32, &xor64, true, &mut u).is_none());
        assert!(copy_shift_op(&mov32, &shl32, &xor_other, true, &mut u).is_none());
        let xor32 = decode(&[0x31, 0xc6], 0x1005)?; // xor esi, eax
        assert!(copy_shift_op(&mov32, &shl32, &xor32, true, &mut u).is_some());
        Ok(())
    }
}
