//! Static checks of a contract before it is packed or deployed.
//!
//! A linear sweep decodes every byte of every executable segment. Anything
//! that could never run correctly is reported with its address, disassembly
//! and function: unsupported or prohibited instructions (system calls, x87,
//! AVX, privileged, non-deterministic), undecodable bytes, `int N` with a
//! vector outside ABI v1, and segment/size problems. `int3`/`int1` are allowed
//! (compilers pad with int3; executing one faults deterministically).

use crate::abi::Vector;
use crate::program::Program;
use echovm_decoder::{decode, DecodeError, Op};
use echovm_gas::Schedule;
use std::fmt;

/// One reason a contract is rejected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Address of the offending instruction, when there is one.
    pub addr: Option<u64>,
    pub function: Option<String>,
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(a) = self.addr {
            write!(f, "{a:#x}: ")?;
        }
        f.write_str(&self.message)?;
        if let Some(func) = &self.function {
            write!(f, " (in {func})")?;
        }
        Ok(())
    }
}

/// Every problem found in `program` under `schedule`'s limits (empty = valid).
pub fn validate(program: &Program, schedule: &Schedule) -> Vec<Problem> {
    let limits = schedule.limits();
    let mut problems = Vec::new();
    let plain = |message: String| Problem {
        addr: None,
        function: None,
        message,
    };

    for s in &program.segments {
        if s.flags.writable() && s.flags.executable() {
            problems.push(plain(format!(
                "segment at {:#x} is writable and executable (W+X)",
                s.vaddr
            )));
        }
        if s.data.len() as u64 > s.mem_size {
            problems.push(plain(format!(
                "segment at {:#x} has inconsistent sizes",
                s.vaddr
            )));
        }
        // Packages are not parsed from ELF, so their layout is checked here too (found by fuzzing).
        if s.vaddr < crate::memory::MIN_ADDR
            || s.vaddr.checked_add(s.mem_size).is_none_or(|e| e > 1 << 47)
        {
            problems.push(plain(format!(
                "segment at {:#x} (+{:#x}) is outside the user address space [{:#x}, 2^47)",
                s.vaddr,
                s.mem_size,
                crate::memory::MIN_ADDR
            )));
        }
    }
    for w in program.segments.windows(2) {
        if w[0].vaddr.saturating_add(w[0].mem_size) > w[1].vaddr {
            problems.push(plain(format!(
                "segments at {:#x} and {:#x} overlap",
                w[0].vaddr, w[1].vaddr
            )));
        }
    }
    if !program
        .code_segments()
        .any(|s| program.entry >= s.vaddr && program.entry - s.vaddr < s.mem_size)
    {
        problems.push(plain(format!(
            "entry point {:#x} is not in an executable segment",
            program.entry
        )));
    }
    if let Some(t) = &program.tls {
        if !t.align.is_power_of_two() || t.align > 4096 {
            problems.push(plain(format!(
                "TLS template alignment {} is not a power of two up to 4096",
                t.align
            )));
        }
        if t.init.len() as u64 > t.mem_size {
            problems.push(plain(format!(
                "TLS template image ({} bytes) is larger than its size ({})",
                t.init.len(),
                t.mem_size
            )));
        }
        if t.mem_size > limits.stack_bytes {
            problems.push(plain(format!(
                "TLS template of {} bytes exceeds the schedule's stack size {} (its bound for thread data)",
                t.mem_size, limits.stack_bytes
            )));
        }
    }
    let code: u64 = program
        .code_segments()
        .fold(0u64, |a, s| a.saturating_add(s.mem_size));
    if code > limits.code_bytes {
        problems.push(plain(format!(
            "code is {code} bytes, over the schedule's limit of {}",
            limits.code_bytes
        )));
    }
    let image = program.image_size();
    if image.saturating_add(limits.stack_bytes) > limits.guest_memory_bytes {
        problems.push(plain(format!(
            "image ({image} bytes) plus stack ({} bytes) exceeds guest memory limit {}",
            limits.stack_bytes, limits.guest_memory_bytes
        )));
    }

    // The checks above say what is wrong in the contract's own terms; the
    // loader is the one authority on whether its address space can be built
    // (segments clear of the thread block, stack and heap, page-rounded sizes
    // and the thread block within guest memory). Asking it means an accepted
    // contract always loads, instead of installing and then faulting on every
    // call (found by review while giving the package and loader fuzz targets
    // that property; runtime/tests/fuzz_regressions.rs).
    if problems.is_empty() {
        let load_limits = crate::loader::LoadLimits {
            stack: limits.stack_bytes,
            memory: limits.guest_memory_bytes,
        };
        if let Err(fault) = crate::loader::load(program, load_limits) {
            problems.push(plain(format!("the contract cannot be loaded: {fault}")));
        }
    }

    for seg in program.code_segments() {
        let mut off = 0usize;
        while off < seg.data.len() {
            // Wrapping: a segment past the address space is reported above.
            let ip = seg.vaddr.wrapping_add(off as u64);
            let bytes = &seg.data[off..];
            let problem = |message: String| Problem {
                addr: Some(ip),
                function: program.function_at(ip).map(str::to_string),
                message,
            };
            match decode(bytes, ip) {
                Ok(insn) => {
                    if insn.op == Op::Int && Vector::from_u8(insn.imm as u8).is_none() {
                        problems.push(problem(format!(
                            "int {:#x}: interrupt vector is not part of ABI v1",
                            insn.imm
                        )));
                    }
                    off += insn.len as usize;
                }
                Err(e @ DecodeError::Unsupported { len, .. }) => {
                    let hex = hex_bytes(&bytes[..(len as usize).min(bytes.len())]);
                    problems.push(problem(format!("{e} (bytes {hex})")));
                    off += len as usize;
                }
                Err(DecodeError::Truncated { .. }) => {
                    // Trailing bytes at the end of a segment that are not a whole instruction:
                    // only zero/int3 padding is acceptable.
                    if bytes.iter().any(|&b| b != 0 && b != 0xcc) {
                        problems.push(problem(
                            "truncated instruction at the end of the code segment".into(),
                        ));
                    }
                    break;
                }
                Err(e) => {
                    problems.push(problem(format!(
                        "{e}: bytes {}",
                        hex_bytes(&bytes[..bytes.len().min(8)])
                    )));
                    off += 1;
                }
            }
        }
    }
    problems
}

fn hex_bytes(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
