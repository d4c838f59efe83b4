//! Contract storage (0x70..0x73): raw byte access, typed fixed-size values,
//! and [`Map`], a key prefix that namespaces one logical mapping.
//!
//! Keys and values are byte strings (size limits come from the schedule).
//! Typed values use the [`Fixed`] encoding: a `u128` is 16 little-endian
//! bytes, an address 32 raw bytes — the same bytes a C contract writes with
//! `evm_storage_write(&key, .., &amount, 16)`, so C and Rust contracts and
//! off-chain tools agree on the layout.

use crate::codec::Fixed;
use crate::sys;
use alloc::vec::Vec;
use core::marker::PhantomData;

/// Values (and `Map` keys) up to this size go through a stack buffer, larger
/// ones through the heap.
const STACK_VALUE: usize = 128;

/// Length of the value at `key`, `None` if absent.
pub fn size(key: &[u8]) -> Option<usize> {
    // SAFETY: the host only reads key.
    let n = unsafe { sys::storage_size(key.as_ptr(), key.len()) };
    usize::try_from(n).ok()
}

/// Copy the value at `key` into `dst` (at most `dst.len()` bytes); returns
/// the value's full length, `None` if absent.
pub fn read_into(key: &[u8], dst: &mut [u8]) -> Option<usize> {
    // SAFETY: the host reads key and writes at most dst.len() bytes to dst.
    let n = unsafe { sys::storage_read(key.as_ptr(), key.len(), dst.as_mut_ptr(), dst.len()) };
    usize::try_from(n).ok()
}

/// The value at `key` as bytes, `None` if absent.
pub fn get_bytes(key: &[u8]) -> Option<Vec<u8>> {
    let n = size(key)?;
    let mut v = alloc::vec![0u8; n];
    let m = read_into(key, &mut v)?;
    v.truncate(m.min(n));
    Some(v)
}

/// Store bytes at `key`.
pub fn set_bytes(key: &[u8], value: &[u8]) {
    // SAFETY: the host only reads key and value.
    unsafe { sys::storage_write(key.as_ptr(), key.len(), value.as_ptr(), value.len()) }
}

/// Delete `key`; true if it existed.
pub fn remove(key: &[u8]) -> bool {
    // SAFETY: the host only reads key.
    unsafe { sys::storage_remove(key.as_ptr(), key.len()) == 1 }
}

/// True if `key` holds a value.
pub fn contains(key: &[u8]) -> bool {
    size(key).is_some()
}

/// The typed value at `key`, `None` if absent. A stored value of another
/// length than `T::SIZE` reverts the call: it means the contract's own
/// storage layout is inconsistent, which must not be read as a valid value.
pub fn get<T: Fixed>(key: &[u8]) -> Option<T> {
    let mut stack = [0u8; STACK_VALUE];
    let mut heap;
    let buf: &mut [u8] = if T::SIZE <= STACK_VALUE {
        &mut stack[..T::SIZE]
    } else {
        heap = alloc::vec![0u8; T::SIZE];
        &mut heap
    };
    let n = read_into(key, buf)?;
    if n != T::SIZE {
        crate::revert!("storage value has {} bytes, expected {}", n, T::SIZE);
    }
    Some(T::decode(buf))
}

/// The typed value at `key`, or `T::default()` when absent (balances,
/// counters).
pub fn get_or_default<T: Fixed + Default>(key: &[u8]) -> T {
    get(key).unwrap_or_default()
}

/// Store a typed value at `key`.
pub fn set<T: Fixed>(key: &[u8], value: &T) {
    let mut stack = [0u8; STACK_VALUE];
    if T::SIZE <= STACK_VALUE {
        value.encode(&mut stack[..T::SIZE]);
        set_bytes(key, &stack[..T::SIZE]);
    } else {
        set_bytes(key, &crate::codec::to_vec(value));
    }
}

/// A typed mapping `K -> V` stored under keys `prefix ‖ encode(K)`.
///
/// ```ignore
/// const BALANCES: Map<Address, u128> = Map::new(b"bal:");
/// BALANCES.set(&who, &(BALANCES.get_or_default(&who) + 5));
/// ```
pub struct Map<K, V> {
    prefix: &'static [u8],
    _types: PhantomData<fn(K) -> V>,
}

impl<K: Fixed, V: Fixed> Map<K, V> {
    pub const fn new(prefix: &'static [u8]) -> Self {
        Map {
            prefix,
            _types: PhantomData,
        }
    }

    /// The storage key of `k`: `prefix ‖ encode(k)`.
    pub fn key(&self, k: &K) -> Vec<u8> {
        let mut key = alloc::vec![0u8; self.prefix.len() + K::SIZE];
        key[..self.prefix.len()].copy_from_slice(self.prefix);
        k.encode(&mut key[self.prefix.len()..]);
        key
    }

    /// Run `f` on the storage key of `k`, built in a stack buffer when it
    /// fits (the common case) so an access costs no heap interrupts.
    fn with_key<R>(&self, k: &K, f: impl FnOnce(&[u8]) -> R) -> R {
        let n = self.prefix.len() + K::SIZE;
        if n > STACK_VALUE {
            return f(&self.key(k));
        }
        let mut buf = [0u8; STACK_VALUE];
        buf[..self.prefix.len()].copy_from_slice(self.prefix);
        k.encode(&mut buf[self.prefix.len()..n]);
        f(&buf[..n])
    }

    pub fn get(&self, k: &K) -> Option<V> {
        self.with_key(k, get)
    }

    pub fn get_or_default(&self, k: &K) -> V
    where
        V: Default,
    {
        self.with_key(k, get_or_default)
    }

    pub fn set(&self, k: &K, v: &V) {
        self.with_key(k, |key| set(key, v))
    }

    pub fn remove(&self, k: &K) -> bool {
        self.with_key(k, remove)
    }

    pub fn contains(&self, k: &K) -> bool {
        self.with_key(k, contains)
    }
}

/// A single typed value at a fixed key.
pub struct Item<V> {
    key: &'static [u8],
    _type: PhantomData<fn() -> V>,
}

impl<V: Fixed> Item<V> {
    pub const fn new(key: &'static [u8]) -> Self {
        Item {
            key,
            _type: PhantomData,
        }
    }
    pub fn get(&self) -> Option<V> {
        get(self.key)
    }
    pub fn get_or_default(&self) -> V
    where
        V: Default,
    {
        get_or_default(self.key)
    }
    pub fn set(&self, v: &V) {
        set(self.key, v)
    }
    pub fn remove(&self) -> bool {
        remove(self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_key_is_prefix_then_le_encoding() {
        let m: Map<u32, u8> = Map::new(b"p:");
        assert_eq!(m.key(&0x0a0b0c0d), b"p:\x0d\x0c\x0b\x0a".to_vec());
    }

    #[test]
    fn stack_key_matches_heap_key() {
        let small: Map<[u8; 32], u8> = Map::new(b"bal:");
        let k = [7u8; 32];
        assert_eq!(small.with_key(&k, |b| b.to_vec()), small.key(&k));
        let large: Map<[u8; 200], u8> = Map::new(b"big:");
        let k = [9u8; 200];
        assert_eq!(large.with_key(&k, |b| b.to_vec()), large.key(&k));
    }
}
