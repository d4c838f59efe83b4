//! The differential tests' random source: splitmix64 (small, deterministic),
//! with register values biased towards the edge cases flags care about.
//! Shared by `diff_int.rs`, `diff_flag_chains.rs` and `diff_sse.rs`; each
//! uses its own subset of the methods.
#![allow(dead_code)]

/// splitmix64: small, deterministic, good enough to spread test values.
pub struct Rng(pub u64);
impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// True `percent` % of the time.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
    pub fn pick<T: Copy>(&mut self, s: &[T]) -> T {
        s[self.below(s.len() as u64) as usize]
    }
    /// Register-like value biased towards edge cases.
    pub fn value(&mut self) -> u64 {
        const SPECIAL: [u64; 14] = [
            0,
            1,
            2,
            0x7f,
            0x80,
            0xff,
            0x7fff,
            0x8000,
            0xffff,
            0x7fff_ffff,
            0x8000_0000,
            0xffff_ffff,
            0x7fff_ffff_ffff_ffff,
            0x8000_0000_0000_0000,
        ];
        match self.below(10) {
            0 => self.pick(&SPECIAL),
            1 => self.pick(&SPECIAL).wrapping_neg(),
            2 => self.below(64),
            3 => self.next() & 0xffff,
            4 => self.next() >> self.below(64),
            _ => self.next(),
        }
    }
}
