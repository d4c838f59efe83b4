//! Helpers shared by the integration tests: a seeded PRNG (so every run
//! checks the same cases and a failure reproduces) and hex/byte-order
//! conversions between Ethereum's big-endian encodings and the ABI's
//! little-endian one.
#![allow(dead_code)]

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, seedable, good enough to
/// spread test inputs; not used by the library itself.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish in `0..n` (`n > 0`); the modulo bias is irrelevant here.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn fill(&mut self, out: &mut [u8]) {
        for chunk in out.chunks_mut(8) {
            let word = self.next_u64().to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }

    pub fn bytes(&mut self, len: usize) -> Vec<u8> {
        let mut v = vec![0u8; len];
        self.fill(&mut v);
        v
    }

    /// A 256-bit operand drawn from shapes that hit carries and edge paths:
    /// uniform, short (few low bytes), all ones, powers of two, mostly ones,
    /// and zero.
    pub fn u256(&mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        match self.below(8) {
            0..=2 => self.fill(&mut out),
            3 => {
                let len = self.below(33) as usize;
                self.fill(&mut out[..len]);
            }
            4 => out = [0xFF; 32],
            5 => {
                let bit = self.below(256) as usize;
                out[bit / 8] = 1 << (bit % 8);
            }
            6 => {
                out = [0xFF; 32];
                let byte = self.below(32) as usize;
                out[byte] = self.next_u64() as u8;
            }
            _ => {}
        }
        out
    }
}

pub fn unhex(s: &str) -> Vec<u8> {
    hex::decode(s).expect("test data is valid hex")
}

pub fn unhex32(s: &str) -> [u8; 32] {
    unhex(s).try_into().expect("32 bytes")
}

/// Reverses byte order (big-endian ↔ little-endian).
pub fn reversed(bytes: &[u8]) -> Vec<u8> {
    bytes.iter().rev().copied().collect()
}
