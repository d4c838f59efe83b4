//! ELF64 x86-64 → [`Program`] (the repackager's front half).
//!
//! Accepts static executables (`ET_EXEC`) and static-pie (`ET_DYN` without an
//! interpreter or needed libraries), whose `R_X86_64_RELATIVE` relocations are
//! applied here, at a fixed base, so the image is position-dependent and
//! deterministic from then on. Everything else is refused with a reason.

use crate::program::{Program, Segment, SegmentFlags, Symbol, TlsTemplate};
use goblin::elf::{dynamic, header, program_header as ph, reloc, sym, Elf};

/// Load address of static-pie (ET_DYN) images.
pub const PIE_BASE: u64 = 0x40_0000;
/// Hard cap on the in-memory image, before any schedule limit, so hostile
/// headers cannot make the loader allocate gigabytes.
pub const MAX_IMAGE: u64 = 1 << 30;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElfError {
    #[error("not an ELF file: {0}")]
    Parse(String),
    #[error("not a 64-bit ELF (ELFCLASS32): echovm runs x86-64 code only")]
    Not64,
    #[error("not little-endian")]
    BigEndian,
    #[error("wrong machine {0} (e_machine), expected x86-64 (62)")]
    Machine(u16),
    #[error("ELF type {0} is not an executable (expected ET_EXEC or static-pie ET_DYN)")]
    Type(u16),
    #[error("dynamically linked: PT_INTERP requests interpreter {0:?}; link with -static")]
    Interp(String),
    #[error("dynamically linked: needs shared library {0:?}; link with -static")]
    Needed(String),
    #[error("segment {index} ({detail})")]
    BadSegment { index: usize, detail: String },
    #[error("segment {index} at {vaddr:#x} is both writable and executable (W+X is refused)")]
    WriteExec { index: usize, vaddr: u64 },
    #[error("segments {a} and {b} overlap")]
    Overlap { a: usize, b: usize },
    #[error("no loadable segments")]
    NoSegments,
    #[error("entry point {0:#x} is not inside an executable segment")]
    BadEntry(u64),
    #[error(
        "unsupported relocation type {rtype} at {offset:#x} (only R_X86_64_RELATIVE is applied)"
    )]
    Relocation { rtype: u32, offset: u64 },
    #[error("relocation at {0:#x} is outside the loaded image")]
    RelocationTarget(u64),
    #[error("image too large: {0} bytes (hard cap {MAX_IMAGE})")]
    TooLarge(u64),
}

