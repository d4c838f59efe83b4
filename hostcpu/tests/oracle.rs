//! Self-tests of the native oracle. Expected values follow from the
//! architectural definitions in the Intel SDM (e.g. ADD sets CF on unsigned
//! carry-out, AF on carry out of bit 3, PF on even parity of the low byte).

use hostcpu::{
    run, state_with_mem, NativeError, State, DEFAULT_RSP, DF, SCRATCH_BASE, STATUS_FLAGS,
};

const CF: u64 = 1;
const PF: u64 = 4;
const AF: u64 = 0x10;
const ZF: u64 = 0x40;
const SF: u64 = 0x80;
const OF: u64 = 0x800;
const RAX: usize = 0;
const RCX: usize = 1;
const RBX: usize = 3;
const RSP: usize = 4;
const RDI: usize = 7;

fn status(s: &State) -> u64 {
    s.rflags & (STATUS_FLAGS | DF)
}

#[test]
fn add_rax_rbx_carry_out_sets_cf_zf_pf_af() {
    let mut s = State::default();
    s.gpr[RAX] = u64::MAX;
    s.gpr[RBX] = 1;
    let out = run(&[0x48, 0x01, 0xd8], &s, None).unwrap();
    assert_eq!(out.gpr[RAX], 0);
    assert_eq!(status(&out), CF | ZF | PF | AF);
}

#[test]
fn add_signed_overflow_sets_of_sf() {
    let mut s = State::default();
    s.gpr[RAX] = 0x7fff_ffff_ffff_ffff;
    s.gpr[RBX] = 1;
    // Incoming CF/ZF must be overwritten by ADD.
    s.rflags = CF | ZF;
    let out = run(&[0x48, 0x01, 0xd8], &s, None).unwrap();
    assert_eq!(out.gpr[RAX], 0x8000_0000_0000_0000);
    assert_eq!(status(&out), OF | SF | AF | PF);
}

#[test]
fn nop_round_trips_every_register_and_flag() {
    let mut s = State::default();
    for i in 0..16 {
        s.gpr[i] = 0x0101_0101_0101_0101u64.wrapping_mul(i as u64 + 1) ^ 0x8000_0000_0000_0000;
        s.xmm[i] = (u128::MAX / 17).wrapping_mul(i as u128 + 3);
    }
    s.gpr[RSP] = 0;
    s.rflags = STATUS_FLAGS | DF | (1 << 8) /* TF must be ignored */;
    let out = run(&[0x90], &s, None).unwrap();
    for i in 0..16 {
        let want = if i == RSP { DEFAULT_RSP } else { s.gpr[i] };
        assert_eq!(out.gpr[i], want, "gpr {i}");
        assert_eq!(out.xmm[i], s.xmm[i], "xmm {i}");
    }
    assert_eq!(status(&out), STATUS_FLAGS | DF);
    assert_eq!(out.rflags & (1 << 8), 0, "TF stays clear");
    assert_eq!(out.rflags & 0x202, 0x202, "bit 1 and IF set");
}

#[test]
fn pxor_clears_and_mixes_lanes() {
    let mut s = State::default();
    s.xmm[3] = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
    s.xmm[7] = 0xffff_0000_ffff_0000_ffff_0000_ffff_0000;
    let out = run(&[0x66, 0x0f, 0xef, 0xdf], &s, None).unwrap(); // pxor xmm3, xmm7
    assert_eq!(out.xmm[3], s.xmm[3] ^ s.xmm[7]);
    assert_eq!(out.xmm[7], s.xmm[7]);
    // pxor xmm12, xmm12 (REX.RB) zeroes a high register.
    let mut s2 = State::default();
    s2.xmm[12] = u128::MAX;
    let out = run(&[0x66, 0x45, 0x0f, 0xef, 0xe4], &s2, None).unwrap();
    assert_eq!(out.xmm[12], 0);
}

#[test]
fn memory_store_lands_in_scratch_buffer() {
    let mut s = state_with_mem(32);
    s.gpr[RDI] = SCRATCH_BASE;
    s.gpr[RAX] = 0x1122_3344_5566_7788;
    let out = run(&[0x48, 0x89, 0x47, 0x08], &s, Some(RDI as u8)).unwrap(); // mov [rdi+8], rax
    assert_eq!(&out.mem[8..16], &0x1122_3344_5566_7788u64.to_le_bytes());
    assert!(out.mem[..8].iter().chain(&out.mem[16..]).all(|&b| b == 0));
}

