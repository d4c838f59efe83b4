//! Heap interrupts through a real contract: heap_alloc (0x11), heap_realloc
//! (0x12), heap_free (0x13) — placement, contents, limits, faults and gas.
mod abi_support;
use abi_support::*;
use echovm_runtime::host::Status;
use echovm_runtime::loader::HEAP_BASE;

const ALLOC: u8 = 0x11;
const REALLOC: u8 = 0x12;
const FREE: u8 = 0x13;
const MEMMOVE: u8 = 0x14;
const MEMCMP: u8 = 0x15;
const MEMSET: u8 = 0x16;
const GAS_LEFT: u8 = 0x2F;

#[test]
fn alloc_gives_aligned_distinct_blocks_in_the_heap_region() {
    let (mut chain, probe) = chain_with_probe();
    let w = ok_words(
        &mut chain,
        &probe,
        &Script::new()
            .int(ALLOC, &[1])
            .int(ALLOC, &[17])
            .int(ALLOC, &[0])
            .int(ALLOC, &[4096]),
    );
    assert_eq!(
        w,
        vec![HEAP_BASE, HEAP_BASE + 16, HEAP_BASE + 48, HEAP_BASE + 64]
    );
}

#[test]
fn freed_memory_is_reused_best_fit() {
    let (mut chain, probe) = chain_with_probe();
    let w = ok_words(
        &mut chain,
        &probe,
        &Script::new()
            .int(ALLOC, &[64]) // 0
            .int(ALLOC, &[16]) // 1
            .int(FREE, &[res(0, 0)]) // 2
            .int(ALLOC, &[32]) // 3: the hole is the only fit
            .int(ALLOC, &[32]), // 4: the rest of the hole
    );
    assert_eq!(w[3], HEAP_BASE);
    assert_eq!(w[4], HEAP_BASE + 32);
}

#[test]
fn realloc_keeps_contents_when_it_moves() {
    let (mut chain, probe) = chain_with_probe();
    let r = run(
        &mut chain,
        &probe,
        &Script::new()
            .int(ALLOC, &[32]) // 0: p
            .int(ALLOC, &[16]) // 1: q blocks p from growing in place
            .int(MEMSET, &[res(0, 0), 0xAB, 32]) // 2
            .int(REALLOC, &[res(0, 0), 100]) // 3: moves
            .write(0, &[0xAB; 32])
            .int(MEMCMP, &[res(3, 0), s(0), 32]) // 4: old contents copied
            .int(REALLOC, &[res(3, 0), 8]) // 5: shrink in place
            .int(REALLOC, &[0, 24]) // 6: realloc(NULL, n) = alloc
            .int(MEMMOVE, &[s(100), res(3, 0), 8]) // 7
            .read(100, 8),
    );
    assert_eq!(r.outcome.status, Status::Success, "{:?}", r.outcome.trap);
    let w = words(&r.outcome.return_data[..64]);
    assert_ne!(w[3], w[0], "moved");
    assert_eq!(w[3] % 16, 0);
    assert_eq!(w[4], 0, "contents preserved");
    assert_eq!(w[5], w[3], "shrinks in place");
    assert_eq!(w[6], HEAP_BASE, "the old block was released and is reused");
    assert_eq!(&r.outcome.return_data[64..], &[0xAB; 8]);
}

#[test]
fn double_free_foreign_and_interior_pointers_fault() {
    let (mut chain, probe) = chain_with_probe();
    let msg = fault_text(
        &mut chain,
        &probe,
        &Script::new()
            .int(ALLOC, &[16])
            .int(FREE, &[res(0, 0)])
            .int(FREE, &[res(0, 0)]),
    );
    assert!(
        msg.contains("heap_free") && msg.contains("not a live heap allocation"),
        "{msg}"
    );
    let msg = fault_text(&mut chain, &probe, &Script::new().int(FREE, &[s(0)]));
    assert!(msg.contains("not a live heap allocation"), "{msg}");
    let msg = fault_text(
        &mut chain,
        &probe,
        &Script::new().int(ALLOC, &[64]).int(FREE, &[res(0, 16)]),
    );
    assert!(msg.contains("not a live heap allocation"), "{msg}");
    let msg = fault_text(
        &mut chain,
        &probe,
        &Script::new()
            .int(ALLOC, &[64])
            .int(FREE, &[res(0, 0)])
            .int(REALLOC, &[res(0, 0), 8]),
    );
    assert!(msg.contains("heap_realloc"), "{msg}");
    // free(NULL) is not a heap pointer either.
    let msg = fault_text(&mut chain, &probe, &Script::new().int(FREE, &[0]));
    assert!(msg.contains("0x0"), "{msg}");
}

