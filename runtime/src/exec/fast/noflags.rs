//! Flag-free forms of arithmetic with a register destination, and the
//! block-local, per-flag liveness that says where they may run.
//!
//! Why: most arithmetic in compiled code writes flags that nothing reads —
//! the next `add`, `xor` or `cmp` overwrites them first (hash rounds, address
//! arithmetic, bignum loops). Recording them lazily is still 3–5 stores per
//! instruction. A backward pass over each block at decode time
//! ([`dead_flags`]) tracks each of the six status flags separately and finds
//! the instructions none of whose flag writes can be read before they are
//! overwritten; those get a handler that computes the same result and skips
//! the flags record. Per-flag tracking matters for `imul` and rotates, which
//! write only CF and OF, and for `inc`/`dec`, which keep CF. Flags are
//! treated as live at the end of every block, so nothing crosses a block
//! boundary; a fault ends the call, which leaves no register state behind.

use super::alu::{binary_flags_dead, other_flags_dead};
use super::{Handler, Uop};
use crate::cache::{ends_block, MAX_BLOCK};
use crate::exec::int::shift::count_mask;
use crate::flags::{AF, CF, OF, PF, SF, ZF};
use crate::memory::Memory;
use echovm_decoder::decode;
use echovm_decoder::{Insn, Op, Operand, Seg, NO_REG};

/// The six status flags.
pub(crate) const ALL: u64 = CF | PF | AF | ZF | SF | OF;

/// How an instruction uses the status flags (bit masks of `flags::CF`…).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct FlagUse {
    /// Flags it may read (all six when not known).
    reads: u64,
    /// Flags it always overwrites: dead before it unless it reads them.
    kills: u64,
    /// Flags it may write (a superset of `kills`): its flag writes are dead
    /// when none of these is live after it.
    may: u64,
}

impl FlagUse {
    const NONE: FlagUse = FlagUse::writes(0, 0);
    /// Not known: may read every flag. Its `may` is left empty so that it is
    /// never marked (it has no flag-free form anyway).
    const UNKNOWN: FlagUse = FlagUse {
        reads: ALL,
        kills: 0,
        may: 0,
    };

    const fn writes(kills: u64, may: u64) -> FlagUse {
        FlagUse {
            reads: 0,
            kills,
            may,
        }
    }
}

/// A shift or rotate writes `flags` when its masked count is non-zero: a
/// non-zero immediate always does, a count in CL may.
fn shift_use(insn: &Insn, flags: u64) -> FlagUse {
    let size = match insn.ops[0] {
        Operand::Gpr { size, .. } | Operand::Mem { size } => size,
        _ => return FlagUse::UNKNOWN,
    };
    match insn.ops[1] {
        Operand::Imm { .. } if insn.imm & count_mask(size) != 0 => FlagUse::writes(flags, flags),
        Operand::Imm { .. } => FlagUse::NONE,
        _ => FlagUse::writes(0, flags),
    }
}

fn flag_use(insn: &Insn) -> FlagUse {
    use Op::*;
    match insn.op {
        Add | Sub | And | Or | Xor | Cmp | Test | Neg => FlagUse::writes(ALL, ALL),
        Inc | Dec => FlagUse::writes(ALL & !CF, ALL & !CF),
        Shl | Sal | Shr | Sar => shift_use(insn, ALL),
        Rol | Ror => shift_use(insn, CF | OF),
        // CF = OF = overflow; the others keep their values (`int::muldiv::mul_flags`).
        Imul | Mul => FlagUse::writes(CF | OF, CF | OF),
        // SF = ZF = PF = 0, AF = 1; CF and OF keep their values (`int::muldiv::div_flags`).
        Div | Idiv => FlagUse::writes(SF | ZF | PF | AF, SF | ZF | PF | AF),
        // A direct jmp/call inside a block is a superblock link
        // (`CodeCache::decode_block`): execution continues with the next uop.
        Mov | Movzx | Movsx | Movsxd | Lea | Push | Pop | Not | Nop | Endbr64 | Cbw | Cwde
        | Cdqe | Cwd | Cdq | Cqo | Bswap | Movaps | Movups | Movapd | Movupd | Movdqa | Movdqu
        | Movss | Movsd | Movd | Movq | Jmp | Call => FlagUse::NONE,
        // The SSE operations that set flags (from their comparison) write
        // all six; every other SSE operation neither reads nor writes them.
        Comiss | Ucomiss | Comisd | Ucomisd | Ptest | Pcmpestri | Pcmpestrm | Pcmpistri
        | Pcmpistrm => FlagUse::writes(ALL, ALL),
        op if op.is_sse() => FlagUse::NONE,
        _ => FlagUse::UNKNOWN,
    }
}

