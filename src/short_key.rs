//! Hash maps keyed by short strings, for the geoparser's memos.
//!
//! The memos of [`crate::gazetteer::WordMemo`] and [`crate::geoparse::ParseMemo`] are
//! looked up for every capitalised word of the text. With `Box<str>` keys, each lookup
//! followed a pointer to the key and called `memcmp`; profiles showed those two as a
//! fifth of the warm parse time. Words of up to 15 bytes (nearly all) are kept inline
//! in a fixed array instead, hashed and compared as two machine words; longer ones go
//! to an ordinary map. Sixteen bytes, so a key and a 48-byte automaton state fill one
//! cache line.

use rustc_hash::FxHashMap;

/// A string of at most [`ShortKey::MAX_LEN`] bytes, packed with its length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ShortKey([u64; 2]);

impl ShortKey {
    /// Longest string that fits.
    pub const MAX_LEN: usize = 15;

    /// The key for `s`, or `None` if it is longer than [`ShortKey::MAX_LEN`].
    #[inline]
    pub fn new(s: &str) -> Option<Self> {
        Self::from_bytes(s.as_bytes())
    }

    /// The key for `s` in lower case. Short ASCII words (nearly all) are lower-cased
    /// straight into the key, with no string made.
    pub fn lowercase(s: &str) -> Option<Self> {
        if s.is_ascii() {
            Self::pack(s.as_bytes(), |b| b.to_ascii_lowercase())
        } else {
            Self::new(&s.to_lowercase())
        }
    }

    /// The key for the bytes of a string.
    #[inline]
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        Self::pack(b, |b| b)
    }

    /// Packs `b` (mapped byte by byte) into two little-endian words, the length in the
    /// last byte. Built with shifts rather than a copy: a variable-length copy is a
    /// `memmove` call, which showed in profiles.
    #[inline]
    fn pack(b: &[u8], map: impl Fn(u8) -> u8) -> Option<Self> {
        if b.len() > Self::MAX_LEN {
            return None;
        }
        let mut words = [0u64; 2];
        for (i, &byte) in b.iter().enumerate() {
            words[i / 8] |= u64::from(map(byte)) << (8 * (i % 8));
        }
        words[1] |= (b.len() as u64) << 56;
        Some(ShortKey(words))
    }
}

/// A map from strings to `V`, short keys inline (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct ShortKeyMap<V> {
    short: FxHashMap<ShortKey, V>,
    long: FxHashMap<Box<str>, V>,
}

impl<V> Default for ShortKeyMap<V> {
    fn default() -> Self {
        ShortKeyMap {
            short: FxHashMap::default(),
            long: FxHashMap::default(),
        }
    }
}

impl<V> ShortKeyMap<V> {
    /// An empty map with room for `n` short keys.
    pub fn with_capacity(n: usize) -> Self {
        ShortKeyMap {
            short: FxHashMap::with_capacity_and_hasher(n, Default::default()),
            long: FxHashMap::default(),
        }
    }

    /// The value for `key`.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&V> {
        match ShortKey::new(key) {
            Some(k) => self.short.get(&k),
            None => self.long.get(key),
        }
    }

    /// Sets the value for `key`.
    pub fn insert(&mut self, key: &str, value: V) {
        match ShortKey::new(key) {
            Some(k) => {
                self.short.insert(k, value);
            }
            None => {
                self.long.insert(key.into(), value);
            }
        }
    }

    /// Sets the value for `key`, first forgetting every key if the map already holds
    /// `limit` of them: the memos built on these maps stay bounded on any corpus.
    pub fn insert_bounded(&mut self, key: &str, value: V, limit: usize) {
        if self.len() >= limit {
            self.clear();
        }
        self.insert(key, value);
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.short.len() + self.long.len()
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.short.clear();
        self.long.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_equal_only_for_equal_strings() {
        let words = [
            "",
            "a",
            "a\0",
            "Niger",
            "Nigeria",
            "niger",
            "12345678901234567890123",
        ];
        for a in words {
            for b in words {
                assert_eq!(ShortKey::new(a) == ShortKey::new(b), a == b, "{a:?} {b:?}");
            }
        }
        assert!(ShortKey::new("1234567890123456").is_none());
        assert_eq!(ShortKey::lowercase("NiGeR"), ShortKey::new("niger"));
        assert_eq!(ShortKey::lowercase("SÉGOU"), ShortKey::new("ségou"));
        assert!(ShortKey::lowercase("ABCDEFGHIJKLMNOP").is_none());
    }

    #[test]
    fn short_and_long_keys_both_work() {
        let mut m = ShortKeyMap::default();
        let long = "Democratic Republic of the Congo";
        m.insert("Niger", 1);
        m.insert(long, 2);
        assert_eq!(m.get("Niger"), Some(&1));
        assert_eq!(m.get(long), Some(&2));
        assert_eq!(m.get("Nige"), None);
        assert_eq!(m.len(), 2);
        m.clear();
        assert_eq!(m.len(), 0);
        // Bounded: the third key finds two and starts over.
        for (i, k) in ["a", "b", "c"].into_iter().enumerate() {
            m.insert_bounded(k, i, 2);
        }
        assert_eq!((m.len(), m.get("c"), m.get("a")), (1, Some(&2), None));
    }
}
