//! A document's content hash: how a project tells that a file it is given again is the
//! document it already holds, so that document is not parsed again.
//!
//! SHA-256 (RustCrypto's `sha2`) of the document's decoded UTF-8 text, the text every
//! offset refers to (so a file re-encoded to the same text is the same document, and one
//! whose bytes changed is not). A cryptographic hash rather than a faster 64-bit one
//! because projects are shared: with a 64-bit hash someone could craft an article that
//! collides with another and so keep it out of a colleague's project; SHA-256 costs
//! about a second per gigabyte of text, small beside parsing it.

use sha2::{Digest, Sha256};

/// SHA-256 of a document's decoded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash([u8; 32]);

impl ContentHash {
    /// The hash of `text` (a [`Document::text`](crate::corpus::Document::text)).
    pub fn of(text: &str) -> ContentHash {
        ContentHash(Sha256::digest(text.as_bytes()).into())
    }

    /// The 32 bytes, as stored in a project.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// A hash from the bytes stored in a project; `None` unless there are 32.
    pub fn from_slice(bytes: &[u8]) -> Option<ContentHash> {
        bytes.try_into().ok().map(ContentHash)
    }
}

impl std::fmt::Display for ContentHash {
    /// Lower-case hex, as `sha256sum` prints it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_sha256_of_the_text() {
        // `printf 'Rain in Niamey.' | sha256sum`
        assert_eq!(
            ContentHash::of("Rain in Niamey.").to_string(),
            "955a027790bb318d556d0c03a7cdf590fcc73077761a7582e109d4bd6f0b69ac"
        );
        assert_eq!(
            ContentHash::of("").to_string(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let h = ContentHash::of("Niamey");
        assert_eq!(ContentHash::from_slice(h.as_bytes()), Some(h));
        assert_eq!(ContentHash::from_slice(&[0; 31]), None);
    }
}