/// Bit `k` set: instruction `k` of the block writes flags, and every flag it
/// may write is overwritten before any later instruction of the block may
/// read it, `live_end` being the flags live after the block's last
/// instruction ([`live_out`]). Blocks have at most [`MAX_BLOCK`] (128)
/// instructions, one bit each.
pub(crate) fn dead_flags(block: &[Insn], live_end: u64) -> u128 {
    const { assert!(MAX_BLOCK <= 128) };
    let mut dead = 0u128;
    let mut live = live_end;
    for (k, insn) in block.iter().enumerate().rev() {
        let f = flag_use(insn);
        if f.may != 0 && f.may & live == 0 {
            // Beyond bit 127 (no block is that long) nothing is marked.
            dead |= 1u128.checked_shl(k as u32).unwrap_or(0);
        }
        live = (live & !f.kills) | f.reads;
    }
    dead
}

/// The flags live just after instruction `k` of `block`, `live_end` being
/// those live after its last instruction.
pub(crate) fn live_after(block: &[Insn], k: usize, live_end: u64) -> u64 {
    let mut live = live_end;
    for insn in block.iter().skip(k + 1).rev() {
        let f = flag_use(insn);
        live = (live & !f.kills) | f.reads;
    }
    live
}

/// How many instructions [`live_in`] looks at.
const LOOKAHEAD: usize = 24;

/// The flags that code starting at `pc` may read before overwriting them:
/// its instructions are decoded (code is immutable), through direct jumps,
/// until all six flags are overwritten, a block ends otherwise, or
/// [`LOOKAHEAD`] instructions pass; whatever is not known to be overwritten
/// by then counts as read.
/// Anything that does not decode counts as reading every flag.
pub(crate) fn live_in(mem: &Memory, mut pc: u64) -> u64 {
    let (mut reads, mut killed) = (0, 0);
    for _ in 0..LOOKAHEAD {
        let Some(insn) = mem.fetch(pc, 32).ok().and_then(|b| decode(b, pc).ok()) else {
            return ALL;
        };
        let f = flag_use(&insn);
        reads |= f.reads & !killed;
        killed |= f.kills;
        if killed == ALL {
            return reads;
        }
        let direct = matches!(insn.ops[0], Operand::Imm { .. });
        pc = if insn.op == Op::Jmp && direct {
            // A direct jump goes on at its target (code is immutable).
            insn.imm
        } else if ends_block(insn.op) || insn.op.is_string() {
            break;
        } else {
            pc.wrapping_add(insn.len as u64)
        };
    }
    reads | (ALL & !killed)
}

/// The flags live after a block's last instruction `last` (at whose end
/// execution would fall through to `next`): what its successors may read —
/// both paths of a conditional branch, the target of a direct jump or call,
/// the next instruction otherwise. Returns, indirect transfers, interrupts
/// and anything else count as reading every flag.
pub(crate) fn live_out(mem: &Memory, last: &Insn, next: u64) -> u64 {
    let direct = matches!(last.ops[0], Operand::Imm { .. });
    let is_jcc = last
        .op
        .condition()
        .is_some_and(|cc| last.op as u16 - cc as u16 == Op::Jo as u16);
    if is_jcc {
        live_in(mem, last.imm) | live_in(mem, next)
    } else if matches!(last.op, Op::Jmp | Op::Call) && direct {
        live_in(mem, last.imm)
    } else if ends_block(last.op) || last.op.is_string() {
        ALL
    } else {
        live_in(mem, next)
    }
}

