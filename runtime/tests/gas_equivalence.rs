//! Property test of block metering (issue "Gas"): for random programs, gas
//! charged per block equals charging each instruction before it runs, and an
//! out-of-gas at every possible limit stops at the same instruction with the
//! same figures either way. The reference is the interpreter's
//! `per_instruction_gas` mode, which never precharges a block.

use echovm_gas::latest;
use echovm_runtime::cache::CodeCache;
use echovm_runtime::host::{Address, BlockContext, CallContext, Hash, Host, NestedResult, Status};
use echovm_runtime::program::{Program, Segment, SegmentFlags};
use echovm_runtime::{run_call_with, CallParams, Outcome, RunOptions};

/// A host with no state: the generated programs only use gas_left, set_return.
struct NoState(BlockContext);

impl Host for NoState {
    fn block(&self) -> &BlockContext {
        &self.0
    }
    fn block_hash(&self, _: u64) -> Option<Hash> {
        None
    }
    fn balance(&self, _: &Address) -> u128 {
        0
    }
    fn transfer(&mut self, _: &Address, _: &Address, _: u128) -> bool {
        false
    }
    fn storage_read(&self, _: &Address, _: &[u8]) -> Option<Vec<u8>> {
        None
    }
    fn storage_write(&mut self, _: &Address, _: &[u8], _: &[u8]) {}
    fn storage_remove(&mut self, _: &Address, _: &[u8]) -> bool {
        false
    }
    fn emit_event(&mut self, _: &Address, _: &Hash, _: &[u8]) {}
    fn call(&mut self, _: &CallContext, _: &Address, _: &[u8], _: u64, _: u128) -> NestedResult {
        NestedResult {
            status: Status::Fault,
            gas_used: 0,
            return_data: Vec::new(),
        }
    }
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Registers the generator uses freely: rax, rdx, rbx, rsi (no REX.R/B needed).
const REGS: [u8; 4] = [0, 2, 3, 6];

/// One random straight-line instruction (may fault: `div` by a zero register).
fn straight(r: &mut Rng, code: &mut Vec<u8>, in_loop: bool) {
    let a = REGS[r.below(4) as usize];
    let b = REGS[r.below(4) as usize];
    // rep stosb clobbers rcx, the loop counter: not inside loop bodies.
    let pick = match r.below(25) {
        8 if in_loop => 1,
        k => k,
    };
    match pick {
        0 => {
            code.extend([0x48, 0xc7, 0xc0 | a]);
            code.extend((r.next() as u32).to_le_bytes());
        }
        1 => code.extend([
            0x48,
            [0x01, 0x29, 0x31, 0x21, 0x09][r.below(5) as usize],
            0xc0 | b << 3 | a,
        ]),
        2 => code.extend([0x48, 0x0f, 0xaf, 0xc0 | a << 3 | b]),
        3 => code.extend([
            0x48,
            0xc1,
            [0xe0, 0xc8, 0xf8][r.below(3) as usize] | a,
            r.below(64) as u8,
        ]),
        4 => code.extend([0x50 | a, 0x58 | b]),
        5 => code.extend([0x48, 0x89, 0x44 | a << 3, 0x24, 0xf0]),
        // A load, half the time followed by a store of the loaded register
        // to another stack slot (a stack-to-stack copy: one handler).
        // The slots are [rsp-0x10] (case 5's) and [rsp-0x18], so copied
        // values flow on into later loads and the returned registers.
        6 => {
            let from = [0xf0, 0xe8][r.below(2) as usize];
            code.extend([0x48, 0x8b, 0x44 | a << 3, 0x24, from]);
            if r.below(2) == 0 {
                code.extend([0x48, 0x89, 0x44 | a << 3, 0x24, 0xf0 ^ 0xe8 ^ from]);
            }
        }
        // gas_left(), accumulated in r8 with a flag-neutral lea (nothing else reads r8,
        // so neither data nor control flow depends on the limit); rax is saved in r9.
        7 => code.extend([
            0x49, 0x89, 0xc1, 0xcd, 0x2f, 0x4d, 0x8d, 0x04, 0x00, 0x4c, 0x89, 0xc8,
        ]),
        // rep stosb of 0..40 bytes below the stack pointer.
        8 => {
            code.extend([0x48, 0x8d, 0xbc, 0x24, 0x00, 0xfe, 0xff, 0xff, 0xb9]);
            code.extend((r.below(40) as u32).to_le_bytes());
            code.extend([0xf3, 0xaa]);
        }
        // xor edx, edx; div rsi (faults when rsi is 0).
        9 => code.extend([0x31, 0xd2, 0x48, 0xf7, 0xf6]),
        // setcc + movzx
        10 => code.extend([
            0x0f,
            0x90 | r.below(16) as u8,
            0xc0 | a,
            0x48,
            0x0f,
            0xb6,
            0xc0 | b << 3 | a,
        ]),
        // A direct call of the next instruction, whose return address is
        // popped into r10, and a direct jmp over a ud2: both continue the
        // same superblock at their target (a fresh call's first stack write
        // declines to the general path, which must continue it too).
        12 => code.extend([0xe8, 0, 0, 0, 0, 0x41, 0x5a]),
        13 => code.extend([0xeb, 0x02, 0x0f, 0x0b]),
        // Forward conditional branches, which the block continues past as
        // side exits on the fall-through path: over an add (cmp a, b; jcc),
        // and over a ud2 (test a, a; jcc), which faults when not taken.
        14 => code.extend([
            0x48,
            0x39,
            0xc0 | b << 3 | a,
            0x70 | r.below(16) as u8,
            0x03,
            0x48,
            0x01,
            0xc0 | b << 3 | a,
        ]),
        // Runs of pushes and pops (one handler per run): push a, b, c;
        // pop a, b, c rotates the three values; push a, b; pop a, b swaps.
        16 => {
            let c = REGS[r.below(4) as usize];
            code.extend([0x50 | a, 0x50 | b, 0x50 | c, 0x58 | a, 0x58 | b, 0x58 | c]);
            code.extend([0x50 | a, 0x50 | b, 0x58 | a, 0x58 | b]);
        }
        15 => code.extend([
            0x48,
            0x85,
            0xc0 | a << 3 | a,
            0x70 | r.below(16) as u8,
            0x02,
            0x0f,
            0x0b,
        ]),
        // Copy-then-operate pairs (one handler when the operation's flags
        // are dead, as the `test` after it makes them): mov a, b; op a, c /
        // imm8 / shift by imm8 / not; test a, a — 32- or 64-bit.
        17 => {
            let c = REGS[r.below(4) as usize];
            let w: &[u8] = if r.below(2) == 0 { &[0x48] } else { &[] };
            code.extend(w);
            code.extend([0x89, 0xc0 | b << 3 | a]);
            code.extend(w);
            match r.below(4) {
                0 => code.extend([
                    [0x01, 0x29, 0x21, 0x09, 0x31][r.below(5) as usize],
                    0xc0 | c << 3 | a,
                ]),
                1 => code.extend([
                    0x83,
                    0xc0 | [0, 1, 4, 5, 6][r.below(5) as usize] << 3 | a,
                    r.next() as u8,
                ]),
                2 => code.extend([
                    0xc1,
                    0xc0 | [4, 5, 7, 0, 1][r.below(5) as usize] << 3 | a,
                    r.below(70) as u8,
                ]),
                _ => code.extend([0xf7, 0xd0 | a]),
            }
            code.extend(w);
            code.extend([0x85, 0xc0 | a << 3 | a]);
        }
        // A call of a function that saves 1 to 6 registers and restores as
        // many, not necessarily the same ones (a prologue run joins the
        // call, an epilogue run joins the ret): call f; jmp over f;
        // f: push ..; add a, b; pop ..; ret.
        18 => {
            let n = r.below(6) as usize + 1;
            let mut f = Vec::new();
            for _ in 0..n {
                f.push(0x50 | REGS[r.below(4) as usize]);
            }
            // A frame below the saved registers, freed by the `add rsp, 8`
            // or the `mov` right before the pops (both join the pops and the
            // `ret` in one handler: `exec::fast::duo::lead`).
            f.extend([0x48, 0x83, 0xec, 0x08, 0x48, 0x01, 0xc0 | b << 3 | a]);
            match r.below(2) {
                0 => f.extend([0x48, 0x83, 0xc4, 0x08]),
                _ => f.extend([0x48, 0x83, 0xc4, 0x08, 0x89, 0xc0 | a << 3 | b]),
            }
            for _ in 0..n {
                f.push(0x58 | REGS[r.below(4) as usize]);
            }
            f.push(0xc3);
            // The argument set-up before the call joins it too.
            match r.below(3) {
                0 => code.extend([0x8d, 0x40 | b << 3 | a, r.next() as u8]),
                1 => code.extend([0x89, 0xc0 | b << 3 | a]),
                _ => {}
            }
            code.extend([0xe8, 2, 0, 0, 0, 0xeb, f.len() as u8]);
            code.extend(f);
        }
        // Stack slots addressed from a moved rsp: push a; mov b, [rsp];
        // mov [rsp-8], b; mov c, [rsp-8]; pop a. The push ends a run of
        // frame accesses (`exec::fast::frame`): the offsets after it are
        // from another rsp than those of the loads and stores before it.
        19 => {
            let c = REGS[r.below(4) as usize];
            code.extend([0x50 | a, 0x48, 0x8b, 0x04 | b << 3, 0x24]);
            code.extend([0x48, 0x89, 0x44 | b << 3, 0x24, 0xf8]);
            code.extend([0x48, 0x8b, 0x44 | c << 3, 0x24, 0xf8, 0x58 | a]);
        }
        // Load-then-operate pairs (one handler when the operation's flags
        // are dead, as the `test` after it makes them): mov a, [rsp-0x18];
        // add/sub/and/or/xor/imul a, c; test a, a — 32- or 64-bit.
        20 => {
            let c = REGS[r.below(4) as usize];
            let w: &[u8] = if r.below(2) == 0 { &[0x48] } else { &[] };
            code.extend(w);
            code.extend([0x8b, 0x44 | a << 3, 0x24, 0xe8]);
            code.extend(w);
            match r.below(6) {
                5 if c != a => code.extend([0x0f, 0xaf, 0xc0 | a << 3 | c]),
                k => code.extend([
                    [0x01, 0x29, 0x21, 0x09, 0x31, 0x01][k as usize],
                    0xc0 | c << 3 | a,
                ]),
            }
            code.extend(w);
            code.extend([0x85, 0xc0 | a << 3 | a]);
        }
        // Runs of the common single forms that run two at a time
        // (`exec::fast::duo`): register arithmetic with dead flags, moves,
        // `lea`, shifts, `nop`, `movsxd`, and a stack load indexed by a
        // register, which faults in the middle of a duo when the index is
        // large; then `test a, a`, which makes the flags dead.
        // (Case 5's and 6's slots are among those the load reads.)
        21 => {
            for _ in 0..r.below(6) + 2 {
                let (x, y) = (REGS[r.below(4) as usize], REGS[r.below(4) as usize]);
                let w: &[u8] = if r.below(2) == 0 { &[0x48] } else { &[] };
                match r.below(9) {
                    0 => code.extend(
                        [
                            w,
                            &[
                                [0x01, 0x31, 0x21, 0x29][r.below(4) as usize],
                                0xc0 | y << 3 | x,
                            ],
                        ]
                        .concat(),
                    ),
                    1 => code.extend(
                        [
                            w,
                            &[
                                0x83,
                                0xc0 | [0u8, 4][r.below(2) as usize] << 3 | x,
                                r.next() as u8,
                            ],
                        ]
                        .concat(),
                    ),
                    2 => code.extend([w, &[0x89, 0xc0 | y << 3 | x]].concat()),
                    3 => code.extend([w, &[0x8d, 0x40 | x << 3 | y, r.next() as u8]].concat()),
                    4 => code.extend([w, &[0xc1, 0xe8 | x, r.below(64) as u8]].concat()),
                    5 => code.extend([0x90]),
                    6 => code.extend([0x48, 0x63, 0xc0 | x << 3 | y]),
                    7 => {
                        // mov x, [rsp + y*8 - 0x40], y cut to 0..7 half the time
                        if r.below(2) == 0 {
                            code.extend([0x48, 0x83, 0xe0 | y, 7]);
                        }
                        code.extend([0x48, 0x8b, 0x44 | x << 3, 0xc4 | y << 3, 0xc0]);
                    }
                    _ => code.extend([0x48, 0xf7, 0xd0 | x]),
                }
            }
            code.extend([0x48, 0x85, 0xc0 | a << 3 | a]);
        }
        // A duo whose second body, a load, declines (its region is not in
        // the memory cache's data window, which the other load just took)
        // after the first has run: add a, b; mov r10d, [r11], reading the
        // code, then the thread block; test a, a.
        22 => {
            for base in [0x40_1000u64, echovm_runtime::loader::THREAD_BLOCK] {
                code.extend([0x49, 0xbb]);
                code.extend(base.to_le_bytes());
                code.extend([0x48, 0x01, 0xc0 | b << 3 | a, 0x45, 0x8b, 0x13]);
            }
            code.extend([0x48, 0x85, 0xc0 | a << 3 | a]);
        }
        // Block ends run with the uop before them (`exec::fast::duo::tail`):
        // call f; jmp over f; f: add a, b; ret — and an indirect jump over
        // a ud2 to an address computed right before it: call next;
        // pop r11; add r11, 11; jmp r11; ud2.
        23 => {
            code.extend([
                0xe8,
                2,
                0,
                0,
                0,
                0xeb,
                4,
                0x48,
                0x01,
                0xc0 | b << 3 | a,
                0xc3,
            ]);
            code.extend([0xe8, 0, 0, 0, 0, 0x41, 0x5b, 0x49, 0x83, 0xc3, 11]);
            code.extend([0x41, 0xff, 0xe3, 0x0f, 0x0b]);
        }
        // A side exit to a short block ending in `ret`, which runs as the
        // exit's trace (`CodeCache::add_trace`): call f; jmp over f and the
        // leaf; f: cmp a, b; jae leaf (a forward branch, so the block goes
        // on at the add and leaves when it is taken); add a, b; ret;
        // leaf: up to three of sub a, b / xor edx, edx; div rsi (faults
        // when rsi is 0) / a load from the code (declines: not in the data
        // window) / push a; pop b; then ret. The trace's cost, more or less
        // than the exit refunds, meets every gas limit.
        24 => {
            let mut leaf = Vec::new();
            for _ in 0..r.below(4) {
                match r.below(4) {
                    0 => leaf.extend([0x48, 0x29, 0xc0 | b << 3 | a]),
                    1 => leaf.extend([0x31, 0xd2, 0x48, 0xf7, 0xf6]),
                    2 => {
                        leaf.extend([0x49, 0xbb]);
                        leaf.extend(0x40_1000u64.to_le_bytes());
                        leaf.extend([0x45, 0x8b, 0x13]);
                    }
                    _ => leaf.extend([0x50 | a, 0x58 | b]),
                }
            }
            leaf.push(0xc3);
            let f = [
                0x48,
                0x39,
                0xc0 | b << 3 | a,
                0x73,
                4,
                0x48,
                0x01,
                0xc0 | b << 3 | a,
                0xc3,
            ];
            code.extend([0xe8, 2, 0, 0, 0, 0xeb, (f.len() + leaf.len()) as u8]);
            code.extend(f);
            code.extend(leaf);
        }
        _ => code.extend([
            0x48,
            0x39,
            0xc0 | b << 3 | a,
            0x48,
            0x0f,
            0x40 | r.below(16) as u8,
            0xc0 | a << 3 | b,
        ]),
    }
}

fn program(seed: u64) -> Program {
    let mut r = Rng(seed | 1);
    let mut code = Vec::new();
    code.extend([0x48, 0xc7, 0xc6]);
    code.extend((r.below(3) as u32).to_le_bytes()); // rsi = 0..2 (0 makes div fault)
    for _ in 0..r.below(4) + 1 {
        if r.below(2) == 0 {
            // loop: mov ecx, n; body; dec rcx; jnz body
            code.push(0xb9);
            code.extend((r.below(6) as u32 + 1).to_le_bytes());
            let body = code.len();
            for _ in 0..r.below(5) + 1 {
                straight(&mut r, &mut code, true);
            }
            code.extend([0x48, 0xff, 0xc9]);
            let rel = body as i64 - (code.len() as i64 + 2);
            if rel < -128 {
                code.truncate(body);
                continue;
            }
            code.extend([0x75, rel as i8 as u8]);
        } else {
            for _ in 0..r.below(6) + 1 {
                straight(&mut r, &mut code, false);
            }
        }
    }
    // Store rax, rdx, rbx, rsi and r8 below rsp and return them.
    for (i, reg) in REGS.iter().enumerate() {
        code.extend([0x48, 0x89, 0x44 | reg << 3, 0x24, (0xc0 + 8 * i) as u8]);
    }
    code.extend([0x4c, 0x89, 0x44, 0x24, 0xe0]);
    code.extend([
        0x48, 0x8d, 0x7c, 0x24, 0xc0, 0xbe, 0x28, 0, 0, 0, 0xcd, 0x50, 0xc3,
    ]);
    program_of(code)
}

/// A program of one executable segment holding `code`, entered at its start.
fn program_of(code: Vec<u8>) -> Program {
    Program {
        entry: 0x401000,
        segments: vec![Segment {
            vaddr: 0x401000,
            mem_size: code.len() as u64,
            flags: SegmentFlags(SegmentFlags::R | SegmentFlags::X),
            data: code,
        }],
        symbols: Vec::new(),
        tls: None,
    }
}

fn run(p: &Program, gas: u64, per_instruction_gas: bool) -> Outcome {
    let mut host = NoState(BlockContext::default());
    let mut cache = CodeCache::new();
    let params = CallParams {
        program: p,
        schedule: latest(),
        ctx: CallContext::default(),
        input: Vec::new(),
        gas_limit: gas,
    };
    run_call_with(
        params,
        &mut cache,
        &mut host,
        RunOptions {
            trace: false,
            per_instruction_gas,
        },
    )
}

/// A jump anywhere — to the top of the address space, non-canonical or
/// unmapped addresses — faults as executing unmapped memory at the target,
/// the same on both paths. (A jump to `u64::MAX` once entered an empty
/// front-cache entry and crashed the VM.)
#[test]
fn jumps_anywhere_fault_at_their_target() {
    // (Address 0 is where the entry function returns to: it ends the call.)
    for target in [u64::MAX, u64::MAX - 1, 1 << 63, 0x7fff_ffff_f000, 0x10] {
        // mov rax, target; jmp rax
        let mut code = vec![0x48, 0xb8];
        code.extend(target.to_le_bytes());
        code.extend([0xff, 0xe0]);
        let p = program_of(code);
        let fast = run(&p, 1_000_000, false);
        assert_eq!(fast, run(&p, 1_000_000, true), "{target:#x}");
        assert_eq!(fast.status, Status::Fault, "{target:#x}");
        let trap = fast.trap.as_ref().map(|t| (t.rip, t.fault.to_string()));
        assert!(
            matches!(&trap, Some((rip, f)) if *rip == target && f.contains("execute of unmapped memory")),
            "{target:#x}: {trap:?}"
        );
    }
}

#[test]
fn block_metering_equals_per_instruction_metering_at_every_limit() {
    let mut checked = 0u64;
    let mut statuses = [0u32; 4];
    for seed in 1..=300u64 {
        let p = program(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let full = run(&p, 10_000_000, false);
        assert_eq!(
            full,
            run(&p, 10_000_000, true),
            "seed {seed}: unlimited runs differ"
        );
        assert_ne!(
            full.status,
            Status::OutOfGas,
            "seed {seed}: generated program does not end"
        );
        let g = full.gas_used;
        // Every limit for small programs, a spread (including both sides of g) otherwise.
        let limits: Vec<u64> = if g <= 400 {
            (0..=g + 1).collect()
        } else {
            let mut r = Rng(seed);
            let mut v: Vec<u64> = (0..200).map(|_| r.below(g + 2)).collect();
            v.extend([0, 1, g - 1, g, g + 1]);
            v
        };
        for limit in limits {
            let block = run(&p, limit, false);
            let insn = run(&p, limit, true);
            assert_eq!(block, insn, "seed {seed}, limit {limit}");
            if limit < g {
                assert_eq!(
                    block.status,
                    Status::OutOfGas,
                    "seed {seed}, limit {limit} < {g}"
                );
                assert_eq!(block.gas_used, limit);
            } else {
                // Enough gas: the same ending and figure (return data differs only
                // through the gas_left values recorded in r8).
                assert_eq!(block.gas_used, g, "seed {seed}, limit {limit}");
                assert_eq!(block.status, full.status);
                assert_eq!(block.end_rip, full.end_rip);
            }
            checked += 1;
        }
        statuses[full.status as usize] += 1;
    }
    // The generator must exercise both ordinary endings and faults.
    assert!(statuses[Status::Success as usize] > 20, "{statuses:?}");
    assert!(statuses[Status::Fault as usize] > 20, "{statuses:?}");
    assert!(checked > 10_000, "{checked}");
}

/// Runs of `rsp`-relative moves check their stack frame once
/// (`exec::fast::frame`). When a run's range reaches past the stack, the
/// checker is refused every time and the block must still end exactly as
/// the per-instruction reference does: a fault at the access that leaves
/// the stack, or, when a side exit skips that access, a normal return.
#[test]
fn frame_runs_that_leave_the_stack_end_like_the_reference() {
    let head: &[u8] = &[
        0x48, 0xc7, 0xc0, 0x05, 0, 0, 0, // mov rax, 5
        0x48, 0x89, 0x44, 0x24, 0xf0, // mov [rsp-0x10], rax
        0x48, 0x8b, 0x5c, 0x24, 0xf0, // mov rbx, [rsp-0x10]
    ];
    // mov rcx, [rsp+0x7ffffff0]: far above the stack.
    let far: &[u8] = &[0x48, 0x8b, 0x8c, 0x24, 0xf0, 0xff, 0xff, 0x7f];
    let tail: &[u8] = &[
        0x48, 0x89, 0x5c, 0x24, 0xe8, // mov [rsp-0x18], rbx
        0x48, 0x8b, 0x54, 0x24, 0xe8, // mov rdx, [rsp-0x18]
        0x48, 0x89, 0x54, 0x24, 0xc0, // mov [rsp-0x40], rdx
        // set_return(rsp - 0x40, 8); ret
        0x48, 0x8d, 0x7c, 0x24, 0xc0, 0xbe, 0x08, 0, 0, 0, 0xcd, 0x50, 0xc3,
    ];
    // The far load runs: a fault there, with rbx already loaded.
    let faulting = program_of([head, far, tail].concat());
    // cmp rax, 5; je over the far load: guessed not taken, so the block
    // goes on through it, but at run time the branch leaves the block.
    let mut skipped = head.to_vec();
    skipped.extend([0x48, 0x83, 0xf8, 0x05, 0x74, far.len() as u8]);
    skipped.extend(far);
    skipped.extend(tail);
    let skipped = program_of(skipped);
    for (p, status) in [(&faulting, Status::Fault), (&skipped, Status::Success)] {
        let block = run(p, 10_000_000, false);
        assert_eq!(block, run(p, 10_000_000, true));
        assert_eq!(block.status, status, "{block:?}");
        // The same program again in one cache: the second call finds the
        // stack's window already filled and the code already translated.
        let mut host = NoState(BlockContext::default());
        let mut cache = CodeCache::new();
        for _ in 0..2 {
            let params = CallParams {
                program: p,
                schedule: latest(),
                ctx: CallContext::default(),
                input: Vec::new(),
                gas_limit: 10_000_000,
            };
            let again = run_call_with(params, &mut cache, &mut host, RunOptions::default());
            assert_eq!(again, block);
        }
    }
    let ok = run(&skipped, 10_000_000, false);
    assert_eq!(ok.return_data, 5u64.to_le_bytes());
    let fault = run(&faulting, 10_000_000, false);
    let at = 0x401000 + head.len() as u64;
    assert_eq!(fault.end_rip, at, "{fault:?}");
}
