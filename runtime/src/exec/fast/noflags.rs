//! Flag-free forms of `add`/`sub`/`and`/`or`/`xor` with a register
//! destination, and the block-local flag liveness that says where they may
//! run.
//!
//! Why: most arithmetic in compiled code writes flags that nothing reads —
//! the next `add`, `xor` or `cmp` overwrites them first (hash rounds, address
//! arithmetic, bignum loops). Recording them lazily is still 3–5 stores per
//! instruction. A backward pass over each block at decode time
//! ([`dead_flags`]) finds the instructions whose flags are overwritten
//! before any instruction of the block could read them; those get a handler
//! that computes the same result and skips the flags record. Flags are
//! treated as live at the end of every block, so nothing crosses a block
//! boundary; a fault ends the call, which leaves no register state behind.

use super::alu::binary_flags_dead;
use super::{Handler, Uop};
use crate::cache::MAX_BLOCK;
use echovm_decoder::{Insn, Op};

/// How an instruction uses the six status flags, for liveness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Use {
    /// May read some flag (or is not known not to): flags are live before it.
    Reads,
    /// Writes all six and reads none: flags are dead before it unless it
    /// reads them, which it does not.
    Kills,
    /// Reads none; writes none or only some (those it does not write pass
    /// through), so liveness before it is liveness after it.
    Passes,
}

fn flag_use(insn: &Insn) -> Use {
    use Op::*;
    match insn.op {
        Add | Sub | And | Or | Xor | Cmp | Test | Neg => Use::Kills,
        Mov | Movzx | Movsx | Movsxd | Lea | Push | Pop | Not | Nop | Endbr64 | Cbw | Cwde
        | Cdqe | Cwd | Cdq | Cqo | Bswap | Inc | Dec | Shl | Sal | Shr | Sar | Rol | Ror | Imul
        | Movaps | Movups | Movapd | Movupd | Movdqa | Movdqu | Movss | Movsd | Movd | Movq => {
            Use::Passes
        }
        _ => Use::Reads,
    }
}

/// Bit `k` set: instruction `k` of the block writes flags that are
/// overwritten before any later instruction of the block may read them, and
/// flags are live at the block's end. Blocks have at most [`MAX_BLOCK`]
/// (128) instructions, one bit each.
pub(crate) fn dead_flags(block: &[Insn]) -> u128 {
    const { assert!(MAX_BLOCK <= 128) };
    let mut dead = 0u128;
    let mut live = true;
    for (k, insn) in block.iter().enumerate().rev() {
        match flag_use(insn) {
            Use::Reads => live = true,
            Use::Kills => {
                if !live {
                    // Beyond bit 127 (no block is that long) nothing is marked.
                    dead |= 1u128.checked_shl(k as u32).unwrap_or(0);
                }
                live = false;
            }
            Use::Passes => {}
        }
    }
    dead
}