#[test]
fn memory_load_sees_input_bytes_and_zero_slack() {
    let mut s = state_with_mem(10);
    s.mem.copy_from_slice(b"0123456789");
    s.gpr[RDI] = SCRATCH_BASE + 2;
    let out = run(&[0x48, 0x8b, 0x07], &s, Some(RDI as u8)).unwrap(); // mov rax, [rdi]
    assert_eq!(out.gpr[RAX], u64::from_le_bytes(*b"23456789"));
    s.gpr[RDI] = SCRATCH_BASE + 8;
    let out = run(&[0x48, 0x8b, 0x07], &s, None).unwrap();
    assert_eq!(
        out.gpr[RAX],
        u64::from_le_bytes([b'8', b'9', 0, 0, 0, 0, 0, 0])
    );
}

#[test]
fn divide_by_zero_is_an_error_and_later_runs_work() {
    let mut s = State::default();
    s.gpr[RAX] = 5;
    let err = run(&[0x48, 0xf7, 0xf1], &s, None).unwrap_err(); // div rcx, rcx = 0
    assert!(matches!(err, NativeError::Signal { signo: 8, .. }), "{err}");
    s.gpr[RCX] = 2;
    let out = run(&[0x48, 0xf7, 0xf1], &s, None).unwrap();
    assert_eq!((out.gpr[RAX], out.gpr[2]), (2, 1));
}

#[test]
fn access_outside_scratch_is_sigsegv() {
    let mut s = state_with_mem(16);
    s.gpr[RDI] = SCRATCH_BASE + 8192;
    match run(&[0x48, 0x89, 0x07], &s, None) {
        Err(NativeError::Signal {
            signo: 11, addr, ..
        }) => assert_eq!(addr, SCRATCH_BASE + 8192),
        other => panic!("expected SIGSEGV, got {other:?}"),
    }
}

#[test]
fn ud2_is_sigill_and_int3_is_sigtrap() {
    let s = State::default();
    assert!(matches!(
        run(&[0x0f, 0x0b], &s, None),
        Err(NativeError::Signal { signo: 4, .. })
    ));
    assert!(matches!(
        run(&[0xcc], &s, None),
        Err(NativeError::Signal { signo: 5, .. })
    ));
}

#[test]
fn push_pop_use_default_stack() {
    let mut s = State::default();
    s.gpr[RAX] = 0xdead_beef;
    let out = run(&[0x50, 0x5b], &s, None).unwrap(); // push rax; pop rbx
    assert_eq!(out.gpr[RBX], 0xdead_beef);
    assert_eq!(out.gpr[RSP], DEFAULT_RSP);
}

#[test]
fn push_into_scratch_when_rsp_points_there() {
    let mut s = state_with_mem(64);
    s.gpr[RSP] = SCRATCH_BASE + 64;
    s.gpr[RAX] = 0x0102_0304_0506_0708;
    let out = run(&[0x50], &s, Some(RSP as u8)).unwrap(); // push rax
    assert_eq!(out.gpr[RSP], SCRATCH_BASE + 56);
    assert_eq!(&out.mem[56..], &0x0102_0304_0506_0708u64.to_le_bytes());
    assert!(
        out.mem[..56].iter().all(|&b| b == 0),
        "harness must not write the test stack"
    );
}

#[test]
fn std_is_reported_and_host_df_restored() {
    let out = run(&[0xfd], &State::default(), None).unwrap(); // std
    assert_eq!(out.rflags & DF, DF);
    // If DF leaked into Rust, this copy would run backwards and corrupt data.
    let v: Vec<u8> = (0..=255).collect();
    let w = v.clone();
    assert_eq!(v, w);
}

