//! `cpuid`: fixed values describing exactly what the VM executes, so that
//! runtime feature detection (glibc ifuncs, Rust `is_x86_feature_detected!`)
//! picks code paths the VM supports and every node sees the same answers.
//! The table is documented in docs/SEMANTICS.md.

use crate::cpu::{reg, Cpu};
use crate::exec::Step;
use crate::fault::Fault;

/// Highest basic leaf.
pub const MAX_BASIC: u32 = 7;
/// Highest extended leaf.
pub const MAX_EXTENDED: u32 = 0x8000_0004;
/// Vendor string of leaf 0 (EBX, EDX, ECX order).
pub const VENDOR: &[u8; 12] = b"EchoVMEchoVM";
/// Brand string of leaves 0x8000_0002..=0x8000_0004 (NUL padded).
pub const BRAND: &[u8; 48] = b"EchoVM deterministic x86-64 interpreter\0\0\0\0\0\0\0\0\0";

/// Leaf 1 EDX: CX8 (8), CMOV (15), CLFSH (19), SSE (25), SSE2 (26).
/// No FPU (x87), TSC, MMX or FXSR: the VM does not execute them.
pub const L1_EDX: u32 = 1 << 8 | 1 << 15 | 1 << 19 | 1 << 25 | 1 << 26;
/// Leaf 1 ECX: SSE3 (0), SSSE3 (9), CX16 (13), SSE4.1 (19), SSE4.2 (20),
/// MOVBE (22), POPCNT (23).
pub const L1_ECX: u32 = 1 << 0 | 1 << 9 | 1 << 13 | 1 << 19 | 1 << 20 | 1 << 22 | 1 << 23;
/// Leaf 1 EAX: family 6, model 0, stepping 0.
pub const L1_EAX: u32 = 0x0000_0600;
/// Leaf 1 EBX: CLFLUSH line size 8 × 8 = 64 bytes (bits 15:8); APIC id 0.
pub const L1_EBX: u32 = 8 << 8;
/// Leaf 7 subleaf 0 EBX: BMI1 (3), BMI2 (8).
pub const L7_EBX: u32 = 1 << 3 | 1 << 8;
/// Leaf 0x8000_0001 ECX: LAHF/SAHF in 64-bit mode (0), ABM/LZCNT (5).
pub const E1_ECX: u32 = 1 << 0 | 1 << 5;
/// Leaf 0x8000_0001 EDX: long mode (29).
pub const E1_EDX: u32 = 1 << 29;

#[inline]
fn le(b: &[u8]) -> u32 {
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

/// `[eax, ebx, ecx, edx]` for leaf `eax`, subleaf `ecx`. Leaves not listed,
/// including leaves above the maximum, return all zeros.
pub fn leaf(eax: u32, ecx: u32) -> [u32; 4] {
    match eax {
        0 => [
            MAX_BASIC,
            le(&VENDOR[0..4]),
            le(&VENDOR[8..12]),
            le(&VENDOR[4..8]),
        ],
        1 => [L1_EAX, L1_EBX, L1_ECX, L1_EDX],
        7 if ecx == 0 => [0, L7_EBX, 0, 0],
        0x8000_0000 => [MAX_EXTENDED, 0, 0, 0],
        0x8000_0001 => [0, 0, E1_ECX, E1_EDX],
        0x8000_0002..=0x8000_0004 => {
            let o = (eax - 0x8000_0002) as usize * 16;
            let b = &BRAND[o..o + 16];
            [le(&b[0..4]), le(&b[4..8]), le(&b[8..12]), le(&b[12..16])]
        }
        _ => [0; 4],
    }
}

/// cpuid: eax/ebx/ecx/edx from [`leaf`], zero-extended into the 64-bit registers.
#[inline(never)]
pub(super) fn execute(cpu: &mut Cpu) -> Result<Step, Fault> {
    let r = leaf(
        cpu.gpr[reg::RAX as usize] as u32,
        cpu.gpr[reg::RCX as usize] as u32,
    );
    cpu.gpr[reg::RAX as usize] = r[0] as u64;
    cpu.gpr[reg::RBX as usize] = r[1] as u64;
    cpu.gpr[reg::RCX as usize] = r[2] as u64;
    cpu.gpr[reg::RDX as usize] = r[3] as u64;
    Ok(Step::Next)
}
