//! The native build: the kernels compiled by `build.rs` with `$BENCH_CC -O2`,
//! called in-process. Their storage callbacks land in a thread-local
//! [`KvStore`].

use crate::clock::CpuInstant as Instant;
use crate::store::KvStore;
use std::cell::RefCell;
use std::time::Duration;

extern "C" {
    fn bench_fib(n: u32) -> u64;
    fn bench_sha256(n: u32) -> u64;
    fn bench_keccak(n: u32) -> u64;
    fn bench_sort(n: u32) -> u64;
    fn bench_bigint(n: u32) -> u64;
    fn bench_interp(n: u32) -> u64;
    fn bench_matmul(n: u32) -> u64;
    fn bench_storage(n: u32) -> u64;
    fn bench_empty(n: u32) -> u64;
}

thread_local! {
    static STORE: RefCell<KvStore> = RefCell::new(KvStore::default());
}

/// `storage_read` for the native kernels (same contract as interrupt 0x70).
///
/// # Safety
/// `key` must be valid for `key_len` bytes and `dst` for `cap` bytes — the
/// kernels pass their own stack buffers.
#[no_mangle]
pub unsafe extern "C" fn bench_storage_read(
    key: *const u8,
    key_len: usize,
    dst: *mut u8,
    cap: usize,
) -> i64 {
    let key = std::slice::from_raw_parts(key, key_len);
    let dst = std::slice::from_raw_parts_mut(dst, cap);
    STORE.with(|s| s.borrow().read_into(key, dst))
}

/// `storage_write` for the native kernels (same contract as interrupt 0x71).
///
/// # Safety
/// `key` and `val` must be valid for their lengths.
#[no_mangle]
pub unsafe extern "C" fn bench_storage_write(
    key: *const u8,
    key_len: usize,
    val: *const u8,
    val_len: usize,
) {
    let key = std::slice::from_raw_parts(key, key_len);
    let val = std::slice::from_raw_parts(val, val_len);
    STORE.with(|s| s.borrow_mut().write(key, val))
}

/// The native entry of benchmark `name`, if linked.
pub fn kernel(name: &str) -> Option<unsafe extern "C" fn(u32) -> u64> {
    Some(match name {
        "fib" => bench_fib,
        "sha256" => bench_sha256,
        "keccak" => bench_keccak,
        "sort" => bench_sort,
        "bigint" => bench_bigint,
        "interp" => bench_interp,
        "matmul" => bench_matmul,
        "storage" => bench_storage,
        "empty" => bench_empty,
        _ => return None,
    })
}

/// One timed run on an empty store: (kernel time, checksum).
pub fn run(kernel: unsafe extern "C" fn(u32) -> u64, n: u32) -> (Duration, u64) {
    STORE.with(|s| s.borrow_mut().clear());
    let t = Instant::now();
    // SAFETY: the kernels take a size and touch only their own static data
    // and the storage callbacks above.
    let sum = unsafe { kernel(std::hint::black_box(n)) };
    (t.elapsed(), sum)
}
