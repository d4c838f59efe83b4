//! Fixed-size little-endian encoding shared by input decoding, storage values
//! and return data: every contract in the examples speaks "selector byte,
//! then fixed-size little-endian fields", which needs no schema and costs a
//! handful of instructions to parse.

/// A value with a fixed-size byte encoding (little-endian for integers,
/// verbatim for byte arrays).
pub trait Fixed: Sized {
    /// Encoded size in bytes.
    const SIZE: usize;
    /// Write exactly `SIZE` bytes into `out[..SIZE]`.
    fn encode(&self, out: &mut [u8]);
    /// Read from `bytes[..SIZE]`; callers guarantee the length.
    fn decode(bytes: &[u8]) -> Self;
}

macro_rules! fixed_int {
    ($($t:ty),*) => {$(
        impl Fixed for $t {
            const SIZE: usize = core::mem::size_of::<$t>();
            fn encode(&self, out: &mut [u8]) {
                out[..Self::SIZE].copy_from_slice(&self.to_le_bytes());
            }
            fn decode(bytes: &[u8]) -> Self {
                let mut a = [0u8; core::mem::size_of::<$t>()];
                a.copy_from_slice(&bytes[..Self::SIZE]);
                <$t>::from_le_bytes(a)
            }
        }
    )*};
}
fixed_int!(u8, u16, u32, u64, u128, i8, i16, i32, i64, i128);

impl Fixed for bool {
    const SIZE: usize = 1;
    fn encode(&self, out: &mut [u8]) {
        out[0] = *self as u8;
    }
    /// Any non-zero byte is `true`.
    fn decode(bytes: &[u8]) -> Self {
        bytes[0] != 0
    }
}

impl<const N: usize> Fixed for [u8; N] {
    const SIZE: usize = N;
    fn encode(&self, out: &mut [u8]) {
        out[..N].copy_from_slice(self);
    }
    fn decode(bytes: &[u8]) -> Self {
        let mut a = [0u8; N];
        a.copy_from_slice(&bytes[..N]);
        a
    }
}

/// Encode into a fresh vector (return data, event data).
pub fn to_vec<T: Fixed>(v: &T) -> alloc::vec::Vec<u8> {
    let mut out = alloc::vec![0u8; T::SIZE];
    v.encode(&mut out);
    out
}

/// Input shorter than a field needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ShortInput {
    /// Offset of the field that did not fit.
    pub offset: usize,
    /// Bytes the field needs.
    pub needed: usize,
    /// Bytes left at `offset`.
    pub available: usize,
}

impl core::fmt::Display for ShortInput {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "input too short: field at byte {} needs {} bytes, {} left",
            self.offset, self.needed, self.available
        )
    }
}

/// Cursor over an input buffer, reading fixed-size fields in order.
pub struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, pos: 0 }
    }

    /// Current offset.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// The next `n` bytes.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], ShortInput> {
        let available = self.remaining();
        if n > available {
            return Err(ShortInput {
                offset: self.pos,
                needed: n,
                available,
            });
        }
        let s = &self.bytes[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// The next fixed-size value.
    pub fn read<T: Fixed>(&mut self) -> Result<T, ShortInput> {
        self.take(T::SIZE).map(T::decode)
    }

    /// The next fixed-size value, reverting with a message saying which
    /// field was short; the usual choice in a contract's dispatcher.
    pub fn expect<T: Fixed>(&mut self) -> T {
        match self.read() {
            Ok(v) => v,
            Err(e) => crate::revert!("{}", e),
        }
    }

    /// Revert unless every byte was consumed (catches malformed calls early).
    pub fn expect_end(&self) {
        if self.remaining() != 0 {
            crate::revert!(
                "input has {} unexpected trailing bytes at byte {}",
                self.remaining(),
                self.pos
            );
        }
    }

    /// Everything not read yet.
    pub fn rest(&mut self) -> &'a [u8] {
        let s = &self.bytes[self.pos..];
        self.pos = self.bytes.len();
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_are_little_endian() {
        let mut out = [0u8; 16];
        0x0102_0304u32.encode(&mut out);
        assert_eq!(&out[..4], &[4, 3, 2, 1]);
        assert_eq!(u128::decode(&to_vec(&(u128::MAX - 5))), u128::MAX - 5);
        assert_eq!(i64::decode(&to_vec(&-2i64)), -2);
    }

    #[test]
    fn reader_reports_short_fields() {
        let data = [1u8, 2, 0, 0, 0, 9];
        let mut r = Reader::new(&data);
        assert_eq!(r.read::<u8>(), Ok(1));
        assert_eq!(r.read::<u32>(), Ok(2));
        assert_eq!(
            r.read::<u16>(),
            Err(ShortInput {
                offset: 5,
                needed: 2,
                available: 1
            })
        );
        assert_eq!(r.read::<[u8; 1]>(), Ok([9]));
        assert_eq!(r.remaining(), 0);
    }
}