/// Most entries [`switch_live_out`] reads from a jump table.
const MAX_TABLE: u64 = 256;

/// The flags live after a block that ends in a switch's dispatch: `jmp
/// [table + x*8]`, with `x` bounded by a `cmp x, n` and a `ja`/`jae` on the
/// block's path before it (and not written after them), the table in a
/// segment nothing writes ([`Memory::constant_u64`]): the flags any of the
/// table's first `n + 1` (`ja`) or `n` (`jae`) targets may read. `None`
/// when the block does not end so; it then counts as reading every flag.
///
/// Why: a switch-dispatched interpreter's every op ends in this jump, and
/// without it the bound check before it recorded all six flags for
/// targets that overwrite them first (interp: 2.3 M records).
pub(crate) fn switch_live_out(mem: &Memory, insns: &[Insn], uops: &[Uop]) -> Option<u64> {
    let (jmp, before) = insns.split_last()?;
    let m = jmp.mem;
    let Operand::Mem { size: 8 } = jmp.ops[0] else {
        return None;
    };
    let plain = m.base == NO_REG && m.scale == 8 && m.seg == Seg::None && !m.addr32;
    if jmp.op != Op::Jmp || !plain || m.index > 15 {
        return None;
    }
    let x = m.index;
    // Back over moves into other registers, to the bound check.
    let mut k = before.len();
    loop {
        k = k.checked_sub(1)?;
        let insn = before.get(k)?;
        let moves = matches!(
            insn.op,
            Op::Mov | Op::Lea | Op::Movzx | Op::Movsx | Op::Movsxd
        );
        match insn.ops[0] {
            Operand::Gpr { reg, size: 4 | 8 } if moves && reg != x => continue,
            _ => break,
        }
    }
    let (jcc, u, cmp) = (before.get(k)?, uops.get(k)?, before.get(k.checked_sub(1)?)?);
    // The jcc leaves the block when taken: its path goes on at the next
    // instruction, where `x` is within the bound.
    if !u.is_side() || u.successor() != u.next {
        return None;
    }
    let Operand::Gpr { reg, size: 8 } = cmp.ops[0] else {
        return None;
    };
    let bounded = cmp.op == Op::Cmp && reg == x && matches!(cmp.ops[1], Operand::Imm { .. });
    let count = match jcc.op {
        Op::Ja if bounded => cmp.imm.checked_add(1)?,
        Op::Jae if bounded => cmp.imm,
        _ => return None,
    };
    if count > MAX_TABLE {
        return None;
    }
    let mut live = 0;
    for i in 0..count {
        let entry = (m.disp as u64).checked_add(i * 8)?;
        live |= live_in(mem, mem.constant_u64(entry)?);
        if live == ALL {
            break;
        }
    }
    Some(live)
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
        _ => other_flags_dead(insn, u),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cpu::Cpu;
    use crate::exec::fast::{translate, translate_side, Exit};
    use crate::memory::Memory;
    use crate::memory::{Perm, Region, RegionKind};
    use echovm_decoder::{decode, DecodeError};
    type TestResult = Result<(), Box<dyn std::error::Error>>;
    type Fallible<T> = Result<T, Box<dyn std::error::Error>>;

    fn insns(code: &[&[u8]]) -> Result<Vec<Insn>, DecodeError> {
        let mut at = 0x40_0000u64;
        code.iter()
            .map(|b| {
                let i = decode(b, at)?;
                at += i.len as u64;
                Ok(i)
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
    const IMUL: &[u8] = &[0x48, 0x0f, 0xaf, 0xc3]; // imul rax, rbx
    const SHR5: &[u8] = &[0x48, 0xc1, 0xe8, 0x05]; // shr rax, 5
    const SHR64: &[u8] = &[0x48, 0xc1, 0xe8, 0x40]; // shr rax, 64: count masked to 0
    const SHLCL: &[u8] = &[0x48, 0xd3, 0xe0]; // shl rax, cl
    const ROL: &[u8] = &[0x48, 0xc1, 0xc0, 0x07]; // rol rax, 7
    const DEC: &[u8] = &[0xff, 0xc9]; // dec ecx
    const CALL: &[u8] = &[0xe8, 0, 0, 0, 0]; // call (linked in a superblock)
    const MULSD: &[u8] = &[0xf2, 0x0f, 0x59, 0xc1]; // mulsd xmm0, xmm1
    const UCOMISD: &[u8] = &[0x66, 0x0f, 0x2e, 0xc1]; // ucomisd xmm0, xmm1

    #[test]
    fn liveness_of_block_flags() -> TestResult {
        // The second add overwrites the first one's flags before jc reads them.
        assert_eq!(dead_flags(&insns(&[ADD, ADD, JC])?, ALL), 0b001);
        // adc reads CF: the add before it is live.
        assert_eq!(dead_flags(&insns(&[ADD, ADC, RET])?, ALL), 0);
        // inc keeps CF, which jc reads: the add stays live.
        assert_eq!(dead_flags(&insns(&[ADD, INC, JC])?, ALL), 0);
        // Flags are live at the end of a block, even after a mov.
        assert_eq!(dead_flags(&insns(&[ADD, MOV, SUB, RET])?, ALL), 0b0001);
        assert_eq!(dead_flags(&insns(&[ADD, MOV])?, ALL), 0);
        // setcc and pushf read flags.
        assert_eq!(dead_flags(&insns(&[ADD, SETE, SUB, RET])?, ALL), 0);
        assert_eq!(dead_flags(&insns(&[ADD, PUSHF, SUB, RET])?, ALL), 0);
        // cmp kills: everything before it is dead.
        assert_eq!(dead_flags(&insns(&[SUB, ADD, MOV, CMP, JC])?, ALL), 0b00011);
        // imul writes only CF/OF: dead under a full kill, live under inc
        // (which keeps CF for jc), and it does not kill the add's other flags.
        assert_eq!(dead_flags(&insns(&[IMUL, SHR5, JC])?, ALL), 0b001);
        assert_eq!(dead_flags(&insns(&[IMUL, INC, JC])?, ALL), 0);
        assert_eq!(dead_flags(&insns(&[ADD, IMUL, SUB, JC])?, ALL), 0b011);
        assert_eq!(dead_flags(&insns(&[ADD, IMUL, JC])?, ALL), 0);
        // inc/dec leave CF alone: an add before them stays live for jc, but
        // inc itself is dead under a later add.
        assert_eq!(dead_flags(&insns(&[ADD, DEC, JC])?, ALL), 0);
        assert_eq!(dead_flags(&insns(&[DEC, ADD, JC])?, ALL), 0b001);
        // A shift by CL may write nothing (CL = 0): it kills nothing, but its
        // own writes can be dead. A count masked to 0 writes nothing at all.
        assert_eq!(dead_flags(&insns(&[ADD, SHLCL, JC])?, ALL), 0);
        assert_eq!(dead_flags(&insns(&[SHLCL, ADD, JC])?, ALL), 0b001);
        assert_eq!(dead_flags(&insns(&[ADD, SHR64, JC])?, ALL), 0);
        assert_eq!(dead_flags(&insns(&[ADD, SHR5, JC])?, ALL), 0b001);
        // Rotates write CF/OF: dead when a sub follows, not when only inc.
        assert_eq!(dead_flags(&insns(&[ROL, SUB, RET])?, ALL), 0b001);
        assert_eq!(dead_flags(&insns(&[ROL, INC, JC])?, ALL), 0);
        // A linked call passes flags through to its target's instructions.
        assert_eq!(dead_flags(&insns(&[ADD, CALL, SUB, RET])?, ALL), 0b0001);
        // SSE arithmetic passes flags through; ucomisd writes all six.
        assert_eq!(dead_flags(&insns(&[ADD, MULSD, SUB, JC])?, ALL), 0b0001);
        assert_eq!(dead_flags(&insns(&[ADD, UCOMISD, JC])?, ALL), 0b001);
        assert_eq!(dead_flags(&insns(&[UCOMISD, ADD, JC])?, ALL), 0b001);
        Ok(())
    }

    /// Memory with `code` mapped executable at 0x40_0000.
    fn code_at(code: &[&[u8]]) -> Fallible<Memory> {
        let mut m = Memory::new();
        let mut data: Vec<u8> = code.concat();
        data.resize(4096, 0x90); // nop padding after the code
        m.map(Region {
            start: 0x40_0000,
            perm: Perm::RX,
            kind: RegionKind::Segment,
            data,
        })?;
        Ok(m)
    }

    #[test]
    fn liveness_at_block_entries_and_exits() -> TestResult {
        let at = 0x40_0000;
        // add overwrites all six before anything reads them.
        assert_eq!(live_in(&code_at(&[MOV, ADD, JC])?, at), 0);
        // jc reads (every flag, conservatively); inc keeps CF for it.
        assert_eq!(live_in(&code_at(&[JC])?, at), ALL);
        assert_eq!(live_in(&code_at(&[MOV, INC, JC])?, at), CF);
        // imul overwrites CF/OF only; at ret the rest counts as read.
        assert_eq!(live_in(&code_at(&[IMUL, RET])?, at), ALL & !(CF | OF));
        // Unmapped or undecodable code reads everything.
        assert_eq!(live_in(&code_at(&[ADD])?, 0x9_0000), ALL);
        assert_eq!(live_in(&code_at(&[&[0x0f, 0xff]])?, at), ALL);
        // A nop sled longer than the lookahead: nothing known to be written.
        assert_eq!(live_in(&code_at(&[])?, at), ALL);

        // After a block: both paths of a jcc, the target of a direct jmp, the
        // fall-through otherwise; a ret's successor is unknown.
        let m = code_at(&[ADD, RET, INC, JC])?; // 0x400000 add, +3 ret, +4 inc, +7 jc
        let jc = |target: u64| -> Result<Insn, DecodeError> {
            let mut i = decode(&[0x0f, 0x82, 0, 0, 0, 0], 0x3f_fff0)?;
            i.imm = target;
            Ok(i)
        };
        let next = 0x3f_fff6;
        let mut m2 = code_at(&[ADD])?;
        m2.map(Region {
            start: 0x3f_f000,
            perm: Perm::RX,
            kind: RegionKind::Segment,
            data: [&[0x90u8; 0xff6][..], ADD, &[0x90; 7]].concat(),
        })?;
        assert_eq!(live_out(&m2, &jc(at)?, next), 0, "both paths add first");
        assert_eq!(live_out(&m, &jc(at + 4)?, at + 3), ALL, "one path is a ret");
        let ret = decode(RET, at)?;
        assert_eq!(live_out(&m, &ret, at + 1), ALL);
        let jmp = {
            let mut i = decode(&[0xe9, 0, 0, 0, 0], 0x3f_fff0)?;
            i.imm = at;
            i
        };
        assert_eq!(live_out(&m, &jmp, 0x3f_fff5), 0);
        // Whole blocks: with no flag live at the end, the last add's flags
        // are dead too (the last instruction is never given a flag-free
        // form, but the liveness says so).
        assert_eq!(dead_flags(&insns(&[ADD, MOV, ADD])?, 0), 0b101);
        assert_eq!(live_after(&insns(&[ADD, JC, SUB, RET])?, 1, ALL), 0);
        assert_eq!(live_after(&insns(&[ADD, JC, INC, RET])?, 1, 0), CF);
        Ok(())
    }

    #[test]
    fn liveness_follows_direct_jumps() -> TestResult {
        let at = 0x40_0000;
        // jmp over two nops to an add: nothing is read.
        assert_eq!(live_in(&code_at(&[&[0xeb, 0x02, 0x90, 0x90], ADD])?, at), 0);
        // ... to a jc: every flag is.
        assert_eq!(
            live_in(&code_at(&[&[0xeb, 0x02, 0x90, 0x90], JC])?, at),
            ALL
        );
        // A jump to itself ends at the lookahead with nothing known.
        assert_eq!(live_in(&code_at(&[&[0xeb, 0xfe]])?, at), ALL);
        Ok(())
    }

    /// A switch's dispatch block: `cmp` (`bound`), the jcc (`jcc`, a side
    /// exit that continues at the next instruction unless `taken`), the
    /// instructions `between`, and `jmp [rdx*8 + 0x60_0000]`; the table's
    /// targets (in a segment of permissions `perm`) are an add (0x40_0000,
    /// writes every flag) three times, then a jc (0x40_0003, reads them).
    fn switch(
        bound: &[u8],
        jcc: &[u8],
        taken: bool,
        between: &[&[u8]],
        perm: Perm,
    ) -> Fallible<Option<u64>> {
        let mut m = code_at(&[ADD, JC])?;
        let table: Vec<u8> = [0x40_0000u64, 0x40_0000, 0x40_0000, 0x40_0003]
            .iter()
            .flat_map(|t| t.to_le_bytes())
            .collect();
        m.map(Region {
            start: 0x60_0000,
            perm,
            kind: RegionKind::Segment,
            data: table,
        })?;
        const JMP: &[u8] = &[0xff, 0x24, 0xd5, 0x00, 0x00, 0x60, 0x00]; // jmp [rdx*8+0x600000]
        let code: Vec<&[u8]> = [&[bound, jcc][..], between, &[JMP]].concat();
        let mut at = 0x50_0000u64;
        let (mut insns, mut uops) = (Vec::new(), Vec::new());
        for (k, b) in code.iter().enumerate() {
            let i = decode(b, at)?;
            at += i.len as u64;
            let u = if k == 1 {
                translate_side(&i, at, taken).ok_or("not a jcc")?
            } else {
                translate(&i, at)
            };
            insns.push(i);
            uops.push(u);
        }
        Ok(switch_live_out(&m, &insns, &uops))
    }

    #[test]
    fn a_bounded_jump_table_reads_what_its_targets_read() -> TestResult {
        const CMP2: &[u8] = &[0x48, 0x83, 0xfa, 0x02]; // cmp rdx, 2
        const CMP3: &[u8] = &[0x48, 0x83, 0xfa, 0x03]; // cmp rdx, 3
        const CMP32: &[u8] = &[0x83, 0xfa, 0x02]; // cmp edx, 2
        const JA: &[u8] = &[0x0f, 0x87, 0x10, 0, 0, 0]; // the default case 16 bytes on
        const JAE: &[u8] = &[0x0f, 0x83, 0x10, 0, 0, 0];
        const JB: &[u8] = &[0x0f, 0x82, 0x10, 0, 0, 0];
        const LEA: &[u8] = &[0x8d, 0x71, 0x01]; // lea esi, [rcx+1]
        const MOV_EDX: &[u8] = &[0x89, 0xc2]; // mov edx, eax
                                              // rdx <= 2 (ja) or < 3 (jae): the three add targets.
        assert_eq!(switch(CMP2, JA, false, &[LEA], Perm::R)?, Some(0));
        assert_eq!(switch(CMP3, JAE, false, &[], Perm::R)?, Some(0));
        // rdx <= 3 reaches the jc.
        assert_eq!(switch(CMP3, JA, false, &[LEA], Perm::R)?, Some(ALL));
        // Not a bound the path can rely on: a table that can be written, a
        // 32-bit compare (the upper half unchecked), the index written after
        // the check, a block that goes on along the taken path, the wrong
        // condition.
        assert_eq!(switch(CMP2, JA, false, &[], Perm::RW)?, None);
        assert_eq!(switch(CMP32, JA, false, &[], Perm::R)?, None);
        assert_eq!(switch(CMP2, JA, false, &[MOV_EDX], Perm::R)?, None);
        assert_eq!(switch(CMP2, JA, true, &[], Perm::R)?, None);
        assert_eq!(switch(CMP2, JB, false, &[], Perm::R)?, None);
        Ok(())
    }

    fn mem() -> Fallible<Memory> {
        let mut m = Memory::new();
        m.map(Region {
            start: 0x20_0000,
            perm: Perm::RW,
            kind: RegionKind::Segment,
            data: (0..4096u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
        })?;
        // Warm the region caches the way a running contract has them.
        let first = m.read(0x20_0000, 8)?;
        m.write(0x20_0000, 8, first)?;
        Ok(m)
    }

    /// Every flag-free form gives the same registers and memory as the
    /// normal handler.
    #[test]
    fn flag_free_forms_compute_the_same_results() -> TestResult {
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
            // Memory destinations: op [rsi+0x10], r; op [rsi+rcx*8+8], r;
            // op qword [rsi+0x10], imm8; op dword [rsi+rcx*4], imm32.
            forms.push(vec![0x48, op, 0x5e, 0x10]);
            forms.push(vec![0x48, op, 0x5c, 0xce, 0x08]);
            forms.push(vec![0x48, 0x83, 0x46 | (n << 3), 0x10, 0x85]);
            forms.push(vec![0x81, 0x04 | (n << 3), 0x8e, 0x78, 0x56, 0x34, 0x92]);
        }
        // 8-bit forms: add al, bl / op cl, imm8.
        forms.push(vec![0x00, 0xd8]);
        forms.push(vec![0x80, 0xe9, 0x7f]);
        for pre in [&[][..], &[0x48], &[0x66], &[0x49]] {
            // inc/dec/neg r; shifts and rotates by 1, imm8 and CL; imul forms.
            let mut more: Vec<Vec<u8>> = vec![
                vec![0xff, 0xc1],
                vec![0xff, 0xca],
                vec![0xf7, 0xdb],
                vec![0x0f, 0xaf, 0xc3],
                vec![0x0f, 0xaf, 0x46, 0x10],
                vec![0x6b, 0xc3, 0x85],
                vec![0x69, 0xc3, 0x78, 0x56, 0x34, 0x92],
            ];
            for n in [0u8, 1, 4, 5, 7] {
                more.push(vec![0xd1, 0xc0 | (n << 3) | 2]);
                more.push(vec![0xc1, 0xc0 | (n << 3) | 2, 0x0b]);
                more.push(vec![0xc1, 0xc0 | (n << 3) | 2, 0x21]);
                more.push(vec![0xd3, 0xc0 | (n << 3) | 2]);
            }
            for m in more {
                let mut f = pre.to_vec();
                f.extend(m);
                forms.push(f);
            }
        }
        forms.push(vec![0xfe, 0xc3]); // inc bl
        forms.push(vec![0xc0, 0xe3, 0x03]); // shl bl, 3
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let mut checked = 0;
        for code in &forms {
            let insn = decode(code, 0x40_0000)?;
            let next = 0x40_0000 + insn.len as u64;
            let normal = translate(&insn, next);
            let mut fast = normal;
            let h = pick(&insn, &mut fast).ok_or("no flag-free form")?;
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
                cpu.gpr[14] = cpu.gpr[6]; // the base under REX.B
                                          // Small counts in CL too, and sometimes a zero count.
                cpu.gpr[1] = x >> 58;
                let mut c2 = cpu.clone();
                let (mut m1, mut m2) = (mem()?, mem()?);
                let a = (normal.run)(&mut cpu, &mut m1, &normal);
                let b = (fast.run)(&mut c2, &mut m2, &fast);
                assert!(
                    matches!((a, b), (Exit::Next(p), Exit::Next(q)) if p == q && p == next),
                    "{insn}: {a:?} {b:?}"
                );
                assert_eq!(cpu.gpr, c2.gpr, "{insn}");
                let (mut d1, mut d2) = ([0u8; 4096], [0u8; 4096]);
                m1.read_bytes(0x20_0000, &mut d1)?;
                m2.read_bytes(0x20_0000, &mut d2)?;
                assert!(d1 == d2, "{insn}: memory differs");
                checked += 1;
            }
        }
        assert_eq!(checked, forms.len() * 200);
        Ok(())
    }
}
