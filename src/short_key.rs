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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ShortKey([u64; 2]);

/// The key's two words, each given to the hasher as one: derived, the array hashed as
/// a slice (its length, then its sixteen bytes as a byte string), which for the memos'
/// Fx hasher was a byte-string mix several times the cost of two word steps. Equal
/// keys have equal words, so this agrees with `Eq`.
impl std::hash::Hash for ShortKey {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.0[0]);
        state.write_u64(self.0[1]);
    }
}

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
        // Whether a short word is ASCII is read off its packed key (no byte has its top
        // bit set; the length byte is below 16), not found by a scan of its own.
        match Self::new(s) {
            Some(ShortKey([low, high])) if (low | high) & LANES_HIGH == 0 => {
                Some(ShortKey([ascii_lowercase(low), ascii_lowercase(high)]))
            }
            None if s.is_ascii() => None,
            // Lower case may change the length of a word beyond ASCII.
            _ => Self::new(&s.to_lowercase()),
        }
    }

    /// The key for the bytes of a string.
    #[inline]
    pub fn from_bytes(b: &[u8]) -> Option<Self> {
        // Packed into two little-endian words, the length in the last byte.
        if b.len() > Self::MAX_LEN {
            return None;
        }
        let (low, high) = b.split_at(b.len().min(8));
        Some(ShortKey([
            little_endian(low),
            little_endian(high) | (b.len() as u64) << 56,
        ]))
    }
}

/// Up to eight bytes as a little-endian word. Built from (overlapping) fixed-size reads
/// rather than byte by byte or with a copy: a variable-length copy is a `memmove` call,
/// and both showed in profiles (every capitalised word and every word beside a name
/// is packed into a key).
fn little_endian(b: &[u8]) -> u64 {
    let n = b.len();
    match n {
        0 => 0,
        // The first, middle and last bytes cover one to three.
        1..=3 => {
            u64::from(b[0])
                | u64::from(b[n / 2]) << (8 * (n / 2))
                | u64::from(b[n - 1]) << (8 * (n - 1))
        }
        // The first four and the last four cover four to seven: where they overlap
        // they hold the same bytes.
        4..=7 => {
            let (mut head, mut tail) = ([0u8; 4], [0u8; 4]);
            head.copy_from_slice(&b[..4]);
            tail.copy_from_slice(&b[n - 4..]);
            u64::from(u32::from_le_bytes(head))
                | u64::from(u32::from_le_bytes(tail)) << (8 * (n - 4))
        }
        _ => {
            let mut all = [0u8; 8];
            all.copy_from_slice(&b[..8]);
            u64::from_le_bytes(all)
        }
    }
}

/// The eight ASCII bytes (or zeros, or a key's length, below 16) packed in `word`,
/// lower-cased at once (SWAR: each byte in its own lane, no carry between lanes): a
/// key is lower-cased for every word beside every name, and byte by byte that showed in
/// profiles.
fn ascii_lowercase(word: u64) -> u64 {
    // In each lane, bit 7 of `byte + k` is set iff the byte is at least 0x80 - k.
    let at_least_a = word.wrapping_add(0x3F3F_3F3F_3F3F_3F3F) & LANES_HIGH; // >= b'A'
    let above_z = word.wrapping_add(0x2525_2525_2525_2525) & LANES_HIGH; // > b'Z'
    // 0x20 (bit 5) added to each capital.
    word | ((at_least_a & !above_z) >> 2)
}

/// The top bit of each byte of a word (also the gazetteer walk's word test).
pub(crate) const LANES_HIGH: u64 = 0x8080_8080_8080_8080;

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
        // Every ASCII byte in every position of both words.
        for b in 0u8..128 {
            for at in 0..ShortKey::MAX_LEN {
                let mut word = *b"the quick fox 1";
                word[at] = b;
                let word = std::str::from_utf8(&word[..]).expect("ASCII");
                assert_eq!(
                    ShortKey::lowercase(word),
                    ShortKey::new(&word.to_ascii_lowercase()),
                    "byte {b:#x} at {at}"
                );
            }
        }
    }

    #[test]
    fn keys_pack_every_length_byte_by_byte() {
        let text = b"abcdefghijklmno";
        for len in 0..=ShortKey::MAX_LEN {
            let mut words = [0u64; 2];
            for (i, &byte) in text[..len].iter().enumerate() {
                words[i / 8] |= u64::from(byte) << (8 * (i % 8));
            }
            words[1] |= (len as u64) << 56;
            assert_eq!(ShortKey::from_bytes(&text[..len]), Some(ShortKey(words)));
        }
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
