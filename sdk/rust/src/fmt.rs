//! Fixed-capacity text buffer: `core::fmt` output with no allocator, used by
//! the panic handler (which must work even when the heap is exhausted) and by
//! the `revert!`/`debug!` macros.

use core::fmt;

/// Up to `N` bytes of formatted text; output beyond `N` is cut off (at a
/// UTF-8 character boundary) rather than failing, since a truncated revert
/// message is more useful than none.
pub struct Buf<const N: usize> {
    bytes: [u8; N],
    len: usize,
}

impl<const N: usize> Buf<N> {
    pub const fn new() -> Self {
        Buf {
            bytes: [0; N],
            len: 0,
        }
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> Default for Buf<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Write for Buf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let room = N - self.len;
        let mut take = s.len().min(room);
        while !s.is_char_boundary(take) {
            take -= 1;
        }
        self.bytes[self.len..self.len + take].copy_from_slice(&s.as_bytes()[..take]);
        self.len += take;
        Ok(())
    }
}

/// Lowercase hex of `bytes` into a buffer of `2 * bytes.len()` characters.
pub fn hex_into<'a>(bytes: &[u8], out: &'a mut [u8]) -> &'a str {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let n = bytes.len().min(out.len() / 2);
    for (i, b) in bytes[..n].iter().enumerate() {
        out[2 * i] = DIGITS[(b >> 4) as usize];
        out[2 * i + 1] = DIGITS[(b & 15) as usize];
    }
    // Only ASCII hex digits were written.
    core::str::from_utf8(&out[..2 * n]).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test]
    fn buf_truncates_at_char_boundary() {
        let mut b = Buf::<5>::new();
        let tail = "cdé";
        write!(b, "ab{tail}").unwrap();
        assert_eq!(b.as_bytes(), b"abcd");
    }

    #[test]
    fn hex_matches_format() {
        let mut out = [0u8; 8];
        assert_eq!(hex_into(&[0x00, 0xab, 0x10, 0xff], &mut out), "00ab10ff");
    }
}