/// Parse an ELF file into a [`Program`].
pub fn parse(bytes: &[u8]) -> Result<Program, ElfError> {
    // goblin is robust, but hostile input must never take the process down:
    // treat any panic inside the parser as a parse error.
    let elf = std::panic::catch_unwind(|| Elf::parse(bytes).map_err(|e| e.to_string()))
        .map_err(|_| ElfError::Parse("malformed headers".into()))?
        .map_err(ElfError::Parse)?;
    if !elf.is_64 {
        return Err(ElfError::Not64);
    }
    if !elf.little_endian {
        return Err(ElfError::BigEndian);
    }
    if elf.header.e_machine != header::EM_X86_64 {
        return Err(ElfError::Machine(elf.header.e_machine));
    }
    let base = match elf.header.e_type {
        header::ET_EXEC => 0,
        header::ET_DYN => PIE_BASE,
        t => return Err(ElfError::Type(t)),
    };
    if let Some(i) = elf.interpreter {
        return Err(ElfError::Interp(i.to_string()));
    }
    if let Some(lib) = elf.libraries.first() {
        return Err(ElfError::Needed(lib.to_string()));
    }
    if elf
        .program_headers
        .iter()
        .any(|p| p.p_type == ph::PT_INTERP)
    {
        return Err(ElfError::Interp("(unnamed)".into()));
    }

    let mut segments = Vec::new();
    let mut total = 0u64;
    for (index, p) in elf.program_headers.iter().enumerate() {
        if p.p_type != ph::PT_LOAD || p.p_memsz == 0 {
            continue;
        }
        let bad = |detail: String| ElfError::BadSegment { index, detail };
        if p.p_filesz > p.p_memsz {
            return Err(bad(format!(
                "file size {} exceeds memory size {}",
                p.p_filesz, p.p_memsz
            )));
        }
        let file_end = p
            .p_offset
            .checked_add(p.p_filesz)
            .ok_or_else(|| bad("file range wraps".into()))?;
        if file_end > bytes.len() as u64 {
            return Err(bad(format!(
                "file range {:#x}..{file_end:#x} is past the end of the file",
                p.p_offset
            )));
        }
        let vaddr = p
            .p_vaddr
            .checked_add(base)
            .ok_or_else(|| bad("address wraps".into()))?;
        vaddr
            .checked_add(p.p_memsz)
            .ok_or_else(|| bad("address range wraps".into()))?;
        total = total.saturating_add(p.p_memsz);
        if total > MAX_IMAGE {
            return Err(ElfError::TooLarge(total));
        }
        let flags = SegmentFlags(
            (if p.p_flags & ph::PF_R != 0 {
                SegmentFlags::R
            } else {
                0
            }) | (if p.p_flags & ph::PF_W != 0 {
                SegmentFlags::W
            } else {
                0
            }) | (if p.p_flags & ph::PF_X != 0 {
                SegmentFlags::X
            } else {
                0
            }),
        );
        if flags.writable() && flags.executable() {
            return Err(ElfError::WriteExec { index, vaddr });
        }
        // Only the file image is kept; the loader zero-fills up to mem_size, after
        // checking the schedule's memory limit (so a hostile p_memsz costs nothing here).
        let data = bytes[p.p_offset as usize..file_end as usize].to_vec();
        segments.push((
            index,
            Segment {
                vaddr,
                mem_size: p.p_memsz,
                flags,
                data,
            },
        ));
    }
    if segments.is_empty() {
        return Err(ElfError::NoSegments);
    }
    segments.sort_by_key(|(_, s)| s.vaddr);
    for w in segments.windows(2) {
        if w[0].1.vaddr + w[0].1.mem_size > w[1].1.vaddr {
            return Err(ElfError::Overlap {
                a: w[0].0,
                b: w[1].0,
            });
        }
    }
    let mut segments: Vec<Segment> = segments.into_iter().map(|(_, s)| s).collect();

    if elf.header.e_type == header::ET_DYN {
        apply_relocations(&elf, &mut segments, base)?;
    }

    let entry = elf.entry.wrapping_add(base);
    if !segments
        .iter()
        .any(|s| s.flags.executable() && entry >= s.vaddr && entry < s.vaddr + s.mem_size)
    {
        return Err(ElfError::BadEntry(entry));
    }

    let tls = elf
        .program_headers
        .iter()
        .find(|p| p.p_type == ph::PT_TLS)
        .and_then(|p| {
            let end = p.p_offset.checked_add(p.p_filesz)?;
            if end > bytes.len() as u64 || p.p_memsz > (1 << 20) || p.p_filesz > p.p_memsz {
                return None;
            }
            Some(TlsTemplate {
                init: bytes[p.p_offset as usize..end as usize].to_vec(),
                mem_size: p.p_memsz,
                align: p.p_align.clamp(1, 4096).next_power_of_two(),
            })
        });

    let mut symbols: Vec<Symbol> = elf
        .syms
        .iter()
        .filter(|s| s.st_type() == sym::STT_FUNC && s.st_value != 0)
        .filter_map(|s| {
            let name = elf.strtab.get_at(s.st_name)?;
            Some(Symbol {
                addr: s.st_value.wrapping_add(base),
                size: s.st_size,
                name: name.to_string(),
            })
        })
        .collect();
    symbols.sort_by(|a, b| a.addr.cmp(&b.addr).then_with(|| a.name.cmp(&b.name)));
    symbols.dedup_by_key(|s| s.addr);

    Ok(Program {
        entry,
        segments,
        symbols,
        tls,
    })
}

fn apply_relocations(elf: &Elf, segments: &mut [Segment], base: u64) -> Result<(), ElfError> {
    if let Some(d) = &elf.dynamic {
        if d.dyns.iter().any(|e| e.d_tag == dynamic::DT_NEEDED) {
            return Err(ElfError::Needed("(DT_NEEDED entry)".into()));
        }
    }
    for r in elf
        .dynrelas
        .iter()
        .chain(elf.dynrels.iter())
        .chain(elf.pltrelocs.iter())
    {
        let at = r.r_offset.wrapping_add(base);
        match r.r_type {
            reloc::R_X86_64_NONE => {}
            reloc::R_X86_64_RELATIVE => {
                let value = base.wrapping_add(r.r_addend.unwrap_or(0) as u64);
                let seg = segments
                    .iter_mut()
                    .find(|s| {
                        at >= s.vaddr
                            && at.checked_add(8).is_some_and(|e| e <= s.vaddr + s.mem_size)
                    })
                    .ok_or(ElfError::RelocationTarget(at))?;
                let off = (at - seg.vaddr) as usize;
                if seg.data.len() < off + 8 {
                    seg.data.resize(off + 8, 0);
                }
                seg.data[off..off + 8].copy_from_slice(&value.to_le_bytes());
            }
            rtype => return Err(ElfError::Relocation { rtype, offset: at }),
        }
    }
    Ok(())
}
