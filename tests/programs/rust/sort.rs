//! core slice algorithms on generated data: sort_unstable (pdqsort with
//! heapsort fallback and small-sort networks), sort_unstable_by/_by_key,
//! select_nth_unstable, binary_search, rotate, reverse, chunks/windows, and
//! iterator adaptors; results are fingerprinted with FNV-1a.
#![cfg_attr(not(echovm_native), no_std)]
#![cfg_attr(not(echovm_native), no_main)]

#[path = "evm.rs"]
mod evm;

use core::fmt::Write;

struct XorShift(u64);
impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn fnv(h: u64, v: u64) -> u64 {
    (h ^ v).wrapping_mul(0x100000001b3)
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
struct Rec {
    key: u16,
    score: i32,
    id: u32,
}

static mut OUT: evm::Buf<4096> = evm::Buf::new();
static mut BIG: [u64; 20000] = [0; 20000];

fn run() {
    // SAFETY: single-threaded program; the only references to these statics.
    let (out, big) = unsafe { (&mut *core::ptr::addr_of_mut!(OUT), &mut *core::ptr::addr_of_mut!(BIG)) };
    let mut inp = [0u8; 256];
    let n = evm::input_read(&mut inp, 0);
    let mut seed = 0x2545F4914F6CDD1Du64;
    for &b in &inp[..n] {
        seed = fnv(seed, b as u64) | 1;
    }
    let mut rng = XorShift(seed);

    for v in big.iter_mut() {
        *v = rng.next() % 1_000_000;
    }
    big.sort_unstable();
    let sorted = big.windows(2).all(|w| w[0] <= w[1]);
    let h = big.iter().fold(0xcbf29ce484222325, |h, &v| fnv(h, v));
    let _ = writeln!(out, "u64 sorted={} min={} max={} h={:016x}", sorted, big[0], big[19999], h);
    let found = big.binary_search(&big[12345]).is_ok();
    let missing = big.binary_search(&1_000_001).unwrap_or_else(|i| i);
    let _ = writeln!(out, "search found={} insert_at={}", found, missing);

    // patterns that take different pdqsort paths
    for i in 0..20000 {
        big[i] = if i % 2 == 0 { i as u64 } else { 20000 - i as u64 };
    }
    big.sort_unstable_by(|a, b| b.cmp(a));
    let _ = writeln!(out, "desc first={} last={} h={:016x}", big[0], big[19999], big.iter().fold(0, |h, &v| fnv(h, v)));
    big.iter_mut().for_each(|v| *v = 7);
    big[777] = 3;
    big.sort_unstable();
    let _ = writeln!(out, "dups first={} second={}", big[0], big[1]);

    let mut recs = [Rec { key: 0, score: 0, id: 0 }; 600];
    for (i, r) in recs.iter_mut().enumerate() {
        *r = Rec { key: (rng.next() % 40) as u16, score: (rng.next() % 2001) as i32 - 1000, id: i as u32 };
    }
    recs.sort_unstable_by_key(|r| (r.key, core::cmp::Reverse(r.score), r.id));
    let rh = recs.iter().fold(0, |h, r| fnv(fnv(fnv(h, r.key as u64), r.score as u64), r.id as u64));
    let _ = writeln!(out, "recs first={:?} h={:016x}", recs[0], rh);

    let mut floats = [0f64; 500];
    for f in floats.iter_mut() {
        *f = (rng.next() % 100_000) as f64 / 7.0 - 5000.0;
    }
    floats.sort_unstable_by(|a, b| a.total_cmp(b));
    let _ = writeln!(out, "floats min={} max={} median={}", floats[0], floats[499], floats[250]);

    let mut sel = [0i32; 1001];
    for v in sel.iter_mut() {
        *v = (rng.next() % 10007) as i32 - 5000;
    }
    let (_, median, _) = sel.select_nth_unstable(500);
    let median = *median;
    let _ = writeln!(out, "select median={}", median);

    let mut arr: [u8; 26] = core::array::from_fn(|i| b'a' + i as u8);
    arr.rotate_left(5);
    arr[..10].reverse();
    let _ = writeln!(out, "rotate {}", core::str::from_utf8(&arr).unwrap_or("?"));
    let sums: u64 = big.chunks(1000).map(|c| c.iter().sum::<u64>()).max().unwrap_or(0);
    let _ = writeln!(out, "chunks max-sum={}", sums);

    let mut bytes = inp;
    bytes[..n].sort_unstable();
    let _ = writeln!(out, "input sorted={:?}", core::str::from_utf8(&bytes[..n]).unwrap_or("<non-utf8>"));
    evm::finish(out.as_bytes())
}

evm_entry!(run);
