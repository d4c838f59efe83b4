//! Differential test of the integer instruction semantics against the host CPU.
//!
//! Every integer instruction form the VM supports is encoded programmatically
//! (opcode × operand size × register/memory operand × immediate), run natively
//! through the `hostcpu` oracle from many random register/flag/memory states
//! (deterministic PRNG), and run in the VM (`echovm_decoder::decode` +
//! `echovm_runtime::exec::execute`) from the same state. All sixteen GPRs, the
//! scratch memory and every flag the SDM defines for the instruction must
//! match; faults must match by class (#DE, memory, #UD, breakpoint).
//! Flags the SDM leaves undefined are not compared by default (they may
//! differ between CPU generations). The VM's fixed rules for them
//! (docs/SEMANTICS.md) are the values AMD CPUs produce; with
//! ECHOVM_DIFF_ALL_FLAGS=1 on an AMD host every flag is compared, except in
//! the one documented case where the VM does not follow AMD (flags of 16-bit
//! shld/shrd with counts above 16). Either way the number of cases where an
//! uncompared flag differs from the host is printed.
//!
//! `cargo test -p echovm-runtime --test diff_int -- --nocapture` prints the
//! number of forms and cases. ECHOVM_DIFF_CASES overrides the cases per form.

#[path = "common/fault_class.rs"]
mod fault_class;
#[path = "common/int_enc.rs"]
mod int_enc;
#[path = "common/rng.rs"]
mod rng;
use rng::Rng;

use echovm_decoder::decode;
use echovm_runtime::cpu::Cpu;
use echovm_runtime::exec::fast::{execute_translated, translate};
use echovm_runtime::exec::{execute, Step};
use echovm_runtime::memory::{Memory, Perm, Region, RegionKind};
use fault_class::fault_class;
use hostcpu::{NativeError, State, DEFAULT_RSP, INSN_ADDR, SCRATCH_BASE, STACK_BASE, STACK_SIZE};
use int_enc::{Enc, Rm};

const CF: u64 = 1;
const PF: u64 = 4;
const AF: u64 = 0x10;
const ZF: u64 = 0x40;
const SF: u64 = 0x80;
const OF: u64 = 0x800;
const DF: u64 = 0x400;
const STATUS: u64 = CF | PF | AF | ZF | SF | OF;

/// Scratch buffer size; memory operands point into its middle.
const MEM_LEN: usize = 1024;
/// Base register value for ordinary memory operands.
const MEM_BASE: u64 = SCRATCH_BASE + 448;
/// `lea r15, [r15+1]`: the marker instruction branches skip over.
const MARK: [u8; 4] = [0x4d, 0x8d, 0x7f, 0x01];

/// How a case's state is prepared beyond random registers, flags and memory.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Setup {
    Plain,
    /// One-operand div/idiv: bias the dividend's high half so most cases don't fault.
    Div {
        signed: bool,
        size: u8,
    },
    /// Shift/rotate count in CL: biased to small counts.
    CountCl,
    /// Stack instruction: RSP inside the scratch buffer.
    Stack,
    /// ret / ret imm16: return address at [rsp] = end of code.
    Ret,
    /// Indirect jmp/call through this register, which holds the end of code.
    IndirectReg(u8),
    /// Indirect jmp/call through memory holding the end of code.
    IndirectMem,
    /// String instruction: rsi/rdi in scratch, small rcx, DF random, low-entropy data.
    Str,
    /// xlatb: rbx in scratch.
    Xlat,
    /// enter: rsp and rbp in scratch.
    Enter,
    /// leave: rbp in scratch.
    Leave,
    /// popf: popped value without TF/AC (which would trap natively).
    Popf,
    /// cmpxchg: accumulator equal to the destination half of the time.
    Cmpxchg,
    /// cmpxchg8b/16b: rdx:rax equal to memory half of the time.
    CmpxchgWide {
        size: u8,
    },
    /// bt* with memory base and register offset: offset register keeps the
    /// access within ±256 bytes of the operand.
    BtMem {
        offreg: u8,
        size: u8,
    },
    /// loop*/jrcxz: small rcx.
    Loop,
    /// Two registers made equal a third of the time (for flag/condition sequences).
    MaybeEqual(u8, u8),
}

/// Which flags are undefined (not compared) for a case.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Undef {
    Mask(u64),
    /// Shift/rotate with this ModRM /digit and operand size; count from imm or CL.
    Shift {
        digit: u8,
        size: u8,
        cl: bool,
    },
    /// bsf/bsr: these flags undefined; with a zero source the destination is
    /// undefined too (the VM keeps all 64 bits, as AMD does).
    BitScan(u64),
    /// shld/shrd.
    Double {
        size: u8,
        cl: bool,
    },
}

/// Immediate generation per case.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Imm {
    None,
    Fixed,
    /// Random bytes of this length.
    Random(usize),
    /// Shift count byte biased to small values.
    Count,
}

struct Form {
    name: String,
    enc: Enc,
    imm: Imm,
    tail: Vec<u8>,
    setup: Setup,
    undef: Undef,
    /// Registers holding the memory operand's base/index.
    mem_regs: Option<(u8, Option<u8>)>,
}

const BASES: [u8; 9] = [3, 5, 9, 10, 11, 12, 13, 14, 15];

/// Operand-size variants: (size, prefix 66?, REX.W?).
const SIZES: [(u8, bool, bool); 3] = [(2, true, false), (4, false, false), (8, false, true)];

struct Gen {
    rng: Rng,
    forms: Vec<Form>,
}

impl Gen {
    /// A random r/m operand: register, or one of the memory forms.
    fn rm(&mut self, mem: bool, avoid: &[u8]) -> (Rm, Option<(u8, Option<u8>)>) {
        if !mem {
            loop {
                let r = self.rng.below(16) as u8;
                if !avoid.contains(&r) {
                    return (Rm::Reg(r), None);
                }
            }
        }
        let base = loop {
            let b = self.rng.pick(&BASES);
            if !avoid.contains(&b) {
                break b;
            }
        };
        let disp = self.rng.below(96) as i8 - 32;
        match self.rng.below(4) {
            0 => (
                Rm::Rip {
                    target: MEM_BASE.wrapping_add(disp as u64),
                },
                None,
            ),
            1 => {
                let index = loop {
                    let i = self.rng.pick(&BASES);
                    if i != base && !avoid.contains(&i) {
                        break i;
                    }
                };
                let scale = self.rng.pick(&[1u8, 2, 4, 8]);
                (
                    Rm::Sib {
                        base,
                        index,
                        scale,
                        disp,
                    },
                    Some((base, Some(index))),
                )
            }
            _ => (Rm::Base { base, disp }, Some((base, None))),
        }
    }

    fn reg(&mut self, avoid: &[u8]) -> u8 {
        loop {
            let r = self.rng.below(16) as u8;
            if !avoid.contains(&r) {
                return r;
            }
        }
    }

    fn push(
        &mut self,
        name: String,
        enc: Enc,
        imm: Imm,
        setup: Setup,
        undef: Undef,
        mem_regs: Option<(u8, Option<u8>)>,
    ) {
        self.forms.push(Form {
            name,
            enc,
            imm,
            tail: Vec::new(),
            setup,
            undef,
            mem_regs,
        });
    }

    /// `op` with a ModRM (reg field `reg` or a random register when `None`), at
    /// every size listed; 8-bit forms use `op8`. Register and memory variants.
    #[allow(clippy::too_many_arguments)]
    fn modrm_forms(
        &mut self,
        name: &str,
        pre: &[u8],
        op8: Option<&[u8]>,
        op: Option<&[u8]>,
        digit: Option<u8>,
        imm: Imm,
        imm_len: impl Fn(u8) -> usize,
        setup: impl Fn(u8) -> Setup,
        undef: impl Fn(u8) -> Undef,
        mem_only: bool,
        reg_only: bool,
        avoid: &[u8],
    ) {
        let mut sizes: Vec<(u8, bool, bool)> = Vec::new();
        if op8.is_some() {
            sizes.push((1, false, false));
        }
        if op.is_some() {
            sizes.extend_from_slice(&SIZES);
        }
        for (size, p66, w) in sizes {
            for mem in [false, true] {
                if (mem && reg_only) || (!mem && mem_only) {
                    continue;
                }
                for variant in 0..2 {
                    let (rm, mem_regs) = self.rm(mem, avoid);
                    let r = digit.unwrap_or_else(|| self.reg(avoid));
                    let mut e = Enc::new(if size == 1 { op8.unwrap() } else { op.unwrap() });
                    e.pre = pre.to_vec();
                    if p66 {
                        e.pre.insert(0, 0x66);
                    }
                    e.w = w;
                    // Variant 1 forces a REX prefix: byte registers 4..7 become spl..dil.
                    e.force_rex = variant == 1;
                    e.modrm = Some((r, rm));
                    let il = imm_len(size);
                    let imm_kind = if il == 0 { Imm::None } else { imm };
                    if let Imm::Random(_) = imm_kind {
                        e.imm = vec![0; il];
                    }
                    let imm_kind = match imm_kind {
                        Imm::Random(_) => Imm::Random(il),
                        k => k,
                    };
                    if imm_kind == Imm::Count {
                        e.imm = vec![0];
                    }
                    let label = format!(
                        "{name} size{size} {} {:?}/{r}",
                        if mem { "mem" } else { "reg" },
                        rm
                    );
                    self.push(label, e, imm_kind, setup(size), undef(size), mem_regs);
                }
            }
        }
    }
}

