//! A compact, fixed-size summary of every entry, made from the file's in-place rows the
//! first time one of its entries is asked for: what a resolver compares (kind, packed
//! codes, coordinates, point on the sphere) in one 64-byte row.
//!
//! Entries themselves are about 200 bytes with their codes behind pointers, so reading
//! a candidate's country and admin-1 code from one cost three or four cache misses,
//! and the resolver reads every candidate of every name (8.6 per ambiguous name in
//! news). Rows are indexed like the entries.

use super::{Entry, EntryIndex, Kind};
use crate::geodesy::unit_vector;

/// A short code (ISO country code, admin-1 code, feature code) packed into an integer,
/// so the resolver's inner loops compare integers, not strings. Codes of up to 7 bytes
/// are packed exactly, with their length in the top byte; longer ones (233 admin-1 codes
/// of the bundled data, GeoNames ids such as Kosovo's `10096138`) are hashed (64-bit
/// FNV-1a) with the top bit set, so they never equal a packed one. Only the empty code
/// packs to 0. The gazetteer file stores packed codes, so this function is part of its
/// format: the hash is spelled out here, not borrowed from a crate that may change it.
pub fn pack_code(code: &str) -> u64 {
    let b = code.as_bytes();
    if b.len() <= 7 {
        let mut buf = [0u8; 8];
        buf[..b.len()].copy_from_slice(b);
        buf[7] = b.len() as u8;
        u64::from_le_bytes(buf)
    } else {
        const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
        const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
        let hash = b.iter().fold(FNV_OFFSET, |h, &byte| {
            (h ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
        });
        hash | 1 << 63
    }
}

/// What a resolver compares of an entry (see the module docs), read with
/// [`super::Gazetteer::facts`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntryFacts {
    /// The entry these are the facts of.
    pub entry: EntryIndex,
    /// Its kind.
    pub kind: Kind,
    /// A place of local note: a town of fewer than [`EntryFacts::MINOR_POPULATION`]
    /// people or a second-level division. A story that names one and, nearby, a town
    /// that shares its name with a country is likely local news about that town; a
    /// big city is named by national news too, and has many small namesakes around it.
    pub minor: bool,
    /// [`pack_code`] of its country code; 0 for none (a multi-country region).
    country: u64,
    /// [`pack_code`] of its admin-1 code; 0 for none.
    admin1: u64,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// [`unit_vector`] of its coordinates (see [`crate::geodesy`]).
    pub point: [f64; 3],
}

impl EntryFacts {
    /// Towns below this population are [`EntryFacts::minor`].
    pub const MINOR_POPULATION: u64 = 500_000;

    /// The facts of entry `e`, at index `entry`.
    pub fn of(entry: EntryIndex, e: &Entry) -> Self {
        Self::new(
            entry,
            e.kind,
            e.country_code.as_deref(),
            e.admin1_code.as_deref(),
            e.lat,
            e.lon,
            e.population,
        )
    }

    /// Facts from their parts (codes as written; an empty code counts as none).
    pub fn new(
        entry: EntryIndex,
        kind: Kind,
        country: Option<&str>,
        admin1: Option<&str>,
        lat: f64,
        lon: f64,
        population: u64,
    ) -> Self {
        let codes = [country.map_or(0, pack_code), admin1.map_or(0, pack_code)];
        Self::from_packed(entry, kind, codes, lat, lon, population)
    }

    /// Facts from their parts, the country and admin-1 codes already packed (as the
    /// gazetteer file stores them; 0 for none).
    pub(super) fn from_packed(
        entry: EntryIndex,
        kind: Kind,
        [country, admin1]: [u64; 2],
        lat: f64,
        lon: f64,
        population: u64,
    ) -> Self {
        EntryFacts {
            entry,
            kind,
            minor: match kind {
                Kind::Place => population < Self::MINOR_POPULATION,
                Kind::Admin2 => true,
                _ => false,
            },
            country,
            admin1,
            lat,
            lon,
            point: unit_vector(lat, lon),
        }
    }

    /// [`pack_code`] of the country code, if the entry has one.
    pub fn country(&self) -> Option<u64> {
        (self.country != 0).then_some(self.country)
    }

    /// [`pack_code`] of the admin-1 code, if the entry has one.
    pub fn admin1(&self) -> Option<u64> {
        (self.admin1 != 0).then_some(self.admin1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packed_codes_are_equal_only_for_equal_codes() {
        let codes = [
            "NE",
            "NG",
            "N",
            "",
            "NE1",
            "ENG",
            "1234567",
            "12345678",
            "123456789",
        ];
        for a in codes {
            for b in codes {
                assert_eq!(pack_code(a) == pack_code(b), a == b, "{a:?} vs {b:?}");
            }
            assert_eq!(pack_code(a) == 0, a.is_empty(), "{a:?}");
        }
        // Long codes are hashed with the top bit set; packed ones never have it.
        assert!(pack_code("12345678") >> 63 == 1 && pack_code("1234567") >> 63 == 0);
    }

    #[test]
    fn facts_keep_codes_and_tell_missing_ones() {
        let f = EntryFacts::new(7, Kind::Place, Some("NE"), Some("08"), 13.5, 2.1, 1_300_000);
        assert!(!f.minor, "a city of a million is not of local note");
        assert_eq!(f.country(), Some(pack_code("NE")));
        assert_eq!(f.admin1(), Some(pack_code("08")));
        let region = EntryFacts::new(8, Kind::Region, None, Some(""), 15.0, 0.0, 0);
        assert_eq!((region.country(), region.admin1()), (None, None));
        assert!(!region.minor);
        assert!(EntryFacts::new(9, Kind::Place, Some("US"), None, 40.3, -76.4, 25_000).minor);
        let p = f.point;
        assert!((p[0] * p[0] + p[1] * p[1] + p[2] * p[2] - 1.0).abs() < 1e-12);
        assert_eq!(std::mem::size_of::<EntryFacts>(), 64);
    }
}
