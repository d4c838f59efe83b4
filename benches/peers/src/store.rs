//! The key-value map behind every build's storage: the echovm `Host`, the
//! wasm host functions and the native callbacks all use this type, so the
//! storage benchmark compares the cost of *reaching* the map, not the maps.

use std::collections::BTreeMap;

/// Ordered byte map with the `storage_read`/`storage_write` contract of
/// interrupts 0x70/0x71.
#[derive(Default, Debug)]
pub struct KvStore {
    map: BTreeMap<Vec<u8>, Vec<u8>>,
}

impl KvStore {
    pub fn clear(&mut self) {
        self.map.clear();
    }

    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        self.map.get(key).map(Vec::as_slice)
    }

    /// Copy up to `dst.len()` bytes of the value into `dst`; the full value
    /// length, or -1 when the key is absent.
    pub fn read_into(&self, key: &[u8], dst: &mut [u8]) -> i64 {
        match self.map.get(key) {
            Some(v) => {
                let n = v.len().min(dst.len());
                dst[..n].copy_from_slice(&v[..n]);
                v.len() as i64
            }
            None => -1,
        }
    }

    /// Insert or overwrite, reusing the old value's buffer.
    pub fn write(&mut self, key: &[u8], value: &[u8]) {
        match self.map.get_mut(key) {
            Some(v) => {
                v.clear();
                v.extend_from_slice(value);
            }
            None => {
                self.map.insert(key.to_vec(), value.to_vec());
            }
        }
    }

    pub fn remove(&mut self, key: &[u8]) -> bool {
        self.map.remove(key).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_reports_full_length_and_truncates_copy() {
        let mut s = KvStore::default();
        let mut buf = [0u8; 2];
        assert_eq!(s.read_into(b"k", &mut buf), -1);
        s.write(b"k", b"abc");
        assert_eq!(s.read_into(b"k", &mut buf), 3);
        assert_eq!(&buf, b"ab");
        s.write(b"k", b"z");
        assert_eq!(s.get(b"k"), Some(&b"z"[..]));
        assert!(s.remove(b"k"));
        assert!(!s.remove(b"k"));
    }
}