/// The flag-free handler for `insn`, whose flags are dead, if it has one
/// (filling `u` like the normal translation does).
pub(crate) fn pick(insn: &Insn, u: &mut Uop) -> Option<Handler> {
    use Op::*;
    match insn.op {
        Add => binary_flags_dead::<{ Add as u16 }>(insn, u),
        Sub => binary_flags_dead::<{ Sub as u16 }>(insn, u),
        And => binary_flags_dead::<{ And as u16 }>(insn, u),
        Or => binary_flags_dead::<{ Or as u16 }>(insn, u),
        Xor => binary_flags_dead::<{ Xor as u16 }>(insn, u),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::Cpu;
    use crate::exec::fast::{translate, Exit};
    use crate::memory::Memory;
    use crate::memory::{Perm, Region, RegionKind};
    use echovm_decoder::decode;

    fn insns(code: &[&[u8]]) -> Vec<Insn> {
        let mut at = 0x40_0000u64;
        code.iter()
            .map(|b| {
                let i = decode(b, at).expect("test code decodes");
                at += i.len as u64;
                i
            })
            .collect()
    }

    const ADD: &[u8] = &[0x48, 0x01, 0xd8]; // add rax, rbx
    const SUB: &[u8] = &[0x48, 0x29, 0xd8]; // sub rax, rbx
    const ADC: &[u8] = &[0x48, 0x11, 0xd8]; // adc rax, rbx
    const INC: &[u8] = &[0x48, 0xff, 0xc0]; // inc rax
    const MOV: &[u8] = &[0x48, 0x89, 0xd8]; // mov rax, rbx
    const JC: &[u8] = &[0x72, 0x00]; // jc
    const SETE: &[u8] = &[0x0f, 0x94, 0xc0]; // sete al
    const RET: &[u8] = &[0xc3];
    const CMP: &[u8] = &[0x48, 0x39, 0xd8]; // cmp rax, rbx
    const PUSHF: &[u8] = &[0x9c];

    #[test]
    fn liveness_of_block_flags() {
        // The second add overwrites the first one's flags before jc reads them.
        assert_eq!(dead_flags(&insns(&[ADD, ADD, JC])), 0b001);
        // adc reads CF: the add before it is live.
        assert_eq!(dead_flags(&insns(&[ADD, ADC, RET])), 0);
        // inc keeps CF, which jc reads: the add stays live.
        assert_eq!(dead_flags(&insns(&[ADD, INC, JC])), 0);
        // Flags are live at the end of a block, even after a mov.
        assert_eq!(dead_flags(&insns(&[ADD, MOV, SUB, RET])), 0b0001);
        assert_eq!(dead_flags(&insns(&[ADD, MOV])), 0);
        // setcc and pushf read flags.
        assert_eq!(dead_flags(&insns(&[ADD, SETE, SUB, RET])), 0);
        assert_eq!(dead_flags(&insns(&[ADD, PUSHF, SUB, RET])), 0);
        // cmp kills: everything before it is dead.
        assert_eq!(dead_flags(&insns(&[SUB, ADD, MOV, CMP, JC])), 0b00011);
    }

    fn mem() -> Memory {
        let mut m = Memory::new();
        m.map(Region {
            start: 0x20_0000,
            perm: Perm::RW,
            kind: RegionKind::Segment,
            data: (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
        })
        .expect("maps");
        // Warm the region caches the way a running contract has them.
        m.read(0x20_0000, 8).expect("readable");
        m
    }

    /// Every flag-free form gives the same registers as the normal handler.
    #[test]
    fn flag_free_forms_compute_the_same_results() {
        let mut forms: Vec<Vec<u8>> = Vec::new();
        for op in [0x01u8, 0x29, 0x21, 0x09, 0x31] {
            for pre in [&[][..], &[0x48], &[0x66], &[0x4c]] {
                // r/m, reg (register direct), and reg, [base+disp8] via the 0x02 direction.
                let mut rr = pre.to_vec();
                rr.extend([op, 0xd8]);
                forms.push(rr);
                let mut rm = pre.to_vec();
                rm.extend([op + 2, 0x46, 0x10]); // op r, [rsi+0x10]
                forms.push(rm);
            }
            // op eax/rax, imm32 and op r/m, imm8 (0x83 /n).
            let n = match op {
                0x01 => 0,
                0x09 => 1,
                0x21 => 4,
                0x29 => 5,
                _ => 6,
            };
            forms.push(vec![0x48, 0x83, 0xc0 | (n << 3) | 1, 0x85]);
            forms.push(vec![0x81, 0xc0 | (n << 3) | 2, 0x78, 0x56, 0x34, 0x92]);
        }
        // 8-bit forms: add al, bl / op cl, imm8.
        forms.push(vec![0x00, 0xd8]);
        forms.push(vec![0x80, 0xe9, 0x7f]);
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut checked = 0;
        for code in &forms {
            let insn = decode(code, 0x40_0000).expect("decodes");
            let next = 0x40_0000 + insn.len as u64;
            let normal = translate(&insn, next);
            let mut fast = normal;
            let h = pick(&insn, &mut fast).expect("a flag-free form");
            fast.run = h.last;
            for _ in 0..200 {
                let mut cpu = Cpu::default();
                for g in cpu.gpr.iter_mut() {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    *g = x;
                }
                cpu.gpr[6] = 0x20_0000 + (x & 0x7f0);
                let mut c2 = cpu.clone();
                let (mut m1, mut m2) = (mem(), mem());
                let a = (normal.run)(&mut cpu, &mut m1, &normal);
                let b = (fast.run)(&mut c2, &mut m2, &fast);
                assert!(matches!((a, b), (Exit::Next(p), Exit::Next(q)) if p == q && p == next));
                assert_eq!(cpu.gpr, c2.gpr, "{insn}");
                checked += 1;
            }
        }
        assert_eq!(checked, forms.len() * 200);
    }
}
