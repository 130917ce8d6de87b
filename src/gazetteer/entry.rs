//! What a gazetteer entry is: its [`Kind`], its fields, and how a written name
//! denotes one ([`NameMatch`], [`Candidate`]). Plain data, shared by every other file.

use serde::{Deserialize, Serialize};

/// What kind of thing a gazetteer entry is. The geoparser prefers kinds in roughly this
/// order when nothing else decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A sovereign country or dependent territory (ISO 3166-1).
    Country,
    /// A first-level administrative division (state, region, province).
    Admin1,
    /// A second-level administrative division (county, parish, district).
    Admin2,
    /// A populated place (city, town, village).
    Place,
    /// A continent or multi-country region (West Africa, the Sahel, the Middle East).
    Region,
    /// A physical feature (river, lake, desert, sea, mountain range).
    Physical,
    /// An adjective or demonym of a country or region (`Nigerien`, `Turkish`).
    Demonym,
}

impl Kind {
    /// Every kind, in display order.
    pub const ALL: [Kind; 7] = [
        Kind::Country,
        Kind::Admin1,
        Kind::Admin2,
        Kind::Place,
        Kind::Region,
        Kind::Physical,
        Kind::Demonym,
    ];

    /// The lower-case name used in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Country => "country",
            Kind::Admin1 => "admin1",
            Kind::Admin2 => "admin2",
            Kind::Place => "place",
            Kind::Region => "region",
            Kind::Physical => "physical",
            Kind::Demonym => "demonym",
        }
    }

    /// Parses [`Kind::as_str`] back.
    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Index of an entry in the gazetteer (stable for one gazetteer file only; use
/// [`Entry::id`] to refer to an entry across files and sessions).
pub type EntryIndex = u32;

/// One gazetteer entry. Coordinates are WGS 84 degrees.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Stable id: `gn:<GeoNames id>`, `gz:<slug>` for curated rows, `dem:<id>` for demonyms.
    pub id: String,
    /// What the entry is.
    pub kind: Kind,
    /// Main English name.
    pub name: String,
    /// The name with accents folded to ASCII.
    pub ascii_name: String,
    /// Alternate names, `|`-separated (one allocation instead of many keeps loading fast).
    pub(super) alt_names: String,
    /// Forms that only count when written in capitals (`US`, `U.S.`, `UK`), `|`-separated.
    pub(super) abbreviations: String,
    /// Latitude, degrees north.
    pub lat: f64,
    /// Longitude, degrees east.
    pub lon: f64,
    /// GeoNames feature code (`PPLC`, `PPLA`, `PCLI`, `ADM1`, `RGN`, `STM`, `DEM`…).
    pub feature_code: String,
    /// ISO 3166-1 alpha-2 code; `None` for a multi-country region.
    pub country_code: Option<String>,
    /// GeoNames admin-1 code within the country (`01`), if any.
    pub admin1_code: Option<String>,
    /// Population (0 when unknown).
    pub population: u64,
    /// Footprint `[west, south, east, north]` in degrees, where the source has one.
    pub bbox: Option<[f64; 4]>,
    /// Member countries (ISO alpha-2) of a multi-country region.
    pub members: Vec<String>,
    /// For a demonym: the entry it is the demonym of.
    pub refers_to: Option<EntryIndex>,
}

impl Entry {
    /// Alternate names, without the main name.
    pub fn alt_names(&self) -> impl Iterator<Item = &str> {
        self.alt_names.split('|').filter(|s| !s.is_empty())
    }

    /// Capital-only abbreviations.
    pub fn abbreviations(&self) -> impl Iterator<Item = &str> {
        self.abbreviations.split('|').filter(|s| !s.is_empty())
    }

    /// A short human description: `Agadez (place, NE)`.
    pub fn label(&self) -> String {
        match &self.country_code {
            Some(cc) => format!("{} ({}, {})", self.name, self.kind, cc),
            None => format!("{} ({})", self.name, self.kind),
        }
    }
}

/// How a surface form matched an entry: the geoparser trusts a main name more than an
/// obscure alternate spelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum NameMatch {
    /// The entry's main or ASCII name.
    Primary,
    /// One of its alternate names.
    Alternate,
    /// A capital-only abbreviation (`US`); valid only if the text is in capitals.
    Abbreviation,
}

/// A gazetteer entry that a surface form can denote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    /// The entry.
    pub entry: EntryIndex,
    /// How the form matched it.
    pub name_match: NameMatch,
}
