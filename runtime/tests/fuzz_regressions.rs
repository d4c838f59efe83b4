//! Regression tests for crashes the fuzz targets found (docs/FUZZING.md).
//! Each test is the minimised input of one finding, replayed through the same
//! property the target checks.

use echovm_runtime::loader::{self, LoadLimits};
use echovm_runtime::program::{Program, Segment, SegmentFlags};
use echovm_runtime::validate;

fn limits() -> LoadLimits {
    let l = echovm_gas::latest().limits();
    LoadLimits {
        stack: l.stack_bytes,
        memory: l.guest_memory_bytes,
    }
}

fn one_segment(vaddr: u64, mem_size: u64, flags: u8) -> Program {
    Program {
        entry: vaddr,
        segments: vec![Segment {
            vaddr,
            mem_size,
            flags: SegmentFlags(flags),
            data: vec![0xc3],
        }],
        symbols: Vec::new(),
        tls: None,
    }
}

/// Found by hand from the package target's crash below: a segment whose end
/// wraps the address space passed the validator, and `vaddr + mem_size`
/// overflowed in the loader (debug: panic; release: a huge allocation). Now
/// the validator reports it and the loader faults.
#[test]
fn segment_end_past_the_address_space() {
    let p = one_segment(
        0xffff_ffff_ffff_f000,
        0x2000,
        SegmentFlags::R | SegmentFlags::X,
    );
    assert!(!validate::validate(&p, echovm_gas::latest()).is_empty());
    assert!(loader::load(&p, limits()).is_err());
    // Just below the top of the user address space is refused too.
    let p = one_segment(
        (1 << 47) - 0x1000,
        0x2000,
        SegmentFlags::R | SegmentFlags::X,
    );
    assert!(loader::load(&p, limits()).is_err());
}

/// package target (bare program): a TLS alignment of 2^63 overflowed the
/// TLS span computation; the loader must refuse it.
#[test]
fn tls_alignment_overflow() {
    let mut p = one_segment(0x40_0000, 0x1000, SegmentFlags::R | SegmentFlags::X);
    p.tls = Some(echovm_runtime::program::TlsTemplate {
        init: Vec::new(),
        mem_size: 16,
        align: 1 << 63,
    });
    assert!(loader::load(&p, limits()).is_err());
}

/// Same origin: a TLS image longer than its memory size overwrote the thread
/// block's self pointer (no panic, wrong memory); the loader refuses it.
#[test]
fn tls_image_longer_than_its_memory() {
    let mut p = one_segment(0x40_0000, 0x1000, SegmentFlags::R | SegmentFlags::X);
    p.tls = Some(echovm_runtime::program::TlsTemplate {
        init: vec![1; 100],
        mem_size: 0,
        align: 16,
    });
    assert!(loader::load(&p, limits()).is_err());
}

/// Found while fixing the above (not by the fuzzer, which only loads validated
/// packages): segments the validator flags as overlapping (or unsorted) made
/// `end - start` underflow in the loader; called directly it now fails cleanly.
#[test]
fn unsorted_segments_are_refused_by_the_loader() {
    let mut p = one_segment(0x50_0000, 0x1000, SegmentFlags::R | SegmentFlags::X);
    p.segments.push(Segment {
        vaddr: 0x40_0000,
        mem_size: 0x1000,
        flags: SegmentFlags(SegmentFlags::R),
        data: vec![],
    });
    assert!(loader::load(&p, limits()).is_err());
}

/// Same origin: a segment whose file image is longer than its memory size
/// (validator-flagged) panicked on a slice bound in the loader.
#[test]
fn segment_data_longer_than_memory_size() {
    let mut p = one_segment(0x40_0000, 0x10, SegmentFlags::R | SegmentFlags::X);
    p.segments[0].data = vec![0x90; 0x2000];
    assert!(loader::load(&p, limits()).is_err());
}

/// package target, crash-7fed95da: a bare borsh program (not a package, so
/// the target wrapped it with `Package::new`) with an executable segment at
/// 0xffff_ffff_ffff_ffff: `vaddr + off` overflowed in the validator's decode
/// sweep. The validator now reports the segment as outside the user address
/// space and sums code sizes saturating.
#[test]
fn validator_segment_at_the_top_of_the_address_space() {
    let bytes = hex(CRASH_7FED95DA);
    let program: Program =
        borsh::from_slice(&bytes).expect("the crash input is a canonical program");
    let problems = validate::validate(&program, echovm_gas::latest());
    assert!(
        problems
            .iter()
            .any(|p| p.message.contains("outside the user address space")),
        "{problems:?}"
    );
    assert!(loader::load(&program, limits()).is_err());
}