#[test]
fn heap_limit_returns_zero_and_keeps_working() {
    let sched = schedule_with(|d| d.limits.heap_bytes = 8192);
    let (mut chain, probe) = chain_with_probe_on(sched);
    let w = ok_words(
        &mut chain,
        &probe,
        &Script::new()
            .int(ALLOC, &[8193]) // 0: over the limit
            .int(ALLOC, &[u64::MAX]) // 1: absurd
            .int(ALLOC, &[8192]) // 2: exactly the limit
            .int(ALLOC, &[1]) // 3: full
            .int(REALLOC, &[res(2, 0), 8200]) // 4: cannot grow, block kept
            .int(FREE, &[res(2, 0)]) // 5: still a live block
            .int(ALLOC, &[100]), // 6
    );
    assert_eq!(&w[..5], &[0, 0, HEAP_BASE, 0, 0]);
    assert_eq!(w[6], HEAP_BASE);
}

#[test]
fn guest_memory_limit_also_bounds_the_heap() {
    // Heap limit = everything but the stack; the program's segments and the
    // thread block also need memory, so the whole heap limit is unreachable.
    let sched = schedule_with(|d| {
        d.limits.stack_bytes = 65536;
        d.limits.heap_bytes = 1 << 20;
        d.limits.guest_memory_bytes = 65536 + (1 << 20);
    });
    let (mut chain, probe) = chain_with_probe_on(sched);
    let w = ok_words(
        &mut chain,
        &probe,
        &Script::new()
            .int(ALLOC, &[1 << 20])
            .int(ALLOC, &[(1 << 20) - 512 * 1024]),
    );
    assert_eq!(w, vec![0, HEAP_BASE]);
}

/// Gas of one interrupt measured by gas_left() around it; the probe's
/// dispatch overhead is the same for every `int` of one vector.
fn measured(w: &[u64], at: usize) -> u64 {
    w[at] - w[at + 2]
}

#[test]
fn growth_is_charged_per_new_page_before_growing() {
    let sched = schedule();
    let page = sched.surcharges().heap_page;
    let (mut chain, probe) = chain_with_probe();
    let w = ok_words(
        &mut chain,
        &probe,
        &Script::new()
            .int(GAS_LEFT, &[])
            .int(ALLOC, &[3 * 4096 + 1]) // fresh heap: 4 pages
            .int(GAS_LEFT, &[])
            .int(GAS_LEFT, &[])
            .int(ALLOC, &[16]) // fits in the 4th page: no growth
            .int(GAS_LEFT, &[])
            .int(GAS_LEFT, &[])
            .int(ALLOC, &[4096]) // crosses into page 5
            .int(GAS_LEFT, &[]),
    );
    let (a, b, c) = (measured(&w, 0), measured(&w, 3), measured(&w, 6));
    assert_eq!(a - b, 4 * page);
    assert_eq!(c - b, page);
    // realloc's metered length is the requested size.
    let w = ok_words(
        &mut chain,
        &probe,
        &Script::new()
            .int(ALLOC, &[16])
            .int(ALLOC, &[16])
            .int(GAS_LEFT, &[])
            .int(REALLOC, &[res(0, 0), 16])
            .int(GAS_LEFT, &[])
            .int(GAS_LEFT, &[])
            .int(REALLOC, &[res(0, 0), 320])
            .int(GAS_LEFT, &[]),
    );
    // Both stay inside the first page; the second moves (copying 16 bytes) but
    // is charged only for its metered length: 10 more words.
    let per_word = sched.interrupt(REALLOC).unwrap().per_word;
    assert_eq!(measured(&w, 5) - measured(&w, 2), per_word * 9);
}

#[test]
fn unpayable_growth_runs_out_of_gas() {
    let (mut chain, probe) = chain_with_probe();
    let script = Script::new().int(ALLOC, &[32 << 20]).bytes();
    let ok = chain
        .call(
            &probe,
            &echovm_runtime::state::DEFAULT_CALLER,
            0,
            GAS,
            script.clone(),
        )
        .unwrap();
    assert_eq!(ok.outcome.status, Status::Success);
    // 32 MiB = 8192 pages of growth; take away half of that charge.
    let short = ok.outcome.gas_used - 8192 * schedule().surcharges().heap_page / 2;
    let r = chain
        .call(
            &probe,
            &echovm_runtime::state::DEFAULT_CALLER,
            0,
            short,
            script,
        )
        .unwrap();
    assert_eq!(r.outcome.status, Status::OutOfGas);
    assert_eq!(r.outcome.gas_used, short);
}
