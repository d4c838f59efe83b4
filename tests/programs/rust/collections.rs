//! `alloc` on the VM heap: Vec growth (realloc), String and format!, the
//! stable sort (driftsort, with scratch allocation), BTreeMap/BTreeSet,
//! VecDeque, BinaryHeap, Box<dyn Trait> dispatch and Rc reference counts.
#![cfg_attr(not(echovm_native), no_std)]
#![cfg_attr(not(echovm_native), no_main)]

extern crate alloc;

#[path = "evm.rs"]
mod evm;
#[path = "evm_alloc.rs"]
mod evm_alloc;

use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet, BinaryHeap, VecDeque};
use alloc::format;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write;

trait Shape {
    fn area_x100(&self) -> u64;
    fn name(&self) -> String;
}
struct Rect(u64, u64);
struct Tri(u64, u64);
impl Shape for Rect {
    fn area_x100(&self) -> u64 {
        self.0 * self.1 * 100
    }
    fn name(&self) -> String {
        format!("rect{}x{}", self.0, self.1)
    }
}
impl Shape for Tri {
    fn area_x100(&self) -> u64 {
        self.0 * self.1 * 50
    }
    fn name(&self) -> String {
        format!("tri{}x{}", self.0, self.1)
    }
}

fn run() {
    let mut input = Vec::new();
    input.resize(evm::input_size(), 0u8);
    let n = evm::input_read(&mut input, 0);
    input.truncate(n);
    let text = String::from_utf8_lossy(&input).into_owned();
    let mut out = String::new();

    // word frequencies, ordered
    let mut freq: BTreeMap<&str, u32> = BTreeMap::new();
    for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        *freq.entry(w).or_insert(0) += 1;
    }
    let _ = writeln!(out, "words={} distinct={}", text.split_whitespace().count(), freq.len());
    let mut by_count: Vec<(&str, u32)> = freq.iter().map(|(k, v)| (*k, *v)).collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1)); // stable: ties keep alphabetical order
    for (w, c) in by_count.iter().take(5) {
        let _ = writeln!(out, "  {w}: {c}");
    }
    let upper: String = text.chars().rev().filter(|c| !c.is_whitespace()).flat_map(|c| c.to_uppercase()).take(40).collect();
    let _ = writeln!(out, "rev-upper={upper}");

    // growth through many reallocations
    let mut v: Vec<u64> = Vec::new();
    let mut x = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..50_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        v.push(x % 100_000);
    }
    v.sort();
    v.dedup();
    let set: BTreeSet<u64> = v.iter().copied().filter(|k| k % 7 == 0).collect();
    let _ = writeln!(out, "vec len={} first={} last={} set={} set-range={}", v.len(), v[0], v[v.len() - 1], set.len(), set.range(1000..2000).count());

    let mut heap: BinaryHeap<(u64, usize)> = v.iter().take(1000).enumerate().map(|(i, &k)| (k ^ 0x5555, i)).collect();
    let top: Vec<String> = (0..3).filter_map(|_| heap.pop()).map(|(k, i)| format!("{k}@{i}")).collect();
    let _ = writeln!(out, "heap top={}", top.join(","));

    let mut dq: VecDeque<u32> = VecDeque::with_capacity(4);
    for i in 0..100 {
        if i % 3 == 0 {
            dq.push_front(i);
        } else {
            dq.push_back(i);
        }
        if i % 5 == 0 {
            dq.pop_back();
        }
    }
    let _ = writeln!(out, "deque len={} front={:?} back={:?} sum={}", dq.len(), dq.front(), dq.back(), dq.iter().sum::<u32>());

    let shapes: Vec<Box<dyn Shape>> = (1..=6).map(|i| if i % 2 == 0 { Box::new(Rect(i, i + 1)) as Box<dyn Shape> } else { Box::new(Tri(i, 2 * i)) }).collect();
    let total: u64 = shapes.iter().map(|s| s.area_x100()).sum();
    let names: Vec<String> = shapes.iter().map(|s| s.name()).collect();
    let _ = writeln!(out, "shapes total={} names={}", total, names.join("|"));

    let shared = Rc::new(String::from("shared"));
    let clones: Vec<Rc<String>> = (0..5).map(|_| Rc::clone(&shared)).collect();
    let _ = writeln!(out, "rc count={} after-drop={}", Rc::strong_count(&shared), {
        drop(clones);
        Rc::strong_count(&shared)
    });
    let _ = writeln!(out, "float fmt {:.4} {:e}", total as f64 / 7.0, v.len() as f32 * 1.5e-3);
    evm::debug_print(b"collections done");
    evm::finish(out.as_bytes())
}

evm_entry!(run);
