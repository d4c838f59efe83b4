//! Checks the whole-program corpus itself (tests/programs): every program
//! builds both ways, the contracts have the shape SPEC §2 requires, and the
//! native builds succeed deterministically. Running the contracts in the VM
//! and comparing with `native_output` is the interpreter's test.

#[path = "programs/mod.rs"]
mod programs;

use programs::{corpus, Lang};

const PT_DYNAMIC: u32 = 2;
const PT_INTERP: u32 = 3;
const PT_LOAD: u32 = 1;
const PF_X: u32 = 1;
const PF_W: u32 = 2;

fn u16_at(b: &[u8], o: usize) -> u16 {
    u16::from_le_bytes(b[o..o + 2].try_into().unwrap())
}
fn u32_at(b: &[u8], o: usize) -> u32 {
    u32::from_le_bytes(b[o..o + 4].try_into().unwrap())
}
fn u64_at(b: &[u8], o: usize) -> u64 {
    u64::from_le_bytes(b[o..o + 8].try_into().unwrap())
}

#[test]
fn corpus_has_the_promised_programs() {
    let c = corpus().iter().filter(|p| p.lang == Lang::C).count();
    let rust = corpus().iter().filter(|p| p.lang == Lang::Rust).count();
    assert!(c >= 10, "{c} C programs");
    assert!(rust >= 3, "{rust} Rust programs");
}

#[test]
fn contracts_are_static_exec_without_interp_or_wx() {
    for p in corpus() {
        let b = std::fs::read(&p.elf_path).unwrap();
        assert_eq!(&b[..4], b"\x7fELF", "{}", p.name);
        assert_eq!(b[4], 2, "{}: ELFCLASS64", p.name);
        assert_eq!(u16_at(&b, 16), 2, "{}: ET_EXEC", p.name);
        assert_eq!(u16_at(&b, 18), 62, "{}: EM_X86_64", p.name);
        let (phoff, phentsize, phnum) = (
            u64_at(&b, 32) as usize,
            u16_at(&b, 54) as usize,
            u16_at(&b, 56) as usize,
        );
        let mut loads = 0;
        for i in 0..phnum {
            let ph = &b[phoff + i * phentsize..];
            let (ty, flags) = (u32_at(ph, 0), u32_at(ph, 4));
            assert!(
                ty != PT_INTERP && ty != PT_DYNAMIC,
                "{}: program header type {ty}",
                p.name
            );
            if ty == PT_LOAD {
                loads += 1;
                assert!(
                    flags & (PF_W | PF_X) != PF_W | PF_X,
                    "{}: W+X segment",
                    p.name
                );
            }
        }
        assert!(loads >= 2, "{}: {loads} LOAD segments", p.name);
    }
}

#[test]
fn native_builds_succeed_and_are_deterministic() {
    for p in corpus() {
        // Programs named revert* end with evm_revert on purpose (status 1).
        let want = if p.name.starts_with("revert") { 1 } else { 0 };
        assert_eq!(p.native_status, want, "{} native exit status", p.name);
        assert!(!p.native_output.is_empty(), "{} printed nothing", p.name);
        // Second run, input through stdin this time (the first used the file path).
        let mut child = std::process::Command::new(&p.native_path)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        use std::io::Write;
        child.stdin.take().unwrap().write_all(&p.input).unwrap();
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(want), "{}", p.name);
        assert_eq!(
            out.stdout, p.native_output,
            "{}: second native run differs",
            p.name
        );
    }
}

/// Every `EVM_INT_*` vector of sdk/c/echovm.h is reachable through a wrapper
/// that compiles at -O0 and -O2 and emits exactly that `int` instruction.
#[test]
fn c_sdk_wrappers_cover_every_vector() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let header = std::fs::read_to_string(root.join("sdk/c/echovm.h")).unwrap();
    let mut vectors: Vec<u32> = header
        .lines()
        .filter_map(|l| l.strip_prefix("#define EVM_INT_"))
        .map(|l| {
            let hex = l
                .split_whitespace()
                .nth(1)
                .unwrap()
                .trim_start_matches("0x");
            u32::from_str_radix(hex, 16).unwrap()
        })
        .collect();
    vectors.sort_unstable();
    assert_eq!(vectors.len(), 43, "SPEC §3 lists 43 interrupts");
    let dir = programs::corpus()[0]
        .elf_path
        .parent()
        .unwrap()
        .to_path_buf();
    for opt in ["-O0", "-O2"] {
        let elf = dir.join(format!("all_wrappers{opt}.elf"));
        let st = std::process::Command::new("sh")
            .arg(root.join("sdk/c/build.sh"))
            .args([opt, "-o"])
            .arg(&elf)
            .arg(root.join("sdk/c/tests/all_wrappers.c"))
            .args(["--", "-Wall", "-Wextra", "-Werror"])
            .status()
            .unwrap();
        assert!(st.success(), "all_wrappers.c {opt} failed to build");
        let dis = std::process::Command::new("objdump")
            .arg("-d")
            .arg(&elf)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&dis.stdout);
        let mut seen: Vec<u32> = text
            .lines()
            .filter_map(|l| l.split("int    $0x").nth(1))
            .map(|h| u32::from_str_radix(h.trim(), 16).unwrap())
            .collect();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen, vectors, "{opt}: int vectors in the binary");
    }
}

/// The SDK's memcpy/memmove/memset/memcmp/bcmp and string functions must not call any
/// function (least of all themselves) at any optimisation level: gcc's idiom
/// recognition and identical-code folding once turned memcmp into `jmp memcmp`.
#[test]
fn c_sdk_libc_primitives_never_call_out() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = programs::corpus()[0]
        .elf_path
        .parent()
        .unwrap()
        .to_path_buf();
    let leaf = [
        "memcpy", "memmove", "memset", "memcmp", "bcmp", "strlen", "strcmp", "strncmp", "strchr",
        "memchr", "strcpy",
    ];
    for opt in ["-O0", "-O1", "-O2", "-O3", "-Os"] {
        let obj = dir.join(format!("echovm_libc{opt}.o"));
        let st = std::process::Command::new("sh")
            .arg(root.join("sdk/c/build.sh"))
            .args(["--object", opt, "-o"])
            .arg(&obj)
            .arg(root.join("sdk/c/echovm_libc.c"))
            .status()
            .unwrap();
        assert!(st.success(), "echovm_libc.c {opt} failed to build");
        let dis = std::process::Command::new("objdump")
            .args(["-dr", "--no-show-raw-insn"])
            .arg(&obj)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&dis.stdout);
        let mut func = String::new();
        let mut checked = 0;
        for line in text.lines() {
            if let Some(name) = line.strip_suffix(">:").and_then(|l| l.split(" <").nth(1)) {
                func = name.to_string();
                checked += leaf.contains(&name) as usize;
            } else if leaf.contains(&func.as_str()) {
                assert!(
                    !line.contains("R_X86_64_PLT32") && !line.contains("R_X86_64_PC32"),
                    "{opt}: {func} calls out: {line}"
                );
                let insn = line.split('\t').nth(1).unwrap_or("");
                assert!(
                    !(insn.starts_with("jmp") && insn.contains(&format!("<{func}>"))),
                    "{opt}: {func} jumps to itself: {line}"
                );
            }
        }
        assert_eq!(
            checked,
            leaf.len(),
            "{opt}: not every primitive found in the object"
        );
    }
}