const CRASH_7FED95DA: &str =
    "4543504b000000c601000000ffffffffffffffff080000002e2e00000108000000ff9dffff00ffffff0000000000";

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The validator itself refuses malformed TLS templates (before, such a
/// package installed and then faulted at load on every call).
#[test]
fn validator_refuses_bad_tls_templates() {
    use echovm_runtime::program::{Program, Segment, SegmentFlags, TlsTemplate};
    let base = Program {
        entry: 0x401000,
        segments: vec![Segment {
            vaddr: 0x401000,
            mem_size: 1,
            flags: SegmentFlags(SegmentFlags::R | SegmentFlags::X),
            data: vec![0xc3],
        }],
        symbols: Vec::new(),
        tls: None,
    };
    let schedule = echovm_gas::latest();
    assert!(echovm_runtime::validate::validate(&base, schedule).is_empty());
    for (tls, what) in [
        (
            TlsTemplate {
                init: vec![],
                mem_size: 64,
                align: 1 << 63,
            },
            "alignment",
        ),
        (
            TlsTemplate {
                init: vec![0; 65],
                mem_size: 64,
                align: 16,
            },
            "larger than its size",
        ),
        (
            TlsTemplate {
                init: vec![],
                mem_size: u64::MAX,
                align: 16,
            },
            "exceeds",
        ),
    ] {
        let p = Program {
            tls: Some(tls),
            ..base.clone()
        };
        let problems = echovm_runtime::validate::validate(&p, schedule);
        assert!(
            problems.iter().any(|x| x.message.contains(what)),
            "{what}: {problems:?}"
        );
    }
}

/// A valid code segment plus `extra` as a second segment.
fn code_and(extra: Segment) -> Program {
    let mut p = one_segment(0x40_1000, 1, SegmentFlags::R | SegmentFlags::X);
    p.segments.push(extra);
    p.segments.sort_by_key(|s| s.vaddr);
    p
}

/// F3 (found by review while giving the package and loader targets the
/// property "validator accepts ⇒ loader builds the address space"; the
/// validator now asks the loader). For these programs the validator reported
/// nothing, so the package installed and then every call faulted at load.
/// Accepted by the validator ⇔ the loader builds its address space.
fn assert_validator_agrees_with_loader(p: &Program) {
    let problems = validate::validate(p, echovm_gas::latest());
    let load = loader::load(p, limits());
    assert_eq!(
        problems.is_empty(),
        load.is_ok(),
        "validator: {problems:?}, loader: {:?}",
        load.err()
    );
}

/// A data segment where the loader puts the thread block (or just below it,
/// which is fine without TLS).
#[test]
fn segment_on_the_thread_block_is_refused_by_the_validator() {
    for vaddr in [loader::THREAD_BLOCK, loader::THREAD_BLOCK - 0x1000] {
        assert_validator_agrees_with_loader(&code_and(Segment {
            vaddr,
            mem_size: 0x1000,
            flags: SegmentFlags(SegmentFlags::R | SegmentFlags::W),
            data: vec![],
        }));
    }
}

/// A data segment inside the stack mapping.
#[test]
fn segment_on_the_stack_is_refused_by_the_validator() {
    assert_validator_agrees_with_loader(&code_and(Segment {
        vaddr: loader::STACK_TOP - 0x1000,
        mem_size: 0x1000,
        flags: SegmentFlags(SegmentFlags::R | SegmentFlags::W),
        data: vec![],
    }));
}

/// A data segment across the heap's base address.
#[test]
fn segment_on_the_heap_base_is_refused_by_the_validator() {
    assert_validator_agrees_with_loader(&code_and(Segment {
        vaddr: loader::HEAP_BASE - 0x1000,
        mem_size: 0x2000,
        flags: SegmentFlags(SegmentFlags::R | SegmentFlags::W),
        data: vec![],
    }));
}

/// The validator counted `mem_size`s; the loader maps whole pages plus the
/// thread block, so an image that fits by the validator's sum may not load.
#[test]
fn image_that_fits_only_without_page_rounding() {
    let l = echovm_gas::latest().limits();
    let room = l.guest_memory_bytes - l.stack_bytes - 1;
    assert_validator_agrees_with_loader(&code_and(Segment {
        vaddr: 0x50_0000,
        mem_size: room,
        flags: SegmentFlags(SegmentFlags::R | SegmentFlags::W),
        data: vec![],
    }));
}

/// A TLS template the validator allowed (≤ stack size) that, with an image
/// that fits by itself, exceeds guest memory.
#[test]
fn tls_that_does_not_fit_with_the_image() {
    let l = echovm_gas::latest().limits();
    let mut p = code_and(Segment {
        vaddr: 0x50_0000,
        mem_size: l.guest_memory_bytes - 2 * l.stack_bytes,
        flags: SegmentFlags(SegmentFlags::R | SegmentFlags::W),
        data: vec![],
    });
    p.tls = Some(echovm_runtime::program::TlsTemplate {
        init: Vec::new(),
        mem_size: l.stack_bytes,
        align: 16,
    });
    assert_validator_agrees_with_loader(&p);
}