#[test]
fn rep_movsb_backwards_with_df() {
    let mut s = state_with_mem(16);
    s.mem[..8].copy_from_slice(b"abcdefgh");
    s.gpr[6] = SCRATCH_BASE + 7; // rsi: last source byte
    s.gpr[RDI] = SCRATCH_BASE + 15;
    s.gpr[RCX] = 8;
    s.rflags = DF;
    let out = run(&[0xf3, 0xa4], &s, None).unwrap(); // rep movsb
    assert_eq!(&out.mem[8..], b"abcdefgh");
    assert_eq!(out.gpr[RCX], 0);
    assert_eq!(out.gpr[RDI], SCRATCH_BASE + 7);
}

#[test]
fn argument_errors() {
    assert!(matches!(
        run(&vec![0x90; 5000], &State::default(), None),
        Err(NativeError::CodeTooLong { .. })
    ));
    assert!(matches!(
        run(&[0x90], &state_with_mem(2 << 20), None),
        Err(NativeError::MemTooLarge { .. })
    ));
    assert!(matches!(
        run(&[0x90], &state_with_mem(8), Some(7)),
        Err(NativeError::BaseOutsideScratch { reg: 7, .. })
    ));
    assert!(matches!(
        run(&[0x90], &state_with_mem(8), Some(16)),
        Err(NativeError::BadBaseReg { reg: 16 })
    ));
}

#[test]
fn concurrent_callers_are_serialised() {
    let handles: Vec<_> = (0..4u64)
        .map(|t| {
            std::thread::spawn(move || {
                for i in 0..300u64 {
                    let mut s = state_with_mem(8);
                    s.gpr[RAX] = t.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ i;
                    s.gpr[RBX] = i.wrapping_mul(0x0123_4567_89ab_cdef);
                    s.gpr[RDI] = SCRATCH_BASE;
                    // add rax, rbx; mov [rdi], rax
                    let out = run(&[0x48, 0x01, 0xd8, 0x48, 0x89, 0x07], &s, None).unwrap();
                    let sum = s.gpr[RAX].wrapping_add(s.gpr[RBX]);
                    assert_eq!(out.gpr[RAX], sum);
                    assert_eq!(out.mem, sum.to_le_bytes());
                    assert_eq!(out.rflags & CF != 0, sum < s.gpr[RAX]);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

#[test]
fn fault_with_unusable_rsp_is_still_recovered() {
    // Signal delivery must not need the test stack: RSP points at unmapped memory.
    let mut s = State::default();
    s.gpr[RSP] = 0x18;
    assert!(matches!(
        run(&[0x0f, 0x0b], &s, None),
        Err(NativeError::Signal { signo: 4, .. })
    ));
    let out = run(&[0x48, 0x89, 0xe0], &s, None).unwrap(); // mov rax, rsp
    assert_eq!(out.gpr[RAX], 0x18);
}

#[test]
fn throughput_is_usable_for_random_testing() {
    let s = state_with_mem(64);
    let t = std::time::Instant::now();
    for _ in 0..2000 {
        run(&[0x48, 0x01, 0xd8], &s, None).unwrap();
    }
    let per_run = t.elapsed() / 2000;
    eprintln!("hostcpu: {per_run:?} per run");
    assert!(
        per_run < std::time::Duration::from_millis(1),
        "{per_run:?} per run"
    );
}

#[test]
fn alignment_check_flag_does_not_leak_into_the_host() {
    // pushfq; or dword [rsp], 0x40000 (AC); popfq — then the harness must
    // still return with AC clear, or the unaligned reads below would SIGBUS.
    let code = [0x9c, 0x81, 0x0c, 0x24, 0x00, 0x00, 0x04, 0x00, 0x9d];
    let out = run(&code, &State::default(), None).unwrap();
    assert_eq!(out.rflags & (1 << 18), 1 << 18, "AC was set inside the run");
    let bytes = [0u8; 64];
    let mut sum = 0u64;
    for i in 0..56 {
        sum += unsafe { std::ptr::read_unaligned(bytes.as_ptr().add(i) as *const u64) };
    }
    assert_eq!(sum, 0);
}

#[test]
fn longest_allowed_code_runs() {
    // MAX_CODE_LEN nops followed by the epilogue must still fit the page.
    let code = vec![0x90; hostcpu::MAX_CODE_LEN];
    let mut s = State::default();
    s.gpr[RAX] = 7;
    assert_eq!(run(&code, &s, None).unwrap().gpr[RAX], 7);
}
