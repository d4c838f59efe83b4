//! Instruction cost classes.
//!
//! Every supported instruction belongs to exactly one class (the mapping from
//! decoder operations lives in `echovm-runtime`'s `classify` module, so this
//! crate stays independent of the decoder). A class groups instructions whose
//! interpretation cost is of the same order, so a schedule prices ~20 numbers
//! instead of ~400 mnemonics, and a governance change can reprice a family
//! (say, all SSE divisions) in one line.

use borsh::{BorshDeserialize, BorshSerialize};
use serde::{Deserialize, Serialize};

macro_rules! classes {
    ($($(#[$doc:meta])* $v:ident => $key:ident,)*) => {
        /// Cost class of an instruction. The schedule key of each class is its
        /// `key()`; the order here is the order of the `[instructions]` table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum InstrClass { $($(#[$doc])* $v,)* }

        impl InstrClass {
            /// Every class, in declaration order (index = `as usize`).
            pub const ALL: &'static [InstrClass] = &[$(InstrClass::$v,)*];
            /// Number of classes; sizes the schedule's O(1) cost table.
            pub const COUNT: usize = Self::ALL.len();

            /// Key of the class in a schedule's `[instructions]` table.
            pub const fn key(self) -> &'static str {
                match self { $(InstrClass::$v => stringify!($key),)* }
            }

            /// Class whose schedule key is `key`.
            pub fn from_key(key: &str) -> Option<InstrClass> {
                match key { $(stringify!($key) => Some(InstrClass::$v),)* _ => None }
            }
        }

        /// The `[instructions]` table of a schedule: gas per instruction of each
        /// class (before the memory-operand surcharge). Every class is a required key.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, BorshSerialize, BorshDeserialize)]
        #[serde(deny_unknown_fields)]
        pub struct ClassCosts { $($(#[$doc])* pub $key: u64,)* }

        impl ClassCosts {
            /// Cost of `class`, as a flat array indexed by `class as usize`, so the
            /// interpreter's per-instruction look-up is one load.
            pub fn to_array(&self) -> [u64; InstrClass::COUNT] {
                [$(self.$key,)*]
            }

            /// `(key, cost)` pairs in table order, for listings and diffs.
            pub fn entries(&self) -> Vec<(&'static str, u64)> {
                vec![$((stringify!($key), self.$key),)*]
            }
        }
    };
}

classes! {
    /// No architectural effect in the VM: `nop`, `endbr64`, `pause`, prefetches, fences.
    Nop => nop,
    /// Register/memory moves without arithmetic: `mov`, `movzx`, `lea`, `xchg`, `cmovcc`, `cbw`..`cqo`.
    Mov => mov,
    /// One-pass integer arithmetic and logic: `add`..`cmp`, `inc`, shifts, rotates, `setcc`,
    /// flag instructions, `bt*`, `bswap`, `cmpxchg`, `xadd`.
    Alu => alu,
    /// Bit counting and BMI: `bsf`, `bsr`, `popcnt`, `lzcnt`, `tzcnt`, `andn`, `bextr`, `blsi`, `bzhi`, `rorx`, `shlx`...
    Bit => bit,
    /// Multi-step integer work: `mul`, `imul`, `mulx`, `pdep`, `pext`, `crc32`.
    Mul => mul,
    /// Integer division: `div`, `idiv` (128-by-64-bit long division).
    Div => div,
    /// Jumps and conditional branches: `jmp`, `jcc`, `loop*`, `jrcxz`.
    Branch => branch,
    /// Implicit stack traffic: `push`, `pop`, `pushf`, `popf`, `enter`, `leave`.
    Stack => stack,
    /// `call` and `ret` (stack write/read plus control transfer).
    Call => call,
    /// String instructions (`movs`, `stos`, `lods`, `scas`, `cmps`): set-up cost charged once;
    /// each executed iteration additionally costs the schedule's `string_iteration`.
    String => string,
    /// `int N` dispatch (the vector's own cost comes from the `[interrupts]` table), `int3`, `int1`.
    Interrupt => interrupt,
    /// `cpuid` (fixed table look-up).
    Cpuid => cpuid,
    /// Everything else that only changes control or status state: `ud2`, `ldmxcsr`, `stmxcsr`.
    Misc => misc,
    /// XMM data movement and rearrangement: `movaps`, `movq`, shuffles, unpacks, blends, inserts, extracts, `pmovzx`.
    SseMove => sse_move,
    /// Packed integer arithmetic, compares, logic, shifts, packs, `ptest`, packed integer multiplies.
    SseInt => sse_int,
    /// Floating-point add, sub, mul, min, max, compare, round, horizontal ops, dot products.
    SseFloat => sse_float,
    /// Floating-point division and square root (iterative in the soft-float core).
    SseDivSqrt => sse_div_sqrt,
    /// Conversions between integers and floating point, and between float widths.
    SseConvert => sse_convert,
    /// SSE4.2 string compares `pcmpestri`, `pcmpestrm`, `pcmpistri`, `pcmpistrm` (up to 256 byte compares).
    SseString => sse_string,
}