fn none(_: u8) -> usize {
    0
}
fn plain(_: u8) -> Setup {
    Setup::Plain
}
fn defined(_: u8) -> Undef {
    Undef::Mask(0)
}

/// Build the list of forms.
fn forms() -> Vec<Form> {
    let mut g = Gen {
        rng: Rng(0x1234_5678),
        forms: Vec::new(),
    };
    let iz = |s: u8| {
        if s == 2 {
            2
        } else if s == 1 {
            1
        } else {
            4
        }
    };
    let und = |m: u64| move |_: u8| Undef::Mask(m);

    // ---- ALU ----
    let alu = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"];
    for (i, name) in alu.iter().enumerate() {
        let b = (i as u8) * 8;
        let logic = matches!(*name, "or" | "and" | "xor");
        let u = if logic { AF } else { 0 };
        g.modrm_forms(
            name,
            &[],
            Some(&[b]),
            Some(&[b + 1]),
            None,
            Imm::None,
            none,
            plain,
            und(u),
            false,
            false,
            &[],
        );
        g.modrm_forms(
            name,
            &[],
            Some(&[b + 2]),
            Some(&[b + 3]),
            None,
            Imm::None,
            none,
            plain,
            und(u),
            false,
            false,
            &[],
        );
        g.modrm_forms(
            name,
            &[],
            Some(&[0x80]),
            Some(&[0x81]),
            Some(i as u8),
            Imm::Random(0),
            iz,
            plain,
            und(u),
            false,
            false,
            &[],
        );
        g.modrm_forms(
            name,
            &[],
            None,
            Some(&[0x83]),
            Some(i as u8),
            Imm::Random(0),
            |_| 1,
            plain,
            und(u),
            false,
            false,
            &[],
        );
        // accumulator, imm
        for (size, p66, w) in [
            (1u8, false, false),
            (2, true, false),
            (4, false, false),
            (8, false, true),
        ] {
            let mut e = Enc::new(&[if size == 1 { b + 4 } else { b + 5 }]);
            if p66 {
                e.pre.push(0x66);
            }
            e.w = w;
            e.imm = vec![0; iz(size)];
            let l = e.imm.len();
            g.push(
                format!("{name} acc size{size}"),
                e,
                Imm::Random(l),
                Setup::Plain,
                Undef::Mask(u),
                None,
            );
        }
    }
    // test
    g.modrm_forms(
        "test",
        &[],
        Some(&[0x84]),
        Some(&[0x85]),
        None,
        Imm::None,
        none,
        plain,
        und(AF),
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "test imm",
        &[],
        Some(&[0xf6]),
        Some(&[0xf7]),
        Some(0),
        Imm::Random(0),
        iz,
        plain,
        und(AF),
        false,
        false,
        &[],
    );
    for (size, p66, w) in [
        (1u8, false, false),
        (2, true, false),
        (4, false, false),
        (8, false, true),
    ] {
        let mut e = Enc::new(&[if size == 1 { 0xa8 } else { 0xa9 }]);
        if p66 {
            e.pre.push(0x66);
        }
        e.w = w;
        e.imm = vec![0; iz(size)];
        let l = e.imm.len();
        g.push(
            format!("test acc size{size}"),
            e,
            Imm::Random(l),
            Setup::Plain,
            Undef::Mask(AF),
            None,
        );
    }
    // inc dec not neg
    for (name, op8, op, d) in [
        ("inc", 0xfe, 0xff, 0),
        ("dec", 0xfe, 0xff, 1),
        ("not", 0xf6, 0xf7, 2),
        ("neg", 0xf6, 0xf7, 3),
    ] {
        g.modrm_forms(
            name,
            &[],
            Some(&[op8]),
            Some(&[op]),
            Some(d),
            Imm::None,
            none,
            plain,
            defined,
            false,
            false,
            &[],
        );
    }

    // ---- moves ----
    g.modrm_forms(
        "mov",
        &[],
        Some(&[0x88]),
        Some(&[0x89]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "mov",
        &[],
        Some(&[0x8a]),
        Some(&[0x8b]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "mov imm",
        &[],
        Some(&[0xc6]),
        Some(&[0xc7]),
        Some(0),
        Imm::Random(0),
        iz,
        plain,
        defined,
        false,
        false,
        &[],
    );
    for (size, p66, w) in [
        (1u8, false, false),
        (2, true, false),
        (4, false, false),
        (8, false, true),
    ] {
        for _ in 0..3 {
            let r = g.rng.below(16) as u8;
            let mut e = Enc::new(&[if size == 1 { 0xb0 } else { 0xb8 }]);
            e.opreg = Some(r);
            e.force_rex = size == 1 && g.rng.below(2) == 0;
            if p66 {
                e.pre.push(0x66);
            }
            e.w = w;
            let l = if size == 8 { 8 } else { iz(size) };
            e.imm = vec![0; l];
            g.push(
                format!("mov r{r} imm size{size} rex{}", e.force_rex),
                e,
                Imm::Random(l),
                Setup::Plain,
                Undef::Mask(0),
                None,
            );
        }
    }
    for (name, op) in [
        ("movzx8", 0xb6u8),
        ("movzx16", 0xb7),
        ("movsx8", 0xbe),
        ("movsx16", 0xbf),
    ] {
        g.modrm_forms(
            name,
            &[],
            None,
            Some(&[0x0f, op]),
            None,
            Imm::None,
            none,
            plain,
            defined,
            false,
            false,
            &[],
        );
    }
    g.modrm_forms(
        "movsxd",
        &[],
        None,
        Some(&[0x63]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "lea",
        &[],
        None,
        Some(&[0x8d]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        true,
        false,
        &[],
    );
    g.modrm_forms(
        "lea a32",
        &[0x67],
        None,
        Some(&[0x8d]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        true,
        false,
        &[],
    );
    g.modrm_forms(
        "xchg",
        &[],
        Some(&[0x86]),
        Some(&[0x87]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        false,
        false,
        &[],
    );
    for (size, p66, w) in SIZES {
        for _ in 0..3 {
            let r = 1 + g.rng.below(15) as u8;
            let mut e = Enc::new(&[0x90]);
            e.opreg = Some(r);
            if p66 {
                e.pre.push(0x66);
            }
            e.w = w;
            g.push(
                format!("xchg rax, r{r} size{size}"),
                e,
                Imm::None,
                Setup::Plain,
                Undef::Mask(0),
                None,
            );
        }
    }
    g.modrm_forms(
        "cmpxchg",
        &[],
        Some(&[0x0f, 0xb0]),
        Some(&[0x0f, 0xb1]),
        None,
        Imm::None,
        none,
        |_| Setup::Cmpxchg,
        defined,
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "lock cmpxchg",
        &[0xf0],
        Some(&[0x0f, 0xb0]),
        Some(&[0x0f, 0xb1]),
        None,
        Imm::None,
        none,
        |_| Setup::Cmpxchg,
        defined,
        true,
        false,
        &[],
    );
    g.modrm_forms(
        "xadd",
        &[],
        Some(&[0x0f, 0xc0]),
        Some(&[0x0f, 0xc1]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        false,
        false,
        &[],
    );
    // LOCK on every lockable read-modify-write form (memory destinations only).
    g.modrm_forms(
        "lock xadd",
        &[0xf0],
        Some(&[0x0f, 0xc0]),
        Some(&[0x0f, 0xc1]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        true,
        false,
        &[],
    );
    g.modrm_forms(
        "lock xchg",
        &[0xf0],
        Some(&[0x86]),
        Some(&[0x87]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        true,
        false,
        &[],
    );
    for (i, name) in ["add", "or", "adc", "sbb", "and", "sub", "xor"]
        .iter()
        .enumerate()
    {
        let b = (i as u8) * 8;
        let u = if matches!(*name, "or" | "and" | "xor") {
            AF
        } else {
            0
        };
        g.modrm_forms(
            &format!("lock {name}"),
            &[0xf0],
            Some(&[b]),
            Some(&[b + 1]),
            None,
            Imm::None,
            none,
            plain,
            und(u),
            true,
            false,
            &[],
        );
        g.modrm_forms(
            &format!("lock {name} imm"),
            &[0xf0],
            None,
            Some(&[0x83]),
            Some(i as u8),
            Imm::Random(0),
            |_| 1,
            plain,
            und(u),
            true,
            false,
            &[],
        );
    }
    for (name, d) in [("inc", 0u8), ("dec", 1), ("not", 2), ("neg", 3)] {
        let (op8, op) = if d < 2 { (0xfe, 0xff) } else { (0xf6, 0xf7) };
        g.modrm_forms(
            &format!("lock {name}"),
            &[0xf0],
            Some(&[op8]),
            Some(&[op]),
            Some(d),
            Imm::None,
            none,
            plain,
            defined,
            true,
            false,
            &[],
        );
    }
    for (name, d) in [("bts", 5u8), ("btr", 6), ("btc", 7)] {
        g.modrm_forms(
            &format!("lock {name} imm"),
            &[0xf0],
            None,
            Some(&[0x0f, 0xba]),
            Some(d),
            Imm::Random(1),
            |_| 1,
            plain,
            und(OF | SF | AF | PF),
            true,
            false,
            &[],
        );
    }
    for w in [false, true] {
        for _ in 0..4 {
            let (rm, mr) = g.rm(true, &[0, 1, 2, 3]);
            let mut e = Enc::new(&[0x0f, 0xc7]);
            e.w = w;
            e.modrm = Some((1, rm));
            let size = if w { 16 } else { 8 };
            g.push(
                format!("cmpxchg{size}b {rm:?}"),
                e,
                Imm::None,
                Setup::CmpxchgWide { size },
                Undef::Mask(0),
                mr,
            );
        }
    }
    g.modrm_forms(
        "movbe load",
        &[],
        None,
        Some(&[0x0f, 0x38, 0xf0]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        true,
        false,
        &[],
    );
    g.modrm_forms(
        "movbe store",
        &[],
        None,
        Some(&[0x0f, 0x38, 0xf1]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        true,
        false,
        &[],
    );
    g.modrm_forms(
        "movnti",
        &[],
        None,
        Some(&[0x0f, 0xc3]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        true,
        false,
        &[],
    );
    g.forms.retain(|f| !(f.name.starts_with("movnti size2")));
    g.push(
        "xlatb".into(),
        Enc::new(&[0xd7]),
        Imm::None,
        Setup::Xlat,
        Undef::Mask(0),
        None,
    );
    for cc in 0..16u8 {
        g.modrm_forms(
            &format!("set{cc}"),
            &[],
            Some(&[0x0f, 0x90 + cc]),
            None,
            Some(0),
            Imm::None,
            none,
            plain,
            defined,
            false,
            false,
            &[],
        );
        g.modrm_forms(
            &format!("cmov{cc}"),
            &[],
            None,
            Some(&[0x0f, 0x40 + cc]),
            None,
            Imm::None,
            none,
            plain,
            defined,
            false,
            false,
            &[],
        );
    }

    // ---- shifts ----
    for d in 0..8u8 {
        let names = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"];
        let n = names[d as usize];
        g.modrm_forms(
            &format!("{n} 1"),
            &[],
            Some(&[0xd0]),
            Some(&[0xd1]),
            Some(d),
            Imm::None,
            none,
            plain,
            move |s| Undef::Shift {
                digit: d,
                size: s,
                cl: false,
            },
            false,
            false,
            &[],
        );
        g.modrm_forms(
            &format!("{n} imm"),
            &[],
            Some(&[0xc0]),
            Some(&[0xc1]),
            Some(d),
            Imm::Count,
            |_| 1,
            plain,
            move |s| Undef::Shift {
                digit: d,
                size: s,
                cl: false,
            },
            false,
            false,
            &[],
        );
        g.modrm_forms(
            &format!("{n} cl"),
            &[],
            Some(&[0xd2]),
            Some(&[0xd3]),
            Some(d),
            Imm::None,
            none,
            |_| Setup::CountCl,
            move |s| Undef::Shift {
                digit: d,
                size: s,
                cl: true,
            },
            false,
            false,
            &[1],
        );
    }
    for (n, op) in [("shld", 0xa4u8), ("shrd", 0xac)] {
        g.modrm_forms(
            &format!("{n} imm"),
            &[],
            None,
            Some(&[0x0f, op]),
            None,
            Imm::Count,
            |_| 1,
            plain,
            |s| Undef::Double { size: s, cl: false },
            false,
            false,
            &[],
        );
        g.modrm_forms(
            &format!("{n} cl"),
            &[],
            None,
            Some(&[0x0f, op + 1]),
            None,
            Imm::None,
            none,
            |_| Setup::CountCl,
            |s| Undef::Double { size: s, cl: true },
            false,
            false,
            &[1],
        );
    }

    // ---- multiply / divide ----
    let mulu = SF | ZF | AF | PF;
    g.modrm_forms(
        "mul",
        &[],
        Some(&[0xf6]),
        Some(&[0xf7]),
        Some(4),
        Imm::None,
        none,
        plain,
        und(mulu),
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "imul1",
        &[],
        Some(&[0xf6]),
        Some(&[0xf7]),
        Some(5),
        Imm::None,
        none,
        plain,
        und(mulu),
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "div",
        &[],
        Some(&[0xf6]),
        Some(&[0xf7]),
        Some(6),
        Imm::None,
        none,
        |s| Setup::Div {
            signed: false,
            size: s,
        },
        und(STATUS),
        false,
        false,
        &[0, 2],
    );
    g.modrm_forms(
        "idiv",
        &[],
        Some(&[0xf6]),
        Some(&[0xf7]),
        Some(7),
        Imm::None,
        none,
        |s| Setup::Div {
            signed: true,
            size: s,
        },
        und(STATUS),
        false,
        false,
        &[0, 2],
    );
    g.modrm_forms(
        "imul2",
        &[],
        None,
        Some(&[0x0f, 0xaf]),
        None,
        Imm::None,
        none,
        plain,
        und(mulu),
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "imul3 iz",
        &[],
        None,
        Some(&[0x69]),
        None,
        Imm::Random(0),
        iz,
        plain,
        und(mulu),
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "imul3 ib",
        &[],
        None,
        Some(&[0x6b]),
        None,
        Imm::Random(0),
        |_| 1,
        plain,
        und(mulu),
        false,
        false,
        &[],
    );
    for (name, pre, w, op) in [
        ("cbw", true, false, 0x98u8),
        ("cwde", false, false, 0x98),
        ("cdqe", false, true, 0x98),
        ("cwd", true, false, 0x99),
        ("cdq", false, false, 0x99),
        ("cqo", false, true, 0x99),
    ] {
        let mut e = Enc::new(&[op]);
        if pre {
            e.pre.push(0x66);
        }
        e.w = w;
        g.push(
            name.into(),
            e,
            Imm::None,
            Setup::Plain,
            Undef::Mask(0),
            None,
        );
    }

    // ---- bit operations ----
    let btu = OF | SF | AF | PF;
    for (n, op, d) in [
        ("bt", 0xa3u8, 4u8),
        ("bts", 0xab, 5),
        ("btr", 0xb3, 6),
        ("btc", 0xbb, 7),
    ] {
        g.modrm_forms(
            n,
            &[],
            None,
            Some(&[0x0f, op]),
            None,
            Imm::None,
            none,
            plain,
            und(btu),
            false,
            true,
            &[],
        );
        g.modrm_forms(
            &format!("{n} imm"),
            &[],
            None,
            Some(&[0x0f, 0xba]),
            Some(d),
            Imm::Random(1),
            |_| 1,
            plain,
            und(btu),
            false,
            false,
            &[],
        );
        // memory base with register offset: signed, beyond the operand.
        for (size, p66, w) in SIZES {
            for _ in 0..3 {
                let (rm, mr) = g.rm(true, &[]);
                let (b, i) = mr.unwrap_or((NO, None));
                let offreg = g.reg(&[b, i.unwrap_or(NO), 4]);
                let mut e = Enc::new(&[0x0f, op]);
                if p66 {
                    e.pre.push(0x66);
                }
                e.w = w;
                e.modrm = Some((offreg, rm));
                g.push(
                    format!("{n} mem,reg size{size} {rm:?}/{offreg}"),
                    e,
                    Imm::None,
                    Setup::BtMem { offreg, size },
                    Undef::Mask(btu),
                    mr,
                );
            }
        }
    }
    let bsu = CF | OF | SF | AF | PF;
    g.modrm_forms(
        "bsf",
        &[],
        None,
        Some(&[0x0f, 0xbc]),
        None,
        Imm::None,
        none,
        plain,
        |_| Undef::BitScan(bsu),
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "bsr",
        &[],
        None,
        Some(&[0x0f, 0xbd]),
        None,
        Imm::None,
        none,
        plain,
        |_| Undef::BitScan(bsu),
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "popcnt",
        &[0xf3],
        None,
        Some(&[0x0f, 0xb8]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        false,
        false,
        &[],
    );
    let lzu = OF | SF | AF | PF;
    g.modrm_forms(
        "lzcnt",
        &[0xf3],
        None,
        Some(&[0x0f, 0xbd]),
        None,
        Imm::None,
        none,
        plain,
        und(lzu),
        false,
        false,
        &[],
    );
    g.modrm_forms(
        "tzcnt",
        &[0xf3],
        None,
        Some(&[0x0f, 0xbc]),
        None,
        Imm::None,
        none,
        plain,
        und(lzu),
        false,
        false,
        &[],
    );
    for w in [false, true] {
        for _ in 0..4 {
            let r = g.rng.below(16) as u8;
            let mut e = Enc::new(&[0x0f, 0xc8]);
            e.opreg = Some(r);
            e.w = w;
            g.push(
                format!("bswap r{r} w{w}"),
                e,
                Imm::None,
                Setup::Plain,
                Undef::Mask(0),
                None,
            );
        }
    }
    g.modrm_forms(
        "crc32 8",
        &[0xf2],
        None,
        Some(&[0x0f, 0x38, 0xf0]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        false,
        false,
        &[],
    );
    g.forms.retain(|f| !f.name.starts_with("crc32 8 size2"));
    g.modrm_forms(
        "crc32",
        &[0xf2],
        None,
        Some(&[0x0f, 0x38, 0xf1]),
        None,
        Imm::None,
        none,
        plain,
        defined,
        false,
        false,
        &[],
    );

    // ---- BMI1/BMI2 (VEX) ----
    // (name, map, pp, opcode, /digit or None, has vvvv source, imm, undefined flags)
    type Bmi = (&'static str, u8, u8, u8, Option<u8>, bool, bool, u64);
    let bmi: [Bmi; 13] = [
        ("andn", 2, 0, 0xf2, None, true, false, AF | PF),
        ("bextr", 2, 0, 0xf7, None, true, false, AF | SF | PF),
        ("blsr", 2, 0, 0xf3, Some(1), true, false, AF | PF),
        ("blsmsk", 2, 0, 0xf3, Some(2), true, false, AF | PF),
        ("blsi", 2, 0, 0xf3, Some(3), true, false, AF | PF),
        ("bzhi", 2, 0, 0xf5, None, true, false, AF | PF),
        ("mulx", 2, 3, 0xf6, None, true, false, 0),
        ("pdep", 2, 3, 0xf5, None, true, false, 0),
        ("pext", 2, 2, 0xf5, None, true, false, 0),
        ("rorx", 3, 3, 0xf0, None, false, true, 0),
        ("sarx", 2, 2, 0xf7, None, true, false, 0),
        ("shlx", 2, 1, 0xf7, None, true, false, 0),
        ("shrx", 2, 3, 0xf7, None, true, false, 0),
    ];
    for (name, map, pp, op, digit, vvvv, imm, u) in bmi {
        for w in [false, true] {
            for mem in [false, true] {
                for _ in 0..2 {
                    let (rm, mr) = g.rm(mem, &[]);
                    let r = digit.unwrap_or_else(|| g.reg(&[]));
                    let v = if vvvv { g.reg(&[]) } else { 0 };
                    let mut e = Enc::new(&[op]);
                    e.vex = Some((map, pp, v));
                    e.w = w;
                    e.modrm = Some((r, rm));
                    let ik = if imm {
                        e.imm = vec![0];
                        Imm::Random(1)
                    } else {
                        Imm::None
                    };
                    g.push(
                        format!("{name} w{w} {rm:?}/{r} v{v}"),
                        e,
                        ik,
                        Setup::Plain,
                        Undef::Mask(u),
                        mr,
                    );
                }
            }
        }
    }

    // ---- flags ----
    for (n, op) in [
        ("clc", 0xf8u8),
        ("stc", 0xf9),
        ("cmc", 0xf5),
        ("cld", 0xfc),
        ("std", 0xfd),
        ("sahf", 0x9e),
        ("lahf", 0x9f),
    ] {
        g.push(
            n.into(),
            Enc::new(&[op]),
            Imm::None,
            Setup::Plain,
            Undef::Mask(0),
            None,
        );
    }

    // ---- strings ----
    for (n, op) in [
        ("movs", 0xa4u8),
        ("cmps", 0xa6),
        ("stos", 0xaa),
        ("lods", 0xac),
        ("scas", 0xae),
    ] {
        for (size, p66, w) in [
            (1u8, false, false),
            (2, true, false),
            (4, false, false),
            (8, false, true),
        ] {
            for rep in [None, Some(0xf3u8), Some(0xf2)] {
                for a32 in [false, true] {
                    if a32 && rep != Some(0xf3) {
                        continue;
                    }
                    let mut e = Enc::new(&[if size == 1 { op } else { op + 1 }]);
                    if p66 {
                        e.pre.push(0x66);
                    }
                    if a32 {
                        e.pre.push(0x67);
                    }
                    if let Some(p) = rep {
                        e.pre.push(p);
                    }
                    e.w = w;
                    g.push(
                        format!("{n} size{size} rep{rep:?} a32{a32}"),
                        e,
                        Imm::None,
                        Setup::Str,
                        Undef::Mask(0),
                        None,
                    );
                }
            }
        }
    }

    // ---- stack ----
    for (size, p66) in [(8u8, false), (2, true)] {
        for _ in 0..4 {
            let r = g.rng.below(16) as u8;
            for (n, op) in [("push", 0x50u8), ("pop", 0x58)] {
                let mut e = Enc::new(&[op]);
                e.opreg = Some(r);
                if p66 {
                    e.pre.push(0x66);
                }
                g.push(
                    format!("{n} r{r} size{size}"),
                    e,
                    Imm::None,
                    Setup::Stack,
                    Undef::Mask(0),
                    None,
                );
            }
        }
        let pre: &[u8] = if p66 { &[0x66] } else { &[] };
        // RSP as the operand or as the base of a memory operand: push uses the
        // old RSP, pop addresses its destination with the incremented RSP.
        for (n, op, d) in [("push", 0xffu8, 6u8), ("pop", 0x8f, 0)] {
            for disp in [0i8, 8, -8] {
                let mut e = Enc::new(&[op]);
                e.pre = pre.to_vec();
                e.modrm = Some((d, Rm::Base { base: 4, disp }));
                g.push(
                    format!("{n} [rsp{disp:+}] size{size}"),
                    e,
                    Imm::None,
                    Setup::Stack,
                    Undef::Mask(0),
                    None,
                );
            }
        }
        for (n, op) in [("push rsp", 0x54u8), ("pop rsp", 0x5c)] {
            let mut e = Enc::new(&[op]);
            e.pre = pre.to_vec();
            g.push(
                format!("{n} size{size}"),
                e,
                Imm::None,
                Setup::Stack,
                Undef::Mask(0),
                None,
            );
        }
        g.modrm_forms(
            &format!("push m{size}"),
            pre,
            None,
            Some(&[0xff]),
            Some(6),
            Imm::None,
            none,
            |_| Setup::Stack,
            defined,
            true,
            false,
            &[],
        );
        g.modrm_forms(
            &format!("pop m{size}"),
            pre,
            None,
            Some(&[0x8f]),
            Some(0),
            Imm::None,
            none,
            |_| Setup::Stack,
            defined,
            true,
            false,
            &[],
        );
        let mut e = Enc::new(&[0x6a]);
        e.pre = pre.to_vec();
        e.imm = vec![0];
        g.push(
            format!("push ib size{size}"),
            e,
            Imm::Random(1),
            Setup::Stack,
            Undef::Mask(0),
            None,
        );
        let mut e = Enc::new(&[0x68]);
        e.pre = pre.to_vec();
        e.imm = vec![0; if p66 { 2 } else { 4 }];
        let l = e.imm.len();
        g.push(
            format!("push iz size{size}"),
            e,
            Imm::Random(l),
            Setup::Stack,
            Undef::Mask(0),
            None,
        );
        let mut e = Enc::new(&[0x9c]);
        e.pre = pre.to_vec();
        g.push(
            format!("pushf size{size}"),
            e,
            Imm::None,
            Setup::Stack,
            Undef::Mask(0),
            None,
        );
        let mut e = Enc::new(&[0x9d]);
        e.pre = pre.to_vec();
        g.push(
            format!("popf size{size}"),
            e,
            Imm::None,
            Setup::Popf,
            Undef::Mask(0),
            None,
        );
        let mut e = Enc::new(&[0xc8]);
        e.pre = pre.to_vec();
        e.imm = vec![0; 3];
        g.push(
            format!("enter size{size}"),
            e,
            Imm::Random(3),
            Setup::Enter,
            Undef::Mask(0),
            None,
        );
        let mut e = Enc::new(&[0xc9]);
        e.pre = pre.to_vec();
        g.push(
            format!("leave size{size}"),
            e,
            Imm::None,
            Setup::Leave,
            Undef::Mask(0),
            None,
        );
    }

    // ---- control transfer ----
    for cc in 0..16u8 {
        let mut e = Enc::new(&[0x70 + cc]);
        e.imm = vec![MARK.len() as u8];
        let mut f = Form {
            name: format!("j{cc} rel8"),
            enc: e,
            imm: Imm::Fixed,
            tail: MARK.to_vec(),
            setup: Setup::Plain,
            undef: Undef::Mask(0),
            mem_regs: None,
        };
        g.forms.push(f);
        let mut e = Enc::new(&[0x0f, 0x80 + cc]);
        e.imm = (MARK.len() as u32).to_le_bytes().to_vec();
        f = Form {
            name: format!("j{cc} rel32"),
            enc: e,
            imm: Imm::Fixed,
            tail: MARK.to_vec(),
            setup: Setup::Plain,
            undef: Undef::Mask(0),
            mem_regs: None,
        };
        g.forms.push(f);
    }
    for (n, pre, op) in [
        ("loopne", None, 0xe0u8),
        ("loope", None, 0xe1),
        ("loop", None, 0xe2),
        ("jrcxz", None, 0xe3),
        ("jecxz", Some(0x67u8), 0xe3),
        ("loop a32", Some(0x67), 0xe2),
    ] {
        let mut e = Enc::new(&[op]);
        e.pre = pre.into_iter().collect();
        e.imm = vec![MARK.len() as u8];
        g.forms.push(Form {
            name: n.into(),
            enc: e,
            imm: Imm::Fixed,
            tail: MARK.to_vec(),
            setup: Setup::Loop,
            undef: Undef::Mask(0),
            mem_regs: None,
        });
    }
    let mut e = Enc::new(&[0xe8]);
    e.imm = vec![0; 4];
    g.push(
        "call rel32".into(),
        e,
        Imm::Fixed,
        Setup::Stack,
        Undef::Mask(0),
        None,
    );
    let mut e = Enc::new(&[0xeb]);
    e.imm = vec![0];
    g.push(
        "jmp rel8".into(),
        e,
        Imm::Fixed,
        Setup::Plain,
        Undef::Mask(0),
        None,
    );
    let mut e = Enc::new(&[0xe9]);
    e.imm = vec![0; 4];
    g.push(
        "jmp rel32".into(),
        e,
        Imm::Fixed,
        Setup::Plain,
        Undef::Mask(0),
        None,
    );
    for (n, d) in [("call", 2u8), ("jmp", 4)] {
        for _ in 0..3 {
            let r = g.reg(&[4]);
            let mut e = Enc::new(&[0xff]);
            e.modrm = Some((d, Rm::Reg(r)));
            g.push(
                format!("{n} r{r}"),
                e,
                Imm::None,
                Setup::IndirectReg(r),
                Undef::Mask(0),
                None,
            );
            let (rm, mr) = g.rm(true, &[]);
            let mut e = Enc::new(&[0xff]);
            e.modrm = Some((d, rm));
            g.push(
                format!("{n} {rm:?}"),
                e,
                Imm::None,
                Setup::IndirectMem,
                Undef::Mask(0),
                mr,
            );
        }
    }
    g.push(
        "ret".into(),
        Enc::new(&[0xc3]),
        Imm::None,
        Setup::Ret,
        Undef::Mask(0),
        None,
    );
    let mut e = Enc::new(&[0xc2]);
    e.imm = vec![0; 2];
    g.push(
        "ret imm16".into(),
        e,
        Imm::Random(2),
        Setup::Ret,
        Undef::Mask(0),
        None,
    );

    // ---- flag producers followed by condition consumers ----
    // The VM evaluates conditions straight from its lazy flag state (e.g. the
    // operands of the last cmp), so every producer × condition pair is run
    // natively as a two-instruction sequence: producer; setcc / jcc / cmovcc.
    let producers: [(&str, u8, u8, Option<u8>, u64); 12] = [
        ("add", 0x00, 0x01, None, 0),
        ("or", 0x08, 0x09, None, AF),
        ("adc", 0x10, 0x11, None, 0),
        ("sbb", 0x18, 0x19, None, 0),
        ("and", 0x20, 0x21, None, AF),
        ("sub", 0x28, 0x29, None, 0),
        ("xor", 0x30, 0x31, None, AF),
        ("cmp", 0x38, 0x39, None, 0),
        ("test", 0x84, 0x85, None, AF),
        ("inc", 0xfe, 0xff, Some(0), 0),
        ("dec", 0xfe, 0xff, Some(1), 0),
        ("neg", 0xf6, 0xf7, Some(3), 0),
    ];
    for (pname, op8, op, digit, u) in producers {
        for (size, p66, w) in [
            (1u8, false, false),
            (2, true, false),
            (4, false, false),
            (8, false, true),
        ] {
            for cc in 0..16u8 {
                let a = g.reg(&[4]);
                let b = g.reg(&[4, a]);
                let mut e = Enc::new(&[if size == 1 { op8 } else { op }]);
                if p66 {
                    e.pre.push(0x66);
                }
                e.w = w;
                e.force_rex = size == 1;
                e.modrm = Some((digit.unwrap_or(b), Rm::Reg(a)));
                let c = g.reg(&[4]);
                let (cname, tail) = match cc % 3 {
                    0 => {
                        let mut t = Enc::new(&[0x0f, 0x90 + cc]);
                        t.force_rex = true;
                        t.modrm = Some((0, Rm::Reg(c)));
                        ("set", t.bytes(0))
                    }
                    1 => {
                        let mut t = vec![0x70 + cc, MARK.len() as u8];
                        t.extend_from_slice(&MARK);
                        ("j", t)
                    }
                    _ => {
                        let mut t = Enc::new(&[0x0f, 0x40 + cc]);
                        t.modrm = Some((c, Rm::Reg(b)));
                        ("cmov", t.bytes(0))
                    }
                };
                g.forms.push(Form {
                    name: format!("{pname} size{size} r{a},r{b}; {cname}{cc}"),
                    enc: e,
                    imm: Imm::None,
                    tail,
                    setup: Setup::MaybeEqual(a, b),
                    undef: Undef::Mask(u),
                    mem_regs: None,
                });
            }
        }
    }

    // ---- misc ----
    for (n, bytes) in [
        ("nop", &[0x90u8][..]),
        ("nopw", &[0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00][..]),
        ("endbr64", &[0xf3, 0x0f, 0x1e, 0xfa][..]),
        ("pause", &[0xf3, 0x90][..]),
        ("lfence", &[0x0f, 0xae, 0xe8][..]),
        ("mfence", &[0x0f, 0xae, 0xf0][..]),
        ("sfence", &[0x0f, 0xae, 0xf8][..]),
        ("ud2", &[0x0f, 0x0b][..]),
        ("int3", &[0xcc][..]),
        ("int1", &[0xf1][..]),
    ] {
        g.push(
            n.into(),
            Enc::new(bytes),
            Imm::None,
            Setup::Plain,
            Undef::Mask(0),
            None,
        );
    }
    for d in 0..4u8 {
        let (rm, mr) = g.rm(true, &[]);
        let mut e = Enc::new(&[0x0f, 0x18]);
        e.modrm = Some((d, rm));
        g.push(
            format!("prefetch{d}"),
            e,
            Imm::None,
            Setup::Plain,
            Undef::Mask(0),
            mr,
        );
    }
    let (rm, mr) = g.rm(true, &[]);
    let mut e = Enc::new(&[0x0f, 0xae]);
    e.modrm = Some((7, rm));
    g.push(
        "clflush".into(),
        e,
        Imm::None,
        Setup::Plain,
        Undef::Mask(0),
        mr,
    );
    g.forms
}

const NO: u8 = 0xff;

/// Undefined-flag mask for a case (count-dependent for shifts).
fn undefined(f: &Form, st: &State, code: &[u8]) -> u64 {
    let count = |cl: bool, size: u8| {
        let raw = if cl {
            st.gpr[1] & 0xff
        } else if f.enc.imm.is_empty() {
            1
        } else {
            code[f.enc.bytes(INSN_ADDR).len() - 1] as u64
        };
        raw & if size == 8 { 63 } else { 31 }
    };
    match f.undef {
        Undef::Mask(m) | Undef::BitScan(m) => m,
        Undef::Shift { digit, size, cl } => {
            let c = count(cl, size);
            let bits = size as u64 * 8;
            if c == 0 {
                return 0;
            }
            let mut u = if c > 1 { OF } else { 0 };
            if digit >= 4 {
                u |= AF;
                if digit != 7 && c >= bits {
                    // shl/shr counts ≥ width (8/16-bit only): CF undefined too.
                    u |= CF;
                }
            }
            u
        }
        Undef::Double { size, cl } => {
            let c = count(cl, size);
            if c == 0 {
                0
            } else if c > size as u64 * 8 {
                STATUS
            } else {
                AF | if c > 1 { OF } else { 0 }
            }
        }
    }
}

/// Undefined flags the VM does not model after AMD (compared nowhere).
fn not_amd_modelled(f: &Form, st: &State, code: &[u8]) -> u64 {
    match f.undef {
        // 16-bit shld/shrd with a count above 16: every flag is undefined.
        Undef::Double { .. } if undefined(f, st, code) == STATUS => STATUS,
        _ => 0,
    }
}

fn host_is_amd() -> bool {
    std::fs::read_to_string("/proc/cpuinfo")
        .map(|s| s.contains("AuthenticAMD"))
        .unwrap_or(false)
}

/// Outcome of one run: final state or the class of fault.
#[derive(Debug, PartialEq)]
enum Outcome {
    Done(Box<State>),
    Fault(&'static str),
}

fn native(code: &[u8], st: &State, base: Option<u8>) -> Outcome {
    match hostcpu::run(code, st, base) {
        Ok(s) => Outcome::Done(Box::new(s)),
        Err(NativeError::Signal { signo, .. }) => Outcome::Fault(match signo {
            8 => "divide",
            11 | 7 => "memory",
            4 => "undefined opcode",
            5 => "breakpoint",
            _ => "other signal",
        }),
        Err(e) => panic!("oracle failed: {e}"),
    }
}

/// Which of the VM's two execution paths runs a case: the general
/// `exec::execute`, or the translated fast handlers the interpreter prefers
/// (which fall back to the general path for what they do not cover).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Engine {
    General,
    Translated,
}

thread_local! {
    /// Instructions the translated engine ran with a fast handler.
    static FAST_RUN: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

fn vm(code: &[u8], st: &State, engine: Engine) -> Result<Outcome, String> {
    let mut mem = Memory::new();
    let mut scratch = st.mem.clone();
    scratch.resize(st.mem.len().div_ceil(4096) * 4096, 0);
    mem.map(Region {
        start: SCRATCH_BASE,
        perm: Perm::RW,
        kind: RegionKind::Heap,
        data: scratch,
    })
    .unwrap();
    mem.map(Region {
        start: STACK_BASE,
        perm: Perm::RW,
        kind: RegionKind::Stack,
        data: vec![0; STACK_SIZE],
    })
    .unwrap();
    let mut text = code.to_vec();
    text.resize(4096, 0xcc);
    mem.map(Region {
        start: INSN_ADDR,
        perm: Perm::RX,
        kind: RegionKind::Segment,
        data: text,
    })
    .unwrap();
    // Warm the region caches (stack, then scratch as the most recent) the
    // way a running contract has them, so the translated engine's memory
    // fast paths run instead of declining on a cold cache.
    for base in [STACK_BASE, SCRATCH_BASE] {
        let v = mem.read(base, 1).map_err(|e| e.to_string())?;
        mem.write(base, 1, v).map_err(|e| e.to_string())?;
    }
    let mut cpu = Cpu {
        gpr: st.gpr,
        xmm: st.xmm,
        rip: INSN_ADDR,
        ..Cpu::default()
    };
    cpu.flags.set((st.rflags & (STATUS | DF)) | 0x202);
    let end = INSN_ADDR + code.len() as u64;
    let mut steps = 0;
    while cpu.rip != end {
        steps += 1;
        if steps > 10_000 {
            return Err("VM did not reach the end of the code".into());
        }
        let bytes = mem.fetch(cpu.rip, 15).map_err(|e| format!("fetch: {e}"))?;
        let insn = decode(bytes, cpu.rip).map_err(|e| format!("decode at {:#x}: {e}", cpu.rip))?;
        let next = cpu.rip + insn.len as u64;
        let result = match engine {
            Engine::General => execute(&mut cpu, &mut mem, &insn, next),
            Engine::Translated => {
                if translate(&insn, next).is_fast() {
                    FAST_RUN.with(|c| c.set(c.get() + 1));
                }
                execute_translated(&mut cpu, &mut mem, &insn, next)
            }
        };
        match result {
            Ok(Step::Next) => cpu.rip = next,
            Ok(Step::Jump(t)) => cpu.rip = t,
            Ok(Step::Repeat) => {}
            Ok(Step::Interrupt(v)) => return Err(format!("unexpected interrupt {v}")),
            Err(f) => {
                return match fault_class(&f) {
                    Some(c) => Ok(Outcome::Fault(c)),
                    None => Err(format!("VM fault: {f}")),
                };
            }
        }
    }
    let mut out = vec![0u8; st.mem.len()];
    mem.read_bytes(SCRATCH_BASE, &mut out).unwrap();
    Ok(Outcome::Done(Box::new(State {
        gpr: cpu.gpr,
        rflags: cpu.flags.get(),
        xmm: cpu.xmm,
        mem: out,
    })))
}

/// Build the state and code of one case.
fn make_case(f: &Form, rng: &mut Rng) -> (Vec<u8>, State, Option<u8>) {
    let mut st = State {
        mem: vec![0; MEM_LEN],
        ..State::default()
    };
    for g in st.gpr.iter_mut() {
        *g = rng.value();
    }
    st.rflags = rng.next() & (STATUS | DF);
    if f.setup != Setup::Str {
        st.rflags &= !DF;
    }
    for b in st.mem.iter_mut() {
        *b = rng.next() as u8;
    }
    let mut enc = f.enc.clone();
    match f.imm {
        Imm::Random(n) => {
            let v = rng.value().to_le_bytes();
            enc.imm = if rng.below(2) == 0 {
                v[..n].to_vec()
            } else {
                rng.next().to_le_bytes()[..n].to_vec()
            };
        }
        Imm::Count => {
            enc.imm = vec![if rng.below(3) == 0 {
                rng.next() as u8
            } else {
                rng.below(70) as u8
            }];
        }
        _ => {}
    }
    let mut base = None;
    if let Some((b, i)) = f.mem_regs {
        st.gpr[b as usize] = MEM_BASE;
        base = Some(b);
        if let Some(i) = i {
            st.gpr[i as usize] = rng.below(8);
        }
    }
    let mut code = enc.bytes(INSN_ADDR);
    code.extend_from_slice(&f.tail);
    let end = INSN_ADDR + code.len() as u64;
    let put = |st: &mut State, off: u64, size: usize, v: u64| {
        st.mem[off as usize..off as usize + size].copy_from_slice(&v.to_le_bytes()[..size]);
    };
    match f.setup {
        Setup::Plain => {}
        Setup::Div { signed, size } => {
            let bits = size as u32 * 8;
            let (hi_reg, lo_reg) = if size == 1 { (0u8, 0u8) } else { (2, 0) };
            let lo = st.gpr[lo_reg as usize];
            let hi = match rng.below(5) {
                0 | 1 => {
                    if signed && (lo >> (bits - 1)) & 1 != 0 {
                        u64::MAX
                    } else {
                        0
                    }
                }
                2 | 3 => rng.below(16),
                _ => rng.next(),
            };
            if size == 1 {
                st.gpr[0] = (st.gpr[0] & !0xff00) | ((hi & 0xff) << 8);
            } else {
                let m = if size == 8 {
                    u64::MAX
                } else {
                    (1u64 << bits) - 1
                };
                st.gpr[hi_reg as usize] = (st.gpr[hi_reg as usize] & !m) | (hi & m);
            }
        }
        Setup::CountCl => {
            if rng.below(3) != 0 {
                st.gpr[1] = (st.gpr[1] & !0xff) | rng.below(70);
            }
        }
        Setup::Stack => {
            st.gpr[4] = SCRATCH_BASE + 800 + if rng.below(4) == 0 { rng.below(8) } else { 0 };
        }
        Setup::Ret => {
            st.gpr[4] = SCRATCH_BASE + 800;
            put(&mut st, 800, 8, end);
        }
        Setup::IndirectReg(r) => st.gpr[r as usize] = end,
        Setup::IndirectMem => {
            // The jump/call target lives in the memory operand.
            let off = mem_offset(&enc, &st) as u64;
            put(&mut st, off, 8, end);
        }
        Setup::Str => {
            st.gpr[6] = SCRATCH_BASE + 300 + rng.below(8);
            st.gpr[7] = SCRATCH_BASE + 600 + rng.below(8);
            st.gpr[1] = if rng.below(4) == 0 {
                0xdead_0000_0000 | rng.below(12)
            } else {
                rng.below(12)
            };
            if code.contains(&0x67) {
                // 32-bit addressing: scratch is above 4 GiB, so string forms with
                // 0x67 would fault; only the count register semantics are testable.
                st.gpr[1] = 0xdead_0000_0000;
            }
            let alphabet = [0u8, 1, 0xff];
            for b in st.mem.iter_mut() {
                *b = rng.pick(&alphabet);
            }
            st.gpr[0] = if rng.below(2) == 0 { 0 } else { rng.value() };
        }
        Setup::Xlat => st.gpr[3] = SCRATCH_BASE + rng.below(700),
        Setup::Enter => {
            st.gpr[4] = SCRATCH_BASE + 800;
            st.gpr[5] = SCRATCH_BASE + 700 + rng.below(8) * 8;
            let l = code.len();
            let lvl = if rng.below(3) == 0 {
                rng.below(32)
            } else {
                rng.below(5)
            };
            code[l - 1] = lvl as u8;
        }
        Setup::Leave => {
            st.gpr[5] = SCRATCH_BASE + 700 + rng.below(16) * 4;
        }
        Setup::Popf => {
            st.gpr[4] = SCRATCH_BASE + 800;
            let v = rng.next() & !(0x100 | 0x4_0000);
            put(&mut st, 800, 8, v);
        }
        Setup::Cmpxchg => {
            if rng.below(2) == 0 {
                // Make the accumulator equal to the destination's current value.
                let cpu_like = st.clone();
                let dest = match enc.modrm {
                    Some((_, Rm::Reg(r))) => Some(cpu_like.gpr[r as usize]),
                    _ => None,
                };
                match dest {
                    Some(v) => st.gpr[0] = v,
                    None => {
                        let off = mem_offset(&enc, &st);
                        st.gpr[0] = u64::from_le_bytes(st.mem[off..off + 8].try_into().unwrap());
                    }
                }
            }
        }
        Setup::CmpxchgWide { size } => {
            let off = mem_offset(&enc, &st);
            if size == 16 && rng.below(4) != 0 {
                // Mostly aligned; a misaligned operand faults (#GP) on both sides.
                let fix = (SCRATCH_BASE + off as u64) & 15;
                if let Some((b, _)) = f.mem_regs {
                    st.gpr[b as usize] -= fix;
                }
            }
            let off = mem_offset(&enc, &st);
            if rng.below(2) == 0 {
                st.gpr[0] = u64::from_le_bytes(st.mem[off..off + 8].try_into().unwrap());
                if size == 16 {
                    st.gpr[2] = u64::from_le_bytes(st.mem[off + 8..off + 16].try_into().unwrap());
                } else {
                    st.gpr[2] = (st.gpr[2] & !0xffff_ffff) | (st.gpr[0] >> 32);
                    st.gpr[0] = (st.gpr[0] & 0xffff_ffff) | (rng.next() << 32);
                }
            }
        }
        Setup::BtMem { offreg, size } => {
            let bits = size as u32 * 8;
            let off = (rng.below(4096) as i64 - 2048) as u64;
            let m = if size == 8 {
                u64::MAX
            } else {
                (1u64 << bits) - 1
            };
            st.gpr[offreg as usize] = (rng.next() & !m) | (off & m);
        }
        Setup::MaybeEqual(a, b) => {
            if rng.below(3) == 0 {
                st.gpr[b as usize] = st.gpr[a as usize];
            }
        }
        Setup::Loop => {
            st.gpr[1] = if rng.below(2) == 0 {
                rng.below(3)
            } else {
                rng.value()
            };
            if rng.below(3) == 0 {
                st.gpr[1] = (st.gpr[1] & !0xffff_ffff) | rng.below(2);
            }
        }
    }
    if st.gpr[4] == 0 {
        st.gpr[4] = DEFAULT_RSP;
    }
    (code, st, base)
}

/// Scratch offset of the (single) memory operand of `enc` in state `st`.
fn mem_offset(enc: &Enc, st: &State) -> usize {
    let a = match enc.modrm {
        Some((_, Rm::Base { base, disp })) => st.gpr[base as usize].wrapping_add(disp as u64),
        Some((
            _,
            Rm::Sib {
                base,
                index,
                scale,
                disp,
            },
        )) => st.gpr[base as usize]
            .wrapping_add(st.gpr[index as usize] * scale as u64)
            .wrapping_add(disp as u64),
        Some((_, Rm::Rip { target })) => target,
        _ => MEM_BASE,
    };
    (a - SCRATCH_BASE) as usize
}

fn hex(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

thread_local! {
    /// Undefined flag bits that differed from the host in the current form.
    static UNDEF_BITS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// Compare one case; `Err` describes a mismatch of defined state.
fn compare(
    f: &Form,
    code: &[u8],
    st: &State,
    nat: &Outcome,
    got: &Outcome,
    strict: bool,
    undef_diffs: &mut u64,
) -> Result<(), String> {
    match (nat, got) {
        (Outcome::Fault(a), Outcome::Fault(b)) if a == b => Ok(()),
        (Outcome::Done(_), Outcome::Done(v))
            if !strict && matches!(f.undef, Undef::BitScan(_)) && v.rflags & ZF != 0 =>
        {
            // Zero source: the destination is undefined (Intel CPUs zero the
            // upper half of a 32-bit destination, AMD keeps it).
            Ok(())
        }
        (Outcome::Done(_), Outcome::Done(_)) if !strict && not_amd_modelled(f, st, code) != 0 => {
            // 16-bit shld/shrd with counts above 16: the result itself is
            // undefined; the VM follows AMD, so only an AMD host can check it.
            Ok(())
        }
        (Outcome::Done(n), Outcome::Done(v)) => {
            let mut msg = String::new();
            for r in 0..16 {
                if n.gpr[r] != v.gpr[r] {
                    msg += &format!(" r{r}: host {:#x} vm {:#x};", n.gpr[r], v.gpr[r]);
                }
            }
            let u = if strict {
                not_amd_modelled(f, st, code)
            } else {
                undefined(f, st, code)
            };
            let diff = (n.rflags ^ v.rflags) & (STATUS | DF);
            if diff & !u != 0 {
                msg += &format!(
                    " flags: host {:#x} vm {:#x} (differ {:#x});",
                    n.rflags & (STATUS | DF),
                    v.rflags & (STATUS | DF),
                    diff & !u
                );
            }
            if diff & u != 0 {
                *undef_diffs += 1;
                UNDEF_BITS.with(|b| b.set(b.get() | (diff & u)));
            }
            if n.mem != v.mem {
                let i = (0..n.mem.len()).find(|&i| n.mem[i] != v.mem[i]).unwrap();
                msg += &format!(" mem[{i}]: host {:#x} vm {:#x};", n.mem[i], v.mem[i]);
            }
            if msg.is_empty() {
                Ok(())
            } else {
                Err(msg)
            }
        }
        _ => Err(format!(" outcome: host {} vm {}", brief(nat), brief(got))),
    }
}

fn brief(o: &Outcome) -> String {
    match o {
        Outcome::Done(_) => "completed".into(),
        Outcome::Fault(c) => format!("fault ({c})"),
    }
}

#[test]
fn integer_instructions_match_host_cpu() {
    let cases: usize = std::env::var("ECHOVM_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150);
    let filter = std::env::var("ECHOVM_DIFF_FILTER").ok();
    let forms = forms();
    let strict = host_is_amd() && std::env::var("ECHOVM_DIFF_ALL_FLAGS").is_ok();
    let mut rng = Rng(0xec40_7e57);
    let (mut ncases, mut nforms, mut undef_diffs) = (0u64, 0u64, 0u64);
    let mut failures: Vec<String> = Vec::new();
    let mut undef_by_form: Vec<(String, u64)> = Vec::new();
    for f in &forms {
        if let Some(flt) = &filter {
            if !f.name.contains(flt.as_str()) {
                continue;
            }
        }
        nforms += 1;
        let before = undef_diffs;
        for _ in 0..cases {
            let (code, st, base) = make_case(f, &mut rng);
            let nat = native(&code, &st, base);
            let mut failed = false;
            for engine in [Engine::General, Engine::Translated] {
                let got = match vm(&code, &st, engine) {
                    Ok(o) => o,
                    Err(e) => {
                        failures.push(format!("{} ({engine:?}): [{}] {e}", f.name, hex(&code)));
                        failed = true;
                        break;
                    }
                };
                if let Err(m) = compare(f, &code, &st, &nat, &got, strict, &mut undef_diffs) {
                    failures.push(format!(
                        "{} ({engine:?}): [{}] gpr {:x?} flags {:#x}:{m}",
                        f.name,
                        hex(&code),
                        st.gpr,
                        st.rflags
                    ));
                    failed = true;
                    break;
                }
            }
            if failed {
                break;
            }
            ncases += 1;
        }
        if undef_diffs > before {
            let bits = UNDEF_BITS.with(|b| b.replace(0));
            undef_by_form.push((
                format!("{} (flags {bits:#x})", f.name),
                undef_diffs - before,
            ));
        }
    }
    println!(
        "diff_int: {nforms} forms, {ncases} cases, {} failing forms; compared {} flags; {undef_diffs} cases where uncompared flags differ from this host",
        failures.len(),
        if strict { "all (AMD host)" } else { "defined" }
    );
    let fast = FAST_RUN.with(|c| c.get());
    println!("diff_int: {fast} instructions ran on translated fast handlers");
    // The translated engine must really exercise its handlers (not only
    // fall back to the general path): mov/alu/jcc/push/pop... are common forms.
    assert!(
        filter.is_some() || fast > ncases / 10,
        "only {fast} fast-handler runs in {ncases} cases"
    );
    if std::env::var("ECHOVM_DIFF_UNDEF").is_ok() {
        for (n, c) in &undef_by_form {
            println!("  undefined flags differ: {n}: {c} cases");
        }
    }
    for m in failures.iter().take(60) {
        println!("MISMATCH {m}");
    }
    assert!(
        failures.is_empty(),
        "{} instruction forms differ from the host CPU",
        failures.len()
    );
}

#[test]
fn vm_faults_on_division_errors() {
    // div/idiv by zero and quotient overflow must fault in the VM exactly
    // where they fault natively (also covered by random cases above; this
    // pins the boundary values).
    let cases: [(&[u8], u64, u64, u64); 7] = [
        (&[0x48, 0xf7, 0xf1], 0, 5, 0), // div rcx, rcx = 0
        (&[0x48, 0xf7, 0xf1], 1, 0, 1), // rdx:rax = 2^64, / 1
        (
            &[0x48, 0xf7, 0xf9],
            u64::MAX,
            0x8000_0000_0000_0000,
            u64::MAX,
        ), // idiv: MIN / -1
        (&[0xf7, 0xf9], 0xffff_ffff, 0x8000_0000, 0xffff_ffff), // idiv ecx: MIN / -1
        (&[0x48, 0xf7, 0xf9], 0x8000_0000_0000_0000, 0, u64::MAX), // idiv rcx: -2^127 / -1
        (&[0xf6, 0xf1], 0, 0x100, 1),   // div cl: 256 / 1
        (
            &[0x48, 0xf7, 0xf9],
            u64::MAX,
            0x8000_0000_0000_0001,
            u64::MAX,
        ), // idiv: fits
    ];
    for (code, rdx, rax, rcx) in cases {
        let mut st = State {
            mem: vec![0; 64],
            ..State::default()
        };
        st.gpr[0] = rax;
        st.gpr[1] = rcx;
        st.gpr[2] = rdx;
        st.gpr[4] = DEFAULT_RSP;
        let nat = native(code, &st, None);
        let got = vm(code, &st, Engine::Translated).unwrap();
        let mut u = 0;
        let f = Form {
            name: "div".into(),
            enc: Enc::new(code),
            imm: Imm::None,
            tail: vec![],
            setup: Setup::Plain,
            undef: Undef::Mask(STATUS),
            mem_regs: None,
        };
        compare(&f, code, &st, &nat, &got, false, &mut u)
            .unwrap_or_else(|m| panic!("[{}]{m}", hex(code)));
    }
}

#[test]
fn random_instructions_never_panic() {
    // Hostile code must never crash the interpreter: decode random byte
    // strings (biased towards prefixes, 0F/VEX escapes and ModRM forms) and
    // execute every integer instruction that decodes against random
    // registers and a small mapped memory. Debug builds also trap any
    // arithmetic overflow in the semantics.
    let mut rng = Rng(0x0005_eed0_fbad_c0de);
    let mut executed = 0u64;
    let iterations: u64 = std::env::var("ECHOVM_FUZZ_ITERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300_000);
    for _ in 0..iterations {
        let mut bytes = [0u8; 15];
        for b in bytes.iter_mut() {
            *b = rng.next() as u8;
        }
        match rng.below(6) {
            0 => bytes[0] = rng.pick(&[0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x64, 0x65]),
            1 => bytes[0] = 0x40 | (rng.below(16) as u8),
            2 => bytes[0] = 0x0f,
            3 => bytes[0] = 0xc4,
            _ => {}
        }
        let Ok(insn) = decode(&bytes, INSN_ADDR) else {
            continue;
        };
        if insn.op.is_sse() {
            continue;
        }
        let mut mem = Memory::new();
        mem.map(Region {
            start: SCRATCH_BASE,
            perm: Perm::RW,
            kind: RegionKind::Heap,
            data: vec![0; 4096],
        })
        .unwrap();
        let mut cpu = Cpu::default();
        for g in cpu.gpr.iter_mut() {
            *g = match rng.below(3) {
                0 => SCRATCH_BASE + rng.below(4096),
                1 => rng.below(300),
                _ => rng.value(),
            };
        }
        cpu.flags.set(rng.next() & (STATUS | DF));
        for _ in 0..4 {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                execute(&mut cpu, &mut mem, &insn, INSN_ADDR + insn.len as u64)
            }));
            match r {
                Ok(Ok(Step::Repeat)) => continue,
                Ok(_) => break,
                Err(_) => panic!(
                    "executing [{}] ({}) panicked",
                    hex(&bytes[..insn.len as usize]),
                    insn.op.name()
                ),
            }
        }
        executed += 1;
    }
    println!("random_instructions_never_panic: {executed} integer instructions executed");
    assert!(
        executed > iterations / 10,
        "too few random byte strings decoded to integer instructions"
    );
}

/// Throughput of `execute` alone on two pre-decoded loops (register-only, and
/// one with stack loads/stores and setcc), for tuning the integer semantics:
/// `cargo test --release -p echovm-runtime --test diff_int -- --ignored --nocapture throughput`.
/// Wall-clock numbers; use `valgrind --tool=callgrind` for stable counts.
#[test]
#[ignore]
fn execute_throughput() {
    // add rax,rcx; xor rdx,rax; sub rcx,1; jnz top
    let reg_only: &[u8] = &[
        0x48, 0x01, 0xc8, 0x48, 0x31, 0xc2, 0x48, 0x83, 0xe9, 0x01, 0x75, 0x00,
    ];
    // add rax,rcx; xor rdx,rax; mov [rsp+8],rdx; movzx esi,byte [rsp+8];
    // cmp rsi,7; setb bl; sub rcx,1; jnz top
    let mixed: &[u8] = &[
        0x48, 0x01, 0xc8, 0x48, 0x31, 0xc2, 0x48, 0x89, 0x54, 0x24, 0x08, 0x0f, 0xb6, 0x74, 0x24,
        0x08, 0x48, 0x83, 0xfe, 0x07, 0x0f, 0x92, 0xc3, 0x48, 0x83, 0xe9, 0x01, 0x75, 0x00,
    ];
    for (name, body) in [("register-only", reg_only), ("mixed", mixed)] {
        let mut code = body.to_vec();
        let n = code.len();
        code[n - 1] = (256 - n) as u8; // jnz back to the top
        let mut insns = Vec::new();
        let mut off = 0;
        while off < code.len() {
            let i = decode(&code[off..], INSN_ADDR + off as u64).unwrap();
            insns.push(i);
            off += i.len as usize;
        }
        let mut mem = Memory::new();
        mem.map(Region {
            start: STACK_BASE,
            perm: Perm::RW,
            kind: RegionKind::Stack,
            data: vec![0; STACK_SIZE],
        })
        .unwrap();
        let mut cpu = Cpu::default();
        cpu.gpr[4] = DEFAULT_RSP;
        cpu.gpr[1] = 5_000_000;
        let start = std::time::Instant::now();
        let (mut idx, mut rip, mut count) = (0usize, INSN_ADDR, 0u64);
        while idx < insns.len() {
            let next = rip + insns[idx].len as u64;
            count += 1;
            match execute(&mut cpu, &mut mem, &insns[idx], next).unwrap() {
                Step::Jump(t) if t == INSN_ADDR => (idx, rip) = (0, INSN_ADDR),
                _ => (idx, rip) = (idx + 1, next),
            }
        }
        let dt = start.elapsed();
        println!(
            "{name}: {count} instructions, {:.2} ns each",
            dt.as_nanos() as f64 / count as f64
        );
    }
}
