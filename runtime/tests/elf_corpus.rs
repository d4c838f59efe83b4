//! Bad-ELF corpus: every malformed or unacceptable ELF gets a clean error,
//! never a panic. Files are built by a minimal ELF64 writer so each case
//! differs from a valid contract in exactly one way.

use echovm_runtime::elf::{parse, ElfError};

struct Seg {
    vaddr: u64,
    flags: u32,
    data: Vec<u8>,
    memsz: u64,
}

struct Elf {
    class: u8,
    data_enc: u8,
    etype: u16,
    machine: u16,
    entry: u64,
    segs: Vec<Seg>,
    interp: bool,
}

const PF_X: u32 = 1;
const PF_W: u32 = 2;
const PF_R: u32 = 4;

impl Elf {
    fn valid() -> Elf {
        Elf {
            class: 2,
            data_enc: 1,
            etype: 2,
            machine: 62,
            entry: 0x401000,
            segs: vec![
                Seg {
                    vaddr: 0x401000,
                    flags: PF_R | PF_X,
                    data: vec![0xc3],
                    memsz: 1,
                },
                Seg {
                    vaddr: 0x402000,
                    flags: PF_R | PF_W,
                    data: vec![1, 2, 3],
                    memsz: 16,
                },
            ],
            interp: false,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let phnum = self.segs.len() + self.interp as usize;
        let mut out = vec![0u8; 64 + 56 * phnum];
        out[..4].copy_from_slice(b"\x7fELF");
        out[4] = self.class;
        out[5] = self.data_enc;
        out[6] = 1;
        out[16..18].copy_from_slice(&self.etype.to_le_bytes());
        out[18..20].copy_from_slice(&self.machine.to_le_bytes());
        out[20..24].copy_from_slice(&1u32.to_le_bytes());
        out[24..32].copy_from_slice(&self.entry.to_le_bytes());
        out[32..40].copy_from_slice(&64u64.to_le_bytes());
        out[52..54].copy_from_slice(&64u16.to_le_bytes());
        out[54..56].copy_from_slice(&56u16.to_le_bytes());
        out[56..58].copy_from_slice(&(phnum as u16).to_le_bytes());
        let mut ph = 64;
        let mut put = |out: &mut Vec<u8>,
                       ptype: u32,
                       flags: u32,
                       off: u64,
                       vaddr: u64,
                       filesz: u64,
                       memsz: u64| {
            let h = &mut out[ph..ph + 56];
            h[0..4].copy_from_slice(&ptype.to_le_bytes());
            h[4..8].copy_from_slice(&flags.to_le_bytes());
            h[8..16].copy_from_slice(&off.to_le_bytes());
            h[16..24].copy_from_slice(&vaddr.to_le_bytes());
            h[24..32].copy_from_slice(&vaddr.to_le_bytes());
            h[32..40].copy_from_slice(&filesz.to_le_bytes());
            h[40..48].copy_from_slice(&memsz.to_le_bytes());
            h[48..56].copy_from_slice(&0x1000u64.to_le_bytes());
            ph += 56;
        };
        if self.interp {
            let off = out.len() as u64;
            out.extend_from_slice(b"/lib64/ld-linux-x86-64.so.2\0");
            put(&mut out, 3, PF_R, off, 0x400000, 28, 28);
        }
        for s in &self.segs {
            let off = out.len() as u64;
            out.extend_from_slice(&s.data);
            put(
                &mut out,
                1,
                s.flags,
                off,
                s.vaddr,
                s.data.len() as u64,
                s.memsz,
            );
        }
        out
    }
}

#[test]
fn valid_minimal_elf_parses() {
    let p = parse(&Elf::valid().bytes()).expect("valid ELF");
    assert_eq!(p.entry, 0x401000);
    assert_eq!(p.segments.len(), 2);
    assert_eq!(p.segments[1].data, vec![1, 2, 3]);
    assert_eq!(p.segments[1].mem_size, 16);
}

type Check = fn(&ElfError) -> bool;

#[test]
fn each_bad_elf_gets_its_reason() {
    let mut cases: Vec<(&str, Vec<u8>, Check)> = Vec::new();
    let mut e = Elf::valid();
    e.class = 1;
    cases.push(("32-bit", e.bytes(), |e| {
        matches!(e, ElfError::Not64 | ElfError::Parse(_))
    }));
    let mut e = Elf::valid();
    e.machine = 40;
    cases.push(("wrong machine", e.bytes(), |e| {
        matches!(e, ElfError::Machine(40))
    }));
    let mut e = Elf::valid();
    e.etype = 1;
    cases.push(("relocatable object", e.bytes(), |e| {
        matches!(e, ElfError::Type(1))
    }));
    let mut e = Elf::valid();
    e.interp = true;
    cases.push(("dynamic", e.bytes(), |e| matches!(e, ElfError::Interp(_))));
    let mut e = Elf::valid();
    e.segs[0].flags = PF_R | PF_W | PF_X;
    cases.push(("W+X", e.bytes(), |e| {
        matches!(e, ElfError::WriteExec { .. })
    }));
    let mut e = Elf::valid();
    e.segs[1].memsz = 1 << 40;
    cases.push(("huge segment", e.bytes(), |e| {
        matches!(e, ElfError::TooLarge(_))
    }));
    let mut e = Elf::valid();
    e.segs[1].vaddr = 0x401000;
    cases.push(("overlapping", e.bytes(), |e| {
        matches!(e, ElfError::Overlap { .. })
    }));
    let mut e = Elf::valid();
    e.entry = 0x402000;
    cases.push(("entry outside code", e.bytes(), |e| {
        matches!(e, ElfError::BadEntry(0x402000))
    }));
    let mut e = Elf::valid();
    e.segs[1].vaddr = u64::MAX - 4;
    cases.push(("wrapping address", e.bytes(), |e| {
        matches!(e, ElfError::BadSegment { .. } | ElfError::Overlap { .. })
    }));
    cases.push((
        "not an ELF",
        b"MZ\x90\x00 this is not an elf".to_vec(),
        |e| matches!(e, ElfError::Parse(_)),
    ));
    cases.push(("empty", Vec::new(), |e| matches!(e, ElfError::Parse(_))));
    for (name, bytes, ok) in cases {
        match parse(&bytes) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => assert!(ok(&e), "{name}: unexpected error {e:?}"),
        }
    }
}

#[test]
fn every_truncation_of_a_valid_elf_is_a_clean_error() {
    let full = Elf::valid().bytes();
    for n in 0..full.len() {
        let r = std::panic::catch_unwind(|| parse(&full[..n]));
        assert!(r.is_ok(), "parser panicked on a {n}-byte prefix");
        assert!(r.unwrap().is_err(), "{n}-byte prefix accepted");
    }
}

#[test]
fn random_corruption_never_panics() {
    let full = Elf::valid().bytes();
    let mut x: u64 = 0x9e3779b97f4a7c15;
    for _ in 0..5_000 {
        let mut b = full.clone();
        for _ in 0..4 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let i = (x % b.len() as u64) as usize;
            b[i] = (x >> 32) as u8;
        }
        let _ = parse(&b);
    }
}
