//! Differential test against iced-x86 on the executable sections of real
//! binaries on this machine: the five largest ELF files in /usr/bin plus libc,
//! decoded by linear sweep (advancing by iced's length).

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// `(file, section address, bytes)` of every executable section.
pub fn code_sections(path: &Path) -> Vec<(u64, Vec<u8>)> {
    let Ok(data) = std::fs::read(path) else {
        return Vec::new();
    };
    let Ok(elf) = goblin::elf::Elf::parse(&data) else {
        return Vec::new();
    };
    if elf.header.e_machine != goblin::elf::header::EM_X86_64 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for sh in &elf.section_headers {
        if sh.sh_flags & u64::from(goblin::elf::section_header::SHF_EXECINSTR) == 0
            || sh.sh_type != goblin::elf::section_header::SHT_PROGBITS
        {
            continue;
        }
        let (off, size) = (sh.sh_offset as usize, sh.sh_size as usize);
        if let Some(bytes) = data.get(off..off + size) {
            out.push((sh.sh_addr, bytes.to_vec()));
        }
    }
    out
}

fn is_elf(p: &Path) -> bool {
    let mut magic = [0u8; 4];
    std::fs::File::open(p)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
        .is_ok()
        && magic == *b"\x7fELF"
}

/// The five largest ELF files in /usr/bin and libc.
pub fn corpus() -> Vec<PathBuf> {
    let mut files: Vec<(u64, PathBuf)> = std::fs::read_dir("/usr/bin")
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| {
                    let m = std::fs::metadata(e.path()).ok()?;
                    (m.is_file() && is_elf(&e.path())).then(|| (m.len(), e.path()))
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    // The same file may be reachable under several names (node / nodejs).
    let mut seen = Vec::new();
    files.retain(|f| {
        let c = std::fs::canonicalize(&f.1).unwrap_or_else(|_| f.1.clone());
        let new = !seen.contains(&c);
        seen.push(c);
        new
    });
    let mut out: Vec<PathBuf> = files.into_iter().take(5).map(|f| f.1).collect();
    let libc = PathBuf::from("/usr/lib/x86_64-linux-gnu/libc.so.6");
    if libc.exists() {
        out.push(libc);
    }
    out
}

#[test]
fn real_binaries_match_iced() {
    let mut classes: BTreeMap<String, (u64, Vec<String>)> = BTreeMap::new();
    let mut total = 0u64;
    let mut supported = 0u64;
    let files = corpus();
    assert!(!files.is_empty(), "no binaries found to compare on");
    for f in &files {
        for (addr, code) in code_sections(f) {
            let mut off = 0;
            while off < code.len() {
                let ip = addr + off as u64;
                let step = match common::compare(&code[off..], ip) {
                    Ok(n) => n,
                    Err(m) => {
                        let e = classes.entry(m.class).or_default();
                        e.0 += 1;
                        if e.1.len() < 3 {
                            e.1.push(format!("{}+{ip:#x} {}", f.display(), m.detail));
                        }
                        common::iced_decode(&code[off..], ip).0.len().max(1)
                    }
                };
                total += 1;
                supported += echovm_decoder::decode(&code[off..], ip).is_ok() as u64;
                off += step;
            }
        }
    }
    eprintln!(
        "{} files, {total} instructions, {supported} supported",
        files.len()
    );
    let mut undocumented = 0;
    for (c, (n, ex)) in &classes {
        let doc = common::documented(c);
        undocumented += (!doc) as u32;
        eprintln!("{}{c}: {n}", if doc { "[documented] " } else { "" });
        for e in ex {
            eprintln!("    {e}");
        }
    }
    assert_eq!(
        undocumented, 0,
        "undocumented mismatch classes against iced-x86"
    );
}
